/*
 * ics.h - writing iCalendar (RFC 5545) content lines: CRLF line ends,
 * lines folded at 75 octets (never inside a UTF-8 character), TEXT
 * values escaped.
 */
#ifndef PSW_ICS_H
#define PSW_ICS_H

#include <stdio.h>

/*
 * Write one content line "name:value" (name may carry parameters, as
 * "DTSTART;VALUE=DATE"), folded.  With escape set, value is TEXT:
 * backslash, semicolon, comma and newline are escaped and other control
 * characters dropped.  Returns 0 or EOF.
 */
int psw_ics_line(FILE *fp, const char *name, const char *value, int escape);

#endif
