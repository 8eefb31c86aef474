/*
 * voorzorg/inventory_file.h - saved inventories: the records collectors
 * produce (inventory.h), with the host's identity and what could not be
 * read, written to a file and replayed into any sink later, elsewhere.
 *
 * The format is JSON Lines (docs/inventory.md, JSON Schema in
 * docs/schema/inventory.schema.json): a header line, one line per
 * record, and an end line with the statistics and the record count.
 * Writing streams (a walk of a million files is never held in memory);
 * reading streams too, one bounded line at a time. A file without its
 * end line, or whose count disagrees, is refused: a truncated inventory
 * must never be judged clean.
 *
 * Neither the writer nor the reader is thread-safe for one object.
 */
#ifndef VOORZORG_INVENTORY_FILE_H
#define VOORZORG_INVENTORY_FILE_H

#include <stddef.h>
#include <stdint.h>

#include <voorzorg/export.h>
#include <voorzorg/status.h>
#include <voorzorg/inventory.h>
#include <voorzorg/collect.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The inventory schema this build writes and reads. */
#define VZ_INVENTORY_SCHEMA 1

/* The longest line the reader accepts (a record with its strings). */
#define VZ_INVENTORY_LINE_MAX (1024 * 1024)

/* Who collected, where and when. Strings may be NULL (unknown). */
typedef struct vz_inventory_meta {
	const char *machine_id; /* /etc/machine-id; MachineGuid on Windows */
	const char *hostname;
	const char *fqdn;
	const char *os;
	const char *root; /* the root collected; NULL: artefacts only */
	int live;         /* the root was the running host */
	const char *collected_at; /* RFC 3339, UTC */
	const char *tool;         /* "voorzorg", "voorzorg-collect.exe" */
	const char *tool_version;
	/* The catalogue whose fingerprints chose which files were hashed,
	 * which registry keys walked and which signatures verified; NULL
	 * when the collector had none. */
	const char *catalog_id;
	int64_t catalog_version;
} vz_inventory_meta;

/* Where the writer's bytes go: return VZ_OK, or a status to stop. */
typedef vz_status (*vz_write_fn)(void *ctx, const char *data, size_t len);

typedef struct vz_inventory_writer vz_inventory_writer;

/*
 * Start an inventory: the header line is written at once. *out is owned
 * (vz_inventory_writer_free). VZ_E_NOMEM, or what `write` returned.
 */
VZ_API vz_status vz_inventory_writer_new(const vz_inventory_meta *meta,
                                         vz_write_fn write, void *ctx,
                                         vz_inventory_writer **out);

/*
 * Fill *sink so that every record sent to it is written as one line.
 * Its questions (which kinds, which files to hash, which keys to walk,
 * which signers to verify) are passed on to `hints` (borrowed; NULL:
 * every kind, no hashing, every key, no verification). The records are
 * written whatever hints says, so a scan of the saved inventory with
 * the same catalogue sees exactly what a live scan would.
 */
VZ_API void vz_inventory_writer_sink(vz_inventory_writer *w,
                                     const vz_sink *hints, vz_sink *sink);

/* Write the end line: the statistics of `st` and the record count. */
VZ_API vz_status vz_inventory_writer_finish(vz_inventory_writer *w,
                                            const vz_stats *st);
VZ_API void vz_inventory_writer_free(vz_inventory_writer *w);

/* What a saved inventory says about itself; strings owned. */
typedef struct vz_inventory_info {
	int schema;
	char *machine_id, *hostname, *fqdn, *os, *root;
	int live;
	char *collected_at, *tool, *tool_version;
	char *catalog_id; /* NULL: collected without a catalogue */
	int64_t catalog_version;
	uint64_t records; /* records read */
} vz_inventory_info;

VZ_API void vz_inventory_info_clear(vz_inventory_info *info);

/* How to read an inventory. */
typedef struct vz_inventory_read {
	/* The file (vz_inventory_replay, the source); with `data`, only
	 * the name errors give it. */
	const char *path;
	/*
	 * The catalogue the records will be matched with, if known. When
	 * the inventory was collected for another one (or none), what the
	 * sink would have wanted beyond what the inventory holds is counted
	 * as not examined (see vz_inventory_replay).
	 */
	const char *catalog_id;
	int64_t catalog_version;
	/*
	 * NULL: read the file at `path`. Else the inventory is these `len`
	 * bytes in memory (borrowed; e.g. a body a fleet server received),
	 * read in place: no copy, and no file is opened.
	 */
	const char *data;
	size_t len;
} vz_inventory_read;

/*
 * Read only the header line of the inventory (in->data, else the file at
 * in->path) into *info (owned: vz_inventory_info_clear; `records` is 0):
 * what the inventory says about itself, e.g. its machine and when it was
 * collected, known before it is judged. Only that line is read and
 * checked; the rest may still be wrong (vz_inventory_replay says). Errors
 * as vz_inventory_replay's for the first line, VZ_E_PARSE for an empty
 * inventory.
 */
VZ_API vz_status vz_inventory_header(const vz_inventory_read *in,
                                     vz_inventory_info *info,
                                     vz_error *err);

/*
 * Read the inventory (in->data, else the file at in->path) and send its
 * records to `sink`, as the collectors would have: only the kinds the sink
 * is interested in and the registry keys it wants, with file and key changes
 * marked as the collectors mark them. Its statistics, collector runs and
 * problems go into `st`. When the inventory was collected for another
 * catalogue than in->catalog_id, a file of a size the sink would hash but
 * collected without its hash, and a signature the sink would verify but
 * collected unverified, are counted in `st` as not examined, so a scan says
 * so. Errors: VZ_E_IO (cannot read), VZ_E_PARSE or VZ_E_UNSUPPORTED (another
 * schema) with err naming file, line and column; VZ_E_NOMEM; or what the
 * sink returned. Records already sent stay sent: a caller discards the
 * sink's results on error.
 */
VZ_API vz_status vz_inventory_replay(const vz_inventory_read *in,
                                     const vz_sink *sink, vz_stats *st,
                                     vz_inventory_info *info,
                                     vz_error *err);

/* The same, from `len` bytes in memory named `name` in messages. */
VZ_API vz_status vz_inventory_replay_mem(const char *data, size_t len,
                                         const char *name,
                                         const vz_inventory_read *in,
                                         const vz_sink *sink, vz_stats *st,
                                         vz_inventory_info *info,
                                         vz_error *err);

/*
 * A vz_source (collect.h) that replays an inventory into a scan: ctx is
 * a const vz_inventory_read * (a file, or bytes in memory). The host and
 * root are the inventory's.
 */
VZ_API vz_status vz_inventory_source(void *ctx, const vz_sink *sink,
                                     vz_stats *st, vz_host *host,
                                     char **root, vz_error *err);

#ifdef __cplusplus
}
#endif

#endif /* VOORZORG_INVENTORY_FILE_H */
