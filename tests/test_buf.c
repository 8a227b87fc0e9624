/*
 * test_buf.c - the growable buffer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"

static void
test_append(void **state)
{
	struct psw_buf b = PSW_BUF_INIT;
	char *s;
	int i;

	(void)state;
	assert_int_equal(psw_buf_adds(&b, "abc"), 0);
	assert_int_equal(psw_buf_addc(&b, '-'), 0);
	assert_int_equal(psw_buf_addf(&b, "%d/%s", 42, "x"), 0);
	assert_string_equal(b.s, "abc-42/x");
	assert_int_equal(b.len, 8);
	for (i = 0; i < 10000; i++)
		psw_buf_addc(&b, 'z');
	assert_int_equal(b.len, 10008);
	assert_int_equal(b.s[b.len], '\0');
	psw_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.s, "");
	psw_buf_adds(&b, "keep");
	s = psw_buf_detach(&b);
	assert_string_equal(s, "keep");
	assert_null(b.s);
	free(s);
	psw_buf_release(&b);
}

static void
test_detach_empty(void **state)
{
	struct psw_buf b = PSW_BUF_INIT;
	char *s;

	(void)state;
	s = psw_buf_detach(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
}

static void
test_binary(void **state)
{
	struct psw_buf b = PSW_BUF_INIT;

	(void)state;
	psw_buf_add(&b, "a\0b", 3);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.s, "a\0b", 3);
	psw_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_detach_empty),
		cmocka_unit_test(test_binary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
