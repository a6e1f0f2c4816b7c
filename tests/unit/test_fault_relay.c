/* Every fault action carried out by the shim's data relay, against the fake
 * swtpm of support/fake_swtpm.h, with this test playing QEMU.
 * Each test runs its own shim session (a child process) with a fault
 * engine built by hand or parsed from a [fault] section, and checks:
 * what the guest received, whether the fake swtpm saw the command, the
 * trace contract fields, and that the PCR truth read still works at
 * CMD_SHUTDOWN.  Every wait has a deadline. */
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

#include "faults/engine.h"
#include "faults/scenario.h"
#include "shim/evloop.h"
#include "shim/io.h"
#include "support/fake_swtpm.h"
#include "util/rd.h"

#define TMO FAKE_TMO
#define CC_EXTEND 0x182u
#define CC_STARTUP 0x144u
#define CC_PCR_READ 0x17Eu
#define RC_CANCELED 0x909u
#define RC_FAILURE 0x101u
#define RC_RETRY 0x922u
#define FAKE_RC 0x0u          /* what the fake swtpm answers to commands */

/* The rules a test runs with: a hand-built table, or script text. */
struct spec {
    struct fault_rule rules[2];
    int n;
    const char *script;
};

static int setup(void **state)
{
    const struct spec *sp = *state;
    static struct fault_engine eng;   /* the shim child has its own copy */
    struct shim_session *e = calloc(1, sizeof(*e));
    if (!e)
        return -1;
    *state = e;
    memset(&eng, 0, sizeof(eng));
    if (sp->script) {
        static struct scenario scn;
        char *err = NULL;
        if (scenario_parse(sp->script, "t.scn", &scn, &err) < 0) {
            fprintf(stderr, "%s\n", err);
            free(err);
            return -1;
        }
        eng = scn.faults;
        e->family = scn.run.tpm == SCN_TPM_12 ? TPM_FAMILY_12 : TPM_FAMILY_20;
    } else {
        for (int i = 0; i < sp->n; i++)
            eng.rules[i] = sp->rules[i];
        eng.n = sp->n;
    }
    fault_engine_start(&eng, 7);
    /* SET_DATAFD: from here on every data frame crosses the shim */
    if (session_start(e, "test_fault_relay", &eng) < 0 ||
        session_set_datafd(e) != 0)
        return -1;
    return 0;
}

/* --- the guest's side ---------------------------------------------------- */

static size_t build_extend(uint8_t *b, unsigned pcr, uint8_t fill)
{
    static const uint8_t head[] = {
        0x80, 0x02, 0, 0, 0, 0, 0x00, 0x00, 0x01, 0x82,
        0, 0, 0, 10, 0, 0, 0, 9, 0x40, 0, 0, 9, 0, 0, 0, 0, 0,
        0, 0, 0, 2, 0x00, 0x04,
    };
    size_t n = sizeof(head);
    memcpy(b, head, n);
    put_be32(b + 10, pcr);
    memset(b + n, fill, 20);
    n += 20;
    put_be16(b + n, 0x000B);
    n += 2;
    memset(b + n, fill, 32);
    n += 32;
    put_be32(b + 2, (uint32_t)n);
    return n;
}

static void send_extend(struct shim_session *e, unsigned pcr, uint8_t fill)
{
    uint8_t b[128];
    size_t n = build_extend(b, pcr, fill);
    assert_int_equal(io_send_all(e->d, b, n, -1, TMO, NULL), 0);
}

static void send_startup(struct shim_session *e)
{
    static const uint8_t startup[] = { 0x80, 0x01, 0, 0, 0, 12, 0, 0,
                                       0x01, 0x44, 0, 0 };
    assert_int_equal(io_send_all(e->d, startup, sizeof(startup), -1, TMO,
                                 NULL), 0);
}

/* The guest's response: its rc, or -1 when none came within ms. */
static int64_t guest_rc(struct shim_session *e, int ms)
{
    uint8_t r[64];
    if (!fd_readable(e->d, ms))
        return -1;
    if (io_read_all(e->d, r, 10, TMO, NULL) < 0)
        return -2;   /* EOF: the data socket was closed */
    assert_int_equal(be32_at(r + 2), 10);
    assert_int_equal(be16_at(r), 0x8001);   /* TPM_ST_NO_SESSIONS */
    return be32_at(r + 6);
}

/* CMD_SHUTDOWN: the shim reads the truth, forwards, exits 0. */
static void shutdown_ok(struct shim_session *e)
{
    assert_int_equal(session_ctrl(e, 0x03, -1), 0);
    assert_int_equal(session_wait_exit(e, TMO), 0);
    assert_int_equal(fake_frame(&e->fk, -1), CC_PCR_READ);
    pthread_mutex_lock(&e->fk.mu);
    assert_int_equal(e->fk.codes[e->fk.n - 1], 0x03);
    pthread_mutex_unlock(&e->fk.mu);
}

/* --- the trace ----------------------------------------------------------- */

/* The line for ord with kind ("\"dir\":\"cmd\"", ...), copied to out. */
static const char *trace_line(struct shim_session *e, unsigned ord,
                              const char *kind, char *out, size_t cap)
{
    char key[32];
    snprintf(key, sizeof(key), "{\"ord\":%u,", ord);
    for (const char *p = session_trace(e); p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len < cap && strncmp(p, key, strlen(key)) == 0) {
            memcpy(out, p, len);
            out[len] = 0;
            if (strstr(out, kind))
                return out;
        }
        p = nl ? nl + 1 : NULL;
    }
    fail_msg("no trace line ord %u %s in:\n%s", ord, kind, session_trace(e));
    return NULL;
}

#define CMD "\"dir\":\"cmd\""
#define RSP "\"dir\":\"rsp\""
#define REL "\"event\":\"release\""

static void has(const char *line, const char *what)
{
    if (!strstr(line, what))
        fail_msg("'%s' not in %s", what, line);
}

static void lacks(const char *line, const char *what)
{
    if (strstr(line, what))
        fail_msg("'%s' in %s", what, line);
}

static void truth_traced(struct shim_session *e)
{
    const char *t = session_trace(e);
    has(t, "\"event\":\"pcr_truth\",\"pcr\":10");
    has(t, "\"sha256\":\"aaaaaaaa");
    lacks(t, "pcr_truth skipped");
    assert_true(strstr(t, "pcr_truth") < strstr(t, "CMD_SHUTDOWN"));
}

/* --- rules --------------------------------------------------------------- */

#define EXT10(nm, ...) { .name = nm, .cc = CC_EXTEND, .pcr = 10, __VA_ARGS__ }

static const struct spec sp_error = { .n = 1, .rules = {
    EXT10("err-first", .nth = 1, .action = FA_ERROR, .rc = RC_RETRY) } };
static const struct spec sp_applied = { .n = 1, .rules = {
    EXT10("applied", .nth = 1, .action = FA_APPLIED_ERROR,
          .rc = RC_FAILURE) } };
static const struct spec sp_delay = { .n = 1, .rules = {
    EXT10("slow", .nth = 1, .action = FA_DELAY, .delay_ms = 300) } };
static const struct spec sp_hold = { .n = 1, .rules = {
    EXT10("hold", .nth = 1, .action = FA_TIMEOUT) } };
static const struct spec sp_hold_late = { .n = 1, .rules = {
    EXT10("hold-late", .nth = 1, .action = FA_TIMEOUT,
          .applied_late = true) } };
static const struct spec sp_hold_limit = { .n = 1, .rules = {
    EXT10("hold-300", .nth = 1, .action = FA_TIMEOUT, .delay_ms = 300) } };
static const struct spec sp_cancel = { .n = 1, .rules = {
    EXT10("cxl", .nth = 1, .action = FA_CANCEL) } };
static const struct spec sp_drop = { .n = 1, .rules = {
    EXT10("drop", .nth = 1, .action = FA_DROP_RESPONSE) } };
static const struct spec sp_failure = { .n = 1, .rules = {
    { .name = "fm", .cc = FAULT_CC_ANY, .pcr = FAULT_PCR_ANY, .nth = 2,
      .action = FA_FAILURE_MODE } } };
static const struct spec sp_close = { .n = 1, .rules = {
    EXT10("close", .nth = 1, .action = FA_CLOSE) } };
static const struct spec sp_script = { .script =
    "[fault]\nname = second\ncommand = PCR_Extend\npcr = 10\nnth = 2\n"
    "action = error\nrc = TPM_RC_FAILURE\n"
    "[expect]\nlist-complete = yes\n" };
static const struct spec sp_none = { .n = 0 };

/* direction = response: the command always reaches swtpm at once. */
#define RSP10(nm, ...) EXT10(nm, .direction = FD_RESPONSE, __VA_ARGS__)
static const struct spec sp_rsp_error = { .n = 1, .rules = {
    RSP10("r-err", .nth = 1, .action = FA_ERROR, .rc = RC_RETRY) } };
static const struct spec sp_rsp_applied = { .n = 1, .rules = {
    RSP10("r-app", .nth = 1, .action = FA_APPLIED_ERROR, .rc = RC_FAILURE) } };
static const struct spec sp_rsp_delay = { .n = 1, .rules = {
    RSP10("r-slow", .nth = 1, .action = FA_DELAY, .delay_ms = 300) } };
static const struct spec sp_rsp_hold = { .n = 1, .rules = {
    RSP10("r-hold", .nth = 1, .action = FA_TIMEOUT) } };
static const struct spec sp_rsp_hold_limit = { .n = 1, .rules = {
    RSP10("r-hold-300", .nth = 1, .action = FA_TIMEOUT, .delay_ms = 300) } };
static const struct spec sp_rsp_cancel = { .n = 1, .rules = {
    RSP10("r-cxl", .nth = 1, .action = FA_CANCEL) } };
static const struct spec sp_rsp_drop = { .n = 1, .rules = {
    RSP10("r-drop", .nth = 1, .action = FA_DROP_RESPONSE) } };
static const struct spec sp_rsp_failure = { .n = 1, .rules = {
    { .name = "r-fm", .cc = FAULT_CC_ANY, .pcr = FAULT_PCR_ANY, .nth = 2,
      .direction = FD_RESPONSE, .action = FA_FAILURE_MODE } } };
static const struct spec sp_rsp_close = { .n = 1, .rules = {
    RSP10("r-close", .nth = 1, .action = FA_CLOSE) } };
static const struct spec sp_tpm12 = { .script =
    "[run]\ntpm = 1.2\n[fault]\nname = second\ncommand = TPM_ORD_Extend\n"
    "pcr = 10\nnth = 2\naction = error\nrc = TPM_FAIL\n"
    "[expect]\nlist-complete = yes\n" };
static const struct spec sp_tpm12_hold = { .script =
    "[run]\ntpm = 1.2\n[fault]\nname = held\ncommand = TPM_ORD_Extend\n"
    "pcr = 10\nnth = 1\naction = timeout\napplied = no\n"
    "[expect]\nlist-complete = yes\n" };
static const struct spec sp_rsp_script = { .script =
    "[fault]\nname = late\ncommand = PCR_Extend\npcr = 10\nnth = 2\n"
    "direction = response\naction = timeout\ndelay_ms = 300\n"
    "[expect]\nlist-complete = yes\n" };

/* Hold past the cancel: the cancel is answered, the hold goes on. */
static const struct spec sp_hold_ignore = { .script =
    "[fault]\nname = stubborn\ncommand = PCR_Extend\npcr = 10\nnth = 1\n"
    "action = timeout\napplied = no\non_cancel = ignore\ndelay_ms = 600\n"
    "rc = TPM_RC_FAILURE\n[expect]\nlist-complete = yes\n" };
static const struct spec sp_hold_ignore_late = { .script =
    "[fault]\nname = stubborn\ncommand = PCR_Extend\npcr = 10\nnth = 1\n"
    "action = timeout\napplied = yes\non_cancel = ignore\ndelay_ms = 600\n"
    "rc = TPM_RC_FAILURE\n[expect]\nlist-complete = yes\n" };
static const struct spec sp_rsp_hold_ignore = { .script =
    "[fault]\nname = stubborn\ncommand = PCR_Extend\npcr = 10\nnth = 1\n"
    "direction = response\naction = timeout\non_cancel = ignore\n"
    "delay_ms = 600\nrc = TPM_RC_FAILURE\n[expect]\nlist-complete = yes\n" };
/* RETRY twice, then through, on every other measurement. */
static const struct spec sp_burst = { .script =
    "[fault]\nname = burst\ncommand = PCR_Extend\npcr = 10\n"
    "count = measurements\nevery = 2\noffset = 1\nburst = 2\n"
    "action = error\nrc = TPM_RC_RETRY\n[expect]\nlist-complete = yes\n" };

/* --- tests --------------------------------------------------------------- */

static void test_no_rules_relays(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 1);
    trace_line(e, 1, CMD, l, sizeof(l));
    has(l, "\"forwarded\":true,\"fate\":\"relayed\"");
    lacks(l, "\"fault\"");
    trace_line(e, 1, RSP, l, sizeof(l));
    has(l, "\"rc\":\"0x00000000\"");
    has(l, "\"tpm_rc\":\"0x00000000\"");
    has(l, "\"fate\":\"relayed\"");
    has(session_trace(e), "\"event\":\"faults\",\"tpm\":\"2.0\",\"seed\":\"7\",\"rules\":[]");
    shutdown_ok(e);
    truth_traced(e);
}

static void test_error(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    send_extend(e, 0, 1);                       /* pcr 0: no match */
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);
    send_extend(e, 10, 2);                      /* k = 1: fires */
    assert_int_equal(guest_rc(e, TMO), RC_RETRY);
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 1);
    send_extend(e, 10, 3);                      /* k = 2: relayed */
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 2);
    trace_line(e, 2, CMD, l, sizeof(l));
    has(l, "\"forwarded\":false,\"fate\":\"answered\"");
    has(l, "\"fault\":{\"rule\":\"err-first\",\"action\":\"error\"");
    has(l, "\"pcr\":10");
    trace_line(e, 2, RSP, l, sizeof(l));
    has(l, "\"rc\":\"0x00000922\"");
    lacks(l, "\"tpm_rc\"");
    has(l, "\"fate\":\"synthesised\"");
    trace_line(e, 3, CMD, l, sizeof(l));
    has(l, "\"forwarded\":true,\"fate\":\"relayed\"");
    shutdown_ok(e);
    truth_traced(e);
}

static void test_applied_then_error(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, TMO), RC_FAILURE);
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 1);
    trace_line(e, 1, CMD, l, sizeof(l));
    has(l, "\"forwarded\":true,\"fate\":\"relayed\"");
    has(l, "\"action\":\"applied-then-error\"");
    trace_line(e, 1, RSP, l, sizeof(l));
    has(l, "\"rc\":\"0x00000101\"");
    has(l, "\"tpm_rc\":\"0x00000000\"");
    has(l, "\"fate\":\"replaced\"");
    /* the channel stayed in step: the next command gets its own answer */
    send_startup(e);
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);
    assert_int_equal(fake_saw(&e->fk, CC_STARTUP), 1);
    shutdown_ok(e);
    truth_traced(e);
}

static void test_delay(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    uint64_t t0 = evloop_now_ms();
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, 100), -1);      /* not yet */
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 0);
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);
    assert_true(evloop_now_ms() - t0 >= 290);
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 1);
    trace_line(e, 1, CMD, l, sizeof(l));
    has(l, "\"forwarded\":true,\"fate\":\"delayed\"");
    has(l, "\"action\":\"delay\"");
    trace_line(e, 1, RSP, l, sizeof(l));
    has(l, "\"fate\":\"relayed\"");
    has(l, "\"tpm_rc\":\"0x00000000\"");
    shutdown_ok(e);
    truth_traced(e);
}

/* A cancel while the delay runs is answered at once; the command still
 * goes to swtpm after its delay. */
static void test_delay_cancel(void **state)
{
    struct shim_session *e = *state;
    send_extend(e, 10, 1);
    usleep(50000);
    int before = fake_nctrl(&e->fk);
    assert_int_equal(session_ctrl(e, 0x09, -1), 0);
    assert_int_equal(fake_nctrl(&e->fk), before);          /* not forwarded */
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 1);
    shutdown_ok(e);
    truth_traced(e);
}

static void test_hold_cancel(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, 300), -1);      /* held */
    int before = fake_nctrl(&e->fk);
    uint64_t t0 = evloop_now_ms();
    assert_int_equal(session_ctrl(e, 0x09, -1), 0);      /* answered at once */
    assert_true(evloop_now_ms() - t0 < 1000);
    assert_int_equal(fake_nctrl(&e->fk), before);
    assert_int_equal(guest_rc(e, TMO), RC_CANCELED);
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 0);
    /* a second cancel (QEMU sends one or two) finds nothing held */
    assert_int_equal(session_ctrl(e, 0x09, -1), 0);
    trace_line(e, 1, CMD, l, sizeof(l));
    has(l, "\"forwarded\":false,\"fate\":\"held\"");
    has(l, "\"action\":\"timeout\"");
    trace_line(e, 1, REL, l, sizeof(l));
    has(l, "\"forwarded\":false,\"why\":\"cancel\"");
    trace_line(e, 1, RSP, l, sizeof(l));
    has(l, "\"rc\":\"0x00000909\"");
    lacks(l, "\"tpm_rc\"");
    has(l, "\"fate\":\"synthesised\"");
    send_startup(e);
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);
    shutdown_ok(e);
    truth_traced(e);
}

static void test_hold_cancel_applied_late(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, 300), -1);
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 0);
    assert_int_equal(session_ctrl(e, 0x09, -1), 0);
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);   /* the real response */
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 1);
    trace_line(e, 1, CMD, l, sizeof(l));
    has(l, "\"forwarded\":false,\"fate\":\"held\"");
    has(l, "\"applied_late\":true");
    trace_line(e, 1, REL, l, sizeof(l));
    has(l, "\"forwarded\":true,\"why\":\"cancel\"");
    trace_line(e, 1, RSP, l, sizeof(l));
    has(l, "\"rc\":\"0x00000000\"");
    has(l, "\"tpm_rc\":\"0x00000000\"");
    has(l, "\"fate\":\"relayed\"");
    shutdown_ok(e);
    truth_traced(e);
}

static void test_hold_limit(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    uint64_t t0 = evloop_now_ms();
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, TMO), RC_CANCELED);
    assert_true(evloop_now_ms() - t0 >= 290);
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 0);
    trace_line(e, 1, REL, l, sizeof(l));
    has(l, "\"forwarded\":false,\"why\":\"hold-limit\"");
    shutdown_ok(e);
    truth_traced(e);
}

/* CMD_SHUTDOWN while a command is held: it is answered first, then the
 * truth is read. */
static void test_hold_shutdown(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, 200), -1);
    shutdown_ok(e);
    assert_int_equal(guest_rc(e, TMO), RC_CANCELED);
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 0);
    trace_line(e, 1, REL, l, sizeof(l));
    has(l, "\"forwarded\":false,\"why\":\"shutdown\"");
    truth_traced(e);
}

static void test_hold_shutdown_applied_late(void **state)
{
    struct shim_session *e = *state;
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, 200), -1);
    shutdown_ok(e);
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 1);
    truth_traced(e);
    /* the extend went before the truth read */
    assert_int_equal(fake_frame(&e->fk, -2), CC_EXTEND);
}

/* The cancel is answered at once; the command stays held until the hold
 * limit; then the rule's rc, and the command never reached swtpm. */
static void test_hold_ignores_cancel(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    uint64_t t0 = evloop_now_ms();
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, 100), -1);
    int before = fake_nctrl(&e->fk);
    uint64_t t1 = evloop_now_ms();
    assert_int_equal(session_ctrl(e, 0x09, -1), 0);      /* answered at once */
    assert_int_equal(session_ctrl(e, 0x09, -1), 0);      /* and a second one */
    assert_true(evloop_now_ms() - t1 < 300);
    assert_int_equal(fake_nctrl(&e->fk), before);
    assert_int_equal(guest_rc(e, 200), -1);      /* still held */
    assert_int_equal(guest_rc(e, TMO), RC_FAILURE);
    assert_true(evloop_now_ms() - t0 >= 590);
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 0);
    trace_line(e, 1, CMD, l, sizeof(l));
    has(l, "\"on_cancel\":\"ignore\"");
    has(l, "\"rc\":\"0x00000101\"");
    trace_line(e, 1, "\"why\":\"cancel ignored\"", l, sizeof(l));
    trace_line(e, 1, REL, l, sizeof(l));
    has(l, "\"forwarded\":false,\"why\":\"hold-limit\"");
    trace_line(e, 1, RSP, l, sizeof(l));
    has(l, "\"fate\":\"synthesised\"");
    lacks(l, "\"tpm_rc\"");
    shutdown_ok(e);
    truth_traced(e);
}

/* applied = yes with rc: forwarded when the hold ends, the guest gets rc. */
static void test_hold_ignores_cancel_applied(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, 100), -1);
    assert_int_equal(session_ctrl(e, 0x09, -1), 0);
    assert_int_equal(guest_rc(e, 200), -1);
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 0);
    assert_int_equal(guest_rc(e, TMO), RC_FAILURE);
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 1);
    trace_line(e, 1, REL, l, sizeof(l));
    has(l, "\"forwarded\":true,\"why\":\"hold-limit\"");
    trace_line(e, 1, RSP, l, sizeof(l));
    has(l, "\"rc\":\"0x00000101\"");
    has(l, "\"tpm_rc\":\"0x00000000\"");
    has(l, "\"fate\":\"replaced\"");
    shutdown_ok(e);
    truth_traced(e);
}

/* A driver's resend (same bytes after TPM_RC_RETRY) is the same
 * measurement: the burst fires on its first two frames, on measurements
 * 1 and 3. */
static void test_burst_per_measurement(void **state)
{
    struct shim_session *e = *state;
    const struct { uint8_t fill; int64_t rc; } steps[] = {
        { 1, RC_RETRY }, { 1, RC_RETRY }, { 1, FAKE_RC },
        { 2, FAKE_RC },
        { 3, RC_RETRY }, { 3, RC_RETRY }, { 3, FAKE_RC },
        { 4, FAKE_RC },
    };
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        send_extend(e, 10, steps[i].fill);
        if (guest_rc(e, TMO) != steps[i].rc)
            fail_msg("frame %zu: wanted rc 0x%llx", i + 1,
                     (unsigned long long)steps[i].rc);
    }
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 4);
    shutdown_ok(e);
    truth_traced(e);
}

static void test_cancel(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, TMO), RC_CANCELED);
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 0);
    trace_line(e, 1, CMD, l, sizeof(l));
    has(l, "\"forwarded\":false,\"fate\":\"answered\"");
    has(l, "\"action\":\"cancel\"");
    trace_line(e, 1, RSP, l, sizeof(l));
    has(l, "\"fate\":\"synthesised\"");
    lacks(l, "\"tpm_rc\"");
    shutdown_ok(e);
    truth_traced(e);
}

static void test_drop_response(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, 400), -1);      /* never answered */
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 1);
    trace_line(e, 1, CMD, l, sizeof(l));
    has(l, "\"forwarded\":true,\"fate\":\"relayed\"");
    has(l, "\"action\":\"drop-response\"");
    trace_line(e, 1, RSP, l, sizeof(l));
    lacks(l, "\"rc\"");
    has(l, "\"tpm_rc\":\"0x00000000\"");
    has(l, "\"fate\":\"dropped\"");
    /* the guest's cancel finds nothing in flight: swtpm answers it */
    int before = fake_nctrl(&e->fk);
    assert_int_equal(session_ctrl(e, 0x09, -1), 0);
    assert_int_equal(fake_nctrl(&e->fk), before + 1);
    shutdown_ok(e);
    assert_true(guest_rc(e, 100) < 0);   /* EOF, never a response */
    truth_traced(e);
}

static void test_failure_mode(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    send_startup(e);                              /* k = 1 */
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);
    send_extend(e, 10, 1);                        /* k = 2: fires */
    assert_int_equal(guest_rc(e, TMO), RC_FAILURE);
    send_extend(e, 3, 2);                         /* stays in force */
    assert_int_equal(guest_rc(e, TMO), RC_FAILURE);
    send_startup(e);
    assert_int_equal(guest_rc(e, TMO), RC_FAILURE);
    assert_int_equal(fake_nframes(&e->fk), 1);
    for (unsigned o = 2; o <= 4; o++) {
        trace_line(e, o, CMD, l, sizeof(l));
        has(l, "\"forwarded\":false,\"fate\":\"answered\"");
        has(l, "\"fault\":{\"rule\":\"fm\",\"action\":\"failure-mode\"");
        trace_line(e, o, RSP, l, sizeof(l));
        has(l, "\"rc\":\"0x00000101\"");
        has(l, "\"fate\":\"synthesised\"");
    }
    shutdown_ok(e);
    truth_traced(e);
}

static void test_close(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, TMO), -2);       /* EOF on the data fd */
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 0);
    trace_line(e, 1, CMD, l, sizeof(l));
    has(l, "\"forwarded\":false,\"fate\":\"closed\"");
    has(l, "\"action\":\"close\"");
    /* the control channel still works, relayed to swtpm */
    int before = fake_nctrl(&e->fk);
    assert_int_equal(session_ctrl(e, 0x04, -1), 0);
    assert_int_equal(fake_nctrl(&e->fk), before + 1);
    shutdown_ok(e);
    truth_traced(e);
}

/* A rule from a script's [fault] section, through scenario_parse. */
static void test_script_rule(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);
    send_extend(e, 10, 2);
    assert_int_equal(guest_rc(e, TMO), RC_FAILURE);
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 1);
    trace_line(e, 2, CMD, l, sizeof(l));
    has(l, "\"fault\":{\"rule\":\"second\",\"action\":\"error\"");
    has(session_trace(e),
        "\"rules\":[{\"name\":\"second\",\"action\":\"error\"}]");
    shutdown_ok(e);
    truth_traced(e);
}

/* A TPM 1.2 run: TPM_Extend matched by name, TPM_FAIL by name, a 1.2
 * answer; the trace names the ordinal and carries the sha1 digest; the
 * truth is read with TPM_PcrRead. */
static void send_extend12(struct shim_session *e, uint8_t fill)
{
    uint8_t b[34] = { 0x00, 0xc1, 0, 0, 0, 34, 0, 0, 0, 0x14, 0, 0, 0, 10 };
    memset(b + 14, fill, 20);
    assert_int_equal(io_send_all(e->d, b, sizeof(b), -1, TMO, NULL), 0);
}

static uint32_t guest_rc12(struct shim_session *e)
{
    uint8_t r[10];
    assert_int_equal(io_read_all(e->d, r, 10, TMO, NULL), 0);
    assert_int_equal(be16_at(r), 0x00c4);   /* TPM_TAG_RSP_COMMAND */
    assert_int_equal(be32_at(r + 2), 10);
    return be32_at(r + 6);
}

static void test_tpm12_rule(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    send_extend12(e, 1);
    assert_int_equal(guest_rc12(e), 0);
    send_extend12(e, 2);
    assert_int_equal(guest_rc12(e), 9);              /* TPM_FAIL */
    assert_int_equal(fake_saw(&e->fk, 0x14), 1);
    trace_line(e, 2, CMD, l, sizeof(l));
    has(l, "\"name\":\"TPM_ORD_Extend\"");
    has(l, "\"fault\":{\"rule\":\"second\",\"action\":\"error\"");
    has(l, "\"pcr\":10,\"digests\":{\"sha1\":\"0202020202");
    lacks(l, "sha256");
    trace_line(e, 2, RSP, l, sizeof(l));
    has(l, "\"rc\":\"0x00000009\",\"rc_name\":\"TPM_FAIL\"");
    has(session_trace(e), "\"event\":\"faults\",\"tpm\":\"1.2\"");
    assert_int_equal(session_ctrl(e, 0x03, -1), 0);
    assert_int_equal(session_wait_exit(e, TMO), 0);
    assert_int_equal(fake_frame(&e->fk, -1), 0x15);  /* TPM_PcrRead */
    has(session_trace(e), "\"event\":\"pcr_truth\",\"pcr\":10,"
                          "\"after_ord\":2,");
    has(session_trace(e), "\"banks\":{\"sha1\":\"bbbbbbbb");
}

/* A TPM 1.2 extend held and cancelled: 1.2 has no TPM_RC_CANCELED, the
 * shim answers TPM_FAIL (not executed) in a 1.2 response. */
static void test_tpm12_hold_cancel(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    send_extend12(e, 1);
    uint8_t r[10];
    assert_int_not_equal(io_read_all(e->d, r, 10, 300, NULL), 0);  /* held */
    assert_int_equal(session_ctrl(e, 0x09, -1), 0);
    assert_int_equal(guest_rc12(e), 9);              /* TPM_FAIL */
    assert_int_equal(fake_saw(&e->fk, 0x14), 0);
    trace_line(e, 1, RSP, l, sizeof(l));
    has(l, "\"rc\":\"0x00000009\",\"rc_name\":\"TPM_FAIL\"");
    has(l, "\"fate\":\"synthesised\"");
    assert_int_equal(session_ctrl(e, 0x03, -1), 0);
    assert_int_equal(session_wait_exit(e, TMO), 0);
}

/* --- direction = response ------------------------------------------------- */

/* The faulted extend's command line: forwarded at once, relayed, the
 * rule with its direction. */
static void rsp_cmd_line(struct shim_session *e, unsigned ord,
                         const char *rule_action)
{
    char l[4096];
    trace_line(e, ord, CMD, l, sizeof(l));
    has(l, "\"forwarded\":true,\"fate\":\"relayed\"");
    has(l, rule_action);
    has(l, "\"direction\":\"response\"");
}

/* The response line: what the guest got (rc, or NULL: nothing), swtpm's
 * success, the fate. */
static void rsp_rsp_line(struct shim_session *e, unsigned ord, const char *rc,
                         const char *fate)
{
    char l[4096], want[64];
    trace_line(e, ord, RSP, l, sizeof(l));
    if (rc) {
        snprintf(want, sizeof(want), "\"rc\":\"%s\"", rc);
        has(l, want);
    } else {
        lacks(l, "\"rc\"");
    }
    has(l, "\"tpm_rc\":\"0x00000000\"");
    snprintf(want, sizeof(want), "\"fate\":\"%s\"", fate);
    has(l, want);
}

static void test_rsp_error(void **state)
{
    struct shim_session *e = *state;
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, TMO), RC_RETRY);
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 1);   /* applied */
    rsp_cmd_line(e, 1, "\"fault\":{\"rule\":\"r-err\",\"action\":\"error\","
                 "\"rc\":\"0x00000922\"");
    rsp_rsp_line(e, 1, "0x00000922", "replaced");
    has(session_trace(e), "\"rules\":[{\"name\":\"r-err\",\"action\":\"error\","
        "\"direction\":\"response\"}]");
    send_startup(e);                             /* the channel is in step */
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);
    shutdown_ok(e);
    truth_traced(e);
}

static void test_rsp_applied_then_error(void **state)
{
    struct shim_session *e = *state;
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, TMO), RC_FAILURE);
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 1);
    rsp_cmd_line(e, 1, "\"action\":\"applied-then-error\"");
    rsp_rsp_line(e, 1, "0x00000101", "replaced");
    shutdown_ok(e);
    truth_traced(e);
}

/* The extend reaches swtpm at once; its response reaches the guest
 * delay_ms after swtpm answered, not before. */
static void test_rsp_delay(void **state)
{
    struct shim_session *e = *state;
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, 150), -1);            /* not yet */
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 1);  /* but applied */
    uint64_t answered = fake_answered_ms(&e->fk, CC_EXTEND);
    assert_true(answered > 0);
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);
    assert_true(evloop_now_ms() - answered >= 290);
    rsp_cmd_line(e, 1, "\"action\":\"delay\",\"delay_ms\":300");
    rsp_rsp_line(e, 1, "0x00000000", "delayed");
    shutdown_ok(e);
    truth_traced(e);
}

/* A cancel while the response waits is answered by the shim at once and
 * does not shorten the delay. */
static void test_rsp_delay_cancel(void **state)
{
    struct shim_session *e = *state;
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, 50), -1);
    uint64_t answered = fake_answered_ms(&e->fk, CC_EXTEND);
    int before = fake_nctrl(&e->fk);
    assert_int_equal(session_ctrl(e, 0x09, -1), 0);
    assert_int_equal(fake_nctrl(&e->fk), before);      /* not forwarded */
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);
    assert_true(evloop_now_ms() - answered >= 290);
    rsp_rsp_line(e, 1, "0x00000000", "delayed");
    shutdown_ok(e);
    truth_traced(e);
}

/* Shutdown while the response waits out its delay: relayed first. */
static void test_rsp_delay_shutdown(void **state)
{
    struct shim_session *e = *state;
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, 50), -1);
    shutdown_ok(e);
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);
    rsp_rsp_line(e, 1, "0x00000000", "delayed");
    truth_traced(e);
}

static void test_rsp_hold_cancel(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, 300), -1);            /* held */
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 1);  /* applied at once */
    int before = fake_nctrl(&e->fk);
    uint64_t t0 = evloop_now_ms();
    assert_int_equal(session_ctrl(e, 0x09, -1), 0);            /* answered at once */
    assert_true(evloop_now_ms() - t0 < 1000);
    assert_int_equal(fake_nctrl(&e->fk), before);
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);       /* the real response */
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 1);  /* not sent again */
    assert_int_equal(session_ctrl(e, 0x09, -1), 0);            /* a second cancel */
    rsp_cmd_line(e, 1, "\"action\":\"timeout\"");
    trace_line(e, 1, CMD, l, sizeof(l));
    lacks(l, "applied_late");
    trace_line(e, 1, REL, l, sizeof(l));
    has(l, "\"forwarded\":true,\"why\":\"cancel\",\"direction\":\"response\"");
    rsp_rsp_line(e, 1, "0x00000000", "held");
    send_startup(e);
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);
    shutdown_ok(e);
    truth_traced(e);
}

/* The guest cancels while swtpm is still at work: the response, when it
 * comes, is relayed at once. */
static void test_rsp_hold_cancel_early(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    fake_set_rsp_delay(&e->fk, 400);
    send_extend(e, 10, 1);
    usleep(100000);
    int before = fake_nctrl(&e->fk);
    assert_int_equal(session_ctrl(e, 0x09, -1), 0);
    assert_int_equal(fake_nctrl(&e->fk), before);
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);
    uint64_t answered = fake_answered_ms(&e->fk, CC_EXTEND);
    assert_true(answered > 0 && evloop_now_ms() - answered < 1000);
    fake_set_rsp_delay(&e->fk, 0);
    trace_line(e, 1, REL, l, sizeof(l));
    has(l, "\"forwarded\":true,\"why\":\"cancel\"");
    rsp_rsp_line(e, 1, "0x00000000", "held");
    shutdown_ok(e);
    truth_traced(e);
}

static void test_rsp_hold_limit(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, 100), -1);
    uint64_t answered = fake_answered_ms(&e->fk, CC_EXTEND);
    assert_true(answered > 0);
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);
    assert_true(evloop_now_ms() - answered >= 290);
    trace_line(e, 1, REL, l, sizeof(l));
    has(l, "\"forwarded\":true,\"why\":\"hold-limit\"");
    rsp_rsp_line(e, 1, "0x00000000", "held");
    shutdown_ok(e);
    truth_traced(e);
}

/* A held response whose rule ignores the cancel: rc at the hold limit. */
static void test_rsp_hold_ignores_cancel(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, 100), -1);
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 1);  /* applied at once */
    assert_int_equal(session_ctrl(e, 0x09, -1), 0);
    assert_int_equal(guest_rc(e, 200), -1);
    assert_int_equal(guest_rc(e, TMO), RC_FAILURE);
    trace_line(e, 1, REL, l, sizeof(l));
    has(l, "\"forwarded\":true,\"why\":\"hold-limit\",\"direction\":\"response\"");
    rsp_rsp_line(e, 1, "0x00000101", "replaced");
    shutdown_ok(e);
    truth_traced(e);
}

/* The guest cancels while swtpm is still at work: ignored, the response
 * is held its full delay_ms after swtpm answered. */
static void test_rsp_hold_ignores_early_cancel(void **state)
{
    struct shim_session *e = *state;
    uint64_t t0 = evloop_now_ms();
    fake_set_rsp_delay(&e->fk, 400);
    send_extend(e, 10, 1);
    usleep(100000);
    assert_int_equal(session_ctrl(e, 0x09, -1), 0);
    assert_int_equal(guest_rc(e, TMO), RC_FAILURE);
    assert_true(evloop_now_ms() - t0 >= 990);   /* 400 at swtpm + 600 held */
    fake_set_rsp_delay(&e->fk, 0);
    rsp_rsp_line(e, 1, "0x00000101", "replaced");
    shutdown_ok(e);
    truth_traced(e);
}

/* CMD_SHUTDOWN releases the held response before the truth is read. */
static void test_rsp_hold_shutdown(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, 200), -1);
    shutdown_ok(e);
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);
    assert_int_equal(fake_frame(&e->fk, -2), CC_EXTEND);
    trace_line(e, 1, REL, l, sizeof(l));
    has(l, "\"forwarded\":true,\"why\":\"shutdown\"");
    rsp_rsp_line(e, 1, "0x00000000", "held");
    const char *t = session_trace(e);
    assert_true(strstr(t, "\"fate\":\"held\"") < strstr(t, "pcr_truth"));
    truth_traced(e);
}

/* Shutdown while swtpm is still at work: the response is released as soon
 * as it comes, and the truth is read after it. */
static void test_rsp_hold_shutdown_early(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    fake_set_rsp_delay(&e->fk, 300);
    send_extend(e, 10, 1);
    usleep(100000);
    assert_int_equal(session_ctrl(e, 0x03, -1), 0);
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);
    fake_set_rsp_delay(&e->fk, 0);
    assert_int_equal(session_wait_exit(e, TMO), 0);
    assert_int_equal(fake_frame(&e->fk, -1), CC_PCR_READ);
    trace_line(e, 1, REL, l, sizeof(l));
    has(l, "\"forwarded\":true,\"why\":\"shutdown\"");
    rsp_rsp_line(e, 1, "0x00000000", "held");
    truth_traced(e);
}

static void test_rsp_cancel(void **state)
{
    struct shim_session *e = *state;
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, TMO), RC_CANCELED);
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 1);
    rsp_cmd_line(e, 1, "\"action\":\"cancel\",\"rc\":\"0x00000909\"");
    rsp_rsp_line(e, 1, "0x00000909", "replaced");
    shutdown_ok(e);
    truth_traced(e);
}

static void test_rsp_drop(void **state)
{
    struct shim_session *e = *state;
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, 400), -1);
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 1);
    rsp_cmd_line(e, 1, "\"action\":\"drop-response\"");
    rsp_rsp_line(e, 1, NULL, "dropped");
    shutdown_ok(e);
    assert_true(guest_rc(e, 100) < 0);
    truth_traced(e);
}

/* The command the rule fires on is applied; every later one is answered
 * TPM_RC_FAILURE without reaching swtpm. */
static void test_rsp_failure_mode(void **state)
{
    struct shim_session *e = *state;
    char l[4096];
    send_startup(e);                              /* k = 1 */
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);
    send_extend(e, 10, 1);                        /* k = 2: fires */
    assert_int_equal(guest_rc(e, TMO), RC_FAILURE);
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 1);
    send_extend(e, 10, 2);
    assert_int_equal(guest_rc(e, TMO), RC_FAILURE);
    send_startup(e);
    assert_int_equal(guest_rc(e, TMO), RC_FAILURE);
    assert_int_equal(fake_nframes(&e->fk), 2);
    rsp_cmd_line(e, 2, "\"fault\":{\"rule\":\"r-fm\",\"action\":\"failure-mode\"");
    rsp_rsp_line(e, 2, "0x00000101", "replaced");
    for (unsigned o = 3; o <= 4; o++) {
        trace_line(e, o, CMD, l, sizeof(l));
        has(l, "\"forwarded\":false,\"fate\":\"answered\"");
        lacks(l, "direction");
        trace_line(e, o, RSP, l, sizeof(l));
        has(l, "\"fate\":\"synthesised\"");
        lacks(l, "tpm_rc");
    }
    shutdown_ok(e);
    truth_traced(e);
}

/* The extend is applied, then the data channel closes instead of the
 * response. */
static void test_rsp_close(void **state)
{
    struct shim_session *e = *state;
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, TMO), -2);       /* EOF on the data fd */
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 1);
    rsp_cmd_line(e, 1, "\"action\":\"close\"");
    rsp_rsp_line(e, 1, NULL, "closed");
    int before = fake_nctrl(&e->fk);
    assert_int_equal(session_ctrl(e, 0x04, -1), 0);
    assert_int_equal(fake_nctrl(&e->fk), before + 1);
    shutdown_ok(e);
    assert_int_equal(fake_frame(&e->fk, -2), CC_EXTEND);
    truth_traced(e);
}

/* direction from a script's [fault] section, through scenario_parse. */
static void test_rsp_script_rule(void **state)
{
    struct shim_session *e = *state;
    send_extend(e, 10, 1);
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);
    send_extend(e, 10, 2);                        /* k = 2: held 300 ms */
    assert_int_equal(guest_rc(e, 100), -1);
    assert_int_equal(fake_saw(&e->fk, CC_EXTEND), 2);
    assert_int_equal(guest_rc(e, TMO), FAKE_RC);
    rsp_cmd_line(e, 2, "\"fault\":{\"rule\":\"late\",\"action\":\"timeout\"");
    rsp_rsp_line(e, 2, "0x00000000", "held");
    shutdown_ok(e);
    truth_traced(e);
}

#define T(fn, sp) cmocka_unit_test_prestate_setup_teardown(fn, setup, \
                      session_teardown, (void *)&(sp))

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_no_rules_relays, sp_none),
        T(test_error, sp_error),
        T(test_applied_then_error, sp_applied),
        T(test_delay, sp_delay),
        T(test_delay_cancel, sp_delay),
        T(test_hold_cancel, sp_hold),
        T(test_hold_cancel_applied_late, sp_hold_late),
        T(test_hold_limit, sp_hold_limit),
        T(test_hold_shutdown, sp_hold),
        T(test_hold_shutdown_applied_late, sp_hold_late),
        T(test_cancel, sp_cancel),
        T(test_hold_ignores_cancel, sp_hold_ignore),
        T(test_hold_ignores_cancel_applied, sp_hold_ignore_late),
        T(test_rsp_hold_ignores_cancel, sp_rsp_hold_ignore),
        T(test_rsp_hold_ignores_early_cancel, sp_rsp_hold_ignore),
        T(test_burst_per_measurement, sp_burst),
        T(test_drop_response, sp_drop),
        T(test_failure_mode, sp_failure),
        T(test_close, sp_close),
        T(test_script_rule, sp_script),
        T(test_tpm12_rule, sp_tpm12),
        T(test_tpm12_hold_cancel, sp_tpm12_hold),
        T(test_rsp_error, sp_rsp_error),
        T(test_rsp_applied_then_error, sp_rsp_applied),
        T(test_rsp_delay, sp_rsp_delay),
        T(test_rsp_delay_cancel, sp_rsp_delay),
        T(test_rsp_delay_shutdown, sp_rsp_delay),
        T(test_rsp_hold_cancel, sp_rsp_hold),
        T(test_rsp_hold_cancel_early, sp_rsp_hold),
        T(test_rsp_hold_limit, sp_rsp_hold_limit),
        T(test_rsp_hold_shutdown, sp_rsp_hold),
        T(test_rsp_hold_shutdown_early, sp_rsp_hold),
        T(test_rsp_cancel, sp_rsp_cancel),
        T(test_rsp_drop, sp_rsp_drop),
        T(test_rsp_failure_mode, sp_rsp_failure),
        T(test_rsp_close, sp_rsp_close),
        T(test_rsp_script_rule, sp_rsp_script),
    };
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
