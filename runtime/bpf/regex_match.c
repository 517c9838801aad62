// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `str =~ "re"`: walking the DFA the translator compiled (translator/
 * regex_dfa.c). #included by bstap_runtime.c.
 *
 * Every regex of the program has a table in bstap_re (.rodata): 256 class
 * bytes, then one row of little-endian u16 next states per state. The
 * walk is a bpf_loop() over at most MAXSTRINGLEN bytes, one byte per step;
 * the string's NUL has a class of its own whose column says whether the
 * end of the string completes a match. State 0 (no match possible) and
 * state 1 (matched) stop the loop. Each read of the table is masked by
 * bstap_cfg_re_mask, the table area's size - 1 (a power of two), so the
 * verifier sees it in bounds whatever the offsets; the callback writes one
 * field, so its one verification covers every step.
 */

extern const u8 bstap_re[];
extern const u32 bstap_cfg_re_mask;

struct re_walk {
	const char *s;
	u32 tab;		/* the table's offset in bstap_re */
	u32 ncls;		/* columns per row */
	u32 state;
};

static __attribute__((noinline)) long bstap_cb_regex(u32 i, void *ctx)
{
	struct re_walk *w = ctx;
	u8 c = w->s[i & bstap_cfg_str_mask];
	u32 cls = bstap_re[(w->tab + c) & bstap_cfg_re_mask];
	u32 at = w->tab + 256 + 2 * (w->state * w->ncls + cls);
	u32 next = bstap_re[at & bstap_cfg_re_mask] |
		   (u32)bstap_re[(at + 1) & bstap_cfg_re_mask] << 8;

	w->state = next;
	return next <= 1;
}

/* 1 when some substring of s matches; start is never 0 or 1 here. */
RT s64 bstap_regex_match(const char *s, s64 tab, s64 ncls, s64 start)
{
	struct re_walk w = { s, tab, ncls, start };

	bpf_loop_fn(msl(), bstap_cb_regex, &w, 0);
	return w.state == 1;
}
