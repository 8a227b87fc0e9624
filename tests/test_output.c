/*
 * test_output.c - unit tests for lib/output.c.
 *
 * Output is captured with open_memstream() and compared byte for byte.
 */
#define _XOPEN_SOURCE 700	/* posix_openpt() for the colour test */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "output.h"

#define RLO	"\xe2\x80\xae"		/* U+202E RIGHT-TO-LEFT OVERRIDE */
#define FFFD	"\xef\xbf\xbd"		/* U+FFFD REPLACEMENT CHARACTER */

/* An output stream whose bytes a test can read back. */
struct cap {
	FILE *fp;
	char *buf;
	size_t len;
};

/* Open a capture. */
static void
cap_open(struct cap *c)
{
	c->buf = NULL;
	c->len = 0;
	c->fp = open_memstream(&c->buf, &c->len);
	assert_non_null(c->fp);
}

/* Close a capture and check it holds exactly want; frees the bytes. */
static void
cap_check(struct cap *c, const char *want)
{
	assert_int_equal(fclose(c->fp), 0);
	assert_non_null(c->buf);
	assert_string_equal(c->buf, want);
	assert_int_equal(c->len, strlen(want));
	free(c->buf);
	c->buf = NULL;
}

/* The columns and rows of the small table every format shows. */
static const struct psw_column cols3[] = {
	{ "name", PSW_COL_STR, 0 },
	{ "age", PSW_COL_INT, PSW_COL_RIGHT },
	{ "note", PSW_COL_STR, 0 },
};

static const char *const rows6[][3] = {
	{ "Alex", "34", "a\tb" },
	{ "Renée", "7", "line1\nline2" },
	{ "中文", "100", "x, \"y\"" },
	{ " lead", NULL, "back\\slash" },
	{ "emoji 😀", "-1", "\033[31mred\033[0m" },
	{ RLO "evil", "12", "" },
};

/* rows6 as an aligned text table. */
static const char text6[] =
	    "NAME        AGE  NOTE\n"
	    "Alex         34  a\\tb\n"
	    "Renée         7  line1\\nline2\n"
	    "中文        100  x, \"y\"\n"
	    " lead            back\\slash\n"
	    "emoji 😀     -1  \\x1b[31mred\\x1b[0m\n"
	    "\\u202eevil   12\n";

/* Print rows as a table in fmt and check the bytes. */
static void
table_check(enum psw_format fmt, const struct psw_column *cols,
    size_t ncols, const char *const *rows, size_t nrows, const char *want)
{
	struct psw_table *t;
	struct psw_out o;
	struct cap c;
	size_t r;

	cap_open(&c);
	psw_out_init(&o, c.fp, fmt);
	assert_int_equal(o.color, 0);
	t = psw_table_new(&o, cols, ncols);
	assert_non_null(t);
	for (r = 0; r < nrows; r++)
		assert_int_equal(psw_table_row(t, rows + r * ncols), 0);
	assert_int_equal(psw_table_rows(t), nrows);
	assert_int_equal(psw_table_end(t), 0);
	cap_check(&c, want);
}

static void
test_table_text(void **state)
{
	table_check(PSW_FMT_TEXT, cols3, 3, &rows6[0][0], 6, text6);
}

static void
test_table_tsv(void **state)
{
	table_check(PSW_FMT_TSV, cols3, 3, &rows6[0][0], 6,
	    "Alex\t34\ta\\tb\n"
	    "Renée\t7\tline1\\nline2\n"
	    "中文\t100\tx, \"y\"\n"
	    " lead\t\tback\\\\slash\n"
	    "emoji 😀\t-1\t\033[31mred\033[0m\n"
	    RLO "evil\t12\t\n");
}

static void
test_table_csv(void **state)
{
	table_check(PSW_FMT_CSV, cols3, 3, &rows6[0][0], 6,
	    "name,age,note\r\n"
	    "Alex,34,a\tb\r\n"
	    "Renée,7,\"line1\nline2\"\r\n"
	    "中文,100,\"x, \"\"y\"\"\"\r\n"
	    "\" lead\",,back\\slash\r\n"
	    "emoji 😀,-1,\033[31mred\033[0m\r\n"
	    RLO "evil,12,\r\n");
}

static void
test_table_json(void **state)
{
	table_check(PSW_FMT_JSON, cols3, 3, &rows6[0][0], 6,
	    "[\n"
	    "{\"name\":\"Alex\",\"age\":34,\"note\":\"a\\tb\"},\n"
	    "{\"name\":\"Renée\",\"age\":7,\"note\":\"line1\\nline2\"},\n"
	    "{\"name\":\"中文\",\"age\":100,\"note\":\"x, \\\"y\\\"\"},\n"
	    "{\"name\":\" lead\",\"age\":null,\"note\":\"back\\\\slash\"},\n"
	    "{\"name\":\"emoji 😀\",\"age\":-1,"
	    "\"note\":\"\\u001b[31mred\\u001b[0m\"},\n"
	    "{\"name\":\"\\u202eevil\",\"age\":12,\"note\":\"\"}\n"
	    "]\n");
}

/*
 * Two passes (psw_table_measure, psw_table_stream_text): two rows kept,
 * the rest measured, then every row written at once: the same table as
 * one pass that keeps them all, nothing kept once streaming.
 */
static void
test_table_text_two_pass(void **state)
{
	struct psw_table *t;
	struct psw_out o;
	struct cap c;
	size_t r;

	(void)state;
	cap_open(&c);
	psw_out_init(&o, c.fp, PSW_FMT_TEXT);
	t = psw_table_new(&o, cols3, 3);
	assert_non_null(t);
	for (r = 0; r < 2; r++)
		assert_int_equal(psw_table_row(t, rows6[r]), 0);
	assert_true(psw_table_kept(t) > 0);
	for (; r < 6; r++)
		assert_int_equal(psw_table_measure(t, rows6[r]), 0);
	assert_int_equal(psw_table_stream_text(t), 0);
	assert_int_equal(psw_table_kept(t), 0);
	for (r = 0; r < 6; r++)
		assert_int_equal(psw_table_row(t, rows6[r]), 0);
	assert_int_equal(psw_table_kept(t), 0);
	assert_int_equal(psw_table_rows(t), 6);
	assert_int_equal(psw_table_end(t), 0);
	cap_check(&c, text6);

	/* Other formats keep nothing and measure nothing. */
	cap_open(&c);
	psw_out_init(&o, c.fp, PSW_FMT_TSV);
	t = psw_table_new(&o, cols3, 3);
	assert_int_equal(psw_table_measure(t, rows6[0]), 0);
	assert_int_equal(psw_table_row(t, rows6[0]), 0);
	assert_int_equal(psw_table_kept(t), 0);
	assert_int_equal(psw_table_end(t), 0);
	cap_check(&c, "Alex\t34\ta\\tb\n");
}

static void
test_table_md_html(void **state)
{
	static const char *const rows[][3] = {
		{ "a|b", "1", "x\ny" },
		{ "<i>", NULL, "R&D" },
	};

	table_check(PSW_FMT_MD, cols3, 3, &rows[0][0], 2,
	    "| name | age | note |\n"
	    "| --- | ---: | --- |\n"
	    "| a\\|b | 1 | x<br>y |\n"
	    "| \\<i\\> |  | R&D |\n");
	table_check(PSW_FMT_HTML, cols3, 3, &rows[0][0], 2,
	    "<table>\n<thead>\n"
	    "<tr><th>name</th><th>age</th><th>note</th></tr>\n"
	    "</thead>\n<tbody>\n"
	    "<tr><td>a|b</td><td style=\"text-align:right\">1</td>"
	    "<td>x\ny</td></tr>\n"
	    "<tr><td>&lt;i&gt;</td><td style=\"text-align:right\"></td>"
	    "<td>R&amp;D</td></tr>\n"
	    "</tbody>\n</table>\n");
}

static void
test_table_empty(void **state)
{
	table_check(PSW_FMT_TEXT, cols3, 3, NULL, 0, "");
	table_check(PSW_FMT_TSV, cols3, 3, NULL, 0, "");
	table_check(PSW_FMT_CSV, cols3, 3, NULL, 0, "name,age,note\r\n");
	table_check(PSW_FMT_JSON, cols3, 3, NULL, 0, "[]\n");
	table_check(PSW_FMT_MD, cols3, 3, NULL, 0, "");
	table_check(PSW_FMT_HTML, cols3, 3, NULL, 0, "");
}

static void
test_table_one_json_row(void **state)
{
	static const char *const row[] = { "a", "1", "b" };

	table_check(PSW_FMT_JSON, cols3, 3, row, 1,
	    "[\n{\"name\":\"a\",\"age\":1,\"note\":\"b\"}\n]\n");
}

static void
test_text_wide_combining(void **state)
{
	static const struct psw_column cols[] = {
		{ "a", PSW_COL_STR, 0 },
		{ "b", PSW_COL_STR, 0 },
	};
	static const char *const rows[][2] = {
		{ "e\xcc\x81", "x" },		/* e + U+0301 */
		{ "中", "x" },
		{ "abc", "x" },
		{ "한", "" },
		{ "", "x" },
	};

	table_check(PSW_FMT_TEXT, cols, 2, &rows[0][0], 5,
	    "A    B\n"
	    "e\xcc\x81    x\n"
	    "中   x\n"
	    "abc  x\n"
	    "한\n"
	    "     x\n");
}

static void
test_text_right(void **state)
{
	static const struct psw_column cols[] = {
		{ "n", PSW_COL_INT, PSW_COL_RIGHT },
		{ "word", PSW_COL_STR, 0 },
		{ "score", PSW_COL_NUM, PSW_COL_RIGHT },
	};
	static const char *const rows[][3] = {
		{ "1", "a", "2.5" },
		{ "22", "bb", "" },
		{ "333", "中", "10" },
	};

	table_check(PSW_FMT_TEXT, cols, 3, &rows[0][0], 3,
	    "  N  WORD  SCORE\n"
	    "  1  a       2.5\n"
	    " 22  bb\n"
	    "333  中       10\n");
}

static void
test_text_bold(void **state)
{
	static const struct psw_column cols[] = {
		{ "id", PSW_COL_STR, 0 },
		{ "x", PSW_COL_STR, 0 },
	};
	static const char *const row[] = { "abcd", "1" };
	struct psw_table *t;
	struct psw_out o;
	struct cap c;

	cap_open(&c);
	psw_out_init(&o, c.fp, PSW_FMT_TEXT);
	o.color = 1;
	t = psw_table_new(&o, cols, 2);
	assert_non_null(t);
	assert_int_equal(psw_table_row(t, row), 0);
	assert_int_equal(psw_table_end(t), 0);
	cap_check(&c, "\033[1mID    X\033[0m\nabcd  1\n");
}

/* psw_put_text and psw_text_width of s. */
static void
text_is(const char *s, const char *want, size_t width)
{
	struct cap c;

	cap_open(&c);
	assert_int_equal(psw_put_text(c.fp, s), 0);
	cap_check(&c, want);
	assert_int_equal(psw_text_width(s), width);
	/* What is written shows in the same columns as it counts. */
	assert_int_equal(psw_text_width(want), width);
}

static void
test_put_text(void **state)
{
	text_is("plain", "plain", 5);
	text_is("a\033[2Jb", "a\\x1b[2Jb", 9);
	text_is("a" RLO "b", "a\\u202eb", 8);
	text_is("\xe2\x80\x8f\xe2\x81\xa6\xd8\x9c", "\\u200f\\u2066\\u061c",
	    18);
	text_is("x\xffy", "x\\xffy", 6);
	text_is("\xc0\xaf", "\\xc0\\xaf", 8);		/* overlong */
	text_is("\xed\xa0\x80", "\\xed\\xa0\\x80", 12);	/* surrogate */
	text_is("\xe4\xb8", "\\xe4\\xb8", 8);		/* cut short */
	text_is("a\\b", "a\\b", 3);
	text_is("1\n2\t3\r", "1\\n2\\t3\\r", 9);
	text_is("\x7f\x01", "\\x7f\\x01", 8);
	text_is("\xc2\x85\xc2\x9b", "\\u0085\\u009b", 12);	/* C1 */
	text_is("中文", "中文", 4);
	text_is("😀!", "😀!", 3);
	text_is("ｈｉ", "ｈｉ", 4);
	text_is("e\xcc\x81", "e\xcc\x81", 1);
	text_is("é", "é", 1);
	text_is("", "", 0);
	assert_int_equal(psw_text_width(NULL), 0);
}

static void
test_put_tsv_csv(void **state)
{
	struct cap c;

	cap_open(&c);
	assert_int_equal(psw_put_tsv(c.fp, "a\tb\nc\rd\\e,\"f"), 0);
	cap_check(&c, "a\\tb\\nc\\rd\\\\e,\"f");

	cap_open(&c);
	psw_put_csv(c.fp, "plain");
	putc('|', c.fp);
	psw_put_csv(c.fp, "");
	putc('|', c.fp);
	psw_put_csv(c.fp, NULL);
	putc('|', c.fp);
	psw_put_csv(c.fp, "a,b");
	putc('|', c.fp);
	psw_put_csv(c.fp, "say \"hi\"");
	putc('|', c.fp);
	psw_put_csv(c.fp, "cr\r");
	putc('|', c.fp);
	psw_put_csv(c.fp, "trail ");
	putc('|', c.fp);
	psw_put_csv(c.fp, "in side");
	putc('|', c.fp);
	psw_put_csv(c.fp, "\"");
	cap_check(&c, "plain|||\"a,b\"|\"say \"\"hi\"\"\"|\"cr\r\"|"
	    "\"trail \"|in side|\"\"\"\"");
}

static void
test_put_html_md(void **state)
{
	struct cap c;

	cap_open(&c);
	assert_int_equal(psw_put_html(c.fp, "<a href=\"x\">&'</a>"), 0);
	cap_check(&c, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");

	/* A page shows control and bidi characters and bad bytes escaped
	 * (it is not a terminal, but a reader sees it the same way). */
	cap_open(&c);
	assert_int_equal(psw_put_html(c.fp, "a\033[31mb\tc\nd"
	    "\xe2\x80\xae" "evil\xe2\x81\xa6" "x\xff\x7f caf\xc3\xa9"), 0);
	cap_check(&c, "a\\x1b[31mb\tc\nd\\u202eevil\\u2066x\\xff"
	    "\\x7f caf\xc3\xa9");

	cap_open(&c);
	assert_int_equal(psw_put_md(c.fp,
	    "a|b*c_d`e[f]g<h>i#j\\k\nl\r\nm\rn"), 0);
	cap_check(&c, "a\\|b\\*c\\_d\\`e\\[f\\]g\\<h\\>i\\#j\\\\k"
	    "<br>l<br>m<br>n");
}

/* psw_put_json_str(s) gives exactly want. */
static void
json_str_is(const char *s, const char *want)
{
	struct cap c;

	cap_open(&c);
	assert_int_equal(psw_put_json_str(c.fp, s), 0);
	cap_check(&c, want);
}

static void
test_json_str(void **state)
{
	json_str_is("plain", "\"plain\"");
	json_str_is(NULL, "null");
	json_str_is("q\"b\\s/", "\"q\\\"b\\\\s/\"");
	json_str_is("\n\t\r\b\f\x01\x1f\x7f",
	    "\"\\n\\t\\r\\b\\f\\u0001\\u001f\\u007f\"");
	/* Safe on a terminal: bidi overrides and C1 controls escaped. */
	json_str_is("é中😀" RLO, "\"é中😀\\u202e\"");
	json_str_is("\xc2\x9b\xe2\x81\xa6", "\"\\u009b\\u2066\"");
	json_str_is("a\xff" "b", "\"a" FFFD "b\"");
	json_str_is("\xc0\xaf", "\"" FFFD FFFD "\"");
	json_str_is("\xed\xa0\x80", "\"" FFFD FFFD FFFD "\"");
	json_str_is("x\xe4\xb8", "\"x" FFFD FFFD "\"");
	json_str_is("\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"");
	json_str_is("\x80", "\"" FFFD "\"");
}

static void
test_json_types(void **state)
{
	static const struct psw_column cols[] = {
		{ "i", PSW_COL_INT, 0 },
		{ "n", PSW_COL_NUM, 0 },
		{ "b", PSW_COL_BOOL, 0 },
		{ "d", PSW_COL_DATE, 0 },
	};
	static const char *const rows[][4] = {
		{ "42", "2.5", "1", "2026-11-28" },
		{ "007", "1e5", "true", NULL },
		{ "+3", "-0.5E-3", "yes", "" },
		{ "", ".5", "0", "x" },
		{ "0x10", "1.", "false", NULL },
		{ "NaN", "Infinity", "no", NULL },
		{ "-", "-0", "", NULL },
		{ "1.5", "12abc", "maybe", NULL },
		{ NULL, NULL, NULL, NULL },
		{ " 1", "1e", "TRUE", NULL },
	};

	table_check(PSW_FMT_JSON, cols, 4, &rows[0][0], 10,
	    "[\n"
	    "{\"i\":42,\"n\":2.5,\"b\":true,\"d\":\"2026-11-28\"},\n"
	    "{\"i\":\"007\",\"n\":1e5,\"b\":true,\"d\":null},\n"
	    "{\"i\":\"+3\",\"n\":-0.5E-3,\"b\":true,\"d\":\"\"},\n"
	    "{\"i\":\"\",\"n\":\".5\",\"b\":false,\"d\":\"x\"},\n"
	    "{\"i\":\"0x10\",\"n\":\"1.\",\"b\":false,\"d\":null},\n"
	    "{\"i\":\"NaN\",\"n\":\"Infinity\",\"b\":false,\"d\":null},\n"
	    "{\"i\":\"-\",\"n\":-0,\"b\":false,\"d\":null},\n"
	    "{\"i\":1.5,\"n\":\"12abc\",\"b\":\"maybe\",\"d\":null},\n"
	    "{\"i\":null,\"n\":null,\"b\":null,\"d\":null},\n"
	    "{\"i\":\" 1\",\"n\":\"1e\",\"b\":true,\"d\":null}\n"
	    "]\n");
}

/* --- A small JSON validator, to check documents built from noise ----- */

struct jv {
	const unsigned char *p;
	int depth;
};

static int jv_value(struct jv *v);

/* Skip JSON white space. */
static void
jv_ws(struct jv *v)
{
	while (*v->p == ' ' || *v->p == '\t' || *v->p == '\n' ||
	    *v->p == '\r')
		v->p++;
}

/* A string with valid UTF-8 and escapes; 1 when valid. */
static int
jv_string(struct jv *v)
{
	const unsigned char *p = v->p;
	unsigned c, n, i, cp, min;

	if (*p++ != '"')
		return 0;
	for (;;) {
		c = *p;
		if (c == '"') {
			v->p = p + 1;
			return 1;
		}
		if (c < 0x20)
			return 0;
		if (c == '\\') {
			p++;
			if (*p == 'u') {
				for (i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF",
					    p[i]) || p[i] == '\0')
						return 0;
				p += 5;
			} else if (*p != '\0' && strchr("\"\\/bfnrt", *p))
				p++;
			else
				return 0;
			continue;
		}
		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += n + 1;
	}
}

/* A number by the JSON grammar; 1 when valid. */
static int
jv_number(struct jv *v)
{
	const unsigned char *p = v->p;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return 0;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	v->p = p;
	return 1;
}

/* An object or array whose opening bracket is at v->p. */
static int
jv_container(struct jv *v, int close, int obj)
{
	if (++v->depth > 200)
		return 0;
	v->p++;
	jv_ws(v);
	if (*v->p == close) {
		v->p++;
		v->depth--;
		return 1;
	}
	for (;;) {
		if (obj) {
			if (!jv_string(v))
				return 0;
			jv_ws(v);
			if (*v->p++ != ':')
				return 0;
		}
		if (!jv_value(v))
			return 0;
		jv_ws(v);
		if (*v->p == ',') {
			v->p++;
			jv_ws(v);
			continue;
		}
		if (*v->p++ != close)
			return 0;
		v->depth--;
		return 1;
	}
}

/* Any value; 1 when valid. */
static int
jv_value(struct jv *v)
{
	jv_ws(v);
	switch (*v->p) {
	case '{':
		return jv_container(v, '}', 1);
	case '[':
		return jv_container(v, ']', 0);
	case '"':
		return jv_string(v);
	case 't':
		return strncmp((const char *)v->p, "true", 4) == 0 ?
		    (v->p += 4, 1) : 0;
	case 'f':
		return strncmp((const char *)v->p, "false", 5) == 0 ?
		    (v->p += 5, 1) : 0;
	case 'n':
		return strncmp((const char *)v->p, "null", 4) == 0 ?
		    (v->p += 4, 1) : 0;
	default:
		return jv_number(v);
	}
}

/* Is s (of len bytes, no NUL inside) one JSON document? */
static int
json_valid(const char *s, size_t len)
{
	struct jv v = { (const unsigned char *)s, 0 };

	if (strlen(s) != len || !jv_value(&v))
		return 0;
	jv_ws(&v);
	return *v.p == '\0';
}

static void
test_json_validator(void **state)
{
	/* The validator itself must be able to say no. */
	static const char good[] = "{\"a\":[1,-2.5e3,true,null,\"x\"]}";

	assert_true(json_valid(good, sizeof good - 1));
	assert_false(json_valid("\"\xff\"", 3));
	assert_false(json_valid("\"\x01\"", 3));
	assert_false(json_valid("[1,]", 4));
	assert_false(json_valid("01", 2));
	assert_false(json_valid("{\"a\" 1}", 7));
}

static void
test_json_noise(void **state)
{
	static const struct psw_column cols[] = {
		{ "s", PSW_COL_STR, 0 },
		{ "i", PSW_COL_INT, 0 },
		{ "n", PSW_COL_NUM, 0 },
		{ "b", PSW_COL_BOOL, 0 },
		{ "d", PSW_COL_DATE, 0 },
		{ "k\xff\"", PSW_COL_STR, 0 },
	};
	static const unsigned char alpha[] = {
		'0', '1', '-', '.', 'e', '+', '"', '\\', '\n', 0x01, 0x1b,
		0x7f, 0x80, 0xbf, 0xc0, 0xc3, 0xa9, 0xe2, 0x80, 0xae, 0xed,
		0xa0, 0xf0, 0x9f, 0x98, 0x80, 0xf4, 0x90, 0xff, 'a', ' ',
	};
	char cell[6][16];
	const char *row[6];
	unsigned long seed = 12345;
	struct psw_table *t;
	struct psw_json j;
	struct psw_out o;
	struct cap c;
	int round, k, len, i;

	for (round = 0; round < 300; round++) {
		cap_open(&c);
		psw_out_init(&o, c.fp, PSW_FMT_JSON);
		t = psw_table_new(&o, cols, 6);
		assert_non_null(t);
		for (k = 0; k < 4; k++) {
			for (i = 0; i < 6; i++) {
				seed = seed * 1103515245 + 12345;
				len = (int)((seed >> 16) % 10);
				for (int m = 0; m < len; m++) {
					seed = seed * 1103515245 + 12345;
					cell[i][m] = (char)alpha[(seed >> 16) %
					    sizeof alpha];
				}
				cell[i][len] = '\0';
				row[i] = (seed & 0x100) ? NULL : cell[i];
			}
			assert_int_equal(psw_table_row(t, row), 0);
		}
		assert_int_equal(psw_table_end(t), 0);
		assert_int_equal(fflush(c.fp), 0);
		if (!json_valid(c.buf, c.len))
			fail_msg("invalid json: %s", c.buf);
		fclose(c.fp);
		free(c.buf);

		cap_open(&c);
		psw_json_init(&j, c.fp, round & 1);
		psw_json_obj(&j);
		for (i = 0; i < 6; i++) {
			psw_json_key(&j, cell[i]);
			psw_json_str(&j, cell[i]);
		}
		psw_json_obj_end(&j);
		assert_int_equal(psw_json_end(&j), 0);
		if (!json_valid(c.buf, c.len))
			fail_msg("invalid json: %s", c.buf);
		fclose(c.fp);
		free(c.buf);
	}
}

/* --- Formats and colour ---------------------------------------------- */

/* psw_format_parse refuses s with exactly msg. */
static void
refused(const char *s, unsigned allowed, const char *msg)
{
	enum psw_format f = PSW_FMT_TEXT;
	struct psw_err e;

	psw_err_clear(&e);
	assert_int_equal(psw_format_parse(s, allowed, &f, &e), -PSW_EUSAGE);
	assert_int_equal(e.code, PSW_EUSAGE);
	assert_string_equal(e.msg, msg);
}

static void
test_format_parse(void **state)
{
	static const struct {
		const char *s;
		enum psw_format f;
	} ok[] = {
		{ "text", PSW_FMT_TEXT }, { "tsv", PSW_FMT_TSV },
		{ "csv", PSW_FMT_CSV }, { "json", PSW_FMT_JSON },
		{ "md", PSW_FMT_MD }, { "html", PSW_FMT_HTML },
		{ "ics", PSW_FMT_ICS },
	};
	enum psw_format f;
	struct psw_err e;
	size_t i;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		f = PSW_FMT_TEXT;
		psw_err_clear(&e);
		assert_int_equal(psw_format_parse(ok[i].s,
		    PSW_FMT_BIT(ok[i].f), &f, &e), 0);
		assert_int_equal(f, ok[i].f);
		assert_string_equal(psw_format_name(ok[i].f), ok[i].s);
	}
	assert_int_equal(psw_format_parse("json", PSW_FMT_LISTING, &f, &e), 0);
	assert_int_equal(f, PSW_FMT_JSON);
	assert_int_equal(psw_format_parse("md", PSW_FMT_LISTING |
	    PSW_FMT_BIT(PSW_FMT_MD), &f, &e), 0);
	assert_int_equal(f, PSW_FMT_MD);

	refused("xml", PSW_FMT_LISTING,
	    "unknown format 'xml' (use text, tsv, csv or json)");
	refused("md", PSW_FMT_LISTING,
	    "unknown format 'md' (use text, tsv, csv or json)");
	refused("JSON", PSW_FMT_LISTING,
	    "unknown format 'JSON' (use text, tsv, csv or json)");
	refused("", PSW_FMT_LISTING,
	    "unknown format '' (use text, tsv, csv or json)");
	refused("csv", PSW_FMT_BIT(PSW_FMT_TEXT) | PSW_FMT_BIT(PSW_FMT_JSON),
	    "unknown format 'csv' (use text or json)");
	refused("csv", PSW_FMT_BIT(PSW_FMT_TEXT),
	    "unknown format 'csv' (use text)");
	refused("x", PSW_FMT_LISTING | PSW_FMT_BIT(PSW_FMT_ICS),
	    "unknown format 'x' (use text, tsv, csv, json or ics)");
	refused("x", 0x7f,
	    "unknown format 'x' (use text, tsv, csv, json, md, html or ics)");
}

/* Open the far side of a new pseudo-terminal as a stream, or NULL. */
static FILE *
open_tty(int *master)
{
	const char *name;
	int fd;

	if ((*master = posix_openpt(O_RDWR | O_NOCTTY)) < 0)
		return NULL;
	if (grantpt(*master) < 0 || unlockpt(*master) < 0 ||
	    (name = ptsname(*master)) == NULL ||
	    (fd = open(name, O_RDWR | O_NOCTTY)) < 0) {
		close(*master);
		return NULL;
	}
	return fdopen(fd, "w");
}

static void
test_color(void **state)
{
	struct psw_out o;
	struct cap c;
	FILE *tty;
	int master;

	setenv("TERM", "xterm", 1);
	unsetenv("NO_COLOR");
	cap_open(&c);
	psw_out_init(&o, c.fp, PSW_FMT_TEXT);
	assert_int_equal(o.color, 0);		/* not a terminal */
	assert_ptr_equal(o.fp, c.fp);
	assert_int_equal(o.fmt, PSW_FMT_TEXT);
	setenv("NO_COLOR", "1", 1);
	psw_out_init(&o, c.fp, PSW_FMT_TEXT);
	assert_int_equal(o.color, 0);
	cap_check(&c, "");

	if ((tty = open_tty(&master)) == NULL) {
		unsetenv("NO_COLOR");
		skip();
	}
	psw_out_init(&o, tty, PSW_FMT_TEXT);
	assert_int_equal(o.color, 0);		/* NO_COLOR=1 */
	setenv("NO_COLOR", "", 1);
	psw_out_init(&o, tty, PSW_FMT_TEXT);
	assert_int_equal(o.color, 1);		/* empty NO_COLOR */
	unsetenv("NO_COLOR");
	psw_out_init(&o, tty, PSW_FMT_TEXT);
	assert_int_equal(o.color, 1);
	psw_out_init(&o, tty, PSW_FMT_CSV);
	assert_int_equal(o.color, 0);		/* not text */
	setenv("TERM", "dumb", 1);
	psw_out_init(&o, tty, PSW_FMT_TEXT);
	assert_int_equal(o.color, 0);
	unsetenv("TERM");
	psw_out_init(&o, tty, PSW_FMT_TEXT);
	assert_int_equal(o.color, 1);
	fclose(tty);
	close(master);
}

/* --- The streaming JSON writer --------------------------------------- */

/* Write the same nested document through j. */
static void
json_doc(struct psw_json *j)
{
	psw_json_obj(j);
	psw_json_key(j, "a");
	psw_json_int(j, 1);
	psw_json_key(j, "b");
	psw_json_arr(j);
	psw_json_str(j, "x\"y");
	psw_json_num(j, 1.5);
	psw_json_obj(j);
	psw_json_obj_end(j);
	psw_json_arr(j);
	psw_json_arr_end(j);
	psw_json_bool(j, 1);
	psw_json_bool(j, 0);
	psw_json_null(j);
	psw_json_arr_end(j);
	psw_json_key(j, "c");
	psw_json_obj(j);
	psw_json_key(j, "d");
	psw_json_str(j, NULL);
	psw_json_key(j, "e");
	psw_json_arr(j);
	psw_json_int(j, -9223372036854775807LL - 1);
	psw_json_arr_end(j);
	psw_json_obj_end(j);
	psw_json_obj_end(j);
}

static void
test_json_writer(void **state)
{
	struct psw_json j;
	struct cap c;

	cap_open(&c);
	psw_json_init(&j, c.fp, 1);
	json_doc(&j);
	assert_int_equal(psw_json_end(&j), 0);
	cap_check(&c,
	    "{\n"
	    "  \"a\": 1,\n"
	    "  \"b\": [\n"
	    "    \"x\\\"y\",\n"
	    "    1.5,\n"
	    "    {},\n"
	    "    [],\n"
	    "    true,\n"
	    "    false,\n"
	    "    null\n"
	    "  ],\n"
	    "  \"c\": {\n"
	    "    \"d\": null,\n"
	    "    \"e\": [\n"
	    "      -9223372036854775808\n"
	    "    ]\n"
	    "  }\n"
	    "}\n");

	cap_open(&c);
	psw_json_init(&j, c.fp, 0);
	json_doc(&j);
	assert_int_equal(psw_json_end(&j), 0);
	cap_check(&c, "{\"a\":1,\"b\":[\"x\\\"y\",1.5,{},[],true,false,null],"
	    "\"c\":{\"d\":null,\"e\":[-9223372036854775808]}}\n");

	cap_open(&c);
	psw_json_init(&j, c.fp, 1);
	psw_json_arr(&j);
	psw_json_arr_end(&j);
	assert_int_equal(psw_json_end(&j), 0);
	cap_check(&c, "[]\n");
}

static void
test_json_writer_misuse(void **state)
{
	struct psw_json j;
	struct cap c;
	int i;

	/* Keys in arrays dropped, missing keys and values filled in. */
	cap_open(&c);
	psw_json_init(&j, c.fp, 0);
	psw_json_arr(&j);
	psw_json_key(&j, "k");
	psw_json_int(&j, 1);
	psw_json_obj(&j);
	psw_json_int(&j, 2);
	psw_json_key(&j, "a");
	psw_json_key(&j, "b");
	psw_json_int(&j, 3);
	psw_json_key(&j, "c");
	psw_json_arr_end(&j);		/* closes the object */
	psw_json_obj(&j);		/* left open */
	assert_int_equal(psw_json_end(&j), 0);
	cap_check(&c, "[1,{\"\":2,\"a\":null,\"b\":3,\"c\":null},{}]\n");

	/* Deeper than the writer tracks: null in place of the container. */
	cap_open(&c);
	psw_json_init(&j, c.fp, 0);
	for (i = 0; i < 70; i++)
		psw_json_arr(&j);
	psw_json_int(&j, 5);
	for (i = 0; i < 70; i++)
		psw_json_arr_end(&j);
	psw_json_arr_end(&j);		/* one too many: ignored */
	assert_int_equal(psw_json_end(&j), 0);
	fflush(c.fp);
	assert_int_equal(c.len, 63 + 4 + 63 + 1);
	assert_memory_equal(c.buf + 60, "[[[null]]]", 10);
	assert_true(json_valid(c.buf, c.len));
	fclose(c.fp);
	free(c.buf);
}

/* psw_json_num(v) writes exactly want. */
static void
num_is(double v, const char *want)
{
	struct psw_json j;
	struct cap c;
	char w[64];

	cap_open(&c);
	psw_json_init(&j, c.fp, 0);
	psw_json_num(&j, v);
	assert_int_equal(psw_json_end(&j), 0);
	snprintf(w, sizeof w, "%s\n", want);
	cap_check(&c, w);
}

static void
test_json_num(void **state)
{
	num_is(0, "0");
	num_is(-0.0, "-0");
	num_is(1.5, "1.5");
	num_is(100, "100");
	num_is(0.1, "0.1");
	num_is(1.0 / 3, "0.3333333333333333");
	num_is(0.1 + 0.2, "0.30000000000000004");
	num_is(2.0 / 3, "0.6666666666666666");
	num_is(1e300, "1e+300");
	num_is(-1.25e-7, "-1.25e-07");
	num_is(5e-324, "4.94065645841247e-324");
	num_is(1.7976931348623157e308, "1.7976931348623157e+308");
	num_is(123456789012, "123456789012");
	num_is(NAN, "null");
	num_is(INFINITY, "null");
	num_is(-INFINITY, "null");
}

/* --- Write errors ---------------------------------------------------- */

/* /dev/full as a stream, unbuffered when unbuf is set; skips without it. */
static FILE *
open_full(int unbuf)
{
	FILE *fp;

	if ((fp = fopen("/dev/full", "w")) == NULL)
		skip();
	if (unbuf)
		setvbuf(fp, NULL, _IONBF, 0);
	return fp;
}

static void
test_write_error(void **state)
{
	static const char *const row[] = { "a", "1", "b" };
	static const enum psw_format streamed[] = {
		PSW_FMT_TSV, PSW_FMT_CSV, PSW_FMT_JSON, PSW_FMT_MD,
		PSW_FMT_HTML,
	};
	struct psw_table *t;
	struct psw_json j;
	struct psw_out o;
	FILE *fp;
	size_t i;

	/* Streamed formats fail on the row itself... */
	for (i = 0; i < sizeof streamed / sizeof streamed[0]; i++) {
		fp = open_full(1);
		psw_out_init(&o, fp, streamed[i]);
		t = psw_table_new(&o, cols3, 3);
		assert_non_null(t);
		errno = 0;
		assert_int_equal(psw_table_row(t, row), -1);
		assert_int_equal(errno, ENOSPC);
		assert_int_equal(psw_table_row(t, row), -1);
		errno = 0;
		assert_int_equal(psw_table_end(t), -1);
		assert_int_equal(errno, ENOSPC);
		fclose(fp);
	}

	/* ...text when it prints, and a buffered stream when it flushes. */
	fp = open_full(1);
	psw_out_init(&o, fp, PSW_FMT_TEXT);
	t = psw_table_new(&o, cols3, 3);
	assert_int_equal(psw_table_row(t, row), 0);
	errno = 0;
	assert_int_equal(psw_table_end(t), -1);
	assert_int_equal(errno, ENOSPC);
	fclose(fp);

	fp = open_full(0);
	psw_out_init(&o, fp, PSW_FMT_CSV);
	t = psw_table_new(&o, cols3, 3);
	assert_int_equal(psw_table_row(t, row), 0);
	errno = 0;
	assert_int_equal(psw_table_end(t), -1);
	assert_int_equal(errno, ENOSPC);
	fclose(fp);

	/* An empty json listing still writes [] and so still fails. */
	fp = open_full(0);
	psw_out_init(&o, fp, PSW_FMT_JSON);
	t = psw_table_new(&o, cols3, 3);
	assert_int_equal(psw_table_end(t), -1);
	fclose(fp);

	/* The escapers and the JSON writer. */
	fp = open_full(1);
	assert_int_equal(psw_put_text(fp, "abc"), EOF);
	assert_int_equal(psw_put_tsv(fp, "a\tb"), EOF);
	assert_int_equal(psw_put_csv(fp, "a,b"), EOF);
	assert_int_equal(psw_put_json_str(fp, "a"), EOF);
	assert_int_equal(psw_put_html(fp, "<"), EOF);
	assert_int_equal(psw_put_md(fp, "*"), EOF);
	psw_json_init(&j, fp, 1);
	json_doc(&j);
	assert_int_equal(psw_json_end(&j), -1);
	fclose(fp);

	assert_int_equal(psw_table_end(NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_text),
		cmocka_unit_test(test_table_tsv),
		cmocka_unit_test(test_table_csv),
		cmocka_unit_test(test_table_json),
		cmocka_unit_test(test_table_text_two_pass),
		cmocka_unit_test(test_table_md_html),
		cmocka_unit_test(test_table_empty),
		cmocka_unit_test(test_table_one_json_row),
		cmocka_unit_test(test_text_wide_combining),
		cmocka_unit_test(test_text_right),
		cmocka_unit_test(test_text_bold),
		cmocka_unit_test(test_put_text),
		cmocka_unit_test(test_put_tsv_csv),
		cmocka_unit_test(test_put_html_md),
		cmocka_unit_test(test_json_str),
		cmocka_unit_test(test_json_types),
		cmocka_unit_test(test_json_validator),
		cmocka_unit_test(test_json_noise),
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_color),
		cmocka_unit_test(test_json_writer),
		cmocka_unit_test(test_json_writer_misuse),
		cmocka_unit_test(test_json_num),
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
