/*
 * psw-refer - the service directory and referrals followed until the
 * client is seen.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "cli.h"
#include "client.h"
#include "edit.h"
#include "instrument.h"
#include "refer.h"
#include "service.h"
#include "txn.h"

static const char usage_text[] =
"usage: psw-refer [options] command [arguments]\n"
"\n"
"the service directory:\n"
"  services [QUERY...] [--taxonomy T] [--area A] [--status S]\n"
"  service show|add|set|rm ID [--FIELD VALUE...]\n"
"  import-hsds DIR | export-hsds DIR\n"
"referrals:\n"
"  new CLIENT --service S --reason TEXT [--goal G] [--consent K]\n"
"      [--urgency routine|soon|urgent] [--send] [--follow-up DATE|DUR]\n"
"      [--override-consent]\n"
"  update CLIENT R --status S [--date D] [--note T] [--reason T]\n"
"      [--follow-up DATE|DUR] [--reopen] [--consent K] [--override-consent]\n"
"  followed-up CLIENT R [--note T] [--next DATE|DUR] [--date D]\n"
"  list [CLIENT] [--open] [--overdue] [--status S] [--service S]\n"
"  letter CLIENT R [--format text|md] [--override-consent --reason T]\n"
"  stats [--from D] [--to D]\n"
"\n"
"options: --home DIR, --as-of DATE, --format F, -q, -e, -h, --version\n"
"exit status: 0 ok, 1 empty with -e, 2 usage, 3 bad data, 4 locked,\n"
"5 I/O error.  See psw-refer(1) and psw-services(5).\n";

enum { OPT_SERVICE = PSW_OPT_FIRST_LOCAL, OPT_REASON, OPT_GOAL, OPT_CONSENT,
    OPT_URGENCY, OPT_SEND, OPT_FOLLOW_UP, OPT_OVERRIDE, OPT_STATUS,
    OPT_DATE, OPT_NOTE, OPT_REOPEN, OPT_NEXT, OPT_OPEN, OPT_OVERDUE,
    OPT_FROM, OPT_TO };

/* --- Statuses and their transitions --------------------------------- */

/*
 * The allowed next statuses of each referral status (FHIR Task).  The
 * closed ones allow nothing, except that cancelled, rejected and failed
 * may be reopened (--reopen) as draft or requested; completed is final.
 */
static const struct {
	const char *from;
	const char *const to[8];
} transitions[] = {
	{ "draft", { "requested", "cancelled", NULL } },
	{ "requested", { "received", "accepted", "rejected", "on-hold",
	    "cancelled", "failed", NULL } },
	{ "received", { "accepted", "rejected", "on-hold", "cancelled",
	    "failed", NULL } },
	{ "accepted", { "in-progress", "on-hold", "completed", "cancelled",
	    "failed", NULL } },
	{ "in-progress", { "completed", "on-hold", "cancelled", "failed",
	    NULL } },
	{ "on-hold", { "requested", "received", "accepted", "in-progress",
	    "cancelled", "failed", NULL } },
	{ "rejected", { NULL } },
	{ "cancelled", { NULL } },
	{ "failed", { NULL } },
	{ "completed", { NULL } },
};
static const char *const reopen_to[] = { "draft", "requested", NULL };
static const char *const reopenable[] = { "rejected", "cancelled", "failed",
	NULL };
static const char *const closed_statuses[] = { "rejected", "cancelled",
	"failed", "completed", NULL };
static const char *const need_reason[] = { "rejected", "cancelled", "failed",
	NULL };
static const char *const urgencies[] = { "routine", "soon", "urgent", NULL };

/* The allowed next statuses of `from` (NULL-terminated; never NULL). */
static const char *const *
next_statuses(const char *from)
{
	static const char *const none[] = { NULL };
	size_t i;

	for (i = 0; i < sizeof transitions / sizeof transitions[0]; i++)
		if (strcmp(transitions[i].from, from) == 0)
			return transitions[i].to;
	return none;
}

/* --- Consent ---------------------------------------------------------- */

/*
 * Is consent entry k active on day `today` (given on or before it, not
 * expired, not revoked)?  Returns NULL when it is, else why not, in buf.
 */
static const char *
consent_problem(const struct psw_consent *k, psw_date today, char *buf,
    size_t size)
{
	char d[PSW_DATE_LEN];

	if (k->revoked != PSW_DATE_NONE && k->revoked <= today)
		snprintf(buf, size, "consent %s was revoked on %s", k->id,
		    psw_date_format(k->revoked, d));
	else if (k->given == PSW_DATE_NONE || k->given > today)
		snprintf(buf, size, "consent %s is not given yet", k->id);
	else if (k->expires != PSW_DATE_NONE && k->expires < today)
		snprintf(buf, size, "consent %s expired on %s", k->id,
		    psw_date_format(k->expires, d));
	else
		return NULL;
	return buf;
}

static const struct psw_consent *
find_consent(const struct psw_client *c, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < c->nconsent; i++)
		if (strcmp(c->consent[i].id, id) == 0)
			return &c->consent[i];
	return NULL;
}

/*
 * May the referral be sent under consent id (may be NULL)?  0, or
 * -PSW_EDATA naming what is missing.
 */
static int
consent_check(const struct psw_client *c, const char *id, psw_date today,
    struct psw_err *e)
{
	const struct psw_consent *k;
	char why[160];
	size_t i, n = 0;

	if (id == NULL) {
		for (i = 0; i < c->nconsent; i++)
			if (consent_problem(&c->consent[i], today, why,
			    sizeof why) == NULL)
				n++;
		return psw_error(e, PSW_EDATA, "client '%s': sending a referral "
		    "needs an active consent: name it with --consent (the "
		    "client has %zu active consent entr%s), or "
		    "--override-consent with --reason", c->id, n,
		    n == 1 ? "y" : "ies");
	}
	if ((k = find_consent(c, id)) == NULL)
		return psw_error(e, PSW_EDATA, "client '%s' has no consent '%s'",
		    c->id, id);
	if (consent_problem(k, today, why, sizeof why) != NULL)
		return psw_error(e, PSW_EDATA, "client '%s': cannot send: %s "
		    "(record a new consent, or use --override-consent with "
		    "--reason)", c->id, why);
	return 0;
}

/* --- Helpers ----------------------------------------------------------- */

/* The referral with id in the client; NULL when none. */
static const struct psw_referral *
find_referral(const struct psw_client *c, const char *id)
{
	size_t i;

	for (i = 0; i < c->nreferrals; i++)
		if (c->referrals[i].id && strcmp(c->referrals[i].id, id) == 0)
			return &c->referrals[i];
	return NULL;
}

/* A date or a duration counted from `from`; 0 or -PSW_EUSAGE. */
static int
date_or_duration(const char *s, psw_date today, psw_date from,
    psw_date *out, struct psw_err *e)
{
	struct psw_duration d;
	struct psw_err sub;

	if (psw_duration_parse(s, &d, &sub) == 0) {
		*out = psw_date_add(from, d);
		return *out == PSW_DATE_NONE ? psw_error(e, PSW_EUSAGE,
		    "'%s' is out of range", s) : 0;
	}
	if (psw_date_parse(s, today, out, &sub) < 0)
		return psw_error(e, PSW_EUSAGE, "'%s' is neither a date nor a "
		    "duration (7d, 2w, 3m)", s);
	return 0;
}

/* The default next follow-up after an event with status on day `when`;
 * PSW_DATE_NONE when the referral needs none (engaged or closed). */
static psw_date
default_follow_up(const struct psw_settings *set, const char *status,
    const char *urgency, psw_date when)
{
	int urgent = urgency != NULL && strcmp(urgency, "urgent") == 0;

	if (strcmp(status, "accepted") == 0)
		return psw_date_add(when, set->follow_up_accepted);
	if (strcmp(status, "draft") == 0 || strcmp(status, "requested") == 0 ||
	    strcmp(status, "received") == 0 || strcmp(status, "on-hold") == 0)
		return psw_date_add(when, urgent ? set->follow_up_urgent :
		    set->follow_up_sent);
	return PSW_DATE_NONE;
}

/* Append a history event to referral node rn; NULL on OOM. */
static struct psw_node *
add_event(struct psw_doc *doc, struct psw_node *rn, psw_date when,
    const char *status, const char *by, const char *reason,
    const char *note, int override)
{
	struct psw_node *h = psw_edit_seq(doc, rn, "history"), *ev;

	if (h == NULL || (ev = psw_node_map(doc, 1)) == NULL ||
	    psw_edit_set_date(doc, ev, "date", when) == NULL ||
	    psw_map_set_str(doc, ev, "status", status, PSW_PLAIN) == NULL ||
	    psw_map_set_str(doc, ev, "by", by, PSW_STRING) == NULL ||
	    (reason && psw_map_set_str(doc, ev, "reason", reason,
	    PSW_STRING) == NULL) ||
	    (note && psw_map_set_str(doc, ev, "note", note,
	    PSW_STRING) == NULL) ||
	    (override && psw_map_set_str(doc, ev, "consent-override", "true",
	    PSW_PLAIN) == NULL))
		return NULL;
	/* Flow style only while it stays short. */
	if (reason != NULL || note != NULL)
		ev->flow = 0;
	return psw_seq_append(h, ev);
}

/* Set or remove a referral's follow-up; -1 on OOM. */
static int
set_follow_up(struct psw_doc *doc, struct psw_node *rn, psw_date d)
{
	if (d == PSW_DATE_NONE) {
		psw_map_remove(rn, "follow-up");
		return 0;
	}
	return psw_edit_set_date(doc, rn, "follow-up", d) ? 0 : -1;
}

/* Refuse inside a transaction: abort, print, return the code. */
static int
refuse(struct psw_cli *cli, struct psw_txn *t, int code, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static int
refuse(struct psw_cli *cli, struct psw_txn *t, int code, const char *fmt, ...)
{
	struct psw_err e;
	va_list ap;

	/* The arguments may point into t's document: format first. */
	psw_err_clear(&e);
	e.code = code;
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof e.msg, fmt, ap);
	va_end(ap);
	psw_txn_abort(t);
	return psw_cli_fail(cli, &e);
}

/*
 * Lock client cid for a change and find its referral rid: -1 when t and
 * *r are ready, else the exit status (t given up).
 */
static int
begin_referral(struct psw_cli *cli, const char *cid, const char *rid,
    struct psw_txn *t, const struct psw_referral **r)
{
	int rc;

	if ((rc = psw_cli_begin(cli, cid, t)) >= 0)
		return rc;
	if ((*r = find_referral(t->client, rid)) == NULL)
		return refuse(cli, t, PSW_EDATA, "client '%s' has no referral "
		    "'%s'", t->id, rid);
	return -1;
}

/* --- new ----------------------------------------------------------- */

struct ref_opts {
	const char *service, *reason, *goal, *consent, *urgency, *follow_up;
	const char *status, *date, *note, *next, *from, *to;
	int send, override, reopen, open, overdue;
};

static int
ref_opt(void *arg, int c, const char *val)
{
	struct ref_opts *o = arg;

	switch (c) {
	case OPT_SERVICE: o->service = val; break;
	case OPT_REASON: o->reason = val; break;
	case OPT_GOAL: o->goal = val; break;
	case OPT_CONSENT: o->consent = val; break;
	case OPT_URGENCY: o->urgency = val; break;
	case OPT_SEND: o->send = 1; break;
	case OPT_FOLLOW_UP: o->follow_up = val; break;
	case OPT_OVERRIDE: o->override = 1; break;
	case OPT_STATUS: o->status = val; break;
	case OPT_DATE: o->date = val; break;
	case OPT_NOTE: o->note = val; break;
	case OPT_REOPEN: o->reopen = 1; break;
	case OPT_NEXT: o->next = val; break;
	case OPT_OPEN: o->open = 1; break;
	case OPT_OVERDUE: o->overdue = 1; break;
	case OPT_FROM: o->from = val; break;
	case OPT_TO: o->to = val; break;
	}
	return -1;
}

/*
 * May a new referral go to service id?  It must exist and not be
 * removed; one that is not active is a warning.  0, or -code.
 */
static int
service_usable(struct psw_cli *cli, const char *id, struct psw_err *e)
{
	struct psw_service *svc;
	struct psw_doc *doc;
	int rc;

	if ((rc = psw_service_load(&cli->store, id, &doc, &svc, e)) < 0) {
		if (rc == -PSW_EDATA && strstr(e->msg, "does not exist"))
			psw_error(e, PSW_EDATA, "no service '%s' (see "
			    "psw-refer services)", id);
		return rc;
	}
	if (svc->removed != NULL)
		rc = psw_error(e, PSW_EDATA, "service '%s' was removed from "
		    "the directory on %s", id, svc->removed);
	else if (strcmp(svc->status, "active") != 0)
		psw_cli_warn(cli, "service '%s' is %s", id, svc->status);
	psw_doc_free(doc);
	return rc;
}

static int
cmd_new(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "service", required_argument, NULL, OPT_SERVICE },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "goal", required_argument, NULL, OPT_GOAL },
		{ "consent", required_argument, NULL, OPT_CONSENT },
		{ "urgency", required_argument, NULL, OPT_URGENCY },
		{ "send", no_argument, NULL, OPT_SEND },
		{ "follow-up", required_argument, NULL, OPT_FOLLOW_UP },
		{ "override-consent", no_argument, NULL, OPT_OVERRIDE },
		{ "date", required_argument, NULL, OPT_DATE },
	};
	struct ref_opts o;
	struct psw_node *root, *seq, *rn;
	const char *status;
	char rid[32], all[128];
	psw_date when, fu;
	struct psw_txn t;
	struct psw_err e;
	size_t i;
	int rc, found;

	memset(&o, 0, sizeof o);
	rc = psw_cli_parse(cli, argc, argv, local, 9, ref_opt, &o,
	    "usage: psw-refer new CLIENT --service S --reason TEXT [--goal G] "
	    "[--consent K]\n    [--urgency routine|soon|urgent] [--send] "
	    "[--follow-up DATE|DUR] [--override-consent]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return psw_cli_usage_error(cli, "new needs one client id");
	if (psw_id_check(argv[optind], &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (o.service == NULL)
		return psw_cli_usage_error(cli, "new needs --service S");
	if (o.reason == NULL || strspn(o.reason, " \t\n") == strlen(o.reason))
		return psw_cli_usage_error(cli, "new needs --reason TEXT");
	if (psw_service_id_check(o.service, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (o.urgency != NULL && !psw_in_list(urgencies, o.urgency))
		return psw_cli_usage_error(cli, "unknown urgency '%s' (use %s)",
		    o.urgency, psw_list_join(urgencies, all, sizeof all));
	if (o.override && !o.send)
		return psw_cli_usage_error(cli, "--override-consent only "
		    "applies with --send");
	if (psw_cli_today(cli, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	when = cli->today;
	if (o.date && psw_date_parse(o.date, cli->today, &when, &e) < 0)
		return psw_cli_usage_error(cli, "--date: %s", e.msg);
	fu = PSW_DATE_NONE;
	if (o.follow_up && date_or_duration(o.follow_up, cli->today, when,
	    &fu, &e) < 0)
		return psw_cli_usage_error(cli, "--follow-up: %s", e.msg);
	if (psw_cli_open(cli, PSW_CLI_WRITE | PSW_CLI_NOINDEX, &e) < 0)
		return psw_cli_fail(cli, &e);
	if ((rc = service_usable(cli, o.service, &e)) < 0)
		return psw_cli_fail(cli, &e);
	if (psw_txn_begin(&cli->store, argv[optind], 0, &t, &e) < 0)
		return psw_cli_fail(cli, &e);
	if (o.goal != NULL) {
		for (found = 0, i = 0; i < t.client->ngoals; i++)
			found |= strcmp(t.client->goals[i].id, o.goal) == 0;
		if (!found)
			return refuse(cli, &t, PSW_EDATA, "client '%s' has no "
			    "goal '%s'", t.id, o.goal);
	}
	if (o.consent != NULL && find_consent(t.client, o.consent) == NULL)
		return refuse(cli, &t, PSW_EDATA, "client '%s' has no consent "
		    "'%s'", t.id, o.consent);
	if (o.send && !o.override &&
	    consent_check(t.client, o.consent, when, &e) < 0) {
		psw_txn_abort(&t);
		return psw_cli_fail(cli, &e);
	}
	status = o.send ? "requested" : "draft";
	if (fu == PSW_DATE_NONE)
		fu = default_follow_up(&cli->store.set, status, o.urgency, when);
	root = psw_doc_root(t.doc);
	if ((seq = psw_edit_seq(t.doc, root, "referrals")) == NULL ||
	    (rn = psw_node_map(t.doc, 0)) == NULL)
		return psw_cli_oom(cli, &t);
	psw_edit_next_id(seq, "r", rid, sizeof rid);
	if (psw_map_set_str(t.doc, rn, "id", rid, PSW_PLAIN) == NULL ||
	    psw_map_set_str(t.doc, rn, "service", o.service, PSW_PLAIN) ==
	    NULL ||
	    (o.goal && psw_map_set_str(t.doc, rn, "goal", o.goal, PSW_PLAIN) ==
	    NULL) ||
	    psw_map_set_str(t.doc, rn, "reason", o.reason, PSW_STRING) ==
	    NULL ||
	    (o.consent && psw_map_set_str(t.doc, rn, "consent", o.consent,
	    PSW_PLAIN) == NULL) ||
	    psw_map_set_str(t.doc, rn, "urgency", o.urgency ? o.urgency :
	    "routine", PSW_PLAIN) == NULL ||
	    set_follow_up(t.doc, rn, fu) < 0 ||
	    add_event(t.doc, rn, when, status, cli->store.set.worker,
	    o.override ? o.reason : NULL, NULL, o.override) == NULL)
		return psw_cli_oom(cli, &t);
	psw_seq_append(seq, rn);
	if (psw_txn_commit(&t, NULL, o.override ? "refer-override-consent" :
	    "refer", &e) < 0)
		return psw_cli_fail(cli, &e);
	if (o.override)
		psw_cli_warn(cli, "sent without an active consent "
		    "(override recorded in the history and the audit log)");
	if (!cli->quiet)
		printf("added referral %s (%s)\n", rid, status);
	return 0;
}

/* --- update ---------------------------------------------------------- */

static int
cmd_update(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "status", required_argument, NULL, OPT_STATUS },
		{ "date", required_argument, NULL, OPT_DATE },
		{ "note", required_argument, NULL, OPT_NOTE },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "follow-up", required_argument, NULL, OPT_FOLLOW_UP },
		{ "reopen", no_argument, NULL, OPT_REOPEN },
		{ "override-consent", no_argument, NULL, OPT_OVERRIDE },
		{ "consent", required_argument, NULL, OPT_CONSENT },
	};
	const struct psw_referral *r;
	const char *const *allowed, *consent;
	struct ref_opts o;
	struct psw_node *rn;
	char all[256];
	psw_date when, fu = PSW_DATE_NONE;
	struct psw_txn t;
	struct psw_err e;
	int rc;

	memset(&o, 0, sizeof o);
	rc = psw_cli_parse(cli, argc, argv, local, 8, ref_opt, &o,
	    "usage: psw-refer update CLIENT R --status S [--date D] "
	    "[--note T] [--reason T]\n    [--follow-up DATE|DUR] [--reopen] "
	    "[--consent K] [--override-consent]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 2)
		return psw_cli_usage_error(cli, "update needs a client id and a "
		    "referral id");
	if (psw_id_check(argv[optind], &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (o.status == NULL)
		return psw_cli_usage_error(cli, "update needs --status S");
	if (!psw_in_list(psw_referral_statuses, o.status))
		return psw_cli_usage_error(cli, "unknown status '%s' (use %s)",
		    o.status, psw_list_join(psw_referral_statuses, all,
		    sizeof all));
	if (psw_in_list(need_reason, o.status) && (o.reason == NULL ||
	    *o.reason == '\0'))
		return psw_cli_usage_error(cli, "a referral %s needs --reason "
		    "TEXT", o.status);
	if (o.override && (o.reason == NULL || *o.reason == '\0'))
		return psw_cli_usage_error(cli, "--override-consent needs "
		    "--reason TEXT");
	if (psw_cli_today(cli, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	when = cli->today;
	if (o.date && psw_date_parse(o.date, cli->today, &when, &e) < 0)
		return psw_cli_usage_error(cli, "--date: %s", e.msg);
	if (o.follow_up && date_or_duration(o.follow_up, cli->today, when,
	    &fu, &e) < 0)
		return psw_cli_usage_error(cli, "--follow-up: %s", e.msg);
	if ((rc = begin_referral(cli, argv[optind], argv[optind + 1], &t,
	    &r)) >= 0)
		return rc;
	allowed = o.reopen ? (psw_in_list(reopenable, r->status) ? reopen_to :
	    next_statuses("completed")) : next_statuses(r->status);
	if (!psw_in_list(allowed, o.status)) {
		if (o.reopen && !psw_in_list(reopenable, r->status))
			return refuse(cli, &t, PSW_EDATA, "referral %s is %s: "
			    "only a rejected, cancelled or failed referral "
			    "can be reopened", r->id, r->status);
		if (allowed[0] == NULL)
			return refuse(cli, &t, PSW_EDATA, "referral %s is %s: "
			    "no change is possible%s", r->id, r->status,
			    psw_in_list(reopenable, r->status) ? " without "
			    "--reopen (then draft or requested)" : "");
		return refuse(cli, &t, PSW_EDATA, "referral %s cannot go from "
		    "%s to %s (next: %s)", r->id, r->status, o.status,
		    psw_list_join(allowed, all, sizeof all));
	}
	if (r->nhistory > 0 && when < r->history[r->nhistory - 1].date) {
		char d[PSW_DATE_LEN];

		return refuse(cli, &t, PSW_EUSAGE, "--date is before the "
		    "referral's last change (%s)", psw_date_format(
		    r->history[r->nhistory - 1].date, d));
	}
	if (o.consent != NULL && find_consent(t.client, o.consent) == NULL)
		return refuse(cli, &t, PSW_EDATA, "client '%s' has no consent "
		    "'%s'", t.id, o.consent);
	consent = o.consent ? o.consent : r->consent;
	if (strcmp(o.status, "requested") == 0 && !o.override &&
	    consent_check(t.client, consent, when, &e) < 0) {
		psw_txn_abort(&t);
		return psw_cli_fail(cli, &e);
	}
	if (fu == PSW_DATE_NONE)
		fu = default_follow_up(&cli->store.set, o.status, r->urgency,
		    when);
	rn = psw_edit_find(psw_map_get(psw_doc_root(t.doc), "referrals"),
	    r->id);
	if (rn == NULL || (o.consent != NULL && psw_map_set_str(t.doc, rn,
	    "consent", o.consent, PSW_PLAIN) == NULL) ||
	    add_event(t.doc, rn, when, o.status,
	    cli->store.set.worker, o.reason, o.note, o.override) == NULL ||
	    set_follow_up(t.doc, rn, fu) < 0)
		return psw_cli_oom(cli, &t);
	if (psw_txn_commit(&t, NULL, o.override ? "refer-override-consent" :
	    "refer-update", &e) < 0)
		return psw_cli_fail(cli, &e);
	if (!cli->quiet)
		printf("referral %s %s\n", argv[optind + 1], o.status);
	return 0;
}

/* --- followed-up ------------------------------------------------------ */

static int
cmd_followed_up(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "note", required_argument, NULL, OPT_NOTE },
		{ "next", required_argument, NULL, OPT_NEXT },
		{ "date", required_argument, NULL, OPT_DATE },
	};
	const struct psw_referral *r;
	struct psw_node *rn, *seq, *ev;
	struct ref_opts o;
	char d[PSW_DATE_LEN];
	psw_date when, fu = PSW_DATE_NONE;
	struct psw_txn t;
	struct psw_err e;
	int rc;

	memset(&o, 0, sizeof o);
	rc = psw_cli_parse(cli, argc, argv, local, 3, ref_opt, &o,
	    "usage: psw-refer followed-up CLIENT R [--note T] "
	    "[--next DATE|DUR] [--date D]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 2)
		return psw_cli_usage_error(cli, "followed-up needs a client id "
		    "and a referral id");
	if (psw_id_check(argv[optind], &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_today(cli, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	when = cli->today;
	if (o.date && psw_date_parse(o.date, cli->today, &when, &e) < 0)
		return psw_cli_usage_error(cli, "--date: %s", e.msg);
	if (o.next && date_or_duration(o.next, cli->today, when, &fu, &e) < 0)
		return psw_cli_usage_error(cli, "--next: %s", e.msg);
	if ((rc = begin_referral(cli, argv[optind], argv[optind + 1], &t,
	    &r)) >= 0)
		return rc;
	if (psw_in_list(closed_statuses, r->status))
		return refuse(cli, &t, PSW_EDATA, "referral %s is %s: there "
		    "is nothing to follow up", r->id, r->status);
	if (fu == PSW_DATE_NONE)
		fu = default_follow_up(&cli->store.set, r->status, r->urgency,
		    when);
	rn = psw_edit_find(psw_map_get(psw_doc_root(t.doc), "referrals"),
	    r->id);
	if (rn == NULL || (seq = psw_edit_seq(t.doc, rn, "follow-ups")) ==
	    NULL || (ev = psw_node_map(t.doc, o.note == NULL)) == NULL ||
	    psw_edit_set_date(t.doc, ev, "date", when) == NULL ||
	    psw_map_set_str(t.doc, ev, "by", cli->store.set.worker,
	    PSW_STRING) == NULL ||
	    (o.note && psw_map_set_str(t.doc, ev, "note", o.note,
	    PSW_STRING) == NULL) || set_follow_up(t.doc, rn, fu) < 0)
		return psw_cli_oom(cli, &t);
	psw_seq_append(seq, ev);
	if (psw_txn_commit(&t, NULL, "refer-follow-up", &e) < 0)
		return psw_cli_fail(cli, &e);
	if (!cli->quiet) {
		if (fu == PSW_DATE_NONE)
			printf("followed up referral %s\n", r->id);
		else
			printf("followed up referral %s; next on %s\n",
			    argv[optind + 1], psw_date_format(fu, d));
	}
	return 0;
}

/* --- list -------------------------------------------------------------- */

static int
cmd_list(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "open", no_argument, NULL, OPT_OPEN },
		{ "overdue", no_argument, NULL, OPT_OVERDUE },
		{ "status", required_argument, NULL, OPT_STATUS },
		{ "service", required_argument, NULL, OPT_SERVICE },
	};
	static const struct psw_column cols[] = {
		{ "client", PSW_COL_STR, 0 },
		{ "id", PSW_COL_STR, 0 },
		{ "service", PSW_COL_STR, 0 },
		{ "status", PSW_COL_STR, 0 },
		{ "urgency", PSW_COL_STR, 0 },
		{ "sent", PSW_COL_DATE, 0 },
		{ "days_sent", PSW_COL_INT, PSW_COL_RIGHT },
		{ "follow_up", PSW_COL_DATE, 0 },
		{ "days_to_follow_up", PSW_COL_INT, PSW_COL_RIGHT },
	};
	struct ref_opts o;
	enum psw_format fmt;
	struct psw_err e;
	sqlite3_stmt *s = NULL;
	char today[PSW_DATE_LEN], all[256];
	const char *client = NULL;
	int rc;

	memset(&o, 0, sizeof o);
	rc = psw_cli_parse(cli, argc, argv, local, 4, ref_opt, &o,
	    "usage: psw-refer list [CLIENT] [--open] [--overdue] [--status S] "
	    "[--service S]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind > 1)
		return psw_cli_usage_error(cli, "list takes at most one client "
		    "id");
	if (argc - optind == 1) {
		client = argv[optind];
		if (psw_id_check(client, &e) < 0)
			return psw_cli_usage_error(cli, "%s", e.msg);
	}
	if (o.status && !psw_in_list(psw_referral_statuses, o.status))
		return psw_cli_usage_error(cli, "unknown status '%s' (use %s)",
		    o.status, psw_list_join(psw_referral_statuses, all,
		    sizeof all));
	if (psw_cli_format(cli, PSW_FMT_LISTING, &fmt, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_open(cli, 0, &e) < 0)
		return psw_cli_fail(cli, &e);
	if (client != NULL) {
		char *path = psw_store_client_path(&cli->store, client);
		int there;

		if (path == NULL)
			return psw_cli_oom(cli, NULL);
		there = access(path, F_OK) == 0;
		free(path);
		if (!there) {
			psw_error(&e, PSW_EDATA, "no client '%s'", client);
			return psw_cli_fail(cli, &e);
		}
	}
	psw_date_format(cli->today, today);
	rc = sqlite3_prepare_v2(psw_index_db(&cli->index),
	    "SELECT r.client, r.id, r.service, r.status, r.urgency, x.sent, "
	    "CASE WHEN x.sent IS NOT NULL AND r.status NOT IN ('completed', "
	    "'cancelled', 'rejected', 'failed') THEN CAST(julianday(?1) - "
	    "julianday(x.sent) AS INTEGER) END, r.follow_up, "
	    "CAST(julianday(r.follow_up) - julianday(?1) AS INTEGER) "
	    "FROM referrals r LEFT JOIN (SELECT client, referral, min(date) "
	    "AS sent FROM referral_events WHERE status = 'requested' "
	    "GROUP BY client, referral) x ON x.client = r.client AND "
	    "x.referral = r.id "
	    "WHERE (?2 IS NULL OR r.client = ?2) "
	    "AND (?3 IS NULL OR r.status = ?3) "
	    "AND (?4 IS NULL OR r.service = ?4) "
	    "AND (?5 = 0 OR r.status NOT IN ('completed', 'cancelled', "
	    "'rejected', 'failed')) "
	    "AND (?6 = 0 OR (r.follow_up < ?1 AND r.status NOT IN "
	    "('completed', 'cancelled', 'rejected', 'failed'))) "
	    "ORDER BY r.follow_up IS NULL, r.follow_up, r.client, "
	    "length(r.id), r.id", -1, &s, NULL);
	if (rc != SQLITE_OK) {
		psw_index_error(&cli->index, rc, "cannot list", &e);
		return psw_cli_fail(cli, &e);
	}
	sqlite3_bind_text(s, 1, today, -1, SQLITE_STATIC);
	if (client)
		sqlite3_bind_text(s, 2, client, -1, SQLITE_STATIC);
	if (o.status)
		sqlite3_bind_text(s, 3, o.status, -1, SQLITE_STATIC);
	if (o.service)
		sqlite3_bind_text(s, 4, o.service, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, o.open);
	sqlite3_bind_int(s, 6, o.overdue);
	return psw_cli_query_table(cli, s, fmt, cols, 9, 9, NULL, "cannot list");
}

/* --- letter ------------------------------------------------------------ */

/* Does consent node k's share list hold `what`? */
static int
shares(const struct psw_node *k, const char *what)
{
	const struct psw_node *sh = psw_map_get(k, "share"), *x;

	for (x = sh && sh->type == PSW_NODE_SEQ ? sh->head : NULL; x;
	    x = x->next)
		if (x->type == PSW_NODE_SCALAR && strcmp(x->str, what) == 0)
			return 1;
	return 0;
}

/* One "Label: value" line of the letter (md: a list item). */
static void
letter_line(int md, const char *label, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	if (md) {
		fputs("- **", stdout);
		psw_put_md(stdout, label);
		fputs(":** ", stdout);
		psw_put_md(stdout, value);
	} else {
		printf("%s: ", label);
		psw_put_text(stdout, value);
	}
	putchar('\n');
}

/*
 * The client's current scores: the latest assessment (not voided) with
 * each instrument, scored.
 */
static void
letter_scores(const struct psw_instruments *set, const struct psw_client *c,
    int md)
{
	const struct psw_instrument *in;
	struct psw_score sc;
	char date[PSW_DATE_LEN], line[512], label[160];
	size_t i, j, shown = 0;

	for (i = 0; i < c->nassessments; i++) {
		const struct psw_assessment *a = &c->assessments[i], *b;
		int latest = a->voided == PSW_DATE_NONE;

		for (j = 0; latest && j < c->nassessments; j++) {
			b = &c->assessments[j];
			if (j != i && b->voided == PSW_DATE_NONE &&
			    strcmp(b->instrument, a->instrument) == 0 &&
			    (b->date > a->date || (b->date == a->date &&
			    j > i)))
				latest = 0;
		}
		if (!latest || (in = psw_instruments_find(set,
		    a->instrument)) == NULL ||
		    psw_instrument_score(in, a->answers, a->nanswers,
		    &sc) < 0)
			continue;
		if (shown++ == 0)
			fputs(md ? "## Current scores\n\n" :
			    "CURRENT SCORES\n\n", stdout);
		snprintf(label, sizeof label, "%s", in->name ? in->name :
		    in->id);
		snprintf(line, sizeof line, "%g%s%s%s on %s", sc.total,
		    sc.band ? " (" : "", sc.band ? sc.band : "",
		    sc.band ? ")" : "", psw_date_format(a->date, date));
		letter_line(md, label, line);
	}
	if (shown > 0)
		putchar('\n');
}

static int
cmd_letter(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "override-consent", no_argument, NULL, OPT_OVERRIDE },
		{ "reason", required_argument, NULL, OPT_REASON },
	};
	const struct psw_referral *r;
	const struct psw_consent *k;
	const struct psw_node *kn = NULL;
	struct psw_diags d = PSW_DIAGS_INIT;
	struct psw_service *svc = NULL;
	struct psw_instruments *set = NULL;
	struct psw_doc *doc = NULL, *sdoc = NULL;
	struct psw_client *c;
	struct ref_opts o;
	enum psw_format fmt;
	struct psw_err e;
	char name[96], date[PSW_DATE_LEN], svcline[512], *path;
	const char *goal = NULL;
	size_t i;
	int rc, md, contact;

	memset(&o, 0, sizeof o);
	rc = psw_cli_parse(cli, argc, argv, local, 2, ref_opt, &o,
	    "usage: psw-refer letter CLIENT R [--format text|md] "
	    "[--override-consent --reason T]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 2)
		return psw_cli_usage_error(cli, "letter needs a client id and a "
		    "referral id");
	if (psw_id_check(argv[optind], &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_format(cli, PSW_FMT_BIT(PSW_FMT_TEXT) |
	    PSW_FMT_BIT(PSW_FMT_MD), &fmt, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (o.override && (o.reason == NULL || *o.reason == '\0'))
		return psw_cli_usage_error(cli, "--override-consent needs "
		    "--reason TEXT");
	md = fmt == PSW_FMT_MD;
	if (psw_cli_open(cli, PSW_CLI_NOINDEX, &e) < 0)
		return psw_cli_fail(cli, &e);
	psw_store_client_name(argv[optind], name, sizeof name);
	if ((path = psw_store_client_path(&cli->store, argv[optind])) == NULL)
		return psw_cli_oom(cli, NULL);
	if (access(path, F_OK) < 0) {
		free(path);
		psw_error(&e, PSW_EDATA, "no client '%s' (%s does not exist)",
		    argv[optind], name);
		return psw_cli_fail(cli, &e);
	}
	rc = psw_doc_load_file(path, name, &doc, &e);
	free(path);
	if (rc < 0)
		return psw_cli_fail(cli, &e);
	rc = psw_client_read(doc, argv[optind], &c, &d);
	if (rc < 0) {
		psw_diags_first(&d, name, &e);
		goto fail;
	}
	if ((r = find_referral(c, argv[optind + 1])) == NULL) {
		psw_error(&e, PSW_EDATA, "client '%s' has no referral '%s'",
		    c->id, argv[optind + 1]);
		goto fail;
	}
	if (!o.override && consent_check(c, r->consent, cli->today, &e) < 0)
		goto fail;
	k = find_consent(c, r->consent);
	if (k != NULL)
		kn = psw_edit_find(psw_map_get(psw_doc_root(doc), "consent"),
		    k->id);
	/* Contact details only when the consent says the client agreed to
	 * share them; never session notes. */
	contact = kn != NULL && shares(kn, "contact") && !o.override;
	for (i = 0; r->goal != NULL && i < c->ngoals; i++)
		if (strcmp(c->goals[i].id, r->goal) == 0)
			goal = c->goals[i].title;
	if (psw_service_load(&cli->store, r->service, &sdoc, &svc, &e) < 0)
		svc = NULL;
	if (kn != NULL && shares(kn, "health") && !o.override &&
	    c->nassessments > 0 &&
	    psw_instruments_load(cli->store.home, &set, &e) < 0)
		goto fail;
	if (psw_audit(&cli->store, o.override ? "letter-override-consent" :
	    "letter", c->id, &e) < 0)
		goto fail;
	if (svc != NULL && svc->organisation != NULL)
		snprintf(svcline, sizeof svcline, "%s (%s)", svc->name,
		    svc->organisation);
	else
		snprintf(svcline, sizeof svcline, "%s", svc ? svc->name :
		    r->service);
	if (md)
		fputs("# Referral\n\n", stdout);
	else
		fputs("REFERRAL\n\n", stdout);
	letter_line(md, "To", svcline);
	if (svc != NULL)
		letter_line(md, "Service email", svc->email);
	letter_line(md, "Date", psw_date_format(cli->today, date));
	letter_line(md, "From", cli->store.set.worker);
	letter_line(md, "Phone", cli->store.set.worker_phone);
	letter_line(md, "Email", cli->store.set.worker_email);
	letter_line(md, "Organisation", cli->store.set.organisation);
	letter_line(md, "Organisation address",
	    cli->store.set.organisation_address);
	letter_line(md, "Organisation phone",
	    cli->store.set.organisation_phone);
	letter_line(md, "Urgency", r->urgency);
	putchar('\n');
	if (md)
		fputs("## Client\n\n", stdout);
	else
		fputs("CLIENT\n\n", stdout);
	letter_line(md, "Name", c->name);
	letter_line(md, "Preferred name", c->preferred_name);
	letter_line(md, "Pronouns", c->pronouns);
	letter_line(md, "Date of birth", psw_date_format(c->dob, date));
	if (contact) {
		letter_line(md, "Phone", c->phone);
		letter_line(md, "Email", c->email);
		letter_line(md, "Address", c->address);
	}
	putchar('\n');
	if (md)
		fputs("## Reason for referral\n\n", stdout);
	else
		fputs("REASON FOR REFERRAL\n\n", stdout);
	if (md)
		psw_put_md(stdout, r->reason ? r->reason : "");
	else
		psw_put_text(stdout, r->reason ? r->reason : "");
	fputs("\n\n", stdout);
	if (goal != NULL) {
		letter_line(md, "Related goal", goal);
		putchar('\n');
	}
	/* Scores only when the consent covers health information. */
	if (set != NULL)
		letter_scores(set, c, md);
	if (k != NULL && !o.override) {
		char given[PSW_DATE_LEN], line[256];

		snprintf(line, sizeof line, "%s, given %s%s%s", k->scope,
		    psw_date_format(k->given, given), k->expires !=
		    PSW_DATE_NONE ? ", expires " : "", psw_date_format(
		    k->expires, date));
		letter_line(md, "Consent", line);
	} else if (o.override) {
		char line[PSW_ERR_MSG];

		snprintf(line, sizeof line, "not given; shared because: %s",
		    o.reason);
		letter_line(md, "Consent", line);
	}
	psw_instruments_free(set);
	psw_diags_release(&d);
	psw_doc_free(sdoc);
	psw_doc_free(doc);
	return 0;
fail:
	psw_instruments_free(set);
	psw_diags_release(&d);
	psw_doc_free(sdoc);
	psw_doc_free(doc);
	return psw_cli_fail(cli, &e);
}

/* --- stats ------------------------------------------------------------- */

struct agg {
	char service[PSW_ID_MAX + 1];
	long sent, accepted, completed, rejected, failed, seen;
	int *to_acc, *to_prog;
	size_t nacc, nprog;
};

static int
int_cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* The median of v (sorted here) as text into buf; "" when empty. */
static const char *
median(int *v, size_t n, char *buf, size_t size)
{
	if (n == 0)
		return NULL;
	qsort(v, n, sizeof *v, int_cmp);
	if (n % 2)
		snprintf(buf, size, "%d", v[n / 2]);
	else if ((v[n / 2 - 1] + v[n / 2]) % 2 == 0)
		snprintf(buf, size, "%d", (v[n / 2 - 1] + v[n / 2]) / 2);
	else
		snprintf(buf, size, "%.1f", (v[n / 2 - 1] + v[n / 2]) / 2.0);
	return buf;
}

static int
push_int(int **v, size_t *n, int x)
{
	int *nv = realloc(*v, (*n + 1) * sizeof **v);

	if (nv == NULL)
		return -1;
	nv[(*n)++] = x;
	*v = nv;
	return 0;
}

static int
cmd_stats(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
	};
	static const struct psw_column cols[] = {
		{ "service", PSW_COL_STR, 0 },
		{ "sent", PSW_COL_INT, PSW_COL_RIGHT },
		{ "accepted", PSW_COL_INT, PSW_COL_RIGHT },
		{ "completed", PSW_COL_INT, PSW_COL_RIGHT },
		{ "rejected", PSW_COL_INT, PSW_COL_RIGHT },
		{ "failed", PSW_COL_INT, PSW_COL_RIGHT },
		{ "median_days_to_accepted", PSW_COL_NUM, PSW_COL_RIGHT },
		{ "median_days_to_in_progress", PSW_COL_NUM, PSW_COL_RIGHT },
		{ "seen_percent", PSW_COL_INT, PSW_COL_RIGHT },
	};
	struct agg *v = NULL, *a;
	size_t n = 0, i, k;
	struct ref_opts o;
	struct psw_table *t;
	enum psw_format fmt;
	struct psw_out out;
	struct psw_err e;
	sqlite3_stmt *s = NULL;
	char from[PSW_DATE_LEN] = "0001-01-01", to[PSW_DATE_LEN] = "9999-12-31";
	psw_date df, dt;
	int rc;

	memset(&o, 0, sizeof o);
	rc = psw_cli_parse(cli, argc, argv, local, 2, ref_opt, &o,
	    "usage: psw-refer stats [--from D] [--to D]\n");
	if (rc >= 0)
		return rc;
	if (optind < argc)
		return psw_cli_usage_error(cli, "stats takes no arguments");
	if (psw_cli_format(cli, PSW_FMT_LISTING, &fmt, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_today(cli, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (o.from) {
		if (psw_date_parse(o.from, cli->today, &df, &e) < 0)
			return psw_cli_usage_error(cli, "--from: %s", e.msg);
		psw_date_format(df, from);
	}
	if (o.to) {
		if (psw_date_parse(o.to, cli->today, &dt, &e) < 0)
			return psw_cli_usage_error(cli, "--to: %s", e.msg);
		psw_date_format(dt, to);
	}
	if (psw_cli_open(cli, 0, &e) < 0)
		return psw_cli_fail(cli, &e);
	/* One row per sent referral: its service, final status, days from
	 * sent to accepted and to in-progress, whether it was ever accepted
	 * and whether the client was seen (in-progress or completed). */
	rc = sqlite3_prepare_v2(psw_index_db(&cli->index),
	    "SELECT r.service, r.status, "
	    "julianday(min(CASE WHEN e.status = 'accepted' THEN e.date END)) "
	    "  - julianday(min(CASE WHEN e.status = 'requested' THEN e.date "
	    "  END)), "
	    "julianday(min(CASE WHEN e.status = 'in-progress' THEN e.date "
	    "  END)) - julianday(min(CASE WHEN e.status = 'requested' THEN "
	    "  e.date END)), "
	    "max(e.status = 'accepted'), "
	    "max(e.status IN ('in-progress', 'completed')) "
	    "FROM referrals r JOIN referral_events e ON e.client = r.client "
	    "AND e.referral = r.id GROUP BY r.client, r.id "
	    "HAVING min(CASE WHEN e.status = 'requested' THEN e.date END) "
	    "BETWEEN ?1 AND ?2 ORDER BY r.service", -1, &s, NULL);
	if (rc != SQLITE_OK) {
		psw_index_error(&cli->index, rc, "cannot count", &e);
		return psw_cli_fail(cli, &e);
	}
	sqlite3_bind_text(s, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, to, -1, SQLITE_STATIC);
	/* v[0] is the total. */
	if ((v = calloc(1, sizeof *v)) == NULL) {
		sqlite3_finalize(s);
		return psw_cli_oom(cli, NULL);
	}
	snprintf(v[0].service, sizeof v[0].service, "all");
	n = 1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *svc = (const char *)sqlite3_column_text(s, 0);
		const char *st = (const char *)sqlite3_column_text(s, 1);
		struct agg *pair[2];

		if (strcmp(v[n - 1].service, svc) != 0 || n == 1) {
			struct agg *nv = realloc(v, (n + 1) * sizeof *v);

			if (nv == NULL)
				break;
			v = nv;
			memset(&v[n], 0, sizeof v[n]);
			snprintf(v[n].service, sizeof v[n].service, "%s", svc);
			n++;
		}
		pair[0] = &v[0];
		pair[1] = &v[n - 1];
		for (k = 0; k < 2; k++) {
			a = pair[k];
			a->sent++;
			a->accepted += sqlite3_column_int(s, 4);
			a->seen += sqlite3_column_int(s, 5);
			a->completed += strcmp(st, "completed") == 0;
			a->rejected += strcmp(st, "rejected") == 0;
			a->failed += strcmp(st, "failed") == 0;
			if (sqlite3_column_type(s, 2) != SQLITE_NULL)
				push_int(&a->to_acc, &a->nacc,
				    sqlite3_column_int(s, 2));
			if (sqlite3_column_type(s, 3) != SQLITE_NULL)
				push_int(&a->to_prog, &a->nprog,
				    sqlite3_column_int(s, 3));
		}
	}
	sqlite3_finalize(s);
	psw_out_init(&out, stdout, fmt);
	t = v[0].sent > 0 ? psw_table_new(&out, cols, 9) : NULL;
	for (i = 0; t != NULL && i < n; i++) {
		char c[6][24], m1[24], m2[24], pc[24];
		const char *cells[9];

		a = &v[i];
		snprintf(c[0], sizeof c[0], "%ld", a->sent);
		snprintf(c[1], sizeof c[1], "%ld", a->accepted);
		snprintf(c[2], sizeof c[2], "%ld", a->completed);
		snprintf(c[3], sizeof c[3], "%ld", a->rejected);
		snprintf(c[4], sizeof c[4], "%ld", a->failed);
		snprintf(pc, sizeof pc, "%ld", a->sent ? (a->seen * 100 +
		    a->sent / 2) / a->sent : 0);
		cells[0] = a->service;
		for (k = 0; k < 5; k++)
			cells[k + 1] = c[k];
		cells[6] = median(a->to_acc, a->nacc, m1, sizeof m1);
		cells[7] = median(a->to_prog, a->nprog, m2, sizeof m2);
		cells[8] = pc;
		psw_table_row(t, cells);
	}
	if (t != NULL)
		psw_table_end(t);
	for (i = 0; i < n; i++) {
		free(v[i].to_acc);
		free(v[i].to_prog);
	}
	k = v[0].sent > 0;
	free(v);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		psw_index_error(&cli->index, rc, "cannot count", &e);
		return psw_cli_fail(cli, &e);
	}
	return k == 0 && cli->exit_status ? PSW_EEMPTY : 0;
}

static const struct psw_cli_command commands[] = {
	{ "export-hsds", refer_export },
	{ "followed-up", cmd_followed_up },
	{ "import-hsds", refer_import },
	{ "letter", cmd_letter },
	{ "list", cmd_list },
	{ "new", cmd_new },
	{ "service", refer_service },
	{ "services", refer_services },
	{ "stats", cmd_stats },
	{ "update", cmd_update },
};

int
main(int argc, char **argv)
{
	return psw_cli_main("psw-refer", argc, argv, usage_text, commands,
	    sizeof commands / sizeof commands[0]);
}
