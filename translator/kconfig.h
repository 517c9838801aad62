/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel configuration, for CONFIG_* preprocessor conditions.
 *
 * Read from --kernel-config FILE when given (plain or .gz), else from
 * /proc/config.gz when the target is the running kernel, else
 * from /boot/config-RELEASE or /lib/modules/RELEASE/build/.config. A kernel
 * whose configuration cannot be found has every option unset (""), which is
 * what stap assumes too.
 */
#ifndef BSTAP_KCONFIG_H
#define BSTAP_KCONFIG_H

#include <stdbool.h>

struct session;
struct kconfig;

/*
 * The configuration of s->kernel_release (or the running kernel), read once
 * and owned by the session: callers do not free it.
 */
struct kconfig *kconfig_load(struct session *s);
/* For session_release. */
void kconfig_free(struct kconfig *kc);

/* "y", "m", "42", "\"str\"" as the file has it; "" when unset. */
const char *kconfig_value(const struct kconfig *kc, const char *name);

/* Whether a configuration file was found at all (for -v messages). */
bool kconfig_found(const struct kconfig *kc);

/* The release without its local suffix: "6.1.0-13-amd64" -> "6.1.0". */
const char *kernel_base_release(struct session *s, const char *release);

#endif
