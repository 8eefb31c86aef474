#!/usr/bin/env bash
# tests/server/tls.sh STORE - the server over TLS, with a CA and a server
# certificate made here with openssl: `voorzorg enroll` and
# `scan --submit https://...` work with --ca; without --ca, or with
# another CA, verification refuses the server and the report stays in the
# spool, to go with the next run that has the right CA; a plain-HTTP
# client to the TLS port gets no data; a missing, malformed, encrypted or
# mismatched key or certificate is a one-line error naming the file, exit
# 2, before the store given (sqlite or postgresql) is touched.
. "$(dirname "$0")/lib.sh"
store=${1:?usage: tls.sh sqlite|postgresql}

command -v openssl >/dev/null || { bad "openssl is not installed"; finish; }
db_for "$store" || finish
bash "$VZ_SOURCE_ROOT/tests/scan/mkroots.sh" "$TMP/roots" >/dev/null 2>&1 ||
	{ bad "mkroots.sh failed"; finish; }
CAT=(--catalog "$VZ_SOURCE_ROOT/tests/scan/catalog.json" --allow-unsigned)

# A CA, a server certificate for 127.0.0.1 signed by it, and another CA
# that signed nothing here.
K="$TMP/pki"
mkdir -p "$K"
mkca() { # mkca NAME
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$K/$1.key" -out "$K/$1.pem" -days 30 \
		-subj "/CN=voorzorg test $1" >/dev/null 2>&1
}
mkca ca && mkca otherca || { bad "openssl: CA"; finish; }
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$K/server.key" -out "$K/server.csr" -subj /CN=127.0.0.1 \
	>/dev/null 2>&1 &&
	printf 'subjectAltName=IP:127.0.0.1\n' >"$K/ext" &&
	openssl x509 -req -in "$K/server.csr" -CA "$K/ca.pem" \
		-CAkey "$K/ca.key" -CAcreateserial -days 30 \
		-extfile "$K/ext" -out "$K/server.pem" >/dev/null 2>&1 ||
	{ bad "openssl: server certificate"; finish; }
TLS=(--tls-cert "$K/server.pem" --tls-key "$K/server.key")

# 1. Bad files: one line naming the file, exit 2, no database made.
printf 'not a key\n' >"$K/garbage"
openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:P-256 \
	-aes-256-cbc -pass pass:secret -out "$K/encrypted.key" >/dev/null 2>&1
# no_db : the store given holds nothing yet (no SQLite file; no table in
# the PostgreSQL database, which createdb made empty).
no_db() {
	case $store in
	sqlite) [ ! -e "$TMP/ledger.db" ] ;;
	postgresql) [ "$(psql_n "SELECT count(*) FROM pg_tables
		WHERE schemaname = 'public'")" = 0 ] ;;
	esac
}
bad_tls() { # bad_tls NAME FILE-IN-MESSAGE CERT KEY
	local name=$1 file=$2 rc
	"$VOORZORG" serve --db "$DB" --listen 127.0.0.1:0 \
		"${CAT[@]}" --admin-token-file "$TMP/admin.token" \
		--tls-cert "$3" --tls-key "$4" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" = 2 ] && [ "$(wc -l <"$TMP/err")" = 1 ] &&
		grep -q "^voorzorg serve: $file: " "$TMP/err" &&
		no_db && [ ! -s "$TMP/out" ]; then
		ok "$name: exit 2, one line naming $(basename "$file")"
	else
		bad "$name (exit $rc)"; sed 's/^/     | /' "$TMP/err"
	fi
}
bad_tls "missing key" "$K/nokey" "$K/server.pem" "$K/nokey"
bad_tls "missing certificate" "$K/nocert" "$K/nocert" "$K/server.key"
bad_tls "malformed key" "$K/garbage" "$K/server.pem" "$K/garbage"
bad_tls "malformed certificate" "$K/garbage" "$K/garbage" "$K/server.key"
bad_tls "a key as certificate" "$K/server.key" "$K/server.key" \
	"$K/server.key"
bad_tls "encrypted key" "$K/encrypted.key" "$K/server.pem" \
	"$K/encrypted.key"
bad_tls "another certificate's key" "$K/ca.key" "$K/server.pem" \
	"$K/ca.key"
"$VOORZORG" serve --db "$DB" --listen 127.0.0.1:0 \
	"${CAT[@]}" --tls-cert "$K/server.pem" >/dev/null 2>"$TMP/err"
check "--tls-cert without --tls-key: exit 2" 2 $?
no_db && ok "no database made by the refused starts" ||
	bad "a refused start made the database"

# 2. The server over TLS.
start_server "$DB" "${CAT[@]}" "${TLS[@]}" || { bad "server start"; finish; }
grep -q 'listening on .*(.*, https)' "$TMP/server.log" &&
	ok "says it serves https" || bad "no https in the start line"
URL="https://127.0.0.1:$PORT"
tapi() { CURL_CA_BUNDLE="$K/ca.pem" api "$@"; }
check "health over TLS" 200 "$(tapi GET /health)"
check "organisation created over TLS" 201 \
	"$(tapi POST /organisations '{"id":"o","name":"O","sector":"vital"}')"
jx 'd["enroll_secret"]' <"$TMP/body" >"$TMP/secret"

# A plain-HTTP client to the TLS port: no answer, and the server goes on.
curl -s -m 20 -o "$TMP/plain" "http://127.0.0.1:$PORT/api/v1/health"
rc=$?
[ "$rc" != 0 ] && [ ! -s "$TMP/plain" ] &&
	ok "plain HTTP to the TLS port: no data (curl exit $rc)" ||
	bad "plain HTTP to the TLS port got an answer (curl exit $rc)"
check "still serving after it" 200 "$(tapi GET /health)"
curl -s -m 20 -o /dev/null "$URL/api/v1/health"
check "curl without the CA: verification fails (60)" 60 $?

export VOORZORG_STATE_DIR="$TMP/host"
SPOOL="$TMP/host/spool"
spooled() { find "$SPOOL" -maxdepth 1 -name '*.json' | wc -l | tr -d ' '; }
enroll() { "$VOORZORG" enroll "$URL" --secret-file "$TMP/secret" \
	--root "$TMP/roots/dpkg" "$@" >"$TMP/out" 2>"$TMP/err"; }
enroll
check "enroll without --ca: refused" 3 $?
grep -q -i 'certificate' "$TMP/err" && ok "enroll: says it is the certificate" ||
	{ bad "enroll: no word of the certificate"; sed 's/^/     | /' "$TMP/err"; }
enroll --ca "$K/otherca.pem"
check "enroll with another CA: refused" 3 $?
check "no node key after refusals" 0 \
	"$(find "$TMP/host" -name node.key 2>/dev/null | wc -l | tr -d ' ')"
enroll --ca "$K/ca.pem"
check "enroll with --ca" 0 $?

scan() { "$VOORZORG" scan --root "$TMP/roots/dpkg" "${CAT[@]}" \
	--submit "$URL" "$@" >/dev/null 2>"$TMP/scan.err"; }
scan
check "submit without --ca: scan's own exit status" 1 $?
check "submit without --ca: report kept" 1 "$(spooled)"
grep -q 'kept in' "$TMP/scan.err" && grep -q -i 'certificate' "$TMP/scan.err" &&
	ok "submit without --ca: says why and that it is kept" ||
	{ bad "submit without --ca: message"; sed 's/^/     | /' "$TMP/scan.err"; }
scan --ca "$K/otherca.pem"
check "submit with another CA: scan's own exit status" 1 $?
check "submit with another CA: both reports kept" 2 "$(spooled)"
tapi GET "/reports?organisation=o" >/dev/null
check "nothing reached the server" 0 "$(jx 'len(d["items"])' <"$TMP/body")"
scan --ca "$K/ca.pem"
check "submit with --ca: exit status" 1 $?
check "submit with --ca: spool empty" 0 "$(spooled)"
check "submit with --ca: three stored" 3 \
	"$(grep -c ': stored$' "$TMP/scan.err")"
tapi GET "/reports?organisation=o" >/dev/null
check "three reports on the server" 3 "$(jx 'len(d["items"])' <"$TMP/body")"
stop_server
finish
