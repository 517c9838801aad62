// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * User symbols: which file each address of a process is in, and which
 * function of that file.
 *
 * A process's executable mappings are read from /proc/PID/maps the first
 * time the runner hears of the process (a BO_REC_PID or BO_REC_STACK
 * record, which wakes the runner for that reason), and the symbol tables
 * of the mapped files are read then too, through /proc/PID/map_files/,
 * which is the very file mapped even if its path now names another. So a
 * process that exits right after its probe fired is still named. Files
 * are shared between processes by build-id (by device and inode when they
 * have none): a binary rebuilt under the same path is another file.
 *
 * A process may still exit before the runner gets to it. User stack
 * records therefore also carry each frame's build-id and file offset
 * (BPF_F_USER_BUILD_ID), learned here (usyms_learn): the file is then
 * found by its build-id among the files already read, the probed
 * binaries and the runner's own libraries (usyms_add_candidate), and a
 * learned frame also tells where its file was mapped, for other
 * addresses of the same file.
 *
 * A file's table is .symtab, else .dynsym: functions and objects with an
 * address. An address maps to the file offset through its mapping, and
 * the offset to the ELF address through the PT_LOAD headers.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "symbols.h"

#define MAX_PROCS 4096		/* past this, the oldest are forgotten */
#define MAX_REREADS 8		/* maps re-read on a miss (dlopen), per pid */
#define MAX_LEARNED 256		/* build-id frames kept per pid */

struct usym {
	uint64_t addr, size;
	uint32_t name;
};

struct load {			/* a PT_LOAD header */
	uint64_t offset, vaddr, filesz;
};

struct ufile {
	char *path;
	char build_id[41];	/* hex, "" if the file has none */
	uint64_t dev, ino;
	struct usym *syms;
	size_t nsyms;
	char *names;
	struct load *loads;
	size_t nloads;
};

struct umap {
	uint64_t start, end, pgoff;
	struct ufile *file;
};

/* A frame BPF named by build-id and file offset. */
struct learned {
	uint64_t ip, offset;
	unsigned char build_id[20];
	struct ufile *file;	/* once found */
	bool tried;
};

struct uproc {
	pid_t pid;
	struct umap *maps;
	size_t n;
	int rereads;
	bool gone;		/* its mappings could not be read */
	struct learned *learned;
	size_t nlearned;
};

struct usyms {
	struct ufile **files;
	size_t nfiles;
	struct uproc *procs;
	size_t nprocs;
	pid_t last;
	char **candidates;	/* paths that may hold a build-id */
	size_t ncandidates;
};

struct usyms *usyms_new(void)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return NULL;
	return calloc(1, sizeof(struct usyms));
}

static void file_free(struct ufile *f)
{
	free(f->path);
	free(f->syms);
	free(f->names);
	free(f->loads);
	free(f);
}

void usyms_free(struct usyms *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->nfiles; i++)
		file_free(u->files[i]);
	for (size_t i = 0; i < u->nprocs; i++) {
		free(u->procs[i].maps);
		free(u->procs[i].learned);
	}
	for (size_t i = 0; i < u->ncandidates; i++)
		free(u->candidates[i]);
	free(u->candidates);
	free(u->files);
	free(u->procs);
	free(u);
}

pid_t usyms_last_pid(const struct usyms *u)
{
	return u ? u->last : 0;
}

/* ------------------------------------------------------- ELF files */

static void read_build_id(Elf *e, struct ufile *f)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		GElf_Nhdr nh;
		size_t off = 0, noff, doff;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		d = elf_getdata(scn, NULL);
		while (d && (off = gelf_getnote(d, off, &nh, &noff, &doff))) {
			const unsigned char *b = (const unsigned char *)d->d_buf;

			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp(b + noff, "GNU", 4) || !nh.n_descsz)
				continue;
			for (size_t i = 0; i < nh.n_descsz && i < 20; i++)
				sprintf(f->build_id + 2 * i, "%02x", b[doff + i]);
			return;
		}
	}
}

static int read_loads(Elf *e, struct ufile *f)
{
	size_t n;

	if (elf_getphdrnum(e, &n))
		return -1;
	f->loads = calloc(n ? n : 1, sizeof(*f->loads));
	if (!f->loads)
		return -1;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		f->loads[f->nloads++] = (struct load){ ph.p_offset, ph.p_vaddr,
						       ph.p_filesz };
	}
	return 0;
}

static int by_addr(const void *a, const void *b)
{
	const struct usym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* of aliases, the sized one first, then the table's order */
	if ((x->size != 0) != (y->size != 0))
		return x->size ? -1 : 1;
	return x->name < y->name ? -1 : x->name > y->name;
}

/* The symbols of one table (SHT_SYMTAB or SHT_DYNSYM); 0 if none. */
static int read_symbols(Elf *e, struct ufile *f, uint32_t type)
{
	Elf_Scn *scn = NULL;
	size_t names_len = 0;

	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh, str;
		Elf_Data *d;
		size_t n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != type ||
		    !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d)
			return -1;
		n = sh.sh_size / sh.sh_entsize;
		f->syms = calloc(n ? n : 1, sizeof(*f->syms));
		/* the names fit in the size of the string table */
		if (!gelf_getshdr(elf_getscn(e, sh.sh_link), &str) ||
		    !(f->names = malloc(str.sh_size + 1)))
			return -1;
		if (!f->syms)
			return -1;
		for (size_t i = 0; i < n; i++) {
			GElf_Sym s;
			const char *name;
			size_t len;
			int t;

			if (!gelf_getsym(d, (int)i, &s))
				continue;
			t = GELF_ST_TYPE(s.st_info);
			if ((t != STT_FUNC && t != STT_GNU_IFUNC &&
			     t != STT_OBJECT) || !s.st_value ||
			    s.st_shndx == SHN_UNDEF)
				continue;
			name = elf_strptr(e, sh.sh_link, s.st_name);
			if (!name || !*name)
				continue;
			len = strlen(name);
			if (names_len + len + 1 > str.sh_size + 1)
				continue;
			memcpy(f->names + names_len, name, len + 1);
			f->syms[f->nsyms++] = (struct usym){
				s.st_value, s.st_size, (uint32_t)names_len
			};
			names_len += len + 1;
		}
		qsort(f->syms, f->nsyms, sizeof(*f->syms), by_addr);
		return 1;
	}
	return 0;
}

static int load_elf(struct ufile *f, int fd)
{
	Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	int rc = -1;

	if (!e || elf_kind(e) != ELF_K_ELF)
		goto out;
	read_build_id(e, f);
	if (read_loads(e, f))
		goto out;
	rc = read_symbols(e, f, SHT_SYMTAB);
	if (rc == 0)
		rc = read_symbols(e, f, SHT_DYNSYM);
	rc = rc < 0 ? -1 : 0;
out:
	if (e)
		elf_end(e);
	return rc;
}

/*
 * The file of a mapping, loaded through map_files (the mapped file
 * itself) or, failing that, its path when that is still the same inode.
 */
static struct ufile *file_of(struct usyms *u, pid_t pid, uint64_t start,
			     uint64_t end, uint64_t dev, uint64_t ino,
			     const char *path)
{
	char mf[96];
	struct ufile *f, **v;
	struct stat st;
	int fd;

	for (size_t i = 0; i < u->nfiles; i++)
		if (u->files[i]->dev == dev && u->files[i]->ino == ino &&
		    !strcmp(u->files[i]->path, path))
			return u->files[i];
	snprintf(mf, sizeof(mf), "/proc/%d/map_files/%" PRIx64 "-%" PRIx64,
		 (int)pid, start, end);
	fd = open(mf, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && (fstat(fd, &st) || st.st_ino != ino)) {
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0)
		return NULL;
	f = calloc(1, sizeof(*f));
	if (!f || !(f->path = strdup(path)) || load_elf(f, fd)) {
		close(fd);
		if (f)
			file_free(f);
		return NULL;
	}
	close(fd);
	f->dev = dev;
	f->ino = ino;
	/* the same build-id under another name or inode: one table */
	for (size_t i = 0; f->build_id[0] && i < u->nfiles; i++)
		if (!strcmp(u->files[i]->build_id, f->build_id) &&
		    !strcmp(u->files[i]->path, path)) {
			file_free(f);
			return u->files[i];
		}
	v = realloc(u->files, (u->nfiles + 1) * sizeof(*v));
	if (!v) {
		file_free(f);
		return NULL;
	}
	u->files = v;
	v[u->nfiles++] = f;
	return f;
}

/* ------------------------------------------------------- processes */

static struct uproc *proc_of(struct usyms *u, pid_t pid)
{
	for (size_t i = u->nprocs; i-- > 0;)
		if (u->procs[i].pid == pid)
			return &u->procs[i];
	return NULL;
}

/* One line of /proc/PID/maps, if it is an executable file mapping. */
static void read_map_line(struct usyms *u, struct uproc *p, char *line)
{
	uint64_t start, end, pgoff, ino;
	unsigned int major, minor;
	char perms[8];
	int path_at = 0;
	struct umap *v;
	struct ufile *f;

	if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %x:%x %" SCNu64 " %n",
		   &start, &end, perms, &pgoff, &major, &minor, &ino,
		   &path_at) < 7 || !path_at || line[path_at] != '/' ||
	    !strchr(perms, 'x'))
		return;
	line[strcspn(line, "\n")] = '\0';
	f = file_of(u, p->pid, start, end,
		    (uint64_t)makedev(major, minor), ino, line + path_at);
	if (!f)
		return;
	v = realloc(p->maps, (p->n + 1) * sizeof(*v));
	if (!v)
		return;
	p->maps = v;
	v[p->n++] = (struct umap){ start, end, pgoff, f };
}

/* Replaces p's mappings by what /proc says now; -1 (p unchanged) when
 * the process is gone (a zombie has no mappings left). */
static int read_maps(struct usyms *u, struct uproc *p)
{
	char path[64], line[4096 + 128];
	struct uproc now = { .pid = p->pid };
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)p->pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		read_map_line(u, &now, line);
	fclose(f);
	if (!now.n) {
		free(now.maps);
		return -1;
	}
	free(p->maps);
	p->maps = now.maps;
	p->n = now.n;
	return 0;
}

static struct uproc *new_proc(struct usyms *u, pid_t pid)
{
	if (u->nprocs == MAX_PROCS) {
		free(u->procs[0].maps);
		free(u->procs[0].learned);
		memmove(u->procs, u->procs + 1,
			(u->nprocs - 1) * sizeof(*u->procs));
		u->nprocs--;
	} else {
		struct uproc *v = realloc(u->procs,
					  (u->nprocs + 1) * sizeof(*v));

		if (!v)
			return NULL;
		u->procs = v;
	}
	u->procs[u->nprocs] = (struct uproc){ .pid = pid };
	return &u->procs[u->nprocs++];
}

int usyms_note_pid(struct usyms *u, pid_t pid)
{
	struct uproc *p;

	if (!u || pid <= 0)
		return -1;
	u->last = pid;
	p = proc_of(u, pid);
	if (p)
		return p->gone ? -1 : 0;
	p = new_proc(u, pid);
	if (!p)
		return -1;
	p->gone = read_maps(u, p) != 0;
	return p->gone ? -1 : 0;
}

void usyms_learn(struct usyms *u, pid_t pid, uint64_t ip,
		 const unsigned char *build_id, uint64_t offset)
{
	struct uproc *p = u ? proc_of(u, pid) : NULL;
	struct learned *v;

	if (!p && u && pid > 0)
		p = new_proc(u, pid);
	if (!p || p->nlearned >= MAX_LEARNED)
		return;
	for (size_t i = 0; i < p->nlearned; i++)
		if (p->learned[i].ip == ip)
			return;
	v = realloc(p->learned, (p->nlearned + 1) * sizeof(*v));
	if (!v)
		return;
	p->learned = v;
	v[p->nlearned] = (struct learned){ .ip = ip, .offset = offset };
	memcpy(v[p->nlearned].build_id, build_id, 20);
	p->nlearned++;
}

void usyms_add_candidate(struct usyms *u, const char *path)
{
	char **v;

	if (!u || !path || path[0] != '/')
		return;
	for (size_t i = 0; i < u->ncandidates; i++)
		if (!strcmp(u->candidates[i], path))
			return;
	v = realloc(u->candidates, (u->ncandidates + 1) * sizeof(*v));
	if (!v)
		return;
	u->candidates = v;
	v[u->ncandidates] = strdup(path);
	if (v[u->ncandidates])
		u->ncandidates++;
}

static bool same_build_id(const struct ufile *f, const unsigned char *b)
{
	char hex[41];

	for (int i = 0; i < 20; i++)
		sprintf(hex + 2 * i, "%02x", b[i]);
	return f->build_id[0] && !strncmp(f->build_id, hex,
					  strlen(f->build_id));
}

/* The file with this build-id: one read already, else a candidate. */
static struct ufile *file_by_build_id(struct usyms *u,
				      const unsigned char *b)
{
	struct stat st;

	for (size_t i = 0; i < u->nfiles; i++)
		if (same_build_id(u->files[i], b))
			return u->files[i];
	for (size_t i = 0; i < u->ncandidates; i++) {
		struct ufile *f;

		if (stat(u->candidates[i], &st))
			continue;
		f = file_of(u, 0, 0, 0, (uint64_t)st.st_dev, st.st_ino,
			    u->candidates[i]);
		if (!f) {	/* not an ELF file: never again */
			free(u->candidates[i]);
			u->candidates[i--] = u->candidates[--u->ncandidates];
			continue;
		}
		if (same_build_id(f, b))
			return f;
	}
	return NULL;
}

static const struct usym *find_symbol(const struct ufile *f, uint64_t a)
{
	size_t lo = 0, hi = f->nsyms;
	const struct usym *s;

	while (lo < hi) {	/* first symbol above a */
		size_t mid = lo + (hi - lo) / 2;

		if (f->syms[mid].addr <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	s = &f->syms[lo - 1];
	while (s > f->syms && s[-1].addr == s->addr)
		s--;
	if (s->size ? a < s->addr + s->size : a == s->addr)
		return s;
	return NULL;
}

static const struct umap *map_of(const struct uproc *p, uint64_t addr)
{
	for (size_t i = 0; i < p->n; i++)
		if (addr >= p->maps[i].start && addr < p->maps[i].end)
			return &p->maps[i];
	return NULL;
}

/* The symbol at file offset off of f, into out (name NULL if none). */
static void name_offset(const struct ufile *f, uint64_t off,
			struct sym_info *out)
{
	for (size_t i = 0; i < f->nloads; i++) {
		const struct load *l = &f->loads[i];
		const struct usym *s;

		if (off < l->offset || off >= l->offset + l->filesz)
			continue;
		s = find_symbol(f, off - l->offset + l->vaddr);
		if (!s)
			return;
		out->name = f->names + s->name;
		out->offset = off - l->offset + l->vaddr - s->addr;
		out->size = s->size;
		return;
	}
}

static bool in_file(const struct ufile *f, uint64_t off)
{
	for (size_t i = 0; i < f->nloads; i++)
		if (off >= f->loads[i].offset &&
		    off < f->loads[i].offset + f->loads[i].filesz)
			return true;
	return false;
}

/*
 * A process whose mappings were not read: the frames BPF named by
 * build-id, the address itself or another of the same file (same load
 * address: ip - offset).
 */
static bool lookup_learned(struct usyms *u, struct uproc *p, uint64_t addr,
			   struct sym_info *out)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < p->nlearned; i++) {
			struct learned *l = &p->learned[i];
			uint64_t off = addr - (l->ip - l->offset);

			if (!l->tried) {
				l->tried = true;
				l->file = file_by_build_id(u, l->build_id);
			}
			if (!l->file || (pass == 0 && l->ip != addr) ||
			    !in_file(l->file, off))
				continue;
			out->module = l->file->path;
			out->module_offset = off;
			name_offset(l->file, off, out);
			return true;
		}
	}
	return false;
}

bool usyms_lookup(struct usyms *u, pid_t pid, uint64_t addr,
		  struct sym_info *out)
{
	struct uproc *p;
	const struct umap *m;
	uint64_t base;

	memset(out, 0, sizeof(*out));
	if (!u)
		return false;
	usyms_note_pid(u, pid);
	p = proc_of(u, pid);
	if (!p)
		return false;
	m = map_of(p, addr);
	if (!m && !p->gone && p->rereads < MAX_REREADS) { /* dlopen since? */
		p->rereads++;
		if (!read_maps(u, p))
			m = map_of(p, addr);
	}
	if (!m)
		return lookup_learned(u, p, addr, out);
	base = m->start - m->pgoff;
	for (size_t i = 0; i < p->n; i++)
		if (p->maps[i].file == m->file &&
		    p->maps[i].start - p->maps[i].pgoff < base)
			base = p->maps[i].start - p->maps[i].pgoff;
	out->module = m->file->path;
	out->module_offset = addr - base;
	name_offset(m->file, addr - m->start + m->pgoff, out);
	return true;
}
