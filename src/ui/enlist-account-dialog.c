/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-account-dialog.c: an account's settings and its password change.
 *
 * The change goes through the account manager (keyring first): idle →
 * ready (current, new and confirmation filled in and matching, the
 * server's extra fields valid) → busy (the registration's stage shown) →
 * done (toast "Password changed", the new password becomes the current
 * one) or error (the service's message, which for an unclear outcome says
 * which password is in effect). When the server answers with a form of
 * its own (ENLIST_ERROR_FORM_RENEWED), its other fields appear under the
 * passwords and the next attempt sends that form. */
#define G_LOG_DOMAIN "enlist-account-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "enlist-account-dialog.h"
#include "enlist-account-row.h"
#include "enlist-display-text.h"
#include "enlist-form-view.h"
#include "enlist-password-rows.h"
#include "enlist-text.h"

/* The fields of a password-change form that the service fills in. */
static const char * const own_vars[] = { "username", "old_password", "password", NULL };

struct _EnlistAccountDialog
{
  AdwPreferencesWindow  parent_instance;

  AdwPreferencesPage   *page;
  AdwActionRow         *address_row;
  AdwActionRow         *status_row;
  AdwActionRow         *created_row;
  AdwActionRow         *domain_row;
  AdwActionRow         *connection_row;
  AdwActionRow         *security_row;
  AdwPreferencesGroup  *certificate_group;
  AdwPreferencesGroup  *password_group;
  AdwEntryRow          *current_row;
  EnlistPasswordRows   *new_rows;
  GtkBox               *extra_box;
  GtkLabel             *message_label;
  GtkSpinner           *spinner;
  GtkLabel             *stage_label;
  GtkWidget            *change_button;

  EnlistAccountManager *manager;
  EnlistAccount        *account;
  EnlistRegistration   *registration;   /* of the change under way or the last one */
  EnlistFormView       *form_view;      /* the server's extra fields, or NULL */
  GCancellable         *cancellable;
  gboolean              busy;
  gboolean              focus_pending;  /* on New Password, once laid out */
  guint                 scroll_id;      /* tick callback */
  guint                 scroll_ticks;
};

G_DEFINE_FINAL_TYPE (EnlistAccountDialog, enlist_account_dialog, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_MANAGER,
  PROP_ACCOUNT,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void focus_new_password (EnlistAccountDialog *self);
static void scroll_to_password (EnlistAccountDialog *self);

static const char *
text_of (gpointer editable)
{
  return gtk_editable_get_text (GTK_EDITABLE (editable));
}

/* A message under the passwords: an error (red) or a plain statement. */
static void
show_message (EnlistAccountDialog *self,
              const char          *text,
              gboolean             is_error)
{
  gtk_label_set_text (self->message_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), text != NULL);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
  if (text != NULL)
    scroll_to_password (self);
}

static gboolean
is_ready (EnlistAccountDialog *self)
{
  return !self->busy &&
         *text_of (self->current_row) != '\0' &&
         *enlist_password_rows_get_password (self->new_rows) != '\0' &&
         enlist_password_rows_get_matches (self->new_rows) &&
         (self->form_view == NULL || enlist_form_view_get_valid (self->form_view));
}

static void
update_state (EnlistAccountDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.change-password", is_ready (self));
}

static void
update_stage (EnlistAccountDialog *self)
{
  const char *stage = NULL;

  if (self->busy && self->registration != NULL)
    stage = enlist_registration_stage_describe (enlist_registration_get_stage (self->registration));
  gtk_label_set_text (self->stage_label, stage != NULL ? stage : "");
  gtk_widget_set_visible (GTK_WIDGET (self->stage_label), stage != NULL);
  /* where the spinner is, as the page grows */
  if (self->busy)
    scroll_to_password (self);
}

static void
set_busy (EnlistAccountDialog *self,
          gboolean             busy)
{
  /* GTK 4.8 leaves a focused entry that turns insensitive blinking (and
   * warning) without a focus-out: the focus leaves the fields first */
  if (busy)
    gtk_window_set_focus (GTK_WINDOW (self), NULL);
  self->busy = busy;
  scroll_to_password (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->current_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->new_rows), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->extra_box), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  update_stage (self);
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
drop_form_view (EnlistAccountDialog *self)
{
  if (self->form_view == NULL)
    return;
  gtk_box_remove (self->extra_box, GTK_WIDGET (self->form_view));
  self->form_view = NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->extra_box), FALSE);
}


static void
form_activated_cb (EnlistAccountDialog *self)
{
  if (is_ready (self))
    gtk_widget_activate_action (GTK_WIDGET (self), "dialog.change-password", NULL);
}

/* The server wants its own form: the fields it asks for besides the
 * username and the passwords, under the passwords. */
static void
show_server_form (EnlistAccountDialog *self,
                  EnlistDataForm      *form)
{
  drop_form_view (self);
  self->form_view = ENLIST_FORM_VIEW (enlist_form_view_new_skipping (form, own_vars));
  enlist_form_view_embed (self->form_view);
  g_signal_connect_object (self->form_view, "notify::valid", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->form_view, "activate", G_CALLBACK (form_activated_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_box_append (self->extra_box, GTK_WIDGET (self->form_view));
  gtk_widget_set_visible (GTK_WIDGET (self->extra_box), TRUE);
  enlist_form_view_focus_first_empty (self->form_view);
}

/* ---- the change --------------------------------------------------------- */

static void
changed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(EnlistAccountDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean saved = FALSE;
  gboolean changed;

  changed = enlist_account_manager_change_password_finish (ENLIST_ACCOUNT_MANAGER (source), result,
                                                           &saved, &error);
  /* a closed dialog has nobody to tell; the manager kept the keyring right */
  if (g_cancellable_is_cancelled (self->cancellable) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);

  if (changed)
    {
      /* the new password is the current one now, wherever it is kept */
      gtk_editable_set_text (GTK_EDITABLE (self->current_row),
                             enlist_password_rows_get_password (self->new_rows));
      enlist_password_rows_clear (self->new_rows);
      drop_form_view (self);
      g_clear_object (&self->registration);
      if (saved)
        show_message (self, NULL, FALSE);
      else
        show_message (self, _("The keyring did not take the new password: it is not saved on "
                              "this computer. Keep it somewhere safe."), TRUE);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_("Password changed")));
      update_state (self);
      return;
    }

  if (g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_FORM_RENEWED))
    {
      EnlistDataForm *form = enlist_registration_get_form (self->registration);
      const char *server_text = enlist_error_get_server_text (error);
      g_autofree char *message = NULL;

      /* what the server said may tell what it wants; it is its own words */
      if (server_text != NULL && *server_text != '\0')
        {
          g_autofree char *shown = enlist_display_text (server_text,
                                                        ENLIST_DISPLAY_DESCRIPTION_CHARS, TRUE);

          message = g_strdup_printf (_("%s The server says: “%s”"), error->message, shown);
        }
      show_message (self, message != NULL ? message : error->message, FALSE);
      if (form != NULL)
        show_server_form (self, form);
    }
  else if (g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED) &&
           g_strcmp0 (enlist_error_get_condition (error), "not-authorized") == 0)
    {
      /* the user name is ours: it is the password the user can fix */
      show_message (self, _("The current password is not correct. Nothing was changed."), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->current_row));
    }
  else
    {
      show_message (self, error->message, TRUE);
      focus_new_password (self);
    }
  update_state (self);
}

static void
change_password_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  EnlistAccountDialog *self = ENLIST_ACCOUNT_DIALOG (widget);
  EnlistDataForm *form = NULL;

  if (!is_ready (self))
    return;

  if (self->registration == NULL)
    {
      self->registration = enlist_account_manager_registration_for_account (self->manager,
                                                                            self->account);
      g_signal_connect_object (self->registration, "notify::stage", G_CALLBACK (update_stage),
                               self, G_CONNECT_SWAPPED);
    }
  if (self->form_view != NULL)
    form = enlist_form_view_get_form (self->form_view);

  show_message (self, NULL, FALSE);
  set_busy (self, TRUE);
  enlist_account_manager_change_password_async (self->manager, self->registration, self->account,
                                                text_of (self->current_row),
                                                enlist_password_rows_get_password (self->new_rows),
                                                form, self->cancellable, changed_cb,
                                                g_object_ref (self));
}

static void
current_activated_cb (EnlistAccountDialog *self)
{
  gtk_widget_grab_focus (enlist_password_rows_get_password_row (self->new_rows));
}

static void
new_rows_activated_cb (EnlistAccountDialog *self)
{
  if (self->form_view != NULL)
    enlist_form_view_focus_first_empty (self->form_view);
  if (is_ready (self))
    gtk_widget_activate_action (GTK_WIDGET (self), "dialog.change-password", NULL);
}

static void
copy_address_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  EnlistAccountDialog *self = ENLIST_ACCOUNT_DIALOG (widget);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget),
                          enlist_account_get_address (self->account));
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("Address copied")));
}

/* ---- the account's facts ------------------------------------------------ */

static void
password_found_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(EnlistAccountDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  char *password;

  password = enlist_account_manager_lookup_password_finish (ENLIST_ACCOUNT_MANAGER (source),
                                                            result, &error);
  if (g_cancellable_is_cancelled (self->cancellable) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      enlist_secret_free (password);
      return;
    }

  if (password != NULL)
    {
      /* typed by the user meanwhile: theirs wins */
      if (*text_of (self->current_row) == '\0')
        gtk_editable_set_text (GTK_EDITABLE (self->current_row), password);
      enlist_secret_free (password);
    }
  else if (g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_NOT_FOUND))
    show_message (self, _("No password of this account is saved on this computer: type the "
                          "current one."), FALSE);
  else
    {
      show_message (self, error->message, TRUE);
      focus_new_password (self);
    }
  update_state (self);
}

static char *
describe_created (EnlistAccount *account)
{
  GDateTime *created = enlist_account_get_created (account);

  if (created == NULL)
    return g_strdup (_("Not known"));
  return enlist_display_date_time (created);
}

static void
update_facts (EnlistAccountDialog *self)
{
  EnlistAccount *account = self->account;
  const char *status = enlist_account_get_status (account);
  g_autofree char *created = describe_created (account);
  g_autofree char *where = NULL;

  gtk_window_set_title (GTK_WINDOW (self), enlist_account_get_address (account));
  adw_action_row_set_subtitle (self->address_row, enlist_account_get_address (account));
  adw_action_row_set_subtitle (self->status_row, status != NULL ? status : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_row), status != NULL);
  adw_action_row_set_subtitle (self->created_row, created);
  adw_action_row_set_subtitle (self->domain_row, enlist_account_get_domain (account));

  if (enlist_account_get_host (account) != NULL)
    where = enlist_account_row_dup_location (account);
  else
    where = g_strdup (_("Found through DNS"));
  adw_action_row_set_subtitle (self->connection_row, where);
  adw_action_row_set_subtitle (self->security_row,
                               enlist_account_get_direct_tls (account)
                               ? _("Direct TLS")
                               : _("STARTTLS"));
}

/* 32 byte pairs, in two lines of 16, so that the pairs line up and a line
 * never breaks inside one. */
static char *
format_fingerprint (const char *fingerprint)
{
  const size_t half = 16 * 3 - 1;

  if (strlen (fingerprint) != 2 * half + 1 || fingerprint[half] != ':')
    return g_strdup (fingerprint);
  return g_strdup_printf ("%.*s\n%s", (int) half, fingerprint, fingerprint + half + 1);
}

static void
show_pins (EnlistAccountDialog *self)
{
  g_auto(GStrv) pins = enlist_account_manager_dup_pins (self->manager,
                                                        enlist_account_get_domain (self->account));

  for (guint i = 0; pins[i] != NULL; i++)
    {
      g_autofree char *shown = format_fingerprint (pins[i]);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), shown);
      adw_preferences_row_set_title_selectable (ADW_PREFERENCES_ROW (row), TRUE);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("SHA-256 fingerprint"));
      gtk_widget_add_css_class (row, "fingerprint");
      adw_preferences_group_add (self->certificate_group, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->certificate_group), pins[0] != NULL);
}

/* Deleted or forgotten meanwhile (a pending registration found not to
 * exist, say): nothing left to show. */
static void
manager_changed_cb (EnlistAccountDialog *self)
{
  if (enlist_account_manager_lookup (self->manager,
                                     enlist_account_get_address (self->account)) != self->account)
    gtk_window_close (GTK_WINDOW (self));
}

/* ---- focus and scrolling ------------------------------------------------ */

static GtkAdjustment *
page_adjustment (EnlistAccountDialog *self)
{
  /* the page scrolls its groups in a GtkScrolledWindow of its own */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->page));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_SCROLLED_WINDOW (child))
      return gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (child));
  return NULL;
}

/* A tick callback runs before the frame's layout: the second one sees
 * the page as tall as the first frame laid it out. */
static gboolean
scroll_to_password_tick (GtkWidget     *widget,
                         GdkFrameClock *clock,
                         gpointer       user_data)
{
  EnlistAccountDialog *self = ENLIST_ACCOUNT_DIALOG (widget);
  GtkAdjustment *adjustment;

  if (++self->scroll_ticks < 2)
    return G_SOURCE_CONTINUE;
  self->scroll_id = 0;

  /* the Password group is the last one: its end, with the message and the
   * button, is the end of the page */
  adjustment = page_adjustment (self);
  if (adjustment != NULL)
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                          gtk_adjustment_get_page_size (adjustment));
  if (self->focus_pending)
    {
      self->focus_pending = FALSE;
      gtk_widget_grab_focus (enlist_password_rows_get_password_row (self->new_rows));
    }
  return G_SOURCE_REMOVE;
}

/* Once the page has been laid out with what changed. */
static void
scroll_to_password (EnlistAccountDialog *self)
{
  self->scroll_ticks = 0;
  if (self->scroll_id == 0)
    self->scroll_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_to_password_tick,
                                                    NULL, NULL);
}

/* Before the window is shown it would give the focus away again: the
 * focus goes there with the scrolling, once the page is laid out. */
static void
focus_new_password (EnlistAccountDialog *self)
{
  self->focus_pending = TRUE;
  scroll_to_password (self);
}

void
enlist_account_dialog_focus_password (EnlistAccountDialog *self)
{
  g_return_if_fail (ENLIST_IS_ACCOUNT_DIALOG (self));

  focus_new_password (self);
}

/* ---- GObject ------------------------------------------------------------ */

static void
enlist_account_dialog_constructed (GObject *object)
{
  EnlistAccountDialog *self = ENLIST_ACCOUNT_DIALOG (object);
  g_autofree char *username = NULL;
  const char *inputs[3] = { NULL, NULL, NULL };

  G_OBJECT_CLASS (enlist_account_dialog_parent_class)->constructed (object);

  g_return_if_fail (self->manager != NULL && self->account != NULL);

  update_facts (self);
  show_pins (self);
  g_signal_connect_object (self->account, "notify", G_CALLBACK (update_facts), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->manager, "items-changed", G_CALLBACK (manager_changed_cb), self,
                           G_CONNECT_SWAPPED);

  /* the new password should not be made of the account's own name */
  username = enlist_account_dup_username (self->account);
  inputs[0] = username;
  inputs[1] = enlist_account_get_domain (self->account);
  enlist_password_rows_set_user_inputs (self->new_rows, inputs);

  enlist_account_manager_lookup_password_async (self->manager, self->account, self->cancellable,
                                                password_found_cb, g_object_ref (self));
  update_state (self);
}

static void
enlist_account_dialog_dispose (GObject *object)
{
  EnlistAccountDialog *self = ENLIST_ACCOUNT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->scroll_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->scroll_id);
  self->scroll_id = 0;
  self->form_view = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), ENLIST_TYPE_ACCOUNT_DIALOG);
  g_clear_object (&self->registration);
  g_clear_object (&self->account);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (enlist_account_dialog_parent_class)->dispose (object);
}

static void
enlist_account_dialog_finalize (GObject *object)
{
  EnlistAccountDialog *self = ENLIST_ACCOUNT_DIALOG (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (enlist_account_dialog_parent_class)->finalize (object);
}

static void
enlist_account_dialog_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  EnlistAccountDialog *self = ENLIST_ACCOUNT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      g_value_set_object (value, self->manager);
      break;
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_account_dialog_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  EnlistAccountDialog *self = ENLIST_ACCOUNT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      self->manager = g_value_dup_object (value);
      break;
    case PROP_ACCOUNT:
      self->account = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_account_dialog_class_init (EnlistAccountDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = enlist_account_dialog_constructed;
  object_class->dispose = enlist_account_dialog_dispose;
  object_class->finalize = enlist_account_dialog_finalize;
  object_class->get_property = enlist_account_dialog_get_property;
  object_class->set_property = enlist_account_dialog_set_property;

  properties[PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL, ENLIST_TYPE_ACCOUNT_MANAGER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL, ENLIST_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ENLIST_TYPE_PASSWORD_ROWS);
  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/enlist/Enlist/ui/enlist-account-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, EnlistAccountDialog, page);
  gtk_widget_class_bind_template_child (widget_class, EnlistAccountDialog, address_row);
  gtk_widget_class_bind_template_child (widget_class, EnlistAccountDialog, status_row);
  gtk_widget_class_bind_template_child (widget_class, EnlistAccountDialog, created_row);
  gtk_widget_class_bind_template_child (widget_class, EnlistAccountDialog, domain_row);
  gtk_widget_class_bind_template_child (widget_class, EnlistAccountDialog, connection_row);
  gtk_widget_class_bind_template_child (widget_class, EnlistAccountDialog, security_row);
  gtk_widget_class_bind_template_child (widget_class, EnlistAccountDialog, certificate_group);
  gtk_widget_class_bind_template_child (widget_class, EnlistAccountDialog, password_group);
  gtk_widget_class_bind_template_child (widget_class, EnlistAccountDialog, current_row);
  gtk_widget_class_bind_template_child (widget_class, EnlistAccountDialog, new_rows);
  gtk_widget_class_bind_template_child (widget_class, EnlistAccountDialog, extra_box);
  gtk_widget_class_bind_template_child (widget_class, EnlistAccountDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistAccountDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, EnlistAccountDialog, stage_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistAccountDialog, change_button);
  gtk_widget_class_bind_template_callback (widget_class, update_state);
  gtk_widget_class_bind_template_callback (widget_class, current_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, new_rows_activated_cb);

  gtk_widget_class_install_action (widget_class, "dialog.change-password", NULL,
                                   change_password_action);
  gtk_widget_class_install_action (widget_class, "dialog.copy-address", NULL,
                                   copy_address_action);
}

static void
enlist_account_dialog_init (EnlistAccountDialog *self)
{
  g_autoptr(GtkEntryBuffer) buffer = gtk_password_entry_buffer_new ();

  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  /* the current password, as the new ones: in memory that is never swapped
   * out and is wiped when freed (AdwPasswordEntryRow 1.2 uses a plain
   * buffer) */
  gtk_text_set_buffer (GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (self->current_row))),
                       buffer);
}

GtkWidget *
enlist_account_dialog_new (EnlistAccountManager *manager,
                           EnlistAccount        *account)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT_MANAGER (manager), NULL);
  g_return_val_if_fail (ENLIST_IS_ACCOUNT (account), NULL);

  return g_object_new (ENLIST_TYPE_ACCOUNT_DIALOG, "manager", manager, "account", account, NULL);
}

EnlistAccount *
enlist_account_dialog_get_account (EnlistAccountDialog *self)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT_DIALOG (self), NULL);
  return self->account;
}

gboolean
enlist_account_dialog_get_busy (EnlistAccountDialog *self)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT_DIALOG (self), FALSE);
  return self->busy;
}
