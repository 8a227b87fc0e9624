/*
 * care.c - consent as of a day, the safety plan's review state and its
 * crisis card.
 */
#include <errno.h>
#include <stdio.h>

#include "care.h"

enum psw_consent_state
psw_consent_state(const struct psw_consent *k, psw_date today)
{
	if (k->revoked != PSW_DATE_NONE && k->revoked <= today)
		return PSW_CONSENT_REVOKED;
	if (k->expires != PSW_DATE_NONE && k->expires < today)
		return PSW_CONSENT_EXPIRED;
	if (k->given == PSW_DATE_NONE || k->given > today)
		return PSW_CONSENT_NOT_YET_GIVEN;
	return PSW_CONSENT_ACTIVE;
}

const char *
psw_consent_state_name(enum psw_consent_state s)
{
	switch (s) {
	case PSW_CONSENT_ACTIVE:
		return "active";
	case PSW_CONSENT_NOT_YET_GIVEN:
		return "not-yet-given";
	case PSW_CONSENT_EXPIRED:
		return "expired";
	case PSW_CONSENT_REVOKED:
		return "revoked";
	}
	return "?";
}

enum psw_safety_review
psw_safety_review_state(const struct psw_safety *sp, psw_date risk_flag)
{
	if (!sp->present)
		return PSW_SAFETY_NO_PLAN;
	if (sp->reviewed == PSW_DATE_NONE)
		return PSW_SAFETY_NEVER_REVIEWED;
	if (risk_flag != PSW_DATE_NONE && sp->reviewed < risk_flag)
		return PSW_SAFETY_REVIEW_DUE;
	return PSW_SAFETY_REVIEWED;
}

/* Headings in the client's voice: the card is theirs to keep. */
static const char *const titles[PSW_SAFETY_NSTEPS] = {
	"Warning signs",
	"Things I can do on my own to cope",
	"People and places that take my mind off things",
	"People I can ask for help",
	"Professionals and crisis lines",
	"Making my surroundings safe",
	"What matters most to me",
};

static const char *const review_names[] = {
	"no-plan", "never-reviewed", "review-due", "reviewed"
};

const char *
psw_safety_title(enum psw_safety_step step)
{
	return step < PSW_SAFETY_NSTEPS ? titles[step] : "?";
}

/* The card as text for a terminal or a printer: 80 columns, ASCII frame. */
static void
card_text(FILE *fp, const struct psw_client *c, enum psw_safety_review rs,
    psw_date risk_flag)
{
	const struct psw_safety *sp = &c->safety;
	char d1[PSW_DATE_LEN], d2[PSW_DATE_LEN];
	size_t k, i;

	fputs("SAFETY PLAN: ", fp);
	psw_put_text(fp, c->name ? c->name : "");
	fputs(" (", fp);
	psw_put_text(fp, c->id ? c->id : "");
	fputs(")\n", fp);
	switch (rs) {
	case PSW_SAFETY_NO_PLAN:
		fputs("No safety plan: build one with the client "
		    "(psw-plan safety add).\n", fp);
		return;
	case PSW_SAFETY_NEVER_REVIEWED:
		fputs("Never reviewed with the client.\n", fp);
		break;
	case PSW_SAFETY_REVIEW_DUE:
		fprintf(fp, "NOT REVIEWED SINCE THE RISK FLAG OF %s (last "
		    "reviewed %s): go through it with the client.\n",
		    psw_date_format(risk_flag, d1),
		    psw_date_format(sp->reviewed, d2));
		break;
	case PSW_SAFETY_REVIEWED:
		fprintf(fp, "Reviewed with the client on %s.\n",
		    psw_date_format(sp->reviewed, d1));
		break;
	}
	for (k = 0; k < PSW_SAFETY_NSTEPS; k++) {
		if (k == PSW_SAFETY_MATTERS)
			fprintf(fp, "\n%s\n", titles[k]);
		else
			fprintf(fp, "\n%zu. %s\n", k + 1, titles[k]);
		if (sp->nitems[k] == 0)
			fputs("   (nothing yet)\n", fp);
		for (i = 0; i < sp->nitems[k]; i++) {
			const struct psw_safety_item *it = &sp->items[k][i];

			fputs("   - ", fp);
			psw_put_text(fp, it->text ? it->text : "");
			if (it->phone != NULL && *it->phone != '\0') {
				fputs("   tel. ", fp);
				psw_put_text(fp, it->phone);
			}
			fputc('\n', fp);
		}
	}
}

/* The card as a Markdown document, to print or to hand over. */
static void
card_md(FILE *fp, const struct psw_client *c, enum psw_safety_review rs,
    psw_date risk_flag)
{
	const struct psw_safety *sp = &c->safety;
	char d1[PSW_DATE_LEN], d2[PSW_DATE_LEN];
	size_t k, i;

	fputs("# Safety plan: ", fp);
	psw_put_md(fp, c->name ? c->name : "");
	fputs(" (", fp);
	psw_put_md(fp, c->id ? c->id : "");
	fputs(")\n\n", fp);
	switch (rs) {
	case PSW_SAFETY_NO_PLAN:
		fputs("**No safety plan**: build one with the client.\n", fp);
		return;
	case PSW_SAFETY_NEVER_REVIEWED:
		fputs("**Never reviewed with the client.**\n", fp);
		break;
	case PSW_SAFETY_REVIEW_DUE:
		fprintf(fp, "**Not reviewed since the risk flag of %s** (last "
		    "reviewed %s): go through it with the client.\n",
		    psw_date_format(risk_flag, d1),
		    psw_date_format(sp->reviewed, d2));
		break;
	case PSW_SAFETY_REVIEWED:
		fprintf(fp, "Reviewed with the client on %s.\n",
		    psw_date_format(sp->reviewed, d1));
		break;
	}
	for (k = 0; k < PSW_SAFETY_NSTEPS; k++) {
		if (k == PSW_SAFETY_MATTERS)
			fprintf(fp, "\n## %s\n\n", titles[k]);
		else
			fprintf(fp, "\n## %zu. %s\n\n", k + 1, titles[k]);
		if (sp->nitems[k] == 0)
			fputs("_Nothing yet._\n", fp);
		for (i = 0; i < sp->nitems[k]; i++) {
			const struct psw_safety_item *it = &sp->items[k][i];

			fputs("- ", fp);
			psw_put_md(fp, it->text ? it->text : "");
			if (it->phone != NULL && *it->phone != '\0') {
				fputs(": **", fp);
				psw_put_md(fp, it->phone);
				fputs("**", fp);
			}
			fputc('\n', fp);
		}
	}
}

/* Every field, for scripts: one object. */
static int
card_json(FILE *fp, const struct psw_client *c, enum psw_safety_review rs,
    psw_date risk_flag)
{
	const struct psw_safety *sp = &c->safety;
	char d[PSW_DATE_LEN];
	struct psw_json j;
	size_t k, i;

	psw_json_init(&j, fp, 1);
	psw_json_obj(&j);
	psw_json_key(&j, "id");
	psw_json_str(&j, c->id);
	psw_json_key(&j, "name");
	psw_json_str(&j, c->name);
	psw_json_key(&j, "plan");
	psw_json_bool(&j, sp->present);
	psw_json_key(&j, "reviewed");
	psw_json_str(&j, sp->reviewed == PSW_DATE_NONE ? NULL :
	    psw_date_format(sp->reviewed, d));
	psw_json_key(&j, "review");
	psw_json_str(&j, review_names[rs]);
	psw_json_key(&j, "risk_flag");
	psw_json_str(&j, risk_flag == PSW_DATE_NONE ? NULL :
	    psw_date_format(risk_flag, d));
	psw_json_key(&j, "steps");
	psw_json_arr(&j);
	for (k = 0; sp->present && k < PSW_SAFETY_NSTEPS; k++) {
		psw_json_obj(&j);
		psw_json_key(&j, "step");
		psw_json_str(&j, psw_safety_keys[k]);
		psw_json_key(&j, "title");
		psw_json_str(&j, titles[k]);
		psw_json_key(&j, "items");
		psw_json_arr(&j);
		for (i = 0; i < sp->nitems[k]; i++) {
			psw_json_obj(&j);
			psw_json_key(&j, "text");
			psw_json_str(&j, sp->items[k][i].text);
			psw_json_key(&j, "phone");
			psw_json_str(&j, sp->items[k][i].phone);
			psw_json_obj_end(&j);
		}
		psw_json_arr_end(&j);
		psw_json_obj_end(&j);
	}
	psw_json_arr_end(&j);
	psw_json_obj_end(&j);
	return psw_json_end(&j);
}

int
psw_safety_card(struct psw_out *o, const struct psw_client *c,
    psw_date risk_flag)
{
	enum psw_safety_review rs = psw_safety_review_state(&c->safety,
	    risk_flag);

	if (o->fmt == PSW_FMT_JSON) {
		if (card_json(o->fp, c, rs, risk_flag) < 0)
			return -1;
	} else if (o->fmt == PSW_FMT_MD) {
		card_md(o->fp, c, rs, risk_flag);
	} else {
		card_text(o->fp, c, rs, risk_flag);
	}
	if (ferror(o->fp)) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}
