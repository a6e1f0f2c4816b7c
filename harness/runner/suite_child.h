/* One child of a suite: a `tpmfault run` in its own process group with
 * its output in a log, and what it left turned into a suite_result. */
#ifndef TPMFAULT_SUITE_CHILD_H
#define TPMFAULT_SUITE_CHILD_H

#include <stdbool.h>

#include "runner/proc.h"
#include "runner/suite.h"
#include "verdict/summary.h"

enum child_phase { CHILD_RUNNING, CHILD_TERM_SENT, CHILD_KILL_SENT };

struct suite_child {
    const struct suite_entry *e;   /* NULL: the slot is free */
    size_t index;                  /* in the suite's entries */
    struct group g;                /* the child alone, leading its group */
    double t0;                     /* monotonic start */
    double deadline;               /* the suite's outer deadline */
    enum child_phase phase;
    double phase_end;              /* when the phase's grace runs out */
    char stopped[160];             /* why the suite stopped it, or "" */
};

/* Remove the scenario's old report directory and start the run.  0, or
 * -1 with *err. */
int child_start(struct suite_child *c, const struct suite_opts *o, char **err);
/* Signal the child's whole process group, note why (the first reason
 * stays), and enter the phase that belongs to the signal: SIGKILL gives
 * SUITE_KILL_GRACE_S, any other SUITE_TERM_GRACE_S. */
void child_signal(struct suite_child *c, int sig, double now, const char *why);
/* The child has been reaped (or abandoned): move its log to
 * REPORTS/NAME/run.log and fill r from its report and exit status. */
void child_finish(struct suite_child *c, const struct suite_opts *o,
                  double now, struct suite_result *r);

#endif
