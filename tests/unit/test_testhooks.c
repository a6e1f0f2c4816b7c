/* Unit tests of the runner's test hooks (harness/runner/testhooks.c):
 * TPMFAULT_TEST_HOOK and TPMFAULT_SHIM_WRAPPER set, empty and refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "runner/testhooks.h"

static void test_hooks_none(void **state)
{
    (void)state;
    unsetenv("TPMFAULT_TEST_HOOK");
    unsetenv("TPMFAULT_SHIM_WRAPPER");
    struct test_hooks h;
    char *err = NULL;
    assert_int_equal(test_hooks_read(&h, &err), 0);
    assert_null(h.guest);
    assert_int_equal(h.n_wrapper, 0);
    assert_null(h.wrapper[0]);
    setenv("TPMFAULT_TEST_HOOK", "", 1);
    setenv("TPMFAULT_SHIM_WRAPPER", " \t ", 1);
    assert_int_equal(test_hooks_read(&h, &err), 0);
    assert_null(h.guest);
    assert_int_equal(h.n_wrapper, 0);
}

static void test_hooks_set(void **state)
{
    (void)state;
    setenv("TPMFAULT_TEST_HOOK", "cut-evidence", 1);
    setenv("TPMFAULT_SHIM_WRAPPER", "  valgrind --leak-check=full\t"
           "--error-exitcode=42 ", 1);
    struct test_hooks h;
    char *err = NULL;
    assert_int_equal(test_hooks_read(&h, &err), 0);
    assert_string_equal(h.guest, "cut-evidence");
    assert_int_equal(h.n_wrapper, 3);
    assert_string_equal(h.wrapper[0], "valgrind");
    assert_string_equal(h.wrapper[1], "--leak-check=full");
    assert_string_equal(h.wrapper[2], "--error-exitcode=42");
    assert_null(h.wrapper[3]);
}

/* Only the agent's hooks reach the guest's command line: nothing else can
 * be slipped onto it. */
static void test_hooks_refused(void **state)
{
    (void)state;
    unsetenv("TPMFAULT_SHIM_WRAPPER");
    const char *bad[] = { "Panic", "panic ", "hang tpmfault.files=9",
                          "panic=1", "crash" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        setenv("TPMFAULT_TEST_HOOK", bad[i], 1);
        struct test_hooks h;
        char *err = NULL, want[128];
        assert_int_equal(test_hooks_read(&h, &err), -1);
        snprintf(want, sizeof(want), "TPMFAULT_TEST_HOOK=%s: not a hook "
                 "(panic, hang, cut-evidence)", bad[i]);
        assert_string_equal(err, want);
        free(err);
    }
    unsetenv("TPMFAULT_TEST_HOOK");
    char many[256] = "";
    for (int i = 0; i <= TEST_WRAPPER_MAX; i++)
        strcat(many, "w ");
    setenv("TPMFAULT_SHIM_WRAPPER", many, 1);
    struct test_hooks h;
    char *err = NULL;
    assert_int_equal(test_hooks_read(&h, &err), -1);
    assert_string_equal(err, "TPMFAULT_SHIM_WRAPPER: more than 24 words");
    free(err);
    unsetenv("TPMFAULT_SHIM_WRAPPER");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hooks_none),
        cmocka_unit_test(test_hooks_set),
        cmocka_unit_test(test_hooks_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
