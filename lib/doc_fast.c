/*
 * doc_fast.c - reading a document in the form psw writes it, without
 * libyaml.
 *
 * Every file psw saves is psw_doc_emit()'s text, and client files are
 * read far more often than they are edited by hand: an index built from
 * nothing reads them all.  This reader knows only that form: block maps
 * and sequences indented by two, flow collections of scalars on one line,
 * plain, quoted and literal scalars.  It builds the tree, emits it again,
 * and keeps it only when the text comes out byte for byte the same as
 * the input.  Anything else is declined, and the caller loads the text
 * with libyaml as before.
 *
 * Why that is exact: the emitter writes text that libyaml reads back as
 * the tree emitted; every save depends on it, and fuzz_doc checks it.
 * So when emit(T) is the input, libyaml reads the input as T, whatever
 * mistake this reader could make: such a mistake gives another T, whose
 * text differs, and the input is declined.  What the emitted text does
 * not show is computed here as the libyaml loader computes it: positions
 * (line and column in characters), plain or quoted, flow or block.  The
 * loader's limits (duplicate keys, nesting, long scalars) are not
 * enforced here but declined, so that its messages stay the only ones.
 * fuzz_fast and test_doc hold both readers' trees against each other.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "doc_impl.h"

#define FAST_MAX_DEPTH 16	/* deeper nesting: left to libyaml */
#define FAST_MAX_KEYS 64	/* a map with more keys: left to libyaml */
/* The emitter writes a flow collection only on a line of at most 100
 * characters (FLOW_WIDTH in doc_emit.c), 4 bytes each at most: a longer
 * line is declined before its columns cost more than that. */
#define FAST_FLOW_LINE (4 * 100)

enum { F_OK = 0, F_NO = -1 };

struct fast {
	struct psw_doc *doc;
	const unsigned char *p;		/* the next byte */
	const unsigned char *end;
	const unsigned char *bol;	/* where p's line starts */
	int line;			/* p's line, 1-based */
	int depth;
};

static int block(struct fast *, enum psw_node_type, int, int,
    struct psw_node **);

/* The 1-based column of at on the current line, in characters. */
static int
col_of(const struct fast *f, const unsigned char *at)
{
	const unsigned char *q;
	int col = 1;

	for (q = f->bol; q < at; q++)
		if ((*q & 0xc0) != 0x80)
			col++;
	return col;
}

/* Step over the line break at p. */
static void
next_line(struct fast *f)
{
	f->p++;
	f->bol = f->p;
	f->line++;
}

/* The line must end at p; step over its break. */
static int
eol(struct fast *f)
{
	if (f->p == f->end || *f->p != '\n')
		return F_NO;
	next_line(f);
	return F_OK;
}

/* Spaces at q (not past the end). */
static int
spaces_at(const struct fast *f, const unsigned char *q)
{
	const unsigned char *s = q;

	while (q < f->end && *q == ' ')
		q++;
	return (int)(q - s);
}

/* A new node of type at the position of at; NULL on OOM. */
static struct psw_node *
node_at(struct fast *f, enum psw_node_type type, const unsigned char *at)
{
	struct psw_node *n;

	if ((n = psw_doc_alloc(f->doc, sizeof *n)) == NULL)
		return NULL;
	n->type = type;
	n->line = f->line;
	n->col = col_of(f, at);
	return n;
}

/* A scalar at at holding a copy of s (len bytes); NULL on OOM. */
static struct psw_node *
scalar_at(struct fast *f, const unsigned char *at, const char *s,
    size_t len, int style)
{
	struct psw_node *n;

	if (len > PSW_DOC_MAX_SCALAR ||
	    (n = node_at(f, PSW_NODE_SCALAR, at)) == NULL ||
	    (n->str = psw_doc_strndup(f->doc, s, len)) == NULL)
		return NULL;
	n->len = len;
	n->style = style;
	return n;
}

/* Append a UTF-8 encoding of c at *w. */
static void
put_utf8(char **w, uint32_t c)
{
	unsigned char *o = (unsigned char *)*w;

	if (c < 0x80) {
		*o++ = (unsigned char)c;
	} else if (c < 0x800) {
		*o++ = (unsigned char)(0xc0 | c >> 6);
		*o++ = (unsigned char)(0x80 | (c & 0x3f));
	} else {
		*o++ = (unsigned char)(0xe0 | c >> 12);
		*o++ = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		*o++ = (unsigned char)(0x80 | (c & 0x3f));
	}
	*w = (char *)o;
}

/* The value of n hex digits at q; -1 when one is not a hex digit. */
static long
hex(const unsigned char *q, int n)
{
	long v = 0;
	int i, d;

	for (i = 0; i < n; i++) {
		if (q[i] >= '0' && q[i] <= '9')
			d = q[i] - '0';
		else if (q[i] >= 'A' && q[i] <= 'F')
			d = q[i] - 'A' + 10;
		else if (q[i] >= 'a' && q[i] <= 'f')
			d = q[i] - 'a' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/*
 * A quoted scalar on one line at p (' or "), with the escapes the
 * emitter writes; p moves past the closing quote.
 */
static int
quoted(struct fast *f, struct psw_node **out)
{
	const unsigned char *at = f->p, *q, *close;
	unsigned char quote = *at;
	char *buf, *w;
	int digits;
	long v;

	/* Where it ends, and whether it needs decoding. */
	for (q = at + 1;; q++) {
		if (q == f->end || *q == '\n')
			return F_NO;
		if (*q == '\\' && quote == '"') {
			if (++q == f->end)
				return F_NO;
		} else if (*q == quote) {
			if (quote == '\'' && q + 1 < f->end && q[1] == '\'')
				q++;
			else
				break;
		}
	}
	close = q;
	/* Decoded, \L and \P grow by half (2 bytes to 3); nothing else
	 * grows. */
	if ((size_t)(close - at) > PSW_DOC_MAX_SCALAR + 2 ||
	    (buf = psw_doc_alloc(f->doc, (size_t)(close - at) +
	    (size_t)(close - at) / 2 + 1)) == NULL)
		return F_NO;
	for (w = buf, q = at + 1; q < close; q++) {
		if (*q == '\'' && quote == '\'') {
			*w++ = '\'';
			q++;
			continue;
		}
		if (*q != '\\' || quote == '\'') {
			*w++ = (char)*q;
			continue;
		}
		switch (*++q) {
		case '"': case '\\':
			*w++ = (char)*q;
			break;
		case 't':
			*w++ = '\t';
			break;
		case 'n':
			*w++ = '\n';
			break;
		case 'r':
			*w++ = '\r';
			break;
		case 'e':
			*w++ = 0x1b;
			break;
		case 'N':
			put_utf8(&w, 0x85);
			break;
		case 'L':
			put_utf8(&w, 0x2028);
			break;
		case 'P':
			put_utf8(&w, 0x2029);
			break;
		case 'x':	/* \xHH */
		case 'u':	/* \uHHHH */
			digits = *q == 'x' ? 2 : 4;
			if (close - q <= digits ||
			    (v = hex(q + 1, digits)) < 0)
				return F_NO;
			put_utf8(&w, (uint32_t)v);
			q += digits;
			break;
		default:
			return F_NO;
		}
	}
	*w = '\0';
	if ((*out = node_at(f, PSW_NODE_SCALAR, at)) == NULL ||
	    (size_t)(w - buf) > PSW_DOC_MAX_SCALAR)
		return F_NO;
	(*out)->str = buf;
	(*out)->len = (size_t)(w - buf);
	(*out)->style = PSW_STRING;
	f->p = close + 1;
	return F_OK;
}

/* What ends a plain scalar in a flow collection here. */
static const unsigned char flow_end[256] = {
	[','] = 1, ['['] = 1, [']'] = 1, ['{'] = 1, ['}'] = 1, [':'] = 1,
	['#'] = 1, ['\n'] = 1,
};

/*
 * A plain scalar at p up to the line's end, or in a flow collection
 * (flow set) up to a flow indicator; p moves to its end.  Empty:
 * declined.
 */
static int
plain(struct fast *f, int flow, struct psw_node **out)
{
	const unsigned char *at = f->p, *q;

	if (flow)
		for (q = at; q < f->end && !flow_end[*q]; q++)
			;
	else if ((q = memchr(at, '\n', (size_t)(f->end - at))) == NULL)
		q = f->end;
	if (q == at || (*out = scalar_at(f, at, (const char *)at,
	    (size_t)(q - at), PSW_PLAIN)) == NULL)
		return F_NO;
	f->p = q;
	return F_OK;
}

/* A scalar in a flow collection: quoted, or plain up to a flow stop. */
static int
flow_scalar(struct fast *f, struct psw_node **out)
{
	if (f->p < f->end && (*f->p == '\'' || *f->p == '"'))
		return quoted(f, out);
	return plain(f, 1, out);
}

/* Hang c under map n as key k, seen at kline:kcol; duplicates declined. */
static int
map_add(struct psw_node *n, struct psw_node *c, char *k, int kline,
    int kcol)
{
	const struct psw_node *o;

	if (n->count >= FAST_MAX_KEYS)
		return F_NO;
	for (o = n->head; o != NULL; o = o->next)
		if (o->key[0] == k[0] && strcmp(o->key, k) == 0)
			return F_NO;
	c->key = k;
	c->key_line = kline;
	c->key_col = kcol;
	psw_node_append(n, c);
	return F_OK;
}

/* A flow collection of scalars on one line, at p ('[' or '{'). */
static int
flow(struct fast *f, struct psw_node **out)
{
	int map = *f->p == '{', kline, kcol;
	unsigned char close = map ? '}' : ']';
	struct psw_node *n, *c, *k;

	if ((n = node_at(f, map ? PSW_NODE_MAP : PSW_NODE_SEQ, f->p)) ==
	    NULL)
		return F_NO;
	n->flow = 1;
	f->p++;
	if (f->p < f->end && *f->p == close) {
		f->p++;
		*out = n;
		return F_OK;
	}
	for (;;) {
		k = NULL;
		kline = kcol = 0;
		if (f->p - f->bol > FAST_FLOW_LINE)
			return F_NO;
		if (map) {
			if (flow_scalar(f, &k) < 0 || f->end - f->p < 2 ||
			    f->p[0] != ':' || f->p[1] != ' ')
				return F_NO;
			f->p += 2;
			kline = k->line;
			kcol = k->col;
		}
		if (flow_scalar(f, &c) < 0)
			return F_NO;
		if (map ? map_add(n, c, k->str, kline, kcol) < 0 :
		    (psw_node_append(n, c), 0))
			return F_NO;
		if (f->end - f->p >= 2 && f->p[0] == ',' && f->p[1] == ' ') {
			f->p += 2;
			continue;
		}
		if (f->p < f->end && *f->p == close)
			break;
		return F_NO;
	}
	f->p++;
	*out = n;
	return F_OK;
}

/* What a literal block's line [q, e) keeps: the text after the
 * indentation ind and its line break (an empty line: the break). */
static size_t
line_bytes(const unsigned char *q, const unsigned char *e, int ind)
{
	return e > q ? (size_t)(e - q) - (size_t)ind + 1 : 1;
}

/*
 * A literal block scalar at p ('|') whose lines are indented to column
 * ind: the header, then the lines up to the first one indented less.
 */
static int
literal(struct fast *f, int ind, struct psw_node **out)
{
	const unsigned char *q, *e, *start;
	int chomp = 0, k, line = f->line, col = col_of(f, f->p);
	size_t len = 0;
	char *buf, *w;

	q = f->p + 1;
	if (q < f->end && *q == '2')	/* ind - parent, as emitted */
		q++;
	if (q < f->end && (*q == '-' || *q == '+'))
		chomp = *q++;
	f->p = q;
	if (eol(f) < 0)
		return F_NO;
	/* Measure: content lines keep what follows the indentation. */
	for (q = start = f->p; q < f->end; q = e + 1) {
		k = spaces_at(f, q);
		if (q + k == f->end || (k > 0 && q[k] == '\n'))
			return F_NO;	/* no line break, or blanks only */
		if (k < ind && q[k] != '\n')
			break;		/* less indented: the block ends */
		if ((e = memchr(q, '\n', (size_t)(f->end - q))) == NULL)
			return F_NO;
		len += line_bytes(q, e, ind);
	}
	if (len > PSW_DOC_MAX_SCALAR + 1 ||
	    (buf = psw_doc_alloc(f->doc, len + 1)) == NULL)
		return F_NO;
	for (w = buf, q = start; q < f->end && len > 0; q = e + 1) {
		e = memchr(q, '\n', (size_t)(f->end - q));
		if (e > q) {
			memcpy(w, q + ind, (size_t)(e - q) - (size_t)ind);
			w += (e - q) - ind;
		}
		*w++ = '\n';
		len -= line_bytes(q, e, ind);
		f->line++;
	}
	f->p = f->bol = q;
	if (chomp != '+') {
		while (w > buf && w[-1] == '\n')
			w--;
		if (chomp == 0 && w > buf)
			*w++ = '\n';
	}
	*w = '\0';
	if ((size_t)(w - buf) > PSW_DOC_MAX_SCALAR)
		return F_NO;
	/* The mark is the indicator's. */
	if ((*out = psw_doc_alloc(f->doc, sizeof **out)) == NULL)
		return F_NO;
	(*out)->type = PSW_NODE_SCALAR;
	(*out)->str = buf;
	(*out)->len = (size_t)(w - buf);
	(*out)->style = PSW_STRING;
	(*out)->line = line;
	(*out)->col = col;
	return F_OK;
}

/*
 * 1 when a key and its ':' (then a space or the line's end) start at
 * p: the first entry of a map written after "- ".
 */
static int
is_key(const struct fast *f)
{
	const unsigned char *q = f->p;

	if (q < f->end && (*q == '\'' || *q == '"')) {
		for (q++; q < f->end && *q != '\n'; q++) {
			if (*q == '\\' && f->p[0] == '"') {
				if (++q == f->end)
					return 0;
			} else if (*q == f->p[0]) {
				if (f->p[0] == '\'' && q + 1 < f->end &&
				    q[1] == '\'')
					q++;
				else
					break;
			}
		}
		if (q == f->end || *q == '\n')
			return 0;
		q++;
		return q + 1 < f->end && *q == ':' &&
		    (q[1] == ' ' || q[1] == '\n');
	}
	for (; q + 1 < f->end && *q != '\n'; q++)
		if (*q == ':' && (q[1] == ' ' || q[1] == '\n'))
			return 1;
	return 0;
}

/* A map key at p, up to its ':'; p moves past the ':'. */
static int
key(struct fast *f, struct psw_node **k)
{
	const unsigned char *q;

	if (f->p < f->end && (*f->p == '\'' || *f->p == '"')) {
		if (quoted(f, k) < 0)
			return F_NO;
	} else {
		for (q = f->p; q + 1 < f->end && *q != '\n'; q++)
			if (*q == ':' && (q[1] == ' ' || q[1] == '\n'))
				break;
		if (q + 1 >= f->end || *q != ':' || q == f->p ||
		    (*k = scalar_at(f, f->p, (const char *)f->p,
		    (size_t)(q - f->p), PSW_PLAIN)) == NULL)
			return F_NO;
		f->p = q;
	}
	if (f->p == f->end || *f->p != ':')
		return F_NO;
	f->p++;
	return F_OK;
}

/*
 * The value after "key:" (or "-" when in_seq) of a block collection
 * whose entries are indented by indent; p is just after the indicator.
 */
static int
value(struct fast *f, int indent, int in_seq, struct psw_node **out)
{
	const unsigned char *at = f->p, *q;
	struct psw_node *n;

	if (f->p == f->end)
		return F_NO;
	if (*f->p == '\n') {
		/* A block collection on the lines below, or nothing. */
		q = f->p + 1;
		if (!in_seq && spaces_at(f, q) == indent + 2 &&
		    q + indent + 2 < f->end && q[indent + 2] != '\n') {
			next_line(f);
			f->p += indent + 2;
			return block(f, f->p[0] == '-' && f->p + 1 < f->end &&
			    (f->p[1] == ' ' || f->p[1] == '\n') ?
			    PSW_NODE_SEQ : PSW_NODE_MAP, indent + 2, 1, out);
		}
		if ((n = scalar_at(f, at, "", 0, PSW_PLAIN)) == NULL)
			return F_NO;
		*out = n;
		return eol(f);
	}
	if (*f->p != ' ' || ++f->p == f->end)
		return F_NO;
	switch (*f->p) {
	case '[':
	case '{':
		if (flow(f, out) < 0)
			return F_NO;
		return eol(f);
	case '|':
		return literal(f, indent + 2, out);
	}
	if (in_seq && *f->p == '-' && f->p + 1 < f->end &&
	    (f->p[1] == ' ' || f->p[1] == '\n'))
		return block(f, PSW_NODE_SEQ, indent + 2, 1, out);
	if (in_seq && is_key(f))
		return block(f, PSW_NODE_MAP, indent + 2, 1, out);
	if (*f->p == '\'' || *f->p == '"') {
		if (quoted(f, out) < 0)
			return F_NO;
	} else if (plain(f, 0, out) < 0)
		return F_NO;
	return eol(f);
}

/*
 * A block collection of type whose entries are indented by indent; when
 * inl is set its first entry starts at p (after "- ", or after the
 * indentation already stepped over).
 */
static int
block(struct fast *f, enum psw_node_type type, int indent, int inl,
    struct psw_node **out)
{
	struct psw_node *n, *c, *k;
	int first, sp;

	if (++f->depth > FAST_MAX_DEPTH ||
	    (n = node_at(f, type, f->p)) == NULL)
		return F_NO;
	for (first = 1;; first = 0) {
		if (!first || !inl) {
			if (f->p == f->end)
				break;
			if ((sp = spaces_at(f, f->p)) < indent)
				break;
			if (sp > indent || f->p + sp == f->end)
				return F_NO;
			f->p += sp;
		}
		if (type == PSW_NODE_MAP) {
			if (key(f, &k) < 0 || value(f, indent, 0, &c) < 0 ||
			    map_add(n, c, k->str, k->line, k->col) < 0)
				return F_NO;
		} else {
			if (*f->p != '-')
				return F_NO;
			f->p++;
			if (value(f, indent, 1, &c) < 0)
				return F_NO;
			psw_node_append(n, c);
		}
	}
	f->depth--;
	*out = n;
	return F_OK;
}

int
psw_doc_load_canonical(const char *s, size_t len, const char *name,
    struct psw_doc **out)
{
	struct psw_buf again = PSW_BUF_INIT;
	struct psw_node *root = NULL;
	struct psw_err e;
	struct fast f;
	int ok;

	*out = NULL;
	if (len == 0 || s == NULL)
		return 0;
	memset(&f, 0, sizeof f);
	f.p = f.bol = (const unsigned char *)s;
	f.end = f.p + len;
	f.line = 1;
	if ((f.doc = psw_doc_create(name)) == NULL)
		return 0;
	ok = *f.p != ' ' && *f.p != '\n' &&
	    block(&f, *f.p == '-' && len > 1 && (f.p[1] == ' ' ||
	    f.p[1] == '\n') ? PSW_NODE_SEQ : PSW_NODE_MAP, 0, 0, &root) == 0 &&
	    f.p == f.end;
	if (ok) {
		psw_doc_set_root(f.doc, root);
		ok = psw_buf_grow(&again, len) == 0 &&
		    psw_doc_emit(f.doc, &again, &e) == 0 &&
		    again.len == len && memcmp(again.s, s, len) == 0;
	}
	psw_buf_release(&again);
	if (!ok) {
		psw_doc_free(f.doc);
		return 0;
	}
	*out = f.doc;
	return 1;
}
