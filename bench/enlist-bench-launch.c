/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-bench-launch.c: starts a program on the X display and watches the
 * X server, not the program, to see when its window first shows something:
 * the time from just before the fork to the first XDamage report on a
 * mapped top-level window after which the window holds more than one
 * colour (the first frame GTK drew into it: the server fills a new
 * window with its background colour when it is mapped, which is damage
 * too), when the window stopped changing, and the process's memory a
 * moment after the first frame. Nothing is injected into the program:
 * `enlist` is measured as it ships. One JSON object on stdout.
 *
 *   enlist-bench-launch [--rss-after-ms 1000] [--settle-ms 1000]
 *                       [--timeout-ms 30000] -- PROGRAM [ARG…]
 *
 * When ENLIST_BENCH_FRAME_FILE is set in the environment (the bench's own
 * minimal window honours it), the program writes the CLOCK_MONOTONIC time
 * of its first "after-paint" there; it is reported beside the X server's
 * view, which checks this way of measuring. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/Xdamage.h>

#define MAX_WINDOWS 64

typedef struct
{
  Window  window;
  Damage  damage;
  int     mapped;
} Watched;

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int ignore_x_errors;

/* A window may be gone before its Damage is created: not an error here. */
static int
x_error (Display     *display,
         XErrorEvent *event)
{
  (void) display;
  if (!ignore_x_errors)
    fprintf (stderr, "enlist-bench-launch: X error %d (request %d)\n",
             event->error_code, event->request_code);
  return 0;
}

static long
status_kib (pid_t       pid,
            const char *key)
{
  char path[64], line[256];
  size_t key_len = strlen (key);
  long value = -1;
  FILE *file;

  snprintf (path, sizeof path, "/proc/%d/status", (int) pid);
  file = fopen (path, "r");
  if (file == NULL)
    return -1;
  while (fgets (line, sizeof line, file) != NULL)
    if (strncmp (line, key, key_len) == 0 && line[key_len] == ':')
      {
        value = strtol (line + key_len + 1, NULL, 10);
        break;
      }
  fclose (file);
  return value;
}

/* Whether the window shows more than its background: not all one colour. */
static int
has_content (Display *display,
             Window   window)
{
  XWindowAttributes attributes;
  XImage *image;
  unsigned long first;
  int varied = 0;

  ignore_x_errors = 1;
  if (!XGetWindowAttributes (display, window, &attributes) ||
      attributes.map_state != IsViewable)
    {
      ignore_x_errors = 0;
      return 0;
    }
  image = XGetImage (display, window, 0, 0, attributes.width, attributes.height, AllPlanes,
                     ZPixmap);
  ignore_x_errors = 0;
  if (image == NULL)
    return 0;
  first = XGetPixel (image, 0, 0);
  for (int y = 0; y < image->height && !varied; y++)
    for (int x = 0; x < image->width; x++)
      if ((unsigned long) XGetPixel (image, x, y) != first)
        {
          varied = 1;
          break;
        }
  XDestroyImage (image);
  return varied;
}

static Watched *
find_watched (Watched *watched,
              int      n,
              Window   window)
{
  for (int i = 0; i < n; i++)
    if (watched[i].window == window)
      return &watched[i];
  return NULL;
}

static void
stop_child (pid_t pid)
{
  int status;

  kill (pid, SIGTERM);
  for (int i = 0; i < 300; i++)
    {
      if (waitpid (pid, &status, WNOHANG) == pid)
        return;
      usleep (10 * 1000);
    }
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
}

static double
read_frame_file (const char *path)
{
  FILE *file;
  long long ns;

  if (path == NULL || (file = fopen (path, "r")) == NULL)
    return -1;
  if (fscanf (file, "%lld", &ns) != 1)
    ns = -1;
  fclose (file);
  return ns < 0 ? -1 : ns / 1e6;
}

static int
usage (void)
{
  fprintf (stderr, "usage: enlist-bench-launch [--rss-after-ms MS] [--settle-ms MS] "
           "[--timeout-ms MS] -- PROGRAM [ARG…]\n");
  return 2;
}

int
main (int    argc,
      char **argv)
{
  double rss_after = 1000, settle = 1000, timeout = 30000;
  double start, first_frame = -1, last_damage = -1, mapped_at = -1, rss_at;
  double self_frame;
  long hwm = -1, rss = -1;
  int damage_event, damage_error, argi, n_watched = 0, n_damages = 0, n_early = 0, n_blank = 0;
  int failed = 0, exited = 0, settled = 0, status = 0;
  Watched watched[MAX_WINDOWS];
  Display *display;
  Window root;
  pid_t pid;

  for (argi = 1; argi < argc && strcmp (argv[argi], "--") != 0; argi += 2)
    {
      if (argi + 1 >= argc)
        return usage ();
      if (strcmp (argv[argi], "--rss-after-ms") == 0)
        rss_after = atof (argv[argi + 1]);
      else if (strcmp (argv[argi], "--settle-ms") == 0)
        settle = atof (argv[argi + 1]);
      else if (strcmp (argv[argi], "--timeout-ms") == 0)
        timeout = atof (argv[argi + 1]);
      else
        return usage ();
    }
  if (argi + 1 >= argc)
    return usage ();
  argi++;

  display = XOpenDisplay (NULL);
  if (display == NULL)
    {
      fprintf (stderr, "enlist-bench-launch: cannot open the X display\n");
      return 1;
    }
  if (!XDamageQueryExtension (display, &damage_event, &damage_error))
    {
      fprintf (stderr, "enlist-bench-launch: the X server has no DAMAGE extension\n");
      return 1;
    }
  XSetErrorHandler (x_error);
  fcntl (ConnectionNumber (display), F_SETFD, FD_CLOEXEC);
  root = DefaultRootWindow (display);
  /* new top-level windows and their mapping, before the program runs */
  XSelectInput (display, root, SubstructureNotifyMask);
  XSync (display, False);

  start = now_ms ();
  pid = fork ();
  if (pid < 0)
    {
      perror ("enlist-bench-launch: fork");
      return 1;
    }
  if (pid == 0)
    {
      execvp (argv[argi], argv + argi);
      fprintf (stderr, "enlist-bench-launch: cannot run %s: %s\n", argv[argi], strerror (errno));
      _exit (127);
    }
  rss_at = -1;

  for (;;)
    {
      double t = now_ms ();
      double wake = start + timeout;
      struct pollfd pfd = { ConnectionNumber (display), POLLIN, 0 };

      if (waitpid (pid, &status, WNOHANG) == pid)
        {
          exited = 1;
          break;
        }
      if (first_frame >= 0 && rss_at < 0 && t >= first_frame + rss_after)
        {
          hwm = status_kib (pid, "VmHWM");
          rss = status_kib (pid, "VmRSS");
          rss_at = t;
        }
      if (rss_at >= 0 && t >= last_damage + settle)
        {
          settled = 1;
          break;
        }
      /* past the deadline: a failure unless the first frame and the
       * memory were seen (then only "settled" is missing) */
      if (t >= start + timeout)
        {
          failed = rss_at < 0;
          break;
        }
      if (first_frame >= 0)
        {
          wake = rss_at < 0 ? first_frame + rss_after : last_damage + settle;
          if (wake > start + timeout)
            wake = start + timeout;
        }

      if (XPending (display) == 0)
        {
          int ms = (int) (wake - t) + 1;

          /* wake up now and then to notice the child's exit */
          poll (&pfd, 1, ms < 50 ? ms : 50);
          if (XPending (display) == 0)
            continue;
        }

      while (XPending (display) > 0)
        {
          XEvent event;
          double at;

          XNextEvent (display, &event);
          at = now_ms ();
          if (event.type == CreateNotify && event.xcreatewindow.parent == root &&
              n_watched < MAX_WINDOWS)
            {
              Watched *w = &watched[n_watched++];

              w->window = event.xcreatewindow.window;
              w->mapped = 0;
              ignore_x_errors = 1;
              w->damage = XDamageCreate (display, w->window, XDamageReportNonEmpty);
              XFlush (display);
              ignore_x_errors = 0;
            }
          else if (event.type == MapNotify)
            {
              Watched *w = find_watched (watched, n_watched, event.xmap.window);

              if (w != NULL && !w->mapped)
                {
                  w->mapped = 1;
                  if (mapped_at < 0)
                    mapped_at = at;
                }
            }
          else if (event.type == damage_event + XDamageNotify)
            {
              XDamageNotifyEvent *damage = (XDamageNotifyEvent *) &event;
              Watched *w = find_watched (watched, n_watched, damage->drawable);

              if (w == NULL)
                continue;
              /* report again on the next change */
              XDamageSubtract (display, damage->damage, None, None);
              if (!w->mapped)
                {
                  n_early++;
                  continue;
                }
              n_damages++;
              last_damage = at;
              if (first_frame < 0)
                {
                  if (has_content (display, w->window))
                    first_frame = at;
                  else
                    n_blank++;
                }
            }
        }
    }

  self_frame = read_frame_file (getenv ("ENLIST_BENCH_FRAME_FILE"));
  if (!exited)
    stop_child (pid);

  printf ("{\"ok\": %s, \"first_frame_ms\": %.3f, \"mapped_ms\": %.3f, \"settled_ms\": %.3f, "
          "\"damages\": %d, \"blank_damages\": %d, \"damages_before_map\": %d, \"windows\": %d, "
          "\"vm_hwm_kib\": %ld, \"vm_rss_kib\": %ld, \"self_first_frame_ms\": %.3f, "
          "\"exited_early\": %s}\n",
          failed || exited || first_frame < 0 ? "false" : "true",
          first_frame >= 0 ? first_frame - start : -1,
          mapped_at >= 0 ? mapped_at - start : -1,
          settled ? last_damage - start : -1,
          n_damages, n_blank, n_early, n_watched, hwm, rss,
          self_frame >= 0 ? self_frame - start : -1,
          exited ? "true" : "false");
  XCloseDisplay (display);
  return failed || exited || first_frame < 0 ? 1 : 0;
}
