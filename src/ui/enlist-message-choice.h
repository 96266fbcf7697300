/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-message-choice.h: an AdwMessageDialog's answer as an asynchronous
 * operation — what adw_message_dialog_choose () does in libadwaita 1.3,
 * which Debian 12 does not have. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Presents dialog and finishes with the id of the response chosen (the
 * close response when it is closed otherwise). Cancelling closes the
 * dialog and finishes with G_IO_ERROR_CANCELLED, as does destroying it
 * unanswered. */
void  enlist_message_choice_async  (AdwMessageDialog     *dialog,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
char *enlist_message_choice_finish (AdwMessageDialog     *dialog,
                                    GAsyncResult         *result,
                                    GError              **error);

G_END_DECLS
