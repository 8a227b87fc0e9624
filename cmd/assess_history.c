/*
 * assess_history.c - reading assessments back: list (the index: one
 * client or the caseload), history, show and change (one client's file,
 * scored again with the instruments in force).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "assess.h"
#include "cli.h"
#include "client.h"
#include "instrument.h"
#include "output.h"

enum {
	OPT_INSTRUMENT = PSW_OPT_FIRST_LOCAL, OPT_SINCE, OPT_FLAGGED, OPT_ALL
};

struct hist_opts {
	const char *instrument, *since;
	int flagged, all;
};

static int
hist_opt(void *arg, int c, const char *val)
{
	struct hist_opts *o = arg;

	switch (c) {
	case OPT_INSTRUMENT: o->instrument = val; break;
	case OPT_SINCE: o->since = val; break;
	case OPT_FLAGGED: o->flagged = 1; break;
	case OPT_ALL: o->all = 1; break;
	}
	return -1;
}

/* "improvement", "deterioration", "none", or NULL (no threshold). */
static const char *
kind_word(int kind)
{
	switch (kind) {
	case PSW_CHANGE_IMPROVED:
		return "improvement";
	case PSW_CHANGE_DETERIORATED:
		return "deterioration";
	case PSW_CHANGE_NONE:
		return "none";
	}
	return NULL;
}

/* A change for people: "-6 better", "+7 worse", "+2", "-8 better, recovery". */
static const char *
change_text(const struct psw_change *ch, char *buf, size_t size)
{
	char num[32];

	snprintf(buf, size, "%s%s%s%s", ch->diff > 0 ? "+" : "",
	    assess_num(ch->diff, num), ch->kind == PSW_CHANGE_IMPROVED ?
	    " better" : ch->kind == PSW_CHANGE_DETERIORATED ? " worse" : "",
	    ch->recovery ? ", recovery" : "");
	return buf;
}

/* --- list ------------------------------------------------------------- */

/* Does the synced index know client id?  -1 when it does, else exit. */
static int
known_client(struct psw_cli *cli, const char *id)
{
	struct psw_err e;
	sqlite3_stmt *s;
	int rc;

	rc = sqlite3_prepare_v2(psw_index_db(&cli->index),
	    "SELECT 1 FROM clients WHERE id = ?1", -1, &s, NULL);
	if (rc != SQLITE_OK) {
		psw_index_error(&cli->index, rc, "cannot read the index", &e);
		return psw_cli_fail(cli, &e);
	}
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return -1;
	if (rc != SQLITE_DONE) {
		psw_index_error(&cli->index, rc, "cannot read the index", &e);
		return psw_cli_fail(cli, &e);
	}
	/* Not indexed: no file, or a file with problems (say which). */
	{
		struct psw_client *c;
		struct psw_doc *doc;

		if ((rc = assess_read_client(cli, id, &doc, &c)) >= 0)
			return rc;
		psw_doc_free(doc);
	}
	psw_error(&e, PSW_EDATA, "client '%s' is not in the index", id);
	return psw_cli_fail(cli, &e);
}

int
assess_list(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "instrument", required_argument, NULL, OPT_INSTRUMENT },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "flagged", no_argument, NULL, OPT_FLAGGED },
		{ "all", no_argument, NULL, OPT_ALL },
	};
	static const struct psw_column cols[] = {
		{ "client", PSW_COL_STR, 0 },
		{ "id", PSW_COL_STR, 0 },
		{ "date", PSW_COL_DATE, 0 },
		{ "instrument", PSW_COL_STR, 0 },
		{ "total", PSW_COL_NUM, PSW_COL_RIGHT },
		{ "band", PSW_COL_STR, 0 },
		{ "flags", PSW_COL_STR, 0 },
		{ "risk", PSW_COL_STR, 0 },
		{ "voided", PSW_COL_DATE, 0 },
	};
	struct hist_opts o = { 0 };
	const char *client = NULL;
	char since[PSW_DATE_LEN];
	enum psw_format fmt;
	struct psw_err e;
	sqlite3_stmt *s;
	psw_date d;
	int rc;

	rc = psw_cli_parse(cli, argc, argv, local, 4, hist_opt, &o,
	    "usage: psw-assess list [CLIENT] [--instrument I] [--since DATE] "
	    "[--flagged] [--all]\n"
	    "                       [--format F]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind > 1)
		return psw_cli_usage_error(cli, "list takes at most one client "
		    "id");
	if (argc - optind == 1) {
		client = argv[optind];
		if (psw_id_check(client, &e) < 0)
			return psw_cli_usage_error(cli, "%s", e.msg);
	}
	if (psw_cli_format(cli, PSW_FMT_LISTING, &fmt, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_today(cli, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (o.since != NULL) {
		if (psw_date_parse(o.since, cli->today, &d, &e) < 0)
			return psw_cli_usage_error(cli, "--since: %s", e.msg);
		psw_date_format(d, since);
	}
	if (psw_cli_open(cli, 0, &e) < 0)
		return psw_cli_fail(cli, &e);
	if (client != NULL && (rc = known_client(cli, client)) >= 0)
		return rc;
	rc = sqlite3_prepare_v2(psw_index_db(&cli->index),
	    "SELECT client, id, date, instrument, total, band, flags, risk, "
	    "voided FROM assessments "
	    "WHERE (?1 IS NULL OR client = ?1) "
	    "AND (?2 IS NULL OR instrument = ?2) "
	    "AND (?3 IS NULL OR date >= ?3) "
	    "AND (?4 = 0 OR flags IS NOT NULL) "
	    "AND (?5 = 1 OR voided IS NULL) "
	    "ORDER BY client, date, length(id), id", -1, &s, NULL);
	if (rc != SQLITE_OK) {
		psw_index_error(&cli->index, rc, "cannot list", &e);
		return psw_cli_fail(cli, &e);
	}
	if (client != NULL)
		sqlite3_bind_text(s, 1, client, -1, SQLITE_STATIC);
	if (o.instrument != NULL)
		sqlite3_bind_text(s, 2, o.instrument, -1, SQLITE_STATIC);
	if (o.since != NULL)
		sqlite3_bind_text(s, 3, since, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, o.flagged);
	sqlite3_bind_int(s, 5, o.all);
	return psw_cli_query_table(cli, s, fmt, cols, 9, 9, NULL, "cannot list");
}

/* --- one client's file ------------------------------------------------ */

/*
 * Open the folder, read client id, load the instruments.  -1 when ready
 * (free *doc and *set), else the exit status.
 */
static int
open_client(struct psw_cli *cli, const char *id, struct psw_doc **doc,
    struct psw_client **c, struct psw_instruments **set)
{
	struct psw_err e;
	int rc;

	*doc = NULL;
	*set = NULL;
	if (psw_cli_open(cli, PSW_CLI_NOINDEX, &e) < 0)
		return psw_cli_fail(cli, &e);
	if ((rc = assess_load_set(cli, 1, set)) >= 0)
		return rc;
	if ((rc = assess_read_client(cli, id, doc, c)) >= 0) {
		psw_instruments_free(*set);
		*set = NULL;
		return rc;
	}
	return -1;
}

/* Eight levels of a block sparkline, UTF-8. */
static const char *const spark[] = {
	"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
};

static void
sparkline(const struct psw_instrument *in, const struct assess_point *p,
    size_t n)
{
	char a[32], b[32];
	double span = in->max_total - in->min_total;
	struct psw_change ch;
	size_t i;
	int k;

	printf("%s trend: ", in->id);
	for (i = 0; i < n; i++) {
		k = span > 0 ? (int)floor((p[i].sc.total - in->min_total) /
		    span * 7 + 0.5) : 0;
		k = k < 0 ? 0 : k > 7 ? 7 : k;
		fputs(spark[k], stdout);
	}
	printf("  %s", assess_num(p[0].sc.total, a));
	if (n > 1) {
		printf(" to %s", assess_num(p[n - 1].sc.total, b));
		psw_instrument_change(in, p[0].sc.total, p[n - 1].sc.total,
		    &ch);
		if (ch.kind != PSW_CHANGE_UNKNOWN)
			printf(", %s", psw_change_name(ch.kind));
		if (ch.recovery)
			printf(", recovery");
	}
	printf(" (%zu assessment%s; higher is %s)\n", n, n == 1 ? "" : "s",
	    in->higher_is_better ? "better" : "worse");
}

/* One row of a history: an assessment, scored when it could be. */
struct hrow {
	const struct psw_assessment *a;
	int scored;
	struct psw_score sc;
};

int
assess_history(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "instrument", required_argument, NULL, OPT_INSTRUMENT },
		{ "all", no_argument, NULL, OPT_ALL },
	};
	static const struct psw_column tcols[] = {
		{ "instrument", PSW_COL_STR, 0 },
		{ "id", PSW_COL_STR, 0 },
		{ "date", PSW_COL_DATE, 0 },
		{ "score", PSW_COL_NUM, PSW_COL_RIGHT },
		{ "band", PSW_COL_STR, 0 },
		{ "flags", PSW_COL_STR, 0 },
		{ "vs_previous", PSW_COL_STR, 0 },
		{ "vs_first", PSW_COL_STR, 0 },
		{ "voided", PSW_COL_DATE, 0 },
	};
	static const struct psw_column mcols[] = {
		{ "instrument", PSW_COL_STR, 0 },
		{ "id", PSW_COL_STR, 0 },
		{ "date", PSW_COL_DATE, 0 },
		{ "total", PSW_COL_NUM, 0 },
		{ "band", PSW_COL_STR, 0 },
		{ "flags", PSW_COL_STR, 0 },
		{ "change_previous", PSW_COL_NUM, 0 },
		{ "reliable_previous", PSW_COL_STR, 0 },
		{ "change_first", PSW_COL_NUM, 0 },
		{ "reliable_first", PSW_COL_STR, 0 },
		{ "recovery", PSW_COL_BOOL, 0 },
		{ "voided", PSW_COL_DATE, 0 },
	};
	struct hist_opts o = { 0 };
	struct psw_instruments *set;
	struct assess_point *pts;
	struct hrow *rowv = NULL;
	struct psw_client *c;
	struct psw_doc *doc;
	struct psw_table *t;
	struct psw_out out;
	struct psw_err e;
	enum psw_format fmt;
	const char *want = NULL;
	size_t ni, i, k, npts, rows = 0, nused = 0;
	const struct psw_instrument *used[64];
	int rc, text;

	rc = psw_cli_parse(cli, argc, argv, local, 2, hist_opt, &o,
	    "usage: psw-assess history CLIENT [INSTRUMENT] [--all] "
	    "[--format F]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind < 1 || argc - optind > 2)
		return psw_cli_usage_error(cli, "history needs a client id "
		    "(and an instrument)");
	if (psw_id_check(argv[optind], &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	want = argc - optind == 2 ? argv[optind + 1] : o.instrument;
	if (psw_cli_format(cli, PSW_FMT_LISTING, &fmt, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if ((rc = open_client(cli, argv[optind], &doc, &c, &set)) >= 0)
		return rc;
	if (want != NULL && assess_find(cli, set, want) == NULL) {
		rc = PSW_EDATA;
		goto out;
	}
	text = fmt == PSW_FMT_TEXT;
	psw_out_init(&out, stdout, fmt);
	if ((t = psw_table_new(&out, text ? tcols : mcols, text ? (o.all ? 9 :
	    8) : 12)) == NULL) {
		psw_error(&e, PSW_EIO, "out of memory");
		rc = psw_cli_fail(cli, &e);
		goto out;
	}
	/* Instruments in id order; each one's assessments by date. */
	if ((rowv = calloc(c->nassessments + 1, sizeof *rowv)) == NULL) {
		psw_table_end(t);
		psw_error(&e, PSW_EIO, "out of memory");
		rc = psw_cli_fail(cli, &e);
		goto out;
	}
	ni = psw_instruments_count(set);
	for (i = 0; i < ni; i++) {
		const struct psw_instrument *in = psw_instruments_at(set, i);
		const struct hrow *first = NULL, *prev = NULL;
		size_t nrow = 0, nscored = 0;

		if (want != NULL && strcmp(in->id, want) != 0)
			continue;
		for (k = 0; k < c->nassessments; k++) {
			const struct psw_assessment *a = &c->assessments[k];
			struct hrow *r = &rowv[nrow];
			size_t j;

			if (a->instrument == NULL ||
			    strcmp(a->instrument, in->id) != 0 ||
			    a->date == PSW_DATE_NONE ||
			    (a->voided != PSW_DATE_NONE && !o.all))
				continue;
			r->a = a;
			r->scored = a->voided == PSW_DATE_NONE &&
			    a->answers != NULL && psw_instrument_score(in,
			    a->answers, a->nanswers, &r->sc) == 0;
			if (a->voided == PSW_DATE_NONE && !r->scored)
				fprintf(stderr, "%s: %s: assessment %s (%s) "
				    "cannot be scored: %s\n", cli->prog, c->id,
				    a->id ? a->id : "?", in->id, a->answers ?
				    r->sc.error : "no answers");
			nscored += r->scored;
			/* Insertion sort by date, stable. */
			for (j = nrow++; j > 0 && rowv[j - 1].a->date >
			    a->date; j--) {
				struct hrow tmp = rowv[j];

				rowv[j] = rowv[j - 1];
				rowv[j - 1] = tmp;
			}
		}
		if (nscored > 0 && nused < 64)
			used[nused++] = in;
		for (k = 0; k < nrow; k++) {
			const struct hrow *r = &rowv[k];
			char d[PSW_DATE_LEN], vd[PSW_DATE_LEN], sc[32];
			char flags[256], cp[64], cf[64], dp[32], df[32];
			const char *cells[12];
			struct psw_change chp, chf;

			memset(cells, 0, sizeof cells);
			cells[0] = in->id;
			cells[1] = r->a->id;
			cells[2] = psw_date_format(r->a->date, d);
			if (r->a->voided != PSW_DATE_NONE)
				cells[text ? 8 : 11] = psw_date_format(
				    r->a->voided, vd);
			if (r->scored) {
				cells[3] = assess_num(r->sc.total, sc);
				cells[4] = r->sc.band;
				cells[5] = assess_flag_names(&r->sc, flags,
				    sizeof flags);
			}
			if (r->scored && prev != NULL) {
				psw_instrument_change(in, prev->sc.total,
				    r->sc.total, &chp);
				psw_instrument_change(in, first->sc.total,
				    r->sc.total, &chf);
				if (text) {
					cells[6] = change_text(&chp, cp,
					    sizeof cp);
					cells[7] = change_text(&chf, cf,
					    sizeof cf);
				} else {
					cells[6] = assess_num(chp.diff, dp);
					cells[7] = kind_word(chp.kind);
					cells[8] = assess_num(chf.diff, df);
					cells[9] = kind_word(chf.kind);
					cells[10] = chf.recovery ? "1" : "0";
				}
			}
			if (r->scored) {
				if (first == NULL)
					first = r;
				prev = r;
			}
			psw_table_row(t, cells);
			rows++;
		}
	}
	psw_table_end(t);
	if (text && rows > 0) {
		printf("\n");
		for (i = 0; i < nused; i++) {
			pts = assess_points(c, used[i], &npts);
			if (pts != NULL)
				sparkline(used[i], pts, npts);
			free(pts);
		}
	}
	rc = rows == 0 && cli->exit_status ? PSW_EEMPTY : 0;
out:
	free(rowv);
	psw_doc_free(doc);
	psw_instruments_free(set);
	return rc;
}

/* --- show ------------------------------------------------------------- */

static void
json_vs(struct psw_json *j, const char *key, const struct assess_point *p,
    const struct psw_change *ch)
{
	char d[PSW_DATE_LEN];

	psw_json_key(j, key);
	if (p == NULL) {
		psw_json_null(j);
		return;
	}
	psw_json_obj(j);
	psw_json_key(j, "id");
	psw_json_str(j, p->a->id);
	psw_json_key(j, "date");
	psw_json_str(j, psw_date_format(p->a->date, d));
	psw_json_key(j, "total");
	psw_json_num(j, p->sc.total);
	psw_json_key(j, "change");
	psw_json_num(j, ch->diff);
	psw_json_key(j, "reliable");
	psw_json_str(j, kind_word(ch->kind));
	psw_json_key(j, "recovery");
	psw_json_bool(j, ch->recovery);
	psw_json_obj_end(j);
}

static void
text_vs(const char *what, const struct assess_point *p,
    const struct psw_change *ch)
{
	char d[PSW_DATE_LEN], a[32], b[32];

	if (p == NULL)
		return;
	printf("since the %s, %s on %s (%s): %s%s", what, p->a->id,
	    psw_date_format(p->a->date, d), assess_num(p->sc.total, a),
	    ch->diff > 0 ? "+" : "", assess_num(ch->diff, b));
	if (ch->kind != PSW_CHANGE_UNKNOWN)
		printf(", %s", psw_change_name(ch->kind));
	if (ch->recovery)
		printf(", recovery");
	printf("\n");
}

int
assess_show(struct psw_cli *cli, int argc, char **argv)
{
	const struct psw_assessment *a = NULL;
	const struct psw_instrument *in;
	const struct assess_point *first = NULL, *prev = NULL;
	struct psw_instruments *set;
	struct assess_point *pts = NULL;
	struct psw_change chf, chp;
	struct psw_client *c;
	struct psw_doc *doc;
	struct psw_score sc;
	struct psw_json j;
	struct psw_err e;
	enum psw_format fmt;
	const char *by, *l;
	char d[PSW_DATE_LEN], num[32], buf[512];
	size_t i, k, npts = 0;
	int rc, scored = 0;

	rc = psw_cli_parse(cli, argc, argv, NULL, 0, NULL, NULL,
	    "usage: psw-assess show CLIENT ID [--format text|json]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 2)
		return psw_cli_usage_error(cli, "show needs a client id and an "
		    "assessment id (such as a3)");
	if (psw_id_check(argv[optind], &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_format(cli, PSW_FMT_BIT(PSW_FMT_TEXT) |
	    PSW_FMT_BIT(PSW_FMT_JSON), &fmt, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if ((rc = open_client(cli, argv[optind], &doc, &c, &set)) >= 0)
		return rc;
	for (i = 0; i < c->nassessments; i++)
		if (c->assessments[i].id != NULL &&
		    strcmp(c->assessments[i].id, argv[optind + 1]) == 0)
			a = &c->assessments[i];
	if (a == NULL) {
		psw_error(&e, PSW_EDATA, "%s has no assessment '%s'", c->id,
		    argv[optind + 1]);
		rc = psw_cli_fail(cli, &e);
		goto out;
	}
	memset(&sc, 0, sizeof sc);
	in = psw_instruments_find(set, a->instrument);
	if (in == NULL)
		snprintf(sc.error, sizeof sc.error, "unknown instrument '%s'",
		    a->instrument);
	else if (a->answers != NULL)
		scored = psw_instrument_score(in, a->answers, a->nanswers,
		    &sc) == 0;
	if (scored && a->voided == PSW_DATE_NONE) {
		pts = assess_points(c, in, &npts);
		for (k = 0; k < npts && pts[k].a != a; k++)
			;
		if (k < npts && k > 0) {
			first = &pts[0];
			prev = k > 1 ? &pts[k - 1] : NULL;
			psw_instrument_change(in, first->sc.total, sc.total,
			    &chf);
			if (prev != NULL)
				psw_instrument_change(in, prev->sc.total,
				    sc.total, &chp);
		}
	}
	by = psw_map_get_str(a->node, "by");
	if (fmt == PSW_FMT_JSON) {
		psw_json_init(&j, stdout, 1);
		psw_json_obj(&j);
		psw_json_key(&j, "client");
		psw_json_str(&j, c->id);
		psw_json_key(&j, "id");
		psw_json_str(&j, a->id);
		psw_json_key(&j, "instrument");
		psw_json_str(&j, a->instrument);
		psw_json_key(&j, "date");
		psw_json_str(&j, psw_date_format(a->date, d));
		psw_json_key(&j, "by");
		psw_json_str(&j, by);
		psw_json_key(&j, "note");
		psw_json_str(&j, a->note);
		psw_json_key(&j, "voided");
		psw_json_str(&j, a->voided == PSW_DATE_NONE ? NULL :
		    psw_date_format(a->voided, d));
		psw_json_key(&j, "void_reason");
		psw_json_str(&j, a->void_reason);
		psw_json_key(&j, "answers");
		psw_json_arr(&j);
		for (i = 0; i < a->nanswers; i++)
			if (a->answers[i] == PSW_ANSWER_MISSING)
				psw_json_null(&j);
			else
				psw_json_int(&j, a->answers[i]);
		psw_json_arr_end(&j);
		if (scored) {
			assess_json_score(&j, in, &sc);
		} else {
			psw_json_key(&j, "error");
			psw_json_str(&j, sc.error);
		}
		json_vs(&j, "previous", prev, &chp);
		json_vs(&j, "first", first, &chf);
		psw_json_obj_end(&j);
		psw_json_end(&j);
		rc = 0;
		goto out;
	}
	printf("%s: %s", a->id, a->instrument);
	if (in != NULL) {
		printf(" (");
		psw_put_text(stdout, in->name);
		printf(")");
	}
	printf(" for %s on %s\n", c->id, psw_date_format(a->date, d));
	if (by != NULL) {
		printf("by: ");
		psw_put_text(stdout, by);
		printf("\n");
	}
	if (a->voided != PSW_DATE_NONE) {
		printf("VOIDED on %s", psw_date_format(a->voided, d));
		if (a->void_reason != NULL) {
			printf(": ");
			psw_put_text(stdout, a->void_reason);
		}
		printf(" (left out of scores and reports)\n");
	}
	if (a->note != NULL) {
		printf("note: ");
		psw_put_text(stdout, a->note);
		printf("\n");
	}
	for (i = 0; i < a->nanswers; i++) {
		const struct psw_item *it = in != NULL && i < in->nitems ?
		    &in->items[i] : NULL;

		if (a->answers[i] == PSW_ANSWER_MISSING)
			printf("%4zu. -", i + 1);
		else
			printf("%4zu. %d", i + 1, a->answers[i]);
		if (it != NULL && a->answers[i] != PSW_ANSWER_MISSING &&
		    (l = assess_option_label(it, a->answers[i])) != NULL) {
			printf("  ");
			psw_put_text(stdout, l);
		}
		if (it != NULL) {
			printf("  -  ");
			psw_put_text(stdout, it->text);
		}
		printf("\n");
	}
	if (!scored) {
		printf("cannot be scored: %s\n", a->answers ? sc.error :
		    "no answers");
		rc = 0;
		goto out;
	}
	printf("score %s", assess_num(sc.total, num));
	if (sc.raw != sc.total)
		printf(" (raw %s)", assess_num(sc.raw, buf));
	if (sc.band != NULL)
		printf(", %s", sc.band);
	if (sc.prorated)
		printf(", prorated for %d missing", sc.missing);
	printf("\n");
	if (sc.nsubs > 0)
		printf("subscales: %s\n", assess_subs_text(&sc, buf,
		    sizeof buf));
	for (i = 0; i < sc.nsubs; i++) {
		if (!in->subscales[i].list || sc.subs[i].nitems == 0)
			continue;
		printf("%s:", in->subscales[i].name ? in->subscales[i].name :
		    sc.subs[i].id);
		for (k = 0; k < sc.subs[i].nitems; k++)
			printf("%s %s", k ? "," : "", sc.subs[i].items[k]);
		printf("\n");
	}
	if (sc.caseness >= 0)
		printf("caseness: %s\n", sc.caseness ? "yes" : "no");
	for (i = 0; i < sc.nflags; i++) {
		printf("RISK FLAG: %s (%s)", sc.flags[i].name,
		    psw_level_name(sc.flags[i].level));
		if (sc.flags[i].message != NULL) {
			printf(": ");
			psw_put_text(stdout, sc.flags[i].message);
		}
		printf("\n");
	}
	text_vs("previous", prev, &chp);
	text_vs("first", first, &chf);
	rc = 0;
out:
	free(pts);
	psw_doc_free(doc);
	psw_instruments_free(set);
	return rc;
}

/* --- change ----------------------------------------------------------- */

int
assess_change(struct psw_cli *cli, int argc, char **argv)
{
	static const struct psw_column cols[] = {
		{ "client", PSW_COL_STR, 0 },
		{ "instrument", PSW_COL_STR, 0 },
		{ "assessments", PSW_COL_INT, 0 },
		{ "first_id", PSW_COL_STR, 0 },
		{ "first_date", PSW_COL_DATE, 0 },
		{ "first_total", PSW_COL_NUM, 0 },
		{ "first_band", PSW_COL_STR, 0 },
		{ "last_id", PSW_COL_STR, 0 },
		{ "last_date", PSW_COL_DATE, 0 },
		{ "last_total", PSW_COL_NUM, 0 },
		{ "last_band", PSW_COL_STR, 0 },
		{ "change", PSW_COL_NUM, 0 },
		{ "reliable", PSW_COL_STR, 0 },
		{ "first_caseness", PSW_COL_BOOL, 0 },
		{ "last_caseness", PSW_COL_BOOL, 0 },
		{ "recovery", PSW_COL_BOOL, 0 },
	};
	const struct psw_instrument *in;
	struct psw_instruments *set;
	struct assess_point *pts = NULL, *f, *l;
	struct psw_change ch;
	struct psw_client *c;
	struct psw_doc *doc;
	struct psw_table *t;
	struct psw_out out;
	struct psw_err e;
	enum psw_format fmt;
	char d1[PSW_DATE_LEN], d2[PSW_DATE_LEN], n[16], a[32], b[32], x[32];
	const char *cells[16];
	size_t npts = 0;
	int rc;

	rc = psw_cli_parse(cli, argc, argv, NULL, 0, NULL, NULL,
	    "usage: psw-assess change CLIENT INSTRUMENT [--format F]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 2)
		return psw_cli_usage_error(cli, "change needs a client id and "
		    "an instrument");
	if (psw_id_check(argv[optind], &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_format(cli, PSW_FMT_LISTING, &fmt, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if ((rc = open_client(cli, argv[optind], &doc, &c, &set)) >= 0)
		return rc;
	if ((in = assess_find(cli, set, argv[optind + 1])) == NULL) {
		rc = PSW_EDATA;
		goto out;
	}
	pts = assess_points(c, in, &npts);
	if (npts < 2) {
		if (!cli->quiet)
			fprintf(stderr, "%s: %s has %zu scored %s "
			    "assessment%s: change needs two\n", cli->prog,
			    c->id, npts, in->id, npts == 1 ? "" : "s");
		rc = cli->exit_status ? PSW_EEMPTY : 0;
		goto out;
	}
	f = &pts[0];
	l = &pts[npts - 1];
	psw_instrument_change(in, f->sc.total, l->sc.total, &ch);
	if (fmt == PSW_FMT_TEXT) {
		printf("%s for %s: %s", in->id, c->id, assess_num(f->sc.total,
		    a));
		if (f->sc.band)
			printf(" (%s)", f->sc.band);
		printf(" on %s to %s", psw_date_format(f->a->date, d1),
		    assess_num(l->sc.total, b));
		if (l->sc.band)
			printf(" (%s)", l->sc.band);
		printf(" on %s, %zu assessments\n", psw_date_format(l->a->date,
		    d2), npts);
		printf("change: %s%s, higher is %s\n", ch.diff > 0 ? "+" : "",
		    assess_num(ch.diff, a), in->higher_is_better ? "better" :
		    "worse");
		if (ch.kind == PSW_CHANGE_UNKNOWN)
			printf("reliable change: unknown (%s has no "
			    "threshold)\n", in->id);
		else
			printf("reliable change: %s (threshold %s)\n",
			    ch.kind == PSW_CHANGE_NONE ? "no" : ch.kind ==
			    PSW_CHANGE_IMPROVED ? "yes, improvement" :
			    "yes, deterioration", assess_num(
			    in->reliable_change, b));
		if (in->has_caseness) {
			printf("caseness: %s to %s (cut-off %s)\n",
			    f->sc.caseness ? "yes" : "no", l->sc.caseness ?
			    "yes" : "no", assess_num(in->caseness, b));
			printf("recovery: %s\n", ch.recovery ? "yes" : "no");
		} else {
			printf("caseness: unknown (%s has no cut-off)\n",
			    in->id);
		}
		rc = 0;
		goto out;
	}
	memset(cells, 0, sizeof cells);
	snprintf(n, sizeof n, "%zu", npts);
	cells[0] = c->id;
	cells[1] = in->id;
	cells[2] = n;
	cells[3] = f->a->id;
	cells[4] = psw_date_format(f->a->date, d1);
	cells[5] = assess_num(f->sc.total, a);
	cells[6] = f->sc.band;
	cells[7] = l->a->id;
	cells[8] = psw_date_format(l->a->date, d2);
	cells[9] = assess_num(l->sc.total, b);
	cells[10] = l->sc.band;
	cells[11] = assess_num(ch.diff, x);
	cells[12] = kind_word(ch.kind);
	if (in->has_caseness) {
		cells[13] = f->sc.caseness ? "1" : "0";
		cells[14] = l->sc.caseness ? "1" : "0";
		cells[15] = ch.recovery ? "1" : "0";
	}
	psw_out_init(&out, stdout, fmt);
	if (fmt == PSW_FMT_JSON) {
		/* One object, not a listing. */
		struct psw_json j;
		size_t i;

		psw_json_init(&j, stdout, 1);
		psw_json_obj(&j);
		for (i = 0; i < 16; i++) {
			psw_json_key(&j, cols[i].name);
			if (cells[i] == NULL)
				psw_json_null(&j);
			else if (cols[i].type == PSW_COL_NUM ||
			    cols[i].type == PSW_COL_INT)
				psw_json_num(&j, strtod(cells[i], NULL));
			else if (cols[i].type == PSW_COL_BOOL)
				psw_json_bool(&j, cells[i][0] == '1');
			else
				psw_json_str(&j, cells[i]);
		}
		psw_json_obj_end(&j);
		psw_json_end(&j);
		rc = 0;
		goto out;
	}
	if ((t = psw_table_new(&out, cols, 16)) == NULL) {
		psw_error(&e, PSW_EIO, "out of memory");
		rc = psw_cli_fail(cli, &e);
		goto out;
	}
	psw_table_row(t, cells);
	psw_table_end(t);
	rc = 0;
out:
	free(pts);
	psw_doc_free(doc);
	psw_instruments_free(set);
	return rc;
}
