/*
 * doc.c - YAML documents: the arena, the node tree, the loader and
 * changing the tree.
 *
 * The loader checks the whole input first (size, UTF-8, printable
 * characters) so that every refusal has a line and column, then pulls
 * libyaml's parser events one at a time and refuses anchors, aliases,
 * tags, a second document, deep nesting, complex keys, long scalars,
 * NUL characters and duplicate keys as soon as the event arrives.
 * It also refuses what libyaml 0.2.5 wrongly accepts (a '#' comment
 * without a blank before it, flow content and quoted lines indented less
 * than their block parent, '-' as a plain scalar, block scalars whose
 * leading empty lines are longer than the first line), so that every
 * invalid case of the yaml-test-suite is refused.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "doc.h"
#include "doc_impl.h"
#include "utf8.h"

#define ARENA_CHUNK (32 * 1024)
#define ARENA_ALIGN (_Alignof(max_align_t))
#define READ_FIRST (64 * 1024)
#define MSG_KEY_MAX 48

struct arena_chunk {
	struct arena_chunk *next;
	size_t size, used;
	max_align_t data[];
};

struct psw_doc {
	struct arena_chunk *chunks;
	struct psw_node *root;
	char *name;
};

/* One open collection while loading, and the key waiting for its value. */
struct frame {
	struct psw_node *node;
	int want_key;
	char *key;
	int key_line, key_col;
	int outer_flow;		/* a flow collection in block context */
	size_t start;		/* its byte offset */
};

/* A key seen while loading, to find duplicates in any map in O(1). */
struct keyent {
	const struct psw_node *map;
	const char *key;
	size_t len;
	uint32_t hash;
	int line;
};

struct keyset {
	struct keyent *v;
	size_t n, cap;
};

struct loader {
	struct psw_doc *doc;
	const char *name;
	struct psw_err *e;
	struct frame stack[PSW_DOC_MAX_DEPTH];
	int depth;
	int ndocs;
	struct keyset keys;
	const unsigned char *s;	/* the input, without a BOM */
	size_t len;
	size_t at_index, at_off;	/* a libyaml index, its byte offset */
	int ascii;		/* every byte below 0x80 */
	size_t gap;		/* bytes before this are checked for comments */
};

/* --- Arena --------------------------------------------------------- */

static void *arena_raw(struct psw_doc *, size_t, size_t);

/*
 * Zeroed memory of n bytes from the document's arena, aligned for any
 * type; NULL when memory runs out.
 */
void *
psw_doc_alloc(struct psw_doc *doc, size_t n)
{
	void *p;

	if ((p = arena_raw(doc, n, ARENA_ALIGN)) != NULL)
		memset(p, 0, n);
	return p;
}

/*
 * n bytes, not zeroed, from the arena, at a multiple of align (a power
 * of two up to ARENA_ALIGN); NULL when memory runs out.
 */
static void *
arena_raw(struct psw_doc *doc, size_t n, size_t align)
{
	struct arena_chunk *c;
	size_t size, at;
	void *p;

	if (n > SIZE_MAX / 2)
		return NULL;
	n = (n + align - 1) / align * align;
	if (n == 0)
		n = ARENA_ALIGN;
	c = doc->chunks;
	at = c != NULL ? (c->used + align - 1) / align * align : 0;
	if (c == NULL || at > c->size || c->size - at < n) {
		size = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK;
		if ((c = malloc(sizeof *c + size)) == NULL)
			return NULL;
		c->size = size;
		c->used = 0;
		at = 0;
		if (size == n && doc->chunks != NULL) {
			/* A large block: keep the current chunk in front. */
			c->next = doc->chunks->next;
			doc->chunks->next = c;
		} else {
			c->next = doc->chunks;
			doc->chunks = c;
		}
	}
	/* Chunks start aligned for any type, and so each block. */
	p = (char *)c->data + at;
	c->used = at + n;
	return p;
}

/* A NUL-terminated copy of n bytes at s in the arena; NULL on OOM. */
char *
psw_doc_strndup(struct psw_doc *doc, const char *s, size_t n)
{
	char *p;

	if ((p = arena_raw(doc, n + 1, 1)) == NULL)
		return NULL;
	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* A copy of s in the document's arena; NULL on OOM. */
char *
psw_doc_strdup(struct psw_doc *doc, const char *s)
{
	return psw_doc_strndup(doc, s, strlen(s));
}

/* A document with no root and an arena copy of name; NULL on OOM. */
struct psw_doc *
psw_doc_create(const char *name)
{
	struct psw_doc *doc;

	if ((doc = calloc(1, sizeof *doc)) == NULL)
		return NULL;
	if ((doc->name = psw_doc_strdup(doc, name ? name : "")) == NULL) {
		psw_doc_free(doc);
		return NULL;
	}
	return doc;
}

/* A new document whose root is an empty block map; NULL on OOM. */
struct psw_doc *
psw_doc_new(const char *name)
{
	struct psw_doc *doc;

	if ((doc = psw_doc_create(name)) == NULL)
		return NULL;
	if ((doc->root = psw_node_map(doc, 0)) == NULL) {
		psw_doc_free(doc);
		return NULL;
	}
	return doc;
}

/* Free the document, every node and every string in it. */
void
psw_doc_free(struct psw_doc *doc)
{
	struct arena_chunk *c, *next;

	if (doc == NULL)
		return;
	for (c = doc->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(doc);
}

/* The root node, NULL for an empty document; borrowed. */
struct psw_node *
psw_doc_root(const struct psw_doc *doc)
{
	return doc->root;
}

/* Make root (a node of this document, or NULL) the document's root. */
void
psw_doc_set_root(struct psw_doc *doc, struct psw_node *root)
{
	if (root != NULL) {
		psw_node_unlink(root);
		root->key = NULL;
	}
	doc->root = root;
}

/* The name messages use; borrowed. */
const char *
psw_doc_name(const struct psw_doc *doc)
{
	return doc->name;
}

/* --- Nodes --------------------------------------------------------- */

/* A new scalar holding a copy of s; NULL on OOM. */
struct psw_node *
psw_node_scalar(struct psw_doc *doc, const char *s, int style)
{
	struct psw_node *n;

	if ((n = psw_doc_alloc(doc, sizeof *n)) == NULL)
		return NULL;
	n->type = PSW_NODE_SCALAR;
	n->len = strlen(s);
	if ((n->str = psw_doc_strndup(doc, s, n->len)) == NULL)
		return NULL;
	n->style = style == PSW_STRING ? PSW_STRING : PSW_PLAIN;
	return n;
}

/* A new empty collection of the given type; NULL on OOM. */
static struct psw_node *
node_coll(struct psw_doc *doc, enum psw_node_type type, int flow)
{
	struct psw_node *n;

	if ((n = psw_doc_alloc(doc, sizeof *n)) == NULL)
		return NULL;
	n->type = type;
	n->flow = flow != 0;
	return n;
}

/* A new empty map; NULL on OOM. */
struct psw_node *
psw_node_map(struct psw_doc *doc, int flow)
{
	return node_coll(doc, PSW_NODE_MAP, flow);
}

/* A new empty sequence; NULL on OOM. */
struct psw_node *
psw_node_seq(struct psw_doc *doc, int flow)
{
	return node_coll(doc, PSW_NODE_SEQ, flow);
}

/* Link a detached node at the end of collection parent. */
void
psw_node_append(struct psw_node *parent, struct psw_node *n)
{
	n->parent = parent;
	n->next = NULL;
	n->prev = parent->tail;
	if (parent->tail != NULL)
		parent->tail->next = n;
	else
		parent->head = n;
	parent->tail = n;
	parent->count++;
}

/* Detach a node from its parent collection (it stays in the arena). */
void
psw_node_unlink(struct psw_node *n)
{
	struct psw_node *p;

	if (n == NULL || (p = n->parent) == NULL)
		return;
	if (n->prev != NULL)
		n->prev->next = n->next;
	else
		p->head = n->next;
	if (n->next != NULL)
		n->next->prev = n->prev;
	else
		p->tail = n->prev;
	p->count--;
	n->parent = n->prev = n->next = NULL;
}

/* The value under key in a map; NULL when node is not a map or has none. */
struct psw_node *
psw_map_get(const struct psw_node *map, const char *key)
{
	struct psw_node *n;

	if (map == NULL || map->type != PSW_NODE_MAP || key == NULL)
		return NULL;
	for (n = map->head; n != NULL; n = n->next)
		if (n->key != NULL && n->key[0] == key[0] &&
		    strcmp(n->key, key) == 0)
			return n;
	return NULL;
}

/* The text of the scalar under key; NULL when absent or not a scalar. */
const char *
psw_map_get_str(const struct psw_node *map, const char *key)
{
	struct psw_node *n;

	if ((n = psw_map_get(map, key)) == NULL || n->type != PSW_NODE_SCALAR)
		return NULL;
	return n->str;
}

/*
 * Set map[key] = value, replacing an existing entry where it stands or
 * appending.  value is detached first if it is in a collection.  Returns
 * value; NULL on OOM or when map is not a map or value is NULL.
 */
struct psw_node *
psw_map_set(struct psw_doc *doc, struct psw_node *map, const char *key,
    struct psw_node *value)
{
	struct psw_node *old;
	char *k;

	if (map == NULL || map->type != PSW_NODE_MAP || value == NULL ||
	    key == NULL || value == map)
		return NULL;
	if ((old = psw_map_get(map, key)) == value)
		return value;
	if (old == NULL) {
		if ((k = psw_doc_strdup(doc, key)) == NULL)
			return NULL;
		psw_node_unlink(value);
		value->key = k;
		value->key_line = value->key_col = 0;
		psw_node_append(map, value);
		return value;
	}
	psw_node_unlink(value);
	value->key = old->key;
	value->key_line = old->key_line;
	value->key_col = old->key_col;
	value->parent = map;
	value->prev = old->prev;
	value->next = old->next;
	if (old->prev != NULL)
		old->prev->next = value;
	else
		map->head = value;
	if (old->next != NULL)
		old->next->prev = value;
	else
		map->tail = value;
	old->parent = old->prev = old->next = NULL;
	return value;
}

/* psw_map_set with a new scalar; returns the scalar or NULL on OOM. */
struct psw_node *
psw_map_set_str(struct psw_doc *doc, struct psw_node *map, const char *key,
    const char *value, int style)
{
	return psw_map_set(doc, map, key, psw_node_scalar(doc, value, style));
}

/* Remove map[key]; 1 if it was there, 0 if not. */
int
psw_map_remove(struct psw_node *map, const char *key)
{
	struct psw_node *n;

	if ((n = psw_map_get(map, key)) == NULL)
		return 0;
	psw_node_unlink(n);
	return 1;
}

/*
 * Append item to a sequence (detaching it first if it is in a
 * collection); returns item, or NULL when seq is not a sequence or item
 * is NULL, so that an allocation failure passes through.
 */
struct psw_node *
psw_seq_append(struct psw_node *seq, struct psw_node *item)
{
	if (seq == NULL || seq->type != PSW_NODE_SEQ || item == NULL ||
	    item == seq)
		return NULL;
	psw_node_unlink(item);
	item->key = NULL;
	item->key_line = item->key_col = 0;
	psw_node_append(seq, item);
	return item;
}

/*
 * 0 when a and b are the same tree: types, strings, keys, styles, flow
 * and every position; -1 when not, with the first difference in why.
 */
int
psw_node_same(const struct psw_node *a, const struct psw_node *b,
    char *why, size_t size)
{
	const struct psw_node *x, *y;

	if (a == NULL || b == NULL) {
		if (a == b)
			return 0;
		snprintf(why, size, "one tree is empty");
		return -1;
	}
	if (a->type != b->type || a->line != b->line || a->col != b->col) {
		snprintf(why, size, "node at %d:%d against %d:%d", a->line,
		    a->col, b->line, b->col);
		return -1;
	}
	if ((a->key == NULL) != (b->key == NULL) || (a->key != NULL &&
	    (strcmp(a->key, b->key) != 0 || a->key_line != b->key_line ||
	    a->key_col != b->key_col))) {
		snprintf(why, size, "key of the node at %d:%d", a->line,
		    a->col);
		return -1;
	}
	if (a->type == PSW_NODE_SCALAR) {
		if (a->len == b->len && a->style == b->style &&
		    memcmp(a->str, b->str, a->len) == 0)
			return 0;
		snprintf(why, size, "scalar at %d:%d", a->line, a->col);
		return -1;
	}
	if (a->flow != b->flow || a->count != b->count) {
		snprintf(why, size, "collection at %d:%d", a->line, a->col);
		return -1;
	}
	for (x = a->head, y = b->head; x != NULL; x = x->next, y = y->next)
		if (psw_node_same(x, y, why, size) < 0)
			return -1;
	return 0;
}

/*
 * Hold the two readers against each other on s (n bytes): 1 when the
 * reader of psw's own form takes it and libyaml reads the same tree, 0
 * when that reader declines it (or memory runs short), -1 when they
 * differ, with how in why.
 */
int
psw_doc_readers_agree(const char *s, size_t n, char *why, size_t size)
{
	struct psw_doc *fast = NULL, *slow = NULL;
	struct psw_err e;
	int rc = 1;

	if (!psw_doc_load_canonical(s, n, "t.yaml", &fast))
		return 0;
	if (psw_doc_load_libyaml(s, n, "t.yaml", &slow, &e) < 0) {
		rc = e.code == PSW_EIO ? 0 : -1;
		snprintf(why, size, "libyaml refuses it: %s", e.msg);
	} else if (psw_node_same(psw_doc_root(fast), psw_doc_root(slow),
	    why, size) < 0)
		rc = -1;
	psw_doc_free(slow);
	psw_doc_free(fast);
	return rc;
}

/* --- Checking the input -------------------------------------------- */

/* 1 when c may appear in a YAML stream (the BOM is handled apart). */
static int
yaml_printable(uint32_t c)
{
	return c == 0x09 || c == 0x0a || c == 0x0d ||
	    (c >= 0x20 && c <= 0x7e) || c == 0x85 ||
	    (c >= 0xa0 && c <= 0xd7ff) ||
	    (c >= 0xe000 && c <= 0xfffd && c != 0xfeff) ||
	    (c >= 0x10000 && c <= 0x10ffff);
}

/*
 * The 1-based line and column of byte offset off in s, counted as
 * libyaml counts them: CR LF, CR, LF, NEL, LS and PS end a line and a
 * column is one character.
 */
static void
offset_pos(const unsigned char *s, size_t len, size_t off, int *line,
    int *col)
{
	size_t i = 0;
	uint32_t c;
	int l = 1, k = 1;

	if (off > len)
		off = len;
	while (i < off) {
		if (psw_utf8_next(s, len, &i, &c) < 0) {
			c = 0;
			i++;
		}
		if (c == '\r' && i < off && s[i] == '\n')
			continue;
		if (c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 ||
		    c == 0x2029) {
			l++;
			k = 1;
		} else
			k++;
	}
	*line = l;
	*col = k;
}

/*
 * Check that s is valid UTF-8 holding only characters YAML allows (the
 * caller has removed a leading BOM).  Returns 0, or -PSW_EDATA naming
 * the line and column of the first bad character.
 */
static int
check_text(const unsigned char *s, size_t len, const char *name,
    int *ascii, struct psw_err *e)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t high = 0x8080808080808080ULL;
	size_t i = 0, at;
	uint64_t x;
	uint32_t c;
	int line, col;

	*ascii = 1;
	while (i < len) {
		at = i;
		/* Eight printable ASCII bytes at a time: none has the high
		 * bit, none is below 0x20, none is 0x7f. */
		if (len - i >= 8) {
			memcpy(&x, s + i, 8);
			if (((x | ((x - 0x20 * ones) & ~x) |
			    ((x ^ 0x7f * ones) - ones)) & high) == 0) {
				i += 8;
				continue;
			}
		}
		if (s[i] >= 0x20 && s[i] < 0x7f) {
			i++;
			continue;
		}
		if (s[i] >= 0x80)
			*ascii = 0;
		if (psw_utf8_next(s, len, &i, &c) < 0) {
			offset_pos(s, len, at, &line, &col);
			return psw_error_at(e, PSW_EDATA, name, line, col,
			    "invalid UTF-8 (byte 0x%02x)", s[at]);
		}
		if (!yaml_printable(c)) {
			offset_pos(s, len, at, &line, &col);
			if (c == 0xfeff)
				return psw_error_at(e, PSW_EDATA, name, line,
				    col, "byte order mark is only allowed at "
				    "the start");
			return psw_error_at(e, PSW_EDATA, name, line, col,
			    "character U+%04X is not allowed", (unsigned)c);
		}
	}
	return 0;
}

/* --- Syntax that libyaml 0.2.5 accepts but YAML forbids ------------- */

/*
 * The byte offset of libyaml character index idx.  Events arrive in
 * order, so a cursor moving forward makes this linear in all.
 */
static size_t
byte_at(struct loader *l, size_t idx)
{
	if (l->ascii)		/* a character is a byte */
		return idx < l->len ? idx : l->len;
	if (idx < l->at_index)
		l->at_index = l->at_off = 0;
	while (l->at_index < idx && l->at_off < l->len) {
		l->at_off++;
		while (l->at_off < l->len && (l->s[l->at_off] & 0xc0) == 0x80)
			l->at_off++;
		l->at_index++;
	}
	return l->at_off;
}

/* Refuse the input at byte offset off with a message. */
static int
syntax_error(struct loader *l, size_t off, const char *msg)
{
	int line, col;

	offset_pos(l->s, l->len, off, &line, &col);
	return psw_error_at(l->e, PSW_EDATA, l->name, line, col, "%s", msg);
}

/*
 * Check the text between scalars, [from, to): a '#' there starts a
 * comment and must follow a blank or a line break.
 */
static int
check_comments(struct loader *l, size_t from, size_t to)
{
	const unsigned char *s = l->s;
	size_t i;

	for (i = from; i < to && i < l->len; i++) {
		if (s[i] != '#')
			continue;
		if (i > 0 && s[i - 1] != ' ' && s[i - 1] != '\t' &&
		    s[i - 1] != '\n' && s[i - 1] != '\r')
			return syntax_error(l, i,
			    "a comment needs a space before '#'");
		while (i < to && s[i] != '\n' && s[i] != '\r')
			i++;
	}
	return 0;
}

/* The number of spaces the lines of a flow node need here. */
static int
flow_indent(const struct loader *l)
{
	const struct psw_node *n;

	if (l->depth == 0)
		return 0;
	n = l->stack[l->depth - 1].node;
	return n->col > 0 ? n->col : 0;
}

/*
 * Check that each line after the first in [from, to) of a flow
 * collection or quoted scalar in block context starts with at least
 * need spaces (tabs are not indentation); blank lines do not count.
 */
static int
check_lines(struct loader *l, size_t from, size_t to, int need)
{
	const unsigned char *s = l->s;
	size_t i, j;

	for (i = from; i < to && i < l->len; i++) {
		if (s[i] != '\n' && !(s[i] == '\r' &&
		    (i + 1 >= l->len || s[i + 1] != '\n')))
			continue;
		for (j = i + 1; j < l->len && j < to && s[j] == ' '; j++)
			;
		if (j >= to || j >= l->len)
			break;
		if ((int)(j - i - 1) >= need || s[j] == '\n' || s[j] == '\r')
			continue;
		while (j < l->len && (s[j] == ' ' || s[j] == '\t'))
			j++;
		if (j >= l->len || s[j] == '\n' || s[j] == '\r')
			continue;
		return syntax_error(l, i + 1,
		    "line indented less than the block it continues");
	}
	return 0;
}

/*
 * Check a block scalar starting at byte start (its '|' or '>'): no '#'
 * right after the header indicators and, without an indentation
 * indicator, no leading empty line longer than the first non-empty line
 * when that line belongs to the scalar.
 */
static int
check_block_scalar(struct loader *l, size_t start)
{
	const unsigned char *s = l->s;
	size_t i = start + 1, j, longest = 0, where = 0;
	int explicit = 0, parent;

	for (; i < l->len && s[i] != '\0' &&
	    strchr("+-0123456789", s[i]) != NULL; i++)
		if (s[i] >= '1' && s[i] <= '9')
			explicit = 1;
	if (i < l->len && s[i] == '#')
		return syntax_error(l, i, "a comment needs a space before '#'");
	if (explicit)
		return 0;
	while (i < l->len && s[i] != '\n' && s[i] != '\r')
		i++;
	parent = l->depth > 0 ? l->stack[l->depth - 1].node->col - 1 : -1;
	while (i < l->len) {
		if (s[i] == '\r' && i + 1 < l->len && s[i + 1] == '\n')
			i++;
		i++;
		for (j = i; j < l->len && s[j] == ' '; j++)
			;
		if (j >= l->len)
			return 0;
		if (s[j] == '\n' || s[j] == '\r') {
			if (j - i > longest) {
				longest = j - i;
				where = i;
			}
			i = j;
			continue;
		}
		if ((int)(j - i) > parent && longest > j - i)
			return syntax_error(l, where + (j - i),
			    "a leading empty line of a block scalar has more "
			    "spaces than its first line");
		return 0;
	}
	return 0;
}

/*
 * The checks above for one scalar event; also moves the comment check
 * past the scalar.
 */
static int
check_scalar_syntax(struct loader *l, const yaml_event_t *ev)
{
	yaml_scalar_style_t style = ev->data.scalar.style;
	size_t start, end;
	int rc, in_flow;

	start = byte_at(l, ev->start_mark.index);
	end = byte_at(l, ev->end_mark.index);
	if ((rc = check_comments(l, l->gap, start)) < 0)
		return rc;
	if (end > l->gap)
		l->gap = end;
	in_flow = l->depth > 0 && l->stack[l->depth - 1].node->flow;
	switch (style) {
	case YAML_LITERAL_SCALAR_STYLE:
	case YAML_FOLDED_SCALAR_STYLE:
		return check_block_scalar(l, start);
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		if (in_flow)
			return 0;
		return check_lines(l, start, end, flow_indent(l));
	default:
		if (ev->data.scalar.length == 1 &&
		    ev->data.scalar.value[0] == '-')
			return syntax_error(l, start,
			    "'-' alone is not a plain scalar");
		return 0;
	}
}

/* --- Loading ------------------------------------------------------- */

/*
 * Copy the start of s (at most MSG_KEY_MAX bytes, whole characters)
 * into buf for a message, each control character or line break as '?'.
 */
static const char *
msg_str(char *buf, size_t size, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, at, n = 0;
	uint32_t c;

	while (i < len) {
		at = i;
		if (psw_utf8_next(u, len, &i, &c) < 0) {
			c = '?';
			i = at + 1;
		}
		if (i > MSG_KEY_MAX || n + (i - at) + 4 > size) {
			i = at;
			break;
		}
		if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 ||
		    c == 0x2029)
			buf[n++] = '?';
		else {
			memcpy(buf + n, s + at, i - at);
			n += i - at;
		}
	}
	if (i < len) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

/* Report a refusal at a libyaml mark (0-based) as 1-based line:col. */
static int
mark_error(struct loader *l, const yaml_mark_t *m, const char *msg)
{
	return psw_error_at(l->e, PSW_EDATA, l->name, (int)m->line + 1,
	    (int)m->column + 1, "%s", msg);
}

/* FNV-1a over the key, mixed with the map it belongs to. */
static uint32_t
key_hash(const struct psw_node *map, const char *key, size_t len)
{
	uintptr_t p = (uintptr_t)map;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)key[i]) * 16777619u;
	h ^= (uint32_t)(p >> 4) * 2654435761u;
	return h;
}

/*
 * Record key (len bytes) of map, seen at line.  Returns 0 when new, the
 * earlier key's line (> 0) when it is a duplicate, -1 on OOM.
 */
static int
keyset_add(struct keyset *ks, const struct psw_node *map, const char *key,
    size_t len, int line)
{
	struct keyent *v, *ent;
	size_t cap, i, mask;
	uint32_t h;

	if (ks->n * 2 >= ks->cap) {
		cap = ks->cap ? ks->cap * 2 : 64;
		if ((v = calloc(cap, sizeof *v)) == NULL)
			return -1;
		for (i = 0; i < ks->cap; i++) {
			ent = &ks->v[i];
			if (ent->map == NULL)
				continue;
			mask = ent->hash & (cap - 1);
			while (v[mask].map != NULL)
				mask = (mask + 1) & (cap - 1);
			v[mask] = *ent;
		}
		free(ks->v);
		ks->v = v;
		ks->cap = cap;
	}
	h = key_hash(map, key, len);
	for (i = h & (ks->cap - 1); ks->v[i].map != NULL;
	    i = (i + 1) & (ks->cap - 1)) {
		ent = &ks->v[i];
		if (ent->hash == h && ent->map == map && ent->len == len &&
		    memcmp(ent->key, key, len) == 0)
			return ent->line > 0 ? ent->line : 1;
	}
	ent = &ks->v[i];
	ent->map = map;
	ent->key = key;
	ent->len = len;
	ent->hash = h;
	ent->line = line;
	ks->n++;
	return 0;
}

/*
 * Refuse anchors and tags on a node event, and a collection where a map
 * key is expected.  Returns 0 or -PSW_EDATA.
 */
static int
check_node_event(struct loader *l, const yaml_event_t *ev,
    const yaml_char_t *anchor, const yaml_char_t *tag, int collection)
{
	struct frame *f;

	if (anchor != NULL)
		return mark_error(l, &ev->start_mark,
		    "anchors and aliases are not allowed");
	if (tag != NULL)
		return mark_error(l, &ev->start_mark, "tags are not allowed");
	f = l->depth > 0 ? &l->stack[l->depth - 1] : NULL;
	if (collection && f != NULL && f->node->type == PSW_NODE_MAP &&
	    f->want_key)
		return mark_error(l, &ev->start_mark,
		    "map keys must be scalars");
	return 0;
}

/*
 * Hang a new node under the open collection (or make it the root),
 * taking the waiting key in a map.
 */
static void
attach(struct loader *l, struct psw_node *n)
{
	struct frame *f;

	if (l->depth == 0) {
		l->doc->root = n;
		return;
	}
	f = &l->stack[l->depth - 1];
	if (f->node->type == PSW_NODE_MAP) {
		n->key = f->key;
		n->key_line = f->key_line;
		n->key_col = f->key_col;
		f->key = NULL;
		f->want_key = 1;
	}
	psw_node_append(f->node, n);
}

/* A scalar event: a key of the open map, or a value. */
static int
on_scalar(struct loader *l, const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	char kbuf[MSG_KEY_MAX + 8];
	struct psw_node *n;
	struct frame *f;
	char *copy;
	int rc, line, col;

	if ((rc = check_node_event(l, ev, ev->data.scalar.anchor,
	    ev->data.scalar.tag, 0)) < 0)
		return rc;
	if ((rc = check_scalar_syntax(l, ev)) < 0)
		return rc;
	if (len > PSW_DOC_MAX_SCALAR)
		return psw_error_at(l->e, PSW_EDATA, l->name,
		    (int)ev->start_mark.line + 1,
		    (int)ev->start_mark.column + 1,
		    "scalar longer than %d bytes", PSW_DOC_MAX_SCALAR);
	if (memchr(s, '\0', len) != NULL)
		return mark_error(l, &ev->start_mark,
		    "scalar contains a NUL character");
	line = (int)ev->start_mark.line + 1;
	col = (int)ev->start_mark.column + 1;
	if ((copy = psw_doc_strndup(l->doc, s, len)) == NULL)
		return psw_error(l->e, PSW_EIO, "out of memory");
	f = l->depth > 0 ? &l->stack[l->depth - 1] : NULL;
	if (f != NULL && f->node->type == PSW_NODE_MAP && f->want_key) {
		rc = keyset_add(&l->keys, f->node, copy, len, line);
		if (rc < 0)
			return psw_error(l->e, PSW_EIO, "out of memory");
		if (rc > 0)
			return psw_error_at(l->e, PSW_EDATA, l->name, line,
			    col, "duplicate key '%s' (first at line %d)",
			    msg_str(kbuf, sizeof kbuf, copy), rc);
		f->key = copy;
		f->key_line = line;
		f->key_col = col;
		f->want_key = 0;
		return 0;
	}
	if ((n = psw_doc_alloc(l->doc, sizeof *n)) == NULL)
		return psw_error(l->e, PSW_EIO, "out of memory");
	n->type = PSW_NODE_SCALAR;
	n->str = copy;
	n->len = len;
	n->style = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ?
	    PSW_PLAIN : PSW_STRING;
	n->line = line;
	n->col = col;
	attach(l, n);
	return 0;
}

/* A sequence or mapping start: check the depth, attach, open it. */
static int
on_start(struct loader *l, const yaml_event_t *ev, enum psw_node_type type)
{
	struct psw_node *n;
	struct frame *f;
	int rc, flow;

	if (type == PSW_NODE_SEQ) {
		rc = check_node_event(l, ev, ev->data.sequence_start.anchor,
		    ev->data.sequence_start.tag, 1);
		flow = ev->data.sequence_start.style ==
		    YAML_FLOW_SEQUENCE_STYLE;
	} else {
		rc = check_node_event(l, ev, ev->data.mapping_start.anchor,
		    ev->data.mapping_start.tag, 1);
		flow = ev->data.mapping_start.style ==
		    YAML_FLOW_MAPPING_STYLE;
	}
	if (rc < 0)
		return rc;
	if (l->depth >= PSW_DOC_MAX_DEPTH)
		return psw_error_at(l->e, PSW_EDATA, l->name,
		    (int)ev->start_mark.line + 1,
		    (int)ev->start_mark.column + 1,
		    "nesting deeper than %d levels", PSW_DOC_MAX_DEPTH);
	if ((n = node_coll(l->doc, type, flow)) == NULL)
		return psw_error(l->e, PSW_EIO, "out of memory");
	n->line = (int)ev->start_mark.line + 1;
	n->col = (int)ev->start_mark.column + 1;
	f = &l->stack[l->depth];
	f->outer_flow = flow && (l->depth == 0 ||
	    !l->stack[l->depth - 1].node->flow);
	f->start = byte_at(l, ev->start_mark.index);
	attach(l, n);
	l->depth++;
	f->node = n;
	f->want_key = type == PSW_NODE_MAP;
	f->key = NULL;
	return 0;
}

/*
 * A collection ends: check the lines of a flow collection in block
 * context against its block parent's indentation, and close it.
 */
static int
on_end(struct loader *l, const yaml_event_t *ev)
{
	struct frame *f;
	int rc = 0;

	if (l->depth == 0)
		return 0;
	f = &l->stack[l->depth - 1];
	l->depth--;
	if (f->outer_flow)
		rc = check_lines(l, f->start, byte_at(l, ev->end_mark.index),
		    flow_indent(l));
	return rc;
}

/* Build the tree from one parser event; 0 or a negative code. */
static int
on_event(struct loader *l, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (l->ndocs++ > 0)
			return mark_error(l, &ev->start_mark,
			    "only one document is allowed");
		if (ev->data.document_start.tag_directives.start !=
		    ev->data.document_start.tag_directives.end)
			return mark_error(l, &ev->start_mark,
			    "%TAG directives are not allowed");
		return 0;
	case YAML_ALIAS_EVENT:
		return mark_error(l, &ev->start_mark,
		    "anchors and aliases are not allowed");
	case YAML_SCALAR_EVENT:
		return on_scalar(l, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(l, ev, PSW_NODE_SEQ);
	case YAML_MAPPING_START_EVENT:
		return on_start(l, ev, PSW_NODE_MAP);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return on_end(l, ev);
	case YAML_STREAM_END_EVENT:
		return check_comments(l, l->gap, l->len);
	default:
		return 0;
	}
}

/* Turn libyaml's error into ours, with a 1-based line and column. */
static int
parser_error(struct loader *l, const yaml_parser_t *p,
    const unsigned char *s, size_t len)
{
	const yaml_mark_t *m;
	const char *problem;
	int line, col;

	problem = p->problem != NULL ? p->problem : "cannot parse";
	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return psw_error(l->e, PSW_EIO, "out of memory");
	case YAML_READER_ERROR:
		offset_pos(s, len, p->problem_offset, &line, &col);
		return psw_error_at(l->e, PSW_EDATA, l->name, line, col,
		    "%s", problem);
	default:
		m = &p->problem_mark;
		if (p->problem == NULL && p->context != NULL)
			m = &p->context_mark;
		return mark_error(l, m, problem);
	}
}

/*
 * Parse s (len bytes, checked UTF-8 without a BOM) into l->doc,
 * refusing what the limits forbid as each event arrives.
 */
static int
parse(struct loader *l, const unsigned char *s, size_t len)
{
	yaml_parser_t p;
	yaml_event_t ev;
	yaml_event_type_t type;
	int rc = 0;

	if (!yaml_parser_initialize(&p))
		return psw_error(l->e, PSW_EIO, "out of memory");
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	yaml_parser_set_input_string(&p, s, len);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = parser_error(l, &p, s, len);
			break;
		}
		rc = on_event(l, &ev);
		type = ev.type;
		yaml_event_delete(&ev);
		if (rc < 0 || type == YAML_STREAM_END_EVENT)
			break;
	}
	yaml_parser_delete(&p);
	return rc;
}

static int load(const char *, size_t, const char *, struct psw_doc **,
    struct psw_err *, int);

/* Refuse a file over the size limit; size < 0 when it is not known. */
static int
too_large(const char *name, long long size, struct psw_err *e)
{
	if (size < 0)
		return psw_error_at(e, PSW_EDATA, name, 1, 1,
		    "file is larger than 1 MiB");
	return psw_error_at(e, PSW_EDATA, name, 1, 1,
	    "file is larger than 1 MiB (%lld bytes)", size);
}

/*
 * As psw_doc_load_file, from memory: text in the form psw writes is read
 * by psw_doc_load_canonical (doc_fast.c), any other with libyaml.
 */
int
psw_doc_load_mem(const char *buf, size_t len, const char *name,
    struct psw_doc **out, struct psw_err *e)
{
	return load(buf, len, name, out, e, 1);
}

/* psw_doc_load_mem with libyaml's parser only. */
int
psw_doc_load_libyaml(const char *buf, size_t len, const char *name,
    struct psw_doc **out, struct psw_err *e)
{
	return load(buf, len, name, out, e, 0);
}

/* Load buf; canonical: try psw_doc_load_canonical first. */
static int
load(const char *buf, size_t len, const char *name, struct psw_doc **out,
    struct psw_err *e, int canonical)
{
	const unsigned char *s = (const unsigned char *)buf;
	struct loader l;
	int rc, ascii;

	*out = NULL;
	if (name == NULL)
		name = "";
	if (len > PSW_DOC_MAX_BYTES)
		return too_large(name, (long long)len, e);
	if (s == NULL)
		s = (const unsigned char *)"";
	if (len >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) {
		s += 3;
		len -= 3;
	}
	if (canonical && psw_doc_load_canonical((const char *)s, len, name,
	    out))
		return 0;
	if ((rc = check_text(s, len, name, &ascii, e)) < 0)
		return rc;
	memset(&l, 0, sizeof l);
	l.ascii = ascii;
	l.s = s;
	l.len = len;
	l.name = name;
	l.e = e;
	if ((l.doc = psw_doc_create(name)) == NULL)
		return psw_error(e, PSW_EIO, "out of memory");
	rc = parse(&l, s, len);
	free(l.keys.v);
	/* "---" alone holds an empty plain scalar: an empty document. */
	if (l.doc->root != NULL && l.doc->root->type == PSW_NODE_SCALAR &&
	    l.doc->root->style == PSW_PLAIN && l.doc->root->len == 0)
		l.doc->root = NULL;
	if (rc < 0) {
		psw_doc_free(l.doc);
		return rc;
	}
	*out = l.doc;
	return 0;
}

/*
 * Read fd to the end into a new buffer (*bufp, *lenp; the caller frees
 * it), refusing more than PSW_DOC_MAX_BYTES.
 */
static int
read_all(int fd, const char *name, char **bufp, size_t *lenp,
    struct psw_err *e)
{
	struct stat st;
	size_t cap, len = 0;
	ssize_t n;
	char *buf, *p;

	if (fstat(fd, &st) == -1)
		return psw_error_errno(e, PSW_EIO, errno, "cannot stat '%s'",
		    name);
	if (S_ISREG(st.st_mode) && st.st_size > PSW_DOC_MAX_BYTES)
		return too_large(name, (long long)st.st_size, e);
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : READ_FIRST;
	if ((buf = malloc(cap)) == NULL)
		return psw_error(e, PSW_EIO, "out of memory");
	for (;;) {
		if (len == cap) {
			if (cap > PSW_DOC_MAX_BYTES)
				break;
			cap = cap * 2 > PSW_DOC_MAX_BYTES + 1 ?
			    PSW_DOC_MAX_BYTES + 1 : cap * 2;
			if ((p = realloc(buf, cap)) == NULL) {
				free(buf);
				return psw_error(e, PSW_EIO, "out of memory");
			}
			buf = p;
		}
		n = read(fd, buf + len, cap - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			free(buf);
			return psw_error_errno(e, PSW_EIO, errno,
			    "cannot read '%s'", name);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > PSW_DOC_MAX_BYTES) {
		free(buf);
		return too_large(name, -1, e);
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

/* As psw_doc_load_file, from an open descriptor (read to the end). */
int
psw_doc_load_fd(int fd, const char *name, struct psw_doc **out,
    struct psw_err *e)
{
	size_t len = 0;
	char *buf = NULL;
	int rc;

	*out = NULL;
	if (name == NULL)
		name = "";
	if ((rc = read_all(fd, name, &buf, &len, e)) < 0)
		return rc;
	rc = psw_doc_load_mem(buf, len, name, out, e);
	free(buf);
	return rc;
}

/*
 * Load the file at path, naming it `name` in messages.  On success *out
 * is a new document the caller frees with psw_doc_free().
 */
int
psw_doc_load_file(const char *path, const char *name, struct psw_doc **out,
    struct psw_err *e)
{
	int fd, rc;

	*out = NULL;
	if (name == NULL)
		name = path;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return psw_error_errno(e, PSW_EIO, errno, "cannot open '%s'",
		    name);
	rc = psw_doc_load_fd(fd, name, out, e);
	close(fd);
	return rc;
}
