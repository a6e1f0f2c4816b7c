/* Files that readers (CI, a second tool) must see whole or not at all. */
#ifndef TPMFAULT_ATOMICFILE_H
#define TPMFAULT_ATOMICFILE_H

#include <stdio.h>

/* Writes the contents of one file to a stream. */
typedef void atomic_writer(FILE *out, const void *ctx);

/* dir/name, 0644: write(out, ctx) into a temporary file next to it, flush
 * and fsync, then rename it into place.  On failure the old file (if any)
 * stays and the temporary one is removed. */
int atomic_write(const char *dir, const char *name, atomic_writer *write,
                 const void *ctx, char **err);

#endif
