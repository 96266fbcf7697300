/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-account-load.c: listing the accounts Enlist keeps, from the
 * account file and the keyring read side by side: a record with the
 * passwords the keyring holds for its address, a password with no record
 * (saved by enlist-cli register --save before there was a file) as an
 * account without an endpoint. Where the two disagree the keyring decides,
 * since it is what another Enlist changes last. */
#define G_LOG_DOMAIN "enlist-account-manager"

#include "config.h"

#include "enlist-account-manager-private.h"

/* Load */

typedef struct
{
  GPtrArray *records;
  GError    *file_error;
  GPtrArray *entries;
  GError    *keyring_error;
  guint      outstanding;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_pointer (&data->records, g_ptr_array_unref);
  g_clear_error (&data->file_error);
  g_clear_pointer (&data->entries, g_ptr_array_unref);
  g_clear_error (&data->keyring_error);
  g_free (data);
}

/* What the keyring holds for one address. */
typedef struct
{
  EnlistAccountRecord *record;  /* from the file, or made up for the keyring's */
  gboolean             from_file;
  gboolean             confirmed;
  gboolean             pending_registration;
  gboolean             pending_password;
} Merged;

static void
merged_free (Merged *merged)
{
  enlist_account_record_free (merged->record);
  g_free (merged);
}

/* Where an account stands, from its record and its passwords in the
 * keyring. The keyring decides when it could be read: a pending password
 * means a pending operation (whatever the file says, since another Enlist
 * may have settled or started one), a confirmed one a ready account —
 * unless the file says its deletion is unsettled. */
static EnlistAccountState
merged_state (const Merged *merged,
              gboolean      keyring_read)
{
  if (!keyring_read)
    return merged->record->state;
  if (merged->pending_password)
    return ENLIST_ACCOUNT_STATE_PASSWORD_CHANGE_PENDING;
  if (merged->pending_registration)
    return ENLIST_ACCOUNT_STATE_REGISTRATION_PENDING;
  /* A deletion leaves nothing pending in the keyring: only the file knows. */
  if (merged->record->state == ENLIST_ACCOUNT_STATE_DELETION_PENDING)
    return ENLIST_ACCOUNT_STATE_DELETION_PENDING;
  if (merged->confirmed)
    return ENLIST_ACCOUNT_STATE_READY;
  /* A registration sent while the keyring refused its password: still
   * pending, though only a person can settle it now. */
  if (merged->record->state == ENLIST_ACCOUNT_STATE_REGISTRATION_PENDING)
    return ENLIST_ACCOUNT_STATE_REGISTRATION_PENDING;
  return ENLIST_ACCOUNT_STATE_PASSWORD_NOT_SAVED;
}

static int
compare_accounts (gconstpointer a,
                  gconstpointer b)
{
  EnlistAccount *aa = *(EnlistAccount * const *) a;
  EnlistAccount *ab = *(EnlistAccount * const *) b;

  return enlist_account_address_compare (enlist_account_get_address (aa),
                                         enlist_account_get_address (ab));
}

static void
finish_load (GTask *task)
{
  EnlistAccountManager *self = g_task_get_source_object (task);
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(GHashTable) by_address = NULL;
  g_autoptr(GPtrArray) merged_list = NULL;
  gboolean keyring_read = data->keyring_error == NULL;
  guint added = 0;

  by_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  merged_list = g_ptr_array_new_with_free_func ((GDestroyNotify) merged_free);

  for (guint i = 0; data->records != NULL && i < data->records->len; i++)
    {
      EnlistAccountRecord *record = g_ptr_array_index (data->records, i);
      Merged *merged = g_new0 (Merged, 1);

      merged->record = enlist_account_record_copy (record);
      merged->from_file = TRUE;
      g_ptr_array_add (merged_list, merged);
      g_hash_table_insert (by_address, g_utf8_casefold (record->address, -1), merged);
    }

  for (guint i = 0; data->entries != NULL && i < data->entries->len; i++)
    {
      EnlistKeyringEntry *entry = g_ptr_array_index (data->entries, i);
      g_autofree char *key = g_utf8_casefold (entry->jid, -1);
      Merged *merged = g_hash_table_lookup (by_address, key);

      if (merged == NULL)
        {
          /* A password with no record: saved by an Enlist that kept no
           * file (enlist-cli register --save), or the record was lost. */
          g_autofree char *domain = enlist_account_address_domain (entry->jid);

          merged = g_new0 (Merged, 1);
          merged->record = enlist_account_record_new (entry->jid, domain);
          g_ptr_array_add (merged_list, merged);
          g_hash_table_insert (by_address, g_steal_pointer (&key), merged);
        }

      switch (entry->state)
        {
        case ENLIST_KEYRING_STATE_CONFIRMED:
          merged->confirmed = TRUE;
          break;
        case ENLIST_KEYRING_STATE_PENDING_REGISTRATION:
          merged->pending_registration = TRUE;
          break;
        case ENLIST_KEYRING_STATE_PENDING_PASSWORD:
          merged->pending_password = TRUE;
          break;
        default:
          g_assert_not_reached ();
        }
    }

  for (guint i = 0; i < merged_list->len; i++)
    {
      Merged *merged = g_ptr_array_index (merged_list, i);
      g_autoptr(EnlistAccount) account = NULL;

      /* Accounts a flow added while the file was being read stay as they are. */
      if (enlist_account_manager_lookup (self, merged->record->address) != NULL)
        continue;

      merged->record->state = merged_state (merged, keyring_read);
      account = enlist_account_new_from_record (merged->record);
      g_ptr_array_add (self->accounts, g_steal_pointer (&account));
      added++;
    }

  if (added > 0)
    {
      guint before = self->accounts->len - added;

      /* Sorted afresh, and announced as one change. */
      g_ptr_array_sort (self->accounts, compare_accounts);
      enlist_account_manager_items_changed (self, 0, before, self->accounts->len);
    }

  self->loading = FALSE;
  self->loaded = TRUE;
  self->file_damaged = data->file_error != NULL;

  /* In the background: loading is done when the accounts are listed. */
  enlist_account_manager_settle_pending (self, NULL);

  if (data->file_error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->file_error));
  else if (data->keyring_error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->keyring_error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_load_file_read (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);

  data->records = enlist_account_file_load_finish (ENLIST_ACCOUNT_FILE (source), result,
                                                   &data->file_error);
  if (--data->outstanding == 0)
    finish_load (task);
}

static void
on_load_keyring_listed (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);

  data->entries = enlist_keyring_list_entries_finish (ENLIST_KEYRING (source), result,
                                                      &data->keyring_error);
  if (--data->outstanding == 0)
    finish_load (task);
}

void
enlist_account_manager_load_async (EnlistAccountManager *self,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (!self->loading && !self->loaded);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_account_manager_load_async);
  data = g_new0 (LoadData, 1);
  data->outstanding = 2;
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  self->loading = TRUE;

  /* Both at once; the model is filled when both are in. Cancelling stops
   * neither (they are quick, and the model must not be left half made),
   * but the task then reports the cancellation. */
  enlist_account_file_load_async (self->file, NULL, on_load_file_read, g_object_ref (task));
  enlist_keyring_list_entries_async (self->keyring, NULL, on_load_keyring_listed,
                                     g_steal_pointer (&task));
}

gboolean
enlist_account_manager_load_finish (EnlistAccountManager *self,
                                    GAsyncResult         *result,
                                    GError              **error)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enlist_account_manager_load_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
