/*
 * lib/assess/notice_nl.c - the notice to parliament in Dutch.
 *
 * Written as a Dutch ministry writes to the House: a letter to the
 * Chairman, first what the measures require (the authorities' own
 * decisions: scope, products, actions and deadlines, each with its
 * sources), then, kept apart, what voorzorg's decision rules give for the
 * changed facts, with products that changed for the same reasons named
 * together, then the decisions that stand and the changed facts. The
 * words come from fixed tables; identifiers and catalogue text that has
 * no Dutch form (product names, paths) are shown as they are.
 */
#include <string.h>

#include <voorzorg/voorzorg.h>

#include "assess_int.h"

struct nl {
	const char *en;
	const char *nl;
};

static const char *nl_of(const struct nl *t, const char *s)
{
	size_t i;

	for (i = 0; s != NULL && t[i].en != NULL; i++)
		if (strcmp(t[i].en, s) == 0)
			return t[i].nl;
	return s;
}

static const struct nl sectors[] = {{"central-government", "Rijksoverheid"},
                                    {"vital", "vitale aanbieders"},
                                    {"abdo", "ABDO-bedrijven"},
                                    {"other", "overige organisaties"},
                                    {NULL, NULL}};
static const struct nl actions[] = {
    {"prohibit", "verbod"},
    {"phase-out", "uitfaseren"},
    {"advise-phase-out", "advies om uit te faseren"},
    {"monitor", "volgen"},
    {"none", "geen maatregel"},
    {NULL, NULL}};
static const struct nl verbs[] = {
    {"identify", "inventariseren"},
    {"report", "rapporteren"},
    {"plan", "plan van aanpak"},
    {"begin-removal", "begin van de verwijdering"},
    {"complete-removal", "verwijdering voltooid"},
    {"stop-purchase", "geen nieuwe aanschaf"},
    {"stop-updates", "geen updates meer"},
    {NULL, NULL}};
static const struct nl levels[] = {{"high", "hoog"},
                                   {"medium", "gemiddeld"},
                                   {"low", "laag"},
                                   {"none", "geen"},
                                   {"kernel", "kernel"},
                                   {"system", "systeem"},
                                   {"user", "gebruiker"},
                                   {"sandboxed", "afgeschermd"},
                                   {"full", "volledig"},
                                   {"partial", "gedeeltelijk"},
                                   {"active", "actief"},
                                   {"limited", "beperkt"},
                                   {"claimed", "geclaimd"},
                                   {"verified", "geverifieerd"},
                                   {NULL, NULL}};
static const struct nl factors[] = {
    {"access", "toegang"},
    {"compulsion", "verplichting tot medewerking"},
    {"threat", "dreiging"},
    {NULL, NULL}};
static const struct nl signatures[] = {{"valid", "geldig"},
                                       {"unsigned", "geen"},
                                       {"invalid", "ongeldig"},
                                       {"unverified", "niet gecontroleerd"},
                                       {NULL, NULL}};
static const struct nl reviews[] = {
    {"reconsideration-request", "verzoek om heroverweging"},
    {"reconsideration-decision", "besluit op verzoek om heroverweging"},
    {"amendment", "wijziging"},
    {"revocation", "intrekking"},
    {"periodic-review", "herbeoordeling"},
    {"parliamentary-request", "verzoek van de Kamer"},
    {"parliamentary-questions", "Kamervragen"},
    {"reply-to-vendor", "reactie aan de leverancier"},
    {"status-report", "voortgangsbericht"},
    {"disclosure", "openbaarmaking"},
    {NULL, NULL}};

static void cell(struct vz_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			vz__buf_puts(b, "\\|");
		else if (*s == '\n')
			vz__buf_puts(b, " ");
		else
			vz__buf_add(b, s, 1);
	}
}

static const char *opt(json_t *o, const char *key, const char *none)
{
	return json_is_string(json_object_get(o, key)) ? vz__jstr(o, key)
	                                               : none;
}

/* "de Rijksoverheid", "vitale aanbieders": for use inside a sentence. */
static void sector(struct vz_buf *b, const char *id)
{
	if (strcmp(id, "central-government") == 0)
		vz__buf_puts(b, "de Rijksoverheid");
	else
		vz__buf_puts(b, nl_of(sectors, id));
}

static void names(struct vz_buf *b, json_t *arr)
{
	size_t k, n = json_array_size(arr);

	for (k = 0; k < n; k++) {
		vz__buf_puts(b, k == 0 ? "" : k + 1 == n ? " en " : ", ");
		cell(b, vz__jstr(json_array_get(arr, k), "name"));
	}
}

static void ids(struct vz_buf *b, json_t *a)
{
	size_t i, n = json_array_size(a);

	for (i = 0; i < n; i++)
		vz__buf_printf(b, "%s`%s`",
		               i == 0       ? ""
		               : i + 1 == n ? " en "
		                            : ", ",
		               json_string_value(json_array_get(a, i)));
}

/* The scope in the form the measure's text uses. */
static void scope(struct vz_buf *b, json_t *sc)
{
	const char *form = vz__jstr(sc, "form");
	json_t *cl = json_object_get(sc, "classes");

	if (strcmp(form, "products") == 0) {
		vz__buf_puts(b, "de met name genoemde producten ");
		ids(b, json_object_get(sc, "products"));
	} else {
		vz__buf_puts(b, strcmp(form, "brands") == 0
		                    ? "alle producten onder de merken van "
		                : strcmp(form, "vendor") == 0
		                    ? "alle producten van "
		                    : "de producten van ");
		ids(b, json_object_get(sc, "vendors"));
		if (json_array_size(cl) > 0) {
			vz__buf_printf(b, " in de klasse%s ",
			               json_array_size(cl) > 1 ? "n" : "");
			ids(b, cl);
		}
		if (json_array_size(json_object_get(sc, "products")) > 0) {
			vz__buf_puts(b, ", en daarnaast ");
			ids(b, json_object_get(sc, "products"));
		}
	}
	if (json_array_size(json_object_get(sc, "except")) > 0) {
		vz__buf_puts(b, ", met uitzondering van ");
		ids(b, json_object_get(sc, "except"));
	}
}

static const char *date_nl(json_t *d, const char *key)
{
	const char *s = vz__jstr(d, key);

	return *s == '\0' || strcmp(s, "(no date)") == 0 ? "zonder datum" : s;
}

static void measure(struct vz_buf *b, json_t *m)
{
	json_t *pa = json_object_get(m, "products_added");
	json_t *pr = json_object_get(m, "products_removed");
	json_t *ac = json_object_get(m, "actions");
	json_t *dl = json_object_get(m, "deadlines");
	json_t *rv = json_object_get(m, "new_reviews");
	json_t *src = json_object_get(m, "sources");
	const char *st = vz__jstr(m, "status");
	size_t k;

	vz__buf_puts(b, "\n### ");
	cell(b, vz__jstr(m, "title"));
	vz__buf_printf(b, "\n\n%s %s, %s (`%s`).\n\n",
	               strcmp(st, "added") == 0       ? "Nieuw opgenomen:"
	               : strcmp(st, "withdrawn") == 0 ? "Niet meer opgenomen:"
	                                              : "Gewijzigd:",
	               vz__jstr(m, "authority"), vz__jstr(m, "reference"),
	               vz__jstr(m, "id"));
	if (json_object_get(m, "scope_was")) {
		vz__buf_puts(b, "- De reikwijdte luidde: ");
		scope(b, json_object_get(m, "scope_was"));
		vz__buf_puts(b, "; zij luidt nu: ");
		scope(b, json_object_get(m, "scope_now"));
		vz__buf_puts(b, ".\n");
	} else if (json_object_get(m, "scope_now")) {
		vz__buf_puts(b, "- Reikwijdte: ");
		scope(b, json_object_get(m, "scope_now"));
		vz__buf_puts(b, ".\n");
	}
	if (json_array_size(pa) > 0) {
		vz__buf_printf(b, "- %s %s %zu product%s onder de maatregel: ",
		               strcmp(st, "added") == 0 ? "Er" : "Nu",
		               json_array_size(pa) == 1 ? "valt" : "vallen",
		               json_array_size(pa),
		               json_array_size(pa) == 1 ? "" : "en");
		names(b, pa);
		vz__buf_puts(b, ".\n");
	}
	if (json_array_size(pr) > 0) {
		vz__buf_printf(b,
		               "- Niet langer onder de maatregel valt "
		               "(%zu): ",
		               json_array_size(pr));
		names(b, pr);
		vz__buf_puts(b, ".\n");
	}
	for (k = 0; k < json_array_size(ac); k++) {
		json_t *a = json_array_get(ac, k);

		vz__buf_puts(b, "- Voor ");
		sector(b, vz__jstr(a, "sector"));
		if (json_is_string(json_object_get(a, "was")))
			vz__buf_printf(b, ": %s, was %s.\n",
			               nl_of(actions, opt(a, "now", "none")),
			               nl_of(actions, vz__jstr(a, "was")));
		else
			vz__buf_printf(b, ": %s.\n",
			               nl_of(actions, opt(a, "now", "none")));
	}
	for (k = 0; k < json_array_size(dl); k++) {
		json_t *d = json_array_get(dl, k);

		vz__buf_printf(b, "- Termijn %s voor ",
		               nl_of(verbs, vz__jstr(d, "verb")));
		sector(b, vz__jstr(d, "sector"));
		if (!json_is_string(json_object_get(d, "now")))
			vz__buf_printf(b, ": vervallen (was %s).\n",
			               date_nl(d, "was"));
		else if (!json_is_string(json_object_get(d, "was")))
			vz__buf_printf(b, ": %s (nieuw).\n", date_nl(d, "now"));
		else if (json_is_true(json_object_get(d, "note_changed")))
			vz__buf_printf(b,
			               ": %s, met een gewijzigde "
			               "toelichting.\n",
			               date_nl(d, "now"));
		else
			vz__buf_printf(b, ": %s, was %s.\n", date_nl(d, "now"),
			               date_nl(d, "was"));
	}
	for (k = 0; k < json_array_size(rv); k++) {
		json_t *r = json_array_get(rv, k);

		vz__buf_printf(b,
		               "- Nieuw in de geschiedenis van de "
		               "maatregel: %s van %s",
		               nl_of(reviews, vz__jstr(r, "kind")),
		               vz__jstr(r, "date"));
		if (*vz__jstr(r, "reference"))
			vz__buf_printf(b, " (%s)", vz__jstr(r, "reference"));
		vz__buf_puts(b, ".\n");
	}
	vz__buf_puts(b, "- Bronnen:");
	for (k = 0; k < json_array_size(src); k++)
		vz__buf_printf(b, " [%s]",
		               json_string_value(json_array_get(src, k)));
	vz__buf_puts(b, "\n");
}

/* One reason of diff.c ("threat: active -> limited", ...) in Dutch. */
static void reason(struct vz_buf *b, const char *why)
{
	char f[32], x[32], y[32];
	size_t i;

	for (i = 0; factors[i].en != NULL; i++) {
		size_t n = strlen(factors[i].en);
		const char *arrow;

		if (strncmp(why, factors[i].en, n) != 0 ||
		    strncmp(why + n, ": ", 2) != 0)
			continue;
		arrow = strstr(why, " -> ");
		if (arrow != NULL &&
		    (size_t)(arrow - why - n - 2) < sizeof(x) &&
		    strlen(arrow + 4) < sizeof(y)) {
			memcpy(x, why + n + 2, (size_t)(arrow - why - n - 2));
			x[arrow - why - n - 2] = '\0';
			memcpy(y, arrow + 4, strlen(arrow + 4) + 1);
			memcpy(f, factors[i].en, n + 1);
			vz__buf_printf(b, "%s van %s naar %s",
			               nl_of(factors, f), nl_of(levels, x),
			               nl_of(levels, y));
			return;
		}
		if (strstr(why, "its evidence changed") != NULL) {
			vz__buf_printf(b,
			               "de onderbouwing van de factor %s is "
			               "gewijzigd, het niveau niet",
			               factors[i].nl);
			return;
		}
	}
	if (strcmp(why, "the rules changed") == 0) {
		vz__buf_puts(b, "de beslisregels zijn gewijzigd");
	} else if (strncmp(why, "rules: ", 7) == 0) {
		vz__buf_printf(b, "andere beslisregels (%s)", why + 7);
	} else if (strncmp(why, "mitigation ", 11) == 0) {
		const char *colon = strchr(why, ':');
		const char *r = strstr(why, "(R-");

		vz__buf_puts(b, "door de leverancier genomen maatregel ");
		vz__buf_add(b, why + 11,
		            colon ? (size_t)(colon - why - 11)
		                  : strlen(why + 11));
		vz__buf_puts(b, colon && strstr(colon, "no effect")
		                    ? ": zonder gevolg volgens de beslisregels"
		                    : ": met gevolg volgens de beslisregels");
		if (r != NULL) {
			const char *e = r + 1;

			while (*e && *e != ':' && *e != ')')
				e++;
			vz__buf_puts(b, " (");
			vz__buf_add(b, r + 1, (size_t)(e - r - 1));
			vz__buf_puts(b, ")");
		}
	} else if (strncmp(why, "rule: ", 6) == 0) {
		vz__buf_puts(b, "dezelfde beslisregel blijft van toepassing");
	} else {
		cell(b, why);
	}
}

static void reasons(struct vz_buf *b, json_t *why)
{
	size_t k;

	for (k = 0; k < json_array_size(why); k++) {
		vz__buf_puts(b, k ? "; " : "");
		reason(b, json_string_value(json_array_get(why, k)));
	}
}

/* Products with the same reasons together; every reason once. */
static void grouped(struct vz_buf *b, json_t *list, int stayed)
{
	size_t n = json_array_size(list), i, j, g;
	char *done = vz__calloc(n ? n : 1, 1);

	if (done == NULL) {
		b->failed = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		json_t *c = json_array_get(list, i);
		json_t *why = json_object_get(c, "because");

		if (done[i])
			continue;
		vz__buf_puts(b, "- ");
		for (j = i, g = 0; j < n; j++) {
			json_t *d = json_array_get(list, j);

			if (done[j] ||
			    !json_equal(json_object_get(d, "because"), why) ||
			    (stayed && strcmp(vz__jstr(d, "risk"),
			                      vz__jstr(c, "risk")) != 0))
				continue;
			done[j] = 1;
			vz__buf_puts(b, g++ ? ", " : "");
			cell(b, vz__jstr(d, "name"));
		}
		if (stayed)
			vz__buf_printf(b, " (risico blijft %s): ",
			               nl_of(levels, vz__jstr(c, "risk")));
		else
			vz__buf_puts(b, ": ");
		reasons(b, why);
		vz__buf_puts(b, ".\n");
	}
	vz__free(done);
}

static void decisions(const vz_catalog *y, json_t *cd, struct vz_buf *b)
{
	size_t i, k, ns = vz_catalog_count(y, VZ_KIND_SECTOR);

	vz__buf_puts(b, "| Product | Risico |");
	for (k = 0; k < ns; k++)
		vz__buf_printf(
		    b, " %s |",
		    nl_of(sectors, vz_catalog_entry_id(y, VZ_KIND_SECTOR, k)));
	vz__buf_puts(b, "\n|---|---|");
	for (k = 0; k < ns; k++)
		vz__buf_puts(b, "---|");
	vz__buf_puts(b, "\n");
	for (i = 0; i < json_array_size(cd); i++) {
		json_t *c = json_array_get(cd, i);
		json_t *acts = json_object_get(c, "actions");

		vz__buf_puts(b, "| ");
		cell(b, vz__jstr(c, "name"));
		vz__buf_printf(b, " | %s → %s |",
		               nl_of(levels, vz__jstr(c, "risk_was")),
		               nl_of(levels, vz__jstr(c, "risk_now")));
		for (k = 0; k < ns; k++) {
			json_t *p = json_object_get(
			    acts, vz_catalog_entry_id(y, VZ_KIND_SECTOR, k));

			if (p)
				vz__buf_printf(
				    b, " %s → %s |",
				    nl_of(actions, opt(p, "was", "none")),
				    nl_of(actions, vz__jstr(p, "now")));
			else
				vz__buf_puts(b, " ongewijzigd |");
		}
		vz__buf_puts(b, "\n");
	}
}

static void count_measures(json_t *mc, size_t n[5])
{
	size_t i;

	memset(n, 0, 5 * sizeof(n[0]));
	for (i = 0; i < json_array_size(mc); i++) {
		json_t *m = json_array_get(mc, i);

		n[0]++;
		n[1] += json_object_get(m, "scope_was") != NULL ||
		        strcmp(vz__jstr(m, "status"), "changed") != 0;
		n[2] += json_array_size(json_object_get(m, "products_added")) +
		        json_array_size(json_object_get(m, "products_removed"));
		n[3] += json_array_size(json_object_get(m, "deadlines"));
		n[4] += json_array_size(json_object_get(m, "actions"));
	}
}

void vz__render_notice_nl(const vz_catalog *y, json_t *r, struct vz_buf *b)
{
	json_t *cd = json_object_get(r, "changed_decisions");
	json_t *st = json_object_get(r, "stayed");
	json_t *np = json_object_get(r, "new_products");
	json_t *mc = json_object_get(r, "measure_changes");
	json_t *cf = json_object_get(r, "changed_facts");
	json_t *ad = json_object_get(r, "added");
	json_t *rm = json_object_get(r, "removed");
	json_t *as = json_object_get(r, "affected_sectors");
	size_t i, n[5];

	count_measures(mc, n);
	vz__buf_puts(b, "# Wijzigingen in de catalogus van "
	                "voorzorgsmaatregelen\n\n");
	vz__buf_puts(b, "Aan de Voorzitter van de Tweede Kamer der "
	                "Staten-Generaal\n\n");
	if (strcmp(vz__jstr(r, "new_signature"), "valid") != 0 ||
	    strcmp(vz__jstr(r, "old_signature"), "valid") != 0)
		vz__buf_printf(b,
		               "> **Concept.** De catalogi zijn niet beide "
		               "geverifieerd (handtekening van de oude: %s; "
		               "van de nieuwe: %s).\n\n",
		               nl_of(signatures, vz__jstr(r, "old_signature")),
		               nl_of(signatures, vz__jstr(r, "new_signature")));
	vz__buf_printf(
	    b,
	    "Hierbij informeer ik uw Kamer over de wijzigingen in de "
	    "catalogus van voorzorgsmaatregelen `%s`, van versie %lld "
	    "(uitgegeven %s) naar versie %lld (uitgegeven %s), beoordeeld "
	    "vanuit %s. Ik houd daarbij uit elkaar wat de maatregelen zelf "
	    "vragen, zoals de bevoegde autoriteiten die hebben vastgelegd, "
	    "en wat de gepubliceerde beslisregels voor de gewijzigde "
	    "gegevens opleveren.\n\n",
	    vz__jstr(r, "new_id"),
	    (long long)json_integer_value(json_object_get(r, "old_version")),
	    vz__jstr(r, "old_issued"),
	    (long long)json_integer_value(json_object_get(r, "new_version")),
	    vz__jstr(r, "new_issued"),
	    strcmp(vz__jstr(
	               vz__catalog_get(y, vz__jstr(r, "assessing_state"), NULL),
	               "iso3166"),
	           "NL") == 0
	        ? "Nederland"
	        : vz__jstr(r, "assessing_state_name"));
	vz__buf_puts(b, "## Samenvatting\n\n");
	vz__buf_printf(b,
	               "- Maatregelen die zijn opgenomen, gewijzigd of "
	               "vervallen: %zu (met een andere reikwijdte of nieuw: "
	               "%zu; producten die er voortaan wel of niet meer "
	               "onder vallen: %zu; gewijzigde termijnen: %zu; "
	               "gewijzigde acties per sector: %zu).\n",
	               n[0], n[1], n[2], n[3], n[4]);
	vz__buf_printf(b,
	               "- Beslissingen die volgens de beslisregels "
	               "veranderen: %zu.\n",
	               json_array_size(cd));
	vz__buf_printf(b, "- Nieuw beoordeelde producten: %zu.\n",
	               json_array_size(np));
	vz__buf_printf(b,
	               "- Beslissingen die blijven staan, hoewel de "
	               "gegevens waarop zij rusten zijn gewijzigd: %zu.\n",
	               json_array_size(st));
	vz__buf_puts(b, "- Geraakte sectoren: ");
	for (i = 0; i < json_array_size(as); i++) {
		vz__buf_puts(b, i ? ", " : "");
		vz__buf_puts(b, nl_of(sectors, json_string_value(
		                                   json_array_get(as, i))));
	}
	vz__buf_puts(b, json_array_size(as) ? ".\n" : "geen.\n");

	if (json_array_size(mc) > 0) {
		vz__buf_puts(b, "\n## Wat de maatregelen vragen\n\n"
		                "Vastgelegd door de bevoegde autoriteiten; de "
		                "catalogus geeft bij elke maatregel de "
		                "bronnen.\n");
		for (i = 0; i < json_array_size(mc); i++)
			measure(b, json_array_get(mc, i));
	}
	if (json_array_size(cd) > 0) {
		vz__buf_puts(b,
		             "\n## Wat de beslisregels opleveren\n\n"
		             "Afgeleid: dit volgt uit de gepubliceerde "
		             "beslisregels voor de gewijzigde gegevens en is "
		             "geen besluit van een autoriteit.\n\n");
		decisions(y, cd, b);
		vz__buf_puts(b, "\n### Redenen\n\n");
		grouped(b, cd, 0);
	}
	if (json_array_size(np) > 0) {
		vz__buf_puts(b, "\n## Nieuw beoordeelde producten\n\n");
		for (i = 0; i < json_array_size(np); i++) {
			json_t *p = json_array_get(np, i);

			vz__buf_puts(b, "- ");
			cell(b, vz__jstr(p, "name"));
			vz__buf_printf(b, ": risico %s (`%s`).\n",
			               nl_of(levels, vz__jstr(p, "risk")),
			               vz__jstr(p, "vector"));
		}
	}
	if (json_array_size(st) > 0) {
		vz__buf_puts(b, "\n## Beslissingen die blijven staan\n\n");
		grouped(b, st, 1);
	}
	if (json_array_size(cf) + json_array_size(ad) + json_array_size(rm) >
	    0) {
		vz__buf_puts(b, "\n## Gewijzigde gegevens in de catalogus\n\n");
		vz__buf_printf(b,
		               "%zu gegevens gewijzigd, %zu toegevoegd, %zu "
		               "verwijderd; de volledige lijst geeft `voorzorg "
		               "diff --format text`.\n",
		               json_array_size(cf), json_array_size(ad),
		               json_array_size(rm));
		for (i = 0; i < json_array_size(ad); i++) {
			json_t *a = json_array_get(ad, i);

			vz__buf_printf(b, "%s`%s`", i ? ", " : "\nToegevoegd: ",
			               vz__jstr(a, "id"));
		}
		if (json_array_size(ad) > 0)
			vz__buf_puts(b, ".\n");
		for (i = 0; i < json_array_size(rm); i++)
			vz__buf_printf(b, "%s`%s`", i ? ", " : "\nVerwijderd: ",
			               vz__jstr(json_array_get(rm, i), "id"));
		if (json_array_size(rm) > 0)
			vz__buf_puts(b, ".\n");
	}
	vz__buf_printf(b,
	               "\n---\nOpgesteld met voorzorg %s uit de twee "
	               "catalogi; elke beslissing is na te gaan met "
	               "`voorzorg assess PRODUCT --explain`.\n",
	               vz_version());
}
