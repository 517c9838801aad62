// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Debug info. The BPF backend writes BTF and .BTF.ext only for a module
 * with debug info, and libbpf reads map definitions from BTF; the line info
 * is what lets a verifier rejection point at the script's line. So every
 * program gets a DISubprogram, every instruction a location in the script
 * (or in the tapset a statement came from), and maps and global data get
 * DI types in libbpf's conventions.
 */
#include <string.h>

#include "codegen_internal.h"

#define DW_ATE_signed		0x05
#define DW_ATE_unsigned		0x08
#define DW_ATE_signed_char	0x06

static LLVMMetadataRef basic(struct cg *cg, const char *name, int bits,
			     int enc)
{
	return LLVMDIBuilderCreateBasicType(cg->di, name, strlen(name),
					    (uint64_t)bits, (unsigned)enc,
					    LLVMDIFlagZero);
}

static LLVMMetadataRef file_md(struct cg *cg, const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dir = ".";
	size_t dlen = 1;

	if (slash) {
		dir = path;
		dlen = (size_t)(slash - path);
		path = slash + 1;
	}
	return LLVMDIBuilderCreateFile(cg->di, path, strlen(path), dir, dlen);
}

void cg_debug_init(struct cg *cg, const char *script_path)
{
	const char *producer = "bstap";
	LLVMValueRef v3 = LLVMConstInt(cg->i32, 3, false);
	LLVMValueRef v5 = LLVMConstInt(cg->i32, 5, false);

	cg->di = LLVMCreateDIBuilder(cg->mod);
	cg->di_file = file_md(cg, script_path ? script_path : "<input>");
	cg->di_cu = LLVMDIBuilderCreateCompileUnit(
		cg->di, LLVMDWARFSourceLanguageC11, cg->di_file, producer,
		strlen(producer), true, "", 0, 0, "", 0,
		LLVMDWARFEmissionFull, 0, false, false, "", 0, "", 0);
	LLVMAddModuleFlag(cg->mod, LLVMModuleFlagBehaviorWarning,
			  "Debug Info Version", 18, LLVMValueAsMetadata(v3));
	LLVMAddModuleFlag(cg->mod, LLVMModuleFlagBehaviorWarning,
			  "Dwarf Version", 13, LLVMValueAsMetadata(v5));
	cg->di_long = basic(cg, "long", 64, DW_ATE_signed);
	cg->di_int = basic(cg, "int", 32, DW_ATE_signed);
	cg->di_uint = basic(cg, "unsigned int", 32, DW_ATE_unsigned);
	cg->di_char = basic(cg, "char", 8, DW_ATE_signed_char);
	cg->di_ptr = LLVMDIBuilderCreatePointerType(cg->di, NULL, 64, 64, 0,
						    NULL, 0);
}

LLVMMetadataRef cg_debug_file(struct cg *cg, const struct source_file *f)
{
	LLVMMetadataRef md;

	if (!f)
		return cg->di_file;
	md = strmap_get(&cg->di_files, f);
	if (!md) {
		md = file_md(cg, f->name);
		strmap_put(cg->a, &cg->di_files, f, md);
	}
	return md;
}

/* long NAME(void *ctx, ...): nparams (<= 4) pointer parameters. */
LLVMMetadataRef cg_debug_subprogram(struct cg *cg, LLVMValueRef fn,
				    const char *name, struct src_loc loc,
				    int nparams, bool local)
{
	static const char *const pnames[4] = { "ctx", "key", "value", "arg" };
	/* programs return int, callbacks (local) long */
	LLVMMetadataRef types[5] = { local ? cg->di_long : cg->di_int,
				     cg->di_ptr, cg->di_ptr, cg->di_ptr,
				     cg->di_ptr };
	LLVMMetadataRef file = cg_debug_file(cg, loc.file);
	LLVMMetadataRef sty, sp;
	unsigned line = loc.line > 0 ? (unsigned)loc.line : 1;

	sty = LLVMDIBuilderCreateSubroutineType(cg->di, file, types,
						(unsigned)nparams + 1,
						LLVMDIFlagZero);
	sp = LLVMDIBuilderCreateFunction(cg->di, file, name, strlen(name),
					 name, strlen(name), file, line, sty,
					 local, true, line, LLVMDIFlagPrototyped,
					 true);
	for (int i = 0; i < nparams; i++) {
		const char *pn = pnames[i < 4 ? i : 3];

		LLVMDIBuilderCreateParameterVariable(cg->di, sp, pn, strlen(pn),
						     (unsigned)i + 1, file, line,
						     cg->di_ptr, true,
						     LLVMDIFlagZero);
	}
	LLVMSetSubprogram(fn, sp);
	return sp;
}

/* Statements from tapsets live in other files: a block file says which. */
void cg_debug_loc(struct cg *cg, struct src_loc loc)
{
	struct cg_fn *fn = cg->fn;
	LLVMMetadataRef scope = fn->scope, file, md;

	if (!scope)
		return;
	file = cg_debug_file(cg, loc.file);
	if (loc.file && fn->probe && loc.file != fn->probe->loc.file)
		scope = LLVMDIBuilderCreateLexicalBlockFile(cg->di, scope,
							    file, 0);
	md = LLVMDIBuilderCreateDebugLocation(
		cg->ctx, loc.line > 0 ? (unsigned)loc.line : 1,
		loc.col > 0 ? (unsigned)loc.col : 0, scope, NULL);
	LLVMSetCurrentDebugLocation2(cg->b, md);
}

static LLVMMetadataRef member(struct cg *cg, const char *name,
			      LLVMMetadataRef type, uint64_t off_bits)
{
	return LLVMDIBuilderCreateMemberType(cg->di, cg->di_cu, name,
					     strlen(name), cg->di_file, 0, 64,
					     64, off_bits, LLVMDIFlagZero,
					     type);
}

/* int[n]: how libbpf's __uint() encodes a number in BTF. */
static LLVMMetadataRef int_array(struct cg *cg, uint32_t n)
{
	LLVMMetadataRef sub = LLVMDIBuilderGetOrCreateSubrange(cg->di, 0, n);

	return LLVMDIBuilderCreateArrayType(cg->di, (uint64_t)n * 32, 32,
					    cg->di_int, &sub, 1);
}

static LLVMMetadataRef ptr_to(struct cg *cg, LLVMMetadataRef t)
{
	return LLVMDIBuilderCreatePointerType(cg->di, t, 64, 64, 0, NULL, 0);
}

LLVMMetadataRef cg_debug_map_type(struct cg *cg, int map_type,
				  uint32_t max_entries,
				  LLVMMetadataRef key, LLVMMetadataRef value)
{
	LLVMMetadataRef m[4];
	unsigned n = 0;

	m[n] = member(cg, "type", ptr_to(cg, int_array(cg, map_type)), 0);
	n++;
	m[n] = member(cg, "max_entries",
		      ptr_to(cg, int_array(cg, max_entries)), 64);
	n++;
	if (key) {
		m[n] = member(cg, "key", ptr_to(cg, key), 64 * n);
		n++;
	}
	if (value) {
		m[n] = member(cg, "value", ptr_to(cg, value), 64 * n);
		n++;
	}
	return LLVMDIBuilderCreateStructType(cg->di, cg->di_cu, "", 0,
					     cg->di_file, 0, 64 * n, 64,
					     LLVMDIFlagZero, NULL, m, n, 0,
					     NULL, "", 0);
}

/* char[size]: map values and keys whose layout only the runner knows. */
LLVMMetadataRef cg_debug_bytes(struct cg *cg, uint32_t size)
{
	LLVMMetadataRef sub = LLVMDIBuilderGetOrCreateSubrange(cg->di, 0,
							       size);

	return LLVMDIBuilderCreateArrayType(cg->di, (uint64_t)size * 8, 8,
					    cg->di_char, &sub, 1);
}

void cg_debug_global(struct cg *cg, LLVMValueRef g, const char *name,
		     LLVMMetadataRef type)
{
	LLVMMetadataRef expr = LLVMDIBuilderCreateExpression(cg->di, NULL, 0);
	LLVMMetadataRef gve;

	gve = LLVMDIBuilderCreateGlobalVariableExpression(
		cg->di, cg->di_cu, name, strlen(name), name, strlen(name),
		cg->di_file, 1, type, false, expr, NULL, 0);
	LLVMGlobalSetMetadata(g, LLVMGetMDKindIDInContext(cg->ctx, "dbg", 3),
			      gve);
}
