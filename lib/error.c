/*
 * error.c - error values and problem lists.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

void
psw_err_clear(struct psw_err *e)
{
	if (e == NULL)
		return;
	e->code = 0;
	e->line = e->col = 0;
	e->file[0] = '\0';
	e->msg[0] = '\0';
}

static void
set_file(struct psw_err *e, const char *file)
{
	if (file == NULL) {
		e->file[0] = '\0';
		return;
	}
	snprintf(e->file, sizeof e->file, "%s", file);
}

int
psw_error(struct psw_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -code;
	psw_err_clear(e);
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return -code;
}

int
psw_error_at(struct psw_err *e, int code, const char *file, int line,
    int col, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -code;
	psw_err_clear(e);
	e->code = code;
	set_file(e, file);
	e->line = line;
	e->col = col;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return -code;
}

int
psw_error_errno(struct psw_err *e, int code, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (e == NULL)
		return -code;
	psw_err_clear(e);
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	snprintf(e->msg + n, sizeof e->msg - n, ": %s", strerror(errnum));
	return -code;
}

char *
psw_err_format(const struct psw_err *e, char *buf, size_t size)
{
	if (e->file[0] != '\0' && e->line > 0 && e->col > 0)
		snprintf(buf, size, "%s:%d:%d: %s", e->file, e->line, e->col,
		    e->msg);
	else if (e->file[0] != '\0' && e->line > 0)
		snprintf(buf, size, "%s:%d: %s", e->file, e->line, e->msg);
	else if (e->file[0] != '\0')
		snprintf(buf, size, "%s: %s", e->file, e->msg);
	else
		snprintf(buf, size, "%s", e->msg);
	return buf;
}

static int
diags_push(struct psw_diags *d, const char *file, int line, int col,
    char *msg)
{
	struct psw_diag *v;
	char *f = NULL;

	if (msg == NULL)
		goto oom;
	if (file != NULL && (f = strdup(file)) == NULL)
		goto oom;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;

		v = realloc(d->v, cap * sizeof *v);
		if (v == NULL)
			goto oom;
		d->v = v;
		d->cap = cap;
	}
	d->v[d->n].file = f;
	d->v[d->n].line = line;
	d->v[d->n].col = col;
	d->v[d->n].msg = msg;
	d->n++;
	return 0;
oom:
	free(f);
	free(msg);
	d->oom = 1;
	return -1;
}

int
psw_diags_add(struct psw_diags *d, const char *file, int line, int col,
    const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (msg = malloc((size_t)n + 1)) == NULL) {
		d->oom = 1;
		return -1;
	}
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return diags_push(d, file, line, col, msg);
}

int
psw_diags_add_err(struct psw_diags *d, const struct psw_err *e)
{
	return diags_push(d, e->file[0] ? e->file : NULL, e->line, e->col,
	    strdup(e->msg));
}

void
psw_diags_release(struct psw_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
	d->oom = 0;
}
