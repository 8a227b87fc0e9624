/*
 * index.h - the SQLite index, always derived from the client files.
 *
 * WAL, busy_timeout, BEGIN IMMEDIATE for every write, prepared statements
 * only, the schema version in user_version.  Sync compares each client
 * file's (size, mtime, inode) with what the index recorded, re-parses only
 * what changed and drops rows of files that are gone, in one transaction;
 * when nothing changed it writes nothing, so reading commands never
 * contend.  A missing, corrupt or outdated index is rebuilt from the files.
 *
 * The tables and views are a public interface, documented in psw(7).
 */
#ifndef PSW_INDEX_H
#define PSW_INDEX_H

#include <sys/stat.h>

#include "client.h"
#include "error.h"
#include "store.h"

#define PSW_INDEX_SCHEMA 7
#define PSW_INDEX_SCHEMA_STR "7"

struct sqlite3;

struct psw_scan;

struct psw_index {
	struct sqlite3 *db;
	struct psw_store *st;	/* borrowed */
	int rebuilt;		/* the index was created or rebuilt this run */
	int damaged;		/* a query found it corrupt: removed on close */
	int tampered;		/* rows edited by another program (the guard) */
	struct psw_scan *scan;	/* the folder's listing, on its way */
	char *aside;		/* a build from nothing: its private file */
	int aside_fd;		/* that file, locked (flock) while in use */
	int keep;		/* never make, rebuild or upgrade (an update) */
};

struct psw_sync_stats {
	size_t files;		/* client files seen */
	size_t parsed;		/* re-parsed because new or changed */
	size_t removed;		/* rows dropped for files that are gone */
	size_t problems;	/* files skipped because of problems */
	int by_digest;		/* 1: no change, the files table not read */
};

/*
 * Open (creating or rebuilding as needed) the index of st.  Errors:
 * -PSW_EIO, -PSW_ELOCKED (busy past the timeout).
 */
int psw_index_open(struct psw_index *ix, struct psw_store *st,
    struct psw_err *e);
/*
 * The same, for a psw_index_sync() that follows: the listing of the
 * clients folder (readdir and lstat of every file) starts on a thread
 * at once, so that it overlaps opening the index and reading what the
 * index recorded.  A write of one client does not list the folder: it
 * uses psw_index_open().
 */
int psw_index_open_scan(struct psw_index *ix, struct psw_store *st,
    struct psw_err *e);
void psw_index_close(struct psw_index *ix);

/*
 * Bring the index up to date with the client files.  Each file with
 * problems is reported through st->warn (file:line:col) and left out.
 * stats may be NULL.
 */
int psw_index_sync(struct psw_index *ix, struct psw_sync_stats *stats,
    struct psw_err *e);

/*
 * Replace one client's rows (and its files row, from sb) in one
 * transaction, after a tool wrote the file.  c NULL removes the client.
 */
int psw_index_put(struct psw_index *ix, const char *id,
    const struct psw_client *c, const struct stat *sb, struct psw_err *e);
/*
 * After a tool wrote one client's file: psw_index_put() on an index of
 * st opened for it, when there is an index.  When there is none, none
 * is made: a new index holding one client would turn the next sync's
 * build from nothing (made aside, all at once) into a slower sync of
 * every other file into it.  0, or < 0 with e set.
 */
int psw_index_update(struct psw_store *st, const char *id,
    const struct psw_client *c, const struct stat *sb, struct psw_err *e);

/*
 * Scores in the index come from the built-in instruments and the case
 * folder's, read once per process.  Forget them, so the next sync or put
 * reads them again (tests; programs that run for long).
 */
void psw_index_forget_instruments(void);

/* The database handle for queries (prepared statements only). */
struct sqlite3 *psw_index_db(struct psw_index *ix);

/* Map an SQLite result to an error value; returns the negative code. */
int psw_index_error(struct psw_index *ix, int rc, const char *what,
    struct psw_err *e);

#endif
