/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-delete-dialog.c: "Delete Account?" — enabled only once the
 * address is typed, so that deleting is never one slip away. */
#define G_LOG_DOMAIN "enlist-delete-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-delete-dialog.h"
#include "enlist-message-choice.h"

struct _EnlistDeleteDialog
{
  AdwMessageDialog  parent_instance;

  AdwEntryRow      *address_row;

  EnlistAccount    *account;
};

G_DEFINE_FINAL_TYPE (EnlistDeleteDialog, enlist_delete_dialog, ADW_TYPE_MESSAGE_DIALOG)

static gboolean
address_typed (EnlistDeleteDialog *self)
{
  return g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->address_row)),
                    enlist_account_get_address (self->account)) == 0;
}

static void
address_changed_cb (EnlistDeleteDialog *self)
{
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "delete",
                                           address_typed (self));
}

/* Enter after the address: the obvious next step, and only then. */
static void
address_activated_cb (EnlistDeleteDialog *self)
{
  if (address_typed (self))
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (self), "delete");
}

static void
enlist_delete_dialog_dispose (GObject *object)
{
  EnlistDeleteDialog *self = ENLIST_DELETE_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), ENLIST_TYPE_DELETE_DIALOG);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (enlist_delete_dialog_parent_class)->dispose (object);
}

static void
enlist_delete_dialog_class_init (EnlistDeleteDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enlist_delete_dialog_dispose;

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/enlist/Enlist/ui/enlist-delete-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, EnlistDeleteDialog, address_row);
  gtk_widget_class_bind_template_callback (widget_class, address_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, address_activated_cb);
}

static void
enlist_delete_dialog_init (EnlistDeleteDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

EnlistDeleteDialog *
enlist_delete_dialog_new (GtkWindow     *parent,
                          EnlistAccount *account)
{
  EnlistDeleteDialog *self;
  g_autofree char *body = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (ENLIST_IS_ACCOUNT (account), NULL);

  self = g_object_new (ENLIST_TYPE_DELETE_DIALOG, "transient-for", parent, NULL);
  self->account = g_object_ref (account);
  body = g_strdup_printf (_("%s will be deleted on its server for good, with everything the "
                            "server keeps for it, such as contacts and messages not yet "
                            "delivered. Nobody will be able to log in with it again, and its "
                            "password is removed from this computer.\n\n"
                            "Type the address to confirm."),
                          enlist_account_get_address (account));
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);
  return self;
}

EnlistAccount *
enlist_delete_dialog_get_account (EnlistDeleteDialog *self)
{
  g_return_val_if_fail (ENLIST_IS_DELETE_DIALOG (self), NULL);
  return self->account;
}

static void
choice_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *response = NULL;

  response = enlist_message_choice_finish (ADW_MESSAGE_DIALOG (source), result, &error);
  if (response == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, g_str_equal (response, "delete"));
}

void
enlist_delete_dialog_choose_async (EnlistDeleteDialog  *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ENLIST_IS_DELETE_DIALOG (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_delete_dialog_choose_async);
  enlist_message_choice_async (ADW_MESSAGE_DIALOG (self), cancellable, choice_cb, task);
  gtk_widget_grab_focus (GTK_WIDGET (self->address_row));
}

gboolean
enlist_delete_dialog_choose_finish (EnlistDeleteDialog  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enlist_delete_dialog_choose_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
