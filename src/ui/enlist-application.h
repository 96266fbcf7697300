/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-application.h: the AdwApplication: app-wide actions, the main
 * window, command-line options and xmpp: URIs. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ENLIST_TYPE_APPLICATION (enlist_application_get_type ())
G_DECLARE_FINAL_TYPE (EnlistApplication, enlist_application, ENLIST, APPLICATION, AdwApplication)

/* The compiled-in resources (data/ and src/ui/); main () and the UI tests
 * call this once, before any widget is built. */
void               enlist_application_register_resources (void);

EnlistApplication *enlist_application_new                (void);

G_END_DECLS
