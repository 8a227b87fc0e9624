/*
 * plan_care.c - psw-plan's care records: the care team, consent,
 * strengths and needs, and the safety plan.
 *
 * Each group is a command word with its own subcommands (`team add`),
 * dispatched from one table a group.  Writes go through psw_txn; the
 * listings read the index, which psw_cli_open() has just synced; the
 * safety card reads the client's file, which alone holds the plan's items.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "care.h"
#include "cli.h"
#include "client.h"
#include "edit.h"
#include "plan.h"
#include "txn.h"

enum {
	OPT_NAME = PSW_OPT_FIRST_LOCAL, OPT_ROLE, OPT_ORG, OPT_PHONE,
	OPT_EMAIL, OPT_ALL, OPT_SCOPE, OPT_GIVEN, OPT_EXPIRES, OPT_NOTE,
	OPT_DATE, OPT_STEP
};

/* Every option of this file's commands; each command offers a few. */
struct care_opts {
	const char *name, *role, *org, *phone, *email, *scope, *given;
	const char *expires, *note, *date, *step;
	int all;
};

static int
care_opt(void *arg, int c, const char *val)
{
	struct care_opts *o = arg;

	switch (c) {
	case OPT_NAME: o->name = val; break;
	case OPT_ROLE: o->role = val; break;
	case OPT_ORG: o->org = val; break;
	case OPT_PHONE: o->phone = val; break;
	case OPT_EMAIL: o->email = val; break;
	case OPT_ALL: o->all = 1; break;
	case OPT_SCOPE: o->scope = val; break;
	case OPT_GIVEN: o->given = val; break;
	case OPT_EXPIRES: o->expires = val; break;
	case OPT_NOTE: o->note = val; break;
	case OPT_DATE: o->date = val; break;
	case OPT_STEP: o->step = val; break;
	}
	return -1;
}

struct sub {
	const char *name;		/* "add" */
	const char *full;		/* "team add", for the --help hint */
	int (*fn)(struct psw_cli *, int, char **);
};

/*
 * Run the subcommand argv[1] of a group (argv[0] is the group's word)
 * with its own argv (argv[0] its name); the group's usage for --help or
 * when the subcommand is missing or unknown.
 */
static int
dispatch(struct psw_cli *cli, int argc, char **argv, const struct sub *subs,
    size_t nsubs, const char *usage)
{
	size_t i;

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0)) {
			fputs(usage, stdout);
			return 0;
		}
		fprintf(stderr, "%s: %s needs a subcommand\n%s", cli->prog,
		    argv[0], usage);
		return PSW_EUSAGE;
	}
	for (i = 0; i < nsubs; i++) {
		if (strcmp(argv[1], subs[i].name) == 0) {
			cli->cmd = subs[i].full;
			return subs[i].fn(cli, argc - 1, argv + 1);
		}
	}
	return psw_cli_usage_error(cli, "unknown subcommand '%s %s'", argv[0],
	    argv[1]);
}

/* Text that is empty or only white space. */
static int
blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

/* A 1-based position from the command line; 0 when it is not one. */
static size_t
position(const char *s)
{
	unsigned long v;
	char *end;

	if (*s < '1' || *s > '9')
		return 0;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > 100000)
		return 0;
	return (size_t)v;
}

/* Checks shared by every command: the client id operand and --format. */
static int
check_common(struct psw_cli *cli, const char *id, unsigned formats,
    enum psw_format *fmt)
{
	struct psw_err e;

	if (psw_id_check(id, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_format(cli, formats, fmt, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_today(cli, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	return -1;
}

/* Parse an optional date option; -1 when fine, else the exit code. */
static int
opt_date(struct psw_cli *cli, const char *opt, const char *s, psw_date *out)
{
	struct psw_err e;

	if (s != NULL && psw_date_parse(s, cli->today, out, &e) < 0)
		return psw_cli_usage_error(cli, "--%s: %s", opt, e.msg);
	return -1;
}

/* Give up a change for a reason found in the file: exit 3. */
static int
refuse(struct psw_cli *cli, struct psw_txn *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
refuse(struct psw_cli *cli, struct psw_txn *t, const char *fmt, ...)
{
	va_list ap;

	/* The arguments may point into t's document: print, then abort. */
	fprintf(stderr, "%s: ", cli->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	psw_txn_abort(t);
	return PSW_EDATA;
}

/*
 * Does the (synced) index know client id?  -1 when it does, else the
 * exit code after saying why not: no file, or a file with problems that
 * the sync left out.
 */
static int
known_client(struct psw_cli *cli, const char *id)
{
	char name[96];
	struct psw_err e;
	sqlite3_stmt *s;
	struct stat sb;
	char *path;
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
	psw_store_client_name(id, name, sizeof name);
	if ((path = psw_store_client_path(&cli->store, id)) == NULL) {
		psw_error(&e, PSW_EIO, "out of memory");
		return psw_cli_fail(cli, &e);
	}
	rc = lstat(path, &sb);
	free(path);
	if (rc == 0)
		psw_error(&e, PSW_EDATA, "client '%s' has problems (see "
		    "'psw-plan validate %s')", id, id);
	else
		psw_error(&e, PSW_EDATA, "no client '%s' (%s does not exist)",
		    id, name);
	return psw_cli_fail(cli, &e);
}

/* Fill in computed cells of a row (cells[0..ncols) ); scratch is 64 B. */
typedef void row_fn(struct psw_cli *, const char **cells, char *scratch);

/*
 * List client id's rows of a query (?1 the client, ?2 a flag) as a table;
 * the query yields the first nq columns, fix (may be NULL) the rest.
 */
static int
list_rows(struct psw_cli *cli, const char *id, int flag, const char *sql,
    const struct psw_column *cols, size_t ncols, size_t nq, row_fn *fix)
{
	enum psw_format fmt;
	struct psw_err e;
	sqlite3_stmt *s;
	int rc;

	if ((rc = check_common(cli, id, PSW_FMT_LISTING, &fmt)) >= 0)
		return rc;
	if (psw_cli_open(cli, 0, &e) < 0)
		return psw_cli_fail(cli, &e);
	if ((rc = known_client(cli, id)) >= 0)
		return rc;
	rc = sqlite3_prepare_v2(psw_index_db(&cli->index), sql, -1, &s, NULL);
	if (rc != SQLITE_OK) {
		psw_index_error(&cli->index, rc, "cannot list", &e);
		return psw_cli_fail(cli, &e);
	}
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, flag);
	return psw_cli_query_table(cli, s, fmt, cols, ncols, nq, fix,
	    "cannot list");
}

/* --- team ------------------------------------------------------------ */

static int
team_add(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "name", required_argument, NULL, OPT_NAME },
		{ "role", required_argument, NULL, OPT_ROLE },
		{ "org", required_argument, NULL, OPT_ORG },
		{ "phone", required_argument, NULL, OPT_PHONE },
		{ "email", required_argument, NULL, OPT_EMAIL },
	};
	struct care_opts o = { 0 };
	struct psw_node *seq, *item;
	enum psw_format fmt;
	struct psw_txn t;
	char all[256], nid[32];
	int rc;

	rc = psw_cli_parse(cli, argc, argv, local, 5, care_opt, &o,
	    "usage: psw-plan team add ID --name NAME --role ROLE [--org ORG] "
	    "[--phone PHONE]\n                     [--email EMAIL]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return psw_cli_usage_error(cli, "team add needs one client id");
	if ((rc = check_common(cli, argv[optind], PSW_FMT_LISTING, &fmt)) >= 0)
		return rc;
	if (blank(o.name))
		return psw_cli_usage_error(cli, "team add needs --name NAME");
	if (o.role == NULL)
		return psw_cli_usage_error(cli, "team add needs --role ROLE "
		    "(%s)", psw_list_join(psw_team_roles, all, sizeof all));
	if (!psw_in_list(psw_team_roles, o.role))
		return psw_cli_usage_error(cli, "unknown role '%s' (use %s)",
		    o.role, psw_list_join(psw_team_roles, all, sizeof all));
	if ((rc = psw_cli_begin(cli, argv[optind], &t)) >= 0)
		return rc;
	seq = psw_edit_seq(t.doc, psw_doc_root(t.doc), "team");
	psw_edit_next_id(seq, "t", nid, sizeof nid);
	if (seq == NULL || (item = psw_node_map(t.doc, 1)) == NULL ||
	    psw_map_set_str(t.doc, item, "id", nid, PSW_PLAIN) == NULL ||
	    psw_map_set_str(t.doc, item, "name", o.name, PSW_STRING) == NULL ||
	    psw_map_set_str(t.doc, item, "role", o.role, PSW_PLAIN) == NULL ||
	    (o.org && psw_map_set_str(t.doc, item, "org", o.org,
	    PSW_STRING) == NULL) ||
	    (o.phone && psw_map_set_str(t.doc, item, "phone", o.phone,
	    PSW_STRING) == NULL) ||
	    (o.email && psw_map_set_str(t.doc, item, "email", o.email,
	    PSW_STRING) == NULL))
		return psw_cli_oom(cli, &t);
	psw_seq_append(seq, item);
	if ((rc = psw_cli_commit(cli, &t, "team add")) != 0)
		return rc;
	if (!cli->quiet)
		printf("added team member %s\n", nid);
	return 0;
}

static int
team_rm(struct psw_cli *cli, int argc, char **argv)
{
	struct psw_node *item;
	const char *was;
	enum psw_format fmt;
	struct psw_txn t;
	int rc;

	rc = psw_cli_parse(cli, argc, argv, NULL, 0, NULL, NULL,
	    "usage: psw-plan team rm ID MEMBER\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 2)
		return psw_cli_usage_error(cli, "team rm needs a client id and "
		    "a team member's id (t1)");
	if ((rc = check_common(cli, argv[optind], PSW_FMT_LISTING, &fmt)) >= 0)
		return rc;
	if ((rc = psw_cli_begin(cli, argv[optind], &t)) >= 0)
		return rc;
	item = psw_edit_find(psw_map_get(psw_doc_root(t.doc), "team"),
	    argv[optind + 1]);
	if (item == NULL)
		return refuse(cli, &t, "no team member '%s' for %s",
		    argv[optind + 1], t.id);
	if ((was = psw_map_get_str(item, "removed")) != NULL)
		return refuse(cli, &t, "team member %s was removed on %s "
		    "already", argv[optind + 1], was);
	if (psw_edit_set_date(t.doc, item, "removed", cli->today) == NULL)
		return psw_cli_oom(cli, &t);
	if ((rc = psw_cli_commit(cli, &t, "team rm")) != 0)
		return rc;
	if (!cli->quiet)
		printf("removed team member %s\n", argv[optind + 1]);
	return 0;
}

static int
team_list(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "all", no_argument, NULL, OPT_ALL },
	};
	static const struct psw_column cols[] = {
		{ "id", PSW_COL_STR, 0 },
		{ "name", PSW_COL_STR, 0 },
		{ "role", PSW_COL_STR, 0 },
		{ "org", PSW_COL_STR, 0 },
		{ "phone", PSW_COL_STR, 0 },
		{ "email", PSW_COL_STR, 0 },
		{ "removed", PSW_COL_DATE, 0 },
	};
	struct care_opts o = { 0 };
	int rc;

	rc = psw_cli_parse(cli, argc, argv, local, 1, care_opt, &o,
	    "usage: psw-plan team list ID [--all] [--format F]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return psw_cli_usage_error(cli, "team list needs one client id");
	return list_rows(cli, argv[optind], o.all,
	    "SELECT id, name, role, org, phone, email, removed FROM team "
	    "WHERE client = ?1 AND (?2 OR removed IS NULL) "
	    "ORDER BY length(id), id", cols, 7, 7, NULL);
}

static const char team_usage[] =
"usage: psw-plan team add ID --name NAME --role ROLE [--org ORG]\n"
"                     [--phone PHONE] [--email EMAIL]\n"
"       psw-plan team rm ID MEMBER\n"
"       psw-plan team list ID [--all]\n";

int
plan_team(struct psw_cli *cli, int argc, char **argv)
{
	static const struct sub subs[] = {
		{ "add", "team add", team_add },
		{ "list", "team list", team_list },
		{ "rm", "team rm", team_rm },
	};

	return dispatch(cli, argc, argv, subs, 3, team_usage);
}

/* --- consent --------------------------------------------------------- */

static int
consent_add(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "scope", required_argument, NULL, OPT_SCOPE },
		{ "given", required_argument, NULL, OPT_GIVEN },
		{ "expires", required_argument, NULL, OPT_EXPIRES },
		{ "note", required_argument, NULL, OPT_NOTE },
	};
	struct care_opts o = { 0 };
	struct psw_node *seq, *item;
	psw_date given, expires = PSW_DATE_NONE;
	enum psw_format fmt;
	struct psw_txn t;
	char nid[32], d1[PSW_DATE_LEN], d2[PSW_DATE_LEN];
	int rc;

	rc = psw_cli_parse(cli, argc, argv, local, 4, care_opt, &o,
	    "usage: psw-plan consent add ID --scope TEXT [--given DATE] "
	    "[--expires DATE]\n                        [--note TEXT]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return psw_cli_usage_error(cli, "consent add needs one client "
		    "id");
	if ((rc = check_common(cli, argv[optind], PSW_FMT_LISTING, &fmt)) >= 0)
		return rc;
	if (blank(o.scope))
		return psw_cli_usage_error(cli, "consent add needs --scope "
		    "TEXT (what may be shared, with whom)");
	given = cli->today;
	if ((rc = opt_date(cli, "given", o.given, &given)) >= 0 ||
	    (rc = opt_date(cli, "expires", o.expires, &expires)) >= 0)
		return rc;
	if (expires != PSW_DATE_NONE && expires < given)
		return psw_cli_usage_error(cli, "--expires %s is before the "
		    "consent is given (%s)", psw_date_format(expires, d1),
		    psw_date_format(given, d2));
	if ((rc = psw_cli_begin(cli, argv[optind], &t)) >= 0)
		return rc;
	seq = psw_edit_seq(t.doc, psw_doc_root(t.doc), "consent");
	psw_edit_next_id(seq, "k", nid, sizeof nid);
	if (seq == NULL || (item = psw_node_map(t.doc, 1)) == NULL ||
	    psw_map_set_str(t.doc, item, "id", nid, PSW_PLAIN) == NULL ||
	    psw_map_set_str(t.doc, item, "scope", o.scope,
	    PSW_STRING) == NULL ||
	    psw_edit_set_date(t.doc, item, "given", given) == NULL ||
	    (expires != PSW_DATE_NONE && psw_edit_set_date(t.doc, item,
	    "expires", expires) == NULL) ||
	    (o.note && psw_map_set_str(t.doc, item, "note", o.note,
	    PSW_STRING) == NULL))
		return psw_cli_oom(cli, &t);
	psw_seq_append(seq, item);
	if ((rc = psw_cli_commit(cli, &t, "consent add")) != 0)
		return rc;
	if (!cli->quiet)
		printf("added consent %s\n", nid);
	return 0;
}

static int
consent_revoke(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "date", required_argument, NULL, OPT_DATE },
	};
	struct care_opts o = { 0 };
	struct psw_node *item;
	const char *was, *kid;
	psw_date when, given;
	enum psw_format fmt;
	struct psw_txn t;
	char d[PSW_DATE_LEN];
	int rc;

	rc = psw_cli_parse(cli, argc, argv, local, 1, care_opt, &o,
	    "usage: psw-plan consent revoke ID CONSENT [--date DATE]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 2)
		return psw_cli_usage_error(cli, "consent revoke needs a client "
		    "id and a consent id (k1)");
	if ((rc = check_common(cli, argv[optind], PSW_FMT_LISTING, &fmt)) >= 0)
		return rc;
	when = cli->today;
	if ((rc = opt_date(cli, "date", o.date, &when)) >= 0)
		return rc;
	kid = argv[optind + 1];
	if ((rc = psw_cli_begin(cli, argv[optind], &t)) >= 0)
		return rc;
	item = psw_edit_find(psw_map_get(psw_doc_root(t.doc), "consent"), kid);
	if (item == NULL)
		return refuse(cli, &t, "no consent '%s' for %s", kid, t.id);
	if ((was = psw_map_get_str(item, "revoked")) != NULL)
		return refuse(cli, &t, "consent %s was revoked on %s already",
		    kid, was);
	if ((was = psw_map_get_str(item, "given")) != NULL &&
	    psw_date_parse_iso(was, &given) == 0 && when < given)
		return refuse(cli, &t, "consent %s was given on %s: it cannot "
		    "be revoked on %s", kid, was, psw_date_format(when, d));
	if (psw_edit_set_date(t.doc, item, "revoked", when) == NULL)
		return psw_cli_oom(cli, &t);
	if ((rc = psw_cli_commit(cli, &t, "consent revoke")) != 0)
		return rc;
	if (!cli->quiet)
		printf("revoked consent %s on %s\n", kid,
		    psw_date_format(when, d));
	return 0;
}

/* The state column: the library decides, as psw-refer does. */
static void
consent_row(struct psw_cli *cli, const char **cells, char *scratch)
{
	struct psw_consent k = { cells[0], cells[1], NULL, PSW_DATE_NONE,
	    PSW_DATE_NONE, PSW_DATE_NONE };

	if (cells[2] != NULL)
		psw_date_parse_iso(cells[2], &k.given);
	if (cells[3] != NULL)
		psw_date_parse_iso(cells[3], &k.expires);
	if (cells[4] != NULL)
		psw_date_parse_iso(cells[4], &k.revoked);
	snprintf(scratch, 64, "%s", psw_consent_state_name(
	    psw_consent_state(&k, cli->today)));
	cells[5] = scratch;
}

static int
consent_list(struct psw_cli *cli, int argc, char **argv)
{
	static const struct psw_column cols[] = {
		{ "id", PSW_COL_STR, 0 },
		{ "scope", PSW_COL_STR, 0 },
		{ "given", PSW_COL_DATE, 0 },
		{ "expires", PSW_COL_DATE, 0 },
		{ "revoked", PSW_COL_DATE, 0 },
		{ "state", PSW_COL_STR, 0 },
	};
	int rc;

	rc = psw_cli_parse(cli, argc, argv, NULL, 0, NULL, NULL,
	    "usage: psw-plan consent list ID [--format F]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return psw_cli_usage_error(cli, "consent list needs one client "
		    "id");
	return list_rows(cli, argv[optind], 0,
	    "SELECT id, scope, given, expires, revoked FROM consent "
	    "WHERE client = ?1 ORDER BY length(id), id", cols, 6, 5,
	    consent_row);
}

static const char consent_usage[] =
"usage: psw-plan consent add ID --scope TEXT [--given DATE] "
"[--expires DATE]\n"
"                        [--note TEXT]\n"
"       psw-plan consent revoke ID CONSENT [--date DATE]\n"
"       psw-plan consent list ID\n";

int
plan_consent(struct psw_cli *cli, int argc, char **argv)
{
	static const struct sub subs[] = {
		{ "add", "consent add", consent_add },
		{ "list", "consent list", consent_list },
		{ "revoke", "consent revoke", consent_revoke },
	};

	return dispatch(cli, argc, argv, subs, 3, consent_usage);
}

/* --- strengths and needs --------------------------------------------- */

static int
strength_add(struct psw_cli *cli, int argc, char **argv)
{
	struct psw_node *seq, *item;
	enum psw_format fmt;
	struct psw_txn t;
	size_t n;
	int rc;

	rc = psw_cli_parse(cli, argc, argv, NULL, 0, NULL, NULL,
	    "usage: psw-plan strength add ID TEXT\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 2)
		return psw_cli_usage_error(cli, "strength add needs a client id "
		    "and the text (quote it)");
	if ((rc = check_common(cli, argv[optind], PSW_FMT_LISTING, &fmt)) >= 0)
		return rc;
	if (blank(argv[optind + 1]))
		return psw_cli_usage_error(cli, "the strength is empty");
	if ((rc = psw_cli_begin(cli, argv[optind], &t)) >= 0)
		return rc;
	seq = psw_edit_seq(t.doc, psw_doc_root(t.doc), "strengths");
	if (seq == NULL || (item = psw_node_scalar(t.doc, argv[optind + 1],
	    PSW_STRING)) == NULL)
		return psw_cli_oom(cli, &t);
	psw_seq_append(seq, item);
	n = seq->count;
	if ((rc = psw_cli_commit(cli, &t, "strength add")) != 0)
		return rc;
	if (!cli->quiet)
		printf("added strength %zu\n", n);
	return 0;
}

static int
strength_rm(struct psw_cli *cli, int argc, char **argv)
{
	struct psw_node *seq, *it;
	enum psw_format fmt;
	struct psw_txn t;
	size_t n, i;
	int rc;

	rc = psw_cli_parse(cli, argc, argv, NULL, 0, NULL, NULL,
	    "usage: psw-plan strength rm ID N\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 2)
		return psw_cli_usage_error(cli, "strength rm needs a client id "
		    "and the strength's number as listed");
	if ((rc = check_common(cli, argv[optind], PSW_FMT_LISTING, &fmt)) >= 0)
		return rc;
	if ((n = position(argv[optind + 1])) == 0)
		return psw_cli_usage_error(cli, "'%s' is not a strength's "
		    "number (1, 2, ... as listed)", argv[optind + 1]);
	if ((rc = psw_cli_begin(cli, argv[optind], &t)) >= 0)
		return rc;
	seq = psw_map_get(psw_doc_root(t.doc), "strengths");
	it = seq != NULL && seq->type == PSW_NODE_SEQ ? seq->head : NULL;
	for (i = 1; it != NULL && i < n; i++)
		it = it->next;
	if (it == NULL)
		return refuse(cli, &t, "no strength %zu for %s (it has %zu)",
		    n, t.id, t.client->nstrengths);
	psw_node_unlink(it);
	if ((rc = psw_cli_commit(cli, &t, "strength rm")) != 0)
		return rc;
	if (!cli->quiet)
		printf("removed strength %zu\n", n);
	return 0;
}

static int
strength_list(struct psw_cli *cli, int argc, char **argv)
{
	static const struct psw_column cols[] = {
		{ "n", PSW_COL_INT, PSW_COL_RIGHT },
		{ "strength", PSW_COL_STR, 0 },
	};
	int rc;

	rc = psw_cli_parse(cli, argc, argv, NULL, 0, NULL, NULL,
	    "usage: psw-plan strength list ID [--format F]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return psw_cli_usage_error(cli, "strength list needs one client "
		    "id");
	return list_rows(cli, argv[optind], 0,
	    "SELECT seq, text FROM strengths WHERE client = ?1 ORDER BY seq",
	    cols, 2, 2, NULL);
}

static const char strength_usage[] =
"usage: psw-plan strength add ID TEXT\n"
"       psw-plan strength rm ID N\n"
"       psw-plan strength list ID\n";

int
plan_strength(struct psw_cli *cli, int argc, char **argv)
{
	static const struct sub subs[] = {
		{ "add", "strength add", strength_add },
		{ "list", "strength list", strength_list },
		{ "rm", "strength rm", strength_rm },
	};

	return dispatch(cli, argc, argv, subs, 3, strength_usage);
}

static int
need_set(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "note", required_argument, NULL, OPT_NOTE },
	};
	struct care_opts o = { 0 };
	struct psw_node *seq, *it;
	const char *domain, *level, *s;
	enum psw_format fmt;
	struct psw_txn t;
	char all[256];
	int rc;

	rc = psw_cli_parse(cli, argc, argv, local, 1, care_opt, &o,
	    "usage: psw-plan need set ID DOMAIN none|met|unmet "
	    "[--note TEXT]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 3)
		return psw_cli_usage_error(cli, "need set needs a client id, a "
		    "domain and none, met or unmet");
	if ((rc = check_common(cli, argv[optind], PSW_FMT_LISTING, &fmt)) >= 0)
		return rc;
	domain = argv[optind + 1];
	level = argv[optind + 2];
	if (!psw_in_list(psw_goal_domains, domain))
		return psw_cli_usage_error(cli, "unknown domain '%s' (use %s)",
		    domain, psw_list_join(psw_goal_domains, all, sizeof all));
	if (!psw_in_list(psw_need_levels, level))
		return psw_cli_usage_error(cli, "a need is none, met or unmet, "
		    "not '%s'", level);
	if ((rc = psw_cli_begin(cli, argv[optind], &t)) >= 0)
		return rc;
	if ((seq = psw_edit_seq(t.doc, psw_doc_root(t.doc), "needs")) == NULL)
		return psw_cli_oom(cli, &t);
	for (it = seq->head; it != NULL; it = it->next)
		if ((s = psw_map_get_str(it, "domain")) != NULL &&
		    strcmp(s, domain) == 0)
			break;
	if (it == NULL) {
		if ((it = psw_node_map(t.doc, 1)) == NULL ||
		    psw_map_set_str(t.doc, it, "domain", domain,
		    PSW_PLAIN) == NULL)
			return psw_cli_oom(cli, &t);
		psw_seq_append(seq, it);
	}
	/* An empty --note clears the old one; none keeps it. */
	if (psw_map_set_str(t.doc, it, "need", level, PSW_PLAIN) == NULL ||
	    (o.note != NULL && *o.note != '\0' && psw_map_set_str(t.doc, it,
	    "note", o.note, PSW_STRING) == NULL))
		return psw_cli_oom(cli, &t);
	if (o.note != NULL && *o.note == '\0')
		psw_map_remove(it, "note");
	if ((rc = psw_cli_commit(cli, &t, "need set")) != 0)
		return rc;
	if (!cli->quiet)
		printf("set need %s to %s\n", domain, level);
	return 0;
}

static int
need_list(struct psw_cli *cli, int argc, char **argv)
{
	static const struct psw_column cols[] = {
		{ "domain", PSW_COL_STR, 0 },
		{ "need", PSW_COL_STR, 0 },
		{ "note", PSW_COL_STR, 0 },
	};
	int rc;

	rc = psw_cli_parse(cli, argc, argv, NULL, 0, NULL, NULL,
	    "usage: psw-plan need list ID [--format F]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return psw_cli_usage_error(cli, "need list needs one client id");
	return list_rows(cli, argv[optind], 0,
	    "SELECT domain, need, note FROM needs WHERE client = ?1 "
	    "ORDER BY domain", cols, 3, 3, NULL);
}

static const char need_usage[] =
"usage: psw-plan need set ID DOMAIN none|met|unmet [--note TEXT]\n"
"       psw-plan need list ID\n";

int
plan_need(struct psw_cli *cli, int argc, char **argv)
{
	static const struct sub subs[] = {
		{ "list", "need list", need_list },
		{ "set", "need set", need_set },
	};

	return dispatch(cli, argc, argv, subs, 2, need_usage);
}

/* --- safety plan ----------------------------------------------------- */

/* The step key s as an index into psw_safety_keys; -1 when unknown. */
static int
safety_step(const char *s)
{
	int k;

	for (k = 0; k < PSW_SAFETY_NSTEPS; k++)
		if (strcmp(psw_safety_keys[k], s) == 0)
			return k;
	return -1;
}

static int
bad_step(struct psw_cli *cli, const char *s)
{
	char all[256];
	const char *keys[PSW_SAFETY_NSTEPS + 1];
	int k;

	for (k = 0; k < PSW_SAFETY_NSTEPS; k++)
		keys[k] = psw_safety_keys[k];
	keys[k] = NULL;
	return psw_cli_usage_error(cli, "unknown step '%s' (use %s)", s,
	    psw_list_join(keys, all, sizeof all));
}

static int
safety_add(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "step", required_argument, NULL, OPT_STEP },
		{ "phone", required_argument, NULL, OPT_PHONE },
	};
	struct care_opts o = { 0 };
	struct psw_node *sp, *seq, *item;
	const char *text;
	enum psw_format fmt;
	struct psw_txn t;
	size_t n;
	int rc, k;

	rc = psw_cli_parse(cli, argc, argv, local, 2, care_opt, &o,
	    "usage: psw-plan safety add ID --step STEP [--phone PHONE] "
	    "TEXT\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 2)
		return psw_cli_usage_error(cli, "safety add needs a client id "
		    "and the text (quote it)");
	if ((rc = check_common(cli, argv[optind], PSW_FMT_LISTING, &fmt)) >= 0)
		return rc;
	if (o.step == NULL)
		return psw_cli_usage_error(cli, "safety add needs --step STEP");
	if ((k = safety_step(o.step)) < 0)
		return bad_step(cli, o.step);
	text = argv[optind + 1];
	if (blank(text))
		return psw_cli_usage_error(cli, "the text is empty");
	if (o.phone != NULL && k != PSW_SAFETY_PEOPLE &&
	    k != PSW_SAFETY_PROFESSIONALS)
		return psw_cli_usage_error(cli, "--phone goes with the steps "
		    "people and professionals, not %s", o.step);
	if (o.phone != NULL && blank(o.phone))
		return psw_cli_usage_error(cli, "the phone number is empty");
	if ((rc = psw_cli_begin(cli, argv[optind], &t)) >= 0)
		return rc;
	sp = psw_edit_map(t.doc, psw_doc_root(t.doc), "safety-plan");
	seq = sp != NULL ? psw_edit_seq(t.doc, sp, psw_safety_keys[k]) : NULL;
	if (seq == NULL)
		return psw_cli_oom(cli, &t);
	if (o.phone != NULL) {
		if ((item = psw_node_map(t.doc, 1)) == NULL ||
		    psw_map_set_str(t.doc, item, "text", text,
		    PSW_STRING) == NULL ||
		    psw_map_set_str(t.doc, item, "phone", o.phone,
		    PSW_STRING) == NULL)
			return psw_cli_oom(cli, &t);
	} else if ((item = psw_node_scalar(t.doc, text, PSW_STRING)) == NULL)
		return psw_cli_oom(cli, &t);
	psw_seq_append(seq, item);
	n = seq->count;
	if ((rc = psw_cli_commit(cli, &t, "safety add")) != 0)
		return rc;
	if (!cli->quiet)
		printf("added %s %zu\n", psw_safety_keys[k], n);
	return 0;
}

static int
safety_rm(struct psw_cli *cli, int argc, char **argv)
{
	struct psw_node *seq, *it;
	enum psw_format fmt;
	struct psw_txn t;
	size_t n, i;
	int rc, k;

	rc = psw_cli_parse(cli, argc, argv, NULL, 0, NULL, NULL,
	    "usage: psw-plan safety rm ID STEP N\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 3)
		return psw_cli_usage_error(cli, "safety rm needs a client id, a "
		    "step and the item's number as listed");
	if ((rc = check_common(cli, argv[optind], PSW_FMT_LISTING, &fmt)) >= 0)
		return rc;
	if ((k = safety_step(argv[optind + 1])) < 0)
		return bad_step(cli, argv[optind + 1]);
	if ((n = position(argv[optind + 2])) == 0)
		return psw_cli_usage_error(cli, "'%s' is not an item's number "
		    "(1, 2, ... as listed)", argv[optind + 2]);
	if ((rc = psw_cli_begin(cli, argv[optind], &t)) >= 0)
		return rc;
	seq = psw_map_get(psw_map_get(psw_doc_root(t.doc), "safety-plan"),
	    psw_safety_keys[k]);
	it = seq != NULL && seq->type == PSW_NODE_SEQ ? seq->head : NULL;
	for (i = 1; it != NULL && i < n; i++)
		it = it->next;
	if (it == NULL)
		return refuse(cli, &t, "no item %zu in %s of %s's safety plan "
		    "(it has %zu)", n, psw_safety_keys[k], t.id,
		    t.client->safety.nitems[k]);
	psw_node_unlink(it);
	if ((rc = psw_cli_commit(cli, &t, "safety rm")) != 0)
		return rc;
	if (!cli->quiet)
		printf("removed %s %zu\n", psw_safety_keys[k], n);
	return 0;
}

static int
safety_reviewed(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "date", required_argument, NULL, OPT_DATE },
	};
	struct care_opts o = { 0 };
	struct psw_node *sp;
	enum psw_format fmt;
	struct psw_txn t;
	char d[PSW_DATE_LEN];
	psw_date when;
	int rc;

	rc = psw_cli_parse(cli, argc, argv, local, 1, care_opt, &o,
	    "usage: psw-plan safety reviewed ID [--date DATE]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return psw_cli_usage_error(cli, "safety reviewed needs one "
		    "client id");
	if ((rc = check_common(cli, argv[optind], PSW_FMT_LISTING, &fmt)) >= 0)
		return rc;
	when = cli->today;
	if ((rc = opt_date(cli, "date", o.date, &when)) >= 0)
		return rc;
	if (when > cli->today)
		return psw_cli_usage_error(cli, "--date %s is in the future",
		    psw_date_format(when, d));
	if ((rc = psw_cli_begin(cli, argv[optind], &t)) >= 0)
		return rc;
	sp = psw_map_get(psw_doc_root(t.doc), "safety-plan");
	if (sp == NULL || sp->type != PSW_NODE_MAP)
		return refuse(cli, &t, "%s has no safety plan to review (build "
		    "one with 'psw-plan safety add')", t.id);
	if (psw_edit_set_date(t.doc, sp, "reviewed", when) == NULL)
		return psw_cli_oom(cli, &t);
	if ((rc = psw_cli_commit(cli, &t, "safety reviewed")) != 0)
		return rc;
	if (!cli->quiet)
		printf("safety plan reviewed on %s\n", psw_date_format(when, d));
	return 0;
}

static int
safety_show(struct psw_cli *cli, int argc, char **argv)
{
	struct psw_diags d = PSW_DIAGS_INIT;
	struct psw_client *c;
	struct psw_doc *doc = NULL;
	enum psw_format fmt;
	struct psw_out out;
	struct psw_err e;
	struct stat sb;
	char name[96];
	char *path;
	const char *id;
	psw_date flag;
	int rc;

	rc = psw_cli_parse(cli, argc, argv, NULL, 0, NULL, NULL,
	    "usage: psw-plan safety show ID [--format text|md|json]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return psw_cli_usage_error(cli, "safety show needs one client "
		    "id");
	id = argv[optind];
	if ((rc = check_common(cli, id, PSW_FMT_BIT(PSW_FMT_TEXT) |
	    PSW_FMT_BIT(PSW_FMT_MD) | PSW_FMT_BIT(PSW_FMT_JSON), &fmt)) >= 0)
		return rc;
	if (psw_cli_open(cli, 0, &e) < 0)
		return psw_cli_fail(cli, &e);
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
	rc = psw_doc_load_file(path, name, &doc, &e);
	free(path);
	if (rc < 0)
		return psw_cli_fail(cli, &e);
	rc = psw_client_read(doc, id, &c, &d);
	if (rc < 0) {
		if (rc == -PSW_EDATA && d.n > 0)
			psw_error_at(&e, PSW_EDATA, d.v[0].file ? d.v[0].file :
			    name, d.v[0].line, d.v[0].col, "%s", d.v[0].msg);
		else
			psw_error(&e, rc == -PSW_EDATA ? PSW_EDATA : PSW_EIO,
			    "cannot read %s", name);
		psw_diags_release(&d);
		psw_doc_free(doc);
		return psw_cli_fail(cli, &e);
	}
	psw_diags_release(&d);
	if (plan_risk_flag(cli, id, &flag, &e) < 0) {
		psw_doc_free(doc);
		return psw_cli_fail(cli, &e);
	}
	psw_out_init(&out, stdout, fmt);
	/* A write error is psw_cli_finish()'s to report (EPIPE quietly). */
	(void)psw_safety_card(&out, c, flag);
	rc = !c->safety.present && cli->exit_status ? PSW_EEMPTY : 0;
	psw_doc_free(doc);
	return rc;
}

static const char safety_usage[] =
"usage: psw-plan safety add ID --step STEP [--phone PHONE] TEXT\n"
"       psw-plan safety rm ID STEP N\n"
"       psw-plan safety reviewed ID [--date DATE]\n"
"       psw-plan safety show ID [--format text|md|json]\n"
"steps: warning-signs, coping, distractions, people, professionals,\n"
"       means-safety, matters-most\n";

int
plan_safety(struct psw_cli *cli, int argc, char **argv)
{
	static const struct sub subs[] = {
		{ "add", "safety add", safety_add },
		{ "reviewed", "safety reviewed", safety_reviewed },
		{ "rm", "safety rm", safety_rm },
		{ "show", "safety show", safety_show },
	};

	return dispatch(cli, argc, argv, subs, 4, safety_usage);
}
