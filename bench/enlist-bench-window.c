/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-bench-window.c: the yardstick for Enlist's launch: the least a
 * libadwaita application shows, an AdwApplicationWindow of the main
 * window's default size with an AdwHeaderBar over an AdwStatusPage, in a
 * unique AdwApplication like Enlist's. With ENLIST_BENCH_FRAME_FILE set it
 * writes the CLOCK_MONOTONIC time (ns) of the window's first after-paint
 * there, so that enlist-bench-launch's view from the X server can be
 * checked against the program's own. */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include <adwaita.h>

static void
after_paint (GdkFrameClock *clock,
             gpointer       user_data)
{
  const char *path = g_getenv ("ENLIST_BENCH_FRAME_FILE");
  struct timespec ts;
  FILE *file;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  g_signal_handlers_disconnect_by_func (clock, after_paint, user_data);
  file = fopen (path, "w");
  if (file == NULL)
    g_error ("cannot write %s", path);
  fprintf (file, "%lld\n", (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec);
  fclose (file);
}

static void
window_realized (GtkWidget *window,
                 gpointer   user_data)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (after_paint), NULL);
}

static void
activate (GApplication *app,
          gpointer      user_data)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *status = adw_status_page_new ();

  gtk_window_set_title (GTK_WINDOW (window), "Bench");
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 640);
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "dialog-information-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (status), "Nothing Here");
  adw_status_page_set_description (ADW_STATUS_PAGE (status),
                                   "A minimal libadwaita window to compare launches with.");
  gtk_widget_set_vexpand (status, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), status);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);

  if (g_getenv ("ENLIST_BENCH_FRAME_FILE") != NULL)
    g_signal_connect (window, "realize", G_CALLBACK (window_realized), NULL);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(AdwApplication) app =
    adw_application_new ("io.github.enlist.BenchWindow", G_APPLICATION_DEFAULT_FLAGS);

  g_signal_connect (app, "activate", G_CALLBACK (activate), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
