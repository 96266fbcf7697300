/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-ui-test-utils.c: driving real widgets in the UI tests. */
#define G_LOG_DOMAIN "enlist-ui-test"

#include "config.h"

#include <glib/gstdio.h>

#include "enlist-application.h"
#include "enlist-ui-test-utils.h"

void
enlist_ui_test_init (int    *argc,
                     char ***argv)
{
  g_autoptr(GtkCssProvider) css = NULL;

  gtk_test_init (argc, argv, NULL);
  adw_init ();
  enlist_application_register_resources ();
  /* Screenshots show where widgets end up, not a frame of their way there
   * (libadwaita's animations follow this setting too). */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  /* what AdwApplication does for the app from its resource base path */
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/io/github/enlist/Enlist/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
enlist_ui_test_iterate (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

void
enlist_ui_test_wait_until (gboolean    (*condition) (gpointer data),
                           gpointer      data,
                           guint         timeout_ms,
                           const char   *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gboolean tick = FALSE;
  guint source;

  /* a periodic wake-up, so that the deadline is seen even when idle */
  source = g_timeout_add (20, set_flag, &tick);
  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out after %u ms waiting for %s", timeout_ms, what);
      g_main_context_iteration (NULL, TRUE);
      /* set_flag removed its source when it fired: add the next one */
      if (tick)
        {
          tick = FALSE;
          source = g_timeout_add (20, set_flag, &tick);
        }
    }
  if (!tick)
    g_source_remove (source);
}

static void
after_paint (GdkFrameClock *clock,
             gpointer       data)
{
  *(gboolean *) data = TRUE;
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

void
enlist_ui_test_wait_draw (GtkWidget *widget)
{
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong handler;

  clock = gtk_widget_get_frame_clock (widget);
  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), &painted);
  gtk_widget_queue_draw (widget);
  enlist_ui_test_wait_until (flag_is_set, &painted, 10000, "a frame to be drawn");
  g_signal_handler_disconnect (clock, handler);
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

void
enlist_ui_test_show (GtkWindow *window)
{
  gtk_window_present (window);
  enlist_ui_test_wait_until (is_mapped, window, 10000, "the window to be mapped");
  enlist_ui_test_wait_draw (GTK_WIDGET (window));
}

char *
enlist_ui_test_screenshot (GtkWidget  *widget,
                           const char *name)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;
  char *path;
  GskRenderer *renderer;
  int width, height;

  enlist_ui_test_wait_draw (widget);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (g_getenv ("ENLIST_SCREENSHOT_DIR") != NULL)
    dir = g_strdup (g_getenv ("ENLIST_SCREENSHOT_DIR"));
  else
    dir = g_test_build_filename (G_TEST_BUILT, "screenshots", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
  return path;
}

char *
enlist_ui_test_strip_mnemonic (const char *label)
{
  char *plain = g_strdup (label != NULL ? label : "");
  char *q = plain;

  /* "_Next" is shown as "Next" */
  for (const char *p = plain; *p != '\0'; p++)
    if (*p != '_')
      *q++ = *p;
  *q = '\0';
  return plain;
}

static gboolean
widget_is_named (GtkWidget  *widget,
                 const char *name)
{
  const char *tooltip = gtk_widget_get_tooltip_text (widget);

  if (g_strcmp0 (tooltip, name) == 0)
    return TRUE;
  /* a menu's item (GTK's model buttons are private) */
  if (g_str_equal (G_OBJECT_TYPE_NAME (widget), "GtkModelButton"))
    {
      g_autofree char *text = NULL;
      g_autofree char *plain = NULL;

      g_object_get (widget, "text", &text, NULL);
      plain = enlist_ui_test_strip_mnemonic (text);
      return g_str_equal (plain, name);
    }
  if (ADW_IS_PREFERENCES_ROW (widget))
    return g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), name) == 0;
  if (ADW_IS_STATUS_PAGE (widget))
    return g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (widget)), name) == 0;
  if (GTK_IS_WINDOW (widget))
    return g_strcmp0 (gtk_window_get_title (GTK_WINDOW (widget)), name) == 0;
  if (GTK_IS_LABEL (widget))
    return g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), name) == 0;
  if (GTK_IS_BUTTON (widget))
    {
      const char *label = gtk_button_get_label (GTK_BUTTON (widget));
      GtkWidget *child = gtk_button_get_child (GTK_BUTTON (widget));

      if (label != NULL && gtk_button_get_use_underline (GTK_BUTTON (widget)))
        {
          g_autofree char *plain = enlist_ui_test_strip_mnemonic (label);

          if (g_str_equal (plain, name))
            return TRUE;
        }
      if (g_strcmp0 (label, name) == 0)
        return TRUE;
      if (ADW_IS_BUTTON_CONTENT (child))
        return g_strcmp0 (adw_button_content_get_label (ADW_BUTTON_CONTENT (child)), name) == 0;
    }
  return FALSE;
}

GtkWidget *
enlist_ui_test_find (GtkWidget  *root,
                     GType       type,
                     const char *name)
{
  if (g_type_is_a (G_OBJECT_TYPE (root), type) && (name == NULL || widget_is_named (root, name)))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = enlist_ui_test_find (child, type, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static char *
recording_browser_output (void)
{
  return g_build_filename (g_get_user_data_dir (), "record-uri.opened", NULL);
}

void
enlist_ui_test_install_recording_browser (void)
{
  g_autofree char *applications = g_build_filename (g_get_user_data_dir (), "applications", NULL);
  g_autofree char *script = g_build_filename (g_get_user_data_dir (), "record-uri", NULL);
  g_autofree char *desktop = g_build_filename (applications, "enlist-test-browser.desktop", NULL);
  g_autofree char *mimeapps = g_build_filename (g_get_user_config_dir (), "mimeapps.list", NULL);
  g_autofree char *output = recording_browser_output ();
  g_autofree char *entry = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (applications, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_config_dir (), 0700), ==, 0);
  g_unlink (output);
  /* written aside and renamed, so that the file appears whole */
  g_assert_true (g_file_set_contents (script,
                                      "#!/bin/sh\n"
                                      "printf '%s' \"$1\" > \"$0.part\" && mv \"$0.part\" \"$0.opened\"\n",
                                      -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (script, 0700), ==, 0);
  entry = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Test Browser\n"
                           "Exec=%s %%u\nNoDisplay=true\n"
                           "MimeType=x-scheme-handler/http;x-scheme-handler/https;\n", script);
  g_assert_true (g_file_set_contents (desktop, entry, -1, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (mimeapps,
                                      "[Default Applications]\n"
                                      "x-scheme-handler/http=enlist-test-browser.desktop\n"
                                      "x-scheme-handler/https=enlist-test-browser.desktop\n",
                                      -1, &error));
  g_assert_no_error (error);
}

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

char *
enlist_ui_test_wait_opened (void)
{
  g_autofree char *output = recording_browser_output ();
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  enlist_ui_test_wait_until (file_exists, output, 10000, "the test browser to be started");
  g_assert_true (g_file_get_contents (output, &contents, NULL, &error));
  g_assert_no_error (error);
  g_unlink (output);
  return contents;
}
