/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-cli.c: the headless front end: the same services as the
 * application, driven from a terminal or a script. This file dispatches
 * to the verbs (enlist-cli-probe.c, enlist-cli-register.c,
 * enlist-cli-account.c) and holds what they share: options, setting up the
 * account manager and the registrations it makes, and waiting on the main
 * loop for a result. */
#define G_LOG_DOMAIN "enlist-cli"

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include "enlist-cli.h"
#include "enlist-cli-output.h"
#include "enlist-cli-private.h"
#include "enlist-jid.h"
#include "enlist-text.h"
#include "enlist-trace.h"

/* At most this many main loop iterations after a verb, for callbacks that
 * the account manager's cancellation left to run. */
#define MAX_DRAIN_ITERATIONS 100

void
enlist_cli_clear (EnlistCli *cli)
{
  g_clear_pointer (&cli->host, g_free);
  g_clear_pointer (&cli->ca_file, g_free);
  g_clear_pointer (&cli->pins, g_strfreev);
  g_clear_pointer (&cli->password_file, g_free);
  g_clear_pointer (&cli->new_password_file, g_free);
  g_clear_pointer (&cli->fields, g_strfreev);
  g_clear_pointer (&cli->captcha_image_out, g_free);
  g_clear_pointer (&cli->captcha_command, g_free);
  g_clear_pointer (&cli->invite, g_free);
  if (cli->temp_image != NULL)
    {
      g_unlink (cli->temp_image);
      g_clear_pointer (&cli->temp_image, g_free);
    }
  /* Settling other accounts in the background stops here (the manager's
   * dispose cancels it); what that leaves to run, runs, and so does the
   * writing of the </stream:stream> that ended a connection, which the
   * operation did not wait for. */
  g_clear_object (&cli->manager);
  for (guint i = 0; i < MAX_DRAIN_ITERATIONS && g_main_context_iteration (NULL, FALSE); i++)
    ;
  g_clear_object (&cli->cancellable);
  g_clear_error (&cli->file_error);
}

/* Options */

static const GOptionEntry endpoint_entries[] = {
  { "host", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Connect to HOST instead of looking up the domain"), N_("HOST") },
  { "port", 0, 0, G_OPTION_ARG_INT, NULL, N_("Port to connect to (with --host)"), N_("PORT") },
  { "direct-tls", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Use TLS from the first byte (XEP-0368) instead of STARTTLS"), NULL },
  { "pin", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL, N_("Trust the certificate with this SHA-256 fingerprint"), N_("FINGERPRINT") },
};

static const GOptionEntry basic_entries[] = {
  { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Also trust the certificate authorities in FILE (PEM)"), N_("FILE") },
  { "timeout", 0, 0, G_OPTION_ARG_INT, NULL, N_("Seconds to wait for each step (default 20)"), N_("SECONDS") },
  { "json", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print one JSON object"), NULL },
  { "trace", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the XML exchanged to standard error, secrets redacted"), NULL },
};

static const GOptionEntry pipelining_entry = {
  "no-pipelining", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Wait for each answer before the next step"), NULL
};

GOptionContext *
enlist_cli_option_context (EnlistCli          *cli,
                           const char         *summary,
                           const GOptionEntry *entries,
                           EnlistCliOptions    options)
{
  GOptionContext *context = g_option_context_new (summary);
  /* room for all of them, the pipelining entry and the terminator */
  GOptionEntry shared[G_N_ELEMENTS (endpoint_entries) + G_N_ELEMENTS (basic_entries) + 2] = {
    { 0 }
  };
  gpointer endpoint_data[] = { &cli->host, &cli->port, &cli->direct_tls, &cli->pins };
  gpointer basic_data[] = { &cli->ca_file, &cli->timeout_s, &cli->json, &cli->trace };
  GOptionGroup *group;
  guint n = 0;

  G_STATIC_ASSERT (G_N_ELEMENTS (endpoint_data) == G_N_ELEMENTS (endpoint_entries));
  G_STATIC_ASSERT (G_N_ELEMENTS (basic_data) == G_N_ELEMENTS (basic_entries));

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (options & ENLIST_CLI_OPTIONS_ENDPOINT)
    for (guint i = 0; i < G_N_ELEMENTS (endpoint_entries); i++)
      {
        shared[n] = endpoint_entries[i];
        shared[n++].arg_data = endpoint_data[i];
      }
  for (guint i = 0; i < G_N_ELEMENTS (basic_entries); i++)
    {
      shared[n] = basic_entries[i];
      shared[n++].arg_data = basic_data[i];
    }
  if (options & ENLIST_CLI_OPTIONS_PIPELINING)
    {
      shared[n] = pipelining_entry;
      shared[n++].arg_data = &cli->no_pipelining;
    }

  group = g_option_group_new ("connection", _("Connection options:"),
                              _("Show connection options"), NULL, NULL);
  g_option_group_add_entries (group, shared);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_context_add_group (context, group);
  return context;
}

gboolean
enlist_cli_parse_options (GOptionContext  *context,
                          const char      *verb,
                          guint            n_operands,
                          const char      *operand_missing,
                          int             *argc,
                          char          ***argv)
{
  g_autoptr(GError) error = NULL;

  if (g_option_context_parse (context, argc, argv, &error) && *argc == (int) n_operands + 1)
    return TRUE;
  fprintf (stderr, "enlist-cli %s: %s\n", verb, error != NULL ? error->message : operand_missing);
  return FALSE;
}

/* Setting up */

gboolean
enlist_cli_has_endpoint (EnlistCli *cli)
{
  return cli->host != NULL || cli->port != 0 || cli->direct_tls;
}

/* The account file could not be written: kept for the verb to warn about
 * (enlist_cli_take_file_warning). */
static void
on_file_error (EnlistAccountManager *manager,
               const GError         *error,
               EnlistCli            *cli)
{
  g_clear_error (&cli->file_error);
  cli->file_error = g_error_copy (error);
}

gboolean
enlist_cli_setup (EnlistCli  *cli,
                  GError    **error)
{
  if (cli->trace)
    enlist_trace_set_enabled (TRUE);

  if (cli->port < 0 || cli->port > 65535)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--port must be between 1 and 65535"));
      return FALSE;
    }
  if (cli->port != 0 && cli->host == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--port needs --host"));
      return FALSE;
    }
  if (cli->direct_tls && cli->host == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--direct-tls needs --host (otherwise DNS decides)"));
      return FALSE;
    }

  /* The trust store and the account file live in the user data dir shared
   * with the application. */
  cli->manager = enlist_account_manager_new (NULL, NULL, NULL);
  g_signal_connect (cli->manager, "file-error", G_CALLBACK (on_file_error), cli);
  if (cli->ca_file != NULL
      && !enlist_account_manager_set_ca_file (cli->manager, cli->ca_file, error))
    {
      g_prefix_error (error, _("Cannot read the CA file %s: "), cli->ca_file);
      return FALSE;
    }
  if (cli->timeout_s > 0)
    enlist_account_manager_set_timeout (cli->manager, (guint) cli->timeout_s * 1000);
  cli->cancellable = g_cancellable_new ();
  return TRUE;
}

static void
apply_run_options (EnlistCli          *cli,
                   EnlistRegistration *registration)
{
  for (guint i = 0; cli->pins != NULL && cli->pins[i] != NULL; i++)
    enlist_registration_add_pinned_fingerprint (registration, cli->pins[i]);
  if (cli->no_pipelining)
    enlist_registration_set_pipelining (registration, FALSE);
}

EnlistRegistration *
enlist_cli_create_registration (EnlistCli  *cli,
                                const char *domain)
{
  EnlistRegistration *registration;

  registration = enlist_account_manager_create_registration (cli->manager, domain, cli->host,
                                                             (guint16) cli->port, cli->direct_tls);
  apply_run_options (cli, registration);
  return registration;
}

EnlistRegistration *
enlist_cli_registration_for_account (EnlistCli     *cli,
                                     EnlistAccount *account)
{
  EnlistRegistration *registration;

  if (enlist_cli_has_endpoint (cli))
    return enlist_cli_create_registration (cli, enlist_account_get_domain (account));

  registration = enlist_account_manager_registration_for_account (cli->manager, account);
  apply_run_options (cli, registration);
  return registration;
}

gboolean
enlist_cli_load_accounts (EnlistCli  *cli,
                          GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_account_manager_load_async (cli->manager, cli->cancellable, enlist_cli_store_result,
                                     &result);
  return enlist_account_manager_load_finish (cli->manager, enlist_cli_wait (cli, &result), error);
}

char *
enlist_cli_take_file_warning (EnlistCli  *cli,
                              const char *verb)
{
  g_autoptr(GError) error = g_steal_pointer (&cli->file_error);
  char *warning;

  if (error == NULL)
    return NULL;

  warning = g_strdup_printf (_("%s. The keyring holds the password, so the account is still "
                               "listed, but its connection settings are not recorded: give "
                               "--host and --port again if it needs them."), error->message);
  if (!cli->json)
    {
      g_autofree char *prefix = g_strdup_printf ("enlist-cli %s: ", verb);
      g_autofree char *line = g_strdup_printf (_("warning: %s"), warning);

      enlist_cli_print_safe (stderr, prefix, line);
    }
  return warning;
}

char *
enlist_cli_parse_account_jid (const char  *jid,
                              char       **username,
                              char       **domain,
                              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *localpart = NULL;
  g_autofree char *host = NULL;
  char *bare;

  if (!enlist_jid_parse (jid, &localpart, &host, NULL, &local_error) || localpart == NULL)
    {
      g_autofree char *clean = enlist_text_neutralize (jid, -1);
      g_autofree char *expected = g_strdup_printf (_("“%s” is not an address of the form "
                                                     "name@server."), clean);

      /* what was expected, then what the JID unit found wrong */
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s%s%s", expected,
                   local_error != NULL ? " " : "",
                   local_error != NULL ? local_error->message : "");
      return NULL;
    }
  bare = enlist_jid_format_bare (localpart, host, error);
  if (bare == NULL)
    return NULL;
  *username = g_steal_pointer (&localpart);
  *domain = g_steal_pointer (&host);
  return bare;
}

/* Waiting */

void
enlist_cli_store_result (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static gboolean
on_signal (gpointer user_data)
{
  EnlistCli *cli = user_data;

  g_cancellable_cancel (cli->cancellable);
  return G_SOURCE_CONTINUE;
}

GAsyncResult *
enlist_cli_wait (EnlistCli     *cli,
                 GAsyncResult **slot)
{
  guint sigint = g_unix_signal_add (SIGINT, on_signal, cli);
  guint sigterm = g_unix_signal_add (SIGTERM, on_signal, cli);

  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  return *slot;
}

/* Timing a verb's flow */

void
enlist_cli_flow_start (EnlistCli *cli)
{
  if (cli->flow_started == 0)
    cli->flow_started = g_get_monotonic_time ();
}

void
enlist_cli_flow_finish (EnlistCli *cli)
{
  cli->flow_finished = g_get_monotonic_time ();
}

void
enlist_cli_json_add_elapsed (EnlistCli   *cli,
                             JsonBuilder *builder)
{
  if (cli->flow_started == 0 || cli->flow_finished < cli->flow_started)
    return;
  json_builder_set_member_name (builder, "elapsed_ms");
  json_builder_add_double_value (builder, (cli->flow_finished - cli->flow_started) / 1000.0);
}

void
enlist_cli_close_registration (EnlistCli          *cli,
                               EnlistRegistration *registration)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_registration_close_async (registration, NULL, enlist_cli_store_result, &result);
  enlist_registration_close_finish (registration, enlist_cli_wait (cli, &result), NULL);
}

/* Dispatch */

typedef struct
{
  const char *name;
  int       (*run) (int    argc,
                    char **argv);
} Verb;

static const Verb verbs[] = {
  { "probe", enlist_cli_probe },
  { "login", enlist_cli_login },
  { "form", enlist_cli_form },
  { "register", enlist_cli_register },
  { "passwd", enlist_cli_passwd },
  { "delete", enlist_cli_delete },
  { "accounts", enlist_cli_accounts },
};

static void
usage (FILE *stream)
{
  fprintf (stream, "%s",
           _("Usage: enlist-cli COMMAND [OPTIONS…]\n"
             "\n"
             "Commands:\n"
             "  probe DOMAIN     Connect, secure the connection and show what the server offers\n"
             "  login JID        Log in with a password from standard input or --password-file\n"
             "  form DOMAIN      Show the registration form without registering\n"
             "  register DOMAIN  Create an account (--field VAR=VALUE, --captcha-command, --save, …)\n"
             "  passwd JID       Change the password (the current one from a file, the keyring or stdin)\n"
             "  delete JID       Delete the account (asks first unless --yes)\n"
             "  accounts         List the accounts saved on this computer, settling unfinished ones\n"
             "\n"
             "Run “enlist-cli COMMAND --help” for a command’s options.\n"
             "\n"
             "Exit status: 0 success, 1 other failure, 2 usage, 3 connection or DNS,\n"
             "4 TLS or certificate, 5 authentication, 6 refused by the server,\n"
             "7 protocol violation or timeout, 8 account created (register --save)\n"
             "or password changed (passwd) but the password saved nowhere,\n"
             "130 interrupted.\n"));
}

int
enlist_cli_main (int    argc,
                 char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      usage (stderr);
      return ENLIST_EXIT_USAGE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")
      || g_str_equal (argv[1], "help"))
    {
      usage (stdout);
      return ENLIST_EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      printf ("enlist-cli %s\n", PACKAGE_VERSION);
      return ENLIST_EXIT_OK;
    }
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (g_str_equal (argv[1], verbs[i].name))
      return verbs[i].run (argc - 1, argv + 1);

  {
    g_autofree char *clean = enlist_text_neutralize (argv[1], -1);

    fprintf (stderr, _("enlist-cli: unknown command “%s”\n\n"), clean);
  }
  usage (stderr);
  return ENLIST_EXIT_USAGE;
}
