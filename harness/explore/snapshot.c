#include "explore/snapshot.h"

#include <stdio.h>
#include <stdlib.h>

#include "explore/judge.h"
#include "explore/placement.h"
#include "faults/scenario.h"
#include "runner/fsutil.h"
#include "runner/run.h"
#include "runner/snapshot.h"
#include "util/err.h"
#include "util/str.h"

static void snap_run_opts(const struct explore_snap *sn, struct run_opts *ro)
{
    *ro = (struct run_opts){ .root = sn->o->root, .kernel = sn->o->kernel,
                             .snapshot = sn->dir };
}

/* Boot the base run (no faults) into the snapshot. */
static int make(struct explore_snap *sn, const struct scenario *base, char **err)
{
    char reports[PATH_MAX];
    struct run_opts ro;
    snap_run_opts(sn, &ro);
    str_fmt(reports, sizeof(reports), "%s/snapshots/runs", sn->o->out);
    ro.reports = reports;
    ro.make_snapshot = true;
    printf("tpmfault explore: making the snapshot %s\n", sn->dir);
    fflush(stdout);
    enum verdict v = run_scenario(base, &ro);
    if (v != VERDICT_PASS)
        return err_set(err, "the snapshot could not be made (see %s/%s)", reports,
                       base->name);
    return 0;
}

int explore_snapshot_init(const struct explore_opts *o, struct explore_snap *sn)
{
    char dir[PATH_MAX], path[PATH_MAX], *err = NULL;
    struct placement p;
    static struct scenario base;   /* large: the rule table */
    *sn = (struct explore_snap){ .o = o };
    if (o->no_snapshot)
        return 0;
    placement_make(0, 0, &p);
    p.n = 0;
    str_fmt(dir, sizeof(dir), "%s/snapshots", o->out);
    str_fmt(sn->dir, sizeof(sn->dir), "%s/base", dir);
    struct run_opts ro;
    snap_run_opts(sn, &ro);
    int rc = mkdir_p(dir, &err);
    if (rc == 0)
        rc = explore_write_script(dir, "base", &p, "explore: the base run's snapshot",
                                  path, sizeof(path), &err);
    if (rc == 0)
        rc = scenario_load(path, &base, &err);
    if (rc == 0 && snapshot_fits(&base, &ro, sn->dir, NULL) < 0)
        rc = make(sn, &base, &err);
    sn->ok = rc == 0;
    if (run_stop_signal()) {
        free(err);
        return 128 + run_stop_signal();
    }
    if (!sn->ok)
        printf("tpmfault explore: every run boots: %s\n", err ? err : "no snapshot");
    free(err);
    return 0;
}

const char *explore_snapshot_for(struct explore_snap *sn, const char *path)
{
    static struct scenario s;
    struct run_opts ro;
    bool fits = false;
    if (sn->ok && scenario_load(path, &s, NULL) == 0) {
        snap_run_opts(sn, &ro);
        fits = snapshot_fits(&s, &ro, sn->dir, NULL) == 0;
    }
    ++*(fits ? &sn->used : &sn->fresh);
    return fits ? sn->dir : NULL;
}
