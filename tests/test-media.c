/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-media.c: CAPTCHA image resolution: inline and fetched Bits of Binary,
 * HTTP(S) from a local server, and the limits on untrusted images. */
#define G_LOG_DOMAIN "test-media"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "enlist-error.h"
#include "enlist-media.h"

/* No tick of the main loop may wait longer than this while a resolve runs.
 * AddressSanitizer with the slow unwinder (needed for lsan.supp to match)
 * makes every allocation on the main thread, as in TLS set-up, costly. */
#if defined(__SANITIZE_ADDRESS__)
#define MAX_LOOP_GAP_US (1500 * 1000)
#else
#define MAX_LOOP_GAP_US (300 * 1000)
#endif

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

/* A 1 × 1 GIF89a with a two-colour palette. */
static const guint8 tiny_gif[] = {
  'G', 'I', 'F', '8', '9', 'a', 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00,
  0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
  0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00,
  0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
  0x02, 0x02, 0x44, 0x01, 0x00,
  0x3b,
};

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
}

static GBytes *
make_image (const char *type,
            int         width,
            int         height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  char *buffer = NULL;
  gsize len = 0;

  gdk_pixbuf_fill (pixbuf, 0x3366ccff);
  gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, type, &error, NULL);
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, len);
}

static guint32
crc32_of (const guint8 *data,
          gsize         len)
{
  guint32 crc = 0xffffffff;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc & 1) ? 0xedb88320 ^ (crc >> 1) : crc >> 1;
    }
  return crc ^ 0xffffffff;
}

static void
append_be32 (GByteArray *out,
             guint32     value)
{
  guint8 b[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (out, b, 4);
}

static void
append_png_chunk (GByteArray   *out,
                  const char   *type,
                  const guint8 *data,
                  gsize         len)
{
  gsize start;

  append_be32 (out, len);
  start = out->len;
  g_byte_array_append (out, (const guint8 *) type, 4);
  if (len > 0)
    g_byte_array_append (out, data, len);
  append_be32 (out, crc32_of (out->data + start, 4 + len));
}

/* A PNG whose header announces width × height, with correct CRCs and a
 * (short) zlib stream: a few hundred bytes that would need gigabytes. */
static GBytes *
make_png_header_only (guint32 width,
                      guint32 height)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  static const guint8 empty_zlib[] = { 0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 };
  GByteArray *out = g_byte_array_new ();
  guint8 ihdr[13] = {
    width >> 24, width >> 16, width >> 8, width,
    height >> 24, height >> 16, height >> 8, height,
    8, 2, 0, 0, 0,   /* 8-bit RGB, deflate, no filter, no interlace */
  };

  g_byte_array_append (out, signature, sizeof signature);
  append_png_chunk (out, "IHDR", ihdr, sizeof ihdr);
  append_png_chunk (out, "IDAT", empty_zlib, sizeof empty_zlib);
  append_png_chunk (out, "IEND", NULL, 0);
  return g_byte_array_free_to_bytes (out);
}

static char *
make_cid (const char *algo,
          GChecksumType type,
          GBytes     *bytes)
{
  g_autofree char *hash = g_compute_checksum_for_bytes (type, bytes);

  return g_strdup_printf ("%s+%s@bob.xmpp.org", algo, hash);
}

static EnlistXmlNode *
make_bob (const char *cid,
          const char *declared_type,
          GBytes     *bytes)
{
  EnlistXmlNode *data = enlist_xml_node_new ("data", ENLIST_NS_BOB);
  g_autofree char *text = g_base64_encode (g_bytes_get_data (bytes, NULL),
                                           g_bytes_get_size (bytes));

  enlist_xml_node_set_attr (data, "cid", cid);
  enlist_xml_node_set_attr (data, "type", declared_type);
  enlist_xml_node_set_attr (data, "max-age", "0");
  enlist_xml_node_set_text (data, text);
  return data;
}

/* Adds inline BoB data for bytes; returns the cid: URI naming it. */
static char *
add_inline (EnlistMediaResolver *resolver,
            const char          *declared_type,
            GBytes              *bytes)
{
  g_autofree char *cid = make_cid ("sha1", G_CHECKSUM_SHA1, bytes);
  g_autoptr(EnlistXmlNode) data = make_bob (cid, declared_type, bytes);

  g_assert_true (enlist_media_resolver_add_bob_data (resolver, data));
  return g_strconcat ("cid:", cid, NULL);
}

/* Measures the longest wait between two ticks of the main loop. */
typedef struct
{
  guint  source_id;
  gint64 last;
  gint64 max_gap;
  guint  ticks;
} Ticker;

static gboolean
tick_cb (gpointer user_data)
{
  Ticker *ticker = user_data;
  gint64 now = g_get_monotonic_time ();

  ticker->max_gap = MAX (ticker->max_gap, now - ticker->last);
  ticker->last = now;
  ticker->ticks++;
  return G_SOURCE_CONTINUE;
}

typedef struct
{
  gboolean          done;
  EnlistMediaImage *image;
  GError           *error;
} Outcome;

static void
resolved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->image = enlist_media_resolver_resolve_finish (ENLIST_MEDIA_RESOLVER (source), result,
                                                         &outcome->error);
  g_assert_true ((outcome->image == NULL) != (outcome->error == NULL));
  outcome->done = TRUE;
}

/* Resolves uri on the main loop, checking that the loop keeps turning. */
static EnlistMediaImage *
resolve (EnlistMediaResolver *resolver,
         const char          *uri,
         GCancellable        *cancellable,
         GError             **error,
         Ticker              *ticker_out)
{
  Outcome outcome = { 0 };
  Ticker ticker = { 0 };

  ticker.last = g_get_monotonic_time ();
  ticker.source_id = g_timeout_add (5, tick_cb, &ticker);

  enlist_media_resolver_resolve_async (resolver, uri, cancellable, resolved_cb, &outcome);
  /* nothing completes synchronously: callers may rely on that */
  g_assert_false (outcome.done);
  while (!outcome.done)
    g_main_context_iteration (NULL, TRUE);

  tick_cb (&ticker);
  g_source_remove (ticker.source_id);
  g_assert_cmpint (ticker.max_gap, <, MAX_LOOP_GAP_US);
  if (ticker_out != NULL)
    *ticker_out = ticker;

  if (outcome.error != NULL)
    g_propagate_error (error, outcome.error);
  return outcome.image;
}

static void
assert_image (EnlistMediaImage *image,
              const char       *mime_type,
              int               width,
              int               height,
              GBytes           *bytes)
{
  g_assert_nonnull (image);
  g_assert_cmpstr (enlist_media_image_get_mime_type (image), ==, mime_type);
  g_assert_cmpint (enlist_media_image_get_width (image), ==, width);
  g_assert_cmpint (enlist_media_image_get_height (image), ==, height);
  g_assert_nonnull (enlist_media_image_get_pixbuf (image));
  g_assert_cmpint (gdk_pixbuf_get_width (enlist_media_image_get_pixbuf (image)), ==, width);
  if (bytes != NULL)
    g_assert_true (g_bytes_equal (enlist_media_image_get_bytes (image), bytes));
}

/* Resolves bytes given inline under a claimed type and expects an error. */
static void
assert_inline_fails (GBytes     *bytes,
                     const char *declared_type,
                     GQuark      domain,
                     int         code)
{
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  g_autofree char *uri = add_inline (resolver, declared_type, bytes);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = resolve (resolver, uri, NULL, &error, NULL);

  g_assert_null (image);
  g_assert_error (error, domain, code);
  g_test_message ("%s", error->message);
}

/* ---------------------------------------------------------------------- */
/* Bits of Binary                                                          */

static void
test_bob_inline_png (void)
{
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  g_autoptr(GBytes) png = make_image ("png", 180, 60);
  g_autofree char *uri = add_inline (resolver, "image/png", png);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = resolve (resolver, uri, NULL, &error, NULL);

  g_assert_no_error (error);
  assert_image (image, "image/png", 180, 60, png);
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

  image = resolve (resolver, uri, NULL, &error, NULL);
  g_assert_no_error (error);
  assert_image (image, "image/png", 180, 60, NULL);
}

static void
test_bob_sha256 (void)
{
  static const char * const spellings[] = { "sha-256", "sha256", "SHA-256" };
  g_autoptr(GBytes) png = make_image ("png", 30, 20);

  for (guint i = 0; i < G_N_ELEMENTS (spellings); i++)
    {
      g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
      g_autofree char *cid = make_cid (spellings[i], G_CHECKSUM_SHA256, png);
      g_autoptr(EnlistXmlNode) data = make_bob (cid, "image/png", png);
      g_autofree char *uri = g_strconcat ("cid:", cid, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(EnlistMediaImage) image = NULL;

      g_assert_true (enlist_media_resolver_add_bob_data (resolver, data));
      image = resolve (resolver, uri, NULL, &error, NULL);
      g_assert_no_error (error);
      assert_image (image, "image/png", 30, 20, png);
    }
}

static void
test_bob_hash_mismatch (void)
{
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  g_autoptr(GBytes) png = make_image ("png", 30, 20);
  g_autoptr(GBytes) other = make_image ("png", 31, 20);
  g_autofree char *cid = make_cid ("sha1", G_CHECKSUM_SHA1, png);
  g_autoptr(EnlistXmlNode) data = make_bob (cid, "image/png", other);
  g_autofree char *uri = g_strconcat ("cid:", cid, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = NULL;

  g_assert_true (enlist_media_resolver_add_bob_data (resolver, data));
  image = resolve (resolver, uri, NULL, &error, NULL);
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
      image = resolve (resolver, cases[i].uri, NULL, &error, NULL);
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
  g_autoptr(EnlistMediaImage) image = resolve (resolver, uri, NULL, &error, NULL);

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
  g_autoptr(GBytes) png = make_image ("png", 40, 20);
  g_autoptr(GBytes) other = make_image ("png", 41, 20);
  g_autofree char *cid = make_cid ("sha1", G_CHECKSUM_SHA1, png);
  g_autofree char *bad_cid = make_cid ("sha1", G_CHECKSUM_SHA1, other);
  g_autofree char *missing_cid = make_cid ("sha-256", G_CHECKSUM_SHA256, png);
  g_autofree char *uri = g_strconcat ("cid:", cid, NULL);
  g_autofree char *bad_uri = g_strconcat ("cid:", bad_cid, NULL);
  g_autofree char *missing_uri = g_strconcat ("cid:", missing_cid, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = NULL;

  server.answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) enlist_xml_node_free);
  /* the answer carries no cid, as XEP-0231 allows */
  g_hash_table_insert (server.answers, g_strdup (cid), make_bob (NULL, "image/png", png));
  /* the server answers with data that does not match what was asked for */
  g_hash_table_insert (server.answers, g_strdup (bad_cid), make_bob (NULL, "image/png", png));
  enlist_media_resolver_set_bob_fetcher (resolver, fake_fetch, &server, fake_server_destroyed);

  image = resolve (resolver, uri, NULL, &error, NULL);
  g_assert_no_error (error);
  assert_image (image, "image/png", 40, 20, png);
  g_assert_cmpuint (server.calls, ==, 1);
  g_assert_cmpstr (server.last_cid, ==, cid);
  g_clear_object (&image);

  image = resolve (resolver, bad_uri, NULL, &error, NULL);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_PROTOCOL);
  g_clear_error (&error);

  image = resolve (resolver, missing_uri, NULL, &error, NULL);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_STANZA);
  g_assert_cmpstr (enlist_error_get_condition (error), ==, "item-not-found");
  g_clear_error (&error);
  g_assert_cmpuint (server.calls, ==, 3);

  /* inline data wins: no request */
  g_free (add_inline (resolver, "image/png", other));
  image = resolve (resolver, bad_uri, NULL, &error, NULL);
  g_assert_no_error (error);
  assert_image (image, "image/png", 41, 20, other);
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
  image = resolve (resolver, uri, NULL, &error, NULL);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_CONNECTION_CLOSED);
  g_clear_error (&error);

  /* without it, nothing is fetched */
  enlist_media_resolver_set_connection (resolver, NULL);
  image = resolve (resolver, uri, NULL, &error, NULL);
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

  image = resolve (resolver, uri, NULL, &error, NULL);
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
  g_autoptr(GBytes) png = make_image ("png", 10, 10);
  g_autofree char *inline_uri = add_inline (resolver, "image/png", png);
  g_autofree char *uri = g_strconcat ("cid:", EJABBERD_CID, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = NULL;

  server.answers = g_hash_table_new (g_str_hash, g_str_equal);
  enlist_media_resolver_set_bob_fetcher (resolver, fake_fetch, &server, NULL);

  /* cancelled while the request is out */
  g_timeout_add_once (50, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
  image = resolve (resolver, uri, cancellable, &error, NULL);
  g_assert_null (image);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* cancelled before it starts */
  image = resolve (resolver, inline_uri, cancellable, &error, NULL);
  g_assert_null (image);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_hash_table_unref (server.answers);
  g_free (server.last_cid);
}

/* ---------------------------------------------------------------------- */
/* Formats and limits                                                      */

static void
test_jpeg_and_gif (void)
{
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  g_autoptr(GBytes) jpeg = make_image ("jpeg", 120, 40);
  g_autoptr(GBytes) gif = g_bytes_new_static (tiny_gif, sizeof tiny_gif);
  /* the declared types are wrong on purpose: only the bytes count */
  g_autofree char *jpeg_uri = add_inline (resolver, "image/png", jpeg);
  g_autofree char *gif_uri = add_inline (resolver, "application/octet-stream", gif);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = NULL;

  image = resolve (resolver, jpeg_uri, NULL, &error, NULL);
  g_assert_no_error (error);
  assert_image (image, "image/jpeg", 120, 40, jpeg);
  g_clear_object (&image);

  image = resolve (resolver, gif_uri, NULL, &error, NULL);
  g_assert_no_error (error);
  assert_image (image, "image/gif", 1, 1, gif);
}

static void
test_wrong_type (void)
{
  static const char svg[] =
    "<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'>"
    "<rect width='10' height='10'/></svg>";
  static const char xpm[] =
    "/* XPM */\nstatic char *captcha[] = {\n\"2 1 2 1\",\n\"a c #000000\",\n"
    "\"b c #ffffff\",\n\"ab\"\n};\n";
  /* a valid 1 × 1 24-bit BMP */
  static const guint8 bmp[] = {
    'B', 'M', 58, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0,
    40, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 24, 0, 0, 0, 0, 0, 4, 0, 0, 0,
    0x13, 0x0b, 0, 0, 0x13, 0x0b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0xff, 0x00, 0x00, 0x00,
  };
  g_autoptr(GBytes) svg_bytes = g_bytes_new_static (svg, strlen (svg));
  g_autoptr(GBytes) xpm_bytes = g_bytes_new_static (xpm, strlen (xpm));
  g_autoptr(GBytes) bmp_bytes = g_bytes_new_static (bmp, sizeof bmp);

  assert_inline_fails (svg_bytes, "image/png", ENLIST_ERROR, ENLIST_ERROR_FAILED);
  assert_inline_fails (svg_bytes, "image/svg+xml", ENLIST_ERROR, ENLIST_ERROR_FAILED);
  assert_inline_fails (xpm_bytes, "image/png", ENLIST_ERROR, ENLIST_ERROR_FAILED);
  assert_inline_fails (bmp_bytes, "image/png", ENLIST_ERROR, ENLIST_ERROR_FAILED);
  assert_inline_fails (bmp_bytes, "image/bmp", ENLIST_ERROR, ENLIST_ERROR_FAILED);
}

static void
test_truncated (void)
{
  g_autoptr(GBytes) png = make_image ("png", 200, 100);
  g_autoptr(GBytes) jpeg = make_image ("jpeg", 200, 100);
  g_autoptr(GBytes) gif = g_bytes_new_static (tiny_gif, sizeof tiny_gif);
  gsize png_len = g_bytes_get_size (png);
  gsize jpeg_len = g_bytes_get_size (jpeg);
  g_autoptr(GBytes) png_half = g_bytes_new_from_bytes (png, 0, png_len / 2);
  g_autoptr(GBytes) png_no_end = g_bytes_new_from_bytes (png, 0, png_len - 12);
  g_autoptr(GBytes) png_header = g_bytes_new_from_bytes (png, 0, 40);
  g_autoptr(GBytes) jpeg_half = g_bytes_new_from_bytes (jpeg, 0, jpeg_len / 2);
  g_autoptr(GBytes) jpeg_no_end = g_bytes_new_from_bytes (jpeg, 0, jpeg_len - 2);
  g_autoptr(GBytes) gif_cut = g_bytes_new_from_bytes (gif, 0, sizeof tiny_gif - 4);
  g_autoptr(GByteArray) png_bad_crc = g_byte_array_new ();
  g_autoptr(GBytes) png_bad_crc_bytes = NULL;

  /* gdk-pixbuf alone would show these cut PNGs and JPEGs as partial images */
  assert_inline_fails (png_half, "image/png", ENLIST_ERROR, ENLIST_ERROR_PROTOCOL);
  assert_inline_fails (png_no_end, "image/png", ENLIST_ERROR, ENLIST_ERROR_PROTOCOL);
  assert_inline_fails (png_header, "image/png", ENLIST_ERROR, ENLIST_ERROR_PROTOCOL);
  assert_inline_fails (jpeg_half, "image/jpeg", ENLIST_ERROR, ENLIST_ERROR_PROTOCOL);
  assert_inline_fails (jpeg_no_end, "image/jpeg", ENLIST_ERROR, ENLIST_ERROR_PROTOCOL);
  assert_inline_fails (gif_cut, "image/gif", ENLIST_ERROR, ENLIST_ERROR_PROTOCOL);

  g_byte_array_append (png_bad_crc, g_bytes_get_data (png, NULL), png_len);
  png_bad_crc->data[png_len / 2] ^= 0x55;
  png_bad_crc_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&png_bad_crc));
  assert_inline_fails (png_bad_crc_bytes, "image/png", ENLIST_ERROR, ENLIST_ERROR_PROTOCOL);
}

static void
test_decompression_bomb (void)
{
  g_autoptr(GBytes) png_bomb = make_png_header_only (100000, 100000);
  g_autoptr(GBytes) png_wide = make_png_header_only (1000000, 1);
  g_autoptr(GByteArray) gif = g_byte_array_new ();
  g_autoptr(GBytes) gif_bomb = NULL;
  g_autoptr(GBytes) jpeg_wide = make_image ("jpeg", 5000, 8);
  gint64 start = g_get_monotonic_time ();

  g_assert_cmpuint (g_bytes_get_size (png_bomb), <, 100);
  assert_inline_fails (png_bomb, "image/png", ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);
  assert_inline_fails (png_wide, "image/png", ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);

  /* a GIF whose screen and frame claim 65535 × 65535 */
  g_byte_array_append (gif, tiny_gif, sizeof tiny_gif);
  memset (gif->data + 6, 0xff, 4);
  memset (gif->data + 32, 0xff, 4);
  gif_bomb = g_byte_array_free_to_bytes (g_steal_pointer (&gif));
  assert_inline_fails (gif_bomb, "image/gif", ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);

  assert_inline_fails (jpeg_wide, "image/jpeg", ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);

  /* refused from the header: nothing was decoded, let alone allocated */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
}

static void
test_settable_limits (void)
{
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  g_autoptr(GBytes) png = make_image ("png", 200, 100);
  g_autofree char *uri = add_inline (resolver, "image/png", png);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = NULL;

  enlist_media_resolver_set_max_size (resolver, 100, 100);
  image = resolve (resolver, uri, NULL, &error, NULL);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);
  g_assert_nonnull (strstr (error->message, "200 × 100"));
  g_clear_error (&error);

  enlist_media_resolver_set_max_size (resolver, 200, 100);
  enlist_media_resolver_set_max_bytes (resolver, g_bytes_get_size (png) - 1);
  image = resolve (resolver, uri, NULL, &error, NULL);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);
  g_clear_error (&error);

  enlist_media_resolver_set_max_bytes (resolver, g_bytes_get_size (png));
  image = resolve (resolver, uri, NULL, &error, NULL);
  g_assert_no_error (error);
  assert_image (image, "image/png", 200, 100, png);
}

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
  uri = add_inline (resolver, "image/png", bytes);
  image = resolve (resolver, uri, NULL, &error, NULL);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);
  g_test_message ("%s", error->message);
}

static void
test_large_image_off_main_loop (void)
{
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  g_autoptr(GBytes) png = make_image ("png", 4000, 4000);
  g_autofree char *uri = add_inline (resolver, "image/png", png);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = NULL;
  Ticker ticker;

  g_assert_cmpuint (g_bytes_get_size (png), <, ENLIST_MEDIA_DEFAULT_MAX_BYTES);
  image = resolve (resolver, uri, NULL, &error, &ticker);
  g_assert_no_error (error);
  assert_image (image, "image/png", 4000, 4000, png);
  g_test_message ("decoding 4000 × 4000: %u ticks, longest gap %" G_GINT64_FORMAT " µs",
                  ticker.ticks, ticker.max_gap);
}

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
      g_autoptr(EnlistMediaImage) image = resolve (resolver, uris[i], NULL, &error, NULL);

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

  fixture->png = make_image ("png", 180, 60);
  fixture->jpeg = make_image ("jpeg", 120, 40);
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
  image = resolve (resolver, uri, NULL, error, NULL);
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
  assert_image (image, "image/png", 180, 60, fixture->png);
  g_clear_object (&image);

  image = http_resolve (fixture, FALSE, "/captcha", NULL, &error);
  g_assert_no_error (error);
  assert_image (image, "image/jpeg", 120, 40, fixture->jpeg);
  g_clear_object (&image);

  image = http_resolve (fixture, FALSE, "/redirect", NULL, &error);
  g_assert_no_error (error);
  assert_image (image, "image/png", 180, 60, fixture->png);
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
  assert_image (image, "image/png", 180, 60, fixture->png);
  g_clear_object (&image);

  image = http_resolve (fixture, TRUE, "/redirect", "fake-server-ca.pem", &error);
  g_assert_no_error (error);
  assert_image (image, "image/png", 180, 60, fixture->png);
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
  image = resolve (resolver, uri, NULL, &error, NULL);
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
  g_test_add_func ("/media/format/jpeg-and-gif", test_jpeg_and_gif);
  g_test_add_func ("/media/format/wrong-type", test_wrong_type);
  g_test_add_func ("/media/format/truncated", test_truncated);
  g_test_add_func ("/media/limits/decompression-bomb", test_decompression_bomb);
  g_test_add_func ("/media/limits/settable", test_settable_limits);
  g_test_add_func ("/media/limits/large-image-off-main-loop", test_large_image_off_main_loop);
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
