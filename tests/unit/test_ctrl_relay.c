/* The shim's relays against the fake swtpm of support/fake_swtpm.h, with
 * this test playing QEMU.  The tests run in order and share one shim
 * session. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "shim/io.h"
#include "support/fake_swtpm.h"
#include "util/rd.h"

#define TMO FAKE_TMO

/* Control command as QEMU sends it: one write, exact reply length. */
static void ctrl(struct shim_session *e, uint32_t code, const void *pl,
                 size_t n, uint8_t *rsp, size_t rn, int sendfd)
{
    uint8_t b[64];
    put_be32(b, code);
    if (n)
        memcpy(b + 4, pl, n);
    assert_int_equal(io_send_all(e->c, b, 4 + n, sendfd, TMO, NULL), 0);
    assert_int_equal(io_read_all(e->c, rsp, rn, TMO, NULL), 0);
    /* nothing beyond the length (an end of stream is not data) */
    if (fd_readable(e->c, 50)) {
        char x;
        assert_int_equal(recv(e->c, &x, 1, MSG_PEEK | MSG_DONTWAIT), 0);
    }
}

static int setup(void **state)
{
    struct shim_session *e = calloc(1, sizeof(*e));
    if (!e)
        return -1;
    *state = e;
    return session_start(e, "test_ctrl_relay", NULL);
}

static int last_ctrl(struct shim_session *e, uint32_t code, size_t len)
{
    pthread_mutex_lock(&e->fk.mu);
    int n = e->fk.n, ok = n > 0 && e->fk.codes[n - 1] == code &&
                          e->fk.lens[n - 1] == len && !e->fk.extra[n - 1];
    pthread_mutex_unlock(&e->fk.mu);
    return ok;
}

static void test_set_datafd(void **state)
{
    struct shim_session *e = *state;
    int sp[2];
    uint8_t r[4];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
    ctrl(e, 0x10, NULL, 0, r, 4, sp[1]);
    close(sp[1]);
    e->d = sp[0];
    assert_int_equal(be32_at(r), 0);
    assert_true(last_ctrl(e, 0x10, 0));
    /* swtpm got a socket, and it is not ours: the shim sits between */
    assert_true(e->fk.data_started);
}

static void test_ctrl_lengths(void **state)
{
    struct shim_session *e = *state;
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
    struct shim_session *e = *state;
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
    struct shim_session *e = *state;
    uint8_t r[4];
    int before = fake_nctrl(&e->fk);
    ctrl(e, 0x77, NULL, 0, r, 4, -1);
    assert_int_equal(be32_at(r), 0x0a);   /* TPM_BAD_ORDINAL */
    assert_int_equal(fake_nctrl(&e->fk), before);    /* never reached swtpm */
}

static uint32_t tpm(struct shim_session *e, const uint8_t *f, size_t n)
{
    uint8_t r[64];
    assert_int_equal(io_send_all(e->d, f, n, -1, TMO, NULL), 0);
    assert_int_equal(io_read_all(e->d, r, 10, TMO, NULL), 0);
    assert_int_equal(be32_at(r + 2), 10);
    return be32_at(r + 6);
}

static void test_data_relay(void **state)
{
    struct shim_session *e = *state;
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
    struct shim_session *e = *state;
    uint8_t big[10] = { 0x80, 0x01, 0, 0x10, 0, 0, 0, 0, 0x01, 0x44 };
    uint8_t small[10] = { 0x80, 0x01, 0, 0, 0, 6, 0, 0, 0x01, 0x44 };
    uint8_t part[20] = { 0x80, 0x01, 0, 0, 0, 100, 0, 0, 0x01, 0x44 };
    static const uint8_t startup[] = { 0x80, 0x01, 0, 0, 0, 12, 0, 0,
                                       0x01, 0x44, 0, 0 };
    int before = fake_nframes(&e->fk);
    assert_int_equal(tpm(e, big, 10), 0x142);     /* TPM_RC_COMMAND_SIZE */
    assert_int_equal(tpm(e, small, 10), 0x142);
    /* claims 100 bytes, sends 20: answered at the frame deadline */
    assert_int_equal(tpm(e, part, sizeof(part)), 0x142);
    assert_int_equal(fake_nframes(&e->fk), before);   /* none at swtpm */
    assert_int_equal(tpm(e, startup, sizeof(startup)), 0);   /* resynced */
}

static void test_shutdown(void **state)
{
    struct shim_session *e = *state;
    uint8_t r[4];
    ctrl(e, 0x03, NULL, 0, r, 4, -1);
    assert_int_equal(be32_at(r), 0);
    assert_int_equal(session_wait_exit(e, TMO), 0);
    /* the truth was read over the data channel before the shutdown */
    assert_int_equal(fake_frame(&e->fk, -1), 0x17E);
    const char *buf = session_trace(e);
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
    return cmocka_run_group_tests(tests, setup, session_teardown);
}
