/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-application.c: the AdwApplication: app-wide actions, the main
 * window, command-line options and xmpp: URIs. */
#define G_LOG_DOMAIN "enlist-application"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-application.h"
#include "enlist-resources.h"
#include "enlist-ui-resources.h"
#include "enlist-window.h"

struct _EnlistApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (EnlistApplication, enlist_application, ADW_TYPE_APPLICATION)

void
enlist_application_register_resources (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      enlist_register_resource ();
      enlist_ui_register_resource ();
      g_once_init_leave (&registered, 1);
    }
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  static const char *developers[] = { "The Enlist developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-name", _("Enlist"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "comments", _("Create XMPP chat accounts on any server, change their "
                                      "passwords and delete them, with the credentials kept in "
                                      "your keyring."),
                        "developers", developers,
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "quit", quit_action },
};

static void
enlist_application_startup (GApplication *application)
{
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (enlist_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_actions,
                                   G_N_ELEMENTS (app_actions), application);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.quit", quit_accels);
}

static void
enlist_application_activate (GApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    window = GTK_WINDOW (enlist_window_new (ENLIST_APPLICATION (application)));
  gtk_window_present (window);
}

static void
enlist_application_class_init (EnlistApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = enlist_application_startup;
  app_class->activate = enlist_application_activate;
}

static void
enlist_application_init (EnlistApplication *self)
{
}

EnlistApplication *
enlist_application_new (void)
{
  return g_object_new (ENLIST_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/enlist/Enlist",
                       NULL);
}
