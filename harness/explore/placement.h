/* Placements: where and how the explorer puts faults into the base run
 * (files = 5, no faults).  Placement i of a search is a pure function of
 * (seed, i), so a search replays, and resumes, exactly. */
#ifndef TPMFAULT_PLACEMENT_H
#define TPMFAULT_PLACEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PL_MAX_FAULTS 2
#define PL_BASE_FILES 5
#define PL_DEADLINE_S 30        /* a placement script's [run] deadline: a clean run takes ~5 s */

struct fault_place {
    const char *command;        /* a TPM 2.0 command name */
    int pcr;                    /* PCR_Extend's PCR; -1: any */
    unsigned nth;               /* the k-th matching frame (pcr 10: k = 1 is boot_aggregate) */
    const char *action;
    bool response;              /* direction = response */
    const char *rc;             /* NULL: none */
    unsigned delay_ms;          /* 0: none */
    int applied;                /* timeout: -1 unset, 0 no, 1 yes */
    bool ignore_cancel;         /* timeout: on_cancel = ignore */
};

struct placement {
    uint64_t run_seed;          /* the script's [run] seed */
    unsigned files;
    size_t n;
    struct fault_place f[PL_MAX_FAULTS];
};

/* Placement number index of the search seeded with seed.  The first
 * placement_opening() of every seed cover the space's regions one each
 * (a resent error after an applied extend, a delay past the 4 s mark before
 * another measurement, each action on an IMA extend, a firmware extend,
 * other commands); the rest are drawn from the whole space. */
void placement_make(uint64_t seed, uint64_t index, struct placement *p);
size_t placement_opening(void);

/* The scenario script of p: [scenario] with a description, [run], one
 * [fault] per fault, and [expect] with the lines of expect (NULL: one,
 * guest-alive = yes: a script must assert something; the explorer judges
 * the facts, not the verdict).  Malloc'd; NULL when out of memory. */
char *placement_script(const struct placement *p, const char *description,
                       const char *expect);

/* The placements one step smaller than p, for shrinking, most reducing
 * first: without one of its faults, a fault one frame earlier, a delay
 * the next shorter one of the table, one file fewer (never fewer than an
 * IMA fault's k needs).  How many were written to out (at most max). */
size_t placement_smaller(const struct placement *p, struct placement *out, size_t max);

/* One line, malloc'd (NULL when out of memory):
 * "files=5 | PCR_Extend pcr=10 k=3 command error TPM_RC_RETRY". */
char *placement_describe(const struct placement *p);

#endif
