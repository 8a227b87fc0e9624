/*
 * refer.h - the groups of psw-refer's subcommands, one file each.
 */
#ifndef PSW_REFER_H
#define PSW_REFER_H

#include "cli.h"

/* refer_services.c: the service directory. */
int refer_services(struct psw_cli *cli, int argc, char **argv);
int refer_service(struct psw_cli *cli, int argc, char **argv);
int refer_import(struct psw_cli *cli, int argc, char **argv);
int refer_export(struct psw_cli *cli, int argc, char **argv);

#endif
