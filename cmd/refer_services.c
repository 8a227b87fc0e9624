/*
 * refer_services.c - psw-refer's service directory: search, show, add,
 * set, rm, and HSDS import and export.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "cli.h"
#include "client.h"
#include "edit.h"
#include "hsds.h"
#include "refer.h"
#include "service.h"

enum { OPT_TAXONOMY = PSW_OPT_FIRST_LOCAL, OPT_AREA, OPT_STATUS,
    OPT_FIELD };

/* --- services [QUERY] ------------------------------------------------ */

struct search_opts {
	const char *taxonomy, *area, *status;
};

static int
search_opt(void *arg, int c, const char *val)
{
	struct search_opts *o = arg;

	if (c == OPT_TAXONOMY)
		o->taxonomy = val;
	else if (c == OPT_AREA)
		o->area = val;
	else if (c == OPT_STATUS)
		o->status = val;
	return -1;
}

int
refer_services(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "taxonomy", required_argument, NULL, OPT_TAXONOMY },
		{ "area", required_argument, NULL, OPT_AREA },
		{ "status", required_argument, NULL, OPT_STATUS },
	};
	static const struct psw_column cols[] = {
		{ "id", PSW_COL_STR, 0 },
		{ "name", PSW_COL_STR, 0 },
		{ "organisation", PSW_COL_STR, 0 },
		{ "status", PSW_COL_STR, 0 },
		{ "taxonomy", PSW_COL_STR, 0 },
		{ "area", PSW_COL_STR, 0 },
	};
	struct search_opts o = { NULL, NULL, NULL };
	struct psw_buf text = PSW_BUF_INIT, q = PSW_BUF_INIT;
	enum psw_format fmt;
	struct psw_err e;
	sqlite3_stmt *s = NULL;
	char all[128];
	int rc, i, words = 0;

	rc = psw_cli_parse(cli, argc, argv, local, 3, search_opt, &o,
	    "usage: psw-refer services [QUERY...] [--taxonomy T] [--area A] "
	    "[--status S]\n");
	if (rc >= 0)
		return rc;
	if (o.status != NULL && !psw_in_list(psw_service_statuses, o.status))
		return psw_cli_usage_error(cli, "unknown status '%s' (use %s)",
		    o.status, psw_list_join(psw_service_statuses, all,
		    sizeof all));
	if (psw_cli_format(cli, PSW_FMT_LISTING, &fmt, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	for (i = optind; i < argc; i++) {
		psw_buf_adds(&text, argv[i]);
		psw_buf_addc(&text, ' ');
	}
	if (optind < argc && text.oom)
		words = -1;	/* out of memory: reported below */
	else if (optind < argc) {
		words = psw_fts_query(text.s, &q);
		psw_buf_release(&text);
		if (words == 0) {
			psw_buf_release(&q);
			return psw_cli_usage_error(cli, "the query has no "
			    "words to search for");
		}
	}
	if (words < 0 || text.oom) {
		psw_buf_release(&text);
		psw_buf_release(&q);
		psw_error(&e, PSW_EIO, "out of memory");
		return psw_cli_fail(cli, &e);
	}
	if (psw_cli_open(cli, 0, &e) < 0) {
		psw_buf_release(&q);
		return psw_cli_fail(cli, &e);
	}
	/* Ranked by bm25 with the name weighing most; then by name. */
	rc = sqlite3_prepare_v2(psw_index_db(&cli->index), words > 0 ?
	    "SELECT s.id, s.name, s.organisation, s.status, s.taxonomy, s.area "
	    "FROM services s JOIN (SELECT id, bm25(services_fts, 0, 10, "
	    "4, 2, 2, 5) AS score FROM services_fts WHERE services_fts "
	    "MATCH ?1) f ON f.id = s.id "
	    "WHERE s.removed IS NULL "
	    "AND (?2 IS NULL OR instr(lower(s.taxonomy), lower(?2)) > 0) "
	    "AND (?3 IS NULL OR instr(lower(s.area), lower(?3)) > 0) "
	    "AND (?4 IS NULL OR s.status = ?4) "
	    "ORDER BY f.score, s.name, s.id" :
	    "SELECT s.id, s.name, s.organisation, s.status, s.taxonomy, s.area "
	    "FROM services s WHERE s.removed IS NULL AND ?1 IS NULL "
	    "AND (?2 IS NULL OR instr(lower(s.taxonomy), lower(?2)) > 0) "
	    "AND (?3 IS NULL OR instr(lower(s.area), lower(?3)) > 0) "
	    "AND (?4 IS NULL OR s.status = ?4) "
	    "ORDER BY s.name, s.id", -1, &s, NULL);
	if (rc != SQLITE_OK) {
		psw_buf_release(&q);
		psw_index_error(&cli->index, rc, "cannot search", &e);
		return psw_cli_fail(cli, &e);
	}
	if (words > 0)
		sqlite3_bind_text(s, 1, q.s, -1, SQLITE_TRANSIENT);
	psw_buf_release(&q);
	if (o.taxonomy)
		sqlite3_bind_text(s, 2, o.taxonomy, -1, SQLITE_STATIC);
	if (o.area)
		sqlite3_bind_text(s, 3, o.area, -1, SQLITE_STATIC);
	if (o.status)
		sqlite3_bind_text(s, 4, o.status, -1, SQLITE_STATIC);
	return psw_cli_query_table(cli, s, fmt, cols, 6, 6, NULL, "cannot search");
}

/* --- service show|add|set|rm ---------------------------------------- */

/* The options of add and set: a file key each. */
static const struct {
	const char *opt, *key;
	int list;		/* comma-separated into a list */
} fields[] = {
	{ "name", "name", 0 },
	{ "organisation", "organisation", 0 },
	{ "status", "status", 0 },
	{ "description", "description", 0 },
	{ "email", "email", 0 },
	{ "url", "url", 0 },
	{ "phone", "phones", 1 },
	{ "address", "address", 0 },
	{ "eligibility", "eligibility", 0 },
	{ "application-process", "application-process", 0 },
	{ "fees", "fees", 0 },
	{ "wait-time", "wait-time", 0 },
	{ "languages", "languages", 1 },
	{ "schedule", "schedule", 0 },
	{ "taxonomy", "taxonomy", 1 },
	{ "area", "service-area", 0 },
	{ "referral-method", "referral-method", 0 },
	{ "contact", "contact", 0 },
	{ "notes", "notes", 0 },
};
#define NFIELDS (sizeof fields / sizeof fields[0])

struct edit_opts {
	const char *val[NFIELDS];
	int any;
};

static int
edit_opt(void *arg, int c, const char *val)
{
	struct edit_opts *o = arg;

	if (c >= OPT_FIELD && c < OPT_FIELD + (int)NFIELDS) {
		o->val[c - OPT_FIELD] = val;
		o->any = 1;
	}
	return -1;
}

/* Apply the given options to the document; -1 on OOM. */
static int
apply_fields(struct psw_doc *doc, const struct edit_opts *o)
{
	struct psw_node *root = psw_doc_root(doc), *seq, *it;
	size_t i;

	for (i = 0; i < NFIELDS; i++) {
		const char *v = o->val[i], *p;

		if (v == NULL)
			continue;
		if (*v == '\0') {
			psw_map_remove(root, fields[i].key);
			continue;
		}
		if (!fields[i].list) {
			int plain = strcmp(fields[i].key, "status") == 0 ||
			    strcmp(fields[i].key, "referral-method") == 0;

			if (psw_map_set_str(doc, root, fields[i].key, v,
			    plain ? PSW_PLAIN : PSW_STRING) == NULL)
				return -1;
			continue;
		}
		if ((seq = psw_node_seq(doc, 1)) == NULL)
			return -1;
		/* "a, b, c" into [a, b, c]. */
		for (p = v; *p != '\0';) {
			size_t n = strcspn(p, ",");
			char item[1024];
			size_t a = 0, b = n;

			while (a < b && p[a] == ' ')
				a++;
			while (b > a && p[b - 1] == ' ')
				b--;
			if (b > a && b - a < sizeof item) {
				memcpy(item, p + a, b - a);
				item[b - a] = '\0';
				if ((it = psw_node_scalar(doc, item,
				    PSW_STRING)) == NULL)
					return -1;
				psw_seq_append(seq, it);
			}
			p += n;
			if (*p == ',')
				p++;
		}
		if (psw_map_set(doc, root, fields[i].key, seq) == NULL)
			return -1;
	}
	return 0;
}

/* service show ID: every field, in file order. */
static int
service_show(struct psw_cli *cli, int argc, char **argv)
{
	struct psw_service *s;
	struct psw_doc *doc;
	struct psw_node *root, *n, *it;
	enum psw_format fmt;
	struct psw_json j;
	struct psw_err e;
	int rc;

	rc = psw_cli_parse(cli, argc, argv, NULL, 0, NULL, NULL,
	    "usage: psw-refer service show ID [--format text|json]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return psw_cli_usage_error(cli, "service show needs one "
		    "service id");
	if (psw_service_id_check(argv[optind], &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_format(cli, PSW_FMT_BIT(PSW_FMT_TEXT) |
	    PSW_FMT_BIT(PSW_FMT_JSON), &fmt, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_open(cli, PSW_CLI_NOINDEX, &e) < 0)
		return psw_cli_fail(cli, &e);
	if (psw_service_load(&cli->store, argv[optind], &doc, &s, &e) < 0)
		return psw_cli_fail(cli, &e);
	root = psw_doc_root(doc);
	if (fmt == PSW_FMT_JSON) {
		psw_json_init(&j, stdout, 1);
		psw_json_obj(&j);
	}
	for (n = root->head; n != NULL; n = n->next) {
		if (strcmp(n->key, "psw") == 0)
			continue;
		if (fmt == PSW_FMT_JSON) {
			psw_json_key(&j, n->key);
			if (n->type == PSW_NODE_SCALAR)
				psw_json_str(&j, n->str);
			else if (n->type == PSW_NODE_SEQ) {
				psw_json_arr(&j);
				for (it = n->head; it; it = it->next)
					psw_json_str(&j, it->type ==
					    PSW_NODE_SCALAR ? it->str : NULL);
				psw_json_arr_end(&j);
			} else
				psw_json_null(&j);
			continue;
		}
		printf("%s: ", n->key);
		if (n->type == PSW_NODE_SCALAR)
			psw_put_text(stdout, n->str);
		else if (n->type == PSW_NODE_SEQ) {
			for (it = n->head; it; it = it->next) {
				if (it != n->head)
					fputs("; ", stdout);
				if (it->type == PSW_NODE_SCALAR)
					psw_put_text(stdout, it->str);
			}
		}
		putchar('\n');
	}
	if (fmt == PSW_FMT_JSON) {
		psw_json_obj_end(&j);
		psw_json_end(&j);
	}
	psw_doc_free(doc);
	return 0;
}

/* service add ID --name N ... / service set ID ... / service rm ID. */
static int
service_change(struct psw_cli *cli, int argc, char **argv, const char *what)
{
	struct option local[NFIELDS];
	struct edit_opts o;
	struct psw_service_txn t;
	enum psw_format fmt;
	struct psw_err e;
	const char *id;
	size_t i;
	int rc, add = strcmp(what, "add") == 0, rm = strcmp(what, "rm") == 0;

	memset(&o, 0, sizeof o);
	for (i = 0; i < NFIELDS; i++) {
		local[i].name = fields[i].opt;
		local[i].has_arg = required_argument;
		local[i].flag = NULL;
		local[i].val = OPT_FIELD + (int)i;
	}
	rc = psw_cli_parse(cli, argc, argv, local, rm ? 0 : NFIELDS, edit_opt,
	    &o, rm ? "usage: psw-refer service rm ID\n" :
	    add ? "usage: psw-refer service add ID --name NAME [--FIELD "
	    "VALUE...]\n" : "usage: psw-refer service set ID --FIELD VALUE "
	    "[--FIELD VALUE...]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return psw_cli_usage_error(cli, "service %s needs one service "
		    "id", what);
	id = argv[optind];
	if (psw_service_id_check(id, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_format(cli, PSW_FMT_LISTING, &fmt, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (add && (o.val[0] == NULL || *o.val[0] == '\0'))
		return psw_cli_usage_error(cli, "service add needs --name NAME");
	if (!add && !rm && !o.any)
		return psw_cli_usage_error(cli, "service set needs at least one "
		    "--FIELD VALUE (see psw-refer(1))");
	if (!add && o.val[0] != NULL && *o.val[0] == '\0')
		return psw_cli_usage_error(cli, "a service's --name cannot be "
		    "empty");
	if (psw_cli_today(cli, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_open(cli, PSW_CLI_WRITE | PSW_CLI_NOINDEX, &e) < 0)
		return psw_cli_fail(cli, &e);
	if (psw_service_begin(&cli->store, id, add ? PSW_SVC_NEW : 0, &t,
	    &e) < 0)
		return psw_cli_fail(cli, &e);
	if (add)
		t.doc = psw_service_new_doc(t.name, id, o.val[0]);
	if (rm && psw_map_get(psw_doc_root(t.doc), "removed") != NULL) {
		psw_service_abort(&t);
		psw_error(&e, PSW_EDATA, "service '%s' is removed already",
		    id);
		return psw_cli_fail(cli, &e);
	}
	if (t.doc == NULL || apply_fields(t.doc, &o) < 0 ||
	    (rm && psw_edit_set_date(t.doc, psw_doc_root(t.doc), "removed",
	    cli->today) == NULL)) {
		psw_service_abort(&t);
		psw_error(&e, PSW_EIO, "out of memory");
		return psw_cli_fail(cli, &e);
	}
	if (psw_service_commit(&t, add ? "service-add" : rm ?
	    "service-rm" : "service-set", &e) < 0)
		return psw_cli_fail(cli, &e);
	if (!cli->quiet)
		printf("%s service %s\n", add ? "added" : rm ? "removed" :
		    "changed", id);
	return 0;
}

int
refer_service(struct psw_cli *cli, int argc, char **argv)
{
	static const char usage[] =
	    "usage: psw-refer service show|add|set|rm ID [options]\n";

	if (argc < 2) {
		return psw_cli_usage_error(cli, "service needs show, add, set "
		    "or rm");
	}
	if (strcmp(argv[1], "show") == 0)
		return service_show(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "add") == 0 || strcmp(argv[1], "set") == 0 ||
	    strcmp(argv[1], "rm") == 0)
		return service_change(cli, argc - 1, argv + 1, argv[1]);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout), 0;
	return psw_cli_usage_error(cli, "unknown service command '%s' (use "
	    "show, add, set or rm)", argv[1]);
}

/* --- import-hsds / export-hsds -------------------------------------- */

int
refer_import(struct psw_cli *cli, int argc, char **argv)
{
	struct psw_hsds_stats st;
	struct psw_err e;
	int rc;

	rc = psw_cli_parse(cli, argc, argv, NULL, 0, NULL, NULL,
	    "usage: psw-refer import-hsds DIR\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return psw_cli_usage_error(cli, "import-hsds needs the folder "
		    "of HSDS CSV files");
	if (psw_cli_open(cli, PSW_CLI_WRITE | PSW_CLI_NOINDEX, &e) < 0)
		return psw_cli_fail(cli, &e);
	if (psw_hsds_import(&cli->store, argv[optind], &st, &e) < 0)
		return psw_cli_fail(cli, &e);
	if (!cli->quiet) {
		printf("imported %zu service%s: %zu added, %zu updated, %zu "
		    "unchanged", st.added + st.updated + st.unchanged,
		    st.added + st.updated + st.unchanged == 1 ? "" : "s",
		    st.added, st.updated, st.unchanged);
		if (st.kept > 0)
			printf("; %zu kept as added by hand", st.kept);
		putchar('\n');
	}
	return 0;
}

int
refer_export(struct psw_cli *cli, int argc, char **argv)
{
	struct psw_err e;
	size_t n;
	int rc;

	rc = psw_cli_parse(cli, argc, argv, NULL, 0, NULL, NULL,
	    "usage: psw-refer export-hsds DIR\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return psw_cli_usage_error(cli, "export-hsds needs a folder to "
		    "write to");
	if (psw_cli_open(cli, PSW_CLI_NOINDEX, &e) < 0)
		return psw_cli_fail(cli, &e);
	if (psw_hsds_export(&cli->store, argv[optind], &n, &e) < 0)
		return psw_cli_fail(cli, &e);
	if (!cli->quiet)
		printf("exported %zu service%s to %s\n", n, n == 1 ? "" : "s",
		    argv[optind]);
	return 0;
}
