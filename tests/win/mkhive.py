#!/usr/bin/python3
"""tests/win/mkhive.py - write an empty Windows registry hive.

usage: mkhive.py FILE [NAME]

hivex can edit a hive but not create one from nothing, so the fixture
builders start from the smallest hive this writes: a base block and one
4 KiB bin holding the root key, its security cell and free space, as the
regf format lays them out (see libyal's "Windows NT Registry File (REGF)
format specification"). NAME goes into the header's file-name field
(e.g. "\\SystemRoot\\System32\\Config\\SOFTWARE"). The keys and values
are then merged in with hivexregedit.
"""
import struct
import sys

HBIN = 4096


def cell(payload):
    """An allocated cell: negative size, 8-byte aligned."""
    size = (4 + len(payload) + 7) & ~7
    return struct.pack("<i", -size) + payload + b"\0" * (size - 4 - len(payload))


def security_descriptor():
    # Self-relative, no owner, group, SACL or DACL: the smallest valid.
    return struct.pack("<BBHIIII", 1, 0, 0x8000, 0, 0, 0, 0)


def build(name):
    root_off = 0x20           # cells are addressed from the first bin
    sd = security_descriptor()
    # The root key is 0x58 bytes of header plus its name.
    key_name = b"ROOT"
    nk_len = 4 + 0x4C + len(key_name)
    nk_size = (nk_len + 7) & ~7
    sk_off = root_off + nk_size
    nk = struct.pack(
        "<2sHQ" + "I" * 15 + "HH",
        b"nk",
        0x2C,                 # hive entry, no delete, ASCII name
        0,                    # last written
        0,                    # access bits
        0,                    # parent (none)
        0, 0,                 # subkeys, volatile subkeys
        0xFFFFFFFF, 0xFFFFFFFF,
        0, 0xFFFFFFFF,        # values, value list
        sk_off,               # security cell
        0xFFFFFFFF,           # class name
        0, 0, 0, 0, 0,        # max lengths, work var
        len(key_name), 0) + key_name
    sk = struct.pack("<2sHIIII", b"sk", 0, sk_off, sk_off, 1, len(sd)) + sd
    cells = cell(nk) + cell(sk)
    assert len(cell(nk)) == nk_size
    free = HBIN - 0x20 - len(cells)
    body = cells + struct.pack("<i", free) + b"\0" * (free - 4)
    hbin = struct.pack("<4sII8sQI", b"hbin", 0, HBIN, b"\0" * 8, 0, 0) + body
    assert len(hbin) == HBIN

    fname = name.encode("utf-16-le")[:64]
    base = bytearray(4096)
    struct.pack_into("<4sIIQIIIIIII", base, 0,
                     b"regf", 1, 1, 0,
                     1, 5,            # version 1.5
                     0, 1,            # primary file, direct memory load
                     root_off, HBIN, 1)
    base[0x30:0x30 + len(fname)] = fname
    check = 0
    for i in range(0, 0x1FC, 4):
        check ^= struct.unpack_from("<I", base, i)[0]
    struct.pack_into("<I", base, 0x1FC, check)
    return bytes(base) + hbin


def main():
    if len(sys.argv) not in (2, 3):
        sys.stderr.write("usage: mkhive.py FILE [NAME]\n")
        return 2
    with open(sys.argv[1], "wb") as f:
        f.write(build(sys.argv[2] if len(sys.argv) == 3 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
