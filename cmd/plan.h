/*
 * plan.h - psw-plan's subcommands, one group a file:
 *
 *   plan.c        main, list, validate, new, note
 *   plan_care.c   team, consent, strength, need, safety
 *
 * Each function takes the subcommand's own argv (argv[0] is its name)
 * and returns the exit status.
 */
#ifndef PSW_PLAN_H
#define PSW_PLAN_H

#include "cli.h"

/* plan_care.c: each dispatches its own subcommands (team add, ...). */
int plan_team(struct psw_cli *, int, char **);
int plan_consent(struct psw_cli *, int, char **);
int plan_strength(struct psw_cli *, int, char **);
int plan_need(struct psw_cli *, int, char **);
int plan_safety(struct psw_cli *, int, char **);

#endif
