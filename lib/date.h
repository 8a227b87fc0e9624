/*
 * date.h - civil dates, relative dates, durations, periods and ISO weeks.
 *
 * A date is a day number: days since 1970-01-01 in the proleptic Gregorian
 * calendar (negative before).  No time zones: a date is a calendar day.
 * Valid years are 1..9999.
 */
#ifndef PSW_DATE_H
#define PSW_DATE_H

#include <stdint.h>

#include "error.h"

typedef int32_t psw_date;

#define PSW_DATE_NONE INT32_MIN	/* "no date" */
#define PSW_DATE_LEN 11		/* "YYYY-MM-DD" and NUL */

/* Day number of y-m-d; -1 when the date does not exist (2026-02-29). */
int psw_date_from_ymd(int y, int m, int d, psw_date *out);
void psw_date_to_ymd(psw_date date, int *y, int *m, int *d);

/* Strict ISO "YYYY-MM-DD" (exactly 10 characters); 0 or -1. */
int psw_date_parse_iso(const char *s, psw_date *out);

/*
 * Write "YYYY-MM-DD" into buf (at least PSW_DATE_LEN bytes); returns buf.
 * Writes "" when date is PSW_DATE_NONE or outside the years 1..9999.
 */
char *psw_date_format(psw_date date, char *buf);

/* 1 = Monday ... 7 = Sunday. */
int psw_date_weekday(psw_date date);

/* ISO 8601 week-numbering year and week (1..53) of a date. */
void psw_date_isoweek(psw_date date, int *year, int *week);

/* Monday of ISO week `week` of ISO year `year`; -1 if there is no such week. */
int psw_date_from_isoweek(int year, int week, psw_date *out);

/* Days in month m of year y. */
int psw_date_month_days(int y, int m);

/* A duration: n units of 'd' days, 'w' weeks, 'm' months or 'y' years. */
struct psw_duration {
	int n;			/* may be negative */
	char unit;		/* 'd', 'w', 'm', 'y' */
};

/*
 * Parse a duration "7d", "2w", "3m", "1y" (n in 0..100000, no sign).
 * On failure returns -PSW_EUSAGE with a message listing the forms.
 */
int psw_duration_parse(const char *s, struct psw_duration *out,
    struct psw_err *e);

/*
 * date + n units.  Months and years clamp to the end of the month:
 * 2026-01-31 + 1m = 2026-02-28, 2024-02-29 + 1y = 2025-02-28.
 * PSW_DATE_NONE when date is not a valid day or the sum leaves 1..9999.
 */
psw_date psw_date_add(psw_date date, struct psw_duration dur);

/* Number of days a duration spans from a given date (for "within 3m"). */
int psw_duration_days(psw_date from, struct psw_duration dur);

/*
 * Parse a date in any accepted form, relative to today:
 *   2026-11-28, today, yesterday, tomorrow,
 *   monday..sunday and mon..sun (the next such day, never today),
 *   +3d, -2w, +3m, +1y (a sign, 1 to 6 digits, a unit; +d is refused).
 * Case-insensitive for words.  Anything else returns -PSW_EUSAGE with
 * "'TEXT' is not a date (use YYYY-MM-DD, today, yesterday, tomorrow, a
 * weekday, or +Nd, -Nw, +Nm, +Ny)"; a day outside 1..9999 also fails.
 */
int psw_date_parse(const char *s, psw_date today, psw_date *out,
    struct psw_err *e);

/*
 * Parse a period into an inclusive range [from, to]:
 *   2026-W48 (ISO week, Monday to Sunday; W01..W53, W53 only in years
 *   that have it), 2026-11 (a month), 2026 (a year), and every form
 *   psw_date_parse accepts (a single day).  Failure: -PSW_EUSAGE.
 */
int psw_period_parse(const char *s, psw_date today, psw_date *from,
    psw_date *to, struct psw_err *e);

/*
 * What "today" is: as_of (the --as-of option, may be NULL) > $PSW_TODAY >
 * the local date.  as_of and PSW_TODAY may use any psw_date_parse form
 * relative to the local date; an empty PSW_TODAY counts as unset.
 * Failure: -PSW_EUSAGE naming the source ("PSW_TODAY: ...", "--as-of: ...").
 */
int psw_date_today(const char *as_of, psw_date *out, struct psw_err *e);

#endif
