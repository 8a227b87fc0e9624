/*
 * test_store.c - the case folder: where it is, permissions, settings,
 * client ids, atomic writes, locks (live, stale, timed out), changes that
 * survive kill -9 and concurrent writers, and the audit log.
 *
 * Each test works in its own temporary case folder (mkdtemp, 0700),
 * removed afterwards.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "client.h"
#include "doc.h"
#include "error.h"
#include "index.h"
#include "store.h"
#include "txn.h"

#define CLIENT "alex-m"
#define MAX_WARNS 64

struct fx {
	char dir[64];		/* the temporary folder, also the case folder */
	struct psw_store st;
	int opened;
	char warns[MAX_WARNS][PSW_ERR_MSG + 600];
	int nwarns;		/* warnings so far; warns[n % MAX_WARNS] */
};

/* Remove path and everything below it. */
static void
remove_tree(const char *path)
{
	struct dirent *de;
	struct stat sb;
	char sub[4096];
	DIR *dir;

	if (lstat(path, &sb) < 0)
		return;
	if (S_ISDIR(sb.st_mode)) {
		chmod(path, 0700);
		if ((dir = opendir(path)) != NULL) {
			while ((de = readdir(dir)) != NULL) {
				if (strcmp(de->d_name, ".") == 0 ||
				    strcmp(de->d_name, "..") == 0)
					continue;
				snprintf(sub, sizeof sub, "%s/%s", path,
				    de->d_name);
				remove_tree(sub);
			}
			closedir(dir);
		}
		rmdir(path);
	} else
		unlink(path);
}

/* Keep the warnings the library sends: the last MAX_WARNS of them. */
static void
record_warn(void *arg, const char *msg)
{
	struct fx *fx = arg;

	snprintf(fx->warns[fx->nwarns % MAX_WARNS], sizeof fx->warns[0], "%s",
	    msg);
	fx->nwarns++;
}

static int
setup(void **state)
{
	struct fx *fx;

	if ((fx = calloc(1, sizeof *fx)) == NULL)
		return -1;
	snprintf(fx->dir, sizeof fx->dir, "/tmp/psw-store-XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	if (fx->opened)
		psw_store_release(&fx->st);
	remove_tree(fx->dir);
	free(fx);
	return 0;
}

/* Open the test's case folder (creating clients/), warnings recorded. */
static void
open_store(struct fx *fx)
{
	struct psw_err e;
	char msg[2048];

	psw_err_clear(&e);
	if (psw_store_open(&fx->st, fx->dir, PSW_STORE_CREATE, "test_store",
	    &e) != 0)
		fail_msg("open: %s", psw_err_format(&e, msg, sizeof msg));
	fx->opened = 1;
	fx->st.warn = record_warn;
	fx->st.warn_arg = fx;
}

/* Write text to dir/rel. */
static void
put_file(const char *dir, const char *rel, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir, rel);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
	assert_int_equal(fclose(fp), 0);
}

/* The whole of a file as a new string; NULL when it cannot be read. */
static char *
slurp(const char *path)
{
	char *s = NULL;
	size_t len = 0, n;
	char buf[4096];
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
		char *ns = realloc(s, len + n + 1);

		if (ns == NULL)
			break;
		s = ns;
		memcpy(s + len, buf, n);
		len += n;
	}
	fclose(fp);
	if (s == NULL)
		s = calloc(1, 1);
	else
		s[len] = '\0';
	return s;
}

/* Permission bits of path, or -1. */
static int
mode_of(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) < 0)
		return -1;
	return (int)(sb.st_mode & 07777);
}

/* Milliseconds on the monotonic clock. */
static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Create the client CLIENT with psw_client_new_doc and a NEW txn. */
static void
create_client(struct fx *fx)
{
	struct psw_txn t;
	struct psw_err e;
	char msg[2048];
	psw_date opened;

	assert_int_equal(psw_date_from_ymd(2026, 1, 12, &opened), 0);
	psw_err_clear(&e);
	if (psw_txn_begin(&fx->st, CLIENT, PSW_TXN_NEW, &t, &e) != 0)
		fail_msg("begin new: %s", psw_err_format(&e, msg, sizeof msg));
	assert_null(t.doc);
	t.doc = psw_client_new_doc(t.name, CLIENT, "Alex Morgan",
	    PSW_DATE_NONE, "active", opened, "sam");
	assert_non_null(t.doc);
	if (psw_txn_commit(&t, NULL, "new", &e) != 0)
		fail_msg("commit new: %s", psw_err_format(&e, msg, sizeof msg));
}

/*
 * Append one contact with the given note to client id in one transaction;
 * 0 or the negative code of psw_txn_begin/commit.  Safe in a child.
 */
static int
add_contact(struct psw_store *st, struct psw_index *ix, const char *id,
    const char *note, struct psw_err *e)
{
	struct psw_node *root, *seq, *m;
	struct psw_txn t;
	int rc;

	if ((rc = psw_txn_begin(st, id, 0, &t, e)) < 0)
		return rc;
	root = psw_doc_root(t.doc);
	if ((seq = psw_map_get(root, "contacts")) == NULL)
		seq = psw_map_set(t.doc, root, "contacts",
		    psw_node_seq(t.doc, 0));
	m = psw_node_map(t.doc, 1);
	if (seq == NULL || m == NULL ||
	    psw_map_set_str(t.doc, m, "date", "2026-11-28", PSW_PLAIN) ==
	    NULL ||
	    psw_map_set_str(t.doc, m, "kind", "phone", PSW_PLAIN) == NULL ||
	    psw_map_set_str(t.doc, m, "minutes", "5", PSW_PLAIN) == NULL ||
	    psw_map_set_str(t.doc, m, "note", note, PSW_STRING) == NULL) {
		psw_txn_abort(&t);
		return psw_error(e, PSW_EIO, "out of memory");
	}
	psw_seq_append(seq, m);
	return psw_txn_commit(&t, ix, "contact add", e);
}

/*
 * Load and validate the client file as a reading command would; returns
 * the number of contacts.  Fails the test if it does not load or validate.
 */
static size_t
check_client_file(struct fx *fx)
{
	struct psw_diags d = PSW_DIAGS_INIT;
	struct psw_client *c;
	struct psw_doc *doc;
	struct psw_err e;
	char path[256], msg[2048];
	size_t n;

	snprintf(path, sizeof path, "%s/clients/%s.yaml", fx->dir, CLIENT);
	psw_err_clear(&e);
	if (psw_doc_load_file(path, "clients/" CLIENT ".yaml", &doc, &e) != 0)
		fail_msg("load: %s", psw_err_format(&e, msg, sizeof msg));
	if (psw_client_read(doc, CLIENT, &c, &d) != 0) {
		psw_doc_free(doc);
		fail_msg("validate: %s:%d:%d: %s", d.v[0].file, d.v[0].line,
		    d.v[0].col, d.v[0].msg);
	}
	n = c->ncontacts;
	psw_diags_release(&d);
	psw_doc_free(doc);
	return n;
}

/* The number of contacts rows of CLIENT in the index. */
static long long
index_contacts(struct psw_index *ix)
{
	sqlite3_stmt *q;
	long long n = -1;

	assert_int_equal(sqlite3_prepare_v2(psw_index_db(ix), "SELECT "
	    "count(*) FROM contacts WHERE client = '" CLIENT "'", -1, &q,
	    NULL), SQLITE_OK);
	if (sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

/*
 * psw_store_locate: an explicit folder wins over PSW_HOME, which wins over
 * $XDG_DATA_HOME/psw (absolute only), then ~/.local/share/psw; empty
 * values count as unset; with nothing known there is no folder.
 */
static void
test_locate(void **state)
{
	static const char *const vars[] = { "HOME", "PSW_HOME",
	    "XDG_DATA_HOME" };
	char *saved[3];
	struct psw_store st;
	struct psw_err e;
	size_t i;
	char *s;

	(void)state;
	for (i = 0; i < 3; i++)
		saved[i] = getenv(vars[i]) ? strdup(getenv(vars[i])) : NULL;
	setenv("PSW_HOME", "/p/home", 1);
	setenv("XDG_DATA_HOME", "/x/data", 1);
	setenv("HOME", "/h", 1);
	assert_non_null(s = psw_store_locate("/explicit"));
	assert_string_equal(s, "/explicit");
	free(s);
	assert_non_null(s = psw_store_locate(NULL));
	assert_string_equal(s, "/p/home");
	free(s);
	assert_non_null(s = psw_store_locate(""));
	assert_string_equal(s, "/p/home");
	free(s);

	unsetenv("PSW_HOME");
	assert_non_null(s = psw_store_locate(NULL));
	assert_string_equal(s, "/x/data/psw");
	free(s);
	setenv("PSW_HOME", "", 1);
	setenv("XDG_DATA_HOME", "/x/data/", 1);
	assert_non_null(s = psw_store_locate(NULL));
	assert_string_equal(s, "/x/data/psw");
	free(s);

	/* A relative XDG_DATA_HOME is ignored, as the XDG spec says. */
	setenv("XDG_DATA_HOME", "relative/data", 1);
	assert_non_null(s = psw_store_locate(NULL));
	assert_string_equal(s, "/h/.local/share/psw");
	free(s);
	unsetenv("XDG_DATA_HOME");
	assert_non_null(s = psw_store_locate(NULL));
	assert_string_equal(s, "/h/.local/share/psw");
	free(s);
	assert_non_null(s = psw_store_locate("rel/case"));
	assert_string_equal(s, "rel/case");
	free(s);

	unsetenv("HOME");
	unsetenv("PSW_HOME");
	assert_null(psw_store_locate(NULL));
	psw_err_clear(&e);
	assert_int_equal(psw_store_open(&st, NULL, PSW_STORE_CREATE, "t", &e),
	    -PSW_EIO);
	assert_int_equal(e.code, PSW_EIO);
	assert_non_null(strstr(e.msg, "no case folder"));
	assert_null(st.home);

	for (i = 0; i < 3; i++) {
		if (saved[i] != NULL)
			setenv(vars[i], saved[i], 1);
		else
			unsetenv(vars[i]);
		free(saved[i]);
	}
}

/*
 * PSW_STORE_CREATE makes the case folder, its parents and clients/ 0700
 * whatever the umask (077 as the commands set it, and 0); files written
 * by psw_write_atomic and the audit log are 0600 even under umask 0.
 */
static void
test_create_modes(void **state)
{
	struct fx *fx = *state;
	static const mode_t masks[] = { 077, 0 };
	struct psw_store st;
	struct psw_err e;
	char base[128], home[160], p[256];
	mode_t old;
	size_t i;

	for (i = 0; i < 2; i++) {
		old = umask(masks[i]);
		snprintf(base, sizeof base, "%s/m%zu", fx->dir, i);
		snprintf(home, sizeof home, "%s/a/case", base);
		psw_err_clear(&e);
		assert_int_equal(psw_store_open(&st, home, PSW_STORE_CREATE,
		    "t", &e), 0);
		assert_string_equal(st.home, home);
		assert_int_equal(mode_of(base), 0700);
		snprintf(p, sizeof p, "%s/a", base);
		assert_int_equal(mode_of(p), 0700);
		assert_int_equal(mode_of(home), 0700);
		assert_int_equal(mode_of(st.clients), 0700);
		snprintf(p, sizeof p, "%s/x.yaml", st.clients);
		assert_int_equal(psw_write_atomic(p, "clients/x.yaml", "a: 1\n",
		    5, &e), 0);
		assert_int_equal(mode_of(p), 0600);
		assert_int_equal(psw_audit(&st, "test", "x", &e), 0);
		assert_int_equal(mode_of(st.audit_path), 0600);
		/* Opening an existing folder with CREATE again is fine. */
		psw_store_release(&st);
		assert_int_equal(psw_store_open(&st, home, PSW_STORE_CREATE,
		    "t", &e), 0);
		psw_store_release(&st);
		assert_null(st.home);
		umask(old);
	}
}

/*
 * Without PSW_STORE_CREATE a missing case folder is -PSW_EIO naming it;
 * a file where the folder should be is refused; opening without CREATE
 * does not create clients/.
 */
static void
test_open_missing(void **state)
{
	struct fx *fx = *state;
	struct psw_store st;
	struct psw_err e;
	char home[128], want[256], p[256];

	snprintf(home, sizeof home, "%s/nope", fx->dir);
	psw_err_clear(&e);
	assert_int_equal(psw_store_open(&st, home, 0, "t", &e), -PSW_EIO);
	assert_int_equal(e.code, PSW_EIO);
	snprintf(want, sizeof want, "cannot open case folder '%s': No such "
	    "file or directory", home);
	assert_string_equal(e.msg, want);
	assert_int_equal(access(home, F_OK), -1);
	assert_null(st.home);

	put_file(fx->dir, "afile", "x");
	snprintf(home, sizeof home, "%s/afile", fx->dir);
	assert_int_equal(psw_store_open(&st, home, 0, "t", &e), -PSW_EIO);
	snprintf(want, sizeof want, "case folder '%s' is not a folder", home);
	assert_string_equal(e.msg, want);

	assert_int_equal(psw_store_open(&st, fx->dir, 0, "t", &e), 0);
	snprintf(p, sizeof p, "%s/clients", fx->dir);
	assert_int_equal(access(p, F_OK), -1);
	psw_store_release(&st);
}

/*
 * A case folder or clients/ folder that its group or everyone may write
 * is refused with -PSW_EIO and a message naming the folder, who may write
 * it and the mode; CREATE does not override the check.
 */
static void
test_open_unsafe(void **state)
{
	struct fx *fx = *state;
	struct psw_store st;
	struct psw_err e;
	char want[512], clients[128];

	assert_int_equal(chmod(fx->dir, 0770), 0);
	psw_err_clear(&e);
	assert_int_equal(psw_store_open(&st, fx->dir, PSW_STORE_CREATE, "t",
	    &e), -PSW_EIO);
	snprintf(want, sizeof want, "case folder '%s' is writable by its "
	    "group (mode 0770); refusing to use it (chmod 700 '%s')",
	    fx->dir, fx->dir);
	assert_string_equal(e.msg, want);
	assert_null(st.home);

	assert_int_equal(chmod(fx->dir, 0703), 0);
	assert_int_equal(psw_store_open(&st, fx->dir, 0, "t", &e), -PSW_EIO);
	assert_non_null(strstr(e.msg, fx->dir));
	assert_non_null(strstr(e.msg, "is writable by everyone (mode 0703)"));

	assert_int_equal(chmod(fx->dir, 0700), 0);
	snprintf(clients, sizeof clients, "%s/clients", fx->dir);
	assert_int_equal(mkdir(clients, 0700), 0);
	assert_int_equal(chmod(clients, 0775), 0);
	assert_int_equal(psw_store_open(&st, fx->dir, 0, "t", &e), -PSW_EIO);
	snprintf(want, sizeof want, "case folder '%s' is writable by its "
	    "group", clients);
	assert_non_null(strstr(e.msg, want));

	/* Read-only for others is fine. */
	assert_int_equal(chmod(clients, 0755), 0);
	assert_int_equal(chmod(fx->dir, 0755), 0);
	assert_int_equal(psw_store_open(&st, fx->dir, 0, "t", &e), 0);
	psw_store_release(&st);
}

/*
 * Without psw.yaml every setting has its default (worker from $USER, else
 * "worker"); the paths are home/clients, home/index.db (or $PSW_INDEX)
 * and home/audit.log.
 */
static void
test_settings_defaults(void **state)
{
	struct fx *fx = *state;
	struct psw_store st;
	struct psw_err e;
	char p[256];

	setenv("USER", "sam", 1);
	psw_err_clear(&e);
	assert_int_equal(psw_store_open(&st, fx->dir, PSW_STORE_CREATE,
	    "psw-plan", &e), 0);
	assert_string_equal(st.set.worker, "sam");
	assert_string_equal(st.set.organisation, "");
	assert_int_equal(st.set.review_every.n, 90);
	assert_int_equal(st.set.review_every.unit, 'd');
	assert_int_equal(st.set.due_soon.n, 7);
	assert_int_equal(st.set.due_soon.unit, 'd');
	assert_int_equal(st.set.week_start, 1);
	assert_int_equal(st.set.no_contact_days, 14);
	assert_int_equal(st.set.lock_timeout_ms, 10000);
	assert_string_equal(st.prog, "psw-plan");
	snprintf(p, sizeof p, "%s/clients", fx->dir);
	assert_string_equal(st.clients, p);
	snprintf(p, sizeof p, "%s/index.db", fx->dir);
	assert_string_equal(st.index_path, p);
	snprintf(p, sizeof p, "%s/audit.log", fx->dir);
	assert_string_equal(st.audit_path, p);
	psw_store_release(&st);

	unsetenv("USER");
	setenv("PSW_INDEX", "/elsewhere/ix.db", 1);
	assert_int_equal(psw_store_open(&st, fx->dir, 0, "t", &e), 0);
	assert_string_equal(st.set.worker, "worker");
	assert_string_equal(st.index_path, "/elsewhere/ix.db");
	psw_store_release(&st);
	unsetenv("PSW_INDEX");

	/* An empty psw.yaml means defaults too. */
	put_file(fx->dir, "psw.yaml", "# nothing set\n");
	assert_int_equal(psw_store_open(&st, fx->dir, 0, "t", &e), 0);
	assert_int_equal(st.set.no_contact_days, 14);
	psw_store_release(&st);
}

/* Every setting in psw.yaml overrides its default; unknown keys are kept. */
static void
test_settings_file(void **state)
{
	struct fx *fx = *state;
	struct psw_store st;
	struct psw_err e;

	put_file(fx->dir, "psw.yaml",
	    "worker: jo\n"
	    "organisation: \"Northside: Support\"\n"
	    "review-every: 12w\n"
	    "due-soon: 3d\n"
	    "week-start: sunday\n"
	    "no-contact-days: 21\n"
	    "lock-timeout-ms: 250\n"
	    "assessments: {phq-9: 4w, core-10: 90d}\n"
	    "x-future-setting: {a: 1}\n");
	setenv("USER", "sam", 1);
	psw_err_clear(&e);
	assert_int_equal(psw_store_open(&st, fx->dir, 0, "t", &e), 0);
	assert_string_equal(st.set.worker, "jo");
	assert_string_equal(st.set.organisation, "Northside: Support");
	assert_int_equal(st.set.review_every.n, 12);
	assert_int_equal(st.set.review_every.unit, 'w');
	assert_int_equal(st.set.due_soon.n, 3);
	assert_int_equal(st.set.due_soon.unit, 'd');
	assert_int_equal(st.set.week_start, 7);
	assert_int_equal(st.set.no_contact_days, 21);
	assert_int_equal(st.set.lock_timeout_ms, 250);
	assert_int_equal(st.set.nassess_every, 2);
	assert_string_equal(st.set.assess_every[0].instrument, "phq-9");
	assert_int_equal(st.set.assess_every[0].every.n, 4);
	assert_int_equal(st.set.assess_every[0].every.unit, 'w');
	assert_string_equal(st.set.assess_every[1].instrument, "core-10");
	assert_int_equal(st.set.assess_every[1].every.n, 90);
	assert_int_equal(st.set.assess_every[1].every.unit, 'd');
	psw_store_release(&st);

	put_file(fx->dir, "psw.yaml", "week-start: monday\n");
	assert_int_equal(psw_store_open(&st, fx->dir, 0, "t", &e), 0);
	assert_int_equal(st.set.week_start, 1);
	psw_store_release(&st);
	unsetenv("USER");
}

/*
 * A bad setting is -PSW_EDATA naming psw.yaml, the line and column of the
 * value and what is allowed; nothing is left allocated.
 */
static void
test_settings_bad(void **state)
{
	static const struct {
		const char *text;
		int line, col;
		const char *msg;
	} cases[] = {
		{ "worker: sam\nno-contact-days: lots\n", 2, 18,
		  "'no-contact-days' must be a whole number from 1 to 3650" },
		{ "no-contact-days: 0\n", 1, 18,
		  "'no-contact-days' must be a whole number from 1 to 3650" },
		{ "lock-timeout-ms: -5\n", 1, 18,
		  "'lock-timeout-ms' must be a whole number from 0 to "
		  "3600000" },
		{ "review-every: soon\n", 1, 15,
		  "'review-every' must be a duration such as 90d, 2w or 3m" },
		{ "due-soon: [7d]\n", 1, 11,
		  "'due-soon' must be a duration such as 90d, 2w or 3m" },
		{ "week-start: tuesday\n", 1, 13,
		  "'week-start' must be monday or sunday" },
		{ "\norganisation: {name: x}\n", 2, 15,
		  "'organisation' must be text" },
		{ "assessments: {phq-9: monthly}\n", 1, 22,
		  "'phq-9' must be a duration such as 90d, 2w or 3m" },
		{ "assessments: {PHQ-9: 4w}\n", 1, 15,
		  "assessments: 'PHQ-9' is not an instrument id" },
		{ "assessments: [phq-9]\n", 1, 14,
		  "'assessments' must be a map of instrument: duration, "
		  "such as {phq-9: 4w}" },
		{ "- worker\n", 1, 1,
		  "settings must be a map of 'key: value' lines" },
	};
	struct fx *fx = *state;
	struct psw_store st;
	struct psw_err e;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		put_file(fx->dir, "psw.yaml", cases[i].text);
		psw_err_clear(&e);
		assert_int_equal(psw_store_open(&st, fx->dir, 0, "t", &e),
		    -PSW_EDATA);
		assert_int_equal(e.code, PSW_EDATA);
		assert_string_equal(e.file, "psw.yaml");
		if (e.line != cases[i].line || e.col != cases[i].col ||
		    strcmp(e.msg, cases[i].msg) != 0)
			fail_msg("case %zu: got %d:%d: %s", i, e.line, e.col,
			    e.msg);
		assert_null(st.home);
	}

	/* A YAML error in psw.yaml is a data error with its position. */
	put_file(fx->dir, "psw.yaml", "worker: sam\norganisation: 'open\n");
	assert_int_equal(psw_store_open(&st, fx->dir, 0, "t", &e), -PSW_EDATA);
	assert_string_equal(e.file, "psw.yaml");
	assert_true(e.line >= 2);
}

/*
 * Client ids: [a-z0-9][a-z0-9-]{0,63}.  psw_id_check refuses the others
 * with -PSW_EUSAGE and a message quoting a printable, shortened id and
 * stating the rule.
 */
static void
test_ids(void **state)
{
	static const char *const good[] = { "a", "alex-m", "0x", "9", "a-",
	    "x--y", NULL };
	static const char *const bad[] = { "", "-a", "A", "a b", "../x", "a/b",
	    "a.b", "a_b", "alex-M", "caf\xc3\xa9", "a\n", ".", "..", NULL };
	char id64[65], id65[66], want[256];
	struct psw_err e;
	size_t i;

	(void)state;
	for (i = 0; good[i] != NULL; i++) {
		if (!psw_id_valid(good[i]))
			fail_msg("'%s' should be valid", good[i]);
		assert_int_equal(psw_id_check(good[i], &e), 0);
	}
	for (i = 0; bad[i] != NULL; i++) {
		if (psw_id_valid(bad[i]))
			fail_msg("'%s' should be invalid", bad[i]);
		psw_err_clear(&e);
		assert_int_equal(psw_id_check(bad[i], &e), -PSW_EUSAGE);
		assert_int_equal(e.code, PSW_EUSAGE);
		assert_non_null(strstr(e.msg, "is not a valid client id (use "
		    "a-z, 0-9 and -, at most 64, starting with a letter or "
		    "digit)"));
	}
	assert_int_equal(psw_id_valid(NULL), 0);

	memset(id64, 'a', 64);
	id64[64] = '\0';
	assert_int_equal(psw_id_valid(id64), 1);
	memset(id65, 'b', 65);
	id65[65] = '\0';
	assert_int_equal(psw_id_valid(id65), 0);
	assert_int_equal(psw_id_check(id65, &e), -PSW_EUSAGE);
	/* Only the first 40 characters are shown. */
	assert_non_null(strstr(e.msg, "'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	    "bbbb...' is not a valid"));

	assert_int_equal(psw_id_check("../x", &e), -PSW_EUSAGE);
	assert_string_equal(e.msg, "'../x' is not a valid client id (use "
	    "a-z, 0-9 and -, at most 64, starting with a letter or digit)");
	/* Non-printable and non-ASCII bytes are not echoed. */
	assert_int_equal(psw_id_check("caf\xc3\xa9\x1b[2J", &e), -PSW_EUSAGE);
	snprintf(want, sizeof want, "'caf???[2J' is not a valid client id");
	assert_non_null(strstr(e.msg, want));
	assert_null(strchr(e.msg, '\x1b'));
}

/* The client's path and the name messages use. */
static void
test_client_paths(void **state)
{
	struct fx *fx = *state;
	char buf[96], want[256], *p;

	open_store(fx);
	assert_non_null(p = psw_store_client_path(&fx->st, "alex-m"));
	snprintf(want, sizeof want, "%s/clients/alex-m.yaml", fx->dir);
	assert_string_equal(p, want);
	free(p);
	assert_string_equal(psw_store_client_name("alex-m", buf, sizeof buf),
	    "clients/alex-m.yaml");
}

/*
 * psw_write_atomic replaces the file's content and leaves no temporary
 * file; when the temporary file cannot be made ("<path>.tmp" is a
 * folder) it fails with -PSW_EIO and the old file is byte-identical;
 * when the rename fails the temporary file is removed.
 */
static void
test_write_atomic(void **state)
{
	struct fx *fx = *state;
	char path[256], tmp[300], dpath[256], want[512], *s;
	static const char old[] = "psw: 1\nid: old\n";
	struct psw_err e;
	struct dirent *de;
	struct stat sb;
	DIR *dir;
	int n;

	snprintf(path, sizeof path, "%s/f.yaml", fx->dir);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	psw_err_clear(&e);
	assert_int_equal(psw_write_atomic(path, "f.yaml", old, strlen(old),
	    &e), 0);
	assert_non_null(s = slurp(path));
	assert_string_equal(s, old);
	free(s);
	assert_int_equal(access(tmp, F_OK), -1);
	/* An empty write makes an empty file. */
	snprintf(dpath, sizeof dpath, "%s/empty", fx->dir);
	assert_int_equal(psw_write_atomic(dpath, "empty", "", 0, &e), 0);
	assert_int_equal(stat(dpath, &sb), 0);
	assert_int_equal(sb.st_size, 0);

	/* "<path>.tmp" is a folder: nothing can be written. */
	assert_int_equal(mkdir(tmp, 0700), 0);
	assert_int_equal(psw_write_atomic(path, "f.yaml", "new\n", 4, &e),
	    -PSW_EIO);
	assert_int_equal(e.code, PSW_EIO);
	assert_string_equal(e.msg, "cannot write 'f.yaml.tmp': Is a "
	    "directory");
	assert_non_null(s = slurp(path));
	assert_string_equal(s, old);
	free(s);
	assert_int_equal(lstat(tmp, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));	/* still the folder, empty */
	assert_int_equal(rmdir(tmp), 0);
	/* Nothing else was left in the folder. */
	assert_non_null(dir = opendir(fx->dir));
	n = 0;
	while ((de = readdir(dir)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(dir);
	assert_int_equal(n, 2);		/* f.yaml and empty */

	/* The rename fails (a non-empty folder is in the way): the
	 * temporary file is written, then removed. */
	snprintf(dpath, sizeof dpath, "%s/d", fx->dir);
	assert_int_equal(mkdir(dpath, 0700), 0);
	put_file(dpath, "keep", "k");
	assert_int_equal(psw_write_atomic(dpath, "d", "new\n", 4, &e),
	    -PSW_EIO);
	snprintf(want, sizeof want, "cannot replace 'd': ");
	assert_non_null(strstr(e.msg, want));
	snprintf(tmp, sizeof tmp, "%s.tmp", dpath);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(lstat(dpath, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));

	/* A missing folder: -PSW_EIO naming the temporary file. */
	snprintf(dpath, sizeof dpath, "%s/no/such/f", fx->dir);
	assert_int_equal(psw_write_atomic(dpath, "f", "x", 1, &e), -PSW_EIO);
	assert_string_equal(e.msg, "cannot write 'f.tmp': No such file or "
	    "directory");
}

/*
 * A free lock is taken at once and holds "pid host\n" (0600); releasing
 * removes it and a second release does nothing.
 */
static void
test_lock_free(void **state)
{
	struct fx *fx = *state;
	char path[256], host[256], want[300], *s;
	struct psw_lock lk;
	struct psw_err e;

	open_store(fx);
	snprintf(path, sizeof path, "%s/clients/x.yaml.lock", fx->dir);
	assert_int_equal(gethostname(host, sizeof host), 0);
	psw_err_clear(&e);
	assert_int_equal(psw_lock_take(&fx->st, &lk, path, 200, &e), 0);
	assert_int_equal(lk.held, 1);
	assert_string_equal(lk.path, path);
	assert_non_null(s = slurp(path));
	snprintf(want, sizeof want, "%ld %s\n", (long)getpid(), host);
	assert_string_equal(s, want);
	free(s);
	assert_int_equal(mode_of(path), 0600);
	psw_lock_release(&lk);
	assert_int_equal(access(path, F_OK), -1);
	assert_null(lk.path);
	assert_int_equal(lk.held, 0);
	psw_lock_release(&lk);
	assert_int_equal(fx->nwarns, 0);
}

/*
 * A lock held by a live process on this host is waited for, then the
 * take fails with -PSW_ELOCKED after about the timeout, naming the lock
 * and "locked by process <pid>", leaving that lock alone.  Once that
 * process is dead (and reaped) the lock is stale: it is broken with a
 * warning naming it and the pid, taken, and released afterwards.
 */
static void
test_lock_live_then_stale(void **state)
{
	struct fx *fx = *state;
	char path[256], host[256], line[300], want[512], *s;
	struct psw_lock lk;
	struct psw_err e;
	double t0, ms;
	pid_t pid;
	int rc, status;

	open_store(fx);
	snprintf(path, sizeof path, "%s/clients/x.yaml.lock", fx->dir);
	assert_int_equal(gethostname(host, sizeof host), 0);
	if ((pid = fork()) == 0) {
		sleep(30);
		_exit(0);
	}
	assert_true(pid > 0);
	snprintf(line, sizeof line, "%ld %s\n", (long)pid, host);
	put_file(fx->dir, "clients/x.yaml.lock", line);

	psw_err_clear(&e);
	t0 = now_ms();
	rc = psw_lock_take(&fx->st, &lk, path, 200, &e);
	ms = now_ms() - t0;
	if (rc != -PSW_ELOCKED) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fail_msg("take: %d, want -PSW_ELOCKED", rc);
	}
	assert_int_equal(e.code, PSW_ELOCKED);
	snprintf(want, sizeof want, "'%s' is locked by process %ld", path,
	    (long)pid);
	if (strstr(e.msg, want) == NULL)
		fail_msg("message: %s", e.msg);
	assert_non_null(strstr(e.msg, "try again later"));
	if (ms < 195 || ms > 1200)
		fail_msg("timed out after %.0f ms, want about 200", ms);
	assert_int_equal(lk.held, 0);
	assert_null(lk.path);
	assert_non_null(s = slurp(path));
	assert_string_equal(s, line);	/* not broken */
	free(s);
	assert_int_equal(fx->nwarns, 0);

	/* The holder dies: its lock is stale now. */
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	t0 = now_ms();
	assert_int_equal(psw_lock_take(&fx->st, &lk, path, 5000, &e), 0);
	assert_true(now_ms() - t0 < 1000);	/* broken, not waited out */
	assert_int_equal(lk.held, 1);
	assert_int_equal(fx->nwarns, 1);
	snprintf(want, sizeof want, "removed stale lock '%s' left by process "
	    "%ld (", path, (long)pid);
	if (strstr(fx->warns[0], want) == NULL)
		fail_msg("warning: %s", fx->warns[0]);
	assert_non_null(s = slurp(path));
	snprintf(line, sizeof line, "%ld %s\n", (long)getpid(), host);
	assert_string_equal(s, line);
	free(s);
	psw_lock_release(&lk);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(want, sizeof want, "%s.stale.%ld", path, (long)getpid());
	assert_int_equal(access(want, F_OK), -1);
}

/*
 * Locks that cannot be judged are not broken: one from another host (even
 * with a dead pid) and a fresh empty one (a writer between create and
 * write) time out; an empty one older than a few seconds is broken.
 */
static void
test_lock_unknown(void **state)
{
	struct fx *fx = *state;
	char path[256], line[300];
	struct timespec ts[2];
	struct psw_lock lk;
	struct psw_err e;
	pid_t pid;
	int status;

	open_store(fx);
	snprintf(path, sizeof path, "%s/clients/x.yaml.lock", fx->dir);
	if ((pid = fork()) == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, &status, 0), pid);	/* dead */
	snprintf(line, sizeof line, "%ld psw-test-other-host.example\n",
	    (long)pid);
	put_file(fx->dir, "clients/x.yaml.lock", line);
	psw_err_clear(&e);
	assert_int_equal(psw_lock_take(&fx->st, &lk, path, 100, &e),
	    -PSW_ELOCKED);
	assert_non_null(strstr(e.msg, "is locked by process"));
	assert_int_equal(access(path, F_OK), 0);

	put_file(fx->dir, "clients/x.yaml.lock", "");
	assert_int_equal(psw_lock_take(&fx->st, &lk, path, 100, &e),
	    -PSW_ELOCKED);
	assert_int_equal(fx->nwarns, 0);

	/* Ten seconds old and still empty: its writer is gone. */
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= 10;
	ts[1] = ts[0];
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	assert_int_equal(psw_lock_take(&fx->st, &lk, path, 100, &e), 0);
	assert_int_equal(fx->nwarns, 1);
	assert_non_null(strstr(fx->warns[0], "removed stale lock"));
	psw_lock_release(&lk);
	assert_int_equal(access(path, F_OK), -1);
}

/*
 * Transactions: a new client cannot be created twice, an unknown one
 * cannot be opened, a bad id is a usage error, and a change that fails
 * validation is refused with the first problem, leaves the file
 * byte-identical and releases the lock.
 */
static void
test_txn_errors(void **state)
{
	struct fx *fx = *state;
	char path[256], lock[300], *before, *after;
	struct psw_txn t;
	struct psw_err e;

	open_store(fx);
	create_client(fx);
	snprintf(path, sizeof path, "%s/clients/%s.yaml", fx->dir, CLIENT);
	snprintf(lock, sizeof lock, "%s.lock", path);
	assert_int_equal(access(lock, F_OK), -1);

	psw_err_clear(&e);
	assert_int_equal(psw_txn_begin(&fx->st, CLIENT, PSW_TXN_NEW, &t, &e),
	    -PSW_EDATA);
	assert_string_equal(e.msg, "client 'alex-m' exists already "
	    "(clients/alex-m.yaml)");
	assert_int_equal(access(lock, F_OK), -1);
	assert_int_equal(psw_txn_begin(&fx->st, "bob", 0, &t, &e), -PSW_EDATA);
	assert_string_equal(e.msg, "no client 'bob' (clients/bob.yaml does "
	    "not exist)");
	assert_int_equal(psw_txn_begin(&fx->st, "../x", 0, &t, &e),
	    -PSW_EUSAGE);
	assert_non_null(strstr(e.msg, "'../x' is not a valid client id"));
	/* A symbolic link is not followed. */
	snprintf(lock, sizeof lock, "%s/clients/sym.yaml", fx->dir);
	assert_int_equal(symlink(path, lock), 0);
	assert_int_equal(psw_txn_begin(&fx->st, "sym", 0, &t, &e), -PSW_EIO);
	if (strstr(e.msg, "cannot open 'clients/sym.yaml'") == NULL)
		fail_msg("message: %s", e.msg);
	assert_non_null(strstr(e.msg, "(a symbolic link)"));
	assert_int_equal(unlink(lock), 0);
	snprintf(lock, sizeof lock, "%s/clients/sym.yaml.lock", fx->dir);
	assert_int_equal(access(lock, F_OK), -1);
	snprintf(lock, sizeof lock, "%s.lock", path);

	assert_non_null(before = slurp(path));
	assert_int_equal(psw_txn_begin(&fx->st, CLIENT, 0, &t, &e), 0);
	assert_int_equal(access(lock, F_OK), 0);
	assert_non_null(t.client);
	assert_string_equal(t.client->name, "Alex Morgan");
	assert_non_null(psw_map_set_str(t.doc, psw_doc_root(t.doc), "status",
	    "gone", PSW_PLAIN));
	assert_non_null(psw_map_set_str(t.doc, psw_doc_root(t.doc), "dob",
	    "soon", PSW_PLAIN));
	assert_int_equal(psw_txn_commit(&t, NULL, "edit", &e), -PSW_EDATA);
	assert_string_equal(e.file, "clients/alex-m.yaml");
	assert_int_equal(e.line, 0);	/* a value made by a tool */
	assert_int_equal(e.col, 0);
	assert_non_null(strstr(e.msg, "'status' must be referred, active, "
	    "on-hold or closed, not 'gone' (and 1 more problem)"));
	assert_non_null(after = slurp(path));
	assert_string_equal(after, before);
	free(before);
	free(after);
	assert_int_equal(access(lock, F_OK), -1);
	snprintf(lock, sizeof lock, "%s.tmp", path);
	assert_int_equal(access(lock, F_OK), -1);
}

/*
 * kill -9 at random moments during a loop of read-modify-write
 * transactions never leaves a half-written client: after each kill the
 * file loads and validates, its contacts never decrease, a leftover
 * "<path>.tmp" is not taken for a client, a stale lock left behind is
 * broken (with a warning) by the next psw_txn_begin, and a sync brings
 * the index level with the file.
 */
static void
test_kill9(void **state)
{
	struct fx *fx = *state;
	char path[256], lock[300], tmp[300], want[512], note[64];
	size_t prev = 0, n, stale = 0, empty = 0, tmps = 0;
	struct psw_sync_stats stats;
	struct timespec ts[2];
	struct stat sb;
	struct psw_index ix;
	struct psw_txn t;
	struct psw_err e;
	unsigned seed;
	int i, status, left;
	pid_t pid;

	open_store(fx);
	fx->st.set.lock_timeout_ms = 15000;
	create_client(fx);
	snprintf(path, sizeof path, "%s/clients/%s.yaml", fx->dir, CLIENT);
	snprintf(lock, sizeof lock, "%s.lock", path);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	srand(seed);
	print_message("kill -9 seed %u\n", seed);

	for (i = 0; i < 100; i++) {
		if ((pid = fork()) == 0) {
			struct psw_index cix;
			int k, have;

			fx->st.warn = NULL;
			have = psw_index_open(&cix, &fx->st, &e) == 0;
			for (k = 0;; k++) {
				snprintf(note, sizeof note, "run %d write %d",
				    i, k);
				if (add_contact(&fx->st, have ? &cix : NULL,
				    CLIENT, note, &e) < 0)
					_exit(3);
			}
		}
		assert_true(pid > 0);
		usleep(500 + (useconds_t)(rand() % 29500));
		assert_int_equal(kill(pid, SIGKILL), 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (!WIFSIGNALED(status))
			fail_msg("writer %d ended by itself (status %d)", i,
			    status);

		n = check_client_file(fx);
		if (n < prev)
			fail_msg("contacts went from %zu to %zu", prev, n);
		prev = n;
		if (access(tmp, F_OK) == 0)
			tmps++;
		if (stat(lock, &sb) == 0) {
			/* The next writer breaks it, saying so.  An empty
			 * lock (killed between create and write) counts as
			 * stale only after 5 s: age it rather than wait. */
			stale++;
			if (sb.st_size == 0) {
				empty++;
				clock_gettime(CLOCK_REALTIME, &ts[0]);
				ts[0].tv_sec -= 10;
				ts[1] = ts[0];
				assert_int_equal(utimensat(AT_FDCWD, lock, ts,
				    0), 0);
			}
			left = fx->nwarns;
			psw_err_clear(&e);
			if (psw_txn_begin(&fx->st, CLIENT, 0, &t, &e) != 0)
				fail_msg("begin after kill: %s", e.msg);
			assert_int_equal(fx->nwarns, left + 1);
			snprintf(want, sizeof want, "removed stale lock '%s' "
			    "left by process ", lock);
			if (strstr(fx->warns[left % MAX_WARNS], want) == NULL)
				fail_msg("warning: %s",
				    fx->warns[left % MAX_WARNS]);
			psw_txn_abort(&t);
			assert_int_equal(access(lock, F_OK), -1);
		}
	}
	print_message("kill -9: %zu contacts written, %zu stale locks (%zu "
	    "empty), %zu leftover tmp files\n", prev, stale, empty, tmps);
	assert_true(prev > 0);

	/* A writer that surely dies holding the lock. */
	if ((pid = fork()) == 0) {
		fx->st.warn = NULL;
		if (psw_txn_begin(&fx->st, CLIENT, 0, &t, &e) == 0)
			kill(getpid(), SIGKILL);
		_exit(3);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_int_equal(access(lock, F_OK), 0);
	left = fx->nwarns;
	assert_int_equal(add_contact(&fx->st, NULL, CLIENT, "after", &e), 0);
	assert_int_equal(fx->nwarns, left + 1);
	snprintf(want, sizeof want, "left by process %ld", (long)pid);
	if (strstr(fx->warns[left % MAX_WARNS], want) == NULL)
		fail_msg("warning: %s", fx->warns[left % MAX_WARNS]);
	assert_int_equal(check_client_file(fx), prev + 1);
	assert_int_equal(access(lock, F_OK), -1);

	/* Only the real file is a client, whatever .tmp is left. */
	put_file(fx->dir, "clients/" CLIENT ".yaml.tmp", "psw: 1\nid: [\n");
	assert_int_equal(psw_index_open(&ix, &fx->st, &e), 0);
	assert_int_equal(psw_index_sync(&ix, &stats, &e), 0);
	assert_int_equal(stats.files, 1);
	assert_int_equal(stats.problems, 0);
	assert_int_equal(index_contacts(&ix), prev + 1);
	psw_index_close(&ix);
}

/*
 * Three processes each doing 200 read-modify-write transactions on one
 * client lose no update: exactly 600 contacts at the end, each written
 * once, and the index they kept up to date agrees.
 */
static void
test_lost_updates(void **state)
{
	enum { NPROC = 3, NWRITES = 200 };
	struct fx *fx = *state;
	struct psw_diags d = PSW_DIAGS_INIT;
	struct psw_sync_stats stats;
	struct psw_index ix;
	struct psw_client *c;
	struct psw_doc *doc;
	struct psw_err e;
	static unsigned char seen[NPROC][NWRITES];
	char path[256], note[64];
	pid_t pids[NPROC];
	int i, k, p, w, status;
	size_t j;

	open_store(fx);
	create_client(fx);
	for (i = 0; i < NPROC; i++) {
		if ((pids[i] = fork()) == 0) {
			struct psw_index cix;
			int have;

			fx->st.warn = NULL;
			have = psw_index_open(&cix, &fx->st, &e) == 0;
			for (k = 0; k < NWRITES; k++) {
				snprintf(note, sizeof note, "p%d w%d", i, k);
				if (add_contact(&fx->st, have ? &cix : NULL,
				    CLIENT, note, &e) < 0)
					_exit(10 + e.code);
			}
			if (have)
				psw_index_close(&cix);
			_exit(0);
		}
		assert_true(pids[i] > 0);
	}
	for (i = 0; i < NPROC; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			fail_msg("writer %d failed (status %d)", i, status);
	}

	snprintf(path, sizeof path, "%s/clients/%s.yaml", fx->dir, CLIENT);
	assert_int_equal(psw_doc_load_file(path, "clients/" CLIENT ".yaml",
	    &doc, &e), 0);
	assert_int_equal(psw_client_read(doc, CLIENT, &c, &d), 0);
	assert_int_equal(c->ncontacts, NPROC * NWRITES);
	memset(seen, 0, sizeof seen);
	for (j = 0; j < c->ncontacts; j++) {
		assert_non_null(c->contacts[j].note);
		assert_int_equal(sscanf(c->contacts[j].note, "p%d w%d", &p, &w),
		    2);
		assert_true(p >= 0 && p < NPROC && w >= 0 && w < NWRITES);
		assert_int_equal(seen[p][w], 0);
		seen[p][w] = 1;
	}
	/* Each process's writes are in its own order. */
	for (p = 0; p < NPROC; p++) {
		int last = -1;

		for (j = 0; j < c->ncontacts; j++) {
			if (sscanf(c->contacts[j].note, "p%d w%d", &i,
			    &w) == 2 && i == p) {
				assert_true(w > last);
				last = w;
			}
		}
		assert_int_equal(last, NWRITES - 1);
	}
	psw_diags_release(&d);
	psw_doc_free(doc);

	/* The writers kept the index up to date as they went. */
	assert_int_equal(psw_index_open(&ix, &fx->st, &e), 0);
	assert_int_equal(index_contacts(&ix), NPROC * NWRITES);
	assert_int_equal(psw_index_sync(&ix, &stats, &e), 0);
	assert_int_equal(stats.parsed, 0);
	psw_index_close(&ix);
}

/*
 * Each committed change appends one audit line of exactly five
 * tab-separated fields (UTC time, worker, program, action, client id);
 * note text and names never appear; control characters in the worker
 * name become '?' so they cannot forge a field or a line.
 */
static void
test_audit(void **state)
{
	struct fx *fx = *state;
	char *log, *line, *save, *f[8], *p;
	int nlines = 0, nf;
	struct psw_err e;
	static const char *const actions[] = { "new", "contact add",
	    "contact add" };

	setenv("USER", "sam", 1);
	open_store(fx);
	unsetenv("USER");
	create_client(fx);
	assert_int_equal(add_contact(&fx->st, NULL, CLIENT,
	    "SECRET-NOTE talked about her brother", &e), 0);
	assert_int_equal(add_contact(&fx->st, NULL, CLIENT, "SECRET-NOTE 2",
	    &e), 0);
	assert_int_equal(mode_of(fx->st.audit_path), 0600);
	assert_non_null(log = slurp(fx->st.audit_path));
	assert_null(strstr(log, "SECRET"));
	assert_null(strstr(log, "Alex"));
	assert_null(strstr(log, "brother"));
	assert_int_equal(log[strlen(log) - 1], '\n');
	for (line = strtok_r(log, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		assert_true(nlines < 3);
		nf = 0;
		for (p = line; nf < 8; nf++) {
			f[nf] = p;
			if ((p = strchr(p, '\t')) == NULL) {
				nf++;
				break;
			}
			*p++ = '\0';
		}
		assert_int_equal(nf, 5);
		/* 2026-11-28T09:15:02Z */
		assert_int_equal(strlen(f[0]), 20);
		assert_int_equal(f[0][4], '-');
		assert_int_equal(f[0][10], 'T');
		assert_int_equal(f[0][19], 'Z');
		assert_string_equal(f[1], "sam");
		assert_string_equal(f[2], "test_store");
		assert_string_equal(f[3], actions[nlines]);
		assert_string_equal(f[4], CLIENT);
		nlines++;
	}
	assert_int_equal(nlines, 3);
	free(log);

	/* Without a client the field is "-". */
	assert_int_equal(psw_audit(&fx->st, "export", NULL, &e), 0);
	assert_non_null(log = slurp(fx->st.audit_path));
	assert_non_null(strstr(log, "\tsam\ttest_store\texport\t-\n"));
	free(log);

	/* A worker name with a tab or newline cannot forge a field or a
	 * line. */
	psw_store_release(&fx->st);
	fx->opened = 0;
	put_file(fx->dir, "psw.yaml", "worker: \"sam\\n2026-01-01T00:00:00Z"
	    "\\tmallory\\tpsw-plan\\tdelete\"\n");
	open_store(fx);
	assert_int_equal(unlink(fx->st.audit_path), 0);
	assert_int_equal(psw_audit(&fx->st, "contact add", CLIENT, &e), 0);
	assert_non_null(log = slurp(fx->st.audit_path));
	p = strchr(log, '\t');
	assert_non_null(p);
	if (strcmp(p, "\tsam?2026-01-01T00:00:00Z?mallory?psw-plan?delete\t"
	    "test_store\tcontact add\t" CLIENT "\n") != 0)
		fail_msg("audit line: %s", log);
	free(log);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_locate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_modes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_missing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_unsafe, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_settings_defaults, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_settings_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_settings_bad, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ids, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_client_paths, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_write_atomic, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lock_free, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lock_live_then_stale,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_unknown, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_txn_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_kill9, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_updates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_audit, setup, teardown),
	};

	/* The commands' umask; a test changes it only where it says. */
	umask(077);
	unsetenv("PSW_INDEX");
	unsetenv("PSW_HOME");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
