/* Where a run's time goes: the host's monotonic clock at the points the
 * runner passes, the guest's own uptime marks (the agent's "TPMFAULT mark
 * NAME SECONDS" lines) and the shim's time for the truth read, turned into
 * named phases for report.json and the console. */
#ifndef TPMFAULT_PHASES_H
#define TPMFAULT_PHASES_H

#include <stdbool.h>
#include <stddef.h>

#include "util/json.h"
#include "verdict/evidence.h"

/* Host CLOCK_MONOTONIC seconds; 0 = the run never got there. */
struct phase_clock {
    double start;          /* the run began */
    double qemu_start;     /* QEMU spawned */
    double restored;       /* a run from a snapshot: the go-line sent */
    double kernel_start;   /* estimated: a mark's arrival minus its uptime */
    double qemu_exit;      /* the runner saw QEMU gone */
    double daemons_done;   /* swtpm and the shim ended after QEMU */
    double collected;      /* logs copied, evidence decoded, run dir gone */
    double verified;       /* facts, expectations and verdict decided */
    double truth_read_s;   /* the shim's PCR read at shutdown; < 0 unknown */
};

enum phase_id {
    PHASE_HOST_SETUP,      /* start -> QEMU spawned */
    PHASE_RESTORE,         /* from a snapshot: QEMU spawned -> go-line sent */
    PHASE_QEMU_TO_KERNEL,  /* firmware, kernel and initrd loading */
    PHASE_KERNEL_TO_AGENT, /* kernel boot, initramfs unpacking */
    PHASE_WORKLOAD,        /* policy, measured reads */
    PHASE_LISTS,           /* the agent reads its lists and dmesg */
    PHASE_AK,              /* the template's AK read (tpm2_readpublic) */
    PHASE_QUOTE,           /* tpm2_quote */
    PHASE_TRANSFER,        /* the evidence over the serial port */
    PHASE_POWEROFF,        /* the agent's last mark -> QEMU gone, minus truth */
    PHASE_TRUTH,           /* the shim reads PCR 10 before swtpm's shutdown */
    PHASE_DAEMONS_END,     /* QEMU gone -> swtpm and the shim gone */
    PHASE_COLLECT,         /* copying logs, decoding the evidence */
    PHASE_VERIFY,          /* facts, expectations, verdict */
    PHASE_REPORT,          /* junit.xml, report.tap, nonce (report.json last) */
    PHASE_COUNT
};

struct phases {
    double s[PHASE_COUNT];
    bool have[PHASE_COUNT];    /* false: the run did not get that far */
};

/* The guest's marks, in the order the agent passes them. */
#define PHASE_MARK_AGENT    "agent"
#define PHASE_MARK_WORKLOAD "workload"
#define PHASE_MARK_LISTS    "lists"
#define PHASE_MARK_AK       "ak"
#define PHASE_MARK_QUOTE    "quote"
#define PHASE_MARK_SENT     "sent"

/* The phases of a run at host time now (the end of report writing). */
void phases_compute(const struct phase_clock *c, const struct evidence *ev,
                    double now, struct phases *out);
/* "host_setup", "qemu_to_kernel", ...: the key in report.json. */
const char *phase_key(enum phase_id id);
/* "phases": {"host_setup": 0.012, ...}, null for a phase not reached. */
void phases_json(struct json *j, const struct phases *p);
/* The n largest as "workload 1.20 s, ak 0.80 s, quote 0.30 s". */
void phases_largest(const struct phases *p, int n, char *buf, size_t size);

#endif
