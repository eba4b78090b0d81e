// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/rusage CMD [ARG...]: runs CMD once (stdin, stdout and stderr to
 * /dev/null) and prints on stdout "wall_us cpu_us maxrss_kib exit" from
 * CLOCK_MONOTONIC around fork..wait4 and wait4()'s rusage of the child.
 * A tiny static program on purpose: at execve the kernel folds the old
 * address space's high-water RSS into the child's ru_maxrss, so a big
 * parent (Python: 15 MiB) would set the floor of every figure.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long us(const struct timeval *tv)
{
	return tv->tv_sec * 1000000LL + tv->tv_usec;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status, null;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CMD [ARG...]\n", argv[0]);
		return 64;
	}
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid) {
		perror("fork/wait4");
		return 70;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%lld %lld %ld %d\n",
	       (t1.tv_sec - t0.tv_sec) * 1000000LL + (t1.tv_nsec - t0.tv_nsec) / 1000,
	       us(&ru.ru_utime) + us(&ru.ru_stime), ru.ru_maxrss,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}
