/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: the application's entry point. */
#define G_LOG_DOMAIN "enlist"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "enlist-application.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(EnlistApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  enlist_application_register_resources ();
  app = enlist_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
