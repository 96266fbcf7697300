/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-servers.h: real Prosody and ejabberd servers on loopback for
 * GTest integration tests, through tests/servers/enlist-test-servers. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _EnlistTestServers EnlistTestServers;

/* Starts the servers asked for in a new directory under the temporary
 * directory and waits until they answer. Runs $ENLIST_TEST_SERVERS (set by
 * meson), else G_TEST_SRCDIR/servers/enlist-test-servers. Any failure — a
 * missing package included — aborts the test with the script's error: a
 * missing server is never a skip. If the test process dies without calling
 * enlist_test_servers_stop (), a watchdog stops the servers. */
EnlistTestServers *enlist_test_servers_start               (gboolean           prosody,
                                                            gboolean           ejabberd);
/* Prosody alone, with its limits raised for many clients at once
 * (enlist-test-servers start --load). */
EnlistTestServers *enlist_test_servers_start_for_load      (void);

/* The self-signed certificate every server presents: the trust anchor. */
const char        *enlist_test_servers_get_ca_file         (EnlistTestServers *self);
/* "localhost": both servers serve it (each on its own ports). */
const char        *enlist_test_servers_get_domain          (EnlistTestServers *self);
/* Prosody's host where registration needs an invitation. */
const char        *enlist_test_servers_get_invite_domain   (EnlistTestServers *self);
/* ejabberd's host that registers without a CAPTCHA (legacy form only). */
const char        *enlist_test_servers_get_nocaptcha_domain (EnlistTestServers *self);
const char        *enlist_test_servers_get_state_dir       (EnlistTestServers *self);
/* server is "prosody" or "ejabberd"; direct_tls picks the XEP-0368 port
 * instead of the STARTTLS one. */
guint16            enlist_test_servers_get_port            (EnlistTestServers *self,
                                                            const char        *server,
                                                            gboolean           direct_tls);
/* The process id of server ("prosody" or "ejabberd"), for fault tests
 * that stop (SIGSTOP) and continue it. */
GPid               enlist_test_servers_get_pid             (EnlistTestServers *self,
                                                            const char        *server);
/* Starts Prosody again (same ports, same data) after a fault test killed
 * it; enlist_test_servers_get_pid () then gives the new process. */
void               enlist_test_servers_restart_prosody     (EnlistTestServers *self);
/* ejabberd's HTTP port (serves /captcha). */
guint16            enlist_test_servers_get_http_port       (EnlistTestServers *self);

/* The answer to the ejabberd CAPTCHA whose image has this SHA-1 (lower-case
 * hex, as in its cid:sha1+…@bob.xmpp.org URI), or NULL if there is none. */
char              *enlist_test_servers_captcha_answer      (EnlistTestServers *self,
                                                            const char        *sha1_hex);

/* Creates an account directly on the server (not through registration). */
void               enlist_test_servers_make_user           (EnlistTestServers *self,
                                                            const char        *server,
                                                            const char        *user,
                                                            const char        *password);

/* A fresh xmpp:invite-domain?register;preauth=TOKEN URI from Prosody. */
char              *enlist_test_servers_invite              (EnlistTestServers *self);

/* Stops the servers, removes the state directory and frees self. */
void               enlist_test_servers_stop                (EnlistTestServers *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlistTestServers, enlist_test_servers_stop)

G_END_DECLS
