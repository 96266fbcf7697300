/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-form-page.c: the registration form with its "Register" button;
 * views come and go with the server's forms. */
#define G_LOG_DOMAIN "enlist-form-page"

#include "config.h"

#include "enlist-display-text.h"
#include "enlist-form-page.h"

struct _EnlistFormPage
{
  AdwBin          parent_instance;

  GtkLabel       *error_label;
  AdwBin         *view_bin;
  GtkButton      *register_button;

  EnlistDataForm *form;
  EnlistFormView *view;
  gboolean        valid;
  gboolean        edited;
};

G_DEFINE_FINAL_TYPE (EnlistFormPage, enlist_form_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_VALID,
  N_PROPS
};

enum {
  SIGNAL_SUBMIT,
  SIGNAL_RENEW,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
update_valid (EnlistFormPage *self)
{
  gboolean valid = self->view != NULL && enlist_form_view_get_valid (self->view);

  if (valid == self->valid)
    return;
  self->valid = valid;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
}

static void
view_activate_cb (EnlistFormPage *self)
{
  g_signal_emit (self, signals[SIGNAL_SUBMIT], 0);
}

static void
captcha_renew_cb (EnlistFormPage *self)
{
  g_signal_emit (self, signals[SIGNAL_RENEW], 0);
}

static void
field_values_cb (EnlistFormPage *self)
{
  self->edited = TRUE;
}

static void
watch_fields (EnlistFormPage *self,
              gboolean        watch)
{
  if (self->form == NULL)
    return;
  for (guint i = 0; i < enlist_data_form_get_n_fields (self->form); i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (self->form, i);

      if (watch)
        g_signal_connect_object (field, "notify::values", G_CALLBACK (field_values_cb), self,
                                 G_CONNECT_SWAPPED);
      else
        g_signal_handlers_disconnect_by_func (field, field_values_cb, self);
    }
}

/* What was typed into the confirmation row is the user's too. */
static void
carry_confirmation (EnlistFormView *from,
                    EnlistFormView *to)
{
  EnlistPasswordRows *old_rows = from != NULL ? enlist_form_view_get_password_rows (from) : NULL;
  EnlistPasswordRows *new_rows = enlist_form_view_get_password_rows (to);
  GtkEditable *old_confirm, *new_confirm;

  if (old_rows == NULL || new_rows == NULL ||
      g_strcmp0 (enlist_password_rows_get_password (old_rows),
                 enlist_password_rows_get_password (new_rows)) != 0)
    return;
  old_confirm = GTK_EDITABLE (enlist_password_rows_get_confirm_row (old_rows));
  new_confirm = GTK_EDITABLE (enlist_password_rows_get_confirm_row (new_rows));
  if (g_strcmp0 (gtk_editable_get_text (old_confirm), gtk_editable_get_text (new_confirm)) != 0)
    gtk_editable_set_text (new_confirm, gtk_editable_get_text (old_confirm));
}

void
enlist_form_page_set_form (EnlistFormPage *self,
                           EnlistDataForm *form)
{
  g_autoptr(EnlistFormView) old_view = NULL;
  EnlistCaptchaView *captcha;

  g_return_if_fail (ENLIST_IS_FORM_PAGE (self));
  g_return_if_fail (form == NULL || ENLIST_IS_DATA_FORM (form));

  watch_fields (self, FALSE);
  g_set_object (&self->form, form);
  old_view = self->view != NULL ? g_object_ref (self->view) : NULL;
  if (old_view != NULL)
    g_signal_handlers_disconnect_by_data (old_view, self);
  self->view = NULL;
  enlist_form_page_set_error (self, NULL);

  if (form == NULL)
    {
      self->edited = FALSE;
      adw_bin_set_child (self->view_bin, NULL);
      update_valid (self);
      return;
    }

  self->view = ENLIST_FORM_VIEW (enlist_form_view_new (form));
  carry_confirmation (old_view, self->view);
  adw_bin_set_child (self->view_bin, GTK_WIDGET (self->view));
  g_signal_connect_object (self->view, "notify::valid", G_CALLBACK (update_valid), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view, "activate", G_CALLBACK (view_activate_cb), self,
                           G_CONNECT_SWAPPED);
  captcha = enlist_form_view_get_captcha_view (self->view);
  if (captcha != NULL)
    g_signal_connect_object (captcha, "renew", G_CALLBACK (captcha_renew_cb), self,
                             G_CONNECT_SWAPPED);
  watch_fields (self, TRUE);
  update_valid (self);
}

EnlistDataForm *
enlist_form_page_get_form (EnlistFormPage *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_PAGE (self), NULL);

  return self->form;
}

EnlistFormView *
enlist_form_page_get_view (EnlistFormPage *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_PAGE (self), NULL);

  return self->view;
}

gboolean
enlist_form_page_get_valid (EnlistFormPage *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_PAGE (self), FALSE);

  return self->valid;
}

gboolean
enlist_form_page_get_edited (EnlistFormPage *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_PAGE (self), FALSE);

  return self->edited;
}

void
enlist_form_page_set_busy (EnlistFormPage *self,
                           gboolean        busy)
{
  g_return_if_fail (ENLIST_IS_FORM_PAGE (self));

  gtk_widget_set_sensitive (GTK_WIDGET (self->view_bin), !busy);
}

void
enlist_form_page_set_error (EnlistFormPage *self,
                            const char     *message)
{
  g_autofree char *shown = NULL;

  g_return_if_fail (ENLIST_IS_FORM_PAGE (self));

  shown = enlist_display_text (message, ENLIST_DISPLAY_DESCRIPTION_CHARS, TRUE);
  gtk_label_set_text (self->error_label, shown != NULL ? shown : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), shown != NULL);
}

const char *
enlist_form_page_get_error (EnlistFormPage *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_PAGE (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

GtkWidget *
enlist_form_page_get_default_widget (EnlistFormPage *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_PAGE (self), NULL);

  return GTK_WIDGET (self->register_button);
}

static gboolean
enlist_form_page_grab_focus (GtkWidget *widget)
{
  EnlistFormPage *self = ENLIST_FORM_PAGE (widget);

  if (self->view != NULL && enlist_form_view_focus_first_empty (self->view))
    return TRUE;
  return gtk_widget_grab_focus (GTK_WIDGET (self->register_button));
}

static void
enlist_form_page_dispose (GObject *object)
{
  EnlistFormPage *self = ENLIST_FORM_PAGE (object);

  watch_fields (self, FALSE);
  g_clear_object (&self->form);
  self->view = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), ENLIST_TYPE_FORM_PAGE);

  G_OBJECT_CLASS (enlist_form_page_parent_class)->dispose (object);
}

static void
enlist_form_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  EnlistFormPage *self = ENLIST_FORM_PAGE (object);

  switch (prop_id)
    {
    case PROP_VALID:
      g_value_set_boolean (value, self->valid);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_form_page_class_init (EnlistFormPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enlist_form_page_dispose;
  object_class->get_property = enlist_form_page_get_property;
  widget_class->grab_focus = enlist_form_page_grab_focus;

  properties[PROP_VALID] =
    g_param_spec_boolean ("valid", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SUBMIT] =
    g_signal_new ("submit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[SIGNAL_RENEW] =
    g_signal_new ("renew", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/enlist/Enlist/ui/enlist-form-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EnlistFormPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistFormPage, view_bin);
  gtk_widget_class_bind_template_child (widget_class, EnlistFormPage, register_button);
}

static void
enlist_form_page_init (EnlistFormPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
enlist_form_page_new (void)
{
  return g_object_new (ENLIST_TYPE_FORM_PAGE, NULL);
}
