/* Files and directories of a run. */
#ifndef TPMFAULT_FSUTIL_H
#define TPMFAULT_FSUTIL_H

#include <stdbool.h>

/* A private (0700) directory $TMPDIR/PREFIX.XXXXXX (or /tmp/...); path
 * receives it. */
int private_dir_create(const char *prefix, char *path, unsigned size,
                       char **err);
/* Remove a tree without following symlinks.  Returns 0 or -1. */
int tree_remove(const char *path);
/* mkdir -p with mode 0755. */
int mkdir_p(const char *path, char **err);
/* Copy a regular file, or a directory tree of regular files. */
int copy_tree(const char *from, const char *to, char **err);
bool file_exists(const char *path);
/* Wait (polling) until path exists, up to timeout_ms. */
bool wait_for_path(const char *path, int timeout_ms);

#endif
