/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-pixel-picture.c: an image enlarged by whole numbers with hard pixel
 * edges. GTK 4.8 has no scaling filter for textures (GskTextureScaleNode is
 * 4.10), so the enlargement is made once with nearest-neighbour sampling at
 * the device's pixel size and drawn 1:1. */
#define G_LOG_DOMAIN "enlist-pixel-picture"

#include "config.h"

#include <math.h>

#include "enlist-pixel-picture.h"

struct _EnlistPixelPicture
{
  GtkWidget   parent_instance;

  GdkPixbuf  *pixbuf;
  GdkTexture *texture;          /* pixbuf as it is */
  GdkTexture *scaled;           /* pixbuf enlarged to scaled_size */
  int         scaled_width;
  int         scaled_height;
  guint       max_scale;
  guint       max_height;
};

G_DEFINE_FINAL_TYPE (EnlistPixelPicture, enlist_pixel_picture, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PIXBUF,
  PROP_MAX_SCALE,
  PROP_MAX_HEIGHT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The largest scale the height allows, at most max-scale. */
static double
largest_scale (EnlistPixelPicture *self)
{
  int height = gdk_pixbuf_get_height (self->pixbuf);

  return MIN ((double) self->max_scale, (double) self->max_height / height);
}

/* The scale for a given width: whole numbers from 2× up, so that every
 * source pixel becomes the same square of screen pixels; anything between
 * (or a reduction) as it comes. */
static double
scale_for_width (EnlistPixelPicture *self,
                 int                 width)
{
  double scale;

  scale = MIN ((double) width / gdk_pixbuf_get_width (self->pixbuf), largest_scale (self));
  if (scale >= 2)
    return floor (scale);
  return MAX (scale, 0);
}

static void
enlist_pixel_picture_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  EnlistPixelPicture *self = ENLIST_PIXEL_PICTURE (widget);
  int width, height;

  if (self->pixbuf == NULL)
    {
      *minimum = *natural = 0;
      return;
    }

  width = gdk_pixbuf_get_width (self->pixbuf);
  height = gdk_pixbuf_get_height (self->pixbuf);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* the image may shrink with the window, but never to nothing */
      *natural = ceil (width * largest_scale (self));
      *minimum = MIN (*natural, 64);
    }
  else
    {
      /* Taller when wider, the opposite of what GTK expects from
       * height-for-width widgets: like GtkPicture, ask for no minimum
       * height and the right natural one. */
      *minimum = 0;
      if (for_size >= 0)
        *natural = ceil (height * scale_for_width (self, for_size));
      else
        *natural = ceil (height * largest_scale (self));
    }
}

static GtkSizeRequestMode
enlist_pixel_picture_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static GdkTexture *
get_scaled_texture (EnlistPixelPicture *self,
                    int                 width,
                    int                 height)
{
  g_autoptr(GdkPixbuf) scaled = NULL;

  if (self->scaled != NULL && self->scaled_width == width && self->scaled_height == height)
    return self->scaled;

  g_clear_object (&self->scaled);
  scaled = gdk_pixbuf_scale_simple (self->pixbuf, width, height, GDK_INTERP_NEAREST);
  if (scaled == NULL)
    return NULL;
  self->scaled = gdk_texture_new_for_pixbuf (scaled);
  self->scaled_width = width;
  self->scaled_height = height;
  return self->scaled;
}

static void
enlist_pixel_picture_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  EnlistPixelPicture *self = ENLIST_PIXEL_PICTURE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int scale_factor = gtk_widget_get_scale_factor (widget);
  double scale, shown_width, shown_height, x, y;
  GdkTexture *texture = NULL;

  if (self->pixbuf == NULL)
    return;

  scale = scale_for_width (self, width);
  shown_width = gdk_pixbuf_get_width (self->pixbuf) * scale;
  shown_height = gdk_pixbuf_get_height (self->pixbuf) * scale;
  /* whole pixels, or the renderer would smooth the edges again */
  x = floor ((width - shown_width) / 2);
  y = floor ((height - shown_height) / 2);

  if (scale >= 2)
    texture = get_scaled_texture (self, shown_width * scale_factor,
                                  shown_height * scale_factor);
  if (texture == NULL)
    texture = self->texture;

  gtk_snapshot_append_texture (snapshot, texture,
                               &GRAPHENE_RECT_INIT (x, y, shown_width, shown_height));
}

static void
enlist_pixel_picture_finalize (GObject *object)
{
  EnlistPixelPicture *self = ENLIST_PIXEL_PICTURE (object);

  g_clear_object (&self->pixbuf);
  g_clear_object (&self->texture);
  g_clear_object (&self->scaled);

  G_OBJECT_CLASS (enlist_pixel_picture_parent_class)->finalize (object);
}

static void
enlist_pixel_picture_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  EnlistPixelPicture *self = ENLIST_PIXEL_PICTURE (object);

  switch (prop_id)
    {
    case PROP_PIXBUF:
      g_value_set_object (value, self->pixbuf);
      break;
    case PROP_MAX_SCALE:
      g_value_set_uint (value, self->max_scale);
      break;
    case PROP_MAX_HEIGHT:
      g_value_set_uint (value, self->max_height);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_pixel_picture_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  EnlistPixelPicture *self = ENLIST_PIXEL_PICTURE (object);

  switch (prop_id)
    {
    case PROP_PIXBUF:
      enlist_pixel_picture_set_pixbuf (self, g_value_get_object (value));
      break;
    case PROP_MAX_SCALE:
      enlist_pixel_picture_set_max_scale (self, g_value_get_uint (value));
      break;
    case PROP_MAX_HEIGHT:
      enlist_pixel_picture_set_max_height (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_pixel_picture_class_init (EnlistPixelPictureClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = enlist_pixel_picture_finalize;
  object_class->get_property = enlist_pixel_picture_get_property;
  object_class->set_property = enlist_pixel_picture_set_property;
  widget_class->measure = enlist_pixel_picture_measure;
  widget_class->get_request_mode = enlist_pixel_picture_get_request_mode;
  widget_class->snapshot = enlist_pixel_picture_snapshot;

  properties[PROP_PIXBUF] =
    g_param_spec_object ("pixbuf", NULL, NULL, GDK_TYPE_PIXBUF,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MAX_SCALE] =
    g_param_spec_uint ("max-scale", NULL, NULL, 1, 16, ENLIST_PIXEL_PICTURE_DEFAULT_MAX_SCALE,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MAX_HEIGHT] =
    g_param_spec_uint ("max-height", NULL, NULL, 16, 4096,
                       ENLIST_PIXEL_PICTURE_DEFAULT_MAX_HEIGHT,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "picture");
}

static void
enlist_pixel_picture_init (EnlistPixelPicture *self)
{
  self->max_scale = ENLIST_PIXEL_PICTURE_DEFAULT_MAX_SCALE;
  self->max_height = ENLIST_PIXEL_PICTURE_DEFAULT_MAX_HEIGHT;
}

GtkWidget *
enlist_pixel_picture_new (void)
{
  return g_object_new (ENLIST_TYPE_PIXEL_PICTURE, NULL);
}

GdkPixbuf *
enlist_pixel_picture_get_pixbuf (EnlistPixelPicture *self)
{
  g_return_val_if_fail (ENLIST_IS_PIXEL_PICTURE (self), NULL);

  return self->pixbuf;
}

void
enlist_pixel_picture_set_pixbuf (EnlistPixelPicture *self,
                                 GdkPixbuf          *pixbuf)
{
  g_return_if_fail (ENLIST_IS_PIXEL_PICTURE (self));
  g_return_if_fail (pixbuf == NULL || GDK_IS_PIXBUF (pixbuf));

  if (!g_set_object (&self->pixbuf, pixbuf))
    return;

  g_clear_object (&self->texture);
  g_clear_object (&self->scaled);
  if (pixbuf != NULL)
    self->texture = gdk_texture_new_for_pixbuf (pixbuf);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PIXBUF]);
}

guint
enlist_pixel_picture_get_max_scale (EnlistPixelPicture *self)
{
  g_return_val_if_fail (ENLIST_IS_PIXEL_PICTURE (self), 0);

  return self->max_scale;
}

void
enlist_pixel_picture_set_max_scale (EnlistPixelPicture *self,
                                    guint               max_scale)
{
  g_return_if_fail (ENLIST_IS_PIXEL_PICTURE (self));
  g_return_if_fail (max_scale >= 1);

  if (self->max_scale == max_scale)
    return;
  self->max_scale = max_scale;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_SCALE]);
}

guint
enlist_pixel_picture_get_max_height (EnlistPixelPicture *self)
{
  g_return_val_if_fail (ENLIST_IS_PIXEL_PICTURE (self), 0);

  return self->max_height;
}

void
enlist_pixel_picture_set_max_height (EnlistPixelPicture *self,
                                     guint               max_height)
{
  g_return_if_fail (ENLIST_IS_PIXEL_PICTURE (self));
  g_return_if_fail (max_height >= 1);

  if (self->max_height == max_height)
    return;
  self->max_height = max_height;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_HEIGHT]);
}

double
enlist_pixel_picture_get_scale (EnlistPixelPicture *self)
{
  g_return_val_if_fail (ENLIST_IS_PIXEL_PICTURE (self), 0);

  if (self->pixbuf == NULL)
    return 0;
  return scale_for_width (self, gtk_widget_get_width (GTK_WIDGET (self)));
}
