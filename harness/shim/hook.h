/* The one decision point every guest command passes through before it
 * may reach the TPM.  The fault engine plugs in here; the default decides
 * "relay".  A decision is data, so the data relay alone does the I/O. */
#ifndef TPMFAULT_SHIM_HOOK_H
#define TPMFAULT_SHIM_HOOK_H

#include <stddef.h>
#include <stdint.h>

#include "shim/book.h"

enum relay_action {
    ACT_RELAY,    /* forward to swtpm, relay its response: fate "relayed" */
    ACT_ANSWER,   /* do not forward; answer with rc: fate "answered" */
};

struct relay_decision {
    enum relay_action action;
    uint32_t rc;          /* ACT_ANSWER: the response code to give */
};

typedef struct relay_decision relay_decide_fn(void *ctx,
                                              const struct inflight *cmd,
                                              const uint8_t *frame,
                                              size_t len);

/* Always ACT_RELAY. */
relay_decide_fn relay_decide_default;

/* "relayed", "answered". */
const char *relay_fate(enum relay_action a);

#endif
