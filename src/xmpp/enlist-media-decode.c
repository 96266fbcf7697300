/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-media-decode.c: turns the bytes of a CAPTCHA image into a decoded
 * image, trusting nothing in them: the type is taken from the first bytes
 * only, the file must be whole, it is decoded by the one loader that type
 * names, its announced dimensions are refused before pixels are allocated,
 * and the decoding runs in a worker thread. */
#define G_LOG_DOMAIN "enlist-media"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "enlist-error.h"
#include "enlist-media-image-private.h"
#include "enlist-media-private.h"

#define WRITE_CHUNK_SIZE  (64 * 1024)

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

/* Skips the data sub-blocks at *pos (each a length byte and that many
 * bytes, ended by a zero length); FALSE when the file ends first. */
static gboolean
skip_gif_sub_blocks (const guint8 *data,
                     gsize         len,
                     gsize        *pos)
{
  while (*pos < len)
    {
      guint8 size = data[*pos];

      *pos += 1;
      if (size == 0)
        return TRUE;
      if (size > len - *pos)
        return FALSE;
      *pos += size;
    }
  return FALSE;
}

/* The GIF loader accepts a file cut short and, given a frame of no width
 * or height, fails an assertion (a critical) inside gdk-pixbuf: the blocks
 * are walked here. Header, logical screen and its colour table, then
 * extensions and images (each with a size, its colour table and its data)
 * until the trailer, which must end the file; at least one image. */
static gboolean
check_gif_structure (const guint8  *data,
                     gsize          len,
                     GError       **error)
{
  gsize pos = 13;
  gboolean has_image = FALSE;

  if (len < pos)
    goto damaged;
  if (data[10] & 0x80)
    pos += 3 * ((gsize) 2 << (data[10] & 0x07));

  while (pos < len)
    {
      switch (data[pos])
        {
        case 0x21:    /* extension: a label, then sub-blocks */
          pos += 2;
          if (pos > len || !skip_gif_sub_blocks (data, len, &pos))
            goto damaged;
          break;

        case 0x2c:    /* image: left, top, width, height, flags */
          if (len - pos < 10)
            goto damaged;
          if ((data[pos + 5] | data[pos + 6]) == 0 || (data[pos + 7] | data[pos + 8]) == 0)
            goto damaged;
          if (data[pos + 9] & 0x80)
            pos += 3 * ((gsize) 2 << (data[pos + 9] & 0x07));
          pos += 10 + 1;    /* and the LZW code size */
          if (pos > len || !skip_gif_sub_blocks (data, len, &pos))
            goto damaged;
          has_image = TRUE;
          break;

        case 0x3b:    /* trailer */
          if (pos + 1 == len && has_image)
            return TRUE;
          goto damaged;

        default:
          goto damaged;
        }
    }

damaged:
  g_propagate_error (error, new_damaged_error ());
  return FALSE;
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

void
enlist_media_decode_async (const char          *uri,
                           GBytes              *bytes,
                           guint                max_width,
                           guint                max_height,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  DecodeJob *job = g_new0 (DecodeJob, 1);

  g_assert (uri != NULL);
  g_assert (bytes != NULL);

  job->uri = g_strdup (uri);
  job->bytes = g_bytes_ref (bytes);
  job->max_width = max_width;
  job->max_height = max_height;

  /* no source object: the thread may drop the last reference to the task */
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_media_decode_async);
  g_task_set_task_data (task, job, (GDestroyNotify) decode_job_free);
  g_task_run_in_thread (task, decode_thread);
}

EnlistMediaImage *
enlist_media_decode_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_assert (g_task_is_valid (result, NULL));

  return g_task_propagate_pointer (G_TASK (result), error);
}
