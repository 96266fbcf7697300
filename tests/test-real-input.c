/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-real-input.c: the whole application driven as a person drives it,
 * with real key presses and pointer clicks sent through the X server:
 * accounts created on the real Prosody and ejabberd (with its CAPTCHA)
 * through the sign-up assistant, then the password changed in the
 * account's settings and the account deleted from its menu in the main
 * window — once by the keyboard alone, once by the pointer (typing text
 * aside). Each step is checked from outside: logins, the keyring, the
 * main window's list; and at the end no file outside the keyring holds a
 * password that was typed. */
#define G_LOG_DOMAIN "test-real-input"

#include "config.h"

#include <string.h>

#include "enlist-account-dialog.h"
#include "enlist-application.h"
#include "enlist-delete-dialog.h"
#include "enlist-result-page.h"
#include "enlist-server-suggestions.h"
#include "enlist-signup-test.h"
#include "enlist-test-secrets.h"
#include "enlist-test-utils.h"
#include "enlist-ui-test-app.h"
#include "enlist-ui-test-input.h"
#include "enlist-ui-test-utils.h"

/* A run of the application: its data directory, the name registered, and
 * the address the assistant reported. */
typedef struct
{
  char *dir;
  char *user;
  char *address;
} AppRun;

static gboolean
row_listed (gpointer data)
{
  AppRun *run = ((gpointer *) data)[0];
  EnlistApplication *app = ((gpointer *) data)[1];

  return enlist_ui_test_find_row (enlist_ui_test_app_window (app), run->address) != NULL;
}

/* ---- the keyboard alone --------------------------------------------------- */

static gboolean
window_active (gpointer data)
{
  return gtk_window_is_active (GTK_WINDOW (data));
}

static GtkWidget *
focus_of (EnlistSignupAssistant *assistant)
{
  return gtk_window_get_focus (GTK_WINDOW (assistant));
}

static gboolean
focus_in (EnlistSignupAssistant *assistant,
          GtkWidget             *widget)
{
  GtkWidget *focus = focus_of (assistant);

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}


static gboolean
window_focus_in (GtkWindow *window,
                 GtkWidget *widget)
{
  GtkWidget *focus = gtk_window_get_focus (window);

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

#define KEYBOARD_NEW_PASSWORD "staple battery 43 horse"

static gboolean
window_focus_in_new_password (gpointer data)
{
  GtkWindow *dialog = data;

  return window_focus_in (dialog, enlist_ui_test_find (GTK_WIDGET (dialog),
                                                       ADW_TYPE_PASSWORD_ENTRY_ROW,
                                                       "New Password"));
}

static gboolean
toplevel_active (gpointer data)
{
  GtkWindow *window = enlist_ui_test_find_toplevel ((GType) GPOINTER_TO_SIZE (data));

  return window != NULL && gtk_window_is_active (window);
}

static gboolean
label_mapped (gpointer data)
{
  GtkLabel *label = enlist_ui_test_find_label (GTK_WIDGET (((gpointer *) data)[0]),
                                               ((gpointer *) data)[1]);

  return label != NULL && gtk_widget_get_mapped (GTK_WIDGET (label));
}

static gboolean
row_gone (gpointer data)
{
  return !row_listed (data);
}

/* Xvfb has no window manager: when a dialog closes, the X server gives
 * the focus to the root window, not to the dialog's parent as a window
 * manager would. Do what the window manager does. */
static void
keyboard_back_to (EnlistWindow *window)
{
  gtk_window_present (GTK_WINDOW (window));
  enlist_ui_test_wait_until (window_active, window, 10000, "the main window to have the keyboard");
}

/* The label of the menu item that has the focus, mnemonic marks removed,
 * or "". */
static char *
keyboard_focused_item (EnlistWindow *window)
{
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (window));
  g_autofree char *text = NULL;

  if (focus == NULL || !g_str_equal (G_OBJECT_TYPE_NAME (focus), "GtkModelButton"))
    return g_strdup ("");
  g_object_get (focus, "text", &text, NULL);
  return enlist_ui_test_strip_mnemonic (text);
}

/* In the open menu, Down until item has the focus, then Enter. */
static void
keyboard_choose_item (EnlistWindow *window,
                      const char   *item)
{
  g_autofree char *focused = keyboard_focused_item (window);

  for (guint i = 0; i < 8 && !g_str_equal (focused, item); i++)
    {
      enlist_ui_test_press ("Down");
      g_free (focused);
      focused = keyboard_focused_item (window);
    }
  g_assert_cmpstr (focused, ==, item);
  enlist_ui_test_press ("Return");
}

/* Tab until the focus is on the account menu of address's row, then
 * Enter opens it. */
static void
keyboard_open_account_menu (EnlistWindow *window,
                            const char   *address)
{
  GtkWidget *row = enlist_ui_test_find_row (window, address);
  GtkWidget *button;

  g_assert_nonnull (row);
  button = enlist_ui_test_find (row, GTK_TYPE_MENU_BUTTON, "Account Menu");
  g_assert_nonnull (button);
  for (guint i = 0; i < 16 && !window_focus_in (GTK_WINDOW (window), button); i++)
    enlist_ui_test_press ("Tab");
  g_assert_true (window_focus_in (GTK_WINDOW (window), button));
  enlist_ui_test_press ("Return");
  g_assert_true (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)) != NULL);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (
                                                      GTK_MENU_BUTTON (button)))));
}

/* The account made on Prosody, managed from the main window by keyboard
 * alone: its menu, "Change Password…", the new password twice and Enter;
 * Escape; its menu again, "Delete Account…", the address typed and Enter.
 * Checked from outside: logins, the keyring, the list. */
static void
keyboard_manage (EnlistApplication *app,
                 AppRun            *run)
{
  EnlistWindow *window = enlist_ui_test_app_window (app);
  gpointer listed[2] = { run, app };
  gpointer changed[2] = { NULL, (gpointer) "Password changed" };
  gpointer deleted[2] = { window, (gpointer) "Account deleted" };
  g_autofree char *keyring = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *dialog;

  keyboard_back_to (window);

  /* Change Password…: the settings open with the focus on New Password;
   * Enter goes to Confirm New Password, Enter again changes it */
  keyboard_open_account_menu (window, run->address);
  keyboard_choose_item (window, "Change Password…");
  enlist_ui_test_wait_until (toplevel_active, GSIZE_TO_POINTER (ENLIST_TYPE_ACCOUNT_DIALOG),
                             10000, "the account's settings to have the keyboard");
  dialog = enlist_ui_test_find_toplevel (ENLIST_TYPE_ACCOUNT_DIALOG);
  enlist_ui_test_wait_until (window_focus_in_new_password, dialog, 10000,
                             "the focus on New Password");
  enlist_ui_test_type (KEYBOARD_NEW_PASSWORD);
  enlist_ui_test_press ("Return");
  enlist_ui_test_type (KEYBOARD_NEW_PASSWORD);
  enlist_ui_test_press ("Return");
  changed[0] = dialog;
  enlist_ui_test_wait_until (label_mapped, changed, 30000, "“Password changed”");
  g_assert_true (enlist_ui_test_login (signup_servers, "prosody", run->address,
                                       KEYBOARD_NEW_PASSWORD, &error));
  g_assert_no_error (error);
  keyring = enlist_test_keyring_of (run->address);
  g_assert_cmpstr (keyring, ==, "-=" KEYBOARD_NEW_PASSWORD);

  /* Escape closes the settings */
  enlist_ui_test_press ("Escape");
  enlist_ui_test_wait_until (signup_toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_ACCOUNT_DIALOG),
                             10000, "Escape to close the account's settings");
  keyboard_back_to (window);

  /* Delete Account…: the address typed, Enter; the row goes */
  keyboard_open_account_menu (window, run->address);
  keyboard_choose_item (window, "Delete Account…");
  enlist_ui_test_wait_until (toplevel_active, GSIZE_TO_POINTER (ENLIST_TYPE_DELETE_DIALOG),
                             10000, "the delete dialog to have the keyboard");
  enlist_ui_test_type (run->address);
  enlist_ui_test_press ("Return");
  enlist_ui_test_wait_until (row_gone, listed, 30000, "the deleted account's row to go");
  enlist_ui_test_wait_until (label_mapped, deleted, 10000, "“Account deleted”");
  g_assert_false (enlist_ui_test_login (signup_servers, "prosody", run->address,
                                        KEYBOARD_NEW_PASSWORD, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED);
  g_clear_pointer (&keyring, g_free);
  keyring = enlist_test_keyring_of (run->address);
  g_assert_cmpstr (keyring, ==, "");
}

static void
keyboard_body (EnlistApplication *app,
               gpointer           user_data)
{
  AppRun *run = user_data;
  EnlistWindow *window = enlist_ui_test_app_window (app);
  EnlistSignupAssistant *assistant;
  EnlistServerPage *server;
  EnlistServerSuggestions *suggestions;
  EnlistPasswordRows *rows;
  g_autoptr(GError) error = NULL;
  g_autofree char *second_user = g_strconcat (run->user, "e", NULL);
  gpointer listed[2] = { run, app };

  enlist_ui_test_wait_until (window_active, window, 10000, "the main window to have the keyboard");

  /* Ctrl+N */
  enlist_ui_test_press ("ctrl+n");
  assistant = signup_wait_assistant ();
  enlist_ui_test_wait_until (window_active, assistant, 10000,
                             "the assistant to have the keyboard");
  server = signup_server_page_of (assistant);
  g_assert_true (focus_in (assistant, enlist_server_page_get_server_row (server)));

  /* typing shows the suggestions; Down, Down picks the ejabberd demo,
   * Up goes back to Prosody; Enter takes it */
  suggestions = ENLIST_SERVER_SUGGESTIONS (enlist_server_page_get_suggestions (server));
  enlist_ui_test_type ("local");
  g_assert_cmpstr (signup_server_text (assistant), ==, "local");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (suggestions)));
  enlist_ui_test_press ("Down");
  enlist_ui_test_press ("Down");
  enlist_ui_test_press ("Up");
  {
    g_autoptr(EnlistProvider) selected = enlist_server_suggestions_get_selected (suggestions);

    g_assert_nonnull (selected);
    g_assert_cmpstr (enlist_provider_get_label (selected), ==, "Prosody (demo)");
  }
  enlist_ui_test_press ("Return");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (suggestions)));
  g_assert_cmpuint (enlist_server_page_get_port (server), ==, signup_port_of ("prosody"));
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "server");

  /* Enter again: Next */
  enlist_ui_test_press ("Return");
  signup_wait_page (assistant, "form");
  g_assert_true (focus_in (assistant, signup_field_entry (assistant, "username")));

  /* Alt+Left goes back, Enter comes to the same form again */
  enlist_ui_test_type ("kb");
  enlist_ui_test_press ("alt+Left");
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "server");
  g_assert_true (focus_in (assistant, enlist_server_page_get_server_row (server)));
  enlist_ui_test_press ("Return");
  /* (a button activated by the keyboard shows its press for a moment) */
  signup_wait_page (assistant, "form");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (signup_field_entry (assistant,
                                                                            "username"))), ==,
                   "kb");

  /* the name, Enter, the password, Enter, again, Enter: registered */
  /* the first empty field has the focus (the password): Shift+Tab up to
   * the name, which Ctrl+A selects to be typed over */
  rows = signup_password_rows_of (assistant);
  g_assert_true (focus_in (assistant, enlist_password_rows_get_password_row (rows)));
  for (guint i = 0; i < 8 && !focus_in (assistant, signup_field_entry (assistant, "username")); i++)
    enlist_ui_test_press ("shift+Tab");
  g_assert_true (focus_in (assistant, signup_field_entry (assistant, "username")));
  enlist_ui_test_press ("ctrl+a");
  enlist_ui_test_type (run->user);
  enlist_ui_test_press ("Return");
  rows = signup_password_rows_of (assistant);
  g_assert_true (focus_in (assistant, enlist_password_rows_get_password_row (rows)));
  enlist_ui_test_type (SIGNUP_PASSWORD);
  enlist_ui_test_press ("Return");
  g_assert_true (focus_in (assistant, enlist_password_rows_get_confirm_row (rows)));
  enlist_ui_test_type (SIGNUP_PASSWORD);
  g_assert_true (enlist_password_rows_get_matches (rows));
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_READY);
  enlist_ui_test_press ("Return");
  signup_wait_page (assistant, "result");
  run->address = g_strdup_printf ("%s@localhost", run->user);
  g_assert_cmpstr (enlist_result_page_get_address (ENLIST_RESULT_PAGE (
                     enlist_signup_assistant_get_page_widget (assistant, "result"))), ==,
                   run->address);

  /* Enter: Done */
  enlist_ui_test_press ("Return");
  enlist_ui_test_wait_until (signup_toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "Enter on Done to close the assistant");
  enlist_ui_test_wait_until (row_listed, listed, 10000, "the new account in the main window");
  g_assert_true (enlist_ui_test_login (signup_servers, "prosody", run->address, SIGNUP_PASSWORD,
                                       &error));
  g_assert_no_error (error);

  /* ejabberd with its CAPTCHA, the same way: Enter goes from field to
   * field, through the CAPTCHA's answer, and then registers */
  enlist_ui_test_press ("ctrl+n");
  assistant = signup_wait_assistant ();
  enlist_ui_test_wait_until (window_active, assistant, 10000,
                             "the assistant to have the keyboard again");
  server = signup_server_page_of (assistant);
  enlist_ui_test_type ("local");
  enlist_ui_test_press ("Down");
  enlist_ui_test_press ("Down");
  enlist_ui_test_press ("Return");
  g_assert_cmpuint (enlist_server_page_get_port (server), ==, signup_port_of ("ejabberd"));
  enlist_ui_test_press ("Return");
  signup_wait_page (assistant, "form");
  enlist_ui_test_wait_until (signup_captcha_shown, assistant, SIGNUP_WAIT_MS, "the CAPTCHA image");
  g_assert_true (focus_in (assistant, signup_field_entry (assistant, "username")));
  enlist_ui_test_type (second_user);
  enlist_ui_test_press ("Return");
  enlist_ui_test_type (SIGNUP_PASSWORD);
  enlist_ui_test_press ("Return");
  enlist_ui_test_type (SIGNUP_PASSWORD);
  enlist_ui_test_press ("Return");
  g_assert_true (focus_in (assistant, signup_field_entry (assistant,
                                                          signup_captcha_var (assistant))));
  {
    g_autofree char *answer = signup_captcha_answer (assistant);

    enlist_ui_test_type (answer);
  }
  enlist_ui_test_press ("Return");
  signup_wait_page (assistant, "result");
  {
    g_autofree char *address = g_strdup_printf ("%s@localhost", second_user);

    g_assert_cmpstr (enlist_result_page_get_address (ENLIST_RESULT_PAGE (
                       enlist_signup_assistant_get_page_widget (assistant, "result"))), ==,
                     address);
    g_assert_true (enlist_ui_test_login (signup_servers, "ejabberd", address, SIGNUP_PASSWORD,
                                         &error));
    g_assert_no_error (error);
    enlist_test_clear_keyring (address);
  }
  enlist_ui_test_press ("Return");
  enlist_ui_test_wait_until (signup_toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "Enter on Done to close the assistant");

  /* Ctrl+N, then Escape: closed, nothing asked */
  enlist_ui_test_press ("ctrl+n");
  assistant = signup_wait_assistant ();
  enlist_ui_test_wait_until (window_active, assistant, 10000,
                             "the assistant to have the keyboard again");
  enlist_ui_test_press ("Escape");
  enlist_ui_test_wait_until (signup_toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "Escape to close the assistant");

  keyboard_manage (app, run);
}

static void
test_keyboard (void)
{
  g_auto(GStrv) options = signup_demo_options ();
  AppRun run = { signup_make_data_dir (), signup_random_user ("keys"), NULL };

  g_assert_cmpint (enlist_ui_test_app_run (run.dir,
                                           enlist_test_servers_get_ca_file (signup_servers),
                                           (const char * const *) options, keyboard_body, &run),
                   ==, 0);
  g_assert_nonnull (run.address);
  enlist_test_clear_keyring (run.address);
  enlist_ui_test_remove_dir (run.dir);
  g_free (run.dir);
  g_free (run.user);
  g_free (run.address);
}


/* ---- the pointer ------------------------------------------------------------ */

static gboolean
widget_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

/* Clicks the widget of type named name under root, once it is shown. */
static GtkWidget *
click_named (GtkWidget  *root,
             GType       type,
             const char *name)
{
  GtkWidget *widget = enlist_ui_test_find (root, type, name);
  g_autofree char *what = g_strdup_printf ("“%s” to be shown", name);

  if (widget == NULL)
    g_error ("No %s named “%s”", g_type_name (type), name);
  enlist_ui_test_wait_until (widget_mapped, widget, 10000, what);
  enlist_ui_test_pointer_click (widget);
  return widget;
}

/* A click into an entry, then the text typed there. */
static void
click_and_type (GtkWidget  *editable,
                const char *text)
{
  enlist_ui_test_pointer_click (editable);
  enlist_ui_test_type (text);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (editable)), ==, text);
}

/* The account menu of address's row opened by a click, and item clicked. */
static void
pointer_choose_item (EnlistWindow *window,
                     const char   *address,
                     const char   *item)
{
  GtkWidget *row = enlist_ui_test_find_row (window, address);
  GtkWidget *button;
  GtkPopover *popover;

  g_assert_nonnull (row);
  button = click_named (row, GTK_TYPE_MENU_BUTTON, "Account Menu");
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
  g_assert_nonnull (popover);
  enlist_ui_test_wait_until (widget_mapped, popover, 10000, "the account menu");
  enlist_ui_test_wait_draw (GTK_WIDGET (popover));
  click_named (GTK_WIDGET (popover), GTK_TYPE_WIDGET, item);
}

static GtkWindow *
wait_toplevel_active (GType       type,
                      const char *what)
{
  GtkWindow *window;

  enlist_ui_test_wait_until (toplevel_active, GSIZE_TO_POINTER (type), 10000, what);
  window = enlist_ui_test_find_toplevel (type);
  enlist_ui_test_wait_draw (GTK_WIDGET (window));
  return window;
}

/* The close button of a window's header bar. */
static GtkWidget *
close_button_of (GtkWidget *root)
{
  if (GTK_IS_BUTTON (root) && gtk_widget_has_css_class (root, "close"))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = close_button_of (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct
{
  GtkWidget  *editable;
  const char *text;
} TextWait;

static gboolean
has_text (gpointer data)
{
  TextWait *wait = data;

  return g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (wait->editable)), wait->text) == 0;
}

static void
pointer_body (EnlistApplication *app,
              gpointer           user_data)
{
  AppRun *run = user_data;
  EnlistWindow *window = enlist_ui_test_app_window (app);
  gpointer listed[2] = { run, app };
  gpointer changed[2] = { NULL, (gpointer) "Password changed" };
  gpointer deleted[2] = { window, (gpointer) "Account deleted" };
  EnlistSignupAssistant *assistant;
  EnlistServerPage *server;
  EnlistServerSuggestions *suggestions;
  EnlistPasswordRows *rows;
  GtkWidget *first, *current;
  GtkWindow *dialog;
  g_autofree char *keyring = NULL;
  g_autofree char *shot = NULL;
  g_autoptr(GError) error = NULL;
  TextWait wait;

  keyboard_back_to (window);

  /* the window's Create Account; the server typed, the Prosody demo
   * picked from the suggestions by a click, Next */
  click_named (GTK_WIDGET (window), GTK_TYPE_BUTTON, "Create Account");
  assistant = signup_wait_assistant ();
  wait_toplevel_active (ENLIST_TYPE_SIGNUP_ASSISTANT, "the assistant to be active");
  server = signup_server_page_of (assistant);
  click_and_type (enlist_server_page_get_server_row (server), "local");
  suggestions = ENLIST_SERVER_SUGGESTIONS (enlist_server_page_get_suggestions (server));
  enlist_ui_test_wait_until (widget_mapped, suggestions, 10000, "the suggestions");
  enlist_ui_test_wait_draw (GTK_WIDGET (suggestions));
  first = enlist_ui_test_find (GTK_WIDGET (suggestions), GTK_TYPE_LIST_BOX_ROW, NULL);
  g_assert_nonnull (first);
  enlist_ui_test_pointer_click (first);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (suggestions)));
  g_assert_cmpuint (enlist_server_page_get_port (server), ==, signup_port_of ("prosody"));
  click_named (GTK_WIDGET (assistant), GTK_TYPE_BUTTON, "Next");

  /* the form: each field clicked, then typed into; Register */
  signup_wait_page (assistant, "form");
  enlist_ui_test_wait_draw (GTK_WIDGET (assistant));
  click_and_type (signup_field_entry (assistant, "username"), run->user);
  rows = signup_password_rows_of (assistant);
  click_and_type (enlist_password_rows_get_password_row (rows), SIGNUP_PASSWORD);
  click_and_type (enlist_password_rows_get_confirm_row (rows), SIGNUP_PASSWORD);
  click_named (GTK_WIDGET (assistant), GTK_TYPE_BUTTON, "Register");
  signup_wait_page (assistant, "result");
  run->address = g_strdup_printf ("%s@localhost", run->user);
  g_assert_cmpstr (enlist_result_page_get_address (ENLIST_RESULT_PAGE (
                     enlist_signup_assistant_get_page_widget (assistant, "result"))), ==,
                   run->address);
  click_named (GTK_WIDGET (assistant), GTK_TYPE_BUTTON, "Done");
  enlist_ui_test_wait_until (signup_toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "Done to close the assistant");
  enlist_ui_test_wait_until (row_listed, listed, 10000, "the new account in the main window");
  g_assert_true (enlist_ui_test_login (signup_servers, "prosody", run->address, SIGNUP_PASSWORD,
                                       &error));
  g_assert_no_error (error);

  /* the row's menu, Change Password…: the new password twice, the
   * button; then the window's close button */
  keyboard_back_to (window);
  pointer_choose_item (window, run->address, "Change Password…");
  dialog = wait_toplevel_active (ENLIST_TYPE_ACCOUNT_DIALOG, "the account's settings");
  current = enlist_ui_test_find (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW,
                                 "Current Password");
  wait = (TextWait) { current, SIGNUP_PASSWORD };
  enlist_ui_test_wait_until (has_text, &wait, 10000, "the password from the keyring");
  click_and_type (enlist_ui_test_find (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW,
                                       "New Password"), KEYBOARD_NEW_PASSWORD);
  click_and_type (enlist_ui_test_find (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW,
                                       "Confirm New Password"), KEYBOARD_NEW_PASSWORD);
  click_named (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "Change Password");
  changed[0] = dialog;
  enlist_ui_test_wait_until (label_mapped, changed, 30000, "“Password changed”");
  g_assert_true (enlist_ui_test_login (signup_servers, "prosody", run->address,
                                       KEYBOARD_NEW_PASSWORD, &error));
  g_assert_no_error (error);
  keyring = enlist_test_keyring_of (run->address);
  g_assert_cmpstr (keyring, ==, "-=" KEYBOARD_NEW_PASSWORD);
  g_assert_nonnull (close_button_of (GTK_WIDGET (dialog)));
  enlist_ui_test_pointer_click (close_button_of (GTK_WIDGET (dialog)));
  enlist_ui_test_wait_until (signup_toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_ACCOUNT_DIALOG),
                             10000, "the close button to close the account's settings");

  /* the row's menu, Delete Account…: the address typed, Delete */
  keyboard_back_to (window);
  pointer_choose_item (window, run->address, "Delete Account…");
  dialog = wait_toplevel_active (ENLIST_TYPE_DELETE_DIALOG, "the delete dialog");
  click_and_type (enlist_ui_test_find (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Address"),
                  run->address);
  shot = enlist_ui_test_screenshot (GTK_WIDGET (dialog), "real-input-delete");
  click_named (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "Delete");
  enlist_ui_test_wait_until (row_gone, listed, 30000, "the deleted account's row to go");
  enlist_ui_test_wait_until (label_mapped, deleted, 10000, "“Account deleted”");
  g_assert_false (enlist_ui_test_login (signup_servers, "prosody", run->address,
                                        KEYBOARD_NEW_PASSWORD, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED);
  g_clear_pointer (&keyring, g_free);
  keyring = enlist_test_keyring_of (run->address);
  g_assert_cmpstr (keyring, ==, "");

  /* the passwords typed went to the keyring and the server, and nowhere
   * else: not into any file under HOME and the XDG directories */
  {
    const char *secrets[] = { SIGNUP_PASSWORD, KEYBOARD_NEW_PASSWORD, NULL };
    const char *dirs[] = { g_get_home_dir (), g_get_user_data_dir (), g_get_user_config_dir (),
                           g_get_user_cache_dir () };
    g_autofree char *keyrings = g_build_filename (g_get_user_data_dir (), "keyrings", NULL);
    guint n_files = 0;

    for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
      n_files += enlist_test_assert_no_secret_in_tree (dirs[i], secrets, keyrings);
    g_assert_cmpuint (n_files, >, 0);
  }
}

static void
test_pointer (void)
{
  g_auto(GStrv) options = signup_demo_options ();
  AppRun run = { signup_make_data_dir (), signup_random_user ("click"), NULL };

  g_assert_cmpint (enlist_ui_test_app_run (run.dir,
                                           enlist_test_servers_get_ca_file (signup_servers),
                                           (const char * const *) options, pointer_body, &run),
                   ==, 0);
  g_assert_nonnull (run.address);
  enlist_test_clear_keyring (run.address);
  enlist_ui_test_remove_dir (run.dir);
  g_free (run.dir);
  g_free (run.user);
  g_free (run.address);
}

/* ---- main --------------------------------------------------------------- */

int
main (int    argc,
      char **argv)
{
  int status;

  enlist_ui_test_init (&argc, &argv);

  g_test_add_func ("/real-input/keyboard", test_keyboard);
  g_test_add_func ("/real-input/pointer", test_pointer);

  signup_servers = enlist_test_servers_start (TRUE, TRUE);
  status = g_test_run ();
  enlist_test_servers_stop (signup_servers);
  return status;
}
