/*
 * plan_show.c - psw-plan show: the whole support plan of one client, for
 * a person on a terminal (text), on paper (md) or for a script (json).
 *
 * The client's file is the source: it alone holds every field.  The
 * index, which psw_cli_open() has just synced, adds what is computed
 * from the instruments: each assessment's score and risk flags.
 *
 * Stored text is never written raw to a terminal: text goes through
 * psw_put_text() (control characters, escape sequences and bidirectional
 * overrides shown escaped), md through put_md() below, json through the
 * JSON writer.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "care.h"
#include "cli.h"
#include "client.h"
#include "plan.h"
#include "utf8.h"

enum {
	SEC_PROFILE = 1 << 0,
	SEC_GOALS = 1 << 1,
	SEC_SAFETY = 1 << 2,
	SEC_TEAM = 1 << 3,
	SEC_CONSENT = 1 << 4,
	SEC_CONTACTS = 1 << 5,
	SEC_REFERRALS = 1 << 6,
	SEC_ASSESSMENTS = 1 << 7,
	SEC_ALL = (1 << 8) - 1
};

static const char *const section_names[] = {
	"profile", "goals", "safety", "team", "consent", "contacts",
	"referrals", "assessments", NULL
};

/* An assessment's score, as the index computed it. */
struct score {
	char total[32], band[64], flags[256], risk[16];
};

struct show {
	struct psw_cli *cli;
	const struct psw_client *c;
	FILE *fp;
	psw_date today;
	psw_date risk_flag;	/* latest risk flag, PSW_DATE_NONE if none */
	unsigned sections;
	int color;		/* ANSI colour (text on a terminal) */
	int utf8;		/* the terminal reads UTF-8: arrows, sparks */
	sqlite3_stmt *score;	/* ?1 client, ?2 assessment */
};

/* --- Shared judgements ------------------------------------------------ */

/* Is the goal still being worked on (its actions can be overdue)? */
static int
goal_open(const struct psw_goal *g)
{
	return g->status == NULL || (strcmp(g->status, "achieved") != 0 &&
	    strcmp(g->status, "cancelled") != 0);
}

static int
client_closed(const struct psw_client *c)
{
	return c->status != NULL && strcmp(c->status, "closed") == 0;
}

/* Days an action is overdue (0 when it is not). */
static int
action_overdue(const struct show *s, const struct psw_goal *g,
    const struct psw_action *a)
{
	if (client_closed(s->c) || !goal_open(g) || a->done != PSW_DATE_NONE ||
	    a->due == PSW_DATE_NONE || a->due >= s->today)
		return 0;
	return s->today - a->due;
}

/* Has an active goal's target passed? */
static int
target_passed(const struct show *s, const struct psw_goal *g)
{
	return !client_closed(s->c) && g->status != NULL &&
	    strcmp(g->status, "active") == 0 && g->target != PSW_DATE_NONE &&
	    g->target < s->today;
}

static int
review_overdue(const struct show *s)
{
	return !client_closed(s->c) && s->c->review.next != PSW_DATE_NONE &&
	    s->c->review.next < s->today;
}

/* Whole years from dob to today; -1 when unknown. */
static int
age(psw_date dob, psw_date today)
{
	int y1, m1, d1, y2, m2, d2, a;

	if (dob == PSW_DATE_NONE || dob > today)
		return -1;
	psw_date_to_ymd(dob, &y1, &m1, &d1);
	psw_date_to_ymd(today, &y2, &m2, &d2);
	a = y2 - y1;
	if (m2 < m1 || (m2 == m1 && d2 < d1))
		a--;
	return a;
}

/* A goal's ratings: "up", "down", "steady", or NULL with fewer than 2. */
static const char *
trend_word(const struct psw_goal *g, int *change)
{
	int d;

	*change = 0;
	if (g->nprogress < 2)
		return NULL;
	d = g->progress[g->nprogress - 1].rating - g->progress[0].rating;
	*change = d;
	return d > 0 ? "up" : d < 0 ? "down" : "steady";
}

int
plan_risk_flag(struct psw_cli *cli, const char *id, psw_date *out,
    struct psw_err *e)
{
	sqlite3_stmt *s;
	const char *v;
	int rc;

	*out = PSW_DATE_NONE;
	rc = sqlite3_prepare_v2(psw_index_db(&cli->index),
	    "SELECT max(date) FROM assessments WHERE client = ?1 "
	    "AND risk IS NOT NULL AND voided IS NULL", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return psw_index_error(&cli->index, rc, "cannot read risk "
		    "flags", e);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && (v = (const char *)sqlite3_column_text(s, 0))
	    != NULL && psw_date_parse_iso(v, out) < 0)
		*out = PSW_DATE_NONE;
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return psw_index_error(&cli->index, rc, "cannot read risk "
		    "flags", e);
	return 0;
}

/* The score of assessment aid; 0 when the index has one, else -1. */
static int
score_of(struct show *s, const char *aid, struct score *sc)
{
	const char *v;

	memset(sc, 0, sizeof *sc);
	if (s->score == NULL || aid == NULL)
		return -1;
	sqlite3_reset(s->score);
	sqlite3_bind_text(s->score, 2, aid, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s->score) != SQLITE_ROW)
		return -1;
	if ((v = (const char *)sqlite3_column_text(s->score, 0)) != NULL)
		snprintf(sc->total, sizeof sc->total, "%s", v);
	if ((v = (const char *)sqlite3_column_text(s->score, 1)) != NULL)
		snprintf(sc->band, sizeof sc->band, "%s", v);
	if ((v = (const char *)sqlite3_column_text(s->score, 2)) != NULL)
		snprintf(sc->flags, sizeof sc->flags, "%s", v);
	if ((v = (const char *)sqlite3_column_text(s->score, 3)) != NULL)
		snprintf(sc->risk, sizeof sc->risk, "%s", v);
	return sc->total[0] != '\0' ? 0 : -1;
}

/* Does the terminal read UTF-8?  (Only text on a terminal asks.) */
static int
utf8_locale(void)
{
	const char *v = getenv("LC_ALL");

	if (v == NULL || *v == '\0')
		v = getenv("LC_CTYPE");
	if (v == NULL || *v == '\0')
		v = getenv("LANG");
	return v != NULL && (strstr(v, "UTF-8") || strstr(v, "utf8") ||
	    strstr(v, "UTF8") || strstr(v, "utf-8"));
}

/* --- Text, for a terminal --------------------------------------------- */

static void
t_on(const struct show *s, const char *sgr)
{
	if (s->color)
		fprintf(s->fp, "\033[%sm", sgr);
}

static void
t_off(const struct show *s)
{
	if (s->color)
		fputs("\033[0m", s->fp);
}

static void
t_heading(const struct show *s, const char *title)
{
	fputc('\n', s->fp);
	t_on(s, "1");
	fputs(title, s->fp);
	t_off(s);
	fputc('\n', s->fp);
}

/* A warning word (OVERDUE) in red on a colour terminal. */
static void
t_alert(const struct show *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
t_alert(const struct show *s, const char *fmt, ...)
{
	va_list ap;

	t_on(s, "1;31");
	va_start(ap, fmt);
	vfprintf(s->fp, fmt, ap);
	va_end(ap);
	t_off(s);
}

/*
 * Multi-line text: each line escaped, the first after what is already
 * on the line, the others indented by `indent` spaces.
 */
static void
t_lines(const struct show *s, const char *text, int indent)
{
	const char *p = text, *nl;
	char *line;

	for (;;) {
		size_t len;

		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if ((line = strndup(p, len)) != NULL) {
			psw_put_text(s->fp, line);
			free(line);
		} else
			psw_out_lost();	/* the command fails, exit 5 */
		fputc('\n', s->fp);
		if (nl == NULL || nl[1] == '\0')
			break;
		p = nl + 1;
		fprintf(s->fp, "%*s", indent, "");
	}
}

/* "  label           value\n"; nothing when the value is absent. */
static void
t_field(const struct show *s, const char *label, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	fprintf(s->fp, "  %-15s ", label);
	t_lines(s, value, 18);
}

/* "in 3 days", "today", "5 days ago" into buf. */
static const char *
when(psw_date d, psw_date today, char *buf, size_t size)
{
	int n = d - today;

	if (n == 0)
		snprintf(buf, size, "today");
	else if (n > 0)
		snprintf(buf, size, "in %d day%s", n, n == 1 ? "" : "s");
	else
		snprintf(buf, size, "%d day%s ago", -n, n == -1 ? "" : "s");
	return buf;
}

static void
text_profile(const struct show *s)
{
	const struct psw_client *c = s->c;
	char b1[PSW_DATE_LEN], b2[PSW_DATE_LEN], w[32];
	size_t i;
	int a;

	t_heading(s, "PROFILE");
	t_field(s, "preferred name", c->preferred_name);
	t_field(s, "pronouns", c->pronouns);
	fprintf(s->fp, "  %-15s ", "status");
	psw_put_text(s->fp, c->status ? c->status : "?");
	fprintf(s->fp, ", opened %s", psw_date_format(c->opened, b1));
	if (c->closed != PSW_DATE_NONE)
		fprintf(s->fp, ", closed %s", psw_date_format(c->closed, b1));
	fputc('\n', s->fp);
	if (c->dob != PSW_DATE_NONE) {
		fprintf(s->fp, "  %-15s %s", "born", psw_date_format(c->dob,
		    b1));
		if ((a = age(c->dob, s->today)) >= 0)
			fprintf(s->fp, " (age %d)", a);
		fputc('\n', s->fp);
	}
	t_field(s, "worker", c->worker);
	t_field(s, "phone", c->phone);
	t_field(s, "email", c->email);
	t_field(s, "address", c->address);
	if (c->last_contact != PSW_DATE_NONE)
		fprintf(s->fp, "  %-15s %s (%s)\n", "last contact",
		    psw_date_format(c->last_contact, b1),
		    when(c->last_contact, s->today, w, sizeof w));
	else
		fprintf(s->fp, "  %-15s none yet\n", "last contact");
	if (c->review.next != PSW_DATE_NONE) {
		fprintf(s->fp, "  %-15s %s (%s)", "next review",
		    psw_date_format(c->review.next, b1),
		    when(c->review.next, s->today, w, sizeof w));
		if (review_overdue(s))
			t_alert(s, " REVIEW OVERDUE");
		fputc('\n', s->fp);
	}
	if (c->review.last != PSW_DATE_NONE || c->review.has_every) {
		fprintf(s->fp, "  %-15s ", "reviews");
		if (c->review.has_every)
			fprintf(s->fp, "every %d%c", c->review.every.n,
			    c->review.every.unit);
		if (c->review.last != PSW_DATE_NONE)
			fprintf(s->fp, "%slast %s", c->review.has_every ?
			    ", " : "", psw_date_format(c->review.last, b2));
		fputc('\n', s->fp);
	}
	for (i = 0; i < c->review.nhistory; i++) {
		const struct psw_review *r = &c->review.history[i];

		fprintf(s->fp, "  %-15s %s", i == 0 ? "review history" : "",
		    psw_date_format(r->date, b1));
		if (r->by != NULL) {
			fputs(" by ", s->fp);
			psw_put_text(s->fp, r->by);
		}
		if (r->note != NULL) {
			fputs(": ", s->fp);
			t_lines(s, r->note, 18);
		} else
			fputc('\n', s->fp);
	}
	t_field(s, "notes", c->notes);
	for (i = 0; i < c->nhistory; i++) {
		const struct psw_status_change *h = &c->history[i];

		fprintf(s->fp, "  %-15s %s ", i == 0 ? "status history" : "",
		    psw_date_format(h->date, b1));
		psw_put_text(s->fp, h->status ? h->status : "?");
		if (h->by != NULL) {
			fputs(" by ", s->fp);
			psw_put_text(s->fp, h->by);
		}
		if (h->reason != NULL) {
			fputs(": ", s->fp);
			t_lines(s, h->reason, 18);
		} else
			fputc('\n', s->fp);
	}
	for (i = 0; i < c->nstrengths; i++) {
		fprintf(s->fp, "  %-15s ", i == 0 ? "strengths" : "");
		t_lines(s, c->strengths[i], 18);
	}
	for (i = 0; i < c->nneeds; i++) {
		const struct psw_need *n = &c->needs[i];

		fprintf(s->fp, "  %-15s ", i == 0 ? "needs" : "");
		psw_put_text(s->fp, n->domain ? n->domain : "?");
		fputs(": ", s->fp);
		psw_put_text(s->fp, n->need ? n->need : "?");
		if (n->note != NULL) {
			fputs(" - ", s->fp);
			t_lines(s, n->note, 18);
		} else
			fputc('\n', s->fp);
	}
}

#define TREND_TEXT 12		/* ratings a text trend shows */

/* A goal's ratings as a trend line: "3 -> 5 -> 7  up 4 since DATE". */
static void
t_trend(const struct show *s, const struct psw_goal *g)
{
	static const char *const bars[] = {
		"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586",
		"\u2587", "\u2588"
	};
	char b[PSW_DATE_LEN];
	const char *word;
	size_t i, from;
	int change;

	if (g->nprogress == 0)
		return;
	from = g->nprogress > TREND_TEXT ? g->nprogress - TREND_TEXT : 0;
	fprintf(s->fp, "      progress  ");
	if (from > 0)
		fputs("... ", s->fp);
	for (i = from; i < g->nprogress; i++)
		fprintf(s->fp, "%s%d", i == from ? "" : s->utf8 ?
		    " \u2192 " : " -> ", g->progress[i].rating);
	if (s->utf8) {
		fputs("  ", s->fp);
		for (i = from; i < g->nprogress; i++)
			fputs(bars[g->progress[i].rating * 7 / 10], s->fp);
	}
	word = trend_word(g, &change);
	if (word != NULL && change != 0)
		fprintf(s->fp, "  %s %d since %s", word, change < 0 ? -change :
		    change, psw_date_format(g->progress[0].date, b));
	else if (word != NULL)
		fprintf(s->fp, "  steady since %s",
		    psw_date_format(g->progress[0].date, b));
	fprintf(s->fp, " (latest %d/10 on %s)\n",
	    g->progress[g->nprogress - 1].rating,
	    psw_date_format(g->progress[g->nprogress - 1].date, b));
	if (g->progress[g->nprogress - 1].note != NULL) {
		fputs("                ", s->fp);
		t_lines(s, g->progress[g->nprogress - 1].note, 16);
	}
}

static void
text_goals(const struct show *s)
{
	const struct psw_client *c = s->c;
	char b[PSW_DATE_LEN], head[64];
	size_t i, j, open = 0;

	for (i = 0; i < c->ngoals; i++)
		open += goal_open(&c->goals[i]);
	snprintf(head, sizeof head, "GOALS (%zu open of %zu)", open,
	    c->ngoals);
	t_heading(s, head);
	if (c->ngoals == 0)
		fputs("  (none yet: psw-plan goal add)\n", s->fp);
	for (i = 0; i < c->ngoals; i++) {
		const struct psw_goal *g = &c->goals[i];

		fputs("  ", s->fp);
		t_on(s, "1");
		psw_put_text(s->fp, g->id ? g->id : "?");
		t_off(s);
		fputs("  ", s->fp);
		psw_put_text(s->fp, g->title ? g->title : "");
		fputc('\n', s->fp);
		fputs("      ", s->fp);
		psw_put_text(s->fp, g->domain ? g->domain : "?");
		fputs(", ", s->fp);
		psw_put_text(s->fp, g->status ? g->status : "?");
		if (g->target != PSW_DATE_NONE)
			fprintf(s->fp, ", target %s",
			    psw_date_format(g->target, b));
		if (target_passed(s, g))
			t_alert(s, " TARGET PASSED");
		fputc('\n', s->fp);
		if (g->why != NULL) {
			fputs("      why: ", s->fp);
			t_lines(s, g->why, 11);
		}
		t_trend(s, g);
		for (j = 0; j < g->nactions; j++) {
			const struct psw_action *a = &g->actions[j];
			int late = action_overdue(s, g, a);

			fprintf(s->fp, "      [%c] ", a->done != PSW_DATE_NONE ?
			    'x' : ' ');
			psw_put_text(s->fp, a->id ? a->id : "?");
			fputs("  ", s->fp);
			psw_put_text(s->fp, a->title ? a->title : "");
			if (a->owner != NULL) {
				fputs(" (", s->fp);
				psw_put_text(s->fp, a->owner);
				fputc(')', s->fp);
			}
			if (a->done != PSW_DATE_NONE)
				fprintf(s->fp, ", done %s",
				    psw_date_format(a->done, b));
			else if (a->due != PSW_DATE_NONE)
				fprintf(s->fp, ", due %s",
				    psw_date_format(a->due, b));
			if (late)
				t_alert(s, " OVERDUE %d day%s", late,
				    late == 1 ? "" : "s");
			fputc('\n', s->fp);
		}
	}
}

static void
text_team(const struct show *s)
{
	const struct psw_client *c = s->c;
	char b[PSW_DATE_LEN];
	size_t i;

	t_heading(s, "CARE TEAM");
	if (c->nteam == 0)
		fputs("  (nobody yet: psw-plan team add)\n", s->fp);
	for (i = 0; i < c->nteam; i++) {
		const struct psw_member *m = &c->team[i];

		fputs("  ", s->fp);
		psw_put_text(s->fp, m->id ? m->id : "?");
		fputs("  ", s->fp);
		psw_put_text(s->fp, m->name ? m->name : "");
		fputs(", ", s->fp);
		psw_put_text(s->fp, m->role ? m->role : "");
		if (m->org != NULL) {
			fputs(", ", s->fp);
			psw_put_text(s->fp, m->org);
		}
		if (m->phone != NULL) {
			fputs(", tel. ", s->fp);
			psw_put_text(s->fp, m->phone);
		}
		if (m->email != NULL) {
			fputs(", ", s->fp);
			psw_put_text(s->fp, m->email);
		}
		if (m->removed != PSW_DATE_NONE)
			fprintf(s->fp, " (left %s)",
			    psw_date_format(m->removed, b));
		fputc('\n', s->fp);
	}
}

static void
text_consent(const struct show *s)
{
	const struct psw_client *c = s->c;
	char b[PSW_DATE_LEN];
	size_t i;

	t_heading(s, "CONSENT");
	if (c->nconsent == 0)
		fputs("  (none recorded: psw-plan consent add)\n", s->fp);
	for (i = 0; i < c->nconsent; i++) {
		const struct psw_consent *k = &c->consent[i];
		enum psw_consent_state st = psw_consent_state(k, s->today);

		fputs("  ", s->fp);
		psw_put_text(s->fp, k->id ? k->id : "?");
		fputs("  ", s->fp);
		psw_put_text(s->fp, k->scope ? k->scope : "");
		fputs("  ", s->fp);
		if (st == PSW_CONSENT_ACTIVE)
			fputs(psw_consent_state_name(st), s->fp);
		else
			t_alert(s, "%s", psw_consent_state_name(st));
		fprintf(s->fp, ", given %s", psw_date_format(k->given, b));
		if (k->expires != PSW_DATE_NONE)
			fprintf(s->fp, ", expires %s",
			    psw_date_format(k->expires, b));
		if (k->revoked != PSW_DATE_NONE)
			fprintf(s->fp, ", revoked %s",
			    psw_date_format(k->revoked, b));
		fputc('\n', s->fp);
		if (k->note != NULL) {
			fputs("      ", s->fp);
			t_lines(s, k->note, 6);
		}
	}
}

static void
text_referrals(const struct show *s)
{
	const struct psw_client *c = s->c;
	char b[PSW_DATE_LEN];
	size_t i, j;

	t_heading(s, "REFERRALS");
	if (c->nreferrals == 0)
		fputs("  (none)\n", s->fp);
	for (i = 0; i < c->nreferrals; i++) {
		const struct psw_referral *r = &c->referrals[i];

		fputs("  ", s->fp);
		psw_put_text(s->fp, r->id ? r->id : "?");
		fputs("  ", s->fp);
		psw_put_text(s->fp, r->service ? r->service : "");
		fputs(", ", s->fp);
		psw_put_text(s->fp, r->status ? r->status : "?");
		if (r->urgency != NULL) {
			fputs(", ", s->fp);
			psw_put_text(s->fp, r->urgency);
		}
		if (r->goal != NULL) {
			fputs(", for goal ", s->fp);
			psw_put_text(s->fp, r->goal);
		}
		if (r->consent != NULL) {
			fputs(", consent ", s->fp);
			psw_put_text(s->fp, r->consent);
		}
		if (r->follow_up != PSW_DATE_NONE)
			fprintf(s->fp, ", follow up %s",
			    psw_date_format(r->follow_up, b));
		fputc('\n', s->fp);
		if (r->reason != NULL) {
			fputs("      reason: ", s->fp);
			t_lines(s, r->reason, 14);
		}
		for (j = 0; j < r->nhistory; j++) {
			const struct psw_ref_event *ev = &r->history[j];

			fprintf(s->fp, "      %s ", psw_date_format(ev->date,
			    b));
			psw_put_text(s->fp, ev->status ? ev->status : "?");
			if (ev->by != NULL) {
				fputs(" by ", s->fp);
				psw_put_text(s->fp, ev->by);
			}
			if (ev->reason != NULL) {
				fputs(": ", s->fp);
				t_lines(s, ev->reason, 17);
			} else
				fputc('\n', s->fp);
		}
	}
}

static void
text_assessments(struct show *s)
{
	const struct psw_client *c = s->c;
	char b[PSW_DATE_LEN];
	struct score sc;
	size_t i;

	t_heading(s, "ASSESSMENTS");
	if (c->nassessments == 0)
		fputs("  (none: psw-assess)\n", s->fp);
	for (i = 0; i < c->nassessments; i++) {
		const struct psw_assessment *a = &c->assessments[i];

		fputs("  ", s->fp);
		psw_put_text(s->fp, a->id ? a->id : "?");
		fprintf(s->fp, "  %s  ", psw_date_format(a->date, b));
		psw_put_text(s->fp, a->instrument ? a->instrument : "?");
		if (a->voided != PSW_DATE_NONE) {
			fprintf(s->fp, "  voided %s", psw_date_format(a->voided,
			    b));
			if (a->void_reason != NULL) {
				fputs(": ", s->fp);
				psw_put_text(s->fp, a->void_reason);
			}
		} else if (score_of(s, a->id, &sc) == 0) {
			fprintf(s->fp, "  total %s", sc.total);
			if (sc.band[0] != '\0') {
				fputs(", ", s->fp);
				psw_put_text(s->fp, sc.band);
			}
			if (sc.risk[0] != '\0') {
				t_alert(s, "  RISK %s: ", sc.risk);
				psw_put_text(s->fp, sc.flags);
			}
		} else {
			fputs("  (not scored)", s->fp);
		}
		fputc('\n', s->fp);
		if (a->note != NULL) {
			fputs("      ", s->fp);
			t_lines(s, a->note, 6);
		}
	}
}

static void
text_contacts(const struct show *s)
{
	const struct psw_client *c = s->c;
	char b[PSW_DATE_LEN], head[64];
	size_t i;
	long total = 0;

	for (i = 0; i < c->ncontacts; i++)
		if (c->contacts[i].minutes > 0)
			total += c->contacts[i].minutes;
	snprintf(head, sizeof head, "CONTACTS (%zu, %ld minutes)",
	    c->ncontacts, total);
	t_heading(s, head);
	if (c->ncontacts == 0)
		fputs("  (none yet: psw-plan note)\n", s->fp);
	for (i = 0; i < c->ncontacts; i++) {
		const struct psw_contact *ct = &c->contacts[i];

		fprintf(s->fp, "  %s", psw_date_format(ct->date, b));
		if (ct->id != NULL) {
			fputs(" ", s->fp);
			psw_put_text(s->fp, ct->id);
		}
		if (ct->kind != NULL) {
			fputs("  ", s->fp);
			psw_put_text(s->fp, ct->kind);
		}
		if (ct->minutes >= 0)
			fprintf(s->fp, ", %d min", ct->minutes);
		fputc('\n', s->fp);
		if (ct->note != NULL) {
			fputs("      ", s->fp);
			t_lines(s, ct->note, 6);
		}
	}
}

static void
show_text(struct show *s)
{
	const struct psw_client *c = s->c;
	struct psw_out o;

	t_on(s, "1");
	psw_put_text(s->fp, c->name ? c->name : "");
	t_off(s);
	fputs(" (", s->fp);
	psw_put_text(s->fp, c->id ? c->id : "");
	fputs(")", s->fp);
	if (client_closed(c))
		t_alert(s, "  CLOSED");
	fputc('\n', s->fp);
	if (s->sections & SEC_PROFILE)
		text_profile(s);
	if (s->sections & SEC_GOALS)
		text_goals(s);
	if (s->sections & SEC_SAFETY) {
		/* The crisis card, as every copy reads; its own title. */
		fputc('\n', s->fp);
		o.fp = s->fp;
		o.fmt = PSW_FMT_TEXT;
		o.color = 0;
		(void)psw_safety_card(&o, c, s->risk_flag);
	}
	if (s->sections & SEC_TEAM)
		text_team(s);
	if (s->sections & SEC_CONSENT)
		text_consent(s);
	if (s->sections & SEC_REFERRALS)
		text_referrals(s);
	if (s->sections & SEC_ASSESSMENTS)
		text_assessments(s);
	if (s->sections & SEC_CONTACTS)
		text_contacts(s);
}

/* --- Markdown, a printable document ------------------------------------ */

/*
 * Write s as Markdown text: psw_put_md() after control characters,
 * escape sequences and bidirectional overrides are spelt as escapes
 * (\x1b, \u202e), so the document is safe to print or to show.
 */
static void
put_md(FILE *fp, const char *s)
{
	struct psw_buf b = PSW_BUF_INIT;
	const unsigned char *u = (const unsigned char *)s;
	size_t len, i = 0, at;
	uint32_t c;

	if (s == NULL)
		return;
	len = strlen(s);
	while (i < len) {
		at = i;
		if (psw_utf8_next(u, len, &i, &c) < 0) {
			psw_buf_addf(&b, "\\x%02x", u[at]);
			i = at + 1;
			continue;
		}
		if (c == '\n' || c == '\t')
			psw_buf_addc(&b, (int)c);
		else if (c < 0x20 || c == 0x7f)
			psw_buf_addf(&b, "\\x%02x", (unsigned)c);
		else if ((c >= 0x80 && c <= 0x9f) || c == 0x061c ||
		    c == 0x200e || c == 0x200f || (c >= 0x202a &&
		    c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
		    c == 0x2028 || c == 0x2029)
			psw_buf_addf(&b, "\\u%04x", (unsigned)c);
		else
			psw_buf_add(&b, u + at, i - at);
	}
	if (b.oom)
		psw_out_lost();	/* the command fails, exit 5 */
	else if (b.s != NULL)
		psw_put_md(fp, b.s);
	psw_buf_release(&b);
}

/* "- **label:** value" when the value is there. */
static void
m_field(FILE *fp, const char *label, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	fprintf(fp, "- **%s:** ", label);
	put_md(fp, value);
	fputc('\n', fp);
}

static void
m_date_field(FILE *fp, const char *label, psw_date d)
{
	char b[PSW_DATE_LEN];

	if (d != PSW_DATE_NONE)
		fprintf(fp, "- **%s:** %s\n", label, psw_date_format(d, b));
}

static void
md_profile(const struct show *s)
{
	const struct psw_client *c = s->c;
	FILE *fp = s->fp;
	char b[PSW_DATE_LEN], every[32];
	size_t i;
	int a;

	fputs("\n## Profile\n\n", fp);
	m_field(fp, "Preferred name", c->preferred_name);
	m_field(fp, "Pronouns", c->pronouns);
	m_field(fp, "Status", c->status);
	m_date_field(fp, "Opened", c->opened);
	m_date_field(fp, "Closed", c->closed);
	if (c->dob != PSW_DATE_NONE) {
		fprintf(fp, "- **Born:** %s", psw_date_format(c->dob, b));
		if ((a = age(c->dob, s->today)) >= 0)
			fprintf(fp, " (age %d)", a);
		fputc('\n', fp);
	}
	m_field(fp, "Worker", c->worker);
	m_field(fp, "Phone", c->phone);
	m_field(fp, "Email", c->email);
	m_field(fp, "Address", c->address);
	m_date_field(fp, "Last contact", c->last_contact);
	if (c->review.next != PSW_DATE_NONE) {
		fprintf(fp, "- **Next review:** %s%s\n",
		    psw_date_format(c->review.next, b), review_overdue(s) ?
		    " **(overdue)**" : "");
	}
	if (c->review.has_every) {
		snprintf(every, sizeof every, "%d%c", c->review.every.n,
		    c->review.every.unit);
		m_field(fp, "Reviewed every", every);
	}
	m_date_field(fp, "Last review", c->review.last);
	m_field(fp, "Notes", c->notes);
	if (c->nhistory > 0) {
		fputs("\n### Status history\n\n", fp);
		for (i = 0; i < c->nhistory; i++) {
			const struct psw_status_change *h = &c->history[i];

			fprintf(fp, "- %s: ", psw_date_format(h->date, b));
			put_md(fp, h->status);
			if (h->by != NULL) {
				fputs(" by ", fp);
				put_md(fp, h->by);
			}
			if (h->reason != NULL) {
				fputs(": ", fp);
				put_md(fp, h->reason);
			}
			fputc('\n', fp);
		}
	}
	if (c->review.nhistory > 0) {
		fputs("\n### Reviews\n\n", fp);
		for (i = 0; i < c->review.nhistory; i++) {
			const struct psw_review *r = &c->review.history[i];

			fprintf(fp, "- %s", psw_date_format(r->date, b));
			if (r->by != NULL) {
				fputs(" by ", fp);
				put_md(fp, r->by);
			}
			if (r->note != NULL) {
				fputs(": ", fp);
				put_md(fp, r->note);
			}
			fputc('\n', fp);
		}
	}
	if (c->nstrengths > 0) {
		fputs("\n### Strengths\n\n", fp);
		for (i = 0; i < c->nstrengths; i++) {
			fputs("- ", fp);
			put_md(fp, c->strengths[i]);
			fputc('\n', fp);
		}
	}
	if (c->nneeds > 0) {
		fputs("\n### Needs\n\n| Domain | Need | Note |\n"
		    "| --- | --- | --- |\n", fp);
		for (i = 0; i < c->nneeds; i++) {
			fputs("| ", fp);
			put_md(fp, c->needs[i].domain);
			fputs(" | ", fp);
			put_md(fp, c->needs[i].need);
			fputs(" | ", fp);
			put_md(fp, c->needs[i].note);
			fputs(" |\n", fp);
		}
	}
}

static void
md_goals(const struct show *s)
{
	const struct psw_client *c = s->c;
	FILE *fp = s->fp;
	char b[PSW_DATE_LEN];
	const char *word;
	size_t i, j;
	int change;

	fputs("\n## Goals\n\n", fp);
	if (c->ngoals == 0)
		fputs("_No goals yet._\n", fp);
	for (i = 0; i < c->ngoals; i++) {
		const struct psw_goal *g = &c->goals[i];

		fputs("### ", fp);
		put_md(fp, g->id);
		fputs(": ", fp);
		put_md(fp, g->title);
		fputs("\n\n", fp);
		fputs("- **Domain:** ", fp);
		put_md(fp, g->domain);
		fputs("\n- **Status:** ", fp);
		put_md(fp, g->status);
		fputc('\n', fp);
		if (g->target != PSW_DATE_NONE)
			fprintf(fp, "- **Target:** %s%s\n",
			    psw_date_format(g->target, b), target_passed(s, g) ?
			    " **(passed)**" : "");
		m_field(fp, "Why", g->why);
		if (g->nprogress > 0) {
			fputs("- **Progress (0-10):** ", fp);
			for (j = 0; j < g->nprogress; j++)
				fprintf(fp, "%s%d (%s)", j ? " \u2192 " : "",
				    g->progress[j].rating,
				    psw_date_format(g->progress[j].date, b));
			if ((word = trend_word(g, &change)) != NULL)
				fprintf(fp, ", %s%s%d", word, change ? " " : "",
				    change < 0 ? -change : change);
			fputc('\n', fp);
		}
		if (g->nactions > 0)
			fputs("\n", fp);
		for (j = 0; j < g->nactions; j++) {
			const struct psw_action *a = &g->actions[j];
			int late = action_overdue(s, g, a);

			fprintf(fp, "- [%c] ", a->done != PSW_DATE_NONE ? 'x' :
			    ' ');
			put_md(fp, a->id);
			fputs(" ", fp);
			put_md(fp, a->title);
			if (a->owner != NULL) {
				fputs(" (", fp);
				put_md(fp, a->owner);
				fputc(')', fp);
			}
			if (a->done != PSW_DATE_NONE)
				fprintf(fp, ", done %s",
				    psw_date_format(a->done, b));
			else if (a->due != PSW_DATE_NONE)
				fprintf(fp, ", due %s",
				    psw_date_format(a->due, b));
			if (late)
				fprintf(fp, " **overdue %d day%s**", late,
				    late == 1 ? "" : "s");
			fputc('\n', fp);
		}
		fputc('\n', fp);
	}
}

static void
md_team(const struct show *s)
{
	const struct psw_client *c = s->c;
	FILE *fp = s->fp;
	char b[PSW_DATE_LEN];
	size_t i;

	fputs("\n## Care team\n\n", fp);
	if (c->nteam == 0) {
		fputs("_Nobody yet._\n", fp);
		return;
	}
	fputs("| Id | Name | Role | Organisation | Phone | Email | Left |\n"
	    "| --- | --- | --- | --- | --- | --- | --- |\n", fp);
	for (i = 0; i < c->nteam; i++) {
		const struct psw_member *m = &c->team[i];
		const char *v[6] = { m->id, m->name, m->role, m->org,
		    m->phone, m->email };
		size_t k;

		for (k = 0; k < 6; k++) {
			fputs("| ", fp);
			put_md(fp, v[k]);
			fputc(' ', fp);
		}
		fprintf(fp, "| %s |\n", psw_date_format(m->removed, b));
	}
}

static void
md_consent(const struct show *s)
{
	const struct psw_client *c = s->c;
	FILE *fp = s->fp;
	char b[PSW_DATE_LEN];
	size_t i;

	fputs("\n## Consent\n\n", fp);
	if (c->nconsent == 0) {
		fputs("_None recorded._\n", fp);
		return;
	}
	fputs("| Id | Scope | State | Given | Expires | Revoked | Note |\n"
	    "| --- | --- | --- | --- | --- | --- | --- |\n", fp);
	for (i = 0; i < c->nconsent; i++) {
		const struct psw_consent *k = &c->consent[i];

		fputs("| ", fp);
		put_md(fp, k->id);
		fputs(" | ", fp);
		put_md(fp, k->scope);
		fprintf(fp, " | %s", psw_consent_state_name(
		    psw_consent_state(k, s->today)));
		fprintf(fp, " | %s", psw_date_format(k->given, b));
		fprintf(fp, " | %s", psw_date_format(k->expires, b));
		fprintf(fp, " | %s | ", psw_date_format(k->revoked, b));
		put_md(fp, k->note);
		fputs(" |\n", fp);
	}
}

static void
md_referrals(const struct show *s)
{
	const struct psw_client *c = s->c;
	FILE *fp = s->fp;
	char b[PSW_DATE_LEN];
	size_t i, j;

	fputs("\n## Referrals\n\n", fp);
	if (c->nreferrals == 0)
		fputs("_None._\n", fp);
	for (i = 0; i < c->nreferrals; i++) {
		const struct psw_referral *r = &c->referrals[i];

		fputs("- **", fp);
		put_md(fp, r->id);
		fputs("** ", fp);
		put_md(fp, r->service);
		fputs(": ", fp);
		put_md(fp, r->status);
		if (r->follow_up != PSW_DATE_NONE)
			fprintf(fp, ", follow up %s",
			    psw_date_format(r->follow_up, b));
		if (r->reason != NULL) {
			fputs(". ", fp);
			put_md(fp, r->reason);
		}
		fputc('\n', fp);
		for (j = 0; j < r->nhistory; j++) {
			fprintf(fp, "  - %s ", psw_date_format(
			    r->history[j].date, b));
			put_md(fp, r->history[j].status);
			fputc('\n', fp);
		}
	}
}

static void
md_assessments(struct show *s)
{
	const struct psw_client *c = s->c;
	FILE *fp = s->fp;
	char b[PSW_DATE_LEN];
	struct score sc;
	size_t i;

	fputs("\n## Assessments\n\n", fp);
	if (c->nassessments == 0) {
		fputs("_None._\n", fp);
		return;
	}
	fputs("| Id | Date | Instrument | Total | Band | Risk |\n"
	    "| --- | --- | --- | --- | --- | --- |\n", fp);
	for (i = 0; i < c->nassessments; i++) {
		const struct psw_assessment *a = &c->assessments[i];

		fputs("| ", fp);
		put_md(fp, a->id);
		fprintf(fp, " | %s | ", psw_date_format(a->date, b));
		put_md(fp, a->instrument);
		if (a->voided != PSW_DATE_NONE) {
			fprintf(fp, " | voided %s | | |\n",
			    psw_date_format(a->voided, b));
			continue;
		}
		if (score_of(s, a->id, &sc) < 0) {
			fputs(" | not scored | | |\n", fp);
			continue;
		}
		fprintf(fp, " | %s | ", sc.total);
		put_md(fp, sc.band);
		fputs(" | ", fp);
		if (sc.risk[0] != '\0') {
			fprintf(fp, "**%s**: ", sc.risk);
			put_md(fp, sc.flags);
		}
		fputs(" |\n", fp);
	}
}

static void
md_contacts(const struct show *s)
{
	const struct psw_client *c = s->c;
	FILE *fp = s->fp;
	char b[PSW_DATE_LEN];
	size_t i;

	fputs("\n## Contacts\n\n", fp);
	if (c->ncontacts == 0)
		fputs("_None yet._\n", fp);
	for (i = 0; i < c->ncontacts; i++) {
		const struct psw_contact *ct = &c->contacts[i];

		fprintf(fp, "%s**%s**", i ? "\n" : "",
		    psw_date_format(ct->date, b));
		if (ct->kind != NULL) {
			fputs(", ", fp);
			put_md(fp, ct->kind);
		}
		if (ct->minutes >= 0)
			fprintf(fp, ", %d min", ct->minutes);
		fputs("\n\n", fp);
		if (ct->note != NULL) {
			put_md(fp, ct->note);
			fputc('\n', fp);
		}
	}
}

static void
show_md(struct show *s)
{
	const struct psw_client *c = s->c;
	char b[PSW_DATE_LEN];
	struct psw_out o;

	fputs("# Support plan: ", s->fp);
	put_md(s->fp, c->name);
	fputs(" (", s->fp);
	put_md(s->fp, c->id);
	fprintf(s->fp, ")\n\n_As of %s._\n", psw_date_format(s->today, b));
	if (s->sections & SEC_PROFILE)
		md_profile(s);
	if (s->sections & SEC_GOALS)
		md_goals(s);
	if (s->sections & SEC_TEAM)
		md_team(s);
	if (s->sections & SEC_CONSENT)
		md_consent(s);
	if (s->sections & SEC_REFERRALS)
		md_referrals(s);
	if (s->sections & SEC_ASSESSMENTS)
		md_assessments(s);
	if (s->sections & SEC_CONTACTS)
		md_contacts(s);
	if (s->sections & SEC_SAFETY) {
		/* The crisis card last, whole, as every copy reads. */
		fputc('\n', s->fp);
		o.fp = s->fp;
		o.fmt = PSW_FMT_MD;
		o.color = 0;
		(void)psw_safety_card(&o, c, s->risk_flag);
	}
}

/* --- JSON, every field with its id ------------------------------------- */

static void
j_str(struct psw_json *j, const char *key, const char *v)
{
	psw_json_key(j, key);
	psw_json_str(j, v);
}

static void
j_date(struct psw_json *j, const char *key, psw_date d)
{
	char b[PSW_DATE_LEN];

	psw_json_key(j, key);
	psw_json_str(j, d == PSW_DATE_NONE ? NULL : psw_date_format(d, b));
}

static void
j_profile(const struct show *s, struct psw_json *j)
{
	const struct psw_client *c = s->c;
	char every[32];
	size_t i;
	int a;

	psw_json_key(j, "psw");
	psw_json_int(j, c->version);
	j_str(j, "name", c->name);
	j_str(j, "preferred_name", c->preferred_name);
	j_str(j, "pronouns", c->pronouns);
	j_str(j, "status", c->status);
	j_str(j, "worker", c->worker);
	j_date(j, "dob", c->dob);
	psw_json_key(j, "age");
	if ((a = age(c->dob, s->today)) >= 0)
		psw_json_int(j, a);
	else
		psw_json_null(j);
	j_date(j, "opened", c->opened);
	j_date(j, "closed", c->closed);
	j_str(j, "phone", c->phone);
	j_str(j, "email", c->email);
	j_str(j, "address", c->address);
	j_str(j, "notes", c->notes);
	j_date(j, "last_contact", c->last_contact);
	psw_json_key(j, "history");
	psw_json_arr(j);
	for (i = 0; i < c->nhistory; i++) {
		psw_json_obj(j);
		j_date(j, "date", c->history[i].date);
		j_str(j, "status", c->history[i].status);
		j_str(j, "by", c->history[i].by);
		j_str(j, "reason", c->history[i].reason);
		psw_json_obj_end(j);
	}
	psw_json_arr_end(j);
	psw_json_key(j, "review");
	psw_json_obj(j);
	snprintf(every, sizeof every, "%d%c", c->review.every.n,
	    c->review.every.unit);
	j_str(j, "every", c->review.has_every ? every : NULL);
	j_date(j, "last", c->review.last);
	j_date(j, "next", c->review.next);
	psw_json_key(j, "overdue");
	psw_json_bool(j, review_overdue(s));
	psw_json_key(j, "history");
	psw_json_arr(j);
	for (i = 0; i < c->review.nhistory; i++) {
		psw_json_obj(j);
		j_date(j, "date", c->review.history[i].date);
		j_date(j, "next", c->review.history[i].next);
		j_str(j, "by", c->review.history[i].by);
		j_str(j, "note", c->review.history[i].note);
		psw_json_obj_end(j);
	}
	psw_json_arr_end(j);
	psw_json_obj_end(j);
	psw_json_key(j, "strengths");
	psw_json_arr(j);
	for (i = 0; i < c->nstrengths; i++)
		psw_json_str(j, c->strengths[i]);
	psw_json_arr_end(j);
	psw_json_key(j, "needs");
	psw_json_arr(j);
	for (i = 0; i < c->nneeds; i++) {
		psw_json_obj(j);
		j_str(j, "domain", c->needs[i].domain);
		j_str(j, "need", c->needs[i].need);
		j_str(j, "note", c->needs[i].note);
		psw_json_obj_end(j);
	}
	psw_json_arr_end(j);
}

static void
j_goals(const struct show *s, struct psw_json *j)
{
	const struct psw_client *c = s->c;
	const char *word;
	size_t i, k;
	int change;

	psw_json_key(j, "goals");
	psw_json_arr(j);
	for (i = 0; i < c->ngoals; i++) {
		const struct psw_goal *g = &c->goals[i];

		psw_json_obj(j);
		j_str(j, "id", g->id);
		j_str(j, "domain", g->domain);
		j_str(j, "title", g->title);
		j_str(j, "status", g->status);
		j_date(j, "target", g->target);
		psw_json_key(j, "target_passed");
		psw_json_bool(j, target_passed(s, g));
		j_str(j, "why", g->why);
		psw_json_key(j, "actions");
		psw_json_arr(j);
		for (k = 0; k < g->nactions; k++) {
			const struct psw_action *a = &g->actions[k];
			int late = action_overdue(s, g, a);

			psw_json_obj(j);
			j_str(j, "id", a->id);
			j_str(j, "title", a->title);
			j_str(j, "owner", a->owner);
			j_date(j, "due", a->due);
			j_date(j, "done", a->done);
			psw_json_key(j, "overdue");
			psw_json_bool(j, late > 0);
			psw_json_key(j, "days_overdue");
			psw_json_int(j, late);
			psw_json_obj_end(j);
		}
		psw_json_arr_end(j);
		psw_json_key(j, "progress");
		psw_json_arr(j);
		for (k = 0; k < g->nprogress; k++) {
			psw_json_obj(j);
			j_date(j, "date", g->progress[k].date);
			psw_json_key(j, "rating");
			psw_json_int(j, g->progress[k].rating);
			j_str(j, "note", g->progress[k].note);
			psw_json_obj_end(j);
		}
		psw_json_arr_end(j);
		psw_json_key(j, "latest_rating");
		if (g->nprogress > 0)
			psw_json_int(j, g->progress[g->nprogress - 1].rating);
		else
			psw_json_null(j);
		word = trend_word(g, &change);
		j_str(j, "trend", word);
		psw_json_key(j, "change");
		if (word != NULL)
			psw_json_int(j, change);
		else
			psw_json_null(j);
		psw_json_obj_end(j);
	}
	psw_json_arr_end(j);
}

static void
j_safety(const struct show *s, struct psw_json *j)
{
	static const char *const review_names[] = {
		"no-plan", "never-reviewed", "review-due", "reviewed"
	};
	const struct psw_safety *sp = &s->c->safety;
	enum psw_safety_review rs;
	size_t k, i;

	rs = psw_safety_review_state(sp, s->risk_flag);
	psw_json_key(j, "safety_plan");
	psw_json_obj(j);
	psw_json_key(j, "present");
	psw_json_bool(j, sp->present);
	j_date(j, "reviewed", sp->reviewed);
	j_str(j, "review", review_names[rs]);
	j_date(j, "risk_flag", s->risk_flag);
	for (k = 0; k < PSW_SAFETY_NSTEPS; k++) {
		psw_json_key(j, psw_safety_keys[k]);
		psw_json_arr(j);
		for (i = 0; i < sp->nitems[k]; i++) {
			psw_json_obj(j);
			j_str(j, "text", sp->items[k][i].text);
			j_str(j, "phone", sp->items[k][i].phone);
			psw_json_obj_end(j);
		}
		psw_json_arr_end(j);
	}
	psw_json_obj_end(j);
}

static void
j_team(const struct show *s, struct psw_json *j)
{
	size_t i;

	psw_json_key(j, "team");
	psw_json_arr(j);
	for (i = 0; i < s->c->nteam; i++) {
		const struct psw_member *m = &s->c->team[i];

		psw_json_obj(j);
		j_str(j, "id", m->id);
		j_str(j, "name", m->name);
		j_str(j, "role", m->role);
		j_str(j, "org", m->org);
		j_str(j, "phone", m->phone);
		j_str(j, "email", m->email);
		j_date(j, "removed", m->removed);
		psw_json_key(j, "current");
		psw_json_bool(j, m->removed == PSW_DATE_NONE);
		psw_json_obj_end(j);
	}
	psw_json_arr_end(j);
}

static void
j_consent(const struct show *s, struct psw_json *j)
{
	size_t i;

	psw_json_key(j, "consent");
	psw_json_arr(j);
	for (i = 0; i < s->c->nconsent; i++) {
		const struct psw_consent *k = &s->c->consent[i];

		psw_json_obj(j);
		j_str(j, "id", k->id);
		j_str(j, "scope", k->scope);
		j_date(j, "given", k->given);
		j_date(j, "expires", k->expires);
		j_date(j, "revoked", k->revoked);
		j_str(j, "note", k->note);
		j_str(j, "state", psw_consent_state_name(
		    psw_consent_state(k, s->today)));
		psw_json_obj_end(j);
	}
	psw_json_arr_end(j);
}

static void
j_referrals(const struct show *s, struct psw_json *j)
{
	size_t i, k;

	psw_json_key(j, "referrals");
	psw_json_arr(j);
	for (i = 0; i < s->c->nreferrals; i++) {
		const struct psw_referral *r = &s->c->referrals[i];

		psw_json_obj(j);
		j_str(j, "id", r->id);
		j_str(j, "service", r->service);
		j_str(j, "goal", r->goal);
		j_str(j, "reason", r->reason);
		j_str(j, "consent", r->consent);
		j_str(j, "urgency", r->urgency);
		j_str(j, "status", r->status);
		j_date(j, "created", r->created);
		j_date(j, "follow_up", r->follow_up);
		psw_json_key(j, "history");
		psw_json_arr(j);
		for (k = 0; k < r->nhistory; k++) {
			psw_json_obj(j);
			j_date(j, "date", r->history[k].date);
			j_str(j, "status", r->history[k].status);
			j_str(j, "by", r->history[k].by);
			j_str(j, "reason", r->history[k].reason);
			psw_json_obj_end(j);
		}
		psw_json_arr_end(j);
		psw_json_obj_end(j);
	}
	psw_json_arr_end(j);
}

static void
j_assessments(struct show *s, struct psw_json *j)
{
	struct score sc;
	size_t i, k;
	char *end;
	double v;

	psw_json_key(j, "assessments");
	psw_json_arr(j);
	for (i = 0; i < s->c->nassessments; i++) {
		const struct psw_assessment *a = &s->c->assessments[i];
		int scored = a->voided == PSW_DATE_NONE &&
		    score_of(s, a->id, &sc) == 0;

		psw_json_obj(j);
		j_str(j, "id", a->id);
		j_str(j, "instrument", a->instrument);
		j_date(j, "date", a->date);
		psw_json_key(j, "answers");
		psw_json_arr(j);
		for (k = 0; k < a->nanswers; k++) {
			if (a->answers[k] == PSW_ANSWER_MISSING)
				psw_json_null(j);
			else
				psw_json_int(j, a->answers[k]);
		}
		psw_json_arr_end(j);
		j_date(j, "voided", a->voided);
		j_str(j, "void_reason", a->void_reason);
		j_str(j, "note", a->note);
		psw_json_key(j, "total");
		v = scored ? strtod(sc.total, &end) : 0;
		if (scored && *end == '\0')
			psw_json_num(j, v);
		else
			psw_json_null(j);
		j_str(j, "band", scored && sc.band[0] ? sc.band : NULL);
		j_str(j, "flags", scored && sc.flags[0] ? sc.flags : NULL);
		j_str(j, "risk", scored && sc.risk[0] ? sc.risk : NULL);
		psw_json_obj_end(j);
	}
	psw_json_arr_end(j);
}

static void
j_contacts(const struct show *s, struct psw_json *j)
{
	size_t i;

	psw_json_key(j, "contacts");
	psw_json_arr(j);
	for (i = 0; i < s->c->ncontacts; i++) {
		const struct psw_contact *ct = &s->c->contacts[i];

		psw_json_obj(j);
		j_str(j, "id", ct->id);
		j_date(j, "date", ct->date);
		j_str(j, "kind", ct->kind);
		psw_json_key(j, "minutes");
		if (ct->minutes >= 0)
			psw_json_int(j, ct->minutes);
		else
			psw_json_null(j);
		j_str(j, "note", ct->note);
		psw_json_obj_end(j);
	}
	psw_json_arr_end(j);
}

static int
show_json(struct show *s)
{
	struct psw_json j;

	psw_json_init(&j, s->fp, 1);
	psw_json_obj(&j);
	j_str(&j, "id", s->c->id);
	j_date(&j, "as_of", s->today);
	if (s->sections & SEC_PROFILE)
		j_profile(s, &j);
	else
		j_str(&j, "name", s->c->name);
	if (s->sections & SEC_GOALS)
		j_goals(s, &j);
	if (s->sections & SEC_SAFETY)
		j_safety(s, &j);
	if (s->sections & SEC_TEAM)
		j_team(s, &j);
	if (s->sections & SEC_CONSENT)
		j_consent(s, &j);
	if (s->sections & SEC_REFERRALS)
		j_referrals(s, &j);
	if (s->sections & SEC_ASSESSMENTS)
		j_assessments(s, &j);
	if (s->sections & SEC_CONTACTS)
		j_contacts(s, &j);
	psw_json_obj_end(&j);
	return psw_json_end(&j);
}

/* --- The command -------------------------------------------------------- */

/* Parse "goals,team" into a bit set; -1 on an unknown name. */
static int
parse_sections(const char *arg, unsigned *out, char *bad, size_t size)
{
	const char *p = arg;
	size_t i, len;

	*out = 0;
	for (;;) {
		len = strcspn(p, ",");
		for (i = 0; section_names[i] != NULL; i++)
			if (strlen(section_names[i]) == len &&
			    strncmp(section_names[i], p, len) == 0)
				break;
		if (section_names[i] == NULL) {
			snprintf(bad, size, "%.*s", (int)(len < 64 ? len : 64),
			    p);
			return -1;
		}
		*out |= 1u << i;
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	return 0;
}

/* Is the chosen part of the plan empty (for -e)? */
static int
nothing_shown(const struct show *s)
{
	const struct psw_client *c = s->c;
	unsigned m = s->sections;

	if (m & SEC_PROFILE)
		return 0;
	return !((m & SEC_GOALS && c->ngoals) ||
	    (m & SEC_SAFETY && c->safety.present) ||
	    (m & SEC_TEAM && c->nteam) || (m & SEC_CONSENT && c->nconsent) ||
	    (m & SEC_CONTACTS && c->ncontacts) ||
	    (m & SEC_REFERRALS && c->nreferrals) ||
	    (m & SEC_ASSESSMENTS && c->nassessments));
}

int
plan_load_client(struct psw_cli *cli, const char *id, struct psw_doc **docp,
    struct psw_client **cp)
{
	struct psw_diags d = PSW_DIAGS_INIT;
	struct psw_doc *doc = NULL;
	struct psw_err e;
	struct stat sb;
	char name[96];
	char *path;
	int rc;

	*docp = NULL;
	*cp = NULL;
	psw_store_client_name(id, name, sizeof name);
	if ((path = psw_store_client_path(&cli->store, id)) == NULL) {
		psw_error(&e, PSW_EIO, "out of memory");
		return psw_cli_fail(cli, &e);
	}
	if (lstat(path, &sb) < 0 && errno == ENOENT) {
		free(path);
		psw_error(&e, PSW_EDATA, "no client '%s' (%s does not exist)",
		    id, name);
		return psw_cli_fail(cli, &e);
	}
	rc = psw_doc_load_file(path, name, &doc, &e);
	free(path);
	if (rc < 0)
		return psw_cli_fail(cli, &e);
	rc = psw_client_read(doc, id, cp, &d);
	if (rc < 0) {
		if (rc == -PSW_EDATA && d.n > 0)
			psw_error_at(&e, PSW_EDATA, d.v[0].file ? d.v[0].file :
			    name, d.v[0].line, d.v[0].col, "%s%s", d.v[0].msg,
			    d.n > 1 ? " (see psw-plan validate)" : "");
		else
			psw_error(&e, rc == -PSW_EDATA ? PSW_EDATA : PSW_EIO,
			    "cannot read %s", name);
		psw_diags_release(&d);
		psw_doc_free(doc);
		*cp = NULL;
		return psw_cli_fail(cli, &e);
	}
	psw_diags_release(&d);
	*docp = doc;
	return -1;
}

enum { OPT_SECTION = PSW_OPT_FIRST_LOCAL + 0x60 };

static int
show_opt(void *arg, int c, const char *val)
{
	if (c == OPT_SECTION)
		*(const char **)arg = val;
	return -1;
}

int
plan_show(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "section", required_argument, NULL, OPT_SECTION },
	};
	const char *section = NULL, *id;
	struct psw_doc *doc = NULL;
	struct psw_client *c;
	enum psw_format fmt;
	struct psw_out out;
	struct show s;
	struct psw_err e;
	char bad[80];
	int rc;

	rc = psw_cli_parse(cli, argc, argv, local, 1, show_opt, &section,
	    "usage: psw-plan show ID [--section S[,S...]] "
	    "[--format text|md|json]\n"
	    "sections: profile, goals, safety, team, consent, contacts,\n"
	    "          referrals, assessments\n");
	if (rc >= 0)
		return rc;
	if ((rc = psw_cli_one_id(cli, argc, argv, "show", &id)) >= 0)
		return rc;
	memset(&s, 0, sizeof s);
	s.cli = cli;
	s.sections = SEC_ALL;
	if (section != NULL && parse_sections(section, &s.sections, bad,
	    sizeof bad) < 0)
		return psw_cli_usage_error(cli, "unknown section '%s' (use "
		    "profile, goals, safety, team, consent, contacts, "
		    "referrals or assessments)", bad);
	if (psw_cli_format(cli, PSW_FMT_BIT(PSW_FMT_TEXT) |
	    PSW_FMT_BIT(PSW_FMT_MD) | PSW_FMT_BIT(PSW_FMT_JSON), &fmt, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_today(cli, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_open(cli, 0, &e) < 0)
		return psw_cli_fail(cli, &e);
	if ((rc = plan_load_client(cli, id, &doc, &c)) >= 0)
		return rc;
	if (plan_risk_flag(cli, id, &s.risk_flag, &e) < 0) {
		psw_doc_free(doc);
		return psw_cli_fail(cli, &e);
	}
	if (sqlite3_prepare_v2(psw_index_db(&cli->index),
	    "SELECT total, band, flags, risk FROM assessments "
	    "WHERE client = ?1 AND id = ?2", -1, &s.score, NULL) != SQLITE_OK)
		s.score = NULL;
	else
		sqlite3_bind_text(s.score, 1, id, -1, SQLITE_STATIC);
	psw_out_init(&out, stdout, fmt);
	s.c = c;
	s.fp = stdout;
	s.today = cli->today;
	s.color = out.color;
	s.utf8 = fmt == PSW_FMT_TEXT && isatty(fileno(stdout)) &&
	    utf8_locale();
	/* A write error is psw_cli_finish()'s to report (EPIPE quietly). */
	if (fmt == PSW_FMT_JSON)
		(void)show_json(&s);
	else if (fmt == PSW_FMT_MD)
		show_md(&s);
	else
		show_text(&s);
	rc = cli->exit_status && nothing_shown(&s) ? PSW_EEMPTY : 0;
	sqlite3_finalize(s.score);
	psw_doc_free(doc);
	return rc;
}
