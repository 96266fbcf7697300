/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-result-page.c: the new account's address and where its password
 * is kept; a password the keyring refused is shown once, to copy; and,
 * for a server that wants new accounts activated, that this is to do. */
#define G_LOG_DOMAIN "enlist-result-page"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-display-text.h"
#include "enlist-result-page.h"

struct _EnlistResultPage
{
  AdwBin           parent_instance;

  AdwToastOverlay *toast_overlay;
  GtkLabel        *address_intro_label;
  GtkLabel        *address_label;
  GtkButton       *copy_address_button;
  GtkWidget       *saved_box;
  GtkWidget       *unsaved_box;
  GtkLabel        *activation_label;
  GtkLabel        *password_label;
  GtkButton       *copy_password_button;
  GtkButton       *done_button;

  char            *address;
  gboolean         password_shown;
  gboolean         password_copied;
};

G_DEFINE_FINAL_TYPE (EnlistResultPage, enlist_result_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_DEFAULT_WIDGET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
toast (EnlistResultPage *self,
       const char       *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
copy_address_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  EnlistResultPage *self = ENLIST_RESULT_PAGE (widget);

  g_return_if_fail (self->address != NULL);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->address);
  toast (self, _("Address copied"));
}

static void
copy_password_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  EnlistResultPage *self = ENLIST_RESULT_PAGE (widget);

  g_return_if_fail (self->password_shown);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget),
                          gtk_label_get_text (self->password_label));
  if (!self->password_copied)
    {
      self->password_copied = TRUE;
      /* Enter now means Done */
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEFAULT_WIDGET]);
    }
  toast (self, _("Password copied"));
}

void
enlist_result_page_set_result (EnlistResultPage *self,
                               const char       *address,
                               const char       *unsaved_password)
{
  g_return_if_fail (ENLIST_IS_RESULT_PAGE (self));

  enlist_result_page_clear (self);

  self->address = g_strdup (address);
  if (address != NULL)
    {
      g_autofree char *shown = enlist_display_text (address, ENLIST_DISPLAY_DESCRIPTION_CHARS,
                                                    FALSE);

      gtk_label_set_text (self->address_intro_label, _("Your new chat address:"));
      gtk_label_set_text (self->address_label, shown);
    }
  else
    gtk_label_set_text (self->address_intro_label,
                        _("The server did not say the new address. It is the name you chose, "
                          "followed by @ and the server’s name."));
  gtk_widget_set_visible (GTK_WIDGET (self->address_label), address != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->copy_address_button), address != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "result.copy-address", address != NULL);

  self->password_shown = unsaved_password != NULL;
  self->password_copied = FALSE;
  gtk_label_set_text (self->password_label, unsaved_password != NULL ? unsaved_password : "");
  gtk_widget_set_visible (self->saved_box, !self->password_shown);
  gtk_widget_set_visible (self->unsaved_box, self->password_shown);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "result.copy-password",
                                 self->password_shown);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEFAULT_WIDGET]);
}

void
enlist_result_page_set_activation (EnlistResultPage *self,
                                   gboolean          needed,
                                   const char       *server_text)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_if_fail (ENLIST_IS_RESULT_PAGE (self));

  if (needed)
    {
      g_string_append (text, _("The server does not let the new account log in yet. Activate it "
                               "from the e-mail the server sent, then sign in."));
      if (server_text != NULL && *server_text != '\0')
        {
          g_autofree char *shown = enlist_display_text (server_text,
                                                        ENLIST_DISPLAY_DESCRIPTION_CHARS, TRUE);
          g_autofree char *said = g_strdup_printf (_("The server said: “%s”"), shown);

          g_string_append_printf (text, "\n\n%s", said);
        }
    }
  gtk_label_set_text (self->activation_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->activation_label), needed);
}

gboolean
enlist_result_page_get_activation_shown (EnlistResultPage *self)
{
  g_return_val_if_fail (ENLIST_IS_RESULT_PAGE (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->activation_label));
}

void
enlist_result_page_clear (EnlistResultPage *self)
{
  g_return_if_fail (ENLIST_IS_RESULT_PAGE (self));

  g_clear_pointer (&self->address, g_free);
  /* GtkLabel keeps no copy once its text is replaced */
  if (self->password_label != NULL)
    gtk_label_set_text (self->password_label, "");
  self->password_shown = FALSE;
}

const char *
enlist_result_page_get_address (EnlistResultPage *self)
{
  g_return_val_if_fail (ENLIST_IS_RESULT_PAGE (self), NULL);

  return self->address;
}

gboolean
enlist_result_page_get_password_shown (EnlistResultPage *self)
{
  g_return_val_if_fail (ENLIST_IS_RESULT_PAGE (self), FALSE);

  return self->password_shown;
}

GtkWidget *
enlist_result_page_get_default_widget (EnlistResultPage *self)
{
  g_return_val_if_fail (ENLIST_IS_RESULT_PAGE (self), NULL);

  if (self->password_shown && !self->password_copied)
    return GTK_WIDGET (self->copy_password_button);
  return GTK_WIDGET (self->done_button);
}

static void
enlist_result_page_dispose (GObject *object)
{
  EnlistResultPage *self = ENLIST_RESULT_PAGE (object);

  enlist_result_page_clear (self);
  /* the toast overlay is the bin's child and a template child at once:
   * the bin lets go of it first, so that only the template unparents it */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENLIST_TYPE_RESULT_PAGE);

  G_OBJECT_CLASS (enlist_result_page_parent_class)->dispose (object);
}

static void
enlist_result_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  EnlistResultPage *self = ENLIST_RESULT_PAGE (object);

  switch (prop_id)
    {
    case PROP_DEFAULT_WIDGET:
      g_value_set_object (value, enlist_result_page_get_default_widget (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_result_page_class_init (EnlistResultPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enlist_result_page_dispose;
  object_class->get_property = enlist_result_page_get_property;

  /* what Enter activates */
  properties[PROP_DEFAULT_WIDGET] =
    g_param_spec_object ("default-widget", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/enlist/Enlist/ui/enlist-result-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EnlistResultPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, EnlistResultPage, address_intro_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistResultPage, address_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistResultPage, copy_address_button);
  gtk_widget_class_bind_template_child (widget_class, EnlistResultPage, saved_box);
  gtk_widget_class_bind_template_child (widget_class, EnlistResultPage, unsaved_box);
  gtk_widget_class_bind_template_child (widget_class, EnlistResultPage, activation_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistResultPage, password_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistResultPage, copy_password_button);
  gtk_widget_class_bind_template_child (widget_class, EnlistResultPage, done_button);

  gtk_widget_class_install_action (widget_class, "result.copy-address", NULL,
                                   copy_address_action);
  gtk_widget_class_install_action (widget_class, "result.copy-password", NULL,
                                   copy_password_action);
}

static void
enlist_result_page_init (EnlistResultPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
enlist_result_page_new (void)
{
  return g_object_new (ENLIST_TYPE_RESULT_PAGE, NULL);
}
