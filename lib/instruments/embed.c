/*
 * embed.c - turn instrument definitions (YAML files) into a C source file
 * holding them as byte arrays, so the library carries its built-in set.
 *
 * usage: embed OUTPUT.c FILE.yaml...
 *
 * Bytes, not string literals: C only promises 4095 characters in one
 * literal.  The files are embedded in the order given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The file's base name, for the name messages use. */
static const char *
base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

int
main(int argc, char **argv)
{
	FILE *out, *in;
	size_t len;
	int i, c;

	if (argc < 2) {
		fprintf(stderr, "usage: embed OUTPUT.c FILE.yaml...\n");
		return 2;
	}
	if ((out = fopen(argv[1], "w")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	fprintf(out, "/* Made by lib/instruments/embed.c: do not edit. */\n"
	    "#include \"instruments_builtin.h\"\n\n");
	for (i = 2; i < argc; i++) {
		if ((in = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			return 1;
		}
		fprintf(out, "static const char def%d[] = {", i - 2);
		for (len = 0; (c = getc(in)) != EOF; len++)
			fprintf(out, "%s0x%02x,", len % 12 == 0 ? "\n\t" : " ",
			    (unsigned)c);
		fprintf(out, "\n\t0x00\n};\n");
		if (ferror(in)) {
			perror(argv[i]);
			return 1;
		}
		fclose(in);
	}
	fprintf(out, "\nconst struct psw_builtin_instrument "
	    "psw_builtin_instruments[] = {\n");
	for (i = 2; i < argc; i++)
		fprintf(out, "\t{ \"lib/instruments/%s\", def%d, "
		    "sizeof def%d - 1 },\n", base(argv[i]), i - 2, i - 2);
	if (argc == 2)
		fprintf(out, "\t{ NULL, NULL, 0 },\n");
	fprintf(out, "};\n\nconst size_t psw_builtin_instruments_count = %d;\n",
	    argc - 2);
	if (fclose(out) != 0) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
