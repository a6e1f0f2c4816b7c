/* A scenario's report directory, REPORTS/NAME.  A run empties it before
 * writing, so it must never be a directory a run did not make: each one
 * a run (or the suite) makes holds a marker file, and only a directory
 * with that marker is ever removed (or, made before the marker, one whose
 * report.json names its scenario and that holds no subdirectory).  A
 * user's own directory in its place is an error, never deleted. */
#ifndef TPMFAULT_REPORTDIR_H
#define TPMFAULT_REPORTDIR_H

#define REPORT_DIR_MARK ".tpmfault-report"

/* Remove dir when a run made it (a real directory holding the marker);
 * nothing to do when it does not exist.  0, or -1 with *err (also when
 * dir is there but no run made it). */
int report_dir_clear(const char *dir, char **err);
/* report_dir_clear, then make dir (and its parents) with the marker. */
int report_dir_fresh(const char *dir, char **err);
/* Make dir with the marker unless it exists (a run's, or an error). */
int report_dir_ensure(const char *dir, char **err);

#endif
