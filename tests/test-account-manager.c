/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-account-manager.c: EnlistAccountManager against a real Prosody and a
 * real ejabberd (without CAPTCHA), inside tests/keyring-session: register,
 * change password, delete and forget with the keyring's contents and the
 * account file checked after every step (and at the moment the request
 * goes out: keyring first), refusals that leave nothing pending, a keyring
 * that is not there at all, pending registrations and password changes
 * left by a "crash" settled at load, accounts known only to the keyring,
 * a damaged account file, and certificate pins. Logins that check what the
 * server did are made from outside, with a fresh EnlistRegistration. */
#define G_LOG_DOMAIN "test-account-manager"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "enlist-account-file.h"
#include "enlist-account-manager.h"
#include "enlist-certificate.h"
#include "enlist-fake-server.h"
#include "enlist-test-servers.h"
#include "enlist-text.h"
#include "enlist-test-utils.h"

static EnlistTestServers *servers;

typedef struct
{
  const char *name;
  const char *server;     /* "prosody" or "ejabberd" */
  gboolean    nocaptcha;  /* ejabberd's host without CAPTCHA */
} Target;

static const Target targets[] = {
  { "prosody", "prosody", FALSE },
  { "ejabberd", "ejabberd", TRUE },
};

static const char *
target_domain (const Target *target)
{
  return target->nocaptcha ? enlist_test_servers_get_nocaptcha_domain (servers)
                           : enlist_test_servers_get_domain (servers);
}

static guint16
target_port (const Target *target)
{
  return enlist_test_servers_get_port (servers, target->server, FALSE);
}

static char *
random_user (const char *prefix)
{
  return g_strdup_printf ("%s%u", prefix, g_random_int_range (0, 100000000));
}

/* ---- the data directory ------------------------------------------------ */

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_remove (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }
  g_dir_close (dir);
  g_rmdir (path);
}

static char *
make_data_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("enlist-accounts-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static char *
file_path (const char *data_dir)
{
  return g_build_filename (data_dir, ENLIST_ACCOUNT_FILE_NAME, NULL);
}

/* The account file's group of address as "key=value" lines (NULL when
 * there is none), read with GKeyFile, not the unit under test. */
static char *
record_of (const char *data_dir,
           const char *address)
{
  g_autofree char *path = file_path (data_dir);
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_auto(GStrv) groups = NULL;

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, NULL))
    return NULL;
  g_assert_cmpint (g_key_file_get_integer (key_file, "enlist", "version", NULL), ==, 1);

  groups = g_key_file_get_groups (key_file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autofree char *value = g_key_file_get_string (key_file, groups[i], "address", NULL);
      g_auto(GStrv) keys = NULL;
      GString *out;

      if (g_strcmp0 (value, address) != 0)
        continue;
      keys = g_key_file_get_keys (key_file, groups[i], NULL, NULL);
      out = g_string_new ("");
      for (guint k = 0; keys[k] != NULL; k++)
        {
          g_autofree char *v = g_key_file_get_value (key_file, groups[i], keys[k], NULL);

          /* The creation time changes with every run. */
          if (strcmp (keys[k], "created") == 0)
            g_string_append_printf (out, "created=%s\n", v[0] != '\0' ? "yes" : "");
          else
            g_string_append_printf (out, "%s=%s\n", keys[k], v);
        }
      return g_string_free (out, FALSE);
    }

  return NULL;
}

static char *
expected_record (const char *address,
                 const char *domain,
                 guint16     port,
                 const char *state)
{
  return g_strdup_printf ("address=%s\ndomain=%s\nhost=127.0.0.1\nport=%u\ndirect-tls=false\n"
                          "created=yes\nstate=%s\n", address, domain, port, state);
}

/* ---- the keyring, seen from outside ------------------------------------ */

static GList *
find_items (const char *key,
            const char *jid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  GList *items;

  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_assert_no_error (error);
  g_hash_table_insert (attributes, (char *) "xdg:schema", (char *) APP_ID);
  g_hash_table_insert (attributes, (char *) key, (char *) jid);
  items = secret_service_search_sync (service, NULL, attributes,
                                      SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS, NULL, &error);
  g_assert_no_error (error);
  return items;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Every item of jid as "state=secret" ("-" for the confirmed one), sorted
 * and joined by spaces; "" when there is none. */
static char *
keyring_of (const char *jid)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  GList *items = g_list_concat (find_items ("jid", jid), find_items ("pending-jid", jid));

  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GHashTable) attributes = secret_item_get_attributes (l->data);
      g_autoptr(SecretValue) value = secret_item_get_secret (l->data);
      const char *state = g_hash_table_lookup (attributes, "state");

      g_assert_nonnull (value);
      g_ptr_array_add (parts, g_strdup_printf ("%s=%s", state != NULL ? state : "-",
                                               secret_value_get_text (value)));
    }
  g_list_free_full (items, g_object_unref);

  g_ptr_array_sort (parts, compare_strings);
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" ", (char **) parts->pdata);
}

#define assert_keyring(jid, expected) \
  G_STMT_START { \
    g_autofree char *_held = keyring_of (jid); \
    g_assert_cmpstr (_held, ==, expected); \
  } G_STMT_END

/* What a crashed Enlist leaves behind, written with libsecret itself. */
static void
store_raw (const char *jid,
           const char *state,
           const char *password)
{
  static const SecretSchema schema = {
    APP_ID, SECRET_SCHEMA_NONE,
    {
      { "jid", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "pending-jid", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "schema-version", SECRET_SCHEMA_ATTRIBUTE_INTEGER },
      { "state", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };
  g_autoptr(GError) error = NULL;

  if (state == NULL)
    secret_password_store_sync (&schema, SECRET_COLLECTION_DEFAULT, "test", password, NULL, &error,
                                "jid", jid, "schema-version", 1, NULL);
  else
    secret_password_store_sync (&schema, SECRET_COLLECTION_DEFAULT, "test", password, NULL, &error,
                                "pending-jid", jid, "schema-version", 1, "state", state, NULL);
  g_assert_no_error (error);
}

/* ---- the manager ------------------------------------------------------- */

static EnlistAccountManager *
new_manager (const char *data_dir,
             gboolean    with_ca)
{
  EnlistAccountManager *manager = enlist_account_manager_new (data_dir, NULL, NULL);
  g_autoptr(GError) error = NULL;

  if (with_ca)
    {
      g_assert_true (enlist_account_manager_set_ca_file (manager,
                                                         enlist_test_servers_get_ca_file (servers),
                                                         &error));
      g_assert_no_error (error);
    }
  enlist_account_manager_set_timeout (manager, 10000);
  return manager;
}

static gboolean
load_sync (EnlistAccountManager *manager,
           GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_account_manager_load_async (manager, NULL, enlist_test_store_result, &result);
  return enlist_account_manager_load_finish (manager, enlist_test_wait_for (&result), error);
}

static EnlistRegistration *
registration_for (EnlistAccountManager *manager,
                  const Target         *target)
{
  return enlist_account_manager_create_registration (manager, target_domain (target), "127.0.0.1",
                                                     target_port (target), FALSE);
}

static EnlistDataForm *
fetch_form (EnlistRegistration *registration)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  EnlistDataForm *form;

  enlist_registration_fetch_form_async (registration, NULL, enlist_test_store_result, &result);
  form = enlist_registration_fetch_form_finish (registration, enlist_test_wait_for (&result),
                                                &error);
  g_assert_no_error (error);
  g_assert_false (enlist_data_form_is_captcha (form));
  return form;
}

static void
fill (EnlistDataForm *form,
      const char     *user,
      const char     *password)
{
  enlist_form_field_set_value (enlist_data_form_lookup_field (form, "username"), user);
  enlist_form_field_set_value (enlist_data_form_lookup_field (form, "password"), password);
}

static EnlistCredentials *
register_sync (EnlistAccountManager *manager,
               EnlistRegistration   *registration,
               EnlistDataForm       *form,
               gboolean             *saved,
               EnlistAccount       **account,
               GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_account_manager_register_async (manager, registration, form, NULL,
                                         enlist_test_store_result, &result);
  return enlist_account_manager_register_finish (manager, enlist_test_wait_for (&result), saved,
                                                 account, error);
}

static gboolean
change_password_sync (EnlistAccountManager *manager,
                      EnlistRegistration   *registration,
                      EnlistAccount        *account,
                      const char           *old_password,
                      const char           *new_password,
                      gboolean             *saved,
                      GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_account_manager_change_password_async (manager, registration, account, old_password,
                                                new_password, NULL, NULL,
                                                enlist_test_store_result, &result);
  return enlist_account_manager_change_password_finish (manager, enlist_test_wait_for (&result),
                                                        saved, error);
}

static gboolean
delete_sync (EnlistAccountManager *manager,
             EnlistRegistration   *registration,
             EnlistAccount        *account,
             const char           *password,
             GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_account_manager_delete_async (manager, registration, account, password, NULL,
                                       enlist_test_store_result, &result);
  return enlist_account_manager_delete_finish (manager, enlist_test_wait_for (&result), error);
}

static gboolean
forget_sync (EnlistAccountManager *manager,
             EnlistAccount        *account,
             GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_account_manager_forget_async (manager, account, NULL, enlist_test_store_result, &result);
  return enlist_account_manager_forget_finish (manager, enlist_test_wait_for (&result), error);
}

static char *
lookup_password_sync (EnlistAccountManager *manager,
                      EnlistAccount        *account,
                      GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_account_manager_lookup_password_async (manager, account, NULL, enlist_test_store_result,
                                                &result);
  return enlist_account_manager_lookup_password_finish (manager, enlist_test_wait_for (&result),
                                                        error);
}

static gboolean
resolve_sync (EnlistAccountManager *manager,
              GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_account_manager_resolve_pending_async (manager, NULL, enlist_test_store_result, &result);
  return enlist_account_manager_resolve_pending_finish (manager, enlist_test_wait_for (&result),
                                                        error);
}

/* Logs in from outside the manager, on a registration of its own. */
static gboolean
login_at (const char *domain,
          guint16     port,
          const char *ca_file,
          const char *user,
          const char *password,
          GError    **error)
{
  g_autoptr(EnlistRegistration) registration = enlist_registration_new (domain);
  g_autoptr(EnlistServerInfo) info = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  enlist_registration_set_endpoint (registration, "127.0.0.1", port, FALSE);
  g_assert_true (enlist_registration_set_ca_file (registration, ca_file, NULL));
  enlist_registration_login_async (registration, user, password, NULL, enlist_test_store_result,
                                   &result);
  info = enlist_registration_login_finish (registration, enlist_test_wait_for (&result), error);
  return info != NULL;
}

static gboolean
login_fresh (const char *domain,
             const char *server,
             const char *user,
             const char *password,
             GError    **error)
{
  return login_at (domain, enlist_test_servers_get_port (servers, server, FALSE),
                   enlist_test_servers_get_ca_file (servers), user, password, error);
}

static void
assert_login_works (const Target *target,
                    const char   *user,
                    const char   *password)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (login_fresh (target_domain (target), target->server, user, password, &error));
  g_assert_no_error (error);
}

static void
assert_login_refused (const Target *target,
                      const char   *user,
                      const char   *password)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (login_fresh (target_domain (target), target->server, user, password, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED);
}

static EnlistAccount *
model_item (EnlistAccountManager *manager,
            guint                 position)
{
  /* The model keeps its own reference: a borrowed pointer is enough here. */
  EnlistAccount *account = g_list_model_get_item (G_LIST_MODEL (manager), position);

  g_object_unref (account);
  return account;
}

/* What was true when the request went out: recorded from the
 * registration's "stage" as it turns to the stage asked for. */
typedef struct
{
  EnlistRegistrationStage  stage;
  const char              *data_dir;
  const char              *jid;
  char                    *keyring;
  char                    *record;
  guint                    seen;
} Snapshot;

static void
on_stage (EnlistRegistration *registration,
          GParamSpec         *pspec,
          Snapshot           *snapshot)
{
  if (enlist_registration_get_stage (registration) != snapshot->stage || snapshot->seen++ > 0)
    return;

  snapshot->keyring = keyring_of (snapshot->jid);
  snapshot->record = record_of (snapshot->data_dir, snapshot->jid);
}

static void
snapshot_clear (Snapshot *snapshot)
{
  g_clear_pointer (&snapshot->keyring, g_free);
  g_clear_pointer (&snapshot->record, g_free);
  snapshot->seen = 0;
}

/* A new account registered through manager, READY; returns it (a borrowed
 * pointer: the model holds it) and its user name. */
static EnlistAccount *
register_account (EnlistAccountManager *manager,
                  const Target         *target,
                  const char           *prefix,
                  const char           *password,
                  char                **user_out)
{
  g_autoptr(EnlistRegistration) registration = registration_for (manager, target);
  g_autoptr(EnlistDataForm) form = fetch_form (registration);
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(EnlistAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  gboolean saved = FALSE;

  *user_out = random_user (prefix);
  fill (form, *user_out, password);
  credentials = register_sync (manager, registration, form, &saved, &account, &error);
  g_assert_no_error (error);
  g_assert_true (saved);
  g_assert_nonnull (account);
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);
  return account;
}

/* Forgets every account, so that the next test starts with an empty
 * keyring (they share one session). */
static void
forget_all (EnlistAccountManager *manager)
{
  while (g_list_model_get_n_items (G_LIST_MODEL (manager)) > 0)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (forget_sync (manager, model_item (manager, 0), &error));
      g_assert_no_error (error);
    }
}

/* ---- register ---------------------------------------------------------- */

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *count)
{
  (*count)++;
}

static void
test_register (gconstpointer data)
{
  const Target *target = data;
  const char *domain = target_domain (target);
  g_autofree char *dir = make_data_dir ();
  EnlistAccountManager *manager = new_manager (dir, TRUE);
  EnlistAccountManager *second = NULL;
  g_autoptr(EnlistRegistration) registration = registration_for (manager, target);
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(EnlistAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  /* Mixed case: Prosody gives the address back in lower case (the
   * account is re-keyed to it), ejabberd 23.01 as it was given. */
  g_autofree char *user = random_user ("Reg");
  g_autofree char *lower = g_ascii_strdown (user, -1);
  const char *spelled_user = g_str_equal (target->server, "prosody") ? lower : user;
  g_autofree char *typed = g_strdup_printf ("%s@%s", user, domain);
  g_autofree char *spelled = g_strdup_printf ("%s@%s", spelled_user, domain);
  g_autofree char *pending = NULL;
  g_autofree char *record = NULL;
  g_autofree char *expected = NULL;
  Snapshot snapshot = { ENLIST_REGISTRATION_STAGE_SUBMITTING, dir, typed, NULL, NULL, 0 };
  guint changes = 0;
  gboolean saved = FALSE;

  g_assert_true (load_sync (manager, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);
  g_signal_connect (manager, "items-changed", G_CALLBACK (on_items_changed), &changes);

  form = fetch_form (registration);
  fill (form, user, "first password");
  g_signal_connect (registration, "notify::stage", G_CALLBACK (on_stage), &snapshot);
  credentials = register_sync (manager, registration, form, &saved, &account, &error);
  g_assert_no_error (error);

  /* Keyring first: the password was pending, the record written, before
   * the form went out. */
  g_assert_cmpuint (snapshot.seen, >, 0);
  g_assert_cmpstr (snapshot.keyring, ==, "pending-registration=first password");
  expected = expected_record (typed, domain, target_port (target), "registration-pending");
  g_assert_cmpstr (snapshot.record, ==, expected);
  snapshot_clear (&snapshot);

  /* The server's spelling throughout. */
  g_assert_true (saved);
  g_assert_cmpstr (enlist_credentials_get_address (credentials), ==, spelled);
  g_assert_cmpstr (enlist_credentials_get_password (credentials), ==, "first password");
  g_assert_nonnull (account);
  g_assert_cmpstr (enlist_account_get_address (account), ==, spelled);
  g_assert_cmpstr (enlist_account_get_domain (account), ==, domain);
  g_assert_cmpstr (enlist_account_get_host (account), ==, "127.0.0.1");
  g_assert_cmpuint (enlist_account_get_port (account), ==, target_port (target));
  g_assert_false (enlist_account_get_direct_tls (account));
  g_assert_nonnull (enlist_account_get_created (account));
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);
  g_assert_null (enlist_account_get_status (account));
  g_assert_false (enlist_account_get_resolving (account));
  {
    g_autofree char *username = enlist_account_dup_username (account);

    g_assert_cmpstr (username, ==, spelled_user);
  }
  if (strcmp (typed, spelled) != 0)
    assert_keyring (typed, "");
  assert_keyring (spelled, "-=first password");
  g_clear_pointer (&expected, g_free);
  expected = expected_record (spelled, domain, target_port (target), "ready");
  record = record_of (dir, spelled);
  g_assert_cmpstr (record, ==, expected);
  g_clear_pointer (&record, g_free);
  if (strcmp (typed, spelled) != 0)
    {
      record = record_of (dir, typed);
      g_assert_null (record);
    }

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 1);
  g_assert_true (model_item (manager, 0) == account);
  g_assert_true (enlist_account_manager_lookup (manager, typed) == account);
  g_assert_cmpuint (changes, >=, 1);
  {
    char *password = lookup_password_sync (manager, account, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (password, ==, "first password");
    enlist_secret_free (password);
  }
  assert_login_works (target, lower, "first password");

  /* The same name again: refused, and the account it names stays as it was. */
  g_clear_object (&form);
  g_clear_pointer (&credentials, enlist_credentials_unref);
  g_clear_object (&account);
  form = fetch_form (registration);
  fill (form, spelled_user, "second password");
  snapshot.jid = spelled;
  credentials = register_sync (manager, registration, form, &saved, &account, &error);
  g_assert_null (credentials);
  g_assert_null (account);
  g_assert_false (saved);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_STANZA);
  g_assert_cmpstr (enlist_error_get_condition (error), ==, "conflict");
  g_clear_error (&error);
  g_assert_cmpstr (snapshot.keyring, ==, "-=first password pending-registration=second password");
  snapshot_clear (&snapshot);
  assert_keyring (spelled, "-=first password");
  record = record_of (dir, spelled);
  g_assert_cmpstr (record, ==, expected);
  g_clear_pointer (&record, g_free);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 1);
  g_assert_cmpint (enlist_account_get_state (model_item (manager, 0)), ==,
                   ENLIST_ACCOUNT_STATE_READY);

  /* A name the server will not have: pending while asked, then nothing left. */
  g_clear_object (&form);
  form = fetch_form (registration);
  fill (form, "bad user", "third password");
  g_clear_pointer (&typed, g_free);
  typed = g_strdup_printf ("bad user@%s", domain);
  snapshot.jid = typed;
  credentials = register_sync (manager, registration, form, &saved, &account, &error);
  g_assert_null (credentials);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_STANZA);
  g_clear_error (&error);
  g_assert_cmpstr (snapshot.keyring, ==, "pending-registration=third password");
  g_assert_nonnull (snapshot.record);
  snapshot_clear (&snapshot);
  assert_keyring (typed, "");
  record = record_of (dir, typed);
  g_assert_null (record);
  g_assert_null (enlist_account_manager_lookup (manager, typed));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 1);

  /* Another manager (the next start) finds it as it was left. */
  second = new_manager (dir, TRUE);
  g_assert_true (load_sync (second, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (second)), ==, 1);
  account = g_list_model_get_item (G_LIST_MODEL (second), 0);
  g_assert_cmpstr (enlist_account_get_address (account), ==, spelled);
  g_assert_cmpstr (enlist_account_get_host (account), ==, "127.0.0.1");
  g_assert_cmpuint (enlist_account_get_port (account), ==, target_port (target));
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);
  g_clear_object (&account);

  forget_all (manager);
  assert_keyring (spelled, "");
  g_clear_object (&form);
  enlist_test_finalize (g_steal_pointer (&registration));
  enlist_test_finalize (second);
  enlist_test_finalize (manager);
  remove_tree (dir);
}

/* ---- change password --------------------------------------------------- */

static void
test_change_password (gconstpointer data)
{
  const Target *target = data;
  g_autofree char *dir = make_data_dir ();
  EnlistAccountManager *manager = new_manager (dir, TRUE);
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user = NULL;
  g_autofree char *record = NULL;
  g_autofree char *expected = NULL;
  EnlistAccount *account;
  const char *address;
  Snapshot snapshot = { ENLIST_REGISTRATION_STAGE_CHANGING_PASSWORD, dir, NULL, NULL, NULL, 0 };
  gboolean saved = FALSE;

  g_assert_true (load_sync (manager, &error));
  g_assert_no_error (error);
  account = register_account (manager, target, "pw", "old password", &user);
  address = enlist_account_get_address (account);
  snapshot.jid = address;

  registration = enlist_account_manager_registration_for_account (manager, account);
  g_signal_connect (registration, "notify::stage", G_CALLBACK (on_stage), &snapshot);
  /* The old password from the keyring. */
  g_assert_true (change_password_sync (manager, registration, account, NULL, "new password",
                                       &saved, &error));
  g_assert_no_error (error);
  g_assert_true (saved);

  /* While the request was out: both passwords, the record says so. */
  g_assert_cmpuint (snapshot.seen, >, 0);
  g_assert_cmpstr (snapshot.keyring, ==, "-=old password pending-password=new password");
  expected = expected_record (address, target_domain (target), target_port (target),
                              "password-change-pending");
  g_assert_cmpstr (snapshot.record, ==, expected);
  snapshot_clear (&snapshot);

  /* Swapped. */
  assert_keyring (address, "-=new password");
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);
  g_clear_pointer (&expected, g_free);
  expected = expected_record (address, target_domain (target), target_port (target), "ready");
  record = record_of (dir, address);
  g_assert_cmpstr (record, ==, expected);
  g_clear_pointer (&record, g_free);
  assert_login_works (target, user, "new password");
  assert_login_refused (target, user, "old password");

  /* A refused change (the old password given is wrong): nothing pending
   * is left, the password in effect stays. */
  g_assert_false (change_password_sync (manager, registration, account, "not the password",
                                        "newer password", &saved, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED);
  g_clear_error (&error);
  g_assert_false (saved);
  assert_keyring (address, "-=new password");
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);
  record = record_of (dir, address);
  g_assert_cmpstr (record, ==, expected);
  g_clear_pointer (&record, g_free);
  assert_login_works (target, user, "new password");

  forget_all (manager);
  enlist_test_finalize (g_steal_pointer (&registration));
  enlist_test_finalize (manager);
  remove_tree (dir);
}

/* ---- delete and forget ------------------------------------------------- */

static void
test_delete (gconstpointer data)
{
  const Target *target = data;
  g_autofree char *dir = make_data_dir ();
  EnlistAccountManager *manager = new_manager (dir, TRUE);
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(EnlistAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user = NULL;
  g_autofree char *address = NULL;
  g_autofree char *record = NULL;

  g_assert_true (load_sync (manager, &error));
  g_assert_no_error (error);
  account = g_object_ref (register_account (manager, target, "del", "delete me", &user));
  address = g_strdup (enlist_account_get_address (account));
  registration = enlist_account_manager_registration_for_account (manager, account);

  /* A wrong password: the server keeps the account, and so do we. */
  g_assert_false (delete_sync (manager, registration, account, "wrong", &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED);
  g_clear_error (&error);
  assert_keyring (address, "-=delete me");
  record = record_of (dir, address);
  g_assert_nonnull (record);
  g_clear_pointer (&record, g_free);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 1);

  /* The password from the keyring. */
  g_assert_true (delete_sync (manager, registration, account, NULL, &error));
  g_assert_no_error (error);
  assert_keyring (address, "");
  record = record_of (dir, address);
  g_assert_null (record);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);
  g_assert_null (enlist_account_manager_lookup (manager, address));
  assert_login_refused (target, user, "delete me");

  enlist_test_finalize (g_steal_pointer (&registration));
  enlist_test_finalize (manager);
  remove_tree (dir);
}

static void
test_forget (gconstpointer data)
{
  const Target *target = data;
  g_autofree char *dir = make_data_dir ();
  EnlistAccountManager *manager = new_manager (dir, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *user = NULL;
  g_autofree char *address = NULL;
  g_autofree char *record = NULL;
  EnlistAccount *account;

  g_assert_true (load_sync (manager, &error));
  g_assert_no_error (error);
  account = register_account (manager, target, "forget", "still here", &user);
  address = g_strdup (enlist_account_get_address (account));

  g_assert_true (forget_sync (manager, account, &error));
  g_assert_no_error (error);
  assert_keyring (address, "");
  record = record_of (dir, address);
  g_assert_null (record);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);
  /* On this computer only: the account itself lives on. */
  assert_login_works (target, user, "still here");

  enlist_test_finalize (manager);
  remove_tree (dir);
}

/* ---- no keyring at all ------------------------------------------------- */

/* In a subprocess whose session bus is nowhere (libsecret keeps its
 * connection for the life of a process): the registration still happens,
 * and the credentials come back to be shown. The parent passes the
 * servers' coordinates in the environment. */
static void
test_keyring_unavailable (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *bus = NULL;
  g_autofree char *user = NULL;
  g_autofree char *address = NULL;
  g_autofree char *record = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(EnlistAccount) account = NULL;
  EnlistAccountManager *manager;
  EnlistAccountManager *second;
  const char *domain, *ca;
  guint16 port;
  gboolean saved = TRUE;
  char *password;

  if (!g_test_subprocess ())
    {
      g_autofree char *port_text = g_strdup_printf ("%u", enlist_test_servers_get_port (servers,
                                                                                      "prosody",
                                                                                      FALSE));

      g_setenv ("ENLIST_TEST_DOMAIN", enlist_test_servers_get_domain (servers), TRUE);
      g_setenv ("ENLIST_TEST_PORT", port_text, TRUE);
      g_setenv ("ENLIST_TEST_CA", enlist_test_servers_get_ca_file (servers), TRUE);
      g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  domain = g_getenv ("ENLIST_TEST_DOMAIN");
  port = (guint16) g_ascii_strtoull (g_getenv ("ENLIST_TEST_PORT"), NULL, 10);
  ca = g_getenv ("ENLIST_TEST_CA");
  dir = make_data_dir ();
  bus = g_strdup_printf ("unix:path=%s/no-such-socket", dir);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", bus, TRUE);
  g_unsetenv ("SECRET_BACKEND");

  manager = enlist_account_manager_new (dir, NULL, NULL);
  g_assert_true (enlist_account_manager_set_ca_file (manager, ca, &error));
  g_assert_no_error (error);
  g_assert_false (load_sync (manager, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_KEYRING_UNAVAILABLE);
  g_clear_error (&error);

  registration = enlist_account_manager_create_registration (manager, domain, "127.0.0.1", port,
                                                             FALSE);
  form = fetch_form (registration);
  user = random_user ("nokeyring");
  fill (form, user, "shown once");
  credentials = register_sync (manager, registration, form, &saved, &account, &error);
  g_assert_no_error (error);
  g_assert_false (saved);
  address = g_strdup_printf ("%s@%s", user, domain);
  g_assert_cmpstr (enlist_credentials_get_address (credentials), ==, address);
  g_assert_cmpstr (enlist_credentials_get_password (credentials), ==, "shown once");
  g_assert_nonnull (account);
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_PASSWORD_NOT_SAVED);
  g_assert_cmpstr (enlist_account_get_status (account), ==,
                   "The password is not saved on this computer");
  expected = expected_record (address, domain, port, "password-not-saved");
  record = record_of (dir, address);
  g_assert_cmpstr (record, ==, expected);
  g_clear_pointer (&record, g_free);
  g_assert_true (login_at (domain, port, ca, user, "shown once", &error));
  g_assert_no_error (error);

  /* Nothing to read it back from. */
  password = lookup_password_sync (manager, account, &error);
  g_assert_null (password);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_KEYRING_UNAVAILABLE);
  g_clear_error (&error);

  /* A password change with the old password given: done, not saved. */
  g_clear_object (&registration);
  registration = enlist_account_manager_registration_for_account (manager, account);
  g_assert_true (change_password_sync (manager, registration, account, "shown once",
                                       "shown twice", &saved, &error));
  g_assert_no_error (error);
  g_assert_false (saved);
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_PASSWORD_NOT_SAVED);
  g_assert_true (login_at (domain, port, ca, user, "shown twice", &error));
  g_assert_no_error (error);

  /* The next start lists it from the file, as recorded. */
  second = enlist_account_manager_new (dir, NULL, NULL);
  g_assert_false (load_sync (second, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_KEYRING_UNAVAILABLE);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (second)), ==, 1);
  g_assert_cmpint (enlist_account_get_state (model_item (second, 0)), ==,
                   ENLIST_ACCOUNT_STATE_PASSWORD_NOT_SAVED);

  g_clear_object (&form);
  g_clear_object (&account);
  enlist_test_finalize (g_steal_pointer (&registration));
  enlist_test_finalize (second);
  enlist_test_finalize (manager);
  remove_tree (dir);
}

/* ---- settling what a crash left ---------------------------------------- */

typedef struct
{
  EnlistAccountManager *manager;
  GPtrArray            *addresses;
  GArray               *outcomes;
  GPtrArray            *messages;
  guint                 still_listed;  /* NOT_REGISTERED accounts still in the model */
} Resolved;

static void
on_pending_resolved (EnlistAccountManager *manager,
                     EnlistAccount        *account,
                     EnlistPendingOutcome  outcome,
                     const char           *message,
                     Resolved             *resolved)
{
  g_assert_false (enlist_account_get_resolving (account));
  g_ptr_array_add (resolved->addresses, g_strdup (enlist_account_get_address (account)));
  g_array_append_val (resolved->outcomes, outcome);
  g_ptr_array_add (resolved->messages, g_strdup (message));
  if (outcome == ENLIST_PENDING_OUTCOME_NOT_REGISTERED &&
      enlist_account_manager_lookup (manager, enlist_account_get_address (account)) != NULL)
    resolved->still_listed++;
}

static void
resolved_init (Resolved             *resolved,
               EnlistAccountManager *manager)
{
  resolved->manager = manager;
  resolved->addresses = g_ptr_array_new_with_free_func (g_free);
  resolved->outcomes = g_array_new (FALSE, FALSE, sizeof (EnlistPendingOutcome));
  resolved->messages = g_ptr_array_new_with_free_func (g_free);
  resolved->still_listed = 0;
  g_signal_connect (manager, "pending-resolved", G_CALLBACK (on_pending_resolved), resolved);
}

static void
resolved_clear (Resolved *resolved)
{
  g_signal_handlers_disconnect_by_data (resolved->manager, resolved);
  g_ptr_array_unref (resolved->addresses);
  g_array_unref (resolved->outcomes);
  g_ptr_array_unref (resolved->messages);
}

static void
resolved_wait (Resolved *resolved,
               guint     count)
{
  while (resolved->addresses->len < count)
    g_main_context_iteration (NULL, TRUE);
}

/* The outcome reported for address (asserting there was exactly one). */
static EnlistPendingOutcome
resolved_outcome (Resolved   *resolved,
                  const char *address,
                  const char *message_part)
{
  EnlistPendingOutcome outcome = ENLIST_PENDING_OUTCOME_UNRESOLVED;
  guint found = 0;

  for (guint i = 0; i < resolved->addresses->len; i++)
    if (strcmp (g_ptr_array_index (resolved->addresses, i), address) == 0)
      {
        const char *message = g_ptr_array_index (resolved->messages, i);

        g_test_message ("%s: %s", address, message);
        g_assert_nonnull (strstr (message, address));
        g_assert_nonnull (strstr (message, message_part));
        outcome = g_array_index (resolved->outcomes, EnlistPendingOutcome, i);
        found++;
      }
  g_assert_cmpuint (found, ==, 1);
  return outcome;
}

static void
write_records (const char  *dir,
               const char  *contents)
{
  g_autofree char *path = file_path (dir);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
}

static char *
raw_record (const char *address,
            guint16     port,
            const char *state)
{
  const char *at = strchr (address, '@');

  return g_strdup_printf ("[%s]\naddress=%s\ndomain=%s\nhost=127.0.0.1\nport=%u\n"
                          "direct-tls=false\ncreated=2026-12-02T11:24:05Z\nstate=%s\n\n",
                          address, address, at + 1, port, state);
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           guint      *count)
{
  (*count)++;
}

/* A registration whose answer never came, for an account the server has
 * (it went through), one it does not have, and one on a server that does
 * not answer: settled at load, in the background. */
static void
test_pending_registration (gconstpointer data)
{
  const Target *target = data;
  const char *domain = enlist_test_servers_get_domain (servers);
  g_autofree char *dir = make_data_dir ();
  g_autofree char *exists_user = random_user ("crashok");
  g_autofree char *missing_user = random_user ("crashgone");
  g_autofree char *away_user = random_user ("crashaway");
  g_autofree char *exists = g_strdup_printf ("%s@%s", exists_user, domain);
  g_autofree char *missing = g_strdup_printf ("%s@%s", missing_user, domain);
  g_autofree char *away = g_strdup_printf ("%s@%s", away_user, domain);
  g_autofree char *r1 = raw_record (exists, target_port (target), "registration-pending");
  g_autofree char *r2 = raw_record (missing, target_port (target), "registration-pending");
  /* Port 1 on loopback: nothing listens, the login fails to connect. */
  g_autofree char *r3 = raw_record (away, 1, "registration-pending");
  g_autofree char *contents = g_strconcat ("[enlist]\nversion=1\n\n", r1, r2, r3, NULL);
  g_autofree char *record = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  EnlistAccountManager *manager;
  Resolved resolved;
  guint n_state = 0, n_resolving = 0, n_status = 0;

  enlist_test_servers_make_user (servers, target->server, exists_user, "it went through");
  store_raw (exists, "pending-registration", "it went through");
  store_raw (missing, "pending-registration", "it did not");
  store_raw (away, "pending-registration", "who knows");
  write_records (dir, contents);

  manager = new_manager (dir, TRUE);
  resolved_init (&resolved, manager);
  g_assert_true (load_sync (manager, &error));
  g_assert_no_error (error);

  /* Listed at once, pending, being checked. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      EnlistAccount *account = model_item (manager, i);

      g_assert_cmpint (enlist_account_get_state (account), ==,
                       ENLIST_ACCOUNT_STATE_REGISTRATION_PENDING);
      g_assert_true (enlist_account_get_resolving (account));
      g_assert_cmpstr (enlist_account_get_status (account), ==,
                       "Checking whether the registration went through…");
    }

  {
    EnlistAccount *account = enlist_account_manager_lookup (manager, exists);

    g_signal_connect (account, "notify::state", G_CALLBACK (on_notify), &n_state);
    g_signal_connect (account, "notify::resolving", G_CALLBACK (on_notify), &n_resolving);
    g_signal_connect (account, "notify::status", G_CALLBACK (on_notify), &n_status);
  }

  resolved_wait (&resolved, 3);
  g_assert_cmpuint (resolved.still_listed, ==, 0);
  /* Front ends follow the account's properties. */
  g_assert_cmpuint (n_state, ==, 1);
  g_assert_cmpuint (n_resolving, ==, 1);
  g_assert_cmpuint (n_status, ==, 2);

  g_assert_cmpint (resolved_outcome (&resolved, exists, "exists"), ==,
                   ENLIST_PENDING_OUTCOME_REGISTERED);
  g_assert_cmpint (enlist_account_get_state (enlist_account_manager_lookup (manager, exists)), ==,
                   ENLIST_ACCOUNT_STATE_READY);
  assert_keyring (exists, "-=it went through");
  expected = expected_record (exists, domain, target_port (target), "ready");
  record = record_of (dir, exists);
  g_assert_cmpstr (record, ==, expected);
  g_clear_pointer (&record, g_free);

  g_assert_cmpint (resolved_outcome (&resolved, missing, "does not exist"), ==,
                   ENLIST_PENDING_OUTCOME_NOT_REGISTERED);
  g_assert_null (enlist_account_manager_lookup (manager, missing));
  assert_keyring (missing, "");
  record = record_of (dir, missing);
  g_assert_null (record);

  /* Never guessed, never dropped. */
  g_assert_cmpint (resolved_outcome (&resolved, away, "could not be checked"), ==,
                   ENLIST_PENDING_OUTCOME_UNRESOLVED);
  {
    EnlistAccount *account = enlist_account_manager_lookup (manager, away);

    g_assert_nonnull (account);
    g_assert_cmpint (enlist_account_get_state (account), ==,
                     ENLIST_ACCOUNT_STATE_REGISTRATION_PENDING);
    g_assert_false (enlist_account_get_resolving (account));
    g_assert_cmpstr (enlist_account_get_status (account), ==,
                     "Whether the registration went through is not known yet");
  }
  assert_keyring (away, "pending-registration=who knows");
  record = record_of (dir, away);
  g_assert_nonnull (strstr (record, "state=registration-pending\n"));
  g_clear_pointer (&record, g_free);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 2);

  /* Asked again on demand: still unresolved, still kept. */
  g_assert_true (resolve_sync (manager, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (resolved.addresses->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (resolved.addresses, 3), ==, away);
  g_assert_cmpint (g_array_index (resolved.outcomes, EnlistPendingOutcome, 3), ==,
                   ENLIST_PENDING_OUTCOME_UNRESOLVED);
  assert_keyring (away, "pending-registration=who knows");

  /* Forgetting the unresolved one takes its pending password. */
  forget_all (manager);
  assert_keyring (away, "");
  assert_keyring (exists, "");

  resolved_clear (&resolved);
  enlist_test_finalize (manager);
  remove_tree (dir);
}

/* A password change whose answer never came: the new password works, only
 * the old one does, or neither. */
static void
test_pending_password (gconstpointer data)
{
  const Target *target = data;
  const char *domain = enlist_test_servers_get_domain (servers);
  g_autofree char *dir = make_data_dir ();
  g_autofree char *new_user = random_user ("chnew");
  g_autofree char *old_user = random_user ("chold");
  g_autofree char *neither_user = random_user ("chneither");
  g_autofree char *with_new = g_strdup_printf ("%s@%s", new_user, domain);
  g_autofree char *with_old = g_strdup_printf ("%s@%s", old_user, domain);
  g_autofree char *with_neither = g_strdup_printf ("%s@%s", neither_user, domain);
  g_autofree char *r1 = raw_record (with_new, target_port (target), "password-change-pending");
  /* The file says ready: the keyring's pending password decides. */
  g_autofree char *r2 = raw_record (with_old, target_port (target), "ready");
  g_autofree char *r3 = raw_record (with_neither, target_port (target), "password-change-pending");
  g_autofree char *contents = g_strconcat ("[enlist]\nversion=1\n\n", r1, r2, r3, NULL);
  g_autofree char *record = NULL;
  g_autoptr(GError) error = NULL;
  EnlistAccountManager *manager;
  EnlistAccount *account;
  Resolved resolved;

  enlist_test_servers_make_user (servers, target->server, new_user, "new one");
  enlist_test_servers_make_user (servers, target->server, old_user, "old one");
  enlist_test_servers_make_user (servers, target->server, neither_user, "a third one");
  for (guint i = 0; i < 3; i++)
    {
      const char *jid = i == 0 ? with_new : i == 1 ? with_old : with_neither;

      store_raw (jid, NULL, "old one");
      store_raw (jid, "pending-password", "new one");
    }
  write_records (dir, contents);

  manager = new_manager (dir, TRUE);
  resolved_init (&resolved, manager);
  g_assert_true (load_sync (manager, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (enlist_account_get_state (model_item (manager, i)), ==,
                     ENLIST_ACCOUNT_STATE_PASSWORD_CHANGE_PENDING);

  resolved_wait (&resolved, 3);

  g_assert_cmpint (resolved_outcome (&resolved, with_new, "went through"), ==,
                   ENLIST_PENDING_OUTCOME_NEW_PASSWORD);
  assert_keyring (with_new, "-=new one");
  account = enlist_account_manager_lookup (manager, with_new);
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);
  record = record_of (dir, with_new);
  g_assert_nonnull (strstr (record, "state=ready\n"));
  g_clear_pointer (&record, g_free);

  g_assert_cmpint (resolved_outcome (&resolved, with_old, "did not go through"), ==,
                   ENLIST_PENDING_OUTCOME_OLD_PASSWORD);
  assert_keyring (with_old, "-=old one");
  account = enlist_account_manager_lookup (manager, with_old);
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);

  g_assert_cmpint (resolved_outcome (&resolved, with_neither, "neither"), ==,
                   ENLIST_PENDING_OUTCOME_UNRESOLVED);
  assert_keyring (with_neither, "-=old one pending-password=new one");
  account = enlist_account_manager_lookup (manager, with_neither);
  g_assert_cmpint (enlist_account_get_state (account), ==,
                   ENLIST_ACCOUNT_STATE_PASSWORD_CHANGE_PENDING);
  record = record_of (dir, with_neither);
  g_assert_nonnull (strstr (record, "state=password-change-pending\n"));
  g_clear_pointer (&record, g_free);
  /* During the change the old password is the one in effect. */
  {
    char *password = lookup_password_sync (manager, account, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (password, ==, "old one");
    enlist_secret_free (password);
  }

  /* Forgetting it takes both passwords. */
  g_assert_true (forget_sync (manager, account, &error));
  g_assert_no_error (error);
  assert_keyring (with_neither, "");

  for (guint i = 0; i < 2; i++)
    {
      account = enlist_account_manager_lookup (manager, i == 0 ? with_new : with_old);
      g_assert_true (forget_sync (manager, account, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);

  resolved_clear (&resolved);
  enlist_test_finalize (manager);
  remove_tree (dir);
}

/* ---- answers that never came (fake server) ------------------------------ */

/* Real servers always answer; for a request whose answer is lost and
 * whose outcome cannot be learnt, the fake server drops the connection on
 * the request and then refuses every login with a temporary failure,
 * until told otherwise. It does SASL PLAIN against a table of accounts. */
typedef struct
{
  EnlistFakeServer *server;
  GHashTable       *accounts;       /* username → password */
  char             *logged_in;
  int               authenticated;  /* the connection that logged in, or -1 */
  gboolean          drop_sets;      /* close instead of answering a register set */
  gboolean          sasl_down;      /* temporary-auth-failure for every login */
  guint             n_sets;
} Fake;

static void
fake_reply (Fake                *fake,
            const EnlistXmlNode *iq,
            const char          *payload)
{
  g_autoptr(GString) out = g_string_new ("<iq type='result' id='");

  enlist_xml_escape_attr (out, enlist_xml_node_get_attr (iq, "id"));
  g_string_append_printf (out, "'>%s</iq>", payload != NULL ? payload : "");
  enlist_fake_server_send (fake->server, out->str);
}

static const char *
fake_value (const EnlistXmlNode *query,
            const char          *name)
{
  const EnlistXmlNode *child = enlist_xml_node_get_child (query, name, ENLIST_NS_REGISTER);

  return child != NULL ? enlist_xml_node_get_text (child) : NULL;
}

static void
fake_auth (Fake                *fake,
           const EnlistXmlNode *auth)
{
  g_autofree guchar *decoded = NULL;
  g_auto(GStrv) parts = NULL;
  const char *valid;
  gsize len = 0;

  if (fake->sasl_down)
    {
      enlist_fake_server_send (fake->server, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                                             "<temporary-auth-failure/></failure>");
      return;
    }

  /* PLAIN: authzid NUL authcid NUL password */
  decoded = g_base64_decode (enlist_xml_node_get_text (auth), &len);
  decoded = g_realloc (decoded, len + 1);
  decoded[len] = '\0';
  for (gsize i = 0; i < len; i++)
    if (decoded[i] == '\0')
      decoded[i] = '\n';
  parts = g_strsplit ((char *) decoded, "\n", 3);
  g_assert_cmpuint (g_strv_length (parts), ==, 3);

  valid = g_hash_table_lookup (fake->accounts, parts[1]);
  if (valid != NULL && strcmp (valid, parts[2]) == 0)
    {
      g_free (fake->logged_in);
      fake->logged_in = g_strdup (parts[1]);
      fake->authenticated = (int) enlist_fake_server_get_current_index (fake->server);
      enlist_fake_server_send (fake->server, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
      enlist_fake_server_restart_stream (fake->server);
    }
  else
    enlist_fake_server_send (fake->server, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                                           "<not-authorized/></failure>");
}

static void
fake_stanza (EnlistFakeServer    *server,
             const EnlistXmlNode *stanza,
             gpointer             user_data)
{
  Fake *fake = user_data;
  const EnlistXmlNode *query;

  if (enlist_xml_node_is (stanza, "auth", ENLIST_NS_SASL))
    {
      fake_auth (fake, stanza);
      return;
    }
  if (!enlist_xml_node_is (stanza, "iq", ENLIST_NS_CLIENT))
    return;

  query = enlist_xml_node_get_child (stanza, "query", ENLIST_NS_REGISTER);
  if (enlist_xml_node_get_child (stanza, "bind", ENLIST_NS_BIND) != NULL)
    {
      g_autofree char *bound = g_strdup_printf ("<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                                                "<jid>%s@fake.test/fake</jid></bind>",
                                                fake->logged_in);
      fake_reply (fake, stanza, bound);
    }
  else if (query == NULL)
    fake_reply (fake, stanza, NULL);
  else if (g_strcmp0 (enlist_xml_node_get_attr (stanza, "type"), "get") == 0)
    fake_reply (fake, stanza, "<query xmlns='jabber:iq:register'><username/><password/></query>");
  else
    {
      fake->n_sets++;
      if (fake->drop_sets)
        {
          /* The request is lost, and so is every way of learning its fate. */
          fake->sasl_down = TRUE;
          enlist_fake_server_close (server);
          return;
        }
      if (enlist_xml_node_get_child (query, "remove", ENLIST_NS_REGISTER) != NULL)
        g_hash_table_remove (fake->accounts, fake->logged_in);
      else
        g_hash_table_replace (fake->accounts, g_strdup (fake_value (query, "username")),
                              g_strdup (fake_value (query, "password")));
      fake_reply (fake, stanza, NULL);
    }
}

/* Both requests of the flows left without an answer: everything stays
 * pending (the registration's password, the new password beside the old),
 * until a login can tell — then settled. */
static void
test_outcome_unknown (void)
{
  g_autofree char *ca = g_test_build_filename (G_TEST_DIST, "fixtures", "fake-server-ca.pem", NULL);
  g_autofree char *dir = make_data_dir ();
  g_autofree char *record = NULL;
  Fake fake = { NULL, NULL, NULL, -1, FALSE, FALSE, 0 };
  EnlistFakeServerOptions options = { .stanza_func = fake_stanza, .user_data = &fake };
  EnlistAccountManager *manager = NULL;
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(EnlistAccount) none = NULL;
  g_autoptr(GError) error = NULL;
  const char *address = "alice@fake.test";
  EnlistAccount *account;
  Resolved resolved;
  gboolean saved = TRUE;
  guint16 fake_port;

  fake.accounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fake.server = enlist_fake_server_new (&options);
  fake_port = enlist_fake_server_get_port (fake.server);

  manager = enlist_account_manager_new (dir, NULL, NULL);
  g_assert_true (enlist_account_manager_set_ca_file (manager, ca, &error));
  g_assert_no_error (error);
  enlist_account_manager_set_timeout (manager, 5000);
  g_assert_true (load_sync (manager, &error));
  g_assert_no_error (error);
  resolved_init (&resolved, manager);

  /* A registration whose answer is lost. */
  registration = enlist_account_manager_create_registration (manager, "fake.test", "127.0.0.1",
                                                             fake_port, FALSE);
  form = fetch_form (registration);
  fill (form, "alice", "secret");
  fake.drop_sets = TRUE;
  credentials = register_sync (manager, registration, form, &saved, &none, &error);
  g_assert_null (credentials);
  g_assert_null (none);
  g_assert_false (saved);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_OUTCOME_UNKNOWN);
  g_clear_error (&error);
  g_assert_cmpuint (fake.n_sets, ==, 1);

  assert_keyring (address, "pending-registration=secret");
  record = record_of (dir, address);
  g_assert_nonnull (strstr (record, "state=registration-pending\n"));
  g_clear_pointer (&record, g_free);
  account = enlist_account_manager_lookup (manager, address);
  g_assert_nonnull (account);
  g_assert_cmpint (enlist_account_get_state (account), ==,
                   ENLIST_ACCOUNT_STATE_REGISTRATION_PENDING);
  g_assert_false (enlist_account_get_resolving (account));

  /* The server still cannot say: kept. */
  g_assert_true (resolve_sync (manager, &error));
  g_assert_no_error (error);
  g_assert_cmpint (resolved_outcome (&resolved, address, "could not be checked"), ==,
                   ENLIST_PENDING_OUTCOME_UNRESOLVED);
  assert_keyring (address, "pending-registration=secret");

  /* It went through after all, and the server can say so now. */
  fake.drop_sets = FALSE;
  fake.sasl_down = FALSE;
  g_hash_table_replace (fake.accounts, g_strdup ("alice"), g_strdup ("secret"));
  g_assert_true (resolve_sync (manager, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (resolved.addresses->len, ==, 2);
  g_assert_cmpint (g_array_index (resolved.outcomes, EnlistPendingOutcome, 1), ==,
                   ENLIST_PENDING_OUTCOME_REGISTERED);
  assert_keyring (address, "-=secret");
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);
  record = record_of (dir, address);
  g_assert_nonnull (strstr (record, "state=ready\n"));
  g_clear_pointer (&record, g_free);

  /* A password change whose answer is lost: both passwords kept. */
  g_clear_object (&registration);
  registration = enlist_account_manager_registration_for_account (manager, account);
  fake.drop_sets = TRUE;
  g_assert_false (change_password_sync (manager, registration, account, NULL, "n3w", &saved,
                                        &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_OUTCOME_UNKNOWN);
  g_clear_error (&error);
  g_assert_false (saved);
  assert_keyring (address, "-=secret pending-password=n3w");
  g_assert_cmpint (enlist_account_get_state (account), ==,
                   ENLIST_ACCOUNT_STATE_PASSWORD_CHANGE_PENDING);
  record = record_of (dir, address);
  g_assert_nonnull (strstr (record, "state=password-change-pending\n"));
  g_clear_pointer (&record, g_free);

  /* It went through: the new password is swapped in. */
  fake.drop_sets = FALSE;
  fake.sasl_down = FALSE;
  g_hash_table_replace (fake.accounts, g_strdup ("alice"), g_strdup ("n3w"));
  g_assert_true (resolve_sync (manager, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (resolved.addresses->len, ==, 3);
  g_assert_cmpint (g_array_index (resolved.outcomes, EnlistPendingOutcome, 2), ==,
                   ENLIST_PENDING_OUTCOME_NEW_PASSWORD);
  assert_keyring (address, "-=n3w");
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);

  forget_all (manager);
  resolved_clear (&resolved);
  g_clear_object (&form);
  enlist_test_finalize (g_steal_pointer (&registration));
  enlist_test_finalize (manager);

  g_clear_object (&fake.server);
  while (enlist_fake_server_get_n_live () > 0)
    g_main_context_iteration (NULL, TRUE);
  g_hash_table_unref (fake.accounts);
  g_free (fake.logged_in);
  remove_tree (dir);
}

/* ---- what the keyring alone knows, and a damaged file ------------------ */

static void
test_keyring_only_and_damaged_file (void)
{
  const Target *target = &targets[0];
  const char *domain = enlist_test_servers_get_domain (servers);
  g_autofree char *dir = make_data_dir ();
  g_autofree char *path = file_path (dir);
  g_autofree char *old_user = random_user ("oldcli");
  g_autofree char *old = g_strdup_printf ("%s@%s", old_user, domain);
  static const char damaged[] = "[enlist]\nversion=1\n\n[alice@example.org\naddress=";
  g_autofree char *after = NULL;
  g_autofree char *user = NULL;
  g_autoptr(GError) error = NULL;
  EnlistAccountManager *manager;
  EnlistAccount *account;
  gsize length;
  char *password;

  /* What enlist-cli register --save left before there was an account file. */
  enlist_test_servers_make_user (servers, target->server, old_user, "from the cli");
  store_raw (old, NULL, "from the cli");
  write_records (dir, damaged);

  manager = new_manager (dir, TRUE);
  g_assert_false (load_sync (manager, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_ACCOUNT_FILE);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);

  /* Listed all the same, without an endpoint. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 1);
  account = model_item (manager, 0);
  g_assert_cmpstr (enlist_account_get_address (account), ==, old);
  g_assert_cmpstr (enlist_account_get_domain (account), ==, domain);
  g_assert_null (enlist_account_get_host (account));
  g_assert_cmpuint (enlist_account_get_port (account), ==, 0);
  g_assert_null (enlist_account_get_created (account));
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);
  password = lookup_password_sync (manager, account, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "from the cli");
  enlist_secret_free (password);

  /* Registering works; the damaged file stays exactly as it was. */
  account = register_account (manager, target, "damaged", "no file", &user);
  assert_keyring (enlist_account_get_address (account), "-=no file");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 2);
  g_assert_true (g_file_get_contents (path, &after, &length, NULL));
  g_assert_cmpmem (after, length, damaged, sizeof damaged - 1);

  g_assert_true (forget_sync (manager, account, &error));
  g_assert_no_error (error);
  account = enlist_account_manager_lookup (manager, old);
  g_assert_true (forget_sync (manager, account, &error));
  g_assert_no_error (error);
  assert_keyring (old, "");

  enlist_test_finalize (manager);
  remove_tree (dir);
}

/* ---- certificate pins -------------------------------------------------- */

static void
test_trust_certificate (void)
{
  const Target *target = &targets[0];
  const char *domain = enlist_test_servers_get_domain (servers);
  g_autofree char *dir = make_data_dir ();
  /* No CA file: the servers' certificate verifies only once pinned. */
  EnlistAccountManager *manager = new_manager (dir, FALSE);
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(EnlistServerInfo) info = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *user = random_user ("pinned");
  g_auto(GStrv) pins = NULL;

  enlist_test_servers_make_user (servers, target->server, user, "pinned");
  pins = enlist_account_manager_dup_pins (manager, domain);
  g_assert_cmpstrv (pins, ((const char *[]) { NULL }));
  g_clear_pointer (&pins, g_strfreev);

  registration = registration_for (manager, target);
  enlist_registration_login_async (registration, user, "pinned", NULL, enlist_test_store_result,
                                   &result);
  info = enlist_registration_login_finish (registration, enlist_test_wait_for (&result), &error);
  g_assert_null (info);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_CERTIFICATE);
  certificate = g_object_ref (enlist_error_get_certificate (error));
  g_clear_error (&error);
  g_clear_object (&result);
  enlist_test_finalize (g_steal_pointer (&registration));

  enlist_account_manager_trust_certificate_async (manager, domain, certificate, NULL,
                                                  enlist_test_store_result, &result);
  g_assert_true (enlist_account_manager_trust_certificate_finish (manager,
                                                                  enlist_test_wait_for (&result),
                                                                  &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  fingerprint = enlist_certificate_get_fingerprint (certificate);
  pins = enlist_account_manager_dup_pins (manager, domain);
  g_assert_cmpstrv (pins, ((const char *[]) { fingerprint, NULL }));

  /* Registrations the manager makes now trust it. */
  registration = registration_for (manager, target);
  enlist_registration_login_async (registration, user, "pinned", NULL, enlist_test_store_result,
                                   &result);
  info = enlist_registration_login_finish (registration, enlist_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);
  g_assert_cmpstr (enlist_server_info_get_trust_reason (info), ==, "pinned");

  g_clear_object (&info);
  g_clear_object (&result);
  enlist_test_finalize (g_steal_pointer (&registration));
  enlist_test_finalize (manager);
  remove_tree (dir);
}

/* ---------------------------------------------------------------------- */

static void
add_for_targets (const char    *name,
                 GTestDataFunc  func)
{
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autofree char *path = g_strdup_printf ("/account-manager/%s/%s", targets[i].name, name);

      g_test_add_data_func (path, &targets[i], func);
    }
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  add_for_targets ("register", test_register);
  add_for_targets ("change-password", test_change_password);
  add_for_targets ("delete", test_delete);
  add_for_targets ("forget", test_forget);
  add_for_targets ("pending-registration", test_pending_registration);
  add_for_targets ("pending-password", test_pending_password);
  g_test_add_func ("/account-manager/keyring-unavailable", test_keyring_unavailable);
  g_test_add_func ("/account-manager/keyring-only-and-damaged-file",
                   test_keyring_only_and_damaged_file);
  g_test_add_func ("/account-manager/trust-certificate", test_trust_certificate);
  g_test_add_func ("/account-manager/fake/outcome-unknown", test_outcome_unknown);

  /* A subprocess is given the servers' coordinates by its parent. A missing
   * server fails here, loudly: it is never a skip. */
  if (!g_test_subprocess ())
    servers = enlist_test_servers_start (TRUE, TRUE);
  result = g_test_run ();
  if (servers != NULL)
    enlist_test_servers_stop (servers);
  return result;
}
