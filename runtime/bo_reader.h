/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A validating reader of a .bo object's metadata (runtime/bo_format.h).
 *
 * bo_meta_parse() checks everything once: the header, each table's place,
 * count and entry size, every string offset, every cross-table index and
 * every enum; afterwards users index the tables without further checks.
 * Entries are copied into the structs this build knows, so tables written
 * with longer entries (a later minor version) read fine and nothing points
 * into the caller's buffer except through bo_str(), which points into the
 * reader's own copy of the string table.
 *
 *	struct bo_meta m;
 *	char why[256];
 *
 *	if (bo_meta_read_file(&m, "x.bo", why, sizeof(why)))
 *		fprintf(stderr, "stapbpf-run: %s\n", why);
 *	for (i = 0; i < m.n_probes; i++)
 *		puts(bo_str(&m, m.probes[i].point));
 *	bo_meta_release(&m);
 */
#ifndef BSTAP_BO_READER_H
#define BSTAP_BO_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bo_format.h"

/* Location index meaning "no location" (as in struct bo_record). */
#define BO_NO_LOCATION	UINT32_MAX

struct bo_meta {
	struct bo_header header;
	struct bo_probe *probes;
	struct bo_global *globals;
	struct bo_format *formats;
	struct bo_stats_layout *stats;
	struct bo_location *locations;
	uint32_t n_probes, n_globals, n_formats, n_stats, n_locations;
	char *strtab;
	uint32_t strtab_size;
};

/*
 * Validate @len bytes of a metadata section. Returns 0, or -1 with one line
 * in @why saying what is wrong (and @m empty). A format version other than
 * BO_FORMAT_VERSION is refused with the versions named.
 */
int bo_meta_parse(struct bo_meta *m, const void *data, size_t len,
		  char *why, size_t whylen);

/*
 * Find BO_META_SECTION in the ELF file @path and parse it. Errors name
 * the file: "x.bo: not an ELF file", "x.bo: no .bstap.meta section: not
 * an object made by bstap".
 */
int bo_meta_read_file(struct bo_meta *m, const char *path, char *why,
		      size_t whylen);

void bo_meta_release(struct bo_meta *m);

/* A string of the validated table; "" for offsets the reader refused. */
const char *bo_str(const struct bo_meta *m, uint32_t off);

/* "kernel.trace(...)" style names of enums, for messages. */
const char *bo_probe_kind_name(uint32_t kind);

/* stap's wording of an error kind ("division by zero"). */
const char *bo_error_kind_message(uint32_t kind);

/* Does an error of this kind stop the script (the others are counted)? */
bool bo_error_kind_fatal(uint32_t kind);

/*
 * The packed layout of an array key: column @col (0-based) starts at
 * *offset and is *size bytes. Longs take 8 bytes, strings share what is
 * left equally (see bo_format.h). Returns 0, or -1 when the global's key
 * size does not fit its columns.
 */
int bo_key_column(const struct bo_global *g, unsigned int col,
		  uint32_t *offset, uint32_t *size);

#endif
