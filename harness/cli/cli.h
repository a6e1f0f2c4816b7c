#ifndef TPMFAULT_CLI_H
#define TPMFAULT_CLI_H

/* Each subcommand takes its own argv (argv[0] is the subcommand's name)
 * and returns the process exit code. */
int cli_run(int argc, char **argv, const char *root);
int cli_suite(int argc, char **argv, const char *root);
int cli_replay(int argc, char **argv);
int cli_matrix(int argc, char **argv, const char *root);

#endif
