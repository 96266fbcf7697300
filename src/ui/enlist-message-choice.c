/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-message-choice.c: an AdwMessageDialog's answer as an async
 * operation. The task lives on the dialog until a response, cancellation
 * or the dialog's destruction ends it, whichever comes first.
 *
 * A response button closes (and so destroys) the dialog before it emits
 * "response": destruction only counts as cancelling once the main loop
 * has come round without a response. */
#define G_LOG_DOMAIN "enlist-message-choice"

#include "config.h"

#include "enlist-message-choice.h"

#define TASK_KEY "enlist-message-choice-task"

typedef struct
{
  AdwMessageDialog *dialog;          /* not a reference: the task's source */
  gulong            response_id;
  gulong            destroy_id;
  gulong            cancelled_id;
} Choice;

static void
choice_free (Choice *choice)
{
  g_free (choice);
}

/* Ends the task with result (a response id, or NULL and error); every
 * path comes here once. */
static void
finish (GTask      *task,
        const char *response,
        GError     *error)
{
  Choice *choice = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  g_signal_handler_disconnect (choice->dialog, choice->response_id);
  g_signal_handler_disconnect (choice->dialog, choice->destroy_id);
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, choice->cancelled_id);
  choice->cancelled_id = 0;

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_strdup (response), g_free);
  /* the dialog's reference on the task */
  g_object_set_data (G_OBJECT (choice->dialog), TASK_KEY, NULL);
}

static gboolean
unanswered (GTask *task)
{
  Choice *choice = g_task_get_task_data (task);

  return g_object_get_data (G_OBJECT (choice->dialog), TASK_KEY) == task;
}

static void
response_cb (AdwMessageDialog *dialog,
             const char       *response,
             GTask            *task)
{
  g_object_ref (dialog);
  finish (task, response, NULL);
  /* adw_message_dialog_response () answers without closing the dialog */
  if (gtk_widget_get_visible (GTK_WIDGET (dialog)))
    gtk_window_close (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

static gboolean
destroyed_unanswered (gpointer data)
{
  g_autoptr(GTask) task = data;

  if (unanswered (task))
    finish (task, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                             "The dialog was closed"));
  return G_SOURCE_REMOVE;
}

static void
destroy_cb (AdwMessageDialog *dialog,
            GTask            *task)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, destroyed_unanswered, g_object_ref (task), NULL);
}

static gboolean
close_when_cancelled (gpointer data)
{
  g_autoptr(GTask) task = data;
  Choice *choice = g_task_get_task_data (task);

  if (!unanswered (task))
    return G_SOURCE_REMOVE;
  g_object_ref (choice->dialog);
  finish (task, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                           "The operation was cancelled"));
  gtk_window_destroy (GTK_WINDOW (choice->dialog));
  g_object_unref (choice->dialog);
  return G_SOURCE_REMOVE;
}

static void
cancelled_cb (GCancellable *cancellable,
              GTask        *task)
{
  /* "cancelled" may come from another thread, and from inside
   * g_cancellable_connect (): the dialog is closed from the main context */
  g_idle_add_full (G_PRIORITY_DEFAULT, close_when_cancelled, g_object_ref (task), NULL);
}

void
enlist_message_choice_async (AdwMessageDialog    *dialog,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Choice *choice;

  g_return_if_fail (ADW_IS_MESSAGE_DIALOG (dialog));
  g_return_if_fail (g_object_get_data (G_OBJECT (dialog), TASK_KEY) == NULL);

  task = g_task_new (dialog, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_message_choice_async);
  choice = g_new0 (Choice, 1);
  choice->dialog = dialog;
  g_task_set_task_data (task, choice, (GDestroyNotify) choice_free);
  g_object_set_data_full (G_OBJECT (dialog), TASK_KEY, g_object_ref (task), g_object_unref);

  choice->response_id = g_signal_connect (dialog, "response", G_CALLBACK (response_cb), task);
  choice->destroy_id = g_signal_connect (dialog, "destroy", G_CALLBACK (destroy_cb), task);
  if (cancellable != NULL)
    choice->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb),
                                                  task, NULL);

  gtk_window_present (GTK_WINDOW (dialog));
}

char *
enlist_message_choice_finish (AdwMessageDialog  *dialog,
                              GAsyncResult      *result,
                              GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, dialog), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == enlist_message_choice_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
