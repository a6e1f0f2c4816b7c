#include "util/textfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "util/err.h"

char *text_file_read(const char *path, char **err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return err_errno(err, "%s", path), NULL;
    char *text = NULL;
    size_t cap = 0;
    ssize_t n = getdelim(&text, &cap, '\0', f);
    int read_error = ferror(f);
    fclose(f);
    if (n < 0) {
        free(text);
        if (read_error)
            return err_set(err, "%s: read error", path), NULL;
        text = strdup("");   /* empty file */
        if (!text)
            err_set(err, "%s: out of memory", path);
        return text;
    }
    if ((size_t)n != strlen(text)) {
        free(text);
        return err_set(err, "%s: contains a NUL byte", path), NULL;
    }
    return text;
}
