/*
 * fuzz_cli.c - command-line parsing of one psw binary (FUZZ_TOOL names
 * it; its cmd/ sources are built with main renamed psw_tool_main).  The
 * input is split at NUL bytes into the arguments after the program name;
 * the command then runs for real in a private temporary case folder
 * holding one client (fixture.yaml) and one service, put back before
 * every run.  Standard input is empty, standard output and the
 * command's messages go to /dev/null (sanitizer reports still reach
 * file descriptor 2; PSW_FUZZ_VERBOSE=1 shows the messages).  Arguments that would leave the temporary folder
 * (--home, export-hsds) are not run.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

#define MAX_ARGS 24

int psw_tool_main(int, char **);

static char root[200];
static char *client_text, *service_text;
static size_t client_len, service_len;
static FILE *devnull;

static char *
slurp(const char *path, size_t *len)
{
	char *buf;
	long n;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL || fseek(fp, 0, SEEK_END) < 0 ||
	    (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) < 0 ||
	    (buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		perror(path);
		abort();
	}
	fclose(fp);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static void
put(const char *rel, const char *text, size_t len)
{
	char path[512];
	int fd;

	snprintf(path, sizeof path, "%s/%s", root, rel);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
	    write(fd, text, len) != (ssize_t)len)
		abort();
	close(fd);
}

/* Remove every file in root/rel but index.db and psw.yaml. */
static void
sweep(const char *rel, int all)
{
	char dir[512], path[768];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof dir, "%s/%s", root, rel);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || (!all &&
		    (strcmp(de->d_name, "index.db") == 0 ||
		    strcmp(de->d_name, "clients") == 0 ||
		    strcmp(de->d_name, "services") == 0)))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (unlink(path) < 0)
			rmdir(path);
	}
	closedir(d);
}

static void
cleanup(void)
{
	char path[512];

	sweep("clients", 1);
	sweep("services", 1);
	sweep("home", 1);
	sweep(".", 1);
	snprintf(path, sizeof path, "%s/clients", root);
	rmdir(path);
	snprintf(path, sizeof path, "%s/services", root);
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
	snprintf(root, sizeof root, "%s/psw-fuzz-cli.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		abort();
	}
	atexit(cleanup);
	snprintf(path, sizeof path, "%s/clients", root);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/services", root);
	mkdir(path, 0700);
	client_text = slurp(FUZZ_FIXTURE "/fixture.yaml", &client_len);
	service_text = slurp(FUZZ_FIXTURE "/fixture-service.yaml",
	    &service_len);
	setenv("PSW_HOME", root, 1);
	setenv("PSW_TODAY", "2026-11-28", 1);
	setenv("TZ", "UTC", 1);
	/* psw-plan edit runs an editor: one that changes nothing. */
	setenv("VISUAL", "true", 1);
	setenv("EDITOR", "true", 1);
	unsetenv("PSW_INDEX");
	unsetenv("XDG_DATA_HOME");
	if (chdir(root) < 0)
		abort();
	if (freopen("/dev/null", "r", stdin) == NULL ||
	    freopen("/dev/null", "w", stdout) == NULL ||
	    (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2], *copy;
	FILE *saved;
	size_t i;
	int argc = 0;

	if (root[0] == '\0')
		LLVMFuzzerInitialize(NULL, NULL);
	if ((copy = fuzz_str(data, size)) == NULL)
		return 0;
	argv[argc++] = (char *)FUZZ_TOOL;
	for (i = 0; i <= size && argc <= MAX_ARGS; ) {
		char *arg = copy + i;

		if (strncmp(arg, "--ho", 4) == 0 ||
		    strcmp(arg, "export-hsds") == 0) {
			free(copy);
			return 0;
		}
		argv[argc++] = arg;
		i += strlen(arg) + 1;
	}
	argv[argc] = NULL;
	sweep(".", 0);
	sweep("clients", 1);
	sweep("services", 1);
	put("clients/alex-m.yaml", client_text, client_len);
	put("services/housing-first.yaml", service_text, service_len);
	optind = 0;
	saved = stderr;
	if (getenv("PSW_FUZZ_VERBOSE") == NULL)
		stderr = devnull;
	(void)psw_tool_main(argc, argv);
	stderr = saved;
	fflush(stdout);
	free(copy);
	return 0;
}
