/*
 * fuzz_instrument.c - instrument definitions and answer lists.  The
 * input is a definition (YAML), then optionally a NUL byte and answer
 * lists, one a line.  A definition that parses is used to score every
 * answer list: a score is either ok with a total the scale allows a
 * band for, or an error with a message.  Answer lists are also scored
 * against every built-in instrument.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fuzz.h"
#include "instrument.h"

static struct psw_instruments *builtin;

static void
score_all(const struct psw_instruments *set, const int *a, size_t n)
{
	struct psw_score sc;
	struct psw_change ch;
	size_t i;

	for (i = 0; i < psw_instruments_count(set); i++) {
		const struct psw_instrument *in = psw_instruments_at(set, i);

		memset(&sc, 0, sizeof sc);
		if (psw_instrument_score(in, a, n, &sc) == 0) {
			psw_instrument_change(in, sc.total, 0, &ch);
			(void)psw_change_name(ch.kind);
			(void)psw_instrument_caseness(in, sc.total);
		} else {
			FUZZ_CHECK(sc.error[0] != '\0');
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct psw_instruments *set = NULL;
	struct psw_err e;
	const uint8_t *nul;
	char err[256], *answers, *line, *next;
	int a[PSW_INSTR_MAX_ITEMS + 8];
	size_t deflen;
	int n;

	if (builtin == NULL && psw_instruments_load(NULL, &builtin, &e) < 0)
		abort();
	nul = memchr(data, '\0', size);
	deflen = nul != NULL ? (size_t)(nul - data) : size;
	if (psw_instruments_parse((const char *)data, deflen, "fuzz.yaml",
	    &set, &e) < 0) {
		FUZZ_CHECK(e.msg[0] != '\0');
		set = NULL;
	}
	answers = nul != NULL ? fuzz_str(nul + 1, size - deflen - 1) :
	    fuzz_str((const uint8_t *)"", 0);
	for (line = answers; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		n = psw_answers_parse(line, a, sizeof a / sizeof a[0], err,
		    sizeof err);
		if (n < 0) {
			FUZZ_CHECK(err[0] != '\0');
			continue;
		}
		if (set != NULL)
			score_all(set, a, (size_t)n);
		score_all(builtin, a, (size_t)n);
	}
	free(answers);
	psw_instruments_free(set);
	return 0;
}
