/*
 * psw-assess - standard instruments, scoring, risk flags and reliable change.
 *
 * The commands of this tool are still to come; it already shares the
 * common options and conventions of every psw tool.
 */
#include <getopt.h>
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
	static const struct option opts[] = { PSW_CLI_LONGOPTS, { 0 } };
	struct psw_cli cli;
	int c;

	psw_cli_init(&cli, "psw-assess");
	opterr = 0;
	while ((c = getopt_long(argc, argv, PSW_CLI_SHORTOPTS, opts,
	    NULL)) != -1) {
		if (c == '?' || c == ':')
			return psw_cli_finish(&cli,
			    psw_cli_bad_option(&cli, c, argv));
		psw_cli_option(&cli, c, optarg);
	}
	if (cli.version)
		return psw_cli_finish(&cli, psw_cli_print_version(&cli));
	if (optind >= argc) {
		fputs(usage_text, cli.help ? stdout : stderr);
		return psw_cli_finish(&cli, cli.help ? 0 : PSW_EUSAGE);
	}
	return psw_cli_finish(&cli, psw_cli_usage_error(&cli,
	    "unknown command '%s'", argv[optind]));
}
