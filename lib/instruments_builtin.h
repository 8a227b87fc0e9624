/*
 * instruments_builtin.h - the built-in instrument definitions, made at
 * build time from the YAML files in lib/instruments by lib/instruments/embed.c.
 */
#ifndef PSW_INSTRUMENTS_BUILTIN_H
#define PSW_INSTRUMENTS_BUILTIN_H

#include <stddef.h>

struct psw_builtin_instrument {
	const char *name;	/* "lib/instruments/phq-9.yaml" */
	const char *text;	/* the YAML, NUL-terminated */
	size_t len;		/* without the NUL */
};

extern const struct psw_builtin_instrument psw_builtin_instruments[];
extern const size_t psw_builtin_instruments_count;

#endif
