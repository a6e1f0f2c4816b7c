/* Hostile peers (issue 5): the shim between a QEMU and a swtpm that break
 * the protocol.  This test plays QEMU; the fake swtpm of
 * support/fake_swtpm.h plays swtpm and misbehaves on request
 * (fake_set_data_fault, fake_set_ctrl_fault).  Each test runs its own
 * shim session and checks that the shim answers as a TPM or swtpm would,
 * or closes that channel cleanly; that it writes an "event":"error" line
 * naming what happened; that it neither crashes nor blocks (every wait
 * here has a deadline, and each test ends with the shim's exit status).
 *
 *   QEMU, data:     a size field that lies (more than sent, then silence);
 *                   a short frame; a size below the header; sizes beyond
 *                   the buffer size of CMD_SET_BUFFERSIZE; bytes after a
 *                   frame; QEMU closing its data socket mid-command.
 *   QEMU, control:  garbage and unknown codes; bytes after a request;
 *                   SET_DATAFD again, fds passed with any request; a
 *                   length field beyond its bound; a request cut short;
 *                   QEMU closing mid-request.
 *   swtpm, data:    size fields below the header or beyond the buffer; a
 *                   response cut short; bytes beyond the response; swtpm
 *                   closing mid-response.
 *   swtpm, control: a reply cut short, too long, with a length beyond its
 *                   bound; swtpm closing mid-reply. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "shim/evloop.h"
#include "shim/io.h"
#include "shim/shim.h"
#include "support/fake_swtpm.h"
#include "util/rd.h"

#define TMO FAKE_TMO
#define SLACK 1500               /* ms: scheduling, on top of a deadline */
#define RC_COMMAND_SIZE 0x142u
#define RC_FAILURE 0x101u
#define BAD_PARAM_SIZE12 0x19u
#define CTRL_BAD_PARAMETER 0x03u
#define CTRL_BAD_ORDINAL 0x0Au
#define CC_STARTUP 0x144u
#define CC_PCR_READ 0x17Eu

static int setup(void **state)
{
    struct shim_session *e = calloc(1, sizeof(*e));
    if (!e)
        return -1;
    *state = e;
    if (session_start(e, "test_hostile", NULL) < 0 ||
        session_set_datafd(e) != 0)
        return -1;
    return 0;
}

/* --- QEMU's side ---------------------------------------------------------- */

/* A control request as QEMU writes it (one write); the reply QEMU reads
 * (fake_ctrl_sizes) into r, or -1 when none came in time. */
static int ctrl_x(struct shim_session *e, const uint8_t *req, size_t n,
                  uint8_t *r, size_t rn)
{
    if (io_send_all(e->c, req, n, -1, TMO, NULL) < 0)
        return -1;
    return io_read_all(e->c, r, rn, TMO, NULL);
}

/* A known command with a zero payload; its 4-byte result. */
static uint32_t ctrl(struct shim_session *e, uint32_t code)
{
    uint8_t b[32] = { 0 }, r[32];
    size_t req = 0, rsp = 4;
    assert_int_equal(fake_ctrl_sizes(code, &req, &rsp), 0);
    put_be32(b, code);
    assert_int_equal(ctrl_x(e, b, 4 + req, r, rsp), 0);
    return be32_at(r);
}

/* Nothing more to read from fd within ms (an end of stream is not data). */
static void nothing_more(int fd, int ms)
{
    char x;
    if (fd_readable(fd, ms))
        assert_int_equal(recv(fd, &x, 1, MSG_PEEK | MSG_DONTWAIT), 0);
}

/* The guest's answer to what it sent: exactly one 10-byte response
 * whose header says 10 bytes, its rc; -1 when none came within ms, -2 at
 * the end of the stream.  *tag gets the response tag. */
static int64_t answer(struct shim_session *e, int ms, uint16_t *tag)
{
    uint8_t r[10];
    if (!fd_readable(e->d, ms))
        return -1;
    if (io_read_all(e->d, r, sizeof(r), TMO, NULL) < 0)
        return -2;
    assert_int_equal(be32_at(r + 2), 10);
    if (tag)
        *tag = be16_at(r);
    nothing_more(e->d, 50);
    return be32_at(r + 6);
}

static void send_data(struct shim_session *e, const void *p, size_t n)
{
    assert_int_equal(io_send_all(e->d, p, n, -1, TMO, NULL), 0);
}

static const uint8_t startup[] = { 0x80, 0x01, 0, 0, 0, 12, 0, 0,
                                   0x01, 0x44, 0, 0 };

/* The data channel works: a Startup reaches swtpm and is answered. */
static void data_works(struct shim_session *e)
{
    int before = fake_saw(&e->fk, CC_STARTUP);
    send_data(e, startup, sizeof(startup));
    assert_int_equal(answer(e, TMO, NULL), 0);
    assert_int_equal(fake_saw(&e->fk, CC_STARTUP), before + 1);
}

/* CMD_SHUTDOWN is relayed and the shim exits 0 after reading the truth
 * (or saying why it could not). */
static void shutdown_ok(struct shim_session *e, int truth)
{
    assert_int_equal(ctrl(e, 0x03), 0);
    assert_int_equal(session_wait_exit(e, TMO), 0);
    const char *t = session_trace(e);
    if (truth)
        assert_non_null(strstr(t, "\"event\":\"pcr_truth\",\"pcr\":10"));
    else
        assert_non_null(strstr(t, "pcr_truth skipped"));
}

/* --- the trace ------------------------------------------------------------ */

/* An "event":"error" line holding what. */
static void error_traced(struct shim_session *e, const char *what)
{
    const char *t = session_trace(e);
    for (const char *p = t; (p = strstr(p, "\"event\":\"error\"")); p++) {
        const char *nl = strchr(p, '\n');
        const char *w = strstr(p, what);
        if (w && (!nl || w < nl))
            return;
    }
    fail_msg("no error line with '%s' in:\n%s", what, t);
}

/* Open fds of a process (-1 when unknown). */
static int count_fds(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int n = 0;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

/* The shim closes a passed fd just after its reply: wait (bounded) for
 * its fd count to come back to want. */
static int fds_settle(pid_t pid, int want, int ms)
{
    for (int i = 0; i < ms / 10; i++) {
        if (count_fds(pid) == want)
            return 1;
        usleep(10000);
    }
    return count_fds(pid) == want;
}

static uint64_t since(uint64_t t0)
{
    return evloop_now_ms() - t0;
}

/* --- QEMU, data channel --------------------------------------------------- */

/* A TPM 1.2 frame that claims 100 bytes, 20 sent, then silence: answered
 * at the frame deadline as a 1.2 TPM would (TPM_BAD_PARAM_SIZE), never
 * forwarded; the channel resyncs. */
static void test_qemu_size_lies(void **state)
{
    struct shim_session *e = *state;
    uint8_t f[20] = { 0x00, 0xC1, 0, 0, 0, 100, 0, 0, 0, 0x99 };
    uint16_t tag = 0;
    int before = fake_nframes(&e->fk);
    uint64_t t0 = evloop_now_ms();
    send_data(e, f, sizeof(f));
    assert_int_equal(answer(e, SHIM_IO_MS + SLACK, &tag), BAD_PARAM_SIZE12);
    assert_int_equal(tag, 0x00C4);
    assert_true(since(t0) >= SHIM_IO_MS - 100);
    assert_int_equal(fake_nframes(&e->fk), before);
    error_traced(e, "incomplete frame at the deadline");
    data_works(e);
    shutdown_ok(e, 1);
}

/* Five bytes, less than a header, then silence. */
static void test_qemu_short_frame(void **state)
{
    struct shim_session *e = *state;
    uint16_t tag = 0;
    int before = fake_nframes(&e->fk);
    send_data(e, startup, 5);
    assert_int_equal(answer(e, SHIM_IO_MS + SLACK, &tag), RC_COMMAND_SIZE);
    assert_int_equal(tag, 0x8001);
    assert_int_equal(fake_nframes(&e->fk), before);
    error_traced(e, "bad command frame (5 bytes read)");
    data_works(e);
    shutdown_ok(e, 1);
}

/* Size fields of 0, 6 and 9: answered at once. */
static void test_qemu_size_below_header(void **state)
{
    struct shim_session *e = *state;
    static const uint8_t sizes[] = { 0, 6, 9 };
    int before = fake_nframes(&e->fk);
    for (size_t i = 0; i < sizeof(sizes); i++) {
        uint8_t f[10] = { 0x80, 0x01, 0, 0, 0, sizes[i], 0, 0, 0x01, 0x44 };
        uint64_t t0 = evloop_now_ms();
        send_data(e, f, sizeof(f));
        assert_int_equal(answer(e, TMO, NULL), RC_COMMAND_SIZE);
        assert_true(since(t0) < SHIM_IO_MS / 2);
    }
    assert_int_equal(fake_nframes(&e->fk), before);
    error_traced(e, "below the header size");
    data_works(e);
    shutdown_ok(e, 1);
}

/* CMD_SET_BUFFERSIZE 1024 (swtpm agrees): a 1025-byte frame, sent whole,
 * and size fields far beyond are refused; a 1024-byte frame is relayed. */
static void test_qemu_beyond_bufsize(void **state)
{
    struct shim_session *e = *state;
    uint8_t req[8], r[16], f[1025];
    put_be32(req, 0x11);
    put_be32(req + 4, 1024);
    assert_int_equal(ctrl_x(e, req, sizeof(req), r, sizeof(r)), 0);
    assert_int_equal(be32_at(r), 0);
    assert_int_equal(be32_at(r + 4), 1024);

    memset(f, 0, sizeof(f));
    memcpy(f, startup, 10);
    int before = fake_nframes(&e->fk);
    put_be32(f + 2, sizeof(f));
    send_data(e, f, sizeof(f));
    assert_int_equal(answer(e, TMO, NULL), RC_COMMAND_SIZE);
    put_be32(f + 2, 0xffffffffu);
    send_data(e, f, 10);
    assert_int_equal(answer(e, TMO, NULL), RC_COMMAND_SIZE);
    assert_int_equal(fake_nframes(&e->fk), before);
    error_traced(e, "TPM size field 1025 exceeds the buffer size 1024");
    error_traced(e, "TPM size field 4294967295 exceeds the buffer size 1024");

    put_be32(f + 2, 1024);
    send_data(e, f, 1024);
    assert_int_equal(answer(e, TMO, NULL), 0);
    pthread_mutex_lock(&e->fk.mu);
    assert_int_equal(e->fk.frame_lens[e->fk.nframes - 1], 1024);
    pthread_mutex_unlock(&e->fk.mu);
    shutdown_ok(e, 1);
}

/* A frame with 8 bytes after it in the same write: the frame is relayed
 * and answered once; the bytes after it are discarded (swtpm reads a
 * command with one read and ignores the rest), never answered as a frame
 * of their own. */
static void test_qemu_bytes_after_frame(void **state)
{
    struct shim_session *e = *state;
    uint8_t f[sizeof(startup) + 8];
    memcpy(f, startup, sizeof(startup));
    memcpy(f + sizeof(startup), "GARBAGE!", 8);
    send_data(e, f, sizeof(f));
    assert_int_equal(answer(e, TMO, NULL), 0);
    nothing_more(e->d, SHIM_IO_MS + 500);   /* not even at the deadline */
    pthread_mutex_lock(&e->fk.mu);
    assert_int_equal(e->fk.frame_lens[e->fk.nframes - 1], sizeof(startup));
    pthread_mutex_unlock(&e->fk.mu);
    error_traced(e, "8 bytes after the command frame");
    data_works(e);
    shutdown_ok(e, 1);
}

/* QEMU closes its data socket in the middle of a command: the shim drops
 * its side of the data channel, keeps swtpm's for the truth, and the
 * control channel goes on. */
static void test_qemu_closes_mid_command(void **state)
{
    struct shim_session *e = *state;
    uint8_t b[16] = { 0 }, r[8];
    send_data(e, startup, 5);
    close(e->d);
    e->d = -1;
    put_be32(b, 0x04);     /* GET_TPMESTABLISHED still answered */
    assert_int_equal(ctrl_x(e, b, 4, r, 8), 0);
    assert_int_equal(be32_at(r), 0);
    assert_int_equal(r[4], 1);
    error_traced(e, "QEMU closed its data socket");
    shutdown_ok(e, 1);
}

/* --- QEMU, control channel ------------------------------------------------ */

/* Garbage: an unknown code (with bytes after it) is answered
 * TPM_BAD_ORDINAL as swtpm does, the rest discarded, nothing forwarded;
 * then known commands work. */
static void test_ctrl_garbage(void **state)
{
    struct shim_session *e = *state;
    static const uint8_t junk[] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6 };
    static const uint8_t zero[4] = { 0, 0, 0, 0 };
    static const uint8_t past[4] = { 0, 0, 0, 0x14 };
    uint8_t r[8];
    int before = fake_nctrl(&e->fk);
    assert_int_equal(ctrl_x(e, junk, sizeof(junk), r, 4), 0);
    assert_int_equal(be32_at(r), CTRL_BAD_ORDINAL);
    nothing_more(e->c, 50);
    assert_int_equal(ctrl_x(e, zero, sizeof(zero), r, 4), 0);
    assert_int_equal(be32_at(r), CTRL_BAD_ORDINAL);
    assert_int_equal(ctrl_x(e, past, sizeof(past), r, 4), 0);
    assert_int_equal(be32_at(r), CTRL_BAD_ORDINAL);
    assert_int_equal(fake_nctrl(&e->fk), before);
    error_traced(e, "unknown control command 0xdeadbeef");
    error_traced(e, "unknown control command 0x00000014");
    uint8_t caps[4] = { 0, 0, 0, 0x01 };
    assert_int_equal(ctrl_x(e, caps, 4, r, 8), 0);
    assert_int_equal(r[7], 0xff);
    nothing_more(e->c, 50);
    data_works(e);
    shutdown_ok(e, 1);
}

/* A request with bytes after it in the same write: one reply, the bytes
 * discarded as swtpm does, nothing forwarded beyond the request. */
static void test_ctrl_bytes_after_request(void **state)
{
    struct shim_session *e = *state;
    static const uint8_t req[] = { 0, 0, 0, 0x01, 0, 0, 0, 0x0e, 9, 9 };
    uint8_t r[8];
    assert_int_equal(ctrl_x(e, req, sizeof(req), r, 8), 0);
    assert_int_equal(r[7], 0xff);
    nothing_more(e->c, SHIM_IO_MS + 500);
    pthread_mutex_lock(&e->fk.mu);
    assert_int_equal(e->fk.codes[e->fk.n - 1], 0x01);
    assert_int_equal(e->fk.extra[e->fk.n - 1], 0);
    pthread_mutex_unlock(&e->fk.mu);
    error_traced(e, "6 bytes after the CMD_GET_CAPABILITY request");
    assert_int_equal(ctrl(e, 0x0e), 0);
    shutdown_ok(e, 1);
}

/* SET_DATAFD again: without an fd TPM_BAD_PARAMETER, with one
 * TPM_IOERROR (the data channel is set), as swtpm answers; fds passed
 * with any request never pile up in the shim. */
static void test_ctrl_fds(void **state)
{
    struct shim_session *e = *state;
    uint8_t b[4], r[8];
    int sp[2];
    put_be32(b, 0x10);
    assert_int_equal(ctrl_x(e, b, 4, r, 4), 0);
    assert_int_equal(be32_at(r), CTRL_BAD_PARAMETER);
    int before = count_fds(e->shim);
    assert_true(before > 0);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
        put_be32(b, i % 2 ? 0x10 : 0x01);
        assert_int_equal(io_send_all(e->c, b, 4, sp[1], TMO, NULL), 0);
        assert_int_equal(io_read_all(e->c, r, i % 2 ? 4 : 8, TMO, NULL), 0);
        if (i % 2)
            assert_int_equal(be32_at(r), 0x1F);   /* TPM_IOERROR */
        close(sp[0]);
        close(sp[1]);
    }
    assert_true(fds_settle(e->shim, before, 1000));
    data_works(e);
    shutdown_ok(e, 1);
}

/* A length field beyond its bound: TPM_BAD_PARAMETER, nothing forwarded. */
static void test_ctrl_bad_length(void **state)
{
    struct shim_session *e = *state;
    uint8_t hash[8], blob[16] = { 0 }, r[4];
    int before = fake_nctrl(&e->fk);
    put_be32(hash, 0x07);                   /* HASH_DATA, 4 GiB of data */
    put_be32(hash + 4, 0xffffffffu);
    assert_int_equal(ctrl_x(e, hash, sizeof(hash), r, 4), 0);
    assert_int_equal(be32_at(r), CTRL_BAD_PARAMETER);
    put_be32(blob, 0x0d);                   /* SET_STATEBLOB, 32 MiB */
    put_be32(blob + 12, 32u << 20);
    assert_int_equal(ctrl_x(e, blob, sizeof(blob), r, 4), 0);
    assert_int_equal(be32_at(r), CTRL_BAD_PARAMETER);
    assert_int_equal(fake_nctrl(&e->fk), before);
    error_traced(e, "CMD_HASH_DATA length 4294967295 exceeds 4096");
    error_traced(e, "CMD_SET_STATEBLOB length 33554432 exceeds");
    assert_int_equal(ctrl(e, 0x0e), 0);
    shutdown_ok(e, 1);
}

/* SET_BUFFERSIZE with 2 of its 4 payload bytes, then silence: answered
 * TPM_BAD_PARAMETER at the request deadline, not forwarded. */
static void test_ctrl_cut_short(void **state)
{
    struct shim_session *e = *state;
    uint8_t req[6] = { 0, 0, 0, 0x11, 0, 0 }, r[4];
    int before = fake_nctrl(&e->fk);
    uint64_t t0 = evloop_now_ms();
    assert_int_equal(io_send_all(e->c, req, sizeof(req), -1, TMO, NULL), 0);
    assert_true(fd_readable(e->c, SHIM_IO_MS + SLACK));
    assert_int_equal(io_read_all(e->c, r, 4, TMO, NULL), 0);
    assert_int_equal(be32_at(r), CTRL_BAD_PARAMETER);
    assert_true(since(t0) >= SHIM_IO_MS - 100);
    assert_int_equal(fake_nctrl(&e->fk), before);
    error_traced(e, "control request incomplete after");
    assert_int_equal(ctrl(e, 0x0e), 0);
    shutdown_ok(e, 1);
}

/* QEMU goes away with half a request: the shim reads the truth and exits
 * 0 without forwarding anything. */
static void test_qemu_closes_mid_request(void **state)
{
    struct shim_session *e = *state;
    static const uint8_t half[2] = { 0, 0 };
    int before = fake_nctrl(&e->fk);
    assert_int_equal(io_send_all(e->c, half, sizeof(half), -1, TMO, NULL), 0);
    close(e->c);
    e->c = -1;
    assert_int_equal(session_wait_exit(e, TMO), 0);
    assert_int_equal(fake_nctrl(&e->fk), before);
    assert_int_equal(fake_frame(&e->fk, -1), CC_PCR_READ);
    error_traced(e, "closed mid-request without CMD_SHUTDOWN");
    assert_non_null(strstr(session_trace(e), "\"event\":\"pcr_truth\""));
}

/* --- swtpm, data channel -------------------------------------------------- */

/* A response header that cannot be a frame: the guest gets
 * TPM_RC_FAILURE at once, the next command works. */
static void swtpm_bad_size(struct shim_session *e, enum fake_fault x,
                           const char *what)
{
    fake_set_data_fault(&e->fk, x);
    uint64_t t0 = evloop_now_ms();
    send_data(e, startup, sizeof(startup));
    assert_int_equal(answer(e, TMO, NULL), RC_FAILURE);
    assert_true(since(t0) < SHIM_IO_MS / 2);
    error_traced(e, "bad response frame from swtpm");
    error_traced(e, what);
    assert_non_null(strstr(session_trace(e), "\"fate\":\"synthesised\""));
    data_works(e);
    shutdown_ok(e, 1);
}

static void test_swtpm_size_small(void **state)
{
    swtpm_bad_size(*state, FAKE_SIZE_SMALL, "TPM size field 6 is below");
}

static void test_swtpm_size_big(void **state)
{
    swtpm_bad_size(*state, FAKE_SIZE_BIG,
                   "TPM size field 268435456 exceeds the buffer size");
}

/* 20 bytes of a 100-byte response, then silence: TPM_RC_FAILURE at the
 * response deadline (swtpm's rc in the trace); the next command works. */
static void test_swtpm_short(void **state)
{
    struct shim_session *e = *state;
    fake_set_data_fault(&e->fk, FAKE_SHORT);
    uint64_t t0 = evloop_now_ms();
    send_data(e, startup, sizeof(startup));
    assert_int_equal(answer(e, SHIM_IO_MS + SLACK, NULL), RC_FAILURE);
    assert_true(since(t0) >= SHIM_IO_MS - 100);
    error_traced(e, "swtpm response incomplete at the deadline (20 bytes)");
    assert_non_null(strstr(session_trace(e), "\"tpm_rc\":\"0x00000000\","
                                             "\"fate\":\"synthesised\""));
    data_works(e);
    shutdown_ok(e, 1);
}

/* A response with 8 bytes after it: the guest gets the response alone;
 * the extra bytes are discarded and never taken for the answer to the
 * next command, sent at once. */
static void test_swtpm_long(void **state)
{
    struct shim_session *e = *state;
    fake_set_data_fault(&e->fk, FAKE_LONG);
    send_data(e, startup, sizeof(startup));
    assert_int_equal(answer(e, TMO, NULL), 0);
    for (int i = 0; i < 3; i++)
        data_works(e);
    error_traced(e, "unsolicited bytes from swtpm data channel");
    assert_null(strstr(session_trace(e), "bad response frame"));
    shutdown_ok(e, 1);
}

/* swtpm closes its data socket after 5 bytes of a response: the data
 * channel ends (QEMU sees the end of the stream and fails guest commands
 * itself, as with a dead swtpm); the control channel goes on, the truth
 * is skipped with a reason. */
static void test_swtpm_closes_mid_response(void **state)
{
    struct shim_session *e = *state;
    fake_set_data_fault(&e->fk, FAKE_CLOSE);
    send_data(e, startup, sizeof(startup));
    assert_int_equal(answer(e, TMO, NULL), -2);
    error_traced(e, "swtpm closed its data socket mid-command");
    assert_int_equal(ctrl(e, 0x0e), 0);
    shutdown_ok(e, 0);
    error_traced(e, "pcr_truth skipped: no data channel");
}

/* --- swtpm, control channel ----------------------------------------------- */

/* A reply with 8 bytes after it: QEMU gets the reply alone; the next
 * request gets its own reply, not the leftovers. */
static void test_swtpm_ctrl_long(void **state)
{
    struct shim_session *e = *state;
    uint8_t b[4], r[8];
    fake_set_ctrl_fault(&e->fk, FAKE_LONG);
    put_be32(b, 0x01);
    assert_int_equal(ctrl_x(e, b, 4, r, 8), 0);
    assert_int_equal(r[7], 0xff);
    nothing_more(e->c, 50);
    for (int i = 0; i < 3; i++) {
        put_be32(b, 0x04);
        assert_int_equal(ctrl_x(e, b, 4, r, 8), 0);
        assert_int_equal(be32_at(r), 0);
        assert_int_equal(r[4], 1);
        nothing_more(e->c, 20);
    }
    error_traced(e, "unsolicited bytes from swtpm control channel");
    shutdown_ok(e, 1);
}

/* A swtpm that breaks the control protocol is a dead swtpm: the shim
 * names it in the trace and exits 1 (closing QEMU's control connection),
 * within the deadline. */
static void swtpm_ctrl_gone(struct shim_session *e, uint32_t code, int ms,
                            const char *what)
{
    uint8_t b[16] = { 0 }, r[32];
    size_t req = 0, rsp = 4;
    assert_int_equal(fake_ctrl_sizes(code, &req, &rsp), 0);
    put_be32(b, code);
    assert_int_equal(io_send_all(e->c, b, 4 + req, -1, TMO, NULL), 0);
    assert_int_equal(session_wait_exit(e, ms), 1);
    /* QEMU's connection ends; what it got is never a whole reply */
    assert_true(fd_readable(e->c, TMO));
    assert_int_not_equal(io_read_all(e->c, r, rsp, TMO, NULL), 0);
    error_traced(e, what);
}

static void test_swtpm_ctrl_bad_len(void **state)
{
    swtpm_ctrl_gone(*state, 0x0c, TMO, "CMD_GET_STATEBLOB length 2147483647");
}

static void test_swtpm_ctrl_close(void **state)
{
    struct shim_session *e = *state;
    fake_set_ctrl_fault(&e->fk, FAKE_CLOSE);
    swtpm_ctrl_gone(e, 0x01, TMO, "swtpm control channel: closed mid-response");
}

static void test_swtpm_ctrl_short(void **state)
{
    struct shim_session *e = *state;
    fake_set_ctrl_fault(&e->fk, FAKE_SHORT);
    uint64_t t0 = evloop_now_ms();
    swtpm_ctrl_gone(e, 0x02, SHIM_CTRL_RSP_MS + SLACK,
                    "no complete response within the deadline");
    assert_true(since(t0) >= SHIM_CTRL_RSP_MS - 100);
}

/* BAD_LEN is a GET_STATEBLOB fault: set it before the request. */
static int setup_bad_len(void **state)
{
    int rc = setup(state);
    if (rc == 0)
        fake_set_ctrl_fault(&((struct shim_session *)*state)->fk, FAKE_BAD_LEN);
    return rc;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, session_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_qemu_size_lies),
        T(test_qemu_short_frame),
        T(test_qemu_size_below_header),
        T(test_qemu_beyond_bufsize),
        T(test_qemu_bytes_after_frame),
        T(test_qemu_closes_mid_command),
        T(test_ctrl_garbage),
        T(test_ctrl_bytes_after_request),
        T(test_ctrl_fds),
        T(test_ctrl_bad_length),
        T(test_ctrl_cut_short),
        T(test_qemu_closes_mid_request),
        T(test_swtpm_size_small),
        T(test_swtpm_size_big),
        T(test_swtpm_short),
        T(test_swtpm_long),
        T(test_swtpm_closes_mid_response),
        T(test_swtpm_ctrl_long),
        cmocka_unit_test_setup_teardown(test_swtpm_ctrl_bad_len,
                                        setup_bad_len, session_teardown),
        T(test_swtpm_ctrl_close),
        T(test_swtpm_ctrl_short),
    };
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
