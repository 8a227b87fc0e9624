/*
 * client.c - read and validate a client plan file's document tree.
 *
 * Every problem is collected (not only the first) with file:line:col.
 * Keys psw does not know are left alone: they belong to newer versions,
 * other tools or the person editing the file.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "store.h"

const char *const psw_client_statuses[] = {
	"referred", "active", "on-hold", "closed", NULL
};
const char *const psw_goal_statuses[] = {
	"proposed", "active", "on-hold", "achieved", "cancelled", NULL
};
const char *const psw_goal_domains[] = {
	"housing", "mental-health", "physical-health", "daily-living",
	"social", "relationships", "work-education", "money", "safety",
	"substance-use", "legal", "other", NULL
};
const char *const psw_contact_kinds[] = {
	"face-to-face", "phone", "video", "home-visit", "group", "text",
	"other", NULL
};
const char *const psw_need_levels[] = { "none", "met", "unmet", NULL };
const char *const psw_referral_statuses[] = {
	"draft", "requested", "received", "accepted", "rejected",
	"in-progress", "on-hold", "completed", "cancelled", "failed", NULL
};
const char *const psw_team_roles[] = {
	"psychiatrist", "psychologist", "gp", "nurse", "social-worker",
	"peer-worker", "carer", "other", NULL
};
const char *const psw_safety_keys[PSW_SAFETY_NSTEPS] = {
	"warning-signs", "coping", "distractions", "people", "professionals",
	"means-safety", "matters-most"
};

int
psw_in_list(const char *const *list, const char *s)
{
	if (s == NULL)
		return 0;
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

char *
psw_list_join(const char *const *list, char *buf, size_t size)
{
	size_t n = 0, i, len = 0;

	while (list[n] != NULL)
		n++;
	buf[0] = '\0';
	for (i = 0; i < n && len < size; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
		int w = snprintf(buf + len, size - len, "%s%s", sep, list[i]);

		if (w < 0)
			break;
		len += (size_t)w;
	}
	return buf;
}

/* A reading pass over one document. */
struct rd {
	struct psw_doc *doc;
	const char *name;
	struct psw_diags *d;
	int problems;
	int oom;
};

/* Record a problem at node n (or at the file when n is NULL). */
static void
problem(struct rd *r, const struct psw_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
problem(struct rd *r, const struct psw_node *n, const char *fmt, ...)
{
	char msg[PSW_ERR_MSG];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	r->problems++;
	if (psw_diags_add(r->d, r->name, n != NULL ? n->line : 0,
	    n != NULL ? n->col : 0, "%s", msg) < 0)
		r->oom = 1;
}

/* Shorten s for a message into buf. */
static const char *
shown(const char *s, char *buf, size_t size)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 4 < size && i < 40; i++)
		buf[i] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
	buf[i] = '\0';
	if (s[i] != '\0')
		snprintf(buf + i, size - i, "...");
	return buf;
}

/* Arena allocation of n zeroed elements; marks OOM. */
static void *
r_alloc(struct rd *r, size_t n, size_t size)
{
	void *p;

	if (n == 0)
		return NULL;
	if (n > SIZE_MAX / size) {
		r->oom = 1;
		return NULL;
	}
	if ((p = psw_doc_alloc(r->doc, n * size)) == NULL)
		r->oom = 1;
	return p;
}

/*
 * The text under key in map (a scalar), NULL when absent.  `what` prefixes
 * messages ("goal g1: ").  A required key that is missing, or a value that
 * is not text, is a problem.
 */
static const char *
r_str(struct rd *r, const struct psw_node *map, const char *key,
    int required, const char *what)
{
	const struct psw_node *n = psw_map_get(map, key);

	if (n == NULL) {
		if (required)
			problem(r, map, "%s'%s' is missing", what, key);
		return NULL;
	}
	if (n->type != PSW_NODE_SCALAR) {
		problem(r, n, "%s'%s' must be text, not a %s", what, key,
		    n->type == PSW_NODE_MAP ? "map" : "list");
		return NULL;
	}
	if (required && n->len == 0) {
		problem(r, n, "%s'%s' is empty", what, key);
		return NULL;
	}
	return n->str;
}

/* A date under key; PSW_DATE_NONE when absent (a problem if required). */
static psw_date
r_date(struct rd *r, const struct psw_node *map, const char *key,
    int required, const char *what)
{
	const struct psw_node *n = psw_map_get(map, key);
	char buf[64];
	psw_date d;

	if (n == NULL || (n->type == PSW_NODE_SCALAR && n->len == 0 &&
	    !required)) {
		if (required)
			problem(r, map, "%s'%s' is missing", what, key);
		return PSW_DATE_NONE;
	}
	if (n->type != PSW_NODE_SCALAR) {
		problem(r, n, "%s'%s' must be a date (YYYY-MM-DD)", what, key);
		return PSW_DATE_NONE;
	}
	if (psw_date_parse_iso(n->str, &d) < 0) {
		problem(r, n, "%s'%s' is not a date (YYYY-MM-DD): '%s'", what,
		    key, shown(n->str, buf, sizeof buf));
		return PSW_DATE_NONE;
	}
	return d;
}

/* Parse a whole number in [lo, hi]; -1 when it is not one. */
static int
parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (*s == '\0' || *s == ' ' || *s == '+')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* A whole number under key in [lo, hi]; `dflt` when absent. */
static long
r_int(struct rd *r, const struct psw_node *map, const char *key, long lo,
    long hi, long dflt, int required, const char *what)
{
	const struct psw_node *n = psw_map_get(map, key);
	char buf[64];
	long v;

	if (n == NULL) {
		if (required)
			problem(r, map, "%s'%s' is missing", what, key);
		return dflt;
	}
	if (n->type != PSW_NODE_SCALAR ||
	    parse_int(n->str, lo, hi, &v) < 0) {
		problem(r, n, "%s'%s' must be a whole number from %ld to %ld%s%s%s",
		    what, key, lo, hi,
		    n->type == PSW_NODE_SCALAR ? ": '" : "",
		    n->type == PSW_NODE_SCALAR ? shown(n->str, buf, sizeof buf) :
		    "", n->type == PSW_NODE_SCALAR ? "'" : "");
		return dflt;
	}
	return v;
}

/* A value under key from a fixed list. */
static const char *
r_enum(struct rd *r, const struct psw_node *map, const char *key,
    const char *const *list, int required, const char *what)
{
	const struct psw_node *n = psw_map_get(map, key);
	char all[512], buf[64];
	const char *s;

	if ((s = r_str(r, map, key, required, what)) == NULL)
		return NULL;
	if (!psw_in_list(list, s)) {
		problem(r, n, "%s'%s' must be %s, not '%s'", what, key,
		    psw_list_join(list, all, sizeof all),
		    shown(s, buf, sizeof buf));
		return NULL;
	}
	return s;
}

/*
 * The list under key: NULL and *count 0 when absent; a problem when it is
 * not a list.  Items that are not maps are problems when want_map.
 */
static const struct psw_node *
r_seq(struct rd *r, const struct psw_node *map, const char *key,
    size_t *count)
{
	const struct psw_node *n = psw_map_get(map, key);

	*count = 0;
	if (n == NULL)
		return NULL;
	if (n->type == PSW_NODE_SCALAR && n->len == 0 && n->style == PSW_PLAIN)
		return NULL;		/* "key:" with nothing: an empty list */
	if (n->type != PSW_NODE_SEQ) {
		problem(r, n, "'%s' must be a list", key);
		return NULL;
	}
	*count = n->count;
	return n;
}

/* Check an item is a map; a problem otherwise. */
static int
is_map(struct rd *r, const struct psw_node *n, const char *what)
{
	if (n->type == PSW_NODE_MAP)
		return 1;
	problem(r, n, "%s must be a map of 'key: value' entries", what);
	return 0;
}

/* Ids of one section, to find duplicates (arena-backed, grows). */
struct idset {
	const char **ids;
	const struct psw_node **nodes;
	size_t n, cap;
};

/* Remember id (at node n); marks OOM on failure. */
static void
idset_add(struct rd *r, struct idset *s, const char *id,
    const struct psw_node *n)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		const char **ids = r_alloc(r, cap, sizeof *ids);
		const struct psw_node **nodes = r_alloc(r, cap, sizeof *nodes);

		if (ids == NULL || nodes == NULL)
			return;
		if (s->n > 0) {
			memcpy(ids, s->ids, s->n * sizeof *ids);
			memcpy(nodes, s->nodes, s->n * sizeof *nodes);
		}
		s->ids = ids;
		s->nodes = nodes;
		s->cap = cap;
	}
	s->ids[s->n] = id;
	s->nodes[s->n] = n;
	s->n++;
}

/* An item id: a problem when missing, malformed or used twice. */
static const char *
r_id(struct rd *r, const struct psw_node *item, struct idset *seen,
    const char *what)
{
	const struct psw_node *n = psw_map_get(item, "id");
	const char *id;
	size_t i;

	if ((id = r_str(r, item, "id", 1, what)) == NULL)
		return NULL;
	for (i = 0; id[i] != '\0'; i++) {
		char c = id[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (i > 0 && (c == '-' || c == '.'))) || i >= 32) {
			problem(r, n, "%sid '%s' must be up to 32 of a-z, 0-9, "
			    "'.' and '-', starting with a letter or digit",
			    what, id);
			return NULL;
		}
	}
	for (i = 0; i < seen->n; i++) {
		if (strcmp(seen->ids[i], id) == 0) {
			problem(r, n, "%sid '%s' is used twice (first at line "
			    "%d)", what, id, seen->nodes[i]->line);
			return id;
		}
	}
	idset_add(r, seen, id, n);
	return id;
}

/* Does the set hold id? */
static int
idset_has(const struct idset *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->ids[i], id) == 0)
			return 1;
	return 0;
}

static void
read_history(struct rd *r, const struct psw_node *root, struct psw_client *c)
{
	const struct psw_node *seq, *it;
	size_t n, i = 0;

	seq = r_seq(r, root, "history", &n);
	c->history = r_alloc(r, n, sizeof *c->history);
	for (it = seq ? seq->head : NULL; it != NULL && c->history; it = it->next) {
		struct psw_status_change *h = &c->history[i];

		if (!is_map(r, it, "a history entry"))
			continue;
		h->date = r_date(r, it, "date", 1, "history: ");
		h->status = r_enum(r, it, "status", psw_client_statuses, 1,
		    "history: ");
		h->by = r_str(r, it, "by", 0, "history: ");
		h->reason = r_str(r, it, "reason", 0, "history: ");
		i++;
	}
	c->nhistory = i;
}

static void
read_consent(struct rd *r, const struct psw_node *root, struct psw_client *c,
    struct idset *ids)
{
	const struct psw_node *seq, *it;
	char what[64];
	size_t n, i = 0;

	seq = r_seq(r, root, "consent", &n);
	c->consent = r_alloc(r, n, sizeof *c->consent);
	for (it = seq ? seq->head : NULL; it != NULL && c->consent; it = it->next) {
		struct psw_consent *k = &c->consent[i];

		if (!is_map(r, it, "a consent entry"))
			continue;
		k->id = r_id(r, it, ids, "consent: ");
		snprintf(what, sizeof what, "consent %s: ", k->id ? k->id : "?");
		k->scope = r_str(r, it, "scope", 1, what);
		k->given = r_date(r, it, "given", 1, what);
		k->expires = r_date(r, it, "expires", 0, what);
		k->revoked = r_date(r, it, "revoked", 0, what);
		k->note = r_str(r, it, "note", 0, what);
		if (k->given != PSW_DATE_NONE && k->expires != PSW_DATE_NONE &&
		    k->expires < k->given)
			problem(r, psw_map_get(it, "expires"),
			    "%sexpires before it was given", what);
		i++;
	}
	c->nconsent = i;
}

static void
read_team(struct rd *r, const struct psw_node *root, struct psw_client *c)
{
	const struct psw_node *seq, *it;
	struct idset ids = { 0 };
	char what[64];
	size_t n, i = 0;

	seq = r_seq(r, root, "team", &n);
	c->team = r_alloc(r, n, sizeof *c->team);
	for (it = seq ? seq->head : NULL; it != NULL && c->team; it = it->next) {
		struct psw_member *m = &c->team[i];

		if (!is_map(r, it, "a team member"))
			continue;
		m->id = r_id(r, it, &ids, "team: ");
		snprintf(what, sizeof what, "team %s: ", m->id ? m->id : "?");
		m->name = r_str(r, it, "name", 1, what);
		m->role = r_str(r, it, "role", 1, what);
		m->org = r_str(r, it, "org", 0, what);
		m->phone = r_str(r, it, "phone", 0, what);
		m->email = r_str(r, it, "email", 0, what);
		i++;
	}
	c->nteam = i;
}

static void
read_strengths_needs(struct rd *r, const struct psw_node *root,
    struct psw_client *c)
{
	const struct psw_node *seq, *it;
	size_t n, i = 0, j;

	seq = r_seq(r, root, "strengths", &n);
	c->strengths = r_alloc(r, n, sizeof *c->strengths);
	for (it = seq ? seq->head : NULL; it != NULL && c->strengths; it = it->next) {
		if (it->type != PSW_NODE_SCALAR) {
			problem(r, it, "a strength must be text");
			continue;
		}
		c->strengths[i++] = it->str;
	}
	c->nstrengths = i;

	i = 0;
	seq = r_seq(r, root, "needs", &n);
	c->needs = r_alloc(r, n, sizeof *c->needs);
	for (it = seq ? seq->head : NULL; it != NULL && c->needs; it = it->next) {
		struct psw_need *nd = &c->needs[i];

		if (!is_map(r, it, "a need"))
			continue;
		nd->domain = r_enum(r, it, "domain", psw_goal_domains, 1,
		    "needs: ");
		nd->need = r_enum(r, it, "need", psw_need_levels, 1, "needs: ");
		nd->note = r_str(r, it, "note", 0, "needs: ");
		for (j = 0; nd->domain != NULL && j < i; j++)
			if (c->needs[j].domain != NULL &&
			    strcmp(c->needs[j].domain, nd->domain) == 0)
				problem(r, psw_map_get(it, "domain"),
				    "needs: domain '%s' is listed twice",
				    nd->domain);
		i++;
	}
	c->nneeds = i;
}

static void
read_assessments(struct rd *r, const struct psw_node *root,
    struct psw_client *c)
{
	const struct psw_node *seq, *it, *ans, *a;
	struct idset ids = { 0 };
	char what[64];
	size_t n, i = 0, k;
	long v;

	seq = r_seq(r, root, "assessments", &n);
	c->assessments = r_alloc(r, n, sizeof *c->assessments);
	for (it = seq ? seq->head : NULL; it != NULL && c->assessments;
	    it = it->next) {
		struct psw_assessment *as = &c->assessments[i];

		if (!is_map(r, it, "an assessment"))
			continue;
		as->node = it;
		as->id = r_id(r, it, &ids, "assessment: ");
		snprintf(what, sizeof what, "assessment %s: ",
		    as->id ? as->id : "?");
		as->instrument = r_str(r, it, "instrument", 1, what);
		as->date = r_date(r, it, "date", 1, what);
		ans = psw_map_get(it, "answers");
		if (ans == NULL) {
			problem(r, it, "%s'answers' is missing", what);
		} else if (ans->type != PSW_NODE_SEQ) {
			problem(r, ans, "%s'answers' must be a list of numbers",
			    what);
		} else {
			as->answers = r_alloc(r, ans->count ? ans->count : 1,
			    sizeof *as->answers);
			k = 0;
			for (a = ans->head; a != NULL && as->answers; a = a->next) {
				if (a->type == PSW_NODE_SCALAR &&
				    a->style == PSW_PLAIN &&
				    (strcmp(a->str, "~") == 0 ||
				    strcmp(a->str, "null") == 0 ||
				    a->len == 0))
					v = PSW_ANSWER_MISSING;
				else if (a->type != PSW_NODE_SCALAR ||
				    parse_int(a->str, 0, 1000, &v) < 0) {
					problem(r, a, "%sanswer %zu must be a "
					    "number or ~ (missing)", what, k + 1);
					v = PSW_ANSWER_MISSING;
				}
				as->answers[k++] = (int)v;
			}
			as->nanswers = k;
		}
		as->voided = r_date(r, it, "voided", 0, what);
		as->void_reason = r_str(r, it, "void-reason", 0, what);
		as->note = r_str(r, it, "note", 0, what);
		if (as->voided != PSW_DATE_NONE && as->date != PSW_DATE_NONE &&
		    as->voided < as->date)
			problem(r, psw_map_get(it, "voided"), "%svoided before "
			    "it was given", what);
		i++;
	}
	c->nassessments = i;
}

static void
read_goals(struct rd *r, const struct psw_node *root, struct psw_client *c)
{
	const struct psw_node *seq, *it, *aseq, *a;
	struct idset ids = { 0 }, aids = { 0 };
	char what[96];
	size_t n, i = 0, an, j;

	seq = r_seq(r, root, "goals", &n);
	c->goals = r_alloc(r, n, sizeof *c->goals);
	for (it = seq ? seq->head : NULL; it != NULL && c->goals; it = it->next) {
		struct psw_goal *g = &c->goals[i];

		if (!is_map(r, it, "a goal"))
			continue;
		g->id = r_id(r, it, &ids, "goal: ");
		snprintf(what, sizeof what, "goal %s: ", g->id ? g->id : "?");
		g->domain = r_enum(r, it, "domain", psw_goal_domains, 1, what);
		g->title = r_str(r, it, "title", 1, what);
		g->status = r_enum(r, it, "status", psw_goal_statuses, 1, what);
		g->target = r_date(r, it, "target", 0, what);
		g->why = r_str(r, it, "why", 0, what);

		aseq = r_seq(r, it, "actions", &an);
		g->actions = r_alloc(r, an, sizeof *g->actions);
		j = 0;
		for (a = aseq ? aseq->head : NULL; a != NULL && g->actions;
		    a = a->next) {
			struct psw_action *ac = &g->actions[j];
			char awhat[96];

			if (!is_map(r, a, "an action"))
				continue;
			ac->id = r_id(r, a, &aids, what);
			snprintf(awhat, sizeof awhat, "action %s: ",
			    ac->id ? ac->id : "?");
			ac->title = r_str(r, a, "title", 1, awhat);
			ac->owner = r_str(r, a, "owner", 0, awhat);
			ac->due = r_date(r, a, "due", 0, awhat);
			ac->done = r_date(r, a, "done", 0, awhat);
			j++;
		}
		g->nactions = j;

		aseq = r_seq(r, it, "progress", &an);
		g->progress = r_alloc(r, an, sizeof *g->progress);
		j = 0;
		for (a = aseq ? aseq->head : NULL; a != NULL && g->progress;
		    a = a->next) {
			struct psw_progress *p = &g->progress[j];

			if (!is_map(r, a, "a progress entry"))
				continue;
			p->date = r_date(r, a, "date", 1, what);
			p->rating = (int)r_int(r, a, "rating", 0, 10, -1, 1,
			    what);
			p->note = r_str(r, a, "note", 0, what);
			j++;
		}
		g->nprogress = j;
		i++;
	}
	c->ngoals = i;
}

static void
read_review(struct rd *r, const struct psw_node *root, struct psw_client *c)
{
	const struct psw_node *rv = psw_map_get(root, "review");
	const struct psw_node *seq, *it, *ev;
	struct psw_err sub;
	size_t n, i = 0;

	c->review.last = c->review.next = PSW_DATE_NONE;
	if (rv == NULL)
		return;
	if (!is_map(r, rv, "'review'"))
		return;
	if ((ev = psw_map_get(rv, "every")) != NULL) {
		if (ev->type != PSW_NODE_SCALAR ||
		    psw_duration_parse(ev->str, &c->review.every, &sub) < 0)
			problem(r, ev, "review: 'every' must be a duration such "
			    "as 90d, 12w or 3m");
		else
			c->review.has_every = 1;
	}
	c->review.last = r_date(r, rv, "last", 0, "review: ");
	c->review.next = r_date(r, rv, "next", 0, "review: ");
	seq = r_seq(r, rv, "history", &n);
	c->review.history = r_alloc(r, n, sizeof *c->review.history);
	for (it = seq ? seq->head : NULL; it != NULL && c->review.history;
	    it = it->next) {
		struct psw_review *h = &c->review.history[i];

		if (!is_map(r, it, "a review"))
			continue;
		h->date = r_date(r, it, "date", 1, "review: ");
		h->next = r_date(r, it, "next", 0, "review: ");
		h->by = r_str(r, it, "by", 0, "review: ");
		h->note = r_str(r, it, "note", 0, "review: ");
		i++;
	}
	c->review.nhistory = i;
}

static void
read_safety(struct rd *r, const struct psw_node *root, struct psw_client *c)
{
	const struct psw_node *sp = psw_map_get(root, "safety-plan");
	const struct psw_node *seq, *it;
	char what[64];
	size_t n, i, k;

	c->safety.reviewed = PSW_DATE_NONE;
	if (sp == NULL)
		return;
	if (!is_map(r, sp, "'safety-plan'"))
		return;
	c->safety.present = 1;
	for (k = 0; k < PSW_SAFETY_NSTEPS; k++) {
		snprintf(what, sizeof what, "safety-plan: %s: ",
		    psw_safety_keys[k]);
		seq = r_seq(r, sp, psw_safety_keys[k], &n);
		c->safety.items[k] = r_alloc(r, n, sizeof *c->safety.items[k]);
		i = 0;
		for (it = seq ? seq->head : NULL; it != NULL &&
		    c->safety.items[k]; it = it->next) {
			struct psw_safety_item *si = &c->safety.items[k][i];

			if (it->type == PSW_NODE_SCALAR) {
				si->text = it->str;
			} else if (it->type == PSW_NODE_MAP) {
				si->text = r_str(r, it, "text", 1, what);
				si->phone = r_str(r, it, "phone", 0, what);
			} else {
				problem(r, it, "%san item must be text or a "
				    "map with 'text' and 'phone'", what);
				continue;
			}
			i++;
		}
		c->safety.nitems[k] = i;
	}
	c->safety.reviewed = r_date(r, sp, "reviewed", 0, "safety-plan: ");
}

static void
read_referrals(struct rd *r, const struct psw_node *root,
    struct psw_client *c, const struct idset *goals,
    const struct idset *consents)
{
	static const char *const urgencies[] = {
		"routine", "soon", "urgent", NULL
	};
	const struct psw_node *seq, *it, *hseq, *h;
	struct idset ids = { 0 };
	char what[64];
	size_t n, i = 0, hn, j;

	seq = r_seq(r, root, "referrals", &n);
	c->referrals = r_alloc(r, n, sizeof *c->referrals);
	for (it = seq ? seq->head : NULL; it != NULL && c->referrals;
	    it = it->next) {
		struct psw_referral *rf = &c->referrals[i];

		if (!is_map(r, it, "a referral"))
			continue;
		rf->id = r_id(r, it, &ids, "referral: ");
		snprintf(what, sizeof what, "referral %s: ",
		    rf->id ? rf->id : "?");
		rf->service = r_str(r, it, "service", 1, what);
		rf->goal = r_str(r, it, "goal", 0, what);
		rf->reason = r_str(r, it, "reason", 0, what);
		rf->consent = r_str(r, it, "consent", 0, what);
		rf->urgency = r_enum(r, it, "urgency", urgencies, 0, what);
		rf->follow_up = r_date(r, it, "follow-up", 0, what);
		if (rf->goal != NULL && !idset_has(goals, rf->goal))
			problem(r, psw_map_get(it, "goal"), "%sgoal '%s' does "
			    "not exist", what, rf->goal);
		if (rf->consent != NULL && !idset_has(consents, rf->consent))
			problem(r, psw_map_get(it, "consent"), "%sconsent '%s' "
			    "does not exist", what, rf->consent);
		hseq = r_seq(r, it, "history", &hn);
		if (hn == 0)
			problem(r, it, "%s'history' must list at least the "
			    "first status", what);
		rf->history = r_alloc(r, hn, sizeof *rf->history);
		j = 0;
		for (h = hseq ? hseq->head : NULL; h != NULL && rf->history;
		    h = h->next) {
			struct psw_ref_event *ev = &rf->history[j];

			if (!is_map(r, h, "a referral history entry"))
				continue;
			ev->date = r_date(r, h, "date", 1, what);
			ev->status = r_enum(r, h, "status",
			    psw_referral_statuses, 1, what);
			ev->by = r_str(r, h, "by", 0, what);
			ev->reason = r_str(r, h, "reason", 0, what);
			if (j > 0 && ev->date != PSW_DATE_NONE &&
			    rf->history[j - 1].date != PSW_DATE_NONE &&
			    ev->date < rf->history[j - 1].date)
				problem(r, psw_map_get(h, "date"), "%shistory "
				    "dates must not go backwards", what);
			j++;
		}
		rf->nhistory = j;
		if (j > 0) {
			rf->created = rf->history[0].date;
			rf->status = rf->history[j - 1].status;
		} else
			rf->created = PSW_DATE_NONE;
		i++;
	}
	c->nreferrals = i;
}

static void
read_contacts(struct rd *r, const struct psw_node *root, struct psw_client *c)
{
	const struct psw_node *seq, *it;
	struct idset ids = { 0 };
	size_t n, i = 0;

	c->last_contact = PSW_DATE_NONE;
	seq = r_seq(r, root, "contacts", &n);
	c->contacts = r_alloc(r, n, sizeof *c->contacts);
	for (it = seq ? seq->head : NULL; it != NULL && c->contacts;
	    it = it->next) {
		struct psw_contact *ct = &c->contacts[i];

		if (!is_map(r, it, "a contact"))
			continue;
		if (psw_map_get(it, "id") != NULL)
			ct->id = r_id(r, it, &ids, "contact: ");
		ct->date = r_date(r, it, "date", 1, "contact: ");
		ct->kind = r_enum(r, it, "kind", psw_contact_kinds, 0,
		    "contact: ");
		ct->minutes = (int)r_int(r, it, "minutes", 0, 1440, -1, 0,
		    "contact: ");
		ct->note = r_str(r, it, "note", 0, "contact: ");
		if (ct->date != PSW_DATE_NONE && (c->last_contact ==
		    PSW_DATE_NONE || ct->date > c->last_contact))
			c->last_contact = ct->date;
		i++;
	}
	c->ncontacts = i;
}

int
psw_client_read(struct psw_doc *doc, const char *expect_id,
    struct psw_client **out, struct psw_diags *d)
{
	struct rd r = { doc, psw_doc_name(doc), d, 0, 0 };
	struct idset goal_ids = { 0 }, consent_ids = { 0 };
	const struct psw_node *root = psw_doc_root(doc), *n;
	struct psw_client *c;
	size_t i;
	long v;

	*out = NULL;
	if ((c = psw_doc_alloc(doc, sizeof *c)) == NULL)
		return -PSW_EIO;
	*out = c;
	c->dob = c->opened = c->closed = PSW_DATE_NONE;
	c->review.last = c->review.next = PSW_DATE_NONE;
	c->safety.reviewed = PSW_DATE_NONE;
	c->last_contact = PSW_DATE_NONE;
	if (root == NULL) {
		problem(&r, NULL, "the file is empty");
		goto out;
	}
	if (root->type != PSW_NODE_MAP) {
		problem(&r, root, "a client file must be a map of 'key: value' "
		    "entries");
		goto out;
	}
	/* The format version first: a newer one is not ours to judge. */
	n = psw_map_get(root, "psw");
	if (n == NULL) {
		problem(&r, root, "'psw' (the format version, 1) is missing");
		goto out;
	}
	if (n->type != PSW_NODE_SCALAR || parse_int(n->str, 1, 1000000, &v) < 0) {
		problem(&r, n, "'psw' must be the format version (1)");
		goto out;
	}
	c->version = (int)v;
	if (v > PSW_FORMAT_VERSION) {
		problem(&r, n, "format version %ld is newer than this psw "
		    "understands (%d); upgrade psw", v, PSW_FORMAT_VERSION);
		goto out;
	}

	c->id = r_str(&r, root, "id", 1, "");
	if (c->id != NULL && !psw_id_valid(c->id))
		problem(&r, psw_map_get(root, "id"), "'id' must be a-z, 0-9 and "
		    "-, at most 64, starting with a letter or digit");
	else if (c->id != NULL && expect_id != NULL &&
	    strcmp(c->id, expect_id) != 0)
		problem(&r, psw_map_get(root, "id"), "'id' is '%s' but the "
		    "file is named for '%s'", c->id, expect_id);
	c->name = r_str(&r, root, "name", 1, "");
	c->preferred_name = r_str(&r, root, "preferred-name", 0, "");
	c->pronouns = r_str(&r, root, "pronouns", 0, "");
	c->status = r_enum(&r, root, "status", psw_client_statuses, 1, "");
	c->worker = r_str(&r, root, "worker", 0, "");
	c->phone = r_str(&r, root, "phone", 0, "");
	c->email = r_str(&r, root, "email", 0, "");
	c->address = r_str(&r, root, "address", 0, "");
	c->notes = r_str(&r, root, "notes", 0, "");
	c->dob = r_date(&r, root, "dob", 0, "");
	c->opened = r_date(&r, root, "opened", 1, "");
	c->closed = r_date(&r, root, "closed", 0, "");

	read_history(&r, root, c);
	read_consent(&r, root, c, &consent_ids);
	read_team(&r, root, c);
	read_strengths_needs(&r, root, c);
	read_assessments(&r, root, c);
	read_goals(&r, root, c);
	for (i = 0; i < c->ngoals; i++)
		if (c->goals[i].id != NULL)
			idset_add(&r, &goal_ids, c->goals[i].id, NULL);
	read_review(&r, root, c);
	read_safety(&r, root, c);
	read_referrals(&r, root, c, &goal_ids, &consent_ids);
	read_contacts(&r, root, c);
out:
	if (r.oom || d->oom)
		return -PSW_EIO;
	return r.problems > 0 ? -PSW_EDATA : 0;
}

struct psw_doc *
psw_client_new_doc(const char *name_for_messages, const char *id,
    const char *name, psw_date dob, const char *status, psw_date opened,
    const char *worker)
{
	struct psw_doc *doc;
	struct psw_node *root;
	char date[PSW_DATE_LEN];

	if ((doc = psw_doc_new(name_for_messages)) == NULL)
		return NULL;
	root = psw_doc_root(doc);
	if (psw_map_set_str(doc, root, "psw", "1", PSW_PLAIN) == NULL ||
	    psw_map_set_str(doc, root, "id", id, PSW_PLAIN) == NULL ||
	    psw_map_set_str(doc, root, "name", name, PSW_STRING) == NULL)
		goto oom;
	if (dob != PSW_DATE_NONE && psw_map_set_str(doc, root, "dob",
	    psw_date_format(dob, date), PSW_PLAIN) == NULL)
		goto oom;
	if (psw_map_set_str(doc, root, "status", status, PSW_PLAIN) == NULL ||
	    psw_map_set_str(doc, root, "opened", psw_date_format(opened, date),
	    PSW_PLAIN) == NULL ||
	    (worker != NULL && psw_map_set_str(doc, root, "worker", worker,
	    PSW_STRING) == NULL))
		goto oom;
	return doc;
oom:
	psw_doc_free(doc);
	return NULL;
}
