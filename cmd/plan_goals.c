/*
 * plan_goals.c - psw-plan goal, action and review: the goals a client
 * works towards, the steps towards them, how far they have come, and the
 * reviews of the plan; and the plan templates `new --template` starts
 * from.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cli.h"
#include "client.h"
#include "edit.h"
#include "goal.h"
#include "plan.h"
#include "template.h"
#include "txn.h"

/* Every option of these commands; each command offers some of them. */
enum {
	O_DOMAIN = PSW_OPT_FIRST_LOCAL + 0x40, O_TITLE, O_TARGET, O_WHY,
	O_STATUS, O_RATING, O_NOTE, O_DATE, O_DUE, O_OWNER, O_NEXT, O_END
};

struct gopts {
	const char *v[O_END - O_DOMAIN];
};

#define OPT(o, c) ((o)->v[(c) - O_DOMAIN])
#define LOPT(name, c) { name, required_argument, NULL, c }

static int
gopt(void *arg, int c, const char *val)
{
	struct gopts *o = arg;

	if (c >= O_DOMAIN && c < O_END)
		o->v[c - O_DOMAIN] = val;
	return -1;
}

/* 1 when s is empty or only white space. */
static int
blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* The checks every command makes before its own: format, today. */
static int
common_checks(struct psw_cli *cli)
{
	enum psw_format fmt;
	struct psw_err e;

	if (psw_cli_format(cli, PSW_FMT_LISTING, &fmt, &e) < 0 ||
	    psw_cli_today(cli, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	return -1;
}

/* Parse the date of option `opt` into *out; -1 when good, else exit. */
static int
opt_date(struct psw_cli *cli, const char *opt, const char *val,
    psw_date *out)
{
	struct psw_err e;

	if (val != NULL && psw_date_parse(val, cli->today, out, &e) < 0)
		return psw_cli_usage_error(cli, "--%s: %s", opt, e.msg);
	return -1;
}

/* Empty text for option `opt`: -1 when good or absent, else exit. */
static int
opt_text(struct psw_cli *cli, const char *opt, const char *val)
{
	if (val != NULL && blank(val))
		return psw_cli_usage_error(cli, "--%s is empty", opt);
	return -1;
}

/* Give up on t: the goal or action `what` `item` is not in the file. */
static int
unknown(struct psw_cli *cli, struct psw_txn *t, const char *what,
    const char *item)
{
	struct psw_err e;

	psw_error(&e, PSW_EDATA, "no %s '%s' in %s", what, item, t->name);
	psw_txn_abort(t);
	return psw_cli_fail(cli, &e);
}

/* --- goal add ------------------------------------------------------- */

static int
goal_add(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		LOPT("domain", O_DOMAIN), LOPT("title", O_TITLE),
		LOPT("target", O_TARGET), LOPT("why", O_WHY),
		LOPT("status", O_STATUS),
	};
	struct gopts o = { { NULL } };
	struct psw_node *goals, *g;
	psw_date target = PSW_DATE_NONE;
	const char *id, *status;
	char all[512], gid[32];
	struct psw_txn t;
	int rc;

	rc = psw_cli_parse(cli, argc, argv, local, 5, gopt, &o,
	    "usage: psw-plan goal add ID --domain DOMAIN --title TEXT "
	    "[--target DATE] [--why TEXT]\n"
	    "                         [--status STATUS]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return psw_cli_usage_error(cli, "goal add needs one client id");
	id = argv[optind];
	if ((rc = common_checks(cli)) >= 0)
		return rc;
	if (OPT(&o, O_DOMAIN) == NULL)
		return psw_cli_usage_error(cli, "goal add needs --domain (%s)",
		    psw_list_join(psw_goal_domains, all, sizeof all));
	if (!psw_in_list(psw_goal_domains, OPT(&o, O_DOMAIN)))
		return psw_cli_usage_error(cli, "unknown domain '%s' (use %s)",
		    OPT(&o, O_DOMAIN), psw_list_join(psw_goal_domains, all,
		    sizeof all));
	if (OPT(&o, O_TITLE) == NULL)
		return psw_cli_usage_error(cli, "goal add needs --title TEXT");
	if ((rc = opt_text(cli, "title", OPT(&o, O_TITLE))) >= 0 ||
	    (rc = opt_text(cli, "why", OPT(&o, O_WHY))) >= 0)
		return rc;
	status = OPT(&o, O_STATUS) ? OPT(&o, O_STATUS) : "active";
	if (!psw_in_list(psw_goal_statuses, status))
		return psw_cli_usage_error(cli, "unknown goal status '%s' "
		    "(use %s)", status, psw_list_join(psw_goal_statuses, all,
		    sizeof all));
	if ((rc = opt_date(cli, "target", OPT(&o, O_TARGET), &target)) >= 0)
		return rc;
	if ((rc = psw_cli_begin(cli, id, &t)) >= 0)
		return rc;
	if ((goals = psw_edit_seq(t.doc, psw_doc_root(t.doc), "goals")) ==
	    NULL)
		return psw_cli_oom(cli, &t);
	psw_edit_next_id(goals, "g", gid, sizeof gid);
	if ((g = psw_node_map(t.doc, 0)) == NULL ||
	    psw_map_set_str(t.doc, g, "id", gid, PSW_PLAIN) == NULL ||
	    psw_map_set_str(t.doc, g, "domain", OPT(&o, O_DOMAIN),
	    PSW_PLAIN) == NULL ||
	    psw_map_set_str(t.doc, g, "title", OPT(&o, O_TITLE),
	    PSW_STRING) == NULL ||
	    psw_map_set_str(t.doc, g, "status", status, PSW_PLAIN) == NULL ||
	    (target != PSW_DATE_NONE &&
	    psw_edit_set_date(t.doc, g, "target", target) == NULL) ||
	    (OPT(&o, O_WHY) && psw_map_set_str(t.doc, g, "why",
	    OPT(&o, O_WHY), PSW_STRING) == NULL))
		return psw_cli_oom(cli, &t);
	psw_seq_append(goals, g);
	if ((rc = psw_cli_commit(cli, &t, "goal add")) != 0)
		return rc;
	if (!cli->quiet)
		printf("added goal %s\n", gid);
	return 0;
}

/* --- goal set ------------------------------------------------------- */

static int
goal_set(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		LOPT("status", O_STATUS), LOPT("target", O_TARGET),
		LOPT("title", O_TITLE), LOPT("domain", O_DOMAIN),
		LOPT("why", O_WHY),
	};
	struct gopts o = { { NULL } };
	psw_date target = PSW_DATE_NONE;
	const char *id, *gid;
	struct psw_node *g;
	struct psw_txn t;
	char all[512];
	size_t i;
	int rc, any = 0;

	rc = psw_cli_parse(cli, argc, argv, local, 5, gopt, &o,
	    "usage: psw-plan goal set ID GOAL [--status STATUS] "
	    "[--target DATE] [--title TEXT]\n"
	    "                         [--domain DOMAIN] [--why TEXT]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 2)
		return psw_cli_usage_error(cli, "goal set needs a client id and "
		    "a goal id");
	id = argv[optind];
	gid = argv[optind + 1];
	if ((rc = common_checks(cli)) >= 0)
		return rc;
	for (i = 0; i < O_END - O_DOMAIN; i++)
		any |= o.v[i] != NULL;
	if (!any)
		return psw_cli_usage_error(cli, "goal set needs something to "
		    "set: --status, --target, --title, --domain or --why");
	if (OPT(&o, O_STATUS) != NULL &&
	    !psw_in_list(psw_goal_statuses, OPT(&o, O_STATUS)))
		return psw_cli_usage_error(cli, "unknown goal status '%s' "
		    "(use %s)", OPT(&o, O_STATUS),
		    psw_list_join(psw_goal_statuses, all, sizeof all));
	if (OPT(&o, O_DOMAIN) != NULL &&
	    !psw_in_list(psw_goal_domains, OPT(&o, O_DOMAIN)))
		return psw_cli_usage_error(cli, "unknown domain '%s' (use %s)",
		    OPT(&o, O_DOMAIN), psw_list_join(psw_goal_domains, all,
		    sizeof all));
	if ((rc = opt_text(cli, "title", OPT(&o, O_TITLE))) >= 0 ||
	    (rc = opt_text(cli, "why", OPT(&o, O_WHY))) >= 0 ||
	    (rc = opt_date(cli, "target", OPT(&o, O_TARGET), &target)) >= 0)
		return rc;
	if ((rc = psw_cli_begin(cli, id, &t)) >= 0)
		return rc;
	if ((g = psw_goal_find(psw_doc_root(t.doc), gid)) == NULL)
		return unknown(cli, &t, "goal", gid);
	if ((OPT(&o, O_STATUS) && psw_map_set_str(t.doc, g, "status",
	    OPT(&o, O_STATUS), PSW_PLAIN) == NULL) ||
	    (OPT(&o, O_DOMAIN) && psw_map_set_str(t.doc, g, "domain",
	    OPT(&o, O_DOMAIN), PSW_PLAIN) == NULL) ||
	    (OPT(&o, O_TITLE) && psw_map_set_str(t.doc, g, "title",
	    OPT(&o, O_TITLE), PSW_STRING) == NULL) ||
	    (target != PSW_DATE_NONE &&
	    psw_edit_set_date(t.doc, g, "target", target) == NULL) ||
	    (OPT(&o, O_WHY) && psw_map_set_str(t.doc, g, "why",
	    OPT(&o, O_WHY), PSW_STRING) == NULL))
		return psw_cli_oom(cli, &t);
	if ((rc = psw_cli_commit(cli, &t, "goal set")) != 0)
		return rc;
	if (!cli->quiet)
		printf("changed goal %s\n", gid);
	return 0;
}

/* --- goal progress -------------------------------------------------- */

static int
goal_progress(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		LOPT("rating", O_RATING), LOPT("note", O_NOTE),
		LOPT("date", O_DATE),
	};
	struct gopts o = { { NULL } };
	struct psw_node *g, *seq, *p;
	const char *id, *gid, *r;
	char date[PSW_DATE_LEN];
	psw_date when;
	struct psw_txn t;
	int rc;

	rc = psw_cli_parse(cli, argc, argv, local, 3, gopt, &o,
	    "usage: psw-plan goal progress ID GOAL --rating 0..10 "
	    "[--note TEXT] [--date DATE]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 2)
		return psw_cli_usage_error(cli, "goal progress needs a client "
		    "id and a goal id");
	id = argv[optind];
	gid = argv[optind + 1];
	if ((rc = common_checks(cli)) >= 0)
		return rc;
	if ((r = OPT(&o, O_RATING)) == NULL)
		return psw_cli_usage_error(cli, "goal progress needs --rating "
		    "0..10");
	/* Only the plain digits 0 to 10: the file keeps them as written. */
	if (!((r[0] >= '0' && r[0] <= '9' && r[1] == '\0') ||
	    strcmp(r, "10") == 0))
		return psw_cli_usage_error(cli, "--rating must be a whole "
		    "number from 0 to 10, not '%s'", r);
	if ((rc = opt_text(cli, "note", OPT(&o, O_NOTE))) >= 0)
		return rc;
	when = cli->today;
	if ((rc = opt_date(cli, "date", OPT(&o, O_DATE), &when)) >= 0)
		return rc;
	if ((rc = psw_cli_begin(cli, id, &t)) >= 0)
		return rc;
	if ((g = psw_goal_find(psw_doc_root(t.doc), gid)) == NULL)
		return unknown(cli, &t, "goal", gid);
	psw_date_format(when, date);
	if ((seq = psw_edit_seq(t.doc, g, "progress")) == NULL ||
	    (p = psw_node_map(t.doc, 1)) == NULL ||
	    psw_map_set_str(t.doc, p, "date", date, PSW_PLAIN) == NULL ||
	    psw_map_set_str(t.doc, p, "rating", r, PSW_PLAIN) == NULL ||
	    (OPT(&o, O_NOTE) && psw_map_set_str(t.doc, p, "note",
	    OPT(&o, O_NOTE), PSW_STRING) == NULL))
		return psw_cli_oom(cli, &t);
	psw_seq_insert_dated(seq, p);
	if ((rc = psw_cli_commit(cli, &t, "goal progress")) != 0)
		return rc;
	if (!cli->quiet)
		printf("added progress %s to goal %s on %s\n", r, gid, date);
	return 0;
}

/* --- goal list ------------------------------------------------------ */

/* Ratings as a sparkline only where a person reads UTF-8 on a terminal. */
static int
spark_ok(enum psw_format fmt)
{
	const char *v = getenv("LC_ALL");

	if (fmt != PSW_FMT_TEXT || !isatty(fileno(stdout)))
		return 0;
	if (v == NULL || *v == '\0')
		v = getenv("LC_CTYPE");
	if (v == NULL || *v == '\0')
		v = getenv("LANG");
	return v != NULL && (strstr(v, "UTF-8") || strstr(v, "utf8") ||
	    strstr(v, "UTF8") || strstr(v, "utf-8"));
}

#define TREND_TEXT 8		/* ratings a text listing shows */

/*
 * The goal's ratings, oldest first, into buf: every one, space-separated,
 * for scripts; the last TREND_TEXT for text, as a sparkline when spark.
 * *latest gets the newest ("" when none).  0, or an SQLite code.
 */
static int
ratings(sqlite3_stmt *s, const char *client, const char *goal,
    enum psw_format fmt, int spark, char *buf, size_t size, char *latest)
{
	static const char *const bars[] = {
		"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586",
		"\u2587", "\u2588"
	};
	int v[512], rc;
	size_t n = 0, i, from, len = 0;

	buf[0] = latest[0] = '\0';
	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, client, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, goal, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == sizeof v / sizeof v[0])
			memmove(v, v + 1, --n * sizeof v[0]);
		v[n++] = sqlite3_column_int(s, 0);
	}
	if (rc != SQLITE_DONE)
		return rc;
	if (n == 0)
		return 0;
	snprintf(latest, 4, "%d", v[n - 1]);
	from = fmt == PSW_FMT_TEXT && n > TREND_TEXT ? n - TREND_TEXT : 0;
	if (from > 0 && !spark)
		len += (size_t)snprintf(buf, size, "... ");
	for (i = from; i < n && len + 8 < size; i++) {
		if (spark)
			len += (size_t)snprintf(buf + len, size - len, "%s",
			    bars[v[i] * 7 / 10]);
		else
			len += (size_t)snprintf(buf + len, size - len, "%s%d",
			    i > from ? " " : "", v[i]);
	}
	return 0;
}

static int
goal_list(struct psw_cli *cli, int argc, char **argv)
{
	static const struct psw_column cols[] = {
		{ "id", PSW_COL_STR, 0 },
		{ "domain", PSW_COL_STR, 0 },
		{ "status", PSW_COL_STR, 0 },
		{ "target", PSW_COL_DATE, 0 },
		{ "open", PSW_COL_INT, PSW_COL_RIGHT },
		{ "done", PSW_COL_INT, PSW_COL_RIGHT },
		{ "overdue", PSW_COL_INT, PSW_COL_RIGHT },
		{ "latest", PSW_COL_INT, PSW_COL_RIGHT },
		{ "ratings", PSW_COL_STR, 0 },
		{ "title", PSW_COL_STR, 0 },
	};
	sqlite3_stmt *s = NULL, *ps = NULL;
	char today[PSW_DATE_LEN], trend[4200], latest[8], name[96];
	enum psw_format fmt;
	struct psw_table *t = NULL;
	struct psw_out out;
	struct psw_err e;
	struct stat sb;
	const char *id;
	char *path;
	size_t rows = 0;
	int rc, spark;

	rc = psw_cli_parse(cli, argc, argv, NULL, 0, NULL, NULL,
	    "usage: psw-plan goal list ID [--format F]\n");
	if (rc >= 0)
		return rc;
	if ((rc = psw_cli_one_id(cli, argc, argv, "goal list", &id)) >= 0)
		return rc;
	if ((rc = common_checks(cli)) >= 0)
		return rc;
	psw_cli_format(cli, PSW_FMT_LISTING, &fmt, &e);
	if (psw_cli_open(cli, 0, &e) < 0)
		return psw_cli_fail(cli, &e);

	rc = sqlite3_prepare_v2(psw_index_db(&cli->index),
	    "SELECT 1 FROM clients WHERE id = ?1", -1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
		sqlite3_finalize(s);
		s = NULL;
	}
	if (rc == SQLITE_DONE) {
		/* Not indexed: no file, or one the sync reported and left. */
		psw_store_client_name(id, name, sizeof name);
		path = psw_store_client_path(&cli->store, id);
		if (path != NULL && stat(path, &sb) == 0)
			psw_error(&e, PSW_EDATA, "%s has problems (see "
			    "psw-plan validate %s)", name, id);
		else
			psw_error(&e, PSW_EDATA, "no client '%s' (%s does not "
			    "exist)", id, name);
		free(path);
		return psw_cli_fail(cli, &e);
	}
	if (rc != SQLITE_ROW)
		goto dberr;
	rc = sqlite3_prepare_v2(psw_index_db(&cli->index),
	    "SELECT g.id, g.domain, g.status, g.target,"
	    " (SELECT count(*) FROM actions a WHERE a.client = g.client"
	    "   AND a.goal = g.id AND a.done IS NULL),"
	    " (SELECT count(*) FROM actions a WHERE a.client = g.client"
	    "   AND a.goal = g.id AND a.done IS NOT NULL),"
	    " (SELECT count(*) FROM actions a WHERE a.client = g.client"
	    "   AND a.goal = g.id AND a.done IS NULL AND a.due < ?2),"
	    " g.title "
	    "FROM goals g WHERE g.client = ?1 "
	    "ORDER BY length(g.id), g.id", -1, &s, NULL);
	if (rc != SQLITE_OK)
		goto dberr;
	rc = sqlite3_prepare_v2(psw_index_db(&cli->index),
	    "SELECT rating FROM progress WHERE client = ?1 AND goal = ?2 "
	    "ORDER BY date, seq", -1, &ps, NULL);
	if (rc != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, psw_date_format(cli->today, today), -1,
	    SQLITE_STATIC);
	spark = spark_ok(fmt);
	psw_out_init(&out, stdout, fmt);
	if ((t = psw_table_new(&out, cols, 10)) == NULL) {
		rc = SQLITE_NOMEM;
		goto dberr;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *cells[10];
		int i;

		for (i = 0; i < 7; i++)
			cells[i] = (const char *)sqlite3_column_text(s, i);
		cells[9] = (const char *)sqlite3_column_text(s, 7);
		if ((rc = ratings(ps, id, cells[0], fmt, spark, trend,
		    sizeof trend, latest)) != 0)
			break;
		cells[7] = latest[0] ? latest : NULL;
		cells[8] = trend[0] ? trend : NULL;
		if (psw_table_row(t, cells) < 0)
			break;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		goto dberr;
	sqlite3_finalize(s);
	sqlite3_finalize(ps);
	rows = psw_table_rows(t);
	psw_table_end(t);
	return rows == 0 && cli->exit_status ? PSW_EEMPTY : 0;
dberr:
	sqlite3_finalize(s);
	sqlite3_finalize(ps);
	psw_table_end(t);
	psw_index_error(&cli->index, rc, "cannot list goals", &e);
	return psw_cli_fail(cli, &e);
}

/* --- action add, done, set ------------------------------------------ */

static int
action_add(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		LOPT("title", O_TITLE), LOPT("due", O_DUE),
		LOPT("owner", O_OWNER),
	};
	struct gopts o = { { NULL } };
	struct psw_node *root, *g, *seq, *a;
	psw_date due = PSW_DATE_NONE;
	const char *id, *gid;
	char aid[64];
	struct psw_txn t;
	int rc;

	rc = psw_cli_parse(cli, argc, argv, local, 3, gopt, &o,
	    "usage: psw-plan action add ID GOAL --title TEXT [--due DATE] "
	    "[--owner client|worker|NAME]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 2)
		return psw_cli_usage_error(cli, "action add needs a client id "
		    "and a goal id");
	id = argv[optind];
	gid = argv[optind + 1];
	if ((rc = common_checks(cli)) >= 0)
		return rc;
	if (OPT(&o, O_TITLE) == NULL)
		return psw_cli_usage_error(cli, "action add needs --title TEXT");
	if ((rc = opt_text(cli, "title", OPT(&o, O_TITLE))) >= 0 ||
	    (rc = opt_text(cli, "owner", OPT(&o, O_OWNER))) >= 0 ||
	    (rc = opt_date(cli, "due", OPT(&o, O_DUE), &due)) >= 0)
		return rc;
	if ((rc = psw_cli_begin(cli, id, &t)) >= 0)
		return rc;
	root = psw_doc_root(t.doc);
	if ((g = psw_goal_find(root, gid)) == NULL)
		return unknown(cli, &t, "goal", gid);
	psw_action_next_id(root, gid, aid, sizeof aid);
	if ((seq = psw_edit_seq(t.doc, g, "actions")) == NULL ||
	    (a = psw_node_map(t.doc, 1)) == NULL ||
	    psw_map_set_str(t.doc, a, "id", aid, PSW_PLAIN) == NULL ||
	    psw_map_set_str(t.doc, a, "title", OPT(&o, O_TITLE),
	    PSW_STRING) == NULL ||
	    (OPT(&o, O_OWNER) && psw_map_set_str(t.doc, a, "owner",
	    OPT(&o, O_OWNER), PSW_STRING) == NULL) ||
	    (due != PSW_DATE_NONE &&
	    psw_edit_set_date(t.doc, a, "due", due) == NULL))
		return psw_cli_oom(cli, &t);
	psw_seq_append(seq, a);
	if ((rc = psw_cli_commit(cli, &t, "action add")) != 0)
		return rc;
	if (!cli->quiet)
		printf("added action %s\n", aid);
	return 0;
}

static int
action_done(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = { LOPT("date", O_DATE) };
	struct gopts o = { { NULL } };
	const char *id, *aid, *was;
	char date[PSW_DATE_LEN];
	struct psw_node *a;
	struct psw_txn t;
	struct psw_err e;
	psw_date when;
	int rc;

	rc = psw_cli_parse(cli, argc, argv, local, 1, gopt, &o,
	    "usage: psw-plan action done ID ACTION [--date DATE]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 2)
		return psw_cli_usage_error(cli, "action done needs a client id "
		    "and an action id");
	id = argv[optind];
	aid = argv[optind + 1];
	if ((rc = common_checks(cli)) >= 0)
		return rc;
	when = cli->today;
	if ((rc = opt_date(cli, "date", OPT(&o, O_DATE), &when)) >= 0)
		return rc;
	if ((rc = psw_cli_begin(cli, id, &t)) >= 0)
		return rc;
	if ((a = psw_action_find(psw_doc_root(t.doc), aid, NULL)) == NULL)
		return unknown(cli, &t, "action", aid);
	if ((was = psw_map_get_str(a, "done")) != NULL && *was != '\0') {
		/* Done twice is a mistake to show, not a date to move. */
		psw_error(&e, PSW_EDATA, "action %s is done already (%s)", aid,
		    was);
		psw_txn_abort(&t);
		return psw_cli_fail(cli, &e);
	}
	if (psw_edit_set_date(t.doc, a, "done", when) == NULL)
		return psw_cli_oom(cli, &t);
	if ((rc = psw_cli_commit(cli, &t, "action done")) != 0)
		return rc;
	if (!cli->quiet)
		printf("done action %s on %s\n", aid,
		    psw_date_format(when, date));
	return 0;
}

static int
action_set(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		LOPT("due", O_DUE), LOPT("owner", O_OWNER),
		LOPT("title", O_TITLE),
	};
	struct gopts o = { { NULL } };
	psw_date due = PSW_DATE_NONE;
	const char *id, *aid;
	struct psw_node *a;
	struct psw_txn t;
	int rc;

	rc = psw_cli_parse(cli, argc, argv, local, 3, gopt, &o,
	    "usage: psw-plan action set ID ACTION [--due DATE] "
	    "[--owner OWNER] [--title TEXT]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 2)
		return psw_cli_usage_error(cli, "action set needs a client id "
		    "and an action id");
	id = argv[optind];
	aid = argv[optind + 1];
	if ((rc = common_checks(cli)) >= 0)
		return rc;
	if (!OPT(&o, O_DUE) && !OPT(&o, O_OWNER) && !OPT(&o, O_TITLE))
		return psw_cli_usage_error(cli, "action set needs something to "
		    "set: --due, --owner or --title");
	if ((rc = opt_text(cli, "title", OPT(&o, O_TITLE))) >= 0 ||
	    (rc = opt_text(cli, "owner", OPT(&o, O_OWNER))) >= 0 ||
	    (rc = opt_date(cli, "due", OPT(&o, O_DUE), &due)) >= 0)
		return rc;
	if ((rc = psw_cli_begin(cli, id, &t)) >= 0)
		return rc;
	if ((a = psw_action_find(psw_doc_root(t.doc), aid, NULL)) == NULL)
		return unknown(cli, &t, "action", aid);
	if ((OPT(&o, O_TITLE) && psw_map_set_str(t.doc, a, "title",
	    OPT(&o, O_TITLE), PSW_STRING) == NULL) ||
	    (OPT(&o, O_OWNER) && psw_map_set_str(t.doc, a, "owner",
	    OPT(&o, O_OWNER), PSW_STRING) == NULL) ||
	    (due != PSW_DATE_NONE &&
	    psw_edit_set_date(t.doc, a, "due", due) == NULL))
		return psw_cli_oom(cli, &t);
	if ((rc = psw_cli_commit(cli, &t, "action set")) != 0)
		return rc;
	if (!cli->quiet)
		printf("changed action %s\n", aid);
	return 0;
}

/* --- review --------------------------------------------------------- */

int
plan_review(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		LOPT("date", O_DATE), LOPT("note", O_NOTE),
		LOPT("next", O_NEXT),
	};
	struct gopts o = { { NULL } };
	struct psw_duration every, dur;
	struct psw_node *root, *rv, *hist, *h;
	char date[PSW_DATE_LEN], nextd[PSW_DATE_LEN];
	psw_date when, next = PSW_DATE_NONE, last;
	const char *id, *nx;
	struct psw_txn t;
	struct psw_err e;
	int rc, latest;

	rc = psw_cli_parse(cli, argc, argv, local, 3, gopt, &o,
	    "usage: psw-plan review ID [--date DATE] [--note TEXT] "
	    "[--next DATE|DURATION]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return psw_cli_usage_error(cli, "review needs one client id");
	id = argv[optind];
	if ((rc = common_checks(cli)) >= 0)
		return rc;
	if ((rc = opt_text(cli, "note", OPT(&o, O_NOTE))) >= 0)
		return rc;
	when = cli->today;
	if ((rc = opt_date(cli, "date", OPT(&o, O_DATE), &when)) >= 0)
		return rc;
	/* --next: a duration counts from the review, a date is a date. */
	if ((nx = OPT(&o, O_NEXT)) != NULL) {
		if (psw_duration_parse(nx, &dur, &e) == 0)
			next = psw_date_add(when, dur);
		else if (psw_date_parse(nx, cli->today, &next, &e) < 0)
			return psw_cli_usage_error(cli, "--next: '%s' is "
			    "neither a date nor a duration (use YYYY-MM-DD, "
			    "+3m or 90d, 12w, 3m)", nx);
		if (next == PSW_DATE_NONE || next <= when)
			return psw_cli_usage_error(cli, "--next: the next "
			    "review must come after this one (%s)",
			    psw_date_format(when, date));
	}
	if ((rc = psw_cli_begin(cli, id, &t)) >= 0)
		return rc;
	root = psw_doc_root(t.doc);
	/* The client's own interval first, then the case folder's. */
	every = t.client->review.has_every ? t.client->review.every :
	    cli->store.set.review_every;
	if (next == PSW_DATE_NONE &&
	    (next = psw_date_add(when, every)) == PSW_DATE_NONE) {
		psw_txn_abort(&t);
		return psw_cli_usage_error(cli, "the next review would be past "
		    "the end of the calendar");
	}
	last = t.client->review.last;
	latest = last == PSW_DATE_NONE || when >= last;
	psw_date_format(when, date);
	psw_date_format(next, nextd);
	/* A first review puts `last` before `next`, as the format lists. */
	if ((rv = psw_edit_map(t.doc, root, "review")) != NULL && latest &&
	    psw_map_get(rv, "last") == NULL)
		psw_map_remove(rv, "next");
	if (rv == NULL ||
	    (latest && (psw_map_set_str(t.doc, rv, "last", date,
	    PSW_PLAIN) == NULL || psw_map_set_str(t.doc, rv, "next", nextd,
	    PSW_PLAIN) == NULL)) ||
	    (hist = psw_edit_seq(t.doc, rv, "history")) == NULL ||
	    (h = psw_node_map(t.doc, 1)) == NULL ||
	    psw_map_set_str(t.doc, h, "date", date, PSW_PLAIN) == NULL ||
	    psw_map_set_str(t.doc, h, "by", cli->store.set.worker,
	    PSW_STRING) == NULL ||
	    psw_map_set_str(t.doc, h, "next", nextd, PSW_PLAIN) == NULL ||
	    (OPT(&o, O_NOTE) && psw_map_set_str(t.doc, h, "note",
	    OPT(&o, O_NOTE), PSW_STRING) == NULL))
		return psw_cli_oom(cli, &t);
	psw_seq_insert_dated(hist, h);
	if ((rc = psw_cli_commit(cli, &t, "review")) != 0)
		return rc;
	if (!cli->quiet) {
		if (latest)
			printf("reviewed %s on %s, next review %s\n", id, date,
			    nextd);
		else
			printf("recorded an earlier review of %s on %s\n", id,
			    date);
	}
	return 0;
}

/* --- templates ------------------------------------------------------ */

/* Problems in file order, for a person fixing the template top down. */
static int
diag_cmp(const void *a, const void *b)
{
	const struct psw_diag *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

int
plan_template_load(struct psw_cli *cli, const char *name,
    struct psw_doc **tdoc, struct psw_template **tpl)
{
	struct psw_diags d = PSW_DIAGS_INIT;
	char rel[128], line[PSW_ERR_MSG + 600];
	struct psw_err e;
	struct stat sb;
	size_t len, i;
	char *path;
	int rc;

	*tdoc = NULL;
	snprintf(rel, sizeof rel, "templates/%s.yaml", name);
	len = strlen(cli->store.home) + strlen(rel) + 2;
	if ((path = malloc(len)) == NULL) {
		psw_error(&e, PSW_EIO, "out of memory");
		return psw_cli_fail(cli, &e);
	}
	snprintf(path, len, "%s/%s", cli->store.home, rel);
	if (stat(path, &sb) < 0 && errno == ENOENT) {
		free(path);
		psw_error(&e, PSW_EDATA, "no template '%s' (%s does not exist)",
		    name, rel);
		return psw_cli_fail(cli, &e);
	}
	rc = psw_doc_load_file(path, rel, tdoc, &e);
	free(path);
	if (rc < 0)
		return psw_cli_fail(cli, &e);
	rc = psw_template_read(*tdoc, tpl, &d);
	if (d.n > 1)
		qsort(d.v, d.n, sizeof d.v[0], diag_cmp);
	/* Every problem, as validate does: a template is fixed in one go. */
	for (i = 0; i < d.n; i++) {
		psw_err_clear(&e);
		snprintf(e.file, sizeof e.file, "%s", d.v[i].file ?
		    d.v[i].file : rel);
		e.line = d.v[i].line;
		e.col = d.v[i].col;
		snprintf(e.msg, sizeof e.msg, "%s", d.v[i].msg);
		fprintf(stderr, "%s: %s\n", cli->prog,
		    psw_err_format(&e, line, sizeof line));
	}
	psw_diags_release(&d);
	if (rc < 0) {
		psw_doc_free(*tdoc);
		*tdoc = NULL;
		if (rc == -PSW_EIO) {
			psw_error(&e, PSW_EIO, "out of memory");
			return psw_cli_fail(cli, &e);
		}
		fprintf(stderr, "%s: template '%s' has problems; nothing "
		    "written\n", cli->prog, name);
		return PSW_EDATA;
	}
	return -1;
}

/* --- dispatch ------------------------------------------------------- */

struct sub {
	const char *name, *cmd;
	int (*fn)(struct psw_cli *, int, char **);
};

/* Run argv[1] among subs; argv[0] is the group's name. */
static int
dispatch(struct psw_cli *cli, int argc, char **argv, const struct sub *subs,
    size_t n, const char *usage)
{
	size_t i;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		if (argc >= 2 || cli->help) {
			fputs(usage, stdout);
			return 0;
		}
		fputs(usage, stderr);
		return PSW_EUSAGE;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(argv[1], subs[i].name) == 0) {
			cli->cmd = subs[i].cmd;
			return subs[i].fn(cli, argc - 1, argv + 1);
		}
	}
	return psw_cli_usage_error(cli, "unknown %s command '%s'", argv[0],
	    argv[1]);
}

int
plan_goal(struct psw_cli *cli, int argc, char **argv)
{
	static const struct sub subs[] = {
		{ "add", "goal add", goal_add },
		{ "list", "goal list", goal_list },
		{ "progress", "goal progress", goal_progress },
		{ "set", "goal set", goal_set },
	};

	return dispatch(cli, argc, argv, subs, 4,
	    "usage: psw-plan goal add ID --domain DOMAIN --title TEXT "
	    "[--target DATE] [--why TEXT]\n"
	    "       psw-plan goal set ID GOAL [--status STATUS] "
	    "[--target DATE] [--title TEXT]\n"
	    "       psw-plan goal progress ID GOAL --rating 0..10 "
	    "[--note TEXT] [--date DATE]\n"
	    "       psw-plan goal list ID\n");
}

int
plan_action(struct psw_cli *cli, int argc, char **argv)
{
	static const struct sub subs[] = {
		{ "add", "action add", action_add },
		{ "done", "action done", action_done },
		{ "set", "action set", action_set },
	};

	return dispatch(cli, argc, argv, subs, 3,
	    "usage: psw-plan action add ID GOAL --title TEXT [--due DATE] "
	    "[--owner OWNER]\n"
	    "       psw-plan action done ID ACTION [--date DATE]\n"
	    "       psw-plan action set ID ACTION [--due DATE] "
	    "[--owner OWNER] [--title TEXT]\n");
}
