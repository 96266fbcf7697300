/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-display-text.c: server text made fit for a widget. */
#define G_LOG_DOMAIN "enlist-display-text"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "enlist-display-text.h"
#include "enlist-text.h"

/* Counts characters up to limit + 1 at most: the texts are untrusted and
 * may be long, there is no need to walk all of them. */
static gsize
count_chars_upto (const char *text,
                  gsize       limit)
{
  gsize n = 0;

  for (const char *p = text; *p != '\0' && n <= limit; p = g_utf8_next_char (p))
    n++;
  return n;
}

gboolean
enlist_display_text_too_long (const char *text,
                              guint       max_chars)
{
  if (text == NULL)
    return FALSE;
  return count_chars_upto (text, max_chars) > max_chars;
}

char *
enlist_display_text (const char *text,
                     guint       max_chars,
                     gboolean    multiline)
{
  g_autofree char *valid = NULL;
  g_auto(GStrv) lines = NULL;
  GString *out;
  gsize n_chars;

  g_return_val_if_fail (max_chars >= 2, NULL);

  if (text == NULL)
    return NULL;

  /* Cut first (each character can grow into a \u{…} escape, and a few
   * extra to keep escapes whole is harmless), then neutralise, then cut to
   * the exact length. */
  valid = g_utf8_make_valid (text, -1);
  lines = g_strsplit (valid, "\n", -1);
  out = g_string_new (NULL);
  for (guint i = 0; lines[i] != NULL && out->len < (gsize) max_chars * 12; i++)
    {
      g_autofree char *line = NULL;
      g_autofree char *clean = NULL;
      gsize len = strlen (lines[i]);

      if (len > 0 && lines[i][len - 1] == '\r')
        lines[i][--len] = '\0';
      /* a tab is spacing, not a control to show */
      g_strdelimit (lines[i], "\t", ' ');
      /* at most max_chars + 1 characters (of up to 4 bytes each): enough
       * to know that the line is too long */
      line = g_utf8_substring (lines[i], 0,
                               MIN (g_utf8_strlen (lines[i], (gssize) (max_chars + 1) * 4),
                                    (glong) max_chars + 1));
      clean = enlist_text_neutralize (line, -1);
      if (i > 0)
        g_string_append_c (out, multiline ? '\n' : ' ');
      g_string_append (out, clean);
    }

  n_chars = count_chars_upto (out->str, max_chars);
  if (n_chars > max_chars)
    {
      const char *cut = g_utf8_offset_to_pointer (out->str, max_chars - 1);

      g_string_truncate (out, cut - out->str);
      g_string_append (out, "…");
    }
  return g_string_free (out, FALSE);
}

char *
enlist_display_date_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;

  g_return_val_if_fail (time != NULL, NULL);

  local = g_date_time_to_local (time);
  /* Translators: a date and time, a g_date_time_format () format:
   * "2 December 2026, 11:24" */
  return g_date_time_format (local, _("%-d %B %Y, %H:%M"));
}
