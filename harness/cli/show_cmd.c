/* tpmfault show [--all] [--json] REPORT_DIR: a run's timeline (its help
 * text is in cli/help.c; `show --help` never gets here). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/help.h"
#include "view/timeline.h"
#include "view/timeline_json.h"
#include "view/timeline_text.h"

int cli_show(int argc, char **argv)
{
    bool all = false, json = false;
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--all") == 0) {
            all = true;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (argv[i][0] == '-' || dir) {
            fprintf(stderr, "tpmfault show: unexpected argument '%s'\nusage: %s",
                    argv[i], cli_synopsis("show"));
            return 2;
        } else {
            dir = argv[i];
        }
    }
    if (!dir) {
        fprintf(stderr, "usage: %s", cli_synopsis("show"));
        return 2;
    }
    struct timeline tl;
    char *err = NULL;
    int rc = timeline_load(dir, &tl, &err);
    if (rc < 0) {
        fprintf(stderr, "tpmfault show: %s\n", err);
        free(err);
    } else if (json) {
        timeline_write_json(stdout, &tl);
    } else {
        bool colour = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
        timeline_print(stdout, &tl, all, colour);
    }
    timeline_free(&tl);
    return rc < 0 ? 2 : 0;
}
