/*
 * psw-assess - standard instruments, scoring, risk flags and reliable
 * change.
 *
 * This file: main, the instrument commands (instruments, describe,
 * instrument show, instrument validate), score, and the helpers the other
 * files share (assess.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assess.h"
#include "buf.h"
#include "cli.h"
#include "client.h"
#include "doc.h"
#include "instrument.h"
#include "output.h"

static const char usage_text[] =
"usage: psw-assess [options] command [arguments]\n"
"\n"
"commands:\n"
"  instruments                      the instruments, built-in and the\n"
"                                   case folder's\n"
"  describe ID                      items, options, scoring, bands, source\n"
"  instrument show ID               the same\n"
"  instrument validate FILE...      check instrument definitions\n"
"  score INSTRUMENT [--answers LIST]  score without a client (answer\n"
"                                   lists one a line on standard input\n"
"                                   without --answers)\n"
"  add CLIENT INSTRUMENT [--answers LIST] [--date D] [--by W] [--note T]\n"
"                                   record an assessment (administered\n"
"                                   item by item on a terminal without\n"
"                                   --answers)\n"
"  ask CLIENT INSTRUMENT [--date D] [--by W] [--note T]\n"
"                                   administer item by item (a terminal,\n"
"                                   or answers piped one a line)\n"
"  list [CLIENT] [--instrument I] [--since D] [--flagged] [--all]\n"
"                                   assessments of a client or the caseload\n"
"  history CLIENT [INSTRUMENT] [--all]  scores over time, change, trend\n"
"  show CLIENT ID                   one assessment, answer by answer\n"
"  change CLIENT INSTRUMENT         first against last: reliable change,\n"
"                                   caseness, recovery\n"
"  void CLIENT ID --reason TEXT [--date D]  mark one entered in error\n"
"\n"
"options:\n"
"  --home DIR       the case folder (PSW_HOME)\n"
"  --as-of DATE     what today is (PSW_TODAY)\n"
"  --format F       text, tsv, csv or json\n"
"  -q, --quiet      say nothing but errors and risk warnings\n"
"  -e, --exit-status  exit 1 when a listing is empty\n"
"  -h, --help       this text; psw-assess COMMAND --help for one command\n"
"  --version        the version\n"
"\n"
"exit status: 0 ok, 1 empty with -e, 2 usage, 3 bad data, 4 locked,\n"
"5 I/O error, 130 cancelled.  See psw-assess(1), psw-instrument(5).\n";

enum { OPT_ANSWERS = PSW_OPT_FIRST_LOCAL };

/* --- shared helpers --------------------------------------------------- */

int
assess_load_set(struct psw_cli *cli, int opened, struct psw_instruments **set)
{
	struct psw_err e;
	struct stat sb;
	char *home;
	int rc;

	*set = NULL;
	if (!opened) {
		/* No case folder yet: the built-in instruments alone. */
		if ((home = psw_store_locate(cli->home)) == NULL) {
			rc = psw_instruments_load(NULL, set, &e);
			goto out;
		}
		rc = stat(home, &sb);
		free(home);
		if (rc < 0 && errno == ENOENT) {
			rc = psw_instruments_load(NULL, set, &e);
			goto out;
		}
		if (psw_cli_open(cli, PSW_CLI_NOINDEX, &e) < 0)
			return psw_cli_fail(cli, &e);
	}
	rc = psw_instruments_load(cli->store.home, set, &e);
out:
	if (rc < 0)
		return psw_cli_fail(cli, &e);
	return -1;
}

const struct psw_instrument *
assess_find(struct psw_cli *cli, const struct psw_instruments *set,
    const char *id)
{
	const struct psw_instrument *in = psw_instruments_find(set, id);
	struct psw_err e;

	if (in == NULL) {
		psw_error(&e, PSW_EDATA, "unknown instrument '%s' (see "
		    "'psw-assess instruments')", id);
		psw_cli_error(cli, &e);
	}
	return in;
}

int
assess_read_client(struct psw_cli *cli, const char *id, struct psw_doc **doc,
    struct psw_client **c)
{
	struct psw_diags d = PSW_DIAGS_INIT;
	struct psw_err e;
	struct stat sb;
	char name[96], *path;
	int rc;

	*doc = NULL;
	psw_store_client_name(id, name, sizeof name);
	if ((path = psw_store_client_path(&cli->store, id)) == NULL) {
		psw_error(&e, PSW_EIO, "out of memory");
		return psw_cli_fail(cli, &e);
	}
	if (lstat(path, &sb) < 0 && errno == ENOENT) {
		free(path);
		psw_error(&e, PSW_EDATA, "no client '%s' (%s does not exist)",
		    id, name);
		return psw_cli_fail(cli, &e);
	}
	rc = psw_doc_load_file(path, name, doc, &e);
	free(path);
	if (rc < 0)
		return psw_cli_fail(cli, &e);
	rc = psw_client_read(*doc, id, c, &d);
	if (rc < 0) {
		if (rc == -PSW_EDATA && d.n > 0)
			psw_error_at(&e, PSW_EDATA, d.v[0].file ? d.v[0].file :
			    name, d.v[0].line, d.v[0].col, "%s", d.v[0].msg);
		else
			psw_error(&e, rc == -PSW_EDATA ? PSW_EDATA : PSW_EIO,
			    "cannot read %s", name);
		psw_diags_release(&d);
		psw_doc_free(*doc);
		*doc = NULL;
		return psw_cli_fail(cli, &e);
	}
	psw_diags_release(&d);
	return -1;
}

const char *
assess_num(double v, char *buf)
{
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, 32, "%.0f", v);
	else
		snprintf(buf, 32, "%.10g", v);
	return buf;
}

const char *
assess_flag_names(const struct psw_score *sc, char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < sc->nflags && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    i ? " " : "", sc->flags[i].name);
	return buf;
}

const char *
assess_subs_text(const struct psw_score *sc, char *buf, size_t size)
{
	char num[32];
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < sc->nsubs && len < size; i++) {
		const struct psw_score_sub *s = &sc->subs[i];

		len += (size_t)snprintf(buf + len, size - len, "%s%s %s%s%s",
		    i ? ", " : "", s->id, s->scored ? assess_num(s->score,
		    num) : "-", s->band ? " " : "", s->band ? s->band : "");
	}
	return buf;
}

void
assess_json_score(struct psw_json *j, const struct psw_instrument *in,
    const struct psw_score *sc)
{
	size_t i, k;

	psw_json_key(j, "raw");
	psw_json_num(j, sc->raw);
	psw_json_key(j, "total");
	psw_json_num(j, sc->total);
	psw_json_key(j, "band");
	psw_json_str(j, sc->band);
	psw_json_key(j, "flags");
	psw_json_arr(j);
	for (i = 0; i < sc->nflags; i++) {
		psw_json_obj(j);
		psw_json_key(j, "name");
		psw_json_str(j, sc->flags[i].name);
		psw_json_key(j, "level");
		psw_json_str(j, psw_level_name(sc->flags[i].level));
		psw_json_key(j, "message");
		psw_json_str(j, sc->flags[i].message);
		psw_json_obj_end(j);
	}
	psw_json_arr_end(j);
	if (in->nsubscales > 0) {
		psw_json_key(j, "subscales");
		psw_json_arr(j);
		for (i = 0; i < sc->nsubs; i++) {
			const struct psw_score_sub *s = &sc->subs[i];

			psw_json_obj(j);
			psw_json_key(j, "id");
			psw_json_str(j, s->id);
			psw_json_key(j, "score");
			if (s->scored)
				psw_json_num(j, s->score);
			else
				psw_json_null(j);
			psw_json_key(j, "band");
			psw_json_str(j, s->band);
			if (in->subscales[i].list) {
				psw_json_key(j, "items");
				psw_json_arr(j);
				for (k = 0; k < s->nitems; k++)
					psw_json_str(j, s->items[k]);
				psw_json_arr_end(j);
			}
			psw_json_obj_end(j);
		}
		psw_json_arr_end(j);
	}
	psw_json_key(j, "risk");
	psw_json_str(j, sc->risk ? psw_level_name(sc->risk) : NULL);
	psw_json_key(j, "caseness");
	if (sc->caseness < 0)
		psw_json_null(j);
	else
		psw_json_bool(j, sc->caseness);
	psw_json_key(j, "missing");
	psw_json_int(j, sc->missing);
	psw_json_key(j, "prorated");
	psw_json_bool(j, sc->prorated);
}

const char *
assess_option_label(const struct psw_item *it, int v)
{
	size_t i;

	for (i = 0; i < it->noptions; i++)
		if (it->options[i].value == v)
			return it->options[i].label;
	return NULL;
}

struct assess_point *
assess_points(const struct psw_client *c, const struct psw_instrument *in,
    size_t *n)
{
	struct assess_point *v, tmp;
	size_t i, k = 0, j;

	*n = 0;
	if (c->nassessments == 0 ||
	    (v = calloc(c->nassessments, sizeof *v)) == NULL)
		return NULL;
	for (i = 0; i < c->nassessments; i++) {
		const struct psw_assessment *a = &c->assessments[i];

		if (a->voided != PSW_DATE_NONE || a->instrument == NULL ||
		    strcmp(a->instrument, in->id) != 0 || a->answers == NULL ||
		    psw_instrument_score(in, a->answers, a->nanswers,
		    &v[k].sc) < 0)
			continue;
		v[k].a = a;
		/* Insertion sort by date, stable: file order within a day. */
		for (j = k; j > 0 && v[j - 1].a->date > a->date; j--) {
			tmp = v[j];
			v[j] = v[j - 1];
			v[j - 1] = tmp;
		}
		k++;
	}
	if (k == 0) {
		free(v);
		return NULL;
	}
	*n = k;
	return v;
}

/* --- instruments ------------------------------------------------------ */

static int
cmd_instruments(struct psw_cli *cli, int argc, char **argv)
{
	static const struct psw_column cols[] = {
		{ "id", PSW_COL_STR, 0 },
		{ "name", PSW_COL_STR, 0 },
		{ "items", PSW_COL_INT, PSW_COL_RIGHT },
		{ "min", PSW_COL_NUM, PSW_COL_RIGHT },
		{ "max", PSW_COL_NUM, PSW_COL_RIGHT },
		{ "higher_is", PSW_COL_STR, 0 },
		{ "source", PSW_COL_STR, 0 },
		{ "loinc", PSW_COL_STR, 0 },
	};
	struct psw_instruments *set;
	enum psw_format fmt;
	struct psw_table *t;
	struct psw_out out;
	struct psw_err e;
	char items[16], mn[32], mx[32];
	size_t i, n;
	int rc;

	rc = psw_cli_parse(cli, argc, argv, NULL, 0, NULL, NULL,
	    "usage: psw-assess instruments [--format F]\n");
	if (rc >= 0)
		return rc;
	if (optind < argc)
		return psw_cli_usage_error(cli, "instruments takes no "
		    "arguments ('%s')", argv[optind]);
	if (psw_cli_format(cli, PSW_FMT_LISTING, &fmt, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if ((rc = assess_load_set(cli, 0, &set)) >= 0)
		return rc;
	psw_out_init(&out, stdout, fmt);
	if ((t = psw_table_new(&out, cols, 8)) == NULL) {
		psw_instruments_free(set);
		psw_error(&e, PSW_EIO, "out of memory");
		return psw_cli_fail(cli, &e);
	}
	n = psw_instruments_count(set);
	for (i = 0; i < n; i++) {
		const struct psw_instrument *in = psw_instruments_at(set, i);
		const char *cells[8];

		snprintf(items, sizeof items, "%zu", in->nitems);
		cells[0] = in->id;
		cells[1] = in->name;
		cells[2] = items;
		cells[3] = assess_num(in->min_total, mn);
		cells[4] = assess_num(in->max_total, mx);
		cells[5] = in->higher_is_better ? "better" : "worse";
		cells[6] = in->builtin ? "built-in" : in->file;
		cells[7] = in->loinc;
		if (psw_table_row(t, cells) < 0)
			break;
	}
	psw_table_end(t);
	psw_instruments_free(set);
	return n == 0 && cli->exit_status ? PSW_EEMPTY : 0;
}

/* --- describe --------------------------------------------------------- */

/* "2, 3 and 7" (1-based; last is " and " or " or ") into buf. */
static const char *
item_list(const int *items, size_t n, const char *last, char *buf,
    size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%d",
		    i == 0 ? "" : i + 1 == n ? last : ", ", items[i] + 1);
	return buf;
}

static const char *
item_numbers(const int *items, size_t n, char *buf, size_t size)
{
	return item_list(items, n, " and ", buf, size);
}

static void
put_bands(const struct psw_scale *sc)
{
	char lo[32], hi[32];
	size_t i;

	for (i = 0; i < sc->nbands; i++) {
		printf("%s", i ? ", " : "");
		psw_put_text(stdout, sc->bands[i].name);
		if (isinf(sc->bands[i].high))
			printf(" %s+", assess_num(sc->bands[i].low, lo));
		else
			printf(" %s-%s", assess_num(sc->bands[i].low, lo),
			    assess_num(sc->bands[i].high, hi));
	}
	printf("\n");
}

static void
put_options(const struct psw_option *o, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		printf("%s%d ", i ? ", " : "", o[i].value);
		psw_put_text(stdout, o[i].label);
	}
	printf("\n");
}

/* "label: text" on one line, text escaped; nothing when text is NULL. */
static void
put_field(const char *label, const char *text)
{
	if (text == NULL)
		return;
	printf("%s: ", label);
	psw_put_text(stdout, text);
	printf("\n");
}

static void
put_flag_rule(const struct psw_flag_rule *fr)
{
	char buf[256];

	printf("  %s (%s): ", fr->name, psw_level_name(fr->level));
	if (fr->nitems > 0) {
		printf("%s%s %s ", fr->count > 1 ? "at least " : "",
		    fr->count > 1 ? "" : fr->nitems > 1 ? "any of items" :
		    "item", item_list(fr->items, fr->nitems, " or ", buf,
		    sizeof buf));
		if (fr->count > 1)
			printf("(%d of them) ", fr->count);
		if (fr->max == INT_MAX)
			printf("at %d or more", fr->min);
		else
			printf("from %d to %d", fr->min, fr->max);
	}
	if (fr->nunless > 0)
		printf(", unless item %s is too", item_list(fr->unless,
		    fr->nunless, " or ", buf, sizeof buf));
	if (fr->has_total_min)
		printf("%stotal %s or more", fr->nitems ? ", " : "",
		    assess_num(fr->total_min, buf));
	if (fr->has_total_max)
		printf("%stotal %s or less", fr->nitems || fr->has_total_min ?
		    ", " : "", assess_num(fr->total_max, buf));
	printf("\n");
}

static void
describe_text(const struct psw_instrument *in)
{
	char buf[512], a[32], b[32];
	size_t i, nrev = 0;
	int shared = 1, rev[PSW_INSTR_MAX_ITEMS];

	printf("%s: ", in->id);
	psw_put_text(stdout, in->name);
	if (in->version != NULL) {
		printf(" (version ");
		psw_put_text(stdout, in->version);
		printf(")");
	}
	printf("\n");
	put_field("source", in->builtin ? "built-in" : in->file);
	put_field("citation", in->citation);
	put_field("licence", in->licence);
	put_field("loinc", in->loinc);
	put_field("url", in->url);
	put_field("about", in->description);
	put_field("preamble", in->preamble);
	for (i = 0; i < in->nitems; i++) {
		if (in->items[i].options != in->options)
			shared = 0;
		if (in->items[i].reverse)
			rev[nrev++] = (int)i;
	}
	printf("\nitems (%zu%s):\n", in->nitems, in->nitems > 0 &&
	    in->items[0].is_label ? "; short labels: use the published "
	    "wording when administering" : "");
	for (i = 0; i < in->nitems; i++) {
		const struct psw_item *it = &in->items[i];
		size_t k;

		printf("%3zu. ", i + 1);
		psw_put_text(stdout, it->text);
		if (it->reverse)
			printf(" [reverse-scored]");
		printf("\n");
		if (!shared || in->noptions == 0) {
			printf("     ");
			if (it->noptions > 0) {
				put_options(it->options, it->noptions);
			} else {
				for (k = 0; k < it->nallowed; k++)
					printf("%s%d", k ? ", " : "values ",
					    it->allowed[k]);
				printf("\n");
			}
		}
	}
	if (shared && in->noptions > 0) {
		printf("options: ");
		put_options(in->options, in->noptions);
	}
	printf("\nscoring: ");
	if (in->total.method == PSW_SCORE_COUNT)
		printf("the number of items answered with one of the counted "
		    "values");
	else
		printf("the sum of the %zu items", in->nitems);
	if (nrev > 0)
		printf("; item%s %s reverse-scored", nrev > 1 ? "s" : "",
		    item_numbers(rev, nrev, buf, sizeof buf));
	if (in->nlookup > 0)
		printf("; reported through a lookup table of %zu raw scores",
		    in->nlookup);
	else if (in->total.multiplier != 1)
		printf("; times %s", assess_num(in->total.multiplier, a));
	printf("\nrange: %s to %s, higher is %s\n", assess_num(in->min_total,
	    a), assess_num(in->max_total, b), in->higher_is_better ? "better" :
	    "worse");
	if (in->max_missing > 0)
		printf("missing answers: up to %d, prorated (the mean of the "
		    "answered items times %zu, rounded)\n", in->max_missing,
		    in->nitems);
	else
		printf("missing answers: none allowed\n");
	if (in->total.nbands > 0) {
		printf("bands: ");
		put_bands(&in->total);
	} else if (in->band_from_flags) {
		printf("bands: the highest flag level (low, moderate, high), "
		    "or none\n");
	}
	if (in->has_caseness)
		printf("caseness: %s or %s\n", assess_num(in->caseness, a),
		    in->higher_is_better ? "less" : "more");
	if (in->has_reliable_change)
		printf("reliable change: %s\n", assess_num(in->reliable_change,
		    a));
	for (i = 0; i < in->nsubscales; i++) {
		const struct psw_scale *sc = &in->subscales[i];

		if (i == 0)
			printf("subscales:\n");
		printf("  %s: items %s", sc->id, item_numbers(sc->items,
		    sc->nitems, buf, sizeof buf));
		if (sc->method == PSW_SCORE_COUNT)
			printf(", counted");
		if (sc->multiplier != 1)
			printf(", times %s", assess_num(sc->multiplier, a));
		printf("\n");
		if (sc->nbands > 0) {
			printf("    bands: ");
			put_bands(sc);
		}
	}
	for (i = 0; i < in->nflags; i++) {
		if (i == 0)
			printf("flags:\n");
		put_flag_rule(&in->flags[i]);
	}
}

static void
json_bands(struct psw_json *j, const struct psw_scale *sc)
{
	size_t i;

	psw_json_key(j, "bands");
	psw_json_arr(j);
	for (i = 0; i < sc->nbands; i++) {
		psw_json_obj(j);
		psw_json_key(j, "name");
		psw_json_str(j, sc->bands[i].name);
		psw_json_key(j, "low");
		psw_json_num(j, sc->bands[i].low);
		psw_json_key(j, "high");
		psw_json_num(j, sc->bands[i].high);	/* inf: null */
		psw_json_obj_end(j);
	}
	psw_json_arr_end(j);
}

static void
json_ints(struct psw_json *j, const char *key, const int *v, size_t n,
    int plus)
{
	size_t i;

	psw_json_key(j, key);
	psw_json_arr(j);
	for (i = 0; i < n; i++)
		psw_json_int(j, v[i] + plus);
	psw_json_arr_end(j);
}

static void
describe_json(const struct psw_instrument *in)
{
	struct psw_json j;
	size_t i, k;

	psw_json_init(&j, stdout, 1);
	psw_json_obj(&j);
	psw_json_key(&j, "id");
	psw_json_str(&j, in->id);
	psw_json_key(&j, "name");
	psw_json_str(&j, in->name);
	psw_json_key(&j, "version");
	psw_json_str(&j, in->version);
	psw_json_key(&j, "source");
	psw_json_str(&j, in->builtin ? "built-in" : in->file);
	psw_json_key(&j, "citation");
	psw_json_str(&j, in->citation);
	psw_json_key(&j, "licence");
	psw_json_str(&j, in->licence);
	psw_json_key(&j, "loinc");
	psw_json_str(&j, in->loinc);
	psw_json_key(&j, "url");
	psw_json_str(&j, in->url);
	psw_json_key(&j, "items");
	psw_json_arr(&j);
	for (i = 0; i < in->nitems; i++) {
		const struct psw_item *it = &in->items[i];

		psw_json_obj(&j);
		psw_json_key(&j, "number");
		psw_json_int(&j, (long long)i + 1);
		psw_json_key(&j, "id");
		psw_json_str(&j, it->id);
		psw_json_key(&j, it->is_label ? "label" : "text");
		psw_json_str(&j, it->text);
		psw_json_key(&j, "options");
		psw_json_arr(&j);
		for (k = 0; k < it->noptions; k++) {
			psw_json_obj(&j);
			psw_json_key(&j, "value");
			psw_json_int(&j, it->options[k].value);
			psw_json_key(&j, "label");
			psw_json_str(&j, it->options[k].label);
			psw_json_obj_end(&j);
		}
		psw_json_arr_end(&j);
		json_ints(&j, "values", it->allowed, it->nallowed, 0);
		psw_json_key(&j, "reverse");
		psw_json_bool(&j, it->reverse);
		psw_json_key(&j, "need_domain");
		psw_json_str(&j, it->need_domain);
		psw_json_obj_end(&j);
	}
	psw_json_arr_end(&j);
	psw_json_key(&j, "score");
	psw_json_str(&j, in->total.method == PSW_SCORE_COUNT ? "count" :
	    "sum");
	psw_json_key(&j, "multiplier");
	psw_json_num(&j, in->total.multiplier);
	psw_json_key(&j, "lookup");
	psw_json_arr(&j);
	for (i = 0; i < in->nlookup; i++) {
		psw_json_obj(&j);
		psw_json_key(&j, "raw");
		psw_json_int(&j, in->lookup[i].raw);
		psw_json_key(&j, "reported");
		psw_json_num(&j, in->lookup[i].reported);
		psw_json_obj_end(&j);
	}
	psw_json_arr_end(&j);
	psw_json_key(&j, "min");
	psw_json_num(&j, in->min_total);
	psw_json_key(&j, "max");
	psw_json_num(&j, in->max_total);
	psw_json_key(&j, "higher_is");
	psw_json_str(&j, in->higher_is_better ? "better" : "worse");
	psw_json_key(&j, "max_missing");
	psw_json_int(&j, in->max_missing);
	json_bands(&j, &in->total);
	psw_json_key(&j, "band_from_flags");
	psw_json_bool(&j, in->band_from_flags);
	psw_json_key(&j, "caseness");
	if (in->has_caseness)
		psw_json_num(&j, in->caseness);
	else
		psw_json_null(&j);
	psw_json_key(&j, "reliable_change");
	if (in->has_reliable_change)
		psw_json_num(&j, in->reliable_change);
	else
		psw_json_null(&j);
	psw_json_key(&j, "subscales");
	psw_json_arr(&j);
	for (i = 0; i < in->nsubscales; i++) {
		const struct psw_scale *sc = &in->subscales[i];

		psw_json_obj(&j);
		psw_json_key(&j, "id");
		psw_json_str(&j, sc->id);
		psw_json_key(&j, "name");
		psw_json_str(&j, sc->name);
		json_ints(&j, "items", sc->items, sc->nitems, 1);
		psw_json_key(&j, "score");
		psw_json_str(&j, sc->method == PSW_SCORE_COUNT ? "count" :
		    "sum");
		psw_json_key(&j, "multiplier");
		psw_json_num(&j, sc->multiplier);
		json_bands(&j, sc);
		psw_json_obj_end(&j);
	}
	psw_json_arr_end(&j);
	psw_json_key(&j, "flags");
	psw_json_arr(&j);
	for (i = 0; i < in->nflags; i++) {
		const struct psw_flag_rule *fr = &in->flags[i];

		psw_json_obj(&j);
		psw_json_key(&j, "name");
		psw_json_str(&j, fr->name);
		psw_json_key(&j, "level");
		psw_json_str(&j, psw_level_name(fr->level));
		json_ints(&j, "items", fr->items, fr->nitems, 1);
		json_ints(&j, "unless", fr->unless, fr->nunless, 1);
		psw_json_key(&j, "min");
		psw_json_int(&j, fr->min);
		psw_json_key(&j, "max");
		if (fr->max == INT_MAX)
			psw_json_null(&j);
		else
			psw_json_int(&j, fr->max);
		psw_json_key(&j, "count");
		psw_json_int(&j, fr->count);
		psw_json_key(&j, "message");
		psw_json_str(&j, fr->message);
		psw_json_obj_end(&j);
	}
	psw_json_arr_end(&j);
	psw_json_obj_end(&j);
	psw_json_end(&j);
}

static int
cmd_describe(struct psw_cli *cli, int argc, char **argv)
{
	const struct psw_instrument *in;
	struct psw_instruments *set;
	enum psw_format fmt;
	struct psw_err e;
	char usage[128];
	int rc;

	snprintf(usage, sizeof usage, "usage: psw-assess %s ID "
	    "[--format text|json]\n", cli->cmd);
	rc = psw_cli_parse(cli, argc, argv, NULL, 0, NULL, NULL, usage);
	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return psw_cli_usage_error(cli, "%s needs one instrument id",
		    cli->cmd);
	if (psw_cli_format(cli, PSW_FMT_BIT(PSW_FMT_TEXT) |
	    PSW_FMT_BIT(PSW_FMT_JSON), &fmt, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if ((rc = assess_load_set(cli, 0, &set)) >= 0)
		return rc;
	if ((in = assess_find(cli, set, argv[optind])) == NULL) {
		psw_instruments_free(set);
		return PSW_EDATA;
	}
	if (fmt == PSW_FMT_JSON)
		describe_json(in);
	else
		describe_text(in);
	psw_instruments_free(set);
	return 0;
}

/* --- instrument validate ---------------------------------------------- */

/* Read a whole file into b; 0 or -code (e filled). */
static int
slurp(const char *path, struct psw_buf *b, struct psw_err *e)
{
	char chunk[8192];
	size_t n;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL)
		return psw_error_errno(e, errno == ENOENT ? PSW_EDATA : PSW_EIO,
		    errno, "cannot open '%s'", path);
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
		if (psw_buf_add(b, chunk, n) < 0) {
			fclose(fp);
			return psw_error(e, PSW_EIO, "out of memory");
		}
		if (b->len > PSW_DOC_MAX_BYTES) {
			fclose(fp);
			return psw_error(e, PSW_EDATA, "%s: larger than %d "
			    "bytes", path, PSW_DOC_MAX_BYTES);
		}
	}
	if (ferror(fp)) {
		fclose(fp);
		return psw_error_errno(e, PSW_EIO, errno, "cannot read '%s'",
		    path);
	}
	fclose(fp);
	return 0;
}

static int
instrument_validate(struct psw_cli *cli, int argc, char **argv)
{
	struct psw_instruments *one;
	struct psw_buf b = PSW_BUF_INIT;
	struct psw_err e;
	int i, worst = 0, rc;

	rc = psw_cli_parse(cli, argc, argv, NULL, 0, NULL, NULL,
	    "usage: psw-assess instrument validate FILE...\n");
	if (rc >= 0)
		return rc;
	if (optind >= argc)
		return psw_cli_usage_error(cli, "instrument validate needs a "
		    "file");
	for (i = optind; i < argc; i++) {
		const struct psw_instrument *in;

		psw_buf_reset(&b);
		psw_err_clear(&e);
		rc = slurp(argv[i], &b, &e);
		if (rc == 0)
			rc = psw_instruments_parse(b.s ? b.s : "", b.len,
			    argv[i], &one, &e);
		if (rc < 0) {
			psw_cli_error(cli, &e);
			if (-rc > worst)
				worst = -rc;
			continue;
		}
		in = psw_instruments_at(one, 0);
		if (!cli->quiet)
			fprintf(stderr, "%s: %s: valid: %s, %zu item%s\n",
			    cli->prog, argv[i], in->id, in->nitems,
			    in->nitems == 1 ? "" : "s");
		psw_instruments_free(one);
	}
	psw_buf_release(&b);
	return worst;
}

static int
cmd_instrument(struct psw_cli *cli, int argc, char **argv)
{
	static const char usage[] =
	    "usage: psw-assess instrument show ID [--format text|json]\n"
	    "       psw-assess instrument validate FILE...\n";

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0)) {
			fputs(usage, stdout);
			return 0;
		}
		fprintf(stderr, "%s: instrument needs a subcommand\n%s",
		    cli->prog, usage);
		return PSW_EUSAGE;
	}
	if (strcmp(argv[1], "show") == 0) {
		cli->cmd = "instrument show";
		return cmd_describe(cli, argc - 1, argv + 1);
	}
	if (strcmp(argv[1], "validate") == 0) {
		cli->cmd = "instrument validate";
		return instrument_validate(cli, argc - 1, argv + 1);
	}
	return psw_cli_usage_error(cli, "unknown subcommand 'instrument %s'",
	    argv[1]);
}

/* --- score ------------------------------------------------------------ */

static const struct psw_column score_cols[] = {
	{ "instrument", PSW_COL_STR, 0 },
	{ "raw", PSW_COL_NUM, PSW_COL_RIGHT },
	{ "total", PSW_COL_NUM, PSW_COL_RIGHT },
	{ "band", PSW_COL_STR, 0 },
	{ "flags", PSW_COL_STR, 0 },
	{ "risk", PSW_COL_STR, 0 },
	{ "caseness", PSW_COL_BOOL, 0 },
	{ "missing", PSW_COL_INT, PSW_COL_RIGHT },
	{ "subscales", PSW_COL_STR, 0 },
	{ "error", PSW_COL_STR, 0 },
};
#define NSCORE_COLS (sizeof score_cols / sizeof score_cols[0])

/*
 * Score one answer list and write the result: a table row, or one json
 * object on its own line.  0, or PSW_EDATA after reporting a bad list
 * (where names the line: "stdin:4", or NULL).
 */
static int
score_one(struct psw_cli *cli, const struct psw_instrument *in,
    const char *list, const char *where, enum psw_format fmt,
    struct psw_table *t)
{
	int a[PSW_INSTR_MAX_ITEMS + 1];
	char err[256], raw[32], total[32], flags[256], subs[512], miss[16];
	const char *cells[NSCORE_COLS];
	struct psw_score sc;
	struct psw_json j;
	int n, bad = 0;

	memset(&sc, 0, sizeof sc);
	if (list == NULL) {	/* the caller found a NUL byte */
		n = -1;
		snprintf(err, sizeof err, "a NUL byte in the line");
	} else {
		n = psw_answers_parse(list, a, PSW_INSTR_MAX_ITEMS + 1, err,
		    sizeof err);
	}
	if (n >= 0 && psw_instrument_score(in, a, (size_t)n, &sc) < 0)
		snprintf(err, sizeof err, "%s", sc.error);
	if (n < 0 || !sc.ok) {
		bad = 1;
		fprintf(stderr, "%s: %s%s%s\n", cli->prog, where ? where : "",
		    where ? ": " : "", err);
	}
	if (fmt == PSW_FMT_JSON) {
		psw_json_init(&j, stdout, 0);
		psw_json_obj(&j);
		psw_json_key(&j, "instrument");
		psw_json_str(&j, in->id);
		if (bad) {
			psw_json_key(&j, "error");
			psw_json_str(&j, err);
		} else {
			assess_json_score(&j, in, &sc);
		}
		psw_json_obj_end(&j);
		psw_json_end(&j);
		return bad ? PSW_EDATA : 0;
	}
	memset(cells, 0, sizeof cells);
	cells[0] = in->id;
	if (bad) {
		cells[9] = err;
	} else {
		cells[1] = assess_num(sc.raw, raw);
		cells[2] = assess_num(sc.total, total);
		cells[3] = sc.band;
		cells[4] = assess_flag_names(&sc, flags, sizeof flags);
		cells[5] = sc.risk ? psw_level_name(sc.risk) : NULL;
		cells[6] = sc.caseness < 0 ? NULL : sc.caseness ? "1" : "0";
		snprintf(miss, sizeof miss, "%d", sc.missing);
		cells[7] = miss;
		cells[8] = assess_subs_text(&sc, subs, sizeof subs);
	}
	psw_table_row(t, cells);
	return bad ? PSW_EDATA : 0;
}

static int
score_opt(void *arg, int c, const char *val)
{
	if (c == OPT_ANSWERS)
		*(const char **)arg = val;
	return -1;
}

static int
cmd_score(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "answers", required_argument, NULL, OPT_ANSWERS },
	};
	const struct psw_instrument *in;
	struct psw_instruments *set;
	struct psw_table *t = NULL;
	const char *answers = NULL;
	enum psw_format fmt;
	struct psw_out out;
	struct psw_err e;
	char *line = NULL, where[64];
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int rc, worst = 0;

	rc = psw_cli_parse(cli, argc, argv, local, 1, score_opt, &answers,
	    "usage: psw-assess score INSTRUMENT [--answers LIST] "
	    "[--format F]\n"
	    "without --answers: one answer list a line on standard input\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return psw_cli_usage_error(cli, "score needs one instrument "
		    "id");
	if (psw_cli_format(cli, PSW_FMT_LISTING, &fmt, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (answers == NULL && isatty(STDIN_FILENO))
		return psw_cli_usage_error(cli, "score needs --answers LIST, "
		    "or answer lists one a line on standard input (not a "
		    "terminal)");
	if ((rc = assess_load_set(cli, 0, &set)) >= 0)
		return rc;
	if ((in = assess_find(cli, set, argv[optind])) == NULL) {
		psw_instruments_free(set);
		return PSW_EDATA;
	}
	psw_out_init(&out, stdout, fmt);
	if (fmt != PSW_FMT_JSON &&
	    (t = psw_table_new(&out, score_cols, NSCORE_COLS)) == NULL) {
		psw_instruments_free(set);
		psw_error(&e, PSW_EIO, "out of memory");
		return psw_cli_fail(cli, &e);
	}
	if (answers != NULL) {
		worst = score_one(cli, in, answers, NULL, fmt, t);
	} else {
		/* One result a line, a bad line included (as an error), so
		 * the output lines up with the input. */
		while ((len = getline(&line, &cap, stdin)) >= 0) {
			lineno++;
			while (len > 0 && (line[len - 1] == '\n' ||
			    line[len - 1] == '\r'))
				line[--len] = '\0';
			snprintf(where, sizeof where, "stdin:%zu", lineno);
			if (score_one(cli, in, strlen(line) == (size_t)len ?
			    line : NULL, where, fmt, t) != 0)
				worst = PSW_EDATA;
		}
		free(line);
		if (ferror(stdin)) {
			psw_table_end(t);
			psw_instruments_free(set);
			psw_error_errno(&e, PSW_EIO, errno, "cannot read "
			    "standard input");
			return psw_cli_fail(cli, &e);
		}
	}
	if (t != NULL)
		psw_table_end(t);
	psw_instruments_free(set);
	if (worst == 0 && lineno == 0 && answers == NULL && cli->exit_status)
		return PSW_EEMPTY;
	return worst;
}

/* --- main ------------------------------------------------------------- */

static const struct psw_cli_command commands[] = {
	{ "add", assess_add },
	{ "ask", assess_ask },
	{ "change", assess_change },
	{ "describe", cmd_describe },
	{ "history", assess_history },
	{ "instrument", cmd_instrument },
	{ "instruments", cmd_instruments },
	{ "list", assess_list },
	{ "score", cmd_score },
	{ "show", assess_show },
	{ "void", assess_void },
};

int
main(int argc, char **argv)
{
	return psw_cli_main("psw-assess", argc, argv, usage_text, commands,
	    sizeof commands / sizeof commands[0]);
}
