/* tpmfault explore: options, then the search (explore/search.c). */
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/help.h"
#include "explore/search.h"
#include "runner/suite.h"
#include "util/entropy.h"
#include "util/num.h"
#include "util/str.h"

#define EXIT_USAGE 2
#define DEFAULT_BUDGET 20
#define DEFAULT_SHRINK_RUNS 6

struct explore_args {
    struct explore_opts o;
    bool seed_set;
    char out[PATH_MAX];
    char exe[PATH_MAX];
    char found[PATH_MAX];
    const char *reports;
    const char *resume;
};

/* "90", "90s", "30m", "2h" into seconds. */
static int parse_time(const char *s, double *out)
{
    static const struct { char unit; unsigned mult; } units[] = {
        { 's', 1 }, { 'm', 60 }, { 'h', 3600 },
    };
    char num[32];
    size_t len = strlen(s);
    unsigned mult = 1;
    uint64_t v;
    for (size_t i = 0; len > 1 && i < sizeof(units) / sizeof(units[0]); i++)
        if (s[len - 1] == units[i].unit) {
            mult = units[i].mult;
            len--;
            break;      /* one unit: "5ms" is no duration */
        }
    if (len >= sizeof(num))
        return cli_usage_error("explore", "--time: '%s' is not a duration (90s, 30m, 2h)",
                               s);
    memcpy(num, s, len);
    num[len] = '\0';
    if (num_parse(num, 1000000, &v) < 0 || v == 0)
        return cli_usage_error("explore", "--time: '%s' is not a duration (90s, 30m, 2h)",
                               s);
    *out = (double)v * mult;
    return 0;
}

static int parse_one(struct explore_args *a, int c, const char *arg)
{
    uint64_t v;
    char *err = NULL;
    switch (c) {
    case 's':
        if (num_parse(arg, UINT64_MAX, &a->o.seed) < 0)
            return cli_usage_error("explore", "--seed: '%s' is not a number", arg);
        a->seed_set = true;
        return 0;
    case 'b':
        if (num_parse(arg, 1000000, &v) < 0 || v == 0)
            return cli_usage_error("explore", "--budget: '%s' is not a number in 1..1000000",
                                   arg);
        a->o.budget = v;
        return 0;
    case 't': return parse_time(arg, &a->o.time_s);
    case 'j': return cli_parse_jobs("explore", arg, &a->o.jobs);
    case 'r': a->reports = arg; return 0;
    case 'N': a->o.no_snapshot = true; return 0;
    case 'k': a->o.kernel = arg; return 0;
    case 'R': a->resume = arg; return 0;
    case 'F': a->o.found = arg; return 0;
    case 'S':
        if (num_parse(arg, 1000, &v) < 0)
            return cli_usage_error("explore", "--shrink-runs: '%s' is not a number in 0..1000",
                                   arg);
        a->o.shrink_runs = (unsigned)v;
        return 0;
    case 'f':
        if (explore_fail_on_check(arg, &err) < 0) {
            cli_usage_error("explore", "%s", err);
            free(err);
            return -1;
        }
        a->o.fail_on = arg;
        return 0;
    default: return -1;
    }
}

static int parse_args(int argc, char **argv, struct explore_args *a)
{
    static const struct option opts[] = {
        { "seed", required_argument, NULL, 's' },
        { "budget", required_argument, NULL, 'b' },
        { "time", required_argument, NULL, 't' },
        { "jobs", required_argument, NULL, 'j' },
        { "reports", required_argument, NULL, 'r' },
        { "kernel", required_argument, NULL, 'k' },
        { "fail-on", required_argument, NULL, 'f' },
        { "resume", required_argument, NULL, 'R' },
        { "found", required_argument, NULL, 'F' },
        { "shrink-runs", required_argument, NULL, 'S' },
        { "no-snapshot", no_argument, NULL, 'N' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "j:", opts, NULL)) != -1)
        if (parse_one(a, c, optarg) < 0)
            return -1;
    if (optind < argc)
        return cli_usage_error("explore", "unexpected argument '%s'", argv[optind]);
    if (a->resume && (a->seed_set || a->reports))
        return cli_usage_error("explore",
                               "--resume DIR takes the seed and the directory from DIR");
    return 0;
}

/* Defaults: the output directory, the seed, the budget. */
static int settle(struct explore_args *a, const char *root)
{
    char *err = NULL;
    int rc = a->resume ? str_fmt(a->out, sizeof(a->out), "%s", a->resume)
             : a->reports ? str_fmt(a->out, sizeof(a->out), "%s/explore", a->reports)
                          : str_fmt(a->out, sizeof(a->out), "%s/reports/explore", root);
    if (rc < 0)
        return cli_usage_error("explore", "the reports path is too long");
    if (!a->seed_set && !a->resume &&
        entropy_fill(&a->o.seed, sizeof(a->o.seed), &err) < 0) {
        cli_usage_error("explore", "%s", err);
        free(err);
        return -1;
    }
    if (!a->o.budget && a->o.time_s == 0)
        a->o.budget = DEFAULT_BUDGET;
    a->o.out = a->out;
    if (!a->o.found) {
        str_fmt(a->found, sizeof(a->found), "%s/scenarios/found", root);
        a->o.found = a->found;
    }
    a->o.resume = a->resume != NULL;
    cli_self_exe(root, a->exe, sizeof(a->exe));
    a->o.exe = a->exe;
    a->o.root = root;
    return 0;
}

int cli_explore(int argc, char **argv, const char *root)
{
    struct explore_args a = { .o = { .jobs = 1, .shrink_runs = DEFAULT_SHRINK_RUNS } };
    if (parse_args(argc, argv, &a) < 0 || settle(&a, root) < 0) {
        fprintf(stderr, "usage: %s", cli_synopsis("explore"));
        return EXIT_USAGE;
    }
    if (!a.resume)
        printf("tpmfault explore: seed %" PRIu64 " (again: --seed %" PRIu64 ")\n",
               a.o.seed, a.o.seed);
    return explore_search(&a.o);
}
