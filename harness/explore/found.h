/* A shrunk run written as an ordinary scenario: scenarios/found/SLUG-N.scn
 * (SLUG: the class with each invariant shortened to its initials)
 * with a comment saying where it came from and [expect] set from the run's
 * facts, so `tpmfault run` checks the behaviour stays. */
#ifndef TPMFAULT_EXPLORE_FOUND_H
#define TPMFAULT_EXPLORE_FOUND_H

#include <stddef.h>

#include "explore/placement.h"
#include "explore/runfacts.h"

/* The [expect] lines the facts support (each key only when the facts
 * decide it: a bank-mixed comparison or an invalid quote is left out).
 * Malloc'd, NULL when out of memory. */
char *found_expect(const struct run_facts *rf);

/* Write dir/SLUG-N.scn (N the first free number from 1); its path into
 * path.  origin: one line on where the placement came from.  0, or -1
 * with *err. */
int found_write(const char *dir, const char *cls, const struct placement *p,
                const struct run_facts *rf, const char *origin, char *path,
                size_t path_size, char **err);

#endif
