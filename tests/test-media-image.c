/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-media-image.c: the checks on an untrusted CAPTCHA image, whatever
 * brought it: its type from its bytes only, truncated and damaged files,
 * decompression bombs refused from their headers, the settable limits, and
 * decoding off the main loop. The images are given inline. */
#define G_LOG_DOMAIN "test-media"

#include "config.h"

#include <string.h>

#include "enlist-error.h"
#include "enlist-test-media.h"

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

/* Resolves bytes given inline under a claimed type and expects an error. */
static void
assert_inline_fails (GBytes     *bytes,
                     const char *declared_type,
                     GQuark      domain,
                     int         code)
{
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  g_autofree char *uri = enlist_test_add_inline (resolver, declared_type, bytes);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = enlist_test_resolve (resolver, uri, NULL, &error, NULL);

  g_assert_null (image);
  g_assert_error (error, domain, code);
  g_test_message ("%s", error->message);
}

/* ---------------------------------------------------------------------- */
/* Formats and limits                                                      */

static void
test_jpeg_and_gif (void)
{
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  g_autoptr(GBytes) jpeg = enlist_test_make_image ("jpeg", 120, 40);
  g_autoptr(GBytes) gif = g_bytes_new_static (tiny_gif, sizeof tiny_gif);
  /* the declared types are wrong on purpose: only the bytes count */
  g_autofree char *jpeg_uri = enlist_test_add_inline (resolver, "image/png", jpeg);
  g_autofree char *gif_uri = enlist_test_add_inline (resolver, "application/octet-stream", gif);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = NULL;

  image = enlist_test_resolve (resolver, jpeg_uri, NULL, &error, NULL);
  g_assert_no_error (error);
  enlist_test_assert_image (image, "image/jpeg", 120, 40, jpeg);
  g_clear_object (&image);

  image = enlist_test_resolve (resolver, gif_uri, NULL, &error, NULL);
  g_assert_no_error (error);
  enlist_test_assert_image (image, "image/gif", 1, 1, gif);
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
  g_autoptr(GBytes) png = enlist_test_make_image ("png", 200, 100);
  g_autoptr(GBytes) jpeg = enlist_test_make_image ("jpeg", 200, 100);
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

/* GIFs whose blocks do not add up (found by tests/fuzz/fuzz-image.c: given
 * a frame of no width, gdk-pixbuf's loader fails an assertion). */
static void
test_gif_blocks (void)
{
  static const guint8 no_image[] = {
    'G', 'I', 'F', '8', '9', 'a', 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x3b,
  };
  g_autoptr(GBytes) gif_no_image = g_bytes_new_static (no_image, sizeof no_image);
  g_autoptr(GByteArray) zero_width = g_byte_array_new ();
  g_autoptr(GByteArray) zero_height = g_byte_array_new ();
  g_autoptr(GByteArray) unknown_block = g_byte_array_new ();
  g_autoptr(GByteArray) after_trailer = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;

  assert_inline_fails (gif_no_image, "image/gif", ENLIST_ERROR, ENLIST_ERROR_PROTOCOL);

  g_byte_array_append (zero_width, tiny_gif, sizeof tiny_gif);
  memset (zero_width->data + 32, 0, 2);
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&zero_width));
  assert_inline_fails (bytes, "image/gif", ENLIST_ERROR, ENLIST_ERROR_PROTOCOL);
  g_clear_pointer (&bytes, g_bytes_unref);

  g_byte_array_append (zero_height, tiny_gif, sizeof tiny_gif);
  memset (zero_height->data + 34, 0, 2);
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&zero_height));
  assert_inline_fails (bytes, "image/gif", ENLIST_ERROR, ENLIST_ERROR_PROTOCOL);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* 0x99 where a block starts */
  g_byte_array_append (unknown_block, tiny_gif, sizeof tiny_gif - 1);
  g_byte_array_append (unknown_block, (const guint8 *) "\x99\x3b", 2);
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&unknown_block));
  assert_inline_fails (bytes, "image/gif", ENLIST_ERROR, ENLIST_ERROR_PROTOCOL);
  g_clear_pointer (&bytes, g_bytes_unref);

  g_byte_array_append (after_trailer, tiny_gif, sizeof tiny_gif);
  g_byte_array_append (after_trailer, (const guint8 *) "\x3b", 1);
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&after_trailer));
  assert_inline_fails (bytes, "image/gif", ENLIST_ERROR, ENLIST_ERROR_PROTOCOL);
}

static void
test_decompression_bomb (void)
{
  g_autoptr(GBytes) png_bomb = make_png_header_only (100000, 100000);
  g_autoptr(GBytes) png_wide = make_png_header_only (1000000, 1);
  g_autoptr(GByteArray) gif = g_byte_array_new ();
  g_autoptr(GBytes) gif_bomb = NULL;
  g_autoptr(GBytes) jpeg_wide = enlist_test_make_image ("jpeg", 5000, 8);
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
  g_autoptr(GBytes) png = enlist_test_make_image ("png", 200, 100);
  g_autofree char *uri = enlist_test_add_inline (resolver, "image/png", png);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = NULL;

  enlist_media_resolver_set_max_size (resolver, 100, 100);
  image = enlist_test_resolve (resolver, uri, NULL, &error, NULL);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);
  g_assert_nonnull (strstr (error->message, "200 × 100"));
  g_clear_error (&error);

  enlist_media_resolver_set_max_size (resolver, 200, 100);
  enlist_media_resolver_set_max_bytes (resolver, g_bytes_get_size (png) - 1);
  image = enlist_test_resolve (resolver, uri, NULL, &error, NULL);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);
  g_clear_error (&error);

  enlist_media_resolver_set_max_bytes (resolver, g_bytes_get_size (png));
  image = enlist_test_resolve (resolver, uri, NULL, &error, NULL);
  g_assert_no_error (error);
  enlist_test_assert_image (image, "image/png", 200, 100, png);
}

static void
test_large_image_off_main_loop (void)
{
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  g_autoptr(GBytes) png = enlist_test_make_image ("png", 4000, 4000);
  g_autofree char *uri = enlist_test_add_inline (resolver, "image/png", png);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistMediaImage) image = NULL;
  EnlistTestTicker ticker;

  g_assert_cmpuint (g_bytes_get_size (png), <, ENLIST_MEDIA_DEFAULT_MAX_BYTES);
  image = enlist_test_resolve (resolver, uri, NULL, &error, &ticker);
  g_assert_no_error (error);
  enlist_test_assert_image (image, "image/png", 4000, 4000, png);
  g_test_message ("decoding 4000 × 4000: %u ticks, longest gap %" G_GINT64_FORMAT " µs",
                  ticker.ticks, ticker.max_gap);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/media/format/jpeg-and-gif", test_jpeg_and_gif);
  g_test_add_func ("/media/format/gif-blocks", test_gif_blocks);
  g_test_add_func ("/media/format/wrong-type", test_wrong_type);
  g_test_add_func ("/media/format/truncated", test_truncated);
  g_test_add_func ("/media/limits/decompression-bomb", test_decompression_bomb);
  g_test_add_func ("/media/limits/settable", test_settable_limits);
  g_test_add_func ("/media/limits/large-image-off-main-loop", test_large_image_off_main_loop);

  return g_test_run ();
}
