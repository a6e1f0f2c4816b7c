/* gen_list N OUT_DIR: a deterministic ima-ng binary measurement list of N
 * entries (boot_aggregate, then N-1 files with realistic paths), written
 * the way the kernel writes it, and the PCR 10 values it replays to,
 * computed here with OpenSSL's EVP on its own (not tpmfault's code):
 *   OUT_DIR/binary_runtime_measurements
 *   OUT_DIR/pcrs.sha1, pcrs.sha256   evmctl --pcrs files ("PCR-NN: hex")
 *   stdout: "sha1:HEX sha256:HEX"    tpmfault replay --pcr values
 * Every file digest is the sha256 of a content string derived from the
 * path, every template digest the sha1 of the template data. */
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const dirs[] = {
    "/usr/bin", "/usr/sbin", "/usr/lib/x86_64-linux-gnu", "/usr/libexec",
    "/usr/lib/python3/dist-packages/urllib3", "/usr/share/perl5/Debconf",
    "/etc/systemd/system", "/usr/lib/systemd", "/var/lib/dpkg/info",
    "/usr/lib/jvm/java-17-openjdk-amd64/lib", "/opt/app/node_modules/lodash",
    "/home/build/.cache/pip/wheels", "/usr/lib/modules/6.1.0-27-amd64/kernel/fs",
};
static const char *const stems[] = {
    "libssl", "libcrypto", "python3", "bash", "systemd-journald", "sshd",
    "libc", "ld-linux-x86-64", "libz", "dpkg", "apt", "libstdc++", "perl",
    "node", "java", "ext4", "libsystemd", "libglib-2.0", "libpam", "gzip",
};
static const char *const exts[] = { ".so.3", ".py", "", ".so.6", ".ko", ".pm",
                                    ".service", ".jar", ".js", ".list" };

#define N_OF(a) (sizeof (a) / sizeof (a)[0])

static uint64_t rng = 0x9e3779b97f4a7c15ull;     /* xorshift64*, fixed seed */
static uint64_t next(void)
{
    rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}

static void die(const char *what) { fprintf(stderr, "gen_list: %s\n", what); exit(2); }

static void le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void digest(const EVP_MD *md, const void *d, size_t n, uint8_t *out)
{
    if (!EVP_Digest(d, n, out, NULL, md, NULL))
        die("EVP_Digest");
}

static void extend(const EVP_MD *md, uint8_t *pcr, const uint8_t *d)
{
    uint8_t buf[128];
    size_t n = (size_t)EVP_MD_get_size(md);
    memcpy(buf, pcr, n);
    memcpy(buf + n, d, n);
    digest(md, buf, 2 * n, pcr);
}

/* Template data of ima-ng: d-ng "sha256:\0" + digest, n-ng name + NUL. */
static size_t ng_data(uint8_t *t, const uint8_t fd[32], const char *name)
{
    size_t nl = strlen(name) + 1, o = 0;
    le32(t + o, 7 + 1 + 32); o += 4;
    memcpy(t + o, "sha256:", 8); o += 8;
    memcpy(t + o, fd, 32); o += 32;
    le32(t + o, (uint32_t)nl); o += 4;
    memcpy(t + o, name, nl);
    return o + nl;
}

struct st { FILE *out; uint8_t p1[20], p2[32]; const EVP_MD *sha1, *sha256; };

static void entry(struct st *s, const char *name, const uint8_t fd[32])
{
    uint8_t t[600], head[4 + 20 + 4 + 6 + 4], d1[20], d2[32];
    size_t tn = ng_data(t, fd, name);
    digest(s->sha1, t, tn, d1);
    digest(s->sha256, t, tn, d2);
    extend(s->sha1, s->p1, d1);
    extend(s->sha256, s->p2, d2);
    le32(head, 10);
    memcpy(head + 4, d1, 20);
    le32(head + 24, 6);
    memcpy(head + 28, "ima-ng", 6);
    le32(head + 34, (uint32_t)tn);
    if (fwrite(head, sizeof head, 1, s->out) != 1 || fwrite(t, tn, 1, s->out) != 1)
        die("write failed");
}

static void file_entry(struct st *s, unsigned long i)
{
    char name[300], content[340];
    uint8_t fd[32];
    uint64_t r = next();
    snprintf(name, sizeof name, "%s/%s-%lu%s", dirs[r % N_OF(dirs)],
             stems[(r >> 8) % N_OF(stems)], i, exts[(r >> 16) % N_OF(exts)]);
    int n = snprintf(content, sizeof content, "contents of %s, version %llu",
                     name, (unsigned long long)(r >> 32));
    digest(s->sha256, content, (size_t)n, fd);
    entry(s, name, fd);
}

static void pcr_file(const char *dir, const char *alg, const uint8_t *v, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/pcrs.%s", dir, alg);
    FILE *f = fopen(path, "w");
    if (!f)
        die("cannot write a pcrs file");
    for (int i = 0; i < 24; i++) {
        fprintf(f, "PCR-%02d: ", i);
        for (size_t k = 0; k < n; k++)
            fprintf(f, "%02x", i == 10 ? v[k] : 0);
        fputc('\n', f);
    }
    fclose(f);
}

static void print_hex(const char *alg, const uint8_t *v, size_t n, const char *end)
{
    printf("%s:", alg);
    for (size_t k = 0; k < n; k++)
        printf("%02x", v[k]);
    fputs(end, stdout);
}

int main(int argc, char **argv)
{
    char path[4096];
    unsigned long n = argc == 3 ? strtoul(argv[1], NULL, 10) : 0;
    if (n == 0)
        die("usage: gen_list N OUT_DIR");
    struct st s = { .sha1 = EVP_sha1(), .sha256 = EVP_sha256() };
    snprintf(path, sizeof path, "%s/binary_runtime_measurements", argv[2]);
    if (!(s.out = fopen(path, "wb")))
        die("cannot create the list");
    uint8_t ba[32];
    digest(s.sha256, "PCR 0-9 of a bench machine", 26, ba);
    entry(&s, "boot_aggregate", ba);
    for (unsigned long i = 1; i < n; i++)
        file_entry(&s, i);
    if (fclose(s.out) != 0)
        die("write failed");
    pcr_file(argv[2], "sha1", s.p1, 20);
    pcr_file(argv[2], "sha256", s.p2, 32);
    print_hex("sha1", s.p1, 20, " ");
    print_hex("sha256", s.p2, 32, "\n");
    return 0;
}
