/*
 * plan_edit.c - psw-plan set, close, reopen and edit: changing the
 * client's own record, closing and reopening the case, and editing the
 * whole file in an editor.
 *
 * set, close and reopen change the tree through psw_txn.  edit holds no
 * lock while the editor runs (a person may leave it open for an hour): it
 * keeps the bytes it started from, and when the edited copy is valid it
 * takes the lock, checks the file still holds exactly those bytes, and
 * only then replaces it, the way psw_txn_commit() does.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "client.h"
#include "edit.h"
#include "goal.h"
#include "plan.h"
#include "txn.h"
#include "utf8.h"

enum {
	OPT_REASON = PSW_OPT_FIRST_LOCAL + 0x70, OPT_DATE, OPT_STATUS
};

struct eopts {
	const char *reason, *date, *status;
};

static int
eopt(void *arg, int c, const char *val)
{
	struct eopts *o = arg;

	if (c == OPT_REASON)
		o->reason = val;
	else if (c == OPT_DATE)
		o->date = val;
	else if (c == OPT_STATUS)
		o->status = val;
	return -1;
}

/* Say why a value is refused (exit 3); nothing was written. */
static int
bad_value(struct psw_cli *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
bad_value(struct psw_cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return PSW_EDATA;
}

static int
oom(struct psw_cli *cli, struct psw_txn *t)
{
	struct psw_err e;

	if (t != NULL)
		psw_txn_abort(t);
	psw_error(&e, PSW_EIO, "out of memory");
	return psw_cli_fail(cli, &e);
}

static int
blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

/*
 * Is s valid UTF-8 text without control characters (line breaks and tabs
 * allowed when multiline)?
 */
static int
clean_text(const char *s, int multiline)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s), i = 0;
	uint32_t c;

	while (i < len) {
		if (psw_utf8_next(u, len, &i, &c) < 0)
			return 0;
		if (multiline && (c == '\n' || c == '\t'))
			continue;
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f))
			return 0;
	}
	return 1;
}

/*
 * A plausible email address: local@domain, one @, a dot in the domain,
 * no spaces or control characters, at most 254 bytes.
 */
static int
email_valid(const char *s)
{
	const char *at = strchr(s, '@'), *p;
	size_t len = strlen(s);

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL ||
	    len > 254 || (size_t)(at - s) > 64 || !clean_text(s, 0))
		return 0;
	for (p = s; *p != '\0'; p++)
		if (*p == ' ' || strchr("\"(),:;<>[]\\", *p) != NULL)
			return 0;
	p = at + 1;
	if (*p == '\0' || *p == '.' || *p == '-' || strchr(p, '.') == NULL ||
	    strstr(p, "..") != NULL || p[strlen(p) - 1] == '.' ||
	    p[strlen(p) - 1] == '-')
		return 0;
	return 1;
}

/* A phone number: digits, spaces, + ( ) - . /, at least 3 digits. */
static int
phone_valid(const char *s)
{
	size_t digits = 0, i;

	if (strlen(s) > 40)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (strchr(" ()-./", s[i]) == NULL &&
		    !(s[i] == '+' && i == strspn(s, " ")))
			return 0;
	}
	return digits >= 3;
}

/*
 * The profile's keys in the order psw-plan(5) lists them: a key a command
 * adds goes after the last of those before it that the file has, not at
 * the end of the file, so the record reads top down.
 */
static const char *const profile_order[] = {
	"psw", "id", "name", "preferred-name", "pronouns", "dob", "status",
	"opened", "closed", "worker", "phone", "email", "address", "notes",
	"history", NULL
};

/* Move the new entry v (just appended to map) to its place. */
static void
place(struct psw_node *map, struct psw_node *v)
{
	struct psw_node *after = NULL, *n;
	size_t i;

	for (i = 0; profile_order[i] != NULL &&
	    strcmp(profile_order[i], v->key) != 0; i++)
		if ((n = psw_map_get(map, profile_order[i])) != NULL && n != v)
			after = n;
	if (profile_order[i] == NULL || after == NULL || after->next == v ||
	    after == v)
		return;
	psw_node_unlink(v);
	v->parent = map;
	v->prev = after;
	v->next = after->next;
	if (after->next != NULL)
		after->next->prev = v;
	else
		map->tail = v;
	after->next = v;
	map->count++;
}

/* map[key] = value (a new key in its place); NULL on OOM. */
static struct psw_node *
set_profile(struct psw_doc *doc, struct psw_node *map, const char *key,
    const char *value, int style)
{
	int isnew = psw_map_get(map, key) == NULL;
	struct psw_node *v = psw_map_set_str(doc, map, key, value, style);

	if (v != NULL && isnew)
		place(map, v);
	return v;
}

/* Append {date, status, by[, reason]} to the history, oldest first. */
static int
add_history(struct psw_cli *cli, struct psw_txn *t, psw_date d,
    const char *status, const char *reason)
{
	struct psw_node *root = psw_doc_root(t->doc), *seq, *h;
	char date[PSW_DATE_LEN];

	if ((seq = psw_map_get(root, "history")) == NULL ||
	    seq->type != PSW_NODE_SEQ) {
		int isnew = seq == NULL;

		seq = psw_map_set(t->doc, root, "history",
		    psw_node_seq(t->doc, 0));
		if (seq != NULL && isnew)
			place(root, seq);
	}
	if (seq == NULL || (h = psw_node_map(t->doc, 1)) == NULL ||
	    psw_map_set_str(t->doc, h, "date", psw_date_format(d, date),
	    PSW_PLAIN) == NULL ||
	    psw_map_set_str(t->doc, h, "status", status, PSW_PLAIN) == NULL ||
	    psw_map_set_str(t->doc, h, "by", cli->store.set.worker,
	    PSW_STRING) == NULL ||
	    (reason != NULL && psw_map_set_str(t->doc, h, "reason", reason,
	    PSW_STRING) == NULL))
		return -1;
	psw_seq_insert_dated(seq, h);
	return 0;
}

/* Open the case folder and take client id; -1 when t is ready. */
static int
begin(struct psw_cli *cli, const char *id, struct psw_txn *t)
{
	struct psw_err e;

	if (psw_cli_open(cli, PSW_CLI_WRITE | PSW_CLI_NOINDEX, &e) < 0 ||
	    psw_txn_begin(&cli->store, id, 0, t, &e) < 0)
		return psw_cli_fail(cli, &e);
	return -1;
}

static int
commit(struct psw_cli *cli, struct psw_txn *t, const char *action)
{
	struct psw_err e;

	if (psw_txn_commit(t, NULL, action, &e) < 0)
		return psw_cli_fail(cli, &e);
	return 0;
}

/* --- set ------------------------------------------------------------ */

enum vkind { V_NAME, V_LINE, V_TEXT, V_DATE, V_STATUS, V_PHONE, V_EMAIL,
    V_DURATION };

static const struct key {
	const char *name;	/* the key in the file */
	enum vkind kind;
	int required;
} keys[] = {
	{ "name", V_NAME, 1 },
	{ "preferred-name", V_LINE, 0 },
	{ "pronouns", V_LINE, 0 },
	{ "dob", V_DATE, 0 },
	{ "worker", V_LINE, 0 },
	{ "status", V_STATUS, 1 },
	{ "phone", V_PHONE, 0 },
	{ "email", V_EMAIL, 0 },
	{ "address", V_TEXT, 0 },
	{ "notes", V_TEXT, 0 },
	{ "review-every", V_DURATION, 0 },
};

#define NKEYS (sizeof keys / sizeof keys[0])

static const char set_usage[] =
"usage: psw-plan set ID KEY VALUE\n"
"keys: name, preferred-name, pronouns, dob, worker, status (referred,\n"
"      active, on-hold), phone, email, address, notes, review-every\n"
"      (a duration: 90d, 12w, 3m); an empty VALUE removes an optional "
"key\n";

/*
 * Check value for key k; fills out (the value to store, canonical for
 * dates).  -1 when good, else the exit status after saying why.
 */
static int
check_value(struct psw_cli *cli, const struct key *k, const char *v,
    char *out, size_t size)
{
	static const char *const statuses[] = {
		"referred", "active", "on-hold", NULL
	};
	struct psw_duration dur;
	struct psw_err e;
	psw_date d;

	snprintf(out, size, "%s", v);
	if (*v == '\0') {
		if (k->required)
			return bad_value(cli, "%s cannot be empty", k->name);
		return -1;
	}
	switch (k->kind) {
	case V_NAME:
	case V_LINE:
		if (blank(v) || !clean_text(v, 0))
			return bad_value(cli, "%s must be one line of text, "
			    "without control characters", k->name);
		break;
	case V_TEXT:
		if (blank(v) || !clean_text(v, 1))
			return bad_value(cli, "%s must be text, without "
			    "control characters", k->name);
		break;
	case V_DATE:
		if (psw_date_parse(v, cli->today, &d, &e) < 0)
			return bad_value(cli, "%s: %s", k->name, e.msg);
		if (d > cli->today)
			return bad_value(cli, "dob: %s is in the future",
			    psw_date_format(d, out));
		psw_date_format(d, out);
		break;
	case V_STATUS:
		if (strcmp(v, "closed") == 0)
			return bad_value(cli, "a case is closed with 'psw-plan "
			    "close ID --reason TEXT', which keeps why");
		if (!psw_in_list(statuses, v))
			return bad_value(cli, "unknown status '%s' (use "
			    "referred, active or on-hold)", v);
		break;
	case V_PHONE:
		if (!phone_valid(v))
			return bad_value(cli, "'%s' is not a phone number (use "
			    "digits, spaces and + ( ) - . /)", v);
		break;
	case V_EMAIL:
		if (!email_valid(v))
			return bad_value(cli, "'%s' is not an email address",
			    v);
		break;
	case V_DURATION:
		if (psw_duration_parse(v, &dur, &e) < 0 || dur.n <= 0)
			return bad_value(cli, "review-every: '%s' is not a "
			    "duration (use 90d, 12w, 3m or 1y)", v);
		snprintf(out, size, "%d%c", dur.n, dur.unit);
		break;
	}
	return -1;
}

/* set review-every: review: {every}, and the next review from the last. */
static int
set_every(struct psw_cli *cli, struct psw_txn *t, const char *v,
    char *next, int *moved)
{
	struct psw_node *root = psw_doc_root(t->doc), *rv;
	struct psw_duration dur;
	struct psw_err e;
	psw_date from, nx;

	*moved = 0;
	rv = psw_map_get(root, "review");
	if (*v == '\0') {
		if (rv != NULL && rv->type == PSW_NODE_MAP)
			psw_map_remove(rv, "every");
		return 0;
	}
	if ((rv = psw_edit_map(t->doc, root, "review")) == NULL ||
	    psw_map_set_str(t->doc, rv, "every", v, PSW_PLAIN) == NULL)
		return -1;
	psw_duration_parse(v, &dur, &e);
	from = t->client->review.last != PSW_DATE_NONE ?
	    t->client->review.last : t->client->opened;
	if (t->client->closed == PSW_DATE_NONE && from != PSW_DATE_NONE &&
	    (nx = psw_date_add(from, dur)) != PSW_DATE_NONE) {
		if (psw_map_set_str(t->doc, rv, "next",
		    psw_date_format(nx, next), PSW_PLAIN) == NULL)
			return -1;
		*moved = 1;
	}
	(void)cli;
	return 0;
}

int
plan_set(struct psw_cli *cli, int argc, char **argv)
{
	char value[PSW_DOC_MAX_SCALAR + 1], all[256], next[PSW_DATE_LEN];
	struct psw_node *root;
	const struct key *k = NULL;
	const char *id, *old;
	enum psw_format fmt;
	struct psw_txn t;
	struct psw_err e;
	size_t i, len;
	int rc, moved = 0;

	rc = psw_cli_parse(cli, argc, argv, NULL, 0, NULL, NULL, set_usage);
	if (rc >= 0)
		return rc;
	if (argc - optind != 3)
		return psw_cli_usage_error(cli, "set needs a client id, a key "
		    "and a value");
	id = argv[optind];
	if (psw_id_check(id, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	for (i = 0; i < NKEYS; i++)
		if (strcmp(argv[optind + 1], keys[i].name) == 0)
			k = &keys[i];
	if (k == NULL) {
		len = 0;
		all[0] = '\0';
		for (i = 0; i < NKEYS; i++)
			len += (size_t)snprintf(all + len, sizeof all - len,
			    "%s%s", i ? ", " : "", keys[i].name);
		return psw_cli_usage_error(cli, "unknown key '%s' (use %s)",
		    argv[optind + 1], all);
	}
	if (psw_cli_format(cli, PSW_FMT_LISTING, &fmt, &e) < 0 ||
	    psw_cli_today(cli, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (strlen(argv[optind + 2]) > PSW_DOC_MAX_SCALAR)
		return bad_value(cli, "%s: the value is longer than %d bytes",
		    k->name, PSW_DOC_MAX_SCALAR);
	if ((rc = check_value(cli, k, argv[optind + 2], value,
	    sizeof value)) >= 0)
		return rc;
	if ((rc = begin(cli, id, &t)) >= 0)
		return rc;
	root = psw_doc_root(t.doc);
	if (k->kind == V_DURATION) {
		const struct psw_node *rv = psw_map_get(root, "review");

		old = psw_map_get_str(rv, "every");
	} else
		old = psw_map_get_str(root, k->name);
	if ((old == NULL && *value == '\0') ||
	    (old != NULL && strcmp(old, value) == 0)) {
		psw_txn_abort(&t);
		if (!cli->quiet)
			printf("%s of %s is already %s%s%s\n", k->name, id,
			    *value ? "'" : "unset", value, *value ? "'" : "");
		return 0;
	}
	if (k->kind == V_STATUS && t.client->status != NULL &&
	    strcmp(t.client->status, "closed") == 0) {
		psw_txn_abort(&t);
		return bad_value(cli, "%s is closed; reopen it with 'psw-plan "
		    "reopen %s'", id, id);
	}
	if (k->kind == V_DURATION) {
		if (set_every(cli, &t, value, next, &moved) < 0)
			return oom(cli, &t);
	} else if (*value == '\0') {
		psw_map_remove(root, k->name);
	} else if (set_profile(t.doc, root, k->name, value,
	    k->kind == V_DATE || k->kind == V_STATUS ? PSW_PLAIN :
	    PSW_STRING) == NULL) {
		return oom(cli, &t);
	}
	if (k->kind == V_STATUS && add_history(cli, &t, cli->today, value,
	    NULL) < 0)
		return oom(cli, &t);
	if ((rc = commit(cli, &t, "set")) != 0)
		return rc;
	if (cli->quiet)
		return 0;
	if (*value == '\0')
		printf("removed %s of %s\n", k->name, id);
	else if (k->kind == V_TEXT || strchr(value, '\n') != NULL)
		printf("set %s of %s\n", k->name, id);
	else {
		printf("set %s of %s to ", k->name, id);
		psw_put_text(stdout, value);
		if (moved)
			printf(", next review %s", next);
		putchar('\n');
	}
	return 0;
}

/* --- close, reopen ------------------------------------------------- */

int
plan_close(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "date", required_argument, NULL, OPT_DATE },
	};
	struct eopts o = { NULL, NULL, NULL };
	char date[PSW_DATE_LEN], b[PSW_DATE_LEN];
	struct psw_node *root;
	enum psw_format fmt;
	const char *id;
	struct psw_txn t;
	struct psw_err e;
	psw_date when;
	int rc;

	rc = psw_cli_parse(cli, argc, argv, local, 2, eopt, &o,
	    "usage: psw-plan close ID --reason TEXT [--date DATE]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return psw_cli_usage_error(cli, "close needs one client id");
	id = argv[optind];
	if (psw_id_check(id, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_format(cli, PSW_FMT_LISTING, &fmt, &e) < 0 ||
	    psw_cli_today(cli, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (o.reason == NULL || blank(o.reason))
		return psw_cli_usage_error(cli, "close needs --reason TEXT "
		    "(why the case is closed)");
	if (!clean_text(o.reason, 1))
		return bad_value(cli, "--reason must be text without control "
		    "characters");
	when = cli->today;
	if (o.date != NULL && psw_date_parse(o.date, cli->today, &when,
	    &e) < 0)
		return psw_cli_usage_error(cli, "--date: %s", e.msg);
	if (when > cli->today)
		return psw_cli_usage_error(cli, "--date: a case is not closed "
		    "in the future (%s)", psw_date_format(when, date));
	if ((rc = begin(cli, id, &t)) >= 0)
		return rc;
	if (strcmp(t.client->status, "closed") == 0) {
		psw_txn_abort(&t);
		return bad_value(cli, "%s is closed already", id);
	}
	if (t.client->opened != PSW_DATE_NONE && when < t.client->opened) {
		rc = bad_value(cli, "--date: %s is before the case was "
		    "opened (%s)", psw_date_format(when, date),
		    psw_date_format(t.client->opened, b));
		psw_txn_abort(&t);
		return rc;
	}
	root = psw_doc_root(t.doc);
	psw_date_format(when, date);
	if (psw_map_set_str(t.doc, root, "status", "closed", PSW_PLAIN) ==
	    NULL || set_profile(t.doc, root, "closed", date, PSW_PLAIN) ==
	    NULL || add_history(cli, &t, when, "closed", o.reason) < 0)
		return oom(cli, &t);
	if ((rc = commit(cli, &t, "close")) != 0)
		return rc;
	if (!cli->quiet)
		printf("closed %s on %s\n", id, date);
	return 0;
}

int
plan_reopen(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "date", required_argument, NULL, OPT_DATE },
		{ "status", required_argument, NULL, OPT_STATUS },
	};
	static const char *const statuses[] = {
		"referred", "active", "on-hold", NULL
	};
	struct eopts o = { NULL, NULL, "active" };
	char date[PSW_DATE_LEN], b[PSW_DATE_LEN], next[PSW_DATE_LEN];
	struct psw_node *root, *rv;
	struct psw_duration every;
	enum psw_format fmt;
	const char *id;
	struct psw_txn t;
	struct psw_err e;
	psw_date when, nx = PSW_DATE_NONE;
	int rc;

	rc = psw_cli_parse(cli, argc, argv, local, 3, eopt, &o,
	    "usage: psw-plan reopen ID [--status referred|active|on-hold] "
	    "[--reason TEXT]\n"
	    "                       [--date DATE]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return psw_cli_usage_error(cli, "reopen needs one client id");
	id = argv[optind];
	if (psw_id_check(id, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_format(cli, PSW_FMT_LISTING, &fmt, &e) < 0 ||
	    psw_cli_today(cli, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (!psw_in_list(statuses, o.status))
		return psw_cli_usage_error(cli, "--status: a reopened case is "
		    "referred, active or on-hold, not '%s'", o.status);
	if (o.reason != NULL && (blank(o.reason) || !clean_text(o.reason, 1)))
		return psw_cli_usage_error(cli, "--reason must be text without "
		    "control characters");
	when = cli->today;
	if (o.date != NULL && psw_date_parse(o.date, cli->today, &when,
	    &e) < 0)
		return psw_cli_usage_error(cli, "--date: %s", e.msg);
	if (when > cli->today)
		return psw_cli_usage_error(cli, "--date: a case is not reopened "
		    "in the future (%s)", psw_date_format(when, date));
	if ((rc = begin(cli, id, &t)) >= 0)
		return rc;
	if (strcmp(t.client->status, "closed") != 0) {
		rc = bad_value(cli, "%s is not closed (its status is %s)", id,
		    t.client->status);
		psw_txn_abort(&t);
		return rc;
	}
	if (t.client->closed != PSW_DATE_NONE && when < t.client->closed) {
		rc = bad_value(cli, "--date: %s is before the case was "
		    "closed (%s)", psw_date_format(when, date),
		    psw_date_format(t.client->closed, b));
		psw_txn_abort(&t);
		return rc;
	}
	root = psw_doc_root(t.doc);
	psw_date_format(when, date);
	/* The closing stays in the history; the next review is due again. */
	psw_map_remove(root, "closed");
	every = t.client->review.has_every ? t.client->review.every :
	    cli->store.set.review_every;
	if (t.client->review.next == PSW_DATE_NONE ||
	    t.client->review.next < when) {
		if ((nx = psw_date_add(when, every)) != PSW_DATE_NONE &&
		    ((rv = psw_edit_map(t.doc, root, "review")) == NULL ||
		    psw_map_set_str(t.doc, rv, "next", psw_date_format(nx, next),
		    PSW_PLAIN) == NULL))
			return oom(cli, &t);
	}
	if (psw_map_set_str(t.doc, root, "status", o.status, PSW_PLAIN) ==
	    NULL || add_history(cli, &t, when, o.status, o.reason) < 0)
		return oom(cli, &t);
	if ((rc = commit(cli, &t, "reopen")) != 0)
		return rc;
	if (!cli->quiet) {
		printf("reopened %s on %s (%s)", id, date, o.status);
		if (nx != PSW_DATE_NONE)
			printf(", next review %s", next);
		putchar('\n');
	}
	return 0;
}
