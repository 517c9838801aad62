/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading a BPF ring buffer map with its data mapped once (ring.c). */
#ifndef STAPBPF_RUN_RING_H
#define STAPBPF_RUN_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ring;

typedef void (*ring_fn)(void *ctx, const void *data, size_t len);

/* size: the map's max_entries (data bytes). NULL with errno on failure. */
struct ring *ring_open(int map_fd, uint32_t size);
void ring_free(struct ring *rg);
/* Hands every complete record to fn; returns how many. */
int ring_consume(struct ring *rg, ring_fn fn, void *ctx);

#endif
