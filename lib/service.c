/*
 * service.c - the service directory: read, validate and change one
 * service file.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "client.h"
#include "service.h"

const char *const psw_service_statuses[] = {
	"active", "inactive", "defunct", "temporarily-closed", NULL
};
const char *const psw_referral_methods[] = {
	"email", "phone", "form", "portal", NULL
};

/* The text keys of a service and where each goes. */
#define TEXT_KEYS(X) \
	X("name", name) X("organisation", organisation) \
	X("description", description) X("email", email) X("url", url) \
	X("address", address) X("eligibility", eligibility) \
	X("application-process", application) X("fees", fees) \
	X("wait-time", wait_time) X("schedule", schedule) \
	X("service-area", area) X("contact", contact) X("notes", notes) \
	X("hsds-id", hsds_id) X("hsds-organization-id", hsds_org_id) \
	X("removed", removed)

struct rd {
	struct psw_doc *doc;
	struct psw_diags *d;
	const char *name;
};

static void problem(struct rd *, const struct psw_node *, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/* One problem at node n (its value's position). */
static void
problem(struct rd *r, const struct psw_node *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	psw_diags_add(r->d, r->name, n ? n->line : 1, n ? n->col : 1, "%s",
	    msg);
}

/* A list of scalars under n (a single scalar counts as one item). */
static const char **
read_list(struct rd *r, const struct psw_node *n, size_t *count)
{
	const struct psw_node *it;
	const char **v;
	size_t i = 0;

	*count = 0;
	if (n->type == PSW_NODE_SCALAR) {
		if ((v = psw_doc_alloc(r->doc, sizeof *v)) == NULL)
			return NULL;
		v[0] = n->str;
		*count = 1;
		return v;
	}
	if (n->type != PSW_NODE_SEQ) {
		problem(r, n, "'%s' must be a list of text", n->key);
		return NULL;
	}
	if ((v = psw_doc_alloc(r->doc, (n->count + 1) * sizeof *v)) == NULL)
		return NULL;
	for (it = n->head; it != NULL; it = it->next) {
		if (it->type != PSW_NODE_SCALAR) {
			problem(r, it, "'%s': every item must be text",
			    n->key);
			continue;
		}
		v[i++] = it->str;
	}
	*count = i;
	return v;
}

int
psw_service_read(struct psw_doc *doc, const char *expect_id,
    struct psw_service **out, struct psw_diags *d)
{
	struct rd r = { doc, d, psw_doc_name(doc) };
	const struct psw_node *root = psw_doc_root(doc), *n;
	struct psw_service *s;
	size_t before = d->n;
	char all[128];

	if ((s = psw_doc_alloc(doc, sizeof *s)) == NULL)
		return -PSW_EIO;
	*out = s;
	if (root == NULL || root->type != PSW_NODE_MAP) {
		psw_diags_add(d, r.name, root ? root->line : 1,
		    root ? root->col : 1, "a service file must be a map of "
		    "'key: value' lines");
		return d->oom ? -PSW_EIO : -PSW_EDATA;
	}
	for (n = root->head; n != NULL; n = n->next) {
		const char *k = n->key;

		if (strcmp(k, "phones") == 0) {
			s->phones = read_list(&r, n, &s->nphones);
			continue;
		}
		if (strcmp(k, "languages") == 0) {
			s->languages = read_list(&r, n, &s->nlanguages);
			continue;
		}
		if (strcmp(k, "taxonomy") == 0) {
			s->taxonomy = read_list(&r, n, &s->ntaxonomy);
			continue;
		}
		if (strcmp(k, "psw") == 0) {
			if (n->type != PSW_NODE_SCALAR ||
			    strcmp(n->str, "1") != 0)
				problem(&r, n, "'psw' must be 1 (this "
				    "version's format)");
			continue;
		}
		if (strcmp(k, "id") == 0 || strcmp(k, "status") == 0 ||
		    strcmp(k, "referral-method") == 0
#define IS_TEXT(key, field) || strcmp(k, key) == 0
		    TEXT_KEYS(IS_TEXT)) {
			if (n->type != PSW_NODE_SCALAR) {
				problem(&r, n, "'%s' must be text", k);
				continue;
			}
		}
		/* Other keys are kept for newer versions and other tools. */
	}
#define GET_TEXT(key, field) { \
	n = psw_map_get(root, key); \
	s->field = n && n->type == PSW_NODE_SCALAR ? n->str : NULL; }
	TEXT_KEYS(GET_TEXT)
	s->id = psw_map_get_str(root, "id");
	s->status = psw_map_get_str(root, "status");
	s->referral_method = psw_map_get_str(root, "referral-method");
	if (s->id == NULL)
		problem(&r, root, "'id' is missing");
	else if (!psw_id_valid(s->id))
		problem(&r, psw_map_get(root, "id"), "'%s' is not a valid "
		    "service id (use a-z, 0-9 and -)", s->id);
	else if (expect_id != NULL && strcmp(s->id, expect_id) != 0)
		problem(&r, psw_map_get(root, "id"), "'id' is '%s' but the "
		    "file name says '%s'", s->id, expect_id);
	if (s->name == NULL || *s->name == '\0')
		problem(&r, psw_map_get(root, "name") ? psw_map_get(root,
		    "name") : root, "'name' is missing");
	if (s->status == NULL)
		s->status = "active";
	else if (!psw_in_list(psw_service_statuses, s->status))
		problem(&r, psw_map_get(root, "status"), "'status' must be "
		    "%s, not '%s'", psw_list_join(psw_service_statuses, all,
		    sizeof all), s->status);
	if (s->referral_method != NULL &&
	    !psw_in_list(psw_referral_methods, s->referral_method))
		problem(&r, psw_map_get(root, "referral-method"),
		    "'referral-method' must be %s, not '%s'",
		    psw_list_join(psw_referral_methods, all, sizeof all),
		    s->referral_method);
	if (s->removed != NULL) {
		psw_date when;

		if (psw_date_parse_iso(s->removed, &when) < 0)
			problem(&r, psw_map_get(root, "removed"), "'removed' "
			    "is not a date (YYYY-MM-DD): '%s'", s->removed);
	}
	if (d->oom)
		return -PSW_EIO;
	return d->n > before ? -PSW_EDATA : 0;
}

char *
psw_service_dir(const struct psw_store *st)
{
	struct psw_buf b = PSW_BUF_INIT;

	psw_buf_addf(&b, "%s/services", st->home);
	return psw_buf_detach(&b);
}

char *
psw_service_path(const struct psw_store *st, const char *id)
{
	struct psw_buf b = PSW_BUF_INIT;

	psw_buf_addf(&b, "%s/services/%s.yaml", st->home, id);
	return psw_buf_detach(&b);
}

const char *
psw_service_name(const char *id, char *buf, size_t size)
{
	snprintf(buf, size, "services/%s.yaml", id);
	return buf;
}

int
psw_service_id_check(const char *id, struct psw_err *e)
{
	char shown[64];
	size_t i;

	if (psw_id_valid(id))
		return 0;
	for (i = 0; id[i] != '\0' && i < 40; i++)
		shown[i] = (id[i] >= 0x20 && id[i] < 0x7f) ? id[i] : '?';
	shown[i] = '\0';
	return psw_error(e, PSW_EUSAGE, "'%s%s' is not a valid service id "
	    "(use a-z, 0-9 and -, at most 64, starting with a letter or "
	    "digit)", shown, id[i] ? "..." : "");
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
psw_service_ids_free(char **ids)
{
	size_t i;

	for (i = 0; ids != NULL && ids[i] != NULL; i++)
		free(ids[i]);
	free(ids);
}

int
psw_service_ids(const struct psw_store *st, char ***out, size_t *count,
    struct psw_err *e)
{
	char **v = NULL, **nv, *dir, *id;
	size_t n = 0, cap = 0, len;
	struct dirent *de;
	DIR *dp;

	*out = NULL;
	*count = 0;
	if ((dir = psw_service_dir(st)) == NULL)
		return psw_error(e, PSW_EIO, "out of memory");
	dp = opendir(dir);
	if (dp == NULL && errno != ENOENT) {
		int rc = psw_error_errno(e, PSW_EIO, errno, "cannot read '%s'",
		    dir);

		free(dir);
		return rc;
	}
	free(dir);
	while (dp != NULL && (de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 5 || strcmp(de->d_name + len - 5, ".yaml") != 0)
			continue;
		if ((id = strndup(de->d_name, len - 5)) == NULL)
			goto oom;
		if (!psw_id_valid(id)) {
			free(id);
			continue;
		}
		if (n + 1 >= cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = realloc(v, cap * sizeof *v)) == NULL) {
				free(id);
				goto oom;
			}
			v = nv;
		}
		v[n++] = id;
		v[n] = NULL;
	}
	if (dp != NULL)
		closedir(dp);
	if (v == NULL && (v = calloc(1, sizeof *v)) == NULL)
		return psw_error(e, PSW_EIO, "out of memory");
	qsort(v, n, sizeof *v, str_cmp);
	*out = v;
	*count = n;
	return 0;
oom:
	if (dp != NULL)
		closedir(dp);
	psw_service_ids_free(v);
	return psw_error(e, PSW_EIO, "out of memory");
}

int
psw_diags_first(const struct psw_diags *d, const char *name,
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
psw_service_load(const struct psw_store *st, const char *id,
    struct psw_doc **doc, struct psw_service **out, struct psw_err *e)
{
	struct psw_diags d = PSW_DIAGS_INIT;
	char name[96];
	char *path;
	int rc;

	*doc = NULL;
	psw_service_name(id, name, sizeof name);
	if ((path = psw_service_path(st, id)) == NULL)
		return psw_error(e, PSW_EIO, "out of memory");
	if (access(path, F_OK) < 0 && errno == ENOENT) {
		free(path);
		return psw_error(e, PSW_EDATA, "no service '%s' (%s does not "
		    "exist)", id, name);
	}
	rc = psw_doc_load_file(path, name, doc, e);
	free(path);
	if (rc < 0)
		return rc;
	rc = psw_service_read(*doc, id, out, &d);
	if (rc == -PSW_EDATA)
		rc = psw_diags_first(&d, name, e);
	else if (rc < 0)
		rc = psw_error(e, PSW_EIO, "out of memory");
	psw_diags_release(&d);
	if (rc < 0) {
		psw_doc_free(*doc);
		*doc = NULL;
	}
	return rc;
}

void
psw_service_abort(struct psw_service_txn *t)
{
	psw_lock_release(&t->lock);
	psw_doc_free(t->doc);
	t->doc = NULL;
	free(t->path);
	t->path = NULL;
}

int
psw_service_begin(struct psw_store *st, const char *id, int flags,
    struct psw_service_txn *t, struct psw_err *e)
{
	struct psw_service *s;
	char lockpath[4200], *dir;
	int rc;

	memset(t, 0, sizeof *t);
	t->st = st;
	if ((rc = psw_service_id_check(id, e)) < 0)
		return rc;
	memcpy(t->id, id, strlen(id) + 1);
	psw_service_name(id, t->name, sizeof t->name);
	if ((t->path = psw_service_path(st, id)) == NULL ||
	    (dir = psw_service_dir(st)) == NULL) {
		free(t->path);
		return psw_error(e, PSW_EIO, "out of memory");
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		rc = psw_error_errno(e, PSW_EIO, errno,
		    "cannot create folder '%s'", dir);
		free(dir);
		goto fail;
	}
	/* One lock for the whole directory: an import changes many
	 * files at once, and services change rarely. */
	snprintf(lockpath, sizeof lockpath, "%s/.lock", dir);
	free(dir);
	if ((rc = psw_lock_take(st, &t->lock, lockpath,
	    st->set.lock_timeout_ms, e)) < 0)
		goto fail;
	if (access(t->path, F_OK) < 0 && errno == ENOENT) {
		if (flags & PSW_SVC_NEW)
			return 0;
		rc = psw_error(e, PSW_EDATA, "no service '%s' (%s does not "
		    "exist)", id, t->name);
		goto fail;
	}
	if (flags & PSW_SVC_NEW) {
		rc = psw_error(e, PSW_EDATA, "service '%s' exists already "
		    "(%s)", id, t->name);
		goto fail;
	}
	if ((rc = psw_service_load(st, id, &t->doc, &s, e)) < 0)
		goto fail;
	return 0;
fail:
	psw_service_abort(t);
	return rc;
}

int
psw_service_commit(struct psw_service_txn *t, const char *action,
    struct psw_err *e)
{
	struct psw_diags d = PSW_DIAGS_INIT;
	struct psw_buf out = PSW_BUF_INIT;
	struct psw_service *s;
	char what[PSW_ID_MAX + 16];
	int rc;

	if (t->doc == NULL) {
		rc = psw_error(e, PSW_EIO, "nothing to write");
		goto out;
	}
	rc = psw_service_read(t->doc, t->id, &s, &d);
	if (rc == -PSW_EDATA) {
		rc = psw_diags_first(&d, t->name, e);
		goto out;
	}
	if (rc < 0 || (rc = psw_doc_emit(t->doc, &out, e)) < 0) {
		rc = psw_error(e, PSW_EIO, "out of memory");
		goto out;
	}
	if ((rc = psw_write_tmp(t->path, t->name, out.s, out.len, e)) < 0)
		goto out;
	snprintf(what, sizeof what, "service:%s", t->id);
	if ((rc = psw_audit(t->st, action, what, e)) < 0) {
		psw_discard(t->path);
		goto out;
	}
	rc = psw_replace(t->path, t->name, e);
out:
	psw_buf_release(&out);
	psw_diags_release(&d);
	psw_service_abort(t);
	return rc;
}

struct psw_doc *
psw_service_new_doc(const char *name_for_messages, const char *id,
    const char *name)
{
	struct psw_doc *doc = psw_doc_new(name_for_messages);
	struct psw_node *root;

	if (doc == NULL)
		return NULL;
	root = psw_doc_root(doc);
	if (psw_map_set_str(doc, root, "psw", "1", PSW_PLAIN) == NULL ||
	    psw_map_set_str(doc, root, "id", id, PSW_PLAIN) == NULL ||
	    psw_map_set_str(doc, root, "name", name, PSW_STRING) == NULL ||
	    psw_map_set_str(doc, root, "status", "active", PSW_PLAIN) == NULL) {
		psw_doc_free(doc);
		return NULL;
	}
	return doc;
}
