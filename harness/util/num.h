#ifndef TPMFAULT_NUM_H
#define TPMFAULT_NUM_H

#include <stddef.h>
#include <stdint.h>

/* The one number syntax of scripts and options: decimal, or hexadecimal
 * with 0x; never octal ("010" is ten); no sign, no spaces, nothing after.
 * Returns 0, or -1 when s is not such a number or exceeds max. */
int num_parse(const char *s, uint64_t max, uint64_t *v);

/* The same with an optional '-': a value in min..max (the kernel's
 * "result: -62"). */
int num_parse_signed(const char *s, int64_t min, int64_t max, int64_t *v);

/* A number inside a text (a dmesg line, an evidence line): the word at
 * *p (up to a blank, a comma or the end) is read as num_parse_signed
 * reads it, and *p moves past it.  The word is never cut at the first
 * character that is no digit: "12abc" or a word past max is -1, not 12
 * or a wrapped value. */
int num_take(const char **p, int64_t min, int64_t max, int64_t *v);

#endif
