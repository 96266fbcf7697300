/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-captcha-view.c: a CAPTCHA challenge: image, states, renewal and
 * the fallback web page. */
#define G_LOG_DOMAIN "enlist-captcha-view"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-captcha-view.h"
#include "enlist-display-text.h"
#include "enlist-pixel-picture.h"

struct _EnlistCaptchaView
{
  AdwBin                  parent_instance;

  GtkStack               *stack;
  GtkSpinner             *spinner;
  EnlistPixelPicture     *picture;
  GtkLabel               *error_label;
  GtkLinkButton          *fallback_link;
  GtkLabel               *fallback_label;
  GtkLabel               *link_error_label;

  GCancellable           *cancellable;
  EnlistMediaImage       *image;
  char                   *fallback_url;
  EnlistCaptchaViewState  state;
};

G_DEFINE_FINAL_TYPE (EnlistCaptchaView, enlist_captcha_view, ADW_TYPE_BIN)

enum {
  SIGNAL_RENEW,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_state (EnlistCaptchaView      *self,
           EnlistCaptchaViewState  state)
{
  static const char * const pages[] = { "loading", "image", "error" };

  self->state = state;
  gtk_stack_set_visible_child_name (self->stack, pages[state]);
  gtk_spinner_set_spinning (self->spinner, state == ENLIST_CAPTCHA_VIEW_LOADING);
  /* one request for a new image at a time */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "captcha.renew",
                                 state != ENLIST_CAPTCHA_VIEW_LOADING);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->stack), GTK_ACCESSIBLE_STATE_BUSY,
                               state == ENLIST_CAPTCHA_VIEW_LOADING, -1);
}

static void
renew_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  EnlistCaptchaView *self = ENLIST_CAPTCHA_VIEW (widget);

  enlist_captcha_view_set_loading (self);
  g_signal_emit (self, signals[SIGNAL_RENEW], 0);
}

static void
launch_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(EnlistCaptchaView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("Could not open the web page: %s"), error->message);
      gtk_label_set_text (self->link_error_label, message);
      gtk_widget_set_visible (GTK_WIDGET (self->link_error_label), TRUE);
    }
}

/* GtkLinkButton would use gtk_show_uri (no result, deprecated in 4.10). */
static gboolean
fallback_link_activate_cb (EnlistCaptchaView *self)
{
  g_autoptr(GdkAppLaunchContext) context = NULL;

  if (self->fallback_url == NULL)
    return TRUE;

  gtk_widget_set_visible (GTK_WIDGET (self->link_error_label), FALSE);
  context = gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (self)));
  g_app_info_launch_default_for_uri_async (self->fallback_url, G_APP_LAUNCH_CONTEXT (context),
                                           self->cancellable, launch_cb, g_object_ref (self));
  gtk_link_button_set_visited (self->fallback_link, TRUE);
  return TRUE;
}

static void
enlist_captcha_view_dispose (GObject *object)
{
  EnlistCaptchaView *self = ENLIST_CAPTCHA_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENLIST_TYPE_CAPTCHA_VIEW);

  G_OBJECT_CLASS (enlist_captcha_view_parent_class)->dispose (object);
}

static void
enlist_captcha_view_finalize (GObject *object)
{
  EnlistCaptchaView *self = ENLIST_CAPTCHA_VIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->image);
  g_free (self->fallback_url);

  G_OBJECT_CLASS (enlist_captcha_view_parent_class)->finalize (object);
}

static void
enlist_captcha_view_class_init (EnlistCaptchaViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enlist_captcha_view_dispose;
  object_class->finalize = enlist_captcha_view_finalize;

  signals[SIGNAL_RENEW] =
    g_signal_new ("renew", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (ENLIST_TYPE_PIXEL_PICTURE);
  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/enlist/Enlist/ui/enlist-captcha-view.ui");
  gtk_widget_class_bind_template_child (widget_class, EnlistCaptchaView, stack);
  gtk_widget_class_bind_template_child (widget_class, EnlistCaptchaView, spinner);
  gtk_widget_class_bind_template_child (widget_class, EnlistCaptchaView, picture);
  gtk_widget_class_bind_template_child (widget_class, EnlistCaptchaView, error_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistCaptchaView, fallback_link);
  gtk_widget_class_bind_template_child (widget_class, EnlistCaptchaView, fallback_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistCaptchaView, link_error_label);
  gtk_widget_class_bind_template_callback (widget_class, fallback_link_activate_cb);

  gtk_widget_class_install_action (widget_class, "captcha.renew", NULL, renew_action);
}

static void
enlist_captcha_view_init (EnlistCaptchaView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  set_state (self, ENLIST_CAPTCHA_VIEW_LOADING);
}

GtkWidget *
enlist_captcha_view_new (void)
{
  return g_object_new (ENLIST_TYPE_CAPTCHA_VIEW, NULL);
}

EnlistCaptchaViewState
enlist_captcha_view_get_state (EnlistCaptchaView *self)
{
  g_return_val_if_fail (ENLIST_IS_CAPTCHA_VIEW (self), ENLIST_CAPTCHA_VIEW_LOADING);

  return self->state;
}

void
enlist_captcha_view_set_loading (EnlistCaptchaView *self)
{
  g_return_if_fail (ENLIST_IS_CAPTCHA_VIEW (self));

  set_state (self, ENLIST_CAPTCHA_VIEW_LOADING);
}

void
enlist_captcha_view_set_image (EnlistCaptchaView *self,
                               EnlistMediaImage  *image)
{
  g_return_if_fail (ENLIST_IS_CAPTCHA_VIEW (self));
  g_return_if_fail (ENLIST_IS_MEDIA_IMAGE (image));

  g_set_object (&self->image, image);
  enlist_pixel_picture_set_pixbuf (self->picture, enlist_media_image_get_pixbuf (image));
  set_state (self, ENLIST_CAPTCHA_VIEW_IMAGE);
}

EnlistMediaImage *
enlist_captcha_view_get_image (EnlistCaptchaView *self)
{
  g_return_val_if_fail (ENLIST_IS_CAPTCHA_VIEW (self), NULL);

  return self->image;
}

void
enlist_captcha_view_set_error (EnlistCaptchaView *self,
                               const char        *message)
{
  g_autofree char *shown = NULL;

  g_return_if_fail (ENLIST_IS_CAPTCHA_VIEW (self));
  g_return_if_fail (message != NULL);

  shown = enlist_display_text (message, ENLIST_DISPLAY_DESCRIPTION_CHARS, TRUE);
  gtk_label_set_text (self->error_label, shown);
  g_clear_object (&self->image);
  enlist_pixel_picture_set_pixbuf (self->picture, NULL);
  set_state (self, ENLIST_CAPTCHA_VIEW_ERROR);
}

void
enlist_captcha_view_set_description (EnlistCaptchaView *self,
                                     const char        *description)
{
  g_autofree char *shown = NULL;

  g_return_if_fail (ENLIST_IS_CAPTCHA_VIEW (self));

  shown = enlist_display_text (description, ENLIST_DISPLAY_DESCRIPTION_CHARS, TRUE);
  if (shown != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->picture),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, shown, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self->picture),
                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

void
enlist_captcha_view_set_fallback_url (EnlistCaptchaView *self,
                                      const char        *url)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *tooltip = NULL;
  const char *scheme;

  g_return_if_fail (ENLIST_IS_CAPTCHA_VIEW (self));

  g_clear_pointer (&self->fallback_url, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->link_error_label), FALSE);
  if (url != NULL)
    uri = g_uri_parse (url, G_URI_FLAGS_ENCODED | G_URI_FLAGS_PARSE_RELAXED, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  /* A server could name anything a desktop opens (file:, a custom
   * handler): only web pages are offered. */
  if (scheme == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->fallback_link), FALSE);
      return;
    }

  self->fallback_url = g_uri_to_string (uri);
  /* The link reads as the address it opens, never as words the server chose. */
  shown = enlist_display_text (self->fallback_url, ENLIST_DISPLAY_DESCRIPTION_CHARS, FALSE);
  gtk_label_set_text (self->fallback_label, shown);
  gtk_link_button_set_uri (self->fallback_link, self->fallback_url);
  gtk_link_button_set_visited (self->fallback_link, FALSE);
  tooltip = g_strdup_printf (_("Answer on the web page: %s"), shown);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->fallback_link), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->fallback_link),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_widget_set_visible (GTK_WIDGET (self->fallback_link), TRUE);
}

const char *
enlist_captcha_view_get_fallback_url (EnlistCaptchaView *self)
{
  g_return_val_if_fail (ENLIST_IS_CAPTCHA_VIEW (self), NULL);

  return self->fallback_url;
}
