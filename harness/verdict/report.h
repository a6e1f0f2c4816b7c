/* report.json, junit.xml and report.tap for one scenario run. */
#ifndef TPMFAULT_REPORT_H
#define TPMFAULT_REPORT_H

#include "verdict/verdict.h"

/* One run's report: what each report file is written from (report.c's
 * files, report.html). */
struct run_report {
    const struct scenario *s;
    const struct run_outcome *o;
    const struct facts *f;
    const struct checks *cs;
    enum verdict v;
    const char *reason;
};

/* report.json, junit.xml, report.tap and nonce in dir, each through
 * atomic_write (a reader never sees half a report) with the one escaper
 * of each format (util/escape.h, util/json.h).  0, or -1 with *err. */
int report_write(const char *dir, const struct scenario *s,
                 const struct run_outcome *o, const struct facts *f,
                 const struct checks *cs, enum verdict v, const char *reason,
                 char **err);

#endif
