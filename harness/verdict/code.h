/* A run's verdict: the exit code of tpmfault run and the word every
 * report (report.json, junit.xml, report.tap, the suite's summary) says. */
#ifndef TPMFAULT_CODE_H
#define TPMFAULT_CODE_H

/* Verdicts and their exit codes (kselftest / automake conventions). */
enum verdict {
    VERDICT_PASS = 0,
    VERDICT_FAIL = 1,
    VERDICT_SKIP = 77,
    VERDICT_BROKEN = 99,
};

/* "pass", "fail", "skip" or "broken". */
const char *verdict_name(enum verdict v);

#endif
