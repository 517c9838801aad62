// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading the BPF ring buffer with its data area mapped once.
 *
 * The kernel offers the data pages twice in a row so that a record that
 * wraps around the end reads as one piece; libbpf's reader maps both
 * copies. The pages are inserted into the mapping at mmap time, so each
 * copy counts in full in the runner's resident set: 8 MiB for a 4 MiB
 * ring. Mapping the data once halves that; the rare record that wraps is
 * copied into a bounce buffer instead.
 *
 * Layout (kernel/bpf/ringbuf.c): page 0 holds the consumer position (the
 * only page user space may write), page 1 the producer position, then the
 * data. Each record starts with an 8-byte header: its length, with a busy
 * bit while the producer still writes it and a discard bit, then the page
 * offset the kernel uses; records are padded to 8 bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ring.h"

#define REC_BUSY	(1u << 31)
#define REC_DISCARD	(1u << 30)
#define REC_HDR		8u
/*
 * Records read between two updates of the consumer position. The kernel's
 * producers read that position on every reserve: writing it after each
 * record moved its cache line between CPUs once per record.
 */
#define RELEASE_EVERY	64

struct ring {
	unsigned long *consumer;	/* RW page */
	const unsigned long *producer;	/* RO: the producer page + data */
	const uint8_t *data;
	size_t size;			/* data bytes, a power of two */
	size_t page;
	uint8_t *bounce;		/* a record that wraps, put together */
	size_t bounce_cap;
};

struct ring *ring_open(int map_fd, uint32_t size)
{
	struct ring *rg = calloc(1, sizeof(*rg));
	void *p;

	if (!rg)
		return NULL;
	rg->page = (size_t)sysconf(_SC_PAGESIZE);
	rg->size = size;
	if (!size || (size & (size - 1)) || size % rg->page) {
		free(rg);
		errno = EINVAL;
		return NULL;
	}
	p = mmap(NULL, rg->page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED) {
		free(rg);
		return NULL;
	}
	rg->consumer = p;
	p = mmap(NULL, rg->page + size, PROT_READ, MAP_SHARED, map_fd,
		 (off_t)rg->page);
	if (p == MAP_FAILED) {
		munmap(rg->consumer, rg->page);
		free(rg);
		return NULL;
	}
	rg->producer = p;
	rg->data = (const uint8_t *)p + rg->page;
	return rg;
}

void ring_free(struct ring *rg)
{
	if (!rg)
		return;
	munmap(rg->consumer, rg->page);
	munmap((void *)rg->producer, rg->page + rg->size);
	free(rg->bounce);
	free(rg);
}

/* The record's bytes, in one piece: in place, or copied when it wraps. */
static const void *sample(struct ring *rg, size_t off, uint32_t len)
{
	size_t first;

	if (off + len <= rg->size)
		return rg->data + off;
	if (len > rg->bounce_cap) {
		uint8_t *b = realloc(rg->bounce, len);

		if (!b)
			return NULL;
		rg->bounce = b;
		rg->bounce_cap = len;
	}
	first = rg->size - off;
	memcpy(rg->bounce, rg->data + off, first);
	memcpy(rg->bounce + first, rg->data, len - first);
	return rg->bounce;
}

int ring_consume(struct ring *rg, ring_fn fn, void *ctx)
{
	unsigned long cons, prod;
	size_t mask = rg->size - 1;
	int n = 0, unreleased = 0;
	bool more;

	cons = __atomic_load_n(rg->consumer, __ATOMIC_ACQUIRE);
	do {
		more = false;
		prod = __atomic_load_n(rg->producer, __ATOMIC_ACQUIRE);
		while (cons < prod) {
			size_t off = cons & mask;
			uint32_t len = __atomic_load_n(
				(const uint32_t *)(rg->data + off),
				__ATOMIC_ACQUIRE);
			const void *p;

			if (len & REC_BUSY)
				goto done;
			more = true;
			cons += (REC_HDR + (len & ~(REC_BUSY | REC_DISCARD)) +
				 7) & ~7ul;
			if (!(len & REC_DISCARD)) {
				len &= ~(REC_BUSY | REC_DISCARD);
				p = sample(rg, (off + REC_HDR) & mask, len);
				if (p)
					fn(ctx, p, len);
				if (n < INT32_MAX)
					n++;
			}
			if (++unreleased == RELEASE_EVERY) {
				__atomic_store_n(rg->consumer, cons,
						 __ATOMIC_RELEASE);
				unreleased = 0;
			}
		}
	} while (more);
done:
	if (unreleased)
		__atomic_store_n(rg->consumer, cons, __ATOMIC_RELEASE);
	return n;
}
