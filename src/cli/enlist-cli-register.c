/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-cli-register.c: the verbs of signing up: form (show the server's
 * registration form) and register (fill it from --field, the terminal or
 * standard input, answer the CAPTCHA, submit; with --save through the
 * account manager, keyring first). */
#define G_LOG_DOMAIN "enlist-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "enlist-cli.h"
#include "enlist-cli-input.h"
#include "enlist-cli-output.h"
#include "enlist-cli-private.h"
#include "enlist-text.h"

#define MAX_CAPTCHA_ATTEMPTS 3

/* Printing a form */

static void
add_field_json (JsonBuilder     *b,
                EnlistFormField *field)
{
  EnlistFieldType type = enlist_form_field_get_field_type (field);
  guint n_options = enlist_form_field_get_n_options (field);
  guint n_uris = enlist_form_field_get_n_media_uris (field);

  json_builder_begin_object (b);
  enlist_cli_json_add_string (b, "var", enlist_form_field_get_var (field));
  enlist_cli_json_add_string (b, "type", enlist_field_type_to_string (type));
  enlist_cli_json_add_string (b, "label", enlist_form_field_get_label (field));
  enlist_cli_json_add_string (b, "desc", enlist_form_field_get_description (field));
  json_builder_set_member_name (b, "required");
  json_builder_add_boolean_value (b, enlist_form_field_is_required (field));
  if (!enlist_form_field_is_secret (field))
    {
      const char * const *values = enlist_form_field_get_values (field);

      json_builder_set_member_name (b, "values");
      json_builder_begin_array (b);
      for (guint i = 0; values[i] != NULL; i++)
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
          enlist_cli_json_add_string (b, "value", enlist_form_field_get_option_value (field, i));
          enlist_cli_json_add_string (b, "label", enlist_form_field_get_option_label (field, i));
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
          const char *mime_type = NULL;
          const char *uri = enlist_form_field_get_media_uri (field, i, &mime_type);

          json_builder_begin_object (b);
          enlist_cli_json_add_string (b, "uri", uri);
          enlist_cli_json_add_string (b, "type", mime_type);
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

  enlist_cli_json_add_string (b, "origin",
                              enlist_data_form_get_origin (form) == ENLIST_FORM_ORIGIN_LEGACY
                              ? "legacy" : "data-form");
  enlist_cli_json_add_string (b, "title", enlist_data_form_get_title (form));
  json_builder_set_member_name (b, "instructions");
  json_builder_begin_array (b);
  for (guint i = 0; instructions[i] != NULL; i++)
    json_builder_add_string_value (b, instructions[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "registered");
  json_builder_add_boolean_value (b, enlist_data_form_is_registered (form));
  enlist_cli_json_add_string (b, "oob_url", enlist_data_form_get_oob_url (form));
  json_builder_set_member_name (b, "captcha");
  if (enlist_data_form_is_captcha (form))
    {
      json_builder_begin_object (b);
      enlist_cli_json_add_string (b, "field",
                                  captcha != NULL ? enlist_form_field_get_var (captcha) : NULL);
      enlist_cli_json_add_string (b, "fallback_url",
                                  enlist_data_form_get_captcha_fallback_url (form));
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
print_field (EnlistFormField *field)
{
  EnlistFieldType type = enlist_form_field_get_field_type (field);
  const char *var = enlist_form_field_get_var (field);
  const char *label = enlist_form_field_get_label (field);
  g_autoptr(GString) line = g_string_new ("");

  if (type == ENLIST_FIELD_TYPE_HIDDEN)
    return;
  if (type == ENLIST_FIELD_TYPE_FIXED)
    {
      const char * const *values = enlist_form_field_get_values (field);

      for (guint j = 0; values[j] != NULL; j++)
        enlist_cli_print_safe (stdout, "  ", values[j]);
      return;
    }
  g_string_append_printf (line, "%s (%s%s)", var != NULL ? var : "",
                          enlist_field_type_to_string (type),
                          enlist_form_field_is_required (field) ? _(", required") : "");
  if (label != NULL)
    g_string_append_printf (line, ": %s", label);
  if (!enlist_form_field_is_secret (field) && !enlist_cli_field_is_empty (field))
    g_string_append_printf (line, _(" [default: %s]"), enlist_form_field_get_value (field));
  enlist_cli_print_safe (stdout, "  ", line->str);
  enlist_cli_print_field_details (stdout, field, "      ");
  for (guint j = 0; j < enlist_form_field_get_n_media_uris (field); j++)
    enlist_cli_print_safe (stdout, _("      image: "),
                           enlist_form_field_get_media_uri (field, j, NULL));
}

static void
print_form (EnlistDataForm *form)
{
  const char * const *instructions = enlist_data_form_get_instructions (form);
  EnlistFormField *captcha = enlist_data_form_get_captcha_field (form);
  const char *oob = enlist_data_form_get_oob_url (form);
  guint n_fields = enlist_data_form_get_n_fields (form);

  if (enlist_data_form_get_title (form) != NULL)
    enlist_cli_print_safe (stdout, _("Title:         "), enlist_data_form_get_title (form));
  for (guint i = 0; instructions[i] != NULL; i++)
    enlist_cli_print_safe (stdout, _("Instructions:  "), instructions[i]);
  printf ("%s%s\n", _("Form:          "),
          enlist_data_form_get_origin (form) == ENLIST_FORM_ORIGIN_LEGACY
          ? _("legacy fields (XEP-0077)") : _("data form (XEP-0004)"));
  if (enlist_data_form_is_registered (form))
    printf ("%s%s\n", _("Registered:    "), _("yes, the account already exists"));
  if (oob != NULL)
    enlist_cli_print_safe (stdout, _("Web page:      "), oob);
  if (enlist_data_form_is_captcha (form))
    {
      const char *fallback = enlist_data_form_get_captcha_fallback_url (form);
      g_autofree char *line = g_strdup_printf (_("yes, answered in the field “%s”"),
                                               captcha != NULL ? enlist_form_field_get_var (captcha)
                                                               : "?");

      enlist_cli_print_safe (stdout, _("CAPTCHA:       "), line);
      if (fallback != NULL)
        enlist_cli_print_safe (stdout, _("  On the web:  "), fallback);
    }
  printf ("%s\n", _("Fields:"));
  for (guint i = 0; i < n_fields; i++)
    print_field (enlist_data_form_get_field (form, i));
}

static EnlistDataForm *
fetch_form (EnlistCli           *cli,
            EnlistRegistration  *registration,
            GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_registration_fetch_form_async (registration, cli->cancellable, enlist_cli_store_result,
                                        &result);
  return enlist_registration_fetch_form_finish (registration, enlist_cli_wait (cli, &result),
                                                error);
}

int
enlist_cli_form (int    argc,
                 char **argv)
{
  g_auto(EnlistCli) cli = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(EnlistDataForm) form = NULL;

  context = enlist_cli_option_context (&cli, _("DOMAIN — show the server’s registration form "
                                               "without registering"),
                                       NULL, ENLIST_CLI_OPTIONS_ENDPOINT);
  if (!enlist_cli_parse_options (context, "form", 1, _("expected one DOMAIN"), &argc, &argv))
    return ENLIST_EXIT_USAGE;
  if (!enlist_cli_setup (&cli, &error))
    return enlist_cli_report_setup_error ("form", error);

  registration = enlist_cli_create_registration (&cli, argv[1]);
  form = fetch_form (&cli, registration, &error);
  enlist_cli_close_registration (&cli, registration);
  if (form == NULL)
    return enlist_cli_report_error (cli.json, "form", error);

  if (cli.json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, TRUE);
      enlist_cli_json_add_string (b, "domain", enlist_registration_get_domain (registration));
      add_form_json (b, form);
      json_builder_end_object (b);
      enlist_cli_print_json (b);
    }
  else
    {
      enlist_cli_print_safe (stdout, _("Server:        "),
                             enlist_registration_get_domain (registration));
      print_form (form);
    }
  return ENLIST_EXIT_OK;
}

/* The CAPTCHA */

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
save_captcha_image (EnlistCli           *cli,
                    EnlistRegistration  *registration,
                    EnlistDataForm      *form,
                    GError             **error)
{
  g_autoptr(EnlistMediaImage) image = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *path;
  GBytes *bytes;

  enlist_registration_load_captcha_async (registration, form, cli->cancellable,
                                          enlist_cli_store_result, &result);
  image = enlist_registration_load_captcha_finish (registration, enlist_cli_wait (cli, &result),
                                                   &local_error);
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
          const char *mime_type = enlist_media_image_get_mime_type (image);
          g_autofree char *template = g_strdup_printf ("enlist-captcha-XXXXXX.%s",
                                                       image_extension (mime_type));
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

/* Runs --captcha-command (no shell) and takes the first line it prints.
 * Its argument is the image's path, or for a CAPTCHA that is a question
 * without an image (Tigase's "Solve: 3 + 4"), the question; the question
 * is also in $ENLIST_CAPTCHA_QUESTION, and $ENLIST_CAPTCHA_KIND says which
 * ("image" or "question"). */
static char *
run_captcha_command (EnlistCli        *cli,
                     EnlistFormField  *field,
                     const char       *image,
                     GError          **error)
{
  const char *question = enlist_form_field_get_display_name (field);
  const char *argv[] = { cli->captcha_command, image != NULL ? image : question, NULL };
  g_auto(GStrv) envp = g_get_environ ();
  g_autofree char *out = NULL;
  char *newline;
  int status;

  envp = g_environ_setenv (envp, "ENLIST_CAPTCHA_KIND", image != NULL ? "image" : "question",
                           TRUE);
  envp = g_environ_setenv (envp, "ENLIST_CAPTCHA_QUESTION", question, TRUE);
  if (!g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_SEARCH_PATH, NULL, NULL,
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
  if (*out == '\0' || strlen (out) > ENLIST_CLI_MAX_LINE || !g_utf8_validate (out, -1, NULL))
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_FAILED, "%s",
                   _("The CAPTCHA command printed no answer."));
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* Fills in the CAPTCHA answer, from --captcha-command or the terminal. */
static gboolean
answer_captcha (EnlistCli           *cli,
                EnlistRegistration  *registration,
                EnlistDataForm      *form,
                gboolean             interactive,
                GError             **error)
{
  EnlistFormField *field = enlist_data_form_get_captcha_field (form);
  g_autofree char *path = NULL;
  g_autofree char *answer = NULL;

  if (field == NULL || !enlist_cli_field_is_empty (field))
    return TRUE;

  if (cli->captcha_command != NULL)
    {
      /* a question without an image is asked as it is */
      if (enlist_form_field_get_n_media_uris (field) > 0)
        {
          path = save_captcha_image (cli, registration, form, error);
          if (path == NULL)
            return FALSE;
        }
      answer = run_captcha_command (cli, field, path, error);
      if (answer == NULL)
        return FALSE;
    }
  else if (interactive)
    {
      const char *fallback = enlist_data_form_get_captcha_fallback_url (form);
      g_autoptr(GError) image_error = NULL;

      fprintf (stderr, "\n%s\n", _("The server asks you to solve a CAPTCHA."));
      enlist_cli_print_safe (stderr, "", enlist_form_field_get_display_name (field));
      enlist_cli_print_field_details (stderr, field, "  ");
      if (enlist_form_field_get_n_media_uris (field) > 0)
        {
          path = save_captcha_image (cli, registration, form, &image_error);
          if (path != NULL)
            enlist_cli_print_safe (stderr, _("The CAPTCHA image is in "), path);
          else
            enlist_cli_print_safe (stderr, "", image_error->message);
        }
      if (fallback != NULL)
        enlist_cli_print_safe (stderr, _("It can also be answered on the web: "), fallback);
      answer = enlist_cli_read_line (STDIN_FILENO, _("Answer: "), error);
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

/* Filling the form */

/* The names of the required fields still empty that standard input cannot
 * give (secrets it can, a line each); NULL when none. */
static GStrv
missing_fields (EnlistCli      *cli,
                EnlistDataForm *form)
{
  EnlistFormField *captcha = enlist_data_form_get_captcha_field (form);
  guint n_fields = enlist_data_form_get_n_fields (form);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;

  for (guint i = 0; i < n_fields; i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (form, i);

      if (enlist_cli_field_is_input (field) && enlist_form_field_is_required (field)
          && enlist_cli_field_is_empty (field) && !enlist_form_field_is_secret (field)
          && (field != captcha || cli->captcha_command == NULL))
        g_strv_builder_add (builder, enlist_form_field_get_var (field));
    }
  names = g_strv_builder_end (builder);
  return names[0] != NULL ? g_steal_pointer (&names) : NULL;
}

/* Fills form: the --field options (first time only), then what is still
 * missing from the terminal, or — secrets only — a line each from standard
 * input, then the CAPTCHA. Without a terminal (or with --json), missing
 * non-secret values are an error whose names go to *missing. */
static gboolean
complete_form (EnlistCli           *cli,
               EnlistRegistration  *registration,
               EnlistDataForm      *form,
               gboolean             first,
               gboolean             interactive,
               GStrv               *missing,
               GError             **error)
{
  EnlistFormField *captcha = enlist_data_form_get_captcha_field (form);
  guint n_fields = enlist_data_form_get_n_fields (form);

  if (first && !enlist_cli_apply_fields ((const char * const *) cli->fields, form, "register",
                                         error))
    return FALSE;

  if (!interactive)
    {
      g_auto(GStrv) names = missing_fields (cli, form);

      if (names != NULL)
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
        enlist_cli_print_safe (stderr, "", title);
      for (guint i = 0; instructions[i] != NULL; i++)
        enlist_cli_print_safe (stderr, "", instructions[i]);
    }

  for (guint i = 0; i < n_fields; i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (form, i);

      if (!enlist_cli_field_is_input (field) || field == captcha
          || !enlist_cli_field_is_empty (field))
        continue;
      if (interactive)
        {
          if (!enlist_cli_prompt_field (field, error))
            return FALSE;
        }
      else if (enlist_form_field_is_secret (field) && enlist_form_field_is_required (field))
        {
          const char *display_name = enlist_form_field_get_display_name (field);
          g_autofree char *name = enlist_text_neutralize (display_name, -1);
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

  return answer_captcha (cli, registration, form, interactive, error);
}

/* Submitting */

/* One submission: through the account manager with --save (the password
 * in the keyring before the form goes out), else straight to the service. */
static EnlistCredentials *
submit (EnlistCli           *cli,
        EnlistRegistration  *registration,
        EnlistDataForm      *form,
        gboolean            *saved,
        GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  *saved = FALSE;
  if (!cli->save)
    {
      enlist_registration_submit_async (registration, form, cli->cancellable,
                                        enlist_cli_store_result, &result);
      return enlist_registration_submit_finish (registration, enlist_cli_wait (cli, &result),
                                                error);
    }

  enlist_account_manager_register_async (cli->manager, registration, form, cli->cancellable,
                                         enlist_cli_store_result, &result);
  return enlist_account_manager_register_finish (cli->manager, enlist_cli_wait (cli, &result),
                                                 saved, NULL, error);
}

/* Whether a refusal came with a fresh CAPTCHA worth answering: it was
 * about the CAPTCHA (or the connection was lost), not, say, a name taken;
 * a not-acceptable that names no field may be about the CAPTCHA (Tigase
 * answers a wrong one so), and the attempts are few. */
static gboolean
captcha_renewed (EnlistRegistration *registration,
                 EnlistDataForm     *form,
                 const GError       *error)
{
  EnlistDataForm *fresh = enlist_registration_get_form (registration);
  EnlistFormField *captcha;

  if (!g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_CAPTCHA_RENEWED)
      || fresh == NULL || fresh == form || !enlist_data_form_is_captcha (fresh))
    return FALSE;
  captcha = enlist_data_form_get_captcha_field (fresh);
  return enlist_error_get_condition (error) == NULL
         || g_strcmp0 (enlist_error_get_field (error), enlist_form_field_get_var (captcha)) == 0
         || (enlist_error_get_field (error) == NULL
             && g_strcmp0 (enlist_error_get_condition (error), "not-acceptable") == 0);
}

static int
print_created (EnlistCli         *cli,
               EnlistCredentials *credentials,
               gboolean           saved)
{
  const char *jid = enlist_credentials_get_address (credentials);
  gboolean verified = enlist_credentials_get_verified (credentials);
  gboolean inactive = enlist_credentials_get_inactive (credentials);
  g_autofree char *not_saved = NULL;
  /* the keyring has the account; the file may not */
  g_autofree char *not_recorded = enlist_cli_take_file_warning (cli, "register");

  if (cli->save && !saved)
    not_saved = g_strdup (jid != NULL
                          ? _("The account was created, but the keyring did not take its "
                              "password: the password is saved nowhere. Keep it somewhere safe.")
                          : _("The account was created, but the server did not say its address, "
                              "so its password could not be saved: it is saved nowhere."));

  if (cli->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, not_saved == NULL);
      enlist_cli_json_add_string (b, "jid", jid);
      json_builder_set_member_name (b, "verified");
      json_builder_add_boolean_value (b, verified);
      json_builder_set_member_name (b, "saved");
      json_builder_add_boolean_value (b, saved);
      if (cli->save)
        {
          json_builder_set_member_name (b, "recorded");
          json_builder_add_boolean_value (b, not_recorded == NULL);
          if (not_recorded != NULL)
            enlist_cli_json_add_string (b, "warning", not_recorded);
        }
      json_builder_set_member_name (b, "activation_required");
      json_builder_add_boolean_value (b, inactive);
      enlist_cli_json_add_elapsed (cli, b);
      if (inactive)
        enlist_cli_json_add_string (b, "server_text",
                                    enlist_credentials_get_server_text (credentials));
      if (not_saved != NULL)
        enlist_cli_json_add_problem (b, not_saved, ENLIST_EXIT_NOT_SAVED);
      json_builder_end_object (b);
      enlist_cli_print_json (b);
    }
  else
    {
      const char *address = jid != NULL ? jid : _("address not known");
      g_autofree char *line = verified
                              ? g_strdup_printf (_("Account created: %s (verified by logging in)"),
                                                 address)
                              : inactive
                              ? g_strdup_printf (_("Account created: %s (to be activated)"),
                                                 address)
                              : g_strdup_printf (_("Account created: %s (not verified)"), address);

      enlist_cli_print_safe (stdout, "", line);
      if (inactive)
        {
          const char *server_text = enlist_credentials_get_server_text (credentials);

          printf ("%s\n", _("The server does not let the new account log in yet: activate it "
                            "from the e-mail the server sent, then log in."));
          if (server_text != NULL)
            enlist_cli_print_safe (stdout, _("  The server said: "), server_text);
        }
      if (saved)
        printf ("%s\n", _("The password is saved in the keyring."));
      if (not_saved != NULL)
        enlist_cli_print_safe (stderr, "enlist-cli register: ", not_saved);
    }
  return not_saved != NULL ? ENLIST_EXIT_NOT_SAVED : ENLIST_EXIT_OK;
}

/* The domain the account is made on: the invitation's, when there is one.
 * Parsed before the registration is made, so that the pins stored for
 * that domain (and no other) apply. */
static char *
registration_domain (EnlistCli   *cli,
                     const char  *domain,
                     GError     **error)
{
  g_autoptr(EnlistRegistration) parser = NULL;

  if (cli->invite == NULL)
    return g_strdup (domain);
  parser = enlist_registration_new (domain);
  if (!enlist_registration_set_invite (parser, cli->invite, error))
    return NULL;
  return g_strdup (enlist_registration_get_domain (parser));
}

int
enlist_cli_register (int    argc,
                     char **argv)
{
  g_auto(EnlistCli) cli = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_auto(GStrv) missing = NULL;
  g_autofree char *domain = NULL;
  gboolean interactive, saved = FALSE;
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
      N_("Store the new account’s password in the keyring (before it is sent) and remember the account"),
      NULL },
    { NULL }
  };

  context = enlist_cli_option_context (&cli, _("DOMAIN — create an account (In-Band Registration)"),
                                       entries, ENLIST_CLI_OPTIONS_ENDPOINT
                                       | ENLIST_CLI_OPTIONS_PIPELINING);
  if (!enlist_cli_parse_options (context, "register", 1, _("expected one DOMAIN"), &argc, &argv))
    return ENLIST_EXIT_USAGE;
  if (!enlist_cli_setup (&cli, &error))
    return enlist_cli_report_setup_error ("register", error);

  domain = registration_domain (&cli, argv[1], &error);
  if (domain == NULL)
    return enlist_cli_report_error (cli.json, "register", error);
  registration = enlist_cli_create_registration (&cli, domain);
  if (cli.invite != NULL && !enlist_registration_set_invite (registration, cli.invite, &error))
    return enlist_cli_report_error (cli.json, "register", error);
  enlist_registration_set_verify (registration, !cli.no_verify);
  interactive = !cli.json && isatty (STDIN_FILENO);

  /* The accounts already known: registering a name this computer knows
   * must not lose its record when the server refuses. */
  if (cli.save && !enlist_cli_load_accounts (&cli, &error))
    {
      g_autofree char *line = g_strdup_printf (_("warning: %s"), error->message);

      enlist_cli_print_safe (stderr, "enlist-cli register: ", line);
      g_clear_error (&error);
    }

  enlist_cli_flow_start (&cli);
  form = fetch_form (&cli, registration, &error);
  if (form == NULL)
    return enlist_cli_report_error (cli.json, "register", error);
  if (!complete_form (&cli, registration, form, TRUE, interactive, &missing, &error))
    {
      enlist_cli_close_registration (&cli, registration);
      return enlist_cli_report_missing (cli.json, "register", error,
                                        (const char * const *) missing);
    }

  for (guint attempt = 1; ; attempt++)
    {
      credentials = submit (&cli, registration, form, &saved, &error);
      if (credentials != NULL)
        {
          enlist_cli_flow_finish (&cli);
          break;
        }

      if (!captcha_renewed (registration, form, error) || attempt >= MAX_CAPTCHA_ATTEMPTS
          || (cli.captcha_command == NULL && !interactive))
        {
          enlist_cli_close_registration (&cli, registration);
          return enlist_cli_report_error (cli.json, "register", error);
        }
      enlist_cli_print_safe (stderr, "enlist-cli register: ", error->message);
      fprintf (stderr, "%s\n", _("enlist-cli register: trying again with a new CAPTCHA."));
      g_clear_error (&error);
      g_set_object (&form, enlist_registration_get_form (registration));
      if (!complete_form (&cli, registration, form, FALSE, interactive, &missing, &error))
        {
          enlist_cli_close_registration (&cli, registration);
          return enlist_cli_report_missing (cli.json, "register", error,
                                            (const char * const *) missing);
        }
    }
  enlist_cli_close_registration (&cli, registration);

  return print_created (&cli, credentials, saved);
}
