/* A run's class: the shape of its divergence and the invariants it
 * violated, as one name usable in a file name ("doubled.no-silent-divergence",
 * "missing-tail.prefix-verifier-fooled", "none.ok"). */
#ifndef TPMFAULT_CLASS_H
#define TPMFAULT_CLASS_H

#include <stddef.h>

#include "explore/runfacts.h"

/* The divergence of PCR 10 from the list: "none", "missing" (entries lost
 * before the last one), "missing-tail" (only the last entries lost),
 * "doubled", "missing-doubled", or "unexplained" (no explanation). */
const char *class_shape(const struct run_facts *rf);

/* shape, then each violated invariant in table order, '.'-separated ("ok"
 * when none is).  -1 when buf is too small. */
int class_name(const struct run_facts *rf, char *buf, size_t size);

#endif
