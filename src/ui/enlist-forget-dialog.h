/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-forget-dialog.h: the confirmation before Enlist forgets an account
 * on this computer (its record and its password in the keyring); the
 * account itself stays on its server. Asked as an async operation. */
#pragma once

#include <adwaita.h>

#include "enlist-account.h"

G_BEGIN_DECLS

#define ENLIST_TYPE_FORGET_DIALOG (enlist_forget_dialog_get_type ())
G_DECLARE_FINAL_TYPE (EnlistForgetDialog, enlist_forget_dialog, ENLIST, FORGET_DIALOG,
                      AdwMessageDialog)

/* Responses: "cancel" and "forget". */
EnlistForgetDialog *enlist_forget_dialog_new           (GtkWindow           *parent,
                                                        EnlistAccount       *account);
EnlistAccount      *enlist_forget_dialog_get_account   (EnlistForgetDialog  *self);

/* Presents the dialog; TRUE when the user chose "forget", FALSE for
 * "cancel" or closing it; G_IO_ERROR_CANCELLED when cancellable was
 * cancelled (the dialog is closed then). */
void                enlist_forget_dialog_choose_async  (EnlistForgetDialog  *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean            enlist_forget_dialog_choose_finish (EnlistForgetDialog  *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

G_END_DECLS
