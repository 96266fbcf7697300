/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-media.c: turns the URI of a CAPTCHA image into a verified image.
 * This unit is the resolver itself and one resolve from start to end: the
 * caller's cancellable and a deadline for the whole of it, then Bits of
 * Binary (enlist-media-bob.c) or HTTP(S) (enlist-media-http.c) for the bytes,
 * then the checks and the decoding off the main loop (enlist-media-decode.c).
 * enlist-media-private.h lists the units. */
#define G_LOG_DOMAIN "enlist-media"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "enlist-error.h"
#include "enlist-media-private.h"

/* ---------------------------------------------------------------------- */
/* EnlistMediaResolver                                                     */

G_DEFINE_FINAL_TYPE (EnlistMediaResolver, enlist_media_resolver, G_TYPE_OBJECT)

static void
enlist_media_resolver_dispose (GObject *object)
{
  EnlistMediaResolver *self = ENLIST_MEDIA_RESOLVER (object);

  enlist_media_resolver_clear_fetcher (self);
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (enlist_media_resolver_parent_class)->dispose (object);
}

static void
enlist_media_resolver_finalize (GObject *object)
{
  EnlistMediaResolver *self = ENLIST_MEDIA_RESOLVER (object);

  g_clear_pointer (&self->bob, g_hash_table_unref);
  g_clear_object (&self->policy);

  G_OBJECT_CLASS (enlist_media_resolver_parent_class)->finalize (object);
}

static void
enlist_media_resolver_class_init (EnlistMediaResolverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = enlist_media_resolver_dispose;
  object_class->finalize = enlist_media_resolver_finalize;
}

static void
enlist_media_resolver_init (EnlistMediaResolver *self)
{
  self->bob = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify) enlist_xml_node_free);
  self->policy = enlist_tls_policy_new ();
  self->max_bytes = ENLIST_MEDIA_DEFAULT_MAX_BYTES;
  self->max_width = ENLIST_MEDIA_DEFAULT_MAX_WIDTH;
  self->max_height = ENLIST_MEDIA_DEFAULT_MAX_HEIGHT;
  self->timeout_ms = ENLIST_MEDIA_DEFAULT_TIMEOUT_MS;
}

EnlistMediaResolver *
enlist_media_resolver_new (void)
{
  return g_object_new (ENLIST_TYPE_MEDIA_RESOLVER, NULL);
}

void
enlist_media_resolver_set_max_bytes (EnlistMediaResolver *self,
                                     gsize                max_bytes)
{
  g_return_if_fail (ENLIST_IS_MEDIA_RESOLVER (self));
  g_return_if_fail (max_bytes > 0 && max_bytes < G_MAXSIZE);

  self->max_bytes = max_bytes;
}

void
enlist_media_resolver_set_max_size (EnlistMediaResolver *self,
                                    guint                max_width,
                                    guint                max_height)
{
  g_return_if_fail (ENLIST_IS_MEDIA_RESOLVER (self));
  g_return_if_fail (max_width > 0 && max_height > 0);

  self->max_width = max_width;
  self->max_height = max_height;
}

void
enlist_media_resolver_set_timeout (EnlistMediaResolver *self,
                                   guint                timeout_ms)
{
  g_return_if_fail (ENLIST_IS_MEDIA_RESOLVER (self));
  g_return_if_fail (timeout_ms > 0);

  self->timeout_ms = timeout_ms;
}

/* ---------------------------------------------------------------------- */
/* One resolve                                                             */

static void
resolve_data_free (EnlistMediaResolveData *data)
{
  if (data->caller_cancellable != NULL)
    g_cancellable_disconnect (data->caller_cancellable, data->cancelled_id);
  g_clear_object (&data->caller_cancellable);
  if (data->deadline != NULL)
    g_source_destroy (data->deadline);
  g_clear_pointer (&data->deadline, g_source_unref);
  g_clear_object (&data->cancellable);
  g_clear_pointer (&data->uri, g_free);
  enlist_media_resolve_data_clear_http (data);
  g_clear_pointer (&data->cid, g_free);
  g_clear_pointer (&data->hash, g_free);
  g_free (data);
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
  EnlistMediaResolveData *data = user_data;

  data->timed_out = TRUE;
  g_clear_pointer (&data->deadline, g_source_unref);
  g_cancellable_cancel (data->cancellable);
  return G_SOURCE_REMOVE;
}

void
enlist_media_fail (GTask  *task,
                   GError *error)
{
  EnlistMediaResolveData *data = g_task_get_task_data (task);

  if (data->timed_out && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&error);
      error = g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_TIMEOUT,
                                   _("The image did not arrive in time."));
    }
  g_task_return_error (task, error);
}

static void
decode_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  EnlistMediaImage *image;

  image = enlist_media_decode_finish (result, &error);
  if (image == NULL)
    enlist_media_fail (task, error);
  else
    g_task_return_pointer (task, image, g_object_unref);
}

void
enlist_media_resolve_decode (GTask  *task,
                             GBytes *bytes)
{
  EnlistMediaResolveData *data = g_task_get_task_data (task);

  enlist_media_decode_async (data->uri, bytes, data->max_width, data->max_height,
                             data->cancellable, decode_done_cb, task);
}

GError *
enlist_media_new_too_many_bytes_error (gsize max_bytes)
{
  g_autofree char *limit = g_format_size (max_bytes);

  return g_error_new (ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                      _("The image is too large: it is over %s, the most that is accepted."),
                      limit);
}

/* ---------------------------------------------------------------------- */

void
enlist_media_resolver_resolve_async (EnlistMediaResolver *self,
                                     const char          *uri,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *scheme = NULL;
  EnlistMediaResolveData *data;

  g_return_if_fail (ENLIST_IS_MEDIA_RESOLVER (self));
  g_return_if_fail (uri != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_media_resolver_resolve_async);

  data = g_new0 (EnlistMediaResolveData, 1);
  data->uri = g_strdup (uri);
  data->cancellable = g_cancellable_new ();
  data->max_bytes = self->max_bytes;
  data->max_width = self->max_width;
  data->max_height = self->max_height;
  g_task_set_task_data (task, data, (GDestroyNotify) resolve_data_free);

  if (cancellable != NULL)
    {
      data->caller_cancellable = g_object_ref (cancellable);
      data->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                  g_object_ref (data->cancellable),
                                                  g_object_unref);
    }
  data->deadline = g_timeout_source_new (self->timeout_ms);
  g_source_set_callback (data->deadline, deadline_cb, data, NULL);
  g_source_set_static_name (data->deadline, "[enlist] media deadline");
  g_source_attach (data->deadline, g_task_get_context (task));

  if (g_cancellable_is_cancelled (data->cancellable))
    {
      enlist_media_fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                    _("The operation was cancelled")));
      return;
    }

  scheme = g_uri_parse_scheme (uri);
  if (scheme != NULL && g_ascii_strcasecmp (scheme, "cid") == 0)
    enlist_media_resolve_cid (g_steal_pointer (&task), strchr (uri, ':') + 1);
  else if (enlist_media_is_http_scheme (scheme))
    enlist_media_resolve_http (g_steal_pointer (&task));
  else
    enlist_media_fail (task, enlist_media_new_scheme_error (scheme));
}

EnlistMediaImage *
enlist_media_resolver_resolve_finish (EnlistMediaResolver *self,
                                      GAsyncResult        *result,
                                      GError             **error)
{
  g_return_val_if_fail (ENLIST_IS_MEDIA_RESOLVER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
