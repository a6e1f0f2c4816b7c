#ifndef TPMFAULT_FACTS_QUOTE_H
#define TPMFAULT_FACTS_QUOTE_H

#include "verdict/facts.h"

/* Check the guest's quote files in dir against the nonce the host gave it;
 * fill quote_present, quote_valid, quote_problem and the quoted PCR 10 of
 * every bank. */
void facts_quote(const char *dir, const char *nonce_hex, struct facts *f);

#endif
