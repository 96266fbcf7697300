/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-media.c: turns the URI of a CAPTCHA image into a verified image.
 * Everything about the image is untrusted: its size is capped while it
 * streams in, its type is taken from its first bytes only, it is decoded by
 * the one loader that type names, its announced dimensions are refused before
 * pixels are allocated, and the decoding runs in a worker thread. */
#define G_LOG_DOMAIN "enlist-media"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "enlist-error.h"
#include "enlist-media.h"
#include "enlist-media-image-private.h"
#include "enlist-tls-policy.h"

#define READ_CHUNK_SIZE   (64 * 1024)
#define WRITE_CHUNK_SIZE  (64 * 1024)
#define HTTP_IO_TIMEOUT_S 20

/* ---------------------------------------------------------------------- */
/* Image formats                                                           */

typedef enum
{
  FORMAT_NONE,
  FORMAT_PNG,
  FORMAT_JPEG,
  FORMAT_GIF,
} ImageFormat;

static const struct
{
  const char *loader;
  const char *mime_type;
} formats[] = {
  [FORMAT_NONE] = { NULL, NULL },
  [FORMAT_PNG] = { "png", "image/png" },
  [FORMAT_JPEG] = { "jpeg", "image/jpeg" },
  [FORMAT_GIF] = { "gif", "image/gif" },
};

static const guint8 png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

static ImageFormat
sniff_format (const guint8 *data,
              gsize         len)
{
  if (len >= sizeof png_signature && memcmp (data, png_signature, sizeof png_signature) == 0)
    return FORMAT_PNG;
  if (len >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return FORMAT_JPEG;
  if (len >= 6 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0))
    return FORMAT_GIF;
  return FORMAT_NONE;
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static guint32
png_crc (const guint8 *data,
         gsize         len)
{
  static guint32 table[256];
  static gsize initialised = 0;
  guint32 crc = 0xffffffff;

  if (g_once_init_enter (&initialised))
    {
      for (guint32 n = 0; n < 256; n++)
        {
          guint32 c = n;

          for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320 ^ (c >> 1) : c >> 1;
          table[n] = c;
        }
      g_once_init_leave (&initialised, 1);
    }

  for (gsize i = 0; i < len; i++)
    crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffff;
}

static GError *
new_damaged_error (void)
{
  return g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                              _("The image is incomplete or damaged."));
}

/* gdk-pixbuf's PNG loader accepts a file cut short after its header and
 * returns the rows it got, so completeness is checked here: every chunk whole
 * with a correct CRC, IHDR first, IEND last. */
static gboolean
check_png_structure (const guint8  *data,
                     gsize          len,
                     GError       **error)
{
  gsize pos = sizeof png_signature;
  gboolean first = TRUE;

  while (pos < len)
    {
      guint32 length;
      const guint8 *type;

      if (len - pos < 12)
        break;
      length = read_be32 (data + pos);
      if (length > 0x7fffffff || length > len - pos - 12)
        break;
      type = data + pos + 4;
      if (png_crc (type, 4 + (gsize) length) != read_be32 (type + 4 + length))
        break;
      if (first != (memcmp (type, "IHDR", 4) == 0))
        break;
      first = FALSE;
      pos += 12 + (gsize) length;
      if (memcmp (type, "IEND", 4) == 0)
        {
          if (pos == len)
            return TRUE;
          break;
        }
    }

  g_propagate_error (error, new_damaged_error ());
  return FALSE;
}

/* The JPEG loader accepts a file without its end; libjpeg pads it. A whole
 * file has a scan (SOS) and ends with EOI. */
static gboolean
check_jpeg_structure (const guint8  *data,
                      gsize          len,
                      GError       **error)
{
  gboolean has_scan = FALSE;

  for (gsize i = 2; i + 1 < len && !has_scan; i++)
    has_scan = data[i] == 0xff && data[i + 1] == 0xda;

  if (!has_scan || len < 4 || data[len - 2] != 0xff || data[len - 1] != 0xd9)
    {
      g_propagate_error (error, new_damaged_error ());
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_gif_structure (const guint8  *data,
                     gsize          len,
                     GError       **error)
{
  if (len < 14 || data[len - 1] != 0x3b)
    {
      g_propagate_error (error, new_damaged_error ());
      return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Decoding, in a worker thread                                            */

typedef struct
{
  char   *uri;
  GBytes *bytes;
  guint   max_width;
  guint   max_height;
  /* set by size-prepared */
  int     announced_width;
  int     announced_height;
  gboolean too_large;
} DecodeJob;

static void
decode_job_free (DecodeJob *job)
{
  g_free (job->uri);
  g_bytes_unref (job->bytes);
  g_free (job);
}

static void
size_prepared_cb (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  DecodeJob *job = user_data;

  job->announced_width = width;
  job->announced_height = height;
  if (width <= 0 || height <= 0 || (guint) width > job->max_width
      || (guint) height > job->max_height)
    {
      /* the loader allocates nothing for a zero size and fails the write */
      job->too_large = TRUE;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
    }
}

static GError *
new_dimensions_error (const DecodeJob *job)
{
  if (job->announced_width <= 0 || job->announced_height <= 0)
    return g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                _("The image has no size; it is damaged."));
  return g_error_new (ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                      _("The image is too large: %d × %d pixels, where at most %u × %u are "
                        "accepted."),
                      job->announced_width, job->announced_height,
                      job->max_width, job->max_height);
}

static EnlistMediaImage *
decode_image (DecodeJob  *job,
              GError    **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) local_error = NULL;
  const guint8 *data;
  gsize len;
  ImageFormat format;
  gboolean ok = TRUE;
  GdkPixbuf *pixbuf;

  data = g_bytes_get_data (job->bytes, &len);
  format = sniff_format (data, len);

  switch (format)
    {
    case FORMAT_PNG:
      ok = check_png_structure (data, len, error);
      break;
    case FORMAT_JPEG:
      ok = check_jpeg_structure (data, len, error);
      break;
    case FORMAT_GIF:
      ok = check_gif_structure (data, len, error);
      break;
    case FORMAT_NONE:
    default:
      g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_FAILED,
                           _("The image is not in a supported format (PNG, JPEG or GIF)."));
      return NULL;
    }
  if (!ok)
    return NULL;

  /* never let the data choose among the installed loaders (SVG, XPM, …) */
  loader = gdk_pixbuf_loader_new_with_type (formats[format].loader, &local_error);
  if (loader == NULL)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_FAILED,
                   _("Images of type %s cannot be shown on this system: %s"),
                   formats[format].mime_type, local_error->message);
      return NULL;
    }
  g_signal_connect (loader, "size-prepared", G_CALLBACK (size_prepared_cb), job);

  for (gsize pos = 0; ok && pos < len; pos += WRITE_CHUNK_SIZE)
    ok = gdk_pixbuf_loader_write (loader, data + pos, MIN (WRITE_CHUNK_SIZE, len - pos),
                                  &local_error) && !job->too_large;
  /* close even after a failure, or the loader complains when finalized */
  if (!gdk_pixbuf_loader_close (loader, ok ? &local_error : NULL))
    ok = FALSE;

  if (job->too_large)
    {
      g_propagate_error (error, new_dimensions_error (job));
      return NULL;
    }
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (!ok || pixbuf == NULL)
    {
      if (local_error != NULL)
        g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                     _("The image is damaged and cannot be shown: %s"), local_error->message);
      else
        g_propagate_error (error, new_damaged_error ());
      return NULL;
    }

  return enlist_media_image_new (job->uri, job->bytes, formats[format].mime_type, pixbuf);
}

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;
  EnlistMediaImage *image = decode_image (task_data, &error);

  if (image == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, image, g_object_unref);
}

/* ---------------------------------------------------------------------- */
/* EnlistMediaResolver                                                     */

struct _EnlistMediaResolver
{
  GObject                 parent_instance;

  GHashTable             *bob;           /* lower-case cid → EnlistXmlNode */
  EnlistMediaBobFetchFunc fetch_func;
  gpointer                fetch_data;
  GDestroyNotify          fetch_destroy;
  SoupSession            *session;       /* created on first HTTP use */
  EnlistTlsPolicy        *policy;        /* the session's TLS database */
  gsize                   max_bytes;
  guint                   max_width;
  guint                   max_height;
  guint                   timeout_ms;
};

G_DEFINE_FINAL_TYPE (EnlistMediaResolver, enlist_media_resolver, G_TYPE_OBJECT)

static void
clear_fetcher (EnlistMediaResolver *self)
{
  GDestroyNotify destroy = self->fetch_destroy;
  gpointer data = self->fetch_data;

  self->fetch_func = NULL;
  self->fetch_data = NULL;
  self->fetch_destroy = NULL;
  if (destroy != NULL)
    destroy (data);
}

static void
enlist_media_resolver_dispose (GObject *object)
{
  EnlistMediaResolver *self = ENLIST_MEDIA_RESOLVER (object);

  clear_fetcher (self);
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

  clear_fetcher (self);
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

typedef struct
{
  char                *uri;
  GCancellable        *cancellable;     /* ours: the caller's, or the deadline, cancel it */
  GCancellable        *caller_cancellable;
  gulong               cancelled_id;
  GSource             *deadline;
  gboolean             timed_out;
  gsize                max_bytes;
  guint                max_width;
  guint                max_height;

  /* HTTP */
  GUri                *current;
  SoupMessage         *message;
  GInputStream        *body;
  GByteArray          *buffer;
  guint                redirects;
  GTlsCertificate     *rejected_certificate;
  GTlsCertificateFlags rejected_flags;

  /* BoB */
  char                *cid;
  GChecksumType        checksum_type;
  char                *hash;          /* lower-case hex, from the cid */
} ResolveData;

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
clear_message (ResolveData *data)
{
  if (data->message != NULL)
    g_signal_handlers_disconnect_by_data (data->message, data);
  g_clear_object (&data->message);
}

static void
resolve_data_free (ResolveData *data)
{
  if (data->caller_cancellable != NULL)
    g_cancellable_disconnect (data->caller_cancellable, data->cancelled_id);
  g_clear_object (&data->caller_cancellable);
  if (data->deadline != NULL)
    g_source_destroy (data->deadline);
  g_clear_pointer (&data->deadline, g_source_unref);
  g_clear_object (&data->cancellable);
  g_clear_pointer (&data->uri, g_free);
  g_clear_pointer (&data->current, g_uri_unref);
  clear_message (data);
  g_clear_pointer (&data->body, discard_body);
  g_clear_pointer (&data->buffer, g_byte_array_unref);
  g_clear_object (&data->rejected_certificate);
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
  ResolveData *data = user_data;

  data->timed_out = TRUE;
  g_clear_pointer (&data->deadline, g_source_unref);
  g_cancellable_cancel (data->cancellable);
  return G_SOURCE_REMOVE;
}

static void
resolve_return_error (GTask  *task,
                      GError *error)
{
  ResolveData *data = g_task_get_task_data (task);

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

  image = g_task_propagate_pointer (G_TASK (result), &error);
  if (image == NULL)
    resolve_return_error (task, error);
  else
    g_task_return_pointer (task, image, g_object_unref);
}

/* Takes task. */
static void
start_decode (GTask  *task,
              GBytes *bytes)
{
  ResolveData *data = g_task_get_task_data (task);
  g_autoptr(GTask) decode = NULL;
  DecodeJob *job = g_new0 (DecodeJob, 1);

  job->uri = g_strdup (data->uri);
  job->bytes = g_bytes_ref (bytes);
  job->max_width = data->max_width;
  job->max_height = data->max_height;

  /* no source object: the thread may drop the last reference to the task */
  decode = g_task_new (NULL, data->cancellable, decode_done_cb, task);
  g_task_set_source_tag (decode, start_decode);
  g_task_set_task_data (decode, job, (GDestroyNotify) decode_job_free);
  g_task_run_in_thread (decode, decode_thread);
}

static GError *
new_too_many_bytes_error (gsize max_bytes)
{
  g_autofree char *limit = g_format_size (max_bytes);

  return g_error_new (ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                      _("The image is too large: it is over %s, the most that is accepted."),
                      limit);
}

/* ---------------------------------------------------------------------- */
/* Bits of Binary                                                          */

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
          g_propagate_error (error, new_too_many_bytes_error (max_bytes));
          return NULL;
        }
    }

  if (clean->len == 0 || clean->len % 4 != 0 || padding > 2)
    goto invalid;
  decoded_len = clean->len / 4 * 3 - padding;
  if (decoded_len > max_bytes)
    {
      g_propagate_error (error, new_too_many_bytes_error (max_bytes));
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
  ResolveData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *actual = NULL;
  const char *node_cid;
  GError *error = NULL;

  node_cid = enlist_xml_node_get_attr (node, "cid");
  if (node_cid != NULL && g_ascii_strcasecmp (node_cid, data->cid) != 0)
    {
      resolve_return_error (task, g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                                       _("The server sent another image than "
                                                         "the one asked for.")));
      g_object_unref (task);
      return;
    }

  bytes = decode_base64 (enlist_xml_node_get_text (node), data->max_bytes, &error);
  if (bytes == NULL)
    {
      resolve_return_error (task, error);
      g_object_unref (task);
      return;
    }

  actual = g_compute_checksum_for_bytes (data->checksum_type, bytes);
  if (g_ascii_strcasecmp (actual, data->hash) != 0)
    {
      resolve_return_error (task, g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                                       _("The image does not match its content "
                                                         "ID: it was damaged or altered on the "
                                                         "way.")));
      g_object_unref (task);
      return;
    }

  start_decode (task, bytes);
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
      resolve_return_error (task, error);
      g_object_unref (task);
      return;
    }
  bob_data_ready (task, node);
}

/* Takes task. */
static void
resolve_cid (GTask      *task,
             const char *rest)
{
  EnlistMediaResolver *self = g_task_get_source_object (task);
  ResolveData *data = g_task_get_task_data (task);
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
      resolve_return_error (task, error);
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
      resolve_return_error (task, g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_FAILED,
                                                       _("The image was not sent with the form "
                                                         "and cannot be requested.")));
      g_object_unref (task);
      return;
    }

  fetch = g_task_new (self, data->cancellable, bob_fetched_cb, task);
  g_task_set_source_tag (fetch, resolve_cid);
  self->fetch_func (data->cid, data->cancellable, fetch, self->fetch_data);
}

/* ---------------------------------------------------------------------- */
/* HTTP                                                                    */

static gboolean
is_http_scheme (const char *scheme)
{
  return scheme != NULL
         && (g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0);
}

static GError *
new_scheme_error (const char *scheme)
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
  ResolveData *data = user_data;

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
  ResolveData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GBytes) whole = NULL;
  GError *error = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (&error, "%s ", _("The image could not be downloaded:"));
      resolve_return_error (task, error);
      g_object_unref (task);
      return;
    }

  if (g_bytes_get_size (chunk) > 0)
    {
      g_byte_array_append (data->buffer, g_bytes_get_data (chunk, NULL),
                           g_bytes_get_size (chunk));
      if (data->buffer->len > data->max_bytes)
        {
          resolve_return_error (task, new_too_many_bytes_error (data->max_bytes));
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
      resolve_return_error (task, g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_FAILED,
                                                       _("The web server sent an empty image.")));
      g_object_unref (task);
      return;
    }
  start_decode (task, whole);
}

static gboolean
follow_redirect (GTask   *task,
                 GError **error)
{
  ResolveData *data = g_task_get_task_data (task);
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
  if (!is_http_scheme (g_uri_get_scheme (target)) || g_uri_get_host (target) == NULL
      || *g_uri_get_host (target) == '\0')
    {
      g_propagate_error (error, new_scheme_error (g_uri_get_scheme (target)));
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
  ResolveData *data = g_task_get_task_data (task);
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
      resolve_return_error (task, error);
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
          resolve_return_error (task, error);
          g_object_unref (task);
          return;
        }
      http_send (task);
      return;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      resolve_return_error (task, g_error_new (ENLIST_ERROR, ENLIST_ERROR_FAILED,
                                               _("The web server could not provide the image "
                                                 "(%u %s)."),
                                               status, soup_message_get_reason_phrase (data->message)));
      g_object_unref (task);
      return;
    }

  headers = soup_message_get_response_headers (data->message);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_content_length (headers) > (goffset) data->max_bytes)
    {
      resolve_return_error (task, new_too_many_bytes_error (data->max_bytes));
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
  ResolveData *data = g_task_get_task_data (task);

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

/* Takes task. */
static void
resolve_http (GTask *task)
{
  ResolveData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->current = g_uri_parse (data->uri, SOUP_HTTP_URI_FLAGS, &error);
  if (data->current == NULL || g_uri_get_host (data->current) == NULL
      || *g_uri_get_host (data->current) == '\0')
    {
      resolve_return_error (task, g_error_new (ENLIST_ERROR, ENLIST_ERROR_FAILED,
                                               _("The image address “%s” is not valid."),
                                               data->uri));
      g_object_unref (task);
      return;
    }
  http_send (task);
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
  ResolveData *data;

  g_return_if_fail (ENLIST_IS_MEDIA_RESOLVER (self));
  g_return_if_fail (uri != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_media_resolver_resolve_async);

  data = g_new0 (ResolveData, 1);
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
      resolve_return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                       _("The operation was cancelled")));
      return;
    }

  scheme = g_uri_parse_scheme (uri);
  if (scheme != NULL && g_ascii_strcasecmp (scheme, "cid") == 0)
    resolve_cid (g_steal_pointer (&task), strchr (uri, ':') + 1);
  else if (is_http_scheme (scheme))
    resolve_http (g_steal_pointer (&task));
  else
    resolve_return_error (task, new_scheme_error (scheme));
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
