// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Output: records from the ring buffer (kernel tier) and from runner-tier
 * handlers go through output_record(), so both print the same way and in
 * the order they happened. Each record is formatted whole into a strbuf,
 * then written once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "ring.h"
#include "runner.h"
#include "symbols.h"

int output_open(struct runner *r)
{
	if (!r->opt.out_path) {
		r->out = stdout;
		return 0;
	}
	r->out = fopen(r->opt.out_path, "we");
	if (!r->out) {
		fprintf(stderr, RUNNER_NAME ": %s: %s\n", r->opt.out_path,
			strerror(errno));
		return -1;
	}
	return 0;
}

void output_close(struct runner *r)
{
	if (!r->out)
		return;
	fflush(r->out);
	if (r->out != stdout)
		fclose(r->out);
	r->out = NULL;
	strbuf_release(&r->line);
}

/* A reader that went away (| head) ends the run, as it ends stap's. */
void output_flush(struct runner *r)
{
	if (r->out && fflush(r->out) && errno == EPIPE)
		r->exiting = true;
}

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	n = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (n > avail)
		return 0;
	cp = s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

/* A JSON string; bytes that are not UTF-8 become \u00XX. */
void json_string(struct strbuf *sb, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	strbuf_addch(sb, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = u[i];
		size_t n;

		if (c == '"' || c == '\\') {
			strbuf_addch(sb, '\\');
			strbuf_addch(sb, (char)c);
		} else if (c == '\n') {
			strbuf_addstr(sb, "\\n");
		} else if (c == '\t') {
			strbuf_addstr(sb, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			strbuf_addf(sb, "\\u%04x", c);
		} else if (c < 0x80) {
			strbuf_addch(sb, (char)c);
		} else if ((n = utf8_len(u + i, len - i))) {
			strbuf_add(sb, u + i, n);
			i += n - 1;
		} else {
			strbuf_addf(sb, "\\u%04x", c);
		}
	}
	strbuf_addch(sb, '"');
}

/* Script output: as is, or one JSON object per record with --json. */
void output_text(struct runner *r, const char *s, size_t len)
{
	struct strbuf j = STRBUF_INIT;

	if (!r->out || !len)
		return;
	if (!r->opt.json) {
		fwrite(s, 1, len, r->out);
		return;
	}
	strbuf_addstr(&j, "{\"type\":\"output\",\"text\":");
	json_string(&j, s, len);
	strbuf_addstr(&j, "}\n");
	fwrite(j.data, 1, j.len, r->out);
	strbuf_release(&j);
}

void runner_warn(struct runner *r, const char *fmt, ...)
{
	va_list ap;

	if (r->opt.no_warnings)
		return;
	fprintf(stderr, "WARNING: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * A script error, in stap's words: "ERROR: division by zero near operator
 * '/' at x.stp:3:9". MAXERRORS (default 0) errors are tolerated; the next
 * one ends the run, with the error probes instead of the end probes.
 */
void runner_error(struct runner *r, const char *msg, uint32_t location,
		  int probe)
{
	runner_error_kind(r, 0, msg, location, probe);
}

static void error_json(struct runner *r, const char *msg,
		       const struct bo_location *l, int probe)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "{\"type\":\"error\",\"message\":");
	json_string(&sb, msg, strlen(msg));
	if (l) {
		const char *f = bo_str(&r->meta, l->file);

		strbuf_addstr(&sb, ",\"file\":");
		json_string(&sb, f, strlen(f));
		strbuf_addf(&sb, ",\"line\":%u,\"column\":%u", l->line,
			    l->column);
	}
	if (probe >= 0) {
		const char *pp = bo_str(&r->meta, r->meta.probes[probe].point);

		strbuf_addstr(&sb, ",\"probe\":");
		json_string(&sb, pp, strlen(pp));
	}
	strbuf_addstr(&sb, "}\n");
	fwrite(sb.data, 1, sb.len, r->out ? r->out : stderr);
	strbuf_release(&sb);
}

static void error_text(struct runner *r, const char *msg,
		       const struct bo_location *l)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "ERROR: %s", msg);
	if (l) {
		const char *tok = bo_str(&r->meta, l->token);

		if (*tok)
			strbuf_addf(&sb, " near %s", tok);
		strbuf_addf(&sb, " at %s:%u:%u", bo_str(&r->meta, l->file),
			    l->line, l->column);
	}
	strbuf_addch(&sb, '\n');
	fwrite(sb.data, 1, sb.len, stderr);
	strbuf_release(&sb);
}

void runner_error_kind(struct runner *r, uint32_t kind, const char *msg,
		       uint32_t location, int probe)
{
	const struct bo_location *l = location < r->meta.n_locations ?
		&r->meta.locations[location] : NULL;

	if (probe < 0 || (uint32_t)probe >= r->meta.n_probes)
		probe = -1;
	if (probe >= 0 && kind < BO_ERR_KIND_COUNT)
		r->probes[probe].errors[kind]++;
	r->script_errors++;
	r->failed = true;
	if (r->script_errors > r->meta.header.maxerrors)
		r->exiting = true;
	output_flush(r);
	if (r->opt.json)
		error_json(r, msg, l, probe);
	else
		error_text(r, msg, l);
}

/* A u32-length string of a record payload, padded to 8 bytes. */
static int take_string(const uint8_t **p, const uint8_t *end,
		       const char **s, size_t *len)
{
	uint32_t n;
	size_t padded;

	if (end - *p < 4)
		return -1;
	memcpy(&n, *p, 4);
	padded = (4 + (size_t)n + 7) & ~(size_t)7;
	if ((size_t)(end - *p) < padded)
		return -1;
	*s = (const char *)*p + 4;
	*len = n;
	*p += padded;
	return 0;
}

static int record_printf(struct runner *r, const struct bo_record *h,
			 const uint8_t *p, const uint8_t *end)
{
	struct fmt_arg args[64];
	/* strings with symbol tokens (symname() in a kernel probe), named;
	 * set up as the arguments are read, not all 64 for every record */
	struct strbuf named[64];
	size_t nnamed = 0;
	size_t msl = r->meta.header.maxstringlen;
	const struct fmt *f;
	int rc = 0;

	if (h->id >= r->meta.n_formats)
		return -1;
	f = &r->fmts[h->id];
	if (f->nargs > sizeof(args) / sizeof(args[0]))
		return -1;
	for (size_t i = 0; i < f->nargs; i++) {
		int kind = fmt_arg_kind_at(f, i);

		args[i] = (struct fmt_arg){ .kind = kind };
		if (kind == FMT_ARG_LONG) {
			if (end - p < 8)
				return -1;
			memcpy(&args[i].l, p, 8);
			p += 8;
		} else if (take_string(&p, end, &args[i].s, &args[i].len)) {
			rc = -1;
			goto out;
		} else {
			struct strbuf *nb = &named[nnamed];

			*nb = (struct strbuf)STRBUF_INIT;
			if (symbolize_expand(r, nb, args[i].s, args[i].len,
					     msl ? msl - 1 : 0)) {
				args[i].s = nb->data;
				args[i].len = nb->len;
				nnamed++;
			}
		}
	}
	strbuf_reset(&r->line);
	if (fmt_format(&r->line, f, args, f->nargs, FMT_PRINT_LIMIT) < 0)
		rc = -1;
	else
		output_text(r, r->line.data, r->line.len);
out:
	for (size_t i = 0; i < nnamed; i++)
		strbuf_release(&named[i]);
	return rc;
}

static int record_error(struct runner *r, const struct bo_record *h,
			const uint8_t *p, const uint8_t *end)
{
	uint32_t location, probe;
	const char *detail = "";
	size_t dlen = 0;
	struct strbuf msg = STRBUF_INIT;

	if (end - p < 8)
		return -1;
	memcpy(&location, p, 4);
	memcpy(&probe, p + 4, 4);
	p += 8;
	if (p < end && take_string(&p, end, &detail, &dlen))
		return -1;
	dlen = strnlen(detail, dlen);
	if (!bo_error_kind_fatal(h->id))
		return 0;	/* counted in the errors map */
	if (h->id == BO_ERR_ARRAY_OVERFLOW && location < r->meta.n_locations) {
		if (!r->overflows)
			r->overflows = calloc(r->meta.n_locations,
					      sizeof(*r->overflows));
		if (r->overflows)
			r->overflows[location]++;
	}
	if (h->id == BO_ERR_USER_ERROR || (h->id == BO_ERR_READ_FAULT && dlen))
		strbuf_add(&msg, detail, dlen);
	else
		strbuf_addstr(&msg, bo_error_kind_message(h->id));
	if (!msg.len)
		strbuf_addstr(&msg, "");
	runner_error_kind(r, h->id < BO_ERR_KIND_COUNT ? h->id : 0, msg.data,
			  location, probe < r->meta.n_probes ? (int)probe : -1);
	strbuf_release(&msg);
	return 0;
}

/* warn(): stap's "WARNING: msg" on stderr, in event order; not with -w */
static int record_warn(struct runner *r, const uint8_t *p,
		       const uint8_t *end)
{
	const char *msg = "";
	size_t len = 0;

	if (take_string(&p, end, &msg, &len))
		return -1;
	if (r->opt.no_warnings)
		return 0;
	len = strnlen(msg, len);
	output_flush(r);
	if (r->opt.json) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addstr(&sb, "{\"type\":\"warning\",\"message\":");
		json_string(&sb, msg, len);
		strbuf_addstr(&sb, "}\n");
		fwrite(sb.data, 1, sb.len, r->out ? r->out : stderr);
		strbuf_release(&sb);
	} else {
		fprintf(stderr, "WARNING: %.*s\n", (int)len, msg);
	}
	return 0;
}

static int record_print_stats(struct runner *r, const struct bo_record *h,
			      const uint8_t *p, const uint8_t *end)
{
	const struct bo_global *g;
	const void *key = NULL;
	uint32_t location;

	if (h->id >= r->meta.n_globals || end - p < 8)
		return -1;
	memcpy(&location, p, 4);
	p += 8;
	g = &r->meta.globals[h->id];
	if (g->value_type != BO_TYPE_STATS)
		return -1;
	if (g->flags & BO_G_ARRAY) {
		if ((size_t)(end - p) < g->size)
			return -1;
		key = p;
	}
	strbuf_reset(&r->line);
	if (aggr_print(r, (int)h->id, key, &r->line, 0)) {
		runner_error(r, STATS_EMPTY_ERROR, location, -1);
		return 0;
	}
	output_text(r, r->line.data, r->line.len);
	return 0;
}

int output_record(struct runner *r, const void *data, size_t len)
{
	struct bo_record hdr = { 0 }, *h = &hdr;	/* data may be unaligned */
	const uint8_t *p = (const uint8_t *)data + sizeof(*h), *end;
	int rc;

	/* the ring's length is the record's (bo_format.h) */
	if (len < sizeof(*h)) {
		rc = -1;
		goto out;
	}
	memcpy(h, data, sizeof(*h));
	end = (const uint8_t *)data + len;
	switch (h->kind) {
	case BO_REC_PRINTF:
		rc = record_printf(r, h, p, end);
		break;
	case BO_REC_ERROR:
		rc = record_error(r, h, p, end);
		break;
	case BO_REC_EXIT:
		r->exiting = true;
		rc = 0;
		break;
	case BO_REC_WARN:
		rc = record_warn(r, p, end);
		break;
	case BO_REC_PRINT_STATS:
		rc = record_print_stats(r, h, p, end);
		break;
	case BO_REC_STACK:
	case BO_REC_PID:
		rc = symbolize_stack_record(r, h->kind, h->id, p, end);
		break;
	default:
		rc = -1;
	}
out:
	if (rc) {
		if (!r->bad_records++)
			fprintf(stderr, RUNNER_NAME ": a record of the ring "
				"buffer cannot be read (kind %u, %zu bytes): "
				"the object and the runner disagree\n",
				len >= sizeof(*h) ? h->kind : 0, len);
		r->failed = true;
		r->exiting = true;
	}
	return 0;
}

static void ring_cb(void *ctx, const void *data, size_t len)
{
	output_record(ctx, data, len);
}

/* Only kernel programs write into the ring buffer: without one loaded,
 * it is not mapped at all. */
static bool kernel_probes_loaded(struct runner *r)
{
	for (uint32_t i = 0; i < r->meta.n_probes; i++)
		if (r->probes[i].meta->tier == BO_TIER_KERNEL &&
		    !r->probes[i].disabled)
			return true;
	return false;
}

int output_ring_open(struct runner *r)
{
	if (r->rb_map < 0 || !kernel_probes_loaded(r))
		return 0;
	r->rb = ring_open(r->maps[r->rb_map].fd,
			  r->maps[r->rb_map].max_entries);
	if (!r->rb) {
		fprintf(stderr, RUNNER_NAME ": cannot read the ring buffer: "
			"%s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* Returns the number of records read. */
int output_drain(struct runner *r)
{
	return r->rb ? ring_consume(r->rb, ring_cb, r) : 0;
}
