/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-web-page.c: a server that signs people up on its web site only:
 * its address shown as it is, opened in the default browser on request. */
#define G_LOG_DOMAIN "enlist-web-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "enlist-display-text.h"
#include "enlist-web-page.h"

/* An address longer than this is not one a person could check by reading. */
#define WEB_PAGE_MAX_URL 2048

struct _EnlistWebPage
{
  AdwBin        parent_instance;

  GtkLabel     *explanation_label;
  GtkLabel     *instructions_label;
  GtkLabel     *url_label;
  GtkButton    *open_button;
  GtkLabel     *error_label;

  char         *url;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (EnlistWebPage, enlist_web_page, ADW_TYPE_BIN)

/* A web page a browser opens, and nothing else a desktop could (file:, a
 * custom handler), in a length a person can read. */
static char *
web_address (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (url == NULL || strlen (url) > WEB_PAGE_MAX_URL)
    return NULL;
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED | G_URI_FLAGS_PARSE_RELAXED, NULL);
  if (uri == NULL)
    return NULL;
  scheme = g_uri_get_scheme (uri);
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0))
    return NULL;
  return g_uri_to_string (uri);
}

void
enlist_web_page_set_page (EnlistWebPage *self,
                          const char    *url,
                          const char    *instructions)
{
  g_autofree char *shown_instructions = NULL;

  g_return_if_fail (ENLIST_IS_WEB_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_free (self->url);
  self->url = web_address (url);

  shown_instructions = enlist_display_text (instructions, ENLIST_DISPLAY_DESCRIPTION_CHARS, TRUE);
  gtk_label_set_text (self->instructions_label, shown_instructions != NULL ? shown_instructions
                                                                           : "");
  gtk_widget_set_visible (GTK_WIDGET (self->instructions_label),
                          shown_instructions != NULL && *shown_instructions != '\0');

  if (self->url != NULL)
    {
      g_autofree char *shown = enlist_display_text (self->url, WEB_PAGE_MAX_URL, FALSE);

      gtk_label_set_text (self->explanation_label,
                          _("This server creates accounts on its web site, not from apps. "
                            "Open its sign-up page in your browser:"));
      gtk_label_set_text (self->url_label, shown);
    }
  else
    gtk_label_set_text (self->explanation_label,
                        _("This server does not create accounts from apps. Its instructions "
                          "say how to get one; otherwise, choose another server."));
  gtk_widget_set_visible (GTK_WIDGET (self->url_label), self->url != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->open_button), self->url != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "web.open", self->url != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

const char *
enlist_web_page_get_url (EnlistWebPage *self)
{
  g_return_val_if_fail (ENLIST_IS_WEB_PAGE (self), NULL);

  return self->url;
}

GtkWidget *
enlist_web_page_get_default_widget (EnlistWebPage *self)
{
  g_return_val_if_fail (ENLIST_IS_WEB_PAGE (self), NULL);

  return self->url != NULL ? GTK_WIDGET (self->open_button) : NULL;
}

static void
launch_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(EnlistWebPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (g_app_info_launch_default_for_uri_finish (result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  message = g_strdup_printf (_("The web page could not be opened: %s. Copy its address into "
                               "a browser."), error->message);
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EnlistWebPage *self = ENLIST_WEB_PAGE (widget);
  g_autoptr(GdkAppLaunchContext) context = NULL;

  g_return_if_fail (self->url != NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  context = gdk_display_get_app_launch_context (gtk_widget_get_display (widget));
  g_app_info_launch_default_for_uri_async (self->url, G_APP_LAUNCH_CONTEXT (context),
                                           self->cancellable, launch_cb, g_object_ref (self));
}

static void
enlist_web_page_dispose (GObject *object)
{
  EnlistWebPage *self = ENLIST_WEB_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENLIST_TYPE_WEB_PAGE);

  G_OBJECT_CLASS (enlist_web_page_parent_class)->dispose (object);
}

static void
enlist_web_page_finalize (GObject *object)
{
  EnlistWebPage *self = ENLIST_WEB_PAGE (object);

  g_clear_object (&self->cancellable);
  g_free (self->url);

  G_OBJECT_CLASS (enlist_web_page_parent_class)->finalize (object);
}

static void
enlist_web_page_class_init (EnlistWebPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enlist_web_page_dispose;
  object_class->finalize = enlist_web_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/enlist/Enlist/ui/enlist-web-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EnlistWebPage, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistWebPage, instructions_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistWebPage, url_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistWebPage, open_button);
  gtk_widget_class_bind_template_child (widget_class, EnlistWebPage, error_label);

  gtk_widget_class_install_action (widget_class, "web.open", NULL, open_action);
}

static void
enlist_web_page_init (EnlistWebPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "web.open", FALSE);
}

GtkWidget *
enlist_web_page_new (void)
{
  return g_object_new (ENLIST_TYPE_WEB_PAGE, NULL);
}
