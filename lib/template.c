/*
 * template.c - read, check and apply plan templates.
 *
 * A template is checked whole before anything is applied, every problem
 * with file:line:col, so `psw-plan new --template` either writes the
 * complete plan or nothing.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "edit.h"
#include "goal.h"
#include "store.h"
#include "template.h"

/* A reading pass over one template. */
struct trd {
	struct psw_doc *doc;
	const char *name;
	struct psw_diags *d;
	int problems, oom;
};

static void
tproblem(struct trd *r, const struct psw_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
tproblem(struct trd *r, const struct psw_node *n, const char *fmt, ...)
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

/* Where a map entry is: its key when known, else the value. */
static void
tproblem_key(struct trd *r, const struct psw_node *v, const char *what)
{
	struct psw_node at = { 0 };

	at.line = v->key_line ? v->key_line : v->line;
	at.col = v->key_line ? v->key_col : v->col;
	tproblem(r, &at, "%sunknown key '%s'", what, v->key);
}

/* Every key of map must be in `known`. */
static void
known_keys(struct trd *r, const struct psw_node *map,
    const char *const *known, const char *what)
{
	const struct psw_node *v;

	for (v = map->head; v != NULL; v = v->next)
		if (!psw_in_list(known, v->key))
			tproblem_key(r, v, what);
}

/* Text under key; NULL when absent.  Required text must not be blank. */
static const char *
t_str(struct trd *r, const struct psw_node *map, const char *key,
    int required, const char *what)
{
	const struct psw_node *n = psw_map_get(map, key);

	if (n == NULL) {
		if (required)
			tproblem(r, map, "%s'%s' is missing", what, key);
		return NULL;
	}
	if (n->type != PSW_NODE_SCALAR) {
		tproblem(r, n, "%s'%s' must be text", what, key);
		return NULL;
	}
	if (n->len == 0 || strspn(n->str, " \t\r\n") == n->len) {
		tproblem(r, n, "%s'%s' is empty", what, key);
		return NULL;
	}
	return n->str;
}

/* A value from a fixed list; dflt when absent. */
static const char *
t_enum(struct trd *r, const struct psw_node *map, const char *key,
    const char *const *list, const char *dflt, const char *what)
{
	const char *s = t_str(r, map, key, dflt == NULL, what);
	char all[512];

	if (s == NULL)
		return psw_map_get(map, key) == NULL ? dflt : NULL;
	if (!psw_in_list(list, s)) {
		tproblem(r, psw_map_get(map, key), "%s'%s' must be %s, not "
		    "'%.40s'", what, key, psw_list_join(list, all, sizeof all),
		    s);
		return NULL;
	}
	return s;
}

/* An offset "+14d" under key; 1 when present and good, else 0. */
static int
t_offset(struct trd *r, const struct psw_node *map, const char *key,
    struct psw_duration *out, const char *what)
{
	const struct psw_node *n = psw_map_get(map, key);
	struct psw_err sub;

	if (n == NULL)
		return 0;
	if (n->type != PSW_NODE_SCALAR || n->str[0] != '+' ||
	    psw_duration_parse(n->str + 1, out, &sub) < 0) {
		tproblem(r, n, "%s'%s' must be an offset from the day the plan "
		    "opens, such as +14d, +6w, +3m or +1y%s%.40s%s", what, key,
		    n->type == PSW_NODE_SCALAR ? ", not '" : "",
		    n->type == PSW_NODE_SCALAR ? n->str : "",
		    n->type == PSW_NODE_SCALAR ? "'" : "");
		return 0;
	}
	return 1;
}

/* The list under key (NULL when absent or "key:" alone). */
static const struct psw_node *
t_seq(struct trd *r, const struct psw_node *map, const char *key,
    const char *what)
{
	const struct psw_node *n = psw_map_get(map, key);

	if (n == NULL || (n->type == PSW_NODE_SCALAR && n->len == 0 &&
	    n->style == PSW_PLAIN))
		return NULL;
	if (n->type != PSW_NODE_SEQ) {
		tproblem(r, n, "%s'%s' must be a list", what, key);
		return NULL;
	}
	return n;
}

static void *
t_alloc(struct trd *r, size_t n, size_t size)
{
	void *p;

	if (n == 0)
		return NULL;
	if (n > SIZE_MAX / size || (p = psw_doc_alloc(r->doc, n * size)) ==
	    NULL) {
		r->oom = 1;
		return NULL;
	}
	return p;
}

static void
read_actions(struct trd *r, const struct psw_node *gmap,
    struct psw_template_goal *g, size_t gi)
{
	static const char *const keys[] = { "title", "owner", "due", NULL };
	const struct psw_node *seq, *it;
	char what[64];
	size_t j = 0;

	snprintf(what, sizeof what, "goal %zu: ", gi);
	if ((seq = t_seq(r, gmap, "actions", what)) == NULL)
		return;
	if ((g->actions = t_alloc(r, seq->count, sizeof *g->actions)) == NULL)
		return;
	for (it = seq->head; it != NULL; it = it->next) {
		struct psw_template_action *a = &g->actions[j];

		snprintf(what, sizeof what, "goal %zu action %zu: ", gi, j + 1);
		if (it->type != PSW_NODE_MAP) {
			tproblem(r, it, "%san action must be a map of 'key: "
			    "value' entries", what);
			continue;
		}
		known_keys(r, it, keys, what);
		a->title = t_str(r, it, "title", 1, what);
		a->owner = t_str(r, it, "owner", 0, what);
		a->has_due = t_offset(r, it, "due", &a->due, what);
		j++;
	}
	g->nactions = j;
}

int
psw_template_read(struct psw_doc *doc, struct psw_template **out,
    struct psw_diags *d)
{
	static const char *const top[] = {
		"psw-template", "about", "review-every", "goals", NULL
	};
	static const char *const gkeys[] = {
		"domain", "title", "status", "target", "why", "actions", NULL
	};
	struct trd r = { doc, psw_doc_name(doc), d, 0, 0 };
	const struct psw_node *root = psw_doc_root(doc), *n, *seq, *it;
	struct psw_template *t;
	struct psw_err sub;
	char what[64];
	size_t i = 0;

	*out = NULL;
	if ((t = psw_doc_alloc(doc, sizeof *t)) == NULL)
		return -PSW_EIO;
	*out = t;
	if (root == NULL || root->type != PSW_NODE_MAP) {
		tproblem(&r, root, "a template must be a map of 'key: value' "
		    "entries with a list of goals");
		goto out;
	}
	known_keys(&r, root, top, "");
	if ((n = psw_map_get(root, "psw-template")) != NULL &&
	    (n->type != PSW_NODE_SCALAR || strcmp(n->str, "1") != 0))
		tproblem(&r, n, "'psw-template' must be the template format "
		    "version, %d", PSW_TEMPLATE_VERSION);
	t->about = psw_map_get(root, "about") ?
	    t_str(&r, root, "about", 0, "") : NULL;
	if ((n = psw_map_get(root, "review-every")) != NULL) {
		if (n->type != PSW_NODE_SCALAR ||
		    psw_duration_parse(n->str, &t->review_every, &sub) < 0 ||
		    t->review_every.n == 0)
			tproblem(&r, n, "'review-every' must be a duration such "
			    "as 90d, 12w or 3m");
		else
			t->has_review_every = 1;
	}
	n = psw_map_get(root, "goals");
	seq = t_seq(&r, root, "goals", "");
	if (seq == NULL && n != NULL && !(n->type == PSW_NODE_SCALAR &&
	    n->len == 0 && n->style == PSW_PLAIN))
		goto out;		/* reported: not a list */
	if (seq == NULL || seq->count == 0) {
		tproblem(&r, n != NULL ? n : root, "a template needs at least "
		    "one goal under 'goals'");
		goto out;
	}
	if ((t->goals = t_alloc(&r, seq->count, sizeof *t->goals)) == NULL)
		goto out;
	for (it = seq->head; it != NULL; it = it->next) {
		struct psw_template_goal *g = &t->goals[i];

		snprintf(what, sizeof what, "goal %zu: ", i + 1);
		if (it->type != PSW_NODE_MAP) {
			tproblem(&r, it, "%sa goal must be a map of 'key: "
			    "value' entries", what);
			i++;
			continue;
		}
		known_keys(&r, it, gkeys, what);
		g->domain = t_enum(&r, it, "domain", psw_goal_domains, NULL,
		    what);
		g->title = t_str(&r, it, "title", 1, what);
		g->status = t_enum(&r, it, "status", psw_goal_statuses,
		    "active", what);
		g->why = t_str(&r, it, "why", 0, what);
		g->has_target = t_offset(&r, it, "target", &g->target, what);
		read_actions(&r, it, g, i + 1);
		i++;
	}
	t->ngoals = i;
out:
	if (r.oom || d->oom)
		return -PSW_EIO;
	return r.problems > 0 ? -PSW_EDATA : 0;
}

/* map[key] = opened + offset; -PSW_EDATA when it leaves the calendar. */
static int
set_offset(struct psw_doc *doc, struct psw_node *map, const char *key,
    psw_date opened, struct psw_duration off, struct psw_err *e)
{
	psw_date d = psw_date_add(opened, off);

	if (d == PSW_DATE_NONE)
		return psw_error(e, PSW_EDATA, "template: '%s' +%d%c is past "
		    "the end of the calendar", key, off.n, off.unit);
	if (psw_edit_set_date(doc, map, key, d) == NULL)
		return psw_error(e, PSW_EIO, "out of memory");
	return 0;
}

int
psw_template_apply(const struct psw_template *tpl, struct psw_doc *cdoc,
    psw_date opened, size_t *ngoals, size_t *nactions, struct psw_err *e)
{
	struct psw_node *root = psw_doc_root(cdoc), *goals, *g, *acts, *a;
	char gid[32], aid[64], every[32];
	size_t i, j, na = 0;
	int rc;

	if ((goals = psw_edit_seq(cdoc, root, "goals")) == NULL)
		goto oom;
	for (i = 0; i < tpl->ngoals; i++) {
		const struct psw_template_goal *tg = &tpl->goals[i];

		psw_edit_next_id(goals, "g", gid, sizeof gid);
		if ((g = psw_node_map(cdoc, 0)) == NULL ||
		    psw_map_set_str(cdoc, g, "id", gid, PSW_PLAIN) == NULL ||
		    psw_map_set_str(cdoc, g, "domain", tg->domain,
		    PSW_PLAIN) == NULL ||
		    psw_map_set_str(cdoc, g, "title", tg->title,
		    PSW_STRING) == NULL ||
		    psw_map_set_str(cdoc, g, "status", tg->status,
		    PSW_PLAIN) == NULL)
			goto oom;
		if (tg->has_target && (rc = set_offset(cdoc, g, "target",
		    opened, tg->target, e)) < 0)
			return rc;
		if (tg->why != NULL && psw_map_set_str(cdoc, g, "why", tg->why,
		    PSW_STRING) == NULL)
			goto oom;
		psw_seq_append(goals, g);
		if (tg->nactions > 0 &&
		    (acts = psw_edit_seq(cdoc, g, "actions")) == NULL)
			goto oom;
		for (j = 0; j < tg->nactions; j++) {
			const struct psw_template_action *ta = &tg->actions[j];

			psw_action_next_id(root, gid, aid, sizeof aid);
			if ((a = psw_node_map(cdoc, 1)) == NULL ||
			    psw_map_set_str(cdoc, a, "id", aid,
			    PSW_PLAIN) == NULL ||
			    psw_map_set_str(cdoc, a, "title", ta->title,
			    PSW_STRING) == NULL ||
			    (ta->owner != NULL && psw_map_set_str(cdoc, a,
			    "owner", ta->owner, PSW_STRING) == NULL))
				goto oom;
			if (ta->has_due && (rc = set_offset(cdoc, a, "due",
			    opened, ta->due, e)) < 0)
				return rc;
			psw_seq_append(acts, a);
			na++;
		}
	}
	if (tpl->has_review_every) {
		struct psw_node *rv = psw_edit_map(cdoc, root, "review");

		snprintf(every, sizeof every, "%d%c", tpl->review_every.n,
		    tpl->review_every.unit);
		if (rv == NULL || psw_map_set_str(cdoc, rv, "every", every,
		    PSW_PLAIN) == NULL)
			goto oom;
		if ((rc = set_offset(cdoc, rv, "next", opened,
		    tpl->review_every, e)) < 0)
			return rc;
	}
	if (ngoals != NULL)
		*ngoals = tpl->ngoals;
	if (nactions != NULL)
		*nactions = na;
	return 0;
oom:
	return psw_error(e, PSW_EIO, "out of memory");
}

int
psw_template_name_valid(const char *name)
{
	return psw_id_valid(name);
}
