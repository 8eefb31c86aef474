#!/usr/bin/env python3
"""tests/dashboard/contrast.py APP.CSS - the dashboard's palette against
WCAG 2.1 AA: every foreground/background pair the CSS uses for text has a
contrast ratio of at least 4.5:1, and every pair for graphics and the
borders of controls at least 3:1 (success criteria 1.4.3 and 1.4.11).
The colours are read from the custom properties in APP.CSS, so a changed
palette is checked again. Prints ok/FAIL per pair; exits 1 on a failure."""
import re
import sys

TEXT = [  # (foreground, background, where)
    ("fg", "bg", "body text"),
    ("fg", "card", "text on cards"),
    ("muted", "bg", "secondary text"),
    ("muted", "card", "secondary text on cards"),
    ("link", "bg", "links"),
    ("link", "card", "links on cards"),
    ("head-fg", "head-bg", "header and navigation"),
    ("badge-fg", "ok", "badge compliant"),
    ("badge-fg", "pending", "badge pending"),
    ("badge-fg", "overdue", "badge overdue"),
    ("badge-fg", "exempted", "badge exempted"),
    ("badge-fg", "stale", "badge stale"),
    ("badge-fg", "link", "primary button"),
    ("error", "bg", "errors"),
    ("error", "card", "errors on cards"),
]
GRAPHICS = [
    ("chart-with", "bg", "chart: hosts with the product"),
    ("chart-overdue", "bg", "chart: overdue"),
    ("chart-ideal", "bg", "chart: straight line"),
    ("focus", "bg", "focus outline"),
    ("focus", "card", "focus outline on cards"),
    ("head-fg", "head-bg", "focus outline in the header"),
    ("line", "bg", "borders of controls"),
    ("line", "card", "borders of controls on cards"),
    ("ok", "bg", "count bar compliant"),
    ("pending", "bg", "count bar pending"),
    ("overdue", "bg", "count bar overdue"),
    ("exempted", "bg", "count bar exempted"),
    ("stale", "bg", "count bar stale"),
]


def lum(hexc):
    h = hexc.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    out = []
    for i in (0, 2, 4):
        c = int(h[i:i + 2], 16) / 255
        out.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * out[0] + 0.7152 * out[1] + 0.0722 * out[2]


def ratio(a, b):
    la, lb = sorted((lum(a), lum(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def main():
    css = open(sys.argv[1]).read()
    root = re.search(r":root\s*\{(.*?)\}", css, re.S).group(1)
    pal = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})\s*;", root))
    failed = passed = 0
    # The checker itself: black on white is 21:1, white on white 1:1.
    for a, b, want in (("#000000", "#ffffff", 21.0), ("#ffffff", "#fff", 1.0)):
        if abs(ratio(a, b) - want) > 0.01:
            print("FAIL contrast formula (%s on %s)" % (a, b))
            failed += 1
    for pairs, need in ((TEXT, 4.5), (GRAPHICS, 3.0)):
        for fg, bg, what in pairs:
            if fg not in pal or bg not in pal:
                print("FAIL %s: --%s or --%s missing from the palette"
                      % (what, fg, bg))
                failed += 1
                continue
            r = ratio(pal[fg], pal[bg])
            ok = r >= need
            print("%s %-34s %s on %s: %.2f:1 (needs %.1f:1)"
                  % ("ok  " if ok else "FAIL", what, pal[fg], pal[bg], r,
                     need))
            passed += ok
            failed += not ok
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed or not passed else 0)


main()
