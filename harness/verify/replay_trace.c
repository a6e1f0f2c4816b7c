#include "verify/replay_trace.h"

#include "util/err.h"
#include "util/num.h"
#include "util/hex.h"
#include "util/jsonread.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* The command whose response is awaited: responses follow their command. */
struct pending {
    unsigned ord;
    int pcr;                     /* -1: a Quote; 0-9: a boot PCR extend */
    unsigned mask;
    uint8_t d[BANK_COUNT][ALG_MAX_DIGEST];
    bool live;
};

struct scan {
    struct trace_scan *s;
    struct pending p;
    bool ima_started;            /* a PCR 10 extend was seen */
};

static unsigned read_digests(const struct jv *obj,
                             uint8_t d[BANK_COUNT][ALG_MAX_DIGEST])
{
    unsigned mask = 0;
    for (const struct jv *m = obj && obj->type == JV_OBJ ? obj->child : NULL;
         m; m = m->next) {
        const struct alg_info *a = alg_by_name(m->key);
        if (a && m->type == JV_STR && hex_decode(m->str, d[a->bank], a->size) == 0)
            mask |= 1u << a->bank;
    }
    return mask;
}

/* "ord" and "pcr" as the shim writes them; a number no unsigned or int
 * holds is absent (jv_get_int: a cast of it would be undefined). */
static unsigned line_ord(const struct jv *line)
{
    return (unsigned)jv_get_int(line, "ord", 0, UINT_MAX, 0);
}

static void take_cmd(struct scan *sc, const struct jv *line, const char *name)
{
    int pcr = (int)jv_get_int(line, "pcr", 0, INT_MAX, -1);
    sc->p.live = false;
    if (trace_name_is_quote(name)) {
        sc->p = (struct pending){ .ord = line_ord(line),
                                  .pcr = -1, .live = true };
    } else if (trace_name_is_extend(name) && pcr == 10) {
        sc->ima_started = true;
    } else if (trace_name_is_extend(name) && pcr >= 0 && pcr < BOOT_PCRS &&
               !sc->ima_started) {
        sc->p.ord = line_ord(line);
        sc->p.pcr = pcr;
        sc->p.mask = read_digests(jv_get(line, "digests"), sc->p.d);
        sc->p.live = true;
    }
}

/* swtpm's own answer: tpm_rc, or rc when the shim relayed it unchanged. */
static bool tpm_succeeded(const struct jv *line)
{
    const char *rc = jv_get_str(line, "tpm_rc");
    const char *fate = jv_get_str(line, "fate");
    if (!rc && fate && strcmp(fate, "relayed") == 0)
        rc = jv_get_str(line, "rc");
    uint64_t v;
    return rc && num_parse(rc, UINT32_MAX, &v) == 0 && v == 0;
}

static void take_rsp(struct scan *sc, const struct jv *line)
{
    struct pending *p = &sc->p;
    if (!p->live || line_ord(line) != p->ord)
        return;
    p->live = false;
    if (!tpm_succeeded(line))
        return;
    if (p->pcr < 0) {
        sc->s->have_quote = true;
        sc->s->quote_ord = p->ord;
        return;
    }
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!(p->mask & (1u << b)))
            continue;
        alg_extend((enum bank)b, sc->s->boot.v[b][p->pcr], p->d[b]);
        sc->s->boot.have[b] = (1u << BOOT_PCRS) - 1;  /* all start at zero */
    }
}

static void take_line(struct scan *sc, const struct jv *line)
{
    const char *dir = jv_get_str(line, "dir"), *name = jv_get_str(line, "name");
    if (!dir || !name)
        return;
    if (strcmp(dir, "cmd") == 0)
        take_cmd(sc, line, name);
    else if (strcmp(dir, "rsp") == 0)
        take_rsp(sc, line);
}

int trace_scan_file(const char *path, struct trace_scan *s, char **err)
{
    struct scan sc = { .s = s };
    memset(s, 0, sizeof *s);
    FILE *f = fopen(path, "r");
    if (!f)
        return err_errno(err, "%s", path);
    char *buf = NULL;
    size_t cap = 0;
    for (unsigned lineno = 1; getline(&buf, &cap, f) >= 0; lineno++) {
        struct jv *v = jv_parse(buf, NULL);
        if (v)        /* trace_load judges malformed lines; skip them here */
            take_line(&sc, v);
        jv_free(v);
    }
    free(buf);
    fclose(f);
    return 0;
}
