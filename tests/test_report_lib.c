/*
 * test_report_lib.c - the library pieces of psw-report: SHA-256 and
 * HMAC-SHA-256 against the published test vectors (FIPS 180-4 examples,
 * RFC 4231), iCalendar line folding and escaping, pseudonyms and ages.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "deid.h"
#include "due.h"
#include "ics.h"
#include "sha256.h"

static void
hex(const unsigned char *d, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void
sha_is(const void *msg, size_t n, const char *want)
{
	unsigned char d[PSW_SHA256_LEN];
	char h[2 * PSW_SHA256_LEN + 1];

	psw_sha256(msg, n, d);
	hex(d, sizeof d, h);
	assert_string_equal(h, want);
}

/* FIPS 180-4 / NIST CSRC example vectors, and block boundaries. */
static void
test_sha256_vectors(void **state)
{
	char *m;
	struct psw_sha256 c;
	unsigned char d[PSW_SHA256_LEN];
	char h[65];
	size_t i;

	(void)state;
	sha_is("", 0,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha_is("abc", 3,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha_is("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	sha_is("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 112,
	    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
	/* One million 'a', fed in uneven pieces across block edges. */
	m = malloc(1000000);
	assert_non_null(m);
	memset(m, 'a', 1000000);
	psw_sha256_init(&c);
	for (i = 0; i < 1000000; i += 997)
		psw_sha256_update(&c, m + i, i + 997 > 1000000 ?
		    1000000 - i : 997);
	psw_sha256_final(&c, d);
	hex(d, sizeof d, h);
	assert_string_equal(h,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(m);
}

static void
hmac_is(const void *key, size_t nk, const void *msg, size_t nm,
    const char *want)
{
	unsigned char d[PSW_SHA256_LEN];
	char h[65];

	psw_hmac_sha256(key, nk, msg, nm, d);
	hex(d, sizeof d, h);
	assert_string_equal(h, want);
}

/* RFC 4231 test cases 1, 2, 3, 6 and 7 (keys longer than a block). */
static void
test_hmac_vectors(void **state)
{
	unsigned char k[131], m[50];

	(void)state;
	memset(k, 0x0b, 20);
	hmac_is(k, 20, "Hi There", 8,
	    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	hmac_is("Jefe", 4, "what do ya want for nothing?", 28,
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	memset(k, 0xaa, 20);
	memset(m, 0xdd, 50);
	hmac_is(k, 20, m, 50,
	    "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
	memset(k, 0xaa, 131);
	hmac_is(k, 131, "Test Using Larger Than Block-Size Key - Hash Key "
	    "First", 54,
	    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
	hmac_is(k, 131, "This is a test using a larger than block-size key "
	    "and a larger than block-size data. The key needs to be hashed "
	    "before being used by the HMAC algorithm.", 152,
	    "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

/* Write one content line to memory; returns the text (caller frees). */
static char *
ics(const char *name, const char *value, int escape)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	assert_int_equal(psw_ics_line(fp, name, value, escape), 0);
	fclose(fp);
	return buf;
}

static void
test_ics_escape(void **state)
{
	char *s;

	(void)state;
	s = ics("SUMMARY", "a, b; c\\d\nline\r", 1);
	assert_string_equal(s, "SUMMARY:a\\, b\\; c\\\\d\\nline\r\n");
	free(s);
	s = ics("DTSTART;VALUE=DATE", "20261128", 0);
	assert_string_equal(s, "DTSTART;VALUE=DATE:20261128\r\n");
	free(s);
}

static void
test_ics_fold(void **state)
{
	char v[400], *s, *p, *e;
	size_t i, n;
	int lines = 0;

	(void)state;
	/* Exactly 75 octets: no fold. */
	memset(v, 'x', 67);
	v[67] = '\0';
	s = ics("SUMMARY", v, 1);
	assert_int_equal(strlen(s), 75 + 2);
	free(s);
	/* 76: one fold, the continuation a space and one octet. */
	strcat(v, "y");
	s = ics("SUMMARY", v, 1);
	assert_string_equal(s + 75, "\r\n y\r\n");
	free(s);
	/* Multi-byte characters: no line over 75 octets, no fold inside a
	 * character, and unfolding gives the value back. */
	for (i = 0, n = 0; i < 100; i++)
		n += (size_t)sprintf(v + n, "\xc3\xbc");	/* ü */
	s = ics("SUMMARY", v, 1);
	for (p = s; *p != '\0'; p = e + 2) {
		e = strstr(p, "\r\n");
		assert_non_null(e);
		assert_true(e - p <= 75);
		if (p != s) {
			assert_int_equal(*p, ' ');
			assert_true(((unsigned char)p[1] & 0xc0) != 0x80);
		}
		lines++;
	}
	assert_true(lines >= 3);
	free(s);
}

static void
test_age_bands(void **state)
{
	psw_date dob, today;
	char b[16];

	(void)state;
	psw_date_from_ymd(1991, 4, 2, &dob);
	psw_date_from_ymd(2026, 4, 1, &today);
	assert_int_equal(psw_age(dob, today), 34);
	assert_string_equal(psw_age_band(dob, today, b, sizeof b), "30-34");
	psw_date_from_ymd(2026, 4, 2, &today);
	assert_int_equal(psw_age(dob, today), 35);
	assert_string_equal(psw_age_band(dob, today, b, sizeof b), "35-39");
	assert_string_equal(psw_age_band(PSW_DATE_NONE, today, b, sizeof b),
	    "");
	assert_int_equal(psw_age(today + 1, today), -1);
	/* Born on 29 February: a year older on 1 March in other years. */
	psw_date_from_ymd(2000, 2, 29, &dob);
	psw_date_from_ymd(2025, 2, 28, &today);
	assert_int_equal(psw_age(dob, today), 24);
	assert_string_equal(psw_age_band(dob, today, b, sizeof b), "20-24");
	psw_date_from_ymd(2025, 3, 1, &today);
	assert_int_equal(psw_age(dob, today), 25);
	assert_string_equal(psw_age_band(dob, today, b, sizeof b), "25-29");
	psw_date_from_ymd(2028, 2, 29, &today);
	assert_int_equal(psw_age(dob, today), 28);
	/* Born today: 0, the band 0-4. */
	assert_string_equal(psw_age_band(today, today, b, sizeof b), "0-4");
}

static void
test_pseudonym(void **state)
{
	struct psw_deid a, b;
	char p1[PSW_PSEUDONYM_LEN], p2[PSW_PSEUDONYM_LEN];

	(void)state;
	memset(&a, 1, sizeof a);
	memset(&b, 2, sizeof b);
	psw_deid_client(&a, "alex-m", p1);
	assert_int_equal(strlen(p1), 12);
	assert_memory_equal(p1, "c-", 2);
	/* As deid.h says: HMAC-SHA-256(key, "psw-client:" id), 10 hex
	 * digits (computed independently with Python's hmac module). */
	assert_string_equal(p1, "c-78ed99fc82");
	psw_deid_client(&a, "alex-m", p2);
	assert_string_equal(p1, p2);		/* stable */
	psw_deid_client(&b, "alex-m", p2);
	assert_string_not_equal(p1, p2);	/* keyed */
	psw_deid_client(&a, "alex-n", p2);
	assert_string_not_equal(p1, p2);
}

static void
test_kinds_parse(void **state)
{
	struct psw_err e;
	unsigned k;

	(void)state;
	assert_int_equal(psw_due_kinds_parse("action,contact", &k, &e), 0);
	assert_int_equal(k, (1u << PSW_DUE_ACTION) | (1u << PSW_DUE_CONTACT));
	assert_int_equal(psw_due_kinds_parse("safety", &k, &e), 0);
	assert_int_equal(k, 1u << PSW_DUE_SAFETY);
	assert_int_equal(psw_due_kinds_parse("action,", &k, &e), -PSW_EUSAGE);
	assert_int_equal(psw_due_kinds_parse("act", &k, &e), -PSW_EUSAGE);
	assert_non_null(strstr(e.msg, "unknown kind 'act'"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_hmac_vectors),
		cmocka_unit_test(test_ics_escape),
		cmocka_unit_test(test_ics_fold),
		cmocka_unit_test(test_age_bands),
		cmocka_unit_test(test_pseudonym),
		cmocka_unit_test(test_kinds_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
