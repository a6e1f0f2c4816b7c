#include "runner/reportdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/fsutil.h"
#include "util/err.h"
#include "util/jsonread.h"
#include "util/str.h"
#include "util/textfile.h"

static bool has_subdir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    bool found = !d;
    while (d && !found && (de = readdir(d)))
        found = de->d_type == DT_DIR && strcmp(de->d_name, ".") != 0 &&
                strcmp(de->d_name, "..") != 0;
    if (d)
        closedir(d);
    return found;
}

/* A report directory from before the marker: its report.json names the
 * directory's own scenario, and it holds no subdirectory.  The reports
 * trees users already have keep working; a folder of theirs does not
 * look like this. */
static bool legacy_report(const char *dir)
{
    char path[PATH_MAX];
    const char *name = strrchr(dir, '/');
    name = name ? name + 1 : dir;
    if (str_fmt(path, sizeof(path), "%s/report.json", dir) < 0)
        return false;
    char *err = NULL, *text = text_file_read(path, &err);
    struct jv *top = text ? jv_parse(text, &err) : NULL;
    const char *scenario = jv_get_str(top, "scenario");
    bool named = scenario && strcmp(scenario, name) == 0;
    jv_free(top);
    free(text);
    free(err);
    return named && !has_subdir(dir);
}

/* 1: dir is a run's report directory, 0: it does not exist, -1: it is
 * something else (*err says what). */
static int made_by_run(const char *dir, char **err)
{
    struct stat st;
    char mark[PATH_MAX];
    if (lstat(dir, &st) < 0)
        return errno == ENOENT ? 0 : err_errno(err, "%s", dir);
    if (!S_ISDIR(st.st_mode))
        return err_set(err, "%s is in the way of a report directory and is "
                       "not one: not removing it", dir);
    if (str_fmt(mark, sizeof(mark), "%s/%s", dir, REPORT_DIR_MARK) < 0)
        return err_set(err, "%s: path too long", dir);
    if ((lstat(mark, &st) < 0 || !S_ISREG(st.st_mode)) && !legacy_report(dir))
        return err_set(err, "%s exists and no tpmfault run made it (no %s in "
                       "it): not removing it; move it away or use another "
                       "--reports directory", dir, REPORT_DIR_MARK);
    return 1;
}

int report_dir_clear(const char *dir, char **err)
{
    int made = made_by_run(dir, err);
    if (made <= 0)
        return made;
    if (tree_remove(dir) < 0)
        return err_errno(err, "remove %s", dir);
    return 0;
}

static int make_marked(const char *dir, char **err)
{
    char mark[PATH_MAX];
    if (str_fmt(mark, sizeof(mark), "%s/%s", dir, REPORT_DIR_MARK) < 0)
        return err_set(err, "%s: path too long", dir);
    if (mkdir_p(dir, err) < 0)
        return -1;
    int fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return err_errno(err, "create %s", mark);
    close(fd);
    return 0;
}

int report_dir_fresh(const char *dir, char **err)
{
    if (report_dir_clear(dir, err) < 0)
        return -1;
    return make_marked(dir, err);
}

int report_dir_ensure(const char *dir, char **err)
{
    int made = made_by_run(dir, err);
    if (made < 0)
        return -1;
    return made ? 0 : make_marked(dir, err);
}
