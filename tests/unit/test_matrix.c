/* The kernel matrix (runner/matrix_*.c): two kernels' suite reports
 * written here, read back into one table; the facts that differ are called
 * out, the exit code says whether everything passed, and matrix.json
 * parses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runner/fsutil.h"
#include "runner/matrix.h"
#include "util/jsonread.h"

struct tmp {
    char dir[64];
    char k61[128], k612[128];
};

static void put(const char *dir, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* One scenario's report: its facts and one expectation name. */
static void scenario(const char *kdir, const char *name, const char *release,
                     const char *exp_name, const char *facts, int cancels)
{
    char dir[256], text[2048];
    snprintf(dir, sizeof(dir), "%s/%s", kdir, name);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(text, sizeof(text), "{\"scenario\":\"%s\",\"verdict\":\"pass\","
             "\"kernel\":\"%s\",\"expectations\":[{\"name\":\"%s\","
             "\"result\":\"pass\"}],\"facts\":%s}\n", name, release, exp_name,
             facts);
    put(dir, "report.json", text);
    text[0] = '\0';
    /* codes: tpm_ioctl.h's CMD_INIT and CMD_CANCEL_TPM_CMD */
    strcat(text, "{\"t\":0.1,\"event\":\"ctrl\",\"cmd\":\"CMD_INIT\",\"code\":2}\n");
    for (int i = 0; i < cancels; i++)
        strcat(text, "{\"t\":1.0,\"event\":\"ctrl\",\"cmd\":\"CMD_CANCEL_TPM_CMD\","
               "\"code\":9}\n");
    put(dir, "trace.jsonl", text);
}

#define FACTS(seen, errors, padded, lists) \
    "{\"extends_seen\":" seen ",\"extends_applied\":4,\"list_entries\":6," \
    "\"entries_not_in_pcr\":[3],\"kernel_errors\":" errors ",\"bypass\":false," \
    "\"quote_present\":true,\"quote_valid\":true,\"padded_banks\":" padded "," \
    "\"bank_lists\":{\"state\":\"" lists "\"}}"

static const char *const summary_two =
    "{\"suite\":\"tpmfault\",\"scenarios\":["
    "{\"name\":\"baseline\",\"verdict\":\"pass\",\"reason\":\"ok\",\"wall_s\":5},"
    "{\"name\":\"extend-timeout\",\"verdict\":\"pass\",\"reason\":\"ok\",\"wall_s\":9.5},"
    "{\"name\":\"all-banks\",\"verdict\":\"%s\",\"reason\":\"%s\",\"wall_s\":7}]}\n";

static int setup(void **state)
{
    struct tmp *t = calloc(1, sizeof(*t));
    if (!t || private_dir_create("test_matrix", t->dir, sizeof(t->dir), NULL) < 0)
        return free(t), -1;
    snprintf(t->k61, sizeof(t->k61), "%s/6.1", t->dir);
    snprintf(t->k612, sizeof(t->k612), "%s/6.12/", t->dir);   /* trailing '/' */
    if (mkdir(t->k61, 0755) < 0 || mkdir(t->k612, 0755) < 0)
        return -1;
    char text[512];
    snprintf(text, sizeof(text), summary_two, "pass", "all held");
    put(t->k61, "summary.json", text);
    snprintf(text, sizeof(text), summary_two, "fail", "1 of 12 | did not hold");
    put(t->k612, "summary.json", text);
    scenario(t->k61, "extend-timeout", "6.1.0-56-cloud-amd64", "not-in-pcr",
             FACTS("6", "[{\"entry\":3,\"result\":-62}]", "[]", "absent"), 2);
    scenario(t->k612, "extend-timeout", "6.12.117+deb12-cloud-amd64", "not-in-pcr",
             FACTS("6", "[{\"entry\":3,\"result\":-62}]", "[]", "agree"), 3);
    scenario(t->k61, "all-banks", "6.1.0-56-cloud-amd64", "padded-banks[6.1]",
             FACTS("5", "[{\"entry\":null,\"result\":9}]",
                   "[\"sha384\",\"sha512\"]", "absent"), 0);
    scenario(t->k61, "baseline", "6.1.0-56-cloud-amd64", "quote",
             FACTS("4", "[]", "[]", "absent"), 0);
    scenario(t->k612, "baseline", "6.12.117+deb12-cloud-amd64", "quote",
             FACTS("4", "[]", "[]", "agree"), 0);
    /* all-banks on 6.12 left no report: a cell without facts */
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct tmp *t = *state;
    int rc = tree_remove(t->dir);
    free(t);
    return rc;
}

static size_t row(const struct matrix *m, const char *name)
{
    for (size_t s = 0; s < m->n_scenarios; s++)
        if (strcmp(m->scenario[s], name) == 0)
            return s;
    fail_msg("no row %s", name);
    return 0;
}

static void load(struct tmp *t, struct matrix *m)
{
    char *dirs[] = { t->k61, t->k612 };
    char *err = NULL;
    if (matrix_load(m, dirs, 2, &err) < 0)
        fail_msg("%s", err);
}

static void test_load(void **state)
{
    struct tmp *t = *state;
    struct matrix m;
    load(t, &m);
    assert_int_equal(m.n_kernels, 2);
    assert_string_equal(m.kernel[0], "6.1");
    assert_string_equal(m.kernel[1], "6.12");
    assert_string_equal(m.release[1], "6.12.117+deb12-cloud-amd64");
    assert_int_equal(m.n_scenarios, 3);
    assert_string_equal(m.scenario[0], "all-banks");       /* sorted */
    size_t et = row(&m, "extend-timeout"), ab = row(&m, "all-banks");
    const struct matrix_cell *c = matrix_cell(&m, et, 1);
    assert_true(c->have_facts);
    assert_string_equal(c->fact[MF_CANCELS], "3");
    assert_string_equal(c->fact[MF_KERNEL_ERRORS], "3:-62");
    assert_string_equal(c->fact[MF_NOT_IN_PCR], "3");
    assert_string_equal(c->fact[MF_QUOTE], "valid");
    assert_string_equal(c->fact[MF_PADDED_BANKS], "none");
    c = matrix_cell(&m, ab, 0);
    assert_string_equal(c->fact[MF_PADDED_BANKS], "sha384,sha512");
    assert_string_equal(c->fact[MF_KERNEL_ERRORS], "after:9");
    assert_string_equal(c->overrides, "padded-banks[6.1]");
    c = matrix_cell(&m, ab, 1);
    assert_true(c->present);
    assert_false(c->have_facts);
    assert_string_equal(c->verdict, "fail");
    matrix_free(&m);
}

static void test_differences(void **state)
{
    struct tmp *t = *state;
    struct matrix m;
    load(t, &m);
    size_t et = row(&m, "extend-timeout"), ab = row(&m, "all-banks");
    assert_true(matrix_differs(&m, et, MF_CANCELS));
    assert_true(matrix_differs(&m, et, MF_BANK_LISTS));
    assert_false(matrix_differs(&m, et, MF_EXTENDS_SEEN));
    assert_false(matrix_differs(&m, et, MF_KERNEL_ERRORS));
    assert_false(matrix_differs(&m, et, MF_COUNT));         /* both pass */
    assert_true(matrix_differs(&m, ab, MF_COUNT));
    assert_int_equal(matrix_exit_code(&m), 1);
    /* bank_lists differs alike in both scenarios that ran on both kernels;
     * cancels only in one */
    assert_true(matrix_everywhere(&m, MF_BANK_LISTS));
    assert_false(matrix_everywhere(&m, MF_CANCELS));
    assert_false(matrix_everywhere(&m, MF_EXTENDS_SEEN));
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    matrix_write_md(out, &m);
    fclose(out);
    assert_non_null(strstr(text, "| all-banks | pass (padded-banks[6.1]) | **fail** |"));
    assert_non_null(strstr(text, "| extend-timeout | pass | pass |"));
    assert_non_null(strstr(text, "In every scenario:\n- bank_lists: 6.1 = absent; "
                           "6.12 = agree\n\n"));
    assert_non_null(strstr(text, "- **extend-timeout**\n  - cancels: 6.1 = 2; 6.12 = 3\n"));
    assert_null(strstr(text, "  - bank_lists"));
    assert_null(strstr(text, "**baseline**"));
    assert_non_null(strstr(text, "  - verdict: 6.1 = pass; 6.12 = fail\n"));
    assert_non_null(strstr(text, "- all-banks on 6.12: fail — 1 of 12 \\| did not hold"));
    assert_null(strstr(text, "extends_seen: 6.1"));
    free(text);
    matrix_free(&m);
}

static void test_json(void **state)
{
    struct tmp *t = *state;
    struct matrix m;
    load(t, &m);
    char *err = NULL;
    assert_int_equal(matrix_write_files(t->dir, &m, &err), 0);
    char path[128], *text = NULL;
    size_t cap = 0;
    snprintf(path, sizeof(path), "%s/matrix.json", t->dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_true(getdelim(&text, &cap, '\0', f) > 0);
    fclose(f);
    struct jv *v = jv_parse(text, &err);
    assert_non_null(v);
    const struct jv *s = jv_get(v, "scenarios")->child;   /* all-banks */
    assert_string_equal(jv_get(v, "differences_everywhere")->child->str, "bank_lists");
    assert_string_equal(jv_get_str(s, "name"), "all-banks");
    const struct jv *k = jv_get(jv_get(s, "kernels"), "6.12");
    assert_string_equal(jv_get_str(k, "verdict"), "fail");
    assert_int_equal(jv_get(k, "facts")->type, JV_NULL);
    const struct jv *d = jv_get(s, "differences")->child;
    assert_string_equal(d->str, "verdict");
    assert_false(jv_get(v, "all_passed")->b);
    jv_free(v);
    free(text);
    matrix_free(&m);
}

/* Every scenario passed everywhere: exit 0, and "None" differences. */
static void test_all_pass(void **state)
{
    struct tmp *t = *state;
    char *dirs[] = { t->k61 };
    struct matrix m;
    char *err = NULL;
    assert_int_equal(matrix_load(&m, dirs, 1, &err), 0);
    assert_int_equal(matrix_exit_code(&m), 0);
    matrix_free(&m);
}

static void test_bad_input(void **state)
{
    struct tmp *t = *state;
    struct matrix m;
    char *err = NULL;
    char missing[128];
    snprintf(missing, sizeof(missing), "%s/none", t->dir);
    char *one[] = { missing };
    assert_int_equal(matrix_load(&m, one, 1, &err), -1);
    assert_non_null(strstr(err, "summary.json"));
    free(err);
    err = NULL;
    char *twice[] = { t->k61, t->k61 };
    assert_int_equal(matrix_load(&m, twice, 2, &err), -1);
    assert_non_null(strstr(err, "two kernels labelled 6.1"));
    free(err);
    err = NULL;
    put(t->k61, "summary.json", "{\"scenarios\":[{\"name\":\"x\"}]}");
    assert_int_equal(matrix_load(&m, one + 0, 0, &err), -1);
    free(err);
    err = NULL;
    char *k[] = { t->k61 };
    assert_int_equal(matrix_load(&m, k, 1, &err), -1);
    assert_non_null(strstr(err, "without a name or verdict"));
    free(err);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_load), T(test_differences), T(test_json), T(test_all_pass),
        T(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
