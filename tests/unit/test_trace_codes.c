/* The trace reader decides what a line is from its codes, never from the
 * names beside them: a command by its "cc" in the run's TPM family, a
 * control message by its tpm_ioctl.h "code".  And trace/format.h's name
 * tables read back what they write. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace/format.h"
#include "verify/replay_trace.h"
#include "verify/trace.h"

#define SHA1_ZERO "\"sha1\":\"0000000000000000000000000000000000000000\""

/* Load text as a trace; returns trace_load's result, *err its message. */
static int load(const char *text, struct trace *t, char **err)
{
    char path[] = "/tmp/tpmfault-trace-codes.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    int rc = trace_load(path, t, err);
    unlink(path);
    return rc;
}

static void load_ok(const char *text, struct trace *t)
{
    char *err = NULL;
    if (load(text, t, &err) < 0)
        fail_msg("%s", err);
}

/* A PCR 10 command of code cc under a name that says otherwise. */
#define CMD(ord, cc, name) \
    "{\"ord\":" #ord ",\"t\":0.1,\"dir\":\"cmd\",\"cc\":\"" cc "\"," \
    "\"name\":\"" name "\",\"forwarded\":true,\"fate\":\"relayed\"," \
    "\"pcr\":10,\"digests\":{" SHA1_ZERO "}}\n"
#define RSP(ord, cc) \
    "{\"ord\":" #ord ",\"t\":0.2,\"dir\":\"rsp\",\"cc\":\"" cc "\"," \
    "\"name\":\"x\",\"rc\":\"0x00000000\",\"tpm_rc\":\"0x00000000\"," \
    "\"fate\":\"relayed\"}\n"
#define FAMILY(tpm) \
    "{\"t\":0.0,\"event\":\"faults\",\"tpm\":\"" tpm "\",\"seed\":\"1\"," \
    "\"rules\":[]}\n"

static void test_extend_by_code(void **state)
{
    (void)state;
    struct trace t;
    load_ok(CMD(1, "0x00000182", "renamed") RSP(1, "0x00000182")
            CMD(2, "0x0000017e", "PCR_Extend") RSP(2, "0x0000017e"), &t);
    assert_int_equal(t.n_cmds, 2);
    assert_int_equal(t.n_ext, 1);
    assert_int_equal(trace_ext(&t, 0)->ord, 1);
    assert_true(trace_cmd_is_extend(&t, &t.cmds[0]));
    assert_false(trace_cmd_is_extend(&t, &t.cmds[1]));
    assert_int_equal(t.cmds[1].bank_mask, 0);
    assert_int_equal(trace_applied_count(&t), 1);
    trace_free(&t);
}

/* 0x14 is TPM_ORD_Extend in a 1.2 run and no extend in a 2.0 one; a 2.0
 * PCR_Extend's code means nothing to a 1.2 run. */
static void test_extend_by_family(void **state)
{
    (void)state;
    struct trace t;
    load_ok(FAMILY("1.2") CMD(1, "0x00000014", "PCR_Extend")
            CMD(2, "0x00000182", "PCR_Extend"), &t);
    assert_true(t.tpm12);
    assert_int_equal(trace_family(&t), TPM_FAMILY_12);
    assert_int_equal(t.n_ext, 1);
    assert_int_equal(trace_ext(&t, 0)->ord, 1);
    trace_free(&t);
    load_ok(FAMILY("2.0") CMD(1, "0x00000014", "TPM_ORD_Extend"), &t);
    assert_false(t.tpm12);
    assert_int_equal(t.n_ext, 0);
    trace_free(&t);
}

static void test_quote_by_code(void **state)
{
    (void)state;
    struct trace t;
    load_ok(CMD(3, "0x0000017e", "Quote") RSP(3, "0x0000017e")
            CMD(4, "0x00000158", "renamed") RSP(4, "0x00000158"), &t);
    struct trace_scan s;
    trace_scan(&t, &s);
    assert_true(s.have_quote);
    assert_int_equal(s.quote_ord, 4);
    trace_free(&t);
    load_ok(FAMILY("1.2") CMD(5, "0x0000003e", "x") RSP(5, "0x0000003e"), &t);
    trace_scan(&t, &s);
    assert_true(s.have_quote);
    assert_int_equal(s.quote_ord, 5);
    trace_free(&t);
}

/* QEMU's cancels are CMD_CANCEL_TPM_CMD (9) by code, whatever "cmd" says. */
static void test_cancel_by_code(void **state)
{
    (void)state;
    struct trace t;
    load_ok("{\"t\":1.5,\"event\":\"ctrl\",\"cmd\":\"renamed\",\"code\":9}\n"
            "{\"t\":1.6,\"event\":\"ctrl\",\"cmd\":\"CMD_CANCEL_TPM_CMD\","
            "\"code\":3}\n"
            "{\"t\":1.7,\"event\":\"ctrl\",\"cmd\":\"CMD_CANCEL_TPM_CMD\"}\n",
            &t);
    assert_int_equal(t.n_ctrls, 3);
    assert_int_equal(t.ctrls[0].code, 9);
    assert_int_equal(t.ctrls[1].code, 3);
    assert_int_equal(t.ctrls[2].code, 0);   /* no code: no command */
    assert_int_equal(t.n_cancels, 1);
    assert_true(t.cancel_t[0] > 1.49 && t.cancel_t[0] < 1.51);
    trace_free(&t);
}

/* A code that is no 32-bit number is an error naming line and key; a
 * command without one is no extend. */
static void test_bad_cc(void **state)
{
    (void)state;
    struct trace t;
    char *err = NULL;
    assert_int_equal(load("{\"t\":0.0,\"event\":\"connected\"}\n"
                          CMD(1, "0x100000182", "PCR_Extend"), &t, &err), -1);
    assert_non_null(err);
    if (!strstr(err, ":2: cc: '0x100000182' is not a 32-bit command code"))
        fail_msg("%s", err);
    free(err);
    load_ok("{\"ord\":1,\"dir\":\"cmd\",\"name\":\"PCR_Extend\",\"pcr\":10,"
            "\"digests\":{" SHA1_ZERO "}}\n", &t);
    assert_int_equal(t.cmds[0].cc, TRACE_CC_NONE);
    assert_int_equal(t.n_ext, 0);
    trace_free(&t);
}

/* One table, two directions: each value's name reads back as that value,
 * and no two values share a name. */
static void test_format_tables(void **state)
{
    (void)state;
    for (int i = 0; i < TRACE_FATES; i++)
        assert_int_equal(trace_fate_of(trace_fate_name(i)), i);
    for (int i = 0; i < TRACE_EVENTS; i++)
        assert_int_equal(trace_event_of(trace_event_name(i)), i);
    for (int i = 0; i < TRACE_WHYS; i++)
        assert_int_equal(trace_why_of(trace_why_name(i)), i);
    for (int i = 0; i < TRACE_DIRS; i++)
        assert_int_equal(trace_dir_of(trace_dir_name(i)), i);
    assert_int_equal(trace_family_of(trace_family_name(TPM_FAMILY_12)),
                     TPM_FAMILY_12);
    assert_int_equal(trace_family_of(trace_family_name(TPM_FAMILY_20)),
                     TPM_FAMILY_20);
    assert_int_equal(trace_family_of(NULL), TPM_FAMILY_20);
    assert_int_equal(trace_fate_of("Relayed"), -1);
    assert_int_equal(trace_fate_of(NULL), -1);
    assert_int_equal(trace_event_of("unknown"), -1);
    assert_string_equal(trace_fate_name(TRACE_FATES), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extend_by_code),
        cmocka_unit_test(test_extend_by_family),
        cmocka_unit_test(test_quote_by_code),
        cmocka_unit_test(test_cancel_by_code),
        cmocka_unit_test(test_bad_cc),
        cmocka_unit_test(test_format_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
