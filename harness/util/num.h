#ifndef TPMFAULT_NUM_H
#define TPMFAULT_NUM_H

#include <stdint.h>

/* The one number syntax of scripts and options: decimal, or hexadecimal
 * with 0x; never octal ("010" is ten); no sign, no spaces, nothing after.
 * Returns 0, or -1 when s is not such a number or exceeds max. */
int num_parse(const char *s, uint64_t max, uint64_t *v);

#endif
