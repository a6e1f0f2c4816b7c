/* util/str.c: str_fmt, and the shell quoting of command lines printed for
 * the user to paste ("Reproduce with: bin/tpmfault run --kernel K ..."),
 * where K comes from a script: quoted words are read back through a real
 * /bin/sh and must come out as the very text, running nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/str.h"

static void test_str_fmt(void **state)
{
    (void)state;
    char b[8];
    assert_int_equal(str_fmt(b, sizeof(b), "%s", "1234567"), 0);
    assert_string_equal(b, "1234567");
    assert_int_equal(str_fmt(b, sizeof(b), "%s", "12345678"), -1);
    assert_string_equal(b, "1234567");
}

static void test_shell_word(void **state)
{
    (void)state;
    assert_true(str_shell_word("6.1"));
    assert_true(str_shell_word("/boot/vmlinuz-6.12.1+deb13-amd64"));
    assert_true(str_shell_word("a=b,c:d@e%f"));
    static const char *const no[] = { "", "a b", "a;b", "$(id)", "`id`", "a'b",
                                      "a\"b", "a\\b", "*", "~", "a|b", "a&b",
                                      "#", "a\tb", "<x", "!" };
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        if (str_shell_word(no[i]))
            fail_msg("'%s' taken for a plain word", no[i]);
}

/* What sh makes of the command line "printf %s WORD". */
static char *through_sh(const char *word)
{
    char cmd[1024];
    int p[2];
    snprintf(cmd, sizeof(cmd), "printf %%s %s", word);
    if (pipe(p) < 0)
        return NULL;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    static char out[1024];
    size_t n = 0;
    ssize_t r;
    while (n < sizeof(out) - 1 && (r = read(p[0], out + n, sizeof(out) - 1 - n)) > 0)
        n += (size_t)r;
    out[n] = '\0';
    close(p[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? out : NULL;
}

static void test_shquote_round_trip(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "6.1", "", "6.1; touch pwned", "$(id)", "`id`", "it's", "''", "'",
        "a\\b", "\"quoted\"", "$HOME ${x:-y}", "a b\tc", "*", "!x", "~root",
        "line\nbreak", "x' ; id ; echo '",
    };
    char q[256];
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        assert_int_equal(str_shquote(q, sizeof(q), texts[i]), 0);
        const char *back = through_sh(q);
        if (!back || strcmp(back, texts[i]) != 0)
            fail_msg("'%s' quoted as %s came back as '%s'", texts[i], q,
                     back ? back : "(sh failed)");
    }
    assert_int_equal(str_shquote(q, sizeof(q), "6.1"), 0);
    assert_string_equal(q, "6.1");                 /* plain words as they are */
    assert_int_equal(str_shquote(q, sizeof(q), "it's"), 0);
    assert_string_equal(q, "'it'\\''s'");
}

static void test_shquote_too_long(void **state)
{
    (void)state;
    char q[8];
    assert_int_equal(str_shquote(q, sizeof(q), "a b c d"), -1);  /* needs 10 */
    assert_string_equal(q, "''");
    assert_int_equal(str_shquote(q, sizeof(q), "a b c"), 0);     /* needs 8 */
    assert_string_equal(q, "'a b c'");
    assert_int_equal(str_shquote(q, sizeof(q), "''"), -1);
    assert_string_equal(q, "''");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_str_fmt),
        cmocka_unit_test(test_shell_word),
        cmocka_unit_test(test_shquote_round_trip),
        cmocka_unit_test(test_shquote_too_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
