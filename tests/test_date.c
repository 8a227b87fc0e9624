/*
 * test_date.c - unit tests for lib/date.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "error.h"

#define DATE_FORMS	"(use YYYY-MM-DD, today, yesterday, tomorrow, " \
			"a weekday, or +Nd, -Nw, +Nm, +Ny)"
#define PERIOD_FORMS	"(use YYYY-Www, YYYY-MM, YYYY, or a date: " \
			"YYYY-MM-DD, today, yesterday, tomorrow, " \
			"a weekday, or +Nd, -Nw, +Nm, +Ny)"
#define DUR_FORMS	"(use Nd, Nw, Nm or Ny with N from 0 to 100000)"
#define RANGE_TEXT	"(dates run from 0001-01-01 to 9999-12-31)"

/* The pinned "today" of these tests: Saturday 2026-11-28. */
#define TODAY		20785

/* Day number of an ISO date the test knows to be valid. */
static psw_date
D(const char *s)
{
	psw_date d = PSW_DATE_NONE;

	assert_int_equal(psw_date_parse_iso(s, &d), 0);
	return d;
}

/* Assert that a day number formats as the expected ISO text. */
static void
assert_date(psw_date d, const char *want)
{
	char buf[PSW_DATE_LEN];

	assert_string_equal(psw_date_format(d, buf), want);
}

/* Assert psw_date_parse(s, TODAY) gives the expected day. */
static void
parses_to(const char *s, const char *want)
{
	struct psw_err e;
	psw_date d = PSW_DATE_NONE;

	psw_err_clear(&e);
	assert_int_equal(psw_date_parse(s, TODAY, &d, &e), 0);
	assert_int_equal(e.code, 0);
	assert_date(d, want);
}

/* Assert psw_date_parse refuses s with exactly the message msg. */
static void
refused(const char *s, const char *msg)
{
	struct psw_err e;
	psw_date d = 12345;

	psw_err_clear(&e);
	assert_int_equal(psw_date_parse(s, TODAY, &d, &e), -PSW_EUSAGE);
	assert_int_equal(e.code, PSW_EUSAGE);
	assert_string_equal(e.msg, msg);
	assert_int_equal(d, 12345);	/* untouched on failure */
}

/* Assert s is refused as a date with the message listing the forms. */
static void
not_a_date(const char *s)
{
	char msg[PSW_ERR_MSG];

	snprintf(msg, sizeof msg, "'%s' is not a date " DATE_FORMS,
	    s != NULL ? s : "");
	refused(s, msg);
}

/* Assert a period parses to the inclusive range [from, to]. */
static void
period_is(const char *s, const char *from, const char *to)
{
	struct psw_err e;
	psw_date a = PSW_DATE_NONE, b = PSW_DATE_NONE;

	psw_err_clear(&e);
	assert_int_equal(psw_period_parse(s, TODAY, &a, &b, &e), 0);
	assert_date(a, from);
	assert_date(b, to);
}

/* Assert a period is refused with exactly the message msg. */
static void
period_refused(const char *s, const char *msg)
{
	struct psw_err e;
	psw_date a = 1, b = 2;

	psw_err_clear(&e);
	assert_int_equal(psw_period_parse(s, TODAY, &a, &b, &e),
	    -PSW_EUSAGE);
	assert_int_equal(e.code, PSW_EUSAGE);
	assert_string_equal(e.msg, msg);
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
}

/* Assert s is refused as a period with the message listing the forms. */
static void
not_a_period(const char *s)
{
	char msg[PSW_ERR_MSG];

	snprintf(msg, sizeof msg, "'%s' is not a period " PERIOD_FORMS, s);
	period_refused(s, msg);
}

/* Add n units to an ISO date and check the result. */
static void
add_is(const char *from, int n, char unit, const char *want)
{
	struct psw_duration dur;

	dur.n = n;
	dur.unit = unit;
	assert_date(psw_date_add(D(from), dur), want);
}

/* The local date as the test sees it. */
static psw_date
local_date(void)
{
	struct tm tm;
	time_t t;
	psw_date d;

	t = time(NULL);
	assert_non_null(localtime_r(&t, &tm));
	assert_int_equal(psw_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, &d), 0);
	return d;
}

/* Every day of 0001..9999 survives ymd, format, parse_iso, ISO weeks. */
static void
test_round_trip(void **state)
{
	char buf[PSW_DATE_LEN], want[32];
	psw_date d, expect = -719162, back, mon;
	int y, m, day, yy, mm, dd, iy, iw, wd = 1;

	for (y = 1; y <= 9999; y++)
		for (m = 1; m <= 12; m++)
			for (day = 1; day <= psw_date_month_days(y, m);
			    day++) {
				assert_int_equal(psw_date_from_ymd(y, m, day,
				    &d), 0);
				if (d != expect)
					fail_msg("%04d-%02d-%02d is %d, "
					    "want %d", y, m, day, d, expect);
				psw_date_to_ymd(d, &yy, &mm, &dd);
				if (yy != y || mm != m || dd != day)
					fail_msg("%d is %d-%d-%d", d, yy, mm,
					    dd);
				snprintf(want, sizeof want,
				    "%04d-%02d-%02d", y, m, day);
				if (strcmp(psw_date_format(d, buf), want))
					fail_msg("%d formats as '%s'", d, buf);
				if (psw_date_parse_iso(buf, &back) != 0 ||
				    back != d)
					fail_msg("'%s' does not parse back",
					    buf);
				if (psw_date_weekday(d) != wd)
					fail_msg("%s is weekday %d, want %d",
					    buf, psw_date_weekday(d), wd);
				psw_date_isoweek(d, &iy, &iw);
				if (psw_date_from_isoweek(iy, iw, &mon) != 0 ||
				    d - mon != wd - 1)
					fail_msg("%s is not in %04d-W%02d", buf,
					    iy, iw);
				wd = wd % 7 + 1;
				expect++;
			}
	assert_int_equal(expect - 1, 2932896);	/* 9999-12-31 */
	assert_int_equal(D("1970-01-01"), 0);
	assert_int_equal(D("2026-11-28"), TODAY);
	assert_int_equal(D("0001-01-01"), -719162);
}

/* Leap years and days that do not exist. */
static void
test_leap(void **state)
{
	psw_date d = 77;

	assert_int_equal(psw_date_month_days(1900, 2), 28);
	assert_int_equal(psw_date_month_days(2000, 2), 29);
	assert_int_equal(psw_date_month_days(2024, 2), 29);
	assert_int_equal(psw_date_month_days(2100, 2), 28);
	assert_int_equal(psw_date_month_days(2026, 2), 28);
	assert_int_equal(psw_date_month_days(2026, 4), 30);
	assert_int_equal(psw_date_month_days(2026, 12), 31);
	assert_int_equal(psw_date_month_days(2026, 0), 0);
	assert_int_equal(psw_date_month_days(2026, 13), 0);

	assert_int_equal(psw_date_from_ymd(1900, 2, 29, &d), -1);
	assert_int_equal(psw_date_from_ymd(2100, 2, 29, &d), -1);
	assert_int_equal(psw_date_from_ymd(2026, 2, 29, &d), -1);
	assert_int_equal(psw_date_from_ymd(2026, 4, 31, &d), -1);
	assert_int_equal(psw_date_from_ymd(2026, 1, 0, &d), -1);
	assert_int_equal(psw_date_from_ymd(0, 1, 1, &d), -1);
	assert_int_equal(psw_date_from_ymd(10000, 1, 1, &d), -1);
	assert_int_equal(d, 77);
	assert_int_equal(psw_date_from_ymd(2000, 2, 29, &d), 0);
	assert_date(d, "2000-02-29");
	assert_int_equal(psw_date_from_ymd(2024, 2, 29, NULL), 0);

	assert_int_equal(psw_date_parse_iso("2024-02-29", &d), 0);
	assert_int_equal(psw_date_parse_iso("2026-02-29", &d), -1);
	assert_int_equal(psw_date_parse_iso("1900-02-29", &d), -1);
	assert_int_equal(psw_date_parse_iso(NULL, &d), -1);
}

/* Weekdays: 1 = Monday ... 7 = Sunday. */
static void
test_weekday(void **state)
{
	assert_int_equal(psw_date_weekday(D("1970-01-01")), 4);
	assert_int_equal(psw_date_weekday(D("1969-12-31")), 3);
	assert_int_equal(psw_date_weekday(D("0001-01-01")), 1);
	assert_int_equal(psw_date_weekday(TODAY), 6);
	assert_int_equal(psw_date_weekday(D("2026-11-29")), 7);
	assert_int_equal(psw_date_weekday(D("2026-11-30")), 1);
}

/* Formatting a day that is not one gives an empty string. */
static void
test_format_bad(void **state)
{
	char buf[PSW_DATE_LEN] = "x";

	assert_string_equal(psw_date_format(PSW_DATE_NONE, buf), "");
	assert_string_equal(psw_date_format(2932897, buf), "");
	assert_string_equal(psw_date_format(-719163, buf), "");
	assert_string_equal(psw_date_format(2932896, buf), "9999-12-31");
}

/* Month and year arithmetic clamps to the month end, both ways. */
static void
test_add(void **state)
{
	struct psw_duration dur;

	add_is("2026-01-31", 1, 'm', "2026-02-28");
	add_is("2024-01-31", 1, 'm', "2024-02-29");
	add_is("2026-01-31", 3, 'm', "2026-04-30");
	add_is("2026-03-31", -1, 'm', "2026-02-28");
	add_is("2024-03-31", -1, 'm', "2024-02-29");
	add_is("2026-05-31", -1, 'm', "2026-04-30");
	add_is("2026-01-15", -1, 'm', "2025-12-15");
	add_is("2026-12-31", 1, 'm', "2027-01-31");
	add_is("2026-11-28", 13, 'm', "2027-12-28");
	add_is("2026-11-28", -23, 'm', "2024-12-28");
	add_is("2024-02-29", 1, 'y', "2025-02-28");
	add_is("2024-02-29", -1, 'y', "2023-02-28");
	add_is("2024-02-29", 4, 'y', "2028-02-29");
	add_is("2026-11-28", 0, 'y', "2026-11-28");
	add_is("2026-11-28", 3, 'd', "2026-12-01");
	add_is("2026-11-28", -28, 'd', "2026-10-31");
	add_is("2026-11-28", 2, 'w', "2026-12-12");
	add_is("2026-11-28", -2, 'w', "2026-11-14");
	add_is("2026-12-28", 1, 'w', "2027-01-04");
	add_is("9999-12-30", 1, 'd', "9999-12-31");
	add_is("0001-01-02", -1, 'd', "0001-01-01");

	dur.n = 1;
	dur.unit = 'd';
	assert_int_equal(psw_date_add(D("9999-12-31"), dur), PSW_DATE_NONE);
	assert_int_equal(psw_date_add(PSW_DATE_NONE, dur), PSW_DATE_NONE);
	dur.n = -1;
	assert_int_equal(psw_date_add(D("0001-01-01"), dur), PSW_DATE_NONE);
	dur.n = 1;
	dur.unit = 'y';
	assert_int_equal(psw_date_add(D("9999-01-01"), dur), PSW_DATE_NONE);
	dur.unit = 'x';
	assert_int_equal(psw_date_add(TODAY, dur), PSW_DATE_NONE);
}

/* psw_duration_days = psw_date_add(from, dur) - from. */
static void
test_duration_days(void **state)
{
	struct psw_duration dur;
	struct psw_err e;

	assert_int_equal(psw_duration_parse("1m", &dur, &e), 0);
	assert_int_equal(psw_duration_days(D("2026-01-31"), dur), 28);
	assert_int_equal(psw_duration_days(D("2024-01-31"), dur), 29);
	assert_int_equal(psw_duration_days(D("2026-11-28"), dur), 30);
	assert_int_equal(psw_duration_parse("1y", &dur, &e), 0);
	assert_int_equal(psw_duration_days(D("2024-01-01"), dur), 366);
	assert_int_equal(psw_duration_days(D("2025-01-01"), dur), 365);
	assert_int_equal(psw_duration_parse("2w", &dur, &e), 0);
	assert_int_equal(psw_duration_days(TODAY, dur), 14);
	assert_int_equal(psw_duration_parse("7d", &dur, &e), 0);
	assert_int_equal(psw_duration_days(TODAY, dur), 7);
	assert_int_equal(psw_duration_parse("0d", &dur, &e), 0);
	assert_int_equal(psw_duration_days(TODAY, dur), 0);
	/* Past 9999 the count is still exact: 400 years are 146097 days. */
	assert_int_equal(psw_duration_parse("100000y", &dur, &e), 0);
	assert_int_equal(psw_duration_days(D("2000-01-01"), dur),
	    146097 * 250);
	dur.n = -1;
	dur.unit = 'm';
	assert_int_equal(psw_duration_days(D("2026-03-31"), dur), -31);
}

/* Durations: N 0..100000 then d, w, m or y; no sign. */
static void
test_duration_parse(void **state)
{
	static const char *bad[] = {
		"", "d", "7", "+7d", "-7d", "7D", "7 d", " 7d", "7d ",
		"7x", "7dd", "100001d", "1000000d", "7.5d", "x7d", "w",
	};
	struct psw_duration dur;
	struct psw_err e;
	char msg[PSW_ERR_MSG];
	size_t i;

	assert_int_equal(psw_duration_parse("7d", &dur, &e), 0);
	assert_int_equal(dur.n, 7);
	assert_int_equal(dur.unit, 'd');
	assert_int_equal(psw_duration_parse("2w", &dur, &e), 0);
	assert_int_equal(dur.n, 2);
	assert_int_equal(dur.unit, 'w');
	assert_int_equal(psw_duration_parse("3m", &dur, &e), 0);
	assert_int_equal(dur.unit, 'm');
	assert_int_equal(psw_duration_parse("1y", &dur, &e), 0);
	assert_int_equal(dur.unit, 'y');
	assert_int_equal(psw_duration_parse("0d", &dur, &e), 0);
	assert_int_equal(dur.n, 0);
	assert_int_equal(psw_duration_parse("100000d", &dur, &e), 0);
	assert_int_equal(dur.n, 100000);
	assert_int_equal(psw_duration_parse("90d", &dur, &e), 0);
	assert_int_equal(dur.n, 90);

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		psw_err_clear(&e);
		dur.n = 5;
		dur.unit = 'q';
		assert_int_equal(psw_duration_parse(bad[i], &dur, &e),
		    -PSW_EUSAGE);
		assert_int_equal(e.code, PSW_EUSAGE);
		snprintf(msg, sizeof msg, "'%s' is not a duration " DUR_FORMS,
		    bad[i]);
		assert_string_equal(e.msg, msg);
		assert_int_equal(dur.n, 5);
		assert_int_equal(dur.unit, 'q');
	}
	assert_int_equal(psw_duration_parse(NULL, &dur, &e), -PSW_EUSAGE);
	assert_string_equal(e.msg, "'' is not a duration " DUR_FORMS);
	assert_int_equal(psw_duration_parse("x", &dur, NULL), -PSW_EUSAGE);
}

/* ISO weeks, including the years with 53. */
static void
test_isoweek(void **state)
{
	psw_date d = 99;
	int y, w;

	psw_date_isoweek(D("2026-11-28"), &y, &w);
	assert_int_equal(y, 2026);
	assert_int_equal(w, 48);
	psw_date_isoweek(D("2027-01-03"), &y, &w);
	assert_int_equal(y, 2026);
	assert_int_equal(w, 53);
	psw_date_isoweek(D("2027-01-04"), &y, &w);
	assert_int_equal(y, 2027);
	assert_int_equal(w, 1);
	psw_date_isoweek(D("2021-01-03"), &y, &w);
	assert_int_equal(y, 2020);
	assert_int_equal(w, 53);
	psw_date_isoweek(D("2024-12-30"), &y, &w);
	assert_int_equal(y, 2025);
	assert_int_equal(w, 1);
	psw_date_isoweek(D("2025-12-28"), &y, &w);
	assert_int_equal(y, 2025);
	assert_int_equal(w, 52);
	psw_date_isoweek(D("0001-01-01"), &y, &w);
	assert_int_equal(y, 1);
	assert_int_equal(w, 1);
	psw_date_isoweek(D("9999-12-31"), &y, &w);
	assert_int_equal(y, 9999);
	assert_int_equal(w, 52);

	assert_int_equal(psw_date_from_isoweek(2026, 53, &d), 0);
	assert_date(d, "2026-12-28");
	assert_int_equal(psw_date_from_isoweek(2020, 53, &d), 0);
	assert_date(d, "2020-12-28");
	assert_int_equal(psw_date_from_isoweek(2026, 48, &d), 0);
	assert_date(d, "2026-11-23");
	assert_int_equal(psw_date_from_isoweek(2025, 1, &d), 0);
	assert_date(d, "2024-12-30");
	assert_int_equal(psw_date_from_isoweek(2027, 1, &d), 0);
	assert_date(d, "2027-01-04");
	d = 99;
	assert_int_equal(psw_date_from_isoweek(2025, 53, &d), -1);
	assert_int_equal(psw_date_from_isoweek(2026, 54, &d), -1);
	assert_int_equal(psw_date_from_isoweek(2026, 0, &d), -1);
	assert_int_equal(psw_date_from_isoweek(0, 1, &d), -1);
	assert_int_equal(psw_date_from_isoweek(10000, 1, &d), -1);
	assert_int_equal(d, 99);
}

/* ISO dates and words, relative to Saturday 2026-11-28. */
static void
test_parse_words(void **state)
{
	parses_to("2026-11-28", "2026-11-28");
	parses_to("0001-01-01", "0001-01-01");
	parses_to("9999-12-31", "9999-12-31");
	parses_to("today", "2026-11-28");
	parses_to("TODAY", "2026-11-28");
	parses_to("yesterday", "2026-11-27");
	parses_to("tomorrow", "2026-11-29");
	parses_to("Tomorrow", "2026-11-29");

	/* The next such day, never today. */
	parses_to("saturday", "2026-12-05");
	parses_to("sat", "2026-12-05");
	parses_to("SATURDAY", "2026-12-05");
	parses_to("sunday", "2026-11-29");
	parses_to("Sun", "2026-11-29");
	parses_to("monday", "2026-11-30");
	parses_to("mon", "2026-11-30");
	parses_to("tuesday", "2026-12-01");
	parses_to("tue", "2026-12-01");
	parses_to("wednesday", "2026-12-02");
	parses_to("wed", "2026-12-02");
	parses_to("thursday", "2026-12-03");
	parses_to("thu", "2026-12-03");
	parses_to("friday", "2026-12-04");
	parses_to("FRI", "2026-12-04");
}

/* Relative forms: a sign, 1 to 6 digits, a unit. */
static void
test_parse_relative(void **state)
{
	parses_to("+3d", "2026-12-01");
	parses_to("-3d", "2026-11-25");
	parses_to("+0d", "2026-11-28");
	parses_to("-0w", "2026-11-28");
	parses_to("+2w", "2026-12-12");
	parses_to("-2w", "2026-11-14");
	parses_to("+3m", "2027-02-28");
	parses_to("-1m", "2026-10-28");
	parses_to("+1y", "2027-11-28");
	parses_to("-1y", "2025-11-28");
	parses_to("+007d", "2026-12-05");
	parses_to("+999999d", "4764-10-24");

	refused("+999999y", "'+999999y' is out of range " RANGE_TEXT);
	refused("-999999m", "'-999999m' is out of range " RANGE_TEXT);
	refused("+8000y", "'+8000y' is out of range " RANGE_TEXT);
}

/* Everything that is not a date is refused with the list of forms. */
static void
test_parse_refused(void **state)
{
	static const char *bad[] = {
		"", "next week", "2026-1-5", "2026-01-5", "2026-02-30",
		"2026-13-01", "2026-00-10", "2026-04-31", "0000-01-01",
		"10000-01-01", "+", "-", "+d", "-w", "1d", "3", "+1", "d",
		"+1234567d", "+1D", "+1x", "++1d", "+-1d", "+ 1d", "+1d ",
		" +1d", "today ", " today", "to day", "todays", "tod",
		"satur", "sa", "saturdays", "2026-11-28 ", " 2026-11-28",
		"2026-11-28x", "2026/11/28", "20261128", "2026-11-2a",
		"-2026-11-28", "+2026-11-28", "2026-W48", "2026-11", "2026",
		"1900-02-29", "\xc3\xa9t\xc3\xa9", "tue\n",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		not_a_date(bad[i]);
	refused(NULL, "'' is not a date " DATE_FORMS);
	assert_int_equal(psw_date_parse("x", TODAY, &(psw_date){ 0 }, NULL),
	    -PSW_EUSAGE);
}

/* Periods: ISO weeks, months, years, single days. */
static void
test_period(void **state)
{
	period_is("2026-W48", "2026-11-23", "2026-11-29");
	period_is("2026-w48", "2026-11-23", "2026-11-29");
	period_is("2026-W53", "2026-12-28", "2027-01-03");
	period_is("2020-W53", "2020-12-28", "2021-01-03");
	period_is("2025-W01", "2024-12-30", "2025-01-05");
	period_is("0001-W01", "0001-01-01", "0001-01-07");
	period_is("2026-11", "2026-11-01", "2026-11-30");
	period_is("2024-02", "2024-02-01", "2024-02-29");
	period_is("2026-02", "2026-02-01", "2026-02-28");
	period_is("2026", "2026-01-01", "2026-12-31");
	period_is("0001", "0001-01-01", "0001-12-31");
	period_is("9999", "9999-01-01", "9999-12-31");
	period_is("2026-11-28", "2026-11-28", "2026-11-28");
	period_is("today", "2026-11-28", "2026-11-28");
	period_is("saturday", "2026-12-05", "2026-12-05");
	period_is("-1w", "2026-11-21", "2026-11-21");

	period_refused("2025-W53",
	    "'2025-W53' is not a week (2025 has only 52 ISO weeks)");
	period_refused("9999-W52", "'9999-W52' is out of range " RANGE_TEXT);
	period_refused("+999999y", "'+999999y' is out of range " RANGE_TEXT);
	not_a_period("");
	not_a_period("2026-W00");
	not_a_period("2026-W54");
	not_a_period("2026-W5");
	not_a_period("2026-W480");
	not_a_period("2026W48");
	not_a_period("2026-X48");
	not_a_period("0000-W01");
	not_a_period("2026-13");
	not_a_period("2026-00");
	not_a_period("2026-1");
	not_a_period("0000-01");
	not_a_period("0000");
	not_a_period("10000");
	not_a_period("999");
	not_a_period("2026 ");
	not_a_period("2026-02-30");
	not_a_period("next week");
	not_a_period("1d");
}

/* "today": --as-of, then PSW_TODAY, then the local date. */
static void
test_today(void **state)
{
	struct psw_err e;
	psw_date d, before, after;

	assert_int_equal(unsetenv("PSW_TODAY"), 0);
	before = local_date();
	assert_int_equal(psw_date_today(NULL, &d, &e), 0);
	after = local_date();
	assert_true(d == before || d == after);

	assert_int_equal(psw_date_today("2026-11-28", &d, &e), 0);
	assert_int_equal(d, TODAY);

	/* Relative to the real local date. */
	before = local_date();
	assert_int_equal(psw_date_today("+1d", &d, &e), 0);
	after = local_date();
	assert_true(d == before + 1 || d == after + 1);

	assert_int_equal(setenv("PSW_TODAY", "2026-01-01", 1), 0);
	assert_int_equal(psw_date_today(NULL, &d, &e), 0);
	assert_date(d, "2026-01-01");

	/* --as-of wins over PSW_TODAY. */
	assert_int_equal(psw_date_today("2026-11-28", &d, &e), 0);
	assert_int_equal(d, TODAY);

	/* An empty PSW_TODAY counts as unset. */
	assert_int_equal(setenv("PSW_TODAY", "", 1), 0);
	before = local_date();
	assert_int_equal(psw_date_today(NULL, &d, &e), 0);
	after = local_date();
	assert_true(d == before || d == after);

	assert_int_equal(setenv("PSW_TODAY", "x", 1), 0);
	d = 42;
	psw_err_clear(&e);
	assert_int_equal(psw_date_today(NULL, &d, &e), -PSW_EUSAGE);
	assert_int_equal(e.code, PSW_EUSAGE);
	assert_string_equal(e.msg, "PSW_TODAY: 'x' is not a date " DATE_FORMS);
	assert_int_equal(d, 42);

	/* A good --as-of hides a bad PSW_TODAY. */
	assert_int_equal(psw_date_today("2026-11-28", &d, &e), 0);
	assert_int_equal(d, TODAY);

	psw_err_clear(&e);
	assert_int_equal(psw_date_today("next week", &d, &e), -PSW_EUSAGE);
	assert_int_equal(e.code, PSW_EUSAGE);
	assert_string_equal(e.msg,
	    "--as-of: 'next week' is not a date " DATE_FORMS);
	psw_err_clear(&e);
	assert_int_equal(psw_date_today("", &d, &e), -PSW_EUSAGE);
	assert_string_equal(e.msg, "--as-of: '' is not a date " DATE_FORMS);

	assert_int_equal(setenv("PSW_TODAY", "+999999y", 1), 0);
	assert_int_equal(psw_date_today(NULL, &d, &e), -PSW_EUSAGE);
	assert_string_equal(e.msg,
	    "PSW_TODAY: '+999999y' is out of range " RANGE_TEXT);
	assert_int_equal(unsetenv("PSW_TODAY"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_leap),
		cmocka_unit_test(test_weekday),
		cmocka_unit_test(test_format_bad),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_duration_days),
		cmocka_unit_test(test_duration_parse),
		cmocka_unit_test(test_isoweek),
		cmocka_unit_test(test_parse_words),
		cmocka_unit_test(test_parse_relative),
		cmocka_unit_test(test_parse_refused),
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_today),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
