/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-ui-test-utils.h: driving real widgets in the UI tests (run under
 * tests/ui-session): set-up, waiting for the main loop, and screenshots of
 * what a test checked. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* gtk_test_init + adw_init + the application's resources and stylesheet;
 * animations off. */
void      enlist_ui_test_init        (int          *argc,
                                      char       ***argv);
/* Runs the main context for about ms milliseconds. */
void      enlist_ui_test_iterate     (guint         ms);
/* Runs the main context until condition (data) is TRUE; fails the test
 * after timeout_ms, naming what was waited for. */
void      enlist_ui_test_wait_until  (gboolean    (*condition) (gpointer data),
                                      gpointer      data,
                                      guint         timeout_ms,
                                      const char   *what);
/* Presents window and waits until it is mapped and has drawn a frame. */
void      enlist_ui_test_show        (GtkWindow    *window);
/* Waits for the widget's next frame. */
void      enlist_ui_test_wait_draw   (GtkWidget    *widget);
/* Renders widget (a window, usually) with its own renderer into
 * $ENLIST_SCREENSHOT_DIR/NAME.png (default: screenshots/ under the test
 * build directory) and returns the path. */
char     *enlist_ui_test_screenshot  (GtkWidget    *widget,
                                      const char   *name);
/* The first descendant of root (itself included) of type type whose
 * title (rows, windows, status pages), label text
 * (labels, buttons, menu items; mnemonic marks removed) or tooltip equals
 * name; NULL if none. Depth first. */
GtkWidget *enlist_ui_test_find       (GtkWidget    *root,
                                      GType         type,
                                      const char   *name);
/* "_Change Password…" → "Change Password…" */
char      *enlist_ui_test_strip_mnemonic (const char *label);

/* Makes a browser of this session's fresh XDG directories the default for
 * http: and https:, one that writes down the address it was asked to open;
 * then enlist_ui_test_wait_opened returns that address (failing the test if
 * nothing is opened within 10 s). */
void       enlist_ui_test_install_recording_browser (void);
char      *enlist_ui_test_wait_opened               (void);

G_END_DECLS
