/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-error.c: the ENLIST_ERROR domain, an extended GError domain whose
 * errors can carry the XMPP condition, the server's text and a certificate. */
#define G_LOG_DOMAIN "enlist-error"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-certificate.h"
#include "enlist-error-private.h"

typedef struct
{
  char                *condition;
  char                *server_text;
  GTlsCertificate     *certificate;
  GTlsCertificateFlags certificate_flags;
  char                *field;
} EnlistErrorPrivate;

static void
enlist_error_private_init (EnlistErrorPrivate *priv)
{
}

static void
enlist_error_private_copy (const EnlistErrorPrivate *src,
                           EnlistErrorPrivate       *dest)
{
  dest->condition = g_strdup (src->condition);
  dest->server_text = g_strdup (src->server_text);
  dest->certificate = src->certificate ? g_object_ref (src->certificate) : NULL;
  dest->certificate_flags = src->certificate_flags;
  dest->field = g_strdup (src->field);
}

static void
enlist_error_private_clear (EnlistErrorPrivate *priv)
{
  g_clear_pointer (&priv->condition, g_free);
  g_clear_pointer (&priv->server_text, g_free);
  g_clear_object (&priv->certificate);
  g_clear_pointer (&priv->field, g_free);
}

G_DEFINE_EXTENDED_ERROR (EnlistError, enlist_error)

GError *
enlist_error_new_xmpp (EnlistError  code,
                       const char  *condition,
                       const char  *server_text,
                       const char  *format,
                       ...)
{
  EnlistErrorPrivate *priv;
  GError *error;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (ENLIST_ERROR, code, format, args);
  va_end (args);

  /* never NULL for an error of ENLIST_ERROR (gcc's -fanalyzer cannot see
   * that through G_DEFINE_EXTENDED_ERROR) */
  priv = enlist_error_get_private (error);
  g_assert (priv != NULL);
  priv->condition = g_strdup (condition);
  priv->server_text = g_strdup (server_text);
  return error;
}

GError *
enlist_error_new_certificate (GTlsCertificate     *certificate,
                              GTlsCertificateFlags flags,
                              const char          *host)
{
  g_autofree char *reasons = enlist_certificate_flags_to_string (flags);
  g_autofree char *summary = NULL;
  EnlistErrorPrivate *priv;
  GError *error;

  if (certificate != NULL)
    summary = enlist_certificate_describe (certificate);

  error = g_error_new (ENLIST_ERROR, ENLIST_ERROR_CERTIFICATE,
                       _("The identity of “%s” could not be verified: %s%s%s"),
                       host, reasons,
                       summary ? "\n" : "", summary ? summary : "");
  priv = enlist_error_get_private (error);
  g_assert (priv != NULL);
  priv->certificate = certificate ? g_object_ref (certificate) : NULL;
  priv->certificate_flags = flags;
  return error;
}

static EnlistErrorPrivate *
get_private (const GError *error)
{
  if (error == NULL || error->domain != ENLIST_ERROR)
    return NULL;
  return enlist_error_get_private (error);
}

const char *
enlist_error_get_condition (const GError *error)
{
  EnlistErrorPrivate *priv = get_private (error);
  return priv ? priv->condition : NULL;
}

const char *
enlist_error_get_server_text (const GError *error)
{
  EnlistErrorPrivate *priv = get_private (error);
  return priv ? priv->server_text : NULL;
}

GTlsCertificate *
enlist_error_get_certificate (const GError *error)
{
  EnlistErrorPrivate *priv = get_private (error);
  return priv ? priv->certificate : NULL;
}

GTlsCertificateFlags
enlist_error_get_certificate_flags (const GError *error)
{
  EnlistErrorPrivate *priv = get_private (error);
  return priv ? priv->certificate_flags : 0;
}

const char *
enlist_error_get_field (const GError *error)
{
  EnlistErrorPrivate *priv = get_private (error);
  return priv ? priv->field : NULL;
}

void
enlist_error_set_field (GError     *error,
                        const char *var)
{
  EnlistErrorPrivate *priv = get_private (error);

  g_return_if_fail (priv != NULL);
  g_free (priv->field);
  priv->field = g_strdup (var);
}

const char *
enlist_error_find_condition (const EnlistXmlNode *element,
                             const char          *ns)
{
  for (guint i = 0; element && i < element->children->len; i++)
    {
      const EnlistXmlNode *child = g_ptr_array_index (element->children, i);

      if (g_str_equal (child->ns, ns) && !g_str_equal (child->name, "text"))
        return child->name;
    }
  return NULL;
}

static const char *
find_text (const EnlistXmlNode *element,
           const char          *ns)
{
  /* A server may send type='error' without an <error/> in it. */
  const EnlistXmlNode *text = element ? enlist_xml_node_get_child (element, "text", ns) : NULL;
  const char *value = text ? enlist_xml_node_get_text (text) : NULL;

  return value && *value ? value : NULL;
}

static const char *
stanza_condition_message (const char *condition)
{
  static const struct {
    const char *condition;
    const char *message;
  } messages[] = {
    { "bad-request", N_("The server did not understand the request.") },
    { "conflict", N_("That name is already taken.") },
    { "feature-not-implemented", N_("The server does not support this.") },
    { "forbidden", N_("The server does not allow this.") },
    { "gone", N_("That address no longer exists.") },
    { "internal-server-error", N_("The server had an internal problem; try again later.") },
    { "item-not-found", N_("The server could not find what was asked for.") },
    { "jid-malformed", N_("That address is not valid.") },
    { "not-acceptable", N_("The server did not accept what was sent.") },
    { "not-allowed", N_("The server does not permit this.") },
    { "not-authorized", N_("You are not authorized to do this.") },
    { "policy-violation", N_("The server’s policy does not allow this.") },
    { "recipient-unavailable", N_("The recipient is not available.") },
    { "redirect", N_("The server redirected the request.") },
    { "registration-required", N_("An account is needed for this.") },
    { "remote-server-not-found", N_("The server could not be found.") },
    { "remote-server-timeout", N_("The server did not answer in time.") },
    { "resource-constraint", N_("The server is too busy right now; try again later.") },
    { "service-unavailable", N_("The server does not offer this service.") },
    { "subscription-required", N_("A subscription is needed for this.") },
    { "undefined-condition", N_("The server reported an error.") },
    { "unexpected-request", N_("The server did not expect this request now.") },
  };

  for (guint i = 0; condition && i < G_N_ELEMENTS (messages); i++)
    if (g_str_equal (messages[i].condition, condition))
      return _(messages[i].message);
  return _("The server reported an error.");
}

GError *
enlist_error_from_stanza (const EnlistXmlNode *stanza)
{
  const EnlistXmlNode *error_element = enlist_xml_node_get_child (stanza, "error", NULL);
  const char *condition = enlist_error_find_condition (error_element, ENLIST_NS_STANZAS);
  const char *text = find_text (error_element, ENLIST_NS_STANZAS);

  if (condition == NULL)
    condition = "undefined-condition";
  return enlist_error_new_xmpp (ENLIST_ERROR_STANZA, condition, text, "%s",
                                stanza_condition_message (condition));
}

GError *
enlist_error_from_stream_error (const EnlistXmlNode *stream_error)
{
  const char *condition = enlist_error_find_condition (stream_error, ENLIST_NS_STREAM_ERRORS);
  const char *text = find_text (stream_error, ENLIST_NS_STREAM_ERRORS);
  const char *message;

  if (condition == NULL)
    condition = "undefined-condition";

  if (g_str_equal (condition, "policy-violation"))
    message = _("The server closed the connection because its policy does not allow what was sent.");
  else if (g_str_equal (condition, "host-unknown"))
    message = _("The server does not serve this domain.");
  else if (g_str_equal (condition, "connection-timeout"))
    message = _("The server closed the connection after a period of inactivity.");
  else if (g_str_equal (condition, "system-shutdown"))
    message = _("The server is shutting down.");
  else if (g_str_equal (condition, "not-authorized"))
    message = _("The server ended the session: not authorized.");
  else if (g_str_equal (condition, "conflict"))
    message = _("The server ended the session because of a conflict.");
  else
    message = _("The server closed the connection with an error.");

  return enlist_error_new_xmpp (ENLIST_ERROR_STREAM, condition, text, "%s", message);
}
