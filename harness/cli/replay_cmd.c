/* tpmfault replay LIST: replay PCR 10 from a binary measurement list, print
 * it per bank, and with --pcr / --boot-pcrs / --trace say whether the list
 * is exactly what the TPM holds (see replay_cli.h and README.md). */
#include "cli/cli.h"
#include "cli/replay_cli.h"

#include "util/err.h"
#include "util/hex.h"
#include "verify/boot_aggregate.h"
#include "verify/replay_trace.h"
#include "verify/replay_verdict.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define VIOL_SHOWN 8

/* What the one pass over the list notes besides the replay. */
struct notes {
    const struct replay_result *res;
    uint64_t viol[VIOL_SHOWN];
    size_t n_viol;
    bool have_ba;                          /* entry 0 is boot_aggregate */
    char ba_alg[32];
    uint8_t ba[ALG_MAX_DIGEST];
    size_t ba_len;
    char bad_name[REPLAY_NAME_MAX];        /* the first digest mismatch's */
};

static int note_step(const struct replay_step *s, void *ctx, char **err)
{
    (void)err;
    struct notes *n = ctx;
    const struct ima_entry *e = s->entry;
    if (e->violation && n->n_viol < VIOL_SHOWN)
        n->viol[n->n_viol++] = e->index;
    if (n->res->first_mismatch == (int64_t)e->index)
        snprintf(n->bad_name, sizeof n->bad_name, "%s", e->file_name);
    if (e->index == 0 && strcmp(e->file_name, "boot_aggregate") == 0 &&
        e->file_digest_len <= ALG_MAX_DIGEST) {
        n->have_ba = true;
        snprintf(n->ba_alg, sizeof n->ba_alg, "%s", e->file_alg);
        memcpy(n->ba, e->file_digest, e->file_digest_len);
        n->ba_len = e->file_digest_len;
    }
    return 0;
}

static void print_hex(const char *label, const uint8_t *p, size_t n)
{
    char hex[2 * ALG_MAX_DIGEST + 1];
    hex_encode(p, n, hex);
    printf("%-15s %s\n", label, hex);
}

static void print_counts(const struct replay_cli *c, const struct replay_result *r,
                         const struct notes *n)
{
    printf("%-15s %s (template digest: %s)\n", "list", c->list,
           alg_by_bank(c->list_bank)->name);
    printf("%-15s %" PRIu64 " (PCR %u: %" PRIu64 ", other PCRs: %" PRIu64 ")\n",
           "entries", r->entries, c->pcr, r->extends, r->other_pcr);
    printf("%-15s %" PRIu64, "violations", r->violations);
    for (size_t i = 0; i < n->n_viol; i++)
        printf("%s%" PRIu64, i ? ", " : " (entries ", n->viol[i]);
    printf("%s\n", n->n_viol ? (r->violations > n->n_viol ? ", ...)" : ")") : "");
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!(r->banks & (1u << b)))
            continue;
        char label[32];
        snprintf(label, sizeof label, "%s pcr%u", alg_by_bank(b)->name, c->pcr);
        print_hex(label, r->pcr[b], alg_by_bank(b)->size);
    }
}

/* 0 consistent, 1 mismatch. */
static int check_digests(const struct replay_cli *c, const struct replay_result *r,
                         const struct notes *n)
{
    if (r->digest_mismatches == 0)
        return 0;
    printf("%-15s mismatch: %" PRIu64 " entries' template digest is not the %s "
           "hash of their template data (the first: entry %" PRId64 ", %s)\n",
           "template", r->digest_mismatches, alg_by_bank(c->list_bank)->name,
           r->first_mismatch, n->bad_name);
    return 1;
}

static int check_targets(const struct replay_cli *c, const struct replay_vs_pcr *cmp,
                         const struct replay_result *r)
{
    int bad = 0;
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!(c->targets & (1u << b)))
            continue;
        struct bank_verdict v;
        char text[512], label[32];
        replay_verdict_bank(cmp, r, (enum bank)b, &v);
        replay_verdict_describe(&v, r, text, sizeof text);
        snprintf(label, sizeof label, "%s vs --pcr", alg_by_bank(b)->name);
        printf("%-15s %s\n", label, text);
        bad |= !v.match;
    }
    return bad;
}

/* The boot PCRs from --boot-pcrs, or else from the trace. */
static int load_boot_pcrs(const struct replay_cli *c, const struct trace_scan *ts,
                          struct boot_pcrs *p, char **err)
{
    if (!c->boot_pcrs) {
        *p = ts->boot;
        return 0;
    }
    FILE *f = fopen(c->boot_pcrs, "r");
    if (!f)
        return err_errno(err, "%s", c->boot_pcrs);
    memset(p, 0, sizeof *p);
    int rc = boot_pcrs_read(f, c->boot_pcrs, p, err);
    fclose(f);
    return rc;
}

/* 0 match, 1 mismatch, -1 bad input. */
static int check_boot(const struct replay_cli *c, const struct notes *n,
                      const struct trace_scan *ts, char **err)
{
    struct boot_pcrs p;
    uint8_t want[ALG_MAX_DIGEST];
    if (!c->boot_pcrs && !c->trace)
        return 0;
    if (load_boot_pcrs(c, ts, &p, err) < 0)
        return -1;
    const struct alg_info *a = alg_by_name(n->ba_alg);
    const char *from = c->boot_pcrs ? c->boot_pcrs : "the trace";
    if (!n->have_ba || !a || n->ba_len != a->size) {
        printf("%-15s mismatch: entry 0 is not a boot_aggregate of a known bank\n",
               "boot_aggregate");
        return 1;
    }
    if (!boot_pcrs_complete(&p, a->bank)) {
        printf("%-15s not checked: %s lacks the %s values of PCRs 0-%u\n",
               "boot_aggregate", from, a->name, boot_aggregate_pcrs(a->bank) - 1);
        return 0;
    }
    if (boot_aggregate_calc(&p, a->bank, want, err) < 0)
        return -1;
    bool ok = memcmp(want, n->ba, a->size) == 0;
    char what[192] = "";
    if (!ok) {                  /* what it is instead, as the runner says */
        char why[160];
        int kind = boot_aggregate_judge(&p, a->bank, n->ba, n->ba_len, why,
                                        sizeof why);
        snprintf(what, sizeof what, " (%s: %s)", boot_aggregate_kind_name(kind),
                 why);
    }
    printf("%-15s %s: entry 0 (%s) %s PCRs 0-%u from %s%s\n", "boot_aggregate",
           ok ? "match" : "mismatch", a->name, ok ? "is the hash of" : "is not the hash of",
           boot_aggregate_pcrs(a->bank) - 1, from, what);
    return !ok;
}

/* Each --pcr bank against the replay of the entries the trace covers. */
static void print_values(const struct replay_cli *c, const struct trace_exact *x)
{
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!(c->targets & x->banks & (1u << b)))
            continue;
        bool once = memcmp(x->prefix_pcr[b], c->target[b], alg_by_bank(b)->size) == 0;
        const char *how = once ? "is the replay of those entries, each once" :
                          x->expl.found ? "is their replay as swtpm applied them "
                                          "(not each once)" :
                          "is not what swtpm's applied extends give";
        printf("%-15s %s: the --pcr value %s\n", alg_by_bank(b)->name,
               once ? "match" : "mismatch", how);
    }
}

/* 0 exact, 1 not, -1 bad input. */
static int check_trace(const struct replay_cli *c, const struct replay_src *src,
                       const struct replay_opts *o, const struct trace *t,
                       const struct trace_scan *ts, char **err)
{
    struct trace_exact x;
    char text[768];
    int rc = replay_trace_exact(src, o, t, ts,
                                (const uint8_t (*)[ALG_MAX_DIGEST])c->target,
                                c->targets, &x, err);
    if (rc < 0)
        return -1;
    trace_exact_describe(&x, text, sizeof text);
    printf("%-15s %zu PCR %u measurements reached the shim before the %s "
           "(%zu extend frames), %zu applied by swtpm; list entries covered: "
           "%zu\n", "trace", x.sent, c->pcr,
           ts->have_quote ? "quote" : "end (no quote)", x.frames, x.applied,
           x.covered);
    printf("%-15s %s%s\n", "trace vs list", x.exact ? "" : "mismatch: ", text);
    print_values(c, &x);
    return !x.exact || (x.have_values && !x.expl.found);
}

static int bad_input(const char *what, char *err)
{
    fprintf(stderr, "tpmfault replay: %s%s%s\n", what ? what : "",
            what ? ": " : "", err ? err : "failed");
    free(err);
    return REPLAY_EXIT_BAD;
}

/* Replay, print, and every check the options ask for. */
static int replay_and_check(const struct replay_cli *c, FILE *f)
{
    struct replay_result res;
    struct replay_vs_pcr cmp;
    struct notes n = { .res = &res };
    struct trace_scan ts = { 0 };
    char *err = NULL;
    struct replay_src src = { .f = f, .digest_len = alg_by_bank(c->list_bank)->size };
    struct replay_opts o = { .banks = c->banks, .pcr = c->pcr, .list_bank = c->list_bank,
                             .on_step = note_step, .ctx = &n };
    if (replay_compare_pcr(&src, &o, (const uint8_t (*)[ALG_MAX_DIGEST])c->target,
                           &cmp, &res, &err) < 0)
        return bad_input(c->list, err);
    struct trace t = { 0 };       /* read once, for the boot PCRs and --trace */
    if (c->trace && trace_load(c->trace, &t, &err) < 0)
        return bad_input(NULL, err);
    trace_scan(&t, &ts);
    print_counts(c, &res, &n);
    int bad = check_digests(c, &res, &n) | check_targets(c, &cmp, &res);
    int rc = check_boot(c, &n, &ts, &err);
    const char *what = NULL;
    if (rc >= 0) {
        bad |= rc;
        rc = c->trace ? check_trace(c, &src, &o, &t, &ts, &err) : 0;
        what = c->trace;
    }
    trace_free(&t);
    if (rc < 0)
        return bad_input(what, err);
    bad |= rc;
    printf("%-15s %s\n", "result", bad ? "mismatch" :
           c->targets || c->trace || c->boot_pcrs ? "match" : "replayed");
    return bad ? REPLAY_EXIT_MISMATCH : REPLAY_EXIT_MATCH;
}

/* A list replay cannot read, said as such: an empty file (a binary list
 * holds boot_aggregate at least), or the ASCII list, whose lines start
 * "10 <hex> " (a binary one starts with the PCR as a little-endian u32,
 * 0a 00 00 00). */
static int check_list_kind(FILE *f, const char *path, char **err)
{
    struct stat st;
    if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode))
        return 0;    /* a pipe cannot be read twice: the parser judges it */
    char head[64];
    size_t n = fread(head, 1, sizeof(head), f), digits = 0;
    if (ferror(f) || fseek(f, 0, SEEK_SET) < 0)
        return err_errno(err, "%s", path);
    if (n == 0)
        return err_set(err, "%s is empty: a measurement list holds "
                       "boot_aggregate at least", path);
    while (digits < n && head[digits] >= '0' && head[digits] <= '9')
        digits++;
    if (digits > 0 && digits < n && head[digits] == ' ')
        return err_set(err, "%s is the ASCII list (ascii_runtime_measurements): "
                       "replay reads the binary one, binary_runtime_measurements"
                       " in the same folder", path);
    return 0;
}

int cli_replay(int argc, char **argv)
{
    struct replay_cli c;
    char *err = NULL;
    if (replay_args_parse(argc, argv, &c, &err) < 0)
        return bad_input(NULL, err);
    FILE *f = fopen(c.list, "rb");
    if (!f) {
        err_errno(&err, "%s", c.list);
        return bad_input(NULL, err);
    }
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    if (check_list_kind(f, c.list, &err) < 0) {
        fclose(f);
        return bad_input(NULL, err);
    }
    int rc = replay_and_check(&c, f);
    fclose(f);
    return rc;
}
