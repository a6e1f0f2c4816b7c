/* Random bytes from the kernel for what must not be guessable or fixed:
 * a quote's nonce, a run's seed. */
#ifndef TPMFAULT_ENTROPY_H
#define TPMFAULT_ENTROPY_H

#include <stddef.h>

/* n bytes from getrandom(2) (short reads and EINTR retried).  0, or -1
 * with *err: there is no fallback, a caller that needs randomness fails. */
int entropy_fill(void *buf, size_t n, char **err);

#endif
