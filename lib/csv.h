/*
 * csv.h - RFC 4180 CSV: a strict reader with positions, and a writer.
 *
 * The reader takes a whole file in memory (at most PSW_CSV_MAX_BYTES):
 * fields separated by commas, records by CRLF, LF or CR; a field in
 * double quotes may hold commas, line breaks and doubled quotes ("").
 * The text must be valid UTF-8 without NUL bytes; a byte order mark at
 * the start is skipped.  Empty lines are skipped.  A record may have
 * fewer fields than the header (the rest read as empty) or more (the
 * extra ones are ignored by name lookup).  Every problem names
 * file:line:col, an unterminated quote the line where it opened.
 *
 * The writer quotes a field when it holds a comma, a quote, CR or LF, or
 * begins or ends with a space, and ends rows with CRLF.
 */
#ifndef PSW_CSV_H
#define PSW_CSV_H

#include <stddef.h>

#include "buf.h"
#include "error.h"

#define PSW_CSV_MAX_BYTES (256 * 1024 * 1024)

struct psw_csv {
	char name[256];		/* for messages */
	char *data;		/* owned (the file) or borrowed (memory) */
	int own;
	size_t len, pos;
	int line, col;		/* where pos is, 1-based */
	int rec_line;		/* line the current record starts on */
	struct psw_buf rec;	/* fields of the current record, NUL-separated */
	size_t *off;		/* start of each field in rec */
	size_t nfields, cap;
	char **header;		/* the first record, owned */
	size_t nheader;
};

/* Read from memory (borrowed for the reader's life); 0 or -PSW_EDATA
 * (not UTF-8, NUL byte) / -PSW_EIO (OOM). */
int psw_csv_open_mem(struct psw_csv *c, const char *data, size_t len,
    const char *name, struct psw_err *e);

/* Read the file at path, named `name` in messages; 0 or -code. */
int psw_csv_open_file(struct psw_csv *c, const char *path, const char *name,
    struct psw_err *e);

void psw_csv_release(struct psw_csv *c);

/* The next record: 1 when there is one, 0 at the end, or -code. */
int psw_csv_next(struct psw_csv *c, struct psw_err *e);

/* Field i of the current record; "" past its end.  Borrowed until the
 * next call to psw_csv_next(). */
const char *psw_csv_field(const struct psw_csv *c, size_t i);

/*
 * Read the first record as the header.  Column names are compared
 * exactly (after trimming spaces).  An empty file is -PSW_EDATA
 * "no header"; a name given twice is -PSW_EDATA.
 */
int psw_csv_read_header(struct psw_csv *c, struct psw_err *e);

/* The index of column `name` in the header, or -1. */
int psw_csv_col(const struct psw_csv *c, const char *name);

/* The current record's value of column `name`; "" when absent. */
const char *psw_csv_get(const struct psw_csv *c, const char *name);

/* Append one field (quoted when needed) / a whole row with CRLF. */
int psw_csv_put(struct psw_buf *b, const char *s);
int psw_csv_put_row(struct psw_buf *b, const char *const *fields, size_t n);

#endif
