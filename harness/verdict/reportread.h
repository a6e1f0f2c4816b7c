/* Reading a scenario's report.json back (for tpmfault suite): the verdict,
 * reason, seed, reproduce line and the expectations that did not hold. */
#ifndef TPMFAULT_REPORTREAD_H
#define TPMFAULT_REPORTREAD_H

#include "verdict/summary.h"

/* Fill r's verdict, reason, seed, reproduce and failed expectations from
 * the text of a report.json; r->name, path and wall_s are left alone.
 * 0, or -1 with *err (r then holds nothing to free). */
int report_parse(const char *text, struct suite_result *r, char **err);
/* The same from a file. */
int report_read(const char *path, struct suite_result *r, char **err);

#endif
