#include "verdict/facts_quote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/hex.h"
#include "verify/quote.h"
#include "verify/quote12.h"

/* The first failed check, for the report. */
static const char *first_failure(const struct quote_check *c)
{
    if (!c->sig_valid)
        return "signature does not verify with ak.pem";
    if (!c->type_ok)
        return "not a TPM-generated quote";
    if (!c->nonce_ok)
        return "extraData is not the nonce the host gave";
    if (!c->selection_ok)
        return "PCR 10 is not quoted in every bank";
    if (!c->pcrs_sel_ok)
        return "quote.pcrs selection differs from the quote's";
    if (!c->digest_ok)
        return "pcrDigest does not match the quote.pcrs values";
    return "";
}

/* A TPM 1.2 guest's quote (tpm-quote-tools): PCR 10 in sha1. */
static void facts_quote12(const char *dir, const uint8_t *nonce,
                          size_t nonce_len, struct facts *f)
{
    struct quote12_check c;
    char *err = NULL;
    f->quote_present = true;
    if (quote12_check_dir(dir, nonce, nonce_len, &c, &err) < 0) {
        snprintf(f->quote_problem, sizeof(f->quote_problem), "%s", err);
        free(err);
        return;
    }
    f->quote_valid = c.sig_valid;
    snprintf(f->quote_problem, sizeof(f->quote_problem), "%s", c.sig_valid ? ""
             : "quote12.sig is not the AIK's signature over TPM_QUOTE_INFO2 "
               "of the host's nonce and the quoted PCR 10");
    if (c.sig_valid) {
        memcpy(f->bank[BANK_SHA1].quote, c.pcr10, QUOTE12_DIGEST);
        f->bank[BANK_SHA1].have_quote = true;
    }
}

/* The host's nonce, from hex. */
static int host_nonce(const char *hex, uint8_t *nonce, size_t cap, size_t *len)
{
    *len = strlen(hex) / 2;
    return *len > cap || hex_decode(hex, nonce, *len) < 0 ? -1 : 0;
}

void facts_quote(const char *dir, const char *nonce_hex, struct facts *f)
{
    uint8_t nonce[32];
    size_t nonce_len;
    char aik[4200];
    snprintf(aik, sizeof(aik), "%s/aik.der", dir);
    if (access(aik, R_OK) == 0) {   /* a TPM 1.2 guest's evidence */
        if (host_nonce(nonce_hex, nonce, sizeof(nonce), &nonce_len) < 0)
            snprintf(f->quote_problem, sizeof(f->quote_problem),
                     "bad host nonce");
        else
            facts_quote12(dir, nonce, nonce_len, f);
        return;
    }
    static const char *const names[] = { "quote.msg", "quote.sig",
                                         "quote.pcrs", "ak.pem" };
    char path[4][4352];
    for (int i = 0; i < 4; i++) {
        snprintf(path[i], sizeof(path[i]), "%s/%s", dir, names[i]);
        if (access(path[i], R_OK) != 0) {
            snprintf(f->quote_problem, sizeof(f->quote_problem),
                     "the guest produced no %s", names[i]);
            return;
        }
    }
    f->quote_present = true;
    if (host_nonce(nonce_hex, nonce, sizeof(nonce), &nonce_len) < 0) {
        snprintf(f->quote_problem, sizeof(f->quote_problem), "bad host nonce");
        return;
    }
    static struct quote_check c;
    char *err = NULL;
    if (quote_check_files(path[0], path[1], path[2], path[3], nonce, nonce_len,
                          f->banks, &c, &err) < 0) {
        snprintf(f->quote_problem, sizeof(f->quote_problem), "%s", err);
        free(err);
        return;
    }
    f->quote_valid = quote_check_ok(&c);
    snprintf(f->quote_problem, sizeof(f->quote_problem), "%s", first_failure(&c));
    for (int b = 0; f->quote_valid && b < BANK_COUNT; b++) {
        if (!c.have_pcr[b] || !(f->banks & (1u << b)))
            continue;
        memcpy(f->bank[b].quote, c.pcr[b], ALG_MAX_DIGEST);
        f->bank[b].have_quote = true;
    }
}
