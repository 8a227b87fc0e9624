/*
 * sha256.h - SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104), for the
 * keyed pseudonyms of de-identified reports.  Not for passwords.
 */
#ifndef PSW_SHA256_H
#define PSW_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define PSW_SHA256_LEN 32
#define PSW_SHA256_BLOCK 64

struct psw_sha256 {
	uint32_t h[8];
	uint64_t len;			/* bytes hashed so far */
	unsigned char buf[PSW_SHA256_BLOCK];
	size_t nbuf;
};

void psw_sha256_init(struct psw_sha256 *c);
void psw_sha256_update(struct psw_sha256 *c, const void *p, size_t n);
void psw_sha256_final(struct psw_sha256 *c, unsigned char out[PSW_SHA256_LEN]);

/* The digest of n bytes at p. */
void psw_sha256(const void *p, size_t n, unsigned char out[PSW_SHA256_LEN]);

/* HMAC-SHA-256 of msg under key. */
void psw_hmac_sha256(const void *key, size_t nkey, const void *msg,
    size_t nmsg, unsigned char out[PSW_SHA256_LEN]);

#endif
