/*
 * pty_run.c - run a command on a pseudo-terminal and drive it from a
 * script, for testing interactive commands (not installed).
 *
 * usage: pty_run SCRIPT COMMAND [ARG...]
 *
 * The command runs in a new session whose controlling terminal is the
 * pty (its standard input, output and error).  SCRIPT is a file of lines:
 *
 *   expect TEXT   wait (at most 10 s) until the output since the last
 *                 match holds TEXT; on timeout exit 124
 *   send TEXT     write TEXT to the terminal; \n \r \t \\ and \xHH escapes
 *   sleep MS      wait MS milliseconds, reading output meanwhile
 *   signal NAME   send INT, TERM or HUP to the command
 *   hangup        close the terminal (the command sees end of input)
 *   # ...         a comment
 *
 * Everything the command writes to the terminal is copied to standard
 * output.  After the script, the output is read to its end and the exit
 * status is the command's (128 + N when killed by signal N).
 */
#define _XOPEN_SOURCE 700

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TIMEOUT_MS 10000

static int master = -1;
static char *seen;		/* output since the last match */
static size_t nseen, capseen;

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Read what is there within ms; 0, or -1 at the end of the output. */
static int
pump(int ms)
{
	struct pollfd p;
	char buf[4096];
	ssize_t n;

	if (master < 0)
		return -1;
	p.fd = master;
	p.events = POLLIN;
	if (poll(&p, 1, ms) <= 0)
		return 0;
	n = read(master, buf, sizeof buf);
	if (n <= 0)
		return -1;	/* EIO: every slave descriptor is closed */
	fwrite(buf, 1, (size_t)n, stdout);
	fflush(stdout);
	if (nseen + (size_t)n + 1 > capseen) {
		capseen = (nseen + (size_t)n + 1) * 2;
		if ((seen = realloc(seen, capseen)) == NULL) {
			perror("pty_run");
			exit(125);
		}
	}
	memcpy(seen + nseen, buf, (size_t)n);
	nseen += (size_t)n;
	seen[nseen] = '\0';
	return 0;
}

/* Wait until the output holds text; then forget the output up to it. */
static int
expect(const char *text)
{
	long end = now_ms() + TIMEOUT_MS;
	char *at;

	for (;;) {
		if (seen != NULL && (at = strstr(seen, text)) != NULL) {
			size_t off = (size_t)(at - seen) + strlen(text);

			memmove(seen, seen + off, nseen - off + 1);
			nseen -= off;
			return 0;
		}
		if (now_ms() > end)
			break;
		if (pump(100) < 0 && (seen == NULL ||
		    strstr(seen, text) == NULL))
			break;
	}
	fprintf(stderr, "pty_run: timed out waiting for '%s'\n", text);
	return -1;
}

/* Undo \n \r \t \\ \xHH in s (in place); returns the length. */
static size_t
unescape(char *s)
{
	char *o = s, *p = s;

	while (*p != '\0') {
		if (*p != '\\' || p[1] == '\0') {
			*o++ = *p++;
			continue;
		}
		p++;
		switch (*p) {
		case 'n': *o++ = '\n'; p++; break;
		case 'r': *o++ = '\r'; p++; break;
		case 't': *o++ = '\t'; p++; break;
		case 'x': {
			char hex[3] = { 0 };

			if (p[1] != '\0')
				hex[0] = p[1];
			if (p[1] != '\0' && p[2] != '\0')
				hex[1] = p[2];
			*o++ = (char)strtol(hex, NULL, 16);
			p += 1 + strlen(hex);
			break;
		}
		default: *o++ = *p++; break;
		}
	}
	*o = '\0';
	return (size_t)(o - s);
}

int
main(int argc, char **argv)
{
	char line[1024], *name, *arg;
	int slave, status, sig;
	FILE *script;
	pid_t pid;
	size_t len;

	if (argc < 3) {
		fprintf(stderr, "usage: pty_run SCRIPT COMMAND [ARG...]\n");
		return 125;
	}
	if ((script = fopen(argv[1], "r")) == NULL) {
		perror(argv[1]);
		return 125;
	}
	if ((master = posix_openpt(O_RDWR | O_NOCTTY)) < 0 ||
	    grantpt(master) < 0 || unlockpt(master) < 0 ||
	    (name = ptsname(master)) == NULL) {
		perror("pty_run: pseudo-terminal");
		return 125;
	}
	if ((pid = fork()) < 0) {
		perror("pty_run: fork");
		return 125;
	}
	if (pid == 0) {
		close(master);
		setsid();
		if ((slave = open(name, O_RDWR)) < 0) {
			perror(name);
			_exit(125);
		}
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		if (slave > 2)
			close(slave);
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	while (fgets(line, sizeof line, script) != NULL) {
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		arg = strchr(line, ' ');
		arg = arg != NULL ? arg + 1 : line + len;
		if (strncmp(line, "expect ", 7) == 0) {
			unescape(arg);
			if (expect(arg) < 0) {
				kill(pid, SIGKILL);
				waitpid(pid, NULL, 0);
				return 124;
			}
		} else if (strncmp(line, "send ", 5) == 0) {
			size_t n = unescape(arg);

			if (write(master, arg, n) != (ssize_t)n) {
				perror("pty_run: write");
				return 125;
			}
		} else if (strncmp(line, "sleep ", 6) == 0) {
			long end = now_ms() + atol(arg);

			while (now_ms() < end)
				if (pump((int)(end - now_ms())) < 0)
					break;
		} else if (strncmp(line, "signal ", 7) == 0) {
			sig = strcmp(arg, "INT") == 0 ? SIGINT :
			    strcmp(arg, "TERM") == 0 ? SIGTERM : SIGHUP;
			kill(pid, sig);
		} else if (strcmp(line, "hangup") == 0) {
			/* Drain first, then close: the command gets EOF/EIO. */
			pump(50);
			close(master);
			master = -1;
		} else {
			fprintf(stderr, "pty_run: bad script line '%s'\n",
			    line);
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return 125;
		}
	}
	fclose(script);
	/* The rest of the output, until the command is done with the pty. */
	{
		long end = now_ms() + TIMEOUT_MS;

		while (master >= 0 && now_ms() < end)
			if (pump(100) < 0)
				break;
	}
	{
		long end = now_ms() + TIMEOUT_MS;
		pid_t w;

		while ((w = waitpid(pid, &status, WNOHANG)) == 0 &&
		    now_ms() < end)
			usleep(20000);
		if (w == 0) {
			fprintf(stderr, "pty_run: the command did not "
			    "finish\n");
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return 124;
		}
		if (w < 0) {
			perror("pty_run: waitpid");
			return 125;
		}
	}
	free(seen);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
