/*
 * utf8.h - strict UTF-8 decoding, shared by the YAML loader, the emitter
 * and the output writers.
 */
#ifndef PSW_UTF8_H
#define PSW_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode one UTF-8 character at s[*i] (len bytes in all) into *cp and
 * advance *i.  Refuses overlong forms, surrogates and values past
 * U+10FFFF; returns -1 (leaving *i) on any invalid sequence.
 */
int psw_utf8_next(const unsigned char *s, size_t len, size_t *i,
    uint32_t *cp);

#endif
