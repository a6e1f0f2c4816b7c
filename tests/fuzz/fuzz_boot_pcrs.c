/* PCR values files for boot_aggregate (verify/boot_aggregate.c
 * boot_pcrs_read: tpm2_pcrread output, the TPM 1.2 sysfs / evmctl
 * "PCR-00: .." format), then the aggregate in every bank.
 *
 * Contract: the error convention; a rejection names the file and a line
 * of it; only PCRs 0-9 are kept; the aggregate is computed exactly when
 * the bank's PCRs are all given, else refused with a message. */
#include "fuzz.h"

#include "verify/boot_aggregate.h"

#define NAME "fuzz.pcrs"

/* Lines of the input: newlines, plus one for a last line without one. */
static unsigned count_lines(const uint8_t *p, size_t n)
{
    unsigned lines = n && p[n - 1] != '\n';
    for (size_t i = 0; i < n; i++)
        lines += p[i] == '\n';
    return lines;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = size ? fmemopen((void *)data, size, "rb") : NULL;
    if (!f)
        return 0;
    static struct boot_pcrs p;
    memset(&p, 0, sizeof(p));
    char *err = NULL;
    int rc = boot_pcrs_read(f, NAME, &p, &err);
    fclose(f);
    FUZZ_CHECK_ERR(rc, err);
    if (rc < 0) {
        size_t plen = strlen(NAME);
        FUZZ_CHECK(strncmp(err, NAME ":", plen + 1) == 0, "'%s'", err);
        unsigned long line = strtoul(err + plen + 1, NULL, 10);
        FUZZ_CHECK(line >= 1 && line <= count_lines(data, size),
                   "line %lu of %u: '%s'", line, count_lines(data, size), err);
        free(err);
        return 0;
    }
    for (int b = 0; b < BANK_COUNT; b++) {
        FUZZ_CHECK(p.have[b] < (1u << BOOT_PCRS), "bank %d: PCRs 0x%x", b,
                   p.have[b]);
        uint8_t out[ALG_MAX_DIGEST];
        rc = boot_aggregate_calc(&p, (enum bank)b, out, &err);
        FUZZ_CHECK_ERR(rc, err);
        FUZZ_CHECK((rc == 0) == boot_pcrs_complete(&p, (enum bank)b),
                   "bank %d: rc %d", b, rc);
        free(err);
        err = NULL;
    }
    return 0;
}
