/*
 * due.c - the reminders.  When the index takes in a client, it keeps
 * every dated item the client can ever have due in the table due_items
 * (psw_due_client_rows()), keyed in the order psw-report due prints:
 * risk, date, client, kind, item.  Listing what is due is then one scan
 * of that key, streamed, whatever the size of the caseload.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "client.h"
#include "due.h"
#include "instrument.h"

const char *const psw_due_kinds[PSW_DUE_NKINDS + 1] = {
	"action", "goal", "review", "referral", "consent", "contact",
	"assessment", "safety", NULL
};

const char *const psw_due_priorities[3] = { "low", "medium", "high" };

/* --- What the index keeps: each client's dated items --------------- */

/* A referral still open: neither ended nor withdrawn. */
static int
open_referral(const struct psw_referral *r)
{
	static const char *const ended[] = {
		"completed", "cancelled", "rejected", "failed", NULL
	};
	const char *st = r->status != NULL ? r->status : "draft";
	size_t i;

	for (i = 0; ended[i] != NULL; i++)
		if (strcmp(st, ended[i]) == 0)
			return 0;
	return 1;
}

/* Is a later than b: a later date, or the same date and a greater id? */
static int
later(const struct psw_assessment *a, const struct psw_assessment *b)
{
	if (a->date != b->date)
		return a->date > b->date;
	return strcmp(a->id, b->id) > 0;
}

int
psw_due_client_risk(const struct psw_client *c, const int *flag)
{
	size_t i, j;
	int risk = 0;

	for (i = 0; i < c->nassessments; i++) {
		const struct psw_assessment *a = &c->assessments[i];

		if (flag[i] <= risk || a->voided != PSW_DATE_NONE)
			continue;
		/* Only the latest score of an instrument counts: a later
		 * one without a flag clears it. */
		for (j = 0; j < c->nassessments; j++) {
			const struct psw_assessment *b = &c->assessments[j];

			if (j != i && b->voided == PSW_DATE_NONE &&
			    strcmp(b->instrument, a->instrument) == 0 &&
			    later(b, a))
				break;
		}
		if (j == c->nassessments)
			risk = flag[i];
	}
	return risk;
}

int
psw_due_client_rows(const struct psw_client *c, const int *flag,
    const struct psw_settings *set, psw_due_row_fn *fn, void *arg)
{
	const struct psw_assessment *f = NULL;
	struct psw_due_row r;
	char what[512], d[PSW_DATE_LEN];
	size_t i, j;
	int rc, active;

	if (c->status != NULL && strcmp(c->status, "closed") == 0)
		return 0;
	active = c->status != NULL && strcmp(c->status, "active") == 0;
#define ROW(k, it, w, date, urg, dep) do { \
	r.kind = (k), r.item = (it), r.what = (w), r.due = (date); \
	r.urgent = (urg), r.depends = (dep); \
	if ((rc = fn(arg, &r)) != 0) \
		return rc; \
} while (0)
	for (i = 0; i < c->ngoals; i++) {
		const struct psw_goal *g = &c->goals[i];

		if (g->status == NULL)
			continue;
		if (strcmp(g->status, "achieved") != 0 &&
		    strcmp(g->status, "cancelled") != 0)
			for (j = 0; j < g->nactions; j++) {
				const struct psw_action *a = &g->actions[j];

				if (a->done == PSW_DATE_NONE &&
				    a->due != PSW_DATE_NONE)
					ROW(PSW_DUE_ACTION, a->id, a->title,
					    a->due, 0, 0);
			}
		if (strcmp(g->status, "active") == 0 &&
		    g->target != PSW_DATE_NONE)
			ROW(PSW_DUE_GOAL, g->id, g->title, g->target, 0, 0);
	}
	if (c->review.next != PSW_DATE_NONE)
		ROW(PSW_DUE_REVIEW, "", "plan review", c->review.next, 0, 0);
	for (i = 0; i < c->nreferrals; i++) {
		const struct psw_referral *rf = &c->referrals[i];
		int urgent = rf->urgency != NULL &&
		    strcmp(rf->urgency, "urgent") == 0;
		psw_date due = PSW_DATE_NONE;

		if (!open_referral(rf))
			continue;
		if (rf->follow_up != PSW_DATE_NONE) {
			snprintf(what, sizeof what, "follow up referral to %s",
			    rf->service);
			ROW(PSW_DUE_REFERRAL, rf->id, what, rf->follow_up,
			    urgent, 0);
			continue;
		}
		/* None: due since its last event (a valid file has one). */
		for (j = 0; j < rf->nhistory; j++)
			if (rf->history[j].date != PSW_DATE_NONE &&
			    (due == PSW_DATE_NONE || rf->history[j].date > due))
				due = rf->history[j].date;
		if (due == PSW_DATE_NONE)
			due = rf->created;
		snprintf(what, sizeof what, "no follow-up date on referral "
		    "to %s", rf->service);
		if (due != PSW_DATE_NONE)
			ROW(PSW_DUE_REFERRAL, rf->id, what, due, urgent, 0);
	}
	for (i = 0; i < c->nconsent; i++) {
		const struct psw_consent *k = &c->consent[i];
		int depends = 0;

		if (k->revoked != PSW_DATE_NONE || k->expires == PSW_DATE_NONE)
			continue;
		for (j = 0; j < c->nreferrals && !depends; j++)
			depends = c->referrals[j].consent != NULL &&
			    strcmp(c->referrals[j].consent, k->id) == 0 &&
			    open_referral(&c->referrals[j]);
		/* The text is made when read: it depends on today. */
		ROW(PSW_DUE_CONSENT, k->id, k->scope, k->expires, 0, depends);
	}
	if (active) {
		psw_date base = c->last_contact != PSW_DATE_NONE ?
		    c->last_contact : c->opened;

		if (c->last_contact == PSW_DATE_NONE)
			snprintf(what, sizeof what, "no contact yet");
		else
			snprintf(what, sizeof what, "no contact since %s",
			    psw_date_format(c->last_contact, d));
		if (base != PSW_DATE_NONE)
			ROW(PSW_DUE_CONTACT, "", what,
			    base + set->no_contact_days, 0, 0);
	}
	for (i = 0; active && i < set->nassess_every; i++) {
		const char *instr = set->assess_every[i].instrument;
		psw_date last = PSW_DATE_NONE, due;

		for (j = 0; j < c->nassessments; j++) {
			const struct psw_assessment *a = &c->assessments[j];

			if (a->voided == PSW_DATE_NONE &&
			    strcmp(a->instrument, instr) == 0 &&
			    (last == PSW_DATE_NONE || a->date > last))
				last = a->date;
		}
		if (last != PSW_DATE_NONE) {
			due = psw_date_add(last, set->assess_every[i].every);
			snprintf(what, sizeof what, "%s due (last on %s)",
			    instr, psw_date_format(last, d));
		} else {
			due = c->opened;
			snprintf(what, sizeof what, "first %s", instr);
		}
		if (due != PSW_DATE_NONE)
			ROW(PSW_DUE_ASSESSMENT, instr, what, due, 0, 0);
	}
	/* Safety: the latest risk flag of any instrument. */
	for (i = 0; i < c->nassessments; i++)
		if (flag[i] >= 0 && c->assessments[i].voided == PSW_DATE_NONE &&
		    (f == NULL || later(&c->assessments[i], f)))
			f = &c->assessments[i];
	if (f != NULL && (!c->safety.present ||
	    c->safety.reviewed == PSW_DATE_NONE ||
	    c->safety.reviewed < f->date)) {
		if (!c->safety.present)
			snprintf(what, sizeof what, "risk flag (%s %s) and no "
			    "safety plan", f->instrument,
			    psw_date_format(f->date, d));
		else
			snprintf(what, sizeof what, "safety plan not reviewed "
			    "since the risk flag (%s %s)", f->instrument,
			    psw_date_format(f->date, d));
		ROW(PSW_DUE_SAFETY, f->id, what, f->date, 0, 0);
	}
#undef ROW
	return 0;
}

/* A digest of the settings the items depend on, for the index's meta. */
void
psw_due_settings_digest(const struct psw_settings *set, char out[17])
{
	unsigned long long h = 14695981039346656037ULL;
	char buf[160];
	const char *p;
	size_t i;

	snprintf(buf, sizeof buf, "v1 contact %d;", set->no_contact_days);
	for (i = 0; ; i++) {
		for (p = buf; *p != '\0'; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		if (i >= set->nassess_every)
			break;
		snprintf(buf, sizeof buf, "%s %d%c;",
		    set->assess_every[i].instrument,
		    set->assess_every[i].every.n,
		    set->assess_every[i].every.unit);
	}
	snprintf(out, 17, "%016llx", h);
}
int
psw_due_kinds_parse(const char *s, unsigned *out, struct psw_err *e)
{
	char all[128];
	const char *p, *q;
	size_t len;
	int k;

	*out = 0;
	for (p = s; ; p = q + 1) {
		q = strchr(p, ',');
		len = q != NULL ? (size_t)(q - p) : strlen(p);
		for (k = 0; k < PSW_DUE_NKINDS; k++)
			if (strlen(psw_due_kinds[k]) == len &&
			    strncmp(psw_due_kinds[k], p, len) == 0)
				break;
		if (k == PSW_DUE_NKINDS)
			return psw_error(e, PSW_EUSAGE, "unknown kind '%.*s' "
			    "(use %s)", (int)(len > 64 ? 64 : len), p,
			    psw_list_join(psw_due_kinds, all, sizeof all));
		*out |= 1u << k;
		if (q == NULL)
			break;
	}
	return 0;
}

void
psw_due_release(struct psw_due_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		psw_due_item_release(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

/*
 * Give it copies of client, item, what and worker (item and worker may
 * be NULL) in one allocation that it->client starts; 0 or -1 on OOM.
 */
static int
item_set(struct psw_due_item *it, const char *client, const char *item,
    const char *what, const char *worker)
{
	const char *src[4];
	char **dst[4], *p;
	size_t len[4], need = 0, i;

	src[0] = client, src[1] = item, src[2] = what, src[3] = worker;
	dst[0] = &it->client, dst[1] = &it->item, dst[2] = &it->what;
	dst[3] = &it->worker;
	for (i = 0; i < 4; i++) {
		len[i] = src[i] != NULL ? strlen(src[i]) + 1 : 0;
		need += len[i];
	}
	if ((p = malloc(need)) == NULL)
		return -1;
	for (i = 0; i < 4; i++) {
		*dst[i] = src[i] != NULL ? memcpy(p, src[i], len[i]) : NULL;
		p += len[i];
	}
	return 0;
}

void
psw_due_item_release(struct psw_due_item *it)
{
	free(it->client);
	it->client = it->item = it->what = it->worker = NULL;
}

/* A new zeroed item at the end of l; NULL on OOM. */
static struct psw_due_item *
push(struct psw_due_list *l)
{
	struct psw_due_item *it;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct psw_due_item *nv;

		if ((nv = realloc(l->v, cap * sizeof *nv)) == NULL)
			return NULL;
		l->v = nv;
		l->cap = cap;
	}
	it = &l->v[l->n++];
	memset(it, 0, sizeof *it);
	return it;
}

static int
strcmp_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* --- Reading: the due_items table in output order -------------------- */

/*
 * The statement of q: only the clauses it needs, so a client's items are
 * one seek.  Values are bound, never formatted in: ?1 today, ?2 the
 * last day, ?3 worker, ?4 client, ?5 the kinds, ?6 the consent kind.
 */
static int
prepare_due(sqlite3 *db, const struct psw_due_query *q, sqlite3_stmt **s)
{
	char sql[640];
	char today[PSW_DATE_LEN], until[PSW_DATE_LEN];
	unsigned kinds = q->kinds ? q->kinds : PSW_DUE_ALL;
	int rc;

	snprintf(sql, sizeof sql, "SELECT client, kind, item, what, worker, "
	    "due, urgent, rank FROM due_items WHERE due <= ?2%s"
	    " AND (kind <> ?6 OR depends OR due >= ?1)%s%s%s ORDER BY %s",
	    q->upcoming_only ? " AND due >= ?1" : "",
	    q->worker != NULL ? " AND worker = ?3" : "",
	    q->client != NULL ? " AND client = ?4" : "",
	    kinds != PSW_DUE_ALL ? " AND (?5 >> kind) & 1" : "",
	    q->first_only ? "client, due, kind, item" :
	    "rank, due, client, kind, item");
	if ((rc = sqlite3_prepare_v2(db, sql, -1, s, NULL)) != SQLITE_OK)
		return rc;
	sqlite3_bind_text(*s, 1, psw_date_format(q->today, today), -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_text(*s, 2, psw_date_format(q->overdue_only ?
	    q->today - 1 : q->until, until), -1, SQLITE_TRANSIENT);
	if (q->worker != NULL)
		sqlite3_bind_text(*s, 3, q->worker, -1, SQLITE_STATIC);
	if (q->client != NULL)
		sqlite3_bind_text(*s, 4, q->client, -1, SQLITE_STATIC);
	sqlite3_bind_int(*s, 5, (int)kinds);
	sqlite3_bind_int(*s, 6, PSW_DUE_CONSENT);
	return SQLITE_OK;
}

/* Priority: see psw_due_collect() in due.h. */
static enum psw_due_priority
priority(const struct psw_due_item *it)
{
	if (it->days < 0 || it->urgent || it->kind == PSW_DUE_SAFETY ||
	    it->risk >= 2)
		return PSW_PRIO_HIGH;
	if (it->days <= 1)
		return PSW_PRIO_MEDIUM;
	return PSW_PRIO_LOW;
}

int
psw_due_each(sqlite3 *db, const struct psw_due_query *q, psw_due_fn *fn,
    void *arg, struct psw_err *e)
{
	struct psw_due_item it;
	char what[640];
	sqlite3_stmt *s;
	int rc, stop = 0;

	if ((rc = prepare_due(db, q, &s)) != SQLITE_OK)
		return psw_error(e, PSW_EIO, "index: cannot list what is due: "
		    "%s", sqlite3_errmsg(db));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *d = (const char *)sqlite3_column_text(s, 5);
		int kind = sqlite3_column_int(s, 1);

		memset(&it, 0, sizeof it);
		it.client = (char *)sqlite3_column_text(s, 0);
		it.item = (char *)sqlite3_column_text(s, 2);
		it.what = (char *)sqlite3_column_text(s, 3);
		it.worker = (char *)sqlite3_column_text(s, 4);
		if (it.client == NULL || it.what == NULL || d == NULL) {
			rc = sqlite3_errcode(db) == SQLITE_NOMEM ?
			    SQLITE_NOMEM : SQLITE_CORRUPT;
			break;
		}
		if (kind < 0 || kind >= PSW_DUE_NKINDS ||
		    psw_date_parse_iso(d, &it.due) < 0) {
			rc = SQLITE_CORRUPT;
			break;
		}
		it.kind = (enum psw_due_kind)kind;
		if (it.item != NULL && *it.item == '\0')
			it.item = NULL;
		it.urgent = sqlite3_column_int(s, 6);
		it.risk = 3 - sqlite3_column_int(s, 7);
		it.days = it.due - q->today;
		if (it.kind == PSW_DUE_CONSENT) {
			snprintf(what, sizeof what, "%s%s", it.days < 0 ?
			    "consent expired, an open referral depends on "
			    "it: " : "consent expires: ", it.what);
			it.what = what;
		}
		it.prio = priority(&it);
		if ((stop = fn(arg, &it)) != 0)
			break;
	}
	sqlite3_finalize(s);
	if (stop != 0)
		return stop;
	if (rc == SQLITE_NOMEM)
		return psw_error(e, PSW_EIO, "out of memory");
	if (rc != SQLITE_DONE)
		return psw_error(e, PSW_EIO, "index: cannot list what is due: "
		    "%s", sqlite3_errstr(rc));
	return 0;
}

struct collect {
	const struct psw_due_query *q;
	struct psw_due_list *l;
	int oom;
};

/* psw_due_each() callback of psw_due_collect(): keep a copy. */
static int
collect_one(void *arg, struct psw_due_item *src)
{
	struct collect *c = arg;
	struct psw_due_item *it;

	/* first_only: rows come in client order, the first one first. */
	if (c->q->first_only && c->l->n > 0 &&
	    strcmp(c->l->v[c->l->n - 1].client, src->client) == 0)
		return 0;
	if ((it = push(c->l)) == NULL) {
		c->oom = 1;
		return 1;
	}
	*it = *src;
	if (item_set(it, src->client, src->item, src->what, src->worker) < 0) {
		c->l->n--;
		c->oom = 1;
		return 1;
	}
	return 0;
}

struct psw_due_first {
	sqlite3_stmt *s;
	psw_date today;
};

int
psw_due_first_open(sqlite3 *db, const struct psw_due_query *q,
    struct psw_due_first **out, struct psw_err *e)
{
	struct psw_due_query one = *q;
	struct psw_due_first *f;
	int rc;

	*out = NULL;
	if ((f = calloc(1, sizeof *f)) == NULL)
		return psw_error(e, PSW_EIO, "out of memory");
	/* The query of psw_due_each() for one client, in client order
	 * (one seek of due_items_client), the first row only. */
	one.client = "";
	one.first_only = 1;
	f->today = q->today;
	if ((rc = prepare_due(db, &one, &f->s)) != SQLITE_OK) {
		free(f);
		return psw_error(e, PSW_EIO, "index: cannot list what is due: "
		    "%s", rc == SQLITE_NOMEM ? "out of memory" :
		    sqlite3_errmsg(db));
	}
	*out = f;
	return 0;
}

int
psw_due_first_get(struct psw_due_first *f, const char *client,
    enum psw_due_kind *kind, psw_date *due)
{
	const char *d;
	int rc, k;

	sqlite3_reset(f->s);
	sqlite3_bind_text(f->s, 4, client, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(f->s)) == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return -1;
	k = sqlite3_column_int(f->s, 1);
	d = (const char *)sqlite3_column_text(f->s, 5);
	if (k < 0 || k >= PSW_DUE_NKINDS || d == NULL ||
	    psw_date_parse_iso(d, due) < 0)
		return -1;
	*kind = (enum psw_due_kind)k;
	return 1;
}

void
psw_due_first_close(struct psw_due_first *f)
{
	if (f == NULL)
		return;
	sqlite3_finalize(f->s);
	free(f);
}

/* Risk first, then by date (overdue before due), client, kind, item. */
static int
item_cmp(const void *pa, const void *pb)
{
	const struct psw_due_item *a = pa, *b = pb;
	int c;

	if (a->risk != b->risk)
		return a->risk > b->risk ? -1 : 1;
	if (a->due != b->due)
		return a->due < b->due ? -1 : 1;
	if ((c = strcmp(a->client, b->client)) != 0)
		return c;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return strcmp_null(a->item, b->item);
}

int
psw_due_collect(sqlite3 *db, const struct psw_due_query *q,
    struct psw_due_list *out, struct psw_err *e)
{
	struct collect c;
	int rc;

	memset(out, 0, sizeof *out);
	c.q = q;
	c.l = out;
	c.oom = 0;
	if ((rc = psw_due_each(db, q, collect_one, &c, e)) != 0) {
		psw_due_release(out);
		return rc < 0 ? rc : psw_error(e, PSW_EIO, "out of memory");
	}
	if (q->first_only && out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, item_cmp);
	return 0;
}

char *
psw_due_key(const struct psw_due_item *it, char *buf, size_t size)
{
	char d[PSW_DATE_LEN];

	snprintf(buf, size, "%s %s %s %s", it->client,
	    psw_due_kinds[it->kind], it->item ? it->item : "-",
	    psw_date_format(it->due, d));
	return buf;
}

const char *
psw_due_plain(enum psw_due_kind k)
{
	static const char *const plain[PSW_DUE_NKINDS] = {
		"action due", "goal target", "plan review",
		"referral follow-up", "consent expiry", "contact due",
		"assessment due", "safety plan review",
	};

	return (unsigned)k < PSW_DUE_NKINDS ? plain[k] : "";
}
