/*
 * test_goal.c - goals and actions in the tree (find, next action id
 * across the file, dated lists kept oldest first) and plan templates
 * (every problem with line:col, applied with ids and dates from the open
 * date, the result a valid client).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "buf.h"
#include "client.h"
#include "date.h"
#include "doc.h"
#include "goal.h"
#include "template.h"

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

static psw_date
ymd(int y, int m, int d)
{
	psw_date out;

	assert_int_equal(psw_date_from_ymd(y, m, d, &out), 0);
	return out;
}

static const char goals_yaml[] =
    "goals:\n"
    "- id: g1\n"
    "  actions:\n"
    "  - {id: g1.1, title: a}\n"
    "  - {id: g1.2, title: b}\n"
    "- id: g2\n"
    "  actions:\n"
    "  - {id: g2.1, title: c}\n"
    "  - {id: g1.9, title: moved by hand}\n"
    "- {id: g3}\n";

static void
test_find(void **state)
{
	struct psw_doc *doc = load(goals_yaml);
	struct psw_node *root = psw_doc_root(doc), *g = NULL, *a;

	(void)state;
	assert_string_equal(psw_map_get_str(psw_goal_find(root, "g2"), "id"),
	    "g2");
	assert_null(psw_goal_find(root, "g4"));
	a = psw_action_find(root, "g1.9", &g);
	assert_string_equal(psw_map_get_str(a, "title"), "moved by hand");
	assert_string_equal(psw_map_get_str(g, "id"), "g2");
	assert_non_null(psw_action_find(root, "g1.2", NULL));
	assert_null(psw_action_find(root, "g3.1", &g));
	assert_null(psw_action_find(psw_doc_root(doc)->head, "g1.1", NULL));
	psw_doc_free(doc);
}

static void
test_next_action_id(void **state)
{
	struct psw_doc *doc = load(goals_yaml);
	struct psw_node *root = psw_doc_root(doc);
	char buf[32];

	(void)state;
	/* g1.9 under g2 counts: action ids are unique in the file */
	assert_string_equal(psw_action_next_id(root, "g1", buf, sizeof buf),
	    "g1.10");
	assert_string_equal(psw_action_next_id(root, "g2", buf, sizeof buf),
	    "g2.2");
	assert_string_equal(psw_action_next_id(root, "g3", buf, sizeof buf),
	    "g3.1");
	psw_doc_free(doc);
	doc = load("id: x\n");
	assert_string_equal(psw_action_next_id(psw_doc_root(doc), "g1", buf,
	    sizeof buf), "g1.1");
	psw_doc_free(doc);
}

/* Insert {date: d, k: tag} into seq, oldest first. */
static void
insert(struct psw_doc *doc, struct psw_node *seq, const char *d,
    const char *tag)
{
	struct psw_node *m = psw_node_map(doc, 1);

	assert_non_null(m);
	assert_non_null(psw_map_set_str(doc, m, "date", d, PSW_PLAIN));
	assert_non_null(psw_map_set_str(doc, m, "k", tag, PSW_PLAIN));
	assert_ptr_equal(psw_seq_insert_dated(seq, m), m);
}

static void
test_insert_dated(void **state)
{
	struct psw_doc *doc = load("p:\n- {date: 2026-01-10, k: a}\n"
	    "- {date: 2026-03-01, k: b}\n- {note: undated}\n");
	struct psw_node *seq = psw_map_get(psw_doc_root(doc), "p");

	(void)state;
	insert(doc, seq, "2026-02-01", "c");	/* between */
	insert(doc, seq, "2026-01-10", "d");	/* same day: after */
	insert(doc, seq, "2025-12-31", "e");	/* first */
	insert(doc, seq, "2026-04-01", "f");	/* last */
	assert_int_equal(seq->count, 7);
	emit_is(doc, "p:\n"
	    "  - {date: 2025-12-31, k: e}\n"
	    "  - {date: 2026-01-10, k: a}\n"
	    "  - {date: 2026-01-10, k: d}\n"
	    "  - {date: 2026-02-01, k: c}\n"
	    "  - {date: 2026-03-01, k: b}\n"
	    "  - {note: undated}\n"
	    "  - {date: 2026-04-01, k: f}\n");
	assert_ptr_equal(seq->tail->parent, seq);
	assert_ptr_equal(seq->head->prev, NULL);
	psw_doc_free(doc);
}

static const char tpl_yaml[] =
    "psw-template: 1\n"
    "about: Test\n"
    "review-every: 4w\n"
    "goals:\n"
    "  - domain: housing\n"
    "    title: A home\n"
    "    target: +3m\n"
    "    why: Safety\n"
    "    actions:\n"
    "      - {title: Apply, owner: worker, due: +14d}\n"
    "      - {title: Pack}\n"
    "  - {domain: money, title: Income, status: proposed}\n";

static void
test_template_read(void **state)
{
	struct psw_diags d = PSW_DIAGS_INIT;
	struct psw_doc *doc = load(tpl_yaml);
	struct psw_template *t;

	(void)state;
	assert_int_equal(psw_template_read(doc, &t, &d), 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(t->about, "Test");
	assert_true(t->has_review_every);
	assert_int_equal(t->review_every.n, 4);
	assert_int_equal(t->review_every.unit, 'w');
	assert_int_equal(t->ngoals, 2);
	assert_string_equal(t->goals[0].status, "active");
	assert_string_equal(t->goals[1].status, "proposed");
	assert_true(t->goals[0].has_target);
	assert_false(t->goals[1].has_target);
	assert_int_equal(t->goals[0].target.n, 3);
	assert_int_equal(t->goals[0].nactions, 2);
	assert_string_equal(t->goals[0].actions[0].owner, "worker");
	assert_true(t->goals[0].actions[0].has_due);
	assert_null(t->goals[0].actions[1].owner);
	assert_false(t->goals[0].actions[1].has_due);
	psw_doc_free(doc);
}

static void
test_template_problems(void **state)
{
	struct psw_diags d = PSW_DIAGS_INIT;
	struct psw_doc *doc = load(
	    "psw-template: 2\n"			/* 1 */
	    "goals:\n"				/* 2 */
	    "  - domain: sleep\n"			/* 3 */
	    "    title: \" \"\n"			/* 4 */
	    "    target: -1m\n"			/* 5 */
	    "    actions: {title: x}\n"		/* 6 */
	    "  - {domain: other, title: y, colour: red}\n"	/* 7 */
	    "  - [not, a, map]\n"			/* 8 */
	    "  - domain: legal\n"			/* 9 */
	    "    title: z\n"
	    "    actions:\n"
	    "      - {due: +2w}\n");			/* 12 */
	struct psw_template *t;
	size_t i;
	static const struct {
		int line, col;
		const char *start;
	} want[] = {
		{ 1, 15, "'psw-template' must be" },
		{ 3, 13, "goal 1: 'domain' must be housing" },
		{ 4, 12, "goal 1: 'title' is empty" },
		{ 5, 13, "goal 1: 'target' must be an offset" },
		{ 6, 14, "goal 1: 'actions' must be a list" },
		{ 7, 31, "goal 2: unknown key 'colour'" },
		{ 8, 5, "goal 3: a goal must be a map" },
		{ 12, 9, "goal 4 action 1: 'title' is missing" },
	};

	(void)state;
	assert_int_equal(psw_template_read(doc, &t, &d), -PSW_EDATA);
	assert_int_equal(d.n, sizeof want / sizeof want[0]);
	for (i = 0; i < d.n; i++) {
		assert_string_equal(d.v[i].file, "t.yaml");
		assert_int_equal(d.v[i].line, want[i].line);
		assert_int_equal(d.v[i].col, want[i].col);
		assert_memory_equal(d.v[i].msg, want[i].start,
		    strlen(want[i].start));
	}
	psw_diags_release(&d);
	psw_doc_free(doc);

	/* a template must have goals */
	doc = load("about: nothing\n");
	assert_int_equal(psw_template_read(doc, &t, &d), -PSW_EDATA);
	assert_int_equal(d.n, 1);
	assert_non_null(strstr(d.v[0].msg, "at least one goal"));
	psw_diags_release(&d);
	psw_doc_free(doc);
	doc = load("goals: []\n");
	assert_int_equal(psw_template_read(doc, &t, &d), -PSW_EDATA);
	assert_int_equal(d.n, 1);
	psw_diags_release(&d);
	psw_doc_free(doc);
	doc = load("- a list\n");
	assert_int_equal(psw_template_read(doc, &t, &d), -PSW_EDATA);
	psw_diags_release(&d);
	psw_doc_free(doc);
}

static void
test_template_apply(void **state)
{
	struct psw_diags d = PSW_DIAGS_INIT;
	struct psw_doc *tdoc = load(tpl_yaml), *c;
	struct psw_client *client;
	struct psw_template *t;
	struct psw_err e;
	size_t ng = 0, na = 0;

	(void)state;
	assert_int_equal(psw_template_read(tdoc, &t, &d), 0);
	/* ids continue after what the client has */
	c = load("psw: 1\nid: x\nname: X\nstatus: active\nopened: 2026-01-31\n"
	    "review: {every: 90d, next: 2026-05-01}\n"
	    "goals:\n- {id: g1, domain: other, title: Old, status: active}\n");
	assert_int_equal(psw_template_apply(t, c, ymd(2026, 1, 31), &ng, &na,
	    &e), 0);
	assert_int_equal(ng, 2);
	assert_int_equal(na, 2);
	emit_is(c, "psw: 1\nid: x\nname: X\nstatus: active\nopened: "
	    "2026-01-31\n"
	    "review: {every: 4w, next: 2026-02-28}\n"
	    "goals:\n"
	    "  - {id: g1, domain: other, title: Old, status: active}\n"
	    "  - id: g2\n"
	    "    domain: housing\n"
	    "    title: A home\n"
	    "    status: active\n"
	    "    target: 2026-04-30\n"
	    "    why: Safety\n"
	    "    actions:\n"
	    "      - {id: g2.1, title: Apply, owner: worker, due: 2026-02-14}\n"
	    "      - {id: g2.2, title: Pack}\n"
	    "  - id: g3\n"
	    "    domain: money\n"
	    "    title: Income\n"
	    "    status: proposed\n");
	assert_int_equal(psw_client_read(c, "x", &client, &d), 0);
	assert_int_equal(client->ngoals, 3);
	psw_doc_free(c);

	/* a date past the calendar's end is refused */
	c = load("psw: 1\nid: x\nname: X\nstatus: active\nopened: 9999-12-01\n");
	assert_int_equal(psw_template_apply(t, c, ymd(9999, 12, 1), NULL, NULL,
	    &e), -PSW_EDATA);
	assert_non_null(strstr(e.msg, "past the end of the calendar"));
	psw_doc_free(c);
	psw_diags_release(&d);
	psw_doc_free(tdoc);
}

static void
test_template_name(void **state)
{
	(void)state;
	assert_true(psw_template_name_valid("housing-first"));
	assert_false(psw_template_name_valid("../x"));
	assert_false(psw_template_name_valid("a/b"));
	assert_false(psw_template_name_valid(""));
	assert_false(psw_template_name_valid("Housing"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_next_action_id),
		cmocka_unit_test(test_insert_dated),
		cmocka_unit_test(test_template_read),
		cmocka_unit_test(test_template_problems),
		cmocka_unit_test(test_template_apply),
		cmocka_unit_test(test_template_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
