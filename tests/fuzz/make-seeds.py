#!/usr/bin/env python3
"""Write the fuzz corpus seeds under tests/fuzz/corpus/ (run from anywhere).

Real inputs: the golden quote of tests/data/quote, the scenarios and the
rejected scripts of tests/data/bad-scenarios; REPORTS (a reports/ folder of
real runs, default ../main/reports next to this work tree, optional) gives
binary measurement lists and trace excerpts.  Synthetic inputs: one list per
template the parser knows (ima, ima-ng, ima-sig, ima-buf, ima-modsig), a
violation, a per-bank sha256 list, built the way the kernel writes them.
Every imalist seed starts with the target's selector byte (bank, see
fuzz_imalist.c)."""
import hashlib, os, shutil, struct, sys

here = os.path.dirname(os.path.abspath(__file__))
top = os.path.dirname(os.path.dirname(here))
reports = sys.argv[1] if len(sys.argv) > 1 else os.path.join(top, "..", "main", "reports")
out = os.path.join(here, "corpus")


def put(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def le32(v):
    return struct.pack("<I", v)


def field(b):
    return le32(len(b)) + b


def ng_fields(name, alg="sha256", content=b"x"):
    dig = hashlib.new(alg, content).digest()
    return [field(alg.encode() + b":\0" + dig), field(name.encode() + b"\0")]


def entry(tmpl, data, bank="sha1", violation=False, pcr=10):
    size = hashlib.new(bank).digest_size
    dig = bytes(size) if violation else hashlib.new(bank, data).digest()
    return le32(pcr) + dig + field(tmpl.encode()) + field(data)


def ima_entry(name, pcr=10):
    """The old "ima" template: no data length, the name without its NUL."""
    d = hashlib.sha1(name.encode()).digest()
    hashed = d + name.encode().ljust(256, b"\0")
    return (le32(pcr) + hashlib.sha1(hashed).digest() + field(b"ima") + d
            + field(name.encode()))


def synthetic():
    boot = b"".join(ng_fields("boot_aggregate", content=b"boot"))
    lists = {
        "ima-ng": entry("ima-ng", boot)
        + entry("ima-ng", b"".join(ng_fields("/usr/bin/true"))),
        "ima": ima_entry("boot_aggregate") + ima_entry("/etc/passwd"),
        "ima-sig": entry("ima-sig", b"".join(ng_fields("/bin/sh")) + field(b"\x03\x02sig")),
        "ima-sig-empty": entry("ima-sig", b"".join(ng_fields("/bin/ls")) + field(b"")),
        "ima-buf": entry("ima-buf", b"".join(ng_fields("kexec-cmdline")) + field(b"console=ttyS0")),
        "ima-modsig": entry("ima-modsig", b"".join(ng_fields("/lib/m.ko"))
                            + field(b"") + field(b"sha256:\0" + bytes(32)) + field(b"PKCS7")),
        "violation": entry("ima-ng", boot) + entry("ima-ng", b"".join(ng_fields("/tmp/v")),
                                                    violation=True),
        "other-pcr": entry("ima-ng", boot, pcr=11) + entry("custom", field(b"a") + field(b"bc")),
    }
    for name, data in lists.items():
        put("imalist", "synthetic-" + name, b"\x00" + data)
    # a per-bank list (binary_runtime_measurements_sha256): bank 1
    put("imalist", "synthetic-sha256-bank",
        b"\x01" + entry("ima-ng", boot, bank="sha256")
        + entry("ima-ng", b"".join(ng_fields("/usr/bin/id")), bank="sha256"))
    put("imalist", "synthetic-classic-dlen0", b"\x04" + lists["ima-ng"])


def real():
    qdir = os.path.join(top, "tests", "data", "quote")
    for f, t in (("quote.msg", "quote_msg"), ("quote.sig", "quote_sig"),
                 ("quote.pcrs", "quote_pcrs")):
        shutil.copy(os.path.join(qdir, f), os.path.join(out, t, "golden-" + f))
    # quote.pcrs in the values format: sha1 then sha256 of PCR 10
    vals = b""
    for line in open(os.path.join(qdir, "pcr10.txt")):
        if "0x" in line:
            vals += bytes.fromhex(line.split("0x", 1)[1].strip())
    put("quote_pcrs", "golden-values", vals)
    # an ECDSA-shaped signature
    put("quote_sig", "ecdsa", struct.pack(">HH", 0x18, 0x0B) + struct.pack(">H", 32)
        + bytes(range(32)) + struct.pack(">H", 32) + bytes(range(32, 64)))
    for d in ("scenarios", os.path.join("tests", "data", "bad-scenarios")):
        for f in sorted(os.listdir(os.path.join(top, d))):
            if f.endswith(".scn"):
                shutil.copy(os.path.join(top, d, f), os.path.join(out, "scenario", f))
    # shim frames: a PCR_Extend (sha1 + sha256), a PCR_Read answer,
    # control requests
    ext = (struct.pack(">IIII", 10, 9, 0x40000009, 0) + b"\0\0\0"
           + struct.pack(">I", 2) + struct.pack(">H", 4) + bytes(20)
           + struct.pack(">H", 0x0B) + bytes(32))
    put("frame", "pcr-extend", struct.pack(">HII", 0x8002, 10 + len(ext), 0x182) + ext)
    rd = (struct.pack(">II", 5, 1) + struct.pack(">HB", 0x0B, 3) + b"\0\x04\0"
          + struct.pack(">I", 1) + struct.pack(">H", 32) + b"\xaa" * 32)
    put("frame", "pcr-read-rsp", struct.pack(">HII", 0x8001, 10 + len(rd), 0) + rd)
    put("frame", "ctrl-set-buffersize", struct.pack(">II", 0x11, 4096) + struct.pack(">IIII", 0, 4096, 10, 4096))
    put("frame", "ctrl-set-stateblob", struct.pack(">IIII", 0x0d, 0, 1, 5) + b"BLOB!")
    put("frame", "ctrl-get-stateblob", struct.pack(">IIII", 0x0c, 0, 1, 0) + struct.pack(">IIII", 0, 0, 5, 5) + b"BLOB!")


def boot_pcrs():
    """PCR values for boot_aggregate: tpm2_pcrread output, the TPM 1.2
    sysfs file (PCR-00 .. PCR-23, spaced hex)."""
    pcrread = ""
    for bank, size in (("sha1", 20), ("sha256", 32)):
        pcrread += "  %s:\n" % bank
        for i in range(24):
            pcrread += "    %d : 0x%s\n" % (i, hashlib.new(bank, bytes([i])).hexdigest().upper()[:2 * size])
    put("boot_pcrs", "tpm2-pcrread", pcrread.encode())
    sysfs = "".join("PCR-%02d: %s\n" % (i, " ".join("%02X" % b for b in hashlib.sha1(bytes([i])).digest()))
                    for i in range(24))
    put("boot_pcrs", "sysfs-1.2", sysfs.encode())
    put("boot_pcrs", "comments", b"# evmctl --pcrs\nsha256:\n\n  9 : 0x" + b"00" * 32 + b"\n")


def from_reports():
    if not os.path.isdir(reports):
        print("make-seeds: no reports at %s: real lists and traces skipped" % reports)
        return
    seen = set()
    for r in sorted(os.listdir(reports)):
        p = os.path.join(reports, r, "binary_runtime_measurements")
        if os.path.isfile(p):
            data = open(p, "rb").read()
            if data not in seen and len(data) <= 4096:
                seen.add(data)
                put("imalist", "run-" + r, b"\x00" + data)
        q = os.path.join(reports, r, "quote.msg")
        if r == "baseline" and os.path.isfile(q):
            shutil.copy(q, os.path.join(out, "quote_msg", "run-baseline"))
        t = os.path.join(reports, r, "trace.jsonl")
        if os.path.isfile(t):
            lines = open(t, "rb").read().splitlines(keepends=True)
            # the start, the PCR 10 extends and their answers, faults,
            # releases, errors and the truth: at most 4 KiB
            keep = lines[:6] + [l for l in lines if b'"pcr":10' in l or b"fault" in l
                                or b"release" in l or b'"error"' in l or b"pcr_truth" in l]
            ords = {l.split(b",")[0] for l in keep if l.startswith(b'{"ord"')}
            keep += [l for l in lines if b'"rsp"' in l and l.split(b",")[0] in ords]
            excerpt = b"".join(sorted(set(keep), key=lines.index))
            put("trace", "run-" + r, excerpt[:4096].rsplit(b"\n", 1)[0] + b"\n")


os.makedirs(out, exist_ok=True)
for t in ("imalist", "quote_msg", "quote_sig", "quote_pcrs", "scenario", "trace", "frame",
          "boot_pcrs"):
    os.makedirs(os.path.join(out, t), exist_ok=True)
synthetic()
boot_pcrs()
real()
from_reports()
