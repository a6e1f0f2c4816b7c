/* Every subcommand's synopsis and help, in one table: `tpmfault CMD
 * --help`, `tpmfault help CMD`, the usage lines of a bad invocation and
 * `tpmfault --help` all print from it. */
#ifndef TPMFAULT_CLI_HELP_H
#define TPMFAULT_CLI_HELP_H

#include <stdbool.h>
#include <stdio.h>

/* "0.1.0 (git DESCRIBE)": the release, and the build's commit when make
 * knew it. */
extern const char cli_version[];

/* The synopsis of cmd ("tpmfault run [...] SCENARIO.scn\n", continuation
 * lines indented for a "usage: " before it), or NULL when there is no
 * such command. */
const char *cli_synopsis(const char *cmd);
/* Every command's synopsis, then where to read more. */
void cli_usage(FILE *out);
/* cmd's synopsis, what it does, its options and exit codes on stdout;
 * 0, or 2 (usage on stderr) for an unknown command. */
int cli_help(const char *cmd);
/* argv[1..argc) holds --help or -h before any "--". */
bool cli_help_asked(int argc, char **argv);

#endif
