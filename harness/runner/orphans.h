/* A suite that must SIGKILL a `tpmfault run` would leave the run's own
 * children (swtpm, the shim, QEMU: their own process group) running.  As a
 * child subreaper the suite inherits them, and kills and reaps them here. */
#ifndef TPMFAULT_ORPHANS_H
#define TPMFAULT_ORPHANS_H

#include <stddef.h>
#include <sys/types.h>

/* Make this process the subreaper of its descendants.  0 or -1. */
int orphans_adopt(void);
/* SIGKILL and reap every child of this process whose pid is not in keep,
 * again until none is left or ms have passed.  Returns how many are left. */
size_t orphans_reap(const pid_t *keep, size_t n_keep, int ms);

#endif
