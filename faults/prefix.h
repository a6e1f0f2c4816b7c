/* A run restored from a snapshot (runner/snapshot.h) begins where the
 * snapshot's boot ended: its trace is the snapshot's trace (the prefix:
 * firmware and boot frames, the agent's policy) followed by its own
 * frames.  The fault rules must count as if they had seen the prefix, so
 * the prefix is fed through the engine first, as the shim would have
 * decided it: every guest command (its code, an extend's PCR) and every
 * answer the guest got.  A rule that fires on a prefix frame means the
 * run cannot start from the snapshot (its fault belongs to the boot). */
#ifndef TPMFAULT_FAULTS_PREFIX_H
#define TPMFAULT_FAULTS_PREFIX_H

#include <stdint.h>
#include <stdio.h>

#include "faults/engine.h"

struct prefix_state {
    uint64_t last_ord;   /* the prefix's last data-channel ordinal */
    double last_t;       /* its last trace time (seconds) */
    unsigned frames;     /* guest commands in it */
};

/* Feed the prefix trace at path through e and, when out is not NULL,
 * copy its lines there.  0, or -1 with *err naming path:line (a line
 * that is not a trace line, a fault fired while the snapshot was made)
 * or the rule that fires on a prefix frame. */
int prefix_replay(struct fault_engine *e, const char *path, FILE *out,
                  struct prefix_state *st, char **err);

#endif
