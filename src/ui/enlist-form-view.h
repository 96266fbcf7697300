/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-form-view.h: a registration (or any XEP-0004) form built at run
 * time from the data-form model: one row per field, values written
 * straight into the model, XEP-0122 validation as the user types, the
 * account password with confirmation and strength, and the CAPTCHA. */
#pragma once

#include <adwaita.h>

#include "enlist-captcha-view.h"
#include "enlist-data-form.h"
#include "enlist-password-rows.h"

G_BEGIN_DECLS

#define ENLIST_TYPE_FORM_VIEW (enlist_form_view_get_type ())
G_DECLARE_FINAL_TYPE (EnlistFormView, enlist_form_view, ENLIST, FORM_VIEW, AdwBin)

/* Properties: "form" (construct-only), "valid" (read-only, notified: every
 * field shown is valid and the account password matches its
 * confirmation; hidden fields are the server's own, checked again when the
 * form is submitted), "complete" (read-only, notified: every row is built;
 * a form of more than a few dozen fields gets its rows a slice at a time
 * at idle priority, and is not valid before it is complete. Functions
 * that need a field's row build up to it first).
 * Signal "activate": Enter in the last one-line entry (submit). */
GtkWidget          *enlist_form_view_new                (EnlistDataForm *form);
/* The same without the fields skip_vars names (property "skip-vars",
 * construct-only), which the owner fills in itself: the username and the
 * passwords of a server's password-change form. */
GtkWidget          *enlist_form_view_new_skipping       (EnlistDataForm     *form,
                                                         const char * const *skip_vars);

/* For a view inside a page that scrolls already (the account dialog's
 * Password group): it stops scrolling and drops its own margins. */
void                enlist_form_view_embed              (EnlistFormView *self);

EnlistDataForm     *enlist_form_view_get_form           (EnlistFormView *self);
gboolean            enlist_form_view_get_valid          (EnlistFormView *self);
gboolean            enlist_form_view_get_complete       (EnlistFormView *self);

/* The account password's rows, or NULL when the form asks for none. The
 * account password is the text-private field "password", else the only
 * text-private field. */
EnlistPasswordRows *enlist_form_view_get_password_rows  (EnlistFormView *self);
/* The view of the CAPTCHA image, or NULL when the form has none; the
 * owner loads the image into it and answers its "renew" signal. */
EnlistCaptchaView  *enlist_form_view_get_captcha_view   (EnlistFormView *self);

/* Shows message (plain text, such as an error from the server naming this
 * field) under the field var until the user changes it; NULL clears it.
 * Returns FALSE when no field var is shown. */
gboolean            enlist_form_view_show_field_error   (EnlistFormView *self,
                                                         const char     *var,
                                                         const char     *message);
/* Shows every field's validation message, touched or not (after a failed
 * attempt to submit). */
void                enlist_form_view_show_all_errors    (EnlistFormView *self);
/* Focuses the field var (scrolling to it); FALSE when it is not shown. */
gboolean            enlist_form_view_focus_field        (EnlistFormView *self,
                                                         const char     *var);
/* Focuses the first field with nothing entered or chosen; FALSE when
 * every field is filled in (focus is left alone). */
gboolean            enlist_form_view_focus_first_empty  (EnlistFormView *self);

/* The widget showing field var (a row, or the EnlistPasswordRows of the
 * account password), or NULL. For the assistant and the tests. */
GtkWidget          *enlist_form_view_get_field_widget   (EnlistFormView *self,
                                                         const char     *var);

/* The message shown under field var (validation or server), or NULL. */
const char         *enlist_form_view_get_field_message  (EnlistFormView *self,
                                                         const char     *var);

G_END_DECLS
