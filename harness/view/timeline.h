/* One run's timeline, the model behind `tpmfault show`, the console's
 * compact form after the verdict and report.html: one row per guest TPM
 * command (the shim's trace), each PCR 10 extend given to the list entry
 * it carries, with what became of it, and one summary per list entry (in
 * PCR 10 once, twice, never, and why: the verdict's explanation).  Built
 * only from a report directory's files, read with the verifier's readers. */
#ifndef TPMFAULT_TIMELINE_H
#define TPMFAULT_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/dmesg.h"
#include "verify/entries.h"
#include "verify/explain.h"
#include "verify/trace.h"

/* Where in the run a command came from.  Firmware: up to SeaBIOS's last
 * extend of PCRs 0-7 (the kernel never extends those); boot: the kernel's
 * probe and IMA's boot_aggregate; workload: from the first file's extend
 * to the last PCR 10 extend; agent: the quote and what follows. */
enum tl_phase { TL_FIRMWARE, TL_BOOT, TL_WORKLOAD, TL_AGENT, TL_PHASES };

/* What happened to a command, in this order of precedence: a fault held
 * it; swtpm applied the same measurement again; it never reached swtpm
 * and the guest saw no error; the guest saw an error; relayed. */
enum tl_fate { TL_HELD, TL_TWICE, TL_LOST, TL_ERRORED, TL_RELAYED, TL_FATES };

extern const char *const tl_phase_names[TL_PHASES];
extern const char *const tl_fate_names[TL_FATES];

#define TL_NONE ((size_t)-1)

struct tl_row {
    const struct trace_cmd *c;    /* the command in tl->trace */
    const struct trace_fault *fault;  /* the rule that fired, or NULL */
    enum tl_phase phase;
    enum tl_fate fate;
    bool extend;                  /* a PCR 10 extend (IMA's) */
    bool applied;                 /* extend: swtpm executed it */
    size_t entry;                 /* extend: index in tl->entries, or TL_NONE */
    unsigned send;                /* extend: 1, or 2.. for a driver's resend */
    unsigned cancels;             /* CMD_CANCEL_TPM_CMD while it was pending */
};

#define TL_MAX_KERNEL_LINES 4

struct tl_entry {
    int64_t index;                /* the list's entry index; 0 boot_aggregate */
    char file[256];
    unsigned frames;              /* PCR 10 extend frames that carried it */
    unsigned in_pcr;              /* how often swtpm applied it */
    size_t first_row, last_row;   /* its frames in tl->rows, or TL_NONE */
    char why[320];                /* in_pcr != 1: why, from the frames */
    long kernel_result[TL_MAX_KERNEL_LINES];  /* "Error Communicating to
                                   * TPM chip, result: N" while measuring it */
    unsigned n_kernel;
};

struct timeline {
    struct trace trace;
    bool have_trace, have_list, have_dmesg;
    struct list_entries le;
    struct dmesg_facts dm;
    struct explanation x;         /* valid when have_explanation */
    bool have_explanation;
    struct tl_row *rows;          /* one per trace command */
    size_t n_rows;
    struct tl_entry *entries;     /* one per PCR 10 list entry */
    size_t n_entries;
    unsigned cancels, shutdowns;  /* control messages */
    double t_end;                 /* the last time in the trace */
    char unaligned[256];          /* the applied extends do not follow the
                                   * list (why), so no entry's count is known */
    char problem[512];            /* what could not be read, "" */
};

/* Read dir's trace.jsonl, binary_runtime_measurements and dmesg.txt (a
 * missing file leaves its part empty) and build the timeline.  0, or -1
 * with *err when a file is there but cannot be read (the file and line or
 * offset named); tl then holds what could be read and is still freed with
 * timeline_free. */
int timeline_load(const char *dir, struct timeline *tl, char **err);
void timeline_free(struct timeline *tl);

/* The rows and entries from parts already in tl (trace, le, dm, flags):
 * what timeline_load does after reading, for tests that build the parts. */
int timeline_build(struct timeline *tl, char **err);

/* The control messages the timeline shows: QEMU's CMD_CANCEL_TPM_CMD (the
 * driver gave up on a command) and CMD_SHUTDOWN. */
bool tl_ctrl_is_cancel(const struct trace_ctrl *c);
bool tl_ctrl_is_shutdown(const struct trace_ctrl *c);

/* "TPM_RC_FAILURE", "0x922", or "-" when nothing was answered. */
const char *tl_rc_text(const struct timeline *tl, uint32_t rc, char *buf, size_t n);

#endif
