/* reports/NAME/report.html: one self-contained page per run (inline CSS
 * and SVG, no script, no font or other file fetched): the verdict and each
 * expectation, what the faults did, the timeline drawn, the list entries,
 * PCR 10 per bank and the commands.  Every text from the run or the
 * script is escaped. */
#ifndef TPMFAULT_REPORT_HTML_H
#define TPMFAULT_REPORT_HTML_H

#include <stdio.h>

#include "verdict/report.h"
#include "view/timeline.h"

/* The run's report and its timeline. */
struct html_report {
    const struct run_report *r;
    const struct timeline *tl;
};

void report_html(FILE *out, const struct html_report *h);
/* dir/report.html, written to a temporary file and renamed. */
int report_html_write(const char *dir, const struct html_report *h, char **err);

/* The pages' shared style sheet (report.html and the suite's index.html). */
extern const char report_html_css[];

#endif
