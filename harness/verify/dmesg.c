#include "verify/dmesg.h"

#include <stdlib.h>
#include <string.h>

#define MARK_FILE "tpmfault: measure /work/file"
#define MARK_DONE "tpmfault: workload done"
#define IMA_TPM_ERROR "Error Communicating to TPM chip"

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

void dmesg_scan(FILE *in, struct dmesg_facts *d)
{
    char line[1024];
    int entry = 0;
    while (fgets(line, sizeof(line), in)) {
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
