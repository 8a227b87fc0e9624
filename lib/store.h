/*
 * store.h - the case folder: where it is, settings, client ids and paths,
 * locks, atomic writes, permissions and the audit log.
 *
 *   $PSW_HOME/psw.yaml           settings (every one has a default)
 *   $PSW_HOME/clients/<id>.yaml  one file per client
 *   $PSW_HOME/index.db           derived SQLite index ($PSW_INDEX moves it)
 *   $PSW_HOME/audit.log          one line per change: never note text
 *
 * Folders are created 0700 and files 0600; the command sets umask(077)
 * before anything is opened.  A case folder that is group- or
 * world-writable, or owned by another user, is refused.
 */
#ifndef PSW_STORE_H
#define PSW_STORE_H

#include <sys/types.h>

#include "date.h"
#include "error.h"

#define PSW_ID_MAX 64

struct psw_settings {
	char *worker;		/* default: $USER, else "worker" */
	char *organisation;	/* default: "" */
	struct psw_duration review_every;	/* default 90d */
	struct psw_duration due_soon;		/* default 7d */
	int week_start;		/* 1 Monday (default) .. 7 Sunday */
	int no_contact_days;	/* default 14 */
	int lock_timeout_ms;	/* default 10000 */
	/* assessments: {phq-9: 4w, ...}: how often each instrument is due
	 * for active clients (psw-report reminds); in file order. */
	struct psw_assess_every {
		char *instrument;	/* owned */
		struct psw_duration every;
	} *assess_every;	/* owned */
	size_t nassess_every;
	struct psw_duration follow_up_sent;	/* default 7d */
	struct psw_duration follow_up_urgent;	/* default 2d */
	struct psw_duration follow_up_accepted;	/* default 14d */
	/* For referral letters; NULL when not set. */
	char *worker_phone, *worker_email;
	char *organisation_address, *organisation_phone;
};

/* Called with one line of warning text (no program prefix). */
typedef void psw_warn_fn(void *arg, const char *msg);

struct psw_store {
	char *home;		/* the case folder; owned */
	char *clients;		/* home/clients; owned */
	char *index_path;	/* $PSW_INDEX or home/index.db; owned */
	int index_own;		/* index_path is home/index.db */
	char *audit_path;	/* home/audit.log; owned */
	const char *prog;	/* program name for the audit log; borrowed */
	struct psw_settings set;
	psw_warn_fn *warn;	/* may be NULL */
	void *warn_arg;
};

/* Where the case folder is: home > $PSW_HOME > $XDG_DATA_HOME/psw > ~/.local/share/psw.
 * Returns a new string, or NULL: errno ENOMEM when out of memory, 0 when
 * no HOME is known. */
char *psw_store_locate(const char *home);

#define PSW_STORE_CREATE 1	/* create the folder (0700) when missing */

/*
 * Open the case folder: locate it, create it when asked, check it is safe
 * (a directory owned by us, not group- or world-writable), load psw.yaml.
 * Errors: -PSW_EIO (missing, unreadable, unsafe), -PSW_EDATA (bad
 * psw.yaml, with file:line:col).  Release with psw_store_release().
 */
int psw_store_open(struct psw_store *st, const char *home, int flags,
    const char *prog, struct psw_err *e);
void psw_store_release(struct psw_store *st);

/* Send one warning line to st->warn, if any. */
void psw_store_warn(const struct psw_store *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* 1 when id matches [a-z0-9][a-z0-9-]{0,63}. */
int psw_id_valid(const char *id);

/*
 * Check a client id; -PSW_EUSAGE "'../x' is not a valid client id (use
 * a-z, 0-9 and -, up to 64, starting with a letter or digit)".
 */
int psw_id_check(const char *id, struct psw_err *e);

/* "home/clients/<id>.yaml" (new string) after psw_id_check; NULL on OOM. */
char *psw_store_client_path(const struct psw_store *st, const char *id);
/* "clients/<id>.yaml", the name messages use, into buf. */
const char *psw_store_client_name(const char *id, char *buf, size_t size);

/* --- Locks -------------------------------------------------------- */

struct psw_lock {
	char *path;		/* the lock file; owned */
	int held;
	dev_t dev;		/* identity of our lock file, so release */
	ino_t ino;		/* never removes someone else's */
	int fd;			/* our lock file, flock()ed, or -1 */
};

/*
 * Take the lock `path` (created O_CREAT|O_EXCL, holding "pid host").  A
 * lock left by a dead process on this host is broken with a warning; a
 * live one is waited for up to timeout_ms, then -PSW_ELOCKED naming the
 * lock and its age.  Held locks are removed on SIGINT, SIGTERM, SIGHUP
 * and SIGQUIT as well as by psw_lock_release().
 *
 * Waiting is not polling: the holder keeps its lock file open with
 * flock() held on it, and a waiter blocks in flock() on the same file, so
 * the kernel wakes it the moment the holder is done (or dies) and a
 * waiter is not starved by writers that come and go faster than a poll.
 * Where flock() cannot be used the waiter polls with a short backoff.
 */
int psw_lock_take(const struct psw_store *st, struct psw_lock *lk,
    const char *path, int timeout_ms, struct psw_err *e);
void psw_lock_release(struct psw_lock *lk);

/* --- Files -------------------------------------------------------- */

/*
 * Replace path with data atomically and durably: write "<path>.tmp"
 * (0600), fsync, close, rename over path, fsync the folder.  On any
 * failure before the rename the old file is untouched and the temporary
 * file removed.  Errors: -PSW_EIO naming the step.
 */
int psw_write_atomic(const char *path, const char *name, const void *data,
    size_t len, struct psw_err *e);

/*
 * The two halves of psw_write_atomic, for a caller that must do something
 * between them (the audit line): psw_write_tmp writes and syncs
 * "<path>.tmp"; psw_replace renames it over path and syncs the folder;
 * psw_discard removes it.  After psw_write_tmp succeeds the caller must
 * call one of the other two.
 */
int psw_write_tmp(const char *path, const char *name, const void *data,
    size_t len, struct psw_err *e);
int psw_replace(const char *path, const char *name, struct psw_err *e);
void psw_discard(const char *path);
/* fsync the folder holding path, so that a name made in it is durable;
 * 0, or -1 with errno set. */
int psw_sync_parent(const char *path);
/* The folder holding path ("." for a bare name) into dir; 0, or -1 when
 * it does not fit. */
int psw_parent_dir(const char *path, char *dir, size_t size);

/*
 * Append one line to the audit log: UTC time, worker, program, action,
 * client id, tab-separated.  Never note text or scores.
 */
int psw_audit(const struct psw_store *st, const char *action,
    const char *client, struct psw_err *e);

#endif
