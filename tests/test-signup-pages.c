/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-signup-pages.c: the sign-up assistant on its own, with an account
 * manager of the test's, for what goes other than straight through: a
 * certificate that does not verify (trusted and pinned for the domain, or
 * refused), Cancel while connecting to a server that never answers
 * (nothing left behind), a server that signs people up on its web site
 * only (the fake server; "Open Web Page" opens the very address shown), a
 * keyring that cannot be reached (the password shown once, to copy), a
 * server that wants new accounts activated from an e-mail (the fake
 * server: created, kept, and what to do), and Back and closing (what was
 * typed is kept; a filled form asks first). */
#define G_LOG_DOMAIN "test-signup-pages"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "enlist-certificate.h"
#include "enlist-certificate-page.h"
#include "enlist-fake-server.h"
#include "enlist-progress-page.h"
#include "enlist-result-page.h"
#include "enlist-server-suggestions.h"
#include "enlist-signup-test.h"
#include "enlist-test-utils.h"
#include "enlist-ui-test-app.h"
#include "enlist-ui-test-utils.h"
#include "enlist-web-page.h"
#include "enlist-xml.h"

#define SIGNUP_URL "https://signup.example.org/join?from=xmpp"

/* ---- a certificate that does not verify ----------------------------------- */

/* A fingerprint as shown, its line break (between its halves) read as
 * the colon it stands for. */
static char *
fingerprint_shown (GtkLabel *label)
{
  GString *out = g_string_new (NULL);

  for (const char *p = gtk_label_get_text (label); *p != '\0'; p++)
    g_string_append_c (out, g_ascii_isspace (*p) ? ':' : *p);
  return g_string_free (out, FALSE);
}

static void
test_certificate (void)
{
  g_autofree char *dir = signup_make_data_dir ();
  g_autoptr(EnlistAccountManager) manager = signup_new_manager (dir, NULL);
  g_autoptr(EnlistAccountManager) second = NULL;
  g_autoptr(EnlistProviderList) providers = signup_demo_providers ();
  g_autoptr(GTlsCertificate) expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *displayed = NULL;
  g_autofree char *shot = NULL;
  g_auto(GStrv) pins = NULL;
  EnlistSignupAssistant *assistant;
  EnlistCertificatePage *page;
  GtkLabel *label = NULL;

  expected = g_tls_certificate_new_from_file (enlist_test_servers_get_ca_file (signup_servers),
                                              &error);
  g_assert_no_error (error);
  fingerprint = enlist_certificate_get_fingerprint (expected);

  assistant = signup_new_assistant (manager, providers);
  signup_choose_suggestion (assistant, "local", 0);
  signup_activate (assistant, "assistant.next");
  signup_wait_page (assistant, "certificate");
  page = ENLIST_CERTIFICATE_PAGE (enlist_signup_assistant_get_page_widget (assistant,
                                                                          "certificate"));
  {
    g_autofree char *got = enlist_certificate_get_fingerprint (
      enlist_certificate_page_get_certificate (page));

    g_assert_cmpstr (got, ==, fingerprint);
  }
  /* the fingerprint as shown, whatever the line breaks */
  {
    g_autofree char *head = g_strndup (fingerprint, 11);

    label = enlist_ui_test_find_label (GTK_WIDGET (page), head);
    g_assert_nonnull (label);
    displayed = fingerprint_shown (label);
    g_assert_cmpstr (displayed, ==, fingerprint);
  }
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (page), GTK_TYPE_LABEL, "Unknown Certificate"));
  /* one way out: the page's own Cancel, which has the focus; no Back, no
   * header Cancel; Enter does what the focused button does */
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_READY);
  g_assert_null (gtk_window_get_default_widget (GTK_WINDOW (assistant)));
  g_assert_false (signup_shown (enlist_ui_test_find (GTK_WIDGET (assistant), GTK_TYPE_BUTTON,
                                                     "Back")));
  g_assert_false (signup_shown (enlist_ui_test_find (GTK_WIDGET (assistant), GTK_TYPE_BUTTON,
                                                     "Cancel")) &&
                  !gtk_widget_is_ancestor (enlist_ui_test_find (GTK_WIDGET (assistant),
                                                                GTK_TYPE_BUTTON, "Cancel"),
                                           GTK_WIDGET (page)));
  {
    GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (assistant));

    g_assert_nonnull (focus);
    g_assert_true (GTK_IS_BUTTON (focus));
    g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (focus)), ==, "_Cancel");
    g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (page)));
  }
  /* nothing trusted by itself */
  pins = enlist_account_manager_dup_pins (manager, "localhost");
  g_assert_cmpuint (g_strv_length (pins), ==, 0);
  g_clear_pointer (&pins, g_strfreev);
  shot = enlist_ui_test_screenshot (GTK_WIDGET (assistant), "assistant-certificate");
  g_clear_pointer (&shot, g_free);

  /* Trust This Certificate: pinned for the domain, and on to the form */
  enlist_ui_test_click (enlist_ui_test_find (GTK_WIDGET (page), GTK_TYPE_BUTTON,
                                             "Trust This Certificate"));
  signup_wait_page (assistant, "form");
  pins = enlist_account_manager_dup_pins (manager, "localhost");
  g_assert_cmpuint (g_strv_length (pins), ==, 1);
  g_assert_true (enlist_certificate_fingerprint_equal (pins[0], fingerprint));
  g_clear_pointer (&pins, g_strfreev);
  /* kept on this computer */
  second = signup_new_manager (dir, NULL);
  pins = enlist_account_manager_dup_pins (second, "localhost");
  g_assert_cmpuint (g_strv_length (pins), ==, 1);
  g_assert_true (enlist_certificate_fingerprint_equal (pins[0], fingerprint));
  g_clear_pointer (&pins, g_strfreev);
  g_clear_object (&second);
  signup_close_assistant (assistant);

  /* Cancel on the certificate page: back to the server, nothing pinned */
  enlist_ui_test_remove_dir (dir);
  g_clear_pointer (&dir, g_free);
  g_clear_object (&manager);
  dir = signup_make_data_dir ();
  manager = signup_new_manager (dir, NULL);
  assistant = signup_new_assistant (manager, providers);
  signup_choose_suggestion (assistant, "local", 0);
  signup_activate (assistant, "assistant.next");
  signup_wait_page (assistant, "certificate");
  page = ENLIST_CERTIFICATE_PAGE (enlist_signup_assistant_get_page_widget (assistant,
                                                                          "certificate"));
  gtk_widget_activate_action (GTK_WIDGET (page), "certificate.cancel", NULL);
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "server");
  g_assert_null (enlist_signup_assistant_get_registration (assistant));
  g_assert_cmpstr (enlist_server_page_get_domain (signup_server_page_of (assistant)), ==,
                   "localhost");
  pins = enlist_account_manager_dup_pins (manager, "localhost");
  g_assert_cmpuint (g_strv_length (pins), ==, 0);
  signup_close_assistant (assistant);

  enlist_test_finalize (g_steal_pointer (&manager));
  enlist_ui_test_remove_dir (dir);
}

/* ---- Cancel while connecting ----------------------------------------------- */

typedef struct
{
  GSocketService *service;
  guint16         port;
  GPtrArray      *connections;  /* accepted, never answered */
} SilentServer;

static gboolean
silent_incoming_cb (GSocketService    *service,
                    GSocketConnection *connection,
                    GObject           *source,
                    SilentServer      *server)
{
  g_ptr_array_add (server->connections, g_object_ref (connection));
  return TRUE;
}

static void
silent_server_start (SilentServer *server)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  server->connections = g_ptr_array_new_with_free_func (g_object_unref);
  server->service = g_socket_service_new ();
  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (server->service), address,
                                                G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                                &effective, &error));
  g_assert_no_error (error);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (server->service, "incoming", G_CALLBACK (silent_incoming_cb), server);
  g_socket_service_start (server->service);
}

static void
silent_server_stop (SilentServer *server)
{
  g_socket_service_stop (server->service);
  g_socket_listener_close (G_SOCKET_LISTENER (server->service));
  g_clear_object (&server->service);
  g_clear_pointer (&server->connections, g_ptr_array_unref);
}

static gboolean
has_connection (gpointer data)
{
  return ((SilentServer *) data)->connections->len > 0;
}

typedef struct
{
  EnlistSignupAssistant *assistant;
  const char            *text;
} TextWait;

static gboolean
progress_says (gpointer data)
{
  TextWait *wait = data;
  EnlistProgressPage *page = ENLIST_PROGRESS_PAGE (
    enlist_signup_assistant_get_page_widget (wait->assistant, "progress"));

  return g_str_equal (enlist_progress_page_get_text (page), wait->text);
}


/* What the client did with the connection: closed it (EOF), after having
 * sent how much. */
static gsize
read_until_closed (GSocketConnection *connection)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  gsize total = 0;

  for (;;)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      char buffer[4096];
      gssize n;

      g_input_stream_read_async (input, buffer, sizeof buffer, G_PRIORITY_DEFAULT, NULL,
                                 enlist_test_store_result, &result);
      n = g_input_stream_read_finish (input, enlist_test_wait_for (&result), &error);
      if (n <= 0)
        {
          /* the peer's end: EOF, or a reset when it closed with data unread */
          if (n < 0)
            g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
          return total;
        }
      total += n;
    }
}


static void
test_cancel (void)
{
  g_autofree char *dir = signup_make_data_dir ();
  g_autoptr(EnlistAccountManager) manager =
    signup_new_manager (dir, enlist_test_servers_get_ca_file (signup_servers));
  g_autoptr(EnlistAccountManager) second = NULL;
  g_autoptr(EnlistProviderList) providers = signup_demo_providers ();
  g_autofree char *shot = NULL;
  SilentServer silent = { 0 };
  EnlistSignupAssistant *assistant;
  EnlistRegistration *registration;
  TextWait securing;
  guint keyring_before = signup_count_keyring_items ();
  gsize sent;

  silent_server_start (&silent);
  assistant = signup_new_assistant (manager, providers);
  signup_type_endpoint (assistant, "localhost", silent.port);
  signup_activate (assistant, "assistant.next");
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "progress");
  enlist_ui_test_wait_until (has_connection, &silent, SIGNUP_WAIT_MS, "the connection");
  securing.assistant = assistant;
  securing.text = "Securing connection…";
  enlist_ui_test_wait_until (progress_says, &securing, SIGNUP_WAIT_MS,
                             "“Securing connection…”");
  /* one Cancel, in the header bar, and it is live */
  g_assert_true (gtk_widget_get_visible (enlist_ui_test_find (GTK_WIDGET (assistant),
                                                              GTK_TYPE_BUTTON, "Cancel")));
  g_assert_null (enlist_ui_test_find (enlist_signup_assistant_get_page_widget (assistant,
                                                                               "progress"),
                                      GTK_TYPE_BUTTON, NULL));
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_BUSY);
  shot = enlist_ui_test_screenshot (GTK_WIDGET (assistant), "assistant-connecting");

  registration = enlist_signup_assistant_get_registration (assistant);
  g_assert_nonnull (registration);
  g_assert_true (enlist_registration_get_busy (registration));
  g_object_add_weak_pointer (G_OBJECT (registration), (gpointer *) &registration);

  /* Cancel: back at once */
  enlist_ui_test_click (enlist_ui_test_find (GTK_WIDGET (assistant), GTK_TYPE_BUTTON, "Cancel"));
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "server");
  g_assert_null (enlist_signup_assistant_get_registration (assistant));
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_READY);
  g_assert_false (enlist_server_page_get_has_error (signup_server_page_of (assistant)));

  /* nothing left behind: the registration goes, the connection is closed,
   * nothing is recorded or kept in the keyring */
  enlist_ui_test_wait_until (signup_pointer_cleared, &registration, SIGNUP_WAIT_MS,
                             "the registration to be finalized");
  sent = read_until_closed (g_ptr_array_index (silent.connections, 0));
  g_assert_cmpuint (sent, >, 0);
  g_assert_cmpuint (signup_count_keyring_items (), ==, keyring_before);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);
  second = signup_new_manager (dir, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (second)), ==, 0);
  g_clear_object (&second);

  /* and the assistant can go on: the same again, cancelled with Escape's action */
  signup_activate (assistant, "assistant.next");
  enlist_ui_test_wait_until (progress_says, &securing, SIGNUP_WAIT_MS,
                             "“Securing connection…” again");
  registration = enlist_signup_assistant_get_registration (assistant);
  g_object_add_weak_pointer (G_OBJECT (registration), (gpointer *) &registration);
  signup_activate (assistant, "assistant.cancel");
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "server");
  enlist_ui_test_wait_until (signup_pointer_cleared, &registration, SIGNUP_WAIT_MS,
                             "the second registration to be finalized");

  signup_close_assistant (assistant);
  silent_server_stop (&silent);
  enlist_test_finalize (g_steal_pointer (&manager));
  enlist_ui_test_remove_dir (dir);
}

/* ---- errors that end an attempt ------------------------------------------- */

/* A port nothing listens on: bound, then let go. */
static guint16
closed_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* Next, then back on the server page with heading (and words of what to
 * do, advice) said; Next stays live for another try. */
static void
assert_attempt_error (EnlistSignupAssistant *assistant,
                      const char            *heading,
                      const char            *advice,
                      const char            *shot)
{
  g_autofree char *error = NULL;
  g_autofree char *path = NULL;

  signup_activate (assistant, "assistant.next");
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "progress");
  enlist_ui_test_wait_until (signup_not_busy, assistant, SIGNUP_WAIT_MS, "the attempt to end");
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "server");
  error = enlist_server_page_dup_error (signup_server_page_of (assistant));
  g_assert_nonnull (error);
  g_test_message ("%s", error);
  g_assert_true (g_str_has_prefix (error, heading));
  g_assert_nonnull (strstr (error, advice));
  g_assert_null (enlist_signup_assistant_get_registration (assistant));
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_ERROR);
  g_assert_true (signup_action_enabled (assistant, "assistant.next"));
  if (shot != NULL)
    path = enlist_ui_test_screenshot (GTK_WIDGET (assistant), shot);
}

static void
test_attempt_errors (void)
{
  g_autofree char *dir = signup_make_data_dir ();
  g_autofree char *ca = g_test_build_filename (G_TEST_DIST, "fixtures", "fake-server-ca.pem",
                                               NULL);
  g_autoptr(EnlistAccountManager) manager = signup_new_manager (dir, ca);
  g_autoptr(EnlistProviderList) providers = signup_demo_providers ();
  g_autoptr(EnlistFakeServer) server = NULL;
  EnlistFakeServerOptions options = { 0 };
  EnlistSignupAssistant *assistant;

  assistant = signup_new_assistant (manager, providers);

  /* nothing listens */
  signup_type_endpoint (assistant, "localhost", closed_port ());
  assert_attempt_error (assistant, "Could Not Connect", "Check that this computer is online",
                        "assistant-error-connect");
  /* changing what was typed clears it */
  signup_type_text (enlist_server_page_get_server_row (signup_server_page_of (assistant)),
                    "localhost.");
  g_assert_false (enlist_server_page_get_has_error (signup_server_page_of (assistant)));

  /* a server without registration */
  options.secure_response = ENLIST_FAKE_SERVER_STREAM_HEADER
    "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
    "<mechanism>PLAIN</mechanism></mechanisms></stream:features>";
  server = enlist_fake_server_new (&options);
  signup_type_endpoint (assistant, "localhost", enlist_fake_server_get_port (server));
  assert_attempt_error (assistant, "Registration Not Offered", "Choose another server",
                        "assistant-error-not-supported");

  signup_close_assistant (assistant);
  g_clear_object (&server);
  enlist_test_finalize (g_steal_pointer (&manager));
  enlist_ui_test_remove_dir (dir);
}

/* ---- a server that signs people up on its web site only ------------------- */

static void
web_only_stanza_cb (EnlistFakeServer    *server,
                    const EnlistXmlNode *stanza,
                    gpointer             user_data)
{
  g_autoptr(GString) out = g_string_new ("<iq type='result' id='");
  gboolean form_request;

  if (!enlist_xml_node_is (stanza, "iq", ENLIST_NS_CLIENT))
    return;
  form_request = g_strcmp0 (enlist_xml_node_get_attr (stanza, "type"), "get") == 0 &&
                 enlist_xml_node_get_child (stanza, "query", ENLIST_NS_REGISTER) != NULL;
  enlist_xml_escape_attr (out, enlist_xml_node_get_attr (stanza, "id"));
  g_string_append (out, "'>");
  if (form_request)
    g_string_append (out, "<query xmlns='jabber:iq:register'><instructions>Accounts are made "
                          "on our web site.</instructions><x xmlns='jabber:x:oob'><url>"
                          "https://signup.example.org/join?from=xmpp</url></x></query>");
  g_string_append (out, "</iq>");
  enlist_fake_server_send (server, out->str);
}

static void
test_web_only (void)
{
  g_autofree char *dir = signup_make_data_dir ();
  g_autofree char *ca = g_test_build_filename (G_TEST_DIST, "fixtures", "fake-server-ca.pem",
                                               NULL);
  g_autoptr(EnlistAccountManager) manager = signup_new_manager (dir, ca);
  g_autoptr(EnlistProviderList) providers = signup_demo_providers ();
  g_autoptr(EnlistFakeServer) server = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *shot = NULL;
  EnlistFakeServerOptions options = { 0 };
  EnlistSignupAssistant *assistant;
  EnlistWebPage *page;
  GtkWidget *open_button;

  enlist_ui_test_install_recording_browser ();
  options.stanza_func = web_only_stanza_cb;
  server = enlist_fake_server_new (&options);

  assistant = signup_new_assistant (manager, providers);
  signup_type_endpoint (assistant, "localhost", enlist_fake_server_get_port (server));
  signup_activate (assistant, "assistant.next");
  signup_wait_page (assistant, "web");
  page = ENLIST_WEB_PAGE (enlist_signup_assistant_get_page_widget (assistant, "web"));
  g_assert_cmpstr (enlist_web_page_get_url (page), ==, SIGNUP_URL);
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (page), GTK_TYPE_LABEL, "Sign Up on the Web"));
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (page), GTK_TYPE_LABEL, SIGNUP_URL));
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (page), GTK_TYPE_LABEL,
                                         "Accounts are made on our web site."));
  open_button = enlist_ui_test_find (GTK_WIDGET (page), GTK_TYPE_BUTTON, "Open Web Page");
  g_assert_nonnull (open_button);
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (assistant)) == open_button);
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_READY);
  shot = enlist_ui_test_screenshot (GTK_WIDGET (assistant), "assistant-web-only");

  /* "Open Web Page": the default browser gets the very address shown */
  enlist_ui_test_click (open_button);
  contents = enlist_ui_test_wait_opened ();
  g_assert_cmpstr (contents, ==, SIGNUP_URL);

  /* Back to the server page, as it was */
  signup_activate (assistant, "assistant.back");
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "server");
  g_assert_cmpstr (enlist_server_page_get_domain (signup_server_page_of (assistant)), ==,
                   "localhost");
  signup_close_assistant (assistant);

  /* a provider the list marks web-only: its sign-up page, without asking
   * its server (no connection is made) */
  assistant = signup_new_assistant (manager, providers);
  signup_choose_suggestion (assistant, "disroot", 0);
  {
    EnlistProvider *provider = enlist_server_page_get_provider (signup_server_page_of (assistant));
    g_autofree char *details = NULL;

    g_assert_nonnull (provider);
    g_assert_true (enlist_provider_get_web_only (provider));
    details = enlist_server_suggestions_describe (provider);
    g_assert_nonnull (strstr (details, "sign-up on its web site only"));
  }
  signup_activate (assistant, "assistant.next");
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "web");
  g_assert_null (enlist_signup_assistant_get_registration (assistant));
  page = ENLIST_WEB_PAGE (enlist_signup_assistant_get_page_widget (assistant, "web"));
  g_assert_cmpstr (enlist_web_page_get_url (page), ==, "https://user.disroot.org");
  signup_close_assistant (assistant);
  g_clear_object (&server);
  enlist_test_finalize (g_steal_pointer (&manager));
  enlist_ui_test_remove_dir (dir);
}

/* ---- a keyring that refuses --------------------------------------------------- */

static void
read_text_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
string_set (gpointer data)
{
  return *(char **) data != NULL;
}

static gboolean
default_is_done (gpointer data)
{
  EnlistResultPage *page = data;

  return enlist_result_page_get_default_widget (page) ==
         enlist_ui_test_find (GTK_WIDGET (page), GTK_TYPE_BUTTON, "Done");
}

/* In a subprocess whose session bus is nowhere (libsecret keeps its
 * connection for the life of a process), given the servers' coordinates
 * by its parent. */
static void
test_keyring_refused (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *user = signup_random_user ("unsaved");
  g_autofree char *address = NULL;
  g_autofree char *shot = NULL;
  g_autofree char *copied = NULL;
  g_autoptr(EnlistAccountManager) manager = NULL;
  g_autoptr(EnlistProviderList) providers = NULL;
  g_autoptr(EnlistProvider) prosody = NULL;
  g_autoptr(EnlistRegistration) login = NULL;
  g_autoptr(EnlistServerInfo) info = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  EnlistSignupAssistant *assistant;
  EnlistResultPage *page;
  GtkWidget *copy_button;
  guint16 port;

  if (!g_test_subprocess ())
    {
      g_autofree char *port_text = g_strdup_printf ("%u", signup_port_of ("prosody"));

      g_setenv ("ENLIST_TEST_PORT", port_text, TRUE);
      g_setenv ("ENLIST_TEST_CA", enlist_test_servers_get_ca_file (signup_servers), TRUE);
      /* read by main (), before GTK connects to the session bus */
      g_setenv ("ENLIST_TEST_NO_SESSION_BUS", "1", TRUE);
      g_test_trap_subprocess (NULL, 300 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  port = (guint16) g_ascii_strtoull (g_getenv ("ENLIST_TEST_PORT"), NULL, 10);
  dir = signup_make_data_dir ();
  manager = signup_new_manager (dir, g_getenv ("ENLIST_TEST_CA"));
  providers = enlist_provider_list_new ();
  prosody = enlist_provider_new_demo ("localhost", "127.0.0.1", port, FALSE, "Prosody (demo)");
  enlist_provider_list_add_demo (providers, prosody);

  assistant = signup_new_assistant (manager, providers);
  signup_choose_suggestion (assistant, "local", 0);
  signup_activate (assistant, "assistant.next");
  signup_wait_page (assistant, "form");
  signup_fill_form (assistant, user, SIGNUP_PASSWORD);
  signup_activate (assistant, "assistant.register");
  signup_wait_page (assistant, "result");

  /* the password, shown this once, to copy, and a plain warning */
  page = ENLIST_RESULT_PAGE (enlist_signup_assistant_get_page_widget (assistant, "result"));
  address = g_strdup_printf ("%s@localhost", user);
  g_assert_cmpstr (enlist_result_page_get_address (page), ==, address);
  g_assert_true (enlist_result_page_get_password_shown (page));
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (page), GTK_TYPE_LABEL, SIGNUP_PASSWORD));
  g_assert_nonnull (enlist_ui_test_find_label (GTK_WIDGET (page), "saved nowhere else"));
  g_assert_false (signup_shown (enlist_ui_test_find (GTK_WIDGET (page), GTK_TYPE_LABEL,
                                              "Saved in your keyring")));
  copy_button = enlist_ui_test_find (GTK_WIDGET (page), GTK_TYPE_BUTTON, "Copy Password");
  g_assert_nonnull (copy_button);
  g_assert_true (gtk_widget_is_visible (copy_button));
  /* Enter copies the password before anything closes */
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (assistant)) == copy_button);
  shot = enlist_ui_test_screenshot (GTK_WIDGET (assistant), "assistant-result-unsaved");

  gtk_widget_activate_default (GTK_WIDGET (assistant));
  enlist_ui_test_wait_until (default_is_done, page, 10000, "the password to be copied");
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (page)), NULL,
                                 read_text_cb, &copied);
  enlist_ui_test_wait_until (string_set, &copied, 10000, "the clipboard");
  g_assert_cmpstr (copied, ==, SIGNUP_PASSWORD);
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (assistant)) ==
                 enlist_ui_test_find (GTK_WIDGET (page), GTK_TYPE_BUTTON, "Done"));

  /* the account works with it */
  login = enlist_registration_new ("localhost");
  enlist_registration_set_endpoint (login, "127.0.0.1", port, FALSE);
  g_assert_true (enlist_registration_set_ca_file (login, g_getenv ("ENLIST_TEST_CA"), NULL));
  enlist_registration_login_async (login, user, SIGNUP_PASSWORD, NULL, enlist_test_store_result,
                                   &result);
  info = enlist_registration_login_finish (login, enlist_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);

  signup_activate (assistant, "assistant.done");
  enlist_ui_test_wait_until (signup_toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "Done to close the assistant");
  enlist_ui_test_remove_dir (dir);
}

/* ---- a server that wants new accounts activated --------------------------- */

/* Tigase with e-mail activation: the registration is accepted, every login
 * refused until the e-mail's link is followed. The server's text has
 * markup in it, to be shown as it is. */
#define INACTIVE_TEXT "Account <b>inactive</b>: follow the link in the e-mail we sent"

static void
inactive_stanza_cb (EnlistFakeServer    *server,
                    const EnlistXmlNode *stanza,
                    gpointer             user_data)
{
  g_autoptr(GString) out = g_string_new ("<iq type='result' id='");
  gboolean form_request;

  if (enlist_xml_node_is (stanza, "auth", ENLIST_NS_SASL))
    {
      g_autoptr(GString) failure = g_string_new ("<failure xmlns='urn:ietf:params:xml:ns:"
                                                 "xmpp-sasl'><account-disabled/>"
                                                 "<text xml:lang='en'>");

      enlist_xml_escape_text (failure, INACTIVE_TEXT, -1);
      g_string_append (failure, "</text></failure>");
      enlist_fake_server_send (server, failure->str);
      return;
    }
  if (!enlist_xml_node_is (stanza, "iq", ENLIST_NS_CLIENT))
    return;
  form_request = g_strcmp0 (enlist_xml_node_get_attr (stanza, "type"), "get") == 0 &&
                 enlist_xml_node_get_child (stanza, "query", ENLIST_NS_REGISTER) != NULL;
  enlist_xml_escape_attr (out, enlist_xml_node_get_attr (stanza, "id"));
  g_string_append (out, "'>");
  if (form_request)
    g_string_append (out, "<query xmlns='jabber:iq:register'><username/><password/><email/>"
                          "</query>");
  g_string_append (out, "</iq>");
  enlist_fake_server_send (server, out->str);
}

static void
test_inactive (void)
{
  g_autofree char *dir = signup_make_data_dir ();
  g_autofree char *ca = g_test_build_filename (G_TEST_DIST, "fixtures", "fake-server-ca.pem",
                                               NULL);
  g_autoptr(EnlistAccountManager) manager = signup_new_manager (dir, ca);
  g_autoptr(EnlistProviderList) providers = signup_demo_providers ();
  g_autoptr(EnlistFakeServer) server = NULL;
  g_autofree char *user = signup_random_user ("inactive");
  g_autofree char *address = g_strdup_printf ("%s@localhost", user);
  g_autofree char *shot = NULL;
  g_autofree char *keyring = NULL;
  EnlistFakeServerOptions options = { 0 };
  EnlistSignupAssistant *assistant;
  EnlistResultPage *page;

  options.stanza_func = inactive_stanza_cb;
  server = enlist_fake_server_new (&options);

  assistant = signup_new_assistant (manager, providers);
  signup_type_endpoint (assistant, "localhost", enlist_fake_server_get_port (server));
  signup_activate (assistant, "assistant.next");
  signup_wait_page (assistant, "form");
  signup_type_text (signup_field_entry (assistant, "email"), "me@example.org");
  signup_fill_form (assistant, user, SIGNUP_PASSWORD);
  signup_activate (assistant, "assistant.register");
  signup_wait_page (assistant, "result");

  /* created, and what is left to do, with the server's words as they are */
  page = ENLIST_RESULT_PAGE (enlist_signup_assistant_get_page_widget (assistant, "result"));
  g_assert_cmpstr (enlist_result_page_get_address (page), ==, address);
  g_assert_false (enlist_result_page_get_password_shown (page));
  g_assert_true (enlist_result_page_get_activation_shown (page));
  g_assert_nonnull (enlist_ui_test_find_label (GTK_WIDGET (page), "Activate it from the e-mail"));
  g_assert_nonnull (enlist_ui_test_find_label (GTK_WIDGET (page), "“" INACTIVE_TEXT "”"));
  g_assert_false (gtk_label_get_use_markup (enlist_ui_test_find_label (GTK_WIDGET (page),
                                                                       INACTIVE_TEXT)));
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (page), GTK_TYPE_LABEL,
                                         "Saved in your keyring"));
  shot = enlist_ui_test_screenshot (GTK_WIDGET (assistant), "assistant-result-activate");

  /* kept: the account and its password, confirmed */
  keyring = enlist_test_keyring_of (address);
  g_assert_cmpstr (keyring, ==, "-=" SIGNUP_PASSWORD);
  g_assert_true (enlist_ui_test_has_record (dir, address));

  signup_activate (assistant, "assistant.done");
  enlist_ui_test_wait_until (signup_toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "Done to close the assistant");
  enlist_test_clear_keyring (address);
  enlist_ui_test_remove_dir (dir);
}

/* ---- Back keeps what was typed; closing asks ------------------------------- */

static void
test_back_and_close (void)
{
  g_autofree char *dir = signup_make_data_dir ();
  g_autoptr(EnlistAccountManager) manager =
    signup_new_manager (dir, enlist_test_servers_get_ca_file (signup_servers));
  g_autoptr(EnlistProviderList) providers = signup_demo_providers ();
  g_autofree char *shot = NULL;
  EnlistSignupAssistant *assistant;
  EnlistRegistration *registration;
  EnlistFormView *view;
  GtkWindow *dialog;

  assistant = signup_new_assistant (manager, providers);
  g_object_add_weak_pointer (G_OBJECT (assistant), (gpointer *) &assistant);
  signup_choose_suggestion (assistant, "local", 0);
  signup_activate (assistant, "assistant.next");
  signup_wait_page (assistant, "form");
  view = signup_view_of (assistant);
  registration = enlist_signup_assistant_get_registration (assistant);
  signup_type_text (signup_field_entry (assistant, "username"), "keep-me");
  signup_type_text (enlist_password_rows_get_password_row (signup_password_rows_of (assistant)),
                    "half typed");

  /* Back (Alt+Left's action) and Next: the same form, as it was */
  signup_activate (assistant, "assistant.back");
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "server");
  g_assert_cmpstr (signup_server_text (assistant), ==, "localhost");
  g_assert_true (signup_action_enabled (assistant, "assistant.next"));
  signup_activate (assistant, "assistant.next");
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "form");
  g_assert_true (enlist_signup_assistant_get_registration (assistant) == registration);
  g_assert_true (signup_view_of (assistant) == view);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (signup_field_entry (assistant,
                                                                            "username"))),
                   ==, "keep-me");
  g_assert_cmpstr (enlist_password_rows_get_password (signup_password_rows_of (assistant)), ==,
                   "half typed");

  /* closing a filled form asks; Keep Editing keeps it */
  g_object_add_weak_pointer (G_OBJECT (registration), (gpointer *) &registration);
  gtk_window_close (GTK_WINDOW (assistant));
  enlist_ui_test_wait_until (signup_toplevel_shown, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG),
                             10000,
                             "the question before closing");
  dialog = enlist_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (assistant));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Discard the New Account?");
  shot = enlist_ui_test_screenshot (GTK_WIDGET (dialog), "assistant-close-question");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  enlist_ui_test_wait_until (signup_toplevel_gone, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG),
                             10000,
                             "the question to go");
  g_assert_nonnull (assistant);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (assistant)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (signup_field_entry (assistant,
                                                                            "username"))),
                   ==, "keep-me");

  /* Escape's action asks again; Discard closes, and the registration goes */
  signup_activate (assistant, "assistant.cancel");
  enlist_ui_test_wait_until (signup_toplevel_shown, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG),
                             10000,
                             "the question before closing, again");
  dialog = enlist_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  enlist_ui_test_wait_until (signup_toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "the assistant to close");
  enlist_ui_test_wait_until (signup_pointer_cleared, &assistant, 10000,
                             "the assistant to be finalized");
  enlist_ui_test_wait_until (signup_pointer_cleared, &registration, SIGNUP_WAIT_MS,
                             "the registration to be finalized");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);

  enlist_test_finalize (g_steal_pointer (&manager));
  enlist_ui_test_remove_dir (dir);
}

/* ---- main --------------------------------------------------------------- */

int
main (int    argc,
      char **argv)
{
  int status;

  /* The keyring test's subprocess: no session bus at all, for GTK as for
   * libsecret (either keeps the first connection for the process's life). */
  if (g_getenv ("ENLIST_TEST_NO_SESSION_BUS") != NULL)
    {
      g_autofree char *nowhere = g_build_filename (g_get_tmp_dir (), "enlist-no-such-bus", NULL);
      g_autofree char *bus = g_strdup_printf ("unix:path=%s", nowhere);

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", bus, TRUE);
      g_unsetenv ("ENLIST_TEST_NO_SESSION_BUS");
      /* the accessibility bus is reached through the session bus */
      g_setenv ("GTK_A11Y", "none", TRUE);
    }
  enlist_ui_test_init (&argc, &argv);

  g_test_add_func ("/signup-pages/certificate", test_certificate);
  g_test_add_func ("/signup-pages/cancel-connecting", test_cancel);
  g_test_add_func ("/signup-pages/attempt-errors", test_attempt_errors);
  g_test_add_func ("/signup-pages/web-only", test_web_only);
  g_test_add_func ("/signup-pages/keyring-refused", test_keyring_refused);
  g_test_add_func ("/signup-pages/inactive", test_inactive);
  g_test_add_func ("/signup-pages/back-and-close", test_back_and_close);

  /* A subprocess is given the servers' coordinates by its parent. */
  if (!g_test_subprocess ())
    signup_servers = enlist_test_servers_start (TRUE, TRUE);
  status = g_test_run ();
  if (signup_servers != NULL)
    enlist_test_servers_stop (signup_servers);
  return status;
}
