/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-keyring.c: account passwords in a real gnome-keyring on a private
 * session bus (tests/keyring-session sets both up), and the in-memory
 * fallback when there is no keyring at all. Nothing here spawns a process,
 * so no password is ever in an argument list. */
#define G_LOG_DOMAIN "test-keyring"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "enlist-account-enums.h"
#include "enlist-keyring.h"
#include "enlist-test-utils.h"

/* libsecret 0.20.5 leaks a GPtrArray when an unlock prompt fails (in a static
 * function, so an LSan suppression could only name the whole library, which
 * would hide leaks of what libsecret hands to us). The locked test pauses
 * leak tracking around exactly the two calls that go through that path. */
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#define LIBSECRET_PROMPT_LEAK_BEGIN() __lsan_disable ()
#define LIBSECRET_PROMPT_LEAK_END() __lsan_enable ()
#else
#define LIBSECRET_PROMPT_LEAK_BEGIN() do { } while (0)
#define LIBSECRET_PROMPT_LEAK_END() do { } while (0)
#endif

static gboolean
store (EnlistKeyring *keyring,
       const char    *jid,
       const char    *password,
       GCancellable  *cancellable,
       GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_keyring_store_async (keyring, jid, password, cancellable, enlist_test_store_result, &result);
  return enlist_keyring_store_finish (keyring, enlist_test_wait_for (&result), error);
}

static char *
lookup (EnlistKeyring *keyring,
        const char    *jid,
        GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_keyring_lookup_async (keyring, jid, NULL, enlist_test_store_result, &result);
  return enlist_keyring_lookup_finish (keyring, enlist_test_wait_for (&result), error);
}

static gboolean
clear (EnlistKeyring *keyring,
       const char    *jid,
       GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_keyring_clear_async (keyring, jid, NULL, enlist_test_store_result, &result);
  return enlist_keyring_clear_finish (keyring, enlist_test_wait_for (&result), error);
}

static GStrv
list (EnlistKeyring *keyring,
      GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_keyring_list_async (keyring, NULL, enlist_test_store_result, &result);
  return enlist_keyring_list_finish (keyring, enlist_test_wait_for (&result), error);
}

static gboolean
store_pending (EnlistKeyring      *keyring,
               const char         *jid,
               const char         *password,
               EnlistKeyringState  state,
               GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_keyring_store_pending_async (keyring, jid, password, state, NULL,
                                      enlist_test_store_result, &result);
  return enlist_keyring_store_pending_finish (keyring, enlist_test_wait_for (&result), error);
}

static char *
lookup_pending (EnlistKeyring      *keyring,
                const char         *jid,
                EnlistKeyringState  state,
                GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_keyring_lookup_pending_async (keyring, jid, state, NULL, enlist_test_store_result,
                                       &result);
  return enlist_keyring_lookup_pending_finish (keyring, enlist_test_wait_for (&result), error);
}

static gboolean
confirm (EnlistKeyring      *keyring,
         const char         *jid,
         EnlistKeyringState  state,
         const char         *address,
         GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_keyring_confirm_async (keyring, jid, state, address, NULL, enlist_test_store_result,
                                &result);
  return enlist_keyring_confirm_finish (keyring, enlist_test_wait_for (&result), error);
}

static gboolean
discard_pending (EnlistKeyring      *keyring,
                 const char         *jid,
                 EnlistKeyringState  state,
                 GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_keyring_discard_pending_async (keyring, jid, state, NULL, enlist_test_store_result,
                                        &result);
  return enlist_keyring_discard_pending_finish (keyring, enlist_test_wait_for (&result), error);
}

/* The entries of jid, as "state-nick" strings in order, joined by spaces
 * ("" when none). */
static char *
entries_of (EnlistKeyring *keyring,
            const char    *jid)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GString) out = g_string_new ("");
  g_autoptr(GEnumClass) klass = g_type_class_ref (ENLIST_TYPE_KEYRING_STATE);

  enlist_keyring_list_entries_async (keyring, NULL, enlist_test_store_result, &result);
  entries = enlist_keyring_list_entries_finish (keyring, enlist_test_wait_for (&result), &error);
  g_assert_no_error (error);

  for (guint i = 0; i < entries->len; i++)
    {
      EnlistKeyringEntry *entry = g_ptr_array_index (entries, i);

      if (i > 0)
        {
          EnlistKeyringEntry *previous = g_ptr_array_index (entries, i - 1);
          int cmp = strcmp (previous->jid, entry->jid);

          /* Sorted, no duplicates. */
          g_assert_true (cmp < 0 || (cmp == 0 && previous->state < entry->state));
        }
      if (strcmp (entry->jid, jid) != 0)
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, g_enum_get_value (klass, entry->state)->value_nick);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
assert_entries (EnlistKeyring *keyring,
                const char    *jid,
                const char    *expected)
{
  g_autofree char *entries = entries_of (keyring, jid);

  g_assert_cmpstr (entries, ==, expected);
}

static void
assert_pending (EnlistKeyring      *keyring,
                const char         *jid,
                EnlistKeyringState  state,
                const char         *expected)
{
  g_autoptr(GError) error = NULL;
  char *password = lookup_pending (keyring, jid, state, &error);

  if (expected == NULL)
    {
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_NOT_FOUND);
      g_assert_null (password);
      g_assert_nonnull (strstr (error->message, jid));
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, expected);
  enlist_keyring_password_free (password);
}

static void
assert_password (EnlistKeyring *keyring,
                 const char    *jid,
                 const char    *expected)
{
  g_autoptr(GError) error = NULL;
  char *password = lookup (keyring, jid, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, expected);
  enlist_keyring_password_free (password);
}

static void
assert_not_found (EnlistKeyring *keyring,
                  const char    *jid)
{
  g_autoptr(GError) error = NULL;
  char *password = lookup (keyring, jid, &error);

  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_NOT_FOUND);
  g_assert_null (password);
  g_assert_nonnull (strstr (error->message, jid));
}

static gboolean
listed (EnlistKeyring *keyring,
        const char    *jid)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) jids = list (keyring, &error);

  g_assert_no_error (error);
  g_assert_nonnull (jids);
  return g_strv_contains ((const char * const *) jids, jid);
}

static void
test_round_trip (void)
{
  EnlistKeyring *keyring = enlist_keyring_new ();
  const char *jid = "alice@example.org";
  g_autoptr(GError) error = NULL;

  assert_not_found (keyring, jid);
  g_assert_false (listed (keyring, jid));

  g_assert_true (store (keyring, jid, "first secret", NULL, &error));
  g_assert_no_error (error);
  assert_password (keyring, jid, "first secret");
  g_assert_true (listed (keyring, jid));

  /* Storing again replaces, not adds. */
  g_assert_true (store (keyring, jid, "second secret", NULL, &error));
  g_assert_no_error (error);
  assert_password (keyring, jid, "second secret");
  {
    g_auto(GStrv) jids = list (keyring, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_strv_length (jids), ==, 1);
    g_assert_cmpstr (jids[0], ==, jid);
  }

  g_assert_true (clear (keyring, jid, &error));
  g_assert_no_error (error);
  assert_not_found (keyring, jid);
  g_assert_false (listed (keyring, jid));

  /* Clearing what is not there is not an error. */
  g_assert_true (clear (keyring, jid, &error));
  g_assert_no_error (error);

  g_assert_false (enlist_keyring_has_unsaved (keyring));
  g_assert_finalize_object (keyring);
}

static void
test_two_accounts (void)
{
  EnlistKeyring *keyring = enlist_keyring_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) jids = NULL;

  g_assert_true (store (keyring, "bob@example.org", "bob's", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (store (keyring, "bob@example.net", "other bob's", NULL, &error));
  g_assert_no_error (error);
  assert_password (keyring, "bob@example.org", "bob's");
  assert_password (keyring, "bob@example.net", "other bob's");

  /* A prefix of a stored JID is not that JID. */
  assert_not_found (keyring, "bob@example");

  jids = list (keyring, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char * const *) jids, "bob@example.org"));
  g_assert_true (g_strv_contains ((const char * const *) jids, "bob@example.net"));
  /* Sorted. */
  for (guint i = 1; jids[i] != NULL; i++)
    g_assert_cmpint (g_strcmp0 (jids[i - 1], jids[i]), <, 0);

  g_assert_true (clear (keyring, "bob@example.org", &error));
  g_assert_no_error (error);
  assert_not_found (keyring, "bob@example.org");
  assert_password (keyring, "bob@example.net", "other bob's");
  g_assert_true (listed (keyring, "bob@example.net"));
  g_assert_false (listed (keyring, "bob@example.org"));

  g_assert_true (clear (keyring, "bob@example.net", &error));
  g_assert_no_error (error);
  g_assert_finalize_object (keyring);
}

static void
test_unusual_characters (void)
{
  /* Local parts may hold quotes, ampersands, '+', '%', '*', non-ASCII and
   * more (RFC 7622); a domain may be an IDN. The password too is opaque. */
  static const char *jids[] = {
    "o'brien+\"test\"&co%x*@ünïcödé.example",
    "日本語@例え.テスト",
    "a@b",
  };
  static const char *password = "pässwörd \"with\" 'quotes'\n\ttabs; $(rm -rf /) `x` \\ 🔑";
  EnlistKeyring *keyring = enlist_keyring_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (jids); i++)
    {
      g_assert_true (store (keyring, jids[i], password, NULL, &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (jids); i++)
    {
      assert_password (keyring, jids[i], password);
      g_assert_true (listed (keyring, jids[i]));
    }
  for (guint i = 0; i < G_N_ELEMENTS (jids); i++)
    {
      g_assert_true (clear (keyring, jids[i], &error));
      g_assert_no_error (error);
      assert_not_found (keyring, jids[i]);
    }

  g_assert_finalize_object (keyring);
}

/* The Secret Service items of jid under the schema name, read with the
 * service API (the unit itself must use secret_password_* only). */
static GList *
find_items_by (const char *schema_name,
               const char *key,
               const char *jid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  GList *items;

  /* Without loading collections: SecretCollection proxies left alive would
   * follow every later change through libsecret's signal handlers. */
  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_assert_no_error (error);

  g_hash_table_insert (attributes, (char *) "xdg:schema", (char *) schema_name);
  g_hash_table_insert (attributes, (char *) key, (char *) jid);
  items = secret_service_search_sync (service, NULL, attributes, SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  return items;
}

static GList *
find_items (const char *schema_name,
            const char *jid)
{
  return find_items_by (schema_name, "jid", jid);
}

static void
test_item_label_and_attributes (void)
{
  EnlistKeyring *keyring = enlist_keyring_new ();
  const char *jid = "carol@example.org";
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *label = NULL;
  GList *items;

  g_assert_true (store (keyring, jid, "carol's", NULL, &error));
  g_assert_no_error (error);

  items = find_items (APP_ID, jid);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  label = secret_item_get_label (items->data);
  /* The untranslated form of _("XMPP account %s") (tests run in the C locale). */
  g_assert_cmpstr (label, ==, "XMPP account carol@example.org");
  attributes = secret_item_get_attributes (items->data);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "jid"), ==, jid);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "schema-version"), ==, "1");
  g_assert_cmpstr (g_hash_table_lookup (attributes, "xdg:schema"), ==, APP_ID);
  g_list_free_full (items, g_object_unref);

  g_assert_true (clear (keyring, jid, &error));
  g_assert_no_error (error);
  items = find_items (APP_ID, jid);
  g_assert_null (items);

  g_assert_finalize_object (keyring);
}

/* Another application's item with the same "jid" attribute is never listed,
 * read or removed: the schema name is matched. */
static void
test_other_schema_untouched (void)
{
  static const SecretSchema other_schema = {
    "org.example.OtherXmppClient", SECRET_SCHEMA_NONE,
    { { "jid", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
  };
  EnlistKeyring *keyring = enlist_keyring_new ();
  const char *jid = "dave@example.org";
  g_autoptr(GError) error = NULL;
  GList *items;

  secret_password_store_sync (&other_schema, SECRET_COLLECTION_DEFAULT, "other client",
                              "not enlist's", NULL, &error, "jid", jid, NULL);
  g_assert_no_error (error);

  assert_not_found (keyring, jid);
  g_assert_false (listed (keyring, jid));
  g_assert_true (clear (keyring, jid, &error));
  g_assert_no_error (error);

  items = find_items ("org.example.OtherXmppClient", jid);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  g_list_free_full (items, g_object_unref);

  g_assert_true (secret_password_clear_sync (&other_schema, NULL, &error, "jid", jid, NULL));
  g_assert_no_error (error);
  g_assert_finalize_object (keyring);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The secrets and "state" attributes of jid's items, as "state=secret"
 * sorted and joined by spaces ("-" for no state), read with the service
 * API: what is really in the keyring. */
static char *
raw_items (const char *jid)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  GList *items = g_list_concat (find_items (APP_ID, jid),
                                find_items_by (APP_ID, "pending-jid", jid));

  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GHashTable) attributes = secret_item_get_attributes (l->data);
      g_autoptr(SecretValue) value = NULL;
      const char *state = g_hash_table_lookup (attributes, "state");

      g_assert_true (secret_item_load_secret_sync (l->data, NULL, &error));
      g_assert_no_error (error);
      value = secret_item_get_secret (l->data);
      g_ptr_array_add (parts, g_strdup_printf ("%s=%s", state != NULL ? state : "-",
                                               secret_value_get_text (value)));
    }
  g_list_free_full (items, g_object_unref);

  g_ptr_array_sort (parts, compare_strings);
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" ", (char **) parts->pdata);
}

static void
assert_raw (const char *jid,
            const char *expected)
{
  g_autofree char *raw = raw_items (jid);

  g_assert_cmpstr (raw, ==, expected);
}

/* A registration's password: pending before the request, under its own
 * label; not the account's password (lookup, list) until confirmed, then
 * re-keyed to the address as the server spells it. */
static void
test_pending_registration (void)
{
  EnlistKeyring *keyring = enlist_keyring_new ();
  const char *jid = "Kim@example.org";
  const char *spelled = "kim@example.org";
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  GList *items;

  g_assert_true (store_pending (keyring, jid, "kim's", ENLIST_KEYRING_STATE_PENDING_REGISTRATION,
                                &error));
  g_assert_no_error (error);
  assert_raw (jid, "pending-registration=kim's");
  /* Not found by "jid": nothing that looks for confirmed passwords sees it. */
  g_assert_null (find_items (APP_ID, jid));
  items = find_items_by (APP_ID, "pending-jid", jid);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  label = secret_item_get_label (items->data);
  g_assert_cmpstr (label, ==, "XMPP account Kim@example.org (registration not confirmed)");
  {
    g_autoptr(GHashTable) attributes = secret_item_get_attributes (items->data);

    g_assert_cmpstr (g_hash_table_lookup (attributes, "state"), ==, "pending-registration");
    g_assert_cmpstr (g_hash_table_lookup (attributes, "schema-version"), ==, "1");
    g_assert_cmpuint (g_hash_table_size (attributes), ==, 4);
  }
  g_list_free_full (items, g_object_unref);

  assert_not_found (keyring, jid);
  g_assert_false (listed (keyring, jid));
  assert_entries (keyring, jid, "pending-registration");
  assert_pending (keyring, jid, ENLIST_KEYRING_STATE_PENDING_REGISTRATION, "kim's");
  assert_pending (keyring, jid, ENLIST_KEYRING_STATE_PENDING_PASSWORD, NULL);
  /* Nothing in memory: a pending password is the caller's to keep. */
  g_assert_false (enlist_keyring_has_unsaved (keyring));

  /* Again: replaced, not added. */
  g_assert_true (store_pending (keyring, jid, "kim's 2", ENLIST_KEYRING_STATE_PENDING_REGISTRATION,
                                &error));
  g_assert_no_error (error);
  assert_raw (jid, "pending-registration=kim's 2");

  g_assert_true (confirm (keyring, jid, ENLIST_KEYRING_STATE_PENDING_REGISTRATION, spelled,
                          &error));
  g_assert_no_error (error);
  assert_raw (jid, "");
  assert_raw (spelled, "-=kim's 2");
  assert_password (keyring, spelled, "kim's 2");
  assert_pending (keyring, jid, ENLIST_KEYRING_STATE_PENDING_REGISTRATION, NULL);
  assert_entries (keyring, jid, "");
  assert_entries (keyring, spelled, "confirmed");
  g_assert_true (listed (keyring, spelled));

  /* Nothing left to confirm. */
  g_assert_false (confirm (keyring, jid, ENLIST_KEYRING_STATE_PENDING_REGISTRATION, spelled,
                           &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_NOT_FOUND);
  g_clear_error (&error);
  assert_password (keyring, spelled, "kim's 2");

  /* Confirmed under the same address: the confirmed item is stored while
   * the pending one is still there, and must not replace it. */
  g_assert_true (store_pending (keyring, "pat@example.org", "pat's",
                                ENLIST_KEYRING_STATE_PENDING_REGISTRATION, &error));
  g_assert_no_error (error);
  g_assert_true (confirm (keyring, "pat@example.org", ENLIST_KEYRING_STATE_PENDING_REGISTRATION,
                          NULL, &error));
  g_assert_no_error (error);
  assert_raw ("pat@example.org", "-=pat's");
  g_assert_true (clear (keyring, "pat@example.org", &error));
  g_assert_no_error (error);

  /* A refused registration: discarded. */
  g_assert_true (store_pending (keyring, "lee@example.org", "lee's",
                                ENLIST_KEYRING_STATE_PENDING_REGISTRATION, &error));
  g_assert_no_error (error);
  g_assert_true (discard_pending (keyring, "lee@example.org",
                                  ENLIST_KEYRING_STATE_PENDING_REGISTRATION, &error));
  g_assert_no_error (error);
  assert_raw ("lee@example.org", "");
  assert_entries (keyring, "lee@example.org", "");

  g_assert_true (clear (keyring, spelled, &error));
  g_assert_no_error (error);
  assert_raw (spelled, "");
  g_assert_finalize_object (keyring);
}

/* A password change: the new password is a second item beside the
 * confirmed one; a refusal discards it, leaving the old; a confirmation
 * swaps it in. */
static void
test_pending_password (void)
{
  EnlistKeyring *keyring = enlist_keyring_new ();
  const char *jid = "mia@example.org";
  g_autoptr(GError) error = NULL;

  g_assert_true (store (keyring, jid, "old", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (store_pending (keyring, jid, "new", ENLIST_KEYRING_STATE_PENDING_PASSWORD,
                                &error));
  g_assert_no_error (error);
  assert_raw (jid, "-=old pending-password=new");
  assert_password (keyring, jid, "old");
  assert_pending (keyring, jid, ENLIST_KEYRING_STATE_PENDING_PASSWORD, "new");
  assert_entries (keyring, jid, "confirmed pending-password");
  g_assert_true (listed (keyring, jid));

  /* Storing the confirmed password leaves the pending one alone (and the
   * other way round), whichever is found first. */
  g_assert_true (store (keyring, jid, "old again", NULL, &error));
  g_assert_no_error (error);
  assert_raw (jid, "-=old again pending-password=new");

  g_assert_true (discard_pending (keyring, jid, ENLIST_KEYRING_STATE_PENDING_PASSWORD, &error));
  g_assert_no_error (error);
  assert_raw (jid, "-=old again");
  assert_password (keyring, jid, "old again");
  /* Discarding what is not there is fine, and leaves the confirmed one. */
  g_assert_true (discard_pending (keyring, jid, ENLIST_KEYRING_STATE_PENDING_PASSWORD, &error));
  g_assert_no_error (error);
  assert_raw (jid, "-=old again");

  g_assert_true (store_pending (keyring, jid, "newer", ENLIST_KEYRING_STATE_PENDING_PASSWORD,
                                &error));
  g_assert_no_error (error);
  g_assert_true (confirm (keyring, jid, ENLIST_KEYRING_STATE_PENDING_PASSWORD, NULL, &error));
  g_assert_no_error (error);
  assert_raw (jid, "-=newer");
  assert_password (keyring, jid, "newer");
  assert_entries (keyring, jid, "confirmed");

  /* Clearing takes every item of the JID, pending ones too. */
  g_assert_true (store_pending (keyring, jid, "newest", ENLIST_KEYRING_STATE_PENDING_PASSWORD,
                                &error));
  g_assert_no_error (error);
  g_assert_true (clear (keyring, jid, &error));
  g_assert_no_error (error);
  assert_raw (jid, "");
  assert_entries (keyring, jid, "");

  g_assert_finalize_object (keyring);
}

/* An item in a state a later Enlist introduced is neither listed, nor
 * read, nor discarded as one of ours. */
static void
test_unknown_state_untouched (void)
{
  EnlistKeyring *keyring = enlist_keyring_new ();
  static const SecretSchema schema = {
    APP_ID, SECRET_SCHEMA_NONE,
    { { "pending-jid", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "state", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
  };
  const char *jid = "noa@example.org";
  g_autoptr(GError) error = NULL;

  secret_password_store_sync (&schema, SECRET_COLLECTION_DEFAULT, "later", "later's", NULL, &error,
                              "pending-jid", jid, "state", "pending-teleport", NULL);
  g_assert_no_error (error);

  assert_entries (keyring, jid, "");
  assert_not_found (keyring, jid);
  assert_pending (keyring, jid, ENLIST_KEYRING_STATE_PENDING_PASSWORD, NULL);
  g_assert_true (discard_pending (keyring, jid, ENLIST_KEYRING_STATE_PENDING_PASSWORD, &error));
  g_assert_no_error (error);
  assert_raw (jid, "pending-teleport=later's");

  g_assert_true (clear (keyring, jid, &error));
  g_assert_no_error (error);
  assert_raw (jid, "");
  g_assert_finalize_object (keyring);
}

static void
on_notify_count (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

/* A store cut short keeps the password in memory; storing it properly later
 * drops the in-memory copy. */
static void
test_cancelled_store_keeps_password (void)
{
  EnlistKeyring *keyring = enlist_keyring_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  const char *jid = "erin@example.org";
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) unsaved = NULL;
  char *password;
  guint notified = 0;

  g_signal_connect (keyring, "notify::has-unsaved", G_CALLBACK (on_notify_count), &notified);

  g_cancellable_cancel (cancellable);
  g_assert_false (store (keyring, jid, "erin's", cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  g_assert_true (enlist_keyring_has_unsaved (keyring));
  g_assert_cmpuint (notified, ==, 1);
  unsaved = enlist_keyring_get_unsaved (keyring);
  g_assert_cmpstrv (unsaved, ((const char *[]) { jid, NULL }));
  password = enlist_keyring_dup_unsaved_password (keyring, jid);
  g_assert_cmpstr (password, ==, "erin's");
  enlist_keyring_password_free (password);

  g_assert_true (store (keyring, jid, "erin's", NULL, &error));
  g_assert_no_error (error);
  g_assert_false (enlist_keyring_has_unsaved (keyring));
  g_assert_cmpuint (notified, ==, 2);
  g_assert_null (enlist_keyring_dup_unsaved_password (keyring, jid));
  assert_password (keyring, jid, "erin's");

  g_assert_true (clear (keyring, jid, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (keyring);
}

/* No session bus at all (in a subprocess, since libsecret and GDBus keep
 * their connection for the life of the process): every operation says the
 * keyring is not available, and stored credentials stay in memory. */
static void
test_unavailable_keeps_password (void)
{
  EnlistKeyring *keyring;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) unsaved = NULL;
  g_auto(GStrv) jids = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *address = NULL;
  char *password;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  tmp = g_dir_make_tmp ("enlist-no-bus-XXXXXX", &error);
  g_assert_no_error (error);
  address = g_strdup_printf ("unix:path=%s/no-such-socket", tmp);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
  g_unsetenv ("SECRET_BACKEND");

  keyring = enlist_keyring_new ();

  g_assert_false (store (keyring, "frank@example.org", "frank's", NULL, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_KEYRING_UNAVAILABLE);
  g_assert_true (g_str_has_prefix (error->message, "The keyring is not available: "));
  g_assert_null (strstr (error->message, "frank's"));
  g_clear_error (&error);

  g_assert_false (store (keyring, "grace@example.org", "grace's", NULL, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_KEYRING_UNAVAILABLE);
  g_clear_error (&error);

  /* A second failed store of the same JID keeps the newer password. */
  g_assert_false (store (keyring, "frank@example.org", "frank's new", NULL, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_KEYRING_UNAVAILABLE);
  g_clear_error (&error);

  unsaved = enlist_keyring_get_unsaved (keyring);
  g_assert_cmpstrv (unsaved, ((const char *[]) { "frank@example.org", "grace@example.org", NULL }));
  password = enlist_keyring_dup_unsaved_password (keyring, "frank@example.org");
  g_assert_cmpstr (password, ==, "frank's new");
  enlist_keyring_password_free (password);
  g_assert_null (enlist_keyring_dup_unsaved_password (keyring, "nobody@example.org"));

  password = lookup (keyring, "frank@example.org", &error);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_KEYRING_UNAVAILABLE);
  g_assert_null (password);
  g_clear_error (&error);

  jids = list (keyring, &error);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_KEYRING_UNAVAILABLE);
  g_assert_null (jids);
  g_clear_error (&error);

  /* Clearing (a deleted account) drops the in-memory copy even though the
   * keyring cannot be reached. */
  g_assert_false (clear (keyring, "grace@example.org", &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_KEYRING_UNAVAILABLE);
  g_clear_error (&error);
  g_assert_null (enlist_keyring_dup_unsaved_password (keyring, "grace@example.org"));
  g_strfreev (g_steal_pointer (&unsaved));
  unsaved = enlist_keyring_get_unsaved (keyring);
  g_assert_cmpstrv (unsaved, ((const char *[]) { "frank@example.org", NULL }));
  g_assert_true (enlist_keyring_has_unsaved (keyring));

  /* A pending password the keyring cannot take is not kept in memory: its
   * owner still has it. */
  g_assert_false (store_pending (keyring, "judy@example.org", "judy's",
                                 ENLIST_KEYRING_STATE_PENDING_REGISTRATION, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_KEYRING_UNAVAILABLE);
  g_clear_error (&error);
  g_assert_null (enlist_keyring_dup_unsaved_password (keyring, "judy@example.org"));
  password = lookup_pending (keyring, "judy@example.org", ENLIST_KEYRING_STATE_PENDING_REGISTRATION,
                             &error);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_KEYRING_UNAVAILABLE);
  g_assert_null (password);
  g_clear_error (&error);

  g_assert_finalize_object (keyring);
  g_assert_no_errno (g_rmdir (tmp));
}

/* A keyring that is locked and cannot be unlocked (here the unlock prompt
 * cannot appear: there is no display): lookups and stores say so, and a
 * password that could not be stored stays in memory. The daemon then stays
 * locked, so this test is added last. */
static void
test_locked (void)
{
  EnlistKeyring *keyring = enlist_keyring_new ();
  const char *jid = "heidi@example.org";
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  g_autolist(GDBusProxy) locked = NULL;
  GList *objects;
  char *password;

  g_assert_true (store (keyring, jid, "heidi's", NULL, &error));
  g_assert_no_error (error);

  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_assert_no_error (error);
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (collection);
  objects = g_list_append (NULL, collection);
  g_assert_cmpint (secret_service_lock_sync (service, objects, NULL, &locked, &error), ==, 1);
  g_assert_no_error (error);
  g_list_free (objects);
  g_assert_true (secret_collection_get_locked (collection));
  g_clear_object (&collection);

  LIBSECRET_PROMPT_LEAK_BEGIN ();
  password = lookup (keyring, jid, &error);
  LIBSECRET_PROMPT_LEAK_END ();
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_KEYRING_LOCKED);
  g_assert_cmpstr (error->message, ==, "The keyring is locked and could not be unlocked");
  g_assert_null (password);
  g_clear_error (&error);

  /* Names stay readable without unlocking. */
  g_assert_true (listed (keyring, jid));

  LIBSECRET_PROMPT_LEAK_BEGIN ();
  g_assert_false (store (keyring, "ivan@example.org", "ivan's", NULL, &error));
  LIBSECRET_PROMPT_LEAK_END ();
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_KEYRING_LOCKED);
  g_clear_error (&error);
  password = enlist_keyring_dup_unsaved_password (keyring, "ivan@example.org");
  g_assert_cmpstr (password, ==, "ivan's");
  enlist_keyring_password_free (password);

  g_assert_finalize_object (keyring);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/keyring/round-trip", test_round_trip);
  g_test_add_func ("/keyring/two-accounts", test_two_accounts);
  g_test_add_func ("/keyring/unusual-characters", test_unusual_characters);
  g_test_add_func ("/keyring/item-label-and-attributes", test_item_label_and_attributes);
  g_test_add_func ("/keyring/other-schema-untouched", test_other_schema_untouched);
  g_test_add_func ("/keyring/pending-registration", test_pending_registration);
  g_test_add_func ("/keyring/pending-password", test_pending_password);
  g_test_add_func ("/keyring/unknown-state-untouched", test_unknown_state_untouched);
  g_test_add_func ("/keyring/cancelled-store-keeps-password", test_cancelled_store_keeps_password);
  g_test_add_func ("/keyring/unavailable-keeps-password", test_unavailable_keeps_password);
  g_test_add_func ("/keyring/locked", test_locked);

  return g_test_run ();
}
