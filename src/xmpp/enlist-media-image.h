/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-media-image.h: a CAPTCHA image that passed every check (source,
 * hash, type by its magic bytes, byte and pixel limits) and was decoded. */
#pragma once

#include <gio/gio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

G_BEGIN_DECLS

#define ENLIST_TYPE_MEDIA_IMAGE (enlist_media_image_get_type ())
G_DECLARE_FINAL_TYPE (EnlistMediaImage, enlist_media_image, ENLIST, MEDIA_IMAGE, GObject)

/* The URI that was asked for (not where redirects led). */
const char *enlist_media_image_get_uri       (EnlistMediaImage *self);
/* The image file as received. */
GBytes     *enlist_media_image_get_bytes     (EnlistMediaImage *self);
/* "image/png", "image/jpeg" or "image/gif", from the data itself, never
 * from what the sender declared. */
const char *enlist_media_image_get_mime_type (EnlistMediaImage *self);
GdkPixbuf  *enlist_media_image_get_pixbuf    (EnlistMediaImage *self);
int         enlist_media_image_get_width     (EnlistMediaImage *self);
int         enlist_media_image_get_height    (EnlistMediaImage *self);

G_END_DECLS
