/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-window.c: the main window: the accounts Enlist keeps, one row
 * each, or an empty state that invites the user to create one; the flows
 * behind each row's menu (settings, delete, forget) and toasts for what
 * they did. */
#define G_LOG_DOMAIN "enlist-window"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-account-dialog.h"
#include "enlist-account-row.h"
#include "enlist-delete-dialog.h"
#include "enlist-forget-dialog.h"
#include "enlist-window.h"

struct _EnlistWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  GtkSpinner           *loading_spinner;
  AdwStatusPage        *status_page;
  GtkListBox           *accounts_list;

  EnlistAccountManager *manager;
  GCancellable         *cancellable;
};

G_DEFINE_FINAL_TYPE (EnlistWindow, enlist_window, ADW_TYPE_APPLICATION_WINDOW)

static EnlistApplication *
get_application (EnlistWindow *self)
{
  return ENLIST_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

void
enlist_window_add_toast (EnlistWindow *self,
                         const char   *text)
{
  g_autofree char *escaped = NULL;

  g_return_if_fail (ENLIST_IS_WINDOW (self));
  g_return_if_fail (text != NULL);

  /* libadwaita 1.2 reads a toast's title as Pango markup */
  escaped = g_markup_escape_text (text, -1);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
}

void
enlist_window_add_toast_with_details (EnlistWindow *self,
                                      const char   *text,
                                      const char   *details)
{
  g_autofree char *escaped = NULL;
  AdwToast *toast;

  g_return_if_fail (ENLIST_IS_WINDOW (self));
  g_return_if_fail (text != NULL && details != NULL);

  escaped = g_markup_escape_text (text, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_button_label (toast, _("_Details"));
  adw_toast_set_action_name (toast, "window.show-details");
  adw_toast_set_action_target_value (toast, g_variant_new ("(ss)", text, details));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* heading and body are plain text */
static void
present_message (EnlistWindow *self,
                 const char   *heading,
                 const char   *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A failure the user should read: in a dialog, not a toast that goes. */
static void
present_error (EnlistWindow *self,
               const char   *heading,
               const GError *error)
{
  present_message (self, heading, error->message);
}

static void
show_details_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  const char *heading = NULL;
  const char *body = NULL;

  g_variant_get (parameter, "(&s&s)", &heading, &body);
  present_message (ENLIST_WINDOW (widget), heading, body);
}

static void
update_page (EnlistWindow *self)
{
  EnlistApplication *application = get_application (self);
  const char *page;

  if (self->manager != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->manager)) > 0)
    page = "accounts";
  else if (application != NULL && enlist_application_get_loading (application))
    page = "loading";
  else
    page = "empty";

  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (page, "loading"));
  gtk_stack_set_visible_child_name (self->stack, page);
}

static EnlistAccountRow *
find_row (EnlistWindow  *self,
          EnlistAccount *account)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->accounts_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (ENLIST_IS_ACCOUNT_ROW (child) &&
        enlist_account_row_get_account (ENLIST_ACCOUNT_ROW (child)) == account)
      return ENLIST_ACCOUNT_ROW (child);
  return NULL;
}

static void
set_row_busy (EnlistWindow  *self,
              EnlistAccount *account,
              const char    *status)
{
  EnlistAccountRow *row = find_row (self, account);

  if (row != NULL)
    enlist_account_row_set_busy (row, status);
}

/* ---- the account's settings -------------------------------------------- */

GtkWindow *
enlist_window_open_account (EnlistWindow  *self,
                            EnlistAccount *account,
                            gboolean       at_password)
{
  GtkWidget *dialog;

  g_return_val_if_fail (ENLIST_IS_WINDOW (self), NULL);
  g_return_val_if_fail (ENLIST_IS_ACCOUNT (account), NULL);

  dialog = enlist_account_dialog_new (self->manager, account);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (dialog));
  if (at_password)
    enlist_account_dialog_focus_password (ENLIST_ACCOUNT_DIALOG (dialog));
  return GTK_WINDOW (dialog);
}

static void
row_activated_cb (EnlistWindow  *self,
                  GtkListBoxRow *row)
{
  if (ENLIST_IS_ACCOUNT_ROW (row))
    enlist_window_open_account (self, enlist_account_row_get_account (ENLIST_ACCOUNT_ROW (row)),
                                FALSE);
}

/* ---- delete and forget -------------------------------------------------- */

typedef struct
{
  EnlistWindow       *self;          /* a reference */
  EnlistAccount      *account;
  EnlistRegistration *registration;
  GCancellable       *cancellable;   /* the window's, cancelled when it goes */
} Operation;

static Operation *
operation_new (EnlistWindow  *self,
               EnlistAccount *account)
{
  Operation *operation = g_new0 (Operation, 1);

  operation->self = g_object_ref (self);
  operation->account = g_object_ref (account);
  operation->cancellable = g_object_ref (self->cancellable);
  return operation;
}

static void
operation_free (Operation *operation)
{
  g_object_unref (operation->self);
  g_object_unref (operation->account);
  g_clear_object (&operation->registration);
  g_object_unref (operation->cancellable);
  g_free (operation);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Operation, operation_free)

/* A closed window has nobody left to tell. */
static gboolean
operation_dropped (Operation    *operation,
                   const GError *error)
{
  return g_cancellable_is_cancelled (operation->cancellable) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
delete_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Operation) operation = user_data;
  g_autoptr(GError) error = NULL;
  EnlistWindow *self = operation->self;
  gboolean deleted;

  deleted = enlist_account_manager_delete_finish (ENLIST_ACCOUNT_MANAGER (source), result, &error);
  if (operation_dropped (operation, error))
    return;

  if (deleted)
    {
      /* the manager has taken the row away already */
      enlist_window_add_toast (self, _("Account deleted"));
      return;
    }
  set_row_busy (self, operation->account, NULL);
  /* unknown: the row says it is to be checked, and settling will tell */
  if (g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_OUTCOME_UNKNOWN))
    present_error (self, _("Deletion Not Confirmed"), error);
  else
    present_error (self, _("Account Not Deleted"), error);
}

static void
delete_chosen_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Operation) operation = user_data;
  g_autoptr(GError) error = NULL;
  EnlistWindow *self = operation->self;
  gboolean confirmed;

  confirmed = enlist_delete_dialog_choose_finish (ENLIST_DELETE_DIALOG (source), result, &error);
  if (!confirmed || operation_dropped (operation, error))
    return;

  set_row_busy (self, operation->account, _("Deleting the account on its server…"));
  operation->registration = enlist_account_manager_registration_for_account (self->manager,
                                                                             operation->account);
  enlist_account_manager_delete_async (self->manager, operation->registration,
                                       operation->account, NULL, self->cancellable,
                                       delete_done_cb, operation);
  operation = NULL;
}

void
enlist_window_delete_account (EnlistWindow  *self,
                              EnlistAccount *account)
{
  EnlistDeleteDialog *dialog;

  g_return_if_fail (ENLIST_IS_WINDOW (self));
  g_return_if_fail (ENLIST_IS_ACCOUNT (account));

  dialog = enlist_delete_dialog_new (GTK_WINDOW (self), account);
  enlist_delete_dialog_choose_async (dialog, self->cancellable, delete_chosen_cb,
                                     operation_new (self, account));
}

static void
forget_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Operation) operation = user_data;
  g_autoptr(GError) error = NULL;
  EnlistWindow *self = operation->self;
  gboolean forgotten;

  forgotten = enlist_account_manager_forget_finish (ENLIST_ACCOUNT_MANAGER (source), result,
                                                    &error);
  if (operation_dropped (operation, error))
    return;

  if (forgotten)
    {
      enlist_window_add_toast (self, _("Account forgotten on this computer"));
      return;
    }
  set_row_busy (self, operation->account, NULL);
  present_error (self, _("Account Not Forgotten"), error);
}

static void
forget_chosen_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Operation) operation = user_data;
  g_autoptr(GError) error = NULL;
  EnlistWindow *self = operation->self;
  gboolean confirmed;

  confirmed = enlist_forget_dialog_choose_finish (ENLIST_FORGET_DIALOG (source), result, &error);
  if (!confirmed || operation_dropped (operation, error))
    return;

  set_row_busy (self, operation->account, _("Removing it from this computer…"));
  enlist_account_manager_forget_async (self->manager, operation->account, self->cancellable,
                                       forget_done_cb, operation);
  operation = NULL;
}

void
enlist_window_forget_account (EnlistWindow  *self,
                              EnlistAccount *account)
{
  EnlistForgetDialog *dialog;

  g_return_if_fail (ENLIST_IS_WINDOW (self));
  g_return_if_fail (ENLIST_IS_ACCOUNT (account));

  dialog = enlist_forget_dialog_new (GTK_WINDOW (self), account);
  enlist_forget_dialog_choose_async (dialog, self->cancellable, forget_chosen_cb,
                                     operation_new (self, account));
}

/* ---- the list ----------------------------------------------------------- */

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  return enlist_account_row_new (ENLIST_ACCOUNT (item));
}

static void
items_changed_cb (EnlistWindow *self)
{
  update_page (self);
}

/* ---- window size -------------------------------------------------------- */

static void
restore_size (EnlistWindow   *self,
              EnlistSettings *settings)
{
  int width = enlist_settings_get_window_width (settings);
  int height = enlist_settings_get_window_height (settings);

  /* a size from an older, larger screen is the window manager's to fit */
  if (width > 0 && height > 0)
    gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (enlist_settings_get_window_maximized (settings))
    gtk_window_maximize (GTK_WINDOW (self));
}

static gboolean
enlist_window_close_request (GtkWindow *window)
{
  EnlistWindow *self = ENLIST_WINDOW (window);
  EnlistApplication *application = get_application (self);
  int width = 0, height = 0;

  /* the size it has when not maximized, so that it comes back to it */
  gtk_window_get_default_size (window, &width, &height);
  if (application != NULL && enlist_application_get_settings (application) != NULL)
    enlist_settings_set_window_state (enlist_application_get_settings (application), width,
                                      height, gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (enlist_window_parent_class)->close_request (window);
}

/* ---- GObject ------------------------------------------------------------ */

/* "application" is not a construct property: everything that needs the
 * application's objects waits for it to be set. */
static void
application_set_cb (EnlistWindow *self)
{
  EnlistApplication *application = get_application (self);

  if (application == NULL || self->manager != NULL)
    return;
  /* the application's objects exist from startup on */
  g_return_if_fail (enlist_application_get_account_manager (application) != NULL);

  self->manager = g_object_ref (enlist_application_get_account_manager (application));
  gtk_list_box_bind_model (self->accounts_list, G_LIST_MODEL (self->manager), create_row, self,
                           NULL);
  g_signal_connect_object (self->manager, "items-changed", G_CALLBACK (items_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (application, "notify::loading", G_CALLBACK (update_page), self,
                           G_CONNECT_SWAPPED);
  restore_size (self, enlist_application_get_settings (application));
  update_page (self);
}

static void
enlist_window_dispose (GObject *object)
{
  EnlistWindow *self = ENLIST_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->accounts_list != NULL)
    gtk_list_box_bind_model (self->accounts_list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->manager);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENLIST_TYPE_WINDOW);

  G_OBJECT_CLASS (enlist_window_parent_class)->dispose (object);
}

static void
enlist_window_finalize (GObject *object)
{
  EnlistWindow *self = ENLIST_WINDOW (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (enlist_window_parent_class)->finalize (object);
}

static void
enlist_window_class_init (EnlistWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = enlist_window_dispose;
  object_class->finalize = enlist_window_finalize;
  window_class->close_request = enlist_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/enlist/Enlist/ui/enlist-window.ui");
  gtk_widget_class_bind_template_child (widget_class, EnlistWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, EnlistWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, EnlistWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, EnlistWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, EnlistWindow, accounts_list);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_install_action (widget_class, "window.show-details", "(ss)",
                                   show_details_action);
}

static void
enlist_window_init (EnlistWindow *self)
{
  g_autofree char *icon = g_strconcat (APP_ID, "-symbolic", NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect (self, "notify::application", G_CALLBACK (application_set_cb), NULL);
  /* the development build's icon carries its own id */
  adw_status_page_set_icon_name (self->status_page, icon);
}

EnlistWindow *
enlist_window_new (EnlistApplication *application)
{
  return g_object_new (ENLIST_TYPE_WINDOW, "application", application, NULL);
}
