// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input at scale for /sys/kernel/mm/atomic_reserve (workflow only, not
 * part of the series). Runs as root in the test guest:
 *   fuzz-sysfs [WRITES [SEED]]     (default 10000 writes, seed 1)
 *
 * 1. Two writer processes at once, WRITES in all, each writing inputs drawn
 *    from a pseudo-random mix of malformed and boundary forms (empty,
 *    whitespace, signs, hex and octal, 2^32 and 2^64 and beyond, trailing
 *    garbage, strings longer than a page, bytes >= 0x80, NUL bytes, node
 *    syntax) to a writable file drawn at random (pcp_high, low_percent,
 *    every node<N>/size of a node with memory). A model of kstrto*() and
 *    of the ABI (Documentation/ABI/testing/sysfs-kernel-mm-atomic_reserve)
 *    says which errno each write must fail with (a write of 0 bytes
 *    returns 0 and changes nothing); only inputs the model rejects are
 *    written, so no file may change while they run: after every write
 *    the writer reads every writable file and max_size back and compares
 *    them with the values from before.
 * 2. One writer, the boundary values the ABI accepts (1 and 64, 1 and 100,
 *    0 and max_size, with '+' and a trailing newline): each must succeed
 *    and read back as the number written. The values from before are
 *    written back at the end.
 * 3. A non-root writer (uid 65534) opening every writable file for writing
 *    is refused with EACCES, and so is root for every read-only file; no
 *    value changes.
 * Prints TAP lines for the three and a summary line with the counts.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROOT	"/sys/kernel/mm/atomic_reserve"
#define MAXF	64
#define PAGE	4096

enum kind { PCP_HIGH, LOW_PERCENT, SIZE };

struct wfile {
	char path[256];
	enum kind kind;
	unsigned long long max;		/* SIZE: the node's max_size */
};

static struct wfile wf[MAXF];
static int nwf;
static char rofiles[MAXF * 32][256];
static int nro;
static unsigned long long snap[MAXF], snap_max[MAXF];
static char maxpath[MAXF][256];

static unsigned long long rng;

static unsigned int rnd(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (unsigned int)(rng % n) : 0;
}

static int read_ull(const char *path, unsigned long long *v)
{
	char buf[64];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	*v = strtoull(buf, NULL, 10);
	return 0;
}

/* kstrtoull(s, 10): an optional '+', digits, an optional '\n'. */
static int model_kstrtoull(const char *s, unsigned long long *res)
{
	unsigned long long v = 0;
	int n = 0, overflow = 0;

	if (*s == '+')
		s++;
	for (; *s >= '0' && *s <= '9'; s++, n++) {
		unsigned int d = *s - '0';

		if (v > (ULLONG_MAX - d) / 10)
			overflow = 1;
		v = v * 10 + d;
	}
	if (overflow)
		return -ERANGE;
	if (!n)
		return -EINVAL;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = v;
	return 0;
}

/*
 * What a write of @buf (@len bytes) to @f must return: 0 (accepted, the
 * value in *@val), NOOP or a negative errno. sysfs hands the store the
 * first page of the write, up to its first NUL; a write of 0 bytes never
 * reaches it and returns 0 with nothing changed.
 */
#define NOOP	1

static int model(const struct wfile *f, const char *buf, size_t len,
		 unsigned long long *val)
{
	char s[PAGE + 1];
	unsigned long long v;
	int err;

	if (!len)
		return NOOP;
	if (len > PAGE)
		len = PAGE;
	memcpy(s, buf, len);
	s[len] = 0;
	err = model_kstrtoull(s, &v);
	if (err)
		return err;
	switch (f->kind) {
	case PCP_HIGH:
		if (v != (unsigned int)v || !v || v > 64)
			return -ERANGE;
		break;
	case LOW_PERCENT:
		if (v != (unsigned int)v || !v || v > 100)
			return -ERANGE;
		break;
	case SIZE:
		if (v > f->max)
			return -ERANGE;
		break;
	}
	*val = v;
	return 0;
}

static const char *const forms[] = {
	"", "\n", " ", "\t", "\n\n", " 1", "1 ", "1\n\n", "\n1", "1\t",
	"-0", "-1", "+", "++1", "+-1", "-+1", "--1", "+\n",
	"0x10", "0X1f", "0x", "0b1", "0o7", "1e3", "1.5", "1,000", ".5",
	"4294967296", "4294967297", "18446744073709551615",
	"18446744073709551616", "99999999999999999999999999",
	"12abc", "12 x", "12\nx", "12\n\n", "abc", "x", "NaN", "inf", "-inf",
	"0:64", "node0 64", "N0=64", "0,1", "0-1", "all", "max", "size=64",
	"\xef\xbc\x91\xef\xbc\x92", "\xff", "\x80\x81", "1\xc2\xa0",
	"\xd9\xa1", "64\xff",
};

/*
 * Fill @buf with an input for @f, from the forms above, a boundary value
 * off by one, a string longer than a page, embedded NUL bytes or random
 * bytes. Returns its length.
 */
static size_t gen(const struct wfile *f, char *buf, size_t cap)
{
	unsigned long long hi = f->kind == PCP_HIGH ? 64 :
				f->kind == LOW_PERCENT ? 100 : f->max;
	size_t len, i;
	const char *pad;

	switch (rnd(8)) {
	case 0:
	case 1:
	case 2: {
		const char *s = forms[rnd(sizeof(forms) / sizeof(forms[0]))];

		len = strlen(s);
		memcpy(buf, s, len);
		return len;
	}
	case 3:	/* just out of range, in the forms the parser accepts */
		pad = rnd(2) ? "+" : "";
		return snprintf(buf, cap, "%s%llu%s", pad,
				rnd(2) || f->kind == SIZE ? hi + 1 : 0ULL,
				rnd(2) ? "\n" : "");
	case 4:	/* longer than a page: digits, zeros and a digit, letters */
		len = PAGE + rnd(2048);
		pad = rnd(3) == 0 ? "9" : rnd(2) ? "a" : "0";
		for (i = 0; i < len; i++)
			buf[i] = *pad;
		if (*pad == '0')
			buf[len - 1] = 'x';
		return len;
	case 5:	/* an embedded NUL after garbage, or garbage after a NUL */
		len = snprintf(buf, cap, "x%u", rnd(64));
		buf[len++] = 0;
		buf[len++] = '1';
		return len;
	case 6:	/* a valid number with something after it */
		return snprintf(buf, cap, "%u%c", rnd(64) + 1,
				"x -+.:,\t\x01\x7f\xff"[rnd(12)]);
	default: /* random bytes */
		len = 1 + rnd(32);
		for (i = 0; i < len; i++)
			buf[i] = (char)rnd(256);
		return len;
	}
}

static void add_rw(const char *path, enum kind kind, unsigned long long max)
{
	if (nwf == MAXF)
		return;
	snprintf(wf[nwf].path, sizeof(wf[nwf].path), "%s", path);
	wf[nwf].kind = kind;
	wf[nwf].max = max;
	nwf++;
}

static void add_ro_dir(const char *dir)
{
	struct dirent *d;
	DIR *dp = opendir(dir);

	if (!dp)
		return;
	while ((d = readdir(dp)) && nro < (int)(sizeof(rofiles) / sizeof(rofiles[0]))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(rofiles[nro++], sizeof(rofiles[0]), "%.180s/%.64s", dir, d->d_name);
	}
	closedir(dp);
}

static int scan(void)
{
	char p[256], q[256];
	struct dirent *d;
	DIR *dp = opendir(ROOT);
	unsigned long long max;

	if (!dp)
		return -1;
	add_rw(ROOT "/pcp_high", PCP_HIGH, 0);
	add_rw(ROOT "/low_percent", LOW_PERCENT, 0);
	add_ro_dir(ROOT "/stats");
	while ((d = readdir(dp))) {
		if (strncmp(d->d_name, "node", 4))
			continue;
		snprintf(p, sizeof(p), ROOT "/%.64s/max_size", d->d_name);
		if (read_ull(p, &max))
			continue;
		snprintf(rofiles[nro++], sizeof(rofiles[0]), "%s", p);
		snprintf(q, sizeof(q), ROOT "/%.64s/stats", d->d_name);
		add_ro_dir(q);
		/* A node without memory takes 0 only (-EINVAL otherwise). */
		if (!max)
			continue;
		snprintf(maxpath[nwf], sizeof(maxpath[0]), "%s", p);
		snprintf(q, sizeof(q), ROOT "/%.64s/size", d->d_name);
		add_rw(q, SIZE, max);
	}
	closedir(dp);
	return nwf > 2 ? 0 : -1;
}

static int snapshot(unsigned long long *v, unsigned long long *m)
{
	int i;

	for (i = 0; i < nwf; i++) {
		if (read_ull(wf[i].path, &v[i]))
			return -1;
		m[i] = 0;
		if (wf[i].kind == SIZE && read_ull(maxpath[i], &m[i]))
			return -1;
	}
	return 0;
}

/* Returns the write's result: bytes written or -errno. */
static long do_write(const char *path, const char *buf, size_t len)
{
	long r;
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return -errno;
	r = write(fd, buf, len);
	if (r < 0)
		r = -errno;
	close(fd);
	return r;
}

static const char *ename(long e)
{
	switch (-e) {
	case EINVAL: return "EINVAL";
	case ERANGE: return "ERANGE";
	case EACCES: return "EACCES";
	case EBUSY: return "EBUSY";
	default: return "other";
	}
}

static void show(const char *what, const char *buf, size_t len)
{
	size_t i;

	fprintf(stdout, "# %s: %zu bytes '", what, len);
	for (i = 0; i < len && i < 40; i++)
		fprintf(stdout, isprint((unsigned char)buf[i]) && buf[i] != '\\' ? "%c" : "\\x%02x",
			(unsigned char)buf[i]);
	fprintf(stdout, "%s'\n", len > 40 ? "..." : "");
}

/* One writer of phase 1: @n rejected writes. Exit status: 0 or 1. */
static int writer(unsigned int n, unsigned long long seed, int out)
{
	static char buf[PAGE * 2];
	unsigned long long v[MAXF], m[MAXF], val;
	unsigned int done = 0, skipped = 0, bad = 0, changed = 0, einval = 0;
	unsigned int erange = 0, noop = 0;
	char line[160];
	int i, len;

	rng = seed;
	while (done < n) {
		const struct wfile *f = &wf[rnd(nwf)];
		size_t blen = gen(f, buf, sizeof(buf));
		int want = model(f, buf, blen, &val);
		long got;

		if (!want) {
			skipped++;	/* the model accepts it: phase 2's */
			continue;
		}
		got = do_write(f->path, buf, blen);
		done++;
		if (want == NOOP)
			want = 0;	/* and nothing may change */
		if (got != want) {
			if (bad++ < 5) {
				printf("# %s: want %s, got %ld (%s)\n", f->path,
				       ename(want), got, got < 0 ? ename(got) : "accepted");
				show("input", buf, blen);
			}
		}
		if (want == -EINVAL)
			einval++;
		else if (want == -ERANGE)
			erange++;
		else
			noop++;
		if (snapshot(v, m)) {
			bad++;
			continue;
		}
		for (i = 0; i < nwf; i++) {
			if (v[i] == snap[i] && m[i] == snap_max[i])
				continue;
			if (changed++ < 5) {
				printf("# %s changed from %llu to %llu after a rejected write\n",
				       wf[i].path, snap[i], v[i]);
				show("input", buf, blen);
			}
		}
	}
	len = snprintf(line, sizeof(line), "%u %u %u %u %u %u %u\n", done, bad,
		       changed, einval, erange, skipped, noop);
	if (write(out, line, len) != len)
		return 1;
	return bad || changed;
}

/* Phase 2: the boundary values the ABI accepts, each read back. */
static int accepts(unsigned int *tried)
{
	unsigned long long lo, hi, got;
	int i, j, bad = 0;
	long r;

	for (i = 0; i < nwf; i++) {
		const char *fmt[] = { "%llu", "+%llu", "%llu\n", "00%llu" };
		unsigned long long vals[2];

		lo = wf[i].kind == SIZE ? 0 : 1;
		hi = wf[i].kind == PCP_HIGH ? 64 :
		     wf[i].kind == LOW_PERCENT ? 100 : wf[i].max;
		vals[0] = lo;
		vals[1] = hi;
		for (j = 0; j < 8; j++) {
			char buf[64];
			int len = snprintf(buf, sizeof(buf), fmt[j % 4], vals[j / 4]);

			(*tried)++;
			r = do_write(wf[i].path, buf, len);
			if (r != len || read_ull(wf[i].path, &got) || got != vals[j / 4]) {
				bad++;
				printf("# %s <- '%s': %ld, reads %llu\n", wf[i].path,
				       buf, r, got);
			}
		}
	}
	/* The values from before; sizes last, pcp_high drains the caches. */
	for (i = 0; i < nwf; i++) {
		char buf[32];
		int len = snprintf(buf, sizeof(buf), "%llu", snap[i]);

		if (do_write(wf[i].path, buf, len) != len)
			bad++;
	}
	return bad;
}

/* Phase 3: non-root on every writable file, root on every read-only one. */
static int refusals(unsigned int *tried)
{
	unsigned long long v[MAXF], m[MAXF];
	int i, bad = 0, status;
	pid_t pid;

	for (i = 0; i < nro; i++) {
		(*tried)++;
		if (do_write(rofiles[i], "0", 1) != -EACCES) {
			bad++;
			printf("# root writing %s: not EACCES\n", rofiles[i]);
		}
	}
	*tried += nwf;
	pid = fork();
	if (pid == 0) {
		int nbad = 0;

		if (setgid(65534) || setuid(65534))
			_exit(100);
		for (i = 0; i < nwf; i++) {
			if (do_write(wf[i].path, "1", 1) != -EACCES) {
				nbad++;
				printf("# uid 65534 writing %s: not EACCES\n", wf[i].path);
			}
		}
		fflush(stdout);
		_exit(nbad);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		bad++;
	if (snapshot(v, m) || memcmp(v, snap, nwf * sizeof(*v)))
		bad++;
	return bad;
}

int main(int argc, char **argv)
{
	unsigned int n = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
	unsigned long long seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
	/* Both writers' counts: done, bad, changed, EINVAL, ERANGE, skipped, 0 bytes. */
	unsigned int t[7] = { 0 }, v[7], acc = 0, ref = 0;
	int fds[2], w, i, status, bad = 0, bad2, bad3;
	pid_t pid[2];
	FILE *in;

	if (scan() || snapshot(snap, snap_max)) {
		printf("not ok 1 sysfs fuzz: cannot read %s\n", ROOT);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (pipe(fds))
		return 1;
	for (w = 0; w < 2; w++) {
		pid[w] = fork();
		if (pid[w] == 0) {
			close(fds[0]);
			_exit(writer(n / 2 + (w ? n % 2 : 0),
				     seed * 2654435761ULL + w + 1, fds[1]));
		}
	}
	close(fds[1]);
	in = fdopen(fds[0], "r");
	for (w = 0; w < 2; w++) {
		if (!in || fscanf(in, "%u %u %u %u %u %u %u", &v[0], &v[1], &v[2],
				  &v[3], &v[4], &v[5], &v[6]) != 7) {
			bad++;
			continue;
		}
		for (i = 0; i < 7; i++)
			t[i] += v[i];
	}
	for (w = 0; w < 2; w++)
		if (waitpid(pid[w], &status, 0) != pid[w] || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			bad++;
	if (t[0] != n)
		bad++;
	printf("# sysfs fuzz, seed %llu: %u files written, %u read-only; %u writes from two writers (EINVAL %u, ERANGE %u, 0 bytes %u), %u with another result, %u values changed after one; %u drawn inputs the model accepts not written\n",
	       seed, nwf, nro, t[0], t[3], t[4], t[6], t[1], t[2], t[5]);
	printf("%sok 1 sysfs fuzz: %u malformed, out-of-range or empty writes from two writers, each refused with the ABI's errno (empty: 0 bytes written), no value changed\n",
	       bad ? "not " : "", t[0]);
	bad2 = accepts(&acc);
	printf("%sok 2 sysfs fuzz: %u boundary writes the ABI allows accepted and read back\n",
	       bad2 ? "not " : "", acc);
	bad3 = refusals(&ref);
	printf("%sok 3 sysfs fuzz: %u writes to read-only files (root) and writable files (uid 65534) refused with EACCES\n",
	       bad3 ? "not " : "", ref);
	return bad || bad2 || bad3;
}
