#define _XOPEN_SOURCE 700
#include "runner/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/err.h"

int private_dir_create(const char *prefix, char *path, unsigned size,
                       char **err)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    if ((unsigned)snprintf(path, size, "%s/%s.XXXXXX", tmp, prefix) >= size)
        return err_set(err, "TMPDIR path too long");
    if (!mkdtemp(path))     /* mkdtemp creates it 0700 */
        return err_errno(err, "mkdtemp %s", path);
    return 0;
}

static int remove_one(const char *p, const struct stat *sb, int type,
                      struct FTW *ftw)
{
    (void)sb;
    (void)type;
    (void)ftw;
    return remove(p) < 0 && errno != ENOENT ? -1 : 0;
}

int tree_remove(const char *path)
{
    return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) < 0 ? -1 : 0;
}

int mkdir_p(const char *path, char **err)
{
    char buf[4096];
    if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
        return err_set(err, "path too long: %s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
            return err_errno(err, "mkdir %s", buf);
        *p = '/';
    }
    if (mkdir(buf, 0755) < 0 && errno != EEXIST)
        return err_errno(err, "mkdir %s", buf);
    return 0;
}

static int copy_file(const char *from, const char *to, char **err)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return err_errno(err, "open %s", from);
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0) {
        close(in);
        return err_errno(err, "create %s", to);
    }
    char buf[65536];
    ssize_t n;
    int rc = 0;
    while ((n = read(in, buf, sizeof(buf))) > 0) {
        if (write(out, buf, (size_t)n) != n) {
            rc = err_errno(err, "write %s", to);
            break;
        }
    }
    if (n < 0)
        rc = err_errno(err, "read %s", from);
    close(in);
    if (close(out) < 0 && rc == 0)
        rc = err_errno(err, "close %s", to);
    return rc;
}

int copy_tree(const char *from, const char *to, char **err)
{
    struct stat st;
    if (stat(from, &st) < 0)
        return err_errno(err, "%s", from);
    if (!S_ISDIR(st.st_mode))
        return copy_file(from, to, err);
    if (mkdir(to, 0700) < 0 && errno != EEXIST)
        return err_errno(err, "mkdir %s", to);
    DIR *d = opendir(from);
    if (!d)
        return err_errno(err, "%s", from);
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char a[4096], b[4096];
        snprintf(a, sizeof(a), "%s/%s", from, de->d_name);
        snprintf(b, sizeof(b), "%s/%s", to, de->d_name);
        rc = copy_tree(a, b, err);
    }
    closedir(d);
    return rc;
}

bool file_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

bool wait_for_path(const char *path, int timeout_ms)
{
    struct timespec tick = { 0, 10 * 1000 * 1000 };
    for (int waited = 0; waited <= timeout_ms; waited += 10) {
        if (file_exists(path))
            return true;
        nanosleep(&tick, NULL);
    }
    return false;
}
