/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-window.c: the main window, shown for real under Xvfb. */
#include "config.h"

#include "enlist-application.h"
#include "enlist-ui-test-utils.h"
#include "enlist-window.h"

static void
test_window_empty (void)
{
  g_autoptr(EnlistApplication) app = enlist_application_new ();
  g_autofree char *shot = NULL;
  GtkWidget *window;

  g_application_register (G_APPLICATION (app), NULL, NULL);
  window = GTK_WIDGET (enlist_window_new (app));
  enlist_ui_test_show (GTK_WINDOW (window));

  g_assert_nonnull (enlist_ui_test_find (window, ADW_TYPE_STATUS_PAGE, "No Accounts"));
  g_assert_nonnull (enlist_ui_test_find (window, GTK_TYPE_MENU_BUTTON, "Main Menu"));
  shot = enlist_ui_test_screenshot (window, "window-empty");
  g_assert_true (g_file_test (shot, G_FILE_TEST_IS_REGULAR));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  enlist_ui_test_init (&argc, &argv);
  g_test_add_func ("/window/empty", test_window_empty);
  return g_test_run ();
}
