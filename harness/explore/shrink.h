/* Shrinking the first run of a class: smaller placements (placement_smaller)
 * are run for real, one at a time, and kept while the class stays the
 * same; the result is written as scenarios/found/SLUG-N.scn and run once
 * more as it stands, to show it passes. */
#ifndef TPMFAULT_EXPLORE_SHRINK_H
#define TPMFAULT_EXPLORE_SHRINK_H

#include <stddef.h>

#include "explore/placement.h"
#include "explore/runfacts.h"
#include "explore/search.h"

/* p with class cls and facts rf (its run's), origin: one line for the
 * script's comment.  The written script's path into path and its own
 * run's verdict into verdict.  0, 128 + N when interrupted, or -1 with
 * *err. */
int explore_shrink(const struct explore_opts *o, const struct placement *p,
                   const char *cls, const struct run_facts *rf,
                   const char *origin, char *path, size_t size,
                   char *verdict, size_t verdict_size, char **err);

#endif
