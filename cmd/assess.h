/*
 * assess.h - psw-assess's subcommands, one group a file:
 *
 *   assess.c          main, instruments, describe, instrument show and
 *                     validate, score; helpers shared by the others
 *   assess_record.c   add, ask, void: recording assessments
 *   assess_ask.c      administering an instrument item by item (a
 *                     terminal, or answers piped one a line)
 *   assess_history.c  list, history, show, change
 *
 * Each command function takes the subcommand's own argv (argv[0] is its
 * name) and returns the exit status.
 */
#ifndef PSW_ASSESS_H
#define PSW_ASSESS_H

#include "cli.h"
#include "client.h"
#include "instrument.h"

/* The exit status of an administration cancelled by the user. */
#define ASSESS_CANCELLED 130

struct psw_json;

/* assess_record.c */
int assess_add(struct psw_cli *, int, char **);
int assess_ask(struct psw_cli *, int, char **);
int assess_void(struct psw_cli *, int, char **);

/* assess_history.c */
int assess_list(struct psw_cli *, int, char **);
int assess_history(struct psw_cli *, int, char **);
int assess_show(struct psw_cli *, int, char **);
int assess_change(struct psw_cli *, int, char **);

/*
 * assess_ask.c: administer `in` to a client (label names the client in
 * the prompts) on the terminal on standard input, or from answers piped
 * one a line when `piped` is set and standard input is not a terminal.
 * answers (in->nitems of them) start as given (PSW_ANSWER_MISSING for
 * none) and hold the confirmed answers.  Returns 0 when the user
 * confirmed, ASSESS_CANCELLED when cancelled (Ctrl-C, Ctrl-D, q, n or
 * the end of the input), or another exit status after printing why.
 */
int assess_administer(struct psw_cli *cli, const struct psw_instrument *in,
    const char *label, const char *date, int *answers);

/* --- assess.c: shared helpers ---------------------------------------- */

/*
 * Load the instruments: the built-in set and the case folder's.  With
 * `opened`, psw_cli_open() has been called; otherwise the folder is used
 * when it exists (built-ins alone when it does not).  -1 when *set is
 * ready, else the exit status after printing why.
 */
int assess_load_set(struct psw_cli *cli, int opened,
    struct psw_instruments **set);

/* The instrument id, or NULL after printing "unknown instrument" (exit 3). */
const struct psw_instrument *assess_find(struct psw_cli *cli,
    const struct psw_instruments *set, const char *id);

/*
 * Read client id's file (not locked: for reading) after psw_cli_open().
 * -1 when *doc and *c are ready (free *doc), else the exit status.
 */
int assess_read_client(struct psw_cli *cli, const char *id,
    struct psw_doc **doc, struct psw_client **c);

/* A score as text: "12", "19.25"; buf holds 32. */
const char *assess_num(double v, char *buf);

/* The flags of sc as "suicidality risk" (names, space-separated). */
const char *assess_flag_names(const struct psw_score *sc, char *buf,
    size_t size);

/*
 * The json members of a score (inside an open object): raw, total, band,
 * flags [{name, level, message}], subscales (when the instrument has
 * any), caseness, missing, prorated.
 */
void assess_json_score(struct psw_json *j, const struct psw_instrument *in,
    const struct psw_score *sc);

/* Subscales as text: "depression 14 moderate, anxiety 8 mild". */
const char *assess_subs_text(const struct psw_score *sc, char *buf,
    size_t size);

/* The option label of answer v to item it; NULL when none. */
const char *assess_option_label(const struct psw_item *it, int v);

/*
 * The scored, non-voided assessments of client c with instrument in, in
 * date order (file order within a day): a new array (free it) of *n;
 * NULL with *n 0 when there are none or on OOM.
 */
struct assess_point {
	const struct psw_assessment *a;
	struct psw_score sc;
};
struct assess_point *assess_points(const struct psw_client *c,
    const struct psw_instrument *in, size_t *n);

#endif
