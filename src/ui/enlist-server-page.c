/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-server-page.c: the server entry with its suggestions, the
 * connection settings under "Advanced", invitation links, and the error
 * that ended the last attempt. */
#define G_LOG_DOMAIN "enlist-server-page"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-display-text.h"
#include "enlist-jid.h"
#include "enlist-registration.h"
#include "enlist-server-page.h"
#include "enlist-server-suggestions.h"
#include "enlist-text.h"

/* Enough to choose from without scrolling through the whole list. */
#define MAX_SUGGESTIONS 8

struct _EnlistServerPage
{
  AdwBin                   parent_instance;

  AdwEntryRow             *server_row;
  GtkLabel                *server_message_label;
  GtkWidget               *error_box;
  GtkLabel                *error_heading_label;
  GtkLabel                *error_label;
  AdwExpanderRow          *advanced_row;
  AdwEntryRow             *host_row;
  AdwEntryRow             *port_row;
  GtkSwitch               *tls_switch;
  GtkLabel                *endpoint_message_label;
  GtkButton               *next_button;
  EnlistServerSuggestions *suggestions;
  GtkEventController      *focus_controller;

  EnlistProviderList      *providers;
  EnlistProvider          *provider;       /* the suggestion chosen */
  char                    *invite;         /* the invitation link pasted */
  char                    *invite_domain;
  char                    *link_error;     /* why a pasted link was refused */

  /* what the fields say, checked */
  char                    *domain;
  char                    *host;
  guint16                  port;
  gboolean                 valid;
  gboolean                 updating;       /* the page itself changes the fields */
};

G_DEFINE_FINAL_TYPE (EnlistServerPage, enlist_server_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_VALID,
  N_PROPS
};

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- reading the fields ------------------------------------------------- */

static gboolean
is_link (const char *text)
{
  return g_ascii_strncasecmp (text, "xmpp:", 5) == 0;
}

/* A server name as people type it: "example.org", or an address on it
 * ("me@example.org"). NULL and a message when it is no server name. */
static char *
parse_domain (const char  *text,
              char       **message)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  g_autofree char *local = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *resource = NULL;
  const char *at = strrchr (stripped, '@');
  const char *name = at != NULL ? at + 1 : stripped;
  char *normalized;

  *message = NULL;
  if (*name == '\0')
    return NULL;
  if (!enlist_jid_parse (name, &local, &domain, &resource, NULL) || local != NULL ||
      resource != NULL || (normalized = enlist_jid_normalize_domain (domain, NULL)) == NULL)
    {
      g_autofree char *shown = enlist_display_text (name, ENLIST_DISPLAY_TITLE_CHARS, FALSE);

      *message = g_strdup_printf (_("“%s” is not a server name. A server name looks like "
                                    "example.org."), shown);
      return NULL;
    }
  return normalized;
}

static gboolean
parse_host (const char  *text,
            char       **host,
            char       **message)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  *host = NULL;
  *message = NULL;
  if (*stripped == '\0')
    return TRUE;
  if (g_hostname_is_ip_address (stripped))
    {
      *host = g_steal_pointer (&stripped);
      return TRUE;
    }
  *host = enlist_jid_normalize_domain (stripped, NULL);
  if (*host == NULL || strchr (stripped, '@') != NULL || strchr (stripped, '/') != NULL)
    {
      g_clear_pointer (host, g_free);
      *message = g_strdup (_("The host must be a host name or an IP address."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_port (const char  *text,
            guint16     *port,
            char       **message)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  guint64 value = 0;

  *port = 0;
  *message = NULL;
  if (*stripped == '\0')
    return TRUE;
  if (!g_ascii_string_to_unsigned (stripped, 10, 1, G_MAXUINT16, &value, NULL))
    {
      *message = g_strdup (_("The port must be a number from 1 to 65535."));
      return FALSE;
    }
  *port = (guint16) value;
  return TRUE;
}

static void
show_message (GtkLabel   *label,
              const char *message,
              gboolean    is_error)
{
  gtk_label_set_text (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
}

/* Reads and checks every field; "valid" follows. */
static void
recompute (EnlistServerPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->server_row));
  g_autofree char *domain = NULL;
  g_autofree char *host = NULL;
  g_autofree char *server_message = NULL;
  g_autofree char *host_message = NULL;
  g_autofree char *port_message = NULL;
  g_autofree char *invite_note = NULL;
  gboolean host_ok, port_ok, valid;
  guint16 port;

  if (is_link (text))
    server_message = g_strdup (self->link_error);
  else
    domain = parse_domain (text, &server_message);
  host_ok = parse_host (gtk_editable_get_text (GTK_EDITABLE (self->host_row)), &host,
                        &host_message);
  port_ok = parse_port (gtk_editable_get_text (GTK_EDITABLE (self->port_row)), &port,
                        &port_message);

  /* a port or direct TLS without a host: the domain's own address */
  if (domain != NULL && host == NULL && (port != 0 || gtk_switch_get_active (self->tls_switch)))
    host = g_strdup (domain);

  valid = domain != NULL && host_ok && port_ok;
  g_free (self->domain);
  self->domain = valid ? g_steal_pointer (&domain) : NULL;
  g_free (self->host);
  self->host = valid ? g_steal_pointer (&host) : NULL;
  self->port = valid ? port : 0;

  if (server_message == NULL && self->invite != NULL)
    {
      g_autofree char *shown = enlist_display_text (self->invite_domain,
                                                    ENLIST_DISPLAY_TITLE_CHARS, FALSE);

      invite_note = g_strdup_printf (_("An invitation to create an account on %s"), shown);
      show_message (self->server_message_label, invite_note, FALSE);
    }
  else
    show_message (self->server_message_label, server_message, TRUE);
  show_message (self->endpoint_message_label,
                host_message != NULL ? host_message : port_message, TRUE);
  if (host_message != NULL || port_message != NULL)
    adw_expander_row_set_expanded (self->advanced_row, TRUE);

  if (valid != self->valid)
    {
      self->valid = valid;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
    }
}

/* ---- suggestions -------------------------------------------------------- */

static void
place_suggestions (EnlistServerPage *self)
{
  graphene_rect_t bounds;

  if (!gtk_widget_compute_bounds (GTK_WIDGET (self->server_row), GTK_WIDGET (self), &bounds))
    return;
  gtk_popover_set_pointing_to (GTK_POPOVER (self->suggestions),
                               &(GdkRectangle) { bounds.origin.x, bounds.origin.y,
                                                 bounds.size.width, bounds.size.height });
  gtk_widget_set_size_request (GTK_WIDGET (self->suggestions), bounds.size.width, -1);
}

static void
hide_suggestions (EnlistServerPage *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->suggestions)))
    gtk_popover_popdown (GTK_POPOVER (self->suggestions));
}

/* Suggestions for what is typed; all of them (demo servers first) when
 * asked for with the entry empty. */
static void
update_suggestions (EnlistServerPage *self,
                    gboolean          even_empty)
{
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->server_row));
  g_autofree char *text = g_strstrip (g_strdup (typed));
  GtkEventControllerFocus *focus = GTK_EVENT_CONTROLLER_FOCUS (self->focus_controller);
  g_autoptr(GListModel) found = NULL;

  if (self->providers == NULL || (*text == '\0' && !even_empty) || is_link (text) ||
      !gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      hide_suggestions (self);
      return;
    }

  found = enlist_provider_list_search (self->providers, text, MAX_SUGGESTIONS);
  enlist_server_suggestions_set_model (self->suggestions, found);
  if (g_list_model_get_n_items (found) == 0 ||
      !gtk_event_controller_focus_contains_focus (focus))
    {
      hide_suggestions (self);
      return;
    }
  place_suggestions (self);
  gtk_popover_popup (GTK_POPOVER (self->suggestions));
}

/* ---- changes ------------------------------------------------------------ */

static void
set_text (GtkEditable *editable,
          const char  *text)
{
  gtk_editable_set_text (editable, text != NULL ? text : "");
  gtk_editable_set_position (editable, -1);
}

/* What a demo suggestion put under "Advanced" goes with it, unless the
 * user has changed it since. */
static void
forget_provider (EnlistServerPage *self)
{
  g_autoptr(EnlistProvider) provider = g_steal_pointer (&self->provider);
  g_autofree char *port = NULL;

  if (provider == NULL || !enlist_provider_get_is_demo (provider))
    return;
  port = g_strdup_printf ("%u", enlist_provider_get_port (provider));
  self->updating = TRUE;
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->host_row)),
                 enlist_provider_get_host (provider)) == 0)
    set_text (GTK_EDITABLE (self->host_row), NULL);
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->port_row)), port) == 0)
    set_text (GTK_EDITABLE (self->port_row), NULL);
  if (gtk_switch_get_active (self->tls_switch) == enlist_provider_get_direct_tls (provider))
    gtk_switch_set_active (self->tls_switch, FALSE);
  self->updating = FALSE;
}

static void
use_provider (EnlistServerPage *self,
              EnlistProvider   *provider)
{
  forget_provider (self);
  if (provider == NULL)
    return;

  self->provider = g_object_ref (provider);
  self->updating = TRUE;
  set_text (GTK_EDITABLE (self->server_row), enlist_provider_get_domain (provider));
  if (enlist_provider_get_is_demo (provider))
    {
      g_autofree char *port = g_strdup_printf ("%u", enlist_provider_get_port (provider));

      set_text (GTK_EDITABLE (self->host_row), enlist_provider_get_host (provider));
      set_text (GTK_EDITABLE (self->port_row), port);
      gtk_switch_set_active (self->tls_switch, enlist_provider_get_direct_tls (provider));
      /* what the suggestion filled in is in sight */
      adw_expander_row_set_expanded (self->advanced_row, TRUE);
    }
  self->updating = FALSE;
}

static void
clear_invite (EnlistServerPage *self)
{
  g_clear_pointer (&self->invite, enlist_secret_free);
  g_clear_pointer (&self->invite_domain, g_free);
}

static void
user_changed (EnlistServerPage *self)
{
  enlist_server_page_set_error (self, NULL, NULL);
  recompute (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* A pasted link: an invitation, or a request to register on a server.
 * The entry shows the server; the token stays out of sight. */
static void
take_link (EnlistServerPage *self,
           const char       *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *link = g_strstrip (g_strdup (text));
  gboolean is_invite = FALSE;
  EnlistProvider *demo;

  g_clear_pointer (&self->link_error, g_free);
  clear_invite (self);
  forget_provider (self);
  hide_suggestions (self);

  domain = enlist_registration_parse_uri (link, &is_invite, &error);
  if (domain == NULL)
    {
      self->link_error = g_strdup (error->message);
      return;
    }
  if (is_invite)
    {
      self->invite = g_steal_pointer (&link);
      self->invite_domain = g_strdup (domain);
    }
  demo = self->providers != NULL ? enlist_provider_list_lookup (self->providers, domain) : NULL;
  if (demo != NULL && enlist_provider_get_is_demo (demo))
    use_provider (self, demo);
  self->updating = TRUE;
  set_text (GTK_EDITABLE (self->server_row), domain);
  self->updating = FALSE;
}

static void
server_changed_cb (EnlistServerPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->server_row));
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  if (self->updating)
    return;

  if (is_link (stripped))
    take_link (self, stripped);
  else
    {
      g_clear_pointer (&self->link_error, g_free);
      if (self->invite != NULL && g_ascii_strcasecmp (stripped, self->invite_domain) != 0)
        clear_invite (self);
      if (self->provider != NULL &&
          g_ascii_strcasecmp (stripped, enlist_provider_get_domain (self->provider)) != 0)
        forget_provider (self);
      update_suggestions (self, FALSE);
    }
  user_changed (self);
}

static void
endpoint_changed_cb (EnlistServerPage *self)
{
  if (self->updating)
    return;
  user_changed (self);
}

static void
suggestion_chosen_cb (EnlistServerPage *self,
                      EnlistProvider   *provider)
{
  clear_invite (self);
  g_clear_pointer (&self->link_error, g_free);
  use_provider (self, provider);
  hide_suggestions (self);
  user_changed (self);
}

/* The keyboard stays in the entry: Down and Up go through the
 * suggestions, Enter takes the one selected, Escape closes the list. */
static gboolean
server_key_pressed_cb (EnlistServerPage      *self,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       GtkEventControllerKey *controller)
{
  gboolean open = gtk_widget_get_visible (GTK_WIDGET (self->suggestions));

  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK))
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      if (!open)
        {
          update_suggestions (self, TRUE);
          if (!gtk_widget_get_visible (GTK_WIDGET (self->suggestions)))
            return FALSE;
        }
      enlist_server_suggestions_move (self->suggestions, TRUE);
      return TRUE;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      if (!open)
        return FALSE;
      enlist_server_suggestions_move (self->suggestions, FALSE);
      return TRUE;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      if (open && enlist_server_suggestions_choose (self->suggestions))
        return TRUE;
      hide_suggestions (self);
      return FALSE;
    case GDK_KEY_Escape:
      if (!open)
        return FALSE;
      hide_suggestions (self);
      return TRUE;
    case GDK_KEY_Tab:
    case GDK_KEY_ISO_Left_Tab:
    case GDK_KEY_KP_Tab:
      hide_suggestions (self);
      return FALSE;
    default:
      return FALSE;
    }
}

static void
focus_left_cb (EnlistServerPage *self)
{
  hide_suggestions (self);
}

/* ---- public ------------------------------------------------------------- */

void
enlist_server_page_set_providers (EnlistServerPage   *self,
                                  EnlistProviderList *providers)
{
  g_return_if_fail (ENLIST_IS_SERVER_PAGE (self));
  g_return_if_fail (providers == NULL || ENLIST_IS_PROVIDER_LIST (providers));

  g_set_object (&self->providers, providers);
}

gboolean
enlist_server_page_get_valid (EnlistServerPage *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_PAGE (self), FALSE);

  return self->valid;
}

const char *
enlist_server_page_get_domain (EnlistServerPage *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_PAGE (self), NULL);

  return self->domain;
}

const char *
enlist_server_page_get_host (EnlistServerPage *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_PAGE (self), NULL);

  return self->host;
}

guint16
enlist_server_page_get_port (EnlistServerPage *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_PAGE (self), 0);

  return self->port;
}

gboolean
enlist_server_page_get_direct_tls (EnlistServerPage *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_PAGE (self), FALSE);

  return gtk_switch_get_active (self->tls_switch);
}

const char *
enlist_server_page_get_invite (EnlistServerPage *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_PAGE (self), NULL);

  return self->invite;
}

EnlistProvider *
enlist_server_page_get_provider (EnlistServerPage *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_PAGE (self), NULL);

  return self->provider;
}

void
enlist_server_page_set_server (EnlistServerPage *self,
                               const char       *domain,
                               EnlistProvider   *provider,
                               const char       *invite)
{
  g_return_if_fail (ENLIST_IS_SERVER_PAGE (self));
  g_return_if_fail (domain != NULL);
  g_return_if_fail (provider == NULL || ENLIST_IS_PROVIDER (provider));

  hide_suggestions (self);
  clear_invite (self);
  g_clear_pointer (&self->link_error, g_free);
  use_provider (self, provider);
  if (invite != NULL)
    {
      self->invite = g_strdup (invite);
      self->invite_domain = g_strdup (domain);
    }
  self->updating = TRUE;
  set_text (GTK_EDITABLE (self->server_row), domain);
  self->updating = FALSE;
  enlist_server_page_set_error (self, NULL, NULL);
  recompute (self);
}

void
enlist_server_page_set_error (EnlistServerPage *self,
                              const char       *heading,
                              const char       *message)
{
  g_return_if_fail (ENLIST_IS_SERVER_PAGE (self));

  gtk_label_set_text (self->error_heading_label, heading != NULL ? heading : "");
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL && *message != '\0');
  gtk_widget_set_visible (self->error_box, heading != NULL);
  /* where it tried to connect is part of what to look at */
  if (heading != NULL && (*gtk_editable_get_text (GTK_EDITABLE (self->host_row)) != '\0' ||
                          *gtk_editable_get_text (GTK_EDITABLE (self->port_row)) != '\0'))
    adw_expander_row_set_expanded (self->advanced_row, TRUE);
}

gboolean
enlist_server_page_get_has_error (EnlistServerPage *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_PAGE (self), FALSE);

  return gtk_widget_get_visible (self->error_box);
}

char *
enlist_server_page_dup_error (EnlistServerPage *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_PAGE (self), NULL);

  if (!gtk_widget_get_visible (self->error_box))
    return NULL;
  return g_strdup_printf ("%s: %s", gtk_label_get_text (self->error_heading_label),
                          gtk_label_get_text (self->error_label));
}

GtkWidget *
enlist_server_page_get_default_widget (EnlistServerPage *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_PAGE (self), NULL);

  return GTK_WIDGET (self->next_button);
}

GtkWidget *
enlist_server_page_get_server_row (EnlistServerPage *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_PAGE (self), NULL);

  return GTK_WIDGET (self->server_row);
}

GtkWidget *
enlist_server_page_get_suggestions (EnlistServerPage *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_PAGE (self), NULL);

  return GTK_WIDGET (self->suggestions);
}

/* ---- GtkWidget ---------------------------------------------------------- */

/* The suggestions belong to this page and hang under the server entry. */
static void
enlist_server_page_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  EnlistServerPage *self = ENLIST_SERVER_PAGE (widget);

  GTK_WIDGET_CLASS (enlist_server_page_parent_class)->size_allocate (widget, width, height,
                                                                     baseline);
  if (gtk_widget_get_visible (GTK_WIDGET (self->suggestions)))
    place_suggestions (self);
  gtk_popover_present (GTK_POPOVER (self->suggestions));
}

static void
enlist_server_page_unmap (GtkWidget *widget)
{
  hide_suggestions (ENLIST_SERVER_PAGE (widget));
  GTK_WIDGET_CLASS (enlist_server_page_parent_class)->unmap (widget);
}

static gboolean
enlist_server_page_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (ENLIST_SERVER_PAGE (widget)->server_row));
}

/* ---- GObject ------------------------------------------------------------ */

static void
enlist_server_page_dispose (GObject *object)
{
  EnlistServerPage *self = ENLIST_SERVER_PAGE (object);

  g_clear_pointer ((GtkWidget **) &self->suggestions, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENLIST_TYPE_SERVER_PAGE);
  g_clear_object (&self->providers);
  g_clear_object (&self->provider);

  G_OBJECT_CLASS (enlist_server_page_parent_class)->dispose (object);
}

static void
enlist_server_page_finalize (GObject *object)
{
  EnlistServerPage *self = ENLIST_SERVER_PAGE (object);

  clear_invite (self);
  g_free (self->link_error);
  g_free (self->domain);
  g_free (self->host);

  G_OBJECT_CLASS (enlist_server_page_parent_class)->finalize (object);
}

static void
enlist_server_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  EnlistServerPage *self = ENLIST_SERVER_PAGE (object);

  switch (prop_id)
    {
    case PROP_VALID:
      g_value_set_boolean (value, self->valid);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_server_page_class_init (EnlistServerPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enlist_server_page_dispose;
  object_class->finalize = enlist_server_page_finalize;
  object_class->get_property = enlist_server_page_get_property;
  widget_class->size_allocate = enlist_server_page_size_allocate;
  widget_class->unmap = enlist_server_page_unmap;
  widget_class->grab_focus = enlist_server_page_grab_focus;

  properties[PROP_VALID] =
    g_param_spec_boolean ("valid", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/enlist/Enlist/ui/enlist-server-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EnlistServerPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, EnlistServerPage, server_message_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistServerPage, error_box);
  gtk_widget_class_bind_template_child (widget_class, EnlistServerPage, error_heading_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistServerPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistServerPage, advanced_row);
  gtk_widget_class_bind_template_child (widget_class, EnlistServerPage, host_row);
  gtk_widget_class_bind_template_child (widget_class, EnlistServerPage, port_row);
  gtk_widget_class_bind_template_child (widget_class, EnlistServerPage, tls_switch);
  gtk_widget_class_bind_template_child (widget_class, EnlistServerPage, endpoint_message_label);
  gtk_widget_class_bind_template_child (widget_class, EnlistServerPage, next_button);
}

static void
enlist_server_page_init (EnlistServerPage *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->suggestions = ENLIST_SERVER_SUGGESTIONS (enlist_server_suggestions_new ());
  enlist_server_suggestions_attach (self->suggestions, GTK_WIDGET (self));
  g_signal_connect_object (self->suggestions, "chosen", G_CALLBACK (suggestion_chosen_cb), self,
                           G_CONNECT_SWAPPED);

  /* before the entry's text sees the keys */
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (server_key_pressed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->server_row), keys);
  self->focus_controller = gtk_event_controller_focus_new ();
  g_signal_connect_object (self->focus_controller, "leave", G_CALLBACK (focus_left_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->server_row), self->focus_controller);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->server_row),
                                  GTK_ACCESSIBLE_PROPERTY_AUTOCOMPLETE,
                                  GTK_ACCESSIBLE_AUTOCOMPLETE_LIST, -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->server_row),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                  self->server_message_label, NULL, -1);

  g_signal_connect_object (self->server_row, "changed", G_CALLBACK (server_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->host_row, "changed", G_CALLBACK (endpoint_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->port_row, "changed", G_CALLBACK (endpoint_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tls_switch, "notify::active", G_CALLBACK (endpoint_changed_cb),
                           self, G_CONNECT_SWAPPED);
  recompute (self);
}

GtkWidget *
enlist_server_page_new (void)
{
  return g_object_new (ENLIST_TYPE_SERVER_PAGE, NULL);
}
