/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-ui-test-input.c: real key presses and pointer clicks for the UI
 * tests, through xdotool and the X server (see the header). */
#define G_LOG_DOMAIN "enlist-ui-test"

#include "config.h"

#include <gdk/x11/gdkx.h>

#include "enlist-ui-test-input.h"
#include "enlist-ui-test-utils.h"

static void
xdotool (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = -1;

  g_ptr_array_add (argv, (char *) "xdotool");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  /* missing xdotool is a failure, not a skip */
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("xdotool %s: %s (%s)", args[0], error->message, err);
  /* the events reach GTK through the X server: a round trip brings all of
   * them in, then they are handled */
  gdk_display_sync (gdk_display_get_default ());
  for (guint i = 0; i < 3; i++)
    {
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
      enlist_ui_test_iterate (20);
    }
}

void
enlist_ui_test_press (const char *keys)
{
  const char *args[] = { "key", "--clearmodifiers", keys, NULL };

  xdotool (args);
}

void
enlist_ui_test_type (const char *text)
{
  const char *args[] = { "type", "--delay", "10", "--clearmodifiers", text, NULL };

  xdotool (args);
}

void
enlist_ui_test_pointer_click (GtkWidget *widget)
{
  GtkNative *native;
  GdkSurface *surface;
  graphene_point_t middle, in_native;
  double surface_x, surface_y;
  g_autofree char *window = NULL;
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;
  g_autofree char *near_x = NULL;
  g_autofree char *near_y = NULL;

  g_assert_true (gtk_widget_get_mapped (widget));
  native = gtk_widget_get_native (widget);
  g_assert_nonnull (native);
  surface = gtk_native_get_surface (native);
  g_assert_true (GDK_IS_X11_SURFACE (surface));

  /* the middle of the widget in its surface's coordinates (a window's
   * surface has room for its shadow around the widget) */
  middle = GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.0,
                                gtk_widget_get_height (widget) / 2.0);
  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &middle, &in_native));
  gtk_native_get_surface_transform (native, &surface_x, &surface_y);

  window = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
  /* a pointer arrives in steps: a motion near the middle, then on it */
  near_x = g_strdup_printf ("%d", (int) (in_native.x + surface_x) - 3);
  near_y = g_strdup_printf ("%d", (int) (in_native.y + surface_y) - 2);
  x = g_strdup_printf ("%d", (int) (in_native.x + surface_x));
  y = g_strdup_printf ("%d", (int) (in_native.y + surface_y));
  {
    const char *near[] = { "mousemove", "--sync", "--window", window, near_x, near_y, NULL };
    const char *move[] = { "mousemove", "--sync", "--window", window, x, y, NULL };
    const char *click[] = { "click", "1", NULL };

    xdotool (near);
    xdotool (move);
    xdotool (click);
  }
}
