/*
 * yaml_suite.c - run the loader over the yaml-test-suite fixtures.
 *
 * usage: yaml_suite DIR
 *
 * Every DIR/ID/in.yaml and DIR/ID/NN/in.yaml is loaded with
 * psw_doc_load_file.  A case with a file named "error" beside in.yaml
 * must be refused; every refusal must name a line and column; no load
 * may take more than 100 ms.  Every document that loads is also written
 * with psw_doc_emit and read back: the tree must be the same and a
 * second write the same text; where the reader of psw's own form takes
 * the written text, its tree must be libyaml's to every position.
 * Prints TAP and a summary comment; exits 0 when every case is ok.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "doc.h"
#include "doc_impl.h"

#define MAX_MS 100.0

struct cases {
	char **v;
	size_t n, cap;
};

/*
 * The start of each message the loader's own limits give, then of those
 * its checks for what libyaml 0.2.5 wrongly accepts give; anything else
 * is libyaml's parser refusing the input.
 */
static const char *const own[] = {
	"anchors and aliases are not allowed",
	"tags are not allowed",
	"only one document is allowed",
	"%TAG directives are not allowed",
	"nesting deeper than",
	"map keys must be scalars",
	"scalar longer than",
	"scalar contains a NUL",
	"duplicate key",
	"file is larger than",
	"invalid UTF-8",
	"character U+",
	"byte order mark",
	NULL,
};

static const char *const syntax[] = {
	"a comment needs a space",
	"line indented less than",
	"'-' alone is not",
	"a leading empty line of a block scalar",
	NULL,
};

/* 1 when path names an existing file. */
static int
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Append a copy of s to the list; exits on OOM (this is a test tool). */
static void
add_case(struct cases *c, const char *s)
{
	char **v;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 512;
		if ((v = realloc(c->v, c->cap * sizeof *v)) == NULL) {
			perror("yaml_suite");
			exit(2);
		}
		c->v = v;
	}
	if ((c->v[c->n++] = strdup(s)) == NULL) {
		perror("yaml_suite");
		exit(2);
	}
}

/* Names in dir other than . and .., sorted. */
static int
list_dir(const char *dir, struct cases *out)
{
	struct dirent *d;
	DIR *dp;

	if ((dp = opendir(dir)) == NULL)
		return -1;
	while ((d = readdir(dp)) != NULL)
		if (d->d_name[0] != '.')
			add_case(out, d->d_name);
	closedir(dp);
	return 0;
}

/* qsort comparison of two strings. */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect the case ids (ID or ID/NN) under root. */
static int
find_cases(const char *root, struct cases *out)
{
	struct cases top = { NULL, 0, 0 }, sub;
	char path[4096];
	size_t i, j;

	if (list_dir(root, &top) < 0)
		return -1;
	qsort(top.v, top.n, sizeof *top.v, cmp_str);
	for (i = 0; i < top.n; i++) {
		snprintf(path, sizeof path, "%s/%s/in.yaml", root, top.v[i]);
		if (exists(path)) {
			add_case(out, top.v[i]);
			free(top.v[i]);
			continue;
		}
		snprintf(path, sizeof path, "%s/%s", root, top.v[i]);
		memset(&sub, 0, sizeof sub);
		if (list_dir(path, &sub) == 0) {
			qsort(sub.v, sub.n, sizeof *sub.v, cmp_str);
			for (j = 0; j < sub.n; j++) {
				snprintf(path, sizeof path, "%s/%s/%s/in.yaml",
				    root, top.v[i], sub.v[j]);
				if (exists(path)) {
					snprintf(path, sizeof path, "%s/%s",
					    top.v[i], sub.v[j]);
					add_case(out, path);
				}
				free(sub.v[j]);
			}
			free(sub.v);
		}
		free(top.v[i]);
	}
	free(top.v);
	return 0;
}

/* 1 when the two trees hold the same shapes, keys and strings. */
static int
same_tree(const struct psw_node *a, const struct psw_node *b)
{
	const struct psw_node *x, *y;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->type != b->type || (a->key == NULL) != (b->key == NULL) ||
	    (a->key != NULL && strcmp(a->key, b->key) != 0))
		return 0;
	if (a->type == PSW_NODE_SCALAR)
		return a->len == b->len && strcmp(a->str, b->str) == 0;
	if (a->count != b->count)
		return 0;
	for (x = a->head, y = b->head; x != NULL && y != NULL;
	    x = x->next, y = y->next)
		if (!same_tree(x, y))
			return 0;
	return x == NULL && y == NULL;
}

/*
 * Write doc, read it back and write it again; NULL when the tree and the
 * text survive, else what went wrong.
 */
static size_t fast_reads;	/* written texts the fast reader took */

static const char *
round_trip(const struct psw_doc *doc)
{
	struct psw_buf b1 = PSW_BUF_INIT, b2 = PSW_BUF_INIT;
	struct psw_doc *again = NULL;
	const char *why = NULL;
	struct psw_err e;
	char diff[256];
	int agree;

	if (psw_doc_emit(doc, &b1, &e) < 0 || b1.oom)
		why = "cannot emit";
	else if (psw_doc_load_mem(b1.s, b1.len, "emitted", &again, &e) < 0)
		why = "emitted text does not load";
	else if (!same_tree(psw_doc_root(doc), psw_doc_root(again)))
		why = "emitted text loads as another tree";
	else if (psw_doc_emit(again, &b2, &e) < 0 || b1.len != b2.len ||
	    (b1.len > 0 && memcmp(b1.s, b2.s, b1.len) != 0))
		why = "second emit differs";
	else if ((agree = psw_doc_readers_agree(b1.s, b1.len, diff,
	    sizeof diff)) < 0)
		why = "the fast reader reads the written text otherwise";
	else
		fast_reads += (size_t)agree;
	psw_doc_free(again);
	psw_buf_release(&b1);
	psw_buf_release(&b2);
	return why;
}

/* 1 when msg starts with one of the prefixes in list. */
static int
starts_with_any(const char *msg, const char *const *list)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (strncmp(msg, list[i], strlen(list[i])) == 0)
			return 1;
	return 0;
}

/* Load, time and round-trip every case under argv[1]; print TAP. */
int
main(int argc, char *argv[])
{
	struct cases cs = { NULL, 0, 0 };
	struct timespec t0, t1;
	struct psw_doc *doc;
	struct psw_err e;
	char path[4096], msg[2048];
	size_t i, loaded = 0, by_yaml = 0, by_limits = 0, by_syntax = 0;
	size_t err_cases = 0, err_yaml = 0, err_limits = 0, err_syntax = 0;
	size_t failed = 0;
	const char *why;
	double ms, max_ms = 0;
	int rc, want_error;

	if (argc != 2) {
		fprintf(stderr, "usage: yaml_suite DIR\n");
		return 2;
	}
	if (find_cases(argv[1], &cs) < 0) {
		perror(argv[1]);
		return 2;
	}
	printf("1..%zu\n", cs.n);
	for (i = 0; i < cs.n; i++) {
		snprintf(path, sizeof path, "%s/%s/error", argv[1], cs.v[i]);
		want_error = exists(path);
		snprintf(path, sizeof path, "%s/%s/in.yaml", argv[1], cs.v[i]);
		psw_err_clear(&e);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = psw_doc_load_file(path, cs.v[i], &doc, &e);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		if (ms > max_ms)
			max_ms = ms;
		why = rc == 0 ? round_trip(doc) : NULL;
		psw_doc_free(doc);
		err_cases += want_error;
		if (rc == 0)
			loaded++;
		else if (starts_with_any(e.msg, own)) {
			by_limits++;
			err_limits += want_error;
		} else if (starts_with_any(e.msg, syntax)) {
			by_syntax++;
			err_syntax += want_error;
		} else {
			by_yaml++;
			err_yaml += want_error;
		}
		psw_err_format(&e, msg, sizeof msg);
		if (ms > MAX_MS) {
			printf("not ok %zu - %s took %.1f ms\n", i + 1,
			    cs.v[i], ms);
			failed++;
		} else if (why != NULL) {
			printf("not ok %zu - %s: %s\n", i + 1, cs.v[i], why);
			failed++;
		} else if (want_error && rc == 0) {
			printf("not ok %zu - %s: invalid YAML was loaded\n",
			    i + 1, cs.v[i]);
			failed++;
		} else if (rc != 0 && rc != -PSW_EDATA) {
			printf("not ok %zu - %s: not a data error\n", i + 1,
			    cs.v[i]);
			failed++;
		} else if (rc != 0 && (e.line <= 0 || e.col <= 0)) {
			printf("not ok %zu - %s: no line:col\n", i + 1,
			    cs.v[i]);
			failed++;
		} else if (rc != 0)
			printf("ok %zu - %s refused\n", i + 1, cs.v[i]);
		else
			printf("ok %zu - %s\n", i + 1, cs.v[i]);
		/* The message may hold '#': TAP sees it only as a comment. */
		if (rc != 0)
			printf("# %s\n", msg);
		free(cs.v[i]);
	}
	free(cs.v);
	printf("# %zu cases: %zu loaded, %zu refused by libyaml, "
	    "%zu refused by our limits, %zu by our checks of what libyaml "
	    "0.2.5 misses; %zu error cases (%zu refused by libyaml, %zu by "
	    "our limits, %zu by our checks); %zu written texts read by the "
	    "fast reader as by libyaml; slowest %.2f ms; %zu failed\n",
	    i, loaded, by_yaml, by_limits, by_syntax, err_cases, err_yaml,
	    err_limits, err_syntax, fast_reads, max_ms, failed);
	return failed > 0;
}
