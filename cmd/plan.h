/*
 * plan.h - psw-plan's subcommands, one group a file:
 *
 *   plan.c        main, list, validate, new, note
 *   plan_goals.c  goal, action, review; templates for new
 *
 * Each function takes the subcommand's own argv (argv[0] is its name)
 * and returns the exit status.
 */
#ifndef PSW_PLAN_H
#define PSW_PLAN_H

#include "cli.h"

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

#endif
