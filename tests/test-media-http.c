/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-media-http.c: CAPTCHA images from web addresses: the schemes that are
 * refused, and HTTP(S) from a local libsoup server (trust by the CA file,
 * redirects, the byte cap with and without Content-Length, the deadline). */
#define G_LOG_DOMAIN "test-media"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "enlist-analyzer.h"
#include "enlist-error.h"
#include "enlist-test-media.h"

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
}

/* ---------------------------------------------------------------------- */
/* Addresses                                                               */

static void
test_unsupported_schemes (void)
{
  static const char * const uris[] = {
    "data:image/png;base64,iVBORw0KGgo=",
    "file:///etc/passwd",
    "ftp://127.0.0.1/captcha.png",
    "javascript:alert(1)",
    "captcha.png",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (uris); i++)
    {
      g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(EnlistMediaImage) image = NULL;

      image = enlist_test_resolve (resolver, uris[i], NULL, &error, NULL);

      g_assert_null (image);
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_FAILED);
      g_test_message ("%s: %s", uris[i], error->message);
    }
}

/* ---------------------------------------------------------------------- */
/* HTTP                                                                    */

#define STREAM_TOTAL (64 * 1024 * 1024)
#define STREAM_CHUNK (64 * 1024)

typedef struct
{
  SoupServer *server;
  char       *http;    /* base URIs, without a trailing slash */
  char       *https;
  GBytes     *png;
  GBytes     *jpeg;
  gsize       streamed;
  GPtrArray  *paused;
} HttpFixture;

static void
wrote_body_data_cb (SoupServerMessage *msg,
                    guint              chunk_size,
                    gpointer           user_data)
{
  HttpFixture *fixture = user_data;

  fixture->streamed += chunk_size;
}

static void
redirect (SoupServerMessage *msg,
          const char        *location)
{
  soup_server_message_set_status (msg, SOUP_STATUS_FOUND, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Location",
                                location);
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  HttpFixture *fixture = user_data;

  if (g_str_equal (path, "/captcha.png"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (fixture->png, NULL),
                                        g_bytes_get_size (fixture->png));
    }
  else if (g_str_equal (path, "/captcha"))
    {
      /* a JPEG, declared as anything */
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (fixture->jpeg, NULL),
                                        g_bytes_get_size (fixture->jpeg));
    }
  else if (g_str_equal (path, "/xpm"))
    {
      static const char xpm[] = "/* XPM */\nstatic char *x[] = {\"1 1 1 1\",\"a c #000\",\"a\"};\n";

      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_STATIC, xpm, strlen (xpm));
    }
  else if (g_str_equal (path, "/redirect"))
    redirect (msg, "/captcha.png");
  else if (g_str_equal (path, "/redirect-file"))
    redirect (msg, "file:///etc/passwd");
  else if (g_str_equal (path, "/redirect-data"))
    redirect (msg, "data:image/png;base64,iVBORw0KGgo=");
  else if (g_str_equal (path, "/redirect-loop"))
    redirect (msg, "/redirect-loop");
  else if (g_str_equal (path, "/redirect-to-http"))
    {
      g_autofree char *target = g_strconcat (fixture->http, "/captcha.png", NULL);
      redirect (msg, target);
    }
  else if (g_str_equal (path, "/big"))
    {
      gsize len = 2 * ENLIST_MEDIA_DEFAULT_MAX_BYTES;
      guint8 *big = g_malloc0 (len);

      memcpy (big, "\x89PNG\r\n\x1a\n", 8);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      /* SOUP_MEMORY_TAKE: libsoup frees it (enlist-analyzer.h) */
      ENLIST_ANALYZER_ESCAPE (big);
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_TAKE, (char *) big, len);
      g_signal_connect (msg, "wrote-body-data", G_CALLBACK (wrote_body_data_cb), fixture);
    }
  else if (g_str_equal (path, "/stream"))
    {
      /* chunked: no length announced, so only counting while reading stops it */
      SoupMessageBody *body = soup_server_message_get_response_body (msg);
      static guint8 chunk[STREAM_CHUNK];

      memcpy (chunk, "\x89PNG\r\n\x1a\n", 8);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                         SOUP_ENCODING_CHUNKED);
      soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg),
                                             "image/png", NULL);
      for (gsize sent = 0; sent < STREAM_TOTAL; sent += STREAM_CHUNK)
        soup_message_body_append (body, SOUP_MEMORY_STATIC, chunk, STREAM_CHUNK);
      soup_message_body_complete (body);
      g_signal_connect (msg, "wrote-body-data", G_CALLBACK (wrote_body_data_cb), fixture);
    }
  else if (g_str_equal (path, "/hang"))
    {
      g_ptr_array_add (fixture->paused, g_object_ref (msg));
      soup_server_message_pause (msg);
    }
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static void
http_fixture_setup (HttpFixture   *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *pem = fixture_path ("fake-server.pem");
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  certificate = g_tls_certificate_new_from_file (pem, &error);
  g_assert_no_error (error);

  fixture->png = enlist_test_make_image ("png", 180, 60);
  fixture->jpeg = enlist_test_make_image ("jpeg", 120, 40);
  fixture->paused = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (fixture->server, NULL, server_cb, fixture, NULL);
  soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  soup_server_listen_local (fixture->server, 0,
                            SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (fixture->server);
  for (GSList *l = uris; l; l = l->next)
    {
      GUri *uri = l->data;
      char *base = g_strdup_printf ("%s://127.0.0.1:%d", g_uri_get_scheme (uri),
                                    g_uri_get_port (uri));

      if (g_str_equal (g_uri_get_scheme (uri), "https"))
        fixture->https = base;
      else
        fixture->http = base;
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_assert_nonnull (fixture->http);
  g_assert_nonnull (fixture->https);
}

static void
http_fixture_teardown (HttpFixture   *fixture,
                       gconstpointer  user_data)
{
  for (guint i = 0; i < fixture->paused->len; i++)
    soup_server_message_unpause (g_ptr_array_index (fixture->paused, i));
  soup_server_disconnect (fixture->server);
  /* let the server finish what it had queued for closed connections */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (g_steal_pointer (&fixture->server));
  g_ptr_array_unref (fixture->paused);
  g_bytes_unref (fixture->png);
  g_bytes_unref (fixture->jpeg);
  g_free (fixture->http);
  g_free (fixture->https);
}

static EnlistMediaImage *
http_resolve (HttpFixture  *fixture,
              gboolean      secure,
              const char   *path,
              const char   *ca_file,
              GError      **error)
{
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  g_autofree char *uri = g_strconcat (secure ? fixture->https : fixture->http, path, NULL);
  EnlistMediaImage *image;

  if (ca_file != NULL)
    {
      g_autofree char *ca_path = fixture_path (ca_file);
      g_autoptr(GError) local_error = NULL;

      enlist_media_resolver_set_ca_file (resolver, ca_path, &local_error);
      g_assert_no_error (local_error);
    }
  image = enlist_test_resolve (resolver, uri, NULL, error, NULL);
  if (image != NULL)
    g_assert_cmpstr (enlist_media_image_get_uri (image), ==, uri);
  g_assert_finalize_object (g_steal_pointer (&resolver));
  return image;
}

static void
test_http_plain (HttpFixture   *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = NULL;

  image = http_resolve (fixture, FALSE, "/captcha.png", NULL, &error);
  g_assert_no_error (error);
  enlist_test_assert_image (image, "image/png", 180, 60, fixture->png);
  g_clear_object (&image);

  image = http_resolve (fixture, FALSE, "/captcha", NULL, &error);
  g_assert_no_error (error);
  enlist_test_assert_image (image, "image/jpeg", 120, 40, fixture->jpeg);
  g_clear_object (&image);

  image = http_resolve (fixture, FALSE, "/redirect", NULL, &error);
  g_assert_no_error (error);
  enlist_test_assert_image (image, "image/png", 180, 60, fixture->png);
}

static void
test_http_errors (HttpFixture   *fixture,
                  gconstpointer  user_data)
{
  static const char * const paths[] = {
    "/missing", "/xpm", "/redirect-file", "/redirect-data", "/redirect-loop",
  };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(EnlistMediaImage) image = http_resolve (fixture, FALSE, paths[i], NULL, &error);

      g_assert_null (image);
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_FAILED);
      g_test_message ("%s: %s", paths[i], error->message);
    }
}

static void
test_https_ca_file (HttpFixture   *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = NULL;

  /* a certificate known only to the CA file */
  image = http_resolve (fixture, TRUE, "/captcha.png", "fake-server-ca.pem", &error);
  g_assert_no_error (error);
  enlist_test_assert_image (image, "image/png", 180, 60, fixture->png);
  g_clear_object (&image);

  image = http_resolve (fixture, TRUE, "/redirect", "fake-server-ca.pem", &error);
  g_assert_no_error (error);
  enlist_test_assert_image (image, "image/png", 180, 60, fixture->png);
  g_clear_object (&image);

  /* no downgrade to plain HTTP on the way */
  image = http_resolve (fixture, TRUE, "/redirect-to-http", "fake-server-ca.pem", &error);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_FAILED);
  g_test_message ("%s", error->message);
}

static void
test_https_untrusted (HttpFixture   *fixture,
                      gconstpointer  user_data)
{
  static const char * const ca_files[] = { NULL, "other.pem" };

  for (guint i = 0; i < G_N_ELEMENTS (ca_files); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(EnlistMediaImage) image = NULL;

      image = http_resolve (fixture, TRUE, "/captcha.png", ca_files[i], &error);
      g_assert_null (image);
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_CERTIFICATE);
      g_assert_nonnull (enlist_error_get_certificate (error));
      g_assert_true (enlist_error_get_certificate_flags (error) & G_TLS_CERTIFICATE_UNKNOWN_CA);
      g_test_message ("%s", error->message);
    }
}

static void
test_http_oversized (HttpFixture   *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = NULL;

  /* announced by Content-Length: refused before the body is read */
  image = http_resolve (fixture, FALSE, "/big", NULL, &error);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);
  g_clear_error (&error);

  /* not announced: reading stops at the limit, long before the end */
  fixture->streamed = 0;
  image = http_resolve (fixture, FALSE, "/stream", NULL, &error);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);
  g_test_message ("the server wrote %" G_GSIZE_FORMAT " of %d bytes", fixture->streamed,
                  STREAM_TOTAL);
  g_assert_cmpuint (fixture->streamed, <, STREAM_TOTAL / 4);
}

static void
test_http_timeout (HttpFixture   *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  g_autofree char *uri = g_strconcat (fixture->http, "/hang", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = NULL;

  enlist_media_resolver_set_timeout (resolver, 300);
  image = enlist_test_resolve (resolver, uri, NULL, &error, NULL);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_TIMEOUT);
  g_assert_cmpuint (fixture->paused->len, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GTlsDatabase) system_store = NULL;

  g_test_init (&argc, &argv, NULL);

  /* GIO parses the system trust store on first use, on the thread that asks;
   * the application has it loaded in a thread while it connects (see
   * enlist-connection.c), so the tests load it before measuring the loop */
  system_store = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  g_assert_nonnull (system_store);

  g_test_add_func ("/media/uri/unsupported-schemes", test_unsupported_schemes);
  g_test_add ("/media/http/plain", HttpFixture, NULL,
              http_fixture_setup, test_http_plain, http_fixture_teardown);
  g_test_add ("/media/http/errors", HttpFixture, NULL,
              http_fixture_setup, test_http_errors, http_fixture_teardown);
  g_test_add ("/media/http/https-ca-file", HttpFixture, NULL,
              http_fixture_setup, test_https_ca_file, http_fixture_teardown);
  g_test_add ("/media/http/https-untrusted", HttpFixture, NULL,
              http_fixture_setup, test_https_untrusted, http_fixture_teardown);
  g_test_add ("/media/http/oversized", HttpFixture, NULL,
              http_fixture_setup, test_http_oversized, http_fixture_teardown);
  g_test_add ("/media/http/timeout", HttpFixture, NULL,
              http_fixture_setup, test_http_timeout, http_fixture_teardown);

  return g_test_run ();
}
