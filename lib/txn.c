/*
 * txn.c - changing one client file safely: lock, load, change, validate,
 * write atomically, index, audit, unlock.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "txn.h"

/* Report the first problem of d as e, with the count of the others. */
static int
first_problem(const struct psw_diags *d, const char *name,
    struct psw_err *e)
{
	if (d->n == 0)
		return psw_error(e, PSW_EDATA, "%s: invalid", name);
	psw_error_at(e, PSW_EDATA, d->v[0].file ? d->v[0].file : name,
	    d->v[0].line, d->v[0].col, "%s", d->v[0].msg);
	if (d->n > 1) {
		size_t n = strlen(e->msg);

		snprintf(e->msg + n, sizeof e->msg - n, " (and %zu more "
		    "problem%s)", d->n - 1, d->n == 2 ? "" : "s");
	}
	return -PSW_EDATA;
}

int
psw_txn_begin(struct psw_store *st, const char *id, int flags,
    struct psw_txn *t, struct psw_err *e)
{
	struct psw_diags d = PSW_DIAGS_INIT;
	char lockpath[4200];
	int fd, rc;

	memset(t, 0, sizeof *t);
	t->st = st;
	if ((rc = psw_id_check(id, e)) < 0)
		return rc;
	memcpy(t->id, id, strlen(id) + 1);
	psw_store_client_name(id, t->name, sizeof t->name);
	if ((t->path = psw_store_client_path(st, id)) == NULL)
		return psw_error(e, PSW_EIO, "out of memory");
	if (mkdir(st->clients, 0700) < 0 && errno != EEXIST) {
		rc = psw_error_errno(e, PSW_EIO, errno,
		    "cannot create folder '%s'", st->clients);
		goto fail;
	}
	snprintf(lockpath, sizeof lockpath, "%s.lock", t->path);
	if ((rc = psw_lock_take(st, &t->lock, lockpath,
	    st->set.lock_timeout_ms, e)) < 0)
		goto fail;

	fd = open(t->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT) {
		if (flags & PSW_TXN_NEW)
			return 0;
		rc = psw_error(e, PSW_EDATA, "no client '%s' (%s does not "
		    "exist)", id, t->name);
		goto fail;
	}
	if (fd < 0) {
		rc = psw_error_errno(e, PSW_EIO, errno, "cannot open '%s'%s",
		    t->name, errno == ELOOP ? " (a symbolic link)" : "");
		goto fail;
	}
	if (flags & PSW_TXN_NEW) {
		close(fd);
		rc = psw_error(e, PSW_EDATA, "client '%s' exists already (%s)",
		    id, t->name);
		goto fail;
	}
	rc = psw_doc_load_fd(fd, t->name, &t->doc, e);
	close(fd);
	if (rc < 0)
		goto fail;
	rc = psw_client_read(t->doc, id, &t->client, &d);
	if (rc == -PSW_EDATA)
		rc = first_problem(&d, t->name, e);
	else if (rc < 0)
		rc = psw_error(e, PSW_EIO, "out of memory");
	psw_diags_release(&d);
	if (rc < 0)
		goto fail;
	return 0;
fail:
	psw_txn_abort(t);
	return rc;
}

int
psw_txn_commit(struct psw_txn *t, struct psw_index *ix, const char *action,
    struct psw_err *e)
{
	struct psw_diags d = PSW_DIAGS_INIT;
	struct psw_buf out = PSW_BUF_INIT;
	struct psw_client *c;
	struct psw_err ie;
	struct stat sb;
	int rc;

	if (t->doc == NULL) {
		rc = psw_error(e, PSW_EIO, "nothing to write");
		goto out;
	}
	rc = psw_client_read(t->doc, t->id, &c, &d);
	if (rc == -PSW_EDATA) {
		rc = first_problem(&d, t->name, e);
		goto out;
	}
	if (rc < 0) {
		rc = psw_error(e, PSW_EIO, "out of memory");
		goto out;
	}
	if ((rc = psw_doc_emit(t->doc, &out, e)) < 0)
		goto out;
	if (out.len > PSW_DOC_MAX_BYTES) {
		rc = psw_error(e, PSW_EDATA, "%s would grow past %d bytes; "
		    "nothing written", t->name, PSW_DOC_MAX_BYTES);
		goto out;
	}
	if ((rc = psw_write_tmp(t->path, t->name, out.s, out.len, e)) < 0)
		goto out;
	/* The audit line goes first: a change without its audit line must
	 * not happen.  If the rename then fails, the log holds one line too
	 * many, never one too few. */
	if ((rc = psw_audit(t->st, action, t->id, e)) < 0) {
		psw_discard(t->path);
		goto out;
	}
	if ((rc = psw_replace(t->path, t->name, e)) < 0)
		goto out;

	/* The file is safely written: from here on failures are
	 * reported but the change stands. */
	if (stat(t->path, &sb) == 0 && (ix != NULL ?
	    psw_index_put(ix, t->id, c, &sb, &ie) :
	    psw_index_update(t->st, t->id, c, &sb, &ie)) < 0)
		psw_store_warn(t->st, "%s (the next command will catch up)",
		    ie.msg);
	rc = 0;
out:
	psw_buf_release(&out);
	psw_diags_release(&d);
	psw_txn_abort(t);
	return rc;
}

void
psw_txn_abort(struct psw_txn *t)
{
	psw_lock_release(&t->lock);
	psw_doc_free(t->doc);
	t->doc = NULL;
	t->client = NULL;
	free(t->path);
	t->path = NULL;
}
