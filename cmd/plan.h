/*
 * plan.h - psw-plan's subcommands, one group a file:
 *
 *   plan.c        main, list, validate, new, note
 *   plan_goals.c  goal, action, review; templates for new
 *   plan_care.c   team, consent, strength, need, safety
 *   plan_show.c   show
 *   plan_edit.c   set, close, reopen, edit
 *
 * Each function takes the subcommand's own argv (argv[0] is its name)
 * and returns the exit status.
 */
#ifndef PSW_PLAN_H
#define PSW_PLAN_H

#include "cli.h"

struct psw_buf;
struct psw_client;
struct psw_doc;
struct psw_template;

/* plan_goals.c */
int plan_goal(struct psw_cli *, int, char **);
int plan_action(struct psw_cli *, int, char **);
int plan_review(struct psw_cli *, int, char **);
/*
 * Load and check $PSW_HOME/templates/<name>.yaml after psw_cli_open;
 * prints every problem.  -1 when *tpl is ready (the caller frees *tdoc),
 * else the exit status.
 */
int plan_template_load(struct psw_cli *, const char *name,
    struct psw_doc **tdoc, struct psw_template **tpl);
/* plan_care.c: each dispatches its own subcommands (team add, ...). */
int plan_team(struct psw_cli *, int, char **);
int plan_consent(struct psw_cli *, int, char **);
int plan_strength(struct psw_cli *, int, char **);
int plan_need(struct psw_cli *, int, char **);
int plan_safety(struct psw_cli *, int, char **);
/* plan_edit.c */
int plan_set(struct psw_cli *, int, char **);
int plan_close(struct psw_cli *, int, char **);
int plan_reopen(struct psw_cli *, int, char **);
int plan_edit(struct psw_cli *, int, char **);
/*
 * Text from the editor ($VISUAL, $EDITOR, vi) on an empty private file
 * named fname: -1 when out holds it (the caller releases it), else the
 * exit status after saying why not.
 */
int plan_editor_text(struct psw_cli *, const char *fname,
    struct psw_buf *out);
/* plan_show.c */
int plan_show(struct psw_cli *, int, char **);
/*
 * Read client id's file (no lock) after psw_cli_open; problems are
 * printed (file:line:col).  -1 when *doc and *c are ready (the caller
 * frees *doc), else the exit status.
 */
/*
 * The day of client id's latest risk flag (an assessment, not voided,
 * whose score raised one), from the synced index; PSW_DATE_NONE when
 * none.  0 or -code (e filled).
 */
int plan_risk_flag(struct psw_cli *, const char *id, psw_date *out,
    struct psw_err *e);
int plan_load_client(struct psw_cli *, const char *id, struct psw_doc **doc,
    struct psw_client **c);

#endif
