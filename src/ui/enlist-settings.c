/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-settings.c: Enlist's GSettings behind properties. Each property is
 * bound to its key both ways, so a change made elsewhere (dconf-editor,
 * another instance) reaches whoever is bound to the property. */
#define G_LOG_DOMAIN "enlist-settings"

#include "config.h"

#include "enlist-settings.h"

struct _EnlistSettings
{
  GObject    parent_instance;

  GSettings *settings;
  int        window_width;
  int        window_height;
  gboolean   window_maximized;
  char      *providers_url;
  char      *last_server;
};

G_DEFINE_FINAL_TYPE (EnlistSettings, enlist_settings, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_WINDOW_WIDTH,
  PROP_WINDOW_HEIGHT,
  PROP_WINDOW_MAXIMIZED,
  PROP_PROVIDERS_URL,
  PROP_LAST_SERVER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* property → key, in the order of the enum above */
static const char * const keys[N_PROPS] = {
  NULL, "window-width", "window-height", "window-maximized", "providers-url", "last-server",
};

static void
set_int (EnlistSettings *self,
         int            *field,
         int             value,
         guint           prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_string (EnlistSettings *self,
            char          **field,
            const char     *value,
            guint           prop)
{
  if (value == NULL)
    value = "";
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
enlist_settings_constructed (GObject *object)
{
  EnlistSettings *self = ENLIST_SETTINGS (object);

  G_OBJECT_CLASS (enlist_settings_parent_class)->constructed (object);

  self->settings = g_settings_new (APP_ID);
  for (guint prop = 1; prop < N_PROPS; prop++)
    g_settings_bind (self->settings, keys[prop], self, g_param_spec_get_name (properties[prop]),
                     G_SETTINGS_BIND_DEFAULT);
}

static void
enlist_settings_finalize (GObject *object)
{
  EnlistSettings *self = ENLIST_SETTINGS (object);

  g_clear_object (&self->settings);
  g_free (self->providers_url);
  g_free (self->last_server);

  G_OBJECT_CLASS (enlist_settings_parent_class)->finalize (object);
}

static void
enlist_settings_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  EnlistSettings *self = ENLIST_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_WINDOW_WIDTH:
      g_value_set_int (value, self->window_width);
      break;
    case PROP_WINDOW_HEIGHT:
      g_value_set_int (value, self->window_height);
      break;
    case PROP_WINDOW_MAXIMIZED:
      g_value_set_boolean (value, self->window_maximized);
      break;
    case PROP_PROVIDERS_URL:
      g_value_set_string (value, self->providers_url);
      break;
    case PROP_LAST_SERVER:
      g_value_set_string (value, self->last_server);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_settings_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  EnlistSettings *self = ENLIST_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_WINDOW_WIDTH:
      set_int (self, &self->window_width, g_value_get_int (value), prop_id);
      break;
    case PROP_WINDOW_HEIGHT:
      set_int (self, &self->window_height, g_value_get_int (value), prop_id);
      break;
    case PROP_WINDOW_MAXIMIZED:
      set_int (self, &self->window_maximized, g_value_get_boolean (value), prop_id);
      break;
    case PROP_PROVIDERS_URL:
      set_string (self, &self->providers_url, g_value_get_string (value), prop_id);
      break;
    case PROP_LAST_SERVER:
      set_string (self, &self->last_server, g_value_get_string (value), prop_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_settings_class_init (EnlistSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->constructed = enlist_settings_constructed;
  object_class->finalize = enlist_settings_finalize;
  object_class->get_property = enlist_settings_get_property;
  object_class->set_property = enlist_settings_set_property;

  properties[PROP_WINDOW_WIDTH] =
    g_param_spec_int ("window-width", NULL, NULL, G_MININT, G_MAXINT, 0, flags);
  properties[PROP_WINDOW_HEIGHT] =
    g_param_spec_int ("window-height", NULL, NULL, G_MININT, G_MAXINT, 0, flags);
  properties[PROP_WINDOW_MAXIMIZED] =
    g_param_spec_boolean ("window-maximized", NULL, NULL, FALSE, flags);
  properties[PROP_PROVIDERS_URL] =
    g_param_spec_string ("providers-url", NULL, NULL, "", flags);
  properties[PROP_LAST_SERVER] =
    g_param_spec_string ("last-server", NULL, NULL, "", flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
enlist_settings_init (EnlistSettings *self)
{
  self->providers_url = g_strdup ("");
  self->last_server = g_strdup ("");
}

EnlistSettings *
enlist_settings_new (void)
{
  return g_object_new (ENLIST_TYPE_SETTINGS, NULL);
}

int
enlist_settings_get_window_width (EnlistSettings *self)
{
  g_return_val_if_fail (ENLIST_IS_SETTINGS (self), 0);
  return self->window_width;
}

int
enlist_settings_get_window_height (EnlistSettings *self)
{
  g_return_val_if_fail (ENLIST_IS_SETTINGS (self), 0);
  return self->window_height;
}

gboolean
enlist_settings_get_window_maximized (EnlistSettings *self)
{
  g_return_val_if_fail (ENLIST_IS_SETTINGS (self), FALSE);
  return self->window_maximized;
}

void
enlist_settings_set_window_state (EnlistSettings *self,
                                  int             width,
                                  int             height,
                                  gboolean        maximized)
{
  g_return_if_fail (ENLIST_IS_SETTINGS (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (width > 0)
    set_int (self, &self->window_width, width, PROP_WINDOW_WIDTH);
  if (height > 0)
    set_int (self, &self->window_height, height, PROP_WINDOW_HEIGHT);
  set_int (self, &self->window_maximized, !!maximized, PROP_WINDOW_MAXIMIZED);
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
enlist_settings_get_providers_url (EnlistSettings *self)
{
  g_return_val_if_fail (ENLIST_IS_SETTINGS (self), NULL);
  return self->providers_url;
}

void
enlist_settings_set_providers_url (EnlistSettings *self,
                                   const char     *url)
{
  g_return_if_fail (ENLIST_IS_SETTINGS (self));
  set_string (self, &self->providers_url, url, PROP_PROVIDERS_URL);
}

const char *
enlist_settings_get_last_server (EnlistSettings *self)
{
  g_return_val_if_fail (ENLIST_IS_SETTINGS (self), NULL);
  return self->last_server;
}

void
enlist_settings_set_last_server (EnlistSettings *self,
                                 const char     *domain)
{
  g_return_if_fail (ENLIST_IS_SETTINGS (self));
  set_string (self, &self->last_server, domain, PROP_LAST_SERVER);
}
