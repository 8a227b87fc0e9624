/*
 * output.c - tables and documents for people and scripts.
 *
 * All text is handled as bytes with our own UTF-8 decoding, so nothing
 * here depends on the locale.  Every write goes to the FILE of the caller;
 * escapers return 0 or EOF, tables return 0 or -1 with errno set.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "output.h"

#define JSON_DEPTH	((int)sizeof(((struct psw_json *)0)->first))
/* Bits of psw_json.first[]: no value written yet; the level is an array. */
#define JSON_FIRST	1
#define JSON_ARRAY	2

static const char *const fmt_names[] = {
	"text", "tsv", "csv", "json", "md", "html", "ics"
};
#define NFMT	(sizeof fmt_names / sizeof fmt_names[0])
#define TD_RIGHT	"<td style=\"text-align:right\">"

struct psw_table {
	struct psw_out *o;		/* borrowed */
	const struct psw_column *cols;	/* borrowed */
	size_t ncols;
	size_t nrows;
	char *text;		/* text: every cell of every row, each
				 * ending in NUL (NULL kept as "") */
	size_t len, size;	/* bytes of text used and allocated */
	size_t *rows;		/* text: the offset of each row in text */
	size_t cap;		/* rows the rows array holds */
	int started;		/* header or opening bracket written */
	int err;		/* errno of the first failure, 0 when none */
	char **head;		/* text: the header, upper case */
	size_t *w;		/* text: the column widths measured */
	int streaming;		/* text: widths known, rows written at once */
};

/* A closed range of code points. */
struct range {
	uint32_t lo, hi;
};

/* Combining marks and other characters a terminal draws in no column. */
static const struct range zero_width[] = {
	{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd },
	{ 0x05bf, 0x05bf }, { 0x05c1, 0x05c2 }, { 0x05c4, 0x05c5 },
	{ 0x05c7, 0x05c7 }, { 0x0610, 0x061a }, { 0x064b, 0x065f },
	{ 0x0670, 0x0670 }, { 0x06d6, 0x06dc }, { 0x06df, 0x06e4 },
	{ 0x06e7, 0x06e8 }, { 0x06ea, 0x06ed }, { 0x0711, 0x0711 },
	{ 0x0730, 0x074a }, { 0x07a6, 0x07b0 }, { 0x07eb, 0x07f3 },
	{ 0x0816, 0x0819 }, { 0x081b, 0x0823 }, { 0x0825, 0x0827 },
	{ 0x0829, 0x082d }, { 0x0859, 0x085b }, { 0x08d3, 0x08e1 },
	{ 0x08e3, 0x0902 }, { 0x093a, 0x093a }, { 0x093c, 0x093c },
	{ 0x0941, 0x0948 }, { 0x094d, 0x094d }, { 0x0951, 0x0957 },
	{ 0x0962, 0x0963 }, { 0x0981, 0x0981 }, { 0x09bc, 0x09bc },
	{ 0x09c1, 0x09c4 }, { 0x09cd, 0x09cd }, { 0x09e2, 0x09e3 },
	{ 0x0a01, 0x0a02 }, { 0x0a3c, 0x0a3c }, { 0x0a41, 0x0a42 },
	{ 0x0a47, 0x0a48 }, { 0x0a4b, 0x0a4d }, { 0x0a70, 0x0a71 },
	{ 0x0a81, 0x0a82 }, { 0x0abc, 0x0abc }, { 0x0ac1, 0x0ac5 },
	{ 0x0ac7, 0x0ac8 }, { 0x0acd, 0x0acd }, { 0x0b01, 0x0b01 },
	{ 0x0b3c, 0x0b3c }, { 0x0b3f, 0x0b3f }, { 0x0b41, 0x0b44 },
	{ 0x0b4d, 0x0b4d }, { 0x0bc0, 0x0bc0 }, { 0x0bcd, 0x0bcd },
	{ 0x0c3e, 0x0c40 }, { 0x0c46, 0x0c48 }, { 0x0c4a, 0x0c4d },
	{ 0x0cbc, 0x0cbc }, { 0x0ccc, 0x0ccd }, { 0x0d41, 0x0d44 },
	{ 0x0d4d, 0x0d4d }, { 0x0dca, 0x0dca }, { 0x0dd2, 0x0dd4 },
	{ 0x0dd6, 0x0dd6 }, { 0x0e31, 0x0e31 }, { 0x0e34, 0x0e3a },
	{ 0x0e47, 0x0e4e }, { 0x0eb1, 0x0eb1 }, { 0x0eb4, 0x0ebc },
	{ 0x0ec8, 0x0ecd }, { 0x0f18, 0x0f19 }, { 0x0f35, 0x0f35 },
	{ 0x0f37, 0x0f37 }, { 0x0f39, 0x0f39 }, { 0x0f71, 0x0f7e },
	{ 0x0f80, 0x0f84 }, { 0x0f86, 0x0f87 }, { 0x0f8d, 0x0fbc },
	{ 0x0fc6, 0x0fc6 }, { 0x102d, 0x1030 }, { 0x1032, 0x1037 },
	{ 0x1039, 0x103a }, { 0x103d, 0x103e }, { 0x1058, 0x1059 },
	{ 0x1160, 0x11ff }, { 0x135d, 0x135f }, { 0x1712, 0x1714 },
	{ 0x1732, 0x1734 }, { 0x1752, 0x1753 }, { 0x1772, 0x1773 },
	{ 0x17b4, 0x17b5 }, { 0x17b7, 0x17bd }, { 0x17c6, 0x17c6 },
	{ 0x17c9, 0x17d3 }, { 0x17dd, 0x17dd }, { 0x180b, 0x180d },
	{ 0x18a9, 0x18a9 }, { 0x1920, 0x1922 }, { 0x1927, 0x1928 },
	{ 0x1932, 0x1932 }, { 0x1939, 0x193b }, { 0x1a17, 0x1a18 },
	{ 0x1ab0, 0x1aff }, { 0x1b00, 0x1b03 }, { 0x1b34, 0x1b34 },
	{ 0x1b36, 0x1b3a }, { 0x1b3c, 0x1b3c }, { 0x1b42, 0x1b42 },
	{ 0x1b6b, 0x1b73 }, { 0x1dc0, 0x1dff }, { 0x200b, 0x200d },
	{ 0x2060, 0x2064 }, { 0x20d0, 0x20f0 }, { 0x2cef, 0x2cf1 },
	{ 0x2de0, 0x2dff }, { 0x302a, 0x302d }, { 0x3099, 0x309a },
	{ 0xa66f, 0xa672 }, { 0xa674, 0xa67d }, { 0xa69e, 0xa69f },
	{ 0xa6f0, 0xa6f1 }, { 0xa802, 0xa802 }, { 0xa806, 0xa806 },
	{ 0xa80b, 0xa80b }, { 0xa825, 0xa826 }, { 0xa8c4, 0xa8c5 },
	{ 0xa8e0, 0xa8f1 }, { 0xa926, 0xa92d }, { 0xa947, 0xa951 },
	{ 0xa980, 0xa982 }, { 0xa9b3, 0xa9b3 }, { 0xa9b6, 0xa9b9 },
	{ 0xa9bc, 0xa9bc }, { 0xaab0, 0xaab0 }, { 0xaab2, 0xaab4 },
	{ 0xaab7, 0xaab8 }, { 0xaabe, 0xaabf }, { 0xaac1, 0xaac1 },
	{ 0xabe5, 0xabe5 }, { 0xabe8, 0xabe8 }, { 0xabed, 0xabed },
	{ 0xfb1e, 0xfb1e }, { 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f },
	{ 0xfeff, 0xfeff }, { 0x1d167, 0x1d169 }, { 0x1d17b, 0x1d182 },
	{ 0x1d185, 0x1d18b }, { 0x1d1aa, 0x1d1ad }, { 0xe0001, 0xe0001 },
	{ 0xe0020, 0xe007f }, { 0xe0100, 0xe01ef },
};

/* East Asian Wide and Fullwidth characters, and wide emoji. */
static const struct range wide[] = {
	{ 0x1100, 0x115f }, { 0x2e80, 0xa4cf }, { 0xac00, 0xd7a3 },
	{ 0xf900, 0xfaff }, { 0xfe30, 0xfe4f }, { 0xff00, 0xff60 },
	{ 0xffe0, 0xffe6 }, { 0x1f300, 0x1f64f }, { 0x1f680, 0x1f6ff },
	{ 0x1f900, 0x1f9ff }, { 0x1fa70, 0x1faff }, { 0x20000, 0x3fffd },
};

/* Is c in one of the n sorted ranges r? */
static int
in_ranges(uint32_t c, const struct range *r, size_t n)
{
	size_t lo = 0, hi = n, mid;

	if (n == 0 || c < r[0].lo || c > r[n - 1].hi)
		return 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c > r[mid].hi)
			lo = mid + 1;
		else if (c < r[mid].lo)
			hi = mid;
		else
			return 1;
	}
	return 0;
}

/*
 * Decode one UTF-8 character at s into *cp.  Returns its length in bytes,
 * or 0 when s does not start a valid, shortest-form sequence of a scalar
 * value (the caller then takes one byte as invalid).
 */
static size_t
utf8_dec(const unsigned char *s, uint32_t *cp)
{
	uint32_t v, min;
	size_t n, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		v = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		v = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		v = s[0] & 0x07;
		min = 0x10000;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

/*
 * Write n bytes; 0 or EOF.  Output is written by one thread only, so
 * where the C library has it the stream is not locked for every cell
 * (a listing of a large caseload spent a tenth of its time locking).
 */
static int
put_n(FILE *fp, const void *p, size_t n)
{
	if (n == 0)
		return 0;
#if defined(__GLIBC__)
	return fwrite_unlocked(p, 1, n, fp) == n ? 0 : EOF;
#else
	return fwrite(p, 1, n, fp) == n ? 0 : EOF;
#endif
}

/* Write a string; 0 or EOF. */
static int
put_s(FILE *fp, const char *s)
{
	return put_n(fp, s, strlen(s));
}

/* Write n spaces; 0 or EOF. */
static int
put_spaces(FILE *fp, size_t n)
{
	static const char sp[] = "                                ";
	size_t k;

	while (n > 0) {
		k = n < sizeof sp - 1 ? n : sizeof sp - 1;
		if (put_n(fp, sp, k) == EOF)
			return EOF;
		n -= k;
	}
	return 0;
}

/* A --format value among the allowed formats; -PSW_EUSAGE otherwise. */
int
psw_format_parse(const char *s, unsigned allowed, enum psw_format *out,
    struct psw_err *e)
{
	char list[128];
	size_t i, n, k, len;

	for (i = 0; s != NULL && i < NFMT; i++)
		if ((allowed & PSW_FMT_BIT(i)) &&
		    strcmp(s, fmt_names[i]) == 0) {
			*out = (enum psw_format)i;
			return 0;
		}
	for (i = 0, n = 0; i < NFMT; i++)
		if (allowed & PSW_FMT_BIT(i))
			n++;
	list[0] = '\0';
	for (i = 0, k = 0; i < NFMT; i++) {
		if (!(allowed & PSW_FMT_BIT(i)))
			continue;
		len = strlen(list);
		snprintf(list + len, sizeof list - len, "%s%s",
		    k == 0 ? "" : k + 1 == n ? " or " : ", ", fmt_names[i]);
		k++;
	}
	return psw_error(e, PSW_EUSAGE, "unknown format '%s' (use %s)",
	    s != NULL ? s : "", list);
}

/* The --format name of f, "?" for a value out of range. */
const char *
psw_format_name(enum psw_format f)
{
	if ((unsigned)f >= NFMT)
		return "?";
	return fmt_names[f];
}

/* Set up o; colour only for text on a terminal that wants it. */
void
psw_out_init(struct psw_out *o, FILE *fp, enum psw_format fmt)
{
	const char *nc, *term;

	o->fp = fp;
	o->fmt = fmt;
	o->color = 0;
	if (fmt != PSW_FMT_TEXT || fp == NULL)
		return;
	nc = getenv("NO_COLOR");
	term = getenv("TERM");
	if (nc != NULL && nc[0] != '\0')
		return;
	if (term != NULL && strcmp(term, "dumb") == 0)
		return;
	o->color = isatty(fileno(fp)) == 1;
}

/* --- Text for a terminal --------------------------------------------- */

/* How psw_put_text() shows one character: raw or as an escape. */
struct unit {
	size_t len;		/* input bytes taken */
	size_t width;		/* columns on the terminal */
	char esc[12];		/* escape to write instead, "" when raw */
};

/* Is c a bidirectional formatting character (Bidi_Control)? */
static int
is_bidi(uint32_t c)
{
	return c == 0x061c || c == 0x200e || c == 0x200f ||
	    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* Columns a printable character takes. */
static size_t
cp_width(uint32_t c)
{
	if (in_ranges(c, zero_width, sizeof zero_width / sizeof zero_width[0]))
		return 0;
	if (in_ranges(c, wide, sizeof wide / sizeof wide[0]))
		return 2;
	return 1;
}

/* Classify the character at s (not at its end) for psw_put_text(). */
static void
text_unit(const unsigned char *s, struct unit *u)
{
	uint32_t c;
	size_t n;

	u->esc[0] = '\0';
	n = utf8_dec(s, &c);
	if (n == 0) {
		u->len = 1;
		snprintf(u->esc, sizeof u->esc, "\\x%02x", s[0]);
	} else {
		u->len = n;
		if (c == '\n')
			strcpy(u->esc, "\\n");
		else if (c == '\t')
			strcpy(u->esc, "\\t");
		else if (c == '\r')
			strcpy(u->esc, "\\r");
		else if (c < 0x20 || c == 0x7f)
			snprintf(u->esc, sizeof u->esc, "\\x%02x",
			    (unsigned)c);
		else if ((c >= 0x80 && c <= 0x9f) || is_bidi(c) ||
		    c == 0x2028 || c == 0x2029)
			snprintf(u->esc, sizeof u->esc, "\\u%04x",
			    (unsigned)c);
	}
	u->width = u->esc[0] != '\0' ? strlen(u->esc) : cp_width(c);
}

/*
 * Write s for a terminal, with control and bidi characters escaped, and
 * add the columns it took to *width; 0 or EOF.  With fp NULL, only
 * measure: what is measured and what is written cannot differ.
 */
static int
put_text_width(FILE *fp, const char *s, size_t *width)
{
	const unsigned char *p, *run;
	struct unit u;
	size_t w = 0;

	if (s == NULL)
		return 0;
	p = run = (const unsigned char *)s;
	while (*p != '\0') {
		if (*p >= 0x20 && *p < 0x7f) {	/* most text: no decoding */
			p++;
			w++;
			continue;
		}
		text_unit(p, &u);
		w += u.width;
		if (u.esc[0] != '\0' && fp != NULL) {
			if (put_n(fp, run, (size_t)(p - run)) == EOF ||
			    put_s(fp, u.esc) == EOF)
				return EOF;
			run = p + u.len;
		}
		p += u.len;
	}
	*width += w;
	return fp != NULL ? put_n(fp, run, (size_t)(p - run)) : 0;
}

/* Write s for a terminal, with control and bidi characters escaped. */
int
psw_put_text(FILE *fp, const char *s)
{
	size_t w = 0;

	return put_text_width(fp, s, &w);
}

/* Columns psw_put_text() takes to show s. */
size_t
psw_text_width(const char *s)
{
	size_t w = 0;

	put_text_width(NULL, s, &w);
	return w;
}

/* --- Escapers for the script formats ---------------------------------- */

/* Is fp a terminal?  Asked once per stream, not once per cell. */
static int
on_tty(FILE *fp)
{
	static FILE *last;
	static int tty;

	if (fp != last) {
		last = fp;
		tty = isatty(fileno(fp)) == 1;
	}
	return tty;
}

/*
 * On a terminal, a copy of s with the characters psw_put_text() escapes
 * (but those in keep, which the format itself handles) replaced by its
 * escapes, so a script format shown on a terminal never drives it; NULL
 * when s can be written as it is (or not on a terminal, or no memory).
 * A pipe or a file gets the bytes unchanged: the formats are contracts.
 */
static char *
tty_safe(FILE *fp, const char *s, const char *keep)
{
	const unsigned char *p;
	struct psw_buf b = PSW_BUF_INIT;
	struct unit u;
	int any = 0;

	if (s == NULL || !on_tty(fp))
		return NULL;
	for (p = (const unsigned char *)s; *p != '\0'; p += u.len) {
		text_unit(p, &u);
		if (u.esc[0] != '\0' && (*p == '\0' ||
		    strchr(keep, *p) == NULL)) {
			any = 1;
			psw_buf_adds(&b, u.esc);
		} else
			psw_buf_add(&b, p, u.len);
	}
	if (!any || b.oom) {
		psw_buf_release(&b);
		return NULL;
	}
	return psw_buf_detach(&b);
}

static int put_tsv_raw(FILE *, const char *);
static int put_csv_raw(FILE *, const char *);
static int put_md_raw(FILE *, const char *);

int
psw_put_tsv(FILE *fp, const char *s)
{
	char *safe = tty_safe(fp, s, "\t\n\r");
	int rc = put_tsv_raw(fp, safe != NULL ? safe : s);

	free(safe);
	return rc;
}

int
psw_put_csv(FILE *fp, const char *s)
{
	char *safe = tty_safe(fp, s, "\t\n");	/* csv would leave a CR raw */
	int rc = put_csv_raw(fp, safe != NULL ? safe : s);

	free(safe);
	return rc;
}

int
psw_put_md(FILE *fp, const char *s)
{
	char *safe = tty_safe(fp, s, "\t\n\r");
	int rc = put_md_raw(fp, safe != NULL ? safe : s);

	free(safe);
	return rc;
}

/* Write s as a tsv value: tab, newline, CR and backslash escaped. */
static int
put_tsv_raw(FILE *fp, const char *s)
{
	const char *p, *run, *esc;

	if (s == NULL)
		return 0;
	for (p = run = s; *p != '\0'; p++) {
		switch (*p) {
		case '\t':
			esc = "\\t";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\\':
			esc = "\\\\";
			break;
		default:
			continue;
		}
		if (put_n(fp, run, (size_t)(p - run)) == EOF ||
		    put_s(fp, esc) == EOF)
			return EOF;
		run = p + 1;
	}
	return put_n(fp, run, (size_t)(p - run));
}

/* Write s as an RFC 4180 field, quoted only when it must be. */
static int
put_csv_raw(FILE *fp, const char *s)
{
	const char *p, *run;
	size_t len;

	if (s == NULL)
		return 0;
	len = strlen(s);
	if (strpbrk(s, ",\"\r\n") == NULL &&
	    (len == 0 || (s[0] != ' ' && s[len - 1] != ' ')))
		return put_n(fp, s, len);
	if (putc('"', fp) == EOF)
		return EOF;
	for (p = run = s; *p != '\0'; p++) {
		if (*p != '"')
			continue;
		/* Write through the quote, then it once more. */
		if (put_n(fp, run, (size_t)(p - run) + 1) == EOF)
			return EOF;
		run = p;
	}
	if (put_n(fp, run, (size_t)(p - run)) == EOF || putc('"', fp) == EOF)
		return EOF;
	return 0;
}

/*
 * Write s as a JSON string with its quotes (null for NULL); invalid
 * UTF-8 bytes become U+FFFD.
 */
int
psw_put_json_str(FILE *fp, const char *s)
{
	const unsigned char *p, *run;
	char esc[8];
	uint32_t c;
	size_t n;

	if (s == NULL)
		return put_s(fp, "null");
	if (putc('"', fp) == EOF)
		return EOF;
	p = run = (const unsigned char *)s;
	while (*p != '\0') {
		n = 1;
		if (*p >= 0x80) {
			if ((n = utf8_dec(p, &c)) != 0) {
				/* C1 controls and bidirectional overrides
				 * escaped too: safe on a terminal. */
				if ((c >= 0x80 && c <= 0x9f) || is_bidi(c) ||
				    c == 0x2028 || c == 0x2029)
					snprintf(esc, sizeof esc, "\\u%04x",
					    (unsigned)c);
				else {
					p += n;
					continue;
				}
			} else {
				n = 1;
				strcpy(esc, "\xef\xbf\xbd");
			}
		} else if (*p == '"')
			strcpy(esc, "\\\"");
		else if (*p == '\\')
			strcpy(esc, "\\\\");
		else if (*p == '\n')
			strcpy(esc, "\\n");
		else if (*p == '\t')
			strcpy(esc, "\\t");
		else if (*p == '\r')
			strcpy(esc, "\\r");
		else if (*p == '\b')
			strcpy(esc, "\\b");
		else if (*p == '\f')
			strcpy(esc, "\\f");
		else if (*p < 0x20 || *p == 0x7f)
			snprintf(esc, sizeof esc, "\\u%04x", *p);
		else {
			p++;
			continue;
		}
		if (put_n(fp, run, (size_t)(p - run)) == EOF ||
		    put_s(fp, esc) == EOF)
			return EOF;
		p += n;
		run = p;
	}
	if (put_n(fp, run, (size_t)(p - run)) == EOF || putc('"', fp) == EOF)
		return EOF;
	return 0;
}

/* Write s as HTML text or attribute value. */
int
psw_put_html(FILE *fp, const char *s)
{
	const unsigned char *p, *run;
	const char *esc;
	struct unit u;

	if (s == NULL)
		return 0;
	for (p = run = (const unsigned char *)s; *p != '\0'; p += u.len) {
		u.len = 1;
		switch (*p) {
		case '&':
			esc = "&amp;";
			break;
		case '<':
			esc = "&lt;";
			break;
		case '>':
			esc = "&gt;";
			break;
		case '"':
			esc = "&quot;";
			break;
		case '\'':
			esc = "&#39;";
			break;
		case '\t':
		case '\n':
		case '\r':
			continue;
		default:
			/*
			 * A page is read, not parsed: control and bidi
			 * characters (which would reorder what a reader
			 * sees) and bytes that are not UTF-8 are shown as
			 * their escapes, wherever the page goes.
			 */
			if (*p >= 0x20 && *p < 0x7f)
				continue;
			text_unit(p, &u);
			if (u.esc[0] == '\0')
				continue;
			esc = u.esc;
			break;
		}
		if (put_n(fp, (const char *)run, (size_t)(p - run)) == EOF ||
		    put_s(fp, esc) == EOF)
			return EOF;
		run = p + u.len;
	}
	return put_n(fp, (const char *)run, (size_t)(p - run));
}

/* Write s as Markdown inline text; newlines become <br>. */
static int
put_md_raw(FILE *fp, const char *s)
{
	const char *p, *run;

	if (s == NULL)
		return 0;
	for (p = run = s; *p != '\0'; p++) {
		if (strchr("\\`*_[]<>|#", *p) == NULL && *p != '\n' &&
		    *p != '\r')
			continue;
		if (put_n(fp, run, (size_t)(p - run)) == EOF)
			return EOF;
		run = p + 1;
		if (*p == '\r' && p[1] == '\n')
			continue;	/* the \n writes the break */
		if (*p == '\n' || *p == '\r') {
			if (put_s(fp, "<br>") == EOF)
				return EOF;
		} else if (putc('\\', fp) == EOF || putc(*p, fp) == EOF)
			return EOF;
	}
	return put_n(fp, run, (size_t)(p - run));
}

/* --- JSON values of table cells --------------------------------------- */

/* Does s follow the JSON number grammar exactly? */
static int
json_number_ok(const char *s)
{
	const char *p = s;

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
	return *p == '\0';
}

/* Does s equal the lower-case word w, ignoring ASCII case? */
static int
word_eq(const char *s, const char *w)
{
	char c;

	for (; *s != '\0' && *w != '\0'; s++, w++) {
		c = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
		if (c != *w)
			return 0;
	}
	return *s == *w;
}

/* A boolean cell: 1 true, 0 false, -1 neither. */
static int
bool_cell(const char *s)
{
	if (word_eq(s, "1") || word_eq(s, "true") || word_eq(s, "yes"))
		return 1;
	if (*s == '\0' || word_eq(s, "0") || word_eq(s, "false") ||
	    word_eq(s, "no"))
		return 0;
	return -1;
}

/* Write one cell as a JSON value of the column's type; 0 or EOF. */
static int
json_cell(FILE *fp, const struct psw_column *col, const char *s)
{
	int b;

	if (s == NULL)
		return put_s(fp, "null");
	switch (col->type) {
	case PSW_COL_INT:
	case PSW_COL_NUM:
		if (json_number_ok(s))
			return put_s(fp, s);
		break;
	case PSW_COL_BOOL:
		if ((b = bool_cell(s)) >= 0)
			return put_s(fp, b ? "true" : "false");
		break;
	default:
		break;
	}
	return psw_put_json_str(fp, s);
}

/* --- Tables ----------------------------------------------------------- */

/* Is the table kept until the end and printed as aligned text? */
static int
is_text(const struct psw_table *t)
{
	return t->o->fmt == PSW_FMT_TEXT || t->o->fmt == PSW_FMT_ICS ||
	    (unsigned)t->o->fmt >= NFMT;
}

/* A new table on o; NULL on OOM or bad arguments (errno set). */
struct psw_table *
psw_table_new(struct psw_out *o, const struct psw_column *cols,
    size_t ncols)
{
	struct psw_table *t;

	if (o == NULL || o->fp == NULL || (cols == NULL && ncols > 0)) {
		errno = EINVAL;
		return NULL;
	}
	if ((t = calloc(1, sizeof *t)) == NULL)
		return NULL;
	t->o = o;
	t->cols = cols;
	t->ncols = ncols;
	return t;
}

static int out_oom;
static int text_line(struct psw_table *, char *const *, const size_t *, int);

int
psw_out_oom(void)
{
	return out_oom;
}

void
psw_out_lost(void)
{
	out_oom = 1;
}

/* Remember the first failure's errno; returns -1. */
static int
table_fail(struct psw_table *t)
{
	if (errno == 0)
		errno = EIO;
	if (errno == ENOMEM)
		out_oom = 1;
	if (t->err == 0)
		t->err = errno;
	return -1;
}

static int text_widths(struct psw_table *);
static void text_measure(struct psw_table *, const char *const *);

/*
 * Keep a copy of a text row, packed into one buffer for all the rows
 * (a row costs the bytes of its cells and one offset); 0 or -1 on OOM.
 */
static int
text_keep(struct psw_table *t, const char *const *cells)
{
	size_t cap, i, need = 0, n;
	size_t *v;
	char *p;

	if (t->ncols == 0) {
		t->nrows++;
		return 0;
	}
	if (t->nrows == t->cap) {
		cap = t->cap ? t->cap * 2 : 16;
		if (cap < t->cap || cap > SIZE_MAX / sizeof *v) {
			errno = ENOMEM;
			return -1;
		}
		if ((v = realloc(t->rows, cap * sizeof *v)) == NULL)
			return -1;
		t->rows = v;
		t->cap = cap;
	}
	/* Widths are taken as rows come: printing needs no second look. */
	if (text_widths(t) < 0)
		return -1;
	text_measure(t, cells);
	for (i = 0; i < t->ncols; i++) {
		n = cells[i] != NULL ? strlen(cells[i]) + 1 : 1;
		if (need > SIZE_MAX - n) {
			errno = ENOMEM;
			return -1;
		}
		need += n;
	}
	if (need > SIZE_MAX - t->len) {
		errno = ENOMEM;
		return -1;
	}
	if (t->len + need > t->size) {
		cap = t->size ? t->size : 4096;
		while (cap < t->len + need) {
			if (cap > SIZE_MAX / 2) {
				errno = ENOMEM;
				return -1;
			}
			cap *= 2;
		}
		if ((p = realloc(t->text, cap)) == NULL)
			return -1;
		t->text = p;
		t->size = cap;
	}
	t->rows[t->nrows] = t->len;
	p = t->text + t->len;
	for (i = 0; i < t->ncols; i++) {
		if (cells[i] != NULL)
			p = stpcpy(p, cells[i]) + 1;
		else
			*p++ = '\0';
	}
	t->len += need;
	t->nrows++;
	return 0;
}

/* Point cells at the ncols cells of kept row r. */
static void
text_cells(const struct psw_table *t, size_t r, char **cells)
{
	char *p = t->text + t->rows[r];
	size_t i;

	for (i = 0; i < t->ncols; i++) {
		cells[i] = p;
		p += strlen(p) + 1;
	}
}

/* Write the header row of a streamed format, before the first row. */
static int
stream_start(struct psw_table *t)
{
	FILE *fp = t->o->fp;
	size_t i;

	t->started = 1;
	switch (t->o->fmt) {
	case PSW_FMT_CSV:
		for (i = 0; i < t->ncols; i++)
			if ((i > 0 && putc(',', fp) == EOF) ||
			    psw_put_csv(fp, t->cols[i].name) == EOF)
				return EOF;
		return put_s(fp, "\r\n");
	case PSW_FMT_JSON:
		return put_s(fp, "[\n");
	case PSW_FMT_MD:
		if (put_s(fp, "|") == EOF)
			return EOF;
		for (i = 0; i < t->ncols; i++)
			if (putc(' ', fp) == EOF ||
			    psw_put_md(fp, t->cols[i].name) == EOF ||
			    put_s(fp, " |") == EOF)
				return EOF;
		if (put_s(fp, "\n|") == EOF)
			return EOF;
		for (i = 0; i < t->ncols; i++)
			if (put_s(fp, t->cols[i].flags & PSW_COL_RIGHT ?
			    " ---: |" : " --- |") == EOF)
				return EOF;
		return put_s(fp, "\n");
	case PSW_FMT_HTML:
		if (put_s(fp, "<table>\n<thead>\n<tr>") == EOF)
			return EOF;
		for (i = 0; i < t->ncols; i++)
			if (put_s(fp, "<th>") == EOF ||
			    psw_put_html(fp, t->cols[i].name) == EOF ||
			    put_s(fp, "</th>") == EOF)
				return EOF;
		return put_s(fp, "</tr>\n</thead>\n<tbody>\n");
	default:
		return 0;
	}
}

/* Write one row of a streamed format; 0 or EOF. */
static int
stream_row(struct psw_table *t, const char *const *cells)
{
	FILE *fp = t->o->fp;
	size_t i;

	switch (t->o->fmt) {
	case PSW_FMT_TSV:
		for (i = 0; i < t->ncols; i++)
			if ((i > 0 && putc('\t', fp) == EOF) ||
			    psw_put_tsv(fp, cells[i]) == EOF)
				return EOF;
		return put_s(fp, "\n");
	case PSW_FMT_CSV:
		for (i = 0; i < t->ncols; i++)
			if ((i > 0 && putc(',', fp) == EOF) ||
			    psw_put_csv(fp, cells[i]) == EOF)
				return EOF;
		return put_s(fp, "\r\n");
	case PSW_FMT_JSON:
		if (t->nrows > 0 && put_s(fp, ",\n") == EOF)
			return EOF;
		if (putc('{', fp) == EOF)
			return EOF;
		for (i = 0; i < t->ncols; i++)
			if ((i > 0 && putc(',', fp) == EOF) ||
			    psw_put_json_str(fp, t->cols[i].name ?
			    t->cols[i].name : "") == EOF ||
			    putc(':', fp) == EOF ||
			    json_cell(fp, &t->cols[i], cells[i]) == EOF)
				return EOF;
		return put_s(fp, "}");
	case PSW_FMT_MD:
		if (put_s(fp, "|") == EOF)
			return EOF;
		for (i = 0; i < t->ncols; i++)
			if (putc(' ', fp) == EOF ||
			    psw_put_md(fp, cells[i]) == EOF ||
			    put_s(fp, " |") == EOF)
				return EOF;
		return put_s(fp, "\n");
	case PSW_FMT_HTML:
		if (put_s(fp, "<tr>") == EOF)
			return EOF;
		for (i = 0; i < t->ncols; i++)
			if (put_s(fp, t->cols[i].flags & PSW_COL_RIGHT ?
			    TD_RIGHT : "<td>") == EOF ||
			    psw_put_html(fp, cells[i]) == EOF ||
			    put_s(fp, "</td>") == EOF)
				return EOF;
		return put_s(fp, "</tr>\n");
	default:
		return 0;
	}
}

/* Add one row: kept for text, written at once otherwise. */
int
psw_table_row(struct psw_table *t, const char *const *cells)
{
	if (t == NULL || (cells == NULL && t->ncols > 0)) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	if (is_text(t) && t->streaming) {
		/* Widths known: each row goes out at once (header first). */
		if (!t->started) {
			t->started = 1;
			if (text_line(t, t->head, t->w, t->o->color) == EOF)
				return table_fail(t);
		}
		if (text_line(t, (char *const *)cells, t->w, 0) == EOF)
			return table_fail(t);
		t->nrows++;
		return 0;
	}
	if (is_text(t))
		return text_keep(t, cells) == 0 ? 0 : table_fail(t);
	if (!t->started && stream_start(t) == EOF)
		return table_fail(t);
	if (stream_row(t, cells) == EOF)
		return table_fail(t);
	t->nrows++;
	return 0;
}

/* Rows added so far. */
size_t
psw_table_rows(const struct psw_table *t)
{
	return t != NULL ? t->nrows : 0;
}

/*
 * Write one aligned text line.  Padding is held back until something
 * follows it, so that no line ends in spaces.
 */
static int
text_line(struct psw_table *t, char *const *cells, const size_t *w,
    int bold)
{
	FILE *fp = t->o->fp;
	size_t i, cw, pend = 0;
	const char *s;
	int right;

	if (bold && put_s(fp, "\033[1m") == EOF)
		return EOF;
	for (i = 0; i < t->ncols; i++) {
		s = cells[i] != NULL ? cells[i] : "";
		right = t->cols[i].flags & PSW_COL_RIGHT;
		cw = 0;
		if (i > 0)
			pend += 2;
		/* Left-aligned cells are measured as they are written. */
		if (right)
			pend += w[i] - psw_text_width(s);
		if (*s != '\0') {
			if (put_spaces(fp, pend) == EOF ||
			    put_text_width(fp, s, &cw) == EOF)
				return EOF;
			pend = 0;
		}
		if (!right)
			pend += w[i] - cw;
	}
	if (bold && put_s(fp, "\033[0m") == EOF)
		return EOF;
	return put_s(fp, "\n");
}

/* Make the header and the widths it needs, once; 0 or -1 on OOM. */
static int
text_widths(struct psw_table *t)
{
	size_t i;
	char *p;

	/* Called for every kept row: after a failure (no memory) the
	 * next call goes on where this one stopped, leaking nothing. */
	if (t->w != NULL || t->ncols == 0)
		return 0;
	if (t->head == NULL &&
	    (t->head = calloc(t->ncols, sizeof *t->head)) == NULL)
		return -1;
	for (i = 0; i < t->ncols; i++) {
		if (t->head[i] != NULL)
			continue;
		t->head[i] = strdup(t->cols[i].name ? t->cols[i].name : "");
		if (t->head[i] == NULL)
			return -1;
		for (p = t->head[i]; *p != '\0'; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
	}
	if ((t->w = calloc(t->ncols, sizeof *t->w)) == NULL)
		return -1;
	for (i = 0; i < t->ncols; i++)
		t->w[i] = psw_text_width(t->head[i]);
	return 0;
}

/* Widen the columns for one row's cells. */
static void
text_measure(struct psw_table *t, const char *const *cells)
{
	size_t i, cw;

	for (i = 0; i < t->ncols; i++)
		if ((cw = psw_text_width(cells[i])) > t->w[i])
			t->w[i] = cw;
}

/* Print the kept rows as an aligned table with a header; 0 or EOF. */
static int
text_print(struct psw_table *t)
{
	char **cells = NULL;
	size_t r;
	int rc = EOF;

	if (t->nrows == 0 || t->streaming)
		return 0;
	/* The widths were taken as the rows were kept. */
	if (text_widths(t) < 0 || (t->ncols > 0 &&
	    (cells = calloc(t->ncols, sizeof *cells)) == NULL))
		goto out;
	if (text_line(t, t->head, t->w, t->o->color) == EOF)
		goto out;
	for (r = 0; r < t->nrows; r++) {
		if (t->ncols > 0)
			text_cells(t, r, cells);
		if (text_line(t, cells, t->w, 0) == EOF)
			goto out;
	}
	rc = 0;
out:
	free(cells);
	return rc;
}

size_t
psw_table_kept(const struct psw_table *t)
{
	return t != NULL && is_text(t) && !t->streaming ? t->len +
	    t->nrows * sizeof *t->rows : 0;
}

size_t
psw_out_keep_bytes(void)
{
	const char *v = getenv("PSW_TEXT_KEEP");
	unsigned long long n;
	char *end;

	if (v != NULL && *v >= '0' && *v <= '9') {
		errno = 0;
		n = strtoull(v, &end, 10);
		if (errno == 0 && *end == '\0' && n <= SIZE_MAX)
			return (size_t)n;
	}
	return (size_t)8 << 20;
}

int
psw_table_measure(struct psw_table *t, const char *const *cells)
{
	if (t == NULL || (cells == NULL && t->ncols > 0)) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	if (!is_text(t) || t->ncols == 0)
		return 0;
	if (text_widths(t) < 0)
		return table_fail(t);
	text_measure(t, cells);
	return 0;
}

int
psw_table_stream_text(struct psw_table *t)
{
	if (t == NULL || !is_text(t) || t->streaming)
		return 0;
	errno = 0;
	/* The kept rows were measured as they came. */
	if (text_widths(t) < 0)
		return table_fail(t);
	free(t->text);
	free(t->rows);
	t->text = NULL;
	t->rows = NULL;
	t->len = t->size = t->cap = t->nrows = 0;
	t->streaming = 1;
	return 0;
}

/* Write what a streamed format needs after its last row; 0 or EOF. */
static int
stream_end(struct psw_table *t)
{
	FILE *fp = t->o->fp;

	switch (t->o->fmt) {
	case PSW_FMT_CSV:
		if (!t->started)
			return stream_start(t);
		return 0;
	case PSW_FMT_JSON:
		return put_s(fp, t->nrows == 0 ? "[]\n" : "\n]\n");
	case PSW_FMT_HTML:
		if (t->nrows == 0)
			return 0;
		return put_s(fp, "</tbody>\n</table>\n");
	default:
		return 0;
	}
}

/* Finish and free the table; 0, or -1 with errno set. */
int
psw_table_end(struct psw_table *t)
{
	size_t i;
	int rc = 0;

	if (t == NULL)
		return 0;
	errno = 0;
	if (t->err == 0) {
		if ((is_text(t) ? text_print(t) : stream_end(t)) == EOF)
			table_fail(t);
		else if (fflush(t->o->fp) == EOF)
			table_fail(t);
		else if (ferror(t->o->fp)) {
			errno = EIO;
			table_fail(t);
		}
	}
	if (t->err != 0)
		rc = -1;
	free(t->text);
	free(t->rows);
	if (t->head != NULL)
		for (i = 0; i < t->ncols; i++)
			free(t->head[i]);
	free(t->head);
	free(t->w);
	if (rc == -1)
		errno = t->err;
	free(t);
	return rc;
}

void
psw_table_discard(struct psw_table *t)
{
	if (t == NULL)
		return;
	free(t->text);
	free(t->rows);
	free(t);
}

/* --- Streaming JSON --------------------------------------------------- */

/* Start a JSON document on fp, pretty-printed when pretty is set. */
void
psw_json_init(struct psw_json *j, FILE *fp, int pretty)
{
	memset(j, 0, sizeof *j);
	j->fp = fp;
	j->pretty = pretty != 0;
	j->first[0] = JSON_FIRST;
}

/* Newline and two spaces a level, in pretty mode. */
static void
json_indent(struct psw_json *j, int depth)
{
	if (!j->pretty)
		return;
	putc('\n', j->fp);
	put_spaces(j->fp, (size_t)depth * 2);
}

/*
 * Get ready to write a value: the comma and indent it needs, or nothing
 * after a key.  A value in an object that lacks its key gets "" as key.
 */
static void
json_value(struct psw_json *j)
{
	unsigned char *f = &j->first[j->depth];

	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth == 0) {
		if (!(*f & JSON_FIRST))
			putc('\n', j->fp);
		*f &= ~JSON_FIRST;
		return;
	}
	if (!(*f & JSON_FIRST))
		putc(',', j->fp);
	*f &= ~JSON_FIRST;
	json_indent(j, j->depth);
	if (!(*f & JSON_ARRAY))
		put_s(j->fp, j->pretty ? "\"\": " : "\"\":");
}

/*
 * Open an object or array.  Containers nested deeper than first[] can
 * track are written as null and what they hold is dropped, so the
 * document stays valid.
 */
static void
json_open(struct psw_json *j, int c)
{
	if (j->depth >= JSON_DEPTH - 1) {
		if (j->depth == JSON_DEPTH - 1) {
			json_value(j);
			put_s(j->fp, "null");
		}
		j->depth++;
		return;
	}
	json_value(j);
	putc(c, j->fp);
	j->depth++;
	j->first[j->depth] = JSON_FIRST | (c == '[' ? JSON_ARRAY : 0);
}

/* Close the innermost container, whichever kind it is. */
static void
json_close(struct psw_json *j)
{
	unsigned char f;

	if (j->depth == 0)
		return;
	if (j->depth >= JSON_DEPTH) {
		j->depth--;
		return;
	}
	if (j->after_key) {
		j->after_key = 0;
		put_s(j->fp, "null");
	}
	f = j->first[j->depth];
	if (!(f & JSON_FIRST))
		json_indent(j, j->depth - 1);
	putc(f & JSON_ARRAY ? ']' : '}', j->fp);
	j->depth--;
}

/* Open an object. */
void
psw_json_obj(struct psw_json *j)
{
	json_open(j, '{');
}

/* Close the innermost object. */
void
psw_json_obj_end(struct psw_json *j)
{
	json_close(j);
}

/* Open an array. */
void
psw_json_arr(struct psw_json *j)
{
	json_open(j, '[');
}

/* Close the innermost array. */
void
psw_json_arr_end(struct psw_json *j)
{
	json_close(j);
}

/* The key of the next value in an object; ignored inside an array. */
void
psw_json_key(struct psw_json *j, const char *key)
{
	unsigned char *f;

	if (j->depth == 0 || j->depth >= JSON_DEPTH)
		return;
	f = &j->first[j->depth];
	if (*f & JSON_ARRAY)
		return;		/* a key has no place in an array */
	if (j->after_key) {
		j->after_key = 0;
		put_s(j->fp, "null");
	}
	if (!(*f & JSON_FIRST))
		putc(',', j->fp);
	*f &= ~JSON_FIRST;
	json_indent(j, j->depth);
	psw_put_json_str(j->fp, key != NULL ? key : "");
	put_s(j->fp, j->pretty ? ": " : ":");
	j->after_key = 1;
}

/* A string value; null for NULL. */
void
psw_json_str(struct psw_json *j, const char *s)
{
	if (j->depth >= JSON_DEPTH)
		return;
	json_value(j);
	psw_put_json_str(j->fp, s);
}

/* An integer value. */
void
psw_json_int(struct psw_json *j, long long v)
{
	if (j->depth >= JSON_DEPTH)
		return;
	json_value(j);
	fprintf(j->fp, "%lld", v);
}

/*
 * Copy a number printed by printf into out with '.' as its decimal
 * point, whatever the locale put there.
 */
static void
c_number(const char *in, char *out, size_t size)
{
	size_t n = 0;
	int dot = 0;

	for (; *in != '\0' && n + 1 < size; in++) {
		if ((*in >= '0' && *in <= '9') || *in == '-' || *in == '+' ||
		    *in == 'e') {
			out[n++] = *in;
			dot = 0;
		} else if (!dot) {
			out[n++] = '.';
			dot = 1;
		}
	}
	out[n] = '\0';
}

/* A number in the shortest form that reads back exactly; NaN, inf: null. */
void
psw_json_num(struct psw_json *j, double v)
{
	char buf[64], out[64];
	int prec;

	if (j->depth >= JSON_DEPTH)
		return;
	json_value(j);
	if (isnan(v) || isinf(v)) {
		put_s(j->fp, "null");
		return;
	}
	for (prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	c_number(buf, out, sizeof out);
	put_s(j->fp, out);
}

/* true or false. */
void
psw_json_bool(struct psw_json *j, int v)
{
	if (j->depth >= JSON_DEPTH)
		return;
	json_value(j);
	put_s(j->fp, v ? "true" : "false");
}

/* null. */
void
psw_json_null(struct psw_json *j)
{
	if (j->depth >= JSON_DEPTH)
		return;
	json_value(j);
	put_s(j->fp, "null");
}

/* Close what is open, end with a newline and flush; 0 or -1. */
int
psw_json_end(struct psw_json *j)
{
	while (j->depth > 0)
		json_close(j);
	putc('\n', j->fp);
	if (fflush(j->fp) == EOF || ferror(j->fp))
		return -1;
	return 0;
}
