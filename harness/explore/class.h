/* A run's class: the shape of its divergence and the invariants it
 * violated, as one name usable in a file name ("doubled.no-silent-divergence",
 * "missing-tail.prefix-verifier-fooled", "none.ok"). */
#ifndef TPMFAULT_CLASS_H
#define TPMFAULT_CLASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "explore/runfacts.h"

/* The divergence of PCR 10 from the list: "none", "missing" (entries lost
 * before the last one), "missing-next" (an entry lost right after one the
 * kernel logged an error for that did reach the PCR), "missing-tail" (only
 * the last entries lost), "doubled", "missing-doubled", or "unexplained"
 * (no explanation). */
const char *class_shape(const struct run_facts *rf);

/* [s, s+len) is a word of some class: a shape, an invariant, "ok", or a
 * run's "broken" or "skip". */
bool class_word_known(const char *s, size_t len);

/* One comment line per word of cls, what its shape means and what each
 * invariant it names saw: "# doubled: an entry was extended ...". */
void class_describe(FILE *out, const char *cls);

/* shape, then each violated invariant in table order, '.'-separated ("ok"
 * when none is).  -1 when buf is too small. */
int class_name(const struct run_facts *rf, char *buf, size_t size);

#endif
