/*
 * test_client.c - the client model: every section of a complete file read
 * correctly, every kind of problem reported with its file:line:col, new
 * client documents, and the list helpers.
 *
 * Each test works in its own temporary case folder: the YAML is written to
 * clients/<id>.yaml and loaded from there, as the tools do.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "client.h"
#include "date.h"
#include "doc.h"
#include "error.h"

/* A complete client: every section psw-plan(5) documents. */
static const char full_yaml[] =
    "psw: 1\n"
    "id: alex-m\n"
    "name: Alex Morgan\n"
    "preferred-name: Alex\n"
    "pronouns: they/them\n"
    "dob: 1991-04-02\n"
    "status: active\n"
    "opened: 2026-01-12\n"
    "worker: sam\n"
    "phone: \"07700 900123\"\n"
    "email: alex@example.org\n"
    "address: 1 High Street\n"
    "notes: Prefers mornings\n"
    "history:\n"
    "  - {date: 2026-01-05, status: referred, by: intake}\n"
    "  - {date: 2026-01-12, status: active, by: sam, reason: first meeting}\n"
    "consent:\n"
    "  - {id: k1, scope: share-with-gp, given: 2026-01-12, "
    "expires: 2027-01-12}\n"
    "  - {id: k2, scope: share-with-housing, given: 2026-01-20, "
    "revoked: 2026-05-01, note: withdrew}\n"
    "team:\n"
    "  - {id: t1, name: Dr Lee, role: psychiatrist, org: Northside CMHT, "
    "phone: \"0161 496 0000\"}\n"
    "  - {id: t2, name: Pat Kaur, role: gp, email: pat@example.org}\n"
    "strengths: [keeps appointments, supportive sister, good cook]\n"
    "needs:\n"
    "  - {domain: housing, need: unmet, note: waiting list}\n"
    "  - {domain: money, need: met}\n"
    "assessments:\n"
    "  - {id: a1, instrument: phq-9, date: 2026-01-12, "
    "answers: [2, 2, ~, 1]}\n"
    "  - {id: a2, instrument: gad-7, date: 2026-04-12, answers: [1, 0, 3]}\n"
    "goals:\n"
    "  - id: g1\n"
    "    domain: housing\n"
    "    title: Move into a tenancy of my own\n"
    "    target: 2026-06-30\n"
    "    status: active\n"
    "    why: Own front door\n"
    "    actions:\n"
    "      - {id: g1.1, title: Apply to Housing First, owner: worker, "
    "due: 2026-02-01, done: 2026-01-30}\n"
    "      - {id: g1.2, title: View flats, owner: client, due: 2026-12-01}\n"
    "    progress:\n"
    "      - {date: 2026-03-01, rating: 4, note: Viewed a flat}\n"
    "      - {date: 2026-05-01, rating: 6}\n"
    "  - id: g2\n"
    "    domain: mental-health\n"
    "    title: Sleep through the night\n"
    "    status: proposed\n"
    "    actions:\n"
    "      - {id: g2.1, title: Sleep diary, due: 2026-12-03}\n"
    "review:\n"
    "  every: 90d\n"
    "  last: 2026-07-12\n"
    "  next: 2026-10-10\n"
    "  history:\n"
    "    - {date: 2026-04-12, next: 2026-07-12, by: sam, note: on track}\n"
    "    - {date: 2026-07-12, next: 2026-10-10}\n"
    "safety-plan:\n"
    "  warning-signs: [not sleeping, skipping meals]\n"
    "  coping: [walk the dog]\n"
    "  distractions: [library]\n"
    "  people:\n"
    "    - {text: Sister Jo, phone: \"07700 900456\"}\n"
    "  professionals:\n"
    "    - {text: Crisis team, phone: \"0800 000 111\"}\n"
    "    - GP surgery\n"
    "  means-safety: [pharmacy keeps tablets]\n"
    "  matters-most: [my dog, my sister]\n"
    "  reviewed: 2026-07-12\n"
    "referrals:\n"
    "  - id: r1\n"
    "    service: housing-first-north\n"
    "    goal: g1\n"
    "    reason: Needs a stable tenancy\n"
    "    consent: k1\n"
    "    urgency: soon\n"
    "    history:\n"
    "      - {date: 2026-01-20, status: requested, by: sam}\n"
    "      - {date: 2026-02-03, status: accepted, reason: meets criteria}\n"
    "    follow-up: 2026-12-05\n"
    "  - id: r2\n"
    "    service: talking-therapies\n"
    "    history:\n"
    "      - {date: 2026-03-01, status: draft}\n"
    "x-hand-added: {colour: green}\n"
    "contacts:\n"
    "  - {id: c1, date: 2026-01-19, kind: face-to-face, minutes: 50, "
    "note: first meeting}\n"
    "  - {date: 2026-03-02, kind: phone, minutes: 10}\n"
    "  - {date: 2026-02-10, kind: home-visit, note: no minutes}\n";

/* Five valid lines; a test appends sections from line 6 on. */
#define BASE \
    "psw: 1\n" \
    "id: alex-m\n" \
    "name: Alex Morgan\n" \
    "status: active\n" \
    "opened: 2026-01-12\n"

struct fx {
	char home[64];		/* the temporary case folder */
	struct psw_doc *doc;	/* the last file read */
	struct psw_diags d;	/* its problems */
};

/* Remove path and everything below it. */
static void
remove_tree(const char *path)
{
	struct dirent *de;
	struct stat sb;
	char sub[4096];
	DIR *dir;

	if (lstat(path, &sb) < 0)
		return;
	if (S_ISDIR(sb.st_mode) && (dir = opendir(path)) != NULL) {
		while ((de = readdir(dir)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
			remove_tree(sub);
		}
		closedir(dir);
		rmdir(path);
	} else
		unlink(path);
}

/* A fresh case folder (0700) with its clients folder. */
static int
setup(void **state)
{
	struct fx *fx;
	char clients[128];

	if ((fx = calloc(1, sizeof *fx)) == NULL)
		return -1;
	snprintf(fx->home, sizeof fx->home, "/tmp/psw-client-XXXXXX");
	if (mkdtemp(fx->home) == NULL) {
		free(fx);
		return -1;
	}
	snprintf(clients, sizeof clients, "%s/clients", fx->home);
	if (mkdir(clients, 0700) < 0) {
		remove_tree(fx->home);
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	psw_doc_free(fx->doc);
	psw_diags_release(&fx->d);
	remove_tree(fx->home);
	free(fx);
	return 0;
}

/* The day number of y-m-d, which must exist. */
static psw_date
ymd(int y, int m, int d)
{
	psw_date v;

	assert_int_equal(psw_date_from_ymd(y, m, d, &v), 0);
	return v;
}

/* Print every problem of d, to explain a failed assertion. */
static void
dump(const struct psw_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		print_message("  problem %zu: %s:%d:%d: %s\n", i, d->v[i].file,
		    d->v[i].line, d->v[i].col, d->v[i].msg);
}

/*
 * Write text to clients/<fileid>.yaml, load it (which must work) and read
 * the client expecting the file's id; returns psw_client_read's result.
 */
static int
read_client(struct fx *fx, const char *fileid, const char *text,
    struct psw_client **out)
{
	char path[256], name[128], msg[2048];
	struct psw_err e;
	FILE *fp;
	int rc;

	psw_doc_free(fx->doc);
	fx->doc = NULL;
	psw_diags_release(&fx->d);
	snprintf(name, sizeof name, "clients/%s.yaml", fileid);
	snprintf(path, sizeof path, "%s/%s", fx->home, name);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fputs(text, fp) >= 0 || *text == '\0', 1);
	assert_int_equal(fclose(fp), 0);
	psw_err_clear(&e);
	rc = psw_doc_load_file(path, name, &fx->doc, &e);
	if (rc != 0)
		fail_msg("load failed: %s", psw_err_format(&e, msg,
		    sizeof msg));
	return psw_client_read(fx->doc, fileid, out, &fx->d);
}

/* Check that problem i is clients/alex-m.yaml:line:col and names want. */
static void
check_problem(const struct fx *fx, size_t i, int line, int col,
    const char *want)
{
	const struct psw_diag *p;

	if (i >= fx->d.n) {
		dump(&fx->d);
		fail_msg("no problem %zu (only %zu)", i, fx->d.n);
	}
	p = &fx->d.v[i];
	if (p->line != line || p->col != col ||
	    strstr(p->msg, want) == NULL) {
		dump(&fx->d);
		fail_msg("problem %zu: want %d:%d: ...%s...", i, line, col,
		    want);
	}
	assert_non_null(p->file);
	assert_string_equal(p->file, "clients/alex-m.yaml");
}

/* Reading text as alex-m finds exactly one problem, at line:col. */
static void
expect_one(struct fx *fx, const char *text, int line, int col,
    const char *want)
{
	struct psw_client *c = NULL;
	int rc;

	rc = read_client(fx, "alex-m", text, &c);
	assert_int_equal(rc, -PSW_EDATA);
	assert_non_null(c);	/* read as far as it could be */
	if (fx->d.n != 1) {
		dump(&fx->d);
		fail_msg("want exactly 1 problem (%s), got %zu", want,
		    fx->d.n);
	}
	check_problem(fx, 0, line, col, want);
}

/*
 * A complete valid client loads with no problems and every field of every
 * section reads back as written: dates as day numbers, ~ answers as
 * PSW_ANSWER_MISSING, safety-plan items as text and as {text, phone}, a
 * referral's status from its last history entry, last_contact the latest
 * contact date (not the last one listed).
 */
static void
test_full_client(void **state)
{
	struct fx *fx = *state;
	struct psw_client *c = NULL;
	const struct psw_goal *g;
	const struct psw_referral *r;
	const struct psw_safety *sp;

	assert_int_equal(read_client(fx, "alex-m", full_yaml, &c), 0);
	if (fx->d.n != 0)
		dump(&fx->d);
	assert_int_equal(fx->d.n, 0);
	assert_non_null(c);

	/* Profile. */
	assert_int_equal(c->version, 1);
	assert_string_equal(c->id, "alex-m");
	assert_string_equal(c->name, "Alex Morgan");
	assert_string_equal(c->preferred_name, "Alex");
	assert_string_equal(c->pronouns, "they/them");
	assert_string_equal(c->status, "active");
	assert_string_equal(c->worker, "sam");
	assert_string_equal(c->phone, "07700 900123");
	assert_string_equal(c->email, "alex@example.org");
	assert_string_equal(c->address, "1 High Street");
	assert_string_equal(c->notes, "Prefers mornings");
	assert_int_equal(c->dob, ymd(1991, 4, 2));
	assert_int_equal(c->opened, ymd(2026, 1, 12));
	assert_int_equal(c->closed, PSW_DATE_NONE);

	/* Status history. */
	assert_int_equal(c->nhistory, 2);
	assert_int_equal(c->history[0].date, ymd(2026, 1, 5));
	assert_string_equal(c->history[0].status, "referred");
	assert_string_equal(c->history[0].by, "intake");
	assert_null(c->history[0].reason);
	assert_int_equal(c->history[1].date, ymd(2026, 1, 12));
	assert_string_equal(c->history[1].status, "active");
	assert_string_equal(c->history[1].reason, "first meeting");

	/* Consent. */
	assert_int_equal(c->nconsent, 2);
	assert_string_equal(c->consent[0].id, "k1");
	assert_string_equal(c->consent[0].scope, "share-with-gp");
	assert_int_equal(c->consent[0].given, ymd(2026, 1, 12));
	assert_int_equal(c->consent[0].expires, ymd(2027, 1, 12));
	assert_int_equal(c->consent[0].revoked, PSW_DATE_NONE);
	assert_null(c->consent[0].note);
	assert_string_equal(c->consent[1].id, "k2");
	assert_int_equal(c->consent[1].given, ymd(2026, 1, 20));
	assert_int_equal(c->consent[1].expires, PSW_DATE_NONE);
	assert_int_equal(c->consent[1].revoked, ymd(2026, 5, 1));
	assert_string_equal(c->consent[1].note, "withdrew");

	/* Team. */
	assert_int_equal(c->nteam, 2);
	assert_string_equal(c->team[0].id, "t1");
	assert_string_equal(c->team[0].name, "Dr Lee");
	assert_string_equal(c->team[0].role, "psychiatrist");
	assert_string_equal(c->team[0].org, "Northside CMHT");
	assert_string_equal(c->team[0].phone, "0161 496 0000");
	assert_null(c->team[0].email);
	assert_string_equal(c->team[1].id, "t2");
	assert_string_equal(c->team[1].role, "gp");
	assert_string_equal(c->team[1].email, "pat@example.org");
	assert_null(c->team[1].org);

	/* Strengths and needs. */
	assert_int_equal(c->nstrengths, 3);
	assert_string_equal(c->strengths[0], "keeps appointments");
	assert_string_equal(c->strengths[1], "supportive sister");
	assert_string_equal(c->strengths[2], "good cook");
	assert_int_equal(c->nneeds, 2);
	assert_string_equal(c->needs[0].domain, "housing");
	assert_string_equal(c->needs[0].need, "unmet");
	assert_string_equal(c->needs[0].note, "waiting list");
	assert_string_equal(c->needs[1].domain, "money");
	assert_string_equal(c->needs[1].need, "met");
	assert_null(c->needs[1].note);

	/* Assessments, with a missing answer. */
	assert_int_equal(c->nassessments, 2);
	assert_string_equal(c->assessments[0].id, "a1");
	assert_string_equal(c->assessments[0].instrument, "phq-9");
	assert_int_equal(c->assessments[0].date, ymd(2026, 1, 12));
	assert_int_equal(c->assessments[0].nanswers, 4);
	assert_int_equal(c->assessments[0].answers[0], 2);
	assert_int_equal(c->assessments[0].answers[1], 2);
	assert_int_equal(c->assessments[0].answers[2], PSW_ANSWER_MISSING);
	assert_int_equal(c->assessments[0].answers[3], 1);
	assert_non_null(c->assessments[0].node);
	assert_string_equal(c->assessments[1].instrument, "gad-7");
	assert_int_equal(c->assessments[1].nanswers, 3);
	assert_int_equal(c->assessments[1].answers[2], 3);

	/* Goals with actions and progress. */
	assert_int_equal(c->ngoals, 2);
	g = &c->goals[0];
	assert_string_equal(g->id, "g1");
	assert_string_equal(g->domain, "housing");
	assert_string_equal(g->title, "Move into a tenancy of my own");
	assert_string_equal(g->status, "active");
	assert_string_equal(g->why, "Own front door");
	assert_int_equal(g->target, ymd(2026, 6, 30));
	assert_int_equal(g->nactions, 2);
	assert_string_equal(g->actions[0].id, "g1.1");
	assert_string_equal(g->actions[0].title, "Apply to Housing First");
	assert_string_equal(g->actions[0].owner, "worker");
	assert_int_equal(g->actions[0].due, ymd(2026, 2, 1));
	assert_int_equal(g->actions[0].done, ymd(2026, 1, 30));
	assert_string_equal(g->actions[1].id, "g1.2");
	assert_string_equal(g->actions[1].owner, "client");
	assert_int_equal(g->actions[1].due, ymd(2026, 12, 1));
	assert_int_equal(g->actions[1].done, PSW_DATE_NONE);
	assert_int_equal(g->nprogress, 2);
	assert_int_equal(g->progress[0].date, ymd(2026, 3, 1));
	assert_int_equal(g->progress[0].rating, 4);
	assert_string_equal(g->progress[0].note, "Viewed a flat");
	assert_int_equal(g->progress[1].date, ymd(2026, 5, 1));
	assert_int_equal(g->progress[1].rating, 6);
	assert_null(g->progress[1].note);
	g = &c->goals[1];
	assert_string_equal(g->id, "g2");
	assert_string_equal(g->domain, "mental-health");
	assert_string_equal(g->status, "proposed");
	assert_int_equal(g->target, PSW_DATE_NONE);
	assert_null(g->why);
	assert_int_equal(g->nactions, 1);
	assert_string_equal(g->actions[0].id, "g2.1");
	assert_null(g->actions[0].owner);
	assert_int_equal(g->actions[0].due, ymd(2026, 12, 3));
	assert_int_equal(g->nprogress, 0);

	/* Review with its history. */
	assert_int_equal(c->review.has_every, 1);
	assert_int_equal(c->review.every.n, 90);
	assert_int_equal(c->review.every.unit, 'd');
	assert_int_equal(c->review.last, ymd(2026, 7, 12));
	assert_int_equal(c->review.next, ymd(2026, 10, 10));
	assert_int_equal(c->review.nhistory, 2);
	assert_int_equal(c->review.history[0].date, ymd(2026, 4, 12));
	assert_int_equal(c->review.history[0].next, ymd(2026, 7, 12));
	assert_string_equal(c->review.history[0].by, "sam");
	assert_string_equal(c->review.history[0].note, "on track");
	assert_int_equal(c->review.history[1].date, ymd(2026, 7, 12));
	assert_null(c->review.history[1].by);

	/* Safety plan: all seven keys, items as text and as maps. */
	sp = &c->safety;
	assert_int_equal(sp->present, 1);
	assert_int_equal(sp->reviewed, ymd(2026, 7, 12));
	assert_string_equal(psw_safety_keys[PSW_SAFETY_WARNING_SIGNS],
	    "warning-signs");
	assert_string_equal(psw_safety_keys[PSW_SAFETY_MATTERS],
	    "matters-most");
	assert_int_equal(sp->nitems[PSW_SAFETY_WARNING_SIGNS], 2);
	assert_string_equal(sp->items[PSW_SAFETY_WARNING_SIGNS][0].text,
	    "not sleeping");
	assert_null(sp->items[PSW_SAFETY_WARNING_SIGNS][0].phone);
	assert_string_equal(sp->items[PSW_SAFETY_WARNING_SIGNS][1].text,
	    "skipping meals");
	assert_int_equal(sp->nitems[PSW_SAFETY_COPING], 1);
	assert_string_equal(sp->items[PSW_SAFETY_COPING][0].text,
	    "walk the dog");
	assert_int_equal(sp->nitems[PSW_SAFETY_DISTRACTIONS], 1);
	assert_string_equal(sp->items[PSW_SAFETY_DISTRACTIONS][0].text,
	    "library");
	assert_int_equal(sp->nitems[PSW_SAFETY_PEOPLE], 1);
	assert_string_equal(sp->items[PSW_SAFETY_PEOPLE][0].text, "Sister Jo");
	assert_string_equal(sp->items[PSW_SAFETY_PEOPLE][0].phone,
	    "07700 900456");
	assert_int_equal(sp->nitems[PSW_SAFETY_PROFESSIONALS], 2);
	assert_string_equal(sp->items[PSW_SAFETY_PROFESSIONALS][0].text,
	    "Crisis team");
	assert_string_equal(sp->items[PSW_SAFETY_PROFESSIONALS][0].phone,
	    "0800 000 111");
	assert_string_equal(sp->items[PSW_SAFETY_PROFESSIONALS][1].text,
	    "GP surgery");
	assert_null(sp->items[PSW_SAFETY_PROFESSIONALS][1].phone);
	assert_int_equal(sp->nitems[PSW_SAFETY_MEANS], 1);
	assert_string_equal(sp->items[PSW_SAFETY_MEANS][0].text,
	    "pharmacy keeps tablets");
	assert_int_equal(sp->nitems[PSW_SAFETY_MATTERS], 2);
	assert_string_equal(sp->items[PSW_SAFETY_MATTERS][1].text, "my sister");

	/* Referrals: status is the last history entry's. */
	assert_int_equal(c->nreferrals, 2);
	r = &c->referrals[0];
	assert_string_equal(r->id, "r1");
	assert_string_equal(r->service, "housing-first-north");
	assert_string_equal(r->goal, "g1");
	assert_string_equal(r->reason, "Needs a stable tenancy");
	assert_string_equal(r->consent, "k1");
	assert_string_equal(r->urgency, "soon");
	assert_string_equal(r->status, "accepted");
	assert_int_equal(r->created, ymd(2026, 1, 20));
	assert_int_equal(r->follow_up, ymd(2026, 12, 5));
	assert_int_equal(r->nhistory, 2);
	assert_int_equal(r->history[0].date, ymd(2026, 1, 20));
	assert_string_equal(r->history[0].status, "requested");
	assert_string_equal(r->history[0].by, "sam");
	assert_int_equal(r->history[1].date, ymd(2026, 2, 3));
	assert_string_equal(r->history[1].status, "accepted");
	assert_string_equal(r->history[1].reason, "meets criteria");
	r = &c->referrals[1];
	assert_string_equal(r->id, "r2");
	assert_string_equal(r->status, "draft");
	assert_int_equal(r->created, ymd(2026, 3, 1));
	assert_int_equal(r->follow_up, PSW_DATE_NONE);
	assert_null(r->goal);
	assert_null(r->consent);
	assert_null(r->urgency);

	/* Contacts: last_contact is the latest date, not the last item. */
	assert_int_equal(c->ncontacts, 3);
	assert_string_equal(c->contacts[0].id, "c1");
	assert_int_equal(c->contacts[0].date, ymd(2026, 1, 19));
	assert_string_equal(c->contacts[0].kind, "face-to-face");
	assert_int_equal(c->contacts[0].minutes, 50);
	assert_string_equal(c->contacts[0].note, "first meeting");
	assert_null(c->contacts[1].id);
	assert_string_equal(c->contacts[1].kind, "phone");
	assert_int_equal(c->contacts[1].minutes, 10);
	assert_int_equal(c->contacts[2].minutes, -1);
	assert_string_equal(c->contacts[2].note, "no minutes");
	assert_int_equal(c->last_contact, ymd(2026, 3, 2));
}

/*
 * A file without the format version is refused at the root; one without
 * the other required keys reports each missing key, all at 1:1; required
 * keys of nested entries are reported at their entry.
 */
static void
test_missing_keys(void **state)
{
	struct fx *fx = *state;
	struct psw_client *c;

	expect_one(fx, "id: alex-m\nname: A\nstatus: active\n"
	    "opened: 2026-01-12\n", 1, 1,
	    "'psw' (the format version, 1) is missing");

	assert_int_equal(read_client(fx, "alex-m", "psw: 1\n", &c),
	    -PSW_EDATA);
	assert_int_equal(fx->d.n, 4);
	check_problem(fx, 0, 1, 1, "'id' is missing");
	check_problem(fx, 1, 1, 1, "'name' is missing");
	check_problem(fx, 2, 1, 1, "'status' is missing");
	check_problem(fx, 3, 1, 1, "'opened' is missing");
	assert_string_equal(fx->d.v[0].msg, "'id' is missing");

	expect_one(fx, BASE "goals:\n"
	    "  - id: g1\n"
	    "    domain: housing\n"
	    "    status: active\n", 7, 5, "goal g1: 'title' is missing");
	expect_one(fx, BASE "consent:\n"
	    "  - id: k1\n"
	    "    scope: gp\n", 7, 5, "consent k1: 'given' is missing");
	expect_one(fx, BASE "referrals:\n"
	    "  - id: r1\n"
	    "    history: [{date: 2026-01-20, status: draft}]\n", 7, 5,
	    "referral r1: 'service' is missing");
	expect_one(fx, BASE "assessments:\n"
	    "  - id: a1\n"
	    "    instrument: phq-9\n"
	    "    date: 2026-01-12\n", 7, 5,
	    "assessment a1: 'answers' is missing");
	expect_one(fx, BASE "goals:\n"
	    "  - id: g1\n"
	    "    domain: housing\n"
	    "    title: T\n"
	    "    status: active\n"
	    "    progress:\n"
	    "      - date: 2026-03-01\n", 12, 9,
	    "goal g1: 'rating' is missing");
	/* An empty required value counts as a problem too. */
	expect_one(fx, "psw: 1\nid: alex-m\nname: ''\nstatus: active\n"
	    "opened: 2026-01-12\n", 3, 7, "'name' is empty");
}

/*
 * A map or a list where text, a date, a list or a map is expected is
 * reported at the value, naming what was wanted.
 */
static void
test_wrong_types(void **state)
{
	struct fx *fx = *state;

	expect_one(fx, "psw: 1\nid: alex-m\nname: {first: Alex}\n"
	    "status: active\nopened: 2026-01-12\n", 3, 7,
	    "'name' must be text, not a map");
	expect_one(fx, BASE "worker: [sam, jo]\n", 6, 9,
	    "'worker' must be text, not a list");
	expect_one(fx, "psw: 1\nid: alex-m\nname: A\nstatus: active\n"
	    "opened: [2026, 1, 12]\n", 5, 9,
	    "'opened' must be a date (YYYY-MM-DD)");
	expect_one(fx, BASE "goals: housing\n", 6, 8,
	    "'goals' must be a list");
	expect_one(fx, BASE "goals:\n  - get a flat\n", 7, 5,
	    "a goal must be a map of 'key: value' entries");
	expect_one(fx, BASE "strengths: [kind, {a: b}]\n", 6, 19,
	    "a strength must be text");
	expect_one(fx, BASE "review: 90d\n", 6, 9,
	    "'review' must be a map of 'key: value' entries");
	expect_one(fx, BASE "safety-plan:\n  coping: [[a, b]]\n", 7, 12,
	    "safety-plan: coping: an item must be text or a map");
	expect_one(fx, BASE "assessments:\n"
	    "  - {id: a1, instrument: k10, date: 2026-01-12, answers: 3}\n",
	    7, 58, "assessment a1: 'answers' must be a list of numbers");
	expect_one(fx, BASE "assessments:\n"
	    "  - {id: a1, instrument: k10, date: 2026-01-12, "
	    "answers: [1, x, 2]}\n", 7, 62,
	    "assessment a1: answer 2 must be a number or ~ (missing)");
	expect_one(fx, BASE "review:\n  every: often\n", 7, 10,
	    "review: 'every' must be a duration such as 90d");
}

/*
 * Values outside a fixed list are refused with the whole list and the
 * value given: client and goal status, goal domain, need level, contact
 * kind, referral status, urgency.
 */
static void
test_bad_enums(void **state)
{
	struct fx *fx = *state;

	expect_one(fx, "psw: 1\nid: alex-m\nname: A\nstatus: open\n"
	    "opened: 2026-01-12\n", 4, 9,
	    "'status' must be referred, active, on-hold or closed, "
	    "not 'open'");
	expect_one(fx, BASE "goals:\n"
	    "  - id: g1\n"
	    "    domain: housing\n"
	    "    title: T\n"
	    "    status: done\n", 10, 13,
	    "goal g1: 'status' must be proposed, active, on-hold, achieved "
	    "or cancelled, not 'done'");
	expect_one(fx, BASE "goals:\n"
	    "  - id: g1\n"
	    "    domain: home\n"
	    "    title: T\n"
	    "    status: active\n", 8, 13,
	    "goal g1: 'domain' must be housing, mental-health, "
	    "physical-health, daily-living, social, relationships, "
	    "work-education, money, safety, substance-use, legal or other, "
	    "not 'home'");
	expect_one(fx, BASE "needs:\n"
	    "  - domain: housing\n"
	    "    need: high\n", 8, 11,
	    "needs: 'need' must be none, met or unmet, not 'high'");
	expect_one(fx, BASE "contacts:\n"
	    "  - date: 2026-02-01\n"
	    "    kind: email\n", 8, 11,
	    "contact: 'kind' must be face-to-face, phone, video, home-visit, "
	    "group, text or other, not 'email'");
	expect_one(fx, BASE "referrals:\n"
	    "  - id: r1\n"
	    "    service: s\n"
	    "    history:\n"
	    "      - date: 2026-01-20\n"
	    "        status: sent\n", 11, 17,
	    "referral r1: 'status' must be draft, requested, received, "
	    "accepted, rejected, in-progress, on-hold, completed, cancelled "
	    "or failed, not 'sent'");
	expect_one(fx, BASE "referrals:\n"
	    "  - id: r1\n"
	    "    service: s\n"
	    "    urgency: asap\n"
	    "    history: [{date: 2026-01-20, status: draft}]\n", 9, 14,
	    "referral r1: 'urgency' must be routine, soon or urgent, "
	    "not 'asap'");
	expect_one(fx, BASE "history:\n"
	    "  - {date: 2026-01-12, status: started}\n", 7, 32,
	    "history: 'status' must be referred, active, on-hold or closed, "
	    "not 'started'");
}

/* Dates that do not exist or are not ISO are refused, quoting the text. */
static void
test_bad_dates(void **state)
{
	struct fx *fx = *state;

	expect_one(fx, "psw: 1\nid: alex-m\nname: A\nstatus: active\n"
	    "opened: 2026-02-30\n", 5, 9,
	    "'opened' is not a date (YYYY-MM-DD): '2026-02-30'");
	expect_one(fx, BASE "dob: 1991/04/02\n", 6, 6,
	    "'dob' is not a date (YYYY-MM-DD): '1991/04/02'");
	expect_one(fx, BASE "goals:\n"
	    "  - id: g1\n"
	    "    domain: housing\n"
	    "    title: T\n"
	    "    status: active\n"
	    "    target: next week\n", 11, 13,
	    "goal g1: 'target' is not a date (YYYY-MM-DD): 'next week'");
	expect_one(fx, BASE "contacts:\n"
	    "  - {date: 2026-13-01, kind: phone}\n", 7, 12,
	    "contact: 'date' is not a date (YYYY-MM-DD): '2026-13-01'");
	expect_one(fx, BASE "goals:\n"
	    "  - id: g1\n"
	    "    domain: housing\n"
	    "    title: T\n"
	    "    status: active\n"
	    "    actions:\n"
	    "      - {id: g1.1, title: Call, due: tomorrow}\n", 12, 38,
	    "action g1.1: 'due' is not a date (YYYY-MM-DD): 'tomorrow'");
}

/* A progress rating of 11 and a contact of -1 minutes are out of range. */
static void
test_out_of_range(void **state)
{
	struct fx *fx = *state;

	expect_one(fx, BASE "goals:\n"
	    "  - id: g1\n"
	    "    domain: housing\n"
	    "    title: T\n"
	    "    status: active\n"
	    "    progress:\n"
	    "      - {date: 2026-03-01, rating: 11}\n", 12, 36,
	    "goal g1: 'rating' must be a whole number from 0 to 10: '11'");
	expect_one(fx, BASE "goals:\n"
	    "  - id: g1\n"
	    "    domain: housing\n"
	    "    title: T\n"
	    "    status: active\n"
	    "    progress:\n"
	    "      - {date: 2026-03-01, rating: four}\n", 12, 36,
	    "goal g1: 'rating' must be a whole number from 0 to 10: 'four'");
	expect_one(fx, BASE "contacts:\n"
	    "  - {date: 2026-02-01, minutes: -1}\n", 7, 33,
	    "contact: 'minutes' must be a whole number from 0 to 1440: '-1'");
}

/*
 * An id used twice is reported at the second use with the line of the
 * first: goals, actions (across goals), consent, team and referrals.
 */
static void
test_duplicate_ids(void **state)
{
	struct fx *fx = *state;

	expect_one(fx, BASE "goals:\n"
	    "  - {id: g1, domain: housing, title: A, status: active}\n"
	    "  - {id: g1, domain: money, title: B, status: active}\n", 8, 10,
	    "goal: id 'g1' is used twice (first at line 7)");
	expect_one(fx, BASE "goals:\n"
	    "  - id: g1\n"
	    "    domain: housing\n"
	    "    title: A\n"
	    "    status: active\n"
	    "    actions: [{id: x1, title: Call}]\n"
	    "  - id: g2\n"
	    "    domain: money\n"
	    "    title: B\n"
	    "    status: active\n"
	    "    actions: [{id: x1, title: Write}]\n", 16, 20,
	    "goal g2: id 'x1' is used twice (first at line 11)");
	expect_one(fx, BASE "consent:\n"
	    "  - {id: k1, scope: gp, given: 2026-01-12}\n"
	    "  - {id: k1, scope: housing, given: 2026-01-13}\n", 8, 10,
	    "consent: id 'k1' is used twice (first at line 7)");
	expect_one(fx, BASE "team:\n"
	    "  - {id: t1, name: Dr Lee, role: gp}\n"
	    "  - {id: t1, name: Jo, role: nurse}\n", 8, 10,
	    "team: id 't1' is used twice (first at line 7)");
	expect_one(fx, BASE "referrals:\n"
	    "  - {id: r1, service: a, history: [{date: 2026-01-01, "
	    "status: draft}]}\n"
	    "  - {id: r1, service: b, history: [{date: 2026-01-02, "
	    "status: draft}]}\n", 8, 10,
	    "referral: id 'r1' is used twice (first at line 7)");
	expect_one(fx, BASE "goals:\n"
	    "  - {id: G1, domain: housing, title: A, status: active}\n", 7, 10,
	    "goal: id 'G1' must be up to 32 of a-z, 0-9, '.' and '-'");
}

/*
 * A referral naming a goal or consent that does not exist, a referral
 * history going backwards or empty, and consent expiring before it was
 * given are each one problem at the offending value.
 */
static void
test_cross_references(void **state)
{
	struct fx *fx = *state;

	expect_one(fx, BASE "referrals:\n"
	    "  - id: r1\n"
	    "    service: s\n"
	    "    goal: g9\n"
	    "    history: [{date: 2026-01-20, status: draft}]\n", 9, 11,
	    "referral r1: goal 'g9' does not exist");
	expect_one(fx, BASE "consent:\n"
	    "  - {id: k1, scope: gp, given: 2026-01-12}\n"
	    "referrals:\n"
	    "  - id: r1\n"
	    "    service: s\n"
	    "    consent: k9\n"
	    "    history: [{date: 2026-01-20, status: draft}]\n", 11, 14,
	    "referral r1: consent 'k9' does not exist");
	expect_one(fx, BASE "referrals:\n"
	    "  - id: r1\n"
	    "    service: s\n"
	    "    history:\n"
	    "      - {date: 2026-02-03, status: requested}\n"
	    "      - {date: 2026-01-20, status: accepted}\n", 11, 16,
	    "referral r1: history dates must not go backwards");
	expect_one(fx, BASE "referrals:\n"
	    "  - id: r1\n"
	    "    service: s\n"
	    "    history: []\n", 7, 5,
	    "referral r1: 'history' must list at least the first status");
	expect_one(fx, BASE "referrals:\n"
	    "  - {id: r1, service: s}\n", 7, 5,
	    "referral r1: 'history' must list at least the first status");
	expect_one(fx, BASE "consent:\n"
	    "  - {id: k1, scope: gp, given: 2026-01-12, expires: 2026-01-11}\n",
	    7, 53, "consent k1: expires before it was given");
}

/*
 * The file's id must be valid and match its file name; a file that is
 * empty, holds only a comment, or whose root is not a map is refused.
 */
/*
 * A voided assessment keeps its date and reason; a void date that is not
 * a date, or one before the assessment, is a problem at its position.
 */
static void
test_voided_assessment(void **state)
{
	struct fx *fx = *state;
	struct psw_client *c = NULL;

	assert_int_equal(read_client(fx, "alex-m", BASE "assessments:\n"
	    "  - {id: a1, instrument: phq-9, date: 2026-11-01, "
	    "answers: [0, 0, 0, 0, 0, 0, 0, 0, 0]}\n"
	    "  - {id: a2, instrument: phq-9, date: 2026-11-02, "
	    "answers: [1, 1, 1, 1, 1, 1, 1, 1, 1], voided: 2026-11-03, "
	    "void-reason: wrong client, note: typed in clinic}\n", &c), 0);
	assert_int_equal(c->nassessments, 2);
	assert_int_equal(c->assessments[0].voided, PSW_DATE_NONE);
	assert_null(c->assessments[0].void_reason);
	assert_int_equal(c->assessments[1].voided, ymd(2026, 11, 3));
	assert_string_equal(c->assessments[1].void_reason, "wrong client");
	assert_string_equal(c->assessments[1].note, "typed in clinic");
	expect_one(fx, BASE "assessments:\n"
	    "  - {id: a1, instrument: phq-9, date: 2026-11-01, "
	    "answers: [0], voided: soon}\n", 7, 73,
	    "assessment a1: 'voided' is not a date (YYYY-MM-DD): 'soon'");
	expect_one(fx, BASE "assessments:\n"
	    "  - {id: a1, instrument: phq-9, date: 2026-11-01, "
	    "answers: [0], voided: 2026-10-01}\n", 7, 73,
	    "assessment a1: voided before it was given");
}

static void
test_file_level(void **state)
{
	struct fx *fx = *state;
	struct psw_client *c;

	expect_one(fx, "psw: 1\nid: alex\nname: A\nstatus: active\n"
	    "opened: 2026-01-12\n", 2, 5,
	    "'id' is 'alex' but the file is named for 'alex-m'");
	expect_one(fx, "psw: 1\nid: Alex\nname: A\nstatus: active\n"
	    "opened: 2026-01-12\n", 2, 5,
	    "'id' must be a-z, 0-9 and -, at most 64, starting with a "
	    "letter or digit");
	expect_one(fx, "psw: 1\nid: -alex\nname: A\nstatus: active\n"
	    "opened: 2026-01-12\n", 2, 5, "'id' must be a-z, 0-9 and -");

	expect_one(fx, "", 0, 0, "the file is empty");
	assert_string_equal(fx->d.v[0].msg, "the file is empty");
	expect_one(fx, "# only a comment\n", 0, 0, "the file is empty");
	expect_one(fx, "- psw: 1\n- id: alex-m\n", 1, 1,
	    "a client file must be a map of 'key: value' entries");
	expect_one(fx, "just some text\n", 1, 1,
	    "a client file must be a map of 'key: value' entries");

	/* Read without an expected id: any valid id is fine. */
	assert_int_equal(read_client(fx, "alex-m", BASE, &c), 0);
	psw_diags_release(&fx->d);
	assert_int_equal(psw_client_read(fx->doc, NULL, &c, &fx->d), 0);
	assert_string_equal(c->id, "alex-m");
}

/*
 * A newer format version is refused as "newer" and nothing else is judged,
 * however broken the rest is; a version that is not a number is refused.
 */
static void
test_format_version(void **state)
{
	struct fx *fx = *state;
	struct psw_client *c;

	expect_one(fx, "psw: 2\nname: {x: y}\nstatus: gone\n", 1, 6,
	    "format version 2 is newer than this psw understands (1); "
	    "upgrade psw");
	assert_int_equal(read_client(fx, "alex-m", "psw: 2\n", &c),
	    -PSW_EDATA);
	assert_int_equal(c->version, 2);
	assert_non_null(strstr(fx->d.v[0].msg, "newer"));
	expect_one(fx, "psw: one\nid: alex-m\n", 1, 6,
	    "'psw' must be the format version (1)");
	expect_one(fx, "psw: 0\nid: alex-m\n", 1, 6,
	    "'psw' must be the format version (1)");
	expect_one(fx, "psw: [1]\nid: alex-m\n", 1, 6,
	    "'psw' must be the format version (1)");
}

/*
 * A file with many problems reports every one of them (14 here), each
 * with its own position, section by section.
 */
static void
test_many_problems(void **state)
{
	struct fx *fx = *state;
	struct psw_client *c;
	static const char text[] =
	    "psw: 1\n"				/* 1 */
	    "id: bob\n"				/* 2: not the file name */
	    "name: {a: b}\n"			/* 3: not text */
	    "status: open\n"			/* 4: bad status */
	    "dob: 1990-02-30\n"			/* 5: bad date */
	    "consent:\n"			/* 6 (opened missing: 1:1) */
	    "  - {id: k1, scope: gp, given: 2026-02-01, "
	    "expires: 2026-01-01}\n"		/* 7: expires before given */
	    "goals:\n"				/* 8 */
	    "  - {id: g1, domain: home, title: T, status: active}\n"
	    "  - {id: g1, domain: money, title: U, status: done}\n"
	    "needs:\n"				/* 11 */
	    "  - {domain: housing, need: high}\n"
	    "contacts:\n"			/* 13 */
	    "  - {date: 2026-01-01, kind: email, minutes: -1}\n"
	    "referrals:\n"			/* 15 */
	    "  - {id: r1, service: s, goal: g7, history: []}\n";

	assert_int_equal(read_client(fx, "alex-m", text, &c), -PSW_EDATA);
	if (fx->d.n != 14)
		dump(&fx->d);
	assert_int_equal(fx->d.n, 14);
	check_problem(fx, 0, 2, 5, "'id' is 'bob' but the file is named for "
	    "'alex-m'");
	check_problem(fx, 1, 3, 7, "'name' must be text, not a map");
	check_problem(fx, 2, 4, 9, "'status' must be referred");
	check_problem(fx, 3, 5, 6, "'dob' is not a date");
	check_problem(fx, 4, 1, 1, "'opened' is missing");
	check_problem(fx, 5, 7, 53, "consent k1: expires before it was given");
	/* Sections are judged in reading order: needs before goals. */
	check_problem(fx, 6, 12, 29, "needs: 'need' must be none, met or "
	    "unmet, not 'high'");
	check_problem(fx, 7, 9, 22, "goal g1: 'domain' must be");
	check_problem(fx, 8, 10, 10, "goal: id 'g1' is used twice (first at "
	    "line 9)");
	check_problem(fx, 9, 10, 47, "goal g1: 'status' must be");
	check_problem(fx, 10, 16, 32, "referral r1: goal 'g7' does not exist");
	check_problem(fx, 11, 16, 5, "referral r1: 'history' must list at "
	    "least the first status");
	check_problem(fx, 12, 14, 30, "contact: 'kind' must be");
	check_problem(fx, 13, 14, 46, "contact: 'minutes' must be a whole "
	    "number from 0 to 1440: '-1'");
	/* What could be read still is. */
	assert_string_equal(c->id, "bob");
	assert_int_equal(c->ngoals, 2);
	assert_null(c->goals[0].domain);
	assert_string_equal(c->goals[0].title, "T");
}

/*
 * psw_client_new_doc makes a document that validates, emits as exactly
 * the expected YAML (free text quoted where it must be, dob only when
 * given, worker only when given) and reads back the same after loading.
 */
static void
test_new_doc(void **state)
{
	struct fx *fx = *state;
	struct psw_buf out = PSW_BUF_INIT;
	struct psw_diags d = PSW_DIAGS_INIT;
	struct psw_client *c;
	struct psw_doc *doc;
	struct psw_err e;

	doc = psw_client_new_doc("clients/alex-m.yaml", "alex-m",
	    "Alex Morgan", PSW_DATE_NONE, "active", ymd(2026, 1, 12), "sam");
	assert_non_null(doc);
	assert_string_equal(psw_doc_name(doc), "clients/alex-m.yaml");
	assert_int_equal(psw_client_read(doc, "alex-m", &c, &d), 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(c->name, "Alex Morgan");
	assert_int_equal(c->opened, ymd(2026, 1, 12));
	assert_int_equal(c->dob, PSW_DATE_NONE);
	assert_int_equal(psw_doc_emit(doc, &out, &e), 0);
	assert_string_equal(out.s,
	    "psw: 1\n"
	    "id: alex-m\n"
	    "name: Alex Morgan\n"
	    "status: active\n"
	    "opened: 2026-01-12\n"
	    "worker: sam\n");
	psw_doc_free(doc);

	/* Text that looks like something else is quoted; no worker. */
	psw_buf_reset(&out);
	doc = psw_client_new_doc("clients/no-1.yaml", "no-1", "No",
	    ymd(1991, 4, 2), "referred", ymd(2026, 11, 28), NULL);
	assert_non_null(doc);
	assert_int_equal(psw_client_read(doc, "no-1", &c, &d), 0);
	assert_int_equal(psw_doc_emit(doc, &out, &e), 0);
	assert_string_equal(out.s,
	    "psw: 1\n"
	    "id: no-1\n"
	    "name: 'No'\n"
	    "dob: 1991-04-02\n"
	    "status: referred\n"
	    "opened: 2026-11-28\n");
	psw_doc_free(doc);

	/* The emitted text, written as a file, reads back the same. */
	assert_int_equal(read_client(fx, "no-1", out.s, &c), 0);
	assert_string_equal(c->name, "No");
	assert_string_equal(c->status, "referred");
	assert_int_equal(c->dob, ymd(1991, 4, 2));
	assert_int_equal(c->opened, ymd(2026, 11, 28));
	assert_null(c->worker);
	psw_buf_release(&out);
	psw_diags_release(&d);
}

/* psw_list_join writes "a, b or c", and stays terminated when cut short. */
static void
test_list_join(void **state)
{
	static const char *const one[] = { "only", NULL };
	static const char *const two[] = { "yes", "no", NULL };
	static const char *const none[] = { NULL };
	char buf[512], small[10];

	(void)state;
	assert_string_equal(psw_list_join(psw_client_statuses, buf,
	    sizeof buf), "referred, active, on-hold or closed");
	assert_string_equal(psw_list_join(psw_need_levels, buf, sizeof buf),
	    "none, met or unmet");
	assert_string_equal(psw_list_join(psw_team_roles, buf, sizeof buf),
	    "psychiatrist, psychologist, gp, nurse, social-worker, "
	    "peer-worker, carer or other");
	assert_string_equal(psw_list_join(one, buf, sizeof buf), "only");
	assert_string_equal(psw_list_join(two, buf, sizeof buf), "yes or no");
	assert_string_equal(psw_list_join(none, buf, sizeof buf), "");
	assert_ptr_equal(psw_list_join(two, buf, sizeof buf), buf);
	memset(small, 'x', sizeof small);
	psw_list_join(psw_client_statuses, small, sizeof small);
	assert_string_equal(small, "referred,");
}

/* psw_in_list matches whole values only, case-sensitively; NULL is out. */
static void
test_in_list(void **state)
{
	(void)state;
	assert_int_equal(psw_in_list(psw_client_statuses, "active"), 1);
	assert_int_equal(psw_in_list(psw_client_statuses, "closed"), 1);
	assert_int_equal(psw_in_list(psw_client_statuses, "Active"), 0);
	assert_int_equal(psw_in_list(psw_client_statuses, "activ"), 0);
	assert_int_equal(psw_in_list(psw_client_statuses, ""), 0);
	assert_int_equal(psw_in_list(psw_client_statuses, NULL), 0);
	assert_int_equal(psw_in_list(psw_goal_statuses, "achieved"), 1);
	assert_int_equal(psw_in_list(psw_goal_domains, "substance-use"), 1);
	assert_int_equal(psw_in_list(psw_contact_kinds, "home-visit"), 1);
	assert_int_equal(psw_in_list(psw_referral_statuses, "in-progress"), 1);
	assert_int_equal(psw_in_list(psw_referral_statuses, "sent"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full_client, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing_keys, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_types, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_enums, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_dates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_out_of_range, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_ids, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cross_references, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_voided_assessment, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_file_level, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_format_version, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_many_problems, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_new_doc, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_list_join, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_in_list, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
