// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Passes 3-5 driver: the BPF target, the module, linking the runtime
 * bitcode, optimization, emission, and handing the object to stapbpf-run.
 *
 * See ../shared notes on the LLVM C API: CO-RE intrinsics are lowered only
 * by the new pass manager with the target machine, code generation needs
 * at least LLVMCodeGenLevelLess, and the runtime bitcode's target-cpu
 * attributes must go or the inliner skips its functions.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <llvm/Config/llvm-config.h>
#include <llvm-c/Analysis.h>
#include <llvm-c/BitReader.h>
#include <llvm-c/Linker.h>
#include <llvm-c/Target.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "codegen.h"
#include "codegen_internal.h"
#include "diag.h"

/* The runtime bitcode, embedded at build time (codegen.am). */
extern const unsigned char bstap_runtime_bc[];
extern const unsigned long bstap_runtime_bc_len;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

bool cg_error(struct cg *cg, struct src_loc loc, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	diag_error(cg->s, loc, "%s", buf);
	return false;
}

LLVMValueRef cg_i64(struct cg *cg, int64_t v)
{
	return LLVMConstInt(cg->i64, (unsigned long long)v, true);
}

LLVMValueRef cg_i32(struct cg *cg, uint32_t v)
{
	return LLVMConstInt(cg->i32, v, false);
}

LLVMBasicBlockRef cg_block(struct cg *cg, const char *name)
{
	return LLVMAppendBasicBlockInContext(cg->ctx, cg->fn->fn, name);
}

bool cg_terminated(struct cg *cg)
{
	LLVMBasicBlockRef bb = LLVMGetInsertBlock(cg->b);

	return !bb || LLVMGetBasicBlockTerminator(bb);
}

/*
 * Allocas go to the top of the function's entry block (mem2reg wants them
 * there), with the current location: callbacks are functions of their own.
 */
LLVMValueRef cg_alloca(struct cg *cg, LLVMTypeRef t, const char *name)
{
	LLVMValueRef first = LLVMGetFirstInstruction(cg->fn->entry);

	if (first)
		LLVMPositionBuilderBefore(cg->alloca_b, first);
	else
		LLVMPositionBuilderAtEnd(cg->alloca_b, cg->fn->entry);
	LLVMSetCurrentDebugLocation2(cg->alloca_b,
				     LLVMGetCurrentDebugLocation2(cg->b));
	return LLVMBuildAlloca(cg->alloca_b, t, name);
}

LLVMValueRef cg_value_tmp(struct cg *cg)
{
	if (!cg->fn->value_tmp)
		cg->fn->value_tmp = cg_alloca(cg, cg->i64, "val");
	return cg->fn->value_tmp;
}

/* BPF helpers are calls to the helper id cast to a function pointer. */
LLVMValueRef cg_helper(struct cg *cg, int id, LLVMTypeRef ret,
		       LLVMValueRef *args, int n)
{
	LLVMTypeRef types[8];
	LLVMTypeRef fty;
	LLVMValueRef callee;

	for (int i = 0; i < n; i++)
		types[i] = LLVMTypeOf(args[i]);
	fty = LLVMFunctionType(ret, types, (unsigned)n, false);
	callee = LLVMConstIntToPtr(cg_i64(cg, id), cg->ptr);
	return LLVMBuildCall2(cg->b, fty, callee, args, (unsigned)n, "");
}

/* A runtime/bpf function: declared here, defined by the linked bitcode. */
LLVMValueRef cg_runtime(struct cg *cg, const char *name, LLVMTypeRef ret,
			LLVMValueRef *args, int n)
{
	LLVMTypeRef types[8];
	LLVMTypeRef fty;
	LLVMValueRef f = LLVMGetNamedFunction(cg->mod, name);

	for (int i = 0; i < n; i++)
		types[i] = LLVMTypeOf(args[i]);
	fty = LLVMFunctionType(ret, types, (unsigned)n, false);
	if (!f)
		f = LLVMAddFunction(cg->mod, name, fty);
	return LLVMBuildCall2(cg->b, fty, f, args, (unsigned)n, "");
}

/* ------------------------------------------------------------ setup */

static uint32_t define_u32(struct cg *cg, const char *name, uint32_t def,
			   uint32_t min, uint32_t max)
{
	const char *v = session_define(cg->s, name);
	struct src_loc none = { 0 };
	char *end;
	unsigned long n;

	if (!v || !*v)
		return def;
	errno = 0;
	n = strtoul(v, &end, 0);
	if (errno || *end || n < min || n > max) {
		diag_error(cg->s, none, "-D %s=%s: expected a number from %u to %u",
			   name, v, min, max);
		return def;
	}
	return (uint32_t)n;
}

/* Signed division needs CPU v4: LLVM 18+ and a 6.6+ kernel. */
static bool kernel_has_v4(struct cg *cg)
{
	struct utsname u;
	const char *rel = cg->s->kernel_release;
	int major = 0, minor = 0;

	if (LLVM_VERSION_MAJOR < 18)
		return false;
	if (!rel) {
		if (uname(&u))
			return false;
		rel = u.release;
	}
	if (sscanf(rel, "%d.%d", &major, &minor) != 2)
		return false;
	return major > 6 || (major == 6 && minor >= 6);
}

static void cg_config(struct cg *cg)
{
	uint32_t m = 1;

	cg->msl = define_u32(cg, "MAXSTRINGLEN", CG_MAXSTRINGLEN, 16, 4096);
	while (m < cg->msl)
		m <<= 1;
	cg->str_mask = m - 1;
	cg->slot_size = (cg->msl + 7) & ~7u;
	cg->maxmapentries = define_u32(cg, "MAXMAPENTRIES", CG_MAXMAPENTRIES,
				       1, 1u << 24);
	cg->maxerrors = define_u32(cg, "MAXERRORS", CG_MAXERRORS, 0,
				   UINT32_MAX);
	cg->maxaction = define_u32(cg, "MAXACTION", CG_MAXACTION, 1,
				   1u << 20);
	cg->ringbuf_size = define_u32(cg, "BUFFER_SIZE", CG_RINGBUF_SIZE,
				      4096, 1u << 30);
	/* a ring buffer is a power of two pages */
	for (m = 4096; m < cg->ringbuf_size; m <<= 1)
		;
	cg->ringbuf_size = m;
	cg->cpu_v4 = kernel_has_v4(cg);
	if (session_define(cg->s, "BSTAP_CPU_V3"))
		cg->cpu_v4 = false;
}

static bool cg_target_init(struct cg *cg)
{
	LLVMTargetRef t;
	char *err = NULL;
	struct src_loc none = { 0 };
	LLVMTargetDataRef dl;

	LLVMInitializeBPFTargetInfo();
	LLVMInitializeBPFTarget();
	LLVMInitializeBPFTargetMC();
	LLVMInitializeBPFAsmPrinter();
	LLVMInitializeBPFAsmParser();	/* inline asm: codegen_dispatch.c */
	if (LLVMGetTargetFromTriple("bpfel", &t, &err)) {
		diag_error(cg->s, none, "LLVM has no BPF target: %s", err);
		LLVMDisposeMessage(err);
		return false;
	}
	/* Less, not Default: the BPF objects come out byte for byte the
	 * same, pass 4 takes about 15% less time (Less is also the least
	 * the BPF backend needs, see the notes) */
	cg->tm = LLVMCreateTargetMachine(t, "bpfel", cg->cpu_v4 ? "v4" : "v3",
					 "", LLVMCodeGenLevelLess,
					 LLVMRelocStatic,
					 LLVMCodeModelDefault);
	if (!cg->tm) {
		diag_error(cg->s, none, "cannot create the BPF target machine");
		return false;
	}
	LLVMSetTarget(cg->mod, "bpfel");
	dl = LLVMCreateTargetDataLayout(cg->tm);
	LLVMSetModuleDataLayout(cg->mod, dl);
	LLVMDisposeTargetData(dl);
	return true;
}

/*
 * The BPF backend reports a stack past 512 bytes once per stack access;
 * one line per program says it (with the first place it noticed).
 */
static bool stack_overflow(struct cg *cg, const char *msg)
{
	const char *fn = strstr(msg, "in function "), *end;
	char *name;

	if (!strstr(msg, "BPF stack limit is exceeded") || !fn)
		return false;
	fn += strlen("in function ");
	end = strchr(fn, ' ');
	name = arena_strndup(cg->a, fn, end ? (size_t)(end - fn) : strlen(fn));
	if (strmap_get(&cg->stack_reported, name))
		return true;
	strmap_put(cg->a, &cg->stack_reported, name, name);
	fprintf(stderr, "bstap: %.*s: program %s needs more than 512 bytes of BPF stack; split the handler's work over more probes\n",
		(int)(strstr(msg, ": in function") ? strstr(msg, ": in function") - msg : 0),
		msg, name);
	return true;
}

static void diag_handler(LLVMDiagnosticInfoRef di, void *user)
{
	struct cg *cg = user;
	char *msg;

	if (LLVMGetDiagInfoSeverity(di) != LLVMDSError)
		return;
	msg = LLVMGetDiagInfoDescription(di);
	cg->failed = true;
	if (stack_overflow(cg, msg)) {
		LLVMDisposeMessage(msg);
		return;
	}
	fprintf(stderr, "bstap: LLVM: %s\n", msg);
	LLVMDisposeMessage(msg);
}

static void cg_init(struct cg *cg, struct session *s)
{
	memset(cg, 0, sizeof(*cg));
	cg->s = s;
	cg->a = &s->arena;
	cg->p = s->program;
	cg->ctx = LLVMContextCreate();
	LLVMContextSetDiagnosticHandler(cg->ctx, diag_handler, cg);
	cg->mod = LLVMModuleCreateWithNameInContext("bstap", cg->ctx);
	cg->b = LLVMCreateBuilderInContext(cg->ctx);
	cg->alloca_b = LLVMCreateBuilderInContext(cg->ctx);
	cg->i1 = LLVMInt1TypeInContext(cg->ctx);
	cg->i8 = LLVMInt8TypeInContext(cg->ctx);
	cg->i16 = LLVMInt16TypeInContext(cg->ctx);
	cg->i32 = LLVMInt32TypeInContext(cg->ctx);
	cg->i64 = LLVMInt64TypeInContext(cg->ctx);
	cg->ptr = LLVMPointerTypeInContext(cg->ctx, 0);
	cg->void_t = LLVMVoidTypeInContext(cg->ctx);
	strmap_init(&cg->global_of, true);
	strmap_init(&cg->lit_of, false);
	strmap_init(&cg->strtab, false);
	strmap_init(&cg->di_files, true);
	strmap_init(&cg->rt_uses, false);
	strmap_init(&cg->stack_reported, false);
}

static void cg_dispose(struct cg *cg)
{
	if (cg->di)
		LLVMDisposeDIBuilder(cg->di);
	LLVMDisposeBuilder(cg->b);
	LLVMDisposeBuilder(cg->alloca_b);
	LLVMDisposeModule(cg->mod);
	if (cg->tm)
		LLVMDisposeTargetMachine(cg->tm);
	LLVMContextDispose(cg->ctx);
}

/* --------------------------------------------------- runtime linking */

static bool is_runtime_name(const char *name)
{
	return !strncmp(name, "bstap_", 6) &&
	       strncmp(name, "bstap_cfg_", 10) != 0;
}

/*
 * Runtime callbacks (bpf_loop) stay real BPF-to-BPF functions: the kernel
 * wants BTF func and line info for each, so they get a subprogram and one
 * location for all their instructions.
 */
static void debug_callback(struct cg *cg, LLVMValueRef f, const char *name)
{
	struct src_loc loc = { 0 };
	LLVMMetadataRef sp, md;

	loc.line = 1;
	sp = cg_debug_subprogram(cg, f, name, loc, 2, true);
	md = LLVMDIBuilderCreateDebugLocation(cg->ctx, 1, 0, sp, NULL);
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb;
	     bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i;
		     i = LLVMGetNextInstruction(i))
			LLVMInstructionSetDebugLoc(i, md);
}

/* Is name declared (used, not defined) by the program? */
static bool program_uses(struct cg *cg, const char *name)
{
	LLVMValueRef f = LLVMGetNamedFunction(cg->mod, name);
	LLVMValueRef g = f ? NULL : LLVMGetNamedGlobal(cg->mod, name);

	return (f && LLVMIsDeclaration(f)) || (g && LLVMIsDeclaration(g));
}

static void make_internal_unless_used(struct cg *cg, LLVMValueRef v)
{
	size_t len;
	const char *name = LLVMGetValueName2(v, &len);

	if (LLVMIsDeclaration(v) || !strncmp(name, "llvm.", 5) ||
	    program_uses(cg, name))
		return;
	LLVMSetLinkage(v, LLVMInternalLinkage);
}

/*
 * Only what the program calls, and what that calls, of the runtime: the
 * runtime module is read lazily (function bodies stay in the bitcode until
 * the linker needs them) and everything the program does not name is made
 * internal, so the linker brings over, and reads, only what is reachable.
 * Parsing all of the runtime's bodies, then dropping most of them, was
 * most of a one-liner's pass 3.
 */
static void prune_runtime(struct cg *cg, LLVMModuleRef rt)
{
	for (LLVMValueRef f = LLVMGetFirstFunction(rt); f;
	     f = LLVMGetNextFunction(f))
		make_internal_unless_used(cg, f);
	for (LLVMValueRef g = LLVMGetFirstGlobal(rt); g;
	     g = LLVMGetNextGlobal(g))
		make_internal_unless_used(cg, g);
}

static bool link_runtime(struct cg *cg)
{
	LLVMMemoryBufferRef buf;
	LLVMModuleRef rt;
	struct src_loc none = { 0 };

	buf = LLVMCreateMemoryBufferWithMemoryRange(
		(const char *)bstap_runtime_bc, bstap_runtime_bc_len,
		"bstap_runtime", false);
	/* the module owns buf from here on, failed or not */
	if (LLVMGetBitcodeModuleInContext2(cg->ctx, buf, &rt)) {
		diag_error(cg->s, none, "the embedded BPF runtime cannot be read: rebuild bstap");
		return false;
	}
	for (LLVMValueRef f = LLVMGetFirstFunction(rt); f;
	     f = LLVMGetNextFunction(f)) {
		LLVMRemoveStringAttributeAtIndex(f, LLVMAttributeFunctionIndex,
						 "target-cpu", 10);
		LLVMRemoveStringAttributeAtIndex(f, LLVMAttributeFunctionIndex,
						 "target-features", 15);
	}
	LLVMSetTarget(rt, "bpfel");
	LLVMSetDataLayout(rt, LLVMGetDataLayoutStr(cg->mod));
	prune_runtime(cg, rt);
	if (LLVMLinkModules2(cg->mod, rt)) {
		diag_error(cg->s, none, "cannot link the BPF runtime into the program");
		return false;
	}
	for (int i = 0; i < cg->rt_uses.cap; i++) {
		const char *name = cg->rt_uses.slots[i].key;
		LLVMValueRef f = name ? LLVMGetNamedFunction(cg->mod, name) :
					NULL;

		if (f && LLVMIsDeclaration(f))
			diag_error(cg->s, *(struct src_loc *)
					  cg->rt_uses.slots[i].value,
				   "the BPF runtime has no function '%s' (named by @runtime)",
				   name);
	}
	if (diag_error_count(cg->s))
		return false;
	/* internal: inlined everywhere, then dropped */
	for (LLVMValueRef f = LLVMGetFirstFunction(cg->mod); f;
	     f = LLVMGetNextFunction(f)) {
		size_t len;
		const char *name = LLVMGetValueName2(f, &len);

		if (!LLVMIsDeclaration(f) && is_runtime_name(name))
			LLVMSetLinkage(f, LLVMInternalLinkage);
	}
	for (LLVMValueRef g = LLVMGetFirstGlobal(cg->mod); g;
	     g = LLVMGetNextGlobal(g)) {
		size_t len;
		const char *name = LLVMGetValueName2(g, &len);

		if (!strncmp(name, "bstap_cfg_", 10))
			LLVMSetLinkage(g, LLVMInternalLinkage);
	}
	for (LLVMValueRef f = LLVMGetFirstFunction(cg->mod); f;
	     f = LLVMGetNextFunction(f)) {
		size_t len;
		const char *name = LLVMGetValueName2(f, &len);

		if (!LLVMIsDeclaration(f) && !strncmp(name, "bstap_cb_", 9))
			debug_callback(cg, f, name);
	}
	return true;
}

static bool verify_module(struct cg *cg)
{
	char *msg = NULL;
	struct src_loc none = { 0 };

	if (!LLVMVerifyModule(cg->mod, LLVMReturnStatusAction, &msg)) {
		LLVMDisposeMessage(msg);
		return true;
	}
	diag_error(cg->s, none, "internal error: invalid LLVM module: %s", msg);
	LLVMDisposeMessage(msg);
	return false;
}

static bool optimize(struct cg *cg)
{
	LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
	LLVMErrorRef err;
	struct src_loc none = { 0 };

	/* BPF has no vector registers: the vectorizers only cost time */
	LLVMPassBuilderOptionsSetLoopVectorization(po, 0);
	LLVMPassBuilderOptionsSetSLPVectorization(po, 0);
	err = LLVMRunPasses(cg->mod, "default<O2>", cg->tm, po);
	LLVMDisposePassBuilderOptions(po);
	if (err) {
		char *msg = LLVMGetErrorMessage(err);

		diag_error(cg->s, none, "LLVM optimization failed: %s", msg);
		LLVMDisposeErrorMessage(msg);
		return false;
	}
	return !cg->failed;
}

/* The metadata goes into the object as a plain data section. */
static bool add_meta(struct cg *cg)
{
	size_t len;
	void *meta = bo_write_meta(cg, &len);
	LLVMValueRef init, g;

	if (!meta)
		return false;
	init = LLVMConstStringInContext(cg->ctx, meta, (unsigned)len, true);
	g = LLVMAddGlobal(cg->mod, LLVMTypeOf(init), "bstap_meta");
	LLVMSetInitializer(g, init);
	LLVMSetGlobalConstant(g, true);
	LLVMSetSection(g, BO_META_SECTION);
	LLVMSetAlignment(g, 8);
	free(meta);
	return true;
}

static void add_license(struct cg *cg)
{
	LLVMValueRef init = LLVMConstStringInContext(cg->ctx, "GPL", 3, false);
	LLVMValueRef g = LLVMAddGlobal(cg->mod, LLVMTypeOf(init), "_license");

	LLVMSetInitializer(g, init);
	LLVMSetSection(g, "license");
}

static int generate(struct cg *cg, const struct codegen_opts *o)
{
	double t = now_ms();

	cg_config(cg);
	if (diag_error_count(cg->s) || !cg_target_init(cg))
		return -1;
	cg_debug_init(cg, cg->s->script_name);
	cg_data_init(cg);
	if (!cg_data_layout(cg) || !cg_probes(cg) || diag_error_count(cg->s))
		return -1;
	cg_data_finish(cg);
	cg_regex_finish(cg);
	add_license(cg);
	if (diag_error_count(cg->s) || !link_runtime(cg))
		return -1;
	/* handlers sized with the runtime they call, before the table */
	cg_dispatch_finish(cg);
	if (diag_error_count(cg->s) || !add_meta(cg))
		return -1;
	LLVMDIBuilderFinalize(cg->di);
	if (!verify_module(cg) || !optimize(cg))
		return -1;
	if (o->timing || cg->s->verbose)
		fprintf(stderr, "pass 3 (generate): %.2f ms\n", now_ms() - t);
	return 0;
}

/* ------------------------------------------------------------- emit */

static LLVMMemoryBufferRef emit(struct cg *cg, const struct codegen_opts *o)
{
	LLVMMemoryBufferRef out = NULL;
	char *err = NULL;
	struct src_loc none = { 0 };
	double t = now_ms();

	if (LLVMTargetMachineEmitToMemoryBuffer(cg->tm, cg->mod,
						LLVMObjectFile, &err, &out)) {
		diag_error(cg->s, none, "BPF code generation failed: %s",
			   err ? err : "unknown error");
		LLVMDisposeMessage(err);
		return NULL;
	}
	if (cg->failed) {
		LLVMDisposeMemoryBuffer(out);
		return NULL;
	}
	if (o->timing || cg->s->verbose)
		fprintf(stderr, "pass 4 (emit): %.2f ms\n", now_ms() - t);
	return out;
}

static bool write_file(struct cg *cg, const char *path, LLVMMemoryBufferRef m)
{
	FILE *f = fopen(path, "wb");
	size_t len = LLVMGetBufferSize(m);
	struct src_loc none = { 0 };

	if (!f || fwrite(LLVMGetBufferStart(m), 1, len, f) != len) {
		diag_error(cg->s, none, "cannot write %s: %s", path,
			   strerror(errno));
		if (f)
			fclose(f);
		return false;
	}
	if (fclose(f)) {
		diag_error(cg->s, none, "cannot write %s: %s", path,
			   strerror(errno));
		return false;
	}
	return true;
}

/* -m NAME, else the script's base name without .stp; -e: "stdin". */
static const char *object_name(struct session *s)
{
	const char *base, *dot;

	if (s->module_name)
		return s->module_name;
	if (!s->script_name || !strcmp(s->script_name, "<input>"))
		return "stdin";
	base = strrchr(s->script_name, '/');
	base = base ? base + 1 : s->script_name;
	dot = strrchr(base, '.');
	if (dot && !strcmp(dot, ".stp"))
		return arena_strndup(&s->arena, base, (size_t)(dot - base));
	return base;
}

/* -------------------------------------------------------- pass 5 */

static const char *runner_path(struct session *s)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		exe[n] = '\0';
		if (!strcmp(exe, BSTAP_BUILDDIR "/translator/bstap"))
			return BSTAP_BUILDDIR "/stapbpf-run/stapbpf-run";
	}
	return BSTAP_BINDIR "/stapbpf-run";
}

static int run_object(struct session *s, const char *path)
{
	const char *argv[64 + 2 * 16];
	char vbuf[16];
	int argc = 0, status;
	pid_t pid;

	argv[argc++] = runner_path(s);
	if (s->output_file) {
		argv[argc++] = "-o";
		argv[argc++] = s->output_file;
	}
	if (s->target_cmd) {
		argv[argc++] = "-c";
		argv[argc++] = s->target_cmd;
	}
	if (s->target_pid) {
		snprintf(vbuf, sizeof(vbuf), "%ld", s->target_pid);
		argv[argc++] = "-x";
		argv[argc++] = vbuf;
	}
	for (int i = 0; i < s->globals_set.n && argc < 40; i++) {
		argv[argc++] = "-G";
		argv[argc++] = s->globals_set.v[i];
	}
	for (int i = 0; i < s->verbose && argc < 44; i++)
		argv[argc++] = "-v";
	if (s->warnings_off)
		argv[argc++] = "-w";
	argv[argc++] = path;
	for (int i = 0; i < s->args.n && argc < (int)(sizeof(argv) /
						sizeof(argv[0])) - 1; i++)
		argv[argc++] = s->args.v[i];
	argv[argc] = NULL;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "bstap: cannot start %s: %s\n", argv[0],
			strerror(errno));
		return 1;
	}
	if (pid == 0) {
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "bstap: cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	/* the runner handles ^C itself and ends the run cleanly */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 1;
}

static int pass5(struct cg *cg, LLVMMemoryBufferRef obj,
		 const struct codegen_opts *o)
{
	char dir[] = "/tmp/bstapXXXXXX";
	char *path;
	int rc;

	if (!mkdtemp(dir)) {
		fprintf(stderr, "bstap: cannot create a temporary directory: %s\n",
			strerror(errno));
		return 1;
	}
	path = arena_printf(cg->a, "%s/%s.bo", dir, object_name(cg->s));
	if (!write_file(cg, path, obj))
		return 1;
	rc = run_object(cg->s, path);
	if (o->keep_tmp) {
		fprintf(stderr, "bstap: keeping %s\n", dir);
	} else {
		unlink(path);
		rmdir(dir);
	}
	return rc;
}

int codegen_run(struct session *s, const struct codegen_opts *o)
{
	struct cg cg;
	LLVMMemoryBufferRef obj = NULL;
	int rc = 1;

	cg_init(&cg, s);
	if (generate(&cg, o))
		goto out;
	if (s->last_pass == 3) {
		char *ir = LLVMPrintModuleToString(cg.mod);

		fputs(ir, stdout);
		LLVMDisposeMessage(ir);
		rc = 0;
		goto out;
	}
	obj = emit(&cg, o);
	if (!obj)
		goto out;
	if (s->last_pass == 4) {
		const char *path = arena_printf(cg.a, "%s.bo",
						object_name(s));

		rc = write_file(&cg, path, obj) ? 0 : 1;
		if (!rc && s->verbose)
			fprintf(stderr, "bstap: wrote %s\n", path);
		goto out;
	}
	rc = pass5(&cg, obj, o);
out:
	if (obj)
		LLVMDisposeMemoryBuffer(obj);
	cg_dispose(&cg);
	return rc;
}
