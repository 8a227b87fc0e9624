/*
 * service.h - the service directory: one YAML file per service in
 * $PSW_HOME/services/<id>.yaml, read and validated over a document tree,
 * and changed safely (lock, validate, atomic write, audit).
 *
 * The file format is documented in psw-services(5).  Everything a
 * struct psw_service points to lives in its document's arena.
 */
#ifndef PSW_SERVICE_H
#define PSW_SERVICE_H

#include <stddef.h>

#include "doc.h"
#include "buf.h"
#include "error.h"
#include "index.h"
#include "store.h"

struct psw_service {
	const char *id, *name, *organisation, *status, *description;
	const char *email, *url, *address, *eligibility, *application;
	const char *fees, *wait_time, *schedule, *area;
	const char *referral_method, *contact, *notes;
	const char *hsds_id, *hsds_org_id;
	const char *removed;		/* the date it was removed, or NULL */
	const char **phones, **languages, **taxonomy;
	size_t nphones, nlanguages, ntaxonomy;
};

/* Allowed values, NULL-terminated. */
extern const char *const psw_service_statuses[];	/* active inactive defunct temporarily-closed */
extern const char *const psw_referral_methods[];	/* email phone form portal */

/*
 * Read and validate the service in doc; expect_id (may be NULL) is the
 * id the file name says.  Every problem goes to d with file:line:col.
 * 0, -PSW_EDATA (problems; *out still set) or -PSW_EIO (OOM).
 */
int psw_service_read(struct psw_doc *doc, const char *expect_id,
    struct psw_service **out, struct psw_diags *d);

/* "home/services" (new string); NULL on OOM. */
char *psw_service_dir(const struct psw_store *st);
/* "home/services/<id>.yaml" (new string); NULL on OOM. */
char *psw_service_path(const struct psw_store *st, const char *id);
/* "services/<id>.yaml" into buf, for messages. */
const char *psw_service_name(const char *id, char *buf, size_t size);

/* Check a service id: -PSW_EUSAGE "'x' is not a valid service id ...". */
int psw_service_id_check(const char *id, struct psw_err *e);

/*
 * The ids of every services/<id>.yaml, sorted, as a NULL-terminated
 * array of new strings (free with psw_service_ids_free).  A missing
 * folder gives an empty list.  0 or -PSW_EIO.
 */
int psw_service_ids(const struct psw_store *st, char ***out, size_t *n,
    struct psw_err *e);
void psw_service_ids_free(char **ids);

/* Load and validate one service file (first problem as e). */
int psw_service_load(const struct psw_store *st, const char *id,
    struct psw_doc **doc, struct psw_service **out, struct psw_err *e);

#define PSW_SVC_NEW 1		/* the service must not exist yet */

/* One service change: lock, load, (caller changes doc), commit. */
struct psw_service_txn {
	struct psw_store *st;	/* borrowed */
	char id[PSW_ID_MAX + 1];
	char name[96];
	char *path;		/* owned */
	struct psw_lock lock;
	struct psw_doc *doc;	/* owned; NULL for a new service */
};

int psw_service_begin(struct psw_store *st, const char *id, int flags,
    struct psw_service_txn *t, struct psw_err *e);
/* Validate, write atomically, audit `action`; always releases t. */
int psw_service_commit(struct psw_service_txn *t, const char *action,
    struct psw_err *e);
void psw_service_abort(struct psw_service_txn *t);

/* A new service document: psw: 1, id, name, status active. */
struct psw_doc *psw_service_new_doc(const char *name_for_messages,
    const char *id, const char *name);

/*
 * Bring the services rows and the full-text table of the index up to
 * date with services/<id>.yaml (stat, re-read what changed, drop what is
 * gone).  A file with problems is reported through st->warn and left
 * out.  Called by psw_index_sync().  0 or -code.
 */
int psw_service_sync(struct psw_index *ix, struct psw_err *e);

/*
 * Turn what a person typed into a safe FTS5 query: every word (letters
 * and digits) becomes a quoted prefix term ("couns"*), all must match;
 * quotes, operators, NEAR, column filters and brackets are only word
 * separators.  Returns the number of words (0: nothing to search for),
 * or -1 on OOM.
 */
int psw_fts_query(const char *text, struct psw_buf *out);

/* 1 when the SQLite library was built with FTS5. */
int psw_fts5_available(struct sqlite3 *db);

/* Report the first problem of d as e with the count of the others. */
int psw_diags_first(const struct psw_diags *d, const char *name,
    struct psw_err *e);

#endif
