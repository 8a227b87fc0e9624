/*
 * date.c - civil dates, relative dates, durations, periods and ISO weeks.
 *
 * Day numbers use Howard Hinnant's days-from-civil arithmetic on a year
 * that starts in March, so that the leap day is the last day of the year.
 * Internal arithmetic is done in int64_t and may leave 1..9999; only the
 * public results are held to that range.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "error.h"

#define DATE_MIN	(-719162)	/* 0001-01-01 */
#define DATE_MAX	2932896		/* 9999-12-31 */
#define DUR_MAX		100000		/* largest duration count */
#define REL_DIGITS	6		/* most digits in +Nd */

#define DATE_FORMS	"use YYYY-MM-DD, today, yesterday, tomorrow, " \
			"a weekday, or +Nd, -Nw, +Nm, +Ny"
#define PERIOD_FORMS	"use YYYY-Www, YYYY-MM, YYYY, or a date: " \
			"YYYY-MM-DD, today, yesterday, tomorrow, " \
			"a weekday, or +Nd, -Nw, +Nm, +Ny"
#define DUR_FORMS	"use Nd, Nw, Nm or Ny with N from 0 to 100000"
#define RANGE_TEXT	"dates run from 0001-01-01 to 9999-12-31"

/* What parse_date found, for the callers to word their messages. */
enum {
	P_OK = 0,
	P_SYNTAX = -1,		/* not one of the forms */
	P_RANGE = -2,		/* a form, but outside 0001..9999 */
};

static const char *const wdnames[7] = {
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
	"sunday"
};

/* Is c an ASCII digit (locale-independent)? */
static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* ASCII lower case of c, whatever the locale. */
static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Does s equal the lower-case word w, ignoring ASCII case? */
static int
word_eq(const char *s, const char *w)
{
	for (; *s != '\0' && *w != '\0'; s++, w++)
		if (lower(*s) != *w)
			return 0;
	return *s == '\0' && *w == '\0';
}

/* Does s equal the first n characters of w exactly, ignoring case? */
static int
word_eqn(const char *s, const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '\0' || lower(s[i]) != w[i])
			return 0;
	return s[n] == '\0';
}

/*
 * The value of exactly n decimal digits at s, or -1 when any of them is
 * not a digit.  n is small enough that the value fits an int.
 */
static int
digits(const char *s, size_t n)
{
	size_t i;
	int v = 0;

	for (i = 0; i < n; i++) {
		if (!isdig(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Floor division, for negative years and month counts. */
static int64_t
floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* Is y a leap year in the proleptic Gregorian calendar (any y)? */
static int
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days in month m (1..12) of any year y. */
static int
mdays(int64_t y, int m)
{
	static const int n[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && is_leap(y))
		return 29;
	return n[m - 1];
}

/* Day number of y-m-d for any y; m and d must already be valid. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = floordiv(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Year, month and day of any day number z. */
static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = floordiv(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Is z a day of the years 1..9999? */
static int
in_range(int64_t z)
{
	return z >= DATE_MIN && z <= DATE_MAX;
}

/* 1 = Monday ... 7 = Sunday for any day number; 1970-01-01 was a Thursday. */
static int
weekday64(int64_t z)
{
	return (int)((z % 7 + 7 + 3) % 7) + 1;
}

/* date + dur with no range check; dur.unit must be d, w, m or y. */
static int64_t
add64(int64_t date, struct psw_duration dur)
{
	int64_t y, months;
	int m, d, md;

	switch (dur.unit) {
	case 'd':
		return date + dur.n;
	case 'w':
		return date + (int64_t)dur.n * 7;
	case 'm':
	case 'y':
		civil_from_days(date, &y, &m, &d);
		months = y * 12 + (m - 1) +
		    (dur.unit == 'y' ? (int64_t)dur.n * 12 : dur.n);
		y = floordiv(months, 12);
		m = (int)(months - y * 12) + 1;
		md = mdays(y, m);
		return days_from_civil(y, m, d < md ? d : md);
	}
	return date;
}

/* Is u one of the units d, w, m, y? */
static int
is_unit(char u)
{
	return u == 'd' || u == 'w' || u == 'm' || u == 'y';
}

/* Days in month m of year y; 0 when m is not 1..12. */
int
psw_date_month_days(int y, int m)
{
	if (m < 1 || m > 12)
		return 0;
	return mdays(y, m);
}

/* Day number of y-m-d into *out (may be NULL to only check); 0 or -1. */
int
psw_date_from_ymd(int y, int m, int d, psw_date *out)
{
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > mdays(y, m))
		return -1;
	if (out != NULL)
		*out = (psw_date)days_from_civil(y, m, d);
	return 0;
}

/* Year, month and day of a day number. */
void
psw_date_to_ymd(psw_date date, int *y, int *m, int *d)
{
	int64_t yy;

	civil_from_days(date, &yy, m, d);
	*y = (int)yy;
}

/* Strict "YYYY-MM-DD": exactly ten characters, a day that exists. */
int
psw_date_parse_iso(const char *s, psw_date *out)
{
	int y, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	if ((y = digits(s, 4)) < 0 || (m = digits(s + 5, 2)) < 0 ||
	    (d = digits(s + 8, 2)) < 0)
		return -1;
	return psw_date_from_ymd(y, m, d, out);
}

/* "YYYY-MM-DD" into buf, or "" for PSW_DATE_NONE and other bad days. */
char *
psw_date_format(psw_date date, char *buf)
{
	int y, m, d;

	if (!in_range(date)) {
		buf[0] = '\0';
		return buf;
	}
	psw_date_to_ymd(date, &y, &m, &d);
	if (y < 0 || y > 9999) {
		snprintf(buf, PSW_DATE_LEN, "%04d-%02d-%02d", y, m, d);
		return buf;
	}
	/* By hand: the index writes a few hundred thousand of these. */
	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = '\0';
	return buf;
}

/* ISO weekday: 1 = Monday ... 7 = Sunday. */
int
psw_date_weekday(psw_date date)
{
	return weekday64(date);
}

/* ISO 8601 week-numbering year and week of a day. */
void
psw_date_isoweek(psw_date date, int *year, int *week)
{
	int64_t thu, y;
	int m, d;

	/* The week belongs to the year that holds its Thursday. */
	thu = (int64_t)date - weekday64(date) + 4;
	civil_from_days(thu, &y, &m, &d);
	*year = (int)y;
	*week = (int)((thu - days_from_civil(y, 1, 1)) / 7 + 1);
}

/* Monday of an ISO week; -1 when the year has no such week. */
int
psw_date_from_isoweek(int year, int week, psw_date *out)
{
	int64_t jan4, mon;
	int y, w;

	if (year < 1 || year > 9999 || week < 1 || week > 53)
		return -1;
	/* 4 January is always in week 1. */
	jan4 = days_from_civil(year, 1, 4);
	mon = jan4 - weekday64(jan4) + 1 + (int64_t)(week - 1) * 7;
	if (!in_range(mon))
		return -1;
	if (week == 53) {
		psw_date_isoweek((psw_date)mon, &y, &w);
		if (y != year)
			return -1;
	}
	if (out != NULL)
		*out = (psw_date)mon;
	return 0;
}

/* Parse an unsigned duration "Nd", "Nw", "Nm" or "Ny". */
int
psw_duration_parse(const char *s, struct psw_duration *out,
    struct psw_err *e)
{
	size_t len;
	int n;

	if (s == NULL)
		s = "";
	len = strlen(s);
	if (len < 2 || len > REL_DIGITS + 1 || !is_unit(s[len - 1]) ||
	    (n = digits(s, len - 1)) < 0 || n > DUR_MAX)
		return psw_error(e, PSW_EUSAGE,
		    "'%s' is not a duration (" DUR_FORMS ")", s);
	out->n = n;
	out->unit = s[len - 1];
	return 0;
}

/*
 * date + dur, clamping months and years to the month end; PSW_DATE_NONE
 * when date is not a valid day or the result leaves the years 1..9999.
 */
psw_date
psw_date_add(psw_date date, struct psw_duration dur)
{
	int64_t r;

	if (!in_range(date) || !is_unit(dur.unit))
		return PSW_DATE_NONE;
	r = add64(date, dur);
	return in_range(r) ? (psw_date)r : PSW_DATE_NONE;
}

/* Days from `from` to from + dur (negative for a negative dur). */
int
psw_duration_days(psw_date from, struct psw_duration dur)
{
	if (!in_range(from) || !is_unit(dur.unit))
		return 0;
	return (int)(add64(from, dur) - from);
}

/*
 * Parse one date form relative to today.  Returns P_OK and sets *out,
 * P_SYNTAX when s is none of the forms, or P_RANGE when it is one but the
 * day falls outside 0001-01-01..9999-12-31.
 */
static int
parse_date(const char *s, psw_date today, psw_date *out)
{
	struct psw_duration dur;
	int64_t r;
	size_t len;
	int i, n;

	if (psw_date_parse_iso(s, out) == 0)
		return P_OK;
	len = strlen(s);
	if (word_eq(s, "today"))
		r = today;
	else if (word_eq(s, "yesterday"))
		r = (int64_t)today - 1;
	else if (word_eq(s, "tomorrow"))
		r = (int64_t)today + 1;
	else if ((s[0] == '+' || s[0] == '-') && len >= 3 &&
	    len <= REL_DIGITS + 2 && is_unit(s[len - 1]) &&
	    (n = digits(s + 1, len - 2)) >= 0) {
		dur.n = s[0] == '-' ? -n : n;
		dur.unit = s[len - 1];
		r = add64(today, dur);
	} else {
		for (i = 0; i < 7; i++)
			if (word_eq(s, wdnames[i]) ||
			    word_eqn(s, wdnames[i], 3))
				break;
		if (i == 7)
			return P_SYNTAX;
		/* The next such day: 1..7 days ahead, never today. */
		r = (int64_t)today + 1 + ((i + 1) - weekday64(today) + 6) % 7;
	}
	if (!in_range(today) || !in_range(r))
		return P_RANGE;
	*out = (psw_date)r;
	return P_OK;
}

/* Parse any date form relative to today, with a message on failure. */
int
psw_date_parse(const char *s, psw_date today, psw_date *out,
    struct psw_err *e)
{
	int rc;

	if (s == NULL)
		s = "";
	if ((rc = parse_date(s, today, out)) == P_RANGE)
		return psw_error(e, PSW_EUSAGE,
		    "'%s' is out of range (" RANGE_TEXT ")", s);
	if (rc != P_OK)
		return psw_error(e, PSW_EUSAGE,
		    "'%s' is not a date (" DATE_FORMS ")", s);
	return 0;
}

/* Parse a week, month, year or single day into an inclusive range. */
int
psw_period_parse(const char *s, psw_date today, psw_date *from,
    psw_date *to, struct psw_err *e)
{
	psw_date a, b;
	size_t len;
	int rc, y, m, w;

	if (s == NULL)
		s = "";
	len = strlen(s);
	y = len >= 4 ? digits(s, 4) : -1;
	if (y >= 0 && len == 4) {
		if (psw_date_from_ymd(y, 1, 1, &a) < 0)
			goto bad;
		b = (psw_date)days_from_civil(y, 12, 31);
	} else if (y >= 0 && len == 7 && s[4] == '-') {
		if ((m = digits(s + 5, 2)) < 0 ||
		    psw_date_from_ymd(y, m, 1, &a) < 0)
			goto bad;
		b = a + mdays(y, m) - 1;
	} else if (y >= 0 && len == 8 && s[4] == '-' &&
	    (s[5] == 'W' || s[5] == 'w')) {
		if ((w = digits(s + 6, 2)) < 1 || w > 53)
			goto bad;
		if (psw_date_from_isoweek(y, w, &a) < 0) {
			if (w == 53 && psw_date_from_isoweek(y, 1, NULL) == 0)
				return psw_error(e, PSW_EUSAGE,
				    "'%s' is not a week (%04d has only 52 "
				    "ISO weeks)", s, y);
			goto bad;
		}
		b = a + 6;
		if (!in_range(b))
			return psw_error(e, PSW_EUSAGE,
			    "'%s' is out of range (" RANGE_TEXT ")", s);
	} else {
		if ((rc = parse_date(s, today, &a)) == P_RANGE)
			return psw_error(e, PSW_EUSAGE,
			    "'%s' is out of range (" RANGE_TEXT ")", s);
		if (rc != P_OK)
			goto bad;
		b = a;
	}
	*from = a;
	*to = b;
	return 0;
bad:
	return psw_error(e, PSW_EUSAGE, "'%s' is not a period (" PERIOD_FORMS
	    ")", s);
}

/* The local calendar date now, or -1. */
static int
local_today(psw_date *out)
{
	struct tm tm;
	time_t t;

	if ((t = time(NULL)) == (time_t)-1 || localtime_r(&t, &tm) == NULL)
		return -1;
	if (tm.tm_year > 9999 - 1900)
		return -1;
	return psw_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, out);
}

/* What "today" is: as_of, else $PSW_TODAY, else the local date. */
int
psw_date_today(const char *as_of, psw_date *out, struct psw_err *e)
{
	struct psw_err pe;
	const char *src, *s;
	psw_date now;

	if (local_today(&now) < 0)
		return psw_error(e, PSW_EIO, "cannot tell the local date");
	if (as_of != NULL) {
		src = "--as-of";
		s = as_of;
	} else if ((s = getenv("PSW_TODAY")) != NULL && *s != '\0') {
		src = "PSW_TODAY";
	} else {
		*out = now;
		return 0;
	}
	if (psw_date_parse(s, now, out, &pe) < 0)
		return psw_error(e, pe.code, "%s: %s", src, pe.msg);
	return 0;
}
