/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-form-rows.h: the widgets of one form field, a small factory per
 * XEP-0004 field type. Each writes what the user does straight into the
 * field of the model and reports it; the form view arranges the rows,
 * moves between them and adds them up into "valid". */
#pragma once

#include <adwaita.h>

#include "enlist-data-form.h"

G_BEGIN_DECLS

typedef struct _EnlistFormRow EnlistFormRow;

/* After the user changed the field's values (already in the model). */
typedef void (*EnlistFormRowFunc) (EnlistFormRow *row,
                                   gpointer       user_data);

struct _EnlistFormRow
{
  EnlistFormField   *field;
  /* A GtkListBoxRow for a boxed list when is_list_row (then note_row, if
   * any, goes right under it), else a widget that stands on its own. */
  GtkWidget         *widget;
  GtkWidget         *note_row;
  gboolean           is_list_row;
  /* What focus_field focuses. */
  GtkWidget         *focus_widget;
  /* Rows with a one-line text entry: Enter moves on from them. */
  gboolean           is_text_entry;
  /* Plain-text notes under the field: its description (or its label in
   * full when the title had to be shortened) and a validation or server
   * message; the field's widget is described by both. */
  GtkLabel          *description_label;
  GtkLabel          *error_label;

  /* "Required" beside the field, once enlist_form_row_show_required
   * added it; text-multi: the box with the title, where it goes. */
  GtkWidget         *required_label;
  GtkWidget         *header;

  /* The user changed it: its validation messages are shown from now on. */
  gboolean           touched;
  char              *server_error;

  /* list-single: the value behind each item of the combo row (NULL: the
   * "not chosen" item); list-multi: the check buttons, in option order,
   * and the values that are not among the options, kept as they are. */
  GPtrArray         *choices;
  GStrv              extra_values;
  /* Everything the row connected to, disconnected when it is freed. */
  GPtrArray         *connected;

  EnlistFormRowFunc  changed;
  EnlistFormRowFunc  activated;
  gpointer           user_data;
  gboolean           updating;     /* the row is writing its own widgets */
};

/* One builder per type. changed runs after every edit; activated when
 * Enter is pressed in a text entry. */
EnlistFormRow *enlist_form_row_new_text_single      (EnlistFormField   *field,
                                                     EnlistFormRowFunc  changed,
                                                     EnlistFormRowFunc  activated,
                                                     gpointer           user_data);
EnlistFormRow *enlist_form_row_new_jid_single       (EnlistFormField   *field,
                                                     EnlistFormRowFunc  changed,
                                                     EnlistFormRowFunc  activated,
                                                     gpointer           user_data);
EnlistFormRow *enlist_form_row_new_text_private     (EnlistFormField   *field,
                                                     EnlistFormRowFunc  changed,
                                                     EnlistFormRowFunc  activated,
                                                     gpointer           user_data);
/* The password of the new account: EnlistPasswordRows (confirmation,
 * strength, Generate). */
EnlistFormRow *enlist_form_row_new_account_password (EnlistFormField   *field,
                                                     EnlistFormRowFunc  changed,
                                                     EnlistFormRowFunc  activated,
                                                     gpointer           user_data);
EnlistFormRow *enlist_form_row_new_boolean          (EnlistFormField   *field,
                                                     EnlistFormRowFunc  changed,
                                                     EnlistFormRowFunc  activated,
                                                     gpointer           user_data);
EnlistFormRow *enlist_form_row_new_list_single      (EnlistFormField   *field,
                                                     EnlistFormRowFunc  changed,
                                                     EnlistFormRowFunc  activated,
                                                     gpointer           user_data);
EnlistFormRow *enlist_form_row_new_list_multi       (EnlistFormField   *field,
                                                     EnlistFormRowFunc  changed,
                                                     EnlistFormRowFunc  activated,
                                                     gpointer           user_data);
/* text-multi and jid-multi: one value per line. */
EnlistFormRow *enlist_form_row_new_text_multi       (EnlistFormField   *field,
                                                     EnlistFormRowFunc  changed,
                                                     EnlistFormRowFunc  activated,
                                                     gpointer           user_data);
EnlistFormRow *enlist_form_row_new_fixed            (EnlistFormField   *field,
                                                     EnlistFormRowFunc  changed,
                                                     EnlistFormRowFunc  activated,
                                                     gpointer           user_data);
/* The builder for the field's type; NULL for hidden fields. */
EnlistFormRow *enlist_form_row_new                  (EnlistFormField   *field,
                                                     EnlistFormRowFunc  changed,
                                                     EnlistFormRowFunc  activated,
                                                     gpointer           user_data);
void           enlist_form_row_free                 (EnlistFormRow     *row);

/* Validates the field (enlist_form_field_validate) and, once the user
 * touched it or the server complained, shows the message. Returns whether
 * the field is valid; for the account password, also whether the
 * confirmation matches. */
gboolean       enlist_form_row_update               (EnlistFormRow     *row);
/* The same verdict without touching the widgets. */
gboolean       enlist_form_row_is_valid             (EnlistFormRow     *row);
/* A message from the server about this field, until the user edits it;
 * NULL clears it. */
void           enlist_form_row_set_server_error     (EnlistFormRow     *row,
                                                     const char        *message);
/* Nothing entered or chosen yet (fixed fields and switches never are). */
gboolean       enlist_form_row_is_empty             (EnlistFormRow     *row);
gboolean       enlist_form_row_grab_focus           (EnlistFormRow     *row);
/* Marks a required field visibly ("Required"); it is marked for assistive
 * technologies in any case. Switches always hold an answer: not marked. */
void           enlist_form_row_show_required        (EnlistFormRow     *row);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlistFormRow, enlist_form_row_free)

G_END_DECLS
