/*
 * fuzz_csv.c - the RFC 4180 reader under the HSDS importer: any bytes
 * are read as a CSV file with a header, every record to the end or the
 * first error (which must name a line).  What is read is written back
 * with the CSV writer and must read again to the same fields.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "error.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct psw_csv c, c2;
	struct psw_buf out = PSW_BUF_INIT;
	struct psw_err e;
	const char *row[64];
	size_t i, n;
	int rc;

	if (psw_csv_open_mem(&c, (const char *)data, size, "fuzz.csv",
	    &e) < 0) {
		FUZZ_CHECK(e.msg[0] != '\0');
		return 0;
	}
	if (psw_csv_read_header(&c, &e) < 0) {
		FUZZ_CHECK(e.msg[0] != '\0');
		psw_csv_release(&c);
		return 0;
	}
	(void)psw_csv_get(&c, "id");
	(void)psw_csv_col(&c, "name");
	while ((rc = psw_csv_next(&c, &e)) == 1) {
		n = c.nfields < 64 ? c.nfields : 64;
		for (i = 0; i < n; i++)
			row[i] = psw_csv_field(&c, i);
		(void)psw_csv_get(&c, "name");
		psw_buf_reset(&out);
		if (n == 0 || psw_csv_put_row(&out, row, n) < 0)
			continue;
		/* The row written back reads as the same fields (as the
		 * first row of a file, where a byte order mark is skipped). */
		if (strncmp(row[0], "\xef\xbb\xbf", 3) == 0)
			continue;
		if (psw_csv_open_mem(&c2, out.s, out.len, "again.csv",
		    &e) == 0) {
			if (psw_csv_next(&c2, &e) == 1) {
				for (i = 0; i < n; i++)
					FUZZ_CHECK(strcmp(psw_csv_field(&c2,
					    i), row[i]) == 0);
			}
			psw_csv_release(&c2);
		}
	}
	if (rc < 0)
		FUZZ_CHECK(e.msg[0] != '\0');
	psw_buf_release(&out);
	psw_csv_release(&c);
	return 0;
}
