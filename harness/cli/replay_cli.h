/* tpmfault replay: the options (replay_args.c) and the command
 * (replay_cmd.c).  Exit codes: 0 the list replays to every --pcr value
 * (and to the trace, the boot PCRs), 1 it does not, 2 bad usage or input. */
#ifndef TPMFAULT_REPLAY_CLI_H
#define TPMFAULT_REPLAY_CLI_H

#include "tpm/alg.h"

#include <stdbool.h>
#include <stdint.h>

#define REPLAY_EXIT_MATCH 0
#define REPLAY_EXIT_MISMATCH 1
#define REPLAY_EXIT_BAD 2

struct replay_cli {
    const char *list;
    unsigned banks;                 /* replayed banks; 0 until decided */
    unsigned targets;               /* banks with a --pcr value */
    uint8_t target[BANK_COUNT][ALG_MAX_DIGEST];
    enum bank list_bank;            /* the template digest's algorithm */
    bool list_bank_given;           /* --template-hash (else: file name) */
    const char *boot_pcrs;          /* --boot-pcrs FILE */
    const char *trace;              /* --trace FILE */
    uint32_t pcr;                   /* --pcr-index, 10 by default */
};

/* Parse argv (argv[0] "replay"); 0, or -1 with *err (usage problem). */
int replay_args_parse(int argc, char **argv, struct replay_cli *c, char **err);

/* "ALG:HEX" into the cli's targets. */
int replay_args_pcr(struct replay_cli *c, const char *arg, char **err);
/* "sha1,sha256" into a bank mask. */
int replay_args_banks(const char *arg, unsigned *mask, char **err);
/* The bank a per-bank list's name says (".._sha256"), or -1. */
int replay_args_bank_of_name(const char *path);

#endif
