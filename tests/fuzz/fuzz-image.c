/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-image.c: a libFuzzer target for CAPTCHA images as the media
 * resolver takes them from a form: Bits of Binary data sent inline (strict
 * base64, the content ID and its hash, the byte cap), then the image
 * checker and decoder (the type from the magic bytes, PNG chunk and JPEG
 * and GIF structure checks, the pixel cap before decoding, the one
 * gdk-pixbuf loader for the type). The first byte chooses:
 *
 *   bits 0-1  0: the rest is the image, named by its SHA-1;
 *             1: the image, named by its SHA-256;
 *             2: the rest is the text of the <data/> element (base64 as a
 *                server sends it), named by the SHA-1 of what it decodes to;
 *             3: the first line is the URI to resolve and the rest the
 *                text of <data/>, whose cid is the URI after "cid:"
 *   bit 2     a 16×16 pixel cap instead of 256×256
 *
 * Texts that are not UTF-8 are skipped: the stream parser refuses them.
 * The resolve runs to its end on the default main context (the decoding
 * is in a worker thread). Nothing goes to the network: URIs with an HTTP
 * scheme are skipped. */
#define G_LOG_DOMAIN "fuzz-image"

#include "config.h"

#include <string.h>

#include "enlist-media-private.h"
#include "enlist-xml.h"
#include "fuzz-util.h"

#define MAX_BYTES (64 * 1024)

static void
resolve (EnlistMediaResolver *resolver,
         const char          *uri)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(EnlistMediaImage) image = NULL;
  g_autoptr(GError) error = NULL;

  enlist_media_resolver_resolve_async (resolver, uri, NULL, enlist_fuzz_store_result, &result);
  enlist_fuzz_wait_for (&result);
  image = enlist_media_resolver_resolve_finish (resolver, result, &error);
  if (image == NULL)
    {
      g_assert (error != NULL && error->message != NULL);
      return;
    }

  g_assert (error == NULL);
  g_assert_cmpstr (enlist_media_image_get_uri (image), ==, uri);
  g_assert (g_bytes_get_size (enlist_media_image_get_bytes (image)) <= MAX_BYTES);
  g_assert (enlist_media_image_get_mime_type (image) != NULL);
  g_assert (GDK_IS_PIXBUF (enlist_media_image_get_pixbuf (image)));
  g_assert (enlist_media_image_get_width (image) > 0);
  g_assert (enlist_media_image_get_height (image) > 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(EnlistXmlNode) node = NULL;
  g_autofree char *text = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *cid = NULL;
  g_autofree char *uri = NULL;
  EnlistMediaResolver *resolver;
  const char *rest;
  gsize rest_length;
  guint mode;

  if (size < 1)
    return 0;
  mode = data[0] & 3;
  rest = (const char *) data + 1;
  rest_length = size - 1;

  switch (mode)
    {
    case 0:
    case 1:
      hash = g_compute_checksum_for_data (mode == 0 ? G_CHECKSUM_SHA1 : G_CHECKSUM_SHA256,
                                          (const guchar *) rest, rest_length);
      cid = g_strdup_printf ("%s+%s@bob.xmpp.org", mode == 0 ? "sha1" : "sha-256", hash);
      text = g_base64_encode ((const guchar *) rest, rest_length);
      break;

    case 2:
      {
        g_autofree guchar *decoded = NULL;
        gsize length = 0;

        text = g_strndup (rest, rest_length);
        decoded = g_base64_decode (text, &length);
        hash = g_compute_checksum_for_data (G_CHECKSUM_SHA1, decoded, length);
        cid = g_strdup_printf ("sha1+%s@bob.xmpp.org", hash);
      }
      break;

    case 3:
    default:
      {
        const char *newline = memchr (rest, '\n', rest_length);
        g_autofree char *scheme = NULL;

        if (newline == NULL)
          return 0;
        uri = g_strndup (rest, newline - rest);
        text = g_strndup (newline + 1, rest_length - (newline + 1 - rest));
        scheme = g_uri_parse_scheme (uri);
        if (scheme == NULL || enlist_media_is_http_scheme (scheme))
          return 0;
        cid = g_strdup (strchr (uri, ':') + 1);
      }
      break;
    }

  /* what the stream parser delivers is valid UTF-8 (a NUL byte ends the
   * text here, as none can come through the parser) */
  if (!g_utf8_validate (text, -1, NULL) || !g_utf8_validate (cid, -1, NULL))
    return 0;

  node = enlist_xml_node_new ("data", ENLIST_NS_BOB);
  enlist_xml_node_set_attr (node, "cid", cid);
  enlist_xml_node_set_attr (node, "type", "image/png");
  enlist_xml_node_set_text (node, text);
  if (uri == NULL)
    uri = g_strconcat ("cid:", cid, NULL);

  resolver = enlist_media_resolver_new ();
  enlist_media_resolver_set_max_bytes (resolver, MAX_BYTES);
  if (data[0] & 4)
    enlist_media_resolver_set_max_size (resolver, 16, 16);
  else
    enlist_media_resolver_set_max_size (resolver, 256, 256);
  enlist_media_resolver_add_bob_data (resolver, node);

  resolve (resolver, uri);

  enlist_fuzz_release (resolver);
  return 0;
}
