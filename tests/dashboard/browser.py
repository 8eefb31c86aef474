#!/usr/bin/env python3
"""tests/dashboard/browser.py URL TOKEN SHOTS STATE - the dashboard in a
real browser: Debian's chromium, driven through chromium-driver by
python3-selenium, against the seeded `voorzorg serve` at URL
(tests/dashboard/run.sh). Checks:
  - sign-in with the admin token typed into the page;
  - the numbers on the measures and organisations pages equal the API's;
  - hostile host names and evidence are shown as text, never run;
  - an exemption recorded in the page changes the ledger (read through the
    API), and ending it in the page changes it back;
  - both dictionaries have the same keys; after a language switch every
    label is the new language's, and no visible text is untranslated;
  - keyboard use (skip link, sorting by Enter), no horizontal scrolling
    on a phone, no errors in the browser's console (CSP violations are);
and saves a screenshot of each page at laptop and phone widths in SHOTS.
Prints ok/FAIL per check; exits 1 if any failed."""
import json
import re
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

URL, TOKEN, SHOTS, STATE = sys.argv[1:5]
HOSTILE_NAME = "ws-<img src=x onerror=alert(1)>"
HOSTILE_DETAIL = "<script>alert('evidence')</script> installed"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
         "--disable-dev-shm-usage", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
LAPTOP, PHONE = (1280, 800), (390, 844)
passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL " + name + (" (" + detail + ")" if detail else ""))


def api(path, method="GET", body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(URL + "/api/v1" + path, data=data,
                                 method=method)
    req.add_header("Authorization", "Bearer " + TOKEN)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req) as r:
        return json.load(r)


def start():
    o = webdriver.ChromeOptions()
    for f in FLAGS:
        o.add_argument(f)
    o.add_argument("--user-data-dir=" + tempfile.mkdtemp(prefix="vz-chr-"))
    o.add_argument("--lang=en-GB")
    o.add_argument("--window-size=%d,%d" % LAPTOP)
    o.binary_location = "/usr/bin/chromium"
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"),
                            options=o)


def ready(d, hash_):
    """Go to #hash and wait until app.js has drawn it (data-ready)."""
    d.execute_script("location.hash = arguments[0]", hash_)
    WebDriverWait(d, 20).until(lambda d: d.execute_script(
        "const m = document.getElementById('main');"
        "return m.getAttribute('data-ready') === location.hash &&"
        " !m.hasAttribute('aria-busy') &&"
        " document.querySelectorAll('figure.chart-wrap:empty').length"
        " === 0"))


def redraw_done(d):
    WebDriverWait(d, 20).until(lambda d: d.execute_script(
        "const m = document.getElementById('main');"
        "return !m.hasAttribute('aria-busy') &&"
        " document.querySelectorAll('figure.chart-wrap:empty').length"
        " === 0"))


def set_lang(d, lang):
    Select(d.find_element(By.ID, "lang")).select_by_value(lang)
    time.sleep(0.05)
    redraw_done(d)


def shot(d, name, size):
    d.set_window_size(*size)
    time.sleep(0.2)
    h = d.execute_script("return document.documentElement.scrollHeight")
    d.set_window_size(size[0], min(max(h, size[1]) + 140, 6000))
    time.sleep(0.2)
    d.save_screenshot("%s/%s.png" % (SHOTS, name))
    d.set_window_size(*LAPTOP)


I18N_CHECK = r"""
const lang = document.documentElement.lang, dict = VZ_I18N[lang];
const fill = (s, a) => a ? s.replace(/\{(\w+)\}/g,
  (m, k) => k in a ? String(a[k]) : m) : s;
const bad = [];
let labels = 0;
for (const e of document.querySelectorAll('[data-i18n]')) {
  const k = e.getAttribute('data-i18n');
  if (!(k in dict)) { bad.push('no key ' + k); continue; }
  const a = JSON.parse(e.getAttribute('data-i18n-args') || 'null');
  labels++;
  if (e.textContent !== fill(dict[k], a))
    bad.push(k + ': "' + e.textContent + '"');
}
for (const [attr, name] of [['data-i18n-aria', 'aria-label'],
                            ['data-i18n-label', 'label'],
                            ['data-i18n-placeholder', 'placeholder']])
  for (const e of document.querySelectorAll('[' + attr + ']')) {
    labels++;
    if (e.getAttribute(name) !== dict[e.getAttribute(attr)])
      bad.push(attr + ' ' + e.getAttribute(attr));
  }
/* Every visible text: inside a translated element, a server value
 * (data-raw), or only digits, dates and punctuation. */
const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const plain = /^[\s\d\-:.,/()+–·%▲▼]*$/;
for (let n = w.nextNode(); n; n = w.nextNode()) {
  const t = n.textContent;
  if (plain.test(t)) continue;
  const p = n.parentElement;
  if (!p || p.closest('[data-i18n],[data-raw],title,desc,script,style'))
    continue;
  const r = p.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;
  bad.push('untranslated: "' + t.trim().slice(0, 60) + '"');
}
if (document.title !== dict['app.title']) bad.push('document.title');
return [labels, bad];
"""


def i18n_ok(d, where):
    labels, bad = d.execute_script(I18N_CHECK)
    lang = d.execute_script("return document.documentElement.lang")
    check("%s (%s): %d labels all in the language, nothing untranslated"
          % (where, lang, labels), labels > 5 and not bad,
          "; ".join(bad[:5]))


def counts_on_page(d, section):
    return {e.get_attribute("data-count"): int(e.text)
            for e in section.find_elements(By.CSS_SELECTOR, "[data-count]")}


def main():
    state = json.load(open(STATE))
    d = start()
    try:
        run(d, state)
        # The wrong token typed on purpose is the one expected error.
        logs = [l for l in d.get_log("browser") if l["level"] == "SEVERE"
                and "401 (Unauthorized)" not in l["message"]]
        check("no errors in the browser's console", not logs,
              "; ".join(l["message"][:120] for l in logs[:3]))
    finally:
        d.quit()
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(0 if failed == 0 and passed > 0 else 1)


def run(d, state):
    keys = ["hosts", "with_product", "compliant", "pending", "overdue",
            "exempted", "stale"]
    # ---- sign in, by keyboard --------------------------------------------
    d.get(URL + "/")
    tok = WebDriverWait(d, 20).until(lambda d: d.find_element(By.ID,
                                                              "token"))
    en, nl = d.execute_script("return [VZ_I18N.en, VZ_I18N.nl]")
    check("both dictionaries have the same keys", set(en) == set(nl),
          str(sorted(set(en) ^ set(nl))[:5]))
    check("no Dutch text is left English", all(
        nl[k] != en[k] for k in en
        if k not in ("app.name", "lang.nl", "lang.en", "col.sector",
                     "filter.sector", "col.status", "hosts.title") and
        len(en[k]) > 12), str([k for k in en if nl[k] == en[k] and
                               len(en[k]) > 12]))
    check("the page starts in the browser's language (en-GB: English)",
          d.execute_script("return document.documentElement.lang") == "en")
    i18n_ok(d, "sign-in page")
    shot(d, "signin-laptop-en", LAPTOP)
    tok.send_keys("wrong-token-0123456789abcdef0123456789")
    tok.send_keys(Keys.ENTER)
    WebDriverWait(d, 20).until(lambda d: d.find_elements(
        By.CSS_SELECTOR, "[role=alert][data-i18n='auth.failed']"))
    check("a wrong token is refused on the page", True)
    d.find_element(By.ID, "token").send_keys(TOKEN + Keys.ENTER)
    WebDriverWait(d, 20).until(lambda d: d.find_elements(
        By.CSS_SELECTOR, "section.measure"))
    check("the token is in sessionStorage only", d.execute_script(
        "return sessionStorage.getItem('voorzorg-admin-token') ===" +
        " arguments[0] && localStorage.length === 0 &&" +
        " document.cookie === ''", TOKEN))

    # ---- measures: numbers equal the API's -------------------------------
    orgs = api("/organisations")["items"]
    for o in orgs:
        ready(d, "#/measures?scope=org:" + o["id"])
        comp = api("/compliance?organisation=" + o["id"])["items"]
        want = {c["measure"]: {k: c[k] for k in keys} for c in comp}
        secs = d.find_elements(By.CSS_SELECTOR, "section.measure")
        got = {s.get_attribute("data-measure"): counts_on_page(d, s)
               for s in secs}
        check("measures of %s: counts equal /compliance" % o["id"],
              got == want and len(got) > 0, "%s != %s" % (got, want))
        charts = d.find_elements(By.CSS_SELECTOR, "svg.chart path.with")
        check("measures of %s: a burn-down per measure" % o["id"],
              len(charts) == len(secs))
    for sector in sorted({o["sector"] for o in orgs}):
        ready(d, "#/measures?scope=sector:" + sector)
        comp = api("/compliance?sector=" + sector)["items"]
        want = {}
        for c in comp:
            w = want.setdefault(c["measure"], {k: 0 for k in keys})
            for k in keys:
                w[k] += c[k]
        got = {s.get_attribute("data-measure"): counts_on_page(d, s)
               for s in d.find_elements(By.CSS_SELECTOR, "section.measure")}
        check("measures of sector %s: counts equal /compliance" % sector,
              got == want, "%s != %s" % (got, want))

    # The burn-down: its last point is today's count of hosts with it.
    ready(d, "#/measures?scope=org:min-jenv")
    series = api("/compliance/series?organisation=min-jenv&measure="
                 "nl-2018-kaspersky-antivirus&from=2026-10-02&to=2026-12-01")
    desc = d.find_element(By.CSS_SELECTOR,
                          "section[data-measure='nl-2018-kaspersky-antivirus']"
                          " svg desc").get_attribute("textContent")
    last = series["days"][-1]
    check("burn-down description names the API's last day",
          "%d (overdue: %d)" % (last["with_product"], last["overdue"])
          in desc, desc)
    marks = d.execute_script(
        "return [...document.querySelectorAll(\"section[data-measure="
        "'nl-2018-kaspersky-antivirus'] svg .mark-label\")]"
        ".map(e => e.textContent)")
    check("burn-down marks the deadlines and today",
          {"identify", "plan", "removed", "today"} <= set(marks), str(marks))
    i18n_ok(d, "measures")
    shot(d, "measures-laptop-en", LAPTOP)

    # ---- organisations: table equals the API, sorts, filters -------------
    ready(d, "#/organisations")
    comp = api("/compliance")["items"]
    rows = d.find_elements(By.CSS_SELECTOR, "table.data tbody tr")
    got = sorted(tuple([r.find_elements(By.TAG_NAME, "td")[2].text] +
                       [int(e.text) for e in r.find_elements(
                           By.CSS_SELECTOR, "[data-count]")]) for r in rows)
    want = sorted(tuple([c["measure"]] + [c[k] for k in (
        "hosts", "compliant", "pending", "overdue", "exempted", "stale")])
        for c in comp)
    check("organisations: every row equals /compliance", got == want,
          "%s != %s" % (got, want))
    d.find_element(By.ID, "org-overdue").send_keys(Keys.SPACE)
    n = int(d.find_element(By.CSS_SELECTOR, "table.data")
            .get_attribute("data-rows"))
    check("organisations: 'only overdue' filters",
          n == sum(1 for c in comp if c["overdue"]), str(n))
    d.find_element(By.ID, "org-overdue").send_keys(Keys.SPACE)
    th = d.find_elements(By.CSS_SELECTOR, "table.data th")[6]
    btn = th.find_element(By.TAG_NAME, "button")
    btn.send_keys(Keys.ENTER)
    check("a column sorts by keyboard (Enter on its header)",
          th.get_attribute("aria-sort") == "ascending")
    btn.send_keys(Keys.ENTER)
    first = d.find_elements(By.CSS_SELECTOR,
                            "table.data tbody tr [data-count=overdue]")[0]
    check("and again in reverse: the most overdue first",
          th.get_attribute("aria-sort") == "descending" and
          int(first.text) == max(c["overdue"] for c in comp))
    i18n_ok(d, "organisations")

    # ---- hosts: count, hostile names as text -----------------------------
    ready(d, "#/hosts?organisation=min-jenv")
    hosts = api("/hosts?organisation=min-jenv")["items"]
    links = d.find_elements(By.CSS_SELECTOR, "table.data tbody a")
    check("hosts: one row per host of /hosts", len(links) == len(hosts))
    check("a hostile host name is shown as text",
          HOSTILE_NAME in [a.text for a in links])
    check("and makes no element", d.execute_script(
        "return document.querySelectorAll('main img').length") == 0)
    i18n_ok(d, "hosts")
    hid = state["min-jenv/" + HOSTILE_NAME]["id"]

    # ---- one host: findings with evidence, history -----------------------
    ready(d, "#/host/%d" % hid)
    text = d.find_element(By.ID, "main").text
    check("host page: hostile evidence shown as text",
          HOSTILE_DETAIL in text)
    check("host page: no script element from the evidence",
          d.execute_script(
              "return document.querySelectorAll('main script').length") == 0)
    reps = api("/reports?host=%d" % hid)["items"]
    rows = d.find_elements(By.CSS_SELECTOR,
                           "section:nth-of-type(4) table tbody tr")
    check("host page: one history row per report", len(rows) == len(reps),
          "%d != %d" % (len(rows), len(reps)))
    i18n_ok(d, "host")

    # ---- exemptions: record one in the page, see the ledger change -------
    def ledger_state():
        led = api("/ledger?organisation=min-jenv&measure="
                  "nl-2018-kaspersky-antivirus")["items"]
        return [r["state"] for r in led if r["host_id"] == hid][0]

    before = ledger_state()
    check("the hostile host is overdue before", before == "overdue", before)
    ready(d, "#/exemptions?organisation=min-jenv&host=%d" % hid)
    Select(d.find_element(By.ID, "ex-measure")).select_by_value(
        "nl-2018-kaspersky-antivirus")
    check("the host's number is filled in from its page",
          d.find_element(By.ID, "ex-value").get_attribute("value") ==
          str(hid))
    d.find_element(By.ID, "ex-reason").send_keys(
        "Vervanging loopt; <b>levering</b> in januari.")
    d.find_element(By.ID, "ex-approver").send_keys("CISO J. de Vries")
    d.execute_script("document.getElementById('ex-expires').value ="
                     " '2027-01-31'")
    n0 = len(api("/exemptions")["items"])
    d.find_element(By.CSS_SELECTOR, "#ex-form button[type=submit]").click()
    WebDriverWait(d, 20).until(lambda d: d.find_elements(
        By.CSS_SELECTOR, "#ex-msg [data-i18n='ex.createdmsg']"))
    exs = api("/exemptions")["items"]
    new = exs[-1]
    check("the page recorded one exemption", len(exs) == n0 + 1 and
          new["scope"] == {"kind": "host", "value": str(hid)} and
          new["reason"] == "Vervanging loopt; <b>levering</b> in januari."
          and new["approver"] == "CISO J. de Vries" and
          new["expires"].startswith("2027-01-31"), json.dumps(new))
    check("the ledger now says exempted", ledger_state() == "exempted")
    check("the reason is shown as text", "<b>levering</b>" in
          d.find_element(By.ID, "main").text)
    i18n_ok(d, "exemptions")
    shot(d, "exemptions-laptop-en", LAPTOP)
    why = d.find_element(By.ID, "why-%d" % new["id"])
    why.send_keys("product verwijderd")
    d.find_element(By.CSS_SELECTOR,
                   "[data-expire='%d']" % new["id"]).send_keys(Keys.ENTER)
    WebDriverWait(d, 20).until(lambda d: not d.find_elements(
        By.CSS_SELECTOR, "[data-expire='%d']" % new["id"]))
    e = api("/exemptions/%d" % new["id"])
    check("ending it in the page expires it", e["expired_at"] is not None
          and e.get("expire_reason") == "product verwijderd", json.dumps(e))
    check("and the ledger says overdue again", ledger_state() == "overdue")

    # ---- Dutch: every page, every label; screenshots ---------------------
    pages = [("measures", "#/measures?scope=org:min-jenv"),
             ("organisations", "#/organisations"),
             ("hosts", "#/hosts?organisation=min-jenv"),
             ("host", "#/host/%d" % hid),
             ("exemptions", "#/exemptions")]
    ready(d, pages[0][1])
    en_texts = d.execute_script(
        "return [...document.querySelectorAll('[data-i18n]')]"
        ".map(e => e.textContent)")
    set_lang(d, "nl")
    nl_texts = d.execute_script(
        "return [...document.querySelectorAll('[data-i18n]')]"
        ".map(e => e.textContent)")
    check("the switch changes the labels (%d of %d differ)" % (
        sum(a != b for a, b in zip(en_texts, nl_texts)), len(en_texts)),
        len(en_texts) == len(nl_texts) and
        sum(a != b for a, b in zip(en_texts, nl_texts)) >
        0.8 * len(en_texts))
    for name, h in pages:
        ready(d, h)
        i18n_ok(d, name)
        shot(d, name + "-laptop-nl", LAPTOP)
        d.set_window_size(*PHONE)
        time.sleep(0.2)
        over = d.execute_script(
            "return document.documentElement.scrollWidth - innerWidth")
        check("%s on a phone: no sideways scrolling" % name, over <= 0,
              "%d px too wide" % over)
        shot(d, name + "-phone-nl", PHONE)
    set_lang(d, "en")
    ready(d, pages[0][1])
    i18n_ok(d, "measures, back in English")
    shot(d, "measures-phone-en", PHONE)

    # ---- keyboard: skip link first; navigation moves focus to main -------
    check("after navigating, the focus is on the main content",
          d.execute_script("return document.activeElement.id") == "main")
    d.get(URL + "/index.html#/organisations")
    redraw_done(d)
    ActionChains(d).send_keys(Keys.TAB).perform()
    check("on a fresh page, Tab reaches the skip link first",
          d.execute_script(
              "return document.activeElement.classList.contains('skip')"))
    ActionChains(d).send_keys(Keys.ENTER).perform()
    check("and Enter on it moves to the content, the page stays",
          d.execute_script("return document.activeElement.id === 'main' &&"
                           " location.hash === '#/organisations'"))

main()
