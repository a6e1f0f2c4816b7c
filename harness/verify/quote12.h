/* TPM 1.2 quote evidence as tpm-quote-tools 1.0.4 writes it (trousers'
 * tcsd in the guest, scripts/guest/agent.sh tpm12_quote), and its
 * verification with OpenSSL.
 *
 *   tpm_mkaik -z aik.blob aik.der
 *   tpm_getquote -p quote12.pcrs aik.uuid nonce12 quote12.sig 10
 *   aik.der       the AIK's TPM_PUBKEY in a TSS DER wrapper (a SEQUENCE of
 *                 three INTEGERs and an OCTET STRING holding the blob)
 *   quote12.sig   the RSA PKCS#1 v1.5 SHA-1 signature over TPM_QUOTE_INFO2:
 *                 tag 0x0036, "QUT2", externalData (20 bytes: here the
 *                 SHA-1 of the host's nonce), TPM_PCR_INFO_SHORT (the
 *                 selection, localityAtRelease, digestAtRelease = SHA-1 of
 *                 TPM_PCR_COMPOSITE of the quoted values)
 *   quote12.pcrs  "10=HEX" lines: the values tpm_getquote read */
#ifndef TPMFAULT_QUOTE12_H
#define TPMFAULT_QUOTE12_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#define QUOTE12_DIGEST 20
/* tag, "QUT2", externalData, sizeOfSelect + 3 select bytes, locality,
 * digestAtRelease */
#define QUOTE12_INFO_LEN (2 + 4 + QUOTE12_DIGEST + 2 + 3 + 1 + QUOTE12_DIGEST)

/* The RSA key in aik.der; NULL with *err naming the offset. */
EVP_PKEY *quote12_aik(const uint8_t *der, size_t n, char **err);
/* PCR 10's value from quote12.pcrs; -1 with *err naming the line. */
int quote12_parse_pcrs(const char *text, uint8_t pcr10[QUOTE12_DIGEST],
                       char **err);
/* TPM_QUOTE_INFO2 of a TPM_Quote2 of PCR 10 alone at locality 0. */
void quote12_info(const uint8_t ext[QUOTE12_DIGEST],
                  const uint8_t pcr10[QUOTE12_DIGEST],
                  uint8_t out[QUOTE12_INFO_LEN]);

struct quote12_check {
    bool sig_valid;      /* the signature is the AIK's over the info built
                          * from the host's nonce and the quoted PCR 10 */
    uint8_t pcr10[QUOTE12_DIGEST];
};

/* Read aik.der, quote12.sig and quote12.pcrs from dir and check them
 * against the host's nonce.  -1 with *err when a file is missing or does
 * not parse; else 0 and *out. */
int quote12_check_dir(const char *dir, const uint8_t *nonce, size_t nonce_len,
                      struct quote12_check *out, char **err);

#endif
