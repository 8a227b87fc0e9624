/*
 * gen.c - write a deterministic, realistic caseload of N clients in the
 * real file format: profile, consent, team, needs, PHQ-9, GAD-7 and
 * CORE-10 assessments over up to two years, goals with actions and
 * progress, a review, a safety plan for some, one to three referrals
 * with histories, 5 to 40 session notes each, and a settings file with
 * an assessment schedule.  Dates run up to 2026-11-28 (run the tools
 * with PSW_TODAY=2026-11-28).
 *
 *   gen [-h] N DIR   writes DIR/clients/c000001.yaml ... (DIR is created)
 *
 * Each file is written as psw writes it (through its emitter), since
 * every psw command that changes a client file writes it whole that way;
 * with -h, as typed by hand instead (flow maps holding lists, which psw
 * never writes), so that libyaml reads every file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "doc.h"
#include "error.h"

/* PSW_TODAY of the benchmark, 2026-11-28, in days after 2024-11-01 */
#define TODAY 757

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

/* xorshift64*: the same caseload on every machine. */
static unsigned
rnd(unsigned n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (unsigned)((rng * 2685821657736338717ULL) >> 33) % n;
}

static const char *const first[] = { "Alex", "Bea", "Chidi", "Dana", "Eli",
    "Farah", "Gus", "Hana", "Ivo", "Jo", "Kemi", "Liam", "Mei", "Nico",
    "Ola", "Pia" };
static const char *const last[] = { "Morgan", "Kowalski", "Okafor", "Reyes",
    "Nakamura", "Haddad", "Berg", "Silva", "Novak", "Evans", "Adeyemi",
    "Walsh" };
static const char *const domains[] = { "housing", "mental-health",
    "physical-health", "daily-living", "social", "work-education", "money" };
static const char *const kinds[] = { "face-to-face", "phone", "video",
    "home-visit", "group", "text" };
static const char *const words[] = { "talked", "about", "the", "tenancy",
    "sleep", "sister", "benefits", "appointment", "worried", "better",
    "week", "walk", "plan", "meds", "college", "money", "felt", "calm" };

/* A date n days after 2024-11-01, as YYYY-MM-DD. */
static const char *
day(int n, char *buf)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y = 2024, m = 11, d = 1 + n;

	for (;;) {
		int md = mdays[m - 1] + (m == 2 && y % 4 == 0);

		if (d <= md)
			break;
		d -= md;
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	/* buf: char[16]; the remainders bound each field for the compiler */
	snprintf(buf, 16, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
	return buf;
}

static void
sentence(FILE *f, int n)
{
	int i;

	for (i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? " " : "", words[rnd(18)]);
	fputc('.', f);
}

/*
 * Assessments from the day the client was opened up to TODAY: PHQ-9 and
 * GAD-7 together every 4 to 8 weeks, CORE-10 every 12 weeks, answers
 * drawn around a severity that starts somewhere and mostly improves, so
 * scores, bands, risk items and reliable change all occur.
 */
static void
assessments(FILE *f, int opened)
{
	static const struct {
		const char *id;
		int items, max;
	} ins[] = { { "phq-9", 9, 3 }, { "gad-7", 7, 3 }, { "core-10", 10, 4 } };
	char a[16];
	int sev0 = 20 + (int)rnd(70), drift = (int)rnd(60) - 15;
	int risky = rnd(8) == 0;
	int next[3], k = 0, t, i, j, g, v;

	next[0] = opened + (int)rnd(14);
	next[2] = opened + (int)rnd(28);
	fprintf(f, "assessments:\n");
	for (t = opened; t <= TODAY; t++) {
		int due0 = next[0] == t;

		for (i = 0; i < 3; i++) {
			/* severity in percent of the maximum, on day t */
			int sev = sev0 - drift * (t - opened) / 365;

			if (i < 2 ? !due0 : next[2] != t)
				continue;
			if (sev < 3)
				sev = 3;
			fprintf(f, "  - {id: a%d, instrument: %s, date: %s, "
			    "answers: [", ++k, ins[i].id, day(t, a));
			for (j = 0; j < ins[i].items; j++) {
				g = (int)rnd(100) - 50;
				v = (sev * ins[i].max + g * 2) / 100;
				v = v < 0 ? 0 : v > ins[i].max ? ins[i].max : v;
				if (i == 2 && (j == 1 || j == 2))
					v = ins[i].max - v;	/* reversed */
				/* the risk items (PHQ-9 9, CORE-10 6): for a
				 * few clients, now and then */
				if ((i == 0 && j == 8) || (i == 2 && j == 5))
					v = risky && rnd(4) == 0 ? 1 + (int)rnd(2) : 0;
				fprintf(f, "%s%d", j ? ", " : "", v);
			}
			fprintf(f, "]}\n");
		}
		if (due0)
			next[0] = t + 28 + 7 * (int)rnd(5);
		if (next[2] == t)
			next[2] = t + 84;
	}
	if (k == 0)
		fprintf(f, "  - {id: a1, instrument: phq-9, date: %s, answers: "
		    "[1, 1, 0, 2, 1, 0, 1, 0, 0]}\n", day(opened, a));
}

/* One to three referrals, each with a history that follows FHIR Task. */
static void
referrals(FILE *f, int opened)
{
	static const char *const services[] = { "housing-first-north",
	    "talking-therapies", "citizens-advice", "food-bank-east",
	    "recovery-college", "debt-line" };
	static const char *const paths[][5] = {
		{ "requested", "received", "accepted", "in-progress",
		    "completed" },
		{ "requested", "received", "rejected", NULL, NULL },
		{ "draft", "requested", "cancelled", NULL, NULL },
		{ "requested", "received", "accepted", "on-hold",
		    "in-progress" },
	};
	char a[16];
	int n = 1 + (int)rnd(3), k, h, len, t;
	unsigned pth;

	fprintf(f, "referrals:\n");
	for (k = 0; k < n; k++) {
		pth = rnd(4);
		len = 1 + (int)rnd(5);
		t = opened + 5 + (int)rnd(300);
		if (t > TODAY - 40)
			t = TODAY - 40;
		fprintf(f, "  - id: r%d\n    service: %s\n    goal: g1\n"
		    "    consent: k1\n    urgency: %s\n    history:\n", k + 1,
		    services[rnd(6)], rnd(5) ? "routine" : "soon");
		for (h = 0; h < len && paths[pth][h] != NULL; h++) {
			fprintf(f, "      - {date: %s, status: %s, by: w%u}\n",
			    day(t, a), paths[pth][h], rnd(8));
			t += 1 + (int)rnd(8);
		}
		if (h < 5 && paths[pth][h] != NULL)
			fprintf(f, "    follow-up: %s\n", day(TODAY - 20 +
			    (int)rnd(60), a));
	}
}

static void
client(FILE *f, int i)
{
	char a[16], b[16];
	int opened = (int)rnd(600), g, k, n, ng, na, step;

	fprintf(f, "psw: 1\nid: c%06d\nname: %s %s\n", i, first[rnd(16)],
	    last[rnd(12)]);
	fprintf(f, "dob: %04u-%02u-%02u\n", 1950 + rnd(55), 1 + rnd(12),
	    1 + rnd(28));
	fprintf(f, "status: %s\nopened: %s\nworker: w%u\n",
	    rnd(10) == 0 ? "closed" : "active", day(opened, a), rnd(8));
	fprintf(f, "consent:\n  - {id: k1, scope: share-with-gp, given: %s, "
	    "expires: %s}\n", day(opened, a), day(opened + 365, b));
	fprintf(f, "team:\n  - {id: t1, name: Dr %s, role: psychiatrist, "
	    "org: Northside CMHT, phone: '020 7946 %04u'}\n", last[rnd(12)],
	    rnd(10000));
	fprintf(f, "strengths: [keeps appointments, supportive family]\n");
	fprintf(f, "needs:\n  - {domain: housing, need: %s}\n  - {domain: "
	    "money, need: met}\n", rnd(2) ? "unmet" : "met");
	assessments(f, opened);
	fprintf(f, "goals:\n");
	ng = 1 + (int)rnd(4);
	for (g = 0; g < ng; g++) {
		int target = opened + 90 + (int)rnd(600), due;

		fprintf(f, "  - id: g%d\n    domain: %s\n    title: Goal %d "
		    "about %s\n    target: %s\n    status: %s\n    actions:\n",
		    g + 1, domains[rnd(7)], g + 1, words[rnd(18)],
		    day(target, a), target < TODAY - 30 && rnd(5) ?
		    "achieved" : "active");
		na = 1 + (int)rnd(4);
		for (k = 0; k < na; k++) {
			due = opened + 14 * (k + 1) + (int)rnd(400);
			fprintf(f, "      - {id: g%d.%d, title: Step %d, owner: "
			    "%s, due: %s", g + 1, k + 1, k + 1,
			    rnd(2) ? "client" : "worker", day(due, a));
			/* most past steps are done, some early */
			if (due < TODAY ? rnd(20) > 2 : rnd(5) == 0) {
				due = due - (int)rnd(10);
				due = due < opened ? opened : due;
				fprintf(f, ", done: %s", day(due < TODAY ?
				    due : TODAY, b));
			}
			fprintf(f, "}\n");
		}
		fprintf(f, "    progress:\n      - {date: %s, rating: %u}\n",
		    day(opened + 30, a), rnd(11));
	}
	k = TODAY - (int)rnd(100);
	if (k < opened)
		k = opened;
	fprintf(f, "review: {every: 90d, last: %s, next: %s}\n",
	    day(k, a), day(k + 90, b));
	if (rnd(3) == 0)
		fprintf(f, "safety-plan:\n  warning-signs: [not sleeping]\n"
		    "  coping: [walk]\n  people:\n    - {text: Sister, phone: "
		    "'07700 900%03u'}\n  reviewed: %s\n", rnd(1000),
		    day(opened + 10, a));
	referrals(f, opened);
	fprintf(f, "contacts:\n");
	n = 5 + (int)rnd(36);
	step = (TODAY - opened) / n;
	step = step < 1 ? 1 : step > 14 ? 14 : step;
	for (k = 0; k < n; k++) {
		fprintf(f, "  - date: %s\n    kind: %s\n    minutes: %u\n"
		    "    note: ", day(opened + k * step, a), kinds[rnd(6)],
		    10 + rnd(50));
		sentence(f, 8 + (int)rnd(30));
		fputc('\n', f);
	}
}

/*
 * Write client i to path: as psw writes it (its emitter's form), or with
 * hand set as the generator types it (flow maps holding lists, which a
 * person might write and psw never does).  0, or -1 with errno.
 */
static int
write_client(const char *path, int i, int hand)
{
	struct psw_buf out = PSW_BUF_INIT;
	struct psw_doc *doc = NULL;
	struct psw_err e;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int rc = -1;

	if ((f = open_memstream(&text, &len)) == NULL)
		return -1;
	client(f, i);
	if (fclose(f) != 0)
		goto done;
	if (!hand) {
		if (psw_doc_load_mem(text, len, path, &doc, &e) < 0 ||
		    psw_doc_emit(doc, &out, &e) < 0) {
			fprintf(stderr, "gen: %s: %s\n", path, e.msg);
			errno = EINVAL;
			goto done;
		}
	}
	if ((f = fopen(path, "w")) == NULL)
		goto done;
	if (hand)
		fwrite(text, 1, len, f);
	else
		fwrite(out.s, 1, out.len, f);
	rc = fclose(f) == 0 ? 0 : -1;
done:
	psw_buf_release(&out);
	psw_doc_free(doc);
	free(text);
	return rc;
}

int
main(int argc, char **argv)
{
	char path[4096];
	FILE *f;
	int n, i, hand = 0;

	if (argc > 1 && strcmp(argv[1], "-h") == 0) {
		hand = 1;
		argc--;
		argv++;
	}
	if (argc != 3 || (n = atoi(argv[1])) <= 0) {
		fprintf(stderr, "usage: gen [-h] N DIR\n");
		return 2;
	}
	snprintf(path, sizeof path, "%s", argv[2]);
	mkdir(path, 0700);
	/* the schedule psw-report due reminds by */
	snprintf(path, sizeof path, "%s/psw.yaml", argv[2]);
	if ((f = fopen(path, "w")) == NULL || fputs("assessments: {phq-9: "
	    "4w, gad-7: 4w, core-10: 12w}\n", f) == EOF || fclose(f) != 0) {
		perror(path);
		return 5;
	}
	snprintf(path, sizeof path, "%s/clients", argv[2]);
	if (mkdir(path, 0700) < 0 && errno != EEXIST) {
		perror(path);
		return 5;
	}
	for (i = 1; i <= n; i++) {
		snprintf(path, sizeof path, "%s/clients/c%06d.yaml", argv[2],
		    i);
		if (write_client(path, i, hand) < 0) {
			perror(path);
			return 5;
		}
	}
	return 0;
}
