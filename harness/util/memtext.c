#include "util/memtext.h"

#include <stdbool.h>
#include <stdlib.h>

char *memtext_close(FILE *o, char **text)
{
    bool bad = ferror(o) != 0;
    if (fclose(o) != 0 || bad) {
        free(*text);
        return NULL;
    }
    return *text;
}
