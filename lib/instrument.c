/*
 * instrument.c - instrument definitions (built-in and the case folder's),
 * scoring, bands, flags, caseness and reliable change.
 *
 * A definition is checked completely when it is loaded: every reported
 * total it can produce must fall in exactly one band, a lookup table must
 * cover every raw score, item numbers must exist.  Scoring can then not
 * meet a gap at run time.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "client.h"
#include "doc.h"
#include "instrument.h"
#include "instruments_builtin.h"

#define EPS 1e-9
#define MAX_VALUE 1000
#define MAX_CHECK_RANGE 100000

static const char *const level_names[] = {
	"", "low", "moderate", "high", NULL
};

const char *
psw_level_name(int level)
{
	if (level < PSW_LEVEL_NONE || level > PSW_LEVEL_HIGH)
		return "";
	return level_names[level];
}

/* --- Reading a definition ------------------------------------------- */

struct def {
	struct psw_doc *doc;
	const char *name;
	struct psw_err *e;
	int failed;
};

/* Fail at node n (the first problem only: one line, file:line:col). */
static int
bad(struct def *d, const struct psw_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
bad(struct def *d, const struct psw_node *n, const char *fmt, ...)
{
	char msg[PSW_ERR_MSG];
	va_list ap;

	if (d->failed)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	psw_error_at(d->e, PSW_EDATA, d->name, n ? n->line : 0,
	    n ? n->col : 0, "%s", msg);
	d->failed = 1;
	return -1;
}

static void *
d_alloc(struct def *d, size_t n, size_t size)
{
	void *p;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX / size || (p = psw_doc_alloc(d->doc, n * size)) ==
	    NULL) {
		if (!d->failed)
			psw_error(d->e, PSW_EIO, "out of memory");
		d->failed = 1;
		return NULL;
	}
	return p;
}

/* Text under key; NULL when absent (a problem when required). */
static const char *
d_str(struct def *d, const struct psw_node *map, const char *key,
    int required)
{
	const struct psw_node *n = psw_map_get(map, key);

	if (n == NULL) {
		if (required)
			bad(d, map, "'%s' is missing", key);
		return NULL;
	}
	if (n->type != PSW_NODE_SCALAR) {
		bad(d, n, "'%s' must be text", key);
		return NULL;
	}
	if (n->len == 0) {
		if (required)
			bad(d, n, "'%s' is empty", key);
		return NULL;
	}
	return n->str;
}

/* A whole number in [lo, hi] from a scalar node. */
static int
n_int(struct def *d, const struct psw_node *n, const char *what, long lo,
    long hi, int *out)
{
	char *end;
	long v;

	if (n->type != PSW_NODE_SCALAR || n->len == 0 || n->str[0] == '+' ||
	    n->str[0] == ' ')
		goto no;
	errno = 0;
	v = strtol(n->str, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		goto no;
	*out = (int)v;
	return 0;
no:
	return bad(d, n, "%s must be a whole number from %ld to %ld%s%s%s",
	    what, lo, hi, n->type == PSW_NODE_SCALAR ? ", not '" : "",
	    n->type == PSW_NODE_SCALAR ? n->str : "",
	    n->type == PSW_NODE_SCALAR ? "'" : "");
}

/* A number (decimal allowed) from a scalar node. */
static int
n_num(struct def *d, const struct psw_node *n, const char *what,
    double *out)
{
	const char *s;
	char *end;
	double v;
	size_t i;

	if (n->type != PSW_NODE_SCALAR || n->len == 0)
		goto no;
	s = n->str;
	/* Plain decimals only: no hex, exponents, inf or nan. */
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		    (i == 0 && s[i] == '-')))
			goto no;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || v < -1e9 || v > 1e9)
		goto no;
	*out = v;
	return 0;
no:
	return bad(d, n, "%s must be a number, not '%s'", what,
	    n->type == PSW_NODE_SCALAR ? n->str : "a list or map");
}

/* A list node under key (NULL when absent); a problem when not a list. */
static const struct psw_node *
d_seq(struct def *d, const struct psw_node *map, const char *key,
    int required)
{
	const struct psw_node *n = psw_map_get(map, key);

	if (n == NULL) {
		if (required)
			bad(d, map, "'%s' is missing", key);
		return NULL;
	}
	if (n->type != PSW_NODE_SEQ) {
		bad(d, n, "'%s' must be a list", key);
		return NULL;
	}
	if (n->count == 0 && required) {
		bad(d, n, "'%s' is empty", key);
		return NULL;
	}
	return n;
}

/* Check a map holds only the keys in `known`; the first other is a problem. */
static int
only_keys(struct def *d, const struct psw_node *map, const char *const *known,
    const char *what)
{
	const struct psw_node *n;

	struct psw_node at;

	for (n = map->head; n != NULL; n = n->next) {
		if (psw_in_list(known, n->key))
			continue;
		/* Point at the key, not its value. */
		memset(&at, 0, sizeof at);
		at.line = n->key_line ? n->key_line : n->line;
		at.col = n->key_line ? n->key_col : n->col;
		return bad(d, &at, "%sunknown key '%s'", what, n->key);
	}
	return 0;
}

static int
int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/* A list of whole numbers; *out in the arena. */
static int
int_list(struct def *d, const struct psw_node *seq, const char *what,
    long lo, long hi, int **out, size_t *count)
{
	const struct psw_node *n;
	size_t i = 0;
	int *v;

	*out = NULL;
	*count = 0;
	if (seq->type != PSW_NODE_SEQ)
		return bad(d, seq, "%s must be a list of numbers", what);
	if ((v = d_alloc(d, seq->count, sizeof *v)) == NULL)
		return -1;
	for (n = seq->head; n != NULL; n = n->next)
		if (n_int(d, n, what, lo, hi, &v[i++]) < 0)
			return -1;
	*out = v;
	*count = i;
	return 0;
}

/* A list of 1-based item numbers into 0-based indexes, no repeats. */
static int
item_list(struct def *d, const struct psw_node *seq, size_t nitems,
    const char *what, int **out, size_t *count)
{
	size_t i, j;

	if (int_list(d, seq, what, 1, (long)nitems, out, count) < 0)
		return -1;
	for (i = 0; i < *count; i++) {
		(*out)[i]--;
		for (j = 0; j < i; j++)
			if ((*out)[j] == (*out)[i])
				return bad(d, seq, "%s: item %d is listed twice",
				    what, (*out)[i] + 1);
	}
	return 0;
}

/* response options: a list of {value, label}. */
static int
read_options(struct def *d, const struct psw_node *seq, const char *what,
    struct psw_option **out, size_t *count)
{
	static const char *const keys[] = { "value", "label", NULL };
	const struct psw_node *n, *v;
	struct psw_option *o;
	size_t i = 0, j;

	if (seq->type != PSW_NODE_SEQ || seq->count == 0)
		return bad(d, seq, "%s'options' must be a list of {value, label}",
		    what);
	if ((o = d_alloc(d, seq->count, sizeof *o)) == NULL)
		return -1;
	for (n = seq->head; n != NULL; n = n->next, i++) {
		if (n->type != PSW_NODE_MAP)
			return bad(d, n, "%san option must be a map {value, "
			    "label}", what);
		if (only_keys(d, n, keys, what) < 0)
			return -1;
		if ((v = psw_map_get(n, "value")) == NULL)
			return bad(d, n, "%san option's 'value' is missing",
			    what);
		if (n_int(d, v, "an option's value", 0, MAX_VALUE,
		    &o[i].value) < 0)
			return -1;
		if ((o[i].label = d_str(d, n, "label", 1)) == NULL)
			return -1;
		for (j = 0; j < i; j++)
			if (o[j].value == o[i].value)
				return bad(d, v, "%svalue %d is given twice",
				    what, o[i].value);
	}
	*out = o;
	*count = i;
	return 0;
}

/* Allowed values from options, ascending. */
static int
values_of(struct def *d, const struct psw_option *o, size_t n, int **out)
{
	size_t i;

	if ((*out = d_alloc(d, n, sizeof **out)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		(*out)[i] = o[i].value;
	qsort(*out, n, sizeof **out, int_cmp);
	return 0;
}

static int
read_items(struct def *d, const struct psw_node *root,
    struct psw_instrument *in)
{
	static const char *const keys[] = {
		"text", "label", "id", "options", "values", "need-domain", NULL
	};
	const struct psw_node *seq, *n, *v;
	struct psw_item *items;
	char what[64];
	size_t i = 0, j, cnt;
	int *vals;

	if ((seq = d_seq(d, root, "items", 1)) == NULL)
		return -1;
	if (seq->count > PSW_INSTR_MAX_ITEMS)
		return bad(d, seq, "at most %d items", PSW_INSTR_MAX_ITEMS);
	if ((items = d_alloc(d, seq->count, sizeof *items)) == NULL)
		return -1;
	for (n = seq->head; n != NULL; n = n->next, i++) {
		struct psw_item *it = &items[i];

		snprintf(what, sizeof what, "item %zu: ", i + 1);
		it->options = in->options;
		it->noptions = in->noptions;
		if (n->type == PSW_NODE_SCALAR) {
			if (n->len == 0)
				return bad(d, n, "%sthe text is empty", what);
			it->text = n->str;
		} else if (n->type == PSW_NODE_MAP) {
			if (only_keys(d, n, keys, what) < 0)
				return -1;
			it->text = d_str(d, n, "text", 0);
			if (it->text == NULL && d->failed)
				return -1;
			if (it->text == NULL) {
				it->text = d_str(d, n, "label", 0);
				it->is_label = 1;
			} else if (psw_map_get(n, "label") != NULL)
				return bad(d, psw_map_get(n, "label"),
				    "%sgive 'text' or 'label', not both", what);
			if (it->text == NULL)
				return bad(d, n, "%s'text' (or 'label') is "
				    "missing", what);
			it->id = d_str(d, n, "id", 0);
			it->need_domain = d_str(d, n, "need-domain", 0);
			if (it->need_domain != NULL &&
			    !psw_in_list(psw_goal_domains, it->need_domain))
				return bad(d, psw_map_get(n, "need-domain"),
				    "%s'need-domain' must be a needs domain of "
				    "psw-plan(5), not '%s'", what,
				    it->need_domain);
			if ((v = psw_map_get(n, "options")) != NULL) {
				struct psw_option *o;

				if (read_options(d, v, what, &o, &cnt) < 0)
					return -1;
				it->options = o;
				it->noptions = cnt;
			}
			if ((v = psw_map_get(n, "values")) != NULL) {
				if (int_list(d, v, "'values'", 0, MAX_VALUE,
				    &vals, &cnt) < 0)
					return -1;
				if (cnt == 0)
					return bad(d, v, "%s'values' is empty",
					    what);
				qsort(vals, cnt, sizeof *vals, int_cmp);
				it->allowed = vals;
				it->nallowed = cnt;
			}
		} else {
			return bad(d, n, "%san item must be its text or a map "
			    "with 'text' or 'label'", what);
		}
		if (it->allowed == NULL) {
			if (it->noptions == 0)
				return bad(d, n, "%sno allowed values (give "
				    "'options' or 'values', or the "
				    "instrument's 'options')", what);
			if (values_of(d, it->options, it->noptions, &vals) < 0)
				return -1;
			it->allowed = vals;
			it->nallowed = it->noptions;
		}
		for (j = 1; j < it->nallowed; j++)
			if (it->allowed[j] == it->allowed[j - 1])
				return bad(d, n, "%svalue %d is allowed twice",
				    what, it->allowed[j]);
		for (j = 0; it->id != NULL && j < i; j++)
			if (items[j].id != NULL &&
			    strcmp(items[j].id, it->id) == 0)
				return bad(d, psw_map_get(n, "id"), "%sid '%s' "
				    "is used twice", what, it->id);
	}
	in->items = items;
	in->nitems = i;
	return 0;
}

/* bands: a list of {name, low, high}; high may be left out (no limit). */
static int
read_bands(struct def *d, const struct psw_node *seq, const char *what,
    struct psw_band **out, size_t *count)
{
	static const char *const keys[] = { "name", "low", "high", NULL };
	const struct psw_node *n, *v;
	struct psw_band *b;
	size_t i = 0, j;

	*out = NULL;
	*count = 0;
	if (seq->type != PSW_NODE_SEQ || seq->count == 0)
		return bad(d, seq, "%s'bands' must be a list of {name, low, "
		    "high}", what);
	if ((b = d_alloc(d, seq->count, sizeof *b)) == NULL)
		return -1;
	for (n = seq->head; n != NULL; n = n->next, i++) {
		if (n->type != PSW_NODE_MAP)
			return bad(d, n, "%sa band must be a map {name, low, "
			    "high}", what);
		if (only_keys(d, n, keys, what) < 0)
			return -1;
		if ((b[i].name = d_str(d, n, "name", 1)) == NULL)
			return -1;
		if ((v = psw_map_get(n, "low")) == NULL)
			return bad(d, n, "%sband '%s': 'low' is missing", what,
			    b[i].name);
		if (n_num(d, v, "'low'", &b[i].low) < 0)
			return -1;
		b[i].high = HUGE_VAL;
		if ((v = psw_map_get(n, "high")) != NULL &&
		    n_num(d, v, "'high'", &b[i].high) < 0)
			return -1;
		if (b[i].high < b[i].low)
			return bad(d, v, "%sband '%s': 'high' is below 'low'",
			    what, b[i].name);
		for (j = 0; j < i; j++)
			if (strcmp(b[j].name, b[i].name) == 0)
				return bad(d, n, "%sband '%s' is given twice",
				    what, b[i].name);
	}
	*out = b;
	*count = i;
	return 0;
}

/* Method, counted values, multiplier and bands of a scale from map m. */
static int
read_scale(struct def *d, const struct psw_node *m, struct psw_scale *sc,
    const char *what)
{
	const struct psw_node *v;
	struct psw_band *b;
	int *cv;
	size_t n;

	sc->multiplier = 1;
	if ((v = psw_map_get(m, "score")) != NULL) {
		if (v->type == PSW_NODE_SCALAR && strcmp(v->str, "sum") == 0)
			sc->method = PSW_SCORE_SUM;
		else if (v->type == PSW_NODE_SCALAR &&
		    strcmp(v->str, "count") == 0)
			sc->method = PSW_SCORE_COUNT;
		else
			return bad(d, v, "%s'score' must be sum or count",
			    what);
	}
	if ((v = psw_map_get(m, "count-values")) != NULL) {
		if (sc->method != PSW_SCORE_COUNT)
			return bad(d, v, "%s'count-values' needs 'score: count'",
			    what);
		if (int_list(d, v, "'count-values'", 0, MAX_VALUE, &cv,
		    &n) < 0)
			return -1;
		sc->count_values = cv;
		sc->ncount = n;
	}
	if (sc->method == PSW_SCORE_COUNT && sc->ncount == 0)
		return bad(d, m, "%s'score: count' needs 'count-values'", what);
	if ((v = psw_map_get(m, "multiplier")) != NULL) {
		if (n_num(d, v, "'multiplier'", &sc->multiplier) < 0)
			return -1;
		if (sc->multiplier <= 0)
			return bad(d, v, "%s'multiplier' must be above 0", what);
	}
	if ((v = psw_map_get(m, "bands")) != NULL) {
		if (read_bands(d, v, what, &b, &n) < 0)
			return -1;
		sc->bands = b;
		sc->nbands = n;
	}
	if ((v = psw_map_get(m, "list")) != NULL) {
		if (v->type == PSW_NODE_SCALAR && strcmp(v->str, "true") == 0)
			sc->list = 1;
		else if (v->type != PSW_NODE_SCALAR ||
		    strcmp(v->str, "false") != 0)
			return bad(d, v, "%s'list' must be true or false", what);
	}
	return 0;
}

/* Lowest and highest raw score a scale can give. */
static void
raw_range(const struct psw_instrument *in, const struct psw_scale *sc,
    long *lo, long *hi)
{
	size_t i;

	*lo = *hi = 0;
	if (sc->method == PSW_SCORE_COUNT) {
		*hi = (long)sc->nitems;
		return;
	}
	for (i = 0; i < sc->nitems; i++) {
		const struct psw_item *it = &in->items[sc->items[i]];

		*lo += it->allowed[0];
		*hi += it->allowed[it->nallowed - 1];
	}
}

/* The lookup entry for raw, or NULL. */
static const struct psw_lookup *
find_lookup(const struct psw_instrument *in, long raw)
{
	size_t lo = 0, hi = in->nlookup;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (in->lookup[mid].raw == raw)
			return &in->lookup[mid];
		if (in->lookup[mid].raw < raw)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* How many bands of sc hold total t; *first is the first. */
static size_t
bands_holding(const struct psw_scale *sc, double t, const char **first)
{
	size_t i, n = 0;

	*first = NULL;
	for (i = 0; i < sc->nbands; i++) {
		if (t >= sc->bands[i].low - EPS &&
		    t <= sc->bands[i].high + EPS) {
			if (n++ == 0)
				*first = sc->bands[i].name;
		}
	}
	return n;
}

/* Format a number as the shortest of %.0f .. %.6g. */
static const char *
fmt_num(double v, char *buf, size_t size)
{
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, size, "%.0f", v);
	else
		snprintf(buf, size, "%g", v);
	return buf;
}

/*
 * Every total the scale can report must lie in exactly one band; with a
 * lookup table (the whole instrument only) every raw score must be in it.
 */
static int
check_scale(struct def *d, const struct psw_instrument *in,
    const struct psw_scale *sc, const struct psw_node *at,
    const struct psw_node *lookup_at, double *minp, double *maxp)
{
	const char *first;
	double t, mn = HUGE_VAL, mx = -HUGE_VAL;
	char buf[32];
	long lo, hi, r;
	size_t k;

	raw_range(in, sc, &lo, &hi);
	if (hi - lo > MAX_CHECK_RANGE)
		return 0;
	for (r = lo; r <= hi; r++) {
		if (lookup_at != NULL && in->nlookup > 0) {
			const struct psw_lookup *l = find_lookup(in, r);

			if (l == NULL)
				return bad(d, lookup_at, "'lookup' has no "
				    "entry for raw score %ld (it must cover "
				    "%ld to %ld)", r, lo, hi);
			t = l->reported;
		} else {
			t = (double)r * sc->multiplier;
		}
		mn = t < mn ? t : mn;
		mx = t > mx ? t : mx;
		if (sc->nbands == 0)
			continue;
		k = bands_holding(sc, t, &first);
		if (k == 0)
			return bad(d, at, "%s%sscore %s is in no band", sc->id ?
			    sc->id : "", sc->id ? ": " : "",
			    fmt_num(t, buf, sizeof buf));
		if (k > 1)
			return bad(d, at, "%s%sscore %s is in more than one "
			    "band", sc->id ? sc->id : "", sc->id ? ": " : "",
			    fmt_num(t, buf, sizeof buf));
	}
	if (minp != NULL) {
		*minp = mn;
		*maxp = mx;
	}
	return 0;
}

static int
read_subscales(struct def *d, const struct psw_node *root,
    struct psw_instrument *in)
{
	static const char *const keys[] = {
		"id", "name", "items", "score", "count-values", "multiplier",
		"bands", "list", NULL
	};
	const struct psw_node *seq, *n, *v;
	struct psw_scale *subs;
	char what[96];
	size_t i = 0, j, cnt;
	int *items;

	if ((seq = d_seq(d, root, "subscales", 0)) == NULL)
		return d->failed ? -1 : 0;
	if (seq->count > PSW_INSTR_MAX_SUBSCALES)
		return bad(d, seq, "at most %d subscales",
		    PSW_INSTR_MAX_SUBSCALES);
	if ((subs = d_alloc(d, seq->count, sizeof *subs)) == NULL)
		return -1;
	for (n = seq->head; n != NULL; n = n->next, i++) {
		struct psw_scale *sc = &subs[i];

		if (n->type != PSW_NODE_MAP)
			return bad(d, n, "a subscale must be a map with 'id' "
			    "and 'items'");
		if (only_keys(d, n, keys, "subscale: ") < 0)
			return -1;
		if ((sc->id = d_str(d, n, "id", 1)) == NULL)
			return -1;
		snprintf(what, sizeof what, "subscale %s: ", sc->id);
		sc->name = d_str(d, n, "name", 0);
		if ((v = psw_map_get(n, "items")) == NULL)
			return bad(d, n, "%s'items' is missing", what);
		if (item_list(d, v, in->nitems, "'items'", &items, &cnt) < 0)
			return -1;
		if (cnt == 0)
			return bad(d, v, "%s'items' is empty", what);
		sc->items = items;
		sc->nitems = cnt;
		if (read_scale(d, n, sc, what) < 0)
			return -1;
		if (sc->list && sc->method != PSW_SCORE_COUNT)
			return bad(d, psw_map_get(n, "list"), "%s'list' needs "
			    "'score: count'", what);
		for (j = 0; j < i; j++)
			if (strcmp(subs[j].id, sc->id) == 0)
				return bad(d, n, "subscale '%s' is given twice",
				    sc->id);
		if (check_scale(d, in, sc, n, NULL, NULL, NULL) < 0)
			return -1;
	}
	in->subscales = subs;
	in->nsubscales = i;
	return 0;
}

static int
lookup_cmp(const void *a, const void *b)
{
	const struct psw_lookup *x = a, *y = b;

	return x->raw < y->raw ? -1 : x->raw > y->raw;
}

static int
read_lookup(struct def *d, const struct psw_node *root,
    struct psw_instrument *in)
{
	const struct psw_node *m = psw_map_get(root, "lookup"), *n;
	struct psw_lookup *l;
	struct psw_node keyn;
	size_t i = 0;

	if (m == NULL)
		return 0;
	if (m->type != PSW_NODE_MAP || m->count == 0)
		return bad(d, m, "'lookup' must be a map of raw score: "
		    "reported score");
	if ((l = d_alloc(d, m->count, sizeof *l)) == NULL)
		return -1;
	for (n = m->head; n != NULL; n = n->next, i++) {
		memset(&keyn, 0, sizeof keyn);
		keyn.type = PSW_NODE_SCALAR;
		keyn.str = n->key;
		keyn.len = strlen(n->key);
		keyn.line = n->key_line;
		keyn.col = n->key_col;
		if (n_int(d, &keyn, "a lookup key (raw score)", 0, 1000000,
		    &l[i].raw) < 0)
			return -1;
		if (n_num(d, n, "a reported score", &l[i].reported) < 0)
			return -1;
	}
	qsort(l, i, sizeof *l, lookup_cmp);
	in->lookup = l;
	in->nlookup = i;
	return 0;
}

/* need-levels: a map of answer value: none | met | unmet. */
static int
read_need_levels(struct def *d, const struct psw_node *root,
    struct psw_instrument *in)
{
	const struct psw_node *m = psw_map_get(root, "need-levels"), *n;
	struct psw_option *o;
	struct psw_node keyn;
	size_t i = 0;

	if (m == NULL)
		return 0;
	if (m->type != PSW_NODE_MAP || m->count == 0)
		return bad(d, m, "'need-levels' must be a map of answer: none, "
		    "met or unmet");
	if ((o = d_alloc(d, m->count, sizeof *o)) == NULL)
		return -1;
	for (n = m->head; n != NULL; n = n->next, i++) {
		memset(&keyn, 0, sizeof keyn);
		keyn.type = PSW_NODE_SCALAR;
		keyn.str = n->key;
		keyn.len = strlen(n->key);
		keyn.line = n->key_line;
		keyn.col = n->key_col;
		if (n_int(d, &keyn, "a need-levels key (an answer)", 0,
		    MAX_VALUE, &o[i].value) < 0)
			return -1;
		if (n->type != PSW_NODE_SCALAR ||
		    !psw_in_list(psw_need_levels, n->str))
			return bad(d, n, "need-levels: must be none, met or "
			    "unmet");
		o[i].label = n->str;
	}
	for (i = 0; i < in->nitems; i++)
		if (in->items[i].need_domain != NULL)
			break;
	if (i == in->nitems)
		return bad(d, m, "'need-levels' needs items with "
		    "'need-domain'");
	in->need_levels = o;
	in->nneed_levels = m->count;
	return 0;
}

static int
read_flags(struct def *d, const struct psw_node *root,
    struct psw_instrument *in)
{
	static const char *const keys[] = {
		"name", "level", "message", "items", "unless", "min", "max",
		"count", "total-min", "total-max", NULL
	};
	const struct psw_node *seq, *n, *v;
	struct psw_flag_rule *rules;
	const char *names[PSW_INSTR_MAX_FLAGS];
	size_t i = 0, j, nnames = 0, cnt;
	char what[96];
	int *items;

	if ((seq = d_seq(d, root, "flags", 0)) == NULL)
		return d->failed ? -1 : 0;
	if ((rules = d_alloc(d, seq->count, sizeof *rules)) == NULL)
		return -1;
	for (n = seq->head; n != NULL; n = n->next, i++) {
		struct psw_flag_rule *fr = &rules[i];
		const char *lv;

		snprintf(what, sizeof what, "flag rule %zu: ", i + 1);
		if (n->type != PSW_NODE_MAP)
			return bad(d, n, "%smust be a map with 'name', 'level' "
			    "and 'items' or 'total-min'", what);
		if (only_keys(d, n, keys, what) < 0)
			return -1;
		if ((fr->name = d_str(d, n, "name", 1)) == NULL)
			return -1;
		if ((lv = d_str(d, n, "level", 1)) == NULL)
			return -1;
		for (fr->level = PSW_LEVEL_LOW; fr->level <= PSW_LEVEL_HIGH;
		    fr->level++)
			if (strcmp(lv, level_names[fr->level]) == 0)
				break;
		if (fr->level > PSW_LEVEL_HIGH)
			return bad(d, psw_map_get(n, "level"), "%s'level' must "
			    "be low, moderate or high, not '%s'", what, lv);
		fr->message = d_str(d, n, "message", 0);
		fr->min = 1;
		fr->max = INT_MAX;
		fr->count = 1;
		if ((v = psw_map_get(n, "items")) != NULL) {
			if (item_list(d, v, in->nitems, "'items'", &items,
			    &cnt) < 0)
				return -1;
			fr->items = items;
			fr->nitems = cnt;
		}
		if ((v = psw_map_get(n, "unless")) != NULL) {
			if (item_list(d, v, in->nitems, "'unless'", &items,
			    &cnt) < 0)
				return -1;
			fr->unless = items;
			fr->nunless = cnt;
		}
		if ((v = psw_map_get(n, "min")) != NULL &&
		    n_int(d, v, "'min'", 0, MAX_VALUE, &fr->min) < 0)
			return -1;
		if ((v = psw_map_get(n, "max")) != NULL &&
		    n_int(d, v, "'max'", 0, MAX_VALUE, &fr->max) < 0)
			return -1;
		if ((v = psw_map_get(n, "count")) != NULL &&
		    n_int(d, v, "'count'", 1, (long)(fr->nitems ? fr->nitems :
		    1), &fr->count) < 0)
			return -1;
		if ((v = psw_map_get(n, "total-min")) != NULL) {
			if (n_num(d, v, "'total-min'", &fr->total_min) < 0)
				return -1;
			fr->has_total_min = 1;
		}
		if ((v = psw_map_get(n, "total-max")) != NULL) {
			if (n_num(d, v, "'total-max'", &fr->total_max) < 0)
				return -1;
			fr->has_total_max = 1;
		}
		if (fr->nitems == 0 && !fr->has_total_min &&
		    !fr->has_total_max)
			return bad(d, n, "%sgive 'items', 'total-min' or "
			    "'total-max'", what);
		for (j = 0; j < nnames; j++)
			if (strcmp(names[j], fr->name) == 0)
				break;
		if (j == nnames) {
			if (nnames == PSW_INSTR_MAX_FLAGS)
				return bad(d, n, "at most %d flag names",
				    PSW_INSTR_MAX_FLAGS);
			names[nnames++] = fr->name;
		}
	}
	in->flags = rules;
	in->nflags = i;
	return 0;
}

static int
valid_id(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || (i > 0 && s[i] == '-')) ||
		    i >= 32)
			return 0;
	return i > 0;
}

/* Read and check one definition from doc. */
static int
read_def(struct def *d, struct psw_instrument *in)
{
	static const char *const keys[] = {
		"psw-instrument", "id", "name", "version", "citation",
		"licence", "loinc", "url", "preamble", "description",
		"options", "items", "reverse", "score", "count-values",
		"multiplier", "lookup", "prorate", "bands", "band-from-flags",
		"caseness", "reliable-change", "higher-is", "subscales",
		"flags", "need-levels", NULL
	};
	static const char *const prorate_keys[] = { "max-missing", NULL };
	const struct psw_node *root = psw_doc_root(d->doc), *v;
	struct psw_option *opts;
	int *rev, *all, fmt;
	size_t i, n;
	const char *s;

	if (root == NULL)
		return bad(d, NULL, "the file is empty");
	if (root->type != PSW_NODE_MAP)
		return bad(d, root, "an instrument must be a map of 'key: "
		    "value' entries");
	if ((v = psw_map_get(root, "psw-instrument")) == NULL)
		return bad(d, root, "'psw-instrument' (the format version, 1) "
		    "is missing");
	if (n_int(d, v, "'psw-instrument'", 1, 1000000, &fmt) < 0)
		return -1;
	if (fmt != 1)
		return bad(d, v, "format version %d is newer than this psw "
		    "understands (1)", fmt);
	if (only_keys(d, root, keys, "") < 0)
		return -1;
	if ((in->id = d_str(d, root, "id", 1)) == NULL)
		return -1;
	if (!valid_id(in->id))
		return bad(d, psw_map_get(root, "id"), "'id' must be up to 32 "
		    "of a-z, 0-9 and -, starting with a letter or digit");
	if ((in->name = d_str(d, root, "name", 1)) == NULL ||
	    (in->citation = d_str(d, root, "citation", 1)) == NULL ||
	    (in->licence = d_str(d, root, "licence", 1)) == NULL)
		return -1;
	in->version = d_str(d, root, "version", 0);
	in->loinc = d_str(d, root, "loinc", 0);
	in->url = d_str(d, root, "url", 0);
	in->preamble = d_str(d, root, "preamble", 0);
	in->description = d_str(d, root, "description", 0);
	if (d->failed)
		return -1;
	if ((v = psw_map_get(root, "options")) != NULL) {
		if (read_options(d, v, "", &opts, &n) < 0)
			return -1;
		in->options = opts;
		in->noptions = n;
	}
	if (read_items(d, root, in) < 0)
		return -1;
	if ((v = psw_map_get(root, "reverse")) != NULL) {
		if (item_list(d, v, in->nitems, "'reverse'", &rev, &n) < 0)
			return -1;
		for (i = 0; i < n; i++)
			((struct psw_item *)in->items)[rev[i]].reverse = 1;
	}
	if ((all = d_alloc(d, in->nitems, sizeof *all)) == NULL)
		return -1;
	for (i = 0; i < in->nitems; i++)
		all[i] = (int)i;
	in->total.items = all;
	in->total.nitems = in->nitems;
	if (read_scale(d, root, &in->total, "") < 0)
		return -1;
	if (read_lookup(d, root, in) < 0)
		return -1;
	if (in->nlookup > 0 && psw_map_get(root, "multiplier") != NULL)
		return bad(d, psw_map_get(root, "multiplier"), "give "
		    "'multiplier' or 'lookup', not both");
	if ((v = psw_map_get(root, "prorate")) != NULL) {
		const struct psw_node *mm;

		if (v->type != PSW_NODE_MAP)
			return bad(d, v, "'prorate' must be a map "
			    "{max-missing: N}");
		if (only_keys(d, v, prorate_keys, "prorate: ") < 0)
			return -1;
		if ((mm = psw_map_get(v, "max-missing")) == NULL)
			return bad(d, v, "prorate: 'max-missing' is missing");
		if (n_int(d, mm, "'max-missing'", 0,
		    (long)(in->nitems > 1 ? in->nitems - 1 : 0),
		    &in->max_missing) < 0)
			return -1;
	}
	if ((s = d_str(d, root, "higher-is", 0)) != NULL) {
		if (strcmp(s, "better") == 0)
			in->higher_is_better = 1;
		else if (strcmp(s, "worse") != 0)
			return bad(d, psw_map_get(root, "higher-is"),
			    "'higher-is' must be worse or better, not '%s'", s);
	}
	if (d->failed)
		return -1;
	if ((v = psw_map_get(root, "caseness")) != NULL) {
		if (n_num(d, v, "'caseness'", &in->caseness) < 0)
			return -1;
		in->has_caseness = 1;
	}
	if ((v = psw_map_get(root, "reliable-change")) != NULL) {
		if (n_num(d, v, "'reliable-change'", &in->reliable_change) < 0)
			return -1;
		if (in->reliable_change <= 0)
			return bad(d, v, "'reliable-change' must be above 0");
		in->has_reliable_change = 1;
	}
	if (read_subscales(d, root, in) < 0 || read_flags(d, root, in) < 0 ||
	    read_need_levels(d, root, in) < 0)
		return -1;
	if ((v = psw_map_get(root, "band-from-flags")) != NULL) {
		if (v->type == PSW_NODE_SCALAR && strcmp(v->str, "true") == 0)
			in->band_from_flags = 1;
		else if (v->type != PSW_NODE_SCALAR ||
		    strcmp(v->str, "false") != 0)
			return bad(d, v, "'band-from-flags' must be true or "
			    "false");
		if (in->band_from_flags && in->total.nbands > 0)
			return bad(d, v, "give 'bands' or 'band-from-flags', "
			    "not both");
		if (in->band_from_flags && in->nflags == 0)
			return bad(d, v, "'band-from-flags' needs 'flags'");
	}
	if (in->total.list)
		return bad(d, psw_map_get(root, "list"), "'list' is for "
		    "subscales");
	return check_scale(d, in, &in->total, psw_map_get(root, "bands") ?
	    psw_map_get(root, "bands") : root, psw_map_get(root, "lookup"),
	    &in->min_total, &in->max_total);
}

/* --- Sets ------------------------------------------------------------ */

struct slot {
	struct psw_instrument *in;
	struct psw_doc *doc;
};

struct psw_instruments {
	struct slot *v;
	size_t n, cap;
	uint64_t hash;
	char digest[17];
};

static void
hash_add(struct psw_instruments *set, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		set->hash ^= s[i];
		set->hash *= 0x100000001b3ULL;
	}
	snprintf(set->digest, sizeof set->digest, "%016llx",
	    (unsigned long long)set->hash);
}

static struct psw_instruments *
set_new(void)
{
	struct psw_instruments *set = calloc(1, sizeof *set);

	if (set != NULL) {
		set->hash = 0xcbf29ce484222325ULL;
		hash_add(set, "", 0);
	}
	return set;
}

void
psw_instruments_free(struct psw_instruments *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		psw_doc_free(set->v[i].doc);
	free(set->v);
	free(set);
}

/*
 * Parse text and add it to set (replacing the same id).  want_id, when
 * not NULL, is the id the file name gives: the definition's must match.
 */
static int
set_add(struct psw_instruments *set, const char *text, size_t len,
    const char *name, const char *want_id, int builtin, struct psw_err *e)
{
	struct psw_instrument *in;
	struct psw_doc *doc;
	struct def d;
	size_t i;
	int rc;

	if ((rc = psw_doc_load_mem(text, len, name, &doc, e)) < 0)
		return rc;
	memset(&d, 0, sizeof d);
	d.doc = doc;
	d.name = psw_doc_name(doc);
	d.e = e;
	if ((in = d_alloc(&d, 1, sizeof *in)) == NULL ||
	    read_def(&d, in) < 0) {
		psw_doc_free(doc);
		return -(e->code ? e->code : PSW_EDATA);
	}
	if (want_id != NULL && strcmp(in->id, want_id) != 0) {
		bad(&d, psw_map_get(psw_doc_root(doc), "id"), "'id' is '%s' "
		    "but the file is named %s.yaml: name it %s.yaml", in->id,
		    want_id, in->id);
		psw_doc_free(doc);
		return -PSW_EDATA;
	}
	in->file = psw_doc_name(doc);
	in->builtin = builtin;
	hash_add(set, name, strlen(name) + 1);
	hash_add(set, text, len);
	for (i = 0; i < set->n; i++) {
		if (strcmp(set->v[i].in->id, in->id) == 0) {
			psw_doc_free(set->v[i].doc);
			set->v[i].in = in;
			set->v[i].doc = doc;
			return 0;
		}
	}
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 32;
		struct slot *nv = realloc(set->v, cap * sizeof *nv);

		if (nv == NULL) {
			psw_doc_free(doc);
			return psw_error(e, PSW_EIO, "out of memory");
		}
		set->v = nv;
		set->cap = cap;
	}
	set->v[set->n].in = in;
	set->v[set->n].doc = doc;
	set->n++;
	return 0;
}

static int
slot_cmp(const void *a, const void *b)
{
	return strcmp(((const struct slot *)a)->in->id,
	    ((const struct slot *)b)->in->id);
}

int
psw_instruments_parse(const char *text, size_t len, const char *name,
    struct psw_instruments **out, struct psw_err *e)
{
	struct psw_instruments *set;
	int rc;

	*out = NULL;
	psw_err_clear(e);
	if ((set = set_new()) == NULL)
		return psw_error(e, PSW_EIO, "out of memory");
	if ((rc = set_add(set, text, len, name, NULL, 0, e)) < 0) {
		psw_instruments_free(set);
		return rc;
	}
	*out = set;
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read a whole file (at most PSW_DOC_MAX_BYTES) into b. */
static int
read_file(const char *path, const char *name, struct psw_buf *b,
    struct psw_err *e)
{
	char chunk[8192];
	struct stat sb;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return psw_error_errno(e, errno == ELOOP ? PSW_EDATA : PSW_EIO,
		    errno, "cannot open '%s'%s", name, errno == ELOOP ?
		    " (symbolic links are refused)" : "");
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return psw_error(e, PSW_EDATA, "'%s' is not a regular file",
		    name);
	}
	while ((n = read(fd, chunk, sizeof chunk)) > 0) {
		if (psw_buf_add(b, chunk, (size_t)n) < 0) {
			close(fd);
			return psw_error(e, PSW_EIO, "out of memory");
		}
		if (b->len > PSW_DOC_MAX_BYTES) {
			close(fd);
			return psw_error(e, PSW_EDATA, "%s: larger than %d "
			    "bytes", name, PSW_DOC_MAX_BYTES);
		}
	}
	close(fd);
	if (n < 0)
		return psw_error_errno(e, PSW_EIO, errno, "cannot read '%s'",
		    name);
	return 0;
}

/* Add the folder's instruments/NAME.yaml, in name order. */
static int
load_folder(struct psw_instruments *set, const char *home, struct psw_err *e)
{
	struct psw_buf path = PSW_BUF_INIT, text = PSW_BUF_INIT;
	char **names = NULL, name[600];
	size_t n = 0, cap = 0, i, len;
	struct dirent *de;
	DIR *dir;
	int rc = 0;

	psw_buf_addf(&path, "%s/instruments", home);
	if (path.oom)
		return psw_error(e, PSW_EIO, "out of memory");
	if ((dir = opendir(path.s)) == NULL) {
		rc = errno == ENOENT || errno == ENOTDIR ? 0 :
		    psw_error_errno(e, PSW_EIO, errno, "cannot read '%s'",
		    path.s);
		psw_buf_release(&path);
		return rc;
	}
	while ((de = readdir(dir)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 5 || de->d_name[0] == '.' ||
		    strcmp(de->d_name + len - 5, ".yaml") != 0)
			continue;
		if (n == cap) {
			char **nv = realloc(names, (cap = cap ? cap * 2 : 16) *
			    sizeof *names);

			if (nv == NULL)
				break;
			names = nv;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			break;
		n++;
	}
	closedir(dir);
	if (n > 1)
		qsort(names, n, sizeof *names, name_cmp);
	for (i = 0; i < n; i++) {
		if (rc == 0) {
			size_t plen = path.len;

			snprintf(name, sizeof name, "instruments/%s", names[i]);
			psw_buf_addf(&path, "/%s", names[i]);
			psw_buf_reset(&text);
			rc = path.oom ? psw_error(e, PSW_EIO, "out of memory") :
			    read_file(path.s, name, &text, e);
			names[i][strlen(names[i]) - 5] = '\0';
			if (rc == 0)
				rc = set_add(set, text.s ? text.s : "",
				    text.len, name, names[i], 0, e);
			path.len = plen;
			path.s[plen] = '\0';
		}
		free(names[i]);
	}
	free(names);
	psw_buf_release(&path);
	psw_buf_release(&text);
	return rc;
}

int
psw_instruments_load(const char *home, struct psw_instruments **out,
    struct psw_err *e)
{
	struct psw_instruments *set;
	size_t i;
	int rc = 0;

	*out = NULL;
	psw_err_clear(e);
	if ((set = set_new()) == NULL)
		return psw_error(e, PSW_EIO, "out of memory");
	for (i = 0; rc == 0 && i < psw_builtin_instruments_count; i++)
		rc = set_add(set, psw_builtin_instruments[i].text,
		    psw_builtin_instruments[i].len,
		    psw_builtin_instruments[i].name, NULL, 1, e);
	if (rc == 0 && home != NULL)
		rc = load_folder(set, home, e);
	if (rc < 0) {
		psw_instruments_free(set);
		return rc;
	}
	if (set->n > 1)
		qsort(set->v, set->n, sizeof *set->v, slot_cmp);
	*out = set;
	return 0;
}

const struct psw_instrument *
psw_instruments_find(const struct psw_instruments *set, const char *id)
{
	size_t i;

	if (set == NULL || id == NULL)
		return NULL;
	for (i = 0; i < set->n; i++)
		if (strcmp(set->v[i].in->id, id) == 0)
			return set->v[i].in;
	return NULL;
}

size_t
psw_instruments_count(const struct psw_instruments *set)
{
	return set != NULL ? set->n : 0;
}

const struct psw_instrument *
psw_instruments_at(const struct psw_instruments *set, size_t i)
{
	return set != NULL && i < set->n ? set->v[i].in : NULL;
}

const char *
psw_instruments_digest(const struct psw_instruments *set)
{
	return set->digest;
}

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

int
psw_instruments_builtin_digest(const char *home, char digest[17])
{
	struct psw_buf path = PSW_BUF_INIT;
	struct dirent *de;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i, len;
	DIR *dir;
	int own = 0;

	if (home != NULL) {
		psw_buf_addf(&path, "%s/instruments", home);
		if (path.oom)
			return 0;
		dir = opendir(path.s);
		psw_buf_release(&path);
		if (dir == NULL && errno != ENOENT && errno != ENOTDIR)
			return 0;
		/* The names load_folder() would read. */
		while (dir != NULL && !own && (de = readdir(dir)) != NULL) {
			len = strlen(de->d_name);
			own = len > 5 && de->d_name[0] != '.' &&
			    strcmp(de->d_name + len - 5, ".yaml") == 0;
		}
		if (dir != NULL)
			closedir(dir);
		if (own)
			return 0;
	}
	/* As set_add() hashes them, in the same order. */
	for (i = 0; i < psw_builtin_instruments_count; i++) {
		h = fnv(h, psw_builtin_instruments[i].name,
		    strlen(psw_builtin_instruments[i].name) + 1);
		h = fnv(h, psw_builtin_instruments[i].text,
		    psw_builtin_instruments[i].len);
	}
	snprintf(digest, 17, "%016llx", (unsigned long long)h);
	return 1;
}

/* --- Scoring --------------------------------------------------------- */

static int
allowed(const struct psw_item *it, int v)
{
	size_t i;

	for (i = 0; i < it->nallowed; i++)
		if (it->allowed[i] == v)
			return 1;
	return 0;
}

/* "0, 1, 2 or 3" into buf. */
static const char *
allowed_list(const struct psw_item *it, char *buf, size_t size)
{
	size_t i, len = 0;
	int w;

	buf[0] = '\0';
	for (i = 0; i < it->nallowed && len < size; i++) {
		w = snprintf(buf + len, size - len, "%s%d", i == 0 ? "" :
		    i + 1 == it->nallowed ? " or " : ", ", it->allowed[i]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
	return buf;
}

/* An item's scored value: reversed when the item is reverse-scored. */
static int
item_value(const struct psw_item *it, int a)
{
	if (it->reverse)
		return it->allowed[0] + it->allowed[it->nallowed - 1] - a;
	return a;
}

static int
counted(const struct psw_scale *sc, int a)
{
	size_t i;

	for (i = 0; i < sc->ncount; i++)
		if (sc->count_values[i] == a)
			return 1;
	return 0;
}

/*
 * The raw score of a scale; -1 when more answers are missing than
 * max_missing allows.  *prorated is set when missing answers were
 * prorated.
 */
static long
scale_raw(const struct psw_instrument *in, const struct psw_scale *sc,
    const int *answers, int *missing)
{
	long sum = 0, k = 0;
	size_t i;

	*missing = 0;
	for (i = 0; i < sc->nitems; i++) {
		const struct psw_item *it = &in->items[sc->items[i]];
		int a = answers[sc->items[i]];

		if (a == PSW_ANSWER_MISSING) {
			(*missing)++;
			continue;
		}
		k++;
		if (sc->method == PSW_SCORE_COUNT)
			sum += counted(sc, a);
		else
			sum += item_value(it, a);
	}
	if (*missing > in->max_missing)
		return -1;
	if (*missing == 0 || sc->method == PSW_SCORE_COUNT)
		return sum;
	/* The mean of the answered items times the number of items,
	 * rounded half up (sum and k are not negative). */
	return (2 * sum * (long)sc->nitems + k) / (2 * k);
}

const char *
psw_scale_band(const struct psw_scale *sc, double total)
{
	const char *first;

	return bands_holding(sc, total, &first) >= 1 ? first : NULL;
}

int
psw_instrument_caseness(const struct psw_instrument *in, double total)
{
	if (!in->has_caseness)
		return -1;
	if (in->higher_is_better)
		return total <= in->caseness + EPS;
	return total >= in->caseness - EPS;
}

/* Does the rule hold for these answers and total? */
static int
rule_holds(const struct psw_flag_rule *fr, const int *answers, double total,
    int scored)
{
	size_t i, hits = 0;
	int a;

	if ((fr->has_total_min || fr->has_total_max) && !scored)
		return 0;
	if (fr->has_total_min && total < fr->total_min - EPS)
		return 0;
	if (fr->has_total_max && total > fr->total_max + EPS)
		return 0;
	for (i = 0; i < fr->nitems; i++) {
		a = answers[fr->items[i]];
		if (a != PSW_ANSWER_MISSING && a >= fr->min && a <= fr->max)
			hits++;
	}
	if (fr->nitems > 0 && hits < (size_t)fr->count)
		return 0;
	for (i = 0; i < fr->nunless; i++) {
		a = answers[fr->unless[i]];
		if (a != PSW_ANSWER_MISSING && a >= fr->min && a <= fr->max)
			return 0;
	}
	return 1;
}

static void
add_flag(struct psw_score *out, const struct psw_flag_rule *fr)
{
	size_t i;

	for (i = 0; i < out->nflags; i++) {
		if (strcmp(out->flags[i].name, fr->name) == 0) {
			if (fr->level > out->flags[i].level) {
				out->flags[i].level = fr->level;
				out->flags[i].message = fr->message;
			}
			return;
		}
	}
	if (out->nflags == PSW_INSTR_MAX_FLAGS)
		return;
	out->flags[out->nflags].name = fr->name;
	out->flags[out->nflags].level = fr->level;
	out->flags[out->nflags].message = fr->message;
	out->nflags++;
}

static int
unscorable(struct psw_score *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
unscorable(struct psw_score *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->error, sizeof out->error, fmt, ap);
	va_end(ap);
	out->ok = 0;
	return -PSW_EDATA;
}

int
psw_instrument_score(const struct psw_instrument *in, const int *answers,
    size_t n, struct psw_score *out)
{
	const struct psw_lookup *l;
	char buf[128];
	long raw;
	size_t i, j;
	int missing;

	memset(out, 0, sizeof *out);
	out->caseness = -1;
	if (n != in->nitems)
		return unscorable(out, "%s takes %zu answer%s, not %zu", in->id,
		    in->nitems, in->nitems == 1 ? "" : "s", n);
	for (i = 0; i < n; i++) {
		if (answers[i] == PSW_ANSWER_MISSING) {
			out->missing++;
			continue;
		}
		if (!allowed(&in->items[i], answers[i]))
			return unscorable(out, "answer %zu is %d; %s item %zu "
			    "allows %s", i + 1, answers[i], in->id, i + 1,
			    allowed_list(&in->items[i], buf, sizeof buf));
	}
	if ((raw = scale_raw(in, &in->total, answers, &missing)) < 0) {
		if (in->max_missing == 0)
			return unscorable(out, "%d answer%s missing; %s needs "
			    "every answer", missing, missing == 1 ? " is" :
			    "s are", in->id);
		return unscorable(out, "%d answers are missing; %s allows at "
		    "most %d", missing, in->id, in->max_missing);
	}
	out->prorated = missing > 0 && in->total.method == PSW_SCORE_SUM;
	out->raw = (double)raw;
	if (in->nlookup > 0) {
		if ((l = find_lookup(in, raw)) == NULL)
			return unscorable(out, "raw score %ld is not in %s's "
			    "lookup table", raw, in->id);
		out->total = l->reported;
	} else {
		out->total = (double)raw * in->total.multiplier;
	}
	out->ok = 1;
	out->band = psw_scale_band(&in->total, out->total);
	out->caseness = psw_instrument_caseness(in, out->total);
	for (i = 0; i < in->nflags; i++)
		if (rule_holds(&in->flags[i], answers, out->total, 1))
			add_flag(out, &in->flags[i]);
	for (i = 0; i < out->nflags; i++)
		if (out->flags[i].level > out->risk)
			out->risk = out->flags[i].level;
	if (in->band_from_flags)
		out->band = out->risk > 0 ? psw_level_name(out->risk) : "none";
	for (i = 0; i < in->nsubscales; i++) {
		const struct psw_scale *sc = &in->subscales[i];
		struct psw_score_sub *ss = &out->subs[out->nsubs++];

		ss->id = sc->id;
		if ((raw = scale_raw(in, sc, answers, &missing)) < 0)
			continue;
		ss->scored = 1;
		ss->score = (double)raw * sc->multiplier;
		ss->band = psw_scale_band(sc, ss->score);
		for (j = 0; sc->list && j < sc->nitems; j++) {
			int a = answers[sc->items[j]];
			const struct psw_item *it = &in->items[sc->items[j]];

			if (a != PSW_ANSWER_MISSING && counted(sc, a))
				ss->items[ss->nitems++] = it->id ? it->id :
				    it->text;
		}
	}
	return 0;
}

void
psw_instrument_change(const struct psw_instrument *in, double from,
    double to, struct psw_change *out)
{
	double better;

	out->diff = to - from;
	out->recovery = 0;
	if (!in->has_reliable_change) {
		out->kind = PSW_CHANGE_UNKNOWN;
		return;
	}
	better = in->higher_is_better ? out->diff : -out->diff;
	if (better >= in->reliable_change - EPS)
		out->kind = PSW_CHANGE_IMPROVED;
	else if (-better >= in->reliable_change - EPS)
		out->kind = PSW_CHANGE_DETERIORATED;
	else
		out->kind = PSW_CHANGE_NONE;
	out->recovery = out->kind == PSW_CHANGE_IMPROVED &&
	    psw_instrument_caseness(in, from) == 1 &&
	    psw_instrument_caseness(in, to) == 0;
}

const char *
psw_change_name(int kind)
{
	switch (kind) {
	case PSW_CHANGE_NONE:
		return "no reliable change";
	case PSW_CHANGE_IMPROVED:
		return "reliable improvement";
	case PSW_CHANGE_DETERIORATED:
		return "reliable deterioration";
	}
	return "";
}

/* --- Answer lists ---------------------------------------------------- */

int
psw_answers_parse(const char *s, int *out, size_t max, char *err,
    size_t errsize)
{
	size_t n = 0, len, k;
	const char *p = s, *end;
	char field[64];

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strcspn(p, ",");
		len = (size_t)(end - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' ||
		    p[len - 1] == '\r' || p[len - 1] == '\n'))
			len--;
		if (n == max) {
			snprintf(err, errsize, "more than %zu answers", max);
			return -1;
		}
		if (len >= sizeof field)
			len = sizeof field - 1;
		memcpy(field, p, len);
		field[len] = '\0';
		if (len == 0 || strcmp(field, "~") == 0 ||
		    strcmp(field, "-") == 0) {
			out[n++] = PSW_ANSWER_MISSING;
		} else {
			long v = 0;

			for (k = 0; k < len; k++) {
				if (field[k] < '0' || field[k] > '9' ||
				    k >= 4) {
					snprintf(err, errsize, "answer %zu is "
					    "not a number from 0 to %d: '%s'",
					    n + 1, MAX_VALUE, field);
					return -1;
				}
				v = v * 10 + (field[k] - '0');
			}
			if (v > MAX_VALUE) {
				snprintf(err, errsize, "answer %zu is not a "
				    "number from 0 to %d: '%s'", n + 1,
				    MAX_VALUE, field);
				return -1;
			}
			out[n++] = (int)v;
		}
		if (*end == '\0')
			break;
		p = end + 1;
	}
	if (n == 1 && out[0] == PSW_ANSWER_MISSING) {
		snprintf(err, errsize, "no answers");
		return -1;
	}
	return (int)n;
}
