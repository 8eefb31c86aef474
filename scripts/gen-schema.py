#!/usr/bin/python3
"""Generate catalog/schema.json from a hand-kept transcription of
lib/catalog/shapes.c (authoritative). Usage: scripts/gen-schema.py catalog/schema.json
The test tests/integration/schema_agrees.sh checks the two agree."""
import json, sys

END = r"(?![\s\S])"  # end of input, also in Python's re (where $ is not)

def D(ref):
    return {"$ref": "#/$defs/" + ref}

def obj(desc, props, required=(), top=False):
    p = {}
    for name, sch in props:
        p[name] = sch
    p["$comment"] = True
    if top:
        p["$schema"] = True
    o = {"description": desc, "type": "object"}
    if required:
        o["required"] = list(required)
    o["properties"] = p
    o["patternProperties"] = {"^x-": True}
    o["additionalProperties"] = False
    return o

def desc(d, s):
    s = dict(s)
    if "$ref" in s and len(s) == 1:
        return {"description": d, "$ref": s["$ref"]}
    s = {"description": d, **s}
    return s

def arr(item, nonempty=False, unique=False):
    a = {"type": "array"}
    if nonempty:
        a["minItems"] = 1
    if unique:
        a["uniqueItems"] = True
    a["items"] = item
    return a

def enum(d, values):
    return {"description": d, "enum": values}

VOCAB = {
    "source-kind": ("What kind of body published a source.",
                    ["government", "parliament", "vendor", "press", "third-party"]),
    "access-level": ("The access a product needs on a system, deepest first.",
                     ["kernel", "system", "user", "sandboxed"]),
    "compulsion-level": ("How far a state's law can compel the vendor to assist its intelligence services.",
                         ["full", "partial", "none"]),
    "threat-level": ("How far a state's offensive cyber programme is aimed at the assessing state.",
                     ["active", "limited", "none"]),
    "update-mode": ("Who decides when the product's code is updated.",
                    ["vendor-push", "customer-controlled", "none"]),
    "product-class": ("The class of a product.",
                      ["antivirus", "edr", "management-server", "management-agent",
                       "remote-management", "vpn", "browser", "messaging", "mobile-app",
                       "network-equipment", "password-manager", "security-gateway", "other"]),
    "platform": ("An operating system platform.",
                 ["linux", "windows", "macos", "android", "ios"]),
    "ecosystem": ("A package ecosystem (the package database a package fingerprint is looked up in).",
                  ["deb", "rpm", "apk", "msi", "macos-pkg"]),
    "mitigation-kind": ("The kind of mitigation a vendor claims.",
                        ["data-relocation", "transparency-centre", "third-party-audit",
                         "source-code-review", "customer-controlled-updates", "other"]),
    "action": ("What a sector must or is advised to do about a product.",
               ["prohibit", "phase-out", "advise-phase-out", "monitor", "none"]),
    "measure-kind": ("The legal form of a measure.",
                     ["decision", "directive", "law", "regulation", "advice", "warning"]),
    "exemption-policy": ("Whether and how organisations in a sector can be exempted.",
                         ["none", "case-by-case", "functional", "unspecified"]),
    "review-kind": ("The kind of event in a measure's review history.",
                    ["reconsideration-request", "reconsideration-decision", "amendment",
                     "revocation", "periodic-review", "parliamentary-request",
                     "parliamentary-questions", "reply-to-vendor", "status-report",
                     "disclosure"]),
    "review-outcome": ("The outcome of a review event.",
                       ["upheld", "amended", "revoked", "pending"]),
    "fingerprint-kind": ("The kind of a fingerprint; selects which other members it has.",
                         ["package", "path", "file-hash", "process", "kernel-module", "service",
                          "registry", "authenticode", "bundle-id", "app-id", "cpe", "purl"]),
    "app-platform": ("A mobile platform.", ["android", "ios"]),
    "law-level": ("How far a law can compel a company to assist a state's intelligence services.",
                  ["full", "partial"]),
    "mitigation-status": ("Whether a vendor's mitigation is only claimed or has been verified.",
                          ["claimed", "verified"]),
    "factor-name": ("One of the three factors.", ["access", "compulsion", "threat"]),
    "yes-no": ("Yes or no.", ["yes", "no"]),
    "basis": ("Whether an assessment is recorded from an authority (its own words quoted in \"recorded\") or derived by voorzorg's method from catalogue facts.",
              ["recorded", "derived"]),
    "cover-form": ("How a measure's text states its scope: a vendor (all its products), a vendor's product classes, named products, or all of a vendor's brands.",
                   ["vendor", "vendor-classes", "products", "brands"]),
    "deadline-verb": ("The verb a deadline takes from its source.",
                      ["identify", "report", "plan", "begin-removal", "complete-removal",
                       "stop-purchase", "stop-updates"]),
    "succession-kind": ("How a product took the place of another: users moved to it by force, a new name for the same product, or a replacement offered.",
                        ["forced-migration", "rebrand", "replacement"]),
}

GLOB_RE = (r"^(?:[^\\\[]|\\[\s\S]|\\" + END +
           r"|\[(?:[!^]|(?![!^]))(?:\]|(?!\]))[^\]]*\])*" + END)
LEAP = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
DATE_RE = (r"^(?:(?!0000)[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
           r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
           r"|" + LEAP + r"-02-29)"
           r"(?:[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:\.[0-9]+)?"
           r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9]))?" + END)

defs = {}

# ---- strings and formats ------------------------------------------------
defs["text"] = {
    "description": "Text that is not empty: at least one character other than space, tab, carriage return and line feed.",
    "type": "string", "pattern": "[^ \\t\\n\\r]"}
defs["id"] = {
    "description": "An id: lowercase letters and digits in groups joined by single hyphens, at most 64 characters (e.g. \"kaspersky-lab\"). Ids are unique across all kinds of entry; lint checks that.",
    "type": "string", "maxLength": 64, "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*" + END}
defs["date"] = {
    "description": "A calendar date YYYY-MM-DD (year 0001 to 9999, a day that exists in that month), or an RFC 3339 date-time YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM); a second of 60 is allowed for a leap second.",
    "type": "string", "pattern": DATE_RE}
defs["url"] = {
    "description": "An http:// or https:// URL without white space or control characters.",
    "type": "string", "pattern": r"^https?://[^\u0000-\u0020]*" + END}
defs["iso3166"] = {
    "description": "An ISO 3166-1 alpha-2 country code in capitals, e.g. \"NL\".",
    "type": "string", "pattern": "^[A-Z]{2}" + END}
defs["glob"] = {
    "description": "A pattern in fnmatch(3) syntax: * any string, ? one character, [...] a set ([!...] or [^...] its complement, a ] right after the opening bracket is literal), a backslash takes the next character literally. Every [ that is not escaped needs its closing ].",
    "allOf": [D("text")],
    "pattern": GLOB_RE}
defs["sha256"] = {
    "description": "A SHA-256 digest: 64 lowercase hexadecimal digits.",
    "type": "string", "pattern": "^[0-9a-f]{64}" + END}
defs["team-id"] = {
    "description": "An Apple Developer Team ID: 10 capital letters and digits, e.g. \"2Y8XE5CQ94\".",
    "type": "string", "pattern": "^[0-9A-Z]{10}" + END}
defs["cpe"] = {
    "description": "A CPE name, 2.3 formatted string (\"cpe:2.3:...\") or 2.2 URI (\"cpe:/...\"); also checked as a glob.",
    "allOf": [D("glob")],
    "pattern": r"^cpe:(?:2\.3:|/)"}
defs["purl"] = {
    "description": "A package URL: \"pkg:\", a non-empty type, \"/\", and at least one more character (\"pkg:TYPE/NAME\").",
    "type": "string", "pattern": r"^pkg:[^/]+/[\s\S]"}
defs["registry-key"] = {
    "description": "A Windows registry key pattern (glob) that starts at a root key: HKLM\\, HKCU\\, HKU\\, HKCR\\, or their long forms HKEY_LOCAL_MACHINE\\, HKEY_CURRENT_USER\\, HKEY_USERS\\, HKEY_CLASSES_ROOT\\ (case-sensitive).",
    "allOf": [D("glob")],
    "pattern": r"^(?:HKLM|HKCU|HKU|HKCR|HKEY_LOCAL_MACHINE|HKEY_CURRENT_USER|HKEY_USERS|HKEY_CLASSES_ROOT)\\"}
defs["non-negative-integer"] = {
    "description": "An integer from 0 to 2^63-1, written without a fraction or exponent (lint refuses 1.0 and 1e3; JSON Schema cannot tell them from 1 and 1000).",
    "type": "integer", "minimum": 0, "maximum": 9223372036854775807}
defs["positive-integer"] = {
    "description": "An integer from 1 to 2^63-1, written without a fraction or exponent (lint refuses 1.0 and 1e3; JSON Schema cannot tell them from 1 and 1000).",
    "type": "integer", "minimum": 1, "maximum": 9223372036854775807}

# ---- references -----------------------------------------------------------
for kind, art in [("source", "a source"), ("sector", "a sector"),
                  ("jurisdiction", "a jurisdiction"), ("vendor", "a vendor"),
                  ("product", "a product"), ("assessment", "an assessment"),
                  ("rules", "a rules")]:
    defs[kind + "-ref"] = {
        "description": "The id of %s entry (lint checks that it exists and is of that kind)." % art,
        "$ref": "#/$defs/id"}
defs["source-refs"] = {
    "description": "The sources that support this statement: ids of source entries, at least one, none twice.",
    **arr(D("source-ref"), nonempty=True, unique=True)}
defs["sector-actions"] = {
    "description": "A map from sector id to action. Lint checks that every key is the id of a sector.",
    "type": "object",
    "propertyNames": D("id"),
    "additionalProperties": D("action")}

# ---- vocabularies -----------------------------------------------------------
for name, (d, values) in VOCAB.items():
    defs[name] = enum(d, values)

# ---- entries and their parts ----------------------------------------------
T = D("text")
defs["source"] = obj("A source: a document that statements in the catalogue cite by its id.", [
    ("id", D("id")),
    ("title", desc("Title of the document.", T)),
    ("kind", D("source-kind")),
    ("publisher", desc("Who published it.", T)),
    ("date", desc("Date of publication.", D("date"))),
    ("url", desc("Where it can be read.", D("url"))),
    ("reference", desc("Official reference, e.g. a parliamentary paper number.", T)),
    ("note", desc("Remarks, e.g. how reliable the source is.", T)),
], ["id", "title", "kind"])
defs["sector"] = obj("A sector: a group of organisations to which a measure assigns an action.", [
    ("id", D("id")),
    ("name", desc("Name of the sector.", T)),
    ("description", desc("Which organisations belong to it.", T)),
], ["id", "name"])
defs["lang"] = {
    "description": "An ISO 639-1 language code: two lowercase letters (e.g. \"nl\").",
    "type": "string", "pattern": "^[a-z]{2}" + END}
defs["quote"] = obj("An authority's words, as recorded: quoted in the original language, with an English translation when that is not English, the source and a pinpoint (page, paragraph or section). Lint checks the quote against the source's text where the repository keeps it (catalog/sources/ID.txt).", [
    ("quote", desc("The words, verbatim; \"...\" or \u2026 marks an omission.", T)),
    ("lang", D("lang")),
    ("translation", desc("English translation; required unless lang is \"en\" (lint).", T)),
    ("source", desc("The source quoted.", D("source-ref"))),
    ("pinpoint", desc("Where in the source: page, paragraph or section.", T)),
    ("by", desc("Who spoke or wrote, when not the source's publisher.", T)),
    ("note", desc("Remarks.", T)),
], ["quote", "lang", "source", "pinpoint"])
defs["recorded"] = desc("What the authority recorded, in its own words; anything else in the entry is voorzorg's.", arr(D("quote")))
defs["law"] = obj("A law of a jurisdiction that can compel companies to assist intelligence services.", [
    ("title", desc("Title of the law.", T)),
    ("level", desc("How far it can compel a company.", D("law-level"))),
    ("summary", desc("What it obliges companies to do.", T)),
    ("recorded", D("recorded")),
    ("sources", D("source-refs")),
], ["title", "level", "summary", "sources"])
defs["offensive-programme"] = obj("A jurisdiction's offensive cyber programme as it concerns one assessing state.", [
    ("target", desc("The assessing state it concerns.", D("jurisdiction-ref"))),
    ("level", D("threat-level")),
    ("summary", desc("What is known of the programme.", T)),
    ("assessed", desc("When this was assessed.", D("date"))),
    ("recorded", D("recorded")),
    ("sources", D("source-refs")),
], ["target", "level", "summary", "sources"])
defs["jurisdiction"] = obj("A jurisdiction: a state.", [
    ("id", D("id")),
    ("name", desc("Name of the state.", T)),
    ("iso3166", D("iso3166")),
    ("compulsion_laws", desc("Its laws that can compel companies to assist intelligence services.",
                             arr(D("law")))),
    ("offensive_programmes", desc("Its offensive cyber programmes, one per assessing state it targets.",
                                  arr(D("offensive-programme")))),
    ("sources", D("source-refs")),
], ["id", "name", "iso3166", "sources"])
defs["mitigation"] = obj("A mitigation the vendor claims.", [
    ("kind", D("mitigation-kind")),
    ("status", desc("Whether it is only claimed or has been verified; absent means claimed.", D("mitigation-status"))),
    ("summary", desc("What the vendor claims.", T)),
    ("date", desc("When it was announced or took effect.", D("date"))),
    ("sources", D("source-refs")),
], ["kind", "summary", "sources"])
defs["vendor"] = obj("A vendor: the legal entity behind products.", [
    ("id", D("id")),
    ("name", desc("Common name.", T)),
    ("legal_entity", desc("Legal name of the entity.", T)),
    ("aliases", desc("Other names, none twice.", arr(T, unique=True))),
    ("headquarters", desc("Jurisdiction of its headquarters.", D("jurisdiction-ref"))),
    ("parent_jurisdiction", desc("Jurisdiction of its ultimate parent.", D("jurisdiction-ref"))),
    ("mitigations", desc("Mitigations it claims.", arr(D("mitigation")))),
    ("sources", D("source-refs")),
], ["id", "name", "legal_entity", "headquarters", "parent_jurisdiction", "sources"])

# fingerprints
def fp(kind, d, fields, required):
    props = [("kind", {"const": kind}),
             ("note", desc("Remarks, e.g. how reliable this fingerprint is.", T)),
             ("sources", D("source-refs"))] + fields
    return obj(d, props, ["kind", "sources"] + required)

named = lambda what: [("platform", D("platform")), ("name", desc(what, D("glob")))]
FPS = [
    ("package", "An installed package, by ecosystem and name.", [
        ("ecosystem", D("ecosystem")),
        ("name", desc("Package name (glob).", D("glob"))),
        ("maintainer", desc("Maintainer or vendor field of the package (glob).", D("glob")))],
     ["ecosystem", "name"]),
    ("path", "A file or directory, by path.", [
        ("platform", D("platform")),
        ("path", desc("Path (glob).", D("glob")))], ["platform", "path"]),
    ("file-hash", "A file, by SHA-256 digest and size in bytes.", [
        ("sha256", D("sha256")),
        ("size", desc("Size of the file in bytes.", D("non-negative-integer"))),
        ("name", desc("Name of the file, for readers.", T))], ["sha256", "size"]),
    ("process", "A running process, by executable name.",
     named("Executable name (glob)."), ["platform", "name"]),
    ("kernel-module", "A kernel module or driver, by name.",
     named("Module, driver or kernel-extension name (glob)."), ["platform", "name"]),
    ("service", "A service, by name (systemd unit, Windows service, launchd label).",
     named("Service or unit name (glob)."), ["platform", "name"]),
    ("registry", "A Windows registry key, optionally a value and its data.", [
        ("key", D("registry-key")),
        ("value", desc("Name of a value under the key, e.g. DisplayName.", T)),
        ("data", desc("The value's data (glob).", D("glob")))], ["key"]),
    ("authenticode", "An Authenticode code-signing certificate, by subject and issuer.", [
        ("subject", desc("Signer certificate subject (glob).", D("glob"))),
        ("issuer", desc("Signer certificate issuer (glob).", D("glob")))], ["subject"]),
    ("bundle-id", "A macOS application bundle, by bundle identifier and signing team.", [
        ("bundle_id", desc("Bundle identifier (glob).", D("glob"))),
        ("team_id", D("team-id"))], ["bundle_id"]),
    ("app-id", "A mobile app, by platform and application id.", [
        ("platform", D("app-platform")),
        ("app_id", desc("Android package name or iOS bundle id.", T))], ["platform", "app_id"]),
    ("cpe", "A CPE name, to match SBOM components.", [
        ("cpe", D("cpe"))], ["cpe"]),
    ("purl", "A package URL, to match SBOM components.", [
        ("purl", D("purl"))], ["purl"]),
]
for kind, d, fields, req in FPS:
    defs["fingerprint-" + kind] = fp(kind, d, fields, req)
defs["fingerprint"] = {
    "description": "A fingerprint: evidence that a product is on a system. A tagged union on \"kind\"; each kind has its own members.",
    "type": "object",
    "required": ["kind"],
    "properties": {"kind": D("fingerprint-kind")},
    "allOf": [
        {"if": {"required": ["kind"], "properties": {"kind": {"const": k}}},
         "then": D("fingerprint-" + k)} for k, *_ in FPS]}

defs["identifiers"] = obj("Standard identifiers of the product.", [
    ("cpe", desc("CPE names, none twice.", arr(D("cpe"), unique=True))),
    ("purl", desc("Package URLs, none twice.", arr(D("purl"), unique=True))),
])
defs["succession"] = obj("The product this one took the place of, and how.", [
    ("product", desc("The earlier product.", D("product-ref"))),
    ("kind", D("succession-kind")),
    ("date", desc("When.", D("date"))),
    ("note", desc("Remarks.", T)),
    ("unconfirmed", desc("What is not confirmed, and why.", T)),
    ("sources", D("source-refs")),
], ["product", "kind", "sources"])
defs["product"] = obj("A product of a vendor.", [
    ("id", D("id")),
    ("vendor", D("vendor-ref")),
    ("name", desc("Product name.", T)),
    ("class", D("product-class")),
    ("access", desc("The access it needs.", D("access-level"))),
    ("updates", desc("Who controls code updates.", D("update-mode"))),
    ("telemetry", {"description": "Whether it sends data to the vendor.", "type": "boolean"}),
    ("platforms", desc("Platforms it runs on, none twice.", arr(D("platform"), unique=True))),
    ("description", desc("What it is.", T)),
    ("identifiers", D("identifiers")),
    ("fingerprints", desc("How to find it on a system.", arr(D("fingerprint")))),
    ("succeeds", D("succession")),
    ("unconfirmed", desc("Which of its members the sources do not confirm, and why.", T)),
    ("sources", D("source-refs")),
], ["id", "vendor", "name", "class", "access", "updates", "telemetry", "sources"])

for f, lv, d in [("access", "access-level", "The access factor."),
                 ("compulsion", "compulsion-level", "The compulsion factor."),
                 ("threat", "threat-level", "The threat factor.")]:
    defs["factor-" + f] = obj(d, [
        ("level", D(lv)),
        ("evidence", desc("Why this level, in voorzorg's words (derived).", T)),
        ("recorded", D("recorded")),
        ("sources", D("source-refs")),
    ], ["level", "evidence", "sources"])
defs["factors"] = obj("The three factors, each with a level, evidence and sources.", [
    ("access", D("factor-access")),
    ("compulsion", D("factor-compulsion")),
    ("threat", D("factor-threat")),
], ["access", "compulsion", "threat"])
defs["override"] = obj("Why the recorded decision deviates from what the rules give.", [
    ("reason", desc("The reason, in voorzorg's words.", T)),
    ("recorded", D("recorded")),
    ("sources", D("source-refs")),
], ["reason", "sources"])
defs["assessment"] = obj("An assessment of products by an assessing state.", [
    ("id", D("id")),
    ("products", desc("The products assessed, at least one, none twice.",
                      arr(D("product-ref"), nonempty=True, unique=True))),
    ("assessor", desc("Who assessed.", T)),
    ("basis", desc("Recorded from an authority or derived by voorzorg; absent means derived. A recorded assessment needs \"recorded\" (lint).", D("basis"))),
    ("assessing_state", D("jurisdiction-ref")),
    ("date", desc("Date of the assessment.", D("date"))),
    ("factors", D("factors")),
    ("vector", desc("The factor levels in the compact vector notation.", T)),
    ("level", desc("The risk level; lint checks it is declared in the levels of the rules.", T)),
    ("decision", desc("The action decided per sector.", D("sector-actions"))),
    ("rules", desc("The rules the assessment applies.", D("rules-ref"))),
    ("supersedes", desc("An earlier assessment this one replaces.", D("assessment-ref"))),
    ("override", D("override")),
    ("summary", desc("Summary of the assessment, in voorzorg's words.", T)),
    ("recorded", D("recorded")),
    ("unconfirmed", desc("What of this entry is not confirmed by its sources, and why.", T)),
    ("sources", D("source-refs")),
], ["id", "products", "assessor", "assessing_state", "date", "factors", "level",
    "decision", "rules", "sources"])
defs["deadline"] = obj("One step a measure sets, with its source's verb. In a sector's list a verb appears once; dated steps of identify, report, plan, begin-removal, complete-removal do not run backwards; a dated step names its sources (lint).", [
    ("verb", D("deadline-verb")),
    ("date", desc("By or from when; absent when the measure sets no date.", D("date"))),
    ("pinpoint", desc("Where in the source the step is set.", T)),
    ("note", desc("Remarks, e.g. why there is no date.", T)),
    ("unconfirmed", desc("Why this step is not confirmed by its sources.", T)),
    ("sources", desc("Sources setting the step, at least one, none twice.",
                     arr(D("source-ref"), nonempty=True, unique=True))),
], ["verb"])
defs["exemptions"] = obj("The exemption policy for a sector.", [
    ("policy", D("exemption-policy")),
    ("description", desc("Who can be exempted and how.", T)),
], ["policy"])
defs["sector-action"] = obj("What a measure requires of one sector. A sector appears at most once per measure (lint).", [
    ("sector", D("sector-ref")),
    ("action", D("action")),
    ("deadlines", desc("The steps the measure sets for the sector.", arr(D("deadline")))),
    ("exemptions", D("exemptions")),
    ("note", desc("Remarks.", T)),
    ("unconfirmed", desc("Why this sector's action is not confirmed by the sources.", T)),
], ["sector", "action", "exemptions"])
defs["review"] = obj("An event in a measure's review history.", [
    ("date", desc("Date of the event.", D("date"))),
    ("kind", D("review-kind")),
    ("requested_by", desc("Who asked for it.", T)),
    ("outcome", D("review-outcome")),
    ("reference", desc("Official reference.", T)),
    ("summary", desc("What happened, in voorzorg's words.", T)),
    ("document", desc("The document the event is, by its own title or description.", T)),
    ("recorded", D("recorded")),
    ("unconfirmed", desc("What of this event is not confirmed, and why.", T)),
    ("sources", D("source-refs")),
], ["date", "kind", "outcome", "summary", "sources"])
defs["covers"] = obj("A measure's scope as its text states it; the products it covers are derived from it (one function, vz_measure_covers): named products, plus every product of the vendors (restricted to the classes, if given), minus the exceptions. Members must fit the form (lint).", [
    ("form", D("cover-form")),
    ("vendors", desc("Vendors whose products are covered, none twice.", arr(D("vendor-ref"), nonempty=True, unique=True))),
    ("classes", desc("Only these product classes of those vendors, none twice.", arr(D("product-class"), nonempty=True, unique=True))),
    ("products", desc("Products named by the text, none twice.", arr(D("product-ref"), nonempty=True, unique=True))),
    ("except", desc("Products the text excludes, none twice.", arr(D("product-ref"), nonempty=True, unique=True))),
    ("recorded", D("recorded")),
], ["form"])
defs["measure"] = obj("A measure: an authority's decision about products, with an action per sector.", [
    ("id", D("id")),
    ("title", desc("Title.", T)),
    ("kind", D("measure-kind")),
    ("authority", desc("Issuing authority.", T)),
    ("issuing_state", D("jurisdiction-ref")),
    ("date", desc("Date of the measure.", D("date"))),
    ("reference", desc("Official reference.", T)),
    ("products", desc("Named products it covers, at least one, none twice; give this or \"covers\", not both (lint).",
                      arr(D("product-ref"), nonempty=True, unique=True))),
    ("covers", D("covers")),
    ("assessment", desc("The assessment it rests on.", D("assessment-ref"))),
    ("scope", desc("What is and is not covered, in words.", T)),
    ("sectors", desc("The action per sector, at least one.", arr(D("sector-action"), nonempty=True))),
    ("reviews", desc("Review history, oldest first.", arr(D("review")))),
    ("recorded", D("recorded")),
    ("unconfirmed", desc("What of this measure is not confirmed, and why.", T)),
    ("sources", D("source-refs")),
], ["id", "title", "kind", "authority", "issuing_state", "date", "reference",
    "sectors", "sources"])
defs["condition"] = obj("When a matrix row applies: for each factor present, the factor's level must be one of those listed.", [
    ("access", desc("Access levels, none twice.", arr(D("access-level"), unique=True))),
    ("compulsion", desc("Compulsion levels, none twice.", arr(D("compulsion-level"), unique=True))),
    ("threat", desc("Threat levels, none twice.", arr(D("threat-level"), unique=True))),
    ("updates", desc("Update modes of the product, none twice.", arr(D("update-mode"), unique=True))),
    ("data", desc("Whether the product sends data to the vendor (its telemetry), none twice.", arr(D("yes-no"), unique=True))),
])
defs["matrix-row"] = obj("A row of the decision matrix.", [
    ("when", D("condition")),
    ("level", desc("Risk level; lint checks it is declared in levels.", T)),
    ("rule", desc("Id of the rule this row implements (e.g. of the assessment method), shown in explanations.", T)),
    ("reason", desc("Why.", T)),
], ["when", "level"])
defs["mitigation-rule"] = obj("How vendors' mitigations affect a factor: when the vendor has all the listed kinds of mitigation at the required status, the factor is lowered by the given number of levels.", [
    ("kinds", desc("Kinds of mitigation that must all be present, at least one, none twice.",
                   arr(D("mitigation-kind"), nonempty=True, unique=True))),
    ("requires", desc("The status they must have; absent means verified.", D("mitigation-status"))),
    ("factor", D("factor-name")),
    ("lower", desc("By how many levels the factor is lowered (0: no effect).", D("non-negative-integer"))),
    ("rule", desc("Id of the rule this row implements, shown in explanations.", T)),
    ("reason", desc("Why.", T)),
], ["kinds", "factor", "lower", "reason"])
defs["action-row"] = obj("The actions per sector for one risk level. A level has at most one row (lint).", [
    ("level", desc("Risk level; lint checks it is declared in levels.", T)),
    ("sectors", D("sector-actions")),
], ["level", "sectors"])
defs["rules"] = obj("Decision rules: from factor levels to a risk level, and from risk level to an action per sector.", [
    ("id", D("id")),
    ("version", desc("Version of these rules.", D("positive-integer"))),
    ("title", desc("Title.", T)),
    ("date", desc("Date adopted.", D("date"))),
    ("description", desc("Explanation.", T)),
    ("levels", desc("The risk levels, at least one, none twice.", arr(T, nonempty=True, unique=True))),
    ("matrix", desc("Rows mapping factor levels to a risk level.", arr(D("matrix-row"), nonempty=True))),
    ("default_level", desc("Risk level when no row applies; lint checks it is declared in levels.", T)),
    ("actions", desc("Actions per sector for each risk level.", arr(D("action-row"), nonempty=True))),
    ("mitigations", desc("How vendors' mitigations lower factors; a mitigation no row names has no effect.", arr(D("mitigation-rule")))),
    ("supersedes", desc("Earlier rules these replace.", D("rules-ref"))),
    ("sources", D("source-refs")),
], ["id", "version", "title", "date", "levels", "matrix", "default_level", "actions", "sources"])

catalog = obj(None, [
    ("format", {"description": "The format of the document.", "const": "voorzorg-catalog/1"}),
    ("id", desc("Id of the catalogue.", D("id"))),
    ("version", desc("Version of the catalogue; each release has a higher number.", D("positive-integer"))),
    ("title", desc("Title.", T)),
    ("publisher", desc("The authority that publishes it.", T)),
    ("issued", desc("When this version was issued.", D("date"))),
    ("expires", desc("After this moment the catalogue is stale; lint checks it is after issued.", D("date"))),
    ("assessing_state", desc("The state whose assessments this catalogue records.", D("jurisdiction-ref"))),
    ("sources", desc("Every document cited.", arr(D("source")))),
    ("sectors", desc("The sectors, at least one.", arr(D("sector"), nonempty=True))),
    ("jurisdictions", arr(D("jurisdiction"))),
    ("vendors", arr(D("vendor"))),
    ("products", arr(D("product"))),
    ("assessments", arr(D("assessment"))),
    ("measures", arr(D("measure"))),
    ("rules", arr(D("rules"))),
], ["format", "id", "version", "title", "publisher", "issued", "expires", "assessing_state",
    "sources", "sectors", "jurisdictions", "vendors", "products", "assessments", "measures",
    "rules"], top=True)
del catalog["description"]


DESCRIPTION = (
    "The structure of a voorzorg catalogue, transcribed from lib/catalog/shapes.c, "
    "which is authoritative; `voorzorg catalog lint` applies it. This schema checks "
    "members, types, enumerations, string formats, required members, non-empty "
    "arrays and arrays without duplicates. JSON Schema cannot express the following, "
    "which only `voorzorg catalog lint` checks: "
    "(1) ids are unique across all kinds of entry; "
    "(2) every reference (to a source, sector, jurisdiction, vendor, product, "
    "assessment or rules, including the sector keys of \"decision\" and of "
    "rules \"actions\"[].\"sectors\") names an existing entry of the right kind; "
    "(3) \"expires\" is later than \"issued\"; "
    "(4) in a sector's deadlines a verb appears once, dated steps of identify, report, "
    "plan, begin-removal and complete-removal do not run backwards, and a dated step "
    "names its sources; "
    "(5) a sector appears at most once in a measure's \"sectors\"; "
    "(6) the levels used by a rules entry's matrix rows, \"default_level\" and action "
    "rows are declared in its \"levels\", and no level has two action rows; "
    "(7) an assessment's \"level\" is declared in the \"levels\" of the rules it names; "
    "(8) integers are written without a fraction or exponent (lint refuses 1.0); "
    "(9) no object has the same member twice and no string contains \\u0000 "
    "(the JSON parser refuses both); "
    "(10) an assessment's vector, level and decision agree with what its rules give "
    "(unless it records an override), and rules give an action for every level and sector. "
    "(11) a measure gives \"products\" or \"covers\", not both, and the members of "
    "\"covers\" fit its form; "
    "(12) a quote not in English has a translation, an assessment with basis "
    "\"recorded\" has \"recorded\" quotes, and every quote occurs in its source's "
    "text where catalog/sources/SOURCE.txt keeps it. "
    "Lint also warns about sources that nothing cites. "
    "The format is described in docs/catalog-format.md."
)
COMMENT = (
    "Patterns that must match a whole string end in (?![\\s\\S]), 'end of input', "
    "rather than $: Python's re module, used by python-jsonschema, lets $ match "
    "before a final line feed, which would accept \"NL\\n\" as a country code."
)
schema = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "voorzorg catalogue (format voorzorg-catalog/1)",
    "description": DESCRIPTION,
    "$comment": COMMENT,
}
schema.update(catalog)
schema["$defs"] = defs
out = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
open(sys.argv[1], "w").write(out)
