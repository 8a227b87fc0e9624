/*
 * index.c - the SQLite index: schema, rebuild, sync and per-client rows.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "doc.h"
#include "due.h"
#include "index.h"
#include "instrument.h"
#include "service.h"
#include "thread.h"

#define PSW_STR_(x) #x
#define PSW_STR(x) PSW_STR_(x)

/* The page cache of queries: big enough for the working set of a large
 * caseload's reports (SQLite's default of 2 MB is not). */
#define CACHE_KB "-16000"

/* The schema, one statement a string (C limits string literal length). */
static const char *const schema_sql[] = {
"CREATE TABLE files("
"  id TEXT PRIMARY KEY,"
"  size INTEGER NOT NULL,"
"  mtime_ns INTEGER NOT NULL,"
"  ctime_ns INTEGER NOT NULL,"
"  inode INTEGER NOT NULL,"
"  problem TEXT"
") WITHOUT ROWID;",
"CREATE TABLE clients("
"  id TEXT PRIMARY KEY,"
"  name TEXT NOT NULL,"
"  preferred_name TEXT,"
"  pronouns TEXT,"
"  status TEXT NOT NULL,"
"  worker TEXT,"
"  dob TEXT,"
"  opened TEXT,"
"  closed TEXT,"
"  review_every TEXT,"
"  review_last TEXT,"
"  review_next TEXT,"
"  safety_plan INTEGER NOT NULL,"
"  safety_reviewed TEXT,"
"  last_contact TEXT"
") WITHOUT ROWID;",
"CREATE INDEX clients_worker ON clients(worker, status);",
"CREATE TABLE consent("
"  client TEXT NOT NULL, id TEXT NOT NULL, scope TEXT NOT NULL,"
"  given TEXT, expires TEXT, revoked TEXT,"
"  PRIMARY KEY(client, id)) WITHOUT ROWID;",
"CREATE TABLE team("
"  client TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL,"
"  role TEXT NOT NULL, org TEXT, phone TEXT, email TEXT, removed TEXT,"
"  PRIMARY KEY(client, id)) WITHOUT ROWID;",
"CREATE TABLE strengths("
"  client TEXT NOT NULL, seq INTEGER NOT NULL, text TEXT NOT NULL,"
"  PRIMARY KEY(client, seq)) WITHOUT ROWID;",
"CREATE TABLE needs("
"  client TEXT NOT NULL, domain TEXT NOT NULL, need TEXT NOT NULL,"
"  note TEXT, PRIMARY KEY(client, domain)) WITHOUT ROWID;",
/* Schema 6: assessments are kept in client, instrument and date order,
 * so the latest score of each instrument for a client is one seek and
 * scores in that order need no sort, with no index of their own to make
 * in a build or keep in a write (ids are unique within a client). */
"CREATE TABLE assessments("
"  client TEXT NOT NULL, id TEXT NOT NULL, instrument TEXT NOT NULL,"
"  date TEXT NOT NULL, answers TEXT NOT NULL,"
"  total INTEGER, band TEXT, flags TEXT, risk TEXT, caseness INTEGER,"
"  voided TEXT,"
"  PRIMARY KEY(client, instrument, date, id)) WITHOUT ROWID;",
"CREATE INDEX assessments_date ON assessments(date);",
"CREATE TABLE assessment_subscales("
"  client TEXT NOT NULL, assessment TEXT NOT NULL, subscale TEXT NOT NULL,"
"  score INTEGER, band TEXT,"
"  PRIMARY KEY(client, assessment, subscale)) WITHOUT ROWID;",
"CREATE TABLE meta("
"  key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;",
"CREATE TABLE goals("
"  client TEXT NOT NULL, id TEXT NOT NULL, domain TEXT NOT NULL,"
"  title TEXT NOT NULL, status TEXT NOT NULL, target TEXT,"
"  PRIMARY KEY(client, id)) WITHOUT ROWID;",
"CREATE TABLE actions("
"  client TEXT NOT NULL, goal TEXT NOT NULL, id TEXT NOT NULL,"
"  title TEXT NOT NULL, owner TEXT, due TEXT, done TEXT,"
"  PRIMARY KEY(client, id)) WITHOUT ROWID;",
"CREATE INDEX actions_due ON actions(due) WHERE done IS NULL;",
"CREATE TABLE progress("
"  client TEXT NOT NULL, goal TEXT NOT NULL, seq INTEGER NOT NULL,"
"  date TEXT NOT NULL, rating INTEGER NOT NULL,"
"  PRIMARY KEY(client, goal, seq)) WITHOUT ROWID;",
"CREATE TABLE reviews("
"  client TEXT NOT NULL, seq INTEGER NOT NULL, date TEXT NOT NULL,"
"  next TEXT, PRIMARY KEY(client, seq)) WITHOUT ROWID;",
"CREATE TABLE referrals("
"  client TEXT NOT NULL, id TEXT NOT NULL, service TEXT NOT NULL,"
"  goal TEXT, consent TEXT, urgency TEXT, status TEXT, created TEXT,"
"  follow_up TEXT, PRIMARY KEY(client, id)) WITHOUT ROWID;",
"CREATE TABLE referral_events("
"  client TEXT NOT NULL, referral TEXT NOT NULL, seq INTEGER NOT NULL,"
"  date TEXT NOT NULL, status TEXT NOT NULL, by_worker TEXT,"
"  PRIMARY KEY(client, referral, seq)) WITHOUT ROWID;",
"CREATE TABLE contacts("
"  client TEXT NOT NULL, seq INTEGER NOT NULL, date TEXT NOT NULL,"
"  kind TEXT, minutes INTEGER,"
"  PRIMARY KEY(client, seq)) WITHOUT ROWID;",
"CREATE INDEX contacts_date ON contacts(date);",
"CREATE TABLE services("
"  id TEXT PRIMARY KEY, name TEXT NOT NULL, organisation TEXT,"
"  status TEXT, description TEXT, eligibility TEXT, taxonomy TEXT,"
"  area TEXT, email TEXT, phone TEXT, url TEXT, referral_method TEXT,"
"  hsds_id TEXT, languages TEXT, contact TEXT, removed TEXT"
") WITHOUT ROWID;",
/* Service files are recorded apart from client files: the two share
 * one id space of file names, never one table. */
"CREATE TABLE service_files("
"  id TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,"
"  ctime_ns INTEGER NOT NULL, inode INTEGER NOT NULL, problem TEXT"
") WITHOUT ROWID;",
"CREATE VIRTUAL TABLE services_fts USING fts5(id UNINDEXED, name,"
"  organisation, description, eligibility, taxonomy,"
"  tokenize = 'unicode61 remove_diacritics 2');",
"CREATE VIEW caseload AS"
"  SELECT c.id, c.name, c.status, c.worker, c.opened, c.last_contact,"
"    c.review_next AS next_review,"
"    (SELECT count(*) FROM goals g WHERE g.client = c.id"
"      AND g.status IN ('proposed', 'active', 'on-hold')) AS open_goals,"
"    c.safety_plan, c.closed"
"  FROM clients c;",
"CREATE VIEW due AS"
"  SELECT a.client, 'action' AS kind, a.id AS item, a.title AS what,"
"    a.due AS due"
"  FROM actions a JOIN clients c ON c.id = a.client"
"  WHERE a.done IS NULL AND a.due IS NOT NULL AND c.status <> 'closed'"
"  UNION ALL"
"  SELECT g.client, 'goal', g.id, g.title, g.target"
"  FROM goals g JOIN clients c ON c.id = g.client"
"  WHERE g.status = 'active' AND g.target IS NOT NULL"
"    AND c.status <> 'closed'"
"  UNION ALL"
"  SELECT c.id, 'review', NULL, 'plan review', c.review_next"
"  FROM clients c WHERE c.review_next IS NOT NULL AND c.status <> 'closed'"
"  UNION ALL"
"  SELECT r.client, 'referral', r.id, 'follow up ' || r.service,"
"    r.follow_up"
"  FROM referrals r JOIN clients c ON c.id = r.client"
"  WHERE r.follow_up IS NOT NULL AND c.status <> 'closed'"
"    AND r.status NOT IN ('completed', 'cancelled', 'rejected', 'failed')"
"  UNION ALL"
"  SELECT k.client, 'consent', k.id, 'consent expires: ' || k.scope,"
"    k.expires"
"  FROM consent k JOIN clients c ON c.id = k.client"
"  WHERE k.revoked IS NULL AND k.expires IS NOT NULL"
"    AND c.status <> 'closed';",
/* Schema 2: date indexes for the reminders of psw-report due, each
 * holding only rows that can be due, so the window scan reads no more. */
"CREATE INDEX goals_target ON goals(target) WHERE status = 'active';",
"CREATE INDEX clients_review ON clients(review_next)"
"  WHERE status <> 'closed';",
"CREATE INDEX referrals_follow_up ON referrals(follow_up);",
"CREATE INDEX consent_expires ON consent(expires) WHERE revoked IS NULL;",
/* Schema 3: risk flags are a small index of their own. */
"CREATE INDEX assessments_risk ON assessments(client, date, id, instrument)"
"  WHERE risk IS NOT NULL AND voided IS NULL;",
/* Schema 4: the guard.  Triggers (see guard_sql) count every row deleted
 * or changed in a client table; psw's own writes then catch `seen` up.
 * n <> seen means another program edited rows behind psw's back, which
 * no stat of the files can show: the next sync rebuilds the index. */
"CREATE TABLE guard(n INTEGER NOT NULL, seen INTEGER NOT NULL);",
"INSERT INTO guard VALUES (0, 0);",
/* Schema 5: every dated item each client can have due (lib/due.c),
 * kept when the client is taken in and keyed in the order psw-report due
 * prints: rank (3 less the client's risk level), date, client, kind,
 * item.  Listing what is due is one scan of the key, streamed. */
"CREATE TABLE due_items("
"  rank INTEGER NOT NULL, due TEXT NOT NULL, client TEXT NOT NULL,"
"  kind INTEGER NOT NULL, item TEXT NOT NULL, urgent INTEGER NOT NULL,"
"  depends INTEGER NOT NULL, what TEXT NOT NULL, worker TEXT,"
"  PRIMARY KEY(rank, due, client, kind, item)) WITHOUT ROWID;",
"CREATE INDEX due_items_client ON due_items(client, due, kind, item);",
	NULL
};

/* Every table that holds a client's rows, keyed by column `client`. */
static const char *const client_tables[] = {
	"consent", "team", "strengths", "needs", "assessments", "goals",
	"actions", "progress", "reviews", "referrals", "referral_events",
	"contacts", "assessment_subscales", "due_items", NULL
};

/* The tables the guard's triggers watch besides client_tables. */
static const char *const guard_more[] = { "clients", "files", NULL };

static int is_corrupt(int);
static int may_remove(const struct psw_store *);
static void remove_index(const char *);

int
psw_index_error(struct psw_index *ix, int rc, const char *what,
    struct psw_err *e)
{
	const char *msg = ix != NULL && ix->db != NULL ?
	    sqlite3_errmsg(ix->db) : sqlite3_errstr(rc);

	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return psw_error(e, PSW_ELOCKED, "index '%s' is busy (%s); "
		    "try again later", ix && ix->st ? ix->st->index_path : "",
		    what);
	/* Damage in pages no sync reads shows only here: the index is
	 * derived, so it goes on close and the next command rebuilds it. */
	if (ix != NULL && ix->st != NULL && is_corrupt(rc)) {
		ix->damaged = 1;
		return psw_error(e, PSW_EIO, "index '%s' is damaged (%s: %s); "
		    "the next command rebuilds it from the client files",
		    ix->st->index_path, what, msg);
	}
	return psw_error(e, PSW_EIO, "index '%s': %s: %s",
	    ix && ix->st ? ix->st->index_path : "", what, msg);
}

struct sqlite3 *
psw_index_db(struct psw_index *ix)
{
	return ix->db;
}

/* Is rc a sign of a corrupt or foreign file? */
static int
is_corrupt(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

/*
 * May a damaged index be deleted and rebuilt?  Only the case folder's own
 * index.db, or a file that SQLite made (its header says so): PSW_INDEX
 * may point anywhere, even at a client file, and that must never be
 * deleted.
 */
static int
may_remove(const struct psw_store *st)
{
	char head[16];
	ssize_t n;
	int fd;

	if (st->index_own)
		return 1;
	if ((fd = open(st->index_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return errno == ENOENT;
	n = read(fd, head, sizeof head);
	close(fd);
	return n == 16 && memcmp(head, "SQLite format 3", 16) == 0;
}

/*
 * The index's folder, locked (flock) while an index is put in place, made
 * in place or removed, so that none of these falls between another's
 * look and its act: a WAL removed as stale must never be the one an index
 * just put in place is using.  The descriptor for index_unlock(), or -1
 * when the folder cannot be opened (then nothing can be made in it);
 * where flock(2) is not supported the folder is simply not locked.
 */
static int
index_lock(const char *index_path)
{
	char dir[4096];
	int fd;

	if (psw_parent_dir(index_path, dir, sizeof dir) < 0 ||
	    (fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	while (flock(fd, LOCK_EX) < 0 && errno == EINTR)
		;
	return fd;
}

static void
index_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* the lock goes with it */
}

/* Remove the WAL and shared memory of the index at path. */
static void
remove_wal(const char *path)
{
	char p[4096];

	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

/* Remove the index and its WAL files. */
static void
remove_index(const char *path)
{
	int lk = index_lock(path);

	unlink(path);
	remove_wal(path);
	index_unlock(lk);
}

/* Is name a guard trigger psw makes, "guard_<table>_<I|D|U>"? */
static int
guard_trigger_name(const char *name)
{
	const char *const *list;
	size_t len, i, tl;
	int pass;

	if (strncmp(name, "guard_", 6) != 0)
		return 0;
	name += 6;
	len = strlen(name);
	if (len < 3 || name[len - 2] != '_' || (name[len - 1] != 'I' &&
	    name[len - 1] != 'D' && name[len - 1] != 'U'))
		return 0;
	for (pass = 0; pass < 2; pass++) {
		list = pass ? guard_more : client_tables;
		for (i = 0; list[i] != NULL; i++) {
			tl = strlen(list[i]);
			if (tl == len - 2 && strncmp(name, list[i], tl) == 0)
				return 1;
		}
	}
	return 0;
}

/*
 * Does the database hold every object of schema_sql and every guard
 * trigger?  A table dropped behind our back makes the index unusable,
 * and a trigger dropped would let rows be edited unseen; either way it
 * is rebuilt like an older schema.  Objects the schema does not name
 * are left alone.  One pass over sqlite_schema: this runs on every open.
 */
static int
schema_complete(sqlite3 *db)
{
	enum { WANT_MAX = 128 };	/* the schema has 32; tests reopen */
	char want[WANT_MAX][64];
	unsigned char found[WANT_MAX];
	sqlite3_stmt *st;
	const char *p, *type, *name;
	size_t i, n, nwant = 0, ntables = 0, triggers = 0;
	int ok = 1;

	for (i = 0; schema_sql[i] != NULL; i++) {
		/* "CREATE [UNIQUE] TABLE|INDEX|VIEW name..." */
		p = schema_sql[i];
		while (*p != '\0' && strncmp(p, "TABLE ", 6) != 0 &&
		    strncmp(p, "INDEX ", 6) != 0 && strncmp(p, "VIEW ", 5) != 0)
			p++;
		if (*p == '\0')
			continue;
		p = strchr(p, ' ') + 1;
		n = strcspn(p, " (");
		if (n == 0 || n >= sizeof want[0] || nwant == WANT_MAX)
			return 0;	/* cannot happen: the schema is ours */
		memcpy(want[nwant], p, n);
		want[nwant++][n] = '\0';
	}
	memset(found, 0, sizeof found);
	while (client_tables[ntables] != NULL)
		ntables++;
	if (sqlite3_prepare_v2(db, "SELECT type, name FROM sqlite_schema",
	    -1, &st, NULL) != SQLITE_OK)
		return 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		type = (const char *)sqlite3_column_text(st, 0);
		name = (const char *)sqlite3_column_text(st, 1);
		if (type == NULL || name == NULL)
			continue;
		if (strcmp(type, "trigger") == 0) {
			triggers += guard_trigger_name(name);
			continue;
		}
		for (i = 0; i < nwant; i++)
			if (!found[i] && strcmp(want[i], name) == 0) {
				found[i] = 1;
				break;
			}
	}
	if (sqlite3_finalize(st) != SQLITE_OK)
		ok = 0;
	for (i = 0; i < nwant && ok; i++)
		ok = found[i];
	/* Three a table: the client tables, clients and files. */
	return ok && triggers == (ntables + 2) * 3;
}

/*
 * Drop every table and view, inside the caller's transaction, so that
 * their pages are freed (editing sqlite_schema directly would leave them
 * orphaned, and integrity_check would say so).  An SQLite code.
 */
static int
drop_all(sqlite3 *db)
{
	sqlite3_stmt *st;
	char *sql;
	int rc;

	for (;;) {
		rc = sqlite3_prepare_v2(db, "SELECT type, name FROM "
		    "sqlite_schema WHERE type IN ('table', 'view') AND "
		    "name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
		    "ORDER BY type = 'table' LIMIT 1", -1, &st, NULL);
		if (rc != SQLITE_OK)
			return rc;
		if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
			sqlite3_finalize(st);
			return rc == SQLITE_DONE ? SQLITE_OK : rc;
		}
		sql = sqlite3_mprintf("DROP %s \"%w\"",
		    strcmp((const char *)sqlite3_column_text(st, 0), "view") ==
		    0 ? "VIEW" : "TABLE", sqlite3_column_text(st, 1));
		sqlite3_finalize(st);
		if (sql == NULL)
			return SQLITE_NOMEM;
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
		sqlite3_free(sql);
		if (rc != SQLITE_OK)
			return rc;
	}
}

/* Does the database hold any table or view (a schema without version)? */
static int
has_tables(sqlite3 *db)
{
	sqlite3_stmt *st;
	int n = 0;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema",
	    -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n > 0;
}

static const struct psw_instruments *index_instruments(struct psw_index *);
static int meta_put(struct psw_index *, const char *, const char *);

/* Create the schema, or replace an older one; in one write transaction. */
/* The guard's triggers (drop: remove them): on every client table, a
 * row inserted, deleted or updated counts one. */
static int
guard_triggers(sqlite3 *db, int drop)
{
	static const char *const ev[] = { "INSERT", "DELETE", "UPDATE" };
	const char *const *list;
	const char *t;
	char *sql;
	size_t i, k;
	int rc = SQLITE_OK, pass;

	for (pass = 0; pass < 2; pass++) {
		list = pass ? guard_more : client_tables;
		for (i = 0; (t = list[i]) != NULL && rc == SQLITE_OK; i++) {
			for (k = 0; k < 3 && rc == SQLITE_OK; k++) {
				/* identifiers quoted with %w */
				if (drop)
					sql = sqlite3_mprintf("DROP TRIGGER \"guard_%w_%c\"",
					    t, ev[k][0]);
				else
					sql = sqlite3_mprintf("CREATE TRIGGER \"guard_%w_%c\" "
					    "AFTER %s ON \"%w\" BEGIN UPDATE "
					    "guard SET n = n + 1; END", t,
					    ev[k][0], ev[k], t);
				if (sql == NULL)
					return SQLITE_NOMEM;
				rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
				sqlite3_free(sql);
			}
		}
	}
	return rc;
}

/* The guard's counts: *n rows deleted or changed, *seen by psw. */
static int
guard_read(sqlite3 *db, sqlite3_int64 *n, sqlite3_int64 *seen)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(db, "SELECT n, seen FROM guard", -1, &st,
	    NULL);
	if (rc != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*n = sqlite3_column_int64(st, 0);
		*seen = sqlite3_column_int64(st, 1);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE)
		rc = SQLITE_CORRUPT;	/* its one row is gone */
	sqlite3_finalize(st);
	return rc;
}

/*
 * Inside psw's write transaction, before COMMIT: when the guard was level
 * as the transaction began (was_level), psw's own deletes are all it
 * counted since, so it is levelled again; otherwise it stays uneven for
 * the next sync to see.
 */
static int
guard_level(sqlite3 *db, int was_level)
{
	if (!was_level)
		return SQLITE_OK;
	return sqlite3_exec(db, "UPDATE guard SET seen = n", NULL, NULL,
	    NULL);
}

/* Was the guard level?  1 yes, 0 no, or an SQLite error code < 0. */
static int
guard_is_level(sqlite3 *db)
{
	sqlite3_int64 n = 0, seen = 0;
	int rc;

	if ((rc = guard_read(db, &n, &seen)) != SQLITE_OK)
		return -rc;
	return n == seen;
}

static int
ensure_schema(struct psw_index *ix, struct psw_err *e)
{
	sqlite3_stmt *st = NULL;
	int rc, version;
	size_t i;

	rc = sqlite3_prepare_v2(ix->db, "PRAGMA user_version", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc;
	if (version == PSW_INDEX_SCHEMA && schema_complete(ix->db))
		return SQLITE_OK;
	if (version > PSW_INDEX_SCHEMA) {
		psw_error(e, PSW_EIO, "index '%s' was made by a newer psw "
		    "(schema %d, this one knows %d); remove it or set "
		    "PSW_INDEX", ix->st->index_path, version,
		    PSW_INDEX_SCHEMA);
		return -1;
	}
	if (version == 0 && !ix->st->index_own && has_tables(ix->db)) {
		/* Not ours (PSW_INDEX may point anywhere): never wipe it. */
		psw_error(e, PSW_EIO, "'%s' holds tables psw did not make; "
		    "remove it or point PSW_INDEX elsewhere",
		    ix->st->index_path);
		return -1;
	}
	if (ix->keep)
		return SQLITE_NOTFOUND;	/* to be made by the next sync */
	rc = sqlite3_exec(ix->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return rc;
	/* Look again inside the transaction: another process may have
	 * created it meanwhile. */
	rc = sqlite3_prepare_v2(ix->db, "PRAGMA user_version", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
		rc = rc == SQLITE_ROW ? SQLITE_OK : rc;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_OK && (version != PSW_INDEX_SCHEMA ||
	    !schema_complete(ix->db))) {
		/* The index is derived: an older or damaged schema is
		 * simply dropped and everything re-read from the files. */
		rc = drop_all(ix->db);
		for (i = 0; schema_sql[i] != NULL && rc == SQLITE_OK; i++)
			rc = sqlite3_exec(ix->db, schema_sql[i], NULL, NULL,
			    NULL);
		if (rc == SQLITE_OK)
			rc = guard_triggers(ix->db, 0);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(ix->db, "PRAGMA user_version = "
			    PSW_INDEX_SCHEMA_STR, NULL, NULL, NULL);
		/* No rows yet: they will all be scored by this set. */
		if (rc == SQLITE_OK && index_instruments(ix) != NULL)
			rc = meta_put(ix, "instruments", psw_instruments_digest(
			    index_instruments(ix)));
		if (rc == SQLITE_OK) {
			char dd[17];

			psw_due_settings_digest(&ix->st->set, dd);
			rc = meta_put(ix, "due-settings", dd);
		}
		ix->rebuilt = 1;
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(ix->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/*
 * Open the database file and set it up; an SQLite code.  A build aside
 * (ix->aside) opens its private file with no journal and no syncs, and
 * keeps it locked: nobody else knows it, and a crash leaves no index.
 */
static int
open_db(struct psw_index *ix, struct psw_err *e)
{
	struct stat sb;
	int rc, lk = -1;

	/* Made here, in place: not between an install's look and link. */
	if (ix->aside == NULL && lstat(ix->st->index_path, &sb) < 0 &&
	    errno == ENOENT)
		lk = index_lock(ix->st->index_path);
	rc = sqlite3_open_v2(ix->aside ? ix->aside : ix->st->index_path,
	    &ix->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE |
	    SQLITE_OPEN_NOMUTEX, NULL);	/* one thread uses a connection */
	index_unlock(lk);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_busy_timeout(ix->db, 10000);
	rc = sqlite3_exec(ix->db, ix->aside ?
	    "PRAGMA locking_mode = EXCLUSIVE;"
	    "PRAGMA journal_mode = OFF;"
	    "PRAGMA synchronous = OFF;"
	    "PRAGMA cache_size = " CACHE_KB ";"
	    "PRAGMA foreign_keys = OFF;" :
	    "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = NORMAL;"
	    "PRAGMA cache_size = " CACHE_KB ";"
	    "PRAGMA foreign_keys = OFF;", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return rc;
	return ensure_schema(ix, e);
}

/* --- Building aside ----------------------------------------------- */

/*
 * An index built from nothing is built aside: in a private file beside
 * it, <index>.build- and six random characters (mkstemp, 0600), with
 * no journal, no syncs and an
 * exclusive lock.  In place, in WAL mode, every page was written twice
 * (to the WAL, then by the checkpoint) and synced twice.  At the end the
 * file is synced once and linked into place (aside_install; renamed
 * where the file system has no links), with the folder locked and only
 * while no index exists: another process may have made one meanwhile,
 * and then that one is used.  The builder holds an flock on its file
 * for as long as it is in use; a file left by a crash has none, and the
 * next command that syncs removes it.
 */
#define ASIDE_SUFFIX	".build-"
#define ASIDE_RANDOM	6	/* characters mkstemp(3) makes up */

/* Remove the build files of index_path that nobody holds. */
static void
aside_sweep(const char *index_path)
{
	const char *slash = strrchr(index_path, '/');
	const char *base = slash ? slash + 1 : index_path;
	char dir[4096];
	size_t blen = strlen(base);
	struct dirent *de;
	DIR *d;
	int fd;

	if (psw_parent_dir(index_path, dir, sizeof dir) < 0 ||
	    (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, base, blen) != 0 ||
		    strncmp(de->d_name + blen, ASIDE_SUFFIX,
		    sizeof ASIDE_SUFFIX - 1) != 0 ||
		    strlen(de->d_name + blen + sizeof ASIDE_SUFFIX - 1) !=
		    ASIDE_RANDOM)
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_NOFOLLOW |
		    O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			unlinkat(dirfd(d), de->d_name, 0);
		close(fd);
	}
	closedir(d);
}

/* Forget the build file: removed, unlocked, closed. */
static void
aside_drop(struct psw_index *ix)
{
	if (ix->aside == NULL)
		return;
	unlink(ix->aside);
	close(ix->aside_fd);
	free(ix->aside);
	ix->aside = NULL;
}

/*
 * Make and lock a build file for ix: 0, or -1 (then the index is built
 * in place).  A sweep by another process may remove the file between
 * its making and its locking: then it has no link left, and another is
 * made.
 */
static int
aside_create(struct psw_index *ix)
{
	const char *path = ix->st->index_path;
	size_t n = strlen(path);
	struct stat sb;
	int tries, fd;
	char *p;

	for (tries = 0; tries < 3; tries++) {
		if ((p = malloc(n + sizeof ASIDE_SUFFIX + ASIDE_RANDOM)) ==
		    NULL)
			return -1;
		memcpy(p, path, n);
		memcpy(p + n, ASIDE_SUFFIX, sizeof ASIDE_SUFFIX - 1);
		/* mkstemp's template: the characters it replaces. */
		memset(p + n + sizeof ASIDE_SUFFIX - 1, 'X', ASIDE_RANDOM);
		p[n + sizeof ASIDE_SUFFIX - 1 + ASIDE_RANDOM] = '\0';
		if ((fd = mkstemp(p)) < 0) {
			free(p);
			return -1;
		}
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 &&
		    flock(fd, LOCK_EX | LOCK_NB) == 0 &&
		    fstat(fd, &sb) == 0 && sb.st_nlink > 0) {
			ix->aside = p;
			ix->aside_fd = fd;
			return 0;
		}
		close(fd);	/* the sweeper holding it removes it */
		free(p);
	}
	return -1;
}

/*
 * Put the finished build in place and open the index there.  *raced:
 * an index appeared meanwhile, and is the one now open (it has to be
 * synced).  0, or -1 with e set.
 */
static int
aside_install(struct psw_index *ix, int *raced, struct psw_err *e)
{
	const char *path = ix->st->index_path;
	struct stat sb;
	int rc, lk, err = 0;

	*raced = 0;
	if ((rc = sqlite3_close(ix->db)) != SQLITE_OK) {
		sqlite3_close_v2(ix->db);	/* closes when it can */
		ix->db = NULL;
		aside_drop(ix);
		return psw_error(e, PSW_EIO, "index '%s': cannot close the "
		    "build: %s", path, sqlite3_errstr(rc));
	}
	ix->db = NULL;
	if (fsync(ix->aside_fd) < 0) {
		psw_error(e, PSW_EIO, "cannot write index '%s': %s", path,
		    strerror(errno));
		aside_drop(ix);
		return -1;
	}
	lk = index_lock(path);
	if (lstat(path, &sb) == 0 || errno != ENOENT) {
		*raced = 1;
	} else {
		/* A WAL left by an index deleted earlier would be taken
		 * for the new file's own and replayed over it. */
		remove_wal(path);
		if (link(ix->aside, path) == 0)
			;
		else if (errno == EEXIST)
			*raced = 1;
		else if ((errno == EPERM || errno == EOPNOTSUPP ||
		    errno == ENOSYS || errno == EMLINK) &&
		    rename(ix->aside, path) == 0)
			;	/* no hard links here; the lock keeps it safe */
		else
			err = errno;
		if (!*raced && err == 0 && psw_sync_parent(path) < 0)
			err = errno;
	}
	index_unlock(lk);
	aside_drop(ix);
	if (err != 0)
		return psw_error(e, PSW_EIO, "cannot put index '%s' in place: "
		    "%s", path, strerror(err));
	aside_sweep(path);	/* what builders that crashed meanwhile left */
	if ((rc = open_db(ix, e)) == -1)
		return -1;
	if (rc != SQLITE_OK)
		return psw_index_error(ix, rc, "cannot open", e);
	return 0;
}

/* index_open() flags */
#define IX_ASIDE	1	/* a sync follows: a missing index is built aside */
#define IX_KEEP		2	/* no index made, rebuilt or upgraded: none is
				 * opened (1) when there is no current one */

static int index_open(struct psw_index *, struct psw_store *, int, int,
    struct psw_err *);
static void scan_start(struct psw_index *);
static void scan_drop(struct psw_index *);

int
psw_index_open(struct psw_index *ix, struct psw_store *st, struct psw_err *e)
{
	return index_open(ix, st, 0, 0, e);
}

int
psw_index_open_scan(struct psw_index *ix, struct psw_store *st,
    struct psw_err *e)
{
	return index_open(ix, st, 1, IX_ASIDE, e);
}

/* open_db(), building aside when asked and a build file can be had,
 * else in place. */
static int
open_db_aside(struct psw_index *ix, int aside, struct psw_err *e)
{
	int rc;

	if (aside)
		aside_create(ix);
	rc = open_db(ix, e);
	if (rc != SQLITE_OK && ix->aside != NULL) {
		sqlite3_close(ix->db);
		ix->db = NULL;
		aside_drop(ix);
		psw_err_clear(e);
		rc = open_db(ix, e);
	}
	return rc;
}

/* Open ix; scan: start listing the folder; flags: IX_*.  0, 1 (IX_KEEP:
 * no current index, none opened), or < 0 with e set. */
static int
index_open(struct psw_index *ix, struct psw_store *st, int scan, int flags,
    struct psw_err *e)
{
	struct stat sb;
	int rc, existed;

	memset(ix, 0, sizeof *ix);
	ix->st = st;
	ix->keep = (flags & IX_KEEP) != 0;
	existed = lstat(st->index_path, &sb) == 0 || errno != ENOENT;
	if (ix->keep && !existed)
		return 1;
	if (scan)
		scan_start(ix);
	/* Build files of crashed builders, or a second name of the index
	 * left when a build in place could not remove its own: cheap (the
	 * folder is small), so on every open for a sync. */
	if (flags & IX_ASIDE)
		aside_sweep(st->index_path);
	psw_err_clear(e);
	rc = open_db_aside(ix, (flags & IX_ASIDE) && !existed, e);
	if (ix->keep && (rc == SQLITE_NOTFOUND || is_corrupt(rc))) {
		sqlite3_close(ix->db);
		ix->db = NULL;
		return 1;
	}
	if (rc == -1)
		goto fail;
	if (rc != SQLITE_OK && is_corrupt(rc)) {
		if (!may_remove(st)) {
			psw_error(e, PSW_EIO, "'%s' is not a psw index (%s); "
			    "refusing to replace it: check PSW_INDEX",
			    st->index_path, sqlite3_errstr(rc));
			goto fail;
		}
		psw_store_warn(st, "index '%s' is damaged (%s); rebuilding it "
		    "from the client files", st->index_path, sqlite3_errstr(rc));
		sqlite3_close(ix->db);
		ix->db = NULL;
		remove_index(st->index_path);
		rc = open_db_aside(ix, flags & IX_ASIDE, e);
		if (rc == -1)
			goto fail;
		ix->rebuilt = 1;
	}
	if (rc != SQLITE_OK) {
		psw_index_error(ix, rc, "cannot open", e);
		goto fail;
	}
	if (!existed)
		ix->rebuilt = 1;
	return 0;
fail:
	sqlite3_close(ix->db);
	ix->db = NULL;
	aside_drop(ix);
	scan_drop(ix);
	return -(e->code ? e->code : PSW_EIO);
}

void
psw_index_close(struct psw_index *ix)
{
	int aside = ix->aside != NULL;

	scan_drop(ix);
	if (ix->db != NULL)
		sqlite3_close(ix->db);
	ix->db = NULL;
	aside_drop(ix);		/* a build that was never put in place */
	if (ix->damaged && !aside && ix->st != NULL && may_remove(ix->st))
		remove_index(ix->st->index_path);
	ix->damaged = 0;
}

/* --- Rows of one client -------------------------------------------- */

/*
 * The instruments that score assessments: the built-in set and the case
 * folder's, loaded once per process (again only for another folder).
 * A folder definition with a problem is reported and the built-in set
 * used alone, so one bad file cannot stop the index.  NULL on OOM.
 */
static struct psw_instruments *ix_set;
static char *ix_home;

void
psw_index_forget_instruments(void)
{
	psw_instruments_free(ix_set);
	ix_set = NULL;
	free(ix_home);
	ix_home = NULL;
}

static const struct psw_instruments *
index_instruments(struct psw_index *ix)
{
	struct psw_instruments *set = ix_set;
	char *home = ix_home;
	struct psw_err e;
	char line[PSW_ERR_MSG + 600];

	if (set != NULL && home != NULL && strcmp(home, ix->st->home) == 0)
		return set;
	psw_instruments_free(set);
	set = ix_set = NULL;
	free(home);
	if ((home = ix_home = strdup(ix->st->home)) == NULL)
		return NULL;
	if (psw_instruments_load(home, &set, &e) < 0) {
		/* Out of memory: no scores at all rather than other ones;
		 * the caller fails. */
		if (e.code == PSW_EIO && strstr(e.msg, "out of memory")) {
			ix_home = home;
			return NULL;
		}
		psw_store_warn(ix->st, "%s (scoring with the built-in "
		    "instruments)", psw_err_format(&e, line, sizeof line));
		if (psw_instruments_load(NULL, &set, &e) < 0)
			set = NULL;
	}
	ix_set = set;
	ix_home = home;
	return set;
}

/* Bind a date, or NULL for PSW_DATE_NONE. */
static void
bind_date(sqlite3_stmt *s, int i, psw_date d)
{
	char buf[PSW_DATE_LEN];

	if (d == PSW_DATE_NONE) {
		sqlite3_bind_null(s, i);
		return;
	}
	psw_date_format(d, buf);
	sqlite3_bind_text(s, i, buf, (int)strlen(buf), SQLITE_TRANSIENT);
}

/* Bind text, or NULL. */
static void
bind_text(sqlite3_stmt *s, int i, const char *t)
{
	if (t == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, t, -1, SQLITE_STATIC);
}

/*
 * Where the statement journals of a write go.  Each statement that the
 * guard's triggers follow journals the pages it changes, and past 64 KiB
 * SQLite writes that journal to a temporary file: three in four of the
 * page writes of a one-client write went there.  In memory (on) they
 * cost nothing and stay small, each holding one statement's pages.  But
 * the same setting keeps every sort in memory too, unbounded, so it is
 * on only around the writes of client rows: never while a build makes
 * its indexes, never while a report sorts.  Outside a transaction (the
 * setting cannot change inside one once temporary tables exist).
 */
static void
journals_in_memory(sqlite3 *db, int on)
{
	sqlite3_exec(db, on ? "PRAGMA temp_store = MEMORY" :
	    "PRAGMA temp_store = DEFAULT", NULL, NULL, NULL);
}

/* Prepare, step to completion, finalize; an SQLite code. */
static int
step_done(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Prepared statements of one put, reused across clients during a sync. */
struct puts {
	sqlite3_stmt *del[16], *file, *delfile, *client, *consent, *team,
	    *strength, *need, *assessment, *goal, *action, *progress, *review,
	    *referral, *refevent, *contact, *subscale, *due,
	    *filerow;	/* a files row's stats, for the files digest */
	const struct psw_instruments *ins;	/* borrowed, may be NULL */
	const struct psw_settings *set;		/* borrowed */
};

/* Prepare every statement; an SQLite code. */
static int
puts_prepare(sqlite3 *db, struct puts *p)
{
	char sql[128];
	size_t i;
	int rc;

#define PREP(field, text) do { \
	rc = sqlite3_prepare_v3(db, text, -1, SQLITE_PREPARE_PERSISTENT, \
	    &p->field, NULL); \
	if (rc != SQLITE_OK) \
		return rc; \
} while (0)
	memset(p, 0, sizeof *p);
	for (i = 0; client_tables[i] != NULL; i++) {
		snprintf(sql, sizeof sql, "DELETE FROM %s WHERE client = ?1",
		    client_tables[i]);
		rc = sqlite3_prepare_v3(db, sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &p->del[i], NULL);
		if (rc != SQLITE_OK)
			return rc;
	}
	snprintf(sql, sizeof sql, "DELETE FROM clients WHERE id = ?1");
	rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &p->del[i], NULL);
	if (rc != SQLITE_OK)
		return rc;
	PREP(file, "INSERT OR REPLACE INTO files(id, size, mtime_ns, "
	    "ctime_ns, inode, problem) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	PREP(delfile, "DELETE FROM files WHERE id = ?1");
	PREP(client, "INSERT INTO clients(id, name, preferred_name, pronouns, "
	    "status, worker, dob, opened, closed, review_every, review_last, "
	    "review_next, safety_plan, safety_reviewed, last_contact) VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
	    "?15)");
	PREP(consent, "INSERT OR REPLACE INTO consent VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6)");
	PREP(team, "INSERT OR REPLACE INTO team VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	PREP(strength, "INSERT OR REPLACE INTO strengths VALUES (?1, ?2, ?3)");
	PREP(need, "INSERT OR REPLACE INTO needs VALUES (?1, ?2, ?3, ?4)");
	PREP(assessment, "INSERT OR REPLACE INTO assessments VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
	PREP(subscale, "INSERT OR REPLACE INTO assessment_subscales VALUES "
	    "(?1, ?2, ?3, ?4, ?5)");
	PREP(goal, "INSERT OR REPLACE INTO goals VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6)");
	PREP(action, "INSERT OR REPLACE INTO actions VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	PREP(progress, "INSERT OR REPLACE INTO progress VALUES "
	    "(?1, ?2, ?3, ?4, ?5)");
	PREP(review, "INSERT OR REPLACE INTO reviews VALUES (?1, ?2, ?3, ?4)");
	PREP(referral, "INSERT OR REPLACE INTO referrals VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	PREP(refevent, "INSERT OR REPLACE INTO referral_events VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6)");
	PREP(contact, "INSERT OR REPLACE INTO contacts VALUES "
	    "(?1, ?2, ?3, ?4, ?5)");
	PREP(due, "INSERT OR REPLACE INTO due_items VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	PREP(filerow, "SELECT size, mtime_ns, ctime_ns, inode, "
	    "problem IS NOT NULL FROM files WHERE id = ?1");
#undef PREP
	return SQLITE_OK;
}

static void
puts_finalize(struct puts *p)
{
	sqlite3_stmt **s = (sqlite3_stmt **)p;
	size_t i;

	for (i = 0; i < offsetof(struct puts, ins) / sizeof *s; i++)
		sqlite3_finalize(s[i]);
	memset(p, 0, sizeof *p);
}

/* Delete every row of client id; an SQLite code. */
static int
delete_rows(struct puts *p, const char *id)
{
	size_t i;
	int rc;

	for (i = 0; i < 16 && p->del[i] != NULL; i++) {
		sqlite3_bind_text(p->del[i], 1, id, -1, SQLITE_STATIC);
		if ((rc = step_done(p->del[i])) != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

/* Record a file's stat (and problem text or NULL); an SQLite code. */
static int
put_file(struct puts *p, const char *id, const struct stat *sb,
    const char *problem)
{
	sqlite3_bind_text(p->file, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(p->file, 2, (sqlite3_int64)sb->st_size);
	sqlite3_bind_int64(p->file, 3, (sqlite3_int64)sb->st_mtim.tv_sec *
	    1000000000 + sb->st_mtim.tv_nsec);
	sqlite3_bind_int64(p->file, 4, (sqlite3_int64)sb->st_ctim.tv_sec *
	    1000000000 + sb->st_ctim.tv_nsec);
	sqlite3_bind_int64(p->file, 5, (sqlite3_int64)sb->st_ino);
	bind_text(p->file, 6, problem);
	return step_done(p->file);
}

/* Bind a score: an integer when it is whole, else a real. */
static void
bind_num(sqlite3_stmt *s, int i, double v)
{
	if (v == (double)(sqlite3_int64)v)
		sqlite3_bind_int64(s, i, (sqlite3_int64)v);
	else
		sqlite3_bind_double(s, i, v);
}

/*
 * Bind the scored columns of one assessment (6 to 11) and insert its
 * subscale rows.  A voided assessment, an unknown instrument or answers
 * that cannot be scored leave the score columns NULL.  buf is scratch;
 * *flag becomes the risk level when the score carries a flag, else -1.
 */
static int
bind_score(struct puts *p, sqlite3_stmt *s, const char *id,
    const struct psw_assessment *a, struct psw_buf *buf, int *flag)
{
	const struct psw_instrument *in;
	struct psw_score sc;
	size_t i;
	int rc;

	*flag = -1;
	bind_date(s, 11, a->voided);
	in = psw_instruments_find(p->ins, a->instrument);
	if (a->voided != PSW_DATE_NONE || in == NULL || a->answers == NULL ||
	    psw_instrument_score(in, a->answers, a->nanswers, &sc) < 0)
		return SQLITE_OK;
	bind_num(s, 6, sc.total);
	if (sc.band != NULL)
		sqlite3_bind_text(s, 7, sc.band, -1, SQLITE_TRANSIENT);
	if (sc.nflags > 0) {
		psw_buf_reset(buf);
		for (i = 0; i < sc.nflags; i++)
			psw_buf_addf(buf, "%s%s", i ? " " : "",
			    sc.flags[i].name);
		if (buf->oom)
			return SQLITE_NOMEM;
		sqlite3_bind_text(s, 8, buf->s, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 9, psw_level_name(sc.risk), -1,
		    SQLITE_STATIC);
		*flag = (int)sc.risk;
	}
	if (sc.caseness >= 0)
		sqlite3_bind_int(s, 10, sc.caseness);
	for (i = 0; i < sc.nsubs; i++) {
		sqlite3_stmt *u = p->subscale;

		bind_text(u, 1, id);
		bind_text(u, 2, a->id);
		bind_text(u, 3, sc.subs[i].id);
		if (sc.subs[i].scored)
			bind_num(u, 4, sc.subs[i].score);
		if (sc.subs[i].band != NULL)
			sqlite3_bind_text(u, 5, sc.subs[i].band, -1,
			    SQLITE_TRANSIENT);
		if ((rc = step_done(u)) != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

#define TRY(x) do { if ((rc = (x)) != SQLITE_OK) return rc; } while (0)

struct due_put {
	struct puts *p;
	const char *id, *worker;
	int rank;
};

/* psw_due_client_rows() callback: one row of due_items. */
static int
put_due(void *arg, const struct psw_due_row *r)
{
	struct due_put *d = arg;
	sqlite3_stmt *s = d->p->due;

	sqlite3_bind_int(s, 1, d->rank);
	bind_date(s, 2, r->due);
	bind_text(s, 3, d->id);
	sqlite3_bind_int(s, 4, (int)r->kind);
	bind_text(s, 5, r->item != NULL ? r->item : "");
	sqlite3_bind_int(s, 6, r->urgent);
	sqlite3_bind_int(s, 7, r->depends);
	bind_text(s, 8, r->what != NULL ? r->what : "");
	bind_text(s, 9, d->worker);
	return step_done(s);
}

/* Insert every row of client c; an SQLite code. */
static int
insert_rows(struct puts *p, const char *id, const struct psw_client *c)
{
	struct psw_buf ans = PSW_BUF_INIT;
	struct due_put dp;
	char every[32];
	int *flag;
	size_t i, j;
	int rc;

	sqlite3_stmt *s = p->client;
	bind_text(s, 1, id);
	bind_text(s, 2, c->name);
	bind_text(s, 3, c->preferred_name);
	bind_text(s, 4, c->pronouns);
	bind_text(s, 5, c->status);
	bind_text(s, 6, c->worker);
	bind_date(s, 7, c->dob);
	bind_date(s, 8, c->opened);
	bind_date(s, 9, c->closed);
	if (c->review.has_every) {
		snprintf(every, sizeof every, "%d%c", c->review.every.n,
		    c->review.every.unit);
		sqlite3_bind_text(s, 10, every, -1, SQLITE_TRANSIENT);
	}
	bind_date(s, 11, c->review.last);
	bind_date(s, 12, c->review.next);
	sqlite3_bind_int(s, 13, c->safety.present);
	bind_date(s, 14, c->safety.reviewed);
	bind_date(s, 15, c->last_contact);
	TRY(step_done(s));

	for (i = 0; i < c->nconsent; i++) {
		const struct psw_consent *k = &c->consent[i];

		s = p->consent;
		bind_text(s, 1, id);
		bind_text(s, 2, k->id);
		bind_text(s, 3, k->scope);
		bind_date(s, 4, k->given);
		bind_date(s, 5, k->expires);
		bind_date(s, 6, k->revoked);
		TRY(step_done(s));
	}
	for (i = 0; i < c->nteam; i++) {
		const struct psw_member *m = &c->team[i];

		s = p->team;
		bind_text(s, 1, id);
		bind_text(s, 2, m->id);
		bind_text(s, 3, m->name);
		bind_text(s, 4, m->role);
		bind_text(s, 5, m->org);
		bind_text(s, 6, m->phone);
		bind_text(s, 7, m->email);
		bind_date(s, 8, m->removed);
		TRY(step_done(s));
	}
	for (i = 0; i < c->nstrengths; i++) {
		s = p->strength;
		bind_text(s, 1, id);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)i + 1);
		bind_text(s, 3, c->strengths[i]);
		TRY(step_done(s));
	}
	for (i = 0; i < c->nneeds; i++) {
		s = p->need;
		bind_text(s, 1, id);
		bind_text(s, 2, c->needs[i].domain);
		bind_text(s, 3, c->needs[i].need);
		bind_text(s, 4, c->needs[i].note);
		TRY(step_done(s));
	}
	if ((flag = calloc(c->nassessments + 1, sizeof *flag)) == NULL)
		return SQLITE_NOMEM;
	for (i = 0; i < c->nassessments; i++) {
		const struct psw_assessment *a = &c->assessments[i];

		psw_buf_reset(&ans);
		psw_buf_addc(&ans, '[');
		for (j = 0; j < a->nanswers; j++) {
			if (j > 0)
				psw_buf_addc(&ans, ',');
			if (a->answers[j] == PSW_ANSWER_MISSING)
				psw_buf_adds(&ans, "null");
			else if (a->answers[j] >= 0 && a->answers[j] < 10)
				psw_buf_addc(&ans, (char)('0' +
				    a->answers[j]));	/* most: no printf */
			else
				psw_buf_addf(&ans, "%d", a->answers[j]);
		}
		psw_buf_addc(&ans, ']');
		if (ans.oom) {
			psw_buf_release(&ans);
			free(flag);
			return SQLITE_NOMEM;
		}
		s = p->assessment;
		bind_text(s, 1, id);
		bind_text(s, 2, a->id);
		bind_text(s, 3, a->instrument);
		bind_date(s, 4, a->date);
		bind_text(s, 5, ans.s);
		rc = bind_score(p, s, id, a, &ans, &flag[i]);
		if (rc == SQLITE_OK)
			rc = step_done(s);
		if (rc != SQLITE_OK) {
			psw_buf_release(&ans);
			free(flag);
			return rc;
		}
	}
	psw_buf_release(&ans);
	/* What the client can have due, from the rows just scored. */
	dp.p = p;
	dp.id = id;
	dp.worker = c->worker;
	dp.rank = 3 - psw_due_client_risk(c, flag);
	rc = psw_due_client_rows(c, flag, p->set, put_due, &dp);
	free(flag);
	if (rc != SQLITE_OK)
		return rc;
	for (i = 0; i < c->ngoals; i++) {
		const struct psw_goal *g = &c->goals[i];

		s = p->goal;
		bind_text(s, 1, id);
		bind_text(s, 2, g->id);
		bind_text(s, 3, g->domain);
		bind_text(s, 4, g->title);
		bind_text(s, 5, g->status);
		bind_date(s, 6, g->target);
		TRY(step_done(s));
		for (j = 0; j < g->nactions; j++) {
			const struct psw_action *a = &g->actions[j];

			s = p->action;
			bind_text(s, 1, id);
			bind_text(s, 2, g->id);
			bind_text(s, 3, a->id);
			bind_text(s, 4, a->title);
			bind_text(s, 5, a->owner);
			bind_date(s, 6, a->due);
			bind_date(s, 7, a->done);
			TRY(step_done(s));
		}
		for (j = 0; j < g->nprogress; j++) {
			s = p->progress;
			bind_text(s, 1, id);
			bind_text(s, 2, g->id);
			sqlite3_bind_int64(s, 3, (sqlite3_int64)j + 1);
			bind_date(s, 4, g->progress[j].date);
			sqlite3_bind_int(s, 5, g->progress[j].rating);
			TRY(step_done(s));
		}
	}
	for (i = 0; i < c->review.nhistory; i++) {
		s = p->review;
		bind_text(s, 1, id);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)i + 1);
		bind_date(s, 3, c->review.history[i].date);
		bind_date(s, 4, c->review.history[i].next);
		TRY(step_done(s));
	}
	for (i = 0; i < c->nreferrals; i++) {
		const struct psw_referral *r = &c->referrals[i];

		s = p->referral;
		bind_text(s, 1, id);
		bind_text(s, 2, r->id);
		bind_text(s, 3, r->service);
		bind_text(s, 4, r->goal);
		bind_text(s, 5, r->consent);
		bind_text(s, 6, r->urgency);
		bind_text(s, 7, r->status);
		bind_date(s, 8, r->created);
		bind_date(s, 9, r->follow_up);
		TRY(step_done(s));
		for (j = 0; j < r->nhistory; j++) {
			s = p->refevent;
			bind_text(s, 1, id);
			bind_text(s, 2, r->id);
			sqlite3_bind_int64(s, 3, (sqlite3_int64)j + 1);
			bind_date(s, 4, r->history[j].date);
			bind_text(s, 5, r->history[j].status);
			bind_text(s, 6, r->history[j].by);
			TRY(step_done(s));
		}
	}
	for (i = 0; i < c->ncontacts; i++) {
		const struct psw_contact *ct = &c->contacts[i];

		s = p->contact;
		bind_text(s, 1, id);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)i + 1);
		bind_date(s, 3, ct->date);
		bind_text(s, 4, ct->kind);
		if (ct->minutes >= 0)
			sqlite3_bind_int(s, 5, ct->minutes);
		TRY(step_done(s));
	}
	return SQLITE_OK;
}

int
psw_index_update(struct psw_store *st, const char *id,
    const struct psw_client *c, const struct stat *sb, struct psw_err *e)
{
	struct psw_index ix;
	int rc;

	if ((rc = index_open(&ix, st, 0, IX_KEEP, e)) != 0)
		return rc < 0 ? rc : 0;
	rc = psw_index_put(&ix, id, c, sb, e);
	psw_index_close(&ix);
	return rc;
}

/* --- Sync ----------------------------------------------------------- */

/*
 * One client file found in the folder, or one row of the files table.
 * The ids live in their list's pool: at 100,000 files an id inline (65
 * bytes) made the two lists of a sync 29 MB, a third of them padding.
 */
struct entry {
	const char *id;		/* set by entries_done() */
	uint32_t off;		/* the id's place in the pool */
	unsigned char special;	/* not a regular file */
	unsigned char has_problem;
	unsigned char lost;	/* recorded, but its client row is missing */
	long long size, mtime_ns, ctime_ns, inode;
};

/* A list of entries and the pool of their ids. */
struct entries {
	struct entry *v;
	size_t n, cap;
	char *pool;
	size_t plen, pcap;
};

/* Fill an entry from stat data. */
static void
entry_stat(struct entry *en, const struct stat *sb)
{
	en->size = (long long)sb->st_size;
	en->mtime_ns = (long long)sb->st_mtim.tv_sec * 1000000000LL +
	    sb->st_mtim.tv_nsec;
	en->ctime_ns = (long long)sb->st_ctim.tv_sec * 1000000000LL +
	    sb->st_ctim.tv_nsec;
	en->inode = (long long)sb->st_ino;
	en->special = !S_ISREG(sb->st_mode);
}

/* Add a zeroed entry for id (len bytes); NULL on OOM.  Its id pointer
 * is set by entries_done(), when the pool has stopped moving. */
static struct entry *
entries_add(struct entries *l, const char *id, size_t len)
{
	struct entry *nv, *en;
	size_t cap;
	char *np;

	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 256;
		if ((nv = realloc(l->v, cap * sizeof *nv)) == NULL)
			return NULL;
		l->v = nv;
		l->cap = cap;
	}
	if (l->plen + len + 1 > l->pcap) {
		cap = l->pcap ? l->pcap * 2 : 4096;
		while (cap < l->plen + len + 1)
			cap *= 2;
		if (cap > UINT32_MAX || (np = realloc(l->pool, cap)) == NULL)
			return NULL;
		l->pool = np;
		l->pcap = cap;
	}
	en = &l->v[l->n++];
	memset(en, 0, sizeof *en);
	en->off = (uint32_t)l->plen;
	memcpy(l->pool + l->plen, id, len);
	l->pool[l->plen + len] = '\0';
	l->plen += len + 1;
	return en;
}

/* Point every entry at its id. */
static void
entries_done(struct entries *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		l->v[i].id = l->pool + l->v[i].off;
}

static void
entries_free(struct entries *l)
{
	free(l->v);
	free(l->pool);
	memset(l, 0, sizeof *l);
}

/*
 * Listing the folder.  Its names are read first (getdents is cheap),
 * then every file is stat'ed: path lookups are most of the cost, and two
 * threads take them in chunks, the listing's own and, once the index has
 * been read, the caller's.  The list is sorted only when the sync merges
 * it with the files table (when the files digest does not hold).
 */
#define SCAN_CHUNK	256

struct psw_scan {
	pthread_t tid;
	const struct psw_store *st;
	struct entries l;
	DIR *dir;		/* open until every entry is stat'ed */
	_Atomic size_t next;	/* the next chunk of v to stat */
	pthread_mutex_t mu;
	pthread_cond_t cv;	/* listed was set */
	int listed;		/* names read (rc says how) */
	struct psw_buf warn;	/* warnings, a line each, for the caller */
	struct psw_err e;
	int rc;
};

/* A sort key: the first 8 bytes of an id, big-endian, and its place. */
struct sortkey {
	unsigned long long k;
	size_t i;
	const char *id;
};

static int
sortkey_cmp(const void *a, const void *b)
{
	const struct sortkey *x = a, *y = b;

	if (x->k != y->k)
		return x->k < y->k ? -1 : 1;
	return strcmp(x->id, y->id);
}

/*
 * Sort entries by id (strcmp order): small keys holding the first 8
 * bytes of each id as a number decide almost every comparison, then
 * each entry moves once, in place, cycle by cycle.  -1 on OOM.
 */
static int
entries_sort(struct entry *v, size_t n)
{
	struct sortkey *keys;
	struct entry tmp;
	size_t i, j, from;

	if (n < 2)
		return 0;
	if ((keys = malloc(n * sizeof *keys)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		const unsigned char *id = (const unsigned char *)v[i].id;
		unsigned long long k = 0;
		unsigned c = 1;

		/* Bytes after the NUL count as 0, as strcmp sees them. */
		for (j = 0; j < 8; j++) {
			c = c != 0 ? id[j] : 0;
			k = k << 8 | c;
		}
		keys[i].k = k;
		keys[i].i = i;
		keys[i].id = v[i].id;
	}
	qsort(keys, n, sizeof *keys, sortkey_cmp);
	/* Position i takes the entry at keys[i].i. */
	for (i = 0; i < n; i++) {
		if (keys[i].i == i)
			continue;
		tmp = v[i];
		for (j = i; (from = keys[j].i) != i; j = from) {
			v[j] = v[from];
			keys[j].i = j;
		}
		v[j] = tmp;
		keys[j].i = j;
	}
	free(keys);
	return 0;
}

/* Read the names of the client files into sc->l; 0 or -1 with sc->e. */
static int
scan_list(struct psw_scan *sc)
{
	size_t len;
	struct dirent *de;

	if ((sc->dir = opendir(sc->st->clients)) == NULL) {
		if (errno == ENOENT)
			return 0;
		return psw_error_errno(&sc->e, PSW_EIO, errno,
		    "cannot read '%s'", sc->st->clients);
	}
	while ((errno = 0, de = readdir(sc->dir)) != NULL) {
		char id[PSW_ID_MAX + 8];

		len = strlen(de->d_name);
		if (len <= 5 || strcmp(de->d_name + len - 5, ".yaml") != 0)
			continue;
		if (len - 5 > PSW_ID_MAX) {
			psw_buf_addf(&sc->warn, "clients/%.80s...: file name "
			    "is not a valid client id; ignored\n", de->d_name);
			continue;
		}
		memcpy(id, de->d_name, len - 5);
		id[len - 5] = '\0';
		if (!psw_id_valid(id)) {
			psw_buf_addf(&sc->warn, "clients/%s: file name is not "
			    "a valid client id; ignored\n", de->d_name);
			continue;
		}
		if (entries_add(&sc->l, id, len - 5) == NULL)
			return psw_error(&sc->e, PSW_EIO, "out of memory");
	}
	if (errno != 0)
		return psw_error_errno(&sc->e, PSW_EIO, errno,
		    "cannot read '%s'", sc->st->clients);
	/* Not sorted yet: a sync whose digest holds needs no order. */
	entries_done(&sc->l);
	return 0;
}

/*
 * Stat chunks of the listed entries until none is left; a file removed
 * meanwhile is marked with size -1.  own: through a descriptor of this
 * thread's own for the same folder (opened from the listing's, so the
 * folder cannot have been swapped meanwhile): two threads sharing one
 * open file bounce its reference count between processors on every
 * path lookup.
 */
static void
scan_stat(struct psw_scan *sc, int own)
{
	char name[PSW_ID_MAX + 8];
	struct stat sb;
	size_t i, k, end, len;
	int dfd, mine = -1;

	if (sc->dir == NULL)
		return;
	dfd = dirfd(sc->dir);
	if (own && atomic_load(&sc->next) < sc->l.n &&
	    (mine = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0)
		dfd = mine;
	for (;;) {
		k = atomic_fetch_add(&sc->next, SCAN_CHUNK);
		if (k >= sc->l.n)
			break;
		end = k + SCAN_CHUNK < sc->l.n ? k + SCAN_CHUNK : sc->l.n;
		for (i = k; i < end; i++) {
			/* Ids are valid, so at most PSW_ID_MAX bytes. */
			len = strlen(sc->l.v[i].id);
			memcpy(name, sc->l.v[i].id, len);
			memcpy(name + len, ".yaml", 6);
			if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
				sc->l.v[i].size = -1;
			else
				entry_stat(&sc->l.v[i], &sb);
		}
	}
	if (mine >= 0)
		close(mine);
}

/* Close the folder and drop the entries removed meanwhile. */
static void
scan_finish(struct psw_scan *sc)
{
	size_t i, n = 0;

	if (sc->dir != NULL)
		closedir(sc->dir);
	sc->dir = NULL;
	for (i = 0; i < sc->l.n; i++)
		if (sc->l.v[i].size >= 0)
			sc->l.v[n++] = sc->l.v[i];
	sc->l.n = n;
}

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

static void *
scan_main(void *arg)
{
	struct psw_scan *sc = arg;
	int rc;

	rc = scan_list(sc);
	pthread_mutex_lock(&sc->mu);
	sc->rc = rc;
	sc->listed = 1;
	pthread_cond_signal(&sc->cv);
	pthread_mutex_unlock(&sc->mu);
	if (rc == 0)
		scan_stat(sc, 0);
	return NULL;
}

/* Start listing the folder; without memory or a thread, it is listed
 * when it is needed instead. */
static void
scan_start(struct psw_index *ix)
{
	struct psw_scan *sc;

	/*
	 * A sanitizer's runtime allocates while it starts a thread and
	 * aborts when that fails (tests/oom.sh fails allocations on
	 * purpose); the overlap is only speed, so those builds list the
	 * folder in line and check that path instead.
	 */
	if (SANITIZED)
		return;
	if ((sc = calloc(1, sizeof *sc)) == NULL)
		return;
	sc->st = ix->st;
	psw_err_clear(&sc->e);
	pthread_mutex_init(&sc->mu, NULL);
	pthread_cond_init(&sc->cv, NULL);
	if (psw_thread_start(&sc->tid, scan_main, sc, 0) < 0) {
		pthread_cond_destroy(&sc->cv);
		pthread_mutex_destroy(&sc->mu);
		free(sc);
		return;
	}
	ix->scan = sc;
}

/* Wait for the listing: its names, then (taking a share of the stat
 * calls) its end. */
static void
scan_join(struct psw_scan *sc)
{
	pthread_mutex_lock(&sc->mu);
	while (!sc->listed)
		pthread_cond_wait(&sc->cv, &sc->mu);
	pthread_mutex_unlock(&sc->mu);
	if (sc->rc == 0)
		scan_stat(sc, 1);
	pthread_join(sc->tid, NULL);
	pthread_cond_destroy(&sc->cv);
	pthread_mutex_destroy(&sc->mu);
}

/* Free a listing and what it holds. */
static void
scan_free(struct psw_scan *sc)
{
	if (sc->dir != NULL)
		closedir(sc->dir);
	entries_free(&sc->l);
	psw_buf_release(&sc->warn);
}

/* Wait for a listing started and drop it. */
static void
scan_drop(struct psw_index *ix)
{
	struct psw_scan *sc = ix->scan;

	if (sc == NULL)
		return;
	/* Nobody will read it: no more stat calls. */
	atomic_store(&sc->next, SIZE_MAX / 2);
	scan_join(sc);
	scan_free(sc);
	free(sc);
	ix->scan = NULL;
}

/* The listing: the one started, or made now; 0 or -1 with e set. */
static int
scan_take(struct psw_index *ix, struct entries *out, struct psw_err *e)
{
	struct psw_scan *sc = ix->scan, local;
	const char *p, *nl;
	int rc;

	if (sc == NULL) {
		memset(&local, 0, sizeof local);
		sc = &local;
		sc->st = ix->st;
		psw_err_clear(&sc->e);
		if ((sc->rc = scan_list(sc)) == 0)
			scan_stat(sc, 0);
	} else {
		scan_join(sc);
		ix->scan = NULL;
	}
	if (sc->rc < 0)
		*e = sc->e;
	for (p = sc->warn.s; p != NULL && (nl = strchr(p, '\n')) != NULL;
	    p = nl + 1)
		psw_store_warn(ix->st, "%.*s", (int)(nl - p), p);
	rc = sc->rc;
	if (rc == 0 && sc->warn.oom)
		rc = psw_error(e, PSW_EIO, "out of memory");
	if (rc == 0) {
		scan_finish(sc);
		*out = sc->l;
		memset(&sc->l, 0, sizeof sc->l);
	}
	scan_free(sc);
	if (sc != &local)
		free(sc);
	return rc;
}

/*
 * The files table, sorted by id; an SQLite code.  A files row whose client
 * row is gone (deleted behind our back) is lost: read again.  So is a
 * client row without its files row (added behind our back): read again,
 * or dropped when there is no file.  Two scans in key order merged here,
 * no join: this runs on every command.
 */
static int
load_files(struct psw_index *ix, struct entries *out)
{
	struct entries l;
	struct entry *en;
	sqlite3_stmt *f = NULL, *c = NULL;
	const char *fid, *cid, *id;
	size_t idlen;
	int rc, frc, crc, cmp;

	memset(&l, 0, sizeof l);
	memset(out, 0, sizeof *out);
	rc = sqlite3_prepare_v2(ix->db, "SELECT id, size, mtime_ns, ctime_ns, "
	    "inode, problem IS NOT NULL FROM files ORDER BY id", -1, &f, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(ix->db, "SELECT id FROM clients "
		    "ORDER BY id", -1, &c, NULL);
	if (rc != SQLITE_OK)
		goto out;
	frc = sqlite3_step(f);
	crc = sqlite3_step(c);
	while (frc == SQLITE_ROW || crc == SQLITE_ROW) {
		fid = frc == SQLITE_ROW ?
		    (const char *)sqlite3_column_text(f, 0) : NULL;
		cid = crc == SQLITE_ROW ?
		    (const char *)sqlite3_column_text(c, 0) : NULL;
		/* SQLite's ORDER BY is memcmp order, the same as strcmp. */
		cmp = frc != SQLITE_ROW ? 1 : crc != SQLITE_ROW ? -1 :
		    strcmp(fid != NULL ? fid : "", cid != NULL ? cid : "");
		id = cmp <= 0 ? fid : cid;
		idlen = id != NULL ? strlen(id) : 0;
		if (id != NULL && idlen <= PSW_ID_MAX) {
			if ((en = entries_add(&l, id, idlen)) == NULL) {
				rc = SQLITE_NOMEM;
				goto out;
			}
			if (cmp <= 0) {
				en->size = sqlite3_column_int64(f, 1);
				en->mtime_ns = sqlite3_column_int64(f, 2);
				en->ctime_ns = sqlite3_column_int64(f, 3);
				en->inode = sqlite3_column_int64(f, 4);
				en->has_problem = sqlite3_column_int(f, 5) != 0;
				en->lost = cmp < 0 && !en->has_problem;
			} else {
				en->size = -1;
				en->lost = 1;
			}
		}
		if (cmp <= 0)
			frc = sqlite3_step(f);
		if (cmp >= 0)
			crc = sqlite3_step(c);
	}
	rc = frc != SQLITE_DONE ? frc : crc != SQLITE_DONE ? crc : SQLITE_OK;
out:
	sqlite3_finalize(f);
	sqlite3_finalize(c);
	if (rc != SQLITE_OK) {
		entries_free(&l);
		return rc;
	}
	entries_done(&l);
	*out = l;
	return SQLITE_OK;
}

/* Same file contents as recorded? */
static int
entry_same(const struct entry *a, const struct entry *b)
{
	return a->size == b->size && a->mtime_ns == b->mtime_ns &&
	    a->ctime_ns == b->ctime_ns && a->inode == b->inode;
}

/* Warn about each recorded problem s yields (its first column), then
 * finalize s; how many. */
static size_t
warn_rows(struct psw_index *ix, sqlite3_stmt *s)
{
	size_t n = 0;

	while (sqlite3_step(s) == SQLITE_ROW)
		if (sqlite3_column_text(s, 0) != NULL) {
			psw_store_warn(ix->st, "%s (skipped)",
			    (const char *)sqlite3_column_text(s, 0));
			n++;
		}
	sqlite3_finalize(s);
	return n;
}

/* Warn about the recorded problem of an unchanged file. */
static void
warn_recorded(struct psw_index *ix, const char *id)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(ix->db, "SELECT problem FROM files WHERE id = ?1",
	    -1, &s, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	warn_rows(ix, s);
}

/*
 * One client file read and checked, not yet in the index: the parsing
 * half of re-indexing, which touches no database and runs on worker
 * threads during a large sync.
 */
struct parsed {
	int kind;		/* P_OK, P_GONE, P_PROBLEM, P_NOMEM */
	struct psw_doc *doc;
	struct psw_client *c;	/* P_OK */
	struct stat sb;		/* P_OK, P_PROBLEM */
	char line[PSW_ERR_MSG + 200];	/* P_PROBLEM: file:line:col: what */
};

enum { P_OK, P_GONE, P_PROBLEM, P_NOMEM };

static void
parsed_release(struct parsed *r)
{
	psw_doc_free(r->doc);	/* the client lives in its arena */
	r->c = NULL;
	r->doc = NULL;
}

/* Read and check the file of en into r (thread-safe: no database). */
static void
parse_one(const struct psw_store *st, const struct entry *en,
    struct parsed *r)
{
	char name[96];
	struct psw_diags d = PSW_DIAGS_INIT;
	struct psw_err le;
	char *path;
	int fd, rc;

	memset(r, 0, sizeof *r);
	psw_store_client_name(en->id, name, sizeof name);
	if ((path = psw_store_client_path(st, en->id)) == NULL) {
		r->kind = P_NOMEM;
		return;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	free(path);
	if (fd < 0) {
		if (errno == ENOENT) {
			r->kind = P_GONE;
			return;
		}
		snprintf(r->line, sizeof r->line, "%s: cannot open: %s%s",
		    name, strerror(errno), errno == ELOOP ?
		    " (symbolic links are refused)" : "");
		goto problem;
	}
	if (fstat(fd, &r->sb) < 0 || !S_ISREG(r->sb.st_mode)) {
		close(fd);
		snprintf(r->line, sizeof r->line, "%s: not a regular file",
		    name);
		goto problem;
	}
	rc = psw_doc_load_fd(fd, name, &r->doc, &le);
	close(fd);
	if (rc < 0) {
		if (rc == -PSW_EIO && strstr(le.msg, "out of memory")) {
			r->kind = P_NOMEM;
			return;
		}
		psw_err_format(&le, r->line, sizeof r->line);
		r->kind = P_PROBLEM;
		return;
	}
	rc = psw_client_read(r->doc, en->id, &r->c, &d);
	if (rc == -PSW_EIO) {
		psw_diags_release(&d);
		parsed_release(r);
		r->kind = P_NOMEM;
		return;
	}
	if (rc < 0) {
		struct psw_err pe;

		psw_err_clear(&pe);
		pe.code = PSW_EDATA;
		snprintf(pe.file, sizeof pe.file, "%s", d.v[0].file ?
		    d.v[0].file : name);
		pe.line = d.v[0].line;
		pe.col = d.v[0].col;
		snprintf(pe.msg, sizeof pe.msg, "%s%s", d.v[0].msg,
		    d.n > 1 ? " (and more; see psw-plan validate)" : "");
		psw_err_format(&pe, r->line, sizeof r->line);
		psw_diags_release(&d);
		parsed_release(r);
		r->kind = P_PROBLEM;
		return;
	}
	psw_diags_release(&d);
	r->kind = P_OK;
	return;

problem:
	/* No stat of its own: record the one the folder scan saw. */
	memset(&r->sb, 0, sizeof r->sb);
	r->sb.st_size = en->size;
	r->sb.st_ino = (ino_t)en->inode;
	r->sb.st_mtim.tv_sec = en->mtime_ns / 1000000000LL;
	r->sb.st_mtim.tv_nsec = en->mtime_ns % 1000000000LL;
	r->sb.st_ctim.tv_sec = en->ctime_ns / 1000000000LL;
	r->sb.st_ctim.tv_nsec = en->ctime_ns % 1000000000LL;
	r->kind = P_PROBLEM;
}

/*
 * Replace the rows of en by what parse_one found, inside the open write
 * transaction; fresh: the index holds no rows at all, nothing to delete.
 * A file with problems gets a files row with the problem and no other
 * rows.  Releases r.  An SQLite code.
 */
static int
apply_one(struct psw_index *ix, struct puts *p, const struct entry *en,
    struct parsed *r, int fresh, int *had_problem)
{
	int rc = SQLITE_OK;

	*had_problem = 0;
	if (r->kind == P_NOMEM) {
		rc = SQLITE_NOMEM;
	} else if (r->kind == P_GONE) {
		if ((rc = delete_rows(p, en->id)) == SQLITE_OK) {
			sqlite3_bind_text(p->delfile, 1, en->id, -1,
			    SQLITE_STATIC);
			rc = step_done(p->delfile);
		}
	} else if (r->kind == P_PROBLEM) {
		*had_problem = 1;
		psw_store_warn(ix->st, "%s (skipped)", r->line);
		if (fresh || (rc = delete_rows(p, en->id)) == SQLITE_OK)
			rc = put_file(p, en->id, &r->sb, r->line);
	} else {
		if ((fresh || (rc = delete_rows(p, en->id)) == SQLITE_OK) &&
		    (rc = insert_rows(p, en->id, r->c)) == SQLITE_OK)
			rc = put_file(p, en->id, &r->sb, NULL);
	}
	parsed_release(r);
	return rc;
}

/*
 * Parsing on worker threads while this one writes: SQLite writing does
 * not parallelise, parsing does.  Entry k of the work goes to slot
 * k % POOL_WINDOW, so at most POOL_WINDOW parsed clients wait in memory,
 * and the writer takes them in folder order.
 */
#define POOL_WINDOW	16
#define POOL_MIN	32	/* fewer changed files: parse in this thread */
#define POOL_THREADS	8

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;	/* a slot was filled or freed, or stop */
	const struct psw_store *st;
	const struct entry *disk;
	const size_t *pending;	/* indexes into disk */
	size_t n;		/* entries in pending */
	size_t next;		/* the next entry a worker claims */
	size_t taken;		/* entries the writer has taken */
	int stop;
	unsigned char ready[POOL_WINDOW];
	struct parsed slot[POOL_WINDOW];
};

/* May an entry be claimed now (its slot free)?  With pl->mu held. */
static int
pool_claimable(const struct pool *pl)
{
	return !pl->stop && pl->next < pl->n &&
	    pl->next < pl->taken + POOL_WINDOW;
}

/* Claim the next entry and parse it into its slot, unlocking pl->mu
 * meanwhile; with pl->mu held and pool_claimable(). */
static void
pool_parse_next(struct pool *pl)
{
	size_t k = pl->next++;

	pthread_mutex_unlock(&pl->mu);
	parse_one(pl->st, &pl->disk[pl->pending[k]],
	    &pl->slot[k % POOL_WINDOW]);
	pthread_mutex_lock(&pl->mu);
	pl->ready[k % POOL_WINDOW] = 1;
	pthread_cond_broadcast(&pl->cv);
}

static void *
pool_worker(void *arg)
{
	struct pool *pl = arg;

	pthread_mutex_lock(&pl->mu);
	for (;;) {
		while (!pl->stop && pl->next < pl->n && !pool_claimable(pl))
			pthread_cond_wait(&pl->cv, &pl->mu);
		if (!pool_claimable(pl))
			break;
		pool_parse_next(pl);
	}
	pthread_mutex_unlock(&pl->mu);
	return NULL;
}

/*
 * How many parsing threads for n changed files (0: parse in this one).
 * One fewer than the processors: the writing thread parses too whenever
 * the next file it needs is not ready, so no processor has two threads
 * to switch between (two workers and the writer on two processors were
 * 15% slower).
 */
static int
pool_threads(size_t n)
{
	int cpus = psw_thread_cpus();

	if (n < POOL_MIN || cpus < 2)
		return 0;
	return cpus - 1 > POOL_THREADS ? POOL_THREADS : (int)cpus - 1;
}

/*
 * Re-index the n entries pending[] of disk, in order, inside the open write
 * transaction; parsing on threads when there are many.  An SQLite code.
 */
static int
reindex(struct psw_index *ix, struct puts *p, const struct entry *disk,
    const size_t *pending, size_t n, int fresh, struct psw_sync_stats *stats)
{
	pthread_t tid[POOL_THREADS];
	struct parsed one, *r;
	struct pool *pl = NULL;
	int nt = pool_threads(n), started = 0, rc = SQLITE_OK, prob;
	size_t k;

	if (nt > 0 && (pl = calloc(1, sizeof *pl)) == NULL)
		nt = 0;
	if (nt > 0) {
		pthread_mutex_init(&pl->mu, NULL);
		pthread_cond_init(&pl->cv, NULL);
		pl->st = ix->st;
		pl->disk = disk;
		pl->pending = pending;
		pl->n = n;
		while (started < nt && psw_thread_start(&tid[started],
		    pool_worker, pl, started) == 0)
			started++;
	}
	for (k = 0; k < n && rc == SQLITE_OK; k++) {
		if (started > 0) {
			pthread_mutex_lock(&pl->mu);
			/* Waiting: parse the next one here. */
			while (!pl->ready[k % POOL_WINDOW]) {
				if (pool_claimable(pl))
					pool_parse_next(pl);
				else
					pthread_cond_wait(&pl->cv, &pl->mu);
			}
			pthread_mutex_unlock(&pl->mu);
			r = &pl->slot[k % POOL_WINDOW];
		} else {
			parse_one(ix->st, &disk[pending[k]], &one);
			r = &one;
		}
		rc = apply_one(ix, p, &disk[pending[k]], r, fresh, &prob);
		stats->parsed++;
		if (prob)
			stats->problems++;
		if (started > 0) {
			pthread_mutex_lock(&pl->mu);
			pl->ready[k % POOL_WINDOW] = 0;
			pl->taken = k + 1;
			pthread_cond_broadcast(&pl->cv);
			pthread_mutex_unlock(&pl->mu);
		}
	}
	if (pl != NULL) {
		pthread_mutex_lock(&pl->mu);
		pl->stop = 1;
		pthread_cond_broadcast(&pl->cv);
		pthread_mutex_unlock(&pl->mu);
		while (started > 0)
			pthread_join(tid[--started], NULL);
		/* After an error: what was parsed and not written. */
		for (k = 0; k < POOL_WINDOW; k++)
			if (pl->ready[k])
				parsed_release(&pl->slot[k]);
		pthread_cond_destroy(&pl->cv);
		pthread_mutex_destroy(&pl->mu);
		free(pl);
	}
	return rc;
}

/*
 * During a fresh build the secondary indexes are dropped and made again
 * after the rows are in, inside the same transaction: building an index
 * from sorted rows is much cheaper than inserting into it row by row in
 * date order.  drop: 1 drops, 0 creates.  An SQLite code.
 */
static int
secondary_indexes(sqlite3 *db, int drop)
{
	char sql[96];
	const char *p;
	size_t i, n;
	int rc = SQLITE_OK;

	for (i = 0; schema_sql[i] != NULL && rc == SQLITE_OK; i++) {
		if (strncmp(schema_sql[i], "CREATE INDEX ", 13) != 0)
			continue;
		if (!drop) {
			rc = sqlite3_exec(db, schema_sql[i], NULL, NULL, NULL);
			continue;
		}
		p = schema_sql[i] + 13;
		n = strcspn(p, " (");
		snprintf(sql, sizeof sql, "DROP INDEX %.*s", (int)n, p);
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	}
	return rc;
}

/*
 * due_items is kept in the order `due` reads it (rank, then date), not
 * by client: a build inserting each client's rows as it goes would
 * write all over the table, every row a leaf of its own (3.9 s of a
 * build at 100,000 clients, most of it moving pages in and out of the
 * page cache).  So a fresh build puts them in a temporary table first
 * (start set), then into due_items sorted, once (start clear).  The
 * temporary table's rowid keeps the order they came in, so that of two
 * rows with one key the later replaces the earlier, as before.  Inside
 * the build's transaction; an SQLite code.
 */
static int
due_stage(sqlite3 *db, struct puts *p, int start)
{
	int rc;

	sqlite3_finalize(p->due);
	p->due = NULL;
	if (!start) {
		rc = sqlite3_exec(db, "INSERT OR REPLACE INTO main.due_items "
		    "SELECT rank, due, client, kind, item, urgent, depends, "
		    "what, worker FROM temp.due_stage ORDER BY rank, due, "
		    "client, kind, item, rowid", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db, "DROP TABLE temp.due_stage",
			    NULL, NULL, NULL);
		return rc;
	}
	rc = sqlite3_exec(db, "CREATE TEMP TABLE due_stage AS SELECT * FROM "
	    "main.due_items WHERE 0", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(db, "INSERT INTO temp.due_stage "
		    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", -1,
		    SQLITE_PREPARE_PERSISTENT, &p->due, NULL);
	return rc;
}

/*
 * Does the index hold no client rows at all (just created or rebuilt)?
 * Then the rows of new files need no deleting first.  Inside the write
 * transaction, so no other writer can add rows meanwhile.
 */
static int
index_empty(struct psw_index *ix)
{
	char sql[96];
	sqlite3_stmt *s;
	size_t i;
	int empty = 1;

	for (i = 0; client_tables[i] != NULL && empty; i++) {
		snprintf(sql, sizeof sql, "SELECT 1 FROM %s LIMIT 1",
		    client_tables[i]);
		if (sqlite3_prepare_v2(ix->db, sql, -1, &s, NULL) != SQLITE_OK)
			return 0;
		empty = sqlite3_step(s) == SQLITE_DONE;
		sqlite3_finalize(s);
	}
	for (i = 0; i < 2 && empty; i++) {
		if (sqlite3_prepare_v2(ix->db, i == 0 ?
		    "SELECT 1 FROM clients LIMIT 1" :
		    "SELECT 1 FROM files LIMIT 1", -1, &s, NULL) != SQLITE_OK)
			return 0;
		empty = sqlite3_step(s) == SQLITE_DONE;
		sqlite3_finalize(s);
	}
	return empty;
}

/* The value of key in table meta into buf ("" when none); an SQLite code. */
static int
meta_get(struct psw_index *ix, const char *key, char *buf, size_t size)
{
	sqlite3_stmt *s;
	int rc;

	buf[0] = '\0';
	rc = sqlite3_prepare_v2(ix->db, "SELECT value FROM meta WHERE key = ?1",
	    -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_text(s, 0) != NULL)
			snprintf(buf, size, "%s",
			    (const char *)sqlite3_column_text(s, 0));
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Set key in table meta, inside the open transaction; an SQLite code. */
static int
meta_put(struct psw_index *ix, const char *key, const char *value)
{
	sqlite3_stmt *s;
	int rc;

	rc = sqlite3_prepare_v2(ix->db, "INSERT OR REPLACE INTO meta(key, "
	    "value) VALUES (?1, ?2)", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/*
 * The files digest.  A sync with nothing to do need not read the files
 * table: the sum of a 128-bit hash of every file's (id, size, mtime,
 * ctime, inode), the number of files and of those with a problem are
 * kept in meta row 'files', and a folder whose stats add up to the same
 * sum and number is the one recorded (the merge would find no file
 * changed, added or removed).  The sum is trusted only while the guard
 * proves that nothing has written a client table since it was stored:
 * it is stored with the guard's count, after psw's own writes levelled
 * it, and any other write (psw's own without the digest, another
 * program's) moves the count on, so the next sync merges the two lists
 * as before.  A sum, not a hash of the list, so that one client's write
 * can update it: take the old row's hash out, put the new one's in.
 */
struct files_digest {
	uint64_t lo, hi;		/* the sum, modulo 2^128 */
	long long count, problems;
};

static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ULL;
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ULL;
	x ^= x >> 32;
	return x;
}

/* Add (sign 1) or take out (sign -1) one file's hash and count. */
static void
digest_add(struct files_digest *d, const char *id, long long size,
    long long mtime_ns, long long ctime_ns, long long inode, int problem,
    int sign)
{
	uint64_t a = 0x9e3779b97f4a7c15ULL, b = 0xc2b2ae3d27d4eb4fULL, w,
	    f[5], lo;
	size_t len = strlen(id), i, k;

	/* The id, eight bytes a word, then its length and the stats. */
	for (i = 0; i < len; i += 8) {
		w = 0;
		for (k = 0; k < 8 && i + k < len; k++)
			w |= (uint64_t)(unsigned char)id[i + k] << (8 * k);
		a = mix64(a ^ w);
		b = mix64(b + (w ^ 0x5851f42d4c957f2dULL));
	}
	f[0] = len;
	f[1] = (uint64_t)size;
	f[2] = (uint64_t)mtime_ns;
	f[3] = (uint64_t)ctime_ns;
	f[4] = (uint64_t)inode;
	for (i = 0; i < 5; i++) {
		a = mix64(a ^ f[i]);
		b = mix64(b + (f[i] ^ 0x5851f42d4c957f2dULL));
	}
	if (sign > 0) {
		lo = d->lo + a;
		d->hi += b + (lo < d->lo);
	} else {
		lo = d->lo - a;
		d->hi -= b + (lo > d->lo);
	}
	d->lo = lo;
	d->count += sign;
	d->problems += problem ? sign : 0;
}

/* The digest of the files table as it is; an SQLite code. */
static int
digest_table(sqlite3 *db, struct files_digest *d)
{
	sqlite3_stmt *s;
	int rc;

	memset(d, 0, sizeof *d);
	rc = sqlite3_prepare_v2(db, "SELECT id, size, mtime_ns, ctime_ns, "
	    "inode, problem IS NOT NULL FROM files", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (sqlite3_column_text(s, 0) != NULL)
			digest_add(d, (const char *)sqlite3_column_text(s, 0),
			    sqlite3_column_int64(s, 1),
			    sqlite3_column_int64(s, 2),
			    sqlite3_column_int64(s, 3),
			    sqlite3_column_int64(s, 4),
			    sqlite3_column_int(s, 5), 1);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/*
 * Do the tables hold as many rows as d says: a files row for every file,
 * a clients row for every file without a problem?  Counting walks every
 * page of both tables without reading a row: damage there is found as
 * the rows' reading found it, and a row lost from either table (a client
 * row without its file's, or the other way) is read again by the merge.
 * *ok 1 or 0; an SQLite code.
 */
static int
digest_counts(sqlite3 *db, const struct files_digest *d, int *ok)
{
	sqlite3_stmt *s;
	int rc;

	*ok = 0;
	rc = sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM files), "
	    "(SELECT count(*) FROM clients)", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*ok = sqlite3_column_int64(s, 0) == d->count &&
		    sqlite3_column_int64(s, 1) == d->count - d->problems;
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Take client id's files row, if any, out of d (sign -1) or put it in
 * (sign 1), with the statement prepared once for the writes (p);
 * an SQLite code. */
static int
digest_row(struct puts *p, const char *id, struct files_digest *d,
    int sign)
{
	sqlite3_stmt *s = p->filerow;
	int rc;

	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		digest_add(d, id, sqlite3_column_int64(s, 0),
		    sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2),
		    sqlite3_column_int64(s, 3), sqlite3_column_int(s, 4), sign);
		rc = SQLITE_DONE;
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The stored digest into *d, and whether it holds (*valid: the guard
 * level at the count it was stored with); an SQLite code. */
static int
digest_get(struct psw_index *ix, struct files_digest *d, int *valid)
{
	sqlite3_stmt *s;
	sqlite3_int64 n = 0, seen = 0;
	unsigned long long lo, hi;
	long long at;
	char v[128];
	int rc;

	*valid = 0;
	memset(d, 0, sizeof *d);
	/* One statement: the count and the digest of one moment. */
	rc = sqlite3_prepare_v2(ix->db, "SELECT n, seen, (SELECT value FROM "
	    "meta WHERE key = 'files') FROM guard", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		n = sqlite3_column_int64(s, 0);
		seen = sqlite3_column_int64(s, 1);
		snprintf(v, sizeof v, "%s", sqlite3_column_text(s, 2) ?
		    (const char *)sqlite3_column_text(s, 2) : "");
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE)
		rc = SQLITE_CORRUPT;	/* the guard's one row is gone */
	sqlite3_finalize(s);
	if (rc != SQLITE_OK)
		return rc;
	if (sscanf(v, "%lld %lld %lld %16llx%16llx", &at, &d->count,
	    &d->problems, &hi, &lo) != 5)
		return SQLITE_OK;
	d->lo = lo;
	d->hi = hi;
	*valid = n == seen && at == n;
	return SQLITE_OK;
}

/* Store d, inside psw's write transaction and after guard_level(): with
 * the guard's count when it is level, and not at all otherwise (the
 * stored one then no longer holds).  An SQLite code. */
static int
digest_put(struct psw_index *ix, const struct files_digest *d)
{
	sqlite3_int64 n = 0, seen = 0;
	char v[128];
	int rc;

	if ((rc = guard_read(ix->db, &n, &seen)) != SQLITE_OK || n != seen)
		return rc;
	/* No files: nothing to skip reading (and the index as a build
	 * from nothing leaves it). */
	if (d->count == 0)
		return sqlite3_exec(ix->db, "DELETE FROM meta WHERE key = "
		    "'files'", NULL, NULL, NULL);
	snprintf(v, sizeof v, "%lld %lld %lld %016llx%016llx", (long long)n,
	    d->count, d->problems, (unsigned long long)d->hi,
	    (unsigned long long)d->lo);
	return meta_put(ix, "files", v);
}

/* The digest of a folder listing (every entry, as the merge sees them). */
static void
digest_entries(const struct entries *l, struct files_digest *d)
{
	size_t i;

	memset(d, 0, sizeof *d);
	for (i = 0; i < l->n; i++)
		digest_add(d, l->v[i].id, l->v[i].size, l->v[i].mtime_ns,
		    l->v[i].ctime_ns, l->v[i].inode, 0, 1);
}

/* Warn about every recorded problem, in id order; how many. */
static size_t
warn_problems(struct psw_index *ix)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(ix->db, "SELECT problem FROM files WHERE "
	    "problem IS NOT NULL ORDER BY id", -1, &s, NULL) != SQLITE_OK)
		return 0;
	return warn_rows(ix, s);
}

int
psw_index_put(struct psw_index *ix, const char *id,
    const struct psw_client *c, const struct stat *sb, struct psw_err *e)
{
	struct puts p;
	struct files_digest dg;
	struct entry en;
	int rc, level = 0, valid = 0;

	if ((rc = puts_prepare(ix->db, &p)) != SQLITE_OK)
		goto fail;
	p.set = &ix->st->set;
	if ((p.ins = index_instruments(ix)) == NULL) {
		rc = SQLITE_NOMEM;
		goto fail;
	}
	journals_in_memory(ix->db, 1);
	if ((rc = sqlite3_exec(ix->db, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL)) != SQLITE_OK)
		goto fail;
	if ((level = guard_is_level(ix->db)) < 0)
		rc = -level;
	/* The files digest, when it holds, follows this client's row. */
	if (rc == SQLITE_OK && level > 0)
		rc = digest_get(ix, &dg, &valid);
	if (rc == SQLITE_OK && valid)
		rc = digest_row(&p, id, &dg, -1);
	if (rc == SQLITE_OK)
		rc = delete_rows(&p, id);
	if (rc == SQLITE_OK && c != NULL)
		rc = insert_rows(&p, id, c);
	if (rc == SQLITE_OK && c != NULL)
		rc = put_file(&p, id, sb, NULL);
	if (rc == SQLITE_OK && c == NULL) {
		sqlite3_bind_text(p.delfile, 1, id, -1, SQLITE_STATIC);
		rc = step_done(p.delfile);
	}
	if (rc == SQLITE_OK)
		rc = guard_level(ix->db, level);
	if (rc == SQLITE_OK && valid && c != NULL) {
		entry_stat(&en, sb);
		digest_add(&dg, id, en.size, en.mtime_ns, en.ctime_ns,
		    en.inode, 0, 1);
	}
	/* None that held (an index of no files, or another write since):
	 * made from the table, once; kept from then on. */
	if (rc == SQLITE_OK && !valid && level > 0)
		rc = digest_table(ix->db, &dg);
	if (rc == SQLITE_OK && level > 0)
		rc = digest_put(ix, &dg);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(ix->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
fail:
	journals_in_memory(ix->db, 0);
	puts_finalize(&p);
	if (rc != SQLITE_OK)
		return psw_index_error(ix, rc, "cannot update", e);
	return 0;
}

/* One sync pass; an SQLite code or -1 with e set. */
static int
sync_pass(struct psw_index *ix, struct psw_sync_stats *stats,
    struct psw_err *e)
{
	struct entries dl, rl;
	struct entry *disk, *rec;
	size_t nd, nr, i, j, nchanged = 0, nremoved = 0;
	unsigned char *changed = NULL, *removed = NULL;
	size_t *pending = NULL;
	const struct psw_instruments *ins;
	const char *digest;
	char stored[64], quick[17], due_stored[64], due_digest[17];
	struct puts p;
	struct files_digest have, got;
	int rc = SQLITE_OK, stale, due_stale, fresh, level, valid, same = 0,
	    taken = 0, inc = 0;

	memset(&p, 0, sizeof p);
	memset(&dl, 0, sizeof dl);
	memset(&rl, 0, sizeof rl);
	/* The stored digest, then the folder: when they agree, the files
	 * table is not read (see struct files_digest). */
	if ((rc = digest_get(ix, &have, &valid)) == SQLITE_OK && valid)
		rc = digest_counts(ix->db, &have, &valid);
	if (rc == SQLITE_OK && valid) {
		if (scan_take(ix, &dl, e) < 0)
			return -1;
		taken = 1;
		digest_entries(&dl, &got);
		same = got.count == have.count && got.lo == have.lo &&
		    got.hi == have.hi;
	}
	/* Else the files table first, while the folder is still being
	 * listed on its thread: a file changed in between is seen as
	 * changed. */
	if (rc == SQLITE_OK && !same)
		rc = load_files(ix, &rl);
	if (rc != SQLITE_OK) {
		/* A folder that cannot be listed is said first, and the
		 * index is not rebuilt for it. */
		if (!taken && scan_take(ix, &dl, e) < 0)
			return -1;
		entries_free(&dl);
		return rc;
	}
	if (!taken && scan_take(ix, &dl, e) < 0) {
		entries_free(&rl);
		return -1;
	}
	disk = dl.v;
	nd = dl.n;
	rec = rl.v;
	nr = rl.n;
	/* Rows edited behind psw's back: rebuild (psw_index_sync). */
	if ((level = guard_is_level(ix->db)) <= 0) {
		rc = level < 0 ? -level : SQLITE_CORRUPT;
		ix->tampered = level == 0;
		goto out;
	}
	/* Parse the definitions only when something is to be scored;
	 * none parsed only when memory ran out. */
	if (psw_instruments_builtin_digest(ix->st->home, quick) == 1) {
		ins = NULL;
		digest = quick;
	} else {
		if ((ins = index_instruments(ix)) == NULL) {
			rc = SQLITE_NOMEM;
			goto out;
		}
		digest = psw_instruments_digest(ins);
	}
	if ((rc = meta_get(ix, "instruments", stored, sizeof stored)) !=
	    SQLITE_OK)
		goto out;
	/* Other scoring rules: every assessment is scored again. */
	stale = strcmp(stored, digest) != 0;
	/* Other settings for what is due (no-contact-days, the schedule):
	 * every client's due items are made again. */
	psw_due_settings_digest(&ix->st->set, due_digest);
	if ((rc = meta_get(ix, "due-settings", due_stored,
	    sizeof due_stored)) != SQLITE_OK)
		goto out;
	due_stale = strcmp(due_stored, due_digest) != 0;
	stale |= due_stale;
	if (same && !stale) {
		/* Every file as recorded: only its problems to say. */
		stats->files = nd;
		stats->by_digest = 1;
		if (have.problems > 0)
			stats->problems += warn_problems(ix);
		goto out;
	}
	if (same && (rc = load_files(ix, &rl)) != SQLITE_OK)
		goto out;
	rec = rl.v;
	nr = rl.n;
	/* The listing in id order, as the table is read, for the merge. */
	if (entries_sort(dl.v, dl.n) < 0) {
		rc = SQLITE_NOMEM;
		goto out;
	}
	changed = calloc(nd + 1, 1);
	removed = calloc(nr + 1, 1);
	if (changed == NULL || removed == NULL) {
		rc = SQLITE_NOMEM;
		goto out;
	}
	/* Merge the two sorted lists. */
	for (i = j = 0; i < nd || j < nr;) {
		int cmp = i == nd ? 1 : j == nr ? -1 :
		    strcmp(disk[i].id, rec[j].id);

		if (cmp < 0) {
			changed[i++] = 1;
			nchanged++;
		} else if (cmp > 0) {
			removed[j++] = 1;
			nremoved++;
		} else {
			if (stale || rec[j].lost ||
			    !entry_same(&disk[i], &rec[j])) {
				changed[i] = 1;
				nchanged++;
			} else if (rec[j].has_problem) {
				warn_recorded(ix, rec[j].id);
				stats->problems++;
			}
			i++;
			j++;
		}
	}
	stats->files = nd;
	if (nchanged == 0 && nremoved == 0)
		goto out;		/* nothing to write: no write lock */

	if ((pending = calloc(nchanged + 1, sizeof *pending)) == NULL) {
		rc = SQLITE_NOMEM;
		goto out;
	}
	if ((rc = puts_prepare(ix->db, &p)) != SQLITE_OK)
		goto out;
	p.set = &ix->st->set;
	if ((p.ins = ins != NULL ? ins : index_instruments(ix)) == NULL) {
		rc = SQLITE_NOMEM;
		goto out;
	}
	/* Only an index this process has just made can be built fresh,
	 * with its sorts. */
	journals_in_memory(ix->db, !ix->rebuilt);
	if ((rc = sqlite3_exec(ix->db, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL)) != SQLITE_OK)
		goto out;
	if ((level = guard_is_level(ix->db)) < 0)
		rc = -level;
	if (rc == SQLITE_OK && stale)
		rc = meta_put(ix, "instruments", digest);
	if (rc == SQLITE_OK && due_stale)
		rc = meta_put(ix, "due-settings", due_digest);
	/* A files digest that holds follows the few rows this sync
	 * touches (theirs out now, back in once written); else it is
	 * made again from the table at the end. */
	if (rc == SQLITE_OK && level > 0 &&
	    (rc = digest_get(ix, &have, &valid)) == SQLITE_OK && valid &&
	    (nchanged + nremoved) * 8 < nd + nr) {
		inc = 1;
		for (j = 0; j < nr && rc == SQLITE_OK; j++)
			if (removed[j])
				rc = digest_row(&p, rec[j].id, &have, -1);
		for (i = 0; i < nd && rc == SQLITE_OK; i++)
			if (changed[i])
				rc = digest_row(&p, disk[i].id, &have, -1);
	}
	for (j = 0; j < nr && rc == SQLITE_OK; j++) {
		if (!removed[j])
			continue;
		if ((rc = delete_rows(&p, rec[j].id)) != SQLITE_OK)
			break;
		sqlite3_bind_text(p.delfile, 1, rec[j].id, -1, SQLITE_STATIC);
		rc = step_done(p.delfile);
		stats->removed++;
	}
	if (rc == SQLITE_OK) {
		for (i = j = 0; i < nd; i++)
			if (changed[i])
				pending[j++] = i;
		fresh = nremoved == 0 && ix->rebuilt && j >= POOL_MIN &&
		    index_empty(ix);
		/* A fresh build inserts without the secondary indexes and
		 * the guard's triggers, then makes them once.  Rows go in
		 * in key order and the indexes are made by sorting: a small
		 * page cache does, and keeps memory low. */
		if (fresh && (rc = sqlite3_exec(ix->db, "PRAGMA cache_size = "
		    "-4000", NULL, NULL, NULL)) == SQLITE_OK)
			rc = secondary_indexes(ix->db, 1);
		if (rc == SQLITE_OK && fresh)
			rc = guard_triggers(ix->db, 1);
		if (rc == SQLITE_OK && fresh)
			rc = due_stage(ix->db, &p, 1);
		if (rc == SQLITE_OK)
			rc = reindex(ix, &p, disk, pending, j, fresh, stats);
		if (rc == SQLITE_OK && fresh)
			rc = due_stage(ix->db, &p, 0);
		if (rc == SQLITE_OK && fresh)
			rc = secondary_indexes(ix->db, 0);
		if (rc == SQLITE_OK && fresh)
			rc = guard_triggers(ix->db, 0);
		if (fresh)
			sqlite3_exec(ix->db, "PRAGMA cache_size = " CACHE_KB,
			    NULL, NULL, NULL);
	}
	if (rc == SQLITE_OK)
		rc = guard_level(ix->db, level);
	/* The digest of the files table as this sync leaves it. */
	for (i = 0; inc && i < nd && rc == SQLITE_OK; i++)
		if (changed[i])
			rc = digest_row(&p, disk[i].id, &have, 1);
	if (rc == SQLITE_OK && !inc)
		rc = digest_table(ix->db, &have);
	if (rc == SQLITE_OK)
		rc = digest_put(ix, &have);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(ix->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
out:
	journals_in_memory(ix->db, 0);
	puts_finalize(&p);
	free(pending);
	free(changed);
	free(removed);
	entries_free(&dl);
	entries_free(&rl);
	return rc;
}

int
psw_index_sync(struct psw_index *ix, struct psw_sync_stats *stats,
    struct psw_err *e)
{
	struct psw_sync_stats local;
	int rc;

	if (stats == NULL)
		stats = &local;
	memset(stats, 0, sizeof *stats);
	rc = sync_pass(ix, stats, e);
	if (rc != SQLITE_OK && rc != -1 && is_corrupt(rc) &&
	    may_remove(ix->st)) {
		int aside = ix->aside != NULL;

		if (ix->tampered)
			psw_store_warn(ix->st, "index '%s' was edited by "
			    "another program; rebuilding it from the client "
			    "files", ix->st->index_path);
		else
			psw_store_warn(ix->st, "index '%s' is damaged (%s); "
			    "rebuilding it from the client files",
			    ix->st->index_path, sqlite3_errstr(rc));
		psw_index_close(ix);
		/* A build file that failed is dropped on close: the index
		 * in place, if another process made one, is not touched. */
		if (!aside)
			remove_index(ix->st->index_path);
		if (index_open(ix, ix->st, 0, IX_ASIDE, e) < 0)
			return -e->code;
		memset(stats, 0, sizeof *stats);
		rc = sync_pass(ix, stats, e);
	}
	if (rc == SQLITE_OK && ix->aside != NULL) {
		int raced;

		if (aside_install(ix, &raced, e) < 0)
			return -e->code;
		if (raced) {
			memset(stats, 0, sizeof *stats);
			rc = sync_pass(ix, stats, e);
		}
	}
	if (rc == -1)
		return -e->code;
	if (rc != SQLITE_OK)
		return psw_index_error(ix, rc, "cannot sync", e);
	if ((rc = psw_service_sync(ix, e)) < 0)
		return rc;
	if (ix->rebuilt && stats->parsed > 0)
		psw_store_warn(ix->st, "note: index '%s' built from %zu client "
		    "file%s", ix->st->index_path, stats->parsed,
		    stats->parsed == 1 ? "" : "s");
	ix->rebuilt = 0;
	return 0;
}
