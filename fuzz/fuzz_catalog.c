/*
 * fuzz/fuzz_catalog.c - libFuzzer harness for the catalogue loader.
 *
 * Feeds arbitrary bytes to vz_catalog_load_buffer, which exercises
 * jansson, the table-driven validator and the JSON position locator (run
 * on every diagnostic). When the input happens to be a valid catalogue it
 * is also rendered, so the renderers see odd-but-valid content.
 */
#include <stddef.h>
#include <stdint.h>

#include <voorzorg/voorzorg.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vz_diags *diags = vz_diags_new();
	vz_catalog *cat = NULL;
	char *out = NULL, line[1024];
	vz_error err;
	size_t i;

	if (diags == NULL)
		return 0;
	if (vz_catalog_load_buffer((const char *)data, size, "fuzz.json", &cat,
	                           diags) == VZ_OK) {
		if (vz_catalog_render(cat, NULL, VZ_FORMAT_TEXT, &out, &err) ==
		    VZ_OK)
			vz_free(out);
		if (vz_catalog_render(cat, NULL, VZ_FORMAT_JSON, &out, &err) ==
		    VZ_OK)
			vz_free(out);
		for (i = 0; i < vz_catalog_count(cat, VZ_KIND_PRODUCT); i++) {
			const char *id =
			    vz_catalog_entry_id(cat, VZ_KIND_PRODUCT, i);

			if (vz_catalog_render(cat, id, VZ_FORMAT_TEXT, &out,
			                      &err) == VZ_OK)
				vz_free(out);
		}
		vz_catalog_free(cat);
	}
	for (i = 0; i < vz_diags_count(diags); i++)
		vz_error_format(vz_diags_get(diags, i), line, sizeof(line));
	if (vz_diags_render(diags, "fuzz.json", VZ_FORMAT_JSON, &out) == VZ_OK)
		vz_free(out);
	vz_diags_free(diags);
	return 0;
}
