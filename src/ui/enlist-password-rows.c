/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-password-rows.c: new-password rows with confirmation, strength
 * meter and generator. */
#define G_LOG_DOMAIN "enlist-password-rows"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-password-generator.h"
#include "enlist-password-rows.h"
#include "enlist-text.h"

struct _EnlistPasswordRows
{
  AdwBin                  parent_instance;

  AdwEntryRow            *password_row;
  AdwEntryRow            *confirm_row;
  GtkWidget              *generate_button;
  GtkWidget              *required_label;
  GtkListBoxRow          *strength_row;
  GtkLevelBar            *strength_bar;
  GtkLabel               *strength_label;
  GtkLabel               *description_label;
  GtkLabel               *error_label;
  GtkPopover             *generated_popover;
  GtkLabel               *generated_label;

  GStrv                   user_inputs;
  char                   *server_error;
  EnlistPasswordStrength  strength;
  gboolean                matches;
  gboolean                filling;     /* Generate is writing both rows */
};

G_DEFINE_FINAL_TYPE (EnlistPasswordRows, enlist_password_rows, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_CONFIRM_TITLE,
  PROP_MATCHES,
  PROP_STRENGTH,
  N_PROPS
};

enum {
  SIGNAL_CHANGED,
  SIGNAL_ACTIVATE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
update_note_row (EnlistPasswordRows *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->description_label),
                          *gtk_label_get_text (self->description_label) != '\0');
  gtk_widget_set_visible (GTK_WIDGET (self->error_label),
                          *gtk_label_get_text (self->error_label) != '\0');
}

static void
show_error (EnlistPasswordRows *self,
            const char         *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  update_note_row (self);
}

/* Strength, match and the messages that go with them, after every edit. */
static void
update_state (EnlistPasswordRows *self)
{
  const char *password = row_text (self->password_row);
  const char *confirmation = row_text (self->confirm_row);
  EnlistPasswordStrength strength;
  gboolean matches;

  strength = enlist_password_strength_estimate (password,
                                                (const char * const *) self->user_inputs, NULL);
  gtk_level_bar_set_value (self->strength_bar, strength);
  gtk_label_set_text (self->strength_label, enlist_password_strength_to_string (strength));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->strength_bar),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT,
                                  enlist_password_strength_to_string (strength),
                                  -1);

  matches = g_strcmp0 (password, confirmation) == 0;
  /* Only once something was typed into the confirmation: an empty one is
   * unfinished, not wrong. */
  if (!matches && *confirmation != '\0')
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->confirm_row), "error");
      show_error (self, _("The passwords do not match."));
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->confirm_row), "error");
      show_error (self, self->server_error);
    }
  if (self->server_error != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->password_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->password_row), "error");

  if (strength != self->strength)
    {
      self->strength = strength;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STRENGTH]);
    }
  if (matches != self->matches)
    {
      self->matches = matches;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MATCHES]);
    }
}

static void
password_changed_cb (EnlistPasswordRows *self)
{
  g_clear_pointer (&self->server_error, g_free);
  if (!self->filling)
    {
      update_state (self);
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
    }
}

static void
confirm_changed_cb (EnlistPasswordRows *self)
{
  g_clear_pointer (&self->server_error, g_free);
  if (!self->filling)
    update_state (self);
}

static void
password_activated_cb (EnlistPasswordRows *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->confirm_row));
}

static void
confirm_activated_cb (EnlistPasswordRows *self)
{
  g_signal_emit (self, signals[SIGNAL_ACTIVATE], 0);
}

static void
generated_popover_closed_cb (EnlistPasswordRows *self)
{
  /* shown once: the label lets go of it as soon as the popover closes */
  gtk_label_set_text (self->generated_label, "");
}

static void
generate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  EnlistPasswordRows *self = ENLIST_PASSWORD_ROWS (widget);
  g_autoptr(GError) error = NULL;
  char *password;

  password = enlist_password_generate (ENLIST_PASSWORD_GENERATOR_DEFAULT_LENGTH, &error);
  if (password == NULL)
    {
      enlist_password_rows_set_error (self, error->message);
      return;
    }

  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), password);
  self->filling = FALSE;
  update_state (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);

  gtk_label_set_text (self->generated_label, password);
  enlist_secret_free (password);
  gtk_popover_popup (self->generated_popover);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EnlistPasswordRows *self = ENLIST_PASSWORD_ROWS (widget);
  const char *password = gtk_label_get_text (self->generated_label);

  if (*password == '\0')
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), password);
  gtk_popover_popdown (self->generated_popover);
}

/* GtkPasswordEntryBuffer keeps the text in memory that is never swapped
 * out and is wiped when freed; AdwPasswordEntryRow 1.2 uses a plain one. */
static void
enlist_password_rows_use_secure_buffer (AdwEntryRow *row)
{
  g_autoptr(GtkEntryBuffer) buffer = gtk_password_entry_buffer_new ();

  gtk_text_set_buffer (GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (row))), buffer);
}

static void
enlist_password_rows_size_allocate (GtkWidget *widget,
                                    int        width,
                                    int        height,
                                    int        baseline)
{
  EnlistPasswordRows *self = ENLIST_PASSWORD_ROWS (widget);
  graphene_rect_t bounds;

  GTK_WIDGET_CLASS (enlist_password_rows_parent_class)->size_allocate (widget, width, height,
                                                                       baseline);

  /* The popover belongs to this widget and points at the Generate button. */
  if (gtk_widget_compute_bounds (self->generate_button, widget, &bounds))
    gtk_popover_set_pointing_to (self->generated_popover,
                                 &(GdkRectangle) { bounds.origin.x, bounds.origin.y,
                                                   bounds.size.width, bounds.size.height });
  gtk_popover_present (self->generated_popover);
}

static void
enlist_password_rows_dispose (GObject *object)
{
  EnlistPasswordRows *self = ENLIST_PASSWORD_ROWS (object);

  if (self->generated_popover != NULL)
    gtk_label_set_text (self->generated_label, "");
  g_clear_pointer ((GtkWidget **) &self->generated_popover, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENLIST_TYPE_PASSWORD_ROWS);

  G_OBJECT_CLASS (enlist_password_rows_parent_class)->dispose (object);
}

static void
enlist_password_rows_finalize (GObject *object)
{
  EnlistPasswordRows *self = ENLIST_PASSWORD_ROWS (object);

  g_strfreev (self->user_inputs);
  g_free (self->server_error);

  G_OBJECT_CLASS (enlist_password_rows_parent_class)->finalize (object);
}

static void
enlist_password_rows_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  EnlistPasswordRows *self = ENLIST_PASSWORD_ROWS (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, enlist_password_rows_get_title (self));
      break;
    case PROP_CONFIRM_TITLE:
      g_value_set_string (value, enlist_password_rows_get_confirm_title (self));
      break;
    case PROP_MATCHES:
      g_value_set_boolean (value, self->matches);
      break;
    case PROP_STRENGTH:
      g_value_set_int (value, self->strength);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_password_rows_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  EnlistPasswordRows *self = ENLIST_PASSWORD_ROWS (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      enlist_password_rows_set_title (self, g_value_get_string (value));
      break;
    case PROP_CONFIRM_TITLE:
      enlist_password_rows_set_confirm_title (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_password_rows_class_init (EnlistPasswordRowsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enlist_password_rows_dispose;
  object_class->finalize = enlist_password_rows_finalize;
  object_class->get_property = enlist_password_rows_get_property;
  object_class->set_property = enlist_password_rows_set_property;
  widget_class->size_allocate = enlist_password_rows_size_allocate;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CONFIRM_TITLE] =
    g_param_spec_string ("confirm-title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MATCHES] =
    g_param_spec_boolean ("matches", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STRENGTH] =
    g_param_spec_int ("strength", NULL, NULL,
                      ENLIST_PASSWORD_STRENGTH_NONE, ENLIST_PASSWORD_STRENGTH_STRONG,
                      ENLIST_PASSWORD_STRENGTH_NONE,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_ACTIVATE] =
    g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/enlist/Enlist/ui/enlist-password-rows.ui");
  gtk_widget_class_bind_template_child (widget_class, EnlistPasswordRows, password_row);
  gtk_widget_class_bind_template_child (widget_class, EnlistPasswordRows, confirm_row);
  gtk_widget_class_bind_template_child (widget_class, EnlistPasswordRows, generate_button);
  gtk_widget_class_bind_template_child (widget_class, EnlistPasswordRows, required_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistPasswordRows, strength_row);
  gtk_widget_class_bind_template_child (widget_class, EnlistPasswordRows, strength_bar);
  gtk_widget_class_bind_template_child (widget_class, EnlistPasswordRows, strength_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistPasswordRows, description_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistPasswordRows, error_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistPasswordRows, generated_popover);
  gtk_widget_class_bind_template_child (widget_class, EnlistPasswordRows, generated_label);
  gtk_widget_class_bind_template_callback (widget_class, password_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, confirm_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, generated_popover_closed_cb);

  gtk_widget_class_install_action (widget_class, "password-rows.generate", NULL, generate_action);
  gtk_widget_class_install_action (widget_class, "password-rows.copy", NULL, copy_action);
}

static void
enlist_password_rows_init (EnlistPasswordRows *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->matches = TRUE;
  gtk_widget_set_parent (GTK_WIDGET (self->generated_popover), GTK_WIDGET (self));
  enlist_password_rows_use_secure_buffer (self->password_row);
  enlist_password_rows_use_secure_buffer (self->confirm_row);

  /* AdwEntryRow 1.2 has no signal of its own for Enter: its text's. */
  g_signal_connect_object (gtk_editable_get_delegate (GTK_EDITABLE (self->password_row)),
                           "activate", G_CALLBACK (password_activated_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_editable_get_delegate (GTK_EDITABLE (self->confirm_row)),
                           "activate", G_CALLBACK (confirm_activated_cb), self,
                           G_CONNECT_SWAPPED);

  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->password_row),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                  self->strength_bar, self->description_label, self->error_label,
                                  NULL, -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->confirm_row),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                  self->error_label, NULL, -1);
  update_state (self);
}

GtkWidget *
enlist_password_rows_new (void)
{
  return g_object_new (ENLIST_TYPE_PASSWORD_ROWS, NULL);
}

const char *
enlist_password_rows_get_title (EnlistPasswordRows *self)
{
  g_return_val_if_fail (ENLIST_IS_PASSWORD_ROWS (self), NULL);

  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->password_row));
}

void
enlist_password_rows_set_title (EnlistPasswordRows *self,
                                const char         *title)
{
  g_return_if_fail (ENLIST_IS_PASSWORD_ROWS (self));

  if (g_strcmp0 (title, enlist_password_rows_get_title (self)) == 0)
    return;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->password_row), title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
enlist_password_rows_get_confirm_title (EnlistPasswordRows *self)
{
  g_return_val_if_fail (ENLIST_IS_PASSWORD_ROWS (self), NULL);

  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->confirm_row));
}

void
enlist_password_rows_set_confirm_title (EnlistPasswordRows *self,
                                        const char         *title)
{
  g_return_if_fail (ENLIST_IS_PASSWORD_ROWS (self));

  if (g_strcmp0 (title, enlist_password_rows_get_confirm_title (self)) == 0)
    return;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->confirm_row), title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFIRM_TITLE]);
}

const char *
enlist_password_rows_get_password (EnlistPasswordRows *self)
{
  g_return_val_if_fail (ENLIST_IS_PASSWORD_ROWS (self), NULL);

  return row_text (self->password_row);
}

gboolean
enlist_password_rows_get_matches (EnlistPasswordRows *self)
{
  g_return_val_if_fail (ENLIST_IS_PASSWORD_ROWS (self), FALSE);

  return self->matches;
}

EnlistPasswordStrength
enlist_password_rows_get_strength (EnlistPasswordRows *self)
{
  g_return_val_if_fail (ENLIST_IS_PASSWORD_ROWS (self), ENLIST_PASSWORD_STRENGTH_NONE);

  return self->strength;
}

void
enlist_password_rows_set_user_inputs (EnlistPasswordRows *self,
                                      const char * const *inputs)
{
  g_return_if_fail (ENLIST_IS_PASSWORD_ROWS (self));

  if (self->user_inputs != NULL && inputs != NULL &&
      g_strv_equal ((const char * const *) self->user_inputs, inputs))
    return;
  g_strfreev (self->user_inputs);
  self->user_inputs = g_strdupv ((char **) inputs);
  update_state (self);
}

void
enlist_password_rows_set_description (EnlistPasswordRows *self,
                                      const char         *text)
{
  g_return_if_fail (ENLIST_IS_PASSWORD_ROWS (self));

  gtk_label_set_text (self->description_label, text != NULL ? text : "");
  update_note_row (self);
}

void
enlist_password_rows_set_error (EnlistPasswordRows *self,
                                const char         *message)
{
  g_return_if_fail (ENLIST_IS_PASSWORD_ROWS (self));

  g_free (self->server_error);
  self->server_error = g_strdup (message);
  update_state (self);
}

void
enlist_password_rows_set_show_required (EnlistPasswordRows *self,
                                        gboolean            show)
{
  g_return_if_fail (ENLIST_IS_PASSWORD_ROWS (self));

  gtk_widget_set_visible (self->required_label, show);
}

const char *
enlist_password_rows_get_message (EnlistPasswordRows *self)
{
  const char *message;

  g_return_val_if_fail (ENLIST_IS_PASSWORD_ROWS (self), NULL);

  message = gtk_label_get_text (self->error_label);
  return *message != '\0' ? message : NULL;
}

void
enlist_password_rows_clear (EnlistPasswordRows *self)
{
  g_return_if_fail (ENLIST_IS_PASSWORD_ROWS (self));

  gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
}

GtkWidget *
enlist_password_rows_get_password_row (EnlistPasswordRows *self)
{
  g_return_val_if_fail (ENLIST_IS_PASSWORD_ROWS (self), NULL);

  return GTK_WIDGET (self->password_row);
}

GtkWidget *
enlist_password_rows_get_confirm_row (EnlistPasswordRows *self)
{
  g_return_val_if_fail (ENLIST_IS_PASSWORD_ROWS (self), NULL);

  return GTK_WIDGET (self->confirm_row);
}
