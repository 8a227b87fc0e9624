/*
 * service_index.c - the service directory in the index: sync of
 * services/<id>.yaml into the services table and its FTS5 full-text table,
 * and safe full-text queries.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "service.h"

int
psw_fts5_available(sqlite3 *db)
{
	sqlite3_stmt *s;
	int found = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA compile_options", -1, &s,
	    NULL) != SQLITE_OK)
		return 0;
	while (sqlite3_step(s) == SQLITE_ROW)
		if (strcmp((const char *)sqlite3_column_text(s, 0),
		    "ENABLE_FTS5") == 0)
			found = 1;
	sqlite3_finalize(s);
	return found;
}

int
psw_fts_query(const char *text, struct psw_buf *out)
{
	const unsigned char *p = (const unsigned char *)text;
	int words = 0;

	psw_buf_reset(out);
	while (*p != '\0') {
		const unsigned char *w = p;

		/* A word: ASCII letters and digits, or any non-ASCII
		 * character (the tokenizer decides those). */
		while (*p != '\0' && ((*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p >= 0x80))
			p++;
		if (p > w) {
			if (words++ > 0)
				psw_buf_addc(out, ' ');
			psw_buf_addc(out, '"');
			psw_buf_add(out, w, (size_t)(p - w));
			psw_buf_adds(out, "\"*");
		}
		while (*p != '\0' && !((*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p >= 0x80))
			p++;
	}
	if (out->oom)
		return -1;
	if (out->s == NULL)
		psw_buf_adds(out, "");
	return words;
}

/* Join a list with "; " into b (reset first); the string or NULL. */
static const char *
joined(struct psw_buf *b, const char **v, size_t n)
{
	size_t i;

	psw_buf_reset(b);
	for (i = 0; i < n; i++) {
		if (i > 0)
			psw_buf_adds(b, "; ");
		psw_buf_adds(b, v[i]);
	}
	return n > 0 ? b->s : NULL;
}

static void
bind(sqlite3_stmt *s, int i, const char *t)
{
	if (t == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, t, -1, SQLITE_TRANSIENT);
}

static int
step_done(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

struct sstmts {
	sqlite3_stmt *del, *delfile, *file, *ins;
};

static void
sstmts_finalize(struct sstmts *p)
{
	sqlite3_finalize(p->del);
	sqlite3_finalize(p->delfile);
	sqlite3_finalize(p->file);
	sqlite3_finalize(p->ins);
	memset(p, 0, sizeof *p);
}

static int
sstmts_prepare(sqlite3 *db, struct sstmts *p)
{
	int rc;

	memset(p, 0, sizeof *p);
	if ((rc = sqlite3_prepare_v2(db, "DELETE FROM services WHERE id = ?1",
	    -1, &p->del, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_prepare_v2(db, "DELETE FROM service_files WHERE "
	    "id = ?1", -1, &p->delfile, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO service_files"
	    "(id, size, mtime_ns, ctime_ns, inode, problem) VALUES (?1, ?2, "
	    "?3, ?4, ?5, ?6)", -1, &p->file, NULL)) != SQLITE_OK)
		return rc;
	return sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO services(id, "
	    "name, organisation, status, description, eligibility, taxonomy, "
	    "area, email, phone, url, referral_method, hsds_id, languages, "
	    "contact, removed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
	    "?11, ?12, ?13, ?14, ?15, ?16)", -1, &p->ins, NULL);
}

static int
put_stat(struct sstmts *p, const char *id, const struct stat *sb,
    const char *problem)
{
	sqlite3_bind_text(p->file, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(p->file, 2, (sqlite3_int64)sb->st_size);
	sqlite3_bind_int64(p->file, 3, (sqlite3_int64)sb->st_mtim.tv_sec *
	    1000000000 + sb->st_mtim.tv_nsec);
	sqlite3_bind_int64(p->file, 4, (sqlite3_int64)sb->st_ctim.tv_sec *
	    1000000000 + sb->st_ctim.tv_nsec);
	sqlite3_bind_int64(p->file, 5, (sqlite3_int64)sb->st_ino);
	bind(p->file, 6, problem);
	return step_done(p->file);
}

/* Re-read one service file into its rows; an SQLite code. */
static int
reindex(struct psw_index *ix, struct sstmts *p, const char *id,
    const struct stat *sb)
{
	struct psw_buf tax = PSW_BUF_INIT, ph = PSW_BUF_INIT,
	    lang = PSW_BUF_INIT;
	struct psw_service *s;
	struct psw_doc *doc = NULL;
	struct psw_err e;
	char line[PSW_ERR_MSG + 600];
	int rc;

	sqlite3_bind_text(p->del, 1, id, -1, SQLITE_STATIC);
	if ((rc = step_done(p->del)) != SQLITE_OK)
		return rc;
	if ((rc = psw_service_load(ix->st, id, &doc, &s, &e)) < 0) {
		/* No memory is the sync's failure, not the file's problem. */
		if (rc == -PSW_EIO && strstr(e.msg, "out of memory") != NULL)
			return SQLITE_NOMEM;
		psw_err_format(&e, line, sizeof line);
		psw_store_warn(ix->st, "%s (skipped)", line);
		return put_stat(p, id, sb, line);
	}
	bind(p->ins, 1, s->id);
	bind(p->ins, 2, s->name);
	bind(p->ins, 3, s->organisation);
	bind(p->ins, 4, s->status);
	bind(p->ins, 5, s->description);
	bind(p->ins, 6, s->eligibility);
	bind(p->ins, 7, joined(&tax, s->taxonomy, s->ntaxonomy));
	bind(p->ins, 8, s->area);
	bind(p->ins, 9, s->email);
	bind(p->ins, 10, joined(&ph, s->phones, s->nphones));
	bind(p->ins, 11, s->url);
	bind(p->ins, 12, s->referral_method);
	bind(p->ins, 13, s->hsds_id);
	bind(p->ins, 14, joined(&lang, s->languages, s->nlanguages));
	bind(p->ins, 15, s->contact);
	bind(p->ins, 16, s->removed);
	rc = tax.oom || ph.oom || lang.oom ? SQLITE_NOMEM : step_done(p->ins);
	psw_buf_release(&tax);
	psw_buf_release(&ph);
	psw_buf_release(&lang);
	psw_doc_free(doc);
	if (rc == SQLITE_OK)
		rc = put_stat(p, id, sb, NULL);
	return rc;
}

/* Does the recorded stat match?  1 same, 0 changed or absent. */
static int
same_stat(sqlite3_stmt *q, const char *id, const struct stat *sb,
    int *problem)
{
	int same = 0;

	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW) {
		same = sqlite3_column_int64(q, 0) == (sqlite3_int64)sb->st_size &&
		    sqlite3_column_int64(q, 1) == (sqlite3_int64)
		    sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec &&
		    sqlite3_column_int64(q, 2) == (sqlite3_int64)
		    sb->st_ctim.tv_sec * 1000000000 + sb->st_ctim.tv_nsec &&
		    sqlite3_column_int64(q, 3) == (sqlite3_int64)sb->st_ino;
		*problem = sqlite3_column_type(q, 4) != SQLITE_NULL;
		if (same && *problem)
			same = 2;
	}
	sqlite3_reset(q);
	return same;
}

int
psw_service_sync(struct psw_index *ix, struct psw_err *e)
{
	sqlite3 *db = psw_index_db(ix);
	sqlite3_stmt *q = NULL, *gone = NULL;
	struct sstmts p = { 0 };
	char **ids = NULL, *path;
	unsigned char *changed = NULL;
	size_t n, i, nchanged = 0, ngone = 0;
	struct stat *sbs = NULL;
	int rc, prob = 0;

	if (psw_service_ids(ix->st, &ids, &n, e) < 0)
		return -e->code;
	changed = calloc(n + 1, 1);
	sbs = calloc(n + 1, sizeof *sbs);
	if (changed == NULL || sbs == NULL) {
		rc = SQLITE_NOMEM;
		goto out;
	}
	rc = sqlite3_prepare_v2(db, "SELECT size, mtime_ns, ctime_ns, inode, "
	    "problem FROM service_files WHERE id = ?1", -1, &q, NULL);
	if (rc != SQLITE_OK)
		goto out;
	for (i = 0; i < n; i++) {
		if ((path = psw_service_path(ix->st, ids[i])) == NULL) {
			rc = SQLITE_NOMEM;
			goto out;
		}
		if (lstat(path, &sbs[i]) < 0 || !S_ISREG(sbs[i].st_mode)) {
			free(path);
			continue;	/* gone meanwhile, or not a file */
		}
		free(path);
		switch (same_stat(q, ids[i], &sbs[i], &prob)) {
		case 0:
			changed[i] = 1;
			nchanged++;
			break;
		case 2: {
			char name[96];

			psw_store_warn(ix->st, "%s has problems (skipped; see "
			    "psw-refer service show %s)", psw_service_name(
			    ids[i], name, sizeof name), ids[i]);
			break;
		}
		}
	}
	/* Rows of files that are gone: ids in the table but not on disk. */
	rc = sqlite3_prepare_v2(db, "SELECT id FROM service_files", -1, &gone,
	    NULL);
	if (rc != SQLITE_OK)
		goto out;
	while ((rc = sqlite3_step(gone)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(gone, 0);

		if (id != NULL) {
			size_t lo = 0, hi = n;
			int found = 0;

			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				int c = strcmp(ids[mid], id);

				if (c == 0) {
					found = 1;
					break;
				}
				if (c < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			ngone += !found;
		}
	}
	sqlite3_reset(gone);
	if (rc != SQLITE_DONE)
		goto out;
	rc = SQLITE_OK;
	if (nchanged == 0 && ngone == 0)
		goto out;		/* nothing to write: no write lock */

	if ((rc = sstmts_prepare(db, &p)) != SQLITE_OK)
		goto out;
	if ((rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) !=
	    SQLITE_OK)
		goto out;
	/* Drop every row whose file is gone. */
	while (rc == SQLITE_OK && (rc = sqlite3_step(gone)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(gone, 0);
		size_t j;
		int found = 0;

		rc = SQLITE_OK;
		for (j = 0; id != NULL && j < n && !found; j++)
			found = strcmp(ids[j], id) == 0;
		if (id == NULL || found)
			continue;
		sqlite3_bind_text(p.del, 1, id, -1, SQLITE_TRANSIENT);
		if ((rc = step_done(p.del)) == SQLITE_OK) {
			sqlite3_bind_text(p.delfile, 1, id, -1,
			    SQLITE_TRANSIENT);
			rc = step_done(p.delfile);
		}
	}
	if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
	for (i = 0; i < n && rc == SQLITE_OK; i++)
		if (changed[i])
			rc = reindex(ix, &p, ids[i], &sbs[i]);
	/* The full-text table is small: rebuilt whole from the rows. */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "DELETE FROM services_fts;"
		    "INSERT INTO services_fts(id, name, organisation, "
		    "description, eligibility, taxonomy) SELECT id, name, "
		    "organisation, description, eligibility, taxonomy "
		    "FROM services WHERE removed IS NULL;", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
	sqlite3_finalize(q);
	sqlite3_finalize(gone);
	sstmts_finalize(&p);
	free(changed);
	free(sbs);
	psw_service_ids_free(ids);
	if (rc != SQLITE_OK)
		return psw_index_error(ix, rc, "cannot sync the services", e);
	return 0;
}
