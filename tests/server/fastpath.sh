#!/usr/bin/env bash
# tests/server/fastpath.sh STORE - the compliance view's fast path on one
# store (sqlite or postgresql): the counts as of now, read from table
# state_counts that triggers keep, equal the full computation from every
# stored report (as_of the same instant) on a randomised fleet
# (tests/server/fleet.py), under several clocks: now, later (past a
# deadline, exemptions ending, hosts turning stale), and earlier than
# some reports were received. The kept counts equal counts recomputed
# from scratch. A database of schema version 3 (before the counts)
# upgrades at start, keeps its data and answers the same; so does one of
# version 4 (before migration 5's cheaper triggers), which then keeps
# its counts through more reports.
. "$(dirname "$0")/lib.sh"
store=${1:?usage: fastpath.sh sqlite|postgresql}

db_for "$store" || finish
bash "$VZ_SOURCE_ROOT/tests/scan/mkroots.sh" "$TMP/roots" >/dev/null 2>&1 ||
	{ bad "mkroots.sh failed"; finish; }
# Deadlines near the fleet's clock for the 'vital' sector (the other
# measure's are in 2017: overdue), as in tests/server/ledger.sh.
vital_catalog "$TMP/catalog.json" "$(day 10)"
CAT=(--catalog "$TMP/catalog.json" --allow-unsigned)
"$VOORZORG" scan --root "$TMP/roots/dpkg" "${CAT[@]}" --format json \
	--output "$TMP/report.json" >/dev/null 2>&1
check "fixture scan (findings)" 1 $?
[ -s "$TMP/report.json" ] || { bad "fixture scan"; finish; }

iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
T0=$(( $(date -u +%s) / 60 * 60 ))
seed=${FLEET_SEED:-12}
# Hosts enrol 3 hours before T0 and report at T0.
export VOORZORG_NOW=$(iso $((T0 - 3 * 3600)))
start_server "$DB" "${CAT[@]}" || finish
"$PY" "$HERE/fleet.py" enrol "$URL" "$TMP/admin.token" "$seed" \
	"$TMP/hosts.json" >"$TMP/fleet.log" 2>&1 ||
	{ bad "enrolment"; sed 's/^/     | /' "$TMP/fleet.log"; }
stop_server
export VOORZORG_NOW=$(iso "$T0")
start_server "$DB" "${CAT[@]}" || finish
if "$PY" "$HERE/fleet.py" build "$URL" "$TMP/admin.token" \
	"$TMP/report.json" "$seed" "$T0" "$TMP/hosts.json" \
	>"$TMP/fleet.log" 2>&1; then
	ok "randomised fleet: $(cat "$TMP/fleet.log")"
else
	bad "randomised fleet"; sed 's/^/     | /' "$TMP/fleet.log"
fi
stop_server

# compare_at T NAME : restart with the clock at T and compare.
compare_at() {
	export VOORZORG_NOW=$(iso "$1")
	start_server "$DB" "${CAT[@]}" || { bad "$2: start"; return; }
	"$PY" "$HERE/fleet.py" compare "$URL" "$TMP/admin.token" "$1" \
		>"$TMP/cmp" 2>&1 || echo "FAIL fleet.py compare" >>"$TMP/cmp"
	while IFS= read -r line; do
		case $line in
		"ok   "*) ok "$2: ${line#ok   }" ;;
		*) bad "$2: ${line#FAIL }" ;;
		esac
	done <"$TMP/cmp"
	stop_server
}
compare_at "$T0" "now"
compare_at $((T0 + 5 * 3600)) "5 hours later"
compare_at $((T0 + 12 * 86400 + 777)) "12 days later"
compare_at $((T0 + 29 * 86400 + 13 * 3600)) "29.5 days later"
compare_at $((T0 + 31 * 86400)) "31 days later"
compare_at $((T0 - 7200)) "2 hours earlier (reports received later)"

# The counts the triggers kept equal the counts recomputed from scratch
# (by the statement migration 4 runs).
dbq() { # dbq SQL : rows, '|'-separated
	case $store in
	sqlite) sqlite3 "${DB#sqlite:}" "$1" ;;
	postgresql) psql_n "$1" ;;
	esac
}
RECOUNT="SELECT h.org, COALESCE(h.grp, ''),
 CASE WHEN s.host_id IS NULL THEN 0 ELSE 1 END, COALESCE(s.products, ''),
 COALESCE(s.scanned_at / 86400, 0), count(*)
 FROM hosts h LEFT JOIN host_state s ON s.host_id = h.id
 GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5"
KEPT="SELECT org, grp, seen, products, day, n FROM state_counts
 ORDER BY 1, 2, 3, 4, 5"
dbq "$RECOUNT" >"$TMP/recount"
dbq "$KEPT" >"$TMP/kept"
if [ -s "$TMP/kept" ] && cmp -s "$TMP/kept" "$TMP/recount"; then
	ok "kept counts = recomputed counts ($(wc -l <"$TMP/kept") rows)"
else
	bad "kept counts differ from recomputed counts"
	diff "$TMP/kept" "$TMP/recount" | head -20 | sed 's/^/     | /'
fi

# Upgrade: take the database back to schema version 3 (what migration 4
# added goes), keep its data, and start this server on it.
case $store in
sqlite) DOWN="DROP TRIGGER hosts_counted; DROP TRIGGER hosts_regrouped;
 DROP TRIGGER host_state_counted; DROP TRIGGER host_state_moved;" ;;
postgresql) DOWN="DROP TRIGGER hosts_counted ON hosts;
 DROP TRIGGER host_state_counted ON host_state;
 DROP TRIGGER host_state_moved ON host_state;
 DROP FUNCTION vz_hosts_counted(); DROP FUNCTION vz_host_state_counted();
 DROP FUNCTION vz_host_state_moved();
 DROP FUNCTION vz_count(TEXT, TEXT, INTEGER, TEXT, BIGINT, BIGINT);" ;;
esac
dbq "BEGIN; $DOWN DROP TABLE state_counts; DROP INDEX hosts_enrolled;
 DELETE FROM vz_schema WHERE version > 3; COMMIT;" >/dev/null
check "database back at schema version 3" 3 \
	"$(dbq 'SELECT max(version) FROM vz_schema')"
nreports=$(dbq 'SELECT count(*) FROM reports')
export VOORZORG_NOW=$(iso "$T0")
start_server "$DB" "${CAT[@]}" || finish
check "upgraded to schema version 5" 5 \
	"$(dbq 'SELECT max(version) FROM vz_schema')"
check "reports kept by the upgrade" "$nreports" \
	"$(dbq 'SELECT count(*) FROM reports')"
dbq "$KEPT" >"$TMP/kept2"
if cmp -s "$TMP/kept2" "$TMP/recount"; then
	ok "upgrade: counts filled from the stored data"
else
	bad "upgrade: counts differ"
	diff "$TMP/kept2" "$TMP/recount" | head -20 | sed 's/^/     | /'
fi
stop_server
compare_at "$T0" "after the upgrade"
compare_at $((T0 + 31 * 86400)) "after the upgrade, 31 days later"

# Upgrade from version 4: what migration 5 changed goes back to what
# migration 4 made (on SQLite, migration 5 changed nothing).
case $store in
sqlite) DOWN="" ;;
postgresql) DOWN="CREATE OR REPLACE FUNCTION vz_host_state_counted() RETURNS trigger
LANGUAGE plpgsql AS \$f\$ DECLARE o TEXT; g TEXT; BEGIN
 SELECT org, COALESCE(grp, '') INTO o, g FROM hosts WHERE id = new.host_id;
 UPDATE state_counts SET n = n - 1 WHERE org = o AND grp = g
 AND seen = 0 AND products = '' AND day = 0;
 DELETE FROM state_counts WHERE org = o AND grp = g AND seen = 0
 AND products = '' AND day = 0 AND n = 0;
 INSERT INTO state_counts VALUES (o, g, 1, new.products,
 new.scanned_at / 86400, 1) ON CONFLICT (org, grp, seen, products, day)
 DO UPDATE SET n = state_counts.n + 1;
 RETURN NULL; END \$f\$;
CREATE OR REPLACE FUNCTION vz_host_state_moved() RETURNS trigger
LANGUAGE plpgsql AS \$f\$ DECLARE o TEXT; g TEXT; BEGIN
 SELECT org, COALESCE(grp, '') INTO o, g FROM hosts WHERE id = new.host_id;
 UPDATE state_counts SET n = n - 1 WHERE org = o AND grp = g AND seen = 1
 AND products = old.products AND day = old.scanned_at / 86400;
 DELETE FROM state_counts WHERE org = o AND grp = g AND seen = 1
 AND products = old.products AND day = old.scanned_at / 86400 AND n = 0;
 INSERT INTO state_counts VALUES (o, g, 1, new.products,
 new.scanned_at / 86400, 1) ON CONFLICT (org, grp, seen, products, day)
 DO UPDATE SET n = state_counts.n + 1;
 RETURN NULL; END \$f\$;
DROP TRIGGER host_state_moved ON host_state;
CREATE TRIGGER host_state_moved AFTER UPDATE ON host_state
 FOR EACH ROW WHEN (old.products IS DISTINCT FROM new.products
 OR old.scanned_at / 86400 <> new.scanned_at / 86400)
 EXECUTE FUNCTION vz_host_state_moved();" ;;
esac
dbq "BEGIN; $DOWN DELETE FROM vz_schema WHERE version > 4; COMMIT;" >/dev/null
check "database back at schema version 4" 4 \
	"$(dbq 'SELECT max(version) FROM vz_schema')"
export VOORZORG_NOW=$(iso "$T0")
start_server "$DB" "${CAT[@]}" || finish
check "upgraded from version 4 to 5" 5 \
	"$(dbq 'SELECT max(version) FROM vz_schema')"
check "reports kept by the upgrade from 4" "$nreports" \
	"$(dbq 'SELECT count(*) FROM reports')"
dbq "$KEPT" >"$TMP/kept3"
if cmp -s "$TMP/kept3" "$TMP/recount"; then
	ok "upgrade from 4: counts kept"
else
	bad "upgrade from 4: counts differ"
	diff "$TMP/kept3" "$TMP/recount" | head -20 | sed 's/^/     | /'
fi
# More reports (another seed): the upgraded triggers move the hosts'
# counts from where migration 4's left them.
if "$PY" "$HERE/fleet.py" build "$URL" "$TMP/admin.token" \
	"$TMP/report.json" $((seed + 100)) "$T0" "$TMP/hosts.json" \
	>"$TMP/fleet.log" 2>&1; then
	ok "after the upgrade from 4, more reports: $(cat "$TMP/fleet.log")"
else
	bad "after the upgrade from 4, more reports"
	sed 's/^/     | /' "$TMP/fleet.log"
fi
stop_server
dbq "$RECOUNT" >"$TMP/recount4"
dbq "$KEPT" >"$TMP/kept4"
if [ "$(wc -l <"$TMP/recount4")" -gt 0 ] &&
	cmp -s "$TMP/kept4" "$TMP/recount4" &&
	! cmp -s "$TMP/kept4" "$TMP/recount"; then
	ok "upgrade from 4, more reports: kept counts = recomputed counts"
else
	bad "upgrade from 4, more reports: counts differ (or did not move)"
	diff "$TMP/kept4" "$TMP/recount4" | head -20 | sed 's/^/     | /'
fi
compare_at "$T0" "after the upgrade from 4"
compare_at $((T0 + 12 * 86400 + 777)) "after the upgrade from 4, 12 days later"
finish
