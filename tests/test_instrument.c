/*
 * test_instrument.c - the built-in instruments score exactly as published:
 * every band edge, every flag rule, reverse scoring, multipliers,
 * subscales, restricted item values, prorating, lookup tables, caseness
 * and reliable change; bad definitions are refused with file:line:col.
 *
 * The numbers are those of the instruments' issue (and their sources), not
 * read back from the definitions: a definition that drifts fails here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "error.h"
#include "instrument.h"

static struct psw_instruments *set;

static int
setup(void **state)
{
	struct psw_err e;

	(void)state;
	if (psw_instruments_load(NULL, &set, &e) < 0) {
		fprintf(stderr, "cannot load the built-in set: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	psw_instruments_free(set);
	return 0;
}

static const struct psw_instrument *
get(const char *id)
{
	const struct psw_instrument *in = psw_instruments_find(set, id);

	if (in == NULL)
		fail_msg("no built-in instrument '%s'", id);
	return in;
}

/* Score an answer list "1,0,~,2"; fails the test when it does not score. */
static struct psw_score
score(const char *id, const char *list)
{
	int a[PSW_INSTR_MAX_ITEMS];
	struct psw_score sc;
	char err[128];
	int n;

	n = psw_answers_parse(list, a, PSW_INSTR_MAX_ITEMS, err, sizeof err);
	if (n < 0)
		fail_msg("%s: %s", list, err);
	if (psw_instrument_score(get(id), a, (size_t)n, &sc) < 0)
		fail_msg("%s %s: %s", id, list, sc.error);
	assert_true(sc.ok);
	return sc;
}

/* Score a list that must be refused; returns the message. */
static const char *
refused(const char *id, const char *list)
{
	static struct psw_score sc;
	int a[PSW_INSTR_MAX_ITEMS];
	char err[128];
	int n;

	n = psw_answers_parse(list, a, PSW_INSTR_MAX_ITEMS, err, sizeof err);
	assert_true(n >= 0);
	assert_int_equal(psw_instrument_score(get(id), a, (size_t)n, &sc),
	    -PSW_EDATA);
	assert_false(sc.ok);
	assert_true(sc.error[0] != '\0');
	return sc.error;
}

/*
 * Answers (as given, before any reversing) whose scored values add up to
 * target: a small search over each item's allowed values, largest first.
 */
static int
fill(const struct psw_instrument *in, size_t i, long target, int *out)
{
	const struct psw_item *it;
	size_t k;
	long left_max = 0;

	if (i == in->nitems)
		return target == 0;
	for (k = i; k < in->nitems; k++)
		left_max += in->items[k].allowed[in->items[k].nallowed - 1];
	if (target > left_max || target < 0)
		return 0;
	it = &in->items[i];
	for (k = it->nallowed; k-- > 0;) {
		int v = it->allowed[k];

		/* Reversed items: the answer lo + hi - v scores v. */
		out[i] = it->reverse ? it->allowed[0] +
		    it->allowed[it->nallowed - 1] - v : v;
		if (fill(in, i + 1, target - v, out))
			return 1;
	}
	return 0;
}

/* Score answers built to give raw score `raw`. */
static struct psw_score
score_raw(const char *id, long raw)
{
	const struct psw_instrument *in = get(id);
	int a[PSW_INSTR_MAX_ITEMS];
	struct psw_score sc;

	if (!fill(in, 0, raw, a))
		fail_msg("%s: no answers give raw score %ld", id, raw);
	assert_int_equal(psw_instrument_score(in, a, in->nitems, &sc), 0);
	assert_true(sc.ok);
	assert_true(sc.raw == (double)raw);
	return sc;
}

/* Check that raw scores lo..hi all report band `band` (totals raw*mul). */
static void
band_range(const char *id, long lo, long hi, double mul, const char *band)
{
	struct psw_score sc;
	long r;

	for (r = lo; r <= hi; r++) {
		sc = score_raw(id, r);
		if (fabs(sc.total - (double)r * mul) > 1e-9)
			fail_msg("%s raw %ld: total %g, not %g", id, r,
			    sc.total, (double)r * mul);
		if (sc.band == NULL || strcmp(sc.band, band) != 0)
			fail_msg("%s raw %ld (total %g): band %s, not %s", id,
			    r, sc.total, sc.band ? sc.band : "(none)", band);
	}
}

/*
 * Every band of the built-in instruments: raw scores lo..hi report band
 * (totals raw x mul).
 */
static const struct band_case {
	const char *id;
	long lo, hi;
	double mul;
	const char *band;
} band_cases[] = {
	{ "phq-9", 0, 4, 1, "minimal" },
	{ "phq-9", 5, 9, 1, "mild" },
	{ "phq-9", 10, 14, 1, "moderate" },
	{ "phq-9", 15, 19, 1, "moderately-severe" },
	{ "phq-9", 20, 27, 1, "severe" },
	{ "phq-2", 0, 2, 1, "negative" },
	{ "phq-2", 3, 6, 1, "positive" },
	{ "gad-2", 0, 2, 1, "negative" },
	{ "gad-2", 3, 6, 1, "positive" },
	{ "gad-7", 0, 4, 1, "minimal" },
	{ "gad-7", 5, 9, 1, "mild" },
	{ "gad-7", 10, 14, 1, "moderate" },
	{ "gad-7", 15, 21, 1, "severe" },
	{ "k10", 10, 15, 1, "low" },
	{ "k10", 16, 21, 1, "moderate" },
	{ "k10", 22, 29, 1, "high" },
	{ "k10", 30, 50, 1, "very-high" },
	{ "k6", 0, 12, 1, "below-threshold" },
	{ "k6", 13, 24, 1, "serious-distress" },
	{ "who-5", 0, 7, 4, "likely-depression" },	/* 0..28 */
	{ "who-5", 8, 12, 4, "low-wellbeing" },	/* 32..48 */
	{ "who-5", 13, 25, 4, "adequate-wellbeing" },	/* 52..100 */
	{ "core-10", 0, 5, 1, "healthy" },
	{ "core-10", 6, 10, 1, "low" },
	{ "core-10", 11, 14, 1, "mild" },
	{ "core-10", 15, 19, 1, "moderate" },
	{ "core-10", 20, 24, 1, "moderately-severe" },
	{ "core-10", 25, 40, 1, "severe" },
	{ "pss-10", 0, 13, 1, "low" },
	{ "pss-10", 14, 26, 1, "moderate" },
	{ "pss-10", 27, 40, 1, "high" },
	{ "audit", 0, 7, 1, "low-risk" },
	{ "audit", 8, 15, 1, "hazardous" },
	{ "audit", 16, 19, 1, "harmful" },
	{ "audit", 20, 32, 1, "possible-dependence" },
	{ "audit-c", 0, 3, 1, "negative" },
	{ "audit-c", 4, 12, 1, "positive" },
};

/* Check every band of instrument id in band_cases. */
static void
bands(const char *id)
{
	size_t i, n = 0;

	for (i = 0; i < sizeof band_cases / sizeof band_cases[0]; i++) {
		if (strcmp(band_cases[i].id, id) != 0)
			continue;
		band_range(id, band_cases[i].lo, band_cases[i].hi,
		    band_cases[i].mul, band_cases[i].band);
		n++;
	}
	if (n == 0)
		fail_msg("%s: no band cases", id);
}

static int
has_flag(const struct psw_score *sc, const char *name, int level)
{
	size_t i;

	for (i = 0; i < sc->nflags; i++)
		if (strcmp(sc->flags[i].name, name) == 0 &&
		    sc->flags[i].level == level)
			return 1;
	return 0;
}

static const struct psw_score_sub *
sub(const struct psw_score *sc, const char *id)
{
	size_t i;

	for (i = 0; i < sc->nsubs; i++)
		if (strcmp(sc->subs[i].id, id) == 0)
			return &sc->subs[i];
	fail_msg("no subscale '%s'", id);
	return NULL;
}

/* --- the set ---------------------------------------------------------- */

static void
test_builtin_set(void **state)
{
	static const char *const ids[] = {
		"audit", "audit-c", "cansas", "core-10", "cssrs-screen",
		"dass-21", "gad-2", "gad-7", "k10", "k6", "phq-2", "phq-9",
		"pss-10", "who-5",
	};
	size_t i;

	(void)state;
	assert_int_equal(psw_instruments_count(set), 14);
	for (i = 0; i < 14; i++) {
		const struct psw_instrument *in = psw_instruments_at(set, i);

		/* in id order, each with its source and licence */
		assert_string_equal(in->id, ids[i]);
		assert_true(in->builtin);
		assert_non_null(in->citation);
		assert_non_null(in->licence);
		assert_non_null(in->name);
	}
	assert_null(psw_instruments_find(set, "phq-10"));
	assert_string_equal(get("phq-9")->loinc, "44261-6");
	assert_string_equal(get("gad-7")->loinc, "70274-6");
	assert_int_equal(strlen(psw_instruments_digest(set)), 16);
}

/* --- PHQ-9 and PHQ-2 -------------------------------------------------- */

static void
test_phq9_bands(void **state)
{
	struct psw_score sc;

	(void)state;
	bands("phq-9");
	/* the published example: 2,2,1,2,1,1,2,1,0 = 12 */
	sc = score("phq-9", "2,2,1,2,1,1,2,1,0");
	assert_true(sc.total == 12);
	assert_string_equal(sc.band, "moderate");
	assert_int_equal(sc.nflags, 0);
	assert_int_equal(sc.risk, PSW_LEVEL_NONE);
	assert_int_equal(sc.caseness, 1);
	assert_int_equal(sc.nsubs, 0);
	assert_true(get("phq-9")->min_total == 0);
	assert_true(get("phq-9")->max_total == 27);
}

static void
test_phq9_item9(void **state)
{
	struct psw_score sc;
	int v;

	(void)state;
	/* item 9 >= 1 flags suicidality whatever the total */
	sc = score("phq-9", "0,0,0,0,0,0,0,0,1");
	assert_true(sc.total == 1);
	assert_string_equal(sc.band, "minimal");
	assert_int_equal(sc.nflags, 1);
	assert_true(has_flag(&sc, "suicidality", PSW_LEVEL_HIGH));
	assert_int_equal(sc.risk, PSW_LEVEL_HIGH);
	assert_non_null(sc.flags[0].message);
	assert_int_equal(sc.caseness, 0);
	for (v = 2; v <= 3; v++) {
		char list[32];

		snprintf(list, sizeof list, "0,0,0,0,0,0,0,0,%d", v);
		sc = score("phq-9", list);
		assert_true(has_flag(&sc, "suicidality", PSW_LEVEL_HIGH));
	}
	/* a high total without item 9 raises no flag */
	sc = score("phq-9", "3,3,3,3,3,3,3,3,0");
	assert_true(sc.total == 24);
	assert_string_equal(sc.band, "severe");
	assert_int_equal(sc.nflags, 0);
	assert_int_equal(sc.risk, PSW_LEVEL_NONE);
	sc = score("phq-9", "3,3,3,3,3,3,3,3,3");
	assert_true(sc.total == 27);
	assert_true(has_flag(&sc, "suicidality", PSW_LEVEL_HIGH));
}

static void
test_phq9_caseness_change(void **state)
{
	const struct psw_instrument *in = get("phq-9");
	struct psw_change ch;

	(void)state;
	assert_int_equal(psw_instrument_caseness(in, 9), 0);
	assert_int_equal(psw_instrument_caseness(in, 10), 1);
	/* reliable change 6, lower is better */
	psw_instrument_change(in, 16, 10, &ch);
	assert_int_equal(ch.kind, PSW_CHANGE_IMPROVED);
	assert_true(ch.diff == -6);
	assert_int_equal(ch.recovery, 0);	/* 10 is still a case */
	psw_instrument_change(in, 16, 11, &ch);
	assert_int_equal(ch.kind, PSW_CHANGE_NONE);
	psw_instrument_change(in, 10, 16, &ch);
	assert_int_equal(ch.kind, PSW_CHANGE_DETERIORATED);
	assert_int_equal(ch.recovery, 0);
	psw_instrument_change(in, 10, 15, &ch);
	assert_int_equal(ch.kind, PSW_CHANGE_NONE);
	/* recovery: from a case to below caseness with reliable improvement */
	psw_instrument_change(in, 15, 9, &ch);
	assert_int_equal(ch.kind, PSW_CHANGE_IMPROVED);
	assert_int_equal(ch.recovery, 1);
	psw_instrument_change(in, 14, 9, &ch);	/* below, not reliable */
	assert_int_equal(ch.kind, PSW_CHANGE_NONE);
	assert_int_equal(ch.recovery, 0);
	psw_instrument_change(in, 9, 2, &ch);	/* reliable, never a case */
	assert_int_equal(ch.kind, PSW_CHANGE_IMPROVED);
	assert_int_equal(ch.recovery, 0);
	assert_string_equal(psw_change_name(PSW_CHANGE_IMPROVED),
	    "reliable improvement");
	assert_string_equal(psw_change_name(PSW_CHANGE_DETERIORATED),
	    "reliable deterioration");
	assert_string_equal(psw_change_name(PSW_CHANGE_NONE),
	    "no reliable change");
	assert_string_equal(psw_change_name(PSW_CHANGE_UNKNOWN), "");
}

static void
test_phq2_gad2(void **state)
{
	(void)state;
	bands("phq-2");
	bands("gad-2");
	assert_non_null(strstr(refused("phq-2", "1,1,1"), "takes 2 answers"));
	assert_non_null(strstr(refused("gad-2", "1,4"), "allows 0, 1, 2 or 3"));
}

/* --- GAD-7 ------------------------------------------------------------ */

static void
test_gad7(void **state)
{
	const struct psw_instrument *in = get("gad-7");
	struct psw_change ch;

	(void)state;
	bands("gad-7");
	assert_int_equal(score_raw("gad-7", 7).caseness, 0);
	assert_int_equal(score_raw("gad-7", 8).caseness, 1);
	psw_instrument_change(in, 12, 8, &ch);
	assert_int_equal(ch.kind, PSW_CHANGE_IMPROVED);
	assert_int_equal(ch.recovery, 0);	/* 8 is still a case */
	psw_instrument_change(in, 12, 7, &ch);
	assert_int_equal(ch.recovery, 1);
	psw_instrument_change(in, 12, 9, &ch);
	assert_int_equal(ch.kind, PSW_CHANGE_NONE);
	psw_instrument_change(in, 5, 9, &ch);
	assert_int_equal(ch.kind, PSW_CHANGE_DETERIORATED);
	assert_int_equal(score_raw("gad-7", 21).nflags, 0);
}

/* --- K10 and K6 ------------------------------------------------------- */

static void
test_k10_k6(void **state)
{
	(void)state;
	/* items coded 1 to 5: the total runs from 10 */
	bands("k10");
	assert_true(get("k10")->min_total == 10);
	assert_true(get("k10")->max_total == 50);
	assert_non_null(strstr(refused("k10", "0,1,1,1,1,1,1,1,1,1"),
	    "answer 1 is 0; k10 item 1 allows 1, 2, 3, 4 or 5"));
	assert_non_null(strstr(refused("k10", "1,1,1,1,1,1,1,1,1,6"),
	    "answer 10 is 6"));
	bands("k6");
	assert_non_null(strstr(refused("k6", "5,0,0,0,0,0"), "answer 1 is 5"));
}

/* --- WHO-5 ------------------------------------------------------------ */

static void
test_who5(void **state)
{
	const struct psw_instrument *in = get("who-5");
	struct psw_change ch;
	struct psw_score sc;

	(void)state;
	/* reported = raw x 4; bands on the reported score */
	bands("who-5");
	sc = score("who-5", "5,5,5,5,5");
	assert_true(sc.raw == 25);
	assert_true(sc.total == 100);
	assert_true(in->higher_is_better);
	assert_true(in->max_total == 100);
	/* higher is better: a rise of 10 or more is an improvement */
	psw_instrument_change(in, 40, 52, &ch);
	assert_int_equal(ch.kind, PSW_CHANGE_IMPROVED);
	assert_true(ch.diff == 12);
	psw_instrument_change(in, 40, 48, &ch);
	assert_int_equal(ch.kind, PSW_CHANGE_NONE);
	psw_instrument_change(in, 40, 28, &ch);
	assert_int_equal(ch.kind, PSW_CHANGE_DETERIORATED);
	psw_instrument_change(in, 40, 30, &ch);
	assert_int_equal(ch.kind, PSW_CHANGE_DETERIORATED);
	assert_int_equal(ch.recovery, 0);
	assert_int_equal(psw_instrument_caseness(in, 28), -1);
	assert_non_null(strstr(refused("who-5", "6,0,0,0,0"), "answer 1 is 6"));
}

/* --- CORE-10 ---------------------------------------------------------- */

static void
test_core10_bands_reverse(void **state)
{
	struct psw_score sc;

	(void)state;
	bands("core-10");
	/* items 2 and 3 score 4 - x */
	sc = score("core-10", "0,0,0,0,0,0,0,0,0,0");
	assert_true(sc.total == 8);
	assert_string_equal(sc.band, "low");
	sc = score("core-10", "0,4,4,0,0,0,0,0,0,0");
	assert_true(sc.total == 0);
	assert_string_equal(sc.band, "healthy");
	sc = score("core-10", "4,0,0,4,4,0,4,4,4,4");
	assert_true(sc.total == 36);
	assert_string_equal(sc.band, "severe");
	sc = score("core-10", "4,0,0,4,4,4,4,4,4,4");
	assert_true(sc.total == 40);
	sc = score("core-10", "1,3,1,0,0,0,0,0,0,0");
	assert_true(sc.total == 1 + 1 + 3);
	/* caseness at 11 */
	assert_int_equal(score_raw("core-10", 10).caseness, 0);
	assert_int_equal(score_raw("core-10", 11).caseness, 1);
}

static void
test_core10_flag(void **state)
{
	struct psw_score sc;

	(void)state;
	sc = score("core-10", "0,4,4,0,0,1,0,0,0,0");
	assert_true(sc.total == 1);
	assert_string_equal(sc.band, "healthy");
	assert_true(has_flag(&sc, "risk", PSW_LEVEL_HIGH));
	assert_int_equal(sc.risk, PSW_LEVEL_HIGH);
	sc = score("core-10", "4,0,0,4,4,0,4,4,4,4");
	assert_int_equal(sc.nflags, 0);
	sc = score("core-10", "0,4,4,0,0,4,0,0,0,0");
	assert_true(has_flag(&sc, "risk", PSW_LEVEL_HIGH));
	/* a missing item 6 raises nothing */
	sc = score("core-10", "2,2,2,2,2,~,2,2,2,2");
	assert_int_equal(sc.nflags, 0);
}

static void
test_core10_prorating(void **state)
{
	struct psw_score sc;

	(void)state;
	/* nine answered adding to 9: 9 x 10/9 = 10 */
	sc = score("core-10", "1,3,3,1,1,1,1,1,1,~");
	assert_int_equal(sc.missing, 1);
	assert_int_equal(sc.prorated, 1);
	assert_true(sc.total == 10);
	assert_string_equal(sc.band, "low");
	/* 13 x 10/9 = 14.44 -> 14 (rounded down) */
	sc = score("core-10", "4,4,4,3,3,1,1,1,~,0");
	assert_true(sc.total == 14);
	assert_string_equal(sc.band, "mild");
	/* 14 x 10/9 = 15.56 -> 16 (rounded up): across a band edge */
	sc = score("core-10", "4,4,4,3,3,1,1,1,1,~");
	assert_true(sc.total == 16);
	assert_string_equal(sc.band, "moderate");
	/* 5 x 10/9 = 5.56 -> 6: healthy unprorated, low prorated */
	sc = score("core-10", "~,4,4,1,1,1,1,1,0,0");
	assert_true(sc.total == 6);
	assert_string_equal(sc.band, "low");
	/* 4 x 10/9 = 4.44 -> 4 */
	sc = score("core-10", "1,~,4,1,1,0,0,0,0,1");
	assert_true(sc.total == 4);
	/* a missing reversed item: 32 x 10/9 = 35.56 -> 36 */
	sc = score("core-10", "4,~,0,4,4,0,4,4,4,4");
	assert_true(sc.total == 36);
	/* two missing may not be prorated */
	assert_non_null(strstr(refused("core-10", "1,1,1,1,1,1,1,1,~,~"),
	    "2 answers are missing; core-10 allows at most 1"));
	/* PHQ-9 allows no missing answer */
	assert_non_null(strstr(refused("phq-9", "1,1,1,1,1,1,1,1,~"),
	    "1 answer is missing; phq-9 needs every answer"));
}

/* --- PSS-10 ----------------------------------------------------------- */

static void
test_pss10(void **state)
{
	struct psw_score sc;

	(void)state;
	bands("pss-10");
	/* items 4, 5, 7 and 8 are reversed */
	sc = score("pss-10", "0,0,0,0,0,0,0,0,0,0");
	assert_true(sc.total == 16);
	assert_string_equal(sc.band, "moderate");
	sc = score("pss-10", "0,0,0,4,4,0,4,4,0,0");
	assert_true(sc.total == 0);
	assert_string_equal(sc.band, "low");
	sc = score("pss-10", "4,4,4,0,0,4,0,0,4,4");
	assert_true(sc.total == 40);
	sc = score("pss-10", "1,2,3,1,2,3,1,2,3,1");
	/* 1+2+3+3+2+3+3+2+3+1 */
	assert_true(sc.total == 23);
}

/* --- AUDIT and AUDIT-C ------------------------------------------------ */

static void
test_audit(void **state)
{
	struct psw_score sc;

	(void)state;
	bands("audit");
	sc = score("audit", "4,4,4,4,4,4,4,4,4,4");
	assert_true(sc.total == 40);
	assert_string_equal(sc.band, "possible-dependence");
	sc = score("audit", "4,4,4,4,4,4,4,4,2,2");
	assert_true(sc.total == 36);
	sc = score("audit", "0,0,0,0,0,0,0,0,2,4");
	assert_true(sc.total == 6);
	/* items 9 and 10 take only 0, 2 or 4 */
	assert_non_null(strstr(refused("audit", "0,0,0,0,0,0,0,0,1,0"),
	    "answer 9 is 1; audit item 9 allows 0, 2 or 4"));
	assert_non_null(strstr(refused("audit", "0,0,0,0,0,0,0,0,0,3"),
	    "answer 10 is 3; audit item 10 allows 0, 2 or 4"));
	assert_non_null(strstr(refused("audit", "5,0,0,0,0,0,0,0,0,0"),
	    "answer 1 is 5"));
	score("audit", "1,3,0,0,0,0,0,0,0,0");
	bands("audit-c");
}

/* --- DASS-21 ---------------------------------------------------------- */

/* DASS-21 answers with the given raw sums on each subscale. */
static struct psw_score
dass(int dep, int anx, int str)
{
	static const int d[] = { 3, 5, 10, 13, 16, 17, 21 };
	static const int a[] = { 2, 4, 7, 9, 15, 19, 20 };
	static const int s[] = { 1, 6, 8, 11, 12, 14, 18 };
	const int *sets[3] = { d, a, s };
	int want[3] = { dep, anx, str };
	int ans[21], i, k;
	struct psw_score sc;

	memset(ans, 0, sizeof ans);
	for (k = 0; k < 3; k++)
		for (i = 0; i < 7; i++) {
			int v = want[k] > 3 ? 3 : want[k];

			ans[sets[k][i] - 1] = v;
			want[k] -= v;
		}
	assert_int_equal(psw_instrument_score(get("dass-21"), ans, 21, &sc), 0);
	return sc;
}

static void
dass_band(const char *subscale, int raw, double score, const char *band)
{
	int r[3] = { 0, 0, 0 };
	const struct psw_score_sub *ss;
	struct psw_score sc;

	r[strcmp(subscale, "depression") == 0 ? 0 :
	    strcmp(subscale, "anxiety") == 0 ? 1 : 2] = raw;
	sc = dass(r[0], r[1], r[2]);
	ss = sub(&sc, subscale);
	assert_true(ss->scored);
	if (ss->score != score || strcmp(ss->band, band) != 0)
		fail_msg("dass-21 %s raw %d: %g %s, not %g %s", subscale, raw,
		    ss->score, ss->band, score, band);
	/* the total is every item x 2 */
	assert_true(sc.total == 2 * raw);
}

static void
test_dass21(void **state)
{
	struct psw_score sc;
	int r;

	(void)state;
	/* each subscale is its sum x 2; edges on the doubled score */
	for (r = 0; r <= 21; r++) {
		double s = 2 * r;

		dass_band("depression", r, s, s <= 9 ? "normal" : s <= 13 ?
		    "mild" : s <= 20 ? "moderate" : s <= 27 ? "severe" :
		    "extremely-severe");
		dass_band("anxiety", r, s, s <= 7 ? "normal" : s <= 9 ?
		    "mild" : s <= 14 ? "moderate" : s <= 19 ? "severe" :
		    "extremely-severe");
		dass_band("stress", r, s, s <= 14 ? "normal" : s <= 18 ?
		    "mild" : s <= 25 ? "moderate" : s <= 33 ? "severe" :
		    "extremely-severe");
	}
	/* the edges by name */
	dass_band("depression", 4, 8, "normal");
	dass_band("depression", 5, 10, "mild");
	dass_band("depression", 7, 14, "moderate");
	dass_band("depression", 10, 20, "moderate");
	dass_band("depression", 11, 22, "severe");
	dass_band("depression", 14, 28, "extremely-severe");
	dass_band("anxiety", 3, 6, "normal");
	dass_band("anxiety", 4, 8, "mild");
	dass_band("anxiety", 5, 10, "moderate");
	dass_band("anxiety", 8, 16, "severe");
	dass_band("anxiety", 10, 20, "extremely-severe");
	dass_band("stress", 7, 14, "normal");
	dass_band("stress", 8, 16, "mild");
	dass_band("stress", 10, 20, "moderate");
	dass_band("stress", 13, 26, "severe");
	dass_band("stress", 16, 32, "severe");
	dass_band("stress", 17, 34, "extremely-severe");
	sc = dass(5, 4, 8);
	assert_int_equal(sc.nsubs, 3);
	assert_string_equal(sc.subs[0].id, "depression");
	assert_string_equal(sc.subs[1].id, "anxiety");
	assert_string_equal(sc.subs[2].id, "stress");
	assert_true(sub(&sc, "depression")->score == 10);
	assert_true(sub(&sc, "anxiety")->score == 8);
	assert_true(sub(&sc, "stress")->score == 16);
	assert_true(sc.total == 34);
	assert_null(sc.band);			/* no bands on the total */
	assert_non_null(strstr(refused("dass-21",
	    "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0"),
	    "takes 21 answers, not 20"));
}

/* --- C-SSRS screen ---------------------------------------------------- */

static void
cssrs(const char *list, const char *band)
{
	struct psw_score sc = score("cssrs-screen", list);

	if (strcmp(sc.band, band) != 0)
		fail_msg("cssrs-screen %s: band %s, not %s", list, sc.band,
		    band);
	if (strcmp(band, "none") == 0) {
		assert_int_equal(sc.nflags, 0);
		assert_int_equal(sc.risk, PSW_LEVEL_NONE);
		return;
	}
	/* every level raises the flag, at that level */
	assert_int_equal(sc.nflags, 1);
	assert_string_equal(sc.flags[0].name, "suicide-risk");
	assert_string_equal(psw_level_name(sc.flags[0].level), band);
	assert_string_equal(psw_level_name(sc.risk), band);
}

static void
test_cssrs(void **state)
{
	(void)state;
	cssrs("0,0,0,0,0,0,0", "none");
	cssrs("1,0,0,0,0,0,0", "low");
	cssrs("0,1,0,0,0,0,0", "low");
	cssrs("1,1,0,0,0,0,0", "low");
	cssrs("1,1,1,0,0,0,0", "moderate");
	cssrs("0,0,0,0,0,1,0", "moderate");	/* behaviour, not recent */
	cssrs("1,1,0,0,0,1,0", "moderate");
	cssrs("1,1,1,1,0,0,0", "high");
	cssrs("1,1,1,0,1,0,0", "high");
	cssrs("0,0,0,1,0,0,0", "high");
	cssrs("0,0,0,0,1,0,0", "high");
	cssrs("0,0,0,0,0,1,1", "high");	/* behaviour in the past 3 months */
	cssrs("1,1,1,1,1,1,1", "high");
	assert_non_null(strstr(refused("cssrs-screen", "2,0,0,0,0,0,0"),
	    "allows 0 or 1"));
	assert_int_equal(get("cssrs-screen")->band_from_flags, 1);
}

/* --- CANSAS ----------------------------------------------------------- */

static void
test_cansas(void **state)
{
	const struct psw_instrument *in = get("cansas");
	const struct psw_score_sub *met, *unmet;
	struct psw_score sc;

	(void)state;
	assert_int_equal(in->nitems, 22);
	assert_string_equal(in->items[0].id, "accommodation");
	assert_string_equal(in->items[0].need_domain, "housing");
	assert_string_equal(in->items[21].id, "benefits");
	assert_int_equal(in->nneed_levels, 3);
	/* 0 no need, 1 met, 2 unmet, 9 not known */
	sc = score("cansas",
	    "2,0,1,0,9,0,0,2,0,0,0,1,0,2,0,0,9,0,0,0,1,0");
	assert_true(sc.total == 6);		/* met and unmet needs */
	met = sub(&sc, "met");
	unmet = sub(&sc, "unmet");
	assert_true(met->score == 3);
	assert_true(unmet->score == 3);
	assert_int_equal(unmet->nitems, 3);
	assert_string_equal(unmet->items[0], "accommodation");
	assert_string_equal(unmet->items[1], "information");
	assert_string_equal(unmet->items[2], "company");
	assert_int_equal(met->nitems, 3);
	assert_string_equal(met->items[0], "looking-after-the-home");
	assert_string_equal(met->items[1], "alcohol");
	assert_string_equal(met->items[2], "money");
	sc = score("cansas", "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0");
	assert_true(sc.total == 0);
	assert_int_equal(sub(&sc, "unmet")->nitems, 0);
	sc = score("cansas", "9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9");
	assert_true(sc.total == 0);
	sc = score("cansas", "2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2");
	assert_true(sc.total == 22);
	assert_int_equal(sub(&sc, "unmet")->nitems, 22);
	assert_non_null(strstr(refused("cansas",
	    "3,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0"),
	    "allows 0, 1, 2 or 9"));
}

/* --- answers ---------------------------------------------------------- */

static void
test_answers_parse(void **state)
{
	int a[8];
	char err[128];

	(void)state;
	assert_int_equal(psw_answers_parse("1, 2 ,~,3", a, 8, err, sizeof err),
	    4);
	assert_int_equal(a[0], 1);
	assert_int_equal(a[1], 2);
	assert_int_equal(a[2], PSW_ANSWER_MISSING);
	assert_int_equal(a[3], 3);
	assert_int_equal(psw_answers_parse("1,,2,-", a, 8, err, sizeof err),
	    4);
	assert_int_equal(a[3], PSW_ANSWER_MISSING);
	assert_int_equal(psw_answers_parse("1,,2", a, 8, err, sizeof err), 3);
	assert_int_equal(a[1], PSW_ANSWER_MISSING);
	assert_int_equal(psw_answers_parse("1,x", a, 8, err, sizeof err), -1);
	assert_string_equal(err,
	    "answer 2 is not a number from 0 to 1000: 'x'");
	assert_int_equal(psw_answers_parse("-1", a, 8, err, sizeof err), -1);
	assert_int_equal(psw_answers_parse("1.5", a, 8, err, sizeof err), -1);
	assert_int_equal(psw_answers_parse("1001", a, 8, err, sizeof err), -1);
	assert_int_equal(psw_answers_parse("", a, 8, err, sizeof err), -1);
	assert_string_equal(err, "no answers");
	assert_int_equal(psw_answers_parse("1,2,3", a, 2, err, sizeof err), -1);
	assert_string_equal(err, "more than 2 answers");
}

/* --- custom definitions ----------------------------------------------- */

static struct psw_instruments *
parse(const char *text, struct psw_err *e)
{
	struct psw_instruments *s = NULL;

	psw_err_clear(e);
	if (psw_instruments_parse(text, strlen(text), "t.yaml", &s, e) < 0)
		return NULL;
	return s;
}

/* A SWEMWBS-like definition: 7 items 1..5, a Rasch-style lookup table. */
static const char lookup_def[] =
"psw-instrument: 1\n"
"id: swemwbs-local\n"
"name: Short wellbeing scale (user supplied)\n"
"citation: user supplied\n"
"licence: used under the organisation's licence\n"
"options:\n"
"  - {value: 1, label: None of the time}\n"
"  - {value: 2, label: Rarely}\n"
"  - {value: 3, label: Some of the time}\n"
"  - {value: 4, label: Often}\n"
"  - {value: 5, label: All of the time}\n"
"items: [one, two, three, four, five, six, seven]\n"
"higher-is: better\n"
"lookup: {7: 7.00, 8: 9.51, 9: 11.25, 10: 12.40, 11: 13.33, 12: 14.08,\n"
"  13: 14.75, 14: 15.32, 15: 15.84, 16: 16.36, 17: 16.88, 18: 17.43,\n"
"  19: 17.98, 20: 18.59, 21: 19.25, 22: 19.98, 23: 20.73, 24: 21.54,\n"
"  25: 22.35, 26: 23.21, 27: 24.11, 28: 25.03, 29: 26.02, 30: 27.03,\n"
"  31: 28.13, 32: 29.31, 33: 30.70, 34: 32.55, 35: 35.00}\n"
"bands:\n"
"  - {name: low, low: 7, high: 17.99}\n"
"  - {name: average, low: 18, high: 27.99}\n"
"  - {name: high, low: 28, high: 35}\n"
"caseness: 17.99\n"
"reliable-change: 3\n";

static void
test_lookup(void **state)
{
	const struct psw_instrument *in;
	struct psw_instruments *s;
	struct psw_change ch;
	struct psw_score sc;
	struct psw_err e;
	int a[7] = { 3, 3, 3, 3, 3, 3, 3 };

	(void)state;
	assert_non_null(s = parse(lookup_def, &e));
	in = psw_instruments_find(s, "swemwbs-local");
	assert_non_null(in);
	assert_false(in->builtin);
	assert_int_equal(psw_instrument_score(in, a, 7, &sc), 0);
	assert_true(sc.raw == 21);
	assert_true(fabs(sc.total - 19.25) < 1e-9);
	assert_string_equal(sc.band, "average");
	a[0] = 1;
	a[1] = 1;
	a[2] = 1;
	assert_int_equal(psw_instrument_score(in, a, 7, &sc), 0);
	assert_true(sc.raw == 15);
	assert_true(fabs(sc.total - 15.84) < 1e-9);
	assert_string_equal(sc.band, "low");
	assert_int_equal(sc.caseness, 1);
	assert_true(fabs(in->min_total - 7) < 1e-9);
	assert_true(fabs(in->max_total - 35) < 1e-9);
	psw_instrument_change(in, 15.84, 19.25, &ch);
	assert_int_equal(ch.kind, PSW_CHANGE_IMPROVED);
	assert_int_equal(ch.recovery, 1);
	psw_instrument_change(in, 15.84, 17.43, &ch);
	assert_int_equal(ch.kind, PSW_CHANGE_NONE);
	psw_instruments_free(s);
}

static void
bad_def(const char *text, const char *want)
{
	char line[PSW_ERR_MSG + 600];
	struct psw_err e;

	assert_null(parse(text, &e));
	assert_int_equal(e.code, PSW_EDATA);
	psw_err_format(&e, line, sizeof line);
	if (strstr(line, want) == NULL)
		fail_msg("got '%s', want '%s'", line, want);
}

#define HEAD "psw-instrument: 1\nid: x\nname: X\ncitation: c\nlicence: l\n"
#define OPTS "options: [{value: 0, label: no}, {value: 1, label: yes}]\n"

static void
test_bad_definitions(void **state)
{
	struct psw_instruments *s;
	struct psw_err e;

	(void)state;
	/* a minimal good one first */
	assert_non_null(s = parse(HEAD OPTS "items: [a, b]\n"
	    "bands: [{name: lo, low: 0, high: 1}, {name: hi, low: 2}]\n", &e));
	psw_instruments_free(s);

	bad_def("", "t.yaml: the file is empty");
	bad_def("- a\n", "t.yaml:1:1: an instrument must be a map");
	bad_def("id: x\n", "t.yaml:1:1: 'psw-instrument' (the format version, "
	    "1) is missing");
	bad_def("psw-instrument: 2\n",
	    "t.yaml:1:17: format version 2 is newer");
	bad_def("psw-instrument: 1\nid: x\nfoo: 1\n",
	    "t.yaml:3:1: unknown key 'foo'");
	bad_def("psw-instrument: 1\nid: X Y\nname: n\ncitation: c\nlicence: l\n"
	    OPTS "items: [a]\n", "t.yaml:2:5: 'id' must be up to 32");
	bad_def("psw-instrument: 1\nid: x\nname: X\nlicence: l\n" OPTS
	    "items: [a]\n", "t.yaml:1:1: 'citation' is missing");
	bad_def(HEAD "items: [a]\n", "t.yaml:6:9: item 1: no allowed values");
	bad_def(HEAD OPTS "items: []\n", "t.yaml:7:8: 'items' is empty");
	bad_def(HEAD OPTS "items: [a, b]\nreverse: [3]\n",
	    "t.yaml:8:11: 'reverse' must be a whole number from 1 to 2, "
	    "not '3'");
	bad_def(HEAD OPTS "items: [a, b]\n"
	    "bands: [{name: lo, low: 0, high: 0}, {name: hi, low: 2}]\n",
	    "t.yaml:8:8: score 1 is in no band");
	bad_def(HEAD OPTS "items: [a, b]\n"
	    "bands: [{name: lo, low: 0, high: 1}, {name: hi, low: 1}]\n",
	    "t.yaml:8:8: score 1 is in more than one band");
	bad_def(HEAD OPTS "items: [a, b]\n"
	    "bands: [{name: lo, low: 2, high: 1}]\n",
	    "'high' is below 'low'");
	bad_def(HEAD OPTS "items: [a, b]\nlookup: {0: 1, 1: 2}\n",
	    "t.yaml:8:9: 'lookup' has no entry for raw score 2 (it must cover "
	    "0 to 2)");
	bad_def(HEAD OPTS "items: [a, b]\nlookup: {0: 1, x: 2, 2: 3}\n",
	    "t.yaml:8:16: a lookup key (raw score) must be a whole number");
	bad_def(HEAD OPTS "items: [a, b]\nmultiplier: 2\nlookup: {0: 1, 1: 2, "
	    "2: 3}\n", "give 'multiplier' or 'lookup', not both");
	bad_def(HEAD OPTS "items: [a, b]\nmultiplier: 0\n",
	    "t.yaml:8:13: 'multiplier' must be above 0");
	bad_def(HEAD OPTS "items: [a, b]\nprorate: {max-missing: 2}\n",
	    "t.yaml:8:24: 'max-missing' must be a whole number from 0 to 1");
	bad_def(HEAD OPTS "items: [a, b]\nhigher-is: up\n",
	    "t.yaml:8:12: 'higher-is' must be worse or better, not 'up'");
	bad_def(HEAD OPTS "items: [a, b]\nreliable-change: 0\n",
	    "'reliable-change' must be above 0");
	bad_def(HEAD OPTS "items: [a, b]\ncaseness: many\n",
	    "t.yaml:8:11: 'caseness' must be a number, not 'many'");
	bad_def(HEAD OPTS "items: [a, b]\nflags: [{name: f, level: severe, "
	    "items: [1]}]\n", "flag rule 1: 'level' must be low, moderate or "
	    "high, not 'severe'");
	bad_def(HEAD OPTS "items: [a, b]\nflags: [{name: f, level: high}]\n",
	    "t.yaml:8:9: flag rule 1: give 'items', 'total-min' or "
	    "'total-max'");
	bad_def(HEAD OPTS "items: [a, b]\nflags: [{name: f, level: high, "
	    "items: [3]}]\n", "'items' must be a whole number from 1 to 2");
	bad_def(HEAD OPTS "items: [a, b]\n"
	    "subscales: [{id: s, items: [1, 1]}]\n",
	    "'items': item 1 is listed twice");
	bad_def(HEAD OPTS "items: [a, {label: b, values: [0, 0]}]\n",
	    "item 2: value 0 is allowed twice");
	bad_def(HEAD "options: [{value: 0, label: no}, {value: 0, label: "
	    "yes}]\nitems: [a]\n", "value 0 is given twice");
	bad_def(HEAD OPTS "items: [a, {text: b, label: c}]\n",
	    "item 2: give 'text' or 'label', not both");
	bad_def(HEAD OPTS "items: [{label: a, need-domain: nowhere}]\n",
	    "'need-domain' must be a needs domain");
	bad_def(HEAD OPTS "items: [a]\nband-from-flags: true\n",
	    "'band-from-flags' needs 'flags'");
	bad_def(HEAD OPTS "items: [a]\nscore: count\n",
	    "'score: count' needs 'count-values'");
	bad_def(HEAD OPTS "items: [a]\nid: y\n", "t.yaml:8:1: duplicate key");
	bad_def(HEAD OPTS "items: [a\n", "t.yaml:");
}

/* --- the case folder's instruments ------------------------------------ */

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void
test_folder(void **state)
{
	char home[] = "/tmp/psw-instr.XXXXXX", path[256], line[2048];
	const struct psw_instrument *in;
	struct psw_instruments *s;
	struct psw_score sc;
	struct psw_err e;
	int a[7] = { 5, 5, 5, 5, 5, 5, 5 };

	(void)state;
	assert_non_null(mkdtemp(home));
	snprintf(path, sizeof path, "%s/instruments", home);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/instruments/swemwbs-local.yaml", home);
	write_file(path, lookup_def);
	/* the folder's phq-9 overrides the built-in one */
	snprintf(path, sizeof path, "%s/instruments/phq-9.yaml", home);
	write_file(path, "psw-instrument: 1\nid: phq-9\nname: Local PHQ\n"
	    "citation: c\nlicence: l\n" OPTS "items: [a, b]\n");
	snprintf(path, sizeof path, "%s/instruments/notes.txt", home);
	write_file(path, "not yaml: [\n");
	assert_int_equal(psw_instruments_load(home, &s, &e), 0);
	assert_int_equal(psw_instruments_count(s), 15);
	in = psw_instruments_find(s, "swemwbs-local");
	assert_non_null(in);
	assert_string_equal(in->file, "instruments/swemwbs-local.yaml");
	assert_int_equal(psw_instrument_score(in, a, 7, &sc), 0);
	assert_true(sc.total == 35);
	assert_string_equal(sc.band, "high");
	in = psw_instruments_find(s, "phq-9");
	assert_string_equal(in->name, "Local PHQ");
	assert_false(in->builtin);
	assert_int_equal(in->nitems, 2);
	/* the digest changes with the folder's definitions */
	assert_string_not_equal(psw_instruments_digest(s),
	    psw_instruments_digest(set));
	psw_instruments_free(s);

	/* a folder definition with an error: file:line:col, nothing loaded */
	snprintf(path, sizeof path, "%s/instruments/zz.yaml", home);
	write_file(path, HEAD OPTS "items: [a, b]\nreverse: [0]\n");
	assert_int_equal(psw_instruments_load(home, &s, &e), -PSW_EDATA);
	assert_null(s);
	psw_err_format(&e, line, sizeof line);
	assert_string_equal(line, "instruments/zz.yaml:8:11: 'reverse' must be "
	    "a whole number from 1 to 2, not '0'");
	/* the file name must be the id */
	write_file(path, HEAD OPTS "items: [a, b]\n");
	assert_int_equal(psw_instruments_load(home, &s, &e), -PSW_EDATA);
	psw_err_format(&e, line, sizeof line);
	assert_string_equal(line, "instruments/zz.yaml:2:5: 'id' is 'x' but "
	    "the file is named zz.yaml: name it x.yaml");
	unlink(path);
	snprintf(path, sizeof path, "%s/instruments/swemwbs-local.yaml", home);
	unlink(path);
	snprintf(path, sizeof path, "%s/instruments/phq-9.yaml", home);
	unlink(path);
	snprintf(path, sizeof path, "%s/instruments/notes.txt", home);
	unlink(path);
	snprintf(path, sizeof path, "%s/instruments", home);
	rmdir(path);
	/* no instruments folder: the built-ins alone */
	assert_int_equal(psw_instruments_load(home, &s, &e), 0);
	assert_int_equal(psw_instruments_count(s), 14);
	psw_instruments_free(s);
	rmdir(home);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_set),
		cmocka_unit_test(test_phq9_bands),
		cmocka_unit_test(test_phq9_item9),
		cmocka_unit_test(test_phq9_caseness_change),
		cmocka_unit_test(test_phq2_gad2),
		cmocka_unit_test(test_gad7),
		cmocka_unit_test(test_k10_k6),
		cmocka_unit_test(test_who5),
		cmocka_unit_test(test_core10_bands_reverse),
		cmocka_unit_test(test_core10_flag),
		cmocka_unit_test(test_core10_prorating),
		cmocka_unit_test(test_pss10),
		cmocka_unit_test(test_audit),
		cmocka_unit_test(test_dass21),
		cmocka_unit_test(test_cssrs),
		cmocka_unit_test(test_cansas),
		cmocka_unit_test(test_answers_parse),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_bad_definitions),
		cmocka_unit_test(test_folder),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
