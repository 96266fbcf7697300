/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-captcha-view.c: the CAPTCHA view under Xvfb with ejabberd's real
 * CAPTCHA image: enlarged with hard pixel edges, its loading and error
 * states, "New Image", and the fallback web page as a link that shows its
 * address and opens in the default browser. */
#define G_LOG_DOMAIN "test-captcha-view"

#include "config.h"

#include <glib/gstdio.h>

#include "enlist-captcha-view.h"
#include "enlist-media.h"
#include "enlist-pixel-picture.h"
#include "enlist-test-utils.h"
#include "enlist-ui-test-utils.h"
#include "enlist-xml.h"

#define EJABBERD_FALLBACK_URL "http://127.0.0.1:25280/captcha/4652777599156484336/image"

/* ejabberd's CAPTCHA PNG through the media resolver, as inline Bits of
 * Binary: the image the view gets in the app. */
static EnlistMediaImage *
load_fixture_image (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "ejabberd-captcha.png",
                                                 NULL);
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  g_autoptr(EnlistXmlNode) data = enlist_xml_node_new ("data", ENLIST_NS_BOB);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *sha1 = NULL;
  g_autofree char *cid = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *base64 = NULL;
  EnlistMediaImage *image;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  sha1 = g_compute_checksum_for_data (G_CHECKSUM_SHA1, (const guchar *) contents, len);
  cid = g_strdup_printf ("sha1+%s@bob.xmpp.org", sha1);
  base64 = g_base64_encode ((const guchar *) contents, len);
  enlist_xml_node_set_attr (data, "cid", cid);
  enlist_xml_node_set_attr (data, "type", "image/png");
  enlist_xml_node_set_text (data, base64);
  g_assert_true (enlist_media_resolver_add_bob_data (resolver, data));

  uri = g_strconcat ("cid:", cid, NULL);
  enlist_media_resolver_resolve_async (resolver, uri, NULL, enlist_test_store_result, &result);
  image = enlist_media_resolver_resolve_finish (resolver, enlist_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (enlist_media_image_get_width (image), ==, 180);
  g_assert_cmpint (enlist_media_image_get_height (image), ==, 60);
  return image;
}

typedef struct
{
  GtkWidget         *window;
  EnlistCaptchaView *view;
  guint              renewed;
} Fixture;

static void
count_renew (EnlistCaptchaView *view,
             gpointer           data)
{
  (*(guint *) data)++;
}

/* The view in a window as wide as the assistant, inside the margins the
 * form view gives it (data: the window width, 560 unless given). */
static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  int width = data != NULL ? GPOINTER_TO_INT (data) : 560;
  GtkWidget *box;

  fixture->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), width, 360);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  fixture->view = ENLIST_CAPTCHA_VIEW (enlist_captcha_view_new ());
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fixture->view));
  gtk_window_set_child (GTK_WINDOW (fixture->window), box);
  g_signal_connect (fixture->view, "renew", G_CALLBACK (count_renew), &fixture->renewed);
  enlist_ui_test_show (GTK_WINDOW (fixture->window));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_object_ref (fixture->view);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  /* opening the web page holds a reference until the launch reports back */
  enlist_test_finalize (fixture->view);
}

static GtkWidget *
find_picture (Fixture *fixture)
{
  GtkWidget *picture = enlist_ui_test_find (GTK_WIDGET (fixture->view),
                                            ENLIST_TYPE_PIXEL_PICTURE, NULL);

  g_assert_nonnull (picture);
  return picture;
}

/* Renders the window like a screenshot and checks that the picture shows
 * the image at scale with every source pixel a hard-edged square of
 * exactly its own grey. */
static void
assert_sharp (Fixture    *fixture,
              GdkPixbuf  *source,
              int         scale,
              const char *name)
{
  g_autofree char *shot = enlist_ui_test_screenshot (fixture->window, name);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guchar *pixels = NULL;
  GtkWidget *picture = find_picture (fixture);
  graphene_rect_t bounds;
  int width, height, x0, y0, stride;
  const guchar *src = gdk_pixbuf_read_pixels (source);
  int src_stride = gdk_pixbuf_get_rowstride (source);
  int n_channels = gdk_pixbuf_get_n_channels (source);
  guint distinct_neighbours = 0;

  g_assert_cmpfloat (enlist_pixel_picture_get_scale (ENLIST_PIXEL_PICTURE (picture)), ==, scale);
  texture = gdk_texture_new_from_filename (shot, &error);
  g_assert_no_error (error);
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  stride = width * 4;
  pixels = g_malloc (stride * height);
  gdk_texture_download (texture, pixels, stride);

  g_assert_true (gtk_widget_compute_bounds (picture, fixture->window, &bounds));
  x0 = bounds.origin.x + (int) ((bounds.size.width - 180 * scale) / 2);
  y0 = bounds.origin.y + (int) ((bounds.size.height - 60 * scale) / 2);
  g_assert_cmpint (x0, >=, 0);
  g_assert_cmpint (x0 + 180 * scale, <=, width);
  g_assert_cmpint (y0 + 60 * scale, <=, height);

  for (int j = 0; j < 60; j++)
    for (int i = 0; i < 180; i++)
      {
        guchar grey = src[j * src_stride + i * n_channels];

        if (i > 0 && grey != src[j * src_stride + (i - 1) * n_channels])
          distinct_neighbours++;
        for (int dy = 0; dy < scale; dy++)
          for (int dx = 0; dx < scale; dx++)
            {
              /* gdk_texture_download: B G R A in memory (CAIRO_FORMAT_ARGB32) */
              const guchar *p = pixels + (y0 + j * scale + dy) * stride + (x0 + i * scale + dx) * 4;

              if (p[0] != grey || p[1] != grey || p[2] != grey)
                g_error ("source pixel (%d, %d) = %u, screen (%d, %d) = %u %u %u: not a hard "
                         "%d×%d square", i, j, grey, x0 + i * scale + dx, y0 + j * scale + dy,
                         p[2], p[1], p[0], scale, scale);
            }
      }
  /* a blank image would pass the above trivially */
  g_assert_cmpuint (distinct_neighbours, >, 500);
}

static void
test_image_sharp (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(EnlistMediaImage) image = load_fixture_image ();
  GdkPixbuf *source = enlist_media_image_get_pixbuf (image);
  int scale = data != NULL ? 3 : 2;

  enlist_captcha_view_set_image (fixture->view, image);
  g_assert_cmpint (enlist_captcha_view_get_state (fixture->view), ==, ENLIST_CAPTCHA_VIEW_IMAGE);
  g_assert_true (enlist_captcha_view_get_image (fixture->view) == image);
  enlist_ui_test_wait_draw (fixture->window);
  /* 560 wide: 512 pixels for the image, 2×; 640 wide: 3× */
  assert_sharp (fixture, source, scale, scale == 3 ? "captcha-image-3x" : "captcha-image-2x");
}

static void
test_image_max_height (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(EnlistMediaImage) image = load_fixture_image ();
  GtkWidget *picture = find_picture (fixture);

  enlist_captcha_view_set_image (fixture->view, image);
  /* no taller than max-height: 60 × 2 > 100, so 100/60 of it, smoothly */
  enlist_pixel_picture_set_max_height (ENLIST_PIXEL_PICTURE (picture), 100);
  enlist_ui_test_wait_draw (fixture->window);
  g_assert_cmpfloat_with_epsilon (enlist_pixel_picture_get_scale (ENLIST_PIXEL_PICTURE (picture)),
                                  100.0 / 60, 1e-9);
  g_assert_cmpint (gtk_widget_get_height (picture), <=, 100);
}

static gboolean
renew_enabled (Fixture *fixture)
{
  GtkWidget *button = enlist_ui_test_find (GTK_WIDGET (fixture->view), GTK_TYPE_BUTTON,
                                           "New Image");

  g_assert_nonnull (button);
  return gtk_widget_get_sensitive (button);
}

static void
test_states (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(EnlistMediaImage) image = load_fixture_image ();
  g_autofree char *shot = NULL;
  GtkWidget *spinner, *label;

  /* loading until told otherwise; no second request meanwhile */
  g_assert_cmpint (enlist_captcha_view_get_state (fixture->view), ==,
                   ENLIST_CAPTCHA_VIEW_LOADING);
  spinner = enlist_ui_test_find (GTK_WIDGET (fixture->view), GTK_TYPE_SPINNER, NULL);
  g_assert_true (gtk_spinner_get_spinning (GTK_SPINNER (spinner)));
  g_assert_true (gtk_widget_get_mapped (spinner));
  g_assert_false (renew_enabled (fixture));
  shot = enlist_ui_test_screenshot (fixture->window, "captcha-loading");
  g_clear_pointer (&shot, g_free);

  enlist_captcha_view_set_error (fixture->view,
                                 "The CAPTCHA image could not be loaded: <b>timeout</b> &amp;");
  g_assert_cmpint (enlist_captcha_view_get_state (fixture->view), ==, ENLIST_CAPTCHA_VIEW_ERROR);
  g_assert_false (gtk_spinner_get_spinning (GTK_SPINNER (spinner)));
  label = enlist_ui_test_find (GTK_WIDGET (fixture->view), GTK_TYPE_LABEL,
                               "The CAPTCHA image could not be loaded: <b>timeout</b> &amp;");
  g_assert_nonnull (label);
  g_assert_false (gtk_label_get_use_markup (GTK_LABEL (label)));
  g_assert_true (gtk_widget_get_mapped (label));
  g_assert_true (renew_enabled (fixture));
  g_assert_null (enlist_captcha_view_get_image (fixture->view));
  shot = enlist_ui_test_screenshot (fixture->window, "captcha-error");
  g_clear_pointer (&shot, g_free);

  enlist_captcha_view_set_image (fixture->view, image);
  g_assert_cmpint (enlist_captcha_view_get_state (fixture->view), ==, ENLIST_CAPTCHA_VIEW_IMAGE);
  enlist_ui_test_wait_draw (fixture->window);
  g_assert_true (gtk_widget_get_mapped (find_picture (fixture)));
  g_assert_false (gtk_widget_get_mapped (label));
}

static gboolean
renewed_once (gpointer data)
{
  return ((Fixture *) data)->renewed > 0;
}

static void
test_renew (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(EnlistMediaImage) image = load_fixture_image ();
  GtkWidget *button;

  enlist_captcha_view_set_image (fixture->view, image);
  button = enlist_ui_test_find (GTK_WIDGET (fixture->view), GTK_TYPE_BUTTON, "New Image");
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "New Image");
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (button)), ==, "view-refresh-symbolic");
  gtk_test_accessible_assert_property (button, GTK_ACCESSIBLE_PROPERTY_LABEL, "New Image");
  g_free (enlist_ui_test_screenshot (fixture->window, "captcha-image-with-controls"));

  /* the button, as a click does (GtkButton shows itself pressed first) */
  gtk_widget_activate (button);
  enlist_ui_test_wait_until (renewed_once, fixture, 5000, "the renew signal");
  g_assert_cmpuint (fixture->renewed, ==, 1);
  g_assert_cmpint (enlist_captcha_view_get_state (fixture->view), ==,
                   ENLIST_CAPTCHA_VIEW_LOADING);
  /* one request at a time */
  gtk_widget_activate_action (GTK_WIDGET (fixture->view), "captcha.renew", NULL);
  g_assert_cmpuint (fixture->renewed, ==, 1);

  enlist_captcha_view_set_image (fixture->view, image);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "captcha.renew", NULL));
  g_assert_cmpuint (fixture->renewed, ==, 2);
}

static void
test_description (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkWidget *picture = find_picture (fixture);

  enlist_captcha_view_set_description (fixture->view, "Enter the text you see");
  gtk_test_accessible_assert_property (picture, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Enter the text you see");
  gtk_test_accessible_assert_property (picture, GTK_ACCESSIBLE_PROPERTY_LABEL, "CAPTCHA Image");
  gtk_test_accessible_assert_role (picture, GTK_ACCESSIBLE_ROLE_IMG);
}

static GtkWidget *
find_link (Fixture *fixture)
{
  GtkWidget *link = enlist_ui_test_find (GTK_WIDGET (fixture->view), GTK_TYPE_LINK_BUTTON, NULL);

  g_assert_nonnull (link);
  return link;
}

static const char *
link_text (Fixture *fixture)
{
  GtkWidget *child = gtk_button_get_child (GTK_BUTTON (find_link (fixture)));

  g_assert_true (GTK_IS_LABEL (child));
  return gtk_label_get_text (GTK_LABEL (child));
}

static void
test_fallback_link (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *contents = NULL;
  GtkWidget *link = find_link (fixture);
  static const char * const refused[] = {
    "file:///etc/passwd",
    "javascript:alert(1)",
    "xmpp:admin@localhost?message",
    "ftp://example.org/captcha",
    "http:///no-host",
    "not a uri at all",
  };

  enlist_ui_test_install_recording_browser ();
  g_assert_false (gtk_widget_get_visible (link));
  g_assert_null (enlist_captcha_view_get_fallback_url (fixture->view));

  enlist_captcha_view_set_fallback_url (fixture->view, EJABBERD_FALLBACK_URL);
  g_assert_true (gtk_widget_get_visible (link));
  /* the link reads as the very address it opens */
  g_assert_cmpstr (link_text (fixture), ==, EJABBERD_FALLBACK_URL);
  g_assert_cmpstr (gtk_link_button_get_uri (GTK_LINK_BUTTON (link)), ==, EJABBERD_FALLBACK_URL);
  g_assert_cmpstr (enlist_captcha_view_get_fallback_url (fixture->view), ==,
                   EJABBERD_FALLBACK_URL);
  g_free (enlist_ui_test_screenshot (fixture->window, "captcha-fallback-link"));

  /* clicking opens it in the default browser */
  gtk_widget_activate (link);
  contents = enlist_ui_test_wait_opened ();
  g_assert_cmpstr (contents, ==, EJABBERD_FALLBACK_URL);
  g_assert_true (gtk_link_button_get_visited (GTK_LINK_BUTTON (link)));

  /* markup-looking characters are shown as they are */
  enlist_captcha_view_set_fallback_url (fixture->view, "https://example.org/c?a=<b>&amp;");
  g_assert_true (gtk_widget_get_visible (link));
  g_assert_cmpstr (link_text (fixture), ==, "https://example.org/c?a=<b>&amp;");
  g_assert_false (gtk_label_get_use_markup (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (link)))));

  /* only web pages are offered */
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      enlist_captcha_view_set_fallback_url (fixture->view, refused[i]);
      g_assert_false (gtk_widget_get_visible (link));
      g_assert_null (enlist_captcha_view_get_fallback_url (fixture->view));
    }
  enlist_captcha_view_set_fallback_url (fixture->view, NULL);
  g_assert_false (gtk_widget_get_visible (link));
}

int
main (int    argc,
      char **argv)
{
  /* accessible properties checked in-process (gtk_test_accessible_*), with
   * no AT-SPI registry started on the session bus */
  g_setenv ("GTK_A11Y", "test", TRUE);
  enlist_ui_test_init (&argc, &argv);

  g_test_add ("/captcha-view/image/2x", Fixture, NULL,
              fixture_setup, test_image_sharp, fixture_teardown);
  g_test_add ("/captcha-view/image/3x", Fixture, GINT_TO_POINTER (640),
              fixture_setup, test_image_sharp, fixture_teardown);
  g_test_add ("/captcha-view/image/max-height", Fixture, NULL,
              fixture_setup, test_image_max_height, fixture_teardown);
  g_test_add ("/captcha-view/states", Fixture, NULL,
              fixture_setup, test_states, fixture_teardown);
  g_test_add ("/captcha-view/renew", Fixture, NULL,
              fixture_setup, test_renew, fixture_teardown);
  g_test_add ("/captcha-view/description", Fixture, NULL,
              fixture_setup, test_description, fixture_teardown);
  g_test_add ("/captcha-view/fallback-link", Fixture, NULL,
              fixture_setup, test_fallback_link, fixture_teardown);

  return g_test_run ();
}
