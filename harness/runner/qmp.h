/* A QMP client just large enough for snapshots (runner/snapshot.c): QEMU's
 * monitor on a unix socket, one command at a time, every wait under a
 * deadline (host CLOCK_MONOTONIC seconds, util/mono.h). */
#ifndef TPMFAULT_QMP_H
#define TPMFAULT_QMP_H

#include <stddef.h>

#include "util/jsonread.h"

struct qmp {
    int fd;
    char buf[16384];      /* what arrived past the last line taken */
    size_t have;
};

/* Connect to path (QEMU creates it as it starts: retried until the
 * deadline), read the greeting, leave negotiation mode.  0, or -1 with
 * *err. */
int qmp_open(struct qmp *q, const char *path, double deadline, char **err);
/* Run "execute": cmd with the JSON object args (NULL: none); events on
 * the way are skipped.  *ret (the tree of the "return" member's line,
 * caller frees with jv_free) when ret is not NULL.  0, or -1 with *err (QEMU's
 * "error" says why). */
int qmp_exec(struct qmp *q, const char *cmd, const char *args, struct jv **ret,
             double deadline, char **err);
void qmp_close(struct qmp *q);

#endif
