/*
 * killer.c - run a command and SIGKILL it (its whole process group) a
 * given time after it started (tests/crash.sh).
 *
 *   killer MIN_US MAX_US SEED command [args...]
 *
 * The delay is drawn log-uniformly from [MIN_US, MAX_US] with SEED, so
 * short delays, which land inside a fast command, are as likely as long
 * ones.  Exit status: the command's own when it ended first, 137 when it
 * was killed, 126 when it could not be started.  The delay drawn is
 * printed on stderr as "killer: DELAY_US".
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/wait.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct timespec ts;
	double lo, hi, u;
	long delay;
	pid_t pid;
	int status;

	if (argc < 5) {
		fprintf(stderr, "usage: killer MIN_US MAX_US SEED command "
		    "[args...]\n");
		return 2;
	}
	lo = atof(argv[1]);
	hi = atof(argv[2]);
	srand48(atol(argv[3]));
	u = drand48();
	delay = (long)exp(log(lo) + u * (log(hi) - log(lo)));
	fprintf(stderr, "killer: %ld\n", delay);
	if ((pid = fork()) < 0)
		return 126;
	if (pid == 0) {
		setpgid(0, 0);
		execvp(argv[4], argv + 4);
		_exit(126);
	}
	setpgid(pid, pid);
	ts.tv_sec = delay / 1000000;
	ts.tv_nsec = (delay % 1000000) * 1000;
	nanosleep(&ts, NULL);
	kill(-pid, SIGKILL);
	if (waitpid(pid, &status, 0) < 0)
		return 126;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
