/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-providers-download.c: the public provider list refreshed over HTTPS
 * from a local server (addresses, limits, errors, the deadline, cancelling),
 * and its cached copy. */
#define G_LOG_DOMAIN "test-providers"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "enlist-error.h"
#include "enlist-resources.h"
#include "enlist-test-providers.h"
#include "enlist-test-utils.h"

#define STREAM_TOTAL (64 * 1024 * 1024)
#define STREAM_CHUNK (64 * 1024)

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
}

static char *
cache_file (void)
{
  return g_build_filename (g_get_user_cache_dir (), "enlist", "providers.json", NULL);
}

/* Each test that may write the cached copy starts without one. */
static void
remove_cache (void)
{
  g_autofree char *path = cache_file ();
  g_autofree char *dir = g_path_get_dirname (path);

  g_remove (path);
  g_rmdir (dir);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* ---------------------------------------------------------------------- */
/* Refresh over HTTP(S)                                                    */

typedef struct
{
  SoupServer *server;
  char       *http;    /* base URIs, without a trailing slash */
  char       *https;
  char       *document;
  char       *ca_file;
  guint       requests;
  guint       not_modified;
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
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  HttpFixture *fixture = user_data;
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);

  fixture->requests++;
  if (g_str_equal (path, "/providers.json"))
    {
      const char *if_none_match =
        soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                      "If-None-Match");
      g_autofree char *etag = g_strdup_printf ("\"%08x\"", g_str_hash (fixture->document));

      soup_message_headers_replace (response_headers, "ETag", etag);
      if (g_strcmp0 (if_none_match, etag) == 0)
        {
          fixture->not_modified++;
          soup_server_message_set_status (msg, SOUP_STATUS_NOT_MODIFIED, NULL);
          return;
        }
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        fixture->document, strlen (fixture->document));
    }
  else if (g_str_equal (path, "/garbage"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        "<html>not json</html>", 21);
    }
  else if (g_str_equal (path, "/redirect"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_FOUND, NULL);
      soup_message_headers_replace (response_headers, "Location", "/providers.json");
    }
  else if (g_str_equal (path, "/redirect-to-http"))
    {
      g_autofree char *target = g_strconcat (fixture->http, "/providers.json", NULL);

      soup_server_message_set_status (msg, SOUP_STATUS_FOUND, NULL);
      soup_message_headers_replace (response_headers, "Location", target);
    }
  else if (g_str_equal (path, "/redirect-loop"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_FOUND, NULL);
      soup_message_headers_replace (response_headers, "Location", "/redirect-loop");
    }
  else if (g_str_equal (path, "/big"))
    {
      /* announced by Content-Length */
      gsize len = ENLIST_PROVIDER_LIST_MAX_BYTES + 1;
      char *big = g_strnfill (len, ' ');

      big[0] = '[';
      big[len - 1] = ']';
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, big, len);
      g_signal_connect (msg, "wrote-body-data", G_CALLBACK (wrote_body_data_cb), fixture);
    }
  else if (g_str_equal (path, "/stream"))
    {
      /* chunked: no length announced, so only counting while reading stops it */
      SoupMessageBody *body = soup_server_message_get_response_body (msg);
      static char chunk[STREAM_CHUNK];

      memset (chunk, ' ', sizeof chunk);
      chunk[0] = '[';
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_encoding (response_headers, SOUP_ENCODING_CHUNKED);
      soup_message_headers_set_content_type (response_headers, "application/json", NULL);
      soup_message_body_append (body, SOUP_MEMORY_STATIC, chunk, STREAM_CHUNK);
      chunk[0] = ' ';
      for (gsize sent = STREAM_CHUNK; sent < STREAM_TOTAL; sent += STREAM_CHUNK)
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

  remove_cache ();
  fixture->ca_file = fixture_path ("fake-server-ca.pem");
  fixture->document = enlist_test_make_document (4, "fresh", "2026-11-01");
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
  g_free (fixture->http);
  g_free (fixture->https);
  g_free (fixture->document);
  g_free (fixture->ca_file);
}

/* The bundled list, set to download from base + path, trusting the fixture's
 * certificate. */
static EnlistProviderList *
refreshing_list (HttpFixture *fixture,
                 const char  *base,
                 const char  *path)
{
  EnlistProviderList *list = enlist_provider_list_new ();
  g_autofree char *url = g_strconcat (base, path, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (enlist_provider_list_load_bundled (list, &error));
  g_assert_no_error (error);
  g_assert_true (enlist_provider_list_set_ca_file (list, fixture->ca_file, &error));
  g_assert_no_error (error);
  g_object_set (list, "url", url, NULL);
  /* "" (the setting's default) means no address */
  g_assert_cmpstr (enlist_provider_list_get_url (list), ==, *url != '\0' ? url : NULL);
  return list;
}

static void
set_path (EnlistProviderList *list,
          const char         *base,
          const char         *path)
{
  g_autofree char *url = g_strconcat (base, path, NULL);

  enlist_provider_list_set_url (list, url);
}

static gboolean
refresh (EnlistProviderList  *list,
         GCancellable        *cancellable,
         GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_provider_list_refresh_async (list, cancellable, enlist_test_store_result, &result);
  return enlist_provider_list_refresh_finish (list, enlist_test_wait_for (&result), error);
}

static gboolean
load_cache (EnlistProviderList  *list,
            GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_provider_list_load_cache_async (list, NULL, enlist_test_store_result, &result);
  return enlist_provider_list_load_cache_finish (list, enlist_test_wait_for (&result), error);
}

/* The refresh failed with domain/code, and the list still holds the bundled
 * providers; nothing was cached. */
static void
assert_refresh_fails (EnlistProviderList *list,
                      GQuark              domain,
                      int                 code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cached = cache_file ();
  guint before = g_list_model_get_n_items (G_LIST_MODEL (list));

  g_assert_false (refresh (list, NULL, &error));
  g_assert_error (error, domain, code);
  g_test_message ("%s", error->message);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, before);
  g_assert_nonnull (enlist_provider_list_lookup (list, "yax.im"));
  g_assert_false (g_file_test (cached, G_FILE_TEST_EXISTS));
}

static void
test_refresh_success (HttpFixture   *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(EnlistProviderList) list = refreshing_list (fixture, fixture->https,
                                                        "/providers.json");
  g_autoptr(EnlistProviderList) next_start = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) log = g_string_new (NULL);
  g_autofree char *cached = cache_file ();
  g_autofree char *contents = NULL;
  g_autofree char *expected_log = NULL;
  g_autoptr(EnlistProvider) demo = enlist_provider_new_demo ("localhost", "127.0.0.1", 5222,
                                                             FALSE, "Prosody (demo)");
  GStatBuf st;
  guint bundled = g_list_model_get_n_items (G_LIST_MODEL (list));

  enlist_provider_list_add_demo (list, demo);
  g_signal_connect (list, "items-changed", G_CALLBACK (enlist_test_log_items_changed), log);
  g_assert_true (refresh (list, NULL, &error));
  g_assert_no_error (error);

  /* replaced: the demo provider first, then the server's four */
  expected_log = g_strdup_printf ("1-%u+4;", bundled);
  g_assert_cmpstr (log->str, ==, expected_log);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 5);
  g_assert_true (enlist_test_provider_at (G_LIST_MODEL (list), 0) == demo);
  g_assert_cmpstr (enlist_test_domain_at (list, 1), ==, "fresh0.example");
  g_assert_null (enlist_provider_list_lookup (list, "yax.im"));

  /* and kept, as sent, readable by all (it is public data) */
  g_assert_true (g_file_get_contents (cached, &contents, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, fixture->document);
  g_assert_cmpint (g_stat (cached, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0644);

  /* unchanged on the server: it says so, and nothing changes here */
  g_string_truncate (log, 0);
  g_assert_true (refresh (list, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->not_modified, ==, 1);
  g_assert_cmpstr (log->str, ==, "");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 5);

  /* changed: downloaded again */
  g_free (fixture->document);
  fixture->document = enlist_test_make_document (3, "newer", "2026-11-02");
  g_assert_true (refresh (list, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->not_modified, ==, 1);
  g_assert_cmpstr (enlist_test_domain_at (list, 1), ==, "newer0.example");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 4);

  /* a redirect on the same server is followed */
  enlist_provider_list_set_url (list, "");
  g_assert_null (enlist_provider_list_get_url (list));
  g_clear_object (&list);
  list = refreshing_list (fixture, fixture->https, "/redirect");
  g_assert_true (refresh (list, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (enlist_test_domain_at (list, 0), ==, "newer0.example");

  /* the next start takes the saved copy: it is newer than the bundled list */
  next_start = enlist_provider_list_new ();
  g_assert_true (enlist_provider_list_load_bundled (next_start, &error));
  g_assert_true (load_cache (next_start, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (next_start)), ==, 3);
  g_assert_cmpstr (enlist_test_domain_at (next_start, 0), ==, "newer0.example");
  /* but not twice */
  g_assert_false (load_cache (next_start, &error));
  g_assert_no_error (error);

  g_signal_handlers_disconnect_by_data (list, log);
  enlist_test_finalize (g_steal_pointer (&list));
  enlist_test_finalize (g_steal_pointer (&next_start));
}

static void
test_refresh_plain_http (HttpFixture   *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(EnlistProviderList) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *localhost = g_strdup_printf ("http://localhost:%s/providers.json",
                                                strrchr (fixture->http, ':') + 1);

  /* plain HTTP to this computer only */
  list = refreshing_list (fixture, fixture->http, "/providers.json");
  g_assert_true (refresh (list, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (enlist_test_domain_at (list, 0), ==, "fresh0.example");
  enlist_test_finalize (g_steal_pointer (&list));

  list = refreshing_list (fixture, localhost, "");
  g_assert_true (refresh (list, NULL, &error));
  g_assert_no_error (error);
  enlist_test_finalize (g_steal_pointer (&list));
}

static void
test_refresh_addresses (HttpFixture   *fixture,
                        gconstpointer  user_data)
{
  static const char * const refused[] = {
    "http://example.org/providers.json",
    "http://192.168.1.1/providers.json",
    "ftp://127.0.0.1/providers.json",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "https://user:password@127.0.0.1/providers.json",
    "https://",
    "not an address",
  };
  g_autoptr(EnlistProviderList) list = refreshing_list (fixture, "", "");

  g_object_set (list, "url", NULL, NULL);
  assert_refresh_fails (list, ENLIST_ERROR, ENLIST_ERROR_FAILED);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      enlist_provider_list_set_url (list, refused[i]);
      assert_refresh_fails (list, ENLIST_ERROR, ENLIST_ERROR_FAILED);
    }
  g_assert_cmpuint (fixture->requests, ==, 0);
  enlist_test_finalize (g_steal_pointer (&list));
}

/* Over plain HTTP to this computer: the limits are the same with TLS, but a
 * SoupServer closing a TLS connection whose peer has not yet closed its end
 * blocks in its close_notify while megabytes of unread response fill the
 * socket, and the test would hang in its teardown. */
static void
test_refresh_too_large (HttpFixture   *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(EnlistProviderList) list = refreshing_list (fixture, fixture->http, "/big");

  /* announced by Content-Length: refused before the body is read */
  assert_refresh_fails (list, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);

  /* not announced: reading stops at the limit, long before the end */
  fixture->streamed = 0;
  set_path (list, fixture->http, "/stream");
  assert_refresh_fails (list, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);
  g_test_message ("the server wrote %" G_GSIZE_FORMAT " of %d bytes", fixture->streamed,
                  STREAM_TOTAL);
  g_assert_cmpuint (fixture->streamed, <, STREAM_TOTAL / 4);
  enlist_test_finalize (g_steal_pointer (&list));

}

static void
test_refresh_errors (HttpFixture   *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(EnlistProviderList) list = refreshing_list (fixture, fixture->https, "/missing");
  g_autoptr(EnlistProviderList) untrusting = NULL;
  g_autoptr(GError) error = NULL;

  assert_refresh_fails (list, ENLIST_ERROR, ENLIST_ERROR_FAILED);
  set_path (list, fixture->https, "/garbage");
  assert_refresh_fails (list, ENLIST_ERROR, ENLIST_ERROR_PROTOCOL);
  /* no downgrade to plain HTTP on the way, not even to this computer */
  set_path (list, fixture->https, "/redirect-to-http");
  assert_refresh_fails (list, ENLIST_ERROR, ENLIST_ERROR_FAILED);
  set_path (list, fixture->https, "/redirect-loop");
  assert_refresh_fails (list, ENLIST_ERROR, ENLIST_ERROR_FAILED);

  /* a certificate nobody vouches for */
  untrusting = refreshing_list (fixture, fixture->https, "/providers.json");
  g_assert_true (enlist_provider_list_set_ca_file (untrusting, NULL, &error));
  assert_refresh_fails (untrusting, ENLIST_ERROR, ENLIST_ERROR_CERTIFICATE);
  g_assert_true (enlist_provider_list_set_ca_file (untrusting, "/nonexistent/ca.pem", &error)
                 == FALSE);
  g_assert_nonnull (error);

  enlist_test_finalize (g_steal_pointer (&list));
  enlist_test_finalize (g_steal_pointer (&untrusting));
}

static void
test_refresh_timeout (HttpFixture   *fixture,
                      gconstpointer  user_data)
{
  /* plain HTTP to this computer: a TLS handshake under AddressSanitizer can
   * itself take longer than the short deadline, and the request must arrive */
  g_autoptr(EnlistProviderList) list = refreshing_list (fixture, fixture->http, "/hang");
  gint64 start = g_get_monotonic_time ();

  enlist_provider_list_set_timeout (list, 300);
  g_assert_cmpuint (enlist_provider_list_get_timeout (list), ==, 300);
  assert_refresh_fails (list, ENLIST_ERROR, ENLIST_ERROR_TIMEOUT);
  g_assert_cmpuint (fixture->paused->len, ==, 1);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  enlist_test_finalize (g_steal_pointer (&list));
}

static void
test_refresh_pending_and_cancelled (HttpFixture   *fixture,
                                    gconstpointer  user_data)
{
  g_autoptr(EnlistProviderList) list = refreshing_list (fixture, fixture->https, "/hang");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;

  enlist_provider_list_refresh_async (list, cancellable, enlist_test_store_result, &first);
  enlist_provider_list_refresh_async (list, NULL, enlist_test_store_result, &second);
  g_assert_false (enlist_provider_list_refresh_finish (list, enlist_test_wait_for (&second),
                                                       &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&error);

  while (fixture->paused->len == 0)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);
  g_assert_false (enlist_provider_list_refresh_finish (list, enlist_test_wait_for (&first),
                                                       &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (enlist_provider_list_lookup (list, "yax.im"));

  /* and the next one may start */
  g_clear_error (&error);
  set_path (list, fixture->https, "/providers.json");
  g_assert_true (refresh (list, NULL, &error));
  g_assert_no_error (error);
  /* the results hold the list */
  g_clear_object (&first);
  g_clear_object (&second);
  enlist_test_finalize (g_steal_pointer (&list));
}

/* ---------------------------------------------------------------------- */
/* The cached copy                                                         */

static void
write_cache (const char *contents,
             gssize      len)
{
  g_autofree char *path = cache_file ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, len, &error));
  g_assert_no_error (error);
}

static EnlistProviderList *
bundled_list (void)
{
  EnlistProviderList *list = enlist_provider_list_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (enlist_provider_list_load_bundled (list, &error));
  g_assert_no_error (error);
  return list;
}

static void
test_cache (void)
{
  g_autoptr(EnlistProviderList) list = bundled_list ();
  g_autoptr(GError) error = NULL;
  g_autofree char *older = enlist_test_make_document (2, "older", "2020-01-01");
  g_autofree char *undated = g_strdup ("[{\"jid\": \"undated.example\","
                                       " \"inBandRegistration\": true}]");
  g_autoptr(GString) huge = g_string_new ("[");
  guint bundled = g_list_model_get_n_items (G_LIST_MODEL (list));

  remove_cache ();
  /* none yet */
  g_assert_false (load_cache (list, &error));
  g_assert_no_error (error);

  /* older than the bundled list: the bundled one stays */
  write_cache (older, -1);
  g_assert_false (load_cache (list, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, bundled);

  /* damaged or oversized: an error, and the bundled one stays */
  write_cache ("[{\"jid\": \"cut.exa", -1);
  g_assert_false (load_cache (list, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_PROTOCOL);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  while (huge->len <= ENLIST_PROVIDER_LIST_MAX_BYTES)
    g_string_append_c (huge, ' ');
  g_string_append (huge, "]");
  write_cache (huge->str, huge->len);
  g_assert_false (load_cache (list, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, bundled);
  g_assert_nonnull (enlist_provider_list_lookup (list, "yax.im"));

  /* without dates it is as new as the day it was saved: today */
  write_cache (undated, -1);
  g_assert_true (load_cache (list, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_cmpstr (enlist_test_domain_at (list, 0), ==, "undated.example");

  enlist_test_finalize (g_steal_pointer (&list));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache_home = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  /* The cached copy goes to a directory of this run's own. (Not
   * G_TEST_OPTION_ISOLATE_DIRS: it hides the system's GSettings schemas, which
   * GIO's GNOME proxy resolver needs as soon as libsoup connects.) */
  cache_home = g_dir_make_tmp ("enlist-test-providers-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);

  g_test_init (&argc, &argv, NULL);
  enlist_register_resource ();
  g_assert_cmpstr (g_get_user_cache_dir (), ==, cache_home);

  g_test_add_func ("/providers/cache", test_cache);
  g_test_add ("/providers/refresh/success", HttpFixture, NULL,
              http_fixture_setup, test_refresh_success, http_fixture_teardown);
  g_test_add ("/providers/refresh/plain-http-loopback", HttpFixture, NULL,
              http_fixture_setup, test_refresh_plain_http, http_fixture_teardown);
  g_test_add ("/providers/refresh/addresses", HttpFixture, NULL,
              http_fixture_setup, test_refresh_addresses, http_fixture_teardown);
  g_test_add ("/providers/refresh/too-large", HttpFixture, NULL,
              http_fixture_setup, test_refresh_too_large, http_fixture_teardown);
  g_test_add ("/providers/refresh/errors", HttpFixture, NULL,
              http_fixture_setup, test_refresh_errors, http_fixture_teardown);
  g_test_add ("/providers/refresh/timeout", HttpFixture, NULL,
              http_fixture_setup, test_refresh_timeout, http_fixture_teardown);
  g_test_add ("/providers/refresh/pending-and-cancelled", HttpFixture, NULL,
              http_fixture_setup, test_refresh_pending_and_cancelled, http_fixture_teardown);

  status = g_test_run ();
  remove_cache ();
  g_rmdir (cache_home);
  return status;
}
