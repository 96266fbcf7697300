/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-account-manager.c: the accounts Enlist keeps, as a GListModel:
 * loading them from the account file and the keyring, and what touches
 * this computer only (forgetting an account, pinning a certificate,
 * reading a password, making a registration service with the settings
 * that belong to it). Loading is in enlist-account-load.c, the flows that
 * talk to a server in enlist-account-flows.c, settling pending accounts in
 * enlist-account-settle.c. */
#define G_LOG_DOMAIN "enlist-account-manager"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "enlist-account-manager-private.h"
#include "enlist-analyzer.h"
#include "enlist-certificate.h"
#include "enlist-text.h"

static void enlist_account_manager_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (EnlistAccountManager, enlist_account_manager, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      enlist_account_manager_list_model_init))

enum {
  PROP_0,
  PROP_DATA_DIR,
  PROP_KEYRING,
  PROP_TRUST_STORE,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

guint enlist_account_manager_signal_pending_resolved;
static guint signal_file_error;

/* GListModel */

static GType
enlist_account_manager_get_item_type (GListModel *model)
{
  return ENLIST_TYPE_ACCOUNT;
}

static guint
enlist_account_manager_get_n_items (GListModel *model)
{
  return ENLIST_ACCOUNT_MANAGER (model)->accounts->len;
}

static gpointer
enlist_account_manager_get_item (GListModel *model,
                                 guint       position)
{
  EnlistAccountManager *self = ENLIST_ACCOUNT_MANAGER (model);

  if (position >= self->accounts->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->accounts, position));
}

static void
enlist_account_manager_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = enlist_account_manager_get_item_type;
  iface->get_n_items = enlist_account_manager_get_n_items;
  iface->get_item = enlist_account_manager_get_item;
}

/* The model, for the other files */

static guint
insertion_point (EnlistAccountManager *self,
                 const char           *address)
{
  guint lo = 0, hi = self->accounts->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      EnlistAccount *other = g_ptr_array_index (self->accounts, mid);

      if (enlist_account_address_compare (enlist_account_get_address (other), address) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

void
enlist_account_manager_items_changed (EnlistAccountManager *self,
                                      guint                 position,
                                      guint                 removed,
                                      guint                 added)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

void
enlist_account_manager_add (EnlistAccountManager *self,
                            EnlistAccount        *account)
{
  guint position = insertion_point (self, enlist_account_get_address (account));

  g_ptr_array_insert (self->accounts, position, g_object_ref (account));
  enlist_account_manager_items_changed (self, position, 0, 1);
}

void
enlist_account_manager_remove (EnlistAccountManager *self,
                               EnlistAccount        *account)
{
  guint position;

  if (!g_ptr_array_find (self->accounts, account, &position))
    return;

  /* The model's reference goes after the signal, so handlers can still
   * look at the account. */
  g_object_ref (account);
  g_ptr_array_remove_index (self->accounts, position);
  enlist_account_manager_items_changed (self, position, 1, 0);
  g_object_unref (account);
}

void
enlist_account_manager_resort (EnlistAccountManager *self,
                               EnlistAccount        *account)
{
  guint old_position, new_position;

  if (!g_ptr_array_find (self->accounts, account, &old_position))
    return;

  g_ptr_array_steal_index (self->accounts, old_position);
  new_position = insertion_point (self, enlist_account_get_address (account));
  g_ptr_array_insert (self->accounts, new_position, account);

  if (old_position == new_position)
    enlist_account_manager_items_changed (self, old_position, 1, 1);
  else
    {
      g_list_model_items_changed (G_LIST_MODEL (self), old_position, 1, 0);
      g_list_model_items_changed (G_LIST_MODEL (self), new_position, 0, 1);
    }
}

gboolean
enlist_account_manager_contains (EnlistAccountManager *self,
                                 EnlistAccount        *account)
{
  return g_ptr_array_find (self->accounts, account, NULL);
}

void
enlist_account_manager_hold (EnlistAccountManager *self,
                             EnlistAccount        *account)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->busy, account));

  g_hash_table_replace (self->busy, g_object_ref (account), GUINT_TO_POINTER (count + 1));
}

void
enlist_account_manager_release (EnlistAccountManager *self,
                                EnlistAccount        *account)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->busy, account));

  g_return_if_fail (count > 0);
  if (count == 1)
    g_hash_table_remove (self->busy, account);
  else
    g_hash_table_replace (self->busy, g_object_ref (account), GUINT_TO_POINTER (count - 1));
}

gboolean
enlist_account_manager_is_busy (EnlistAccountManager *self,
                                EnlistAccount        *account)
{
  return g_hash_table_contains (self->busy, account);
}

/* Saving records */

static void
on_record_saved (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistAccountManager *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!enlist_account_file_write_finish (ENLIST_ACCOUNT_FILE (source), result, &error))
    {
      /* The account lives on in the keyring and in the model; the file can
       * be written again with the next change. The front end says so
       * ("file-error"). */
      g_debug ("%s", error->message);
      g_signal_emit (self, signal_file_error, 0, error);
    }

  g_task_return_boolean (task, TRUE);
}

void
enlist_account_manager_save_async (EnlistAccountManager *self,
                                   EnlistAccount        *account,
                                   const char           *address,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, enlist_account_manager_save_async);

  if (self->file_damaged)
    {
      g_debug ("%s is damaged: not written", enlist_account_file_get_path (self->file));
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (account != NULL)
    {
      g_autoptr(EnlistAccountRecord) record = enlist_account_to_record (account);

      enlist_account_file_put_async (self->file, record, on_record_saved, g_steal_pointer (&task));
    }
  else
    enlist_account_file_remove_async (self->file, address, on_record_saved,
                                      g_steal_pointer (&task));
}

void
enlist_account_manager_save_finish (EnlistAccountManager *self,
                                    GAsyncResult         *result)
{
  g_return_if_fail (g_task_is_valid (result, self));

  g_task_propagate_boolean (G_TASK (result), NULL);
}

/* Lookup */

EnlistAccount *
enlist_account_manager_lookup (EnlistAccountManager *self,
                               const char           *address)
{
  g_autofree char *wanted = NULL;

  g_return_val_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  /* the same account however it is spelled: case, an internationalised
   * domain or its xn-- form (enlist_jid_normalize) */
  wanted = enlist_account_address_key (address);
  for (guint i = 0; i < self->accounts->len; i++)
    {
      EnlistAccount *account = g_ptr_array_index (self->accounts, i);
      g_autofree char *key = enlist_account_address_key (enlist_account_get_address (account));

      if (strcmp (key, wanted) == 0)
        return account;
    }

  return NULL;
}

/* Registrations */

EnlistRegistration *
enlist_account_manager_create_registration (EnlistAccountManager *self,
                                            const char           *domain,
                                            const char           *host,
                                            guint16               port,
                                            gboolean              direct_tls)
{
  g_autoptr(EnlistRegistration) registration = NULL;
  g_auto(GStrv) pins = NULL;

  g_return_val_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self), NULL);
  g_return_val_if_fail (domain != NULL, NULL);

  registration = enlist_registration_new (domain);
  enlist_registration_set_endpoint (registration, host, port, direct_tls);

  if (self->ca_file != NULL)
    {
      g_autoptr(GError) error = NULL;

      /* Checked when it was set; it can only have gone since. */
      if (!enlist_registration_set_ca_file (registration, self->ca_file, &error))
        g_warning ("%s", error->message);
    }

  pins = enlist_account_manager_dup_pins (self, domain);
  /* g_auto(GStrv) frees it (enlist-analyzer.h) */
  ENLIST_ANALYZER_ESCAPE (pins);
  for (guint i = 0; pins[i] != NULL; i++)
    enlist_registration_add_pinned_fingerprint (registration, pins[i]);

  if (self->timeout_ms > 0)
    enlist_registration_set_timeout (registration, self->timeout_ms);

  return g_steal_pointer (&registration);
}

EnlistRegistration *
enlist_account_manager_registration_for_account (EnlistAccountManager *self,
                                                 EnlistAccount        *account)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self), NULL);
  g_return_val_if_fail (ENLIST_IS_ACCOUNT (account), NULL);

  return enlist_account_manager_create_registration (self,
                                                     enlist_account_get_domain (account),
                                                     enlist_account_get_host (account),
                                                     enlist_account_get_port (account),
                                                     enlist_account_get_direct_tls (account));
}

/* Forget */

static void
on_forget_saved (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistAccountManager *self = g_task_get_source_object (task);
  EnlistAccount *account = g_task_get_task_data (task);

  enlist_account_manager_save_finish (self, result);
  enlist_account_manager_release (self, account);
  g_task_return_boolean (task, TRUE);
}

static void
on_forget_cleared (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistAccountManager *self = g_task_get_source_object (task);
  EnlistAccount *account = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* Without its password gone the account is not forgotten: it would be
   * back at the next start. */
  if (!enlist_keyring_clear_finish (self->keyring, result, &error))
    {
      enlist_account_manager_release (self, account);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  enlist_account_manager_remove (self, account);
  enlist_account_manager_save_async (self, NULL, enlist_account_get_address (account),
                                     on_forget_saved, g_steal_pointer (&task));
}

void
enlist_account_manager_forget_async (EnlistAccountManager *self,
                                     EnlistAccount        *account,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (ENLIST_IS_ACCOUNT (account));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_account_manager_forget_async);
  g_task_set_task_data (task, g_object_ref (account), g_object_unref);
  enlist_account_manager_hold (self, account);

  enlist_keyring_clear_async (self->keyring, enlist_account_get_address (account), cancellable,
                              on_forget_cleared, g_steal_pointer (&task));
}

gboolean
enlist_account_manager_forget_finish (EnlistAccountManager *self,
                                      GAsyncResult         *result,
                                      GError              **error)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enlist_account_manager_forget_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Certificates */

typedef struct
{
  char             *domain;
  GTlsCertificate  *certificate;
  EnlistTrustStore *trust_store;
} TrustData;

static void
trust_data_free (TrustData *data)
{
  g_free (data->domain);
  g_clear_object (&data->certificate);
  g_clear_object (&data->trust_store);
  g_free (data);
}

/* The trust store reads and writes its small file synchronously: off the
 * main loop here. It keeps no state besides its path. */
static void
trust_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  TrustData *data = task_data;
  g_autofree char *fingerprint = enlist_certificate_get_fingerprint (data->certificate);
  GError *error = NULL;

  if (fingerprint == NULL)
    {
      g_task_return_new_error (task, ENLIST_ERROR, ENLIST_ERROR_FAILED, "%s",
                               _("The certificate’s fingerprint cannot be computed"));
      return;
    }

  if (!enlist_trust_store_add_pin (data->trust_store, data->domain, fingerprint, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
enlist_account_manager_trust_certificate_async (EnlistAccountManager *self,
                                                const char           *domain,
                                                GTlsCertificate      *certificate,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  TrustData *data;

  g_return_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (domain != NULL);
  g_return_if_fail (G_IS_TLS_CERTIFICATE (certificate));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_account_manager_trust_certificate_async);
  data = g_new0 (TrustData, 1);
  data->domain = g_strdup (domain);
  data->certificate = g_object_ref (certificate);
  data->trust_store = g_object_ref (self->trust_store);
  g_task_set_task_data (task, data, (GDestroyNotify) trust_data_free);
  g_task_run_in_thread (task, trust_in_thread);
}

gboolean
enlist_account_manager_trust_certificate_finish (EnlistAccountManager *self,
                                                 GAsyncResult         *result,
                                                 GError              **error)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enlist_account_manager_trust_certificate_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

GStrv
enlist_account_manager_dup_pins (EnlistAccountManager *self,
                                 const char           *domain)
{
  g_autoptr(GError) error = NULL;
  GStrv pins;

  g_return_val_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self), NULL);
  g_return_val_if_fail (domain != NULL, NULL);

  pins = enlist_trust_store_get_pins (self->trust_store, domain, &error);
  if (pins == NULL)
    {
      /* No pins is the safe answer: the certificate must then verify. */
      g_debug ("No pins for %s: %s", domain, error->message);
      pins = g_new0 (char *, 1);
    }

  return pins;
}

/* Passwords */

static void
return_unsaved_or_error (GTask  *task,
                    GError *error)
{
  EnlistAccountManager *self = g_task_get_source_object (task);
  EnlistAccount *account = g_task_get_task_data (task);
  char *unsaved;

  /* A password the keyring would not take this session is still here. */
  unsaved = enlist_keyring_dup_unsaved_password (self->keyring,
                                                 enlist_account_get_address (account));
  if (unsaved != NULL)
    {
      g_error_free (error);
      g_task_return_pointer (task, unsaved, enlist_secret_free);
      return;
    }

  g_task_return_error (task, error);
}

static void
on_password_looked_up (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistKeyring *keyring = ENLIST_KEYRING (source);
  GError *error = NULL;
  char *password;

  if (g_task_get_source_tag (G_TASK (result)) == enlist_keyring_lookup_pending_async)
    password = enlist_keyring_lookup_pending_finish (keyring, result, &error);
  else
    password = enlist_keyring_lookup_finish (keyring, result, &error);

  if (password == NULL)
    {
      return_unsaved_or_error (task, error);
      return;
    }

  g_task_return_pointer (task, password, enlist_secret_free);
}

void
enlist_account_manager_lookup_password_async (EnlistAccountManager *self,
                                              EnlistAccount        *account,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  const char *address;

  g_return_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (ENLIST_IS_ACCOUNT (account));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_account_manager_lookup_password_async);
  g_task_set_task_data (task, g_object_ref (account), g_object_unref);
  address = enlist_account_get_address (account);

  /* While a registration is pending its password is the only one there
   * is; during a password change the confirmed (old) one is in effect. */
  if (enlist_account_get_state (account) == ENLIST_ACCOUNT_STATE_REGISTRATION_PENDING)
    enlist_keyring_lookup_pending_async (self->keyring, address,
                                         ENLIST_KEYRING_STATE_PENDING_REGISTRATION, cancellable,
                                         on_password_looked_up, g_steal_pointer (&task));
  else
    enlist_keyring_lookup_async (self->keyring, address, cancellable, on_password_looked_up,
                                 g_steal_pointer (&task));
}

char *
enlist_account_manager_lookup_password_finish (EnlistAccountManager *self,
                                               GAsyncResult         *result,
                                               GError              **error)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enlist_account_manager_lookup_password_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Settings */

const char *
enlist_account_manager_get_path (EnlistAccountManager *self)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self), NULL);

  return enlist_account_file_get_path (self->file);
}

EnlistKeyring *
enlist_account_manager_get_keyring (EnlistAccountManager *self)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self), NULL);

  return self->keyring;
}

EnlistTrustStore *
enlist_account_manager_get_trust_store (EnlistAccountManager *self)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self), NULL);

  return self->trust_store;
}

gboolean
enlist_account_manager_set_ca_file (EnlistAccountManager *self,
                                    const char           *path,
                                    GError              **error)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self), FALSE);

  if (path != NULL)
    {
      /* The same check every registration will make, once, now. */
      g_autoptr(EnlistRegistration) probe = enlist_registration_new ("localhost");

      if (!enlist_registration_set_ca_file (probe, path, error))
        return FALSE;
    }

  g_free (self->ca_file);
  self->ca_file = g_strdup (path);
  return TRUE;
}

void
enlist_account_manager_set_timeout (EnlistAccountManager *self,
                                    guint                 timeout_ms)
{
  g_return_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self));

  self->timeout_ms = timeout_ms;
}

/* GObject */

static void
enlist_account_manager_constructed (GObject *object)
{
  EnlistAccountManager *self = ENLIST_ACCOUNT_MANAGER (object);
  g_autofree char *path = NULL;

  G_OBJECT_CLASS (enlist_account_manager_parent_class)->constructed (object);

  if (self->data_dir == NULL)
    self->data_dir = g_build_filename (g_get_user_data_dir (), "enlist", NULL);
  if (self->keyring == NULL)
    self->keyring = enlist_keyring_new ();
  if (self->trust_store == NULL)
    self->trust_store = enlist_trust_store_new (self->data_dir);

  path = g_build_filename (self->data_dir, ENLIST_ACCOUNT_FILE_NAME, NULL);
  self->file = enlist_account_file_new (path);
}

static void
enlist_account_manager_dispose (GObject *object)
{
  EnlistAccountManager *self = ENLIST_ACCOUNT_MANAGER (object);

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (enlist_account_manager_parent_class)->dispose (object);
}

static void
enlist_account_manager_finalize (GObject *object)
{
  EnlistAccountManager *self = ENLIST_ACCOUNT_MANAGER (object);

  g_free (self->data_dir);
  g_free (self->ca_file);
  g_clear_object (&self->file);
  g_clear_object (&self->keyring);
  g_clear_object (&self->trust_store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  g_clear_pointer (&self->busy, g_hash_table_unref);
  g_clear_pointer (&self->settling, g_hash_table_unref);

  G_OBJECT_CLASS (enlist_account_manager_parent_class)->finalize (object);
}

static void
enlist_account_manager_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  EnlistAccountManager *self = ENLIST_ACCOUNT_MANAGER (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;

    case PROP_KEYRING:
      g_value_set_object (value, self->keyring);
      break;

    case PROP_TRUST_STORE:
      g_value_set_object (value, self->trust_store);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, self->accounts->len);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_account_manager_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  EnlistAccountManager *self = ENLIST_ACCOUNT_MANAGER (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      self->data_dir = g_value_dup_string (value);
      break;

    case PROP_KEYRING:
      self->keyring = g_value_dup_object (value);
      break;

    case PROP_TRUST_STORE:
      self->trust_store = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_account_manager_class_init (EnlistAccountManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = enlist_account_manager_constructed;
  object_class->dispose = enlist_account_manager_dispose;
  object_class->finalize = enlist_account_manager_finalize;
  object_class->get_property = enlist_account_manager_get_property;
  object_class->set_property = enlist_account_manager_set_property;

  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEYRING] =
    g_param_spec_object ("keyring", NULL, NULL,
                         ENLIST_TYPE_KEYRING,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TRUST_STORE] =
    g_param_spec_object ("trust-store", NULL, NULL,
                         ENLIST_TYPE_TRUST_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* GListModel's count, for bindings (GTK 4.8's GtkListBox has none). */
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  enlist_account_manager_signal_pending_resolved =
    g_signal_new ("pending-resolved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL,
                  G_TYPE_NONE, 3, ENLIST_TYPE_ACCOUNT, ENLIST_TYPE_PENDING_OUTCOME, G_TYPE_STRING);
  signal_file_error =
    g_signal_new ("file-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
enlist_account_manager_init (EnlistAccountManager *self)
{
  self->accounts = g_ptr_array_new_with_free_func (g_object_unref);
  self->busy = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, NULL);
  self->settling = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref,
                                          (GDestroyNotify) g_ptr_array_unref);
  self->cancellable = g_cancellable_new ();
}

EnlistAccountManager *
enlist_account_manager_new (const char       *data_dir,
                            EnlistKeyring    *keyring,
                            EnlistTrustStore *trust_store)
{
  g_return_val_if_fail (keyring == NULL || ENLIST_IS_KEYRING (keyring), NULL);
  g_return_val_if_fail (trust_store == NULL || ENLIST_IS_TRUST_STORE (trust_store), NULL);

  return g_object_new (ENLIST_TYPE_ACCOUNT_MANAGER,
                       "data-dir", data_dir,
                       "keyring", keyring,
                       "trust-store", trust_store,
                       NULL);
}
