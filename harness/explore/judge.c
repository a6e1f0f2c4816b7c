#include "explore/judge.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/class.h"
#include "util/atomicfile.h"
#include "util/err.h"
#include "util/str.h"
#include "util/textfile.h"

static void put_text(FILE *out, const void *text)
{
    fputs(text, out);
}

int explore_write_script(const char *dir, const char *name, const struct placement *p,
                         const char *desc, char *path, size_t size, char **err)
{
    char *script = placement_script(p, desc, NULL);
    int rc = -1;
    if (!script)
        err_set(err, "out of memory");
    else if (str_fmt(path, size, "%s/%s.scn", dir, name) < 0)
        err_set(err, "%s: path too long", dir);
    else
        rc = atomic_write(dir, strrchr(path, '/') + 1, put_text, script, err);
    free(script);
    return rc;
}

static int read_facts(const char *dir, struct run_facts *rf, char **err)
{
    char path[PATH_MAX];
    if (str_fmt(path, sizeof(path), "%s/report.json", dir) < 0)
        return err_set(err, "%s: path too long", dir);
    char *text = text_file_read(path, err);
    int rc = text ? runfacts_parse(text, rf, err) : -1;
    free(text);
    return rc;
}

/* A run judges its facts when its expectations were checked, or when the
 * guest broke it (hung, panicked, stopped short: guest-survives is
 * violated, the rest is what the evidence allows).  A skipped run, or one
 * the harness could not run, judges nothing. */
int explore_judge(const char *dir, const char *verdict, struct run_facts *rf,
                  char *cls, size_t size, char **why)
{
    bool checked = !strcmp(verdict, "pass") || !strcmp(verdict, "fail");
    bool broken = !strcmp(verdict, "broken");
    int rc = checked || broken ? read_facts(dir, rf, why) : -1;
    if (rc == 0 && broken && !rf->guest_failed)
        rc = -1;
    if (rc < 0) {
        if (!*why)
            err_set(why, "the run's verdict is %s (see its run.log)", verdict);
        str_fmt(cls, size, "%s", !strcmp(verdict, "skip") ? "skip" : "broken");
        return -1;
    }
    class_name(rf, cls, size);
    return 0;
}
