/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-display-text.c: server text made fit for widgets: escapes for
 * control and bidirectional-override characters, line breaks, and cutting
 * to a number of characters (not bytes) with "…". */
#define G_LOG_DOMAIN "test-display-text"

#include "config.h"

#include <string.h>

#include "enlist-display-text.h"

static void
assert_display (const char *text,
                guint       max_chars,
                gboolean    multiline,
                const char *expected)
{
  g_autofree char *shown = enlist_display_text (text, max_chars, multiline);

  g_assert_cmpstr (shown, ==, expected);
}

static void
test_plain (void)
{
  g_assert_null (enlist_display_text (NULL, 10, FALSE));
  assert_display ("", 10, FALSE, "");
  assert_display ("Username", 100, FALSE, "Username");
  /* markup is text like any other */
  assert_display ("<b>bold</b> &amp;", 100, FALSE, "<b>bold</b> &amp;");
  /* overrides and controls become visible */
  assert_display ("abc\u202Egnp.exe", 100, FALSE, "abc\\u{202E}gnp.exe");
  assert_display ("a\x1b[31mred", 100, FALSE, "a\\u{001B}[31mred");
  assert_display ("bell\x07", 100, TRUE, "bell\\u{0007}");
  /* right-to-left text itself is fine */
  assert_display ("שלום", 100, FALSE, "שלום");
  /* invalid UTF-8 */
  assert_display ("a\xff" "b", 100, FALSE, "a\xef\xbf\xbd" "b");
}

static void
test_lines (void)
{
  assert_display ("one\ntwo\r\nthree", 100, TRUE, "one\ntwo\nthree");
  assert_display ("one\ntwo\r\nthree", 100, FALSE, "one two three");
  assert_display ("tab\there", 100, FALSE, "tab here");
}

static void
test_cut (void)
{
  g_autofree char *long_ascii = g_strnfill (20000, 'x');
  g_autoptr(GString) wide = g_string_new (NULL);
  g_autoptr(GString) many_lines = g_string_new (NULL);
  g_autofree char *shown = NULL;

  assert_display ("abcdef", 6, FALSE, "abcdef");
  assert_display ("abcdefg", 6, FALSE, "abcde…");
  g_assert_false (enlist_display_text_too_long ("abcdef", 6));
  g_assert_true (enlist_display_text_too_long ("abcdefg", 6));
  g_assert_false (enlist_display_text_too_long (NULL, 6));

  shown = enlist_display_text (long_ascii, 100, FALSE);
  g_assert_cmpuint (g_utf8_strlen (shown, -1), ==, 100);
  g_assert_true (g_str_has_suffix (shown, "x…"));
  g_clear_pointer (&shown, g_free);

  /* four-byte characters are counted as characters */
  for (guint i = 0; i < 3000; i++)
    g_string_append (wide, "😀");
  shown = enlist_display_text (wide->str, 2000, TRUE);
  g_assert_cmpuint (g_utf8_strlen (shown, -1), ==, 2000);
  g_assert_true (g_str_has_suffix (shown, "😀…"));
  g_clear_pointer (&shown, g_free);
  shown = enlist_display_text (wide->str, 3000, TRUE);
  g_assert_cmpstr (shown, ==, wide->str);
  g_clear_pointer (&shown, g_free);

  /* escapes count too, and the cut never leaves half a character */
  shown = enlist_display_text ("\u202E\u202E\u202E", 10, FALSE);
  g_assert_cmpstr (shown, ==, "\\u{202E}\\…");
  g_clear_pointer (&shown, g_free);

  /* thousands of lines */
  for (guint i = 0; i < 20000; i++)
    g_string_append (many_lines, "line\n");
  shown = enlist_display_text (many_lines->str, 2000, TRUE);
  g_assert_cmpuint (g_utf8_strlen (shown, -1), ==, 2000);
  g_assert_true (g_str_has_suffix (shown, "…"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/display-text/plain", test_plain);
  g_test_add_func ("/display-text/lines", test_lines);
  g_test_add_func ("/display-text/cut", test_cut);

  return g_test_run ();
}
