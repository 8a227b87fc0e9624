/*
 * fmtcheck - strict readers for the machine formats, so the shell tests
 * need no python: each checks a file against its standard and exits 1
 * with a reason on stderr when it does not conform.
 *
 *   fmtcheck csv FILE         RFC 4180: CRLF records, quoted fields, the
 *                             same field count on every record; prints
 *                             each record's fields joined by '|' (LF)
 *   fmtcheck json FILE [PATH] RFC 8259, UTF-8; with PATH (.key.0.key)
 *                             prints that value (strings unquoted)
 *   fmtcheck ics FILE         RFC 5545: CRLF, lines of at most 75 octets,
 *                             folds not inside a UTF-8 character, BEGIN
 *                             and END balanced, VERSION and PRODID, every
 *                             VEVENT with UID (unique), DTSTAMP, DTSTART;
 *                             prints the unfolded lines (LF)
 *   fmtcheck html FILE        one self-contained HTML document: UTF-8,
 *                             <!DOCTYPE html> first, one <html> element,
 *                             every element closed in order (void ones
 *                             and "/>" aside), '&' only in entities, '<'
 *                             only in tags, nothing fetched (no link,
 *                             script, img, iframe, object, embed; no src,
 *                             href or url() but to "#"; no @import);
 *                             prints each element's name as it opens
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *buf;
static size_t len;

static _Noreturn void
fail(const char *what, size_t at)
{
	fprintf(stderr, "fmtcheck: %s at byte %zu\n", what, at);
	exit(1);
}

static void
slurp(const char *path)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 0, n;

	if (fp == NULL) {
		perror(path);
		exit(2);
	}
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			if ((buf = realloc(buf, cap)) == NULL)
				exit(2);
		}
		if ((n = fread(buf + len, 1, 4096, fp)) == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	if (fp != stdin)
		fclose(fp);
}

/* Length of the valid UTF-8 sequence at p (max n bytes), 0 if invalid. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	size_t k, i;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		k = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		k = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		k = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (k > n)
		return 0;
	for (i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((k == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (k == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return k;
}

static void
check_utf8(const char *s, size_t n, size_t base)
{
	size_t i, k;

	for (i = 0; i < n; i += k)
		if ((k = utf8_len((const unsigned char *)s + i, n - i)) == 0)
			fail("invalid UTF-8", base + i);
}

/* --- csv ------------------------------------------------------------ */

static int
do_csv(void)
{
	size_t i = 0, nf, want = 0, rec = 0;

	check_utf8(buf, len, 0);
	while (i < len) {
		nf = 0;
		for (;;) {
			nf++;
			if (nf > 1)
				putchar('|');
			if (buf[i] == '"') {
				for (i++;; i++) {
					if (i >= len)
						fail("unterminated quoted field",
						    i);
					if (buf[i] == '"') {
						if (buf[i + 1] != '"')
							break;
						i++;
					}
					putchar(buf[i]);
				}
				i++;
			} else {
				for (; i < len && buf[i] != ',' &&
				    buf[i] != '\r' && buf[i] != '\n'; i++) {
					if (buf[i] == '"')
						fail("quote in an unquoted "
						    "field", i);
					putchar(buf[i]);
				}
			}
			if (buf[i] == ',') {
				i++;
				continue;
			}
			if (buf[i] == '\r' && buf[i + 1] == '\n') {
				i += 2;
				break;
			}
			fail("record not ended by CRLF", i);
		}
		putchar('\n');
		if (rec++ == 0)
			want = nf;
		else if (nf != want)
			fail("record with a different field count", i);
	}
	return 0;
}

/* --- json ----------------------------------------------------------- */

static size_t pos;
static const char *target;	/* ".a.0.b" or NULL */
static char path[4096];
static size_t found_at, found_end;
static int found;

static void
ws(void)
{
	while (pos < len && (buf[pos] == ' ' || buf[pos] == '\t' ||
	    buf[pos] == '\n' || buf[pos] == '\r'))
		pos++;
}

static void value(int depth);

static void
string(void)
{
	if (buf[pos] != '"')
		fail("string expected", pos);
	for (pos++;;) {
		unsigned char c = (unsigned char)buf[pos];
		size_t k;

		if (pos >= len)
			fail("unterminated string", pos);
		if (c == '"') {
			pos++;
			return;
		}
		if (c < 0x20)
			fail("control character in a string", pos);
		if (c == '\\') {
			c = (unsigned char)buf[++pos];
			if (c == 'u') {
				int j;

				for (j = 1; j <= 4; j++)
					if (!strchr("0123456789abcdefABCDEF",
					    buf[pos + j]) || buf[pos + j] == 0)
						fail("bad \\u escape", pos);
				pos += 5;
			} else if (c && strchr("\"\\/bfnrt", c))
				pos++;
			else
				fail("bad escape", pos);
			continue;
		}
		if ((k = utf8_len((const unsigned char *)buf + pos,
		    len - pos)) == 0)
			fail("invalid UTF-8", pos);
		pos += k;
	}
}

static void
number(void)
{
	size_t s = pos;

	if (buf[pos] == '-')
		pos++;
	if (buf[pos] == '0')
		pos++;
	else if (buf[pos] >= '1' && buf[pos] <= '9')
		while (buf[pos] >= '0' && buf[pos] <= '9')
			pos++;
	else
		fail("bad number", s);
	if (buf[pos] == '.') {
		pos++;
		if (!(buf[pos] >= '0' && buf[pos] <= '9'))
			fail("bad fraction", pos);
		while (buf[pos] >= '0' && buf[pos] <= '9')
			pos++;
	}
	if (buf[pos] == 'e' || buf[pos] == 'E') {
		pos++;
		if (buf[pos] == '+' || buf[pos] == '-')
			pos++;
		if (!(buf[pos] >= '0' && buf[pos] <= '9'))
			fail("bad exponent", pos);
		while (buf[pos] >= '0' && buf[pos] <= '9')
			pos++;
	}
}

static void
value(int depth)
{
	size_t plen = strlen(path), start;

	if (depth > 500)
		fail("too deep", pos);
	ws();
	start = pos;
	if (buf[pos] == '{') {
		pos++;
		ws();
		if (buf[pos] == '}')
			pos++;
		else
			for (;;) {
				size_t ks;

				ws();
				ks = pos;
				string();
				snprintf(path + plen, sizeof path - plen,
				    ".%.*s", (int)(pos - ks - 2), buf + ks + 1);
				ws();
				if (buf[pos++] != ':')
					fail("':' expected", pos - 1);
				value(depth + 1);
				path[plen] = '\0';
				ws();
				if (buf[pos] == ',') {
					pos++;
					continue;
				}
				if (buf[pos++] != '}')
					fail("',' or '}' expected", pos - 1);
				break;
			}
	} else if (buf[pos] == '[') {
		int idx = 0;

		pos++;
		ws();
		if (buf[pos] == ']')
			pos++;
		else
			for (;; idx++) {
				snprintf(path + plen, sizeof path - plen,
				    ".%d", idx);
				value(depth + 1);
				path[plen] = '\0';
				ws();
				if (buf[pos] == ',') {
					pos++;
					continue;
				}
				if (buf[pos++] != ']')
					fail("',' or ']' expected", pos - 1);
				break;
			}
	} else if (buf[pos] == '"')
		string();
	else if (strncmp(buf + pos, "true", 4) == 0)
		pos += 4;
	else if (strncmp(buf + pos, "false", 5) == 0)
		pos += 5;
	else if (strncmp(buf + pos, "null", 4) == 0)
		pos += 4;
	else
		number();
	if (target != NULL && strcmp(path, target) == 0) {
		found = 1;
		found_at = start;
		found_end = pos;
	}
}

static int
do_json(void)
{
	pos = 0;
	value(0);
	ws();
	if (pos != len)
		fail("trailing content", pos);
	if (target != NULL) {
		if (!found) {
			fprintf(stderr, "fmtcheck: no value at '%s'\n", target);
			return 1;
		}
		if (buf[found_at] == '"')
			printf("%.*s\n", (int)(found_end - found_at - 2),
			    buf + found_at + 1);
		else
			printf("%.*s\n", (int)(found_end - found_at),
			    buf + found_at);
	}
	return 0;
}

/* --- ics ------------------------------------------------------------ */

static int
do_ics(void)
{
	char stack[16][64], (*uids)[256] = NULL;
	size_t i = 0, ls, le, nuid = 0, j;
	int depth = 0, has_version = 0, has_prodid = 0, ev_uid = 0,
	    ev_stamp = 0, ev_start = 0;
	char *line = malloc(len + 1);
	size_t ll;

	if (line == NULL || (uids = calloc(len / 8 + 1, sizeof *uids)) == NULL)
		return 2;
	if (len == 0)
		fail("empty calendar", 0);
	while (i < len) {
		/* One logical line: a physical line and its continuations. */
		ll = 0;
		for (;;) {
			ls = i;
			le = i;
			while (le < len && buf[le] != '\r' && buf[le] != '\n')
				le++;
			if (le + 1 >= len + 1 || buf[le] != '\r' ||
			    buf[le + 1] != '\n')
				fail("line not ended by CRLF", le);
			if (le - ls > 75)
				fail("line longer than 75 octets", ls);
			if (ll > 0)	/* a continuation: drop its space */
				ls++;
			memcpy(line + ll, buf + ls, le - ls);
			ll += le - ls;
			i = le + 2;
			if (i < len && (buf[i] == ' ' || buf[i] == '\t'))
				continue;
			break;
		}
		line[ll] = '\0';
		check_utf8(line, ll, i);
		if (strchr(line, ':') == NULL)
			fail("content line without ':'", i);
		printf("%s\n", line);
		if (strncmp(line, "BEGIN:", 6) == 0) {
			if (depth == 16)
				fail("nested too deep", i);
			snprintf(stack[depth++], sizeof stack[0], "%s",
			    line + 6);
			if (strcmp(line + 6, "VEVENT") == 0)
				ev_uid = ev_stamp = ev_start = 0;
			if (depth == 1 && strcmp(line + 6, "VCALENDAR") != 0)
				fail("not a VCALENDAR", i);
		} else if (strncmp(line, "END:", 4) == 0) {
			if (depth == 0 || strcmp(stack[depth - 1],
			    line + 4) != 0)
				fail("END does not match BEGIN", i);
			if (strcmp(line + 4, "VEVENT") == 0 &&
			    (!ev_uid || !ev_stamp || !ev_start))
				fail("VEVENT without UID, DTSTAMP or DTSTART",
				    i);
			depth--;
			if (depth == 0 && i < len)
				fail("content after END:VCALENDAR", i);
		} else if (depth == 0)
			fail("content outside VCALENDAR", i);
		else if (strncmp(line, "VERSION:2.0", 11) == 0)
			has_version = 1;
		else if (strncmp(line, "PRODID:", 7) == 0)
			has_prodid = 1;
		else if (strncmp(line, "UID:", 4) == 0) {
			for (j = 0; j < nuid; j++)
				if (strcmp(uids[j], line + 4) == 0)
					fail("UID used twice", i);
			snprintf(uids[nuid++], sizeof uids[0], "%s", line + 4);
			ev_uid = 1;
		} else if (strncmp(line, "DTSTAMP:", 8) == 0)
			ev_stamp = 1;
		else if (strncmp(line, "DTSTART", 7) == 0)
			ev_start = 1;
	}
	/* A fold inside a UTF-8 character shows as invalid UTF-8 in the
	 * physical lines, checked here. */
	for (i = 0; i < len; ) {
		le = i;
		while (buf[le] != '\r')
			le++;
		check_utf8(buf + i, le - i, i);
		i = le + 2;
	}
	if (depth != 0)
		fail("BEGIN without END", len);
	if (!has_version || !has_prodid)
		fail("VCALENDAR without VERSION:2.0 or PRODID", len);
	free(line);
	free(uids);
	return 0;
}

/* --- html ----------------------------------------------------------- */

static int
in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* Fail when text (len n) would fetch something: url() not to "#". */
static void
check_css(const char *t, size_t n, size_t at)
{
	size_t k;

	for (k = 0; k + 4 <= n; k++) {
		if (strncmp(t + k, "url(", 4) == 0) {
			size_t v = k + 4;

			while (v < n && (t[v] == ' ' || t[v] == '"' ||
			    t[v] == '\''))
				v++;
			if (v >= n || t[v] != '#')
				fail("url() that fetches", at + k);
		}
		if (k + 7 <= n && strncmp(t + k, "@import", 7) == 0)
			fail("@import", at + k);
	}
}

static int
do_html(void)
{
	static const char *const voids[] = { "area", "base", "br", "col",
	    "embed", "hr", "img", "input", "link", "meta", "source", "track",
	    "wbr", NULL };
	static const char *const fetch[] = { "link", "script", "img",
	    "iframe", "object", "embed", "audio", "video", "source", "base",
	    "frame", NULL };
	static const char *const urls[] = { "src", "href", "xlink:href",
	    "action", "data", "poster", "srcset", "background", NULL };
	char stack[64][32], name[32], attr[32];
	size_t i, j, k, n;
	int depth = 0, roots = 0, closing;

	check_utf8(buf, len, 0);
	if (strncmp(buf, "<!DOCTYPE html>", 15) != 0)
		fail("not starting with <!DOCTYPE html>", 0);
	for (i = 15; i < len;) {
		if (buf[i] == '&') {
			j = i + 1;
			if (buf[j] == '#') {
				j++;
				if (buf[j] == 'x')
					j++;
				while (j < len && strchr("0123456789abcdefABCDEF",
				    buf[j]) != NULL && buf[j] != '\0')
					j++;
			} else
				while (j < len && ((buf[j] >= 'a' &&
				    buf[j] <= 'z') || (buf[j] >= 'A' &&
				    buf[j] <= 'Z')))
					j++;
			if (j == i + 1 || buf[j] != ';')
				fail("'&' not starting an entity", i);
			i = j + 1;
			continue;
		}
		if (buf[i] != '<') {
			if (depth == 0 && buf[i] != '\n' && buf[i] != ' ')
				fail("text outside <html>", i);
			i++;
			continue;
		}
		if (strncmp(buf + i, "<!--", 4) == 0) {
			char *e = strstr(buf + i + 4, "-->");

			if (e == NULL)
				fail("comment not closed", i);
			i = (size_t)(e - buf) + 3;
			continue;
		}
		closing = buf[i + 1] == '/';
		j = i + 1 + closing;
		for (n = 0; j < len && (isalnum((unsigned char)buf[j]) ||
		    buf[j] == '-' || buf[j] == ':'); j++)
			if (n + 1 < sizeof name)
				name[n++] = buf[j];
		name[n] = '\0';
		if (n == 0)
			fail("'<' not starting a tag", i);
		if (in_list(name, fetch))
			fail("an element that fetches", i);
		/* Attributes up to '>' or "/>". */
		for (;;) {
			while (j < len && isspace((unsigned char)buf[j]))
				j++;
			if (j >= len)
				fail("tag not closed", i);
			if (buf[j] == '>' || (buf[j] == '/' &&
			    buf[j + 1] == '>'))
				break;
			if (closing)
				fail("attribute in a closing tag", j);
			for (k = 0; j < len && !isspace((unsigned char)buf[j])
			    && strchr("=>/\"'", buf[j]) == NULL; j++)
				if (k + 1 < sizeof attr)
					attr[k++] = buf[j];
			attr[k] = '\0';
			if (k == 0)
				fail("bad attribute", j);
			if (buf[j] == '=') {
				char q = buf[++j];
				size_t vs, ve;

				if (q != '"' && q != '\'')
					fail("attribute value not quoted", j);
				vs = ++j;
				while (j < len && buf[j] != q)
					j++;
				if (j >= len)
					fail("attribute value not closed", vs);
				ve = j++;
				if (in_list(attr, urls) && ve > vs &&
				    buf[vs] != '#')
					fail("an attribute that fetches", vs);
				if (strcmp(attr, "style") == 0)
					check_css(buf + vs, ve - vs, vs);
				if (memchr(buf + vs, '<', ve - vs) != NULL)
					fail("'<' in an attribute value", vs);
			}
		}
		if (closing) {
			if (depth == 0 || strcmp(stack[depth - 1], name) != 0)
				fail("closing tag does not match", i);
			depth--;
			i = j + 1;
			continue;
		}
		printf("%s\n", name);
		if (depth == 0 && (roots++ > 0 || strcmp(name, "html") != 0))
			fail("not one <html> element", i);
		if (buf[j] == '/') {		/* <x/>: no content */
			i = j + 2;
			continue;
		}
		i = j + 1;
		if (in_list(name, voids))
			continue;
		if (depth == 64)
			fail("nested too deep", i);
		snprintf(stack[depth++], sizeof stack[0], "%s", name);
		if (strcmp(name, "style") == 0) {
			char *e = strstr(buf + i, "</style");

			if (e == NULL)
				fail("<style> not closed", i);
			check_css(buf + i, (size_t)(e - buf) - i, i);
			i = (size_t)(e - buf);
		}
	}
	if (depth != 0)
		fail("element not closed", len);
	if (roots != 1)
		fail("no <html> element", len);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: fmtcheck csv|json|ics|html FILE "
		    "[PATH]\n");
		return 2;
	}
	slurp(argv[2]);
	if (strcmp(argv[1], "csv") == 0)
		return do_csv();
	if (strcmp(argv[1], "json") == 0) {
		target = argc > 3 ? argv[3] : NULL;
		return do_json();
	}
	if (strcmp(argv[1], "ics") == 0)
		return do_ics();
	if (strcmp(argv[1], "html") == 0)
		return do_html();
	fprintf(stderr, "fmtcheck: unknown format '%s'\n", argv[1]);
	return 2;
}
