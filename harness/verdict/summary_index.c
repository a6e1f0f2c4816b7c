/* reports/index.html: one row per scenario of a suite with its verdict,
 * its reason and a link to its report.html (self-contained, no script). */
#include "verdict/summary.h"

#include "util/escape.h"
#include "verdict/report_html.h"

static void index_row(FILE *out, const struct suite_result *r)
{
    const char *v = verdict_name(r->verdict);
    fputs("<tr><td><a href=\"", out);
    html_url_segment(out, r->name);
    fputs("/report.html\">", out);
    xml_escape(out, r->name, false);
    fprintf(out, "</a></td><td><span class=\"verdict v-%s\">%s</span></td><td>", v, v);
    xml_escape(out, r->reason ? r->reason : "", false);
    if (r->divergence) {
        fputs("\n", out);
        xml_escape(out, r->divergence, false);
    }
    fprintf(out, "</td><td>%.1f s</td><td><a href=\"", r->wall_s);
    html_url_segment(out, r->name);
    fputs("/run.log\">run.log</a></td></tr>\n", out);
}

void summary_write_index(FILE *out, const struct suite_result *r, size_t n,
                         const struct suite_info *info)
{
    struct suite_totals t;
    char totals[128];   /* in the title and under the heading */
    suite_count(r, n, &t);
    snprintf(totals, sizeof(totals), "%zu passed, %zu failed, %zu broken, "
             "%zu skipped", t.passed, t.failed, t.broken, t.skipped);
    fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>tpmfault suite: %s</title>\n<style>\n%s</style>\n</head>\n<body>\n"
            "<h1>tpmfault suite</h1>\n<p>%zu scenarios: %s%s · shard ", totals,
            report_html_css, n, totals, info->interrupted ? " · interrupted" : "");
    xml_escape(out, info->shard ? info->shard : "1/1", false);
    fprintf(out, " · %u jobs · wall %.1f s</p>\n<table class=\"index\">\n<thead><tr>"
            "<th>scenario</th><th>verdict</th><th>reason</th><th>wall</th><th>log</th>"
            "</tr></thead>\n<tbody>\n", info->jobs, info->wall_s);
    for (size_t i = 0; i < n; i++)
        index_row(out, &r[i]);
    fputs("</tbody>\n</table>\n</body>\n</html>\n", out);
}
