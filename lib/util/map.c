/*
 * lib/util/map.c - open-addressing string map for id look-ups.
 *
 * Catalogue ids are looked up for every cross-reference and, later, for
 * every finding; a linear scan would make lint quadratic in catalogue size.
 */
#include <string.h>

#include "vz_int.h"

struct vz_map_slot {
	const char *key; /* borrowed; NULL = empty */
	void *value;     /* borrowed */
	uint64_t hash;
};

static uint64_t hash_str(const char *s)
{
	/* FNV-1a: short ids, no adversarial timing concerns in a catalogue. */
	uint64_t h = 1469598103934665603ULL;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

void vz__map_init(struct vz_map *m)
{
	memset(m, 0, sizeof(*m));
}

void vz__map_free(struct vz_map *m)
{
	vz__free(m->slots);
	vz__map_init(m);
}

static struct vz_map_slot *find_slot(struct vz_map_slot *slots, size_t cap,
                                     const char *key, uint64_t h)
{
	size_t i = (size_t)h & (cap - 1);

	for (;;) {
		struct vz_map_slot *s = &slots[i];

		if (s->key == NULL ||
		    (s->hash == h && strcmp(s->key, key) == 0))
			return s;
		i = (i + 1) & (cap - 1);
	}
}

static vz_status grow(struct vz_map *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 16, i;
	struct vz_map_slot *n = vz__calloc(ncap, sizeof(*n));

	if (n == NULL)
		return VZ_E_NOMEM;
	for (i = 0; i < m->cap; i++) {
		struct vz_map_slot *o = &m->slots[i];

		if (o->key != NULL)
			*find_slot(n, ncap, o->key, o->hash) = *o;
	}
	vz__free(m->slots);
	m->slots = n;
	m->cap = ncap;
	return VZ_OK;
}

vz_status vz__map_put(struct vz_map *m, const char *key, void *value,
                      int *existed)
{
	uint64_t h = hash_str(key);
	struct vz_map_slot *s;

	/* Keep the load factor under 3/4 so probes stay short. */
	if ((m->len + 1) * 4 > m->cap * 3) {
		vz_status rc = grow(m);

		if (rc != VZ_OK)
			return rc;
	}
	s = find_slot(m->slots, m->cap, key, h);
	if (existed != NULL)
		*existed = s->key != NULL;
	if (s->key == NULL) {
		s->key = key;
		s->hash = h;
		m->len++;
	}
	s->value = value;
	return VZ_OK;
}

void *vz__map_get(const struct vz_map *m, const char *key)
{
	struct vz_map_slot *s;

	if (m->cap == 0)
		return NULL;
	s = find_slot(m->slots, m->cap, key, hash_str(key));
	return s->key ? s->value : NULL;
}
