/* bin/tpmfault: the front command.
 *   tpmfault run [options] SCENARIO.scn     run one scenario, exit with its verdict
 *   tpmfault replay LIST [options]          replay PCR 10 from a measurement list
 *   tpmfault suite [options] [SCENARIO.scn...]  run many; summary.json, junit.xml, summary.tap
 *   tpmfault check [--explain] SCENARIO.scn...  check scripts without running them
 *   tpmfault list [DIR]                     the catalogue with descriptions
 *   tpmfault matrix [--out DIR] DIR...      scenario x kernel table from suite reports
 *   tpmfault show [--all] [--json] REPORT_DIR   a run's timeline
 *   tpmfault explore [options]              search the fault space, classify the runs
 *   tpmfault help [COMMAND], COMMAND --help, --version   (cli/help.c)
 * Exit codes: run: 0 pass, 1 fail, 77 skip, 99 broken; suite: 0 all passed
 * or skipped, 1 any failed or broken, 128+N interrupted by signal N;
 * 2 bad usage or input. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/help.h"
#include "faults/scenario.h"
#include "runner/run.h"

#define EXIT_USAGE 2

/* The project root: the folder above bin/ that holds this program. */
static int find_root(char *root, size_t size)
{
    char exe[PATH_MAX];
    if (cli_exe_path(exe, sizeof(exe)) < 0)
        return -1;
    for (int up = 0; up < 2; up++) {
        char *slash = strrchr(exe, '/');
        if (!slash)
            return -1;
        *slash = '\0';
    }
    if (strlen(exe) >= size)
        return -1;
    strcpy(root, exe);
    return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_script(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return n > 4 && strcmp(d->d_name + n - 4, ".scn") == 0;
}

static int cmd_list(int argc, char **argv, const char *root)
{
    char dir[PATH_MAX];
    if (argc > 1)
        snprintf(dir, sizeof(dir), "%s", argv[1]);
    else if (snprintf(dir, sizeof(dir), "%s/scenarios", root) >= (int)sizeof(dir))
        return EXIT_USAGE;
    struct dirent **names;
    int n = scandir(dir, &names, is_script, by_name);
    if (n < 0) {
        fprintf(stderr, "tpmfault: %s: %s\n", dir, strerror(errno));
        return EXIT_USAGE;
    }
    int bad = 0;
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX + 256];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
        struct scenario s;
        char *err = NULL;
        if (scenario_load(path, &s, &err) < 0) {
            fprintf(stderr, "%s\n", err);
            free(err);
            bad++;
        } else {
            printf("%-26s %s\n", s.name, s.description);
        }
        free(names[i]);
    }
    free(names);
    return bad ? EXIT_USAGE : 0;
}

int main(int argc, char **argv)
{
    char root[PATH_MAX];
    if (find_root(root, sizeof(root)) < 0) {
        fprintf(stderr, "tpmfault: cannot locate the project root\n");
        return EXIT_USAGE;
    }
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        cli_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : 0;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0) {
        printf("tpmfault %s\n", cli_version);
        return 0;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc < 3) {
            cli_usage(stdout);
            return 0;
        }
        return cli_help(cli_help_asked(argc - 1, argv + 1) ? "help" : argv[2]);
    }
    /* COMMAND --help, for every command, before its own options */
    if (cli_synopsis(cmd) && cli_help_asked(argc - 1, argv + 1))
        return cli_help(cmd);
    if (strcmp(cmd, "run") == 0)
        return cli_run(argc - 1, argv + 1, root);
    if (strcmp(cmd, "suite") == 0)
        return cli_suite(argc - 1, argv + 1, root);
    if (strcmp(cmd, "replay") == 0)
        return cli_replay(argc - 1, argv + 1);
    if (strcmp(cmd, "matrix") == 0)
        return cli_matrix(argc - 1, argv + 1, root);
    if (strcmp(cmd, "show") == 0)
        return cli_show(argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0)
        return cli_check(argc - 1, argv + 1);
    if (strcmp(cmd, "explore") == 0)
        return cli_explore(argc - 1, argv + 1, root);
    if (strcmp(cmd, "list") == 0)
        return cmd_list(argc - 1, argv + 1, root);
    fprintf(stderr, "tpmfault: unknown command '%s'\n", cmd);
    cli_usage(stderr);
    return EXIT_USAGE;
}
