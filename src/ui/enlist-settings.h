/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-settings.h: Enlist's GSettings as an object with properties, so
 * that windows and tests bind to properties and never touch GSettings:
 * "window-width", "window-height", "window-maximized" (the main window,
 * saved when it closes), "providers-url" (where the provider list is
 * refreshed from; "" for never) and "last-server" (the domain used most
 * recently). Nothing secret is ever kept here. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ENLIST_TYPE_SETTINGS (enlist_settings_get_type ())
G_DECLARE_FINAL_TYPE (EnlistSettings, enlist_settings, ENLIST, SETTINGS, GObject)

/* The settings of the schema APP_ID. */
EnlistSettings *enlist_settings_new                  (void);

int             enlist_settings_get_window_width     (EnlistSettings *self);
int             enlist_settings_get_window_height    (EnlistSettings *self);
gboolean        enlist_settings_get_window_maximized (EnlistSettings *self);
/* Saves the main window's state (0 or less leaves a size as it is). */
void            enlist_settings_set_window_state     (EnlistSettings *self,
                                                      int             width,
                                                      int             height,
                                                      gboolean        maximized);

const char     *enlist_settings_get_providers_url    (EnlistSettings *self);
void            enlist_settings_set_providers_url    (EnlistSettings *self,
                                                      const char     *url);

const char     *enlist_settings_get_last_server      (EnlistSettings *self);
void            enlist_settings_set_last_server      (EnlistSettings *self,
                                                      const char     *domain);

G_END_DECLS
