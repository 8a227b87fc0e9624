/*
 * test_edit.c - common document edits: lists made on demand, items found
 * by id, next ids never reusing a number still in the file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "buf.h"
#include "date.h"
#include "doc.h"
#include "edit.h"

static struct psw_doc *
load(const char *yaml)
{
	struct psw_doc *doc = NULL;
	struct psw_err e;

	assert_int_equal(psw_doc_load_mem(yaml, strlen(yaml), "t.yaml", &doc,
	    &e), 0);
	return doc;
}

static void
emit_is(struct psw_doc *doc, const char *want)
{
	struct psw_buf b = PSW_BUF_INIT;
	struct psw_err e;

	assert_int_equal(psw_doc_emit(doc, &b, &e), 0);
	assert_string_equal(b.s, want);
	psw_buf_release(&b);
}

static void
test_seq_created_and_reused(void **state)
{
	struct psw_doc *doc = load("id: x\nteam: not a list\n");
	struct psw_node *root = psw_doc_root(doc), *s1, *s2, *m;
	psw_date d;

	(void)state;
	assert_int_equal(psw_date_from_ymd(2026, 12, 1, &d), 0);
	s1 = psw_edit_seq(doc, root, "goals");
	assert_non_null(s1);
	assert_int_equal(s1->type, PSW_NODE_SEQ);
	s2 = psw_edit_seq(doc, root, "goals");
	assert_ptr_equal(s1, s2);
	/* a value of the wrong type is replaced where it stands */
	s2 = psw_edit_seq(doc, root, "team");
	assert_int_equal(s2->type, PSW_NODE_SEQ);
	m = psw_edit_map(doc, root, "review");
	assert_int_equal(m->type, PSW_NODE_MAP);
	assert_ptr_equal(psw_edit_map(doc, root, "review"), m);
	assert_non_null(psw_edit_set_date(doc, m, "next", d));
	emit_is(doc, "id: x\nteam: []\ngoals: []\nreview:\n  next: "
	    "2026-12-01\n");
	psw_doc_free(doc);
}

static void
test_find(void **state)
{
	struct psw_doc *doc = load("goals:\n- {id: g1, t: a}\n- x\n"
	    "- {id: g10, t: b}\n");
	struct psw_node *seq = psw_map_get(psw_doc_root(doc), "goals");

	(void)state;
	assert_string_equal(psw_map_get_str(psw_edit_find(seq, "g10"), "t"),
	    "b");
	assert_string_equal(psw_map_get_str(psw_edit_find(seq, "g1"), "t"),
	    "a");
	assert_null(psw_edit_find(seq, "g2"));
	assert_null(psw_edit_find(NULL, "g1"));
	assert_null(psw_edit_find(psw_doc_root(doc), "g1"));
	psw_doc_free(doc);
}

static void
test_next_id(void **state)
{
	struct psw_doc *doc = load("goals:\n"
	    "- id: g2\n"
	    "  actions:\n  - {id: g2.1}\n  - {id: g2.7, removed: 2026-01-01}\n"
	    "- {id: g10, removed: 2026-02-02}\n"
	    "- {id: g03}\n- {id: gx}\n- {id: g99999999999999999999}\n"
	    "- {id: k40}\n- {title: no id}\n");
	struct psw_node *goals = psw_map_get(psw_doc_root(doc), "goals");
	struct psw_node *acts = psw_map_get(goals->head, "actions");
	char buf[32];

	(void)state;
	/* removed items still count: ids are never reused */
	assert_string_equal(psw_edit_next_id(goals, "g", buf, sizeof buf),
	    "g11");
	assert_string_equal(psw_edit_next_id(acts, "g2.", buf, sizeof buf),
	    "g2.8");
	assert_string_equal(psw_edit_next_id(NULL, "t", buf, sizeof buf),
	    "t1");
	assert_string_equal(psw_edit_next_id(goals, "k", buf, sizeof buf),
	    "k41");
	psw_doc_free(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seq_created_and_reused),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_next_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
