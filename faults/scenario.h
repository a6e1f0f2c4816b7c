/* A scenario script (scenarios/NAME.scn): INI-style sections of typed
 * key = value lines.  See scenarios/README.md for the format. */
#ifndef TPMFAULT_SCENARIO_H
#define TPMFAULT_SCENARIO_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "faults/engine.h"
#include "faults/fault_keys.h"
#include "tpm/frame.h"

/* Enumerated values are stored as index + 1 of their name table; 0 = unset. */
/* present: a TPM 2.0; 1.2: a TPM 1.2 (swtpm without --tpm2) */
enum scn_tpm { SCN_TPM_UNSET, SCN_TPM_PRESENT, SCN_TPM_ABSENT, SCN_TPM_12 };
enum scn_cmp { SCN_CMP_UNSET, SCN_CMP_EQUAL, SCN_CMP_DIFFER };
enum scn_yesno { SCN_UNSET, SCN_YES, SCN_NO };
enum scn_quote { SCN_QUOTE_UNSET, SCN_QUOTE_VALID, SCN_QUOTE_REFUSED };
enum scn_onoff { SCN_ONOFF_UNSET, SCN_ON, SCN_OFF };

enum scn_lists { SCN_LISTS_UNSET, SCN_LISTS_AGREE, SCN_LISTS_DISAGREE,
                 SCN_LISTS_ABSENT };

/* The script's names of those values, index = value - 1. */
extern const char *const scn_lists_names[];
extern const char *const scn_cmp_names[];
extern const char *const scn_yesno_names[];
extern const char *const scn_quote_names[];
extern const char *const scn_onoff_names[];

struct scn_run {
    unsigned files;        /* measured workload files */
    unsigned pause_ms;     /* pause after each measured read */
    unsigned deadline_s;   /* whole-run deadline */
    unsigned banks;        /* bit mask of enum bank */
    int tpm;               /* enum scn_tpm */
    unsigned tpm12_duration_ms;   /* 0, or the TIS durations the shim
                                   * reports to a 1.2 guest, capped */
    char kernel[128];      /* "" = the runner's default */
    uint64_t seed;
    bool seed_set;
};

#define SCN_INDEX_LIST_LEN 128
#define SCN_BANK_LIST_LEN 64

/* Kernel series an expectation can be conditioned on: in [expect],
 * `key[6.12] = value` overrides `key = value` when the guest's kernel
 * release (uname -r) is of that series.  NULL-terminated. */
#define SCN_KERNEL_SERIES 2
extern const char *const scn_kernel_series[];
/* The series of a release ("6.12.117+deb12-cloud-amd64": "6.12"), as an
 * index into scn_kernel_series, or -1 when it is none of them. */
int scn_kernel_series_of(const char *release);

struct scn_expect {
    int list_complete;     /* enum scn_yesno */
    int trace_in_list;     /* enum scn_yesno */
    int replay_vs_tpm;     /* enum scn_cmp */
    int replay_vs_quote;   /* enum scn_cmp */
    int quote;             /* enum scn_quote */
    int bypass;            /* enum scn_onoff */
    int guest_alive;       /* enum scn_yesno */
    int explained;         /* enum scn_yesno */
    char not_in_pcr[SCN_INDEX_LIST_LEN];  /* "none" or "2,3" (sorted); "" unset */
    char applied_twice[SCN_INDEX_LIST_LEN];   /* as not_in_pcr */
    int boot_aggregate;    /* enum boot_aggregate_kind (verify/boot_aggregate.h
                            * judges it): index + 1 of boot_aggregate_names */
    unsigned kernel_errors;        /* "Error Communicating to TPM chip" lines */
    bool kernel_errors_set;
    /* entries whose measurement logged that line, as not_in_pcr */
    char kernel_errors_for[SCN_INDEX_LIST_LEN];
    /* banks IMA extended with the padded sha1 digest: "none" or
     * "sha384,sha512" (bank order); "" unset */
    char padded_banks[SCN_BANK_LIST_LEN];
    int bank_lists;        /* enum scn_lists: the per-bank lists (6.10+) */
};

struct scenario {
    char path[PATH_MAX];
    char name[64];
    char description[200];
    struct scn_run run;
    struct scn_expect expect;
    /* key[SERIES] = value overrides, per scn_kernel_series (only the keys
     * given are set) */
    struct scn_expect expect_kernel[SCN_KERNEL_SERIES];
    struct fault_engine faults;   /* the [fault] rules, in script order */
    /* where each rule's keys were given (fault_keys[] order; 0: not given),
     * so a contradiction names the line of the key at fault */
    int fault_key_line[FAULT_MAX_RULES][FAULT_KEY_MAX];
    /* the keys whose line was in error (or an unknown key nearest to one):
     * their value is not what the script meant, so no contradiction is
     * reported about them */
    bool fault_key_bad[FAULT_MAX_RULES][FAULT_KEY_MAX];
};

/* A script's name, which names its report directory: its file's name
 * less .scn, of letters, digits and - _ . only, not starting with '.'
 * (so never empty, "." or "..", never a path).  The one check of it:
 * the parser and the suite both take the name from here.  0, or -1 with
 * *err naming the file. */
int scenario_name_of(const char *path, char *name, size_t size, char **err);
/* Parse a script from memory; path is used for the name and in messages
 * ("path:line: ...").  Returns 0 or -1 with *err set. */
int scenario_parse(const char *text, const char *path, struct scenario *s,
                   char **err);
/* Read and parse a file. */
int scenario_load(const char *path, struct scenario *s, char **err);
/* How many expectations the script states (overrides not counted: each
 * overrides a stated one). */
int scenario_expectation_count(const struct scenario *s);
/* The expectations for a guest of the given series (-1: none of them): the
 * plain keys with that series' overrides applied. */
void scenario_expect_for(const struct scenario *s, int series,
                         struct scn_expect *out);
/* Whose names and codes the run's TPM speaks: TPM_FAMILY_12 for tpm = 1.2,
 * else TPM_FAMILY_20 (absent included: no frame comes). */
enum tpm_family scenario_family(const struct scenario *s);
/* A warning `check` prints for fault rule i (0..n-1): a bare command
 * number that is no ordinal of the run's TPM this harness knows.  Returns
 * 1 with the line ("path:line: warning: ...") added to *out (err_add),
 * else 0. */
int scenario_rule_warning(const struct scenario *s, int i, char **out);

/* Whether [expect] key has an override for series. */
bool scenario_expect_overridden(const struct scenario *s, int series,
                                const char *key);

#endif
