/* --fail-on CLASS,...: which classes end a search with exit 1. */
#include "explore/search.h"

#include <stdlib.h>
#include <string.h>

#include "explore/class.h"
#include "util/err.h"

/* Every '.'-part of item [s, s+len) is a shape or an invariant. */
static bool known_item(const char *s, size_t len)
{
    while (len > 0) {
        const char *dot = memchr(s, '.', len);
        size_t part = dot ? (size_t)(dot - s) : len;
        if (!class_word_known(s, part))
            return false;
        s += part + (dot != NULL);
        len -= part + (dot != NULL);
    }
    return true;
}

int explore_fail_on_check(const char *fail_on, char **err)
{
    const char *s = fail_on;
    do {
        size_t len = strcspn(s, ",");
        if (len == 0 || !known_item(s, len))
            return err_set(err, "--fail-on: '%.*s' is no class, shape or "
                           "invariant (tpmfault explore --help lists them)",
                           (int)len, s);
        s += len;
    } while (*s++ == ',');
    return 0;
}

/* cls has item as one of its '.'-parts, or is item. */
static bool matches(const char *cls, const char *item, size_t len)
{
    if (memchr(item, '.', len))
        return strlen(cls) == len && strncmp(cls, item, len) == 0;
    for (const char *p = cls; p; p = strchr(p, '.')) {
        p += *p == '.';
        if (strncmp(p, item, len) == 0 && (p[len] == '.' || p[len] == '\0'))
            return true;
    }
    return false;
}

bool explore_fail_on_match(const char *fail_on, const char *cls)
{
    for (const char *s = fail_on; s && *s; s += *s == ',') {
        size_t len = strcspn(s, ",");
        if (matches(cls, s, len))
            return true;
        s += len;
    }
    return false;
}
