// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Decoders of the memory and irq tapsets (tapsets/memory.stp, irq.stp):
 * allocation flags, interrupt handler flags and softirq vectors to names.
 * Included by bstap_runtime.c after syscall_decode.c, whose flag table
 * type and helpers (struct bstap_flag, flag_sep, flag_names, flag_rest,
 * NELEM) they reuse. Tables in C for the reason given there: a chain of
 * ifs in the script language makes the verifier follow every path.
 */

/*
 * gfp_t, in the order the kernel's own trace output (__def_gfpflag_names)
 * tests them: composite names first, each taking its bits away, so
 * 0xcc0 is "GFP_KERNEL" and not "GFP_KERNEL|GFP_NOFS|__GFP_IO|...". Bit
 * numbers of Linux 4.x to 6.x (___GFP_*_BIT); a bit without a name here
 * is printed in hex.
 */
static const struct bstap_flag bstap_gfp_flags[] = {
	{ 0x1c24ca, 0, "GFP_TRANSHUGE" },
	{ 0x1c20ca, 0, "GFP_TRANSHUGE_LIGHT" },
	{ 0x100cca, 0, "GFP_HIGHUSER_MOVABLE" },
	{ 0x100cc2, 0, "GFP_HIGHUSER" },
	{ 0x100cc0, 0, "GFP_USER" },
	{ 0x400cc0, 0, "GFP_KERNEL_ACCOUNT" },
	{ 0xcc0, 0, "GFP_KERNEL" },
	{ 0xc40, 0, "GFP_NOFS" },
	{ 0x820, 0, "GFP_ATOMIC" },
	{ 0xc00, 0, "GFP_NOIO" },
	{ 0x2800, 0, "GFP_NOWAIT" },
	{ 0x1, 0, "GFP_DMA" },
	{ 0x4, 0, "GFP_DMA32" },
	{ 0xc00, 0, "__GFP_RECLAIM" },
	{ 0x2, 0, "__GFP_HIGHMEM" },
	{ 0x8, 0, "__GFP_MOVABLE" },
	{ 0x10, 0, "__GFP_RECLAIMABLE" },
	{ 0x20, 0, "__GFP_HIGH" },
	{ 0x40, 0, "__GFP_IO" },
	{ 0x80, 0, "__GFP_FS" },
	{ 0x100, 0, "__GFP_ZERO" },
	{ 0x400, 0, "__GFP_DIRECT_RECLAIM" },
	{ 0x800, 0, "__GFP_KSWAPD_RECLAIM" },
	{ 0x1000, 0, "__GFP_WRITE" },
	{ 0x2000, 0, "__GFP_NOWARN" },
	{ 0x4000, 0, "__GFP_RETRY_MAYFAIL" },
	{ 0x8000, 0, "__GFP_NOFAIL" },
	{ 0x10000, 0, "__GFP_NORETRY" },
	{ 0x20000, 0, "__GFP_MEMALLOC" },
	{ 0x40000, 0, "__GFP_COMP" },
	{ 0x80000, 0, "__GFP_NOMEMALLOC" },
	{ 0x100000, 0, "__GFP_HARDWALL" },
	{ 0x200000, 0, "__GFP_THISNODE" },
	{ 0x400000, 0, "__GFP_ACCOUNT" },
	{ 0x800000, 0, "__GFP_ZEROTAGS" },
	{ 0x1000000, 0, "__GFP_NO_OBJ_EXT" },
};

/*
 * Each name found takes its bits away. The bits are cleared with a mask
 * computed without a branch (all ones when the entry matched, else 0),
 * so f is the same value on both sides of the one test that appends.
 */
RT s64 bstap_gfp_flag_str(char *dst, s64 flags)
{
	u64 f = (u64)flags;

	dst[0] = 0;
	for (int i = 0; i < (int)NELEM(bstap_gfp_flags); i++) {
		u64 m = bstap_gfp_flags[i].mask;
		u64 miss = (f & m) ^ m;
		/* 0 when every bit of m is set in f, else all ones */
		u64 keep = (u64)0 - ((miss | ((u64)0 - miss)) >> 63);

		f &= keep | ~m;
		if (!keep) {
			flag_sep(dst);
			bstap_strcat(dst, dst, bstap_gfp_flags[i].name);
		}
	}
	flag_rest(dst, f, "0");
	return 0;
}

/* request_irq() flags (IRQF_*), as in include/linux/interrupt.h. */
static const struct bstap_flag bstap_irq_flags[] = {
	{ 0x1, 0, "IRQF_TRIGGER_RISING" }, { 0x2, 0, "IRQF_TRIGGER_FALLING" },
	{ 0x4, 0, "IRQF_TRIGGER_HIGH" }, { 0x8, 0, "IRQF_TRIGGER_LOW" },
	{ 0x10, 0, "IRQF_TRIGGER_PROBE" }, { 0x80, 0, "IRQF_SHARED" },
	{ 0x100, 0, "IRQF_PROBE_SHARED" }, { 0x200, 0, "IRQF_TIMER" },
	{ 0x400, 0, "IRQF_PERCPU" }, { 0x800, 0, "IRQF_NOBALANCING" },
	{ 0x1000, 0, "IRQF_IRQPOLL" }, { 0x2000, 0, "IRQF_ONESHOT" },
	{ 0x4000, 0, "IRQF_NO_SUSPEND" }, { 0x8000, 0, "IRQF_FORCE_RESUME" },
	{ 0x10000, 0, "IRQF_NO_THREAD" }, { 0x20000, 0, "IRQF_EARLY_RESUME" },
	{ 0x40000, 0, "IRQF_COND_SUSPEND" }, { 0x80000, 0, "IRQF_NO_AUTOEN" },
	{ 0x100000, 0, "IRQF_NO_DEBUG" }, { 0x200000, 0, "IRQF_COND_ONESHOT" },
};

FLAG_FN(bstap_irqflags_str, bstap_irq_flags, "0")

/* The softirq vectors, by number (enum in include/linux/interrupt.h). */
static const char bstap_softirq_names[10][10] = {
	"HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET",
	"SCHED", "HRTIMER", "RCU",
};

RT s64 bstap_softirq_name(char *dst, s64 vec)
{
	dst[0] = 0;
	if (vec >= 0 && vec < (s64)NELEM(bstap_softirq_names))
		bstap_strcat(dst, dst, bstap_softirq_names[vec]);
	else
		bstap_append_long(dst, vec, 'd', 0, -1, -1);
	return 0;
}
