/* From a run's outcome and facts to expectations, a verdict and reports. */
#ifndef TPMFAULT_VERDICT_H
#define TPMFAULT_VERDICT_H

#include "faults/scenario.h"
#include "verdict/code.h"
#include "verdict/facts.h"
#include "verdict/outcome.h"

#define EXPECT_MAX 32

enum exp_result { EXP_PASS, EXP_FAIL, EXP_UNKNOWN };

struct exp_check {
    /* the script's key, e.g. "replay-vs-quote", or "kernel-errors[6.12]"
     * when the kernel's override decided it */
    char name[48];
    char expected[128];
    char seen[128];
    enum exp_result result;
    char detail[512];
};

struct checks {
    struct exp_check c[EXPECT_MAX];
    int n;
};

/* Evaluate the scenario's expectations against the facts: the plain keys,
 * with the overrides of the guest's kernel series (f->kernel_series). */
void expectations_check(const struct scenario *s, const struct facts *f,
                        struct checks *out);

/* Decide the verdict, write report.json, junit.xml and report.tap into
 * report_dir, print the summary; returns the verdict.  o->clock gets the
 * shim's truth read time and the end of verification. */
enum verdict verdict_report(const struct scenario *s,
                            struct run_outcome *o,
                            const char *report_dir);

#endif
