/* Unit tests of the scenario script parser (faults/scenario.c, faults/kv.c):
 * the baseline script and the defaults, every typed value at its limits,
 * and each malformed input rejected with "file:line:" and a message that
 * names the problem. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner/fsutil.h"
#include "faults/scenario.h"
#include "verify/boot_aggregate.h"
#include "tpm/alg.h"

#define SHA1 (1u << BANK_SHA1)
#define SHA256 (1u << BANK_SHA256)
#define SHA384 (1u << BANK_SHA384)
#define SHA512 (1u << BANK_SHA512)

/* --- helpers -------------------------------------------------------------- */

static void assert_contains(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("expected \"%s\" in \"%s\"", needle, hay ? hay : "(null)");
}

static void assert_starts(const char *s, const char *prefix)
{
    if (!s || strncmp(s, prefix, strlen(prefix)) != 0)
        fail_msg("expected \"%s\" to start with \"%s\"", s ? s : "(null)",
                 prefix);
}

/* Parse text as "t.scn"; it must fail with a message that starts with
 * prefix (the location) and contains every further string (NULL ends). */
static void expect_reject(const char *text, const char *prefix, ...)
{
    struct scenario s;
    char *err = NULL;
    int rc = scenario_parse(text, "t.scn", &s, &err);
    if (rc != -1)
        fail_msg("accepted: \"%s\"", text);
    assert_non_null(err);
    assert_starts(err, prefix);
    va_list ap;
    va_start(ap, prefix);
    for (const char *want; (want = va_arg(ap, const char *));)
        assert_contains(err, want);
    va_end(ap);
    free(err);
}

static void parse_ok(const char *text, const char *path, struct scenario *s)
{
    char *err = NULL;
    int rc = scenario_parse(text, path, s, &err);
    if (rc != 0)
        fail_msg("rejected: %s", err ? err : "(no message)");
    assert_null(err);
}

struct tmp {
    char dir[64];
};

static int setup_tmp(void **state)
{
    struct tmp *t = calloc(1, sizeof(*t));
    if (!t)
        return -1;
    if (private_dir_create("test_scenario", t->dir, sizeof(t->dir), NULL) < 0) {
        free(t);
        return -1;
    }
    *state = t;
    return 0;
}

static int teardown_tmp(void **state)
{
    struct tmp *t = *state;
    int rc = tree_remove(t->dir);
    free(t);
    return rc;
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* A minimal valid script: one expectation. */
#define MIN_EXPECT "[expect]\nquote = valid\n"

/* --- valid scripts -------------------------------------------------------- */

static const char *baseline_path(void)
{
    static char path[4096];
    const char *root = getenv("TPMFAULT_ROOT");
    snprintf(path, sizeof(path), "%s%sscenarios/baseline.scn",
             root ? root : "", root ? "/" : "");
    return path;
}

static void test_baseline_file(void **state)
{
    (void)state;
    struct scenario s;
    char *err = NULL;
    const char *path = baseline_path();
    if (access(path, R_OK) != 0)
        fail_msg("%s: not readable (run from the repository root or set "
                 "TPMFAULT_ROOT)", path);
    int rc = scenario_load(path, &s, &err);
    if (rc != 0)
        fail_msg("baseline rejected: %s", err);
    assert_null(err);
    assert_string_equal(s.path, path);
    assert_string_equal(s.name, "baseline");
    assert_string_equal(s.description, "No faults: list complete, replay "
                        "equals the quote and the TPM in every bank");
    /* Stated values. */
    assert_int_equal(s.run.files, 3);
    assert_int_equal(s.run.banks, SHA1 | SHA256);
    assert_int_equal(s.run.tpm, SCN_TPM_PRESENT);
    assert_int_equal(s.run.deadline_s, 120);
    /* Not stated: defaults. */
    assert_int_equal(s.run.pause_ms, 0);
    assert_string_equal(s.run.kernel, "");
    assert_false(s.run.seed_set);
    assert_int_equal(s.run.seed, 0);
    /* Every expectation, each with its value. */
    assert_int_equal(s.expect.list_complete, SCN_YES);
    assert_int_equal(s.expect.trace_in_list, SCN_YES);
    assert_int_equal(s.expect.replay_vs_tpm, SCN_CMP_EQUAL);
    assert_int_equal(s.expect.replay_vs_quote, SCN_CMP_EQUAL);
    assert_int_equal(s.expect.quote, SCN_QUOTE_VALID);
    assert_int_equal(s.expect.bypass, SCN_OFF);
    assert_int_equal(s.expect.guest_alive, SCN_YES);
    assert_int_equal(s.expect.explained, SCN_YES);
    assert_string_equal(s.expect.not_in_pcr, "none");
    assert_true(s.expect.kernel_errors_set);
    assert_int_equal(s.expect.kernel_errors, 0);
    assert_string_equal(s.expect.kernel_errors_for, "none");
    assert_int_equal(s.expect.boot_aggregate, BA_FIRMWARE);
    assert_int_equal(scenario_expectation_count(&s), 12);
}

static void test_defaults_and_name(void **state)
{
    (void)state;
    struct scenario s;
    parse_ok(MIN_EXPECT, "some/dir/thing.scn", &s);
    assert_string_equal(s.name, "thing");
    assert_string_equal(s.path, "some/dir/thing.scn");
    assert_string_equal(s.description, "");
    assert_int_equal(s.run.files, 3);
    assert_int_equal(s.run.pause_ms, 0);
    assert_int_equal(s.run.deadline_s, 120);
    assert_int_equal(s.run.banks, SHA1 | SHA256);
    assert_int_equal(s.run.tpm, SCN_TPM_PRESENT);
    assert_string_equal(s.run.kernel, "");
    assert_false(s.run.seed_set);
    assert_int_equal(scenario_expectation_count(&s), 1);
    assert_int_equal(s.expect.quote, SCN_QUOTE_VALID);
    assert_int_equal(s.expect.list_complete, SCN_UNSET);
    assert_int_equal(s.expect.bypass, SCN_ONOFF_UNSET);

    /* Only a ".scn" suffix is dropped from the name. */
    parse_ok(MIN_EXPECT, "plain", &s);
    assert_string_equal(s.name, "plain");
    parse_ok(MIN_EXPECT, "/x/notes.txt", &s);
    assert_string_equal(s.name, "notes.txt");
}

static void test_values_at_limits(void **state)
{
    (void)state;
    struct scenario s;
    parse_ok("[scenario]\n"
             "description =   spaces around are trimmed   \n"
             "[run]\n"
             "files = 10000\n"
             "pause_ms = 60000\n"
             "deadline = 5\n"
             "banks =  sha512 , sha1,sha384\n"
             "tpm = absent\n"
             "kernel = /boot/vmlinuz-6.12\n"
             "seed = 18446744073709551615\n"
             "[expect]\n"
             "quote = refused\n"
             "bypass = on\n"
             "replay-vs-tpm = differ\n"
             "replay-vs-quote = differ\n"
             "list-complete = no\n"
             "trace-in-list = no\n"
             "guest-alive = no\n",
             "limits.scn", &s);
    assert_string_equal(s.description, "spaces around are trimmed");
    assert_int_equal(s.run.files, 10000);
    assert_int_equal(s.run.pause_ms, 60000);
    assert_int_equal(s.run.deadline_s, 5);
    assert_int_equal(s.run.banks, SHA1 | SHA384 | SHA512);
    assert_int_equal(s.run.tpm, SCN_TPM_ABSENT);
    assert_string_equal(s.run.kernel, "/boot/vmlinuz-6.12");
    assert_true(s.run.seed_set);
    assert_true(s.run.seed == UINT64_MAX);
    assert_int_equal(s.expect.quote, SCN_QUOTE_REFUSED);
    assert_int_equal(s.expect.bypass, SCN_ON);
    assert_int_equal(s.expect.replay_vs_tpm, SCN_CMP_DIFFER);
    assert_int_equal(s.expect.replay_vs_quote, SCN_CMP_DIFFER);
    assert_int_equal(s.expect.list_complete, SCN_NO);
    assert_int_equal(s.expect.trace_in_list, SCN_NO);
    assert_int_equal(s.expect.guest_alive, SCN_NO);
    assert_int_equal(scenario_expectation_count(&s), 7);

    /* Lower limits; a zero seed is still "set". */
    parse_ok("[run]\nfiles = 0\npause_ms = 0\ndeadline = 3600\nseed = 0\n"
             MIN_EXPECT, "t.scn", &s);
    assert_int_equal(s.run.files, 0);
    assert_int_equal(s.run.deadline_s, 3600);
    assert_true(s.run.seed_set);
    assert_true(s.run.seed == 0);

    /* Seeds may be written in hex. */
    parse_ok("[run]\nseed = 0xdeadbeefcafe\n" MIN_EXPECT, "t.scn", &s);
    assert_true(s.run.seed == 0xdeadbeefcafeull);
}

static void test_comments_blank_lines_crlf(void **state)
{
    (void)state;
    struct scenario s;
    /* Comments (# and ;), blank and indented lines, CRLF line ends. */
    parse_ok("# comment\r\n"
             "; another\r\n"
             "\r\n"
             "   [run]   \r\n"
             "\tfiles=7\r\n"
             "    # indented comment\r\n"
             "[expect]\r\n"
             "guest-alive=yes\r\n",
             "t.scn", &s);
    assert_int_equal(s.run.files, 7);
    assert_int_equal(s.expect.guest_alive, SCN_YES);
    assert_int_equal(scenario_expectation_count(&s), 1);

    /* Line numbers count comment and blank lines: the bad key is line 9. */
    expect_reject("# header comment\n"
                  "\n"
                  "[run]\n"
                  "; files come next\n"
                  "files = 2\n"
                  "\n"
                  "\n"
                  "# and now a typo\n"
                  "flies = 2\n"
                  MIN_EXPECT,
                  "t.scn:9: ", "unknown key 'flies'", NULL);
    /* Same with CRLF ends. */
    expect_reject("#c\r\n\r\n[run]\r\nfiles = 2\r\nfiles = 3\r\n",
                  "t.scn:5: ", "'files' given twice", "first on line 4",
                  NULL);
    /* A comment character after a value is not a comment. */
    expect_reject("[run]\nfiles = 3 # three\n" MIN_EXPECT,
                  "t.scn:2: ", "files: '3 # three' is not a number", NULL);
}

/* --- malformed input ------------------------------------------------------ */

static void test_unknown_section(void **state)
{
    (void)state;
    expect_reject("[scenario]\ndescription = x\n[bogus]\n" MIN_EXPECT,
                  "t.scn:3: ", "unknown section [bogus]",
                  "[scenario]", "[run]", "[expect]", NULL);
    expect_reject("[]\n", "t.scn:1: ", "unknown section []", NULL);
    /* Section names are case-sensitive. */
    expect_reject("[RUN]\n", "t.scn:1: ", "unknown section [RUN]", NULL);
}

static void test_unknown_key_lists_known(void **state)
{
    (void)state;
    /* The message lists the section's keys; every documented one must be
     * there (tables may grow, so no exact list for [expect]). */
    expect_reject("[run]\nfiles = 1\ncolour = red\n" MIN_EXPECT,
                  "t.scn:3: ", "unknown key 'colour' in [run] (known: files, ",
                  "pause_ms", "deadline", "banks", "tpm", "kernel", "seed",
                  NULL);
    expect_reject("[expect]\nquote = valid\nquotes = valid\n",
                  "t.scn:3: ", "unknown key 'quotes' in [expect] (known: ",
                  "list-complete, ", "trace-in-list, ", "replay-vs-tpm, ",
                  "replay-vs-quote, ", "quote, ", "bypass, ", "guest-alive",
                  NULL);
    expect_reject("[scenario]\nname = x\n", "t.scn:2: ",
                  "unknown key 'name' in [scenario] (known: description)",
                  NULL);
    /* A key valid in another section is unknown here. */
    expect_reject("[expect]\nfiles = 3\n", "t.scn:2: ",
                  "unknown key 'files' in [expect]", NULL);
}

static void test_bad_enum(void **state)
{
    (void)state;
    expect_reject("[expect]\nquote = maybe\n", "t.scn:2: ",
                  "quote: 'maybe' is not one of valid|refused", NULL);
    expect_reject("[run]\ntpm = yes\n" MIN_EXPECT, "t.scn:2: ",
                  "tpm: 'yes' is not one of present|absent", NULL);
    expect_reject("[expect]\nbypass = On\n", "t.scn:2: ",
                  "bypass: 'On' is not one of on|off", NULL);
    expect_reject("[expect]\nreplay-vs-tpm =\n", "t.scn:2: ",
                  "replay-vs-tpm: '' is not one of equal|differ", NULL);
}

static void test_number_out_of_range(void **state)
{
    (void)state;
    expect_reject("[run]\ndeadline = 4\n" MIN_EXPECT, "t.scn:2: ",
                  "deadline: 4 is out of range 5..3600", NULL);
    expect_reject("[run]\ndeadline = 3601\n" MIN_EXPECT, "t.scn:2: ",
                  "deadline: 3601 is out of range 5..3600", NULL);
    expect_reject("[run]\nfiles = 10001\n" MIN_EXPECT, "t.scn:2: ",
                  "files: 10001 is out of range 0..10000", NULL);
    expect_reject("[run]\npause_ms = 60001\n" MIN_EXPECT, "t.scn:2: ",
                  "pause_ms: 60001 is out of range 0..60000", NULL);
    /* Past unsigned int: must not wrap into range. */
    expect_reject("[run]\nfiles = 4294967296\n" MIN_EXPECT, "t.scn:2: ",
                  "files: 4294967296 is out of range", NULL);
}

static void test_not_a_number(void **state)
{
    (void)state;
    static const char *const bad[] = { "three", "-1", "+3", "3x", "", "1.5",
                                       "3 4" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char text[128], msg[64];
        snprintf(text, sizeof(text), "[run]\nfiles = %s\n" MIN_EXPECT, bad[i]);
        snprintf(msg, sizeof(msg), "files: '%s' is not a number", bad[i]);
        expect_reject(text, "t.scn:2: ", msg, NULL);
    }
    /* A seed past 2^64-1 does not wrap. */
    expect_reject("[run]\nseed = 18446744073709551616\n" MIN_EXPECT,
                  "t.scn:2: ", "seed: '18446744073709551616' is not a number",
                  NULL);
    expect_reject("[run]\nseed = -1\n" MIN_EXPECT, "t.scn:2: ",
                  "seed: '-1' is not a number", NULL);
}

static void test_key_twice(void **state)
{
    (void)state;
    expect_reject("[run]\nfiles = 1\n\nfiles = 2\n" MIN_EXPECT,
                  "t.scn:4: ", "'files' given twice in [run]",
                  "(first on line 2)", NULL);
    /* Comment and blank lines between the two do not hide the repeat. */
    expect_reject("[expect]\nquote = valid\n# again:\n\n; really\n"
                  "quote = refused\n",
                  "t.scn:6: ", "'quote' given twice in [expect]",
                  "(first on line 2)", NULL);
    /* A section cannot be opened twice either. */
    expect_reject("[run]\nfiles = 1\n" MIN_EXPECT "[run]\nfiles = 2\n",
                  "t.scn:5: ", "[run] given twice (first on line 1)", NULL);
}

static void test_key_outside_section(void **state)
{
    (void)state;
    expect_reject("files = 3\n", "t.scn:1: ", "key outside a section", NULL);
    expect_reject("# c\n\n  quote = valid\n" MIN_EXPECT, "t.scn:3: ",
                  "key outside a section", NULL);
}

static void test_malformed_header(void **state)
{
    (void)state;
    expect_reject("[run\nfiles = 1\n", "t.scn:1: ",
                  "malformed section header '[run'", NULL);
    expect_reject(MIN_EXPECT "[run] files = 3\n", "t.scn:3: ",
                  "malformed section header '[run] files = 3'", NULL);
}

static void test_line_without_equals(void **state)
{
    (void)state;
    expect_reject("[run]\nfiles 3\n" MIN_EXPECT, "t.scn:2: ",
                  "expected 'key = value', got 'files 3'", NULL);
    expect_reject(MIN_EXPECT "\n\nbypass\n", "t.scn:5: ",
                  "expected 'key = value', got 'bypass'", NULL);
}

static void test_no_expectations(void **state)
{
    (void)state;
    /* A whole-file check: "path: ", no line number. */
    expect_reject("[scenario]\ndescription = asserts nothing\n[run]\n"
                  "files = 3\n[expect]\n",
                  "t.scn: no expectations", "at least one in [expect]", NULL);
    expect_reject("", "t.scn: no expectations", NULL);
    expect_reject("\n\n# only comments\n", "t.scn: no expectations", NULL);
}

static void test_contradiction(void **state)
{
    (void)state;
    expect_reject("[run]\ntpm = absent\n[expect]\nquote = valid\n",
                  "t.scn: contradiction", "tpm = absent", "quote = valid",
                  NULL);
    expect_reject("[run]\ntpm = absent\n[expect]\nbypass = off\n",
                  "t.scn: contradiction", "bypass = off", NULL);
    /* Consistent combinations pass. */
    struct scenario s;
    parse_ok("[run]\ntpm = absent\n[expect]\nquote = refused\nbypass = on\n",
             "t.scn", &s);
    assert_int_equal(s.run.tpm, SCN_TPM_ABSENT);
    parse_ok("[run]\ntpm = present\n[expect]\nquote = valid\nbypass = off\n",
             "t.scn", &s);
    assert_int_equal(s.run.tpm, SCN_TPM_PRESENT);
}

/* --- TPM 1.2 ------------------------------------------------------------- */

#define TPM12_EXTEND "[fault]\nname = r\ncommand = TPM_ORD_Extend\npcr = 10\n"

static void test_tpm12(void **state)
{
    (void)state;
    struct scenario s;
    char *warn = NULL;
    parse_ok("[run]\ntpm = 1.2\n" TPM12_EXTEND "action = error\nrc = TPM_FAIL\n"
             "[expect]\nquote = refused\n", "t.scn", &s);
    assert_int_equal(s.run.tpm, SCN_TPM_12);
    assert_int_equal(s.run.banks, 1u << BANK_SHA1);   /* one bank by default */
    assert_int_equal(s.faults.rules[0].cc, 0x14);
    assert_int_equal(s.faults.rules[0].rc, 9);
    assert_int_equal(s.faults.rules[0].cc_names, FN_TPM12);
    assert_int_equal(s.run.tpm12_duration_ms, 0);
    assert_int_equal(scenario_rule_warning(&s, 0, &warn), 0);
    assert_null(warn);
    /* the spec's command name, a response code only 1.2 has */
    parse_ok("[run]\ntpm = 1.2\nbanks = sha1\n[fault]\ncommand = TPM_PcrRead\n"
             "action = error\nrc = TPM_RETRY\n[expect]\nquote = refused\n",
             "t.scn", &s);
    assert_int_equal(s.faults.rules[0].cc, 0x15);
    assert_int_equal(s.faults.rules[0].rc, 0x800);
    /* a bare number is matched as it is: a warning at check when it is no
     * ordinal of the run's TPM, none when it is */
    parse_ok("[run]\ntpm = 1.2\n[fault]\ncommand = 0x182\naction = error\n"
             "rc = 9\n[expect]\nquote = refused\n", "t.scn", &s);
    assert_int_equal(scenario_rule_warning(&s, 0, &warn), 1);
    assert_starts(warn, "t.scn:4: warning: fault fault1: command 0x182 is no "
                  "TPM 1.2 command");
    free(warn);
    warn = NULL;
    parse_ok("[run]\ntpm = 1.2\n[fault]\ncommand = 0x14\naction = error\n"
             "rc = 9\n[expect]\nquote = refused\n", "t.scn", &s);
    assert_int_equal(scenario_rule_warning(&s, 0, &warn), 0);
    assert_null(warn);
    parse_ok("[fault]\ncommand = 0x14\naction = error\nrc = 0x101\n"
             "[expect]\nquote = valid\n", "t.scn", &s);
    assert_int_equal(scenario_rule_warning(&s, 0, &warn), 1);
    assert_contains(warn, "no TPM 2.0 command");
    free(warn);
}

static void test_tpm12_rejects(void **state)
{
    (void)state;
    /* a 2.0 command or code on a 1.2 run, and the reverse, name the line
     * of the key, wherever [run] is */
    expect_reject("[run]\ntpm = 1.2\n[fault]\ncommand = PCR_Extend\n"
                  "action = error\nrc = 9\n[expect]\nquote = refused\n",
                  "t.scn:4: fault fault1: command names a TPM 2.0 command, "
                  "but [run] tpm = 1.2", NULL);
    expect_reject("[fault]\ncommand = PCR_Extend\naction = error\nrc = 9\n"
                  "[run]\ntpm = 1.2\n[expect]\nquote = refused\n",
                  "t.scn:2: fault fault1: command names a TPM 2.0 command",
                  NULL);
    expect_reject("[run]\ntpm = 1.2\n" TPM12_EXTEND "action = error\n"
                  "rc = TPM_RC_FAILURE\n[expect]\nquote = refused\n",
                  "t.scn:8: fault r: rc names a TPM 2.0 response code", NULL);
    /* TPM 1.2 has no TPM_RC_CANCELED for action = cancel to answer */
    expect_reject("[run]\ntpm = 1.2\n" TPM12_EXTEND "action = cancel\n"
                  "[expect]\nquote = refused\n",
                  "t.scn:7: fault r: action = cancel answers TPM_RC_CANCELED",
                  "action = timeout", NULL);
    expect_reject(TPM12_EXTEND "action = error\nrc = 9\n[expect]\n"
                  "quote = valid\n",
                  "t.scn:3: fault r: command names a TPM 1.2 command, but "
                  "[run] tpm = present (TPM 2.0)", NULL);
    expect_reject("[fault]\ncommand = PCR_Extend\naction = error\n"
                  "rc = TPM_FAIL\n[expect]\nquote = valid\n",
                  "t.scn:4: fault fault1: rc names a TPM 1.2 response code",
                  NULL);
    expect_reject("[run]\ntpm = 1.2\nbanks = sha1,sha256\n[expect]\n"
                  "quote = refused\n",
                  "t.scn:3: banks: a TPM 1.2 (tpm = 1.2) has one bank, sha1",
                  NULL);
    expect_reject("[run]\ntpm12_duration_ms = 1000\n[expect]\nquote = valid\n",
                  "t.scn:2: tpm12_duration_ms: only for tpm = 1.2", NULL);
    expect_reject("[run]\ntpm = 1.2\ntpm12_duration_ms = 5\n[expect]\n"
                  "quote = refused\n", "t.scn:3: tpm12_duration_ms", NULL);
    expect_reject("[fault]\ncommand = TPM_ORD_Nonsense\naction = error\n"
                  "rc = 9\n[expect]\nquote = valid\n",
                  "t.scn:2: command: unknown TPM command 'TPM_ORD_Nonsense'",
                  "TPM_ORD_Extend", NULL);
}

/* --- the [fault] direction key -------------------------------------------- */

#define EXTEND10 "[fault]\nname = r\ncommand = PCR_Extend\npcr = 10\n"

static void test_fault_direction(void **state)
{
    (void)state;
    struct scenario s;
    /* Not given: the command (today's behaviour). */
    parse_ok(EXTEND10 "action = cancel\n" MIN_EXPECT, "t.scn", &s);
    assert_int_equal(s.faults.n, 1);
    assert_int_equal(s.faults.rules[0].direction, FD_UNSET);
    parse_ok(EXTEND10 "direction = command\naction = cancel\n" MIN_EXPECT,
             "t.scn", &s);
    assert_int_equal(s.faults.rules[0].direction, FD_COMMAND);
    parse_ok(EXTEND10 "direction = response\naction = timeout\n"
             "delay_ms = 500\n" MIN_EXPECT, "t.scn", &s);
    assert_int_equal(s.faults.rules[0].direction, FD_RESPONSE);
    assert_int_equal(s.faults.rules[0].delay_ms, 500);
    /* applied = yes is what direction = response implies: allowed. */
    parse_ok(EXTEND10 "direction = response\naction = timeout\n"
             "applied = yes\n" MIN_EXPECT, "t.scn", &s);
    assert_true(s.faults.rules[0].applied_late);
    /* Every action takes a direction. */
    static const char *const actions[] = {
        "action = error\nrc = TPM_RC_RETRY", "action = applied-then-error\n"
        "rc = 0x101", "action = delay\ndelay_ms = 10", "action = timeout",
        "action = cancel", "action = drop-response", "action = failure-mode",
        "action = close",
    };
    for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
        char text[256];
        snprintf(text, sizeof(text), EXTEND10 "direction = response\n%s\n"
                 MIN_EXPECT, actions[i]);
        parse_ok(text, "t.scn", &s);
        assert_int_equal(s.faults.rules[0].direction, FD_RESPONSE);
    }
}

static void test_fault_direction_rejects(void **state)
{
    (void)state;
    expect_reject(EXTEND10 "direction = both\naction = cancel\n" MIN_EXPECT,
                  "t.scn:5: ", "direction: 'both' is not one of "
                  "command|response", NULL);
    expect_reject(EXTEND10 "direction = Response\naction = cancel\n"
                  MIN_EXPECT, "t.scn:5: ", "direction: 'Response'", NULL);
    expect_reject(EXTEND10 "direction = response\ndirection = command\n"
                  "action = cancel\n" MIN_EXPECT, "t.scn:6: ",
                  "'direction' given twice in [fault]", NULL);
    /* The contradiction names the line of the key at fault. */
    expect_reject(MIN_EXPECT "\n" EXTEND10 "direction = response\n"
                  "action = timeout\napplied = no\n", "t.scn:10: ",
                  "fault r: contradiction: applied = no", "direction = response",
                  NULL);
    /* applied still belongs to timeout alone, whatever the direction. */
    expect_reject(EXTEND10 "direction = response\naction = delay\n"
                  "delay_ms = 5\napplied = yes\n" MIN_EXPECT, "t.scn:8: ",
                  "applied applies only to timeout", NULL);
    /* The unknown-key message lists it. */
    expect_reject(EXTEND10 "way = in\naction = cancel\n" MIN_EXPECT,
                  "t.scn:5: ",
                  "unknown key 'way' in [fault]", "direction", NULL);
}

/* A hold past the cancel: on_cancel and rc on a timeout, in the decision. */
static void test_fault_hold_past_cancel(void **state)
{
    (void)state;
    struct scenario s;
    struct fault_decision d;
    struct fault_frame ext10 = { .cc = 0x182, .pcr = 10, .ordinal = 1 };
    parse_ok(EXTEND10 "action = timeout\napplied = no\non_cancel = ignore\n"
             "delay_ms = 5000\nrc = TPM_RC_FAILURE\n" MIN_EXPECT, "t.scn", &s);
    assert_int_equal(s.faults.rules[0].on_cancel, FC_IGNORE);
    fault_engine_start(&s.faults, 1);
    fault_decide(&s.faults, &ext10, &d);
    assert_int_equal(d.action, FA_TIMEOUT);
    assert_true(d.ignore_cancel);
    assert_true(d.end_rc);
    assert_int_equal(d.rc, 0x101);
    assert_int_equal(d.delay_ms, 5000);
    assert_false(d.forwarded);
    /* Without them a timeout is what it was: the cancel ends it. */
    parse_ok(EXTEND10 "action = timeout\non_cancel = release\n" MIN_EXPECT,
             "t.scn", &s);
    fault_engine_start(&s.faults, 1);
    fault_decide(&s.faults, &ext10, &d);
    assert_false(d.ignore_cancel);
    assert_false(d.end_rc);
    expect_reject(EXTEND10 "action = timeout\non_cancel = ignore\n" MIN_EXPECT,
                  "t.scn:6: ", "on_cancel = ignore needs delay_ms", NULL);
    expect_reject(EXTEND10 "action = cancel\non_cancel = ignore\n" MIN_EXPECT,
                  "t.scn:6: ", "on_cancel applies only to timeout", NULL);
    expect_reject(EXTEND10 "action = timeout\non_cancel = never\n" MIN_EXPECT,
                  "t.scn:6: ", "on_cancel: 'never' is not one of "
                  "release|ignore", NULL);
    expect_reject(EXTEND10 "action = delay\ndelay_ms = 5\nrc = 0x101\n"
                  MIN_EXPECT, "t.scn:7: ", "rc applies only to error, "
                  "applied-then-error and timeout", NULL);
}

/* count, burst and offset, and what contradicts them. */
static void test_fault_measurement_keys(void **state)
{
    (void)state;
    struct scenario s;
    parse_ok(EXTEND10 "count = measurements\nevery = 2\noffset = 1\n"
             "burst = 2\naction = error\nrc = TPM2_RC_RETRY\n" MIN_EXPECT,
             "t.scn", &s);
    const struct fault_rule *r = &s.faults.rules[0];
    assert_int_equal(r->count, FK_MEASUREMENTS);
    assert_int_equal(r->every, 2);
    assert_int_equal(r->offset, 1);
    assert_int_equal(r->burst, 2);
    parse_ok(EXTEND10 "count = frames\nnth = 5\nevery = 3\noffset = 2\n"
             "action = cancel\n" MIN_EXPECT, "t.scn", &s);
    expect_reject(EXTEND10 "burst = 2\naction = cancel\n" MIN_EXPECT,
                  "t.scn:5: ", "burst counts the frames of a measurement: it "
                  "needs count = measurements", NULL);
    expect_reject(EXTEND10 "offset = 1\naction = cancel\n" MIN_EXPECT,
                  "t.scn:5: ", "offset is every's: give every =", NULL);
    expect_reject(EXTEND10 "every = 2\noffset = 2\naction = cancel\n"
                  MIN_EXPECT, "t.scn:6: ", "offset must be below every", NULL);
    expect_reject(EXTEND10 "every = 3\noffset = 1\nnth = 6\naction = cancel\n"
                  MIN_EXPECT, "t.scn:7: ", "nth is not a multiple of every "
                  "(plus offset)", NULL);
    expect_reject(EXTEND10 "count = measures\naction = cancel\n" MIN_EXPECT,
                  "t.scn:5: ", "count: 'measures' is not one of "
                  "frames|measurements", NULL);
}

/* The engine carries the direction into its decision; it changes neither
 * matching nor counting. */
static void test_fault_direction_decision(void **state)
{
    (void)state;
    struct scenario s;
    struct fault_decision d;
    struct fault_frame ext10 = { .cc = 0x182, .pcr = 10, .ordinal = 1 };
    struct fault_frame other = { .cc = 0x144, .pcr = FAULT_PCR_ANY };
    parse_ok("[fault]\nname = rsp\npcr = 10\nnth = 2\ndirection = response\n"
             "action = timeout\n"
             "[fault]\nname = cmd\npcr = 10\nnth = 3\naction = timeout\n"
             "[fault]\nname = cnt\npcr = 10\nnth = 2\ndirection = command\n"
             "action = cancel\n" MIN_EXPECT, "t.scn", &s);
    fault_engine_start(&s.faults, 1);
    fault_decide(&s.faults, &ext10, &d);          /* k = 1 everywhere */
    assert_int_equal(d.action, FA_NONE);
    assert_false(d.on_response);
    assert_true(d.forwarded);
    fault_decide(&s.faults, &other, &d);          /* matches no rule */
    assert_int_equal(d.rule, -1);
    fault_decide(&s.faults, &ext10, &d);          /* k = 2: rsp fires */
    assert_int_equal(d.rule, 0);
    assert_int_equal(d.action, FA_TIMEOUT);
    assert_true(d.on_response);
    assert_true(d.applied_late);                  /* implied */
    assert_true(d.forwarded);
    /* cnt matched the same frames as rsp: counted k = 2 without firing */
    assert_int_equal(s.faults.state[0].matched, 2);
    assert_int_equal(s.faults.state[2].matched, 2);
    fault_decide(&s.faults, &ext10, &d);          /* k = 3: cmd fires */
    assert_int_equal(d.rule, 1);
    assert_false(d.on_response);
    assert_false(d.applied_late);
    assert_false(d.forwarded);
    for (int a = FA_NONE; a <= FA_CLOSE; a++) {
        assert_true(fault_action_forwards((enum fault_action)a, false, true));
        assert_true(fault_action_forwards((enum fault_action)a, true, true));
    }
    assert_false(fault_action_forwards(FA_ERROR, false, false));
    assert_false(fault_action_forwards(FA_CLOSE, false, false));
    assert_true(fault_action_forwards(FA_TIMEOUT, true, false));
}

/* failure-mode on the response: the command it fires on is applied, every
 * later one is answered without reaching swtpm. */
static void test_fault_direction_failure_mode(void **state)
{
    (void)state;
    struct scenario s;
    struct fault_decision d;
    struct fault_frame f = { .cc = 0x182, .pcr = 10 };
    parse_ok("[fault]\nname = fm\nnth = 1\ndirection = response\n"
             "action = failure-mode\n" MIN_EXPECT, "t.scn", &s);
    fault_engine_start(&s.faults, 1);
    fault_decide(&s.faults, &f, &d);
    assert_int_equal(d.action, FA_FAILURE_MODE);
    assert_int_equal(d.rc, 0x101);
    assert_true(d.on_response);
    assert_true(d.forwarded);
    for (int i = 0; i < 3; i++) {
        fault_decide(&s.faults, &f, &d);
        assert_int_equal(d.action, FA_FAILURE_MODE);
        assert_int_equal(d.rc, 0x101);
        assert_false(d.on_response);
        assert_false(d.forwarded);
    }
}

static void test_banks(void **state)
{
    (void)state;
    expect_reject("[run]\nbanks = sha256\n" MIN_EXPECT,
                  "t.scn: banks: sha1 is required", NULL);
    expect_reject("[run]\nbanks = sha384,sha512\n" MIN_EXPECT,
                  "t.scn: banks: sha1 is required", NULL);
    expect_reject("[run]\nbanks = sha1,md5\n" MIN_EXPECT, "t.scn:2: ",
                  "banks: unknown bank 'md5'", NULL);
    expect_reject("[run]\nbanks = sha1, SHA256\n" MIN_EXPECT, "t.scn:2: ",
                  "banks: unknown bank 'SHA256'", NULL);
    expect_reject("[run]\nbanks = sha1 sha256\n" MIN_EXPECT, "t.scn:2: ",
                  "banks: unknown bank 'sha1 sha256'", NULL);
    expect_reject("[run]\nbanks = ,\n" MIN_EXPECT, "t.scn:2: ",
                  "banks: no bank named", NULL);
    expect_reject("[run]\nbanks =\n" MIN_EXPECT, "t.scn:2: ",
                  "banks: no bank named", NULL);
    struct scenario s;
    parse_ok("[run]\nbanks = sha1,,sha256,sha1\n" MIN_EXPECT, "t.scn", &s);
    assert_int_equal(s.run.banks, SHA1 | SHA256);
}

/* --- kernel conditions in [expect] ---------------------------------------- */

static void test_kernel_series_of(void **state)
{
    (void)state;
    assert_int_equal(scn_kernel_series_of("6.1.0-56-cloud-amd64"), 0);
    assert_int_equal(scn_kernel_series_of("6.1"), 0);
    assert_int_equal(scn_kernel_series_of("6.12.117+deb12-cloud-amd64"), 1);
    assert_int_equal(scn_kernel_series_of("6.12-rc3"), 1);
    assert_int_equal(scn_kernel_series_of("6.10.1"), -1);
    assert_int_equal(scn_kernel_series_of("6.123.0"), -1);
    assert_int_equal(scn_kernel_series_of("16.1.0"), -1);
    assert_int_equal(scn_kernel_series_of(""), -1);
}

#define OVERRIDES "[expect]\nkernel-errors = 1\nkernel-errors[6.12] = 2\n" \
    "bank-lists = agree\nbank-lists[6.1] = absent\n" \
    "padded-banks = none\npadded-banks[6.1] = sha512, sha384\n"

static void test_kernel_overrides(void **state)
{
    (void)state;
    struct scenario s;
    struct scn_expect e;
    parse_ok(OVERRIDES, "t.scn", &s);
    assert_int_equal(scenario_expectation_count(&s), 3);
    scenario_expect_for(&s, -1, &e);          /* any other kernel */
    assert_int_equal(e.kernel_errors, 1);
    assert_int_equal(e.bank_lists, SCN_LISTS_AGREE);
    assert_string_equal(e.padded_banks, "none");
    scenario_expect_for(&s, scn_kernel_series_of("6.12.5"), &e);
    assert_int_equal(e.kernel_errors, 2);
    assert_true(e.kernel_errors_set);
    assert_int_equal(e.bank_lists, SCN_LISTS_AGREE);
    assert_string_equal(e.padded_banks, "none");
    scenario_expect_for(&s, scn_kernel_series_of("6.1.0-56"), &e);
    assert_int_equal(e.kernel_errors, 1);
    assert_int_equal(e.bank_lists, SCN_LISTS_ABSENT);
    assert_string_equal(e.padded_banks, "sha384,sha512");   /* bank order */
    assert_true(scenario_expect_overridden(&s, 0, "bank-lists"));
    assert_false(scenario_expect_overridden(&s, 0, "kernel-errors"));
    assert_true(scenario_expect_overridden(&s, 1, "kernel-errors"));
    assert_false(scenario_expect_overridden(&s, -1, "kernel-errors"));
}

static void test_kernel_override_rejects(void **state)
{
    (void)state;
    expect_reject("[expect]\nquote = valid\nquote[6.6] = refused\n", "t.scn:3: ",
                  "unknown kernel '6.6' in 'quote[6.6]' (known: 6.1, 6.12)", NULL);
    expect_reject("[expect]\nquote = valid\nquote[] = refused\n", "t.scn:3: ",
                  "unknown kernel ''", NULL);
    expect_reject("[expect]\nquote = valid\nquote[6.1 = refused\n", "t.scn:3: ",
                  "malformed key 'quote[6.1'", NULL);
    expect_reject("[expect]\nquote = valid\nquote[6.1]x = refused\n", "t.scn:3: ",
                  "malformed key 'quote[6.1]x'", NULL);
    expect_reject("[run]\nfiles[6.1] = 4\n" MIN_EXPECT, "t.scn:2: ",
                  "only [expect] keys take a kernel condition", NULL);
    expect_reject("[expect]\nquote = valid\nfoo[6.1] = yes\n", "t.scn:3: ",
                  "unknown key 'foo'", NULL);
    expect_reject("[expect]\nquote[6.1] = refused\nbypass = off\n", "t.scn:2: ",
                  "quote[6.1] overrides nothing: give quote too", NULL);
    expect_reject("[expect]\nquote = valid\nquote[6.12] = valid\n", "t.scn:3: ",
                  "quote[6.12] is the same as quote on line 2: drop it", NULL);
    expect_reject("[expect]\nquote = valid\nquote[6.1] = refused\n"
                  "quote[6.1] = refused\n", "t.scn:4: ",
                  "'quote[6.1]' given twice in [expect] (first on line 3)", NULL);
    expect_reject("[expect]\nquote = valid\nquote[6.1] = maybe\n", "t.scn:3: ",
                  "quote: 'maybe' is not one of valid|refused", NULL);
    expect_reject("[expect]\npadded-banks = none\npadded-banks[6.1] = md5\n",
                  "t.scn:3: ", "unknown bank 'md5'", NULL);
    expect_reject("[expect]\nkernel-errors-for = 3\nkernel-errors-for[6.12] = 3,,4\n",
                  "t.scn:3: ", "kernel-errors-for:", NULL);
    /* an override may not contradict the run either */
    expect_reject("[run]\ntpm = absent\n[expect]\nquote = refused\n"
                  "quote[6.12] = valid\n", "t.scn: contradiction", "on 6.12", NULL);
}

static void test_text_too_long(void **state)
{
    (void)state;
    char text[512];
    char desc[201];
    memset(desc, 'd', 200);
    desc[200] = '\0';
    snprintf(text, sizeof(text), "[scenario]\ndescription = %s\n" MIN_EXPECT,
             desc);
    expect_reject(text, "t.scn:2: ",
                  "description: value longer than 199 characters", NULL);
    /* 199 characters fit. */
    desc[199] = '\0';
    snprintf(text, sizeof(text), "[scenario]\ndescription = %s\n" MIN_EXPECT,
             desc);
    struct scenario s;
    parse_ok(text, "t.scn", &s);
    assert_int_equal(strlen(s.description), 199);
}

/* Text values reach reports and terminals: an escape sequence or a tab
 * inside is refused, naming the key and the line. */
static void test_text_control_characters(void **state)
{
    (void)state;
    expect_reject("[scenario]\ndescription = red \033[31m\n" MIN_EXPECT,
                  "t.scn:2: ", "description: control character 0x1b", NULL);
    expect_reject("[run]\nkernel = 6.1\t; reboot\n" MIN_EXPECT,
                  "t.scn:2: ", "kernel: control character 0x09", NULL);
    struct scenario s;
    parse_ok("[run]\nkernel = $(reboot); `id` 'x'\n" MIN_EXPECT, "t.scn", &s);
    assert_string_equal(s.run.kernel, "$(reboot); `id` 'x'");   /* kept as text */
}

/* Every error of a script at once, one line each, in line order; a key
 * the script got wrong (or an unknown key nearest to it) raises no
 * second error about its value, and a bad section's keys are skipped. */
static void test_every_error_at_once(void **state)
{
    (void)state;
    const char *text =
        "[run]\n"                          /* 1 */
        "filez = 3\n"                      /* 2 */
        "[fault]\n"                        /* 3 */
        "name = a\n"                       /* 4 */
        "acton = error\n"                  /* 5: no 'no action' after it */
        "rc = TPM_RC_RETRY\n"              /* 6: no 'rc applies only' */
        "[fault]\n"                        /* 7 */
        "name = b\n"                       /* 8 */
        "action = timeout\n"               /* 9 */
        "on_cancel = ignore\n"             /* 10: needs delay_ms */
        "from = 5\n"                       /* 11 */
        "to = 3\n"                         /* 12: from after to */
        "[expct]\n"                        /* 13 */
        "quote = valid\n"                  /* 14: skipped with its section */
        "[expect]\n"                       /* 15 */
        "quote = vaild\n";                 /* 16: no 'no expectations' */
    struct scenario s;
    char *err = NULL;
    assert_int_equal(scenario_parse(text, "t.scn", &s, &err), -1);
    const char *want[] = {
        "t.scn:2: unknown key 'filez'",
        "t.scn:5: unknown key 'acton'",
        "t.scn:10: fault b: on_cancel = ignore needs delay_ms",
        "t.scn:12: fault b: contradiction: from is after to",
        "t.scn:13: unknown section [expct]",
        "t.scn:16: quote: 'vaild'",
    };
    const char *line = err;
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        assert_non_null(line);
        assert_starts(line, want[i]);
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    if (line)
        fail_msg("more errors than wanted: %s", line);
    free(err);
}

/* The nearest known name, for keys, sections, values, actions, commands,
 * response codes and banks. */
static void test_did_you_mean(void **state)
{
    (void)state;
    expect_reject("[run]\nfilez = 3\n" MIN_EXPECT, "t.scn:2: ",
                  "; did you mean files?", NULL);
    expect_reject("[runn]\n" MIN_EXPECT, "t.scn:1: ",
                  "; did you mean [run]?", NULL);
    expect_reject("[expect]\nquote = vaild\n", "t.scn:2: ",
                  "; did you mean valid?", NULL);
    expect_reject(EXTEND10 "action = erorr\n" MIN_EXPECT, "t.scn:5: ",
                  "; did you mean error?", NULL);
    expect_reject(EXTEND10 "acton = cancel\n" MIN_EXPECT, "t.scn:5: ",
                  "; did you mean action?", NULL);
    expect_reject("[fault]\ncommand = PCR_Extnd\naction = cancel\n" MIN_EXPECT,
                  "t.scn:2: ", "; did you mean PCR_Extend?", NULL);
    expect_reject(EXTEND10 "action = error\nrc = TPM_RC_RETRI\n" MIN_EXPECT,
                  "t.scn:6: ", "; did you mean TPM_RC_RETRY?", NULL);
    expect_reject("[run]\nbanks = sha1,sha265\n" MIN_EXPECT, "t.scn:2: ",
                  "; did you mean sha256?", NULL);
    /* nothing near: no guess */
    struct scenario s;
    char *err = NULL;
    assert_int_equal(scenario_parse("[run]\nzzzzzz = 1\n" MIN_EXPECT, "t.scn",
                                    &s, &err), -1);
    assert_null(strstr(err, "did you mean"));
    free(err);
}

/* tpm2-tss spells response codes TPM2_RC_X and commands TPM2_CC_X. */
static void test_tss_spellings(void **state)
{
    (void)state;
    struct scenario s;
    parse_ok("[fault]\ncommand = TPM2_CC_PCR_Extend\npcr = 10\n"
             "action = error\nrc = TPM2_RC_RETRY\n" MIN_EXPECT, "t.scn", &s);
    assert_int_equal(s.faults.rules[0].cc, 0x182);
    assert_int_equal(s.faults.rules[0].rc, 0x922);
    parse_ok("[fault]\ncommand = TPM_CC_PCR_Extend\naction = error\n"
             "rc = TPM2_RC_FAILURE\n" MIN_EXPECT, "t.scn", &s);
    assert_int_equal(s.faults.rules[0].rc, 0x101);
    expect_reject("[fault]\naction = error\nrc = TPM2_RC_BOGUS\n" MIN_EXPECT,
                  "t.scn:3: ", "unknown response code 'TPM2_RC_BOGUS'", NULL);
}

/* --- files ---------------------------------------------------------------- */

static void test_load_empty_file(void **state)
{
    struct tmp *t = *state;
    char path[128];
    snprintf(path, sizeof(path), "%s/empty.scn", t->dir);
    write_file(path, "", 0);
    struct scenario s;
    char *err = NULL;
    assert_int_equal(scenario_load(path, &s, &err), -1);
    char want[256];
    snprintf(want, sizeof(want), "%s: no expectations", path);
    assert_starts(err, want);
    free(err);
}

static void test_load_nul_byte(void **state)
{
    struct tmp *t = *state;
    char path[128];
    snprintf(path, sizeof(path), "%s/nul.scn", t->dir);
    static const char text[] = "[expect]\nquote = valid\n\0[run]\nfiles = 9\n";
    write_file(path, text, sizeof(text) - 1);
    struct scenario s;
    char *err = NULL;
    assert_int_equal(scenario_load(path, &s, &err), -1);
    char want[256];
    snprintf(want, sizeof(want), "%s: contains a NUL byte", path);
    assert_string_equal(err, want);
    free(err);

    /* A NUL as the very last byte too. */
    static const char text2[] = "[expect]\nquote = valid\n\0";
    write_file(path, text2, sizeof(text2) - 1);
    err = NULL;
    assert_int_equal(scenario_load(path, &s, &err), -1);
    assert_string_equal(err, want);
    free(err);
}

static void test_load_file_ok_and_errors_name_it(void **state)
{
    struct tmp *t = *state;
    char path[128];
    snprintf(path, sizeof(path), "%s/mine.scn", t->dir);
    static const char good[] = "[run]\nfiles = 5\n" MIN_EXPECT;
    write_file(path, good, sizeof(good) - 1);
    struct scenario s;
    char *err = NULL;
    assert_int_equal(scenario_load(path, &s, &err), 0);
    assert_null(err);
    assert_string_equal(s.name, "mine");
    assert_int_equal(s.run.files, 5);

    /* Errors from a loaded file carry its path and the line. */
    static const char bad[] = "[run]\n\nfiles = lots\n" MIN_EXPECT;
    write_file(path, bad, sizeof(bad) - 1);
    assert_int_equal(scenario_load(path, &s, &err), -1);
    char want[256];
    snprintf(want, sizeof(want), "%s:3: files: 'lots' is not a number", path);
    assert_string_equal(err, want);
    free(err);
}

static void test_load_missing_file(void **state)
{
    struct tmp *t = *state;
    char path[128];
    snprintf(path, sizeof(path), "%s/nope.scn", t->dir);
    struct scenario s;
    char *err = NULL;
    assert_int_equal(scenario_load(path, &s, &err), -1);
    char want[256];
    snprintf(want, sizeof(want), "%s: %s", path, strerror(ENOENT));
    assert_string_equal(err, want);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_baseline_file),
        cmocka_unit_test(test_defaults_and_name),
        cmocka_unit_test(test_values_at_limits),
        cmocka_unit_test(test_comments_blank_lines_crlf),
        cmocka_unit_test(test_unknown_section),
        cmocka_unit_test(test_unknown_key_lists_known),
        cmocka_unit_test(test_bad_enum),
        cmocka_unit_test(test_number_out_of_range),
        cmocka_unit_test(test_not_a_number),
        cmocka_unit_test(test_key_twice),
        cmocka_unit_test(test_key_outside_section),
        cmocka_unit_test(test_malformed_header),
        cmocka_unit_test(test_line_without_equals),
        cmocka_unit_test(test_no_expectations),
        cmocka_unit_test(test_contradiction),
        cmocka_unit_test(test_tpm12),
        cmocka_unit_test(test_tpm12_rejects),
        cmocka_unit_test(test_fault_direction),
        cmocka_unit_test(test_fault_direction_rejects),
        cmocka_unit_test(test_fault_direction_decision),
        cmocka_unit_test(test_fault_hold_past_cancel),
        cmocka_unit_test(test_fault_measurement_keys),
        cmocka_unit_test(test_fault_direction_failure_mode),
        cmocka_unit_test(test_banks),
        cmocka_unit_test(test_kernel_series_of),
        cmocka_unit_test(test_kernel_overrides),
        cmocka_unit_test(test_kernel_override_rejects),
        cmocka_unit_test(test_text_too_long),
        cmocka_unit_test(test_text_control_characters),
        cmocka_unit_test(test_every_error_at_once),
        cmocka_unit_test(test_did_you_mean),
        cmocka_unit_test(test_tss_spellings),
        cmocka_unit_test_setup_teardown(test_load_empty_file, setup_tmp,
                                        teardown_tmp),
        cmocka_unit_test_setup_teardown(test_load_nul_byte, setup_tmp,
                                        teardown_tmp),
        cmocka_unit_test_setup_teardown(test_load_file_ok_and_errors_name_it,
                                        setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_load_missing_file, setup_tmp,
                                        teardown_tmp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
