/* reports/explore/index.html: one row per class, its count, its first
 * run's report and its shrunk script. */
#ifndef TPMFAULT_EXPLORE_INDEX_H
#define TPMFAULT_EXPLORE_INDEX_H

#include <limits.h>
#include <stddef.h>

#include "explore/record.h"

struct shrunk {
    char cls[256];
    char path[PATH_MAX];        /* the script written */
    char verdict[16];           /* its own run's verdict */
};

/* dir/index.html, atomically.  0, or -1 with *err. */
int explore_index_write(const char *dir, const struct explore_log *log,
                        const struct shrunk *sh, size_t n_sh, char **err);

#endif
