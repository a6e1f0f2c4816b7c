/* tpmfault run: options table, then one scenario run. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "faults/scenario.h"
#include "runner/run.h"
#include "util/num.h"

#define EXIT_USAGE 2

static int parse_u64(const char *opt, const char *s, uint64_t max, uint64_t *v)
{
    if (num_parse(s, max, v) == 0)
        return 0;
    fprintf(stderr, "tpmfault run: --%s: '%s' is not a number in 0..%llu\n",
            opt, s, (unsigned long long)max);
    return -1;
}

int cli_run(int argc, char **argv, const char *root)
{
    static const struct option opts[] = {
        { "kernel", required_argument, NULL, 'k' },
        { "seed", required_argument, NULL, 's' },
        { "deadline", required_argument, NULL, 'd' },
        { "reports", required_argument, NULL, 'r' },
        { "initramfs", required_argument, NULL, 'i' },
        { "keep", no_argument, NULL, 'K' },
        { "from-snapshot", required_argument, NULL, 'F' },
        { "make-snapshot", required_argument, NULL, 'M' },
        { NULL, 0, NULL, 0 },
    };
    struct run_opts o = { .root = root };
    uint64_t v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'k': o.kernel = optarg; break;
        case 'r': o.reports = optarg; break;
        case 'i': o.initramfs = optarg; break;
        case 'K': o.keep_rundir = true; break;
        case 'F':
        case 'M':
            if (o.snapshot) {
                fprintf(stderr, "tpmfault run: --from-snapshot and --make-snapshot "
                        "go alone, once\n");
                return EXIT_USAGE;
            }
            o.snapshot = optarg;
            o.make_snapshot = c == 'M';
            break;
        case 's':
            if (parse_u64("seed", optarg, UINT64_MAX, &v) < 0)
                return EXIT_USAGE;
            o.seed = v;
            o.seed_set = true;
            break;
        case 'd':
            if (parse_u64("deadline", optarg, 86400, &v) < 0)
                return EXIT_USAGE;
            o.deadline_s = (unsigned)v;
            break;
        default:
            return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "tpmfault run: give exactly one scenario file\n");
        return EXIT_USAGE;
    }
    struct scenario s;
    char *err = NULL;
    if (scenario_load(argv[optind], &s, &err) < 0) {
        fprintf(stderr, "%s\n", err);
        free(err);
        return EXIT_USAGE;
    }
    return (int)run_scenario(&s, &o);
}
