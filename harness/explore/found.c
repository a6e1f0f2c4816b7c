#include "explore/found.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "explore/class.h"
#include "util/memtext.h"
#include "runner/fsutil.h"
#include "util/err.h"
#include "util/idxlist.h"
#include "util/str.h"

/* "equal" when every bank's replay equals other, "differ" when every one
 * differs; NULL when a bank lacks a value or they are mixed. */
static const char *compare(const struct run_facts *rf, bool quote)
{
    size_t equal = 0, differ = 0;
    for (size_t b = 0; b < rf->n_banks; b++) {
        const struct rf_bank *k = &rf->bank[b];
        const char *other = quote ? k->quote : k->tpm;
        if (!k->replay[0] || !other[0])
            return NULL;
        strcmp(k->replay, other) == 0 ? equal++ : differ++;
    }
    return !rf->n_banks ? NULL : differ == 0 ? "equal" : equal == 0 ? "differ" : NULL;
}

static void put_list(FILE *o, const char *key, const struct rf_idxset *s)
{
    int64_t v[RF_MAX_IDX];
    char text[RF_MAX_IDX * 8];
    memcpy(v, s->v, s->n * sizeof(v[0]));
    if (idxlist_format(v, s->n, text, sizeof(text)) == 0)
        fprintf(o, "%s = %s\n", key, text);
}

char *found_expect(const struct run_facts *rf)
{
    char *text = NULL;
    size_t len;
    FILE *o = open_memstream(&text, &len);
    if (!o)
        return NULL;
    const char *tpm = compare(rf, false), *quote = compare(rf, true);
    fprintf(o, "list-complete = %s\n", rf->list_complete ? "yes" : "no");
    if (tpm)
        fprintf(o, "replay-vs-tpm = %s\n", tpm);
    if (quote && rf->quote_valid)
        fprintf(o, "replay-vs-quote = %s\n", quote);
    if (!rf->quote_present || rf->quote_valid)
        fprintf(o, "quote = %s\n", rf->quote_present ? "valid" : "refused");
    fprintf(o, "bypass = %s\n", rf->bypass ? "on" : "off");
    fprintf(o, "guest-alive = %s\n", rf->guest_alive ? "yes" : "no");
    fprintf(o, "explained = %s\n", rf->explained ? "yes" : "no");
    if (rf->explained)
        put_list(o, "not-in-pcr", &rf->not_in_pcr);
    if (rf->errors_unplaced == 0)
        put_list(o, "kernel-errors-for", &rf->error_entries);
    return memtext_close(o, &text);
}

/* A class short enough for a scenario name: the shape, then each
 * invariant by its words' initials ("missing-tail.nsd.pvf"). */
static void class_slug(const char *cls, char *out, size_t size)
{
    size_t n = 0;
    const char *dot = strchr(cls, '.');
    size_t shape = dot ? (size_t)(dot - cls) : strlen(cls);
    for (size_t i = 0; i < shape && n + 1 < size; i++)
        out[n++] = cls[i];
    for (const char *s = dot; s && *s && n + 2 < size; s++)
        if (*s == '.')
            out[n++] = '.', out[n++] = s[1];
        else if (*s == '-' && s[1] && s[1] != '.')
            out[n++] = s[1];
    out[n] = '\0';
}

/* Create dir/SLUG-N.scn exclusively, N from 1; the open file. */
static FILE *create_numbered(const char *dir, const char *cls, char *path,
                             size_t size, char **err)
{
    char slug[48];
    class_slug(cls, slug, sizeof(slug));
    for (unsigned n = 1; n < 10000; n++) {
        if (str_fmt(path, size, "%s/%s-%u.scn", dir, slug, n) < 0)
            break;
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd >= 0)
            return fdopen(fd, "w");
        if (errno != EEXIST) {
            err_errno(err, "%s", path);
            return NULL;
        }
    }
    err_set(err, "%s/%s-N.scn: no free name", dir, slug);
    return NULL;
}

int found_write(const char *dir, const char *cls, const struct placement *p,
                const struct run_facts *rf, const char *origin, char *path,
                size_t path_size, char **err)
{
    char desc[320];
    str_fmt(desc, sizeof(desc), "Found by tpmfault explore: %s", cls);
    char *expect = found_expect(rf);
    char *script = expect ? placement_script(p, desc, expect) : NULL;
    char *what = placement_describe(p);
    FILE *f = NULL;
    int rc = -1;
    if (!script || !what)
        err_set(err, "out of memory");
    else if (mkdir_p(dir, err) == 0 &&
             (f = create_numbered(dir, cls, path, path_size, err)) != NULL) {
        fprintf(f, "# %s\n# class %s, shrunk to: %s\n", origin, cls, what);
        class_describe(f, cls);
        fprintf(f, "# [expect] is what the shrunk run showed (tpmfault explore).\n");
        fputs(script, f);
        rc = fclose(f) == 0 ? 0 : err_errno(err, "%s", path);
    }
    free(expect);
    free(script);
    free(what);
    return rc;
}
