/*
 * cli.c - what every psw command shares.
 */
#include <sys/stat.h>

#include <errno.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "cli.h"
#include "doc.h"
#include "output.h"
#include "txn.h"

/* Warnings from the library come here. */
static void
lib_warn(void *arg, const char *msg)
{
	struct psw_cli *cli = arg;

	/* Problems with files always show; notes are chatter. */
	if (cli->quiet && strncmp(msg, "note:", 5) == 0)
		return;
	psw_cli_warn(cli, "%s", msg);
}

void
psw_cli_init(struct psw_cli *cli, const char *prog)
{
	memset(cli, 0, sizeof *cli);
	cli->prog = prog;
	cli->today = PSW_DATE_NONE;
	umask(077);
	signal(SIGPIPE, SIG_IGN);
#if defined(__GLIBC__)
	/*
	 * Keep the top of the heap: parsing a client allocates and frees
	 * about 100 KB (libyaml's buffers, the document's arena), and by
	 * default glibc gives it back to the system each time and faults
	 * it in again for the next file, a tenth of a full index build.
	 * The tools are short-lived; the peak does not change.
	 */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_TOP_PAD, 1 << 20);
#endif
}

int
psw_cli_option(struct psw_cli *cli, int c, const char *arg)
{
	switch (c) {
	case PSW_OPT_HOME:
		cli->home = arg;
		return 1;
	case PSW_OPT_AS_OF:
		cli->as_of = arg;
		return 1;
	case PSW_OPT_FORMAT:
		cli->format = arg;
		return 1;
	case 'q':
		cli->quiet = 1;
		return 1;
	case 'e':
		cli->exit_status = 1;
		return 1;
	case 'h':
		cli->help = 1;
		return 1;
	case PSW_OPT_VERSION:
		cli->version = 1;
		return 1;
	}
	return 0;
}

/*
 * Write one message line: "prog: msg".  Whatever the message quotes (a
 * value from a file, an argument) is shown with control characters,
 * escape sequences and bidirectional overrides escaped, so a message is
 * always one line and never drives the terminal.
 */
static void put_msg(struct psw_cli *, const char *, va_list)
    __attribute__((format(printf, 2, 0)));

static void
put_msg(struct psw_cli *cli, const char *fmt, va_list ap)
{
	char msg[PSW_ERR_MSG + 600];

	vsnprintf(msg, sizeof msg, fmt, ap);
	fprintf(stderr, "%s: ", cli->prog);
	psw_put_text(stderr, msg);
	fputc('\n', stderr);
}

static void
put_msgf(struct psw_cli *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
put_msgf(struct psw_cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put_msg(cli, fmt, ap);
	va_end(ap);
}

/* The command prefix for messages: "psw-plan" or "psw-plan list". */
static void
hint(struct psw_cli *cli)
{
	fprintf(stderr, "%s: try '%s%s%s --help'\n", cli->prog, cli->prog,
	    cli->cmd ? " " : "", cli->cmd ? cli->cmd : "");
}

int
psw_cli_bad_option(struct psw_cli *cli, int c, char **argv)
{
	const char *opt = argv[optind - 1];

	if (c == ':')
		put_msgf(cli, "option '%s' needs a value", opt);
	else if (optopt != 0 && optopt < 0x100)
		put_msgf(cli, "unknown option '-%c'", optopt);
	else
		put_msgf(cli, "unknown option '%s'", opt);
	hint(cli);
	return PSW_EUSAGE;
}

int
psw_cli_usage_error(struct psw_cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put_msg(cli, fmt, ap);
	va_end(ap);
	hint(cli);
	return PSW_EUSAGE;
}

void
psw_cli_error(struct psw_cli *cli, const struct psw_err *e)
{
	char buf[PSW_ERR_MSG + 600];

	fflush(stdout);
	put_msgf(cli, "%s", psw_err_format(e, buf, sizeof buf));
}

void
psw_cli_warn(struct psw_cli *cli, const char *fmt, ...)
{
	va_list ap;

	cli->nwarnings++;
	va_start(ap, fmt);
	put_msg(cli, fmt, ap);
	va_end(ap);
}

int
psw_cli_today(struct psw_cli *cli, struct psw_err *e)
{
	return psw_date_today(cli->as_of, &cli->today, e);
}

int
psw_cli_format(struct psw_cli *cli, unsigned allowed, enum psw_format *out,
    struct psw_err *e)
{
	*out = PSW_FMT_TEXT;
	if (cli->format == NULL)
		return 0;
	return psw_format_parse(cli->format, allowed, out, e);
}

int
psw_cli_open(struct psw_cli *cli, int flags, struct psw_err *e)
{
	int rc;

	if (cli->today == PSW_DATE_NONE && (rc = psw_cli_today(cli, e)) < 0)
		return rc;
	rc = psw_store_open(&cli->store, cli->home,
	    (flags & PSW_CLI_WRITE) ? PSW_STORE_CREATE : 0, cli->prog, e);
	if (rc < 0)
		return rc;
	cli->store_open = 1;
	cli->store.warn = lib_warn;
	cli->store.warn_arg = cli;
	if (flags & PSW_CLI_NOINDEX)
		return 0;
	if ((rc = psw_index_open_scan(&cli->index, &cli->store, e)) < 0)
		return rc;
	cli->index_open = 1;
	return psw_index_sync(&cli->index, NULL, e);
}

int
psw_cli_finish(struct psw_cli *cli, int rc)
{
	int err = 0;

	if (cli->index_open)
		psw_index_close(&cli->index);
	if (cli->store_open)
		psw_store_release(&cli->store);
	cli->index_open = cli->store_open = 0;
	if (fflush(stdout) == EOF || ferror(stdout))
		err = errno ? errno : EIO;
	if (rc == 0 && psw_out_oom()) {
		put_msgf(cli, "out of memory (the output is incomplete)");
		return PSW_EIO;
	}
	if (err != 0 && err != EPIPE) {
		fprintf(stderr, "%s: cannot write output: %s\n", cli->prog,
		    strerror(err));
		return PSW_EIO;
	}
	return rc;
}

int
psw_cli_print_version(struct psw_cli *cli)
{
	printf("%s %s\n", cli->prog, PSW_VERSION);
	return 0;
}

int
psw_cli_global(struct psw_cli *cli, int argc, char **argv, const char *usage)
{
	static const struct option opts[] = { PSW_CLI_LONGOPTS, { 0 } };
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, PSW_CLI_SHORTOPTS, opts,
	    NULL)) != -1) {
		if (c == '?' || c == ':')
			return psw_cli_bad_option(cli, c, argv);
		psw_cli_option(cli, c, optarg);
	}
	if (cli->version)
		return psw_cli_print_version(cli);
	if (optind < argc)
		return -1;
	fputs(usage, cli->help ? stdout : stderr);
	return cli->help ? 0 : PSW_EUSAGE;
}

int
psw_cli_fail(struct psw_cli *cli, const struct psw_err *e)
{
	psw_cli_error(cli, e);
	return e->code ? (int)e->code : PSW_EIO;
}

int
psw_cli_parse(struct psw_cli *cli, int argc, char **argv,
    const struct option *local, size_t nlocal,
    int (*local_fn)(void *, int, const char *), void *arg,
    const char *usage)
{
	static const struct option common[] = { PSW_CLI_LONGOPTS };
	struct option opts[32];
	size_t ncommon = sizeof common / sizeof common[0], i;
	int c, rc;

	for (i = 0; i < ncommon; i++)
		opts[i] = common[i];
	for (i = 0; i < nlocal && ncommon + i < 31; i++)
		opts[ncommon + i] = local[i];
	memset(&opts[ncommon + i], 0, sizeof opts[0]);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":qeh", opts, NULL)) != -1) {
		if (psw_cli_option(cli, c, optarg))
			continue;
		if (c == '?' || c == ':')
			return psw_cli_bad_option(cli, c, argv);
		if (local_fn != NULL && (rc = local_fn(arg, c, optarg)) >= 0)
			return rc;
	}
	if (cli->help) {
		fputs(usage, stdout);
		return 0;
	}
	return -1;
}

int
psw_cli_read_stdin(struct psw_buf *b)
{
	char chunk[4096];
	size_t n;

	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
		if (psw_buf_add(b, chunk, n) < 0 || b->len > PSW_DOC_MAX_SCALAR)
			return -1;
	}
	return ferror(stdin) ? -1 : 0;
}

int
psw_cli_one_id(struct psw_cli *cli, int argc, char **argv, const char *what,
    const char **id)
{
	struct psw_err e;

	if (argc - optind != 1)
		return psw_cli_usage_error(cli, "%s needs one client id", what);
	*id = argv[optind];
	if (psw_id_check(*id, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	return -1;
}

int
psw_cli_query_table(struct psw_cli *cli, sqlite3_stmt *s,
    enum psw_format fmt, const struct psw_column *cols, size_t ncols,
    size_t nq, void (*fix)(struct psw_cli *, const char **, char *),
    const char *what)
{
	struct psw_table *t;
	struct psw_out out;
	struct psw_err e;
	char scratch[64];
	size_t rows, i;
	int rc;

	psw_out_init(&out, stdout, fmt);
	if (ncols > PSW_CLI_MAX_CELLS ||
	    (t = psw_table_new(&out, cols, ncols)) == NULL) {
		sqlite3_finalize(s);
		psw_error(&e, PSW_EIO, "out of memory");
		return psw_cli_fail(cli, &e);
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *cells[PSW_CLI_MAX_CELLS] = { NULL };

		for (i = 0; i < nq && i < ncols; i++)
			cells[i] = (const char *)sqlite3_column_text(s,
			    (int)i);
		if (fix != NULL)
			fix(cli, cells, scratch);
		if (psw_table_row(t, cells) < 0)
			break;
	}
	sqlite3_finalize(s);
	rows = psw_table_rows(t);
	psw_table_end(t);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		psw_index_error(&cli->index, rc, what, &e);
		return psw_cli_fail(cli, &e);
	}
	return rows == 0 && cli->exit_status ? PSW_EEMPTY : 0;
}

int
psw_cli_begin(struct psw_cli *cli, const char *id, struct psw_txn *t)
{
	struct psw_err e;

	if (psw_cli_open(cli, PSW_CLI_WRITE | PSW_CLI_NOINDEX, &e) < 0 ||
	    psw_txn_begin(&cli->store, id, 0, t, &e) < 0)
		return psw_cli_fail(cli, &e);
	return -1;
}

int
psw_cli_commit(struct psw_cli *cli, struct psw_txn *t, const char *action)
{
	struct psw_err e;

	if (psw_txn_commit(t, NULL, action, &e) < 0)
		return psw_cli_fail(cli, &e);
	return 0;
}

int
psw_cli_oom(struct psw_cli *cli, struct psw_txn *t)
{
	struct psw_err e;

	if (t != NULL)
		psw_txn_abort(t);
	psw_error(&e, PSW_EIO, "out of memory");
	return psw_cli_fail(cli, &e);
}

int
psw_cli_main(const char *prog, int argc, char **argv, const char *usage,
    const struct psw_cli_command *cmds, size_t n)
{
	struct psw_cli cli;
	size_t i;
	int rc;

	psw_cli_init(&cli, prog);
	if ((rc = psw_cli_global(&cli, argc, argv, usage)) >= 0)
		return psw_cli_finish(&cli, rc);
	for (i = 0; i < n; i++) {
		if (strcmp(argv[optind], cmds[i].name) == 0) {
			cli.cmd = cmds[i].name;
			rc = cmds[i].fn(&cli, argc - optind, argv + optind);
			return psw_cli_finish(&cli, rc);
		}
	}
	rc = psw_cli_usage_error(&cli, "unknown command '%s'", argv[optind]);
	return psw_cli_finish(&cli, rc);
}
