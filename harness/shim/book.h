/* Frame bookkeeping for the data channel, apart from socket I/O: which
 * guest command is in flight, its ordinal, what it is.  QEMU sends one
 * command and waits for its response, so there is at most one. */
#ifndef TPMFAULT_SHIM_BOOK_H
#define TPMFAULT_SHIM_BOOK_H

#include <stdbool.h>
#include <stdint.h>

#include "tpm/frame.h"

struct inflight {
    bool active;
    bool at_tpm;          /* forwarded to swtpm, response not yet back */
    bool cancel_seen;     /* CMD_CANCEL_TPM_CMD arrived meanwhile */
    bool delaying;        /* waiting out a delay before forwarding, or
                           * (ACT_DELAY_RSP) before relaying the response */
    bool held;            /* held by a fault: the command, not forwarded,
                           * or (ACT_HOLD_RSP) swtpm's response */
    uint64_t ord;         /* 1-based; the response carries the same */
    struct tpm_hdr hdr;   /* the command's header */
    const char *name;
};

struct frame_book {
    uint64_t last_ord;
    struct inflight cur;
};

/* Start bookkeeping a complete command; returns its ordinal. */
uint64_t book_begin(struct frame_book *b, const struct tpm_hdr *h);
/* The command's response went to the guest (or was given up). */
void book_end(struct frame_book *b);

#endif
