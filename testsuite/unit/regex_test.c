// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The regex compiler (translator/regex.c, regex_dfa.c) against glibc's
 * regexec(3) in the C locale as the oracle: hand-picked patterns, then
 * random well-formed patterns over a small alphabet, each against every
 * short string of that alphabet. Then the syntax errors, the limits and
 * the table the BPF matcher reads.
 */
#include <locale.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regex_compile.h"
#include "../lib/tap.h"

static const char *const fixed_patterns[] = {
	"", "a", "abc", "^abc", "abc$", "^abc$", "^$", "^", "$", "a|b",
	"^a|b$", "(a|b)*c", "a+b+", "a?b", "x*", ".", "..", "a.c", "^.$",
	"[abc]", "[^abc]", "[a-c]+", "[^a-c]", "[]a]", "[^]a]", "[a-]", "[-a]",
	"[[:alpha:]]+", "[[:digit:]]{2,3}", "[[:space:]]", "[[:upper:]][[:lower:]]*",
	"[[:punct:]]", "[[:xdigit:]]+$", "[[:alnum:]_]+", "[[:blank:]]", "[[:cntrl:]]",
	"[[:print:]]", "[[:graph:]]", "[[.a.]]", "[[=b=]]", "[[.-.]a]",
	"a{2}", "a{2,}", "a{1,3}b", "(ab){2}", "(a|bc){1,2}d", "a{0}b", "a{,2}c",
	"\\.", "a\\+", "\\(", "\\[x\\]", "\\w+", "\\W", "\\s", "\\S+", "\\$",
	"(a)(b)(c)", "((a|b)c)*d$", "(^a)", "(a$)", "a^b", "a$b", "x(^|y)z",
	"(|a)b", "(a|)b", "a|", "()", "(a*)*", "(a*)+b", "(a|b)*abb",
	"^(a|b)*$", "[a-c][^a-c]", "b*$", "^b*", "a**", "a*?", "(ab|a)(bc|c)",
	"[0-9]+\\.[0-9]+", "^/usr/(bin|lib)/", "\\.so(\\.[0-9]+)*$",
	"^[a-z_][a-z0-9_]*$", "(foo|bar|baz)+", "[\\]", "[\\n]", "a\\|b",
	"^ab|cd$|^ef$",
};

static const char *const fixed_subjects[] = {
	"", "a", "b", "c", "ab", "abc", "xabcx", "aabbc", "abab", "bca",
	"aa", "aaa", "aaab", "]", "-", "Hello", "HELLO world", "  ",
	"\t", "12", "123", "1234", "1.5", "x.y", "a+b", "(", "[x]", "$",
	"_foo9", "ab_c", "/usr/bin/ls", "/usr/local/lib", "libc.so.6",
	"libm.so", "foobarbaz", "\\", "n", "a|b", "cd", "ef", "abcd",
	"xz", "xyz", "bc", "abb", "babb", "d", "acd", "\x7f", "\x01", "\xff",
	"\x80x", "zzz", "a\nb",
};

static int oracle(regex_t *re, const char *s)
{
	return regexec(re, s, 0, NULL, 0) == 0;
}

static int failures;

/* Compares one pattern on every subject; returns false on a difference. */
static int compare(const char *pat, const char *const *subj, int n,
		   int quiet)
{
	struct regex_dfa dfa;
	struct regex_error err;
	regex_t re;
	int ok = 1;

	if (regcomp(&re, pat, REG_EXTENDED | REG_NOSUB))
		return -1;		/* not a pattern glibc takes */
	if (regex_compile(pat, &dfa, &err)) {
		printf("# /%s/: glibc compiles it, we say: %s\n", pat,
		       err.msg);
		regfree(&re);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		int want = oracle(&re, subj[i]);
		int got = regex_dfa_match(&dfa, subj[i], strlen(subj[i]) + 1);

		if (want != got) {
			if (!quiet || failures < 20)
				printf("# /%s/ on \"%s\": glibc %d, dfa %d\n",
				       pat, subj[i], want, got);
			failures++;
			ok = 0;
		}
	}
	regex_dfa_free(&dfa);
	regfree(&re);
	return ok;
}

/* ------------------------------------------------ random patterns */

static unsigned rnd_state = 12345;

static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 16) % n;
}

/*
 * No anchors under a quantifier: glibc gets those wrong ("(^a){2}" finds
 * "aa" where "(^a)(^a)" does not), so it cannot be the oracle there.
 */
static void gen(char *out, size_t *len, int depth, int in_quant)
{
	static const char *const atoms[] = {
		"a", "b", "c", ".", "[ab]", "[^a]", "[b-c]", "^", "$",
		"[[:alpha:]]", "\\.", "a",
	};
	int k = depth > 3 ? rnd(2) : (int)rnd(6);

#define PUT(s) do { const char *s_ = (s); size_t l_ = strlen(s_); \
		    memcpy(out + *len, s_, l_); *len += l_; } while (0)
	switch (k) {
	case 0:
	case 1:
		do
			k = (int)rnd(sizeof(atoms) / sizeof(*atoms));
		while (in_quant &&
		       (atoms[k][0] == '^' || atoms[k][0] == '$'));
		PUT(atoms[k]);
		break;
	case 2:			/* concatenation */
		gen(out, len, depth + 1, in_quant);
		gen(out, len, depth + 1, in_quant);
		break;
	case 3:			/* alternation, in a group */
		PUT("(");
		gen(out, len, depth + 1, in_quant);
		PUT("|");
		gen(out, len, depth + 1, in_quant);
		PUT(")");
		break;
	case 4: {		/* a quantified group */
		static const char *const q[] = {
			"*", "+", "?", "{2}", "{1,2}", "{0,1}", "{2,}",
		};

		PUT("(");
		gen(out, len, depth + 1, 1);
		PUT(")");
		PUT(q[rnd(sizeof(q) / sizeof(*q))]);
		break;
	}
	default:
		PUT(atoms[rnd(3)]);
		PUT(rnd(2) ? "*" : "+");
		break;
	}
#undef PUT
}

/* Every string of a, b, c and . up to length 4 (plus a few others). */
static char **all_strings(int *n)
{
	static const char alpha[] = "abc.";
	char **v = malloc(400 * sizeof(*v));
	int k = 0;

	v[k++] = strdup("");
	for (int len = 1; len <= 4; len++) {
		int total = 1;

		for (int i = 0; i < len; i++)
			total *= 4;
		for (int x = 0; x < total; x++) {
			char *s = malloc((size_t)len + 1);
			int y = x;

			for (int i = 0; i < len; i++, y /= 4)
				s[i] = alpha[y % 4];
			s[len] = 0;
			v[k++] = s;
		}
	}
	*n = k;
	return v;
}

static void random_patterns(void)
{
	int n, differ = 0, tried = 0;
	char **subj = all_strings(&n);

	for (int i = 0; i < 10000; i++) {
		char pat[2048];
		size_t len = 0;
		int r;

		gen(pat, &len, 0, 0);
		pat[len] = 0;
		r = compare(pat, (const char *const *)subj, n, 1);
		if (r >= 0)
			tried++;
		if (r == 0)
			differ++;
	}
	tap_ok(differ == 0 && tried > 9000,
	       "10000 random patterns x %d strings agree with regexec (%d compared, %d differ)",
	       n, tried, differ);
	for (int i = 0; i < n; i++)
		free(subj[i]);
	free(subj);
}

/* ------------------------------------------------------- submatches */

/* Our spans of @pat in @subj against regexec's; @groups: compare groups
 * too (else only the whole match). Returns 1 same, 0 differ, -1 skip. */
static int compare_spans(const char *pat, const char *subj, int groups,
			 int quiet)
{
	regex_t re;
	regmatch_t pm[10];
	struct regex_span m[10];
	struct regex_error err;
	int ng, got, want, same = 1;

	if (regcomp(&re, pat, REG_EXTENDED))
		return -1;
	want = regexec(&re, subj, 10, pm, 0) == 0;
	regfree(&re);
	got = regex_submatch(pat, subj, m, 10, &ng, &err);
	if (got != want)
		same = 0;
	for (int g = 0; same && want && g <= (groups ? ng : 0) && g < 10; g++)
		if (m[g].start != pm[g].rm_so || m[g].end != pm[g].rm_eo)
			same = 0;
	if (!same && !quiet) {
		printf("# /%s/ on \"%s\": ours %d", pat, subj, got);
		for (int g = 0; got == 1 && g <= ng && g < 10; g++)
			printf(" (%d,%d)", m[g].start, m[g].end);
		printf(", regexec %d", want);
		for (int g = 0; want && g <= ng && g < 10; g++)
			printf(" (%d,%d)", (int)pm[g].rm_so, (int)pm[g].rm_eo);
		putchar('\n');
	}
	return same;
}

static void submatches(void)
{
	static const char *const cases[][2] = {
		{ "a(b)c", "xabcx" },
		{ "(a*)(a*)", "aaa" }, { "(a*)+", "aa" }, { "(a|b)*", "abba" },
		{ "([a-z]+)=([0-9]+)", "x key=42;" }, { "a|(b)", "a" },
		{ "a|(b)", "xb" }, { "(^/usr)?/(bin|lib)/([^/]+)$", "/usr/lib/libc.so" },
		{ "((a)|(b))+", "ab" }, { "(x)?y", "y" }, { "()", "" },
		{ "(a{2,3})(a*)", "aaaaa" }, { "([[:digit:]]+)\\.([[:digit:]]+)", "v1.25b" },
		{ "(.*)-(.*)", "a-b-c" }, { "b(c|d)*$", "abcdcx bdd" },
	};
	int n = (int)(sizeof(cases) / sizeof(*cases)), same = 0;
	int nrand = 0, whole_same = 0, group_same = 0, tried = 0;
	struct regex_span m[3];
	struct regex_error err;
	int ng;
	char **subj;
	int nsubj;

	for (int i = 0; i < n; i++)
		same += compare_spans(cases[i][0], cases[i][1], 1, 0) == 1;
	tap_is_int(same, n, "%d patterns: the same subexpressions as regexec", n);

	/* random patterns: the whole match must agree; groups are counted */
	subj = all_strings(&nsubj);
	rnd_state = 777;
	for (int i = 0; i < 1500; i++) {
		char pat[2048];
		size_t len = 0;

		gen(pat, &len, 0, 0);
		pat[len] = 0;
		for (int k = 0; k < nsubj; k += 7) {
			int r = compare_spans(pat, subj[k], 0, whole_same - tried < -5);

			if (r < 0)
				break;
			tried++;
			whole_same += r == 1;
			group_same += compare_spans(pat, subj[k], 1, 1) == 1;
		}
		nrand++;
	}
	tap_ok(tried > 10000 && whole_same == tried,
	       "%d random pattern/string pairs: the same whole match as regexec (%d differ)",
	       tried, tried - whole_same);
	printf("# subexpressions agree with regexec in %d of %d pairs\n",
	       group_same, tried);
	for (int i = 0; i < nsubj; i++)
		free(subj[i]);
	free(subj);

	tap_ok(regex_submatch("(a|b)c", "xxbc", m, 3, &ng, &err) == 1 &&
	       ng == 1 && m[0].start == 2 && m[0].end == 4 &&
	       m[1].start == 2 && m[1].end == 3, "(a|b)c in xxbc: (2,4) (2,3)");
	/* POSIX's own example, where glibc answers (0,1) (1,4) (4,4) */
	tap_ok(regex_submatch("(a|ab)(c|bcd)(d*)", "abcd", m, 3, &ng, &err) == 1 &&
	       m[1].start == 0 && m[1].end == 2 && m[2].start == 2 &&
	       m[2].end == 3, "(a|ab)(c|bcd)(d*) in abcd: POSIX's (0,2) (2,3)");
	tap_ok(regex_submatch("q(a)", "xxbc", m, 3, &ng, &err) == 0,
	       "no match: 0");
	tap_ok(regex_submatch("(a|aa)*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac",
			      m, 3, &ng, &err) == -1 && strstr(err.msg, "steps"),
	       "exponential backtracking is refused: %s", err.msg);
}

/* ------------------------------------------------------------ errors */

static void error_is(const char *pat, int offset, const char *msg_part)
{
	struct regex_dfa dfa;
	struct regex_error err;

	if (!regex_compile(pat, &dfa, &err)) {
		regex_dfa_free(&dfa);
		tap_ok(0, "/%s/ is refused", pat);
		return;
	}
	if (!tap_ok(err.offset == offset && strstr(err.msg, msg_part),
		    "/%s/ is refused at %d: %s", pat, offset, msg_part))
		printf("# got offset %d: %s\n", err.offset, err.msg);
}

static void errors(void)
{
	error_is("(ab", 0, "'(' without a matching ')'");
	error_is("ab)", 2, "')' without a matching '('");
	error_is("*a", 0, "'*' has nothing before it to repeat");
	error_is("a|+b", 2, "'+' has nothing before it to repeat");
	error_is("(?x)", 1, "'?' has nothing");
	error_is("a{2", 1, "repetition count");
	error_is("a{x}", 1, "repetition count");
	error_is("a{,}", 1, "repetition count");
	error_is("a{3,2}", 1, "maximum is below the minimum");
	error_is("a{256}", 1, "above 255");
	error_is("[abc", 0, "'[' without a matching ']'");
	error_is("[z-a]", 1, "'z-a' is backwards");
	error_is("[[:alfa:]]", 1, "unknown character class '[:alfa:]'");
	error_is("[[:alpha:]", 0, "'[' without a matching ']'");
	error_is("[[.ab.]]", 1, "one character");
	error_is("ab\\", 2, "escapes nothing");
	error_is("(a)\\1", 3, "back-references");
	error_is("\\bword", 0, "'\\b' is not supported");
	error_is("^*", 1, "anchor");
	error_is("((a{50}){50}){10}", -1, "20000 automaton nodes");
	error_is("(a|b)*a[ab]{12}", -1, "DFA states");
	error_is("(a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q|r|s|t|u|v|w|x|y|z|A|B|C|D|E|F|G|H|I|J|K|L|M){1,190}$",
		 -1, "too long to compile");
}

/* ------------------------------------------------------------ tables */

static void tables(void)
{
	struct regex_dfa dfa;
	struct regex_error err;
	uint8_t *tab;
	size_t size;
	int st, ok = 1;
	const char *s = "xxabcc";

	tap_ok(!regex_compile("ab+c", &dfa, &err), "ab+c compiles");
	tap_is_int(dfa.nclasses, 5, "ab+c: NUL, a, b, c and the rest");
	size = regex_table_size(&dfa);
	tap_is_int((long long)size, 256 + dfa.nstates * 5 * 2,
		   "table: 256 class bytes and u16 rows");
	tab = malloc(size);
	regex_table_write(&dfa, tab);
	/* walk the bytes as runtime/bpf/regex_match.c does */
	st = dfa.start;
	for (size_t i = 0; i <= strlen(s) && st > REGEX_MATCH; i++) {
		size_t at = 256 + 2 * ((size_t)st * 5 + tab[(uint8_t)s[i]]);

		st = tab[at] | tab[at + 1] << 8;
	}
	ok = st == REGEX_MATCH;
	tap_ok(ok, "the written table finds ab+c in %s", s);
	free(tab);
	regex_dfa_free(&dfa);

	tap_ok(!regex_compile("a(b)(c(d))|(e)", &dfa, &err) &&
	       dfa.ngroups == 4, "four subexpressions are counted");
	regex_dfa_free(&dfa);
	tap_ok(!regex_compile("x*", &dfa, &err) &&
	       dfa.start == REGEX_MATCH, "x* matches at once: the start is MATCH");
	regex_dfa_free(&dfa);
	tap_ok(!regex_compile("^abc", &dfa, &err) &&
	       !regex_dfa_match(&dfa, "xabc", 5), "^abc fails on xabc");
	regex_dfa_free(&dfa);
	/* where glibc is wrong (see gen()): ^ holds at position 0 only */
	tap_ok(!regex_compile("(^a){2}", &dfa, &err) &&
	       !regex_dfa_match(&dfa, "aa", 3), "(^a){2} does not find aa");
	regex_dfa_free(&dfa);
	tap_ok(!regex_compile("(a$|b)+", &dfa, &err) &&
	       regex_dfa_match(&dfa, "xba", 4) &&
	       regex_dfa_match(&dfa, "xaa", 4), "(a$|b)+ finds ba and aa at the end");
	regex_dfa_free(&dfa);
}

int main(void)
{
	int n_subj = (int)(sizeof(fixed_subjects) / sizeof(*fixed_subjects));
	int n_pat = (int)(sizeof(fixed_patterns) / sizeof(*fixed_patterns));

	setlocale(LC_ALL, "C");
	tap_plan(n_pat + 1 + 22 + 9 + 6);
	for (int i = 0; i < n_pat; i++)
		tap_ok(compare(fixed_patterns[i], fixed_subjects, n_subj, 0) == 1,
		       "/%s/ agrees with regexec on %d strings",
		       fixed_patterns[i], n_subj);
	random_patterns();
	errors();
	tables();
	submatches();
	return tap_done();
}
