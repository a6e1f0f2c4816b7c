/* What the guest's kernel log says about IMA and the TPM: bypass mode and
 * the "ima: Error Communicating to TPM chip" lines, each given to the list
 * entry the workload was measuring when it was logged.  A failed extend logs
 * the line with ", result: N"; a failed PCR read while IMA computes
 * boot_aggregate at init logs it bare (6.1: once per PCR 0-9), and such a
 * line belongs to no extend. */
#ifndef TPMFAULT_DMESG_H
#define TPMFAULT_DMESG_H

#include <stdbool.h>
#include <stdio.h>

/* The guest agent writes "tpmfault: measure /work/fileK" to the kernel
 * log before reading file K, and "tpmfault: workload done" after the last:
 * an error line is given to entry K (0: before the workload, i.e.
 * boot_aggregate; -1: after it).  That pr_err line is never rate-limited,
 * unlike the audit lines that name the file. */
struct kernel_error {
    int entry;
    bool has_result;             /* ", result: N" was there: a failed extend */
    long result;                 /* N; 0 when !has_result */
};
#define DMESG_MAX_ERRORS 64

struct dmesg_facts {
    bool bypass;                 /* "TPM-bypass" */
    /* Banks IMA had no hash for at boot ("ima: Can not allocate sha384"
     * before the workload): 1u << BANK_*.  IMA extends those banks with the
     * sha1 digest zero-padded (verify/replay.h). */
    unsigned hash_unavailable;
    unsigned tpm_errors;         /* every error line, bare ones included */
    struct kernel_error err[DMESG_MAX_ERRORS];   /* the first of them */
    unsigned n_err;
    /* the first line with a number that could not be read (it overflows,
     * or is none), "" when there was none */
    char problem[200];
};

/* Read a dmesg text; d starts zeroed. */
void dmesg_scan(FILE *in, struct dmesg_facts *d);

#endif
