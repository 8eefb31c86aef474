# tests/wine/prefix.sh - what the Wine tests share: a fresh 64-bit Wine
# prefix seeded with the registry of a Kaspersky installation (seed.reg,
# from the bundled catalogue's sourced fingerprints, and decoys), and
# Windows paths for Unix ones. Sourced, not run; it reports nothing
# itself: each function returns non-zero and the caller says what failed.

# wine_check_tools TOOL... : the missing ones in $wine_missing; 0 if none.
wine_check_tools() {
	local tool
	wine_missing=
	for tool in "$@"; do
		command -v "$tool" >/dev/null || wine_missing="$wine_missing $tool"
	done
	[ -z "$wine_missing" ]
}

# wine_env DIR : use DIR/prefix as the Wine prefix (quiet, no Mono or
# Gecko installer).
wine_env() {
	export WINEPREFIX=$1/prefix WINEDEBUG=-all
	export WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
}

# wine_stop : end this prefix's wineserver and wait for it.
wine_stop() {
	[ -n "${WINEPREFIX:-}" ] || return 0
	wineserver -k 2>/dev/null
	wineserver -w 2>/dev/null
}

# winpath PATH : the Unix path as Wine's Z: drive names it.
winpath() { echo "Z:$(echo "$1" | tr / '\\')"; }

# wine_boot LOG : start the prefix (created on first use).
wine_boot() { wine cmd /c exit >"$1" 2>&1; }

# wine_seed WORK : seed.reg and the klif driver's REG_EXPAND_SZ image path
# into the registry; 0 when the KES Uninstall entry is there.
wine_seed() {
	local here
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	cp "$here/seed.reg" "$1/seed.reg"
	wine regedit /S "$(winpath "$1/seed.reg")" >"$1/reg.log" 2>&1
	wine reg add 'HKLM\SYSTEM\CurrentControlSet\Services\klif' /v ImagePath \
		/t REG_EXPAND_SZ /d '\SystemRoot\System32\drivers\klif.sys' /f \
		>>"$1/reg.log" 2>&1
	wineserver -w
	grep -qi 'Kaspersky Endpoint Security for Windows' \
		"$WINEPREFIX/system.reg"
}
