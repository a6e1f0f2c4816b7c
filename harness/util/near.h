/* The known name nearest to a mistyped one, for "did you mean ...?" hints.
 * Candidates come from any table, one at a time; the distance counts
 * inserting, deleting or substituting a character and swapping two
 * neighbours as one edit each, ignoring case, and a candidate counts only
 * when it is close for its length. */
#ifndef TPMFAULT_NEAR_H
#define TPMFAULT_NEAR_H

#include <stddef.h>

struct near {
    const char *word;    /* what was typed */
    const char *best;    /* the nearest candidate so far, or NULL */
    unsigned dist;
};

void near_start(struct near *n, const char *word);
void near_consider(struct near *n, const char *candidate);
/* The nearest candidate when it is close enough (at most a quarter of the
 * typed word's length, and at least 1, edits away), else NULL. */
const char *near_best(const struct near *n);
/* "; did you mean BEST?" for the end of a message, or "" (in buf). */
const char *near_hint(const struct near *n, char *buf, size_t size);

#endif
