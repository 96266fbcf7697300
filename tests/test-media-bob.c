/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-media-bob.c: CAPTCHA images as Bits of Binary: inline data, the cid
 * and its hash, strict base64 under the byte limit, fetching from a
 * stand-in for the server, the deadline and cancelling. */
#define G_LOG_DOMAIN "test-media"

#include "config.h"

#include <string.h>

#include "enlist-error.h"
#include "enlist-test-media.h"

/* Captured from ejabberd 23.01 (the shared sample captures). */
static const char EJABBERD_CID[] = "sha1+71ff39c5ae0c76b3cbe9ed66dffa67a3901acd84@bob.xmpp.org";
static const char EJABBERD_PNG_BASE64[] =
  "iVBORw0KGgoAAAANSUhEUgAAALQAAAA8CAAAAADqRc9bAAAEjUlEQVRo3u2ZfUxVZRzHP5eXC3IxIOVarO4li2GCtkzpqkTZ"
  "C+IKnc7SZmyJEBRWay0pZ62W2dbLelmu0cuqZX/UAnPF9A8JN5m8tGYyVyoY3EAbNBkECJcrPP1xzj33hXvPC7142873n/M8"
  "3+f7fJ/vnvO75zxn1yL4/yHmcgcwQ0czzNBmaDN0FMAMbYY2Q0cBzNDRELrMEojN/oGDpdmpideu3N3pp0Tb6xsXpcXPdq7Z"
  "7dZyGKl/vjgnzTpr3oonjgrt1cJARMa2IOEmH30u30dZd3pl7mBGwD5UDKk6XIoP4FztGquFg/Hy6HM1+ZoTe8rlneo87xdM"
  "1dxxQXWbvAGdlvwWwwlmUNMP9wDEzAbg04/CSY5X6Lf788GLhiPEaYzfdLevdbN0aT0ExOypSu59sg54qSRRHl+4seCGpO7a"
  "d8aB2vbFkR2A1OU5juQL7V95gO66h1S14aBR0xWhZBXAM0II4c0FqBVCCLF3fas8/r0F4BUVh8mnmyelltsJUK6i/Ydqugng"
  "MYC4MoDvAHikLk8eX7UCoFvFIeYNl7yqoxqgz2gE4zV9FkjNlG4mwBEgqMrmA0zpM7sKIOVfD31pBEiW2rMB3J4QxTkApz63"
  "WoB8fVoDoZtWzrHa8547HUQOSZdBgKmzwRP6jwIUajgAor9x/RfANVu0tdPm6nq5xFaOy2QywGkhhBCvAdAQPKkUwKXmIIQQ"
  "XQpv/1FLOx2634iuEYlcBvCoEEKMZwHwbdCcLwFij6k5BIa2P9UvtLR/4+nRslW63g7w/o4e74niDgBGA1WtWwF2LVdzCEBS"
  "UeFcdGp1l8eNj3+wv+7NAgLq4JQlxGBfwIwTVwJsmlJ1CC6P23q0tMbK48BJufF1AkCx1NkeEvqAf8IpO8B9ExoOQoiB6uod"
  "lbcCMH9AQ2sstB/vAdikMGPrfHHT1wI0KqrODIB7PVoOCn5wAlTq0hoPPZYE8KvUmfwwGyDhAXcpgG+DRLcDYK1H20HBTzHA"
  "rDFdWsOhxQKANqXrPlLfOiyEC7D6duS36wA2TOhzkJEHcEyf1g+tU56MEQCb0nU4AIaOAwvlI/35O7uAzZ/H6XOQ4WwjzOEj"
  "vNYPfY+8jl6Aq0PYTzzAPVK7765OoGRfnCEHegES9WkDEPkmKB9NwlsEsFiuOB97JgVA+lz6Ixdg26Qeh/phhT5sUSwirGa0"
  "PN6t21K0IBYmGl9sAZC/NWsObV8dB+KbqiGgYBEAq08CaXN2+ubmlER2eOHMmsIl2UmInpq3BWDPVVnN6E6/DCRk5l5vlYQZ"
  "oxL9FtjyNxTaAYiXnx2xIa7rVBxuAcA2L0HW7lJbbSY/RE+3r2Xbn6Swo75PW8veHJiJA4z6Xv85z2pqQ6H37JF5OG86mfxZ"
  "uc7pkRzA1WDTrVUQ+SY0368cZhyv+n8nTavkh9zcyt8VMnx5hHdoKMtUdMs+nlRfLSwsqv/Ydv3SM+i9In1pVhA73NwxaEvP"
  "WqrnLoV36PvZPXDRmuJcYtfWhoHF/JvZDG2GvvwwQ5uhzdBRADO0GdoMHQUwQ/9X+Aum+JMO6ai40QAAAABJRU5ErkJggg==";

/* ---------------------------------------------------------------------- */
/* Bits of Binary                                                          */

static void
test_bob_inline_png (void)
{
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  g_autoptr(GBytes) png = enlist_test_make_image ("png", 180, 60);
  g_autofree char *uri = enlist_test_add_inline (resolver, "image/png", png);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = enlist_test_resolve (resolver, uri, NULL, &error, NULL);

  g_assert_no_error (error);
  enlist_test_assert_image (image, "image/png", 180, 60, png);
  g_assert_cmpstr (enlist_media_image_get_uri (image), ==, uri);
  g_assert_finalize_object (g_steal_pointer (&image));
  g_assert_finalize_object (g_steal_pointer (&resolver));
}

static void
test_bob_ejabberd_sample (void)
{
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  g_autoptr(EnlistXmlNode) query = enlist_xml_node_new ("query", "jabber:iq:register");
  g_autofree char *uri = g_strconcat ("cid:", EJABBERD_CID, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = NULL;
  EnlistXmlNode *data;

  /* as ejabberd sends it: the data is a sibling of the form */
  enlist_xml_node_add_child (query, "x", "jabber:x:data");
  data = enlist_xml_node_add_child (query, "data", ENLIST_NS_BOB);
  enlist_xml_node_set_attr (data, "type", "image/png");
  enlist_xml_node_set_attr (data, "max-age", "0");
  enlist_xml_node_set_attr (data, "cid", EJABBERD_CID);
  enlist_xml_node_set_text (data, EJABBERD_PNG_BASE64);
  enlist_xml_node_add_child (query, "instructions", NULL);
  g_assert_cmpuint (enlist_media_resolver_add_bob_children (resolver, query), ==, 1);

  image = enlist_test_resolve (resolver, uri, NULL, &error, NULL);
  g_assert_no_error (error);
  enlist_test_assert_image (image, "image/png", 180, 60, NULL);
}

static void
test_bob_sha256 (void)
{
  static const char * const spellings[] = { "sha-256", "sha256", "SHA-256" };
  g_autoptr(GBytes) png = enlist_test_make_image ("png", 30, 20);

  for (guint i = 0; i < G_N_ELEMENTS (spellings); i++)
    {
      g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
      g_autofree char *cid = enlist_test_make_cid (spellings[i], G_CHECKSUM_SHA256, png);
      g_autoptr(EnlistXmlNode) data = enlist_test_make_bob (cid, "image/png", png);
      g_autofree char *uri = g_strconcat ("cid:", cid, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(EnlistMediaImage) image = NULL;

      g_assert_true (enlist_media_resolver_add_bob_data (resolver, data));
      image = enlist_test_resolve (resolver, uri, NULL, &error, NULL);
      g_assert_no_error (error);
      enlist_test_assert_image (image, "image/png", 30, 20, png);
    }
}

static void
test_bob_hash_mismatch (void)
{
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  g_autoptr(GBytes) png = enlist_test_make_image ("png", 30, 20);
  g_autoptr(GBytes) other = enlist_test_make_image ("png", 31, 20);
  g_autofree char *cid = enlist_test_make_cid ("sha1", G_CHECKSUM_SHA1, png);
  g_autoptr(EnlistXmlNode) data = enlist_test_make_bob (cid, "image/png", other);
  g_autofree char *uri = g_strconcat ("cid:", cid, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = NULL;

  g_assert_true (enlist_media_resolver_add_bob_data (resolver, data));
  image = enlist_test_resolve (resolver, uri, NULL, &error, NULL);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "does not match"));
}

static void
test_bob_bad_data (void)
{
  static const struct
  {
    const char *uri;
    const char *text;   /* NULL: no data added */
  } cases[] = {
    /* an unsupported algorithm cannot be verified */
    { "cid:md5+0123456789abcdef0123456789abcdef@bob.xmpp.org", "" },
    /* not algo+hash@domain */
    { "cid:nothing-here", NULL },
    { "cid:sha1+@bob.xmpp.org", NULL },
    { "cid:sha1+1234@bob.xmpp.org", NULL },
    { "cid:sha1+zzff39c5ae0c76b3cbe9ed66dffa67a3901acd84@bob.xmpp.org", NULL },
    /* base64 with characters outside the alphabet */
    { "cid:sha1+71ff39c5ae0c76b3cbe9ed66dffa67a3901acd84@bob.xmpp.org", "iVBO*w0K" },
    { "cid:sha1+71ff39c5ae0c76b3cbe9ed66dffa67a3901acd84@bob.xmpp.org", "iVB=Rw0K" },
    /* empty */
    { "cid:sha1+71ff39c5ae0c76b3cbe9ed66dffa67a3901acd84@bob.xmpp.org", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(EnlistMediaImage) image = NULL;

      if (cases[i].text != NULL)
        {
          g_autoptr(EnlistXmlNode) data = enlist_xml_node_new ("data", ENLIST_NS_BOB);

          enlist_xml_node_set_attr (data, "cid", cases[i].uri + strlen ("cid:"));
          enlist_xml_node_set_text (data, cases[i].text);
          g_assert_true (enlist_media_resolver_add_bob_data (resolver, data));
        }
      image = enlist_test_resolve (resolver, cases[i].uri, NULL, &error, NULL);
      g_assert_null (image);
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_PROTOCOL);
      g_test_message ("%s: %s", cases[i].uri, error->message);
    }
}

static void
test_bob_not_bob (void)
{
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  g_autoptr(EnlistXmlNode) wrong_ns = enlist_xml_node_new ("data", "urn:example");
  g_autoptr(EnlistXmlNode) no_cid = enlist_xml_node_new ("data", ENLIST_NS_BOB);

  enlist_xml_node_set_attr (wrong_ns, "cid", EJABBERD_CID);
  g_assert_false (enlist_media_resolver_add_bob_data (resolver, wrong_ns));
  g_assert_false (enlist_media_resolver_add_bob_data (resolver, no_cid));
}

static void
test_bob_not_available (void)
{
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  g_autofree char *uri = g_strconcat ("cid:", EJABBERD_CID, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = enlist_test_resolve (resolver, uri, NULL, &error, NULL);

  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_FAILED);
}

/* A stand-in for the server: answers BoB requests from a table, after a
 * trip through the main loop as a real answer would. */
typedef struct
{
  GHashTable *answers;     /* cid → EnlistXmlNode (or absent: item-not-found) */
  guint       calls;
  char       *last_cid;
  gboolean    hang;        /* answer only when cancelled */
  gboolean    destroyed;
} FakeServer;

typedef struct
{
  FakeServer *server;
  GTask      *task;
  char       *cid;
  gulong      cancelled_id;
} PendingFetch;

static gboolean
answer_fetch (gpointer user_data)
{
  PendingFetch *pending = user_data;
  EnlistXmlNode *data = g_hash_table_lookup (pending->server->answers, pending->cid);

  if (data != NULL)
    g_task_return_pointer (pending->task, enlist_xml_node_copy (data),
                           (GDestroyNotify) enlist_xml_node_free);
  else
    g_task_return_error (pending->task,
                         enlist_error_new_xmpp (ENLIST_ERROR_STANZA, "item-not-found", NULL,
                                                "The server has no such image."));
  g_object_unref (pending->task);
  g_free (pending->cid);
  g_free (pending);
  return G_SOURCE_REMOVE;
}

static void
fetch_cancelled_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  /* answer from the main loop, never from inside the cancel */
  g_idle_add (answer_fetch, user_data);
}

static void
fake_fetch (const char   *cid,
            GCancellable *cancellable,
            GTask        *task,
            gpointer      user_data)
{
  FakeServer *server = user_data;
  PendingFetch *pending = g_new0 (PendingFetch, 1);

  server->calls++;
  g_free (server->last_cid);
  server->last_cid = g_strdup (cid);

  pending->server = server;
  pending->task = task;
  pending->cid = g_strdup (cid);
  if (server->hang)
    g_signal_connect (cancellable, "cancelled", G_CALLBACK (fetch_cancelled_cb), pending);
  else
    g_idle_add (answer_fetch, pending);
}

static void
fake_server_destroyed (gpointer user_data)
{
  FakeServer *server = user_data;

  server->destroyed = TRUE;
}

static void
test_bob_fetched (void)
{
  FakeServer server = { 0 };
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  g_autoptr(GBytes) png = enlist_test_make_image ("png", 40, 20);
  g_autoptr(GBytes) other = enlist_test_make_image ("png", 41, 20);
  g_autofree char *cid = enlist_test_make_cid ("sha1", G_CHECKSUM_SHA1, png);
  g_autofree char *bad_cid = enlist_test_make_cid ("sha1", G_CHECKSUM_SHA1, other);
  g_autofree char *missing_cid = enlist_test_make_cid ("sha-256", G_CHECKSUM_SHA256, png);
  g_autofree char *uri = g_strconcat ("cid:", cid, NULL);
  g_autofree char *bad_uri = g_strconcat ("cid:", bad_cid, NULL);
  g_autofree char *missing_uri = g_strconcat ("cid:", missing_cid, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = NULL;

  server.answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) enlist_xml_node_free);
  /* the answer carries no cid, as XEP-0231 allows */
  g_hash_table_insert (server.answers, g_strdup (cid),
                       enlist_test_make_bob (NULL, "image/png", png));
  /* the server answers with data that does not match what was asked for */
  g_hash_table_insert (server.answers, g_strdup (bad_cid),
                       enlist_test_make_bob (NULL, "image/png", png));
  enlist_media_resolver_set_bob_fetcher (resolver, fake_fetch, &server, fake_server_destroyed);

  image = enlist_test_resolve (resolver, uri, NULL, &error, NULL);
  g_assert_no_error (error);
  enlist_test_assert_image (image, "image/png", 40, 20, png);
  g_assert_cmpuint (server.calls, ==, 1);
  g_assert_cmpstr (server.last_cid, ==, cid);
  g_clear_object (&image);

  image = enlist_test_resolve (resolver, bad_uri, NULL, &error, NULL);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_PROTOCOL);
  g_clear_error (&error);

  image = enlist_test_resolve (resolver, missing_uri, NULL, &error, NULL);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_STANZA);
  g_assert_cmpstr (enlist_error_get_condition (error), ==, "item-not-found");
  g_clear_error (&error);
  g_assert_cmpuint (server.calls, ==, 3);

  /* inline data wins: no request */
  g_free (enlist_test_add_inline (resolver, "image/png", other));
  image = enlist_test_resolve (resolver, bad_uri, NULL, &error, NULL);
  g_assert_no_error (error);
  enlist_test_assert_image (image, "image/png", 41, 20, other);
  g_assert_cmpuint (server.calls, ==, 3);

  g_assert_finalize_object (g_steal_pointer (&resolver));
  g_assert_true (server.destroyed);
  g_hash_table_unref (server.answers);
  g_free (server.last_cid);
}

/* The connection-based fetcher sends its request through the connection and
 * reports what the connection says; the full round trip against a server is
 * in the integration tests. */
static void
test_bob_connection (void)
{
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  g_autoptr(EnlistConnection) connection = enlist_connection_new ("example.org");
  g_autofree char *uri = g_strconcat ("cid:", EJABBERD_CID, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = NULL;

  enlist_media_resolver_set_connection (resolver, connection);
  image = enlist_test_resolve (resolver, uri, NULL, &error, NULL);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_CONNECTION_CLOSED);
  g_clear_error (&error);

  /* without it, nothing is fetched */
  enlist_media_resolver_set_connection (resolver, NULL);
  image = enlist_test_resolve (resolver, uri, NULL, &error, NULL);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_FAILED);

  g_assert_finalize_object (g_steal_pointer (&resolver));
  g_assert_finalize_object (g_steal_pointer (&connection));
}

static void
test_bob_fetch_timeout (void)
{
  FakeServer server = { .hang = TRUE };
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  g_autofree char *uri = g_strconcat ("cid:", EJABBERD_CID, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = NULL;
  gint64 start = g_get_monotonic_time ();

  server.answers = g_hash_table_new (g_str_hash, g_str_equal);
  enlist_media_resolver_set_bob_fetcher (resolver, fake_fetch, &server, NULL);
  enlist_media_resolver_set_timeout (resolver, 200);

  image = enlist_test_resolve (resolver, uri, NULL, &error, NULL);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 190 * 1000);
  g_hash_table_unref (server.answers);
  g_free (server.last_cid);
}

static void
test_cancelled (void)
{
  FakeServer server = { .hang = TRUE };
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) png = enlist_test_make_image ("png", 10, 10);
  g_autofree char *inline_uri = enlist_test_add_inline (resolver, "image/png", png);
  g_autofree char *uri = g_strconcat ("cid:", EJABBERD_CID, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = NULL;

  server.answers = g_hash_table_new (g_str_hash, g_str_equal);
  enlist_media_resolver_set_bob_fetcher (resolver, fake_fetch, &server, NULL);

  /* cancelled while the request is out */
  g_timeout_add_once (50, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
  image = enlist_test_resolve (resolver, uri, cancellable, &error, NULL);
  g_assert_null (image);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* cancelled before it starts */
  image = enlist_test_resolve (resolver, inline_uri, cancellable, &error, NULL);
  g_assert_null (image);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_hash_table_unref (server.answers);
  g_free (server.last_cid);
}

/* ---------------------------------------------------------------------- */
/* Limits                                                                  */

static void
test_bob_oversized (void)
{
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  gsize len = ENLIST_MEDIA_DEFAULT_MAX_BYTES + 1;
  guint8 *big = g_malloc0 (len);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = NULL;

  memcpy (big, "\x89PNG\r\n\x1a\n", 8);
  bytes = g_bytes_new_take (big, len);
  uri = enlist_test_add_inline (resolver, "image/png", bytes);
  image = enlist_test_resolve (resolver, uri, NULL, &error, NULL);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);
  g_test_message ("%s", error->message);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/media/bob/inline-png", test_bob_inline_png);
  g_test_add_func ("/media/bob/ejabberd-sample", test_bob_ejabberd_sample);
  g_test_add_func ("/media/bob/sha256", test_bob_sha256);
  g_test_add_func ("/media/bob/hash-mismatch", test_bob_hash_mismatch);
  g_test_add_func ("/media/bob/bad-data", test_bob_bad_data);
  g_test_add_func ("/media/bob/not-bob", test_bob_not_bob);
  g_test_add_func ("/media/bob/not-available", test_bob_not_available);
  g_test_add_func ("/media/bob/fetched", test_bob_fetched);
  g_test_add_func ("/media/bob/connection", test_bob_connection);
  g_test_add_func ("/media/bob/fetch-timeout", test_bob_fetch_timeout);
  g_test_add_func ("/media/bob/oversized", test_bob_oversized);
  g_test_add_func ("/media/cancelled", test_cancelled);

  return g_test_run ();
}
