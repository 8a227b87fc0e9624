/*
 * psw-report outcomes - paired first and last scores per instrument in a
 * period: means, reliable change, and recovery as NHS Talking Therapies
 * defines it (a case at the first score, not a case at the last; reliable
 * recovery adds reliable improvement).  PHQ-9 and GAD-7 together make one
 * more row, "phq-9+gad-7", with caseness on either measure.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "instrument.h"
#include "report.h"

enum { OPT_FROM = ROPT_LOCAL, OPT_TO, OPT_INSTRUMENT, OPT_DETAIL };

struct outcomes_opts {
	struct report r;
	const char *from_s, *to_s, *instrument;
	int detail;
};

/* One client's paired scores on one instrument. */
struct pair {
	char *client, *instrument;	/* owned */
	const struct psw_instrument *in;
	psw_date first_date, last_date;
	double first, last;
	int case_first, case_last;	/* -1 when no cut-off */
	struct psw_change ch;
};

struct pairs {
	struct pair *v;
	size_t n, cap;
};

static int
outcomes_opt(void *arg, int c, const char *val)
{
	struct outcomes_opts *o = arg;

	if (report_opt(&o->r, c, val) < 0)
		return -1;
	if (c == OPT_FROM)
		o->from_s = val;
	else if (c == OPT_TO)
		o->to_s = val;
	else if (c == OPT_INSTRUMENT)
		o->instrument = val;
	else if (c == OPT_DETAIL)
		o->detail = 1;
	return -1;
}

static void
pairs_release(struct pairs *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].client);
		free(p->v[i].instrument);
	}
	free(p->v);
}

/* A pair made by load_pairs(); 0, or non-zero to stop. */
typedef int pair_fn(void *arg, const struct pair *x);

/* pair_fn keeping a copy of each pair in a struct pairs. */
static int
pairs_add(void *arg, const struct pair *src)
{
	struct pairs *p = arg;
	struct pair *x;

	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct pair *nv;

		if ((nv = realloc(p->v, cap * sizeof *nv)) == NULL)
			return -1;
		p->v = nv;
		p->cap = cap;
	}
	x = &p->v[p->n];
	*x = *src;
	if ((x->client = strdup(src->client)) == NULL ||
	    (x->instrument = strdup(src->instrument)) == NULL) {
		free(x->client);
		return -1;
	}
	p->n++;
	return 0;
}

/*
 * The pairs of the period, to fn in client and instrument order as the
 * scores are read (nothing held here); an SQLite code, SQLITE_NOMEM
 * when fn stopped.
 */
static int
load_pairs(struct outcomes_opts *o, const struct psw_instruments *set,
    psw_date from, psw_date to, pair_fn *fn, void *arg)
{
	char df[PSW_DATE_LEN], dt[PSW_DATE_LEN];
	char client[PSW_ID_MAX + 1] = "", instr[128] = "";
	const struct psw_instrument *in = NULL;
	psw_date fd = 0, ld = 0, d;
	double f = 0, l = 0;
	sqlite3_stmt *s;
	int rc, count = 0;

	rc = sqlite3_prepare_v2(psw_index_db(&o->r.cli->index),
	    "SELECT a.client, a.instrument, a.date, a.total"
	    " FROM assessments a"
	    " JOIN clients c ON c.id = a.client"
	    " WHERE a.voided IS NULL AND a.total IS NOT NULL"
	    /* +: the period filters a scan in key order; through the date
	     * index, a long period would be a lookup a row and a sort. */
	    " AND +a.date BETWEEN ?1 AND ?2 AND (?3 IS NULL OR c.worker = ?3)"
	    " AND (?4 IS NULL OR a.instrument = ?4)"
	    " ORDER BY a.client, a.instrument, a.date, a.id", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(s, 1, psw_date_format(from, df), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, psw_date_format(to, dt), -1, SQLITE_STATIC);
	if (o->r.worker != NULL)
		sqlite3_bind_text(s, 3, o->r.worker, -1, SQLITE_STATIC);
	if (o->instrument != NULL)
		sqlite3_bind_text(s, 4, o->instrument, -1, SQLITE_STATIC);
	for (;;) {
		const char *c = NULL, *i = NULL, *ds;

		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			c = (const char *)sqlite3_column_text(s, 0);
			i = (const char *)sqlite3_column_text(s, 1);
			ds = (const char *)sqlite3_column_text(s, 2);
			if (c == NULL || i == NULL || ds == NULL ||
			    psw_date_parse_iso(ds, &d) < 0)
				continue;
		}
		/* A group ends: keep it when it has two scores or more. */
		if (rc != SQLITE_ROW || strcmp(c, client) != 0 ||
		    strcmp(i, instr) != 0) {
			if (count >= 2 && in != NULL) {
				struct pair x;

				memset(&x, 0, sizeof x);
				x.client = client;
				x.instrument = instr;
				x.in = in;
				x.first_date = fd;
				x.last_date = ld;
				x.first = f;
				x.last = l;
				x.case_first = psw_instrument_caseness(in, f);
				x.case_last = psw_instrument_caseness(in, l);
				psw_instrument_change(in, f, l, &x.ch);
				if (fn(arg, &x) != 0) {
					rc = SQLITE_NOMEM;
					break;
				}
			}
			if (rc != SQLITE_ROW)
				break;
			snprintf(client, sizeof client, "%s", c);
			snprintf(instr, sizeof instr, "%s", i);
			in = psw_instruments_find(set, i);
			count = 0;
		}
		if (count++ == 0) {
			fd = d;
			f = sqlite3_column_double(s, 3);
		}
		ld = d;
		l = sqlite3_column_double(s, 3);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Totals of one summary row. */
struct summary {
	const char *instrument;
	int n, improved, none, deteriorated, rc_known;
	int cases_first, recovered, reliable_recovered, has_caseness;
	double sum_first, sum_last;
	int has_means;
};

static void
summary_add(struct summary *sm, int kind, int case_first, int case_last)
{
	sm->n++;
	if (kind != PSW_CHANGE_UNKNOWN) {
		sm->rc_known = 1;
		sm->improved += kind == PSW_CHANGE_IMPROVED;
		sm->none += kind == PSW_CHANGE_NONE;
		sm->deteriorated += kind == PSW_CHANGE_DETERIORATED;
	}
	if (case_first >= 0) {
		sm->has_caseness = 1;
		if (case_first == 1) {
			sm->cases_first++;
			if (case_last == 0) {
				sm->recovered++;
				if (kind == PSW_CHANGE_IMPROVED)
					sm->reliable_recovered++;
			}
		}
	}
}

static char *
fmt_num(double v, char *buf, size_t size)
{
	snprintf(buf, size, "%.1f", v);
	return buf;
}

static char *
fmt_int(int v, char *buf, size_t size)
{
	snprintf(buf, size, "%d", v);
	return buf;
}

/* Percent of n, one decimal; NULL when n is 0. */
static const char *
fmt_pct(int k, int n, char *buf, size_t size)
{
	if (n == 0)
		return NULL;
	snprintf(buf, size, "%.1f", 100.0 * k / n);
	return buf;
}

static int
summary_row(struct report_rows *rows, const struct summary *sm)
{
	char b[16][32];
	const char *cells[16];

	cells[0] = sm->instrument;
	cells[1] = fmt_int(sm->n, b[1], sizeof b[1]);
	cells[2] = sm->has_means ? fmt_num(sm->sum_first / sm->n, b[2],
	    sizeof b[2]) : NULL;
	cells[3] = sm->has_means ? fmt_num(sm->sum_last / sm->n, b[3],
	    sizeof b[3]) : NULL;
	cells[4] = sm->has_means ? fmt_num((sm->sum_last - sm->sum_first) /
	    sm->n, b[4], sizeof b[4]) : NULL;
	cells[5] = sm->rc_known ? fmt_int(sm->improved, b[5], 32) : NULL;
	cells[6] = sm->rc_known ? fmt_pct(sm->improved, sm->n, b[6], 32) :
	    NULL;
	cells[7] = sm->rc_known ? fmt_int(sm->none, b[7], 32) : NULL;
	cells[8] = sm->rc_known ? fmt_pct(sm->none, sm->n, b[8], 32) : NULL;
	cells[9] = sm->rc_known ? fmt_int(sm->deteriorated, b[9], 32) : NULL;
	cells[10] = sm->rc_known ? fmt_pct(sm->deteriorated, sm->n, b[10],
	    32) : NULL;
	cells[11] = sm->has_caseness ? fmt_int(sm->cases_first, b[11], 32) :
	    NULL;
	cells[12] = sm->has_caseness ? fmt_int(sm->recovered, b[12], 32) :
	    NULL;
	cells[13] = sm->has_caseness ? fmt_pct(sm->recovered,
	    sm->cases_first, b[13], 32) : NULL;
	cells[14] = sm->has_caseness ? fmt_int(sm->reliable_recovered, b[14],
	    32) : NULL;
	cells[15] = sm->has_caseness ? fmt_pct(sm->reliable_recovered,
	    sm->cases_first, b[15], 32) : NULL;
	return report_rows_add(rows, cells);
}

static int
pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	int c = strcmp(x->client, y->client);

	return c != 0 ? c : strcmp(x->instrument, y->instrument);
}

/* The pair of client on instr, or NULL (p sorted by client, instrument). */
static const struct pair *
find_pair(const struct pairs *p, const char *client, const char *instr)
{
	struct pair key;

	key.client = (char *)client;
	key.instrument = (char *)instr;
	return bsearch(&key, p->v, p->n, sizeof *p->v, pair_cmp);
}

/*
 * PHQ-9 and GAD-7 together: reliable improvement when one improved
 * reliably and neither deteriorated reliably, reliable deterioration the
 * other way round; a case when either is; recovery when a case at the
 * first scores and neither is a case at the last.
 */
static void
combined(const struct pair *d, const struct pair *a, int *kind,
    int *case_first, int *case_last)
{
	int imp = d->ch.kind == PSW_CHANGE_IMPROVED ||
	    a->ch.kind == PSW_CHANGE_IMPROVED;
	int det = d->ch.kind == PSW_CHANGE_DETERIORATED ||
	    a->ch.kind == PSW_CHANGE_DETERIORATED;

	*kind = imp && !det ? PSW_CHANGE_IMPROVED :
	    det && !imp ? PSW_CHANGE_DETERIORATED : PSW_CHANGE_NONE;
	*case_first = d->case_first == 1 || a->case_first == 1;
	*case_last = d->case_last == 1 || a->case_last == 1;
}

static const char *
yes_no(int v)
{
	return v < 0 ? NULL : v ? "1" : "0";
}

/*
 * The summaries, folded in as the pairs come: one per instrument (in
 * the order of the set) and, unless one instrument was asked for, PHQ-9
 * with GAD-7.  A client's pairs come together, gad-7 before phq-9.
 */
struct fold {
	const struct psw_instruments *set;
	struct summary *sums;		/* one per instrument, then the pair */
	int combine;
	struct pair gad;		/* the current client's gad-7 pair */
	char gad_client[PSW_ID_MAX + 1];
	int have_gad;
};

static int
fold_one(void *arg, const struct pair *x)
{
	struct fold *f = arg;
	size_t j, n = psw_instruments_count(f->set);
	int kind, cf, cl;

	for (j = 0; j < n && psw_instruments_at(f->set, j) != x->in; j++)
		;
	if (j < n) {
		summary_add(&f->sums[j], x->ch.kind, x->case_first,
		    x->case_last);
		f->sums[j].sum_first += x->first;
		f->sums[j].sum_last += x->last;
	}
	if (!f->combine)
		return 0;
	if (strcmp(x->instrument, "gad-7") == 0) {
		f->gad = *x;
		snprintf(f->gad_client, sizeof f->gad_client, "%s", x->client);
		f->have_gad = 1;
	} else if (strcmp(x->instrument, "phq-9") == 0 && f->have_gad &&
	    strcmp(f->gad_client, x->client) == 0) {
		combined(x, &f->gad, &kind, &cf, &cl);
		summary_add(&f->sums[n], kind, cf, cl);
	}
	return 0;
}

int
cmd_outcomes(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		REPORT_LONGOPTS,
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "instrument", required_argument, NULL, OPT_INSTRUMENT },
		{ "detail", no_argument, NULL, OPT_DETAIL },
	};
	static const struct psw_column scols[] = {
		{ "instrument", PSW_COL_STR, 0 },
		{ "clients", PSW_COL_INT, PSW_COL_RIGHT },
		{ "mean_first", PSW_COL_NUM, PSW_COL_RIGHT },
		{ "mean_last", PSW_COL_NUM, PSW_COL_RIGHT },
		{ "mean_change", PSW_COL_NUM, PSW_COL_RIGHT },
		{ "improved", PSW_COL_INT, PSW_COL_RIGHT },
		{ "improved_pct", PSW_COL_NUM, PSW_COL_RIGHT },
		{ "no_change", PSW_COL_INT, PSW_COL_RIGHT },
		{ "no_change_pct", PSW_COL_NUM, PSW_COL_RIGHT },
		{ "deteriorated", PSW_COL_INT, PSW_COL_RIGHT },
		{ "deteriorated_pct", PSW_COL_NUM, PSW_COL_RIGHT },
		{ "cases_first", PSW_COL_INT, PSW_COL_RIGHT },
		{ "recovered", PSW_COL_INT, PSW_COL_RIGHT },
		{ "recovery_pct", PSW_COL_NUM, PSW_COL_RIGHT },
		{ "reliable_recovered", PSW_COL_INT, PSW_COL_RIGHT },
		{ "reliable_recovery_pct", PSW_COL_NUM, PSW_COL_RIGHT },
	};
	static const struct psw_column dcols[] = {
		{ "client", PSW_COL_STR, 0 },
		{ "instrument", PSW_COL_STR, 0 },
		{ "first_date", PSW_COL_DATE, 0 },
		{ "first", PSW_COL_NUM, PSW_COL_RIGHT },
		{ "last_date", PSW_COL_DATE, 0 },
		{ "last", PSW_COL_NUM, PSW_COL_RIGHT },
		{ "change", PSW_COL_NUM, PSW_COL_RIGHT },
		{ "reliable_change", PSW_COL_STR, 0 },
		{ "case_first", PSW_COL_BOOL, 0 },
		{ "case_last", PSW_COL_BOOL, 0 },
		{ "recovered", PSW_COL_BOOL, 0 },
		{ "reliably_recovered", PSW_COL_BOOL, 0 },
	};
	struct outcomes_opts o;
	struct psw_instruments *set = NULL;
	struct pairs p = { NULL, 0, 0 };
	struct report_rows rows = { NULL, 0, 0, 0 };
	struct summary *sums = NULL;
	struct fold fo;
	size_t i, n, nsums = 0;
	enum psw_format fmt;
	struct psw_out out;
	struct psw_err e;
	psw_date from = 0, to;
	int rc;

	memset(&o, 0, sizeof o);
	o.r.cli = cli;
	rc = psw_cli_parse(cli, argc, argv, local, sizeof local /
	    sizeof local[0], outcomes_opt, &o,
	    "usage: psw-report outcomes [--from D] [--to D] [--instrument I] "
	    "[--detail]\n"
	    "           [--worker W] [--deidentify] [--format F]\n");
	if (rc >= 0)
		return rc;
	if (optind < argc)
		return psw_cli_usage_error(cli, "outcomes takes no arguments "
		    "('%s')", argv[optind]);
	if (psw_cli_format(cli, PSW_FMT_LISTING, &fmt, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_open(cli, 0, &e) < 0 || report_start(&o.r, &e) < 0)
		return psw_cli_fail(cli, &e);
	/* A report reads each page about once: SQLite's page cache (16 MB
	 * by default here, sized for sync) would only grow the peak. */
	sqlite3_exec(psw_index_db(&cli->index), "PRAGMA cache_size = -2000",
	    NULL, NULL, NULL);
	psw_date_from_ymd(1, 1, 1, &from);
	to = cli->today;
	if ((o.from_s != NULL && psw_date_parse(o.from_s, cli->today, &from,
	    &e) < 0) || (o.to_s != NULL && psw_date_parse(o.to_s, cli->today,
	    &to, &e) < 0))
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (to < from)
		return psw_cli_usage_error(cli, "the period ends before it "
		    "starts");
	if (psw_instruments_load(cli->store.home, &set, &e) < 0)
		return psw_cli_fail(cli, &e);
	if (o.instrument != NULL && psw_instruments_find(set, o.instrument) ==
	    NULL) {
		psw_instruments_free(set);
		return psw_cli_usage_error(cli, "unknown instrument '%s'",
		    o.instrument);
	}
	psw_out_init(&out, stdout, fmt);
	if (o.detail) {
		/* Every pair is a row: kept, to be sorted. */
		if ((rc = load_pairs(&o, set, from, to, pairs_add, &p)) !=
		    SQLITE_OK) {
			rc = report_db_fail(&o.r, rc, "cannot read the "
			    "scores");
			goto out;
		}
		if (p.n > 1)
			qsort(p.v, p.n, sizeof *p.v, pair_cmp);
		rows.ncols = sizeof dcols / sizeof dcols[0];
		for (i = 0; i < p.n; i++) {
			const struct pair *x = &p.v[i];
			char pbuf[PSW_PSEUDONYM_LEN], b[5][32];
			const char *cells[12];

			cells[0] = report_client(&o.r, x->client, pbuf);
			cells[1] = x->instrument;
			cells[2] = psw_date_format(x->first_date, b[0]);
			cells[3] = fmt_num(x->first, b[1], 32);
			cells[4] = psw_date_format(x->last_date, b[2]);
			cells[5] = fmt_num(x->last, b[3], 32);
			cells[6] = fmt_num(x->last - x->first, b[4], 32);
			cells[7] = x->ch.kind == PSW_CHANGE_UNKNOWN ? NULL :
			    psw_change_name(x->ch.kind);
			cells[8] = yes_no(x->case_first);
			cells[9] = yes_no(x->case_last);
			cells[10] = x->case_first < 0 ? NULL :
			    yes_no(x->case_first == 1 && x->case_last == 0);
			cells[11] = x->case_first < 0 ? NULL :
			    yes_no(x->case_first == 1 && x->case_last == 0 &&
			    x->ch.kind == PSW_CHANGE_IMPROVED);
			if (report_rows_add(&rows, cells) < 0) {
				rc = report_oom(&o.r);
				goto out;
			}
		}
		/* PHQ-9 with GAD-7: the combined outcome of each client with
		 * both, over the span of the two pairs (no scores). */
		for (i = 0; o.instrument == NULL && i < p.n; i++) {
			const struct pair *d = &p.v[i], *a;
			char pbuf[PSW_PSEUDONYM_LEN], b[2][PSW_DATE_LEN];
			const char *cells[12];
			int kind, cf, cl;

			if (strcmp(d->instrument, "phq-9") != 0 ||
			    (a = find_pair(&p, d->client, "gad-7")) == NULL)
				continue;
			combined(d, a, &kind, &cf, &cl);
			memset(cells, 0, sizeof cells);
			cells[0] = report_client(&o.r, d->client, pbuf);
			cells[1] = "phq-9+gad-7";
			cells[2] = psw_date_format(d->first_date < a->first_date ?
			    d->first_date : a->first_date, b[0]);
			cells[4] = psw_date_format(d->last_date > a->last_date ?
			    d->last_date : a->last_date, b[1]);
			cells[7] = psw_change_name(kind);
			cells[8] = yes_no(cf);
			cells[9] = yes_no(cl);
			cells[10] = yes_no(cf && !cl);
			cells[11] = yes_no(cf && !cl &&
			    kind == PSW_CHANGE_IMPROVED);
			if (report_rows_add(&rows, cells) < 0) {
				rc = report_oom(&o.r);
				goto out;
			}
		}
		/* By instrument, then client (pseudonym when de-identified:
		 * the order then tells nothing about the ids). */
		for (i = 0; i < rows.n; i++) {
			char *t = rows.v[i][0];

			rows.v[i][0] = rows.v[i][1];
			rows.v[i][1] = t;
		}
		if (rows.n > 1)
			report_rows_sort(&rows);
		for (i = 0; i < rows.n; i++) {
			char *t = rows.v[i][0];

			rows.v[i][0] = rows.v[i][1];
			rows.v[i][1] = t;
		}
		report_rows_emit(&rows, &out, dcols, 0);
		rc = rows.n == 0 && cli->exit_status ? PSW_EEMPTY : 0;
		goto out;
	}

	/* One summary per instrument, in id order, then the pair; the
	 * pairs are folded in as they are read, none kept. */
	n = psw_instruments_count(set);
	if ((sums = calloc(n + 1, sizeof *sums)) == NULL) {
		rc = report_oom(&o.r);
		goto out;
	}
	memset(&fo, 0, sizeof fo);
	fo.set = set;
	fo.sums = sums;
	fo.combine = o.instrument == NULL;
	if ((rc = load_pairs(&o, set, from, to, fold_one, &fo)) != SQLITE_OK) {
		rc = report_db_fail(&o.r, rc, "cannot read the scores");
		goto out;
	}
	for (i = 0; i <= n; i++) {
		struct summary *sm = &sums[i];

		sm->instrument = i < n ? psw_instruments_at(set, i)->id :
		    "phq-9+gad-7";
		sm->has_means = i < n;
		if (sm->n > 0 && (i < n || fo.combine))
			sums[nsums++] = *sm;
	}
	rows.ncols = sizeof scols / sizeof scols[0];
	for (i = 0; i < nsums; i++)
		if (summary_row(&rows, &sums[i]) < 0) {
			rc = report_oom(&o.r);
			goto out;
		}
	report_rows_emit(&rows, &out, scols, 0);
	rc = rows.n == 0 && cli->exit_status ? PSW_EEMPTY : 0;
out:
	free(sums);
	report_rows_release(&rows);
	pairs_release(&p);
	psw_instruments_free(set);
	return rc;
}
