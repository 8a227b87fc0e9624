/*
 * edit.c - small, common changes to a client document tree.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"

struct psw_node *
psw_edit_seq(struct psw_doc *doc, struct psw_node *map, const char *key)
{
	struct psw_node *n = psw_map_get(map, key);

	if (n != NULL && n->type == PSW_NODE_SEQ)
		return n;
	if ((n = psw_node_seq(doc, 0)) == NULL)
		return NULL;
	return psw_map_set(doc, map, key, n);
}

struct psw_node *
psw_edit_map(struct psw_doc *doc, struct psw_node *map, const char *key)
{
	struct psw_node *n = psw_map_get(map, key);

	if (n != NULL && n->type == PSW_NODE_MAP)
		return n;
	if ((n = psw_node_map(doc, 0)) == NULL)
		return NULL;
	return psw_map_set(doc, map, key, n);
}

struct psw_node *
psw_edit_find(const struct psw_node *seq, const char *id)
{
	struct psw_node *it;
	const char *s;

	if (seq == NULL || seq->type != PSW_NODE_SEQ)
		return NULL;
	for (it = seq->head; it != NULL; it = it->next)
		if ((s = psw_map_get_str(it, "id")) != NULL &&
		    strcmp(s, id) == 0)
			return it;
	return NULL;
}

char *
psw_edit_next_id(const struct psw_node *seq, const char *prefix, char *buf,
    size_t size)
{
	size_t plen = strlen(prefix);
	unsigned long max = 0, n;
	struct psw_node *it;
	const char *s;
	char *end;

	if (seq != NULL && seq->type == PSW_NODE_SEQ) {
		for (it = seq->head; it != NULL; it = it->next) {
			s = psw_map_get_str(it, "id");
			if (s == NULL || strncmp(s, prefix, plen) != 0 ||
			    s[plen] < '1' || s[plen] > '9')
				continue;
			errno = 0;
			n = strtoul(s + plen, &end, 10);
			if (errno == 0 && *end == '\0' && n > max &&
			    n < INT_MAX)
				max = n;
		}
	}
	snprintf(buf, size, "%s%lu", prefix, max + 1);
	return buf;
}

struct psw_node *
psw_edit_set_date(struct psw_doc *doc, struct psw_node *map, const char *key,
    psw_date d)
{
	char s[PSW_DATE_LEN];

	return psw_map_set_str(doc, map, key, psw_date_format(d, s),
	    PSW_PLAIN);
}
