#include "explore/truth.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "tpm/alg.h"
#include "util/err.h"
#include "util/hex.h"
#include "util/str.h"
#include "verify/boot_aggregate.h"
#include "verify/replay_trace.h"

int boot_aggregate_truth(const char *dir, const char *claimed, char *out,
                         size_t size, char **err)
{
    char path[PATH_MAX], alg_name[16];
    const char *colon = strchr(claimed, ':');
    size_t len = colon ? (size_t)(colon - claimed) : 0;
    if (!colon || len >= sizeof(alg_name))
        return err_set(err, "boot_aggregate '%.40s': no algorithm", claimed);
    memcpy(alg_name, claimed, len);
    alg_name[len] = '\0';
    const struct alg_info *a = alg_by_name(alg_name);
    if (!a)
        return err_set(err, "boot_aggregate: unknown algorithm '%s'", alg_name);
    struct trace_scan ts;
    uint8_t digest[ALG_MAX_DIGEST];
    char hex[2 * ALG_MAX_DIGEST + 1];
    if (str_fmt(path, sizeof(path), "%s/trace.jsonl", dir) < 0)
        return err_set(err, "%s: path too long", dir);
    if (trace_scan_file(path, &ts, err) < 0 ||
        boot_aggregate_calc(&ts.boot, a->bank, digest, err) < 0)
        return -1;
    hex_encode(digest, a->size, hex);
    if (str_fmt(out, size, "%s:%s", a->name, hex) < 0)
        return err_set(err, "boot_aggregate: no room");
    return 0;
}
