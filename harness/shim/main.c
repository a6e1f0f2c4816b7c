/* tpmfault-shim: relay between QEMU's -tpmdev emulator and swtpm.
 *   tpmfault-shim --listen PATH --swtpm-ctrl PATH --trace FILE
 *                 [--deadline SECONDS] [--scenario FILE] [--seed N]
 *                 [--prefix TRACE]
 * --scenario takes the script's [fault] rules (none: everything is
 * relayed); --seed (default 0) seeds the rules' random streams;
 * --prefix: the run is restored from a snapshot whose trace is TRACE
 * (restore.c).
 * Exit: 0 after CMD_SHUTDOWN was relayed or QEMU's connection ended,
 * 1 on a runtime error or a signal, 2 on a usage error. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults/scenario.h"
#include "shim/faulthook.h"
#include "shim/shim.h"
#include "util/num.h"

enum opt_type { OPT_STR, OPT_SECONDS, OPT_U64 };

struct opt {
    const char *name;
    enum opt_type type;
    int required;
    void *dst;
};

static void usage(FILE *f)
{
    fprintf(f, "usage: tpmfault-shim --listen PATH --swtpm-ctrl PATH "
               "--trace FILE [--deadline SECONDS] [--scenario FILE] "
               "[--seed N] [--prefix TRACE]\n");
}

static int set_opt(const struct opt *o, const char *v)
{
    if (o->type == OPT_STR) {
        *(const char **)o->dst = v;
        return 0;
    }
    if (o->type == OPT_U64) {
        if (num_parse(v, UINT64_MAX, (uint64_t *)o->dst) < 0) {
            fprintf(stderr, "tpmfault-shim: %s: '%s' is not an unsigned "
                            "64-bit number\n", o->name, v);
            return -1;
        }
        return 0;
    }
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    /* strtod reads "nan", "inf", "-1" and " 5" too: only a finite,
     * positive number of seconds, digits first, is a deadline */
    if (*v < '0' || *v > '9' || errno || end == v || *end || !isfinite(d) ||
        !(d > 0) || d > 3600) {
        fprintf(stderr, "tpmfault-shim: %s: '%s' is not a number of "
                        "seconds in (0, 3600]\n", o->name, v);
        return -1;
    }
    *(unsigned *)o->dst = (unsigned)(d * 1000);
    return 0;
}

/* "--name VALUE" or "--name=VALUE"; every option takes a value. */
static int parse_args(int argc, char **argv, const struct opt *opts,
                      int nopts)
{
    int seen[8] = { 0 };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *eq = strchr(a, '=');
        size_t klen = eq ? (size_t)(eq - a) : strlen(a);
        int k = 0;
        while (k < nopts && (strlen(opts[k].name) != klen ||
                             strncmp(opts[k].name, a, klen) != 0))
            k++;
        if (k == nopts) {
            fprintf(stderr, "tpmfault-shim: unknown option '%s'\n", a);
            return -1;
        }
        const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v) {
            fprintf(stderr, "tpmfault-shim: %s needs a value\n", a);
            return -1;
        }
        if (set_opt(&opts[k], v) < 0)
            return -1;
        seen[k] = 1;
    }
    for (int k = 0; k < nopts; k++) {
        if (opts[k].required && !seen[k]) {
            fprintf(stderr, "tpmfault-shim: %s is required\n", opts[k].name);
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct shim_config cfg = { .deadline_ms = 10000 };
    const char *scenario_path = NULL, *prefix = NULL;
    uint64_t seed = 0;
    const struct opt opts[] = {
        { "--listen", OPT_STR, 1, &cfg.listen_path },
        { "--swtpm-ctrl", OPT_STR, 1, &cfg.swtpm_ctrl_path },
        { "--trace", OPT_STR, 1, &cfg.trace_path },
        { "--deadline", OPT_SECONDS, 0, &cfg.deadline_ms },
        { "--scenario", OPT_STR, 0, &scenario_path },
        { "--seed", OPT_U64, 0, &seed },
        { "--prefix", OPT_STR, 0, &prefix },
    };
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    if (parse_args(argc, argv, opts, sizeof(opts) / sizeof(opts[0])) < 0) {
        usage(stderr);
        return 2;
    }
    static struct scenario scn;   /* large: PATH_MAX and the rule table */
    char *err = NULL;
    if (scenario_path && scenario_load(scenario_path, &scn, &err) < 0) {
        fprintf(stderr, "tpmfault-shim: %s\n", err);
        free(err);
        return 2;
    }
    cfg.family = scenario_family(&scn);
    cfg.tpm12_duration_ms = scn.run.tpm12_duration_ms;
    fault_engine_start(&scn.faults, seed);   /* no rules without a script */
    sigset_t wait_mask;
    volatile sig_atomic_t *signalled = shim_signals_install(&wait_mask);
    struct shim s;
    int rc = 1;
    if (shim_init(&s, &cfg, &err) < 0) {
        fprintf(stderr, "tpmfault-shim: %s\n", err);
    } else {
        shim_use_faults(&s, &scn.faults);
        if (prefix && shim_restore_begin(&s, prefix, &err) < 0)
            fprintf(stderr, "tpmfault-shim: %s\n", err);
        else
            rc = shim_run(&s, &wait_mask, signalled);
    }
    free(err);
    shim_fini(&s);
    return rc;
}
