/*
 * goal.c - goals, their actions and dated lists in a client document tree.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "edit.h"
#include "goal.h"

struct psw_node *
psw_goal_find(const struct psw_node *root, const char *gid)
{
	return psw_edit_find(psw_map_get(root, "goals"), gid);
}

struct psw_node *
psw_action_find(const struct psw_node *root, const char *aid,
    struct psw_node **goal)
{
	const struct psw_node *goals = psw_map_get(root, "goals");
	struct psw_node *g, *a;

	if (goals == NULL || goals->type != PSW_NODE_SEQ)
		return NULL;
	for (g = goals->head; g != NULL; g = g->next) {
		if ((a = psw_edit_find(psw_map_get(g, "actions"), aid)) ==
		    NULL)
			continue;
		if (goal != NULL)
			*goal = g;
		return a;
	}
	return NULL;
}

char *
psw_action_next_id(const struct psw_node *root, const char *gid, char *buf,
    size_t size)
{
	const struct psw_node *goals = psw_map_get(root, "goals");
	unsigned long max = 0, n;
	struct psw_node *g;
	char prefix[64], id[96];
	size_t plen;
	char *end;

	snprintf(prefix, sizeof prefix, "%s.", gid);
	plen = strlen(prefix);
	/* psw_edit_next_id per goal, keeping the highest of them all. */
	for (g = goals && goals->type == PSW_NODE_SEQ ? goals->head : NULL;
	    g != NULL; g = g->next) {
		psw_edit_next_id(psw_map_get(g, "actions"), prefix, id,
		    sizeof id);
		errno = 0;
		n = strtoul(id + plen, &end, 10);
		if (errno == 0 && *end == '\0' && n > 0 && n - 1 > max &&
		    n < INT_MAX)
			max = n - 1;
	}
	snprintf(buf, size, "%s%lu", prefix, max + 1);
	return buf;
}

struct psw_node *
psw_seq_insert_dated(struct psw_node *seq, struct psw_node *item)
{
	const char *date = psw_map_get_str(item, "date"), *s;
	struct psw_node *at, *next;
	psw_date d, x;

	if (date == NULL || psw_date_parse_iso(date, &d) < 0)
		return psw_seq_append(seq, item);
	for (at = seq->head; at != NULL; at = at->next) {
		s = psw_map_get_str(at, "date");
		if (s != NULL && psw_date_parse_iso(s, &x) == 0 && x > d)
			break;
	}
	if (psw_seq_append(seq, item) == NULL)
		return NULL;
	/* Move the later entries behind the new one, in their order. */
	while (at != NULL && at != item) {
		next = at->next;
		psw_seq_append(seq, at);
		at = next;
	}
	return item;
}
