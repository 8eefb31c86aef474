#!/usr/bin/env bash
#
# bench/linear.sh - costs that must grow linearly with the input (issue
# 10), each measured at N and 2N and against a peer that only reads the
# same input, in one run on this machine:
#   1. catalog lint of a catalogue with N errors (an unknown field in
#      each of N products): every error's line and column are found
#      without rescanning the text from the start;  peer: jq . FILE
#   2. catalog lint of a catalogue of N products all listed in one
#      assessment and one measure (the duplicate check of those lists);
#      peer: jq . FILE
#   3. scan --root of N small files with 100,000 file-hash fingerprints
#      whose sizes cover every file (every file is hashed and looked
#      up);  peer: find ROOT -type f -printf '%s\n' (the walk's floor)
#   4. scan --root of 1,000,000 small files with the same 100,000
#      fingerprints (every file hashed), once, with every core and with
#      --jobs 1;  peer: find (the issue asks ~1x; it was 3.5x before the
#      binary search; find reads no file, voorzorg reads every one);
#      second peer, the same work: find | xargs -P(cores) sha256sum
#   5. the same tree with fingerprints of sizes no file has: nothing is
#      read, and the walk with its size lookups is against find
# Prints, per case, the seconds at N and 2N, the growth t(2N)/t(N)
# (2.0 is linear, 4.0 quadratic) and the ratio to the peer at 2N; and
# the load average, since the machine may be shared.
# Environment: BENCH_DIR (default a new directory under /var/tmp,
# removed at the end unless BENCH_KEEP=1), BENCH_N (default 20000 for
# 1 and 50000 for 2 and 100000 for 3; one number scales all three),
# BENCH_CASES (default "1 2 3 4 5": the cases to run), BENCH_MILLION
# (the file count of cases 4 and 5, default 1000000; 0 skips them).
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$(pwd)
need=()
command -v jq >/dev/null || need+=(jq)
[[ -x /usr/bin/time ]] || need+=(time)
if ((${#need[@]})); then
	if [[ $(id -u) -ne 0 ]]; then
		echo "bench: install ${need[*]} first (as root)" >&2
		exit 3
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${need[@]}" >/dev/null
fi
scripts/install-deps.sh run

bdir=$repo/build-bench
if [[ ! -f $bdir/build.ninja ]]; then
	meson setup "$bdir" --buildtype=release -Dtests=false >/dev/null
fi
ninja -C "$bdir" >/dev/null

work=${BENCH_DIR:-$(mktemp -d /var/tmp/vz-linear.XXXXXX)}
mkdir -p "$work"
if [[ -z ${BENCH_KEEP:-} ]]; then
	trap 'rm -rf "$work"' EXIT
fi

# Not exec: the EXIT trap must outlive Python to remove the work tree.
/usr/bin/python3 - "$repo" "$bdir/src/voorzorg" "$work" <<'PY'
import copy, json, os, random, statistics, subprocess, sys, time

repo, vz, work = sys.argv[1:4]
scale = os.environ.get("BENCH_N")
random.seed(20180514)
env = dict(os.environ, VOORZORG_STATE_DIR=os.path.join(work, "state"))

def run(argv):
    t0 = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - t0

def median(argv, n=3):
    return statistics.median(run(argv) for _ in range(n))

base = json.load(open(f"{repo}/tests/scan/catalog.json"))
proto = [p for p in base["products"]
         if p["id"] == "kaspersky-endpoint-security-linux"][0]

def catalogue(n, error):
    cat = copy.deepcopy(base)
    prods = []
    for i in range(n):
        p = copy.deepcopy(proto)
        p["id"] = "bench-product-%d" % i
        p["fingerprints"] = p["fingerprints"][:1]
        if error:
            p["x-unknown"] = i
        prods.append(p)
    cat["products"] += prods
    ids = [p["id"] for p in prods]
    cat["assessments"][0]["products"] += ids
    cat["measures"][0]["products"] += ids
    return cat

rows = []
def case(name, n, make, cmd, peer):
    ts, tp = [], None
    for k in (n, 2 * n):
        path = make(k)
        run(cmd(path))  # warm
        ts.append(median(cmd(path)))
        if k == 2 * n:
            tp = median(peer(path))
    growth = ts[1] / ts[0] if ts[0] > 0 else float("nan")
    rows.append((name, n, ts[0], ts[1], growth, ts[1] / tp))
    print(f"{name}: N={n} {ts[0]:.2f} s, 2N {ts[1]:.2f} s, growth "
          f"{growth:.2f} (2.0 is linear), vs peer at 2N {ts[1] / tp:.2f}x "
          f"({tp:.2f} s)", flush=True)

def cat_file(n, error):
    path = f"{work}/cat-{'err' if error else 'ok'}-{n}.json"
    if not os.path.exists(path):
        json.dump(catalogue(n, error), open(path, "w"), indent=2)
    return path

def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])

cases = os.environ.get("BENCH_CASES", "1 2 3 4 5").split()
print(f"load average {loadavg()} (1, 5, 15 min), {os.cpu_count()} CPUs",
      flush=True)
lint = lambda p: [vz, "catalog", "lint", p]
jq = lambda p: ["jq", ".", p]
n1 = int(scale) if scale else 20000
n2 = int(scale) if scale else 50000
if "1" in cases:
    case("1. lint, N errors", n1, lambda k: cat_file(k, True), lint, jq)
if "2" in cases:
    case("2. lint, N products in one measure", n2,
         lambda k: cat_file(k, False), lint, jq)

# 3. the walk with 100,000 size+hash fingerprints covering every size.
nf = int(scale) if scale else 100000
fps_cat = copy.deepcopy(base)
kesl = [p for p in fps_cat["products"]
        if p["id"] == "kaspersky-endpoint-security-linux"][0]
src = fps_cat["sources"][0]["id"]
kesl["fingerprints"] = [f for f in kesl["fingerprints"]
                        if f["kind"] != "file-hash"] + [
    {"kind": "file-hash", "sha256": "%064x" % random.getrandbits(256),
     "size": 1 + i % 1000, "name": "bench-%d" % i, "sources": [src]}
    for i in range(100000)]
fcat = f"{work}/hashes.json"
json.dump(fps_cat, open(fcat, "w"))

def tree(k):
    root = f"{work}/tree-{k}"
    if not os.path.isdir(root):
        for i in range(k):
            d = f"{root}/d{i // 1000:04d}"
            os.makedirs(d, exist_ok=True)
            with open(f"{d}/f{i:07d}", "wb") as f:
                f.write(b"x" * (1 + i % 1000))
    return root

scan = lambda r: [vz, "scan", "--root", r, "--catalog", fcat,
                  "--allow-unsigned", "--format", "json",
                  "--fail-on", "never"]
find = lambda r: ["find", r, "-type", "f", "-printf", "%s\n"]
if "3" in cases:
    case("3. scan, N files, 100,000 hash fingerprints", nf, tree, scan,
         find)

million = []
nm = int(os.environ.get("BENCH_MILLION", "1000000"))
if "4" in cases and nm > 0:
    root = tree(nm)
    run(scan(root))  # warm
    t_all = median(scan(root))
    t_one = median(scan(root) + ["--jobs", "1"])
    t_find = median(find(root))
    # The same work as voorzorg's: read and hash every file, all cores.
    t_sum = median(["sh", "-c", "find \"$1\" -type f -print0 | xargs -0 "
                    f"-P{os.cpu_count()} -n 2000 sha256sum", "sh", root])
    million = [(nm, t_all, t_one, t_find, t_sum)]
    print(f"4. scan, {nm} files, 100,000 hash fingerprints: {t_all:.2f} s "
          f"(--jobs 1: {t_one:.2f} s), find {t_find:.2f} s: "
          f"{t_all / t_find:.2f}x the find floor; find | xargs -P "
          f"sha256sum {t_sum:.2f} s: {t_all / t_sum:.2f}x; load "
          f"{loadavg()}", flush=True)

# 5. the same tree, with 100,000 fingerprints none of whose sizes is a
# file's: the size set rejects every file, nothing is read; the walk
# with its size lookups against the floor.
walk = []
if "5" in cases and nm > 0:
    root = tree(nm)
    nocat = copy.deepcopy(fps_cat)
    k5 = [p for p in nocat["products"]
          if p["id"] == "kaspersky-endpoint-security-linux"][0]
    for f in k5["fingerprints"]:
        if f["kind"] == "file-hash" and f["name"].startswith("bench-"):
            f["size"] += 1000
    ncat = f"{work}/hashes-nomatch.json"
    json.dump(nocat, open(ncat, "w"))
    scan5 = lambda r: [vz, "scan", "--root", r, "--catalog", ncat,
                       "--allow-unsigned", "--format", "json",
                       "--fail-on", "never"]
    run(scan5(root))  # warm
    t5 = median(scan5(root))
    t_find = median(find(root))
    walk = [(nm, t5, t_find)]
    print(f"5. scan, {nm} files, 100,000 hash fingerprints, no size "
          f"matching: {t5:.2f} s, find {t_find:.2f} s: "
          f"{t5 / t_find:.2f}x the find floor; load {loadavg()}",
          flush=True)

print(f"\nload average at the end: {loadavg()}")
print("case | N | t(N) s | t(2N) s | growth | vs peer")
for name, n, a, b, g, r in rows:
    print(f"{name} | {n} | {a:.2f} | {b:.2f} | {g:.2f} | {r:.2f}x")
for n, a, one, f, h in million:
    print(f"4. scan, {n} files, every one hashed | all cores {a:.2f} s | "
          f"--jobs 1 {one:.2f} s | find {f:.2f} s | {a / f:.2f}x find "
          f"(issue: ~1x) | sha256sum of the same files {h:.2f} s | "
          f"{a / h:.2f}x")
for n, a, f in walk:
    print(f"5. scan, {n} files, no size matching | {a:.2f} s | find "
          f"{f:.2f} s | {a / f:.2f}x find")
PY
