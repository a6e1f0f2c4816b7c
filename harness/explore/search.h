/* tpmfault explore: run placements as child `tpmfault run`s (the suite's
 * child-running code), judge each run's facts by the invariants, classify,
 * and keep summary.json current. */
#ifndef TPMFAULT_EXPLORE_SEARCH_H
#define TPMFAULT_EXPLORE_SEARCH_H

#include <stdbool.h>
#include <stdint.h>

struct explore_opts {
    const char *exe;            /* the tpmfault program the runs use */
    const char *root;           /* the project's root (cache/, build/) */
    const char *out;            /* the search's directory (reports/explore) */
    const char *kernel;         /* --kernel for every run, or NULL */
    const char *fail_on;        /* "CLASS,..." or NULL */
    const char *found;          /* where shrunk scripts go (scenarios/found) */
    unsigned shrink_runs;       /* runs per class to shrink with; 0: none */
    uint64_t seed;
    uint64_t budget;            /* runs (more runs with resume); 0: --time only */
    double time_s;              /* 0: --budget only */
    unsigned jobs;
    bool resume;                /* continue out/summary.json's search */
    bool no_snapshot;           /* every run boots (explore/snapshot.h) */
};

/* Exit code: 0 the search completed, 1 a run's class matched fail_on (or
 * the search could not write its files), 128 + N interrupted by signal N. */
int explore_search(const struct explore_opts *o);

/* fail_on's items are known: a class name, or a shape or invariant name
 * (matching every class that has it).  0, or -1 with *err naming the item. */
int explore_fail_on_check(const char *fail_on, char **err);
/* cls matches one of fail_on's items. */
bool explore_fail_on_match(const char *fail_on, const char *cls);

#endif
