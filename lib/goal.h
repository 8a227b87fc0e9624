/*
 * goal.h - goals, their actions and dated lists in a client document tree.
 *
 * Goals are the client's `goals:` list (ids g1, g2 ...); each goal's
 * actions are its `actions:` list, with ids unique across the whole file
 * (g1.1, g1.2 ... under g1).  Progress ratings and reviews are lists kept
 * oldest first.  See psw-plan(5).
 */
#ifndef PSW_GOAL_H
#define PSW_GOAL_H

#include <stddef.h>

#include "doc.h"

/* The goal map whose id is gid in the document root; NULL when none. */
struct psw_node *psw_goal_find(const struct psw_node *root, const char *gid);

/*
 * The action map whose id is aid, in any goal of the document root; NULL
 * when none.  *goal (when goal is not NULL) is set to its goal's map.
 */
struct psw_node *psw_action_find(const struct psw_node *root,
    const char *aid, struct psw_node **goal);

/*
 * The next action id for goal gid: "gid." and one more than the highest
 * number any action of the file carries under that prefix, so an id
 * written by hand under another goal is not given twice either.
 * Writes into buf (size bytes); returns buf.
 */
char *psw_action_next_id(const struct psw_node *root, const char *gid,
    char *buf, size_t size);

/*
 * Put item (a map with a `date:` YYYY-MM-DD) into seq so that the list
 * stays oldest first: after every entry of the same date or earlier.
 * Entries without a readable date are passed over.  Returns item.
 */
struct psw_node *psw_seq_insert_dated(struct psw_node *seq,
    struct psw_node *item);

#endif
