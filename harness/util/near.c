#include "util/near.h"

#include <ctype.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>

#define NEAR_MAX_LEN 64   /* longer words are no typo of a name */

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
    unsigned m = a < b ? a : b;
    return m < c ? m : c;
}

static bool same(char a, char b)
{
    return tolower((unsigned char)a) == tolower((unsigned char)b);
}

/* Edit distance, case-insensitive, where swapping two neighbours is one
 * edit ("erorr" is one from "error"): the optimal string alignment
 * distance, three rows. */
static unsigned distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned rows[3][NEAR_MAX_LEN + 1];
    if (la > NEAR_MAX_LEN || lb > NEAR_MAX_LEN)
        return ~0u;
    unsigned *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (unsigned)i;
        for (size_t j = 1; j <= lb; j++) {
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1,
                          prev[j - 1] + !same(a[i - 1], b[j - 1]));
            if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) &&
                same(a[i - 2], b[j - 1]) && pp[j - 2] + 1 < cur[j])
                cur[j] = pp[j - 2] + 1;
        }
        unsigned *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

void near_start(struct near *n, const char *word)
{
    n->word = word;
    n->best = NULL;
    n->dist = ~0u;
}

void near_consider(struct near *n, const char *candidate)
{
    unsigned d = distance(n->word, candidate);
    if (d < n->dist) {
        n->dist = d;
        n->best = candidate;
    }
}

const char *near_best(const struct near *n)
{
    unsigned limit = (unsigned)strlen(n->word) / 4;
    if (limit < 1)
        limit = 1;
    return n->best && n->dist <= limit ? n->best : NULL;
}

const char *near_hint(const struct near *n, char *buf, size_t size)
{
    const char *best = near_best(n);
    if (!best || snprintf(buf, size, "; did you mean %s?", best) >= (int)size)
        buf[0] = '\0';
    return buf;
}
