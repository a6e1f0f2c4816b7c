/* The timeline's cells in words, shared by the terminal, the console's
 * compact form and report.html so that all three say the same. */
#include "view/timeline_words.h"

#include <stdio.h>

const char *tl_swtpm_text(const struct tl_row *r)
{
    if (r->extend)
        return r->applied ? "applied" : r->c->forwarded ? "not applied (failed)"
                                                        : "not applied";
    return r->c->forwarded ? "reached" : "kept from swtpm";
}

const char *tl_guest_text(const struct timeline *tl, const struct tl_row *r,
                          char *buf, size_t n)
{
    return tl_rc_text(tl, r->c->answered ? r->c->guest_rc : TRACE_RC_NONE, buf, n);
}

const char *tl_rule_text(const struct tl_row *r, char *buf, size_t n)
{
    if (!r->fault)
        snprintf(buf, n, "%s", "");
    else
        snprintf(buf, n, "%s (%s%s)", r->fault->rule, r->fault->action,
                 r->fault->on_response ? " on the response" : "");
    return buf;
}

const char *tl_latency_text(const struct tl_row *r, char *buf, size_t n)
{
    const struct trace_cmd *c = r->c;
    if (c->t_rsp < 0)
        snprintf(buf, n, "no answer");
    else if (c->t_release >= 0)
        snprintf(buf, n, "%.2f ms, held %.1f ms", (c->t_rsp - c->t) * 1e3,
                 (c->t_release - c->t) * 1e3);
    else
        snprintf(buf, n, "%.2f ms", (c->t_rsp - c->t) * 1e3);
    return buf;
}

const char *tl_times_text(unsigned times, char *buf, size_t n)
{
    static const char *const words[] = { "never", "once", "twice" };
    if (times < 3)
        snprintf(buf, n, "%s", words[times]);
    else
        snprintf(buf, n, "%u times", times);
    return buf;
}

const char *tl_entry_label(const struct timeline *tl, const struct tl_row *r,
                           char *buf, size_t n)
{
    if (r->entry == TL_NONE)
        snprintf(buf, n, "%s", r->extend ? "?" : "");
    else if (r->send > 1)
        snprintf(buf, n, "%lld (resend %u)",
                 (long long)tl->entries[r->entry].index, r->send - 1);
    else
        snprintf(buf, n, "%lld", (long long)tl->entries[r->entry].index);
    return buf;
}

const char *tl_kernel_text(const struct tl_entry *e, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < e->n_kernel && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%sTPM error, result %ld",
                                 i ? "; " : "", e->kernel_result[i]);
    return buf;
}
