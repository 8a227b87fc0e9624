/*
 * deid.h - de-identified reports: stable keyed pseudonyms for client ids
 * and ages in five-year bands.
 *
 * The pseudonym of a client is "c-" and the first 10 hex digits of
 * HMAC-SHA-256(secret, "psw-client:" id).  The secret is 32 random bytes
 * kept as hex in $PSW_HOME/deid.key (0600), created on first use, so the
 * same client has the same pseudonym in every report of this case folder
 * and it cannot be reversed or recomputed without the secret.
 */
#ifndef PSW_DEID_H
#define PSW_DEID_H

#include <stddef.h>

#include "date.h"
#include "error.h"
#include "store.h"

#define PSW_DEID_KEYLEN 32
#define PSW_PSEUDONYM_LEN 13	/* "c-" + 10 hex + NUL */

struct psw_deid {
	unsigned char key[PSW_DEID_KEYLEN];
};

/*
 * Load the secret of st, creating it when missing (0600, written to a
 * temporary file and linked into place, so two first runs agree on one
 * secret).  Errors: -PSW_EIO, -PSW_EDATA (a damaged key file).
 */
int psw_deid_open(struct psw_deid *d, const struct psw_store *st,
    struct psw_err *e);

/* The pseudonym of client id into buf (PSW_PSEUDONYM_LEN); returns buf. */
char *psw_deid_client(const struct psw_deid *d, const char *id, char *buf);

/* Whole years from dob to today; -1 when dob is PSW_DATE_NONE or later. */
int psw_age(psw_date dob, psw_date today);

/* "30-34" for an age of 30..34 (into buf, at least 16); "" when unknown. */
char *psw_age_band(psw_date dob, psw_date today, char *buf, size_t size);

#endif
