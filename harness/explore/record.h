/* A search's runs and its summary.json (written atomically after every
 * batch, read back by --resume). */
#ifndef TPMFAULT_EXPLORE_RECORD_H
#define TPMFAULT_EXPLORE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "explore/invariants.h"

#define EXPLORE_MAX_INV 16

struct explore_run {
    uint64_t index;             /* the placement's number in the search */
    char name[24];              /* its script's and report's name, pNNNNN */
    char *placement;            /* placement_describe, malloc'd */
    uint64_t run_seed;
    char cls[256];              /* class_name, or "broken" */
    char verdict[16];           /* the run's own verdict (its [expect]) */
    char problem[256];          /* why it has no class, or "" */
    enum inv_result inv[EXPLORE_MAX_INV];   /* by the invariants table */
    double wall_s;
};

struct explore_log {
    uint64_t seed;
    char kernel[64];            /* --kernel, or "" */
    struct explore_run *runs;
    size_t n, cap;
    double wall_s;              /* this search's, resumed parts included */
    /* why it ended: "budget", "time" (--time spent), "signal"; NULL
     * while it runs */
    const char *stopped;
};

/* A fresh slot at the end of log (zeroed), or NULL when out of memory. */
struct explore_run *explore_log_add(struct explore_log *log);
void explore_log_free(struct explore_log *log);
/* How many runs have run i's class; *first: i is the first of them. */
size_t explore_class_count(const struct explore_log *log, size_t i, bool *first);

/* dir/summary.json from log, atomically.  0, or -1 with *err. */
int explore_log_write(const char *dir, const struct explore_log *log, char **err);
/* Read dir/summary.json back into log (empty).  0, or -1 with *err naming
 * the file and field. */
int explore_log_read(const char *dir, struct explore_log *log, char **err);

#endif
