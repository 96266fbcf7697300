/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-media-http.c: CAPTCHA images from web addresses, over HTTP or
 * HTTPS with libsoup. HTTPS is verified by the XMPP connection's trust
 * policy; redirects are followed here, one at a time, so that each target's
 * scheme is checked (never from https to http); the body is capped while it
 * streams in. */
#define G_LOG_DOMAIN "enlist-media"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-error.h"
#include "enlist-media-private.h"

#define READ_CHUNK_SIZE   (64 * 1024)
#define HTTP_IO_TIMEOUT_S 20

/* ---------------------------------------------------------------------- */
/* Trust                                                                   */

gboolean
enlist_media_resolver_set_ca_file (EnlistMediaResolver *self,
                                   const char          *path,
                                   GError             **error)
{
  g_return_val_if_fail (ENLIST_IS_MEDIA_RESOLVER (self), FALSE);

  /* pooled connections were accepted under the old anchors */
  if (self->session != NULL)
    soup_session_abort (self->session);
  return enlist_tls_policy_set_ca_file (self->policy, path, error);
}

void
enlist_media_resolver_add_pinned_fingerprint (EnlistMediaResolver *self,
                                              const char          *fingerprint)
{
  g_return_if_fail (ENLIST_IS_MEDIA_RESOLVER (self));
  g_return_if_fail (fingerprint != NULL);

  enlist_tls_policy_add_pinned_fingerprint (self->policy, fingerprint);
}

/* ---------------------------------------------------------------------- */
/* Responses                                                               */

/* Closing a response body that was not read to its end lets libsoup skip
 * the rest in blocking reads (soup_message_io_skip), to keep the connection;
 * with a cancelled cancellable it drops the connection at once instead, so
 * nothing here waits on the peer. */
static void
discard_body (GInputStream *body)
{
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();

  g_cancellable_cancel (cancelled);
  g_input_stream_close (body, cancelled, NULL);
  g_object_unref (body);
}

static void
clear_message (EnlistMediaResolveData *data)
{
  if (data->message != NULL)
    g_signal_handlers_disconnect_by_data (data->message, data);
  g_clear_object (&data->message);
}

void
enlist_media_resolve_data_clear_http (EnlistMediaResolveData *data)
{
  g_clear_pointer (&data->current, g_uri_unref);
  clear_message (data);
  g_clear_pointer (&data->body, discard_body);
  g_clear_pointer (&data->buffer, g_byte_array_unref);
  g_clear_object (&data->rejected_certificate);
}

/* ---------------------------------------------------------------------- */
/* One resolve                                                             */

gboolean
enlist_media_is_http_scheme (const char *scheme)
{
  return scheme != NULL
         && (g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0);
}

GError *
enlist_media_new_scheme_error (const char *scheme)
{
  if (scheme == NULL || *scheme == '\0')
    return g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_FAILED,
                                _("The image address is not a complete address."));
  return g_error_new (ENLIST_ERROR, ENLIST_ERROR_FAILED,
                      _("Images are loaded only from the server or from web addresses "
                        "(http, https), not from “%s” addresses."),
                      scheme);
}

static SoupSession *
ensure_session (EnlistMediaResolver *self)
{
  if (self->session == NULL)
    {
      /* libsoup builds each TLS connection with the default database and
       * applies the session's only afterwards: a default of ours keeps
       * glib-networking from loading the system store for it */
      enlist_tls_policy_install_default ();
      self->session = soup_session_new_with_options ("timeout", HTTP_IO_TIMEOUT_S,
                                                     "idle-timeout", HTTP_IO_TIMEOUT_S,
                                                     "user-agent", "Enlist/" PACKAGE_VERSION " ",
                                                     "tls-database", self->policy,
                                                     NULL);
    }
  return self->session;
}

/* Called only for a chain the trust policy refused (the same policy as the
 * XMPP connection's: pins, the CA file, the system store): remember it and
 * why, for the error. */
static gboolean
accept_certificate_cb (SoupMessage         *message,
                       GTlsCertificate     *certificate,
                       GTlsCertificateFlags errors,
                       gpointer             user_data)
{
  EnlistMediaResolveData *data = user_data;

  g_set_object (&data->rejected_certificate, certificate);
  data->rejected_flags = errors;
  return FALSE;
}

static void http_send (GTask *task);

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  EnlistMediaResolveData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GBytes) whole = NULL;
  GError *error = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (&error, "%s ", _("The image could not be downloaded:"));
      enlist_media_fail (task, error);
      g_object_unref (task);
      return;
    }

  if (g_bytes_get_size (chunk) > 0)
    {
      g_byte_array_append (data->buffer, g_bytes_get_data (chunk, NULL),
                           g_bytes_get_size (chunk));
      if (data->buffer->len > data->max_bytes)
        {
          enlist_media_fail (task, enlist_media_new_too_many_bytes_error (data->max_bytes));
          g_object_unref (task);
          return;
        }
      /* one byte more than allowed is enough to know it is too much */
      g_input_stream_read_bytes_async (data->body,
                                       MIN (READ_CHUNK_SIZE,
                                            data->max_bytes + 1 - data->buffer->len),
                                       G_PRIORITY_DEFAULT, data->cancellable, read_cb, task);
      return;
    }

  g_clear_object (&data->body);   /* read to its end: closing it waits for nothing */
  whole = g_byte_array_free_to_bytes (g_steal_pointer (&data->buffer));
  if (g_bytes_get_size (whole) == 0)
    {
      enlist_media_fail (task, g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_FAILED,
                                                    _("The web server sent an empty image.")));
      g_object_unref (task);
      return;
    }
  enlist_media_resolve_decode (task, whole);
}

static gboolean
follow_redirect (GTask   *task,
                 GError **error)
{
  EnlistMediaResolveData *data = g_task_get_task_data (task);
  const char *location;
  g_autoptr(GUri) target = NULL;
  g_autoptr(GError) local_error = NULL;

  location = soup_message_headers_get_one (soup_message_get_response_headers (data->message),
                                           "Location");
  if (location == NULL)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_FAILED,
                   _("The web server could not provide the image (%u %s)."),
                   soup_message_get_status (data->message),
                   soup_message_get_reason_phrase (data->message));
      return FALSE;
    }
  if (++data->redirects > ENLIST_MEDIA_MAX_REDIRECTS)
    {
      g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_FAILED,
                           _("The web server redirected the request for the image too many "
                             "times."));
      return FALSE;
    }

  target = g_uri_parse_relative (data->current, location, SOUP_HTTP_URI_FLAGS, &local_error);
  if (target == NULL)
    {
      g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_FAILED,
                           _("The web server redirected the request for the image to an "
                             "invalid address."));
      return FALSE;
    }
  if (!enlist_media_is_http_scheme (g_uri_get_scheme (target)) || g_uri_get_host (target) == NULL
      || *g_uri_get_host (target) == '\0')
    {
      g_propagate_error (error, enlist_media_new_scheme_error (g_uri_get_scheme (target)));
      return FALSE;
    }
  if (g_ascii_strcasecmp (g_uri_get_scheme (data->current), "https") == 0
      && g_ascii_strcasecmp (g_uri_get_scheme (target), "http") == 0)
    {
      g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_FAILED,
                           _("The web server redirected the request for the image from a "
                             "secure address to an insecure one."));
      return FALSE;
    }

  g_clear_pointer (&data->current, g_uri_unref);
  data->current = g_steal_pointer (&target);
  return TRUE;
}

static void
http_sent_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  EnlistMediaResolveData *data = g_task_get_task_data (task);
  SoupMessageHeaders *headers;
  GError *error = NULL;
  guint status;

  /* a body left unread is discarded with the task data or the next request */
  data->body = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (data->body == NULL)
    {
      if (data->rejected_certificate != NULL)
        {
          g_clear_error (&error);
          error = enlist_error_new_certificate (data->rejected_certificate, data->rejected_flags,
                                                g_uri_get_host (data->current));
        }
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (&error, "%s ", _("The image could not be downloaded:"));
      enlist_media_fail (task, error);
      g_object_unref (task);
      return;
    }

  status = soup_message_get_status (data->message);
  if (status == SOUP_STATUS_MOVED_PERMANENTLY || status == SOUP_STATUS_FOUND
      || status == SOUP_STATUS_SEE_OTHER || status == SOUP_STATUS_TEMPORARY_REDIRECT
      || status == SOUP_STATUS_PERMANENT_REDIRECT)
    {
      if (!follow_redirect (task, &error))
        {
          enlist_media_fail (task, error);
          g_object_unref (task);
          return;
        }
      http_send (task);
      return;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      enlist_media_fail (task, g_error_new (ENLIST_ERROR, ENLIST_ERROR_FAILED,
                                            _("The web server could not provide the image "
                                              "(%u %s)."),
                                            status,
                                            soup_message_get_reason_phrase (data->message)));
      g_object_unref (task);
      return;
    }

  headers = soup_message_get_response_headers (data->message);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_content_length (headers) > (goffset) data->max_bytes)
    {
      enlist_media_fail (task, enlist_media_new_too_many_bytes_error (data->max_bytes));
      g_object_unref (task);
      return;
    }

  data->buffer = g_byte_array_new ();
  g_input_stream_read_bytes_async (data->body, MIN (READ_CHUNK_SIZE, data->max_bytes + 1),
                                   G_PRIORITY_DEFAULT, data->cancellable, read_cb, task);
}

/* Takes task. Redirects are followed here rather than by libsoup, so that
 * each target's scheme is checked and the count is ours. */
static void
http_send (GTask *task)
{
  EnlistMediaResolver *self = g_task_get_source_object (task);
  EnlistMediaResolveData *data = g_task_get_task_data (task);

  g_clear_pointer (&data->body, discard_body);
  clear_message (data);
  data->message = soup_message_new_from_uri (SOUP_METHOD_GET, data->current);
  soup_message_add_flags (data->message, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (soup_message_get_request_headers (data->message), "Accept",
                                "image/png, image/jpeg, image/gif");
  g_signal_connect (data->message, "accept-certificate",
                    G_CALLBACK (accept_certificate_cb), data);
  if (g_ascii_strcasecmp (g_uri_get_scheme (data->current), "https") == 0)
    enlist_tls_policy_preload (self->policy);

  soup_session_send_async (ensure_session (self), data->message, G_PRIORITY_DEFAULT,
                           data->cancellable, http_sent_cb, task);
}

void
enlist_media_resolve_http (GTask *task)
{
  EnlistMediaResolveData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->current = g_uri_parse (data->uri, SOUP_HTTP_URI_FLAGS, &error);
  if (data->current == NULL || g_uri_get_host (data->current) == NULL
      || *g_uri_get_host (data->current) == '\0')
    {
      enlist_media_fail (task, g_error_new (ENLIST_ERROR, ENLIST_ERROR_FAILED,
                                            _("The image address “%s” is not valid."),
                                            data->uri));
      g_object_unref (task);
      return;
    }
  http_send (task);
}
