#!/usr/bin/env bash
# scripts/checksrc.sh - source rules a compiler does not enforce (in the
# spirit of curl's checksrc.pl):
#   - lib/ never calls sprintf, strcpy, strcat, gets, atoi/atol, or raw
#     malloc/calloc/realloc/free/strdup (use vz__malloc etc., so allocation
#     failures can be injected);
#   - lib/ never prints or exits (no printf/fprintf/puts/exit/abort);
#   - src/ and server/ include only <voorzorg/*.h>, never internal headers;
#   - every .c and .h file opens with a purpose comment;
#   - no line longer than 80 columns in lib/, src/, include/, win/.
# Prints "FILE:LINE: rule" per violation; exits 1 if any.
set -uo pipefail
cd "${VZ_SOURCE_ROOT:-$(dirname "$0")/..}"

bad=0
report() { echo "$1"; bad=1; }

# Without python3 no rule below could be checked: that is a failure, not
# a pass (VZ_PYTHON names another interpreter, for the runner's tests).
py=${VZ_PYTHON:-/usr/bin/python3}
if [[ ! -x $py ]]; then
  echo "checksrc: $py is missing, so no rule can be checked" \
    "(scripts/install-deps.sh test)"
  exit 1
fi

strip_comments() {
  # Blank out /* ... */ comments and string literals, keeping line numbers.
  "$py" - "$1" <<'PY'
import re, sys
src = open(sys.argv[1], encoding="utf-8", errors="replace").read()
def blank(m):
    return re.sub(r"[^\n]", " ", m.group(0))
src = re.sub(r"/\*.*?\*/", blank, src, flags=re.S)
src = re.sub(r'"(\\.|[^"\\\n])*"', lambda m: '""', src)
sys.stdout.write(src)
PY
}

lib_files=$(find lib -name '*.c' -o -name '*.h' | sort)
for f in $lib_files; do
  case $f in lib/alloc.c) allow_raw=1 ;; *) allow_raw=0 ;; esac
  if ! stripped=$(strip_comments "$f"); then
    report "$f: cannot be read by the checker"
    continue
  fi
  while IFS=: read -r line text; do
    report "$f:$line: banned call: $text"
  done < <(printf '%s\n' "$stripped" | grep -nE '\b(sprintf|vsprintf|strcpy|strcat|gets|atoi|atol|atoll|printf|fprintf|puts|fputs|exit|abort)[[:space:]]*\(' | sed -E 's/^([0-9]+):[[:space:]]*/\1:/')
  if ((allow_raw == 0)); then
    while IFS=: read -r line text; do
      report "$f:$line: raw allocation (use vz__malloc and friends): $text"
    done < <(printf '%s\n' "$stripped" | grep -nE '(^|[^_a-zA-Z])(malloc|calloc|realloc|free|strdup|strndup)[[:space:]]*\(' | sed -E 's/^([0-9]+):[[:space:]]*/\1:/')
  fi
done

for f in $(find src server -name '*.c' -o -name '*.h' 2>/dev/null | sort); do
  while IFS=: read -r line text; do
    report "$f:$line: src/ and server/ use only the public API: $text"
  done < <(grep -nE '#include[[:space:]]*"[^"]*(_int\.h|vz_int\.h)"' "$f")
done

for f in $(find lib src include fuzz tests server win -name '*.c' -o -name '*.h' 2>/dev/null | sort); do
  first=$(grep -m1 -vE '^[[:space:]]*$' "$f")
  [[ $first == /\** ]] || report "$f:1: file must open with a purpose comment"
done

# Columns are characters (tabs to 8), not bytes: "→" is one column.
long=$("$py" - $(find lib src include win -name '*.c' -o -name '*.h' | sort) <<'PY'
import sys
for f in sys.argv[1:]:
    for n, line in enumerate(open(f, encoding="utf-8", errors="replace"), 1):
        if len(line.rstrip("\n").expandtabs(8)) > 80:
            print(f"{f}:{n}: line longer than 80 columns")
PY
) || report "checksrc: the column check failed"
if [[ -n $long ]]; then
  echo "$long"
  bad=1
fi

if ((bad)); then
  echo "checksrc: violations found"
  exit 1
fi
echo "checksrc: ok"
