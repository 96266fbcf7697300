/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-keyring.c: account passwords in the desktop keyring, and the
 * in-memory fallback for new credentials the keyring could not take.
 *
 * Only the secret_password_* API of libsecret is used: inside Flatpak it is
 * the only one backed by the portal's local storage. */
#define G_LOG_DOMAIN "enlist-keyring"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "enlist-keyring.h"
#include "enlist-text.h"

/* The version of the attributes written with each item. Lookups, clears and
 * searches do not match on it, so a later version can still find, migrate
 * and remove items written by this one. */
#define SCHEMA_VERSION 1

/* The schema is named after the application id and its name is matched
 * (SECRET_SCHEMA_NONE rather than SECRET_SCHEMA_DONT_MATCH_NAME): other XMPP
 * clients keep items with a "jid" attribute of their own in the same keyring,
 * and Enlist must never list, read or above all clear those. The development
 * build (.Devel) thereby keeps its own items apart, as it does its settings. */
static const SecretSchema keyring_schema = {
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

struct _EnlistKeyring
{
  GObject     parent_instance;

  /* Bare JID → password (wiped when removed) that failed to store. */
  GHashTable *unsaved;
};

G_DEFINE_FINAL_TYPE (EnlistKeyring, enlist_keyring, G_TYPE_OBJECT)


enum {
  PROP_0,
  PROP_HAS_UNSAVED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
enlist_keyring_password_free (char *password)
{
  enlist_secret_free (password);
}

static gboolean
jid_is_valid (const char *jid)
{
  return jid != NULL && jid[0] != '\0' && g_utf8_validate (jid, -1, NULL);
}

/* Turns what libsecret, GDBus or the portal reported into an
 * ENLIST_ERROR a person understands. Cancellation passes unchanged,
 * so callers can recognise it as G_IO_ERROR_CANCELLED. */
static GError *
map_error (GError *error)
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
 * item with "jid" and a state of a later version: item_is_in_state sorts). */
static GHashTable *
search_attributes (const char         *jid,
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

static gboolean
item_is_in_state (SecretRetrievable  *item,
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

/* Store */

typedef struct
{
  char               *jid;
  char               *password;
  EnlistKeyringState  state;
  /* confirm: the JID the confirmed item is stored under */
  char               *address;
} StoreData;

static void
store_data_free (StoreData *data)
{
  g_free (data->jid);
  enlist_keyring_password_free (data->password);
  g_free (data->address);
  g_free (data);
}

static void
keep_unsaved (EnlistKeyring *self,
              StoreData     *data)
{
  gboolean had_unsaved = g_hash_table_size (self->unsaved) > 0;

  g_hash_table_replace (self->unsaved, g_strdup (data->jid), g_strdup (data->password));
  if (!had_unsaved)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_UNSAVED]);
}

static void
drop_unsaved (EnlistKeyring *self,
              const char    *jid)
{
  if (g_hash_table_remove (self->unsaved, jid) && g_hash_table_size (self->unsaved) == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_UNSAVED]);
}

static void
store_item (const char          *jid,
            const char          *password,
            EnlistKeyringState   state,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GHashTable) attributes = item_attributes (jid, state);
  g_autofree char *label = item_label (jid, state);

  secret_password_storev (&keyring_schema, attributes, SECRET_COLLECTION_DEFAULT, label, password,
                          cancellable, callback, user_data);
}

static void
on_password_stored (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistKeyring *self = g_task_get_source_object (task);
  StoreData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      /* Even when cancelled: credentials of a new account must not be lost.
       * A pending password is not credentials yet: whoever stored it holds
       * it until the server answered. */
      if (data->state == ENLIST_KEYRING_STATE_CONFIRMED)
        keep_unsaved (self, data);
      g_task_return_error (task, map_error (g_steal_pointer (&error)));
      return;
    }

  if (data->state == ENLIST_KEYRING_STATE_CONFIRMED)
    drop_unsaved (self, data->jid);
  g_task_return_boolean (task, TRUE);
}

static void
start_store (EnlistKeyring       *self,
             const char          *jid,
             const char          *password,
             EnlistKeyringState   state,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data,
             gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  StoreData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  /* The result must reflect what happened to the password, which is kept in
   * memory on cancellation; report the cancellation only from libsecret. */
  g_task_set_check_cancellable (task, FALSE);

  data = g_new0 (StoreData, 1);
  data->jid = g_strdup (jid);
  data->password = g_strdup (password);
  data->state = state;
  g_task_set_task_data (task, data, (GDestroyNotify) store_data_free);

  store_item (data->jid, data->password, state, cancellable, on_password_stored,
              g_steal_pointer (&task));
}

void
enlist_keyring_store_async (EnlistKeyring       *self,
                            const char          *jid,
                            const char          *password,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (ENLIST_IS_KEYRING (self));
  g_return_if_fail (jid_is_valid (jid));
  g_return_if_fail (password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_store (self, jid, password, ENLIST_KEYRING_STATE_CONFIRMED, cancellable, callback,
               user_data, enlist_keyring_store_async);
}

gboolean
enlist_keyring_store_finish (EnlistKeyring *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (ENLIST_IS_KEYRING (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == enlist_keyring_store_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
enlist_keyring_store_pending_async (EnlistKeyring       *self,
                                    const char          *jid,
                                    const char          *password,
                                    EnlistKeyringState   state,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (ENLIST_IS_KEYRING (self));
  g_return_if_fail (jid_is_valid (jid));
  g_return_if_fail (password != NULL);
  g_return_if_fail (state == ENLIST_KEYRING_STATE_PENDING_REGISTRATION ||
                    state == ENLIST_KEYRING_STATE_PENDING_PASSWORD);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_store (self, jid, password, state, cancellable, callback, user_data,
               enlist_keyring_store_pending_async);
}

gboolean
enlist_keyring_store_pending_finish (EnlistKeyring *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (ENLIST_IS_KEYRING (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enlist_keyring_store_pending_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Lookup
 *
 * A search (unlocking what it finds, which may prompt), then the secret of
 * the first item in the state asked for. libsecret's own lookup cannot be
 * used: it takes any item that has the attributes asked for, and the
 * confirmed item's attributes are a subset of a pending one's. */

typedef struct
{
  char               *jid;
  EnlistKeyringState  state;
} LookupData;

static void
lookup_data_free (LookupData *data)
{
  g_free (data->jid);
  g_free (data);
}

static void
on_secret_retrieved (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  SecretValue *value;
  const char *text;
  char *password;

  value = secret_retrievable_retrieve_secret_finish (SECRET_RETRIEVABLE (source), result, &error);
  if (value == NULL)
    {
      if (error == NULL)
        /* An item whose collection stayed locked has no secret to give. */
        g_task_return_new_error (task, ENLIST_ERROR, ENLIST_ERROR_KEYRING_LOCKED, "%s",
                                 _("The keyring is locked and could not be unlocked"));
      else
        g_task_return_error (task, map_error (g_steal_pointer (&error)));
      return;
    }

  text = secret_value_get_text (value);
  if (text == NULL)
    {
      secret_value_unref (value);
      g_task_return_new_error (task, ENLIST_ERROR, ENLIST_ERROR_KEYRING_FAILED, "%s",
                               _("The password in the keyring is not text"));
      return;
    }

  /* Copied so that the caller frees it like every other password here;
   * libsecret wipes its own copy with the value. */
  password = g_strdup (text);
  secret_value_unref (value);
  g_task_return_pointer (task, password, (GDestroyNotify) enlist_keyring_password_free);
}

static void
on_lookup_searched (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LookupData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SecretRetrievable *found = NULL;
  GCancellable *cancellable;
  GList *items;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, map_error (g_steal_pointer (&error)));
      return;
    }

  for (GList *l = items; l != NULL && found == NULL; l = l->next)
    if (item_is_in_state (l->data, data->state))
      found = g_object_ref (l->data);
  g_list_free_full (items, g_object_unref);

  if (found == NULL)
    {
      if (data->state == ENLIST_KEYRING_STATE_CONFIRMED)
        g_task_return_new_error (task, ENLIST_ERROR, ENLIST_ERROR_NOT_FOUND,
                                 _("No password is stored for %s"), data->jid);
      else
        g_task_return_new_error (task, ENLIST_ERROR, ENLIST_ERROR_NOT_FOUND,
                                 _("No unconfirmed password is stored for %s"), data->jid);
      return;
    }

  cancellable = g_task_get_cancellable (task);
  secret_retrievable_retrieve_secret (found, cancellable, on_secret_retrieved,
                                      g_steal_pointer (&task));
  g_object_unref (found);
}

static void
start_lookup (EnlistKeyring       *self,
              const char          *jid,
              EnlistKeyringState   state,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data,
              gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = search_attributes (jid, state);
  LookupData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  data = g_new0 (LookupData, 1);
  data->jid = g_strdup (jid);
  data->state = state;
  g_task_set_task_data (task, data, (GDestroyNotify) lookup_data_free);

  secret_password_searchv (&keyring_schema, attributes,
                           SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK, cancellable,
                           on_lookup_searched, g_steal_pointer (&task));
}

void
enlist_keyring_lookup_async (EnlistKeyring       *self,
                             const char          *jid,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (ENLIST_IS_KEYRING (self));
  g_return_if_fail (jid_is_valid (jid));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_lookup (self, jid, ENLIST_KEYRING_STATE_CONFIRMED, cancellable, callback, user_data,
                enlist_keyring_lookup_async);
}

char *
enlist_keyring_lookup_finish (EnlistKeyring *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (ENLIST_IS_KEYRING (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == enlist_keyring_lookup_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
enlist_keyring_lookup_pending_async (EnlistKeyring       *self,
                                     const char          *jid,
                                     EnlistKeyringState   state,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (ENLIST_IS_KEYRING (self));
  g_return_if_fail (jid_is_valid (jid));
  g_return_if_fail (state == ENLIST_KEYRING_STATE_PENDING_REGISTRATION ||
                    state == ENLIST_KEYRING_STATE_PENDING_PASSWORD);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_lookup (self, jid, state, cancellable, callback, user_data,
                enlist_keyring_lookup_pending_async);
}

char *
enlist_keyring_lookup_pending_finish (EnlistKeyring *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (ENLIST_IS_KEYRING (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enlist_keyring_lookup_pending_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Clear */

static void
on_password_cleared (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* FALSE without an error means there was nothing to remove: fine. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      g_task_return_error (task, map_error (g_steal_pointer (&error)));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
on_confirmed_cleared (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const char *jid = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  GCancellable *cancellable;

  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      g_task_return_error (task, map_error (g_steal_pointer (&error)));
      return;
    }

  attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (attributes, (char *) "pending-jid", (char *) jid);
  cancellable = g_task_get_cancellable (task);
  secret_password_clearv (&keyring_schema, attributes, cancellable,
                          on_password_cleared, g_steal_pointer (&task));
}

void
enlist_keyring_clear_async (EnlistKeyring       *self,
                            const char          *jid,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (ENLIST_IS_KEYRING (self));
  g_return_if_fail (jid_is_valid (jid));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_keyring_clear_async);
  g_task_set_task_data (task, g_strdup (jid), g_free);

  /* At once, whatever the keyring says: the account is going away. */
  drop_unsaved (self, jid);

  /* The confirmed item first, then every pending one. */
  attributes = search_attributes (jid, ENLIST_KEYRING_STATE_CONFIRMED);
  secret_password_clearv (&keyring_schema, attributes, cancellable,
                          on_confirmed_cleared, g_steal_pointer (&task));
}

gboolean
enlist_keyring_clear_finish (EnlistKeyring *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (ENLIST_IS_KEYRING (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == enlist_keyring_clear_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
enlist_keyring_discard_pending_async (EnlistKeyring       *self,
                                      const char          *jid,
                                      EnlistKeyringState   state,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (ENLIST_IS_KEYRING (self));
  g_return_if_fail (jid_is_valid (jid));
  g_return_if_fail (state == ENLIST_KEYRING_STATE_PENDING_REGISTRATION ||
                    state == ENLIST_KEYRING_STATE_PENDING_PASSWORD);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_keyring_discard_pending_async);

  /* "pending-jid" and "state": neither the confirmed item nor the other
   * pending one matches. */
  attributes = search_attributes (jid, state);
  secret_password_clearv (&keyring_schema, attributes, cancellable,
                          on_password_cleared, g_steal_pointer (&task));
}

gboolean
enlist_keyring_discard_pending_finish (EnlistKeyring *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (ENLIST_IS_KEYRING (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enlist_keyring_discard_pending_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Confirm: the pending password read back, stored as the confirmed one,
 * then the pending item removed. In that order, so that an interruption
 * leaves the password in the keyring twice rather than not at all. */

static void
on_confirm_discarded (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      g_task_return_error (task, map_error (g_steal_pointer (&error)));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
on_confirm_stored (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistKeyring *self = g_task_get_source_object (task);
  StoreData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      g_task_return_error (task, map_error (g_steal_pointer (&error)));
      return;
    }

  drop_unsaved (self, data->address);
  attributes = search_attributes (data->jid, data->state);
  secret_password_clearv (&keyring_schema, attributes, NULL, on_confirm_discarded,
                          g_steal_pointer (&task));
}

static void
on_confirm_looked_up (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistKeyring *self = g_task_get_source_object (task);
  StoreData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->password = enlist_keyring_lookup_pending_finish (self, result, &error);
  if (data->password == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Past this point the password is on its way to being confirmed: no
   * cancellation may leave it half done. */
  store_item (data->address, data->password, ENLIST_KEYRING_STATE_CONFIRMED, NULL,
              on_confirm_stored, g_steal_pointer (&task));
}

void
enlist_keyring_confirm_async (EnlistKeyring       *self,
                              const char          *jid,
                              EnlistKeyringState   state,
                              const char          *address,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  StoreData *data;

  g_return_if_fail (ENLIST_IS_KEYRING (self));
  g_return_if_fail (jid_is_valid (jid));
  g_return_if_fail (state == ENLIST_KEYRING_STATE_PENDING_REGISTRATION ||
                    state == ENLIST_KEYRING_STATE_PENDING_PASSWORD);
  g_return_if_fail (address == NULL || jid_is_valid (address));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_keyring_confirm_async);
  data = g_new0 (StoreData, 1);
  data->jid = g_strdup (jid);
  data->state = state;
  data->address = g_strdup (address != NULL ? address : jid);
  g_task_set_task_data (task, data, (GDestroyNotify) store_data_free);

  enlist_keyring_lookup_pending_async (self, jid, state, cancellable, on_confirm_looked_up,
                                       g_steal_pointer (&task));
}

gboolean
enlist_keyring_confirm_finish (EnlistKeyring *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (ENLIST_IS_KEYRING (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == enlist_keyring_confirm_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* List */

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Sorted, without duplicates, NULL-terminated. */
static GStrv
sorted_unique (GPtrArray *strings)
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

      if (attributes == NULL || !item_state (attributes, &jid, &state) || !jid_is_valid (jid))
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
      g_task_return_error (task, map_error (g_steal_pointer (&error)));
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
      g_task_return_pointer (task, sorted_unique (jids), (GDestroyNotify) g_strfreev);
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
  secret_password_searchv (&keyring_schema, attributes, SECRET_SEARCH_ALL, cancellable,
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

/* Unsaved credentials */

GStrv
enlist_keyring_get_unsaved (EnlistKeyring *self)
{
  g_autoptr(GPtrArray) jids = NULL;
  GHashTableIter iter;
  gpointer jid;

  g_return_val_if_fail (ENLIST_IS_KEYRING (self), NULL);

  jids = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->unsaved);
  while (g_hash_table_iter_next (&iter, &jid, NULL))
    g_ptr_array_add (jids, jid);

  return sorted_unique (jids);
}

gboolean
enlist_keyring_has_unsaved (EnlistKeyring *self)
{
  g_return_val_if_fail (ENLIST_IS_KEYRING (self), FALSE);

  return g_hash_table_size (self->unsaved) > 0;
}

char *
enlist_keyring_dup_unsaved_password (EnlistKeyring *self,
                                     const char    *jid)
{
  g_return_val_if_fail (ENLIST_IS_KEYRING (self), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  return g_strdup (g_hash_table_lookup (self->unsaved, jid));
}

/* GObject */

static void
enlist_keyring_finalize (GObject *object)
{
  EnlistKeyring *self = ENLIST_KEYRING (object);

  g_clear_pointer (&self->unsaved, g_hash_table_unref);

  G_OBJECT_CLASS (enlist_keyring_parent_class)->finalize (object);
}

static void
enlist_keyring_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  EnlistKeyring *self = ENLIST_KEYRING (object);

  switch (prop_id)
    {
    case PROP_HAS_UNSAVED:
      g_value_set_boolean (value, enlist_keyring_has_unsaved (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_keyring_class_init (EnlistKeyringClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = enlist_keyring_finalize;
  object_class->get_property = enlist_keyring_get_property;

  /**
   * EnlistKeyring:has-unsaved:
   *
   * Whether some credentials failed to store and are kept only in memory,
   * so the UI can offer them for copying.
   */
  properties[PROP_HAS_UNSAVED] =
    g_param_spec_boolean ("has-unsaved", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
enlist_keyring_init (EnlistKeyring *self)
{
  self->unsaved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) enlist_keyring_password_free);
}

EnlistKeyring *
enlist_keyring_new (void)
{
  return g_object_new (ENLIST_TYPE_KEYRING, NULL);
}
