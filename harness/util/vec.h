#ifndef TPMFAULT_VEC_H
#define TPMFAULT_VEC_H

#include <stddef.h>

/* Room for one more element in a growing array of n elements: when n has
 * reached *cap the capacity doubles (to `first` from empty) and the moved
 * array is returned; otherwise v itself.  NULL when memory runs out, and v
 * is then still valid. */
void *vec_room(void *v, size_t n, size_t *cap, size_t elem, size_t first);

#endif
