/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-certificate-page.c: an untrusted certificate, described for a
 * decision. */
#define G_LOG_DOMAIN "enlist-certificate-page"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "enlist-certificate.h"
#include "enlist-certificate-page.h"
#include "enlist-display-text.h"
#include "enlist-error.h"

struct _EnlistCertificatePage
{
  AdwBin                parent_instance;

  GtkLabel             *explanation_label;
  GtkLabel             *subject_label;
  GtkLabel             *issuer_label;
  GtkLabel             *expiry_label;
  GtkLabel             *fingerprint_label;
  GtkLabel             *problem_label;
  GtkWidget            *cancel_button;
  GtkWidget            *trust_button;

  GTlsCertificate      *certificate;
  GTlsCertificateFlags  flags;
};

G_DEFINE_FINAL_TYPE (EnlistCertificatePage, enlist_certificate_page, ADW_TYPE_BIN)

enum {
  SIGNAL_TRUST,
  SIGNAL_CANCEL,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
trust_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_TRUST], 0);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_CANCEL], 0);
}

static gboolean
enlist_certificate_page_grab_focus (GtkWidget *widget)
{
  EnlistCertificatePage *self = ENLIST_CERTIFICATE_PAGE (widget);

  return gtk_widget_grab_focus (self->cancel_button);
}

static void
set_server_text (GtkLabel   *label,
                 const char *text)
{
  g_autofree char *shown = NULL;

  if (text == NULL || *text == '\0')
    {
      gtk_label_set_text (label, C_("certificate field", "Unknown"));
      return;
    }
  shown = enlist_display_text (text, ENLIST_DISPLAY_DESCRIPTION_CHARS, TRUE);
  gtk_label_set_text (label, shown);
}

static char *
format_expiry (GDateTime *not_after)
{
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *date = NULL;

  if (not_after == NULL)
    return g_strdup (C_("certificate field", "Unknown"));

  date = enlist_display_date_time (not_after);
  now = g_date_time_new_now_utc ();
  if (g_date_time_compare (not_after, now) < 0)
    /* Translators: %s is a date */
    return g_strdup_printf (_("%s (expired)"), date);
  return g_steal_pointer (&date);
}

/* Byte pairs in two halves with a space between, so that the label wraps
 * there; enlist_certificate_fingerprint_equal ignores the space when the
 * user pastes it somewhere to compare. */
static char *
format_fingerprint (const char *fingerprint)
{
  g_auto(GStrv) pairs = NULL;
  GString *out;
  guint n;

  if (fingerprint == NULL)
    return g_strdup (C_("certificate field", "Unknown"));
  pairs = g_strsplit (fingerprint, ":", -1);
  n = g_strv_length (pairs);
  out = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (out, i == n / 2 ? " " : ":");
      g_string_append (out, pairs[i]);
    }
  return g_string_free (out, FALSE);
}

/* Pango would break the lines after any colon; only the space between the
 * halves may break, so that the pairs line up in two even rows. */
static void
set_fingerprint_breaks (GtkLabel   *label,
                        const char *text)
{
  g_autoptr(PangoAttrList) attributes = pango_attr_list_new ();
  const char *space = strchr (text, ' ');
  PangoAttribute *attribute;

  if (space != NULL)
    {
      attribute = pango_attr_allow_breaks_new (FALSE);
      attribute->start_index = 0;
      attribute->end_index = space - text;
      pango_attr_list_insert (attributes, attribute);
      attribute = pango_attr_allow_breaks_new (FALSE);
      attribute->start_index = space - text + 1;
      attribute->end_index = strlen (text);
      pango_attr_list_insert (attributes, attribute);
    }
  gtk_label_set_attributes (label, attributes);
}

static void
enlist_certificate_page_dispose (GObject *object)
{
  EnlistCertificatePage *self = ENLIST_CERTIFICATE_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), ENLIST_TYPE_CERTIFICATE_PAGE);

  G_OBJECT_CLASS (enlist_certificate_page_parent_class)->dispose (object);
}

static void
enlist_certificate_page_finalize (GObject *object)
{
  EnlistCertificatePage *self = ENLIST_CERTIFICATE_PAGE (object);

  g_clear_object (&self->certificate);

  G_OBJECT_CLASS (enlist_certificate_page_parent_class)->finalize (object);
}

static void
enlist_certificate_page_class_init (EnlistCertificatePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enlist_certificate_page_dispose;
  object_class->finalize = enlist_certificate_page_finalize;
  widget_class->grab_focus = enlist_certificate_page_grab_focus;

  signals[SIGNAL_TRUST] =
    g_signal_new ("trust", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_CANCEL] =
    g_signal_new ("cancel", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/enlist/Enlist/ui/enlist-certificate-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EnlistCertificatePage, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistCertificatePage, subject_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistCertificatePage, issuer_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistCertificatePage, expiry_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistCertificatePage, fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistCertificatePage, problem_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistCertificatePage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, EnlistCertificatePage, trust_button);

  gtk_widget_class_install_action (widget_class, "certificate.trust", NULL, trust_action);
  gtk_widget_class_install_action (widget_class, "certificate.cancel", NULL, cancel_action);
}

static void
enlist_certificate_page_init (EnlistCertificatePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_label_set_wrap_mode (self->fingerprint_label, PANGO_WRAP_WORD);
  /* nothing to trust until there is a certificate */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "certificate.trust", FALSE);
}

GtkWidget *
enlist_certificate_page_new (void)
{
  return g_object_new (ENLIST_TYPE_CERTIFICATE_PAGE, NULL);
}

void
enlist_certificate_page_set_certificate (EnlistCertificatePage *self,
                                         GTlsCertificate       *certificate,
                                         GTlsCertificateFlags   flags,
                                         const char            *host)
{
  g_autofree char *subject = NULL;
  g_autofree char *issuer = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *fingerprint_shown = NULL;
  g_autofree char *expiry = NULL;
  g_autofree char *problem = NULL;
  g_autofree char *host_shown = NULL;
  g_autofree char *explanation = NULL;
  g_autoptr(GDateTime) not_after = NULL;

  g_return_if_fail (ENLIST_IS_CERTIFICATE_PAGE (self));
  g_return_if_fail (G_IS_TLS_CERTIFICATE (certificate));

  g_set_object (&self->certificate, certificate);
  self->flags = flags;

  subject = g_tls_certificate_get_subject_name (certificate);
  issuer = g_tls_certificate_get_issuer_name (certificate);
  not_after = g_tls_certificate_get_not_valid_after (certificate);
  fingerprint = enlist_certificate_get_fingerprint (certificate);
  problem = enlist_certificate_flags_to_string (flags);

  set_server_text (self->subject_label, subject);
  set_server_text (self->issuer_label, issuer);
  expiry = format_expiry (not_after);
  gtk_label_set_text (self->expiry_label, expiry);
  fingerprint_shown = format_fingerprint (fingerprint);
  gtk_label_set_text (self->fingerprint_label, fingerprint_shown);
  set_fingerprint_breaks (self->fingerprint_label, fingerprint_shown);
  gtk_label_set_text (self->problem_label, problem);

  if (host != NULL && *host != '\0')
    {
      host_shown = enlist_display_text (host, ENLIST_DISPLAY_TITLE_CHARS, FALSE);
      explanation = g_strdup_printf (_("Enlist cannot confirm that it is talking to “%s”: "
                                       "someone could be listening in. Trust this certificate "
                                       "only if its fingerprint matches the one the server’s "
                                       "administrators publish."),
                                     host_shown);
    }
  else
    explanation = g_strdup (_("Enlist cannot confirm that it is talking to the server: "
                              "someone could be listening in. Trust this certificate only if "
                              "its fingerprint matches the one the server’s administrators "
                              "publish."));
  gtk_label_set_text (self->explanation_label, explanation);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "certificate.trust", TRUE);
}

gboolean
enlist_certificate_page_set_error (EnlistCertificatePage *self,
                                   const GError          *error,
                                   const char            *host)
{
  GTlsCertificate *certificate;

  g_return_val_if_fail (ENLIST_IS_CERTIFICATE_PAGE (self), FALSE);
  g_return_val_if_fail (error != NULL, FALSE);

  certificate = enlist_error_get_certificate (error);
  if (certificate == NULL)
    return FALSE;
  enlist_certificate_page_set_certificate (self, certificate,
                                           enlist_error_get_certificate_flags (error), host);
  return TRUE;
}

GTlsCertificate *
enlist_certificate_page_get_certificate (EnlistCertificatePage *self)
{
  g_return_val_if_fail (ENLIST_IS_CERTIFICATE_PAGE (self), NULL);

  return self->certificate;
}

GTlsCertificateFlags
enlist_certificate_page_get_flags (EnlistCertificatePage *self)
{
  g_return_val_if_fail (ENLIST_IS_CERTIFICATE_PAGE (self), 0);

  return self->flags;
}
