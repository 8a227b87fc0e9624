/*
 * deid.c - pseudonyms and age bands.
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "deid.h"
#include "sha256.h"

static const char hexd[] = "0123456789abcdef";

/* Parse 64 hex digits (and an optional newline) into key; 0 or -1. */
static int
parse_key(const char *s, size_t n, unsigned char *key)
{
	size_t i;
	const char *a, *b;

	if (n == 2 * PSW_DEID_KEYLEN + 1 && s[n - 1] == '\n')
		n--;
	if (n != 2 * PSW_DEID_KEYLEN)
		return -1;
	for (i = 0; i < PSW_DEID_KEYLEN; i++) {
		if ((a = strchr(hexd, s[2 * i])) == NULL || s[2 * i] == '\0' ||
		    (b = strchr(hexd, s[2 * i + 1])) == NULL ||
		    s[2 * i + 1] == '\0')
			return -1;
		key[i] = (unsigned char)((a - hexd) << 4 | (b - hexd));
	}
	return 0;
}

/* Read an existing key file; 0, 1 when missing, or -code. */
static int
read_key(const char *path, unsigned char *key, struct psw_err *e)
{
	char s[2 * PSW_DEID_KEYLEN + 8];
	struct stat sb;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		if (errno == ENOENT)
			return 1;
		return psw_error_errno(e, PSW_EIO, errno, "cannot open '%s'",
		    path);
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    (sb.st_mode & 077) != 0) {
		close(fd);
		return psw_error(e, PSW_EIO, "'%s' must be a regular file "
		    "only its owner can read (0600)", path);
	}
	n = read(fd, s, sizeof s);
	close(fd);
	if (n < 0)
		return psw_error_errno(e, PSW_EIO, errno, "cannot read '%s'",
		    path);
	if (parse_key(s, (size_t)n, key) < 0)
		return psw_error(e, PSW_EDATA, "'%s' is not a pseudonym key "
		    "(64 hex digits); restore it from a backup", path);
	return 0;
}

int
psw_deid_open(struct psw_deid *d, const struct psw_store *st,
    struct psw_err *e)
{
	unsigned char key[PSW_DEID_KEYLEN];
	char hex[2 * PSW_DEID_KEYLEN + 1];
	struct psw_buf path = PSW_BUF_INIT, tmp = PSW_BUF_INIT;
	size_t i, got;
	ssize_t n;
	int fd, rc;

	psw_buf_addf(&path, "%s/deid.key", st->home);
	psw_buf_addf(&tmp, "%s/deid.key.%ld.tmp", st->home, (long)getpid());
	if (path.oom || tmp.oom) {
		rc = psw_error(e, PSW_EIO, "out of memory");
		goto out;
	}
	if ((rc = read_key(path.s, d->key, e)) <= 0)
		goto out;
	for (got = 0; got < sizeof key; got += (size_t)n) {
		n = getrandom(key + got, sizeof key - got, 0);
		if (n < 0 && errno != EINTR) {
			rc = psw_error_errno(e, PSW_EIO, errno, "cannot make "
			    "a pseudonym key");
			goto out;
		}
		if (n < 0)
			n = 0;
	}
	for (i = 0; i < sizeof key; i++) {
		hex[2 * i] = hexd[key[i] >> 4];
		hex[2 * i + 1] = hexd[key[i] & 15];
	}
	hex[sizeof hex - 1] = '\n';
	fd = open(tmp.s, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0) {
		rc = psw_error_errno(e, PSW_EIO, errno, "cannot create '%s'",
		    tmp.s);
		goto out;
	}
	if (write(fd, hex, sizeof hex) != (ssize_t)sizeof hex ||
	    fsync(fd) < 0) {
		rc = psw_error_errno(e, PSW_EIO, errno, "cannot write '%s'",
		    tmp.s);
		close(fd);
		unlink(tmp.s);
		goto out;
	}
	close(fd);
	/* link() never replaces: when another run made the key first, its
	 * key is the one every report uses. */
	if (link(tmp.s, path.s) < 0 && errno != EEXIST) {
		rc = psw_error_errno(e, PSW_EIO, errno, "cannot create '%s'",
		    path.s);
		unlink(tmp.s);
		goto out;
	}
	unlink(tmp.s);
	rc = read_key(path.s, d->key, e);
	if (rc > 0)
		rc = psw_error(e, PSW_EIO, "'%s' vanished", path.s);
out:
	memset(key, 0, sizeof key);
	psw_buf_release(&path);
	psw_buf_release(&tmp);
	return rc < 0 ? rc : 0;
}

char *
psw_deid_client(const struct psw_deid *d, const char *id, char *buf)
{
	unsigned char mac[PSW_SHA256_LEN];
	struct psw_buf msg = PSW_BUF_INIT;
	int i;

	psw_buf_adds(&msg, "psw-client:");
	psw_buf_adds(&msg, id);
	psw_hmac_sha256(d->key, sizeof d->key, msg.s ? msg.s : "",
	    msg.len, mac);
	psw_buf_release(&msg);
	buf[0] = 'c';
	buf[1] = '-';
	for (i = 0; i < 5; i++) {
		buf[2 + 2 * i] = hexd[mac[i] >> 4];
		buf[3 + 2 * i] = hexd[mac[i] & 15];
	}
	buf[12] = '\0';
	return buf;
}

int
psw_age(psw_date dob, psw_date today)
{
	int y0, m0, d0, y1, m1, d1, age;

	if (dob == PSW_DATE_NONE || dob > today)
		return -1;
	psw_date_to_ymd(dob, &y0, &m0, &d0);
	psw_date_to_ymd(today, &y1, &m1, &d1);
	age = y1 - y0;
	if (m1 < m0 || (m1 == m0 && d1 < d0))
		age--;
	return age;
}

char *
psw_age_band(psw_date dob, psw_date today, char *buf, size_t size)
{
	int age = psw_age(dob, today);

	if (age < 0)
		snprintf(buf, size, "%s", "");
	else
		snprintf(buf, size, "%d-%d", age / 5 * 5, age / 5 * 5 + 4);
	return buf;
}
