/*
 * txn.h - changing one client file safely.
 *
 *   psw_txn_begin    take the client's lock, then load its file
 *   (the caller changes t->doc)
 *   psw_txn_commit   validate, write <id>.yaml.tmp, fsync, rename, fsync
 *                    the folder, update the client's index rows, append
 *                    to the audit log, unlock
 *   psw_txn_abort    unlock; nothing on disk changed
 *
 * If anything fails before the rename, the file on disk is byte-identical
 * to before.
 */
#ifndef PSW_TXN_H
#define PSW_TXN_H

#include "client.h"
#include "doc.h"
#include "error.h"
#include "index.h"
#include "store.h"

#define PSW_TXN_NEW 1		/* the client must not exist yet */

struct psw_txn {
	struct psw_store *st;	/* borrowed */
	char id[PSW_ID_MAX + 1];
	char name[96];		/* "clients/<id>.yaml" for messages */
	char *path;		/* owned */
	struct psw_lock lock;
	struct psw_doc *doc;	/* owned; the caller changes it */
	struct psw_client *client;	/* as read at begin (NULL when new) */
};

/*
 * Lock and load client id.  With PSW_TXN_NEW the client must not exist
 * and t->doc is NULL until the caller sets it.  Errors: -PSW_EUSAGE (bad
 * id), -PSW_EDATA (unknown client, exists already, file problems),
 * -PSW_ELOCKED, -PSW_EIO.
 */
int psw_txn_begin(struct psw_store *st, const char *id, int flags,
    struct psw_txn *t, struct psw_err *e);

/*
 * Validate and write t->doc, update the index (ix may be NULL: then it is
 * opened here; an index failure after the file is safely written is only
 * a warning, the next sync repairs it), audit `action`, unlock.  Always
 * releases t.  Validation problems: -PSW_EDATA with the first problem and
 * the count of others.
 */
int psw_txn_commit(struct psw_txn *t, struct psw_index *ix,
    const char *action, struct psw_err *e);

/* Unlock and free without writing. */
void psw_txn_abort(struct psw_txn *t);

#endif
