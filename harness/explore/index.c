#include "explore/index.h"

#include <stdio.h>
#include <string.h>

#include "util/atomicfile.h"
#include "util/escape.h"
#include "verdict/report_html.h"

struct index_ctx {
    const struct explore_log *log;
    const struct shrunk *sh;
    size_t n_sh;
};

static const struct shrunk *shrunk_of(const struct index_ctx *c, const char *cls)
{
    for (size_t i = 0; i < c->n_sh; i++)
        if (strcmp(c->sh[i].cls, cls) == 0)
            return &c->sh[i];
    return NULL;
}

static void class_row(FILE *out, const struct index_ctx *c, size_t first, size_t count)
{
    const struct explore_run *r = &c->log->runs[first];
    const struct shrunk *s = shrunk_of(c, r->cls);
    fputs("<tr><td>", out);
    xml_escape(out, r->cls, false);
    fprintf(out, "</td><td>%zu</td><td><a href=\"runs/", count);
    html_url_segment(out, r->name);
    fputs("/report.html\">", out);
    xml_escape(out, r->name, false);
    fputs("</a> ", out);
    xml_escape(out, r->placement, false);
    fputs("</td><td>", out);
    if (s) {
        fputs("<a href=\"file://", out);
        xml_escape(out, s->path, true);
        fputs("\">", out);
        xml_escape(out, s->path, false);
        fputs("</a> (", out);
        xml_escape(out, s->verdict, false);
        fputs(")", out);
    }
    fputs("</td></tr>\n", out);
}

static void write_index(FILE *out, const void *p)
{
    const struct index_ctx *c = p;
    const struct explore_log *log = c->log;
    fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>tpmfault explore: seed %llu, %zu runs</title>\n<style>\n%s</style>\n"
            "</head>\n<body>\n<h1>tpmfault explore</h1>\n<p>seed %llu · %zu runs · "
            "wall %.0f s</p>\n<table class=\"index\">\n<thead><tr><th>class</th>"
            "<th>runs</th><th>first run</th><th>shrunk script</th></tr></thead>\n<tbody>\n",
            (unsigned long long)log->seed, log->n, report_html_css,
            (unsigned long long)log->seed, log->n, log->wall_s);
    for (size_t i = 0; i < log->n; i++) {
        bool first;
        size_t count = explore_class_count(log, i, &first);
        if (first)
            class_row(out, c, i, count);
    }
    fputs("</tbody>\n</table>\n</body>\n</html>\n", out);
}

int explore_index_write(const char *dir, const struct explore_log *log,
                        const struct shrunk *sh, size_t n_sh, char **err)
{
    struct index_ctx c = { log, sh, n_sh };
    return atomic_write(dir, "index.html", write_index, &c, err);
}
