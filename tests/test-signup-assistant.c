/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-signup-assistant.c: the sign-up assistant in the running
 * application, end to end against the real Prosody and ejabberd the suite
 * starts, with the app's demo servers (as tools/run gives them): an
 * account on Prosody from the window's button, with the stages in words
 * and Enter for Register; one on ejabberd with its CAPTCHA, then the same
 * name refused at its field with a fresh CAPTCHA and the values kept, and
 * "New Image"; xmpp: links (g_application_open) and a pasted invitation
 * (test-real-input.c does the same by real key presses and clicks). Each
 * account is checked from outside: the keyring, the account file, a
 * login, the main window's list. */
#define G_LOG_DOMAIN "test-signup-assistant"

#include "config.h"

#include <string.h>

#include "enlist-application.h"
#include "enlist-progress-page.h"
#include "enlist-result-page.h"
#include "enlist-server-suggestions.h"
#include "enlist-signup-test.h"
#include "enlist-test-utils.h"
#include "enlist-ui-test-app.h"
#include "enlist-ui-test-utils.h"

/* ---- Prosody, in the running application ---------------------------------- */

/* A run of the application: its data directory, the name registered, and
 * the address the assistant reported. */
typedef struct
{
  char *dir;
  char *user;
  char *address;
} AppRun;


typedef struct
{
  EnlistProgressPage *page;
  GPtrArray          *seen;
} Stages;

/* What the progress page says, each change once. */
static void
record_stage (Stages *stages)
{
  const char *text = enlist_progress_page_get_text (stages->page);

  if (*text != '\0' && (stages->seen->len == 0 ||
                        !g_str_equal (g_ptr_array_index (stages->seen, stages->seen->len - 1),
                                      text)))
    g_ptr_array_add (stages->seen, g_strdup (text));
}

static gboolean
contains_string (GPtrArray  *strings,
                 const char *string)
{
  for (guint i = 0; i < strings->len; i++)
    if (g_str_equal (g_ptr_array_index (strings, i), string))
      return TRUE;
  return FALSE;
}

static gboolean
row_listed (gpointer data)
{
  AppRun *run = ((gpointer *) data)[0];
  EnlistApplication *app = ((gpointer *) data)[1];

  return enlist_ui_test_find_row (enlist_ui_test_app_window (app), run->address) != NULL;
}

static void
prosody_body (EnlistApplication *app,
              gpointer           user_data)
{
  EnlistPasswordRows *rows;
  AppRun *run = user_data;
  EnlistSignupAssistant *assistant;
  EnlistServerPage *server;
  EnlistServerSuggestions *suggestions;
  g_autoptr(EnlistProvider) first = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *shot = NULL;
  g_autofree char *expected_port = NULL;
  g_autoptr(GError) error = NULL;
  gpointer listed[2] = { run, app };
  EnlistRegistration *registration;
  Stages stages;
  GtkWidget *progress;

  /* the window's header button */
  enlist_ui_test_click (enlist_ui_test_find (GTK_WIDGET (enlist_ui_test_app_window (app)),
                                             GTK_TYPE_BUTTON, "Create Account"));
  assistant = signup_wait_assistant ();
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (assistant)) ==
                 GTK_WINDOW (enlist_ui_test_app_window (app)));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (assistant)), ==, "Create Account");
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_IDLE);
  g_assert_false (signup_action_enabled (assistant, "assistant.next"));

  /* suggestions as the name is typed: the demo signup_servers first, with where
   * they listen */
  server = signup_server_page_of (assistant);
  suggestions = ENLIST_SERVER_SUGGESTIONS (enlist_server_page_get_suggestions (server));
  signup_type_text (enlist_server_page_get_server_row (server), "local");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (suggestions)));
  g_assert_cmpuint (enlist_server_suggestions_get_n_items (suggestions), >=, 2);
  g_assert_true (enlist_server_suggestions_move (suggestions, TRUE));
  first = enlist_server_suggestions_get_selected (suggestions);
  g_assert_true (enlist_provider_get_is_demo (first));
  g_assert_cmpstr (enlist_provider_get_label (first), ==, "Prosody (demo)");
  {
    g_autofree char *details = enlist_server_suggestions_describe (first);
    g_autofree char *where = g_strdup_printf ("127.0.0.1 port %u", signup_port_of ("prosody"));

    g_assert_nonnull (strstr (details, where));
    g_assert_nonnull (enlist_ui_test_find_label (GTK_WIDGET (suggestions), where));
  }
  signup_screenshot_with_popover (GTK_WIDGET (assistant), GTK_WIDGET (suggestions),
                           "assistant-server-suggestions");

  /* Enter takes it: the domain, and its endpoint under Advanced */
  g_assert_true (enlist_server_suggestions_choose (suggestions));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (suggestions)));
  g_assert_cmpstr (signup_server_text (assistant), ==, "localhost");
  g_assert_cmpstr (enlist_server_page_get_domain (server), ==, "localhost");
  g_assert_cmpstr (enlist_server_page_get_host (server), ==, "127.0.0.1");
  g_assert_cmpuint (enlist_server_page_get_port (server), ==, signup_port_of ("prosody"));
  g_assert_false (enlist_server_page_get_direct_tls (server));
  expected_port = g_strdup_printf ("%u", signup_port_of ("prosody"));
  g_assert_cmpstr (signup_text_of (enlist_ui_test_find (GTK_WIDGET (server), ADW_TYPE_ENTRY_ROW,
                                                       "Port")), ==, expected_port);
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_READY);
  g_assert_true (signup_action_enabled (assistant, "assistant.next"));
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (assistant)) ==
                 enlist_server_page_get_default_widget (server));
  shot = enlist_ui_test_screenshot (GTK_WIDGET (assistant), "assistant-server-chosen");
  g_clear_pointer (&shot, g_free);

  /* Next: the stages in words on the progress page, then the form */
  progress = enlist_signup_assistant_get_page_widget (assistant, "progress");
  stages.page = ENLIST_PROGRESS_PAGE (progress);
  stages.seen = seen;
  /* what the Next button does, without its click animation (the stages
   * begin at once) */
  g_assert_true (gtk_widget_is_sensitive (enlist_server_page_get_default_widget (server)));
  signup_activate (assistant, "assistant.next");
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "progress");
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_BUSY);
  record_stage (&stages);
  registration = enlist_signup_assistant_get_registration (assistant);
  g_assert_nonnull (registration);
  g_signal_connect_swapped (registration, "notify::stage", G_CALLBACK (record_stage), &stages);
  signup_wait_page (assistant, "form");
  g_signal_handlers_disconnect_by_func (registration, record_stage, &stages);
  g_assert_cmpuint (seen->len, >=, 3);
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, "Connecting…");
  g_assert_true (contains_string (seen, "Securing connection…"));
  g_assert_true (contains_string (seen, "Requesting form…"));

  /* nothing typed: Register waits */
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_IDLE);
  g_assert_false (signup_action_enabled (assistant, "assistant.register"));
  g_assert_null (gtk_window_get_default_widget (GTK_WINDOW (assistant)));

  signup_fill_form (assistant, run->user, SIGNUP_PASSWORD);
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_READY);
  g_assert_true (signup_action_enabled (assistant, "assistant.register"));
  shot = enlist_ui_test_screenshot (GTK_WIDGET (assistant), "assistant-form-prosody");
  g_clear_pointer (&shot, g_free);

  /* Enter: the default widget is Register */
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (assistant)) ==
                 enlist_form_page_get_default_widget (signup_form_page_of (assistant)));
  rows = signup_password_rows_of (assistant);
  gtk_widget_activate_default (enlist_password_rows_get_confirm_row (rows));
  signup_wait_page (assistant, "result");
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_DONE);

  run->address = g_strdup_printf ("%s@localhost", run->user);
  {
    EnlistResultPage *result = ENLIST_RESULT_PAGE (
      enlist_signup_assistant_get_page_widget (assistant, "result"));

    g_assert_cmpstr (enlist_result_page_get_address (result), ==, run->address);
    g_assert_false (enlist_result_page_get_password_shown (result));
    g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (result), GTK_TYPE_LABEL,
                                           "Account Created"));
    g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (result), GTK_TYPE_LABEL, run->address));
    g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (result), GTK_TYPE_LABEL,
                                           "Saved in your keyring"));
    g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (result), GTK_TYPE_BUTTON, "Copy Address"));
    g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (assistant)) ==
                   enlist_ui_test_find (GTK_WIDGET (result), GTK_TYPE_BUTTON, "Done"));
  }
  shot = enlist_ui_test_screenshot (GTK_WIDGET (assistant), "assistant-result");
  g_clear_pointer (&shot, g_free);

  /* from outside: the keyring, the account file, a login */
  {
    g_autofree char *keyring = enlist_test_keyring_of (run->address);
    g_autofree char *expected = g_strdup_printf ("-=%s", SIGNUP_PASSWORD);

    g_assert_cmpstr (keyring, ==, expected);
  }
  g_assert_true (enlist_ui_test_has_record (run->dir, run->address));
  g_assert_true (enlist_ui_test_login (signup_servers, "prosody", run->address, SIGNUP_PASSWORD,
                                       &error));
  g_assert_no_error (error);

  /* Done closes; the main window lists the account */
  enlist_ui_test_click (enlist_ui_test_find (GTK_WIDGET (assistant), GTK_TYPE_BUTTON, "Done"));
  enlist_ui_test_wait_until (signup_toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "Done to close the assistant");
  enlist_ui_test_wait_until (row_listed, listed, 10000, "the new account in the main window");
  shot = enlist_ui_test_screenshot (GTK_WIDGET (enlist_ui_test_app_window (app)),
                                    "assistant-window-after");
}

static void
test_prosody (void)
{
  g_auto(GStrv) options = signup_demo_options ();
  AppRun run = { signup_make_data_dir (), signup_random_user ("prosody"), NULL };

  g_assert_cmpint (enlist_ui_test_app_run (run.dir,
                                           enlist_test_servers_get_ca_file (signup_servers),
                                           (const char * const *) options, prosody_body, &run),
                   ==, 0);
  g_assert_nonnull (run.address);
  enlist_test_clear_keyring (run.address);
  enlist_ui_test_remove_dir (run.dir);
  g_free (run.dir);
  g_free (run.user);
  g_free (run.address);
}

/* ---- ejabberd with its CAPTCHA, and a name taken -------------------------- */




/* The ejabberd demo server (the second suggestion for "local"), through to
 * its form with the CAPTCHA signup_shown. */
static EnlistSignupAssistant *
open_ejabberd_form (EnlistApplication *app)
{
  EnlistSignupAssistant *assistant;
  EnlistCaptchaView *captcha;

  /* Ctrl+N's action */
  gtk_widget_activate_action (GTK_WIDGET (enlist_ui_test_app_window (app)), "app.create-account",
                              NULL);
  assistant = signup_wait_assistant ();
  signup_choose_suggestion (assistant, "local", 1);
  g_assert_cmpuint (enlist_server_page_get_port (signup_server_page_of (assistant)), ==,
                    signup_port_of ("ejabberd"));
  enlist_ui_test_click (enlist_server_page_get_default_widget (signup_server_page_of (assistant)));
  signup_wait_page (assistant, "form");
  enlist_ui_test_wait_until (signup_captcha_shown, assistant, SIGNUP_WAIT_MS, "the CAPTCHA image");
  captcha = enlist_form_view_get_captcha_view (signup_view_of (assistant));
  g_assert_nonnull (enlist_captcha_view_get_image (captcha));
  return assistant;
}

static void
ejabberd_body (EnlistApplication *app,
               gpointer           user_data)
{
  EnlistCaptchaView *captcha;
  AppRun *run = user_data;
  EnlistSignupAssistant *assistant;
  EnlistPasswordRows *rows;
  EnlistResultPage *result;
  g_autofree char *shot = NULL;
  g_autofree char *first_uri = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *username;
  GtkWidget *focus;

  assistant = open_ejabberd_form (app);
  g_assert_true (enlist_data_form_is_captcha (
    enlist_form_page_get_form (signup_form_page_of (assistant))));
  /* the answer is missing: Register waits */
  signup_type_text (signup_field_entry (assistant, "username"), run->user);
  g_assert_false (signup_action_enabled (assistant, "assistant.register"));
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_IDLE);
  signup_fill_form (assistant, run->user, SIGNUP_PASSWORD);
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_READY);
  shot = enlist_ui_test_screenshot (GTK_WIDGET (assistant), "assistant-form-captcha");
  g_clear_pointer (&shot, g_free);

  enlist_ui_test_click (enlist_form_page_get_default_widget (signup_form_page_of (assistant)));
  signup_wait_page (assistant, "result");
  result = ENLIST_RESULT_PAGE (enlist_signup_assistant_get_page_widget (assistant, "result"));
  run->address = g_strdup_printf ("%s@localhost", run->user);
  g_assert_cmpstr (enlist_result_page_get_address (result), ==, run->address);
  g_assert_false (enlist_result_page_get_password_shown (result));
  {
    g_autofree char *keyring = enlist_test_keyring_of (run->address);
    g_autofree char *expected = g_strdup_printf ("-=%s", SIGNUP_PASSWORD);

    g_assert_cmpstr (keyring, ==, expected);
  }
  g_assert_true (enlist_ui_test_has_record (run->dir, run->address));
  g_assert_true (enlist_ui_test_login (signup_servers, "ejabberd", run->address, SIGNUP_PASSWORD,
                                       &error));
  g_assert_no_error (error);
  signup_activate (assistant, "assistant.done");
  enlist_ui_test_wait_until (signup_toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "Done to close the assistant");

  /* the same name again: refused at the username field, with a fresh
   * CAPTCHA and everything else as typed */
  assistant = open_ejabberd_form (app);
  first_uri = g_strdup (signup_captcha_uri (assistant));
  signup_fill_form (assistant, run->user, SIGNUP_PASSWORD);
  signup_activate (assistant, "assistant.register");
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "progress");
  signup_wait_page (assistant, "form");
  enlist_ui_test_wait_until (signup_captcha_shown, assistant, SIGNUP_WAIT_MS,
                             "the fresh CAPTCHA image");

  g_assert_cmpstr (enlist_form_view_get_field_message (signup_view_of (assistant), "username"), ==,
                   "This username is already taken. Choose another one.");
  g_assert_cmpstr (signup_captcha_uri (assistant), !=, first_uri);
  username = signup_field_entry (assistant, "username");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (username)), ==, run->user);
  focus = gtk_window_get_focus (GTK_WINDOW (assistant));
  g_assert_true (focus != NULL && (focus == username || gtk_widget_is_ancestor (focus, username)));
  rows = signup_password_rows_of (assistant);
  g_assert_cmpstr (enlist_password_rows_get_password (rows), ==, SIGNUP_PASSWORD);
  g_assert_cmpstr (signup_text_of (enlist_password_rows_get_confirm_row (rows)), ==,
                   SIGNUP_PASSWORD);
  g_assert_cmpstr (signup_text_of (signup_field_entry (assistant, signup_captcha_var (assistant))),
                   ==, "");
  g_assert_null (enlist_form_page_get_error (signup_form_page_of (assistant)));
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_IDLE);
  shot = enlist_ui_test_screenshot (GTK_WIDGET (assistant), "assistant-username-taken");
  g_clear_pointer (&shot, g_free);
  /* the first account is untouched */
  g_assert_true (enlist_ui_test_login (signup_servers, "ejabberd", run->address, SIGNUP_PASSWORD,
                                       &error));
  g_assert_no_error (error);

  /* "New Image": another challenge, the values kept */
  g_clear_pointer (&first_uri, g_free);
  first_uri = g_strdup (signup_captcha_uri (assistant));
  signup_type_text (signup_field_entry (assistant, "username"), "renamed");
  captcha = enlist_form_view_get_captcha_view (signup_view_of (assistant));
  gtk_widget_activate_action (GTK_WIDGET (captcha), "captcha.renew", NULL);
  enlist_ui_test_wait_until (signup_not_busy, assistant, SIGNUP_WAIT_MS, "a new image");
  enlist_ui_test_wait_until (signup_captcha_shown, assistant, SIGNUP_WAIT_MS,
                             "the new CAPTCHA image");
  g_assert_cmpstr (signup_captcha_uri (assistant), !=, first_uri);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (signup_field_entry (assistant,
                                                                            "username"))), ==,
                   "renamed");
  rows = signup_password_rows_of (assistant);
  g_assert_cmpstr (enlist_password_rows_get_password (rows), ==, SIGNUP_PASSWORD);
  g_assert_true (enlist_password_rows_get_matches (rows));

  /* leaving a filled form asks first */
  signup_activate (assistant, "assistant.cancel");
  {
    GtkWindow *dialog;

    enlist_ui_test_wait_until (signup_toplevel_shown, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG),
                               10000,
                               "the question before closing");
    dialog = enlist_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
    g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                     "Discard the New Account?");
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  }
  enlist_ui_test_wait_until (signup_toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "the assistant to close");
  (void) message;
}

static void
test_ejabberd (void)
{
  g_auto(GStrv) options = signup_demo_options ();
  AppRun run = { signup_make_data_dir (), signup_random_user ("captcha"), NULL };

  g_assert_cmpint (enlist_ui_test_app_run (run.dir,
                                           enlist_test_servers_get_ca_file (signup_servers),
                                           (const char * const *) options, ejabberd_body, &run),
                   ==, 0);
  g_assert_nonnull (run.address);
  enlist_test_clear_keyring (run.address);
  enlist_ui_test_remove_dir (run.dir);
  g_free (run.dir);
  g_free (run.user);
  g_free (run.address);
}

/* ---- xmpp: links and invitations ------------------------------------------ */

typedef struct
{
  char *dir;
  char *address;
} LinkRun;

static void
links_body (EnlistApplication *app,
            gpointer           user_data)
{
  LinkRun *run = user_data;
  g_autoptr(GFile) link = g_file_new_for_uri ("xmpp:localhost?register");
  g_autofree char *invite = NULL;
  g_autofree char *user = signup_random_user ("invited");
  g_autofree char *shot = NULL;
  g_autoptr(GError) error = NULL;
  EnlistSignupAssistant *assistant;
  EnlistServerPage *server;

  /* a plain request to register opens the assistant at the form, on the
   * demo endpoint of its domain */
  g_application_open (G_APPLICATION (app), &link, 1, "");
  assistant = signup_wait_assistant ();
  signup_wait_page (assistant, "form");
  server = signup_server_page_of (assistant);
  g_assert_cmpstr (enlist_server_page_get_domain (server), ==, "localhost");
  g_assert_cmpstr (enlist_server_page_get_host (server), ==, "127.0.0.1");
  g_assert_cmpuint (enlist_server_page_get_port (server), ==, signup_port_of ("prosody"));
  g_assert_null (enlist_server_page_get_invite (server));
  g_assert_nonnull (enlist_form_view_get_field_widget (signup_view_of (assistant), "username"));
  /* Back shows where it came from */
  signup_activate (assistant, "assistant.back");
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "server");
  g_assert_cmpstr (signup_server_text (assistant), ==, "localhost");
  /* the first page: nothing before it */
  g_assert_false (gtk_widget_get_visible (enlist_ui_test_find (GTK_WIDGET (assistant),
                                                               GTK_TYPE_BUTTON, "Back")));

  /* an invitation pasted into the server entry: its server, and the token
   * out of sight */
  invite = enlist_test_servers_invite (signup_servers);
  signup_type_text (enlist_server_page_get_server_row (server), invite);
  g_assert_cmpstr (signup_server_text (assistant), ==,
                   enlist_test_servers_get_invite_domain (signup_servers));
  g_assert_cmpstr (enlist_server_page_get_invite (server), ==, invite);
  g_assert_nonnull (enlist_ui_test_find_label (GTK_WIDGET (server),
                                               "An invitation to create an account on"));
  {
    g_autofree char *port_text = g_strdup_printf ("%u", signup_port_of ("prosody"));

    signup_type_text (enlist_ui_test_find (GTK_WIDGET (server), ADW_TYPE_ENTRY_ROW, "Host"),
                      "127.0.0.1");
    signup_type_text (enlist_ui_test_find (GTK_WIDGET (server), ADW_TYPE_ENTRY_ROW, "Port"),
                      port_text);
  }
  g_assert_cmpstr (enlist_server_page_get_invite (server), ==, invite);
  shot = enlist_ui_test_screenshot (GTK_WIDGET (assistant), "assistant-server-invitation");
  signup_activate (assistant, "assistant.next");
  signup_wait_page (assistant, "form");
  signup_fill_form (assistant, user, SIGNUP_PASSWORD);
  signup_activate (assistant, "assistant.register");
  signup_wait_page (assistant, "result");
  run->address = g_strdup_printf ("%s@%s", user,
                                  enlist_test_servers_get_invite_domain (signup_servers));
  g_assert_cmpstr (enlist_result_page_get_address (ENLIST_RESULT_PAGE (
                     enlist_signup_assistant_get_page_widget (assistant, "result"))), ==,
                   run->address);
  g_assert_true (enlist_ui_test_login (signup_servers, "prosody", run->address, SIGNUP_PASSWORD,
                                       &error));
  g_assert_no_error (error);
  g_assert_true (enlist_ui_test_has_record (run->dir, run->address));
  signup_activate (assistant, "assistant.done");
  enlist_ui_test_wait_until (signup_toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "Done to close the assistant");

  /* a link that is no request to register is explained, not followed */
  {
    g_autoptr(GFile) bad = g_file_new_for_uri ("xmpp:localhost?register;preauth=a%00b");

    g_application_open (G_APPLICATION (app), &bad, 1, "");
    assistant = signup_wait_assistant ();
    g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "server");
    g_assert_true (enlist_server_page_get_has_error (signup_server_page_of (assistant)));
    signup_close_assistant (assistant);
  }
}

static void
test_links (void)
{
  g_auto(GStrv) options = signup_demo_options ();
  LinkRun run = { signup_make_data_dir (), NULL };

  g_assert_cmpint (enlist_ui_test_app_run (run.dir,
                                           enlist_test_servers_get_ca_file (signup_servers),
                                           (const char * const *) options, links_body, &run),
                   ==, 0);
  g_assert_nonnull (run.address);
  enlist_test_clear_keyring (run.address);
  enlist_ui_test_remove_dir (run.dir);
  g_free (run.dir);
  g_free (run.address);
}

/* ---- main --------------------------------------------------------------- */

int
main (int    argc,
      char **argv)
{
  int status;

  enlist_ui_test_init (&argc, &argv);

  g_test_add_func ("/signup-assistant/prosody", test_prosody);
  g_test_add_func ("/signup-assistant/ejabberd-captcha", test_ejabberd);
  g_test_add_func ("/signup-assistant/links", test_links);

  signup_servers = enlist_test_servers_start (TRUE, TRUE);
  status = g_test_run ();
  enlist_test_servers_stop (signup_servers);
  return status;
}
