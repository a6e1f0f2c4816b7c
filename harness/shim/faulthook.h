/* The fault engine behind the shim's decision point: every guest command
 * becomes a fault_frame {cc, PCR index of an extend, ordinal, a hash of
 * its bytes}, each answer the guest gets is noted, and the
 * engine's decision becomes a relay_decision.  No I/O here. */
#ifndef TPMFAULT_SHIM_FAULTHOOK_H
#define TPMFAULT_SHIM_FAULTHOOK_H

#include "faults/engine.h"
#include "shim/hook.h"

struct shim;

/* Decide s's guest commands with e (started, outliving s); traces the
 * TRACE_EV_FAULTS event: the run's family, the seed and the rules. */
void shim_use_faults(struct shim *s, struct fault_engine *e);

/* ctx is a struct fault_engine * on which fault_engine_start() ran. */
relay_decide_fn relay_decide_faults;
/* What the guest was answered, for the engine's resend test. */
relay_answered_fn relay_answered_faults;

/* The PCR index a command extends: TPM2_PCR_Extend's handle or TPM 1.2
 * TPM_Extend's pcrNum when it is a PCR index (0..31), else FAULT_PCR_ANY. */
int fault_frame_pcr(const struct inflight *cmd, const uint8_t *frame,
                    size_t len);

/* The relay's form of one engine decision (rule names come from e).  On
 * the response, error, applied-then-error, cancel and failure-mode replace
 * swtpm's answer (ACT_REPLACE), delay, timeout and close become
 * ACT_DELAY_RSP, ACT_HOLD_RSP, ACT_CLOSE_RSP. */
struct relay_decision fault_to_relay(const struct fault_engine *e,
                                     const struct fault_decision *fd);

#endif
