/*
 * tests/runner/exit134.c - preloaded into the tool by the exit-status
 * audit (tests/runner/exit_status.sh): when the tool exits normally, its
 * exit status becomes 134, as when a sanitizer reports a leak at exit
 * with abort_on_error, and the run is counted.
 *
 * Preloaded rather than wrapped in a script, because the audit must keep
 * the tool's own process: the server tests send the server SIGTERM,
 * SIGHUP and SIGKILL by its pid, which a wrapper script would receive in
 * its place (leaving the real server running). A run that ends by a
 * signal is not counted: a sanitizer could not have changed its status
 * either.
 *
 * VZ_EXIT134_COUNT names the file that gets one line per counted run.
 * Both it and LD_PRELOAD are removed from the environment at start, so
 * the programs the tool runs (chromium for PDF reports) are not
 * affected; a forked child that exits is not counted either.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pid_t main_pid;
static char count_path[4096];

__attribute__((constructor)) static void
exit134_init(void)
{
	const char *p = getenv("VZ_EXIT134_COUNT");

	main_pid = getpid();
	if (p != NULL && strlen(p) < sizeof(count_path))
		memcpy(count_path, p, strlen(p) + 1);
	unsetenv("VZ_EXIT134_COUNT");
	unsetenv("LD_PRELOAD");
}

/* Runs in exit(), after the program's atexit handlers. The streams are
 * flushed first: _exit skips that, and the output must be whole. */
__attribute__((destructor)) static void
exit134_fini(void)
{
	int fd;

	if (getpid() != main_pid)
		return;
	fflush(NULL);
	if (count_path[0] != '\0') {
		fd = open(count_path, O_WRONLY | O_APPEND | O_CREAT, 0666);
		if (fd >= 0) {
			if (write(fd, "run\n", 4) != 4)
				_exit(3);
			close(fd);
		}
	}
	_exit(134);
}
