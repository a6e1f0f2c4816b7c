/* tpmfault suite: many scenarios, each run as a child `tpmfault run` in
 * its own process group, at most `jobs` at once, each under an outer
 * deadline; then summary.json, junit.xml and summary.tap. */
#ifndef TPMFAULT_SUITE_H
#define TPMFAULT_SUITE_H

#include <stdbool.h>
#include <stddef.h>

struct suite_result;

/* The suite's own deadline for a child: the script's deadline plus this
 * (tpmfault run enforces the script's; the suite catches a run that hangs
 * anyway).  After a SIGTERM a child has SUITE_TERM_GRACE_S to write its
 * report, after a SIGKILL SUITE_KILL_GRACE_S to die. */
#define SUITE_EXTRA_S 60
#define SUITE_TERM_GRACE_S 30
#define SUITE_KILL_GRACE_S 10
#define SUITE_JOBS_MAX 256

struct suite_entry {
    char name[64];            /* the script's name: its file's, less .scn */
    const char *path;
    unsigned deadline_s;      /* the script's (120 when it does not load) */
    const char *snapshot;     /* --from-snapshot DIR, or NULL */
};

struct suite_opts {
    const char *exe;          /* the tpmfault program the children run */
    const char *reports;      /* reports directory */
    const char *kernel;       /* --kernel for every run, or NULL */
    const char *seed;         /* --seed for every run, or NULL */
    const char *shard;        /* "K/N" for the summary, or NULL */
    unsigned jobs;            /* runs at once, 1..SUITE_JOBS_MAX */
    /* no run starts at or after this mono_now() time (those in flight
     * finish; the rest are not run); 0: no such time */
    double start_until;
    /* tpmfault explore: called with each run's result as it ends; with
     * quiet, no progress lines, summary or summary files (the caller
     * reports) */
    void (*on_end)(const struct suite_result *r, size_t index, void *ctx);
    void *ctx;
    bool quiet;
};

/* Run the entries (already selected and sorted), print progress and the
 * summary on stdout, write the summary files (not when o->quiet).  Returns the exit code: 0
 * all passed or skipped, 1 any failed or broken, 128 + signal when
 * interrupted. */
int suite_run(const struct suite_entry *e, size_t n, const struct suite_opts *o);

#endif
