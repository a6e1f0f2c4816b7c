/* A small JSON reader for the files tpmfault itself writes (trace.jsonl,
 * report.json): parses one JSON text into a tree.  Strict (RFC 8259): the
 * number grammar exactly (no '+', leading zeros, hex, nan or infinity, and
 * only finite values), trailing characters are an error. */
#ifndef TPMFAULT_JSONREAD_H
#define TPMFAULT_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jv_type { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

struct jv {
    enum jv_type type;
    bool b;
    double num;
    bool is_u64;            /* JV_NUM: a non-negative integer held exactly */
    uint64_t u64;
    char *str;              /* JV_STR */
    char *key;              /* member name when inside an object */
    struct jv *child;       /* first element / member */
    struct jv *next;        /* next sibling */
};

/* Returns the tree or NULL with *err set (naming the byte offset). */
struct jv *jv_parse(const char *text, char **err);
void jv_free(struct jv *v);
/* Member of an object by name, or NULL. */
const struct jv *jv_get(const struct jv *obj, const char *key);
/* Typed member accessors: NULL / def when absent or of another type. */
const char *jv_get_str(const struct jv *obj, const char *key);
double jv_get_num(const struct jv *obj, const char *key, double def);
/* A non-negative integer member, exact to 2^64 - 1: 0, or -1 when absent,
 * of another type, negative, fractional or larger. */
int jv_get_u64(const struct jv *obj, const char *key, uint64_t *out);
/* An integral number member within [lo, hi]; def when absent, of another
 * type, fractional, out of range or not finite (a C cast of such a double
 * is undefined). */
long long jv_get_int(const struct jv *obj, const char *key, long long lo,
                     long long hi, long long def);

#endif
