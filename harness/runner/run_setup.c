/* What a run needs before anything starts: the kernel, the initramfs,
 * the programs, and the name of its TPM state template. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner/fsutil.h"
#include "runner/run_ctx.h"
#include "tpm/alg.h"
#include "util/entropy.h"
#include "util/err.h"
#include "util/hex.h"
#include "util/str.h"

static void read_first_line(const char *path, char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    if (fgets(buf, (int)size, f))
        buf[strcspn(buf, "\n")] = '\0';
    fclose(f);
}

/* A series name maps to the cached Debian kernel; anything with a slash or
 * an existing file is a user's bzImage. */
static int resolve_kernel(struct run_ctx *c, const char *k)
{
    if (strchr(k, '/') || file_exists(k)) {
        if (!realpath(k, c->kernel_path))
            return str_fmt(c->out.skip, sizeof(c->out.skip),
                            "kernel %s: %s", k, strerror(errno)), -1;
        str_fmt(c->out.kernel_label, sizeof(c->out.kernel_label), "%s",
                 c->kernel_path);
        return 0;
    }
    char pkg[200];
    str_fmt(c->kernel_path, sizeof(c->kernel_path), "%s/cache/kernel/%s/vmlinuz",
             c->o->root, k);
    char pkgfile[PATH_MAX];
    str_fmt(pkgfile, sizeof(pkgfile), "%s/cache/kernel/%s/package", c->o->root, k);
    /* A script's text is suggested as a make command only when it can be
     * pasted as it is (a Makefile recipe would expand $(...) in it). */
    if (!file_exists(c->kernel_path)) {
        if (str_shell_word(k))
            str_fmt(c->out.skip, sizeof(c->out.skip), "kernel %s is not "
                    "fetched (run: make kernel KERNEL=%s)", k, k);
        else
            str_fmt(c->out.skip, sizeof(c->out.skip), "kernel '%s' is no "
                    "series name and no file", k);
        return -1;
    }
    str_fmt(c->out.series, sizeof(c->out.series), "%s", k);
    read_first_line(pkgfile, pkg, sizeof(pkg));
    str_fmt(c->out.kernel_label, sizeof(c->out.kernel_label), "%s (%s)", k, pkg);
    return 0;
}

/* "sha1,sha256": the template directory's name for a bank set. */
void run_banks_string(unsigned mask, char *buf, size_t size)
{
    buf[0] = '\0';
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!(mask & (1u << b)))
            continue;
        if (buf[0])
            strncat(buf, ",", size - strlen(buf) - 1);
        strncat(buf, alg_by_bank((enum bank)b)->name, size - strlen(buf) - 1);
    }
}

static bool on_path(const char *prog)
{
    const char *path = getenv("PATH");
    char dir[PATH_MAX];
    while (path && *path) {
        size_t n = strcspn(path, ":");
        str_fmt(dir, sizeof(dir), "%.*s/%s", (int)n, path, prog);
        if (access(dir, X_OK) == 0)
            return true;
        path += n + (path[n] == ':');
    }
    return false;
}

/* Everything a run needs must exist before anything starts. */
int run_check_requirements(struct run_ctx *c)
{
    if (resolve_kernel(c, c->kernel) < 0)
        return -1;
    str_fmt(c->initramfs, sizeof(c->initramfs), "%s",
             c->o->initramfs ? c->o->initramfs : "");
    if (!c->initramfs[0])
        str_fmt(c->initramfs, sizeof(c->initramfs),
                 "%s/build/initramfs.cpio.gz", c->o->root);
    if (!file_exists(c->initramfs))
        return str_fmt(c->out.skip, sizeof(c->out.skip),
                        "%s missing (run: make initramfs)", c->initramfs), -1;
    const char *progs[] = { "qemu-system-x86_64", "swtpm" };
    for (size_t i = 0; i < 2; i++)
        if (!on_path(progs[i]))
            return str_fmt(c->out.skip, sizeof(c->out.skip),
                            "%s not installed (run: make deps)", progs[i]), -1;
    char banks[64];
    run_banks_string(c->s->run.banks, banks, sizeof(banks));
    /* A TPM 1.2's state has no bank set: one template of its own. */
    if (c->s->run.tpm == SCN_TPM_12)
        str_fmt(banks, sizeof(banks), "%s", RUN_TPM12_TEMPLATE);
    /* A missing template is made on first use (ensure_template). */
    str_fmt(c->template_dir, sizeof(c->template_dir),
             "%s/" RUN_TEMPLATES "/%s", c->o->root, banks);
    return 0;
}

void run_nonce_and_seed(struct run_ctx *c)
{
    uint8_t nonce[16];
    char *err = NULL;
    /* A fixed nonce would let an old quote pass for this run's. */
    if (entropy_fill(nonce, sizeof(nonce), &err) < 0) {
        run_set_broken(c, "no random nonce for the quote: %s", err);
        free(err);
        return;
    }
    hex_encode(nonce, sizeof(nonce), c->out.nonce_hex);
    if (c->o->seed_set)
        c->out.seed = c->o->seed;
    else if (c->s->run.seed_set)
        c->out.seed = c->s->run.seed;
    else if (entropy_fill(&c->out.seed, sizeof(c->out.seed), &err) < 0) {
        run_set_broken(c, "no random seed (give one with --seed): %s", err);
        free(err);
    }
}
