/*
 * fuzz_doc.c - the document loader and the client validator: any bytes
 * are loaded (limits, anchors, tags, several documents refused with a
 * position), a loaded document is validated as a client file, emitted,
 * and the emitted text must load again and emit the same text (what a
 * tool writes, it can read back).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "client.h"
#include "doc.h"
#include "error.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct psw_diags d = PSW_DIAGS_INIT;
	struct psw_buf out = PSW_BUF_INIT, again = PSW_BUF_INIT;
	struct psw_doc *doc = NULL, *doc2 = NULL;
	struct psw_client *c;
	struct psw_err e;
	int rc;

	if (psw_doc_load_mem((const char *)data, size, "fuzz.yaml", &doc,
	    &e) < 0) {
		FUZZ_CHECK(e.code == PSW_EDATA || e.code == PSW_EIO);
		FUZZ_CHECK(e.msg[0] != '\0');
		return 0;
	}
	rc = psw_client_read(doc, NULL, &c, &d);
	FUZZ_CHECK(rc == 0 || rc == -PSW_EDATA || rc == -PSW_EIO);
	FUZZ_CHECK(rc != -PSW_EDATA || d.n > 0);
	psw_diags_release(&d);
	if (psw_doc_emit(doc, &out, &e) == 0 && out.len > 0) {
		rc = psw_doc_load_mem(out.s, out.len, "emitted.yaml", &doc2,
		    &e);
		if (rc < 0 && e.code != PSW_EIO) {
			fprintf(stderr, "emitted text does not load: %s\n"
			    "%s", e.msg, out.s);
			FUZZ_CHECK(!"the emitted text loads again");
		}
		if (rc == 0 && psw_doc_emit(doc2, &again, &e) == 0)
			FUZZ_CHECK(again.len == out.len &&
			    memcmp(again.s, out.s, out.len) == 0);
	}
	psw_buf_release(&out);
	psw_buf_release(&again);
	psw_doc_free(doc2);
	psw_doc_free(doc);
	return 0;
}
