#include "json.h"

#include <inttypes.h>
#include <math.h>

#include "util/escape.h"

void json_init(struct json *j, FILE *f, bool pretty)
{
    j->f = f;
    j->depth = 0;
    j->need_comma[0] = false;
    j->pretty = pretty;
}

/* Control characters as \u escapes; a byte that is no valid UTF-8 as the
 * visible text \xNN (util/escape.h), so the file is always valid JSON. */
void json_write_string(FILE *f, const char *s)
{
    fputc('"', f);
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t len = utf8_len(p);
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (!len)
                fprintf(f, "\\\\x%02x", *p);
            else if (*p < 0x20 || *p == 0x7f)
                fprintf(f, "\\u%04x", *p);
            else
                fwrite(p, 1, len, f);
        }
        p += len ? len : 1;
    }
    fputc('"', f);
}

static void indent(struct json *j)
{
    if (!j->pretty)
        return;
    fputc('\n', j->f);
    for (int i = 0; i < j->depth; i++)
        fputs("  ", j->f);
}

/* Comma, indentation and key for the next value at the current depth. */
static void prefix(struct json *j, const char *key)
{
    if (j->need_comma[j->depth])
        fputc(',', j->f);
    j->need_comma[j->depth] = true;
    if (j->depth > 0)
        indent(j);
    if (key) {
        json_write_string(j->f, key);
        fputs(j->pretty ? ": " : ":", j->f);
    }
}

static void open(struct json *j, const char *key, char c)
{
    prefix(j, key);
    fputc(c, j->f);
    if (j->depth + 1 < JSON_MAX_DEPTH)
        j->depth++;
    j->need_comma[j->depth] = false;
}

static void close_(struct json *j, char c)
{
    bool had_items = j->need_comma[j->depth];
    if (j->depth > 0)
        j->depth--;
    if (had_items)
        indent(j);
    fputc(c, j->f);
    if (j->depth == 0 && j->pretty)
        fputc('\n', j->f);
}

void json_obj_begin(struct json *j, const char *key) { open(j, key, '{'); }
void json_obj_end(struct json *j) { close_(j, '}'); }
void json_arr_begin(struct json *j, const char *key) { open(j, key, '['); }
void json_arr_end(struct json *j) { close_(j, ']'); }

void json_str(struct json *j, const char *key, const char *val)
{
    prefix(j, key);
    if (val)
        json_write_string(j->f, val);
    else
        fputs("null", j->f);
}

void json_int(struct json *j, const char *key, int64_t val)
{
    prefix(j, key);
    fprintf(j->f, "%" PRId64, val);
}

void json_uint(struct json *j, const char *key, uint64_t val)
{
    prefix(j, key);
    fprintf(j->f, "%" PRIu64, val);
}

/* JSON has no nan or infinity (the reader refuses them): null instead. */
void json_double(struct json *j, const char *key, double val)
{
    prefix(j, key);
    if (isfinite(val))
        fprintf(j->f, "%.6f", val);
    else
        fputs("null", j->f);
}

void json_bool(struct json *j, const char *key, bool val)
{
    prefix(j, key);
    fputs(val ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
    prefix(j, key);
    fputs("null", j->f);
}
