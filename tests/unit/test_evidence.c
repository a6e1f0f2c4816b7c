/* Unit tests of the guest agent's evidence decoder (harness/verdict/evidence.c):
 * captures built here like the serial port delivers them (CRLF line ends,
 * base64 in 76-character lines from OpenSSL's EVP_EncodeBlock over random
 * bytes), decoded byte for byte; files cut short, bad sizes and unsafe
 * names are reported in `problem` and never counted or written outside the
 * output directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/fsutil.h"
#include "verdict/evidence.h"

/* --- helpers -------------------------------------------------------------- */

struct tmp {
    char root[64];         /* private_dir_create directory */
    char out[128];         /* root/out: the decoder's output directory */
    char serial[128];      /* root/serial.txt: the capture */
    FILE *cap;             /* capture being built (open_memstream) */
    char *cap_buf;
    size_t cap_len;
};

static int setup(void **state)
{
    struct tmp *t = calloc(1, sizeof(*t));
    if (!t)
        return -1;
    if (private_dir_create("test_evidence", t->root, sizeof(t->root), NULL) < 0) {
        free(t);
        return -1;
    }
    snprintf(t->out, sizeof(t->out), "%s/out", t->root);
    snprintf(t->serial, sizeof(t->serial), "%s/serial.txt", t->root);
    if (mkdir(t->out, 0700) < 0)
        return -1;
    t->cap = open_memstream(&t->cap_buf, &t->cap_len);
    if (!t->cap)
        return -1;
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct tmp *t = *state;
    if (t->cap)
        fclose(t->cap);
    free(t->cap_buf);
    int rc = tree_remove(t->root);
    free(t);
    return rc;
}

/* A line as the serial port delivers it: CRLF. */
static void say(struct tmp *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(t->cap, fmt, ap);
    va_end(ap);
    fputs("\r\n", t->cap);
}

/* base64 of data in 76-character lines (57 bytes each), like base64(1).
 * Returns how many lines were written; stops after max_lines if > 0. */
static int send_base64(struct tmp *t, const unsigned char *data, size_t n,
                       int max_lines)
{
    int lines = 0;
    for (size_t off = 0; off < n; off += 57) {
        if (max_lines > 0 && lines == max_lines)
            break;
        size_t k = n - off < 57 ? n - off : 57;
        unsigned char line[80];
        int len = EVP_EncodeBlock(line, data + off, (int)k);
        assert_true(len > 0 && len <= 76);
        fwrite(line, 1, (size_t)len, t->cap);
        fputs("\r\n", t->cap);
        lines++;
    }
    return lines;
}

static void send_file(struct tmp *t, const char *name,
                      const unsigned char *data, size_t n)
{
    say(t, "TPMFAULT file %s %zu", name, n);
    send_base64(t, data, n, 0);
    say(t, "TPMFAULT end %s", name);
}

/* Write the capture built so far to t->serial and decode it. */
static void decode(struct tmp *t, struct evidence *ev)
{
    assert_int_equal(fflush(t->cap), 0);
    FILE *f = fopen(t->serial, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(t->cap_buf, 1, t->cap_len, f), t->cap_len);
    assert_int_equal(fclose(f), 0);
    char *err = NULL;
    /* Fill ev with junk first: decode must reset it. */
    memset(ev, 0x5a, sizeof(*ev));
    assert_int_equal(evidence_decode(t->serial, t->out, ev, &err), 0);
    assert_null(err);
}

static unsigned char *random_bytes(size_t n)
{
    unsigned char *p = malloc(n ? n : 1);
    assert_non_null(p);
    if (n)
        assert_int_equal(RAND_bytes(p, (int)n), 1);
    return p;
}

/* Read a whole file; *n receives its size.  NULL when it does not exist. */
static unsigned char *slurp(const char *dir, const char *name, size_t *n)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    unsigned char *buf = malloc(cap);
    assert_non_null(buf);
    size_t k;
    while ((k = fread(buf + len, 1, cap - len, f)) > 0) {
        len += k;
        if (len == cap) {
            buf = realloc(buf, cap *= 2);
            assert_non_null(buf);
        }
    }
    fclose(f);
    *n = len;
    return buf;
}

static void assert_file_equals(const char *dir, const char *name,
                               const unsigned char *data, size_t n)
{
    size_t got = 0;
    unsigned char *buf = slurp(dir, name, &got);
    if (!buf)
        fail_msg("%s/%s was not written", dir, name);
    if (got != n) {
        free(buf);
        fail_msg("%s: %zu bytes, expected %zu", name, got, n);
    }
    int same = memcmp(buf, data, n) == 0;
    free(buf);
    if (!same)
        fail_msg("%s: content differs", name);
}

static bool exists(const char *dir, const char *name)
{
    char path[512];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return lstat(path, &st) == 0;
}

/* Names in dir (excluding . and ..), sorted, joined by ' '. */
static void list_dir(const char *dir, char *out, size_t size)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    assert_true(n >= 0);
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        const char *nm = names[i]->d_name;
        if (strcmp(nm, ".") != 0 && strcmp(nm, "..") != 0) {
            if (out[0])
                strncat(out, " ", size - strlen(out) - 1);
            strncat(out, nm, size - strlen(out) - 1);
        }
        free(names[i]);
    }
    free(names);
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("expected \"%s\" in \"%s\"", needle, hay);
}

/* --- tests ---------------------------------------------------------------- */

static void test_full_capture(void **state)
{
    struct tmp *t = *state;
    /* 1000 % 3 == 1 ("==" padding), 4097 % 3 == 2 ("="), 57 * 3 exact. */
    const size_t n1 = 1000, n2 = 4097, n3 = 171;
    unsigned char *d1 = random_bytes(n1), *d2 = random_bytes(n2),
                  *d3 = random_bytes(n3);

    fputs("SeaBIOS noise before the agent\r\n\r\n", t->cap);
    say(t, "TPMFAULT phase booted 6.1.0-56-cloud-amd64");
    say(t, "TPMFAULT uname 6.1.0-56-cloud-amd64 #1 SMP PREEMPT_DYNAMIC Debian");
    say(t, "TPMFAULT status policy 0");
    say(t, "TPMFAULT read /work/file1 0");
    say(t, "TPMFAULT read /work/file2 0");
    say(t, "TPMFAULT read /work/file3 1");
    say(t, "TPMFAULT read /work/file4 10");
    say(t, "TPMFAULT phase workload-done");
    say(t, "TPMFAULT status createak 0");
    say(t, "TPMFAULT status quote 3");
    send_file(t, "binary_runtime_measurements", d1, n1);
    send_file(t, "quote.sig", d2, n2);
    send_file(t, "ak.pem", d3, n3);
    send_file(t, "empty.txt", d1, 0);
    say(t, "TPMFAULT done");

    struct evidence ev;
    decode(t, &ev);
    assert_string_equal(ev.problem, "");
    assert_true(ev.booted);
    assert_string_equal(ev.kernel, "6.1.0-56-cloud-amd64");
    assert_string_equal(ev.uname,
                        "6.1.0-56-cloud-amd64 #1 SMP PREEMPT_DYNAMIC Debian");
    assert_true(ev.workload_done);
    assert_true(ev.done);
    assert_int_equal(ev.files_read, 2);
    assert_int_equal(ev.files_failed, 2);
    assert_int_equal(ev.n_files, 4);
    assert_int_equal(ev.n_status, 3);
    assert_file_equals(t->out, "binary_runtime_measurements", d1, n1);
    assert_file_equals(t->out, "quote.sig", d2, n2);
    assert_file_equals(t->out, "ak.pem", d3, n3);
    assert_file_equals(t->out, "empty.txt", d1, 0);

    assert_int_equal(evidence_status(&ev, "policy"), 0);
    assert_int_equal(evidence_status(&ev, "createak"), 0);
    assert_int_equal(evidence_status(&ev, "quote"), 3);
    assert_int_equal(evidence_status(&ev, "missing"), -1);
    assert_int_equal(evidence_status(&ev, "quot"), -1);

    char names[512];
    list_dir(t->out, names, sizeof(names));
    assert_string_equal(names,
                        "ak.pem binary_runtime_measurements empty.txt quote.sig");
    free(d1);
    free(d2);
    free(d3);
}

static void test_plain_lf_and_no_done(void **state)
{
    struct tmp *t = *state;
    /* LF-only line ends decode the same; no "done" line: done is false. */
    unsigned char *d = random_bytes(500);
    fprintf(t->cap, "TPMFAULT phase booted 6.12.1\n");
    fprintf(t->cap, "TPMFAULT file a.bin 500\n");
    for (size_t off = 0; off < 500; off += 57) {
        unsigned char line[80];
        size_t k = 500 - off < 57 ? 500 - off : 57;
        EVP_EncodeBlock(line, d + off, (int)k);
        fprintf(t->cap, "%s\n", line);
    }
    fprintf(t->cap, "TPMFAULT end a.bin\n");
    fprintf(t->cap, "TPMFAULT status quote 1\n");

    struct evidence ev;
    decode(t, &ev);
    assert_string_equal(ev.problem, "");
    assert_true(ev.booted);
    assert_string_equal(ev.kernel, "6.12.1");
    assert_false(ev.workload_done);
    assert_false(ev.done);
    assert_int_equal(ev.n_files, 1);
    assert_file_equals(t->out, "a.bin", d, 500);
    assert_int_equal(evidence_status(&ev, "quote"), 1);
    assert_int_equal(evidence_status(&ev, "policy"), -1);
    free(d);
}

static void test_empty_capture(void **state)
{
    struct tmp *t = *state;
    struct evidence ev;
    decode(t, &ev);
    assert_false(ev.booted);
    assert_false(ev.done);
    assert_int_equal(ev.n_files, 0);
    assert_int_equal(ev.n_status, 0);
    assert_int_equal(ev.files_read, 0);
    assert_string_equal(ev.problem, "");
    assert_int_equal(evidence_status(&ev, "quote"), -1);
}

/* A file whose end never came, followed by the next file. */
static void test_file_cut_short_by_next_file(void **state)
{
    struct tmp *t = *state;
    unsigned char *a = random_bytes(600), *b = random_bytes(300);
    say(t, "TPMFAULT file a.bin 600");
    assert_int_equal(send_base64(t, a, 600, 4), 4);   /* 228 of 600 bytes */
    send_file(t, "b.bin", b, 300);
    say(t, "TPMFAULT done");

    struct evidence ev;
    decode(t, &ev);
    assert_string_equal(ev.problem, "file cut short: a.bin");
    assert_int_equal(ev.n_files, 1);                  /* b only */
    assert_true(ev.done);
    assert_file_equals(t->out, "b.bin", b, 300);
    /* What arrived of a is kept. */
    assert_file_equals(t->out, "a.bin", a, 228);
    free(a);
    free(b);
}

/* The capture ends inside a file (the guest died). */
static void test_file_cut_short_at_eof(void **state)
{
    struct tmp *t = *state;
    unsigned char *a = random_bytes(300), *b = random_bytes(1000);
    send_file(t, "a.bin", a, 300);
    say(t, "TPMFAULT file b.bin 1000");
    send_base64(t, b, 1000, 10);                      /* 570 of 1000 bytes */

    struct evidence ev;
    decode(t, &ev);
    assert_string_equal(ev.problem, "file cut short: b.bin");
    assert_int_equal(ev.n_files, 1);
    assert_false(ev.done);
    assert_file_equals(t->out, "a.bin", a, 300);
    assert_file_equals(t->out, "b.bin", b, 570);
    free(a);
    free(b);
}

/* The capture ends in the middle of a base64 line. */
static void test_file_cut_mid_line(void **state)
{
    struct tmp *t = *state;
    unsigned char *a = random_bytes(200);
    say(t, "TPMFAULT file a.bin 200");
    send_base64(t, a, 200, 2);
    unsigned char line[80];
    EVP_EncodeBlock(line, a + 114, 57);
    fwrite(line, 1, 30, t->cap);                      /* 30 of 76 characters */

    struct evidence ev;
    decode(t, &ev);
    assert_int_equal(ev.n_files, 0);
    assert_true(ev.problem[0] != '\0');
    assert_contains(ev.problem, "a.bin");
    free(a);
}

static void test_bad_size(void **state)
{
    struct tmp *t = *state;
    unsigned char *d = random_bytes(120);
    /* Not a number, negative, missing: refused, nothing written. */
    say(t, "TPMFAULT file x.bin abc");
    send_base64(t, d, 120, 0);
    say(t, "TPMFAULT end x.bin");
    say(t, "TPMFAULT file y.bin -5");
    send_base64(t, d, 120, 0);
    say(t, "TPMFAULT end y.bin");
    say(t, "TPMFAULT file z.bin");
    say(t, "TPMFAULT end z.bin");
    /* A good one after them still decodes. */
    send_file(t, "good.bin", d, 120);
    say(t, "TPMFAULT done");

    struct evidence ev;
    decode(t, &ev);
    assert_string_equal(ev.problem, "bad file header: x.bin abc");
    assert_int_equal(ev.n_files, 1);
    assert_true(ev.done);
    assert_false(exists(t->out, "x.bin"));
    assert_false(exists(t->out, "y.bin"));
    assert_false(exists(t->out, "z.bin"));
    assert_file_equals(t->out, "good.bin", d, 120);
    free(d);
}

static void test_size_differs_from_header(void **state)
{
    struct tmp *t = *state;
    unsigned char *d = random_bytes(120);
    say(t, "TPMFAULT file long.bin 100");       /* 120 bytes follow */
    send_base64(t, d, 120, 0);
    say(t, "TPMFAULT end long.bin");
    say(t, "TPMFAULT file short.bin 121");      /* 120 bytes follow */
    send_base64(t, d, 120, 0);
    say(t, "TPMFAULT end short.bin");
    send_file(t, "ok.bin", d, 120);

    struct evidence ev;
    decode(t, &ev);
    assert_string_equal(ev.problem,
                        "file size differs from its header: long.bin");
    assert_int_equal(ev.n_files, 1);
    free(d);
}

static void test_bad_base64(void **state)
{
    struct tmp *t = *state;
    say(t, "TPMFAULT file a.bin 3");
    say(t, "QU*D");                              /* '*' is not base64 */
    say(t, "TPMFAULT end a.bin");
    struct evidence ev;
    decode(t, &ev);
    assert_string_equal(ev.problem, "bad base64 in: a.bin");
    assert_int_equal(ev.n_files, 0);
}

static void test_unsafe_names(void **state)
{
    struct tmp *t = *state;
    unsigned char *d = random_bytes(64);
    static const char *const bad[] = { "../x", "a/b", ".hidden", "..", ".",
                                       "/tmp/abs", "sp\\ace" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        send_file(t, bad[i], d, 64);
    /* A name of 64 characters or more is refused too. */
    char longname[80];
    memset(longname, 'n', 70);
    longname[70] = '\0';
    send_file(t, longname, d, 64);
    send_file(t, "fine-name_1.txt", d, 64);
    say(t, "TPMFAULT done");

    struct evidence ev;
    decode(t, &ev);
    assert_string_equal(ev.problem, "bad file header: ../x 64");
    assert_int_equal(ev.n_files, 1);
    assert_true(ev.done);

    char names[512];
    list_dir(t->out, names, sizeof(names));
    assert_string_equal(names, "fine-name_1.txt");
    /* Nothing beside the output directory either. */
    list_dir(t->root, names, sizeof(names));
    assert_string_equal(names, "out serial.txt");
    assert_file_equals(t->out, "fine-name_1.txt", d, 64);
    free(d);
}

static void test_bad_status_and_phase_lines(void **state)
{
    struct tmp *t = *state;
    say(t, "TPMFAULT status quote");            /* no code */
    say(t, "TPMFAULT status createak 0");
    say(t, "TPMFAULT phase something-else");
    say(t, "TPMFAULT phase booted");            /* no kernel release */
    say(t, "TPMFAULT unknown-verb x y");
    say(t, "not TPMFAULT phase workload-done");

    struct evidence ev;
    decode(t, &ev);
    assert_string_equal(ev.problem, "bad status line: quote");
    assert_int_equal(ev.n_status, 1);
    assert_int_equal(evidence_status(&ev, "quote"), -1);
    assert_int_equal(evidence_status(&ev, "createak"), 0);
    assert_true(ev.booted);
    assert_string_equal(ev.kernel, "");
    assert_false(ev.workload_done);
    assert_false(ev.done);
}

static void test_status_table_full(void **state)
{
    struct tmp *t = *state;
    for (int i = 0; i < EV_MAX_STATUS + 5; i++)
        say(t, "TPMFAULT status s%d %d", i, i);
    struct evidence ev;
    decode(t, &ev);
    assert_int_equal(ev.n_status, EV_MAX_STATUS);
    assert_int_equal(evidence_status(&ev, "s0"), 0);
    assert_int_equal(evidence_status(&ev, "s31"), 31);
    assert_int_equal(evidence_status(&ev, "s32"), -1);
}

static void test_missing_capture(void **state)
{
    struct tmp *t = *state;
    struct evidence ev;
    char *err = NULL;
    assert_int_equal(evidence_decode(t->serial, t->out, &ev, &err), -1);
    char want[256];
    snprintf(want, sizeof(want), "%s: %s", t->serial, strerror(ENOENT));
    assert_string_equal(err, want);
    free(err);
}

/* The agent's uptime marks: kept in order and found by name; a mark line
 * that is not "NAME SECONDS" (extra words, not a number, negative, inf)
 * is a problem and is not kept. */
static void test_marks(void **state)
{
    struct tmp *t = *state;
    say(t, "TPMFAULT mark agent 1.93");
    say(t, "TPMFAULT mark workload 2.01");
    say(t, "TPMFAULT mark sent");
    say(t, "TPMFAULT mark ak 2.5 s");
    say(t, "TPMFAULT mark ak -1");
    say(t, "TPMFAULT mark ak inf");
    say(t, "TPMFAULT mark quote 3.25");
    say(t, "TPMFAULT done");
    struct evidence ev;
    decode(t, &ev);
    assert_int_equal(ev.n_marks, 3);
    assert_string_equal(ev.mark[0].name, "agent");
    assert_true(evidence_mark(&ev, "agent") == 1.93);
    assert_true(evidence_mark(&ev, "workload") == 2.01);
    assert_true(evidence_mark(&ev, "quote") == 3.25);
    assert_true(evidence_mark(&ev, "ak") == -1);
    assert_true(evidence_mark(&ev, "sent") == -1);
    assert_string_equal(ev.problem, "bad mark line: sent");
}

static void test_unwritable_outdir(void **state)
{
    struct tmp *t = *state;
    unsigned char *d = random_bytes(30);
    send_file(t, "a.bin", d, 30);
    say(t, "TPMFAULT done");
    assert_int_equal(fflush(t->cap), 0);
    FILE *f = fopen(t->serial, "wb");
    assert_non_null(f);
    fwrite(t->cap_buf, 1, t->cap_len, f);
    fclose(f);
    char missing[160];
    snprintf(missing, sizeof(missing), "%s/no-such-dir", t->root);
    struct evidence ev;
    char *err = NULL;
    assert_int_equal(evidence_decode(t->serial, missing, &ev, &err), 0);
    assert_null(err);
    assert_int_equal(ev.n_files, 0);
    assert_true(ev.done);
    assert_contains(ev.problem, "cannot write: ");
    assert_contains(ev.problem, "no-such-dir/a.bin");
    free(d);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_full_capture),
        T(test_plain_lf_and_no_done),
        T(test_empty_capture),
        T(test_file_cut_short_by_next_file),
        T(test_file_cut_short_at_eof),
        T(test_file_cut_mid_line),
        T(test_bad_size),
        T(test_size_differs_from_header),
        T(test_bad_base64),
        T(test_unsafe_names),
        T(test_bad_status_and_phase_lines),
        T(test_status_table_full),
        T(test_missing_capture),
        T(test_unwritable_outdir),
        T(test_marks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
