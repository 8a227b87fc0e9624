/*
 * test_csv.c - the RFC 4180 reader and writer: quoting, line breaks in
 * fields, line ends, UTF-8, BOM, short and long records, and every
 * refusal with its line and column.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "buf.h"
#include "csv.h"

/* Open text, expecting success. */
static void
open_ok(struct psw_csv *c, const char *text)
{
	struct psw_err e;

	assert_int_equal(psw_csv_open_mem(c, text, strlen(text), "t.csv", &e),
	    0);
}

static void
test_quoting(void **state)
{
	struct psw_csv c;
	struct psw_err e;

	(void)state;
	open_ok(&c, "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
	    "1,,3\n");
	assert_int_equal(psw_csv_read_header(&c, &e), 0);
	assert_int_equal(psw_csv_next(&c, &e), 1);
	assert_int_equal(c.nfields, 3);
	assert_string_equal(psw_csv_get(&c, "a"), "x, y");
	assert_string_equal(psw_csv_get(&c, "b"), "say \"hi\"");
	assert_string_equal(psw_csv_get(&c, "c"), "two\nlines");
	assert_int_equal(psw_csv_next(&c, &e), 1);
	assert_int_equal(c.rec_line, 4);	/* after the line inside quotes */
	assert_string_equal(psw_csv_get(&c, "b"), "");
	assert_string_equal(psw_csv_get(&c, "c"), "3");
	assert_string_equal(psw_csv_get(&c, "nope"), "");
	assert_int_equal(psw_csv_next(&c, &e), 0);
	psw_csv_release(&c);
}

static void
test_bom_cr_short_long_blank(void **state)
{
	struct psw_csv c;
	struct psw_err e;

	(void)state;
	open_ok(&c, "\xef\xbb\xbfid , name\r\r\n1\r2,Zoë,extra,more\r\n\r\n"
	    "\"\",\"\"");
	assert_int_equal(psw_csv_read_header(&c, &e), 0);
	assert_int_equal(psw_csv_col(&c, "id"), 0);	/* BOM gone, trimmed */
	assert_int_equal(psw_csv_col(&c, "name"), 1);
	assert_int_equal(psw_csv_next(&c, &e), 1);	/* blank line skipped */
	assert_int_equal(c.rec_line, 3);
	assert_string_equal(psw_csv_get(&c, "id"), "1");
	assert_string_equal(psw_csv_get(&c, "name"), "");	/* short */
	assert_int_equal(psw_csv_next(&c, &e), 1);	/* lone CR ends a line */
	assert_int_equal(c.rec_line, 4);
	assert_int_equal(c.nfields, 4);
	assert_string_equal(psw_csv_get(&c, "name"), "Zoë");
	assert_int_equal(psw_csv_next(&c, &e), 1);	/* no final newline */
	assert_int_equal(c.nfields, 2);
	assert_string_equal(psw_csv_field(&c, 1), "");
	assert_int_equal(psw_csv_next(&c, &e), 0);
	psw_csv_release(&c);
}

/* Reading all of text fails at line:col with msg in the message. */
static void
fails_at(const char *text, int line, int col, const char *msg)
{
	struct psw_csv c;
	struct psw_err e;
	int rc;

	psw_err_clear(&e);
	rc = psw_csv_open_mem(&c, text, strlen(text), "t.csv", &e);
	if (rc == 0) {
		rc = psw_csv_read_header(&c, &e);
		while (rc == 0 && (rc = psw_csv_next(&c, &e)) == 1)
			rc = 0;
	}
	assert_int_equal(rc, -PSW_EDATA);
	assert_string_equal(e.file, "t.csv");
	assert_int_equal(e.line, line);
	assert_int_equal(e.col, col);
	if (strstr(e.msg, msg) == NULL)
		fail_msg("'%s' does not say '%s'", e.msg, msg);
	psw_csv_release(&c);
}

static void
test_refusals(void **state)
{
	(void)state;
	fails_at("a,b\n1,\"open\n\n", 2, 3, "unterminated quoted field");
	fails_at("a,b\n1,\"x\"y\n", 2, 6, "after a closing quote");
	fails_at("a,b\n1,x\"y\n", 2, 4, "quote inside an unquoted field");
	fails_at("a,b\nok,\xff\n", 2, 4, "not valid UTF-8");
	fails_at("a,b\nok,\xc3\x28\n", 2, 4, "not valid UTF-8");
	fails_at("a,a\n", 1, 1, "appears twice");
	fails_at("", 1, 1, "no header");
	{
		static const char nul[] = "a\nx\0y\n";
		struct psw_csv c;
		struct psw_err e;

		assert_int_equal(psw_csv_open_mem(&c, nul, sizeof nul - 1,
		    "t.csv", &e), -PSW_EDATA);
		assert_int_equal(e.line, 2);
		assert_int_equal(e.col, 2);
		psw_csv_release(&c);
	}
}

static void
test_writer_round_trip(void **state)
{
	static const char *const row[] = {
		"plain", "a,b", "say \"x\"", "two\r\nlines", " lead", "", "é"
	};
	struct psw_buf b = PSW_BUF_INIT;
	struct psw_csv c;
	struct psw_err e;
	size_t i;

	(void)state;
	psw_csv_put_row(&b, row, 7);
	assert_string_equal(b.s, "plain,\"a,b\",\"say \"\"x\"\"\","
	    "\"two\r\nlines\",\" lead\",,é\r\n");
	open_ok(&c, b.s);
	assert_int_equal(psw_csv_next(&c, &e), 1);
	assert_int_equal(c.nfields, 7);
	for (i = 0; i < 7; i++)
		assert_string_equal(psw_csv_field(&c, i), row[i]);
	psw_csv_release(&c);
	psw_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_bom_cr_short_long_blank),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_writer_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
