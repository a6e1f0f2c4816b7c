/* The runner's side of snapshots (snapshot.h): making one (QMP stop,
 * migrate to the snapshot's directory, quit), and starting a run from one
 * (-incoming, then the go-line on ttyS1 once the guest runs). */
#include "runner/snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <swtpm/tpm_ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faults/prefix.h"
#include "runner/fsutil.h"
#include "runner/qmp.h"
#include "runner/run_ctx.h"
#include "trace/format.h"
#include "util/err.h"
#include "util/json.h"
#include "util/memtext.h"
#include "util/mono.h"
#include "util/str.h"

#define SNAP_QMP_S 10.0    /* QMP's answers; the migration's poll */

/* What the snapshot's boot depended on, one "name value" line each: a
 * different kernel, initramfs or TPM state template needs a new one. */
static void key_text(const struct run_ctx *c, char *buf, size_t size)
{
    struct stat k = { 0 }, i = { 0 };
    stat(c->kernel_path, &k);
    stat(c->initramfs, &i);
    str_fmt(buf, size, "kernel %s %lld %lld\ninitramfs %s %lld %lld\ntpm %s\n",
            c->kernel_path, (long long)k.st_size, (long long)k.st_mtime,
            c->initramfs, (long long)i.st_size, (long long)i.st_mtime,
            strrchr(c->template_dir, '/') + 1);
}

static void snap_path(const char *dir, const char *name, char *buf, size_t size)
{
    str_fmt(buf, size, "%s/%s", dir, name);
}

static int read_text(const char *path, char *buf, size_t size, char **err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return err_errno(err, "%s", path);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
    return 0;
}

/* The snapshot was made for this run's kernel, initramfs and TPM. */
static int key_fits(const struct run_ctx *c, char **err)
{
    char want[3 * PATH_MAX], have[3 * PATH_MAX], path[PATH_MAX + 16];
    snap_path(c->snap.dir, SNAPSHOT_VM, path, sizeof(path));
    if (!file_exists(path))
        return err_set(err, "snapshot %s: no %s", c->snap.dir, SNAPSHOT_VM);
    snap_path(c->snap.dir, SNAPSHOT_KEY, path, sizeof(path));
    if (read_text(path, have, sizeof(have), err) < 0)
        return err_prefix(err, "snapshot %s", c->snap.dir);
    key_text(c, want, sizeof(want));
    if (strcmp(want, have) != 0)
        return err_set(err, "snapshot %s was made for another kernel, initramfs "
                       "or TPM (%s says:\n%s); this run has:\n%s", c->snap.dir,
                       path, have, want);
    return 0;
}

/* No rule of the run fires on a frame of the snapshot's boot. */
static int faults_fit(const struct scenario *s, const char *dir, uint64_t seed,
                      char **err)
{
    char path[PATH_MAX + 16];
    struct prefix_state st;
    struct fault_engine *e = malloc(sizeof(*e));
    if (!e)
        return err_set(err, "out of memory");
    *e = s->faults;
    fault_engine_start(e, seed);
    snap_path(dir, SNAPSHOT_TRACE, path, sizeof(path));
    int rc = prefix_replay(e, path, NULL, &st, err);
    free(e);
    return rc;
}

int snapshot_fits(const struct scenario *s, const struct run_opts *o,
                  const char *dir, char **err)
{
    struct run_ctx c = { .s = s, .o = o, .snap = { .dir = dir } };
    c.kernel = o->kernel ? o->kernel : s->run.kernel[0] ? s->run.kernel : "6.1";
    if (s->run.tpm == SCN_TPM_ABSENT)
        return err_set(err, "a run without a TPM has no snapshot");
    if (run_check_requirements(&c) < 0)
        return err_set(err, "%s", c.out.skip);
    if (key_fits(&c, err) < 0)
        return -1;
    return faults_fit(s, dir, s->run.seed, err);
}

/* The restored guest's ttyS1: input from a FIFO the runner holds open
 * (QEMU's pipe chardev reads PATH.in, writes PATH.out), output into
 * evidence.txt where the runner reads it. */
static int ttys1_prepare(struct run_ctx *c, char **err)
{
    char in[PATH_MAX], ev[PATH_MAX], base[PATH_MAX];
    run_path(c, "ttyS1.in", in, sizeof(in));
    run_path(c, "evidence.txt", ev, sizeof(ev));
    run_path(c, "ttyS1", base, sizeof(base));
    str_fmt(c->snap.ttys1, sizeof(c->snap.ttys1), "pipe,id=ttys1,path=%s", base);
    int fd = open(ev, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_errno(err, "%s", ev);
    close(fd);
    run_path(c, "ttyS1.out", base, sizeof(base));
    if (symlink("evidence.txt", base) < 0 || mkfifo(in, 0600) < 0)
        return err_errno(err, "ttyS1's files in %s", c->rundir);
    /* Read and write: never blocks, and QEMU never sees the input end. */
    c->snap.go_fd = open(in, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    return c->snap.go_fd < 0 ? err_errno(err, "%s", in) : 0;
}

int snapshot_prepare(struct run_ctx *c)
{
    char banks[64], *err = NULL;
    if (!c->snap.dir)
        return 0;
    run_banks_string(c->s->run.banks, banks, sizeof(banks));
    str_fmt(c->snap.append, sizeof(c->snap.append),
            "console=ttyS0 panic=-1 tpmfault.snapshot=1 tpmfault.banks=%s", banks);
    str_fmt(c->snap.qmp, sizeof(c->snap.qmp), "unix:%s/qmp.sock,server=on,wait=off",
            c->rundir);
    if (c->snap.make) {
        if (c->s->run.tpm == SCN_TPM_ABSENT || c->s->faults.n)
            err_set(&err, "a snapshot is made from a script with a TPM and no faults");
    } else if (key_fits(c, &err) == 0 &&
               faults_fit(c->s, c->snap.dir, c->out.seed, &err) == 0) {
        c->booted = true;   /* the snapshot's guest had booted */
        ttys1_prepare(c, &err);
    }
    if (!err)
        return 0;
    run_set_broken(c, "%s", err);
    free(err);
    return -1;
}

int snapshot_qemu_args(struct run_ctx *c, char **argv, int n)
{
    argv[n++] = "-qmp";
    argv[n++] = c->snap.qmp;
    if (c->snap.make)
        return n;
    char q[PATH_MAX + 16], vm[PATH_MAX + 16];
    snap_path(c->snap.dir, SNAPSHOT_VM, vm, sizeof(vm));
    str_shquote(q, sizeof(q), vm);
    str_fmt(c->snap.incoming, sizeof(c->snap.incoming), "exec:cat %s", q);
    argv[n++] = "-chardev";
    argv[n++] = c->snap.ttys1;
    argv[n++] = "-incoming";
    argv[n++] = c->snap.incoming;
    return n;
}

static int qmp_socket(struct run_ctx *c, struct qmp *q, char **err)
{
    char sock[PATH_MAX];
    run_path(c, "qmp.sock", sock, sizeof(sock));
    return qmp_open(q, sock, c->deadline, err);
}

/* status of query-migrate or query-status, copied into buf. */
static int query(struct qmp *q, const char *cmd, double deadline, char *buf,
                 size_t size, char **err)
{
    struct jv *line = NULL;
    if (qmp_exec(q, cmd, NULL, &line, deadline, err) < 0)
        return -1;
    const struct jv *r = jv_get(line, "return");
    const char *status = jv_get_str(r, "status");
    const char *why = jv_get_str(r, "error-desc");
    str_fmt(buf, size, "%s%s%s", status ? status : "", why ? ": " : "", why ? why : "");
    jv_free(line);
    return 0;
}

static void staging(const struct run_ctx *c, char *buf, size_t size)
{
    str_fmt(buf, size, "%s.new", c->snap.dir);
}

/* Migrate the stopped guest into the staging directory. */
static int migrate(struct run_ctx *c, struct qmp *q, char **err)
{
    char dir[PATH_MAX], vm[PATH_MAX + 16], quoted[PATH_MAX + 32], status[256];
    staging(c, dir, sizeof(dir));
    tree_remove(dir);
    if (mkdir_p(dir, err) < 0)
        return -1;
    snap_path(dir, SNAPSHOT_VM, vm, sizeof(vm));
    str_shquote(quoted, sizeof(quoted), vm);
    char *args = NULL, *uri = NULL;
    size_t len;
    FILE *o = open_memstream(&args, &len);
    if (!o || asprintf(&uri, "exec:cat > %s", quoted) < 0)
        return err_set(err, "out of memory");
    fputs("{\"uri\":", o);
    json_write_string(o, uri);
    fputc('}', o);
    free(uri);
    if (!memtext_close(o, &args))
        return err_set(err, "out of memory");
    int rc = qmp_exec(q, "stop", NULL, NULL, c->deadline, err);
    if (rc == 0)
        rc = qmp_exec(q, "migrate", args, NULL, c->deadline, err);
    free(args);
    while (rc == 0 && query(q, "query-migrate", c->deadline, status,
                            sizeof(status), err) == 0) {
        if (strcmp(status, "completed") == 0)
            return c->snap.migrated = true, 0;
        if (strncmp(status, "failed", 6) == 0 || strncmp(status, "cancelled", 9) == 0)
            return err_set(err, "migration %s", status);
        if (run_interrupted(c) || run_deadline_passed(c))
            return -1;
        usleep(20000);
    }
    return -1;
}

/* The guest at its snapshot point: stop, migrate, quit (QEMU then shuts
 * the TPM down and ends; the run waits for that as for any guest). */
static int take(struct run_ctx *c, char **err)
{
    struct qmp q = { .fd = -1 };
    while (!c->snap.ready) {
        if (!group_running(&c->g, c->qemu))
            return err_set(err, "QEMU ended before the agent was ready for the snapshot");
        if (!run_watch(c))
            return -1;
    }
    run_progress(c, "agent ready: migrating to %s", c->snap.dir);
    int rc = qmp_socket(c, &q, err);
    if (rc == 0)
        rc = migrate(c, &q, err);
    if (rc == 0)
        qmp_exec(&q, "quit", NULL, NULL, mono_now() + SNAP_QMP_S, NULL);
    qmp_close(&q);
    return rc;
}

/* The restored guest runs (the snapshot was taken stopped, so QEMU keeps
 * it paused once the stream is in: cont), then the go-line with this
 * run's values. */
static int go(struct run_ctx *c, char **err)
{
    struct qmp q = { .fd = -1 };
    char status[256], line[256];
    double t0 = mono_now();
    int rc = qmp_socket(c, &q, err);
    while (rc == 0 && (rc = query(&q, "query-status", c->deadline, status,
                                  sizeof(status), err)) == 0 &&
           strcmp(status, "running") != 0) {
        if (strcmp(status, "paused") == 0)
            rc = qmp_exec(&q, "cont", NULL, NULL, c->deadline, err);
        else if (strcmp(status, "inmigrate") != 0)
            rc = err_set(err, "restoring %s: the guest is %s", c->snap.dir, status);
        else if (run_interrupted(c) || run_deadline_passed(c))
            rc = -1;
        else
            usleep(5000);
    }
    qmp_close(&q);
    if (rc < 0)
        return -1;
    str_fmt(line, sizeof(line), "TPMFAULT go nonce=%s files=%u pause_ms=%u%s%s\n",
            c->out.nonce_hex, c->s->run.files, c->s->run.pause_ms,
            c->hooks.guest ? " hook=" : "", c->hooks.guest ? c->hooks.guest : "");
    if (write(c->snap.go_fd, line, strlen(line)) != (ssize_t)strlen(line))
        return err_errno(err, "the go-line to ttyS1");
    c->out.clock.restored = mono_now();
    run_progress(c, "restored in %.2f s, go-line sent", c->out.clock.restored - t0);
    return 0;
}

int snapshot_started(struct run_ctx *c)
{
    char *err = NULL;
    if (!c->snap.dir)
        return 0;
    int rc = c->snap.make ? take(c, &err) : go(c, &err);
    if (rc < 0 && err)
        run_set_broken(c, "%s", err);
    free(err);
    return rc;
}

/* Where the boot's part of the snapshot's trace ends: QEMU asks swtpm for
 * its state (or shuts it down; CMD_STOP is no end: QEMU sends one at
 * start).  The shim's own start and faults lines stay out: the restored
 * shim writes its own. */
static bool prefix_end(const struct jv *line)
{
    long long code = jv_get_int(line, TRACE_K_CODE, 0, UINT32_MAX, -1);
    return trace_event_of(jv_get_str(line, TRACE_K_EVENT)) == TRACE_EV_CTRL &&
           (code == CMD_GET_STATEBLOB || code == CMD_SHUTDOWN);
}

static bool shim_own(const struct jv *line)
{
    int ev = trace_event_of(jv_get_str(line, TRACE_K_EVENT));
    return ev == TRACE_EV_START || ev == TRACE_EV_FAULTS;
}

static int write_prefix(const char *from, const char *to, char **err)
{
    FILE *in = fopen(from, "r"), *out = in ? fopen(to, "w") : NULL;
    char *text = NULL;
    size_t cap = 0;
    int rc = in && out ? 0 : err_errno(err, "%s", in ? to : from);
    bool ended = false;
    while (rc == 0 && !ended && getline(&text, &cap, in) > 0) {
        struct jv *line = jv_parse(text, err);
        if (!line)
            rc = err_prefix(err, "%s", from);
        else if (!(ended = prefix_end(line)) && !shim_own(line))
            fputs(text, out);
        jv_free(line);
    }
    if (rc == 0 && !ended)
        rc = err_set(err, "%s: QEMU never asked for the TPM's state", from);
    free(text);
    if (in)
        fclose(in);
    if (out && fclose(out) != 0 && rc == 0)
        rc = err_errno(err, "%s", to);
    return rc;
}

/* The snapshot's files beside its stream, then the directory in place. */
static int save(struct run_ctx *c, char **err)
{
    char dir[PATH_MAX], from[PATH_MAX], to[PATH_MAX + 16], key[3 * PATH_MAX];
    staging(c, dir, sizeof(dir));
    run_path(c, "trace.jsonl", from, sizeof(from));
    snap_path(dir, SNAPSHOT_TRACE, to, sizeof(to));
    if (write_prefix(from, to, err) < 0)
        return -1;
    const char *const copy[] = { SNAPSHOT_SERIAL, SNAPSHOT_EVIDENCE };
    for (size_t i = 0; i < 2; i++) {
        run_path(c, copy[i], from, sizeof(from));
        snap_path(dir, copy[i], to, sizeof(to));
        if (copy_tree(from, to, err) < 0)
            return -1;
    }
    key_text(c, key, sizeof(key));
    snap_path(dir, SNAPSHOT_KEY, to, sizeof(to));
    FILE *f = fopen(to, "w");
    if (!f || fputs(key, f) < 0 || fclose(f) != 0)
        return err_errno(err, "%s", to);
    tree_remove(c->snap.dir);
    if (rename(dir, c->snap.dir) < 0)
        return err_errno(err, "rename %s to %s", dir, c->snap.dir);
    return 0;
}

void snapshot_finish(struct run_ctx *c)
{
    char *err = NULL, dir[PATH_MAX];
    if (c->snap.go_fd >= 0)
        close(c->snap.go_fd);
    c->snap.go_fd = -1;
    if (!c->snap.make)
        return;
    if (c->snap.migrated && !c->out.broken[0] && save(c, &err) == 0) {
        c->snap.saved = true;
        return;
    }
    if (err)
        run_set_broken(c, "saving the snapshot: %s", err);
    free(err);
    staging(c, dir, sizeof(dir));
    tree_remove(dir);
}

/* prefix then the run's own: into the report. */
static int concat(const char *prefix, const char *own, const char *to, char **err)
{
    const char *const parts[] = { prefix, own };
    FILE *out = fopen(to, "w");
    if (!out)
        return err_errno(err, "%s", to);
    char buf[65536];
    for (size_t i = 0; i < 2; i++) {
        FILE *in = fopen(parts[i], "r");
        size_t n;
        while (in && (n = fread(buf, 1, sizeof(buf), in)) > 0)
            fwrite(buf, 1, n, out);
        if (in)
            fclose(in);
    }
    return fclose(out) == 0 ? 0 : err_errno(err, "%s", to);
}

void snapshot_collect(struct run_ctx *c)
{
    if (!c->snap.dir || c->snap.make)
        return;
    const char *const files[] = { SNAPSHOT_SERIAL, SNAPSHOT_EVIDENCE };
    for (size_t i = 0; i < 2; i++) {
        char prefix[PATH_MAX + 16], own[PATH_MAX], to[PATH_MAX + 16], *err = NULL;
        snap_path(c->snap.dir, files[i], prefix, sizeof(prefix));
        run_path(c, files[i], own, sizeof(own));
        snap_path(c->report_dir, files[i], to, sizeof(to));
        if (concat(prefix, own, to, &err) < 0) {
            fprintf(stderr, "tpmfault: %s\n", err);
            free(err);
        }
    }
}
