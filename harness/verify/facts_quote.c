#include "verify/facts_quote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/hex.h"
#include "verify/quote.h"

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

void facts_quote(const char *dir, const char *nonce_hex, struct facts *f)
{
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
    uint8_t nonce[32];
    size_t nonce_len = strlen(nonce_hex) / 2;
    if (nonce_len > sizeof(nonce) || hex_decode(nonce_hex, nonce, nonce_len) < 0) {
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
