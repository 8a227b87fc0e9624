/*
 * due.h - what is due: the reminders psw-report due lists, computed
 * from the index for a window of days around "today".
 *
 * Kinds: action (goal actions not done, of goals still open), goal
 * (target dates of active goals), review (the plan's next review),
 * referral (follow-up dates of open referrals; an open referral without
 * one is an item itself, due since its last event), consent (expiring
 * within the window, or expired while an open referral depends on it),
 * contact (an active client not contacted for longer than the
 * no-contact-days setting), assessment (an instrument of the schedule
 * in the settings, due that long after the last one that is not voided,
 * or from the day the case opened for an active client with none),
 * safety (a risk flag newer than the last safety-plan review, or a flag
 * and no safety plan).  Closed clients have nothing due.  Clients whose
 * latest assessment of some instrument carries a risk flag come first.
 */
#ifndef PSW_DUE_H
#define PSW_DUE_H

#include <stddef.h>

#include "date.h"
#include "error.h"
#include "store.h"

struct sqlite3;

enum psw_due_kind {
	PSW_DUE_ACTION,
	PSW_DUE_GOAL,
	PSW_DUE_REVIEW,
	PSW_DUE_REFERRAL,
	PSW_DUE_CONSENT,
	PSW_DUE_CONTACT,
	PSW_DUE_ASSESSMENT,
	PSW_DUE_SAFETY,
	PSW_DUE_NKINDS
};

/* The kind names in enum order ("action", ...). */
extern const char *const psw_due_kinds[PSW_DUE_NKINDS + 1];

#define PSW_DUE_ALL ((1u << PSW_DUE_NKINDS) - 1)

/*
 * Parse a comma-separated list of kinds into a bit set (1 << kind).
 * Failure: -PSW_EUSAGE "unknown kind 'x' (use action, goal, ...)".
 */
int psw_due_kinds_parse(const char *s, unsigned *out, struct psw_err *e);

struct psw_due_query {
	psw_date today;
	psw_date until;		/* last day of the window (inclusive) */
	int overdue_only;	/* only items due before today */
	const char *worker;	/* NULL: every worker */
	const char *client;	/* NULL: every client */
	unsigned kinds;		/* bit set; 0 means all */
	int first_only;		/* keep only each client's first item (in
				 * the order of psw_due_collect) */
	int upcoming_only;	/* no item due before today */
};

enum psw_due_priority { PSW_PRIO_LOW, PSW_PRIO_MEDIUM, PSW_PRIO_HIGH };

extern const char *const psw_due_priorities[3];	/* low medium high */

/* An item's strings are one allocation that client starts. */
struct psw_due_item {
	char *client;		/* owned: the strings' allocation */
	enum psw_due_kind kind;
	char *item;		/* the item's id, or NULL (review, contact) */
	char *what;		/* owned; may hold names: see deidentify */
	char *worker;		/* owned; may be NULL */
	psw_date due;
	int days;		/* due - today: negative when overdue */
	int urgent;		/* an urgent referral */
	int risk;		/* the client's risk flag: 0 none, 1 low,
				 * 2 moderate, 3 high (psw_level) */
	enum psw_due_priority prio;
};

struct psw_due_list {
	struct psw_due_item *v;
	size_t n, cap;
};

/*
 * What the index keeps of one client (table due_items): every dated item
 * that can be due on some day, with the date it is due.  The consent
 * kind's text is the scope alone (the words before it depend on today);
 * depends is set when an open referral depends on the consent.  item is
 * "" for the review and contact kinds.
 */
struct psw_due_row {
	enum psw_due_kind kind;
	const char *item;
	const char *what;
	psw_date due;
	int urgent;
	int depends;
};

/* Called for each row; a non-zero return stops and is returned. */
typedef int psw_due_row_fn(void *arg, const struct psw_due_row *r);

struct psw_client;
struct psw_settings;

/*
 * The rows of client c (none when it is closed).  flag[i] is the risk
 * level (enum psw_level) of assessment i when its score carries a flag,
 * else -1 (voided, unscored or no flag).  Contact and assessment dates
 * follow set (no-contact-days, the schedule).  0, or what fn returned.
 */
int psw_due_client_rows(const struct psw_client *c, const int *flag,
    const struct psw_settings *set, psw_due_row_fn *fn, void *arg);

/* The client's risk level: the highest flag among the latest score of
 * each instrument, voided ones aside (a later score without a flag
 * clears an instrument's flag); 0 when none. */
int psw_due_client_risk(const struct psw_client *c, const int *flag);

/* 16 hex digits naming the settings the rows depend on: when they
 * change, the index takes in every client again. */
void psw_due_settings_digest(const struct psw_settings *set, char out[17]);

/*
 * Call fn for every item of q, in the order of psw_due_collect(), read
 * from the index as it goes (nothing is held): its strings live until
 * fn returns.  With q->first_only the items come by client instead.
 * 0, a non-zero return of fn, or -PSW_EIO (SQLite, OOM) with e filled.
 */
typedef int psw_due_fn(void *arg, struct psw_due_item *it);
int psw_due_each(struct sqlite3 *db, const struct psw_due_query *q,
    psw_due_fn *fn, void *arg, struct psw_err *e);

/*
 * Each client's most pressing item of q, one client at a time (one seek
 * each, nothing held): open once, then psw_due_first_get() gives 1 and
 * the item's kind and date, 0 when the client has nothing due, -1 when
 * the index cannot be read.  q->client is ignored.
 */
struct psw_due_first;
int psw_due_first_open(struct sqlite3 *db, const struct psw_due_query *q,
    struct psw_due_first **out, struct psw_err *e);
int psw_due_first_get(struct psw_due_first *f, const char *client,
    enum psw_due_kind *kind, psw_date *due);
void psw_due_first_close(struct psw_due_first *f);

/*
 * Every item of q, ordered: risk-flagged clients first (highest level
 * first), then overdue before due, then by date, client, kind and item.
 * Priority: high when overdue, urgent, a safety item or the client has
 * a moderate or high risk flag; medium when due today or tomorrow; low
 * otherwise.  Release with psw_due_release().
 * Errors: -PSW_EIO (SQLite, OOM) with e filled.
 */
int psw_due_collect(struct sqlite3 *db, const struct psw_due_query *q,
    struct psw_due_list *out, struct psw_err *e);
void psw_due_release(struct psw_due_list *l);
/* Free the strings of one item (when dropping it from a list). */
void psw_due_item_release(struct psw_due_item *it);

/*
 * A stable key of an item, "client kind item due" (item "-" when none),
 * for remembering what was shown.  Writes into buf; returns buf.
 */
char *psw_due_key(const struct psw_due_item *it, char *buf, size_t size);

/* A description of the item's kind without free text, for de-identified
 * output ("action", "goal target", ...). */
const char *psw_due_plain(enum psw_due_kind k);

#endif
