/*
 * shim.c - an LD_PRELOAD library that makes the k-th system call of a
 * chosen set fail, to prove that psw survives I/O errors (tests/fault.sh).
 *
 *   PSW_FAULT_AT=k        fail the k-th counted call (1-based); 0 or unset:
 *                         count only
 *   PSW_FAULT_MODE=once   fail only that call (default); `from`: that call
 *                         and every counted call after it
 *   PSW_FAULT_ERRNO=ENOSPC  or EIO, or EPERM (default ENOSPC)
 *   PSW_FAULT_CALLS=write,fsync,...  the calls counted (default: all below)
 *   PSW_FAULT_LOG=file    append one line per failed call ("fail K CALL
 *                         PATH") and, at exit, "calls N" (how many counted)
 *
 * What is wrapped is what psw and the libraries it links (SQLite, libyaml)
 * call through the dynamic linker: the tools' own open/write/fsync/rename/
 * link/unlink/mkdir/close, and SQLite's open64/pwrite64/fdatasync/
 * ftruncate64/unlink.  Calls glibc makes to itself (stdio's fwrite to
 * write, for instance) do not pass through the PLT and are not seen; psw
 * uses stdio only for stdout and stderr, so nothing of the case folder is
 * missed.  The standard descriptors 0..2 are never failed, so the
 * command's own error line always reaches the test.
 */
/* Our open must be named open (and open64 open64): no redirection. */
#undef _FILE_OFFSET_BITS
#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/types.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long fault_at;		/* 0: never */
static int fault_from;		/* fail every call from fault_at on */
static int fault_errno = ENOSPC;
static const char *fault_calls;	/* NULL: all */
static const char *fault_log;
static long counted;
static int ready;

/* Read the configuration once, on first use. */
static void
setup(void)
{
	const char *s;

	if (ready)
		return;
	ready = 1;
	if ((s = getenv("PSW_FAULT_AT")) != NULL)
		fault_at = strtol(s, NULL, 10);
	if ((s = getenv("PSW_FAULT_MODE")) != NULL && strcmp(s, "from") == 0)
		fault_from = 1;
	if ((s = getenv("PSW_FAULT_ERRNO")) != NULL && strcmp(s, "EIO") == 0)
		fault_errno = EIO;
	else if (s != NULL && strcmp(s, "EPERM") == 0)
		fault_errno = EPERM;	/* link(2) where there are no links */
	fault_calls = getenv("PSW_FAULT_CALLS");
	if (fault_calls != NULL && *fault_calls == '\0')
		fault_calls = NULL;
	fault_log = getenv("PSW_FAULT_LOG");
}

/* Append one line to the log with plain system calls (no stdio, no
 * allocation), bypassing the wrappers. */
static void
log_line(const char *what, long n, const char *call, const char *arg)
{
	static int (*real_open)(const char *, int, ...);
	static ssize_t (*real_write)(int, const void *, size_t);
	static int (*real_close)(int);
	char line[600];
	int fd, len;

	if (fault_log == NULL)
		return;
	if (real_open == NULL) {
		*(void **)&real_open = dlsym(RTLD_NEXT, "open");
		*(void **)&real_write = dlsym(RTLD_NEXT, "write");
		*(void **)&real_close = dlsym(RTLD_NEXT, "close");
	}
	len = snprintf(line, sizeof line, "%s %ld %s %s\n", what, n,
	    call != NULL ? call : "-", arg != NULL ? arg : "-");
	if (len < 0 || (size_t)len >= sizeof line)
		len = (int)sizeof line - 1;
	fd = real_open(fault_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600);
	if (fd < 0)
		return;
	(void)real_write(fd, line, (size_t)len);
	real_close(fd);
}

/* Is call `name` counted? */
static int
counts(const char *name)
{
	const char *p;
	size_t n = strlen(name);

	if (fault_calls == NULL)
		return 1;
	for (p = fault_calls; (p = strstr(p, name)) != NULL; p += n)
		if ((p == fault_calls || p[-1] == ',') &&
		    (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

/* Count this call; 1 when it must fail (errno is then set). */
static int
inject(const char *name, const char *arg)
{
	setup();
	if (!counts(name))
		return 0;
	counted++;
	if (fault_at <= 0 || counted < fault_at ||
	    (counted > fault_at && !fault_from))
		return 0;
	log_line("fail", counted, name, arg);
	errno = fault_errno;
	return 1;
}

__attribute__((destructor)) static void
report(void)
{
	setup();
	log_line("calls", counted, NULL, NULL);
}

/* The next definition of the call (libc's), looked up once.  The cast
 * through void ** is POSIX's way to store dlsym's result. */
#define REAL(name) \
	if (real_ == NULL) \
		*(void **)&real_ = dlsym(RTLD_NEXT, name)

ssize_t
write(int fd, const void *buf, size_t n)
{
	static ssize_t (*real_)(int, const void *, size_t);

	REAL("write");
	if (fd > 2 && inject("write", NULL))
		return -1;
	return real_(fd, buf, n);
}

ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
	static ssize_t (*real_)(int, const void *, size_t, off_t);

	REAL("pwrite");
	if (fd > 2 && inject("pwrite", NULL))
		return -1;
	return real_(fd, buf, n, off);
}

ssize_t
pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	static ssize_t (*real_)(int, const void *, size_t, off_t);

	REAL("pwrite64");
	if (fd > 2 && inject("pwrite", NULL))
		return -1;
	return real_(fd, buf, n, off);
}

int
fsync(int fd)
{
	static int (*real_)(int);

	REAL("fsync");
	if (inject("fsync", NULL))
		return -1;
	return real_(fd);
}

int
fdatasync(int fd)
{
	static int (*real_)(int);

	REAL("fdatasync");
	if (inject("fdatasync", NULL))
		return -1;
	return real_(fd);
}

int
close(int fd)
{
	static int (*real_)(int);

	REAL("close");
	/* A failed close still releases the descriptor (as on Linux). */
	if (fd > 2 && inject("close", NULL)) {
		int err = errno;

		real_(fd);
		errno = err;
		return -1;
	}
	return real_(fd);
}

int
rename(const char *from, const char *to)
{
	static int (*real_)(const char *, const char *);

	REAL("rename");
	if (inject("rename", to))
		return -1;
	return real_(from, to);
}

int
renameat(int fd1, const char *from, int fd2, const char *to)
{
	static int (*real_)(int, const char *, int, const char *);

	REAL("renameat");
	if (inject("rename", to))
		return -1;
	return real_(fd1, from, fd2, to);
}

int
link(const char *from, const char *to)
{
	static int (*real_)(const char *, const char *);

	REAL("link");
	if (inject("link", to))
		return -1;
	return real_(from, to);
}

int
unlink(const char *path)
{
	static int (*real_)(const char *);

	REAL("unlink");
	if (inject("unlink", path))
		return -1;
	return real_(path);
}

int
mkdir(const char *path, mode_t mode)
{
	static int (*real_)(const char *, mode_t);

	REAL("mkdir");
	if (inject("mkdir", path))
		return -1;
	return real_(path, mode);
}

int
ftruncate(int fd, off_t len)
{
	static int (*real_)(int, off_t);

	REAL("ftruncate");
	if (inject("ftruncate", NULL))
		return -1;
	return real_(fd, len);
}

int
ftruncate64(int fd, off_t len)
{
	static int (*real_)(int, off_t);

	REAL("ftruncate64");
	if (inject("ftruncate", NULL))
		return -1;
	return real_(fd, len);
}

/* Only opens that may create or write are counted: a read-only open
 * failing is a different test (a missing or unreadable file). */
static int
open_counts(int flags, const char *path)
{
	return (flags & (O_WRONLY | O_RDWR | O_CREAT)) != 0 &&
	    inject("open", path);
}

int
open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	static int (*real_)(const char *, int, ...);

	REAL("open");
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (open_counts(flags, path))
		return -1;
	return real_(path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	static int (*real_)(const char *, int, ...);

	REAL("open64");
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (open_counts(flags, path))
		return -1;
	return real_(path, flags, mode);
}

int
openat(int dfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	static int (*real_)(int, const char *, int, ...);

	REAL("openat");
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (open_counts(flags, path))
		return -1;
	return real_(dfd, path, flags, mode);
}

int
openat64(int dfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	static int (*real_)(int, const char *, int, ...);

	REAL("openat64");
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (open_counts(flags, path))
		return -1;
	return real_(dfd, path, flags, mode);
}
