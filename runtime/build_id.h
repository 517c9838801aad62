/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The GNU build-id of an ELF file, as lowercase hex: the translator
 * records it for each binary it probes, the runner checks it before
 * attaching uprobes, so an object never patches a rebuilt program at
 * offsets that meant something else.
 */
#ifndef BSTAP_BUILD_ID_H
#define BSTAP_BUILD_ID_H

#include <stddef.h>

/* Longest build-id we keep (SHA-1 is 20 bytes; allow up to 64). */
#define BUILD_ID_HEX_MAX (2 * 64 + 1)

/*
 * Writes path's build-id into hex (at least BUILD_ID_HEX_MAX bytes).
 * 1: found, 0: the file has none, -1: it cannot be read as ELF.
 */
int build_id_of_file(const char *path, char *hex);

#endif
