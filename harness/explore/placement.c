#include "explore/placement.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/memtext.h"
#include "faults/rng.h"

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

/* which frame: an IMA extend (most of the space), a firmware extend, or
 * another command's n-th frame */
static void place_target(struct rng *r, unsigned files, struct fault_place *f)
{
    uint64_t where = rng_below(r, 10);
    if (where < 7) {
        f->command = "PCR_Extend";
        f->pcr = 10;
        f->nth = 1 + (unsigned)rng_below(r, files + 1);
    } else if (where < 8) {
        f->command = "PCR_Extend";
        f->pcr = (int)rng_below(r, 8);
        f->nth = 1;
    } else {
        f->command = others[rng_below(r, COUNT(others))];
        f->pcr = -1;
        f->nth = 1 + (unsigned)rng_below(r, 2);
    }
}

static void place_action(struct rng *r, struct fault_place *f)
{
    f->action = actions[rng_below(r, COUNT(actions))];
    f->response = rng_below(r, 10) < 3;
    f->applied = -1;
    if (!strcmp(f->action, "error") || !strcmp(f->action, "applied-then-error"))
        f->rc = rcs[rng_below(r, COUNT(rcs))];
    if (!strcmp(f->action, "delay"))
        f->delay_ms = delays[rng_below(r, COUNT(delays))];
    if (!strcmp(f->action, "timeout")) {
        f->applied = f->response ? -1 : (int)rng_below(r, 2);
        f->ignore_cancel = rng_below(r, 2);
        if (f->ignore_cancel || rng_below(r, 2))
            f->delay_ms = delays[rng_below(r, COUNT(delays))];
        if (rng_below(r, 3) == 0)
            f->rc = rcs[rng_below(r, COUNT(rcs))];
    }
}

void placement_make(uint64_t seed, uint64_t index, struct placement *p)
{
    struct rng r;
    rng_seed(&r, seed, index);
    memset(p, 0, sizeof(*p));
    p->run_seed = rng_next(&r);
    p->files = PL_BASE_FILES;
    p->n = rng_below(&r, 10) < 7 ? 1 : 2;
    for (size_t i = 0; i < p->n; i++) {
        place_target(&r, p->files, &p->f[i]);
        place_action(&r, &p->f[i]);
    }
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
