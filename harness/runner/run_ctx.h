/* One run's state, shared by the files that carry a run out: run.c
 * (the whole run: signals, deadline, waiting, collecting), run_setup.c
 * (what must exist before anything starts) and run_start.c (swtpm, the
 * shim and QEMU).  Private to harness/runner. */
#ifndef TPMFAULT_RUN_CTX_H
#define TPMFAULT_RUN_CTX_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "runner/proc.h"
#include "runner/run.h"
#include "runner/testhooks.h"
#include "verdict/outcome.h"

/* The TPM state templates, one directory per bank set (scripts/tpm-template.sh
 * makes them; the Makefile's TEMPLATES names the same place).  "ek-ak":
 * templates with the persistent AK; the older ones beside it have none. */
#define RUN_TEMPLATES "cache/tpm-template/ek-ak"
/* RUN_TEMPLATES' directory for the TPM 1.2 state (tpm-template.sh DIR 1.2). */
#define RUN_TPM12_TEMPLATE "tpm12-unowned"

struct run_ctx {
    const struct scenario *s;
    const struct run_opts *o;
    struct run_outcome out;
    const char *kernel;       /* --kernel, else the script's, else 6.1 */
    unsigned deadline_s;      /* --deadline, else the script's */
    FILE *evidence;           /* the agent's capture, read as it grows */
    bool booted, workload_done;
    char rundir[256];
    char report_dir[PATH_MAX];
    char kernel_path[PATH_MAX];
    char initramfs[PATH_MAX];
    char template_dir[PATH_MAX];   /* cache/tpm-template/<banks> or
                                    * RUN_TPM12_TEMPLATE */
    struct test_hooks hooks;
    struct group g;
    int swtpm, shim, qemu;    /* indexes in g, -1 until started */
    double t0;
    double deadline;
    bool deadline_hit;
    int signal;               /* SIGINT/SIGTERM/SIGHUP that stopped the run, or 0 */
};

/* "[name  12.3s] ..." on stderr. */
void run_progress(struct run_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The first reason a run is broken is the one it keeps. */
void run_set_broken(struct run_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A file in the run's private directory. */
void run_path(const struct run_ctx *c, const char *name, char *buf,
              size_t size);
/* A stop signal arrived / the deadline passed: the run is broken, with
 * the cause recorded once. */
bool run_interrupted(struct run_ctx *c);
bool run_deadline_passed(struct run_ctx *c);

/* run_setup.c: the kernel, the initramfs, the programs, the template's
 * name; a missing one makes the run a skip. */
int run_check_requirements(struct run_ctx *c);
/* The quote's nonce and the fault rules' seed (--seed, the script's, or
 * random); no randomness makes the run broken, never a fixed value. */
void run_nonce_and_seed(struct run_ctx *c);
/* "sha1,sha256": a bank set as the template directory and the guest name it. */
void run_banks_string(unsigned mask, char *buf, size_t size);

/* run_start.c: swtpm then the shim (the TPM), and QEMU; -1 with the run
 * broken and the reason set. */
int run_start_tpm(struct run_ctx *c);
int run_start_qemu(struct run_ctx *c);

#endif
