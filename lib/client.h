/*
 * client.h - the client model over a document tree: read and validate.
 *
 * The document tree (doc.h) stays the truth a tool changes and writes
 * back, so keys and values psw does not know survive a rewrite.  This
 * module reads a typed view of it for validation, the index and reports.
 * Everything a struct psw_client points to lives in the document's arena
 * and is freed with the document.
 *
 * The file format is documented in psw-plan(5).
 */
#ifndef PSW_CLIENT_H
#define PSW_CLIENT_H

#include <stddef.h>

#include "date.h"
#include "doc.h"
#include "error.h"

#define PSW_FORMAT_VERSION 1
#define PSW_ANSWER_MISSING (-1)

struct psw_node;

struct psw_status_change {		/* history: */
	psw_date date;
	const char *status, *by, *reason;
};

struct psw_consent {
	const char *id, *scope, *note;
	psw_date given, expires, revoked;	/* PSW_DATE_NONE when absent */
};

struct psw_member {			/* team: */
	const char *id, *name, *role, *org, *phone, *email;
};

struct psw_need {
	const char *domain, *need, *note;	/* need: none | met | unmet */
};

struct psw_assessment {
	const char *id, *instrument;
	psw_date date;
	int *answers;			/* PSW_ANSWER_MISSING for ~ */
	size_t nanswers;
	const struct psw_node *node;
	psw_date voided;		/* entered in error; PSW_DATE_NONE */
	const char *void_reason;
	const char *note;
};

struct psw_action {
	const char *id, *title, *owner;
	psw_date due, done;
};

struct psw_progress {
	psw_date date;
	int rating;			/* 0..10 */
	const char *note;
};

struct psw_goal {
	const char *id, *domain, *title, *status, *why;
	psw_date target;
	struct psw_action *actions;
	size_t nactions;
	struct psw_progress *progress;
	size_t nprogress;
};

struct psw_review {			/* review: history: */
	psw_date date, next;
	const char *by, *note;
};

struct psw_safety_item {
	const char *text, *phone;
};

enum psw_safety_step {
	PSW_SAFETY_WARNING_SIGNS,
	PSW_SAFETY_COPING,
	PSW_SAFETY_DISTRACTIONS,
	PSW_SAFETY_PEOPLE,
	PSW_SAFETY_PROFESSIONALS,
	PSW_SAFETY_MEANS,
	PSW_SAFETY_MATTERS,
	PSW_SAFETY_NSTEPS
};

/* The safety-plan keys in step order ("warning-signs", ...). */
extern const char *const psw_safety_keys[PSW_SAFETY_NSTEPS];

struct psw_safety {
	int present;			/* the file has a safety-plan section */
	struct psw_safety_item *items[PSW_SAFETY_NSTEPS];
	size_t nitems[PSW_SAFETY_NSTEPS];
	psw_date reviewed;
};

struct psw_ref_event {
	psw_date date;
	const char *status, *by, *reason;
};

struct psw_referral {
	const char *id, *service, *goal, *reason, *consent, *urgency;
	const char *status;		/* the last event's status ("draft") */
	psw_date created, follow_up;
	struct psw_ref_event *history;
	size_t nhistory;
};

struct psw_contact {
	const char *id;			/* optional */
	psw_date date;
	const char *kind, *note;
	int minutes;			/* -1 when absent */
};

struct psw_client {
	int version;			/* psw: */
	const char *id, *name, *preferred_name, *pronouns;
	const char *status, *worker, *phone, *email, *address, *notes;
	psw_date dob, opened, closed;
	struct psw_status_change *history;
	size_t nhistory;
	struct psw_consent *consent;
	size_t nconsent;
	struct psw_member *team;
	size_t nteam;
	const char **strengths;
	size_t nstrengths;
	struct psw_need *needs;
	size_t nneeds;
	struct psw_assessment *assessments;
	size_t nassessments;
	struct psw_goal *goals;
	size_t ngoals;
	struct {
		int has_every;
		struct psw_duration every;
		psw_date last, next;
		struct psw_review *history;
		size_t nhistory;
	} review;
	struct psw_safety safety;
	struct psw_referral *referrals;
	size_t nreferrals;
	struct psw_contact *contacts;
	size_t ncontacts;
	psw_date last_contact;		/* derived: latest contacts[].date */
};

/*
 * Read and validate the client in doc.  expect_id, when not NULL, is the
 * id the file name says (the file's `id:` must match).  Every problem is
 * appended to d with file:line:col (not only the first).  Returns 0 when
 * there were none, -PSW_EDATA when there were some (*out is still set, as
 * far as it could be read), -PSW_EIO on OOM.  *out lives in doc's arena.
 */
int psw_client_read(struct psw_doc *doc, const char *expect_id,
    struct psw_client **out, struct psw_diags *d);

/* Allowed values, NULL-terminated, for messages and completion. */
extern const char *const psw_client_statuses[];	/* referred active on-hold closed */
extern const char *const psw_goal_statuses[];
extern const char *const psw_goal_domains[];
extern const char *const psw_contact_kinds[];
extern const char *const psw_need_levels[];
extern const char *const psw_referral_statuses[];
extern const char *const psw_team_roles[];

/* 1 when s is in the NULL-terminated list. */
int psw_in_list(const char *const *list, const char *s);

/* "a, b, c or d" into buf; returns buf. */
char *psw_list_join(const char *const *list, char *buf, size_t size);

/*
 * A new client document: psw: 1, id, name, status, opened, worker (and dob
 * when not PSW_DATE_NONE).  NULL on OOM.
 */
struct psw_doc *psw_client_new_doc(const char *name_for_messages,
    const char *id, const char *name, psw_date dob, const char *status,
    psw_date opened, const char *worker);

#endif
