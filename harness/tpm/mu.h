/* libtss2-mu as the harness calls it: its own stderr log kept off, and its
 * result codes turned into errors that say what was read and where.  The
 * TPM 2.0 structures of frames (tpm/frame.c) and quotes (verify/quote*.c)
 * are read and written by the library, never by hand. */
#ifndef TPMFAULT_TPM_MU_H
#define TPMFAULT_TPM_MU_H

#include <stddef.h>
#include <tss2/tss2_mu.h>

/* Keep libtss2's own stderr log off (unless TSS2_LOG is set): every
 * refusal is reported by the caller, with the field and its offset. */
void tpm_mu_quiet(void);

/* rc as an error "WHERE offset AT: WHAT truncated (N bytes left)" or
 * "... WHAT invalid (the library's reason)" for a buffer of len bytes;
 * 0 for success. */
int tpm_mu_err(TSS2_RC rc, const char *where, size_t at, const char *what,
               size_t len, char **err);

#endif
