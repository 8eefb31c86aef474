#!/usr/bin/env bash
# tests/dashboard/run.sh SHOTS - the dashboard and `voorzorg report`
# against one real `voorzorg serve` (SQLite) seeded with the fixture
# fleet (seed.sh): the palette's contrast (contrast.py); the report in
# Markdown, HTML and PDF with the same numbers as the API, its PDF pages
# rendered to PNG in SHOTS; then the dashboard in headless Chromium
# (browser.py), which saves its screenshots in SHOTS. Chromium,
# chromium-driver, python3-selenium or poppler-utils missing is a
# failure, never a skip.
. "$(dirname "$0")/../server/lib.sh"
. "$(dirname "$0")/seed.sh"
SHOTS=${1:?usage: run.sh SHOTS}
mkdir -p "$SHOTS"
HERE_D="$VZ_SOURCE_ROOT/tests/dashboard"

if "$PY" "$HERE_D/contrast.py" "$VZ_SOURCE_ROOT/server/web/app.css" \
	>"$TMP/contrast.out"; then
	ok "palette: WCAG 2.1 AA contrast ($(tail -n 1 "$TMP/contrast.out"))"
else
	bad "palette: WCAG 2.1 AA contrast"; grep FAIL "$TMP/contrast.out"
fi

missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
[ -x /usr/bin/chromedriver ] || missing="$missing chromium-driver"
"$PY" -c 'import selenium' 2>/dev/null || missing="$missing python3-selenium"
command -v pdftoppm >/dev/null && command -v pdftotext >/dev/null ||
	missing="$missing poppler-utils"
if [ -n "$missing" ]; then
	bad "not installed:$missing (scripts/install-deps.sh test)"
	finish
fi

seed_all || { bad "seeding the server"; finish; }
ok "server seeded with the fixture fleet"

# ---- voorzorg report: three formats, one set of numbers --------------
report() { "$VOORZORG" report --server "$URL" \
	--admin-token-file "$TMP/admin.token" "$@"; }
# Chromium takes seconds per PDF: three reports in all formats, two
# organisations, both languages.
for org in min-jenv ws-oost; do
	langs="en nl"
	[ "$org" = ws-oost ] && langs=en
	for lang in $langs; do
		for f in markdown html pdf; do
			out="$TMP/r-$org-$lang.$f"
			if report --organisation "$org" --format "$f" --lang "$lang" \
				--output "$out" 2>"$TMP/err"; then :; else
				bad "report $org $f $lang"; sed 's/^/     | /' "$TMP/err"
			fi
			"$PY" "$HERE_D/report_numbers.py" "$out" "$f" \
				>"$TMP/n-$org-$lang-$f.json" 2>"$TMP/err" ||
				sed 's/^/     | /' "$TMP/err"
		done
		same=$(cat "$TMP"/n-$org-$lang-*.json | sort -u | wc -l)
		check "report $org ($lang): markdown, html and pdf agree" 1 "$same"
	done
	api GET "/compliance?organisation=$org" >/dev/null
	cp "$TMP/body" "$TMP/now.json"
	api GET "/compliance?organisation=$org&as_of=$(seed_day -30)" >/dev/null
	cp "$TMP/body" "$TMP/then.json"
	check "report $org: the numbers are the API's" ok "$("$PY" - \
		"$TMP/n-$org-en-pdf.json" "$TMP/now.json" "$TMP/then.json" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
now = json.load(open(sys.argv[2]))["items"]
then = {c["measure"]: c for c in json.load(open(sys.argv[3]))["items"]}
keys = ["hosts", "with_product", "compliant", "pending", "overdue",
        "exempted", "stale"]
want = {c["measure"]: [c["deadline"] or "none"] + [c[k] for k in keys]
        for c in now}
prog = {c["measure"]: [then[c["measure"]]["with_product"],
                       c["with_product"]] for c in now}
if rep["status"] != want:
    print("status %s != %s" % (rep["status"], want))
elif rep["progress"] != prog:
    print("progress %s != %s" % (rep["progress"], prog))
else:
    print("ok")
PY
)"
done
pdftoppm -r 60 -png "$TMP/r-min-jenv-nl.pdf" "$SHOTS/report-min-jenv-nl"
pdftoppm -r 60 -png "$TMP/r-min-jenv-en.pdf" "$SHOTS/report-min-jenv-en"
check "report PDF pages rendered to PNG" yes \
	"$([ -s "$SHOTS/report-min-jenv-nl-1.png" ] && echo yes)"
check "report in Dutch says so" 1 \
	"$(grep -c '^# Nalevingsrapportage: Ministerie' "$TMP/r-min-jenv-nl.markdown")"
check "report html: a hostile host name is escaped" "yes 0" \
	"$(grep -q 'ws-&lt;img src=x onerror=alert(1)&gt;' "$TMP/r-min-jenv-en.html" && echo yes) $(grep -c '<img' "$TMP/r-min-jenv-en.html")"
check "report markdown: a hostile host name is escaped" "yes 0" \
	"$(grep -qF 'ws-\<img src=x onerror=alert(1)\>' "$TMP/r-min-jenv-en.markdown" && echo yes) $(grep -c 'ws-<img' "$TMP/r-min-jenv-en.markdown")"
check "report names the catalogue it rests on" 1 \
	"$(grep -c 'voorzorg-scan-tests, version 1, signature: unsigned' "$TMP/r-min-jenv-en.markdown")"
check "report lists the exemption in force with its expiry" 1 \
	"$(grep -c 'CISO J. de Vries | 2027-01-30T23:59:59Z' "$TMP/r-min-jenv-en.markdown")"
check "report markdown: a '|' in a server value stays in its table cell" 1 \
	"$(grep -cF 'Air-gapped lab system \| replacement ordered (PO 4711).' "$TMP/r-min-jenv-en.markdown")"
check "report: the previous report is 30 days before the state's date" ok \
	"$("$PY" - "$TMP/r-min-jenv-en.markdown" <<'PY'
import datetime, re, sys
t = open(sys.argv[1], encoding="utf-8").read()
a = re.search(r"^- \*\*State as of:\*\* (\d{4}-\d\d-\d\d)", t, re.M)
s = re.search(r"^- \*\*Previous report:\*\* (\d{4}-\d\d-\d\d)$", t, re.M)
d = lambda m: datetime.date.fromisoformat(m.group(1))
print("ok" if a and s and (d(a) - d(s)).days == 30 else
      "as of %s, previous %s" % (a and a.group(1), s and s.group(1)))
PY
)"
PATH=/nonexistent "$VOORZORG" report --server "$URL" --organisation min-jenv \
	--admin-token-file "$TMP/admin.token" --format pdf \
	--output "$TMP/nochrome.pdf" 2>"$TMP/err"
check "pdf without chromium: exit 3, says so, writes nothing" "3 1 no" \
	"$? $(grep -c 'needs chromium, which is not installed' "$TMP/err") $([ -e "$TMP/nochrome.pdf" ] && echo yes || echo no)"
report --organisation nope --output "$TMP/nope.md" 2>"$TMP/err"
check "unknown organisation: exit 2, nothing written" "2 no" \
	"$? $([ -e "$TMP/nope.md" ] && echo yes || echo no)"
echo "not-the-token-0123456789abcdef0123456789" >"$TMP/wrong.token"
"$VOORZORG" report --server "$URL" --organisation min-jenv \
	--admin-token-file "$TMP/wrong.token" >/dev/null 2>&1
check "wrong token: exit 2" 2 "$?"
report --organisation min-jenv --format docx >/dev/null 2>&1
check "unknown format: exit 2" 2 "$?"

# ---- the dashboard in Chromium -----------------------------------------
status=$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$URL/")
check "GET / is the dashboard's HTML" "200 text/html; charset=utf-8" "$status"
check "a strict CSP on the page" 1 "$(curl -sI "$URL/app.js" |
	grep -c "^Content-Security-Policy: default-src 'none'; script-src 'self'")"
check "nothing outside the embedded files" "404 404" \
	"$(curl -s -o /dev/null -w '%{http_code}' --path-as-is "$URL/../../etc/passwd") $(curl -s -o /dev/null -w '%{http_code}' "$URL/web/embed.py")"
if "$PY" "$HERE_D/browser.py" "$URL" "$ADMIN_TOKEN" "$SHOTS" \
	"$TMP/seed-state.json" >"$TMP/browser.out" 2>&1; then
	ok "browser: $(tail -n 1 "$TMP/browser.out")"
else
	bad "browser: $(tail -n 1 "$TMP/browser.out")"
fi
sed 's/^/     | /' "$TMP/browser.out"
stop_server
finish
