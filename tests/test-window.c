/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-window.c: the main window of the real application under Xvfb: the
 * empty state; accounts registered on the real Prosody listed with where
 * they live; accounts left pending by a "crash" shown while the manager
 * settles them and then what it found; the primary menu, the shortcuts
 * window, About; the window size kept in the settings; Copy Address. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "enlist-account-row.h"
#include "enlist-application.h"
#include "enlist-test-servers.h"
#include "enlist-test-utils.h"
#include "enlist-ui-test-app.h"
#include "enlist-ui-test-utils.h"
#include "enlist-window.h"

static EnlistTestServers *servers;

static void
empty_body (EnlistApplication *app,
            gpointer           data)
{
  g_autofree char *shot = NULL;
  EnlistWindow *window = enlist_ui_test_app_window (app);
  GtkWidget *status, *button, *header_button;

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Enlist");
  status = enlist_ui_test_find (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE, "No Accounts");
  g_assert_nonnull (status);
  g_assert_true (gtk_widget_get_mapped (status));
  button = enlist_ui_test_find (status, GTK_TYPE_BUTTON, "Create Account");
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==,
                   "app.create-account");
  g_assert_true (gtk_widget_has_css_class (button, "suggested-action"));
  g_assert_true (gtk_widget_has_css_class (button, "pill"));

  /* the header's icon button, named by its tooltip (and its accessible label) */
  header_button = enlist_ui_test_find (GTK_WIDGET (window), GTK_TYPE_BUTTON, "Create Account");
  g_assert_true (header_button == button ||
                 gtk_widget_is_ancestor (header_button, GTK_WIDGET (window)));
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON, "Main Menu"));
  g_assert_null (enlist_ui_test_find (GTK_WIDGET (window), ENLIST_TYPE_ACCOUNT_ROW, NULL));

  /* loaded: the spinner of the loading page is gone */
  g_assert_false (gtk_widget_get_mapped (enlist_ui_test_find (GTK_WIDGET (window),
                                                              GTK_TYPE_SPINNER, NULL)));

  shot = enlist_ui_test_screenshot (GTK_WIDGET (window), "window-empty");
  g_assert_true (g_file_test (shot, G_FILE_TEST_IS_REGULAR));
}

static void
test_window_empty (void)
{
  g_autofree char *dir = enlist_ui_test_make_dir ();

  g_assert_cmpint (enlist_ui_test_app_run (dir, NULL, NULL, empty_body, NULL), ==, 0);
  enlist_ui_test_remove_dir (dir);
}

/* ---- menus, shortcuts, About -------------------------------------------- */

static void
collect_shortcuts (GtkWidget *widget,
                   GString   *out)
{
  /* the window keeps copies of them for its search: the ones shown count */
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget) && gtk_widget_get_mapped (widget))
    {
      g_autofree char *title = NULL;
      g_autofree char *accelerator = NULL;
      g_autofree char *action = NULL;

      g_object_get (widget, "title", &title, "accelerator", &accelerator, "action-name", &action,
                    NULL);
      g_string_append_printf (out, "%s%s=%s", out->len > 0 ? "|" : "", title,
                              action != NULL ? action : accelerator);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_shortcuts (child, out);
}

static gboolean
toplevel_shown (gpointer data)
{
  return enlist_ui_test_find_toplevel (GPOINTER_TO_SIZE (data)) != NULL;
}

static gboolean
popover_mapped (gpointer data)
{
  GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (data));

  return popover != NULL && gtk_widget_get_mapped (GTK_WIDGET (popover));
}

static void
menus_body (EnlistApplication *app,
            gpointer           data)
{
  EnlistWindow *window = enlist_ui_test_app_window (app);
  g_auto(GStrv) accels = NULL;
  g_autofree char *items = NULL;
  g_autofree char *shot = NULL;
  g_autoptr(GString) shortcuts = g_string_new ("");
  GtkWidget *menu_button;
  GtkWindow *overlay, *about;
  GAction *create;

  /* the primary menu, with the copy of the issue */
  menu_button = enlist_ui_test_find (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON, "Main Menu");
  g_assert_nonnull (menu_button);
  items = enlist_ui_test_menu_items (
    gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button)));
  g_assert_cmpstr (items, ==,
                   "Create Account=app.create-account|"
                   "Keyboard Shortcuts=win.show-help-overlay|"
                   "About Enlist=app.about");
  gtk_menu_button_popup (GTK_MENU_BUTTON (menu_button));
  enlist_ui_test_wait_until (popover_mapped, menu_button, 5000, "the primary menu to open");
  shot = enlist_ui_test_screenshot (GTK_WIDGET (gtk_menu_button_get_popover (
                                      GTK_MENU_BUTTON (menu_button))), "window-primary-menu");
  gtk_menu_button_popdown (GTK_MENU_BUTTON (menu_button));
  g_clear_pointer (&shot, g_free);

  /* Ctrl+N creates an account (the assistant answers "create-account"),
   * Ctrl+Q quits, Ctrl+? shows the shortcuts */
  create = g_action_map_lookup_action (G_ACTION_MAP (app), "create-account");
  g_assert_nonnull (create);
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.create-account");
  g_assert_cmpstr (accels[0], ==, "<Control>n");
  g_clear_pointer (&accels, g_strfreev);
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  g_assert_cmpstr (accels[0], ==, "<Control>q");
  g_clear_pointer (&accels, g_strfreev);
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay");
  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>question"));

  /* Keyboard Shortcuts */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
  enlist_ui_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW), 5000,
                             "the shortcuts window");
  overlay = enlist_ui_test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  enlist_ui_test_show (overlay);
  collect_shortcuts (GTK_WIDGET (overlay), shortcuts);
  g_assert_cmpstr (shortcuts->str, ==,
                   "Create Account=app.create-account|"
                   "Keyboard Shortcuts=win.show-help-overlay|"
                   "Quit=app.quit|"
                   "Back=<Alt>Left|"
                   "Cancel=Escape");
  shot = enlist_ui_test_screenshot (GTK_WIDGET (overlay), "window-shortcuts");
  g_clear_pointer (&shot, g_free);
  gtk_window_close (overlay);

  /* About Enlist */
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  enlist_ui_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (ADW_TYPE_ABOUT_WINDOW), 5000,
                             "the About window");
  about = enlist_ui_test_find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  enlist_ui_test_show (about);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==, "Enlist");
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_true (gtk_window_get_transient_for (about) == GTK_WINDOW (window));
  shot = enlist_ui_test_screenshot (GTK_WIDGET (about), "window-about");
  gtk_window_destroy (about);
}

static void
test_window_menus (void)
{
  g_autofree char *dir = enlist_ui_test_make_dir ();

  g_assert_cmpint (enlist_ui_test_app_run (dir, NULL, NULL, menus_body, NULL), ==, 0);
  enlist_ui_test_remove_dir (dir);
}

/* ---- a damaged account file ---------------------------------------------- */

static void
damaged_body (EnlistApplication *app,
              gpointer           data)
{
  g_autofree char *shot = NULL;
  GtkWindow *dialog;

  /* said at once, over the window, in plain words naming the file */
  enlist_ui_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 10000,
                             "the load error");
  dialog = enlist_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  enlist_ui_test_show (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Your Accounts Could Not Be Read");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "accounts.ini"));
  g_assert_true (gtk_window_get_transient_for (dialog) ==
                 GTK_WINDOW (enlist_ui_test_app_window (app)));
  shot = enlist_ui_test_screenshot (GTK_WIDGET (dialog), "window-damaged-file");
  enlist_ui_test_click (enlist_ui_test_find (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "Close"));
}

static void
test_window_damaged (void)
{
  g_autofree char *dir = enlist_ui_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "accounts.ini", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "[enlist\nversion=", -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (enlist_ui_test_app_run (dir, NULL, NULL, damaged_body, NULL), ==, 0);
  /* and left as it was */
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_cmpstr (contents, ==, "[enlist\nversion=");
  enlist_ui_test_remove_dir (dir);
}

/* ---- the window's size -------------------------------------------------- */

static void
size_body (EnlistApplication *app,
           gpointer           data)
{
  EnlistSettings *settings = enlist_application_get_settings (app);
  GtkWindow *window;
  int width = 0, height = 0;

  /* the size the settings remember is the size a new window gets */
  gtk_window_destroy (GTK_WINDOW (enlist_ui_test_app_window (app)));
  enlist_settings_set_window_state (settings, 810, 520, FALSE);
  window = GTK_WINDOW (enlist_window_new (app));
  gtk_window_get_default_size (window, &width, &height);
  g_assert_cmpint (width, ==, 810);
  g_assert_cmpint (height, ==, 520);
  enlist_ui_test_show (window);

  /* and the size it had is kept when it closes */
  gtk_window_set_default_size (window, 700, 600);
  enlist_ui_test_wait_draw (GTK_WIDGET (window));
  gtk_window_close (window);
  g_assert_cmpint (enlist_settings_get_window_width (settings), ==, 700);
  g_assert_cmpint (enlist_settings_get_window_height (settings), ==, 600);
  g_assert_false (enlist_settings_get_window_maximized (settings));

  /* maximized is restored as maximized */
  enlist_settings_set_window_state (settings, 0, 0, TRUE);
  window = GTK_WINDOW (enlist_window_new (app));
  g_assert_true (gtk_window_is_maximized (window) ||
                 enlist_settings_get_window_maximized (settings));
  enlist_ui_test_show (window);
  g_assert_true (gtk_window_is_maximized (window));
}

static void
test_window_size (void)
{
  g_autofree char *dir = enlist_ui_test_make_dir ();

  g_assert_cmpint (enlist_ui_test_app_run (dir, NULL, NULL, size_body, NULL), ==, 0);
  enlist_ui_test_remove_dir (dir);
}

/* ---- accounts ----------------------------------------------------------- */

/* A TCP server that takes connections and never says a word, so that the
 * manager's check of a pending account stays under way until the test
 * lets it fail. */
typedef struct
{
  GSocketService *service;
  GPtrArray      *connections;
  guint16         port;
} Silent;

static gboolean
silent_incoming (GSocketService    *service,
                 GSocketConnection *connection,
                 GObject           *source,
                 Silent            *silent)
{
  g_ptr_array_add (silent->connections, g_object_ref (connection));
  return TRUE;
}

static void
silent_start (Silent *silent)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  silent->connections = g_ptr_array_new_with_free_func (g_object_unref);
  silent->service = g_socket_service_new ();
  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (silent->service), address,
                                                G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                                NULL, &effective, &error));
  g_assert_no_error (error);
  silent->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (silent->service, "incoming", G_CALLBACK (silent_incoming), silent);
}

static void
silent_stop (Silent *silent)
{
  g_socket_service_stop (silent->service);
  g_socket_listener_close (G_SOCKET_LISTENER (silent->service));
  for (guint i = 0; i < silent->connections->len; i++)
    g_io_stream_close (g_ptr_array_index (silent->connections, i), NULL, NULL);
  g_clear_pointer (&silent->connections, g_ptr_array_unref);
  g_clear_object (&silent->service);
}

static gboolean
silent_connected (gpointer data)
{
  return ((Silent *) data)->connections->len > 0;
}

static GtkWidget *
row_spinner (GtkWidget *row)
{
  GtkWidget *spinner = enlist_ui_test_find (row, GTK_TYPE_SPINNER, NULL);

  g_assert_nonnull (spinner);
  return spinner;
}

typedef struct
{
  EnlistWindow *window;
  const char   *address;
  const char   *subtitle;
} RowWait;

static gboolean
row_says (gpointer data)
{
  RowWait *wait = data;
  GtkWidget *row = enlist_ui_test_find_row (wait->window, wait->address);

  /* and no longer turning its spinner */
  return row != NULL &&
         g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), wait->subtitle) == 0 &&
         !gtk_widget_get_visible (row_spinner (row));
}

static void
wait_row_says (EnlistWindow *window,
               const char   *address,
               const char   *subtitle)
{
  RowWait wait = { window, address, subtitle };
  g_autofree char *what = g_strdup_printf ("the row of %s to say “%s”", address, subtitle);

  enlist_ui_test_wait_until (row_says, &wait, 30000, what);
}

typedef struct
{
  GtkWidget  *root;
  const char *part;
} LabelWait;

static gboolean
label_shown (gpointer data)
{
  LabelWait *wait = data;
  GtkLabel *label = enlist_ui_test_find_label (wait->root, wait->part);

  return label != NULL && gtk_widget_get_mapped (GTK_WIDGET (label));
}

static void
wait_label (GtkWidget  *root,
            const char *part)
{
  LabelWait wait = { root, part };
  g_autofree char *what = g_strdup_printf ("a label saying “%s”", part);

  enlist_ui_test_wait_until (label_shown, &wait, 30000, what);
}

static void
clipboard_text_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
string_set (gpointer data)
{
  return *(char **) data != NULL;
}

/* Forgets every account the manager lists: the next tests share the
 * keyring. */
static void
forget_all (EnlistAccountManager *manager)
{
  while (g_list_model_get_n_items (G_LIST_MODEL (manager)) > 0)
    {
      g_autoptr(EnlistAccount) account = g_list_model_get_item (G_LIST_MODEL (manager), 0);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      enlist_account_manager_forget_async (manager, account, NULL, enlist_test_store_result,
                                           &result);
      g_assert_true (enlist_account_manager_forget_finish (manager, enlist_test_wait_for (&result),
                                                           &error));
      g_assert_no_error (error);
    }
}

typedef struct
{
  char   *first;
  char   *second;
  char   *exists;
  char   *away;
  char   *location;
  Silent  silent;
} Accounts;

static void
accounts_body (EnlistApplication *app,
               gpointer           data)
{
  Accounts *a = data;
  EnlistWindow *window = enlist_ui_test_app_window (app);
  EnlistAccountManager *manager = enlist_application_get_account_manager (app);
  g_autofree char *shot = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *items = NULL;
  g_autofree char *keyring = NULL;
  g_autofree char *created = NULL;
  g_autofree char *unchecked = NULL;
  GtkWidget *row, *menu_button, *details;
  GtkWindow *dialog;

  /* the address, and where the account lives */
  for (guint i = 0; i < 2; i++)
    {
      const char *address = i == 0 ? a->first : a->second;

      row = enlist_ui_test_find_row (window, address);
      g_assert_nonnull (row);
      g_assert_true (ENLIST_IS_ACCOUNT_ROW (row));
      g_assert_false (adw_preferences_row_get_use_markup (ADW_PREFERENCES_ROW (row)));
      g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, a->location);
      g_assert_false (gtk_widget_get_visible (row_spinner (row)));
    }

  /* the silent server's account: checked, for as long as it takes */
  enlist_ui_test_wait_until (silent_connected, &a->silent, 30000,
                             "the manager to ask the silent server");
  row = enlist_ui_test_find_row (window, a->away);
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "Checking whether the registration went through…");
  g_assert_true (gtk_widget_get_visible (row_spinner (row)));
  g_assert_true (gtk_spinner_get_spinning (GTK_SPINNER (row_spinner (row))));

  /* the one that went through: settled, with a toast saying so */
  wait_row_says (window, a->exists, a->location);
  created = g_strdup_printf ("%s was created", a->exists);
  wait_label (GTK_WIDGET (window), created);
  keyring = enlist_test_keyring_of (a->exists);
  g_assert_cmpstr (keyring, ==, "-=it went through");
  g_clear_pointer (&keyring, g_free);
  shot = enlist_ui_test_screenshot (GTK_WIDGET (window), "window-accounts-resolving");
  g_clear_pointer (&shot, g_free);

  /* the silent server gives up: not known yet, never dropped */
  silent_stop (&a->silent);
  wait_row_says (window, a->away, "Whether the registration went through is not known yet");
  unchecked = g_strdup_printf ("%s could not be checked", a->away);
  wait_label (GTK_WIDGET (window), unchecked);
  shot = enlist_ui_test_screenshot (GTK_WIDGET (window), "window-accounts");
  g_clear_pointer (&shot, g_free);

  /* the toast is short; its Details are what the manager found */
  details = enlist_ui_test_find (GTK_WIDGET (window), GTK_TYPE_BUTTON, "Details");
  g_assert_nonnull (details);
  enlist_ui_test_click (details);
  enlist_ui_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 5000,
                             "the details of the toast");
  dialog = enlist_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  enlist_ui_test_show (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, unchecked);
  g_assert_false (adw_message_dialog_get_body_use_markup (ADW_MESSAGE_DIALOG (dialog)));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "Enlist will check again next time"));
  shot = enlist_ui_test_screenshot (GTK_WIDGET (dialog), "window-pending-details");
  g_clear_pointer (&shot, g_free);
  enlist_ui_test_click (enlist_ui_test_find (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "Close"));
  g_assert_null (enlist_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));

  keyring = enlist_test_keyring_of (a->away);
  g_assert_cmpstr (keyring, ==, "pending-registration=who knows");
  g_clear_pointer (&keyring, g_free);

  /* each row's menu, with the copy of the issue */
  row = enlist_ui_test_find_row (window, a->first);
  menu_button = enlist_ui_test_find (row, GTK_TYPE_MENU_BUTTON, "Account Menu");
  g_assert_nonnull (menu_button);
  items = enlist_ui_test_menu_items (
    gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button)));
  g_assert_cmpstr (items, ==,
                   "Change Password…=account.change-password|"
                   "Delete Account…=account.delete|"
                   "Forget on This Computer=account.forget|"
                   "Copy Address=account.copy-address");
  gtk_menu_button_popup (GTK_MENU_BUTTON (menu_button));
  enlist_ui_test_wait_until (popover_mapped, menu_button, 5000, "the account menu to open");
  shot = enlist_ui_test_screenshot (GTK_WIDGET (gtk_menu_button_get_popover (
                                      GTK_MENU_BUTTON (menu_button))), "window-account-menu");
  g_clear_pointer (&shot, g_free);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (menu_button));

  /* Copy Address puts the address on the clipboard, as text */
  g_assert_true (gtk_widget_activate_action (row, "account.copy-address", NULL));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (row), NULL, clipboard_text_cb, &copied);
  enlist_ui_test_wait_until (string_set, &copied, 5000, "the clipboard's text");
  g_assert_cmpstr (copied, ==, a->first);
  wait_label (GTK_WIDGET (window), "Address copied");

  /* the next tests share the keyring */
  forget_all (manager);
}

static void
test_window_accounts (void)
{
  const char *domain = enlist_test_servers_get_domain (servers);
  guint16 port = enlist_test_servers_get_port (servers, "prosody", FALSE);
  g_autofree char *dir = enlist_ui_test_make_dir ();
  g_autofree char *exists_user = g_strdup_printf ("crashok%u", g_random_int_range (0, 100000000));
  Accounts a = { 0 };

  /* two accounts registered on the real Prosody through a manager */
  a.first = enlist_ui_test_register (servers, dir, "prosody", "listed", "first secret");
  a.second = enlist_ui_test_register (servers, dir, "prosody", "listed", "second secret");
  a.location = g_strdup_printf ("127.0.0.1:%u", port);

  /* and two registrations whose answers never came: one that went
   * through, one on a server that keeps silent until the test lets go */
  a.exists = g_strdup_printf ("%s@%s", exists_user, domain);
  enlist_test_servers_make_user (servers, "prosody", exists_user, "it went through");
  enlist_test_store_raw (a.exists, "pending-registration", "it went through");
  enlist_ui_test_add_record (dir, a.exists, port, "registration-pending");
  a.away = g_strdup_printf ("crashaway%u@%s", g_random_int_range (0, 100000000), domain);
  silent_start (&a.silent);
  enlist_test_store_raw (a.away, "pending-registration", "who knows");
  enlist_ui_test_add_record (dir, a.away, a.silent.port, "registration-pending");

  g_assert_cmpint (enlist_ui_test_app_run (dir, enlist_test_servers_get_ca_file (servers), NULL,
                                           accounts_body, &a), ==, 0);

  g_free (a.first);
  g_free (a.second);
  g_free (a.exists);
  g_free (a.away);
  g_free (a.location);
  enlist_ui_test_remove_dir (dir);
}

typedef struct
{
  char   *gone;      /* deleted by the server: the answer was lost */
  char   *kept;      /* not deleted */
  char   *away;      /* on a server that does not answer */
  char   *location;
  Silent  silent;
  /* the toasts seen (they come in either order, one at a time) */
  char         *deleted;
  char         *not_deleted;
  gboolean      saw_deleted;
  gboolean      saw_not_deleted;
  EnlistWindow *window;
} Deletions;

/* Both found out about, each with its toast. */
static gboolean
deletions_settled (gpointer data)
{
  Deletions *d = data;
  LabelWait deleted = { GTK_WIDGET (d->window), d->deleted };
  LabelWait not_deleted = { GTK_WIDGET (d->window), d->not_deleted };
  GtkWidget *kept = enlist_ui_test_find_row (d->window, d->kept);

  d->saw_deleted |= label_shown (&deleted);
  d->saw_not_deleted |= label_shown (&not_deleted);
  return d->saw_deleted && d->saw_not_deleted
         && enlist_ui_test_find_row (d->window, d->gone) == NULL
         && kept != NULL
         && g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (kept)), d->location) == 0;
}

static void
deletions_body (EnlistApplication *app,
                gpointer           data)
{
  Deletions *d = data;
  EnlistWindow *window = enlist_ui_test_app_window (app);
  EnlistAccountManager *manager = enlist_application_get_account_manager (app);
  g_autofree char *shot = NULL;
  g_autofree char *keyring = NULL;
  GtkWidget *row;

  /* being checked, with the spinner turning */
  enlist_ui_test_wait_until (silent_connected, &d->silent, 30000,
                             "the manager to ask the silent server");
  row = enlist_ui_test_find_row (window, d->away);
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "Checking whether the account was deleted…");
  g_assert_true (gtk_widget_get_visible (row_spinner (row)));

  /* the server no longer takes the saved password: gone, row and all;
   * the server still has the other: back to an ordinary row */
  d->window = window;
  d->deleted = g_strdup_printf ("%s was deleted", d->gone);
  d->not_deleted = g_strdup_printf ("%s was not deleted", d->kept);
  enlist_ui_test_wait_until (deletions_settled, d, 60000, "both deletions to be settled");
  g_assert_null (enlist_account_manager_lookup (manager, d->gone));
  keyring = enlist_test_keyring_of (d->gone);
  g_assert_cmpstr (keyring, ==, "");
  g_clear_pointer (&keyring, g_free);
  keyring = enlist_test_keyring_of (d->kept);
  g_assert_cmpstr (keyring, ==, "-=still here");
  g_clear_pointer (&keyring, g_free);

  /* the silent server gives up: still listed, to be checked next time */
  silent_stop (&d->silent);
  wait_row_says (window, d->away, "Whether the account was deleted is not known yet");
  shot = enlist_ui_test_screenshot (GTK_WIDGET (window), "window-deletion-pending");
  keyring = enlist_test_keyring_of (d->away);
  g_assert_cmpstr (keyring, ==, "-=who knows");

  forget_all (manager);
}

/* Deletions whose answers never came (the record says deletion-pending,
 * the saved password is in the keyring): settled at start by logging in.
 * One the server did delete goes, with a toast; one it did not is an
 * ordinary row again; one on a server that does not answer stays, saying
 * it is not known yet. */
static void
test_window_deletions (void)
{
  const char *domain = enlist_test_servers_get_domain (servers);
  guint16 port = enlist_test_servers_get_port (servers, "prosody", FALSE);
  g_autofree char *dir = enlist_ui_test_make_dir ();
  g_autofree char *kept_user = g_strdup_printf ("delkept%u", g_random_int_range (0, 100000000));
  Deletions d = { 0 };

  d.location = g_strdup_printf ("127.0.0.1:%u", port);
  d.gone = g_strdup_printf ("delgone%u@%s", g_random_int_range (0, 100000000), domain);
  enlist_test_store_raw (d.gone, NULL, "it was deleted");
  enlist_ui_test_add_record (dir, d.gone, port, "deletion-pending");
  d.kept = g_strdup_printf ("%s@%s", kept_user, domain);
  enlist_test_servers_make_user (servers, "prosody", kept_user, "still here");
  enlist_test_store_raw (d.kept, NULL, "still here");
  enlist_ui_test_add_record (dir, d.kept, port, "deletion-pending");
  d.away = g_strdup_printf ("delaway%u@%s", g_random_int_range (0, 100000000), domain);
  silent_start (&d.silent);
  enlist_test_store_raw (d.away, NULL, "who knows");
  enlist_ui_test_add_record (dir, d.away, d.silent.port, "deletion-pending");

  g_assert_cmpint (enlist_ui_test_app_run (dir, enlist_test_servers_get_ca_file (servers), NULL,
                                           deletions_body, &d), ==, 0);

  g_free (d.gone);
  g_free (d.kept);
  g_free (d.away);
  g_free (d.location);
  g_free (d.deleted);
  g_free (d.not_deleted);
  enlist_ui_test_remove_dir (dir);
}

typedef struct
{
  char *dir;
  char *address;
} FileError;

static void
file_error_body (EnlistApplication *app,
                 gpointer           data)
{
  FileError *f = data;
  EnlistWindow *window = enlist_ui_test_app_window (app);
  EnlistAccountManager *manager = enlist_application_get_account_manager (app);
  g_autoptr(EnlistAccount) account = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *shot = NULL;
  GtkWidget *details;
  GtkWindow *dialog;

  /* the data folder is gone, a file in its place: nothing can be written */
  enlist_ui_test_remove_dir (f->dir);
  g_assert_true (g_file_set_contents (f->dir, "not a directory\n", -1, &error));
  g_assert_no_error (error);

  account = g_object_ref (enlist_account_manager_lookup (manager, f->address));
  enlist_account_manager_forget_async (manager, account, NULL, enlist_test_store_result, &result);
  g_assert_true (enlist_account_manager_forget_finish (manager, enlist_test_wait_for (&result),
                                                       &error));
  g_assert_no_error (error);
  wait_label (GTK_WIDGET (window), "The account list could not be saved");
  shot = enlist_ui_test_screenshot (GTK_WIDGET (window), "window-file-error");
  g_clear_pointer (&shot, g_free);

  /* its details say which folder and why */
  details = enlist_ui_test_find (GTK_WIDGET (window), GTK_TYPE_BUTTON, "Details");
  g_assert_nonnull (details);
  enlist_ui_test_click (details);
  enlist_ui_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 5000,
                             "the details of the toast");
  dialog = enlist_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), f->dir));
  g_assert_false (adw_message_dialog_get_body_use_markup (ADW_MESSAGE_DIALOG (dialog)));
  enlist_ui_test_click (enlist_ui_test_find (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "Close"));

  g_assert_cmpint (g_unlink (f->dir), ==, 0);
  g_assert_cmpint (g_mkdir (f->dir, 0700), ==, 0);
}

/* The account file cannot be written: a toast says so, the cause in its
 * details (the keyring still holds what counts). */
static void
test_window_file_error (void)
{
  FileError f = { 0 };

  f.dir = enlist_ui_test_make_dir ();
  f.address = enlist_ui_test_register (servers, f.dir, "prosody", "fileerror", "a secret");
  g_assert_cmpint (enlist_ui_test_app_run (f.dir, enlist_test_servers_get_ca_file (servers), NULL,
                                           file_error_body, &f), ==, 0);
  g_free (f.address);
  enlist_ui_test_remove_dir (f.dir);
  g_free (f.dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  enlist_ui_test_init (&argc, &argv);
  g_test_add_func ("/window/empty", test_window_empty);
  g_test_add_func ("/window/menus", test_window_menus);
  g_test_add_func ("/window/size", test_window_size);
  g_test_add_func ("/window/damaged-file", test_window_damaged);
  g_test_add_func ("/window/accounts", test_window_accounts);
  g_test_add_func ("/window/deletions", test_window_deletions);
  g_test_add_func ("/window/file-error", test_window_file_error);

  servers = enlist_test_servers_start (TRUE, FALSE);
  status = g_test_run ();
  enlist_test_servers_stop (servers);
  return status;
}
