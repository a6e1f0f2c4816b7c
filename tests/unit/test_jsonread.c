/* Unit tests of the JSON reader's strictness (RFC 8259): the number
 * grammar exactly, finite values only, 64-bit integers exact, and the
 * error naming the byte offset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonread.h"

/* {"n": TEXT} parses, or not. */
static struct jv *member(const char *text, char **err)
{
    char doc[128];
    snprintf(doc, sizeof doc, "{\"n\": %s}", text);
    return jv_parse(doc, err);
}

static void test_numbers_refused(void **state)
{
    (void)state;
    static const char *bad[] = {
        "nan", "NaN", "inf", "infinity", "Infinity", "-Infinity", "0x10",
        "+7", "007", "-01", "1.", ".5", "1e", "1e+", "-", "--1", "1.5.2",
        "1e999", "-1e999", "0b1", "1_000", "١",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *err = NULL;
        struct jv *v = member(bad[i], &err);
        if (v)
            fail_msg("'%s' was accepted as a number", bad[i]);
        assert_non_null(err);
        assert_non_null(strstr(err, "offset"));
        free(err);
    }
}

static void test_numbers_accepted(void **state)
{
    (void)state;
    static const struct { const char *text; double value; } good[] = {
        { "0", 0 }, { "-0", 0 }, { "7", 7 }, { "-7", -7 }, { "10", 10 },
        { "1.5", 1.5 }, { "-0.25", -0.25 }, { "1e3", 1000 }, { "1E+2", 100 },
        { "25e-1", 2.5 }, { "0.0", 0 }, { "1.7976931348623157e308", 1.7976931348623157e308 },
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char *err = NULL;
        struct jv *v = member(good[i].text, &err);
        if (!v)
            fail_msg("'%s' was refused: %s", good[i].text, err);
        assert_true(jv_get_num(v, "n", -99) == good[i].value);
        jv_free(v);
    }
}

static void test_u64_exact(void **state)
{
    (void)state;
    char *err = NULL;
    struct jv *v = jv_parse("{\"a\": 18446744073709551615, \"b\": 9007199254740993,"
                            " \"c\": 18446744073709551616, \"d\": -1, \"e\": 1.0,"
                            " \"f\": 1e2, \"g\": \"5\"}", &err);
    assert_non_null(v);
    uint64_t u = 0;
    assert_int_equal(jv_get_u64(v, "a", &u), 0);
    assert_true(u == UINT64_MAX);
    assert_int_equal(jv_get_u64(v, "b", &u), 0);       /* 2^53 + 1: no double holds it */
    assert_true(u == 9007199254740993ull);
    assert_int_equal(jv_get_u64(v, "c", &u), -1);      /* 2^64 */
    assert_int_equal(jv_get_u64(v, "d", &u), -1);
    assert_int_equal(jv_get_u64(v, "e", &u), -1);      /* a fraction, even .0 */
    assert_int_equal(jv_get_u64(v, "f", &u), -1);
    assert_int_equal(jv_get_u64(v, "g", &u), -1);      /* a string */
    assert_int_equal(jv_get_u64(v, "none", &u), -1);
    jv_free(v);
}

static void test_offset_named(void **state)
{
    (void)state;
    char *err = NULL;
    assert_null(jv_parse("{\"a\": 1, \"b\": +2}", &err));
    assert_non_null(strstr(err, "offset 14"));
    free(err);
    err = NULL;
    assert_null(jv_parse("{\"a\": 1} x", &err));
    assert_non_null(strstr(err, "trailing"));
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers_refused),
        cmocka_unit_test(test_numbers_accepted),
        cmocka_unit_test(test_u64_exact),
        cmocka_unit_test(test_offset_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
