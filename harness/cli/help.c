#include "cli/help.h"

#include <string.h>

#ifndef TPMFAULT_GIT
#define TPMFAULT_GIT "unknown"
#endif

const char cli_version[] = "0.1.0 (git " TPMFAULT_GIT ")";

struct cli_doc {
    const char *cmd;
    const char *synopsis;
    const char *text;      /* what it does, options, exit codes */
};

static const struct cli_doc docs[] = {
    { "run",
      "tpmfault run [--kernel K] [--seed N] [--deadline S] [--reports DIR]\n"
      "                    [--initramfs FILE] [--keep]\n"
      "                    [--from-snapshot DIR | --make-snapshot DIR] SCENARIO.scn\n",
      "Run one scenario: swtpm, the shim and a QEMU guest; write REPORTS/NAME/.\n\n"
      "  --kernel K        6.1, 6.12 (a cached Debian kernel) or a bzImage path;\n"
      "                    default: the script's kernel, else 6.1\n"
      "  --seed N          seed of the fault rules' random streams (default: the\n"
      "                    script's, else random)\n"
      "  --deadline S      seconds for the whole run (default: the script's, 120)\n"
      "  --reports DIR     where NAME/ goes (default: reports/)\n"
      "  --initramfs FILE  the guest's initramfs (default: build/initramfs.cpio.gz)\n"
      "  --keep            keep the private runtime directory (debugging)\n"
      "  --from-snapshot DIR  start from the guest saved in DIR at the start of\n"
      "                    its workload instead of booting (broken when a fault\n"
      "                    of the script fires during the boot)\n"
      "  --make-snapshot DIR  boot the script's guest (no faults) to the start of\n"
      "                    its workload and save it in DIR; no verdict: 0 saved\n"
      "  -h, --help        this help\n\n"
      "Exit: 0 pass, 1 fail, 77 skip, 99 broken, 2 bad usage or script.\n" },
    { "suite",
      "tpmfault suite [--jobs N] [--shard K/N] [--reports DIR] [--seed N]\n"
      "                      [--kernel K] [--dry-run] [SCENARIO.scn...]\n",
      "Run many scenarios (default: every scenarios/*.scn), each as its own\n"
      "`tpmfault run`; write DIR/summary.json, junit.xml and summary.tap.\n\n"
      "  --jobs N          at most N runs at once (default: the online CPUs)\n"
      "  --shard K/N       only the scenarios whose sorted index i has i % N = K-1\n"
      "  --reports DIR     reports directory (default: reports/)\n"
      "  --seed N          passed to every run\n"
      "  --kernel K        passed to every run (6.1, 6.12 or a bzImage path)\n"
      "  --dry-run, --list check each script as `tpmfault check` does, print the\n"
      "                    selection, NAME PATH per line; run nothing\n"
      "  -h, --help        this help\n\n"
      "Exit: 0 every scenario passed or was skipped, 1 any failed or was broken,\n"
      "2 bad usage (or, with --dry-run, a script in error), 128+N interrupted by\n"
      "signal N.\n" },
    { "explore",
      "tpmfault explore [--seed S] [--budget N | --time T] [-j N] [--reports DIR]\n"
      "                        [--kernel K] [--fail-on CLASS,...] [--resume DIR]\n"
      "                        [--found DIR] [--shrink-runs N] [--no-snapshot]\n",
      "Search the fault space: generate placements of one or two faults (which IMA\n"
      "extend, firmware or agent command; direction, action, rc, delays around the\n"
      "driver's deadlines) on files = 5, run each as a `tpmfault run`, check the\n"
      "invariants on its facts and classify it: the divergence's shape (none,\n"
      "missing, missing-tail, doubled, missing-doubled, unexplained) then each\n"
      "invariant violated (list-complete, no-silent-divergence, no-false-alarm,\n"
      "exact-verifier-rejects, prefix-verifier-fooled, bypass-only-without-tpm,\n"
      "boot-aggregate-honest, guest-survives, quote-when-tpm-works), '.'-separated;\n"
      "'ok' when none; 'broken' when the run left no report.  One line per run;\n"
      "DIR/explore/summary.json (every run: placement, seed, class, invariants,\n"
      "wall time), rewritten after every batch; scripts in DIR/explore/placements/,\n"
      "reports in DIR/explore/runs/.  Then the first run of each class that\n"
      "violates something is shrunk (one fault fewer, a fault a frame earlier, a\n"
      "shorter delay, a file fewer, kept while the class stays) and written as\n"
      "FOUND/SLUG-N.scn with [expect] from the shrunk run, which is run once more.\n\n"
      "  --seed S          the search's seed: the same seed, the same placements\n"
      "                    (default: random, printed)\n"
      "  --budget N        N runs (default: 20 unless --time is given)\n"
      "  --time T          stop starting runs after T (90s, 30m, 2h)\n"
      "  -j, --jobs N      at most N runs at once (default: 1)\n"
      "  --reports DIR     reports directory (default: reports/)\n"
      "  --kernel K        passed to every run (6.1, 6.12 or a bzImage path)\n"
      "  --fail-on C,...   exit 1 when a run's class is C, or has the shape or\n"
      "                    invariant C\n"
      "  --resume DIR      continue the search in DIR (its summary.json: seed,\n"
      "                    runs done); --budget then counts the further runs\n"
      "  --found DIR       where shrunk scripts go (default: scenarios/found/)\n"
      "  --shrink-runs N   runs to shrink each class with (default: 6; 0: no\n"
      "                    shrinking)\n"
      "  --no-snapshot     boot for every run; by default a run whose faults all\n"
      "                    come after the boot starts from DIR/explore/snapshots/base\n"
      "                    (made once, remade when missing or stale)\n"
      "  -h, --help        this help\n\n"
      "Exit: 0 the search completed (violations found or not), 1 a class of\n"
      "--fail-on was found (or the search's files could not be written), 2 bad\n"
      "usage, 128+N interrupted by signal N.\n" },
    { "check",
      "tpmfault check [--explain] [--seed N] SCENARIO.scn...\n",
      "Parse each script without running it; print `PATH: ok (N expectations)`\n"
      "or every error, each with file and line (and the nearest known name);\n"
      "warn about rules that never fire on the workload and expected list\n"
      "indices beyond its files.\n\n"
      "  --explain         print the IMA extends (k, entry, file) each rule hits\n"
      "  --seed N          the seed to predict ppm rules with (default: the\n"
      "                    script's; without one they are not predicted)\n"
      "  -h, --help        this help\n\n"
      "Exit: 0 every script is good (warnings or not), 2 any is not.\n" },
    { "list",
      "tpmfault list [DIR]\n",
      "The catalogue: each DIR/*.scn (default: scenarios/) with its description.\n\n"
      "  -h, --help        this help\n\n"
      "Exit: 0, or 2 when a script does not parse or DIR cannot be read.\n" },
    { "replay",
      "tpmfault replay LIST [--pcr ALG:HEX]... [--banks ALG,...]\n"
      "                       [--template-hash ALG] [--boot-pcrs FILE]\n"
      "                       [--trace trace.jsonl] [--pcr-index N]\n",
      "Replay a PCR from a binary IMA measurement list\n"
      "(binary_runtime_measurements[_ALG]) and print it per bank; with the options,\n"
      "say whether the list is exactly what the TPM holds.\n\n"
      "  --pcr ALG:HEX         the PCR's value in bank ALG (sha1, sha256, sha384,\n"
      "                        sha512) to compare with; once per bank\n"
      "  --banks ALG,...       banks to replay (default: the --pcr banks, else\n"
      "                        sha1,sha256)\n"
      "  --template-hash ALG   the list's template digest algorithm (default: from\n"
      "                        a _ALG file name suffix, else sha1); the same as\n"
      "                        --list-bank ALG\n"
      "  --boot-pcrs FILE      PCRs 0-9 to check boot_aggregate against\n"
      "  --trace FILE          a run's trace.jsonl: the extends the TPM applied\n"
      "  --pcr-index N         the PCR to replay, 0..23 (default: 10)\n"
      "  -h, --help            this help\n\n"
      "Exit: 0 match (or replayed), 1 mismatch, 2 bad usage or input (an empty\n"
      "file, the ASCII list, a malformed list).\n" },
    { "matrix",
      "tpmfault matrix [--out DIR] SUITE_REPORTS_DIR...\n",
      "One table from several kernels' suite reports (one directory per kernel):\n"
      "scenario x kernel -> verdict, and the facts that differ between kernels.\n\n"
      "  --out DIR         also write DIR/matrix.md and DIR/matrix.json\n"
      "  -h, --help        this help\n\n"
      "Exit: 0 every scenario passed or was skipped on every kernel, 1 not,\n"
      "2 bad usage or unreadable reports.\n" },
    { "show",
      "tpmfault show [--all] [--json] REPORT_DIR\n",
      "A run's timeline from its report directory (trace.jsonl,\n"
      "binary_runtime_measurements, dmesg.txt): a row per guest TPM command with\n"
      "its phase, the list entry an extend carries, the fault rule that fired,\n"
      "whether swtpm applied it, what the guest saw and the latency; control\n"
      "messages (cancels, the shutdown); then a row per list entry: in PCR 10\n"
      "once, twice or never, and why.  Colour only on a terminal (not with\n"
      "NO_COLOR).\n\n"
      "  --all             every command and control message (default: IMA's\n"
      "                    PCR 10 extends, the commands a rule fired on, cancels\n"
      "                    and the shutdown)\n"
      "  --json            the timeline model as JSON\n"
      "  -h, --help        this help\n\n"
      "Exit: 0, or 2 for bad usage or a directory that is no run's report or\n"
      "holds a file that cannot be read (the file and line named).\n" },
    { "help",
      "tpmfault help [COMMAND]\n",
      "This text, or COMMAND's help (the same as tpmfault COMMAND --help).\n" },
};

#define N_DOCS (sizeof(docs) / sizeof(docs[0]))

static const struct cli_doc *find(const char *cmd)
{
    for (size_t i = 0; cmd && i < N_DOCS; i++)
        if (strcmp(docs[i].cmd, cmd) == 0)
            return &docs[i];
    return NULL;
}

const char *cli_synopsis(const char *cmd)
{
    const struct cli_doc *d = find(cmd);
    return d ? d->synopsis : NULL;
}

void cli_usage(FILE *out)
{
    for (size_t i = 0; i < N_DOCS; i++)
        fprintf(out, "%s%s", i ? "       " : "usage: ", docs[i].synopsis);
    fputs("       tpmfault --version\n"
          "`tpmfault COMMAND --help` describes a command's options.\n", out);
}

int cli_help(const char *cmd)
{
    const struct cli_doc *d = find(cmd);
    if (!d) {
        fprintf(stderr, "tpmfault: unknown command '%s'\n", cmd);
        cli_usage(stderr);
        return 2;
    }
    printf("usage: %s\n", d->synopsis);
    fputs(d->text, stdout);
    return 0;
}

bool cli_help_asked(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    return false;
}
