/* Starting a run's processes: swtpm and the shim in front of it, then
 * QEMU, each in the run's process group with its log in the run's
 * directory. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/fsutil.h"
#include "runner/run_ctx.h"
#include "runner/snapshot.h"
#include "util/str.h"

static bool tpm12(const struct run_ctx *c)
{
    return c->s->run.tpm == SCN_TPM_12;
}

/* A TPM state template for other bank sets (or a TPM 1.2) is made on
 * first use. */
static int ensure_template(struct run_ctx *c)
{
    char state[PATH_MAX + 32];
    str_fmt(state, sizeof(state), "%s/%s", c->template_dir,
            tpm12(c) ? "tpm-00.permall" : "tpm2-00.permall");
    if (file_exists(state))   /* renamed into place whole (tpm-template.sh) */
        return 0;
    char script[PATH_MAX], dir[PATH_MAX], log[PATH_MAX];
    str_fmt(script, sizeof(script), "%s/scripts/tpm-template.sh", c->o->root);
    str_fmt(dir, sizeof(dir), "%s/" RUN_TEMPLATES, c->o->root);
    /* the bank set, or "1.2" for a TPM 1.2 */
    const char *banks = tpm12(c) ? "1.2" : strrchr(c->template_dir, '/') + 1;
    run_path(c, "tpm-template.log", log, sizeof(log));
    char *argv[] = { script, dir, (char *)banks, NULL };
    struct group g = { 0 };
    char *err = NULL;
    if (group_spawn(&g, "tpm-template", argv, log, &err) < 0) {
        run_set_broken(c, "%s", err);
        free(err);
        return -1;
    }
    while (group_running(&g, 0) && !run_interrupted(c) && !run_deadline_passed(c)) {
        usleep(20000);
        group_reap(&g);
    }
    group_terminate(&g, 500);
    if (!file_exists(c->template_dir)) {
        run_set_broken(c, "could not make the TPM state template (see %s)", log);
        return -1;
    }
    return 0;
}

/* swtpm, the shim and QEMU make their files and sockets 0600 (umask 077):
 * private even inside the private runtime directory. */
static int spawn(struct run_ctx *c, const char *name, char *const argv[])
{
    char log[PATH_MAX], *err = NULL;
    str_fmt(log, sizeof(log), "%s/%s.log", c->rundir, name);
    mode_t old = umask(077);
    int idx = group_spawn(&c->g, name, argv, log, &err);
    umask(old);
    if (idx < 0) {
        run_set_broken(c, "%s", err);
        free(err);
    }
    return idx;
}

/* Wait for a daemon's socket; broken if it died, the deadline passed or
 * a signal came. */
static int await_socket(struct run_ctx *c, int idx, const char *sock)
{
    while (!file_exists(sock)) {
        group_reap(&c->g);
        if (run_interrupted(c) || run_deadline_passed(c))
            return -1;
        if (!group_running(&c->g, idx)) {
            char how[64];
            const struct proc *p = &c->g.procs[idx];
            run_set_broken(c, "%s %s before it created %s (see %s.log)", p->name,
                       proc_describe(p, how, sizeof(how)), sock, p->name);
            return -1;
        }
        usleep(10000);
    }
    return 0;
}

int run_start_tpm(struct run_ctx *c)
{
    char state[PATH_MAX], sock[PATH_MAX], shim[PATH_MAX], trace[PATH_MAX];
    char tpmstate[PATH_MAX + 16], ctrl[PATH_MAX + 32], log[PATH_MAX + 32];
    char shimbin[PATH_MAX], *err = NULL;
    run_path(c, "tpmstate", state, sizeof(state));
    run_path(c, "swtpm.sock", sock, sizeof(sock));
    run_path(c, "shim.sock", shim, sizeof(shim));
    run_path(c, "trace.jsonl", trace, sizeof(trace));
    if (ensure_template(c) < 0)
        return -1;
    if (copy_tree(c->template_dir, state, &err) < 0) {
        run_set_broken(c, "%s", err);
        free(err);
        return -1;
    }
    str_fmt(tpmstate, sizeof(tpmstate), "dir=%s", state);
    str_fmt(ctrl, sizeof(ctrl), "type=unixio,path=%s,mode=0600", sock);
    str_fmt(log, sizeof(log), "file=%s/swtpm-debug.log,level=1", c->rundir);
    /* swtpm is a TPM 1.2 unless told --tpm2 */
    char *swtpm[] = { "swtpm", "socket", "--tpmstate", tpmstate, "--ctrl",
                      ctrl, "--log", log, tpm12(c) ? NULL : "--tpm2", NULL };
    c->swtpm = spawn(c, "swtpm", swtpm);
    if (c->swtpm < 0 || await_socket(c, c->swtpm, sock) < 0)
        return -1;
    str_fmt(shimbin, sizeof(shimbin), "%s/bin/tpmfault-shim", c->o->root);
    char seed[32];
    str_fmt(seed, sizeof(seed), "%llu", (unsigned long long)c->out.seed);
    char *shimargv[TEST_WRAPPER_MAX + 14], prefix[PATH_MAX + 32];
    int n = 0;
    for (int i = 0; i < c->hooks.n_wrapper; i++)   /* e.g. valgrind */
        shimargv[n++] = c->hooks.wrapper[i];
    char *own[] = { shimbin, "--listen", shim, "--swtpm-ctrl", sock,
                    "--trace", trace, "--scenario", (char *)c->s->path,
                    "--seed", seed, NULL, NULL, NULL };
    if (c->snap.dir && !c->snap.make) {   /* the rules count the boot's frames */
        str_fmt(prefix, sizeof(prefix), "%s/" SNAPSHOT_TRACE, c->snap.dir);
        own[11] = "--prefix";
        own[12] = prefix;
    }
    memcpy(shimargv + n, own, sizeof(own));
    c->shim = spawn(c, "shim", shimargv);
    if (c->shim < 0 || await_socket(c, c->shim, shim) < 0)
        return -1;
    return 0;
}

int run_start_qemu(struct run_ctx *c)
{
    char append[512], serial0[PATH_MAX + 8], serial1[PATH_MAX + 8];
    char chardev[PATH_MAX + 32], banks[64];
    run_banks_string(c->s->run.banks, banks, sizeof(banks));
    /* panic=-1 with -no-reboot: a guest kernel panic ends QEMU at once. */
    str_fmt(append, sizeof(append),
             "console=ttyS0 panic=-1 tpmfault.nonce=%s tpmfault.files=%u "
             "tpmfault.pause_ms=%u tpmfault.banks=%s%s%s", c->out.nonce_hex,
             c->s->run.files, c->s->run.pause_ms, banks,
             c->hooks.guest ? " tpmfault.hook=" : "",
             c->hooks.guest ? c->hooks.guest : "");
    str_fmt(serial0, sizeof(serial0), "file:%s/serial.log", c->rundir);
    str_fmt(serial1, sizeof(serial1), "file:%s/evidence.txt", c->rundir);
    str_fmt(chardev, sizeof(chardev), "socket,id=chrtpm,path=%s/shim.sock",
             c->rundir);
    /* A snapshot's guest has the snapshot's command line (snapshot.c);
     * restored, its ttyS1 also reads the go-line. */
    const char *cmdline = c->snap.dir ? c->snap.append : append;
    const char *ttys1 = c->snap.dir && !c->snap.make ? SNAPSHOT_TTYS1 : serial1;
    char *argv[48];
    int n = 0;
    /* RDRAND: the kernel trusts it (CONFIG_RANDOM_TRUST_CPU) and its
     * random pool is ready at once; without it tpm2-tools' first
     * getrandom() waits about a second for the pool under TCG. */
    const char *fixed[] = { "qemu-system-x86_64", "-accel", "tcg",
                            "-cpu", "qemu64,+rdrand", "-m", "512",
                            "-smp", "1", "-nodefaults", "-display", "none",
                            "-no-reboot", "-kernel", c->kernel_path, "-initrd",
                            c->initramfs, "-append", cmdline, "-serial", serial0,
                            "-serial", ttys1 };
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        argv[n++] = (char *)fixed[i];
    if (c->snap.dir)     /* QMP, ttyS1's input, the incoming stream */
        n = snapshot_qemu_args(c, argv, n);
    if (c->s->run.tpm != SCN_TPM_ABSENT) {
        const char *tpm[] = { "-chardev", chardev, "-tpmdev",
                              "emulator,id=tpm0,chardev=chrtpm", "-device",
                              "tpm-tis,tpmdev=tpm0" };
        for (size_t i = 0; i < sizeof(tpm) / sizeof(tpm[0]); i++)
            argv[n++] = (char *)tpm[i];
    }
    argv[n] = NULL;
    c->qemu = spawn(c, "qemu", argv);
    return c->qemu < 0 ? -1 : 0;
}
