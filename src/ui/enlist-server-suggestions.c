/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-server-suggestions.c: providers under the server entry, one row
 * each: the domain, and what to expect there (the demo servers' address,
 * web-only sign-up, a CAPTCHA, an e-mail address, an invitation). */
#define G_LOG_DOMAIN "enlist-server-suggestions"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-display-text.h"
#include "enlist-server-suggestions.h"

struct _EnlistServerSuggestions
{
  GtkPopover  parent_instance;

  GtkWidget  *scrolled;
  GtkListBox *list;
  GListModel *model;
};

G_DEFINE_FINAL_TYPE (EnlistServerSuggestions, enlist_server_suggestions, GTK_TYPE_POPOVER)

enum {
  SIGNAL_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

char *
enlist_server_suggestions_describe (EnlistProvider *provider)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  const char * const *countries;

  g_return_val_if_fail (ENLIST_IS_PROVIDER (provider), NULL);

  if (enlist_provider_get_is_demo (provider))
    {
      /* Translators: a local test server: its name, where it listens, and how */
      g_ptr_array_add (parts, g_strdup_printf (enlist_provider_get_direct_tls (provider)
                                               ? _("%s · %s port %u, direct TLS")
                                               : _("%s · %s port %u"),
                                               enlist_provider_get_label (provider),
                                               enlist_provider_get_host (provider),
                                               enlist_provider_get_port (provider)));
    }
  else
    {
      countries = enlist_provider_get_countries (provider);
      if (countries[0] != NULL)
        g_ptr_array_add (parts, g_strjoinv (", ", (char **) countries));
      if (enlist_provider_get_web_only (provider))
        g_ptr_array_add (parts, g_strdup (_("sign-up on its web site only")));
      else
        {
          if (enlist_provider_get_needs_invitation (provider))
            g_ptr_array_add (parts, g_strdup (_("invitation needed")));
          if (enlist_provider_get_needs_captcha (provider))
            g_ptr_array_add (parts, g_strdup (_("CAPTCHA")));
          if (enlist_provider_get_needs_email (provider))
            g_ptr_array_add (parts, g_strdup (_("e-mail address needed")));
        }
    }
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  EnlistProvider *provider = ENLIST_PROVIDER (item);
  g_autofree char *domain = enlist_display_text (enlist_provider_get_domain (provider),
                                                 ENLIST_DISPLAY_TITLE_CHARS, FALSE);
  g_autofree char *details = enlist_server_suggestions_describe (provider);
  g_autofree char *shown = enlist_display_text (details, ENLIST_DISPLAY_TITLE_CHARS, FALSE);
  g_autofree char *name = NULL;
  GtkWidget *row, *box, *title, *subtitle;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);

  title = gtk_label_new (domain);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), title);

  if (*shown != '\0')
    {
      subtitle = gtk_label_new (shown);
      gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
      gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (subtitle, "dim-label");
      gtk_widget_add_css_class (subtitle, "caption");
      gtk_box_append (GTK_BOX (box), subtitle);
    }

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  /* the keyboard stays in the server entry; Up and Down move the selection */
  gtk_widget_set_focusable (row, FALSE);
  name = *shown != '\0' ? g_strdup_printf ("%s, %s", domain, shown) : g_strdup (domain);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  return row;
}

void
enlist_server_suggestions_set_model (EnlistServerSuggestions *self,
                                     GListModel              *providers)
{
  g_return_if_fail (ENLIST_IS_SERVER_SUGGESTIONS (self));
  g_return_if_fail (providers == NULL || G_IS_LIST_MODEL (providers));

  g_set_object (&self->model, providers);
  gtk_list_box_bind_model (self->list, providers, create_row, self, NULL);
}

guint
enlist_server_suggestions_get_n_items (EnlistServerSuggestions *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_SUGGESTIONS (self), 0);

  return self->model != NULL ? g_list_model_get_n_items (self->model) : 0;
}

gboolean
enlist_server_suggestions_move (EnlistServerSuggestions *self,
                                gboolean                 down)
{
  GtkListBoxRow *selected;
  GtkListBoxRow *next;
  int index;

  g_return_val_if_fail (ENLIST_IS_SERVER_SUGGESTIONS (self), FALSE);

  selected = gtk_list_box_get_selected_row (self->list);
  if (selected == NULL)
    index = down ? 0 : -1;
  else
    index = gtk_list_box_row_get_index (selected) + (down ? 1 : -1);
  next = index >= 0 ? gtk_list_box_get_row_at_index (self->list, index) : NULL;
  if (next == NULL)
    {
      /* up from the first: back to the text as typed */
      if (!down && selected != NULL)
        gtk_list_box_unselect_all (self->list);
      return FALSE;
    }
  gtk_list_box_select_row (self->list, next);
  /* keep it in sight in a long list */
  {
    GtkAdjustment *adjustment =
      gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scrolled));
    graphene_rect_t bounds;

    if (gtk_widget_compute_bounds (GTK_WIDGET (next), GTK_WIDGET (self->list), &bounds))
      gtk_adjustment_clamp_page (adjustment, bounds.origin.y,
                                 bounds.origin.y + bounds.size.height);
  }
  return TRUE;
}

EnlistProvider *
enlist_server_suggestions_get_selected (EnlistServerSuggestions *self)
{
  GtkListBoxRow *selected;

  g_return_val_if_fail (ENLIST_IS_SERVER_SUGGESTIONS (self), NULL);

  selected = gtk_list_box_get_selected_row (self->list);
  if (selected == NULL || self->model == NULL)
    return NULL;
  return g_list_model_get_item (self->model, gtk_list_box_row_get_index (selected));
}

gboolean
enlist_server_suggestions_choose (EnlistServerSuggestions *self)
{
  g_autoptr(EnlistProvider) provider = NULL;

  g_return_val_if_fail (ENLIST_IS_SERVER_SUGGESTIONS (self), FALSE);

  /* get_selected returns a new reference from the model */
  provider = enlist_server_suggestions_get_selected (self);
  if (provider == NULL)
    return FALSE;
  g_signal_emit (self, signals[SIGNAL_CHOSEN], 0, provider);
  return TRUE;
}

static void
row_activated_cb (EnlistServerSuggestions *self,
                  GtkListBoxRow           *row)
{
  gtk_list_box_select_row (self->list, row);
  enlist_server_suggestions_choose (self);
}

/* GTK 4.8 on X11 sends a click on a popover that does not grab the pointer
 * (this one must not: typing goes on in the entry) to the widget below it
 * in the window when the pointer came into the popover from that window,
 * as it does whenever someone types, then moves to a suggestion: the
 * event arrives on the popover's surface, but its target is the window's
 * widget under that spot, and the popover's own widgets never see it. A
 * gesture on the popover's parent, in the window, sees such a click in
 * its capture phase (a click that reaches the popover normally never
 * passes there: the gesture handles only its own window's targets), finds
 * the row under it and activates it. */
static void
misdirected_click_cb (GtkGestureClick         *gesture,
                      int                      n_press,
                      double                   x,
                      double                   y,
                      EnlistServerSuggestions *self)
{
  GtkNative *native = GTK_NATIVE (self);
  GdkEvent *event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (gesture));
  double event_x, event_y, surface_x, surface_y;
  GtkWidget *picked, *row;

  if (event == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)) ||
      gdk_event_get_surface (event) != gtk_native_get_surface (native) ||
      !gdk_event_get_position (event, &event_x, &event_y))
    return;

  gtk_native_get_surface_transform (native, &surface_x, &surface_y);
  picked = gtk_widget_pick (GTK_WIDGET (self), event_x - surface_x, event_y - surface_y,
                            GTK_PICK_DEFAULT);
  row = picked != NULL ? gtk_widget_get_ancestor (picked, GTK_TYPE_LIST_BOX_ROW) : NULL;
  /* the popover's own frame, or a row of another list */
  if (row == NULL || gtk_widget_get_parent (row) != GTK_WIDGET (self->list))
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  row_activated_cb (self, GTK_LIST_BOX_ROW (row));
}

void
enlist_server_suggestions_attach (EnlistServerSuggestions *self,
                                  GtkWidget               *parent)
{
  GtkGesture *click;

  g_return_if_fail (ENLIST_IS_SERVER_SUGGESTIONS (self));
  g_return_if_fail (GTK_IS_WIDGET (parent));

  gtk_widget_set_parent (GTK_WIDGET (self), parent);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect_object (click, "pressed", G_CALLBACK (misdirected_click_cb), self, 0);
  gtk_widget_add_controller (parent, GTK_EVENT_CONTROLLER (click));
}

static void
enlist_server_suggestions_dispose (GObject *object)
{
  EnlistServerSuggestions *self = ENLIST_SERVER_SUGGESTIONS (object);

  if (self->list != NULL)
    gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (enlist_server_suggestions_parent_class)->dispose (object);
}

static void
enlist_server_suggestions_class_init (EnlistServerSuggestionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = enlist_server_suggestions_dispose;

  signals[SIGNAL_CHOSEN] =
    g_signal_new ("chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, ENLIST_TYPE_PROVIDER);
}

static void
enlist_server_suggestions_init (EnlistServerSuggestions *self)
{
  GtkPopover *popover = GTK_POPOVER (self);

  /* typing goes on in the entry while the list is open */
  gtk_popover_set_autohide (popover, FALSE);
  gtk_popover_set_has_arrow (popover, FALSE);
  gtk_popover_set_position (popover, GTK_POS_BOTTOM);
  gtk_widget_set_halign (GTK_WIDGET (self), GTK_ALIGN_START);
  gtk_widget_add_css_class (GTK_WIDGET (self), "server-suggestions");

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_SINGLE);
  gtk_list_box_set_activate_on_single_click (self->list, TRUE);
  gtk_widget_set_focusable (GTK_WIDGET (self->list), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Suggested Servers"), -1);
  g_signal_connect_object (self->list, "row-activated", G_CALLBACK (row_activated_cb), self,
                           G_CONNECT_SWAPPED);

  self->scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (self->scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (self->scrolled), 320);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), GTK_WIDGET (self->list));
  gtk_popover_set_child (popover, self->scrolled);
}

GtkWidget *
enlist_server_suggestions_new (void)
{
  return g_object_new (ENLIST_TYPE_SERVER_SUGGESTIONS, NULL);
}
