/*
 * oom.c - an LD_PRELOAD library that makes the n-th memory allocation
 * fail, to prove that psw survives running out of memory (tests/oom.sh).
 *
 *   PSW_OOM_AT=n        fail the n-th counted allocation (1-based); 0 or
 *                       unset: count only
 *   PSW_OOM_MODE=once   fail only that one (default); `from`: that one
 *                       and every allocation after it
 *   PSW_OOM_LOG=file    append "fail N" when one is failed and, at exit,
 *                       "allocs N" (how many were counted)
 *
 * malloc, calloc, realloc, reallocarray, strdup and strndup are replaced;
 * glibc routes its own internal allocations (stdio buffers, strdup,
 * getline) through the replaced malloc, so libyaml, SQLite and libc are
 * covered as well as psw.  What is not failed goes on to the next
 * allocator in the search order (dlsym RTLD_NEXT): the C library's in a
 * plain build or under valgrind, the sanitizer's in an AddressSanitizer
 * build (preload this library first and set ASAN_OPTIONS
 * verify_asan_link_order=0), so LeakSanitizer and memcheck see every
 * block and report what a failure path leaks.  Counting starts when this library's
 * constructor runs, after the C library is set up and before the
 * program's own code: the start-up of libc itself is not failed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *(*next_malloc)(size_t);
static void *(*next_calloc)(size_t, size_t);
static void *(*next_realloc)(void *, size_t);
static void (*next_free)(void *);
static int resolving;
static int bystander;	/* not a psw tool: never fail, never log */
/* What dlsym itself may allocate while the allocator is looked up. */
static char early[4096] __attribute__((aligned(16)));
static size_t early_used;

static long oom_at;
static int oom_from;
static const char *oom_log;
static long counted;
static int armed;

/* One line to the log, with system calls only (no allocation). */
static void
log_line(const char *what, long n)
{
	char line[64];
	int fd, len;

	if (oom_log == NULL)
		return;
	len = snprintf(line, sizeof line, "%s %ld\n", what, n);
	if ((fd = open(oom_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) < 0)
		return;
	if (write(fd, line, (size_t)len) < 0)
		(void)0;	/* nothing to do: the log is best effort */
	close(fd);
}

__attribute__((constructor)) static void
arm(void)
{
	const char *s;

	/* Only psw's own tools: a shell, env or sed in a test's command
	 * line runs as it would (the test is about psw). */
	if (strncmp(program_invocation_short_name, "psw-", 4) != 0) {
		bystander = 1;
		return;
	}
	if ((s = getenv("PSW_OOM_AT")) != NULL)
		oom_at = strtol(s, NULL, 10);
	if ((s = getenv("PSW_OOM_MODE")) != NULL && strcmp(s, "from") == 0)
		oom_from = 1;
	oom_log = getenv("PSW_OOM_LOG");
	armed = 1;
}

__attribute__((destructor)) static void
report(void)
{
	armed = 0;
	if (!bystander)
		log_line("allocs", counted);
}

static void *
early_alloc(size_t n)
{
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (n > sizeof early - early_used)
		return NULL;
	p = early + early_used;
	early_used += n;
	return p;
}

static int
is_early(const void *p)
{
	return (const char *)p >= early && (const char *)p < early + sizeof early;
}

static int
resolve(void)
{
	if (next_malloc != NULL)
		return 0;
	if (resolving)
		return -1;
	resolving = 1;
	*(void **)&next_calloc = dlsym(RTLD_NEXT, "calloc");
	*(void **)&next_realloc = dlsym(RTLD_NEXT, "realloc");
	*(void **)&next_free = dlsym(RTLD_NEXT, "free");
	*(void **)&next_malloc = dlsym(RTLD_NEXT, "malloc");
	resolving = 0;
	return next_malloc != NULL && next_calloc != NULL &&
	    next_realloc != NULL && next_free != NULL ? 0 : -1;
}

/* Count one allocation; 1 when it must fail. */
static int
fail_now(void)
{
	if (!armed)
		return 0;
	counted++;
	if (oom_at <= 0 || counted < oom_at ||
	    (counted > oom_at && !oom_from))
		return 0;
	if (counted == oom_at)
		log_line("fail", counted);
	errno = ENOMEM;
	return 1;
}

void *
malloc(size_t n)
{
	if (resolve() < 0)
		return early_alloc(n);
	return fail_now() ? NULL : next_malloc(n);
}

void *
calloc(size_t n, size_t size)
{
	if (resolve() < 0) {
		/* The early buffer is static: zero already. */
		if (size != 0 && n > (size_t)-1 / size)
			return NULL;
		return early_alloc(n * size);
	}
	return fail_now() ? NULL : next_calloc(n, size);
}

void *
realloc(void *p, size_t n)
{
	if (resolve() < 0 || is_early(p))
		return NULL;
	return fail_now() ? NULL : next_realloc(p, n);
}

void
free(void *p)
{
	if (p == NULL || is_early(p))
		return;
	if (resolve() == 0)
		next_free(p);
}

void *
reallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > (size_t)-1 / size) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, n * size);
}

char *
strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p;

	if ((p = malloc(n)) != NULL)
		memcpy(p, s, n);
	return p;
}

char *
strndup(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	char *p;

	if ((p = malloc(n + 1)) != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}
