/*
 * psw-plan - the support plan: clients, their files, the caseload.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "cli.h"
#include "client.h"
#include "plan.h"
#include "template.h"
#include "txn.h"

static const char usage_text[] =
"usage: psw-plan [options] command [arguments]\n"
"\n"
"commands:\n"
"  list [--status S] [--worker W]   the caseload\n"
"       [--due-before DATE] [--no-contact-since DATE] [--risk]\n"
"  validate [ID...]                 check client files; every problem\n"
"  show ID [--section S] [--format text|md|json]\n"
"                                   the whole plan\n"
"  set ID KEY VALUE                 a profile field (name, dob, status...)\n"
"  close ID --reason TEXT [--date D]  close the case\n"
"  reopen ID [--status S] [--reason TEXT] [--date D]\n"
"                                   reopen a closed case\n"
"  edit ID                          the client's file in $VISUAL/$EDITOR\n"
"  new ID --name NAME [--dob DATE] [--worker W] [--status referred|active]\n"
"       [--template NAME]\n"
"                                   a new client file\n"
"  note ID [--kind K] [--minutes N] [--date D] [TEXT|-]\n"
"                                   log a contact (session note)\n"
"  goal add|set|progress|list ID ...  the client's goals\n"
"  action add|done|set ID ...       steps towards a goal\n"
"  review ID [--date D] [--note T] [--next DATE|DURATION]\n"
"                                   record a plan review\n"
"  team add|rm|list ID ...          the care team\n"
"  consent add|revoke|list ID ...   what the client consented to share\n"
"  strength add|rm|list ID ...      the client's strengths\n"
"  need set|list ID ...             needs by life domain\n"
"  safety add|rm|reviewed|show ID ...  the safety plan (crisis card)\n"
"\n"
"options:\n"
"  --home DIR       the case folder (PSW_HOME)\n"
"  --as-of DATE     what today is (PSW_TODAY)\n"
"  --format F       text, tsv, csv or json\n"
"  -q, --quiet      say nothing but errors\n"
"  -e, --exit-status  exit 1 when a listing is empty\n"
"  -h, --help       this text; psw-plan COMMAND --help for one command\n"
"  --version        the version\n"
"\n"
"exit status: 0 ok, 1 empty with -e, 2 usage, 3 bad data, 4 locked,\n"
"5 I/O error.  See psw-plan(1), psw-plan(5) and psw(7).\n";

/* --- list ---------------------------------------------------------- */

struct list_opts {
	struct psw_cli *cli;
	const char *status, *worker;
	const char *due_before, *no_contact;
	int risk;
};

enum { OPT_STATUS = PSW_OPT_FIRST_LOCAL, OPT_WORKER, OPT_NAME, OPT_DOB,
    OPT_KIND, OPT_MINUTES, OPT_DATE };
enum { OPT_DUE_BEFORE = PSW_OPT_FIRST_LOCAL + 0x20, OPT_NO_CONTACT,
    OPT_TEMPLATE, OPT_RISK };

static int
list_opt(void *arg, int c, const char *val)
{
	struct list_opts *o = arg;

	if (c == OPT_STATUS)
		o->status = val;
	else if (c == OPT_WORKER)
		o->worker = val;
	else if (c == OPT_DUE_BEFORE)
		o->due_before = val;
	else if (c == OPT_NO_CONTACT)
		o->no_contact = val;
	else if (c == OPT_RISK)
		o->risk = 1;
	return -1;
}

static int
cmd_list(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "status", required_argument, NULL, OPT_STATUS },
		{ "worker", required_argument, NULL, OPT_WORKER },
		{ "due-before", required_argument, NULL, OPT_DUE_BEFORE },
		{ "no-contact-since", required_argument, NULL, OPT_NO_CONTACT },
		{ "risk", no_argument, NULL, OPT_RISK },
	};
	static const struct psw_column cols[] = {
		{ "id", PSW_COL_STR, 0 },
		{ "name", PSW_COL_STR, 0 },
		{ "status", PSW_COL_STR, 0 },
		{ "worker", PSW_COL_STR, 0 },
		{ "opened", PSW_COL_DATE, 0 },
		{ "last_contact", PSW_COL_DATE, 0 },
		{ "next_review", PSW_COL_DATE, 0 },
		{ "open_goals", PSW_COL_INT, PSW_COL_RIGHT },
	};
	struct list_opts o = { cli, NULL, NULL, NULL, NULL, 0 };
	char due_before[PSW_DATE_LEN], no_contact[PSW_DATE_LEN];
	psw_date d;
	enum psw_format fmt;
	struct psw_err e;
	sqlite3_stmt *s = NULL;
	char all[256], sql[1024];
	int rc, n;

	rc = psw_cli_parse(cli, argc, argv, local, 5, list_opt, &o,
	    "usage: psw-plan list [--status S] [--worker W] [--due-before DATE]\n"
	    "                     [--no-contact-since DATE] [--risk] "
	    "[--format F]\n");
	if (rc >= 0)
		return rc;
	if (optind < argc)
		return psw_cli_usage_error(cli, "list takes no arguments "
		    "('%s')", argv[optind]);
	if (o.status != NULL && !psw_in_list(psw_client_statuses, o.status))
		return psw_cli_usage_error(cli, "unknown status '%s' (use %s)",
		    o.status, psw_list_join(psw_client_statuses, all,
		    sizeof all));
	if (psw_cli_format(cli, PSW_FMT_LISTING, &fmt, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_today(cli, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (o.due_before != NULL) {
		if (psw_date_parse(o.due_before, cli->today, &d, &e) < 0)
			return psw_cli_usage_error(cli, "--due-before: %s",
			    e.msg);
		psw_date_format(d, due_before);
	}
	if (o.no_contact != NULL) {
		if (psw_date_parse(o.no_contact, cli->today, &d, &e) < 0)
			return psw_cli_usage_error(cli, "--no-contact-since: %s",
			    e.msg);
		psw_date_format(d, no_contact);
	}
	if (psw_cli_open(cli, 0, &e) < 0)
		return psw_cli_fail(cli, &e);

	/*
	 * Only the filters given are in the statement, so that SQLite can
	 * take an index for them (clients_worker for --worker) instead of
	 * testing every client; the values are bound.  New columns go at
	 * the end: tsv, csv and json keep their shape.
	 */
	n = snprintf(sql, sizeof sql, "SELECT id, name, status, worker, opened, "
	    "last_contact, next_review, open_goals FROM caseload c WHERE 1"
	    "%s%s%s%s%s ORDER BY id",
	    o.status ? " AND status = ?1" : "",
	    o.worker ? " AND worker = ?2" : "",
	    o.due_before ? " AND EXISTS (SELECT 1 FROM due d "
	    "WHERE d.client = c.id AND d.kind IN ('action', 'goal', 'review') "
	    "AND d.due < ?3)" : "",
	    o.no_contact ? " AND status = 'active' AND "
	    "(last_contact IS NULL OR last_contact < ?4)" : "",
	    /* --risk: the latest assessment of some instrument, voided
	     * ones aside, carries a risk flag (as psw-report due ranks). */
	    o.risk ? " AND EXISTS (SELECT 1 FROM assessments a "
	    "WHERE a.client = c.id AND a.risk IS NOT NULL "
	    "AND a.voided IS NULL AND NOT EXISTS (SELECT 1 FROM assessments b "
	    "WHERE b.client = a.client AND b.instrument = a.instrument "
	    "AND b.voided IS NULL AND (b.date > a.date "
	    "OR (b.date = a.date AND b.id > a.id))))" : "");
	if (n < 0 || (size_t)n >= sizeof sql) {
		psw_error(&e, PSW_EIO, "internal error: list statement too long");
		return psw_cli_fail(cli, &e);
	}
	rc = sqlite3_prepare_v2(psw_index_db(&cli->index), sql, -1, &s, NULL);
	if (rc != SQLITE_OK) {
		psw_index_error(&cli->index, rc, "cannot list", &e);
		return psw_cli_fail(cli, &e);
	}
	if (o.status)
		sqlite3_bind_text(s, 1, o.status, -1, SQLITE_STATIC);
	if (o.worker)
		sqlite3_bind_text(s, 2, o.worker, -1, SQLITE_STATIC);
	if (o.due_before)
		sqlite3_bind_text(s, 3, due_before, -1, SQLITE_STATIC);
	if (o.no_contact)
		sqlite3_bind_text(s, 4, no_contact, -1, SQLITE_STATIC);
	return psw_cli_query_table(cli, s, fmt, cols, 8, 8, NULL, "cannot list");
}

/* --- validate ------------------------------------------------------- */

/* Check one client file; prints every problem; 1 if any, 0, or -code. */
static int
validate_one(struct psw_cli *cli, const char *id, size_t *nproblems)
{
	struct psw_diags d = PSW_DIAGS_INIT;
	struct psw_client *c;
	struct psw_doc *doc = NULL;
	char name[96];
	struct psw_err e;
	struct stat sb;
	char *path;
	size_t i;
	int rc;

	psw_store_client_name(id, name, sizeof name);
	if ((path = psw_store_client_path(&cli->store, id)) == NULL) {
		psw_error(&e, PSW_EIO, "out of memory");
		psw_cli_error(cli, &e);
		return -PSW_EIO;
	}
	if (lstat(path, &sb) < 0) {
		free(path);
		if (errno != ENOENT) {
			psw_error_errno(&e, PSW_EIO, errno, "%s", name);
			psw_cli_error(cli, &e);
			return -PSW_EIO;
		}
		psw_error(&e, PSW_EDATA, "no client '%s' (%s does not exist)",
		    id, name);
		psw_cli_error(cli, &e);
		(*nproblems)++;
		return 1;
	}
	if (!S_ISREG(sb.st_mode)) {
		free(path);
		fprintf(stderr, "%s: %s: not a regular file (symbolic links "
		    "are refused)\n", cli->prog, name);
		(*nproblems)++;
		return 1;
	}
	rc = psw_doc_load_file(path, name, &doc, &e);
	free(path);
	if (rc < 0) {
		/* A file that cannot be read (or no memory to read it):
		 * nothing can be said of the rest, stop. */
		psw_cli_error(cli, &e);
		if (e.code == PSW_EIO)
			return -PSW_EIO;
		(*nproblems)++;
		return 1;
	}
	rc = psw_client_read(doc, id, &c, &d);
	if (rc == -PSW_EIO) {
		psw_diags_release(&d);
		psw_doc_free(doc);
		psw_error(&e, PSW_EIO, "%s: out of memory", name);
		psw_cli_error(cli, &e);
		return rc;
	}
	for (i = 0; i < d.n; i++) {
		struct psw_err pe;

		psw_err_clear(&pe);
		snprintf(pe.file, sizeof pe.file, "%s", d.v[i].file ?
		    d.v[i].file : name);
		pe.line = d.v[i].line;
		pe.col = d.v[i].col;
		snprintf(pe.msg, sizeof pe.msg, "%s", d.v[i].msg);
		psw_cli_error(cli, &pe);
	}
	*nproblems += d.n;
	psw_diags_release(&d);
	psw_doc_free(doc);
	return rc < 0 ? 1 : 0;
}

static int
id_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
cmd_validate(struct psw_cli *cli, int argc, char **argv)
{
	struct psw_err e;
	char **ids = NULL;
	size_t n = 0, cap = 0, i, bad = 0, problems = 0;
	enum psw_format fmt;
	struct dirent *de;
	DIR *dir;
	int rc, oom = 0;

	rc = psw_cli_parse(cli, argc, argv, NULL, 0, NULL, NULL,
	    "usage: psw-plan validate [ID...]\n");
	if (rc >= 0)
		return rc;
	if (psw_cli_format(cli, PSW_FMT_LISTING, &fmt, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	for (i = (size_t)optind; i < (size_t)argc; i++)
		if (psw_id_check(argv[i], &e) < 0)
			return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_today(cli, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_store_open(&cli->store, cli->home, 0, cli->prog, &e) < 0)
		return psw_cli_fail(cli, &e);
	cli->store_open = 1;

	if (optind < argc) {
		for (i = (size_t)optind; i < (size_t)argc; i++) {
			rc = validate_one(cli, argv[i], &problems);
			if (rc < 0)
				return -rc;
			bad += (size_t)rc;
		}
		n = (size_t)(argc - optind);
		goto done;
	}
	if ((dir = opendir(cli->store.clients)) == NULL && errno != ENOENT) {
		psw_error_errno(&e, PSW_EIO, errno, "cannot read '%s'",
		    cli->store.clients);
		return psw_cli_fail(cli, &e);
	}
	while (dir != NULL && (de = readdir(dir)) != NULL) {
		size_t len = strlen(de->d_name);
		char *id;

		if (len <= 5 || strcmp(de->d_name + len - 5, ".yaml") != 0)
			continue;
		if ((id = strndup(de->d_name, len - 5)) == NULL) {
			oom = 1;
			break;
		}
		if (!psw_id_valid(id)) {
			fprintf(stderr, "%s: clients/%s: file name is not a "
			    "valid client id (use a-z, 0-9 and -)\n",
			    cli->prog, de->d_name);
			bad++;
			problems++;
			free(id);
			continue;
		}
		if (n == cap) {
			char **nv = realloc(ids, (cap = cap ? cap * 2 : 64) *
			    sizeof *ids);

			if (nv == NULL) {
				free(id);
				oom = 1;
				break;
			}
			ids = nv;
		}
		ids[n++] = id;
	}
	if (dir != NULL)
		closedir(dir);
	if (oom) {
		for (i = 0; i < n; i++)
			free(ids[i]);
		free(ids);
		psw_error(&e, PSW_EIO, "out of memory");
		return psw_cli_fail(cli, &e);
	}
	if (n > 1)
		qsort(ids, n, sizeof *ids, id_cmp);
	rc = 0;
	for (i = 0; i < n; i++) {
		if (rc >= 0) {
			rc = validate_one(cli, ids[i], &problems);
			if (rc > 0)
				bad++;
		}
		free(ids[i]);
	}
	free(ids);
	if (rc < 0)
		return -rc;
done:
	if (bad > 0) {
		if (!cli->quiet)
			fprintf(stderr, "%s: %zu problem%s in %zu of %zu client "
			    "file%s\n", cli->prog, problems,
			    problems == 1 ? "" : "s", bad, n + (bad > n ? bad -
			    n : 0), n == 1 ? "" : "s");
		return PSW_EDATA;
	}
	if (!cli->quiet)
		fprintf(stderr, "%s: %zu client file%s, all valid\n", cli->prog,
		    n, n == 1 ? "" : "s");
	return 0;
}

/* --- new ------------------------------------------------------------ */

struct new_opts {
	const char *name, *dob, *worker, *status;
	const char *template;
};

static int
new_opt(void *arg, int c, const char *val)
{
	struct new_opts *o = arg;

	if (c == OPT_NAME)
		o->name = val;
	else if (c == OPT_DOB)
		o->dob = val;
	else if (c == OPT_WORKER)
		o->worker = val;
	else if (c == OPT_STATUS)
		o->status = val;
	else if (c == OPT_TEMPLATE)
		o->template = val;
	return -1;
}

/* A new plan's first review: review: {every: 90d, next: opened + 90d}. */
static int
add_review(struct psw_txn *t, const struct psw_settings *set, psw_date opened)
{
	char every[32], next[PSW_DATE_LEN];
	struct psw_node *rv;

	snprintf(every, sizeof every, "%d%c", set->review_every.n,
	    set->review_every.unit);
	psw_date_format(psw_date_add(opened, set->review_every), next);
	if ((rv = psw_node_map(t->doc, 1)) == NULL ||
	    psw_map_set_str(t->doc, rv, "every", every, PSW_PLAIN) == NULL ||
	    psw_map_set_str(t->doc, rv, "next", next, PSW_PLAIN) == NULL ||
	    psw_map_set(t->doc, psw_doc_root(t->doc), "review", rv) == NULL)
		return -1;
	return 0;
}

static int
cmd_new(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "name", required_argument, NULL, OPT_NAME },
		{ "dob", required_argument, NULL, OPT_DOB },
		{ "worker", required_argument, NULL, OPT_WORKER },
		{ "status", required_argument, NULL, OPT_STATUS },
		{ "template", required_argument, NULL, OPT_TEMPLATE },
	};
	static const char *const statuses[] = { "referred", "active", NULL };
	struct new_opts o = { NULL, NULL, NULL, "active", NULL };
	struct psw_template *tpl = NULL;
	struct psw_doc *tdoc = NULL;
	size_t ngoals = 0, nactions = 0;
	psw_date dob = PSW_DATE_NONE;
	enum psw_format fmt;
	struct psw_txn t;
	struct psw_err e;
	const char *id;
	int rc;

	rc = psw_cli_parse(cli, argc, argv, local, 5, new_opt, &o,
	    "usage: psw-plan new ID --name NAME [--dob DATE] [--worker W] "
	    "[--status referred|active]\n"
	    "                    [--template NAME]\n");
	if (rc >= 0)
		return rc;
	if ((rc = psw_cli_one_id(cli, argc, argv, "new", &id)) >= 0)
		return rc;
	if (psw_cli_format(cli, PSW_FMT_LISTING, &fmt, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (o.name == NULL || *o.name == '\0')
		return psw_cli_usage_error(cli, "new needs --name NAME");
	if (!psw_in_list(statuses, o.status))
		return psw_cli_usage_error(cli, "a new client's status is "
		    "referred or active, not '%s'", o.status);
	if (psw_cli_today(cli, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (o.dob != NULL && psw_date_parse(o.dob, cli->today, &dob, &e) < 0)
		return psw_cli_usage_error(cli, "--dob: %s", e.msg);
	if (o.template != NULL && !psw_template_name_valid(o.template))
		return psw_cli_usage_error(cli, "'%s' is not a template name "
		    "(use a-z, 0-9 and -)", o.template);
	if (psw_cli_open(cli, PSW_CLI_WRITE | PSW_CLI_NOINDEX, &e) < 0)
		return psw_cli_fail(cli, &e);
	/* The whole template is checked before the client is begun. */
	if (o.template != NULL &&
	    (rc = plan_template_load(cli, o.template, &tdoc, &tpl)) >= 0)
		return rc;
	if (psw_txn_begin(&cli->store, id, PSW_TXN_NEW, &t, &e) < 0) {
		psw_doc_free(tdoc);
		return psw_cli_fail(cli, &e);
	}
	t.doc = psw_client_new_doc(t.name, id, o.name, dob, o.status,
	    cli->today, o.worker ? o.worker : cli->store.set.worker);
	if (t.doc == NULL || add_review(&t, &cli->store.set, cli->today) < 0) {
		psw_doc_free(tdoc);
		psw_txn_abort(&t);
		psw_error(&e, PSW_EIO, "out of memory");
		return psw_cli_fail(cli, &e);
	}
	if (tpl != NULL && psw_template_apply(tpl, t.doc, cli->today, &ngoals,
	    &nactions, &e) < 0) {
		psw_doc_free(tdoc);
		psw_txn_abort(&t);
		return psw_cli_fail(cli, &e);
	}
	psw_doc_free(tdoc);
	if (psw_txn_commit(&t, NULL, "new", &e) < 0)
		return psw_cli_fail(cli, &e);
	if (!cli->quiet && o.template != NULL)
		printf("added client %s from template %s: %zu goal%s, %zu "
		    "action%s\n", id, o.template, ngoals, ngoals == 1 ? "" :
		    "s", nactions, nactions == 1 ? "" : "s");
	else if (!cli->quiet)
		printf("added client %s\n", id);
	return 0;
}

/* --- note ----------------------------------------------------------- */

struct note_opts {
	const char *kind, *minutes, *date;
};

static int
note_opt(void *arg, int c, const char *val)
{
	struct note_opts *o = arg;

	if (c == OPT_KIND)
		o->kind = val;
	else if (c == OPT_MINUTES)
		o->minutes = val;
	else if (c == OPT_DATE)
		o->date = val;
	return -1;
}

static int
cmd_note(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "kind", required_argument, NULL, OPT_KIND },
		{ "minutes", required_argument, NULL, OPT_MINUTES },
		{ "date", required_argument, NULL, OPT_DATE },
	};
	struct note_opts o = { NULL, NULL, NULL };
	enum psw_format fmt;
	struct psw_buf text = PSW_BUF_INIT;
	struct psw_node *root, *seq, *item;
	char all[256], date[PSW_DATE_LEN];
	const char *id;
	psw_date when;
	struct psw_txn t;
	struct psw_err e;
	char *end;
	long minutes = -1;
	int rc;

	rc = psw_cli_parse(cli, argc, argv, local, 3, note_opt, &o,
	    "usage: psw-plan note ID [--kind K] [--minutes N] [--date D] "
	    "[TEXT|-]\n"
	    "Without TEXT, on a terminal: the note is written in $VISUAL, "
	    "$EDITOR or vi.\n");
	if (rc >= 0)
		return rc;
	/* No text: the editor, when a person is at the terminal. */
	if (argc - optind != 2 && !(argc - optind == 1 &&
	    isatty(STDIN_FILENO)))
		return psw_cli_usage_error(cli, "note needs a client id and the "
		    "text (or - to read it from standard input)");
	id = argv[optind];
	if (psw_id_check(id, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_format(cli, PSW_FMT_LISTING, &fmt, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (o.kind != NULL && !psw_in_list(psw_contact_kinds, o.kind))
		return psw_cli_usage_error(cli, "unknown kind '%s' (use %s)",
		    o.kind, psw_list_join(psw_contact_kinds, all, sizeof all));
	if (o.minutes != NULL) {
		errno = 0;
		minutes = strtol(o.minutes, &end, 10);
		if (errno || end == o.minutes || *end || minutes < 0 ||
		    minutes > 1440)
			return psw_cli_usage_error(cli, "--minutes must be a "
			    "whole number from 0 to 1440, not '%s'", o.minutes);
	}
	if (psw_cli_today(cli, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	when = cli->today;
	if (o.date != NULL && psw_date_parse(o.date, cli->today, &when, &e) < 0)
		return psw_cli_usage_error(cli, "--date: %s", e.msg);
	if (argc - optind == 1) {
		if ((rc = plan_editor_text(cli, "note.txt", &text)) >= 0) {
			psw_buf_release(&text);
			return rc;
		}
	} else if (strcmp(argv[optind + 1], "-") == 0) {
		if (psw_cli_read_stdin(&text) < 0) {
			psw_buf_release(&text);
			return psw_cli_usage_error(cli, "cannot read the note "
			    "from standard input (at most 64 KiB)");
		}
	} else if (psw_buf_adds(&text, argv[optind + 1]) < 0) {
		psw_buf_release(&text);
		psw_error(&e, PSW_EIO, "out of memory");
		return psw_cli_fail(cli, &e);
	}
	if (text.len == 0 || strspn(text.s, " \t\r\n") == text.len) {
		psw_buf_release(&text);
		return psw_cli_usage_error(cli, "the note is empty");
	}
	if (psw_cli_open(cli, PSW_CLI_WRITE | PSW_CLI_NOINDEX, &e) < 0) {
		psw_buf_release(&text);
		return psw_cli_fail(cli, &e);
	}
	if (psw_txn_begin(&cli->store, id, 0, &t, &e) < 0) {
		psw_buf_release(&text);
		return psw_cli_fail(cli, &e);
	}
	root = psw_doc_root(t.doc);
	if ((seq = psw_map_get(root, "contacts")) == NULL ||
	    seq->type != PSW_NODE_SEQ)
		seq = psw_map_set(t.doc, root, "contacts",
		    psw_node_seq(t.doc, 0));
	item = psw_node_map(t.doc, 0);
	if (seq == NULL || item == NULL ||
	    psw_map_set_str(t.doc, item, "date", psw_date_format(when, date),
	    PSW_PLAIN) == NULL ||
	    (o.kind && psw_map_set_str(t.doc, item, "kind", o.kind,
	    PSW_PLAIN) == NULL) ||
	    (o.minutes && psw_map_set_str(t.doc, item, "minutes", o.minutes,
	    PSW_PLAIN) == NULL) ||
	    psw_map_set_str(t.doc, item, "note", text.s, PSW_STRING) == NULL) {
		psw_buf_release(&text);
		psw_txn_abort(&t);
		psw_error(&e, PSW_EIO, "out of memory");
		return psw_cli_fail(cli, &e);
	}
	psw_seq_append(seq, item);
	psw_buf_release(&text);
	if (psw_txn_commit(&t, NULL, "note", &e) < 0)
		return psw_cli_fail(cli, &e);
	if (!cli->quiet)
		printf("added note for %s on %s\n", id, date);
	return 0;
}

static const struct psw_cli_command commands[] = {
	{ "action", plan_action },
	{ "goal", plan_goal },
	{ "list", cmd_list },
	{ "new", cmd_new },
	{ "note", cmd_note },
	{ "review", plan_review },
	{ "validate", cmd_validate },
	{ "team", plan_team },
	{ "consent", plan_consent },
	{ "strength", plan_strength },
	{ "need", plan_need },
	{ "safety", plan_safety },
	{ "show", plan_show },
	{ "set", plan_set },
	{ "close", plan_close },
	{ "reopen", plan_reopen },
	{ "edit", plan_edit },
};

int
main(int argc, char **argv)
{
	return psw_cli_main("psw-plan", argc, argv, usage_text, commands,
	    sizeof commands / sizeof commands[0]);
}
