/*
 * test_hsds.c - the service directory library: reading and validating a
 * service file, the safe full-text query, HSDS import (new, re-import in
 * place, services added by hand, slug collisions, malformed input that
 * writes nothing) and export with its round trip; and a few thousand
 * random CSV texts, none of which may crash the importer or leave a
 * partial import behind.
 *
 * Each test works in its own temporary case folder, removed afterwards.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "doc.h"
#include "error.h"
#include "hsds.h"
#include "service.h"
#include "store.h"

struct fx {
	char dir[64];		/* the case folder */
	char in[80];		/* an HSDS folder to import */
	struct psw_store st;
};

static void
remove_tree(const char *path)
{
	struct dirent *de;
	struct stat sb;
	char sub[4096];
	DIR *dir;

	if (lstat(path, &sb) < 0)
		return;
	if (S_ISDIR(sb.st_mode)) {
		if ((dir = opendir(path)) != NULL) {
			while ((de = readdir(dir)) != NULL) {
				if (strcmp(de->d_name, ".") == 0 ||
				    strcmp(de->d_name, "..") == 0)
					continue;
				snprintf(sub, sizeof sub, "%s/%s", path,
				    de->d_name);
				remove_tree(sub);
			}
			closedir(dir);
		}
		rmdir(path);
	} else
		unlink(path);
}

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof *fx);
	struct psw_err e;

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof fx->dir, "/tmp/psw-hsds.XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->in, sizeof fx->in, "%s/in", fx->dir);
	if (mkdir(fx->in, 0700) < 0 ||
	    psw_store_open(&fx->st, fx->dir, 0, "test_hsds", &e) < 0)
		return -1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	psw_store_release(&fx->st);
	remove_tree(fx->dir);
	free(fx);
	return 0;
}

/* Write text to DIR/name. */
static void
put(const char *dir, const char *name, const char *text, size_t len)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "wb"));
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

#define PUT(dir, name, text) put(dir, name, text, strlen(text))

/* The whole of a file in the case folder's services, or NULL. */
static char *
slurp(const struct fx *fx, const char *id)
{
	struct psw_buf b = PSW_BUF_INIT;
	char path[256], chunk[4096];
	size_t n;
	FILE *fp;

	snprintf(path, sizeof path, "%s/services/%s.yaml", fx->dir, id);
	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		psw_buf_add(&b, chunk, n);
	fclose(fp);
	psw_buf_adds(&b, "");
	return psw_buf_detach(&b);
}

/* How many service files there are. */
static size_t
count(const struct fx *fx)
{
	struct psw_err e;
	char **ids;
	size_t n;

	assert_int_equal(psw_service_ids(&fx->st, &ids, &n, &e), 0);
	psw_service_ids_free(ids);
	return n;
}

/* --- service files -------------------------------------------------- */

/* Read text as a service file expecting id; the number of problems. */
static size_t
problems(const char *text, const char *id, char *first, size_t size)
{
	struct psw_diags d = PSW_DIAGS_INIT;
	struct psw_service *s;
	struct psw_doc *doc;
	struct psw_err e;
	size_t n;

	assert_int_equal(psw_doc_load_mem(text, strlen(text), "s.yaml", &doc,
	    &e), 0);
	psw_service_read(doc, id, &s, &d);
	n = d.n;
	if (first != NULL)
		snprintf(first, size, "%d:%d: %s", n ? d.v[0].line : 0,
		    n ? d.v[0].col : 0, n ? d.v[0].msg : "");
	psw_diags_release(&d);
	psw_doc_free(doc);
	return n;
}

static void
test_service_read(void **state)
{
	struct psw_diags d = PSW_DIAGS_INIT;
	struct psw_service *s;
	struct psw_doc *doc;
	struct psw_err e;
	const char *ok = "psw: 1\nid: gp\nname: GP\nphones: [\"1\", \"2\"]\n"
	    "languages: Greek\ntaxonomy: [health]\nx-mine: {a: 1}\n";
	char msg[600];

	(void)state;
	assert_int_equal(psw_doc_load_mem(ok, strlen(ok), "s.yaml", &doc, &e),
	    0);
	assert_int_equal(psw_service_read(doc, "gp", &s, &d), 0);
	assert_string_equal(s->status, "active");	/* the default */
	assert_int_equal(s->nphones, 2);
	assert_string_equal(s->phones[1], "2");
	assert_int_equal(s->nlanguages, 1);	/* one scalar is a list */
	assert_string_equal(s->languages[0], "Greek");
	assert_null(s->removed);
	psw_doc_free(doc);

	assert_int_equal(problems("name: X\n", NULL, msg, sizeof msg), 1);
	assert_non_null(strstr(msg, "'id' is missing"));
	assert_int_equal(problems("id: a\nname: X\n", "b", msg, sizeof msg),
	    1);
	assert_non_null(strstr(msg, "1:5: 'id' is 'a' but the file name"));
	assert_int_equal(problems("id: a\n", "a", msg, sizeof msg), 1);
	assert_non_null(strstr(msg, "'name' is missing"));
	assert_int_equal(problems("id: a\nname: X\nstatus: open\n", "a", msg,
	    sizeof msg), 1);
	assert_non_null(strstr(msg, "3:9: 'status' must be"));
	assert_int_equal(problems("id: a\nname: X\nreferral-method: fax\n",
	    "a", msg, sizeof msg), 1);
	assert_int_equal(problems("id: a\nname: X\nremoved: soon\n", "a",
	    msg, sizeof msg), 1);
	assert_non_null(strstr(msg, "'removed' is not a date"));
	assert_int_equal(problems("id: a\nname: X\nphones: {a: 1}\n", "a",
	    msg, sizeof msg), 1);
	assert_int_equal(problems("id: a\nname: [X]\n", "a", msg, sizeof msg),
	    2);			/* not text, and so missing */
	assert_int_equal(problems("psw: 2\nid: A\nname: X\n", NULL, msg,
	    sizeof msg), 2);
	assert_int_equal(problems("- a\n", NULL, msg, sizeof msg), 1);
	assert_int_equal(psw_service_id_check("a b", &e), -PSW_EUSAGE);
	assert_int_equal(psw_service_id_check("ok-1", &e), 0);
}

static void
test_fts_query(void **state)
{
	struct psw_buf q = PSW_BUF_INIT;

	(void)state;
	assert_int_equal(psw_fts_query("couns", &q), 1);
	assert_string_equal(q.s, "\"couns\"*");
	assert_int_equal(psw_fts_query("NEAR(a OR \"b\" c:d*", &q), 6);
	assert_string_equal(q.s, "\"NEAR\"* \"a\"* \"OR\"* \"b\"* \"c\"* "
	    "\"d\"*");
	assert_int_equal(psw_fts_query("  \"*() - ^ ", &q), 0);
	assert_int_equal(psw_fts_query("", &q), 0);
	assert_int_equal(psw_fts_query("Café 中文", &q), 2);
	assert_string_equal(q.s, "\"Café\"* \"中文\"*");
	psw_buf_release(&q);
}

/* --- import ------------------------------------------------------------ */

static void
test_import(void **state)
{
	struct fx *fx = *state;
	struct psw_hsds_stats st;
	struct psw_err e;
	char *a, *b;

	PUT(fx->in, "services.csv", "id,organization_id,name,status,"
	    "description\r\ns1,o1,Night Shelter,Temporarily Closed,\"Beds, "
	    "meals\nand \"\"showers\"\"\"\r\ns2,,Night Shelter,,\r\n"
	    "s3,o9,Day Centre,active,\r\n");
	PUT(fx->in, "organizations.csv", "id,name\no1,Trust\n");
	PUT(fx->in, "phones.csv", "id,service_id,number,extension\n"
	    "p1,s1,01,2\np2,s1,01,2\np3,s3,,9\n");
	PUT(fx->in, "attributes.csv", "id,link_id,taxonomy_term_id\n"
	    "a1,s1,t1\na2,s1,t2\na3,s1,t9\n");
	PUT(fx->in, "taxonomy_terms.csv", "id,code,name\nt1,hou,Housing\n"
	    "t2,food,\n");
	PUT(fx->in, "service_at_location.csv", "id,service_id,location_id\n"
	    "x1,s1,l1\n");
	PUT(fx->in, "addresses.csv", "id,location_id,address_1,city\n"
	    "ad1,l1,1 Main St,Northside\n");
	PUT(fx->in, "schedules.csv", "id,service_id,description,byday,"
	    "opens_at,closes_at\nh1,s3,,MO,09:00,17:00\nh2,s3,Fridays too,,,\n");
	PUT(fx->in, "languages.csv", "id,service_id,name,code\n"
	    "l1,s3,,el\nl2,s3,Greek,el\n");
	PUT(fx->in, "service_areas.csv", "id,service_id,name,description\n"
	    "r1,s3,North,\nr2,s3,,South side\n");
	assert_int_equal(psw_hsds_import(&fx->st, fx->in, &st, &e), 0);
	assert_int_equal(st.added, 3);
	assert_int_equal(count(fx), 3);
	a = slurp(fx, "night-shelter");
	assert_non_null(a);
	assert_non_null(strstr(a, "status: temporarily-closed\n"));
	assert_non_null(strstr(a, "organisation: Trust\n"));
	assert_non_null(strstr(a, "phones: ['01 ext. 2']\n"));	/* once */
	assert_non_null(strstr(a, "taxonomy: [Housing, food]\n"));
	assert_non_null(strstr(a, "address: 1 Main St, Northside\n"));
	assert_non_null(strstr(a, "hsds-id: s1\n"));
	assert_non_null(strstr(a, "hsds-organization-id: o1\n"));
	b = slurp(fx, "night-shelter-2");	/* the same name: -2 */
	assert_non_null(b);
	assert_non_null(strstr(b, "hsds-id: s2\n"));
	assert_null(strstr(b, "organisation:"));
	free(b);
	b = slurp(fx, "day-centre");
	assert_non_null(strstr(b, "schedule: |-\n  MO 09:00-17:00\n  Fridays "
	    "too\n"));
	assert_non_null(strstr(b, "languages: [el, Greek]\n"));
	assert_non_null(strstr(b, "service-area: North; South side\n"));
	assert_null(strstr(b, "phones:"));	/* no number, no phone */
	assert_null(strstr(b, "organisation:"));	/* o9 is unknown */
	free(b);

	/* Again: unchanged, byte for byte. */
	assert_int_equal(psw_hsds_import(&fx->st, fx->in, &st, &e), 0);
	assert_int_equal(st.unchanged, 3);
	assert_int_equal(st.added + st.updated, 0);
	b = slurp(fx, "night-shelter");
	assert_string_equal(a, b);
	free(a);
	free(b);
}

static void
test_reimport_in_place(void **state)
{
	struct fx *fx = *state;
	struct psw_hsds_stats st;
	struct psw_err e;
	char path[256], *a;
	FILE *fp;

	PUT(fx->in, "services.csv", "id,name,description\ns1,Shelter,old\n");
	assert_int_equal(psw_hsds_import(&fx->st, fx->in, &st, &e), 0);
	/* Local keys added by hand; a hand-added service of the same
	 * name; and one whose id an HSDS row names. */
	snprintf(path, sizeof path, "%s/services/shelter.yaml", fx->dir);
	assert_non_null(fp = fopen(path, "a"));
	fputs("notes: keep\nreferral-method: phone\nx-own: [1, 2]\n", fp);
	fclose(fp);
	PUT(fx->dir, "services/shelter-local.yaml", "psw: 1\nid: "
	    "shelter-local\nname: Shelter\n");
	PUT(fx->dir, "services/mine.yaml", "psw: 1\nid: mine\nname: Mine\n");
	PUT(fx->in, "services.csv", "id,name,description\ns1,Shelter,new\n"
	    "mine,Mine,from an export\n");
	assert_int_equal(psw_hsds_import(&fx->st, fx->in, &st, &e), 0);
	assert_int_equal(st.updated, 1);
	assert_int_equal(st.kept, 1);
	assert_int_equal(st.added, 0);
	assert_int_equal(count(fx), 3);
	a = slurp(fx, "shelter");
	assert_non_null(strstr(a, "description: new\n"));
	assert_non_null(strstr(a, "notes: keep\nreferral-method: phone\n"
	    "x-own: [1, 2]\n"));
	free(a);
	a = slurp(fx, "mine");
	assert_string_equal(a, "psw: 1\nid: mine\nname: Mine\n");
	free(a);
	a = slurp(fx, "shelter-local");
	assert_string_equal(a, "psw: 1\nid: shelter-local\nname: Shelter\n");
	free(a);

	/* The imported file edited into something invalid: the import
	 * stops at it rather than making a second copy. */
	PUT(fx->dir, "services/shelter.yaml", "psw: 1\nid: shelter\nname: "
	    "Shelter\nstatus: gone\nhsds-id: s1\n");
	assert_int_equal(psw_hsds_import(&fx->st, fx->in, &st, &e),
	    -PSW_EDATA);
	assert_string_equal(e.file, "services/shelter.yaml");
	assert_int_equal(e.line, 4);
	assert_int_equal(count(fx), 3);
	/* Not YAML at all: stopped too. */
	PUT(fx->dir, "services/shelter.yaml", "name: [\n");
	assert_int_equal(psw_hsds_import(&fx->st, fx->in, &st, &e),
	    -PSW_EDATA);
	assert_non_null(strstr(e.msg, "fix it before importing"));
	assert_int_equal(count(fx), 3);
}

/* Each bad folder: the error names the file and line; nothing written. */
static void
test_import_malformed(void **state)
{
	static const struct {
		const char *file, *text, *where;
		int line;
	} bad[] = {
		{ "services.csv", "id,name\ns1,\"open\n", "services.csv", 2 },
		{ "services.csv", "id,name\ns1,a\"b\n", "services.csv", 2 },
		{ "services.csv", "id,name\ns1,\"a\"b\n", "services.csv", 2 },
		{ "services.csv", "id,name\ns1,\xff\n", "services.csv", 2 },
		{ "services.csv", "id,name\ns1,A\ns1,B\n", "services.csv", 3 },
		{ "services.csv", "id,name\n,A\n", "services.csv", 2 },
		{ "services.csv", "id,name\n\ns1,\n", "services.csv", 3 },
		{ "services.csv", "id,name,status\ns1,A,maybe\n", "services.csv",
		    2 },
		{ "services.csv", "name\nA\n", "services.csv", 1 },
		{ "services.csv", "", "services.csv", 1 },
		{ "phones.csv", "id,service_id,number\np,s1,\"1\n\n",
		    "phones.csv", 2 },
		{ "phones.csv", "id,id\n", "phones.csv", 1 },
		{ "addresses.csv", "id,location_id\r\na,b\r\nc,\"d\r\n",
		    "addresses.csv", 3 },
	};
	struct fx *fx = *state;
	struct psw_hsds_stats st;
	struct psw_err e;
	char want[128];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		PUT(fx->in, "services.csv", "id,name\ns1,A\n");
		unlink("phones.csv");
		PUT(fx->in, bad[i].file, bad[i].text);
		assert_int_equal(psw_hsds_import(&fx->st, fx->in, &st, &e),
		    -PSW_EDATA);
		snprintf(want, sizeof want, "%s/%s", fx->in, bad[i].where);
		assert_string_equal(e.file, want);
		assert_int_equal(e.line, bad[i].line);
		assert_int_equal(count(fx), 0);
		if (strcmp(bad[i].file, "services.csv") != 0) {
			snprintf(want, sizeof want, "%s/%s", fx->in,
			    bad[i].file);
			unlink(want);
		}
	}
	snprintf(want, sizeof want, "%s/services.csv", fx->in);
	unlink(want);
	assert_int_equal(psw_hsds_import(&fx->st, fx->in, &st, &e),
	    -PSW_EDATA);
	assert_non_null(strstr(e.msg, "is missing"));
}

/* --- export -------------------------------------------------------------- */

static void
test_export_round_trip(void **state)
{
	struct fx *fx = *state;
	struct psw_hsds_stats st;
	struct psw_store other;
	struct psw_err e;
	char out[128], home2[128], path[256], *a, *b;
	size_t n;

	PUT(fx->in, "services.csv", "id,name,description,status\n"
	    "s1,\"A, \"\"B\"\"\",\" two\nlines \",inactive\n");
	PUT(fx->in, "phones.csv", "id,service_id,number,extension\n"
	    "p1,s1,\"0400, 1\",7\n");
	assert_int_equal(psw_hsds_import(&fx->st, fx->in, &st, &e), 0);
	PUT(fx->dir, "services/local.yaml", "psw: 1\nid: local\nname: Local "
	    "One\norganisation: Org\ntaxonomy: [a b, c]\nservice-area: "
	    "North\nschedule: Mondays\naddress: 1 Main St\nlanguages: [el]\n"
	    "status: temporarily-closed\n");
	PUT(fx->dir, "services/gone.yaml", "psw: 1\nid: gone\nname: Gone\n"
	    "removed: 2026-01-01\n");
	PUT(fx->dir, "services/bad.yaml", "psw: 1\nid: bad\n");
	snprintf(out, sizeof out, "%s/out", fx->dir);
	assert_int_equal(psw_hsds_export(&fx->st, out, &n, &e), 0);
	assert_int_equal(n, 2);		/* not removed, not invalid */

	snprintf(home2, sizeof home2, "%s/home2", fx->dir);
	assert_int_equal(mkdir(home2, 0700), 0);
	assert_int_equal(psw_store_open(&other, home2, 0, "t", &e), 0);
	assert_int_equal(psw_hsds_import(&other, out, &st, &e), 0);
	assert_int_equal(st.added, 2);
	a = slurp(fx, "a-b");
	snprintf(path, sizeof path, "%s", fx->dir);
	memcpy(fx->dir, home2, strlen(home2) + 1);
	b = slurp(fx, "a-b");
	assert_string_equal(a, b);	/* the same file, byte for byte */
	free(a);
	free(b);
	b = slurp(fx, "local-one");
	memcpy(fx->dir, path, strlen(path) + 1);
	assert_non_null(strstr(b, "status: temporarily-closed\n"));
	assert_non_null(strstr(b, "organisation: Org\n"));
	assert_non_null(strstr(b, "taxonomy: [a b, c]\n"));
	assert_non_null(strstr(b, "service-area: North\n"));
	assert_non_null(strstr(b, "schedule: Mondays\n"));
	assert_non_null(strstr(b, "address: 1 Main St\n"));
	assert_non_null(strstr(b, "languages: [el]\n"));
	assert_non_null(strstr(b, "hsds-id: local\n"));
	free(b);
	psw_store_release(&other);

	/* The export read back here: nothing new, nothing changed. */
	assert_int_equal(psw_hsds_import(&fx->st, out, &st, &e), 0);
	assert_int_equal(st.unchanged, 1);
	assert_int_equal(st.kept, 1);
	assert_int_equal(st.added + st.updated, 0);
}

/* --- anything at all ------------------------------------------------------ */

/* A random CSV-ish text: mostly the bytes that matter to the reader. */
static size_t
noise(unsigned *seed, char *buf, size_t max)
{
	static const char *const bits[] = { ",", "\"", "\"\"", "\n", "\r\n",
	    "\r", "s1", "s2", "id", "name", "service_id", "a", " ",
	    "\xc3\xa9", "\xe2\x80", "\xef\xbb\xbf", "\0", "\xff", "null",
	    "- a: b", "#", "\t", "o1", "l1", "t1" };
	size_t n = 0, k, len;

	len = (size_t)(rand_r(seed) % (int)max);
	while (n < len) {
		const char *b = bits[rand_r(seed) % (int)(sizeof bits /
		    sizeof bits[0])];
		size_t bl = *b ? strlen(b) : 1;

		if (n + bl > max)
			break;
		for (k = 0; k < bl; k++)
			buf[n++] = b[k];
	}
	return n;
}

/* A valid but awkward CSV text: a header, then rows of quoted commas,
 * quotes, line breaks, UTF-8 and ids that link the files. */
static size_t
clean(unsigned *seed, int services, char *buf, size_t max)
{
	static const char *const fields[] = { "", "a", "\"x, y\"",
	    "\"multi\nline\"", "\"q \"\"z\"\"\"", "\xc3\xa9", "s1", "s2",
	    "o1", "l1", "t1", "null", "Temporarily Closed", "active",
	    " spaced " };
	size_t n = 0, r, k, rows = (size_t)(rand_r(seed) % 6);
	int len;

	len = snprintf(buf, max, "%s\r\n", services ?
	    "id,name,organization_id,status,description" :
	    "id,service_id,name,number,link_id,taxonomy_term_id,location_id");
	n = (size_t)len;
	for (r = 0; r < rows && n + 200 < max; r++) {
		len = snprintf(buf + n, max - n, services ? "s%u,N %u" :
		    "x%u,s%u", rand_r(seed) % 4, rand_r(seed) % 4);
		n += (size_t)len;
		for (k = 0; k < 5; k++) {
			const char *f = fields[rand_r(seed) % (int)(sizeof
			    fields / sizeof fields[0])];

			if (services && k == 1 && rand_r(seed) % 2)
				f = "active";
			len = snprintf(buf + n, max - n, ",%s", f);
			n += (size_t)len;
		}
		len = snprintf(buf + n, max - n, "%s", rand_r(seed) % 2 ?
		    "\r\n" : "\n");
		n += (size_t)len;
	}
	return n;
}

static void
test_import_anything(void **state)
{
	static const char *const files[] = { "services.csv", "phones.csv",
	    "organizations.csv", "attributes.csv", "taxonomy_terms.csv",
	    "service_at_location.csv", "addresses.csv", "schedules.csv",
	    "languages.csv", "service_areas.csv" };
	struct fx *fx = *state;
	struct psw_hsds_stats st;
	struct psw_err e;
	unsigned seed = 42;
	char buf[600];
	size_t before, i, k, n, ok = 0;
	int rc;

	for (i = 0; i < 1500; i++) {
		for (k = 0; k < sizeof files / sizeof files[0]; k++) {
			if (k > 0 && rand_r(&seed) % 3 == 0)
				continue;
			if (i % 2)
				n = clean(&seed, k == 0, buf, sizeof buf);
			else
				n = noise(&seed, buf, sizeof buf);
			put(fx->in, files[k], buf, n);
		}
		before = count(fx);
		rc = psw_hsds_import(&fx->st, fx->in, &st, &e);
		assert_true(rc == 0 || rc == -PSW_EDATA);
		if (rc == 0) {
			ok++;
			assert_int_equal(count(fx), before + st.added);
		} else {
			assert_int_equal(count(fx), before);
			assert_true(strchr(e.msg, '\n') == NULL);
		}
		for (k = 0; k < sizeof files / sizeof files[0]; k++) {
			snprintf(buf, sizeof buf, "%s/%s", fx->in, files[k]);
			unlink(buf);
		}
	}
	/* Some of them must have imported, or this tests only refusals. */
	assert_true(ok > 100);
	print_message("# %zu of 1500 random folders imported, %zu services\n",
	    ok, count(fx));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_service_read),
		cmocka_unit_test(test_fts_query),
		cmocka_unit_test_setup_teardown(test_import, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reimport_in_place, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_import_malformed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_export_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_import_anything, setup,
		    teardown),
	};

	umask(077);
	unsetenv("PSW_INDEX");
	unsetenv("PSW_HOME");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
