/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-cli-probe.c: the verbs that look at a server without changing
 * anything on it: probe (what it offers, how fast; --save-pin remembers
 * the certificate accepted with --pin) and login. */
#define G_LOG_DOMAIN "enlist-cli"

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "enlist-certificate.h"
#include "enlist-cli.h"
#include "enlist-cli-input.h"
#include "enlist-cli-output.h"
#include "enlist-cli-private.h"
#include "enlist-text.h"

static double
ms (gint64 usec)
{
  return usec / 1000.0;
}

/* What kind of registration form came back, and how many fields: a data
 * form (XEP-0004) wins over the legacy fields beside it. */
static const char *
describe_form (EnlistDataForm *form,
               guint          *n_fields)
{
  *n_fields = enlist_data_form_get_n_fields (form);
  if (enlist_data_form_is_registered (form))
    {
      *n_fields = 0;
      return "already-registered";
    }
  if (enlist_data_form_get_origin (form) == ENLIST_FORM_ORIGIN_DATA_FORM)
    return "data-form";
  return *n_fields > 0 ? "legacy" : "none";
}

typedef struct
{
  const char *name;
  gint64      value;
} Phase;

static void
probe_print_json (EnlistCli        *cli,
                  EnlistServerInfo *info,
                  gboolean          pin_saved,
                  const Phase      *phases,
                  guint             n_phases)
{
  const EnlistServerTimings *t = enlist_server_info_get_timings (info);
  GTlsCertificate *certificate = enlist_server_info_get_certificate (info);
  const char * const *mechanisms = enlist_server_info_get_mechanisms (info);
  EnlistDataForm *form = enlist_server_info_get_form (info);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, TRUE);
  enlist_cli_json_add_string (b, "domain", enlist_server_info_get_domain (info));
  json_builder_set_member_name (b, "endpoint");
  json_builder_begin_object (b);
  enlist_cli_json_add_string (b, "host", enlist_server_info_get_host (info));
  json_builder_set_member_name (b, "port");
  json_builder_add_int_value (b, enlist_server_info_get_port (info));
  json_builder_set_member_name (b, "direct_tls");
  json_builder_add_boolean_value (b, enlist_server_info_get_direct_tls (info));
  json_builder_end_object (b);
  if (cli->save_pin)
    {
      json_builder_set_member_name (b, "pin_saved");
      json_builder_add_boolean_value (b, pin_saved);
    }
  json_builder_set_member_name (b, "pipelined");
  json_builder_add_boolean_value (b, enlist_server_info_get_pipelined (info));

  json_builder_set_member_name (b, "tls");
  json_builder_begin_object (b);
  enlist_cli_json_add_string (b, "version", enlist_server_info_get_tls_version (info));
  enlist_cli_json_add_string (b, "ciphersuite", enlist_server_info_get_ciphersuite (info));
  enlist_cli_json_add_string (b, "trusted_by", enlist_server_info_get_trust_reason (info));
  if (certificate != NULL)
    {
      json_builder_set_member_name (b, "certificate");
      enlist_cli_json_add_certificate (b, certificate);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "features");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "register");
  json_builder_add_boolean_value (b, enlist_server_info_get_registration (info));
  json_builder_set_member_name (b, "ibr_token");
  json_builder_add_boolean_value (b, enlist_server_info_get_ibr_token (info));
  json_builder_set_member_name (b, "invite");
  json_builder_add_boolean_value (b, enlist_server_info_get_invite (info));
  json_builder_set_member_name (b, "mechanisms");
  json_builder_begin_array (b);
  for (guint i = 0; mechanisms[i] != NULL; i++)
    json_builder_add_string_value (b, mechanisms[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);

  if (cli->fetch_form)
    {
      json_builder_set_member_name (b, "registration_form");
      json_builder_begin_object (b);
      if (form != NULL)
        {
          guint n_fields;

          enlist_cli_json_add_string (b, "kind", describe_form (form, &n_fields));
          json_builder_set_member_name (b, "fields");
          json_builder_add_int_value (b, n_fields);
        }
      else
        enlist_cli_json_add_error (b, enlist_server_info_get_form_error (info));
      json_builder_end_object (b);
    }

  json_builder_set_member_name (b, "timings_ms");
  json_builder_begin_object (b);
  for (guint i = 0; i < n_phases; i++)
    {
      json_builder_set_member_name (b, phases[i].name);
      json_builder_add_double_value (b, ms (phases[i].value));
    }
  if (cli->fetch_form)
    {
      json_builder_set_member_name (b, "form");
      json_builder_add_double_value (b, ms (t->form));
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  enlist_cli_print_json (b);
}

static void
probe_print_text (EnlistCli        *cli,
                  EnlistServerInfo *info,
                  gboolean          pin_saved,
                  const Phase      *phases,
                  guint             n_phases)
{
  const EnlistServerTimings *t = enlist_server_info_get_timings (info);
  GTlsCertificate *certificate = enlist_server_info_get_certificate (info);
  EnlistDataForm *form = enlist_server_info_get_form (info);
  gboolean ibr_token = enlist_server_info_get_ibr_token (info);
  g_autofree char *mechs = g_strjoinv (" ", (char **) enlist_server_info_get_mechanisms (info));
  g_autofree char *endpoint = NULL;
  g_autofree char *tls = NULL;
  gboolean pipelined = enlist_server_info_get_pipelined (info);

  /* Translators: the host, the port and how the connection was secured
   * ("STARTTLS" or "direct TLS") */
  endpoint = g_strdup_printf (pipelined ? _("%s port %u (%s, pipelined)") : _("%s port %u (%s)"),
                              enlist_server_info_get_host (info),
                              enlist_server_info_get_port (info),
                              enlist_server_info_get_direct_tls (info) ? _("direct TLS")
                                                                       : "STARTTLS");
  /* Translators: the TLS version, the cipher suite and why the certificate
   * was trusted ("system", "ca-file" or "pinned", not translated) */
  tls = g_strdup_printf (_("%s, %s (trusted by: %s)"), enlist_server_info_get_tls_version (info),
                         enlist_server_info_get_ciphersuite (info),
                         enlist_server_info_get_trust_reason (info));

  enlist_cli_print_safe (stdout, _("Server:        "), enlist_server_info_get_domain (info));
  enlist_cli_print_safe (stdout, _("Endpoint:      "), endpoint);
  enlist_cli_print_safe (stdout, _("TLS:           "), tls);
  if (pin_saved)
    enlist_cli_print_safe (stdout, _("Pinned:        "),
                           _("this certificate is now trusted for this domain in later runs"));
  if (certificate != NULL)
    {
      g_autofree char *description = enlist_certificate_describe (certificate);
      g_auto(GStrv) lines = g_strsplit (description, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        enlist_cli_print_safe (stdout, i == 0 ? _("Certificate:   ") : "               ", lines[i]);
    }
  printf ("%s%s\n", _("Registration:  "),
          enlist_server_info_get_registration (info) ? _("supported (XEP-0077)")
                                                     : _("not advertised"));
  if (ibr_token || enlist_server_info_get_invite (info))
    printf ("%s%s\n", _("Invitations:   "),
            ibr_token ? _("supported (urn:xmpp:ibr-token:0)") : _("supported (urn:xmpp:invite)"));
  enlist_cli_print_safe (stdout, _("SASL:          "), *mechs != '\0' ? mechs : _("none offered"));
  if (cli->fetch_form && form != NULL)
    {
      guint n_fields;
      const char *kind = describe_form (form, &n_fields);
      /* Translators: the kind of form ("data-form", "legacy", … not
       * translated) and how many fields it has */
      g_autofree char *line = g_strdup_printf (ngettext ("%s, %u field", "%s, %u fields", n_fields),
                                               kind, n_fields);

      enlist_cli_print_safe (stdout, _("Form:          "), line);
    }
  else if (cli->fetch_form)
    enlist_cli_print_safe (stdout, _("Form:          "),
                           enlist_server_info_get_form_error (info)->message);
  printf ("%s", _("Timings (ms):  "));
  for (guint i = 0; i < n_phases; i++)
    printf ("%s%s %.1f", i > 0 ? ", " : "", phases[i].name, ms (phases[i].value));
  if (cli->fetch_form)
    printf (", form %.1f", ms (t->form));
  printf ("\n");
}

/* --save-pin: the certificate this run accepted because of --pin is
 * trusted for the domain from now on (the manager's trust store, shared
 * with the application). */
static gboolean
save_pin (EnlistCli         *cli,
          EnlistServerInfo  *info,
          gboolean          *saved,
          GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  *saved = FALSE;
  if (g_strcmp0 (enlist_server_info_get_trust_reason (info), "pinned") != 0)
    return TRUE;   /* trusted without a pin: nothing to remember */

  enlist_account_manager_trust_certificate_async (cli->manager,
                                                  enlist_server_info_get_domain (info),
                                                  enlist_server_info_get_certificate (info),
                                                  cli->cancellable, enlist_cli_store_result,
                                                  &result);
  *saved = enlist_account_manager_trust_certificate_finish (cli->manager,
                                                            enlist_cli_wait (cli, &result), error);
  return *saved;
}

int
enlist_cli_probe (int    argc,
                  char **argv)
{
  g_auto(EnlistCli) cli = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(EnlistServerInfo) info = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gboolean pin_saved = FALSE;
  const GOptionEntry entries[] = {
    { "fetch-form", 0, 0, G_OPTION_ARG_NONE, &cli.fetch_form,
      N_("Also ask for the registration form and report what came back"), NULL },
    { "save-pin", 0, 0, G_OPTION_ARG_NONE, &cli.save_pin,
      N_("Remember the certificate accepted with --pin for DOMAIN (for later runs and the app)"),
      NULL },
    { NULL }
  };

  context = enlist_cli_option_context (&cli, _("DOMAIN — connect, secure the connection and show "
                                               "what the server offers"),
                                       entries,
                                       ENLIST_CLI_OPTIONS_ENDPOINT | ENLIST_CLI_OPTIONS_PIPELINING);
  if (!enlist_cli_parse_options (context, "probe", 1, _("expected one DOMAIN"), &argc, &argv))
    return ENLIST_EXIT_USAGE;
  if (!enlist_cli_setup (&cli, &error))
    return enlist_cli_report_setup_error ("probe", error);

  registration = enlist_cli_create_registration (&cli, argv[1]);
  enlist_registration_probe_async (registration,
                                   cli.fetch_form ? ENLIST_PROBE_FETCH_FORM : ENLIST_PROBE_NONE,
                                   cli.cancellable, enlist_cli_store_result, &result);
  info = enlist_registration_probe_finish (registration, enlist_cli_wait (&cli, &result), &error);
  if (info == NULL)
    return enlist_cli_report_error (cli.json, "probe", error);
  if (cli.save_pin && !save_pin (&cli, info, &pin_saved, &error))
    return enlist_cli_report_error (cli.json, "probe", error);

  {
    const EnlistServerTimings *t = enlist_server_info_get_timings (info);
    const Phase phases[] = {
      { "resolve", t->resolve }, { "tcp", t->tcp }, { "starttls", t->starttls },
      { "tls", t->tls }, { "features", t->features }, { "total", t->total },
    };

    if (cli.json)
      probe_print_json (&cli, info, pin_saved, phases, G_N_ELEMENTS (phases));
    else
      probe_print_text (&cli, info, pin_saved, phases, G_N_ELEMENTS (phases));
  }
  return ENLIST_EXIT_OK;
}

/* login */

static void
login_print (EnlistCli        *cli,
             EnlistServerInfo *info)
{
  if (cli->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      const EnlistServerTimings *t = enlist_server_info_get_timings (info);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, TRUE);
      enlist_cli_json_add_string (b, "jid", enlist_server_info_get_jid (info));
      enlist_cli_json_add_string (b, "mechanism", enlist_server_info_get_mechanism (info));
      json_builder_set_member_name (b, "timings_ms");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "connect");
      json_builder_add_double_value (b, ms (t->total));
      json_builder_set_member_name (b, "sasl");
      json_builder_add_double_value (b, ms (t->sasl));
      json_builder_set_member_name (b, "bind");
      json_builder_add_double_value (b, ms (t->bind));
      json_builder_end_object (b);
      enlist_cli_json_add_elapsed (cli, b);
      json_builder_end_object (b);
      enlist_cli_print_json (b);
    }
  else
    {
      g_autofree char *line = g_strdup_printf (_("Logged in as %s with %s."),
                                               enlist_server_info_get_jid (info),
                                               enlist_server_info_get_mechanism (info));
      enlist_cli_print_safe (stdout, "", line);
    }
}

int
enlist_cli_login (int    argc,
                  char **argv)
{
  g_auto(EnlistCli) cli = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(EnlistServerInfo) info = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *jid = NULL;
  g_autofree char *username = NULL;
  g_autofree char *domain = NULL;
  char *password;
  const GOptionEntry entries[] = {
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &cli.password_file,
      N_("Read the password from the first line of FILE (default: standard input)"), N_("FILE") },
    { NULL }
  };

  context = enlist_cli_option_context (&cli, _("JID — log in (SASL and resource binding), then "
                                               "disconnect"),
                                       entries,
                                       ENLIST_CLI_OPTIONS_ENDPOINT | ENLIST_CLI_OPTIONS_PIPELINING);
  if (!enlist_cli_parse_options (context, "login", 1, _("expected one JID"), &argc, &argv))
    return ENLIST_EXIT_USAGE;

  jid = enlist_cli_parse_account_jid (argv[1], &username, &domain, &error);
  if (jid == NULL)
    return enlist_cli_report_setup_error ("login", error);

  if (cli.password_file != NULL)
    password = enlist_cli_read_password_file (cli.password_file, &error);
  else
    password = enlist_cli_read_secret (STDIN_FILENO, _("Password: "), &error);
  if (password == NULL)
    {
      enlist_cli_print_safe (stderr, "enlist-cli login: ", error->message);
      return ENLIST_EXIT_USAGE;
    }

  if (!enlist_cli_setup (&cli, &error))
    {
      enlist_secret_free (password);
      return enlist_cli_report_setup_error ("login", error);
    }

  registration = enlist_cli_create_registration (&cli, domain);
  enlist_cli_flow_start (&cli);
  enlist_registration_login_async (registration, username, password, cli.cancellable,
                                   enlist_cli_store_result, &result);
  /* the service keeps its own copy while it needs one */
  enlist_secret_free (password);
  enlist_cli_wait (&cli, &result);
  enlist_cli_flow_finish (&cli);
  info = enlist_registration_login_finish (registration, result, &error);
  if (info == NULL)
    return enlist_cli_report_error (cli.json, "login", error);
  login_print (&cli, info);
  return ENLIST_EXIT_OK;
}
