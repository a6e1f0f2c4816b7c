#include "view/timeline_json.h"

#include "util/json.h"
#include "view/timeline_words.h"

static void json_rc(struct json *j, const struct timeline *tl, const char *key,
                    uint32_t rc)
{
    char buf[48], hex[16];
    if (rc == TRACE_RC_NONE) {
        json_null(j, key);
        return;
    }
    snprintf(hex, sizeof(hex), "0x%x", rc);
    json_obj_begin(j, key);
    json_str(j, "code", hex);
    json_str(j, "name", tl_rc_text(tl, rc, buf, sizeof(buf)));
    json_obj_end(j);
}

static void json_time(struct json *j, const char *key, double t)
{
    if (t < 0)
        json_null(j, key);
    else
        json_double(j, key, t);
}

static void json_row(struct json *j, const struct timeline *tl,
                     const struct tl_row *r)
{
    const struct trace_cmd *c = r->c;
    json_obj_begin(j, NULL);
    json_uint(j, "frame", c->ord);
    json_double(j, "t", c->t);
    json_str(j, "phase", tl_phase_names[r->phase]);
    json_str(j, "command", c->name);
    if (c->pcr >= 0)
        json_int(j, "pcr", c->pcr);
    else
        json_null(j, "pcr");
    if (r->entry != TL_NONE) {
        json_int(j, "entry", tl->entries[r->entry].index);
        json_str(j, "file", tl->entries[r->entry].file);
        json_uint(j, "send", r->send);
    }
    if (r->fault) {
        json_obj_begin(j, "fault");
        json_str(j, "rule", r->fault->rule);
        json_str(j, "action", r->fault->action);
        json_str(j, "direction", r->fault->on_response ? "response" : "command");
        json_obj_end(j);
    }
    json_bool(j, "forwarded", c->forwarded);
    if (r->extend)
        json_bool(j, "applied", r->applied);
    json_rc(j, tl, "tpm_rc", c->forwarded ? c->tpm_rc : TRACE_RC_NONE);
    json_rc(j, tl, "guest_rc", c->answered ? c->guest_rc : TRACE_RC_NONE);
    json_time(j, "t_response", c->t_rsp);
    json_time(j, "t_released", c->t_release);
    json_str(j, "fate", tl_fate_names[r->fate]);
    json_uint(j, "cancels", r->cancels);
    json_obj_end(j);
}

static void json_entry(struct json *j, const struct timeline *tl, size_t i)
{
    const struct tl_entry *e = &tl->entries[i];
    json_obj_begin(j, NULL);
    json_int(j, "entry", e->index);
    json_str(j, "file", e->file);
    if (tl->unaligned[0])
        json_null(j, "in_pcr");
    else
        json_uint(j, "in_pcr", e->in_pcr);
    json_uint(j, "frames", e->frames);
    json_arr_begin(j, "frame_ords");
    for (size_t r = e->first_row; r != TL_NONE && r <= e->last_row; r++)
        if (tl->rows[r].entry == i)
            json_uint(j, NULL, tl->rows[r].c->ord);
    json_arr_end(j);
    json_arr_begin(j, "kernel_results");
    for (unsigned k = 0; k < e->n_kernel; k++)
        json_int(j, NULL, e->kernel_result[k]);
    json_arr_end(j);
    json_str(j, "why", e->why[0] ? e->why : NULL);
    json_obj_end(j);
}

void timeline_write_json(FILE *out, const struct timeline *tl)
{
    struct json j;
    json_init(&j, out, true);
    json_obj_begin(&j, NULL);
    json_bool(&j, "bypass", tl->dm.bypass);
    json_uint(&j, "cancels", tl->cancels);
    json_double(&j, "t_end", tl->t_end);
    json_str(&j, "unaligned", tl->unaligned[0] ? tl->unaligned : NULL);
    json_arr_begin(&j, "commands");
    for (size_t i = 0; i < tl->n_rows; i++)
        json_row(&j, tl, &tl->rows[i]);
    json_arr_end(&j);
    json_arr_begin(&j, "control");
    for (size_t i = 0; i < tl->trace.n_ctrls; i++) {
        const struct trace_ctrl *c = &tl->trace.ctrls[i];
        json_obj_begin(&j, NULL);
        json_double(&j, "t", c->t);
        json_str(&j, "command", c->cmd);
        json_uint(&j, "after_frame", c->after_ord);
        json_obj_end(&j);
    }
    json_arr_end(&j);
    json_arr_begin(&j, "entries");
    for (size_t i = 0; i < tl->n_entries; i++)
        json_entry(&j, tl, i);
    json_arr_end(&j);
    json_obj_end(&j);
    fputc('\n', out);
}
