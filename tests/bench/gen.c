/*
 * gen.c - write a deterministic, realistic caseload of N clients in the
 * real file format: profile, consent, team, needs, assessments over two
 * years, goals with actions and progress, a review, a safety plan for
 * some, referrals with histories and 5 to 40 session notes each.
 *
 *   gen N DIR     writes DIR/clients/c000001.yaml ... (DIR is created)
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A date n days after 2024-12-01, as YYYY-MM-DD. */
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
	sprintf(buf, "%04d-%02d-%02d", y, m, d);
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

static void
client(FILE *f, int i)
{
	char a[16], b[16];
	int opened = (int)rnd(600), g, k, n, ng, na;

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
	fprintf(f, "assessments:\n");
	n = 2 + (int)rnd(8);
	for (k = 0; k < n; k++) {
		fprintf(f, "  - {id: a%d, instrument: phq-9, date: %s, "
		    "answers: [", k + 1, day(opened + k * 60, a));
		for (g = 0; g < 9; g++)
			fprintf(f, "%s%u", g ? ", " : "", rnd(4));
		fprintf(f, "]}\n");
	}
	fprintf(f, "goals:\n");
	ng = 1 + (int)rnd(4);
	for (g = 0; g < ng; g++) {
		fprintf(f, "  - id: g%d\n    domain: %s\n    title: Goal %d "
		    "about %s\n    target: %s\n    status: %s\n    actions:\n",
		    g + 1, domains[rnd(7)], g + 1, words[rnd(18)],
		    day(opened + 90 + (int)rnd(600), a),
		    rnd(4) ? "active" : "achieved");
		na = 1 + (int)rnd(4);
		for (k = 0; k < na; k++) {
			fprintf(f, "      - {id: g%d.%d, title: Step %d, owner: "
			    "%s, due: %s", g + 1, k + 1, k + 1,
			    rnd(2) ? "client" : "worker",
			    day(opened + 14 * (k + 1) + (int)rnd(700), a));
			if (rnd(2))
				fprintf(f, ", done: %s", day(opened + 14 *
				    (k + 1), b));
			fprintf(f, "}\n");
		}
		fprintf(f, "    progress:\n      - {date: %s, rating: %u}\n",
		    day(opened + 30, a), rnd(11));
	}
	fprintf(f, "review: {every: 90d, last: %s, next: %s}\n",
	    day(opened + 600, a), day(opened + 690, b));
	if (rnd(3) == 0)
		fprintf(f, "safety-plan:\n  warning-signs: [not sleeping]\n"
		    "  coping: [walk]\n  people:\n    - {text: Sister, phone: "
		    "'07700 900%03u'}\n  reviewed: %s\n", rnd(1000),
		    day(opened + 10, a));
	fprintf(f, "referrals:\n  - id: r1\n    service: housing-first-north\n"
	    "    goal: g1\n    consent: k1\n    history:\n"
	    "      - {date: %s, status: requested, by: w1}\n"
	    "      - {date: %s, status: accepted, by: w1}\n"
	    "    follow-up: %s\n", day(opened + 5, a), day(opened + 20, b),
	    day(opened + 40 + (int)rnd(700), a));
	fprintf(f, "contacts:\n");
	n = 5 + (int)rnd(36);
	for (k = 0; k < n; k++) {
		fprintf(f, "  - date: %s\n    kind: %s\n    minutes: %u\n"
		    "    note: ", day(opened + k * 14, a), kinds[rnd(6)],
		    10 + rnd(50));
		sentence(f, 8 + (int)rnd(30));
		fputc('\n', f);
	}
}

int
main(int argc, char **argv)
{
	char path[4096];
	FILE *f;
	int n, i;

	if (argc != 3 || (n = atoi(argv[1])) <= 0) {
		fprintf(stderr, "usage: gen N DIR\n");
		return 2;
	}
	snprintf(path, sizeof path, "%s", argv[2]);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/clients", argv[2]);
	if (mkdir(path, 0700) < 0 && errno != EEXIST) {
		perror(path);
		return 5;
	}
	for (i = 1; i <= n; i++) {
		snprintf(path, sizeof path, "%s/clients/c%06d.yaml", argv[2],
		    i);
		if ((f = fopen(path, "w")) == NULL) {
			perror(path);
			return 5;
		}
		client(f, i);
		if (fclose(f) != 0) {
			perror(path);
			return 5;
		}
	}
	return 0;
}
