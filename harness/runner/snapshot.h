/* Snapshots of a guest at the start of its workload: a run that boots with
 * tpmfault.snapshot=1 stops after boot_aggregate and the policy, QEMU
 * migrates to a file (the -tpmdev emulator backend carries swtpm's state in
 * the stream through CMD_GET_STATEBLOB, relayed by the shim), and the
 * snapshot's trace, console and evidence so far are kept beside it.  A run
 * from the snapshot starts a new swtpm and shim (shim/prefix.h: the rules
 * have counted the boot's frames), QEMU with -incoming, then sends the
 * agent its go-line on ttyS1 (a fresh nonce, files, pause_ms): its trace
 * and evidence are the snapshot's followed by its own.
 *
 * A snapshot directory holds: */
#ifndef TPMFAULT_SNAPSHOT_H
#define TPMFAULT_SNAPSHOT_H

#include "faults/scenario.h"
#include "runner/run.h"

#define SNAPSHOT_VM       "vm.mig"        /* QEMU's migration stream */
#define SNAPSHOT_TRACE    "trace.jsonl"   /* the shim's trace of the boot */
#define SNAPSHOT_SERIAL   "serial.log"    /* the console of the boot */
#define SNAPSHOT_EVIDENCE "evidence.txt"  /* the agent's lines of the boot */
#define SNAPSHOT_KEY      "key"           /* what the boot depended on */
/* A restored guest's ttyS1 (the go-line comes in on it). */
#define SNAPSHOT_TTYS1    "chardev:ttys1"

/* Whether a run of s with o can start from the snapshot in dir: made for
 * the same kernel, initramfs, TPM and banks, and no fault rule of s fires
 * on a frame of the snapshot's boot.  0, or -1 with *err saying why not. */
int snapshot_fits(const struct scenario *s, const struct run_opts *o,
                  const char *dir, char **err);

#endif
