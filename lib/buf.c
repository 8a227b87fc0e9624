/*
 * buf.c - a growable byte buffer.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

int
psw_buf_grow(struct psw_buf *b, size_t n)
{
	size_t cap;
	char *s;

	if (b->oom)
		return -1;
	if (b->len + n + 1 <= b->cap)
		return 0;
	if (n > SIZE_MAX / 2 - b->len)
		goto oom;
	cap = b->cap ? b->cap : 64;
	while (cap < b->len + n + 1)
		cap *= 2;
	if ((s = realloc(b->s, cap)) == NULL)
		goto oom;
	if (b->cap == 0)
		s[0] = '\0';
	b->s = s;
	b->cap = cap;
	return 0;
oom:
	b->oom = 1;
	return -1;
}

int
psw_buf_add(struct psw_buf *b, const void *p, size_t n)
{
	if (psw_buf_grow(b, n) < 0)
		return -1;
	if (n > 0)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

int
psw_buf_adds(struct psw_buf *b, const char *s)
{
	return psw_buf_add(b, s, strlen(s));
}

int
psw_buf_vaddf(struct psw_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || psw_buf_grow(b, (size_t)n) < 0)
		return -1;
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
psw_buf_addf(struct psw_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = psw_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void
psw_buf_reset(struct psw_buf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

char *
psw_buf_detach(struct psw_buf *b)
{
	char *s;

	if (b->oom) {
		psw_buf_release(b);
		return NULL;
	}
	if (b->s == NULL && psw_buf_grow(b, 0) < 0)
		return NULL;
	s = b->s;
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void
psw_buf_release(struct psw_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}
