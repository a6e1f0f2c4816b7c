#include "verify/dmesg.h"

#include <stdlib.h>
#include <string.h>

#include "tpm/alg.h"
#include "verify/workload.h"

#define MARK_FILE "tpmfault: measure " WORKLOAD_FILE
#define MARK_DONE "tpmfault: workload done"
#define IMA_TPM_ERROR "Error Communicating to TPM chip"
#define IMA_NO_HASH "ima: Can not allocate "

static void note_error(const char *e, int entry, struct dmesg_facts *d)
{
    const char *r = strstr(e, "result:");
    if (d->n_err < DMESG_MAX_ERRORS) {
        d->err[d->n_err].entry = entry;
        d->err[d->n_err].result = r ? strtol(r + strlen("result:"), NULL, 10) : 0;
        d->n_err++;
    }
    d->tpm_errors++;
}

/* "ima: Can not allocate sha384 (reason: -2)": a bank without a hash. */
static void note_no_hash(const char *p, struct dmesg_facts *d)
{
    char name[16];
    size_t n = strcspn(p, " \n");
    if (n >= sizeof(name))
        return;
    memcpy(name, p, n);
    name[n] = '\0';
    const struct alg_info *a = alg_by_name(name);
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
        if (m)
            entry = atoi(m + strlen(MARK_FILE));
        else if (strstr(line, MARK_DONE))
            entry = -1;
        else if (e)
            note_error(e, entry, d);
    }
}
