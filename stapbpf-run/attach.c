// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Attaching kernel-tier probes, by kind. Alternatives (probes sharing a
 * group) are tried in table order until one attaches; optional probes (`?`)
 * may fail. Anything else that fails to attach ends the run before it
 * starts, and what did attach is detached again. A program that runs the
 * handlers of several probes (BO_P_DISPATCHED) is attached once.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "build_id.h"
#include "runner.h"

static int add_link(struct rprobe *rp, struct bpf_link *l)
{
	struct bpf_link **n = realloc(rp->links,
				      (rp->n_links + 1) * sizeof(*n));

	if (!n) {
		bpf_link__destroy(l);
		return -ENOMEM;
	}
	rp->links = n;
	rp->links[rp->n_links++] = l;
	return 0;
}

static int link_or_err(struct rprobe *rp, struct bpf_link *l)
{
	int err = (int)libbpf_get_error(l);

	if (!l)
		return errno ? -errno : -EINVAL;
	if (err)
		return err;
	return add_link(rp, l);
}

static int attach_tracepoint(struct rprobe *rp, const char *target)
{
	const char *colon = strchr(target, ':');
	char sys[128];

	if (!colon || (size_t)(colon - target) >= sizeof(sys))
		return link_or_err(rp, bpf_program__attach(rp->prog));
	memcpy(sys, target, colon - target);
	sys[colon - target] = '\0';
	return link_or_err(rp, bpf_program__attach_tracepoint(rp->prog, sys,
							      colon + 1));
}

/* CPUs in /sys/devices/system/cpu/online ("0-3,5"), as a list. */
static int online_cpus(int **cpus)
{
	FILE *f = fopen("/sys/devices/system/cpu/online", "re");
	int n = 0, a, b, cap = 0;
	char sep;

	*cpus = NULL;
	if (!f)
		return -errno;
	while (fscanf(f, "%d", &a) == 1) {
		b = a;
		sep = (char)fgetc(f);
		if (sep == '-') {
			if (fscanf(f, "%d", &b) != 1)
				break;
			sep = (char)fgetc(f);
		}
		for (int c = a; c <= b; c++) {
			if (n == cap) {
				int *nc;

				cap = cap ? 2 * cap : 16;
				nc = realloc(*cpus, cap * sizeof(int));
				if (!nc)
					break;
				*cpus = nc;
			}
			(*cpus)[n++] = c;
		}
		if (sep != ',')
			break;
	}
	fclose(f);
	return n;
}

static int attach_perf(struct runner *r, struct rprobe *rp)
{
	const struct bo_probe *p = rp->meta;
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.type = (uint32_t)p->perf_type,
		.config = p->perf_config,
		.sample_period = p->perf_period,
		.freq = p->perf_freq ? 1 : 0,
	};
	int *cpus, n = online_cpus(&cpus), err = 0;

	(void)r;
	if (n <= 0)
		return n ? n : -ENODEV;
	for (int i = 0; i < n && !err; i++) {
		int fd = (int)syscall(SYS_perf_event_open, &attr, -1, cpus[i],
				      -1, PERF_FLAG_FD_CLOEXEC);

		if (fd < 0) {
			err = -errno;
			break;
		}
		/* the link owns the event fd from here on */
		err = link_or_err(rp, bpf_program__attach_perf_event(rp->prog,
								      fd));
		if (err)
			close(fd);
	}
	free(cpus);
	return err;
}

/*
 * Offsets in the object are for the binary as it was translated: refuse
 * one rebuilt since (another build-id), naming it, rather than patch a
 * breakpoint into the middle of some other instruction.
 */
static bool refuse_rebuilt(struct runner *r, struct rprobe *rp,
			   const char *path)
{
	const char *want = bo_str(&r->meta, rp->meta->build_id);
	char have[BUILD_ID_HEX_MAX];

	if (!want || !*want || build_id_of_file(path, have) < 0 ||
	    !strcmp(have, want))
		return false;
	snprintf(rp->why, sizeof(rp->why),
		 "%s has build-id %s, but the object was translated for build-id %s: translate the script again",
		 path, *have ? have : "(none)", want);
	return true;
}

static int attach_uprobe(struct runner *r, struct rprobe *rp,
			 const char *path, bool usdt)
{
	const struct bo_probe *p = rp->meta;
	LIBBPF_OPTS(bpf_uprobe_opts, uo,
		    .retprobe = (p->flags & BO_P_RETURN) != 0,
		    .ref_ctr_offset = usdt ? p->semaphore : 0);

	if (!*path)
		return -EINVAL;
	if (refuse_rebuilt(r, rp, path))
		return -ESTALE;
	return link_or_err(rp, bpf_program__attach_uprobe_opts(
				   rp->prog, -1, path, p->offset, &uo));
}

static int attach_multi(struct runner *r, struct rprobe *rp)
{
	const struct bo_probe *p = rp->meta;
	const char **syms;
	unsigned long long *cookies;
	size_t n;
	int err = multi_targets(r, rp, &syms, &cookies, &n);
	LIBBPF_OPTS(bpf_kprobe_multi_opts, o, .syms = syms,
		    .cookies = cookies, .cnt = n,
		    .retprobe = (p->flags & BO_P_RETURN) != 0);

	if (!err)
		err = link_or_err(rp, bpf_program__attach_kprobe_multi_opts(
					  rp->prog, NULL, &o));
	free(syms);
	free(cookies);
	return err;
}

static int attach_one(struct runner *r, struct rprobe *rp)
{
	const struct bo_probe *p = rp->meta;
	const char *target = bo_str(&r->meta, p->target);
	const char *path = bo_str(&r->meta, p->path);

	switch (p->kind) {
	case BO_PROBE_TRACEPOINT:
	case BO_PROBE_PROCESS_BEGIN:
	case BO_PROBE_PROCESS_END:
		return attach_tracepoint(rp, target);
	case BO_PROBE_RAW_TRACEPOINT:
		if (!*target)
			return link_or_err(rp, bpf_program__attach(rp->prog));
		return link_or_err(rp, bpf_program__attach_raw_tracepoint(
					   rp->prog, target));
	case BO_PROBE_TP_BTF:
	case BO_PROBE_FENTRY:
		return link_or_err(rp, bpf_program__attach_trace(rp->prog));
	case BO_PROBE_PERF:
		return attach_perf(r, rp);
	case BO_PROBE_KPROBE:
		return link_or_err(rp, bpf_program__attach_kprobe(
					   rp->prog, p->flags & BO_P_RETURN,
					   target));
	case BO_PROBE_KPROBE_MULTI:
		return attach_multi(r, rp);
	case BO_PROBE_UPROBE:
		return attach_uprobe(r, rp, path, false);
	case BO_PROBE_USDT:
		return attach_uprobe(r, rp, path, true);
	default:
		return -EINVAL;
	}
}

static void explain(struct rprobe *rp, int err)
{
	const struct bo_probe *p = rp->meta;
	const char *hint = NULL;

	if (err == -ESTALE)
		return;	/* refuse_rebuilt() or multi_targets() said why */
	if (p->kind == BO_PROBE_KPROBE_MULTI &&
	    (err == -EOPNOTSUPP || err == -EINVAL))
		hint = "kprobe.multi is not available on this kernel";
	else if (p->kind == BO_PROBE_KPROBE_MULTI &&
		 (err == -ENOENT || err == -ESRCH))
		hint = "a function of the set cannot be traced on this kernel";
	else if (p->kind == BO_PROBE_KPROBE)
		hint = "kprobes are not available on this kernel";
	else if (p->kind == BO_PROBE_FENTRY)
		hint = "fentry/fexit are not available on this kernel";
	else if (p->kind == BO_PROBE_PERF && p->perf_type ==
		 PERF_TYPE_HARDWARE && (err == -ENOENT || err == -EOPNOTSUPP))
		hint = "this machine has no such hardware event";
	else if (err == -EPERM || err == -EACCES)
		hint = "permission denied (run as root)";
	if (hint)
		snprintf(rp->why, sizeof(rp->why), "%s (%s)", hint,
			 strerror(-err));
	else
		snprintf(rp->why, sizeof(rp->why), "%s", strerror(-err));
}

static void detach_probe(struct rprobe *rp);

/*
 * A dispatched probe (BO_P_DISPATCHED) whose program an earlier probe
 * already tried to attach shares the outcome; NULL for the first.
 */
static struct rprobe *dispatch_owner(struct runner *r, struct rprobe *rp)
{
	if (!(rp->meta->flags & BO_P_DISPATCHED))
		return NULL;
	for (struct rprobe *o = r->probes; o < rp; o++)
		if (o->prog == rp->prog && (o->meta->flags & BO_P_DISPATCHED))
			return o;
	return NULL;
}

static int dispatched_probes(struct runner *r, const struct rprobe *rp)
{
	int n = 0;

	for (uint32_t i = 0; i < r->meta.n_probes; i++)
		n += r->probes[i].prog == rp->prog &&
		     (r->probes[i].meta->flags & BO_P_DISPATCHED);
	return n;
}

static int try_attach(struct runner *r, struct rprobe *rp)
{
	struct rprobe *owner = dispatch_owner(r, rp);
	int err;

	if (rp->disabled)
		return -1;
	if (owner) {
		rp->attached = owner->attached;
		if (!owner->attached)
			snprintf(rp->why, sizeof(rp->why), "%s", owner->why);
		return owner->attached ? 0 : -1;
	}
	err = attach_one(r, rp);
	if (err) {
		explain(rp, err);
		detach_probe(rp);
		if (r->opt.verbose)
			fprintf(stderr, RUNNER_NAME ": probe %s: cannot attach: "
				"%s\n", multi_label(r, rp->meta), rp->why);
		return -1;
	}
	rp->attached = true;
	if (r->opt.verbose && (rp->meta->flags & BO_P_DISPATCHED))
		fprintf(stderr, RUNNER_NAME ": program %s: attached (%s, %d "
			"link%s), runs %d probes by syscall number\n",
			bpf_program__name(rp->prog),
			bo_probe_kind_name(rp->meta->kind), rp->n_links,
			rp->n_links == 1 ? "" : "s", dispatched_probes(r, rp));
	else if (r->opt.verbose)
		fprintf(stderr, RUNNER_NAME ": probe %s: attached (%s, %d "
			"link%s)\n", multi_label(r, rp->meta),
			bo_probe_kind_name(rp->meta->kind), rp->n_links,
			rp->n_links == 1 ? "" : "s");
	return 0;
}

/* Reported in the summary; only failures that end the run are counted. */
static void report_failure(struct runner *r, struct rprobe *rp)
{
	rp->fatal = true;
	r->n_attach_failed++;
}

/*
 * A group's member attached in place of another probe point (`a !, b` in
 * an object for another kernel): said always, since the script then sees
 * other events than its first choice. Another mechanism for the same
 * point (kprobe for fentry) is said with -v only, by try_attach.
 */
static void report_fallback(struct runner *r, uint32_t first, uint32_t won)
{
	const char *want = bo_str(&r->meta, r->meta.probes[first].point);
	const char *got = bo_str(&r->meta, r->meta.probes[won].point);
	uint32_t g = r->meta.probes[first].group;
	const char *sep = "";

	if (!strcmp(want, got))
		return;
	fprintf(stderr, RUNNER_NAME ": probe %s not attached (", want);
	for (uint32_t i = first; i < won; i++) {
		if (r->meta.probes[i].group != g ||
		    strcmp(bo_str(&r->meta, r->meta.probes[i].point), want) ||
		    !r->probes[i].why[0])
			continue;
		fprintf(stderr, "%s%s", sep, r->probes[i].why);
		sep = "; ";
	}
	fprintf(stderr, "%s); using the alternative %s\n",
		*sep ? "" : "refused", got);
}

/* One group: the first member that attaches wins. */
static int attach_group(struct runner *r, uint32_t first, bool *done)
{
	uint32_t g = r->meta.probes[first].group;
	bool optional = true;

	for (uint32_t i = first; i < r->meta.n_probes; i++) {
		if (r->meta.probes[i].group != g)
			continue;
		done[i] = true;
		if (!(r->meta.probes[i].flags & BO_P_OPTIONAL))
			optional = false;
	}
	for (uint32_t i = first; i < r->meta.n_probes; i++)
		if (r->meta.probes[i].group == g &&
		    !try_attach(r, &r->probes[i])) {
			report_fallback(r, first, i);
			return 0;
		}
	if (optional)
		return 0;
	for (uint32_t i = first; i < r->meta.n_probes; i++)
		if (r->meta.probes[i].group == g)
			report_failure(r, &r->probes[i]);
	return -1;
}

int attach_all(struct runner *r)
{
	bool *done = calloc(r->meta.n_probes + 1, sizeof(bool));
	int rc = 0;

	if (!done)
		return -1;
	for (uint32_t i = 0; i < r->meta.n_probes && !rc && !r->exiting; i++) {
		struct rprobe *rp = &r->probes[i];

		if (done[i] || rp->meta->tier != BO_TIER_KERNEL)
			continue;
		/* kprobe.multi: either it or its fallbacks are loaded */
		if (rp->standby || (rp->disabled &&
				    rp->meta->kind == BO_PROBE_KPROBE_MULTI)) {
			done[i] = true;
			continue;
		}
		if (rp->meta->group) {
			rc = attach_group(r, i, done);
			continue;
		}
		done[i] = true;
		if (try_attach(r, rp) && !(rp->meta->flags & BO_P_OPTIONAL)) {
			report_failure(r, rp);
			rc = -1;
		}
	}
	free(done);
	return rc;
}

static void detach_probe(struct rprobe *rp)
{
	for (int i = rp->n_links - 1; i >= 0; i--)
		bpf_link__destroy(rp->links[i]);
	free(rp->links);
	rp->links = NULL;
	rp->n_links = 0;
	rp->attached = false;
}

static void *destroy_link(void *l)
{
	bpf_link__destroy(l);
	return NULL;
}

/*
 * Detaching a classic tracepoint or a uprobe waits for an RCU grace period
 * (60-110 ms here): detach links in parallel so that the wait is paid once.
 */
void detach_all(struct runner *r)
{
	pthread_attr_t attr;
	pthread_t *th;
	int n = 0, k = 0;

	for (uint32_t i = 0; r->probes && i < r->meta.n_probes; i++)
		n += r->probes[i].n_links;
	if (!n)
		return;
	th = calloc(n, sizeof(*th));
	/* the threads only wait in the kernel: small stacks */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 << 10);
	for (uint32_t i = 0; i < r->meta.n_probes; i++) {
		struct rprobe *rp = &r->probes[i];

		for (int j = 0; j < rp->n_links; j++) {
			if (n > 1 && th && !pthread_create(&th[k], &attr,
							destroy_link,
							rp->links[j]))
				k++;
			else
				bpf_link__destroy(rp->links[j]);
		}
		free(rp->links);
		rp->links = NULL;
		rp->n_links = 0;
		rp->attached = false;
	}
	for (int i = 0; i < k; i++)
		pthread_join(th[i], NULL);
	pthread_attr_destroy(&attr);
	free(th);
}
