/* The shim never blocks past what the runner allows (issue 10, point 11):
 * the runner sends SIGTERM, then SIGKILL 1 s later, so a stop signal must
 * end every wait of the shim at once (here: the TPM's truth read at
 * shutdown, which a slow swtpm stretched to seconds), and the shim must
 * serve QEMU's CMD_CANCEL_TPM_CMD while a data write waits for a peer
 * slow to read.  The fake swtpm of support/fake_swtpm.h; this test plays
 * QEMU. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shim/ctrlcmd.h"
#include "shim/evloop.h"
#include "shim/io.h"
#include "support/fake_swtpm.h"
#include "tpm/frame.h"
#include "util/rd.h"

#define TMO FAKE_TMO

static const uint8_t startup[] = { 0x80, 0x01, 0, 0, 0, 12, 0, 0,
                                   0x01, 0x44, 0, 0 };

static int setup(void **state)
{
    struct shim_session *e = calloc(1, sizeof(*e));
    if (!e)
        return -1;
    *state = e;
    return session_start(e, "test_shim_stop", NULL);
}

/* A control request alone: its answer is left unread. */
static void send_ctrl(struct shim_session *e, uint32_t code)
{
    uint8_t b[4];
    put_be32(b, code);
    assert_int_equal(io_send_all(e->c, b, 4, -1, TMO, NULL), 0);
}

/* SIGTERM while the shim reads PCR 10 from a swtpm that takes 2.5 s: the
 * shim ends within a few ms, its trace saying why, long before SIGKILL. */
static void test_sigterm_during_truth(void **state)
{
    struct shim_session *e = *state;
    uint8_t r[10];
    assert_int_equal(session_set_datafd(e), 0);
    assert_int_equal(io_send_all(e->d, startup, sizeof(startup), -1, TMO, NULL), 0);
    assert_int_equal(io_read_all(e->d, r, 10, TMO, NULL), 0);
    fake_set_rsp_delay(&e->fk, 2500);
    send_ctrl(e, CMD_SHUTDOWN);
    for (int i = 0; i < 100 && !fake_saw(&e->fk, TPM2_CC_PCR_READ); i++)
        usleep(10000);
    assert_true(fake_saw(&e->fk, TPM2_CC_PCR_READ));   /* the truth read waits */
    uint64_t t0 = evloop_now_ms();
    assert_int_equal(kill(e->shim, SIGTERM), 0);
    int rc = session_wait_exit(e, 3000);
    uint64_t took = evloop_now_ms() - t0;
    assert_int_equal(rc, 1);
    if (took > 300)
        fail_msg("the shim took %llu ms after SIGTERM (SIGKILL comes at "
                 "1000 ms)", (unsigned long long)took);
    const char *t = session_trace(e);
    assert_non_null(strstr(t, "pcr_truth: read"));
    assert_non_null(strstr(t, "terminated by signal 15"));
}

/* QEMU does not read its data responses: soon the shim's write of one
 * waits (a 1-byte send buffer is the kernel's minimum, a few responses),
 * seen as the next command not reaching swtpm.  (QEMU itself reads each
 * response before its next command; a peer slow to read is what this
 * stands for.)  QEMU's CMD_CANCEL_TPM_CMD is answered at once all the
 * same, and once QEMU reads, every response arrives. */
static void test_cancel_while_writing(void **state)
{
    struct shim_session *e = *state;
    enum { MAX = 64 };
    uint8_t rsp[MAX * 10];
    int sent = 0;
    assert_int_equal(session_set_datafd_sndbuf(e, 1), 0);
    while (sent < MAX && fake_nframes(&e->fk) == sent) {
        assert_int_equal(io_send_all(e->d, startup, sizeof(startup), -1, TMO,
                                     NULL), 0);
        sent++;
        usleep(100000);   /* the shim relays it, or waits on a write */
    }
    assert_int_equal(fake_nframes(&e->fk), sent - 1);   /* a write waits */
    uint64_t t0 = evloop_now_ms();
    assert_int_equal(session_ctrl(e, CMD_CANCEL_TPM_CMD, -1), 0);
    uint64_t took = evloop_now_ms() - t0;
    if (took > 200)
        fail_msg("CMD_CANCEL_TPM_CMD answered after %llu ms",
                 (unsigned long long)took);
    char *err = NULL;
    if (io_read_all(e->d, rsp, (size_t)sent * 10, TMO, &err) < 0)
        fail_msg("%d responses: %s", sent, err);
    for (int i = 0; i < sent; i++)
        assert_int_equal(be32_at(rsp + 10 * i + 6), 0);
    assert_int_equal(fake_nframes(&e->fk), sent);
    const char *t = session_trace(e);
    assert_null(strstr(t, "data channel to QEMU"));
    assert_null(strstr(t, "discarded"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sigterm_during_truth, setup,
                                        session_teardown),
        cmocka_unit_test_setup_teardown(test_cancel_while_writing, setup,
                                        session_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
