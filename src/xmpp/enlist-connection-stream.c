/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-connection-stream.c: the bytes of a connection. Outgoing stanzas
 * are queued into one buffer per flight and written in one call (wiped once
 * written: a flight may carry a secret); one read is always outstanding and
 * feeds the XML reader, whose callbacks route what arrives: stream features
 * and the STARTTLS answer here, SASL to enlist-connection-auth.c, iq stanzas
 * to enlist-connection-iq.c, the rest to the "stanza" signal. Before TLS,
 * nothing is ever written but the stream header and <starttls/>. */
#define G_LOG_DOMAIN "enlist-connection"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "enlist-connection-private.h"
#include "enlist-error-private.h"
#include "enlist-ns.h"
#include "enlist-trace-private.h"

#define READ_BUFFER_SIZE (32 * 1024)

/* ---------------------------------------------------------------------- */
/* Writing                                                                 */

static EnlistConnectionWipeCheck wipe_check;
static gpointer wipe_check_data;

void
enlist_connection_set_wipe_check (EnlistConnectionWipeCheck check,
                                  gpointer                  user_data)
{
  wipe_check = check;
  wipe_check_data = user_data;
}

/* Zeros the whole allocation of an outgoing buffer and empties it. */
void
enlist_connection_wipe_buffer (GString *buffer)
{
  explicit_bzero (buffer->str, buffer->allocated_len);
  g_string_truncate (buffer, 0);
}

void
enlist_connection_free_buffer (GString *buffer)
{
  enlist_connection_wipe_buffer (buffer);
  if (wipe_check != NULL)
    wipe_check ((const guint8 *) buffer->str, buffer->allocated_len, wipe_check_data);
  g_string_free (buffer, TRUE);
}

/* Appends to the next flight, moving it to a larger buffer (and wiping
 * the old one) when it does not fit. */
static void
append_to_flight (EnlistConnection *self,
                  const char       *text,
                  gsize             length)
{
  if (self->out->len + length + 1 > self->out->allocated_len)
    {
      GString *larger = g_string_sized_new (MAX (2 * self->out->allocated_len,
                                                 self->out->len + length + 1));

      g_string_append_len (larger, self->out->str, self->out->len);
      enlist_connection_free_buffer (self->out);
      self->out = larger;
    }
  g_string_append_len (self->out, text, length);
}

void
enlist_connection_queue_text (EnlistConnection *self,
                              const char       *text)
{
  append_to_flight (self, text, strlen (text));
}

static void
scratch_free (gpointer scratch)
{
  enlist_connection_free_buffer (scratch);
}

/* The thread's buffer for serialising stanzas, kept between uses. */
static GString *
get_scratch (void)
{
  static GPrivate scratch_key = G_PRIVATE_INIT (scratch_free);
  GString *scratch = g_private_get (&scratch_key);

  if (scratch == NULL)
    {
      scratch = g_string_sized_new (ENLIST_CONNECTION_SCRATCH_SIZE);
      g_private_set (&scratch_key, scratch);
    }
  return scratch;
}

void
enlist_connection_queue_node (EnlistConnection    *self,
                              const EnlistXmlNode *node)
{
  GString *scratch = get_scratch ();

  enlist_trace_stanza (self->peer_name, ENLIST_TRACE_OUT, node);
  enlist_xml_node_write (node, ENLIST_NS_CLIENT, scratch);
  append_to_flight (self, scratch->str, scratch->len);
  /* only what was written can hold anything */
  explicit_bzero (scratch->str, scratch->len);
  g_string_truncate (scratch, 0);
}

void
enlist_connection_queue_stream_header (EnlistConnection *self)
{
  g_autoptr(GString) header = g_string_new ("<?xml version='1.0'?><stream:stream to='");

  enlist_xml_escape_attr (header, self->domain);
  g_string_append (header, "' version='1.0' xml:lang='en' xmlns='" ENLIST_NS_CLIENT "' "
                           "xmlns:stream='" ENLIST_NS_STREAMS "'>");
  enlist_trace_event (self->peer_name, ENLIST_TRACE_OUT, "stream header");
  enlist_connection_queue_text (self, header->str);
}

typedef struct
{
  EnlistConnection *self;
  GString          *buffer;   /* wiped once written */
} WriteOp;

static void
write_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  WriteOp *op = user_data;
  g_autoptr(EnlistConnection) self = op->self;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error);
  enlist_connection_free_buffer (op->buffer);
  g_free (op);

  /* a write of an earlier attempt, already abandoned */
  if (G_OUTPUT_STREAM (source) != self->output)
    return;

  self->writing = FALSE;
  if (!ok)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        enlist_connection_fail (self,
                                g_error_new (ENLIST_ERROR, ENLIST_ERROR_CONNECTION_CLOSED,
                                             _("The connection was lost: %s"), error->message));
      return;
    }

  if (self->phase == ENLIST_CONNECTION_PHASE_TLS && self->tls == NULL)
    enlist_connection_start_tls (self);
  else
    enlist_connection_flush (self);
}

/* Writes the queued flight in one write call (the kernel sends it together
 * on a TCP_NODELAY socket) unless one is already on its way. */
void
enlist_connection_flush (EnlistConnection *self)
{
  WriteOp *op;

  if (self->writing || self->out->len == 0 || self->output == NULL)
    return;
  if (self->state == ENLIST_CONNECTION_CLOSED)
    return;

  op = g_new0 (WriteOp, 1);
  op->self = g_object_ref (self);
  op->buffer = g_steal_pointer (&self->out);
  self->out = g_string_sized_new (ENLIST_CONNECTION_OUT_BUFFER_SIZE);
  self->writing = TRUE;
  g_output_stream_write_all_async (self->output, op->buffer->str, op->buffer->len,
                                   G_PRIORITY_DEFAULT, self->io_cancellable, write_cb, op);
}

/* ---------------------------------------------------------------------- */
/* Tearing down                                                            */

void
enlist_connection_close_io (EnlistConnection *self)
{
  g_cancellable_cancel (self->io_cancellable);
  g_clear_object (&self->io_cancellable);
  self->io_cancellable = g_cancellable_new ();

  if (self->tls != NULL)
    g_io_stream_close_async (G_IO_STREAM (self->tls), G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  else if (self->socket_conn != NULL)
    g_io_stream_close_async (G_IO_STREAM (self->socket_conn), G_PRIORITY_DEFAULT, NULL, NULL, NULL);

  g_clear_object (&self->tls);
  g_clear_object (&self->socket_conn);
  self->input = NULL;
  self->output = NULL;
  self->reading = FALSE;
  self->writing = FALSE;
  enlist_connection_wipe_buffer (self->out);
  g_clear_handle_id (&self->phase_timeout_id, g_source_remove);
}

/* ---------------------------------------------------------------------- */
/* Incoming stanzas                                                        */

static void
handle_features (EnlistConnection *self,
                 EnlistXmlNode    *features)
{
  switch (self->phase)
    {
    case ENLIST_CONNECTION_PHASE_PLAIN_FEATURES:
      if (enlist_xml_node_get_child (features, "starttls", ENLIST_NS_TLS) == NULL)
        {
          enlist_connection_fail (self,
                                  g_error_new (ENLIST_ERROR, ENLIST_ERROR_TLS_UNAVAILABLE,
                                               _("The server “%s” does not offer encryption, "
                                                 "so no account data can be sent to it safely."),
                                               self->domain));
          enlist_xml_node_free (features);
          return;
        }
      if (!self->pipelined)
        {
          g_autoptr(EnlistXmlNode) starttls = enlist_xml_node_new ("starttls", ENLIST_NS_TLS);
          enlist_connection_queue_node (self, starttls);
          enlist_connection_flush (self);
        }
      enlist_connection_set_phase (self, ENLIST_CONNECTION_PHASE_PROCEED);
      enlist_xml_node_free (features);
      return;

    case ENLIST_CONNECTION_PHASE_FEATURES:
      g_clear_pointer (&self->features, enlist_xml_node_free);
      self->features = features;
      g_clear_pointer (&self->mechanisms, g_strfreev);
      self->mechanisms = enlist_connection_parse_mechanisms (features);
      enlist_connection_secured (self);
      return;

    case ENLIST_CONNECTION_PHASE_SASL_FEATURES:
      g_clear_pointer (&self->features, enlist_xml_node_free);
      self->features = features;
      if (self->auth_flags & ENLIST_AUTHENTICATE_NO_BIND)
        {
          /* authenticated without binding: nothing more to do here */
          enlist_connection_set_phase (self, ENLIST_CONNECTION_PHASE_READY);
          return;
        }
      if (enlist_xml_node_get_child (features, "bind", ENLIST_NS_BIND) == NULL)
        {
          enlist_connection_fail (self,
                                  g_error_new (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                               _("The server offered no resource binding after "
                                                 "authentication.")));
          return;
        }
      enlist_connection_set_phase (self, ENLIST_CONNECTION_PHASE_BIND);
      if (!self->pipelined)
        enlist_connection_send_bind (self);
      return;

    case ENLIST_CONNECTION_PHASE_CLOSING:
      /* the restarted stream's features, after a close was asked for */
      enlist_xml_node_free (features);
      return;

    case ENLIST_CONNECTION_PHASE_IDLE:
    case ENLIST_CONNECTION_PHASE_RESOLVING:
    case ENLIST_CONNECTION_PHASE_TCP:
    case ENLIST_CONNECTION_PHASE_PROCEED:
    case ENLIST_CONNECTION_PHASE_TLS:
    case ENLIST_CONNECTION_PHASE_READY:
    case ENLIST_CONNECTION_PHASE_SASL:
    case ENLIST_CONNECTION_PHASE_BIND:
    default:
      enlist_xml_node_free (features);
      enlist_connection_fail (self,
                              g_error_new (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                           _("The server sent stream features at an unexpected "
                                             "time.")));
      return;
    }
}

static void
handle_tls_answer (EnlistConnection *self,
                   EnlistXmlNode    *stanza)
{
  g_autoptr(EnlistXmlNode) owned = stanza;  /* freed on every path */

  (void) owned;
  if (self->phase != ENLIST_CONNECTION_PHASE_PROCEED)
    {
      enlist_connection_fail (self,
                              g_error_new (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                           _("The server sent a STARTTLS answer at an unexpected "
                                             "time.")));
      return;
    }

  if (g_str_equal (stanza->name, "proceed"))
    {
      self->timings.starttls = enlist_connection_phase_elapsed (self);
      /* nothing more may be read from the plaintext stream */
      enlist_xml_reader_stop (self->reader);
      self->reset_reader = TRUE;
      enlist_connection_set_phase (self, ENLIST_CONNECTION_PHASE_TLS);
      return;
    }

  enlist_connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_TLS_UNAVAILABLE,
                                             _("The server “%s” refused to start encryption, so no "
                                               "account data can be sent to it safely."),
                                             self->domain));
}

static void
reader_stream_start (gpointer             user_data,
                     const EnlistXmlNode *root)
{
  EnlistConnection *self = user_data;
  const char *version = enlist_xml_node_get_attr (root, "version");

  enlist_trace_event (self->peer_name, ENLIST_TRACE_IN, "stream header");
  if (version == NULL || g_ascii_strtod (version, NULL) < 1.0)
    {
      enlist_xml_reader_stop (self->reader);
      enlist_connection_fail (self,
                              g_error_new (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                           _("The server speaks a pre-1.0 version of XMPP, which "
                                             "cannot be used securely.")));
    }
}

static void
reader_stanza (gpointer       user_data,
               EnlistXmlNode *stanza)
{
  EnlistConnection *self = user_data;

  if (self->state == ENLIST_CONNECTION_CLOSED)
    {
      enlist_xml_node_free (stanza);
      return;
    }

  enlist_trace_stanza (self->peer_name, ENLIST_TRACE_IN, stanza);

  if (g_str_equal (stanza->ns, ENLIST_NS_STREAMS))
    {
      if (g_str_equal (stanza->name, "features"))
        {
          handle_features (self, stanza);
          return;
        }
      if (g_str_equal (stanza->name, "error"))
        {
          GError *error = enlist_error_from_stream_error (stanza);
          enlist_xml_node_free (stanza);
          enlist_xml_reader_stop (self->reader);
          enlist_connection_fail (self, error);
          return;
        }
    }
  else if (g_str_equal (stanza->ns, ENLIST_NS_TLS))
    {
      handle_tls_answer (self, stanza);
      return;
    }
  else if (g_str_equal (stanza->ns, ENLIST_NS_SASL))
    {
      enlist_connection_handle_sasl (self, stanza);
      return;
    }
  else if (g_str_equal (stanza->ns, ENLIST_NS_CLIENT) && self->tls != NULL)
    {
      if (g_str_equal (stanza->name, "iq"))
        enlist_connection_handle_iq (self, stanza);
      else
        enlist_connection_emit_stanza (self, stanza);
      enlist_xml_node_free (stanza);
      return;
    }

  enlist_xml_node_free (stanza);
  enlist_xml_reader_stop (self->reader);
  enlist_connection_fail (self,
                          g_error_new (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                       _("The server sent something unexpected on the stream.")));
}

static void
reader_stream_end (gpointer user_data)
{
  EnlistConnection *self = user_data;

  enlist_xml_reader_stop (self->reader);
  if (self->phase == ENLIST_CONNECTION_PHASE_CLOSING)
    {
      enlist_connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_CONNECTION_CLOSED,
                                                 _("The connection was closed.")));
      return;
    }
  enlist_connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_CONNECTION_CLOSED,
                                             _("The server closed the stream.")));
}

static const EnlistXmlReaderCallbacks reader_callbacks = {
  reader_stream_start,
  reader_stanza,
  reader_stream_end,
};

EnlistXmlReader *
enlist_connection_new_reader (EnlistConnection *self)
{
  return enlist_xml_reader_new (&self->limits, &reader_callbacks, self);
}

/* ---------------------------------------------------------------------- */
/* Reading                                                                 */

/* The read that is always outstanding must not keep the connection alive:
 * it holds a weak reference and its own buffer. */
typedef struct
{
  GWeakRef self;
  guint8   data[READ_BUFFER_SIZE];
} ReadOp;

static void
read_op_free (ReadOp *op)
{
  g_weak_ref_clear (&op->self);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReadOp, read_op_free)

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(ReadOp) op = user_data;
  g_autoptr(EnlistConnection) self = g_weak_ref_get (&op->self);
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (self == NULL || G_INPUT_STREAM (source) != self->input)
    return;
  self->reading = FALSE;
  if (self->state == ENLIST_CONNECTION_CLOSED)
    return;

  if (n < 0)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        enlist_connection_fail (self,
                                g_error_new (ENLIST_ERROR, ENLIST_ERROR_CONNECTION_CLOSED,
                                             _("The connection was lost: %s"), error->message));
      return;
    }
  if (n == 0)
    {
      enlist_connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_CONNECTION_CLOSED,
                                                 self->phase == ENLIST_CONNECTION_PHASE_CLOSING
                                                 ? _("The connection was closed.")
                                                 : _("The server closed the connection.")));
      return;
    }

  if (!enlist_xml_reader_feed (self->reader, (const char *) op->data, n, &error))
    {
      /* RFC 6120 §4.9.1.2: tell the server before closing, but only on the
       * secured stream: before TLS nothing but the header and <starttls/>
       * is ever written */
      if (self->output != NULL && self->tls != NULL)
        {
          enlist_connection_queue_text (self, "<stream:error><not-well-formed "
                            "xmlns='" ENLIST_NS_STREAM_ERRORS "'/></stream:error>"
                            "</stream:stream>");
          enlist_connection_flush (self);
        }
      enlist_connection_fail (self, g_steal_pointer (&error));
      return;
    }

  if (self->state == ENLIST_CONNECTION_CLOSED)
    return;

  if (self->reset_reader)
    {
      self->reset_reader = FALSE;
      enlist_xml_reader_reset (self->reader);
    }

  if (self->phase == ENLIST_CONNECTION_PHASE_TLS)
    {
      /* <proceed/>: the TLS handshake takes the socket over */
      if (!self->writing)
        enlist_connection_start_tls (self);
      return;
    }

  enlist_connection_start_reading (self);
}

void
enlist_connection_start_reading (EnlistConnection *self)
{
  ReadOp *op;

  if (self->reading || self->input == NULL || self->state == ENLIST_CONNECTION_CLOSED)
    return;
  op = g_new (ReadOp, 1);
  g_weak_ref_init (&op->self, self);
  self->reading = TRUE;
  g_input_stream_read_async (self->input, op->data, READ_BUFFER_SIZE,
                             G_PRIORITY_DEFAULT, self->io_cancellable, read_cb, op);
}
