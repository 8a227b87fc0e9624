/*
 * hsds.c - Open Referral HSDS 3.0 CSV import into the service directory
 * and export back out.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "client.h"
#include "csv.h"
#include "hsds.h"
#include "service.h"

/* --- Reading the CSV files ----------------------------------------- */

struct table {
	char name[300];		/* "DIR/phones.csv" for messages */
	const char *const *cols;
	size_t ncols;
	char ***rows;		/* rows[i][k]: column cols[k] of row i */
	int *lines;
	size_t n, cap;
	/* A hash index over column `key`: rows with the same value are
	 * chained in file order (head[bucket], next[row]; NONE ends). */
	size_t key, nb;
	size_t *head, *next;
};

#define NONE ((size_t)-1)

static void
table_free(struct table *t)
{
	size_t i, k;

	for (i = 0; i < t->n; i++) {
		for (k = 0; k < t->ncols; k++)
			free(t->rows[i][k]);
		free(t->rows[i]);
	}
	free(t->rows);
	free(t->lines);
	free(t->head);
	free(t->next);
	memset(t, 0, sizeof *t);
}

/* FNV-1a of a string. */
static size_t
hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

/* Column k of row i. */
#define CELL(t, i, k) ((t)->rows[i][k])

/* Build t's index over column key; 0 or -1 on OOM. */
static int
table_index(struct table *t, size_t key)
{
	size_t i, b;

	t->key = key;
	for (t->nb = 16; t->nb < t->n * 2; t->nb *= 2)
		;
	if ((t->head = malloc(t->nb * sizeof *t->head)) == NULL ||
	    (t->next = malloc((t->n + 1) * sizeof *t->next)) == NULL)
		return -1;
	for (b = 0; b < t->nb; b++)
		t->head[b] = NONE;
	for (i = t->n; i-- > 0;) {
		b = hash_str(CELL(t, i, key)) & (t->nb - 1);
		t->next[i] = t->head[b];
		t->head[b] = i;
	}
	return 0;
}

/* The first row from i on (in its chain) whose key column is v. */
static size_t
chain_from(const struct table *t, size_t i, const char *v)
{
	while (i != NONE && strcmp(CELL(t, i, t->key), v) != 0)
		i = t->next[i];
	return i;
}

/* The first row of t whose key column is v (NONE when none, or v is
 * empty); then the next one after row i. */
static size_t
first_row(const struct table *t, const char *v)
{
	if (*v == '\0' || t->head == NULL)
		return NONE;
	return chain_from(t, t->head[hash_str(v) & (t->nb - 1)], v);
}

static size_t
next_row(const struct table *t, size_t i, const char *v)
{
	return chain_from(t, t->next[i], v);
}

/* A set of strings (borrowed) with a number each, open addressing. */
struct strmap {
	const char **k;
	size_t *v;
	size_t n, cap;
};

static void
strmap_free(struct strmap *m)
{
	free(m->k);
	free(m->v);
	memset(m, 0, sizeof *m);
}

/* The slot of key in m: where it is, or the empty one it would take. */
static size_t
strmap_slot(const struct strmap *m, const char *key)
{
	size_t i = hash_str(key) & (m->cap - 1);

	while (m->k[i] != NULL && strcmp(m->k[i], key) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

/* The number of key, or NONE. */
static size_t
strmap_get(const struct strmap *m, const char *key)
{
	size_t i;

	if (m->cap == 0)
		return NONE;
	i = strmap_slot(m, key);
	return m->k[i] != NULL ? m->v[i] : NONE;
}

/* Add key (kept when there) with number v; 0 or -1 on OOM. */
static int
strmap_put(struct strmap *m, const char *key, size_t v)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct strmap nm;
		size_t j;

		nm.cap = m->cap ? m->cap * 2 : 64;
		nm.n = 0;
		if ((nm.k = calloc(nm.cap, sizeof *nm.k)) == NULL ||
		    (nm.v = calloc(nm.cap, sizeof *nm.v)) == NULL) {
			free(nm.k);
			return -1;
		}
		for (j = 0; j < m->cap; j++) {
			if (m->k[j] == NULL)
				continue;
			i = strmap_slot(&nm, m->k[j]);
			nm.k[i] = m->k[j];
			nm.v[i] = m->v[j];
			nm.n++;
		}
		strmap_free(m);
		*m = nm;
	}
	i = strmap_slot(m, key);
	if (m->k[i] == NULL) {
		m->k[i] = key;
		m->v[i] = v;
		m->n++;
	}
	return 0;
}

/*
 * Read DIR/file keeping the columns cols (absent columns read as "").
 * A missing optional file is an empty table.  0 or -code.
 */
static int
table_load(const char *dir, const char *file, const char *const *cols,
    size_t ncols, size_t key, int required, struct table *t,
    struct psw_err *e)
{
	struct psw_csv c;
	char path[4200];
	size_t k;
	int rc;

	memset(t, 0, sizeof *t);
	t->cols = cols;
	t->ncols = ncols;
	snprintf(t->name, sizeof t->name, "%s/%s", dir, file);
	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (access(path, F_OK) < 0 && errno == ENOENT) {
		if (required)
			return psw_error(e, PSW_EDATA, "'%s' is missing (an "
			    "HSDS folder needs at least services.csv)",
			    t->name);
		return table_index(t, key) < 0 ? psw_error(e, PSW_EIO,
		    "out of memory") : 0;
	}
	if ((rc = psw_csv_open_file(&c, path, t->name, e)) < 0 ||
	    (rc = psw_csv_read_header(&c, e)) < 0)
		goto out;
	if (psw_csv_col(&c, "id") < 0) {
		rc = psw_error_at(e, PSW_EDATA, t->name, 1, 0, "no 'id' "
		    "column in the header");
		goto out;
	}
	while ((rc = psw_csv_next(&c, e)) == 1) {
		char **row;

		if (t->n == t->cap) {
			size_t ncap = t->cap ? t->cap * 2 : 64;
			char ***nr = realloc(t->rows, ncap * sizeof *nr);
			int *nl = realloc(t->lines, ncap * sizeof *nl);

			if (nr != NULL)
				t->rows = nr;
			if (nl != NULL)
				t->lines = nl;
			if (nr == NULL || nl == NULL)
				goto oom;
			t->cap = ncap;
		}
		if ((row = calloc(ncols, sizeof *row)) == NULL)
			goto oom;
		t->rows[t->n] = row;
		t->lines[t->n] = c.rec_line;
		t->n++;
		for (k = 0; k < ncols; k++)
			if ((row[k] = strdup(psw_csv_get(&c, cols[k]))) ==
			    NULL)
				goto oom;
	}
	if (rc == 0 && table_index(t, key) < 0)
		goto oom;
out:
	psw_csv_release(&c);
	return rc < 0 ? rc : 0;
oom:
	psw_csv_release(&c);
	return psw_error(e, PSW_EIO, "out of memory");
}

/* --- The HSDS tables psw reads ------------------------------------- */

enum { S_ID, S_ORG, S_NAME, S_DESC, S_URL, S_EMAIL, S_STATUS, S_APP,
    S_FEESD, S_FEES, S_WAIT, S_ELIG, S_N };
static const char *const svc_cols[] = { "id", "organization_id", "name",
	"description", "url", "email", "status", "application_process",
	"fees_description", "fees", "wait_time", "eligibility_description" };
enum { O_ID, O_NAME, O_N };
static const char *const org_cols[] = { "id", "name" };
enum { P_ID, P_SVC, P_NUMBER, P_EXT, P_N };
static const char *const phone_cols[] = { "id", "service_id", "number",
	"extension" };
enum { L_ID, L_SVC, L_NAME, L_CODE, L_N };
static const char *const lang_cols[] = { "id", "service_id", "name", "code" };
enum { A_ID, A_SVC, A_NAME, A_DESC, A_N };
static const char *const area_cols[] = { "id", "service_id", "name",
	"description" };
enum { H_ID, H_SVC, H_DESC, H_BYDAY, H_OPENS, H_CLOSES, H_N };
static const char *const sched_cols[] = { "id", "service_id", "description",
	"byday", "opens_at", "closes_at" };
enum { AT_ID, AT_LINK, AT_TERM, AT_N };
static const char *const attr_cols[] = { "id", "link_id", "taxonomy_term_id" };
enum { T_ID, T_CODE, T_NAME, T_N };
static const char *const term_cols[] = { "id", "code", "name" };
enum { SL_ID, SL_SVC, SL_LOC, SL_N };
static const char *const sal_cols[] = { "id", "service_id", "location_id" };
enum { AD_ID, AD_LOC, AD_1, AD_2, AD_CITY, AD_STATE, AD_POST, AD_COUNTRY,
    AD_N };
static const char *const addr_cols[] = { "id", "location_id", "address_1",
	"address_2", "city", "state_province", "postal_code", "country" };

enum { TB_SVC, TB_ORG, TB_PHONE, TB_LANG, TB_AREA, TB_SCHED, TB_ATTR,
    TB_TERM, TB_SAL, TB_ADDR, TB_N };

static const struct {
	const char *file;
	const char *const *cols;
	size_t ncols, key;	/* key: the column rows are looked up by */
} tables[TB_N] = {
	{ "services.csv", svc_cols, S_N, S_ID },
	{ "organizations.csv", org_cols, O_N, O_ID },
	{ "phones.csv", phone_cols, P_N, P_SVC },
	{ "languages.csv", lang_cols, L_N, L_SVC },
	{ "service_areas.csv", area_cols, A_N, A_SVC },
	{ "schedules.csv", sched_cols, H_N, H_SVC },
	{ "attributes.csv", attr_cols, AT_N, AT_LINK },
	{ "taxonomy_terms.csv", term_cols, T_N, T_ID },
	{ "service_at_location.csv", sal_cols, SL_N, SL_SVC },
	{ "addresses.csv", addr_cols, AD_N, AD_LOC },
};

/* The first row of t whose key column is v; -1 when none. */
static long
find_row(const struct table *t, const char *v)
{
	size_t i = first_row(t, v);

	return i == NONE ? -1 : (long)i;
}

/* HSDS status words to ours: case, spaces around and "temporarily
 * closed" forgiven; NULL if unknown. */
static const char *
map_status(const char *s)
{
	char w[32];
	size_t n, i;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0)
		return "active";
	if (n >= sizeof w)
		return NULL;
	for (i = 0; i < n; i++) {
		w[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') :
		    s[i] == ' ' || s[i] == '_' ? '-' : s[i];
	}
	w[n] = '\0';
	for (i = 0; psw_service_statuses[i] != NULL; i++)
		if (strcmp(w, psw_service_statuses[i]) == 0)
			return psw_service_statuses[i];
	return NULL;
}

/* At most 40 bytes of s for a message, control characters as '?'. */
static const char *
shown(const char *s, char *buf, size_t size)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i < 40 && i + 4 < size; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' :
		    s[i];
	if (s[i] != '\0' && i + 4 <= size) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

/* Check the services table before anything else happens. */
static int
check_services(const struct table *t, struct psw_err *e)
{
	char a[64], b[64];
	size_t i, j;

	for (i = 0; i < t->n; i++) {
		if (*CELL(t, i, S_ID) == '\0')
			return psw_error_at(e, PSW_EDATA, t->name, t->lines[i],
			    0, "service without an id");
		if (*CELL(t, i, S_NAME) == '\0')
			return psw_error_at(e, PSW_EDATA, t->name, t->lines[i],
			    0, "service '%s' has no name",
			    shown(CELL(t, i, S_ID), a, sizeof a));
		if (map_status(CELL(t, i, S_STATUS)) == NULL)
			return psw_error_at(e, PSW_EDATA, t->name, t->lines[i],
			    0, "service '%s': status must be active, "
			    "inactive, defunct or temporarily closed, not "
			    "'%s'", shown(CELL(t, i, S_ID), a, sizeof a),
			    shown(CELL(t, i, S_STATUS), b, sizeof b));
		if ((j = first_row(t, CELL(t, i, S_ID))) != i)
			return psw_error_at(e, PSW_EDATA, t->name,
			    t->lines[i], 0, "service id '%s' appears "
			    "twice (first on line %d)",
			    shown(CELL(t, i, S_ID), a, sizeof a),
			    t->lines[j]);
	}
	return 0;
}

/* --- Building the service documents -------------------------------- */

/* A file id from a name: lower-case ASCII words joined by '-'. */
static void
slug(const char *name, char *out, size_t size)
{
	size_t n = 0;
	int dash = 0;

	for (; *name != '\0' && n + 1 < size && n < 48; name++) {
		char ch = *name;

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
			if (dash && n > 0)
				out[n++] = '-';
			dash = 0;
			if (n + 1 < size)
				out[n++] = ch;
		} else
			dash = 1;
	}
	while (n > 0 && out[n - 1] == '-')
		n--;
	out[n] = '\0';
	if (n == 0)
		snprintf(out, size, "service");
}

/* map[key] = text, or remove key when text is empty. */
static int
set_text(struct psw_doc *doc, struct psw_node *map, const char *key,
    const char *text, int style)
{
	if (text == NULL || *text == '\0') {
		psw_map_remove(map, key);
		return 0;
	}
	return psw_map_set_str(doc, map, key, text, style) ? 0 : -1;
}

/* map[key] = a flow list, or remove key when empty. */
static int
set_list(struct psw_doc *doc, struct psw_node *map, const char *key,
    struct psw_node *seq)
{
	if (seq == NULL)
		return -1;
	if (seq->count == 0) {
		psw_map_remove(map, key);
		return 0;
	}
	return psw_map_set(doc, map, key, seq) ? 0 : -1;
}

/* Append s to seq unless it is empty or there already. */
static int
add_item(struct psw_doc *doc, struct psw_node *seq, const char *s)
{
	struct psw_node *it;

	if (seq == NULL || *s == '\0')
		return 0;
	for (it = seq->head; it != NULL; it = it->next)
		if (strcmp(it->str, s) == 0)
			return 0;
	if ((it = psw_node_scalar(doc, s, PSW_STRING)) == NULL)
		return -1;
	psw_seq_append(seq, it);
	return 0;
}

/* Join the non-empty parts with sep into b. */
static const char *
join_parts(struct psw_buf *b, const char *sep, const char *const *parts,
    size_t n)
{
	size_t i;

	psw_buf_reset(b);
	psw_buf_adds(b, "");
	for (i = 0; i < n; i++) {
		if (parts[i] == NULL || *parts[i] == '\0')
			continue;
		if (b->len > 0)
			psw_buf_adds(b, sep);
		psw_buf_adds(b, parts[i]);
	}
	return b->s;
}

/* Write the HSDS fields of service row i into the document's root. */
static int
fill(struct psw_doc *doc, struct table *tb, size_t i)
{
	struct psw_node *root = psw_doc_root(doc), *seq;
	const struct table *s = &tb[TB_SVC];
	const char *sid = CELL(s, i, S_ID);
	struct psw_buf b = PSW_BUF_INIT;
	const char *fees;
	long r;
	size_t j;
	int rc = 0;

	r = find_row(&tb[TB_ORG], CELL(s, i, S_ORG));
	rc |= set_text(doc, root, "name", CELL(s, i, S_NAME), PSW_STRING);
	rc |= set_text(doc, root, "organisation", r < 0 ? "" :
	    CELL(&tb[TB_ORG], r, O_NAME), PSW_STRING);
	rc |= set_text(doc, root, "status", map_status(CELL(s, i, S_STATUS)),
	    PSW_PLAIN);
	rc |= set_text(doc, root, "description", CELL(s, i, S_DESC),
	    PSW_STRING);
	rc |= set_text(doc, root, "email", CELL(s, i, S_EMAIL), PSW_STRING);
	rc |= set_text(doc, root, "url", CELL(s, i, S_URL), PSW_STRING);

	seq = psw_node_seq(doc, 1);
	for (j = first_row(&tb[TB_PHONE], sid); j != NONE;
	    j = next_row(&tb[TB_PHONE], j, sid)) {
		const struct table *p = &tb[TB_PHONE];
		const char *parts[2];

		parts[0] = CELL(p, j, P_NUMBER);
		parts[1] = CELL(p, j, P_EXT);
		if (*parts[0] == '\0')
			continue;
		psw_buf_reset(&b);
		psw_buf_adds(&b, parts[0]);
		if (*parts[1] != '\0')
			psw_buf_addf(&b, " ext. %s", parts[1]);
		rc |= add_item(doc, seq, b.s ? b.s : "");
	}
	rc |= set_list(doc, root, "phones", seq);

	/* The address of the service's first location that has one. */
	psw_buf_reset(&b);
	psw_buf_adds(&b, "");
	for (j = first_row(&tb[TB_SAL], sid); j != NONE && b.len == 0;
	    j = next_row(&tb[TB_SAL], j, sid)) {
		const struct table *a = &tb[TB_ADDR];
		long ad;

		ad = find_row(a, CELL(&tb[TB_SAL], j, SL_LOC));
		if (ad >= 0) {
			const char *parts[] = { CELL(a, ad, AD_1),
			    CELL(a, ad, AD_2), CELL(a, ad, AD_CITY),
			    CELL(a, ad, AD_STATE), CELL(a, ad, AD_POST),
			    CELL(a, ad, AD_COUNTRY) };

			join_parts(&b, ", ", parts, 6);
		}
	}
	rc |= set_text(doc, root, "address", b.s, PSW_STRING);
	rc |= set_text(doc, root, "eligibility", CELL(s, i, S_ELIG),
	    PSW_STRING);
	rc |= set_text(doc, root, "application-process", CELL(s, i, S_APP),
	    PSW_STRING);
	fees = *CELL(s, i, S_FEESD) ? CELL(s, i, S_FEESD) : CELL(s, i, S_FEES);
	rc |= set_text(doc, root, "fees", fees, PSW_STRING);
	rc |= set_text(doc, root, "wait-time", CELL(s, i, S_WAIT), PSW_STRING);

	seq = psw_node_seq(doc, 1);
	for (j = first_row(&tb[TB_LANG], sid); j != NONE;
	    j = next_row(&tb[TB_LANG], j, sid))
			rc |= add_item(doc, seq, *CELL(&tb[TB_LANG], j, L_NAME) ?
			    CELL(&tb[TB_LANG], j, L_NAME) :
			    CELL(&tb[TB_LANG], j, L_CODE));
	rc |= set_list(doc, root, "languages", seq);

	psw_buf_reset(&b);
	psw_buf_adds(&b, "");
	for (j = first_row(&tb[TB_SCHED], sid); j != NONE;
	    j = next_row(&tb[TB_SCHED], j, sid)) {
		const struct table *h = &tb[TB_SCHED];
		const char *txt = CELL(h, j, H_DESC);
		char when[256];

		if (*txt == '\0' && *CELL(h, j, H_OPENS) != '\0') {
			snprintf(when, sizeof when, "%s%s%s-%s",
			    CELL(h, j, H_BYDAY), *CELL(h, j, H_BYDAY) ? " " :
			    "", CELL(h, j, H_OPENS), CELL(h, j, H_CLOSES));
			txt = when;
		}
		if (*txt == '\0')
			continue;
		if (b.len > 0)
			psw_buf_adds(&b, "\n");
		psw_buf_adds(&b, txt);
	}
	rc |= set_text(doc, root, "schedule", b.s, PSW_STRING);

	seq = psw_node_seq(doc, 1);
	for (j = first_row(&tb[TB_ATTR], sid); j != NONE;
	    j = next_row(&tb[TB_ATTR], j, sid)) {
		long t;

		t = find_row(&tb[TB_TERM],
		    CELL(&tb[TB_ATTR], j, AT_TERM));
		if (t >= 0)
			rc |= add_item(doc, seq, *CELL(&tb[TB_TERM], t, T_NAME) ?
			    CELL(&tb[TB_TERM], t, T_NAME) :
			    CELL(&tb[TB_TERM], t, T_CODE));
	}
	rc |= set_list(doc, root, "taxonomy", seq);

	psw_buf_reset(&b);
	psw_buf_adds(&b, "");
	for (j = first_row(&tb[TB_AREA], sid); j != NONE;
	    j = next_row(&tb[TB_AREA], j, sid)) {
		const struct table *a = &tb[TB_AREA];

		if (b.len > 0)
			psw_buf_adds(&b, "; ");
		psw_buf_adds(&b, *CELL(a, j, A_NAME) ? CELL(a, j, A_NAME) :
		    CELL(a, j, A_DESC));
	}
	rc |= set_text(doc, root, "service-area", b.s, PSW_STRING);
	rc |= set_text(doc, root, "hsds-id", sid, PSW_STRING);
	rc |= set_text(doc, root, "hsds-organization-id", CELL(s, i, S_ORG),
	    PSW_STRING);
	if (b.oom)
		rc = -1;
	psw_buf_release(&b);
	return rc ? -1 : 0;
}

/* --- Import --------------------------------------------------------- */

struct pending {
	char id[PSW_ID_MAX + 1];
	char *path;
	struct psw_buf text;
	int is_new, same;
};

/* Read a whole small file into b; 0 or -1. */
static int
read_all(const char *path, struct psw_buf *b)
{
	char chunk[8192];
	size_t n;
	FILE *fp;

	if ((fp = fopen(path, "re")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		psw_buf_add(b, chunk, n);
	fclose(fp);
	return b->oom ? -1 : 0;
}

int
psw_hsds_import(struct psw_store *st, const char *dir,
    struct psw_hsds_stats *stats, struct psw_err *e)
{
	struct table tb[TB_N];
	struct pending *pv = NULL;
	struct psw_lock lk = { 0 };
	struct strmap taken = { 0 }, byhsds = { 0 };
	char **ids = NULL, **hsds_of = NULL, *sdir = NULL, lockpath[4200];
	size_t nids = 0, i, k, np = 0;
	int rc = 0;

	memset(tb, 0, sizeof tb);
	memset(stats, 0, sizeof *stats);
	for (k = 0; k < TB_N && rc == 0; k++)
		rc = table_load(dir, tables[k].file, tables[k].cols,
		    tables[k].ncols, tables[k].key, k == TB_SVC, &tb[k], e);
	if (rc < 0)
		goto out;
	if ((rc = check_services(&tb[TB_SVC], e)) < 0)
		goto out;

	/* One lock for the whole directory while we plan and write. */
	if ((sdir = psw_service_dir(st)) == NULL) {
		rc = psw_error(e, PSW_EIO, "out of memory");
		goto out;
	}
	if (mkdir(sdir, 0700) < 0 && errno != EEXIST) {
		rc = psw_error_errno(e, PSW_EIO, errno, "cannot create "
		    "folder '%s'", sdir);
		goto out;
	}
	snprintf(lockpath, sizeof lockpath, "%s/.lock", sdir);
	if ((rc = psw_lock_take(st, &lk, lockpath, st->set.lock_timeout_ms,
	    e)) < 0)
		goto out;
	if ((rc = psw_service_ids(st, &ids, &nids, e)) < 0)
		goto out;
	/* The hsds-id of every existing service (NULL when it has none:
	 * a service added by hand, never touched).  A file that is not
	 * even YAML stops the import: it might be one of these services,
	 * and a second copy would be made. */
	if ((hsds_of = calloc(nids + 1, sizeof *hsds_of)) == NULL ||
	    (pv = calloc(tb[TB_SVC].n + 1, sizeof *pv)) == NULL) {
		rc = psw_error(e, PSW_EIO, "out of memory");
		goto out;
	}
	for (i = 0; i < nids; i++) {
		struct psw_doc *doc;
		const char *h;
		char name[96], *path;

		psw_service_name(ids[i], name, sizeof name);
		if ((path = psw_service_path(st, ids[i])) == NULL) {
			rc = psw_error(e, PSW_EIO, "out of memory");
			goto out;
		}
		rc = psw_doc_load_file(path, name, &doc, e);
		free(path);
		if (rc < 0) {
			size_t n = strlen(e->msg);

			if (rc == -PSW_EDATA)
				snprintf(e->msg + n, sizeof e->msg - n, " (fix "
				    "it before importing: it might hold one of "
				    "the services)");
			goto out;
		}
		h = psw_map_get_str(psw_doc_root(doc), "hsds-id");
		if ((h != NULL && (hsds_of[i] = strdup(h)) == NULL) ||
		    strmap_put(&taken, ids[i], i) < 0 ||
		    (hsds_of[i] != NULL && strmap_put(&byhsds, hsds_of[i],
		    i) < 0)) {
			psw_doc_free(doc);
			rc = psw_error(e, PSW_EIO, "out of memory");
			goto out;
		}
		psw_doc_free(doc);
	}

	/* Plan every file in memory, validated, before writing any. */
	for (i = 0; i < tb[TB_SVC].n; i++) {
		const char *sid = CELL(&tb[TB_SVC], i, S_ID);
		struct pending *p = &pv[np];
		struct psw_diags d = PSW_DIAGS_INIT;
		struct psw_buf old = PSW_BUF_INIT;
		struct psw_service *s;
		struct psw_doc *doc = NULL;
		char name[96], base[PSW_ID_MAX + 1];
		size_t found;
		int n2;

		found = strmap_get(&byhsds, sid);
		if (found == NONE && (k = strmap_get(&taken, sid)) < nids &&
		    hsds_of[k] == NULL) {
			/* A service added here by hand, exported and now
			 * read back: it is the same one; leave it be. */
			stats->kept++;
			continue;
		}
		if (found != NONE) {
			snprintf(p->id, sizeof p->id, "%s", ids[found]);
			if ((rc = psw_service_load(st, p->id, &doc, &s,
			    e)) < 0)
				goto plan_fail;
		} else {
			slug(CELL(&tb[TB_SVC], i, S_NAME), base, 40);
			snprintf(p->id, sizeof p->id, "%s", base);
			for (n2 = 2; strmap_get(&taken, p->id) != NONE; n2++) {
				char tmp[PSW_ID_MAX + 16];

				snprintf(tmp, sizeof tmp, "%.40s-%d", base, n2);
				memcpy(p->id, tmp, strlen(tmp) + 1);
			}
			p->is_new = 1;
			psw_service_name(p->id, name, sizeof name);
			doc = psw_service_new_doc(name, p->id,
			    CELL(&tb[TB_SVC], i, S_NAME));
		}
		if (strmap_put(&taken, p->id, nids + np) < 0) {
			rc = psw_error(e, PSW_EIO, "out of memory");
			goto plan_fail;
		}
		psw_service_name(p->id, name, sizeof name);
		if (doc == NULL || fill(doc, tb, i) < 0 ||
		    (p->path = psw_service_path(st, p->id)) == NULL) {
			rc = psw_error(e, PSW_EIO, "out of memory");
			goto plan_fail;
		}
		rc = psw_service_read(doc, p->id, &s, &d);
		if (rc == -PSW_EDATA) {
			psw_diags_first(&d, name, e);
			psw_error_at(e, PSW_EDATA, tb[TB_SVC].name,
			    tb[TB_SVC].lines[i], 0, "service '%s' would make "
			    "an invalid %s: %s", shown(sid, base, sizeof base),
			    name, d.n ? d.v[0].msg :
			    "");
			goto plan_fail;
		}
		if (rc < 0 || (rc = psw_doc_emit(doc, &p->text, e)) < 0) {
			rc = psw_error(e, PSW_EIO, "out of memory");
			goto plan_fail;
		}
		if (!p->is_new && read_all(p->path, &old) == 0 &&
		    old.len == p->text.len &&
		    memcmp(old.s, p->text.s, old.len) == 0)
			p->same = 1;
		psw_buf_release(&old);
		psw_diags_release(&d);
		psw_doc_free(doc);
		np++;
		continue;
plan_fail:
		psw_diags_release(&d);
		psw_doc_free(doc);
		np++;
		goto out;
	}

	/* Write every temporary file, then the audit line, then rename. */
	for (i = 0; i < np; i++) {
		char name[96];

		if (pv[i].same)
			continue;
		psw_service_name(pv[i].id, name, sizeof name);
		if ((rc = psw_write_tmp(pv[i].path, name, pv[i].text.s,
		    pv[i].text.len, e)) < 0) {
			while (i-- > 0)
				if (!pv[i].same)
					psw_discard(pv[i].path);
			goto out;
		}
	}
	for (i = 0; i < np; i++) {
		if (pv[i].same)
			stats->unchanged++;
		else if (pv[i].is_new)
			stats->added++;
		else
			stats->updated++;
	}
	if (stats->added + stats->updated > 0 &&
	    (rc = psw_audit(st, "import-hsds", "services", e)) < 0) {
		for (i = 0; i < np; i++)
			if (!pv[i].same)
				psw_discard(pv[i].path);
		goto out;
	}
	for (i = 0; i < np; i++) {
		char name[96];
		struct psw_err re;

		if (pv[i].same)
			continue;
		psw_service_name(pv[i].id, name, sizeof name);
		if (psw_replace(pv[i].path, name, &re) < 0 && rc == 0) {
			*e = re;
			rc = -re.code;
		}
	}
out:
	psw_lock_release(&lk);
	strmap_free(&taken);
	strmap_free(&byhsds);
	for (k = 0; k < TB_N; k++)
		table_free(&tb[k]);
	for (i = 0; pv != NULL && i < np; i++) {
		free(pv[i].path);
		psw_buf_release(&pv[i].text);
	}
	free(pv);
	for (i = 0; hsds_of != NULL && i < nids; i++)
		free(hsds_of[i]);
	free(hsds_of);
	psw_service_ids_free(ids);
	free(sdir);
	return rc;
}

/* --- Export --------------------------------------------------------- */

/* Write buffer b as DIR/file atomically. */
static int
put_file(const char *dir, const char *file, struct psw_buf *b,
    struct psw_err *e)
{
	char path[4200];

	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (b->oom)
		return psw_error(e, PSW_EIO, "out of memory");
	return psw_write_atomic(path, path, b->s ? b->s : "", b->len, e);
}

/* A row from NULL-terminated cells. */
static void
row(struct psw_buf *b, const char *a, const char *bb, const char *c,
    const char *d)
{
	const char *cells[4] = { a, bb, c, d };
	size_t n = d ? 4 : c ? 3 : 2;

	psw_csv_put_row(b, cells, n);
}

int
psw_hsds_export(struct psw_store *st, const char *dir, size_t *count,
    struct psw_err *e)
{
	enum { F_SVC, F_ORG, F_PHONE, F_LANG, F_AREA, F_SCHED, F_TERM, F_ATTR,
	    F_LOC, F_ADDR, F_SAL, F_N };
	static const char *const files[F_N] = { "services.csv",
		"organizations.csv", "phones.csv", "languages.csv",
		"service_areas.csv", "schedules.csv", "taxonomy_terms.csv",
		"attributes.csv", "locations.csv", "addresses.csv",
		"service_at_location.csv" };
	static const char *const svc_head[] = { "id", "organization_id",
		"name", "description", "url", "email", "status",
		"application_process", "fees_description", "wait_time",
		"eligibility_description" };
	struct psw_buf out[F_N], orgs_seen = PSW_BUF_INIT,
	    terms_seen = PSW_BUF_INIT;
	char **ids = NULL, id2[200];
	size_t nids, i, j, k;
	int rc = 0;

	*count = 0;
	for (k = 0; k < F_N; k++)
		memset(&out[k], 0, sizeof out[k]);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return psw_error_errno(e, PSW_EIO, errno, "cannot create "
		    "folder '%s'", dir);
	if ((rc = psw_service_ids(st, &ids, &nids, e)) < 0)
		return rc;
	psw_csv_put_row(&out[F_SVC], svc_head, 11);
	row(&out[F_ORG], "id", "name", NULL, NULL);
	row(&out[F_PHONE], "id", "service_id", "number", NULL);
	row(&out[F_LANG], "id", "service_id", "name", NULL);
	row(&out[F_AREA], "id", "service_id", "name", NULL);
	row(&out[F_SCHED], "id", "service_id", "description", NULL);
	row(&out[F_TERM], "id", "code", "name", NULL);
	row(&out[F_ATTR], "id", "link_id", "taxonomy_term_id", NULL);
	row(&out[F_LOC], "id", "name", NULL, NULL);
	row(&out[F_ADDR], "id", "location_id", "address_1", NULL);
	row(&out[F_SAL], "id", "service_id", "location_id", NULL);
	psw_buf_adds(&orgs_seen, "\n");
	psw_buf_adds(&terms_seen, "\n");
	for (i = 0; i < nids; i++) {
		struct psw_service *s;
		struct psw_doc *doc;
		struct psw_err le;
		const char *sid, *org = NULL, *status;
		char orgid[200], key[300];

		if (psw_service_load(st, ids[i], &doc, &s, &le) < 0) {
			char line[PSW_ERR_MSG + 600];

			psw_store_warn(st, "%s (not exported)",
			    psw_err_format(&le, line, sizeof line));
			continue;
		}
		if (s->removed != NULL) {
			psw_doc_free(doc);
			continue;
		}
		sid = s->hsds_id ? s->hsds_id : s->id;
		if (s->organisation != NULL) {
			if (s->hsds_org_id != NULL)
				snprintf(orgid, sizeof orgid, "%s",
				    s->hsds_org_id);
			else {
				slug(s->organisation, orgid, 60);
				memmove(orgid + 4, orgid, strlen(orgid) + 1);
				memcpy(orgid, "org-", 4);
			}
			org = orgid;
			snprintf(key, sizeof key, "\n%s\n", orgid);
			if (strstr(orgs_seen.s, key) == NULL) {
				psw_buf_adds(&orgs_seen, key + 1);
				row(&out[F_ORG], orgid, s->organisation, NULL,
				    NULL);
			}
		}
		status = strcmp(s->status, "temporarily-closed") == 0 ?
		    "temporarily closed" : s->status;
		{
			const char *cells[11] = { sid, org, s->name,
			    s->description, s->url, s->email, status,
			    s->application, s->fees, s->wait_time,
			    s->eligibility };

			psw_csv_put_row(&out[F_SVC], cells, 11);
		}
		for (j = 0; j < s->nphones; j++) {
			snprintf(id2, sizeof id2, "%s-phone-%zu", sid, j + 1);
			row(&out[F_PHONE], id2, sid, s->phones[j], NULL);
		}
		for (j = 0; j < s->nlanguages; j++) {
			snprintf(id2, sizeof id2, "%s-language-%zu", sid,
			    j + 1);
			row(&out[F_LANG], id2, sid, s->languages[j], NULL);
		}
		if (s->area != NULL) {
			snprintf(id2, sizeof id2, "%s-area-1", sid);
			row(&out[F_AREA], id2, sid, s->area, NULL);
		}
		if (s->schedule != NULL) {
			snprintf(id2, sizeof id2, "%s-schedule-1", sid);
			row(&out[F_SCHED], id2, sid, s->schedule, NULL);
		}
		if (s->address != NULL) {
			char loc[220];

			snprintf(loc, sizeof loc, "%s-location-1", sid);
			row(&out[F_LOC], loc, s->name, NULL, NULL);
			snprintf(id2, sizeof id2, "%s-address-1", sid);
			row(&out[F_ADDR], id2, loc, s->address, NULL);
			snprintf(id2, sizeof id2, "%s-at-location-1", sid);
			row(&out[F_SAL], id2, sid, loc, NULL);
		}
		for (j = 0; j < s->ntaxonomy; j++) {
			char term[200];

			slug(s->taxonomy[j], term + 5, sizeof term - 5);
			memcpy(term, "term-", 5);
			snprintf(key, sizeof key, "\n%s\n", term);
			if (strstr(terms_seen.s, key) == NULL) {
				psw_buf_adds(&terms_seen, key + 1);
				row(&out[F_TERM], term, term + 5,
				    s->taxonomy[j], NULL);
			}
			snprintf(id2, sizeof id2, "%s-attribute-%zu", sid,
			    j + 1);
			row(&out[F_ATTR], id2, sid, term, NULL);
		}
		psw_doc_free(doc);
		(*count)++;
	}
	for (k = 0; k < F_N && rc == 0; k++)
		rc = put_file(dir, files[k], &out[k], e);
	if (rc == 0 && (orgs_seen.oom || terms_seen.oom))
		rc = psw_error(e, PSW_EIO, "out of memory");
	if (rc == 0)
		rc = psw_audit(st, "export-hsds", "services", e);
	for (k = 0; k < F_N; k++)
		psw_buf_release(&out[k]);
	psw_buf_release(&orgs_seen);
	psw_buf_release(&terms_seen);
	psw_service_ids_free(ids);
	return rc;
}
