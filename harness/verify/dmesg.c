#include "verify/dmesg.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tpm/alg.h"
#include "util/num.h"
#include "verify/workload.h"

#define MARK_FILE "tpmfault: measure " WORKLOAD_FILE
#define MARK_DONE "tpmfault: workload done"
#define IMA_TPM_ERROR "Error Communicating to TPM chip"
#define IMA_NO_HASH "ima: Can not allocate "

/* The first line whose number cannot be read: the facts from dmesg are
 * then not to be trusted, and the expectations on them say so. */
static void note_problem(struct dmesg_facts *d, const char *what,
                         const char *line)
{
    if (!d->problem[0])
        snprintf(d->problem, sizeof(d->problem), "dmesg.txt: %s in '%.*s'",
                 what, (int)strcspn(line, "\r\n"), line);
}

/* The number after prefix in line (a kernel errno, a file number): 0 and
 * *v, or -1 with the line noted as a problem. */
static int take_number(struct dmesg_facts *d, const char *line,
                       const char *at, int64_t min, int64_t max, int64_t *v)
{
    while (*at == ' ')
        at++;
    if (num_take(&at, min, max, v) == 0)
        return 0;
    note_problem(d, "a number that is none or does not fit", line);
    return -1;
}

/* A failed extend logs ", result: N" right after the message; a failed
 * PCR read logs the message bare. */
static void note_error(const char *line, const char *e, int entry,
                       struct dmesg_facts *d)
{
    const char *after = e + strlen(IMA_TPM_ERROR), *r = ", result:";
    bool has_result = strncmp(after, r, strlen(r)) == 0;
    int64_t result = 0;
    if (has_result && take_number(d, line, after + strlen(r), INT32_MIN,
                                  INT32_MAX, &result) < 0)
        return;
    if (d->n_err < DMESG_MAX_ERRORS) {
        struct kernel_error *k = &d->err[d->n_err++];
        k->entry = entry;
        k->has_result = has_result;
        k->result = (long)result;
    }
    d->tpm_errors++;
}

/* "ima: Can not allocate sha384 (reason: -2)": a bank without a hash. */
static void note_no_hash(const char *p, struct dmesg_facts *d)
{
    const struct alg_info *a = alg_by_name_n(p, strcspn(p, " \n"));
    if (a)
        d->hash_unavailable |= 1u << a->bank;
}

void dmesg_scan(FILE *in, struct dmesg_facts *d)
{
    char line[1024];
    int entry = 0;                /* 0 until the workload's first marker */
    while (fgets(line, sizeof(line), in)) {
        const char *h = strstr(line, IMA_NO_HASH);
        if (h && entry == 0)
            note_no_hash(h + strlen(IMA_NO_HASH), d);
        const char *m = strstr(line, MARK_FILE);
        const char *e = strstr(line, IMA_TPM_ERROR);
        if (strstr(line, "TPM-bypass"))
            d->bypass = true;
        int64_t k;
        if (m)
            entry = take_number(d, line, m + strlen(MARK_FILE), 1,
                                WORKLOAD_MAX_FILES, &k) == 0 ? (int)k : -1;
        else if (strstr(line, MARK_DONE))
            entry = -1;
        else if (e)
            note_error(line, e, entry, d);
    }
}
