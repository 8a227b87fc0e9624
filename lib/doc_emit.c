/*
 * doc_emit.c - writing a document tree back as YAML.
 *
 * Block style with two-space indentation; a collection loaded in flow
 * style stays flow when it holds only one-line scalars and fits in 100
 * columns.  Each string is written in the first of these forms that
 * every YAML 1.1 and 1.2 reader reads back as the same string: plain,
 * single-quoted (one printable line), literal block (multi-line text),
 * double-quoted with escapes (anything).  A scalar that was plain in the
 * file (PSW_PLAIN) stays plain whenever the syntax allows, whatever it
 * looks like: that is its meaning.
 */
#include <stdint.h>
#include <string.h>

#include "doc.h"
#include "utf8.h"

#define FLOW_WIDTH 100		/* a flow collection's line at most */
#define SIMPLE_KEY_MAX 1000	/* longer keys are written as "? key" */
#define INDICATORS "-?:,[]{}#&*!|>'\"%@`"

/* What ends a plain scalar in flow context: , [ ] { } ? : # */
static const unsigned char flow_stop[128] = {
	[','] = 1, ['['] = 1, [']'] = 1, ['{'] = 1, ['}'] = 1, ['?'] = 1,
	[':'] = 1, ['#'] = 1,
};

/*
 * What numbers, .inf, .nan and timestamps are made of (1), and after 0x
 * (2): "0123456789_+-.:eEoObBxXtTzZinfINFaA \t" and
 * "0123456789abcdefABCDEF_xX+-".
 */
#define D (1 | 2)
static const unsigned char number_char[128] = {
	['0'] = D, ['1'] = D, ['2'] = D, ['3'] = D, ['4'] = D, ['5'] = D,
	['6'] = D, ['7'] = D, ['8'] = D, ['9'] = D, ['_'] = D, ['+'] = D,
	['-'] = D, ['x'] = D, ['X'] = D, ['a'] = D, ['A'] = D, ['e'] = D,
	['E'] = D, ['b'] = D, ['B'] = D, ['f'] = D, ['F'] = D,
	['c'] = 2, ['d'] = 2, ['C'] = 2, ['D'] = 2,
	['.'] = 1, [':'] = 1, ['o'] = 1, ['O'] = 1, ['t'] = 1, ['T'] = 1,
	['z'] = 1, ['Z'] = 1, ['i'] = 1, ['n'] = 1, ['I'] = 1, ['N'] = 1,
	[' '] = 1, ['\t'] = 1,
};
#undef D

enum form {
	FORM_INVALID = -1,	/* not valid UTF-8: cannot be written */
	FORM_EMPTY,		/* nothing: an empty plain scalar (null) */
	FORM_PLAIN,
	FORM_SINGLE,
	FORM_DOUBLE,
	FORM_LITERAL,
};

struct emitter {
	struct psw_buf *out;
	struct psw_buf key;	/* scratch: the key being written */
	struct psw_err *e;
	const char *name;
	int rc;
};

/*
 * 1 when c can stand for itself inside a one-line scalar: printable for
 * YAML, not a control character, not a character some reader takes for
 * a line break (NEL, LS, PS) and not a BOM.
 */
static int
char_plain(uint32_t c)
{
	return (c >= 0x20 && c <= 0x7e) ||
	    (c >= 0xa0 && c <= 0xd7ff && c != 0x2028 && c != 0x2029) ||
	    (c >= 0xe000 && c <= 0xfffd && c != 0xfeff) ||
	    (c >= 0x10000 && c <= 0x10ffff);
}

/*
 * 1 for the Unicode spaces other than space and tab, which some readers
 * trim from a plain scalar's ends.
 */
static int
unicode_space(uint32_t c)
{
	return c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
	    c == 0x202f || c == 0x205f || c == 0x3000;
}

/*
 * 1 when s has no structural problem as a plain scalar, in flow context
 * when flow is set: not empty, no leading indicator, no ": " or " #",
 * no trailing ':', no leading or trailing space (Unicode spaces too),
 * only printable characters without tabs or line breaks, and in flow
 * context none of , [ ] { } ? : #.  Whether it would read back as a
 * string is not checked here.
 */
static int
plain_ok(const unsigned char *s, size_t len, int flow)
{
	size_t i = 0, at;
	uint32_t c;

	if (len == 0 || s[0] == '\0' || strchr(INDICATORS, s[0]) != NULL)
		return 0;
	if (s[0] == ' ' || s[len - 1] == ' ' || s[len - 1] == ':')
		return 0;
	if (len >= 3 && (memcmp(s, "...", 3) == 0 || memcmp(s, "---", 3) == 0))
		return 0;
	while (i < len) {
		at = i;
		if (s[i] < 0x80) {
			/* ASCII: printable, and no Unicode space */
			if ((c = s[i++]) < 0x20 || c == 0x7f)
				return 0;
		} else if (psw_utf8_next(s, len, &i, &c) < 0 ||
		    !char_plain(c) ||
		    ((at == 0 || i == len) && unicode_space(c)))
			return 0;
		if (c == ':' && i < len && s[i] == ' ')
			return 0;
		if (c == '#' && at > 0 && s[at - 1] == ' ')
			return 0;
		if (flow && c < 0x80 && flow_stop[c])
			return 0;
	}
	return 1;
}

/* 1 when s (len bytes) equals the ASCII word w (wlen bytes), ignoring
 * case. */
static int
word_eq(const unsigned char *s, size_t len, const char *w, size_t wlen)
{
	size_t i;
	int c;

	if (wlen != len)
		return 0;
	for (i = 0; i < len; i++) {
		c = s[i];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != w[i])
			return 0;
	}
	return 1;
}

/*
 * 1 when some YAML 1.1 or 1.2 reader could resolve plain s as something
 * other than a string: null, bool, int, float, timestamp, merge or value
 * key.  It errs on the safe side: everything that starts like a number
 * and holds only characters that numbers, .inf, .nan and timestamps are
 * made of counts ("10 and 2" is quoted too), with hex digits after 0x.
 */
static int
typed(const unsigned char *s, size_t len)
{
#define W(w) { w, sizeof w - 1 }
	static const struct {
		const char *w;
		size_t len;
	} words[] = {
		W("~"), W("null"), W("y"), W("n"), W("yes"), W("no"),
		W("true"), W("false"), W("on"), W("off"), W("<<"), W("="),
	};
#undef W
	size_t i;
	int set;

	for (i = 0; len <= 5 && i < sizeof words / sizeof words[0]; i++)
		if (word_eq(s, len, words[i].w, words[i].len))
			return 1;
	if (len == 0 || !((s[0] >= '0' && s[0] <= '9') || s[0] == '+' ||
	    s[0] == '-' || s[0] == '.'))
		return 0;
	i = s[0] == '+' || s[0] == '-';
	set = len - i > 2 && s[i] == '0' && (s[i + 1] == 'x' ||
	    s[i + 1] == 'X') ? 2 : 1;
	for (i = 0; i < len; i++)
		if (s[i] >= 0x80 || (number_char[s[i]] & set) == 0)
			return 0;
	return 1;
}

/*
 * 1 when s (len bytes) can be written as a plain scalar in block
 * context and every YAML 1.1 and 1.2 reader reads it back as the string.
 */
int
psw_yaml_plain_safe(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	return plain_ok(u, len, 0) && !typed(u, len);
}

/*
 * How to write scalar s: as a key when key is set (always on one line),
 * in flow context when flow is set.
 */
static enum form
choose(const char *str, size_t len, int style, int flow, int key)
{
	const unsigned char *s = (const unsigned char *)str;
	int breaks = 0, special = 0, trailing = 0, content = 0, tabs = 0;
	size_t i = 0;
	uint32_t c;

	if (!key && style == PSW_PLAIN && len == 0)
		return FORM_EMPTY;
	if (!key && style == PSW_PLAIN && plain_ok(s, len, flow))
		return FORM_PLAIN;
	if (plain_ok(s, len, flow) && !typed(s, len))
		return FORM_PLAIN;
	while (i < len) {
		if (psw_utf8_next(s, len, &i, &c) < 0)
			return FORM_INVALID;
		if (c == '\n') {
			breaks = 1;
			if (i > 1 && (s[i - 2] == ' ' || s[i - 2] == '\t'))
				trailing = 1;
			continue;
		}
		content = 1;
		if (c == '\t')
			tabs = 1;
		else if (!char_plain(c))
			special = 1;
	}
	if (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		trailing = 1;
	if (!breaks && !special && !tabs)
		return FORM_SINGLE;
	if (!key && !flow && breaks && !special && !trailing && content)
		return FORM_LITERAL;
	return FORM_DOUBLE;
}

/* Append n spaces. */
static void
spaces(struct emitter *em, int n)
{
	static const char blanks[] = "                                ";
	int k;

	for (; n > 0; n -= k) {
		k = n < (int)sizeof blanks - 1 ? n : (int)sizeof blanks - 1;
		psw_buf_add(em->out, blanks, (size_t)k);
	}
}

/* Append s in single quotes, doubling each quote. */
static void
write_single(struct psw_buf *b, const char *s, size_t len)
{
	const char *q;

	psw_buf_addc(b, '\'');
	while ((q = memchr(s, '\'', len)) != NULL) {
		psw_buf_add(b, s, (size_t)(q - s) + 1);
		psw_buf_addc(b, '\'');
		len -= (size_t)(q - s) + 1;
		s = q + 1;
	}
	psw_buf_add(b, s, len);
	psw_buf_addc(b, '\'');
}

/* Append s (valid UTF-8) in double quotes with escapes, on one line. */
static void
write_double(struct psw_buf *b, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, at;
	uint32_t c;

	psw_buf_addc(b, '"');
	while (i < len) {
		at = i;
		if (psw_utf8_next(s, len, &i, &c) < 0) {
			i++;
			continue;
		}
		switch (c) {
		case '"':
			psw_buf_adds(b, "\\\"");
			break;
		case '\\':
			psw_buf_adds(b, "\\\\");
			break;
		case '\t':
			psw_buf_adds(b, "\\t");
			break;
		case '\n':
			psw_buf_adds(b, "\\n");
			break;
		case '\r':
			psw_buf_adds(b, "\\r");
			break;
		case 0x1b:
			psw_buf_adds(b, "\\e");
			break;
		case 0x85:
			psw_buf_adds(b, "\\N");
			break;
		case 0x2028:
			psw_buf_adds(b, "\\L");
			break;
		case 0x2029:
			psw_buf_adds(b, "\\P");
			break;
		default:
			if (char_plain(c))
				psw_buf_add(b, s + at, i - at);
			else if (c <= 0xff)
				psw_buf_addf(b, "\\x%02X", (unsigned)c);
			else
				psw_buf_addf(b, "\\u%04X", (unsigned)c);
		}
	}
	psw_buf_addc(b, '"');
}

/*
 * Append multi-line s as a literal block scalar whose content lines are
 * indented to column indent: the header (| with an indentation indicator
 * when the text starts with blanks, and the chomping indicator) and the
 * lines.  Empty lines are written without indentation.
 */
static void
write_literal(struct emitter *em, const char *s, size_t len, int indent,
    int parent)
{
	const char *p, *q, *end = s + len;
	size_t i, nl = 0;

	for (i = len; i > 0 && s[i - 1] == '\n'; i--)
		nl++;
	for (i = 0; i < len && s[i] == '\n'; i++)
		;
	psw_buf_addc(em->out, '|');
	if (i < len && (s[i] == ' ' || s[i] == '\t'))
		psw_buf_addf(em->out, "%d", indent - (parent < 0 ? 0 : parent));
	if (nl == 0)
		psw_buf_addc(em->out, '-');
	else if (nl > 1)
		psw_buf_addc(em->out, '+');
	psw_buf_addc(em->out, '\n');
	for (p = s; p < end; p = q + 1) {
		if ((q = memchr(p, '\n', (size_t)(end - p))) == NULL)
			q = end;
		if (q > p) {
			spaces(em, indent);
			psw_buf_add(em->out, p, (size_t)(q - p));
		}
		psw_buf_addc(em->out, '\n');
	}
}

/* Record that a string cannot be written (it is not valid UTF-8). */
static void
invalid(struct emitter *em, const struct psw_node *n, const char *what)
{
	char key[64];
	size_t i;

	if (em->rc < 0)
		return;
	key[0] = '\0';
	if (n != NULL && n->key != NULL) {
		for (i = 0; n->key[i] != '\0' && i < sizeof key - 1; i++)
			key[i] = (unsigned char)n->key[i] < 0x20 ||
			    (unsigned char)n->key[i] >= 0x7f ? '?' : n->key[i];
		key[i] = '\0';
	}
	if (key[0] != '\0')
		em->rc = psw_error_at(em->e, PSW_EDATA, em->name,
		    n->line, n->col, "%s of '%s' is not valid UTF-8", what,
		    key);
	else
		em->rc = psw_error_at(em->e, PSW_EDATA, em->name,
		    n ? n->line : 0, n ? n->col : 0,
		    "a %s is not valid UTF-8", what);
}

/* Append scalar s in form f (not literal, not empty) to b. */
static void
write_inline(struct psw_buf *b, const char *s, size_t len, enum form f)
{
	switch (f) {
	case FORM_PLAIN:
		psw_buf_add(b, s, len);
		break;
	case FORM_SINGLE:
		write_single(b, s, len);
		break;
	default:
		write_double(b, s, len);
		break;
	}
}

/* The text of a scalar node and its length ("" for none). */
static const char *
scalar_text(const struct psw_node *n, size_t *len)
{
	const char *s = n->str != NULL ? n->str : "";

	*len = strlen(s);
	return s;
}

/*
 * Write a collection that is all one-line scalars in flow style into b.
 * A plain scalar that flow context would force into quotes (10:30,
 * a#b) keeps the collection in block style, so that it stays plain.
 * Returns 1 when written, 0 when it cannot be flow, -1 on a bad string.
 */
static int
flow_text(struct emitter *em, const struct psw_node *n, struct psw_buf *b)
{
	const struct psw_node *c;
	const char *s, *k;
	enum form f, ff, kf;
	size_t len;

	psw_buf_addc(b, n->type == PSW_NODE_MAP ? '{' : '[');
	for (c = n->head; c != NULL; c = c->next) {
		if (c->type != PSW_NODE_SCALAR)
			return 0;
		s = scalar_text(c, &len);
		f = choose(s, len, c->style, 0, 0);
		if (f == FORM_INVALID) {
			invalid(em, c, "value");
			return -1;
		}
		if (f == FORM_EMPTY || f == FORM_LITERAL)
			return 0;
		ff = choose(s, len, c->style, 1, 0);
		if (c->style == PSW_PLAIN && f == FORM_PLAIN &&
		    ff != FORM_PLAIN)
			return 0;
		if (c != n->head)
			psw_buf_adds(b, ", ");
		if (n->type == PSW_NODE_MAP) {
			k = c->key != NULL ? c->key : "";
			kf = choose(k, strlen(k), PSW_STRING, 1, 1);
			if (kf == FORM_INVALID) {
				invalid(em, c, "key");
				return -1;
			}
			write_inline(b, k, strlen(k), kf);
			psw_buf_adds(b, ": ");
		}
		write_inline(b, s, len, ff);
	}
	psw_buf_addc(b, n->type == PSW_NODE_MAP ? '}' : ']');
	return 1;
}

/* Characters (not bytes) in s. */
static size_t
width(const char *s, size_t len)
{
	size_t i, w = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

/* The column the output is at: characters since the last newline. */
static size_t
column(const struct psw_buf *b)
{
	size_t i = b->len;

	while (i > 0 && b->s[i - 1] != '\n')
		i--;
	return b->s != NULL ? width(b->s + i, b->len - i) : 0;
}

/*
 * Write flow collection n on the current line (after a space when lead
 * is set) when it can be flow and fits; 1 when written, else 0.
 */
static int
try_flow(struct emitter *em, const struct psw_node *n, int lead)
{
	struct psw_buf b = PSW_BUF_INIT;
	int rc;

	rc = flow_text(em, n, &b);
	if (b.oom) {
		em->out->oom = 1;
		rc = -1;
	}
	if (rc == 1 && column(em->out) + (lead ? 1 : 0) +
	    width(b.s, b.len) <= FLOW_WIDTH) {
		if (lead)
			psw_buf_addc(em->out, ' ');
		psw_buf_add(em->out, b.s, b.len);
		psw_buf_addc(em->out, '\n');
	} else if (rc == 1)
		rc = 0;
	psw_buf_release(&b);
	return rc != 0;
}

static void emit_coll(struct emitter *, const struct psw_node *, int, int);

/*
 * Write a map entry's key and its colon for a map whose keys are at
 * column indent: "key:", or "? key" and ":" on the next line for a key
 * too long to be a simple key.
 */
static void
emit_key(struct emitter *em, const struct psw_node *n, int indent)
{
	const char *k = n->key != NULL ? n->key : "";
	size_t len = strlen(k);
	enum form f;

	if ((f = choose(k, len, PSW_STRING, 0, 1)) == FORM_INVALID) {
		invalid(em, n, "key");
		return;
	}
	psw_buf_reset(&em->key);
	write_inline(&em->key, k, len, f);
	if (em->key.oom)
		em->out->oom = 1;
	else if (em->key.len > SIMPLE_KEY_MAX) {
		psw_buf_adds(em->out, "? ");
		psw_buf_add(em->out, em->key.s, em->key.len);
		psw_buf_addc(em->out, '\n');
		spaces(em, indent);
	} else
		psw_buf_add(em->out, em->key.s, em->key.len);
	psw_buf_addc(em->out, ':');
}

/*
 * Write node n after "key:" or (in_seq) "-" of a block collection whose
 * entries start at column indent.
 */
static void
emit_value(struct emitter *em, const struct psw_node *n, int indent,
    int in_seq)
{
	const char *s;
	enum form f;
	size_t len;

	if (em->rc < 0)
		return;
	if (n->type == PSW_NODE_SCALAR) {
		s = scalar_text(n, &len);
		f = choose(s, len, n->style, 0, 0);
		if (f == FORM_INVALID) {
			invalid(em, n, "value");
			return;
		}
		if (f == FORM_EMPTY) {
			psw_buf_addc(em->out, '\n');
			return;
		}
		psw_buf_addc(em->out, ' ');
		if (f == FORM_LITERAL) {
			write_literal(em, s, len, indent + 2, indent);
			return;
		}
		write_inline(em->out, s, len, f);
		psw_buf_addc(em->out, '\n');
		return;
	}
	if (n->count == 0) {
		psw_buf_adds(em->out, n->type == PSW_NODE_MAP ? " {}\n" :
		    " []\n");
		return;
	}
	if (n->flow && try_flow(em, n, 1))
		return;
	if (em->rc < 0)
		return;
	if (in_seq) {
		psw_buf_addc(em->out, ' ');
		emit_coll(em, n, indent + 2, 1);
	} else {
		psw_buf_addc(em->out, '\n');
		emit_coll(em, n, indent + 2, 0);
	}
}

/*
 * Write block collection n with its entries at column indent; when inl
 * is set the first entry goes on the current line (after "- ").
 */
static void
emit_coll(struct emitter *em, const struct psw_node *n, int indent,
    int inl)
{
	const struct psw_node *c;

	for (c = n->head; c != NULL && em->rc == 0; c = c->next) {
		if (c != n->head || !inl)
			spaces(em, indent);
		if (n->type == PSW_NODE_MAP) {
			emit_key(em, c, indent);
			emit_value(em, c, indent, 0);
		} else {
			psw_buf_addc(em->out, '-');
			emit_value(em, c, indent, 1);
		}
	}
}

/* Write the root node at column 0. */
static void
emit_root(struct emitter *em, const struct psw_node *n)
{
	const char *s;
	enum form f;
	size_t len;

	if (n->type == PSW_NODE_SCALAR) {
		s = scalar_text(n, &len);
		switch ((f = choose(s, len, n->style, 0, 0))) {
		case FORM_INVALID:
			invalid(em, n, "value");
			return;
		case FORM_EMPTY:
			psw_buf_adds(em->out, "~\n");
			return;
		case FORM_LITERAL:
			write_literal(em, s, len, 2, -1);
			return;
		default:
			write_inline(em->out, s, len, f);
			psw_buf_addc(em->out, '\n');
			return;
		}
	}
	if (n->count == 0)
		psw_buf_adds(em->out, n->type == PSW_NODE_MAP ? "{}\n" :
		    "[]\n");
	else if (!n->flow || !try_flow(em, n, 0))
		emit_coll(em, n, 0, 0);
}

/*
 * Append the document as YAML to out.  Returns 0; -PSW_EIO on OOM or
 * -PSW_EDATA when a string is not valid UTF-8, leaving out as it was.
 */
int
psw_doc_emit(const struct psw_doc *doc, struct psw_buf *out,
    struct psw_err *e)
{
	struct psw_node *root = psw_doc_root(doc);
	struct emitter em;
	size_t start = out->len;

	if (root == NULL)
		return 0;
	em.out = out;
	em.key = (struct psw_buf)PSW_BUF_INIT;
	em.e = e;
	em.name = psw_doc_name(doc);
	em.rc = 0;
	emit_root(&em, root);
	psw_buf_release(&em.key);
	if (out->oom && em.rc == 0)
		em.rc = psw_error(e, PSW_EIO, "out of memory");
	if (em.rc < 0 && out->s != NULL) {
		out->len = start;
		out->s[start] = '\0';
	}
	return em.rc;
}
