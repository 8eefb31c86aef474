#!/usr/bin/python3
"""tests/win/mkpe.py - write a small, valid PE32+ file with a version resource.

usage: mkpe.py FILE [--dll|--driver] [--company C] [--product P]
                    [--description D] [--version V]

The fixture builders need Windows executables to sign with osslsigncode,
and no Windows compiler is needed for that: this writes the headers, a
.text section (one "ret"), and a .rsrc section holding a VS_VERSIONINFO
with the given CompanyName and ProductName, laid out as the PE/COFF
specification says. The result is a well-formed image that osslsigncode
signs and verifies; it is not meant to run.
"""
import argparse
import struct


def align(n, a):
    return (n + a - 1) & ~(a - 1)


def utf16z(s):
    return s.encode("utf-16-le") + b"\0\0"


def pad4(b):
    return b + b"\0" * (align(len(b), 4) - len(b))


def vnode(key, value=b"", vlen=0, vtype=0, children=()):
    """One VS_VERSIONINFO-style node: wLength, wValueLength, wType, szKey,
    padding, Value, padding, children (each starting 4-aligned)."""
    body = utf16z(key)
    head = 6 + len(body)
    data = pad4(struct.pack("<HHH", 0, vlen, vtype) + body)
    data += value
    if children:
        data = pad4(data)
        for i, c in enumerate(children):
            data += pad4(c) if i + 1 < len(children) else c
    return struct.pack("<H", len(data)) + data[2:]


def version_info(company, product, description, version):
    parts = [int(x) for x in (version.split(".") + ["0"] * 4)[:4]]
    ms = parts[0] << 16 | parts[1]
    ls = parts[2] << 16 | parts[3]
    fixed = struct.pack("<13I", 0xFEEF04BD, 0x00010000, ms, ls, ms, ls,
                        0x3F, 0, 0x00040004, 1, 0, 0, 0)
    strings = []
    for k, v in (("CompanyName", company), ("FileDescription", description),
                 ("FileVersion", version), ("ProductName", product),
                 ("ProductVersion", version)):
        if v is None:
            continue
        strings.append(vnode(k, utf16z(v), len(v) + 1, 1))
    table = vnode("040904b0", vtype=1, children=strings)
    sfi = vnode("StringFileInfo", vtype=1, children=[table])
    var = vnode("Translation", struct.pack("<HH", 0x0409, 0x04B0), 4, 0)
    vfi = vnode("VarFileInfo", vtype=1, children=[var])
    return vnode("VS_VERSION_INFO", fixed, len(fixed), 0,
                 children=[sfi, vfi])


def resources(rva, version):
    """A resource tree: RT_VERSION (16) / 1 / 0x0409 -> version."""
    def directory(entry_id, target):
        return struct.pack("<IIHHHH", 0, 0, 0, 0, 0, 1) + \
            struct.pack("<II", entry_id, target)
    root = directory(16, 0x80000000 | 24)
    name = directory(1, 0x80000000 | 48)
    lang = directory(0x0409, 72)
    data_off = 88
    entry = struct.pack("<IIII", rva + data_off, len(version), 0, 0)
    return root + name + lang + entry + version


def build(kind, company, product, description, version):
    file_align, sect_align = 0x200, 0x1000
    text = b"\xC3"
    rsrc = resources(0x2000, version_info(company, product, description,
                                          version))
    text_raw = align(len(text), file_align)
    rsrc_raw = align(len(rsrc), file_align)
    image = 0x1000 + align(len(text), sect_align) + align(len(rsrc),
                                                          sect_align)
    chars = 0x0022 | (0x2000 if kind == "dll" else 0)
    subsystem = 1 if kind == "driver" else 3
    coff = struct.pack("<HHIIIHH", 0x8664, 2, 0, 0, 0, 240, chars)
    opt = struct.pack("<HBBIIIII", 0x20B, 14, 0, text_raw, rsrc_raw, 0,
                      0x1000, 0x1000)
    opt += struct.pack("<QII", 0x140000000, sect_align, file_align)
    opt += struct.pack("<HHHHHHI", 6, 0, 0, 0, 6, 0, 0)
    opt += struct.pack("<IIIHH", image, 0x200, 0, subsystem, 0x8160)
    opt += struct.pack("<QQQQII", 0x100000, 0x1000, 0x100000, 0x1000, 0, 16)
    dirs = [(0, 0)] * 16
    dirs[2] = (0x2000, len(rsrc))
    opt += b"".join(struct.pack("<II", a, b) for a, b in dirs)
    assert len(opt) == 240
    sections = struct.pack("<8sIIIIIIHHI", b".text", len(text), 0x1000,
                           text_raw, 0x200, 0, 0, 0, 0, 0x60000020)
    sections += struct.pack("<8sIIIIIIHHI", b".rsrc", len(rsrc), 0x2000,
                            rsrc_raw, 0x200 + text_raw, 0, 0, 0, 0,
                            0x40000040)
    dos = bytearray(64)
    dos[0:2] = b"MZ"
    struct.pack_into("<I", dos, 0x3C, 64)
    head = bytes(dos) + b"PE\0\0" + coff + opt + sections
    head += b"\0" * (0x200 - len(head))
    return head + text + b"\0" * (text_raw - len(text)) + rsrc + \
        b"\0" * (rsrc_raw - len(rsrc))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--dll", action="store_const", const="dll", dest="kind")
    ap.add_argument("--driver", action="store_const", const="driver",
                    dest="kind")
    ap.add_argument("--company")
    ap.add_argument("--product")
    ap.add_argument("--description")
    ap.add_argument("--version", default="1.0.0.0")
    a = ap.parse_args()
    with open(a.file, "wb") as f:
        f.write(build(a.kind or "exe", a.company, a.product, a.description,
                      a.version))


if __name__ == "__main__":
    main()
