/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-media.c: what the media resolver's tests share. */
#define G_LOG_DOMAIN "test-media"

#include "config.h"

#include "enlist-test-media.h"

/* No tick of the main loop may wait longer than this while a resolve runs.
 * AddressSanitizer with the slow unwinder (needed for lsan.supp to match)
 * makes every allocation on the main thread, as in TLS set-up, costly. */
#if defined(__SANITIZE_ADDRESS__)
#define MAX_LOOP_GAP_US (1500 * 1000)
#else
#define MAX_LOOP_GAP_US (300 * 1000)
#endif

GBytes *
enlist_test_make_image (const char *type,
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

char *
enlist_test_make_cid (const char   *algo,
                      GChecksumType type,
                      GBytes       *bytes)
{
  g_autofree char *hash = g_compute_checksum_for_bytes (type, bytes);

  return g_strdup_printf ("%s+%s@bob.xmpp.org", algo, hash);
}

EnlistXmlNode *
enlist_test_make_bob (const char *cid,
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

char *
enlist_test_add_inline (EnlistMediaResolver *resolver,
                        const char          *declared_type,
                        GBytes              *bytes)
{
  g_autofree char *cid = enlist_test_make_cid ("sha1", G_CHECKSUM_SHA1, bytes);
  g_autoptr(EnlistXmlNode) data = enlist_test_make_bob (cid, declared_type, bytes);

  g_assert_true (enlist_media_resolver_add_bob_data (resolver, data));
  return g_strconcat ("cid:", cid, NULL);
}

static gboolean
tick_cb (gpointer user_data)
{
  EnlistTestTicker *ticker = user_data;
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

EnlistMediaImage *
enlist_test_resolve (EnlistMediaResolver *resolver,
                     const char          *uri,
                     GCancellable        *cancellable,
                     GError             **error,
                     EnlistTestTicker    *ticker_out)
{
  Outcome outcome = { 0 };
  EnlistTestTicker ticker = { 0 };

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

void
enlist_test_assert_image (EnlistMediaImage *image,
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
