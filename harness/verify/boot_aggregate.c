#include "verify/boot_aggregate.h"

#include "util/err.h"
#include "util/hex.h"
#include "util/num.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const boot_aggregate_names[] = { "firmware", "zero", "zero-pcrs",
                                             NULL };

const char *boot_aggregate_kind_name(int kind)
{
    if (kind >= BA_FIRMWARE && kind <= BA_ZERO_PCRS)
        return boot_aggregate_names[kind - BA_FIRMWARE];
    return kind == BA_OTHER ? "other" : NULL;
}

unsigned boot_aggregate_pcrs(enum bank b)
{
    return b == BANK_SHA1 ? 8 : BOOT_PCRS;
}

bool boot_pcrs_complete(const struct boot_pcrs *p, enum bank b)
{
    unsigned want = (1u << boot_aggregate_pcrs(b)) - 1;
    return alg_by_bank(b) && (p->have[b] & want) == want;
}

int boot_aggregate_calc(const struct boot_pcrs *p, enum bank b, uint8_t *out,
                        char **err)
{
    const struct alg_info *a = alg_by_bank(b);
    if (!a)
        return err_set(err, "boot_aggregate: unknown bank");
    if (!boot_pcrs_complete(p, b))
        return err_set(err, "boot_aggregate: the %s values of PCRs 0-%u are "
                       "not all given", a->name, boot_aggregate_pcrs(b) - 1);
    struct alg_hash h;
    if (alg_hash_new(&h) < 0 || alg_hash_start(&h, b) < 0) {
        alg_hash_free(&h);
        return err_set(err, "boot_aggregate: no %s hash", a->name);
    }
    int rc = 0;
    for (unsigned i = 0; i < boot_aggregate_pcrs(b) && rc == 0; i++)
        rc = alg_hash_update(&h, p->v[b][i], a->size);
    if (rc == 0)
        rc = alg_hash_final(&h, out);
    alg_hash_free(&h);
    return rc < 0 ? err_set(err, "boot_aggregate: hashing failed") : 0;
}

/* Is digest the aggregate of p in bank b? */
static bool aggregate_of(const struct boot_pcrs *p, enum bank b,
                         const uint8_t *digest)
{
    uint8_t want[ALG_MAX_DIGEST];
    char *err = NULL;
    bool ok = boot_aggregate_calc(p, b, want, &err) == 0 &&
              memcmp(want, digest, alg_by_bank(b)->size) == 0;
    free(err);
    return ok;
}

enum boot_aggregate_kind boot_aggregate_judge(const struct boot_pcrs *fw,
                                              enum bank b, const uint8_t *digest,
                                              size_t len, char *why, size_t n)
{
    const struct alg_info *a = alg_by_bank(b);
    unsigned last = a ? boot_aggregate_pcrs(b) - 1 : 0;
    static const uint8_t zeros[ALG_MAX_DIGEST];
    struct boot_pcrs zero_pcrs;
    memset(&zero_pcrs, 0, sizeof(zero_pcrs));
    zero_pcrs.have[b] = (1u << BOOT_PCRS) - 1;
    if (!a || len != a->size) {
        snprintf(why, n, "not a digest of a known bank");
        return BA_OTHER;
    }
    if (memcmp(digest, zeros, len) == 0) {
        snprintf(why, n, "all zeros: IMA had no TPM (TPM-bypass)");
        return BA_ZERO;
    }
    if (aggregate_of(&zero_pcrs, b, digest)) {
        snprintf(why, n, "the %s hash of all-zero PCRs 0-%u: IMA read none of "
                 "them, or the firmware extended none", a->name, last);
        return BA_ZERO_PCRS;
    }
    if (!boot_pcrs_complete(fw, b)) {
        snprintf(why, n, "not zero, not the hash of zero PCRs, and the %s "
                 "firmware PCRs 0-%u are not known", a->name, last);
        return BA_OTHER;
    }
    if (aggregate_of(fw, b, digest)) {
        snprintf(why, n, "the %s hash of PCRs 0-%u as the firmware's extends "
                 "left them", a->name, last);
        return BA_FIRMWARE;
    }
    snprintf(why, n, "not zero, not the hash of zero PCRs, nor of PCRs 0-%u "
             "as the firmware's extends left them", last);
    return BA_OTHER;
}

/* Hex digits of s (optional 0x, spaces between bytes allowed) into out of
 * exactly n bytes. */
static int take_hex(const char *s, uint8_t *out, size_t n)
{
    char digits[2 * ALG_MAX_DIGEST + 1];
    size_t k = 0;
    while (isspace((unsigned char)*s))
        s++;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    for (; *s; s++) {
        if (isspace((unsigned char)*s))
            continue;
        if (k == 2 * n)
            return -1;
        digits[k++] = *s;
    }
    digits[k] = '\0';
    return k == 2 * n ? hex_decode(digits, out, n) : -1;
}

/* "N : HEX" (tpm2_pcrread) or "PCR-NN: HEX" (sysfs, evmctl). */
static int take_value(char *line, enum bank bank, struct boot_pcrs *p)
{
    char *colon = strchr(line, ':');
    if (!colon)
        return -1;
    *colon = '\0';
    char *idx = line;
    if (strncmp(idx, "PCR-", 4) == 0)
        idx += 4;
    size_t n = strlen(idx);
    while (n > 0 && isspace((unsigned char)idx[n - 1]))
        idx[--n] = '\0';
    uint64_t i;
    if (num_parse(idx, 23, &i) < 0)
        return -1;
    if (i >= BOOT_PCRS)
        return 0;
    if (take_hex(colon + 1, p->v[bank][i], alg_by_bank(bank)->size) < 0)
        return -1;
    p->have[bank] |= 1u << i;
    return 0;
}

/* A bank header "sha256:" (nothing after the colon). */
static const struct alg_info *bank_header(const char *s)
{
    size_t n = strcspn(s, ":");
    if (s[n] != ':' || s[n + 1] != '\0')
        return NULL;
    return alg_by_name_n(s, n);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

int boot_pcrs_read(FILE *f, const char *name, struct boot_pcrs *p, char **err)
{
    char *buf = NULL;          /* whole lines, however long: a line cut in */
    size_t cap = 0;            /* pieces would be named by the wrong number */
    enum bank bank = BANK_SHA1;
    int rc = 0;
    for (unsigned lineno = 1; rc == 0 && getline(&buf, &cap, f) >= 0; lineno++) {
        char *s = trim(buf);
        const struct alg_info *a = bank_header(s);
        if (a)
            bank = a->bank;
        else if (*s && *s != '#' && take_value(s, bank, p) < 0)
            rc = err_set(err, "%s:%u: not a bank header (\"sha256:\") nor a "
                         "PCR value (\"0 : 0x<hex>\", \"PCR-00: <hex>\") of "
                         "the %s bank", name, lineno, alg_by_bank(bank)->name);
    }
    free(buf);
    if (rc == 0 && ferror(f))
        return err_errno(err, "%s", name);
    return rc;
}
