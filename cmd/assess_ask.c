/*
 * assess_ask.c - administering an instrument item by item.
 *
 * On a terminal: the terminal is put in non-canonical mode without echo
 * or signals, one item is shown at a time with its options, a digit key
 * answers (items that allow numbers above 9 take digits and Enter), b
 * goes back, s skips (a missing answer), and a summary with the score
 * asks to save (y), go back (b) or cancel (q, n).  Ctrl-C, Ctrl-D, a
 * hang-up or SIGINT/SIGTERM cancel.  The terminal is restored on every
 * way out.  Nothing is locked or written here: the caller records the
 * confirmed answers afterwards.
 *
 * Piped (standard input not a terminal): the same keys, one a line: a
 * number answers, b goes back, s, ~, - or an empty line skips, y saves,
 * q or n cancels; the end of the input before y cancels.  No prompts are
 * shown; a line that is not an answer is an error (exit 3).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "assess.h"
#include "output.h"

enum ev {
	EV_ANSWER,
	EV_BACK,
	EV_SKIP,
	EV_YES,
	EV_CANCEL,
	EV_BAD,
	EV_ERROR,		/* read error: exit 5 */
};

struct ask {
	struct psw_cli *cli;
	const struct psw_instrument *in;
	int tty;		/* a terminal, in non-canonical mode */
	FILE *out;		/* prompts (the terminal), NULL when piped */
	struct termios saved;
	int restore;		/* saved holds the terminal's settings */
	struct sigaction old[3];
	size_t lineno;		/* piped: lines read */
	char bad[128];		/* EV_BAD: what was wrong */
};

static const int ask_signals[3] = { SIGINT, SIGTERM, SIGHUP };
static volatile sig_atomic_t ask_signal;
static struct termios *ask_saved;	/* for the handler */

/* A signal cancels: restore the terminal now, let read() return EINTR. */
static void
on_signal(int sig)
{
	ask_signal = sig;
	if (ask_saved != NULL)
		tcsetattr(STDIN_FILENO, TCSANOW, ask_saved);
}

static int
tty_begin(struct ask *k)
{
	struct sigaction sa;
	struct termios raw;
	int i;

	if (tcgetattr(STDIN_FILENO, &k->saved) < 0)
		return -1;
	raw = k->saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
	raw.c_iflag |= ICRNL;
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	ask_signal = 0;
	ask_saved = &k->saved;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;	/* no SA_RESTART: read() returns */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 3; i++)
		sigaction(ask_signals[i], &sa, &k->old[i]);
	k->restore = 1;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) < 0)
		return -1;
	return 0;
}

static void
tty_end(struct ask *k)
{
	int i;

	if (!k->restore)
		return;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &k->saved);
	for (i = 0; i < 3; i++)
		sigaction(ask_signals[i], &k->old[i], NULL);
	ask_saved = NULL;
	k->restore = 0;
}

/* Is v allowed for item it? */
static int
item_allows(const struct psw_item *it, int v)
{
	size_t i;

	for (i = 0; i < it->nallowed; i++)
		if (it->allowed[i] == v)
			return 1;
	return 0;
}

/* "0-3" or "0, 2 or 4" into buf. */
static const char *
allowed_text(const struct psw_item *it, char *buf, size_t size)
{
	size_t i, len = 0;
	int run = 1;

	for (i = 1; i < it->nallowed; i++)
		if (it->allowed[i] != it->allowed[i - 1] + 1)
			run = 0;
	if (run && it->nallowed > 2) {
		snprintf(buf, size, "%d-%d", it->allowed[0],
		    it->allowed[it->nallowed - 1]);
		return buf;
	}
	buf[0] = '\0';
	for (i = 0; i < it->nallowed && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%d",
		    i == 0 ? "" : i + 1 == it->nallowed ? " or " : ", ",
		    it->allowed[i]);
	return buf;
}

/*
 * One key event from the terminal.  it is the item being answered, or
 * NULL at the summary.
 */
static enum ev
tty_key(struct ask *k, const struct psw_item *it, int *value)
{
	char num[8];
	size_t n = 0;
	int multi = it != NULL && it->allowed[it->nallowed - 1] > 9;
	unsigned char c;
	ssize_t r;

	for (;;) {
		/* A signal that lands between the check and read() would be
		 * missed by a blocking read: wait in short polls. */
		struct pollfd pfd = { STDIN_FILENO, POLLIN, 0 };

		while (!ask_signal && poll(&pfd, 1, 100) == 0)
			;
		if (ask_signal)
			return EV_CANCEL;
		r = read(STDIN_FILENO, &c, 1);
		if (ask_signal)
			return EV_CANCEL;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return errno == EIO ? EV_CANCEL : EV_ERROR;
		if (r == 0 || c == 3 || c == 4)	/* EOF, Ctrl-C, Ctrl-D */
			return EV_CANCEL;
		if (c == 'q' || c == 'Q')
			return EV_CANCEL;
		if ((c == 'n' || c == 'N') && it == NULL)
			return EV_CANCEL;
		if ((c == 'y' || c == 'Y') && it == NULL)
			return EV_YES;
		if (c == 'b' || c == 'B')
			return EV_BACK;
		if ((c == 's' || c == 'S') && it != NULL)
			return EV_SKIP;
		if (it == NULL)
			continue;
		if (c >= '0' && c <= '9') {
			if (!multi) {
				*value = c - '0';
				if (item_allows(it, *value))
					return EV_ANSWER;
				snprintf(k->bad, sizeof k->bad, "%c is not an "
				    "answer to this item", c);
				return EV_BAD;
			}
			if (n + 1 < sizeof num) {
				num[n++] = (char)c;
				fputc(c, k->out);
			}
			continue;
		}
		if ((c == 0x7f || c == 0x08) && n > 0) {
			n--;
			fputs("\b \b", k->out);
			continue;
		}
		if ((c == '\n' || c == '\r') && n > 0) {
			num[n] = '\0';
			*value = atoi(num);
			if (item_allows(it, *value))
				return EV_ANSWER;
			snprintf(k->bad, sizeof k->bad, "%s is not an answer "
			    "to this item", num);
			return EV_BAD;
		}
		/* Any other key is ignored. */
	}
}

/* One line from standard input as an event. */
static enum ev
pipe_key(struct ask *k, const struct psw_item *it, int *value)
{
	char line[128], *s, *end;
	size_t len;
	long v;

	if (fgets(line, sizeof line, stdin) == NULL)
		return ferror(stdin) ? EV_ERROR : EV_CANCEL;
	k->lineno++;
	len = strlen(line);
	if (len == sizeof line - 1 && line[len - 1] != '\n') {
		snprintf(k->bad, sizeof k->bad, "the line is too long");
		return EV_BAD;
	}
	while (len > 0 && strchr(" \t\r\n", line[len - 1]) != NULL)
		line[--len] = '\0';
	s = line + strspn(line, " \t");
	if (strcmp(s, "q") == 0 || strcmp(s, "n") == 0 ||
	    strcmp(s, "no") == 0)
		return EV_CANCEL;
	if (strcmp(s, "b") == 0)
		return EV_BACK;
	if (it == NULL) {
		if (strcmp(s, "y") == 0 || strcmp(s, "yes") == 0)
			return EV_YES;
		snprintf(k->bad, sizeof k->bad, "'%.40s' after the last item: "
		    "give y to save, b to go back or q to cancel", s);
		return EV_BAD;
	}
	if (*s == '\0' || strcmp(s, "s") == 0 || strcmp(s, "~") == 0 ||
	    strcmp(s, "-") == 0)
		return EV_SKIP;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*s >= '0' && *s <= '9' && *end == '\0' && errno == 0 &&
	    v <= 1000) {
		*value = (int)v;
		if (item_allows(it, *value))
			return EV_ANSWER;
	}
	snprintf(k->bad, sizeof k->bad, "'%.40s' is not an answer to this "
	    "item", s);
	return EV_BAD;
}

static void
show_item(struct ask *k, size_t i, const int *answers)
{
	const struct psw_item *it = &k->in->items[i];
	char buf[128];
	size_t j;

	fprintf(k->out, "\n%s, item %zu of %zu%s\n", k->in->id, i + 1,
	    k->in->nitems, it->is_label ? " (a short label: read the "
	    "published wording)" : "");
	fprintf(k->out, "  ");
	psw_put_text(k->out, it->text);
	fputc('\n', k->out);
	for (j = 0; j < it->noptions; j++) {
		fprintf(k->out, "    %d  ", it->options[j].value);
		psw_put_text(k->out, it->options[j].label);
		fputc('\n', k->out);
	}
	if (answers[i] != PSW_ANSWER_MISSING)
		fprintf(k->out, "  (answered %d)\n", answers[i]);
	fprintf(k->out, "answer %s, b back, s skip, q cancel: ",
	    allowed_text(it, buf, sizeof buf));
	fflush(k->out);
}

static void
show_summary(struct ask *k, const char *label, const char *date,
    const int *answers, const struct psw_score *sc)
{
	char num[32], buf[512];
	const char *l;
	size_t i;

	fprintf(k->out, "\n\nsummary: %s for %s on %s\n", k->in->id, label,
	    date);
	for (i = 0; i < k->in->nitems; i++) {
		const struct psw_item *it = &k->in->items[i];

		if (answers[i] == PSW_ANSWER_MISSING) {
			fprintf(k->out, "%4zu. -  (skipped)", i + 1);
		} else {
			fprintf(k->out, "%4zu. %d", i + 1, answers[i]);
			if ((l = assess_option_label(it, answers[i])) != NULL) {
				fprintf(k->out, "  ");
				psw_put_text(k->out, l);
			}
		}
		fprintf(k->out, "  -  ");
		psw_put_text(k->out, it->text);
		fputc('\n', k->out);
	}
	if (!sc->ok) {
		fprintf(k->out, "cannot be scored: %s\n", sc->error);
		fprintf(k->out, "b back, q cancel: ");
		fflush(k->out);
		return;
	}
	fprintf(k->out, "score %s", assess_num(sc->total, num));
	if (sc->band != NULL)
		fprintf(k->out, ", %s", sc->band);
	if (sc->prorated)
		fprintf(k->out, " (prorated for %d missing)", sc->missing);
	fputc('\n', k->out);
	if (sc->nsubs > 0)
		fprintf(k->out, "subscales: %s\n", assess_subs_text(sc, buf,
		    sizeof buf));
	for (i = 0; i < sc->nflags; i++)
		fprintf(k->out, "FLAG %s (%s)\n", sc->flags[i].name,
		    psw_level_name(sc->flags[i].level));
	fprintf(k->out, "save? y save, b back, q cancel: ");
	fflush(k->out);
}

int
assess_administer(struct psw_cli *cli, const struct psw_instrument *in,
    const char *label, const char *date, int *answers)
{
	struct psw_score sc;
	struct ask k;
	enum ev ev;
	size_t i = 0;
	int v = 0, rc;

	memset(&sc, 0, sizeof sc);
	memset(&k, 0, sizeof k);
	k.cli = cli;
	k.in = in;
	k.tty = isatty(STDIN_FILENO);
	if (k.tty) {
		k.out = stderr;
		if (tty_begin(&k) < 0) {
			tty_end(&k);
			fprintf(stderr, "%s: cannot set up the terminal: %s\n",
			    cli->prog, strerror(errno));
			return PSW_EIO;
		}
		fprintf(k.out, "%s: ", in->id);
		psw_put_text(k.out, in->name);
		fprintf(k.out, ", for %s on %s\n", label, date);
		if (in->preamble != NULL) {
			psw_put_text(k.out, in->preamble);
			fputc('\n', k.out);
		}
	} else {
		/* Not a terminal and nothing piped: refuse, not cancel. */
		int ch = getc(stdin);

		if (ch == EOF && !ferror(stdin))
			return psw_cli_usage_error(cli, "standard input is not "
			    "a terminal and holds no answers: pipe the answers "
			    "one a line, or use 'psw-assess add --answers'");
		if (ch != EOF)
			ungetc(ch, stdin);
	}
	for (;;) {
		const struct psw_item *it = i < in->nitems ? &in->items[i] :
		    NULL;

		if (it == NULL) {
			psw_instrument_score(in, answers, in->nitems, &sc);
			if (k.tty)
				show_summary(&k, label, date, answers, &sc);
		} else if (k.tty) {
			show_item(&k, i, answers);
		}
		ev = k.tty ? tty_key(&k, it, &v) : pipe_key(&k, it, &v);
		switch (ev) {
		case EV_ANSWER:
			answers[i++] = v;
			if (k.tty) {
				const char *l = assess_option_label(it, v);

				/* Multi-digit answers were echoed already. */
				if (it->allowed[it->nallowed - 1] <= 9)
					fprintf(k.out, "%d", v);
				if (l != NULL) {
					fprintf(k.out, "  ");
					psw_put_text(k.out, l);
				}
				fputc('\n', k.out);
			}
			break;
		case EV_SKIP:
			answers[i++] = PSW_ANSWER_MISSING;
			if (k.tty)
				fprintf(k.out, "skipped\n");
			break;
		case EV_BACK:
			if (i > 0)
				i--;
			if (k.tty)
				fprintf(k.out, "back\n");
			break;
		case EV_YES:
			if (!sc.ok) {
				if (!k.tty) {
					fprintf(stderr, "%s: stdin:%zu: cannot "
					    "save: %s\n", cli->prog, k.lineno,
					    sc.error);
					return PSW_EDATA;
				}
				break;
			}
			if (k.tty)
				fprintf(k.out, "y\n");
			tty_end(&k);
			return 0;
		case EV_CANCEL:
			if (k.tty)
				fputc('\n', k.out);
			tty_end(&k);
			fprintf(stderr, "%s: cancelled; nothing was written\n",
			    cli->prog);
			return ASSESS_CANCELLED;
		case EV_BAD:
			if (!k.tty) {
				fprintf(stderr, "%s: stdin:%zu: %s\n",
				    cli->prog, k.lineno, k.bad);
				return PSW_EDATA;
			}
			fprintf(k.out, "\n%s\n", k.bad);
			break;
		case EV_ERROR:
			rc = errno;
			tty_end(&k);
			fprintf(stderr, "%s: cannot read the answers: %s\n",
			    cli->prog, strerror(rc));
			return PSW_EIO;
		}
	}
}
