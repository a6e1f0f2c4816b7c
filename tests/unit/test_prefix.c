/* shim/prefix.c: a restored run's rules count the snapshot's boot as a
 * fresh boot's rules would have, and a rule that would fire during that
 * boot is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "faults/scenario.h"
#include "faults/prefix.h"

#define CC_EXTEND 0x182u

/* A boot as the shim traces it: the probe, a firmware extend, Startup,
 * boot_aggregate (IMA extend 1). */
static const char boot[] =
    "{\"ord\":1,\"t\":0.1,\"dir\":\"cmd\",\"cc\":\"0x00000181\",\"name\":\"ReadClock\",\"forwarded\":true,\"fate\":\"relayed\"}\n"
    "{\"ord\":1,\"t\":0.11,\"dir\":\"rsp\",\"cc\":\"0x00000181\",\"name\":\"ReadClock\",\"rc\":\"0x00000000\",\"tpm_rc\":\"0x00000000\",\"fate\":\"relayed\"}\n"
    "{\"t\":0.2,\"event\":\"ctrl\",\"cmd\":\"CMD_INIT\",\"code\":2,\"result\":0,\"fate\":\"relayed\"}\n"
    "{\"ord\":2,\"t\":0.3,\"dir\":\"cmd\",\"cc\":\"0x00000144\",\"name\":\"Startup\",\"forwarded\":true,\"fate\":\"relayed\"}\n"
    "{\"ord\":2,\"t\":0.31,\"dir\":\"rsp\",\"cc\":\"0x00000144\",\"name\":\"Startup\",\"rc\":\"0x00000000\",\"fate\":\"relayed\"}\n"
    "{\"ord\":3,\"t\":0.4,\"dir\":\"cmd\",\"cc\":\"0x00000182\",\"name\":\"PCR_Extend\",\"forwarded\":true,\"fate\":\"relayed\",\"pcr\":0}\n"
    "{\"ord\":3,\"t\":0.41,\"dir\":\"rsp\",\"cc\":\"0x00000182\",\"name\":\"PCR_Extend\",\"rc\":\"0x00000000\",\"fate\":\"relayed\"}\n"
    "{\"ord\":4,\"t\":1.5,\"dir\":\"cmd\",\"cc\":\"0x00000182\",\"name\":\"PCR_Extend\",\"forwarded\":true,\"fate\":\"relayed\",\"pcr\":10}\n"
    "{\"ord\":4,\"t\":1.51,\"dir\":\"rsp\",\"cc\":\"0x00000182\",\"name\":\"PCR_Extend\",\"rc\":\"0x00000000\",\"fate\":\"relayed\"}\n";

static char path[64];

static void write_prefix(const char *text)
{
    strcpy(path, "/tmp/test_prefix.XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static struct fault_engine *rules(const char *text)
{
    static struct scenario s;
    char script[1024];
    char *err = NULL;
    snprintf(script, sizeof(script), "%s\n[expect]\nquote = valid\n", text);
    if (scenario_parse(script, "prefix.scn", &s, &err) < 0)
        fail_msg("script rejected: %s", err);
    fault_engine_start(&s.faults, 7);
    return &s.faults;
}

static bool fires_on_next_extend(struct fault_engine *e, uint64_t ord)
{
    struct fault_frame f = { .cc = CC_EXTEND, .pcr = 10, .ordinal = ord };
    struct fault_decision d;
    fault_decide(e, &f, &d);
    return d.action != FA_NONE;
}

/* IMA extend k = 2 is the first frame after the prefix: after the replay
 * the rule fires on it, as on a fresh boot; without the replay it would
 * wait for one more. */
static void test_counts_continue(void **state)
{
    (void)state;
    const char *r = "[fault]\nname = second\ncommand = PCR_Extend\npcr = 10\n"
                    "nth = 2\naction = error\nrc = TPM_RC_FAILURE\n";
    struct prefix_state st;
    char *err = NULL;
    write_prefix(boot);
    struct fault_engine *e = rules(r);
    assert_int_equal(prefix_replay(e, path, NULL, &st, &err), 0);
    assert_null(err);
    assert_int_equal(st.frames, 4);
    assert_int_equal(st.last_ord, 4);
    assert_true(st.last_t > 1.5 && st.last_t < 1.52);
    assert_true(fires_on_next_extend(e, 5));
    e = rules(r);
    assert_false(fires_on_next_extend(e, 1));
    unlink(path);
}

/* A rule on boot_aggregate (k = 1), on Startup or on a firmware extend
 * fires during the boot: refused, naming the rule and the frame. */
static void test_boot_fault_refused(void **state)
{
    (void)state;
    static const char *const boot_rules[] = {
        "[fault]\nname = agg\ncommand = PCR_Extend\npcr = 10\nnth = 1\naction = error\nrc = TPM_RC_FAILURE\n",
        "[fault]\nname = agg\ncommand = Startup\nnth = 1\naction = error\nrc = TPM_RC_FAILURE\n",
        "[fault]\nname = agg\ncommand = PCR_Extend\npcr = 0\nnth = 1\naction = delay\ndelay_ms = 500\n",
    };
    static const char *const frame[] = { "frame 4 (PCR_Extend)", "frame 2 (Startup)",
                                         "frame 3 (PCR_Extend)" };
    write_prefix(boot);
    for (size_t i = 0; i < 3; i++) {
        struct prefix_state st;
        char *err = NULL;
        assert_int_equal(prefix_replay(rules(boot_rules[i]), path, NULL, &st, &err), -1);
        assert_non_null(err);
        assert_non_null(strstr(err, "'agg'"));
        assert_non_null(strstr(err, frame[i]));
        free(err);
    }
    unlink(path);
}

/* The lines are copied as they are; a fault in the prefix or a line that
 * is not JSON is an error naming path:line. */
static void test_copy_and_bad_lines(void **state)
{
    (void)state;
    struct prefix_state st;
    char *err = NULL, *copied = NULL;
    size_t len;
    write_prefix(boot);
    FILE *out = open_memstream(&copied, &len);
    assert_int_equal(prefix_replay(rules(""), path, out, &st, &err), 0);
    fclose(out);
    assert_string_equal(copied, boot);
    free(copied);
    unlink(path);

    write_prefix("{\"ord\":1,\"t\":0.1,\"dir\":\"cmd\",\"cc\":\"0x00000144\",\"name\":\"Startup\","
                 "\"fault\":{\"rule\":\"x\",\"action\":\"error\"}}\n");
    assert_int_equal(prefix_replay(rules(""), path, NULL, &st, &err), -1);
    assert_non_null(strstr(err, ":1: a fault fired"));
    free(err);
    err = NULL;
    unlink(path);

    write_prefix("{\"ord\":1,\"t\":0.1,\"dir\":\"rsp\"}\n{\"ord\":\n");
    assert_int_equal(prefix_replay(rules(""), path, NULL, &st, &err), -1);
    assert_non_null(strstr(err, ":2: "));
    free(err);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_continue),
        cmocka_unit_test(test_boot_fault_refused),
        cmocka_unit_test(test_copy_and_bad_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
