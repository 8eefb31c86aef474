#!/usr/bin/env bash
#
# tests/integration/help_man.sh - `--help` and the man pages agree, for
# every command `voorzorg --help` lists (so a new command is covered the
# moment it is listed there):
#
# - `voorzorg CMD --help` exits 0, and `voorzorg help CMD` prints the same;
# - every option `CMD --help` defines (a line indented 2 to 4 spaces that
#   starts with '-') is in the OPTIONS section of CMD's man page, and every
#   option there is in `CMD --help`. CMD's page is the one whose NAME
#   section names voorzorg-CMD (spaces as '-'), else voorzorg-FIRSTWORD.
#   A page for several commands lists their shared options first and the
#   others under `.SS NAME` (NAME the command or its last word);
# - voorzorg(1) lists every command, and its OPTIONS agree with
#   `voorzorg --help`;
# - every page has EXIT STATUS (mentioning 4 or saying who gives it),
#   ENVIRONMENT and FILES, and is installed by meson.build; every help
#   text's exit status mentions 4.
#
# Prints "ok - ..." or "not ok - ..." per check, ends with "N passed, M
# failed", and exits 1 if anything failed.
set -u

root=${VZ_SOURCE_ROOT:?set VZ_SOURCE_ROOT}
vz=${VOORZORG:?set VOORZORG}
py=/usr/bin/python3

exec "$py" - "$vz" "$root" <<'PYEOF'
import glob
import os
import re
import subprocess
import sys

vz, root = sys.argv[1], sys.argv[2]
passed = failed = 0


def ok(name):
    global passed
    passed += 1
    print("ok - " + name)


def not_ok(name, why=""):
    global failed
    failed += 1
    print("not ok - " + name)
    for line in why.splitlines()[:20]:
        print("#   " + line)


def check(cond, name, why=""):
    (ok if cond else lambda n: not_ok(n, why))(name)


def run(*args):
    p = subprocess.run([vz, *args], capture_output=True, text=True,
                       env={**os.environ, "LC_ALL": "C"})
    return p.returncode, p.stdout, p.stderr


OPT = re.compile(r"^--?[A-Za-z][A-Za-z0-9-]*$")


def help_options(text):
    """Options a --help text defines: lines indented 2 to 4 spaces that
    start with '-'; the option tokens before the description."""
    opts = set()
    for line in text.splitlines():
        m = re.match(r"^ {2,4}(-.*)$", line)
        if not m:
            continue
        for tok in re.split(r"[ ,]+", m.group(1)):
            if OPT.match(tok):
                opts.add(tok)
            elif tok and not tok.startswith("-") and tok.islower() \
                    and "|" not in tok:
                break  # the description has begun
    return opts


def unescape(s):
    s = re.sub(r"\\f[BIRP]", "", s)
    s = s.replace("\\-", "-").replace('"', " ")
    return s


def sections(page):
    """{SECTION: [lines]} of a man page."""
    out, cur = {}, None
    for line in open(page, encoding="utf-8"):
        line = line.rstrip("\n")
        m = re.match(r'^\.SH\s+"?([^"]*)"?\s*$', line)
        if m:
            cur = m.group(1).strip()
            out[cur] = []
        elif cur is not None:
            out[cur].append(line)
    return out


def man_options(lines):
    """{subsection or '': options} of an OPTIONS section: the tag line
    after each .TP."""
    res, sub, tag = {"": set()}, "", False
    for line in lines:
        m = re.match(r'^\.SS\s+"?([^"]*)"?\s*$', line)
        if m:
            sub = m.group(1).strip()
            res.setdefault(sub, set())
            continue
        if line.startswith(".TP"):
            tag = True
            continue
        if tag:
            tag = False
            for tok in re.split(r"[\s,|\[\]]+", unescape(line)):
                if OPT.match(tok):
                    res[sub].add(tok)
    return res


# ---- the commands voorzorg --help lists -----------------------------------
rc, main_help, err = run("--help")
check(rc == 0 and main_help.startswith("usage:"), "voorzorg --help", err)
commands, in_cmds = [], False
for line in main_help.splitlines():
    if line.strip() == "commands:":
        in_cmds = True
        continue
    if in_cmds and not line.strip():
        break
    m = re.match(r"^  ([a-z][a-z-]*(?: [a-z][a-z-]*)*)(?=\s|$)", line)
    if in_cmds and m:
        words = m.group(1).split()
        # "help [COMMAND]" is the help itself, not a command with a page.
        if words[0] != "help" and " ".join(words) not in commands:
            commands.append(" ".join(words))
check(len(commands) >= 5 and "scan" in commands,
      "voorzorg --help lists the commands (%s)" % ", ".join(commands))

# ---- the man pages ----------------------------------------------------------
pages, aliases = [], []
for page in sorted(glob.glob(os.path.join(root, "docs/man/*.1"))):
    first = open(page, encoding="utf-8").readline()
    (aliases if first.startswith(".so ") else pages).append(page)
meson = open(os.path.join(root, "meson.build")).read()
for page in aliases:
    base = os.path.basename(page)
    target = open(page, encoding="utf-8").readline().split()[1]
    check(os.path.exists(os.path.join(root, "docs/man",
                                      os.path.basename(target))),
          "%s: an alias of an existing page (%s)" % (base, target))
    check("docs/man/" + base in meson, "%s is installed by meson" % base)
named = {}
for page in pages:
    secs = sections(page)
    for name in re.findall(r"voorzorg(?:-[a-z]+)*",
                           unescape(" ".join(secs.get("NAME", [])))):
        named.setdefault(name, page)
for page in pages:
    base = os.path.basename(page)
    secs = sections(page)
    for sec in ("EXIT STATUS", "ENVIRONMENT", "FILES"):
        check(sec in secs, "%s has %s" % (base, sec))
    text = unescape("\n".join(secs.get("EXIT STATUS", [])))
    check(re.search(r"(^|\D)4(\D|$)", text) is not None,
          "%s: EXIT STATUS documents 4 (incomplete scan)" % base)
    check("docs/man/" + base in meson, "%s is installed by meson" % base)


def page_for(cmd):
    return named.get("voorzorg-" + cmd.replace(" ", "-")) or \
        named.get("voorzorg-" + cmd.split()[0])


# ---- each command: help CMD, --help, and its page ---------------------------
per_page = {}
for cmd in commands:
    rc, text, err = run(*cmd.split(), "--help")
    check(rc == 0 and text.startswith("usage:") and not err,
          "%s --help: exit 0, usage on stdout" % cmd, err)
    rc2, text2, _ = run("help", *cmd.split())
    check(rc2 == 0 and text2 == text,
          "'voorzorg help %s' is '%s --help'" % (cmd, cmd))
    check(re.search(r"exit status:.*\b4\b", text.replace("\n", " "))
          is not None, "%s --help: exit status mentions 4" % cmd)
    opts = help_options(text)
    for must in ("-h", "--help", "-q", "--quiet", "-v", "--verbose"):
        check(must in opts, "%s --help lists %s" % (cmd, must))
    page = page_for(cmd)
    if page is None:
        not_ok("%s has a man page (NAME lists voorzorg-%s)" %
               (cmd, cmd.replace(" ", "-")))
        continue
    per_page.setdefault(page, []).append((cmd, opts))

for page, cmds in per_page.items():
    base = os.path.basename(page)
    mopts = man_options(sections(page).get("OPTIONS", []))
    subs = set(mopts) - {""}
    names = {c for c, _ in cmds} | {c.split()[-1] for c, _ in cmds}
    for s in sorted(subs - names):
        not_ok("%s: OPTIONS subsection '%s' names a command" % (base, s))
    for cmd, hopts in cmds:
        want = set(mopts[""])
        for s in (cmd, cmd.split()[-1]):
            if len(cmds) > 1 or s in mopts:
                want |= mopts.get(s, set())
        missing = sorted(hopts - want)
        extra = sorted(want - hopts)
        check(not missing, "%s: every option of '%s --help' is in %s" %
              (cmd, cmd, base), "missing from the page: " +
              " ".join(missing))
        check(not extra, "%s: every option %s gives it is in '%s --help'"
              % (cmd, base, cmd), "not in --help: " + " ".join(extra))

# ---- voorzorg(1) ------------------------------------------------------------
main_page = os.path.join(root, "docs/man/voorzorg.1")
secs = sections(main_page)
listed = unescape("\n".join(secs.get("COMMANDS", [])))
for cmd in commands:
    check(re.search(r"(^|\s)" + re.escape(cmd) + r"(\s|$)", listed)
          is not None, "voorzorg(1) COMMANDS lists '%s'" % cmd)
mo = man_options(secs.get("OPTIONS", []))[""]
ho = help_options(main_help)
check(mo == ho, "voorzorg(1) OPTIONS agree with voorzorg --help",
      "page only: %s; help only: %s" % (sorted(mo - ho), sorted(ho - mo)))
check(re.search(r"exit status:.*\b4\b", main_help.replace("\n", " "))
      is not None, "voorzorg --help: exit status mentions 4")

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PYEOF
