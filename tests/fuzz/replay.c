/*
 * replay.c - run a fuzzing harness over files, without libFuzzer: each
 * argument is a file (one input) or a folder (every file in it).  Used
 * by the test suite to replay the seed corpus and every crash found, in
 * every build (plain, sanitizers, valgrind).  Prints a TAP line per
 * folder or file; a crash ends the program (the test fails).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

__attribute__((weak)) int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static int
run_file(const char *path)
{
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, n;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL) {
		perror(path);
		return -1;
	}
	for (;;) {
		if (len == cap) {
			unsigned char *nb = realloc(buf, cap = cap ? cap * 2 :
			    4096);

			if (nb == NULL) {
				fclose(fp);
				free(buf);
				return -1;
			}
			buf = nb;
		}
		if ((n = fread(buf + len, 1, cap - len, fp)) == 0)
			break;
		len += n;
	}
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
	int i, t = 0, bad = 0;
	FILE *tap;

	/* The TAP lines get a stream of their own: a harness may send
	 * standard output to /dev/null. */
	if ((tap = fdopen(dup(1), "w")) == NULL) {
		perror("replay");
		return 1;
	}
	setvbuf(tap, NULL, _IOLBF, 0);
	/* Absolute paths: a harness may change the working folder. */
	for (i = 1; i < argc && i < 64; i++) {
		static char *abs[64];	/* kept to the end */

		if ((abs[i] = realpath(argv[i], NULL)) != NULL)
			argv[i] = abs[i];
	}
	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		struct stat sb;
		struct dirent *de;
		char **names = NULL, path[4096];
		size_t n = 0, j;
		DIR *d;

		if (stat(argv[i], &sb) < 0) {
			/* A folder with no crashes yet is not there. */
			fprintf(tap, "ok %d - %s # SKIP not there\n", ++t, argv[i]);
			continue;
		}
		if (!S_ISDIR(sb.st_mode)) {
			if (run_file(argv[i]) < 0)
				bad++;
			fprintf(tap, "%sok %d - %s\n", bad ? "not " : "", ++t,
			    argv[i]);
			continue;
		}
		if ((d = opendir(argv[i])) == NULL) {
			perror(argv[i]);
			return 1;
		}
		while ((de = readdir(d)) != NULL) {
			char **nv;

			if (de->d_name[0] == '.')
				continue;
			if ((nv = realloc(names, (n + 1) * sizeof *nv)) ==
			    NULL || (nv[n] = strdup(de->d_name)) == NULL) {
				fprintf(stderr, "replay: out of memory\n");
				return 1;
			}
			names = nv;
			n++;
		}
		closedir(d);
		if (n > 1)
			qsort(names, n, sizeof *names, name_cmp);
		for (j = 0; j < n; j++) {
			snprintf(path, sizeof path, "%s/%s", argv[i],
			    names[j]);
			if (run_file(path) < 0)
				bad++;
			free(names[j]);
		}
		free(names);
		fprintf(tap, "%sok %d - %s: %zu inputs, no crash\n", bad ? "not " :
		    "", ++t, argv[i], n);
	}
	fprintf(tap, "1..%d\n", t);
	fclose(tap);
	return bad ? 1 : 0;
}
