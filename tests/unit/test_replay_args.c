/* Unit tests of tpmfault replay's option parsing: --pcr ALG:HEX, --banks,
 * --template-hash and the per-bank list's file name, and the errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli/help.c"             /* the synopsis in its messages */
#include "cli/replay_args.c"      /* the real parser, linked into the test */

static int parse(struct replay_cli *c, char **err, ...)
{
    char *argv[16] = { "replay" };
    int argc = 1;
    va_list ap;
    va_start(ap, err);
    for (char *a; (a = va_arg(ap, char *)) && argc < 15;)
        argv[argc++] = a;
    va_end(ap);
    return replay_args_parse(argc, argv, c, err);
}

#define H40 "9651bd0d09f654e91cdec3912e3d0ec965e00bfe"
#define H64 "5de65d76d295df343f85677ea48aae179c53d2658c8fd9ede67fb39d4c6d8703"

static void test_pcr_values(void **state)
{
    (void)state;
    struct replay_cli c;
    char *err = NULL;
    assert_int_equal(parse(&c, &err, "--pcr", "sha1:" H40, "--pcr",
                           "sha256:0x" H64, "list", NULL), 0);
    assert_int_equal(c.targets, (1u << BANK_SHA1) | (1u << BANK_SHA256));
    assert_int_equal(c.banks, c.targets);           /* banks follow the values */
    assert_int_equal(c.target[BANK_SHA1][0], 0x96);
    assert_int_equal(c.target[BANK_SHA1][19], 0xfe);
    assert_int_equal(c.target[BANK_SHA256][31], 0x03);
    assert_int_equal(c.list_bank, BANK_SHA1);
    assert_int_equal(c.pcr, 10);
    assert_string_equal(c.list, "list");
}

static void test_list_bank(void **state)
{
    (void)state;
    struct replay_cli c;
    char *err = NULL;
    assert_int_equal(parse(&c, &err, "/x/binary_runtime_measurements_sha384", NULL), 0);
    assert_int_equal(c.list_bank, BANK_SHA384);
    assert_int_equal(c.banks, (1u << BANK_SHA1) | (1u << BANK_SHA256));
    assert_int_equal(parse(&c, &err, "--template-hash", "sha512", "--banks",
                           "sha1,sha512", "a_sha256", NULL), 0);
    assert_int_equal(c.list_bank, BANK_SHA512);     /* the option wins */
    assert_int_equal(c.banks, (1u << BANK_SHA1) | (1u << BANK_SHA512));
    assert_int_equal(replay_args_bank_of_name("dir_sha256/list"), -1);
    assert_int_equal(replay_args_bank_of_name("list_md5"), -1);
}

static void test_errors(void **state)
{
    (void)state;
    static const char *const cases[][5] = {
        { "--pcr", "sha1:1234", "l", NULL, "40 hex digits" },
        { "--pcr", "md5:" H40, "l", NULL, "expected ALG:HEX" },
        { "--banks", "sha1,sha3", "l", NULL, "'sha3' is not" },
        { "--template-hash", "sha224", "l", NULL, "not sha1" },
        { "--pcr-index", "24", "l", NULL, "not a PCR" },
        { "a", "b", NULL, NULL, "exactly one measurement list" },
        { "--pcr", "sha256:" H64, "--banks", "sha1", "leaves out" },
        { "--trace", "t.jsonl", "--pcr-index", "11", "PCR 10 only" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct replay_cli c;
        char *err = NULL;
        const char *want = cases[i][4];
        int rc = cases[i][3] ? parse(&c, &err, cases[i][0], cases[i][1], cases[i][2],
                                     cases[i][3], "l", NULL)
                             : parse(&c, &err, cases[i][0], cases[i][1], cases[i][2], NULL);
        assert_int_equal(rc, -1);
        assert_non_null(err);
        if (!strstr(err, want))
            fail_msg("case %zu: '%s' lacks '%s'", i, err, want);
        free(err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcr_values),
        cmocka_unit_test(test_list_bank),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
