/*
 * fuzz.h - what the fuzzing harnesses share.
 *
 * Each harness defines LLVMFuzzerTestOneInput().  Built with clang and
 * -fsanitize=fuzzer (meson -Dfuzz=true) it is a libFuzzer fuzzer; built
 * with replay.c instead it is a plain program that runs the files it is
 * given (the seed corpus and every crash found), so each crash stays a
 * regression test in every build.
 */
#ifndef PSW_FUZZ_H
#define PSW_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Stop the run (a broken invariant): abort, so the fuzzer keeps the input. */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fuzz_fail(__FILE__, __LINE__, #cond);			\
	}								\
} while (0)

void fuzz_fail(const char *file, int line, const char *what)
    __attribute__((noreturn));

/* A NUL-terminated copy of data (the harness frees it). */
char *fuzz_str(const uint8_t *data, size_t size);

#endif
