/* The golden quote of tests/data/quote (under FUZZ_ROOT, the work tree,
 * set by the Makefile), loaded once: the quote targets fuzz one file and
 * take the others from here. */
#ifndef TPMFAULT_FUZZ_QUOTE_REF_H
#define TPMFAULT_FUZZ_QUOTE_REF_H

#include "fuzz.h"
#include "util/hex.h"
#include "verify/quote.h"


struct ref_file {
    uint8_t *p;
    size_t n;
};

struct quote_ref {
    struct ref_file msg, sig, pcrs, pem;
    uint8_t nonce[ALG_MAX_DIGEST];
    size_t nonce_len;
    TPMS_ATTEST attest;
};

static inline void ref_read(const char *name, struct ref_file *f)
{
    fuzz_read_file("tests/data/quote", name, &f->p, &f->n);
}

/* Load everything once; exits when the golden files are missing or no
 * longer parse (the fuzz run would be meaningless). */
static inline const struct quote_ref *quote_ref(void)
{
    static struct quote_ref r;
    static int loaded;
    if (loaded)
        return &r;
    struct ref_file nonce;
    ref_read("quote.msg", &r.msg);
    ref_read("quote.sig", &r.sig);
    ref_read("quote.pcrs", &r.pcrs);
    ref_read("ak.pem", &r.pem);
    ref_read("nonce.hex", &nonce);
    while (nonce.n && (nonce.p[nonce.n - 1] == '\n' || nonce.p[nonce.n - 1] == '\r'))
        nonce.n--;
    nonce.p[nonce.n] = '\0';
    r.nonce_len = nonce.n / 2;
    char *err = NULL;
    if (r.nonce_len > sizeof(r.nonce) ||
        hex_decode((const char *)nonce.p, r.nonce, r.nonce_len) < 0 ||
        quote_parse_attest(r.msg.p, r.msg.n, &r.attest, &err) < 0) {
        fprintf(stderr, "fuzz: golden quote does not parse: %s\n",
                err ? err : "nonce.hex");
        exit(1);
    }
    free(nonce.p);
    loaded = 1;
    return &r;
}

/* quote_check with the golden files, one of them replaced. */
static inline int ref_check(const struct ref_file *msg,
                            const struct ref_file *sig,
                            const struct ref_file *pcrs,
                            struct quote_check *out, char **err)
{
    const struct quote_ref *r = quote_ref();
    struct quote_in in = {
        msg->p, msg->n, sig->p, sig->n, pcrs->p, pcrs->n,
        (const char *)r->pem.p, r->pem.n, r->nonce, r->nonce_len,
        (1u << BANK_SHA1) | (1u << BANK_SHA256), 10,
    };
    return quote_check(&in, out, err);
}

static inline bool same(const uint8_t *p, size_t n, const struct ref_file *f)
{
    return n == f->n && memcmp(p, f->p, n) == 0;
}

#endif
