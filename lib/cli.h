/*
 * cli.h - what every psw command shares: common options, "today", the
 * case folder and index, one error format, exit codes, stdout handling.
 *
 * Common options (before or after the subcommand):
 *   --home DIR      the case folder (> PSW_HOME > XDG_DATA_HOME/psw)
 *   --as-of DATE    what "today" is (> PSW_TODAY > the local date)
 *   --format F      text, tsv, csv, json (and md, html, ics where offered)
 *   -q, --quiet     no chatter on stderr, no confirmation lines
 *   -e, --exit-status  exit 1 when a selection is empty
 *   -h, --help, --version
 *
 * Exit codes are enum psw_code (error.h).
 */
#ifndef PSW_CLI_H
#define PSW_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "date.h"
#include "error.h"
#include "index.h"
#include "output.h"
#include "store.h"

enum {
	PSW_OPT_HOME = 0x100,
	PSW_OPT_AS_OF,
	PSW_OPT_FORMAT,
	PSW_OPT_VERSION,
	PSW_OPT_FIRST_LOCAL = 0x200	/* commands number their own from here */
};

/* The common long options, to put first in a command's option table. */
#define PSW_CLI_LONGOPTS \
	{ "home", required_argument, NULL, PSW_OPT_HOME }, \
	{ "as-of", required_argument, NULL, PSW_OPT_AS_OF }, \
	{ "format", required_argument, NULL, PSW_OPT_FORMAT }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "exit-status", no_argument, NULL, 'e' }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, PSW_OPT_VERSION }
/* Their short forms, to start a command's optstring. */
#define PSW_CLI_SHORTOPTS "+:qeh"

struct psw_cli {
	const char *prog;		/* "psw-plan" */
	const char *cmd;		/* subcommand name, or NULL */
	const char *home;		/* --home */
	const char *as_of;		/* --as-of */
	const char *format;		/* --format, parsed by the command */
	int quiet, exit_status, help, version;
	psw_date today;			/* set by psw_cli_today() */
	struct psw_store store;
	struct psw_index index;
	int store_open, index_open;
	int nwarnings;
};

/*
 * Start a command: umask(077), SIGPIPE ignored (EPIPE is handled at the
 * end), stdout fully buffered.
 */
void psw_cli_init(struct psw_cli *cli, const char *prog);

/*
 * Handle a common option c (from getopt_long) with its argument.
 * Returns 1 when it was one, 0 when not (the command's own).
 */
int psw_cli_option(struct psw_cli *cli, int c, const char *arg);

/*
 * Report a getopt_long problem ('?' or ':') for argv as a usage error:
 * "unknown option '--x'" or "option '--home' needs a value".
 * Returns PSW_EUSAGE.
 */
int psw_cli_bad_option(struct psw_cli *cli, int c, char **argv);

/* Print "prog: message" for a usage problem plus a hint; PSW_EUSAGE. */
int psw_cli_usage_error(struct psw_cli *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Print e as one line on stderr: "prog: file:line:col: msg". */
void psw_cli_error(struct psw_cli *cli, const struct psw_err *e);

/* A warning line on stderr: "prog: text" (the library's notes are
 * suppressed by -q, its problems are not). */
void psw_cli_warn(struct psw_cli *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Decide today (--as-of > PSW_TODAY > local date); 0 or -code. */
int psw_cli_today(struct psw_cli *cli, struct psw_err *e);

#define PSW_CLI_WRITE 1		/* the command will write: create the folder */
#define PSW_CLI_NOINDEX 2	/* open no index and sync nothing: the
				 * command changes one client through
				 * psw_txn_commit(), which updates that
				 * client's rows itself, so its cost does not
				 * grow with the caseload and an unusable
				 * index cannot stop it */

/*
 * Open the case folder and the index, then sync.  Reading commands pass
 * 0 and need an existing folder.  0 or -code (e filled).
 */
int psw_cli_open(struct psw_cli *cli, int flags, struct psw_err *e);

/* Parse cli->format among `allowed` (default text). 0 or -PSW_EUSAGE. */
int psw_cli_format(struct psw_cli *cli, unsigned allowed,
    enum psw_format *out, struct psw_err *e);

/*
 * Finish: close the index and store, flush stdout.  A write error on
 * stdout other than EPIPE is reported and turns rc into PSW_EIO; EPIPE
 * ends quietly with rc.  Returns the exit status.
 */
int psw_cli_finish(struct psw_cli *cli, int rc);

/*
 * Parse the common options before the command word.  Returns -1 when a
 * command word follows (argv[optind]); otherwise prints the version or
 * `usage` (to stdout for --help, else to stderr) and returns the exit
 * status to finish with.
 */
int psw_cli_global(struct psw_cli *cli, int argc, char **argv,
    const char *usage);

/* Print "prog version" to stdout. */
int psw_cli_print_version(struct psw_cli *cli);

struct psw_buf;

/* Print e (psw_cli_error) and return its exit code (PSW_EIO if none). */
int psw_cli_fail(struct psw_cli *cli, const struct psw_err *e);

/*
 * Parse a subcommand's options: the common ones plus `local` (at most
 * 24), numbered from PSW_OPT_FIRST_LOCAL.  Calls local_fn(arg, c, optarg)
 * for each local option; local_fn returns -1 to go on or an exit code to
 * stop with.  Prints `usage` for --help.  Returns -1 when the command
 * should go on (operands from argv[optind]), else the exit code.
 */
int psw_cli_parse(struct psw_cli *cli, int argc, char **argv,
    const struct option *local, size_t nlocal,
    int (*local_fn)(void *, int, const char *), void *arg,
    const char *usage);

/* Read all of stdin into b (at most PSW_DOC_MAX_SCALAR bytes); 0 or -1. */
int psw_cli_read_stdin(struct psw_buf *b);

/*
 * The one client id operand of `what` ("show", "goal add") at
 * argv[optind]: checked, in *id.  -1 when good, else the usage exit
 * ("what needs one client id", or why the id is not one).
 */
int psw_cli_one_id(struct psw_cli *cli, int argc, char **argv,
    const char *what, const char **id);

/* A command word and the function that runs it. */
struct psw_cli_command {
	const char *name;
	int (*fn)(struct psw_cli *, int, char **);
};

/*
 * The whole of a binary's main(): the common options, then the command
 * word looked up in cmds[0..n-1] and run with its own argv.  Returns the
 * exit status.
 */
int psw_cli_main(const char *prog, int argc, char **argv, const char *usage,
    const struct psw_cli_command *cmds, size_t n);

struct psw_txn;

/*
 * Open the case folder to write (no index) and lock client id into t.
 * -1 when t is ready, else the exit status (reported).
 */
int psw_cli_begin(struct psw_cli *cli, const char *id, struct psw_txn *t);

/* Commit t as `action`: 0 or the exit status (reported). */
int psw_cli_commit(struct psw_cli *cli, struct psw_txn *t, const char *action);

/* Abort t (when not NULL), report "out of memory": PSW_EIO. */
int psw_cli_oom(struct psw_cli *cli, struct psw_txn *t);

#define PSW_CLI_MAX_CELLS 16

struct sqlite3_stmt;

/*
 * Print the rows of prepared statement s (finalized here) as a table of
 * ncols (at most PSW_CLI_MAX_CELLS) columns in format fmt: the first nq
 * result columns, then fix(cli, cells, scratch) may fill the rest (fix
 * may be NULL; scratch is 64 bytes for it).  A failed step is "`what`:
 * ..." from the index.  Returns 0, PSW_EEMPTY (no row under -e) or the
 * exit status of the failure, reported.
 */
int psw_cli_query_table(struct psw_cli *cli, struct sqlite3_stmt *s,
    enum psw_format fmt, const struct psw_column *cols, size_t ncols,
    size_t nq, void (*fix)(struct psw_cli *, const char **, char *),
    const char *what);

#endif
