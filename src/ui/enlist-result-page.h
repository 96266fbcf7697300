/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-result-page.h: the sign-up assistant's last page: "Account
 * Created", the new address to read and copy, and where the password is
 * kept — or, when the keyring could not keep it, the password itself, shown
 * this once, to copy, with a plain warning that it is saved nowhere else. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ENLIST_TYPE_RESULT_PAGE (enlist_result_page_get_type ())
G_DECLARE_FINAL_TYPE (EnlistResultPage, enlist_result_page, ENLIST, RESULT_PAGE, AdwBin)

/* Actions "result.copy-address" and "result.copy-password" copy to the
 * clipboard. The page's "Done" button activates "assistant.done".
 * Property "default-widget" (read-only, notified): what Enter activates. */
GtkWidget  *enlist_result_page_new                (void);

/* address: the new account's address (NULL when the server did not say);
 * unsaved_password: NULL when the keyring holds the password, else the
 * password to show (copied into a label until clear). */
void        enlist_result_page_set_result         (EnlistResultPage *self,
                                                   const char       *address,
                                                   const char       *unsaved_password);
/* Says (needed) that the server wants the new account activated before it
 * lets it log in, with what the server said (plain text, may be NULL);
 * set_result hides it again. */
void        enlist_result_page_set_activation     (EnlistResultPage *self,
                                                   gboolean          needed,
                                                   const char       *server_text);
gboolean    enlist_result_page_get_activation_shown (EnlistResultPage *self);
/* Forgets what was shown (the password most of all). */
void        enlist_result_page_clear              (EnlistResultPage *self);

const char *enlist_result_page_get_address        (EnlistResultPage *self);
/* TRUE when the password is shown (the keyring does not hold it). */
gboolean    enlist_result_page_get_password_shown (EnlistResultPage *self);
/* What Enter activates: "Copy Password" while a shown password was not
 * copied yet, else "Done". */
GtkWidget  *enlist_result_page_get_default_widget (EnlistResultPage *self);

G_END_DECLS
