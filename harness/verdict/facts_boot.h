#ifndef TPMFAULT_FACTS_BOOT_H
#define TPMFAULT_FACTS_BOOT_H

#include "verdict/facts.h"

/* Judge the list's boot_aggregate (boot_aggregate_judge) against the
 * firmware's extends the run's trace (f->trace) shows swtpm applied before IMA's
 * first PCR 10 extend; fill boot_aggregate_kind and boot_aggregate_why.
 * Run after the list was scanned. */
void facts_boot_aggregate(struct facts *f);

#endif
