/*
 * psw-report - reminders, the weekly report, caseload and outcomes.
 *
 * Every report is a query over the index, which psw_cli_open() brings up
 * to date with the client files first, so a hand edit shows at once.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "cli.h"
#include "client.h"
#include "ics.h"
#include "instrument.h"
#include "report.h"

static const char usage_text[] =
"usage: psw-report [options] command [arguments]\n"
"\n"
"commands:\n"
"  due [--within DUR] [--overdue-only] [--kind K,...] [--client ID] [--new]\n"
"                           what is due or overdue (text, tsv, csv, json,\n"
"                           ics)\n"
"  weekly [--week W | --from D --to D]\n"
"                           the week's work (text, md, csv, json, html)\n"
"  caseload                 one row per open client\n"
"  missing                  what each client's record lacks\n"
"  outcomes [--from D] [--to D] [--instrument I] [--detail]\n"
"                           paired scores, reliable change, recovery\n"
"\n"
"report options: --worker W, --deidentify, --notes\n"
"options: --home DIR, --as-of DATE, --format F, -q, -e, -h, --version\n"
"exit status: 0 ok, 1 empty with -e, 2 usage, 3 bad data, 4 locked,\n"
"5 I/O error.  See psw-report(1) and psw(7).\n";

/* --- What the reports share ---------------------------------------- */

int
report_opt(struct report *r, int c, const char *val)
{
	if (c == ROPT_WORKER)
		r->worker = val;
	else if (c == ROPT_DEID)
		r->deidentify = 1;
	else if (c == ROPT_NOTES)
		r->notes = 1;
	else
		return 0;
	return -1;
}

int
report_start(struct report *r, struct psw_err *e)
{
	if (!r->deidentify)
		return 0;
	return psw_deid_open(&r->deid, &r->cli->store, e);
}

const char *
report_client(const struct report *r, const char *id, char *buf)
{
	if (!r->deidentify || id == NULL)
		return id;
	return psw_deid_client(&r->deid, id, buf);
}

int
report_db_fail(struct report *r, int rc, const char *what)
{
	struct psw_err e;

	psw_index_error(&r->cli->index, rc, what, &e);
	return psw_cli_fail(r->cli, &e);
}

int
report_oom(struct report *r)
{
	struct psw_err e;

	psw_error(&e, PSW_EIO, "out of memory");
	return psw_cli_fail(r->cli, &e);
}

int
report_due(struct report *r, psw_date today, psw_date until,
    const char *client, struct psw_due_list *l, struct psw_err *e)
{
	struct psw_due_query q;

	memset(&q, 0, sizeof q);
	q.today = today;
	q.until = until;
	q.worker = r->worker;
	q.client = client;
	q.first_only = r->due_first;
	q.upcoming_only = r->due_upcoming;
	return psw_due_collect(psw_index_db(&r->cli->index), &q, l, e);
}

char *
report_when(int days, char *buf, size_t size)
{
	if (days < 0)
		snprintf(buf, size, "%dd overdue", -days);
	else if (days == 0)
		snprintf(buf, size, "today");
	else
		snprintf(buf, size, "in %dd", days);
	return buf;
}

int
report_rows_add(struct report_rows *rs, const char *const *cells)
{
	char **row, *p;
	size_t i, need, n;

	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 64;
		char ***nv;

		if ((nv = realloc(rs->v, cap * sizeof *nv)) == NULL)
			return -1;
		rs->v = nv;
		rs->cap = cap;
	}
	/* One allocation a row: the cell pointers, then the cells. */
	need = rs->ncols * sizeof *row;
	for (i = 0; i < rs->ncols; i++)
		if (cells[i] != NULL)
			need += strlen(cells[i]) + 1;
	if ((row = malloc(need)) == NULL)
		return -1;
	p = (char *)(row + rs->ncols);
	for (i = 0; i < rs->ncols; i++) {
		row[i] = NULL;
		if (cells[i] == NULL)
			continue;
		n = strlen(cells[i]) + 1;
		memcpy(p, cells[i], n);
		row[i] = p;
		p += n;
	}
	rs->v[rs->n++] = row;
	return 0;
}

static int
rows_cmp(const void *a, const void *b)
{
	char *const *ra = *(char **const *)a, *const *rb = *(char **const *)b;
	size_t i;
	int c;

	/* Every row has at least two columns; sort on the first two. */
	for (i = 0; i < 2; i++) {
		if (ra[i] == NULL || rb[i] == NULL) {
			if ((c = (ra[i] != NULL) - (rb[i] != NULL)) != 0)
				return c;
			continue;
		}
		if ((c = strcmp(ra[i], rb[i])) != 0)
			return c;
	}
	return 0;
}

int
report_rows_emit(struct report_rows *rs, struct psw_out *out,
    const struct psw_column *cols, int sort)
{
	struct psw_table *t;
	size_t i;

	if (sort)
		report_rows_sort(rs);
	if ((t = psw_table_new(out, cols, rs->ncols)) == NULL)
		return -1;
	for (i = 0; i < rs->n; i++)
		if (psw_table_row(t, (const char *const *)rs->v[i]) < 0)
			break;
	return psw_table_end(t);
}

void
report_rows_sort(struct report_rows *rs)
{
	if (rs->n > 1)
		qsort(rs->v, rs->n, sizeof *rs->v, rows_cmp);
}

void
report_rows_release(struct report_rows *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		free(rs->v[i]);
	free(rs->v);
	rs->v = NULL;
	rs->n = rs->cap = 0;
}

/* --- due ------------------------------------------------------------- */

enum { OPT_WITHIN = ROPT_LOCAL, OPT_OVERDUE, OPT_CLIENT, OPT_KIND,
    OPT_NEW };

struct due_opts {
	struct report r;
	const char *within, *client, *kind;
	int overdue_only, new_only;
};

static int
due_opt(void *arg, int c, const char *val)
{
	struct due_opts *o = arg;

	if (report_opt(&o->r, c, val) < 0)
		return -1;
	if (c == OPT_WITHIN)
		o->within = val;
	else if (c == OPT_OVERDUE)
		o->overdue_only = 1;
	else if (c == OPT_CLIENT)
		o->client = val;
	else if (c == OPT_KIND)
		o->kind = val;
	else if (c == OPT_NEW)
		o->new_only = 1;
	return -1;
}

/*
 * The state of --new: one line a shown item, "key<TAB>date shown", in
 * $PSW_HOME/report-due.seen.  Lines older than SEEN_KEEP_DAYS are dropped
 * when the file is written again, so it does not grow without end.
 */
#define SEEN_KEEP_DAYS 400

struct seen {
	char *path, *lockpath;
	struct psw_lock lock;
	struct psw_buf keep;		/* the lines to write back */
	char **keys;			/* sorted, for bsearch */
	size_t nkeys;
	char *text;			/* the file as read; keys point here */
};

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Take the lock and read the state; 0 or -code. */
static int
seen_load(struct seen *sn, struct psw_cli *cli, struct psw_err *e)
{
	struct psw_buf b = PSW_BUF_INIT;
	char *line, *next, *tab;
	psw_date shown;
	size_t cap = 0;
	FILE *fp;
	int rc;

	memset(sn, 0, sizeof *sn);
	psw_buf_addf(&b, "%s/report-due.seen", cli->store.home);
	sn->path = psw_buf_detach(&b);
	psw_buf_addf(&b, "%s/report-due.seen.lock", cli->store.home);
	sn->lockpath = psw_buf_detach(&b);
	if (sn->path == NULL || sn->lockpath == NULL)
		return psw_error(e, PSW_EIO, "out of memory");
	if ((rc = psw_lock_take(&cli->store, &sn->lock, sn->lockpath,
	    cli->store.set.lock_timeout_ms, e)) < 0)
		return rc;
	if ((fp = fopen(sn->path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		return psw_error_errno(e, PSW_EIO, errno, "cannot open '%s'",
		    sn->path);
	}
	{
		char chunk[4096];
		size_t n;

		while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
			psw_buf_add(&b, chunk, n);
	}
	if (ferror(fp)) {
		fclose(fp);
		psw_buf_release(&b);
		return psw_error_errno(e, PSW_EIO, errno, "cannot read '%s'",
		    sn->path);
	}
	fclose(fp);
	if (b.oom)
		return psw_error(e, PSW_EIO, "out of memory");
	sn->text = psw_buf_detach(&b);
	for (line = sn->text; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		/* A line that does not parse is dropped, not fatal: the
		 * state only saves repeats. */
		if ((tab = strchr(line, '\t')) == NULL ||
		    psw_date_parse_iso(tab + 1, &shown) < 0)
			continue;
		if (shown < cli->today - SEEN_KEEP_DAYS)
			continue;
		psw_buf_addf(&sn->keep, "%s\n", line);
		*tab = '\0';
		if (sn->nkeys == cap) {
			char **nv;

			cap = cap ? cap * 2 : 64;
			if ((nv = realloc(sn->keys, cap * sizeof *nv)) == NULL)
				return psw_error(e, PSW_EIO, "out of memory");
			sn->keys = nv;
		}
		sn->keys[sn->nkeys++] = line;
	}
	if (sn->nkeys > 1)
		qsort(sn->keys, sn->nkeys, sizeof *sn->keys, str_cmp);
	return sn->keep.oom ? psw_error(e, PSW_EIO, "out of memory") : 0;
}

static int
seen_has(const struct seen *sn, const char *key)
{
	return sn->nkeys > 0 && bsearch(&key, sn->keys, sn->nkeys,
	    sizeof *sn->keys, str_cmp) != NULL;
}

static void
seen_release(struct seen *sn)
{
	psw_lock_release(&sn->lock);
	free(sn->path);
	free(sn->lockpath);
	free(sn->keys);
	free(sn->text);
	psw_buf_release(&sn->keep);
}

/*
 * 0 when the index (just brought up to date with the files) knows the
 * client, else -PSW_EDATA "no client": a mistyped --client is not
 * "nothing due".
 */
static int
client_known(struct psw_cli *cli, const char *id, struct psw_err *e)
{
	char name[PSW_ID_MAX + 16];
	sqlite3_stmt *s;
	int rc;

	rc = sqlite3_prepare_v2(psw_index_db(&cli->index),
	    "SELECT 1 FROM clients WHERE id = ?1", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return psw_index_error(&cli->index, rc, "cannot look up the "
		    "client", e);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return psw_index_error(&cli->index, rc, "cannot look up the "
		    "client", e);
	psw_store_client_name(id, name, sizeof name);
	return psw_error(e, PSW_EDATA, "no client '%s' (%s does not exist)",
	    id, name);
}

/* One due item as an all-day VEVENT. */
static int
due_ics_event(FILE *fp, const struct due_opts *o, const struct psw_due_item *it,
    const char *client, const char *stamp)
{
	struct psw_buf b = PSW_BUF_INIT;
	char d[PSW_DATE_LEN], when[32];
	int y, m, dd, rc = 0;

	psw_date_to_ymd(it->due, &y, &m, &dd);
	rc |= psw_ics_line(fp, "BEGIN", "VEVENT", 0);
	/* The same item keeps its UID when its date moves, so a
	 * subscribed calendar moves the event rather than adding one. */
	psw_buf_addf(&b, "psw-due-%s-%s-%s@psw", client,
	    psw_due_kinds[it->kind], it->item ? it->item : "plan");
	rc |= psw_ics_line(fp, "UID", b.s ? b.s : "", 0);
	rc |= psw_ics_line(fp, "DTSTAMP", stamp, 0);
	psw_buf_reset(&b);
	psw_buf_addf(&b, "%04d%02d%02d", y, m, dd);
	rc |= psw_ics_line(fp, "DTSTART;VALUE=DATE", b.s, 0);
	psw_date_to_ymd(it->due + 1, &y, &m, &dd);
	psw_buf_reset(&b);
	psw_buf_addf(&b, "%04d%02d%02d", y, m, dd);
	rc |= psw_ics_line(fp, "DTEND;VALUE=DATE", b.s, 0);
	psw_buf_reset(&b);
	psw_buf_addf(&b, "%s: %s", client, o->r.deidentify ?
	    psw_due_plain(it->kind) : it->what);
	rc |= psw_ics_line(fp, "SUMMARY", b.s, 1);
	psw_buf_reset(&b);
	psw_buf_addf(&b, "%s%s%s, due %s (%s), priority %s%s%s",
	    psw_due_kinds[it->kind], it->item ? " " : "",
	    it->item ? it->item : "",
	    psw_date_format(it->due, d), report_when(it->days, when,
	    sizeof when), psw_due_priorities[it->prio],
	    it->risk > 0 ? ", risk flag " : "",
	    it->risk > 0 ? psw_level_name(it->risk) : "");
	rc |= psw_ics_line(fp, "DESCRIPTION", b.s, 1);
	rc |= psw_ics_line(fp, "CATEGORIES", psw_due_kinds[it->kind], 1);
	rc |= psw_ics_line(fp, "TRANSP", "TRANSPARENT", 0);
	rc |= psw_ics_line(fp, "END", "VEVENT", 0);
	psw_buf_release(&b);
	return b.oom ? -1 : rc;
}

/* The state of one listing of psw-report due, item by item. */
struct due_emit {
	const struct due_opts *o;
	enum psw_format fmt;
	struct psw_table *t;
	const struct seen *sn;		/* --new: what was shown before */
	struct psw_buf shown;		/* --new: the lines to add */
	char today[PSW_DATE_LEN], stamp[32];
	size_t nshown;
	size_t keep;			/* text: the most bytes kept */
	int measuring;			/* text: too many to keep: measure */
	int second;			/* text: the pass that writes */
	int oom;
};

/* psw_due_each() callback: write one item (unless --new has shown it). */
static int
due_emit_one(void *arg, struct psw_due_item *it)
{
	struct due_emit *em = arg;
	char pbuf[PSW_PSEUDONYM_LEN], d[PSW_DATE_LEN], days[32], key[512];
	const char *cells[9], *client;

	if (em->sn != NULL) {
		psw_due_key(it, key, sizeof key);
		if (seen_has(em->sn, key))
			return 0;
		if (!em->second)
			psw_buf_addf(&em->shown, "%s\t%s\n", key, em->today);
		if (em->shown.oom) {
			em->oom = 1;
			return 1;
		}
	}
	client = report_client(&em->o->r, it->client, pbuf);
	if (em->fmt == PSW_FMT_ICS) {
		if (em->nshown++ == 0) {
			psw_ics_line(stdout, "BEGIN", "VCALENDAR", 0);
			psw_ics_line(stdout, "VERSION", "2.0", 0);
			psw_ics_line(stdout, "PRODID", "-//psw//psw-report "
			    PSW_VERSION "//EN", 0);
			psw_ics_line(stdout, "CALSCALE", "GREGORIAN", 0);
			psw_ics_line(stdout, "METHOD", "PUBLISH", 0);
			psw_ics_line(stdout, "X-WR-CALNAME", "psw: due", 1);
		}
		return due_ics_event(stdout, em->o, it, client, em->stamp) < 0;
	}
	if (!em->second)
		em->nshown++;
	if (em->fmt == PSW_FMT_TEXT)
		report_when(it->days, days, sizeof days);
	else
		snprintf(days, sizeof days, "%d", it->days);
	cells[0] = client;
	cells[1] = psw_due_kinds[it->kind];
	cells[2] = it->item;
	cells[3] = em->o->r.deidentify ? psw_due_plain(it->kind) : it->what;
	cells[4] = psw_date_format(it->due, d);
	cells[5] = days;
	cells[6] = psw_due_priorities[it->prio];
	cells[7] = it->worker;
	cells[8] = it->risk > 0 ? psw_level_name(it->risk) : NULL;
	if (em->measuring)
		return psw_table_measure(em->t, cells) < 0;
	if (psw_table_row(em->t, cells) < 0)
		return 1;
	/* Too much to keep for aligning: measure the rest, then write
	 * every row in a second pass over the same snapshot. */
	if (!em->second && psw_table_kept(em->t) > em->keep)
		em->measuring = 1;
	return 0;
}

static int
cmd_due(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		REPORT_LONGOPTS,
		{ "within", required_argument, NULL, OPT_WITHIN },
		{ "overdue-only", no_argument, NULL, OPT_OVERDUE },
		{ "client", required_argument, NULL, OPT_CLIENT },
		{ "kind", required_argument, NULL, OPT_KIND },
		{ "new", no_argument, NULL, OPT_NEW },
	};
	static const struct psw_column cols[] = {
		{ "client", PSW_COL_STR, 0 },
		{ "kind", PSW_COL_STR, 0 },
		{ "item", PSW_COL_STR, 0 },
		{ "what", PSW_COL_STR, 0 },
		{ "due", PSW_COL_DATE, 0 },
		{ "days", PSW_COL_INT, PSW_COL_RIGHT },
		{ "priority", PSW_COL_STR, 0 },
		{ "worker", PSW_COL_STR, 0 },
		{ "risk", PSW_COL_STR, 0 },
	};
	struct due_opts o;
	struct psw_due_query q;
	struct psw_duration within;
	struct due_emit em;
	struct psw_out out;
	struct psw_err e;
	struct seen sn;
	enum psw_format fmt;
	sqlite3 *db;
	int rc, have_seen = 0, in_txn;

	memset(&o, 0, sizeof o);
	memset(&sn, 0, sizeof sn);
	o.r.cli = cli;
	rc = psw_cli_parse(cli, argc, argv, local, sizeof local /
	    sizeof local[0], due_opt, &o,
	    "usage: psw-report due [--within DUR] [--overdue-only] "
	    "[--kind K,...]\n"
	    "           [--worker W] [--client ID] [--new] [--deidentify]\n"
	    "           [--format text|tsv|csv|json|ics]\n");
	if (rc >= 0)
		return rc;
	if (optind < argc)
		return psw_cli_usage_error(cli, "due takes no arguments ('%s')",
		    argv[optind]);
	memset(&q, 0, sizeof q);
	if (o.kind != NULL && psw_due_kinds_parse(o.kind, &q.kinds, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (o.within != NULL && psw_duration_parse(o.within, &within, &e) < 0)
		return psw_cli_usage_error(cli, "--within: %s", e.msg);
	if (o.client != NULL && psw_id_check(o.client, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_format(cli, PSW_FMT_LISTING | PSW_FMT_BIT(PSW_FMT_ICS),
	    &fmt, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_open(cli, 0, &e) < 0 || report_start(&o.r, &e) < 0)
		return psw_cli_fail(cli, &e);
	if (o.client != NULL && (rc = client_known(cli, o.client, &e)) < 0)
		return psw_cli_fail(cli, &e);
	if (o.within == NULL)
		within = cli->store.set.due_soon;

	q.today = cli->today;
	q.until = psw_date_add(cli->today, within);
	if (q.until == PSW_DATE_NONE)
		return psw_cli_usage_error(cli, "--within '%s' reaches past "
		    "the year 9999", o.within);
	q.overdue_only = o.overdue_only;
	q.worker = o.r.worker;
	q.client = o.client;
	if (o.new_only) {
		if ((rc = seen_load(&sn, cli, &e)) < 0) {
			seen_release(&sn);
			return psw_cli_fail(cli, &e);
		}
		have_seen = 1;
	}
	memset(&em, 0, sizeof em);
	em.o = &o;
	em.fmt = fmt;
	em.sn = have_seen ? &sn : NULL;
	psw_date_format(cli->today, em.today);
	{
		int y, m, d;

		psw_date_to_ymd(cli->today, &y, &m, &d);
		snprintf(em.stamp, sizeof em.stamp, "%04d%02d%02dT000000Z",
		    y, m, d);
	}
	psw_out_init(&out, stdout, fmt);
	if (fmt != PSW_FMT_ICS && (em.t = psw_table_new(&out, cols, 9)) ==
	    NULL) {
		rc = report_oom(&o.r);
		goto out;
	}
	em.keep = psw_out_keep_bytes();
	/* Each item is written as the index yields it; text keeps what it
	 * aligns, up to em.keep, then reads the items a second time (one
	 * read transaction: both passes see the same items). */
	db = psw_index_db(&cli->index);
	in_txn = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
	rc = psw_due_each(db, &q, due_emit_one, &em, &e);
	if (rc == 0 && em.measuring && !em.oom) {
		if (psw_table_stream_text(em.t) < 0)
			rc = 1;
		else {
			em.measuring = 0;
			em.second = 1;
			rc = psw_due_each(db, &q, due_emit_one, &em, &e);
		}
	}
	if (in_txn)
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (em.oom)
		rc = report_oom(&o.r);
	else if (rc < 0)
		rc = psw_cli_fail(cli, &e);
	else
		rc = 0;		/* stopped by a failed write: see below */
	if (fmt == PSW_FMT_ICS && em.nshown > 0)
		psw_ics_line(stdout, "END", "VCALENDAR", 0);
	if (em.t != NULL)
		psw_table_end(em.t);
	if (rc != 0)
		goto out;
	rc = em.nshown == 0 && cli->exit_status ? PSW_EEMPTY : 0;
	/* Remember what was shown only once it has surely been written. */
	if (have_seen && em.nshown > 0) {
		struct psw_buf b = PSW_BUF_INIT;

		if (fflush(stdout) == EOF || ferror(stdout))
			goto out;
		psw_buf_add(&b, sn.keep.s ? sn.keep.s : "", sn.keep.len);
		psw_buf_add(&b, em.shown.s ? em.shown.s : "", em.shown.len);
		if (b.oom)
			rc = report_oom(&o.r);
		else if (psw_write_atomic(sn.path, "report-due.seen", b.s,
		    b.len, &e) < 0)
			rc = psw_cli_fail(cli, &e);
		psw_buf_release(&b);
	}
out:
	psw_buf_release(&em.shown);
	if (have_seen)
		seen_release(&sn);
	return rc;
}

static const struct psw_cli_command commands[] = {
	{ "caseload", cmd_caseload },
	{ "due", cmd_due },
	{ "missing", cmd_missing },
	{ "outcomes", cmd_outcomes },
	{ "weekly", cmd_weekly },
};

int
main(int argc, char **argv)
{
	return psw_cli_main("psw-report", argc, argv, usage_text, commands,
	    sizeof commands / sizeof commands[0]);
}
