/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-delete-dialog.c: deleting and forgetting an account from its row's
 * menu in the running application, on accounts registered on the real
 * Prosody: "Delete" stays off until the address is typed exactly; Cancel
 * leaves everything; Delete removes the row, the keyring entry and the
 * record, and the account on the server (a login is refused); a failure
 * (a wrong password in the keyring, a server that is not there) leaves
 * everything and says why; Forget asks, then removes the record and the
 * keyring entry while the account still logs in. */
#include "config.h"

#include <string.h>

#include "enlist-account-row.h"
#include "enlist-delete-dialog.h"
#include "enlist-forget-dialog.h"
#include "enlist-test-servers.h"
#include "enlist-test-utils.h"
#include "enlist-ui-test-app.h"
#include "enlist-ui-test-utils.h"

#define PASSWORD "delete me 42"

static EnlistTestServers *servers;

typedef struct
{
  char *dir;
  char *address;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = enlist_ui_test_make_dir ();
  f->address = enlist_ui_test_register (servers, f->dir, "prosody", "doomed", PASSWORD);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  /* the tests share the keyring */
  enlist_test_clear_keyring (f->address);
  enlist_ui_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->address);
}

/* ---- helpers ------------------------------------------------------------ */

static gboolean
toplevel_shown (gpointer data)
{
  GtkWindow *window = enlist_ui_test_find_toplevel (GPOINTER_TO_SIZE (data));

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

static GtkWindow *
wait_toplevel (GType       type,
               const char *what)
{
  GtkWindow *window;

  enlist_ui_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (type), 10000, what);
  window = enlist_ui_test_find_toplevel (type);
  enlist_ui_test_wait_draw (GTK_WIDGET (window));
  return window;
}

static gboolean
toplevel_gone (gpointer data)
{
  return enlist_ui_test_find_toplevel (GPOINTER_TO_SIZE (data)) == NULL;
}

typedef struct
{
  EnlistWindow *window;
  const char   *address;
} RowWait;

static gboolean
row_gone (gpointer data)
{
  RowWait *wait = data;

  return enlist_ui_test_find_row (wait->window, wait->address) == NULL;
}

static gboolean
label_mapped (gpointer data)
{
  GtkLabel *label = enlist_ui_test_find_label (GTK_WIDGET (((gpointer *) data)[0]),
                                               ((gpointer *) data)[1]);

  return label != NULL && gtk_widget_get_mapped (GTK_WIDGET (label));
}

static void
wait_label (gpointer    root,
            const char *part)
{
  gpointer data[2] = { root, (gpointer) part };
  g_autofree char *what = g_strdup_printf ("“%s” to be shown", part);

  enlist_ui_test_wait_until (label_mapped, data, 30000, what);
}

static void
assert_kept (Fixture    *f,
             const char *keyring_expected)
{
  g_autofree char *keyring = enlist_test_keyring_of (f->address);
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (keyring, ==, keyring_expected);
  g_assert_true (enlist_ui_test_has_record (f->dir, f->address));
  g_assert_true (enlist_ui_test_login (servers, "prosody", f->address, PASSWORD, &error));
  g_assert_no_error (error);
}

static AdwMessageDialog *
open_delete (EnlistWindow *window,
             const char   *address)
{
  GtkWidget *row = enlist_ui_test_find_row (window, address);

  g_assert_nonnull (row);
  g_assert_true (gtk_widget_activate_action (row, "account.delete", NULL));
  return ADW_MESSAGE_DIALOG (wait_toplevel (ENLIST_TYPE_DELETE_DIALOG, "“Delete Account?”"));
}

/* The button of a response, as the user clicks it. */
static GtkWidget *
response_button (AdwMessageDialog *dialog,
                 const char       *label)
{
  GtkWidget *button = enlist_ui_test_find (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, label);

  g_assert_nonnull (button);
  return button;
}

static GtkWidget *
address_entry (AdwMessageDialog *dialog)
{
  GtkWidget *entry = enlist_ui_test_find (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Address");

  g_assert_nonnull (entry);
  return entry;
}

/* ---- typing the address -------------------------------------------------- */

static void
typing_body (EnlistApplication *app,
             gpointer           data)
{
  Fixture *f = data;
  EnlistWindow *window = enlist_ui_test_app_window (app);
  g_autofree char *shot = NULL;
  g_autofree char *upper = g_ascii_strup (f->address, -1);
  g_autofree char *spaced = g_strconcat (f->address, " ", NULL);
  g_autofree char *partial = g_strndup (f->address, strlen (f->address) - 1);
  AdwMessageDialog *dialog = open_delete (window, f->address);
  GtkWidget *entry = address_entry (dialog);

  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete Account?");
  g_assert_false (adw_message_dialog_get_body_use_markup (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), f->address));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "for good"));
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "cancel"), ==, "_Cancel");
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "delete"), ==, "_Delete");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "delete"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  g_assert_true (gtk_widget_has_focus (entry) ||
                 gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (dialog)), entry));

  /* off until the address is there, exactly */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "delete"));
  g_assert_false (gtk_widget_get_sensitive (response_button (dialog, "Delete")));
  shot = enlist_ui_test_screenshot (GTK_WIDGET (dialog), "delete-dialog");
  g_clear_pointer (&shot, g_free);
  for (guint i = 0; i < 4; i++)
    {
      const char *typed = (const char *[]) { partial, upper, spaced, "" }[i];

      gtk_editable_set_text (GTK_EDITABLE (entry), typed);
      g_assert_false (adw_message_dialog_get_response_enabled (dialog, "delete"));
      /* and Enter does not delete either */
      g_signal_emit_by_name (entry, "entry-activated");
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
    }
  gtk_editable_set_text (GTK_EDITABLE (entry), f->address);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "delete"));
  g_assert_true (gtk_widget_get_sensitive (response_button (dialog, "Delete")));
  shot = enlist_ui_test_screenshot (GTK_WIDGET (dialog), "delete-dialog-typed");

  /* Cancel leaves everything as it was */
  enlist_ui_test_click (response_button (dialog, "Cancel"));
  enlist_ui_test_wait_until (toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_DELETE_DIALOG), 5000,
                             "the dialog to close");
  enlist_ui_test_iterate (200);
  g_assert_nonnull (enlist_ui_test_find_row (window, f->address));
  g_assert_null (enlist_ui_test_find_label (GTK_WIDGET (window), "Account deleted"));
  assert_kept (f, "-=" PASSWORD);

  /* closing it is cancelling */
  dialog = open_delete (window, f->address);
  gtk_editable_set_text (GTK_EDITABLE (address_entry (dialog)), f->address);
  gtk_window_close (GTK_WINDOW (dialog));
  enlist_ui_test_wait_until (toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_DELETE_DIALOG), 5000,
                             "the dialog to close");
  enlist_ui_test_iterate (200);
  g_assert_nonnull (enlist_ui_test_find_row (window, f->address));
  assert_kept (f, "-=" PASSWORD);
}

static void
test_typing (Fixture       *f,
             gconstpointer  data)
{
  g_assert_cmpint (enlist_ui_test_app_run (f->dir, enlist_test_servers_get_ca_file (servers),
                                           NULL, typing_body, f), ==, 0);
}

/* ---- delete ------------------------------------------------------------- */

static void
delete_body (EnlistApplication *app,
             gpointer           data)
{
  Fixture *f = data;
  EnlistWindow *window = enlist_ui_test_app_window (app);
  AdwMessageDialog *dialog = open_delete (window, f->address);
  RowWait wait = { window, f->address };
  g_autofree char *shot = NULL;
  g_autofree char *keyring = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *row;

  gtk_editable_set_text (GTK_EDITABLE (address_entry (dialog)), f->address);
  enlist_ui_test_click (response_button (dialog, "Delete"));
  g_assert_null (enlist_ui_test_find_toplevel (ENLIST_TYPE_DELETE_DIALOG));

  /* at work: the row says so, its menu is off */
  row = enlist_ui_test_find_row (window, f->address);
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "Deleting the account on its server…");
  g_assert_false (gtk_widget_get_sensitive (enlist_ui_test_find (row, GTK_TYPE_MENU_BUTTON,
                                                                 "Account Menu")));
  shot = enlist_ui_test_screenshot (GTK_WIDGET (window), "delete-busy");
  g_clear_pointer (&shot, g_free);

  /* done: the row goes, a toast says so */
  enlist_ui_test_wait_until (row_gone, &wait, 30000, "the row to disappear");
  wait_label (window, "Account deleted");
  g_assert_null (enlist_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  shot = enlist_ui_test_screenshot (GTK_WIDGET (window), "delete-done");

  /* from outside: nothing left here, nothing on the server */
  keyring = enlist_test_keyring_of (f->address);
  g_assert_cmpstr (keyring, ==, "");
  g_assert_false (enlist_ui_test_has_record (f->dir, f->address));
  g_assert_false (enlist_ui_test_login (servers, "prosody", f->address, PASSWORD, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED);
}

static void
test_delete (Fixture       *f,
             gconstpointer  data)
{
  g_assert_cmpint (enlist_ui_test_app_run (f->dir, enlist_test_servers_get_ca_file (servers),
                                           NULL, delete_body, f), ==, 0);
}

/* ---- failures ----------------------------------------------------------- */

typedef struct
{
  Fixture    *f;
  const char *away;      /* an account on a server that is not there */
} Failure;

static void
fail_once (EnlistWindow *window,
           const char   *address,
           const char   *reason,
           const char   *shot_name)
{
  AdwMessageDialog *dialog = open_delete (window, address);
  RowWait wait = { window, address };
  g_autofree char *shot = NULL;
  GtkWidget *row;

  /* Enter, once the address is typed, is Delete */
  gtk_editable_set_text (GTK_EDITABLE (address_entry (dialog)), address);
  g_signal_emit_by_name (address_entry (dialog), "entry-activated");
  enlist_ui_test_wait_until (toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_DELETE_DIALOG), 5000,
                             "the confirmation to close");

  /* it says why, in a dialog over the window */
  dialog = ADW_MESSAGE_DIALOG (wait_toplevel (ADW_TYPE_MESSAGE_DIALOG, "the failure"));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Account Not Deleted");
  g_test_message ("%s: %s", address, adw_message_dialog_get_body (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), reason));
  shot = enlist_ui_test_screenshot (GTK_WIDGET (dialog), shot_name);
  enlist_ui_test_click (response_button (dialog, "Close"));
  g_assert_null (enlist_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));

  /* and leaves the row as it was */
  g_assert_false (row_gone (&wait));
  row = enlist_ui_test_find_row (window, address);
  g_assert_true (gtk_widget_get_sensitive (enlist_ui_test_find (row, GTK_TYPE_MENU_BUTTON,
                                                                "Account Menu")));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), !=,
                   "Deleting the account on its server…");
  g_assert_null (enlist_ui_test_find_label (GTK_WIDGET (window), "Account deleted"));
}

static void
failure_body (EnlistApplication *app,
              gpointer           data)
{
  Failure *failure = data;
  Fixture *f = failure->f;
  EnlistWindow *window = enlist_ui_test_app_window (app);
  g_autofree char *keyring = NULL;

  /* the keyring's password is not the account's any more */
  fail_once (window, f->address, "password", "delete-failed-password");
  keyring = enlist_test_keyring_of (f->address);
  g_assert_cmpstr (keyring, ==, "-=not the password");
  g_assert_true (enlist_ui_test_has_record (f->dir, f->address));
  g_clear_pointer (&keyring, g_free);

  /* the server is not there */
  fail_once (window, failure->away, "connect", "delete-failed-server");
  keyring = enlist_test_keyring_of (failure->away);
  g_assert_cmpstr (keyring, ==, "-=" PASSWORD);
  g_assert_true (enlist_ui_test_has_record (f->dir, failure->away));
}

static void
test_failure (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *away = g_strdup_printf ("away%u@%s", g_random_int_range (0, 100000000),
                                           enlist_test_servers_get_domain (servers));
  Failure failure = { f, away };
  g_autoptr(GError) error = NULL;

  /* the confirmed password replaced by a wrong one */
  enlist_test_store_raw (f->address, NULL, "not the password");
  /* port 1 on this computer: nothing listens there */
  enlist_test_store_raw (away, NULL, PASSWORD);
  enlist_ui_test_add_record (f->dir, away, 1, "ready");

  g_assert_cmpint (enlist_ui_test_app_run (f->dir, enlist_test_servers_get_ca_file (servers),
                                           NULL, failure_body, &failure), ==, 0);

  /* the account itself was never touched */
  g_assert_true (enlist_ui_test_login (servers, "prosody", f->address, PASSWORD, &error));
  g_assert_no_error (error);
  enlist_test_clear_keyring (away);
}

/* ---- forget ------------------------------------------------------------- */

static void
forget_body (EnlistApplication *app,
             gpointer           data)
{
  Fixture *f = data;
  EnlistWindow *window = enlist_ui_test_app_window (app);
  GtkWidget *row = enlist_ui_test_find_row (window, f->address);
  RowWait wait = { window, f->address };
  g_autofree char *shot = NULL;
  g_autofree char *keyring = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;

  /* asked first; Cancel keeps it */
  g_assert_true (gtk_widget_activate_action (row, "account.forget", NULL));
  dialog = ADW_MESSAGE_DIALOG (wait_toplevel (ENLIST_TYPE_FORGET_DIALOG, "“Forget Account?”"));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Forget Account?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), f->address));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "stays on its server"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "forget"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  shot = enlist_ui_test_screenshot (GTK_WIDGET (dialog), "forget-dialog");
  g_clear_pointer (&shot, g_free);
  enlist_ui_test_click (response_button (dialog, "Cancel"));
  enlist_ui_test_wait_until (toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_FORGET_DIALOG), 5000,
                             "the dialog to close");
  enlist_ui_test_iterate (200);
  assert_kept (f, "-=" PASSWORD);

  /* Forget: the row, the record and the password go */
  row = enlist_ui_test_find_row (window, f->address);
  g_assert_true (gtk_widget_activate_action (row, "account.forget", NULL));
  dialog = ADW_MESSAGE_DIALOG (wait_toplevel (ENLIST_TYPE_FORGET_DIALOG, "“Forget Account?”"));
  enlist_ui_test_click (response_button (dialog, "Forget"));
  enlist_ui_test_wait_until (row_gone, &wait, 30000, "the row to disappear");
  wait_label (window, "Account forgotten on this computer");
  shot = enlist_ui_test_screenshot (GTK_WIDGET (window), "forget-done");

  keyring = enlist_test_keyring_of (f->address);
  g_assert_cmpstr (keyring, ==, "");
  g_assert_false (enlist_ui_test_has_record (f->dir, f->address));
  /* the account is still there, on its server */
  g_assert_true (enlist_ui_test_login (servers, "prosody", f->address, PASSWORD, &error));
  g_assert_no_error (error);
}

static void
test_forget (Fixture       *f,
             gconstpointer  data)
{
  g_assert_cmpint (enlist_ui_test_app_run (f->dir, enlist_test_servers_get_ca_file (servers),
                                           NULL, forget_body, f), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  int status;

  enlist_ui_test_init (&argc, &argv);
  g_test_add ("/delete-dialog/typing", Fixture, NULL, fixture_set_up, test_typing,
              fixture_tear_down);
  g_test_add ("/delete-dialog/delete", Fixture, NULL, fixture_set_up, test_delete,
              fixture_tear_down);
  g_test_add ("/delete-dialog/failure", Fixture, NULL, fixture_set_up, test_failure,
              fixture_tear_down);
  g_test_add ("/forget-dialog/forget", Fixture, NULL, fixture_set_up, test_forget,
              fixture_tear_down);

  servers = enlist_test_servers_start (TRUE, FALSE);
  status = g_test_run ();
  enlist_test_servers_stop (servers);
  return status;
}
