// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kprobe.multi probes (bo_format.h BO_PROBE_KPROBE_MULTI): one program for
 * the functions of a kernel wildcard, attached with one link. Each has
 * per-function fallback programs in the object (bo_probe.multi names the
 * probe they back up). Before loading, the runner decides once whether
 * this kernel has kprobe.multi links (5.18 and CONFIG_FPROBE): it attaches
 * a do-nothing program to one function of the set, as bpftrace does. Then
 * either the multi program loads and its fallbacks are not loaded at all
 * (the point: hundreds of programs less to verify), or the multi program
 * is left out and the fallbacks are attached as plain kernel.function
 * probes. $STAPBPF_KPROBE_MULTI=0 always takes the fallbacks, =1 takes the
 * multi program without asking the kernel.
 *
 * Functions of the set that this kernel lacks (an object translated for
 * another kernel) are left out with a warning naming them, rather than
 * fail the whole set; none left is an error.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "runner.h"
#include "symbols.h"

enum { HOST_UNKNOWN, HOST_MULTI, HOST_NO_MULTI };

/* A name of the set and its index (the cookie), sorted for bsearch. */
struct indexed_name {
	const char *name;
	uint32_t index;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct indexed_name *)a)->name,
		      ((const struct indexed_name *)b)->name);
}

/* The probe's function names, split once. */
static int names_of(struct runner *r, struct rprobe *rp)
{
	const char *list = bo_str(&r->meta, rp->meta->target);
	size_t n = 1;
	char *s, *save;

	if (rp->multi_names)
		return 0;
	for (const char *p = list; *p; p++)
		n += *p == ' ';
	rp->multi_buf = strdup(list);
	rp->multi_names = calloc(n, sizeof(*rp->multi_names));
	if (!rp->multi_buf || !rp->multi_names)
		return -ENOMEM;
	rp->n_multi = 0;
	for (s = strtok_r(rp->multi_buf, " ", &save); s;
	     s = strtok_r(NULL, " ", &save))
		rp->multi_names[rp->n_multi++] = s;
	return 0;
}

/*
 * A kernel without kprobe.multi says so whatever the function: the link
 * type unknown (EINVAL, before 5.18), no fprobe (EOPNOTSUPP, ENOTSUPP),
 * tracing not allowed. Other errors are the function's own (not
 * traceable, gone): another one is tried.
 */
static bool says_no_multi(int err)
{
	return err == EINVAL || err == EOPNOTSUPP || err == 524 /* ENOTSUPP */ ||
	       err == EPERM || err == EACCES;
}

/*
 * Does this kernel attach kprobe.multi links? A do-nothing program linked
 * to a function of the set says, with the reason when it does not.
 */
static int host_has_multi(struct rprobe *rp, char *why, size_t whylen)
{
	static const struct bpf_insn ret0[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, po,
		    .expected_attach_type = BPF_TRACE_KPROBE_MULTI);
	const char *env = getenv("STAPBPF_KPROBE_MULTI");
	int prog, link = -1, err = 0;

	if (env && !strcmp(env, "0")) {
		snprintf(why, whylen, "turned off by STAPBPF_KPROBE_MULTI=0");
		return HOST_NO_MULTI;
	}
	if (env && !strcmp(env, "1"))
		return HOST_MULTI;
	prog = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "bstap_multi", "GPL", ret0,
			     2, &po);
	if (prog < 0) {
		snprintf(why, whylen, "the kernel does not load kprobe.multi programs (%s)",
			 strerror(errno));
		return HOST_NO_MULTI;
	}
	for (uint32_t k = 0; k < rp->n_multi && k < 3; k++) {
		LIBBPF_OPTS(bpf_link_create_opts, lo);

		lo.kprobe_multi.syms = &rp->multi_names[k];
		lo.kprobe_multi.cnt = 1;
		link = bpf_link_create(prog, 0, BPF_TRACE_KPROBE_MULTI, &lo);
		err = errno;
		if (link >= 0) {
			close(link);
			break;
		}
		if (says_no_multi(err))
			break;
	}
	close(prog);
	if (link >= 0 || !says_no_multi(err))
		return HOST_MULTI;	/* the attach will name what fails */
	snprintf(why, whylen, "the kernel has no kprobe.multi links (%s)",
		 strerror(err));
	return HOST_NO_MULTI;
}

static int fallbacks(struct runner *r, uint32_t m, bool standby)
{
	int n = 0;

	for (uint32_t k = 0; k < r->meta.n_probes; k++) {
		struct rprobe *f = &r->probes[k];

		if (f->meta->multi != m + 1)
			continue;
		f->standby = standby;
		f->disabled = standby;
		n++;
	}
	return n;
}

int multi_prepare(struct runner *r)
{
	int host = HOST_UNKNOWN;
	char why[200] = "";

	for (uint32_t i = 0; i < r->meta.n_probes; i++) {
		struct rprobe *rp = &r->probes[i];
		int n;

		if (rp->meta->kind != BO_PROBE_KPROBE_MULTI || rp->disabled)
			continue;
		if (names_of(r, rp))
			return -1;
		if (host == HOST_UNKNOWN)
			host = host_has_multi(rp, why, sizeof(why));
		if (host == HOST_MULTI) {
			n = fallbacks(r, i, true);
			if (r->opt.verbose)
				fprintf(stderr, RUNNER_NAME ": probe %s: one "
					"kprobe.multi program for %u functions "
					"(%d per-function programs not loaded)\n",
					multi_label(r, rp->meta), rp->n_multi,
					n);
			continue;
		}
		rp->disabled = true;
		snprintf(rp->why, sizeof(rp->why), "%s", why);
		n = fallbacks(r, i, false);
		if (r->opt.verbose)
			fprintf(stderr, RUNNER_NAME ": probe %s: %s; using %d "
				"per-function programs\n",
				multi_label(r, rp->meta), why, n);
	}
	return 0;
}

bool multi_may_drop(struct runner *r, int i)
{
	return r->probes[i].meta->kind == BO_PROBE_KPROBE_MULTI;
}

void multi_dropped(struct runner *r, int i)
{
	if (r->probes[i].meta->kind == BO_PROBE_KPROBE_MULTI)
		fallbacks(r, (uint32_t)i, false);
}

/*
 * Marks in found[] the names of rp that this kernel can trace: those of
 * available_filter_functions (the functions ftrace, hence kprobe.multi,
 * can attach), else of the kernel's text symbols. -1: neither is readable,
 * the kernel will tell.
 */
static int mark_available(struct rprobe *rp, bool *found)
{
	FILE *f = fopen("/sys/kernel/tracing/available_filter_functions", "re");
	bool kallsyms = false;
	char line[512];
	struct indexed_name *v;

	if (!f)
		f = fopen("/sys/kernel/debug/tracing/available_filter_functions",
			  "re");
	if (!f) {
		f = fopen("/proc/kallsyms", "re");
		kallsyms = true;
	}
	if (!f)
		return -1;
	v = calloc(rp->n_multi, sizeof(*v));
	if (!v) {
		fclose(f);
		return -1;
	}
	for (uint32_t k = 0; k < rp->n_multi; k++)
		v[k] = (struct indexed_name){ rp->multi_names[k], k };
	qsort(v, rp->n_multi, sizeof(*v), by_name);
	while (fgets(line, sizeof(line), f)) {
		struct indexed_name key, *hit;
		char *name = line, *end;

		if (kallsyms) {
			/* "ffffffff81234560 T vfs_read" (modules: " [m]") */
			char *type = strchr(line, ' ');

			if (!type || (type[1] != 't' && type[1] != 'T') ||
			    type[2] != ' ')
				continue;
			name = type + 3;
		}
		end = name + strcspn(name, " \t\n");
		if (*end == ' ' || *end == '\t')
			continue;	/* a module's: kprobe.multi wants vmlinux */
		*end = '\0';
		key.name = name;
		hit = bsearch(&key, v, rp->n_multi, sizeof(*v), by_name);
		if (hit)
			found[hit->index] = true;
	}
	fclose(f);
	free(v);
	return 0;
}

/* "a, b, c and 4 more" */
static void name_missing(struct strbuf *sb, struct rprobe *rp,
			 const bool *found, uint32_t missing)
{
	uint32_t shown = 0;

	for (uint32_t k = 0; k < rp->n_multi && shown < 8; k++) {
		if (found[k])
			continue;
		strbuf_addf(sb, "%s%s", shown ? ", " : "",
			    rp->multi_names[k]);
		shown++;
	}
	if (missing > shown)
		strbuf_addf(sb, " and %u more", missing - shown);
}

int multi_targets(struct runner *r, struct rprobe *rp, const char ***syms,
		  unsigned long long **cookies, size_t *n)
{
	bool *found;
	uint32_t missing = 0;

	*syms = NULL;
	*cookies = NULL;
	*n = 0;
	if (names_of(r, rp))
		return -ENOMEM;
	if (!rp->n_multi)
		return -EINVAL;
	found = calloc(rp->n_multi, sizeof(*found));
	*syms = calloc(rp->n_multi, sizeof(**syms));
	*cookies = calloc(rp->n_multi, sizeof(**cookies));
	if (!found || !*syms || !*cookies) {
		free(found);
		return -ENOMEM;
	}
	if (mark_available(rp, found) < 0)
		memset(found, 1, rp->n_multi * sizeof(*found));
	for (uint32_t k = 0; k < rp->n_multi; k++) {
		if (!found[k]) {
			missing++;
			continue;
		}
		/* the cookie is the name's index in the object's list */
		(*syms)[*n] = rp->multi_names[k];
		(*cookies)[(*n)++] = k;
	}
	if (missing) {
		struct strbuf sb = STRBUF_INIT;

		name_missing(&sb, rp, found, missing);
		if (*n)
			runner_warn(r, "probe %s: %u of its %u functions are "
				    "not on this kernel or cannot be traced, "
				    "left out: %s", multi_label(r, rp->meta),
				    missing, rp->n_multi, sb.data);
		else
			snprintf(rp->why, sizeof(rp->why), "none of its %u "
				 "functions is on this kernel or can be traced "
				 "(%s)", rp->n_multi, sb.data);
		strbuf_release(&sb);
	}
	free(found);
	return *n ? 0 : -ESTALE;
}

const char *multi_label(struct runner *r, const struct bo_probe *p)
{
	return bo_str(&r->meta, p->kind == BO_PROBE_KPROBE_MULTI ?
			      p->written : p->point);
}

/*
 * A BO_SYM_MULTI_* token's body ("probe;0xcookie"): the point of the
 * function that fired, as its own program's pp() would be, or its name.
 */
bool multi_expand(struct runner *r, struct strbuf *out, char kind,
		  const char *body)
{
	char *e;
	unsigned long probe = strtoul(body, &e, 10);
	unsigned long long cookie;
	const char *point, *at, *name;
	struct rprobe *rp;
	size_t len;

	if (e == body || *e != ';' || probe >= r->meta.n_probes)
		return false;
	rp = &r->probes[probe];
	cookie = strtoull(e + 1, &e, 16);
	if (rp->meta->kind != BO_PROBE_KPROBE_MULTI || names_of(r, rp) ||
	    cookie >= rp->n_multi)
		return false;
	name = rp->multi_names[cookie];
	if (kind == BO_SYM_MULTI_FUNC) {
		strbuf_addstr(out, name);
		return true;
	}
	/* the first function's point, with this function's name */
	point = bo_str(&r->meta, rp->meta->point);
	at = strstr(point, "function(\"");
	if (!at)
		return false;
	at += 10;
	len = strcspn(at, "\"@");
	strbuf_add(out, point, (size_t)(at - point));
	strbuf_addstr(out, name);
	strbuf_addstr(out, at + len);
	return true;
}

void multi_release(struct runner *r)
{
	for (uint32_t i = 0; r->probes && i < r->meta.n_probes; i++) {
		free(r->probes[i].multi_buf);
		free(r->probes[i].multi_names);
		r->probes[i].multi_buf = NULL;
		r->probes[i].multi_names = NULL;
	}
}
