/*
 * sqltrace.c - an LD_PRELOAD shim for the query floor: every statement
 * a tool starts (its first sqlite3_step after prepare or reset) is
 * appended, with its parameters bound in, to the file named by
 * PSW_BENCH_SQL, so that the sqlite3 shell can run the very same queries
 * on the same index.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

int
sqlite3_step(sqlite3_stmt *s)
{
	static int (*real)(sqlite3_stmt *);
	const char *path;
	char *sql;
	FILE *f;

	/* POSIX's way to turn dlsym's object pointer into a function */
	if (real == NULL && (*(void **)&real = dlsym(RTLD_NEXT,
	    "sqlite3_step")) == NULL)
		abort();
	if (!sqlite3_stmt_busy(s) && (path = getenv("PSW_BENCH_SQL")) != NULL &&
	    (sql = sqlite3_expanded_sql(s)) != NULL) {
		if ((f = fopen(path, "a")) != NULL) {
			fprintf(f, "%s;\n", sql);
			fclose(f);
		}
		sqlite3_free(sql);
	}
	return real(s);
}
