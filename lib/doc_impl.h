/*
 * doc_impl.h - what doc.c shares with doc_fast.c, and the two readers
 * apart (for the tests that hold one against the other).
 */
#ifndef PSW_DOC_IMPL_H
#define PSW_DOC_IMPL_H

#include "doc.h"

/* A document with no root, named name; NULL on OOM. */
struct psw_doc *psw_doc_create(const char *name);

/* A NUL-terminated copy of n bytes at s in the arena; NULL on OOM. */
char *psw_doc_strndup(struct psw_doc *doc, const char *s, size_t n);

/* Link a detached node at the end of collection parent. */
void psw_node_append(struct psw_node *parent, struct psw_node *n);

/*
 * Read s (len bytes, no BOM) when it is exactly the text psw_doc_emit()
 * writes for the tree read: 1 with *out a new document, 0 when it is not
 * (any other text, a limit reached, or memory short), *out NULL.
 */
int psw_doc_load_canonical(const char *s, size_t len, const char *name,
    struct psw_doc **out);

/* psw_doc_load_mem with libyaml's parser only. */
int psw_doc_load_libyaml(const char *buf, size_t len, const char *name,
    struct psw_doc **out, struct psw_err *e);

/*
 * 0 when a and b are the same tree: types, strings, keys, styles, flow
 * and every position; -1 when not, with the first difference in why.
 */
int psw_node_same(const struct psw_node *a, const struct psw_node *b,
    char *why, size_t size);

/*
 * Hold the two readers against each other on s (n bytes): 1 when the
 * reader of psw's own form takes it and libyaml reads the same tree, 0
 * when that reader declines it (or memory runs short), -1 when they
 * differ, with how in why.
 */
int psw_doc_readers_agree(const char *s, size_t n, char *why, size_t size);

#endif
