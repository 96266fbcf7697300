/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-cli-account.c: the verbs about existing accounts, through the
 * account manager: passwd and delete (with the connection settings and
 * the password stored for a known address), and accounts (the list, after
 * settling what a crash left pending). An address the manager does not
 * know is changed or deleted on the server all the same; nothing on this
 * computer is touched then. */
#define G_LOG_DOMAIN "enlist-cli"

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "enlist-cli.h"
#include "enlist-cli-input.h"
#include "enlist-cli-output.h"
#include "enlist-cli-private.h"
#include "enlist-text.h"

#define MAX_FORM_ROUNDS 3

static const char * const own_vars[] = { "username", "old_password", "password", NULL };

static gboolean
is_pending (EnlistAccount *account)
{
  EnlistAccountState state = enlist_account_get_state (account);

  return state == ENLIST_ACCOUNT_STATE_REGISTRATION_PENDING
         || state == ENLIST_ACCOUNT_STATE_PASSWORD_CHANGE_PENDING
         || state == ENLIST_ACCOUNT_STATE_DELETION_PENDING;
}

static void
on_known_resolved (EnlistAccountManager *manager,
                   EnlistAccount        *account,
                   EnlistPendingOutcome  outcome,
                   const char           *message,
                   gboolean             *deleted)
{
  if (outcome == ENLIST_PENDING_OUTCOME_DELETED)
    *deleted = TRUE;
}

/* The account the manager knows under jid, settled first if a crash left
 * it pending; NULL when it is not known (or turned out not to exist, or
 * an earlier deletion of it turned out to have gone through: *deleted).
 * A damaged account file is worth a warning; no keyring is not, here. */
static EnlistAccount *
known_account (EnlistCli  *cli,
               const char *verb,
               const char *jid,
               gboolean   *deleted)
{
  g_autoptr(GError) error = NULL;
  EnlistAccount *account;

  if (!enlist_cli_load_accounts (cli, &error))
    {
      if (g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_ACCOUNT_FILE))
        {
          g_autofree char *prefix = g_strdup_printf ("enlist-cli %s: ", verb);
          g_autofree char *line = g_strdup_printf (_("warning: %s"), error->message);

          enlist_cli_print_safe (stderr, prefix, line);
        }
      else
        g_debug ("Accounts not all read: %s", error->message);
      g_clear_error (&error);
    }

  account = enlist_account_manager_lookup (cli->manager, jid);
  if (account != NULL && is_pending (account))
    {
      g_autoptr(GAsyncResult) result = NULL;
      gboolean was_deleted = FALSE;
      gulong handler;

      /* only this account is pending here, or settled already */
      handler = g_signal_connect (cli->manager, "pending-resolved",
                                  G_CALLBACK (on_known_resolved), &was_deleted);
      enlist_account_manager_resolve_pending_async (cli->manager, cli->cancellable,
                                                    enlist_cli_store_result, &result);
      if (!enlist_account_manager_resolve_pending_finish (cli->manager,
                                                          enlist_cli_wait (cli, &result), &error))
        g_debug ("Pending accounts not settled: %s", error->message);
      g_signal_handler_disconnect (cli->manager, handler);
      account = enlist_account_manager_lookup (cli->manager, jid);
      if (deleted != NULL)
        *deleted = account == NULL && was_deleted;
    }
  return account != NULL ? g_object_ref (account) : NULL;
}

/* The current password: --password-file, else the keyring's for a known
 * account, else a line from standard input (hidden on a terminal). */
static char *
current_password (EnlistCli      *cli,
                  EnlistAccount  *account,
                  const char     *prompt,
                  GError        **error)
{
  if (cli->password_file != NULL)
    return enlist_cli_read_password_file (cli->password_file, error);
  if (account != NULL)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) local_error = NULL;
      char *password;

      enlist_account_manager_lookup_password_async (cli->manager, account, cli->cancellable,
                                                    enlist_cli_store_result, &result);
      password = enlist_account_manager_lookup_password_finish (cli->manager,
                                                                enlist_cli_wait (cli, &result),
                                                                &local_error);
      if (password != NULL)
        return password;
      if (!g_error_matches (local_error, ENLIST_ERROR, ENLIST_ERROR_NOT_FOUND)
          && !g_error_matches (local_error, ENLIST_ERROR, ENLIST_ERROR_KEYRING_UNAVAILABLE))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      _("Cannot read the password from the keyring: "));
          return NULL;
        }
    }
  return enlist_cli_read_secret (STDIN_FILENO, prompt, error);
}

static void
print_account_result (EnlistCli  *cli,
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
      enlist_cli_json_add_string (b, "jid", jid);
      json_builder_set_member_name (b, keyring_member);
      json_builder_add_boolean_value (b, keyring_done);
      enlist_cli_json_add_elapsed (cli, b);
      json_builder_end_object (b);
      enlist_cli_print_json (b);
    }
  else
    enlist_cli_print_safe (stdout, "", message);
}

/* passwd */

/* The server's change-password form asks for more than the service knows:
 * --field, then the terminal; without one, the fields still missing are
 * the error (their names in *missing). */
static gboolean
complete_password_form (EnlistCli       *cli,
                        EnlistDataForm  *form,
                        const GError    *renewed,
                        GStrv           *missing,
                        GError         **error)
{
  gboolean interactive = !cli->json && isatty (STDIN_FILENO);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;
  guint n_fields = enlist_data_form_get_n_fields (form);

  if (!enlist_cli_apply_fields ((const char * const *) cli->fields, form, "passwd", error))
    return FALSE;

  if (interactive)
    {
      /* what the server said may be the question itself */
      g_autofree char *text = enlist_cli_format_error ("passwd", renewed);

      fputs (text, stderr);
    }
  for (guint i = 0; i < n_fields; i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (form, i);
      const char *var = enlist_form_field_get_var (field);

      if (!enlist_cli_field_is_input (field) || !enlist_cli_field_is_empty (field)
          || (var != NULL && g_strv_contains (own_vars, var)))
        continue;
      if (interactive)
        {
          if (!enlist_cli_prompt_field (field, error))
            return FALSE;
        }
      else if (enlist_form_field_is_required (field))
        g_strv_builder_add (builder, var != NULL ? var : "");
    }

  names = g_strv_builder_end (builder);
  if (names[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", names);
      GError *incomplete;

      incomplete = enlist_error_new_xmpp (ENLIST_ERROR_MISSING_REQUIRED,
                                          enlist_error_get_condition (renewed),
                                          enlist_error_get_server_text (renewed),
                                          _("The server asks for more to change the password; "
                                            "values are missing for: %s. Give them with --field "
                                            "VAR=VALUE, or run in a terminal without --json to be "
                                            "asked."), list);
      enlist_error_set_field (incomplete, names[0]);
      g_propagate_error (error, incomplete);
      *missing = g_steal_pointer (&names);
      return FALSE;
    }
  return TRUE;
}

/* One attempt: through the manager for a known account (keyring first),
 * else straight to the service. */
static gboolean
change_password (EnlistCli           *cli,
                 EnlistRegistration  *registration,
                 EnlistAccount       *account,
                 const char          *username,
                 const char          *old_password,
                 const char          *new_password,
                 EnlistDataForm      *form,
                 gboolean            *saved,
                 GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  *saved = FALSE;
  if (account != NULL)
    {
      enlist_account_manager_change_password_async (cli->manager, registration, account,
                                                    old_password, new_password, form,
                                                    cli->cancellable, enlist_cli_store_result,
                                                    &result);
      return enlist_account_manager_change_password_finish (cli->manager,
                                                            enlist_cli_wait (cli, &result),
                                                            saved, error);
    }
  enlist_registration_change_password_async (registration, username, old_password, new_password,
                                             form, cli->cancellable, enlist_cli_store_result,
                                             &result);
  return enlist_registration_change_password_finish (registration, enlist_cli_wait (cli, &result),
                                                     error);
}

int
enlist_cli_passwd (int    argc,
                   char **argv)
{
  g_auto(EnlistCli) cli = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistAccount) account = NULL;
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(EnlistDataForm) form = NULL;
  g_auto(GStrv) missing = NULL;
  g_autofree char *username = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *jid = NULL;
  g_autofree char *message = NULL;
  char *old_password, *new_password;
  gboolean changed = FALSE, saved = FALSE;
  const GOptionEntry entries[] = {
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &cli.password_file,
      N_("Read the current password from the first line of FILE (default: the keyring, else standard input)"),
      N_("FILE") },
    { "new-password-file", 0, 0, G_OPTION_ARG_FILENAME, &cli.new_password_file,
      N_("Read the new password from the first line of FILE (default: standard input)"), N_("FILE") },
    { "field", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cli.fields,
      N_("Fill in the field VAR if the server’s change-password form asks for more"),
      N_("VAR=VALUE") },
    { NULL }
  };

  context = enlist_cli_option_context (&cli, _("JID — change the account’s password on the server"),
                                       entries, ENLIST_CLI_OPTIONS_ENDPOINT
                                       | ENLIST_CLI_OPTIONS_PIPELINING);
  if (!enlist_cli_parse_options (context, "passwd", 1, _("expected one JID"), &argc, &argv))
    return ENLIST_EXIT_USAGE;
  jid = enlist_cli_parse_account_jid (argv[1], &username, &domain, &error);
  if (jid == NULL || !enlist_cli_setup (&cli, &error))
    return enlist_cli_report_setup_error ("passwd", error);

  account = known_account (&cli, "passwd", jid, NULL);
  old_password = current_password (&cli, account, _("Current password: "), &error);
  if (old_password == NULL)
    {
      enlist_cli_print_safe (stderr, "enlist-cli passwd: ", error->message);
      return error->domain == ENLIST_ERROR ? ENLIST_EXIT_FAILED : ENLIST_EXIT_USAGE;
    }
  new_password = enlist_cli_read_new_password (cli.new_password_file, &error);
  if (new_password == NULL)
    {
      enlist_secret_free (old_password);
      enlist_cli_print_safe (stderr, "enlist-cli passwd: ", error->message);
      return ENLIST_EXIT_USAGE;
    }

  registration = account != NULL ? enlist_cli_registration_for_account (&cli, account)
                                 : enlist_cli_create_registration (&cli, domain);
  enlist_cli_flow_start (&cli);
  for (guint round = 1; round <= MAX_FORM_ROUNDS; round++)
    {
      changed = change_password (&cli, registration, account, username, old_password,
                                 new_password, form, &saved, &error);
      if (changed || !g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_FORM_RENEWED)
          || round == MAX_FORM_ROUNDS)
        break;

      /* the server's own form: filled in and sent again */
      g_set_object (&form, enlist_registration_get_form (registration));
      if (form == NULL)
        break;
      {
        g_autoptr(GError) renewed = g_steal_pointer (&error);

        if (!complete_password_form (&cli, form, renewed, &missing, &error))
          break;
      }
    }
  enlist_cli_flow_finish (&cli);
  enlist_secret_free (old_password);
  enlist_secret_free (new_password);
  if (!changed)
    return enlist_cli_report_missing (cli.json, "passwd", error, (const char * const *) missing);

  if (account != NULL && !saved)
    {
      /* Changed all the same: like register --save, exit 8, so that a
       * script does not take it for a refusal and keep the old password. */
      const char *not_saved = _("The password was changed on the server, but the keyring did "
                                "not take the new one: it is saved nowhere.");

      if (cli.json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "ok");
          json_builder_add_boolean_value (b, FALSE);
          enlist_cli_json_add_string (b, "jid", jid);
          json_builder_set_member_name (b, "keyring_updated");
          json_builder_add_boolean_value (b, FALSE);
          enlist_cli_json_add_elapsed (&cli, b);
          enlist_cli_json_add_problem (b, not_saved, ENLIST_EXIT_NOT_SAVED);
          json_builder_end_object (b);
          enlist_cli_print_json (b);
        }
      else
        enlist_cli_print_safe (stderr, "enlist-cli passwd: ", not_saved);
      return ENLIST_EXIT_NOT_SAVED;
    }

  message = g_strdup_printf (account != NULL ? _("Password changed for %s (keyring updated).")
                                             : _("Password changed for %s."), jid);
  print_account_result (&cli, jid, "keyring_updated", account != NULL, message);
  return ENLIST_EXIT_OK;
}

/* delete */

static gboolean
confirm_delete (const char *jid)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *clean = enlist_text_neutralize (jid, -1);
  g_autofree char *prompt = NULL;
  g_autofree char *answer = NULL;

  /* Translators: keep “yes” in English: the answer is compared with it */
  prompt = g_strdup_printf (_("Delete the account %s and everything the server keeps for it? "
                              "This cannot be undone. Type “yes” to confirm: "), clean);
  answer = enlist_cli_read_line (STDIN_FILENO, prompt, &error);
  return answer != NULL && g_ascii_strcasecmp (g_strstrip (answer), "yes") == 0;
}

static gboolean
delete_account (EnlistCli           *cli,
                EnlistRegistration  *registration,
                EnlistAccount       *account,
                const char          *username,
                const char          *password,
                GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  if (account != NULL)
    {
      /* the record and the keyring entry go once the server confirmed */
      enlist_account_manager_delete_async (cli->manager, registration, account, password,
                                           cli->cancellable, enlist_cli_store_result, &result);
      return enlist_account_manager_delete_finish (cli->manager, enlist_cli_wait (cli, &result),
                                                   error);
    }
  enlist_registration_delete_account_async (registration, username, password, cli->cancellable,
                                            enlist_cli_store_result, &result);
  return enlist_registration_delete_account_finish (registration, enlist_cli_wait (cli, &result),
                                                    error);
}

int
enlist_cli_delete (int    argc,
                   char **argv)
{
  g_auto(EnlistCli) cli = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistAccount) account = NULL;
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autofree char *username = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *jid = NULL;
  g_autofree char *message = NULL;
  char *password;
  gboolean deleted;
  gboolean deleted_before = FALSE;
  const GOptionEntry entries[] = {
    { "yes", 0, 0, G_OPTION_ARG_NONE, &cli.yes,
      N_("Do not ask for confirmation (needed without a terminal)"), NULL },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &cli.password_file,
      N_("Read the password from the first line of FILE (default: the keyring, else standard input)"),
      N_("FILE") },
    { NULL }
  };

  context = enlist_cli_option_context (&cli, _("JID — delete the account from the server"),
                                       entries, ENLIST_CLI_OPTIONS_ENDPOINT
                                       | ENLIST_CLI_OPTIONS_PIPELINING);
  if (!enlist_cli_parse_options (context, "delete", 1, _("expected one JID"), &argc, &argv))
    return ENLIST_EXIT_USAGE;
  jid = enlist_cli_parse_account_jid (argv[1], &username, &domain, &error);
  if (jid == NULL || !enlist_cli_setup (&cli, &error))
    return enlist_cli_report_setup_error ("delete", error);

  if (!cli.yes)
    {
      if (!isatty (STDIN_FILENO))
        {
          fprintf (stderr, "enlist-cli delete: %s\n",
                   _("Refusing to delete an account without confirmation: pass --yes."));
          return ENLIST_EXIT_USAGE;
        }
      if (!confirm_delete (jid))
        {
          fprintf (stderr, "enlist-cli delete: %s\n", _("Nothing was deleted."));
          return ENLIST_EXIT_FAILED;
        }
    }

  account = known_account (&cli, "delete", jid, &deleted_before);
  if (deleted_before)
    {
      message = g_strdup_printf (_("Account deleted: %s (an earlier deletion went through; "
                                   "removed from the keyring)."), jid);
      print_account_result (&cli, jid, "keyring_cleared", TRUE, message);
      return ENLIST_EXIT_OK;
    }
  password = current_password (&cli, account, _("Password: "), &error);
  if (password == NULL)
    {
      enlist_cli_print_safe (stderr, "enlist-cli delete: ", error->message);
      return error->domain == ENLIST_ERROR ? ENLIST_EXIT_FAILED : ENLIST_EXIT_USAGE;
    }

  registration = account != NULL ? enlist_cli_registration_for_account (&cli, account)
                                 : enlist_cli_create_registration (&cli, domain);
  enlist_cli_flow_start (&cli);
  deleted = delete_account (&cli, registration, account, username, password, &error);
  enlist_cli_flow_finish (&cli);
  enlist_secret_free (password);
  if (!deleted)
    return enlist_cli_report_error (cli.json, "delete", error);

  message = g_strdup_printf (account != NULL ? _("Account deleted: %s (removed from the keyring).")
                                             : _("Account deleted: %s."), jid);
  print_account_result (&cli, jid, "keyring_cleared", account != NULL, message);
  return ENLIST_EXIT_OK;
}

/* accounts */

/* What settling one pending account found. */
typedef struct
{
  char                 *address;
  EnlistPendingOutcome  outcome;
  char                 *message;
} Settled;

static void
settled_free (Settled *settled)
{
  g_free (settled->address);
  g_free (settled->message);
  g_free (settled);
}

static void
on_pending_resolved (EnlistAccountManager *manager,
                     EnlistAccount        *account,
                     EnlistPendingOutcome  outcome,
                     const char           *message,
                     GPtrArray            *settled)
{
  Settled *item = g_new0 (Settled, 1);

  item->address = g_strdup (enlist_account_get_address (account));
  item->outcome = outcome;
  item->message = g_strdup (message);
  g_ptr_array_add (settled, item);
}

static const char *
enum_nick (GType type,
           int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *found = g_enum_get_value (klass, value);

  /* the class stays referenced by the type system: the nick lives on */
  return found != NULL ? found->value_nick : "unknown";
}

static char *
describe_endpoint (EnlistAccount *account)
{
  const char *host = enlist_account_get_host (account);

  if (host == NULL)
    return g_strdup_printf (_("%s (found through DNS)"), enlist_account_get_domain (account));
  return g_strdup_printf (_("%s via %s port %u (%s)"), enlist_account_get_domain (account), host,
                          enlist_account_get_port (account),
                          enlist_account_get_direct_tls (account) ? _("direct TLS") : "STARTTLS");
}

static const char *
describe_state (EnlistAccountState state)
{
  switch (state)
    {
    case ENLIST_ACCOUNT_STATE_READY:
      return _("ready");
    case ENLIST_ACCOUNT_STATE_PASSWORD_NOT_SAVED:
      return _("password not saved");
    case ENLIST_ACCOUNT_STATE_REGISTRATION_PENDING:
      return _("pending: registration not settled");
    case ENLIST_ACCOUNT_STATE_PASSWORD_CHANGE_PENDING:
      return _("pending: password change not settled");
    case ENLIST_ACCOUNT_STATE_DELETION_PENDING:
      return _("pending: deletion not settled");
    default:
      return "?";
    }
}

static void
accounts_print_text (EnlistCli *cli,
                     GPtrArray *settled)
{
  guint n_accounts = g_list_model_get_n_items (G_LIST_MODEL (cli->manager));

  for (guint i = 0; i < settled->len; i++)
    {
      Settled *item = g_ptr_array_index (settled, i);

      enlist_cli_print_safe (stdout, item->outcome == ENLIST_PENDING_OUTCOME_UNRESOLVED
                                     ? _("Not settled: ") : _("Settled: "), item->message);
    }
  if (settled->len > 0)
    printf ("\n");
  if (n_accounts == 0)
    printf ("%s\n", _("No accounts are saved on this computer."));

  for (guint i = 0; i < n_accounts; i++)
    {
      g_autoptr(EnlistAccount) account = g_list_model_get_item (G_LIST_MODEL (cli->manager), i);
      GDateTime *created = enlist_account_get_created (account);
      const char *status = enlist_account_get_status (account);
      g_autofree char *endpoint = describe_endpoint (account);
      g_autofree char *when = NULL;
      g_autofree char *state = NULL;

      state = status != NULL ? g_strdup_printf ("%s (%s)",
                                                describe_state (enlist_account_get_state (account)),
                                                status)
                             : g_strdup (describe_state (enlist_account_get_state (account)));
      if (created != NULL)
        when = g_date_time_format (created, "%Y-%m-%d %H:%M:%S UTC");
      enlist_cli_print_safe (stdout, "", enlist_account_get_address (account));
      enlist_cli_print_safe (stdout, _("  Server:   "), endpoint);
      enlist_cli_print_safe (stdout, _("  Created:  "), when != NULL ? when : _("not known"));
      enlist_cli_print_safe (stdout, _("  State:    "), state);
    }
}

static void
accounts_print_json (EnlistCli    *cli,
                     GPtrArray    *settled,
                     const GError *error)
{
  guint n_accounts = g_list_model_get_n_items (G_LIST_MODEL (cli->manager));
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, error == NULL);
  if (error != NULL)
    enlist_cli_json_add_error (b, error);

  json_builder_set_member_name (b, "accounts");
  json_builder_begin_array (b);
  for (guint i = 0; i < n_accounts; i++)
    {
      g_autoptr(EnlistAccount) account = g_list_model_get_item (G_LIST_MODEL (cli->manager), i);
      GDateTime *created = enlist_account_get_created (account);
      g_autofree char *when = created != NULL ? g_date_time_format_iso8601 (created) : NULL;

      json_builder_begin_object (b);
      enlist_cli_json_add_string (b, "address", enlist_account_get_address (account));
      enlist_cli_json_add_string (b, "domain", enlist_account_get_domain (account));
      json_builder_set_member_name (b, "endpoint");
      if (enlist_account_get_host (account) != NULL)
        {
          json_builder_begin_object (b);
          enlist_cli_json_add_string (b, "host", enlist_account_get_host (account));
          json_builder_set_member_name (b, "port");
          json_builder_add_int_value (b, enlist_account_get_port (account));
          json_builder_set_member_name (b, "direct_tls");
          json_builder_add_boolean_value (b, enlist_account_get_direct_tls (account));
          json_builder_end_object (b);
        }
      else
        json_builder_add_null_value (b);
      enlist_cli_json_add_string (b, "created", when);
      enlist_cli_json_add_string (b, "state", enum_nick (ENLIST_TYPE_ACCOUNT_STATE,
                                                         enlist_account_get_state (account)));
      json_builder_set_member_name (b, "pending");
      json_builder_add_boolean_value (b, is_pending (account));
      enlist_cli_json_add_string (b, "status", enlist_account_get_status (account));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "settled");
  json_builder_begin_array (b);
  for (guint i = 0; i < settled->len; i++)
    {
      Settled *item = g_ptr_array_index (settled, i);

      json_builder_begin_object (b);
      enlist_cli_json_add_string (b, "address", item->address);
      enlist_cli_json_add_string (b, "outcome", enum_nick (ENLIST_TYPE_PENDING_OUTCOME,
                                                           item->outcome));
      enlist_cli_json_add_string (b, "message", item->message);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  enlist_cli_print_json (b);
}

int
enlist_cli_accounts (int    argc,
                     char **argv)
{
  g_auto(EnlistCli) cli = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) settle_error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) settled = g_ptr_array_new_with_free_func ((GDestroyNotify) settled_free);

  context = enlist_cli_option_context (&cli, _("— list the accounts saved on this computer, after "
                                               "settling those a crash left pending"),
                                       NULL, ENLIST_CLI_OPTIONS_BASIC);
  if (!enlist_cli_parse_options (context, "accounts", 0, _("expected no operand"), &argc, &argv))
    return ENLIST_EXIT_USAGE;
  if (!enlist_cli_setup (&cli, &error))
    return enlist_cli_report_setup_error ("accounts", error);

  g_signal_connect (cli.manager, "pending-resolved", G_CALLBACK (on_pending_resolved), settled);
  /* what cannot be read is reported after whatever could be */
  enlist_cli_load_accounts (&cli, &error);
  enlist_account_manager_resolve_pending_async (cli.manager, cli.cancellable,
                                                enlist_cli_store_result, &result);
  if (!enlist_account_manager_resolve_pending_finish (cli.manager, enlist_cli_wait (&cli, &result),
                                                      &settle_error) && error == NULL)
    error = g_steal_pointer (&settle_error);
  g_signal_handlers_disconnect_by_data (cli.manager, settled);

  if (cli.json)
    accounts_print_json (&cli, settled, error);
  else
    {
      accounts_print_text (&cli, settled);
      if (error != NULL)
        {
          g_autofree char *text = enlist_cli_format_error ("accounts", error);

          fputs (text, stderr);
        }
    }
  return enlist_cli_exit_code_for_error (error);
}
