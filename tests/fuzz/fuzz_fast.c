/*
 * fuzz_fast.c - the reader of psw's own form (doc_fast.c) against
 * libyaml's: whatever it reads, libyaml must read as the same tree, to
 * every position.  Each input is tried as it is and as the emitter
 * writes it (the form the fast reader is for).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "doc_impl.h"
#include "fuzz.h"

/* Where the fast reader takes s, libyaml reads the same tree. */
static void
same_as_libyaml(const char *s, size_t n)
{
	char why[256];

	if (psw_doc_readers_agree(s, n, why, sizeof why) < 0) {
		fprintf(stderr, "the readers differ: %s\n", why);
		FUZZ_CHECK(!"both readers read the same tree");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct psw_buf out = PSW_BUF_INIT;
	struct psw_doc *doc = NULL;
	struct psw_err e;

	same_as_libyaml((const char *)data, size);
	if (psw_doc_load_libyaml((const char *)data, size, "fuzz.yaml", &doc,
	    &e) == 0 && psw_doc_emit(doc, &out, &e) == 0 && out.len > 0)
		same_as_libyaml(out.s, out.len);
	psw_buf_release(&out);
	psw_doc_free(doc);
	return 0;
}
