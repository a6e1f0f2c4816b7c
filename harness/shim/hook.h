/* The one decision point every guest command passes through before it
 * may reach the TPM.  The fault engine plugs in here (faulthook.h); the
 * default decides "relay".  A decision is data, so the data relay alone
 * does the I/O. */
#ifndef TPMFAULT_SHIM_HOOK_H
#define TPMFAULT_SHIM_HOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shim/book.h"
#include "trace/format.h"

enum relay_action {
    ACT_RELAY,    /* forward to swtpm, relay its response */
    ACT_ANSWER,   /* do not forward; answer with rc */
    ACT_REPLACE,  /* forward; read swtpm's response, answer rc instead */
    ACT_DELAY,    /* forward after delay_ms, relay the response */
    ACT_HOLD,     /* hold (not forwarded) until a cancel (unless
                   * ignore_cancel), delay_ms (when non-zero) or shutdown;
                   * then forward and relay (or, end_rc, answer rc) when
                   * applied_late, else answer TPM_RC_CANCELED (or rc) */
    ACT_DROP,     /* forward; read swtpm's response, answer nothing */
    ACT_CLOSE,    /* do not forward; close the data channel to QEMU */
    /* Acting on swtpm's response (a rule's direction = response): the
     * command is forwarded at once and applied. */
    ACT_DELAY_RSP,  /* relay swtpm's response delay_ms after it came */
    ACT_HOLD_RSP,   /* hold swtpm's response until a cancel (unless
                     * ignore_cancel), delay_ms (when non-zero) or
                     * shutdown; then relay it (or, end_rc, answer rc) */
    ACT_CLOSE_RSP,  /* read swtpm's response, then close the data channel
                     * to QEMU instead of answering */
};

struct relay_decision {
    enum relay_action action;
    uint32_t rc;          /* ACT_ANSWER, ACT_REPLACE: TPM 2.0 answer */
    uint32_t rc12;        /* the same for a TPM 1.2 command */
    unsigned delay_ms;    /* ACT_DELAY(_RSP): wait; ACT_HOLD(_RSP): limit,
                           * 0 = none */
    bool applied_late;    /* ACT_HOLD: forwarded when the hold ends */
    bool end_rc;          /* ACT_HOLD(_RSP): the hold ends answering rc */
    bool ignore_cancel;   /* ACT_HOLD(_RSP): a cancel does not end it */
    bool on_response;     /* the rule acts on swtpm's response (ACT_*_RSP,
                           * or ACT_REPLACE / ACT_DROP) */
    const char *rule;     /* the fault rule that decided, or NULL */
    const char *fault;    /* its action's name, e.g. "error" */
};

typedef struct relay_decision relay_decide_fn(void *ctx,
                                              const struct inflight *cmd,
                                              const uint8_t *frame,
                                              size_t len);

/* The guest received a response with rc to the command decided last (the
 * engine tells a driver's resend by it). */
typedef void relay_answered_fn(void *ctx, uint32_t rc);

/* Always ACT_RELAY. */
relay_decide_fn relay_decide_default;

/* The command line's fate: relayed, answered, delayed, held or closed.  A
 * command whose response a fault acts on is relayed: the response line
 * says what became of the response. */
enum trace_fate relay_fate(enum relay_action a);
/* Whether the command reaches swtpm when it is decided (ACT_DELAY: after
 * its delay; ACT_HOLD: never at once, its release says; ACT_*_RSP:
 * always). */
bool relay_forwards(enum relay_action a);

#endif
