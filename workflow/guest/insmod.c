// SPDX-License-Identifier: GPL-2.0
/*
 * par-insmod, the insmod of the test initramfs (workflow only, not part of
 * the series): one finit_module() call, as kmod's insmod makes. Busybox's
 * insmod tries init_module() again whenever finit_module() fails, and the
 * test module, which does its work in its init function and then fails on
 * purpose (EAGAIN on success), would run every test twice.
 *   par-insmod FILE [PARAM=VALUE ...]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char opts[4096] = "";
	size_t len = 0;
	int fd, i, n;

	if (argc < 2) {
		fprintf(stderr, "usage: par-insmod FILE [PARAM=VALUE ...]\n");
		return 1;
	}
	for (i = 2; i < argc; i++) {
		n = snprintf(opts + len, sizeof(opts) - len, "%s%s",
			     len ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= sizeof(opts) - len) {
			fprintf(stderr, "par-insmod: options too long\n");
			return 1;
		}
		len += n;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "par-insmod: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (syscall(SYS_finit_module, fd, opts, 0)) {
		fprintf(stderr, "par-insmod: cannot insert '%s': %s\n", argv[1],
			strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	return 0;
}
