/*
 * trivial.c - the startup floor: a program that does nothing, linked
 * the way the psw tools are (libpsw, libyaml, SQLite, libm), so that
 * the dynamic loader maps the same libraries.  It names one symbol of
 * each, or the linker would drop them as not needed.
 */
#include <math.h>
#include <stdio.h>

#include <sqlite3.h>
#include <yaml.h>

#include "buf.h"

int
main(int argc, char **argv)
{
	struct psw_buf b = PSW_BUF_INIT;

	(void)argv;
	if (argc > 1) {
		psw_buf_adds(&b, sqlite3_libversion());
		printf("%s %s %g\n", b.s, yaml_get_version_string(),
		    floor(argc + 0.5));
		psw_buf_release(&b);
	}
	return 0;
}
