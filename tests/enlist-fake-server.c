/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-fake-server.c: the fake XMPP server the connection tests talk to.
 * Each accepted client gets a Conn that reads the client's stream with the
 * engine's own EnlistXmlReader and answers according to the server's options;
 * it records what the client sent so tests can check what went out before
 * TLS and what was pipelined. */
#define G_LOG_DOMAIN "enlist-fake-server"

#include "config.h"

#include <string.h>

#include "enlist-fake-server.h"
#include "enlist-xml-reader.h"

#define PLAIN_FEATURES \
  "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>" \
  "</stream:features>"
#define PLAIN_FEATURES_NO_TLS \
  "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN" \
  "</mechanism></mechanisms></stream:features>"
#define SECURE_FEATURES \
  "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN" \
  "</mechanism></mechanisms><register xmlns='http://jabber.org/features/iq-register'/>" \
  "</stream:features>"
#define BOUND_FEATURES \
  "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>"

typedef struct
{
  gatomicrefcount    ref_count;
  EnlistFakeServer  *server;          /* weak: NULL once the server is gone */

  GSocketConnection *socket;
  GIOStream         *stream;          /* the socket, or the TLS connection over it */
  GCancellable      *cancellable;
  EnlistXmlReader   *reader;
  guint8             buffer[16 * 1024];

  GQueue             out;             /* GBytes * still to write */
  GBytes            *writing;         /* being written */
  gboolean           secured;
  gboolean           tls_pending;     /* start TLS once everything is written */
  gboolean           close_pending;   /* close once everything is written */
  gboolean           reading;
  gboolean           restart_reader;
  gboolean           authenticated;   /* the next stream header follows SASL */
  gboolean           closed;
  guint              reads;           /* reads on the current stream */
  guint              header_read;     /* the read that carried the stream header */

  /* what the tests look at */
  GString           *plaintext;
  GString           *secure;
  char              *secure_first_read;
  guint              n_plaintext_other;
  gboolean           first_flight_pipelined;
} Conn;

struct _EnlistFakeServer
{
  GObject                    parent_instance;

  EnlistFakeServerFlags      flags;
  char                      *plain_response;
  char                      *secure_response;
  EnlistFakeServerStanzaFunc stanza_func;
  gpointer                   user_data;

  GSocketService            *service;
  GTlsCertificate           *certificate;
  guint16                    port;
  GPtrArray                 *conns;   /* Conn *, one reference each */
  Conn                      *current; /* whose stanza the hook handles */
};

G_DEFINE_FINAL_TYPE (EnlistFakeServer, enlist_fake_server, G_TYPE_OBJECT)

static guint n_live;

static void conn_read  (Conn *conn);
static void conn_flush (Conn *conn);

static Conn *
conn_ref (Conn *conn)
{
  g_atomic_ref_count_inc (&conn->ref_count);
  return conn;
}

static void
conn_unref (Conn *conn)
{
  if (!g_atomic_ref_count_dec (&conn->ref_count))
    return;

  g_queue_clear_full (&conn->out, (GDestroyNotify) g_bytes_unref);
  g_clear_pointer (&conn->writing, g_bytes_unref);
  g_clear_pointer (&conn->reader, enlist_xml_reader_free);
  g_clear_object (&conn->stream);
  g_clear_object (&conn->socket);
  g_clear_object (&conn->cancellable);
  g_string_free (conn->plaintext, TRUE);
  g_string_free (conn->secure, TRUE);
  g_free (conn->secure_first_read);
  g_free (conn);
  n_live--;
}

static void
close_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  conn_unref (user_data);
}

/* Drops the connection now, whatever is still queued. */
static void
conn_close_now (Conn *conn)
{
  if (conn->closed)
    return;
  conn->closed = TRUE;
  if (conn->reader != NULL)
    enlist_xml_reader_stop (conn->reader);
  g_cancellable_cancel (conn->cancellable);
  g_io_stream_close_async (conn->stream, G_PRIORITY_DEFAULT, NULL, close_cb, conn_ref (conn));
}

static void
conn_send (Conn       *conn,
           const char *text)
{
  if (conn->closed || conn->close_pending)
    return;
  g_queue_push_tail (&conn->out, g_bytes_new (text, strlen (text)));
  conn_flush (conn);
}

static void
handshake_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Conn *conn = user_data;
  gboolean ok = g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, NULL);

  if (conn->server != NULL && !conn->closed)
    {
      if (!ok)
        conn_close_now (conn);   /* e.g. the client did not like the certificate */
      else
        {
          conn->secured = TRUE;
          conn->reads = 0;
          conn->header_read = G_MAXUINT;
          enlist_xml_reader_reset (conn->reader);
          conn_read (conn);
        }
    }
  conn_unref (conn);
}

static void
conn_start_tls (Conn *conn)
{
  g_autoptr(GError) error = NULL;
  GIOStream *tls;

  conn->tls_pending = FALSE;
  tls = g_tls_server_connection_new (G_IO_STREAM (conn->socket), conn->server->certificate,
                                     &error);
  if (tls == NULL)
    {
      g_warning ("fake server: no TLS: %s", error->message);
      conn_close_now (conn);
      return;
    }
  g_set_object (&conn->stream, tls);
  g_object_unref (tls);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT,
                                    conn->cancellable, handshake_cb, conn_ref (conn));
}

static void
write_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Conn *conn = user_data;
  gboolean ok = g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);

  g_clear_pointer (&conn->writing, g_bytes_unref);
  if (conn->server != NULL && !conn->closed)
    {
      if (ok)
        conn_flush (conn);
      else
        conn_close_now (conn);   /* the client went away; fine */
    }
  conn_unref (conn);
}

static void
conn_flush (Conn *conn)
{
  if (conn->writing != NULL || conn->closed)
    return;

  conn->writing = g_queue_pop_head (&conn->out);
  if (conn->writing == NULL)
    {
      if (conn->close_pending)
        conn_close_now (conn);
      else if (conn->tls_pending)
        conn_start_tls (conn);
      return;
    }
  g_output_stream_write_all_async (g_io_stream_get_output_stream (conn->stream),
                                   g_bytes_get_data (conn->writing, NULL),
                                   g_bytes_get_size (conn->writing), G_PRIORITY_DEFAULT,
                                   conn->cancellable, write_cb, conn_ref (conn));
}

/* Closes once everything queued is written. */
static void
conn_close_after_flush (Conn *conn)
{
  conn->close_pending = TRUE;
  conn_flush (conn);
}

static void
reader_stream_start (gpointer             user_data,
                     const EnlistXmlNode *root)
{
  Conn *conn = user_data;
  EnlistFakeServer *server = conn->server;
  g_autofree char *normal = NULL;
  const char *raw;

  conn->header_read = conn->reads;
  if (server->flags & ENLIST_FAKE_SERVER_SILENT)
    return;

  if (conn->authenticated)
    {
      normal = g_strconcat (ENLIST_FAKE_SERVER_STREAM_HEADER, BOUND_FEATURES, NULL);
      conn_send (conn, normal);
      return;
    }

  raw = conn->secured ? server->secure_response : server->plain_response;
  if (raw != NULL)
    {
      conn_send (conn, raw);
      if (server->flags & ENLIST_FAKE_SERVER_CLOSE_AFTER_RESPONSE)
        conn_close_after_flush (conn);
    }
  else
    {
      normal = g_strconcat (ENLIST_FAKE_SERVER_STREAM_HEADER,
                            conn->secured ? SECURE_FEATURES
                            : (server->flags & ENLIST_FAKE_SERVER_NO_STARTTLS)
                            ? PLAIN_FEATURES_NO_TLS : PLAIN_FEATURES,
                            NULL);
      conn_send (conn, normal);
    }
}

static void
answer_iq (Conn                *conn,
           const EnlistXmlNode *stanza)
{
  const char *type = enlist_xml_node_get_attr (stanza, "type");
  g_autoptr(GString) reply = NULL;

  if (!enlist_xml_node_is (stanza, "iq", "jabber:client")
      || (g_strcmp0 (type, "get") != 0 && g_strcmp0 (type, "set") != 0))
    return;
  reply = g_string_new ("<iq type='result' id='");
  enlist_xml_escape_attr (reply, enlist_xml_node_get_attr (stanza, "id"));
  g_string_append (reply, "'/>");
  conn_send (conn, reply->str);
}

static void
reader_stanza (gpointer       user_data,
               EnlistXmlNode *taken)
{
  /* the reader hands the stanza over */
  g_autoptr(EnlistXmlNode) stanza = taken;
  Conn *conn = user_data;
  EnlistFakeServer *server = conn->server;
  gboolean is_starttls = enlist_xml_node_is (stanza, "starttls",
                                             "urn:ietf:params:xml:ns:xmpp-tls");

  if (!conn->secured && is_starttls)
    conn->first_flight_pipelined = conn->reads == 1 && conn->header_read == 1;
  else if (!conn->secured)
    conn->n_plaintext_other++;

  if (server->flags & ENLIST_FAKE_SERVER_SILENT)
    return;
  if ((server->flags & ENLIST_FAKE_SERVER_REJECT_PIPELINED) && conn->reads == conn->header_read)
    {
      /* a picky server: the client did not wait for our features */
      conn_close_now (conn);
      return;
    }

  if (conn->secured)
    {
      if (server->stanza_func == NULL)
        {
          answer_iq (conn, stanza);
          return;
        }
      server->current = conn;
      server->stanza_func (server, stanza, server->user_data);
      server->current = NULL;
      return;
    }

  if (!is_starttls || (server->flags & ENLIST_FAKE_SERVER_NO_STARTTLS))
    return;
  if (server->flags & ENLIST_FAKE_SERVER_STARTTLS_FAILURE)
    {
      conn_send (conn, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>");
      conn_close_after_flush (conn);
      return;
    }

  /* nothing more is read from the plaintext socket: after <proceed/> is
   * written the TLS handshake takes it over */
  conn_send (conn, "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  enlist_xml_reader_stop (conn->reader);
  conn->restart_reader = TRUE;
  conn->tls_pending = TRUE;
}

static void
reader_stream_end (gpointer user_data)
{
  Conn *conn = user_data;

  conn_send (conn, "</stream:stream>");
  conn_close_after_flush (conn);
}

static const EnlistXmlReaderCallbacks reader_callbacks = {
  reader_stream_start,
  reader_stanza,
  reader_stream_end,
};

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Conn *conn = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  conn->reading = FALSE;
  if (conn->server == NULL || conn->closed
      || G_INPUT_STREAM (source) != g_io_stream_get_input_stream (conn->stream))
    goto out;

  if (n <= 0)
    {
      conn_close_now (conn);
      goto out;
    }

  conn->reads++;
  if (conn->secured)
    {
      if (conn->secure_first_read == NULL)
        conn->secure_first_read = g_strndup ((const char *) conn->buffer, n);
      g_string_append_len (conn->secure, (const char *) conn->buffer, n);
    }
  else
    g_string_append_len (conn->plaintext, (const char *) conn->buffer, n);

  if (!enlist_xml_reader_feed (conn->reader, (const char *) conn->buffer, n, NULL))
    {
      conn_close_now (conn);
      goto out;
    }
  if (conn->restart_reader)
    {
      conn->restart_reader = FALSE;
      enlist_xml_reader_reset (conn->reader);
    }
  if (!conn->tls_pending && !conn->closed)
    conn_read (conn);

out:
  conn_unref (conn);
}

static void
conn_read (Conn *conn)
{
  if (conn->reading || conn->closed)
    return;
  conn->reading = TRUE;
  g_input_stream_read_async (g_io_stream_get_input_stream (conn->stream),
                             conn->buffer, sizeof conn->buffer, G_PRIORITY_DEFAULT,
                             conn->cancellable, read_cb, conn_ref (conn));
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             EnlistFakeServer  *self)
{
  Conn *conn = g_new0 (Conn, 1);

  n_live++;
  g_atomic_ref_count_init (&conn->ref_count);
  conn->server = self;
  conn->socket = g_object_ref (connection);
  conn->stream = g_object_ref (G_IO_STREAM (connection));
  conn->cancellable = g_cancellable_new ();
  conn->reader = enlist_xml_reader_new (NULL, &reader_callbacks, conn);
  conn->plaintext = g_string_new (NULL);
  conn->secure = g_string_new (NULL);
  conn->header_read = G_MAXUINT;
  g_queue_init (&conn->out);
  g_ptr_array_add (self->conns, conn);

  if (self->flags & ENLIST_FAKE_SERVER_DIRECT_TLS)
    conn_start_tls (conn);
  else
    conn_read (conn);
  return TRUE;
}

EnlistFakeServer *
enlist_fake_server_new (const EnlistFakeServerOptions *options)
{
  g_autoptr(EnlistFakeServer) self = g_object_new (ENLIST_TYPE_FAKE_SERVER, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (options != NULL)
    {
      self->flags = options->flags;
      self->plain_response = g_strdup (options->plain_response);
      self->secure_response = g_strdup (options->secure_response);
      self->stanza_func = options->stanza_func;
      self->user_data = options->user_data;
    }

  path = g_test_build_filename (G_TEST_DIST, "fixtures",
                                (self->flags & ENLIST_FAKE_SERVER_OTHER_CERTIFICATE)
                                ? "other.pem" : "fake-server.pem", NULL);
  self->certificate = g_tls_certificate_new_from_file (path, &error);
  g_assert_no_error (error);

  self->service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                 &effective, &error);
  g_assert_no_error (error);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (self->service, "incoming", G_CALLBACK (incoming_cb), self);
  g_socket_service_start (self->service);

  return g_steal_pointer (&self);
}

guint16
enlist_fake_server_get_port (EnlistFakeServer *self)
{
  return self->port;
}

guint
enlist_fake_server_get_n_connections (EnlistFakeServer *self)
{
  return self->conns->len;
}

static Conn *
get_conn (EnlistFakeServer *self,
          guint             index)
{
  g_assert_cmpuint (index, <, self->conns->len);
  return g_ptr_array_index (self->conns, index);
}

const char *
enlist_fake_server_get_plaintext (EnlistFakeServer *self,
                                  guint             index)
{
  return get_conn (self, index)->plaintext->str;
}

guint
enlist_fake_server_get_n_plaintext_other (EnlistFakeServer *self,
                                          guint             index)
{
  return get_conn (self, index)->n_plaintext_other;
}

gboolean
enlist_fake_server_get_first_flight_pipelined (EnlistFakeServer *self,
                                               guint             index)
{
  return get_conn (self, index)->first_flight_pipelined;
}

const char *
enlist_fake_server_get_secure_first_read (EnlistFakeServer *self,
                                          guint             index)
{
  return get_conn (self, index)->secure_first_read;
}

const char *
enlist_fake_server_get_secure_received (EnlistFakeServer *self,
                                        guint             index)
{
  return get_conn (self, index)->secure->str;
}

gboolean
enlist_fake_server_is_closed (EnlistFakeServer *self,
                              guint             index)
{
  return get_conn (self, index)->closed;
}

void
enlist_fake_server_send (EnlistFakeServer *self,
                         const char       *text)
{
  g_assert (self->current != NULL);
  conn_send (self->current, text);
}

void
enlist_fake_server_close (EnlistFakeServer *self)
{
  g_assert (self->current != NULL);
  conn_close_after_flush (self->current);
}

void
enlist_fake_server_restart_stream (EnlistFakeServer *self)
{
  Conn *conn = self->current;

  g_assert (conn != NULL);
  g_assert (conn->secured);
  /* like after <proceed/>: nothing more of this stream is parsed, and the
   * reader starts afresh before the next read */
  conn->authenticated = TRUE;
  enlist_xml_reader_stop (conn->reader);
  conn->restart_reader = TRUE;
}

guint
enlist_fake_server_get_current_index (EnlistFakeServer *self)
{
  guint index;

  g_assert (self->current != NULL);
  g_assert_true (g_ptr_array_find (self->conns, self->current, &index));
  return index;
}

guint
enlist_fake_server_get_n_live (void)
{
  return n_live;
}

static void
enlist_fake_server_dispose (GObject *object)
{
  EnlistFakeServer *self = ENLIST_FAKE_SERVER (object);

  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_clear_object (&self->service);
    }
  for (guint i = 0; self->conns != NULL && i < self->conns->len; i++)
    {
      Conn *conn = g_ptr_array_index (self->conns, i);

      conn->server = NULL;
      conn_close_now (conn);
    }
  g_clear_pointer (&self->conns, g_ptr_array_unref);

  G_OBJECT_CLASS (enlist_fake_server_parent_class)->dispose (object);
}

static void
enlist_fake_server_finalize (GObject *object)
{
  EnlistFakeServer *self = ENLIST_FAKE_SERVER (object);

  g_clear_object (&self->certificate);
  g_free (self->plain_response);
  g_free (self->secure_response);

  G_OBJECT_CLASS (enlist_fake_server_parent_class)->finalize (object);
}

static void
enlist_fake_server_class_init (EnlistFakeServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = enlist_fake_server_dispose;
  object_class->finalize = enlist_fake_server_finalize;
}

static void
enlist_fake_server_init (EnlistFakeServer *self)
{
  self->conns = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_unref);
}
