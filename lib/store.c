/*
 * store.c - the case folder: location, settings, ids, locks, atomic
 * writes, permissions and the audit log.
 */
#include <sys/file.h>
#include <sys/time.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "doc.h"
#include "store.h"

/* Join a and b with a slash; new string or NULL on OOM. */
static char *
path_join(const char *a, const char *b)
{
	struct psw_buf buf = PSW_BUF_INIT;

	psw_buf_adds(&buf, a);
	if (buf.len > 0 && buf.s[buf.len - 1] != '/')
		psw_buf_addc(&buf, '/');
	psw_buf_adds(&buf, b);
	return psw_buf_detach(&buf);
}

char *
psw_store_locate(const char *home)
{
	const char *s;

	errno = 0;	/* ENOMEM tells no memory from no folder named */
	if (home != NULL && *home != '\0')
		return strdup(home);
	if ((s = getenv("PSW_HOME")) != NULL && *s != '\0')
		return strdup(s);
	if ((s = getenv("XDG_DATA_HOME")) != NULL && *s == '/')
		return path_join(s, "psw");
	if ((s = getenv("HOME")) != NULL && *s != '\0')
		return path_join(s, ".local/share/psw");
	return NULL;
}

void
psw_store_warn(const struct psw_store *st, const char *fmt, ...)
{
	char msg[PSW_ERR_MSG + 600];
	va_list ap;

	if (st == NULL || st->warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	st->warn(st->warn_arg, msg);
}

/* mkdir -p with mode 0700 for every folder it creates. */
static int
mkdirs(const char *path, struct psw_err *e)
{
	char tmp[PATH_MAX];
	size_t i, n;

	n = strlen(path);
	if (n == 0 || n >= sizeof tmp)
		return psw_error(e, PSW_EIO, "case folder path '%s' is too long",
		    path);
	memcpy(tmp, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		tmp[i] = '\0';
		if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
			return psw_error_errno(e, PSW_EIO, errno,
			    "cannot create folder '%s'", tmp);
		if (i < n)
			tmp[i] = '/';
	}
	return 0;
}

/* Refuse a folder that is not ours or that others may write. */
static int
check_safe_dir(const char *path, struct psw_err *e)
{
	struct stat sb;

	if (stat(path, &sb) < 0)
		return psw_error_errno(e, PSW_EIO, errno,
		    "cannot open case folder '%s'", path);
	if (!S_ISDIR(sb.st_mode))
		return psw_error(e, PSW_EIO, "case folder '%s' is not a folder",
		    path);
	if (sb.st_uid != geteuid())
		return psw_error(e, PSW_EIO, "case folder '%s' is owned by "
		    "another user (uid %ld); refusing to use it", path,
		    (long)sb.st_uid);
	if (sb.st_mode & (S_IWGRP | S_IWOTH))
		return psw_error(e, PSW_EIO, "case folder '%s' is writable by "
		    "%s (mode %04o); refusing to use it (chmod 700 '%s')",
		    path, (sb.st_mode & S_IWOTH) ? "everyone" : "its group",
		    (unsigned)(sb.st_mode & 07777), path);
	return 0;
}

/* Parse a positive integer setting. */
static int
setting_int(const struct psw_node *n, const char *name, long lo, long hi,
    int *out, struct psw_err *e)
{
	char *end;
	long v;

	if (n->type != PSW_NODE_SCALAR)
		goto bad;
	errno = 0;
	v = strtol(n->str, &end, 10);
	if (errno != 0 || end == n->str || *end != '\0' || v < lo || v > hi)
		goto bad;
	*out = (int)v;
	return 0;
bad:
	return psw_error_at(e, PSW_EDATA, name, n->line, n->col,
	    "'%s' must be a whole number from %ld to %ld", n->key, lo, hi);
}

/* Parse a duration setting such as "90d". */
static int
setting_dur(const struct psw_node *n, const char *name,
    struct psw_duration *out, struct psw_err *e)
{
	struct psw_err sub;

	if (n->type != PSW_NODE_SCALAR ||
	    psw_duration_parse(n->str, out, &sub) < 0)
		return psw_error_at(e, PSW_EDATA, name, n->line, n->col,
		    "'%s' must be a duration such as 90d, 2w or 3m", n->key);
	return 0;
}

/* Parse a string setting. */
static int
setting_str(const struct psw_node *n, const char *name, char **out,
    struct psw_err *e)
{
	char *s;

	if (n->type != PSW_NODE_SCALAR)
		return psw_error_at(e, PSW_EDATA, name, n->line, n->col,
		    "'%s' must be text", n->key);
	if ((s = strdup(n->str)) == NULL)
		return psw_error(e, PSW_EIO, "out of memory");
	free(*out);
	*out = s;
	return 0;
}

/* assessments: a map of instrument id: duration (how often it is due). */
static int
setting_assess(struct psw_settings *s, const struct psw_node *n,
    const char *name, struct psw_err *e)
{
	const struct psw_node *v;
	size_t i = 0, k;

	if (n->type != PSW_NODE_MAP)
		return psw_error_at(e, PSW_EDATA, name, n->line, n->col,
		    "'assessments' must be a map of instrument: duration, "
		    "such as {phq-9: 4w}");
	if (n->count == 0)
		return 0;
	if ((s->assess_every = calloc(n->count, sizeof *s->assess_every)) ==
	    NULL)
		return psw_error(e, PSW_EIO, "out of memory");
	for (v = n->head; v != NULL; v = v->next, i++) {
		for (k = 0; v->key[k] != '\0'; k++)
			if (!((v->key[k] >= 'a' && v->key[k] <= 'z') ||
			    (v->key[k] >= '0' && v->key[k] <= '9') ||
			    (k > 0 && v->key[k] == '-')) || k >= 32)
				break;
		if (k == 0 || v->key[k] != '\0')
			return psw_error_at(e, PSW_EDATA, name, v->key_line,
			    v->key_col, "assessments: '%s' is not an "
			    "instrument id", v->key);
		if (setting_dur(v, name, &s->assess_every[i].every, e) < 0)
			return -PSW_EDATA;
		if ((s->assess_every[i].instrument = strdup(v->key)) == NULL)
			return psw_error(e, PSW_EIO, "out of memory");
		s->nassess_every = i + 1;
	}
	return 0;
}

/* Defaults, then psw.yaml over them when it exists. */
static int
load_settings(struct psw_store *st, struct psw_err *e)
{
	struct psw_settings *s = &st->set;
	const char *user = getenv("USER");
	const char *name = "psw.yaml";
	struct psw_doc *doc = NULL;
	struct psw_node *root, *n;
	char *path;
	int rc = 0;

	s->worker = strdup(user != NULL && *user != '\0' ? user : "worker");
	s->organisation = strdup("");
	s->review_every = (struct psw_duration){ 90, 'd' };
	s->due_soon = (struct psw_duration){ 7, 'd' };
	s->week_start = 1;
	s->no_contact_days = 14;
	s->lock_timeout_ms = 10000;
	s->follow_up_sent = (struct psw_duration){ 7, 'd' };
	s->follow_up_urgent = (struct psw_duration){ 2, 'd' };
	s->follow_up_accepted = (struct psw_duration){ 14, 'd' };
	if (s->worker == NULL || s->organisation == NULL)
		return psw_error(e, PSW_EIO, "out of memory");

	if ((path = path_join(st->home, name)) == NULL)
		return psw_error(e, PSW_EIO, "out of memory");
	if (access(path, F_OK) < 0 && errno == ENOENT) {
		free(path);
		return 0;
	}
	rc = psw_doc_load_file(path, name, &doc, e);
	free(path);
	if (rc < 0)
		return rc;
	root = psw_doc_root(doc);
	if (root == NULL)
		goto out;
	if (root->type != PSW_NODE_MAP) {
		rc = psw_error_at(e, PSW_EDATA, name, root->line, root->col,
		    "settings must be a map of 'key: value' lines");
		goto out;
	}
	for (n = root->head; n != NULL && rc == 0; n = n->next) {
		if (strcmp(n->key, "worker") == 0)
			rc = setting_str(n, name, &s->worker, e);
		else if (strcmp(n->key, "organisation") == 0)
			rc = setting_str(n, name, &s->organisation, e);
		else if (strcmp(n->key, "review-every") == 0)
			rc = setting_dur(n, name, &s->review_every, e);
		else if (strcmp(n->key, "due-soon") == 0)
			rc = setting_dur(n, name, &s->due_soon, e);
		else if (strcmp(n->key, "no-contact-days") == 0)
			rc = setting_int(n, name, 1, 3650, &s->no_contact_days,
			    e);
		else if (strcmp(n->key, "lock-timeout-ms") == 0)
			rc = setting_int(n, name, 0, 3600000,
			    &s->lock_timeout_ms, e);
		else if (strcmp(n->key, "assessments") == 0)
			rc = setting_assess(s, n, name, e);
		else if (strcmp(n->key, "follow-up-sent") == 0)
			rc = setting_dur(n, name, &s->follow_up_sent, e);
		else if (strcmp(n->key, "follow-up-urgent") == 0)
			rc = setting_dur(n, name, &s->follow_up_urgent, e);
		else if (strcmp(n->key, "follow-up-accepted") == 0)
			rc = setting_dur(n, name, &s->follow_up_accepted, e);
		else if (strcmp(n->key, "worker-phone") == 0)
			rc = setting_str(n, name, &s->worker_phone, e);
		else if (strcmp(n->key, "worker-email") == 0)
			rc = setting_str(n, name, &s->worker_email, e);
		else if (strcmp(n->key, "organisation-address") == 0)
			rc = setting_str(n, name, &s->organisation_address, e);
		else if (strcmp(n->key, "organisation-phone") == 0)
			rc = setting_str(n, name, &s->organisation_phone, e);
		else if (strcmp(n->key, "week-start") == 0) {
			if (n->type == PSW_NODE_SCALAR &&
			    strcmp(n->str, "monday") == 0)
				s->week_start = 1;
			else if (n->type == PSW_NODE_SCALAR &&
			    strcmp(n->str, "sunday") == 0)
				s->week_start = 7;
			else
				rc = psw_error_at(e, PSW_EDATA, name, n->line,
				    n->col, "'week-start' must be monday or "
				    "sunday");
		}
		/* Unknown keys are kept for newer versions and other tools. */
	}
out:
	psw_doc_free(doc);
	return rc;
}

int
psw_store_open(struct psw_store *st, const char *home, int flags,
    const char *prog, struct psw_err *e)
{
	const char *ix;
	int rc;

	memset(st, 0, sizeof *st);
	st->prog = prog;
	if ((st->home = psw_store_locate(home)) == NULL) {
		if (errno == ENOMEM)
			return psw_error(e, PSW_EIO, "out of memory");
		return psw_error(e, PSW_EIO, "no case folder: set PSW_HOME, "
		    "HOME or use --home");
	}
	st->clients = path_join(st->home, "clients");
	st->audit_path = path_join(st->home, "audit.log");
	ix = getenv("PSW_INDEX");
	st->index_own = ix == NULL || *ix == '\0';
	st->index_path = st->index_own ? path_join(st->home, "index.db") :
	    strdup(ix);
	if (st->clients == NULL || st->audit_path == NULL ||
	    st->index_path == NULL) {
		rc = psw_error(e, PSW_EIO, "out of memory");
		goto fail;
	}
	if (flags & PSW_STORE_CREATE) {
		if ((rc = mkdirs(st->home, e)) < 0)
			goto fail;
	}
	if ((rc = check_safe_dir(st->home, e)) < 0)
		goto fail;
	if (flags & PSW_STORE_CREATE) {
		if (mkdir(st->clients, 0700) < 0 && errno != EEXIST) {
			rc = psw_error_errno(e, PSW_EIO, errno,
			    "cannot create folder '%s'", st->clients);
			goto fail;
		}
	}
	if (access(st->clients, F_OK) == 0 &&
	    (rc = check_safe_dir(st->clients, e)) < 0)
		goto fail;
	if ((rc = load_settings(st, e)) < 0)
		goto fail;
	return 0;
fail:
	psw_store_release(st);
	return rc;
}

void
psw_store_release(struct psw_store *st)
{
	free(st->home);
	free(st->clients);
	free(st->index_path);
	free(st->audit_path);
	free(st->set.worker);
	free(st->set.organisation);
	free(st->set.worker_phone);
	free(st->set.worker_email);
	free(st->set.organisation_address);
	free(st->set.organisation_phone);
	while (st->set.nassess_every > 0)
		free(st->set.assess_every[--st->set.nassess_every].instrument);
	free(st->set.assess_every);
	memset(st, 0, sizeof *st);
}

int
psw_id_valid(const char *id)
{
	size_t i;

	if (id == NULL || !((id[0] >= 'a' && id[0] <= 'z') ||
	    (id[0] >= '0' && id[0] <= '9')))
		return 0;
	for (i = 1; id[i] != '\0'; i++) {
		if (i >= PSW_ID_MAX)
			return 0;
		if (!((id[i] >= 'a' && id[i] <= 'z') ||
		    (id[i] >= '0' && id[i] <= '9') || id[i] == '-'))
			return 0;
	}
	return 1;
}

int
psw_id_check(const char *id, struct psw_err *e)
{
	char shown[80];
	size_t i;

	if (psw_id_valid(id))
		return 0;
	/* Show a safe, short version of what was given. */
	for (i = 0; id != NULL && id[i] != '\0' && i < 40; i++)
		shown[i] = (id[i] >= 0x20 && id[i] < 0x7f) ? id[i] : '?';
	shown[i] = '\0';
	if (id != NULL && id[i] != '\0')
		snprintf(shown + i, sizeof shown - i, "...");
	return psw_error(e, PSW_EUSAGE, "'%s' is not a valid client id (use "
	    "a-z, 0-9 and -, at most 64, starting with a letter or digit)",
	    shown);
}

char *
psw_store_client_path(const struct psw_store *st, const char *id)
{
	struct psw_buf b = PSW_BUF_INIT;

	psw_buf_addf(&b, "%s/%s.yaml", st->clients, id);
	return psw_buf_detach(&b);
}

const char *
psw_store_client_name(const char *id, char *buf, size_t size)
{
	snprintf(buf, size, "clients/%s.yaml", id);
	return buf;
}

/* --- Locks -------------------------------------------------------- */

/*
 * Held lock files and temporary files, removed by the signal handler.
 * Paths are copied into fixed slots so the handler needs no allocation.
 */
#define CLEANUP_SLOTS 16
static char cleanup_paths[CLEANUP_SLOTS][PATH_MAX];
static volatile sig_atomic_t cleanup_used[CLEANUP_SLOTS];
static int handlers_installed;

/* Remove every registered file and re-raise the signal. */
static void
cleanup_on_signal(int sig)
{
	int i;

	for (i = 0; i < CLEANUP_SLOTS; i++)
		if (cleanup_used[i])
			unlink(cleanup_paths[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Register path for removal on a fatal signal; slot number or -1. */
static int
cleanup_add(const char *path)
{
	struct sigaction sa;
	int i;

	if (!handlers_installed) {
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = cleanup_on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		sigaction(SIGQUIT, &sa, NULL);
		handlers_installed = 1;
	}
	if (strlen(path) >= PATH_MAX)
		return -1;
	for (i = 0; i < CLEANUP_SLOTS; i++) {
		if (!cleanup_used[i]) {
			memcpy(cleanup_paths[i], path, strlen(path) + 1);
			cleanup_used[i] = 1;
			return i;
		}
	}
	return -1;
}

/* Forget a registered path. */
static void
cleanup_del(const char *path)
{
	int i;

	for (i = 0; i < CLEANUP_SLOTS; i++)
		if (cleanup_used[i] && strcmp(cleanup_paths[i], path) == 0)
			cleanup_used[i] = 0;
}

/* Milliseconds on the monotonic clock. */
static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Is the lock at path held by a process that is gone?  1 stale (dead pid
 * on this host), 0 live or unknown.  *age gets the lock's age in seconds.
 */
static int
lock_is_stale(const char *path, long *age, long *pid_out)
{
	char buf[300], host[256], lhost[256];
	struct stat sb;
	ssize_t n;
	long pid;
	int fd;

	*age = 0;
	*pid_out = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return 0;
	if (fstat(fd, &sb) == 0)
		*age = (long)(time(NULL) - sb.st_mtime);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0) {
		/* Empty: a writer died between create and write, or is
		 * writing now.  Stale only when old. */
		return *age > 5;
	}
	buf[n] = '\0';
	host[0] = '\0';
	if (sscanf(buf, "%ld %255s", &pid, host) < 1 || pid <= 0)
		return *age > 5;
	*pid_out = pid;
	if (gethostname(lhost, sizeof lhost) == 0) {
		lhost[sizeof lhost - 1] = '\0';
		if (host[0] != '\0' && strcmp(host, lhost) != 0)
			return 0;	/* another machine's: cannot tell */
	}
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return 1;
	return 0;
}

/*
 * Remove a stale lock safely: other processes may be breaking it too, and
 * a fresh lock may appear at the same path at any moment.  Breakers
 * serialise on flock() of the stale lock file itself; the one holding it
 * removes the path only if the path still names that very file (same
 * inode) and it still holds the dead process's pid.  A fresh lock is a
 * new file, so it is never removed.  0 when removed, -1 otherwise.
 */
static int
break_stale(const char *path, long dead_pid)
{
	struct stat fsb, psb;
	char buf[64];
	ssize_t n;
	long pid = 0;
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return -1;
	if (flock(fd, LOCK_EX) < 0 || fstat(fd, &fsb) < 0)
		goto out;
	if (lstat(path, &psb) < 0 || psb.st_ino != fsb.st_ino ||
	    psb.st_dev != fsb.st_dev)
		goto out;		/* already broken (and maybe retaken) */
	n = pread(fd, buf, sizeof buf - 1, 0);
	if (n > 0) {
		buf[n] = '\0';
		pid = strtol(buf, NULL, 10);
	}
	if (pid == dead_pid && unlink(path) == 0)
		rc = 0;
out:
	close(fd);
	return rc;
}

/*
 * Write a lock's content to path (a new private file) and remember the
 * file's identity in lk, so release removes only this file.  The file
 * stays open in lk->fd with flock() held on it, so that waiters can
 * block on it (psw_lock_take).  0, or -1 with errno set.
 */
static int
put_lock_file(const char *path, const char *s, size_t n, struct psw_lock *lk)
{
	struct stat sb;
	int fd, err;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0)
		return -1;
	if (write(fd, s, n) != (ssize_t)n || fstat(fd, &sb) < 0) {
		err = errno ? errno : EIO;
		close(fd);
		errno = err;
		return -1;
	}
	lk->dev = sb.st_dev;
	lk->ino = sb.st_ino;
	/* Nobody else has this file yet: this never waits.  Without
	 * flock (some network filesystems) waiters poll instead. */
	(void)flock(fd, LOCK_EX | LOCK_NB);
	lk->fd = fd;
	return 0;
}

static void
gate_alarm(int sig)
{
	(void)sig;		/* only to interrupt flock() */
}

static int gate_block(int, long long);

/*
 * Wait for the holder of the lock file at path, for at most ms: 1 when
 * it released the lock (or died) or the lock is gone, 0 when nobody
 * holds flock() on it (a holder that does not use it: the caller polls),
 * -1 when the time ran out or the file cannot be used.
 */
static int
gate_wait(const char *path, long long ms)
{
	int gate, rc;

	if ((gate = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return errno == ENOENT ? 1 : -1;
	rc = gate_block(gate, ms);
	close(gate);
	return rc;
}

static int
gate_block(int gate, long long ms)
{
	struct sigaction sa, old_sa;
	struct itimerval it, old_it;
	int rc, err;

	if (flock(gate, LOCK_EX | LOCK_NB) == 0) {
		flock(gate, LOCK_UN);
		return 0;
	}
	if (errno != EWOULDBLOCK || ms <= 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = gate_alarm;	/* no SA_RESTART: flock gets EINTR */
	sigemptyset(&sa.sa_mask);
	memset(&it, 0, sizeof it);
	it.it_value.tv_sec = (time_t)(ms / 1000);
	it.it_value.tv_usec = (suseconds_t)(ms % 1000 * 1000);
	if (sigaction(SIGALRM, &sa, &old_sa) < 0)
		return -1;
	if (setitimer(ITIMER_REAL, &it, &old_it) < 0) {
		sigaction(SIGALRM, &old_sa, NULL);
		return -1;
	}
	rc = flock(gate, LOCK_EX);
	err = errno;
	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, NULL);
	sigaction(SIGALRM, &old_sa, NULL);
	if (old_it.it_value.tv_sec != 0 || old_it.it_value.tv_usec != 0)
		setitimer(ITIMER_REAL, &old_it, NULL);
	if (rc < 0) {
		errno = err;
		return -1;
	}
	flock(gate, LOCK_UN);
	return 1;
}

int
psw_lock_take(const struct psw_store *st, struct psw_lock *lk,
    const char *path, int timeout_ms, struct psw_err *e)
{
	char host[256], line[320], mine[PATH_MAX + 32];
	long long deadline, wait = 1;
	long age, pid;
	int len;

	lk->held = 0;
	lk->fd = -1;
	if ((lk->path = strdup(path)) == NULL)
		return psw_error(e, PSW_EIO, "out of memory");
	if (gethostname(host, sizeof host) < 0)
		snprintf(host, sizeof host, "unknown");
	host[sizeof host - 1] = '\0';
	len = snprintf(line, sizeof line, "%ld %s\n", (long)getpid(), host);
	/*
	 * Write "pid host" to a file of our own, then link() it to the lock
	 * path: link is atomic and fails if the lock exists (also on NFS),
	 * and a lock file never exists without its content.
	 */
	snprintf(mine, sizeof mine, "%s.%ld", path, (long)getpid());
	cleanup_add(mine);
	if (put_lock_file(mine, line, (size_t)len, lk) < 0) {
		int err = errno;

		unlink(mine);
		cleanup_del(mine);
		psw_error_errno(e, PSW_EIO, err, "cannot create lock '%s'",
		    path);
		goto fail;
	}
	deadline = now_ms() + timeout_ms;
	for (;;) {
		if (link(mine, path) == 0)
			break;
		if (errno != EEXIST) {
			psw_error_errno(e, PSW_EIO, errno,
			    "cannot create lock '%s'", path);
			unlink(mine);
			cleanup_del(mine);
			goto fail;
		}
		if (lock_is_stale(path, &age, &pid)) {
			if (break_stale(path, pid) == 0)
				psw_store_warn(st, "removed stale lock '%s' "
				    "left by process %ld (%lds old)", path, pid,
				    age);
			continue;
		}
		if (now_ms() >= deadline) {
			psw_error(e, PSW_ELOCKED, "'%s' is locked by process "
			    "%ld for %lds; try again later", path, pid, age);
			unlink(mine);
			cleanup_del(mine);
			goto fail;
		}
		/* Woken by the holder's release: try again at once. */
		if (gate_wait(path, deadline - now_ms()) == 1) {
			wait = 1;
			continue;
		}
		{
			struct timespec ts = { 0, wait * 1000000L };

			nanosleep(&ts, NULL);
		}
		if (wait < 8)
			wait *= 2;
	}
	cleanup_add(path);
	unlink(mine);
	cleanup_del(mine);
	lk->held = 1;
	return 0;
fail:
	if (lk->fd >= 0)
		close(lk->fd);
	lk->fd = -1;
	free(lk->path);
	lk->path = NULL;
	return -e->code;
}

void
psw_lock_release(struct psw_lock *lk)
{
	struct stat sb;

	if (lk->path == NULL)
		return;
	if (lk->held) {
		/* Forget it for the signal handler first, so a signal now
		 * cannot remove a lock someone takes after our unlink. */
		cleanup_del(lk->path);
		/* Remove only our own lock file (not one that replaced it). */
		if (lstat(lk->path, &sb) == 0 && sb.st_ino == lk->ino &&
		    sb.st_dev == lk->dev)
			unlink(lk->path);
	}
	/* Then let go of flock(): waiters wake and find the lock gone. */
	if (lk->fd >= 0)
		close(lk->fd);
	lk->fd = -1;
	free(lk->path);
	lk->path = NULL;
	lk->held = 0;
}

/* --- Files -------------------------------------------------------- */

int
psw_parent_dir(const char *path, char *dir, size_t size)
{
	char *slash;

	if (strlen(path) >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(dir, path);
	if ((slash = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	return 0;
}

int
psw_sync_parent(const char *path)
{
	char dir[PATH_MAX];
	int fd, rc;

	if (psw_parent_dir(path, dir, sizeof dir) < 0)
		return -1;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* "<path>.tmp" into buf (PATH_MAX); 0, or -1 when too long. */
static int
tmp_path(const char *path, char *buf)
{
	return (size_t)snprintf(buf, PATH_MAX, "%s.tmp", path) >= PATH_MAX ?
	    -1 : 0;
}

int
psw_write_tmp(const char *path, const char *name, const void *data,
    size_t len, struct psw_err *e)
{
	const char *p = data;
	char tmp[PATH_MAX];
	ssize_t n;
	int fd, rc;

	if (tmp_path(path, tmp) < 0)
		return psw_error(e, PSW_EIO, "path '%s' is too long", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0)
		return psw_error_errno(e, PSW_EIO, errno,
		    "cannot write '%s.tmp'", name);
	cleanup_add(tmp);
	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = psw_error_errno(e, PSW_EIO, n < 0 ? errno : EIO,
			    "cannot write '%s.tmp'", name);
			close(fd);
			goto fail;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) < 0) {
		rc = psw_error_errno(e, PSW_EIO, errno,
		    "cannot sync '%s.tmp' to disk", name);
		close(fd);
		goto fail;
	}
	if (close(fd) < 0) {
		rc = psw_error_errno(e, PSW_EIO, errno,
		    "cannot close '%s.tmp'", name);
		goto fail;
	}
	return 0;
fail:
	psw_discard(path);
	return rc;
}

void
psw_discard(const char *path)
{
	char tmp[PATH_MAX];

	if (tmp_path(path, tmp) < 0)
		return;
	unlink(tmp);
	cleanup_del(tmp);
}

int
psw_replace(const char *path, const char *name, struct psw_err *e)
{
	char tmp[PATH_MAX];
	int rc;

	if (tmp_path(path, tmp) < 0)
		return psw_error(e, PSW_EIO, "path '%s' is too long", path);
	if (rename(tmp, path) < 0) {
		rc = psw_error_errno(e, PSW_EIO, errno,
		    "cannot replace '%s'", name);
		psw_discard(path);
		return rc;
	}
	cleanup_del(tmp);
	if (psw_sync_parent(path) < 0)
		return psw_error_errno(e, PSW_EIO, errno,
		    "'%s' was replaced but its folder could not be synced, so "
		    "the change may not survive a crash", name);
	return 0;
}

int
psw_write_atomic(const char *path, const char *name, const void *data,
    size_t len, struct psw_err *e)
{
	int rc;

	if ((rc = psw_write_tmp(path, name, data, len, e)) < 0)
		return rc;
	return psw_replace(path, name, e);
}

/*
 * A copy of s fit for one tab-separated field: control characters (a tab
 * or newline in a worker name from psw.yaml) become '?'.  Returns buf.
 */
static const char *
audit_field(const char *s, char *buf, size_t size)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < size; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' :
		    s[i];
	buf[i] = '\0';
	return buf;
}

int
psw_audit(const struct psw_store *st, const char *action, const char *client,
    struct psw_err *e)
{
	char stamp[32], line[512], worker[128];
	struct tm tm;
	time_t now;
	int fd, n;

	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	n = snprintf(line, sizeof line, "%s\t%s\t%s\t%s\t%s", stamp,
	    audit_field(st->set.worker, worker, sizeof worker),
	    st->prog != NULL ? st->prog : "psw", action,
	    client != NULL ? client : "-");
	if (n < 0 || (size_t)n >= sizeof line - 1)
		n = (int)sizeof line - 2;
	line[n++] = '\n';
	fd = open(st->audit_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (fd < 0)
		return psw_error_errno(e, PSW_EIO, errno,
		    "cannot open audit log '%s'", st->audit_path);
	if (write(fd, line, (size_t)n) != n || fsync(fd) < 0) {
		int err = errno;

		close(fd);
		return psw_error_errno(e, PSW_EIO, err,
		    "cannot write audit log '%s'", st->audit_path);
	}
	if (close(fd) < 0)
		return psw_error_errno(e, PSW_EIO, errno,
		    "cannot write audit log '%s'", st->audit_path);
	return 0;
}
