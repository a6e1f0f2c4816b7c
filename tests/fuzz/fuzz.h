/* Shared by the libFuzzer targets in tests/fuzz/: each target is one
 * fuzz_<name>.c defining LLVMFuzzerTestOneInput.  A target checks the
 * contract of the code it feeds (the error convention, messages that name
 * an offset, outputs within their bounds) and aborts through FUZZ_CHECK
 * when it does not hold, so a broken contract is a finding like a crash. */
#ifndef TPMFAULT_FUZZ_H
#define TPMFAULT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond, ...)                                           \
    do {                                                                \
        if (!(cond)) {                                                  \
            fprintf(stderr, "%s:%d: contract broken: %s: ", __FILE__,   \
                    __LINE__, #cond);                                   \
            fprintf(stderr, __VA_ARGS__);                               \
            fputc('\n', stderr);                                        \
            abort();                                                    \
        }                                                               \
    } while (0)

/* The 0/-1 + char **err convention: -1 comes with a message, 0 without. */
#define FUZZ_CHECK_ERR(rc, err)                                         \
    FUZZ_CHECK(((rc) == 0 && !(err)) || ((rc) == -1 && (err)),          \
               "rc %d, err %s", (int)(rc), (err) ? (err) : "(null)")

/* A NUL-terminated copy of the input (the text parsers' view of it). */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Read every byte of [p, p+n) so that ASan sees a pointer that is out of
 * its buffer; the sum keeps the reads from being optimised away. */
static inline unsigned fuzz_touch(const void *p, size_t n)
{
    const volatile uint8_t *b = p;
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += b[i];
    return sum;
}

#ifndef FUZZ_ROOT
#define FUZZ_ROOT "."
#endif

/* A file of the work tree (FUZZ_ROOT/dir/name, at most 64 KiB) for a
 * target's fixed inputs, NUL-terminated; exits when it cannot be read
 * (the run would be meaningless). */
static inline void fuzz_read_file(const char *dir, const char *name,
                                  uint8_t **p, size_t *n)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s/%s", FUZZ_ROOT, dir, name);
    FILE *fp = fopen(path, "rb");
    *p = malloc(65536 + 1);
    *n = fp && *p ? fread(*p, 1, 65536, fp) : 0;
    if (fp)
        fclose(fp);
    if (!*p || !*n) {
        fprintf(stderr, "fuzz: cannot read %s\n", path);
        exit(1);
    }
    (*p)[*n] = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
