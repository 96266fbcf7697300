/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-application.c: the application as the desktop starts it: xmpp:
 * URIs on the command line and through g_application_open (a register
 * URI asks for the sign-up assistant with the URI; any other xmpp: URI is
 * handed to another app that opens such links, never to an Enlist, or
 * explained when there is none); --demo-server (good and bad values, the
 * demo servers first among the providers); --ca-file (the manager trusts
 * it: a probe of the real Prosody succeeds with it and not without). */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "enlist-application.h"
#include "enlist-test-servers.h"
#include "enlist-test-utils.h"
#include "enlist-ui-test-app.h"
#include "enlist-ui-test-utils.h"

static EnlistTestServers *servers;

static void
record_uri (EnlistApplication *app,
            const char        *uri,
            GPtrArray         *uris)
{
  g_ptr_array_add (uris, g_strdup (uri != NULL ? uri : "(null)"));
  /* what is asked for is the test here: no assistant opens (it would go
   * looking for example.org) */
  g_signal_stop_emission_by_name (app, "create-account");
}

static gboolean
toplevel_shown (gpointer data)
{
  GtkWindow *window = enlist_ui_test_find_toplevel (GPOINTER_TO_SIZE (data));

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

static void
open_uri (EnlistApplication *app,
          const char        *uri)
{
  g_autoptr(GFile) file = g_file_new_for_uri (uri);

  g_application_open (G_APPLICATION (app), &file, 1, "");
}

/* ---- register URIs ------------------------------------------------------- */

static const char * const register_uris[] = {
  "xmpp:example.org?register",
  "xmpp:example.org?register;preauth=Xk3dE-9_qZ",
  "xmpp:alice@example.org?register;preauth=Xk3dE-9_qZ",
  "XMPP:example.org?register",
  NULL
};

static const char * const other_uris[] = {
  "xmpp:alice@example.org",
  "xmpp:alice@example.org?message;body=hello",
  "xmpp:room@conference.example.org?join",
  "xmpp:example.org?registered",
  "xmpp:example.org?roster;preauth=abc;ibr=y",
  NULL
};

static void
test_uri_is_register (void)
{
  for (guint i = 0; register_uris[i] != NULL; i++)
    g_assert_true (enlist_application_uri_is_register (register_uris[i]));
  for (guint i = 0; other_uris[i] != NULL; i++)
    g_assert_false (enlist_application_uri_is_register (other_uris[i]));
  g_assert_false (enlist_application_uri_is_register ("https://example.org/?register"));
  g_assert_false (enlist_application_uri_is_register (""));
}

static void
open_register_body (EnlistApplication *app,
                    gpointer           data)
{
  g_autoptr(GPtrArray) uris = g_ptr_array_new_with_free_func (g_free);
  gulong handler = g_signal_connect (app, "create-account", G_CALLBACK (record_uri), uris);

  for (guint i = 0; register_uris[i] != NULL; i++)
    open_uri (app, register_uris[i]);
  enlist_ui_test_iterate (100);

  g_assert_cmpuint (uris->len, ==, g_strv_length ((char **) register_uris));
  for (guint i = 0; register_uris[i] != NULL; i++)
    g_assert_cmpstr (g_ptr_array_index (uris, i), ==, register_uris[i]);
  /* nothing else was shown for them */
  g_assert_null (enlist_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));

  /* Ctrl+N's action asks for the assistant without a URI */
  g_action_group_activate_action (G_ACTION_GROUP (app), "create-account", NULL);
  g_assert_cmpuint (uris->len, ==, g_strv_length ((char **) register_uris) + 1);
  g_assert_cmpstr (g_ptr_array_index (uris, uris->len - 1), ==, "(null)");
  enlist_application_create_account (app, NULL);
  g_assert_cmpuint (uris->len, ==, g_strv_length ((char **) register_uris) + 2);
  g_assert_cmpstr (g_ptr_array_index (uris, uris->len - 1), ==, "(null)");

  g_signal_handler_disconnect (app, handler);
}

static void
test_open_register (void)
{
  g_autofree char *dir = enlist_ui_test_make_dir ();

  g_assert_cmpint (enlist_ui_test_app_run (dir, NULL, NULL, open_register_body, NULL), ==, 0);
  enlist_ui_test_remove_dir (dir);
}

/* The command line, as the desktop passes a link: the URI arrives as it was
 * given, and only the assistant is asked for. */
typedef struct
{
  GPtrArray *uris;
  gboolean   activated;
} CommandLine;

static gboolean
quit_soon (gpointer data)
{
  EnlistApplication *app = data;
  GList *windows;

  while ((windows = gtk_application_get_windows (GTK_APPLICATION (app))) != NULL)
    gtk_window_destroy (windows->data);
  g_application_quit (G_APPLICATION (app));
  return G_SOURCE_REMOVE;
}

static void
command_line_uri_cb (EnlistApplication *app,
                     const char        *uri,
                     CommandLine       *command_line)
{
  record_uri (app, uri, command_line->uris);
  g_idle_add_full (G_PRIORITY_LOW, quit_soon, app, NULL);
}

static void
command_line_activate_cb (GApplication *app,
                          CommandLine  *command_line)
{
  command_line->activated = TRUE;
}

static void
test_command_line (void)
{
  g_autofree char *dir = enlist_ui_test_make_dir ();

  for (guint i = 0; i < 2; i++)
    {
      const char *uri = register_uris[i];
      char *argv[] = { (char *) "enlist", (char *) uri, NULL };
      CommandLine command_line = { g_ptr_array_new_with_free_func (g_free), FALSE };
      EnlistApplication *app = enlist_application_new ();

      enlist_application_set_data_dir (app, dir);
      g_signal_connect (app, "create-account", G_CALLBACK (command_line_uri_cb), &command_line);
      g_signal_connect (app, "activate", G_CALLBACK (command_line_activate_cb), &command_line);
      g_assert_cmpint (g_application_run (G_APPLICATION (app), 2, argv), ==, 0);

      g_assert_cmpuint (command_line.uris->len, ==, 1);
      g_assert_cmpstr (g_ptr_array_index (command_line.uris, 0), ==, uri);
      g_assert_false (command_line.activated);
      enlist_ui_test_iterate (50);
      enlist_test_finalize (app);
      g_ptr_array_unref (command_line.uris);
    }
  enlist_ui_test_remove_dir (dir);
}

/* ---- other URIs --------------------------------------------------------- */

static char *
applications_dir (void)
{
  char *dir = g_build_filename (g_get_user_data_dir (), "applications", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

/* GIO finds the apps for a type through the index that
 * update-desktop-database writes (mimeinfo.cache), as installing an app
 * does. */
static void
index_desktop_files (const char *dir)
{
  const char *argv[] = { "update-desktop-database", dir, NULL };
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
}

static void
write_desktop_file (const char *id,
                    const char *exec)
{
  g_autofree char *dir = applications_dir ();
  g_autofree char *path = g_build_filename (dir, id, NULL);
  g_autofree char *contents = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=%s\n"
                                               "Exec=%s %%u\nMimeType=x-scheme-handler/xmpp;\n",
                                               id, exec);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
  index_desktop_files (dir);
}

static gboolean
handler_known (gpointer data)
{
  GList *apps = g_app_info_get_all_for_type ("x-scheme-handler/xmpp");
  gboolean found = FALSE;

  for (GList *l = apps; l != NULL; l = l->next)
    found = found || g_strcmp0 (g_app_info_get_id (l->data), data) == 0;
  g_list_free_full (apps, g_object_unref);
  return found;
}

static void
explained (const char *uri,
           const char *part,
           const char *shot_name)
{
  g_autofree char *shot = NULL;
  GtkWindow *dialog;

  enlist_ui_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 10000,
                             "the explanation");
  dialog = enlist_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Enlist Cannot Open This Link");
  g_assert_false (adw_message_dialog_get_body_use_markup (ADW_MESSAGE_DIALOG (dialog)));
  g_test_message ("%s: %s", uri, adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), uri));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), part));
  shot = enlist_ui_test_screenshot (GTK_WIDGET (dialog), shot_name);
  enlist_ui_test_click (enlist_ui_test_find (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "Close"));
  g_assert_null (enlist_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
}

typedef struct
{
  char *received;   /* where the other app writes what it was given */
} Other;

static gboolean
file_written (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_IS_REGULAR);
}

static void
open_other_body (EnlistApplication *app,
                 gpointer           data)
{
  Other *other = data;
  g_autoptr(GPtrArray) uris = g_ptr_array_new_with_free_func (g_free);
  gulong handler = g_signal_connect (app, "create-account", G_CALLBACK (record_uri), uris);
  g_autofree char *script = NULL;
  g_autofree char *script_text = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  const char *uri = "xmpp:alice@example.org?message;body=hello";

  /* no other app opens xmpp: links: explained (the suite's machine has no
   * chat app; one that has would launch it here) */
  {
    GList *apps = g_app_info_get_all_for_type ("x-scheme-handler/xmpp");

    if (apps != NULL)
      g_error ("%s opens xmpp: links on this machine: this test needs none to begin with",
               g_app_info_get_id (apps->data));
  }
  open_uri (app, uri);
  explained (uri, "install an XMPP chat app", "application-uri-no-handler");

  /* not even an Enlist (which would hand it back) */
  write_desktop_file ("io.github.enlist.Enlist.desktop", "/bin/false");
  enlist_ui_test_wait_until (handler_known, (gpointer) "io.github.enlist.Enlist.desktop", 10000,
                             "GIO to see the Enlist desktop file");
  open_uri (app, uri);
  explained (uri, "install an XMPP chat app", "application-uri-only-enlist");

  /* a link that is no xmpp: link at all */
  open_uri (app, "https://example.org/chat");
  explained ("https://example.org/chat", "only xmpp: links", "application-uri-not-xmpp");

  /* a chat app that opens them: it gets the URI as it came */
  script = g_build_filename (g_get_user_data_dir (), "enlist-test-chat", NULL);
  script_text = g_strdup_printf ("#!/bin/sh\nprintf '%%s\\n' \"$@\" > '%s.part'\n"
                                 "mv '%s.part' '%s'\n",
                                 other->received, other->received, other->received);
  g_assert_true (g_file_set_contents (script, script_text, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (script, 0755), ==, 0);
  write_desktop_file ("enlist-test-chat.desktop", script);
  enlist_ui_test_wait_until (handler_known, (gpointer) "enlist-test-chat.desktop", 10000,
                             "GIO to see the chat app's desktop file");

  open_uri (app, uri);
  enlist_ui_test_wait_until (file_written, other->received, 10000, "the chat app to be started");
  g_assert_true (g_file_get_contents (other->received, &contents, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, "xmpp:alice@example.org?message;body=hello\n");
  g_assert_null (enlist_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));

  /* none of them asked for the assistant */
  g_assert_cmpuint (uris->len, ==, 0);
  g_signal_handler_disconnect (app, handler);
}

static void
test_open_other (void)
{
  g_autofree char *dir = enlist_ui_test_make_dir ();
  g_autofree char *apps = applications_dir ();
  Other other = { g_build_filename (dir, "received", NULL) };

  g_assert_cmpint (enlist_ui_test_app_run (dir, NULL, NULL, open_other_body, &other), ==, 0);

  for (guint i = 0; i < 2; i++)
    {
      const char *id = i == 0 ? "io.github.enlist.Enlist.desktop" : "enlist-test-chat.desktop";
      g_autofree char *path = g_build_filename (apps, id, NULL);

      g_remove (path);
    }
  index_desktop_files (apps);
  g_free (other.received);
  enlist_ui_test_remove_dir (dir);
}

/* ---- --demo-server ------------------------------------------------------ */

static void
test_demo_server_parse (void)
{
  static const struct
  {
    const char *value;
    const char *label, *domain, *host;
    guint16     port;
    gboolean    direct_tls;
  } good[] = {
    { "Prosody (demo)=localhost,127.0.0.1,5222", "Prosody (demo)", "localhost", "127.0.0.1",
      5222, FALSE },
    { "ejabberd = localhost,127.0.0.1,45223,direct-tls", "ejabberd", "localhost", "127.0.0.1",
      45223, TRUE },
    { "a=b=example.org,xmpp.example.org,1", "a=b", "example.org", "xmpp.example.org", 1, FALSE },
  };
  static const char * const bad[] = {
    "localhost,127.0.0.1,5222",                 /* no label */
    "=localhost,127.0.0.1,5222",                /* empty label */
    "Demo=localhost,127.0.0.1",                 /* no port */
    "Demo=localhost,127.0.0.1,0",               /* port 0 */
    "Demo=localhost,127.0.0.1,65536",           /* port too large */
    "Demo=localhost,127.0.0.1,52x2",            /* not a number */
    "Demo=localhost,127.0.0.1,5222,starttls",   /* only direct-tls may follow */
    "Demo=localhost,127.0.0.1,5222,direct-tls,more",
    "Demo=not a domain,127.0.0.1,5222",
    "Demo=localhost,,5222",
    "De\033mo=localhost,127.0.0.1,5222",        /* a control character in the label */
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(EnlistProvider) provider = enlist_application_parse_demo_server (good[i].value,
                                                                                 &error);

      g_assert_no_error (error);
      g_assert_nonnull (provider);
      g_assert_true (enlist_provider_get_is_demo (provider));
      g_assert_cmpstr (enlist_provider_get_label (provider), ==, good[i].label);
      g_assert_cmpstr (enlist_provider_get_domain (provider), ==, good[i].domain);
      g_assert_cmpstr (enlist_provider_get_host (provider), ==, good[i].host);
      g_assert_cmpuint (enlist_provider_get_port (provider), ==, good[i].port);
      g_assert_cmpint (enlist_provider_get_direct_tls (provider), ==, good[i].direct_tls);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(EnlistProvider) provider = enlist_application_parse_demo_server (bad[i], &error);

      g_assert_null (provider);
      g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, "--demo-server"));
    }

  {
    g_autofree char *huge = g_strnfill (2000, 'a');
    g_autofree char *value = g_strconcat (huge, "=localhost,127.0.0.1,5222", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_null (enlist_application_parse_demo_server (value, &error));
    g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  }
}

static void
demo_body (EnlistApplication *app,
           gpointer           data)
{
  EnlistProviderList *providers = enlist_application_get_provider_list (app);
  g_autoptr(GListModel) found = NULL;
  EnlistProvider *first, *second, *third;

  g_assert_cmpuint (enlist_application_get_demo_providers (app)->len, ==, 2);
  /* the address it refreshes from is the setting's */
  g_assert_null (enlist_provider_list_get_url (providers));
  enlist_settings_set_providers_url (enlist_application_get_settings (app),
                                     "https://providers.example.org/providers.json");
  g_assert_cmpstr (enlist_provider_list_get_url (providers), ==,
                   "https://providers.example.org/providers.json");
  enlist_settings_set_providers_url (enlist_application_get_settings (app), "");
  g_assert_null (enlist_provider_list_get_url (providers));
  /* first among the suggestions, in the order given, endpoints preset */
  found = enlist_provider_list_search (providers, "", 0);
  g_assert_cmpuint (g_list_model_get_n_items (found), >, 2);
  first = g_list_model_get_item (found, 0);
  second = g_list_model_get_item (found, 1);
  g_assert_cmpstr (enlist_provider_get_label (first), ==, "Prosody (demo)");
  g_assert_cmpstr (enlist_provider_get_host (first), ==, "127.0.0.1");
  g_assert_cmpuint (enlist_provider_get_port (first), ==, 5222);
  g_assert_false (enlist_provider_get_direct_tls (first));
  g_assert_cmpstr (enlist_provider_get_label (second), ==, "ejabberd (demo)");
  g_assert_cmpuint (enlist_provider_get_port (second), ==, 5223);
  g_assert_true (enlist_provider_get_direct_tls (second));
  /* and the bundled providers after them */
  third = g_list_model_get_item (found, 2);
  g_assert_false (enlist_provider_get_is_demo (third));
  g_object_unref (first);
  g_object_unref (second);
  g_object_unref (third);
}

static void
test_demo_server_option (void)
{
  g_autofree char *dir = enlist_ui_test_make_dir ();
  const char *good[] = {
    "--demo-server", "Prosody (demo)=localhost,127.0.0.1,5222",
    "--demo-server=ejabberd (demo)=localhost,127.0.0.1,5223,direct-tls",
    NULL
  };
  const char *bad[] = { "--demo-server", "Prosody=localhost,127.0.0.1", NULL };

  g_assert_cmpint (enlist_ui_test_app_run (dir, NULL, good, demo_body, NULL), ==, 0);
  /* a bad value stops it before anything is shown */
  g_assert_cmpint (enlist_ui_test_app_run (dir, NULL, bad, demo_body, NULL), ==, 1);
  enlist_ui_test_remove_dir (dir);
}

/* ---- --ca-file ----------------------------------------------------------- */

typedef struct
{
  gboolean  trusted;
  char     *ca_file;
} Trust;

static void
ca_body (EnlistApplication *app,
         gpointer           data)
{
  Trust *trust = data;
  EnlistAccountManager *manager = enlist_application_get_account_manager (app);
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(EnlistServerInfo) info = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (enlist_application_get_ca_file (app), ==, trust->ca_file);
  /* the manager's registrations trust it: the Prosody with the test
   * certificate answers a probe, and only then */
  registration = enlist_account_manager_create_registration (
    manager, enlist_test_servers_get_domain (servers), "127.0.0.1",
    enlist_test_servers_get_port (servers, "prosody", FALSE), FALSE);
  enlist_registration_probe_async (registration, ENLIST_PROBE_NONE, NULL,
                                   enlist_test_store_result, &result);
  info = enlist_registration_probe_finish (registration, enlist_test_wait_for (&result), &error);
  if (trust->trusted)
    {
      g_assert_no_error (error);
      g_assert_nonnull (info);
    }
  else
    {
      g_assert_null (info);
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_CERTIFICATE);
    }
}

static void
test_ca_file (void)
{
  g_autofree char *dir = enlist_ui_test_make_dir ();
  g_autofree char *missing = g_build_filename (dir, "missing.pem", NULL);
  const char *ca_file = enlist_test_servers_get_ca_file (servers);
  const char *with[] = { "--ca-file", ca_file, NULL };
  const char *without_file[] = { "--ca-file", missing, NULL };
  Trust trusted = { TRUE, g_canonicalize_filename (ca_file, NULL) };
  Trust untrusted = { FALSE, NULL };

  g_assert_cmpint (enlist_ui_test_app_run (dir, NULL, with, ca_body, &trusted), ==, 0);
  g_assert_cmpint (enlist_ui_test_app_run (dir, NULL, NULL, ca_body, &untrusted), ==, 0);
  /* a file that cannot be read stops it */
  g_assert_cmpint (enlist_ui_test_app_run (dir, NULL, without_file, ca_body, &untrusted), ==, 1);

  g_free (trusted.ca_file);
  enlist_ui_test_remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  enlist_ui_test_init (&argc, &argv);
  /* GIO watches the directories of desktop files that exist when it first
   * looks: this one must, for the handlers the tests add later */
  g_free (applications_dir ());
  g_test_add_func ("/application/uri-is-register", test_uri_is_register);
  g_test_add_func ("/application/open-register", test_open_register);
  g_test_add_func ("/application/command-line", test_command_line);
  g_test_add_func ("/application/open-other", test_open_other);
  g_test_add_func ("/application/demo-server/parse", test_demo_server_parse);
  g_test_add_func ("/application/demo-server/option", test_demo_server_option);
  g_test_add_func ("/application/ca-file", test_ca_file);

  servers = enlist_test_servers_start (TRUE, FALSE);
  status = g_test_run ();
  enlist_test_servers_stop (servers);
  return status;
}
