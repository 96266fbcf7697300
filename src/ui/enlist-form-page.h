/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-form-page.h: the sign-up assistant's form: the server's
 * registration form (an EnlistFormView, with its CAPTCHA), a message when
 * the server refused something that concerns no one field, and
 * "Register". A fresh form from the server replaces the view; what the
 * user typed into the confirmation of the password comes along. */
#pragma once

#include <adwaita.h>

#include "enlist-data-form.h"
#include "enlist-form-view.h"

G_BEGIN_DECLS

#define ENLIST_TYPE_FORM_PAGE (enlist_form_page_get_type ())
G_DECLARE_FINAL_TYPE (EnlistFormPage, enlist_form_page, ENLIST, FORM_PAGE, AdwBin)

/* Property "valid" (read-only, notified): the view's. Signals: "submit"
 * (Enter in the last field), "renew" (the CAPTCHA's "New Image"). The
 * page's "Register" button activates "assistant.register". */
GtkWidget      *enlist_form_page_new                (void);

/* Shows form in a new view. The confirmation typed in the view it
 * replaces is kept when the password is the same. NULL removes the view. */
void            enlist_form_page_set_form           (EnlistFormPage *self,
                                                     EnlistDataForm *form);
EnlistDataForm *enlist_form_page_get_form           (EnlistFormPage *self);
EnlistFormView *enlist_form_page_get_view           (EnlistFormPage *self);
gboolean        enlist_form_page_get_valid          (EnlistFormPage *self);
/* TRUE once the user has typed or chosen anything in the form (closing
 * the assistant then asks first). */
gboolean        enlist_form_page_get_edited         (EnlistFormPage *self);

/* While busy the form cannot be changed (a request is on its way). */
void            enlist_form_page_set_busy           (EnlistFormPage *self,
                                                     gboolean        busy);
/* A message over the form (plain text) for a problem no one field has;
 * NULL hides it. */
void            enlist_form_page_set_error          (EnlistFormPage *self,
                                                     const char     *message);
const char     *enlist_form_page_get_error          (EnlistFormPage *self);

/* "Register". */
GtkWidget      *enlist_form_page_get_default_widget (EnlistFormPage *self);

G_END_DECLS
