/* One scenario run: swtpm, the shim and QEMU in one process group under one
 * deadline; the guest's evidence collected; the verdict reported. */
#ifndef TPMFAULT_RUN_H
#define TPMFAULT_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "faults/scenario.h"
#include "verdict/code.h"

struct run_opts {
    const char *root;         /* project root: cache/, build/, bin/ */
    const char *kernel;       /* series or path; NULL = scenario's or 6.1 */
    const char *reports;      /* reports directory (default ROOT/reports) */
    const char *initramfs;    /* default ROOT/build/initramfs.cpio.gz */
    unsigned deadline_s;      /* 0 = the scenario's */
    uint64_t seed;
    bool seed_set;
    bool keep_rundir;         /* for debugging: leave the runtime dir */
    /* A snapshot directory (runner/snapshot.h): the run starts from it, or
     * with make_snapshot boots to the start of the workload and saves one
     * there instead of running the scenario. */
    const char *snapshot;
    bool make_snapshot;
};

/* Run s and write its report; returns the verdict. */
enum verdict run_scenario(const struct scenario *s, const struct run_opts *o);
/* The stop signal (SIGINT, SIGTERM, SIGHUP) that interrupted a run of this
 * process, 0 when none did. */
int run_stop_signal(void);

#endif
