/* Files that readers (CI, a second tool) must see whole or not at all. */
#ifndef TPMFAULT_ATOMICFILE_H
#define TPMFAULT_ATOMICFILE_H

#include <stddef.h>
#include <stdio.h>

/* Writes the contents of one file to a stream. */
typedef void atomic_writer(FILE *out, const void *ctx);

/* dir/name, 0644: write(out, ctx) into a temporary file next to it, flush
 * and fsync, then rename it into place.  On failure the old file (if any)
 * stays and the temporary one is removed. */
int atomic_write(const char *dir, const char *name, atomic_writer *write,
                 const void *ctx, char **err);

/* One file of a set written from the same context. */
struct atomic_file {
    const char *name;
    atomic_writer *write;
};

/* atomic_write of each file of files[0..n) in dir, in order; stops at the
 * first failure.  The suite's summary and each run's report are written
 * this way. */
int atomic_write_files(const char *dir, const struct atomic_file *files,
                       size_t n, const void *ctx, char **err);

#endif
