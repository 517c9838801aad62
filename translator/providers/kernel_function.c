// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel.function("F")[.call|.return], module("M").function("F")[...],
 * kprobe.function("F")[.return], kprobe.module("M").function("F")[.return].
 *
 * Functions come from BTF FUNC entries: vmlinux, and /sys/kernel/btf/M
 * for modules. BTF knows neither source files nor line numbers nor inline
 * instances, and bstap reads no kernel DWARF, so:
 *  - "F@FILE" is accepted for a plain F (the file is not checked; -v says
 *    so) and refused with a wildcard F, which would match every file;
 *  - "F@FILE:LINE", .inline and kernel.statement are refused with a
 *    message that says why.
 *
 * resolved_point: target the function, module its module (NULL for
 * vmlinux), is_return, number the .maxactive(N) of a kretprobe (0:
 * default). Whether fentry/fexit or kprobes attach it is for code
 * generation. Variables: the BTF parameters, and $return on .return.
 *
 * For the running kernel, whether anything can attach kernel functions is
 * probed once (a do-nothing fentry program, the kprobe PMU): when nothing
 * can, an alternative (`!`) or optional (`?`) point is left out at
 * translate time with a warning, and a required one is an error that
 * names the tracepoint or alias to use instead. For another kernel (--btf,
 * -r) nothing is probed: the runner decides there.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "btf_index.h"
#include "diag.h"
#include "provider_impl.h"
#include "session.h"

#define FUNCTION_SUFFIXES(base)						\
	base, base ".call", base ".return", base ".inline",		\
	base ".return.maxactive(N)"

static const char *const kernel_function_spellings[] = {
	FUNCTION_SUFFIXES("kernel.function(\"F\")"),
	FUNCTION_SUFFIXES("module(\"M\").function(\"F\")"),
	"kprobe.function(\"F\")", "kprobe.function(\"F\").return",
	"kprobe.module(\"M\").function(\"F\")",
	"kprobe.module(\"M\").function(\"F\").return",
	"kernel.statement(\"S\")", "kernel.statement(N).absolute",
	"module(\"M\").statement(\"S\")", "kprobe.statement(N).absolute",
	NULL,
};

static bool kernel_function_claims(const struct probe_point *pp)
{
	if (pp->components.n >= 2 &&
	    !strcmp(pp->components.v[1].name, "trace"))
		return false;
	return provider_claims_first(&kernel_function_provider, pp);
}

/* "F@FILE:LINE" split into its parts; file and line may be NULL. */
struct func_spec {
	const char *func, *file, *line;
};

static struct func_spec split_spec(struct session *s, const char *arg)
{
	struct func_spec fs = { arg, NULL, NULL };
	const char *at = strchr(arg, '@');

	if (!at)
		return fs;
	fs.func = arena_strndup(&s->arena, arg, at - arg);
	fs.file = at + 1;
	const char *colon = strpbrk(fs.file, ":+");

	if (colon) {
		fs.line = colon;
		fs.file = arena_strndup(&s->arena, at + 1, colon - at - 1);
	}
	return fs;
}

static bool check_spec(struct session *s, const struct probe_component *c,
		       const struct func_spec *fs)
{
	if (!fs->func[0]) {
		diag_hint(diag_error(s, c->loc, "no function name before '@'"),
			  "write kernel.function(\"vfs_read\")");
		return false;
	}
	if (fs->line) {
		diag_hint(diag_error(s, c->loc,
				     "'%s': line numbers need kernel debuginfo, which bstap does not use",
				     c->arg->str),
			  "probe the function instead: kernel.function(\"%s\")",
			  fs->func);
		return false;
	}
	if (fs->file && glob_has(fs->func)) {
		diag_hint(diag_error(s, c->loc,
				     "cannot select kernel functions by source file '%s': BTF does not record files",
				     fs->file),
			  "name the functions instead: kernel.function(\"%s\")",
			  strcmp(fs->func, "*") ? fs->func : "vfs_*");
		return false;
	}
	if (fs->file && s->verbose)
		diag_hint(diag_warning(s, c->loc,
				       "the file in '%s' is not checked: BTF does not record source files",
				       c->arg->str),
			  "any function named '%s' matches", fs->func);
	return true;
}

static bool refuse_unsupported(struct session *s, const struct pp_match *m)
{
	const struct probe_component *c;

	if ((c = m_comp(m, "statement"))) {
		diag_hint(diag_error(s, c->loc,
				     "kernel statement probes need kernel debuginfo, which bstap does not use"),
			  "probe a function (kernel.function(\"f\")) or a tracepoint (kernel.trace(\"...\"))");
		return true;
	}
	if ((c = m_comp(m, "inline"))) {
		diag_hint(diag_error(s, c->loc,
				     "inline instances of kernel functions need debuginfo; BTF only describes out-of-line functions"),
			  "drop .inline to probe the out-of-line function");
		return true;
	}
	if ((c = m_comp(m, "maxactive")) &&
	    !arg_range(s, c, "maxactive", 1, 4096))
		return true;
	return false;
}

static struct resolved_point *func_point(struct session *s,
					 const struct probe_point *pp,
					 const struct pp_match *m,
					 const char *module, const char *func)
{
	const char *subst[PP_MAX_COMPONENTS] = { 0 };
	int fi = m_index(m, "function"), mi = m_index(m, "module");
	struct resolved_point *rp;

	subst[fi] = func;
	if (mi >= 0 && module)
		subst[mi] = module;
	rp = rp_new(s, &kernel_function_provider, pp, m_text(s, m, subst),
		    TIER_KERNEL);
	rp->target = func;
	rp->module = module;
	rp->is_return = m_has(m, "return");
	rp->number = m_num(m, "maxactive");
	return rp;
}

static void unknown_function(struct session *s, struct btf_index *ix,
			     const struct probe_component *c,
			     const char *func)
{
	const char **names = arena_alloc(&s->arena,
					 (btf_funcs(ix)->n + 1) * sizeof(*names));
	const char *close;
	struct diag *d;

	for (int i = 0; i < btf_funcs(ix)->n; i++)
		names[i] = btf_funcs(ix)->v[i].name;
	close = diag_closest(func, names, btf_funcs(ix)->n);
	d = ix->module ? diag_error(s, c->loc,
				    "module '%s' has no function '%s'",
				    ix->module, func)
		       : diag_error(s, c->loc, "no kernel function '%s'",
				    func);
	if (close)
		diag_hint(d, "did you mean '%s'?", close);
	else
		diag_hint(d, "bstap -l 'kernel.function(\"%.20s*\")' lists similar names",
			  func);
}

/* The functions of one BTF (vmlinux or a module) matching fs. */
static int match_in(struct session *s, const struct probe_point *pp,
		    const struct pp_match *m, struct btf_index *ix,
		    const struct func_spec *fs, struct resolved_point_vec *out)
{
	int found = 0;

	if (!glob_has(fs->func)) {
		if (!btf_find(btf_funcs(ix), fs->func))
			return 0;
		rp_push(s, out, func_point(s, pp, m, ix->module, fs->func));
		return 1;
	}
	for (int i = 0; i < btf_funcs(ix)->n; i++)
		if (glob_match(fs->func, btf_funcs(ix)->v[i].name)) {
			rp_push(s, out, func_point(s, pp, m, ix->module,
						   btf_funcs(ix)->v[i].name));
			found++;
		}
	return found;
}

static void unknown_module(struct session *s, const struct probe_component *c,
			   const char *module)
{
	const char **names;
	int n = btf_module_names(s, &names);
	const char *close = diag_closest(module, names, n);
	struct diag *d = diag_error(s, c->loc,
				    "module '%s' is not loaded, or has no BTF",
				    module);

	if (close)
		diag_hint(d, "did you mean '%s'?", close);
	else
		diag_hint(d, "load it first (modprobe %s); /sys/kernel/btf lists the modules bstap can see",
			  module);
}

/* module("M").function: every module whose name matches. */
static int match_modules(struct session *s, const struct probe_point *pp,
			 const struct pp_match *m, bool quiet,
			 const struct func_spec *fs,
			 struct resolved_point_vec *out)
{
	const struct probe_component *mc = m_comp(m, "module");
	const char *pattern = mc->arg->str, **names;
	int n = btf_module_names(s, &names), found = 0, modules = 0;

	for (int i = 0; i < n; i++) {
		struct btf_index *ix;

		if (!glob_match(pattern, names[i]) ||
		    !(ix = btf_module(s, names[i])))
			continue;
		modules++;
		found += match_in(s, pp, m, ix, fs, out);
		if (!found && !quiet && !glob_has(pattern) &&
		    !glob_has(fs->func)) {
			unknown_function(s, ix, m_comp(m, "function"),
					 fs->func);
			return -1;
		}
	}
	if (!modules && !quiet && !glob_has(pattern)) {
		unknown_module(s, mc, pattern);
		return -1;
	}
	return found;
}

/* ------------------------------------- what the running kernel can do */

enum { ATTACH_UNKNOWN, ATTACH_YES, ATTACH_NO };

/*
 * Loads a do-nothing fentry program for func. EPERM as root means the
 * kernel refuses tracing programs altogether (lockdown, a policy): that
 * holds for every function. Other refusals are this function's own.
 */
static int fentry_works(struct btf_index *ix, const char *func, bool *all)
{
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	const struct btf_name *fn = btf_find(btf_funcs(ix), func);
	LIBBPF_OPTS(bpf_prog_load_opts, o,
		    .expected_attach_type = BPF_TRACE_FENTRY);
	libbpf_print_fn_t old;
	int fd, err;

	*all = false;
	if (!fn || geteuid() != 0)
		return ATTACH_UNKNOWN;	/* only root can tell */
	o.attach_btf_id = fn->id;
	old = libbpf_set_print(NULL);
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "bstap_probe", "GPL", insns,
			   2, &o);
	err = errno;
	libbpf_set_print(old);
	if (fd >= 0) {
		close(fd);
		*all = true;
		return ATTACH_YES;
	}
	*all = err == EPERM || err == EACCES;
	return ATTACH_NO;
}

static int kprobes_exist(void)
{
	return !access("/sys/bus/event_source/devices/kprobe/type", F_OK) ||
	       !access("/sys/kernel/tracing/kprobe_events", F_OK) ||
	       !access("/sys/kernel/debug/tracing/kprobe_events", F_OK) ?
	       ATTACH_YES : ATTACH_NO;
}

/* Why func cannot be attached on the running kernel, or NULL. */
static const char *cannot_attach(struct session *s, struct btf_index *ix,
				 const char *func)
{
	int *cache = btf_attach_cache(s), fentry;
	bool all;

	if (!cache || ix->module || s->listing || !btf_target_is_running(s))
		return NULL;
	if (!cache[1])
		cache[1] = kprobes_exist();
	if (cache[1] == ATTACH_YES)
		return NULL;
	fentry = cache[0];
	if (!fentry) {
		fentry = fentry_works(ix, func, &all);
		if (all)
			cache[0] = fentry;
	}
	if (fentry != ATTACH_NO)
		return NULL;
	return cache[0] == ATTACH_NO ?
	       "the kernel refuses fentry/fexit programs and has no kprobes" :
	       "the kernel refuses an fentry program for it and has no kprobes";
}

/* What to probe instead of func: its system call, else a listing. */
static void suggest_instead(struct session *s, struct btf_index *ix,
			    struct diag *d, const char *func)
{
	static const char *const prefixes[] = {
		"__x64_sys_", "__ia32_sys_", "__arm64_sys_", "__do_sys_",
		"__se_sys_", "ksys_", "do_sys_", "sys_", "vfs_", "do_", NULL
	};

	for (int i = 0; prefixes[i]; i++) {
		size_t n = strlen(prefixes[i]);

		if (strncmp(func, prefixes[i], n) ||
		    !btf_find(&ix->syscalls, func + n))
			continue;
		diag_hint(d, "probe syscall.%s (or kernel.trace(\"syscalls:sys_enter_%s\")) instead, or as an alternative: 'probe kernel.function(\"%s\") !, syscall.%s'",
			  func + n, func + n, func, func + n);
		return;
	}
	(void)s;
	diag_hint(d, "probe a tracepoint instead ('bstap -l \"kernel.trace(\\\"*\\\")\"' lists them), or add one after this point as an alternative with '!,'");
}

/*
 * Points that cannot attach here: left out when the script allows it,
 * else an error (pass 5) or a warning (an object for later).
 */
static int check_attachable(struct session *s, const struct probe_point *pp,
			    const struct probe_component *fc,
			    struct btf_index *ix, struct resolved_point_vec *out,
			    int from)
{
	const char *why = out->n > from ?
			  cannot_attach(s, ix, out->v[from]->target) : NULL;
	const char *text;
	struct diag *d;

	if (!why)
		return out->n - from;
	text = out->v[from]->text;
	if (pp->sufficient || pp->optional) {
		/* a tapset's `!` fallback is its business, not the user's */
		bool own = pp->sufficient && !(pp->loc.file &&
					       pp->loc.file->is_tapset);

		if (own || s->verbose)
			diag_warning(s, pp->loc, "%s cannot be attached on this kernel: %s; %s",
				     text, why, pp->sufficient ?
				     "using the next alternative" :
				     "this optional point is left out");
		out->n = from;
		return 0;
	}
	d = s->last_pass >= 5 ?
	    diag_error(s, fc->loc, "%s cannot be attached on this kernel: %s",
		       text, why) :
	    diag_warning(s, fc->loc, "%s cannot be attached on this kernel: %s",
			 text, why);
	suggest_instead(s, ix, d, out->v[from]->target);
	return s->last_pass >= 5 ? -1 : out->n - from;
}

static int expand_one(struct session *s, const struct probe_point *pp,
		      const struct pp_match *m, bool listing,
		      struct resolved_point_vec *out)
{
	const struct probe_component *fc = m_comp(m, "function");
	bool quiet = listing || pp_is_optional(pp);
	struct btf_index *ix;
	struct func_spec fs;
	int found, from;

	if (refuse_unsupported(s, m))
		return -1;
	if (!arg_nonempty(s, fc, m_what(s, m, "function")) ||
	    (m_has(m, "module") &&
	     !arg_nonempty(s, m_comp(m, "module"), m_what(s, m, "module"))))
		return -1;
	fs = split_spec(s, fc->arg->str);
	if (!check_spec(s, fc, &fs))
		return -1;
	ix = btf_vmlinux(s);
	if (!ix) {
		diag_hint(diag_error(s, fc->loc,
				     "cannot look kernel functions up: %s",
				     btf_error(s)),
			  "bstap needs a kernel built with CONFIG_DEBUG_INFO_BTF");
		return -1;
	}
	if (m_has(m, "module"))
		return match_modules(s, pp, m, quiet, &fs, out);
	from = out->n;
	found = match_in(s, pp, m, ix, &fs, out);
	if (!found && !quiet && !glob_has(fs.func)) {
		unknown_function(s, ix, fc, fs.func);
		return -1;
	}
	if (listing)
		return found;
	return check_attachable(s, pp, fc, ix, out, from);
}

static int kernel_function_expand(struct session *s,
				  const struct probe_point *pp, bool listing,
				  struct resolved_point_vec *out)
{
	struct pp_match m[PP_MAX_MATCHES];
	int n = pp_match(s, &kernel_function_provider, pp, m), from = out->n;

	if (!n)
		return -1;
	for (int i = 0; i < n; i++) {
		/* kernel.function("f").* lists what can work, quietly */
		if (m[i].wild && (m_has(&m[i], "inline") ||
				  m_has(&m[i], "statement")))
			continue;
		if (expand_one(s, pp, &m[i], listing, out) < 0)
			return -1;
	}
	rp_sort(out, from);
	return out->n - from;
}

static void kernel_function_variables(struct session *s,
				      const struct resolved_point *rp,
				      void (*emit)(void *ctx,
						   const struct context_var *v),
				      void *ctx)
{
	struct btf_index *ix = rp->module ? btf_module(s, rp->module)
					  : btf_vmlinux(s);
	const struct btf_name *fn = ix ? btf_find(btf_funcs(ix), rp->target)
				       : NULL;
	const struct btf_type *proto;

	if (!fn || !(proto = btf_proto_of(ix->btf, fn->id)))
		return;
	for (int i = 0; i < btf_vlen(proto); i++) {
		const struct btf_param *p = &btf_params(proto)[i];
		const char *name = rawbtf_str(ix->btf, p->name_off);

		if (!p->type || !name || !*name)
			continue;	/* varargs, or a nameless parameter */
		var_emit(emit, ctx, name,
			 btf_type_text(&s->arena, ix->btf, p->type),
			 btf_script_type(ix->btf, p->type), CTXVAR_ARG, i,
			 btf_type_bytes(ix->btf, p->type));
	}
	if (rp->is_return && proto->type)
		var_emit(emit, ctx, "return",
			 btf_type_text(&s->arena, ix->btf, proto->type),
			 btf_script_type(ix->btf, proto->type), CTXVAR_RETURN,
			 0, btf_type_bytes(ix->btf, proto->type));
}

PROVIDER_WRAPPERS(kernel_function)

const struct provider kernel_function_provider = {
	.name = "kernel.function",
	.spellings = kernel_function_spellings,
	.claims = kernel_function_claims,
	.resolve = kernel_function_resolve,
	.list = kernel_function_list,
	.variables = kernel_function_variables,
	.expand = kernel_function_expand,
};
