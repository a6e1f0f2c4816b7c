/* Reading the shim's trace (trace.jsonl, format: docs/trace.md, its keys
 * and values trace/format.h), the ground truth of a run: which PCR 10
 * extends the guest sent, which of them swtpm executed, and the PCR values
 * swtpm held before it shut down.  The one reader of the trace: the
 * runner, replay --trace, show and the matrix all read it through
 * trace_load.  What a command is comes from its code, never its name. */
#ifndef TPMFAULT_TRACE_H
#define TPMFAULT_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tpm/alg.h"
#include "tpm/frame.h"

/* A response code the trace does not have (nothing was answered). */
#define TRACE_RC_NONE 0xffffffffu
/* A command line without a command code. */
#define TRACE_CC_NONE 0xffffffffu

/* One firing of a fault rule, from the "fault" member of a command line. */
struct trace_fault {
    unsigned ord;
    char rule[32];
    char action[24];
    char command[32];
    int pcr;                      /* -1 when not a PCR_Extend */
    bool forwarded;               /* the command reached swtpm */
    bool on_response;             /* the rule acted on swtpm's response
                                   * (TRACE_V_RESPONSE): forwarded */
    double t;                     /* shim time of the command */
    bool answered;                /* the guest got a response (a line with
                                   * "rc") ... */
    double t_answered;            /* ... at this shim time */
    bool closed;                  /* the data channel closed instead */
};

/* Every guest command on the data channel (ordinal order) with what became
 * of it: the rows of a run's timeline (view/timeline.h), and (trace_ext)
 * the PCR 10 extends the verifier replays. */
struct trace_cmd {
    unsigned ord;                 /* data-channel ordinal */
    double t;                     /* the command reached the shim */
    double t_rsp;                 /* the guest's response left it; -1: none */
    double t_release;             /* a held command was let go; -1: never held */
    uint32_t cc;                  /* command code (ordinal), TRACE_CC_NONE */
    char name[32];                /* "PCR_Extend", "unknown", ...: shown,
                                   * never matched on (cc is) */
    int pcr;                      /* PCR_Extend's PCR, else -1 */
    bool forwarded;               /* reached swtpm */
    bool answered;                /* a response line was seen */
    bool held;                    /* a fault held it (TRACE_FATE_HELD) */
    uint32_t tpm_rc;              /* swtpm's own response code, if forwarded */
    uint32_t guest_rc;            /* the response code the guest received,
                                   * TRACE_RC_NONE when it got none */
    int fault;                    /* index in faults, or -1 */
    unsigned bank_mask;           /* an extend's banks (any PCR), else 0 */
    uint8_t digest[BANK_COUNT][ALG_MAX_DIGEST];
};

/* A control-channel message (CMD_INIT, CMD_CANCEL_TPM_CMD, CMD_SHUTDOWN). */
struct trace_ctrl {
    double t;
    uint32_t code;                /* tpm_ioctl.h's CMD_*; 0: not traced */
    char cmd[32];                 /* its name, for people */
    unsigned after_ord;           /* the last data command before it, 0: none */
};

/* CMD_CANCEL_TPM_CMD messages QEMU sent (the guest's driver gave up on a
 * command): the first TRACE_MAX_CANCELS times are kept, all are counted. */
#define TRACE_MAX_CANCELS 32

struct trace {
    struct trace_cmd *cmds;       /* every data-channel command */
    size_t n_cmds, cmds_cap;
    struct trace_ctrl *ctrls;     /* every control message */
    size_t n_ctrls, ctrls_cap;
    struct trace_fault *faults;   /* in ordinal order */
    size_t n_faults;
    size_t faults_cap;
    size_t *ext;                  /* PCR 10 extends, in ordinal order: their
                                   * index in cmds (trace_ext) */
    size_t n_ext;
    size_t cap;
    bool have_truth;              /* a pcr_truth line for PCR 10 was seen */
    unsigned truth_mask;
    double truth_read_s;          /* the shim's time for it; -1 unknown */
    uint8_t truth[BANK_COUNT][ALG_MAX_DIGEST];
    double cancel_t[TRACE_MAX_CANCELS];
    size_t n_cancels;
    bool tpm12;                   /* the shim relayed a TPM 1.2 (the
                                   * faults event's family) */
    unsigned frames;              /* data-channel commands */
    unsigned errors;              /* TRACE_EV_ERROR lines */
    char first_error[160];
};

/* True when swtpm executed the extend: it reached swtpm and swtpm answered
 * TPM_RC_SUCCESS (whatever the guest was told: a response a fault replaced,
 * delayed, held, dropped or closed the channel on still carries tpm_rc). */
static inline bool trace_extend_applied(const struct trace_cmd *e)
{
    return e->forwarded && e->answered && e->tpm_rc == 0;
}

/* PCR 10 extend i (i < n_ext). */
static inline const struct trace_cmd *trace_ext(const struct trace *t,
                                                size_t i)
{
    return &t->cmds[t->ext[i]];
}

/* The run's TPM family. */
enum tpm_family trace_family(const struct trace *t);
/* A PCR extend, a quote: by the command's code in the run's family. */
bool trace_cmd_is_extend(const struct trace *t, const struct trace_cmd *c);
bool trace_cmd_is_quote(const struct trace *t, const struct trace_cmd *c);

int trace_load(const char *path, struct trace *t, char **err);
void trace_free(struct trace *t);
size_t trace_applied_count(const struct trace *t);
/* For a fault on a PCR 10 extend: 1 applied, 0 not; -1 other commands. */
int trace_ord_applied(const struct trace *t, unsigned ord);
/* Extend i is the driver's resend of extend i - 1: the same digests in
 * every bank, one right after the other (IMA measures a file once, so two
 * measurements never carry the same template data). */
bool trace_extend_is_resend(const struct trace *t, size_t i);
/* PCR 10 measurements the guest sent before data-channel ordinal
 * before_ord (0: all): extends, a resend counted once. */
size_t trace_measurements(const struct trace *t, unsigned before_ord);

#endif
