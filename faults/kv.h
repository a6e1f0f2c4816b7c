/* Typed key=value tables (after swtpm's options.c): each section of a
 * script names a table of keys; a value is parsed by its key's type into a
 * field of the target struct.  Unknown keys and bad values are errors. */
#ifndef TPMFAULT_KV_H
#define TPMFAULT_KV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum kv_type {
    KV_UINT,    /* unsigned, range [min, max], stored as unsigned int */
    KV_U64,     /* unsigned 64-bit (seeds), stored as uint64_t */
    KV_STR,     /* free text, stored in a char[size] */
    KV_ENUM,    /* one of names[], stored as int (index + 1; 0 = unset) */
    KV_BANKS,   /* comma list of bank names, stored as unsigned bit mask */
    KV_FUNC,    /* parsed by spec->parse into the field */
};

struct kv_spec;
typedef int kv_parse_fn(const struct kv_spec *sp, const char *value,
                        void *field, char **err);

struct kv_spec {
    const char *key;
    enum kv_type type;
    size_t offset;              /* offsetof the field in the target */
    size_t size;                /* KV_STR: the buffer size */
    uint64_t min, max;          /* KV_UINT / KV_U64 */
    const char *const *names;   /* KV_ENUM: NULL-terminated */
    size_t set_offset;          /* offsetof a bool "was set" flag, or 0 */
    const char *help;           /* one line for error messages and docs */
    kv_parse_fn *parse;         /* KV_FUNC */
};

/* Find key in a table terminated by a {NULL} entry. */
const struct kv_spec *kv_find(const struct kv_spec *table, const char *key);

/* Parse value for spec into target.  On failure *err says why, without
 * location (the caller prefixes file:line). */
int kv_apply(const struct kv_spec *spec, const char *value, void *target,
             char **err);

/* A field's state, for keys given more than once under conditions (an
 * expectation and its kernel override): whether target's field for sp was
 * given (an enum: non-zero; a bank mask: non-zero; text, and KV_FUNC
 * fields, which must be char[size] text: non-empty; a number: its "was set"
 * flag, or always without one), copying it with its flag, comparing it. */
bool kv_is_set(const struct kv_spec *sp, const void *target);
void kv_copy(const struct kv_spec *sp, void *dst, const void *src);
bool kv_equal(const struct kv_spec *sp, const void *a, const void *b);

/* "a, b, c" list of a table's keys, for "unknown key" messages. */
char *kv_key_list(const struct kv_spec *table);

#endif
