#include "verdict/facts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hex.h"
#include "util/str.h"
#include "verdict/facts_banks.h"
#include "verdict/facts_boot.h"
#include "verdict/facts_quote.h"
#include "verify/dmesg.h"
#include "verify/entries.h"
#include "verify/trace.h"
#include "verify/workload.h"

/* One pass over the list without hashing: counts, boot_aggregate, and the
 * workload's files in order. */
struct list_scan {
    struct facts *f;
    unsigned files;               /* workload files expected */
    unsigned next_file;           /* next workload file expected */
    char first_bad[160];
};

static void note_boot_aggregate(struct facts *f, const struct ima_entry *e)
{
    char hex[2 * ALG_MAX_DIGEST + 1];
    size_t n = e->file_digest_len <= ALG_MAX_DIGEST ? e->file_digest_len : 0;
    hex_encode(e->file_digest, n, hex);
    snprintf(f->boot_aggregate, sizeof(f->boot_aggregate), "%s:%s",
             e->file_alg, hex);
    f->boot_aggregate_zero = true;
    for (size_t i = 0; i < n; i++)
        f->boot_aggregate_zero &= e->file_digest[i] == 0;
    memcpy(f->boot_aggregate_digest, e->file_digest, n);
    f->boot_aggregate_len = n;
    /* an entry of no known template names no algorithm: sha1, as "ima" */
    f->boot_aggregate_alg = alg_by_name(e->file_alg[0] ? e->file_alg : "sha1");
}

static int scan_entry(const struct ima_entry *e, void *ctx, char **err)
{
    (void)err;
    struct list_scan *ls = ctx;
    struct facts *f = ls->f;
    f->list_entries++;
    f->violations += e->violation;
    if (e->index == 0 && strcmp(e->file_name, "boot_aggregate") == 0)
        note_boot_aggregate(f, e);
    char want[32];
    workload_file(want, sizeof(want), ls->next_file);
    if (ls->next_file <= ls->files && strcmp(e->file_name, want) == 0)
        ls->next_file++;
    else if (e->index > 0 && !ls->first_bad[0])
        str_fmt(ls->first_bad, sizeof(ls->first_bad),
                 "entry %llu is %.100s, expected %s",
                 (unsigned long long)e->index, e->file_name, want);
    return 0;
}

/* Every PCR 10 extend the guest sent has its list entry, in order; a resend
 * of the same measurement (driver retry) maps to the same entry. */
static void match_trace(struct facts *f, const struct trace *t,
                        const struct list_entries *le)
{
    size_t i = list_entries_map(le, t, 1u << BANK_SHA1, NULL);
    f->trace_in_list = i == t->n_ext;
    if (!f->trace_in_list)
        snprintf(f->trace_in_list_detail, sizeof(f->trace_in_list_detail),
                 "extend #%zu (frame %u) has no list entry in order", i + 1,
                 trace_ext(t, i)->ord);
    else
        snprintf(f->trace_in_list_detail, sizeof(f->trace_in_list_detail),
                 "%zu extends matched %zu list entries", t->n_ext, le->n);
}

static FILE *open_evidence(const char *dir, const char *name)
{
    char path[4352];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return fopen(path, "rb");
}

static void scan_list(const char *dir, struct facts *f, unsigned files,
                      struct list_scan *ls)
{
    ls->f = f;
    ls->files = files;
    ls->next_file = 1;
    FILE *in = open_evidence(dir, "binary_runtime_measurements");
    if (!in) {
        snprintf(f->list_problem, sizeof(f->list_problem),
                 "no binary_runtime_measurements from the guest");
        return;
    }
    char *err = NULL;
    if (imalist_parse_file(in, 20, scan_entry, ls, &err) < 0) {
        snprintf(f->list_problem, sizeof(f->list_problem), "%s", err);
        free(err);
    } else {
        f->have_list = true;
    }
    fclose(in);
    f->list_complete = f->have_list && f->boot_aggregate[0] &&
                       ls->next_file == files + 1 && !ls->first_bad[0];
    snprintf(f->list_complete_detail, sizeof(f->list_complete_detail),
             "%llu entries; %s", (unsigned long long)f->list_entries,
             ls->first_bad[0] ? ls->first_bad :
             ls->next_file <= files ? "workload files missing from the list" :
             !f->boot_aggregate[0] ? "no boot_aggregate at entry 0" :
             "boot_aggregate and every workload file, in order");
}

/* Replay the list and compare it with a final PCR value per bank. */
static void compare_with(const char *dir, struct facts *f, bool quote)
{
    uint8_t target[BANK_COUNT][ALG_MAX_DIGEST];
    memset(target, 0, sizeof(target));
    for (int b = 0; b < BANK_COUNT; b++)
        memcpy(target[b], quote ? f->bank[b].quote : f->bank[b].tpm, ALG_MAX_DIGEST);
    FILE *in = open_evidence(dir, "binary_runtime_measurements");
    if (!in)
        return;
    struct replay_src src = { .f = in, .digest_len = 20 };
    struct replay_opts opts = { .banks = f->banks, .pcr = 10,
                                .padded_banks = f->padded_banks };
    struct replay_vs_pcr cmp;
    struct replay_result res;
    char *err = NULL;
    if (replay_compare_pcr(&src, &opts, (const uint8_t (*)[ALG_MAX_DIGEST])target,
                           &cmp, &res, &err) == 0) {
        for (int b = 0; b < BANK_COUNT; b++) {
            if (!(res.banks & (1u << b)))
                continue;
            struct bank_facts *bf = &f->bank[b];
            *(quote ? &bf->diverge_quote : &bf->diverge_tpm) = cmp.diverge[b];
        }
    }
    free(err);
    fclose(in);
}

static void collect_trace(const char *dir, struct facts *f, struct trace *t)
{
    char path[4352], *err = NULL;
    snprintf(path, sizeof(path), "%s/trace.jsonl", dir);
    if (trace_load(path, t, &err) < 0) {
        snprintf(f->trace_problem, sizeof(f->trace_problem), "%s", err);
        free(err);
        return;
    }
    f->have_trace = true;
    f->extends_seen = t->n_ext;
    f->extends_applied = trace_applied_count(t);
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!(t->truth_mask & (1u << b)))
            continue;
        memcpy(f->bank[b].tpm, t->truth[b], ALG_MAX_DIGEST);
        f->bank[b].have_tpm = true;
    }
    if (!t->have_truth)
        snprintf(f->trace_problem, sizeof(f->trace_problem),
                 "the trace holds no pcr_truth line (the shim did not read "
                 "PCR 10 before shutdown)");
}

/* The list in memory with each entry's digests, and the replayed PCR 10. */
static bool load_entries(const char *dir, struct facts *f,
                         struct list_entries *le)
{
    char path[4352], *err = NULL;
    snprintf(path, sizeof(path), "%s/binary_runtime_measurements", dir);
    if (list_entries_load(path, f->banks, f->padded_banks, le, &err) < 0) {
        snprintf(f->list_problem, sizeof(f->list_problem), "%s", err);
        free(err);
        return false;
    }
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!(f->banks & (1u << b)))
            continue;
        memcpy(f->bank[b].replay, le->replay[b], ALG_MAX_DIGEST);
        f->bank[b].have_replay = true;
    }
    return true;
}

/* The kernel log; and the banks IMA said at boot it had no hash for. */
static void collect_dmesg(const char *dir, struct facts *f)
{
    FILE *in = open_evidence(dir, "dmesg.txt");
    if (!in)
        return;
    dmesg_scan(in, &f->dmesg);
    fclose(in);
    f->padded_banks = f->dmesg.hash_unavailable & f->banks;
    for (int b = 0; b < BANK_COUNT; b++)
        f->bank[b].padded = f->padded_banks & (1u << b);
}

int facts_kernel_series(const struct run_outcome *o)
{
    if (o->have_evidence && o->ev.kernel[0])
        return scn_kernel_series_of(o->ev.kernel);
    return o->series[0] ? scn_kernel_series_of(o->series) : -1;
}

static void note_kernel(const struct run_outcome *o, struct facts *f)
{
    snprintf(f->kernel_release, sizeof(f->kernel_release), "%s",
             o->have_evidence ? o->ev.kernel : "");
    f->kernel_series = facts_kernel_series(o);
}

void facts_collect(const char *dir, const struct scenario *s,
                   const struct run_outcome *o, struct facts *f)
{
    struct list_scan ls = { 0 };
    struct list_entries le = { 0 };
    memset(f, 0, sizeof(*f));
    struct trace *t = &f->trace;
    f->banks = s->run.banks;
    f->guest_alive = o->have_evidence && o->ev.done;
    note_kernel(o, f);
    collect_dmesg(dir, f);
    scan_list(dir, f, s->run.files, &ls);
    bool have_entries = f->have_list && load_entries(dir, f, &le);
    if (have_entries)
        facts_bank_lists(dir, f);
    if (s->run.tpm != SCN_TPM_ABSENT) {
        collect_trace(dir, f, t);
        facts_quote(dir, o->nonce_hex, f);
    }
    facts_boot_aggregate(f);
    if (have_entries && f->have_trace)
        match_trace(f, t, &le);
    if (have_entries && t->have_truth) {
        compare_with(dir, f, false);
        explain_run(&le, t, &f->expl);
        f->have_explanation = true;
    }
    if (f->have_list && f->quote_valid)
        compare_with(dir, f, true);
    list_entries_free(&le);
}

void facts_free(struct facts *f)
{
    trace_free(&f->trace);
}
