#include "fake_swtpm.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner/fsutil.h"
#include "shim/evloop.h"
#include "shim/faulthook.h"
#include "shim/io.h"
#include "shim/shim.h"
#include "util/rd.h"
#include "util/str.h"

#define FAKE_IDLE_MS 30000   /* the fake's wait for the shim's next move */

/* What QEMU writes after the code and reads back (tpm_emulator.c). */
struct fake_cmd {
    uint32_t code, req, rsp;
};
static const struct fake_cmd fake_cmds[] = {
    { 0x01, 0, 8 }, { 0x02, 4, 4 }, { 0x03, 0, 4 }, { 0x04, 0, 8 },
    { 0x05, 4, 4 }, { 0x09, 0, 4 }, { 0x0b, 4, 4 }, { 0x0c, 12, 16 },
    { 0x0d, 12, 4 }, { 0x0e, 0, 4 }, { 0x0f, 0, 8 }, { 0x10, 0, 4 },
    { 0x11, 4, 16 },
};

static const struct fake_cmd *fake_find(uint32_t code)
{
    for (size_t i = 0; i < sizeof(fake_cmds) / sizeof(fake_cmds[0]); i++)
        if (fake_cmds[i].code == code)
            return &fake_cmds[i];
    return NULL;
}

int fake_ctrl_sizes(uint32_t code, size_t *req, size_t *rsp)
{
    const struct fake_cmd *fc = fake_find(code);
    if (!fc)
        return -1;
    *req = fc->req;
    *rsp = fc->rsp;
    return 0;
}

int fd_readable(int fd, int ms)
{
    struct pollfd p = { fd, POLLIN, 0 };
    return poll(&p, 1, ms) > 0;
}

int fake_nctrl(struct fake_swtpm *f)
{
    pthread_mutex_lock(&f->mu);
    int n = f->n;
    pthread_mutex_unlock(&f->mu);
    return n;
}

int fake_nframes(struct fake_swtpm *f)
{
    pthread_mutex_lock(&f->mu);
    int n = f->nframes;
    pthread_mutex_unlock(&f->mu);
    return n;
}

uint32_t fake_frame(struct fake_swtpm *f, int i)
{
    uint32_t cc = 0;
    pthread_mutex_lock(&f->mu);
    if (i < 0)
        i += f->nframes;
    if (i >= 0 && i < f->nframes)
        cc = f->frames[i];
    pthread_mutex_unlock(&f->mu);
    return cc;
}

int fake_saw(struct fake_swtpm *f, uint32_t cc)
{
    int k = 0;
    pthread_mutex_lock(&f->mu);
    for (int i = 0; i < f->nframes; i++)
        k += f->frames[i] == cc;
    pthread_mutex_unlock(&f->mu);
    return k;
}

uint64_t fake_answered_ms(struct fake_swtpm *f, uint32_t cc)
{
    uint64_t t = 0;
    pthread_mutex_lock(&f->mu);
    for (int i = 0; i < f->nframes; i++)
        if (f->frames[i] == cc)
            t = f->frame_ms[i];
    pthread_mutex_unlock(&f->mu);
    return t;
}

void fake_set_rsp_delay(struct fake_swtpm *f, int ms)
{
    pthread_mutex_lock(&f->mu);
    f->rsp_delay_ms = ms;
    pthread_mutex_unlock(&f->mu);
}

void fake_set_data_fault(struct fake_swtpm *f, enum fake_fault x)
{
    pthread_mutex_lock(&f->mu);
    f->data_fault = x;
    pthread_mutex_unlock(&f->mu);
}

void fake_set_ctrl_fault(struct fake_swtpm *f, enum fake_fault x)
{
    pthread_mutex_lock(&f->mu);
    f->ctrl_fault = x;
    pthread_mutex_unlock(&f->mu);
}

/* Take the pending fault of one side (it applies once). */
static enum fake_fault take_fault(struct fake_swtpm *f, enum fake_fault *which)
{
    pthread_mutex_lock(&f->mu);
    enum fake_fault x = *which;
    *which = FAKE_OK;
    pthread_mutex_unlock(&f->mu);
    return x;
}

/* A data response as the pending fault makes it; 1 when the data side
 * must stop (its socket is shut down). */
static int data_answer(struct fake_swtpm *f, uint8_t *rsp, size_t n)
{
    static const uint8_t more[8] = "GARBAGE!";
    switch (take_fault(f, &f->data_fault)) {
    case FAKE_SIZE_SMALL:
        put_be32(rsp + 2, 6);
        n = 10;
        break;
    case FAKE_SIZE_BIG:
        put_be32(rsp + 2, 0x10000000);
        n = 10;
        break;
    case FAKE_SHORT:
        put_be32(rsp + 2, 100);
        memset(rsp + 10, 0, 10);
        n = 20;
        break;
    case FAKE_LONG:
        memcpy(rsp + n, more, sizeof(more));
        n += sizeof(more);
        break;
    case FAKE_CLOSE:
        io_send_all(f->data_fd, rsp, 5, -1, FAKE_TMO, NULL);
        shutdown(f->data_fd, SHUT_RDWR);
        return 1;
    default:
        break;
    }
    io_send_all(f->data_fd, rsp, n, -1, FAKE_TMO, NULL);
    return 0;
}

/* Data side: PCR_Read gets sha256 = aa.., TPM 1.2's TPM_PcrRead sha1 =
 * bb.., anything else a 10-byte success (with a 1.2 tag for a 1.2
 * request). */
static void *fake_data(void *arg)
{
    struct fake_swtpm *f = arg;
    static const uint8_t pcr_rsp[] = {
        0x80, 0x01, 0, 0, 0, 0x3e, 0, 0, 0, 0, 0, 0, 0, 5,
        0, 0, 0, 1, 0x00, 0x0b, 3, 0, 4, 0, 0, 0, 0, 1, 0, 0x20,
    };
    static const uint8_t ok[10] = { 0x80, 0x01, 0, 0, 0, 10, 0, 0, 0, 0 };
    uint8_t buf[FAKE_BUFSIZE], rsp[128];
    for (;;) {
        if (io_read_all(f->data_fd, buf, 10, FAKE_IDLE_MS, NULL) < 0)
            return NULL;
        uint32_t size = be32_at(buf + 2), cc = be32_at(buf + 6);
        if (size < 10 || size > FAKE_BUFSIZE ||
            io_read_all(f->data_fd, buf + 10, size - 10, FAKE_TMO, NULL) < 0)
            return NULL;
        pthread_mutex_lock(&f->mu);
        int delay = f->rsp_delay_ms, i = f->nframes;
        if (i < FAKE_LOG_MAX) {
            f->frames[i] = cc;
            f->frame_ms[i] = 0;
            f->frame_lens[f->nframes++] = size;
        }
        pthread_mutex_unlock(&f->mu);
        if (delay > 0)
            usleep((useconds_t)delay * 1000);
        pthread_mutex_lock(&f->mu);
        if (i < FAKE_LOG_MAX)
            f->frame_ms[i] = evloop_now_ms();
        pthread_mutex_unlock(&f->mu);
        size_t n = sizeof(ok);
        memcpy(rsp, ok, n);
        bool v12 = frame_tag_is_tpm12(be16_at(buf));
        if (v12)
            put_be16(rsp, TPM12_TAG_RSP_COMMAND);
        if (cc == TPM2_CC_PCR_READ && !v12) {
            memcpy(rsp, pcr_rsp, sizeof(pcr_rsp));
            memset(rsp + sizeof(pcr_rsp), 0xaa, 32);
            n = sizeof(pcr_rsp) + 32;
        } else if (cc == TPM12_ORD_PCR_READ && v12) {
            memset(rsp + 10, 0xbb, TPM12_DIGEST_SIZE);
            n = 10 + TPM12_DIGEST_SIZE;
            put_be32(rsp + 2, (uint32_t)n);
        }
        if (data_answer(f, rsp, n))
            return NULL;
    }
}

/* SET_BUFFERSIZE as swtpm: 0 asks for the current size, anything else
 * sets it within 10..FAKE_BUFSIZE. */
static uint32_t fake_bufsize(struct fake_swtpm *f, uint32_t want)
{
    if (!f->bufsize)
        f->bufsize = FAKE_BUFSIZE;
    if (want)
        f->bufsize = want < 10 ? 10 : want > FAKE_BUFSIZE ? FAKE_BUFSIZE : want;
    return f->bufsize;
}

/* The reply to a request (req: its payload), as the pending control fault
 * makes it; -1 when the connection must end. */
static int fake_reply(struct fake_swtpm *f, int c, const struct fake_cmd *fc,
                      const uint8_t *req)
{
    uint8_t r[48] = { 0 };
    size_t n = fc->rsp;
    if (fc->code == 0x01)
        r[7] = 0xff;                        /* some caps */
    if (fc->code == 0x04)
        r[4] = 1;                           /* established bit */
    if (fc->code == 0x11) {
        put_be32(r + 4, fake_bufsize(f, be32_at(req)));
        put_be32(r + 8, 10);
        put_be32(r + 12, FAKE_BUFSIZE);
    }
    if (fc->code == 0x0c) {                 /* a 5-byte state blob */
        put_be32(r + 8, 5);
        put_be32(r + 12, 5);
        memcpy(r + 16, "BLOB!", 5);
        n += 5;
    }
    switch (take_fault(f, &f->ctrl_fault)) {
    case FAKE_SHORT:
        n = 2;
        break;
    case FAKE_LONG:
        memcpy(r + n, "GARBAGE!", 8);
        n += 8;
        break;
    case FAKE_CLOSE:
        io_send_all(c, r, 2, -1, FAKE_TMO, NULL);
        return -1;
    case FAKE_BAD_LEN:
        put_be32(r + 12, 0x7fffffff);
        n = 16;
        break;
    default:
        break;
    }
    io_send_all(c, r, n, -1, FAKE_TMO, NULL);
    return 0;
}

/* Read one request with exactly QEMU's length; log it, answer it.
 * -1 after CMD_SHUTDOWN or on an error. */
static int fake_one(struct fake_swtpm *f, int c)
{
    uint8_t b[64];
    int fd = -1;
    size_t have = 0;
    while (have < 4) {
        if (!fd_readable(c, FAKE_IDLE_MS))
            return -1;
        ssize_t r = io_recv(c, b + have, 4 - have, &fd);
        if (r <= 0)
            return -1;
        have += (size_t)r;
    }
    const struct fake_cmd *fc = fake_find(be32_at(b));
    if (!fc)
        return -1;
    size_t want = fc->req;
    if (io_read_all(c, b + 4, want, FAKE_TMO, NULL) < 0)
        return -1;
    if (fc->code == 0x0d) {                 /* SET_STATEBLOB's data */
        uint32_t len = be32_at(b + 12);
        if (len > sizeof(b) - 16 ||
            io_read_all(c, b + 16, len, FAKE_TMO, NULL) < 0)
            return -1;
        want += len;
    }
    pthread_mutex_lock(&f->mu);
    if (f->n < FAKE_LOG_MAX) {
        f->codes[f->n] = fc->code;
        f->lens[f->n] = want;
        f->extra[f->n++] = fd_readable(c, 20);
    }
    pthread_mutex_unlock(&f->mu);
    if (fc->code == 0x10) {
        f->data_fd = fd;
        f->data_started = true;
        pthread_create(&f->data_thr, NULL, fake_data, f);
    }
    if (fake_reply(f, c, fc, b + 4) < 0)
        return -1;
    return fc->code == 0x03 ? -1 : 0;
}

static void *fake_ctrl(void *arg)
{
    struct fake_swtpm *f = arg;
    if (!fd_readable(f->lfd, FAKE_IDLE_MS))
        return NULL;
    int c = io_accept(f->lfd);
    while (c >= 0 && fake_one(f, c) == 0)
        ;
    if (c >= 0)
        close(c);
    return NULL;
}

static void run_shim(struct shim_session *e, struct fault_engine *eng)
{
    struct shim_config cfg = { .listen_path = e->listen,
                               .swtpm_ctrl_path = e->fake,
                               .trace_path = e->trace, .deadline_ms = 10000,
                               .family = e->family };
    struct shim s;
    sigset_t wait_mask;
    char *err = NULL;
    int rc = 1;
    alarm(60);   /* never outlive the test */
    /* SIGINT and SIGTERM as tpmfault-shim takes them */
    volatile sig_atomic_t *sig = shim_signals_install(&wait_mask);
    if (shim_init(&s, &cfg, &err) == 0) {
        if (eng)
            shim_use_faults(&s, eng);
        rc = shim_run(&s, &wait_mask, sig);
    }
    shim_fini(&s);
    _exit(rc);
}

int session_start(struct shim_session *e, const char *name,
                  struct fault_engine *eng)
{
    enum tpm_family family = e->family;   /* the caller's choice survives */
    memset(e, 0, sizeof(*e));
    e->family = family;
    e->c = e->d = e->fk.lfd = -1;
    pthread_mutex_init(&e->fk.mu, NULL);
    if (private_dir_create(name, e->dir, sizeof(e->dir), NULL) < 0) {
        e->dir[0] = 0;
        return -1;
    }
    if (str_fmt(e->listen, sizeof(e->listen), "%s/shim.sock", e->dir) < 0 ||
        str_fmt(e->fake, sizeof(e->fake), "%s/fake.ctrl", e->dir) < 0 ||
        str_fmt(e->trace, sizeof(e->trace), "%s/trace.jsonl", e->dir) < 0)
        return -1;
    e->fk.lfd = io_listen_unix(e->fake, NULL);
    if (e->fk.lfd < 0)
        return -1;
    pthread_create(&e->fk.ctrl_thr, NULL, fake_ctrl, &e->fk);
    e->shim = fork();
    if (e->shim == 0)
        run_shim(e, eng);
    for (int i = 0; i < 100 && (e->c = io_connect_unix(e->listen)) < 0; i++)
        usleep(50000);
    return e->c < 0 ? -1 : 0;
}

int64_t session_set_datafd(struct shim_session *e)
{
    return session_set_datafd_sndbuf(e, 0);
}

int64_t session_set_datafd_sndbuf(struct shim_session *e, int sndbuf)
{
    int sp[2];
    uint8_t b[4], r[4];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0)
        return -1;
    /* the shim's end shares this socket: its writes to QEMU fill it */
    if (sndbuf && setsockopt(sp[1], SOL_SOCKET, SO_SNDBUF, &sndbuf,
                             sizeof(sndbuf)) < 0) {
        close(sp[0]);
        close(sp[1]);
        return -1;
    }
    put_be32(b, 0x10);
    int ok = io_send_all(e->c, b, 4, sp[1], FAKE_TMO, NULL) == 0 &&
             io_read_all(e->c, r, 4, FAKE_TMO, NULL) == 0;
    close(sp[1]);
    e->d = sp[0];
    return ok ? (int64_t)be32_at(r) : -1;
}

uint32_t session_ctrl(struct shim_session *e, uint32_t code, int sendfd)
{
    uint8_t b[16] = { 0 }, r[16];
    size_t req = 0, rsp = 4;
    if (fake_ctrl_sizes(code, &req, &rsp) < 0 || 4 + req > sizeof(b) ||
        rsp > sizeof(r) || rsp < 4)
        return UINT32_MAX;
    put_be32(b, code);
    if (io_send_all(e->c, b, 4 + req, sendfd, FAKE_TMO, NULL) < 0 ||
        io_read_all(e->c, r, rsp, FAKE_TMO, NULL) < 0)
        return UINT32_MAX;
    return be32_at(r);
}

int session_wait_exit(struct shim_session *e, int ms)
{
    int status = -1;
    for (int i = 0; i < ms / 50 && waitpid(e->shim, &status, WNOHANG) == 0;
         i++)
        usleep(50000);
    if (status == -1)
        return -1;
    e->shim = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

const char *session_trace(struct shim_session *e)
{
    static char buf[32768];
    size_t n = 0;
    FILE *f = fopen(e->trace, "r");
    if (f) {
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
    }
    buf[n] = 0;
    return buf;
}

void session_end(struct shim_session *e)
{
    if (e->shim > 0) {
        kill(e->shim, SIGKILL);
        waitpid(e->shim, NULL, 0);
    }
    if (e->c >= 0)
        close(e->c);
    if (e->d >= 0)
        close(e->d);
    if (e->fk.lfd >= 0) {
        pthread_join(e->fk.ctrl_thr, NULL);
        close(e->fk.lfd);
    }
    if (e->fk.data_started) {
        shutdown(e->fk.data_fd, SHUT_RDWR);
        pthread_join(e->fk.data_thr, NULL);
        close(e->fk.data_fd);
    }
    if (e->dir[0])
        tree_remove(e->dir);
}

int session_teardown(void **state)
{
    session_end(*state);
    free(*state);
    return 0;
}
