/*
 * fuzz_date.c - the date, duration and period parsers.  The input is
 * one string; it is tried as every form.  What parses must format and
 * parse back to the same day, and a period must not end before it
 * starts.
 */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "error.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct psw_duration dur;
	struct psw_err e;
	psw_date today, d, from, to, back;
	char buf[PSW_DATE_LEN], *s;

	if ((s = fuzz_str(data, size)) == NULL)
		return 0;
	psw_date_from_ymd(2026, 11, 28, &today);
	if (psw_date_parse(s, today, &d, &e) == 0) {
		FUZZ_CHECK(psw_date_parse_iso(psw_date_format(d, buf),
		    &back) == 0 && back == d);
	} else {
		FUZZ_CHECK(e.code == PSW_EUSAGE && e.msg[0] != '\0');
	}
	if (psw_date_parse_iso(s, &d) == 0)
		FUZZ_CHECK(strcmp(psw_date_format(d, buf), s) == 0);
	if (psw_duration_parse(s, &dur, &e) == 0) {
		d = psw_date_add(today, dur);
		(void)psw_duration_days(today, dur);
		if (d != PSW_DATE_NONE)
			FUZZ_CHECK(psw_date_parse_iso(psw_date_format(d, buf),
			    &back) == 0 && back == d);
	}
	if (psw_period_parse(s, today, &from, &to, &e) == 0)
		FUZZ_CHECK(from <= to);
	free(s);
	return 0;
}
