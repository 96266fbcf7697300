/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-util.c: what the fuzz targets share (fuzz-util.h). */
#define G_LOG_DOMAIN "fuzz"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "enlist-xml-reader.h"
#include "fuzz-util.h"

/* Criticals are findings. G_DEBUG=fatal-criticals stops the process with
 * SIGTRAP, which libFuzzer does not catch (no reproducer is written):
 * abort instead, once the message is out. */
static GLogWriterOutput
write_log (GLogLevelFlags   log_level,
           const GLogField *fields,
           gsize            n_fields,
           gpointer         user_data)
{
  GLogWriterOutput result = g_log_writer_default (log_level, fields, n_fields, user_data);

  if (log_level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))
    abort ();
  return result;
}

__attribute__((constructor)) static void
install_log_writer (void)
{
  g_log_set_writer_func (write_log, NULL, NULL);
}

static void
keep_first (gpointer       user_data,
            EnlistXmlNode *stanza)
{
  EnlistXmlNode **out = user_data;

  if (*out == NULL)
    *out = stanza;
  else
    enlist_xml_node_free (stanza);
}

EnlistXmlNode *
enlist_fuzz_parse_element (const uint8_t *data,
                           size_t         size,
                           gsize          max_stanza)
{
  static const EnlistXmlReaderCallbacks callbacks = { NULL, keep_first, NULL };
  EnlistXmlLimits limits;
  EnlistXmlReader *reader;
  EnlistXmlNode *node = NULL;
  GError *error = NULL;

  enlist_xml_limits_init_default (&limits);
  limits.max_stanza_size = max_stanza;
  limits.max_text = max_stanza;
  limits.max_buffered = max_stanza + 1024;
  limits.max_depth = 16;

  reader = enlist_xml_reader_new (&limits, &callbacks, &node);
  if (!enlist_xml_reader_feed (reader, ENLIST_FUZZ_STREAM_HEADER,
                               strlen (ENLIST_FUZZ_STREAM_HEADER), &error)
      || !enlist_xml_reader_feed (reader, (const char *) data, size, &error))
    g_clear_error (&error);
  enlist_xml_reader_free (reader);

  return node;
}

void
enlist_fuzz_store_result (GObject      *source,
                          GAsyncResult *result,
                          gpointer      slot)
{
  GAsyncResult **out = slot;

  g_assert (*out == NULL);
  *out = g_object_ref (result);
}

GAsyncResult *
enlist_fuzz_wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

void
enlist_fuzz_release (gpointer object)
{
  while (g_atomic_int_get (&G_OBJECT (object)->ref_count) > 1)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (100);
  g_object_unref (object);
}
