/* Unit tests of the JSON reader (util/jsonread.c), the shim trace reader
 * (verify/trace.c) and the JSON writer (util/json.c) read back through the
 * reader.  Trace files are written here with the same writer the shim uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner/fsutil.h"
#include "util/hex.h"
#include "util/json.h"
#include "util/jsonread.h"
#include "verify/trace.h"

/* --- helpers -------------------------------------------------------------- */

static void assert_contains(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("expected \"%s\" in \"%s\"", needle, hay ? hay : "(null)");
}

static struct jv *parse_ok(const char *text)
{
    char *err = NULL;
    struct jv *v = jv_parse(text, &err);
    if (!v)
        fail_msg("rejected %s: %s", text, err ? err : "(no message)");
    assert_null(err);
    return v;
}

/* text must be rejected with exactly this message. */
static void parse_bad(const char *text, const char *want)
{
    char *err = NULL;
    struct jv *v = jv_parse(text, &err);
    if (v) {
        jv_free(v);
        fail_msg("accepted: %s", text);
    }
    assert_non_null(err);
    if (strcmp(err, want) != 0) {
        char copy[256];
        snprintf(copy, sizeof(copy), "%s", err);
        free(err);
        fail_msg("%s: got \"%s\", expected \"%s\"", text, copy, want);
    }
    free(err);
}

static size_t count_children(const struct jv *v)
{
    size_t n = 0;
    for (const struct jv *c = v->child; c; c = c->next)
        n++;
    return n;
}

static const struct jv *nth(const struct jv *v, size_t i)
{
    const struct jv *c = v->child;
    while (c && i--)
        c = c->next;
    assert_non_null(c);
    return c;
}

struct tmp {
    char dir[64];
    char path[128];        /* dir/trace.jsonl */
};

static int setup_tmp(void **state)
{
    struct tmp *t = calloc(1, sizeof(*t));
    if (!t)
        return -1;
    if (private_dir_create("test_trace", t->dir, sizeof(t->dir), NULL) < 0) {
        free(t);
        return -1;
    }
    snprintf(t->path, sizeof(t->path), "%s/trace.jsonl", t->dir);
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

/* --- jsonread ------------------------------------------------------------- */

static void test_jv_object(void **state)
{
    (void)state;
    struct jv *v = parse_ok(
        " {\"s\":\"text\", \"n\": 42 ,\"t\":true,\"f\":false,\"z\":null,"
        "\"a\":[1,2,3],\"o\":{\"in\":{\"deep\":\"x\"}},\"e\":{},\"ea\":[]}\n");
    assert_int_equal(v->type, JV_OBJ);
    assert_int_equal(count_children(v), 9);
    assert_string_equal(jv_get_str(v, "s"), "text");
    assert_true(jv_get_num(v, "n", -1) == 42);
    assert_int_equal(jv_get(v, "t")->type, JV_BOOL);
    assert_true(jv_get(v, "t")->b);
    assert_int_equal(jv_get(v, "f")->type, JV_BOOL);
    assert_false(jv_get(v, "f")->b);
    assert_int_equal(jv_get(v, "z")->type, JV_NULL);
    /* Members keep their order and their names. */
    assert_string_equal(nth(v, 0)->key, "s");
    assert_string_equal(nth(v, 8)->key, "ea");

    const struct jv *a = jv_get(v, "a");
    assert_int_equal(a->type, JV_ARR);
    assert_int_equal(count_children(a), 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(nth(a, i)->type, JV_NUM);
        assert_true(nth(a, i)->num == (double)(i + 1));
        assert_null(nth(a, i)->key);
    }
    const struct jv *o = jv_get(v, "o");
    assert_int_equal(o->type, JV_OBJ);
    assert_string_equal(jv_get_str(jv_get(o, "in"), "deep"), "x");
    assert_int_equal(jv_get(v, "e")->type, JV_OBJ);
    assert_null(jv_get(v, "e")->child);
    assert_int_equal(jv_get(v, "ea")->type, JV_ARR);
    assert_null(jv_get(v, "ea")->child);

    /* Absent members and members of another type. */
    assert_null(jv_get(v, "nope"));
    assert_null(jv_get_str(v, "n"));
    assert_null(jv_get_str(v, "nope"));
    assert_true(jv_get_num(v, "s", -7) == -7);
    assert_true(jv_get_num(v, "nope", 3.5) == 3.5);
    /* jv_get on a non-object. */
    assert_null(jv_get(a, "x"));
    assert_null(jv_get(NULL, "x"));
    jv_free(v);
}

static void test_jv_array_and_scalars(void **state)
{
    (void)state;
    struct jv *v = parse_ok("[\n\t1 ,\r\n \"two\", [3, [4]], {\"five\": 5}, "
                            "true, false, null ]");
    assert_int_equal(v->type, JV_ARR);
    assert_int_equal(count_children(v), 7);
    assert_string_equal(nth(v, 1)->str, "two");
    assert_int_equal(nth(v, 2)->type, JV_ARR);
    assert_true(nth(nth(nth(v, 2), 1), 0)->num == 4);
    assert_true(jv_get_num(nth(v, 3), "five", 0) == 5);
    assert_true(nth(v, 4)->b);
    assert_int_equal(nth(v, 6)->type, JV_NULL);
    jv_free(v);

    /* A scalar is a JSON text too. */
    v = parse_ok("\"alone\"");
    assert_int_equal(v->type, JV_STR);
    assert_string_equal(v->str, "alone");
    jv_free(v);
    v = parse_ok("null");
    assert_int_equal(v->type, JV_NULL);
    jv_free(v);
}

static void test_jv_numbers(void **state)
{
    (void)state;
    struct jv *v = parse_ok("[0, -1, 42, -1.5e3, 1E-3, 0.000005, 8.656410, "
                            "4294967295, 1e300]");
    const double want[] = { 0, -1, 42, -1500, 0.001, 0.000005, 8.656410,
                            4294967295.0, 1e300 };
    assert_int_equal(count_children(v), 9);
    for (size_t i = 0; i < 9; i++) {
        assert_int_equal(nth(v, i)->type, JV_NUM);
        assert_true(nth(v, i)->num == want[i]);
    }
    jv_free(v);
}

static void test_jv_escapes(void **state)
{
    (void)state;
    struct jv *v = parse_ok(
        "{\"k\\\"ey\":\"q\\\"b\\\\s\\/n\\nt\\tr\\rb\\bf\\fA\\u0041\\u004a"
        "\\u00e9\\u20ac.\"}");
    const struct jv *m = v->child;
    assert_non_null(m);
    assert_string_equal(m->key, "k\"ey");
    /* \u beyond ASCII becomes '?'. */
    assert_string_equal(m->str, "q\"b\\s/n\nt\tr\rb\bf\fAAJ??.");
    jv_free(v);

    /* A long string grows its buffer. */
    char big[5000];
    big[0] = '"';
    memset(big + 1, 'x', 4096);
    strcpy(big + 4097, "\"");
    v = parse_ok(big);
    assert_int_equal(strlen(v->str), 4096);
    jv_free(v);
}

static void test_jv_rejects(void **state)
{
    (void)state;
    /* Trailing garbage after a complete value. */
    parse_bad("{\"a\":1} x", "offset 8: trailing characters");
    parse_bad("[1]]", "offset 3: trailing characters");
    parse_bad("1 2", "offset 2: trailing characters");
    parse_bad("truex", "offset 4: trailing characters");
    /* Unterminated strings: the offset is the end of the text. */
    parse_bad("\"abc", "offset 4: unterminated string");
    parse_bad("{\"a\":\"abc", "offset 9: unterminated string");
    parse_bad("{\"ab", "offset 4: unterminated string");
    parse_bad("\"a\\", "offset 3: bad escape");
    parse_bad("\"a\x01\"", "offset 2: control character in string");
    parse_bad("\"a\nb\"", "offset 2: control character in string");
    parse_bad("\"\\u12G4\"", "offset 3: bad \\u escape");
    parse_bad("\"\\u12\"", "offset 3: bad \\u escape");
    /* Empty input and stray characters. */
    parse_bad("", "offset 0: unexpected character");
    parse_bad("   ", "offset 3: unexpected character");
    parse_bad("tru", "offset 0: unexpected character");
    parse_bad("[1,]", "offset 3: unexpected character");
    parse_bad("{\"a\":}", "offset 5: unexpected character");
    /* Containers: the offset names the offending character, or the end. */
    parse_bad("[1 2]", "offset 3: malformed array");
    parse_bad("[1,2", "offset 4: malformed array");
    parse_bad("{\"a\" 1}", "offset 5: malformed object");
    parse_bad("{\"a\":1 \"b\":2}", "offset 7: malformed object");
    parse_bad("{\"a\":1,}", "offset 7: malformed object");
    parse_bad("{a:1}", "offset 1: malformed object");
    parse_bad("{\"a\":1", "offset 6: malformed object");
    parse_bad("{\"a\"", "offset 4: malformed object");
}

static void test_jv_depth(void **state)
{
    (void)state;
    char text[256];
    /* 32 nested arrays parse: the limit is 32 values deep. */
    memset(text, '[', 32);
    memset(text + 32, ']', 32);
    text[64] = '\0';
    struct jv *v = parse_ok(text);
    int depth = 0;
    for (const struct jv *c = v; c; c = c->child)
        depth++;
    assert_int_equal(depth, 32);
    jv_free(v);
    /* 33 do not; the message names where it went too deep. */
    memset(text, '[', 33);
    memset(text + 33, ']', 33);
    text[66] = '\0';
    parse_bad(text, "offset 32: nested too deeply");
    /* Far too deep, objects, unbalanced: still an error, no crash. */
    memset(text, '[', 200);
    text[200] = '\0';
    parse_bad(text, "offset 32: nested too deeply");
    char obj[2048] = "";
    for (int i = 0; i < 100; i++)
        strcat(obj, "{\"k\":");
    parse_bad(obj, "offset 160: nested too deeply");   /* 32 * 5 */
}

/* --- json writer -> jsonread round trip ------------------------------------ */

static char *write_doc(bool pretty)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    struct json j;
    json_init(&j, f, pretty);
    json_obj_begin(&j, NULL);
    json_str(&j, "plain", "hello");
    json_str(&j, "tricky", "q\"b\\s\nn\rr\tt\x01" "c\x1f" "d\x7f" "e/\xc3\xa9");
    json_str(&j, "nul", NULL);
    json_str(&j, "we\"ird\nkey", "v");
    json_int(&j, "neg", -42);
    json_int(&j, "min", INT64_MIN);
    json_uint(&j, "umax", UINT64_MAX);
    json_uint(&j, "u32", 4294967295u);
    json_double(&j, "t", 8.65641);
    json_double(&j, "small", 0.000005);
    json_double(&j, "nan", NAN);                 /* no JSON number: null */
    json_bool(&j, "yes", true);
    json_bool(&j, "no", false);
    json_null(&j, "null");
    json_arr_begin(&j, "list");
    json_int(&j, NULL, 1);
    json_str(&j, NULL, "two");
    json_obj_begin(&j, NULL);
    json_obj_end(&j);
    json_arr_begin(&j, NULL);
    json_arr_end(&j);
    json_obj_begin(&j, NULL);
    json_uint(&j, "three", 3);
    json_obj_end(&j);
    json_arr_end(&j);
    json_obj_begin(&j, "nested");
    json_obj_begin(&j, "deeper");
    json_str(&j, "leaf", "x");
    json_obj_end(&j);
    json_arr_begin(&j, "empty");
    json_arr_end(&j);
    json_obj_end(&j);
    json_obj_end(&j);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static void check_doc(const char *text)
{
    struct jv *v = parse_ok(text);
    assert_int_equal(v->type, JV_OBJ);
    assert_int_equal(count_children(v), 16);
    assert_string_equal(jv_get_str(v, "plain"), "hello");
    assert_string_equal(jv_get_str(v, "tricky"),
                        "q\"b\\s\nn\rr\tt\x01" "c\x1f" "d\x7f" "e/\xc3\xa9");
    assert_int_equal(jv_get(v, "nul")->type, JV_NULL);
    assert_string_equal(jv_get_str(v, "we\"ird\nkey"), "v");
    assert_true(jv_get_num(v, "neg", 0) == -42);
    assert_true(jv_get_num(v, "min", 0) == (double)INT64_MIN);
    assert_true(jv_get_num(v, "umax", 0) == (double)UINT64_MAX);
    assert_true(jv_get_num(v, "u32", 0) == 4294967295.0);
    assert_true(fabs(jv_get_num(v, "t", 0) - 8.65641) < 1e-12);
    assert_true(fabs(jv_get_num(v, "small", 0) - 0.000005) < 1e-12);
    assert_int_equal(jv_get(v, "nan")->type, JV_NULL);
    uint64_t u = 0;
    assert_int_equal(jv_get_u64(v, "umax", &u), 0);
    assert_true(u == UINT64_MAX);
    assert_true(jv_get(v, "yes")->type == JV_BOOL && jv_get(v, "yes")->b);
    assert_true(jv_get(v, "no")->type == JV_BOOL && !jv_get(v, "no")->b);
    assert_int_equal(jv_get(v, "null")->type, JV_NULL);

    const struct jv *list = jv_get(v, "list");
    assert_int_equal(list->type, JV_ARR);
    assert_int_equal(count_children(list), 5);
    assert_true(nth(list, 0)->num == 1);
    assert_string_equal(nth(list, 1)->str, "two");
    assert_int_equal(nth(list, 2)->type, JV_OBJ);
    assert_null(nth(list, 2)->child);
    assert_int_equal(nth(list, 3)->type, JV_ARR);
    assert_null(nth(list, 3)->child);
    assert_true(jv_get_num(nth(list, 4), "three", 0) == 3);

    const struct jv *nested = jv_get(v, "nested");
    assert_string_equal(jv_get_str(jv_get(nested, "deeper"), "leaf"), "x");
    assert_int_equal(jv_get(nested, "empty")->type, JV_ARR);
    assert_null(jv_get(nested, "empty")->child);
    jv_free(v);
}

static void test_json_round_trip(void **state)
{
    (void)state;
    char *compact = write_doc(false);
    /* Compact output is one line: what a trace line needs. */
    assert_null(strchr(compact, '\n'));
    check_doc(compact);
    char *pretty = write_doc(true);
    assert_non_null(strchr(pretty, '\n'));
    check_doc(pretty);
    free(compact);
    free(pretty);
}

static void test_json_string_escaping(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    json_write_string(f, "a\"\\\n\r\t\x01\x7f/z");
    assert_int_equal(fclose(f), 0);
    assert_string_equal(buf, "\"a\\\"\\\\\\n\\r\\t\\u0001\\u007f/z\"");
    free(buf);
}

/* --- trace reader ---------------------------------------------------------- */

static const char D1A[] = "49a26a6e66d793875c2bae54514c60ef2c536845";
static const char D256A[] =
    "22ec753f42da0fcfab5cbcd118d9abea868263a2ab67068c22fe198e994aba19";
static const char D1T[] = "9651bd0d09f654e91cdec3912e3d0ec965e00bfe";
static const char D256T[] =
    "5de65d76d295df343f85677ea48aae179c53d2658c8fd9ede67fb39d4c6d8703";

/* One trace line as the shim writes it. */
static struct json *line_begin(struct json *j, FILE *f, unsigned ord, double t)
{
    json_init(j, f, false);
    json_obj_begin(j, NULL);
    if (ord)
        json_uint(j, "ord", ord);
    json_double(j, "t", t);
    return j;
}

static void line_end(struct json *j)
{
    json_obj_end(j);
    fputc('\n', j->f);
}

static void w_cmd(FILE *f, unsigned ord, const char *name, const char *fate,
                  int pcr, const char *sha1, const char *sha256)
{
    struct json j;
    line_begin(&j, f, ord, ord / 10.0);
    json_str(&j, "dir", "cmd");
    json_str(&j, "cc", strcmp(name, "PCR_Extend") == 0 ? "0x00000182"
                                                        : "0x0000017e");
    json_str(&j, "name", name);
    json_str(&j, "fate", fate);
    if (pcr >= 0) {
        json_uint(&j, "pcr", (unsigned)pcr);
        json_obj_begin(&j, "digests");
        if (sha1)
            json_str(&j, "sha1", sha1);
        if (sha256)
            json_str(&j, "sha256", sha256);
        json_obj_end(&j);
    }
    line_end(&j);
}

static void w_rsp(FILE *f, unsigned ord, const char *rc, const char *tpm_rc,
                  const char *fate)
{
    struct json j;
    line_begin(&j, f, ord, ord / 10.0 + 0.01);
    json_str(&j, "dir", "rsp");
    json_str(&j, "cc", "0x00000182");
    json_str(&j, "name", "PCR_Extend");
    if (rc)
        json_str(&j, "rc", rc);
    if (tpm_rc)
        json_str(&j, "tpm_rc", tpm_rc);
    json_str(&j, "fate", fate);
    line_end(&j);
}

static void w_event(FILE *f, const char *event, const char *what)
{
    struct json j;
    line_begin(&j, f, 0, 9.5);
    json_str(&j, "event", event);
    if (what)
        json_str(&j, "what", what);
    line_end(&j);
}

static void w_truth(FILE *f, int pcr, const char *sha1, const char *sha256)
{
    struct json j;
    line_begin(&j, f, 0, 9.9);
    json_str(&j, "event", "pcr_truth");
    json_uint(&j, "pcr", (unsigned)pcr);
    json_uint(&j, "after_ord", 20);
    json_obj_begin(&j, "banks");
    json_str(&j, "sha1", sha1);
    json_str(&j, "sha256", sha256);
    json_obj_end(&j);
    line_end(&j);
}

/* A trace with every kind of line; see test_trace_full for what it holds. */
static void write_full_trace(FILE *f)
{
    w_event(f, "start", NULL);
    w_event(f, "connected", NULL);
    w_cmd(f, 1, "Startup", "relayed", -1, NULL, NULL);
    w_rsp(f, 1, "0x00000000", NULL, "relayed");
    /* SeaBIOS measures into PCRs 0-7: not counted. */
    w_cmd(f, 2, "PCR_Extend", "relayed", 0, D1A, D256A);
    w_rsp(f, 2, "0x00000000", NULL, "relayed");
    w_cmd(f, 3, "PCR_Extend", "relayed", 7, D1A, D256A);
    w_rsp(f, 3, "0x00000000", NULL, "relayed");
    /* ord 4: relayed, success -> applied. */
    w_cmd(f, 4, "PCR_Extend", "relayed", 10, D1A, D256A);
    w_rsp(f, 4, "0x00000000", NULL, "relayed");
    /* ord 5: answered by the shim with success: never reached swtpm. */
    w_cmd(f, 5, "PCR_Extend", "answered", 10, D1A, D256A);
    w_rsp(f, 5, "0x00000000", NULL, "answered");
    /* ord 6: relayed, swtpm failed it. */
    w_cmd(f, 6, "PCR_Extend", "relayed", 10, D1A, NULL);
    w_rsp(f, 6, "0x00000922", NULL, "relayed");
    /* ord 7: relayed, swtpm succeeded, the guest was told a failure. */
    w_cmd(f, 7, "PCR_Extend", "relayed", 10, D1A, D256A);
    w_rsp(f, 7, "0x00000101", "0x00000000", "relayed");
    w_event(f, "error", "data channel: connection reset");
    /* ord 8, 9 in flight together; responses in the other order. */
    w_cmd(f, 8, "PCR_Extend", "relayed", 10, D1A, D256A);
    w_cmd(f, 9, "PCR_Extend", "relayed", 10, D1A, "abcd");  /* bad sha256 */
    w_rsp(f, 9, "0x00000101", NULL, "relayed");
    w_rsp(f, 8, "0x00000000", NULL, "relayed");
    /* ord 10: response without rc. */
    w_cmd(f, 10, "PCR_Extend", "relayed", 10, D1A, D256A);
    w_rsp(f, 10, NULL, NULL, "relayed");
    /* ord 11: no response at all (the guest was cut off). */
    w_cmd(f, 11, "PCR_Extend", "relayed", 10, NULL, D256A);
    /* A response for a command that is not an extend. */
    w_cmd(f, 12, "PCR_Read", "relayed", -1, NULL, NULL);
    w_rsp(f, 12, "0x00000000", NULL, "relayed");
    w_event(f, "error", "second error");
    w_event(f, "ctrl", NULL);
    w_truth(f, 0, D1A, D256A);          /* another PCR: ignored */
    w_truth(f, 10, D1T, D256T);
}

static void write_trace_file(const char *path, void (*fill)(FILE *),
                             const char *tail)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    if (fill)
        fill(f);
    if (tail)
        fputs(tail, f);
    assert_int_equal(fclose(f), 0);
}

/* A guest command under the fault engine's contract: explicit forwarded,
 * and the rule that fired. */
static void w_fault_cmd(FILE *f, unsigned ord, bool forwarded, const char *fate,
                        const char *rule, const char *action)
{
    struct json j;
    line_begin(&j, f, ord, ord / 10.0);
    json_str(&j, "dir", "cmd");
    json_str(&j, "cc", "0x00000182");
    json_str(&j, "name", "PCR_Extend");
    json_bool(&j, "forwarded", forwarded);
    json_str(&j, "fate", fate);
    json_uint(&j, "pcr", 10);
    json_obj_begin(&j, "digests");
    json_str(&j, "sha1", D1A);
    json_obj_end(&j);
    json_obj_begin(&j, "fault");
    json_str(&j, "rule", rule);
    json_str(&j, "action", action);
    json_obj_end(&j);
    line_end(&j);
}

static void w_release(FILE *f, unsigned ord, bool forwarded)
{
    struct json j;
    line_begin(&j, f, ord, ord / 10.0 + 0.005);
    json_str(&j, "event", "release");
    json_bool(&j, "forwarded", forwarded);
    json_str(&j, "why", "cancel");
    line_end(&j);
}

/* One command per action class the shim reports. */
static void write_fault_trace(FILE *f)
{
    w_fault_cmd(f, 1, false, "answered", "refuse", "error");
    w_rsp(f, 1, "0x00000101", NULL, "synthesised");
    w_fault_cmd(f, 2, true, "relayed", "lie", "applied-then-error");
    w_rsp(f, 2, "0x00000101", "0x00000000", "replaced");
    w_fault_cmd(f, 3, false, "held", "late", "timeout");
    w_release(f, 3, true);
    w_rsp(f, 3, "0x00000000", "0x00000000", "relayed");
    w_fault_cmd(f, 4, false, "held", "never", "timeout");
    w_release(f, 4, false);
    w_rsp(f, 4, "0x00000909", NULL, "synthesised");
    w_fault_cmd(f, 5, true, "relayed", "mute", "drop-response");
    w_rsp(f, 5, NULL, "0x00000000", "dropped");
    w_cmd(f, 6, "PCR_Read", "relayed", -1, NULL, NULL);
}

static void test_trace_fault_contract(void **state)
{
    struct tmp *tp = *state;
    write_trace_file(tp->path, write_fault_trace, NULL);
    struct trace t;
    char *err = NULL;
    if (trace_load(tp->path, &t, &err) != 0)
        fail_msg("%s", err);
    static const struct { const char *rule; bool forwarded; int applied; } want[] = {
        { "refuse", false, 0 }, { "lie", true, 1 }, { "late", true, 1 },
        { "never", false, 0 }, { "mute", true, 1 },
    };
    assert_int_equal(t.n_faults, 5);
    assert_int_equal(t.n_ext, 5);
    for (unsigned i = 0; i < 5; i++) {
        assert_string_equal(t.faults[i].rule, want[i].rule);
        assert_int_equal(t.faults[i].ord, i + 1);
        assert_int_equal(t.faults[i].pcr, 10);
        assert_string_equal(t.faults[i].command, "PCR_Extend");
        assert_int_equal(t.faults[i].forwarded, want[i].forwarded);
        assert_int_equal(trace_ext(&t, i)->forwarded, want[i].forwarded);
        assert_int_equal(trace_ord_applied(&t, i + 1), want[i].applied);
    }
    assert_string_equal(t.faults[1].action, "applied-then-error");
    assert_int_equal(trace_ext(&t, 1)->guest_rc, 0x101);     /* the guest was lied to */
    assert_int_equal(trace_ext(&t, 1)->tpm_rc, 0);
    assert_int_equal(trace_ext(&t, 4)->guest_rc, 0xffffffffu);   /* never answered */
    assert_int_equal(trace_ord_applied(&t, 6), -1);     /* not an extend */
    assert_int_equal(trace_applied_count(&t), 3);
    trace_free(&t);
}

/* When the guest got each faulted frame's answer, whether the channel
 * closed on it, and QEMU's cancels: lines as the 6.1 run of a 5 s delay on
 * file 3's response (and a drop, and a close) wrote them, trimmed. */
static const char busy_trace[] =
    "{\"ord\":39,\"t\":2.318156,\"dir\":\"cmd\",\"cc\":\"0x00000182\","
    "\"name\":\"PCR_Extend\","
    "\"forwarded\":true,\"fate\":\"relayed\",\"fault\":{\"rule\":\"slow-third\","
    "\"action\":\"delay\",\"delay_ms\":5000,\"direction\":\"response\"},\"pcr\":10}\n"
    "{\"t\":3.068450,\"event\":\"ctrl\",\"cmd\":\"CMD_CANCEL_TPM_CMD\",\"code\":9,"
    "\"result\":0,\"fate\":\"answered\"}\n"
    "{\"t\":3.078231,\"event\":\"ctrl\",\"cmd\":\"CMD_CANCEL_TPM_CMD\",\"code\":9,"
    "\"result\":0,\"fate\":\"answered\"}\n"
    "{\"t\":4.0,\"event\":\"ctrl\",\"cmd\":\"CMD_GET_TPMESTABLISHED\",\"code\":4}\n"
    "{\"ord\":39,\"t\":7.318253,\"dir\":\"rsp\",\"cc\":\"0x00000182\","
    "\"name\":\"PCR_Extend\","
    "\"rc\":\"0x00000000\",\"tpm_rc\":\"0x00000000\",\"fate\":\"delayed\"}\n"
    "{\"ord\":40,\"t\":7.4,\"dir\":\"cmd\",\"cc\":\"0x00000182\","
    "\"name\":\"PCR_Extend\",\"forwarded\":true,"
    "\"fate\":\"relayed\",\"fault\":{\"rule\":\"mute\",\"action\":\"drop-response\"},"
    "\"pcr\":10}\n"
    "{\"ord\":40,\"t\":7.41,\"dir\":\"rsp\",\"cc\":\"0x00000182\","
    "\"name\":\"PCR_Extend\","
    "\"tpm_rc\":\"0x00000000\",\"fate\":\"dropped\"}\n"
    "{\"ord\":41,\"t\":8.0,\"dir\":\"cmd\",\"cc\":\"0x00000182\","
    "\"name\":\"PCR_Extend\",\"forwarded\":true,"
    "\"fate\":\"relayed\",\"fault\":{\"rule\":\"cut\",\"action\":\"close\","
    "\"direction\":\"response\"},\"pcr\":10}\n"
    "{\"ord\":41,\"t\":8.01,\"dir\":\"rsp\",\"cc\":\"0x00000182\","
    "\"name\":\"PCR_Extend\","
    "\"tpm_rc\":\"0x00000000\",\"fate\":\"closed\"}\n";

static void test_trace_fault_timing(void **state)
{
    struct tmp *tp = *state;
    write_trace_file(tp->path, NULL, busy_trace);
    struct trace t;
    char *err = NULL;
    if (trace_load(tp->path, &t, &err) != 0)
        fail_msg("%s", err);
    assert_int_equal(t.n_faults, 3);
    const struct trace_fault *slow = &t.faults[0], *mute = &t.faults[1],
                             *cut = &t.faults[2];
    assert_true(slow->on_response);
    assert_true(slow->t > 2.318 && slow->t < 2.3182);
    assert_true(slow->answered);
    assert_true(slow->t_answered > 7.318 && slow->t_answered < 7.3183);
    assert_false(slow->closed);
    assert_false(mute->answered);                  /* dropped: no "rc" */
    assert_false(mute->closed);
    assert_false(cut->answered);
    assert_true(cut->closed);
    assert_int_equal(t.n_cancels, 2);               /* other ctrl lines are not */
    assert_true(t.cancel_t[0] > 3.068 && t.cancel_t[0] < 3.0685);
    assert_true(t.cancel_t[1] > 3.078 && t.cancel_t[1] < 3.0783);
    trace_free(&t);
}

/* A fault on swtpm's response ("direction": "response"), as the shim
 * writes it: the command line says forwarded and relayed. */
static void w_rsp_fault_cmd(FILE *f, unsigned ord, const char *rule,
                            const char *action)
{
    struct json j;
    line_begin(&j, f, ord, ord / 10.0);
    json_str(&j, "dir", "cmd");
    json_str(&j, "cc", "0x00000182");
    json_str(&j, "name", "PCR_Extend");
    json_bool(&j, "forwarded", true);
    json_str(&j, "fate", "relayed");
    json_obj_begin(&j, "fault");
    json_str(&j, "rule", rule);
    json_str(&j, "action", action);
    json_str(&j, "direction", "response");
    json_obj_end(&j);
    json_uint(&j, "pcr", 10);
    json_obj_begin(&j, "digests");
    json_str(&j, "sha1", D1A);
    json_obj_end(&j);
    line_end(&j);
}

static void write_rsp_fault_trace(FILE *f)
{
    w_rsp_fault_cmd(f, 1, "r-err", "error");
    w_rsp(f, 1, "0x00000922", "0x00000000", "replaced");
    w_rsp_fault_cmd(f, 2, "r-slow", "delay");
    w_rsp(f, 2, "0x00000000", "0x00000000", "delayed");
    w_rsp_fault_cmd(f, 3, "r-hold", "timeout");
    struct json j;                       /* the held response's release */
    line_begin(&j, f, 3, 0.35);
    json_str(&j, "event", "release");
    json_bool(&j, "forwarded", true);
    json_str(&j, "why", "cancel");
    json_str(&j, "direction", "response");
    line_end(&j);
    w_rsp(f, 3, "0x00000000", "0x00000000", "held");
    w_rsp_fault_cmd(f, 4, "r-cxl", "cancel");
    w_rsp(f, 4, "0x00000909", "0x00000000", "replaced");
    w_rsp_fault_cmd(f, 5, "r-close", "close");
    w_rsp(f, 5, NULL, "0x00000000", "closed");
    /* swtpm itself refused one: forwarded, not applied */
    w_rsp_fault_cmd(f, 6, "r-slow2", "delay");
    w_rsp(f, 6, "0x00000922", "0x00000922", "delayed");
}

/* A fault on the response leaves the extend applied: it was forwarded and
 * swtpm answered success, whatever the guest got and when. */
static void test_trace_response_faults(void **state)
{
    struct tmp *tp = *state;
    write_trace_file(tp->path, write_rsp_fault_trace, NULL);
    struct trace t;
    char *err = NULL;
    if (trace_load(tp->path, &t, &err) != 0)
        fail_msg("%s", err);
    static const uint32_t guest[] = { 0x922, 0, 0, 0x909, 0xffffffffu, 0x922 };
    assert_int_equal(t.n_faults, 6);
    assert_int_equal(t.n_ext, 6);
    for (unsigned i = 0; i < 6; i++) {
        assert_true(t.faults[i].on_response);
        assert_true(t.faults[i].forwarded);
        assert_true(trace_ext(&t, i)->forwarded);
        assert_true(trace_ext(&t, i)->answered);
        assert_int_equal(trace_ext(&t, i)->guest_rc, guest[i]);
        assert_int_equal(trace_ord_applied(&t, i + 1), i < 5 ? 1 : 0);
    }
    assert_int_equal(trace_applied_count(&t), 5);
    trace_free(&t);
    /* A command-direction fault says nothing about a direction. */
    write_trace_file(tp->path, write_fault_trace, NULL);
    if (trace_load(tp->path, &t, &err) != 0)
        fail_msg("%s", err);
    for (size_t i = 0; i < t.n_faults; i++)
        assert_false(t.faults[i].on_response);
    trace_free(&t);
}

static void assert_digest(const uint8_t *got, const char *hex, size_t n)
{
    uint8_t want[ALG_MAX_DIGEST];
    assert_int_equal(hex_decode(hex, want, n), 0);
    assert_memory_equal(got, want, n);
}

static void check_full_trace(const struct trace *t)
{
    const unsigned S1 = 1u << BANK_SHA1, S256 = 1u << BANK_SHA256;
    assert_int_equal(t->frames, 12);
    /* PCR 10 extends only: ords 4..11. */
    assert_int_equal(t->n_ext, 8);
    for (size_t i = 0; i < t->n_ext; i++)
        assert_int_equal(trace_ext(t, i)->ord, 4 + i);
    const struct trace_cmd *e[8];
    for (size_t i = 0; i < 8; i++)
        e[i] = trace_ext(t, i);

    /* 4: relayed + success. */
    assert_true(e[0]->forwarded && e[0]->answered);
    assert_int_equal(e[0]->tpm_rc, 0);
    assert_int_equal(e[0]->guest_rc, 0);
    assert_true(trace_extend_applied(e[0]));
    assert_true(fabs(e[0]->t - 0.4) < 1e-9);
    assert_int_equal(e[0]->bank_mask, S1 | S256);
    assert_digest(e[0]->digest[BANK_SHA1], D1A, 20);
    assert_digest(e[0]->digest[BANK_SHA256], D256A, 32);
    /* 5: answered by the shim with success: the guest was told 0, but
     * swtpm never saw it. */
    assert_false(e[1]->forwarded);
    assert_true(e[1]->answered);
    assert_int_equal(e[1]->guest_rc, 0);
    assert_false(trace_extend_applied(e[1]));
    /* 6: swtpm failed it. */
    assert_true(e[2]->forwarded && e[2]->answered);
    assert_int_equal(e[2]->tpm_rc, 0x922);
    assert_false(trace_extend_applied(e[2]));
    assert_int_equal(e[2]->bank_mask, S1);
    /* 7: swtpm's code was success, the guest's a failure. */
    assert_int_equal(e[3]->tpm_rc, 0);
    assert_int_equal(e[3]->guest_rc, 0x101);
    assert_true(trace_extend_applied(e[3]));
    /* 8 and 9: paired by ord, not by order. */
    assert_int_equal(e[4]->tpm_rc, 0);
    assert_true(trace_extend_applied(e[4]));
    assert_int_equal(e[5]->tpm_rc, 0x101);
    assert_false(trace_extend_applied(e[5]));
    assert_int_equal(e[5]->bank_mask, S1);        /* "abcd" is no sha256 */
    /* 10: a response without rc is no success. */
    assert_true(e[6]->answered);
    assert_int_equal(e[6]->tpm_rc, 0xffffffffu);
    assert_false(trace_extend_applied(e[6]));
    /* 11: never answered. */
    assert_true(e[7]->forwarded);
    assert_false(e[7]->answered);
    assert_false(trace_extend_applied(e[7]));
    assert_int_equal(e[7]->bank_mask, S256);

    assert_int_equal(trace_applied_count(t), 3);

    assert_int_equal(t->errors, 2);
    assert_string_equal(t->first_error, "data channel: connection reset");

    assert_true(t->have_truth);
    assert_int_equal(t->truth_mask, S1 | S256);
    assert_digest(t->truth[BANK_SHA1], D1T, 20);
    assert_digest(t->truth[BANK_SHA256], D256T, 32);
}

static void test_trace_full(void **state)
{
    struct tmp *tp = *state;
    write_trace_file(tp->path, write_full_trace, NULL);
    struct trace t;
    char *err = NULL;
    assert_int_equal(trace_load(tp->path, &t, &err), 0);
    assert_null(err);
    check_full_trace(&t);
    trace_free(&t);
    assert_null(t.ext);
    assert_int_equal(t.n_ext, 0);
}

static void fill_many(FILE *f)
{
    /* More extends than the first allocation (64). */
    for (unsigned ord = 1; ord <= 200; ord++) {
        w_cmd(f, ord, "PCR_Extend", "relayed", ord % 2 ? 10 : 4, D1A, D256A);
        w_rsp(f, ord, "0x00000000", NULL, "relayed");
    }
}

static void test_trace_many(void **state)
{
    struct tmp *tp = *state;
    write_trace_file(tp->path, fill_many, NULL);
    struct trace t;
    char *err = NULL;
    assert_int_equal(trace_load(tp->path, &t, &err), 0);
    assert_int_equal(t.frames, 200);
    assert_int_equal(t.n_ext, 100);
    assert_int_equal(trace_applied_count(&t), 100);
    assert_int_equal(trace_ext(&t, 99)->ord, 199);
    assert_false(t.have_truth);
    assert_int_equal(t.errors, 0);
    trace_free(&t);
}

static void test_trace_cut_short_last_line(void **state)
{
    struct tmp *tp = *state;
    /* A killed shim: the last line stops mid-object, without a newline. */
    write_trace_file(tp->path, write_full_trace,
                     "{\"ord\":13,\"t\":1.300000,\"dir\":\"cmd\",\"na");
    struct trace t;
    char *err = NULL;
    assert_int_equal(trace_load(tp->path, &t, &err), 0);
    assert_null(err);
    check_full_trace(&t);
    trace_free(&t);

    /* Only the cut line, nothing before it. */
    write_trace_file(tp->path, NULL, "{\"t\":0.0000");
    assert_int_equal(trace_load(tp->path, &t, &err), 0);
    assert_null(err);
    assert_int_equal(t.n_ext, 0);
    assert_int_equal(t.frames, 0);
    trace_free(&t);

    /* An empty trace. */
    write_trace_file(tp->path, NULL, NULL);
    assert_int_equal(trace_load(tp->path, &t, &err), 0);
    assert_null(err);
    assert_int_equal(t.n_ext, 0);
    assert_false(t.have_truth);
    trace_free(&t);
}

static void test_trace_malformed_middle(void **state)
{
    struct tmp *tp = *state;
    write_trace_file(tp->path, NULL,
                     "{\"t\":0.1,\"event\":\"start\"}\n"
                     "{\"ord\":1,\"t\":0.2,\"dir\":\"cmd\",\"cc\":\"0x00000182\","
                     "\"name\":\"PCR_Extend\","
                     "\"fate\":\"relayed\",\"pcr\":10,\"digests\":{}}\n"
                     "{\"ord\":1,\"t\":0.3,\"dir\":\"rsp\",\"rc\":\"0x0\" x}\n"
                     "{\"t\":0.4,\"event\":\"connected\"}\n");
    struct trace t;
    char *err = NULL;
    assert_int_equal(trace_load(tp->path, &t, &err), -1);
    char want[256];
    snprintf(want, sizeof(want), "%s:3: offset 40: malformed object", tp->path);
    assert_string_equal(err, want);
    free(err);
    /* The partial result was released. */
    assert_null(t.ext);
    assert_int_equal(t.n_ext, 0);

    /* A cut line followed by more lines is malformed too (line 2). */
    write_trace_file(tp->path, NULL,
                     "{\"t\":0.1,\"event\":\"start\"}\n"
                     "{\"t\":0.2,\"ev\n"
                     "{\"t\":0.4,\"event\":\"connected\"}\n");
    err = NULL;
    assert_int_equal(trace_load(tp->path, &t, &err), -1);
    snprintf(want, sizeof(want), "%s:2: ", tp->path);
    assert_true(strncmp(err, want, strlen(want)) == 0);
    assert_contains(err, "control character in string");
    free(err);
}

static void test_trace_missing(void **state)
{
    struct tmp *tp = *state;
    struct trace t;
    char *err = NULL;
    assert_int_equal(trace_load(tp->path, &t, &err), -1);
    char want[256];
    snprintf(want, sizeof(want), "%s: %s", tp->path, strerror(ENOENT));
    assert_string_equal(err, want);
    free(err);
}


int main(void)
{
#define TT(f) cmocka_unit_test_setup_teardown(f, setup_tmp, teardown_tmp)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jv_object),
        cmocka_unit_test(test_jv_array_and_scalars),
        cmocka_unit_test(test_jv_numbers),
        cmocka_unit_test(test_jv_escapes),
        cmocka_unit_test(test_jv_rejects),
        cmocka_unit_test(test_jv_depth),
        cmocka_unit_test(test_json_round_trip),
        cmocka_unit_test(test_json_string_escaping),
        TT(test_trace_full),
        TT(test_trace_many),
        TT(test_trace_cut_short_last_line),
        TT(test_trace_malformed_middle),
        TT(test_trace_missing),
        TT(test_trace_fault_timing),
        TT(test_trace_fault_contract),
        TT(test_trace_response_faults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
