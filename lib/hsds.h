/*
 * hsds.h - Open Referral HSDS 3.0 CSV directories in and out of the
 * service directory.
 *
 * Import reads services.csv (required) and, when present,
 * organizations.csv, phones.csv, languages.csv, service_areas.csv,
 * schedules.csv, attributes.csv with taxonomy_terms.csv, and
 * service_at_location.csv with locations.csv and addresses.csv.  Every
 * file is read and checked before anything is written: a malformed CSV
 * or a service without id or name is an error with file:line and
 * nothing changes.  Each HSDS service becomes services/<id>.yaml with
 * `hsds-id`; a re-import updates the file with the same hsds-id in
 * place (the HSDS fields only; referral-method, contact, notes and keys
 * psw does not know are kept) and never touches a service without
 * hsds-id.  Export writes the same set of files back.
 */
#ifndef PSW_HSDS_H
#define PSW_HSDS_H

#include <stddef.h>

#include "error.h"
#include "store.h"

struct psw_hsds_stats {
	size_t added, updated, unchanged;
};

/* Import the HSDS CSV folder dir into st's services; 0 or -code. */
int psw_hsds_import(struct psw_store *st, const char *dir,
    struct psw_hsds_stats *stats, struct psw_err *e);

/* Export every valid service of st into the folder dir (created when
 * missing); *count is the number of services written.  0 or -code. */
int psw_hsds_export(struct psw_store *st, const char *dir, size_t *count,
    struct psw_err *e);

#endif
