// SPDX-License-Identifier: GPL-2.0-or-later
/* The GNU build-id of an ELF file; see build_id.h. */
#include "build_id.h"

#include <fcntl.h>
#include <gelf.h>
#include <string.h>
#include <unistd.h>

/* Looks through one note section or segment's data for NT_GNU_BUILD_ID. */
static int scan_notes(Elf_Data *data, char *hex)
{
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;

	while (data && (off = gelf_getnote(data, off, &nh, &name_off,
					   &desc_off)) > 0) {
		const unsigned char *desc = (const unsigned char *)data->d_buf +
					    desc_off;

		if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
		    memcmp((const char *)data->d_buf + name_off, "GNU", 4) ||
		    !nh.n_descsz || nh.n_descsz > (BUILD_ID_HEX_MAX - 1) / 2)
			continue;
		for (size_t i = 0; i < nh.n_descsz; i++) {
			static const char digits[] = "0123456789abcdef";

			hex[2 * i] = digits[desc[i] >> 4];
			hex[2 * i + 1] = digits[desc[i] & 15];
		}
		hex[2 * nh.n_descsz] = '\0';
		return 1;
	}
	return 0;
}

int build_id_of_file(const char *path, char *hex)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), found = 0;
	Elf_Scn *scn = NULL;
	Elf *elf;

	hex[0] = '\0';
	if (fd < 0)
		return -1;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		if (elf)
			elf_end(elf);
		close(fd);
		return -1;
	}
	while (!found && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_NOTE)
			found = scan_notes(elf_getdata(scn, NULL), hex);
	}
	elf_end(elf);
	close(fd);
	return found;
}
