/*
 * template.h - plan templates: goals and actions a new client's plan
 * starts from, with dates as offsets from the day the plan opens.
 *
 *   $PSW_HOME/templates/<name>.yaml
 *
 *   psw-template: 1
 *   about: Housing First, the first three months
 *   review-every: 12w
 *   goals:
 *     - domain: housing
 *       title: Move into a tenancy of my own
 *       target: +3m
 *       actions:
 *         - {title: Apply to Housing First, owner: worker, due: +14d}
 *
 * The format is documented in psw-plan(5), TEMPLATES.  Everything a
 * struct psw_template points to lives in the template document's arena.
 */
#ifndef PSW_TEMPLATE_H
#define PSW_TEMPLATE_H

#include <stddef.h>

#include "date.h"
#include "doc.h"
#include "error.h"

#define PSW_TEMPLATE_VERSION 1

struct psw_template_action {
	const char *title, *owner;	/* owner may be NULL */
	int has_due;
	struct psw_duration due;	/* offset from the open date */
};

struct psw_template_goal {
	const char *domain, *title, *status, *why;	/* why may be NULL */
	int has_target;
	struct psw_duration target;	/* offset from the open date */
	struct psw_template_action *actions;
	size_t nactions;
};

struct psw_template {
	const char *about;		/* may be NULL */
	int has_review_every;
	struct psw_duration review_every;
	struct psw_template_goal *goals;
	size_t ngoals;
};

/*
 * Read and check the template in doc.  Every problem is appended to d
 * with file:line:col: unknown keys (a template is small, so a misspelt
 * key is a mistake, not a later version's), missing or empty titles,
 * domains and statuses outside their lists, offsets that are not +N
 * days, weeks, months or years.  Returns 0, -PSW_EDATA when there were
 * problems, -PSW_EIO on OOM.  *out lives in doc's arena.
 */
int psw_template_read(struct psw_doc *doc, struct psw_template **out,
    struct psw_diags *d);

/*
 * Add the template's goals and actions to the client document cdoc, ids
 * continuing from those it holds (g1, g1.1 ...), dates resolved from
 * `opened`; with review-every, set review: every and next.  The counts
 * added go to *ngoals and *nactions (either may be NULL).  Returns 0,
 * -PSW_EDATA when a date leaves the calendar, -PSW_EIO on OOM; cdoc is
 * then partly changed and must not be written.
 */
int psw_template_apply(const struct psw_template *tpl, struct psw_doc *cdoc,
    psw_date opened, size_t *ngoals, size_t *nactions, struct psw_err *e);

/* 1 when name is a usable template name (the rule for client ids). */
int psw_template_name_valid(const char *name);

#endif
