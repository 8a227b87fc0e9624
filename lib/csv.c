/*
 * csv.c - RFC 4180 CSV: a strict reader with positions, and a writer.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "utf8.h"

/* Check the whole text is UTF-8 without NUL; report the first bad byte. */
static int
check_text(struct psw_csv *c, struct psw_err *e)
{
	const unsigned char *s = (const unsigned char *)c->data;
	size_t i = c->pos, start;
	int line = 1, col = 1;
	uint32_t cp;

	while (i < c->len) {
		start = i;
		if (s[i] == '\0')
			return psw_error_at(e, PSW_EDATA, c->name, line, col,
			    "NUL byte in the text");
		if (s[i] < 0x80)
			i++;
		else if (psw_utf8_next(s, c->len, &i, &cp) < 0)
			return psw_error_at(e, PSW_EDATA, c->name, line, col,
			    "not valid UTF-8 (byte 0x%02x)", s[start]);
		if (s[start] == '\n' || (s[start] == '\r' &&
		    (i >= c->len || s[i] != '\n'))) {
			line++;
			col = 1;
		} else if (s[start] != '\r')
			col++;
	}
	return 0;
}

int
psw_csv_open_mem(struct psw_csv *c, const char *data, size_t len,
    const char *name, struct psw_err *e)
{
	memset(c, 0, sizeof *c);
	snprintf(c->name, sizeof c->name, "%s", name);
	c->data = (char *)data;
	c->len = len;
	c->line = c->col = 1;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		c->pos = 3;
	return check_text(c, e);
}

int
psw_csv_open_file(struct psw_csv *c, const char *path, const char *name,
    struct psw_err *e)
{
	struct stat sb;
	char *data = NULL;
	size_t got = 0;
	ssize_t n;
	int fd, rc;

	memset(c, 0, sizeof *c);
	/* O_NONBLOCK: a FIFO must not hang the import; it is refused
	 * below as not a regular file. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return psw_error_errno(e, PSW_EIO, errno, "cannot open '%s'",
		    name);
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return psw_error(e, PSW_EIO, "'%s' is not a regular file",
		    name);
	}
	if (sb.st_size > PSW_CSV_MAX_BYTES) {
		close(fd);
		return psw_error(e, PSW_EDATA, "'%s' is larger than %d MiB",
		    name, PSW_CSV_MAX_BYTES >> 20);
	}
	if ((data = malloc((size_t)sb.st_size + 1)) == NULL) {
		close(fd);
		return psw_error(e, PSW_EIO, "out of memory");
	}
	while (got < (size_t)sb.st_size &&
	    (n = read(fd, data + got, (size_t)sb.st_size - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = psw_error_errno(e, PSW_EIO, errno,
			    "cannot read '%s'", name);
			close(fd);
			free(data);
			return rc;
		}
		got += (size_t)n;
	}
	close(fd);
	data[got] = '\0';
	rc = psw_csv_open_mem(c, data, got, name, e);
	c->data = data;
	c->own = 1;
	return rc;
}

void
psw_csv_release(struct psw_csv *c)
{
	size_t i;

	if (c->own)
		free(c->data);
	psw_buf_release(&c->rec);
	free(c->off);
	for (i = 0; i < c->nheader; i++)
		free(c->header[i]);
	free(c->header);
	memset(c, 0, sizeof *c);
}

/* Start a new field in the record; -1 on OOM. */
static int
new_field(struct psw_csv *c)
{
	if (c->nfields == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 32;
		size_t *n = realloc(c->off, ncap * sizeof *n);

		if (n == NULL)
			return -1;
		c->off = n;
		c->cap = ncap;
	}
	if (c->nfields > 0 && psw_buf_addc(&c->rec, '\0') < 0)
		return -1;
	c->off[c->nfields++] = c->rec.len;
	return 0;
}

/* Step over one character at pos, keeping line and col. */
static void
advance(struct psw_csv *c)
{
	unsigned char ch = (unsigned char)c->data[c->pos++];

	if (ch == '\n' || (ch == '\r' && (c->pos >= c->len ||
	    c->data[c->pos] != '\n'))) {
		c->line++;
		c->col = 1;
	} else if (ch != '\r' && (ch & 0xc0) != 0x80)
		c->col++;
}

/* At a line end (CRLF, LF or CR)?  Returns its length, or 0. */
static size_t
eol(const struct psw_csv *c)
{
	if (c->pos >= c->len)
		return 0;
	if (c->data[c->pos] == '\n')
		return 1;
	if (c->data[c->pos] == '\r')
		return c->pos + 1 < c->len && c->data[c->pos + 1] == '\n' ?
		    2 : 1;
	return 0;
}

int
psw_csv_next(struct psw_csv *c, struct psw_err *e)
{
	size_t n;

	psw_buf_reset(&c->rec);
	c->nfields = 0;
	/* Empty lines between records are skipped. */
	while ((n = eol(c)) > 0)
		while (n-- > 0)
			advance(c);
	if (c->pos >= c->len)
		return 0;
	c->rec_line = c->line;
	for (;;) {
		if (new_field(c) < 0)
			return psw_error(e, PSW_EIO, "out of memory");
		if (c->pos < c->len && c->data[c->pos] == '"') {
			int qline = c->line, qcol = c->col;

			advance(c);
			for (;;) {
				if (c->pos >= c->len)
					return psw_error_at(e, PSW_EDATA,
					    c->name, qline, qcol,
					    "unterminated quoted field (the "
					    "quote opened here is never "
					    "closed)");
				if (c->data[c->pos] == '"') {
					if (c->pos + 1 < c->len &&
					    c->data[c->pos + 1] == '"') {
						psw_buf_addc(&c->rec, '"');
						advance(c);
						advance(c);
						continue;
					}
					advance(c);
					break;
				}
				psw_buf_addc(&c->rec, c->data[c->pos]);
				advance(c);
			}
			if (c->pos < c->len && c->data[c->pos] != ',' &&
			    eol(c) == 0)
				return psw_error_at(e, PSW_EDATA, c->name,
				    c->line, c->col, "unexpected text after "
				    "a closing quote (write a quote inside a "
				    "quoted field as \"\")");
		} else {
			while (c->pos < c->len && c->data[c->pos] != ',' &&
			    eol(c) == 0) {
				if (c->data[c->pos] == '"')
					return psw_error_at(e, PSW_EDATA,
					    c->name, c->line, c->col,
					    "quote inside an unquoted field "
					    "(quote the whole field and double "
					    "the quote)");
				psw_buf_addc(&c->rec, c->data[c->pos]);
				advance(c);
			}
		}
		if (c->rec.oom)
			return psw_error(e, PSW_EIO, "out of memory");
		if (c->pos < c->len && c->data[c->pos] == ',') {
			advance(c);
			continue;
		}
		n = eol(c);
		while (n-- > 0)
			advance(c);
		break;
	}
	if (psw_buf_addc(&c->rec, '\0') < 0)
		return psw_error(e, PSW_EIO, "out of memory");
	return 1;
}

const char *
psw_csv_field(const struct psw_csv *c, size_t i)
{
	if (i >= c->nfields || c->rec.s == NULL)
		return "";
	return c->rec.s + c->off[i];
}

/* A copy of s without leading and trailing spaces; NULL on OOM. */
static char *
trimmed(const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return strndup(s, n);
}

int
psw_csv_read_header(struct psw_csv *c, struct psw_err *e)
{
	size_t i, j;
	int rc;

	if ((rc = psw_csv_next(c, e)) < 0)
		return rc;
	if (rc == 0)
		return psw_error_at(e, PSW_EDATA, c->name, 1, 1,
		    "no header line");
	if ((c->header = calloc(c->nfields, sizeof *c->header)) == NULL)
		return psw_error(e, PSW_EIO, "out of memory");
	for (i = 0; i < c->nfields; i++) {
		if ((c->header[i] = trimmed(psw_csv_field(c, i))) == NULL)
			return psw_error(e, PSW_EIO, "out of memory");
		c->nheader = i + 1;
		if (c->header[i][0] == '\0')
			continue;
		for (j = 0; j < i; j++)
			if (strcmp(c->header[j], c->header[i]) == 0)
				return psw_error_at(e, PSW_EDATA, c->name,
				    c->rec_line, 1, "column '%s' appears "
				    "twice in the header", c->header[i]);
	}
	return 0;
}

int
psw_csv_col(const struct psw_csv *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nheader; i++)
		if (strcmp(c->header[i], name) == 0)
			return (int)i;
	return -1;
}

const char *
psw_csv_get(const struct psw_csv *c, const char *name)
{
	int i = psw_csv_col(c, name);

	return i < 0 ? "" : psw_csv_field(c, (size_t)i);
}

int
psw_csv_put(struct psw_buf *b, const char *s)
{
	size_t n;

	if (s == NULL)
		s = "";
	n = strlen(s);
	if (strpbrk(s, ",\"\r\n") == NULL && (n == 0 ||
	    (s[0] != ' ' && s[n - 1] != ' ')))
		return psw_buf_add(b, s, n);
	psw_buf_addc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			psw_buf_addc(b, '"');
		psw_buf_addc(b, *s);
	}
	return psw_buf_addc(b, '"');
}

int
psw_csv_put_row(struct psw_buf *b, const char *const *fields, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			psw_buf_addc(b, ',');
		psw_csv_put(b, fields[i]);
	}
	return psw_buf_adds(b, "\r\n");
}
