#include "util/jsonread.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

#define JV_MAX_DEPTH 32

struct jp {
    const char *s;
    size_t i;
    int depth;
    char **err;
};

static struct jv *parse_value(struct jp *p);

static void skip_ws(struct jp *p)
{
    while (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
           p->s[p->i] == '\r')
        p->i++;
}

static struct jv *fail(struct jp *p, const char *what)
{
    err_set(p->err, "offset %zu: %s", p->i, what);
    return NULL;
}

static struct jv *new_jv(enum jv_type t)
{
    struct jv *v = calloc(1, sizeof(*v));
    if (v)
        v->type = t;
    return v;
}

static int hex4(const char *s, unsigned *out)
{
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        char c = s[k];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

/* Parse a string literal at p->i (on the opening quote) into a new buffer.
 * \u escapes beyond ASCII become '?': we only read our own ASCII output. */
static char *parse_string(struct jp *p)
{
    size_t cap = 16, n = 0;
    p->i++;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    for (;;) {
        char c = p->s[p->i];
        if (c == '\0' || (unsigned char)c < 0x20) {
            free(out);
            fail(p, c ? "control character in string" : "unterminated string");
            return NULL;
        }
        p->i++;
        if (c == '"')
            break;
        if (c == '\\') {
            char e = p->s[p->i++];
            unsigned u;
            switch (e) {
            case '"': case '\\': case '/': c = e; break;
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u':
                if (hex4(p->s + p->i, &u) < 0) {
                    free(out);
                    fail(p, "bad \\u escape");
                    return NULL;
                }
                p->i += 4;
                c = u < 0x80 ? (char)u : '?';
                break;
            default:
                p->i--;     /* name the escape character, not the byte after */
                free(out);
                fail(p, "bad escape");
                return NULL;
            }
        }
        if (n + 2 > cap) {
            char *grown = realloc(out, cap *= 2);
            if (!grown) {
                free(out);
                return NULL;
            }
            out = grown;
        }
        out[n++] = c;
    }
    out[n] = '\0';
    return out;
}

static struct jv *parse_container(struct jp *p, bool is_obj)
{
    struct jv *v = new_jv(is_obj ? JV_OBJ : JV_ARR), **tail;
    if (!v)
        return NULL;
    tail = &v->child;
    p->i++;
    skip_ws(p);
    if (p->s[p->i] == (is_obj ? '}' : ']')) {
        p->i++;
        return v;
    }
    for (;;) {
        char *key = NULL;
        skip_ws(p);
        if (is_obj) {
            if (p->s[p->i] != '"' || !(key = parse_string(p)))
                goto bad;
            skip_ws(p);
            if (p->s[p->i] != ':') {
                free(key);
                goto bad;
            }
            p->i++;
        }
        struct jv *item = parse_value(p);
        if (!item) {
            free(key);
            goto bad;
        }
        item->key = key;
        *tail = item;
        tail = &item->next;
        skip_ws(p);
        /* Step over the separator only when it is one, so that a failure
         * names the offending byte (and never an offset past the end). */
        char c = p->s[p->i];
        if (c == ',') {
            p->i++;
            continue;
        }
        if (c == (is_obj ? '}' : ']')) {
            p->i++;
            return v;
        }
        goto bad;
    }
bad:
    fail(p, is_obj ? "malformed object" : "malformed array");
    jv_free(v);
    return NULL;
}

/* Length of the digits at s (0 when none). */
static size_t digits(const char *s)
{
    size_t n = 0;
    while (s[n] >= '0' && s[n] <= '9')
        n++;
    return n;
}

/* The JSON number grammar, exactly: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
 * (no '+', no leading zeros, no hex, no nan or infinity), and a finite
 * value.  A non-negative integer is also kept exactly (u) when it fits 64
 * bits: a double cannot hold every seed. */
static size_t number_len(const char *s, bool *integral)
{
    size_t i = s[0] == '-', d = digits(s + i);
    if (d == 0 || (s[i] == '0' && d > 1))
        return 0;
    i += d;
    *integral = true;
    if (s[i] == '.') {
        if ((d = digits(s + i + 1)) == 0)
            return 0;
        i += 1 + d;
        *integral = false;
    }
    if (s[i] == 'e' || s[i] == 'E') {
        size_t sign = s[i + 1] == '+' || s[i + 1] == '-';
        if ((d = digits(s + i + 1 + sign)) == 0)
            return 0;
        i += 1 + sign + d;
        *integral = false;
    }
    return i;
}

static struct jv *parse_number(struct jp *p)
{
    const char *s = p->s + p->i;
    bool integral = false;
    size_t n = number_len(s, &integral);
    if (n == 0)
        return fail(p, s[0] == '-' || (s[0] >= '0' && s[0] <= '9')
                           ? "malformed number" : "unexpected character");
    char *end;
    double d = strtod(s, &end);
    if (end != s + n || !isfinite(d))
        return fail(p, "number out of range");
    struct jv *v = new_jv(JV_NUM);
    if (!v)
        return NULL;
    v->num = d;
    errno = 0;
    if (integral && s[0] != '-') {
        unsigned long long u = strtoull(s, NULL, 10);
        v->is_u64 = errno == 0;
        v->u64 = u;
    }
    p->i += n;
    return v;
}

static struct jv *parse_literal(struct jp *p)
{
    static const struct { const char *word; enum jv_type t; bool b; } lits[] = {
        { "true", JV_BOOL, true }, { "false", JV_BOOL, false },
        { "null", JV_NULL, false },
    };
    for (size_t k = 0; k < sizeof(lits) / sizeof(lits[0]); k++) {
        size_t n = strlen(lits[k].word);
        if (strncmp(p->s + p->i, lits[k].word, n) == 0) {
            p->i += n;
            struct jv *v = new_jv(lits[k].t);
            if (v)
                v->b = lits[k].b;
            return v;
        }
    }
    return parse_number(p);
}

static struct jv *parse_value(struct jp *p)
{
    skip_ws(p);
    if (++p->depth > JV_MAX_DEPTH)
        return fail(p, "nested too deeply");
    struct jv *v;
    char c = p->s[p->i];
    if (c == '{' || c == '[') {
        v = parse_container(p, c == '{');
    } else if (c == '"') {
        char *s = parse_string(p);
        v = s ? new_jv(JV_STR) : NULL;
        if (v)
            v->str = s;
        else
            free(s);
    } else {
        v = parse_literal(p);
    }
    p->depth--;
    return v;
}

struct jv *jv_parse(const char *text, char **err)
{
    struct jp p = { text, 0, 0, err };
    struct jv *v = parse_value(&p);
    if (!v)
        return NULL;
    skip_ws(&p);
    if (p.s[p.i] != '\0') {
        jv_free(v);
        return fail(&p, "trailing characters");
    }
    return v;
}

void jv_free(struct jv *v)
{
    while (v) {
        struct jv *next = v->next;
        jv_free(v->child);
        free(v->str);
        free(v->key);
        free(v);
        v = next;
    }
}

const struct jv *jv_get(const struct jv *obj, const char *key)
{
    if (!obj || obj->type != JV_OBJ)
        return NULL;
    for (const struct jv *m = obj->child; m; m = m->next)
        if (m->key && strcmp(m->key, key) == 0)
            return m;
    return NULL;
}

const char *jv_get_str(const struct jv *obj, const char *key)
{
    const struct jv *m = jv_get(obj, key);
    return m && m->type == JV_STR ? m->str : NULL;
}

double jv_get_num(const struct jv *obj, const char *key, double def)
{
    const struct jv *m = jv_get(obj, key);
    return m && m->type == JV_NUM ? m->num : def;
}

int jv_get_u64(const struct jv *obj, const char *key, uint64_t *out)
{
    const struct jv *m = jv_get(obj, key);
    if (!m || m->type != JV_NUM || !m->is_u64)
        return -1;
    *out = m->u64;
    return 0;
}

long long jv_get_int(const struct jv *obj, const char *key, long long lo,
                     long long hi, long long def)
{
    const struct jv *m = jv_get(obj, key);
    /* Every comparison is false for NaN; the first bounds the cast. */
    if (!m || m->type != JV_NUM || !(m->num > -9e18 && m->num < 9e18))
        return def;
    long long v = (long long)m->num;
    if ((double)v != m->num || v < lo || v > hi)
        return def;
    return v;
}
