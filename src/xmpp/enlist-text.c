/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-text.c: neutralising server-provided text for terminals and logs. */
#define G_LOG_DOMAIN "enlist-text"

#include "config.h"

#include <string.h>

#include "enlist-text.h"

static gboolean
is_dangerous (gunichar c)
{
  if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
    return TRUE;
  /* bidi marks, embeddings, overrides, isolates; Arabic letter mark */
  if (c == 0x061c || c == 0x200e || c == 0x200f
      || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
    return TRUE;
  return FALSE;
}

char *
enlist_text_neutralize (const char *text,
                        gssize      len)
{
  GString *out;
  const char *p, *end;

  if (text == NULL)
    return NULL;
  if (len < 0)
    len = strlen (text);

  out = g_string_sized_new (len);
  p = text;
  end = text + len;
  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_unichar (out, 0xfffd);
          p++;
          continue;
        }
      if (is_dangerous (c))
        g_string_append_printf (out, "\\u{%04X}", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}

void
enlist_secret_free (gpointer secret)
{
  char *text = secret;

  if (text == NULL)
    return;
  explicit_bzero (text, strlen (text));
  g_free (text);
}

void
enlist_secret_strv_free (char **strv)
{
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    explicit_bzero (strv[i], strlen (strv[i]));
  g_strfreev (strv);
}
