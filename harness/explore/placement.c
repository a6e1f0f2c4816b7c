#include "explore/placement.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults/engine.h"
#include "faults/rng.h"
#include "tpm/frame.h"
#include "util/memtext.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const actions[] = {
    "error", "applied-then-error", "delay", "timeout", "cancel",
    "drop-response", "failure-mode", "close",
};
/* the catalogue's codes, and more the driver may treat differently */
static const char *const rcs[] = {
    "TPM_RC_RETRY", "TPM_RC_TESTING", "TPM_RC_FAILURE", "TPM_RC_CANCELED",
    "TPM_RC_YIELDED", "TPM_RC_LOCALITY", "TPM_RC_MEMORY", "TPM_RC_NV_RATE",
    "TPM_RC_INITIALIZE", "TPM_RC_VALUE", "TPM_RC_REBOOT", "TPM_RC_NV_UNAVAILABLE",
};
/* below, at and above the driver's 750 ms; past the 2 s and 4 s marks */
static const unsigned delays[] = { 500, 740, 750, 760, 1000, 1990, 2100, 3990, 4100, 5000 };
/* the commands of the firmware, the kernel's driver and the guest agent */
static const char *const others[] = {
    "PCR_Read", "Quote", "GetCapability", "Startup", "SelfTest", "ReadPublic",
    "GetRandom",
};

/* Where a region puts its fault. */
enum where {
    W_ANY,          /* the whole space's mix */
    W_IMA,          /* an IMA extend: boot_aggregate or a file's */
    W_IMA_NEXT,     /* an IMA extend that another measurement follows */
    W_FIRMWARE,     /* a firmware extend (PCRs 0-7) */
    W_OTHER,        /* the n-th frame of another command */
};

/* A part of the space: the fault's target and action, each free or fixed.
 * A delay is drawn from delays[] within [delay_min, delay_max]. */
struct region {
    enum where where;
    const char *action;         /* NULL: any of actions[] */
    int response;               /* -1: either direction */
    bool resent_rc;             /* rc one the driver resends after */
    unsigned delay_min, delay_max;
};

#define ANY_DELAY 0, UINT_MAX
static const struct region anywhere = { W_ANY, NULL, -1, false, ANY_DELAY };

/* The opening: placement i < COUNT(opening) of every seed is one fault in
 * region i, so a short search covers each whatever its seed (the first two
 * are where the 6.1 driver's resend doubles an extend and where a command
 * or response held 5 s loses the next measurement).  Later placements
 * are drawn from the whole space. */
static const struct region opening[] = {
    { W_IMA, "error", 1, true, ANY_DELAY },
    { W_IMA_NEXT, "delay", -1, false, 5000, UINT_MAX },  /* 4100 ms loses none */
    { W_IMA, "error", 0, false, ANY_DELAY },
    { W_IMA, "applied-then-error", -1, false, ANY_DELAY },
    { W_IMA, "delay", -1, false, 0, 749 },              /* below the deadline */
    { W_IMA, "delay", -1, false, 750, 1000 },           /* at and just past it */
    { W_IMA, "delay", -1, false, 1001, 3999 },          /* past the 2 s mark */
    { W_IMA, "timeout", -1, false, ANY_DELAY },
    { W_IMA, "cancel", -1, false, ANY_DELAY },
    { W_IMA, "drop-response", -1, false, ANY_DELAY },
    { W_IMA, "failure-mode", -1, false, ANY_DELAY },
    { W_IMA, "close", -1, false, ANY_DELAY },
    { W_FIRMWARE, NULL, -1, false, ANY_DELAY },
    { W_OTHER, NULL, -1, false, ANY_DELAY },
    { W_OTHER, NULL, -1, false, ANY_DELAY },
};

static void place_target(struct rng *r, unsigned files, enum where w,
                         struct fault_place *f)
{
    if (w == W_ANY) {   /* most of the space is IMA's extends */
        uint64_t d = rng_below(r, 10);
        w = d < 7 ? W_IMA : d < 8 ? W_FIRMWARE : W_OTHER;
    }
    f->command = "PCR_Extend";
    f->pcr = 10;
    switch (w) {
    case W_ANY:
    case W_IMA:
        f->nth = 1 + (unsigned)rng_below(r, files + 1);
        break;
    case W_IMA_NEXT:            /* file k - 1's extend, file k's to come */
        f->nth = 2 + (unsigned)rng_below(r, files - 1);
        break;
    case W_FIRMWARE:
        f->pcr = (int)rng_below(r, 8);
        f->nth = 1;
        break;
    case W_OTHER:
        f->command = others[rng_below(r, COUNT(others))];
        f->pcr = -1;
        f->nth = 1 + (unsigned)rng_below(r, 2);
        break;
    }
}

static bool in_band(const struct region *g, unsigned d)
{
    return d >= g->delay_min && d <= g->delay_max;
}

/* One of delays[] within g's band (every band holds at least one). */
static unsigned draw_delay(struct rng *r, const struct region *g)
{
    size_t n = 0;
    for (size_t i = 0; i < COUNT(delays); i++)
        n += in_band(g, delays[i]);
    size_t pick = (size_t)rng_below(r, n);
    for (size_t i = 0; i < COUNT(delays); i++)
        if (in_band(g, delays[i]) && pick-- == 0)
            return delays[i];
    return delays[0];
}

static bool resent(const char *rc)
{
    uint32_t code;
    return tpm_rc_by_name(rc, TPM_FAMILY_20, &code) == 0 && fault_rc_resent(code);
}

static const char *draw_rc(struct rng *r, const struct region *g)
{
    const char *rc;
    do
        rc = rcs[rng_below(r, COUNT(rcs))];
    while (g->resent_rc && !resent(rc));
    return rc;
}

static void place_action(struct rng *r, const struct region *g, struct fault_place *f)
{
    f->action = g->action ? g->action : actions[rng_below(r, COUNT(actions))];
    f->response = g->response >= 0 ? g->response == 1 : rng_below(r, 10) < 3;
    f->applied = -1;
    if (!strcmp(f->action, "error") || !strcmp(f->action, "applied-then-error"))
        f->rc = draw_rc(r, g);
    if (!strcmp(f->action, "delay"))
        f->delay_ms = draw_delay(r, g);
    if (!strcmp(f->action, "timeout")) {
        f->applied = f->response ? -1 : (int)rng_below(r, 2);
        f->ignore_cancel = rng_below(r, 2);
        if (f->ignore_cancel || rng_below(r, 2))
            f->delay_ms = draw_delay(r, g);
        if (rng_below(r, 3) == 0)
            f->rc = draw_rc(r, g);
    }
}

void placement_make(uint64_t seed, uint64_t index, struct placement *p)
{
    struct rng r;
    rng_seed(&r, seed, index);
    memset(p, 0, sizeof(*p));
    p->run_seed = rng_next(&r);
    p->files = PL_BASE_FILES;
    const struct region *g = index < COUNT(opening) ? &opening[index] : &anywhere;
    p->n = g != &anywhere || rng_below(&r, 10) < 7 ? 1 : 2;
    for (size_t i = 0; i < p->n; i++) {
        place_target(&r, p->files, g->where, &p->f[i]);
        place_action(&r, g, &p->f[i]);
    }
}

size_t placement_opening(void)
{
    return COUNT(opening);
}

static void put_fault(FILE *o, size_t i, const struct fault_place *f)
{
    fprintf(o, "\n[fault]\nname = p%zu\ncommand = %s\n", i + 1, f->command);
    if (f->pcr >= 0)
        fprintf(o, "pcr = %d\n", f->pcr);
    fprintf(o, "nth = %u\naction = %s\n", f->nth, f->action);
    if (f->response)
        fprintf(o, "direction = response\n");
    if (f->rc)
        fprintf(o, "rc = %s\n", f->rc);
    if (f->delay_ms)
        fprintf(o, "delay_ms = %u\n", f->delay_ms);
    if (f->applied >= 0)
        fprintf(o, "applied = %s\n", f->applied ? "yes" : "no");
    if (f->ignore_cancel)
        fprintf(o, "on_cancel = ignore\n");
}

char *placement_script(const struct placement *p, const char *description,
                       const char *expect)
{
    char *text = NULL;
    size_t len;
    FILE *o = open_memstream(&text, &len);
    if (!o)
        return NULL;
    fprintf(o, "[scenario]\ndescription = %s\n\n[run]\nfiles = %u\nseed = %llu\n"
            "deadline = %u\n", description, p->files, (unsigned long long)p->run_seed,
            PL_DEADLINE_S);
    for (size_t i = 0; i < p->n; i++)
        put_fault(o, i, &p->f[i]);
    fprintf(o, "\n[expect]\n%s", expect ? expect : "guest-alive = yes\n");
    return memtext_close(o, &text);
}

static void describe_fault(FILE *o, const struct fault_place *f)
{
    fprintf(o, " | %s", f->command);
    if (f->pcr >= 0)
        fprintf(o, " pcr=%d", f->pcr);
    fprintf(o, " k=%u %s %s", f->nth, f->response ? "response" : "command", f->action);
    if (f->rc)
        fprintf(o, " %s", f->rc);
    if (f->delay_ms)
        fprintf(o, " %ums", f->delay_ms);
    if (f->applied >= 0)
        fprintf(o, " applied=%s", f->applied ? "yes" : "no");
    if (f->ignore_cancel)
        fprintf(o, " ignore-cancel");
}

char *placement_describe(const struct placement *p)
{
    char *text = NULL;
    size_t len;
    FILE *o = open_memstream(&text, &len);
    if (!o)
        return NULL;
    fprintf(o, "files=%u", p->files);
    for (size_t i = 0; i < p->n; i++)
        describe_fault(o, &p->f[i]);
    return memtext_close(o, &text);
}

/* The IMA extend a fault needs the workload to reach: files >= k - 1. */
static unsigned files_needed(const struct placement *p)
{
    unsigned need = 1;
    for (size_t i = 0; i < p->n; i++)
        if (p->f[i].pcr == 10 && p->f[i].nth > need + 1)
            need = p->f[i].nth - 1;
    return need;
}

/* The next shorter delay of the table, or 0 when d is the shortest. */
static unsigned shorter(unsigned d)
{
    unsigned best = 0;
    for (size_t i = 0; i < COUNT(delays); i++)
        if (delays[i] < d && delays[i] > best)
            best = delays[i];
    return best;
}

size_t placement_smaller(const struct placement *p, struct placement *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; p->n > 1 && i < p->n && n < max; i++) {
        out[n] = *p;
        out[n].n = p->n - 1;
        out[n].f[0] = p->f[1 - i];
        n++;
    }
    for (size_t i = 0; i < p->n && n < max; i++) {
        if (p->f[i].nth > 1) {
            out[n] = *p;
            out[n++].f[i].nth--;
        }
        unsigned d = shorter(p->f[i].delay_ms);
        if (p->f[i].delay_ms && d && n < max) {
            out[n] = *p;
            out[n++].f[i].delay_ms = d;
        }
    }
    if (p->files > files_needed(p) && n < max) {
        out[n] = *p;
        out[n++].files = p->files - 1;
    }
    return n;
}
