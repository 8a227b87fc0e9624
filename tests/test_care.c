/*
 * test_care.c - consent as of a day at every boundary, the safety plan's
 * review state against a risk flag, and the crisis card in each format.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "care.h"
#include "client.h"
#include "date.h"
#include "doc.h"
#include "error.h"

static psw_date
day(const char *s)
{
	psw_date d;

	assert_int_equal(psw_date_parse_iso(s, &d), 0);
	return d;
}

/* A consent from ISO dates (NULL: absent). */
static struct psw_consent
consent(const char *given, const char *expires, const char *revoked)
{
	struct psw_consent k = { "k1", "share-with-gp", NULL, PSW_DATE_NONE,
	    PSW_DATE_NONE, PSW_DATE_NONE };

	if (given)
		k.given = day(given);
	if (expires)
		k.expires = day(expires);
	if (revoked)
		k.revoked = day(revoked);
	return k;
}

static void
test_consent_boundaries(void **state)
{
	psw_date today = day("2026-11-28");
	struct psw_consent k;

	(void)state;
	k = consent("2026-01-12", NULL, NULL);
	assert_int_equal(psw_consent_state(&k, today), PSW_CONSENT_ACTIVE);
	k = consent("2026-11-28", NULL, NULL);	/* given today */
	assert_int_equal(psw_consent_state(&k, today), PSW_CONSENT_ACTIVE);
	k = consent("2026-11-29", NULL, NULL);	/* given tomorrow */
	assert_int_equal(psw_consent_state(&k, today),
	    PSW_CONSENT_NOT_YET_GIVEN);
	k = consent(NULL, NULL, NULL);		/* never given */
	assert_int_equal(psw_consent_state(&k, today),
	    PSW_CONSENT_NOT_YET_GIVEN);
	k = consent("2026-01-12", "2026-11-28", NULL);	/* expires today */
	assert_int_equal(psw_consent_state(&k, today), PSW_CONSENT_ACTIVE);
	k = consent("2026-01-12", "2026-11-27", NULL);	/* expired yesterday */
	assert_int_equal(psw_consent_state(&k, today), PSW_CONSENT_EXPIRED);
	k = consent("2026-01-12", "2026-11-29", NULL);
	assert_int_equal(psw_consent_state(&k, today), PSW_CONSENT_ACTIVE);
	k = consent("2026-01-12", NULL, "2026-11-28");	/* revoked today */
	assert_int_equal(psw_consent_state(&k, today), PSW_CONSENT_REVOKED);
	k = consent("2026-01-12", NULL, "2026-11-29");	/* revoked tomorrow */
	assert_int_equal(psw_consent_state(&k, today), PSW_CONSENT_ACTIVE);
	/* a withdrawal is never hidden behind an expiry */
	k = consent("2026-01-12", "2026-06-01", "2026-03-01");
	assert_int_equal(psw_consent_state(&k, today), PSW_CONSENT_REVOKED);
	/* given and expiring the same day: active that day only */
	k = consent("2026-11-28", "2026-11-28", NULL);
	assert_int_equal(psw_consent_state(&k, today), PSW_CONSENT_ACTIVE);
	assert_int_equal(psw_consent_state(&k, today + 1),
	    PSW_CONSENT_EXPIRED);
	assert_int_equal(psw_consent_state(&k, today - 1),
	    PSW_CONSENT_NOT_YET_GIVEN);

	assert_string_equal(psw_consent_state_name(PSW_CONSENT_ACTIVE),
	    "active");
	assert_string_equal(psw_consent_state_name(PSW_CONSENT_EXPIRED),
	    "expired");
	assert_string_equal(psw_consent_state_name(PSW_CONSENT_REVOKED),
	    "revoked");
	assert_string_equal(psw_consent_state_name(PSW_CONSENT_NOT_YET_GIVEN),
	    "not-yet-given");
}

static void
test_safety_review_state(void **state)
{
	struct psw_safety sp;

	(void)state;
	memset(&sp, 0, sizeof sp);
	sp.reviewed = PSW_DATE_NONE;
	assert_int_equal(psw_safety_review_state(&sp, PSW_DATE_NONE),
	    PSW_SAFETY_NO_PLAN);
	assert_int_equal(psw_safety_review_state(&sp, day("2026-11-01")),
	    PSW_SAFETY_NO_PLAN);
	sp.present = 1;
	assert_int_equal(psw_safety_review_state(&sp, PSW_DATE_NONE),
	    PSW_SAFETY_NEVER_REVIEWED);
	assert_int_equal(psw_safety_review_state(&sp, day("2026-11-01")),
	    PSW_SAFETY_NEVER_REVIEWED);
	sp.reviewed = day("2026-11-20");
	assert_int_equal(psw_safety_review_state(&sp, PSW_DATE_NONE),
	    PSW_SAFETY_REVIEWED);
	assert_int_equal(psw_safety_review_state(&sp, day("2026-11-19")),
	    PSW_SAFETY_REVIEWED);
	/* reviewed the day of the flag counts */
	assert_int_equal(psw_safety_review_state(&sp, day("2026-11-20")),
	    PSW_SAFETY_REVIEWED);
	assert_int_equal(psw_safety_review_state(&sp, day("2026-11-21")),
	    PSW_SAFETY_REVIEW_DUE);
}

/* Read a client from YAML text; the caller frees *doc. */
static struct psw_client *
client(const char *yaml, struct psw_doc **doc)
{
	struct psw_diags d = PSW_DIAGS_INIT;
	struct psw_client *c;
	struct psw_err e;

	assert_int_equal(psw_doc_load_mem(yaml, strlen(yaml),
	    "clients/alex-m.yaml", doc, &e), 0);
	assert_int_equal(psw_client_read(*doc, "alex-m", &c, &d), 0);
	psw_diags_release(&d);
	return c;
}

/* The card of c in format fmt, as a new string. */
static char *
card(const struct psw_client *c, enum psw_format fmt, psw_date flag)
{
	struct psw_out o;
	char *s = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&s, &len);

	assert_non_null(fp);
	o.fp = fp;
	o.fmt = fmt;
	o.color = 0;
	assert_int_equal(psw_safety_card(&o, c, flag), 0);
	fclose(fp);
	return s;
}

static const char head[] =
    "psw: 1\nid: alex-m\nname: Alex Morgan\nstatus: active\n"
    "opened: 2026-01-12\n";

static void
test_card_no_plan(void **state)
{
	struct psw_doc *doc;
	struct psw_client *c = client(head, &doc);
	char *s;

	(void)state;
	s = card(c, PSW_FMT_TEXT, PSW_DATE_NONE);
	assert_string_equal(s, "SAFETY PLAN: Alex Morgan (alex-m)\n"
	    "No safety plan: build one with the client "
	    "(psw-plan safety add).\n");
	free(s);
	s = card(c, PSW_FMT_MD, day("2026-11-01"));
	assert_non_null(strstr(s, "**No safety plan**"));
	free(s);
	s = card(c, PSW_FMT_JSON, PSW_DATE_NONE);
	assert_non_null(strstr(s, "\"plan\": false"));
	assert_non_null(strstr(s, "\"review\": \"no-plan\""));
	assert_non_null(strstr(s, "\"steps\": []"));
	free(s);
	psw_doc_free(doc);
}

static void
test_card_steps_in_order(void **state)
{
	char yaml[2048];
	struct psw_doc *doc;
	struct psw_client *c;
	const char *p, *q;
	char *s;
	size_t k;

	(void)state;
	/* keys deliberately out of order in the file */
	snprintf(yaml, sizeof yaml, "%s"
	    "safety-plan:\n"
	    "  matters-most: [my dog]\n"
	    "  professionals:\n"
	    "    - {text: Crisis line, phone: '116 123'}\n"
	    "  warning-signs: [not sleeping, \"pacing\\tat night\"]\n"
	    "  people:\n"
	    "    - {text: 'Jo, my sister', phone: 07700 900123}\n"
	    "    - Sam next door\n", head);
	c = client(yaml, &doc);
	s = card(c, PSW_FMT_TEXT, day("2026-11-01"));
	assert_non_null(strstr(s, "Never reviewed with the client.\n"));
	for (k = 0, p = s; k < PSW_SAFETY_NSTEPS; k++) {
		q = strstr(p, psw_safety_title((enum psw_safety_step)k));
		assert_non_null(q);
		p = q;
	}
	assert_non_null(strstr(s, "\n1. Warning signs\n   - not sleeping\n"
	    "   - pacing\\tat night\n"));
	assert_non_null(strstr(s, "\n2. Things I can do on my own to cope\n"
	    "   (nothing yet)\n"));
	assert_non_null(strstr(s, "   - Jo, my sister   tel. 07700 900123\n"
	    "   - Sam next door\n"));
	assert_non_null(strstr(s, "   - Crisis line   tel. 116 123\n"));
	assert_non_null(strstr(s, "\nWhat matters most to me\n   - my dog\n"));
	assert_null(strstr(s, "7."));
	free(s);

	s = card(c, PSW_FMT_MD, PSW_DATE_NONE);
	assert_non_null(strstr(s, "# Safety plan: Alex Morgan (alex-m)\n"));
	assert_non_null(strstr(s, "## 4. People I can ask for help\n\n"
	    "- Jo, my sister: **07700 900123**\n- Sam next door\n"));
	assert_non_null(strstr(s, "## What matters most to me\n\n- my dog\n"));
	free(s);

	s = card(c, PSW_FMT_JSON, PSW_DATE_NONE);
	assert_non_null(strstr(s, "\"review\": \"never-reviewed\""));
	assert_non_null(strstr(s, "\"reviewed\": null"));
	assert_non_null(strstr(s, "\"text\": \"Crisis line\",\n"));
	assert_non_null(strstr(s, "\"phone\": \"116 123\""));
	assert_non_null(strstr(s, "\"step\": \"means-safety\""));
	free(s);
	psw_doc_free(doc);
}

static void
test_card_review_against_flag(void **state)
{
	char yaml[1024];
	struct psw_doc *doc;
	struct psw_client *c;
	char *s;

	(void)state;
	snprintf(yaml, sizeof yaml, "%s"
	    "safety-plan:\n  coping: [a walk]\n  reviewed: 2026-11-20\n", head);
	c = client(yaml, &doc);
	s = card(c, PSW_FMT_TEXT, PSW_DATE_NONE);
	assert_non_null(strstr(s, "Reviewed with the client on 2026-11-20.\n"));
	assert_null(strstr(s, "NOT REVIEWED"));
	free(s);
	s = card(c, PSW_FMT_TEXT, day("2026-11-20"));
	assert_null(strstr(s, "NOT REVIEWED"));
	free(s);
	s = card(c, PSW_FMT_TEXT, day("2026-11-25"));
	assert_non_null(strstr(s, "NOT REVIEWED SINCE THE RISK FLAG OF "
	    "2026-11-25 (last reviewed 2026-11-20)"));
	free(s);
	s = card(c, PSW_FMT_MD, day("2026-11-25"));
	assert_non_null(strstr(s, "**Not reviewed since the risk flag of "
	    "2026-11-25**"));
	free(s);
	s = card(c, PSW_FMT_JSON, day("2026-11-25"));
	assert_non_null(strstr(s, "\"review\": \"review-due\""));
	assert_non_null(strstr(s, "\"risk_flag\": \"2026-11-25\""));
	free(s);
	psw_doc_free(doc);
}

/* The card escapes what a terminal would obey and Markdown would read. */
static void
test_card_escapes(void **state)
{
	char yaml[1024];
	struct psw_doc *doc;
	struct psw_client *c;
	char *s;

	(void)state;
	snprintf(yaml, sizeof yaml, "%s"
	    "safety-plan:\n  coping: [\"\\e[31mred\", \"*bold* | pipe\"]\n",
	    head);
	c = client(yaml, &doc);
	s = card(c, PSW_FMT_TEXT, PSW_DATE_NONE);
	assert_null(strchr(s, '\033'));
	free(s);
	s = card(c, PSW_FMT_MD, PSW_DATE_NONE);
	assert_non_null(strstr(s, "- \\*bold\\* \\| pipe\n"));
	free(s);
	psw_doc_free(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_consent_boundaries),
		cmocka_unit_test(test_safety_review_state),
		cmocka_unit_test(test_card_no_plan),
		cmocka_unit_test(test_card_steps_in_order),
		cmocka_unit_test(test_card_review_against_flag),
		cmocka_unit_test(test_card_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
