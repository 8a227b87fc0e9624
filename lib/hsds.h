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
 * place (the HSDS fields only; referral-method, contact, notes, removed
 * and keys psw does not know are kept) and never touches a service
 * without hsds-id: an HSDS service whose id is the id of such a service
 * (psw's own export read back) is left alone and counted as kept.  An
 * existing service file that is not YAML stops the import (it might be
 * one of the services).  Lookups are hashed: the import is linear in
 * the size of the files.  Export writes the same set of files back,
 * every service that is not removed, with the psw id as HSDS id for a
 * service added by hand.
 */
#ifndef PSW_HSDS_H
#define PSW_HSDS_H

#include <stddef.h>

#include "error.h"
#include "store.h"

struct psw_hsds_stats {
	size_t added, updated, unchanged;
	size_t kept;	/* ids of services added by hand: left as they are */
};

/* Import the HSDS CSV folder dir into st's services; 0 or -code. */
int psw_hsds_import(struct psw_store *st, const char *dir,
    struct psw_hsds_stats *stats, struct psw_err *e);

/* Export every valid service of st into the folder dir (created when
 * missing); *count is the number of services written.  0 or -code. */
int psw_hsds_export(struct psw_store *st, const char *dir, size_t *count,
    struct psw_err *e);

#endif
