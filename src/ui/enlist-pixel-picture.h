/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-pixel-picture.h: a small image (a CAPTCHA) shown large and sharp:
 * whole-number enlargements from 2× up with nearest-neighbour pixels,
 * smooth scaling below that. GtkPicture in GTK 4.8 can only smooth. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ENLIST_TYPE_PIXEL_PICTURE (enlist_pixel_picture_get_type ())
G_DECLARE_FINAL_TYPE (EnlistPixelPicture, enlist_pixel_picture, ENLIST, PIXEL_PICTURE, GtkWidget)

#define ENLIST_PIXEL_PICTURE_DEFAULT_MAX_SCALE  3
#define ENLIST_PIXEL_PICTURE_DEFAULT_MAX_HEIGHT 240

/* Properties: "pixbuf", "max-scale" (the largest enlargement, default 3),
 * "max-height" (logical pixels the image may take at most, default 240;
 * larger images are shrunk). */
GtkWidget *enlist_pixel_picture_new            (void);
GdkPixbuf *enlist_pixel_picture_get_pixbuf     (EnlistPixelPicture *self);
void       enlist_pixel_picture_set_pixbuf     (EnlistPixelPicture *self,
                                                GdkPixbuf          *pixbuf);
guint      enlist_pixel_picture_get_max_scale  (EnlistPixelPicture *self);
void       enlist_pixel_picture_set_max_scale  (EnlistPixelPicture *self,
                                                guint               max_scale);
guint      enlist_pixel_picture_get_max_height (EnlistPixelPicture *self);
void       enlist_pixel_picture_set_max_height (EnlistPixelPicture *self,
                                                guint               max_height);
/* The scale the image is drawn at for the current width (0 without one). */
double     enlist_pixel_picture_get_scale      (EnlistPixelPicture *self);

G_END_DECLS
