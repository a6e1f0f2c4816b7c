/* tpmfault replay: option parsing. */
#include "cli/help.h"
#include "cli/replay_cli.h"

#include "util/err.h"
#include "util/hex.h"
#include "util/num.h"

#include <getopt.h>
#include <string.h>

int replay_args_pcr(struct replay_cli *c, const char *arg, char **err)
{
    const char *colon = strchr(arg, ':');
    const struct alg_info *a = colon ? alg_by_name_n(arg, (size_t)(colon - arg)) : NULL;
    if (!a)
        return err_set(err, "--pcr '%s': expected ALG:HEX with ALG one of "
                       "sha1, sha256, sha384, sha512", arg);
    const char *hex = colon + 1;
    if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
        hex += 2;
    if (hex_decode(hex, c->target[a->bank], a->size) < 0)
        return err_set(err, "--pcr '%s': the %s value is %zu hex digits",
                       arg, a->name, 2 * a->size);
    if (c->targets & (1u << a->bank))
        return err_set(err, "--pcr: two values for the %s bank", a->name);
    c->targets |= 1u << a->bank;
    return 0;
}

int replay_args_banks(const char *arg, unsigned *mask, char **err)
{
    *mask = 0;
    for (const char *p = arg; ; ) {
        size_t n = strcspn(p, ",");
        const struct alg_info *a = alg_by_name_n(p, n);
        if (!a)
            return err_set(err, "--banks '%s': '%.*s' is not sha1, sha256, "
                           "sha384 or sha512", arg, (int)n, p);
        *mask |= 1u << a->bank;
        if (!p[n])
            return 0;
        p += n + 1;
    }
}

int replay_args_bank_of_name(const char *path)
{
    const char *u = strrchr(path, '_');
    const char *slash = strrchr(path, '/');
    if (!u || (slash && u < slash))
        return -1;
    const struct alg_info *a = alg_by_name(u + 1);
    return a ? (int)a->bank : -1;
}

static int take_opt(struct replay_cli *c, int opt, const char *arg, char **err)
{
    const struct alg_info *a;
    uint64_t v;
    switch (opt) {
    case 'p': return replay_args_pcr(c, arg, err);
    case 'b': return replay_args_banks(arg, &c->banks, err);
    case 't':
        if (!(a = alg_by_name(arg)))
            return err_set(err, "--template-hash '%s': not sha1, sha256, "
                           "sha384 or sha512", arg);
        c->list_bank = a->bank;
        c->list_bank_given = true;
        return 0;
    case 'B': c->boot_pcrs = arg; return 0;
    case 'T': c->trace = arg; return 0;
    case 'i':
        if (num_parse(arg, 23, &v) < 0)
            return err_set(err, "--pcr-index '%s': not a PCR in 0..23", arg);
        c->pcr = (uint32_t)v;
        return 0;
    default:
        return err_set(err, "an unknown option, or one without its value\n"
                       "usage: %s", cli_synopsis("replay"));
    }
}

int replay_args_parse(int argc, char **argv, struct replay_cli *c, char **err)
{
    static const struct option opts[] = {
        { "pcr", required_argument, NULL, 'p' },
        { "banks", required_argument, NULL, 'b' },
        { "template-hash", required_argument, NULL, 't' },
        { "list-bank", required_argument, NULL, 't' },
        { "boot-pcrs", required_argument, NULL, 'B' },
        { "trace", required_argument, NULL, 'T' },
        { "pcr-index", required_argument, NULL, 'i' },
        { NULL, 0, NULL, 0 },
    };
    int opt;
    memset(c, 0, sizeof *c);
    c->pcr = 10;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1)
        if (take_opt(c, opt, optarg, err) < 0)
            return -1;
    if (optind != argc - 1)
        return err_set(err, "give exactly one measurement list\nusage: %s",
                       cli_synopsis("replay"));
    c->list = argv[optind];
    if (!c->list_bank_given) {
        int b = replay_args_bank_of_name(c->list);
        c->list_bank = b < 0 ? BANK_SHA1 : (enum bank)b;
    }
    if (!c->banks)
        c->banks = c->targets ? c->targets : (1u << BANK_SHA1) | (1u << BANK_SHA256);
    if (c->targets & ~c->banks)
        return err_set(err, "--pcr gives a value for a bank --banks leaves out");
    if (c->trace && c->pcr != 10)
        return err_set(err, "--trace knows the extends of PCR 10 only");
    return 0;
}
