/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-ui-test-input.h: real key presses and pointer clicks, sent
 * through the X server (XTEST, by xdotool) as a person's keyboard and
 * mouse would send them, and handled by GTK before these return. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Keys as xdotool names them ("Return", "ctrl+n", "shift+Tab"), to the
 * window with the keyboard focus. */
void     enlist_ui_test_press          (const char *keys);
/* Text typed key by key. */
void     enlist_ui_test_type           (const char *text);
/* Moves the pointer to the middle of widget (mapped, in a window or a
 * popover on the X server) and clicks the primary button there. */
void     enlist_ui_test_pointer_click  (GtkWidget  *widget);

G_END_DECLS
