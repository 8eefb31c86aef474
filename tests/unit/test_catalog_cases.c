/*
 * tests/unit/test_catalog_cases.c - the data-driven catalogue cases.
 *
 * Every tests/catalogs/bad/NAME.json must be refused, and the diagnostics,
 * formatted with vz_error_format() one per line, must equal NAME.expected
 * byte for byte (FILE is the base name). Every .json file in
 * tests/catalogs/good/ must load with no error and no warning. Then an
 * allocation-failure torture test fails the Nth allocation for N = 0, 1,
 * 2, ... while loading good/minimal.json (and one bad case): each run must
 * either give the normal outcome or report VZ_E_NOMEM with no catalogue,
 * and never crash or leak (CI runs this under ASan and LSan). To add a
 * case, drop NAME.json and NAME.expected into bad/.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <voorzorg/voorzorg.h>

#include "vz_int.h"

#ifndef VZ_TEST_SOURCE_ROOT
#error "VZ_TEST_SOURCE_ROOT must name the source tree"
#endif

#define CASES_DIR VZ_TEST_SOURCE_ROOT "/tests/catalogs"

/* Fewer bad cases than this means the directory was not found or lost. */
#define MIN_BAD_CASES 20

/* A bound on the torture loop, far above what a load allocates. */
#define TORTURE_MAX 1000000L

/* ---- small helpers ---------------------------------------------------- */

struct names {
	char **v; /* owned, each owned */
	size_t n;
	size_t cap;
};

static void names_free(struct names *ns)
{
	size_t i;

	for (i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
	memset(ns, 0, sizeof(*ns));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

/* The names in `dir` ending in `suffix`, sorted; fails the test if the
 * directory cannot be read. */
static void list_dir(const char *dir, const char *suffix, struct names *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	memset(out, 0, sizeof(*out));
	if (d == NULL) {
		fail_msg("cannot open directory %s: %s", dir, strerror(errno));
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || !has_suffix(e->d_name, suffix))
			continue;
		if (out->n == out->cap) {
			size_t ncap = out->cap ? out->cap * 2 : 64;
			char **nv = realloc(out->v, ncap * sizeof(*nv));

			assert_non_null(nv);
			out->v = nv;
			out->cap = ncap;
		}
		out->v[out->n] = strdup(e->d_name);
		assert_non_null(out->v[out->n]);
		out->n++;
	}
	closedir(d);
	if (out->n > 0)
		qsort(out->v, out->n, sizeof(*out->v), cmp_str);
}

/* Read a whole file; returns NULL (and sets *len to 0) if it cannot. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t cap = 0, got;

	*len = 0;
	if (f == NULL)
		return NULL;
	for (;;) {
		if (cap - *len < 4096) {
			char *n = realloc(data, cap + 65536 + 1);

			if (n == NULL) {
				free(data);
				fclose(f);
				*len = 0;
				return NULL;
			}
			data = n;
			cap += 65536;
		}
		got = fread(data + *len, 1, cap - *len, f);
		*len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(data);
		fclose(f);
		*len = 0;
		return NULL;
	}
	fclose(f);
	data[*len] = '\0'; /* for printing only; loads get the length */
	return data;
}

static char *path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	assert_non_null(p);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* Every diagnostic as vz_error_format prints it, one per line. */
static char *format_diags(const vz_diags *diags)
{
	size_t i, len = 0, cap = 1;
	char *out = malloc(cap);

	assert_non_null(out);
	out[0] = '\0';
	for (i = 0; i < vz_diags_count(diags); i++) {
		const vz_error *e = vz_diags_get(diags, i);
		size_t n = vz_error_format(e, NULL, 0);
		char *nout = realloc(out, cap + n + 1);

		assert_non_null(nout);
		out = nout;
		cap += n + 1;
		vz_error_format(e, out + len, n + 1);
		len += n;
		out[len++] = '\n';
		out[len] = '\0';
	}
	return out;
}

/* Split a copy of `text` into lines (without their newlines). */
static char **split_lines(const char *text, size_t *n)
{
	size_t cap = 16;
	char **v = malloc(cap * sizeof(*v));
	const char *p = text;

	assert_non_null(v);
	*n = 0;
	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (*n == cap) {
			char **nv = realloc(v, 2 * cap * sizeof(*v));

			assert_non_null(nv);
			v = nv;
			cap *= 2;
		}
		v[*n] = malloc(len + 1);
		assert_non_null(v[*n]);
		memcpy(v[*n], p, len);
		v[*n][len] = '\0';
		(*n)++;
		p += len + (nl != NULL);
	}
	return v;
}

static void free_lines(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/*
 * Print how the actual diagnostics differ from the expected ones, as a
 * line diff (longest common subsequence): "  " both, "- " expected only,
 * "+ " actual only.
 */
static void print_diff(const char *name, const char *exp, const char *act)
{
	size_t ne, na, i, j, w;
	char **e = split_lines(exp, &ne), **a = split_lines(act, &na);
	size_t *lcs;

	w = na + 1;
	lcs = calloc((ne + 1) * w, sizeof(*lcs));
	assert_non_null(lcs);
	/* lcs[i][j]: common lines of e[i..] and a[j..]. */
	for (i = ne; i-- > 0;)
		for (j = na; j-- > 0;)
			lcs[i * w + j] =
			    strcmp(e[i], a[j]) == 0
			        ? lcs[(i + 1) * w + j + 1] + 1
			        : (lcs[(i + 1) * w + j] > lcs[i * w + j + 1]
			               ? lcs[(i + 1) * w + j]
			               : lcs[i * w + j + 1]);
	print_error("--- %s.expected\n+++ %s.json (actual diagnostics)\n",
	            name, name);
	for (i = 0, j = 0; i < ne || j < na;) {
		if (i < ne && j < na && strcmp(e[i], a[j]) == 0) {
			print_error("  %s\n", e[i]);
			i++;
			j++;
		} else if (i < ne && (j == na || lcs[(i + 1) * w + j] >=
		                                     lcs[i * w + j + 1])) {
			print_error("- %s\n", e[i]);
			i++;
		} else {
			print_error("+ %s\n", a[j]);
			j++;
		}
	}
	if (exp[0] != '\0' && exp[strlen(exp) - 1] != '\n')
		print_error("  (%s.expected does not end with a newline)\n",
		            name);
	free(lcs);
	free_lines(e, ne);
	free_lines(a, na);
}

/* ---- bad cases --------------------------------------------------------- */

/* Returns 1 if the case passed; prints why not otherwise. */
static int run_bad_case(const char *dir, const char *file)
{
	char *path = path_join(dir, file);
	char *name = strdup(file), *exp_path, *data, *exp, *act = NULL;
	size_t len, elen, n;
	vz_diags *diags = vz_diags_new();
	vz_catalog *cat = NULL;
	vz_status rc, rc2;
	int ok = 1;

	assert_non_null(name);
	assert_non_null(diags);
	name[strlen(name) - strlen(".json")] = '\0';
	n = strlen(dir) + strlen(name) + sizeof("/.expected");
	exp_path = malloc(n);
	assert_non_null(exp_path);
	snprintf(exp_path, n, "%s/%s.expected", dir, name);

	exp = NULL;
	data = read_file(path, &len);
	if (data == NULL) {
		print_error("%s: cannot read: %s\n", path, strerror(errno));
		ok = 0;
		goto out;
	}
	exp = read_file(exp_path, &elen);
	if (exp == NULL) {
		print_error("%s: missing %s.expected\n", file, name);
		ok = 0;
		goto out;
	}
	rc = vz_catalog_load_buffer(data, len, file, &cat, diags);
	if (rc == VZ_OK || cat != NULL) {
		print_error("%s: accepted (status %d \"%s\"), must be "
		            "refused\n",
		            file, (int)rc, vz_strerror(rc));
		ok = 0;
	} else if (rc != VZ_E_PARSE && rc != VZ_E_INVALID) {
		print_error("%s: status %d \"%s\", expected VZ_E_PARSE or "
		            "VZ_E_INVALID\n",
		            file, (int)rc, vz_strerror(rc));
		ok = 0;
	}
	if (vz_diags_errors(diags) == 0 || vz_diags_dropped(diags) != 0) {
		print_error("%s: %zu errors, %zu dropped; expected at least one "
		            "error and none dropped\n",
		            file, vz_diags_errors(diags),
		            vz_diags_dropped(diags));
		ok = 0;
	}
	act = format_diags(diags);
	if (strcmp(act, exp) != 0 || strlen(exp) != elen) {
		print_diff(name, exp, act);
		ok = 0;
	}
	vz_catalog_free(cat);
	cat = NULL;

	/* Without a diagnostics list the outcome must be the same. */
	rc2 = vz_catalog_load_buffer(data, len, file, &cat, NULL);
	if (rc2 != rc || cat != NULL) {
		print_error("%s: status %d without a diagnostics list, %d "
		            "with one\n",
		            file, (int)rc2, (int)rc);
		ok = 0;
	}
out:
	if (!ok)
		print_error("not ok - bad/%s\n", file);
	vz_catalog_free(cat);
	vz_diags_free(diags);
	free(act);
	free(exp);
	free(data);
	free(exp_path);
	free(name);
	free(path);
	return ok;
}

static void test_bad_cases(void **state)
{
	const char *dir = CASES_DIR "/bad";
	struct names js, ex;
	size_t i, n, failed = 0, orphans = 0;

	(void)state;
	list_dir(dir, ".json", &js);
	list_dir(dir, ".expected", &ex);
	for (i = 0; i < js.n; i++)
		failed += !run_bad_case(dir, js.v[i]);
	/* An .expected without its .json is a case that silently vanished. */
	for (i = 0; i < ex.n; i++) {
		char *base = strdup(ex.v[i]);

		assert_non_null(base);
		memcpy(base + strlen(base) - strlen(".expected"), ".json",
		       sizeof(".json"));
		if (bsearch(&base, js.v, js.n, sizeof(*js.v), cmp_str) ==
		    NULL) {
			print_error("bad/%s has no %s\n", ex.v[i], base);
			orphans++;
		}
		free(base);
	}
	n = js.n;
	names_free(&js);
	names_free(&ex);
	print_message("bad catalogue cases: %zu run, %zu failed\n", n,
	              failed);
	if (n < MIN_BAD_CASES)
		print_error("only %zu bad cases in %s (at least %d expected)\n",
		            n, dir, MIN_BAD_CASES);
	assert_int_equal(failed, 0);
	assert_int_equal(orphans, 0);
	assert_true(n >= MIN_BAD_CASES);
}

/* ---- good cases -------------------------------------------------------- */

static int run_good_case(const char *dir, const char *file)
{
	char *path = path_join(dir, file), *data, *diag_text = NULL;
	vz_diags *diags = vz_diags_new();
	vz_catalog *cat = NULL;
	size_t len, k, i;
	vz_status rc;
	int ok = 1;

	assert_non_null(diags);
	data = read_file(path, &len);
	if (data == NULL) {
		print_error("%s: cannot read: %s\n", path, strerror(errno));
		ok = 0;
		goto out;
	}
	rc = vz_catalog_load_buffer(data, len, file, &cat, diags);
	if (rc != VZ_OK || cat == NULL || vz_diags_errors(diags) != 0 ||
	    vz_diags_warnings(diags) != 0) {
		diag_text = format_diags(diags);
		print_error("%s: status %d \"%s\", %zu errors, %zu warnings; "
		            "expected a clean load:\n%s",
		            file, (int)rc, vz_strerror(rc),
		            vz_diags_errors(diags), vz_diags_warnings(diags),
		            diag_text);
		ok = 0;
		goto out;
	}
	/* Every entry can be found again by its id, as its own kind. */
	for (k = 0; k < VZ_KIND__COUNT; k++) {
		for (i = 0; i < vz_catalog_count(cat, (vz_kind)k); i++) {
			const char *id =
			    vz_catalog_entry_id(cat, (vz_kind)k, i);
			vz_kind found = VZ_KIND__COUNT;

			if (id == NULL || !vz_catalog_find(cat, id, &found) ||
			    found != (vz_kind)k) {
				print_error("%s: %s[%zu] cannot be found by "
				            "its id\n",
				            file, vz_kind_array((vz_kind)k), i);
				ok = 0;
			}
		}
	}
	/* The minimal catalogue has at least one entry of every kind. */
	if (strcmp(file, "minimal.json") == 0) {
		for (k = 0; k < VZ_KIND__COUNT; k++) {
			if (vz_catalog_count(cat, (vz_kind)k) == 0) {
				print_error("%s: no %s\n", file,
				            vz_kind_array((vz_kind)k));
				ok = 0;
			}
		}
	}
out:
	if (!ok)
		print_error("not ok - good/%s\n", file);
	vz_catalog_free(cat);
	vz_diags_free(diags);
	free(diag_text);
	free(data);
	free(path);
	return ok;
}

static void test_good_cases(void **state)
{
	const char *dir = CASES_DIR "/good";
	struct names js;
	size_t i, failed = 0, n;
	int have_minimal = 0;

	(void)state;
	list_dir(dir, ".json", &js);
	for (i = 0; i < js.n; i++) {
		failed += !run_good_case(dir, js.v[i]);
		have_minimal |= strcmp(js.v[i], "minimal.json") == 0;
	}
	n = js.n;
	names_free(&js);
	print_message("good catalogue cases: %zu run, %zu failed\n", n,
	              failed);
	assert_true(have_minimal);
	assert_int_equal(failed, 0);
}

/* ---- allocation-failure torture --------------------------------------- */

/*
 * Load `file` with the Nth and every later allocation failing, for N = 0,
 * 1, 2, ..., until a load completes without hitting the failure. Every
 * run must end in VZ_E_NOMEM with no catalogue, or in `want` (VZ_OK with
 * a catalogue, for a good file); a VZ_OK after a failed allocation is an
 * error too.
 */
static void torture(const char *file, vz_status want)
{
	static int hooked;
	char *path = path_join(CASES_DIR, file), *data;
	size_t len;
	long n, runs = 0, swallowed = 0;
	int done = 0;

	data = read_file(path, &len);
	if (data == NULL)
		fail_msg("%s: cannot read: %s", path, strerror(errno));
	if (!hooked) {
		/* Route jansson's allocations through the fault injector. */
		vz__alloc_hook_jansson();
		hooked = 1;
	}
	for (n = 0; n < TORTURE_MAX && !done; n++) {
		vz_diags *diags = vz_diags_new();
		vz_catalog *cat = NULL;
		vz_status rc;
		long made;

		assert_non_null(diags);
		vz__alloc_fail_after(n);
		rc = vz_catalog_load_buffer(data, len, file, &cat, diags);
		made = vz__alloc_fail_after(-1);
		runs++;
		if (rc == want && (want != VZ_OK || cat != NULL)) {
			/* Made it through: the failure point lies beyond. */
			if (made <= n)
				done = 1;
			else
				swallowed++;
		} else if (rc != VZ_E_NOMEM || cat != NULL) {
			char *text = format_diags(diags);
			const char *got = cat ? "a" : "no";

			vz_catalog_free(cat);
			vz_diags_free(diags);
			free(data);
			free(path);
			print_error("%s", text);
			free(text);
			fail_msg("%s: with allocations failing from number %ld "
			         "on: status %d \"%s\" and %s catalogue; "
			         "expected status %d or VZ_E_NOMEM with none",
			         file, n + 1, (int)rc, vz_strerror(rc), got,
			         (int)want);
		}
		vz_catalog_free(cat);
		vz_diags_free(diags);
	}
	print_message("%s: %ld allocation-failure runs, %ld with the normal "
	              "outcome despite a failed allocation\n",
	              file, runs, swallowed);
	free(data);
	free(path);
	assert_true(done);
	/* With the very first allocation failing, the load cannot succeed. */
	assert_true(runs > 1);
	/*
	 * A catalogue handed out after an allocation failed could be missing
	 * something (an index entry, a warning): no partial output.
	 */
	if (want == VZ_OK)
		assert_int_equal(swallowed, 0);
}

static void test_alloc_torture_minimal(void **state)
{
	(void)state;
	torture("good/minimal.json", VZ_OK);
}

/* A refused catalogue must fail cleanly under allocation failure too. */
static void test_alloc_torture_bad(void **state)
{
	(void)state;
	torture("bad/multiple-errors.json", VZ_E_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_cases),
		cmocka_unit_test(test_good_cases),
		cmocka_unit_test(test_alloc_torture_minimal),
		cmocka_unit_test(test_alloc_torture_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
