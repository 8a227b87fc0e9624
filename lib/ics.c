/*
 * ics.c - iCalendar content lines.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "ics.h"

#define ICS_FOLD 75		/* octets a line, CRLF not counted (3.1) */

int
psw_ics_line(FILE *fp, const char *name, const char *value, int escape)
{
	struct psw_buf b = PSW_BUF_INIT;
	const unsigned char *p;
	size_t i, n, room, start;
	int rc = 0;

	psw_buf_adds(&b, name);
	psw_buf_addc(&b, ':');
	for (p = (const unsigned char *)value; escape && *p != '\0'; p++) {
		if (*p == '\\' || *p == ';' || *p == ',') {
			psw_buf_addc(&b, '\\');
			psw_buf_addc(&b, *p);
		} else if (*p == '\n')
			psw_buf_adds(&b, "\\n");
		else if (*p < 0x20 || *p == 0x7f)
			;	/* CR and other controls have no TEXT form */
		else
			psw_buf_addc(&b, *p);
	}
	if (!escape)
		psw_buf_adds(&b, value);
	if (b.oom) {
		psw_buf_release(&b);
		return EOF;
	}
	/* Fold: the first line holds 75 octets, each continuation a space
	 * and 74; a break never falls before a UTF-8 continuation byte. */
	for (start = 0, room = ICS_FOLD; start < b.len; room = ICS_FOLD - 1) {
		n = b.len - start;
		if (n > room) {
			n = room;
			while (n > 0 && ((unsigned char)b.s[start + n] & 0xc0)
			    == 0x80)
				n--;
		}
		if (start > 0 && putc(' ', fp) == EOF)
			rc = EOF;
		for (i = 0; i < n; i++)
			if (putc(b.s[start + i], fp) == EOF)
				rc = EOF;
		if (fputs("\r\n", fp) == EOF)
			rc = EOF;
		start += n;
	}
	psw_buf_release(&b);
	return rc;
}
