/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The start-up baseline for bench/run-cpu: a program linked against
 * gio-2.0 only (with --no-as-needed, so GIO, GObject and GLib are loaded
 * like in enlist-cli) that does nothing but parse its command line with a
 * GOptionContext; `cpu-gio-minimal --help` prints the help and exits 0.
 * run-cpu compiles it with gcc into a temporary directory; it is never
 * committed built and is not part of the meson build.
 */

#include <gio/gio.h>
#include <stdlib.h>

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  gboolean flag = FALSE;
  GOptionEntry entries[] = {
    { "flag", 0, 0, G_OPTION_ARG_NONE, &flag, "A flag that does nothing", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };

  context = g_option_context_new ("- the start-up baseline");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  return EXIT_SUCCESS;
}
