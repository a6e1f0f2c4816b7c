/* Unit tests of naming why a run is broken (harness/runner/ending.c):
 * made-up wait statuses for swtpm, the shim and QEMU; console and QEMU
 * logs written here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner/ending.h"
#include "runner/fsutil.h"

#define EXITED(code) ((code) << 8)   /* wait status of exit(code) */
#define KILLED(sig) (sig)            /* wait status of a death by sig */

struct tmp {
    char dir[256];
    char path[300];
};

static int setup(void **state)
{
    struct tmp *t = calloc(1, sizeof(*t));
    if (!t || private_dir_create("tpmfault-test-ending", t->dir,
                                 sizeof(t->dir), NULL) < 0)
        return -1;
    snprintf(t->path, sizeof(t->path), "%s/log", t->dir);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct tmp *t = *state;
    tree_remove(t->dir);
    free(t);
    return 0;
}

static const char *write_file(struct tmp *t, const char *text)
{
    FILE *f = fopen(t->path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return t->path;
}

static struct group three(int swtpm, int shim, bool qemu_running)
{
    struct group g = { .pgid = 100, .n = 3 };
    g.procs[0] = (struct proc){ "swtpm", 101, false, swtpm };
    g.procs[1] = (struct proc){ "shim", 102, false, shim };
    g.procs[2] = (struct proc){ "qemu", 103, qemu_running, 0 };
    return g;
}

static void test_daemons_both_named(void **state)
{
    (void)state;
    struct group g = three(KILLED(SIGKILL), EXITED(1), true);
    char r[256] = "untouched";
    assert_true(ending_daemons(&g, 2, "while the guest ran", r, sizeof(r)));
    assert_string_equal(r, "swtpm was killed by signal 9 (SIGKILL) and shim "
                           "exited 1 while the guest ran (see swtpm.log, "
                           "shim.log)");
}

static void test_daemons_one(void **state)
{
    (void)state;
    struct group g = three(EXITED(0), KILLED(SIGSEGV), false);
    char r[256];
    assert_true(ending_daemons(&g, 2, "after QEMU ended", r, sizeof(r)));
    assert_string_equal(r, "shim was killed by signal 11 (SIGSEGV) after QEMU "
                           "ended (see shim.log)");
}

/* Exit 0 is the end after CMD_SHUTDOWN; a running one has not ended. */
static void test_daemons_fine(void **state)
{
    (void)state;
    struct group g = three(EXITED(0), EXITED(0), false);
    g.procs[0].running = true;
    g.procs[0].status = KILLED(SIGKILL);   /* stale: not reaped yet */
    char r[64] = "untouched";
    assert_false(ending_daemons(&g, 2, "x", r, sizeof(r)));
    assert_string_equal(r, "untouched");
    /* QEMU itself is never one of the daemons. */
    g = three(EXITED(0), EXITED(0), false);
    g.procs[2].status = KILLED(SIGKILL);
    assert_false(ending_daemons(&g, 2, "x", r, sizeof(r)));
}

static void test_qemu(void **state)
{
    struct tmp *t = *state;
    struct proc q = { "qemu", 103, false, KILLED(SIGKILL) };
    char r[256];
    const char *log = write_file(t, "qemu: Unable to write to socket\n");
    assert_true(ending_qemu(&q, log, r, sizeof(r)));
    assert_string_equal(r, "QEMU was killed by signal 9 (SIGKILL) mid-run "
                           "(see qemu.log)");
    /* An exit status comes with QEMU's last word. */
    q.status = EXITED(1);
    log = write_file(t, "qemu-system-x86_64: first\r\n"
                        "qemu-system-x86_64: tpm-emulator: TPM result for "
                        "CMD_INIT: 0x9 operation failed\r\n\n");
    assert_true(ending_qemu(&q, log, r, sizeof(r)));
    assert_string_equal(r, "QEMU exited 1: qemu-system-x86_64: tpm-emulator: "
                           "TPM result for CMD_INIT: 0x9 operation failed "
                           "(see qemu.log)");
    q.status = EXITED(2);
    assert_true(ending_qemu(&q, "/nonexistent/qemu.log", r, sizeof(r)));
    assert_string_equal(r, "QEMU exited 2 (see qemu.log)");
    q.status = EXITED(0);                 /* poweroff, or a panic's reboot */
    assert_false(ending_qemu(&q, log, r, sizeof(r)));
}

static const char panic_console[] =
    "[    3.401000] tpmfault: workload done\r\n"
    "[    3.464483] Kernel panic - not syncing: sysrq triggered crash\r\n"
    "[    3.464870] CPU: 0 PID: 1 Comm: init Not tainted 6.1.0-56-cloud-amd64\r\n"
    "[    3.470000] ---[ end Kernel panic - not syncing: sysrq triggered crash ]---\r\n";

static void test_console_panic(void **state)
{
    struct tmp *t = *state;
    char msg[128];
    assert_true(console_panic(write_file(t, panic_console), msg, sizeof(msg)));
    assert_string_equal(msg, "sysrq triggered crash");
    assert_false(console_panic(write_file(t, "[ 1.0] Run /init as init process\n"),
                               msg, sizeof(msg)));
    assert_string_equal(msg, "");
    assert_false(console_panic("/nonexistent/serial.log", msg, sizeof(msg)));
}

static void test_guest_panicked(void **state)
{
    struct tmp *t = *state;
    struct evidence ev = { .booted = true, .workload_done = true };
    char r[256];
    assert_true(ending_guest(&ev, true, write_file(t, panic_console), r, sizeof(r)));
    assert_string_equal(r, "the guest kernel panicked (sysrq triggered crash) "
                           "before the agent finished (see serial.log)");
}

static void test_guest_cut_short(void **state)
{
    struct tmp *t = *state;
    const char *quiet = write_file(t, "[ 1.0] reboot: Power down\n");
    struct evidence ev = { .booted = true, .workload_done = true };
    snprintf(ev.problem, sizeof(ev.problem), "file cut short: "
             "binary_runtime_measurements");
    char r[256];
    assert_true(ending_guest(&ev, true, quiet, r, sizeof(r)));
    assert_string_equal(r, "the evidence channel was cut short: the guest "
                           "stopped before the agent finished (file cut short: "
                           "binary_runtime_measurements; see serial.log, "
                           "evidence.txt)");
    ev.problem[0] = '\0';
    ev.workload_done = false;
    assert_true(ending_guest(&ev, true, quiet, r, sizeof(r)));
    assert_non_null(strstr(r, "(during the workload; "));
    ev.booted = false;
    assert_true(ending_guest(&ev, true, quiet, r, sizeof(r)));
    assert_non_null(strstr(r, "(the agent never reported booting; "));
    assert_true(ending_guest(&ev, false, quiet, r, sizeof(r)));
    assert_non_null(strstr(r, "(no evidence arrived; "));
}

static void test_guest_finished(void **state)
{
    struct tmp *t = *state;
    struct evidence ev = { .booted = true, .workload_done = true, .done = true };
    char r[64] = "untouched";
    /* A panic line after "done" (a poweroff gone wrong) is not the agent's. */
    assert_false(ending_guest(&ev, true, write_file(t, panic_console), r, sizeof(r)));
    assert_string_equal(r, "untouched");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_daemons_both_named),
        cmocka_unit_test(test_daemons_one),
        cmocka_unit_test(test_daemons_fine),
        cmocka_unit_test(test_qemu),
        cmocka_unit_test(test_console_panic),
        cmocka_unit_test(test_guest_panicked),
        cmocka_unit_test(test_guest_cut_short),
        cmocka_unit_test(test_guest_finished),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
