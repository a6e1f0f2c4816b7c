/* Seeded random streams, one per fault rule.  splitmix64 seeds a
 * xoshiro256** state from (run seed, rule name), so adding or reordering
 * rules never changes another rule's draws. */
#ifndef TPMFAULT_RNG_H
#define TPMFAULT_RNG_H

#include <stddef.h>
#include <stdint.h>

struct rng {
    uint64_t s[4];
};

/* FNV-1a over a string: the rule's identity in the seed. */
uint64_t rng_hash_name(const char *name);
/* FNV-1a over bytes: a command frame's identity (a resend is the same). */
uint64_t rng_hash_bytes(const void *p, size_t n);
void rng_seed(struct rng *r, uint64_t seed, uint64_t stream);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, n), n > 0, without modulo bias. */
uint64_t rng_below(struct rng *r, uint64_t n);
/* Uniform in [0, 1000000): a draw in parts per million, without modulo bias. */
uint32_t rng_ppm(struct rng *r);

#endif
