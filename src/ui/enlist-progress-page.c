/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-progress-page.c: a spinner and the registration's stage in words. */
#define G_LOG_DOMAIN "enlist-progress-page"

#include "config.h"

#include "enlist-progress-page.h"

struct _EnlistProgressPage
{
  AdwBin              parent_instance;

  GtkSpinner         *spinner;
  GtkLabel           *stage_label;
  GtkLabel           *server_label;

  EnlistRegistration *registration;
};

G_DEFINE_FINAL_TYPE (EnlistProgressPage, enlist_progress_page, ADW_TYPE_BIN)

static void
stage_changed_cb (EnlistProgressPage *self)
{
  const char *text = enlist_registration_stage_describe (
    enlist_registration_get_stage (self->registration));

  /* Between two operations the stage is IDLE for a moment: the words of
   * the last stage stay rather than flicker away. */
  if (text != NULL)
    gtk_label_set_text (self->stage_label, text);
}

void
enlist_progress_page_set_registration (EnlistProgressPage *self,
                                       EnlistRegistration *registration,
                                       const char         *server,
                                       const char         *before)
{
  g_return_if_fail (ENLIST_IS_PROGRESS_PAGE (self));
  g_return_if_fail (registration == NULL || ENLIST_IS_REGISTRATION (registration));

  if (self->registration != NULL)
    g_signal_handlers_disconnect_by_func (self->registration, stage_changed_cb, self);
  g_set_object (&self->registration, registration);
  gtk_label_set_text (self->server_label, server != NULL ? server : "");
  gtk_label_set_text (self->stage_label, before != NULL ? before : "");
  if (registration == NULL)
    return;

  g_signal_connect_object (registration, "notify::stage", G_CALLBACK (stage_changed_cb), self,
                           G_CONNECT_SWAPPED);
  stage_changed_cb (self);
}

const char *
enlist_progress_page_get_text (EnlistProgressPage *self)
{
  g_return_val_if_fail (ENLIST_IS_PROGRESS_PAGE (self), NULL);

  return gtk_label_get_text (self->stage_label);
}

/* A spinner that turns only while it can be seen costs nothing hidden. */
static void
enlist_progress_page_map (GtkWidget *widget)
{
  EnlistProgressPage *self = ENLIST_PROGRESS_PAGE (widget);

  GTK_WIDGET_CLASS (enlist_progress_page_parent_class)->map (widget);
  gtk_spinner_start (self->spinner);
}

static void
enlist_progress_page_unmap (GtkWidget *widget)
{
  EnlistProgressPage *self = ENLIST_PROGRESS_PAGE (widget);

  gtk_spinner_stop (self->spinner);
  GTK_WIDGET_CLASS (enlist_progress_page_parent_class)->unmap (widget);
}

static void
enlist_progress_page_dispose (GObject *object)
{
  EnlistProgressPage *self = ENLIST_PROGRESS_PAGE (object);

  if (self->registration != NULL)
    g_signal_handlers_disconnect_by_func (self->registration, stage_changed_cb, self);
  g_clear_object (&self->registration);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENLIST_TYPE_PROGRESS_PAGE);

  G_OBJECT_CLASS (enlist_progress_page_parent_class)->dispose (object);
}

static void
enlist_progress_page_class_init (EnlistProgressPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enlist_progress_page_dispose;
  widget_class->map = enlist_progress_page_map;
  widget_class->unmap = enlist_progress_page_unmap;

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/enlist/Enlist/ui/enlist-progress-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EnlistProgressPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, EnlistProgressPage, stage_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistProgressPage, server_label);
}

static void
enlist_progress_page_init (EnlistProgressPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
enlist_progress_page_new (void)
{
  return g_object_new (ENLIST_TYPE_PROGRESS_PAGE, NULL);
}
