/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-cli.c: the headless front end: the same engine as the application,
 * driven from a terminal or a script. */
#define G_LOG_DOMAIN "enlist-cli"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>

#include "enlist-certificate.h"
#include "enlist-cli.h"
#include "enlist-connection.h"
#include "enlist-error.h"
#include "enlist-text.h"
#include "enlist-trace.h"

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

  GMainLoop        *loop;
  GCancellable     *cancellable;
  EnlistConnection *connection;
  GError           *error;
  int               exit_code;
  gint64            started;
  char             *password;
  char             *username;
  /* probe --fetch-form */
  gboolean          fetch_form;
  guint             outstanding;
  GError           *connect_error;
  EnlistXmlNode    *form_reply;
  GError           *form_error;
  gint64            form_usec;
} Cli;

static void
cli_clear (Cli *cli)
{
  g_clear_pointer (&cli->host, g_free);
  g_clear_pointer (&cli->ca_file, g_free);
  g_clear_pointer (&cli->pins, g_strfreev);
  g_clear_pointer (&cli->password_file, g_free);
  g_clear_pointer (&cli->loop, g_main_loop_unref);
  g_clear_object (&cli->cancellable);
  g_clear_object (&cli->connection);
  g_clear_error (&cli->error);
  g_clear_pointer (&cli->username, g_free);
  g_clear_error (&cli->connect_error);
  g_clear_error (&cli->form_error);
  g_clear_pointer (&cli->form_reply, enlist_xml_node_free);
  if (cli->password != NULL)
    {
      explicit_bzero (cli->password, strlen (cli->password));
      g_clear_pointer (&cli->password, g_free);
    }
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

static GOptionGroup *
connection_group (Cli *cli)
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

  group = g_option_group_new ("connection", _("Connection options:"),
                              _("Show connection options"), NULL, NULL);
  g_option_group_add_entries (group, entries);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  return group;
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
      return ENLIST_EXIT_REFUSED;
    case ENLIST_ERROR_PROTOCOL:
    case ENLIST_ERROR_LIMIT_EXCEEDED:
    case ENLIST_ERROR_TIMEOUT:
      return ENLIST_EXIT_PROTOCOL;
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
setup_connection (Cli         *cli,
                  const char  *domain,
                  GError     **error)
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

  cli->connection = enlist_connection_new (domain);
  if (cli->host != NULL)
    enlist_connection_set_endpoint (cli->connection, cli->host, (guint16) cli->port, cli->direct_tls);
  else if (cli->direct_tls)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--direct-tls needs --host (otherwise DNS decides)"));
      return FALSE;
    }
  if (cli->ca_file != NULL
      && !enlist_connection_set_ca_file (cli->connection, cli->ca_file, error))
    {
      g_prefix_error (error, _("Cannot read the CA file %s: "), cli->ca_file);
      return FALSE;
    }
  for (guint i = 0; cli->pins && cli->pins[i]; i++)
    enlist_connection_add_pinned_fingerprint (cli->connection, cli->pins[i]);
  if (cli->timeout_s > 0)
    enlist_connection_set_timeout (cli->connection, (guint) cli->timeout_s * 1000);
  if (cli->no_pipelining)
    enlist_connection_set_pipelining (cli->connection, FALSE);

  cli->cancellable = g_cancellable_new ();
  cli->loop = g_main_loop_new (NULL, FALSE);
  return TRUE;
}

static int
run_loop (Cli *cli)
{
  guint sigint = g_unix_signal_add (SIGINT, on_signal, cli);
  guint sigterm = g_unix_signal_add (SIGTERM, on_signal, cli);

  g_main_loop_run (cli->loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  return cli->exit_code;
}

static void
close_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Cli *cli = user_data;

  enlist_connection_close_finish (ENLIST_CONNECTION (source), result, NULL);
  g_main_loop_quit (cli->loop);
}

static void
finish (Cli *cli)
{
  enlist_connection_close_async (cli->connection, NULL, close_cb, cli);
}

static const char *
tls_version_name (GTlsProtocolVersion version)
{
  switch (version)
    {
    case G_TLS_PROTOCOL_VERSION_TLS_1_0: return "TLS 1.0";
    case G_TLS_PROTOCOL_VERSION_TLS_1_1: return "TLS 1.1";
    case G_TLS_PROTOCOL_VERSION_TLS_1_2: return "TLS 1.2";
    case G_TLS_PROTOCOL_VERSION_TLS_1_3: return "TLS 1.3";
    case G_TLS_PROTOCOL_VERSION_SSL_3_0: return "SSL 3.0";
    case G_TLS_PROTOCOL_VERSION_DTLS_1_0: return "DTLS 1.0";
    case G_TLS_PROTOCOL_VERSION_DTLS_1_2: return "DTLS 1.2";
    case G_TLS_PROTOCOL_VERSION_UNKNOWN:
    default: return "unknown";
    }
}

/* ---------------------------------------------------------------------- */
/* probe                                                                   */

static double
ms (gint64 usec)
{
  return usec / 1000.0;
}

/* What kind of registration form the reply to the request holds, and how many
 * fields: a data form (XEP-0004) wins over the legacy fields beside it. */
static const char *
describe_form (const EnlistXmlNode *reply,
               guint               *n_fields)
{
  const EnlistXmlNode *query = enlist_xml_node_get_child (reply, "query", "jabber:iq:register");
  const EnlistXmlNode *form = query ? enlist_xml_node_get_child (query, "x", "jabber:x:data") : NULL;
  static const char * const not_fields[] = { "instructions", "registered", "x", "data", NULL };

  *n_fields = 0;
  if (query == NULL)
    return "none";
  if (enlist_xml_node_get_child (query, "registered", NULL) != NULL)
    return "already-registered";
  if (form != NULL)
    {
      for (guint i = 0; i < form->children->len; i++)
        if (enlist_xml_node_is (g_ptr_array_index (form->children, i), "field", "jabber:x:data"))
          (*n_fields)++;
      return "data-form";
    }
  for (guint i = 0; i < query->children->len; i++)
    {
      const EnlistXmlNode *child = g_ptr_array_index (query->children, i);
      if (g_str_equal (child->ns, "jabber:iq:register") && !g_strv_contains (not_fields, child->name))
        (*n_fields)++;
    }
  return *n_fields > 0 ? "legacy" : "none";
}

static void
probe_print (Cli *cli)
{
  EnlistConnection *c = cli->connection;
  const EnlistConnectionTimings *t = enlist_connection_get_timings (c);
  GTlsCertificate *certificate = enlist_connection_get_peer_certificate (c);
  g_autofree char *ciphersuite = enlist_connection_dup_tls_ciphersuite (c);
  const char * const *mechanisms = enlist_connection_get_mechanisms (c);
  gboolean can_register = enlist_connection_has_feature (c, "register", "http://jabber.org/features/iq-register");
  gboolean ibr_token = enlist_connection_has_feature (c, "register", "urn:xmpp:ibr-token:0");
  gboolean invite = enlist_connection_has_feature (c, "register", "urn:xmpp:invite");
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
      json_builder_add_string_value (b, enlist_connection_get_domain (c));
      json_builder_set_member_name (b, "endpoint");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "host");
      json_builder_add_string_value (b, enlist_connection_get_host (c));
      json_builder_set_member_name (b, "port");
      json_builder_add_int_value (b, enlist_connection_get_port (c));
      json_builder_set_member_name (b, "direct_tls");
      json_builder_add_boolean_value (b, enlist_connection_get_direct_tls (c));
      json_builder_end_object (b);
      json_builder_set_member_name (b, "pipelined");
      json_builder_add_boolean_value (b, enlist_connection_get_pipelined (c));
      json_builder_set_member_name (b, "tls");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "version");
      json_builder_add_string_value (b, tls_version_name (enlist_connection_get_tls_version (c)));
      json_builder_set_member_name (b, "ciphersuite");
      json_builder_add_string_value (b, ciphersuite);
      json_builder_set_member_name (b, "trusted_by");
      json_builder_add_string_value (b, enlist_connection_get_trust_reason (c));
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
          if (cli->form_reply != NULL)
            {
              guint n_fields;
              json_builder_set_member_name (b, "kind");
              json_builder_add_string_value (b, describe_form (cli->form_reply, &n_fields));
              json_builder_set_member_name (b, "fields");
              json_builder_add_int_value (b, n_fields);
            }
          else
            add_error_member (b, cli->form_error);
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
          json_builder_add_double_value (b, ms (cli->form_usec));
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
      print_json (b);
      return;
    }

  {
    g_autofree char *mechs = g_strjoinv (" ", (char **) mechanisms);
    g_autofree char *endpoint = g_strdup_printf ("%s port %u (%s%s)", enlist_connection_get_host (c),
                                                 enlist_connection_get_port (c),
                                                 enlist_connection_get_direct_tls (c) ? "direct TLS" : "STARTTLS",
                                                 enlist_connection_get_pipelined (c) ? ", pipelined" : "");
    g_autofree char *tls = g_strdup_printf ("%s, %s (trusted by: %s)",
                                            tls_version_name (enlist_connection_get_tls_version (c)),
                                            ciphersuite,
                                            enlist_connection_get_trust_reason (c));

    print_safe (stdout, _("Server:        "), enlist_connection_get_domain (c));
    print_safe (stdout, _("Endpoint:      "), endpoint);
    print_safe (stdout, _("TLS:           "), tls);
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
    if (cli->fetch_form && cli->form_reply != NULL)
      {
        guint n_fields;
        const char *kind = describe_form (cli->form_reply, &n_fields);
        g_autofree char *line = g_strdup_printf (_("%s, %u fields"), kind, n_fields);
        print_safe (stdout, _("Form:          "), line);
      }
    else if (cli->fetch_form)
      print_safe (stdout, _("Form:          "), cli->form_error->message);
    printf ("%s", _("Timings (ms):  "));
    for (guint i = 0; i < G_N_ELEMENTS (phases); i++)
      printf ("%s%s %.1f", i ? ", " : "", phases[i].name, ms (phases[i].value));
    if (cli->fetch_form)
      printf (", form %.1f", ms (cli->form_usec));
    printf ("\n");
  }
}

static void
probe_done (Cli *cli)
{
  if (--cli->outstanding > 0)
    return;

  if (cli->connect_error != NULL)
    {
      cli->exit_code = report_error (cli, "probe", cli->connect_error);
      g_main_loop_quit (cli->loop);
      return;
    }

  probe_print (cli);
  cli->exit_code = ENLIST_EXIT_OK;
  finish (cli);
}

static void
probe_connect_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Cli *cli = user_data;

  enlist_connection_connect_finish (ENLIST_CONNECTION (source), result, &cli->connect_error);
  probe_done (cli);
}

static void
probe_form_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Cli *cli = user_data;

  cli->form_reply = enlist_connection_send_iq_finish (ENLIST_CONNECTION (source), result, NULL,
                                                      &cli->form_error);
  cli->form_usec = g_get_monotonic_time () - cli->started;
  probe_done (cli);
}


static int
cmd_probe (int    argc,
           char **argv)
{
  g_auto(Cli) cli = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "fetch-form", 0, 0, G_OPTION_ARG_NONE, &cli.fetch_form,
      N_("Also ask for the registration form and report what came back"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("DOMAIN — connect, secure the connection and show what the server offers"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_group (context, connection_group (&cli));
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    {
      fprintf (stderr, "enlist-cli probe: %s\n", error ? error->message : _("expected one DOMAIN"));
      return ENLIST_EXIT_USAGE;
    }

  if (!setup_connection (&cli, argv[1], &error))
    {
      fprintf (stderr, "enlist-cli probe: %s\n", error->message);
      return error->domain == G_OPTION_ERROR ? ENLIST_EXIT_USAGE : ENLIST_EXIT_FAILED;
    }

  cli.started = g_get_monotonic_time ();
  cli.outstanding = 1;
  enlist_connection_connect_async (cli.connection, cli.cancellable, probe_connect_cb, &cli);
  if (cli.fetch_form)
    {
      /* queued now, so it travels in the same flight as the secured stream's
       * header: the engine never sends it before TLS */
      EnlistXmlNode *iq = enlist_xml_node_new ("iq", ENLIST_NS_CLIENT);

      enlist_xml_node_set_attr (iq, "type", "get");
      enlist_xml_node_add_child (iq, "query", "jabber:iq:register");
      cli.outstanding++;
      enlist_connection_send_iq_async (cli.connection, iq, 0, cli.cancellable, probe_form_cb, &cli);
    }
  return run_loop (&cli);
}

/* ---------------------------------------------------------------------- */
/* login                                                                   */

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
login_auth_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr(GError) error = NULL;
  EnlistConnection *c = ENLIST_CONNECTION (source);

  if (!enlist_connection_authenticate_finish (c, result, &error))
    {
      cli->exit_code = report_error (cli, "login", error);
      finish (cli);
      return;
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      const EnlistConnectionTimings *t = enlist_connection_get_timings (c);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_set_member_name (b, "jid");
      json_builder_add_string_value (b, enlist_connection_get_jid (c));
      json_builder_set_member_name (b, "mechanism");
      json_builder_add_string_value (b, enlist_connection_get_mechanism_used (c));
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
                                               enlist_connection_get_jid (c),
                                               enlist_connection_get_mechanism_used (c));
      print_safe (stdout, "", line);
    }
  cli->exit_code = ENLIST_EXIT_OK;
  finish (cli);
}

static void
login_connect_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr(GError) error = NULL;

  if (!enlist_connection_connect_finish (ENLIST_CONNECTION (source), result, &error))
    {
      cli->exit_code = report_error (cli, "login", error);
      g_main_loop_quit (cli->loop);
      return;
    }

  enlist_connection_authenticate_async (cli->connection, cli->username, cli->password,
                                        cli->cancellable, login_auth_cb, cli);
  /* the SASL object keeps its own copy, wiped when done */
  explicit_bzero (cli->password, strlen (cli->password));
  g_clear_pointer (&cli->password, g_free);
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
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    {
      fprintf (stderr, "enlist-cli login: %s\n", error ? error->message : _("expected one JID"));
      return ENLIST_EXIT_USAGE;
    }

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

  if (!setup_connection (&cli, domain, &error))
    {
      fprintf (stderr, "enlist-cli login: %s\n", error->message);
      return error->domain == G_OPTION_ERROR ? ENLIST_EXIT_USAGE : ENLIST_EXIT_FAILED;
    }

  enlist_connection_connect_async (cli.connection, cli.cancellable, login_connect_cb, &cli);
  return run_loop (&cli);
}

/* ---------------------------------------------------------------------- */

static void
usage (FILE *stream)
{
  fprintf (stream, "%s",
           _("Usage: enlist-cli COMMAND [OPTIONS…]\n"
             "\n"
             "Commands:\n"
             "  probe DOMAIN   Connect, secure the connection and show what the server offers\n"
             "  login JID      Log in with a password from standard input or --password-file\n"
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

  fprintf (stderr, _("enlist-cli: unknown command “%s”\n\n"), argv[1]);
  usage (stderr);
  return ENLIST_EXIT_USAGE;
}
