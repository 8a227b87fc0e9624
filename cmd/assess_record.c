/*
 * assess_record.c - recording assessments: add (scripted with --answers,
 * or administered on a terminal), ask (administered on a terminal or from
 * answers piped one a line) and void.
 *
 * An assessment is administered before the client is locked, so a slow
 * interview never holds the lock; it is then scored again and written in
 * one psw_txn.  Everything printed after a successful write is composed
 * before it (the transaction frees the client when it commits), and only
 * printed once the file is safely written.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assess.h"
#include "buf.h"
#include "care.h"
#include "cli.h"
#include "client.h"
#include "edit.h"
#include "instrument.h"
#include "output.h"
#include "txn.h"

enum {
	OPT_ANSWERS = PSW_OPT_FIRST_LOCAL, OPT_DATE, OPT_BY, OPT_NOTE,
	OPT_REASON
};

struct rec_opts {
	const char *answers, *date, *by, *note, *reason;
};

static int
rec_opt(void *arg, int c, const char *val)
{
	struct rec_opts *o = arg;

	switch (c) {
	case OPT_ANSWERS: o->answers = val; break;
	case OPT_DATE: o->date = val; break;
	case OPT_BY: o->by = val; break;
	case OPT_NOTE: o->note = val; break;
	case OPT_REASON: o->reason = val; break;
	}
	return -1;
}

static int
blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

/* A date option: not after today.  -1 when fine, else the exit status. */
static int
past_date(struct psw_cli *cli, const char *s, psw_date *out)
{
	char buf[PSW_DATE_LEN], now[PSW_DATE_LEN];
	struct psw_err e;

	*out = cli->today;
	if (s == NULL)
		return -1;
	if (psw_date_parse(s, cli->today, out, &e) < 0)
		return psw_cli_usage_error(cli, "--date: %s", e.msg);
	if (*out > cli->today)
		return psw_cli_usage_error(cli, "--date: %s is after today "
		    "(%s)", psw_date_format(*out, buf),
		    psw_date_format(cli->today, now));
	return -1;
}

/* --- the needs a needs assessment (CANSAS) sets ----------------------- */

struct need_set {
	const char *domain;
	int level;		/* 0 none, 1 met, 2 unmet */
};

static const char *const need_names[] = { "none", "met", "unmet" };

/*
 * The client needs by domain from an instrument with need-levels: a
 * domain is unmet if any of its items is, else met if any is, else none;
 * a domain whose items are all unknown (no level, or missing) is left
 * out.  Returns the count in v (at most max).
 */
static size_t
needs_from(const struct psw_instrument *in, const int *answers,
    struct need_set *v, size_t max)
{
	size_t i, j, k, n = 0;
	int level;

	for (i = 0; i < in->nitems; i++) {
		const struct psw_item *it = &in->items[i];

		if (it->need_domain == NULL ||
		    answers[i] == PSW_ANSWER_MISSING)
			continue;
		level = -1;
		for (k = 0; k < in->nneed_levels; k++)
			if (in->need_levels[k].value == answers[i])
				for (j = 0; j < 3; j++)
					if (strcmp(in->need_levels[k].label,
					    need_names[j]) == 0)
						level = (int)j;
		if (level < 0)
			continue;
		for (j = 0; j < n; j++)
			if (strcmp(v[j].domain, it->need_domain) == 0)
				break;
		if (j == n) {
			if (n == max)
				continue;
			v[n].domain = it->need_domain;
			v[n].level = level;
			n++;
		} else if (level > v[j].level) {
			v[j].level = level;
		}
	}
	return n;
}

/* Set each need in the client document; -1 on OOM. */
static int
set_needs(struct psw_doc *doc, const struct need_set *v, size_t n)
{
	struct psw_node *seq, *it;
	const char *s;
	size_t i;

	if (n == 0)
		return 0;
	if ((seq = psw_edit_seq(doc, psw_doc_root(doc), "needs")) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		for (it = seq->head; it != NULL; it = it->next)
			if ((s = psw_map_get_str(it, "domain")) != NULL &&
			    strcmp(s, v[i].domain) == 0)
				break;
		if (it == NULL) {
			if ((it = psw_node_map(doc, 1)) == NULL ||
			    psw_map_set_str(doc, it, "domain", v[i].domain,
			    PSW_PLAIN) == NULL)
				return -1;
			psw_seq_append(seq, it);
		}
		if (psw_map_set_str(doc, it, "need", need_names[v[i].level],
		    PSW_PLAIN) == NULL)
			return -1;
	}
	return 0;
}

/* --- the new assessment's entry --------------------------------------- */

/* Build the assessment map for the file; NULL on OOM. */
static struct psw_node *
entry(struct psw_doc *doc, const char *id, const struct psw_instrument *in,
    psw_date date, const int *answers, const struct psw_score *sc,
    const char *by, const char *note)
{
	struct psw_node *m, *seq, *n;
	char buf[64], num[32];
	size_t i;

	if ((m = psw_node_map(doc, 0)) == NULL ||
	    psw_map_set_str(doc, m, "id", id, PSW_PLAIN) == NULL ||
	    psw_map_set_str(doc, m, "instrument", in->id, PSW_PLAIN) == NULL ||
	    psw_map_set_str(doc, m, "date", psw_date_format(date, buf),
	    PSW_PLAIN) == NULL ||
	    (seq = psw_map_set(doc, m, "answers", psw_node_seq(doc, 1))) ==
	    NULL)
		return NULL;
	for (i = 0; i < in->nitems; i++) {
		if (answers[i] == PSW_ANSWER_MISSING)
			snprintf(buf, sizeof buf, "~");
		else
			snprintf(buf, sizeof buf, "%d", answers[i]);
		if ((n = psw_node_scalar(doc, buf, PSW_PLAIN)) == NULL)
			return NULL;
		psw_seq_append(seq, n);
	}
	/* What the worker saw when it was recorded; psw scores the answers. */
	if (psw_map_set_str(doc, m, "score", assess_num(sc->total, num),
	    PSW_PLAIN) == NULL ||
	    (sc->band != NULL && psw_map_set_str(doc, m, "band", sc->band,
	    PSW_PLAIN) == NULL))
		return NULL;
	if (sc->nflags > 0) {
		if ((seq = psw_map_set(doc, m, "flags", psw_node_seq(doc,
		    1))) == NULL)
			return NULL;
		for (i = 0; i < sc->nflags; i++) {
			if ((n = psw_node_scalar(doc, sc->flags[i].name,
			    PSW_PLAIN)) == NULL)
				return NULL;
			psw_seq_append(seq, n);
		}
	}
	if (sc->nsubs > 0) {
		struct psw_node *subs = psw_map_set(doc, m, "subscales",
		    psw_node_map(doc, 1));

		if (subs == NULL)
			return NULL;
		for (i = 0; i < sc->nsubs; i++)
			if (sc->subs[i].scored && psw_map_set_str(doc, subs,
			    sc->subs[i].id, assess_num(sc->subs[i].score, num),
			    PSW_PLAIN) == NULL)
				return NULL;
	}
	if (by != NULL && *by != '\0' &&
	    psw_map_set_str(doc, m, "by", by, PSW_STRING) == NULL)
		return NULL;
	if (!blank(note) &&
	    psw_map_set_str(doc, m, "note", note, PSW_STRING) == NULL)
		return NULL;
	return m;
}

/* --- the report after saving ------------------------------------------ */

struct cmp {
	const struct assess_point *p;	/* NULL: none */
	struct psw_change ch;
};

static void
text_cmp(FILE *fp, const char *what, const struct cmp *c)
{
	char d[PSW_DATE_LEN], a[32], b[32];

	if (c->p == NULL)
		return;
	fprintf(fp, "  since the %s, %s on %s (%s): %s%s", what, c->p->a->id,
	    psw_date_format(c->p->a->date, d), assess_num(c->p->sc.total, a),
	    c->ch.diff > 0 ? "+" : "", assess_num(c->ch.diff, b));
	if (c->ch.kind != PSW_CHANGE_UNKNOWN)
		fprintf(fp, ", %s", psw_change_name(c->ch.kind));
	if (c->ch.recovery)
		fprintf(fp, ", recovery");
	fputc('\n', fp);
}

static void
json_cmp(struct psw_json *j, const char *key, const struct cmp *c)
{
	char d[PSW_DATE_LEN];

	psw_json_key(j, key);
	if (c->p == NULL) {
		psw_json_null(j);
		return;
	}
	psw_json_obj(j);
	psw_json_key(j, "id");
	psw_json_str(j, c->p->a->id);
	psw_json_key(j, "date");
	psw_json_str(j, psw_date_format(c->p->a->date, d));
	psw_json_key(j, "total");
	psw_json_num(j, c->p->sc.total);
	psw_json_key(j, "change");
	psw_json_num(j, c->ch.diff);
	psw_json_key(j, "reliable");
	psw_json_str(j, c->ch.kind == PSW_CHANGE_IMPROVED ? "improvement" :
	    c->ch.kind == PSW_CHANGE_DETERIORATED ? "deterioration" :
	    c->ch.kind == PSW_CHANGE_NONE ? "none" : NULL);
	psw_json_key(j, "recovery");
	psw_json_bool(j, c->ch.recovery);
	psw_json_obj_end(j);
}

/* The safety plan's people and professionals, for a risk warning. */
static void
text_contacts(FILE *fp, const struct psw_client *c)
{
	static const int steps[] = { PSW_SAFETY_PEOPLE,
	    PSW_SAFETY_PROFESSIONALS };
	size_t i, k, n = 0;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < c->safety.nitems[steps[k]]; i++) {
			const struct psw_safety_item *si =
			    &c->safety.items[steps[k]][i];

			if (n++ == 0)
				fprintf(fp, "!! safety plan contacts:\n");
			fprintf(fp, "!!   ");
			psw_put_text(fp, si->text);
			if (si->phone != NULL) {
				fprintf(fp, ", ");
				psw_put_text(fp, si->phone);
			}
			fprintf(fp, " (%s)\n", k == 0 ? "people" :
			    "professionals");
		}
	}
	if (!c->safety.present)
		fprintf(fp, "!! %s has no safety plan: make one with the "
		    "client (psw-plan safety add %s ...)\n", c->id, c->id);
	else if (n == 0)
		fprintf(fp, "!! the safety plan lists no people or "
		    "professionals to contact\n");
	fprintf(fp, "!! review the safety plan with the client: psw-plan "
	    "safety show %s, then psw-plan safety reviewed %s\n", c->id,
	    c->id);
}

/* --- add and ask ------------------------------------------------------ */

static int
record(struct psw_cli *cli, int argc, char **argv, int ask)
{
	static const struct option add_opts[] = {
		{ "answers", required_argument, NULL, OPT_ANSWERS },
		{ "date", required_argument, NULL, OPT_DATE },
		{ "by", required_argument, NULL, OPT_BY },
		{ "note", required_argument, NULL, OPT_NOTE },
	};
	struct rec_opts o = { 0 };
	struct psw_instruments *set = NULL;
	const struct psw_instrument *in;
	struct assess_point *pts = NULL;
	struct need_set needs[32];
	struct cmp prev = { 0 }, first = { 0 };
	struct psw_node *seq, *m;
	struct psw_doc *cdoc = NULL;
	struct psw_client *c;
	struct psw_score sc;
	struct psw_txn t;
	struct psw_err e;
	struct psw_json j;
	struct psw_out po, pe;
	enum psw_format fmt;
	const char *cid, *by;
	char *out = NULL, *warn = NULL, err[256], nid[32];
	char d[PSW_DATE_LEN], num[32], buf[512];
	int answers[PSW_INSTR_MAX_ITEMS + 1];
	size_t outlen = 0, warnlen = 0, npts = 0, nneeds = 0, i;
	FILE *fo = NULL, *fw = NULL;
	psw_date date;
	int n, rc;

	rc = psw_cli_parse(cli, argc, argv, ask ? add_opts + 1 : add_opts,
	    ask ? 3 : 4, rec_opt, &o, ask ?
	    "usage: psw-assess ask CLIENT INSTRUMENT [--date D] [--by W] "
	    "[--note TEXT]\n" :
	    "usage: psw-assess add CLIENT INSTRUMENT [--answers LIST] "
	    "[--date D] [--by W]\n"
	    "                      [--note TEXT] [--format text|json]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 2)
		return psw_cli_usage_error(cli, "%s needs a client id and an "
		    "instrument", cli->cmd);
	cid = argv[optind];
	if (psw_id_check(cid, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_format(cli, PSW_FMT_BIT(PSW_FMT_TEXT) |
	    PSW_FMT_BIT(PSW_FMT_JSON), &fmt, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (psw_cli_today(cli, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if ((rc = past_date(cli, o.date, &date)) >= 0)
		return rc;
	if (o.answers == NULL && !ask && !isatty(STDIN_FILENO))
		return psw_cli_usage_error(cli, "add without --answers asks "
		    "item by item on a terminal, and standard input is not "
		    "one: give --answers LIST, or pipe the answers one a line "
		    "to 'psw-assess ask'");
	n = 0;
	if (o.answers != NULL && (n = psw_answers_parse(o.answers, answers,
	    PSW_INSTR_MAX_ITEMS + 1, err, sizeof err)) < 0)
		return psw_cli_usage_error(cli, "--answers: %s", err);
	if (psw_cli_open(cli, PSW_CLI_WRITE | PSW_CLI_NOINDEX, &e) < 0)
		return psw_cli_fail(cli, &e);
	if ((rc = assess_load_set(cli, 1, &set)) >= 0)
		return rc;
	if ((in = assess_find(cli, set, argv[optind + 1])) == NULL) {
		rc = PSW_EDATA;
		goto out;
	}
	if (o.answers != NULL) {
		if (psw_instrument_score(in, answers, (size_t)n, &sc) < 0) {
			fprintf(stderr, "%s: --answers: %s\n", cli->prog,
			    sc.error);
			rc = PSW_EDATA;
			goto out;
		}
	} else {
		/* Is there such a client, before asking anything? */
		if ((rc = assess_read_client(cli, cid, &cdoc, &c)) >= 0)
			goto out;
		psw_doc_free(cdoc);
		cdoc = NULL;
		for (i = 0; i < in->nitems; i++)
			answers[i] = PSW_ANSWER_MISSING;
		if ((rc = assess_administer(cli, in, cid,
		    psw_date_format(date, d), answers)) != 0)
			goto out;
		if (psw_instrument_score(in, answers, in->nitems, &sc) < 0) {
			fprintf(stderr, "%s: %s\n", cli->prog, sc.error);
			rc = PSW_EDATA;
			goto out;
		}
	}

	if (psw_txn_begin(&cli->store, cid, 0, &t, &e) < 0) {
		rc = psw_cli_fail(cli, &e);
		goto out;
	}
	c = t.client;
	/* The previous and the first before this one, by date. */
	pts = assess_points(c, in, &npts);
	for (i = 0; i < npts && pts[i].a->date <= date; i++) {
		if (first.p == NULL)
			first.p = &pts[i];
		prev.p = &pts[i];
	}
	if (prev.p == first.p)
		prev.p = NULL;
	if (first.p != NULL)
		psw_instrument_change(in, first.p->sc.total, sc.total,
		    &first.ch);
	if (prev.p != NULL)
		psw_instrument_change(in, prev.p->sc.total, sc.total,
		    &prev.ch);
	by = o.by != NULL ? o.by : cli->store.set.worker;
	seq = psw_edit_seq(t.doc, psw_doc_root(t.doc), "assessments");
	psw_edit_next_id(seq, "a", nid, sizeof nid);
	if (seq == NULL || (m = entry(t.doc, nid, in, date, answers, &sc, by,
	    o.note)) == NULL)
		goto oom;
	psw_seq_append(seq, m);
	if (in->nneed_levels > 0) {
		nneeds = needs_from(in, answers, needs, 32);
		if (set_needs(t.doc, needs, nneeds) < 0)
			goto oom;
	}

	/* Compose what is printed once the file is written. */
	if ((fo = open_memstream(&out, &outlen)) == NULL ||
	    (fw = open_memstream(&warn, &warnlen)) == NULL)
		goto oom;
	if (fmt == PSW_FMT_JSON) {
		psw_json_init(&j, fo, 0);
		psw_json_obj(&j);
		psw_json_key(&j, "client");
		psw_json_str(&j, cid);
		psw_json_key(&j, "id");
		psw_json_str(&j, nid);
		psw_json_key(&j, "instrument");
		psw_json_str(&j, in->id);
		psw_json_key(&j, "date");
		psw_json_str(&j, psw_date_format(date, d));
		assess_json_score(&j, in, &sc);
		json_cmp(&j, "previous", &prev);
		json_cmp(&j, "first", &first);
		psw_json_key(&j, "needs");
		psw_json_arr(&j);
		for (i = 0; i < nneeds; i++) {
			psw_json_obj(&j);
			psw_json_key(&j, "domain");
			psw_json_str(&j, needs[i].domain);
			psw_json_key(&j, "need");
			psw_json_str(&j, need_names[needs[i].level]);
			psw_json_obj_end(&j);
		}
		psw_json_arr_end(&j);
		psw_json_obj_end(&j);
		psw_json_end(&j);
	} else if (!cli->quiet) {
		fprintf(fo, "added %s for %s: %s on %s, score %s", nid, cid,
		    in->id, psw_date_format(date, d), assess_num(sc.total,
		    num));
		if (sc.band != NULL)
			fprintf(fo, " (%s)", sc.band);
		if (sc.prorated)
			fprintf(fo, ", prorated for %d missing", sc.missing);
		fputc('\n', fo);
		if (sc.nsubs > 0 && in->nneed_levels == 0)
			fprintf(fo, "  subscales: %s\n", assess_subs_text(&sc,
			    buf, sizeof buf));
		for (i = 0; i < sc.nsubs; i++) {
			size_t k;

			if (!in->subscales[i].list || sc.subs[i].nitems == 0)
				continue;
			fprintf(fo, "  %s %s:", assess_num(sc.subs[i].score,
			    num), in->subscales[i].name ?
			    in->subscales[i].name : sc.subs[i].id);
			for (k = 0; k < sc.subs[i].nitems; k++)
				fprintf(fo, "%s %s", k ? "," : "",
				    sc.subs[i].items[k]);
			fputc('\n', fo);
		}
		if (nneeds > 0) {
			fprintf(fo, "  needs set:");
			for (i = 0; i < nneeds; i++)
				fprintf(fo, "%s %s %s", i ? "," : "",
				    needs[i].domain,
				    need_names[needs[i].level]);
			fputc('\n', fo);
		}
		if (sc.caseness >= 0)
			fprintf(fo, "  caseness: %s\n", sc.caseness ? "yes" :
			    "no");
		if (first.p == NULL)
			fprintf(fo, "  the first %s for %s\n", in->id, cid);
		text_cmp(fo, "previous", &prev);
		text_cmp(fo, "first", &first);
	}
	/* Bold red on a terminal that allows colour (psw_out_init). */
	psw_out_init(&po, stdout, fmt);
	psw_out_init(&pe, stderr, PSW_FMT_TEXT);
	for (i = 0; i < sc.nflags; i++) {
		/* Risk: on stdout with the contacts, and on stderr always. */
		if (fmt != PSW_FMT_JSON && !cli->quiet) {
			fprintf(fo, "%s!! RISK FLAG: %s (%s)%s\n", po.color ?
			    "\033[1;31m" : "", sc.flags[i].name,
			    psw_level_name(sc.flags[i].level), po.color ?
			    "\033[0m" : "");
			if (sc.flags[i].message != NULL) {
				fprintf(fo, "!! ");
				psw_put_text(fo, sc.flags[i].message);
				fputc('\n', fo);
			}
		}
		fprintf(fw, "%s: %sRISK%s: %s %s %s: %s (%s)%s", cli->prog,
		    pe.color ? "\033[1;31m" : "", pe.color ? "\033[0m" : "",
		    cid, nid, in->id, sc.flags[i].name,
		    psw_level_name(sc.flags[i].level),
		    sc.flags[i].message ? ": " : "");
		if (sc.flags[i].message != NULL)
			psw_put_text(fw, sc.flags[i].message);
		fputc('\n', fw);
	}
	if (sc.nflags > 0) {
		if (fmt != PSW_FMT_JSON && !cli->quiet)
			text_contacts(fo, c);
		fprintf(fw, "%s: review the safety plan of %s: psw-plan safety "
		    "show %s\n", cli->prog, cid, cid);
	}
	if (fflush(fo) == EOF || fflush(fw) == EOF || ferror(fo) ||
	    ferror(fw))
		goto oom;
	free(pts);
	pts = NULL;
	if (psw_txn_commit(&t, NULL, ask ? "assess ask" : "assess add",
	    &e) < 0) {
		rc = psw_cli_fail(cli, &e);
		goto out;
	}
	fwrite(warn, 1, warnlen, stderr);
	fwrite(out, 1, outlen, stdout);
	rc = 0;
	goto out;
oom:
	psw_txn_abort(&t);
	psw_error(&e, PSW_EIO, "out of memory");
	rc = psw_cli_fail(cli, &e);
out:
	if (fo != NULL)
		fclose(fo);
	if (fw != NULL)
		fclose(fw);
	free(out);
	free(warn);
	free(pts);
	psw_instruments_free(set);
	return rc;
}

int
assess_add(struct psw_cli *cli, int argc, char **argv)
{
	return record(cli, argc, argv, 0);
}

int
assess_ask(struct psw_cli *cli, int argc, char **argv)
{
	return record(cli, argc, argv, 1);
}

/* --- void ------------------------------------------------------------- */

int
assess_void(struct psw_cli *cli, int argc, char **argv)
{
	static const struct option local[] = {
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "date", required_argument, NULL, OPT_DATE },
	};
	struct rec_opts o = { 0 };
	const struct psw_assessment *a = NULL;
	struct psw_node *seq, *it;
	struct psw_txn t;
	struct psw_err e;
	char d[PSW_DATE_LEN], given[PSW_DATE_LEN], instr[64];
	const char *cid, *aid;
	psw_date date;
	size_t i;
	int rc;

	rc = psw_cli_parse(cli, argc, argv, local, 2, rec_opt, &o,
	    "usage: psw-assess void CLIENT ID --reason TEXT [--date D]\n");
	if (rc >= 0)
		return rc;
	if (argc - optind != 2)
		return psw_cli_usage_error(cli, "void needs a client id and an "
		    "assessment id (such as a3)");
	cid = argv[optind];
	aid = argv[optind + 1];
	if (psw_id_check(cid, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if (blank(o.reason))
		return psw_cli_usage_error(cli, "void needs --reason TEXT (why "
		    "it was entered in error)");
	if (psw_cli_today(cli, &e) < 0)
		return psw_cli_usage_error(cli, "%s", e.msg);
	if ((rc = past_date(cli, o.date, &date)) >= 0)
		return rc;
	if ((rc = psw_cli_begin(cli, cid, &t)) >= 0)
		return rc;
	for (i = 0; i < t.client->nassessments; i++)
		if (t.client->assessments[i].id != NULL &&
		    strcmp(t.client->assessments[i].id, aid) == 0)
			a = &t.client->assessments[i];
	seq = psw_map_get(psw_doc_root(t.doc), "assessments");
	it = psw_edit_find(seq, aid);
	if (a == NULL || it == NULL) {
		psw_txn_abort(&t);
		psw_error(&e, PSW_EDATA, "%s has no assessment '%s'", cid, aid);
		return psw_cli_fail(cli, &e);
	}
	if (a->voided != PSW_DATE_NONE) {
		psw_date_format(a->voided, d);
		psw_txn_abort(&t);
		psw_error(&e, PSW_EDATA, "assessment %s of %s was voided "
		    "already, on %s", aid, cid, d);
		return psw_cli_fail(cli, &e);
	}
	if (a->date != PSW_DATE_NONE && date < a->date) {
		psw_date_format(a->date, given);
		psw_txn_abort(&t);
		psw_error(&e, PSW_EDATA, "assessment %s of %s was given on %s: "
		    "it cannot be voided before that", aid, cid, given);
		return psw_cli_fail(cli, &e);
	}
	snprintf(instr, sizeof instr, "%s", a->instrument ? a->instrument :
	    "?");
	psw_date_format(a->date, given);
	if (psw_edit_set_date(t.doc, it, "voided", date) == NULL ||
	    psw_map_set_str(t.doc, it, "void-reason", o.reason,
	    PSW_STRING) == NULL) {
		psw_txn_abort(&t);
		psw_error(&e, PSW_EIO, "out of memory");
		return psw_cli_fail(cli, &e);
	}
	if (psw_txn_commit(&t, NULL, "assess void", &e) < 0)
		return psw_cli_fail(cli, &e);
	if (!cli->quiet)
		printf("voided %s of %s (%s on %s)\n", aid, cid, instr, given);
	return 0;
}
