/* What a script's rules will do to the workload, before any run: the
 * engine fed the frames the workload's IMA extends make.  Pure, like the
 * engine.
 *
 * The model: IMA extends PCR 10 files + 1 times (k = 1 boot_aggregate,
 * k = n + 1 the n-th workload file), swtpm answers every command with
 * success, and the only resends are the driver's after the script's own
 * TPM_RC_RETRY or TPM_RC_TESTING answers (the same frame, up to
 * PREDICT_DRIVER_TRIES in all).  Only rules that match nothing but PCR 10
 * extends can be predicted: a rule that matches other frames too (the
 * firmware's PCR 0-7 extends, other commands) counts frames the model
 * does not have, and a rule with ppm is predicted only for a known seed.
 * A close or a dropped response ends the prediction: no later frame
 * reaches the shim (QEMU's worker waits for the answer that never comes).
 * A hold that ignores the guest's cancel keeps the device busy for its
 * delay_ms, and commands the guest sends meanwhile fail without reaching
 * the shim (hold-past-cancel): how many depends on the timing, so the
 * prediction goes on and says from where it is uncertain. */
#ifndef TPMFAULT_PREDICT_H
#define TPMFAULT_PREDICT_H

#include <stdbool.h>
#include <stdint.h>

#include "faults/scenario.h"

#define PREDICT_DRIVER_TRIES 8
#define PREDICT_MAX_HITS 32

enum predict_kind {
    PREDICT_DONE,          /* hits says what it does */
    PREDICT_OTHER_FRAMES,  /* matches frames beyond IMA's extends */
    PREDICT_RANDOM,        /* ppm without a known seed */
};

/* One frame a rule fires on: the IMA extend (measurement) k and the
 * frame's place in it (1 = the first send, 2 = the first resend, ...). */
struct predict_hit {
    unsigned k;
    unsigned frame;
};

struct predict_rule {
    enum predict_kind kind;
    struct predict_hit hit[PREDICT_MAX_HITS];
    unsigned n_hits;        /* may exceed PREDICT_MAX_HITS: more not kept */
    unsigned k_reached;     /* the rule's own k at the end (frames or
                             * measurements, as it counts) */
    unsigned alone_k;       /* no hit, but alone it would fire at this
                             * k: earlier rules decide its frames, or
                             * the channel ended before */
};

struct prediction {
    unsigned extends;       /* files + 1 */
    unsigned frames;        /* PCR 10 frames the model sent */
    unsigned ended_at;      /* the k a close or drop ended it on, or 0 */
    const char *ended_by;   /* that action's name */
    unsigned busy_at;       /* the first k a hold past the cancel held, or 0 */
    struct predict_rule rule[FAULT_MAX_RULES];
};

/* Predict s's rules; seed_known says whether seed is the run's. */
void scenario_predict(const struct scenario *s, bool seed_known,
                      uint64_t seed, struct prediction *p);

/* Warnings about s (rules that never fire on the workload, expected list
 * indices beyond its files), one line each, "path:line: warning: ...";
 * NULL when there are none.  The caller frees. */
char *scenario_warnings(const struct scenario *s, const struct prediction *p);

#endif
