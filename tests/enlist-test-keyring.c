/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-keyring.c: the test session's keyring seen from outside
 * (see the header). */
#include "config.h"

#include <string.h>

#include <libsecret/secret.h>

#include "enlist-test-keyring.h"

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

char *
enlist_test_keyring_of (const char *jid)
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

void
enlist_test_store_raw (const char *jid,
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

void
enlist_test_clear_keyring (const char *jid)
{
  GList *items = g_list_concat (find_items ("jid", jid), find_items ("pending-jid", jid));

  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (secret_item_delete_sync (l->data, NULL, &error));
      g_assert_no_error (error);
    }
  g_list_free_full (items, g_object_unref);
}
