/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-form-view.c: a data form as a column of boxed lists, built at run
 * time; the rows come from enlist-form-rows.c.
 *
 * A libadwaita row costs about a millisecond to create, lay out and draw
 * here (bench/README.md), so a form of more than LAZY_FIELDS fields is
 * built a slice at a time: the first slice at once, the rest at idle
 * priority, below drawing and input, so that the form appears at once and
 * the window keeps answering while it fills in. Every function that needs
 * a field's row builds up to it first, and "valid" stays FALSE until the
 * last row is there.
 *
 * Each slice makes GTK lay out and draw every row shown so far once more
 * (GTK 4.8 neither skips rows out of sight nor keeps their drawing), so
 * slices of a fixed size would make the whole build quadratic: each
 * slice may take an eighth of the time spent building so far, which keeps
 * those repeats to a fraction of the building and their number to the
 * logarithm of the form's size. */
#define G_LOG_DOMAIN "enlist-form-view"

#include "config.h"

#include "enlist-display-text.h"
#include "enlist-form-rows.h"
#include "enlist-form-view.h"

/* Forms up to this size are built whole at construction (every real
 * registration form is far smaller). */
#define LAZY_FIELDS 32
/* The work of the first slices of a larger form; the frame that shows a
 * slice's rows costs about as much again. Later slices grow, to
 * 1/SLICE_GROWTH of the time spent building before them. */
#define SLICE_USEC   (4 * 1000)
#define SLICE_GROWTH 4
/* Rows of one boxed list at most: each row added to a list costs GTK work
 * on the list's other rows (a 2,000-field form of one-line entries took
 * five times as long when they all went into one list). A form this
 * small keeps its lists whole. */
#define LIST_ROWS    (2 * LAZY_FIELDS)

struct _EnlistFormView
{
  AdwBin              parent_instance;

  GtkWidget          *header_box;
  GtkLabel           *title_label;
  GtkBox             *instructions_box;
  GtkBox             *fields_box;

  EnlistDataForm     *form;
  GStrv               skip_vars;       /* fields the owner fills in itself */
  GPtrArray          *rows;            /* EnlistFormRow *, in the form's order */
  EnlistCaptchaView  *captcha_view;
  EnlistFormRow      *password_row;    /* the account password, in rows */
  EnlistFormRow      *username_row;    /* "username", in rows */
  gboolean            valid;
  gboolean            mapped_once;

  /* building */
  EnlistFormField    *password_field;  /* the account password, or NULL */
  EnlistFormField    *captcha_field;   /* the CAPTCHA answer, or NULL */
  gboolean            show_required;   /* mark required rows visibly */
  guint               next_field;      /* the model's index of the next field to build */
  GtkWidget          *list;            /* the boxed list rows go into, or NULL */
  guint               list_rows;       /* the rows in it */
  guint               build_source;    /* building the rest at idle priority */
  gint64              build_usec;      /* time spent in slices so far */
  gboolean            building;        /* "complete" not notified yet */
};

G_DEFINE_FINAL_TYPE (EnlistFormView, enlist_form_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_FORM,
  PROP_SKIP_VARS,
  PROP_VALID,
  PROP_COMPLETE,
  N_PROPS
};

enum {
  SIGNAL_ACTIVATE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
is_complete (EnlistFormView *self)
{
  return self->next_field >= enlist_data_form_get_n_fields (self->form);
}

static void
update_valid (EnlistFormView *self)
{
  /* a field not built yet may still be empty and required */
  gboolean valid = is_complete (self);

  for (guint i = 0; i < self->rows->len && valid; i++)
    valid = enlist_form_row_is_valid (g_ptr_array_index (self->rows, i));

  if (valid != self->valid)
    {
      self->valid = valid;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
    }
}

/* The password should not be made of the user name. */
static void
update_password_inputs (EnlistFormView *self)
{
  const char *inputs[2] = { NULL, NULL };

  if (self->password_row == NULL)
    return;
  if (self->username_row != NULL)
    inputs[0] = enlist_form_field_get_value (self->username_row->field);
  enlist_password_rows_set_user_inputs (ENLIST_PASSWORD_ROWS (self->password_row->widget),
                                        inputs);
}

static void
row_changed (EnlistFormRow *row,
             gpointer       user_data)
{
  EnlistFormView *self = user_data;

  if (row == self->username_row)
    update_password_inputs (self);
  update_valid (self);
}

static void build_all (EnlistFormView *self);

/* Enter in a one-line entry: on to the next one, or submit after the last. */
static void
row_activated (EnlistFormRow *row,
               gpointer       user_data)
{
  EnlistFormView *self = user_data;
  guint index;

  if (!g_ptr_array_find (self->rows, row, &index))
    g_return_if_reached ();

  for (guint i = index + 1;; i++)
    {
      EnlistFormRow *next;

      if (i >= self->rows->len)
        {
          /* the next entry may not be built yet */
          if (is_complete (self))
            break;
          build_all (self);
          if (i >= self->rows->len)
            break;
        }
      next = g_ptr_array_index (self->rows, i);
      if (next->is_text_entry && enlist_form_row_grab_focus (next))
        return;
    }
  g_signal_emit (self, signals[SIGNAL_ACTIVATE], 0);
}

static GtkWidget *
new_list (EnlistFormView *self)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_box_append (self->fields_box, list);
  return list;
}

static EnlistFormField *
find_account_password (EnlistDataForm *form)
{
  EnlistFormField *only = NULL;
  guint n_private = 0;

  for (guint i = 0; i < enlist_data_form_get_n_fields (form); i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (form, i);

      if (enlist_form_field_get_field_type (field) != ENLIST_FIELD_TYPE_TEXT_PRIVATE)
        continue;
      if (g_strcmp0 (enlist_form_field_get_var (field), "password") == 0)
        return field;
      only = field;
      n_private++;
    }
  return n_private == 1 ? only : NULL;
}

static void
build_header (EnlistFormView *self)
{
  const char *title = enlist_data_form_get_title (self->form);
  const char * const *instructions = enlist_data_form_get_instructions (self->form);
  gboolean any = FALSE;

  if (title != NULL && *title != '\0')
    {
      g_autofree char *shown = enlist_display_text (title, ENLIST_DISPLAY_TITLE_CHARS, FALSE);

      gtk_label_set_text (self->title_label, shown);
      gtk_widget_set_visible (GTK_WIDGET (self->title_label), TRUE);
      any = TRUE;
    }

  for (guint i = 0; instructions[i] != NULL; i++)
    {
      g_autofree char *shown = enlist_display_text (instructions[i],
                                                    ENLIST_DISPLAY_DESCRIPTION_CHARS, TRUE);
      GtkWidget *label;

      if (*shown == '\0')
        continue;
      label = gtk_label_new (shown);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_box_append (self->instructions_box, label);
      any = TRUE;
    }

  gtk_widget_set_visible (self->header_box, any);
}

/* Fields the view never shows a row for, though the form has them. */
static gboolean
is_skipped (EnlistFormView  *self,
            EnlistFormField *field)
{
  const char *var = enlist_form_field_get_var (field);

  /* ejabberd's link to the CAPTCHA page is no question for the user: the
   * CAPTCHA view shows it as a link */
  if (self->captcha_field != NULL && g_strcmp0 (var, "captcha-fallback-url") == 0)
    return TRUE;
  /* XEP-0068: FORM_TYPE names the form, even where a server forgot
   * type='hidden' (ejabberd's error replies echo forms without types) */
  if (g_strcmp0 (var, "FORM_TYPE") == 0)
    return TRUE;
  return var != NULL && self->skip_vars != NULL &&
         g_strv_contains ((const char * const *) self->skip_vars, var);
}

/* Marking every field "Required" when all are (registration forms mostly
 * ask for nothing else) is noise: the marks appear only when some fields
 * may be left empty. Assistive technologies learn it from every field.
 * Decided from the model, before any row exists. */
static void
decide_required_marks (EnlistFormView *self)
{
  gboolean any_required = FALSE, any_optional = FALSE;

  for (guint i = 0; i < enlist_data_form_get_n_fields (self->form); i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (self->form, i);
      EnlistFieldType type = enlist_form_field_get_field_type (field);

      if (type == ENLIST_FIELD_TYPE_FIXED || type == ENLIST_FIELD_TYPE_BOOLEAN ||
          type == ENLIST_FIELD_TYPE_HIDDEN || is_skipped (self, field))
        continue;
      if (enlist_form_field_is_required (field))
        any_required = TRUE;
      else
        any_optional = TRUE;
    }
  self->show_required = any_required && any_optional;
}

static void
build_field (EnlistFormView  *self,
             EnlistFormField *field)
{
  const char *var = enlist_form_field_get_var (field);
  EnlistFormRow *row;

  if (is_skipped (self, field))
    return;

  if (field == self->captcha_field && enlist_form_field_get_n_media_uris (field) > 0)
    {
      g_autofree char *description = enlist_display_text (
        enlist_form_field_get_display_name (field), ENLIST_DISPLAY_DESCRIPTION_CHARS, TRUE);

      self->captcha_view = ENLIST_CAPTCHA_VIEW (enlist_captcha_view_new ());
      enlist_captcha_view_set_description (self->captcha_view, description);
      enlist_captcha_view_set_fallback_url (
        self->captcha_view, enlist_data_form_get_captcha_fallback_url (self->form));
      gtk_box_append (self->fields_box, GTK_WIDGET (self->captcha_view));
      self->list = NULL;
    }

  if (field == self->password_field)
    row = enlist_form_row_new_account_password (field, row_changed, row_activated, self);
  else
    row = enlist_form_row_new (field, row_changed, row_activated, self);
  if (row == NULL)
    return;
  g_ptr_array_add (self->rows, row);
  if (field == self->password_field)
    self->password_row = row;
  else if (g_strcmp0 (var, "username") == 0 &&
           enlist_form_field_get_field_type (field) == ENLIST_FIELD_TYPE_TEXT_SINGLE)
    self->username_row = row;
  if (self->show_required)
    enlist_form_row_show_required (row);

  if (row->is_list_row)
    {
      if (self->list == NULL || self->list_rows >= LIST_ROWS)
        {
          self->list = new_list (self);
          self->list_rows = 0;
        }
      gtk_list_box_append (GTK_LIST_BOX (self->list), row->widget);
      self->list_rows++;
      if (row->note_row != NULL)
        {
          gtk_list_box_append (GTK_LIST_BOX (self->list), row->note_row);
          self->list_rows++;
        }
    }
  else
    {
      gtk_box_append (self->fields_box, row->widget);
      self->list = NULL;
    }
}

static void
build_next (EnlistFormView *self)
{
  g_assert (!is_complete (self));

  build_field (self, enlist_data_form_get_field (self->form, self->next_field++));
}

/* After building some rows: the password learns the user name once both
 * are there, and the last row makes the form complete. */
static void
built_some (EnlistFormView *self)
{
  update_password_inputs (self);
  if (is_complete (self) && self->building)
    {
      self->building = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
      update_valid (self);
    }
}

/* At least one row, then as many as fit in the slice's time. */
static void
build_slice (EnlistFormView *self)
{
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + MAX (SLICE_USEC, self->build_usec / SLICE_GROWTH);

  do
    build_next (self);
  while (!is_complete (self) && g_get_monotonic_time () < deadline);
  self->build_usec += g_get_monotonic_time () - start;
  built_some (self);
}

static gboolean
build_slice_cb (gpointer user_data)
{
  EnlistFormView *self = user_data;

  if (!is_complete (self))
    build_slice (self);
  if (!is_complete (self))
    return G_SOURCE_CONTINUE;
  self->build_source = 0;
  return G_SOURCE_REMOVE;
}

static void
build_all (EnlistFormView *self)
{
  while (!is_complete (self))
    build_next (self);
  built_some (self);
}

/* Builds the rows up to field's, if it is not built yet (NULL: nothing). */
static void
build_through (EnlistFormView  *self,
               EnlistFormField *field)
{
  guint n = enlist_data_form_get_n_fields (self->form);
  guint end = self->next_field;

  if (field == NULL)
    return;
  while (end < n && enlist_data_form_get_field (self->form, end) != field)
    end++;
  if (end >= n)
    return;
  while (self->next_field <= end)
    build_next (self);
  built_some (self);
}

static void
build (EnlistFormView *self)
{
  EnlistFormField *password = find_account_password (self->form);

  if (enlist_data_form_is_captcha (self->form))
    self->captcha_field = enlist_data_form_get_captcha_field (self->form);
  if (password != NULL && self->skip_vars != NULL &&
      g_strv_contains ((const char * const *) self->skip_vars, enlist_form_field_get_var (password)))
    password = NULL;
  self->password_field = password;

  build_header (self);
  decide_required_marks (self);

  self->building = TRUE;
  if (enlist_data_form_get_n_fields (self->form) <= LAZY_FIELDS)
    build_all (self);
  else
    {
      build_slice (self);
      /* below drawing (GDK_PRIORITY_REDRAW) and input */
      self->build_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, build_slice_cb, self, NULL);
      g_source_set_name_by_id (self->build_source, "[enlist] building a large form");
    }
  update_valid (self);
}

static EnlistFormRow *
find_row (EnlistFormView *self,
          const char     *var)
{
  build_through (self, enlist_data_form_lookup_field (self->form, var));

  for (guint i = 0; i < self->rows->len; i++)
    {
      EnlistFormRow *row = g_ptr_array_index (self->rows, i);

      if (g_strcmp0 (enlist_form_field_get_var (row->field), var) == 0)
        return row;
    }
  return NULL;
}

/* The first time the form appears, the first empty field has the focus
 * (the window would give it to whatever comes first, the title). */
static void
enlist_form_view_map (GtkWidget *widget)
{
  EnlistFormView *self = ENLIST_FORM_VIEW (widget);

  GTK_WIDGET_CLASS (enlist_form_view_parent_class)->map (widget);

  if (!self->mapped_once)
    {
      self->mapped_once = TRUE;
      enlist_form_view_focus_first_empty (self);
    }
}

static void
enlist_form_view_constructed (GObject *object)
{
  EnlistFormView *self = ENLIST_FORM_VIEW (object);

  G_OBJECT_CLASS (enlist_form_view_parent_class)->constructed (object);

  g_return_if_fail (self->form != NULL);
  build (self);
}

static void
enlist_form_view_dispose (GObject *object)
{
  EnlistFormView *self = ENLIST_FORM_VIEW (object);

  g_clear_handle_id (&self->build_source, g_source_remove);
  self->list = NULL;
  /* rows first: they disconnect from their widgets */
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  self->password_row = NULL;
  self->username_row = NULL;
  self->captcha_view = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), ENLIST_TYPE_FORM_VIEW);

  G_OBJECT_CLASS (enlist_form_view_parent_class)->dispose (object);
}

static void
enlist_form_view_finalize (GObject *object)
{
  EnlistFormView *self = ENLIST_FORM_VIEW (object);

  g_clear_object (&self->form);
  g_strfreev (self->skip_vars);

  G_OBJECT_CLASS (enlist_form_view_parent_class)->finalize (object);
}

static void
enlist_form_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  EnlistFormView *self = ENLIST_FORM_VIEW (object);

  switch (prop_id)
    {
    case PROP_FORM:
      g_value_set_object (value, self->form);
      break;
    case PROP_SKIP_VARS:
      g_value_set_boxed (value, self->skip_vars);
      break;
    case PROP_VALID:
      g_value_set_boolean (value, self->valid);
      break;
    case PROP_COMPLETE:
      g_value_set_boolean (value, is_complete (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_form_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  EnlistFormView *self = ENLIST_FORM_VIEW (object);

  switch (prop_id)
    {
    case PROP_FORM:
      self->form = g_value_dup_object (value);
      break;
    case PROP_SKIP_VARS:
      self->skip_vars = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_form_view_class_init (EnlistFormViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = enlist_form_view_constructed;
  object_class->dispose = enlist_form_view_dispose;
  object_class->finalize = enlist_form_view_finalize;
  object_class->get_property = enlist_form_view_get_property;
  object_class->set_property = enlist_form_view_set_property;
  widget_class->map = enlist_form_view_map;

  properties[PROP_FORM] =
    g_param_spec_object ("form", NULL, NULL, ENLIST_TYPE_DATA_FORM,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SKIP_VARS] =
    g_param_spec_boxed ("skip-vars", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VALID] =
    g_param_spec_boolean ("valid", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_COMPLETE] =
    g_param_spec_boolean ("complete", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_ACTIVATE] =
    g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/enlist/Enlist/ui/enlist-form-view.ui");
  gtk_widget_class_bind_template_child (widget_class, EnlistFormView, header_box);
  gtk_widget_class_bind_template_child (widget_class, EnlistFormView, title_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistFormView, instructions_box);
  gtk_widget_class_bind_template_child (widget_class, EnlistFormView, fields_box);
}

static void
enlist_form_view_init (EnlistFormView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) enlist_form_row_free);
}

GtkWidget *
enlist_form_view_new (EnlistDataForm *form)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (form), NULL);

  return g_object_new (ENLIST_TYPE_FORM_VIEW, "form", form, NULL);
}

GtkWidget *
enlist_form_view_new_skipping (EnlistDataForm     *form,
                               const char * const *skip_vars)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (form), NULL);

  return g_object_new (ENLIST_TYPE_FORM_VIEW, "form", form, "skip-vars", skip_vars, NULL);
}

void
enlist_form_view_embed (EnlistFormView *self)
{
  GtkScrolledWindow *scrolled;
  GtkWidget *content;

  g_return_if_fail (ENLIST_IS_FORM_VIEW (self));

  scrolled = GTK_SCROLLED_WINDOW (adw_bin_get_child (ADW_BIN (self)));
  gtk_scrolled_window_set_policy (scrolled, GTK_POLICY_NEVER, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_propagate_natural_height (scrolled, TRUE);
  /* the box the header and the fields are in */
  content = gtk_widget_get_parent (self->header_box);
  gtk_widget_set_margin_top (content, 0);
  gtk_widget_set_margin_bottom (content, 0);
  gtk_widget_set_margin_start (content, 0);
  gtk_widget_set_margin_end (content, 0);
}

EnlistDataForm *
enlist_form_view_get_form (EnlistFormView *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_VIEW (self), NULL);

  return self->form;
}

gboolean
enlist_form_view_get_valid (EnlistFormView *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_VIEW (self), FALSE);

  return self->valid;
}

gboolean
enlist_form_view_get_complete (EnlistFormView *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_VIEW (self), FALSE);

  return is_complete (self);
}

EnlistPasswordRows *
enlist_form_view_get_password_rows (EnlistFormView *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_VIEW (self), NULL);

  build_through (self, self->password_field);
  if (self->password_row == NULL)
    return NULL;
  return ENLIST_PASSWORD_ROWS (self->password_row->widget);
}

EnlistCaptchaView *
enlist_form_view_get_captcha_view (EnlistFormView *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_VIEW (self), NULL);

  build_through (self, self->captcha_field);
  return self->captcha_view;
}

gboolean
enlist_form_view_show_field_error (EnlistFormView *self,
                                   const char     *var,
                                   const char     *message)
{
  EnlistFormRow *row;

  g_return_val_if_fail (ENLIST_IS_FORM_VIEW (self), FALSE);
  g_return_val_if_fail (var != NULL, FALSE);

  row = find_row (self, var);
  if (row == NULL)
    return FALSE;
  enlist_form_row_set_server_error (row, message);
  return TRUE;
}

void
enlist_form_view_show_all_errors (EnlistFormView *self)
{
  g_return_if_fail (ENLIST_IS_FORM_VIEW (self));

  build_all (self);
  for (guint i = 0; i < self->rows->len; i++)
    {
      EnlistFormRow *row = g_ptr_array_index (self->rows, i);

      row->touched = TRUE;
      enlist_form_row_update (row);
    }
}

gboolean
enlist_form_view_focus_field (EnlistFormView *self,
                              const char     *var)
{
  EnlistFormRow *row;

  g_return_val_if_fail (ENLIST_IS_FORM_VIEW (self), FALSE);
  g_return_val_if_fail (var != NULL, FALSE);

  row = find_row (self, var);
  return row != NULL && enlist_form_row_grab_focus (row);
}

gboolean
enlist_form_view_focus_first_empty (EnlistFormView *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_VIEW (self), FALSE);

  for (guint i = 0;; i++)
    {
      EnlistFormRow *row;

      if (i >= self->rows->len)
        {
          if (is_complete (self))
            return FALSE;
          build_all (self);
          if (i >= self->rows->len)
            return FALSE;
        }
      row = g_ptr_array_index (self->rows, i);
      if (enlist_form_row_is_empty (row) && enlist_form_row_grab_focus (row))
        return TRUE;
    }
}

GtkWidget *
enlist_form_view_get_field_widget (EnlistFormView *self,
                                   const char     *var)
{
  EnlistFormRow *row;

  g_return_val_if_fail (ENLIST_IS_FORM_VIEW (self), NULL);
  g_return_val_if_fail (var != NULL, NULL);

  row = find_row (self, var);
  return row != NULL ? row->widget : NULL;
}

const char *
enlist_form_view_get_field_message (EnlistFormView *self,
                                    const char     *var)
{
  EnlistFormRow *row;
  const char *message;

  g_return_val_if_fail (ENLIST_IS_FORM_VIEW (self), NULL);
  g_return_val_if_fail (var != NULL, NULL);

  row = find_row (self, var);
  if (row == NULL)
    return NULL;
  if (row == self->password_row)
    return enlist_password_rows_get_message (ENLIST_PASSWORD_ROWS (row->widget));
  if (row->error_label == NULL)
    return NULL;
  message = gtk_label_get_text (row->error_label);
  return *message != '\0' ? message : NULL;
}
