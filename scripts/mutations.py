#!/usr/bin/env python3
# scripts/mutations.py - the mutation list's reader, for scripts/mutate.sh.
#
#   mutations.py parse LIST        print NUM<TAB>FILE<TAB>SUITES<TAB>WHY per
#                                  mutation; exit 1 naming the first error
#   mutations.py apply LIST N DIR  apply mutation N to the tree DIR; exit 1
#                                  if its original text is not found
#                                  exactly once
#   mutations.py copy SRC DEST     copy the files git knows (tracked and
#                                  new, not ignored) from SRC to DEST
#
# The list format is described at the top of scripts/mutations.txt.
import os
import shutil
import subprocess
import sys

KEYS = ("file", "find", "replace", "why", "suites")


def parse(path):
    """The mutations of a list, as dicts; raise ValueError naming the line."""
    muts, cur, start = [], {}, 0
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for no, line in enumerate(lines + [""], 1):
        if line.startswith("#"):
            continue
        if line.strip() == "":
            if cur:
                for k in ("file", "find", "replace", "why"):
                    if k not in cur:
                        raise ValueError(f"{path}:{start}: no '{k}:'")
                if cur["find"] == cur["replace"]:
                    raise ValueError(f"{path}:{start}: find = replace")
                cur["line"] = start
                muts.append(cur)
                cur = {}
            continue
        key, sep, val = line.partition(":")
        key = key.strip()
        if not sep or key not in KEYS:
            raise ValueError(f"{path}:{no}: expected one of "
                             f"{', '.join(k + ':' for k in KEYS)}")
        if key in cur:
            raise ValueError(f"{path}:{no}: '{key}:' given twice")
        if not cur:
            start = no
        cur[key] = val.strip()
    return muts


def main(argv):
    if len(argv) == 3 and argv[1] == "parse":
        try:
            muts = parse(argv[2])
        except (OSError, ValueError) as e:
            print(e, file=sys.stderr)
            return 1
        for i, m in enumerate(muts, 1):
            why = m["why"].replace("\t", " ")
            print(f"{i}\t{m['file']}\t{m.get('suites', 'all')}\t{why}")
        return 0
    if len(argv) == 5 and argv[1] == "apply":
        m = parse(argv[2])[int(argv[3]) - 1]
        path = os.path.join(argv[4], m["file"])
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            print(f"{m['file']}: {e.strerror}", file=sys.stderr)
            return 1
        n = text.count(m["find"])
        if n != 1:
            where = "not found" if n == 0 else f"found {n} times"
            print(f"original text {where} in {m['file']} "
                  f"(scripts/mutations.txt line {m['line']})",
                  file=sys.stderr)
            return 1
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(m["find"], m["replace"]))
        return 0
    if len(argv) == 4 and argv[1] == "copy":
        src, dest = argv[2], argv[3]
        out = subprocess.run(
            ["git", "ls-files", "-z", "-co", "--exclude-standard"],
            cwd=src, check=True, capture_output=True).stdout
        for rel in out.decode().split("\0"):
            s = os.path.join(src, rel)
            if not rel or not os.path.lexists(s):
                continue  # deleted in the work tree
            d = os.path.join(dest, rel)
            os.makedirs(os.path.dirname(d), exist_ok=True)
            shutil.copy2(s, d, follow_symlinks=False)
        return 0
    print("usage: see the header of scripts/mutations.py",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
