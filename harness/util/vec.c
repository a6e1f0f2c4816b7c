#include "util/vec.h"

#include <stdint.h>
#include <stdlib.h>

void *vec_room(void *v, size_t n, size_t *cap, size_t elem, size_t first)
{
    if (n < *cap)
        return v;
    size_t want = *cap ? *cap * 2 : first;
    if (want < *cap || want > SIZE_MAX / elem)
        return NULL;
    void *grown = realloc(v, want * elem);
    if (grown)
        *cap = want;
    return grown;
}
