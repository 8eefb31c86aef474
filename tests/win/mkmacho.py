#!/usr/bin/python3
"""tests/win/mkmacho.py - write a small Mach-O file with a code signature
that names an Apple Team ID.

usage: mkmacho.py FILE IDENTIFIER TEAMID [--fat]

The macOS fixtures need bundle executables whose code signature carries a
Team ID, the way codesign writes it: a 64-bit Mach-O header, one
LC_CODE_SIGNATURE load command, and at its offset an embedded-signature
SuperBlob whose CodeDirectory (version 0x20200) has identifier and
teamID strings. There are no code hashes and no CMS signature: the
scanner reads the Team ID, it does not verify the signature (docs say
so). With --fat the file is a universal binary holding that one slice.
"""
import struct
import sys


def code_signature(ident, team):
    ident_b = ident.encode() + b"\0"
    team_b = team.encode() + b"\0"
    head = 52
    ident_off = head
    team_off = ident_off + len(ident_b)
    hash_off = team_off + len(team_b)
    cd_len = hash_off
    cd = struct.pack(">IIIIIIIIIBBBBIII", 0xFADE0C02, cd_len, 0x20200, 0,
                     hash_off, ident_off, 0, 0, 0, 32, 2, 0, 12, 0, 0,
                     team_off)
    assert len(cd) == head
    cd += ident_b + team_b
    blob_len = 12 + 8 + len(cd)
    return struct.pack(">IIIII", 0xFADE0CC0, blob_len, 1, 0, 20) + cd


def thin(ident, team):
    sig = code_signature(ident, team)
    lc = struct.pack("<IIII", 0x1D, 16, 4096, len(sig))
    head = struct.pack("<IIIIIIII", 0xFEEDFACF, 0x0100000C, 0, 2, 1,
                       len(lc), 0, 0) + lc
    return head + b"\0" * (4096 - len(head)) + sig


def main():
    if len(sys.argv) not in (4, 5):
        sys.stderr.write("usage: mkmacho.py FILE IDENTIFIER TEAMID "
                         "[--fat]\n")
        return 2
    body = thin(sys.argv[2], sys.argv[3])
    if len(sys.argv) == 5 and sys.argv[4] == "--fat":
        fat = struct.pack(">II", 0xCAFEBABE, 1) + struct.pack(
            ">IIIII", 0x0100000C, 0, 16384, len(body), 14)
        body = fat + b"\0" * (16384 - len(fat)) + body
    with open(sys.argv[1], "wb") as f:
        f.write(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
