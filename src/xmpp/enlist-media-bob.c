/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-media-bob.c: CAPTCHA images as Bits of Binary (XEP-0231), sent
 * inline with the form or fetched by an iq to the server. The data is named
 * by a hash of itself: it is decoded from strict base64 under the byte limit
 * and must match that hash before anything looks at it as an image. */
#define G_LOG_DOMAIN "enlist-media"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "enlist-error.h"
#include "enlist-media-private.h"

/* ---------------------------------------------------------------------- */
/* Where the data comes from                                               */

void
enlist_media_resolver_clear_fetcher (EnlistMediaResolver *self)
{
  GDestroyNotify destroy = self->fetch_destroy;
  gpointer data = self->fetch_data;

  self->fetch_func = NULL;
  self->fetch_data = NULL;
  self->fetch_destroy = NULL;
  if (destroy != NULL)
    destroy (data);
}

gboolean
enlist_media_resolver_add_bob_data (EnlistMediaResolver *self,
                                    const EnlistXmlNode *data)
{
  const char *cid;

  g_return_val_if_fail (ENLIST_IS_MEDIA_RESOLVER (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  if (!enlist_xml_node_is (data, "data", ENLIST_NS_BOB))
    return FALSE;
  cid = enlist_xml_node_get_attr (data, "cid");
  if (cid == NULL || *cid == '\0')
    return FALSE;

  g_hash_table_replace (self->bob, g_ascii_strdown (cid, -1), enlist_xml_node_copy (data));
  return TRUE;
}

guint
enlist_media_resolver_add_bob_children (EnlistMediaResolver *self,
                                        const EnlistXmlNode *parent)
{
  guint added = 0;

  g_return_val_if_fail (ENLIST_IS_MEDIA_RESOLVER (self), 0);
  g_return_val_if_fail (parent != NULL, 0);

  for (guint i = 0; i < parent->children->len; i++)
    if (enlist_media_resolver_add_bob_data (self, g_ptr_array_index (parent->children, i)))
      added++;
  return added;
}

void
enlist_media_resolver_set_bob_fetcher (EnlistMediaResolver    *self,
                                       EnlistMediaBobFetchFunc func,
                                       gpointer                user_data,
                                       GDestroyNotify          destroy)
{
  g_return_if_fail (ENLIST_IS_MEDIA_RESOLVER (self));

  enlist_media_resolver_clear_fetcher (self);
  self->fetch_func = func;
  self->fetch_data = user_data;
  self->fetch_destroy = destroy;
}

static void
connection_fetch_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(EnlistXmlNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  EnlistXmlNode *data;

  reply = enlist_connection_send_iq_finish (ENLIST_CONNECTION (source), result, NULL, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = enlist_xml_node_get_child (reply, "data", ENLIST_NS_BOB);
  if (data == NULL)
    {
      g_task_return_new_error (task, ENLIST_ERROR, ENLIST_ERROR_PROTOCOL, "%s",
                               _("The server answered the request for the image without "
                                 "the image."));
      return;
    }
  g_task_return_pointer (task, enlist_xml_node_copy (data),
                         (GDestroyNotify) enlist_xml_node_free);
}

static void
connection_fetch (const char   *cid,
                  GCancellable *cancellable,
                  GTask        *task,
                  gpointer      user_data)
{
  EnlistConnection *connection = user_data;
  EnlistXmlNode *iq = enlist_xml_node_new ("iq", ENLIST_NS_CLIENT);
  EnlistXmlNode *data;

  /* XEP-0231 asks the entity that sent the form; during registration that is
   * the server, which an iq without 'to' addresses */
  enlist_xml_node_set_attr (iq, "type", "get");
  data = enlist_xml_node_add_child (iq, "data", ENLIST_NS_BOB);
  enlist_xml_node_set_attr (data, "cid", cid);

  /* the resolver's own deadline covers the request: no separate timeout */
  enlist_connection_send_iq_async (connection, iq, 0, cancellable, connection_fetch_cb, task);
}

void
enlist_media_resolver_set_connection (EnlistMediaResolver *self,
                                      EnlistConnection    *connection)
{
  g_return_if_fail (ENLIST_IS_MEDIA_RESOLVER (self));
  g_return_if_fail (connection == NULL || ENLIST_IS_CONNECTION (connection));

  if (connection == NULL)
    enlist_media_resolver_set_bob_fetcher (self, NULL, NULL, NULL);
  else
    enlist_media_resolver_set_bob_fetcher (self, connection_fetch, g_object_ref (connection),
                                           g_object_unref);
}

/* ---------------------------------------------------------------------- */
/* One resolve                                                             */

/* cid = algo "+" hex "@bob.xmpp.org" (XEP-0231 §2); the domain is not
 * checked, only the hash is meaningful. */
static gboolean
parse_cid (const char     *cid,
           GChecksumType  *checksum_type,
           char          **hash,
           GError        **error)
{
  g_autofree char *algo = NULL;
  const char *plus = strchr (cid, '+');
  const char *at = strchr (cid, '@');
  gsize expected;

  if (plus == NULL || at == NULL || at < plus || at == plus + 1)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                   _("The image name “%s” is not a valid content ID."), cid);
      return FALSE;
    }

  algo = g_ascii_strdown (cid, plus - cid);
  if (g_str_equal (algo, "sha1") || g_str_equal (algo, "sha-1"))
    *checksum_type = G_CHECKSUM_SHA1;
  else if (g_str_equal (algo, "sha-256") || g_str_equal (algo, "sha256"))
    *checksum_type = G_CHECKSUM_SHA256;
  else if (g_str_equal (algo, "sha-512") || g_str_equal (algo, "sha512"))
    *checksum_type = G_CHECKSUM_SHA512;
  else
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                   _("The image is named with an unsupported hash algorithm (“%s”), so it "
                     "cannot be verified."), algo);
      return FALSE;
    }

  expected = 2 * (gsize) g_checksum_type_get_length (*checksum_type);
  for (const char *p = plus + 1; p < at; p++)
    if (!g_ascii_isxdigit (*p))
      expected = 0;
  if ((gsize) (at - plus - 1) != expected)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                   _("The image name “%s” is not a valid content ID."), cid);
      return FALSE;
    }

  *hash = g_ascii_strdown (plus + 1, at - plus - 1);
  return TRUE;
}

/* Strict base64: whitespace (line breaks) is skipped, anything else outside
 * the alphabet is an error rather than silently dropped as
 * g_base64_decode would; the size limit is checked before decoding. */
static GBytes *
decode_base64 (const char  *text,
               gsize        max_bytes,
               GError     **error)
{
  g_autoptr(GString) clean = g_string_new (NULL);
  guint padding = 0;
  gsize decoded_len;
  guchar *decoded;
  gsize out_len;

  for (const char *p = text; *p; p++)
    {
      char c = *p;

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        continue;
      if (c == '=')
        padding++;
      else if (padding > 0 || !(g_ascii_isalnum (c) || c == '+' || c == '/'))
        goto invalid;
      g_string_append_c (clean, c);
      if (clean->len / 4 * 3 > max_bytes + 3)
        {
          g_propagate_error (error, enlist_media_new_too_many_bytes_error (max_bytes));
          return NULL;
        }
    }

  if (clean->len == 0 || clean->len % 4 != 0 || padding > 2)
    goto invalid;
  decoded_len = clean->len / 4 * 3 - padding;
  if (decoded_len > max_bytes)
    {
      g_propagate_error (error, enlist_media_new_too_many_bytes_error (max_bytes));
      return NULL;
    }

  decoded = g_base64_decode (clean->str, &out_len);
  g_assert (out_len == decoded_len);
  return g_bytes_new_take (decoded, out_len);

invalid:
  g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                       _("The server sent the image in a damaged form (invalid base64)."));
  return NULL;
}

/* Takes task. */
static void
bob_data_ready (GTask               *task,
                const EnlistXmlNode *node)
{
  EnlistMediaResolveData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *actual = NULL;
  const char *node_cid;
  GError *error = NULL;

  node_cid = enlist_xml_node_get_attr (node, "cid");
  if (node_cid != NULL && g_ascii_strcasecmp (node_cid, data->cid) != 0)
    {
      enlist_media_fail (task, g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                                    _("The server sent another image than "
                                                      "the one asked for.")));
      g_object_unref (task);
      return;
    }

  bytes = decode_base64 (enlist_xml_node_get_text (node), data->max_bytes, &error);
  if (bytes == NULL)
    {
      enlist_media_fail (task, error);
      g_object_unref (task);
      return;
    }

  actual = g_compute_checksum_for_bytes (data->checksum_type, bytes);
  if (g_ascii_strcasecmp (actual, data->hash) != 0)
    {
      enlist_media_fail (task, g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                                    _("The image does not match its content "
                                                      "ID: it was damaged or altered on the "
                                                      "way.")));
      g_object_unref (task);
      return;
    }

  enlist_media_resolve_decode (task, bytes);
}

static void
bob_fetched_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(EnlistXmlNode) node = NULL;
  GError *error = NULL;

  node = g_task_propagate_pointer (G_TASK (result), &error);
  if (node == NULL)
    {
      enlist_media_fail (task, error);
      g_object_unref (task);
      return;
    }
  bob_data_ready (task, node);
}

void
enlist_media_resolve_cid (GTask      *task,
                          const char *rest)
{
  EnlistMediaResolver *self = g_task_get_source_object (task);
  EnlistMediaResolveData *data = g_task_get_task_data (task);
  g_autofree char *key = NULL;
  const EnlistXmlNode *node;
  GError *error = NULL;
  GTask *fetch;

  data->cid = g_uri_unescape_string (rest, NULL);
  if (data->cid == NULL || !parse_cid (data->cid, &data->checksum_type, &data->hash, &error))
    {
      if (error == NULL)
        error = g_error_new (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                             _("The image name “%s” is not a valid content ID."), rest);
      enlist_media_fail (task, error);
      g_object_unref (task);
      return;
    }

  key = g_ascii_strdown (data->cid, -1);
  node = g_hash_table_lookup (self->bob, key);
  if (node != NULL)
    {
      bob_data_ready (task, node);
      return;
    }

  if (self->fetch_func == NULL)
    {
      enlist_media_fail (task, g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_FAILED,
                                                    _("The image was not sent with the form "
                                                      "and cannot be requested.")));
      g_object_unref (task);
      return;
    }

  fetch = g_task_new (self, data->cancellable, bob_fetched_cb, task);
  g_task_set_source_tag (fetch, enlist_media_resolve_cid);
  self->fetch_func (data->cid, data->cancellable, fetch, self->fetch_data);
}
