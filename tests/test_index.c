/*
 * test_index.c - the SQLite index: schema and views, sync by stat (add,
 * change, same-size change, delete, rename), no writes when nothing
 * changed, files with problems, rebuilding a missing, corrupt or newer
 * index, the rows of every section, psw_index_put, and hostile text.
 *
 * Each test works in its own temporary case folder (mkdtemp, 0700),
 * removed afterwards.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "client.h"
#include "doc.h"
#include "error.h"
#include "index.h"
#include "store.h"

#define MAX_WARNS 32

/* The complete client of test_client.c. */
static const char full_yaml[] =
    "psw: 1\n"
    "id: alex-m\n"
    "name: Alex Morgan\n"
    "preferred-name: Alex\n"
    "pronouns: they/them\n"
    "dob: 1991-04-02\n"
    "status: active\n"
    "opened: 2026-01-12\n"
    "worker: sam\n"
    "phone: \"07700 900123\"\n"
    "email: alex@example.org\n"
    "address: 1 High Street\n"
    "notes: Prefers mornings\n"
    "history:\n"
    "  - {date: 2026-01-05, status: referred, by: intake}\n"
    "  - {date: 2026-01-12, status: active, by: sam, reason: first meeting}\n"
    "consent:\n"
    "  - {id: k1, scope: share-with-gp, given: 2026-01-12, "
    "expires: 2027-01-12}\n"
    "  - {id: k2, scope: share-with-housing, given: 2026-01-20, "
    "revoked: 2026-05-01, note: withdrew}\n"
    "team:\n"
    "  - {id: t1, name: Dr Lee, role: psychiatrist, org: Northside CMHT, "
    "phone: \"0161 496 0000\"}\n"
    "  - {id: t2, name: Pat Kaur, role: gp, email: pat@example.org}\n"
    "strengths: [keeps appointments, supportive sister, good cook]\n"
    "needs:\n"
    "  - {domain: housing, need: unmet, note: waiting list}\n"
    "  - {domain: money, need: met}\n"
    "assessments:\n"
    "  - {id: a1, instrument: phq-9, date: 2026-01-12, "
    "answers: [2, 2, ~, 1]}\n"
    "  - {id: a2, instrument: gad-7, date: 2026-04-12, answers: [1, 0, 3]}\n"
    "goals:\n"
    "  - id: g1\n"
    "    domain: housing\n"
    "    title: Move into a tenancy of my own\n"
    "    target: 2026-06-30\n"
    "    status: active\n"
    "    why: Own front door\n"
    "    actions:\n"
    "      - {id: g1.1, title: Apply to Housing First, owner: worker, "
    "due: 2026-02-01, done: 2026-01-30}\n"
    "      - {id: g1.2, title: View flats, owner: client, due: 2026-12-01}\n"
    "    progress:\n"
    "      - {date: 2026-03-01, rating: 4, note: Viewed a flat}\n"
    "      - {date: 2026-05-01, rating: 6}\n"
    "  - id: g2\n"
    "    domain: mental-health\n"
    "    title: Sleep through the night\n"
    "    status: proposed\n"
    "    actions:\n"
    "      - {id: g2.1, title: Sleep diary, due: 2026-12-03}\n"
    "review:\n"
    "  every: 90d\n"
    "  last: 2026-07-12\n"
    "  next: 2026-10-10\n"
    "  history:\n"
    "    - {date: 2026-04-12, next: 2026-07-12, by: sam, note: on track}\n"
    "    - {date: 2026-07-12, next: 2026-10-10}\n"
    "safety-plan:\n"
    "  warning-signs: [not sleeping, skipping meals]\n"
    "  coping: [walk the dog]\n"
    "  distractions: [library]\n"
    "  people:\n"
    "    - {text: Sister Jo, phone: \"07700 900456\"}\n"
    "  professionals:\n"
    "    - {text: Crisis team, phone: \"0800 000 111\"}\n"
    "    - GP surgery\n"
    "  means-safety: [pharmacy keeps tablets]\n"
    "  matters-most: [my dog, my sister]\n"
    "  reviewed: 2026-07-12\n"
    "referrals:\n"
    "  - id: r1\n"
    "    service: housing-first-north\n"
    "    goal: g1\n"
    "    reason: Needs a stable tenancy\n"
    "    consent: k1\n"
    "    urgency: soon\n"
    "    history:\n"
    "      - {date: 2026-01-20, status: requested, by: sam}\n"
    "      - {date: 2026-02-03, status: accepted, reason: meets criteria}\n"
    "    follow-up: 2026-12-05\n"
    "  - id: r2\n"
    "    service: talking-therapies\n"
    "    history:\n"
    "      - {date: 2026-03-01, status: draft}\n"
    "x-hand-added: {colour: green}\n"
    "contacts:\n"
    "  - {id: c1, date: 2026-01-19, kind: face-to-face, minutes: 50, "
    "note: first meeting}\n"
    "  - {date: 2026-03-02, kind: phone, minutes: 10}\n"
    "  - {date: 2026-02-10, kind: home-visit, note: no minutes}\n";

struct fx {
	char dir[64];		/* the temporary case folder */
	struct psw_store st;
	struct psw_index ix;
	int stopen, ixopen;
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
	if (S_ISDIR(sb.st_mode) && (dir = opendir(path)) != NULL) {
		while ((de = readdir(dir)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
			remove_tree(sub);
		}
		closedir(dir);
		rmdir(path);
	} else
		unlink(path);
}

/* Keep the last MAX_WARNS warnings. */
static void
record_warn(void *arg, const char *msg)
{
	struct fx *fx = arg;

	snprintf(fx->warns[fx->nwarns % MAX_WARNS], sizeof fx->warns[0], "%s",
	    msg);
	fx->nwarns++;
}

/* Is there a warning since `from` containing want? */
static int
warned_since(const struct fx *fx, int from, const char *want)
{
	int i;

	for (i = from; i < fx->nwarns; i++)
		if (strstr(fx->warns[i % MAX_WARNS], want) != NULL)
			return 1;
	return 0;
}

/* A fresh case folder, opened as a store with clients/. */
static int
setup(void **state)
{
	struct fx *fx;
	struct psw_err e;

	if ((fx = calloc(1, sizeof *fx)) == NULL)
		return -1;
	snprintf(fx->dir, sizeof fx->dir, "/tmp/psw-index-XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	if (psw_store_open(&fx->st, fx->dir, PSW_STORE_CREATE, "test_index",
	    &e) < 0) {
		remove_tree(fx->dir);
		free(fx);
		return -1;
	}
	fx->stopen = 1;
	fx->st.warn = record_warn;
	fx->st.warn_arg = fx;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	if (fx->ixopen)
		psw_index_close(&fx->ix);
	if (fx->stopen)
		psw_store_release(&fx->st);
	remove_tree(fx->dir);
	free(fx);
	return 0;
}

/* Open the index (scan: for a sync, as the tools do, listing the folder
 * meanwhile and building a missing index aside); fails the test on
 * error. */
static void
ix_open_as(struct fx *fx, int scan)
{
	struct psw_err e;
	char msg[2048];

	psw_err_clear(&e);
	if ((scan ? psw_index_open_scan(&fx->ix, &fx->st, &e) :
	    psw_index_open(&fx->ix, &fx->st, &e)) != 0)
		fail_msg("index open: %s", psw_err_format(&e, msg, sizeof msg));
	fx->ixopen = 1;
}

static void
ix_open(struct fx *fx)
{
	ix_open_as(fx, 0);
}

static void
ix_close(struct fx *fx)
{
	psw_index_close(&fx->ix);
	fx->ixopen = 0;
}

/* Sync; fails the test on error.  Fills *s. */
static void
ix_sync(struct fx *fx, struct psw_sync_stats *s)
{
	struct psw_err e;
	char msg[2048];

	psw_err_clear(&e);
	if (psw_index_sync(&fx->ix, s, &e) != 0)
		fail_msg("sync: %s", psw_err_format(&e, msg, sizeof msg));
}

/* Check the four counters of a sync. */
static void
check_stats(const struct psw_sync_stats *s, size_t files, size_t parsed,
    size_t removed, size_t problems)
{
	if (s->files != files || s->parsed != parsed ||
	    s->removed != removed || s->problems != problems)
		fail_msg("stats files %zu parsed %zu removed %zu problems %zu, "
		    "want %zu %zu %zu %zu", s->files, s->parsed, s->removed,
		    s->problems, files, parsed, removed, problems);
}

/* Write text as clients/<id>.yaml with stdio, as an editor would. */
static void
write_client(struct fx *fx, const char *id, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof path, "%s/clients/%s.yaml", fx->dir, id);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
	assert_int_equal(fclose(fp), 0);
}

/* A minimal valid client file's text into buf. */
static const char *
simple_client(char *buf, size_t size, const char *id, const char *name)
{
	snprintf(buf, size, "psw: 1\nid: %s\nname: %s\nstatus: active\n"
	    "opened: 2026-01-12\n", id, name);
	return buf;
}

/* The integer a one-value query returns (after binding s1 if given). */
static long long
q_int(sqlite3 *db, const char *sql, const char *s1)
{
	sqlite3_stmt *s;
	long long v;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
	if (s1 != NULL)
		sqlite3_bind_text(s, 1, s1, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		fail_msg("no row: %s", sql);
	}
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/*
 * The text a one-value query returns into buf: "(null)" for NULL and
 * "(no row)" when there is none.
 */
static const char *
q_text(sqlite3 *db, const char *sql, const char *s1, char *buf, size_t size)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
	if (s1 != NULL)
		sqlite3_bind_text(s, 1, s1, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW)
		snprintf(buf, size, "(no row)");
	else if (sqlite3_column_type(s, 0) == SQLITE_NULL)
		snprintf(buf, size, "(null)");
	else
		snprintf(buf, size, "%s", sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return buf;
}

/* Assert a one-value text query. */
#define assert_q(db, sql, s1, want) do { \
	char qbuf_[1024]; \
	assert_string_equal(q_text((db), (sql), (s1), qbuf_, \
	    sizeof qbuf_), (want)); \
} while (0)

/* Rows of client id in every per-client table, and in clients and files. */
static long long
rows_of(sqlite3 *db, const char *id)
{
	static const char *const tables[] = { "consent", "team", "strengths",
	    "needs", "assessments", "goals", "actions", "progress", "reviews",
	    "referrals", "referral_events", "contacts", NULL };
	char sql[128];
	long long n;
	size_t i;

	n = q_int(db, "SELECT count(*) FROM clients WHERE id = ?1", id) +
	    q_int(db, "SELECT count(*) FROM files WHERE id = ?1", id);
	for (i = 0; tables[i] != NULL; i++) {
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE "
		    "client = ?1", tables[i]);
		n += q_int(db, sql, id);
	}
	return n;
}

/* Remove the index and its WAL files. */
static void
remove_index(const struct fx *fx)
{
	char p[512];

	unlink(fx->st.index_path);
	snprintf(p, sizeof p, "%s-wal", fx->st.index_path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", fx->st.index_path);
	unlink(p);
}

/*
 * Opening on an empty case folder creates index.db (0600, WAL) with
 * user_version = PSW_INDEX_SCHEMA, every table and the public views
 * caseload and due; a sync of no files finds nothing; reopening does not
 * rebuild.
 */
static void
test_open_empty(void **state)
{
	struct fx *fx = *state;
	struct psw_sync_stats s;
	struct stat sb;
	sqlite3 *db;

	assert_int_equal(access(fx->st.index_path, F_OK), -1);
	ix_open(fx);
	assert_int_equal(fx->ix.rebuilt, 1);
	assert_int_equal(stat(fx->st.index_path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	db = psw_index_db(&fx->ix);
	assert_non_null(db);
	assert_int_equal(q_int(db, "PRAGMA user_version", NULL),
	    PSW_INDEX_SCHEMA);
	assert_q(db, "PRAGMA journal_mode", NULL, "wal");
	assert_int_equal(q_int(db, "SELECT count(*) FROM sqlite_schema WHERE "
	    "type = 'view' AND name IN ('caseload', 'due')", NULL), 2);
	assert_int_equal(q_int(db, "SELECT count(*) FROM sqlite_schema WHERE "
	    "type = 'table' AND name IN ('files', 'clients', 'consent', "
	    "'team', 'strengths', 'needs', 'assessments', 'goals', "
	    "'actions', 'progress', 'reviews', 'referrals', "
	    "'referral_events', 'contacts', 'services')", NULL), 15);
	assert_int_equal(q_int(db, "SELECT count(*) FROM caseload", NULL), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM due", NULL), 0);

	ix_sync(fx, &s);
	check_stats(&s, 0, 0, 0, 0);
	assert_int_equal(fx->ix.rebuilt, 0);
	assert_int_equal(fx->nwarns, 0);
	ix_close(fx);

	ix_open(fx);
	assert_int_equal(fx->ix.rebuilt, 0);
	assert_int_equal(q_int(psw_index_db(&fx->ix), "PRAGMA user_version",
	    NULL), PSW_INDEX_SCHEMA);
}

/*
 * Sync follows the folder: files added with fopen are indexed; a change
 * of content, and a same-size change with another mtime, are re-read; a
 * deleted file's rows go; a file renamed to a new id (its id fixed) moves
 * its rows.  The stats count files seen, parsed and removed.
 */
static void
test_sync_changes(void **state)
{
	struct fx *fx = *state;
	struct psw_sync_stats s;
	char text[256], from[256], to[256];
	struct timespec ts[2];
	struct stat a, b;
	sqlite3 *db;

	write_client(fx, "ann", simple_client(text, sizeof text, "ann",
	    "Ann Smith"));
	write_client(fx, "bob", simple_client(text, sizeof text, "bob",
	    "Bob Jones"));
	ix_open(fx);
	db = psw_index_db(&fx->ix);
	ix_sync(fx, &s);
	check_stats(&s, 2, 2, 0, 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM clients", NULL), 2);
	assert_q(db, "SELECT name FROM clients WHERE id = ?1", "ann",
	    "Ann Smith");
	assert_q(db, "SELECT name FROM clients WHERE id = ?1", "bob",
	    "Bob Jones");
	assert_int_equal(q_int(db, "SELECT count(*) FROM files WHERE problem "
	    "IS NULL", NULL), 2);

	ix_sync(fx, &s);
	check_stats(&s, 2, 0, 0, 0);

	/* A change of content (and size). */
	write_client(fx, "ann", simple_client(text, sizeof text, "ann",
	    "Ann Smith-Jones"));
	ix_sync(fx, &s);
	check_stats(&s, 2, 1, 0, 0);
	assert_q(db, "SELECT name FROM clients WHERE id = ?1", "ann",
	    "Ann Smith-Jones");

	/* The same size, another mtime. */
	snprintf(from, sizeof from, "%s/clients/ann.yaml", fx->dir);
	assert_int_equal(stat(from, &a), 0);
	write_client(fx, "ann", simple_client(text, sizeof text, "ann",
	    "Ann Smyth-Jones"));
	ts[0].tv_sec = ts[1].tv_sec = a.st_mtim.tv_sec - 3600;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	assert_int_equal(utimensat(AT_FDCWD, from, ts, 0), 0);
	assert_int_equal(stat(from, &b), 0);
	assert_int_equal(a.st_size, b.st_size);
	assert_int_equal(a.st_ino, b.st_ino);
	ix_sync(fx, &s);
	check_stats(&s, 2, 1, 0, 0);
	assert_q(db, "SELECT name FROM clients WHERE id = ?1", "ann",
	    "Ann Smyth-Jones");
	assert_int_equal(q_int(db, "SELECT mtime_ns FROM files WHERE id = ?1",
	    "ann"), (long long)b.st_mtim.tv_sec * 1000000000LL);

	/* Deleted. */
	snprintf(to, sizeof to, "%s/clients/bob.yaml", fx->dir);
	assert_int_equal(unlink(to), 0);
	ix_sync(fx, &s);
	check_stats(&s, 1, 0, 1, 0);
	assert_int_equal(rows_of(db, "bob"), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM clients", NULL), 1);

	/* Renamed to a new id, the id inside fixed. */
	snprintf(to, sizeof to, "%s/clients/ann-s.yaml", fx->dir);
	assert_int_equal(rename(from, to), 0);
	write_client(fx, "ann-s", simple_client(text, sizeof text, "ann-s",
	    "Ann Smyth-Jones"));
	ix_sync(fx, &s);
	check_stats(&s, 1, 1, 1, 0);
	assert_int_equal(rows_of(db, "ann"), 0);
	assert_q(db, "SELECT group_concat(id) FROM clients", NULL, "ann-s");
	assert_q(db, "SELECT group_concat(id) FROM files", NULL, "ann-s");
	assert_q(db, "SELECT name FROM clients WHERE id = ?1", "ann-s",
	    "Ann Smyth-Jones");
	assert_int_equal(fx->nwarns, 1);	/* "index built from 2" */
	assert_non_null(strstr(fx->warns[0], "built from 2 client files"));
}

/*
 * A sync with nothing changed parses nothing and writes nothing: another
 * connection's PRAGMA data_version and this one's total_changes() stay
 * put (and they do move when something changed), and it goes through
 * while another connection holds the write lock.
 */
static void
test_sync_nochange(void **state)
{
	struct fx *fx = *state;
	struct psw_sync_stats s;
	long long v1, v2, t1;
	struct timespec t0, t2;
	char text[256];
	sqlite3 *other, *writer;

	write_client(fx, "ann", simple_client(text, sizeof text, "ann", "Ann"));
	write_client(fx, "bob", simple_client(text, sizeof text, "bob", "Bob"));
	ix_open(fx);
	ix_sync(fx, &s);
	check_stats(&s, 2, 2, 0, 0);
	assert_int_equal(sqlite3_open_v2(fx->st.index_path, &other,
	    SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	v1 = q_int(other, "PRAGMA data_version", NULL);
	t1 = sqlite3_total_changes64(psw_index_db(&fx->ix));

	ix_sync(fx, &s);
	check_stats(&s, 2, 0, 0, 0);
	ix_sync(fx, &s);
	check_stats(&s, 2, 0, 0, 0);
	v2 = q_int(other, "PRAGMA data_version", NULL);
	assert_int_equal(v1, v2);
	assert_int_equal(sqlite3_total_changes64(psw_index_db(&fx->ix)), t1);

	/* It does not even ask for the write lock: a writer holding it
	 * elsewhere does not delay it. */
	assert_int_equal(sqlite3_open(fx->st.index_path, &writer), SQLITE_OK);
	assert_int_equal(sqlite3_exec(writer, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL), SQLITE_OK);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ix_sync(fx, &s);
	clock_gettime(CLOCK_MONOTONIC, &t2);
	check_stats(&s, 2, 0, 0, 0);
	assert_true(t2.tv_sec - t0.tv_sec < 2);
	assert_int_equal(sqlite3_exec(writer, "ROLLBACK", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(writer);

	/* The probe does see a write. */
	write_client(fx, "bob", simple_client(text, sizeof text, "bob",
	    "Bobby"));
	ix_sync(fx, &s);
	check_stats(&s, 2, 1, 0, 0);
	assert_true(q_int(other, "PRAGMA data_version", NULL) != v2);
	assert_true(sqlite3_total_changes64(psw_index_db(&fx->ix)) > t1);
	sqlite3_close(other);
}

/*
 * A file with a YAML error and one that fails validation are skipped:
 * files.problem holds the file:line:col message, st->warn reports it
 * (again on every sync while it stands), the other clients are indexed.
 * Fixing a file brings it in and clears its problem.  Symbolic links and
 * names that are not client ids are refused too.
 */
static void
test_sync_problems(void **state)
{
	struct fx *fx = *state;
	struct psw_sync_stats s;
	char text[256], p1[256], p2[256];
	sqlite3 *db;
	int w;

	write_client(fx, "good", simple_client(text, sizeof text, "good",
	    "Good"));
	write_client(fx, "yamlerr", "psw: 1\nid: yamlerr\nname: a\n"
	    "  bad: indent\nstatus: active\n");
	write_client(fx, "invalid", "psw: 1\nid: invalid\nname: I\n"
	    "status: open\nopened: 2026-01-12\n");
	write_client(fx, "many", "psw: 1\nid: many\nname: M\n"
	    "status: open\nopened: 2026-13-12\n");
	ix_open(fx);
	db = psw_index_db(&fx->ix);
	ix_sync(fx, &s);
	check_stats(&s, 4, 4, 0, 3);
	assert_q(db, "SELECT group_concat(id) FROM clients", NULL, "good");
	assert_q(db, "SELECT problem FROM files WHERE id = ?1", "yamlerr",
	    "clients/yamlerr.yaml:4:6: mapping values are not allowed in "
	    "this context");
	assert_q(db, "SELECT problem FROM files WHERE id = ?1", "invalid",
	    "clients/invalid.yaml:4:9: 'status' must be referred, active, "
	    "on-hold or closed, not 'open'");
	assert_q(db, "SELECT problem FROM files WHERE id = ?1", "many",
	    "clients/many.yaml:4:9: 'status' must be referred, active, "
	    "on-hold or closed, not 'open' (and more; see psw-plan validate)");
	assert_q(db, "SELECT problem FROM files WHERE id = ?1", "good",
	    "(null)");
	assert_true(warned_since(fx, 0, "clients/yamlerr.yaml:4:6: mapping "
	    "values are not allowed in this context (skipped)"));
	assert_true(warned_since(fx, 0, "clients/invalid.yaml:4:9: 'status' "
	    "must be referred, active, on-hold or closed, not 'open' "
	    "(skipped)"));
	assert_true(warned_since(fx, 0, "note: index"));
	assert_int_equal(fx->nwarns, 4);

	/* Unchanged: not parsed, but still reported. */
	w = fx->nwarns;
	ix_sync(fx, &s);
	check_stats(&s, 4, 0, 0, 3);
	assert_int_equal(fx->nwarns, w + 3);
	assert_true(warned_since(fx, w, "clients/invalid.yaml:4:9: "));

	/* Fixed. */
	write_client(fx, "invalid", "psw: 1\nid: invalid\nname: I\n"
	    "status: on-hold\nopened: 2026-01-12\n");
	w = fx->nwarns;
	ix_sync(fx, &s);
	check_stats(&s, 4, 1, 0, 2);
	assert_q(db, "SELECT group_concat(id, ' ') FROM (SELECT id FROM "
	    "clients ORDER BY id)", NULL, "good invalid");
	assert_q(db, "SELECT status FROM clients WHERE id = ?1", "invalid",
	    "on-hold");
	assert_q(db, "SELECT problem FROM files WHERE id = ?1", "invalid",
	    "(null)");
	assert_false(warned_since(fx, w, "clients/invalid.yaml"));

	/* A symbolic link is refused; a bad file name is ignored. */
	snprintf(p1, sizeof p1, "%s/clients/good.yaml", fx->dir);
	snprintf(p2, sizeof p2, "%s/clients/link.yaml", fx->dir);
	assert_int_equal(symlink(p1, p2), 0);
	write_client(fx, "Bad Name", "psw: 1\n");
	w = fx->nwarns;
	ix_sync(fx, &s);
	check_stats(&s, 5, 1, 0, 3);
	assert_true(warned_since(fx, w, "clients/link.yaml: cannot open: "));
	assert_true(warned_since(fx, w, "(symbolic links are refused)"));
	assert_true(warned_since(fx, w, "clients/Bad Name.yaml: file name is "
	    "not a valid client id; ignored"));
	assert_int_equal(q_int(db, "SELECT count(*) FROM clients", NULL), 2);
}

/*
 * The folder listed on a thread while the index opens
 * (psw_index_open_scan): the same sync as without, its warnings given
 * in the caller's thread; a listing never used is waited for on close.
 */
static void
test_open_scan(void **state)
{
	struct fx *fx = *state;
	struct psw_sync_stats s;
	struct psw_err e;
	int w;

	write_client(fx, "good", "psw: 1\nid: good\nname: G\nstatus: active\n"
	    "opened: 2026-01-12\n");
	write_client(fx, "Bad Name", "psw: 1\n");
	psw_err_clear(&e);
	assert_int_equal(psw_index_open_scan(&fx->ix, &fx->st, &e), 0);
	fx->ixopen = 1;
	w = fx->nwarns;
	ix_sync(fx, &s);
	check_stats(&s, 1, 1, 0, 0);
	assert_true(warned_since(fx, w, "clients/Bad Name.yaml: file name is "
	    "not a valid client id; ignored"));
	assert_int_equal(q_int(psw_index_db(&fx->ix), "SELECT count(*) FROM "
	    "clients", NULL), 1);
	ix_close(fx);

	/* Opened, listed, never synced: closed cleanly (ASan, valgrind). */
	assert_int_equal(psw_index_open_scan(&fx->ix, &fx->st, &e), 0);
	ix_close(fx);

	/* A second sync on one opening lists the folder itself. */
	assert_int_equal(psw_index_open_scan(&fx->ix, &fx->st, &e), 0);
	fx->ixopen = 1;
	ix_sync(fx, &s);
	check_stats(&s, 1, 0, 0, 0);
	write_client(fx, "more", "psw: 1\nid: more\nname: M\nstatus: active\n"
	    "opened: 2026-01-12\n");
	ix_sync(fx, &s);
	check_stats(&s, 2, 1, 0, 0);
}

/*
 * The folder is listed on a thread of its own while the files table is
 * read: a folder that cannot be listed fails the sync with the folder's
 * name and leaves the rows alone (nothing leaks under ASan); listed
 * again, the sync goes on as before.
 */
static void
test_sync_scan_error(void **state)
{
	struct fx *fx = *state;
	struct psw_sync_stats s;
	struct psw_err e;
	char text[256], dir[256], moved[256];
	sqlite3 *db;
	int fd;

	write_client(fx, "alpha", simple_client(text, sizeof text, "alpha",
	    "Alpha"));
	write_client(fx, "beta", simple_client(text, sizeof text, "beta",
	    "Beta"));
	ix_open(fx);
	db = psw_index_db(&fx->ix);
	ix_sync(fx, &s);
	check_stats(&s, 2, 2, 0, 0);

	snprintf(dir, sizeof dir, "%s/clients", fx->dir);
	snprintf(moved, sizeof moved, "%s/clients.away", fx->dir);
	assert_int_equal(rename(dir, moved), 0);
	assert_true((fd = open(dir, O_WRONLY | O_CREAT | O_EXCL, 0600)) >= 0);
	close(fd);
	psw_err_clear(&e);
	assert_int_equal(psw_index_sync(&fx->ix, &s, &e), -PSW_EIO);
	assert_non_null(strstr(e.msg, "cannot read"));
	assert_non_null(strstr(e.msg, "/clients"));
	assert_int_equal(q_int(db, "SELECT count(*) FROM clients", NULL), 2);

	assert_int_equal(unlink(dir), 0);
	assert_int_equal(rename(moved, dir), 0);
	ix_sync(fx, &s);
	check_stats(&s, 2, 0, 0, 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM files", NULL), 2);
}

/*
 * The folder's listing is sorted by id (on small numeric keys of the
 * first 8 bytes, strcmp deciding ties) and merged with the files table
 * in SQLite's order: ids alike in their first 8 bytes, ids shorter than
 * 8 and prefixes of each other all meet their own rows, so a second
 * sync, with the listing on a thread or not, reads nothing.
 */
static void
test_sync_order(void **state)
{
	static const char *ids[] = { "abcdefgh", "abcdefgh-2", "abcdefgh-10",
	    "abcdefgh1", "abc", "ab", "abcdefg", "b", "a9", "a-", "zz",
	    "abcdefghz", "abcdefgi", "9", "abcdefgh0a", "abcdefgh0" };
	const size_t n = sizeof ids / sizeof ids[0];
	struct fx *fx = *state;
	struct psw_sync_stats s;
	struct psw_err e;
	char text[256], path[512];
	size_t i;

	for (i = 0; i < n; i++)
		write_client(fx, ids[i], simple_client(text, sizeof text,
		    ids[i], "N"));
	ix_open(fx);
	ix_sync(fx, &s);
	check_stats(&s, n, n, 0, 0);
	ix_sync(fx, &s);
	check_stats(&s, n, 0, 0, 0);
	ix_close(fx);
	psw_err_clear(&e);
	assert_int_equal(psw_index_open_scan(&fx->ix, &fx->st, &e), 0);
	fx->ixopen = 1;
	ix_sync(fx, &s);
	check_stats(&s, n, 0, 0, 0);
	ix_close(fx);

	/* One gone, one changed: exactly those. */
	snprintf(path, sizeof path, "%s/clients/abcdefgh-2.yaml", fx->dir);
	assert_int_equal(unlink(path), 0);
	write_client(fx, "abcdefgh0", simple_client(text, sizeof text,
	    "abcdefgh0", "Changed Name"));
	assert_int_equal(psw_index_open_scan(&fx->ix, &fx->st, &e), 0);
	fx->ixopen = 1;
	ix_sync(fx, &s);
	check_stats(&s, n - 1, 1, 1, 0);
	assert_q(psw_index_db(&fx->ix), "SELECT name FROM clients WHERE "
	    "id = ?1", "abcdefgh0", "Changed Name");
	assert_int_equal(q_int(psw_index_db(&fx->ix), "SELECT count(*) FROM "
	    "files", NULL), (long long)(n - 1));
}

/*
 * A damaged index and a folder that cannot be listed at once: the folder
 * is reported and the index is not rebuilt for it (a rebuild would have
 * nothing to read); listed again, the damage is found and rebuilt.
 */
static void
test_sync_scan_error_damaged(void **state)
{
	struct fx *fx = *state;
	struct psw_sync_stats s;
	struct psw_err e;
	char text[256], dir[256], moved[256], junk[8192];
	int fd, i, w;

	for (i = 0; i < 40; i++) {
		char id[16];

		snprintf(id, sizeof id, "c%02d", i);
		write_client(fx, id, simple_client(text, sizeof text, id,
		    "A client with a long enough name to fill pages"));
	}
	ix_open(fx);
	ix_sync(fx, &s);
	check_stats(&s, 40, 40, 0, 0);
	ix_close(fx);
	memset(junk, 'G', sizeof junk);
	assert_true((fd = open(fx->st.index_path, O_WRONLY)) >= 0);
	assert_int_equal(pwrite(fd, junk, sizeof junk, 4096),
	    (ssize_t)sizeof junk);
	close(fd);

	snprintf(dir, sizeof dir, "%s/clients", fx->dir);
	snprintf(moved, sizeof moved, "%s/clients.away", fx->dir);
	assert_int_equal(rename(dir, moved), 0);
	assert_true((fd = open(dir, O_WRONLY | O_CREAT | O_EXCL, 0600)) >= 0);
	close(fd);
	w = fx->nwarns;
	ix_open(fx);
	psw_err_clear(&e);
	assert_int_equal(psw_index_sync(&fx->ix, &s, &e), -PSW_EIO);
	assert_non_null(strstr(e.msg, "cannot read"));
	assert_false(warned_since(fx, w, "is damaged ("));
	ix_close(fx);

	assert_int_equal(unlink(dir), 0);
	assert_int_equal(rename(moved, dir), 0);
	ix_open(fx);
	ix_sync(fx, &s);
	check_stats(&s, 40, 40, 0, 0);
	assert_true(warned_since(fx, w, "is damaged ("));
}

/*
 * A deleted index is rebuilt from the files (rebuilt set, a note says so,
 * every row back); rows deleted behind the index's back are read again.
 */
static void
test_rebuild_deleted(void **state)
{
	struct fx *fx = *state;
	struct psw_sync_stats s;
	char text[256];
	sqlite3 *other;
	int w;

	write_client(fx, "ann", simple_client(text, sizeof text, "ann", "Ann"));
	write_client(fx, "alex-m", full_yaml);
	ix_open(fx);
	ix_sync(fx, &s);
	check_stats(&s, 2, 2, 0, 0);
	ix_close(fx);
	remove_index(fx);

	w = fx->nwarns;
	ix_open(fx);
	assert_int_equal(fx->ix.rebuilt, 1);
	ix_sync(fx, &s);
	check_stats(&s, 2, 2, 0, 0);
	assert_int_equal(fx->ix.rebuilt, 0);
	assert_int_equal(fx->nwarns, w + 1);
	assert_true(warned_since(fx, w, "note: index '"));
	assert_true(warned_since(fx, w, "' built from 2 client files"));
	assert_int_equal(q_int(psw_index_db(&fx->ix), "SELECT count(*) FROM "
	    "clients", NULL), 2);
	assert_int_equal(q_int(psw_index_db(&fx->ix), "SELECT count(*) FROM "
	    "contacts", NULL), 3);

	/* A clients row removed by another program: the guard sees it
	 * and the index is rebuilt from the files. */
	assert_int_equal(sqlite3_open(fx->st.index_path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "DELETE FROM clients WHERE "
	    "id = 'alex-m'", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	w = fx->nwarns;
	ix_sync(fx, &s);
	check_stats(&s, 2, 2, 0, 0);
	assert_true(warned_since(fx, w, "was edited by another program"));
	assert_int_equal(q_int(psw_index_db(&fx->ix), "SELECT count(*) FROM "
	    "clients", NULL), 2);

	/* So are rows no stat of the files can show: a contact deleted,
	 * a name changed. */
	assert_int_equal(sqlite3_open(fx->st.index_path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "DELETE FROM contacts WHERE "
	    "client = 'alex-m' AND seq = 1", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(other);
	ix_sync(fx, &s);
	check_stats(&s, 2, 2, 0, 0);
	assert_int_equal(q_int(psw_index_db(&fx->ix), "SELECT count(*) FROM "
	    "contacts", NULL), 3);
	assert_int_equal(sqlite3_open(fx->st.index_path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "UPDATE clients SET name = 'X'",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	ix_sync(fx, &s);
	check_stats(&s, 2, 2, 0, 0);
	assert_int_equal(q_int(psw_index_db(&fx->ix), "SELECT count(*) FROM "
	    "clients WHERE name = 'X'", NULL), 0);

	/* psw's own writes keep the guard level: nothing rebuilt. */
	write_client(fx, "ann", simple_client(text, sizeof text, "ann",
	    "Ann B"));
	ix_sync(fx, &s);
	check_stats(&s, 2, 1, 0, 0);
	ix_sync(fx, &s);
	check_stats(&s, 2, 0, 0, 0);
}

/*
 * An index overwritten with garbage (WAL files gone) is rebuilt on open
 * with a warning that it was damaged; one damaged past its first page is
 * rebuilt by the sync that finds it.  The rows come back either way.
 */
static void
test_rebuild_corrupt(void **state)
{
	struct fx *fx = *state;
	struct psw_sync_stats s;
	char text[256], junk[8192];
	int fd, w, i;

	for (i = 0; i < 40; i++) {
		char id[16], name[32];

		snprintf(id, sizeof id, "c%02d", i);
		snprintf(name, sizeof name, "Client number %d", i);
		write_client(fx, id, simple_client(text, sizeof text, id,
		    name));
	}
	ix_open(fx);
	ix_sync(fx, &s);
	check_stats(&s, 40, 40, 0, 0);
	ix_close(fx);

	memset(junk, 'G', sizeof junk);
	assert_true((fd = open(fx->st.index_path, O_WRONLY | O_TRUNC)) >= 0);
	assert_int_equal(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
	close(fd);
	snprintf(text, sizeof text, "%s-wal", fx->st.index_path);
	unlink(text);
	snprintf(text, sizeof text, "%s-shm", fx->st.index_path);
	unlink(text);

	w = fx->nwarns;
	ix_open(fx);
	assert_int_equal(fx->ix.rebuilt, 1);
	assert_true(warned_since(fx, w, "is damaged ("));
	assert_true(warned_since(fx, w, "); rebuilding it from the client "
	    "files"));
	ix_sync(fx, &s);
	check_stats(&s, 40, 40, 0, 0);
	assert_int_equal(q_int(psw_index_db(&fx->ix), "SELECT count(*) FROM "
	    "clients", NULL), 40);
	ix_close(fx);

	/* Keep the header page, spoil the rest. */
	assert_true((fd = open(fx->st.index_path, O_WRONLY)) >= 0);
	assert_int_equal(pwrite(fd, junk, sizeof junk, 4096),
	    (ssize_t)sizeof junk);
	close(fd);
	w = fx->nwarns;
	ix_open(fx);
	ix_sync(fx, &s);
	check_stats(&s, 40, 40, 0, 0);
	assert_true(warned_since(fx, w, "is damaged ("));
	assert_int_equal(q_int(psw_index_db(&fx->ix), "SELECT count(*) FROM "
	    "clients", NULL), 40);
	assert_q(psw_index_db(&fx->ix), "PRAGMA integrity_check", NULL, "ok");
}

/*
 * An index whose user_version is newer than PSW_INDEX_SCHEMA (set to 99
 * with sqlite3) is refused with -PSW_EIO and a message saying so, and is
 * left as it was.
 */
static void
test_newer_schema(void **state)
{
	struct fx *fx = *state;
	struct psw_index ix;
	struct psw_err e;
	char want[512];
	sqlite3 *db;

	ix_open(fx);
	ix_close(fx);
	assert_int_equal(sqlite3_open(fx->st.index_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	psw_err_clear(&e);
	assert_int_equal(psw_index_open(&ix, &fx->st, &e), -PSW_EIO);
	assert_int_equal(e.code, PSW_EIO);
	assert_null(ix.db);
	snprintf(want, sizeof want, "index '%s' was made by a newer psw "
	    "(schema 99, this one knows %d); remove it or set PSW_INDEX",
	    fx->st.index_path, PSW_INDEX_SCHEMA);
	assert_string_equal(e.msg, want);

	assert_int_equal(sqlite3_open(fx->st.index_path, &db), SQLITE_OK);
	assert_int_equal(q_int(db, "PRAGMA user_version", NULL), 99);
	sqlite3_close(db);
}

/*
 * The complete client's rows: one per item in each section table, the
 * answers as JSON text with null for ~, the derived columns (review
 * interval, referral status and created, last contact), the caseload
 * view, and exactly the due items of kinds action, goal, review,
 * referral and consent; a closed client has none.
 */
static void
test_rows(void **state)
{
	struct fx *fx = *state;
	struct psw_sync_stats s;
	char text[256];
	sqlite3 *db;

	write_client(fx, "alex-m", full_yaml);
	ix_open(fx);
	db = psw_index_db(&fx->ix);
	ix_sync(fx, &s);
	check_stats(&s, 1, 1, 0, 0);

#define COUNT(table, n) assert_int_equal(q_int(db, "SELECT count(*) FROM " \
	table " WHERE client = 'alex-m'", NULL), (n))
	COUNT("consent", 2);
	COUNT("team", 2);
	COUNT("strengths", 3);
	COUNT("needs", 2);
	COUNT("assessments", 2);
	COUNT("goals", 2);
	COUNT("actions", 3);
	COUNT("progress", 2);
	COUNT("reviews", 2);
	COUNT("referrals", 2);
	COUNT("referral_events", 3);
	COUNT("contacts", 3);
#undef COUNT

	assert_q(db, "SELECT answers FROM assessments WHERE id = ?1", "a1",
	    "[2,2,null,1]");
	assert_q(db, "SELECT answers FROM assessments WHERE id = ?1", "a2",
	    "[1,0,3]");
	assert_int_equal(q_int(db, "SELECT sum(json_valid(answers)) FROM "
	    "assessments", NULL), 2);
	assert_q(db, "SELECT json_extract(answers, '$[2]') FROM assessments "
	    "WHERE id = ?1", "a1", "(null)");
	assert_q(db, "SELECT instrument || ' ' || date FROM assessments "
	    "WHERE id = ?1", "a2", "gad-7 2026-04-12");

	assert_q(db, "SELECT name || '|' || preferred_name || '|' || pronouns "
	    "|| '|' || status || '|' || worker || '|' || dob || '|' || opened "
	    "FROM clients WHERE id = ?1", "alex-m", "Alex Morgan|Alex|"
	    "they/them|active|sam|1991-04-02|2026-01-12");
	assert_q(db, "SELECT closed FROM clients", NULL, "(null)");
	assert_q(db, "SELECT review_every || ' ' || review_last || ' ' || "
	    "review_next FROM clients", NULL, "90d 2026-07-12 2026-10-10");
	assert_q(db, "SELECT safety_plan || ' ' || safety_reviewed FROM "
	    "clients", NULL, "1 2026-07-12");
	assert_q(db, "SELECT last_contact FROM clients", NULL, "2026-03-02");

	assert_q(db, "SELECT group_concat(id || ':' || scope || ':' || "
	    "given || ':' || ifnull(expires, '-') || ':' || "
	    "ifnull(revoked, '-'), ' ') FROM (SELECT * FROM consent "
	    "ORDER BY id)", NULL, "k1:share-with-gp:2026-01-12:2027-01-12:- "
	    "k2:share-with-housing:2026-01-20:-:2026-05-01");
	assert_q(db, "SELECT group_concat(id || ':' || role || ':' || "
	    "ifnull(org, '-'), ' ') FROM (SELECT * FROM team ORDER BY id)",
	    NULL, "t1:psychiatrist:Northside CMHT t2:gp:-");
	assert_q(db, "SELECT group_concat(text, '|') FROM (SELECT * FROM "
	    "strengths ORDER BY seq)", NULL,
	    "keeps appointments|supportive sister|good cook");
	assert_q(db, "SELECT group_concat(domain || '=' || need, ' ') FROM "
	    "(SELECT * FROM needs ORDER BY domain)", NULL,
	    "housing=unmet money=met");
	assert_q(db, "SELECT group_concat(id || ':' || domain || ':' || "
	    "status || ':' || ifnull(target, '-'), ' ') FROM (SELECT * FROM "
	    "goals ORDER BY id)", NULL,
	    "g1:housing:active:2026-06-30 g2:mental-health:proposed:-");
	assert_q(db, "SELECT group_concat(goal || '/' || id || ':' || "
	    "ifnull(owner, '-') || ':' || ifnull(due, '-') || ':' || "
	    "ifnull(done, '-'), ' ') FROM (SELECT * FROM actions ORDER BY id)",
	    NULL, "g1/g1.1:worker:2026-02-01:2026-01-30 "
	    "g1/g1.2:client:2026-12-01:- g2/g2.1:-:2026-12-03:-");
	assert_q(db, "SELECT group_concat(goal || '#' || seq || ':' || date "
	    "|| ':' || rating, ' ') FROM (SELECT * FROM progress ORDER BY "
	    "seq)", NULL, "g1#1:2026-03-01:4 g1#2:2026-05-01:6");
	assert_q(db, "SELECT group_concat(seq || ':' || date || ':' || next, "
	    "' ') FROM (SELECT * FROM reviews ORDER BY seq)", NULL,
	    "1:2026-04-12:2026-07-12 2:2026-07-12:2026-10-10");
	assert_q(db, "SELECT service || ':' || goal || ':' || consent || ':' "
	    "|| urgency || ':' || status || ':' || created || ':' || "
	    "follow_up FROM referrals WHERE id = ?1", "r1",
	    "housing-first-north:g1:k1:soon:accepted:2026-01-20:2026-12-05");
	assert_q(db, "SELECT status || ':' || created || ':' || "
	    "ifnull(follow_up, '-') || ':' || ifnull(goal, '-') FROM "
	    "referrals WHERE id = ?1", "r2", "draft:2026-03-01:-:-");
	assert_q(db, "SELECT group_concat(referral || '#' || seq || ':' || "
	    "date || ':' || status || ':' || ifnull(by_worker, '-'), ' ') "
	    "FROM (SELECT * FROM referral_events ORDER BY referral, seq)",
	    NULL, "r1#1:2026-01-20:requested:sam "
	    "r1#2:2026-02-03:accepted:- r2#1:2026-03-01:draft:-");
	assert_q(db, "SELECT group_concat(seq || ':' || date || ':' || "
	    "kind || ':' || ifnull(minutes, '-'), ' ') FROM (SELECT * FROM "
	    "contacts ORDER BY seq)", NULL, "1:2026-01-19:face-to-face:50 "
	    "2:2026-03-02:phone:10 3:2026-02-10:home-visit:-");

	assert_q(db, "SELECT id || '|' || name || '|' || status || '|' || "
	    "worker || '|' || opened || '|' || last_contact || '|' || "
	    "next_review || '|' || open_goals || '|' || safety_plan FROM "
	    "caseload", NULL, "alex-m|Alex Morgan|active|sam|2026-01-12|"
	    "2026-03-02|2026-10-10|2|1");

	assert_int_equal(q_int(db, "SELECT count(*) FROM due", NULL), 6);
	assert_q(db, "SELECT group_concat(kind || ':' || ifnull(item, '-') || "
	    "':' || what || ':' || due, '\n') FROM (SELECT * FROM due WHERE "
	    "client = 'alex-m' ORDER BY due, kind)", NULL,
	    "goal:g1:Move into a tenancy of my own:2026-06-30\n"
	    "review:-:plan review:2026-10-10\n"
	    "action:g1.2:View flats:2026-12-01\n"
	    "action:g2.1:Sleep diary:2026-12-03\n"
	    "referral:r1:follow up housing-first-north:2026-12-05\n"
	    "consent:k1:consent expires: share-with-gp:2027-01-12");

	/* Closed: still in the caseload, nothing due. */
	write_client(fx, "zed", simple_client(text, sizeof text, "zed", "Zed"));
	ix_sync(fx, &s);
	check_stats(&s, 2, 1, 0, 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM caseload", NULL), 2);
	assert_q(db, "SELECT open_goals || ' ' || safety_plan || ' ' || "
	    "ifnull(last_contact, '-') FROM caseload WHERE id = ?1", "zed",
	    "0 0 -");
	{
		static const char closed[] = "psw: 1\nid: alex-m\n"
		    "name: Alex Morgan\nstatus: closed\nopened: 2026-01-12\n"
		    "closed: 2026-11-01\n";
		const char *body = strstr(full_yaml, "worker: sam\n");
		struct psw_buf b = PSW_BUF_INIT;

		assert_non_null(body);
		psw_buf_adds(&b, closed);
		psw_buf_adds(&b, body);
		write_client(fx, "alex-m", b.s);
		psw_buf_release(&b);
	}
	ix_sync(fx, &s);
	check_stats(&s, 2, 1, 0, 0);
	assert_q(db, "SELECT status || ' ' || closed FROM caseload WHERE "
	    "id = ?1", "alex-m", "closed 2026-11-01");
	assert_int_equal(q_int(db, "SELECT count(*) FROM due", NULL), 0);
}

/*
 * psw_index_put replaces exactly one client's rows (and its files row,
 * so the next sync does not parse it again), leaving other clients
 * alone; with c == NULL it removes every row of that client.
 */
/*
 * Assessments are scored into the index: total, band, flags, risk and
 * caseness; NULL scores for a voided one, an unknown instrument and
 * answers that cannot be scored; subscale rows for the DASS-21.  A new
 * or changed instrument in the case folder rescores at the next sync.
 */
static void
test_scores(void **state)
{
	struct fx *fx = *state;
	struct psw_sync_stats st;
	char path[256];
	sqlite3 *db;
	FILE *fp;
	int n;

	write_client(fx, "sam", "psw: 1\nid: sam\nname: Sam\nstatus: active\n"
	    "opened: 2026-01-12\nassessments:\n"
	    "  - {id: a1, instrument: phq-9, date: 2026-01-12, "
	    "answers: [2, 2, 1, 2, 1, 1, 2, 1, 1]}\n"
	    "  - {id: a2, instrument: phq-9, date: 2026-02-12, "
	    "answers: [1, 1, 1, 1, 0, 0, 0, 0, 0], voided: 2026-02-13}\n"
	    "  - {id: a3, instrument: phq-9, date: 2026-03-12, "
	    "answers: [1, 1]}\n"
	    "  - {id: a4, instrument: nonesuch, date: 2026-03-12, "
	    "answers: [1, 1]}\n"
	    "  - {id: a5, instrument: k10, date: 2026-03-12, "
	    "answers: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}\n"
	    "  - {id: a6, instrument: dass-21, date: 2026-03-12, "
	    "answers: [3, 0, 3, 0, 3, 0, 0, 3, 0, 3, 0, 0, 3, 0, 0, 3, 3, 0, "
	    "0, 0, 3]}\n"
	    "  - {id: a7, instrument: custom, date: 2026-03-12, "
	    "answers: [2]}\n");
	ix_open(fx);
	ix_sync(fx, &st);
	db = psw_index_db(&fx->ix);
	assert_q(db, "SELECT total || ' ' || band || ' ' || flags || ' ' || "
	    "risk || ' ' || caseness || ' ' || ifnull(voided, '-') FROM "
	    "assessments WHERE id = 'a1'", NULL,
	    "13 moderate suicidality high 1 -");
	assert_q(db, "SELECT ifnull(total, 'null') || ' ' || voided FROM "
	    "assessments WHERE id = 'a2'", NULL, "null 2026-02-13");
	assert_q(db, "SELECT ifnull(total, 'null') FROM assessments "
	    "WHERE id = 'a3'", NULL, "null");
	assert_q(db, "SELECT ifnull(total, 'null') FROM assessments "
	    "WHERE id = 'a4'", NULL, "null");
	assert_q(db, "SELECT total || ' ' || band || ' ' || "
	    "ifnull(flags, 'none') || ' ' || ifnull(caseness, 'null') FROM "
	    "assessments WHERE id = 'a5'", NULL, "10 low none null");
	assert_q(db, "SELECT group_concat(subscale || '=' || score || ':' || "
	    "band, ' ') FROM (SELECT * FROM assessment_subscales WHERE "
	    "assessment = 'a6' ORDER BY subscale)", NULL,
	    "anxiety=0:normal depression=42:extremely-severe stress=12:normal");
	assert_q(db, "SELECT ifnull(total, 'null') FROM assessments "
	    "WHERE id = 'a7'", NULL, "null");

	/* A folder instrument appears: everything is scored again. */
	snprintf(path, sizeof path, "%s/instruments", fx->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/instruments/custom.yaml", fx->dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs("psw-instrument: 1\nid: custom\nname: Custom\ncitation: me\n"
	    "licence: mine\nitems: [one]\noptions:\n"
	    "  - {value: 0, label: no}\n  - {value: 2, label: yes}\n"
	    "lookup: {0: 10, 1: 15, 2: 20.5}\n"
	    "bands: [{name: low, low: 0, high: 15}, {name: high, low: 15.5}]\n",
	    fp);
	assert_int_equal(fclose(fp), 0);
	ix_close(fx);
	psw_index_forget_instruments();
	ix_open(fx);
	ix_sync(fx, &st);
	check_stats(&st, 1, 1, 0, 0);
	db = psw_index_db(&fx->ix);
	assert_q(db, "SELECT total || ' ' || band FROM assessments "
	    "WHERE id = 'a7'", NULL, "20.5 high");
	/* Unchanged: nothing is read again. */
	ix_sync(fx, &st);
	check_stats(&st, 1, 0, 0, 0);
	/* A broken folder definition: a warning, built-ins only. */
	assert_non_null(fp = fopen(path, "w"));
	fputs("psw-instrument: 1\nid: custom\nname: [x]\n", fp);
	assert_int_equal(fclose(fp), 0);
	psw_index_forget_instruments();
	n = fx->nwarns;
	ix_sync(fx, &st);
	check_stats(&st, 1, 1, 0, 0);
	assert_true(warned_since(fx, n, "instruments/custom.yaml:3:7: 'name' "
	    "must be text (scoring with the built-in instruments)"));
	assert_q(db, "SELECT ifnull(total, 'null') || ' ' || (SELECT total "
	    "FROM assessments WHERE id = 'a1') FROM assessments "
	    "WHERE id = 'a7'", NULL, "null 13");
	psw_index_forget_instruments();
}

static void
test_put(void **state)
{
	struct fx *fx = *state;
	struct psw_diags d = PSW_DIAGS_INIT;
	struct psw_buf out = PSW_BUF_INIT;
	struct psw_sync_stats s;
	struct psw_client *c;
	struct psw_doc *doc;
	struct psw_err e;
	struct stat sb;
	char path[256];
	long long bob_rows;
	sqlite3 *db;

	write_client(fx, "alex-m", full_yaml);
	write_client(fx, "bob", "psw: 1\nid: bob\nname: Bob\nstatus: active\n"
	    "opened: 2026-01-12\ncontacts:\n  - {date: 2026-05-01}\n"
	    "  - {date: 2026-05-02}\n");
	ix_open(fx);
	db = psw_index_db(&fx->ix);
	ix_sync(fx, &s);
	check_stats(&s, 2, 2, 0, 0);
	bob_rows = rows_of(db, "bob");
	assert_int_equal(bob_rows, 4);	/* clients, files, 2 contacts */

	/* A tool changes alex-m: new name, no contacts, one more goal. */
	snprintf(path, sizeof path, "%s/clients/alex-m.yaml", fx->dir);
	assert_int_equal(psw_doc_load_file(path, "clients/alex-m.yaml", &doc,
	    &e), 0);
	assert_non_null(psw_map_set_str(doc, psw_doc_root(doc), "name",
	    "Alex Morgan-Lee", PSW_STRING));
	assert_int_equal(psw_map_remove(psw_doc_root(doc), "contacts"), 1);
	{
		struct psw_node *goals = psw_map_get(psw_doc_root(doc),
		    "goals");
		struct psw_node *g = psw_node_map(doc, 0);

		assert_non_null(goals);
		assert_non_null(g);
		assert_non_null(psw_map_set_str(doc, g, "id", "g3",
		    PSW_PLAIN));
		assert_non_null(psw_map_set_str(doc, g, "domain",
		    "work-education", PSW_PLAIN));
		assert_non_null(psw_map_set_str(doc, g, "title",
		    "Find a course", PSW_STRING));
		assert_non_null(psw_map_set_str(doc, g, "status", "active",
		    PSW_PLAIN));
		psw_seq_append(goals, g);
	}
	assert_int_equal(psw_client_read(doc, "alex-m", &c, &d), 0);
	assert_int_equal(psw_doc_emit(doc, &out, &e), 0);
	assert_int_equal(psw_write_atomic(path, "clients/alex-m.yaml", out.s,
	    out.len, &e), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(psw_index_put(&fx->ix, "alex-m", c, &sb, &e), 0);
	psw_buf_release(&out);
	psw_diags_release(&d);
	psw_doc_free(doc);

	assert_q(db, "SELECT name FROM clients WHERE id = ?1", "alex-m",
	    "Alex Morgan-Lee");
	assert_int_equal(q_int(db, "SELECT count(*) FROM contacts WHERE "
	    "client = ?1", "alex-m"), 0);
	assert_q(db, "SELECT group_concat(id, ' ') FROM (SELECT id FROM goals "
	    "WHERE client = 'alex-m' ORDER BY id)", NULL, "g1 g2 g3");
	assert_q(db, "SELECT last_contact FROM clients WHERE id = ?1",
	    "alex-m", "(null)");
	assert_int_equal(q_int(db, "SELECT size FROM files WHERE id = ?1",
	    "alex-m"), (long long)sb.st_size);
	assert_int_equal(q_int(db, "SELECT inode FROM files WHERE id = ?1",
	    "alex-m"), (long long)sb.st_ino);
	assert_int_equal(rows_of(db, "bob"), bob_rows);
	ix_sync(fx, &s);
	check_stats(&s, 2, 0, 0, 0);	/* already up to date */

	/* Removed from the index: every row, and only that client's. */
	assert_int_equal(psw_index_put(&fx->ix, "alex-m", NULL, NULL, &e), 0);
	assert_int_equal(rows_of(db, "alex-m"), 0);
	assert_int_equal(rows_of(db, "bob"), bob_rows);
	/* The file is still there: the next sync brings it back. */
	ix_sync(fx, &s);
	check_stats(&s, 2, 1, 0, 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM goals WHERE "
	    "client = ?1", "alex-m"), 3);
}

/* Write text as client id's file and put it in the index, as psw-plan
 * does after a change. */
static void
put_text(struct fx *fx, const char *id, const char *text)
{
	struct psw_diags d = PSW_DIAGS_INIT;
	struct psw_client *c;
	struct psw_doc *doc;
	struct psw_err e;
	struct stat sb;
	char path[256], name[64];

	write_client(fx, id, text);
	snprintf(path, sizeof path, "%s/clients/%s.yaml", fx->dir, id);
	snprintf(name, sizeof name, "clients/%s.yaml", id);
	assert_int_equal(psw_doc_load_file(path, name, &doc, &e), 0);
	assert_int_equal(psw_client_read(doc, id, &c, &d), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(psw_index_put(&fx->ix, id, c, &sb, &e), 0);
	psw_diags_release(&d);
	psw_doc_free(doc);
}

/* The files digest stored: the guard count it holds at into *at, the
 * rest (count, problems, sum) into buf. */
static const char *
digest_of(struct fx *fx, long long *at, char *buf, size_t size)
{
	char v[256];
	const char *sp;

	q_text(psw_index_db(&fx->ix), "SELECT value FROM meta WHERE key = "
	    "'files'", NULL, v, sizeof v);
	*at = strtoll(v, NULL, 10);
	sp = strchr(v, ' ');
	snprintf(buf, size, "%s", sp != NULL ? sp + 1 : v);
	return buf;
}

/*
 * The files digest (meta 'files', see lib/index.c): a sync stores it
 * at the guard's count, each psw_index_put keeps it so (the sum equals
 * a build from nothing of the same files), and a sync that finds it so
 * skips the files table yet still finds a file changed with its size
 * and time kept.  A write that does not keep it leaves it behind the
 * guard: the next sync merges the lists as before, and the next one
 * that writes stores it again.
 */
static void
test_files_digest(void **state)
{
	struct fx *fx = *state;
	struct psw_sync_stats s;
	struct timespec ts[2];
	struct stat sb;
	char text[256], d1[256], d2[256], path[256];
	long long at;
	sqlite3 *db;
	int i;

	for (i = 0; i < 40; i++) {
		char id[16];

		snprintf(id, sizeof id, "c%02d", i);
		write_client(fx, id, simple_client(text, sizeof text, id,
		    "Client"));
	}
	write_client(fx, "broken", "psw: 1\nid: broken\nname: [\n");
	ix_open(fx);
	db = psw_index_db(&fx->ix);
	ix_sync(fx, &s);
	check_stats(&s, 41, 41, 0, 1);
	digest_of(fx, &at, d1, sizeof d1);
	assert_int_equal(at, q_int(db, "SELECT n FROM guard", NULL));
	assert_int_equal(strncmp(d1, "41 1 ", 5), 0);

	/* psw's writes keep it: a change, a new client, one removed. */
	put_text(fx, "c05", simple_client(text, sizeof text, "c05",
	    "Client five, renamed"));
	put_text(fx, "c99", simple_client(text, sizeof text, "c99", "New"));
	snprintf(path, sizeof path, "%s/clients/c07.yaml", fx->dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(psw_index_put(&fx->ix, "c07", NULL, NULL, NULL), 0);
	digest_of(fx, &at, d1, sizeof d1);
	assert_int_equal(at, q_int(db, "SELECT n FROM guard", NULL));
	assert_int_equal(strncmp(d1, "41 1 ", 5), 0);
	ix_sync(fx, &s);
	check_stats(&s, 41, 0, 0, 1);
	assert_int_equal(s.by_digest, 1);

	/* The same sum as a build from nothing of these files. */
	ix_close(fx);
	unlink(fx->st.index_path);
	ix_open(fx);
	db = psw_index_db(&fx->ix);
	ix_sync(fx, &s);
	check_stats(&s, 41, 41, 0, 1);
	assert_string_equal(digest_of(fx, &at, d2, sizeof d2), d1);

	/* Edited by hand, size and time kept: the ctime moved on. */
	snprintf(path, sizeof path, "%s/clients/c03.yaml", fx->dir);
	assert_int_equal(stat(path, &sb), 0);
	write_client(fx, "c03", simple_client(text, sizeof text, "c03",
	    "Cl1ent"));
	ts[0] = sb.st_atim;
	ts[1] = sb.st_mtim;
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	ix_sync(fx, &s);
	check_stats(&s, 41, 1, 0, 1);
	assert_int_equal(s.by_digest, 0);
	assert_q(db, "SELECT name FROM clients WHERE id = ?1", "c03",
	    "Cl1ent");
	/* That sync kept the digest (its rows out and in again). */
	ix_sync(fx, &s);
	check_stats(&s, 41, 0, 0, 1);
	assert_int_equal(s.by_digest, 1);

	/* Other settings for what is due: every client again, then the
	 * digest holds. */
	fx->st.set.no_contact_days++;
	ix_sync(fx, &s);
	check_stats(&s, 41, 41, 0, 1);
	assert_int_equal(s.by_digest, 0);
	ix_sync(fx, &s);
	assert_int_equal(s.by_digest, 1);

	/* A write that does not keep the digest (the guard moved on with
	 * it levelled): read as before, and every change still found. */
	assert_int_equal(sqlite3_exec(db, "UPDATE guard SET n = n + 1, "
	    "seen = seen + 1", NULL, NULL, NULL), SQLITE_OK);
	ix_sync(fx, &s);
	check_stats(&s, 41, 0, 0, 1);
	assert_int_equal(s.by_digest, 0);
	digest_of(fx, &at, d1, sizeof d1);
	assert_int_not_equal(at, q_int(db, "SELECT n FROM guard", NULL));
	write_client(fx, "c04", simple_client(text, sizeof text, "c04",
	    "Client four"));
	ix_sync(fx, &s);
	check_stats(&s, 41, 1, 0, 1);
	digest_of(fx, &at, d1, sizeof d1);
	assert_int_equal(at, q_int(db, "SELECT n FROM guard", NULL));
	ix_sync(fx, &s);
	check_stats(&s, 41, 0, 0, 1);
	assert_int_equal(s.by_digest, 1);
	ix_close(fx);
}

/*
 * An index made for an empty folder has no files digest (nothing to
 * skip); psw's first write makes one from the table, and the sync after
 * it reads no files row.  So does the first write after the last client
 * was taken out.
 */
static void
test_files_digest_from_nothing(void **state)
{
	struct fx *fx = *state;
	struct psw_sync_stats s;
	char text[256], path[256];

	ix_open(fx);
	ix_sync(fx, &s);
	check_stats(&s, 0, 0, 0, 0);
	assert_int_equal(s.by_digest, 0);
	put_text(fx, "ana", simple_client(text, sizeof text, "ana", "Ana"));
	put_text(fx, "bo", simple_client(text, sizeof text, "bo", "Bo"));
	ix_sync(fx, &s);
	check_stats(&s, 2, 0, 0, 0);
	assert_int_equal(s.by_digest, 1);

	snprintf(path, sizeof path, "%s/clients/ana.yaml", fx->dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(psw_index_put(&fx->ix, "ana", NULL, NULL, NULL), 0);
	snprintf(path, sizeof path, "%s/clients/bo.yaml", fx->dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(psw_index_put(&fx->ix, "bo", NULL, NULL, NULL), 0);
	ix_sync(fx, &s);
	check_stats(&s, 0, 0, 0, 0);
	put_text(fx, "cy", simple_client(text, sizeof text, "cy", "Cy"));
	ix_sync(fx, &s);
	check_stats(&s, 1, 0, 0, 0);
	assert_int_equal(s.by_digest, 1);
}

/* How many build files (index.db.build-*) are in the case folder? */
static int
build_files(const struct fx *fx)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	assert_non_null(d = opendir(fx->dir));
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "index.db.build-", 15) == 0)
			n++;
	closedir(d);
	return n;
}

/* Read client id from its file in the case folder: its document (the
 * client lives in it; the caller frees it) and its stat. */
static struct psw_client *
read_client(struct fx *fx, const char *id, struct psw_doc **doc,
    struct stat *sb)
{
	struct psw_diags d = PSW_DIAGS_INIT;
	struct psw_client *c;
	struct psw_err e;
	char path[4096], name[64];

	snprintf(path, sizeof path, "%s/clients/%s.yaml", fx->dir, id);
	snprintf(name, sizeof name, "clients/%s.yaml", id);
	assert_int_equal(psw_doc_load_file(path, name, doc, &e), 0);
	assert_int_equal(psw_client_read(*doc, id, &c, &d), 0);
	assert_int_equal(stat(path, sb), 0);
	psw_diags_release(&d);
	return c;
}

/* n clients c000... with a few rows each. */
static void
write_clients(struct fx *fx, int n)
{
	char id[16], text[512];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(id, sizeof id, "c%03d", i);
		snprintf(text, sizeof text, "psw: 1\nid: %s\nname: Client %d\n"
		    "status: active\nopened: 2026-01-12\ncontacts:\n"
		    "  - {date: 2026-05-%02d, minutes: 30}\n"
		    "  - {date: 2026-06-%02d}\n", id, i, i % 28 + 1,
		    (i * 7) % 28 + 1);
		write_client(fx, id, text);
	}
}

/*
 * An index made from nothing is built aside and linked into place: then
 * it is a WAL index, 0600, with every client, and no build file is left.
 * A build file left by a crash (nobody holds its lock) is removed, one in
 * use is not.  A WAL left beside a deleted index (here the WAL of another
 * database, frames and all) is not taken for the new file's own: SQLite
 * would replay it over the new index.
 */
static void
test_build_aside(void **state)
{
	struct fx *fx = *state;
	struct psw_sync_stats s;
	char stale[4096], held[4096], other[4096], wal[4096];
	struct stat sb;
	sqlite3 *db, *odb;
	int hfd, fd;

	write_clients(fx, 40);
	snprintf(stale, sizeof stale, "%s/index.db.build-stale1", fx->dir);
	assert_true((fd = open(stale, O_WRONLY | O_CREAT | O_EXCL, 0600)) >=
	    0);
	assert_int_equal(write(fd, "junk", 4), 4);
	close(fd);
	snprintf(held, sizeof held, "%s/index.db.build-held12", fx->dir);
	assert_true((hfd = open(held, O_RDWR | O_CREAT | O_EXCL, 0600)) >= 0);
	assert_int_equal(flock(hfd, LOCK_EX), 0);
	/* Another database's WAL, with its frames, where index.db's goes. */
	snprintf(other, sizeof other, "%s/other.db", fx->dir);
	assert_int_equal(sqlite3_open(other, &odb), SQLITE_OK);
	assert_int_equal(sqlite3_db_config(odb,
	    SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(odb, "PRAGMA journal_mode = WAL;"
	    "CREATE TABLE foreign_rows(x); INSERT INTO foreign_rows "
	    "VALUES (1), (2);", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(odb), SQLITE_OK);
	snprintf(wal, sizeof wal, "%s/other.db-wal", fx->dir);
	assert_int_equal(stat(wal, &sb), 0);
	assert_true(sb.st_size > 0);
	snprintf(other, sizeof other, "%s/index.db-wal", fx->dir);
	assert_int_equal(rename(wal, other), 0);

	ix_open_as(fx, 1);
	ix_sync(fx, &s);
	check_stats(&s, 40, 40, 0, 0);
	db = psw_index_db(&fx->ix);
	assert_q(db, "PRAGMA journal_mode", NULL, "wal");
	assert_q(db, "PRAGMA integrity_check", NULL, "ok");
	assert_int_equal(q_int(db, "SELECT count(*) FROM clients", NULL), 40);
	assert_int_equal(q_int(db, "SELECT count(*) FROM contacts", NULL), 80);
	assert_int_equal(q_int(db, "SELECT count(*) FROM sqlite_schema WHERE "
	    "name = 'foreign_rows'", NULL), 0);
	assert_int_equal(stat(fx->st.index_path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(lstat(stale, &sb), -1);
	assert_int_equal(lstat(held, &sb), 0);
	assert_int_equal(build_files(fx), 1);
	close(hfd);
	unlink(held);
	ix_close(fx);

	/* Opened again: nothing to build. */
	ix_open_as(fx, 1);
	ix_sync(fx, &s);
	check_stats(&s, 40, 0, 0, 0);
	assert_int_equal(build_files(fx), 0);
}

/*
 * Another process makes the index while this one builds aside: the
 * build is dropped, and the index the other made is used and synced.
 */
static void
test_build_aside_raced(void **state)
{
	struct fx *fx = *state;
	struct psw_sync_stats s;
	struct psw_index other;
	struct psw_err e;
	struct stat sb;
	ino_t ino;

	struct psw_client *c;
	struct psw_doc *doc;

	write_clients(fx, 40);
	ix_open_as(fx, 1);		/* no index: to be built aside */
	assert_int_equal(build_files(fx), 1);
	/* The other: an index made in place, holding one client. */
	c = read_client(fx, "c007", &doc, &sb);
	assert_int_equal(psw_index_open(&other, &fx->st, &e), 0);
	assert_int_equal(psw_index_put(&other, "c007", c, &sb, &e), 0);
	psw_index_close(&other);
	psw_doc_free(doc);
	assert_int_equal(stat(fx->st.index_path, &sb), 0);
	ino = sb.st_ino;

	ix_sync(fx, &s);
	check_stats(&s, 40, 39, 0, 0);	/* the other's, brought up to date */
	assert_int_equal(stat(fx->st.index_path, &sb), 0);
	assert_true(sb.st_ino == ino);
	assert_int_equal(build_files(fx), 0);
	assert_int_equal(q_int(psw_index_db(&fx->ix), "SELECT count(*) FROM "
	    "clients", NULL), 40);
}

/* An index opened to be built aside and closed without a sync (an
 * error in between) leaves no build file. */
static void
test_build_aside_dropped(void **state)
{
	struct fx *fx = *state;

	write_clients(fx, 3);
	ix_open_as(fx, 1);
	assert_int_equal(build_files(fx), 1);
	ix_close(fx);
	assert_int_equal(build_files(fx), 0);
	assert_int_equal(access(fx->st.index_path, F_OK), -1);
}

/*
 * After a tool writes one client: an index that exists is updated, and
 * one that does not is not made for that client alone (the next sync
 * builds it whole, aside); nor is one of an older schema rebuilt for it.
 */
static void
test_update_absent(void **state)
{
	struct fx *fx = *state;
	struct psw_sync_stats s;
	struct psw_client *c;
	struct psw_doc *doc;
	struct psw_err e;
	struct stat sb;
	sqlite3 *db;

	write_clients(fx, 3);
	c = read_client(fx, "c001", &doc, &sb);
	assert_int_equal(psw_index_update(&fx->st, "c001", c, &sb, &e), 0);
	assert_int_equal(lstat(fx->st.index_path, &sb), -1);
	assert_int_equal(errno, ENOENT);

	ix_open_as(fx, 1);
	ix_sync(fx, &s);
	check_stats(&s, 3, 3, 0, 0);
	ix_close(fx);
	/* With an index: the client's rows go (c NULL: removed). */
	assert_int_equal(psw_index_update(&fx->st, "c001", NULL, NULL, &e),
	    0);
	ix_open(fx);
	db = psw_index_db(&fx->ix);
	assert_int_equal(q_int(db, "SELECT count(*) FROM clients", NULL), 2);
	/* An older schema: left for the next sync to rebuild whole. */
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 5", NULL,
	    NULL, NULL), SQLITE_OK);
	ix_close(fx);
	assert_int_equal(psw_index_update(&fx->st, "c001", c, &sb, &e), 0);
	assert_int_equal(sqlite3_open(fx->st.index_path, &db), SQLITE_OK);
	assert_int_equal(q_int(db, "PRAGMA user_version", NULL), 5);
	assert_int_equal(q_int(db, "SELECT count(*) FROM clients", NULL), 2);
	sqlite3_close(db);
	ix_open_as(fx, 1);
	ix_sync(fx, &s);
	check_stats(&s, 3, 3, 0, 0);
	psw_doc_free(doc);
}

/* Does the plan of sql sort (a temporary b-tree)? */
static int
plan_sorts(sqlite3 *db, const char *sql)
{
	char q[512];
	sqlite3_stmt *s;
	int sorts = 0;

	snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", sql);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW)
		if (strstr((const char *)sqlite3_column_text(s, 3),
		    "TEMP B-TREE") != NULL)
			sorts = 1;
	sqlite3_finalize(s);
	return sorts;
}

/*
 * Statement journals SQLite writes to temporary files, counted by a VFS
 * that passes every call to the default one.
 */
static sqlite3_vfs *real_vfs;
static sqlite3_vfs count_vfs;
static int subjournals;

static int
count_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f,
    int flags, int *out)
{
	(void)vfs;
	if (flags & SQLITE_OPEN_SUBJOURNAL)
		subjournals++;
	return real_vfs->xOpen(real_vfs, name, f, flags, out);
}

static void
count_vfs_register(int on)
{
	if (on) {
		real_vfs = sqlite3_vfs_find(NULL);
		count_vfs = *real_vfs;
		count_vfs.zName = "psw-test-count";
		count_vfs.xOpen = count_open;
		assert_int_equal(sqlite3_vfs_register(&count_vfs, 1),
		    SQLITE_OK);
	} else {
		sqlite3_vfs_unregister(&count_vfs);
		sqlite3_vfs_register(real_vfs, 1);
	}
	subjournals = 0;
}

/*
 * A write of one client's rows among many keeps its statement journals
 * in memory: no temporary file.  Each statement there changes pages all
 * over the date indexes (the rows of 300 clients interleave by date), so
 * its journal is well past the 64 KiB SQLite holds in memory by itself.
 * The setting that keeps them there is off again afterwards: it would
 * keep sorts (a build's indexes, a report's order) in memory too.
 */
static void
test_write_journals(void **state)
{
	struct fx *fx = *state;
	struct psw_sync_stats s;
	struct psw_client *c;
	struct psw_doc *doc;
	struct psw_buf y = PSW_BUF_INIT;
	struct psw_err e;
	struct stat sb;
	char id[16];
	int i, j;
	sqlite3 *db;

	for (i = 0; i < 300; i++) {
		psw_buf_reset(&y);
		snprintf(id, sizeof id, "c%03d", i);
		psw_buf_addf(&y, "psw: 1\nid: %s\nname: Client %d\n"
		    "status: active\nopened: 2024-01-01\nassessments:\n",
		    id, i);
		for (j = 0; j < 40; j++)
			psw_buf_addf(&y, "  - {id: a%d, instrument: phq9, "
			    "date: 2024-%02d-%02d, answers: [1, 1, 1, 1, 1, 1, "
			    "1, 1, %d]}\n", j, j % 12 + 1, (i + j) % 28 + 1,
			    i % 2);
		psw_buf_adds(&y, "contacts:\n");
		for (j = 0; j < 40; j++)
			psw_buf_addf(&y, "  - {date: 2025-%02d-%02d, "
			    "minutes: 30}\n", j % 12 + 1, (i + j) % 28 + 1);
		assert_false(y.oom);
		write_client(fx, id, y.s);
	}
	psw_buf_release(&y);
	count_vfs_register(1);
	ix_open(fx);
	db = psw_index_db(&fx->ix);
	ix_sync(fx, &s);
	check_stats(&s, 300, 300, 0, 0);
	assert_int_equal(q_int(db, "PRAGMA temp_store", NULL), 0);

	c = read_client(fx, "c150", &doc, &sb);
	subjournals = 0;
	assert_int_equal(psw_index_put(&fx->ix, "c150", c, &sb, &e), 0);
	assert_int_equal(subjournals, 0);
	assert_int_equal(q_int(db, "PRAGMA temp_store", NULL), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM assessments WHERE "
	    "client = 'c150'", NULL), 40);
	psw_doc_free(doc);
	ix_close(fx);
	count_vfs_register(0);
}

/*
 * Text that means something to SQL is only ever data: a name like
 * "Robert'); DROP TABLE clients;--" and other quotes are stored and read
 * back intact, and every table is still there.
 */
static void
test_hostile_text(void **state)
{
	struct fx *fx = *state;
	struct psw_sync_stats s;
	sqlite3 *db;

	write_client(fx, "bobby-t",
	    "psw: 1\n"
	    "id: bobby-t\n"
	    "name: \"Robert'); DROP TABLE clients;--\"\n"
	    "preferred-name: \"\\\"Bobby\\\" Tables; DELETE FROM files\"\n"
	    "status: active\n"
	    "opened: 2026-01-12\n"
	    "worker: \"O'Brien\"\n"
	    "goals:\n"
	    "  - {id: g1, domain: other, title: \"x' OR '1'='1\", "
	    "status: active, target: 2026-12-31}\n");
	ix_open(fx);
	db = psw_index_db(&fx->ix);
	ix_sync(fx, &s);
	check_stats(&s, 1, 1, 0, 0);
	assert_q(db, "SELECT name FROM clients WHERE id = ?1", "bobby-t",
	    "Robert'); DROP TABLE clients;--");
	assert_q(db, "SELECT preferred_name FROM clients", NULL,
	    "\"Bobby\" Tables; DELETE FROM files");
	assert_q(db, "SELECT worker FROM caseload", NULL, "O'Brien");
	assert_q(db, "SELECT title FROM goals", NULL, "x' OR '1'='1");
	assert_q(db, "SELECT what FROM due WHERE kind = 'goal'", NULL,
	    "x' OR '1'='1");
	assert_int_equal(q_int(db, "SELECT count(*) FROM files", NULL), 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM sqlite_schema WHERE "
	    "name = 'clients' AND type = 'table'", NULL), 1);
	ix_sync(fx, &s);
	check_stats(&s, 1, 0, 0, 0);
}

/* Every row of every client table in key order, and each file's problem. */
static char *
dump_rows(sqlite3 *db)
{
	static const char *const sql[] = {
	    "SELECT * FROM clients ORDER BY id",
	    "SELECT id, problem FROM files ORDER BY id",
	    "SELECT * FROM consent ORDER BY 1, 2",
	    "SELECT * FROM assessments ORDER BY 1, 2",
	    "SELECT * FROM assessment_subscales ORDER BY 1, 2, 3",
	    "SELECT * FROM goals ORDER BY 1, 2",
	    "SELECT * FROM actions ORDER BY 1, 3",
	    "SELECT * FROM contacts ORDER BY 1, 2",
	    "SELECT * FROM due_items ORDER BY 1, 2, 3, 4, 5", NULL };
	struct psw_buf b = PSW_BUF_INIT;
	sqlite3_stmt *s;
	size_t i;
	int c;

	for (i = 0; sql[i] != NULL; i++) {
		if (sqlite3_prepare_v2(db, sql[i], -1, &s, NULL) != SQLITE_OK)
			fail_msg("prepare %s: %s", sql[i], sqlite3_errmsg(db));
		psw_buf_addf(&b, "%s\n", sql[i]);
		while (sqlite3_step(s) == SQLITE_ROW) {
			for (c = 0; c < sqlite3_column_count(s); c++)
				psw_buf_addf(&b, "%s|", sqlite3_column_type(s,
				    c) == SQLITE_NULL ? "(null)" :
				    (const char *)sqlite3_column_text(s, c));
			psw_buf_addc(&b, '\n');
		}
		sqlite3_finalize(s);
	}
	assert_false(b.oom);
	return b.s;
}

/*
 * A sync of many files (parsed on worker threads, into a fresh index
 * whose secondary indexes are made after the rows) gives the same rows
 * and the same problems as syncing the same files a few at a time (parsed
 * one by one, each client's rows deleted first).
 */
static void
test_sync_many(void **state)
{
	struct fx *fx = *state;
	struct psw_sync_stats s;
	char id[16], text[1024], from[512], to[512], *d1, *d2;
	sqlite3 *db;
	int i, k, w, parsed;

	for (i = 0; i < 150; i++) {
		snprintf(id, sizeof id, "c%03d", i);
		if (i % 37 == 5)
			snprintf(text, sizeof text, "psw: 1\nid: %s\nname: [\n",
			    id);
		else if (i % 41 == 7)
			snprintf(text, sizeof text, "psw: 1\nid: %s\nname: N\n"
			    "status: open\nopened: 2026-01-12\n", id);
		else
			snprintf(text, sizeof text, "psw: 1\nid: %s\nname: N %d\n"
			    "status: active\nopened: 2026-01-%02d\n"
			    "consent:\n  - {id: k1, scope: gp, given: 2026-01-12,"
			    " expires: 2026-12-%02d}\n"
			    "assessments:\n  - {id: a1, instrument: phq-9, date: "
			    "2026-02-01, answers: [%d, 1, 2, 0, 1, 3, 0, 1, %d]}\n"
			    "  - {id: a2, instrument: core-10, date: 2026-03-01, "
			    "answers: [1, 2, 3, 4, 0, %d, 1, 2, 3, 4]}\n"
			    "goals:\n  - id: g1\n    domain: housing\n    title: "
			    "T%d\n    status: active\n    target: 2026-12-01\n"
			    "    actions:\n      - {id: g1.1, title: A, due: "
			    "2026-11-%02d}\n"
			    "contacts:\n  - {date: 2026-02-01, kind: phone, "
			    "minutes: %d, note: x}\n", id, i, 1 + i % 28,
			    1 + i % 28, i % 4, i % 3 == 0, i % 2, i, 1 + i % 28,
			    i);
		write_client(fx, id, text);
	}
	ix_open(fx);
	db = psw_index_db(&fx->ix);
	ix_sync(fx, &s);
	check_stats(&s, 150, 150, 0, 8);
	assert_int_equal(q_int(db, "SELECT count(*) FROM clients", NULL), 142);
	assert_q(db, "SELECT problem FROM files WHERE id = ?1", "c005",
	    "clients/c005.yaml:4:1: did not find expected node content");
	assert_q(db, "PRAGMA integrity_check", NULL, "ok");
	/* The due rows went through a temporary table, gone now. */
	assert_true(q_int(db, "SELECT count(*) FROM due_items", NULL) > 150);
	assert_int_equal(q_int(db, "SELECT count(*) FROM sqlite_temp_schema",
	    NULL), 0);
	/* The secondary indexes are back and used. */
	assert_int_equal(q_int(db, "SELECT count(*) FROM sqlite_schema WHERE "
	    "name IN ('contacts_date', 'assessments_date', "
	    "'assessments_risk', 'actions_due')", NULL), 4);
	assert_int_equal(q_int(db, "SELECT count(*) FROM assessments "
	    "INDEXED BY assessments_risk WHERE risk IS NOT NULL AND voided "
	    "IS NULL", NULL), q_int(db, "SELECT count(*) FROM assessments "
	    "WHERE risk IS NOT NULL AND voided IS NULL", NULL));
	/* Schema 6: assessments in client, instrument and date order are
	 * the table itself, no sort (caseload, outcomes, the latest score). */
	assert_false(plan_sorts(db, "SELECT client, instrument, date, total "
	    "FROM assessments WHERE voided IS NULL AND total IS NOT NULL "
	    "ORDER BY client, instrument, date, id"));
	assert_true(plan_sorts(db, "SELECT client FROM assessments "
	    "ORDER BY total"));
	d1 = dump_rows(db);
	ix_close(fx);

	/* Again from nothing, 10 files at a time. */
	remove_index(fx);
	snprintf(from, sizeof from, "%s/held", fx->dir);
	assert_int_equal(mkdir(from, 0700), 0);
	for (i = 0; i < 150; i++) {
		snprintf(from, sizeof from, "%s/clients/c%03d.yaml", fx->dir, i);
		snprintf(to, sizeof to, "%s/held/c%03d.yaml", fx->dir, i);
		assert_int_equal(rename(from, to), 0);
	}
	ix_open(fx);
	db = psw_index_db(&fx->ix);
	w = fx->nwarns;
	parsed = 0;
	for (k = 0; k < 150; k += 10) {
		for (i = k; i < k + 10; i++) {
			snprintf(from, sizeof from, "%s/held/c%03d.yaml",
			    fx->dir, i);
			snprintf(to, sizeof to, "%s/clients/c%03d.yaml",
			    fx->dir, i);
			assert_int_equal(rename(from, to), 0);
		}
		ix_sync(fx, &s);
		parsed += (int)s.parsed;
	}
	assert_int_equal(parsed, 150);
	assert_true(warned_since(fx, w, "clients/c005.yaml:4:1: "));
	d2 = dump_rows(db);
	assert_string_equal(d1, d2);
	free(d1);
	free(d2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_empty, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sync_changes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sync_nochange, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sync_problems, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_scan, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sync_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_files_digest, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_files_digest_from_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_scan_error_damaged,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_scan_error, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rebuild_deleted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rebuild_corrupt, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scores, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_put, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_journals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_build_aside, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_build_aside_raced, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_update_absent, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_build_aside_dropped,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_many, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hostile_text, setup,
		    teardown),
	};

	umask(077);
	unsetenv("PSW_INDEX");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
