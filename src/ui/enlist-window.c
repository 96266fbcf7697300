/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-window.c: the main window: the accounts Enlist keeps, or an empty
 * state that invites the user to create one. */
#define G_LOG_DOMAIN "enlist-window"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-window.h"

struct _EnlistWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay     *toast_overlay;
  GtkStack            *stack;
};

G_DEFINE_FINAL_TYPE (EnlistWindow, enlist_window, ADW_TYPE_APPLICATION_WINDOW)

static void
enlist_window_class_init (EnlistWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/enlist/Enlist/ui/enlist-window.ui");
  gtk_widget_class_bind_template_child (widget_class, EnlistWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, EnlistWindow, stack);
}

static void
enlist_window_init (EnlistWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

EnlistWindow *
enlist_window_new (EnlistApplication *application)
{
  return g_object_new (ENLIST_TYPE_WINDOW, "application", application, NULL);
}
