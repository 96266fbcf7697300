/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-account-dialog.c: an account's settings dialog in the running
 * application, on an account registered on the real Prosody: opened by
 * activating its row, with the account's facts and its pinned
 * certificate; opened by "Change Password…" at its Password group; the
 * password changed through the real widgets and checked from outside (the
 * keyring through libsecret, fresh logins with the new and the old
 * password); a change refused for a wrong current password, which changes
 * nothing; and, with the in-process fake server since real servers do not
 * do it, a server that answers with a password-change form of its own,
 * whose extra field the dialog shows and sends. */
#include "config.h"

#include <string.h>

#include "enlist-account-dialog.h"
#include "enlist-account-manager.h"
#include "enlist-certificate.h"
#include "enlist-fake-server.h"
#include "enlist-form-view.h"
#include "enlist-test-servers.h"
#include "enlist-test-utils.h"
#include "enlist-ui-test-app.h"
#include "enlist-ui-test-utils.h"

static EnlistTestServers *servers;

typedef struct
{
  char *dir;
  char *address;
  char *fingerprint;
} Fixture;

#define OLD_PASSWORD "correct horse 1"
#define NEW_PASSWORD "battery staple 2"

/* An account on Prosody, with the servers' certificate pinned for its
 * domain as a user who trusted it would have. */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *domain = enlist_test_servers_get_domain (servers);
  g_autoptr(EnlistAccountManager) manager = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = enlist_ui_test_make_dir ();
  f->address = enlist_ui_test_register (servers, f->dir, "prosody", "settings", OLD_PASSWORD);

  certificate = g_tls_certificate_new_from_file (enlist_test_servers_get_ca_file (servers),
                                                &error);
  g_assert_no_error (error);
  f->fingerprint = enlist_certificate_get_fingerprint (certificate);
  manager = enlist_account_manager_new (f->dir, NULL, NULL);
  enlist_account_manager_trust_certificate_async (manager, domain, certificate, NULL,
                                                  enlist_test_store_result, &result);
  g_assert_true (enlist_account_manager_trust_certificate_finish (manager,
                                                                  enlist_test_wait_for (&result),
                                                                  &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  enlist_test_finalize (g_steal_pointer (&manager));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *keyring = NULL;

  /* the tests share the keyring */
  enlist_test_clear_keyring (f->address);
  keyring = enlist_test_keyring_of (f->address);
  g_assert_cmpstr (keyring, ==, "");
  enlist_ui_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->address);
  g_free (f->fingerprint);
}

/* ---- finding things ------------------------------------------------------ */

static gboolean
dialog_shown (gpointer data)
{
  GtkWindow *dialog = enlist_ui_test_find_toplevel (ENLIST_TYPE_ACCOUNT_DIALOG);

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

static GtkWindow *
wait_dialog (void)
{
  GtkWindow *dialog;

  enlist_ui_test_wait_until (dialog_shown, NULL, 10000, "the account's settings");
  dialog = enlist_ui_test_find_toplevel (ENLIST_TYPE_ACCOUNT_DIALOG);
  enlist_ui_test_wait_draw (GTK_WIDGET (dialog));
  return dialog;
}

static GtkWidget *
find (GtkWindow  *dialog,
      GType       type,
      const char *name)
{
  GtkWidget *widget = enlist_ui_test_find (GTK_WIDGET (dialog), type, name);

  if (widget == NULL)
    g_error ("No %s named “%s”", g_type_name (type), name);
  return widget;
}

static const char *
subtitle_of (GtkWindow  *dialog,
             const char *title)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (find (dialog, ADW_TYPE_ACTION_ROW, title)));
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

static gboolean
label_mapped (gpointer data)
{
  GtkLabel *label = enlist_ui_test_find_label (GTK_WIDGET (((gpointer *) data)[0]),
                                               ((gpointer *) data)[1]);

  return label != NULL && gtk_widget_get_mapped (GTK_WIDGET (label));
}

static void
wait_label (GtkWindow  *window,
            const char *part)
{
  gpointer data[2] = { window, (gpointer) part };
  g_autofree char *what = g_strdup_printf ("“%s” to be shown", part);

  enlist_ui_test_wait_until (label_mapped, data, 30000, what);
}

static gboolean
not_busy (gpointer data)
{
  return !enlist_account_dialog_get_busy (ENLIST_ACCOUNT_DIALOG (data));
}

static void
assert_login (const char *address,
              const char *password,
              gboolean    works)
{
  g_autoptr(GError) error = NULL;
  gboolean logged_in = enlist_ui_test_login (servers, "prosody", address, password, &error);

  if (works)
    {
      g_assert_no_error (error);
      g_assert_true (logged_in);
    }
  else
    {
      g_assert_false (logged_in);
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED);
    }
}

/* ---- the facts ------------------------------------------------------------ */

static void
facts_body (EnlistApplication *app,
            gpointer           data)
{
  Fixture *f = data;
  EnlistWindow *window = enlist_ui_test_app_window (app);
  GtkWidget *row = enlist_ui_test_find_row (window, f->address);
  g_autofree char *location = g_strdup_printf ("127.0.0.1:%u",
                                               enlist_test_servers_get_port (servers, "prosody",
                                                                             FALSE));
  g_autofree char *shot = NULL;
  g_autofree char *first_half = NULL;
  g_autofree char *shown = NULL;
  GtkWidget *current, *pin, *text;
  GtkWindow *dialog;
  TextWait wait;

  /* activating the row opens its settings */
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_activate (row));
  dialog = wait_dialog ();
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (window));
  g_assert_true (gtk_window_get_modal (dialog));
  g_assert_cmpstr (gtk_window_get_title (dialog), ==, f->address);

  g_assert_cmpstr (subtitle_of (dialog, "Address"), ==, f->address);
  g_assert_cmpstr (subtitle_of (dialog, "Domain"), ==, enlist_test_servers_get_domain (servers));
  g_assert_cmpstr (subtitle_of (dialog, "Connection"), ==, location);
  g_assert_cmpstr (subtitle_of (dialog, "Encryption"), ==, "STARTTLS");
  /* created a moment ago, shown in the local time zone */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autofree char *year = g_date_time_format (now, "%Y");

    g_assert_nonnull (strstr (subtitle_of (dialog, "Created"), year));
  }
  g_assert_false (gtk_widget_get_visible (find (dialog, ADW_TYPE_ACTION_ROW, "Status")));

  /* the certificate pinned for the server, by its fingerprint (in two
   * lines of 16 byte pairs) */
  first_half = g_strndup (f->fingerprint, 47);
  pin = gtk_widget_get_ancestor (GTK_WIDGET (enlist_ui_test_find_label (GTK_WIDGET (dialog),
                                                                        first_half)),
                                 ADW_TYPE_ACTION_ROW);
  g_assert_nonnull (pin);
  shown = g_strdup_printf ("%s\n%s", first_half, f->fingerprint + 48);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (pin)), ==, shown);
  g_assert_true (gtk_widget_get_mapped (pin) || gtk_widget_get_child_visible (pin));
  g_assert_false (adw_preferences_row_get_use_markup (ADW_PREFERENCES_ROW (pin)));

  /* the current password, from the keyring, hidden */
  current = find (dialog, ADW_TYPE_PASSWORD_ENTRY_ROW, "Current Password");
  wait = (TextWait) { current, OLD_PASSWORD };
  enlist_ui_test_wait_until (has_text, &wait, 10000, "the password from the keyring");
  text = enlist_ui_test_find (current, GTK_TYPE_TEXT, NULL);
  g_assert_false (gtk_text_get_visibility (GTK_TEXT (text)));
  /* kept in memory that is never swapped out, and wiped */
  g_assert_true (GTK_IS_PASSWORD_ENTRY_BUFFER (gtk_text_get_buffer (GTK_TEXT (text))));
  /* nothing to change yet */
  g_assert_false (gtk_widget_get_sensitive (find (dialog, GTK_TYPE_BUTTON, "Change Password")));

  shot = enlist_ui_test_screenshot (GTK_WIDGET (dialog), "account-dialog");
  g_clear_pointer (&shot, g_free);

  /* scrolled to the end: the Password group */
  gtk_widget_grab_focus (find (dialog, ADW_TYPE_PASSWORD_ENTRY_ROW, "Confirm New Password"));
  shot = enlist_ui_test_screenshot (GTK_WIDGET (dialog), "account-dialog-password");
}

static void
test_facts (Fixture       *f,
            gconstpointer  data)
{
  g_assert_cmpint (enlist_ui_test_app_run (f->dir, enlist_test_servers_get_ca_file (servers),
                                           NULL, facts_body, f), ==, 0);
}

/* ---- change password ---------------------------------------------------- */

static gboolean
focus_in_new_password (gpointer data)
{
  GtkWindow *dialog = data;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (dialog));
  GtkWidget *row = find (dialog, ADW_TYPE_PASSWORD_ENTRY_ROW, "New Password");

  return focus != NULL && (focus == row || gtk_widget_is_ancestor (focus, row));
}

/* A label saying what the registration service is doing, or the end. */
static gboolean
stage_shown_or_done (gpointer data)
{
  GtkWindow *dialog = data;

  if (!enlist_account_dialog_get_busy (ENLIST_ACCOUNT_DIALOG (dialog)))
    return TRUE;
  for (int stage = ENLIST_REGISTRATION_STAGE_LOOKING_UP;
       stage <= ENLIST_REGISTRATION_STAGE_CLOSING;
       stage++)
    {
      GtkLabel *label = enlist_ui_test_find_label (GTK_WIDGET (dialog),
                                                   enlist_registration_stage_describe (stage));

      if (label != NULL && gtk_widget_get_mapped (GTK_WIDGET (label)))
        return TRUE;
    }
  return FALSE;
}

static void
change_body (EnlistApplication *app,
             gpointer           data)
{
  Fixture *f = data;
  EnlistWindow *window = enlist_ui_test_app_window (app);
  GtkWidget *row = enlist_ui_test_find_row (window, f->address);
  g_autofree char *shot = NULL;
  g_autofree char *keyring = NULL;
  GtkWidget *current, *new_row, *confirm, *button;
  GtkWindow *dialog;
  TextWait wait;

  /* "Change Password…" opens the settings at the Password group */
  g_assert_true (gtk_widget_activate_action (row, "account.change-password", NULL));
  dialog = wait_dialog ();
  enlist_ui_test_wait_until (focus_in_new_password, dialog, 5000,
                             "the focus on New Password");
  current = find (dialog, ADW_TYPE_PASSWORD_ENTRY_ROW, "Current Password");
  new_row = find (dialog, ADW_TYPE_PASSWORD_ENTRY_ROW, "New Password");
  confirm = find (dialog, ADW_TYPE_PASSWORD_ENTRY_ROW, "Confirm New Password");
  button = find (dialog, GTK_TYPE_BUTTON, "Change Password");
  wait = (TextWait) { current, OLD_PASSWORD };
  enlist_ui_test_wait_until (has_text, &wait, 10000, "the password from the keyring");
  g_assert_true (gtk_widget_get_mapped (new_row));

  /* typed, but not yet confirmed */
  gtk_editable_set_text (GTK_EDITABLE (new_row), NEW_PASSWORD);
  g_assert_false (gtk_widget_get_sensitive (button));
  gtk_editable_set_text (GTK_EDITABLE (confirm), "battery staple");
  g_assert_false (gtk_widget_get_sensitive (button));
  gtk_editable_set_text (GTK_EDITABLE (confirm), NEW_PASSWORD);
  g_assert_true (gtk_widget_get_sensitive (button));
  shot = enlist_ui_test_screenshot (GTK_WIDGET (dialog), "account-dialog-ready");
  g_clear_pointer (&shot, g_free);

  enlist_ui_test_click (button);
  /* busy: nothing to edit, nothing to start again */
  g_assert_true (enlist_account_dialog_get_busy (ENLIST_ACCOUNT_DIALOG (dialog)));
  g_assert_false (gtk_widget_get_sensitive (button));
  g_assert_false (gtk_widget_is_sensitive (new_row));
  /* the service's stage in words, while it lasts */
  enlist_ui_test_wait_until (stage_shown_or_done, dialog, 30000, "the stage to be shown");
  enlist_ui_test_iterate (20);
  shot = enlist_ui_test_screenshot (GTK_WIDGET (dialog), "account-dialog-busy");
  g_clear_pointer (&shot, g_free);

  wait_label (dialog, "Password changed");
  g_assert_false (enlist_account_dialog_get_busy (ENLIST_ACCOUNT_DIALOG (dialog)));
  shot = enlist_ui_test_screenshot (GTK_WIDGET (dialog), "account-dialog-changed");
  g_clear_pointer (&shot, g_free);

  /* the new password is the current one, the rows are empty again */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (current)), ==, NEW_PASSWORD);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (new_row)), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (confirm)), ==, "");
  g_assert_false (gtk_widget_get_sensitive (button));

  /* from outside: the keyring holds the new password, and only the new
   * one logs in */
  keyring = enlist_test_keyring_of (f->address);
  g_assert_cmpstr (keyring, ==, "-=" NEW_PASSWORD);
  assert_login (f->address, NEW_PASSWORD, TRUE);
  assert_login (f->address, OLD_PASSWORD, FALSE);
}

static void
test_change (Fixture       *f,
             gconstpointer  data)
{
  g_assert_cmpint (enlist_ui_test_app_run (f->dir, enlist_test_servers_get_ca_file (servers),
                                           NULL, change_body, f), ==, 0);
}

/* ---- refused ------------------------------------------------------------ */

static void
refused_body (EnlistApplication *app,
              gpointer           data)
{
  Fixture *f = data;
  EnlistWindow *window = enlist_ui_test_app_window (app);
  GtkWidget *row = enlist_ui_test_find_row (window, f->address);
  g_autofree char *shot = NULL;
  g_autofree char *keyring = NULL;
  GtkWidget *current, *new_row, *confirm, *button;
  GtkWindow *dialog;
  TextWait wait;

  g_assert_true (gtk_widget_activate_action (row, "account.change-password", NULL));
  dialog = wait_dialog ();
  current = find (dialog, ADW_TYPE_PASSWORD_ENTRY_ROW, "Current Password");
  new_row = find (dialog, ADW_TYPE_PASSWORD_ENTRY_ROW, "New Password");
  confirm = find (dialog, ADW_TYPE_PASSWORD_ENTRY_ROW, "Confirm New Password");
  button = find (dialog, GTK_TYPE_BUTTON, "Change Password");
  wait = (TextWait) { current, OLD_PASSWORD };
  enlist_ui_test_wait_until (has_text, &wait, 10000, "the password from the keyring");

  /* the user believes the current password is another one */
  gtk_editable_set_text (GTK_EDITABLE (current), "not the password");
  gtk_editable_set_text (GTK_EDITABLE (new_row), NEW_PASSWORD);
  gtk_editable_set_text (GTK_EDITABLE (confirm), NEW_PASSWORD);
  enlist_ui_test_click (button);
  enlist_ui_test_wait_until (not_busy, dialog, 30000, "the change to be refused");

  wait_label (dialog, "The current password is not correct");
  g_assert_null (enlist_ui_test_find_label (GTK_WIDGET (dialog), "Password changed"));
  /* what was typed stays, to be corrected */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (new_row)), ==, NEW_PASSWORD);
  g_assert_true (gtk_widget_get_sensitive (button));
  /* the page scrolls to the message once it is laid out */
  enlist_ui_test_iterate (100);
  shot = enlist_ui_test_screenshot (GTK_WIDGET (dialog), "account-dialog-refused");

  /* nothing changed: the keyring, the server */
  keyring = enlist_test_keyring_of (f->address);
  g_assert_cmpstr (keyring, ==, "-=" OLD_PASSWORD);
  assert_login (f->address, OLD_PASSWORD, TRUE);
  assert_login (f->address, NEW_PASSWORD, FALSE);
}

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_assert_cmpint (enlist_ui_test_app_run (f->dir, enlist_test_servers_get_ca_file (servers),
                                           NULL, refused_body, f), ==, 0);
}

/* ---- the server's own form ---------------------------------------------- */

/* A server that wants a PIN besides the new password (XEP-0077 §3.3: the
 * answer to the plain request is its own form). */
#define PIN_FORM \
  "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='form'>" \
  "<title>Change your password</title>" \
  "<field type='hidden' var='FORM_TYPE'><value>jabber:iq:register:changepassword</value></field>" \
  "<field type='text-single' var='username'><required/></field>" \
  "<field type='text-private' var='old_password' label='Old Password'><required/></field>" \
  "<field type='text-private' var='password' label='New Password'><required/></field>" \
  "<field type='text-single' var='pin' label='Security PIN'><required/></field>" \
  "</x></query>" \
  "<error type='modify'><not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>" \
  "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>Your security PIN is needed.</text></error>"

typedef struct
{
  EnlistFakeServer *server;
  char             *password;
  char             *submitted;   /* the form the dialog sent */
  guint             n_sets;
} PinServer;

static void
pin_reply (PinServer           *pin,
           const EnlistXmlNode *iq,
           const char          *type,
           const char          *payload)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_string_printf (out, "<iq type='%s' id='", type);
  enlist_xml_escape_attr (out, enlist_xml_node_get_attr (iq, "id"));
  g_string_append_printf (out, "'>%s</iq>", payload != NULL ? payload : "");
  enlist_fake_server_send (pin->server, out->str);
}

/* The value of field var in the submitted data form. */
static const char *
submitted_value (const EnlistXmlNode *query,
                 const char          *var)
{
  const EnlistXmlNode *x = enlist_xml_node_get_child (query, "x", ENLIST_NS_DATA_FORM);

  for (guint i = 0; x != NULL && i < x->children->len; i++)
    {
      const EnlistXmlNode *field = g_ptr_array_index (x->children, i);

      if (g_strcmp0 (enlist_xml_node_get_attr (field, "var"), var) == 0)
        {
          const EnlistXmlNode *value = enlist_xml_node_get_child (field, "value", NULL);

          return value != NULL ? enlist_xml_node_get_text (value) : NULL;
        }
    }
  return NULL;
}

static void
pin_stanza (EnlistFakeServer    *server,
            const EnlistXmlNode *stanza,
            gpointer             user_data)
{
  PinServer *pin = user_data;
  const EnlistXmlNode *query;

  if (enlist_xml_node_is (stanza, "auth", ENLIST_NS_SASL))
    {
      /* PLAIN: NUL alice NUL password */
      g_autofree char *expected = g_strdup_printf ("%calice%c%s", 0, 0, pin->password);
      g_autofree char *encoded = g_base64_encode ((const guchar *) expected,
                                                  strlen (pin->password) + 7);

      if (g_strcmp0 (enlist_xml_node_get_text (stanza), encoded) == 0)
        {
          enlist_fake_server_send (server, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
          enlist_fake_server_restart_stream (server);
        }
      else
        enlist_fake_server_send (server, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                                         "<not-authorized/></failure>");
      return;
    }
  if (!enlist_xml_node_is (stanza, "iq", ENLIST_NS_CLIENT))
    return;

  query = enlist_xml_node_get_child (stanza, "query", ENLIST_NS_REGISTER);
  if (enlist_xml_node_get_child (stanza, "bind", ENLIST_NS_BIND) != NULL)
    pin_reply (pin, stanza, "result", "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                                      "<jid>alice@fake.test/fake</jid></bind>");
  else if (query == NULL || g_strcmp0 (enlist_xml_node_get_attr (stanza, "type"), "set") != 0)
    pin_reply (pin, stanza, "result", NULL);
  else if (enlist_xml_node_get_child (query, "x", ENLIST_NS_DATA_FORM) == NULL)
    {
      /* the plain request: this server wants its form */
      pin->n_sets++;
      pin_reply (pin, stanza, "error", PIN_FORM);
    }
  else
    {
      pin->n_sets++;
      g_free (pin->submitted);
      pin->submitted = g_strdup_printf ("username=%s old=%s new=%s pin=%s",
                                        submitted_value (query, "username"),
                                        submitted_value (query, "old_password"),
                                        submitted_value (query, "password"),
                                        submitted_value (query, "pin"));
      if (g_strcmp0 (submitted_value (query, "pin"), "4711") == 0 &&
          g_strcmp0 (submitted_value (query, "old_password"), pin->password) == 0)
        {
          g_free (pin->password);
          pin->password = g_strdup (submitted_value (query, "password"));
          pin_reply (pin, stanza, "result", NULL);
        }
      else
        pin_reply (pin, stanza, "error", "<error type='auth'><not-authorized "
                                         "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>");
    }
}

static void
server_form_body (EnlistApplication *app,
                  gpointer           data)
{
  PinServer *pin = data;
  EnlistWindow *window = enlist_ui_test_app_window (app);
  GtkWidget *row = enlist_ui_test_find_row (window, "alice@fake.test");
  g_autofree char *shot = NULL;
  g_autofree char *keyring = NULL;
  GtkWidget *current, *new_row, *confirm, *button, *pin_row;
  EnlistFormView *view;
  GtkWindow *dialog;
  TextWait wait;

  g_assert_nonnull (row);
  g_assert_true (gtk_widget_activate_action (row, "account.change-password", NULL));
  dialog = wait_dialog ();
  current = find (dialog, ADW_TYPE_PASSWORD_ENTRY_ROW, "Current Password");
  new_row = find (dialog, ADW_TYPE_PASSWORD_ENTRY_ROW, "New Password");
  confirm = find (dialog, ADW_TYPE_PASSWORD_ENTRY_ROW, "Confirm New Password");
  button = find (dialog, GTK_TYPE_BUTTON, "Change Password");
  wait = (TextWait) { current, "old pin secret" };
  enlist_ui_test_wait_until (has_text, &wait, 10000, "the password from the keyring");
  g_assert_null (enlist_ui_test_find (GTK_WIDGET (dialog), ENLIST_TYPE_FORM_VIEW, NULL));

  gtk_editable_set_text (GTK_EDITABLE (new_row), "new pin secret");
  gtk_editable_set_text (GTK_EDITABLE (confirm), "new pin secret");
  enlist_ui_test_click (button);
  enlist_ui_test_wait_until (not_busy, dialog, 30000, "the server's answer");

  /* the server's form: only what the service does not fill in itself */
  wait_label (dialog, "The server asks for more details to change the password. Fill in its "
                      "form and try again. The server says: “Your security PIN is needed.”");
  view = ENLIST_FORM_VIEW (enlist_ui_test_find (GTK_WIDGET (dialog), ENLIST_TYPE_FORM_VIEW, NULL));
  g_assert_nonnull (view);
  pin_row = enlist_form_view_get_field_widget (view, "pin");
  g_assert_nonnull (pin_row);
  g_assert_null (enlist_form_view_get_field_widget (view, "username"));
  g_assert_null (enlist_form_view_get_field_widget (view, "password"));
  g_assert_null (enlist_form_view_get_field_widget (view, "old_password"));
  g_assert_null (enlist_form_view_get_password_rows (view));
  /* shown whole, in the page (which scrolls), not in a scrolled corner */
  enlist_ui_test_iterate (100);
  {
    graphene_rect_t bounds;

    g_assert_true (gtk_widget_compute_bounds (pin_row, GTK_WIDGET (view), &bounds));
    g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=,
                       gtk_widget_get_height (GTK_WIDGET (view)));
    g_assert_cmpfloat (bounds.size.height, >, 0);
  }
  /* the PIN is still to be given */
  g_assert_false (gtk_widget_get_sensitive (button));
  g_assert_cmpuint (pin->n_sets, ==, 1);
  enlist_ui_test_iterate (100);
  shot = enlist_ui_test_screenshot (GTK_WIDGET (dialog), "account-dialog-server-form");
  g_clear_pointer (&shot, g_free);

  gtk_editable_set_text (GTK_EDITABLE (pin_row), "4711");
  g_assert_true (gtk_widget_get_sensitive (button));
  enlist_ui_test_click (button);
  wait_label (dialog, "Password changed");
  g_assert_cmpuint (pin->n_sets, ==, 2);
  g_assert_cmpstr (pin->submitted, ==,
                   "username=alice old=old pin secret new=new pin secret pin=4711");
  g_assert_cmpstr (pin->password, ==, "new pin secret");
  /* the form is done with */
  g_assert_null (enlist_ui_test_find (GTK_WIDGET (dialog), ENLIST_TYPE_FORM_VIEW, NULL));
  keyring = enlist_test_keyring_of ("alice@fake.test");
  g_assert_cmpstr (keyring, ==, "-=new pin secret");
  enlist_ui_test_iterate (100);
  shot = enlist_ui_test_screenshot (GTK_WIDGET (dialog), "account-dialog-server-form-done");
}

static gboolean
no_live_connection (gpointer data)
{
  return enlist_fake_server_get_n_live () == 0;
}

static void
test_server_form (void)
{
  g_autofree char *dir = enlist_ui_test_make_dir ();
  g_autofree char *ca_file = g_test_build_filename (G_TEST_DIST, "fixtures", "fake-server-ca.pem",
                                                    NULL);
  PinServer pin = { 0 };
  EnlistFakeServerOptions options = { .stanza_func = pin_stanza, .user_data = &pin };

  pin.password = g_strdup ("old pin secret");
  pin.server = enlist_fake_server_new (&options);
  enlist_test_store_raw ("alice@fake.test", NULL, "old pin secret");
  enlist_ui_test_add_record (dir, "alice@fake.test", enlist_fake_server_get_port (pin.server),
                             "ready");

  g_assert_cmpint (enlist_ui_test_app_run (dir, ca_file, NULL, server_form_body, &pin), ==, 0);

  enlist_test_clear_keyring ("alice@fake.test");
  /* both sides' closing I/O finishes, so that nothing is left behind */
  g_clear_object (&pin.server);
  enlist_ui_test_wait_until (no_live_connection, NULL, 10000, "the fake server's connections");
  g_free (pin.password);
  g_free (pin.submitted);
  enlist_ui_test_remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  enlist_ui_test_init (&argc, &argv);
  g_test_add ("/account-dialog/facts", Fixture, NULL, fixture_set_up, test_facts,
              fixture_tear_down);
  g_test_add ("/account-dialog/change-password", Fixture, NULL, fixture_set_up, test_change,
              fixture_tear_down);
  g_test_add ("/account-dialog/refused", Fixture, NULL, fixture_set_up, test_refused,
              fixture_tear_down);
  g_test_add_func ("/account-dialog/server-form", test_server_form);

  servers = enlist_test_servers_start (TRUE, FALSE);
  status = g_test_run ();
  enlist_test_servers_stop (servers);
  return status;
}
