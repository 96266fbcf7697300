/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-relay.c: a relay that ends TLS on both sides so that it can
 * hold back one stanza at an exact point (enlist-test-relay.h). Test code:
 * blocking I/O on threads, one per direction of each connection; a
 * connection ends when either side does, by shutting both sockets down
 * (which wakes the thread blocked on the other). */
#define G_LOG_DOMAIN "enlist-test-relay"

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "enlist-test-relay.h"

#define CHUNK 16384
/* What a marker may straddle between two reads. */
#define OVERLAP 64

struct _EnlistTestRelay
{
  guint16              server_port;
  GTlsCertificate     *certificate;
  GSocket             *listener;
  GCancellable        *cancellable;
  GThread             *accept_thread;

  GMutex               lock;
  GCond                held_cond;
  EnlistTestRelayMode  mode;        /* PASS once something was held back */
  gboolean             holding;     /* the point was reached */
  GString             *held;        /* what was held back */
  GPtrArray           *connections;
};

typedef struct
{
  EnlistTestRelay   *relay;
  GSocketConnection *client;
  GSocketConnection *server;
  GIOStream         *client_tls;
  GIOStream         *server_tls;
  GThread           *thread;
  EnlistTestRelayMode mode;         /* the relay's when the connection began */
  gboolean           hold_answers;  /* the server's bytes are being held back */
  gboolean           hold_requests; /* the client's bytes are being held back */
} Connection;

static void
connection_shutdown (Connection *conn)
{
  g_socket_shutdown (g_socket_connection_get_socket (conn->client), TRUE, TRUE, NULL);
  if (conn->server != NULL)
    g_socket_shutdown (g_socket_connection_get_socket (conn->server), TRUE, TRUE, NULL);
}

static gboolean
write_all (GIOStream  *stream,
           const char *data,
           gsize       len)
{
  g_autoptr(GError) error = NULL;

  /* a peer that is gone ends the relay's direction; the error says so */
  return g_output_stream_write_all (g_io_stream_get_output_stream (stream), data, len, NULL, NULL,
                                    &error);
}

static void
hold_locked (Connection *conn,
             const char *data,
             gsize       len)
{
  EnlistTestRelay *relay = conn->relay;

  g_string_append_len (relay->held, data, len);
  relay->holding = TRUE;
  g_cond_broadcast (&relay->held_cond);
}

/* Whether chunk, read after tail, holds a registration submission, a
 * password change or a removal: the data form's type='submit', a legacy
 * <password/> or <remove/>, inside a jabber:iq:register query (SASL never
 * sends one in clear). */
static gboolean
is_submission (GString    *window,
               const char *chunk,
               gsize       len)
{
  gsize start;

  g_string_append_len (window, chunk, len);
  start = window->len > len + OVERLAP ? window->len - len - OVERLAP : 0;
  if ((strstr (window->str + start, "'submit'") != NULL
       || strstr (window->str + start, "\"submit\"") != NULL
       || strstr (window->str + start, "<password>") != NULL
       || strstr (window->str + start, "<remove/>") != NULL)
      && strstr (window->str, "jabber:iq:register") != NULL)
    return TRUE;
  if (window->len > CHUNK * 4)
    g_string_erase (window, 0, window->len - OVERLAP);
  return FALSE;
}

/* The server's side: forwarded, or held back once the submission went. */
static gpointer
server_to_client (gpointer data)
{
  Connection *conn = data;
  GInputStream *in = g_io_stream_get_input_stream (conn->server_tls);
  char buffer[CHUNK];

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      /* with an error to fill in: glib-networking leaks one it is not asked for */
      gssize n = g_input_stream_read (in, buffer, sizeof buffer, NULL, &error);
      gboolean held;

      if (n <= 0)
        break;
      /* checked and held under one lock, so that a release in between
       * cannot lose what is read meanwhile */
      g_mutex_lock (&conn->relay->lock);
      held = conn->hold_answers;
      if (held)
        hold_locked (conn, buffer, n);
      g_mutex_unlock (&conn->relay->lock);
      if (!held && !write_all (conn->client_tls, buffer, n))
        break;
    }
  connection_shutdown (conn);
  return NULL;
}

/* The client's side, watched for the submission. */
static void
client_to_server (Connection *conn)
{
  GInputStream *in = g_io_stream_get_input_stream (conn->client_tls);
  g_autoptr(GString) window = g_string_new (NULL);
  char buffer[CHUNK];
  gboolean held;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_input_stream_read (in, buffer, sizeof buffer, NULL, &error);

      if (n <= 0)
        break;
      g_mutex_lock (&conn->relay->lock);
      held = conn->hold_requests;
      if (held)
        hold_locked (conn, buffer, n);
      g_mutex_unlock (&conn->relay->lock);
      if (held)
        continue;
      if (conn->mode != ENLIST_TEST_RELAY_PASS && is_submission (window, buffer, n))
        {
          g_mutex_lock (&conn->relay->lock);
          /* once per relay: later connections pass */
          conn->relay->mode = ENLIST_TEST_RELAY_PASS;
          held = conn->mode == ENLIST_TEST_RELAY_HOLD_SUBMIT;
          if (held)
            {
              conn->hold_requests = TRUE;
              hold_locked (conn, buffer, n);
            }
          else
            conn->hold_answers = TRUE;
          conn->mode = ENLIST_TEST_RELAY_PASS;
          g_mutex_unlock (&conn->relay->lock);
          if (held)
            continue;
        }
      if (!write_all (conn->server_tls, buffer, n))
        break;
    }
  connection_shutdown (conn);
}

/* Before TLS: bytes both ways until the server said <proceed/>. */
static gboolean
relay_plaintext (Connection *conn)
{
  GSocket *sockets[2] = { g_socket_connection_get_socket (conn->client),
                          g_socket_connection_get_socket (conn->server) };
  GIOStream *peers[2] = { G_IO_STREAM (conn->server), G_IO_STREAM (conn->client) };
  g_autoptr(GString) from_server = g_string_new (NULL);
  char buffer[CHUNK];

  for (;;)
    {
      GPollFD fds[2];

      for (guint i = 0; i < 2; i++)
        {
          fds[i].fd = g_socket_get_fd (sockets[i]);
          fds[i].events = G_IO_IN | G_IO_HUP | G_IO_ERR;
          fds[i].revents = 0;
        }
      if (g_poll (fds, 2, -1) < 0)
        continue;
      for (guint i = 0; i < 2; i++)
        {
          gssize n;

          if (fds[i].revents == 0)
            continue;
          n = g_socket_receive (sockets[i], buffer, sizeof buffer, NULL, NULL);
          if (n <= 0 || !write_all (peers[i], buffer, n))
            return FALSE;
          if (i == 1)
            {
              g_string_append_len (from_server, buffer, n);
              if (strstr (from_server->str, "<proceed") != NULL)
                return TRUE;
            }
        }
    }
}

static gboolean
accept_any_certificate (GTlsConnection       *connection,
                        GTlsCertificate      *certificate,
                        GTlsCertificateFlags  errors,
                        gpointer              user_data)
{
  return TRUE;
}

static gpointer
relay_connection (gpointer data)
{
  Connection *conn = data;
  g_autoptr(GSocketClient) connector = g_socket_client_new ();
  g_autoptr(GSocketConnectable) address = NULL;
  g_autoptr(GError) error = NULL;
  GThread *reverse = NULL;

  address = g_network_address_new ("127.0.0.1", conn->relay->server_port);
  conn->server = g_socket_client_connect (connector, address, NULL, &error);
  if (conn->server == NULL || !relay_plaintext (conn))
    goto out;

  conn->server_tls = g_tls_client_connection_new (G_IO_STREAM (conn->server), NULL, &error);
  if (conn->server_tls == NULL)
    goto out;
  g_signal_connect (conn->server_tls, "accept-certificate", G_CALLBACK (accept_any_certificate),
                    NULL);
  conn->client_tls = g_tls_server_connection_new (G_IO_STREAM (conn->client),
                                                  conn->relay->certificate, &error);
  if (conn->client_tls == NULL
      || !g_tls_connection_handshake (G_TLS_CONNECTION (conn->server_tls), NULL, &error)
      || !g_tls_connection_handshake (G_TLS_CONNECTION (conn->client_tls), NULL, &error))
    goto out;

  reverse = g_thread_new ("relay-answers", server_to_client, conn);
  client_to_server (conn);
  g_thread_join (reverse);

out:
  if (error != NULL)
    g_test_message ("relay: %s", error->message);
  connection_shutdown (conn);
  return NULL;
}

static void
connection_free (Connection *conn)
{
  g_thread_join (conn->thread);
  g_clear_object (&conn->client_tls);
  g_clear_object (&conn->server_tls);
  g_clear_object (&conn->client);
  g_clear_object (&conn->server);
  g_free (conn);
}

static gpointer
accept_loop (gpointer data)
{
  EnlistTestRelay *self = data;

  for (;;)
    {
      GSocket *socket = g_socket_accept (self->listener, self->cancellable, NULL);
      Connection *conn;

      if (socket == NULL)
        break;
      conn = g_new0 (Connection, 1);
      conn->relay = self;
      conn->client = g_socket_connection_factory_create_connection (socket);
      g_object_unref (socket);
      g_mutex_lock (&self->lock);
      conn->mode = self->mode;
      g_ptr_array_add (self->connections, conn);
      g_mutex_unlock (&self->lock);
      conn->thread = g_thread_new ("relay", relay_connection, conn);
    }
  return NULL;
}

EnlistTestRelay *
enlist_test_relay_new (guint16              server_port,
                       const char          *cert_file,
                       const char          *key_file,
                       EnlistTestRelayMode  mode)
{
  EnlistTestRelay *self = g_new0 (EnlistTestRelay, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GError) error = NULL;

  self->server_port = server_port;
  self->mode = mode;
  self->held = g_string_new (NULL);
  self->connections = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  g_mutex_init (&self->lock);
  g_cond_init (&self->held_cond);

  self->certificate = g_tls_certificate_new_from_files (cert_file, key_file, &error);
  g_assert_no_error (error);
  self->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (self->listener, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (self->listener, &error);
  g_assert_no_error (error);
  self->accept_thread = g_thread_new ("relay-accept", accept_loop, self);
  return self;
}

guint16
enlist_test_relay_get_port (EnlistTestRelay *self)
{
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (self->listener, NULL);

  g_assert_nonnull (address);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

char *
enlist_test_relay_wait_held (EnlistTestRelay *self,
                             guint            timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + timeout_s * G_TIME_SPAN_SECOND;
  char *held = NULL;

  g_mutex_lock (&self->lock);
  while (!self->holding)
    if (!g_cond_wait_until (&self->held_cond, &self->lock, deadline))
      break;
  if (self->holding)
    held = g_strndup (self->held->str, self->held->len);
  g_mutex_unlock (&self->lock);
  return held;
}

void
enlist_test_relay_release (EnlistTestRelay *self)
{
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->connections->len; i++)
    {
      Connection *conn = g_ptr_array_index (self->connections, i);

      /* Written under the lock: the direction's own thread writes only
       * once it sees the flag cleared, after this. */
      if (conn->hold_requests)
        write_all (conn->server_tls, self->held->str, self->held->len);
      else if (conn->hold_answers)
        write_all (conn->client_tls, self->held->str, self->held->len);
      else
        continue;
      conn->hold_requests = FALSE;
      conn->hold_answers = FALSE;
    }
  g_string_truncate (self->held, 0);
  g_mutex_unlock (&self->lock);
}

void
enlist_test_relay_free (EnlistTestRelay *self)
{
  g_cancellable_cancel (self->cancellable);
  g_thread_join (self->accept_thread);
  /* no new connection now: end those still open */
  for (guint i = 0; i < self->connections->len; i++)
    connection_shutdown (g_ptr_array_index (self->connections, i));
  for (guint i = 0; i < self->connections->len; i++)
    connection_free (g_ptr_array_index (self->connections, i));
  g_ptr_array_unref (self->connections);
  g_object_unref (self->listener);
  g_object_unref (self->certificate);
  g_object_unref (self->cancellable);
  g_string_free (self->held, TRUE);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->held_cond);
  g_free (self);
}
