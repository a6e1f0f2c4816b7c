#!/usr/bin/env python3
"""png-check.py FILE WIDTH HEIGHT: exit 0 when FILE is a PNG of exactly
WIDTH x HEIGHT that shows something: more than 5% of its pixels differ from
the most common colour, and it has more than 20 colours.  Prints what it
found.  (Decodes 8-bit RGB/RGBA PNGs, the only kind Chromium writes.)"""
import struct
import sys
import zlib


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def unfilter(raw, width, height, bpp):
    stride = width * bpp
    rows, prev, pos = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[pos], bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            add = (0, a, b, (a + b) // 2, paeth(a, b, c))[kind]
            line[i] = (line[i] + add) & 0xff
        rows.append(line)
        prev = line
    return rows


def main():
    path, want_w, want_h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG")
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, ctype = ihdr[:4]
    if (width, height) != (want_w, want_h):
        sys.exit(f"{path}: {width}x{height}, expected {want_w}x{want_h}")
    if depth != 8 or ctype not in (2, 6):
        sys.exit(f"{path}: bit depth {depth}, colour type {ctype} not handled")
    bpp = 4 if ctype == 6 else 3
    rows = unfilter(zlib.decompress(idat), width, height, bpp)
    counts = {}
    for line in rows:
        for i in range(0, len(line), bpp):
            px = bytes(line[i:i + 3])
            counts[px] = counts.get(px, 0) + 1
    common = max(counts.values())
    other = 1 - common / (width * height)
    print(f"{path}: {width}x{height}, {len(counts)} colours, "
          f"{other:.1%} of pixels not the background")
    sys.exit(0 if other > 0.05 and len(counts) > 20 else 1)


main()
