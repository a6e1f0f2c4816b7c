#include "faults/kv.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpm/alg.h"
#include "util/err.h"
#include "util/near.h"
#include "util/num.h"

const struct kv_spec *kv_find(const struct kv_spec *table, const char *key)
{
    for (; table->key; table++)
        if (strcmp(table->key, key) == 0)
            return table;
    return NULL;
}

static int apply_number(const struct kv_spec *sp, const char *value,
                        void *field, char **err)
{
    uint64_t v;
    if (num_parse(value, UINT64_MAX, &v) < 0)
        return err_set(err, "%s: '%s' is not a number", sp->key, value);
    if (v < sp->min || v > sp->max)
        return err_set(err, "%s: %s is out of range %llu..%llu", sp->key, value,
                       (unsigned long long)sp->min, (unsigned long long)sp->max);
    if (sp->type == KV_U64)
        *(uint64_t *)field = v;
    else
        *(unsigned *)field = (unsigned)v;
    return 0;
}

static int apply_enum(const struct kv_spec *sp, const char *value, void *field,
                      char **err)
{
    for (int i = 0; sp->names[i]; i++) {
        if (strcmp(sp->names[i], value) == 0) {
            *(int *)field = i + 1;
            return 0;
        }
    }
    char list[256] = "", hint[96];
    struct near n;
    near_start(&n, value);
    for (int i = 0; sp->names[i]; i++) {
        if (i)
            strncat(list, "|", sizeof(list) - strlen(list) - 1);
        strncat(list, sp->names[i], sizeof(list) - strlen(list) - 1);
        near_consider(&n, sp->names[i]);
    }
    return err_set(err, "%s: '%s' is not one of %s%s", sp->key, value, list,
                   near_hint(&n, hint, sizeof(hint)));
}

static int apply_banks(const struct kv_spec *sp, const char *value,
                       void *field, char **err)
{
    unsigned mask = 0;
    char *copy = strdup(value), *save = NULL;
    if (!copy)
        return err_set(err, "out of memory");
    for (char *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        size_t n = strlen(tok);
        while (n && tok[n - 1] == ' ')
            tok[--n] = '\0';
        const struct alg_info *a = alg_by_name(tok);
        if (!a) {
            char hint[96];
            struct near n;
            near_start(&n, tok);
            for (int b = 0; b < BANK_COUNT; b++)
                near_consider(&n, alg_by_bank((enum bank)b)->name);
            err_set(err, "%s: unknown bank '%s' (sha1, sha256, sha384, "
                    "sha512)%s", sp->key, tok, near_hint(&n, hint, sizeof(hint)));
            free(copy);
            return -1;
        }
        mask |= 1u << a->bank;
    }
    free(copy);
    if (!mask)
        return err_set(err, "%s: no bank named", sp->key);
    *(unsigned *)field = mask;
    return 0;
}

int kv_apply(const struct kv_spec *sp, const char *value, void *target,
             char **err)
{
    void *field = (char *)target + sp->offset;
    int rc;
    switch (sp->type) {
    case KV_UINT:
    case KV_U64:
        rc = apply_number(sp, value, field, err);
        break;
    case KV_STR:
        if (strlen(value) >= sp->size)
            return err_set(err, "%s: value longer than %zu characters",
                           sp->key, sp->size - 1);
        /* Text reaches reports and terminals: no escape sequences. */
        for (const char *c = value; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                return err_set(err, "%s: control character 0x%02x in the "
                               "value", sp->key, (unsigned char)*c);
        strcpy((char *)field, value);
        rc = 0;
        break;
    case KV_ENUM:
        rc = apply_enum(sp, value, field, err);
        break;
    case KV_BANKS:
        rc = apply_banks(sp, value, field, err);
        break;
    case KV_FUNC:
        rc = sp->parse(sp, value, field, err);
        break;
    default:
        return err_set(err, "%s: internal error: bad key type", sp->key);
    }
    if (rc == 0 && sp->set_offset)
        *(bool *)((char *)target + sp->set_offset) = true;
    return rc;
}

/* The field's size in bytes. */
static size_t field_size(const struct kv_spec *sp)
{
    switch (sp->type) {
    case KV_U64: return sizeof(uint64_t);
    case KV_ENUM: return sizeof(int);
    case KV_STR:
    case KV_FUNC: return sp->size;
    default: return sizeof(unsigned);
    }
}

bool kv_is_set(const struct kv_spec *sp, const void *target)
{
    const char *field = (const char *)target + sp->offset;
    if (sp->set_offset)
        return *(const bool *)((const char *)target + sp->set_offset);
    switch (sp->type) {
    case KV_ENUM: return *(const int *)field != 0;
    case KV_BANKS: return *(const unsigned *)field != 0;
    case KV_STR:
    case KV_FUNC: return field[0] != '\0';
    default: return true;
    }
}

void kv_copy(const struct kv_spec *sp, void *dst, const void *src)
{
    memcpy((char *)dst + sp->offset, (const char *)src + sp->offset,
           field_size(sp));
    if (sp->set_offset)
        *(bool *)((char *)dst + sp->set_offset) =
            *(const bool *)((const char *)src + sp->set_offset);
}

bool kv_equal(const struct kv_spec *sp, const void *a, const void *b)
{
    const char *x = (const char *)a + sp->offset, *y = (const char *)b + sp->offset;
    if (sp->type == KV_STR || sp->type == KV_FUNC)
        return strncmp(x, y, sp->size) == 0;
    return memcmp(x, y, field_size(sp)) == 0;
}

char *kv_key_list(const struct kv_spec *table)
{
    size_t n = 1;
    for (const struct kv_spec *t = table; t->key; t++)
        n += strlen(t->key) + 2;
    char *s = calloc(1, n);
    if (!s)
        return NULL;
    for (const struct kv_spec *t = table; t->key; t++) {
        if (t != table)
            strcat(s, ", ");
        strcat(s, t->key);
    }
    return s;
}
