/* List-entry index sets as scripts and verdicts write them, so that an
 * expectation and what a run saw compare as strings. */
#ifndef TPMFAULT_IDXLIST_H
#define TPMFAULT_IDXLIST_H

#include <stddef.h>
#include <stdint.h>

/* "none" for an empty set, else ascending, each index once: "2,3,7".
 * Sorts v in place.  -1 when buf is too small (buf then holds a prefix). */
int idxlist_format(int64_t *v, size_t n, char *buf, size_t size);

#endif
