/*
 * psw-report caseload and missing: one row per open client, and what
 * each client's record lacks.
 */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "instrument.h"
#include "report.h"

/*
 * Scores for the caseload: every total not voided, read alongside the
 * clients (both in id order), so that only one client's are in hand.
 */
struct scores {
	sqlite3_stmt *s;
	int rc;				/* SQLITE_ROW while a row is current */
	struct psw_buf instr, band;	/* of the instrument being read */
};

/* Start reading the scores, ordered by client, instrument and date. */
static int
scores_open(sqlite3 *db, struct scores *sc)
{
	int rc;

	rc = sqlite3_prepare_v2(db, "SELECT client, instrument, total, band"
	    " FROM assessments WHERE voided IS NULL"
	    " AND total IS NOT NULL"
	    " ORDER BY client, instrument, date, id", -1, &sc->s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sc->rc = sqlite3_step(sc->s);
	return sc->rc == SQLITE_ROW || sc->rc == SQLITE_DONE ? SQLITE_OK :
	    sc->rc;
}

/* The client of the current score, or NULL at the end. */
static const char *
scores_client(const struct scores *sc)
{
	return sc->rc == SQLITE_ROW ?
	    (const char *)sqlite3_column_text(sc->s, 0) : NULL;
}

/* SQLITE_OK, or the error that ended the reading. */
static int
scores_close(struct scores *sc)
{
	int rc = sc->rc == SQLITE_ROW || sc->rc == SQLITE_DONE ? SQLITE_OK :
	    sc->rc;

	sqlite3_finalize(sc->s);
	psw_buf_release(&sc->instr);
	psw_buf_release(&sc->band);
	return rc;
}

/*
 * The latest score and band per instrument of client id ("phq-9 8 mild,
 * gad-7 4 minimal") into latest, and the last eight totals per
 * instrument into trend: a sparkline of block characters scaled to the
 * instrument's range when spark is set (a terminal), else the numbers
 * ("phq-9 27 15 8").  Clients must come in id order.
 */
static void
scores_of(struct scores *sc, const struct psw_instruments *set,
    const char *id, int spark, struct psw_buf *latest, struct psw_buf *trend)
{
	static const char *const blocks[8] = { "\u2581", "\u2582", "\u2583",
	    "\u2584", "\u2585", "\u2586", "\u2587", "\u2588" };
	const char *c;
	double tot[8];
	size_t n, j;
	int hasband = 0;

	psw_buf_reset(latest);
	psw_buf_reset(trend);
	while ((c = scores_client(sc)) != NULL && strcmp(c, id) < 0)
		sc->rc = sqlite3_step(sc->s);
	while ((c = scores_client(sc)) != NULL && strcmp(c, id) == 0) {
		const struct psw_instrument *in;
		const char *b;

		psw_buf_reset(&sc->instr);
		psw_buf_adds(&sc->instr,
		    (const char *)sqlite3_column_text(sc->s, 1));
		if (sc->instr.oom) {
			latest->oom = 1;
			return;
		}
		n = 0;
		do {
			tot[n++ % 8] = sqlite3_column_double(sc->s, 2);
			psw_buf_reset(&sc->band);
			b = (const char *)sqlite3_column_text(sc->s, 3);
			hasband = b != NULL;
			if (b != NULL && psw_buf_adds(&sc->band, b) < 0) {
				latest->oom = 1;
				return;
			}
			sc->rc = sqlite3_step(sc->s);
		} while ((c = scores_client(sc)) != NULL &&
		    strcmp(c, id) == 0 && strcmp((const char *)
		    sqlite3_column_text(sc->s, 1), sc->instr.s) == 0);
		in = psw_instruments_find(set, sc->instr.s);
		if (latest->len > 0)
			psw_buf_adds(latest, ", ");
		psw_buf_addf(latest, "%s %g%s%s", sc->instr.s,
		    tot[(n - 1) % 8], hasband ? " " : "",
		    hasband && sc->band.len ? sc->band.s : "");
		if (trend->len > 0)
			psw_buf_adds(trend, spark ? "  " : ", ");
		psw_buf_addf(trend, "%s ", sc->instr.s);
		for (j = n > 8 ? n - 8 : 0; j < n; j++) {
			double t = tot[j % 8], a = 0, bb = 1;
			int k;

			if (!spark) {
				psw_buf_addf(trend, "%s%g", j > (n > 8 ?
				    n - 8 : 0) ? " " : "", t);
				continue;
			}
			if (in != NULL && in->max_total > in->min_total) {
				a = in->min_total;
				bb = in->max_total;
			}
			k = (int)((t - a) / (bb - a) * 7 + 0.5);
			psw_buf_adds(trend, blocks[k < 0 ? 0 : k > 7 ? 7 : k]);
		}
	}
}

/* Parse the options of a report that has only the shared ones. */
static int
plain_opt(void *arg, int c, const char *val)
{
	report_opt(arg, c, val);
	return -1;
}

/* Common start of caseload and missing: options, format, open. */
static int
plain_start(struct report *r, int argc, char **argv, const char *usage,
    enum psw_format *fmt)
{
	static const struct option local[] = { REPORT_LONGOPTS };
	struct psw_cli *cli = r->cli;
	struct psw_err e;
	int rc;

	rc = psw_cli_parse(cli, argc, argv, local, REPORT_NLONGOPTS,
	    plain_opt, r, usage);
	if (rc >= 0)
		return rc;
	if (optind < argc)
		return psw_cli_usage_error(cli, "%s takes no arguments ('%s')",
		    argv[0], argv[optind]);
	if (psw_cli_format(cli, PSW_FMT_LISTING, fmt, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_open(cli, 0, &e) < 0 || report_start(r, &e) < 0)
		return psw_cli_fail(cli, &e);
	/* A report reads each page about once: SQLite's page cache (16 MB
	 * by default here, sized for sync) would only grow the peak. */
	sqlite3_exec(psw_index_db(&cli->index), "PRAGMA cache_size = -2000",
	    NULL, NULL, NULL);
	return -1;
}

/* --- caseload -------------------------------------------------------- */

int
cmd_caseload(struct psw_cli *cli, int argc, char **argv)
{
	static const struct psw_column cols[] = {
		{ "client", PSW_COL_STR, 0 },
		{ "name", PSW_COL_STR, 0 },
		{ "age", PSW_COL_STR, 0 },
		{ "status", PSW_COL_STR, 0 },
		{ "worker", PSW_COL_STR, 0 },
		{ "last_contact", PSW_COL_DATE, 0 },
		{ "days_since_contact", PSW_COL_INT, PSW_COL_RIGHT },
		{ "next_due", PSW_COL_STR, 0 },
		{ "next_due_date", PSW_COL_DATE, 0 },
		{ "open_referrals", PSW_COL_INT, PSW_COL_RIGHT },
		{ "safety_plan", PSW_COL_BOOL, 0 },
		{ "safety_reviewed", PSW_COL_DATE, 0 },
		{ "risk", PSW_COL_STR, 0 },
		{ "scores", PSW_COL_STR, 0 },
		{ "trend", PSW_COL_STR, 0 },
	};
	enum { NCOLS = sizeof cols / sizeof cols[0] };
	struct report r;
	struct report_rows rows = { NULL, 0, 0, NCOLS };
	struct psw_due_query dq;
	struct psw_due_first *df = NULL;
	struct psw_instruments *set = NULL;
	struct scores sc = { NULL, SQLITE_DONE, PSW_BUF_INIT, PSW_BUF_INIT };
	struct psw_buf latest = PSW_BUF_INIT, trend = PSW_BUF_INIT;
	enum psw_format fmt;
	int spark;
	struct psw_out out;
	struct psw_table *t = NULL;
	struct psw_err e;
	sqlite3_stmt *s = NULL;
	size_t nrows = 0;
	int rc;

	memset(&r, 0, sizeof r);
	r.cli = cli;
	rc = plain_start(&r, argc, argv, "usage: psw-report caseload "
	    "[--worker W] [--deidentify] [--format F]\n", &fmt);
	if (rc >= 0)
		return rc;
	/* Each client's most pressing item due in the next five years,
	 * looked up as its row comes (one seek; nothing held). */
	memset(&dq, 0, sizeof dq);
	dq.today = cli->today;
	dq.until = cli->today + 5 * 366;
	if (psw_due_first_open(psw_index_db(&cli->index), &dq, &df, &e) < 0)
		return psw_cli_fail(cli, &e);
	if (psw_instruments_load(cli->store.home, &set, &e) < 0) {
		rc = psw_cli_fail(cli, &e);
		goto out;
	}
	if ((rc = scores_open(psw_index_db(&cli->index), &sc)) != SQLITE_OK) {
		rc = report_db_fail(&r, rc, "cannot read the scores");
		goto out;
	}
	spark = fmt == PSW_FMT_TEXT && isatty(fileno(stdout));
	/* Rows in id order go straight into an aligned text table, which
	 * keeps them to the end anyway; other formats (which would stream)
	 * and pseudonyms (sorted first) keep them in rows. */
	psw_out_init(&out, stdout, fmt);
	if (fmt == PSW_FMT_TEXT && !r.deidentify &&
	    (t = psw_table_new(&out, cols, NCOLS)) == NULL) {
		rc = report_oom(&r);
		goto out;
	}

	rc = sqlite3_prepare_v2(psw_index_db(&cli->index),
	    "SELECT c.id, c.name, c.dob, c.status, c.worker, c.last_contact,"
	    " (SELECT count(*) FROM referrals f WHERE f.client = c.id AND"
	    " coalesce(f.status, 'draft') NOT IN ('completed', 'cancelled',"
	    " 'rejected', 'failed')), c.safety_plan, c.safety_reviewed,"
	    " (SELECT max(CASE a.risk WHEN 'high' THEN 3 WHEN 'moderate'"
	    " THEN 2 WHEN 'low' THEN 1 ELSE 0 END) FROM assessments a"
	    " INDEXED BY assessments_risk"
	    " WHERE a.client = c.id AND a.risk IS NOT NULL"
	    " AND a.voided IS NULL AND NOT EXISTS (SELECT 1 FROM assessments b"
	    " WHERE b.client = a.client AND b.instrument = a.instrument"
	    " AND b.voided IS NULL AND (b.date > a.date"
	    " OR (b.date = a.date AND b.id > a.id))))"
	    " FROM clients c WHERE c.status <> 'closed'"
	    " AND (?1 IS NULL OR c.worker = ?1) ORDER BY c.id", -1, &s, NULL);
	if (rc != SQLITE_OK) {
		rc = report_db_fail(&r, rc, "cannot list the caseload");
		goto out;
	}
	if (r.worker != NULL)
		sqlite3_bind_text(s, 1, r.worker, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(s, 0);
		const char *dob = (const char *)sqlite3_column_text(s, 2);
		const char *last = (const char *)sqlite3_column_text(s, 5);
		enum psw_due_kind nk = PSW_DUE_ACTION;
		psw_date ndue = PSW_DATE_NONE;
		int has_due;
		char pbuf[PSW_PSEUDONYM_LEN], age[16], since[16], nref[16];
		char ndd[PSW_DATE_LEN];
		const char *cells[NCOLS];
		psw_date d;

		if ((has_due = psw_due_first_get(df, id, &nk, &ndue)) < 0) {
			rc = SQLITE_CORRUPT;
			break;
		}
		age[0] = since[0] = '\0';
		if (dob != NULL && psw_date_parse_iso(dob, &d) == 0) {
			if (r.deidentify)
				psw_age_band(d, cli->today, age, sizeof age);
			else if (psw_age(d, cli->today) >= 0)
				snprintf(age, sizeof age, "%d",
				    psw_age(d, cli->today));
		}
		if (last != NULL && psw_date_parse_iso(last, &d) == 0)
			snprintf(since, sizeof since, "%d", cli->today - d);
		snprintf(nref, sizeof nref, "%d", sqlite3_column_int(s, 6));
		cells[0] = report_client(&r, id, pbuf);
		cells[1] = r.deidentify ? NULL :
		    (const char *)sqlite3_column_text(s, 1);
		cells[2] = age[0] ? age : NULL;
		cells[3] = (const char *)sqlite3_column_text(s, 3);
		cells[4] = (const char *)sqlite3_column_text(s, 4);
		cells[5] = last;
		cells[6] = since[0] ? since : NULL;
		cells[7] = has_due ? psw_due_kinds[nk] : NULL;
		cells[8] = has_due ? psw_date_format(ndue, ndd) : NULL;
		cells[9] = nref;
		cells[10] = sqlite3_column_int(s, 7) ? "1" : "0";
		cells[11] = (const char *)sqlite3_column_text(s, 8);
		cells[12] = sqlite3_column_int(s, 9) > 0 ?
		    psw_level_name(sqlite3_column_int(s, 9)) : NULL;
		scores_of(&sc, set, id, spark, &latest, &trend);
		if (latest.oom || trend.oom) {
			rc = SQLITE_NOMEM;
			break;
		}
		cells[13] = latest.len ? latest.s : NULL;
		cells[14] = trend.len ? trend.s : NULL;
		if (t != NULL ? psw_table_row(t, cells) < 0 :
		    report_rows_add(&rows, cells) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		nrows++;
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE && sc.rc != SQLITE_ROW && sc.rc != SQLITE_DONE)
		rc = sc.rc;
	if (rc != SQLITE_DONE) {
		rc = report_db_fail(&r, rc, "cannot list the caseload");
		goto out;
	}
	if (t != NULL) {
		psw_table_end(t);
		t = NULL;
	} else
		report_rows_emit(&rows, &out, cols, r.deidentify);
	rc = nrows == 0 && cli->exit_status ? PSW_EEMPTY : 0;
out:
	psw_table_discard(t);
	psw_due_first_close(df);
	report_rows_release(&rows);
	scores_close(&sc);
	psw_instruments_free(set);
	psw_buf_release(&latest);
	psw_buf_release(&trend);
	return rc;
}

/* --- missing --------------------------------------------------------- */

int
cmd_missing(struct psw_cli *cli, int argc, char **argv)
{
	static const struct psw_column cols[] = {
		{ "client", PSW_COL_STR, 0 },
		{ "lacks", PSW_COL_STR, 0 },
		{ "item", PSW_COL_STR, 0 },
		{ "what", PSW_COL_STR, 0 },
	};
	/* One arm per gap; every arm names only open clients (c). */
	static const char sql[] =
	    "SELECT c.id, 'assessment', NULL, 'no assessment recorded'"
	    " FROM clients c WHERE c.status <> 'closed'"
	    " AND (?1 IS NULL OR c.worker = ?1) AND NOT EXISTS"
	    " (SELECT 1 FROM assessments a WHERE a.client = c.id"
	    " AND a.voided IS NULL)"
	    " UNION ALL SELECT c.id, 'goals', NULL,"
	    " 'no goal that is proposed, active or on hold'"
	    " FROM clients c WHERE c.status <> 'closed'"
	    " AND (?1 IS NULL OR c.worker = ?1) AND NOT EXISTS"
	    " (SELECT 1 FROM goals g WHERE g.client = c.id"
	    " AND g.status IN ('proposed', 'active', 'on-hold'))"
	    " UNION ALL SELECT c.id, 'review-date', NULL,"
	    " 'no date for the next plan review'"
	    " FROM clients c WHERE c.status <> 'closed'"
	    " AND (?1 IS NULL OR c.worker = ?1) AND c.review_next IS NULL"
	    " UNION ALL SELECT c.id, 'consent', NULL,"
	    " 'no consent in force'"
	    " FROM clients c WHERE c.status <> 'closed'"
	    " AND (?1 IS NULL OR c.worker = ?1) AND NOT EXISTS"
	    " (SELECT 1 FROM consent k WHERE k.client = c.id"
	    " AND k.revoked IS NULL AND (k.given IS NULL OR k.given <= ?2)"
	    " AND (k.expires IS NULL OR k.expires >= ?2))"
	    " UNION ALL SELECT c.id, 'safety-plan', f.id,"
	    " 'no safety plan after the risk flag of ' || f.instrument ||"
	    " ' on ' || f.date"
	    " FROM assessments f JOIN clients c ON c.id = f.client"
	    " WHERE c.status <> 'closed' AND (?1 IS NULL OR c.worker = ?1)"
	    " AND c.safety_plan = 0 AND f.risk IS NOT NULL"
	    " AND f.voided IS NULL AND NOT EXISTS (SELECT 1 FROM assessments g"
	    " WHERE g.client = c.id AND g.risk IS NOT NULL"
	    " AND g.voided IS NULL AND (g.date > f.date"
	    " OR (g.date = f.date AND g.id > f.id)))"
	    " UNION ALL SELECT c.id, 'follow-up', f.id,"
	    " 'open referral without a follow-up date'"
	    " FROM referrals f JOIN clients c ON c.id = f.client"
	    " WHERE c.status <> 'closed' AND (?1 IS NULL OR c.worker = ?1)"
	    " AND f.follow_up IS NULL AND coalesce(f.status, 'draft')"
	    " NOT IN ('completed', 'cancelled', 'rejected', 'failed')"
	    " ORDER BY 1, 2, 3";
	struct report r;
	struct report_rows rows = { NULL, 0, 0, 4 };
	enum psw_format fmt;
	struct psw_out out;
	char today[PSW_DATE_LEN];
	sqlite3_stmt *s = NULL;
	int rc;

	memset(&r, 0, sizeof r);
	r.cli = cli;
	rc = plain_start(&r, argc, argv, "usage: psw-report missing "
	    "[--worker W] [--deidentify] [--format F]\n", &fmt);
	if (rc >= 0)
		return rc;
	rc = sqlite3_prepare_v2(psw_index_db(&cli->index), sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return report_db_fail(&r, rc, "cannot list what is missing");
	if (r.worker != NULL)
		sqlite3_bind_text(s, 1, r.worker, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, psw_date_format(cli->today, today), -1,
	    SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char pbuf[PSW_PSEUDONYM_LEN];
		const char *cells[4];

		cells[0] = report_client(&r,
		    (const char *)sqlite3_column_text(s, 0), pbuf);
		cells[1] = (const char *)sqlite3_column_text(s, 1);
		cells[2] = (const char *)sqlite3_column_text(s, 2);
		cells[3] = (const char *)sqlite3_column_text(s, 3);
		if (report_rows_add(&rows, cells) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		report_rows_release(&rows);
		return report_db_fail(&r, rc, "cannot list what is missing");
	}
	psw_out_init(&out, stdout, fmt);
	report_rows_emit(&rows, &out, cols, r.deidentify);
	rc = rows.n == 0 && cli->exit_status ? PSW_EEMPTY : 0;
	report_rows_release(&rows);
	return rc;
}
