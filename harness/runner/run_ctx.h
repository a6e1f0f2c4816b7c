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

/* A run made from or into a snapshot (snapshot.c); dir NULL: neither. */
struct run_snap {
    const char *dir;
    bool make;            /* boot to the snapshot point and save it there */
    bool ready;           /* the agent said "TPMFAULT snapshot-ready" */
    bool migrated;        /* QEMU wrote the stream (make) */
    bool saved;
    int go_fd;            /* restoring: ttyS1's input, the go-line's way */
    char append[256];     /* the snapshot's kernel command line */
    char qmp[PATH_MAX + 32], ttys1[PATH_MAX + 32], incoming[2 * PATH_MAX];
};

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
    struct run_snap snap;
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

/* One look at a run whose QEMU runs: false when the wait must end (a
 * signal, the deadline, a dead daemon), else the processes reaped and the
 * agent's new lines read after a short sleep. */
bool run_watch(struct run_ctx *c);

/* snapshot.c (the run's side of snapshot.h): the snapshot fits the run
 * (else broken); the QEMU arguments of a snapshot boot or restore, after
 * argv[0..n), returning the new n; after QEMU started, save the guest
 * (make) or send the go-line (restore); after the processes ended, keep
 * the snapshot's files (make) or put the prefixes before the run's serial
 * output in the report (restore).  -1 with the run broken. */
int snapshot_prepare(struct run_ctx *c);
int snapshot_qemu_args(struct run_ctx *c, char **argv, int n);
int snapshot_started(struct run_ctx *c);
void snapshot_finish(struct run_ctx *c);
void snapshot_collect(struct run_ctx *c);

/* run_start.c: swtpm then the shim (the TPM), and QEMU; -1 with the run
 * broken and the reason set. */
int run_start_tpm(struct run_ctx *c);
int run_start_qemu(struct run_ctx *c);

#endif
