/*
 * report.h - psw-report's subcommands, one group a file:
 *
 *   report.c           main, due, what the reports share
 *   report_weekly.c    weekly
 *   report_caseload.c  caseload, missing
 *   report_outcomes.c  outcomes
 *
 * Each command function takes the subcommand's own argv (argv[0] is its
 * name) and returns the exit status.
 */
#ifndef PSW_REPORT_H
#define PSW_REPORT_H

#include "cli.h"
#include "deid.h"
#include "due.h"

int cmd_weekly(struct psw_cli *, int, char **);
int cmd_caseload(struct psw_cli *, int, char **);
int cmd_missing(struct psw_cli *, int, char **);
int cmd_outcomes(struct psw_cli *, int, char **);

/*
 * The options every report shares: --worker, --deidentify and --notes.
 * report_opt() handles them (returns -1 when it did, 0 when not).
 */
enum {
	ROPT_WORKER = PSW_OPT_FIRST_LOCAL,
	ROPT_DEID,
	ROPT_NOTES,
	ROPT_LOCAL			/* each command's own from here */
};

#define REPORT_LONGOPTS \
	{ "worker", required_argument, NULL, ROPT_WORKER }, \
	{ "deidentify", no_argument, NULL, ROPT_DEID }, \
	{ "notes", no_argument, NULL, ROPT_NOTES }
#define REPORT_NLONGOPTS 3

struct report {
	struct psw_cli *cli;
	const char *worker;
	int deidentify, notes;
	struct psw_deid deid;		/* when deidentify */
	int due_first;			/* report_due: each client's first
					 * item only */
	int due_upcoming;		/* report_due: none overdue */
};

int report_opt(struct report *r, int c, const char *val);

/*
 * After the index is open: load the pseudonym key when de-identifying.
 * 0 or -code (e filled).
 */
int report_start(struct report *r, struct psw_err *e);

/* What a report shows for client id: the id, or its pseudonym (buf). */
const char *report_client(const struct report *r, const char *id,
    char *buf);

/* Fail with an SQLite error; returns the exit code. */
int report_db_fail(struct report *r, int rc, const char *what);

/* Print an error about running out of memory; returns PSW_EIO. */
int report_oom(struct report *r);

/*
 * The items due in [today, until] or overdue for the report's worker
 * (and optional client), all kinds; only the first of each client when
 * r->due_first is set, none overdue when r->due_upcoming is.  0 or
 * -code.
 */
int report_due(struct report *r, psw_date today, psw_date until,
    const char *client, struct psw_due_list *l, struct psw_err *e);

/* A short "3d overdue", "today", "in 2d" into buf (>= 24). */
char *report_when(int days, char *buf, size_t size);

/*
 * Rows kept to be sorted before they are written (a de-identified report
 * is ordered by pseudonym, so the order tells nothing about the ids).
 */
struct report_rows {
	char ***v;			/* rows of ncols cells, each row
					 * one allocation */
	size_t n, cap, ncols;
};

/* Copy one row; 0 or -1 on OOM. */
int report_rows_add(struct report_rows *rs, const char *const *cells);

/* Write every row, sorted by the first two columns when sort is set. */
int report_rows_emit(struct report_rows *rs, struct psw_out *out,
    const struct psw_column *cols, int sort);
void report_rows_release(struct report_rows *rs);
/* Sort the rows by their first two columns. */
void report_rows_sort(struct report_rows *rs);

#endif
