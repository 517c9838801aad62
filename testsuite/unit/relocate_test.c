// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Relocation of runner-tier programs, on the runner's test object
 * calls.bpf.o (clang output): maps and .bss become pseudo loads with the
 * indexes the callbacks give, the call into .text and the callbacks'
 * addresses point into the appended .text, and what cannot be resolved is
 * refused with a message. Then the relocated program is prepared by the
 * interpreter, which checks every jump and call target.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bo_format.h"
#include "bpf_insn.h"
#include "interp.h"
#include "relocate.h"
#include "../lib/tap.h"

#define OBJ BSTAP_BUILDDIR "/testsuite/runner/objs/calls.bpf.o"

static const char *const maps[] = { "bstap_rb", "bstap_err", "g_arr", "g_pc" };

static int map_cb(void *user, const char *name, int32_t *idx)
{
	(void)user;
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		if (!strcmp(maps[i], name)) {
			*idx = (int32_t)i + 10;
			return 0;
		}
	}
	return -ENOENT;
}

static int data_cb(void *user, const char *section, int32_t *idx)
{
	int *refuse = user;

	if (*refuse || strncmp(section, ".bss", 4))
		return -ENOENT;
	*idx = 7;
	return 0;
}

static int no_map(void *user, const char *name, int32_t *idx)
{
	(void)user, (void)name, (void)idx;
	return -ENOENT;
}

static uint64_t helper(struct interp_ctx *c, uint64_t a, uint64_t b,
		       uint64_t d, uint64_t e, uint64_t f)
{
	(void)c, (void)a, (void)b, (void)d, (void)e, (void)f;
	return 0;
}

static int resolve(void *user, unsigned int kind, int32_t imm,
		   int32_t next_imm, uint64_t *val)
{
	static uint64_t bss[8];

	(void)user;
	if (kind == BPF_PSEUDO_MAP_IDX && imm >= 10 && imm < 14) {
		*val = 0xbf00 + (uint64_t)imm;
		return 0;
	}
	if (kind == BPF_PSEUDO_MAP_IDX_VALUE && imm == 7 && next_imm >= 0 &&
	    next_imm < (int32_t)sizeof(bss)) {
		*val = (uint64_t)(uintptr_t)bss + (uint64_t)next_imm;
		return 0;
	}
	return -EINVAL;
}

static void count(const struct reloc_prog *p, int *map_loads, int *data_loads,
		  int *funcs, int *calls_ok)
{
	*map_loads = *data_loads = *funcs = *calls_ok = 0;
	for (size_t i = 0; i < p->main_len; i++) {
		const struct bpf_insn *in = &p->insns[i];
		int64_t t = (int64_t)i + 1 + in->imm;

		if (in->code == (BPF_LD | BPF_IMM | BPF_DW)) {
			if (in->src_reg == BPF_PSEUDO_MAP_IDX)
				(*map_loads)++;
			else if (in->src_reg == BPF_PSEUDO_MAP_IDX_VALUE)
				(*data_loads)++;
			else if (in->src_reg == BPF_PSEUDO_FUNC &&
				 t >= (int64_t)p->main_len && t < (int64_t)p->n)
				(*funcs)++;
			i++;
		} else if (in->code == (BPF_JMP | BPF_CALL) &&
			   in->src_reg == BPF_PSEUDO_CALL &&
			   t >= (int64_t)p->main_len && t < (int64_t)p->n) {
			(*calls_ok)++;
		}
	}
}

int main(void)
{
	int refuse = 0;
	struct reloc_ops ops = { map_cb, data_cb, &refuse };
	struct reloc_ops bad_maps = { no_map, data_cb, &refuse };
	/* every id, the runner-only ones (BO_RH_*) included */
	size_t n_helpers = BO_RH_SPRINT_STATS + 1;
	struct interp_helper *helpers = calloc(n_helpers, sizeof(*helpers));
	struct interp_opts io = { .helpers = helpers, .n_helpers = n_helpers,
				  .resolve = resolve };
	struct interp_error e;
	struct interp_prog *ip;
	struct reloc_prog p;
	struct reloc_obj *o;
	char why[256] = "";
	int m, d, f, c;

	tap_plan(12);
	for (size_t i = 0; i < n_helpers; i++)
		helpers[i].fn = helper;
	o = reloc_open(OBJ, why, sizeof(why));
	tap_ok(o != NULL, "open %s (%s)", OBJ, why);
	if (!o)
		return tap_done();
	tap_ok(!reloc_program(o, "bstap_runner/begin_0", &ops, &p, why,
			      sizeof(why)), "begin_0 relocates (%s)", why);
	count(&p, &m, &d, &f, &c);
	tap_ok(p.n > p.main_len, ".text appended (%zu + %zu insns)",
	       p.main_len, p.n - p.main_len);
	tap_ok(m >= 8, "map loads: %d", m);
	tap_ok(d >= 1, ".bss loads: %d", d);
	tap_ok(f == 2, "callback addresses into .text: %d", f);
	tap_ok(c == 1, "calls into .text: %d", c);
	ip = interp_prepare(p.insns, p.n, &io, &e);
	tap_ok(ip != NULL, "the interpreter accepts the result (%s)",
	       ip ? "" : e.msg);
	interp_prog_free(ip);
	free(p.insns);

	tap_ok(!reloc_program(o, "bstap_runner/end_0", &ops, &p, why,
			      sizeof(why)) && p.n == p.main_len,
	       "end_0 needs no .text");
	free(p.insns);

	tap_ok(reloc_program(o, "bstap_runner/begin_0", &bad_maps, &p, why,
			     sizeof(why)) == -1 && strstr(why, "unknown map"),
	       "an unknown map is refused: %s", why);
	refuse = 1;
	tap_ok(reloc_program(o, "bstap_runner/begin_0", &ops, &p, why,
			     sizeof(why)) == -1 && strstr(why, ".bss"),
	       "missing global data is refused: %s", why);
	tap_ok(reloc_program(o, "bstap_runner/nope", &ops, &p, why,
			     sizeof(why)) == -1 && strstr(why, "no section"),
	       "a missing section is refused: %s", why);
	reloc_close(o);
	free(helpers);
	return tap_done();
}
