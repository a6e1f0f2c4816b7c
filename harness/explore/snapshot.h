/* A search's snapshot (runner/snapshot.h): the base run booted once to the
 * start of its workload, in OUT/snapshots/base, made when it is missing or
 * was made for another kernel, initramfs or TPM.  A placement whose faults
 * all come after that point (no rule fires on a frame of the snapshot's
 * boot: IMA extends k >= 2, the agent's own commands) starts from it;
 * every other one boots. */
#ifndef TPMFAULT_EXPLORE_SNAPSHOT_H
#define TPMFAULT_EXPLORE_SNAPSHOT_H

#include <limits.h>
#include <stdbool.h>

#include "explore/search.h"

struct explore_snap {
    const struct explore_opts *o;
    bool ok;                 /* there is one: runs may start from it */
    char dir[PATH_MAX];
    unsigned used, fresh;    /* runs started from it, runs that booted */
};

/* The search's snapshot, made when needed (a line says so); with
 * o->no_snapshot, or when it cannot be made (a line says why), sn->ok is
 * false and every run boots.  Returns 128 + N when signal N interrupted
 * the making, else 0. */
int explore_snapshot_init(const struct explore_opts *o, struct explore_snap *sn);

/* The snapshot directory the script at path starts from, or NULL: it
 * boots. */
const char *explore_snapshot_for(struct explore_snap *sn, const char *path);

#endif
