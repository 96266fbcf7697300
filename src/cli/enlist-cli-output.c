/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-cli-output.c: what enlist-cli prints, and the exit status each
 * error means. Anything a server may have written (names, forms, error
 * texts) goes through enlist_cli_print_safe or into JSON strings, which
 * json-glib escapes; never straight to a terminal. */
#define G_LOG_DOMAIN "enlist-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-certificate.h"
#include "enlist-cli.h"
#include "enlist-cli-output.h"
#include "enlist-error.h"
#include "enlist-text.h"

char *
enlist_cli_format_safe (const char *prefix,
                        const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *clean = enlist_text_neutralize (lines[i], -1);

      g_string_append_printf (out, "%s%s\n", i == 0 ? (prefix != NULL ? prefix : "") : "  ",
                              clean);
    }
  return g_string_free (out, FALSE);
}

void
enlist_cli_print_safe (FILE       *stream,
                       const char *prefix,
                       const char *text)
{
  g_autofree char *out = enlist_cli_format_safe (prefix, text);

  fputs (out, stream);
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
    case ENLIST_ERROR_MALFORMED_FORM:
      return ENLIST_EXIT_PROTOCOL;
    case ENLIST_ERROR_INVALID_INVITE:
    case ENLIST_ERROR_INVALID_VALUE:
    case ENLIST_ERROR_MISSING_REQUIRED:
    case ENLIST_ERROR_INVALID_JID:
      return ENLIST_EXIT_USAGE;
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

const char *
enlist_cli_exit_kind (int exit_code)
{
  switch (exit_code)
    {
    case ENLIST_EXIT_USAGE: return "usage";
    case ENLIST_EXIT_CONNECTION: return "connection";
    case ENLIST_EXIT_TLS: return "tls";
    case ENLIST_EXIT_AUTH: return "authentication";
    case ENLIST_EXIT_REFUSED: return "refused";
    case ENLIST_EXIT_PROTOCOL: return "protocol";
    case ENLIST_EXIT_NOT_SAVED: return "not-saved";
    case ENLIST_EXIT_CANCELLED: return "cancelled";
    default: return "failed";
    }
}

void
enlist_cli_json_add_string (JsonBuilder *builder,
                            const char  *name,
                            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
enlist_cli_json_add_certificate (JsonBuilder     *builder,
                                 GTlsCertificate *certificate)
{
  g_autofree char *subject = g_tls_certificate_get_subject_name (certificate);
  g_autofree char *issuer = g_tls_certificate_get_issuer_name (certificate);
  g_autofree char *fingerprint = enlist_certificate_get_fingerprint (certificate);
  g_autoptr(GDateTime) not_before = g_tls_certificate_get_not_valid_before (certificate);
  g_autoptr(GDateTime) not_after = g_tls_certificate_get_not_valid_after (certificate);
  g_autofree char *before = not_before != NULL ? g_date_time_format_iso8601 (not_before) : NULL;
  g_autofree char *after = not_after != NULL ? g_date_time_format_iso8601 (not_after) : NULL;

  json_builder_begin_object (builder);
  enlist_cli_json_add_string (builder, "subject", subject);
  enlist_cli_json_add_string (builder, "issuer", issuer);
  enlist_cli_json_add_string (builder, "not_before", before);
  enlist_cli_json_add_string (builder, "not_after", after);
  enlist_cli_json_add_string (builder, "sha256", fingerprint);
  json_builder_end_object (builder);
}

static void
begin_error_member (JsonBuilder *builder,
                    const char  *message,
                    int          exit_code)
{
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  enlist_cli_json_add_string (builder, "message", message);
  enlist_cli_json_add_string (builder, "kind", enlist_cli_exit_kind (exit_code));
  json_builder_set_member_name (builder, "exit_code");
  json_builder_add_int_value (builder, exit_code);
}

void
enlist_cli_json_add_problem (JsonBuilder *builder,
                             const char  *message,
                             int          exit_code)
{
  begin_error_member (builder, message, exit_code);
  json_builder_end_object (builder);
}

void
enlist_cli_json_add_error (JsonBuilder  *builder,
                           const GError *error)
{
  GTlsCertificate *certificate = enlist_error_get_certificate (error);
  const char *condition = enlist_error_get_condition (error);
  const char *server_text = enlist_error_get_server_text (error);

  begin_error_member (builder, error->message, enlist_cli_exit_code_for_error (error));
  if (condition != NULL)
    enlist_cli_json_add_string (builder, "condition", condition);
  if (server_text != NULL)
    enlist_cli_json_add_string (builder, "server_text", server_text);
  if (certificate != NULL)
    {
      GTlsCertificateFlags flags = enlist_error_get_certificate_flags (error);
      g_autofree char *problems = enlist_certificate_flags_to_string (flags);

      json_builder_set_member_name (builder, "certificate");
      enlist_cli_json_add_certificate (builder, certificate);
      enlist_cli_json_add_string (builder, "certificate_problems", problems);
    }
  json_builder_end_object (builder);
}

JsonNode *
enlist_cli_json_failure (const GError       *error,
                         const char * const *missing)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ok");
  json_builder_add_boolean_value (builder, FALSE);
  enlist_cli_json_add_error (builder, error);
  if (missing != NULL)
    {
      json_builder_set_member_name (builder, "missing");
      json_builder_begin_array (builder);
      for (guint i = 0; missing[i] != NULL; i++)
        json_builder_add_string_value (builder, missing[i]);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

char *
enlist_cli_json_to_string (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  return g_strconcat (text, "\n", NULL);
}

void
enlist_cli_print_json (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = enlist_cli_json_to_string (root);

  fputs (text, stdout);
}

char *
enlist_cli_format_error (const char   *verb,
                         const GError *error)
{
  const char *server_text = enlist_error_get_server_text (error);
  const char *condition = enlist_error_get_condition (error);
  g_autofree char *prefix = g_strdup_printf ("enlist-cli %s: ", verb);
  g_autofree char *message = NULL;
  GString *out = g_string_new (NULL);

  /* our own messages may quote server-provided names: neutralised too */
  message = enlist_cli_format_safe (prefix, error->message);
  g_string_append (out, message);
  if (condition != NULL)
    {
      g_autofree char *line = enlist_cli_format_safe (_("  XMPP condition: "), condition);
      g_string_append (out, line);
    }
  if (server_text != NULL)
    {
      g_autofree char *line = enlist_cli_format_safe (_("  The server said: "), server_text);
      g_string_append (out, line);
    }
  if (g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_CERTIFICATE))
    g_string_append_printf (out, "%s\n",
                            _("  To trust this certificate anyway, check the fingerprint with the "
                              "server’s administrator and pass it with --pin."));
  return g_string_free (out, FALSE);
}

int
enlist_cli_report_missing (gboolean            json,
                           const char         *verb,
                           const GError       *error,
                           const char * const *missing)
{
  if (json)
    {
      g_autoptr(JsonNode) root = enlist_cli_json_failure (error, missing);
      g_autofree char *text = enlist_cli_json_to_string (root);

      fputs (text, stdout);
    }
  else
    {
      g_autofree char *text = enlist_cli_format_error (verb, error);

      fputs (text, stderr);
    }
  return enlist_cli_exit_code_for_error (error);
}

int
enlist_cli_report_error (gboolean      json,
                         const char   *verb,
                         const GError *error)
{
  return enlist_cli_report_missing (json, verb, error, NULL);
}

int
enlist_cli_report_setup_error (const char   *verb,
                               const GError *error)
{
  g_autofree char *prefix = g_strdup_printf ("enlist-cli %s: ", verb);

  enlist_cli_print_safe (stderr, prefix, error->message);
  return error->domain == G_OPTION_ERROR ? ENLIST_EXIT_USAGE : ENLIST_EXIT_FAILED;
}

void
enlist_cli_print_field_details (FILE            *stream,
                                EnlistFormField *field,
                                const char      *indent)
{
  const char *desc = enlist_form_field_get_description (field);
  guint n_options = enlist_form_field_get_n_options (field);
  g_autofree char *option_indent = g_strconcat (indent, "  ", NULL);

  if (desc != NULL)
    enlist_cli_print_safe (stream, indent, desc);
  for (guint i = 0; i < n_options; i++)
    {
      const char *value = enlist_form_field_get_option_value (field, i);
      const char *label = enlist_form_field_get_option_label (field, i);
      g_autofree char *line = label != NULL && g_strcmp0 (label, value) != 0
                              ? g_strdup_printf ("%u) %s (%s)", i + 1, label, value)
                              : g_strdup_printf ("%u) %s", i + 1, value != NULL ? value : "");

      enlist_cli_print_safe (stream, option_indent, line);
    }
}
