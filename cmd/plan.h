/*
 * plan.h - psw-plan's subcommands, one group a file:
 *
 *   plan.c        main, list, validate, new, note
 *
 * Each function takes the subcommand's own argv (argv[0] is its name)
 * and returns the exit status.
 */
#ifndef PSW_PLAN_H
#define PSW_PLAN_H

#include "cli.h"

#endif
