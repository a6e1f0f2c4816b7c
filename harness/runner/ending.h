/* Why a run that ended badly is broken, named from how its processes
 * ended and what the guest left behind.  No clocks and no processes of its
 * own: unit tests give it made-up statuses and files. */
#ifndef TPMFAULT_ENDING_H
#define TPMFAULT_ENDING_H

#include <stdbool.h>
#include <stddef.h>

#include "runner/proc.h"
#include "verdict/evidence.h"

/* The processes of g other than skip (QEMU) that were reaped with a
 * signal or a non-zero status: "swtpm was killed by signal 9 (SIGKILL)
 * and shim exited 1 WHEN (see swtpm.log, shim.log)".  False (and reason
 * untouched) when none did. */
bool ending_daemons(const struct group *g, int skip, const char *when,
                    char *reason, size_t size);

/* QEMU killed by a signal, or exited non-zero (with the last line of
 * qemu_log, where QEMU says why).  False when it exited 0. */
bool ending_qemu(const struct proc *qemu, const char *qemu_log, char *reason,
                 size_t size);

/* QEMU ended, the agent did not say "done": a kernel panic (its message
 * from the console log), or the evidence channel cut short.  False when
 * the agent finished. */
bool ending_guest(const struct evidence *ev, bool have_evidence,
                  const char *serial_log, char *reason, size_t size);

/* The message of the first "Kernel panic - not syncing: MSG" line of a
 * console log ("" when it has none).  True when one was found. */
bool console_panic(const char *serial_log, char *msg, size_t size);

#endif
