/* The shim's relays against a fake swtpm (a thread speaking the control
 * protocol, after QEMU's tests/qtest/tpm-emu.c), with this test playing
 * QEMU.  The shim runs in a child process; every wait has a deadline.
 * The tests run in order and share one shim session. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shim/io.h"
#include "shim/shim.h"
#include "util/rd.h"

#define TMO 5000

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

#define LOG_MAX 64
struct fake {
    int lfd;
    pthread_t ctrl_thr, data_thr;
    int data_fd;
    pthread_mutex_t mu;
    uint32_t codes[LOG_MAX];     /* control commands received */
    size_t lens[LOG_MAX];        /* their payload lengths */
    int extra[LOG_MAX];          /* bytes beyond the exact length */
    int n;
    uint32_t frames[LOG_MAX];    /* data frames: command codes */
    size_t frame_lens[LOG_MAX];
    int nframes;
};

struct env {
    char dir[64], listen[96], fake[96], trace[96];
    struct fake fk;
    pid_t shim;
    int c;       /* control connection, as QEMU */
    int d;       /* data socket, as QEMU */
};

static const struct fake_cmd *fake_find(uint32_t code)
{
    for (size_t i = 0; i < sizeof(fake_cmds) / sizeof(fake_cmds[0]); i++)
        if (fake_cmds[i].code == code)
            return &fake_cmds[i];
    return NULL;
}

static int readable(int fd, int ms)
{
    struct pollfd p = { fd, POLLIN, 0 };
    return poll(&p, 1, ms) > 0;
}

/* Data side of the fake: answer PCR_Read with sha256 = aa.., anything
 * else with a 10-byte success. */
static void *fake_data(void *arg)
{
    struct fake *f = arg;
    static const uint8_t pcr_rsp[] = {
        0x80, 0x01, 0, 0, 0, 0x3e, 0, 0, 0, 0, 0, 0, 0, 5,
        0, 0, 0, 1, 0x00, 0x0b, 3, 0, 4, 0, 0, 0, 0, 1, 0, 0x20,
    };
    uint8_t buf[4096], rsp[128];
    for (;;) {
        if (io_read_all(f->data_fd, buf, 10, 30000, NULL) < 0)
            return NULL;
        uint32_t size = be32_at(buf + 2), cc = be32_at(buf + 6);
        if (size < 10 || size > sizeof(buf) ||
            io_read_all(f->data_fd, buf + 10, size - 10, TMO, NULL) < 0)
            return NULL;
        pthread_mutex_lock(&f->mu);
        if (f->nframes < LOG_MAX) {
            f->frames[f->nframes] = cc;
            f->frame_lens[f->nframes++] = size;
        }
        pthread_mutex_unlock(&f->mu);
        size_t n = 10;
        uint8_t ok[10] = { 0x80, 0x01, 0, 0, 0, 10, 0, 0, 0, 0 };
        memcpy(rsp, ok, 10);
        if (cc == 0x17E) {
            memcpy(rsp, pcr_rsp, sizeof(pcr_rsp));
            memset(rsp + sizeof(pcr_rsp), 0xaa, 32);
            n = sizeof(pcr_rsp) + 32;
        }
        io_send_all(f->data_fd, rsp, n, -1, TMO, NULL);
    }
}

static void fake_reply(struct fake *f, int c, const struct fake_cmd *fc)
{
    uint8_t r[32] = { 0 };
    size_t n = fc->rsp;
    if (fc->code == 0x01)
        r[7] = 0xff;                        /* some caps */
    if (fc->code == 0x04)
        r[4] = 1;                           /* established bit */
    if (fc->code == 0x11) {
        put_be32(r + 4, 4096);
        put_be32(r + 8, 10);
        put_be32(r + 12, 4096);
    }
    if (fc->code == 0x0c) {                 /* a 5-byte state blob */
        put_be32(r + 8, 5);
        put_be32(r + 12, 5);
        memcpy(r + 16, "BLOB!", 5);
        n += 5;
    }
    (void)f;
    io_send_all(c, r, n, -1, TMO, NULL);
}

/* Read one request with exactly QEMU's length; log it. */
static int fake_one(struct fake *f, int c)
{
    uint8_t b[64];
    int fd = -1;
    size_t have = 0;
    while (have < 4) {
        if (!readable(c, 30000))
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
    if (io_read_all(c, b + 4, want, TMO, NULL) < 0)
        return -1;
    if (fc->code == 0x0d && io_read_all(c, b + 16, be32_at(b + 12), TMO,
                                        NULL) < 0)
        return -1;
    if (fc->code == 0x0d)
        want += be32_at(b + 12);
    pthread_mutex_lock(&f->mu);
    if (f->n < LOG_MAX) {
        f->codes[f->n] = fc->code;
        f->lens[f->n] = want;
        f->extra[f->n++] = readable(c, 20);
    }
    pthread_mutex_unlock(&f->mu);
    if (fc->code == 0x10) {
        f->data_fd = fd;
        pthread_create(&f->data_thr, NULL, fake_data, f);
    }
    fake_reply(f, c, fc);
    return fc->code == 0x03 ? -1 : 0;
}

static void *fake_ctrl(void *arg)
{
    struct fake *f = arg;
    if (!readable(f->lfd, 30000))
        return NULL;
    int c = io_accept(f->lfd);
    while (c >= 0 && fake_one(f, c) == 0)
        ;
    if (c >= 0)
        close(c);
    return NULL;
}

static void run_shim(struct env *e)
{
    struct shim_config cfg = { e->listen, e->fake, e->trace, 10000 };
    struct shim s;
    sigset_t none;
    static volatile sig_atomic_t sig;
    char *err = NULL;
    int rc = 1;
    sigemptyset(&none);
    alarm(60);   /* never outlive the test */
    if (shim_init(&s, &cfg, &err) == 0)
        rc = shim_run(&s, &none, &sig);
    shim_fini(&s);
    _exit(rc);
}

/* Control command as QEMU sends it: one write, exact reply length. */
static void ctrl(struct env *e, uint32_t code, const void *pl, size_t n,
                 uint8_t *rsp, size_t rn, int sendfd)
{
    uint8_t b[64];
    put_be32(b, code);
    if (n)
        memcpy(b + 4, pl, n);
    assert_int_equal(io_send_all(e->c, b, 4 + n, sendfd, TMO, NULL), 0);
    assert_int_equal(io_read_all(e->c, rsp, rn, TMO, NULL), 0);
    /* nothing beyond the length (an end of stream is not data) */
    if (readable(e->c, 50)) {
        char x;
        assert_int_equal(recv(e->c, &x, 1, MSG_PEEK | MSG_DONTWAIT), 0);
    }
}

static int setup(void **state)
{
    struct env *e = calloc(1, sizeof(*e));
    strcpy(e->dir, "/tmp/test_ctrl_relay-XXXXXX");
    if (!e || !mkdtemp(e->dir))
        return -1;
    snprintf(e->listen, sizeof(e->listen), "%s/shim.sock", e->dir);
    snprintf(e->fake, sizeof(e->fake), "%s/fake.ctrl", e->dir);
    snprintf(e->trace, sizeof(e->trace), "%s/trace.jsonl", e->dir);
    pthread_mutex_init(&e->fk.mu, NULL);
    e->fk.lfd = io_listen_unix(e->fake, NULL);
    if (e->fk.lfd < 0)
        return -1;
    pthread_create(&e->fk.ctrl_thr, NULL, fake_ctrl, &e->fk);
    e->shim = fork();
    if (e->shim == 0)
        run_shim(e);
    for (int i = 0; i < 100 && (e->c = io_connect_unix(e->listen)) < 0; i++)
        usleep(50000);
    *state = e;
    return e->c < 0 ? -1 : 0;
}

static int teardown(void **state)
{
    struct env *e = *state;
    if (e->shim > 0) {
        kill(e->shim, SIGKILL);
        waitpid(e->shim, NULL, 0);
    }
    close(e->c);
    close(e->d);
    pthread_join(e->fk.ctrl_thr, NULL);
    if (e->fk.data_fd > 0) {
        shutdown(e->fk.data_fd, SHUT_RDWR);
        pthread_join(e->fk.data_thr, NULL);
        close(e->fk.data_fd);
    }
    close(e->fk.lfd);
    unlink(e->listen);
    unlink(e->fake);
    unlink(e->trace);
    rmdir(e->dir);
    free(e);
    return 0;
}

static int last_ctrl(struct env *e, uint32_t code, size_t len)
{
    pthread_mutex_lock(&e->fk.mu);
    int n = e->fk.n, ok = n > 0 && e->fk.codes[n - 1] == code &&
                          e->fk.lens[n - 1] == len && !e->fk.extra[n - 1];
    pthread_mutex_unlock(&e->fk.mu);
    return ok;
}

static void test_set_datafd(void **state)
{
    struct env *e = *state;
    int sp[2];
    uint8_t r[4];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
    ctrl(e, 0x10, NULL, 0, r, 4, sp[1]);
    close(sp[1]);
    e->d = sp[0];
    assert_int_equal(be32_at(r), 0);
    assert_true(last_ctrl(e, 0x10, 0));
    /* swtpm got a socket, and it is not ours: the shim sits between */
    assert_true(e->fk.data_fd > 0);
}

static void test_ctrl_lengths(void **state)
{
    struct env *e = *state;
    uint8_t z[16] = { 0 }, r[32];
    ctrl(e, 0x01, NULL, 0, r, 8, -1);
    assert_int_equal(r[7], 0xff);
    assert_true(last_ctrl(e, 0x01, 0));
    ctrl(e, 0x0e, NULL, 0, r, 4, -1);
    assert_true(last_ctrl(e, 0x0e, 0));
    ctrl(e, 0x11, z, 4, r, 16, -1);
    assert_int_equal(be32_at(r + 4), 4096);
    assert_true(last_ctrl(e, 0x11, 4));
    ctrl(e, 0x02, z, 4, r, 4, -1);
    assert_true(last_ctrl(e, 0x02, 4));
    ctrl(e, 0x04, NULL, 0, r, 8, -1);
    assert_int_equal(r[4], 1);
    assert_true(last_ctrl(e, 0x04, 0));
    ctrl(e, 0x05, z, 4, r, 4, -1);
    assert_true(last_ctrl(e, 0x05, 4));
    ctrl(e, 0x0b, z, 4, r, 4, -1);
    assert_true(last_ctrl(e, 0x0b, 4));
    ctrl(e, 0x0f, NULL, 0, r, 8, -1);
    assert_true(last_ctrl(e, 0x0f, 0));
    /* no command at the TPM: cancel goes to swtpm */
    ctrl(e, 0x09, NULL, 0, r, 4, -1);
    assert_true(last_ctrl(e, 0x09, 0));
}

static void test_stateblobs(void **state)
{
    struct env *e = *state;
    uint8_t req[12] = { 0 }, r[32];
    put_be32(req + 4, 1);
    ctrl(e, 0x0c, req, 12, r, 21, -1);   /* 16 + 5 trailing bytes */
    assert_int_equal(be32_at(r + 12), 5);
    assert_memory_equal(r + 16, "BLOB!", 5);
    /* SET_STATEBLOB: header first, body in a second write, as QEMU */
    uint8_t b[16];
    put_be32(b, 0x0d);
    memset(b + 4, 0, 12);
    put_be32(b + 12, 7);
    assert_int_equal(io_send_all(e->c, b, 16, -1, TMO, NULL), 0);
    usleep(20000);
    assert_int_equal(io_send_all(e->c, "1234567", 7, -1, TMO, NULL), 0);
    assert_int_equal(io_read_all(e->c, r, 4, TMO, NULL), 0);
    assert_int_equal(be32_at(r), 0);
    assert_true(last_ctrl(e, 0x0d, 19));
}

static void test_unknown(void **state)
{
    struct env *e = *state;
    uint8_t r[4];
    int before = e->fk.n;
    ctrl(e, 0x77, NULL, 0, r, 4, -1);
    assert_int_equal(be32_at(r), 0x0a);   /* TPM_BAD_ORDINAL */
    assert_int_equal(e->fk.n, before);    /* never reached swtpm */
}

static uint32_t tpm(struct env *e, const uint8_t *f, size_t n)
{
    uint8_t r[64];
    assert_int_equal(io_send_all(e->d, f, n, -1, TMO, NULL), 0);
    assert_int_equal(io_read_all(e->d, r, 10, TMO, NULL), 0);
    assert_int_equal(be32_at(r + 2), 10);
    return be32_at(r + 6);
}

static void test_data_relay(void **state)
{
    struct env *e = *state;
    static const uint8_t startup[] = { 0x80, 0x01, 0, 0, 0, 12, 0, 0,
                                       0x01, 0x44, 0, 0 };
    /* a frame written in two pieces is still one frame */
    assert_int_equal(io_send_all(e->d, startup, 5, -1, TMO, NULL), 0);
    usleep(20000);
    assert_int_equal(tpm(e, startup + 5, 7), 0);
    pthread_mutex_lock(&e->fk.mu);
    assert_int_equal(e->fk.frames[e->fk.nframes - 1], 0x144);
    assert_int_equal(e->fk.frame_lens[e->fk.nframes - 1], 12);
    pthread_mutex_unlock(&e->fk.mu);
}

static void test_lying_size(void **state)
{
    struct env *e = *state;
    uint8_t big[10] = { 0x80, 0x01, 0, 0x10, 0, 0, 0, 0, 0x01, 0x44 };
    uint8_t small[10] = { 0x80, 0x01, 0, 0, 0, 6, 0, 0, 0x01, 0x44 };
    uint8_t part[20] = { 0x80, 0x01, 0, 0, 0, 100, 0, 0, 0x01, 0x44 };
    static const uint8_t startup[] = { 0x80, 0x01, 0, 0, 0, 12, 0, 0,
                                       0x01, 0x44, 0, 0 };
    int before = e->fk.nframes;
    assert_int_equal(tpm(e, big, 10), 0x142);     /* TPM_RC_COMMAND_SIZE */
    assert_int_equal(tpm(e, small, 10), 0x142);
    /* claims 100 bytes, sends 20: answered at the frame deadline */
    assert_int_equal(tpm(e, part, sizeof(part)), 0x142);
    assert_int_equal(e->fk.nframes, before);      /* none reached swtpm */
    assert_int_equal(tpm(e, startup, sizeof(startup)), 0);   /* resynced */
}

static void test_shutdown(void **state)
{
    struct env *e = *state;
    uint8_t r[4];
    int status = -1;
    ctrl(e, 0x03, NULL, 0, r, 4, -1);
    assert_int_equal(be32_at(r), 0);
    for (int i = 0; i < 100 && waitpid(e->shim, &status, WNOHANG) == 0; i++)
        usleep(50000);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    e->shim = 0;
    /* the truth was read over the data channel before the shutdown */
    pthread_mutex_lock(&e->fk.mu);
    assert_int_equal(e->fk.frames[e->fk.nframes - 1], 0x17E);
    pthread_mutex_unlock(&e->fk.mu);
    char buf[8192] = { 0 };
    FILE *f = fopen(e->trace, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    assert_true(n > 0);
    assert_non_null(strstr(buf, "\"event\":\"pcr_truth\",\"pcr\":10"));
    assert_non_null(strstr(buf, "\"sha256\":\"aaaaaaaa"));
    assert_non_null(strstr(buf, "\"cmd\":\"unknown\",\"code\":119"));
    assert_non_null(strstr(buf, "\"name\":\"Startup\""));
    assert_non_null(strstr(buf, "bad command frame"));
    assert_true(strstr(buf, "pcr_truth") < strstr(buf, "CMD_SHUTDOWN"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_datafd),
        cmocka_unit_test(test_ctrl_lengths),
        cmocka_unit_test(test_stateblobs),
        cmocka_unit_test(test_unknown),
        cmocka_unit_test(test_data_relay),
        cmocka_unit_test(test_lying_size),
        cmocka_unit_test(test_shutdown),
    };
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, setup, teardown);
}
