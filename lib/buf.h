/*
 * buf.h - a growable byte buffer, always NUL-terminated.
 */
#ifndef PSW_BUF_H
#define PSW_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct psw_buf {
	char *s;		/* NUL-terminated when cap > 0; owned */
	size_t len, cap;
	int oom;		/* sticky: an append failed for lack of memory */
};

#define PSW_BUF_INIT { NULL, 0, 0, 0 }

/* Append bytes; returns 0, or -1 (and sets oom) when memory runs out. */
int psw_buf_add(struct psw_buf *b, const void *p, size_t n);
int psw_buf_adds(struct psw_buf *b, const char *s);

/* Append one byte; inline, as writers call it for every character. */
static inline int
psw_buf_addc(struct psw_buf *b, int c)
{
	char ch = (char)c;

	if (!b->oom && b->len + 2 <= b->cap) {
		b->s[b->len++] = ch;
		b->s[b->len] = '\0';
		return 0;
	}
	return psw_buf_add(b, &ch, 1);
}

int psw_buf_addf(struct psw_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int psw_buf_vaddf(struct psw_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Make room for n more bytes without changing len. */
int psw_buf_grow(struct psw_buf *b, size_t n);
/* Empty the buffer, keeping its memory. */
void psw_buf_reset(struct psw_buf *b);
/* Take ownership of the string (never NULL unless oom); leaves b empty. */
char *psw_buf_detach(struct psw_buf *b);
void psw_buf_release(struct psw_buf *b);

#endif
