/* The TPM's truth: PCR 10 read from swtpm itself over the shim's own end
 * of the data socketpair, just before QEMU's CMD_SHUTDOWN makes swtpm
 * exit and forget its PCRs.  Only called with no guest command in flight,
 * so the shim's PCR_Read cannot interleave with a guest frame.  A TPM 1.2
 * (the run's tpm = 1.2) is read with TPM_PcrRead: one bank, sha1. */
#include "shim/shim.h"

#include <stdlib.h>

#include "shim/io.h"
#include "util/err.h"
#include "util/mono.h"

/* One exchange with swtpm within the deadline: cmd out, the answer into
 * rsp. */
static int exchange(struct shim *s, const uint8_t *cmd, size_t len,
                    uint64_t deadline, uint8_t *rsp, size_t cap, size_t *got,
                    char **err)
{
    uint64_t now = evloop_now_ms();
    if (!len)
        return err_set(err, "cannot build the PCR read");
    if (now >= deadline)
        return err_set(err, "no time left within %d ms", SHIM_TRUTH_MS);
    return io_tpm_exchange(s->data.tpm_fd, cmd, len, rsp, cap, got,
                           (int)(deadline - now), err);
}

/* One PCR_Read of PCR 10 in the given banks.  *rc is the TPM's answer
 * (0 when the exchange itself failed). */
static int read_banks(struct shim *s, const enum bank *banks, unsigned n,
                      uint64_t deadline, struct pcr_digests *out, uint32_t *rc,
                      char **err)
{
    uint8_t cmd[64], rsp[1024];
    size_t len = frame_build_pcr_read(cmd, sizeof(cmd), SHIM_TRUTH_PCR,
                                      banks, n), got;
    *rc = 0;
    if (exchange(s, cmd, len, deadline, rsp, sizeof(rsp), &got, err) < 0)
        return -1;
    return frame_parse_pcr_read_rsp(rsp, got, SHIM_TRUTH_PCR, out, rc, err);
}

/* A TPM 1.2 has one bank, sha1: TPM_PcrRead. */
static int read_tpm12(struct shim *s, uint64_t deadline,
                      struct pcr_digests *out, char **err)
{
    uint8_t cmd[16], rsp[64];
    size_t len = frame12_build_pcr_read(cmd, sizeof(cmd), SHIM_TRUTH_PCR), got;
    uint32_t rc = 0;
    if (exchange(s, cmd, len, deadline, rsp, sizeof(rsp), &got, err) < 0)
        return -1;
    return frame12_parse_pcr_read_rsp(rsp, got, out, &rc, err);
}

/* read_s: how long the read held up QEMU's shutdown (a run's phase). */
static void trace_truth(struct shim *s, const struct pcr_digests *d,
                        double read_s)
{
    struct json *j = trace_event(&s->trace, 0, TRACE_EV_PCR_TRUTH);
    json_uint(j, TRACE_K_PCR, SHIM_TRUTH_PCR);
    json_uint(j, TRACE_K_AFTER_ORD, s->data.book.last_ord);
    json_double(j, TRACE_K_READ_S, read_s);
    trace_digests(j, TRACE_K_BANKS, d);
    trace_end(&s->trace);
}

/* A TPM 2.0: every bank the harness knows, or, when the TPM refuses that
 * set (e.g. no sha384 in this build), sha1 and sha256. */
static int read_tpm2(struct shim *s, uint64_t deadline,
                     struct pcr_digests *out, char **err)
{
    static const enum bank all[] = { BANK_SHA1, BANK_SHA256, BANK_SHA384,
                                     BANK_SHA512 };
    static const enum bank base[] = { BANK_SHA1, BANK_SHA256 };
    uint32_t rc;
    if (read_banks(s, all, 4, deadline, out, &rc, err) == 0)
        return 0;
    if (rc == 0)   /* the exchange itself failed */
        return -1;
    free(*err);
    *err = NULL;
    return read_banks(s, base, 2, deadline, out, &rc, err);
}

int shim_pcr_truth(struct shim *s)
{
    struct pcr_digests d;
    char *err = NULL;
    /* one deadline for both reads; a stop signal ends them at once (io.c) */
    uint64_t deadline = evloop_now_ms() + SHIM_TRUTH_MS;
    double t0 = mono_now();
    int r = s->cfg.family == TPM_FAMILY_12
                ? read_tpm12(s, deadline, &d, &err)
                : read_tpm2(s, deadline, &d, &err);
    if (r < 0) {
        trace_error(&s->trace, "pcr_truth: %s", err);
        free(err);
        return -1;
    }
    trace_truth(s, &d, mono_now() - t0);
    return 0;
}
