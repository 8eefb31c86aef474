# tests/dashboard/seed.sh - sourced after tests/server/lib.sh: build the
# fixture roots, scan two of them with the real tool for report
# templates, and play tests/dashboard/seed.py's phases against a real
# `voorzorg serve` (SQLite), restarting it with VOORZORG_NOW at each
# phase so that every report is received on its day. Leaves the server
# running with its clock at T0 (seed.py) and URL set.
T0=2026-12-01
SEED_DIR="$VZ_SOURCE_ROOT/tests/dashboard"

seed_day() { date -u -d "$T0 $1 days" +%Y-%m-%d; }

# The scan tests' catalogue, with the deadlines of the fixture's story.
seed_catalog() {
	"$PY" - "$VZ_SOURCE_ROOT/tests/scan/catalog.json" "$1" \
		"$(seed_day -60)" "$(seed_day -40)" "$(seed_day -5)" \
		"$(seed_day -30)" "$(seed_day 25)" <<'PY'
import json, sys
src, out, cg_i, cg_p, cg_r, v_i, v_r = sys.argv[1:]
c = json.load(open(src))
for m in c["measures"]:
    if m["id"] != "nl-2018-kaspersky-antivirus":
        continue
    for s in m["sectors"]:
        # Test dates, not the measure's (which set none): the source id
        # is the measure's own, as the format wants one per dated entry.
        src = ["ro-2018"]
        if s["sector"] == "central-government":
            s["deadlines"] = [
                {"verb": "identify", "date": cg_i, "sources": src},
                {"verb": "plan", "date": cg_p, "sources": src},
                {"verb": "complete-removal", "date": cg_r, "sources": src}]
        if s["sector"] == "vital":
            s["deadlines"] = [
                {"verb": "identify", "date": v_i, "sources": src},
                {"verb": "complete-removal", "date": v_r, "sources": src}]
json.dump(c, open(out, "w"), indent=1)
PY
}

seed_all() {
	local d
	bash "$VZ_SOURCE_ROOT/tests/scan/mkroots.sh" "$TMP/roots" \
		>"$TMP/mkroots.log" 2>&1 || { bad "mkroots.sh failed"; return 1; }
	seed_catalog "$TMP/catalog.json"
	CAT=(--catalog "$TMP/catalog.json" --allow-unsigned)
	mkdir -p "$TMP/tpl"
	"$VOORZORG" scan --root "$TMP/roots/dpkg" "${CAT[@]}" \
		--format json --output "$TMP/tpl/with.json" >/dev/null 2>&1
	check "fixture scan with the product: exit 1" 1 $?
	"$VOORZORG" scan --root "$TMP/roots/decoy" "${CAT[@]}" \
		--format json --output "$TMP/tpl/clean.json" >/dev/null 2>&1
	check "fixture scan without it: exit 0" 0 $?
	# The roots hold stand-ins of the product: gone at once, so that a
	# live scan of this machine running beside this test (scan_live)
	# does not find them.
	rm -rf "$TMP/roots"
	[ -s "$TMP/tpl/with.json" ] && [ -s "$TMP/tpl/clean.json" ] ||
		{ bad "fixture scans"; return 1; }
	DB="sqlite:$TMP/dash.db"
	for d in -50 -35 -20 -8 -1; do
		VOORZORG_NOW="$(seed_day "$d")T10:00:00Z" \
			start_server "$DB" "${CAT[@]}" || return 1
		"$PY" "$SEED_DIR/seed.py" "$TMP/seed-state.json" "$URL" \
			"$ADMIN_TOKEN" "$d" "$TMP/tpl" || { bad "seed day $d"; return 1; }
		stop_server
	done
	VOORZORG_NOW="${T0}T12:00:00Z" start_server "$DB" "${CAT[@]}"
}
