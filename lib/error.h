/*
 * error.h - error values with file:line:col, one way to report them.
 *
 * Library functions return 0 on success or a negative PSW_E* code and fill
 * a struct psw_err.  Only a command (cmd/) decides the exit status and the
 * "program: " prefix; the library never prints.
 *
 * The positive value of every code is also the command's exit status, so
 * cmd/ can do `return -rc;` after reporting.
 */
#ifndef PSW_ERROR_H
#define PSW_ERROR_H

#include <stddef.h>

enum psw_code {
	PSW_OK = 0,
	PSW_EEMPTY = 1,		/* empty selection, only with -e */
	PSW_EUSAGE = 2,		/* bad command line */
	PSW_EDATA = 3,		/* bad file, failed validation, unknown id */
	PSW_ELOCKED = 4,	/* lock or database busy past the timeout */
	PSW_EIO = 5,		/* I/O or system error, out of memory */
};

#define PSW_ERR_MSG 1024

struct psw_err {
	int code;		/* one of enum psw_code */
	int line, col;		/* 1-based; 0 when unknown */
	char file[512];		/* file the error is about, "" when none */
	char msg[PSW_ERR_MSG];	/* lower case, no full stop */
};

/* Clear an error value (code 0, empty message). */
void psw_err_clear(struct psw_err *e);

/*
 * Fill e with code and a printf-style message; returns -code so that
 * library code can write `return psw_error(e, PSW_EDATA, "...")`.
 * e may be NULL (the message is dropped, the code still returned).
 */
int psw_error(struct psw_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* As psw_error, with the file and position the error is about. */
int psw_error_at(struct psw_err *e, int code, const char *file, int line,
    int col, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* As psw_error, appending ": strerror(errnum)" to the message. */
int psw_error_errno(struct psw_err *e, int code, int errnum,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Format e as one line without the program prefix or newline:
 * "file:line:col: msg", "file: msg" or "msg".  Returns buf.
 */
char *psw_err_format(const struct psw_err *e, char *buf, size_t size);

/*
 * A list of problems, for validation that reports every problem in a file
 * rather than the first.  Messages are owned by the list.
 */
struct psw_diag {
	char *file;		/* owned */
	int line, col;
	char *msg;		/* owned */
};

struct psw_diags {
	struct psw_diag *v;
	size_t n, cap;
	int oom;		/* set when an append failed for lack of memory */
};

#define PSW_DIAGS_INIT { NULL, 0, 0, 0 }

/* Append one problem; on allocation failure sets d->oom and returns -1. */
int psw_diags_add(struct psw_diags *d, const char *file, int line, int col,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Move an error value into the list. */
int psw_diags_add_err(struct psw_diags *d, const struct psw_err *e);

/* Free every message and the array; leaves an empty list. */
void psw_diags_release(struct psw_diags *d);

#endif
