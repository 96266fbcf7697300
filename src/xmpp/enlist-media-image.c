/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-media-image.c: a CAPTCHA image that the media resolver checked and
 * decoded: immutable, so front ends can hold it as long as they show it. */
#define G_LOG_DOMAIN "enlist-media"

#include "config.h"

#include "enlist-media-image-private.h"

struct _EnlistMediaImage
{
  GObject     parent_instance;

  char       *uri;
  GBytes     *bytes;
  const char *mime_type;   /* static */
  GdkPixbuf  *pixbuf;
};

G_DEFINE_FINAL_TYPE (EnlistMediaImage, enlist_media_image, G_TYPE_OBJECT)

static void
enlist_media_image_finalize (GObject *object)
{
  EnlistMediaImage *self = ENLIST_MEDIA_IMAGE (object);

  g_clear_pointer (&self->uri, g_free);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_object (&self->pixbuf);

  G_OBJECT_CLASS (enlist_media_image_parent_class)->finalize (object);
}

static void
enlist_media_image_class_init (EnlistMediaImageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = enlist_media_image_finalize;
}

static void
enlist_media_image_init (EnlistMediaImage *self)
{
}

EnlistMediaImage *
enlist_media_image_new (const char *uri,
                        GBytes     *bytes,
                        const char *mime_type,
                        GdkPixbuf  *pixbuf)
{
  EnlistMediaImage *self;

  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (mime_type != NULL, NULL);
  g_return_val_if_fail (GDK_IS_PIXBUF (pixbuf), NULL);

  self = g_object_new (ENLIST_TYPE_MEDIA_IMAGE, NULL);
  self->uri = g_strdup (uri);
  self->bytes = g_bytes_ref (bytes);
  self->mime_type = mime_type;
  self->pixbuf = g_object_ref (pixbuf);
  return self;
}

const char *
enlist_media_image_get_uri (EnlistMediaImage *self)
{
  g_return_val_if_fail (ENLIST_IS_MEDIA_IMAGE (self), NULL);
  return self->uri;
}

GBytes *
enlist_media_image_get_bytes (EnlistMediaImage *self)
{
  g_return_val_if_fail (ENLIST_IS_MEDIA_IMAGE (self), NULL);
  return self->bytes;
}

const char *
enlist_media_image_get_mime_type (EnlistMediaImage *self)
{
  g_return_val_if_fail (ENLIST_IS_MEDIA_IMAGE (self), NULL);
  return self->mime_type;
}

GdkPixbuf *
enlist_media_image_get_pixbuf (EnlistMediaImage *self)
{
  g_return_val_if_fail (ENLIST_IS_MEDIA_IMAGE (self), NULL);
  return self->pixbuf;
}

int
enlist_media_image_get_width (EnlistMediaImage *self)
{
  g_return_val_if_fail (ENLIST_IS_MEDIA_IMAGE (self), 0);
  return gdk_pixbuf_get_width (self->pixbuf);
}

int
enlist_media_image_get_height (EnlistMediaImage *self)
{
  g_return_val_if_fail (ENLIST_IS_MEDIA_IMAGE (self), 0);
  return gdk_pixbuf_get_height (self->pixbuf);
}
