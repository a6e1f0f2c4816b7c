/* A small streaming JSON writer: enough for trace lines and reports.
 * It tracks commas itself so callers only say what to write. */
#ifndef TPMFAULT_JSON_H
#define TPMFAULT_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
    FILE *f;
    int depth;
    bool need_comma[JSON_MAX_DEPTH];
    bool pretty;
};

void json_init(struct json *j, FILE *f, bool pretty);
void json_obj_begin(struct json *j, const char *key);  /* key NULL in arrays */
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *val); /* NULL -> null */
void json_int(struct json *j, const char *key, int64_t val);
void json_uint(struct json *j, const char *key, uint64_t val);
void json_double(struct json *j, const char *key, double val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);
/* Write s as a JSON string literal with escaping. */
void json_write_string(FILE *f, const char *s);

#endif
