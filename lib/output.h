/*
 * output.h - tables and documents for people and scripts.
 *
 * Formats: text (aligned columns for people; may change between
 * versions), tsv (no header; tab, newline, carriage return and backslash
 * in values written as \t \n \r \\), csv (RFC 4180 with a header row, CRLF
 * line ends, fields quoted when they hold a comma, quote, CR or LF, or
 * begin or end with a space), json (one valid UTF-8 document; a listing
 * is an array of objects keyed by column name).  md, html and ics are
 * written by the commands that offer them, with the escapers below.
 *
 * Empty listings: text and tsv print nothing, csv prints only its header,
 * json prints [] so a script always gets a document.
 *
 * Nothing here writes to stdout by itself: everything goes to the FILE of
 * a struct psw_out, so tests capture it with fmemopen() or open_memstream().
 */
#ifndef PSW_OUTPUT_H
#define PSW_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"

enum psw_format {
	PSW_FMT_TEXT = 0,
	PSW_FMT_TSV,
	PSW_FMT_CSV,
	PSW_FMT_JSON,
	PSW_FMT_MD,
	PSW_FMT_HTML,
	PSW_FMT_ICS,
};

#define PSW_FMT_BIT(f) (1u << (f))
/* The formats every listing offers. */
#define PSW_FMT_LISTING (PSW_FMT_BIT(PSW_FMT_TEXT) | PSW_FMT_BIT(PSW_FMT_TSV) | \
    PSW_FMT_BIT(PSW_FMT_CSV) | PSW_FMT_BIT(PSW_FMT_JSON))

/*
 * Parse a --format value among the formats in the `allowed` bit set.
 * Failure: -PSW_EUSAGE, "unknown format 'x' (use text, tsv, csv or json)".
 */
int psw_format_parse(const char *s, unsigned allowed, enum psw_format *out,
    struct psw_err *e);
const char *psw_format_name(enum psw_format f);

struct psw_out {
	FILE *fp;		/* borrowed */
	enum psw_format fmt;
	int color;		/* ANSI colour allowed (text on a terminal only) */
};

/*
 * Set up an output handle.  Colour is on only when fmt is text, fp is a
 * terminal, NO_COLOR is unset or empty, and TERM is not "dumb".
 */
void psw_out_init(struct psw_out *o, FILE *fp, enum psw_format fmt);

/*
 * 1 when a table could not be written for lack of memory (in this
 * process, so far): psw_cli_finish() then fails the command, whatever
 * the command did with the table's return value.
 */
int psw_out_oom(void);
/* Output was lost for lack of memory outside a table: the same failure. */
void psw_out_lost(void);

enum psw_col_type {
	PSW_COL_STR = 0,	/* json string */
	PSW_COL_INT,		/* json number (the cell holds decimal digits) */
	PSW_COL_NUM,		/* json number (the cell holds a decimal) */
	PSW_COL_DATE,		/* json string "YYYY-MM-DD" */
	PSW_COL_BOOL,		/* cell "1"/"0" or "true"/"false"; json true/false */
};

#define PSW_COL_RIGHT 1		/* text: right-align (numbers) */

struct psw_column {
	const char *name;	/* header (text upper-cased), csv header, json key */
	enum psw_col_type type;
	int flags;
};

struct psw_table;

/*
 * Start a table with ncols columns (cols is borrowed for the table's
 * life).  tsv, csv and json rows stream straight out; text rows are kept
 * until psw_table_end() to align the columns.  NULL on OOM.
 */
struct psw_table *psw_table_new(struct psw_out *o,
    const struct psw_column *cols, size_t ncols);

/*
 * One row of ncols cells (copied); a NULL cell is empty (json null).
 * Text cells are shown with control characters, escape sequences and
 * bidirectional overrides escaped (\x1b, \u202e), never raw.
 * Returns 0, or -1 on OOM or a write error (errno set).
 */
int psw_table_row(struct psw_table *t, const char *const *cells);

/* Rows added so far. */
size_t psw_table_rows(const struct psw_table *t);

/*
 * Finish (text: print the aligned table with a header line; json: close
 * the array) and free the table.  Returns 0, or -1 on a write error or
 * OOM (errno set).  Safe on NULL.
 */
int psw_table_end(struct psw_table *t);

/*
 * For a text listing too large to keep: psw_table_kept() is the bytes
 * the kept rows hold (0 for the other formats); psw_table_measure()
 * widens the columns for a row without keeping it; after
 * psw_table_stream_text() the kept rows are dropped (their widths
 * stay) and each later psw_table_row() is written at once, aligned to
 * the widths measured.  So a caller measures every row in a first pass,
 * then writes every row in a second, holding none.  0 or -1 (errno).
 */
size_t psw_table_kept(const struct psw_table *t);
/* The most bytes a text listing keeps to align its columns: $PSW_TEXT_KEEP
 * when it is a number of bytes, else 8 MiB. */
size_t psw_out_keep_bytes(void);
int psw_table_measure(struct psw_table *t, const char *const *cells);
int psw_table_stream_text(struct psw_table *t);

/* Free the table without writing what is still kept.  Safe on NULL. */
void psw_table_discard(struct psw_table *t);

/* --- Escapers: each writes one value to fp; return 0 or EOF ---------- */

int psw_put_tsv(FILE *fp, const char *s);
int psw_put_csv(FILE *fp, const char *s);
int psw_put_json_str(FILE *fp, const char *s);	/* with the quotes */
/* Text for a terminal: control/escape/bidi characters shown escaped. */
int psw_put_text(FILE *fp, const char *s);
int psw_put_html(FILE *fp, const char *s);	/* & < > " ' escaped */
int psw_put_md(FILE *fp, const char *s);	/* | \ * _ ` [ ] < > escaped, newlines as <br> */

/*
 * Display width of s in columns as psw_put_text() writes it (escapes
 * counted; combining marks 0; East Asian wide characters 2).
 */
size_t psw_text_width(const char *s);

/* --- A streaming JSON writer for documents that are not tables ------- */

struct psw_json {
	FILE *fp;
	int depth;
	int pretty;		/* indent with two spaces */
	unsigned char first[64];	/* no comma needed yet at this depth */
	int after_key;
};

void psw_json_init(struct psw_json *j, FILE *fp, int pretty);
void psw_json_obj(struct psw_json *j);		/* { */
void psw_json_obj_end(struct psw_json *j);	/* } */
void psw_json_arr(struct psw_json *j);		/* [ */
void psw_json_arr_end(struct psw_json *j);	/* ] */
void psw_json_key(struct psw_json *j, const char *key);
void psw_json_str(struct psw_json *j, const char *s);	/* NULL: null */
void psw_json_int(struct psw_json *j, long long v);
void psw_json_num(struct psw_json *j, double v);	/* shortest round-trip */
void psw_json_bool(struct psw_json *j, int v);
void psw_json_null(struct psw_json *j);
/* Finish the document with a newline; 0, or -1 if any write failed. */
int psw_json_end(struct psw_json *j);

#endif
