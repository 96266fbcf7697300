/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-accounts.c: what the files of test-account-manager share
 * (enlist-test-accounts.h). */
#define G_LOG_DOMAIN "test-account-manager"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "enlist-account-file.h"
#include "enlist-test-accounts.h"
#include "enlist-test-utils.h"

EnlistTestServers *enlist_test_running_servers;

const EnlistTestTarget enlist_test_targets[] = {
  { "prosody", "prosody", FALSE },
  { "ejabberd", "ejabberd", TRUE },
};

const char *
enlist_test_target_domain (const EnlistTestTarget *target)
{
  return target->nocaptcha ? enlist_test_servers_get_nocaptcha_domain (enlist_test_running_servers)
                           : enlist_test_servers_get_domain (enlist_test_running_servers);
}

guint16
enlist_test_target_port (const EnlistTestTarget *target)
{
  return enlist_test_servers_get_port (enlist_test_running_servers, target->server, FALSE);
}

char *
enlist_test_random_user (const char *prefix)
{
  return g_strdup_printf ("%s%u", prefix, g_random_int_range (0, 100000000));
}

/* ---- the data directory ------------------------------------------------ */

void
enlist_test_remove_tree (const char *path)
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

      enlist_test_remove_tree (child);
    }
  g_dir_close (dir);
  g_rmdir (path);
}

char *
enlist_test_make_data_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("enlist-accounts-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

char *
enlist_test_file_path (const char *data_dir)
{
  return g_build_filename (data_dir, ENLIST_ACCOUNT_FILE_NAME, NULL);
}

/* The account file's group of address as "key=value" lines (NULL when
 * there is none), read with GKeyFile, not the unit under test. */
char *
enlist_test_record_of (const char *data_dir,
                       const char *address)
{
  g_autofree char *path = enlist_test_file_path (data_dir);
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

char *
enlist_test_expected_record (const char *address,
                             const char *domain,
                             guint16     port,
                             const char *state)
{
  return g_strdup_printf ("address=%s\ndomain=%s\nhost=127.0.0.1\nport=%u\ndirect-tls=false\n"
                          "created=yes\nstate=%s\n", address, domain, port, state);
}

void
enlist_test_write_records (const char *dir,
                           const char *contents)
{
  g_autofree char *path = enlist_test_file_path (dir);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
}

/* ---- the manager ------------------------------------------------------- */

EnlistAccountManager *
enlist_test_new_manager (const char *data_dir,
                         gboolean    with_ca)
{
  EnlistAccountManager *manager = enlist_account_manager_new (data_dir, NULL, NULL);
  g_autoptr(GError) error = NULL;

  if (with_ca)
    {
      const char *ca_file = enlist_test_servers_get_ca_file (enlist_test_running_servers);

      g_assert_true (enlist_account_manager_set_ca_file (manager, ca_file, &error));
      g_assert_no_error (error);
    }
  enlist_account_manager_set_timeout (manager, 10000);
  return manager;
}

gboolean
enlist_test_load_sync (EnlistAccountManager *manager,
                       GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_account_manager_load_async (manager, NULL, enlist_test_store_result, &result);
  return enlist_account_manager_load_finish (manager, enlist_test_wait_for (&result), error);
}

EnlistRegistration *
enlist_test_registration_for (EnlistAccountManager   *manager,
                              const EnlistTestTarget *target)
{
  return enlist_account_manager_create_registration (manager, enlist_test_target_domain (target),
                                                     "127.0.0.1", enlist_test_target_port (target),
                                                     FALSE);
}

EnlistDataForm *
enlist_test_fetch_form (EnlistRegistration *registration)
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

void
enlist_test_fill (EnlistDataForm *form,
                  const char     *user,
                  const char     *password)
{
  enlist_form_field_set_value (enlist_data_form_lookup_field (form, "username"), user);
  enlist_form_field_set_value (enlist_data_form_lookup_field (form, "password"), password);
}

EnlistCredentials *
enlist_test_register_sync (EnlistAccountManager *manager,
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

gboolean
enlist_test_change_password_sync (EnlistAccountManager *manager,
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

gboolean
enlist_test_delete_sync (EnlistAccountManager *manager,
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

gboolean
enlist_test_forget_sync (EnlistAccountManager *manager,
                         EnlistAccount        *account,
                         GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_account_manager_forget_async (manager, account, NULL, enlist_test_store_result, &result);
  return enlist_account_manager_forget_finish (manager, enlist_test_wait_for (&result), error);
}

char *
enlist_test_lookup_password_sync (EnlistAccountManager *manager,
                                  EnlistAccount        *account,
                                  GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_account_manager_lookup_password_async (manager, account, NULL, enlist_test_store_result,
                                                &result);
  return enlist_account_manager_lookup_password_finish (manager, enlist_test_wait_for (&result),
                                                        error);
}

gboolean
enlist_test_resolve_sync (EnlistAccountManager *manager,
                          GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_account_manager_resolve_pending_async (manager, NULL, enlist_test_store_result, &result);
  return enlist_account_manager_resolve_pending_finish (manager, enlist_test_wait_for (&result),
                                                        error);
}

/* Logs in from outside the manager, on a registration of its own. */
gboolean
enlist_test_login_at (const char *domain,
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
  return enlist_test_login_at (domain,
                               enlist_test_servers_get_port (enlist_test_running_servers, server,
                                                             FALSE),
                               enlist_test_servers_get_ca_file (enlist_test_running_servers), user,
                               password, error);
}

void
enlist_test_assert_login_works (const EnlistTestTarget *target,
                                const char             *user,
                                const char             *password)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (login_fresh (enlist_test_target_domain (target), target->server, user, password,
                              &error));
  g_assert_no_error (error);
}

void
enlist_test_assert_login_refused (const EnlistTestTarget *target,
                                  const char             *user,
                                  const char             *password)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (login_fresh (enlist_test_target_domain (target), target->server, user, password,
                               &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED);
}

EnlistAccount *
enlist_test_model_item (EnlistAccountManager *manager,
                        guint                 position)
{
  /* The model keeps its own reference: a borrowed pointer is enough here. */
  EnlistAccount *account = g_list_model_get_item (G_LIST_MODEL (manager), position);

  g_object_unref (account);
  return account;
}

/* A new account registered through manager, READY; returns it (a borrowed
 * pointer: the model holds it) and its user name. */
EnlistAccount *
enlist_test_register_account (EnlistAccountManager   *manager,
                              const EnlistTestTarget *target,
                              const char             *prefix,
                              const char             *password,
                              char                  **user_out)
{
  g_autoptr(EnlistRegistration) registration = enlist_test_registration_for (manager, target);
  g_autoptr(EnlistDataForm) form = enlist_test_fetch_form (registration);
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(EnlistAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  gboolean saved = FALSE;

  *user_out = enlist_test_random_user (prefix);
  enlist_test_fill (form, *user_out, password);
  credentials = enlist_test_register_sync (manager, registration, form, &saved, &account, &error);
  g_assert_no_error (error);
  g_assert_true (saved);
  g_assert_nonnull (account);
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);
  return account;
}

/* Forgets every account, so that the next test starts with an empty
 * keyring (they share one session). */
void
enlist_test_forget_all (EnlistAccountManager *manager)
{
  while (g_list_model_get_n_items (G_LIST_MODEL (manager)) > 0)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (enlist_test_forget_sync (manager, enlist_test_model_item (manager, 0),
                                              &error));
      g_assert_no_error (error);
    }
}

/* ---- tests --------------------------------------------------------------- */

void
enlist_test_add_for_targets (const char    *name,
                             GTestDataFunc  func)
{
  for (guint i = 0; i < G_N_ELEMENTS (enlist_test_targets); i++)
    {
      g_autofree char *path = g_strdup_printf ("/account-manager/%s/%s",
                                               enlist_test_targets[i].name, name);

      g_test_add_data_func (path, &enlist_test_targets[i], func);
    }
}
