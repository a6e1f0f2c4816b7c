/* What the subcommands that take the same options say about bad usage. */
#include <stdarg.h>
#include <stdio.h>

#include "cli/cli.h"
#include "runner/suite.h"
#include "util/num.h"

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "tpmfault %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return -1;
}

int cli_parse_jobs(const char *cmd, const char *s, unsigned *jobs)
{
    uint64_t v;
    if (num_parse(s, SUITE_JOBS_MAX, &v) < 0 || v < 1)
        return cli_usage_error(cmd, "--jobs: '%s' is not a number in 1..%d", s,
                               SUITE_JOBS_MAX);
    *jobs = (unsigned)v;
    return 0;
}
