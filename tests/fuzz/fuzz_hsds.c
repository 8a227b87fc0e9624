/*
 * fuzz_hsds.c - the Open Referral HSDS CSV importer.  The input is split
 * at NUL bytes into the files of an HSDS folder, in this order:
 * services.csv, organizations.csv, phones.csv, languages.csv,
 * service_areas.csv, schedules.csv, attributes.csv, taxonomy_terms.csv,
 * service_at_location.csv, locations.csv, addresses.csv.  The folder is
 * imported into an empty service directory (in a private temporary case
 * folder); an import that succeeds is exported again and the export
 * imported once more, which must succeed.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "fuzz.h"
#include "hsds.h"
#include "store.h"

static const char *const names[] = {
	"services.csv", "organizations.csv", "phones.csv", "languages.csv",
	"service_areas.csv", "schedules.csv", "attributes.csv",
	"taxonomy_terms.csv", "service_at_location.csv", "locations.csv",
	"addresses.csv",
};
#define NFILES (sizeof names / sizeof names[0])

static char root[200];

/* Remove every file in dir (no subfolders are made). */
static void
empty_dir(const char *dir)
{
	char path[512];
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
}

static void
cleanup(void)
{
	char path[512];

	snprintf(path, sizeof path, "%s/home/services", root);
	empty_dir(path);
	rmdir(path);
	snprintf(path, sizeof path, "%s/home", root);
	empty_dir(path);
	rmdir(path);
	snprintf(path, sizeof path, "%s/in", root);
	empty_dir(path);
	rmdir(path);
	snprintf(path, sizeof path, "%s/out", root);
	empty_dir(path);
	rmdir(path);
	rmdir(root);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	char path[512];

	(void)argc;
	(void)argv;
	umask(077);
	snprintf(root, sizeof root, "%s/psw-fuzz-hsds.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		abort();
	}
	snprintf(path, sizeof path, "%s/in", root);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/home", root);
	mkdir(path, 0700);
	atexit(cleanup);
	return 0;
}

static int
write_file(const char *dir, const char *name, const uint8_t *p, size_t n)
{
	char path[512];
	int fd, ok;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		return -1;
	ok = n == 0 || write(fd, p, n) == (ssize_t)n;
	close(fd);
	return ok ? 0 : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct psw_hsds_stats stats;
	struct psw_store st;
	struct psw_err e;
	char in[300], out[300], home[300], services[300];
	const uint8_t *p = data, *end = data + size, *nul;
	size_t i, count;
	int rc;

	if (root[0] == '\0')
		LLVMFuzzerInitialize(NULL, NULL);
	snprintf(in, sizeof in, "%s/in", root);
	snprintf(out, sizeof out, "%s/out", root);
	snprintf(home, sizeof home, "%s/home", root);
	snprintf(services, sizeof services, "%s/home/services", root);
	empty_dir(in);
	empty_dir(services);
	empty_dir(out);
	for (i = 0; i < NFILES && p <= end; i++) {
		nul = memchr(p, '\0', (size_t)(end - p));
		if (write_file(in, names[i], p, (size_t)((nul ? nul : end) -
		    p)) < 0)
			abort();
		if (nul == NULL)
			break;
		p = nul + 1;
	}
	if (psw_store_open(&st, home, PSW_STORE_CREATE, "fuzz", &e) < 0)
		abort();
	memset(&stats, 0, sizeof stats);
	rc = psw_hsds_import(&st, in, &stats, &e);
	if (rc < 0) {
		FUZZ_CHECK(e.code == PSW_EDATA || e.code == PSW_EIO);
		FUZZ_CHECK(e.msg[0] != '\0');
	} else if (psw_hsds_export(&st, out, &count, &e) == 0) {
		/* What was exported imports again (as updates). */
		rc = psw_hsds_import(&st, out, &stats, &e);
		if (rc < 0)
			fprintf(stderr, "re-import: %s:%d: %s\n", e.file,
			    e.line, e.msg);
		FUZZ_CHECK(rc == 0);
	}
	psw_store_release(&st);
	return 0;
}
