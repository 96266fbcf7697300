/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-cli.c: the headless front end: the same engine as the application,
 * driven from a terminal or a script. */
#define G_LOG_DOMAIN "enlist-cli"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "enlist-certificate.h"
#include "enlist-cli.h"
#include "enlist-data-form.h"
#include "enlist-error.h"
#include "enlist-keyring.h"
#include "enlist-registration.h"
#include "enlist-text.h"
#include "enlist-trace.h"
#include "enlist-trust-store.h"

#define MAX_PASSWORD_LENGTH 1024

typedef struct
{
  /* common options */
  char      *host;
  gint       port;
  gboolean   direct_tls;
  char      *ca_file;
  char     **pins;
  gint       timeout_s;
  gboolean   json;
  gboolean   trace;
  gboolean   no_pipelining;
  /* login */
  char      *password_file;

  GCancellable     *cancellable;
  GError           *error;
  char             *password;
  char             *username;
  /* probe --fetch-form */
  gboolean          fetch_form;
  gboolean          save_pin;
  gboolean          pin_saved;
  /* register, passwd, delete */
  char            **fields;
  char             *captcha_image_out;
  char             *captcha_command;
  char             *invite;
  gboolean          no_verify;
  gboolean          save;
  char             *new_password_file;
  gboolean          yes;
  char             *temp_image;
} Cli;

static void
cli_clear (Cli *cli)
{
  g_clear_pointer (&cli->host, g_free);
  g_clear_pointer (&cli->ca_file, g_free);
  g_clear_pointer (&cli->pins, g_strfreev);
  g_clear_pointer (&cli->password_file, g_free);
  g_clear_object (&cli->cancellable);
  g_clear_error (&cli->error);
  g_clear_pointer (&cli->username, g_free);
  g_clear_pointer (&cli->fields, g_strfreev);
  g_clear_pointer (&cli->captcha_image_out, g_free);
  g_clear_pointer (&cli->captcha_command, g_free);
  g_clear_pointer (&cli->invite, g_free);
  g_clear_pointer (&cli->new_password_file, g_free);
  if (cli->temp_image != NULL)
    {
      g_unlink (cli->temp_image);
      g_clear_pointer (&cli->temp_image, g_free);
    }
  g_clear_pointer (&cli->password, enlist_secret_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Cli, cli_clear)

static const GOptionEntry connection_entries[] = {
  { "host", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Connect to HOST instead of looking up the domain"), N_("HOST") },
  { "port", 0, 0, G_OPTION_ARG_INT, NULL, N_("Port to connect to (with --host)"), N_("PORT") },
  { "direct-tls", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Use TLS from the first byte (XEP-0368) instead of STARTTLS"), NULL },
  { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Also trust the certificate authorities in FILE (PEM)"), N_("FILE") },
  { "pin", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL, N_("Trust the certificate with this SHA-256 fingerprint"), N_("FINGERPRINT") },
  { "timeout", 0, 0, G_OPTION_ARG_INT, NULL, N_("Seconds to wait for each step (default 20)"), N_("SECONDS") },
  { "json", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print one JSON object"), NULL },
  { "trace", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the XML exchanged to standard error, secrets redacted"), NULL },
  { "no-pipelining", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Wait for each answer before the next step"), NULL },
  { NULL }
};

/* The registration service opens its own connections, always pipelined:
 * its verbs leave --no-pipelining out. */
static GOptionGroup *
connection_group_full (Cli      *cli,
                       gboolean  pipelining_option)
{
  GOptionGroup *group;
  GOptionEntry entries[G_N_ELEMENTS (connection_entries)];

  memcpy (entries, connection_entries, sizeof entries);
  entries[0].arg_data = &cli->host;
  entries[1].arg_data = &cli->port;
  entries[2].arg_data = &cli->direct_tls;
  entries[3].arg_data = &cli->ca_file;
  entries[4].arg_data = &cli->pins;
  entries[5].arg_data = &cli->timeout_s;
  entries[6].arg_data = &cli->json;
  entries[7].arg_data = &cli->trace;
  entries[8].arg_data = &cli->no_pipelining;
  if (!pipelining_option)
    memset (&entries[8], 0, sizeof entries[8]);

  group = g_option_group_new ("connection", _("Connection options:"),
                              _("Show connection options"), NULL, NULL);
  g_option_group_add_entries (group, entries);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  return group;
}

static GOptionGroup *
connection_group (Cli *cli)
{
  return connection_group_full (cli, TRUE);
}

/* ---------------------------------------------------------------------- */
/* Output                                                                  */

/* Prints text that may have come from the server: neutralised first, line
 * by line, continuation lines indented under the first. */
static void
print_safe (FILE       *stream,
            const char *prefix,
            const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text ? text : "", "\n", -1);

  for (guint i = 0; lines[i]; i++)
    {
      g_autofree char *clean = enlist_text_neutralize (lines[i], -1);
      fprintf (stream, "%s%s\n", i == 0 ? prefix : "  ", clean);
    }
}

int
enlist_cli_exit_code_for_error (const GError *error)
{
  if (error == NULL)
    return ENLIST_EXIT_OK;
  if (error->domain == G_IO_ERROR && error->code == G_IO_ERROR_CANCELLED)
    return ENLIST_EXIT_CANCELLED;
  if (error->domain == G_RESOLVER_ERROR)
    return ENLIST_EXIT_CONNECTION;
  if (error->domain == G_TLS_ERROR)
    return ENLIST_EXIT_TLS;
  if (error->domain == G_OPTION_ERROR)
    return ENLIST_EXIT_USAGE;
  if (error->domain != ENLIST_ERROR)
    return ENLIST_EXIT_FAILED;

  switch ((EnlistError) error->code)
    {
    case ENLIST_ERROR_DNS:
    case ENLIST_ERROR_CONNECT:
    case ENLIST_ERROR_CONNECTION_CLOSED:
      return ENLIST_EXIT_CONNECTION;
    case ENLIST_ERROR_TLS_UNAVAILABLE:
    case ENLIST_ERROR_TLS_FAILED:
    case ENLIST_ERROR_CERTIFICATE:
      return ENLIST_EXIT_TLS;
    case ENLIST_ERROR_AUTH_FAILED:
    case ENLIST_ERROR_AUTH_UNAVAILABLE:
    case ENLIST_ERROR_SASL:
      return ENLIST_EXIT_AUTH;
    case ENLIST_ERROR_STANZA:
    case ENLIST_ERROR_STREAM:
    case ENLIST_ERROR_NOT_SUPPORTED:
    case ENLIST_ERROR_ALREADY_REGISTERED:
    case ENLIST_ERROR_WEB_ONLY:
      return ENLIST_EXIT_REFUSED;
    case ENLIST_ERROR_PROTOCOL:
    case ENLIST_ERROR_LIMIT_EXCEEDED:
    case ENLIST_ERROR_TIMEOUT:
      return ENLIST_EXIT_PROTOCOL;
    case ENLIST_ERROR_INVALID_INVITE:
    case ENLIST_ERROR_INVALID_VALUE:
    case ENLIST_ERROR_MISSING_REQUIRED:
    case ENLIST_ERROR_INVALID_JID:
      return ENLIST_EXIT_USAGE;
    case ENLIST_ERROR_MALFORMED_FORM:
      return ENLIST_EXIT_PROTOCOL;
    case ENLIST_ERROR_CAPTCHA_RENEWED:
    case ENLIST_ERROR_FORM_RENEWED:
      /* with the server's condition: a refusal that came with a fresh form */
      return enlist_error_get_condition (error) != NULL ? ENLIST_EXIT_REFUSED : ENLIST_EXIT_FAILED;
    case ENLIST_ERROR_OUTCOME_UNKNOWN:
    case ENLIST_ERROR_KEYRING_UNAVAILABLE:
    case ENLIST_ERROR_KEYRING_LOCKED:
    case ENLIST_ERROR_NOT_FOUND:
    case ENLIST_ERROR_KEYRING_FAILED:
    case ENLIST_ERROR_ACCOUNT_FILE:
    case ENLIST_ERROR_FAILED:
    default:
      return ENLIST_EXIT_FAILED;
    }
}

static const char *
error_kind (const GError *error)
{
  switch (enlist_cli_exit_code_for_error (error))
    {
    case ENLIST_EXIT_USAGE: return "usage";
    case ENLIST_EXIT_CONNECTION: return "connection";
    case ENLIST_EXIT_TLS: return "tls";
    case ENLIST_EXIT_AUTH: return "authentication";
    case ENLIST_EXIT_REFUSED: return "refused";
    case ENLIST_EXIT_PROTOCOL: return "protocol";
    case ENLIST_EXIT_CANCELLED: return "cancelled";
    default: return "failed";
    }
}

static void
add_certificate (JsonBuilder     *builder,
                 GTlsCertificate *certificate)
{
  g_autofree char *subject = g_tls_certificate_get_subject_name (certificate);
  g_autofree char *issuer = g_tls_certificate_get_issuer_name (certificate);
  g_autofree char *fingerprint = enlist_certificate_get_fingerprint (certificate);
  g_autoptr(GDateTime) not_before = g_tls_certificate_get_not_valid_before (certificate);
  g_autoptr(GDateTime) not_after = g_tls_certificate_get_not_valid_after (certificate);
  g_autofree char *before = not_before ? g_date_time_format_iso8601 (not_before) : NULL;
  g_autofree char *after = not_after ? g_date_time_format_iso8601 (not_after) : NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "subject");
  json_builder_add_string_value (builder, subject);
  json_builder_set_member_name (builder, "issuer");
  json_builder_add_string_value (builder, issuer);
  json_builder_set_member_name (builder, "not_before");
  json_builder_add_string_value (builder, before);
  json_builder_set_member_name (builder, "not_after");
  json_builder_add_string_value (builder, after);
  json_builder_set_member_name (builder, "sha256");
  json_builder_add_string_value (builder, fingerprint);
  json_builder_end_object (builder);
}

static void
print_json (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
}

static void
add_error_member (JsonBuilder  *builder,
                  const GError *error)
{
  GTlsCertificate *certificate = enlist_error_get_certificate (error);
  const char *condition = enlist_error_get_condition (error);
  const char *server_text = enlist_error_get_server_text (error);

  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, error->message);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, error_kind (error));
  json_builder_set_member_name (builder, "exit_code");
  json_builder_add_int_value (builder, enlist_cli_exit_code_for_error (error));
  if (condition != NULL)
    {
      json_builder_set_member_name (builder, "condition");
      json_builder_add_string_value (builder, condition);
    }
  if (server_text != NULL)
    {
      json_builder_set_member_name (builder, "server_text");
      json_builder_add_string_value (builder, server_text);
    }
  if (certificate != NULL)
    {
      g_autofree char *flags = enlist_certificate_flags_to_string (enlist_error_get_certificate_flags (error));
      json_builder_set_member_name (builder, "certificate");
      add_certificate (builder, certificate);
      json_builder_set_member_name (builder, "certificate_problems");
      json_builder_add_string_value (builder, flags);
    }
  json_builder_end_object (builder);
}

static int
report_error (Cli          *cli,
              const char   *verb,
              const GError *error)
{
  int code = enlist_cli_exit_code_for_error (error);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, FALSE);
      add_error_member (builder, error);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    {
      const char *server_text = enlist_error_get_server_text (error);
      const char *condition = enlist_error_get_condition (error);
      g_autofree char *prefix = g_strdup_printf ("enlist-cli %s: ", verb);

      /* our own messages may quote server-provided names: neutralise too */
      print_safe (stderr, prefix, error->message);
      if (condition != NULL)
        print_safe (stderr, _("  XMPP condition: "), condition);
      if (server_text != NULL)
        print_safe (stderr, _("  The server said: "), server_text);
      if (g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_CERTIFICATE))
        fprintf (stderr, "%s\n", _("  To trust this certificate anyway, check the fingerprint with the "
                                   "server’s administrator and pass it with --pin."));
    }
  return code;
}

/* ---------------------------------------------------------------------- */
/* Plumbing                                                                */

static gboolean
on_signal (gpointer user_data)
{
  Cli *cli = user_data;

  g_cancellable_cancel (cli->cancellable);
  return G_SOURCE_CONTINUE;
}

static gboolean
check_endpoint (Cli     *cli,
                GError **error)
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
  return TRUE;
}

/* Parses a verb's options; on a bad option, or unless exactly one operand
 * is left, says so on stderr and returns FALSE. */
static gboolean
parse_verb_options (GOptionContext  *context,
                    const char      *verb,
                    const char      *operand_missing,
                    int             *argc,
                    char          ***argv)
{
  g_autoptr(GError) error = NULL;

  if (g_option_context_parse (context, argc, argv, &error) && *argc == 2)
    return TRUE;
  fprintf (stderr, "enlist-cli %s: %s\n", verb, error ? error->message : operand_missing);
  return FALSE;
}

/* A verb could not be set up (bad option values, an unreadable CA file). */
static int
report_setup_error (const char   *verb,
                    const GError *error)
{
  fprintf (stderr, "enlist-cli %s: %s\n", verb, error->message);
  return error->domain == G_OPTION_ERROR ? ENLIST_EXIT_USAGE : ENLIST_EXIT_FAILED;
}

/* Fingerprints pinned for domain in the trust store shared with the app
 * (`probe --pin FP --save-pin` adds one); a store that cannot be read is
 * reported and otherwise ignored. */
static GStrv
stored_pins (const char *domain)
{
  g_autoptr(EnlistTrustStore) store = enlist_trust_store_new (NULL);
  g_autoptr(GError) error = NULL;
  GStrv pins = enlist_trust_store_get_pins (store, domain, &error);

  if (pins == NULL)
    {
      g_autofree char *line = g_strdup_printf (_("warning: pinned certificates not read: %s"),
                                               error->message);
      print_safe (stderr, "enlist-cli: ", line);
    }
  return pins;
}

static EnlistRegistration *setup_registration (Cli           *cli,
                                               const char    *domain,
                                               GError       **error);
static void                store_result       (GObject       *source,
                                               GAsyncResult  *result,
                                               gpointer       user_data);
static GAsyncResult       *wait_for_result    (Cli           *cli,
                                               GAsyncResult **slot);

/* ---------------------------------------------------------------------- */
/* probe                                                                   */

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

static void
probe_print (Cli              *cli,
             EnlistServerInfo *info)
{
  const EnlistServerTimings *t = enlist_server_info_get_timings (info);
  GTlsCertificate *certificate = enlist_server_info_get_certificate (info);
  const char *ciphersuite = enlist_server_info_get_ciphersuite (info);
  const char * const *mechanisms = enlist_server_info_get_mechanisms (info);
  gboolean can_register = enlist_server_info_get_registration (info);
  gboolean ibr_token = enlist_server_info_get_ibr_token (info);
  gboolean invite = enlist_server_info_get_invite (info);
  EnlistDataForm *form = enlist_server_info_get_form (info);
  const GError *form_error = enlist_server_info_get_form_error (info);
  const struct { const char *name; gint64 value; } phases[] = {
    { "resolve", t->resolve }, { "tcp", t->tcp }, { "starttls", t->starttls }, { "tls", t->tls },
    { "features", t->features }, { "total", t->total },
  };

  if (cli->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_set_member_name (b, "domain");
      json_builder_add_string_value (b, enlist_server_info_get_domain (info));
      json_builder_set_member_name (b, "endpoint");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "host");
      json_builder_add_string_value (b, enlist_server_info_get_host (info));
      json_builder_set_member_name (b, "port");
      json_builder_add_int_value (b, enlist_server_info_get_port (info));
      json_builder_set_member_name (b, "direct_tls");
      json_builder_add_boolean_value (b, enlist_server_info_get_direct_tls (info));
      json_builder_end_object (b);
      if (cli->save_pin)
        {
          json_builder_set_member_name (b, "pin_saved");
          json_builder_add_boolean_value (b, cli->pin_saved);
        }
      json_builder_set_member_name (b, "pipelined");
      json_builder_add_boolean_value (b, enlist_server_info_get_pipelined (info));
      json_builder_set_member_name (b, "tls");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "version");
      json_builder_add_string_value (b, enlist_server_info_get_tls_version (info));
      json_builder_set_member_name (b, "ciphersuite");
      json_builder_add_string_value (b, ciphersuite);
      json_builder_set_member_name (b, "trusted_by");
      json_builder_add_string_value (b, enlist_server_info_get_trust_reason (info));
      if (certificate != NULL)
        {
          json_builder_set_member_name (b, "certificate");
          add_certificate (b, certificate);
        }
      json_builder_end_object (b);
      json_builder_set_member_name (b, "features");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "register");
      json_builder_add_boolean_value (b, can_register);
      json_builder_set_member_name (b, "ibr_token");
      json_builder_add_boolean_value (b, ibr_token);
      json_builder_set_member_name (b, "invite");
      json_builder_add_boolean_value (b, invite);
      json_builder_set_member_name (b, "mechanisms");
      json_builder_begin_array (b);
      for (guint i = 0; mechanisms[i]; i++)
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
              json_builder_set_member_name (b, "kind");
              json_builder_add_string_value (b, describe_form (form, &n_fields));
              json_builder_set_member_name (b, "fields");
              json_builder_add_int_value (b, n_fields);
            }
          else
            add_error_member (b, form_error);
          json_builder_end_object (b);
        }
      json_builder_set_member_name (b, "timings_ms");
      json_builder_begin_object (b);
      for (guint i = 0; i < G_N_ELEMENTS (phases); i++)
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
      print_json (b);
      return;
    }

  {
    g_autofree char *mechs = g_strjoinv (" ", (char **) mechanisms);
    g_autofree char *endpoint = g_strdup_printf ("%s port %u (%s%s)", enlist_server_info_get_host (info),
                                                 enlist_server_info_get_port (info),
                                                 enlist_server_info_get_direct_tls (info) ? "direct TLS" : "STARTTLS",
                                                 enlist_server_info_get_pipelined (info) ? ", pipelined" : "");
    g_autofree char *tls = g_strdup_printf ("%s, %s (trusted by: %s)",
                                            enlist_server_info_get_tls_version (info),
                                            ciphersuite,
                                            enlist_server_info_get_trust_reason (info));

    print_safe (stdout, _("Server:        "), enlist_server_info_get_domain (info));
    print_safe (stdout, _("Endpoint:      "), endpoint);
    print_safe (stdout, _("TLS:           "), tls);
    if (cli->pin_saved)
      print_safe (stdout, _("Pinned:        "),
                  _("this certificate is now trusted for this domain in later runs"));
    if (certificate != NULL)
      {
        g_autofree char *description = enlist_certificate_describe (certificate);
        g_auto(GStrv) lines = g_strsplit (description, "\n", -1);

        for (guint i = 0; lines[i]; i++)
          print_safe (stdout, i == 0 ? _("Certificate:   ") : "               ", lines[i]);
      }
    printf ("%s%s\n", _("Registration:  "),
            can_register ? _("supported (XEP-0077)") : _("not advertised"));
    if (ibr_token || invite)
      printf ("%s%s\n", _("Invitations:   "),
              ibr_token ? _("supported (urn:xmpp:ibr-token:0)") : _("supported (urn:xmpp:invite)"));
    print_safe (stdout, _("SASL:          "), *mechs ? mechs : _("none offered"));
    if (cli->fetch_form && form != NULL)
      {
        guint n_fields;
        const char *kind = describe_form (form, &n_fields);
        g_autofree char *line = g_strdup_printf (_("%s, %u fields"), kind, n_fields);
        print_safe (stdout, _("Form:          "), line);
      }
    else if (cli->fetch_form)
      print_safe (stdout, _("Form:          "), form_error->message);
    printf ("%s", _("Timings (ms):  "));
    for (guint i = 0; i < G_N_ELEMENTS (phases); i++)
      printf ("%s%s %.1f", i ? ", " : "", phases[i].name, ms (phases[i].value));
    if (cli->fetch_form)
      printf (", form %.1f", ms (t->form));
    printf ("\n");
  }
}

/* --save-pin: the certificate this run accepted because of --pin goes into
 * the trust store for the domain. */
static gboolean
save_pin (Cli               *cli,
          EnlistServerInfo  *info,
          GError           **error)
{
  g_autoptr(EnlistTrustStore) store = NULL;
  g_autofree char *fingerprint = NULL;
  GTlsCertificate *certificate;

  if (g_strcmp0 (enlist_server_info_get_trust_reason (info), "pinned") != 0)
    return TRUE;   /* trusted without a pin: nothing to remember */

  certificate = enlist_server_info_get_certificate (info);
  fingerprint = enlist_certificate_get_fingerprint (certificate);
  store = enlist_trust_store_new (NULL);
  if (!enlist_trust_store_add_pin (store, enlist_server_info_get_domain (info), fingerprint, error))
    return FALSE;
  cli->pin_saved = TRUE;
  return TRUE;
}

static int
cmd_probe (int    argc,
           char **argv)
{
  g_auto(Cli) cli = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistRegistration) reg = NULL;
  g_autoptr(EnlistServerInfo) info = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  const GOptionEntry entries[] = {
    { "fetch-form", 0, 0, G_OPTION_ARG_NONE, &cli.fetch_form,
      N_("Also ask for the registration form and report what came back"), NULL },
    { "save-pin", 0, 0, G_OPTION_ARG_NONE, &cli.save_pin,
      N_("Remember the certificate accepted with --pin for DOMAIN (for later runs and the app)"),
      NULL },
    { NULL }
  };

  context = g_option_context_new (_("DOMAIN — connect, secure the connection and show what the server offers"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_group (context, connection_group (&cli));
  if (!parse_verb_options (context, "probe", _("expected one DOMAIN"), &argc, &argv))
    return ENLIST_EXIT_USAGE;

  reg = setup_registration (&cli, argv[1], &error);
  if (reg == NULL)
    return report_setup_error ("probe", error);
  if (cli.no_pipelining)
    enlist_registration_set_pipelining (reg, FALSE);

  enlist_registration_probe_async (reg, cli.fetch_form ? ENLIST_PROBE_FETCH_FORM : ENLIST_PROBE_NONE,
                                   cli.cancellable, store_result, &result);
  info = enlist_registration_probe_finish (reg, wait_for_result (&cli, &result), &error);
  if (info == NULL)
    return report_error (&cli, "probe", error);
  if (cli.save_pin && !save_pin (&cli, info, &error))
    return report_error (&cli, "probe", error);

  probe_print (&cli, info);
  return ENLIST_EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* login                                                                   */

static struct termios echo_saved;
static volatile sig_atomic_t echo_fd = -1;

static void
restore_echo_and_die (int signum)
{
  if (echo_fd >= 0)
    tcsetattr (echo_fd, TCSAFLUSH, &echo_saved);
  signal (signum, SIG_DFL);
  raise (signum);
}

static void
wipe_and_free (char  *buffer,
               gsize  size)
{
  if (buffer == NULL)
    return;
  explicit_bzero (buffer, size);
  g_free (buffer);
}

/* Reads one line (without its newline) from fd into a buffer that is wiped
 * on every path; with echo off when it is a terminal. */
char *
enlist_cli_read_secret (int          fd,
                        const char  *prompt,
                        GError     **error)
{
  struct sigaction restore_action = { 0 }, old_int, old_term, old_hup, old_quit;
  struct termios saved, quiet;
  gboolean tty = isatty (fd);
  char *buffer = g_malloc0 (MAX_PASSWORD_LENGTH + 1);
  gsize len = 0;

  if (tty)
    {
      fprintf (stderr, "%s", prompt);
      fflush (stderr);
      if (tcgetattr (fd, &saved) == 0)
        {
          /* interrupted while echo is off: give the terminal back first */
          echo_saved = saved;
          echo_fd = fd;
          restore_action.sa_handler = restore_echo_and_die;
          sigemptyset (&restore_action.sa_mask);
          sigaction (SIGINT, &restore_action, &old_int);
          sigaction (SIGTERM, &restore_action, &old_term);
          sigaction (SIGHUP, &restore_action, &old_hup);
          sigaction (SIGQUIT, &restore_action, &old_quit);
          quiet = saved;
          quiet.c_lflag &= ~(ECHO);
          tcsetattr (fd, TCSAFLUSH, &quiet);
        }
      else
        tty = FALSE;
    }

  for (;;)
    {
      char c;
      ssize_t n = read (fd, &c, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0 || c == '\n')
        break;
      if (len == MAX_PASSWORD_LENGTH)
        {
          len = MAX_PASSWORD_LENGTH + 1;
          break;
        }
      buffer[len++] = c;
    }

  if (tty)
    {
      tcsetattr (fd, TCSAFLUSH, &saved);
      echo_fd = -1;
      sigaction (SIGINT, &old_int, NULL);
      sigaction (SIGTERM, &old_term, NULL);
      sigaction (SIGHUP, &old_hup, NULL);
      sigaction (SIGQUIT, &old_quit, NULL);
      fprintf (stderr, "\n");
    }

  if (len > 0 && buffer[len - 1] == '\r')
    buffer[--len] = '\0';

  if (len == 0 || len > MAX_PASSWORD_LENGTH)
    {
      wipe_and_free (buffer, MAX_PASSWORD_LENGTH + 1);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   len == 0 ? _("No password was given.")
                            : _("The password is longer than %d bytes."),
                   MAX_PASSWORD_LENGTH);
      return NULL;
    }
  return buffer;
}

static char *
read_password_file (const char  *path,
                    GError     **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  char *password;

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot open the password file %s: %s"), path, g_strerror (saved));
      return NULL;
    }
  password = enlist_cli_read_secret (fd, "", error);
  close (fd);
  return password;
}

static void
login_print (Cli              *cli,
             EnlistServerInfo *info)
{
  if (cli->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      const EnlistServerTimings *t = enlist_server_info_get_timings (info);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_set_member_name (b, "jid");
      json_builder_add_string_value (b, enlist_server_info_get_jid (info));
      json_builder_set_member_name (b, "mechanism");
      json_builder_add_string_value (b, enlist_server_info_get_mechanism (info));
      json_builder_set_member_name (b, "timings_ms");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "connect");
      json_builder_add_double_value (b, ms (t->total));
      json_builder_set_member_name (b, "sasl");
      json_builder_add_double_value (b, ms (t->sasl));
      json_builder_set_member_name (b, "bind");
      json_builder_add_double_value (b, ms (t->bind));
      json_builder_end_object (b);
      json_builder_end_object (b);
      print_json (b);
    }
  else
    {
      g_autofree char *line = g_strdup_printf (_("Logged in as %s with %s."),
                                               enlist_server_info_get_jid (info),
                                               enlist_server_info_get_mechanism (info));
      print_safe (stdout, "", line);
    }
}

gboolean
enlist_cli_split_jid (const char  *jid,
                      char       **localpart,
                      char       **domain,
                      GError     **error)
{
  const char *at = strchr (jid, '@');
  const char *slash;

  if (at == NULL || at == jid || at[1] == '\0' || strchr (at + 1, '@') != NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is not an address of the form name@server."), jid);
      return FALSE;
    }
  slash = strchr (at + 1, '/');
  *localpart = g_strndup (jid, at - jid);
  *domain = slash ? g_strndup (at + 1, slash - at - 1) : g_strdup (at + 1);
  return TRUE;
}

static int
cmd_login (int    argc,
           char **argv)
{
  g_auto(Cli) cli = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistRegistration) reg = NULL;
  g_autoptr(EnlistServerInfo) info = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *domain = NULL;
  const GOptionEntry entries[] = {
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &cli.password_file,
      N_("Read the password from the first line of FILE (default: standard input)"), N_("FILE") },
    { NULL }
  };

  context = g_option_context_new (_("JID — log in (SASL and resource binding), then disconnect"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_group (context, connection_group (&cli));
  if (!parse_verb_options (context, "login", _("expected one JID"), &argc, &argv))
    return ENLIST_EXIT_USAGE;

  if (!enlist_cli_split_jid (argv[1], &cli.username, &domain, &error))
    {
      fprintf (stderr, "enlist-cli login: %s\n", error->message);
      return ENLIST_EXIT_USAGE;
    }

  if (cli.password_file != NULL)
    cli.password = read_password_file (cli.password_file, &error);
  else
    cli.password = enlist_cli_read_secret (STDIN_FILENO, _("Password: "), &error);
  if (cli.password == NULL)
    {
      fprintf (stderr, "enlist-cli login: %s\n", error->message);
      return ENLIST_EXIT_USAGE;
    }

  reg = setup_registration (&cli, domain, &error);
  if (reg == NULL)
    return report_setup_error ("login", error);
  if (cli.no_pipelining)
    enlist_registration_set_pipelining (reg, FALSE);

  enlist_registration_login_async (reg, cli.username, cli.password, cli.cancellable,
                                   store_result, &result);
  /* the service keeps its own copy while it needs one */
  g_clear_pointer (&cli.password, enlist_secret_free);
  info = enlist_registration_login_finish (reg, wait_for_result (&cli, &result), &error);
  if (info == NULL)
    return report_error (&cli, "login", error);
  login_print (&cli, info);
  return ENLIST_EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* Account verbs: form, register, passwd, delete                           */

#define MAX_LINE_LENGTH ENLIST_DATA_FORM_MAX_TEXT
#define MAX_CAPTCHA_ATTEMPTS 3

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

/* Runs the main loop until slot is filled; SIGINT and SIGTERM cancel. */
static GAsyncResult *
wait_for_result (Cli           *cli,
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

static EnlistRegistration *
setup_registration (Cli         *cli,
                    const char  *domain,
                    GError     **error)
{
  g_autoptr(EnlistRegistration) reg = NULL;

  if (!check_endpoint (cli, error))
    return NULL;

  reg = enlist_registration_new (domain);
  if (cli->host != NULL)
    enlist_registration_set_endpoint (reg, cli->host, (guint16) cli->port, cli->direct_tls);
  if (cli->ca_file != NULL && !enlist_registration_set_ca_file (reg, cli->ca_file, error))
    {
      g_prefix_error (error, _("Cannot read the CA file %s: "), cli->ca_file);
      return NULL;
    }
  for (guint i = 0; cli->pins && cli->pins[i]; i++)
    enlist_registration_add_pinned_fingerprint (reg, cli->pins[i]);
  {
    g_auto(GStrv) stored = stored_pins (domain);

    for (guint i = 0; stored && stored[i]; i++)
      enlist_registration_add_pinned_fingerprint (reg, stored[i]);
  }
  if (cli->timeout_s > 0)
    enlist_registration_set_timeout (reg, (guint) cli->timeout_s * 1000);

  cli->cancellable = g_cancellable_new ();
  return g_steal_pointer (&reg);
}

/* Closes the connection the service kept open for submit, politely. */
static void
close_registration (Cli                *cli,
                    EnlistRegistration *reg)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_registration_close_async (reg, NULL, store_result, &result);
  enlist_registration_close_finish (reg, wait_for_result (cli, &result), NULL);
}

static EnlistDataForm *
fetch_form_sync (Cli                *cli,
                 EnlistRegistration *reg,
                 GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_registration_fetch_form_async (reg, cli->cancellable, store_result, &result);
  return enlist_registration_fetch_form_finish (reg, wait_for_result (cli, &result), error);
}

static gboolean
is_multi (EnlistFormField *field)
{
  switch (enlist_form_field_get_field_type (field))
    {
    case ENLIST_FIELD_TYPE_JID_MULTI:
    case ENLIST_FIELD_TYPE_LIST_MULTI:
    case ENLIST_FIELD_TYPE_TEXT_MULTI:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Fields a person fills in (not hidden, not fixed). */
static gboolean
is_input (EnlistFormField *field)
{
  EnlistFieldType type = enlist_form_field_get_field_type (field);

  return type != ENLIST_FIELD_TYPE_HIDDEN && type != ENLIST_FIELD_TYPE_FIXED;
}

static gboolean
is_empty (EnlistFormField *field)
{
  const char *value = enlist_form_field_get_value (field);

  return value == NULL || *value == '\0';
}

/* ---- printing a form ----------------------------------------------------- */

static void
add_string_member (JsonBuilder *b,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_field_json (JsonBuilder     *b,
                EnlistFormField *field)
{
  guint n_options = enlist_form_field_get_n_options (field);
  guint n_uris = enlist_form_field_get_n_media_uris (field);

  json_builder_begin_object (b);
  add_string_member (b, "var", enlist_form_field_get_var (field));
  add_string_member (b, "type", enlist_field_type_to_string (enlist_form_field_get_field_type (field)));
  add_string_member (b, "label", enlist_form_field_get_label (field));
  add_string_member (b, "desc", enlist_form_field_get_description (field));
  json_builder_set_member_name (b, "required");
  json_builder_add_boolean_value (b, enlist_form_field_is_required (field));
  if (!enlist_form_field_is_secret (field))
    {
      const char * const *values = enlist_form_field_get_values (field);

      json_builder_set_member_name (b, "values");
      json_builder_begin_array (b);
      for (guint i = 0; values[i]; i++)
        json_builder_add_string_value (b, values[i]);
      json_builder_end_array (b);
    }
  if (n_options > 0)
    {
      json_builder_set_member_name (b, "options");
      json_builder_begin_array (b);
      for (guint i = 0; i < n_options; i++)
        {
          json_builder_begin_object (b);
          add_string_member (b, "value", enlist_form_field_get_option_value (field, i));
          add_string_member (b, "label", enlist_form_field_get_option_label (field, i));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  if (n_uris > 0)
    {
      json_builder_set_member_name (b, "media");
      json_builder_begin_array (b);
      for (guint i = 0; i < n_uris; i++)
        {
          const char *type = NULL;
          const char *uri = enlist_form_field_get_media_uri (field, i, &type);

          json_builder_begin_object (b);
          add_string_member (b, "uri", uri);
          add_string_member (b, "type", type);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
}

static void
add_form_json (JsonBuilder    *b,
               EnlistDataForm *form)
{
  const char * const *instructions = enlist_data_form_get_instructions (form);
  EnlistFormField *captcha = enlist_data_form_get_captcha_field (form);
  guint n_fields = enlist_data_form_get_n_fields (form);

  add_string_member (b, "origin", enlist_data_form_get_origin (form) == ENLIST_FORM_ORIGIN_LEGACY
                                  ? "legacy" : "data-form");
  add_string_member (b, "title", enlist_data_form_get_title (form));
  json_builder_set_member_name (b, "instructions");
  json_builder_begin_array (b);
  for (guint i = 0; instructions[i]; i++)
    json_builder_add_string_value (b, instructions[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "registered");
  json_builder_add_boolean_value (b, enlist_data_form_is_registered (form));
  add_string_member (b, "oob_url", enlist_data_form_get_oob_url (form));
  json_builder_set_member_name (b, "captcha");
  if (enlist_data_form_is_captcha (form))
    {
      json_builder_begin_object (b);
      add_string_member (b, "field", captcha ? enlist_form_field_get_var (captcha) : NULL);
      add_string_member (b, "fallback_url", enlist_data_form_get_captcha_fallback_url (form));
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "fields");
  json_builder_begin_array (b);
  for (guint i = 0; i < n_fields; i++)
    add_field_json (b, enlist_data_form_get_field (form, i));
  json_builder_end_array (b);
}

static void
print_field_details (FILE            *stream,
                     EnlistFormField *field,
                     const char      *indent)
{
  const char *desc = enlist_form_field_get_description (field);
  guint n_options = enlist_form_field_get_n_options (field);

  if (desc != NULL)
    print_safe (stream, indent, desc);
  for (guint i = 0; i < n_options; i++)
    {
      const char *value = enlist_form_field_get_option_value (field, i);
      const char *label = enlist_form_field_get_option_label (field, i);
      g_autofree char *line = label && g_strcmp0 (label, value) != 0
                              ? g_strdup_printf ("%u) %s (%s)", i + 1, label, value)
                              : g_strdup_printf ("%u) %s", i + 1, value ? value : "");
      g_autofree char *prefix = g_strconcat (indent, "  ", NULL);

      print_safe (stream, prefix, line);
    }
}

static void
print_form (EnlistDataForm *form)
{
  const char * const *instructions = enlist_data_form_get_instructions (form);
  EnlistFormField *captcha = enlist_data_form_get_captcha_field (form);
  const char *oob = enlist_data_form_get_oob_url (form);
  guint n_fields = enlist_data_form_get_n_fields (form);

  if (enlist_data_form_get_title (form) != NULL)
    print_safe (stdout, _("Title:         "), enlist_data_form_get_title (form));
  for (guint i = 0; instructions[i]; i++)
    print_safe (stdout, _("Instructions:  "), instructions[i]);
  printf ("%s%s\n", _("Form:          "),
          enlist_data_form_get_origin (form) == ENLIST_FORM_ORIGIN_LEGACY
          ? _("legacy fields (XEP-0077)") : _("data form (XEP-0004)"));
  if (enlist_data_form_is_registered (form))
    printf ("%s%s\n", _("Registered:    "), _("yes, the account already exists"));
  if (oob != NULL)
    print_safe (stdout, _("Web page:      "), oob);
  if (enlist_data_form_is_captcha (form))
    {
      const char *fallback = enlist_data_form_get_captcha_fallback_url (form);
      g_autofree char *line = g_strdup_printf (_("yes, answered in the field “%s”"),
                                               captcha ? enlist_form_field_get_var (captcha) : "?");

      print_safe (stdout, _("CAPTCHA:       "), line);
      if (fallback != NULL)
        print_safe (stdout, _("  On the web:  "), fallback);
    }
  printf ("%s\n", _("Fields:"));
  for (guint i = 0; i < n_fields; i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (form, i);
      EnlistFieldType type = enlist_form_field_get_field_type (field);
      const char *var = enlist_form_field_get_var (field);
      const char *label = enlist_form_field_get_label (field);
      g_autoptr(GString) line = g_string_new ("");

      if (type == ENLIST_FIELD_TYPE_HIDDEN)
        continue;
      if (type == ENLIST_FIELD_TYPE_FIXED)
        {
          const char * const *values = enlist_form_field_get_values (field);

          for (guint j = 0; values[j]; j++)
            print_safe (stdout, "  ", values[j]);
          continue;
        }
      g_string_append_printf (line, "%s (%s%s)", var ? var : "", enlist_field_type_to_string (type),
                              enlist_form_field_is_required (field) ? _(", required") : "");
      if (label != NULL)
        g_string_append_printf (line, ": %s", label);
      if (!enlist_form_field_is_secret (field) && !is_empty (field))
        g_string_append_printf (line, _(" [default: %s]"), enlist_form_field_get_value (field));
      print_safe (stdout, "  ", line->str);
      print_field_details (stdout, field, "      ");
      for (guint j = 0; j < enlist_form_field_get_n_media_uris (field); j++)
        print_safe (stdout, _("      image: "), enlist_form_field_get_media_uri (field, j, NULL));
    }
}

/* ---- form ------------------------------------------------------------------ */

static int
cmd_form (int    argc,
          char **argv)
{
  g_auto(Cli) cli = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistRegistration) reg = NULL;
  g_autoptr(EnlistDataForm) form = NULL;

  context = g_option_context_new (_("DOMAIN — show the server’s registration form without registering"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_group (context, connection_group_full (&cli, FALSE));
  if (!parse_verb_options (context, "form", _("expected one DOMAIN"), &argc, &argv))
    return ENLIST_EXIT_USAGE;

  reg = setup_registration (&cli, argv[1], &error);
  if (reg == NULL)
    return report_setup_error ("form", error);

  form = fetch_form_sync (&cli, reg, &error);
  close_registration (&cli, reg);
  if (form == NULL)
    return report_error (&cli, "form", error);

  if (cli.json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, TRUE);
      add_string_member (b, "domain", enlist_registration_get_domain (reg));
      add_form_json (b, form);
      json_builder_end_object (b);
      print_json (b);
    }
  else
    {
      print_safe (stdout, _("Server:        "), enlist_registration_get_domain (reg));
      print_form (form);
    }
  return ENLIST_EXIT_OK;
}

/* ---- register ---------------------------------------------------------- */

/* One line from fd, echoed as the terminal does, without its newline; ""
 * for an empty line, an error at the end of the input. */
static char *
read_line (int          fd,
           const char  *prompt,
           GError     **error)
{
  g_autoptr(GString) line = g_string_new (NULL);
  gboolean got_any = FALSE;

  if (isatty (fd))
    {
      fprintf (stderr, "%s", prompt);
      fflush (stderr);
    }
  for (;;)
    {
      char c;
      ssize_t n = read (fd, &c, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Cannot read standard input: %s"), g_strerror (saved));
          return NULL;
        }
      if (n == 0 && !got_any)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s",
                       _("The input ended before an answer was given."));
          return NULL;
        }
      if (n == 0 || c == '\n')
        break;
      got_any = TRUE;
      if (line->len >= MAX_LINE_LENGTH)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("The answer is longer than %d bytes."), MAX_LINE_LENGTH);
          return NULL;
        }
      g_string_append_c (line, c);
    }
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);
  if (!g_utf8_validate (line->str, line->len, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s",
                   _("The answer is not valid UTF-8."));
      return NULL;
    }
  return g_string_free (g_steal_pointer (&line), FALSE);
}

/* The values of --field VAR=@FILE: the first line, or for fields with
 * several values every non-empty line. Secrets go through the wiped buffer. */
static char **
read_field_file (const char  *path,
                 gboolean     secret,
                 gboolean     multi,
                 GError     **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  gsize length;

  if (secret)
    {
      char **values = g_new0 (char *, 2);

      values[0] = read_password_file (path, error);
      if (values[0] == NULL)
        {
          g_free (values);
          return NULL;
        }
      return values;
    }

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  if (!g_utf8_validate (contents, length, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s is not valid UTF-8."), path);
      return NULL;
    }
  lines = g_strsplit (contents, "\n", -1);
  builder = g_strv_builder_new ();
  for (guint i = 0; lines[i]; i++)
    {
      gsize len = strlen (lines[i]);

      if (len > 0 && lines[i][len - 1] == '\r')
        lines[i][len - 1] = '\0';
      if (!multi)
        {
          g_strv_builder_add (builder, lines[i]);
          break;
        }
      if (*lines[i] != '\0')
        g_strv_builder_add (builder, lines[i]);
    }
  return g_strv_builder_end (builder);
}

/* --field VAR=VALUE and VAR=@FILE. Several --field for a field with several
 * values add up; otherwise the last one wins. */
static gboolean
apply_field_options (Cli             *cli,
                     EnlistDataForm  *form,
                     GError         **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; cli->fields && cli->fields[i]; i++)
    {
      const char *arg = cli->fields[i];
      const char *eq = strchr (arg, '=');
      g_autofree char *var = NULL;
      EnlistFormField *field;
      char **values = NULL;
      gboolean secret;

      if (eq == NULL || eq == arg)
        {
          /* never quote the argument: it may be a password */
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s",
                       _("--field expects VAR=VALUE or VAR=@FILE."));
          return FALSE;
        }
      var = g_strndup (arg, eq - arg);
      field = enlist_data_form_lookup_field (form, var);
      if (field == NULL || !is_input (field))
        {
          g_autofree char *message = g_strdup_printf (_("warning: the form has no field “%s” to fill in; "
                                                        "ignoring that --field."), var);
          print_safe (stderr, "enlist-cli register: ", message);
          continue;
        }

      secret = enlist_form_field_is_secret (field);
      if (eq[1] == '@')
        {
          values = read_field_file (eq + 2, secret, is_multi (field), error);
          if (values == NULL)
            {
              g_prefix_error (error, _("--field %s: "), var);
              return FALSE;
            }
        }
      else if (secret)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("“%s” is a secret field: a value on the command line can be seen by "
                         "other users. Give it as --field %s=@FILE, or leave it out to be asked."),
                       var, var);
          return FALSE;
        }
      else
        {
          values = g_new0 (char *, 2);
          values[0] = g_strdup (eq + 1);
        }

      if (is_multi (field) && g_hash_table_contains (seen, var))
        {
          g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
          g_auto(GStrv) joined = NULL;

          g_strv_builder_addv (builder, (const char **) enlist_form_field_get_values (field));
          g_strv_builder_addv (builder, (const char **) values);
          joined = g_strv_builder_end (builder);
          enlist_form_field_set_values (field, (const char * const *) joined);
        }
      else
        enlist_form_field_set_values (field, (const char * const *) values);
      g_hash_table_add (seen, g_steal_pointer (&var));
      enlist_secret_strv_free (values);
    }
  return TRUE;
}

static gboolean
parse_boolean_answer (const char *answer,
                      gboolean   *value)
{
  static const char * const yes[] = { "y", "yes", "1", "true", NULL };
  static const char * const no[] = { "n", "no", "0", "false", "", NULL };
  g_autofree char *folded = g_ascii_strdown (answer, -1);

  g_strstrip (folded);
  if (g_strv_contains (yes, folded))
    *value = TRUE;
  else if (g_strv_contains (no, folded))
    *value = FALSE;
  else
    return FALSE;
  return TRUE;
}

/* An option's number, or the text as typed. */
static const char *
option_from_answer (EnlistFormField *field,
                    const char      *answer)
{
  guint64 n;

  if (g_ascii_string_to_unsigned (answer, 10, 1, enlist_form_field_get_n_options (field), &n, NULL))
    return enlist_form_field_get_option_value (field, (guint) n - 1);
  return answer;
}

/* Asks for one field on the terminal until it validates (three tries). */
static gboolean
prompt_field (EnlistFormField  *field,
              GError          **error)
{
  EnlistFieldType type = enlist_form_field_get_field_type (field);
  gboolean required = enlist_form_field_is_required (field);
  g_autofree char *name = enlist_text_neutralize (enlist_form_field_get_display_name (field), -1);
  g_autoptr(GError) problem = NULL;

  fprintf (stderr, "\n");
  print_field_details (stderr, field, "");
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      g_autofree char *prompt = NULL;

      if (problem != NULL)
        print_safe (stderr, "", problem->message);
      g_clear_error (&problem);

      if (enlist_form_field_is_secret (field))
        {
          g_autofree char *again_prompt = g_strdup_printf (_("%s (again): "), name);
          char *first, *again;

          prompt = g_strdup_printf ("%s: ", name);
          first = enlist_cli_read_secret (STDIN_FILENO, prompt, error);
          if (first == NULL)
            return FALSE;
          again = enlist_cli_read_secret (STDIN_FILENO, again_prompt, error);
          if (again == NULL)
            {
              enlist_secret_free (first);
              return FALSE;
            }
          if (!g_str_equal (first, again))
            g_set_error (&problem, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s",
                         _("The two entries differ."));
          else
            enlist_form_field_set_value (field, first);
          enlist_secret_free (first);
          enlist_secret_free (again);
          if (problem != NULL)
            continue;
        }
      else
        {
          g_autofree char *answer = NULL;

          if (type == ENLIST_FIELD_TYPE_BOOLEAN)
            prompt = g_strdup_printf ("%s [y/N]: ", name);
          else if (!required)
            prompt = g_strdup_printf (_("%s (optional, Enter to skip): "), name);
          else
            prompt = g_strdup_printf ("%s: ", name);
          answer = read_line (STDIN_FILENO, prompt, error);
          if (answer == NULL)
            return FALSE;

          if (type == ENLIST_FIELD_TYPE_BOOLEAN)
            {
              gboolean value;

              if (!parse_boolean_answer (answer, &value))
                {
                  g_set_error (&problem, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s",
                               _("Answer y or n."));
                  continue;
                }
              enlist_form_field_set_boolean (field, value);
            }
          else if (type == ENLIST_FIELD_TYPE_LIST_MULTI)
            {
              g_auto(GStrv) words = g_strsplit_set (answer, " ,", -1);
              g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
              g_auto(GStrv) values = NULL;

              for (guint i = 0; words[i]; i++)
                if (*words[i] != '\0')
                  g_strv_builder_add (builder, option_from_answer (field, words[i]));
              values = g_strv_builder_end (builder);
              enlist_form_field_set_values (field, (const char * const *) values);
            }
          else if (type == ENLIST_FIELD_TYPE_LIST_SINGLE)
            enlist_form_field_set_value (field, *answer ? option_from_answer (field, answer) : NULL);
          else
            enlist_form_field_set_value (field, *answer ? answer : NULL);
        }

      if (enlist_form_field_validate (field, &problem))
        return TRUE;
    }

  g_propagate_error (error, g_steal_pointer (&problem));
  return FALSE;
}

static const char *
image_extension (const char *mime_type)
{
  if (g_strcmp0 (mime_type, "image/jpeg") == 0)
    return "jpg";
  if (g_strcmp0 (mime_type, "image/gif") == 0)
    return "gif";
  return "png";
}

/* Fetches the CAPTCHA image (the service loads it: inline Bits of Binary,
 * BoB over the form's connection, or HTTP) and writes it to
 * --captcha-image-out or a temporary file removed on exit; returns the path. */
static char *
save_captcha_image (Cli                 *cli,
                    EnlistRegistration  *reg,
                    EnlistDataForm      *form,
                    GError             **error)
{
  g_autoptr(EnlistMediaImage) image = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *path;
  GBytes *bytes;

  enlist_registration_load_captcha_async (reg, form, cli->cancellable, store_result, &result);
  image = enlist_registration_load_captcha_finish (reg, wait_for_result (cli, &result), &local_error);
  if (image == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("Cannot load the CAPTCHA image: "));
      return NULL;
    }

  if (cli->captcha_image_out != NULL)
    path = cli->captcha_image_out;
  else
    {
      if (cli->temp_image == NULL)
        {
          g_autofree char *template = g_strdup_printf ("enlist-captcha-XXXXXX.%s",
                                                       image_extension (enlist_media_image_get_mime_type (image)));
          int fd = g_file_open_tmp (template, &cli->temp_image, error);

          if (fd < 0)
            return NULL;
          close (fd);
        }
      path = cli->temp_image;
    }

  bytes = enlist_media_image_get_bytes (image);
  if (!g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    {
      g_prefix_error (error, _("Cannot write the CAPTCHA image: "));
      return NULL;
    }
  return g_strdup (path);
}

/* Runs --captcha-command IMAGE (no shell) and takes the first line it prints. */
static char *
run_captcha_command (Cli         *cli,
                     const char  *image,
                     GError     **error)
{
  const char *argv[] = { cli->captcha_command, image, NULL };
  g_autofree char *out = NULL;
  char *newline;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &out, NULL, &status, error))
    {
      g_prefix_error (error, _("Cannot run the CAPTCHA command: "));
      return NULL;
    }
  if (!g_spawn_check_wait_status (status, error))
    {
      g_prefix_error (error, _("The CAPTCHA command failed: "));
      return NULL;
    }
  newline = strchr (out, '\n');
  if (newline != NULL)
    *newline = '\0';
  g_strstrip (out);
  if (*out == '\0' || !g_utf8_validate (out, -1, NULL))
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_FAILED, "%s",
                   _("The CAPTCHA command printed no answer."));
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* Fills in the CAPTCHA answer, from --captcha-command or the terminal. */
static gboolean
answer_captcha (Cli                 *cli,
                EnlistRegistration  *reg,
                EnlistDataForm      *form,
                gboolean             interactive,
                GError             **error)
{
  EnlistFormField *field = enlist_data_form_get_captcha_field (form);
  g_autofree char *path = NULL;
  g_autofree char *answer = NULL;

  if (field == NULL || !is_empty (field))
    return TRUE;

  if (cli->captcha_command != NULL)
    {
      path = save_captcha_image (cli, reg, form, error);
      if (path == NULL)
        return FALSE;
      answer = run_captcha_command (cli, path, error);
      if (answer == NULL)
        return FALSE;
    }
  else if (interactive)
    {
      const char *fallback = enlist_data_form_get_captcha_fallback_url (form);
      g_autoptr(GError) image_error = NULL;

      fprintf (stderr, "\n%s\n", _("The server asks you to solve a CAPTCHA."));
      print_safe (stderr, "", enlist_form_field_get_display_name (field));
      print_field_details (stderr, field, "  ");
      if (enlist_form_field_get_n_media_uris (field) > 0)
        {
          path = save_captcha_image (cli, reg, form, &image_error);
          if (path != NULL)
            print_safe (stderr, _("The CAPTCHA image is in "), path);
          else
            print_safe (stderr, "", image_error->message);
        }
      if (fallback != NULL)
        print_safe (stderr, _("It can also be answered on the web: "), fallback);
      answer = read_line (STDIN_FILENO, _("Answer: "), error);
      if (answer == NULL)
        return FALSE;
      if (*answer == '\0')
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s",
                       _("No CAPTCHA answer was given."));
          return FALSE;
        }
    }
  else
    return TRUE;

  enlist_form_field_set_value (field, answer);
  return TRUE;
}

/* Fills form: the --field options (first time only), then what is still
 * missing from the terminal, or — secrets only — a line each from standard
 * input, then the CAPTCHA. Without a terminal (or with --json), missing
 * non-secret values are an error whose names go to *missing. */
static gboolean
complete_form (Cli                 *cli,
               EnlistRegistration  *reg,
               EnlistDataForm      *form,
               gboolean             first,
               gboolean             interactive,
               GStrv               *missing,
               GError             **error)
{
  EnlistFormField *captcha = enlist_data_form_get_captcha_field (form);
  guint n_fields = enlist_data_form_get_n_fields (form);

  if (first && !apply_field_options (cli, form, error))
    return FALSE;

  if (!interactive)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) names = NULL;

      for (guint i = 0; i < n_fields; i++)
        {
          EnlistFormField *field = enlist_data_form_get_field (form, i);

          if (is_input (field) && enlist_form_field_is_required (field) && is_empty (field)
              && !enlist_form_field_is_secret (field)
              && (field != captcha || cli->captcha_command == NULL))
            g_strv_builder_add (builder, enlist_form_field_get_var (field));
        }
      names = g_strv_builder_end (builder);
      if (names[0] != NULL)
        {
          g_autofree char *list = g_strjoinv (", ", names);

          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("Values are missing for: %s. Give them with --field VAR=VALUE (and "
                         "--captcha-command for a CAPTCHA), or run in a terminal without --json "
                         "to be asked."), list);
          *missing = g_steal_pointer (&names);
          return FALSE;
        }
    }

  if (interactive && first)
    {
      /* what the server says about its form, before asking anything */
      const char *title = enlist_data_form_get_title (form);
      const char * const *instructions = enlist_data_form_get_instructions (form);

      if (title != NULL && *title != '\0')
        print_safe (stderr, "", title);
      for (guint i = 0; instructions[i]; i++)
        print_safe (stderr, "", instructions[i]);
    }

  for (guint i = 0; i < n_fields; i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (form, i);

      if (!is_input (field) || field == captcha || !is_empty (field))
        continue;
      if (interactive)
        {
          if (!prompt_field (field, error))
            return FALSE;
        }
      else if (enlist_form_field_is_secret (field) && enlist_form_field_is_required (field))
        {
          g_autofree char *name = enlist_text_neutralize (enlist_form_field_get_display_name (field), -1);
          g_autofree char *prompt = g_strdup_printf ("%s: ", name);
          char *secret = enlist_cli_read_secret (STDIN_FILENO, prompt, error);

          if (secret == NULL)
            {
              g_prefix_error (error, _("%s: "), enlist_form_field_get_var (field));
              return FALSE;
            }
          enlist_form_field_set_value (field, secret);
          enlist_secret_free (secret);
        }
    }

  return answer_captcha (cli, reg, form, interactive, error);
}

static int
report_missing (Cli          *cli,
                const GError *error,
                GStrv         missing)
{
  if (!cli->json || missing == NULL)
    return report_error (cli, "register", error);

  {
    g_autoptr(JsonBuilder) b = json_builder_new ();

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "ok");
    json_builder_add_boolean_value (b, FALSE);
    add_error_member (b, error);
    json_builder_set_member_name (b, "missing");
    json_builder_begin_array (b);
    for (guint i = 0; missing[i]; i++)
      json_builder_add_string_value (b, missing[i]);
    json_builder_end_array (b);
    json_builder_end_object (b);
    print_json (b);
  }
  return enlist_cli_exit_code_for_error (error);
}

static gboolean
keyring_store_sync (Cli            *cli,
                    EnlistKeyring  *keyring,
                    const char     *jid,
                    const char     *password,
                    GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_keyring_store_async (keyring, jid, password, cli->cancellable, store_result, &result);
  return enlist_keyring_store_finish (keyring, wait_for_result (cli, &result), error);
}

static int
cmd_register (int    argc,
              char **argv)
{
  g_auto(Cli) cli = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) save_error = NULL;
  g_autoptr(EnlistRegistration) reg = NULL;
  g_autoptr(EnlistDataForm) form = NULL;
  g_auto(GStrv) missing = NULL;
  g_autoptr(EnlistCredentials) credentials = NULL;
  const char *jid;
  gboolean verified;
  gboolean saved = FALSE;
  gboolean interactive;
  const GOptionEntry entries[] = {
    { "field", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cli.fields,
      N_("Fill in the field VAR; VAR=@FILE reads the first line of FILE (the only way for secret fields)"),
      N_("VAR=VALUE") },
    { "captcha-image-out", 0, 0, G_OPTION_ARG_FILENAME, &cli.captcha_image_out,
      N_("Write the CAPTCHA image to PATH (default: a temporary file)"), N_("PATH") },
    { "captcha-command", 0, 0, G_OPTION_ARG_FILENAME, &cli.captcha_command,
      N_("Run CMD with the CAPTCHA image’s path as its argument and use the first line it prints as the answer"),
      N_("CMD") },
    { "invite", 0, 0, G_OPTION_ARG_STRING, &cli.invite,
      N_("Register with the invitation URI (xmpp:DOMAIN?register;preauth=TOKEN)"), N_("URI") },
    { "no-verify", 0, 0, G_OPTION_ARG_NONE, &cli.no_verify,
      N_("Do not log in with the new account to check it"), NULL },
    { "save", 0, 0, G_OPTION_ARG_NONE, &cli.save,
      N_("Store the new account’s password in the keyring"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("DOMAIN — create an account (In-Band Registration)"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_group (context, connection_group_full (&cli, FALSE));
  if (!parse_verb_options (context, "register", _("expected one DOMAIN"), &argc, &argv))
    return ENLIST_EXIT_USAGE;

  reg = setup_registration (&cli, argv[1], &error);
  if (reg == NULL)
    return report_setup_error ("register", error);
  if (cli.invite != NULL && !enlist_registration_set_invite (reg, cli.invite, &error))
    return report_error (&cli, "register", error);
  enlist_registration_set_verify (reg, !cli.no_verify);
  interactive = !cli.json && isatty (STDIN_FILENO);

  form = fetch_form_sync (&cli, reg, &error);
  if (form == NULL)
    return report_error (&cli, "register", error);
  if (!complete_form (&cli, reg, form, TRUE, interactive, &missing, &error))
    {
      close_registration (&cli, reg);
      return report_missing (&cli, error, missing);
    }

  for (guint attempt = 1; ; attempt++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      EnlistDataForm *fresh;
      gboolean renewed;

      enlist_registration_submit_async (reg, form, cli.cancellable, store_result, &result);
      credentials = enlist_registration_submit_finish (reg, wait_for_result (&cli, &result), &error);
      if (credentials != NULL)
        break;

      /* a spent CAPTCHA: the service fetched a fresh one; answer it again
       * when the refusal was about the CAPTCHA (or the connection was lost),
       * not when, say, the name is taken */
      fresh = enlist_registration_get_form (reg);
      renewed = g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_CAPTCHA_RENEWED)
                && fresh != NULL && fresh != form && enlist_data_form_is_captcha (fresh)
                && (enlist_error_get_condition (error) == NULL
                    || g_strcmp0 (enlist_error_get_field (error),
                                  enlist_form_field_get_var (enlist_data_form_get_captcha_field (fresh))) == 0);
      if (!renewed || attempt >= MAX_CAPTCHA_ATTEMPTS || (cli.captcha_command == NULL && !interactive))
        {
          close_registration (&cli, reg);
          return report_error (&cli, "register", error);
        }
      print_safe (stderr, "enlist-cli register: ", error->message);
      fprintf (stderr, "%s\n", _("enlist-cli register: trying again with a new CAPTCHA."));
      g_clear_error (&error);
      g_set_object (&form, fresh);
      if (!complete_form (&cli, reg, form, FALSE, interactive, &missing, &error))
        {
          close_registration (&cli, reg);
          return report_missing (&cli, error, missing);
        }
    }
  close_registration (&cli, reg);

  jid = enlist_credentials_get_address (credentials);
  verified = enlist_credentials_get_verified (credentials);
  if (cli.save)
    {
      const char *password = enlist_credentials_get_password (credentials);
      g_autoptr(EnlistKeyring) keyring = enlist_keyring_new ();

      if (password == NULL || *password == '\0')
        g_set_error (&save_error, ENLIST_ERROR, ENLIST_ERROR_FAILED, "%s",
                     _("The form had no password to save."));
      else if (jid == NULL)
        g_set_error (&save_error, ENLIST_ERROR, ENLIST_ERROR_FAILED, "%s",
                     _("The server did not say the new account’s address."));
      else
        saved = keyring_store_sync (&cli, keyring, jid, password, &save_error);
      if (save_error != NULL)
        g_prefix_error (&save_error, _("The account was created, but its password could not be "
                                       "saved in the keyring: "));
    }

  if (cli.json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, save_error == NULL);
      add_string_member (b, "jid", jid);
      json_builder_set_member_name (b, "verified");
      json_builder_add_boolean_value (b, verified);
      json_builder_set_member_name (b, "saved");
      json_builder_add_boolean_value (b, saved);
      if (save_error != NULL)
        add_error_member (b, save_error);
      json_builder_end_object (b);
      print_json (b);
    }
  else
    {
      g_autofree char *line = g_strdup_printf (verified ? _("Account created: %s (verified by logging in)")
                                                        : _("Account created: %s (not verified)"),
                                               jid != NULL ? jid : _("address not known"));

      print_safe (stdout, "", line);
      if (saved)
        printf ("%s\n", _("The password is saved in the keyring."));
      if (save_error != NULL)
        print_safe (stderr, "enlist-cli register: ", save_error->message);
    }
  return save_error != NULL ? ENLIST_EXIT_FAILED : ENLIST_EXIT_OK;
}

/* ---- passwd, delete ------------------------------------------------------- */

/* Whether the keyring holds a password for jid; no keyring counts as no. */
static gboolean
keyring_contains (Cli           *cli,
                  EnlistKeyring *keyring,
                  const char    *jid)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) jids = NULL;

  enlist_keyring_list_async (keyring, cli->cancellable, store_result, &result);
  jids = enlist_keyring_list_finish (keyring, wait_for_result (cli, &result), &error);
  if (jids == NULL)
    {
      g_debug ("No keyring: %s", error->message);
      return FALSE;
    }
  return g_strv_contains ((const char * const *) jids, jid);
}

/* The current password: --password-file, else the keyring's, else a line
 * from standard input (hidden on a terminal). */
static char *
current_password (Cli            *cli,
                  EnlistKeyring  *keyring,
                  const char     *jid,
                  gboolean        in_keyring,
                  const char     *prompt,
                  GError        **error)
{
  if (cli->password_file != NULL)
    return read_password_file (cli->password_file, error);
  if (in_keyring)
    {
      g_autoptr(GAsyncResult) result = NULL;
      char *password, *copy;

      enlist_keyring_lookup_async (keyring, jid, cli->cancellable, store_result, &result);
      password = enlist_keyring_lookup_finish (keyring, wait_for_result (cli, &result), error);
      if (password == NULL)
        {
          g_prefix_error (error, _("Cannot read the password from the keyring: "));
          return NULL;
        }
      /* in a buffer of the size wipe_and_free expects */
      copy = g_malloc0 (MAX_PASSWORD_LENGTH + 1);
      g_strlcpy (copy, password, MAX_PASSWORD_LENGTH + 1);
      enlist_keyring_password_free (password);
      return copy;
    }
  return enlist_cli_read_secret (STDIN_FILENO, prompt, error);
}

static char *
new_password (Cli     *cli,
              GError **error)
{
  char *first, *again;

  if (cli->new_password_file != NULL)
    return read_password_file (cli->new_password_file, error);

  first = enlist_cli_read_secret (STDIN_FILENO, _("New password: "), error);
  if (first == NULL || !isatty (STDIN_FILENO))
    return first;
  again = enlist_cli_read_secret (STDIN_FILENO, _("New password (again): "), error);
  if (again == NULL)
    {
      wipe_and_free (first, MAX_PASSWORD_LENGTH + 1);
      return NULL;
    }
  if (!g_str_equal (first, again))
    {
      wipe_and_free (first, MAX_PASSWORD_LENGTH + 1);
      wipe_and_free (again, MAX_PASSWORD_LENGTH + 1);
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s",
                   _("The two entries differ."));
      return NULL;
    }
  wipe_and_free (again, MAX_PASSWORD_LENGTH + 1);
  return first;
}

static void
print_account_result (Cli        *cli,
                      const char *jid,
                      const char *keyring_member,
                      gboolean    keyring_done,
                      const char *message)
{
  if (cli->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, TRUE);
      add_string_member (b, "jid", jid);
      json_builder_set_member_name (b, keyring_member);
      json_builder_add_boolean_value (b, keyring_done);
      json_builder_end_object (b);
      print_json (b);
    }
  else
    print_safe (stdout, "", message);
}

/* Reports a failure after the server already did what was asked. */
static int
report_keyring_failure (Cli        *cli,
                        const char *verb,
                        GError     *keyring_error,
                        const char *prefix)
{
  g_autoptr(GError) error = keyring_error;

  g_prefix_error (&error, "%s", prefix);
  return report_error (cli, verb, error);
}

/* Parses the options of passwd and delete; returns the bare JID. */
static char *
parse_account_args (Cli                 *cli,
                    const char          *verb,
                    const char          *summary,
                    const GOptionEntry  *entries,
                    int                 *argc,
                    char              ***argv,
                    char               **username,
                    char               **domain)
{
  g_autoptr(GOptionContext) context = g_option_context_new (summary);
  g_autoptr(GError) error = NULL;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_group (context, connection_group_full (cli, FALSE));
  if (!parse_verb_options (context, verb, _("expected one JID"), argc, argv))
    return NULL;
  if (!enlist_cli_split_jid ((*argv)[1], username, domain, &error))
    {
      fprintf (stderr, "enlist-cli %s: %s\n", verb, error->message);
      return NULL;
    }
  return g_strdup_printf ("%s@%s", *username, *domain);
}

static int
cmd_passwd (int    argc,
            char **argv)
{
  g_auto(Cli) cli = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistRegistration) reg = NULL;
  g_autoptr(EnlistKeyring) keyring = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *jid = NULL;
  char *old_password = NULL;
  char *fresh_password = NULL;
  gboolean in_keyring, changed;
  const GOptionEntry entries[] = {
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &cli.password_file,
      N_("Read the current password from the first line of FILE (default: the keyring, else standard input)"),
      N_("FILE") },
    { "new-password-file", 0, 0, G_OPTION_ARG_FILENAME, &cli.new_password_file,
      N_("Read the new password from the first line of FILE (default: standard input)"), N_("FILE") },
    { NULL }
  };

  jid = parse_account_args (&cli, "passwd", _("JID — change the account’s password on the server"),
                            entries, &argc, &argv, &cli.username, &domain);
  if (jid == NULL)
    return ENLIST_EXIT_USAGE;
  reg = setup_registration (&cli, domain, &error);
  if (reg == NULL)
    return report_setup_error ("passwd", error);

  keyring = enlist_keyring_new ();
  in_keyring = keyring_contains (&cli, keyring, jid);
  old_password = current_password (&cli, keyring, jid, in_keyring, _("Current password: "), &error);
  if (old_password == NULL)
    {
      fprintf (stderr, "enlist-cli passwd: %s\n", error->message);
      return error->domain == ENLIST_ERROR ? ENLIST_EXIT_FAILED : ENLIST_EXIT_USAGE;
    }
  fresh_password = new_password (&cli, &error);
  if (fresh_password == NULL)
    {
      wipe_and_free (old_password, MAX_PASSWORD_LENGTH + 1);
      fprintf (stderr, "enlist-cli passwd: %s\n", error->message);
      return ENLIST_EXIT_USAGE;
    }

  enlist_registration_change_password_async (reg, cli.username, old_password, fresh_password, NULL,
                                             cli.cancellable, store_result, &result);
  wipe_and_free (old_password, MAX_PASSWORD_LENGTH + 1);
  changed = enlist_registration_change_password_finish (reg, wait_for_result (&cli, &result), &error);
  if (!changed)
    {
      wipe_and_free (fresh_password, MAX_PASSWORD_LENGTH + 1);
      return report_error (&cli, "passwd", error);
    }

  /* only now that the server took it */
  if (in_keyring && !keyring_store_sync (&cli, keyring, jid, fresh_password, &error))
    {
      wipe_and_free (fresh_password, MAX_PASSWORD_LENGTH + 1);
      return report_keyring_failure (&cli, "passwd", g_steal_pointer (&error),
                                     _("The password was changed on the server, but the keyring "
                                       "still holds the old one: "));
    }
  wipe_and_free (fresh_password, MAX_PASSWORD_LENGTH + 1);

  {
    g_autofree char *message = g_strdup_printf (in_keyring ? _("Password changed for %s (keyring updated).")
                                                           : _("Password changed for %s."), jid);
    print_account_result (&cli, jid, "keyring_updated", in_keyring, message);
  }
  return ENLIST_EXIT_OK;
}

static int
cmd_delete (int    argc,
            char **argv)
{
  g_auto(Cli) cli = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistRegistration) reg = NULL;
  g_autoptr(EnlistKeyring) keyring = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *jid = NULL;
  char *password = NULL;
  gboolean in_keyring;
  const GOptionEntry entries[] = {
    { "yes", 0, 0, G_OPTION_ARG_NONE, &cli.yes,
      N_("Do not ask for confirmation (needed without a terminal)"), NULL },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &cli.password_file,
      N_("Read the password from the first line of FILE (default: the keyring, else standard input)"),
      N_("FILE") },
    { NULL }
  };

  jid = parse_account_args (&cli, "delete", _("JID — delete the account from the server"),
                            entries, &argc, &argv, &cli.username, &domain);
  if (jid == NULL)
    return ENLIST_EXIT_USAGE;
  reg = setup_registration (&cli, domain, &error);
  if (reg == NULL)
    return report_setup_error ("delete", error);

  if (!cli.yes)
    {
      g_autofree char *prompt = NULL;
      g_autofree char *answer = NULL;
      g_autofree char *clean = NULL;

      if (!isatty (STDIN_FILENO))
        {
          fprintf (stderr, "enlist-cli delete: %s\n",
                   _("Refusing to delete an account without confirmation: pass --yes."));
          return ENLIST_EXIT_USAGE;
        }
      clean = enlist_text_neutralize (jid, -1);
      prompt = g_strdup_printf (_("Delete the account %s and everything the server keeps for it? "
                                  "This cannot be undone. Type “yes” to confirm: "), clean);
      answer = read_line (STDIN_FILENO, prompt, &error);
      if (answer == NULL || g_ascii_strcasecmp (g_strstrip (answer), "yes") != 0)
        {
          fprintf (stderr, "enlist-cli delete: %s\n", _("Nothing was deleted."));
          return ENLIST_EXIT_FAILED;
        }
    }

  keyring = enlist_keyring_new ();
  in_keyring = keyring_contains (&cli, keyring, jid);
  password = current_password (&cli, keyring, jid, in_keyring, _("Password: "), &error);
  if (password == NULL)
    {
      fprintf (stderr, "enlist-cli delete: %s\n", error->message);
      return error->domain == ENLIST_ERROR ? ENLIST_EXIT_FAILED : ENLIST_EXIT_USAGE;
    }

  enlist_registration_delete_account_async (reg, cli.username, password, cli.cancellable,
                                            store_result, &result);
  wipe_and_free (password, MAX_PASSWORD_LENGTH + 1);
  if (!enlist_registration_delete_account_finish (reg, wait_for_result (&cli, &result), &error))
    return report_error (&cli, "delete", error);

  if (in_keyring)
    {
      g_autoptr(GAsyncResult) cleared = NULL;

      enlist_keyring_clear_async (keyring, jid, cli.cancellable, store_result, &cleared);
      if (!enlist_keyring_clear_finish (keyring, wait_for_result (&cli, &cleared), &error))
        return report_keyring_failure (&cli, "delete", g_steal_pointer (&error),
                                       _("The account was deleted, but its password is still "
                                         "in the keyring: "));
    }

  {
    g_autofree char *message = g_strdup_printf (in_keyring ? _("Account deleted: %s (removed from the keyring).")
                                                           : _("Account deleted: %s."), jid);
    print_account_result (&cli, jid, "keyring_cleared", in_keyring, message);
  }
  return ENLIST_EXIT_OK;
}

/* ---------------------------------------------------------------------- */

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
             "  register DOMAIN  Create an account (--field VAR=VALUE, --captcha-command, …)\n"
             "  passwd JID       Change the password (the current one from the keyring, a file or stdin)\n"
             "  delete JID       Delete the account (asks first unless --yes)\n"
             "\n"
             "Run “enlist-cli COMMAND --help” for a command’s options.\n"
             "\n"
             "Exit status: 0 success, 1 other failure, 2 usage, 3 connection or DNS,\n"
             "4 TLS or certificate, 5 authentication, 6 refused by the server,\n"
             "7 protocol violation or timeout, 130 interrupted.\n"));
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
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "help"))
    {
      usage (stdout);
      return ENLIST_EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      printf ("enlist-cli %s\n", PACKAGE_VERSION);
      return ENLIST_EXIT_OK;
    }
  if (g_str_equal (argv[1], "probe"))
    return cmd_probe (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "login"))
    return cmd_login (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "form"))
    return cmd_form (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "register"))
    return cmd_register (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "passwd"))
    return cmd_passwd (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "delete"))
    return cmd_delete (argc - 1, argv + 1);

  fprintf (stderr, _("enlist-cli: unknown command “%s”\n\n"), argv[1]);
  usage (stderr);
  return ENLIST_EXIT_USAGE;
}
