/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-registration-captcha.c: EnlistRegistration's CAPTCHA images over
 * HTTPS from a local libsoup server whose certificate no CA vouches for:
 * refused, then trusted through the service's CA file or a pinned
 * fingerprint, as the XMPP connection would trust it; the first of several
 * URIs that loads; forms without an image. No XMPP server is needed: an
 * HTTPS image is fetched without the form's connection. (Its own binary,
 * because SoupServer's leaks need LeakSanitizer's slow full stacks.) */
#define G_LOG_DOMAIN "test-registration-captcha"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <libsoup/soup.h>

#include "enlist-certificate.h"
#include "enlist-data-form-private.h"
#include "enlist-error.h"
#include "enlist-media.h"
#include "enlist-registration.h"
#include "enlist-test-utils.h"
#include "enlist-xml-reader.h"

#define STREAM_HEADER \
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' " \
  "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"

#define CAPTCHA_FORM_TEMPLATE \
  "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='form'>" \
  "<field type='hidden' var='FORM_TYPE'><value>jabber:iq:register</value></field>" \
  "<field type='text-single' var='username' label='User'><required/></field>" \
  "<field type='text-private' var='password' label='Password'><required/></field>" \
  "<field type='hidden' var='challenge'><value>c1</value></field>" \
  "<field type='text-single' var='ocr' label='Enter the text you see'><required/>" \
  "<media xmlns='urn:xmpp:media-element'>%s</media></field></x></query>"

typedef struct
{
  SoupServer *server;
  char       *https;      /* https://127.0.0.1:PORT */
  char       *png;
  gsize       png_len;
  guint       requests;
} Fixture;

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Fixture *f = user_data;

  f->requests++;
  if (g_str_equal (path, "/captcha.png"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_COPY, f->png, f->png_len);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 60, 20);
  g_autofree char *pem = fixture_path ("other.pem");
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  gdk_pixbuf_fill (pixbuf, 0x3465a4ff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &f->png, &f->png_len, "png", &error, NULL));
  g_assert_no_error (error);

  certificate = g_tls_certificate_new_from_file (pem, &error);
  g_assert_no_error (error);
  f->server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (f->server, NULL, server_cb, f, NULL);
  soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS,
                            &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  g_assert_nonnull (uris);
  f->https = g_strdup_printf ("https://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  soup_server_disconnect (f->server);
  g_clear_object (&f->server);
  g_free (f->https);
  g_free (f->png);
}

static void
collect_stanza (gpointer       user_data,
                EnlistXmlNode *stanza)
{
  EnlistXmlNode **out = user_data;

  g_assert_null (*out);
  *out = stanza;
}

static const EnlistXmlReaderCallbacks collect_callbacks = { NULL, collect_stanza, NULL };

/* A CAPTCHA form whose media element holds uris (the <uri/> elements). */
static EnlistDataForm *
captcha_form (const char *uris)
{
  g_autofree char *xml = g_strdup_printf (CAPTCHA_FORM_TEMPLATE, uris);
  g_autoptr(EnlistXmlReader) reader = NULL;
  g_autoptr(EnlistXmlNode) query = NULL;
  g_autoptr(GError) error = NULL;
  EnlistXmlLimits limits;
  EnlistDataForm *form;

  enlist_xml_limits_init_default (&limits);
  reader = enlist_xml_reader_new (&limits, &collect_callbacks, &query);
  g_assert_true (enlist_xml_reader_feed (reader, STREAM_HEADER, strlen (STREAM_HEADER), &error));
  g_assert_true (enlist_xml_reader_feed (reader, xml, strlen (xml), &error));
  g_assert_no_error (error);
  g_assert_nonnull (query);
  form = enlist_data_form_new_from_register_query (query, &error);
  g_assert_no_error (error);
  g_assert_true (enlist_data_form_is_captcha (form));
  return form;
}

static EnlistMediaImage *
load_captcha (EnlistRegistration  *reg,
              EnlistDataForm      *form,
              GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_registration_load_captcha_async (reg, form, NULL, enlist_test_store_result, &result);
  enlist_test_wait_for (&result);
  g_assert_false (enlist_registration_get_busy (reg));
  return enlist_registration_load_captcha_finish (reg, result, error);
}

static char *
fingerprint_of (const char *fixture)
{
  g_autofree char *pem = fixture_path (fixture);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;

  certificate = g_tls_certificate_new_from_file (pem, &error);
  g_assert_no_error (error);
  return enlist_certificate_get_fingerprint (certificate);
}

/* Untrusted, wrongly pinned, then pinned: the pins the service was given
 * for the XMPP server cover its CAPTCHA images too. */
static void
test_pinned (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(EnlistRegistration) reg = enlist_registration_new ("fake.test");
  g_autofree char *uri = g_strdup_printf ("<uri type='image/png'>%s/captcha.png</uri>", f->https);
  g_autoptr(EnlistDataForm) form = captcha_form (uri);
  g_autofree char *right = fingerprint_of ("other.pem");
  g_autofree char *wrong = fingerprint_of ("fake-server-ca.pem");
  g_autofree char *ca_file = fixture_path ("fake-server-ca.pem");
  g_autoptr(EnlistMediaImage) image = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (enlist_registration_set_ca_file (reg, ca_file, &error));
  g_assert_no_error (error);
  enlist_registration_set_timeout (reg, 10000);

  image = load_captcha (reg, form, &error);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_CERTIFICATE);
  g_assert_nonnull (enlist_error_get_certificate (error));
  g_clear_error (&error);

  enlist_registration_add_pinned_fingerprint (reg, wrong);
  image = load_captcha (reg, form, &error);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_CERTIFICATE);
  g_clear_error (&error);

  enlist_registration_add_pinned_fingerprint (reg, right);
  image = load_captcha (reg, form, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (enlist_media_image_get_mime_type (image), ==, "image/png");
  g_assert_cmpint (enlist_media_image_get_width (image), ==, 60);
  g_assert_cmpint (enlist_media_image_get_height (image), ==, 20);
  /* the refusals happened in the handshake, before any request */
  g_assert_cmpuint (f->requests, ==, 1);

  g_clear_object (&image);
  enlist_test_finalize (g_steal_pointer (&reg));
}

/* The CA file given to the service vouches for HTTPS images as well. */
static void
test_ca_file (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(EnlistRegistration) reg = enlist_registration_new ("fake.test");
  g_autofree char *uri = g_strdup_printf ("<uri type='image/png'>%s/captcha.png</uri>", f->https);
  g_autoptr(EnlistDataForm) form = captcha_form (uri);
  g_autofree char *ca_file = fixture_path ("other.pem");
  g_autoptr(EnlistMediaImage) image = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (enlist_registration_set_ca_file (reg, ca_file, &error));
  image = load_captcha (reg, form, &error);
  g_assert_no_error (error);
  g_assert_nonnull (image);

  g_clear_object (&image);
  enlist_test_finalize (g_steal_pointer (&reg));
}

/* The first URI that loads is the one used; when none does, the first
 * failure is reported. */
static void
test_first_that_loads (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(EnlistRegistration) reg = enlist_registration_new ("fake.test");
  g_autofree char *uris = g_strdup_printf ("<uri type='image/png'>%s/missing.png</uri>"
                                           "<uri type='image/png'>ftp://127.0.0.1/x.png</uri>"
                                           "<uri type='image/png'>%s/captcha.png</uri>",
                                           f->https, f->https);
  g_autofree char *bad_uris = g_strdup_printf ("<uri type='image/png'>%s/missing.png</uri>"
                                               "<uri type='image/png'>%s/gone.png</uri>",
                                               f->https, f->https);
  g_autoptr(EnlistDataForm) form = captcha_form (uris);
  g_autoptr(EnlistDataForm) bad_form = captcha_form (bad_uris);
  g_autofree char *ca_file = fixture_path ("other.pem");
  g_autofree char *expected = g_strdup_printf ("%s/captcha.png", f->https);
  g_autoptr(EnlistMediaImage) image = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (enlist_registration_set_ca_file (reg, ca_file, &error));
  image = load_captcha (reg, form, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (enlist_media_image_get_uri (image), ==, expected);
  g_assert_cmpuint (f->requests, ==, 2);

  g_clear_object (&image);
  image = load_captcha (reg, bad_form, &error);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "404"));

  enlist_test_finalize (g_steal_pointer (&reg));
}

/* A form without a CAPTCHA, or a CAPTCHA without an image. */
static void
test_no_image (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(EnlistRegistration) reg = enlist_registration_new ("fake.test");
  g_autoptr(EnlistDataForm) form = captcha_form ("");
  g_autoptr(EnlistMediaImage) image = NULL;
  g_autoptr(GError) error = NULL;

  image = load_captcha (reg, form, &error);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_FAILED);
  g_assert_cmpuint (f->requests, ==, 0);

  enlist_test_finalize (g_steal_pointer (&reg));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GTlsDatabase) system_store = NULL;

  g_test_init (&argc, &argv, NULL);
  setlocale (LC_MESSAGES, "C");
  system_store = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  g_assert_nonnull (system_store);

#define ADD(path, func) \
  g_test_add ("/registration-captcha/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("https-pinned", test_pinned);
  ADD ("https-ca-file", test_ca_file);
  ADD ("first-that-loads", test_first_that_loads);
  ADD ("no-image", test_no_image);

#undef ADD

  return g_test_run ();
}
