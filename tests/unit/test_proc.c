/* Unit tests of the process layer without a VM: the run's process group
 * (proc.c), orphan reaping (orphans.c) and the suite's signal forwarding
 * (suite.c), each with small fake children made of sh and sleep: ones
 * that exit with each status, ignore SIGTERM, fork grandchildren or leave
 * orphans in a session of their own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner/fsutil.h"
#include "runner/orphans.h"
#include "runner/proc.h"
#include "runner/suite.h"
#include "util/mono.h"
#include "util/textfile.h"

static char dir[128];

static void path_in(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", dir, name);
}

/* Spawn `sh -c script` in g, logging to DIR/name.log. */
static int spawn_sh(struct group *g, const char *name, const char *script)
{
    char log[256];
    char *argv[] = { "sh", "-c", (char *)script, NULL };
    char *err = NULL;
    snprintf(log, sizeof log, "%s/%s.log", dir, name);
    int i = group_spawn(g, name, argv, log, &err);
    if (i < 0)
        fail_msg("spawn %s: %s", name, err);
    return i;
}

/* Wait (at most 5 s) until file exists and holds a line; its number. */
static long wait_for_number(const char *file)
{
    for (int i = 0; i < 500; i++) {
        FILE *f = fopen(file, "r");
        long v = 0;
        int got = f ? fscanf(f, "%ld", &v) : 0;
        if (f)
            fclose(f);
        if (got == 1)
            return v;
        usleep(10000);
    }
    fail_msg("%s never appeared", file);
    return -1;
}

static void wait_all_exited(struct group *g)
{
    for (int i = 0; i < 500 && group_any_running(g); i++)
        usleep(10000);
    assert_false(group_any_running(g));
}

static bool gone(pid_t pid)
{
    return kill(pid, 0) == -1 && errno == ESRCH;
}

static int setup(void **state)
{
    (void)state;
    char *err = NULL;
    if (private_dir_create("test_proc", dir, sizeof dir, &err) < 0)
        fail_msg("%s", err);
    assert_int_equal(orphans_adopt(), 0);   /* orphans come back to us */
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tree_remove(dir);
    return 0;
}

static void test_exit_statuses(void **state)
{
    (void)state;
    struct group g = { 0 };
    char buf[64];
    int ok = spawn_sh(&g, "ok", "exit 0");
    int three = spawn_sh(&g, "three", "exit 3");
    int killed = spawn_sh(&g, "killed", "kill -KILL $$");
    char *argv[] = { "/nonexistent/tpmfault-test", NULL };
    char log[256], *err = NULL;
    path_in(log, sizeof log, "missing.log");
    int missing = group_spawn(&g, "missing", argv, log, &err);
    assert_true(missing >= 0);
    wait_all_exited(&g);
    assert_string_equal(proc_describe(&g.procs[ok], buf, sizeof buf), "exited 0");
    assert_false(proc_ended_badly(&g.procs[ok]));
    assert_string_equal(proc_describe(&g.procs[three], buf, sizeof buf), "exited 3");
    assert_true(proc_ended_badly(&g.procs[three]));
    assert_string_equal(proc_describe(&g.procs[killed], buf, sizeof buf),
                        "killed by signal 9 (SIGKILL)");
    assert_true(proc_ended_badly(&g.procs[killed]));
    assert_string_equal(proc_describe(&g.procs[missing], buf, sizeof buf),
                        "exited 127");
    char *text = text_file_read(log, &err);
    assert_non_null(text);
    assert_non_null(strstr(text, "cannot run /nonexistent/tpmfault-test"));
    free(text);
    group_terminate(&g, 100);                /* nothing left: returns at once */
}

/* A child that ignores SIGTERM is SIGKILLed after the grace period; one
 * that obeys ends at once, without waiting the grace out. */
static void test_terminate_escalates(void **state)
{
    (void)state;
    struct group g = { 0 };
    char ready[256], script[512], buf[64];
    path_in(ready, sizeof ready, "stubborn.ready");
    snprintf(script, sizeof script,
             "trap '' TERM; echo $$ > '%s'; while :; do sleep 0.05; done", ready);
    int stubborn = spawn_sh(&g, "stubborn", script);
    wait_for_number(ready);
    double t0 = mono_now();
    group_terminate(&g, 300);
    double took = mono_now() - t0;
    assert_true(took >= 0.29 && took < 3.0);
    assert_string_equal(proc_describe(&g.procs[stubborn], buf, sizeof buf),
                        "killed by signal 9 (SIGKILL)");

    struct group h = { 0 };
    int obedient = spawn_sh(&h, "obedient", "exec sleep 30");
    usleep(50000);
    t0 = mono_now();
    group_terminate(&h, 5000);
    took = mono_now() - t0;
    assert_true(took < 2.0);
    assert_string_equal(proc_describe(&h.procs[obedient], buf, sizeof buf),
                        "killed by signal 15 (SIGTERM)");
}

/* The group's grandchildren (same process group) die with it. */
static void test_group_takes_grandchildren(void **state)
{
    (void)state;
    struct group g = { 0 };
    char pidfile[256], script[512];
    path_in(pidfile, sizeof pidfile, "grandchild.pid");
    snprintf(script, sizeof script,
             "trap '' TERM; sleep 30 & echo $! > '%s'; wait", pidfile);
    spawn_sh(&g, "parent", script);
    pid_t grandchild = (pid_t)wait_for_number(pidfile);
    assert_false(gone(grandchild));
    group_terminate(&g, 200);
    /* it was ours to reap once its parent died (we are the subreaper) */
    assert_int_equal(orphans_reap(NULL, 0, 2000), 0);
    assert_true(gone(grandchild));
}

/* An orphan in a session of its own escapes the group's SIGKILL; the
 * subreaper finds it, spares what it is told to keep, reaps the rest. */
static void test_orphans_reaped(void **state)
{
    (void)state;
    struct group g = { 0 };
    char pidfile[256], script[512];
    path_in(pidfile, sizeof pidfile, "orphan.pid");
    snprintf(script, sizeof script,
             "(trap '' TERM; exec setsid sleep 30) & echo $! > '%s'", pidfile);
    spawn_sh(&g, "leaver", script);
    pid_t orphan = (pid_t)wait_for_number(pidfile);
    wait_all_exited(&g);
    group_terminate(&g, 100);
    usleep(50000);
    assert_false(gone(orphan));              /* not in the group: still there */
    assert_int_equal(orphans_reap(&orphan, 1, 200), 0);
    assert_false(gone(orphan));              /* kept */
    assert_int_equal(orphans_reap(NULL, 0, 2000), 0);
    assert_true(gone(orphan));
}

/* A fake `tpmfault run`: writes a broken report when SIGTERMed (as the real
 * run does), else sleeps past any test's patience. */
static const char fake_run[] =
    "#!/bin/sh\n"
    "# tpmfault run --reports DIR FILE\n"
    "reports=$3; file=$4; name=$(basename \"$file\" .scn)\n"
    "mkdir -p \"$reports/$name\"\n"
    "trap 'printf \"{\\\"scenario\\\": \\\"%s\\\", \\\"verdict\\\": \\\"broken\\\","
    " \\\"reason\\\": \\\"interrupted by SIGTERM\\\", \\\"seed\\\": 7}\\n\" \"$name\""
    " > \"$reports/$name/report.json\"; exit 99' TERM\n"
    "echo $$ > \"$reports/$name.started\"\n"
    "sleep 30 & wait\n";

static void test_suite_forwards_sigterm(void **state)
{
    (void)state;
    char exe[256], reports[256], started[2][300], script[2][256];
    path_in(exe, sizeof exe, "fake-tpmfault");
    path_in(reports, sizeof reports, "reports");
    FILE *f = fopen(exe, "w");
    assert_non_null(f);
    fputs(fake_run, f);
    fclose(f);
    chmod(exe, 0700);
    struct suite_entry e[2] = { { "one", script[0], 120, NULL }, { "two", script[1], 120, NULL } };
    for (int i = 0; i < 2; i++) {
        snprintf(script[i], sizeof script[i], "%s/%s.scn", dir, e[i].name);
        snprintf(started[i], sizeof started[i], "%s/%s.started", reports, e[i].name);
    }
    struct suite_opts o = { .exe = exe, .reports = reports, .jobs = 2 };
    pid_t suite = fork();
    assert_true(suite >= 0);
    if (suite == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);                       /* its progress lines */
        _exit(suite_run(e, 2, &o));
    }
    for (int i = 0; i < 2; i++)
        (void)wait_for_number(started[i]) ;
    kill(suite, SIGTERM);
    int status = 0;
    pid_t w = 0;
    for (int i = 0; i < 1000 && (w = waitpid(suite, &status, WNOHANG)) == 0; i++)
        usleep(10000);
    if (w != suite) {
        kill(suite, SIGKILL);
        waitpid(suite, &status, 0);
        fail_msg("the suite did not end within 10 s of SIGTERM");
    }
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 128 + SIGTERM);
    char summary[300], *err = NULL;
    snprintf(summary, sizeof summary, "%s/summary.json", reports);
    char *text = text_file_read(summary, &err);
    if (!text)
        fail_msg("%s", err);
    assert_non_null(strstr(text, "\"interrupted\": true"));
    assert_non_null(strstr(text, "\"broken\": 2"));
    assert_non_null(strstr(text, "interrupted by SIGTERM"));
    /* each run got the SIGTERM and wrote its own report (its seed is 7) */
    assert_non_null(strstr(text, "\"seed\": 7"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exit_statuses),
        cmocka_unit_test(test_terminate_escalates),
        cmocka_unit_test(test_group_takes_grandchildren),
        cmocka_unit_test(test_orphans_reaped),
        cmocka_unit_test(test_suite_forwards_sigterm),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
