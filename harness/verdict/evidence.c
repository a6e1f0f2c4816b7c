#include "verdict/evidence.h"

#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/num.h"
#include "util/str.h"

struct decoder {
    struct evidence *ev;
    const char *outdir;
    FILE *out;             /* the file being received, or NULL */
    char name[64];
    long expected;         /* announced size */
    long got;
};

static void note_problem(struct evidence *ev, const char *what, const char *arg)
{
    if (!ev->problem[0])
        snprintf(ev->problem, sizeof(ev->problem), "%s: %.120s", what, arg);
}

/* Evidence file names come from the guest: only plain names are allowed. */
static bool safe_name(const char *s)
{
    if (!*s || strlen(s) >= 64 || s[0] == '.')
        return false;
    return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789._-") == strlen(s);
}

/* "NAME NUMBER" and nothing more, NUMBER in min..max (util/num: one that
 * overflows is no number, never a wrapped one).  0, or -1. */
static int name_and_number(const char *args, char *name, size_t size,
                           int64_t min, int64_t max, int64_t *v)
{
    size_t n = strcspn(args, " ");
    if (n == 0 || n >= size || args[n] != ' ')
        return -1;
    memcpy(name, args, n);
    name[n] = '\0';
    const char *p = args + n + 1;
    return num_take(&p, min, max, v) == 0 && *p == '\0' ? 0 : -1;
}

/* Evidence files are small: a list of 10^4 entries is a few MB. */
#define EV_FILE_MAX ((int64_t)1 << 32)

static void begin_file(struct decoder *d, const char *args)
{
    char name[64];
    int64_t size;
    if (name_and_number(args, name, sizeof(name), 0, EV_FILE_MAX, &size) < 0 ||
        !safe_name(name)) {
        note_problem(d->ev, "bad file header", args);
        return;
    }
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", d->outdir, name);
    /* "x": never replace a file the host put there (trace, logs). */
    d->out = fopen(path, "wbx");
    if (!d->out) {
        note_problem(d->ev, "cannot write", path);
        return;
    }
    snprintf(d->name, sizeof(d->name), "%s", name);
    d->expected = size;
    d->got = 0;
}

static void end_file(struct decoder *d)
{
    if (!d->out)
        return;
    fclose(d->out);
    d->out = NULL;
    if (d->got != d->expected)
        note_problem(d->ev, "file size differs from its header", d->name);
    else
        d->ev->n_files++;
}

static void base64_line(struct decoder *d, const char *line)
{
    unsigned char buf[128];
    size_t n = strlen(line);
    if (n == 0)
        return;
    if (n % 4 || n > 4 * (sizeof(buf) / 3)) {
        note_problem(d->ev, "bad base64 line in", d->name);
        return;
    }
    int len = EVP_DecodeBlock(buf, (const unsigned char *)line, (int)n);
    if (len < 0) {
        note_problem(d->ev, "bad base64 in", d->name);
        return;
    }
    /* EVP_DecodeBlock counts the padding as zero bytes. */
    if (line[n - 1] == '=')
        len--;
    if (line[n - 2] == '=')
        len--;
    fwrite(buf, 1, (size_t)len, d->out);
    d->got += len;
}

static void take_status(struct evidence *ev, const char *args)
{
    struct ev_status st;
    int64_t rc;
    if (name_and_number(args, st.name, sizeof(st.name), INT32_MIN, INT32_MAX,
                        &rc) < 0) {
        note_problem(ev, "bad status line", args);
        return;
    }
    st.rc = (int)rc;
    if (ev->n_status < EV_MAX_STATUS)
        ev->status[ev->n_status++] = st;
}

static void take_phase(struct evidence *ev, const char *args)
{
    if (strncmp(args, "booted", 6) == 0) {
        ev->booted = true;
        if (args[6] == ' ')
            snprintf(ev->kernel, sizeof(ev->kernel), "%s", args + 7);
    } else if (strcmp(args, "workload-done") == 0) {
        ev->workload_done = true;
    }
}

bool evidence_parse_mark(const char *args, struct ev_mark *m)
{
    char extra;
    return sscanf(args, "%31s %lf %c", m->name, &m->uptime, &extra) == 2 &&
           m->uptime >= 0 && m->uptime < 1e9;   /* not nan, not inf */
}

static void take_mark(struct evidence *ev, const char *args)
{
    struct ev_mark m;
    if (!evidence_parse_mark(args, &m)) {
        note_problem(ev, "bad mark line", args);
        return;
    }
    if (ev->n_marks < EV_MAX_MARKS)
        ev->mark[ev->n_marks++] = m;
}

static void take_read(struct evidence *ev, const char *args)
{
    const char *rc = strrchr(args, ' ');
    if (rc && strcmp(rc, " 0") == 0)
        ev->files_read++;
    else
        ev->files_failed++;
}

/* One TPMFAULT line: "TPMFAULT <verb> <args>". */
static void take_command(struct decoder *d, char *line)
{
    char *verb = line + strlen("TPMFAULT ");
    char *sp = strchr(verb, ' ');
    char *args = sp ? sp + 1 : verb + strlen(verb);
    if (sp)
        *sp = '\0';
    if (strcmp(verb, "end") == 0)
        end_file(d);
    else if (d->out)
        note_problem(d->ev, "file cut short", d->name), end_file(d);
    if (strcmp(verb, "file") == 0)
        begin_file(d, args);
    else if (strcmp(verb, "phase") == 0)
        take_phase(d->ev, args);
    else if (strcmp(verb, "status") == 0)
        take_status(d->ev, args);
    else if (strcmp(verb, "mark") == 0)
        take_mark(d->ev, args);
    else if (strcmp(verb, "read") == 0)
        take_read(d->ev, args);
    else if (strcmp(verb, "uname") == 0)
        snprintf(d->ev->uname, sizeof(d->ev->uname), "%s", args);
    else if (strcmp(verb, "done") == 0)
        d->ev->done = true;
}

int evidence_decode(const char *serial_path, const char *outdir,
                    struct evidence *ev, char **err)
{
    memset(ev, 0, sizeof(*ev));
    FILE *f = fopen(serial_path, "rb");
    if (!f)
        return err_errno(err, "%s", serial_path);
    struct decoder d = { .ev = ev, .outdir = outdir };
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
        n = (ssize_t)str_chomp(line, n);
        if (strncmp(line, "TPMFAULT ", 9) == 0)
            take_command(&d, line);
        else if (d.out)
            base64_line(&d, line);
    }
    if (d.out) {
        note_problem(ev, "file cut short", d.name);
        fclose(d.out);
    }
    free(line);
    fclose(f);
    return 0;
}

double evidence_mark(const struct evidence *ev, const char *name)
{
    for (int i = 0; i < ev->n_marks; i++)
        if (strcmp(ev->mark[i].name, name) == 0)
            return ev->mark[i].uptime;
    return -1;
}

int evidence_status(const struct evidence *ev, const char *name)
{
    for (int i = 0; i < ev->n_status; i++)
        if (strcmp(ev->status[i].name, name) == 0)
            return ev->status[i].rc;
    return -1;
}
