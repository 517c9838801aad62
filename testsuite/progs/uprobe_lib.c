// SPDX-License-Identifier: GPL-2.0-or-later
/* The shared library uprobe_prog calls, for .library() probes. */
__attribute__((noinline)) long lib_mul(long a, long b)
{
	return a * b;
}
