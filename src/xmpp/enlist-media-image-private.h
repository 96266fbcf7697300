/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-media-image-private.h: how the media resolver makes an image once
 * every check passed. */
#pragma once

#include "enlist-media-image.h"

G_BEGIN_DECLS

/* mime_type must be a static string. */
EnlistMediaImage *enlist_media_image_new (const char *uri,
                                          GBytes     *bytes,
                                          const char *mime_type,
                                          GdkPixbuf  *pixbuf);

G_END_DECLS
