/*
 * due.c - the reminders: one query a kind over the index, merged and
 * ordered here.  Each query compares dates as ISO text, so the date
 * indexes of the schema serve the window bound.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "client.h"
#include "due.h"

const char *const psw_due_kinds[PSW_DUE_NKINDS + 1] = {
	"action", "goal", "review", "referral", "consent", "contact",
	"assessment", "safety", NULL
};

const char *const psw_due_priorities[3] = { "low", "medium", "high" };

/* A referral still open: neither ended nor withdrawn. */
#define OPEN_REFERRAL(r) \
	"coalesce(" r ".status, 'draft') NOT IN ('completed', 'cancelled', " \
	"'rejected', 'failed')"

/* Client filters shared by every query: ?3 worker, ?4 client. */
#define CLIENT_FILTER \
	" AND c.status <> 'closed' AND (?3 IS NULL OR c.worker = ?3)" \
	" AND (?4 IS NULL OR c.id = ?4)"

/*
 * Each query yields client, item, what, due, worker, urgent for items
 * due on or before ?2 (the window's last day); ?1 is today, ?5 the
 * no-contact-days setting.
 */
static const char *const kind_sql[PSW_DUE_NKINDS] = {
	/* action */
	"SELECT a.client, a.id, a.title, a.due, c.worker, 0"
	" FROM actions a JOIN clients c ON c.id = a.client"
	" JOIN goals g ON g.client = a.client AND g.id = a.goal"
	" WHERE a.done IS NULL AND a.due <= ?2"
	" AND g.status NOT IN ('achieved', 'cancelled')" CLIENT_FILTER,
	/* goal */
	"SELECT g.client, g.id, g.title, g.target, c.worker, 0"
	" FROM goals g JOIN clients c ON c.id = g.client"
	" WHERE g.status = 'active' AND g.target <= ?2" CLIENT_FILTER,
	/* review */
	"SELECT c.id, NULL, 'plan review', c.review_next, c.worker, 0"
	" FROM clients c WHERE c.review_next <= ?2" CLIENT_FILTER,
	/* referral: a follow-up date, or none on an open referral */
	"SELECT r.client, r.id, 'follow up referral to ' || r.service,"
	" r.follow_up, c.worker, r.urgency = 'urgent'"
	" FROM referrals r JOIN clients c ON c.id = r.client"
	" WHERE r.follow_up <= ?2 AND " OPEN_REFERRAL("r") CLIENT_FILTER
	" UNION ALL SELECT * FROM ("
	"SELECT r.client, r.id, 'no follow-up date on referral to ' ||"
	" r.service, coalesce((SELECT max(e.date) FROM referral_events e"
	" WHERE e.client = r.client AND e.referral = r.id), r.created, ?1)"
	" AS due, c.worker, r.urgency = 'urgent'"
	" FROM referrals r JOIN clients c ON c.id = r.client"
	" WHERE r.follow_up IS NULL AND " OPEN_REFERRAL("r") CLIENT_FILTER
	") WHERE due <= ?2",
	/* consent */
	"SELECT k.client, k.id, CASE WHEN k.expires < ?1"
	" THEN 'consent expired, an open referral depends on it: '"
	" ELSE 'consent expires: ' END || k.scope, k.expires, c.worker, 0"
	" FROM consent k JOIN clients c ON c.id = k.client"
	" WHERE k.revoked IS NULL AND k.expires <= ?2"
	" AND (k.expires >= ?1 OR EXISTS (SELECT 1 FROM referrals r"
	" WHERE r.client = k.client AND r.consent = k.id AND "
	OPEN_REFERRAL("r") "))" CLIENT_FILTER,
	/* contact: due on the last day the setting allows */
	"SELECT * FROM (SELECT c.id, NULL, CASE WHEN c.last_contact IS NULL"
	" THEN 'no contact yet' ELSE 'no contact since ' || c.last_contact"
	" END, date(coalesce(c.last_contact, c.opened, ?1), '+' || ?5 ||"
	" ' days') AS due, c.worker, 0 FROM clients c"
	" WHERE c.status = 'active'" CLIENT_FILTER ") WHERE due <= ?2",
	/* assessment: computed in collect_assess() */
	NULL,
	/* safety: the latest risk flag against the safety plan */
	"SELECT * FROM (SELECT c.id, f.id, CASE WHEN c.safety_plan = 0"
	" THEN 'risk flag (' || f.instrument || ' ' || f.date ||"
	" ') and no safety plan' ELSE 'safety plan not reviewed since the"
	" risk flag (' || f.instrument || ' ' || f.date || ')' END,"
	" f.date AS due, c.worker, 0"
	" FROM assessments f INDEXED BY assessments_risk"
	" JOIN clients c ON c.id = f.client"
	" WHERE f.risk IS NOT NULL AND f.voided IS NULL" CLIENT_FILTER
	" AND NOT EXISTS (SELECT 1 FROM assessments g"
	" INDEXED BY assessments_risk WHERE g.client = c.id"
	" AND g.risk IS NOT NULL AND g.voided IS NULL"
	" AND (g.date > f.date OR (g.date = f.date AND g.id > f.id)))"
	" AND (c.safety_plan = 0 OR c.safety_reviewed IS NULL"
	" OR c.safety_reviewed < f.date)) WHERE due <= ?2",
};

/*
 * The risk flag of each client: the highest level among the latest
 * assessment of each instrument, voided ones aside (a later score without
 * a flag clears an instrument's flag).
 */
static const char risk_sql[] =
	"SELECT a.client, max(CASE a.risk WHEN 'high' THEN 3"
	" WHEN 'moderate' THEN 2 WHEN 'low' THEN 1 ELSE 0 END)"
	" FROM assessments a INDEXED BY assessments_risk"
	" WHERE a.risk IS NOT NULL AND a.voided IS NULL"
	" AND NOT EXISTS (SELECT 1 FROM assessments b"
	" INDEXED BY assessments_latest WHERE b.client = a.client AND b.instrument = a.instrument"
	" AND b.voided IS NULL AND (b.date > a.date"
	" OR (b.date = a.date AND b.id > a.id)))"
	" GROUP BY a.client ORDER BY a.client";

/* The last assessment of ?6 for each active client. */
static const char assess_sql[] =
	"SELECT c.id, (SELECT max(a.date) FROM assessments a"
	" WHERE a.client = c.id AND a.instrument = ?6 AND a.voided IS NULL),"
	" c.opened, c.worker FROM clients c WHERE c.status = 'active'"
	CLIENT_FILTER;

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

static int strcmp_null(const char *, const char *);

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

/* Client, then the order of the items of one client in item_cmp. */
static int
client_first_cmp(const void *pa, const void *pb)
{
	const struct psw_due_item *a = pa, *b = pb;
	int c;

	if ((c = strcmp(a->client, b->client)) != 0)
		return c;
	if (a->due != b->due)
		return a->due < b->due ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return strcmp_null(a->item, b->item);
}

/* Keep only the first item of each client (q->first_only). */
static void
first_only(struct psw_due_list *l)
{
	size_t i, n = 0;

	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, client_first_cmp);
	for (i = 0; i < l->n; i++) {
		struct psw_due_item *it = &l->v[i];

		if (n > 0 && strcmp(l->v[n - 1].client, it->client) == 0) {
			psw_due_item_release(it);
			continue;
		}
		if (n != i)
			l->v[n] = *it;
		n++;
	}
	l->n = n;
}

/*
 * A new item as push() does; with q->first_only, a full list drops the
 * items that cannot come first before it grows, so that the list holds
 * about one item a client.
 */
static struct psw_due_item *
push_q(const struct psw_due_query *q, struct psw_due_list *l)
{
	if (q->first_only && l->n == l->cap && l->n >= 1024)
		first_only(l);
	return push(l);
}

/* Bind the parameters every query shares. */
static void
bind_common(sqlite3_stmt *s, const struct psw_due_query *q, char *today,
    char *until)
{
	sqlite3_bind_text(s, 1, psw_date_format(q->today, today), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(s, 2, psw_date_format(q->overdue_only ?
	    q->today - 1 : q->until, until), -1, SQLITE_STATIC);
	if (q->worker != NULL)
		sqlite3_bind_text(s, 3, q->worker, -1, SQLITE_STATIC);
	if (q->client != NULL)
		sqlite3_bind_text(s, 4, q->client, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, q->no_contact_days);
}

/*
 * Assessments by the schedule: the date arithmetic of durations (months
 * end-clamped) is psw_date_add(), so this kind is worked out here.
 */
static int
collect_assess(sqlite3 *db, const struct psw_due_query *q,
    struct psw_due_list *l, struct psw_err *e)
{
	char today[PSW_DATE_LEN], until[PSW_DATE_LEN], what[160];
	psw_date last_day = q->overdue_only ? q->today - 1 : q->until;
	sqlite3_stmt *s;
	size_t i;
	int rc = SQLITE_DONE, oom = 0;

	for (i = 0; i < q->nassess && !oom; i++) {
		const char *instr = q->assess[i].instrument;

		rc = sqlite3_prepare_v2(db, assess_sql, -1, &s, NULL);
		if (rc != SQLITE_OK)
			return psw_error(e, PSW_EIO, "index: cannot list what "
			    "is due: %s", sqlite3_errmsg(db));
		bind_common(s, q, today, until);
		sqlite3_bind_text(s, 6, instr, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			const char *last = (const char *)sqlite3_column_text(s,
			    1);
			const char *opened = (const char *)
			    sqlite3_column_text(s, 2);
			struct psw_due_item *it;
			psw_date d, due;

			if (last != NULL && psw_date_parse_iso(last, &d) == 0) {
				due = psw_date_add(d, q->assess[i].every);
				snprintf(what, sizeof what, "%s due (last on "
				    "%s)", instr, last);
			} else {
				if (opened == NULL ||
				    psw_date_parse_iso(opened, &due) < 0)
					due = q->today;
				snprintf(what, sizeof what, "first %s", instr);
			}
			if (due == PSW_DATE_NONE || due > last_day ||
			    (q->upcoming_only && due < q->today))
				continue;
			if ((it = push_q(q, l)) == NULL) {
				oom = 1;
				break;
			}
			it->kind = PSW_DUE_ASSESSMENT;
			it->due = due;
			it->days = due - q->today;
			if (item_set(it, (const char *)sqlite3_column_text(s,
			    0), instr, what, (const char *)
			    sqlite3_column_text(s, 3)) < 0) {
				l->n--;
				oom = 1;
			}
		}
		sqlite3_finalize(s);
		if (!oom && rc != SQLITE_DONE)
			return psw_error(e, PSW_EIO, "index: cannot list what "
			    "is due: %s", sqlite3_errstr(rc));
	}
	if (oom)
		return psw_error(e, PSW_EIO, "out of memory");
	return 0;
}

/* Append the rows of one kind's query. */
static int
collect_kind(sqlite3 *db, const struct psw_due_query *q, int kind,
    struct psw_due_list *l, struct psw_err *e)
{
	char today[PSW_DATE_LEN], until[PSW_DATE_LEN];
	sqlite3_stmt *s;
	int rc, oom = 0;

	if (kind == PSW_DUE_ASSESSMENT)
		return collect_assess(db, q, l, e);
	rc = sqlite3_prepare_v2(db, kind_sql[kind], -1, &s, NULL);
	if (rc != SQLITE_OK)
		return psw_error(e, PSW_EIO, "index: cannot list what is "
		    "due: %s", sqlite3_errmsg(db));
	bind_common(s, q, today, until);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct psw_due_item *it;
		const char *d = (const char *)sqlite3_column_text(s, 3);
		psw_date due;

		if (d == NULL || psw_date_parse_iso(d, &due) < 0 ||
		    (q->upcoming_only && due < q->today))
			continue;
		if ((it = push_q(q, l)) == NULL) {
			oom = 1;
			break;
		}
		it->kind = (enum psw_due_kind)kind;
		it->urgent = sqlite3_column_int(s, 5);
		it->due = due;
		it->days = due - q->today;
		if (sqlite3_column_text(s, 0) == NULL ||
		    sqlite3_column_text(s, 2) == NULL ||
		    item_set(it, (const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    (const char *)sqlite3_column_text(s, 2),
		    (const char *)sqlite3_column_text(s, 4)) < 0) {
			l->n--;
			oom = 1;
			break;
		}
	}
	sqlite3_finalize(s);
	if (oom)
		return psw_error(e, PSW_EIO, "out of memory");
	if (rc != SQLITE_DONE)
		return psw_error(e, PSW_EIO, "index: cannot list what is "
		    "due: %s", sqlite3_errstr(rc));
	return 0;
}

static int
strcmp_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* Set each item's risk from the clients' flags (one query, merged). */
static int
mark_risk(sqlite3 *db, struct psw_due_list *l, struct psw_err *e)
{
	struct { char *client; int level; } *v = NULL;
	size_t n = 0, cap = 0, i, lo, hi, mid;
	sqlite3_stmt *s;
	int rc, c;

	if (l->n == 0)
		return 0;
	if ((rc = sqlite3_prepare_v2(db, risk_sql, -1, &s, NULL)) != SQLITE_OK)
		return psw_error(e, PSW_EIO, "index: cannot read risk flags: "
		    "%s", sqlite3_errmsg(db));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(s, 0);

		if (n == cap) {
			void *nv;

			cap = cap ? cap * 2 : 32;
			if ((nv = realloc(v, cap * sizeof *v)) == NULL) {
				rc = SQLITE_NOMEM;
				break;
			}
			v = nv;
		}
		if (id == NULL || (v[n].client = strdup(id)) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		v[n++].level = sqlite3_column_int(s, 1);
	}
	sqlite3_finalize(s);
	/* ORDER BY gives memcmp order, the order strcmp searches in. */
	for (i = 0; rc == SQLITE_DONE && i < l->n; i++) {
		for (lo = 0, hi = n; lo < hi;) {
			mid = (lo + hi) / 2;
			c = strcmp(l->v[i].client, v[mid].client);
			if (c == 0) {
				l->v[i].risk = v[mid].level;
				break;
			}
			if (c < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
	}
	for (i = 0; i < n; i++)
		free(v[i].client);
	free(v);
	if (rc != SQLITE_DONE)
		return psw_error(e, PSW_EIO, "index: cannot read risk flags: "
		    "%s", sqlite3_errstr(rc));
	return 0;
}

/* Risk first, then overdue, then by date, client, kind, item. */
static int
item_cmp(const void *pa, const void *pb)
{
	const struct psw_due_item *a = pa, *b = pb;
	int c;

	if (a->risk != b->risk)
		return a->risk > b->risk ? -1 : 1;
	if ((a->days < 0) != (b->days < 0))
		return a->days < 0 ? -1 : 1;
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
	unsigned kinds = q->kinds ? q->kinds : PSW_DUE_ALL;
	size_t i;
	int k, rc;

	memset(out, 0, sizeof *out);
	for (k = 0; k < PSW_DUE_NKINDS; k++) {
		if (!(kinds & (1u << k)))
			continue;
		if ((rc = collect_kind(db, q, k, out, e)) < 0) {
			psw_due_release(out);
			return rc;
		}
	}
	if (q->first_only)
		first_only(out);
	if ((rc = mark_risk(db, out, e)) < 0) {
		psw_due_release(out);
		return rc;
	}
	for (i = 0; i < out->n; i++) {
		struct psw_due_item *it = &out->v[i];

		if (it->days < 0 || it->urgent || it->kind == PSW_DUE_SAFETY ||
		    it->risk >= 2)
			it->prio = PSW_PRIO_HIGH;
		else if (it->days <= 1)
			it->prio = PSW_PRIO_MEDIUM;
		else
			it->prio = PSW_PRIO_LOW;
	}
	if (out->n > 1)
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
