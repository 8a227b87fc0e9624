/*
 * psw-assess - standard instruments, scoring, risk flags and reliable change.
 *
 * The commands of this tool are still to come; it already shares the
 * common options and conventions of every psw tool.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
"usage: psw-assess [options] command [arguments]\n"
"\n"
"standard instruments, scoring, risk flags and reliable change.\n"
"No commands are available in this version yet; see psw(7).\n"
"\n"
"options: --home DIR, --as-of DATE, --format F, -q, -e, -h, --version\n"
"exit status: 0 ok, 1 empty with -e, 2 usage, 3 bad data, 4 locked,\n"
"5 I/O error.\n";

int
main(int argc, char **argv)
{
	struct psw_cli cli;
	int rc;

	psw_cli_init(&cli, "psw-assess");
	if ((rc = psw_cli_global(&cli, argc, argv, usage_text)) >= 0)
		return psw_cli_finish(&cli, rc);
	return psw_cli_finish(&cli, psw_cli_usage_error(&cli,
	    "unknown command '%s'", argv[optind]));
}
