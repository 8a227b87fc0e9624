/*
 * test_report_lib.c - the library pieces of psw-report: SHA-256 and
 * HMAC-SHA-256 against the published test vectors (FIPS 180-4 examples,
 * RFC 4231), iCalendar line folding and escaping, pseudonyms and ages,
 * and the dated items the index keeps of a client (psw_due_client_rows).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "date.h"
#include "deid.h"
#include "doc.h"
#include "store.h"
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

/* A client with one item of every kind, and some that must not be. */
static const char due_client[] =
"psw: 1\n"
"id: dana\n"
"name: Dana\n"
"status: active\n"
"opened: 2026-01-05\n"
"worker: sam\n"
"consent:\n"
"  - {id: k1, scope: share-gp, given: 2026-01-05, expires: 2026-11-01}\n"
"  - {id: k2, scope: share-school, given: 2026-01-05, expires: 2026-11-02}\n"
"  - {id: k3, scope: share-gym, given: 2026-01-05, expires: 2026-12-01,"
" revoked: 2026-06-01}\n"
"goals:\n"
"  - id: g1\n"
"    domain: housing\n"
"    title: Find a flat\n"
"    target: 2026-12-05\n"
"    status: active\n"
"    actions:\n"
"      - {id: g1.1, title: Call, due: 2026-11-28}\n"
"      - {id: g1.2, title: Done, due: 2026-11-20, done: 2026-11-21}\n"
"      - {id: g1.3, title: Undated}\n"
"  - id: g2\n"
"    domain: money\n"
"    title: Benefits\n"
"    target: 2026-11-01\n"
"    status: achieved\n"
"    actions:\n"
"      - {id: g2.1, title: Old, due: 2026-11-27}\n"
"review: {every: 90d, next: 2026-12-06}\n"
"referrals:\n"
"  - id: r1\n"
"    service: gp\n"
"    consent: k1\n"
"    urgency: urgent\n"
"    history:\n"
"      - {date: 2026-11-01, status: requested}\n"
"    follow-up: 2026-11-28\n"
"  - id: r2\n"
"    service: debt\n"
"    history:\n"
"      - {date: 2026-11-01, status: requested}\n"
"      - {date: 2026-11-10, status: accepted}\n"
"  - id: r3\n"
"    service: college\n"
"    history:\n"
"      - {date: 2026-11-01, status: completed}\n"
"    follow-up: 2026-11-29\n"
"assessments:\n"
"  - {id: a1, instrument: phq-9, date: 2026-03-01, answers: [3,3,3,3,3,3,3,3,3]}\n"
"  - {id: a2, instrument: phq-9, date: 2026-06-01, answers: [0,0,0,0,0,0,0,0,0]}\n"
"  - {id: a3, instrument: gad-7, date: 2026-05-01, answers: [1,1,1,1,1,1,1]}\n"
"  - {id: a4, instrument: gad-7, date: 2026-07-01, answers: [1,1,1,1,1,1,1],"
" voided: 2026-07-02, void-reason: typo}\n"
"contacts:\n"
"  - {date: 2026-11-14, kind: phone}\n";

static int
due_row_text(void *arg, const struct psw_due_row *r)
{
	char d[PSW_DATE_LEN], line[256];

	snprintf(line, sizeof line, "%s %s %s %s%s%s\n",
	    psw_due_kinds[r->kind], r->item, psw_date_format(r->due, d),
	    r->what, r->urgent ? " urgent" : "", r->depends ? " depends" : "");
	strcat(arg, line);
	return 0;
}

static void
test_due_client_rows(void **state)
{
	struct psw_assess_every every = { "phq-9", { 4, 'w' } };
	struct psw_settings set;
	struct psw_diags d = PSW_DIAGS_INIT;
	struct psw_client *c;
	struct psw_doc *doc;
	struct psw_err e;
	static char got[4096];
	int flag[4];

	(void)state;
	memset(&set, 0, sizeof set);
	set.no_contact_days = 14;
	set.assess_every = &every;
	set.nassess_every = 1;
	assert_int_equal(psw_doc_load_mem(due_client, sizeof due_client - 1,
	    "dana.yaml", &doc, &e), 0);
	assert_int_equal(psw_client_read(doc, "dana", &c, &d), 0);

	/* a1 flagged high, then a2 (same instrument) unflagged: cleared;
	 * a3 flagged low is gad-7's latest (a4 is voided). */
	flag[0] = 3, flag[1] = -1, flag[2] = 1, flag[3] = -1;
	assert_int_equal(psw_due_client_risk(c, flag), 1);
	got[0] = '\0';
	assert_int_equal(psw_due_client_rows(c, flag, &set, due_row_text,
	    got), 0);
	assert_string_equal(got,
	    "action g1.1 2026-11-28 Call\n"
	    "goal g1 2026-12-05 Find a flat\n"
	    "review  2026-12-06 plan review\n"
	    "referral r1 2026-11-28 follow up referral to gp urgent\n"
	    "referral r2 2026-11-10 no follow-up date on referral to debt\n"
	    "consent k1 2026-11-01 share-gp depends\n"
	    "consent k2 2026-11-02 share-school\n"
	    "contact  2026-11-28 no contact since 2026-11-14\n"
	    "assessment phq-9 2026-06-29 phq-9 due (last on 2026-06-01)\n"
	    "safety a3 2026-05-01 risk flag (gad-7 2026-05-01) and no "
	    "safety plan\n");

	/* The flag that is no longer the latest still names the risk
	 * item when it is the latest flag of all. */
	flag[2] = -1;
	assert_int_equal(psw_due_client_risk(c, flag), 0);
	got[0] = '\0';
	psw_due_client_rows(c, flag, &set, due_row_text, got);
	assert_non_null(strstr(got, "safety a1 2026-03-01 risk flag (phq-9"));

	/* A closed client has nothing due. */
	c->status = "closed";
	got[0] = '\0';
	assert_int_equal(psw_due_client_rows(c, flag, &set, due_row_text,
	    got), 0);
	assert_string_equal(got, "");
	psw_doc_free(doc);
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
		cmocka_unit_test(test_due_client_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
