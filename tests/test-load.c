/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-load.c: the load benchmark's run (bench/enlist-load.c), small: 50
 * registrations through the account manager and 50 logins in flight at
 * once from this process on one main loop, against Prosody with its limits
 * raised (enlist-test-servers start --load), inside tests/keyring-session.
 * Nothing may fail but the server's own refusals; every registered
 * account's password is in the keyring (read back through the manager, and
 * counted from outside with libsecret), then forgotten; the descriptors
 * open afterwards are the ones open before. No time is asserted. */
#define G_LOG_DOMAIN "test-load"

#include "config.h"

#include <libsecret/secret.h>

#include "enlist-load.h"
#include "enlist-test-accounts.h"
#include "enlist-test-servers.h"
#include "enlist-test-utils.h"

#define N_REGISTRATIONS 50
#define N_LOGINS 50

static EnlistTestServers *servers;

/* Enlist's items in the keyring, whatever their state, seen with libsecret. */
static guint
count_keyring_items (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  GList *items;
  guint n;

  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_assert_no_error (error);
  g_hash_table_insert (attributes, (char *) "xdg:schema", (char *) APP_ID);
  items = secret_service_search_sync (service, NULL, attributes, SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  n = g_list_length (items);
  g_list_free_full (items, g_object_unref);
  return n;
}

static void
prepare_sync (EnlistLoad *load,
              guint       n)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  enlist_load_prepare_async (load, n, 50, NULL, enlist_test_store_result, &result);
  g_assert_true (enlist_load_prepare_finish (load, enlist_test_wait_for (&result), &error));
  g_assert_no_error (error);
}

static void
run_sync (EnlistLoad *load,
          guint       n)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_load_run_async (load, n, NULL, enlist_test_store_result, &result);
  enlist_load_run_finish (load, enlist_test_wait_for (&result));
}

static void
check_keyring_sync (EnlistLoad        *load,
                    EnlistLoadKeyring *keyring)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  enlist_load_check_keyring_async (load, NULL, enlist_test_store_result, &result);
  g_assert_true (enlist_load_check_keyring_finish (load, enlist_test_wait_for (&result), keyring,
                                                   &error));
  g_assert_no_error (error);
}

static void
forget_all_sync (EnlistLoad *load)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  enlist_load_forget_all_async (load, NULL, enlist_test_store_result, &result);
  g_assert_true (enlist_load_forget_all_finish (load, enlist_test_wait_for (&result), &error));
  g_assert_no_error (error);
}

static EnlistLoad *
new_load (EnlistAccountManager *manager)
{
  return enlist_load_new (manager, enlist_test_servers_get_domain (servers), "127.0.0.1",
                          enlist_test_servers_get_port (servers, "prosody", FALSE));
}

/* Lets queued callbacks drop their references: the main loop idle for a
 * while (glib-networking hands TLS work to threads, which return to it). */
static void
settle (void)
{
  gint64 quiet_until = g_get_monotonic_time () + 300 * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < quiet_until)
    if (g_main_context_iteration (NULL, FALSE))
      quiet_until = g_get_monotonic_time () + 300 * G_TIME_SPAN_MILLISECOND;
    else
      g_usleep (10000);
}

static void
test_load (void)
{
  g_autofree char *dir = enlist_test_make_data_dir ();
  g_autoptr(EnlistAccountManager) manager = enlist_account_manager_new (dir, NULL, NULL);
  g_autoptr(EnlistLoad) load = NULL;
  g_autoptr(GPtrArray) tallies = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) fds_before = NULL;
  g_auto(GStrv) fds_after = NULL;
  EnlistLoadKeyring keyring;
  guint registered, refused;

  g_assert_true (enlist_account_manager_set_ca_file (manager,
                                                     enlist_test_servers_get_ca_file (servers),
                                                     &error));
  g_assert_no_error (error);
  g_assert_true (enlist_test_load_sync (manager, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_keyring_items (), ==, 0);

  /* Three of each first, two at a time (the cap the scale benchmark
   * uses), forgotten again: what is set up once per process (GnuTLS, the
   * TLS threads, the keyring's session) is then in the baseline. */
  {
    g_autoptr(EnlistLoad) warm = new_load (manager);

    prepare_sync (warm, 3);
    enlist_load_set_max_in_flight (warm, 2);
    run_sync (warm, 3);
    g_assert_cmpuint (enlist_load_get_max_in_flight (warm), ==, 2);
    g_assert_cmpuint (enlist_load_count (warm, ENLIST_LOAD_REGISTRATION, TRUE, FALSE), ==, 3);
    g_assert_cmpuint (enlist_load_count (warm, ENLIST_LOAD_LOGIN, TRUE, FALSE), ==, 3);
    forget_all_sync (warm);
  }
  g_assert_cmpuint (count_keyring_items (), ==, 0);

  load = new_load (manager);
  prepare_sync (load, N_LOGINS);
  settle ();
  fds_before = enlist_load_list_fds ();
  g_assert_nonnull (fds_before);

  run_sync (load, N_REGISTRATIONS);
  g_assert_cmpuint (enlist_load_get_max_in_flight (load), ==, N_REGISTRATIONS + N_LOGINS);

  /* Every outcome said, refusals too; only refusals may be failures. */
  tallies = enlist_load_get_tallies (load);
  for (guint i = 0; i < tallies->len; i++)
    {
      EnlistLoadTally *tally = g_ptr_array_index (tallies, i);

      g_test_message ("%s: %s (%s): %u%s%s", enlist_load_kind_name (tally->kind), tally->what,
                      tally->ok ? "ok" : tally->refusal ? "refusal" : "failure", tally->count,
                      tally->example != NULL ? " — " : "",
                      tally->example != NULL ? tally->example : "");
    }
  g_assert_cmpuint (enlist_load_count (load, ENLIST_LOAD_REGISTRATION, FALSE, FALSE), ==, 0);
  g_assert_cmpuint (enlist_load_count (load, ENLIST_LOAD_LOGIN, FALSE, FALSE), ==, 0);
  registered = enlist_load_count (load, ENLIST_LOAD_REGISTRATION, TRUE, FALSE);
  refused = enlist_load_count (load, ENLIST_LOAD_REGISTRATION, FALSE, TRUE);
  g_assert_cmpuint (registered + refused, ==, N_REGISTRATIONS);
  g_assert_cmpuint (enlist_load_count (load, ENLIST_LOAD_LOGIN, TRUE, FALSE)
                    + enlist_load_count (load, ENLIST_LOAD_LOGIN, FALSE, TRUE), ==, N_LOGINS);

  /* Every registered account's password is in the keyring, nothing else. */
  check_keyring_sync (load, &keyring);
  g_assert_cmpuint (keyring.present, ==, registered);
  g_assert_cmpuint (keyring.pending_only, ==, 0);
  g_assert_cmpuint (keyring.missing, ==, 0);
  g_assert_cmpuint (keyring.wrong, ==, 0);
  g_assert_cmpuint (keyring.pending, ==, 0);
  g_assert_cmpuint (keyring.unexpected, ==, 0);
  g_assert_cmpuint (keyring.entries, ==, registered);
  g_assert_cmpuint (count_keyring_items (), ==, registered);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, registered);

  /* …and gone again. */
  forget_all_sync (load);
  g_assert_cmpuint (count_keyring_items (), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);

  /* No descriptor left open by the run. */
  g_clear_pointer (&tallies, g_ptr_array_unref);
  enlist_test_finalize (g_steal_pointer (&load));
  settle ();
  fds_after = enlist_load_list_fds ();
  g_assert_cmpstrv (fds_after, fds_before);

  enlist_test_finalize (g_steal_pointer (&manager));
  enlist_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/load/registrations-and-logins", test_load);

  /* A missing server fails here, loudly: it is never a skip. */
  servers = enlist_test_servers_start_for_load ();
  result = g_test_run ();
  enlist_test_servers_stop (servers);
  return result;
}
