#include "tpm/mu.h"

#include <stdlib.h>
#include <tss2/tss2_rc.h>

#include "util/err.h"

/* The library reads TSS2_LOG once, at its first message. */
void tpm_mu_quiet(void)
{
    setenv("TSS2_LOG", "all+none", 0);
}

int tpm_mu_err(TSS2_RC rc, const char *where, size_t at, const char *what,
               size_t len, char **err)
{
    if (rc == TSS2_RC_SUCCESS)
        return 0;
    if (rc == TSS2_MU_RC_INSUFFICIENT_BUFFER)
        return err_set(err, "%s offset %zu: %s truncated (%zu bytes left)",
                       where, at, what, at <= len ? len - at : 0);
    return err_set(err, "%s offset %zu: %s invalid (%s)", where, at, what,
                   Tss2_RC_Decode(rc));
}
