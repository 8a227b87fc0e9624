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

/*
 * The one client id operand of `what`, the --format and today: -1 when
 * good (*id, *fmt set), else the usage exit.
 */
static int
id_operand(struct psw_cli *cli, int argc, char **argv, const char *what,
    const char **id, enum psw_format *fmt)
{
	struct psw_err e;
	int rc;

	if ((rc = psw_cli_one_id(cli, argc, argv, what, id)) >= 0)
		return rc;
	if (psw_cli_format(cli, PSW_FMT_LISTING, fmt, &e) < 0 ||
	    psw_cli_today(cli, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	return -1;
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
	if ((rc = psw_cli_begin(cli, id, &t)) >= 0)
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
			return psw_cli_oom(cli, &t);
	} else if (*value == '\0') {
		psw_map_remove(root, k->name);
	} else if (set_profile(t.doc, root, k->name, value,
	    k->kind == V_DATE || k->kind == V_STATUS ? PSW_PLAIN :
	    PSW_STRING) == NULL) {
		return psw_cli_oom(cli, &t);
	}
	if (k->kind == V_STATUS && add_history(cli, &t, cli->today, value,
	    NULL) < 0)
		return psw_cli_oom(cli, &t);
	if ((rc = psw_cli_commit(cli, &t, "set")) != 0)
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
	if ((rc = id_operand(cli, argc, argv, "close", &id, &fmt)) >= 0)
		return rc;
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
	if ((rc = psw_cli_begin(cli, id, &t)) >= 0)
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
		return psw_cli_oom(cli, &t);
	if ((rc = psw_cli_commit(cli, &t, "close")) != 0)
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
	if ((rc = id_operand(cli, argc, argv, "reopen", &id, &fmt)) >= 0)
		return rc;
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
	if ((rc = psw_cli_begin(cli, id, &t)) >= 0)
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
			return psw_cli_oom(cli, &t);
	}
	if (psw_map_set_str(t.doc, root, "status", o.status, PSW_PLAIN) ==
	    NULL || add_history(cli, &t, when, o.status, o.reason) < 0)
		return psw_cli_oom(cli, &t);
	if ((rc = psw_cli_commit(cli, &t, "reopen")) != 0)
		return rc;
	if (!cli->quiet) {
		printf("reopened %s on %s (%s)", id, date, o.status);
		if (nx != PSW_DATE_NONE)
			printf(", next review %s", next);
		putchar('\n');
	}
	return 0;
}

/* --- edit ------------------------------------------------------------ */

/*
 * Read the whole file at path into b (at most PSW_DOC_MAX_BYTES + 1
 * bytes, so an oversized file shows).  Returns 0, 1 when there is no
 * file, or -code (e filled).
 */
static int
slurp(const char *path, const char *name, struct psw_buf *b,
    struct psw_err *e)
{
	char chunk[8192];
	struct stat sb;
	ssize_t n;
	int fd;

	psw_buf_reset(b);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT)
		return 1;
	if (fd < 0)
		return psw_error_errno(e, PSW_EIO, errno, "cannot open '%s'%s",
		    name, errno == ELOOP ? " (a symbolic link)" : "");
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return psw_error(e, PSW_EIO, "'%s' is not a regular file",
		    name);
	}
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = errno;
			close(fd);
			return psw_error_errno(e, PSW_EIO, (int)n, "cannot read "
			    "'%s'", name);
		}
		if (psw_buf_add(b, chunk, (size_t)n) < 0) {
			close(fd);
			return psw_error(e, PSW_EIO, "out of memory");
		}
		if (b->len > PSW_DOC_MAX_BYTES)
			break;
	}
	close(fd);
	if (b->s == NULL && psw_buf_grow(b, 1) < 0)
		return psw_error(e, PSW_EIO, "out of memory");
	return 0;
}

/* Write len bytes to a new file path, 0600; 0 or -code. */
static int
write_new(const char *path, const char *data, size_t len, struct psw_err *e)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) < 0)
		return psw_error_errno(e, PSW_EIO, errno, "cannot create '%s'",
		    path);
	while (len > 0) {
		if ((n = write(fd, data, len)) < 0) {
			if (errno == EINTR)
				continue;
			n = errno;
			close(fd);
			return psw_error_errno(e, PSW_EIO, (int)n, "cannot write "
			    "'%s'", path);
		}
		data += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0)
		return psw_error_errno(e, PSW_EIO, errno, "cannot write '%s'",
		    path);
	return 0;
}

/* A private copy: a new 0700 folder in $TMPDIR (or /tmp), the file 0600. */
struct scratch {
	char dir[4096];
	char file[4200];
	int made;
};

static int
scratch_make(struct scratch *sc, const char *fname, const char *data,
    size_t len, struct psw_err *e)
{
	const char *tmp = getenv("TMPDIR");

	sc->made = 0;
	if (tmp == NULL || *tmp != '/')
		tmp = "/tmp";
	/* mkdtemp(3) replaces the six X with a unique suffix */
	if ((size_t)snprintf(sc->dir, sizeof sc->dir, "%s/psw-edit.XXXXXX",
	    tmp) >= sizeof sc->dir)
		return psw_error(e, PSW_EIO, "TMPDIR is too long");
	if (mkdtemp(sc->dir) == NULL)
		return psw_error_errno(e, PSW_EIO, errno, "cannot make a "
		    "private folder in '%s'", tmp);
	sc->made = 1;
	snprintf(sc->file, sizeof sc->file, "%s/%s", sc->dir, fname);
	return write_new(sc->file, data, len, e);
}

/* Remove the copy and its folder. */
static void
scratch_drop(struct scratch *sc)
{
	if (!sc->made)
		return;
	unlink(sc->file);
	rmdir(sc->dir);
	sc->made = 0;
}

/*
 * Run the editor on path: $VISUAL, else $EDITOR, else vi, through sh so
 * that "emacs -nw" works.  psw-plan ignores SIGINT and SIGQUIT meanwhile:
 * they are the editor's.  0, or -PSW_EIO when it cannot run or fails.
 */
static int
run_editor(const char *path, struct psw_err *e)
{
	struct sigaction ign, oint, oquit;
	const char *ed = getenv("VISUAL");
	struct psw_buf cmd = PSW_BUF_INIT;
	int status, rc = 0;
	pid_t pid;

	if (ed == NULL || *ed == '\0')
		ed = getenv("EDITOR");
	if (ed == NULL || *ed == '\0')
		ed = "vi";
	if (psw_buf_addf(&cmd, "%s \"$@\"", ed) < 0)
		return psw_error(e, PSW_EIO, "out of memory");
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	fflush(NULL);
	if ((pid = fork()) < 0) {
		rc = psw_error_errno(e, PSW_EIO, errno, "cannot start the "
		    "editor");
		goto out;
	}
	if (pid == 0) {
		sigaction(SIGINT, &oint, NULL);
		sigaction(SIGQUIT, &oquit, NULL);
		execl("/bin/sh", "sh", "-c", cmd.s, ed, path, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			rc = psw_error_errno(e, PSW_EIO, errno, "cannot wait "
			    "for the editor");
			goto out;
		}
	}
	if (WIFSIGNALED(status))
		rc = psw_error(e, PSW_EIO, "the editor '%s' was killed by "
		    "signal %d", ed, WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		rc = psw_error(e, PSW_EIO, "the editor '%s' exited with "
		    "status %d", ed, WEXITSTATUS(status));
out:
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	psw_buf_release(&cmd);
	return rc;
}

int
plan_editor_text(struct psw_cli *cli, const char *fname, struct psw_buf *out)
{
	struct scratch sc;
	struct psw_err e;
	int rc;

	if (scratch_make(&sc, fname, "", 0, &e) < 0 ||
	    run_editor(sc.file, &e) < 0 ||
	    (rc = slurp(sc.file, sc.file, out, &e)) < 0) {
		scratch_drop(&sc);
		return psw_cli_fail(cli, &e);
	}
	scratch_drop(&sc);
	if (rc == 1 || out->len > PSW_DOC_MAX_SCALAR) {
		psw_error(&e, PSW_EUSAGE, "the editor left no text, or more "
		    "than %d bytes", PSW_DOC_MAX_SCALAR);
		return psw_cli_fail(cli, &e);
	}
	return -1;
}

#define EDIT_MARK "# psw-plan: "

/* Bytes of the problem lines edit put at the top of the copy. */
static size_t
header_len(const char *s, size_t len, int *lines)
{
	size_t at = 0, ml = strlen(EDIT_MARK);
	const char *nl;

	*lines = 0;
	while (len - at >= ml && memcmp(s + at, EDIT_MARK, ml) == 0 &&
	    (nl = memchr(s + at, '\n', len - at)) != NULL) {
		at = (size_t)(nl - s) + 1;
		(*lines)++;
	}
	return at;
}

/*
 * Validate text (len bytes) as client id's file.  Every problem goes to
 * d with lines counted from the text's start; *doc and *c are set when it
 * parses.  0 valid, -PSW_EDATA, -PSW_EIO.
 */
static int
check_text(const char *id, const char *name, const char *text, size_t len,
    struct psw_doc **doc, struct psw_client **c, struct psw_diags *d)
{
	struct psw_err e;
	int rc;

	*doc = NULL;
	*c = NULL;
	if (len > PSW_DOC_MAX_BYTES) {
		psw_diags_add(d, name, 0, 0, "the file is larger than %d bytes",
		    PSW_DOC_MAX_BYTES);
		return -PSW_EDATA;
	}
	if ((rc = psw_doc_load_mem(text, len, name, doc, &e)) < 0) {
		if (rc == -PSW_EDATA)
			psw_diags_add_err(d, &e);
		return rc;
	}
	return psw_client_read(*doc, id, c, d);
}

/* Print the problems, lines shifted by `shift` (the header shown). */
static void
print_problems(struct psw_cli *cli, const struct psw_diags *d, int shift)
{
	char line[PSW_ERR_MSG + 600];
	struct psw_err pe;
	size_t i;

	for (i = 0; i < d->n; i++) {
		psw_err_clear(&pe);
		snprintf(pe.file, sizeof pe.file, "%s", d->v[i].file ?
		    d->v[i].file : "");
		pe.line = d->v[i].line > 0 ? d->v[i].line + shift : 0;
		pe.col = d->v[i].col;
		snprintf(pe.msg, sizeof pe.msg, "%s", d->v[i].msg);
		fprintf(stderr, "%s: %s\n", cli->prog,
		    psw_err_format(&pe, line, sizeof line));
	}
}

/* Ask on the terminal whether to edit again; 1 yes, 0 no. */
static int
ask_again(struct psw_cli *cli)
{
	char ans[64];

	fprintf(stderr, "%s: edit again, with the problems at the top? "
	    "[Y/n] ", cli->prog);
	fflush(stderr);
	if (fgets(ans, sizeof ans, stdin) == NULL)
		return 0;
	return ans[0] != 'n' && ans[0] != 'N' && ans[0] != 'q' &&
	    ans[0] != 'Q';
}

/* The copy again, the problems as comment lines at its top. */
static int
put_header(const struct scratch *sc, const struct psw_diags *d,
    const char *body, size_t len, struct psw_err *e)
{
	struct psw_buf b = PSW_BUF_INIT;
	size_t i, k;
	int rc;

	for (i = 0; i < d->n; i++) {
		psw_buf_adds(&b, EDIT_MARK);
		if (d->v[i].line > 0)
			psw_buf_addf(&b, "line %d, column %d: ",
			    d->v[i].line + (int)d->n, d->v[i].col);
		for (k = 0; d->v[i].msg[k] != '\0'; k++)
			psw_buf_addc(&b, d->v[i].msg[k] == '\n' ? ' ' :
			    d->v[i].msg[k]);
		psw_buf_addc(&b, '\n');
	}
	psw_buf_add(&b, body, len);
	if (b.oom) {
		psw_buf_release(&b);
		return psw_error(e, PSW_EIO, "out of memory");
	}
	rc = write_new(sc->file, b.s ? b.s : "", b.len, e);
	psw_buf_release(&b);
	return rc;
}

/*
 * Replace client id's file with text, if it still holds exactly `orig`:
 * under the client's lock, compare, write atomically, audit, index.
 * 0, or -code (-PSW_ELOCKED when it changed meanwhile).
 */
static int
replace_if_same(struct psw_cli *cli, const char *id, const char *path,
    const char *name, const struct psw_buf *orig, const char *text,
    size_t len, const struct psw_client *c, struct psw_err *e)
{
	struct psw_buf now = PSW_BUF_INIT;
	struct psw_lock lk = { NULL, 0, 0, 0, -1 };
	struct psw_err ie;
	char lockpath[4200];
	struct stat sb;
	int rc;

	snprintf(lockpath, sizeof lockpath, "%s.lock", path);
	if ((rc = psw_lock_take(&cli->store, &lk, lockpath,
	    cli->store.set.lock_timeout_ms, e)) < 0)
		goto out;
	if ((rc = slurp(path, name, &now, e)) < 0)
		goto out;
	if (rc == 1 || now.len != orig->len ||
	    memcmp(now.s, orig->s, orig->len) != 0) {
		rc = psw_error(e, PSW_ELOCKED, "%s was %s while you were "
		    "editing it; nothing written", name, rc == 1 ? "removed" :
		    "changed by someone else");
		goto out;
	}
	if ((rc = psw_write_tmp(path, name, text, len, e)) < 0)
		goto out;
	if ((rc = psw_audit(&cli->store, "edit", id, e)) < 0) {
		psw_discard(path);
		goto out;
	}
	if ((rc = psw_replace(path, name, e)) < 0)
		goto out;
	/* Written: an index problem is only a warning now. */
	if (stat(path, &sb) == 0 &&
	    psw_index_update(&cli->store, id, c, &sb, &ie) < 0)
		psw_cli_warn(cli, "%s (the next command will catch up)",
		    ie.msg);
	rc = 0;
out:
	psw_lock_release(&lk);
	psw_buf_release(&now);
	return rc;
}

int
plan_edit(struct psw_cli *cli, int argc, char **argv)
{
	struct psw_diags d = PSW_DIAGS_INIT;
	struct psw_buf orig = PSW_BUF_INIT, cur = PSW_BUF_INIT;
	struct psw_doc *doc = NULL;
	struct psw_client *c;
	struct scratch sc = { "", "", 0 };
	char name[96], fname[PSW_ID_MAX + 8];
	enum psw_format fmt;
	struct psw_err e;
	const char *id, *body;
	char *path = NULL;
	size_t hlen, blen;
	int rc, hlines, tty = isatty(STDIN_FILENO);

	rc = psw_cli_parse(cli, argc, argv, NULL, 0, NULL, NULL,
	    "usage: psw-plan edit ID\n"
	    "Opens $VISUAL, else $EDITOR, else vi, on a private copy of the "
	    "client's file.\n");
	if (rc >= 0)
		return rc;
	if ((rc = id_operand(cli, argc, argv, "edit", &id, &fmt)) >= 0)
		return rc;
	if (psw_cli_open(cli, PSW_CLI_WRITE | PSW_CLI_NOINDEX, &e) < 0)
		return psw_cli_fail(cli, &e);
	psw_store_client_name(id, name, sizeof name);
	if ((path = psw_store_client_path(&cli->store, id)) == NULL) {
		psw_error(&e, PSW_EIO, "out of memory");
		goto fail;
	}
	if ((rc = slurp(path, name, &orig, &e)) < 0)
		goto fail;
	if (rc == 1) {
		psw_error(&e, PSW_EDATA, "no client '%s' (%s does not exist)",
		    id, name);
		goto fail;
	}
	snprintf(fname, sizeof fname, "%s.yaml", id);
	if (scratch_make(&sc, fname, orig.s, orig.len, &e) < 0) {
		scratch_drop(&sc);
		goto fail;
	}
	for (;;) {
		if (run_editor(sc.file, &e) < 0 ||
		    (rc = slurp(sc.file, sc.file, &cur, &e)) < 0)
			goto keep;
		if (rc == 1) {
			psw_error(&e, PSW_EIO, "the editor removed %s; %s is "
			    "unchanged", sc.file, name);
			goto keep;
		}
		hlen = header_len(cur.s, cur.len, &hlines);
		body = cur.s + hlen;
		blen = cur.len - hlen;
		if (blen == orig.len && memcmp(body, orig.s, blen) == 0) {
			scratch_drop(&sc);
			if (!cli->quiet)
				printf("no changes to %s\n", id);
			rc = 0;
			goto out;
		}
		psw_doc_free(doc);
		psw_diags_release(&d);
		rc = check_text(id, sc.file, body, blen, &doc, &c, &d);
		if (rc == -PSW_EIO) {
			psw_error(&e, PSW_EIO, "out of memory");
			goto keep;
		}
		if (rc == 0)
			break;
		print_problems(cli, &d, hlines);
		fprintf(stderr, "%s: %zu problem%s; %s is unchanged\n",
		    cli->prog, d.n, d.n == 1 ? "" : "s", name);
		if (!tty || !ask_again(cli)) {
			fprintf(stderr, "%s: your copy is kept in %s\n",
			    cli->prog, sc.file);
			rc = PSW_EDATA;
			goto out;
		}
		if (put_header(&sc, &d, body, blen, &e) < 0)
			goto keep;
	}
	rc = replace_if_same(cli, id, path, name, &orig, body, blen, c, &e);
	if (rc < 0)
		goto keep;
	scratch_drop(&sc);
	if (!cli->quiet)
		printf("updated %s\n", id);
	rc = 0;
	goto out;
keep:
	/* The person's work is never thrown away: say where, same line. */
	if (sc.made && cur.s != NULL && !(cur.len == orig.len &&
	    memcmp(cur.s, orig.s, orig.len) == 0)) {
		size_t n = strlen(e.msg);

		if (n + 24 + strlen(sc.file) < sizeof e.msg) {
			memcpy(e.msg + n, "; your copy is kept in ", 23);
			memcpy(e.msg + n + 23, sc.file, strlen(sc.file) + 1);
		}
	} else
		scratch_drop(&sc);
	rc = psw_cli_fail(cli, &e);
	goto out;
fail:
	rc = psw_cli_fail(cli, &e);
out:
	psw_doc_free(doc);
	psw_diags_release(&d);
	psw_buf_release(&orig);
	psw_buf_release(&cur);
	free(path);
	return rc;
}
