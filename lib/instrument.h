/*
 * instrument.h - standard instruments as data: definitions, scoring,
 * bands, risk flags, caseness and reliable change.
 *
 * An instrument is one YAML definition (psw-instrument(5)).  The built-in
 * set is compiled into the library from the YAML files in lib/instruments; a case
 * folder adds or overrides instruments in instruments/NAME.yaml (same id:
 * the folder's wins).  Every problem in a definition is reported with
 * file:line:col.
 *
 * Scoring is exact and deterministic:
 *   1. every answer is checked against the item's allowed values
 *      (PSW_ANSWER_MISSING is a missing answer);
 *   2. reverse-scored items become (lowest + highest allowed) - answer;
 *   3. raw = the sum of the items (or, with `score: count`, how many
 *      answers are among the counted values); with missing answers, when
 *      prorating allows that many, raw = sum * items / answered, rounded
 *      half up; more missing answers make the assessment unscorable;
 *   4. total = lookup[raw] when there is a lookup table, else
 *      raw * multiplier;
 *   5. band = the band holding total; flags from the flag rules (on the
 *      answers as given, before reversing); subscales alike.
 *
 * Memory: an instrument's strings and arrays live in its own arena and
 * are freed with the set.  A struct psw_score holds no pointers of its
 * own: its strings are borrowed from the instrument.
 */
#ifndef PSW_INSTRUMENT_H
#define PSW_INSTRUMENT_H

#include <stddef.h>

#include "error.h"

#define PSW_INSTR_MAX_ITEMS 64
#define PSW_INSTR_MAX_SUBSCALES 8
#define PSW_INSTR_MAX_FLAGS 8

enum psw_level {
	PSW_LEVEL_NONE = 0,
	PSW_LEVEL_LOW,
	PSW_LEVEL_MODERATE,
	PSW_LEVEL_HIGH,
};

/* "low", "moderate", "high" ("" for PSW_LEVEL_NONE). */
const char *psw_level_name(int level);

struct psw_option {
	int value;
	const char *label;
};

struct psw_item {
	const char *id;			/* short id (cansas domains); may be NULL */
	const char *text;		/* wording, or a short label */
	int is_label;			/* text is a label, not the wording */
	const struct psw_option *options;	/* the item's or the instrument's */
	size_t noptions;
	const int *allowed;		/* allowed values, ascending */
	size_t nallowed;
	int reverse;
	const char *need_domain;		/* psw-plan(5) needs domain, or NULL */
};

struct psw_band {
	const char *name;
	double low, high;		/* inclusive; high may be HUGE_VAL */
};

enum psw_method {
	PSW_SCORE_SUM = 0,
	PSW_SCORE_COUNT,		/* how many answers are in count_values */
};

struct psw_scale {			/* the whole instrument or a subscale */
	const char *id, *name;
	const int *items;		/* 0-based item indexes */
	size_t nitems;
	int method;			/* enum psw_method */
	const int *count_values;
	size_t ncount;
	double multiplier;		/* 1 when none */
	const struct psw_band *bands;
	size_t nbands;
	int list;			/* report the counted items' ids */
};

struct psw_flag_rule {
	const char *name;		/* e.g. "suicidality" */
	int level;			/* enum psw_level */
	const char *message;		/* may be NULL */
	const int *items;		/* 0-based; may be empty with total_* */
	size_t nitems;
	const int *unless;		/* 0-based */
	size_t nunless;
	int min, max;			/* an item matches when min <= answer <= max */
	int count;			/* at least this many items match */
	int has_total_min, has_total_max;
	double total_min, total_max;
};

struct psw_lookup {
	int raw;
	double reported;
};

struct psw_instrument {
	const char *id, *name, *version, *citation, *licence, *loinc;
	const char *url, *preamble, *description;
	const char *file;		/* where it was defined */
	int builtin;
	const struct psw_option *options;
	size_t noptions;
	const struct psw_item *items;
	size_t nitems;
	struct psw_scale total;		/* items: all of them */
	const struct psw_scale *subscales;
	size_t nsubscales;
	const struct psw_lookup *lookup;	/* sorted by raw */
	size_t nlookup;
	int max_missing;		/* prorating: 0 = no missing answer */
	int band_from_flags;		/* band = highest flag level or "none" */
	int higher_is_better;
	int has_caseness;
	double caseness;		/* at or beyond, in the worse direction */
	int has_reliable_change;
	double reliable_change;
	const struct psw_flag_rule *flags;
	size_t nflags;
	double min_total, max_total;	/* possible reported totals */
	const struct psw_option *need_levels;	/* value -> "none" "met" "unmet" */
	size_t nneed_levels;
};

struct psw_score_flag {
	const char *name;
	int level;
	const char *message;		/* may be NULL */
};

struct psw_score_sub {
	const char *id;
	double score;
	const char *band;		/* NULL when the subscale has none */
	int scored;			/* 0 when an item of it is missing */
	const char *items[PSW_INSTR_MAX_ITEMS];	/* with `list`: item ids */
	size_t nitems;
};

struct psw_score {
	int ok;				/* scored; else error holds why not */
	double raw, total;
	const char *band;		/* NULL when no band */
	int missing;			/* missing answers */
	int prorated;			/* raw was prorated for them */
	int caseness;			/* 1, 0, or -1 when no cut-off */
	int risk;			/* highest flag level */
	struct psw_score_flag flags[PSW_INSTR_MAX_FLAGS];
	size_t nflags;
	struct psw_score_sub subs[PSW_INSTR_MAX_SUBSCALES];
	size_t nsubs;
	char error[256];		/* lower case, one line */
};

/*
 * Score answers (n of them, PSW_ANSWER_MISSING for a missing one).
 * Returns 0 with out->ok set, or -PSW_EDATA with out->error: the wrong
 * number of answers, a value the item does not allow, too many missing.
 */
int psw_instrument_score(const struct psw_instrument *in, const int *answers,
    size_t n, struct psw_score *out);

/* The band of a total on a scale; NULL when none holds it. */
const char *psw_scale_band(const struct psw_scale *sc, double total);

enum psw_change_kind {
	PSW_CHANGE_UNKNOWN = -1,	/* no reliable-change threshold */
	PSW_CHANGE_NONE = 0,		/* no reliable change */
	PSW_CHANGE_IMPROVED,
	PSW_CHANGE_DETERIORATED,
};

struct psw_change {
	int kind;			/* enum psw_change_kind */
	double diff;			/* to - from */
	int recovery;			/* from at or beyond caseness, to not,
					 * with reliable improvement */
};

/*
 * Classify the change from total `from` to total `to`: reliable when the
 * difference is at least the threshold, improvement in the better
 * direction.  Recovery needs a caseness cut-off.
 */
void psw_instrument_change(const struct psw_instrument *in, double from,
    double to, struct psw_change *out);

/* "reliable improvement", "reliable deterioration", "no reliable change",
 * or "" when unknown. */
const char *psw_change_name(int kind);

/* Caseness of a total: 1, 0, or -1 when the instrument has no cut-off. */
int psw_instrument_caseness(const struct psw_instrument *in, double total);

/* --- Sets of instruments -------------------------------------------- */

struct psw_instruments;

/*
 * Parse one definition from memory; `name` is used in messages.  On
 * success *out is a new one-instrument set.  Errors: -PSW_EDATA with
 * file:line:col, -PSW_EIO on OOM.
 */
int psw_instruments_parse(const char *text, size_t len, const char *name,
    struct psw_instruments **out, struct psw_err *e);

/*
 * The built-in set, then the case folder's instruments/NAME.yaml (home may
 * be NULL: built-ins only).  A folder definition with the id of an
 * earlier one replaces it.  Errors: -PSW_EDATA (a bad definition, with
 * "instruments/x.yaml:line:col"), -PSW_EIO.
 */
int psw_instruments_load(const char *home, struct psw_instruments **out,
    struct psw_err *e);

void psw_instruments_free(struct psw_instruments *set);

/* The instrument with this id, or NULL. */
const struct psw_instrument *psw_instruments_find(
    const struct psw_instruments *set, const char *id);

/* Instruments in id order. */
size_t psw_instruments_count(const struct psw_instruments *set);
const struct psw_instrument *psw_instruments_at(
    const struct psw_instruments *set, size_t i);

/*
 * A digest of every definition text in the set (FNV-1a, 16 hex digits),
 * so the index can notice that scoring rules changed.  Borrowed.
 */
const char *psw_instruments_digest(const struct psw_instruments *set);

/*
 * The digest psw_instruments_load(home) would give, told without parsing
 * a definition, when the case folder has none of its own: returns 1 with
 * the 16 hex digits and NUL in digest; 0 when the folder has definitions
 * (or cannot be read), which only loading them can tell.
 */
int psw_instruments_builtin_digest(const char *home, char digest[17]);

/*
 * Parse an answer list "2,1,0,~,3" (spaces allowed around commas; ~, -
 * or an empty field for a missing answer) into out (at most max).
 * Returns the count, or -1 with a message in err (size errsize).
 */
int psw_answers_parse(const char *s, int *out, size_t max, char *err,
    size_t errsize);

#endif
