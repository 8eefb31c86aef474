#!/usr/bin/env bash
# tests/server/ledger.sh STORE - the fleet server's done-when checks on
# one store (sqlite or postgresql), with real scans of fixture roots
# posted by `voorzorg scan --submit`:
#   three roots enrolled and submitted appear in the ledger with the right
#   states; a resend is counted once; moving the server's clock past the
#   removal deadline turns pending into overdue; an exemption makes it
#   exempted until it expires; a host that stops reporting becomes stale;
#   as_of a past date answers what was known then; a new catalogue
#   (reloaded) recomputes the ledger from the stored reports; overlays
#   only tighten; revoked keys and bad requests store nothing.
. "$(dirname "$0")/lib.sh"
store=${1:?usage: ledger.sh sqlite|postgresql}

db_for "$store" || finish
bash "$VZ_SOURCE_ROOT/tests/scan/mkroots.sh" "$TMP/roots" >/dev/null 2>&1 ||
	{ bad "mkroots.sh failed"; finish; }

# The scan tests' catalogue, with deadlines for the 'vital' sector near
# today so that the clock can be moved past them.
IDENT=$(day 5) REMOVE=$(day 10)
mkcat() { # mkcat OUT VERSION REMOVE
	"$PY" - "$VZ_SOURCE_ROOT/tests/scan/catalog.json" "$1" "$2" "$3" \
		"$IDENT" <<'PY'
import json, sys
src, out, version, remove, ident = sys.argv[1:]
c = json.load(open(src))
c["version"] = int(version)
for m in c["measures"]:
    for s in m["sectors"]:
        if s["sector"] == "vital" and m["id"] == "nl-2018-kaspersky-antivirus":
            s["deadlines"] = [
                {"verb": "identify", "date": ident, "sources": ["ro-2018"]},
                {"verb": "complete-removal", "date": remove,
                 "sources": ["ro-2018"]}]
json.dump(c, open(out, "w"), indent=1)
PY
}
mkcat "$TMP/catalog.json" 1 "$REMOVE"
CAT=(--catalog "$TMP/catalog.json" --allow-unsigned)

start_server "$DB" "${CAT[@]}" || { bad "server start"; finish; }
check "health" 200 "$(api GET /health)"
check "health names the store" "$store" "$(jx 'd["store"]' <"$TMP/body")"

check "organisation created" 201 \
	"$(api POST /organisations '{"id":"min-a","name":"Ministry A","sector":"vital"}')"
jx 'd["enroll_secret"]' <"$TMP/body" >"$TMP/secret"
check "duplicate organisation is a conflict" 409 \
	"$(api POST /organisations '{"id":"min-a","name":"Again","sector":"vital"}')"
check "unknown sector refused" 422 \
	"$(api POST /organisations '{"id":"min-b","name":"B","sector":"nope"}')"

# Enrol and submit three roots, each with its own state directory (node
# key and spool), as three hosts would have.
for r in dpkg residue decoy; do
	export VOORZORG_STATE_DIR="$TMP/st-$r"
	if "$VOORZORG" enroll "$URL" --secret-file "$TMP/secret" \
		--root "$TMP/roots/$r" --group "g-$r" >"$TMP/out" 2>&1; then
		ok "enroll $r"
	else
		bad "enroll $r"; sed 's/^/     | /' "$TMP/out"
	fi
	"$VOORZORG" scan --root "$TMP/roots/$r" "${CAT[@]}" --sector vital \
		--format json --output "$TMP/report-$r.json" \
		--submit "$URL" >/dev/null 2>"$TMP/err"
	rc=$?
	# The scan's own status: findings that need action in dpkg and
	# residue, none in decoy.
	want=1; [ "$r" = decoy ] && want=0
	if [ "$rc" = "$want" ] && grep -q 'stored$' "$TMP/err" &&
		[ -z "$(ls "$TMP/st-$r/spool")" ]; then
		ok "scan --submit $r: exit $rc, stored, spool empty"
	else
		bad "scan --submit $r (exit $rc, wanted $want)"
		sed 's/^/     | /' "$TMP/err"
	fi
done
export VOORZORG_STATE_DIR="$TMP/state"

state_of() { # state_of HOSTNAME [QUERY]
	api GET "/ledger?organisation=min-a&measure=nl-2018-kaspersky-antivirus${2:-}" >/dev/null
	jx "[r['state'] for r in d['items'] if r['hostname']=='fixture-$1'][0]" <"$TMP/body"
}
check "dpkg root: pending" pending "$(state_of dpkg)"
check "residue root: compliant" compliant "$(state_of residue)"
check "residue row says residue" true \
	"$(jx "[r['residue'] for r in d['items'] if r['hostname']=='fixture-residue'][0]" <"$TMP/body")"
check "decoy root: compliant" compliant "$(state_of decoy)"
check "deadline from the catalogue" "$REMOVE catalog" \
	"$(jx "[r['deadline']+' '+r['deadline_source'] for r in d['items'] if r['hostname']=='fixture-dpkg'][0]" <"$TMP/body")"
api GET "/compliance?organisation=min-a" >/dev/null
check "compliance counts" "3 2 1 0" \
	"$(jx "' '.join(str(x) for x in [d['totals']['hosts'],d['totals']['compliant'],d['totals']['pending'],d['totals']['overdue']])" <"$TMP/body")"

# The compliance counts as of now (grouped in the database from each
# host's latest report) equal those computed from the whole history.
same_counts() { # same_counts NAME INSTANT
	api GET "/compliance?organisation=min-a" >/dev/null
	jx 'd["items"]' <"$TMP/body" >"$TMP/fast"
	api GET "/compliance?organisation=min-a&as_of=$2" >/dev/null
	jx 'd["items"]' <"$TMP/body" >"$TMP/slow"
	if cmp -s "$TMP/fast" "$TMP/slow" && [ -s "$TMP/fast" ]; then
		ok "$1: counts as of now = counts from history"
	else
		bad "$1: counts as of now differ from history"
		diff "$TMP/fast" "$TMP/slow" | sed 's/^/     | /'
	fi
}
same_counts "after the scans" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"

# A resend of the same report is counted once.
KEY=$(cat "$TMP/st-dpkg/node.key")
post_report() { # post_report FILE [KEY] -> status
	curl -s -o "$TMP/body" -w '%{http_code}' -X POST \
		-H "Authorization: Bearer ${2:-$KEY}" \
		-H 'Content-Type: application/json' --data-binary "@$1" \
		"$URL/api/v1/reports"
}
check "resend answered 200" 200 "$(post_report "$TMP/report-dpkg.json")"
check "resend marked duplicate" true "$(jx 'd["duplicate"]' <"$TMP/body")"
api GET "/reports?organisation=min-a" >/dev/null
NREP=$(jx 'len(d["items"])' <"$TMP/body")
check "reports stored once each" 3 "$NREP"
check "report kept verbatim" "$(cat "$TMP/report-dpkg.json" | sha256sum)" \
	"$(api GET "/reports/$(jx 'd["report_id"]' <"$TMP/report-dpkg.json")" >/dev/null; sha256sum <"$TMP/body")"

# Bad requests: a 4xx with a JSON error, and nothing stored.
check "no key: 401" 401 "$(post_report "$TMP/report-dpkg.json" none)"
check "401 has a JSON error" true "$(jx '"error" in d' <"$TMP/body")"
printf '{"report_schema": 2, "report_id": ' >"$TMP/bad1.json"
check "malformed JSON: 400" 400 "$(post_report "$TMP/bad1.json")"
jx 'dict(d, report_schema=3, report_id="a"*32)' <"$TMP/report-dpkg.json" >"$TMP/bad2.json"
check "report_schema 3: 422" 422 "$(post_report "$TMP/bad2.json")"
jx 'dict(d, report_id="b"*32, findings=[{"product_id":"x"}])' <"$TMP/report-dpkg.json" >"$TMP/bad3.json"
check "finding without state: 400" 400 "$(post_report "$TMP/bad3.json")"
jx 'dict(d, report_id="c"*32, host=dict(d["host"], machine_id="0"*32))' \
	<"$TMP/report-dpkg.json" >"$TMP/bad4.json"
check "another machine's report: 409" 409 "$(post_report "$TMP/bad4.json")"
# A NUL byte after a number: jansson 2.14 would skip it, and the body
# would have been stored cut short at it. Refused, and not stored.
"$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
d["report_id"] = "d" * 32
t = json.dumps(d).replace("\"report_schema\": 2", "\"report_schema\": 2\0", 1)
assert "\0" in t
open(sys.argv[2], "wb").write(t.encode())' "$TMP/report-dpkg.json" "$TMP/bad6.json"
check "a NUL byte in the body: 400" 400 "$(post_report "$TMP/bad6.json")"
check "the NUL report is not stored" 404 "$(api GET "/reports/$(printf 'd%.0s' $(seq 32))")"
head -c $((9 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$TMP/big.json"
check "9 MiB body: 413" 413 "$(post_report "$TMP/big.json")"
check "9 MiB chunked (no length given): 413" 413 \
	"$(curl -s -o "$TMP/body" -w '%{http_code}' -X POST \
	-H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
	-H 'Transfer-Encoding: chunked' --data-binary "@$TMP/big.json" \
	"$URL/api/v1/reports")"
head -c $((65 * 1024)) /dev/zero | tr '\0' ' ' >"$TMP/big64.json"
check "65 KiB body elsewhere: 413" 413 \
	"$(api POST /exemptions "$(cat "$TMP/big64.json")")"
# The same report id from another host is not taken as a resend.
jx "dict(d, report_id=$(jx 'd["report_id"]' <"$TMP/report-residue.json" |
	"$PY" -c 'import json,sys; print(json.dumps(sys.stdin.read().strip()))'))" \
	<"$TMP/report-dpkg.json" >"$TMP/bad5.json"
check "another host's report id: 409" 409 "$(post_report "$TMP/bad5.json")"
grep -q 'another host' "$TMP/body" && ok "says it is another host's" ||
	bad "no word of another host"
check "wrong content type: 415" 415 "$(curl -s -o "$TMP/body" -w '%{http_code}' \
	-X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: text/plain' \
	--data-binary "@$TMP/report-dpkg.json" "$URL/api/v1/reports")"
check "node key cannot read: 403" 403 "$(curl -s -o "$TMP/body" -w '%{http_code}' \
	-H "Authorization: Bearer $KEY" "$URL/api/v1/ledger")"
check "unknown parameter: 400" 400 "$(api GET '/ledger?organisaton=min-a')"
check "unknown path: 404" 404 "$(api GET /nothing)"
check "wrong method: 405" 405 "$(api DELETE /ledger)"
api GET "/reports?organisation=min-a" >/dev/null
check "bad requests stored nothing" "$NREP" "$(jx 'len(d["items"])' <"$TMP/body")"

# Overlays only tighten.
check "overlay later than the catalogue: 422" 422 \
	"$(api PUT /organisations/min-a/overlays/nl-2018-kaspersky-antivirus \
	"{\"deadlines\":[{\"verb\":\"complete-removal\",\"date\":\"$(day 20)\"}]}")"
check "stricter overlay accepted" 200 \
	"$(api PUT /organisations/min-a/overlays/nl-2018-kaspersky-antivirus \
	"{\"deadlines\":[{\"verb\":\"complete-removal\",\"date\":\"$(day 8)\"}],\"milestones\":[{\"name\":\"pilot clean\",\"date\":\"$(day 3)\"}]}")"
api GET "/ledger?organisation=min-a&host=1" >/dev/null
check "ledger uses the overlay's deadline" "$(day 8) overlay" \
	"$(jx "[r['deadline']+' '+r['deadline_source'] for r in d['items'] if r['hostname']=='fixture-dpkg'][0]" <"$TMP/body")"
api GET "/compliance/series?organisation=min-a&measure=nl-2018-kaspersky-antivirus&from=$(day -1)&to=$(day 1)" >/dev/null
check "series: 3 days, milestone, overlay deadline" "3 pilot clean overlay" \
	"$(jx "' '.join([str(len(d['days'])), d['milestones'][0]['name'], [x['source'] for x in d['deadlines'] if x['verb']=='complete-removal'][0]])" <"$TMP/body")"
check "series: yesterday nobody had reported" "0 1" \
	"$(jx "' '.join([str(d['days'][0]['pending']), str(d['days'][1]['pending'])])" <"$TMP/body")"
check "overlay removed" 204 \
	"$(api DELETE /organisations/min-a/overlays/nl-2018-kaspersky-antivirus)"

check "ledger CSV" 200 "$(api GET '/ledger.csv?organisation=min-a')"
check "CSV header" "host_id,hostname,organisation,group,measure,state" \
	"$(head -n1 "$TMP/body" | cut -d, -f1-6)"
check "CSV has a row per host" 4 "$(wc -l <"$TMP/body" | tr -d ' ')"

HOST_DPKG=$(api GET "/hosts?organisation=min-a" >/dev/null;
	jx "[h['host_id'] for h in d['items'] if h['hostname']=='fixture-dpkg'][0]" <"$TMP/body")

# Move the clock past the removal deadline.
stop_server
VOORZORG_NOW="$(day 12)T12:00:00Z" start_server "$DB" "${CAT[@]}" ||
	{ bad "restart"; finish; }
check "past the deadline: overdue" overdue "$(state_of dpkg)"
check "residue still compliant" compliant "$(state_of residue)"
check "as of today it was pending" pending "$(state_of dpkg "&as_of=$(day 0)")"

# An exemption makes it exempted until it expires.
check "exemption without an end refused" 400 "$(api POST /exemptions \
	"{\"organisation\":\"min-a\",\"measure\":null,\"scope\":{\"kind\":\"host\",\"value\":\"$HOST_DPKG\"},\"reason\":\"lab\",\"approver\":\"CISO\"}")"
check "exemption created" 201 "$(api POST /exemptions \
	"{\"organisation\":\"min-a\",\"measure\":\"nl-2018-kaspersky-antivirus\",\"scope\":{\"kind\":\"host\",\"value\":\"$HOST_DPKG\"},\"reason\":\"Air-gapped lab; replacement ordered\",\"approver\":\"CISO J. de Vries\",\"expires\":\"$(day 20)\"}")"
EX_ID=$(jx 'd["id"]' <"$TMP/body")
check "exempted" exempted "$(state_of dpkg)"
check "the row names the exemption" "$EX_ID" \
	"$(jx "[r['exemption'] for r in d['items'] if r['hostname']=='fixture-dpkg'][0]" <"$TMP/body")"
same_counts "host exemption" "$(day 12)T12:00:00Z"
check "group exemption created" 201 "$(api POST /exemptions \
	"{\"organisation\":\"min-a\",\"measure\":null,\"scope\":{\"kind\":\"group\",\"value\":\"g-dpkg\"},\"reason\":\"Whole site\",\"approver\":\"CISO\",\"expires\":\"$(day 13)T00:00:00Z\"}")"
same_counts "group exemption" "$(day 12)T12:00:00Z"
api GET "/exemptions?organisation=min-a&active_at=$(day 12)" >/dev/null
check "both exemptions listed as active" 2 "$(jx 'len(d["items"])' <"$TMP/body")"
stop_server
VOORZORG_NOW="$(day 22)T12:00:00Z" start_server "$DB" "${CAT[@]}" ||
	{ bad "restart"; finish; }
check "exemption expired: overdue again" overdue "$(state_of dpkg)"
same_counts "expired exemptions" "$(day 22)T12:00:00Z"
check "as of day 15 it was exempted" exempted \
	"$(state_of dpkg "&as_of=$(day 15)")"

# A new catalogue, reloaded, recomputes from the stored reports: the
# removal deadline moves to yesterday (as of day 22: still overdue), then
# the measure is dropped for the sector (nothing to track).
mkcat "$TMP/catalog.json" 2 "$(day 16)"
check "catalogue reloaded" 200 "$(api POST /catalog/reload)"
check "new catalogue version" 2 "$(jx 'd["version"]' <"$TMP/body")"
api GET "/ledger?organisation=min-a&host=$HOST_DPKG" >/dev/null
check "deadline from the new catalogue" "$(day 16)" \
	"$(jx "[r['deadline'] for r in d['items'] if r['measure']=='nl-2018-kaspersky-antivirus'][0]" <"$TMP/body")"

# A host that stops reporting becomes stale.
stop_server
VOORZORG_NOW="$(day 45)T12:00:00Z" start_server "$DB" "${CAT[@]}" \
	--stale-days 30 || { bad "restart"; finish; }
check "no report for 45 days: stale" stale "$(state_of decoy)"
same_counts "stale hosts" "$(day 45)T12:00:00Z"
api GET "/compliance?organisation=min-a" >/dev/null
check "all three stale in the counts" 3 "$(jx 'd["totals"]["stale"]' <"$TMP/body")"
stop_server
VOORZORG_NOW="$(day 45)T12:00:00Z" start_server "$DB" "${CAT[@]}" \
	--stale-days 60 || { bad "restart"; finish; }
check "stale-days 60: not yet stale" compliant "$(state_of decoy)"

# Revoked keys are refused.
check "key revoked" 200 "$(api POST "/hosts/$HOST_DPKG/revoke")"
jx 'dict(d, report_id="d"*32)' <"$TMP/report-dpkg.json" >"$TMP/rev.json"
check "revoked key: 401" 401 "$(post_report "$TMP/rev.json")"

stop_server
finish
