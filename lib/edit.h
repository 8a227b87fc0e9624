/*
 * edit.h - small, common changes to a client document tree.
 *
 * Every list in a client file is a sequence of maps, most with a short
 * stable id (g1, g1.2, t3, k1, a4, r2).  Ids are never reused: an item a
 * command "removes" from a list that has ids stays in the file, marked
 * `removed: DATE` (a health record keeps who was on the care team and
 * when), so the highest id ever given is always still in the file and
 * psw_edit_next_id() cannot hand it out twice.
 */
#ifndef PSW_EDIT_H
#define PSW_EDIT_H

#include "date.h"
#include "doc.h"

/*
 * The sequence under map[key]; created (block style, appended to the map)
 * when absent or not a sequence.  NULL on OOM.
 */
struct psw_node *psw_edit_seq(struct psw_doc *doc, struct psw_node *map,
    const char *key);

/*
 * The map under map[key]; created when absent or not a map.  NULL on OOM.
 */
struct psw_node *psw_edit_map(struct psw_doc *doc, struct psw_node *map,
    const char *key);

/*
 * The item of seq (a sequence of maps) whose `id:` is id; NULL when none.
 */
struct psw_node *psw_edit_find(const struct psw_node *seq, const char *id);

/*
 * The next id for seq: prefix followed by one more than the highest
 * number any item's id of the form prefix<N> carries ("g" -> "g4",
 * "g1." -> "g1.3"); prefix<1> for an empty or absent (NULL) seq.
 * Writes into buf (size bytes); returns buf.
 */
char *psw_edit_next_id(const struct psw_node *seq, const char *prefix,
    char *buf, size_t size);

/* map[key] = the date as YYYY-MM-DD (plain); NULL on OOM. */
struct psw_node *psw_edit_set_date(struct psw_doc *doc, struct psw_node *map,
    const char *key, psw_date d);

#endif
