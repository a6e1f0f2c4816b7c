/* One explore run, from script to class: write a placement's script, run
 * it through the suite's child-running code, judge its report. */
#ifndef TPMFAULT_EXPLORE_JUDGE_H
#define TPMFAULT_EXPLORE_JUDGE_H

#include <stddef.h>

#include "explore/placement.h"
#include "explore/runfacts.h"
#include "runner/suite.h"

/* dir/NAME.scn, the script of p (description desc, the minimal [expect]);
 * its path into path.  0, or -1 with *err. */
int explore_write_script(const char *dir, const char *name, const struct placement *p,
                         const char *desc, char *path, size_t size, char **err);

/* The run whose report is in dir and whose verdict the suite saw: its facts
 * and class.  -1 when it judged
 * nothing (skipped, broken, no readable report): cls is then "skip" or
 * "broken" and *why says why. */
int explore_judge(const char *dir, const char *verdict, struct run_facts *rf,
                  char *cls, size_t size, char **why);

#endif
