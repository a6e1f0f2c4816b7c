#ifndef TPMFAULT_CLI_H
#define TPMFAULT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Each subcommand takes its own argv (argv[0] is the subcommand's name)
 * and returns the process exit code. */
int cli_run(int argc, char **argv, const char *root);
int cli_suite(int argc, char **argv, const char *root);
int cli_replay(int argc, char **argv);
int cli_matrix(int argc, char **argv, const char *root);
int cli_check(int argc, char **argv);
int cli_show(int argc, char **argv);
int cli_explore(int argc, char **argv, const char *root);

/* "tpmfault CMD: MESSAGE" on stderr; -1, for a parser to return. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* --jobs N: 1..SUITE_JOBS_MAX, or a usage error.  0 or -1. */
int cli_parse_jobs(const char *cmd, const char *s, unsigned *jobs);

/* /proc/self/exe into buf: 0, or -1 when it cannot be read or does not fit
 * (never a path cut short). */
int cli_exe_path(char *buf, size_t size);
/* The running tpmfault program (for the children of suite and explore):
 * /proc/self/exe, else ROOT/bin/tpmfault. */
void cli_self_exe(const char *root, char *buf, size_t size);

/* One script as check sees it: every error, then its warnings, on stderr;
 * with explain, what each rule will hit, on stdout.  0, or -1 when it
 * does not load. */
struct check_opts {
    bool explain;
    bool seed_set;
    uint64_t seed;
};
struct check_result {
    char name[64];
    int expectations;
    int warnings;
};
int check_script(const char *path, const struct check_opts *o,
                 struct check_result *res);

#endif
