/* What a run takes from outside before and after the guest (issue 10,
 * point 10): a failed getrandom makes the run broken instead of giving a
 * fixed nonce (getrandom is wrapped: -Wl,--wrap=getrandom, Makefile), and
 * a kernel's guest-alive override decides whether a guest that never
 * finished is broken or the expected outcome. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "faults/scenario.h"
#include "runner/fsutil.h"
#include "runner/run_ctx.h"
#include "util/entropy.h"
#include "util/jsonread.h"
#include "util/textfile.h"
#include "verdict/verdict.h"

/* getrandom as the test wants it: from call number fail_from on (1:
 * every call) fail with fail_errno, else give at most `chunk` bytes of
 * 0xab per call. */
static int fail_errno, fail_from = 1;
static size_t chunk = SIZE_MAX;
static int calls;

ssize_t __wrap_getrandom(void *buf, size_t n, unsigned flags);
ssize_t __wrap_getrandom(void *buf, size_t n, unsigned flags)
{
    (void)flags;
    if (fail_errno && ++calls >= fail_from) {
        errno = fail_errno;
        return -1;
    }
    if (!fail_errno)
        calls++;
    if (n > chunk)
        n = chunk;
    memset(buf, 0xab, n);
    return (ssize_t)n;
}

static int reset(void **state)
{
    (void)state;
    fail_errno = 0;
    fail_from = 1;
    chunk = SIZE_MAX;
    calls = 0;
    return 0;
}

static void test_entropy_short_reads(void **state)
{
    (void)state;
    uint8_t b[16], want[16];
    char *err = NULL;
    chunk = 3;
    assert_int_equal(entropy_fill(b, sizeof(b), &err), 0);
    memset(want, 0xab, sizeof(want));
    assert_memory_equal(b, want, sizeof(b));
    assert_int_equal(calls, 6);
}

static void test_entropy_failure(void **state)
{
    (void)state;
    uint8_t b[16];
    char *err = NULL;
    fail_errno = ENOSYS;
    assert_int_equal(entropy_fill(b, sizeof(b), &err), -1);
    assert_non_null(strstr(err, "getrandom: "));
    free(err);
}

/* No randomness: the run is broken, its nonce never a fixed value. */
static void test_run_broken_without_nonce(void **state)
{
    (void)state;
    static struct scenario s;
    struct run_opts o = { .root = "." };
    static struct run_ctx c;
    memset(&c, 0, sizeof(c));
    c.s = &s;
    c.o = &o;
    fail_errno = ENOSYS;
    run_nonce_and_seed(&c);
    assert_non_null(strstr(c.out.broken, "no random nonce for the quote: getrandom"));
    assert_string_equal(c.out.nonce_hex, "");
    /* with randomness, a nonce and a seed */
    reset(NULL);
    memset(&c, 0, sizeof(c));
    c.s = &s;
    c.o = &o;
    run_nonce_and_seed(&c);
    assert_string_equal(c.out.broken, "");
    assert_string_equal(c.out.nonce_hex, "abababababababababababababababab");
    assert_true(c.out.seed == 0xababababababababULL);
}

/* The nonce is random even with a fixed seed; a random seed that cannot
 * be had is broken too, never the time of day. */
static void test_run_broken_without_seed(void **state)
{
    (void)state;
    static struct scenario s;
    struct run_opts o = { .root = ".", .seed = 7, .seed_set = true };
    static struct run_ctx c;
    memset(&c, 0, sizeof(c));
    c.s = &s;
    c.o = &o;
    fail_errno = EIO;
    run_nonce_and_seed(&c);
    assert_non_null(strstr(c.out.broken, "no random nonce"));
    o.seed_set = false;
    memset(&c, 0, sizeof(c));
    c.s = &s;
    c.o = &o;
    calls = 0;
    fail_from = 2;        /* the nonce's call works, the seed's fails */
    run_nonce_and_seed(&c);
    assert_string_equal(c.out.nonce_hex, "abababababababababababababababab");
    assert_non_null(strstr(c.out.broken, "no random seed (give one with "
                                         "--seed): getrandom: "));
}

/* A guest that never reported done, on a kernel whose override says
 * guest-alive[6.12] = no: a verdict on the expectations, not broken. */
static void test_guest_alive_override(void **state)
{
    (void)state;
    static const char script[] =
        "[expect]\nguest-alive = yes\nguest-alive[6.12] = no\n";
    static struct scenario s;
    static struct run_outcome out;
    char dir[PATH_MAX], *err = NULL;
    assert_int_equal(scenario_parse(script, "t.scn", &s, &err), 0);
    assert_int_equal(private_dir_create("test_run_inputs", dir, sizeof(dir),
                                        NULL), 0);
    memset(&out, 0, sizeof(out));
    out.have_evidence = true;       /* booted, never done */
    out.ev.booted = true;
    strcpy(out.ev.kernel, "6.12.117+deb12-cloud-amd64");
    assert_int_equal(verdict_report(&s, &out, dir), VERDICT_PASS);
    /* the same guest on 6.1: the plain key, and a dead guest is broken */
    strcpy(out.ev.kernel, "6.1.0-56-cloud-amd64");
    assert_int_equal(verdict_report(&s, &out, dir), VERDICT_BROKEN);
    /* a guest that died before saying its release: the series booted */
    out.ev.kernel[0] = '\0';
    strcpy(out.series, "6.12");
    assert_int_equal(verdict_report(&s, &out, dir), VERDICT_PASS);
    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s/report.json", dir);
    char *text = text_file_read(path, &err);
    assert_non_null(text);
    struct jv *v = jv_parse(text, &err);
    assert_non_null(v);
    assert_string_equal(jv_get_str(v, "kernel_series"), "6.12");
    jv_free(v);
    free(text);
    assert_int_equal(tree_remove(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_entropy_short_reads, reset),
        cmocka_unit_test_setup(test_entropy_failure, reset),
        cmocka_unit_test_setup(test_run_broken_without_nonce, reset),
        cmocka_unit_test_setup(test_run_broken_without_seed, reset),
        cmocka_unit_test_setup(test_guest_alive_override, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
