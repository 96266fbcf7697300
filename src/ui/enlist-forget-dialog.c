/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-forget-dialog.c: "Forget Account?" — says plainly that the
 * account stays on its server and that only this computer forgets it. */
#define G_LOG_DOMAIN "enlist-forget-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-forget-dialog.h"
#include "enlist-message-choice.h"

struct _EnlistForgetDialog
{
  AdwMessageDialog  parent_instance;

  EnlistAccount    *account;
};

G_DEFINE_FINAL_TYPE (EnlistForgetDialog, enlist_forget_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
enlist_forget_dialog_dispose (GObject *object)
{
  EnlistForgetDialog *self = ENLIST_FORGET_DIALOG (object);

  g_clear_object (&self->account);

  G_OBJECT_CLASS (enlist_forget_dialog_parent_class)->dispose (object);
}

static void
enlist_forget_dialog_class_init (EnlistForgetDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = enlist_forget_dialog_dispose;
}

static void
enlist_forget_dialog_init (EnlistForgetDialog *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (self);

  adw_message_dialog_set_heading (dialog, _("Forget Account?"));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "forget", _("_Forget"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "forget", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);
}

EnlistForgetDialog *
enlist_forget_dialog_new (GtkWindow     *parent,
                          EnlistAccount *account)
{
  EnlistForgetDialog *self;
  g_autofree char *body = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (ENLIST_IS_ACCOUNT (account), NULL);

  self = g_object_new (ENLIST_TYPE_FORGET_DIALOG, "transient-for", parent, NULL);
  self->account = g_object_ref (account);
  body = g_strdup_printf (_("Enlist will no longer list %s, and its password will be removed "
                            "from this computer’s keyring. The account stays on its server: "
                            "you can still log in with it if you know its password."),
                          enlist_account_get_address (account));
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);
  return self;
}

EnlistAccount *
enlist_forget_dialog_get_account (EnlistForgetDialog *self)
{
  g_return_val_if_fail (ENLIST_IS_FORGET_DIALOG (self), NULL);
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
    g_task_return_boolean (task, g_str_equal (response, "forget"));
}

void
enlist_forget_dialog_choose_async (EnlistForgetDialog  *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ENLIST_IS_FORGET_DIALOG (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_forget_dialog_choose_async);
  enlist_message_choice_async (ADW_MESSAGE_DIALOG (self), cancellable, choice_cb, task);
}

gboolean
enlist_forget_dialog_choose_finish (EnlistForgetDialog  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enlist_forget_dialog_choose_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
