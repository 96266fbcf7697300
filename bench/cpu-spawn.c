/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The launcher bench/run-cpu measures each client through:
 *
 *   cpu-spawn RESULT_FILE PROGRAM [ARG…]
 *
 * forks, execs PROGRAM in the child, waits for it with wait4() and writes
 * the child's rusage to RESULT_FILE as one JSON line
 * {"utime_us": …, "stime_us": …, "maxrss_kib": …}; exits with the child's
 * exit code (128 + N if a signal N ended it).
 *
 * Why not straight from Python's os.wait4(): Linux counts, in a process's
 * ru_maxrss, the resident size of the memory image it had before exec, and
 * a child of Python starts with the interpreter's image (about 20 MiB here,
 * with vfork or fork alike), so every client smaller than that read as the
 * size of the Python parent.  This launcher is small, and its own child
 * starts with the launcher's image (about 1 MiB).  run-cpu compiles it with
 * gcc into a temporary directory; it is not part of the meson build.
 */

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  struct rusage ru;
  int status;
  pid_t pid;
  FILE *out;

  if (argc < 3)
    {
      fprintf (stderr, "usage: cpu-spawn RESULT_FILE PROGRAM [ARG…]\n");
      return 125;
    }
  pid = fork ();
  if (pid < 0)
    {
      perror ("cpu-spawn: fork");
      return 125;
    }
  if (pid == 0)
    {
      execvp (argv[2], argv + 2);
      perror ("cpu-spawn: exec");
      _exit (127);
    }
  if (wait4 (pid, &status, 0, &ru) != pid)
    {
      perror ("cpu-spawn: wait4");
      return 125;
    }
  out = fopen (argv[1], "w");
  if (!out)
    {
      perror ("cpu-spawn: result file");
      return 125;
    }
  fprintf (out, "{\"utime_us\": %lld, \"stime_us\": %lld, \"maxrss_kib\": %ld}\n",
           (long long) ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
           (long long) ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec,
           ru.ru_maxrss);
  fclose (out);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return WEXITSTATUS (status);
}
