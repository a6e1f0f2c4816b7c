/* What a run left behind for the verifier: why it could not be judged
 * (broken, skip: the runner's words for how its processes ended), the
 * guest's evidence (already decoded into the report directory), the
 * parameters that make it reproducible.  Nothing here names a process:
 * the verdict layer judges it without the runner. */
#ifndef TPMFAULT_OUTCOME_H
#define TPMFAULT_OUTCOME_H

#include <stdbool.h>
#include <stdint.h>

#include "verdict/evidence.h"
#include "verdict/phases.h"

struct run_outcome {
    char broken[256];         /* non-empty: the run could not be judged */
    /* broken because of the guest (it hung past the deadline, panicked or
     * stopped before its agent finished), not because the harness failed:
     * a finding for tpmfault explore, with whatever facts the run gave */
    bool guest_failed;
    char skip[256];           /* non-empty: a stated requirement is missing */
    double wall_s;
    char kernel_label[256];   /* "6.1 (linux-image-... 6.1.x-y)" or a path */
    /* the Debian series booted ("6.1", "6.12"); "" for a user's kernel.
     * Whose expectation overrides apply when the guest never said its
     * release (it died first). */
    char series[16];
    uint64_t seed;
    char nonce_hex[65];
    bool have_evidence;
    struct evidence ev;
    char reproduce[4608];     /* the command line that reruns this */
    struct phase_clock clock; /* where the run's time went */
};

#endif
