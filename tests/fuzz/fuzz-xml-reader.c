/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-xml-reader.c: a libFuzzer target for the stream parser. The input is
 * fed in chunks whose sizes come from its first byte, and every stanza read
 * is serialised again, so the writer is exercised on whatever got through. */
#define G_LOG_DOMAIN "fuzz-xml-reader"

#include "config.h"

#include "enlist-xml-reader.h"
#include "fuzz-util.h"

static void
on_stanza (gpointer       user_data,
           EnlistXmlNode *stanza)
{
  g_autofree char *text = enlist_xml_node_to_string (stanza, ENLIST_NS_CLIENT);

  (void) text;
  enlist_xml_node_free (stanza);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const EnlistXmlReaderCallbacks callbacks = { NULL, on_stanza, NULL };
  EnlistXmlLimits limits;
  EnlistXmlReader *reader;
  size_t chunk, offset = 1;

  if (size < 1)
    return 0;

  /* small limits, so the fuzzer reaches them */
  enlist_xml_limits_init_default (&limits);
  limits.max_stanza_size = 4096;
  limits.max_depth = 8;
  limits.max_attributes = 8;
  limits.max_text = 1024;
  limits.max_buffered = 8192;

  chunk = 1 + data[0] % 64;
  reader = enlist_xml_reader_new (&limits, &callbacks, NULL);
  while (offset < size)
    {
      size_t n = MIN (chunk, size - offset);
      GError *error = NULL;

      if (!enlist_xml_reader_feed (reader, (const char *) data + offset, n, &error))
        {
          g_error_free (error);
          break;
        }
      offset += n;
    }
  enlist_xml_reader_free (reader);
  return 0;
}
