/*
 * doc.h - YAML documents as an ordered node tree with positions.
 *
 * The loader pulls libyaml events itself so that limits are enforced while
 * parsing: no anchors or aliases, no tags, one document, nesting at most
 * PSW_DOC_MAX_DEPTH, files at most PSW_DOC_MAX_BYTES (checked with fstat
 * before parsing), scalars at most PSW_DOC_MAX_SCALAR bytes, valid UTF-8
 * only, no duplicate keys, only scalar keys.  A UTF-8 BOM and CRLF line
 * ends are accepted.  Every refusal names file:line:col.
 *
 * Text in exactly the form the emitter writes (every file psw saved) is
 * read without libyaml, by doc_fast.c, to the same tree and positions;
 * the loader's checks and messages are the same either way.
 *
 * The emitter writes the tree back in the same order, keeping every key it
 * was given.  Comments do not survive (libyaml drops them).
 *
 * One document, one arena: every node and string of a document is freed by
 * psw_doc_free() at once.
 */
#ifndef PSW_DOC_H
#define PSW_DOC_H

#include <stddef.h>

#include "buf.h"
#include "error.h"

#define PSW_DOC_MAX_BYTES (1024 * 1024)
#define PSW_DOC_MAX_DEPTH 32
#define PSW_DOC_MAX_SCALAR (64 * 1024)

enum psw_node_type {
	PSW_NODE_SCALAR = 1,
	PSW_NODE_SEQ,
	PSW_NODE_MAP,
};

/*
 * How a scalar is meant.  PSW_PLAIN: written without quotes in the file
 * (a number, a date, an id, a keyword), or a value a tool wants written
 * that way; it is emitted unquoted when it can be.  PSW_STRING: text (it
 * was quoted or a block scalar in the file, or a tool says it is free
 * text); it is emitted so that every YAML 1.1 and 1.2 reader (PyYAML's
 * safe_load included) reads it back as exactly this string.
 */
enum psw_scalar_style {
	PSW_PLAIN = 0,
	PSW_STRING = 1,
};

struct psw_node {
	enum psw_node_type type;
	int line, col;		/* 1-based start; 0 for nodes made by a tool */
	/* scalars */
	char *str;		/* NUL-terminated, valid UTF-8, no NUL inside */
	size_t len;
	int style;		/* enum psw_scalar_style */
	/* collections */
	int flow;		/* written in flow style: {a: 1} or [1, 2] */
	struct psw_node *head, *tail;	/* children in order */
	size_t count;
	/* in a map: this value's key (a scalar string) and where it is */
	char *key;
	int key_line, key_col;
	struct psw_node *parent, *prev, *next;
};

struct psw_doc;

/*
 * Load the file at path; messages name it as `name` (e.g. the path
 * relative to the case folder).  On success *out is a new document the
 * caller frees with psw_doc_free().  An empty file (or one holding only
 * comments) gives a document whose root is NULL.
 * Errors: -PSW_EDATA (bad YAML or a limit, with file:line:col),
 * -PSW_EIO (cannot open or read).
 */
int psw_doc_load_file(const char *path, const char *name,
    struct psw_doc **out, struct psw_err *e);

/* As psw_doc_load_file, from an open descriptor (read to the end). */
int psw_doc_load_fd(int fd, const char *name, struct psw_doc **out,
    struct psw_err *e);

/* As psw_doc_load_file, from memory. */
int psw_doc_load_mem(const char *buf, size_t len, const char *name,
    struct psw_doc **out, struct psw_err *e);

/* A new document whose root is an empty block map; NULL on OOM. */
struct psw_doc *psw_doc_new(const char *name);

void psw_doc_free(struct psw_doc *doc);

struct psw_node *psw_doc_root(const struct psw_doc *doc);
void psw_doc_set_root(struct psw_doc *doc, struct psw_node *root);
/* The name messages use; borrowed. */
const char *psw_doc_name(const struct psw_doc *doc);

/* Zeroed memory from the document's arena; NULL on OOM. */
void *psw_doc_alloc(struct psw_doc *doc, size_t size);
/* A copy of s in the arena; NULL on OOM. */
char *psw_doc_strdup(struct psw_doc *doc, const char *s);

/* --- Reading ------------------------------------------------------- */

/* The value under key in a map; NULL when node is not a map or has none. */
struct psw_node *psw_map_get(const struct psw_node *map, const char *key);

/* The text of the scalar under key; NULL when absent or not a scalar. */
const char *psw_map_get_str(const struct psw_node *map, const char *key);

/* --- Changing (new nodes come from the document's arena) ----------- */

/* A new scalar (a copy of s) / empty map / empty sequence; NULL on OOM. */
struct psw_node *psw_node_scalar(struct psw_doc *doc, const char *s,
    int style);
struct psw_node *psw_node_map(struct psw_doc *doc, int flow);
struct psw_node *psw_node_seq(struct psw_doc *doc, int flow);

/*
 * Set map[key] = value.  An existing entry is replaced where it stands
 * (key order is kept); otherwise the entry is appended.  Returns value,
 * or NULL on OOM.
 */
struct psw_node *psw_map_set(struct psw_doc *doc, struct psw_node *map,
    const char *key, struct psw_node *value);

/* psw_map_set with a new scalar; returns the scalar or NULL on OOM. */
struct psw_node *psw_map_set_str(struct psw_doc *doc, struct psw_node *map,
    const char *key, const char *value, int style);

/* Remove map[key]; 1 if it was there, 0 if not. */
int psw_map_remove(struct psw_node *map, const char *key);

/* Append item to a sequence; returns item. */
struct psw_node *psw_seq_append(struct psw_node *seq, struct psw_node *item);

/* Detach a node from its parent collection (it stays in the arena). */
void psw_node_unlink(struct psw_node *node);

/* --- Writing ------------------------------------------------------- */

/*
 * Append the document as YAML to out: block style with two-space
 * indentation; a collection marked flow stays flow when all its children
 * are scalars and it fits in 100 columns; multi-line strings as literal
 * block scalars (|, |-, |+) where that round-trips, double-quoted with
 * escapes otherwise.  No "---", ends with a newline; an empty document
 * emits nothing.  Returns 0, or -PSW_EIO on OOM.
 */
int psw_doc_emit(const struct psw_doc *doc, struct psw_buf *out,
    struct psw_err *e);

/*
 * 1 when s (len bytes) can be written as a plain scalar (in block context)
 * and every YAML 1.1 and 1.2 reader reads it back as the string s: not
 * empty, no look-alike of null, bool (yes/no/on/off/y/n/true/false in
 * any case), int (010, 0x1f, 0o7, 0b1, 1_000, 22:22), float (1e3, .5,
 * .inf, .nan), timestamp (2026-01-01), merge or value key (<<, =), and no
 * leading indicator, ": ", " #", leading or trailing space, or line break.
 */
int psw_yaml_plain_safe(const char *s, size_t len);

#endif
