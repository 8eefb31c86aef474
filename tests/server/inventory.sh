#!/usr/bin/env bash
# tests/server/inventory.sh STORE - hosts posting inventories
# (POST /api/v1/inventories) on one store (sqlite or postgresql): real
# inventories of the fixture roots made by `voorzorg collect`, posted with
# curl to a real server, judged there with its catalogue and the
# organisation's sector:
#   the ledger shows the roots' states; the judged report is what
#   `voorzorg scan --inventory FILE --sector S` gives, with the body's
#   SHA-256 prefix as report_id and the inventory's collected_at as
#   scanned_at; a resend is counted once; a truncated, garbled or
#   unsupported inventory, a wrong content type, no key and another
#   machine's inventory are refused with nothing stored.
. "$(dirname "$0")/lib.sh"
store=${1:?usage: inventory.sh sqlite|postgresql}

db_for "$store" || finish
bash "$VZ_SOURCE_ROOT/tests/scan/mkroots.sh" "$TMP/roots" >/dev/null 2>&1 ||
	{ bad "mkroots.sh failed"; finish; }

# The scan tests' catalogue, with the removal deadline for 'vital' ten
# days ahead, so that a root with the product is pending.
vital_catalog "$TMP/catalog.json" "$(day 10)"
CAT=(--catalog "$TMP/catalog.json" --allow-unsigned)

start_server "$DB" "${CAT[@]}" || { bad "server start"; finish; }
check "organisation created" 201 \
	"$(api POST /organisations '{"id":"min-w","name":"Ministry W","sector":"vital"}')"
jx 'd["enroll_secret"]' <"$TMP/body" >"$TMP/secret"

# post_inv FILE [KEY [CONTENT-TYPE]] -> status; the answer in $TMP/body.
post_inv() {
	curl -s -o "$TMP/body" -w '%{http_code}' -X POST \
		-H "Authorization: Bearer ${2:-$KEY}" \
		-H "Content-Type: ${3:-application/x-ndjson}" \
		--data-binary "@$1" "$URL/api/v1/inventories"
}
sha32() { sha256sum "$1" | cut -c1-32; }
# same NAME EXPR A B : EXPR (see jx) gives the same, and something, over
# the JSON files A and B.
same() {
	local a b
	a=$(jx "$2" <"$3") && b=$(jx "$2" <"$4") && [ -n "$a" ] &&
		[ "$a" = "$b" ] && { ok "$1"; return; }
	bad "$1 (got '$b', wanted '$a')"
}
nreports() {
	api GET "/reports?organisation=min-w" >/dev/null
	jx 'len(d["items"])' <"$TMP/body"
}

# Each root: enrolled as its own host, collected, its inventory posted.
for r in dpkg residue decoy; do
	export VOORZORG_STATE_DIR="$TMP/st-$r"
	"$VOORZORG" enroll "$URL" --secret-file "$TMP/secret" \
		--root "$TMP/roots/$r" >"$TMP/out" 2>&1 ||
		{ bad "enroll $r"; sed 's/^/     | /' "$TMP/out"; }
	"$VOORZORG" collect --root "$TMP/roots/$r" "${CAT[@]}" \
		--output "$TMP/inv-$r.jsonl" >/dev/null 2>"$TMP/err" ||
		{ bad "collect $r"; sed 's/^/     | /' "$TMP/err"; }
	KEY=$(cat "$TMP/st-$r/node.key")
	check "inventory of $r: 201" 201 "$(post_inv "$TMP/inv-$r.jsonl")"
	check "$r: report_id is the body's SHA-256 prefix" \
		"$(sha32 "$TMP/inv-$r.jsonl")" "$(jx 'd["report_id"]' <"$TMP/body")"
	check "$r: not a duplicate" false "$(jx 'd["duplicate"]' <"$TMP/body")"
done
export VOORZORG_STATE_DIR="$TMP/state"

state_of() { # state_of ROOT
	api GET "/ledger?organisation=min-w&measure=nl-2018-kaspersky-antivirus" >/dev/null
	jx "[r['state'] for r in d['items'] if r['hostname']=='fixture-$1'][0]" <"$TMP/body"
}
check "dpkg root: pending" pending "$(state_of dpkg)"
check "residue root: compliant" compliant "$(state_of residue)"
check "decoy root: compliant" compliant "$(state_of decoy)"
check "three reports stored" 3 "$(nreports)"

# The judged report is the tool's judgement of the same inventory (for
# the tool, both roots have a finding that needs action: exit 1).
for r in dpkg residue; do
	ID=$(sha32 "$TMP/inv-$r.jsonl")
	check "$r: judged report readable" 200 "$(api GET "/reports/$ID")"
	cp "$TMP/body" "$TMP/judged-$r.json"
	"$VOORZORG" scan --inventory "$TMP/inv-$r.jsonl" --sector vital \
		"${CAT[@]}" --format json --output "$TMP/tool-$r.json" \
		>/dev/null 2>"$TMP/err"
	check "$r: the tool's exit status" 1 "$?"
	for part in findings coverage host sector report_schema; do
		same "$r: $part as the tool judges it" "d['$part']" \
			"$TMP/tool-$r.json" "$TMP/judged-$r.json"
	done
	check "$r: report_id in the report" "$ID" \
		"$(jx 'd["report_id"]' <"$TMP/judged-$r.json")"
	check "$r: scanned_at is the inventory's collected_at" \
		"$(head -n 1 "$TMP/inv-$r.jsonl" | jx 'd["collected_at"]')" \
		"$(jx 'd["scanned_at"]' <"$TMP/judged-$r.json")"
done
check "dpkg: judged with a finding" true \
	"$(jx 'len(d["findings"]) > 0' <"$TMP/judged-dpkg.json")"

# A resend of the same inventory is counted once.
KEY=$(cat "$TMP/st-dpkg/node.key")
check "resend: 200" 200 "$(post_inv "$TMP/inv-dpkg.jsonl")"
check "resend: duplicate" true "$(jx 'd["duplicate"]' <"$TMP/body")"
check "resend stored nothing" 3 "$(nreports)"

# Bad inventories: a 4xx with the reader's message, and nothing stored.
head -n -1 "$TMP/inv-dpkg.jsonl" >"$TMP/trunc.jsonl"
check "truncated: 400" 400 "$(post_inv "$TMP/trunc.jsonl")"
grep -q 'truncated' "$TMP/body" && ok "truncated: says so" ||
	bad "truncated: $(cat "$TMP/body")"
check "truncated: not stored" 404 "$(api GET "/reports/$(sha32 "$TMP/trunc.jsonl")")"
sed '2s/.*/{"kind": nonsense/' "$TMP/inv-dpkg.jsonl" >"$TMP/garbled.jsonl"
check "garbled: 400" 400 "$(post_inv "$TMP/garbled.jsonl")"
grep -q 'inventory:2:' "$TMP/body" && ok "garbled: names the line" ||
	bad "garbled: $(cat "$TMP/body")"
: >"$TMP/empty.jsonl"
check "empty: 400" 400 "$(post_inv "$TMP/empty.jsonl")"
printf 'garbage\0\377\n' >"$TMP/binary.jsonl"
check "binary: 400" 400 "$(post_inv "$TMP/binary.jsonl")"
# edit_header IN OUT EXPR : the inventory with its header line replaced
# by EXPR of it (h), the rest unchanged.
edit_header() {
	{ head -n 1 "$1" | "$PY" -c 'import json, sys
h = json.load(sys.stdin)
print(json.dumps(eval(sys.argv[1])))' "$3"; tail -n +2 "$1"; } >"$2"
}
edit_header "$TMP/inv-dpkg.jsonl" "$TMP/schema2.jsonl" 'dict(h, inventory_schema=2)'
check "inventory_schema 2: 422" 422 "$(post_inv "$TMP/schema2.jsonl")"
edit_header "$TMP/inv-dpkg.jsonl" "$TMP/noat.jsonl" 'dict(h, collected_at=None)'
check "no collected_at: 400" 400 "$(post_inv "$TMP/noat.jsonl")"
edit_header "$TMP/inv-dpkg.jsonl" "$TMP/badat.jsonl" 'dict(h, collected_at="yesterday")'
check "collected_at not an instant: 400" 400 "$(post_inv "$TMP/badat.jsonl")"
edit_header "$TMP/inv-dpkg.jsonl" "$TMP/future.jsonl" \
	'dict(h, collected_at="2999-01-01T00:00:00Z")'
check "collected in the future: 422" 422 "$(post_inv "$TMP/future.jsonl")"
edit_header "$TMP/inv-dpkg.jsonl" "$TMP/other.jsonl" \
	'dict(h, host=dict(h["host"], machine_id="0"*32))'
check "another machine's inventory: 409" 409 "$(post_inv "$TMP/other.jsonl")"
# What the judged report may not carry is refused as a report would be.
edit_header "$TMP/inv-dpkg.jsonl" "$TMP/esc.jsonl" \
	'dict(h, host=dict(h["host"], hostname="ws\x1b[2J"))'
check "a host name with an escape sequence: 400" 400 \
	"$(post_inv "$TMP/esc.jsonl")"
grep -q 'judged inventory: host' "$TMP/body" && ok "says the host name" ||
	bad "escape: $(cat "$TMP/body")"
edit_header "$TMP/inv-dpkg.jsonl" "$TMP/noname.jsonl" \
	'dict(h, host=dict(h["host"], hostname=None))'
check "no host name: 400" 400 "$(post_inv "$TMP/noname.jsonl")"
check "wrong content type: 415" 415 \
	"$(post_inv "$TMP/inv-dpkg.jsonl" "$KEY" application/json)"
check "no content type: 415" 415 "$(curl -s -o "$TMP/body" -w '%{http_code}' \
	-X POST -H "Authorization: Bearer $KEY" -H 'Content-Type:' \
	--data-binary "@$TMP/inv-dpkg.jsonl" "$URL/api/v1/inventories")"
check "another type of the same prefix: 415" 415 \
	"$(post_inv "$TMP/inv-dpkg.jsonl" "$KEY" application/x-ndjsonx)"
check "with a charset: taken (a resend)" 200 \
	"$(post_inv "$TMP/inv-dpkg.jsonl" "$KEY" 'application/x-ndjson; charset=utf-8')"
check "no key: 401" 401 "$(post_inv "$TMP/inv-dpkg.jsonl" none)"
check "unknown key: 401" 401 \
	"$(post_inv "$TMP/inv-dpkg.jsonl" "vzn_$(printf '0%.0s' $(seq 64))")"
check "admin token is no node key: 401" 401 \
	"$(post_inv "$TMP/inv-dpkg.jsonl" "$ADMIN_TOKEN")"
head -c $((9 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$TMP/big.jsonl"
check "9 MiB: 413" 413 "$(post_inv "$TMP/big.jsonl")"
check "bad inventories stored nothing" 3 "$(nreports)"

# Collected without the server's catalogue, and without the hashes it
# would have taken: judged all the same, and the report says what was not
# examined, as the tool's does.
edit_header "$TMP/inv-dpkg.jsonl" "$TMP/nocat1.jsonl" \
	'{k: v for k, v in h.items() if k != "collected_for"}'
unhash() { # unhash IN OUT : the inventory without its files' hashes
	"$PY" - "$1" "$2" <<'PY'
import json, sys
out = []
for line in open(sys.argv[1]).read().splitlines():
    d = json.loads(line)
    if d.pop("sha256", None) is not None:
        line = json.dumps(d)
    out.append(line)
open(sys.argv[2], "w").write("\n".join(out) + "\n")
PY
}
unhash "$TMP/nocat1.jsonl" "$TMP/nocat.jsonl"
# The same, but saying it was collected for the server's catalogue: the
# collector is trusted to have hashed what that catalogue wants.
unhash "$TMP/inv-dpkg.jsonl" "$TMP/unhashed.jsonl"
for v in nocat unhashed; do
	check "$v: 201" 201 "$(post_inv "$TMP/$v.jsonl")"
	api GET "/reports/$(sha32 "$TMP/$v.jsonl")" >/dev/null
	cp "$TMP/body" "$TMP/judged-$v.json"
	"$VOORZORG" scan --inventory "$TMP/$v.jsonl" --sector vital \
		"${CAT[@]}" --format json --output "$TMP/tool-$v.json" \
		>/dev/null 2>"$TMP/err"
	check "$v: the tool's exit status" 1 "$?"
	for part in 'd["coverage"]' 'd["findings"]' 'd["stats"]["problems"]'
	do
		same "$v: $part as the tool's" "$part" \
			"$TMP/tool-$v.json" "$TMP/judged-$v.json"
	done
done
check "without collected_for: files not hashed are said" true \
	"$(jx 'any(p["collector"] == "inventory" and
	    p["reason"].startswith("not hashed when collected")
	    for p in d["stats"]["problems"])' <"$TMP/judged-nocat.json")"
check "collected for this catalogue: nothing said" false \
	"$(jx 'any(p["collector"] == "inventory"
	    for p in d["stats"]["problems"])' <"$TMP/judged-unhashed.json")"

# An inventory near the limit (85,000 more file records, about 7.8 MiB)
# is read whole and judged like a small one: the product still found.
"$PY" - "$TMP/inv-dpkg.jsonl" "$TMP/large.jsonl" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
end = json.loads(lines[-1])
n = 85000
end["records"] += n
with open(sys.argv[2], "w") as f:
    f.write("\n".join(lines[:-1]) + "\n")
    for i in range(n):
        f.write('{"kind":"file","source":"files","name":"/srv/bulk/d%03d/'
                'f%05d.dat","type":"regular","size":%d}\n'
                % (i // 1000, i, 1000 + i))
    f.write(json.dumps(end) + "\n")
PY
check "large inventory is under 8 MiB" true \
	"$([ "$(stat -c %s "$TMP/large.jsonl")" -lt $((8 * 1024 * 1024)) ] &&
	echo true || echo false)"
check "large inventory: 201" 201 "$(post_inv "$TMP/large.jsonl")"
api GET "/reports/$(sha32 "$TMP/large.jsonl")" >/dev/null
same "large inventory: the product found" \
	'[f["product_id"] for f in d["findings"]]' \
	"$TMP/judged-dpkg.json" "$TMP/body"
check "dpkg root still pending" pending "$(state_of dpkg)"

# The other hosts' inventories are theirs alone.
KEY=$(cat "$TMP/st-residue/node.key")
check "the same inventory from another host: 409" 409 \
	"$(post_inv "$TMP/inv-dpkg.jsonl")"

stop_server
finish
