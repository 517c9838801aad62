/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel BTF, loaded once per session and indexed for the providers.
 *
 * vmlinux BTF has ~150k types; providers look names up by the thousand
 * (wildcards, -l, did-you-mean), so one linear scan at load time sorts the
 * names they need: functions, tracepoints (btf_trace_NAME typedefs), the
 * tracepoint class helpers (__bpf_trace_CLASS, trace_event_raw_CLASS) and
 * the syscall entry points. Module BTF (/sys/kernel/btf/MODULE) is split
 * BTF on top of vmlinux and loaded the first time a module is named.
 *
 * Names point into the BTF string section and live as long as the session.
 */
#ifndef BSTAP_BTF_INDEX_H
#define BSTAP_BTF_INDEX_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "ast.h"
#include "rawbtf.h"

struct arena;
struct rawbtf;
struct session;

struct btf_name {
	const char *name;	/* without the prefix it was found under */
	uint32_t id;		/* the BTF type id of the FUNC, TYPEDEF... */
};

struct btf_name_vec {
	struct btf_name *v;
	int n;
};

struct btf_index {
	struct rawbtf *btf;
	const char *module;		/* NULL: vmlinux */
	struct btf_name_vec funcs_;	/* FUNC: use btf_funcs(), sorted lazily */
	bool funcs_sorted_;
	struct btf_name_vec tracepoints;/* TYPEDEF btf_trace_NAME */
	struct btf_name_vec tp_funcs;	/* FUNC __bpf_trace_CLASS */
	struct btf_name_vec tp_structs;	/* STRUCT trace_event_raw_CLASS */
	struct btf_name_vec syscalls;	/* FUNC <arch prefix>sys_NAME */
	struct btf_name_vec do_syscalls;/* FUNC __do_sys_NAME */
};

/*
 * The target's vmlinux BTF: --btf FILE, else the running kernel's; NULL
 * when there is none (the caller reports; btf_error() says why).
 */
struct btf_index *btf_vmlinux(struct session *s);

/*
 * "crc32:XXXXXXXX" of the target's raw vmlinux BTF (what the object
 * records), "" without BTF.
 */
const char *btf_checksum(struct session *s);

/*
 * Whether the target is the running kernel: no --btf, and no -r naming
 * another release. Probe alternatives are decided at translate time only
 * then.
 */
bool btf_target_is_running(struct session *s);

/*
 * Two ints of the session for providers/kernel_function.c: what the
 * running kernel attaches kernel functions with, probed once (0: not yet).
 */
int *btf_attach_cache(struct session *s);

/* A loaded module's BTF, or NULL when the module has none. */
struct btf_index *btf_module(struct session *s, const char *module);

/* Names of the modules with BTF, sorted; the count. */
int btf_module_names(struct session *s, const char ***names);

/* Why the last load failed, for messages. */
const char *btf_error(struct session *s);

/* Binary search in a sorted name vector. */
/*
 * Every FUNC, sorted by name, unique. Sorting ~60k names costs a few ms, and
 * only kernel.function needs them: it is done on the first call.
 */
const struct btf_name_vec *btf_funcs(struct btf_index *ix);

const struct btf_name *btf_find(const struct btf_name_vec *v,
				const char *name);

/* A type as C text, stap style: "struct file*", "char[16]", "pid_t". */
char *btf_type_text(struct arena *a, const struct rawbtf *btf, uint32_t id);

/* How a script sees a value of that type. */
enum type_kind btf_script_type(const struct rawbtf *btf, uint32_t id);

/* Size in bytes of a type, 0 when it has none (void, functions). */
int btf_type_bytes(const struct rawbtf *btf, uint32_t id);

/*
 * The FUNC_PROTO a FUNC or a btf_trace_ typedef (pointer to a prototype)
 * stands for, or NULL.
 */
const struct btf_type *btf_proto_of(const struct rawbtf *btf, uint32_t id);

/* An enumerator of a kernel enum, as a script constant. */
struct btf_enumerator {
	uint32_t enum_id;	/* its ENUM or ENUM64 */
	int64_t value;		/* in the BTF read */
	bool named;		/* the enum has a name (CO-RE can relocate) */
};

/*
 * Looks up enumerator `name` in every enum of btf. Returns how many
 * different values it has (0: none); found[] holds the first two, an
 * enum with a name preferred among those with the same value.
 */
int btf_find_enumerator(const struct rawbtf *btf, const char *name,
			struct btf_enumerator found[2]);

/*
 * Whether @cast's third argument names the kernel: absent, "kernel", or
 * stap's "kernel<linux/sched.h>", whose header was for stap's compiler;
 * here the type comes from the kernel's BTF all the same.
 */
static inline bool cast_module_is_kernel(const char *module)
{
	return !module || !strcmp(module, "kernel") ||
	       !strncmp(module, "kernel<", 7);
}

#endif
