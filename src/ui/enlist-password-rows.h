/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-password-rows.h: choosing a new password: "New Password" and
 * "Confirm New Password" rows, a strength meter, and a "Generate" button
 * that fills both with a strong random password and shows it once. Used by
 * the sign-up form and the account's password dialog. */
#pragma once

#include <adwaita.h>

#include "enlist-password-strength.h"

G_BEGIN_DECLS

#define ENLIST_TYPE_PASSWORD_ROWS (enlist_password_rows_get_type ())
G_DECLARE_FINAL_TYPE (EnlistPasswordRows, enlist_password_rows, ENLIST, PASSWORD_ROWS, AdwBin)

/* Properties: "title" and "confirm-title" (the rows' titles, plain text),
 * "matches" (read-only: both rows hold the same text), "strength"
 * (read-only, EnlistPasswordStrength as an int).
 * Signals: "changed" when the password (first row) changes; "activate"
 * when Enter is pressed in the confirmation row. */
GtkWidget              *enlist_password_rows_new                (void);

const char             *enlist_password_rows_get_title          (EnlistPasswordRows  *self);
void                    enlist_password_rows_set_title          (EnlistPasswordRows  *self,
                                                                 const char          *title);
const char             *enlist_password_rows_get_confirm_title  (EnlistPasswordRows  *self);
void                    enlist_password_rows_set_confirm_title  (EnlistPasswordRows  *self,
                                                                 const char          *title);
/* The text of the first row (owned by the row; do not keep it). */
const char             *enlist_password_rows_get_password       (EnlistPasswordRows  *self);
gboolean                enlist_password_rows_get_matches        (EnlistPasswordRows  *self);
EnlistPasswordStrength  enlist_password_rows_get_strength       (EnlistPasswordRows  *self);
/* Words the password should not be built from (user name, domain). */
void                    enlist_password_rows_set_user_inputs    (EnlistPasswordRows  *self,
                                                                 const char * const  *inputs);
/* A plain-text note under the rows (a field's description), or NULL. */
void                    enlist_password_rows_set_description    (EnlistPasswordRows  *self,
                                                                 const char          *text);
/* An error under the rows (say, the server refused the password), shown
 * until the user edits either row; NULL clears it. */
void                    enlist_password_rows_set_error          (EnlistPasswordRows  *self,
                                                                 const char          *message);
/* Shows "Required" in the first row. */
void                    enlist_password_rows_set_show_required  (EnlistPasswordRows  *self,
                                                                 gboolean             show);
/* The message under the rows (mismatch or set_error), or NULL. */
const char             *enlist_password_rows_get_message        (EnlistPasswordRows  *self);
/* Empties both rows. */
void                    enlist_password_rows_clear              (EnlistPasswordRows  *self);

GtkWidget              *enlist_password_rows_get_password_row   (EnlistPasswordRows  *self);
GtkWidget              *enlist_password_rows_get_confirm_row    (EnlistPasswordRows  *self);

G_END_DECLS
