/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-fake-server.h: a small in-process XMPP server on 127.0.0.1 that can
 * be told to misbehave in ways real servers will not, for the engine's tests.
 * It runs on the thread-default main context; the test's main loop drives it. */
#pragma once

#include <gio/gio.h>

#include "enlist-xml.h"

G_BEGIN_DECLS

#define ENLIST_FAKE_SERVER_STREAM_HEADER \
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' " \
  "xmlns:stream='http://etherx.jabber.org/streams' id='x' from='fake.test' version='1.0'>"

typedef enum
{
  ENLIST_FAKE_SERVER_DEFAULT              = 0,
  ENLIST_FAKE_SERVER_NO_STARTTLS          = 1 << 0, /* plaintext features without <starttls/> */
  ENLIST_FAKE_SERVER_STARTTLS_FAILURE     = 1 << 1, /* answer <starttls/> with <failure/> */
  ENLIST_FAKE_SERVER_DIRECT_TLS           = 1 << 2, /* TLS from the first byte (XEP-0368) */
  ENLIST_FAKE_SERVER_REJECT_PIPELINED     = 1 << 3, /* close when a stanza comes with the header */
  ENLIST_FAKE_SERVER_SILENT               = 1 << 4, /* never send anything */
  ENLIST_FAKE_SERVER_OTHER_CERTIFICATE    = 1 << 5, /* use fixtures/other.pem */
  ENLIST_FAKE_SERVER_CLOSE_AFTER_RESPONSE = 1 << 6, /* close once a raw response is written */
} EnlistFakeServerFlags;

#define ENLIST_TYPE_FAKE_SERVER (enlist_fake_server_get_type ())
G_DECLARE_FINAL_TYPE (EnlistFakeServer, enlist_fake_server, ENLIST, FAKE_SERVER, GObject)

/* Called for each complete stanza the client sends on the secured stream. It
 * may answer with enlist_fake_server_send(), close with
 * enlist_fake_server_close(), or do nothing (the server never answers).
 * Without a hook, iq get/set requests get an empty result without from. */
typedef void (*EnlistFakeServerStanzaFunc) (EnlistFakeServer    *server,
                                            const EnlistXmlNode *stanza,
                                            gpointer             user_data);

typedef struct
{
  EnlistFakeServerFlags      flags;
  /* Raw text sent instead of the stream header and features, on the
   * plaintext and on the secured stream (NULL: the normal ones). */
  const char                *plain_response;
  const char                *secure_response;
  EnlistFakeServerStanzaFunc stanza_func;
  gpointer                   user_data;
} EnlistFakeServerOptions;

/* options NULL means a well-behaved server (STARTTLS, PLAIN, registration). */
EnlistFakeServer *enlist_fake_server_new                   (const EnlistFakeServerOptions *options);
guint16           enlist_fake_server_get_port              (EnlistFakeServer *self);
guint             enlist_fake_server_get_n_connections     (EnlistFakeServer *self);

/* About the index-th connection accepted (from 0). */
/* Everything the client sent before TLS. */
const char       *enlist_fake_server_get_plaintext         (EnlistFakeServer *self,
                                                            guint             index);
/* Top-level elements the client sent before TLS other than <starttls/>. */
guint             enlist_fake_server_get_n_plaintext_other (EnlistFakeServer *self,
                                                            guint             index);
/* The first read held both the stream header and <starttls/>. */
gboolean          enlist_fake_server_get_first_flight_pipelined (EnlistFakeServer *self,
                                                            guint             index);
/* The bytes of the first read on the secured stream. */
const char       *enlist_fake_server_get_secure_first_read (EnlistFakeServer *self,
                                                            guint             index);
/* Everything the client sent after TLS. */
const char       *enlist_fake_server_get_secure_received   (EnlistFakeServer *self,
                                                            guint             index);

/* The connection is closed (by either side). */
gboolean          enlist_fake_server_is_closed             (EnlistFakeServer *self,
                                                            guint             index);

/* From a stanza hook: act on the connection the stanza came from. */
void              enlist_fake_server_send                  (EnlistFakeServer *self,
                                                            const char       *text);
/* Closes once what was sent is written. */
void              enlist_fake_server_close                 (EnlistFakeServer *self);
/* After sending a SASL <success/>: the client restarts the stream, and the
 * restarted stream's features offer resource binding (raw responses are not
 * used for it). */
void              enlist_fake_server_restart_stream        (EnlistFakeServer *self);
/* The index of the connection the stanza came from. */
guint             enlist_fake_server_get_current_index     (EnlistFakeServer *self);

/* The number of client connections whose I/O has not finished yet, across all
 * servers (a test waits for 0 before checking for leaks). */
guint             enlist_fake_server_get_n_live            (void);

G_END_DECLS
