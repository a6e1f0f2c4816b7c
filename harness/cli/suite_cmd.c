/* tpmfault suite: options, the selection (every .scn file in scenarios/ or the
 * files given, sorted by name, then one shard of them), then the suite. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/help.h"
#include "faults/scenario.h"
#include "runner/suite.h"
#include "util/num.h"
#include "util/str.h"
#include "verdict/summary.h"

#define EXIT_USAGE 2

struct suite_args {
    struct suite_opts o;
    bool dry_run;
    unsigned shard_k, shard_n;
    char reports[PATH_MAX];
    char exe[PATH_MAX];
};

static int parse_shard(struct suite_args *a, const char *s)
{
    char *err = NULL;
    if (shard_parse(s, &a->shard_k, &a->shard_n, &err) < 0) {
        cli_usage_error("suite", "%s", err ? err : "--shard: bad value");
        free(err);
        return -1;
    }
    a->o.shard = s;
    return 0;
}

static int parse_one(struct suite_args *a, int c, const char *arg)
{
    uint64_t v;
    switch (c) {
    case 'j': return cli_parse_jobs("suite", arg, &a->o.jobs);
    case 'S': return parse_shard(a, arg);
    case 'r': return str_fmt(a->reports, sizeof(a->reports), "%s", arg) < 0 ?
                     cli_usage_error("suite", "--reports: path too long") : 0;
    case 'k': a->o.kernel = arg; return 0;
    case 'n': a->dry_run = true; return 0;
    case 's':
        if (num_parse(arg, UINT64_MAX, &v) < 0)
            return cli_usage_error("suite", "--seed: '%s' is not a number", arg);
        a->o.seed = arg;
        return 0;
    default: return -1;
    }
}

static unsigned online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > SUITE_JOBS_MAX ? SUITE_JOBS_MAX : (unsigned)n;
}

/* Options into a; optind is left at the first scenario file. */
static int parse_args(int argc, char **argv, const char *root,
                      struct suite_args *a)
{
    static const struct option opts[] = {
        { "jobs", required_argument, NULL, 'j' },
        { "shard", required_argument, NULL, 'S' },
        { "reports", required_argument, NULL, 'r' },
        { "seed", required_argument, NULL, 's' },
        { "kernel", required_argument, NULL, 'k' },
        { "dry-run", no_argument, NULL, 'n' },
        { "list", no_argument, NULL, 'n' },
        { NULL, 0, NULL, 0 },
    };
    a->o.jobs = online_cpus();
    a->shard_k = a->shard_n = 1;
    str_fmt(a->reports, sizeof(a->reports), "%s/reports", root);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "j:", opts, NULL)) != -1)
        if (parse_one(a, c, optarg) < 0) {
            fprintf(stderr, "usage: %s", cli_synopsis("suite"));
            return -1;
        }
    cli_self_exe(root, a->exe, sizeof(a->exe));
    a->o.exe = a->exe;
    a->o.reports = a->reports;
    return 0;
}

/* --- the selection --------------------------------------------------------- */

struct catalogue {
    char **paths;              /* the scripts found or given, malloc'd */
    size_t n_paths;
    struct suite_entry *e;     /* the selection, sorted by name */
    size_t n;
};

static void catalogue_free(struct catalogue *cat)
{
    for (size_t i = 0; i < cat->n_paths; i++)
        free(cat->paths[i]);
    free(cat->paths);
    free(cat->e);
}

static int is_script(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return n > 4 && strcmp(d->d_name + n - 4, ".scn") == 0;
}

/* Every ROOT/scenarios/NAME.scn; relative to the current directory when that is
 * the root, so reproduce lines stay short. */
static int list_default(const char *root, struct catalogue *cat)
{
    char dir[PATH_MAX], cwd[PATH_MAX];
    bool at_root = getcwd(cwd, sizeof(cwd)) && strcmp(cwd, root) == 0;
    str_fmt(dir, sizeof(dir), "%s/scenarios", root);
    struct dirent **names;
    int n = scandir(dir, &names, is_script, alphasort);
    if (n < 0)
        return cli_usage_error("suite", "%s: %s", dir, strerror(errno));
    cat->paths = calloc((size_t)n + 1, sizeof(char *));
    for (int i = 0; i < n; i++) {
        if (cat->paths && asprintf(&cat->paths[cat->n_paths], "%s/%s",
                                   at_root ? "scenarios" : dir,
                                   names[i]->d_name) >= 0)
            cat->n_paths++;
        free(names[i]);
    }
    free(names);
    return cat->paths && cat->n_paths == (size_t)n ? 0 :
           cli_usage_error("suite", "out of memory");
}

static int list_given(int argc, char **argv, struct catalogue *cat)
{
    cat->paths = calloc((size_t)argc + 1, sizeof(char *));
    if (!cat->paths)
        return cli_usage_error("suite", "out of memory");
    for (int i = 0; i < argc; i++) {
        if (access(argv[i], R_OK) < 0)
            return cli_usage_error("suite", "%s: %s", argv[i], strerror(errno));
        if (!(cat->paths[cat->n_paths] = strdup(argv[i])))
            return cli_usage_error("suite", "out of memory");
        cat->n_paths++;
    }
    return 0;
}

/* The name the script's report gets (scenario_name_of: a name that could
 * name no report directory is a usage error), and its deadline; a script
 * that does not load still runs and ends broken with the parser's message
 * in its log. */
static int describe(struct suite_entry *e, const char *path, struct scenario *s)
{
    char *err = NULL;
    if (scenario_name_of(path, e->name, sizeof(e->name), &err) < 0) {
        cli_usage_error("suite", "%s", err);
        free(err);
        return -1;
    }
    e->path = path;
    e->deadline_s = 120;
    if (scenario_load(path, s, &err) == 0)
        e->deadline_s = s->run.deadline_s;
    free(err);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    const struct suite_entry *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->path, y->path);
}

static int make_entries(struct catalogue *cat)
{
    struct scenario *s = malloc(sizeof(*s));   /* large: not on the stack */
    cat->n = cat->n_paths;
    cat->e = calloc(cat->n + 1, sizeof(*cat->e));
    if (!s || !cat->e) {
        free(s);
        return cli_usage_error("suite", "out of memory");
    }
    for (size_t i = 0; i < cat->n; i++) {
        if (describe(&cat->e[i], cat->paths[i], s) < 0) {
            free(s);
            return -1;
        }
    }
    free(s);
    qsort(cat->e, cat->n, sizeof(*cat->e), by_name);
    for (size_t i = 1; i < cat->n; i++)
        if (strcmp(cat->e[i - 1].name, cat->e[i].name) == 0)
            return cli_usage_error("suite", "two scenarios named %s (%s): their reports "
                               "would overwrite each other", cat->e[i].name,
                               cat->e[i].path);
    return 0;
}

/* Keep shard k of n of the sorted entries, in place. */
static void keep_shard(struct catalogue *cat, unsigned k, unsigned n)
{
    size_t *idx = calloc(cat->n + 1, sizeof(*idx));
    if (!idx)
        return;
    size_t m = shard_select(cat->n, k, n, idx);
    for (size_t i = 0; i < m; i++)
        cat->e[i] = cat->e[idx[i]];
    cat->n = m;
    free(idx);
}

int cli_suite(int argc, char **argv, const char *root)
{
    struct suite_args *a = calloc(1, sizeof(*a));
    struct catalogue cat = { NULL, 0, NULL, 0 };
    int rc = EXIT_USAGE;
    setvbuf(stdout, NULL, _IOLBF, 0);     /* progress lines as they happen */
    if (!a || parse_args(argc, argv, root, a) < 0)
        goto out;
    if ((optind < argc ? list_given(argc - optind, argv + optind, &cat)
                       : list_default(root, &cat)) < 0 ||
        make_entries(&cat) < 0)
        goto out;
    size_t all = cat.n;
    keep_shard(&cat, a->shard_k, a->shard_n);
    if (a->dry_run) {   /* each script checked as `check` does */
        rc = 0;
        for (size_t i = 0; i < cat.n; i++) {
            struct check_opts co = { .explain = false };
            struct check_result cr;
            if (check_script(cat.e[i].path, &co, &cr) < 0)
                rc = EXIT_USAGE;
            else
                printf("%s %s\n", cat.e[i].name, cat.e[i].path);
        }
        goto out;
    }
    printf("tpmfault suite: %zu of %zu scenarios (shard %u/%u), %u at once\n",
           cat.n, all, a->shard_k, a->shard_n, a->o.jobs);
    rc = suite_run(cat.e, cat.n, &a->o);
out:
    catalogue_free(&cat);
    free(a);
    return rc;
}
