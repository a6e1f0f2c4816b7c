/* Unit tests of report.html (harness/verdict/report_html.c) from a real
 * run's files (tests/data/runs/intermittent-extend): self-contained, every
 * command a mark, entry 3 named, and every text from the script or the
 * run escaped -- a description with <script> shows as text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "verdict/report_html.h"

#define RUN "tests/data/runs/intermittent-extend"

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

struct page {
    struct scenario s;
    struct run_outcome o;
    struct facts f;
    struct checks cs;
    struct timeline tl;
};

static struct page *page_load(void)
{
    static struct page p;
    char *err = NULL;
    memset(&p, 0, sizeof(p));
    if (scenario_load("scenarios/intermittent-extend.scn", &p.s, &err) < 0)
        fail_msg("%s", err);
    snprintf(p.s.description, sizeof(p.s.description),
             "<script>alert(1)</script> & \"quotes\"");
    snprintf(p.o.reproduce, sizeof(p.o.reproduce), "bin/tpmfault run x.scn");
    facts_collect(RUN, &p.s, &p.o, &p.f);
    expectations_check(&p.s, &p.f, &p.cs);
    if (timeline_load(RUN, &p.tl, &err) < 0)
        fail_msg("%s", err);
    return &p;
}

static char *render(struct page *p)
{
    const struct run_report r = { &p->s, &p->o, &p->f, &p->cs, VERDICT_PASS,
                                  "all <11> held" };
    const struct html_report h = { &r, &p->tl };
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    assert_non_null(m);
    report_html(m, &h);
    assert_int_equal(fclose(m), 0);
    return text;
}

static void page_free(struct page *p)
{
    timeline_free(&p->tl);
    facts_free(&p->f);
}

static void test_marks_and_entries(void **state)
{
    (void)state;
    struct page *p = page_load();
    char *html = render(p);
    assert_true(p->tl.n_rows > 100);
    assert_int_equal(count(html, "<rect class=\"frame "), p->tl.n_rows);
    assert_int_equal(count(html, "<circle class=\"ext "), p->tl.trace.n_ext);
    assert_int_equal(count(html, "<circle class=\"ext errored\""), 1);
    assert_non_null(strstr(html, "data-entry=\"3\""));
    assert_non_null(strstr(html, "class=\"entry entry-never\" data-entry=\"3\""));
    assert_int_equal(count(html, "class=\"entry entry-once\""), 5);
    assert_non_null(strstr(html, ">/work/file3</text>"));
    assert_non_null(strstr(html, "First divergent entry: <b>3</b> /work/file3"));
    assert_non_null(strstr(html, "<span class=\"verdict v-pass\">pass</span>"));
    free(html);
    page_free(p);
}

/* Nothing is fetched: no script, stylesheet, image or font from anywhere;
 * the only URL is SVG's namespace name. */
static void test_self_contained(void **state)
{
    (void)state;
    struct page *p = page_load();
    char *html = render(p);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<link"));
    assert_null(strstr(html, "src="));
    assert_null(strstr(html, "url("));
    assert_null(strstr(html, "@import"));
    assert_int_equal(count(html, "http"), count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
    assert_int_equal(count(html, "<style>"), 1);
    free(html);
    page_free(p);
}

/* The description, the reason and a file name from the list are text. */
static void test_escaped(void **state)
{
    (void)state;
    struct page *p = page_load();
    snprintf(p->tl.entries[3].file, sizeof(p->tl.entries[3].file),
             "/work/</text><script>x()</script>");
    char *html = render(p);
    assert_null(strstr(html, "<script"));
    assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; "
                                 "&quot;quotes&quot;"));
    assert_non_null(strstr(html, "all &lt;11&gt; held"));
    assert_non_null(strstr(html, "/work/&lt;/text&gt;&lt;script&gt;x()&lt;/script&gt;"));
    free(html);
    page_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_marks_and_entries),
        cmocka_unit_test(test_self_contained),
        cmocka_unit_test(test_escaped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
