/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-xml.c: what the XML tests share (enlist-test-xml.h). */
#define G_LOG_DOMAIN "test-xml"

#include "config.h"

#include <string.h>

#include "enlist-error.h"
#include "enlist-samples.h"
#include "enlist-test-xml.h"

static void
capture_stream_start (gpointer             user_data,
                      const EnlistXmlNode *root)
{
  EnlistTestCapture *cap = user_data;

  cap->n_starts++;
  g_clear_pointer (&cap->root, enlist_xml_node_free);
  cap->root = enlist_xml_node_copy (root);
}

static void
capture_stanza (gpointer       user_data,
                EnlistXmlNode *stanza)
{
  EnlistTestCapture *cap = user_data;

  g_assert_null (stanza->parent);
  g_ptr_array_add (cap->stanzas, stanza);

  if (cap->stop_at != NULL && strcmp (stanza->name, cap->stop_at) == 0)
    {
      if (cap->free_at_stop)
        g_clear_pointer (&cap->reader, enlist_xml_reader_free);
      else
        enlist_xml_reader_stop (cap->reader);
    }
}

static void
capture_stream_end (gpointer user_data)
{
  EnlistTestCapture *cap = user_data;

  cap->n_ends++;
}

static const EnlistXmlReaderCallbacks capture_callbacks = {
  capture_stream_start,
  capture_stanza,
  capture_stream_end,
};

EnlistTestCapture *
enlist_test_capture_new (const EnlistXmlLimits *limits)
{
  EnlistTestCapture *cap = g_new0 (EnlistTestCapture, 1);

  cap->stanzas = g_ptr_array_new_with_free_func ((GDestroyNotify) enlist_xml_node_free);
  cap->reader = enlist_xml_reader_new (limits, &capture_callbacks, cap);

  return cap;
}

void
enlist_test_capture_free (EnlistTestCapture *cap)
{
  g_clear_pointer (&cap->reader, enlist_xml_reader_free);
  g_clear_pointer (&cap->root, enlist_xml_node_free);
  g_ptr_array_unref (cap->stanzas);
  g_free (cap);
}

/* Feeds data in pieces of chunk bytes (0: all at once). If ends is given (the
 * offsets at which each stanza is complete), checks after every feed call
 * that exactly the stanzas complete so far have been delivered. */
gboolean
enlist_test_capture_feed (EnlistTestCapture *cap,
                          const char        *data,
                          gsize              len,
                          gsize              chunk,
                          const GArray      *ends,
                          GError           **error)
{
  gsize done = 0;

  if (chunk == 0)
    chunk = MAX (len, 1);

  while (done < len)
    {
      gsize n = MIN (chunk, len - done);
      guint expected = 0;

      if (!enlist_xml_reader_feed (cap->reader, data + done, n, error))
        return FALSE;
      done += n;

      if (ends != NULL)
        {
          while (expected < ends->len && g_array_index (ends, gsize, expected) <= done)
            expected++;
          if (cap->stanzas->len != expected)
            g_error ("chunk size %" G_GSIZE_FORMAT ": after %" G_GSIZE_FORMAT " bytes %u "
                     "stanzas were delivered, %u are complete", chunk, done,
                     cap->stanzas->len, expected);
        }
    }

  return TRUE;
}

/* Everything a reader delivered, in a form that compares as a string. */
char *
enlist_test_capture_serialise (EnlistTestCapture *cap)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "starts=%u ends=%u\n", cap->n_starts, cap->n_ends);
  if (cap->root != NULL)
    {
      enlist_xml_node_write (cap->root, NULL, out);
      g_string_append_c (out, '\n');
    }
  for (guint i = 0; i < cap->stanzas->len; i++)
    {
      enlist_xml_node_write (g_ptr_array_index (cap->stanzas, i), ENLIST_NS_CLIENT, out);
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}

EnlistXmlNode *
enlist_test_parse_one_stanza (const char *stanza)
{
  g_autoptr(EnlistTestCapture) cap = enlist_test_capture_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *stream = g_strconcat (STREAM_HEADER, stanza, NULL);

  g_assert_true (enlist_test_capture_feed (cap, stream, strlen (stream), 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cap->stanzas->len, ==, 1);

  return g_ptr_array_steal_index (cap->stanzas, 0);
}

/* Feeds input with every chunk size from 1 byte to all of it and expects a
 * failure with the given code each time; libxml2's own error differs with
 * the chunk size, the outcome must not. */
void
enlist_test_assert_refused (const char            *input,
                            gsize                  len,
                            const EnlistXmlLimits *limits,
                            EnlistError            code)
{
  for (gsize chunk = 1; chunk <= len; chunk++)
    {
      g_autoptr(EnlistTestCapture) cap = enlist_test_capture_new (limits);
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) again = NULL;

      if (enlist_test_capture_feed (cap, input, len, chunk, NULL, &error))
        g_error ("chunk size %" G_GSIZE_FORMAT ": input was accepted: %s", chunk, input);
      g_assert_error (error, ENLIST_ERROR, (gint) code);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_cmpstr (error->message, !=, "");

      /* Once failed, the reader takes nothing more until reset. */
      g_assert_false (enlist_xml_reader_feed (cap->reader, "<presence/>", 11, &again));
      g_assert_error (again, ENLIST_ERROR, (gint) code);

      if (chunk == 1 && g_test_verbose ())
        g_test_message ("%s", error->message);
    }
}
