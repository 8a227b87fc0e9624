/*
 * psw-report weekly - the week's work: contacts, clients, goals,
 * actions, reviews, referrals and what is due next week, in text, md,
 * csv, json and a self-contained html page printable on A4.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "client.h"
#include "doc.h"
#include "instrument.h"
#include "report.h"

#define MAX_DAYS 366		/* the longest period a report covers */
#define MAX_METRICS 64

struct metric {
	const char *section, *key, *label;
	char dyn[40];			/* key of a by-kind metric */
	double v;
	int decimal;			/* one decimal (hours), else integer */
};

struct weekly {
	struct report r;
	const char *week, *from_s, *to_s;
	psw_date from, to, ref;		/* ref: min(to, today) */
	struct metric m[MAX_METRICS];
	size_t nm;
	int perday[MAX_DAYS];
	int ndays;
	struct report_rows notseen;	/* client */
	struct psw_due_list next;	/* due next week */
	struct report_rows notes;	/* client, date, kind, minutes, note */
	struct report_rows scores;	/* client, instrument, date, total,
					 * band, change, reliable, risk */
	struct psw_instruments *set;
};

enum { OPT_WEEK = ROPT_LOCAL, OPT_FROM, OPT_TO };

static int
weekly_opt(void *arg, int c, const char *val)
{
	struct weekly *w = arg;

	if (report_opt(&w->r, c, val) < 0)
		return -1;
	if (c == OPT_WEEK)
		w->week = val;
	else if (c == OPT_FROM)
		w->from_s = val;
	else if (c == OPT_TO)
		w->to_s = val;
	return -1;
}

/* Add a metric; its key is copied when dyn is set. */
static struct metric *
add_metric(struct weekly *w, const char *section, const char *key,
    const char *label, double v)
{
	struct metric *m;

	if (w->nm == MAX_METRICS)
		return NULL;
	m = &w->m[w->nm++];
	memset(m, 0, sizeof *m);
	m->section = section;
	m->key = key;
	m->label = label;
	m->v = v;
	return m;
}

/* Bind ?1 from, ?2 to, ?3 worker, ?4 ref on s. */
static void
bind_period(struct weekly *w, sqlite3_stmt *s)
{
	char d[PSW_DATE_LEN];

	sqlite3_bind_text(s, 1, psw_date_format(w->from, d), -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, psw_date_format(w->to, d), -1,
	    SQLITE_TRANSIENT);
	if (w->r.worker != NULL)
		sqlite3_bind_text(s, 3, w->r.worker, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, psw_date_format(w->ref, d), -1,
	    SQLITE_TRANSIENT);
}

/* The client filter: ?3 the worker (clients c). */
#define WORKER " AND (?3 IS NULL OR c.worker = ?3)"

/* The single-number queries, in report order. */
static const struct {
	const char *section, *key, *label, *sql;
} counts[] = {
	{ "clients", "new", "new clients",
	  "SELECT count(*) FROM clients c WHERE c.opened BETWEEN ?1 AND ?2"
	  WORKER },
	{ "clients", "closed", "clients closed",
	  "SELECT count(*) FROM clients c WHERE c.closed BETWEEN ?1 AND ?2"
	  WORKER },
	{ "goals", "achieved", "goals achieved",
	  "SELECT count(*) FROM goals g JOIN clients c ON c.id = g.client"
	  " WHERE g.status = 'achieved'" WORKER " AND (EXISTS (SELECT 1"
	  " FROM progress p WHERE p.client = g.client AND p.goal = g.id"
	  " AND p.date BETWEEN ?1 AND ?2) OR EXISTS (SELECT 1 FROM actions a"
	  " WHERE a.client = g.client AND a.goal = g.id"
	  " AND a.done BETWEEN ?1 AND ?2))" },
	{ "goals", "progressed", "goals with progress rated",
	  "SELECT count(DISTINCT p.client || ' ' || p.goal) FROM progress p"
	  " JOIN clients c ON c.id = p.client"
	  " WHERE p.date BETWEEN ?1 AND ?2" WORKER },
	{ "actions", "done", "actions done",
	  "SELECT count(*) FROM actions a JOIN clients c ON c.id = a.client"
	  " WHERE a.done BETWEEN ?1 AND ?2" WORKER },
	{ "actions", "overdue", "actions overdue",
	  "SELECT count(*) FROM actions a JOIN clients c ON c.id = a.client"
	  " JOIN goals g ON g.client = a.client AND g.id = a.goal"
	  " WHERE a.due < ?4 AND (a.done IS NULL OR a.done > ?4)"
	  " AND g.status NOT IN ('achieved', 'cancelled')"
	  " AND c.status <> 'closed'" WORKER },
	{ "reviews", "done", "plan reviews done",
	  "SELECT count(*) FROM reviews v JOIN clients c ON c.id = v.client"
	  " WHERE v.date BETWEEN ?1 AND ?2" WORKER },
	{ "reviews", "overdue", "plan reviews overdue",
	  "SELECT count(*) FROM clients c WHERE c.review_next < ?4"
	  " AND c.status <> 'closed'" WORKER },
};

/* Referral events counted by status, with the names the report uses. */
static const struct {
	const char *status, *key, *label;
} ref_events[] = {
	{ "requested", "sent", "referrals sent" },
	{ "accepted", "accepted", "referrals accepted" },
	{ "completed", "completed", "referrals completed" },
	{ "rejected", "rejected", "referrals rejected" },
	{ "failed", "failed", "referrals failed" },
};

/* Run a query of one number; rc an SQLite code. */
static int
one_number(struct weekly *w, const char *sql, double *v)
{
	sqlite3_stmt *s;
	int rc;

	rc = sqlite3_prepare_v2(psw_index_db(&w->r.cli->index), sql, -1, &s,
	    NULL);
	if (rc != SQLITE_OK)
		return rc;
	bind_period(w, s);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*v = sqlite3_column_double(s, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc;
}

/*
 * The assessments of the period with their change from the client's
 * previous score on the instrument (voided ones aside), reliable or not.
 */
static int
gather_scores(struct weekly *w)
{
	sqlite3_stmt *s;
	int rc, n = 0, imp = 0, none = 0, det = 0, flags = 0;

	rc = sqlite3_prepare_v2(psw_index_db(&w->r.cli->index),
	    "SELECT a.client, a.instrument, a.date, a.total, a.band, a.risk,"
	    " (SELECT b.total FROM assessments b WHERE b.client = a.client"
	    " AND b.instrument = a.instrument AND b.voided IS NULL"
	    " AND b.total IS NOT NULL AND (b.date < a.date"
	    " OR (b.date = a.date AND b.id < a.id))"
	    " ORDER BY b.date DESC, b.id DESC LIMIT 1)"
	    " FROM assessments a JOIN clients c ON c.id = a.client"
	    " WHERE a.voided IS NULL AND a.date BETWEEN ?1 AND ?2" WORKER
	    " ORDER BY a.date, a.client, a.instrument, a.id", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	bind_period(w, s);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *instr = (const char *)sqlite3_column_text(s, 1);
		const struct psw_instrument *in =
		    psw_instruments_find(w->set, instr);
		char pbuf[PSW_PSEUDONYM_LEN], tot[32], diff[32];
		const char *cells[8];
		struct psw_change ch;
		int has_total = sqlite3_column_type(s, 3) != SQLITE_NULL;
		int has_prev = sqlite3_column_type(s, 6) != SQLITE_NULL;

		n++;
		flags += sqlite3_column_type(s, 5) != SQLITE_NULL;
		ch.kind = PSW_CHANGE_UNKNOWN;
		if (has_total && has_prev && in != NULL) {
			psw_instrument_change(in, sqlite3_column_double(s, 6),
			    sqlite3_column_double(s, 3), &ch);
			snprintf(diff, sizeof diff, "%g", ch.diff);
			imp += ch.kind == PSW_CHANGE_IMPROVED;
			none += ch.kind == PSW_CHANGE_NONE;
			det += ch.kind == PSW_CHANGE_DETERIORATED;
		}
		snprintf(tot, sizeof tot, "%g", sqlite3_column_double(s, 3));
		cells[0] = report_client(&w->r,
		    (const char *)sqlite3_column_text(s, 0), pbuf);
		cells[1] = instr;
		cells[2] = (const char *)sqlite3_column_text(s, 2);
		cells[3] = has_total ? tot : NULL;
		cells[4] = (const char *)sqlite3_column_text(s, 4);
		cells[5] = has_total && has_prev && in != NULL ? diff : NULL;
		cells[6] = ch.kind == PSW_CHANGE_UNKNOWN ? NULL :
		    psw_change_name(ch.kind);
		cells[7] = (const char *)sqlite3_column_text(s, 5);
		if (report_rows_add(&w->scores, cells) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return rc;
	add_metric(w, "assessments", "done", "assessments done", n);
	add_metric(w, "assessments", "reliable_improvement",
	    "reliable improvement", imp);
	add_metric(w, "assessments", "no_reliable_change",
	    "no reliable change", none);
	add_metric(w, "assessments", "reliable_deterioration",
	    "reliable deterioration", det);
	add_metric(w, "assessments", "risk_flags", "risk flags raised",
	    flags);
	return SQLITE_OK;
}

/* Gather every number of the period; an SQLite code. */
static int
gather(struct weekly *w)
{
	sqlite3 *db = psw_index_db(&w->r.cli->index);
	sqlite3_stmt *s = NULL;
	double v = 0;
	size_t i;
	int rc, ncontacts, minutes, seen;

	/* Contacts. */
	rc = sqlite3_prepare_v2(db, "SELECT count(*), coalesce(sum(t.minutes),"
	    " 0), count(DISTINCT t.client) FROM contacts t JOIN clients c"
	    " ON c.id = t.client WHERE t.date BETWEEN ?1 AND ?2" WORKER, -1,
	    &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	bind_period(w, s);
	if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return rc;
	}
	ncontacts = sqlite3_column_int(s, 0);
	minutes = sqlite3_column_int(s, 1);
	seen = sqlite3_column_int(s, 2);
	sqlite3_finalize(s);
	add_metric(w, "contacts", "count", "contacts", ncontacts);
	add_metric(w, "contacts", "minutes", "minutes", minutes);
	add_metric(w, "contacts", "hours", "hours",
	    ((minutes * 10 + 30) / 60) / 10.0)->decimal = 1;
	add_metric(w, "contacts", "clients_seen", "clients seen", seen);

	/* Active clients not seen. */
	rc = sqlite3_prepare_v2(db, "SELECT c.id FROM clients c"
	    " WHERE c.status = 'active'" WORKER " AND NOT EXISTS (SELECT 1"
	    " FROM contacts t WHERE t.client = c.id"
	    " AND t.date BETWEEN ?1 AND ?2) ORDER BY c.id", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	bind_period(w, s);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char pbuf[PSW_PSEUDONYM_LEN];
		const char *cell = report_client(&w->r,
		    (const char *)sqlite3_column_text(s, 0), pbuf);

		if (report_rows_add(&w->notseen, &cell) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return rc;
	add_metric(w, "contacts", "clients_not_seen",
	    "active clients not seen", (double)w->notseen.n);

	/* Contacts by kind and by day. */
	rc = sqlite3_prepare_v2(db, "SELECT coalesce(t.kind, 'unspecified'),"
	    " count(*) FROM contacts t JOIN clients c ON c.id = t.client"
	    " WHERE t.date BETWEEN ?1 AND ?2" WORKER " GROUP BY 1 ORDER BY 1",
	    -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	bind_period(w, s);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct metric *m = add_metric(w, "contacts_by_kind", NULL, NULL,
		    sqlite3_column_int(s, 1));

		if (m == NULL)
			continue;
		snprintf(m->dyn, sizeof m->dyn, "%s",
		    (const char *)sqlite3_column_text(s, 0));
		m->key = m->label = m->dyn;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return rc;
	rc = sqlite3_prepare_v2(db, "SELECT t.date, count(*) FROM contacts t"
	    " JOIN clients c ON c.id = t.client"
	    " WHERE t.date BETWEEN ?1 AND ?2" WORKER " GROUP BY 1", -1, &s,
	    NULL);
	if (rc != SQLITE_OK)
		return rc;
	bind_period(w, s);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		psw_date d;

		if (psw_date_parse_iso((const char *)sqlite3_column_text(s, 0),
		    &d) == 0 && d >= w->from && d - w->from < w->ndays)
			w->perday[d - w->from] = sqlite3_column_int(s, 1);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return rc;

	for (i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		if ((rc = one_number(w, counts[i].sql, &v)) != SQLITE_OK)
			return rc;
		add_metric(w, counts[i].section, counts[i].key,
		    counts[i].label, v);
	}

	if ((rc = gather_scores(w)) != SQLITE_OK)
		return rc;

	/* Referrals: events of the period, and follow-ups overdue. */
	for (i = 0; i < sizeof ref_events / sizeof ref_events[0]; i++) {
		rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM"
		    " referral_events e JOIN clients c ON c.id = e.client"
		    " WHERE e.date BETWEEN ?1 AND ?2 AND e.status = ?5" WORKER,
		    -1, &s, NULL);
		if (rc != SQLITE_OK)
			return rc;
		bind_period(w, s);
		sqlite3_bind_text(s, 5, ref_events[i].status, -1,
		    SQLITE_STATIC);
		rc = sqlite3_step(s);
		v = sqlite3_column_double(s, 0);
		sqlite3_finalize(s);
		if (rc != SQLITE_ROW)
			return rc;
		add_metric(w, "referrals", ref_events[i].key,
		    ref_events[i].label, v);
	}
	if ((rc = one_number(w, "SELECT count(*) FROM referrals f JOIN"
	    " clients c ON c.id = f.client WHERE f.follow_up < ?4"
	    " AND c.status <> 'closed' AND coalesce(f.status, 'draft')"
	    " NOT IN ('completed', 'cancelled', 'rejected', 'failed')" WORKER,
	    &v)) != SQLITE_OK)
		return rc;
	add_metric(w, "referrals", "follow_up_overdue",
	    "referral follow-ups overdue", v);
	return SQLITE_OK;
}

/* The contact notes of the period, read from the client files (the
 * index keeps no note text). */
static int
gather_notes(struct weekly *w, struct psw_err *e)
{
	struct psw_cli *cli = w->r.cli;
	sqlite3_stmt *s;
	int rc;

	rc = sqlite3_prepare_v2(psw_index_db(&cli->index), "SELECT DISTINCT"
	    " t.client FROM contacts t JOIN clients c ON c.id = t.client"
	    " WHERE t.date BETWEEN ?1 AND ?2" WORKER " ORDER BY 1", -1, &s,
	    NULL);
	if (rc != SQLITE_OK)
		return psw_index_error(&cli->index, rc, "cannot read notes", e);
	bind_period(w, s);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(s, 0);
		struct psw_diags d = PSW_DIAGS_INIT;
		struct psw_doc *doc = NULL;
		struct psw_client *c;
		char name[96], *path;
		size_t i;

		psw_store_client_name(id, name, sizeof name);
		if ((path = psw_store_client_path(&cli->store, id)) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		rc = psw_doc_load_file(path, name, &doc, e);
		free(path);
		if (rc < 0) {
			sqlite3_finalize(s);
			return rc;
		}
		if (psw_client_read(doc, id, &c, &d) == -PSW_EIO) {
			psw_diags_release(&d);
			psw_doc_free(doc);
			rc = SQLITE_NOMEM;
			break;
		}
		psw_diags_release(&d);
		for (i = 0; c != NULL && i < c->ncontacts; i++) {
			const struct psw_contact *ct = &c->contacts[i];
			char date[PSW_DATE_LEN], min[16];
			const char *cells[5];

			if (ct->date < w->from || ct->date > w->to)
				continue;
			snprintf(min, sizeof min, "%d", ct->minutes);
			cells[0] = id;
			cells[1] = psw_date_format(ct->date, date);
			cells[2] = ct->kind;
			cells[3] = ct->minutes >= 0 ? min : NULL;
			cells[4] = ct->note;
			if (report_rows_add(&w->notes, cells) < 0)
				rc = SQLITE_NOMEM;
		}
		psw_doc_free(doc);
		if (rc == SQLITE_NOMEM)
			break;
		rc = SQLITE_ROW;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return psw_index_error(&cli->index, rc, "cannot read notes", e);
	return 0;
}

/* --- Writers --------------------------------------------------------- */

static const char *const section_titles[][2] = {
	{ "contacts", "Contacts" },
	{ "contacts_by_kind", "Contacts by kind" },
	{ "clients", "Clients" },
	{ "assessments", "Assessments" },
	{ "goals", "Goals" },
	{ "actions", "Actions" },
	{ "reviews", "Plan reviews" },
	{ "referrals", "Referrals" },
	{ "due_next_week", "Next week" },
	{ NULL, NULL }
};

static const char *
section_title(const char *sec)
{
	size_t i;

	for (i = 0; section_titles[i][0] != NULL; i++)
		if (strcmp(section_titles[i][0], sec) == 0)
			return section_titles[i][1];
	return sec;
}

static char *
fmt_value(const struct metric *m, char *buf, size_t size)
{
	if (m->decimal)
		snprintf(buf, size, "%.1f", m->v);
	else
		snprintf(buf, size, "%.0f", m->v);
	return buf;
}

/* The "what" of a due item as the report shows it. */
static const char *
due_what(const struct weekly *w, const struct psw_due_item *it)
{
	return w->r.deidentify ? psw_due_plain(it->kind) : it->what;
}

static void
write_text(struct weekly *w, FILE *fp)
{
	char f[PSW_DATE_LEN], t[PSW_DATE_LEN], v[32], pbuf[PSW_PSEUDONYM_LEN];
	const char *sec = "";
	size_t i;

	fprintf(fp, "Weekly report %s to %s", psw_date_format(w->from, f),
	    psw_date_format(w->to, t));
	if (w->r.worker != NULL) {
		fputs(" for ", fp);
		psw_put_text(fp, w->r.worker);
	}
	fputc('\n', fp);
	for (i = 0; i < w->nm; i++) {
		const struct metric *m = &w->m[i];

		if (strcmp(m->section, sec) != 0) {
			sec = m->section;
			fprintf(fp, "\n%s\n", section_title(sec));
		}
		fputs("  ", fp);
		psw_put_text(fp, m->label);
		fprintf(fp, "%*s%8s\n", (int)(30 - psw_text_width(m->label)),
		    "", fmt_value(m, v, sizeof v));
	}
	if (w->notseen.n > 0) {
		fputs("\nActive clients not seen\n ", fp);
		for (i = 0; i < w->notseen.n; i++) {
			fputc(' ', fp);
			psw_put_text(fp, w->notseen.v[i][0]);
		}
		fputc('\n', fp);
	}
	if (w->scores.n > 0)
		fputs("\nScores\n", fp);
	for (i = 0; i < w->scores.n; i++) {
		char **row = w->scores.v[i];

		fprintf(fp, "  %s  ", row[2]);
		psw_put_text(fp, row[0]);
		fprintf(fp, "  %s %s %s", row[1], row[3] ? row[3] : "-",
		    row[4] ? row[4] : "");
		if (row[5] != NULL)
			fprintf(fp, "  (%s%s: %s)", row[5][0] == '-' ? "" :
			    "+", row[5], row[6] ? row[6] : "");
		if (row[7] != NULL)
			fprintf(fp, "  risk flag %s", row[7]);
		fputc('\n', fp);
	}
	fprintf(fp, "\nDue next week (%zu)\n", w->next.n);
	for (i = 0; i < w->next.n; i++) {
		const struct psw_due_item *it = &w->next.v[i];

		fprintf(fp, "  %s  ", psw_date_format(it->due, f));
		psw_put_text(fp, report_client(&w->r, it->client, pbuf));
		fprintf(fp, "  %s  ", psw_due_kinds[it->kind]);
		psw_put_text(fp, due_what(w, it));
		fputc('\n', fp);
	}
	if (w->r.notes && w->notes.n > 0) {
		fputs("\nSession notes\n", fp);
		for (i = 0; i < w->notes.n; i++) {
			char **row = w->notes.v[i];

			fprintf(fp, "  %s  ", row[1]);
			psw_put_text(fp, row[0]);
			fputs("  ", fp);
			psw_put_text(fp, row[2] ? row[2] : "");
			fputs("\n    ", fp);
			psw_put_text(fp, row[4] ? row[4] : "");
			fputc('\n', fp);
		}
	}
}

static void
write_md(struct weekly *w, FILE *fp)
{
	char f[PSW_DATE_LEN], t[PSW_DATE_LEN], v[32], pbuf[PSW_PSEUDONYM_LEN];
	const char *sec = "";
	size_t i;

	fprintf(fp, "# Weekly report %s to %s\n", psw_date_format(w->from, f),
	    psw_date_format(w->to, t));
	if (w->r.worker != NULL) {
		fputs("\nWorker: ", fp);
		psw_put_md(fp, w->r.worker);
		fputc('\n', fp);
	}
	for (i = 0; i < w->nm; i++) {
		const struct metric *m = &w->m[i];

		if (strcmp(m->section, sec) != 0) {
			sec = m->section;
			fprintf(fp, "\n## %s\n\n| | |\n|---|---:|\n",
			    section_title(sec));
		}
		fputs("| ", fp);
		psw_put_md(fp, m->label);
		fprintf(fp, " | %s |\n", fmt_value(m, v, sizeof v));
	}
	if (w->notseen.n > 0) {
		fputs("\n## Active clients not seen\n\n", fp);
		for (i = 0; i < w->notseen.n; i++) {
			fputs("- ", fp);
			psw_put_md(fp, w->notseen.v[i][0]);
			fputc('\n', fp);
		}
	}
	if (w->scores.n > 0)
		fputs("\n## Scores\n\n| Date | Client | Instrument | Score | "
		    "Band | Change | Reliable change | Risk |\n"
		    "|---|---|---|---:|---|---:|---|---|\n", fp);
	for (i = 0; i < w->scores.n; i++) {
		char **row = w->scores.v[i];
		int k;

		fprintf(fp, "| %s | ", row[2]);
		psw_put_md(fp, row[0]);
		for (k = 1; k < 8; k++) {
			if (k == 2)
				continue;
			fputs(" | ", fp);
			psw_put_md(fp, row[k] ? row[k] : "");
		}
		fputs(" |\n", fp);
	}
	fputs("\n## Due next week\n\n", fp);
	if (w->next.n == 0)
		fputs("Nothing.\n", fp);
	else
		fputs("| Due | Client | Kind | What |\n|---|---|---|---|\n",
		    fp);
	for (i = 0; i < w->next.n; i++) {
		const struct psw_due_item *it = &w->next.v[i];

		fprintf(fp, "| %s | ", psw_date_format(it->due, f));
		psw_put_md(fp, report_client(&w->r, it->client, pbuf));
		fprintf(fp, " | %s | ", psw_due_kinds[it->kind]);
		psw_put_md(fp, due_what(w, it));
		fputs(" |\n", fp);
	}
	if (w->r.notes && w->notes.n > 0) {
		fputs("\n## Session notes\n\n", fp);
		for (i = 0; i < w->notes.n; i++) {
			char **row = w->notes.v[i];

			fprintf(fp, "- %s ", row[1]);
			psw_put_md(fp, row[0]);
			fputs(": ", fp);
			psw_put_md(fp, row[4] ? row[4] : "");
			fputc('\n', fp);
		}
	}
}

static int
write_csv(struct weekly *w, struct psw_out *out)
{
	static const struct psw_column cols[] = {
		{ "section", PSW_COL_STR, 0 },
		{ "metric", PSW_COL_STR, 0 },
		{ "value", PSW_COL_NUM, 0 },
	};
	struct psw_table *t;
	char v[32], f[PSW_DATE_LEN], c[32];
	size_t i;
	int d;

	if ((t = psw_table_new(out, cols, 3)) == NULL)
		return -1;
	for (i = 0; i < w->nm; i++) {
		const char *cells[3] = { w->m[i].section, w->m[i].key,
		    fmt_value(&w->m[i], v, sizeof v) };

		psw_table_row(t, cells);
	}
	for (d = 0; d < w->ndays; d++) {
		const char *cells[3] = { "contacts_by_day",
		    psw_date_format(w->from + d, f), c };

		snprintf(c, sizeof c, "%d", w->perday[d]);
		psw_table_row(t, cells);
	}
	return psw_table_end(t);
}

static int
write_json(struct weekly *w, FILE *fp)
{
	char f[PSW_DATE_LEN], pbuf[PSW_PSEUDONYM_LEN];
	struct psw_json j;
	const char *sec = NULL;
	size_t i;
	int d;

	psw_json_init(&j, fp, 1);
	psw_json_obj(&j);
	psw_json_key(&j, "from");
	psw_json_str(&j, psw_date_format(w->from, f));
	psw_json_key(&j, "to");
	psw_json_str(&j, psw_date_format(w->to, f));
	psw_json_key(&j, "worker");
	psw_json_str(&j, w->r.worker);
	psw_json_key(&j, "deidentified");
	psw_json_bool(&j, w->r.deidentify);
	for (i = 0; i < w->nm; i++) {
		const struct metric *m = &w->m[i];

		if (sec == NULL || strcmp(m->section, sec) != 0) {
			if (sec != NULL)
				psw_json_obj_end(&j);
			sec = m->section;
			psw_json_key(&j, sec);
			psw_json_obj(&j);
		}
		psw_json_key(&j, m->key);
		if (m->decimal)
			psw_json_num(&j, m->v);
		else
			psw_json_int(&j, (long long)m->v);
	}
	if (sec != NULL)
		psw_json_obj_end(&j);
	psw_json_key(&j, "contacts_by_day");
	psw_json_arr(&j);
	for (d = 0; d < w->ndays; d++) {
		psw_json_obj(&j);
		psw_json_key(&j, "date");
		psw_json_str(&j, psw_date_format(w->from + d, f));
		psw_json_key(&j, "count");
		psw_json_int(&j, w->perday[d]);
		psw_json_obj_end(&j);
	}
	psw_json_arr_end(&j);
	psw_json_key(&j, "clients_not_seen");
	psw_json_arr(&j);
	for (i = 0; i < w->notseen.n; i++)
		psw_json_str(&j, w->notseen.v[i][0]);
	psw_json_arr_end(&j);
	psw_json_key(&j, "scores");
	psw_json_arr(&j);
	for (i = 0; i < w->scores.n; i++) {
		static const char *const keys[8] = { "client", "instrument",
		    "date", "total", "band", "change", "reliable_change",
		    "risk" };
		char **row = w->scores.v[i];
		int k;

		psw_json_obj(&j);
		for (k = 0; k < 8; k++) {
			psw_json_key(&j, keys[k]);
			if ((k == 3 || k == 5) && row[k] != NULL)
				psw_json_num(&j, strtod(row[k], NULL));
			else
				psw_json_str(&j, row[k]);
		}
		psw_json_obj_end(&j);
	}
	psw_json_arr_end(&j);
	psw_json_key(&j, "due_next_week");
	psw_json_arr(&j);
	for (i = 0; i < w->next.n; i++) {
		const struct psw_due_item *it = &w->next.v[i];

		psw_json_obj(&j);
		psw_json_key(&j, "client");
		psw_json_str(&j, report_client(&w->r, it->client, pbuf));
		psw_json_key(&j, "kind");
		psw_json_str(&j, psw_due_kinds[it->kind]);
		psw_json_key(&j, "item");
		psw_json_str(&j, it->item);
		psw_json_key(&j, "what");
		psw_json_str(&j, due_what(w, it));
		psw_json_key(&j, "due");
		psw_json_str(&j, psw_date_format(it->due, f));
		psw_json_obj_end(&j);
	}
	psw_json_arr_end(&j);
	if (w->r.notes) {
		psw_json_key(&j, "notes");
		psw_json_arr(&j);
		for (i = 0; i < w->notes.n; i++) {
			char **row = w->notes.v[i];

			psw_json_obj(&j);
			psw_json_key(&j, "client");
			psw_json_str(&j, row[0]);
			psw_json_key(&j, "date");
			psw_json_str(&j, row[1]);
			psw_json_key(&j, "kind");
			psw_json_str(&j, row[2]);
			psw_json_key(&j, "note");
			psw_json_str(&j, row[4]);
			psw_json_obj_end(&j);
		}
		psw_json_arr_end(&j);
	}
	psw_json_obj_end(&j);
	return psw_json_end(&j);
}

/* A bar chart of contacts per day as inline SVG. */
static void
write_svg_days(struct weekly *w, FILE *fp)
{
	static const char *const wd[] = { "", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat", "Sun" };
	int width = 640, height = 180, base = 150, top = 20, max = 1, d;
	double bw;

	for (d = 0; d < w->ndays; d++)
		if (w->perday[d] > max)
			max = w->perday[d];
	bw = (double)(width - 40) / w->ndays;
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\" width=\"100%%\" role=\"img\" "
	    "aria-label=\"Contacts per day\">\n", width, height);
	fprintf(fp, "<line x1=\"30\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#666\"/>\n", base, width - 10, base);
	for (d = 0; d < w->ndays; d++) {
		double h = (double)(base - top) * w->perday[d] / max;
		double x = 35 + d * bw;
		char f[PSW_DATE_LEN];

		fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"#4a7ab5\"><title>%s: %d</title>"
		    "</rect>\n", x, base - h, bw * 0.7, h,
		    psw_date_format(w->from + d, f), w->perday[d]);
		if (w->perday[d] > 0)
			fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" "
			    "text-anchor=\"middle\" font-size=\"11\">%d"
			    "</text>\n", x + bw * 0.35, base - h - 3,
			    w->perday[d]);
		if (w->ndays <= 14)
			fprintf(fp, "<text x=\"%.1f\" y=\"%d\" "
			    "text-anchor=\"middle\" font-size=\"11\">%s %s"
			    "</text>\n", x + bw * 0.35, base + 16,
			    wd[psw_date_weekday(w->from + d)], f + 8);
	}
	fputs("</svg>\n", fp);
}

/*
 * The period's scores as a table, and for each client seen in the period
 * a small line chart of every score per instrument up to the period's
 * end, scaled to the instrument's range.
 */
static void
write_html_scores(struct weekly *w, FILE *fp)
{
	static const char *const colours[] = { "#4a7ab5", "#c0504d",
	    "#9bbb59", "#8064a2", "#f79646" };
	char f[PSW_DATE_LEN], t[PSW_DATE_LEN], pbuf[PSW_PSEUDONYM_LEN];
	sqlite3_stmt *s;
	size_t i;
	int rc, k;

	if (w->scores.n > 0) {
		fputs("<section>\n<h2>Scores</h2>\n<table>\n<tr><th>Date</th>"
		    "<th>Client</th><th>Instrument</th><th>Score</th>"
		    "<th>Band</th><th>Change</th><th>Reliable change</th>"
		    "<th>Risk</th></tr>\n", fp);
		for (i = 0; i < w->scores.n; i++) {
			char **row = w->scores.v[i];

			fputs("<tr>", fp);
			for (k = 0; k < 8; k++) {
				static const int order[8] = { 2, 0, 1, 3, 4,
				    5, 6, 7 };

				fputs("<td>", fp);
				psw_put_html(fp, row[order[k]] ?
				    row[order[k]] : "");
				fputs("</td>", fp);
			}
			fputs("</tr>\n", fp);
		}
		fputs("</table>\n</section>\n", fp);
	}
	rc = sqlite3_prepare_v2(psw_index_db(&w->r.cli->index),
	    "SELECT a.client, a.instrument, a.date, a.total FROM assessments a"
	    " JOIN clients c ON c.id = a.client WHERE a.voided IS NULL"
	    " AND a.total IS NOT NULL AND a.date <= ?2" WORKER
	    " AND EXISTS (SELECT 1 FROM contacts t WHERE t.client = a.client"
	    " AND t.date BETWEEN ?1 AND ?2)"
	    " ORDER BY a.client, a.instrument, a.date, a.id", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return;
	bind_period(w, s);
	{
		char client[PSW_ID_MAX + 1] = "", instr[128] = "";
		double xs[64], ys[64];
		int n = 0, ninstr = 0, open = 0;
		psw_date d0 = 0, d1 = 0;

		/* One chart a client: a polyline per instrument. */
		for (;;) {
			const char *c = NULL, *in = NULL;
			psw_date d = 0;

			rc = sqlite3_step(s);
			if (rc == SQLITE_ROW) {
				c = (const char *)sqlite3_column_text(s, 0);
				in = (const char *)sqlite3_column_text(s, 1);
				if (psw_date_parse_iso((const char *)
				    sqlite3_column_text(s, 2), &d) < 0)
					continue;
			}
			if (n > 0 && (rc != SQLITE_ROW || strcmp(c, client) ||
			    strcmp(in, instr))) {
				const struct psw_instrument *ins =
				    psw_instruments_find(w->set, instr);
				double lo = ins ? ins->min_total : 0;
				double hi = ins && ins->max_total > lo ?
				    ins->max_total : lo + 1;

				fprintf(fp, "<polyline fill=\"none\" "
				    "stroke=\"%s\" stroke-width=\"2\" "
				    "points=\"", colours[ninstr % 5]);
				for (k = 0; k < n; k++)
					fprintf(fp, "%s%.1f,%.1f", k ? " " : "",
					    40 + 520.0 * (xs[k] - d0) /
					    (d1 > d0 ? d1 - d0 : 1),
					    110 - 90.0 * (ys[k] - lo) /
					    (hi - lo));
				fprintf(fp, "\"/>\n<text x=\"565\" "
				    "y=\"%d\" font-size=\"11\" fill=\"%s\">",
				    20 + 14 * ninstr, colours[ninstr % 5]);
				psw_put_html(fp, instr);
				fputs("</text>\n", fp);
				ninstr++;
				n = 0;
			}
			if (open && (rc != SQLITE_ROW ||
			    strcmp(c, client) != 0)) {
				fputs("</svg>\n", fp);
				open = 0;
			}
			if (rc != SQLITE_ROW)
				break;
			if (!open) {
				if (*client == '\0')
					fputs("<section>\n<h2>Scores over "
					    "time, clients seen</h2>\n", fp);
				snprintf(client, sizeof client, "%s", c);
				/* The chart spans the client's first score
				 * to the end of the period. */
				d0 = d;
				d1 = w->to;
				fputs("<h3>", fp);
				psw_put_html(fp, report_client(&w->r, c, pbuf));
				fprintf(fp, "</h3>\n<svg xmlns=\"http://www.w3."
				    "org/2000/svg\" viewBox=\"0 0 640 130\" "
				    "width=\"100%%\" role=\"img\">\n"
				    "<line x1=\"40\" y1=\"110\" x2=\"560\" "
				    "y2=\"110\" stroke=\"#999\"/>\n"
				    "<text x=\"40\" y=\"125\" "
				    "font-size=\"10\">%s</text>\n"
				    "<text x=\"560\" y=\"125\" "
				    "font-size=\"10\" text-anchor=\"end\">"
				    "%s</text>\n", psw_date_format(d0, f),
				    psw_date_format(d1, t));
				open = 1;
				ninstr = 0;
			}
			if (n == 0)
				snprintf(instr, sizeof instr, "%s", in);
			if (n < 64) {
				xs[n] = d;
				ys[n] = sqlite3_column_double(s, 3);
				n++;
			}
		}
		if (*client != '\0')
			fputs("</section>\n", fp);
	}
	sqlite3_finalize(s);
}

static void
write_html(struct weekly *w, FILE *fp)
{
	char f[PSW_DATE_LEN], t[PSW_DATE_LEN], v[32], pbuf[PSW_PSEUDONYM_LEN];
	const char *sec = "";
	size_t i;

	psw_date_format(w->from, f);
	psw_date_format(w->to, t);
	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>Weekly report %s to %s</title>\n"
	    "<style>\n"
	    "@page { size: A4; margin: 15mm; }\n"
	    "body { font: 10.5pt/1.4 sans-serif; color: #222; "
	    "max-width: 180mm; margin: 0 auto; }\n"
	    "h1 { font-size: 16pt; margin-bottom: 0; }\n"
	    "h2 { font-size: 12.5pt; border-bottom: 1px solid #999; "
	    "margin-top: 1.2em; }\n"
	    "table { border-collapse: collapse; width: 100%%; }\n"
	    "th, td { text-align: left; padding: 2px 8px; "
	    "border-bottom: 1px solid #ddd; }\n"
	    "td.n { text-align: right; width: 6em; }\n"
	    "section { break-inside: avoid; page-break-inside: avoid; }\n"
	    ".meta { color: #555; }\n"
	    "@media print { body { max-width: none; } }\n"
	    "</style>\n</head>\n<body>\n", f, t);
	fprintf(fp, "<h1>Weekly report %s to %s</h1>\n", f, t);
	fputs("<p class=\"meta\">", fp);
	if (w->r.cli->store.set.organisation[0] != '\0') {
		psw_put_html(fp, w->r.cli->store.set.organisation);
		fputs(". ", fp);
	}
	if (w->r.worker != NULL) {
		fputs("Worker: ", fp);
		psw_put_html(fp, w->r.worker);
		fputs(". ", fp);
	}
	if (w->r.deidentify)
		fputs("De-identified. ", fp);
	fputs("</p>\n<section>\n<h2>Contacts per day</h2>\n", fp);
	write_svg_days(w, fp);
	fputs("</section>\n", fp);
	for (i = 0; i < w->nm; i++) {
		const struct metric *m = &w->m[i];

		if (strcmp(m->section, sec) != 0) {
			if (*sec != '\0')
				fputs("</table>\n</section>\n", fp);
			sec = m->section;
			fprintf(fp, "<section>\n<h2>%s</h2>\n<table>\n",
			    section_title(sec));
		}
		fputs("<tr><td>", fp);
		psw_put_html(fp, m->label);
		fprintf(fp, "</td><td class=\"n\">%s</td></tr>\n",
		    fmt_value(m, v, sizeof v));
	}
	if (*sec != '\0')
		fputs("</table>\n</section>\n", fp);
	if (w->notseen.n > 0) {
		fputs("<section>\n<h2>Active clients not seen</h2>\n<p>", fp);
		for (i = 0; i < w->notseen.n; i++) {
			if (i > 0)
				fputs(", ", fp);
			psw_put_html(fp, w->notseen.v[i][0]);
		}
		fputs("</p>\n</section>\n", fp);
	}
	write_html_scores(w, fp);
	fputs("<section>\n<h2>Due next week</h2>\n", fp);
	if (w->next.n == 0)
		fputs("<p>Nothing.</p>\n", fp);
	else
		fputs("<table>\n<tr><th>Due</th><th>Client</th><th>Kind</th>"
		    "<th>What</th></tr>\n", fp);
	for (i = 0; i < w->next.n; i++) {
		const struct psw_due_item *it = &w->next.v[i];

		fprintf(fp, "<tr><td>%s</td><td>",
		    psw_date_format(it->due, f));
		psw_put_html(fp, report_client(&w->r, it->client, pbuf));
		fprintf(fp, "</td><td>%s</td><td>", psw_due_kinds[it->kind]);
		psw_put_html(fp, due_what(w, it));
		fputs("</td></tr>\n", fp);
	}
	if (w->next.n > 0)
		fputs("</table>\n", fp);
	fputs("</section>\n", fp);
	if (w->r.notes && w->notes.n > 0) {
		fputs("<section>\n<h2>Session notes</h2>\n<dl>\n", fp);
		for (i = 0; i < w->notes.n; i++) {
			char **row = w->notes.v[i];

			fprintf(fp, "<dt>%s ", row[1]);
			psw_put_html(fp, row[0]);
			fputs("</dt><dd>", fp);
			psw_put_html(fp, row[4] ? row[4] : "");
			fputs("</dd>\n", fp);
		}
		fputs("</dl>\n</section>\n", fp);
	}
	fputs("</body>\n</html>\n", fp);
}

/* Work out the period from --week, --from/--to or today. */
static int
weekly_period(struct weekly *w, struct psw_err *e)
{
	struct psw_cli *cli = w->r.cli;
	psw_date a, b;
	int ws = cli->store.set.week_start;

	if (w->week != NULL && (w->from_s != NULL || w->to_s != NULL))
		return psw_error(e, PSW_EUSAGE, "use --week or --from and "
		    "--to, not both");
	if (w->week != NULL) {
		if (psw_period_parse(w->week, cli->today, &a, &b, e) < 0)
			return -PSW_EUSAGE;
		if (a == b) {		/* a day: its ISO week */
			a -= psw_date_weekday(a) - 1;
			b = a + 6;
		}
	} else if (w->from_s != NULL || w->to_s != NULL) {
		if (w->from_s == NULL || w->to_s == NULL)
			return psw_error(e, PSW_EUSAGE, "--from and --to go "
			    "together");
		if (psw_date_parse(w->from_s, cli->today, &a, e) < 0 ||
		    psw_date_parse(w->to_s, cli->today, &b, e) < 0)
			return -PSW_EUSAGE;
	} else {
		/* The week holding today, starting on the week-start day. */
		a = cli->today - (psw_date_weekday(cli->today) - ws + 7) % 7;
		b = a + 6;
	}
	if (b < a)
		return psw_error(e, PSW_EUSAGE, "the period ends before it "
		    "starts");
	if (b - a + 1 > MAX_DAYS)
		return psw_error(e, PSW_EUSAGE, "a period of at most %d days, "
		    "please", MAX_DAYS);
	w->from = a;
	w->to = b;
	w->ndays = b - a + 1;
	w->ref = b < cli->today ? b : cli->today;
	return 0;
}

int
cmd_weekly(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		REPORT_LONGOPTS,
		{ "week", required_argument, NULL, OPT_WEEK },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
	};
	struct weekly *w;
	struct psw_out out;
	struct psw_err e;
	enum psw_format fmt;
	size_t i, j;
	int rc;

	if ((w = calloc(1, sizeof *w)) == NULL) {
		psw_error(&e, PSW_EIO, "out of memory");
		return psw_cli_fail(cli, &e);
	}
	w->r.cli = cli;
	w->notseen.ncols = 1;
	w->notes.ncols = 5;
	w->scores.ncols = 8;
	rc = psw_cli_parse(cli, argc, argv, local, sizeof local /
	    sizeof local[0], weekly_opt, w,
	    "usage: psw-report weekly [--week W | --from D --to D] "
	    "[--worker W]\n"
	    "           [--deidentify] [--notes] "
	    "[--format text|md|csv|json|html]\n");
	if (rc >= 0)
		goto out;
	rc = -1;
	if (optind < argc)
		rc = psw_cli_usage_error(cli, "weekly takes no arguments "
		    "('%s')", argv[optind]);
	else if (w->r.notes && w->r.deidentify)
		rc = psw_cli_usage_error(cli, "--notes cannot be "
		    "de-identified: note text names people");
	else if (psw_cli_format(cli, PSW_FMT_BIT(PSW_FMT_TEXT) |
	    PSW_FMT_BIT(PSW_FMT_MD) | PSW_FMT_BIT(PSW_FMT_CSV) |
	    PSW_FMT_BIT(PSW_FMT_JSON) | PSW_FMT_BIT(PSW_FMT_HTML), &fmt,
	    &e) < 0)
		rc = psw_cli_usage_error(cli, "%s", e.msg);
	else if (w->r.notes && fmt == PSW_FMT_CSV)
		rc = psw_cli_usage_error(cli, "--notes: csv holds the numbers "
		    "only (use text, md, json or html)");
	if (rc >= 0)
		goto out;
	if (psw_cli_open(cli, 0, &e) < 0 || report_start(&w->r, &e) < 0) {
		rc = psw_cli_fail(cli, &e);
		goto out;
	}
	/* A report reads each page about once: SQLite's page cache (16 MB
	 * by default here, sized for sync) would only grow the peak. */
	sqlite3_exec(psw_index_db(&cli->index), "PRAGMA cache_size = -2000",
	    NULL, NULL, NULL);
	if (psw_instruments_load(cli->store.home, &w->set, &e) < 0) {
		rc = psw_cli_fail(cli, &e);
		goto out;
	}
	if (weekly_period(w, &e) < 0) {
		rc = psw_cli_usage_error(cli, "%s", e.msg);
		goto out;
	}
	if ((rc = gather(w)) != SQLITE_OK) {
		rc = report_db_fail(&w->r, rc, "cannot write the weekly report");
		goto out;
	}
	/* Due next week: the seven days after the period (overdue items
	 * are not next week's). */
	w->r.due_upcoming = 1;
	if (report_due(&w->r, w->to + 1, w->to + 7, NULL, &w->next, &e) < 0) {
		rc = psw_cli_fail(cli, &e);
		goto out;
	}
	/* Overdue items are not next week's: keep only those due in it. */
	for (i = j = 0; i < w->next.n; i++) {
		if (w->next.v[i].days >= 0) {
			w->next.v[j++] = w->next.v[i];
			continue;
		}
		psw_due_item_release(&w->next.v[i]);
	}
	w->next.n = j;
	add_metric(w, "due_next_week", "items", "items due next week",
	    (double)w->next.n);
	if (w->r.notes && gather_notes(w, &e) < 0) {
		rc = psw_cli_fail(cli, &e);
		goto out;
	}
	psw_out_init(&out, stdout, fmt);
	rc = 0;
	switch (fmt) {
	case PSW_FMT_MD:
		write_md(w, stdout);
		break;
	case PSW_FMT_CSV:
		write_csv(w, &out);
		break;
	case PSW_FMT_JSON:
		write_json(w, stdout);
		break;
	case PSW_FMT_HTML:
		write_html(w, stdout);
		break;
	default:
		write_text(w, stdout);
		break;
	}
out:
	report_rows_release(&w->notseen);
	report_rows_release(&w->notes);
	report_rows_release(&w->scores);
	psw_instruments_free(w->set);
	psw_due_release(&w->next);
	free(w);
	return rc;
}
