/* report.json, junit.xml and report.tap for one scenario run. */
#ifndef TPMFAULT_REPORT_H
#define TPMFAULT_REPORT_H

#include <stdio.h>

#include "runner/verdict.h"

void report_write(const char *dir, const struct scenario *s,
                  const struct run_outcome *o, const struct facts *f,
                  const struct checks *cs, enum verdict v, const char *reason);

/* XML text escaping for JUnit files. */
void xml_write_escaped(FILE *out, const char *s);

#endif
