/*
 * test_doc.c - the YAML document module: loading, limits, editing,
 * emitting, the quoting rule, and a round trip through PyYAML.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "doc.h"
#include "doc_impl.h"

#define QUICK_MS 100.0		/* a hostile input is refused faster */

static const char client_yaml[] =
    "psw: 1                      # format version\n"
    "id: alex-m\n"
    "name: Alex Morgan\n"
    "dob: 1991-04-02\n"
    "status: active\n"
    "opened: 2026-01-12\n"
    "worker: sam\n"
    "consent:\n"
    "  - {id: k1, scope: share-with-gp, given: 2026-01-12, "
    "expires: 2027-01-12}\n"
    "team:\n"
    "  - {id: t1, name: Dr Lee, role: psychiatrist, org: Northside CMHT, "
    "phone: \"0161 496 0000\"}\n"
    "strengths: [keeps appointments, supportive sister]\n"
    "needs:\n"
    "  - {domain: housing, need: unmet, note: \"waiting list\"}\n"
    "assessments:\n"
    "  - {id: a1, instrument: phq-9, date: 2026-01-12, "
    "answers: [2,2,1,2,1,1,2,1,0]}\n"
    "goals:\n"
    "  - id: g1\n"
    "    domain: housing\n"
    "    title: Move into a tenancy of my own\n"
    "    target: 2026-06-30\n"
    "    status: active\n"
    "    actions:\n"
    "      - {id: g1.1, title: Apply to Housing First, owner: worker, "
    "due: 2026-02-01}\n"
    "    progress:\n"
    "      - {date: 2026-03-01, rating: 4, note: 'Viewed a flat'}\n"
    "review: {every: 90d, last: 2026-01-12, next: 2026-04-12}\n"
    "safety-plan:\n"
    "  warning-signs: [not sleeping, skipping meals]\n"
    "  coping: []\n"
    "  reviewed: 2026-01-12\n"
    "referrals:\n"
    "  - id: r1\n"
    "    service: housing-first-north\n"
    "    reason: |\n"
    "      Needs a stable tenancy.\n"
    "      Sister can help with the move.\n"
    "    history:\n"
    "      - {date: 2026-01-20, status: sent}\n"
    "x-hand-added: {colour: green, tags: [a, b]}\n"
    "contacts:\n"
    "  - {date: 2026-01-19, kind: face-to-face, minutes: 50, "
    "note: \"first meeting\"}\n";

/* What psw_doc_emit makes of client_yaml. */
static const char client_emitted[] =
    "psw: 1\n"
    "id: alex-m\n"
    "name: Alex Morgan\n"
    "dob: 1991-04-02\n"
    "status: active\n"
    "opened: 2026-01-12\n"
    "worker: sam\n"
    "consent:\n"
    "  - {id: k1, scope: share-with-gp, given: 2026-01-12, "
    "expires: 2027-01-12}\n"
    "team:\n"
    "  - {id: t1, name: Dr Lee, role: psychiatrist, org: Northside CMHT, "
    "phone: '0161 496 0000'}\n"
    "strengths: [keeps appointments, supportive sister]\n"
    "needs:\n"
    "  - {domain: housing, need: unmet, note: waiting list}\n"
    "assessments:\n"
    "  - id: a1\n"
    "    instrument: phq-9\n"
    "    date: 2026-01-12\n"
    "    answers: [2, 2, 1, 2, 1, 1, 2, 1, 0]\n"
    "goals:\n"
    "  - id: g1\n"
    "    domain: housing\n"
    "    title: Move into a tenancy of my own\n"
    "    target: 2026-06-30\n"
    "    status: active\n"
    "    actions:\n"
    "      - {id: g1.1, title: Apply to Housing First, owner: worker, "
    "due: 2026-02-01}\n"
    "    progress:\n"
    "      - {date: 2026-03-01, rating: 4, note: Viewed a flat}\n"
    "review: {every: 90d, last: 2026-01-12, next: 2026-04-12}\n"
    "safety-plan:\n"
    "  warning-signs: [not sleeping, skipping meals]\n"
    "  coping: []\n"
    "  reviewed: 2026-01-12\n"
    "referrals:\n"
    "  - id: r1\n"
    "    service: housing-first-north\n"
    "    reason: |\n"
    "      Needs a stable tenancy.\n"
    "      Sister can help with the move.\n"
    "    history:\n"
    "      - {date: 2026-01-20, status: sent}\n"
    "x-hand-added:\n"
    "  colour: green\n"
    "  tags: [a, b]\n"
    "contacts:\n"
    "  - {date: 2026-01-19, kind: face-to-face, minutes: 50, "
    "note: first meeting}\n";

/* Milliseconds since t0. */
static double
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Load text that must load; fails the test otherwise. */
static struct psw_doc *
load(const char *text, size_t len)
{
	struct psw_doc *doc = NULL;
	struct psw_err e;
	char msg[2048];
	int rc;

	psw_err_clear(&e);
	rc = psw_doc_load_mem(text, len, "t.yaml", &doc, &e);
	if (rc != 0)
		fail_msg("load failed: %s", psw_err_format(&e, msg,
		    sizeof msg));
	assert_non_null(doc);
	return doc;
}

/* load() for a NUL-terminated string. */
static struct psw_doc *
load_str(const char *text)
{
	return load(text, strlen(text));
}

/* Emit doc into a new string the caller frees. */
static char *
emit(const struct psw_doc *doc)
{
	struct psw_buf b = PSW_BUF_INIT;
	struct psw_err e;
	char *s;

	assert_int_equal(psw_doc_emit(doc, &b, &e), 0);
	psw_buf_add(&b, "", 0);		/* terminated even when empty */
	s = psw_buf_detach(&b);
	assert_non_null(s);
	return s;
}

/*
 * Check that loading len bytes of buf is refused with exactly want
 * ("t.yaml:L:C: message"), and quickly when quick is set; returns the
 * time taken.
 */
static double
refused_in(const char *buf, size_t len, const char *want, int quick)
{
	struct psw_doc *doc = (struct psw_doc *)1;
	struct timespec t0;
	struct psw_err e;
	char msg[2048];
	double ms;
	int rc;

	psw_err_clear(&e);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = psw_doc_load_mem(buf, len, "t.yaml", &doc, &e);
	ms = ms_since(&t0);
	assert_int_equal(rc, -PSW_EDATA);
	assert_null(doc);
	assert_int_equal(e.code, PSW_EDATA);
	assert_string_equal(psw_err_format(&e, msg, sizeof msg), want);
	assert_true(e.line > 0 && e.col > 0);
	if (quick && ms > QUICK_MS)
		fail_msg("'%s' took %.1f ms", want, ms);
	return ms;
}

/* refused_in, quickly. */
static double
refused_mem(const char *buf, size_t len, const char *want)
{
	return refused_in(buf, len, want, 1);
}

/* refused_mem for a NUL-terminated string. */
static void
refused(const char *text, const char *want)
{
	refused_mem(text, strlen(text), want);
}

/* Assert two trees hold the same keys, strings and shapes in order. */
static void
assert_same_tree(const struct psw_node *a, const struct psw_node *b)
{
	const struct psw_node *x, *y;

	if (a == NULL || b == NULL) {
		assert_ptr_equal(a, b);
		return;
	}
	assert_int_equal(a->type, b->type);
	if (a->key != NULL || b->key != NULL) {
		assert_non_null(a->key);
		assert_non_null(b->key);
		assert_string_equal(a->key, b->key);
	}
	if (a->type == PSW_NODE_SCALAR) {
		assert_int_equal(a->len, b->len);
		assert_memory_equal(a->str, b->str, a->len + 1);
		return;
	}
	assert_int_equal(a->count, b->count);
	for (x = a->head, y = b->head; x != NULL && y != NULL;
	    x = x->next, y = y->next) {
		assert_ptr_equal(x->parent, a);
		assert_ptr_equal(y->parent, b);
		assert_same_tree(x, y);
	}
	assert_null(x);
	assert_null(y);
}

/* Emit doc, load the result, emit again: same text, same tree. */
static char *
assert_fixed_point(const struct psw_doc *doc)
{
	struct psw_doc *again;
	char *s1, *s2;

	s1 = emit(doc);
	again = load(s1, strlen(s1));
	assert_same_tree(psw_doc_root(doc), psw_doc_root(again));
	s2 = emit(again);
	assert_string_equal(s1, s2);
	free(s2);
	psw_doc_free(again);
	return s1;
}

/* --- Loading ------------------------------------------------------- */

/* A realistic client file: key order, positions, styles, flow flags. */
static void
test_load_client(void **state)
{
	static const char *const keys[] = {
		"psw", "id", "name", "dob", "status", "opened", "worker",
		"consent", "team", "strengths", "needs", "assessments",
		"goals", "review", "safety-plan", "referrals", "x-hand-added",
		"contacts", NULL,
	};
	struct psw_node *root, *n, *c, *g;
	struct psw_doc *doc;
	size_t i;

	doc = load(client_yaml, sizeof client_yaml - 1);
	assert_string_equal(psw_doc_name(doc), "t.yaml");
	root = psw_doc_root(doc);
	assert_int_equal(root->type, PSW_NODE_MAP);
	assert_int_equal(root->flow, 0);
	assert_int_equal(root->line, 1);
	assert_int_equal(root->col, 1);
	for (i = 0, n = root->head; keys[i] != NULL; i++, n = n->next) {
		assert_non_null(n);
		assert_string_equal(n->key, keys[i]);
		assert_ptr_equal(n->parent, root);
	}
	assert_null(n);
	assert_int_equal(root->count, i);

	n = psw_map_get(root, "name");
	assert_string_equal(n->str, "Alex Morgan");
	assert_int_equal(n->len, 11);
	assert_int_equal(n->style, PSW_PLAIN);
	assert_int_equal(n->line, 3);
	assert_int_equal(n->col, 7);
	assert_int_equal(n->key_line, 3);
	assert_int_equal(n->key_col, 1);
	assert_string_equal(psw_map_get_str(root, "psw"), "1");
	assert_string_equal(psw_map_get_str(root, "dob"), "1991-04-02");
	assert_int_equal(psw_map_get(root, "dob")->style, PSW_PLAIN);
	assert_null(psw_map_get_str(root, "goals"));
	assert_null(psw_map_get(root, "nope"));
	assert_null(psw_map_get(n, "name"));

	n = psw_map_get(root, "consent");
	assert_int_equal(n->type, PSW_NODE_SEQ);
	assert_int_equal(n->flow, 0);
	assert_int_equal(n->line, 9);
	assert_int_equal(n->col, 3);
	c = n->head;
	assert_int_equal(c->type, PSW_NODE_MAP);
	assert_int_equal(c->flow, 1);
	assert_int_equal(c->line, 9);
	assert_int_equal(c->col, 5);
	assert_null(c->key);
	c = psw_map_get(c, "scope");
	assert_string_equal(c->str, "share-with-gp");
	assert_int_equal(c->line, 9);
	assert_int_equal(c->col, 21);
	assert_int_equal(c->key_line, 9);
	assert_int_equal(c->key_col, 14);

	c = psw_map_get(psw_map_get(root, "team")->head, "phone");
	assert_string_equal(c->str, "0161 496 0000");
	assert_int_equal(c->style, PSW_STRING);

	n = psw_map_get(root, "strengths");
	assert_int_equal(n->type, PSW_NODE_SEQ);
	assert_int_equal(n->flow, 1);
	assert_int_equal(n->count, 2);
	assert_string_equal(n->head->str, "keeps appointments");
	assert_string_equal(n->tail->str, "supportive sister");
	assert_ptr_equal(n->head->next, n->tail);
	assert_ptr_equal(n->tail->prev, n->head);

	n = psw_map_get(psw_map_get(root, "assessments")->head, "answers");
	assert_int_equal(n->flow, 1);
	assert_int_equal(n->count, 9);
	assert_int_equal(n->head->style, PSW_PLAIN);

	g = psw_map_get(root, "goals")->head;
	assert_int_equal(g->flow, 0);
	assert_int_equal(g->line, 18);
	assert_int_equal(g->col, 5);
	n = psw_map_get(g, "title");
	assert_string_equal(n->str, "Move into a tenancy of my own");
	assert_int_equal(n->line, 20);
	assert_int_equal(n->col, 12);
	assert_int_equal(psw_map_get(g, "actions")->head->flow, 1);

	n = psw_map_get(psw_map_get(root, "safety-plan"), "coping");
	assert_int_equal(n->type, PSW_NODE_SEQ);
	assert_int_equal(n->count, 0);
	assert_null(n->head);

	n = psw_map_get(psw_map_get(root, "referrals")->head, "reason");
	assert_string_equal(n->str,
	    "Needs a stable tenancy.\nSister can help with the move.\n");
	assert_int_equal(n->style, PSW_STRING);
	assert_int_equal(n->line, 35);
	assert_int_equal(n->col, 13);
	psw_doc_free(doc);
}

/* Empty input, comments or a lone BOM: a document without a root. */
static void
test_empty_documents(void **state)
{
	static const char *const empties[] = {
		"", "# only a comment\n", "\n\n   \n", "# a\n# b",
		"\xef\xbb\xbf",
		"\xef\xbb\xbf# c\r\n", NULL,
	};
	struct psw_buf b = PSW_BUF_INIT;
	struct psw_doc *doc;
	struct psw_err e;
	size_t i;

	for (i = 0; empties[i] != NULL; i++) {
		doc = load(empties[i], strlen(empties[i]));
		assert_null(psw_doc_root(doc));
		assert_int_equal(psw_doc_emit(doc, &b, &e), 0);
		assert_int_equal(b.len, 0);
		psw_doc_free(doc);
	}
	doc = load(NULL, 0);
	assert_null(psw_doc_root(doc));
	psw_doc_free(doc);
	psw_buf_release(&b);
}

/* A UTF-8 BOM and CRLF line ends are accepted and not kept. */
static void
test_bom_and_crlf(void **state)
{
	static const char text[] =
	    "\xef\xbb\xbf" "id: x\r\nlist: [a, b]\r\nnote: |\r\n  one\r\n"
	    "  two\r\nlast: 'q'\r\n";
	struct psw_doc *doc;
	struct psw_node *root, *n;
	char *s;

	doc = load(text, sizeof text - 1);
	root = psw_doc_root(doc);
	assert_string_equal(psw_map_get_str(root, "id"), "x");
	assert_int_equal(psw_map_get(root, "id")->col, 5);
	assert_int_equal(psw_map_get(root, "list")->count, 2);
	assert_string_equal(psw_map_get_str(root, "note"), "one\ntwo\n");
	n = psw_map_get(root, "last");
	assert_string_equal(n->str, "q");
	assert_int_equal(n->line, 6);
	assert_int_equal(n->col, 7);
	s = emit(doc);
	assert_string_equal(s,
	    "id: x\nlist: [a, b]\nnote: |\n  one\n  two\nlast: q\n");
	free(s);
	psw_doc_free(doc);

	/* Positions after the BOM and CRLF still count characters. */
	refused("\xef\xbb\xbf" "a: 1\r\nb: &x 2\r\n",
	    "t.yaml:2:4: anchors and aliases are not allowed");
}

/* --- Hostile input ------------------------------------------------- */

/* A buffer of n copies of s (the caller frees it). */
static char *
repeat(const char *s, size_t n, size_t *lenp)
{
	size_t k = strlen(s), i;
	char *buf;

	buf = malloc(n * k + 1);
	assert_non_null(buf);
	for (i = 0; i < n; i++)
		memcpy(buf + i * k, s, k);
	buf[n * k] = '\0';
	*lenp = n * k;
	return buf;
}

/* Aliases and deep nesting are refused at once, whatever the size. */
static void
test_refuse_bombs(void **state)
{
	static const char laughs[] =
	    "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
	    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
	    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
	    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
	    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
	    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
	    "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
	struct psw_buf b = PSW_BUF_INIT;
	char *buf, want[128];
	size_t len, i;
	double ms;

	refused(laughs, "t.yaml:1:4: anchors and aliases are not allowed");
	refused("&x [*x]\n", "t.yaml:1:1: anchors and aliases are not allowed");
	refused("- *x\n", "t.yaml:1:3: anchors and aliases are not allowed");

	buf = repeat("[", 100000, &len);
	ms = refused_mem(buf, len,
	    "t.yaml:1:33: nesting deeper than 32 levels");
	print_message("flow bomb '[' x 100000 (100 KB): refused in %.2f ms\n",
	    ms);
	free(buf);

	buf = repeat("{a: ", 50000, &len);
	ms = refused_mem(buf, len,
	    "t.yaml:1:129: nesting deeper than 32 levels");
	print_message("flow bomb '{a: ' x 50000 (200 KB): refused in %.2f ms\n",
	    ms);
	free(buf);

	buf = repeat("- ", 100000, &len);
	ms = refused_mem(buf, len,
	    "t.yaml:1:65: nesting deeper than 32 levels");
	print_message("block bomb '- ' x 100000 on one line (200 KB): "
	    "refused in %.2f ms\n", ms);
	free(buf);

	/*
	 * 100000 lines of "- " each indented one more than the last would
	 * be 5 GB; the lines that fit in 1 MiB (1447) nest 1447 deep.
	 */
	for (i = 0; b.len + i + 3 <= PSW_DOC_MAX_BYTES; i++) {
		psw_buf_addf(&b, "%*s- \n", (int)i, "");
	}
	assert_false(b.oom);
	ms = refused_mem(b.s, b.len,
	    "t.yaml:33:33: nesting deeper than 32 levels");
	print_message("block bomb of %zu increasing-indent lines (%zu bytes): "
	    "refused in %.2f ms\n", i, b.len, ms);
	psw_buf_reset(&b);
	for (i = 0; i < 100000; i++)
		psw_buf_addf(&b, "%*s-\n", (int)(i % 200), "");
	snprintf(want, sizeof want,
	    "t.yaml:1:1: file is larger than 1 MiB (%zu bytes)", b.len);
	ms = refused_mem(b.s, b.len, want);
	print_message("block bomb of 100000 increasing-indent lines (%zu "
	    "bytes): refused in %.2f ms\n", b.len, ms);
	psw_buf_release(&b);

	/* Exactly at the limit is fine until the depth check. */
	buf = repeat("[", PSW_DOC_MAX_DEPTH, &len);
	refused_mem(buf, len, "t.yaml:2:1: did not find expected node "
	    "content");
	free(buf);
	buf = repeat("[", PSW_DOC_MAX_DEPTH + 1, &len);
	refused_mem(buf, len, "t.yaml:1:33: nesting deeper than 32 levels");
	free(buf);
}

/* PSW_DOC_MAX_DEPTH levels load; one more does not. */
static void
test_depth_limit_exact(void **state)
{
	struct psw_buf b = PSW_BUF_INIT;
	struct psw_doc *doc;
	struct psw_node *n;
	int i, depth = 0;

	/* 31 maps and a sequence: 32 levels load. */
	for (i = 0; i < PSW_DOC_MAX_DEPTH - 1; i++)
		psw_buf_addf(&b, "%*sk%d:\n", 2 * i, "", i);
	psw_buf_addf(&b, "%*s- x\n", 2 * i, "");
	doc = load(b.s, b.len);
	for (n = psw_doc_root(doc); n->type != PSW_NODE_SCALAR; n = n->head)
		depth++;
	assert_int_equal(depth, PSW_DOC_MAX_DEPTH);
	psw_doc_free(doc);
	/* One more is refused where it starts. */
	psw_buf_reset(&b);
	for (i = 0; i < PSW_DOC_MAX_DEPTH; i++)
		psw_buf_addf(&b, "%*sk%d:\n", 2 * i, "", i);
	psw_buf_addf(&b, "%*s- x\n", 2 * i, "");
	refused_mem(b.s, b.len,
	    "t.yaml:33:65: nesting deeper than 32 levels");
	psw_buf_release(&b);
}

/* Files over 1 MiB and scalars over 64 KiB are refused. */
static void
test_refuse_size(void **state)
{
	char path[] = "/tmp/test_doc.XXXXXX";
	struct psw_doc *doc = NULL;
	struct timespec t0;
	struct psw_err e;
	char msg[2048], *buf;
	size_t len;
	int fd, rc;
	double ms;

	/* A 2 MiB file: refused by its size before it is read. */
	buf = repeat("a: b\n", 2 * 1024 * 1024 / 5 + 1, &len);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = psw_doc_load_file(path, "big.yaml", &doc, &e);
	ms = ms_since(&t0);
	assert_int_equal(rc, -PSW_EDATA);
	assert_null(doc);
	assert_string_equal(psw_err_format(&e, msg, sizeof msg),
	    "big.yaml:1:1: file is larger than 1 MiB (2097155 bytes)");
	print_message("2 MiB file: refused in %.3f ms\n", ms);
	assert_true(ms < QUICK_MS);
	unlink(path);
	free(buf);

	/* A 100 KiB scalar. */
	buf = malloc(100 * 1024 + 16);
	assert_non_null(buf);
	memcpy(buf, "a: 1\nb: ", 8);
	memset(buf + 8, 'x', 100 * 1024);
	memcpy(buf + 8 + 100 * 1024, "\n", 2);
	refused(buf, "t.yaml:2:4: scalar longer than 65536 bytes");
	/* Exactly 64 KiB is fine. */
	memcpy(buf + 8 + PSW_DOC_MAX_SCALAR, "\n", 2);
	doc = load(buf, strlen(buf));
	assert_int_equal(psw_map_get(psw_doc_root(doc), "b")->len,
	    PSW_DOC_MAX_SCALAR);
	psw_doc_free(doc);
	free(buf);

	/* Read to the end through a descriptor, refused beyond 1 MiB. */
	buf = repeat("a", PSW_DOC_MAX_BYTES + 1, &len);
	strcpy(path, "/tmp/test_doc.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	rc = psw_doc_load_fd(fd, "big.yaml", &doc, &e);
	assert_int_equal(rc, -PSW_EDATA);
	assert_string_equal(psw_err_format(&e, msg, sizeof msg),
	    "big.yaml:1:1: file is larger than 1 MiB (1048577 bytes)");
	close(fd);
	unlink(path);
	free(buf);
}

/* A pipe loads when small and is cut off after 1 MiB. */
static void
test_load_fd_pipe(void **state)
{
	struct psw_doc *doc = NULL;
	struct psw_err e;
	char msg[2048];
	int fds[2], rc, status, i;
	pid_t pid;

	/* Small: loads. */
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "id: x\n", 6), 6);
	close(fds[1]);
	rc = psw_doc_load_fd(fds[0], "pipe", &doc, &e);
	assert_int_equal(rc, 0);
	assert_string_equal(psw_map_get_str(psw_doc_root(doc), "id"), "x");
	psw_doc_free(doc);
	close(fds[0]);

	/* 4 MiB from a writer: refused after 1 MiB + 1 bytes. */
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		static char chunk[4096];

		close(fds[0]);
		memset(chunk, 'a', sizeof chunk);
		for (i = 0; i < 1024; i++)
			if (write(fds[1], chunk, sizeof chunk) < 0)
				break;
		_exit(0);
	}
	close(fds[1]);
	rc = psw_doc_load_fd(fds[0], "pipe", &doc, &e);
	close(fds[0]);
	waitpid(pid, &status, 0);
	assert_int_equal(rc, -PSW_EDATA);
	assert_null(doc);
	assert_string_equal(psw_err_format(&e, msg, sizeof msg),
	    "pipe:1:1: file is larger than 1 MiB");
}

/* What cannot be opened or read is an I/O error naming the file. */
static void
test_load_file_errors(void **state)
{
	struct psw_doc *doc = (struct psw_doc *)1;
	struct psw_err e;
	char msg[2048];
	int rc;

	rc = psw_doc_load_file("/nonexistent/x.yaml", "clients/x.yaml", &doc,
	    &e);
	assert_int_equal(rc, -PSW_EIO);
	assert_null(doc);
	assert_string_equal(psw_err_format(&e, msg, sizeof msg),
	    "cannot open 'clients/x.yaml': No such file or directory");
	rc = psw_doc_load_file("/", "dir", &doc, &e);
	assert_int_equal(rc, -PSW_EIO);
	assert_string_equal(psw_err_format(&e, msg, sizeof msg),
	    "cannot read 'dir': Is a directory");
}

/* Duplicate keys, however they are quoted, name both lines. */
static void
test_refuse_duplicates(void **state)
{
	struct psw_buf key = PSW_BUF_INIT, text = PSW_BUF_INIT;
	struct psw_buf want = PSW_BUF_INIT;
	int i;

	refused("id: x\nname: a\n\"name\": b\n",
	    "t.yaml:3:1: duplicate key 'name' (first at line 2)");
	refused("id: x\nname: a\n'name': b\n",
	    "t.yaml:3:1: duplicate key 'name' (first at line 2)");
	refused("a: {k: 1, k: 2}\n",
	    "t.yaml:1:11: duplicate key 'k' (first at line 1)");
	refused("- a: 1\n  b:\n    c: 1\n    c: 2\n",
	    "t.yaml:4:5: duplicate key 'c' (first at line 3)");
	refused("? |\n  x\n: 1\n\"x\\n\": 2\n",
	    "t.yaml:4:1: duplicate key 'x?' (first at line 1)");
	/* A long key is cut at a character boundary in the message. */
	psw_buf_adds(&key, "\\e");
	for (i = 0; i < 25; i++)
		psw_buf_adds(&key, "\xc3\xa9");
	psw_buf_addf(&text, "\"%s\": 1\n\"%s\": 2\n", key.s, key.s);
	psw_buf_adds(&want, "t.yaml:2:1: duplicate key '?");
	for (i = 0; i < 23; i++)
		psw_buf_adds(&want, "\xc3\xa9");
	psw_buf_adds(&want, "...' (first at line 1)");
	refused(text.s, want.s);
	psw_buf_release(&key);
	psw_buf_release(&text);
	psw_buf_release(&want);
	/* The same key in different maps is fine, and "1" differs from 1.0. */
	psw_doc_free(load_str("a: {k: 1}\nb: {k: 1}\n1: x\n1.0: y\n'': z\n"));
}

/* A wide map loads in linear time and still finds its duplicate. */
static void
test_many_keys(void **state)
{
	struct psw_buf b = PSW_BUF_INIT;
	struct psw_doc *doc;
	struct timespec t0;
	double ms;
	int i;

	/* A wide map: duplicates are found by hashing, not pairwise. */
	for (i = 0; i < 70000; i++)
		psw_buf_addf(&b, "k%d: %d\n", i, i);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	doc = load(b.s, b.len);
	ms = ms_since(&t0);
	print_message("70000 keys (%zu bytes): loaded in %.1f ms\n", b.len,
	    ms);
	assert_int_equal(psw_doc_root(doc)->count, 70000);
	psw_doc_free(doc);
	psw_buf_addf(&b, "k69999: again\n");
	refused_in(b.s, b.len,
	    "t.yaml:70001:1: duplicate key 'k69999' (first at line 70000)", 0);
	psw_buf_release(&b);
}

/* Bad UTF-8, control characters and NULs are refused at line:col. */
static void
test_refuse_encoding(void **state)
{
	refused("id: x\nname: ab\xc3(\n",
	    "t.yaml:2:9: invalid UTF-8 (byte 0xc3)");
	refused("id: \xc3\xa9\xc3\xa9\xff\n",
	    "t.yaml:1:7: invalid UTF-8 (byte 0xff)");
	refused("a: \xc0\xaf\n", "t.yaml:1:4: invalid UTF-8 (byte 0xc0)");
	refused("a: \xe0\x80\xaf\n", "t.yaml:1:4: invalid UTF-8 (byte 0xe0)");
	refused("a: \xed\xa0\x80\n", "t.yaml:1:4: invalid UTF-8 (byte 0xed)");
	refused("a: \xf4\x90\x80\x80\n",
	    "t.yaml:1:4: invalid UTF-8 (byte 0xf4)");
	refused("a: \xe2\x82\n", "t.yaml:1:4: invalid UTF-8 (byte 0xe2)");
	refused("\xff\xfe" "a\0:\0", "t.yaml:1:1: invalid UTF-8 (byte 0xff)");
	refused("a: b\nc: \x07\n",
	    "t.yaml:2:4: character U+0007 is not allowed");
	refused("a: b\r\nc: x\x7f\n",
	    "t.yaml:2:5: character U+007F is not allowed");
	refused("a: \xc2\x80\n", "t.yaml:1:4: character U+0080 is not allowed");
	refused("a: \xef\xbf\xbe\n",
	    "t.yaml:1:4: character U+FFFE is not allowed");
	refused("a: x\xef\xbb\xbf\n",
	    "t.yaml:1:5: byte order mark is only allowed at the start");
	refused_mem("a: x\0y\n", 7, "t.yaml:1:5: character U+0000 is not "
	    "allowed");
	refused("a: \"x\\0y\"\n",
	    "t.yaml:1:4: scalar contains a NUL character");
	refused("a: \"x\\x00\"\n",
	    "t.yaml:1:4: scalar contains a NUL character");
	refused("\"k\\0\": 1\n", "t.yaml:1:1: scalar contains a NUL character");
}

/*
 * The text check reads eight bytes at a time: a bad byte at each place
 * of a long line, before and after a block boundary, is still found at
 * its own column; a line of printable ASCII goes through.  Positions
 * after non-ASCII text count characters, not bytes.
 */
static void
test_refuse_encoding_offsets(void **state)
{
	static const struct {
		const char *bytes, *what;
	} bad[] = {
		{ "\x01", "character U+0001 is not allowed" },
		{ "\x1f", "character U+001F is not allowed" },
		{ "\x7f", "character U+007F is not allowed" },
		{ "\x80", "invalid UTF-8 (byte 0x80)" },
		{ "\xff", "invalid UTF-8 (byte 0xff)" },
	};
	char text[128], want[160];
	struct psw_doc *doc;
	struct psw_err e;
	size_t k, at;

	(void)state;
	for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		for (at = 0; at < 40; at++) {
			snprintf(text, sizeof text, "a: %.*s%s%s\n",
			    (int)at, "0123456789012345678901234567890123456789",
			    bad[k].bytes, "tail of the line");
			snprintf(want, sizeof want, "t.yaml:1:%zu: %s", at + 4,
			    bad[k].what);
			refused(text, want);
		}
	}
	/* Printable ASCII of every length, and the same after "é". */
	for (at = 0; at < 40; at++) {
		snprintf(text, sizeof text, "a: %.*s\n", (int)at,
		    "0123456789 abc-def_ghi.jkl/mno+pqr=stu(v)w~x!y");
		psw_err_clear(&e);
		assert_int_equal(psw_doc_load_mem(text, strlen(text), "t.yaml",
		    &doc, &e), 0);
		psw_doc_free(doc);
	}
	refused("a: [b, -]\n", "t.yaml:1:8: '-' alone is not a plain scalar");
	refused("a: [\xc3\xa9, -]\n",
	    "t.yaml:1:8: '-' alone is not a plain scalar");
	refused("a: \xe2\x80\x94\xe2\x80\x94\nb: [c, -]\n",
	    "t.yaml:2:8: '-' alone is not a plain scalar");
}

/* Documents, tags, directives, complex keys and bad syntax. */
static void
test_refuse_structure(void **state)
{
	refused("a: 1\n---\nb: 2\n",
	    "t.yaml:2:1: only one document is allowed");
	refused("--- a\n--- b\n", "t.yaml:2:1: only one document is allowed");
	refused("a: 1\n...\n---\nb: 2\n",
	    "t.yaml:3:1: only one document is allowed");
	refused("a: !!str x\n", "t.yaml:1:4: tags are not allowed");
	refused("a: !foo x\n", "t.yaml:1:4: tags are not allowed");
	refused("a: ! x\n", "t.yaml:1:4: tags are not allowed");
	refused("!!map {a: 1}\n", "t.yaml:1:1: tags are not allowed");
	refused("- !!seq []\n", "t.yaml:1:3: tags are not allowed");
	refused("%TAG !e! tag:example.com,2000:\n---\na: 1\n",
	    "t.yaml:1:1: %TAG directives are not allowed");
	refused("? [a]\n: 1\n", "t.yaml:1:3: map keys must be scalars");
	refused("{a: 1}: x\n", "t.yaml:1:1: map keys must be scalars");
	refused("a: 1\n b: 2\n",
	    "t.yaml:2:3: mapping values are not allowed in this context");
	refused("a: [1, 2\n",
	    "t.yaml:2:1: did not find expected ',' or ']'");
	refused("a: \"open\n", "t.yaml:2:1: found unexpected end of stream");
	refused("a:\n\t- x\n", "t.yaml:2:1: found character that cannot "
	    "start any token");
	/* What libyaml 0.2.5 accepts but YAML does not. */
	refused("key: \"value\"# comment\n",
	    "t.yaml:1:13: a comment needs a space before '#'");
	refused("a: [b, c]#x\n",
	    "t.yaml:1:10: a comment needs a space before '#'");
	refused("a: |# c\n  x\n",
	    "t.yaml:1:5: a comment needs a space before '#'");
	refused("flow: [a,\nb]\n",
	    "t.yaml:2:1: line indented less than the block it continues");
	refused("a: \"x\n\ty\"\n",
	    "t.yaml:2:1: line indented less than the block it continues");
	refused("a: [-]\n", "t.yaml:1:5: '-' alone is not a plain scalar");
	refused("a: >\n   \n  x\n", "t.yaml:2:3: a leading empty line of a "
	    "block scalar has more spaces than its first line");
	/* ... and what is fine. */
	psw_doc_free(load_str("a: 1 # c\nb: [x, y] # c\n# c\nc: \"q\" #c\n"
	    "d: 'e#f'\ne: g#h\nf: |  # c\n  x\n"));
	psw_doc_free(load_str("a: [x,\n  y]\nb: \"p\n  q\"\nc: >\n\n  x\n"));
}

/* --- The quoting rule ---------------------------------------------- */

static const char *const look_alikes[] = {
	"", "null", "Null", "NULL", "~", "nULL",
	"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
	"true", "True", "TRUE", "false", "False", "FALSE",
	"on", "On", "ON", "off", "Off", "OFF",
	"0", "1", "-1", "+1", "12", "010", "0o17", "0x1F", "0x_1f", "0b101",
	"1_000", "+1_000", "22:22", "1:20:30", "-1:20",
	"1.5", "-1.5", "1.", "1e3", "1E3", "1.0e+3", "1e-3", ".5", "+.5",
	"-.5", ".", "1.2.3", ".inf", ".Inf", ".INF", "-.Inf", "+.inf",
	".nan", ".NaN", ".NAN", "6.8523015e+5", "685.230_15e+03",
	"685_230.15", "190:20:30.15",
	"2026-01-01", "2001-12-14t21:59:43.10-05:00",
	"2001-12-14T21:59:43.10Z", "2001-12-14 21:59:43.10 -5",
	"2001-12-15 2:59:43.10", "2002-1-1 1:1:1",
	"<<", "=",
	"-", "- x", "-x", "?", "? x", "?x", ":", ":x", ",x", "[x", "]x",
	"{x", "}x", "#x", "&x", "*x", "!x", "|x", ">x", "'x", "\"x", "%x",
	"@x", "`x", "---", "--- x", "...", "... x",
	"a: b", "a:", "a #b", "a\tb", " a", "a ", "\ta", "a\t", "a\nb",
	"a\rb", "a\x1b", "a\x7f", "a\xc2\x85" "b", "a\xe2\x80\xa8" "b",
	"a\xef\xbb\xbf", "\xef\xbb\xbf" "a", "a\xc2\x80", "\xff",
	"\xc2\xa0", "\xc2\xa0" "a", "a\xe3\x80\x80",
	"0x1f ", "-0x1F", "0XFF", "1.5 ", "2026-01-01 ",
	NULL,
};

static const char *const ordinary[] = {
	"Alex Morgan", "keeps appointments", "g1.2", "share-with-gp",
	"alex-m", "phq-9", "face-to-face", "Dr Lee", "housing",
	"90d", "3 days", "1st", "a:b", "a#b", "a-b", "a?", "a!", "x: ",
	"Move into a tenancy of my own", "café", "日本語", "o'clock",
	"say \"hi\"", "100%", "a, b", "x]y", "e", "E", "nan", "inf",
	"yesno", "onion", "nully", "a\xc2\xa0" "b",
	"10 and 2", "12abc", "7d", "2w", "3m", "1.5kg", "0xZZ", "2026-W48",
	NULL,
};

/* The quoting rule: every look-alike is quoted, ordinary text not. */
static void
test_plain_safe(void **state)
{
	size_t i;

	for (i = 0; look_alikes[i] != NULL; i++)
		if (psw_yaml_plain_safe(look_alikes[i],
		    strlen(look_alikes[i])))
			fail_msg("'%s' must not be plain", look_alikes[i]);
	for (i = 0; ordinary[i] != NULL; i++) {
		if (strcmp(ordinary[i], "x: ") == 0)
			continue;
		if (!psw_yaml_plain_safe(ordinary[i], strlen(ordinary[i])))
			fail_msg("'%s' should be plain", ordinary[i]);
	}
	assert_false(psw_yaml_plain_safe("x: ", 3));
	assert_false(psw_yaml_plain_safe("a\0b", 3));
	assert_true(psw_yaml_plain_safe("ab", 1));
}

/* --- Emitting ------------------------------------------------------ */

/* Set root[key] to a new string scalar; asserts it worked. */
static struct psw_node *
set(struct psw_doc *doc, struct psw_node *map, const char *key,
    const char *value, int style)
{
	struct psw_node *n;

	n = psw_map_set_str(doc, map, key, value, style);
	assert_non_null(n);
	return n;
}

/* The client file is written as expected and is a fixed point. */
static void
test_emit_client(void **state)
{
	struct psw_doc *doc;
	char *s;

	doc = load(client_yaml, sizeof client_yaml - 1);
	s = assert_fixed_point(doc);
	assert_string_equal(s, client_emitted);
	free(s);
	psw_doc_free(doc);
}

/* Block and flow layout, empty collections, keys and plain values. */
static void
test_emit_layout(void **state)
{
	struct psw_node *root, *seq, *m, *n, *f;
	struct psw_doc *doc;
	char *s, key[8];
	int i;

	doc = psw_doc_new("x.yaml");
	assert_non_null(doc);
	root = psw_doc_root(doc);
	set(doc, root, "id", "alex-m", PSW_PLAIN);
	set(doc, root, "dob", "1991-04-02", PSW_PLAIN);
	set(doc, root, "answers-text", "2", PSW_STRING);
	set(doc, root, "empty", "", PSW_PLAIN);
	set(doc, root, "empty-text", "", PSW_STRING);
	seq = psw_map_set(doc, root, "list", psw_node_seq(doc, 0));
	psw_seq_append(seq, psw_node_scalar(doc, "a", PSW_PLAIN));
	psw_seq_append(seq, psw_node_scalar(doc, "yes", PSW_STRING));
	psw_seq_append(seq, psw_node_scalar(doc, "", PSW_PLAIN));
	m = psw_seq_append(seq, psw_node_map(doc, 0));
	set(doc, m, "id", "g1", PSW_PLAIN);
	set(doc, m, "title", "x", PSW_STRING);
	n = psw_map_set(doc, m, "items", psw_node_seq(doc, 0));
	psw_seq_append(n, psw_node_scalar(doc, "one", PSW_STRING));
	n = psw_seq_append(seq, psw_node_seq(doc, 0));
	psw_seq_append(n, psw_node_scalar(doc, "p", PSW_PLAIN));
	psw_seq_append(n, psw_node_scalar(doc, "q", PSW_PLAIN));
	psw_seq_append(seq, psw_node_map(doc, 0));
	psw_seq_append(seq, psw_node_seq(doc, 1));
	psw_map_set(doc, root, "em", psw_node_map(doc, 1));
	psw_map_set(doc, root, "es", psw_node_seq(doc, 0));
	f = psw_map_set(doc, root, "flow", psw_node_map(doc, 1));
	set(doc, f, "id", "k1", PSW_PLAIN);
	set(doc, f, "scope", "share-with-gp", PSW_STRING);
	set(doc, f, "when", "2026-01-12", PSW_PLAIN);
	set(doc, f, "note", "a, b", PSW_STRING);
	set(doc, f, "n", "no", PSW_STRING);
	set(doc, f, "odd key", "x", PSW_PLAIN);
	f = psw_map_set(doc, root, "nums", psw_node_seq(doc, 1));
	psw_seq_append(f, psw_node_scalar(doc, "2", PSW_PLAIN));
	psw_seq_append(f, psw_node_scalar(doc, "2", PSW_PLAIN));
	psw_seq_append(f, psw_node_scalar(doc, "1", PSW_PLAIN));
	f = psw_map_set(doc, root, "long", psw_node_seq(doc, 1));
	for (i = 0; i < 20; i++) {
		snprintf(key, sizeof key, "item%d", i);
		psw_seq_append(f, psw_node_scalar(doc, key, PSW_PLAIN));
	}
	f = psw_map_set(doc, root, "nested", psw_node_map(doc, 1));
	set(doc, f, "a", "1", PSW_PLAIN);
	psw_map_set(doc, f, "b", psw_node_seq(doc, 1));
	f = psw_map_set(doc, root, "multi", psw_node_seq(doc, 1));
	psw_seq_append(f, psw_node_scalar(doc, "a\nb", PSW_STRING));
	f = psw_map_set(doc, root, "time", psw_node_map(doc, 1));
	set(doc, f, "at", "10:30", PSW_PLAIN);
	set(doc, f, "text", "10:30", PSW_STRING);
	f = psw_map_set(doc, root, "with-empty", psw_node_seq(doc, 1));
	psw_seq_append(f, psw_node_scalar(doc, "", PSW_PLAIN));
	set(doc, root, "a key", "v", PSW_PLAIN);
	set(doc, root, "true", "v", PSW_PLAIN);
	set(doc, root, "", "v", PSW_PLAIN);
	set(doc, root, "it's", "v", PSW_PLAIN);
	set(doc, root, "tab\tkey", "v", PSW_PLAIN);
	set(doc, root, "plain-looks", "-x", PSW_PLAIN);
	set(doc, root, "plain-space", "a: b", PSW_PLAIN);
	set(doc, root, "café", "日本語 ok", PSW_STRING);
	s = assert_fixed_point(doc);
	assert_string_equal(s,
	    "id: alex-m\n"
	    "dob: 1991-04-02\n"
	    "answers-text: '2'\n"
	    "empty:\n"
	    "empty-text: ''\n"
	    "list:\n"
	    "  - a\n"
	    "  - 'yes'\n"
	    "  -\n"
	    "  - id: g1\n"
	    "    title: x\n"
	    "    items:\n"
	    "      - one\n"
	    "  - - p\n"
	    "    - q\n"
	    "  - {}\n"
	    "  - []\n"
	    "em: {}\n"
	    "es: []\n"
	    "flow: {id: k1, scope: share-with-gp, when: 2026-01-12, "
	    "note: 'a, b', 'n': 'no', odd key: x}\n"
	    "nums: [2, 2, 1]\n"
	    "long:\n"
	    "  - item0\n  - item1\n  - item2\n  - item3\n  - item4\n"
	    "  - item5\n  - item6\n  - item7\n  - item8\n  - item9\n"
	    "  - item10\n  - item11\n  - item12\n  - item13\n  - item14\n"
	    "  - item15\n  - item16\n  - item17\n  - item18\n  - item19\n"
	    "nested:\n"
	    "  a: 1\n"
	    "  b: []\n"
	    "multi:\n"
	    "  - |-\n"
	    "    a\n"
	    "    b\n"
	    "time:\n"
	    "  at: 10:30\n"
	    "  text: '10:30'\n"
	    "with-empty:\n"
	    "  -\n"
	    "a key: v\n"
	    "'true': v\n"
	    "'': v\n"
	    "it's: v\n"
	    "\"tab\\tkey\": v\n"
	    "plain-looks: '-x'\n"
	    "plain-space: 'a: b'\n"
	    "café: 日本語 ok\n");
	free(s);
	psw_doc_free(doc);
}

/* Emit a one-entry document {k: value} as text and compare with want. */
static void
emits(const char *value, int style, const char *want)
{
	struct psw_doc *doc;
	char *s;

	doc = psw_doc_new("x.yaml");
	assert_non_null(doc);
	set(doc, psw_doc_root(doc), "k", value, style);
	s = assert_fixed_point(doc);
	assert_string_equal(s, want);
	free(s);
	psw_doc_free(doc);
}

/* Each kind of string gets the form that reads back exactly. */
static void
test_emit_strings(void **state)
{
	emits("plain text", PSW_STRING, "k: plain text\n");
	emits("1991-04-02", PSW_STRING, "k: '1991-04-02'\n");
	emits("1991-04-02", PSW_PLAIN, "k: 1991-04-02\n");
	emits("yes", PSW_PLAIN, "k: yes\n");
	emits("~", PSW_STRING, "k: '~'\n");
	emits("it's", PSW_STRING, "k: it's\n");
	emits("'q'", PSW_STRING, "k: '''q'''\n");
	emits(" lead", PSW_STRING, "k: ' lead'\n");
	emits("trail ", PSW_STRING, "k: 'trail '\n");
	emits("# not a comment", PSW_STRING, "k: '# not a comment'\n");
	emits("key: value", PSW_STRING, "k: 'key: value'\n");
	emits("tab\there", PSW_STRING, "k: \"tab\\there\"\n");
	emits("tab\tin\nlines\t1\n", PSW_STRING,
	    "k: |\n  tab\tin\n  lines\t1\n");
	emits("line\n", PSW_STRING, "k: |\n  line\n");
	emits("a\nb", PSW_STRING, "k: |-\n  a\n  b\n");
	emits("a\nb\n\n", PSW_STRING, "k: |+\n  a\n  b\n\n");
	emits("a\n\nb\n", PSW_STRING, "k: |\n  a\n\n  b\n");
	emits("\nlead blank\n", PSW_STRING, "k: |\n\n  lead blank\n");
	emits("  indented\nnext\n", PSW_STRING,
	    "k: |2\n    indented\n  next\n");
	emits("\tfirst tab\nnext", PSW_STRING,
	    "k: |2-\n  \tfirst tab\n  next\n");
	emits("# x\nkey: y\n", PSW_STRING, "k: |\n  # x\n  key: y\n");
	emits("trailing \nspace", PSW_STRING,
	    "k: \"trailing \\nspace\"\n");
	emits("cr\r\nlf", PSW_STRING, "k: \"cr\\r\\nlf\"\n");
	emits("esc \x1b[1m", PSW_STRING, "k: \"esc \\e[1m\"\n");
	emits("bell\x07", PSW_STRING, "k: \"bell\\x07\"\n");
	emits("nel\xc2\x85x", PSW_STRING, "k: \"nel\\Nx\"\n");
	emits("ls\xe2\x80\xa8ps\xe2\x80\xa9", PSW_STRING,
	    "k: \"ls\\Lps\\P\"\n");
	emits("\xef\xbb\xbf" "bom", PSW_STRING, "k: \"\\uFEFFbom\"\n");
	emits("del\x7f", PSW_STRING, "k: \"del\\x7F\"\n");
	emits("q\"b\\", PSW_STRING, "k: q\"b\\\n");
	emits("\"q\"\\\n", PSW_STRING, "k: |\n  \"q\"\\\n");
	emits("\n", PSW_STRING, "k: \"\\n\"\n");
	emits("\n\n", PSW_STRING, "k: \"\\n\\n\"\n");
	emits("x\n  \ny", PSW_STRING, "k: \"x\\n  \\ny\"\n");
	emits("x\n", PSW_PLAIN, "k: |\n  x\n");
	emits("ünïcödé 😀", PSW_STRING, "k: ünïcödé 😀\n");
}

/* Scalars, sequences and empty collections as the root. */
static void
test_emit_roots(void **state)
{
	struct psw_doc *doc;
	char *s;

	doc = load_str("just text\n");
	s = assert_fixed_point(doc);
	assert_string_equal(s, "just text\n");
	free(s);
	psw_doc_free(doc);

	doc = load_str("- a\n- [b, c]\n");
	s = assert_fixed_point(doc);
	assert_string_equal(s, "- a\n- [b, c]\n");
	free(s);
	psw_doc_free(doc);

	doc = load_str("[a, {b: c}]\n");
	s = assert_fixed_point(doc);
	assert_string_equal(s, "- a\n- {b: c}\n");
	free(s);
	psw_doc_free(doc);

	doc = load_str("{}\n");
	s = assert_fixed_point(doc);
	assert_string_equal(s, "{}\n");
	free(s);
	psw_doc_free(doc);

	doc = load_str("|\n  one\n   two\n");
	s = assert_fixed_point(doc);
	assert_string_equal(s, "|\n  one\n   two\n");
	free(s);
	psw_doc_free(doc);

	/* "---" alone is an empty document. */
	doc = load_str("--- \n");
	assert_null(psw_doc_root(doc));
	psw_doc_free(doc);
	doc = load_str("%YAML 1.2\n---\n");
	assert_null(psw_doc_root(doc));
	/* A tool's empty plain root is written as null. */
	psw_doc_set_root(doc, psw_node_scalar(doc, "", PSW_PLAIN));
	s = emit(doc);
	assert_string_equal(s, "~\n");
	free(s);
	psw_doc_free(doc);
}

/* A key too long for a simple key is written as "? key". */
static void
test_emit_long_key(void **state)
{
	struct psw_node *root, *seq;
	struct psw_doc *doc;
	char key[1200];
	char *s;

	memset(key, 'k', sizeof key - 1);
	key[sizeof key - 1] = '\0';
	doc = psw_doc_new("x.yaml");
	root = psw_doc_root(doc);
	set(doc, root, key, "v", PSW_PLAIN);
	seq = psw_map_set(doc, root, "s", psw_node_seq(doc, 0));
	psw_seq_append(psw_map_set(doc, psw_seq_append(seq,
	    psw_node_map(doc, 0)), key, psw_node_seq(doc, 0)),
	    psw_node_scalar(doc, "x", PSW_PLAIN));
	/* 300 escaped characters make a key longer than 1000 too. */
	memset(key, '\x01', 300);
	key[300] = '\0';
	set(doc, root, key, "w", PSW_PLAIN);
	s = assert_fixed_point(doc);
	assert_true(strncmp(s, "? kkk", 5) == 0);
	assert_non_null(strstr(s, "? \"\\x01\\x01"));
	assert_non_null(strstr(s, "\\x01\"\n: w\n"));
	assert_non_null(strstr(s, "k\n: v\ns:\n  - ? kkk"));
	assert_non_null(strstr(s, "k\n    :\n      - x\n"));
	free(s);
	psw_doc_free(doc);
}

/* A string that is not UTF-8 cannot be written; out is kept. */
static void
test_emit_invalid_utf8(void **state)
{
	struct psw_buf b = PSW_BUF_INIT;
	struct psw_doc *doc;
	struct psw_err e;
	char msg[2048];

	doc = psw_doc_new("x.yaml");
	set(doc, psw_doc_root(doc), "ok", "fine", PSW_STRING);
	set(doc, psw_doc_root(doc), "bad", "x\xff", PSW_STRING);
	psw_buf_adds(&b, "before\n");
	assert_int_equal(psw_doc_emit(doc, &b, &e), -PSW_EDATA);
	assert_string_equal(b.s, "before\n");
	assert_string_equal(psw_err_format(&e, msg, sizeof msg),
	    "x.yaml: value of 'bad' is not valid UTF-8");
	psw_doc_free(doc);
	doc = psw_doc_new("x.yaml");
	set(doc, psw_doc_root(doc), "k\xc3", "v", PSW_STRING);
	assert_int_equal(psw_doc_emit(doc, &b, &e), -PSW_EDATA);
	assert_string_equal(b.s, "before\n");
	psw_doc_free(doc);
	psw_buf_release(&b);
}

/* --- Changing the tree --------------------------------------------- */

/* Setting, replacing, removing, appending and unlinking nodes. */
static void
test_edit(void **state)
{
	struct psw_node *root, *seq, *a, *b, *c, *old, *n;
	struct psw_doc *doc;
	char *s;

	doc = psw_doc_new("new.yaml");
	assert_non_null(doc);
	assert_string_equal(psw_doc_name(doc), "new.yaml");
	root = psw_doc_root(doc);
	assert_int_equal(root->type, PSW_NODE_MAP);
	assert_int_equal(root->count, 0);
	set(doc, root, "id", "alex-m", PSW_PLAIN);
	old = set(doc, root, "name", "Alex", PSW_STRING);
	set(doc, root, "status", "active", PSW_PLAIN);
	n = set(doc, root, "name", "Alex Morgan", PSW_STRING);
	assert_ptr_equal(psw_map_get(root, "name"), n);
	assert_null(old->parent);
	assert_null(old->next);
	assert_int_equal(root->count, 3);
	assert_string_equal(root->head->next->key, "name");
	set(doc, root, "dob", "1991-04-02", PSW_PLAIN);
	assert_string_equal(root->tail->key, "dob");
	assert_int_equal(psw_map_remove(root, "status"), 1);
	assert_int_equal(psw_map_remove(root, "status"), 0);
	assert_int_equal(root->count, 3);
	/* Replace the first and the last entry too. */
	set(doc, root, "id", "alex-n", PSW_PLAIN);
	set(doc, root, "dob", "1991-04-03", PSW_PLAIN);
	assert_string_equal(root->head->str, "alex-n");
	assert_string_equal(root->tail->str, "1991-04-03");

	seq = psw_map_set(doc, root, "strengths", psw_node_seq(doc, 1));
	assert_non_null(seq);
	a = psw_seq_append(seq, psw_node_scalar(doc, "a", PSW_STRING));
	b = psw_seq_append(seq, psw_node_scalar(doc, "b", PSW_STRING));
	c = psw_seq_append(seq, psw_node_scalar(doc, "c", PSW_STRING));
	assert_non_null(a);
	assert_int_equal(seq->count, 3);
	psw_node_unlink(b);
	assert_int_equal(seq->count, 2);
	assert_ptr_equal(a->next, c);
	assert_ptr_equal(c->prev, a);
	assert_null(b->parent);
	psw_node_unlink(b);		/* twice is harmless */
	psw_node_unlink(a);
	psw_node_unlink(c);
	assert_int_equal(seq->count, 0);
	assert_null(seq->head);
	assert_null(seq->tail);
	psw_seq_append(seq, c);
	psw_seq_append(seq, b);
	psw_seq_append(seq, a);
	/* Moving a node appends it where it goes and takes it away. */
	psw_seq_append(seq, b);
	assert_int_equal(seq->count, 3);
	assert_ptr_equal(seq->tail, b);
	assert_null(psw_seq_append(root, a));
	assert_null(psw_seq_append(seq, NULL));
	assert_null(psw_map_set(doc, seq, "k", a));
	assert_null(psw_map_set(doc, root, "k", NULL));

	s = emit(doc);
	assert_string_equal(s, "id: alex-n\nname: Alex Morgan\n"
	    "dob: 1991-04-03\nstrengths: [c, a, b]\n");
	free(s);

	psw_doc_set_root(doc, NULL);
	s = emit(doc);
	assert_string_equal(s, "");
	free(s);
	psw_doc_set_root(doc, seq);
	assert_null(seq->parent);
	assert_null(seq->key);
	s = emit(doc);
	assert_string_equal(s, "[c, a, b]\n");
	free(s);
	psw_doc_free(doc);
	psw_doc_free(NULL);
}

/* Changing a loaded client keeps the order and the rest of the file. */
static void
test_edit_loaded(void **state)
{
	struct psw_node *root, *g, *n;
	struct psw_doc *doc;
	char *s, *p;

	doc = load(client_yaml, sizeof client_yaml - 1);
	root = psw_doc_root(doc);
	g = psw_map_get(root, "goals")->head;
	n = set(doc, g, "status", "achieved", PSW_PLAIN);
	assert_int_equal(n->key_line, 22);
	assert_int_equal(n->key_col, 5);
	set(doc, g, "closed", "2026-05-01", PSW_PLAIN);
	psw_map_remove(root, "x-hand-added");
	n = psw_map_get(root, "contacts");
	psw_seq_append(n, psw_node_map(doc, 1));
	set(doc, n->tail, "date", "2026-02-02", PSW_PLAIN);
	set(doc, n->tail, "note", "Phoned: no answer", PSW_STRING);
	s = assert_fixed_point(doc);
	assert_non_null(strstr(s, "    status: achieved\n    actions:\n"));
	assert_non_null(strstr(s, "      - {date: 2026-03-01, rating: 4, "
	    "note: Viewed a flat}\n    closed: 2026-05-01\nreview:"));
	assert_null(strstr(s, "x-hand-added"));
	p = strstr(s, "contacts:\n");
	assert_non_null(p);
	assert_string_equal(p, "contacts:\n"
	    "  - {date: 2026-01-19, kind: face-to-face, minutes: 50, "
	    "note: first meeting}\n"
	    "  - {date: 2026-02-02, note: 'Phoned: no answer'}\n");
	free(s);
	psw_doc_free(doc);
}

/* --- Free text round trips ----------------------------------------- */

/* Strings no writer may change; the PyYAML test uses them too. */
static const char *const tricky[] = {
	"", " ", "  ", "\t", " leading", "trailing ", "  both  ",
	"tab\tinside", "\ttab first", "tab last\t",
	"one\ntwo", "one\n", "one\n\n", "one\n\n\n", "\n", "\n\n", "\nlead",
	"  indented first\nsecond\n", "\tfirst tab\nsecond",
	"line with trailing space \nnext", "x\n  \ny", "x\n\t\ny",
	"blank\n\nlines\n\n\nbetween", "cr\rhere", "crlf\r\nhere",
	"esc \x1b[31mred\x1b[0m", "bell\x07", "del\x7f", "c1 \xc2\x80",
	"nel \xc2\x85 x", "ls \xe2\x80\xa8 x", "ps \xe2\x80\xa9 x",
	"bom \xef\xbb\xbf", "\xef\xbb\xbf" "bom first", "nbsp\xc2\xa0",
	"\xc2\xa0" "nbsp first", "nonchar \xef\xbf\xbe",
	"# not a comment", "a # b", "a #b", "key: value", "key:", ":",
	"-", "- item", "--- x", "...", "? q", "[a, b]", "{a: b}", "*alias",
	"&anchor", "!tag", "|", ">", "'single'", "\"double\"",
	"%percent", "@at", "`tick", "back\\slash", "quote ' and \"",
	"null", "Null", "NULL", "~", "y", "Y", "n", "yes", "No", "ON",
	"off", "True", "FALSE", "010", "0o17", "0x1F", "0b101", "1_000",
	"22:22", "1:20:30", "1.5", "1e3", "1.0e+3", ".5", "+.5", ".inf",
	"-.Inf", ".nan", ".NaN", "6.8523015e+5", "190:20:30.15",
	"2026-01-01", "2001-12-14t21:59:43.10-05:00",
	"2001-12-14 21:59:43.10 -5", "<<", "=", "0", "-1", "+1",
	"1,000", "10:30", "é unicode ü 日本 😀",
	"multi\nline\nunicode é\n", "ends with colon:", "with: colon",
	"comma, here", "http://example.org/a?b=c#d", "  # indented hash\nx",
	"first\n  second indented\n", "Alex Morgan", "g1.2",
	NULL,
};

/* Free text of every kind survives emit and load unchanged. */
static void
test_roundtrip_text(void **state)
{
	struct psw_node *root, *list, *keys, *n;
	struct psw_doc *doc, *again;
	char name[16], *s;
	size_t i;

	doc = psw_doc_new("x.yaml");
	root = psw_doc_root(doc);
	list = psw_map_set(doc, root, "list", psw_node_seq(doc, 0));
	keys = psw_map_set(doc, root, "keys", psw_node_map(doc, 0));
	for (i = 0; tricky[i] != NULL; i++) {
		snprintf(name, sizeof name, "k%zu", i);
		set(doc, root, name, tricky[i], PSW_STRING);
		psw_seq_append(list, psw_node_scalar(doc, tricky[i],
		    PSW_STRING));
		set(doc, keys, tricky[i], name, PSW_PLAIN);
	}
	s = assert_fixed_point(doc);
	again = load(s, strlen(s));
	root = psw_doc_root(again);
	for (i = 0; tricky[i] != NULL; i++) {
		snprintf(name, sizeof name, "k%zu", i);
		n = psw_map_get(root, name);
		assert_non_null(n);
		assert_string_equal(n->str, tricky[i]);
		assert_int_equal(n->len, strlen(tricky[i]));
		/* Plain only where no reader could take it for more. */
		if (n->style == PSW_PLAIN)
			assert_true(psw_yaml_plain_safe(n->str, n->len));
		assert_non_null(psw_map_get(psw_map_get(root, "keys"),
		    tricky[i]));
	}
	free(s);
	psw_doc_free(again);
	psw_doc_free(doc);
}

/* --- psw's own form, read without libyaml (doc_fast.c) ------------- */

/* The fast reader takes text, as the same tree libyaml reads. */
static void
assert_fast(const char *text, size_t len)
{
	char why[256];

	switch (psw_doc_readers_agree(text, len, why, sizeof why)) {
	case 0:
		fail_msg("not read in psw's own form:\n%.*s", (int)len, text);
		break;
	case -1:
		fail_msg("the readers differ: %s", why);
		break;
	}
}

/* Every form the emitter writes is read fast, exactly. */
static void
test_fast_forms(void **state)
{
	static const char forms[] =
	    "psw: 1\n"
	    "name: Zo\xc3\xab \"Z\" O'Neil\n"
	    "note: |\n  First line\n    indented\n  \ttab\n\n  after\n"
	    "strip: |-\n  no newline\n  at end\n"
	    "keep: |+\n  two\n\n"
	    "lead: |2-\n    starts with blanks\n  second\n"
	    "esc: \"bell\\x07 esc\\e nel\\N ls\\L tab\\tend \\P\"\n"
	    "single: 'it''s: quoted # not a comment'\n"
	    "empty:\n"
	    "list:\n  - plain\n  -\n  - - nested a\n    - nested b\n"
	    "  - key: value\n    other: 'x: y'\n"
	    "  - {a: 1, b c: \"d\\te\", '10': x}\n  - []\n  - {}\n"
	    "\xc3\xbc" "n\xc3\xaf" "code: [\xc3\xa4, \xc3\xb6, \xc3\xbc]\n"
	    "'10': ten\n"
	    "deep:\n  a:\n    b:\n      c: [x]\n      d:\n";
	struct psw_node *root, *list, *keys;
	struct psw_doc *doc;
	char *s;
	size_t i;

	assert_fast(forms, sizeof forms - 1);
	/* A root sequence. */
	assert_fast("- a\n- b: 1\n  c: 2\n", 18);
	/* The client file as psw writes it. */
	doc = load(client_yaml, sizeof client_yaml - 1);
	s = emit(doc);
	assert_fast(s, strlen(s));
	free(s);
	psw_doc_free(doc);
	/* Every tricky string as a value, an item and a key (a map of
	 * more than 64 keys is left to libyaml: test_many_keys). */
	for (i = 0; tricky[i] != NULL; i++) {
		doc = psw_doc_new("x.yaml");
		root = psw_doc_root(doc);
		set(doc, root, "value", tricky[i], PSW_STRING);
		list = psw_map_set(doc, root, "list", psw_node_seq(doc, 0));
		psw_seq_append(list, psw_node_scalar(doc, tricky[i],
		    PSW_STRING));
		psw_seq_append(list, psw_node_scalar(doc, tricky[i],
		    PSW_PLAIN));
		keys = psw_map_set(doc, root, "keys", psw_node_map(doc, 0));
		set(doc, keys, tricky[i], "v", PSW_PLAIN);
		s = emit(doc);
		assert_fast(s, strlen(s));
		free(s);
		psw_doc_free(doc);
	}
}

/*
 * Other text is left to libyaml, which reads it as before; what the
 * limits refuse in psw's own form is refused with libyaml's messages.
 */
static void
test_fast_declines(void **state)
{
	static const char *const other[] = {
		"a: 1 # comment\n", "# comment\na: 1\n", "a: 1\r\nb: 2\r\n",
		"a:  1\n", "a: \"x\"\n", "a: 'x'\n", "a:\n    b: 1\n",
		"---\na: 1\n", "a: 1\n...\n", "a: [1, [2]]\n", "a: 1",
		"a: 1\n\n", "a: 1 \n", "a: >\n  folded\n", "a: [1,2]\n",
		"[1, 2]\n", "plain\n", "a:\n- b\n", "a: |\n  x\n  \n",
		"a: \"\\x41\"\n", "\xef\xbb\xbf" "a: 1\n", "a: \"\\/\"\n",
		"a: \"\\u00e9\"\n", "? a\n: 1\n", "a: yes\nb: \"yes\"\n",
		"a: !!str 1\n", "a: &x 1\nb: *x\n", "",
		NULL,
	};
	struct psw_buf b = PSW_BUF_INIT;
	struct psw_doc *fast, *slow, *doc;
	struct timespec t0;
	struct psw_err e, e2;
	char why[128], *s;
	size_t i;
	double ms;
	int rc;

	for (i = 0; other[i] != NULL; i++) {
		fast = (struct psw_doc *)1;
		if (psw_doc_load_canonical(other[i], strlen(other[i]),
		    "t.yaml", &fast))
			fail_msg("read fast: %s", other[i]);
		assert_null(fast);
		/* The whole loader: as libyaml alone. */
		rc = psw_doc_load_mem(other[i], strlen(other[i]), "t.yaml",
		    &doc, &e);
		assert_int_equal(rc, psw_doc_load_libyaml(other[i],
		    strlen(other[i]), "t.yaml", &slow, &e2));
		if (rc == 0)
			assert_int_equal(psw_node_same(psw_doc_root(doc),
			    psw_doc_root(slow), why, sizeof why), 0);
		else
			assert_string_equal(e.msg, e2.msg);
		psw_doc_free(doc);
		psw_doc_free(slow);
	}
	/* Text that grows as it is decoded: \L and \P are 2 bytes written
	 * and 3 read (a quoted value sized by its text overflowed). */
	doc = psw_doc_new("x.yaml");
	psw_buf_reset(&b);
	for (i = 0; i < 5000; i++)
		psw_buf_adds(&b, i % 2 ? "\xe2\x80\xa8" : "\xe2\x80\xa9");
	set(doc, psw_doc_root(doc), "seps", b.s, PSW_STRING);
	s = emit(doc);
	assert_non_null(strstr(s, "seps: \"\\P\\L\\P"));
	assert_fast(s, strlen(s));
	free(s);
	psw_doc_free(doc);
	/* A literal block one byte over the limit once chomped. */
	psw_buf_reset(&b);
	psw_buf_adds(&b, "a: |\n");
	for (i = 0; i < PSW_DOC_MAX_SCALAR / 64; i++)
		psw_buf_addf(&b, "  %063zu\n", i);
	psw_buf_adds(&b, "  x\n");
	refused(b.s, "t.yaml:1:4: scalar longer than 65536 bytes");
	/* A long flow line is no form of psw's (its flow lines fit in 100
	 * columns): declined at once, not after a column count per item. */
	psw_buf_reset(&b);
	psw_buf_adds(&b, "k: [a");
	for (i = 0; i < 200000; i++)
		psw_buf_adds(&b, ", a");
	psw_buf_adds(&b, "]\n");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(psw_doc_load_canonical(b.s, b.len, "t.yaml", &doc),
	    0);
	ms = ms_since(&t0);
	print_message("a flow line of %zu bytes declined in %.2f ms\n", b.len,
	    ms);
	assert_true(ms < QUICK_MS);
	psw_buf_release(&b);
	/* Limits, in text that is otherwise psw's own form. */
	refused("id: x\nname: a\nname: b\n",
	    "t.yaml:3:1: duplicate key 'name' (first at line 2)");
	refused("a: {k: 1, k: 2}\n",
	    "t.yaml:1:11: duplicate key 'k' (first at line 1)");
	refused("a:\n  - x\n  - {b: 1, c: \"\\0\"}\n",
	    "t.yaml:3:15: scalar contains a NUL character");
}

/* Write len bytes to a new temporary file; its name goes to path. */
static void
write_temp(char *path, const char *s, size_t len)
{
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, len), (ssize_t)len);
	close(fd);
}

/*
 * The emitted strings, read back by PyYAML (pure and libyaml-based safe
 * loaders): each must be exactly the string written.  Skipped when
 * python3 with yaml is not there.
 */
static void
test_pyyaml(void **state)
{
	static const char script[] =
	    "import sys, yaml\n"
	    "text = open(sys.argv[1], 'rb').read()\n"
	    "want = [bytes.fromhex(l.strip()).decode('utf-8')\n"
	    "    for l in open(sys.argv[2])]\n"
	    "loaders = [yaml.SafeLoader]\n"
	    "if getattr(yaml, 'CSafeLoader', None):\n"
	    "    loaders.append(yaml.CSafeLoader)\n"
	    "bad = 0\n"
	    "for ld in loaders:\n"
	    "    d = yaml.load(text, Loader=ld)\n"
	    "    for i, s in enumerate(want):\n"
	    "        got = [d['k%d' % i], d['list'][i], d['flow'][i][0]]\n"
	    "        got += list(d['fmap'][i].keys())\n"
	    "        got += list(d['fmap'][i].values())\n"
	    "        if d['keys'].get(s) != 'k%d' % i:\n"
	    "            got.append(None)\n"
	    "        for g in got:\n"
	    "            if g != s:\n"
	    "                print('%s: %r read as %r' % (ld.__name__, s, g))\n"
	    "                bad += 1\n"
	    "    print('# %s: %d strings read back' %\n"
	    "        (ld.__name__, len(want)))\n"
	    "sys.exit(1 if bad else 0)\n";
	char ypath[] = "/tmp/test_doc_y.XXXXXX";
	char hpath[] = "/tmp/test_doc_h.XXXXXX";
	char spath[] = "/tmp/test_doc_s.XXXXXX";
	struct psw_buf hex = PSW_BUF_INIT, cmd = PSW_BUF_INIT;
	struct psw_node *root, *list, *keys, *flow, *fmap, *n;
	const char *strs[sizeof tricky / sizeof tricky[0] + 2];
	char name[16], longkey[1101], ctlkey[301], *s;
	struct psw_doc *doc;
	size_t i, j;
	int rc;

	if (system("python3 -c 'import yaml' >/dev/null 2>&1") != 0) {
		print_message("python3 with yaml not found: skipped\n");
		skip();
	}
	/* The tricky strings and two keys too long for simple keys. */
	for (i = 0; tricky[i] != NULL; i++)
		strs[i] = tricky[i];
	memset(longkey, 'k', sizeof longkey - 1);
	longkey[sizeof longkey - 1] = '\0';
	memset(ctlkey, '\x1b', sizeof ctlkey - 1);
	ctlkey[sizeof ctlkey - 1] = '\0';
	strs[i++] = longkey;
	strs[i++] = ctlkey;
	strs[i] = NULL;
	doc = psw_doc_new("x.yaml");
	root = psw_doc_root(doc);
	list = psw_map_set(doc, root, "list", psw_node_seq(doc, 0));
	flow = psw_map_set(doc, root, "flow", psw_node_seq(doc, 0));
	fmap = psw_map_set(doc, root, "fmap", psw_node_seq(doc, 0));
	keys = psw_map_set(doc, root, "keys", psw_node_map(doc, 0));
	for (i = 0; strs[i] != NULL; i++) {
		snprintf(name, sizeof name, "k%zu", i);
		set(doc, root, name, strs[i], PSW_STRING);
		psw_seq_append(list, psw_node_scalar(doc, strs[i],
		    PSW_STRING));
		/* In flow context: [s] and {s: s}. */
		n = psw_seq_append(flow, psw_node_seq(doc, 1));
		psw_seq_append(n, psw_node_scalar(doc, strs[i],
		    PSW_STRING));
		n = psw_seq_append(fmap, psw_node_map(doc, 1));
		set(doc, n, strs[i], strs[i], PSW_STRING);
		set(doc, keys, strs[i], name, PSW_STRING);
		for (j = 0; strs[i][j] != '\0'; j++)
			psw_buf_addf(&hex, "%02x",
			    (unsigned char)strs[i][j]);
		psw_buf_addc(&hex, '\n');
	}
	s = emit(doc);
	write_temp(ypath, s, strlen(s));
	write_temp(hpath, hex.s, hex.len);
	write_temp(spath, script, sizeof script - 1);
	psw_buf_addf(&cmd, "python3 %s %s %s", spath, ypath, hpath);
	rc = system(cmd.s);
	unlink(ypath);
	unlink(hpath);
	unlink(spath);
	free(s);
	psw_buf_release(&hex);
	psw_buf_release(&cmd);
	psw_doc_free(doc);
	assert_int_equal(rc, 0);
}

/* The arena: alignment, large blocks, overflow, freeing it all. */
static void
test_arena_large(void **state)
{
	struct psw_doc *doc;
	char *big;
	void *p;
	int i;

	doc = psw_doc_new(NULL);
	assert_non_null(doc);
	assert_string_equal(psw_doc_name(doc), "");
	for (i = 0; i < 1000; i++) {
		p = psw_doc_alloc(doc, (size_t)i * 37);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
	}
	big = psw_doc_alloc(doc, 200000);
	assert_non_null(big);
	memset(big, 'x', 200000);
	assert_null(psw_doc_alloc(doc, SIZE_MAX - 8));
	assert_string_equal(psw_doc_strdup(doc, "abc"), "abc");
	psw_doc_free(doc);
}

/* Run every test of the document module. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_client),
		cmocka_unit_test(test_empty_documents),
		cmocka_unit_test(test_bom_and_crlf),
		cmocka_unit_test(test_refuse_bombs),
		cmocka_unit_test(test_depth_limit_exact),
		cmocka_unit_test(test_refuse_size),
		cmocka_unit_test(test_load_fd_pipe),
		cmocka_unit_test(test_load_file_errors),
		cmocka_unit_test(test_refuse_duplicates),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_refuse_encoding),
		cmocka_unit_test(test_refuse_encoding_offsets),
		cmocka_unit_test(test_refuse_structure),
		cmocka_unit_test(test_plain_safe),
		cmocka_unit_test(test_emit_client),
		cmocka_unit_test(test_emit_layout),
		cmocka_unit_test(test_emit_strings),
		cmocka_unit_test(test_emit_roots),
		cmocka_unit_test(test_emit_long_key),
		cmocka_unit_test(test_emit_invalid_utf8),
		cmocka_unit_test(test_edit),
		cmocka_unit_test(test_edit_loaded),
		cmocka_unit_test(test_roundtrip_text),
		cmocka_unit_test(test_fast_forms),
		cmocka_unit_test(test_fast_declines),
		cmocka_unit_test(test_pyyaml),
		cmocka_unit_test(test_arena_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
