/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-provider-download.c: one bounded download of a provider list. The
 * address comes from settings, but the server behind it is still a stranger:
 * only https:// (plain http only to this computer, for tests and local
 * mirrors), redirects checked hop by hop, the body counted while it is read
 * and dropped past the limit, and one deadline for the whole exchange. */
#define G_LOG_DOMAIN "enlist-provider-list"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "enlist-error.h"
#include "enlist-provider-download.h"
#include "enlist-provider-list.h"

#define READ_CHUNK_SIZE (64 * 1024)
#define MAX_REDIRECTS   3

typedef struct
{
  GUri                *current;
  SoupSession         *session;
  SoupMessage         *message;
  GInputStream        *body;
  GByteArray          *buffer;
  guint                redirects;
  GTlsCertificate     *rejected_certificate;
  GTlsCertificateFlags rejected_flags;

  char                *if_none_match;
  char                *if_modified_since;
  gboolean             not_modified;
  char                *etag;
  char                *last_modified;

  GCancellable        *cancellable;     /* ours: the caller's, or the deadline, cancel it */
  GCancellable        *caller_cancellable;
  gulong               cancelled_id;
  GSource             *deadline;
  gboolean             timed_out;
} Download;

/* Closing a body that was not read to its end makes libsoup read the rest to
 * keep the connection; with a cancelled cancellable it drops the connection
 * instead, so nothing waits on the server. */
static void
discard_body (GInputStream *body)
{
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();

  g_cancellable_cancel (cancelled);
  g_input_stream_close (body, cancelled, NULL);
  g_object_unref (body);
}

static void
clear_message (Download *download)
{
  if (download->message != NULL)
    g_signal_handlers_disconnect_by_data (download->message, download);
  g_clear_object (&download->message);
}

static void
download_free (Download *download)
{
  if (download->caller_cancellable != NULL)
    g_cancellable_disconnect (download->caller_cancellable, download->cancelled_id);
  g_clear_object (&download->caller_cancellable);
  if (download->deadline != NULL)
    g_source_destroy (download->deadline);
  g_clear_pointer (&download->deadline, g_source_unref);
  g_clear_pointer (&download->body, discard_body);
  clear_message (download);
  g_clear_object (&download->cancellable);
  g_clear_object (&download->session);
  g_clear_pointer (&download->current, g_uri_unref);
  g_clear_pointer (&download->buffer, g_byte_array_unref);
  g_clear_object (&download->rejected_certificate);
  g_free (download->if_none_match);
  g_free (download->if_modified_since);
  g_free (download->etag);
  g_free (download->last_modified);
  g_free (download);
}

static void
caller_cancelled_cb (GCancellable *caller_cancellable,
                     gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static gboolean
deadline_cb (gpointer user_data)
{
  Download *download = user_data;

  download->timed_out = TRUE;
  g_clear_pointer (&download->deadline, g_source_unref);
  g_cancellable_cancel (download->cancellable);
  return G_SOURCE_REMOVE;
}

/* Takes task and error. */
static void
return_error (GTask  *task,
              GError *error)
{
  Download *download = g_task_get_task_data (task);

  if (download->timed_out && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&error);
      error = g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_TIMEOUT,
                                   _("The provider list did not arrive in time."));
    }
  g_task_return_error (task, error);
  g_object_unref (task);
}

static GError *
new_too_large_error (void)
{
  g_autofree char *limit = g_format_size (ENLIST_PROVIDER_LIST_MAX_BYTES);

  return g_error_new (ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                      _("The provider list is too large: it is over %s, the most that is "
                        "accepted."),
                      limit);
}

/* ---------------------------------------------------------------------- */
/* Addresses                                                               */

static gboolean
is_loopback_host (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static gboolean
check_uri (GUri        *uri,
           const char  *text,
           GError     **error)
{
  const char *scheme = g_uri_get_scheme (uri);
  const char *host = g_uri_get_host (uri);

  if (host == NULL || *host == '\0' || g_uri_get_user (uri) != NULL)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_FAILED,
                   _("The provider list address “%s” is not valid."), text);
      return FALSE;
    }
  if (g_ascii_strcasecmp (scheme, "https") == 0
      || (g_ascii_strcasecmp (scheme, "http") == 0 && is_loopback_host (host)))
    return TRUE;

  g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_FAILED,
               _("The provider list is downloaded only from secure (https://) addresses, "
                 "not from “%s”."),
               text);
  return FALSE;
}

GUri *
enlist_provider_download_check_url (const char  *url,
                                    GError     **error)
{
  g_autoptr(GUri) uri = NULL;

  g_return_val_if_fail (url != NULL, NULL);

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_FAILED,
                   _("The provider list address “%s” is not valid."), url);
      return NULL;
    }
  if (!check_uri (uri, url, error))
    return NULL;
  return g_steal_pointer (&uri);
}

/* ---------------------------------------------------------------------- */
/* The exchange                                                            */

/* Called only for a chain the session's trust policy refused: remember it
 * and why, for the error. */
static gboolean
accept_certificate_cb (SoupMessage         *message,
                       GTlsCertificate     *certificate,
                       GTlsCertificateFlags errors,
                       gpointer             user_data)
{
  Download *download = user_data;

  g_set_object (&download->rejected_certificate, certificate);
  download->rejected_flags = errors;
  return FALSE;
}

static void send_request (GTask *task);

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Download *download = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  GError *error = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (&error, "%s ", _("The provider list could not be downloaded:"));
      return_error (task, error);
      return;
    }

  if (g_bytes_get_size (chunk) > 0)
    {
      g_byte_array_append (download->buffer, g_bytes_get_data (chunk, NULL),
                           g_bytes_get_size (chunk));
      if (download->buffer->len > ENLIST_PROVIDER_LIST_MAX_BYTES)
        {
          return_error (task, new_too_large_error ());
          return;
        }
      /* one byte more than allowed is enough to know it is too much */
      g_input_stream_read_bytes_async (download->body,
                                       MIN (READ_CHUNK_SIZE, ENLIST_PROVIDER_LIST_MAX_BYTES + 1
                                                             - download->buffer->len),
                                       G_PRIORITY_DEFAULT, download->cancellable, read_cb, task);
      return;
    }

  g_clear_object (&download->body);   /* read to its end: closing it waits for nothing */
  g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&download->buffer)),
                         (GDestroyNotify) g_bytes_unref);
  g_object_unref (task);
}

static gboolean
follow_redirect (Download  *download,
                 GError   **error)
{
  const char *location;
  g_autoptr(GUri) target = NULL;

  location = soup_message_headers_get_one (soup_message_get_response_headers (download->message),
                                           "Location");
  if (location == NULL)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_FAILED,
                   _("The provider list could not be downloaded (%u %s)."),
                   soup_message_get_status (download->message),
                   soup_message_get_reason_phrase (download->message));
      return FALSE;
    }
  if (++download->redirects > MAX_REDIRECTS)
    {
      g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_FAILED,
                           _("The web server sent the request for the provider list elsewhere "
                             "too many times."));
      return FALSE;
    }

  target = g_uri_parse_relative (download->current, location, SOUP_HTTP_URI_FLAGS, NULL);
  if (target == NULL)
    {
      g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_FAILED,
                           _("The web server sent the request for the provider list to an "
                             "invalid address."));
      return FALSE;
    }
  if (g_ascii_strcasecmp (g_uri_get_scheme (download->current), "https") == 0
      && g_ascii_strcasecmp (g_uri_get_scheme (target), "https") != 0)
    {
      g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_FAILED,
                           _("The web server sent the request for the provider list from a "
                             "secure address to an insecure one."));
      return FALSE;
    }
  if (!check_uri (target, location, error))
    return FALSE;

  g_clear_pointer (&download->current, g_uri_unref);
  download->current = g_steal_pointer (&target);
  return TRUE;
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Download *download = g_task_get_task_data (task);
  SoupMessageHeaders *headers;
  GError *error = NULL;
  guint status;

  /* a body left unread is discarded with the task data or the next request */
  download->body = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (download->body == NULL)
    {
      if (download->rejected_certificate != NULL)
        {
          g_clear_error (&error);
          error = enlist_error_new_certificate (download->rejected_certificate,
                                                download->rejected_flags,
                                                g_uri_get_host (download->current));
        }
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (&error, "%s ", _("The provider list could not be downloaded:"));
      return_error (task, error);
      return;
    }

  status = soup_message_get_status (download->message);
  headers = soup_message_get_response_headers (download->message);
  if (SOUP_STATUS_IS_REDIRECTION (status) && status != SOUP_STATUS_NOT_MODIFIED)
    {
      if (!follow_redirect (download, &error))
        {
          return_error (task, error);
          return;
        }
      send_request (task);
      return;
    }

  if (status == SOUP_STATUS_NOT_MODIFIED
      && (download->if_none_match != NULL || download->if_modified_since != NULL))
    {
      download->not_modified = TRUE;
      g_task_return_pointer (task, NULL, NULL);
      g_object_unref (task);
      return;
    }
  if (status != SOUP_STATUS_OK)
    {
      return_error (task, g_error_new (ENLIST_ERROR, ENLIST_ERROR_FAILED,
                                       _("The provider list could not be downloaded (%u %s)."),
                                       status, soup_message_get_reason_phrase (download->message)));
      return;
    }

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_content_length (headers) > ENLIST_PROVIDER_LIST_MAX_BYTES)
    {
      return_error (task, new_too_large_error ());
      return;
    }

  download->etag = g_strdup (soup_message_headers_get_one (headers, "ETag"));
  download->last_modified = g_strdup (soup_message_headers_get_one (headers, "Last-Modified"));
  download->buffer = g_byte_array_new ();
  g_input_stream_read_bytes_async (download->body, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   download->cancellable, read_cb, task);
}

/* Takes task. */
static void
send_request (GTask *task)
{
  Download *download = g_task_get_task_data (task);
  SoupMessageHeaders *request_headers;

  g_clear_pointer (&download->body, discard_body);
  clear_message (download);
  download->message = soup_message_new_from_uri (SOUP_METHOD_GET, download->current);
  soup_message_add_flags (download->message, SOUP_MESSAGE_NO_REDIRECT);
  request_headers = soup_message_get_request_headers (download->message);
  soup_message_headers_replace (request_headers, "Accept", "application/json");
  if (download->if_none_match != NULL)
    soup_message_headers_replace (request_headers, "If-None-Match", download->if_none_match);
  if (download->if_modified_since != NULL)
    soup_message_headers_replace (request_headers, "If-Modified-Since",
                                  download->if_modified_since);
  g_signal_connect (download->message, "accept-certificate",
                    G_CALLBACK (accept_certificate_cb), download);

  soup_session_send_async (download->session, download->message, G_PRIORITY_DEFAULT,
                           download->cancellable, sent_cb, task);
}

void
enlist_provider_download_async (SoupSession         *session,
                                const char          *url,
                                const char          *etag,
                                const char          *last_modified,
                                guint                timeout_ms,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Download *download;
  GError *error = NULL;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (url != NULL);
  g_return_if_fail (timeout_ms > 0);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_provider_download_async);

  download = g_new0 (Download, 1);
  download->session = g_object_ref (session);
  download->if_none_match = g_strdup (etag);
  download->if_modified_since = g_strdup (last_modified);
  download->cancellable = g_cancellable_new ();
  g_task_set_task_data (task, download, (GDestroyNotify) download_free);

  if (cancellable != NULL)
    {
      download->caller_cancellable = g_object_ref (cancellable);
      download->cancelled_id = g_cancellable_connect (cancellable,
                                                      G_CALLBACK (caller_cancelled_cb),
                                                      g_object_ref (download->cancellable),
                                                      g_object_unref);
    }
  download->deadline = g_timeout_source_new (timeout_ms);
  g_source_set_callback (download->deadline, deadline_cb, download, NULL);
  g_source_set_static_name (download->deadline, "[enlist] provider list deadline");
  g_source_attach (download->deadline, g_task_get_context (task));

  download->current = enlist_provider_download_check_url (url, &error);
  if (download->current == NULL)
    {
      return_error (g_steal_pointer (&task), error);
      return;
    }
  if (g_cancellable_is_cancelled (download->cancellable))
    {
      return_error (g_steal_pointer (&task),
                    g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                         _("The operation was cancelled")));
      return;
    }
  send_request (g_steal_pointer (&task));
}

GBytes *
enlist_provider_download_finish (GAsyncResult  *result,
                                 gboolean      *not_modified,
                                 char         **etag,
                                 char         **last_modified,
                                 GError       **error)
{
  Download *download;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  download = g_task_get_task_data (G_TASK (result));
  *not_modified = download->not_modified;
  *etag = g_strdup (download->etag);
  *last_modified = g_strdup (download->last_modified);
  return g_task_propagate_pointer (G_TASK (result), error);
}
