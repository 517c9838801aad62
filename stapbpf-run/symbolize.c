// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stap's text for addresses: print_backtrace() records, and the symbol
 * tokens (bo_format.h) that symname(), sprint_ubacktrace() and the rest
 * leave in strings, expanded wherever the runner prints a string.
 *
 * The forms follow stap's runtime (_stp_snprint_addr):
 *   print_backtrace line   " 0x%016llx : name+0xoff/0xsize [module]\n"
 *   sprint_backtrace line  "name+0xoff [module]\n"
 *   symdata                "name+0xoff/0xsize [module]"
 *   symname                "name"
 * an address without a symbol but in a known module prints as
 * "0x%016llx [module+0xoff]", one in nothing known as "0x%016llx".
 *
 * C++ names are demangled with __cxa_demangle from libstdc++.so.6, opened
 * with dlopen() the first time a mangled name is printed: no build or
 * link dependency, and no cost for C programs. Without libstdc++ the
 * mangled name is printed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "pretty.h"
#include "runner.h"
#include "symbols.h"

typedef char *(*demangle_fn)(const char *name, char *buf, size_t *len,
			     int *status);

struct symbolizer {
	struct ksyms *kernel;
	bool kernel_tried;
	struct rawbtf kbtf;	/* value tokens: the kernel's BTF, mapped */
	bool kbtf_tried, kbtf_ok;
	struct pretty_printer *pretty;	/* ... and its type names */
	struct usyms *user;
	void *cxx;
	demangle_fn demangle;
	bool cxx_tried;
	uint64_t unnamed_user;	/* frames of processes gone unseen */
};

enum {
	F_OFFSET = 1,		/* +0xoff */
	F_SIZE = 2,		/* /0xsize */
	F_MODULE = 4,		/* [module] */
	F_HEX = 8,		/* "0x... : " in front */
	F_LINE = 16,		/* " " in front, "\n" behind */
	F_EMPTY = 32,		/* "" instead of the address when unknown */
};

static struct symbolizer *sym(struct runner *r)
{
	if (!r->sym)
		r->sym = calloc(1, sizeof(*r->sym));
	return r->sym;
}

void symbolizer_free(struct symbolizer *s)
{
	if (!s)
		return;
	ksyms_free(s->kernel);
	usyms_free(s->user);
	pretty_free(s->pretty);
	if (s->kbtf_ok)
		rawbtf_release(&s->kbtf);
	if (s->cxx)
		dlclose(s->cxx);
	free(s);
}

/*
 * The user symbol tables, created on first use with the files a
 * build-id may name: the probed binaries and the runner's own libraries
 * (the C library and loader every process maps).
 */
static struct usyms *user_syms(struct runner *r)
{
	struct symbolizer *s = sym(r);
	char line[4096 + 128];
	FILE *f;

	if (!s || s->user)
		return s ? s->user : NULL;
	s->user = usyms_new();
	if (!s->user)
		return NULL;
	for (uint32_t i = 0; i < r->meta.n_probes; i++)
		if (r->meta.probes[i].kind == BO_PROBE_UPROBE ||
		    r->meta.probes[i].kind == BO_PROBE_USDT)
			usyms_add_candidate(s->user,
					    bo_str(&r->meta,
						   r->meta.probes[i].path));
	f = fopen("/proc/self/maps", "re");
	while (f && fgets(line, sizeof(line), f)) {
		char *path = strchr(line, '/');

		if (path && strstr(line, " r-xp ")) {
			path[strcspn(path, "\n")] = '\0';
			usyms_add_candidate(s->user, path);
		}
	}
	if (f)
		fclose(f);
	return s->user;
}

static bool lookup(struct runner *r, bool user, pid_t pid, uint64_t addr,
		   struct sym_info *si)
{
	struct symbolizer *s = sym(r);

	memset(si, 0, sizeof(*si));
	if (!s)
		return false;
	if (!user) {
		if (!s->kernel_tried) {
			s->kernel_tried = true;
			s->kernel = ksyms_load(NULL);
			if (!s->kernel)
				runner_warn(r, "cannot read kernel symbols "
					    "(/proc/kallsyms): kernel "
					    "addresses print in hex");
		}
		return ksyms_lookup(s->kernel, addr, si);
	}
	if (!user_syms(r))
		return false;
	if (pid <= 0)
		pid = r->opt.target > 0 ? r->opt.target :
		      r->child > 0 ? r->child : usyms_last_pid(s->user);
	if (usyms_lookup(s->user, pid, addr, si))
		return true;
	if (usyms_note_pid(s->user, pid))
		s->unnamed_user++;
	return false;
}

static void add_name(struct runner *r, struct strbuf *sb, const char *name)
{
	struct symbolizer *s = sym(r);
	char *d;
	int status = -1;

	if (name[0] == '_' && name[1] == 'Z' && s && !s->cxx_tried) {
		s->cxx_tried = true;
		s->cxx = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL);
		if (s->cxx)
			s->demangle = (demangle_fn)dlsym(s->cxx,
							 "__cxa_demangle");
	}
	if (name[0] == '_' && name[1] == 'Z' && s && s->demangle) {
		d = s->demangle(name, NULL, NULL, &status);
		if (d && !status) {
			strbuf_addstr(sb, d);
			free(d);
			return;
		}
		free(d);
	}
	strbuf_addstr(sb, name);
}

/* One address in the form flags ask for. */
static void add_addr(struct runner *r, struct strbuf *sb, bool user,
		     pid_t pid, uint64_t addr, int flags)
{
	struct sym_info si;
	bool known = addr && lookup(r, user, pid, addr, &si);

	if (flags & F_LINE)
		strbuf_addch(sb, ' ');
	if (known && si.name) {
		if (flags & F_HEX)
			strbuf_addf(sb, "0x%016" PRIx64 " : ", addr);
		add_name(r, sb, si.name);
		if (flags & F_OFFSET)
			strbuf_addf(sb, "+0x%" PRIx64, si.offset);
		if (flags & F_SIZE)
			strbuf_addf(sb, "/0x%" PRIx64, si.size);
		if (flags & F_MODULE)
			strbuf_addf(sb, " [%s]", si.module);
	} else if (flags & F_EMPTY) {
		/* probefunc(): "" */
	} else if (known && si.module && (flags & F_MODULE)) {
		strbuf_addf(sb, "0x%016" PRIx64 " [%s+0x%" PRIx64 "]", addr,
			    si.module, si.module_offset);
	} else {
		strbuf_addf(sb, "0x%016" PRIx64, addr);
	}
	if (flags & F_LINE)
		strbuf_addch(sb, '\n');
}

/*
 * The frames a kernel stack taken in BPF starts with that are the
 * tracing machinery, not the traced code: the BPF program itself (named
 * bpf_prog_TAG_NAME in the [bpf] module, or no name at all for a
 * subprogram the kernel does not list, in the module area) and the glue
 * that runs it: bpf_trace_runN and __bpf_trace_EVENT for raw and BTF
 * tracepoints, perf_trace_EVENT and perf_syscall_enter/exit for classic
 * ones, trace_call_bpf for kprobes, the dispatcher and trampolines. stap
 * starts at the probed place; so do the printed forms here (the hex of
 * backtrace() and callers(), built in BPF, keep every frame).
 */
#define KERNEL_MODULE_AREA 0xffffffffa0000000ull

static bool glue_frame(struct runner *r, uint64_t addr)
{
	static const char *const prefixes[] = {
		"bpf_prog_", "bpf_trace_run", "__bpf_trace_", "perf_trace_",
		"perf_syscall_", "trace_call_bpf", "__bpf_prog_run",
		"bpf_dispatcher_", "bpf_trampoline_", "__traceiter_",
		"kprobe_perf_func", "kretprobe_perf_func", NULL,
	};
	struct sym_info si;

	if (!lookup(r, false, 0, addr, &si) || !si.name)
		return addr >= KERNEL_MODULE_AREA;
	if (si.module && !strcmp(si.module, "bpf"))
		return true;
	for (int i = 0; prefixes[i]; i++)
		if (!strncmp(si.name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

int symbolize_stack_record(struct runner *r, uint32_t kind, uint32_t flags,
			   const uint8_t *p, const uint8_t *end)
{
	uint32_t pid, n, nb;
	struct strbuf sb = STRBUF_INIT;
	bool user = flags & BO_STACK_USER;
	struct usyms *u = user ? user_syms(r) : NULL;
	size_t need = user ? BO_STACK_BUILD_IDS +
		      BO_MAXBACKTRACE * sizeof(struct bo_stack_build_id) :
		      BO_STACK_BUILD_IDS;

	if ((size_t)(end - p) < need)
		return -1;
	memcpy(&pid, p, 4);
	memcpy(&n, p + 4, 4);
	memcpy(&nb, p + 8, 4);
	if (n > BO_MAXBACKTRACE || nb > BO_MAXBACKTRACE)
		return -1;
	if (u && n) {
		usyms_note_pid(u, (pid_t)pid);	/* while it lives */
		for (uint32_t i = 0; i < n && i < nb; i++) {
			struct bo_stack_build_id b;
			uint64_t ip;

			memcpy(&b, p + BO_STACK_BUILD_IDS + i * sizeof(b),
			       sizeof(b));
			memcpy(&ip, p + 16 + 8 * i, 8);
			if (b.status == 1)
				usyms_learn(u, (pid_t)pid, ip, b.build_id,
					    b.offset);
		}
	}
	if (kind != BO_REC_STACK)
		return 0;
	for (uint32_t i = 0, top = !user; i < n; i++) {
		uint64_t a;

		memcpy(&a, p + 16 + 8 * i, 8);
		if (top && glue_frame(r, a))
			continue;
		top = false;
		add_addr(r, &sb, user, (pid_t)pid, a,
			 F_LINE | F_HEX | F_OFFSET | F_SIZE | F_MODULE);
	}
	output_text(r, sb.data, sb.len);
	strbuf_release(&sb);
	return 0;
}

/* The form of each token kind; false for a kind this runner lacks. */
static bool kind_form(char kind, bool *user, bool *list, int *flags)
{
	*user = kind >= 'A' && kind <= 'Z';
	*list = false;
	switch (kind) {
	case BO_SYM_NAME:
	case BO_SYM_USER_NAME:
		*flags = 0;
		return true;
	case BO_SYM_DATA:
	case BO_SYM_USER_DATA:
		*flags = F_OFFSET | F_SIZE | F_MODULE;
		return true;
	case BO_SYM_STACK:
	case BO_SYM_USER_STACK:
		*list = true;
		*flags = F_OFFSET | F_MODULE;
		return true;
	case BO_SYM_LINES:
	case BO_SYM_USER_LINES:
		*list = true;
		*flags = F_LINE | F_HEX | F_OFFSET | F_SIZE | F_MODULE;
		return true;
	case BO_SYM_FUNC:
		*flags = F_EMPTY;
		return true;
	default:
		return false;
	}
}

/* The addresses of a token body ("0x... 0x..."), named as flags say. */
static void expand_addresses(struct runner *r, struct strbuf *out,
			     const char *p, bool user, pid_t pid, bool list,
			     int flags)
{
	char *e;
	bool top = list && !user;

	for (bool first = true;; first = false) {
		uint64_t a;

		while (*p == ' ')
			p++;
		a = strtoull(p, &e, 16);
		if (e == p || (!first && !list))
			return;
		p = e;
		if (top && glue_frame(r, a))
			continue;
		top = false;
		add_addr(r, out, user, pid, a, flags);
		if (list && !(flags & F_LINE))
			strbuf_addch(out, '\n');
	}
}

/*
 * The printer of value tokens, on the running kernel's BTF (mapped on
 * first use); NULL without memory.
 */
static struct pretty_printer *pretty(struct runner *r)
{
	struct symbolizer *s = sym(r);

	if (!s)
		return NULL;
	if (!s->kbtf_tried) {
		s->kbtf_tried = true;
		s->kbtf_ok = rawbtf_open_vmlinux(&s->kbtf) == 0;
		s->pretty = pretty_new(s->kbtf_ok ? &s->kbtf : NULL);
	}
	return s->pretty;
}

/*
 * One token, s pointing past its opening mark (len bytes left): its text
 * added to out; returns the bytes it took (through the closing mark, or
 * to the end when the string was cut), or 0 when s is no token (a mark
 * byte in the script's own data stays as it is).
 */
static size_t expand_token(struct runner *r, struct strbuf *out,
			   const char *s, size_t len)
{
	const char *end = memchr(s, BO_SYM_MARK, len);
	size_t n = end ? (size_t)(end - s) + 1 : len;
	bool user, list;
	int flags;
	char *body, *e;
	long pid;

	if (len >= 3 && s[0] == BO_SYM_PRETTY) {
		/* its strings may hold a mark: walk it to its end */
		size_t blen = pretty_token_len(s + 1, len - 1);

		n = 1 + blen + (1 + blen < len && s[1 + blen] == BO_SYM_MARK);
		return pretty_expand(pretty(r), out, s + 1, blen) ? n : 0;
	}
	if (n >= 3 && (s[0] == BO_SYM_MULTI_POINT ||
		       s[0] == BO_SYM_MULTI_FUNC)) {
		bool ok;

		body = strndup(s + 1, end ? n - 2 : n - 1);
		ok = body && multi_expand(r, out, s[0], body);
		free(body);
		return ok ? n : 0;
	}
	if (n < 3 || !kind_form(s[0], &user, &list, &flags))
		return 0;
	body = strndup(s + 1, end ? n - 2 : n - 1);	/* NUL-terminated */
	if (!body)
		return 0;
	pid = strtol(body, &e, 10);
	if (e == body || *e != ';' || pid < 0) {
		free(body);
		return 0;
	}
	expand_addresses(r, out, e + 1, user, (pid_t)pid, list, flags);
	free(body);
	return n;
}

bool symbolize_expand(struct runner *r, struct strbuf *out, const char *s,
		      size_t len, size_t maxlen)
{
	const char *m = memchr(s, BO_SYM_MARK, len);

	if (!m)
		return false;
	/* print_stack() prints its lines whole: they are no string value */
	if (m == s && len > 1 &&
	    (s[1] == BO_SYM_LINES || s[1] == BO_SYM_USER_LINES))
		maxlen = 0;
	strbuf_reset(out);
	while (m) {
		strbuf_add(out, s, (size_t)(m - s));
		len -= (size_t)(m - s) + 1;
		s = m + 1;
		{
			size_t used = expand_token(r, out, s, len);

			if (!used)
				strbuf_addch(out, BO_SYM_MARK);
			s += used;
			len -= used;
		}
		m = memchr(s, BO_SYM_MARK, len);
	}
	strbuf_add(out, s, len);
	if (maxlen && out->len > maxlen) {
		out->len = maxlen;
		out->data[maxlen] = '\0';
	}
	return true;
}

void symbolize_report(struct runner *r)
{
	struct symbolizer *s = r->sym;

	if (!s)
		return;
	if (s->unnamed_user)
		runner_warn(r, "%" PRIu64 " user addresses could not be "
			    "named: their process was gone before the "
			    "runner could read its mappings",
			    s->unnamed_user);
}
