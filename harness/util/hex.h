#ifndef TPMFAULT_HEX_H
#define TPMFAULT_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Write 2*n lowercase hex digits and a NUL into out (size >= 2*n+1). */
void hex_encode(const uint8_t *in, size_t n, char *out);
/* Decode a hex string of exactly 2*n digits (either case) into out.
 * Returns 0, or -1 on a bad digit or length. */
int hex_decode(const char *in, uint8_t *out, size_t n);

#endif
