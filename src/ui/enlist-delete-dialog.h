/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-delete-dialog.h: the confirmation before an account is deleted on
 * its server: "Delete Account?", a plain statement of what is lost, and an
 * "Address" entry where the address must be typed, exactly, before the
 * destructive "Delete" response is enabled. Asked as an async operation
 * (Console's close dialog shows the pattern). */
#pragma once

#include <adwaita.h>

#include "enlist-account.h"

G_BEGIN_DECLS

#define ENLIST_TYPE_DELETE_DIALOG (enlist_delete_dialog_get_type ())
G_DECLARE_FINAL_TYPE (EnlistDeleteDialog, enlist_delete_dialog, ENLIST, DELETE_DIALOG,
                      AdwMessageDialog)

/* Responses: "cancel" and "delete". */
EnlistDeleteDialog *enlist_delete_dialog_new           (GtkWindow           *parent,
                                                        EnlistAccount       *account);
EnlistAccount      *enlist_delete_dialog_get_account   (EnlistDeleteDialog  *self);

/* Presents the dialog; TRUE when the user chose "delete", FALSE for
 * "cancel" or closing it; G_IO_ERROR_CANCELLED when cancellable was
 * cancelled (the dialog is closed then). */
void                enlist_delete_dialog_choose_async  (EnlistDeleteDialog  *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean            enlist_delete_dialog_choose_finish (EnlistDeleteDialog  *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

G_END_DECLS
