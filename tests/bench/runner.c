/*
 * runner.c - run a command RUNS times and print the median wall time in
 * milliseconds and the largest peak resident set of one run in MB, each
 * run measured on its own (fork, exec, wait4: no shell in the timing).
 *
 *   runner [-p PREP] [-i FILE] RUNS CMD [ARG ...]
 *
 * -p runs the shell command PREP before each run, untimed; -i gives the
 * command FILE on its standard input.  The command's output goes to
 * /dev/null; its exit status is ignored (the benchmark times the work).
 */
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	const char *prep = NULL, *in = "/dev/null";
	struct timespec t0, t1;
	struct rusage ru;
	double *ms;
	long peak = 0;
	int c, runs, i, st, fd;
	pid_t pid;

	while ((c = getopt(argc, argv, "+p:i:")) != -1) {
		if (c == 'p')
			prep = optarg;
		else if (c == 'i')
			in = optarg;
		else
			return 2;
	}
	argc -= optind;
	argv += optind;
	if (argc < 2 || (runs = atoi(argv[0])) <= 0) {
		fprintf(stderr, "usage: runner [-p PREP] [-i FILE] RUNS CMD "
		    "[ARG ...]\n");
		return 2;
	}
	if ((ms = calloc((size_t)runs, sizeof *ms)) == NULL)
		return 5;
	for (i = 0; i < runs; i++) {
		if (prep != NULL && system(prep) != 0) {
			fprintf(stderr, "runner: %s: failed\n", prep);
			return 5;
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if ((pid = fork()) < 0) {
			perror("runner: fork");
			return 5;
		}
		if (pid == 0) {
			if ((fd = open(in, O_RDONLY)) >= 0) {
				dup2(fd, 0);
				close(fd);
			}
			if ((fd = open("/dev/null", O_WRONLY)) >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
				close(fd);
			}
			execvp(argv[1], argv + 1);
			_exit(127);
		}
		if (wait4(pid, &st, 0, &ru) < 0) {
			perror("runner: wait4");
			return 5;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
			fprintf(stderr, "runner: cannot run %s\n", argv[1]);
			return 5;
		}
		ms[i] = (t1.tv_sec - t0.tv_sec) * 1e3 +
		    (t1.tv_nsec - t0.tv_nsec) / 1e6;
		if (ru.ru_maxrss > peak)
			peak = ru.ru_maxrss;
	}
	qsort(ms, (size_t)runs, sizeof *ms, cmp);
	printf("%.3f %.1f\n", runs % 2 ? ms[runs / 2] :
	    (ms[runs / 2 - 1] + ms[runs / 2]) / 2, peak / 1024.0);
	free(ms);
	return 0;
}
