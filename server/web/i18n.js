/*
 * server/web/i18n.js - every text of the dashboard in Dutch and English.
 * The Dutch follows the words of the measure itself and of the
 * rijksoverheid (voorzorgsmaatregel, uitfaseren, vitale sector,
 * ABDO-bedrijven); the English follows docs/api.md. The language is the
 * browser's (navigator.languages) until the user picks one; the choice is
 * kept in sessionStorage. Both dictionaries must have the same keys
 * (tests/dashboard checks it). {name} in a text is replaced by args.name,
 * as text.
 */
"use strict";

const VZ_I18N = {
  en: {
    "app.title": "voorzorg dashboard",
    "app.name": "voorzorg",
    "app.loading": "Loading…",
    "app.footer": "voorzorg: precautionary measures against ICT products " +
      "of high-risk vendors. Catalogue:",
    "nav.label": "Main",
    "nav.skip": "Skip to content",
    "nav.measures": "Measures",
    "nav.organisations": "Organisations",
    "nav.hosts": "Hosts",
    "nav.exemptions": "Exemptions",
    "lang.label": "Language",
    "lang.nl": "Nederlands",
    "lang.en": "English",
    "yes": "yes",
    "no": "no",
    "auth.title": "Sign in",
    "auth.explain": "Enter the server's admin token. It is kept in this " +
      "browser tab only and forgotten when the tab closes.",
    "auth.token": "Admin token",
    "auth.signin": "Sign in",
    "auth.signout": "Sign out",
    "auth.failed": "The server refused this token.",
    "error.title": "Something went wrong",
    "error.notfound": "No such page",
    "table.empty": "Nothing to show.",
    "scope.label": "Organisation or sector",
    "scope.organisations": "Organisations",
    "scope.sectors": "Sectors",
    "scope.host": "Host",
    "scope.group": "Group",
    "scope.organisation": "Organisation",
    "measures.title": "Measures: where the phase-out stands",
    "measures.none": "No measure applies here.",
    "orgs.none": "No organisation has been created on this server yet.",
    "measure.sentence": "Hosts that still have a product of this " +
      "measure: {with} of {hosts} (past the removal deadline: {overdue}; " +
      "exempted: {exempted}).",
    "measure.daysleft": "{days} days left until the removal deadline " +
      "({date}).",
    "measure.dayspast": "The removal deadline ({date}) passed {days} days " +
      "ago.",
    "measure.nodeadline": "This measure sets no removal deadline.",
    "measure.hostslink": "The hosts under this measure",
    "deadline.overlay": "(the organisation's own, stricter date)",
    "count.hosts": "Hosts",
    "count.with_product": "With the product",
    "count.compliant": "Compliant",
    "count.pending": "Pending",
    "count.overdue": "Overdue",
    "count.exempted": "Exempted",
    "count.stale": "Stale",
    "state.compliant": "compliant",
    "state.pending": "pending",
    "state.overdue": "overdue",
    "state.exempted": "exempted",
    "state.stale": "stale",
    "pstate.running": "running",
    "pstate.installed": "installed",
    "pstate.present": "present",
    "pstate.residue": "residue",
    "coverage.complete": "complete",
    "coverage.incomplete": "incomplete",
    "sector.central-government": "Central government",
    "sector.vital": "Vital sector",
    "sector.abdo": "Defence contractors (ABDO)",
    "sector.other": "Other",
    "action.prohibit": "prohibit",
    "action.phase-out": "phase out",
    "action.advise-phase-out": "advice to phase out",
    "action.monitor": "monitor",
    "action.none": "no action",
    "verb.identify": "identify",
    "verb.report": "report",
    "verb.plan": "plan",
    "verb.begin-removal": "begin removal",
    "verb.complete-removal": "removed",
    "verb.remove": "removed",
    "verb.stop-purchase": "stop purchasing",
    "verb.stop-updates": "stop updates",
    "chart.title": "Burn-down: hosts with the product per day",
    "chart.desc": "From {from} to {to}. Hosts with the product on the " +
      "last day: {n} (overdue: {overdue}).",
    "chart.empty": "No data in this period.",
    "chart.today": "today",
    "chart.with": "hosts with the product",
    "chart.overdue": "of which overdue",
    "chart.ideal": "straight line to zero at the removal deadline",
    "orgs.title": "Organisations and sectors",
    "orgs.caption": "Compliance per organisation and measure",
    "filter.text": "Search",
    "filter.sector": "Sector",
    "filter.state": "State",
    "filter.organisation": "Organisation",
    "filter.allsectors": "All sectors",
    "filter.allstates": "All states",
    "filter.allorgs": "All organisations",
    "filter.onlyoverdue": "Only with overdue hosts",
    "col.organisation": "Organisation",
    "col.sector": "Sector",
    "col.measure": "Measure",
    "col.deadline": "Removal deadline",
    "col.host": "Host",
    "col.hostname": "Host name",
    "col.fqdn": "Fully qualified name",
    "col.group": "Group",
    "col.os": "Operating system",
    "col.machineid": "Machine id",
    "col.enrolled": "Enrolled",
    "col.lastreport": "Last report",
    "col.stale": "Stale",
    "col.states": "State per measure",
    "col.state": "State",
    "col.products": "Products",
    "col.daysleft": "Days left",
    "col.coverage": "Coverage",
    "col.kind": "Kind",
    "col.source": "Source",
    "col.item": "Item",
    "col.detail": "Detail",
    "col.scanned": "Scanned",
    "col.received": "Received",
    "col.findings": "Findings",
    "col.catalog": "Catalogue",
    "col.id": "No.",
    "col.scope": "Scope",
    "col.reason": "Reason",
    "col.approver": "Approved by",
    "col.expires": "Expires",
    "col.status": "Status",
    "hosts.title": "Hosts",
    "hosts.caption": "Hosts and their state per measure",
    "hosts.formeasure": "State for the measure {measure} only.",
    "host.back": "Back to the hosts",
    "host.title": "Host {host}",
    "host.ledger": "State per measure",
    "host.ledgercaption": "The ledger of this host",
    "host.findings": "Findings with evidence (latest report)",
    "host.nofindings": "The latest report shows no product of the " +
      "catalogue.",
    "host.evidence": "Evidence",
    "host.omitted": "Evidence left out of the report: {n}.",
    "host.history": "Report history",
    "host.historycaption": "Reports received from this host",
    "host.exemptions": "Exemptions that cover this host",
    "host.exempt": "Record an exemption for this host",
    "ex.title": "Exemptions",
    "ex.caption": "Exemptions, in force and ended",
    "ex.list": "All exemptions",
    "ex.new": "New exemption",
    "ex.allmeasures": "All measures",
    "ex.scopekind": "Applies to",
    "ex.scopevalue": "Host number or group name",
    "ex.scopehelp": "For a host, its number (see the host's page); for a " +
      "group, its name; for the whole organisation, nothing.",
    "ex.create": "Record the exemption",
    "ex.createdmsg": "Exemption {id} recorded.",
    "ex.expire": "End now",
    "ex.expirereason": "Reason for ending it",
    "ex.expiredmsg": "Exemption {id} ended.",
    "ex.active": "in force",
    "ex.expired": "ended early",
    "ex.ended": "expired",
  },
  nl: {
    "app.title": "voorzorg-dashboard",
    "app.name": "voorzorg",
    "app.loading": "Bezig met laden…",
    "app.footer": "voorzorg: voorzorgsmaatregelen tegen ICT-producten van " +
      "leveranciers met een verhoogd risico. Catalogus:",
    "nav.label": "Hoofdmenu",
    "nav.skip": "Naar de inhoud",
    "nav.measures": "Maatregelen",
    "nav.organisations": "Organisaties",
    "nav.hosts": "Systemen",
    "nav.exemptions": "Uitzonderingen",
    "lang.label": "Taal",
    "lang.nl": "Nederlands",
    "lang.en": "English",
    "yes": "ja",
    "no": "nee",
    "auth.title": "Inloggen",
    "auth.explain": "Voer het beheertoken van de server in. Het blijft " +
      "alleen in dit browsertabblad bewaard en wordt vergeten zodra u het " +
      "tabblad sluit.",
    "auth.token": "Beheertoken",
    "auth.signin": "Inloggen",
    "auth.signout": "Uitloggen",
    "auth.failed": "De server heeft dit token geweigerd.",
    "error.title": "Er is iets misgegaan",
    "error.notfound": "Deze pagina bestaat niet",
    "table.empty": "Niets te tonen.",
    "scope.label": "Organisatie of sector",
    "scope.organisations": "Organisaties",
    "scope.sectors": "Sectoren",
    "scope.host": "Systeem",
    "scope.group": "Groep",
    "scope.organisation": "Organisatie",
    "measures.title": "Voorzorgsmaatregelen: stand van het uitfaseren",
    "measures.none": "Hier is geen voorzorgsmaatregel van toepassing.",
    "orgs.none": "Op deze server is nog geen organisatie aangemaakt.",
    "measure.sentence": "Systemen met nog een product onder deze " +
      "voorzorgsmaatregel: {with} van de {hosts} (uiterste " +
      "verwijderdatum verstreken: {overdue}; uitgezonderd: {exempted}).",
    "measure.daysleft": "Nog {days} dagen tot de uiterste verwijderdatum " +
      "({date}).",
    "measure.dayspast": "De uiterste verwijderdatum ({date}) is {days} " +
      "dagen geleden verstreken.",
    "measure.nodeadline": "Deze voorzorgsmaatregel stelt geen uiterste " +
      "verwijderdatum.",
    "measure.hostslink": "De systemen onder deze voorzorgsmaatregel",
    "deadline.overlay": "(eigen, strengere datum van de organisatie)",
    "count.hosts": "Systemen",
    "count.with_product": "Met het product",
    "count.compliant": "Voldoet",
    "count.pending": "Binnen termijn",
    "count.overdue": "Termijn verstreken",
    "count.exempted": "Uitgezonderd",
    "count.stale": "Geen recente rapportage",
    "state.compliant": "voldoet",
    "state.pending": "binnen termijn",
    "state.overdue": "termijn verstreken",
    "state.exempted": "uitgezonderd",
    "state.stale": "geen recente rapportage",
    "pstate.running": "actief",
    "pstate.installed": "geïnstalleerd",
    "pstate.present": "aanwezig",
    "pstate.residue": "restanten",
    "coverage.complete": "volledig",
    "coverage.incomplete": "onvolledig",
    "sector.central-government": "Rijksoverheid",
    "sector.vital": "Vitale sector",
    "sector.abdo": "ABDO-bedrijven",
    "sector.other": "Overig",
    "action.prohibit": "verbieden",
    "action.phase-out": "uitfaseren",
    "action.advise-phase-out": "advies tot uitfaseren",
    "action.monitor": "monitoren",
    "action.none": "geen actie",
    "verb.identify": "inventariseren",
    "verb.report": "rapporteren",
    "verb.plan": "plan van aanpak",
    "verb.begin-removal": "start verwijdering",
    "verb.complete-removal": "verwijderd",
    "verb.remove": "verwijderd",
    "verb.stop-purchase": "geen aanschaf meer",
    "verb.stop-updates": "geen updates meer",
    "chart.title": "Afbouw: systemen met het product per dag",
    "chart.desc": "Van {from} tot {to}. Systemen met het product op de " +
      "laatste dag: {n} (termijn verstreken: {overdue}).",
    "chart.empty": "Geen gegevens in deze periode.",
    "chart.today": "vandaag",
    "chart.with": "systemen met het product",
    "chart.overdue": "waarvan termijn verstreken",
    "chart.ideal": "rechte lijn naar nul op de uiterste verwijderdatum",
    "orgs.title": "Organisaties en sectoren",
    "orgs.caption": "Naleving per organisatie en voorzorgsmaatregel",
    "filter.text": "Zoeken",
    "filter.sector": "Sector",
    "filter.state": "Status",
    "filter.organisation": "Organisatie",
    "filter.allsectors": "Alle sectoren",
    "filter.allstates": "Alle statussen",
    "filter.allorgs": "Alle organisaties",
    "filter.onlyoverdue": "Alleen met systemen na de termijn",
    "col.organisation": "Organisatie",
    "col.sector": "Sector",
    "col.measure": "Voorzorgsmaatregel",
    "col.deadline": "Uiterste verwijderdatum",
    "col.host": "Systeem",
    "col.hostname": "Systeemnaam",
    "col.fqdn": "Volledige domeinnaam",
    "col.group": "Groep",
    "col.os": "Besturingssysteem",
    "col.machineid": "Machine-id",
    "col.enrolled": "Aangemeld",
    "col.lastreport": "Laatste rapportage",
    "col.stale": "Geen recente rapportage",
    "col.states": "Status per voorzorgsmaatregel",
    "col.state": "Status",
    "col.products": "Producten",
    "col.daysleft": "Resterende dagen",
    "col.coverage": "Dekking",
    "col.kind": "Soort",
    "col.source": "Bron",
    "col.item": "Onderdeel",
    "col.detail": "Toelichting",
    "col.scanned": "Gescand",
    "col.received": "Ontvangen",
    "col.findings": "Bevindingen",
    "col.catalog": "Catalogus",
    "col.id": "Nr.",
    "col.scope": "Reikwijdte",
    "col.reason": "Reden",
    "col.approver": "Goedgekeurd door",
    "col.expires": "Vervalt op",
    "col.status": "Status",
    "hosts.title": "Systemen",
    "hosts.caption": "Systemen en hun status per voorzorgsmaatregel",
    "hosts.formeasure": "Alleen de status voor voorzorgsmaatregel {measure}.",
    "host.back": "Terug naar de systemen",
    "host.title": "Systeem {host}",
    "host.ledger": "Status per voorzorgsmaatregel",
    "host.ledgercaption": "Het overzicht van dit systeem",
    "host.findings": "Bevindingen met bewijs (laatste rapportage)",
    "host.nofindings": "De laatste rapportage toont geen product uit de " +
      "catalogus.",
    "host.evidence": "Bewijs",
    "host.omitted": "In de rapportage weggelaten bewijsstukken: {n}.",
    "host.history": "Eerdere rapportages",
    "host.historycaption": "Rapportages van dit systeem",
    "host.exemptions": "Uitzonderingen die voor dit systeem gelden",
    "host.exempt": "Een uitzondering voor dit systeem vastleggen",
    "ex.title": "Uitzonderingen",
    "ex.caption": "Uitzonderingen, lopend en beëindigd",
    "ex.list": "Alle uitzonderingen",
    "ex.new": "Nieuwe uitzondering",
    "ex.allmeasures": "Alle voorzorgsmaatregelen",
    "ex.scopekind": "Geldt voor",
    "ex.scopevalue": "Systeemnummer of groepsnaam",
    "ex.scopehelp": "Voor een systeem het nummer (zie de pagina van het " +
      "systeem); voor een groep de naam; voor de hele organisatie niets.",
    "ex.create": "Uitzondering vastleggen",
    "ex.createdmsg": "Uitzondering {id} is vastgelegd.",
    "ex.expire": "Nu beëindigen",
    "ex.expirereason": "Reden van beëindiging",
    "ex.expiredmsg": "Uitzondering {id} is beëindigd.",
    "ex.active": "van kracht",
    "ex.expired": "vervroegd beëindigd",
    "ex.ended": "verlopen",
  },
};

/* The deadline verbs that mean "removed by" (docs/report.md; the older
 * catalogue format called it "remove"). */
const VZ_REMOVAL = ["complete-removal", "remove"];

let vzCurrentLang = null;

/* The browser's first language we have, else English. */
function vzBrowserLang() {
  for (const l of navigator.languages || [navigator.language || "en"]) {
    const p = String(l).toLowerCase().slice(0, 2);
    if (VZ_I18N[p]) return p;
  }
  return "en";
}

function vzLang() {
  if (vzCurrentLang) return vzCurrentLang;
  const s = sessionStorage.getItem("voorzorg-lang");
  vzCurrentLang = VZ_I18N[s] ? s : vzBrowserLang();
  document.documentElement.lang = vzCurrentLang;
  return vzCurrentLang;
}

function vzSetLang(l) {
  if (!VZ_I18N[l]) return;
  vzCurrentLang = l;
  sessionStorage.setItem("voorzorg-lang", l);
  document.documentElement.lang = l;
}

/* The text of key in the current language, {name} filled from args. */
function t(key, args, fallback) {
  const d = VZ_I18N[vzLang()];
  let s = Object.prototype.hasOwnProperty.call(d, key) ? d[key]
    : (fallback !== undefined ? fallback : key);
  if (args)
    s = s.replace(/\{(\w+)\}/g, (m, k) =>
      Object.prototype.hasOwnProperty.call(args, k) ? String(args[k]) : m);
  return s;
}
t.has = (key) =>
  Object.prototype.hasOwnProperty.call(VZ_I18N[vzLang()], key);

/* The page's fixed texts (index.html): data-i18n and data-i18n-aria. */
function vzApplyStatic() {
  for (const e of document.querySelectorAll("[data-i18n]"))
    e.textContent = t(e.getAttribute("data-i18n"),
                      JSON.parse(e.getAttribute("data-i18n-args") || "null"));
  for (const e of document.querySelectorAll("[data-i18n-aria]"))
    e.setAttribute("aria-label", t(e.getAttribute("data-i18n-aria")));
  document.title = t("app.title");
}
