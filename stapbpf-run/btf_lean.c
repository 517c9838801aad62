// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Loading without libbpf's copy of the kernel's BTF.
 *
 * libbpf reads all of /sys/kernel/btf/vmlinux into memory as soon as an
 * object has CO-RE relocations or a tp_btf program: 11 MB of peak
 * memory and about 10 ms, for what is usually a handful of member offsets
 * and one type id. In the common case the runner does both jobs itself
 * against the kernel's BTF mapped read-only (rawbtf.c), and hands libbpf
 * an in-memory copy of the object that needs neither:
 *
 *   - CO-RE field byte offsets (all bstap emits) are computed as libbpf
 *     does: candidates are the kernel's types of the local type's kind and
 *     name (without a ___flavour suffix), members are matched by name
 *     through anonymous members, their types must be compatible; every
 *     candidate that matches must agree. The instruction is patched, and
 *     the relocation section of .BTF.ext is emptied.
 *   - tp_btf programs are opened through a section handler of ours as raw
 *     tracepoint programs (which need no kernel BTF), and turned into
 *     tracing programs attached to the kernel's btf_trace_NAME type right
 *     before the kernel sees them.
 *
 * Anything else (another relocation kind, a bitfield, no or ambiguous
 * candidates, a tracepoint only a module knows, an unexpected instruction)
 * leaves the object to libbpf unchanged, so the results never differ.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "rawbtf.h"
#include "runner.h"

#define TP_BTF_PREFIX		"tp_btf/"
#define BTF_TRACE_PREFIX	"btf_trace_"
#define CORE_FIELD_BYTE_OFFSET	0
#define MAX_ACCESS		16

struct btf_ext_hdr {
	uint16_t magic;
	uint8_t version;
	uint8_t flags;
	uint32_t hdr_len;
	uint32_t func_info_off;
	uint32_t func_info_len;
	uint32_t line_info_off;
	uint32_t line_info_len;
	uint32_t core_relo_off;
	uint32_t core_relo_len;
};

struct core_relo {
	uint32_t insn_off;
	uint32_t type_id;
	uint32_t access_str_off;
	uint32_t kind;
};

struct tp_target {
	char *section;
	uint32_t btf_id;
};

/* Candidates for CO-RE roots of one kind and (essential) name. */
struct cands {
	int kind;
	const char *name;	/* the local name, in the object's BTF */
	size_t elen;
	uint32_t *ids;
	int n;
};

struct lean {
	struct rawbtf kernel;
	struct rawbtf local;
	uint8_t *image;
	size_t len;
	Elf *elf;
	struct tp_target *tps;
	int n_tps;
	int handler;		/* libbpf handler id, 0: none */
	int n_relos;		/* CO-RE relocations applied */
	struct cands *cands;
	int n_cands;
};

/* libbpf's prepare callback has only a cookie: the run's state. */
static struct lean *active;

static bool is_composite(const struct btf_type *t)
{
	int k = t ? BTF_INFO_KIND(t->info) : 0;

	return k == BTF_KIND_STRUCT || k == BTF_KIND_UNION;
}

/* The name without a "___flavour" suffix: its length. */
static size_t essential_len(const char *name)
{
	const char *s = strstr(name, "___");

	return s ? (size_t)(s - name) : strlen(name);
}

static uint32_t member_bits(const struct btf_type *t, int i, bool *bitfield)
{
	const struct btf_member *m = (const struct btf_member *)(t + 1) + i;

	if (BTF_INFO_KFLAG(t->info)) {
		*bitfield = BTF_MEMBER_BITFIELD_SIZE(m->offset) != 0;
		return BTF_MEMBER_BIT_OFFSET(m->offset);
	}
	*bitfield = false;
	return m->offset;
}

/*
 * Field compatibility as libbpf judges it; -1 when unsure (enums, forward
 * declarations), which leaves the object to libbpf.
 */
static int fields_compat(struct lean *l, uint32_t lid, uint32_t tid, int depth)
{
	const struct btf_type *lt = rawbtf_skip(&l->local, &lid);
	const struct btf_type *tt = rawbtf_skip(&l->kernel, &tid);

	if (!lt || !tt || depth > 8)
		return -1;
	if (is_composite(lt) && is_composite(tt))
		return 1;
	if (BTF_INFO_KIND(lt->info) != BTF_INFO_KIND(tt->info))
		return 0;
	switch (BTF_INFO_KIND(lt->info)) {
	case BTF_KIND_PTR:
	case BTF_KIND_FLOAT:
		return 1;
	case BTF_KIND_INT:
		return BTF_INT_OFFSET(*(const uint32_t *)(lt + 1)) == 0 &&
		       BTF_INT_OFFSET(*(const uint32_t *)(tt + 1)) == 0;
	case BTF_KIND_ARRAY:
		return fields_compat(l, ((const struct btf_array *)(lt + 1))->type,
				     ((const struct btf_array *)(tt + 1))->type,
				     depth + 1);
	default:
		return -1;
	}
}

/*
 * The member called name in the kernel's composite t, through anonymous
 * members: 1 found (*type, *bits), 0 not there, -1 give up.
 */
static int find_member(struct lean *l, const struct btf_type *t,
		       const char *name, uint32_t *type, uint32_t *bits,
		       int depth)
{
	const struct btf_member *m = (const struct btf_member *)(t + 1);

	if (depth > 8)
		return -1;
	for (uint32_t i = 0; i < BTF_INFO_VLEN(t->info); i++) {
		const char *mn = rawbtf_str(&l->kernel, m[i].name_off);
		uint32_t mid = m[i].type, sub;
		bool bitfield;
		uint32_t off = member_bits(t, (int)i, &bitfield);
		int rc;

		if (*mn) {
			if (strcmp(mn, name))
				continue;
			if (bitfield)
				return -1;
			*type = mid;
			*bits = off;
			return 1;
		}
		if (!is_composite(rawbtf_skip(&l->kernel, &mid)))
			continue;
		rc = find_member(l, rawbtf_skip(&l->kernel, &mid), name, type,
				 &sub, depth + 1);
		if (rc) {
			*bits = off + sub;
			return rc;
		}
	}
	return 0;
}

/*
 * The access path on one candidate: 1 matches (*bits), 0 does not,
 * -1 give up.
 */
static int match_candidate(struct lean *l, uint32_t lroot, uint32_t cand,
			   const uint32_t *acc, int n, uint32_t *bits)
{
	uint32_t lid = lroot, tid = cand, lbits = 0;

	*bits = 0;
	for (int i = 1; i < n; i++) {
		const struct btf_type *lt = rawbtf_skip(&l->local, &lid);
		const struct btf_type *tt = rawbtf_skip(&l->kernel, &tid);
		const struct btf_member *lm;
		uint32_t ttype, tbits;
		bool bitfield;
		int rc;

		if (!is_composite(lt) || acc[i] >= BTF_INFO_VLEN(lt->info))
			return -1;
		if (!is_composite(tt))
			return 0;
		lm = (const struct btf_member *)(lt + 1) + acc[i];
		if (!*rawbtf_str(&l->local, lm->name_off))
			return -1;	/* an anonymous step: libbpf's job */
		lbits += member_bits(lt, (int)acc[i], &bitfield);
		if (bitfield)
			return -1;
		rc = find_member(l, tt, rawbtf_str(&l->local, lm->name_off),
				 &ttype, &tbits, 0);
		if (rc <= 0)
			return rc;
		rc = fields_compat(l, lm->type, ttype, 0);
		if (rc <= 0)
			return rc;
		*bits += tbits;
		lid = lm->type;
		tid = ttype;
	}
	(void)lbits;
	return 1;
}

/* The local member offset the instruction must hold before patching. */
static int local_bits(struct lean *l, uint32_t lroot, const uint32_t *acc,
		      int n, uint32_t *bits)
{
	uint32_t lid = lroot;

	*bits = 0;
	for (int i = 1; i < n; i++) {
		const struct btf_type *lt = rawbtf_skip(&l->local, &lid);
		const struct btf_member *lm;
		bool bitfield;

		if (!is_composite(lt) || acc[i] >= BTF_INFO_VLEN(lt->info))
			return -1;
		lm = (const struct btf_member *)(lt + 1) + acc[i];
		*bits += member_bits(lt, (int)acc[i], &bitfield);
		lid = lm->type;
	}
	return 0;
}

static int parse_access(const char *s, uint32_t *acc)
{
	int n = 0;

	while (*s && n < MAX_ACCESS) {
		char *end;
		unsigned long v = strtoul(s, &end, 10);

		if (end == s || v > UINT32_MAX)
			return -1;
		acc[n++] = (uint32_t)v;
		if (*end == ':')
			end++;
		else if (*end)
			return -1;
		s = end;
	}
	return *s ? -1 : n;
}

/*
 * The kernel's types of this kind and essential name, found with one walk
 * over all of them per name (a script's relocations mostly share a few
 * roots, such as task_struct).
 */
static const struct cands *candidates(struct lean *l, int kind,
				      const char *name, size_t elen)
{
	struct cands *c, *all;

	for (int i = 0; i < l->n_cands; i++) {
		c = &l->cands[i];
		if (c->kind == kind && c->elen == elen &&
		    !strncmp(c->name, name, elen))
			return c;
	}
	all = realloc(l->cands, (l->n_cands + 1) * sizeof(*all));
	if (!all)
		return NULL;
	l->cands = all;
	c = &all[l->n_cands++];
	*c = (struct cands){ .kind = kind, .name = name, .elen = elen };
	for (uint32_t id = 1; id < l->kernel.n; id++) {
		const struct btf_type *t = rawbtf_type(&l->kernel, id);
		const char *tn;
		uint32_t *ids;

		if ((int)BTF_INFO_KIND(t->info) != kind)
			continue;
		tn = rawbtf_str(&l->kernel, t->name_off);
		if (essential_len(tn) != elen || strncmp(tn, name, elen))
			continue;
		ids = realloc(c->ids, (c->n + 1) * sizeof(*ids));
		if (!ids)
			return NULL;
		c->ids = ids;
		c->ids[c->n++] = id;
	}
	return c;
}

/* The kernel's offset (bytes) for one relocation; -1 give up. */
static int64_t relocate_field(struct lean *l, const struct core_relo *cr,
			      uint32_t *orig)
{
	uint32_t acc[MAX_ACCESS], lroot = cr->type_id, lb, found_bits = 0;
	const struct btf_type *lt;
	const struct cands *cs;
	const char *name;
	size_t elen;
	int n, matches = 0;

	if (cr->kind != CORE_FIELD_BYTE_OFFSET)
		return -1;
	n = parse_access(rawbtf_str(&l->local, cr->access_str_off), acc);
	if (n < 2 || acc[0] != 0)
		return -1;
	lt = rawbtf_skip(&l->local, &lroot);
	if (!is_composite(lt) || local_bits(l, lroot, acc, n, &lb) || lb % 8)
		return -1;
	name = rawbtf_str(&l->local, lt->name_off);
	elen = essential_len(name);
	if (!elen)
		return -1;
	cs = candidates(l, BTF_INFO_KIND(lt->info), name, elen);
	if (!cs)
		return -1;
	for (int c = 0; c < cs->n; c++) {
		uint32_t bits;
		int rc = match_candidate(l, lroot, cs->ids[c], acc, n, &bits);

		if (rc < 0)
			return -1;
		if (!rc)
			continue;
		if (matches++ && bits != found_bits)
			return -1;	/* ambiguous: libbpf says why */
		found_bits = bits;
	}
	if (!matches || found_bits % 8)
		return -1;
	*orig = lb / 8;
	return found_bits / 8;
}

/* Puts the new offset where the instruction holds the local one. */
static int patch_insn(uint8_t *sec, size_t sec_len, uint32_t insn_off,
		      uint32_t orig, int64_t val)
{
	struct bpf_insn *insn;
	uint8_t cls;

	if (insn_off % sizeof(*insn) || insn_off >= sec_len ||
	    sec_len - insn_off < sizeof(*insn))
		return -1;
	insn = (struct bpf_insn *)(sec + insn_off);
	cls = BPF_CLASS(insn->code);
	if ((cls == BPF_ALU || cls == BPF_ALU64) &&
	    BPF_SRC(insn->code) == BPF_K) {
		if ((uint32_t)insn->imm != orig || val > INT32_MAX)
			return -1;
		insn->imm = (int32_t)val;
		return 0;
	}
	if ((cls == BPF_LDX || cls == BPF_ST || cls == BPF_STX) &&
	    BPF_MODE(insn->code) == BPF_MEM) {
		if (insn->off != (int16_t)orig || val > INT16_MAX)
			return -1;
		insn->off = (int16_t)val;
		return 0;
	}
	if (insn->code == (BPF_LD | BPF_IMM | BPF_DW) &&
	    sec_len - insn_off >= 2 * sizeof(*insn)) {
		if ((uint32_t)insn->imm != orig || insn[1].imm != 0 ||
		    val > INT32_MAX)
			return -1;
		insn->imm = (int32_t)val;
		return 0;
	}
	return -1;
}

/* A section of the image by name: its bytes. */
static uint8_t *section(struct lean *l, const char *want, size_t *len)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(l->elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(l->elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			return NULL;
		name = elf_strptr(l->elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, want))
			continue;
		if (sh.sh_type == SHT_NOBITS || sh.sh_offset > l->len ||
		    sh.sh_size > l->len - sh.sh_offset)
			return NULL;
		*len = sh.sh_size;
		return l->image + sh.sh_offset;
	}
	return NULL;
}

static int apply_core(struct lean *l)
{
	size_t ext_len, rec, off;
	uint8_t *ext = section(l, ".BTF.ext", &ext_len);
	struct btf_ext_hdr *h = (struct btf_ext_hdr *)ext;
	const uint8_t *p, *end;

	if (!ext || ext_len < 8 || h->hdr_len > ext_len)
		return -1;
	if (h->hdr_len < sizeof(*h) || !h->core_relo_len)
		return 0;	/* nothing to relocate */
	off = (size_t)h->hdr_len + h->core_relo_off;
	if (off > ext_len || h->core_relo_len > ext_len - off ||
	    h->core_relo_len < 4)
		return -1;
	p = ext + off;
	end = p + h->core_relo_len;
	rec = *(const uint32_t *)p;
	if (rec < sizeof(struct core_relo))
		return -1;
	for (p += 4; p < end; ) {
		uint32_t sec_name, n;
		uint8_t *sec;
		size_t sec_len;

		if (end - p < 8)
			return -1;
		sec_name = ((const uint32_t *)p)[0];
		n = ((const uint32_t *)p)[1];
		p += 8;
		if ((size_t)(end - p) / rec < n)
			return -1;
		sec = section(l, rawbtf_str(&l->local, sec_name), &sec_len);
		if (!sec)
			return -1;
		for (uint32_t i = 0; i < n; i++, p += rec) {
			struct core_relo cr;
			uint32_t orig;
			int64_t val;

			memcpy(&cr, p, sizeof(cr));
			val = relocate_field(l, &cr, &orig);
			if (val < 0 ||
			    patch_insn(sec, sec_len, cr.insn_off, orig, val))
				return -1;
			l->n_relos++;
		}
	}
	h->core_relo_len = 0;
	return 0;
}

/* Every tp_btf section's kernel type id, or -1 if one has none. */
static int find_tp_targets(struct lean *l)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(l->elf, &shstrndx))
		return -1;
	while ((scn = elf_nextscn(l->elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		char tname[256];
		struct tp_target *n;
		uint32_t id;

		if (!gelf_getshdr(scn, &sh))
			return -1;
		name = elf_strptr(l->elf, shstrndx, sh.sh_name);
		if (!name || strncmp(name, TP_BTF_PREFIX, strlen(TP_BTF_PREFIX)))
			continue;
		snprintf(tname, sizeof(tname), BTF_TRACE_PREFIX "%s",
			 name + strlen(TP_BTF_PREFIX));
		id = rawbtf_find(&l->kernel, tname, BTF_KIND_TYPEDEF);
		if (!id)
			return -1;	/* a module's, perhaps: libbpf's job */
		n = realloc(l->tps, (l->n_tps + 1) * sizeof(*n));
		if (!n)
			return -1;
		l->tps = n;
		n[l->n_tps].section = strdup(name);
		n[l->n_tps].btf_id = id;
		if (!n[l->n_tps++].section)
			return -1;
	}
	return 0;
}

/* Right before the kernel sees it: a tracing program on its tracepoint. */
static int prepare_tp_btf(struct bpf_program *prog,
			  struct bpf_prog_load_opts *opts, long cookie)
{
	const char *sec = bpf_program__section_name(prog);

	(void)cookie;
	for (int i = 0; active && i < active->n_tps; i++) {
		if (strcmp(active->tps[i].section, sec))
			continue;
		opts->expected_attach_type = BPF_TRACE_RAW_TP;
		opts->attach_btf_id = active->tps[i].btf_id;
		opts->attach_btf_obj_fd = 0;
		return bpf_program__set_type(prog, BPF_PROG_TYPE_TRACING);
	}
	return -ENOENT;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || st.st_size <= 0 ||
	    !(buf = malloc((size_t)st.st_size))) {
		close(fd);
		return NULL;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n <= 0) {
			free(buf);
			close(fd);
			return NULL;
		}
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return buf;
}

/* Does libbpf need the kernel's BTF for this object: CO-RE relocations
 * or tp_btf programs? */
static bool needs_kernel_btf(struct lean *l)
{
	size_t len;
	const struct btf_ext_hdr *h =
		(const void *)section(l, ".BTF.ext", &len);

	if (h && len >= sizeof(*h) && h->hdr_len >= sizeof(*h) &&
	    h->core_relo_len)
		return true;
	return l->n_tps > 0;
}

static void lean_free(struct lean *l)
{
	if (l->elf)
		elf_end(l->elf);
	rawbtf_release(&l->kernel);
	rawbtf_release(&l->local);
	for (int i = 0; i < l->n_tps; i++)
		free(l->tps[i].section);
	for (int i = 0; i < l->n_cands; i++)
		free(l->cands[i].ids);
	free(l->cands);
	free(l->tps);
	free(l->image);
	free(l);
}

/* 0: ready, 1: libbpf needs no kernel BTF anyway, -1: leave it to libbpf */
static int build(struct runner *r, struct lean *l)
{
	size_t btf_len;
	const uint8_t *btf;
	LIBBPF_OPTS(libbpf_prog_handler_opts, ho,
		    .prog_prepare_load_fn = prepare_tp_btf);

	l->image = read_file(r->opt.object, &l->len);
	if (!l->image || elf_version(EV_CURRENT) == EV_NONE)
		return -1;
	l->elf = elf_memory((char *)l->image, l->len);
	if (!l->elf || rawbtf_open_vmlinux(&l->kernel) || find_tp_targets(l))
		return -1;
	if (!needs_kernel_btf(l))
		return 1;
	btf = section(l, ".BTF", &btf_len);
	if (!btf || rawbtf_init(&l->local, btf, btf_len) || apply_core(l))
		return -1;
	if (l->n_tps) {
		l->handler = libbpf_register_prog_handler(
			"tp_btf+", BPF_PROG_TYPE_RAW_TRACEPOINT,
			BPF_TRACE_RAW_TP, &ho);
		if (l->handler <= 0)
			return -1;
	}
	return 0;
}

/*
 * Called before libbpf opens the object: when the fast path applies,
 * r->image holds the object libbpf gets instead of the file.
 */
void lean_prepare(struct runner *r)
{
	struct lean *l;
	int rc;

	if (getenv("STAPBPF_LIBBPF_BTF"))
		return;
	l = calloc(1, sizeof(*l));
	if (!l)
		return;
	rc = build(r, l);
	if (rc) {
		if (rc < 0 && r->opt.verbose)
			fprintf(stderr, RUNNER_NAME ": kernel BTF: CO-RE and "
				"tp_btf targets left to libbpf\n");
		if (l->handler > 0)
			libbpf_unregister_prog_handler(l->handler);
		lean_free(l);
		return;
	}
	if (r->opt.verbose)
		fprintf(stderr, RUNNER_NAME ": kernel BTF: %d CO-RE "
			"relocation%s and %d tp_btf target%s resolved by the "
			"runner\n", l->n_relos, l->n_relos == 1 ? "" : "s",
			l->n_tps, l->n_tps == 1 ? "" : "s");
	/* the index of the kernel's types is not needed any more */
	rawbtf_release(&l->kernel);
	rawbtf_release(&l->local);
	r->lean = l;
	r->image = l->image;
	r->image_len = l->len;
	active = l;
}

void lean_release(struct runner *r)
{
	struct lean *l = r->lean;

	if (!l)
		return;
	if (l->handler > 0)
		libbpf_unregister_prog_handler(l->handler);
	active = NULL;
	lean_free(l);
	r->lean = NULL;
	r->image = NULL;
	r->image_len = 0;
}
