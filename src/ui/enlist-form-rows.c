/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-form-rows.c: one builder per XEP-0004 field type. Everything the
 * server wrote (labels, descriptions, options, fixed text) goes into the
 * widgets as plain text, neutralised and cut to a sane length. */
#define G_LOG_DOMAIN "enlist-form-rows"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-display-text.h"
#include "enlist-form-rows.h"
#include "enlist-password-rows.h"
#include "enlist-text.h"

/* ---- common parts ------------------------------------------------------- */

static EnlistFormRow *
row_new (EnlistFormField   *field,
         EnlistFormRowFunc  changed,
         EnlistFormRowFunc  activated,
         gpointer           user_data)
{
  EnlistFormRow *row = g_new0 (EnlistFormRow, 1);

  row->field = g_object_ref (field);
  row->changed = changed;
  row->activated = activated;
  row->user_data = user_data;
  return row;
}

/* Every signal a row connects goes through here, so that freeing the row
 * disconnects them all even if someone else still holds its widgets. */
static void
row_connect (EnlistFormRow *row,
             gpointer       instance,
             const char    *signal,
             GCallback      callback)
{
  if (row->connected == NULL)
    row->connected = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (instance, signal, callback, row);
  if (!g_ptr_array_find (row->connected, instance, NULL))
    g_ptr_array_add (row->connected, g_object_ref (instance));
}

static char *
title_of (EnlistFormField *field)
{
  return enlist_display_text (enlist_form_field_get_display_name (field),
                              ENLIST_DISPLAY_TITLE_CHARS, FALSE);
}

static void
set_row_title (AdwPreferencesRow *widget,
               EnlistFormField   *field)
{
  g_autofree char *title = title_of (field);

  /* libadwaita 1.2 rows read their titles as Pango markup by default */
  adw_preferences_row_set_use_markup (widget, FALSE);
  adw_preferences_row_set_title (widget, title);
}

/* The note under a field: the label in full when the title had to be cut,
 * and the server's description. */
static char *
description_of (EnlistFormField *field)
{
  const char *name = enlist_form_field_get_display_name (field);
  const char *description = enlist_form_field_get_description (field);
  g_autofree char *full_name = NULL;
  g_autofree char *shown = NULL;

  if (enlist_display_text_too_long (name, ENLIST_DISPLAY_TITLE_CHARS))
    full_name = enlist_display_text (name, ENLIST_DISPLAY_DESCRIPTION_CHARS, TRUE);
  if (description != NULL && *description != '\0')
    shown = enlist_display_text (description, ENLIST_DISPLAY_DESCRIPTION_CHARS, TRUE);

  if (full_name != NULL && shown != NULL)
    return g_strconcat (full_name, "\n", shown, NULL);
  if (full_name != NULL)
    return g_steal_pointer (&full_name);
  return g_steal_pointer (&shown);
}

static GtkLabel *
note_label_new (gboolean error)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, error ? "error" : "dim-label");
  gtk_widget_set_visible (label, FALSE);
  return GTK_LABEL (label);
}

static void
update_notes (EnlistFormRow *row)
{
  gboolean description = *gtk_label_get_text (row->description_label) != '\0';
  gboolean error = *gtk_label_get_text (row->error_label) != '\0';

  gtk_widget_set_visible (GTK_WIDGET (row->description_label), description);
  gtk_widget_set_visible (GTK_WIDGET (row->error_label), error);
  if (row->note_row != NULL)
    gtk_widget_set_visible (row->note_row, description || error);
}

/* Creates the two note labels and points the accessible description of
 * each of describes (NULL-terminated) at them. */
static void
add_notes (EnlistFormRow *row,
           GtkWidget     *describes,
           ...)
{
  g_autofree char *description = description_of (row->field);
  va_list args;

  row->description_label = note_label_new (FALSE);
  row->error_label = note_label_new (TRUE);
  gtk_label_set_text (row->description_label, description != NULL ? description : "");

  va_start (args, describes);
  for (GtkWidget *widget = describes; widget != NULL; widget = va_arg (args, GtkWidget *))
    gtk_accessible_update_relation (GTK_ACCESSIBLE (widget),
                                    GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                    row->description_label, row->error_label, NULL,
                                    -1);
  va_end (args);
}

/* For rows in a boxed list: the notes go into a row of their own right
 * under the field's. */
static void
add_note_row (EnlistFormRow *row)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->description_label));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->error_label));

  row->note_row = g_object_ref_sink (gtk_list_box_row_new ());
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row->note_row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row->note_row), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row->note_row), FALSE);
  gtk_widget_set_focusable (row->note_row, FALSE);
  gtk_widget_add_css_class (row->note_row, "enlist-form-note");
  update_notes (row);
}

/* "Required" beside a field (enlist_form_row_show_required). */
static GtkWidget *
required_label_new (void)
{
  GtkWidget *label = gtk_label_new (_("Required"));

  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  /* the accessible state says it to screen readers already */
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  return label;
}

static void
mark_required (GtkWidget *widget)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_REQUIRED, TRUE, -1);
}

static void
show_message (EnlistFormRow *row,
              const char    *message)
{
  g_autofree char *shown = NULL;

  if (row->error_label == NULL)
    return;
  shown = enlist_display_text (message, ENLIST_DISPLAY_DESCRIPTION_CHARS, TRUE);
  gtk_label_set_text (row->error_label, shown != NULL ? shown : "");
  if (shown != NULL)
    gtk_widget_add_css_class (row->widget, "error");
  else
    gtk_widget_remove_css_class (row->widget, "error");
  update_notes (row);
}

/* The user changed the values: from now on the row shows what is wrong. */
static void
user_edited (EnlistFormRow *row)
{
  row->touched = TRUE;
  g_clear_pointer (&row->server_error, g_free);
  enlist_form_row_update (row);
  if (row->changed != NULL)
    row->changed (row, row->user_data);
}

/* ---- one-line entries: text-single, jid-single, text-private ------------ */

static void
entry_changed_cb (GtkEditable   *editable,
                  EnlistFormRow *row)
{
  const char *text;

  if (row->updating)
    return;
  text = gtk_editable_get_text (editable);
  enlist_form_field_set_value (row->field, *text != '\0' ? text : NULL);
  user_edited (row);
}

static void
entry_activate_cb (GtkText       *text,
                   EnlistFormRow *row)
{
  if (row->activated != NULL)
    row->activated (row, row->user_data);
}

static EnlistFormRow *
entry_row_new (EnlistFormField   *field,
               GType              type,
               EnlistFormRowFunc  changed,
               EnlistFormRowFunc  activated,
               gpointer           user_data)
{
  EnlistFormRow *row = row_new (field, changed, activated, user_data);
  GtkWidget *entry = g_object_new (type, NULL);
  /* AdwEntryRow 1.2 has no signal for Enter: its GtkText has */
  GtkEditable *text = gtk_editable_get_delegate (GTK_EDITABLE (entry));
  const char *value = enlist_form_field_get_value (field);

  row->widget = g_object_ref_sink (entry);
  row->is_list_row = TRUE;
  row->is_text_entry = TRUE;
  row->focus_widget = entry;
  set_row_title (ADW_PREFERENCES_ROW (entry), field);
  adw_entry_row_set_input_hints (ADW_ENTRY_ROW (entry),
                                 GTK_INPUT_HINT_NO_SPELLCHECK | GTK_INPUT_HINT_NO_EMOJI);

  /* a secret lives in memory that is never swapped out and is wiped when
   * freed (AdwPasswordEntryRow 1.2 uses a plain buffer) */
  if (type == ADW_TYPE_PASSWORD_ENTRY_ROW)
    {
      g_autoptr(GtkEntryBuffer) buffer = gtk_password_entry_buffer_new ();

      gtk_text_set_buffer (GTK_TEXT (text), buffer);
    }
  if (value != NULL)
    {
      row->updating = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (entry), value);
      row->updating = FALSE;
    }
  if (enlist_form_field_is_required (field))
    {
      mark_required (entry);
      mark_required (GTK_WIDGET (text));
    }

  add_notes (row, entry, GTK_WIDGET (text), NULL);
  add_note_row (row);
  row_connect (row, entry, "changed", G_CALLBACK (entry_changed_cb));
  row_connect (row, text, "activate", G_CALLBACK (entry_activate_cb));
  return row;
}

EnlistFormRow *
enlist_form_row_new_text_single (EnlistFormField   *field,
                                 EnlistFormRowFunc  changed,
                                 EnlistFormRowFunc  activated,
                                 gpointer           user_data)
{
  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (field), NULL);

  return entry_row_new (field, ADW_TYPE_ENTRY_ROW, changed, activated, user_data);
}

EnlistFormRow *
enlist_form_row_new_jid_single (EnlistFormField   *field,
                                EnlistFormRowFunc  changed,
                                EnlistFormRowFunc  activated,
                                gpointer           user_data)
{
  EnlistFormRow *row;

  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (field), NULL);

  /* the model checks the JID syntax as the user types */
  row = entry_row_new (field, ADW_TYPE_ENTRY_ROW, changed, activated, user_data);
  adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row->widget), GTK_INPUT_PURPOSE_EMAIL);
  return row;
}

EnlistFormRow *
enlist_form_row_new_text_private (EnlistFormField   *field,
                                  EnlistFormRowFunc  changed,
                                  EnlistFormRowFunc  activated,
                                  gpointer           user_data)
{
  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (field), NULL);

  return entry_row_new (field, ADW_TYPE_PASSWORD_ENTRY_ROW, changed, activated, user_data);
}

/* ---- the account's password --------------------------------------------- */

static void
password_rows_changed_cb (EnlistPasswordRows *rows,
                          EnlistFormRow      *row)
{
  const char *password = enlist_password_rows_get_password (rows);

  enlist_form_field_set_value (row->field, *password != '\0' ? password : NULL);
  user_edited (row);
}

static void
password_rows_matches_cb (EnlistPasswordRows *rows,
                          GParamSpec         *pspec,
                          EnlistFormRow      *row)
{
  if (row->changed != NULL)
    row->changed (row, row->user_data);
}

static void
password_rows_activate_cb (EnlistPasswordRows *rows,
                           EnlistFormRow      *row)
{
  if (row->activated != NULL)
    row->activated (row, row->user_data);
}

EnlistFormRow *
enlist_form_row_new_account_password (EnlistFormField   *field,
                                      EnlistFormRowFunc  changed,
                                      EnlistFormRowFunc  activated,
                                      gpointer           user_data)
{
  EnlistFormRow *row;
  EnlistPasswordRows *rows;
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;
  const char *value;

  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (field), NULL);

  row = row_new (field, changed, activated, user_data);
  rows = ENLIST_PASSWORD_ROWS (enlist_password_rows_new ());
  row->widget = g_object_ref_sink (GTK_WIDGET (rows));
  row->focus_widget = enlist_password_rows_get_password_row (rows);
  row->is_text_entry = TRUE;

  title = title_of (field);
  enlist_password_rows_set_title (rows, title);
  enlist_password_rows_set_confirm_title (rows, _("Confirm Password"));
  description = description_of (field);
  enlist_password_rows_set_description (rows, description);
  if (enlist_form_field_is_required (field))
    {
      mark_required (enlist_password_rows_get_password_row (rows));
      mark_required (enlist_password_rows_get_confirm_row (rows));
    }

  value = enlist_form_field_get_value (field);
  if (value != NULL)
    {
      row->updating = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (enlist_password_rows_get_password_row (rows)), value);
      gtk_editable_set_text (GTK_EDITABLE (enlist_password_rows_get_confirm_row (rows)), value);
      row->updating = FALSE;
    }

  row_connect (row, rows, "changed", G_CALLBACK (password_rows_changed_cb));
  row_connect (row, rows, "notify::matches", G_CALLBACK (password_rows_matches_cb));
  row_connect (row, rows, "activate", G_CALLBACK (password_rows_activate_cb));
  return row;
}

/* ---- boolean ------------------------------------------------------------ */

static void
switch_active_cb (GtkSwitch     *widget,
                  GParamSpec    *pspec,
                  EnlistFormRow *row)
{
  if (row->updating)
    return;
  enlist_form_field_set_boolean (row->field, gtk_switch_get_active (widget));
  user_edited (row);
}

EnlistFormRow *
enlist_form_row_new_boolean (EnlistFormField   *field,
                             EnlistFormRowFunc  changed,
                             EnlistFormRowFunc  activated,
                             gpointer           user_data)
{
  EnlistFormRow *row;
  GtkWidget *action_row, *widget;
  g_autofree char *title = NULL;

  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (field), NULL);

  row = row_new (field, changed, activated, user_data);
  action_row = adw_action_row_new ();
  row->widget = g_object_ref_sink (action_row);
  row->is_list_row = TRUE;
  set_row_title (ADW_PREFERENCES_ROW (action_row), field);

  widget = gtk_switch_new ();
  gtk_widget_set_valign (widget, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (widget), enlist_form_field_get_boolean (field));
  title = title_of (field);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (action_row), widget);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (action_row), widget);
  row->focus_widget = widget;
  /* A switch always shows an answer: the model holds the same one, or a
   * required boolean nobody touched could never be sent. */
  if (enlist_form_field_get_value (field) == NULL)
    enlist_form_field_set_boolean (field, FALSE);
  if (enlist_form_field_is_required (field))
    mark_required (widget);

  add_notes (row, action_row, widget, NULL);
  add_note_row (row);
  row_connect (row, widget, "notify::active", G_CALLBACK (switch_active_cb));
  return row;
}

/* ---- list-single -------------------------------------------------------- */

static void
combo_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  list)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (GPOINTER_TO_INT (list))
    {
      /* in the popover: the whole (already shortened) text */
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
    }
  else
    {
      /* in the row: as much as fits */
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
    }
  gtk_list_item_set_child (item, label);
}

static void
combo_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  list)
{
  GtkStringObject *string = gtk_list_item_get_item (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      gtk_string_object_get_string (string));
}

static GtkListItemFactory *
combo_factory_new (gboolean list)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (combo_setup_cb), GINT_TO_POINTER (list));
  g_signal_connect (factory, "bind", G_CALLBACK (combo_bind_cb), GINT_TO_POINTER (list));
  return factory;
}

static void
combo_selected_cb (AdwComboRow   *combo,
                   GParamSpec    *pspec,
                   EnlistFormRow *row)
{
  guint selected = adw_combo_row_get_selected (combo);

  if (row->updating || selected >= row->choices->len)
    return;
  enlist_form_field_set_value (row->field, g_ptr_array_index (row->choices, selected));
  user_edited (row);
}

EnlistFormRow *
enlist_form_row_new_list_single (EnlistFormField   *field,
                                 EnlistFormRowFunc  changed,
                                 EnlistFormRowFunc  activated,
                                 gpointer           user_data)
{
  EnlistFormRow *row;
  GtkWidget *combo;
  g_autoptr(GtkStringList) strings = NULL;
  g_autoptr(GtkListItemFactory) factory = NULL;
  g_autoptr(GtkListItemFactory) list_factory = NULL;
  const char *value;
  guint selected = 0, n;

  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (field), NULL);

  row = row_new (field, changed, activated, user_data);
  combo = adw_combo_row_new ();
  row->widget = g_object_ref_sink (combo);
  row->is_list_row = TRUE;
  row->focus_widget = combo;
  set_row_title (ADW_PREFERENCES_ROW (combo), field);

  strings = gtk_string_list_new (NULL);
  row->choices = g_ptr_array_new_with_free_func (g_free);
  value = enlist_form_field_get_value (field);
  n = enlist_form_field_get_n_options (field);
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (value, enlist_form_field_get_option_value (field, i)) == 0)
      selected = i + 1;

  if (selected == 0)
    {
      /* No option chosen yet (or a value the server allows beyond its
       * options): the first item says so and keeps it. */
      g_autofree char *shown = enlist_display_text (value, ENLIST_DISPLAY_TITLE_CHARS, FALSE);

      gtk_string_list_append (strings, shown != NULL ? shown : C_("choice", "Not Chosen"));
      g_ptr_array_add (row->choices, g_strdup (value));
    }
  else
    selected--;

  for (guint i = 0; i < n; i++)
    {
      const char *option = enlist_form_field_get_option_value (field, i);
      const char *label = enlist_form_field_get_option_label (field, i);
      g_autofree char *shown = enlist_display_text (label != NULL ? label : option,
                                                    ENLIST_DISPLAY_TITLE_CHARS, FALSE);

      gtk_string_list_append (strings, shown);
      g_ptr_array_add (row->choices, g_strdup (option));
    }

  factory = combo_factory_new (FALSE);
  list_factory = combo_factory_new (TRUE);
  adw_combo_row_set_factory (ADW_COMBO_ROW (combo), factory);
  adw_combo_row_set_list_factory (ADW_COMBO_ROW (combo), list_factory);
  row->updating = TRUE;
  adw_combo_row_set_model (ADW_COMBO_ROW (combo), G_LIST_MODEL (strings));
  adw_combo_row_set_selected (ADW_COMBO_ROW (combo), selected);
  row->updating = FALSE;
  if (enlist_form_field_is_required (field))
    {
      mark_required (combo);
    }

  add_notes (row, combo, NULL);
  add_note_row (row);
  row_connect (row, combo, "notify::selected", G_CALLBACK (combo_selected_cb));
  return row;
}

/* ---- list-multi --------------------------------------------------------- */

static void
update_chosen_subtitle (EnlistFormRow *row)
{
  guint n = g_strv_length ((char **) enlist_form_field_get_values (row->field));
  g_autofree char *subtitle = NULL;

  if (n == 0)
    subtitle = g_strdup (C_("choices", "None chosen"));
  else
    subtitle = g_strdup_printf (ngettext ("%u chosen", "%u chosen", n), n);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row->widget), subtitle);
}

static void
check_toggled_cb (GtkCheckButton *check,
                  EnlistFormRow  *row)
{
  g_autoptr(GPtrArray) values = g_ptr_array_new ();

  if (row->updating)
    return;
  for (guint i = 0; i < row->choices->len; i++)
    if (gtk_check_button_get_active (g_ptr_array_index (row->choices, i)))
      g_ptr_array_add (values,
                       (gpointer) enlist_form_field_get_option_value (row->field, i));
  for (guint i = 0; row->extra_values != NULL && row->extra_values[i] != NULL; i++)
    g_ptr_array_add (values, row->extra_values[i]);
  g_ptr_array_add (values, NULL);

  enlist_form_field_set_values (row->field, (const char * const *) values->pdata);
  update_chosen_subtitle (row);
  user_edited (row);
}

EnlistFormRow *
enlist_form_row_new_list_multi (EnlistFormField   *field,
                                EnlistFormRowFunc  changed,
                                EnlistFormRowFunc  activated,
                                gpointer           user_data)
{
  EnlistFormRow *row;
  GtkWidget *expander;
  const char * const *values;
  g_autoptr(GStrvBuilder) extra = g_strv_builder_new ();
  guint n;

  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (field), NULL);

  row = row_new (field, changed, activated, user_data);
  expander = adw_expander_row_new ();
  row->widget = g_object_ref_sink (expander);
  row->is_list_row = TRUE;
  row->focus_widget = expander;
  set_row_title (ADW_PREFERENCES_ROW (expander), field);

  values = enlist_form_field_get_values (field);
  n = enlist_form_field_get_n_options (field);
  /* the check buttons, in option order */
  row->choices = g_ptr_array_new ();
  for (guint i = 0; i < n; i++)
    {
      const char *option = enlist_form_field_get_option_value (field, i);
      const char *label = enlist_form_field_get_option_label (field, i);
      g_autofree char *shown = enlist_display_text (label != NULL ? label : option,
                                                    ENLIST_DISPLAY_TITLE_CHARS, FALSE);
      GtkWidget *option_row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (option_row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (option_row), shown);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      shown, -1);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   g_strv_contains (values, option));
      adw_action_row_add_prefix (ADW_ACTION_ROW (option_row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (option_row), check);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), option_row);
      g_ptr_array_add (row->choices, check);
      row_connect (row, check, "toggled", G_CALLBACK (check_toggled_cb));
    }
  for (guint i = 0; values[i] != NULL; i++)
    {
      gboolean known = FALSE;

      for (guint j = 0; j < n && !known; j++)
        known = g_strcmp0 (values[i], enlist_form_field_get_option_value (field, j)) == 0;
      if (!known)
        g_strv_builder_add (extra, values[i]);
    }
  row->extra_values = g_strv_builder_end (extra);

  update_chosen_subtitle (row);
  if (enlist_form_field_is_required (field))
    {
      mark_required (expander);
    }

  add_notes (row, expander, NULL);
  add_note_row (row);
  return row;
}

/* ---- text-multi, jid-multi ---------------------------------------------- */

static void
buffer_changed_cb (GtkTextBuffer *buffer,
                   EnlistFormRow *row)
{
  g_autofree char *text = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) values = NULL;
  gboolean jids = enlist_form_field_get_field_type (row->field) == ENLIST_FIELD_TYPE_JID_MULTI;
  GtkTextIter start, end;
  guint n;

  if (row->updating)
    return;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  lines = g_strsplit (text, "\n", -1);
  n = g_strv_length (lines);
  /* a final line break does not start another value */
  if (n > 0 && *lines[n - 1] == '\0')
    n--;
  for (guint i = 0; i < n; i++)
    {
      /* addresses: one per line, blank lines and spaces around ignored */
      if (jids)
        {
          g_strstrip (lines[i]);
          if (*lines[i] == '\0')
            continue;
        }
      g_strv_builder_add (builder, lines[i]);
    }
  values = g_strv_builder_end (builder);
  enlist_form_field_set_values (row->field, (const char * const *) values);
  user_edited (row);
}

EnlistFormRow *
enlist_form_row_new_text_multi (EnlistFormField   *field,
                                EnlistFormRowFunc  changed,
                                EnlistFormRowFunc  activated,
                                gpointer           user_data)
{
  EnlistFormRow *row;
  GtkWidget *box, *header, *title_label, *frame, *scrolled, *view;
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;
  GtkTextBuffer *buffer;

  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (field), NULL);

  row = row_new (field, changed, activated, user_data);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  row->widget = g_object_ref_sink (box);

  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  title = title_of (field);
  title_label = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (title_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title_label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (title_label, TRUE);
  gtk_widget_add_css_class (title_label, "heading");
  gtk_box_append (GTK_BOX (header), title_label);
  gtk_box_append (GTK_BOX (box), header);
  row->header = header;

  view = gtk_text_view_new ();
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  /* Tab moves on to the next field, as everywhere else in the form */
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 8);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  GTK_ACCESSIBLE_PROPERTY_MULTI_LINE, TRUE,
                                  -1);
  if (enlist_form_field_get_field_type (field) == ENLIST_FIELD_TYPE_JID_MULTI)
    gtk_text_view_set_input_purpose (GTK_TEXT_VIEW (view), GTK_INPUT_PURPOSE_EMAIL);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 96);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 240);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  frame = gtk_frame_new (NULL);
  gtk_frame_set_child (GTK_FRAME (frame), scrolled);
  gtk_box_append (GTK_BOX (box), frame);
  row->focus_widget = view;

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  text = g_strjoinv ("\n", (char **) enlist_form_field_get_values (field));
  row->updating = TRUE;
  gtk_text_buffer_set_text (buffer, text, -1);
  row->updating = FALSE;

  if (enlist_form_field_is_required (field))
    {
      mark_required (view);
    }

  add_notes (row, view, NULL);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->description_label));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->error_label));
  update_notes (row);
  row_connect (row, buffer, "changed", G_CALLBACK (buffer_changed_cb));
  return row;
}

/* ---- fixed -------------------------------------------------------------- */

EnlistFormRow *
enlist_form_row_new_fixed (EnlistFormField   *field,
                           EnlistFormRowFunc  changed,
                           EnlistFormRowFunc  activated,
                           gpointer           user_data)
{
  EnlistFormRow *row;
  GtkWidget *box, *label;
  g_autofree char *text = NULL;
  g_autofree char *shown = NULL;

  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (field), NULL);

  row = row_new (field, changed, activated, user_data);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  row->widget = g_object_ref_sink (box);

  if (enlist_form_field_get_label (field) != NULL)
    {
      g_autofree char *title = title_of (field);

      label = gtk_label_new (title);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_widget_add_css_class (label, "heading");
      gtk_box_append (GTK_BOX (box), label);
    }

  text = g_strjoinv ("\n", (char **) enlist_form_field_get_values (field));
  shown = enlist_display_text (text, ENLIST_DISPLAY_DESCRIPTION_CHARS, TRUE);
  label = gtk_label_new (shown);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_visible (label, *shown != '\0');
  gtk_box_append (GTK_BOX (box), label);
  return row;
}

/* ---- dispatch and the rest ---------------------------------------------- */

EnlistFormRow *
enlist_form_row_new (EnlistFormField   *field,
                     EnlistFormRowFunc  changed,
                     EnlistFormRowFunc  activated,
                     gpointer           user_data)
{
  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (field), NULL);

  switch (enlist_form_field_get_field_type (field))
    {
    case ENLIST_FIELD_TYPE_BOOLEAN:
      return enlist_form_row_new_boolean (field, changed, activated, user_data);
    case ENLIST_FIELD_TYPE_FIXED:
      return enlist_form_row_new_fixed (field, changed, activated, user_data);
    case ENLIST_FIELD_TYPE_HIDDEN:
      return NULL;
    case ENLIST_FIELD_TYPE_JID_MULTI:
    case ENLIST_FIELD_TYPE_TEXT_MULTI:
      return enlist_form_row_new_text_multi (field, changed, activated, user_data);
    case ENLIST_FIELD_TYPE_JID_SINGLE:
      return enlist_form_row_new_jid_single (field, changed, activated, user_data);
    case ENLIST_FIELD_TYPE_LIST_MULTI:
      return enlist_form_row_new_list_multi (field, changed, activated, user_data);
    case ENLIST_FIELD_TYPE_LIST_SINGLE:
      return enlist_form_row_new_list_single (field, changed, activated, user_data);
    case ENLIST_FIELD_TYPE_TEXT_PRIVATE:
      return enlist_form_row_new_text_private (field, changed, activated, user_data);
    case ENLIST_FIELD_TYPE_TEXT_SINGLE:
    default:
      return enlist_form_row_new_text_single (field, changed, activated, user_data);
    }
}

void
enlist_form_row_free (EnlistFormRow *row)
{
  if (row == NULL)
    return;

  for (guint i = 0; row->connected != NULL && i < row->connected->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (row->connected, i), row);
  g_clear_pointer (&row->connected, g_ptr_array_unref);
  g_clear_pointer (&row->choices, g_ptr_array_unref);
  g_clear_pointer (&row->extra_values, g_strfreev);
  g_clear_pointer (&row->server_error, g_free);
  g_clear_object (&row->note_row);
  g_clear_object (&row->widget);
  g_clear_object (&row->field);
  g_free (row);
}

static gboolean
is_account_password (EnlistFormRow *row)
{
  return ENLIST_IS_PASSWORD_ROWS (row->widget);
}

gboolean
enlist_form_row_is_valid (EnlistFormRow *row)
{
  g_return_val_if_fail (row != NULL, FALSE);

  if (!enlist_form_field_validate (row->field, NULL))
    return FALSE;
  if (is_account_password (row))
    return enlist_password_rows_get_matches (ENLIST_PASSWORD_ROWS (row->widget));
  return TRUE;
}

/* The model's messages name the field in full; a name too long for a
 * title is too long for a message too: the shortened title stands in. */
static char *
validation_message (EnlistFormRow *row,
                    const char    *message)
{
  const char *name = enlist_form_field_get_display_name (row->field);
  g_autofree char *full = NULL;
  g_autofree char *title = NULL;
  GString *out;

  if (!enlist_display_text_too_long (name, ENLIST_DISPLAY_TITLE_CHARS))
    return g_strdup (message);
  full = enlist_text_neutralize (name, -1);
  title = title_of (row->field);
  out = g_string_new (message);
  g_string_replace (out, full, title, 0);
  return g_string_free (out, FALSE);
}

gboolean
enlist_form_row_update (EnlistFormRow *row)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean valid;

  g_return_val_if_fail (row != NULL, FALSE);

  valid = enlist_form_field_validate (row->field, &error);
  if (row->server_error != NULL)
    message = g_strdup (row->server_error);
  else if (!valid && row->touched)
    message = validation_message (row, error->message);

  if (is_account_password (row))
    {
      EnlistPasswordRows *rows = ENLIST_PASSWORD_ROWS (row->widget);
      g_autofree char *shown = enlist_display_text (message, ENLIST_DISPLAY_DESCRIPTION_CHARS,
                                                    TRUE);

      enlist_password_rows_set_error (rows, shown);
      return valid && enlist_password_rows_get_matches (rows);
    }

  show_message (row, message);
  return valid;
}

void
enlist_form_row_set_server_error (EnlistFormRow *row,
                                  const char    *message)
{
  g_return_if_fail (row != NULL);

  g_free (row->server_error);
  row->server_error = g_strdup (message);
  enlist_form_row_update (row);
}

gboolean
enlist_form_row_is_empty (EnlistFormRow *row)
{
  g_return_val_if_fail (row != NULL, FALSE);

  switch (enlist_form_field_get_field_type (row->field))
    {
    case ENLIST_FIELD_TYPE_BOOLEAN:
    case ENLIST_FIELD_TYPE_FIXED:
    case ENLIST_FIELD_TYPE_HIDDEN:
      return FALSE;
    case ENLIST_FIELD_TYPE_JID_MULTI:
    case ENLIST_FIELD_TYPE_TEXT_MULTI:
    case ENLIST_FIELD_TYPE_JID_SINGLE:
    case ENLIST_FIELD_TYPE_LIST_MULTI:
    case ENLIST_FIELD_TYPE_LIST_SINGLE:
    case ENLIST_FIELD_TYPE_TEXT_PRIVATE:
    case ENLIST_FIELD_TYPE_TEXT_SINGLE:
    default:
      return enlist_form_field_get_value (row->field) == NULL;
    }
}

gboolean
enlist_form_row_grab_focus (EnlistFormRow *row)
{
  g_return_val_if_fail (row != NULL, FALSE);

  if (row->focus_widget == NULL)
    return FALSE;
  return gtk_widget_grab_focus (row->focus_widget);
}

void
enlist_form_row_show_required (EnlistFormRow *row)
{
  g_return_if_fail (row != NULL);

  if (!enlist_form_field_is_required (row->field) || row->required_label != NULL)
    return;
  /* added only now: even hidden, a suffix would shift the row's icons */
  if (ADW_IS_ENTRY_ROW (row->widget))
    {
      row->required_label = required_label_new ();
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (row->widget), row->required_label);
    }
  else if (ADW_IS_EXPANDER_ROW (row->widget))
    {
      row->required_label = required_label_new ();
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row->widget), row->required_label);
    }
  else if (row->header != NULL)
    {
      row->required_label = required_label_new ();
      gtk_box_append (GTK_BOX (row->header), row->required_label);
    }
  else if (ADW_IS_COMBO_ROW (row->widget))
    /* beside the choice and its arrow there is no room: under the title */
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row->widget), _("Required"));
  else if (ENLIST_IS_PASSWORD_ROWS (row->widget))
    enlist_password_rows_set_show_required (ENLIST_PASSWORD_ROWS (row->widget), TRUE);
}
