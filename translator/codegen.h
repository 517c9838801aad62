/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Passes 3-5: lower the elaborated program to LLVM IR, emit a .bo object
 * (BPF ELF + bstap metadata, runtime/bo_format.h), and run it with
 * stapbpf-run.
 *
 *	-p3: print the LLVM IR of the optimized module on stdout
 *	-p4: write NAME.bo (-m NAME, else the script's base name)
 *	(5): write the object to a temporary directory and exec stapbpf-run
 */
#ifndef BSTAP_CODEGEN_H
#define BSTAP_CODEGEN_H

#include <stdbool.h>

struct session;

struct codegen_opts {
	bool timing;		/* -t / -v: pass times on stderr */
	bool keep_tmp;		/* -k: keep the temporary directory */
};

/*
 * Runs passes 3 up to s->last_pass on s->program. Returns the exit status
 * for main(): 0, or 1 when errors were reported (in s's diagnostics) or
 * the runner failed. Pass 5 normally does not return (exec).
 */
int codegen_run(struct session *s, const struct codegen_opts *o);

#endif
