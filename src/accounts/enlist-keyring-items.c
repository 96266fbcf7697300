/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-keyring-items.c: what Enlist's items in the keyring are: the
 * schema, the attributes of a confirmed and of a pending password, their
 * labels, writing one, the keyring's errors in words a person understands,
 * and listing every item by its attributes alone. */
#define G_LOG_DOMAIN "enlist-keyring"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "enlist-keyring-private.h"

/* The version of the attributes written with each item. Lookups, clears and
 * searches do not match on it, so a later version can still find, migrate
 * and remove items written by this one. */
#define SCHEMA_VERSION 1

/* The schema is named after the application id and its name is matched
 * (SECRET_SCHEMA_NONE rather than SECRET_SCHEMA_DONT_MATCH_NAME): other XMPP
 * clients keep items with a "jid" attribute of their own in the same keyring,
 * and Enlist must never list, read or above all clear those. The development
 * build (.Devel) thereby keeps its own items apart, as it does its settings. */
const SecretSchema enlist_keyring_schema = {
  APP_ID,
  SECRET_SCHEMA_NONE,
  {
    { "jid", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "schema-version", SECRET_SCHEMA_ATTRIBUTE_INTEGER },
    /* Pending passwords (see item_attributes) */
    { "pending-jid", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "state", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

gboolean
enlist_keyring_jid_is_valid (const char *jid)
{
  return jid != NULL && jid[0] != '\0' && g_utf8_validate (jid, -1, NULL);
}

/* Turns what libsecret, GDBus or the portal reported into an
 * ENLIST_ERROR a person understands. Cancellation passes unchanged,
 * so callers can recognise it as G_IO_ERROR_CANCELLED. */
GError *
enlist_keyring_map_error (GError *error)
{
  g_autoptr(GError) owned = error;
  g_autofree char *detail = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&owned);

  if (g_dbus_error_is_remote_error (error))
    g_dbus_error_strip_remote_error (error);
  detail = g_strdup (error->message);

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_KEYRING_LOCKED,
                                _("The keyring is locked and could not be unlocked"));

  /* No session bus, no Secret Service on it, an unreachable portal: the
   * keyring is simply not there. */
  if (error->domain == G_DBUS_ERROR || error->domain == G_IO_ERROR ||
      error->domain == G_SPAWN_ERROR)
    return g_error_new (ENLIST_ERROR, ENLIST_ERROR_KEYRING_UNAVAILABLE,
                        _("The keyring is not available: %s"), detail);

  return g_error_new (ENLIST_ERROR, ENLIST_ERROR_KEYRING_FAILED,
                      _("The keyring reported an error: %s"), detail);
}

/* Attributes */

static const char *
state_to_attribute (EnlistKeyringState state)
{
  switch (state)
    {
    case ENLIST_KEYRING_STATE_PENDING_REGISTRATION:
      return "pending-registration";
    case ENLIST_KEYRING_STATE_PENDING_PASSWORD:
      return "pending-password";
    case ENLIST_KEYRING_STATE_CONFIRMED:
    default:
      return NULL;
    }
}

/* What an item is: a confirmed password has "jid" and no "state"; a
 * pending one "pending-jid" and "state". FALSE for anything else (a state
 * a later version introduced): such items are left alone. */
static gboolean
item_state (GHashTable         *attributes,
            const char        **jid,
            EnlistKeyringState *state)
{
  const char *confirmed = g_hash_table_lookup (attributes, "jid");
  const char *pending = g_hash_table_lookup (attributes, "pending-jid");
  const char *value = g_hash_table_lookup (attributes, "state");

  if (confirmed != NULL && pending == NULL && value == NULL)
    {
      *jid = confirmed;
      *state = ENLIST_KEYRING_STATE_CONFIRMED;
      return TRUE;
    }
  if (confirmed != NULL || pending == NULL || value == NULL)
    return FALSE;

  *jid = pending;
  if (strcmp (value, "pending-registration") == 0)
    *state = ENLIST_KEYRING_STATE_PENDING_REGISTRATION;
  else if (strcmp (value, "pending-password") == 0)
    *state = ENLIST_KEYRING_STATE_PENDING_PASSWORD;
  else
    return FALSE;

  return TRUE;
}

/* What an item of jid in state is written with.
 *
 * A store replaces an existing item that has every attribute stored — a
 * subset match, in gnome-keyring at least — so no item's attributes may be
 * a subset of another's: were the pending item of a JID {jid, state}, storing
 * the confirmed password {jid} would overwrite it. A pending password is
 * therefore keyed by "pending-jid" instead: searches and clears by "jid"
 * never touch it, and the confirmed item (written, since there were pending
 * ones, exactly as before) keeps its attributes. */
static GHashTable *
item_attributes (const char         *jid,
                 EnlistKeyringState  state)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  const char *value = state_to_attribute (state);

  g_hash_table_insert (attributes, (char *) "schema-version",
                       g_strdup_printf ("%d", SCHEMA_VERSION));
  if (value == NULL)
    g_hash_table_insert (attributes, (char *) "jid", g_strdup (jid));
  else
    {
      g_hash_table_insert (attributes, (char *) "pending-jid", g_strdup (jid));
      g_hash_table_insert (attributes, (char *) "state", g_strdup (value));
    }

  return attributes;
}

/* What finds the items of jid in state (and, for the confirmed state, an
 * item with "jid" and a state of a later version: enlist_keyring_item_is_in_state sorts). */
GHashTable *
enlist_keyring_search_attributes (const char         *jid,
                                  EnlistKeyringState  state)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  const char *value = state_to_attribute (state);

  if (value == NULL)
    g_hash_table_insert (attributes, (char *) "jid", g_strdup (jid));
  else
    {
      g_hash_table_insert (attributes, (char *) "pending-jid", g_strdup (jid));
      g_hash_table_insert (attributes, (char *) "state", g_strdup (value));
    }

  return attributes;
}

gboolean
enlist_keyring_item_is_in_state (SecretRetrievable  *item,
                                 EnlistKeyringState  state)
{
  g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (item);
  EnlistKeyringState found;
  const char *jid;

  return attributes != NULL && item_state (attributes, &jid, &found) && found == state;
}

static char *
item_label (const char         *jid,
            EnlistKeyringState  state)
{
  switch (state)
    {
    case ENLIST_KEYRING_STATE_PENDING_REGISTRATION:
      /* TRANSLATORS: the label of a password in the keyring (Passwords and
       * Keys / Seahorse) while the account's registration is not confirmed;
       * %s is the account's address, like alice@example.org */
      return g_strdup_printf (_("XMPP account %s (registration not confirmed)"), jid);
    case ENLIST_KEYRING_STATE_PENDING_PASSWORD:
      /* TRANSLATORS: the label of a new password in the keyring while the
       * server has not confirmed the change; %s is the account's address */
      return g_strdup_printf (_("XMPP account %s (new password, not confirmed)"), jid);
    case ENLIST_KEYRING_STATE_CONFIRMED:
    default:
      /* TRANSLATORS: the label of a password in the keyring (Passwords and
       * Keys / Seahorse); %s is the account's address, like alice@example.org */
      return g_strdup_printf (_("XMPP account %s"), jid);
    }
}

void
enlist_keyring_store_item (const char          *jid,
                           const char          *password,
                           EnlistKeyringState   state,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GHashTable) attributes = item_attributes (jid, state);
  g_autofree char *label = item_label (jid, state);

  enlist_keyring_call_store (attributes, label, password, cancellable, callback, user_data);
}

/* List */

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Sorted, without duplicates, NULL-terminated. */
GStrv
enlist_keyring_sorted_unique (GPtrArray *strings)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_sort (strings, compare_strings);
  for (guint i = 0; i < strings->len; i++)
    {
      const char *s = g_ptr_array_index (strings, i);

      if (out->len == 0 || strcmp (g_ptr_array_index (out, out->len - 1), s) != 0)
        g_ptr_array_add (out, g_strdup (s));
    }
  g_ptr_array_add (out, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

void
enlist_keyring_entry_free (EnlistKeyringEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->jid);
  g_free (entry);
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const EnlistKeyringEntry *ea = *(EnlistKeyringEntry * const *) a;
  const EnlistKeyringEntry *eb = *(EnlistKeyringEntry * const *) b;
  int cmp = strcmp (ea->jid, eb->jid);

  return cmp != 0 ? cmp : (int) ea->state - (int) eb->state;
}

/* Every item of this schema as (jid, state), sorted, without duplicates
 * (the same item can be in several collections). */
static GPtrArray *
entries_from_items (GList *items)
{
  g_autoptr(GPtrArray) all = NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) enlist_keyring_entry_free);

  all = g_ptr_array_new_with_free_func ((GDestroyNotify) enlist_keyring_entry_free);
  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (l->data);
      const char *jid = NULL;
      EnlistKeyringEntry *entry;
      EnlistKeyringState state;

      if (attributes == NULL || !item_state (attributes, &jid, &state)
          || !enlist_keyring_jid_is_valid (jid))
        continue;

      entry = g_new0 (EnlistKeyringEntry, 1);
      entry->jid = g_strdup (jid);
      entry->state = state;
      g_ptr_array_add (all, entry);
    }

  g_ptr_array_sort (all, compare_entries);
  for (guint i = 0; i < all->len; i++)
    {
      EnlistKeyringEntry *entry = g_ptr_array_index (all, i);

      if (out->len > 0 &&
          compare_entries (&g_ptr_array_index (out, out->len - 1), &entry) == 0)
        continue;
      /* Moved, not copied: the slot keeps NULL, which the free function takes. */
      all->pdata[i] = NULL;
      g_ptr_array_add (out, entry);
    }

  return out;
}

static void
on_entries_searched (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GList *items;
  GPtrArray *entries;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, enlist_keyring_map_error (g_steal_pointer (&error)));
      return;
    }

  entries = entries_from_items (items);
  g_list_free_full (items, g_object_unref);

  if (g_task_get_source_tag (task) == enlist_keyring_list_async)
    {
      g_autoptr(GPtrArray) jids = g_ptr_array_new ();

      for (guint i = 0; i < entries->len; i++)
        {
          EnlistKeyringEntry *entry = g_ptr_array_index (entries, i);

          if (entry->state == ENLIST_KEYRING_STATE_CONFIRMED)
            g_ptr_array_add (jids, entry->jid);
        }
      g_task_return_pointer (task, enlist_keyring_sorted_unique (jids),
                             (GDestroyNotify) g_strfreev);
      g_ptr_array_unref (entries);
      return;
    }

  g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
}

static void
start_list (EnlistKeyring       *self,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data,
            gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  /* No attributes: every item of this schema. SECRET_SEARCH_ALL without
   * UNLOCK: names are readable in a locked keyring, and listing accounts is
   * no reason to prompt for the keyring password. */
  enlist_keyring_call_search (attributes, SECRET_SEARCH_ALL, cancellable,
                              on_entries_searched, g_steal_pointer (&task));
}

void
enlist_keyring_list_async (EnlistKeyring       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (ENLIST_IS_KEYRING (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_list (self, cancellable, callback, user_data, enlist_keyring_list_async);
}

GStrv
enlist_keyring_list_finish (EnlistKeyring *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (ENLIST_IS_KEYRING (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == enlist_keyring_list_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
enlist_keyring_list_entries_async (EnlistKeyring       *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (ENLIST_IS_KEYRING (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_list (self, cancellable, callback, user_data, enlist_keyring_list_entries_async);
}

GPtrArray *
enlist_keyring_list_entries_finish (EnlistKeyring *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (ENLIST_IS_KEYRING (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enlist_keyring_list_entries_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

