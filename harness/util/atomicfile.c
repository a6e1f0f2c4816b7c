#include "util/atomicfile.h"

#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/err.h"
#include "util/str.h"

int atomic_write(const char *dir, const char *name, atomic_writer *write,
                 const void *ctx, char **err)
{
    char path[4096], tmp[4096];
    if (str_fmt(path, sizeof(path), "%s/%s", dir, name) < 0 ||
        str_fmt(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name) < 0)
        return err_set(err, "%s: path too long", dir);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return err_errno(err, "create %s", tmp);
    FILE *out = fdopen(fd, "w");
    if (!out) {
        close(fd);
        unlink(tmp);
        return err_errno(err, "fdopen %s", tmp);
    }
    fchmod(fd, 0644);
    write(out, ctx);
    bool ok = fflush(out) == 0 && !ferror(out) && fsync(fd) == 0;
    if (fclose(out) != 0 || !ok) {
        unlink(tmp);
        return err_errno(err, "write %s", tmp);
    }
    if (rename(tmp, path) < 0) {
        unlink(tmp);
        return err_errno(err, "rename %s to %s", tmp, path);
    }
    return 0;
}

int atomic_write_files(const char *dir, const struct atomic_file *files,
                       size_t n, const void *ctx, char **err)
{
    for (size_t i = 0; i < n; i++)
        if (atomic_write(dir, files[i].name, files[i].write, ctx, err) < 0)
            return -1;
    return 0;
}
