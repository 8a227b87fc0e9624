/*
 * care.h - the care around a client: consent as of a day, the safety
 * plan's review state and its one-page crisis card.
 *
 * psw-plan keeps these records; psw-refer asks psw_consent_state() before
 * it shares anything, and any tool that shows a safety plan prints it
 * with psw_safety_card() so every copy reads the same.
 */
#ifndef PSW_CARE_H
#define PSW_CARE_H

#include "client.h"
#include "date.h"
#include "output.h"

enum psw_consent_state {
	PSW_CONSENT_ACTIVE = 0,
	PSW_CONSENT_NOT_YET_GIVEN,	/* given after today */
	PSW_CONSENT_EXPIRED,		/* expires before today */
	PSW_CONSENT_REVOKED,		/* revoked today or earlier */
};

/*
 * The state of consent k on day `today`.  A consent holds from its given
 * day through its expires day, both included, and ends on the day it is
 * revoked (revoked today: no longer active).  Revoked wins over expired,
 * and both over not yet given, so a withdrawal is never hidden.
 */
enum psw_consent_state psw_consent_state(const struct psw_consent *k,
    psw_date today);

/* "active", "not-yet-given", "expired", "revoked"; static. */
const char *psw_consent_state_name(enum psw_consent_state s);

enum psw_safety_review {
	PSW_SAFETY_NO_PLAN = 0,		/* no safety-plan section */
	PSW_SAFETY_NEVER_REVIEWED,	/* a plan without `reviewed:` */
	PSW_SAFETY_REVIEW_DUE,		/* reviewed before the risk flag */
	PSW_SAFETY_REVIEWED,		/* reviewed on or after it */
};

/*
 * Where the safety plan sp stands against the latest risk flag (the day
 * an assessment flagged a risk; PSW_DATE_NONE when there is none).  A
 * review on the day of the flag counts as after it.
 */
enum psw_safety_review psw_safety_review_state(const struct psw_safety *sp,
    psw_date risk_flag);

/* A step's heading on the card ("Warning signs"); static. */
const char *psw_safety_title(enum psw_safety_step step);

/*
 * Write client c's safety plan as a one-page crisis card to o (format
 * text, md or json): the six Stanley-Brown steps in order, numbered, then
 * what matters most; phone numbers beside their item; a clear line when
 * there is no plan, when it was never reviewed, and when it was not
 * reviewed since risk_flag (PSW_DATE_NONE: no flag).  Returns 0, or -1
 * on a write error (errno set).
 */
int psw_safety_card(struct psw_out *o, const struct psw_client *c,
    psw_date risk_flag);

#endif
