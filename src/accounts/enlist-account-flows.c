/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-account-flows.c: the account manager's flows that change an
 * account on its server — register, change password, delete — keyring
 * first: a password goes into the keyring, marked pending, before the
 * request that makes it valid is sent, and the server's answer confirms or
 * discards it. An answer that never came leaves it pending, for
 * enlist-account-settle.c to settle by logging in. The record in the
 * account file follows the same steps. */
#define G_LOG_DOMAIN "enlist-account-manager"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "enlist-account-manager-private.h"
#include "enlist-text.h"

static gboolean
is_outcome_unknown (const GError *error)
{
  return g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_OUTCOME_UNKNOWN);
}

static const char *
form_value (EnlistDataForm *form,
            const char     *var)
{
  EnlistFormField *field = enlist_data_form_lookup_field (form, var);
  const char *value = field != NULL ? enlist_form_field_get_value (field) : NULL;

  return value != NULL && value[0] != '\0' ? value : NULL;
}

/* Every step below owns the flow's task reference and hands it on: to the
 * next step, or to the callback of what it starts; the step that returns
 * the result drops it.
 *
 * Register
 *
 * store the password pending under username@domain → record the account,
 * REGISTRATION_PENDING → submit → the server accepted: confirm the password
 * under the address the server spelled, record READY; it refused: discard
 * both; no one knows: keep both. */

typedef struct
{
  EnlistRegistration *registration;
  EnlistDataForm     *form;
  char               *tentative;    /* username@domain; NULL when the form has no username */
  char               *password;     /* the form's, wiped */
  EnlistAccount      *account;      /* in the model while the registration is pending */
  gboolean            existing;     /* known before: not this flow's to remove */
  gboolean            pending;      /* the keyring holds the password, pending */
  char               *old_address;  /* a record to remove: the server spelled another address */
  EnlistCredentials  *credentials;
  GError             *error;        /* the service's, returned once the keyring is cleaned up */
  gboolean            saved;
} RegisterData;

static void
register_data_free (RegisterData *data)
{
  g_clear_object (&data->registration);
  g_clear_object (&data->form);
  g_free (data->tentative);
  enlist_secret_free (data->password);
  g_clear_object (&data->account);
  g_free (data->old_address);
  g_clear_pointer (&data->credentials, enlist_credentials_unref);
  g_clear_error (&data->error);
  g_free (data);
}

static void
register_return (GTask *task)
{
  EnlistAccountManager *self = g_task_get_source_object (task);
  RegisterData *data = g_task_get_task_data (task);

  if (data->account != NULL)
    enlist_account_manager_release (self, data->account);

  if (data->error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->error));
  else
    g_task_return_pointer (task, enlist_credentials_ref (data->credentials),
                           (GDestroyNotify) enlist_credentials_unref);
  g_object_unref (task);
}

static void
on_register_saved (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;

  enlist_account_manager_save_finish (ENLIST_ACCOUNT_MANAGER (source), result);
  register_return (task);
}

/* The server accepted: the account as the server spells it, recorded. */
static void
register_record_success (GTask *task)
{
  EnlistAccountManager *self = g_task_get_source_object (task);
  RegisterData *data = g_task_get_task_data (task);
  const char *address = enlist_credentials_get_address (data->credentials);
  EnlistAccountState state = data->saved ? ENLIST_ACCOUNT_STATE_READY
                                         : ENLIST_ACCOUNT_STATE_PASSWORD_NOT_SAVED;

  if (address == NULL)
    address = data->tentative;
  if (address == NULL)
    {
      /* No username in the form and none in the answer: nothing to record
       * an account under. The front end shows the credentials. */
      register_return (task);
      return;
    }

  if (data->account == NULL)
    {
      EnlistAccount *known = enlist_account_manager_lookup (self, address);

      if (known != NULL)
        data->account = g_object_ref (known);
      else
        {
          g_autoptr(EnlistAccountRecord) record = NULL;

          record = enlist_account_record_new (address,
                                              enlist_registration_get_domain (data->registration));
          record->host = g_strdup (enlist_registration_get_host (data->registration));
          record->port = enlist_registration_get_port (data->registration);
          record->direct_tls = enlist_registration_get_direct_tls (data->registration);
          record->created = g_date_time_new_now_utc ();
          data->account = enlist_account_new_from_record (record);
          enlist_account_manager_add (self, data->account);
        }
      enlist_account_manager_hold (self, data->account);
    }

  if (strcmp (enlist_account_get_address (data->account), address) != 0)
    {
      const char *old = enlist_account_get_address (data->account);
      g_autofree char *old_key = enlist_account_address_key (old);
      g_autofree char *new_key = enlist_account_address_key (address);

      /* Another spelling replaces the record by itself; another address
       * needs the old record gone. */
      if (strcmp (old_key, new_key) != 0)
        enlist_account_manager_save_async (self, NULL, enlist_account_get_address (data->account),
                                           NULL, NULL);
      enlist_account_set_address (data->account, address);
      enlist_account_manager_resort (self, data->account);
    }
  enlist_account_set_state (data->account, state);

  enlist_account_manager_save_async (self, data->account, NULL, on_register_saved, task);
}

static void
on_register_confirmed (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  RegisterData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->saved = enlist_keyring_confirm_finish (ENLIST_KEYRING (source), result, &error);
  if (!data->saved)
    /* Still pending in the keyring, most likely: the next start settles it. */
    g_debug ("The new account's password was not confirmed: %s", error->message);

  register_record_success (task);
}

static void
on_register_stored (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  RegisterData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->saved = enlist_keyring_store_finish (ENLIST_KEYRING (source), result, &error);
  if (!data->saved)
    g_debug ("The new account's password was not saved: %s", error->message);

  register_record_success (task);
}

static void
on_register_forgotten (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;

  enlist_account_manager_save_finish (ENLIST_ACCOUNT_MANAGER (source), result);
  register_return (task);
}

/* The registration did not happen: its account goes, unless it was there
 * before. */
static void
register_forget_tentative (GTask *task)
{
  EnlistAccountManager *self = g_task_get_source_object (task);
  RegisterData *data = g_task_get_task_data (task);

  if (data->account == NULL || data->existing)
    {
      register_return (task);
      return;
    }

  enlist_account_manager_remove (self, data->account);
  enlist_account_manager_save_async (self, NULL, enlist_account_get_address (data->account),
                                     on_register_forgotten, task);
}

static void
on_register_discarded (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  if (!enlist_keyring_discard_pending_finish (ENLIST_KEYRING (source), result, &error))
    /* Left pending: the next start finds the account does not exist. */
    g_debug ("The refused registration's password was not removed: %s", error->message);

  register_forget_tentative (task);
}

static void
register_refused (GTask  *task,
                  GError *error)
{
  EnlistAccountManager *self = g_task_get_source_object (task);
  RegisterData *data = g_task_get_task_data (task);

  data->error = error;
  if (data->pending)
    enlist_keyring_discard_pending_async (self->keyring, data->tentative,
                                          ENLIST_KEYRING_STATE_PENDING_REGISTRATION, NULL,
                                          on_register_discarded, task);
  else
    register_forget_tentative (task);
}

static void
on_registered (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  EnlistAccountManager *self = g_task_get_source_object (task);
  RegisterData *data = g_task_get_task_data (task);
  GError *error = NULL;
  const char *address;

  data->credentials = enlist_registration_submit_finish (ENLIST_REGISTRATION (source), result,
                                                         &error);
  if (data->credentials == NULL)
    {
      if (is_outcome_unknown (error))
        {
          /* Both stay pending; logging in settles them later. */
          data->error = error;
          register_return (task);
        }
      else
        register_refused (task, error);
      return;
    }

  address = enlist_credentials_get_address (data->credentials);
  if (data->pending)
    enlist_keyring_confirm_async (self->keyring, data->tentative,
                                  ENLIST_KEYRING_STATE_PENDING_REGISTRATION,
                                  address != NULL ? address : data->tentative, NULL,
                                  on_register_confirmed, task);
  else if (data->tentative == NULL && address != NULL)
    /* No username to store the password under beforehand: now. */
    enlist_keyring_store_async (self->keyring, address,
                                enlist_credentials_get_password (data->credentials), NULL,
                                on_register_stored, task);
  else
    register_record_success (task);
}

static void
register_submit (GTask *task)
{
  RegisterData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      register_refused (task, error);
      return;
    }

  enlist_registration_submit_async (data->registration, data->form, cancellable, on_registered,
                                    task);
}

static void
on_register_recorded (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  enlist_account_manager_save_finish (ENLIST_ACCOUNT_MANAGER (source), result);
  register_submit (user_data);
}

static void
on_register_pending_stored (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  GTask *task = user_data;
  EnlistAccountManager *self = g_task_get_source_object (task);
  RegisterData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistAccountRecord) record = NULL;
  EnlistAccount *known;

  data->pending = enlist_keyring_store_pending_finish (ENLIST_KEYRING (source), result, &error);
  if (!data->pending)
    /* The registration goes ahead; the credentials come back to be shown. */
    g_debug ("The password was not stored before registering: %s", error->message);

  known = enlist_account_manager_lookup (self, data->tentative);
  if (known != NULL)
    {
      /* Registering a name this computer already knows (forgotten on the
       * server, say): its record is not this flow's to remove if the
       * server refuses. */
      data->account = g_object_ref (known);
      data->existing = TRUE;
      enlist_account_manager_hold (self, data->account);
      register_submit (task);
      return;
    }

  record = enlist_account_record_new (data->tentative,
                                      enlist_registration_get_domain (data->registration));
  record->host = g_strdup (enlist_registration_get_host (data->registration));
  record->port = enlist_registration_get_port (data->registration);
  record->direct_tls = enlist_registration_get_direct_tls (data->registration);
  record->created = g_date_time_new_now_utc ();
  record->state = ENLIST_ACCOUNT_STATE_REGISTRATION_PENDING;
  data->account = enlist_account_new_from_record (record);
  enlist_account_manager_hold (self, data->account);
  enlist_account_manager_add (self, data->account);

  enlist_account_manager_save_async (self, data->account, NULL, on_register_recorded, task);
}

void
enlist_account_manager_register_async (EnlistAccountManager *self,
                                       EnlistRegistration   *registration,
                                       EnlistDataForm       *form,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data)
{
  GTask *task;
  RegisterData *data;
  const char *username;
  const char *password;

  g_return_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (ENLIST_IS_REGISTRATION (registration));
  g_return_if_fail (ENLIST_IS_DATA_FORM (form));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_account_manager_register_async);
  /* Once submitted, the service decides what cancelling means. */
  g_task_set_check_cancellable (task, FALSE);

  data = g_new0 (RegisterData, 1);
  data->registration = g_object_ref (registration);
  data->form = g_object_ref (form);
  g_task_set_task_data (task, data, (GDestroyNotify) register_data_free);

  /* Nothing is checked here: the service validates the form. */
  username = form_value (form, "username");
  password = form_value (form, "password");
  if (username == NULL || password == NULL)
    {
      register_submit (task);
      return;
    }

  data->tentative = g_strdup_printf ("%s@%s", username,
                                     enlist_registration_get_domain (registration));
  data->password = g_strdup (password);

  /* Not cancellable: whether the keyring holds the password must be known. */
  enlist_keyring_store_pending_async (self->keyring, data->tentative, data->password,
                                      ENLIST_KEYRING_STATE_PENDING_REGISTRATION, NULL,
                                      on_register_pending_stored, task);
}

EnlistCredentials *
enlist_account_manager_register_finish (EnlistAccountManager  *self,
                                        GAsyncResult          *result,
                                        gboolean              *saved,
                                        EnlistAccount        **account,
                                        GError               **error)
{
  RegisterData *data;
  EnlistCredentials *credentials;

  g_return_val_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enlist_account_manager_register_async, NULL);

  data = g_task_get_task_data (G_TASK (result));
  credentials = g_task_propagate_pointer (G_TASK (result), error);

  if (saved != NULL)
    *saved = credentials != NULL && data->saved;
  if (account != NULL)
    *account = credentials != NULL && data->account != NULL ? g_object_ref (data->account) : NULL;

  return credentials;
}

/* Change password
 *
 * (old password from the keyring) → store the new one pending beside it,
 * PASSWORD_CHANGE_PENDING → send → accepted: swap it in; refused: discard
 * it; no one knows: keep both. */

typedef struct
{
  EnlistRegistration *registration;
  EnlistAccount      *account;
  char               *old_password;
  char               *new_password;
  EnlistDataForm     *form;
  EnlistAccountState  previous_state;
  gboolean            pending;
  gboolean            saved;
  GError             *error;
} ChangeData;

static void
change_data_free (ChangeData *data)
{
  g_clear_object (&data->registration);
  g_clear_object (&data->account);
  enlist_secret_free (data->old_password);
  enlist_secret_free (data->new_password);
  g_clear_object (&data->form);
  g_clear_error (&data->error);
  g_free (data);
}

static void
change_return (GTask *task)
{
  EnlistAccountManager *self = g_task_get_source_object (task);
  ChangeData *data = g_task_get_task_data (task);

  enlist_account_manager_release (self, data->account);
  if (data->error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->error));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
on_change_saved (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;

  enlist_account_manager_save_finish (ENLIST_ACCOUNT_MANAGER (source), result);
  change_return (task);
}

static void
change_record (GTask              *task,
               EnlistAccountState  state)
{
  EnlistAccountManager *self = g_task_get_source_object (task);
  ChangeData *data = g_task_get_task_data (task);

  enlist_account_set_state (data->account, state);
  enlist_account_manager_save_async (self, data->account, NULL, on_change_saved, task);
}

static void
on_change_swapped (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  ChangeData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (g_task_get_source_tag (G_TASK (result)) == enlist_keyring_confirm_async)
    data->saved = enlist_keyring_confirm_finish (ENLIST_KEYRING (source), result, &error);
  else
    data->saved = enlist_keyring_store_finish (ENLIST_KEYRING (source), result, &error);
  if (!data->saved)
    g_debug ("The new password was not saved: %s", error->message);

  change_record (task, data->saved ? ENLIST_ACCOUNT_STATE_READY
                                   : ENLIST_ACCOUNT_STATE_PASSWORD_NOT_SAVED);
}

static void
on_change_discarded (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  ChangeData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!enlist_keyring_discard_pending_finish (ENLIST_KEYRING (source), result, &error))
    {
      /* Still pending: the next start finds the old password works. */
      g_debug ("The refused password was not removed: %s", error->message);
      change_return (task);
      return;
    }

  change_record (task, data->previous_state);
}

static void
change_refused (GTask  *task,
                GError *error)
{
  EnlistAccountManager *self = g_task_get_source_object (task);
  ChangeData *data = g_task_get_task_data (task);

  data->error = error;
  if (!data->pending)
    {
      change_return (task);
      return;
    }

  enlist_keyring_discard_pending_async (self->keyring, enlist_account_get_address (data->account),
                                        ENLIST_KEYRING_STATE_PENDING_PASSWORD, NULL,
                                        on_change_discarded, task);
}

static void
on_changed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  EnlistAccountManager *self = g_task_get_source_object (task);
  ChangeData *data = g_task_get_task_data (task);
  const char *address = enlist_account_get_address (data->account);
  GError *error = NULL;

  if (!enlist_registration_change_password_finish (ENLIST_REGISTRATION (source), result, &error))
    {
      if (is_outcome_unknown (error))
        {
          /* Both passwords stay in the keyring until a login tells. */
          data->error = error;
          change_return (task);
        }
      else
        change_refused (task, error);
      return;
    }

  if (data->pending)
    enlist_keyring_confirm_async (self->keyring, address, ENLIST_KEYRING_STATE_PENDING_PASSWORD,
                                  NULL, NULL, on_change_swapped, task);
  else
    enlist_keyring_store_async (self->keyring, address, data->new_password, NULL,
                                on_change_swapped, task);
}

static void
change_send (GTask *task)
{
  ChangeData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autofree char *username = enlist_account_dup_username (data->account);
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      change_refused (task, error);
      return;
    }

  enlist_registration_change_password_async (data->registration, username, data->old_password,
                                             data->new_password, data->form, cancellable,
                                             on_changed, task);
}

static void
on_change_recorded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  enlist_account_manager_save_finish (ENLIST_ACCOUNT_MANAGER (source), result);
  change_send (user_data);
}

static void
on_change_pending_stored (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  GTask *task = user_data;
  EnlistAccountManager *self = g_task_get_source_object (task);
  ChangeData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->pending = enlist_keyring_store_pending_finish (ENLIST_KEYRING (source), result, &error);
  if (!data->pending)
    {
      g_debug ("The new password was not stored before sending it: %s", error->message);
      change_send (task);
      return;
    }

  data->previous_state = enlist_account_get_state (data->account);
  enlist_account_set_state (data->account, ENLIST_ACCOUNT_STATE_PASSWORD_CHANGE_PENDING);
  enlist_account_manager_save_async (self, data->account, NULL, on_change_recorded, task);
}

static void
change_store_pending (GTask *task)
{
  EnlistAccountManager *self = g_task_get_source_object (task);
  ChangeData *data = g_task_get_task_data (task);

  enlist_keyring_store_pending_async (self->keyring, enlist_account_get_address (data->account),
                                      data->new_password, ENLIST_KEYRING_STATE_PENDING_PASSWORD,
                                      NULL, on_change_pending_stored, task);
}

static void
on_change_old_found (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  EnlistAccountManager *self = ENLIST_ACCOUNT_MANAGER (source);
  ChangeData *data = g_task_get_task_data (task);

  data->old_password = enlist_account_manager_lookup_password_finish (self, result, &data->error);
  if (data->old_password == NULL)
    {
      change_return (task);
      return;
    }

  change_store_pending (task);
}

void
enlist_account_manager_change_password_async (EnlistAccountManager *self,
                                              EnlistRegistration   *registration,
                                              EnlistAccount        *account,
                                              const char           *old_password,
                                              const char           *new_password,
                                              EnlistDataForm       *form,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data)
{
  GTask *task;
  ChangeData *data;

  g_return_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (ENLIST_IS_REGISTRATION (registration));
  g_return_if_fail (ENLIST_IS_ACCOUNT (account));
  g_return_if_fail (new_password != NULL);
  g_return_if_fail (form == NULL || ENLIST_IS_DATA_FORM (form));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_account_manager_change_password_async);
  g_task_set_check_cancellable (task, FALSE);

  data = g_new0 (ChangeData, 1);
  data->registration = g_object_ref (registration);
  data->account = g_object_ref (account);
  data->old_password = g_strdup (old_password);
  data->new_password = g_strdup (new_password);
  data->form = form != NULL ? g_object_ref (form) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) change_data_free);
  enlist_account_manager_hold (self, account);

  if (old_password == NULL)
    enlist_account_manager_lookup_password_async (self, account, cancellable,
                                                  on_change_old_found, task);
  else
    change_store_pending (task);
}

gboolean
enlist_account_manager_change_password_finish (EnlistAccountManager *self,
                                               GAsyncResult         *result,
                                               gboolean             *saved,
                                               GError              **error)
{
  ChangeData *data;
  gboolean changed;

  g_return_val_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enlist_account_manager_change_password_async, FALSE);

  data = g_task_get_task_data (G_TASK (result));
  changed = g_task_propagate_boolean (G_TASK (result), error);
  if (saved != NULL)
    *saved = changed && data->saved;

  return changed;
}

/* Delete
 *
 * (password from the keyring) → the record marked deletion-pending → delete
 * on the server → only then the record and the keyring entries go. A
 * deletion whose outcome is unknown stays marked, to be settled by logging
 * in; one the server refused, or never got, takes the mark back. */

typedef struct
{
  EnlistRegistration *registration;
  EnlistAccount      *account;
  char               *password;
  gboolean            saved_password;  /* password is the one in the keyring */
  EnlistAccountState  previous_state;
  GError             *error;
} DeleteData;

static void
delete_data_free (DeleteData *data)
{
  g_clear_object (&data->registration);
  g_clear_object (&data->account);
  enlist_secret_free (data->password);
  g_clear_error (&data->error);
  g_free (data);
}

static void
on_delete_saved (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistAccountManager *self = g_task_get_source_object (task);
  DeleteData *data = g_task_get_task_data (task);

  enlist_account_manager_save_finish (self, result);
  enlist_account_manager_release (self, data->account);
  if (data->error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_delete_cleared (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  EnlistAccountManager *self = g_task_get_source_object (task);
  DeleteData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* The account is gone from the server whatever the keyring says; a
   * password left behind shows up as an account again at the next start,
   * where it can be forgotten. */
  if (!enlist_keyring_clear_finish (ENLIST_KEYRING (source), result, &error))
    g_warning ("The deleted account's password stays in the keyring: %s", error->message);

  enlist_account_manager_remove (self, data->account);
  enlist_account_manager_save_async (self, NULL, enlist_account_get_address (data->account),
                                     on_delete_saved, task);
}

/* The request is known not to have deleted anything: the mark goes. */
static void
delete_refused (GTask  *task,
                GError *error)
{
  EnlistAccountManager *self = g_task_get_source_object (task);
  DeleteData *data = g_task_get_task_data (task);

  data->error = error;
  enlist_account_set_state (data->account, data->previous_state);
  enlist_account_manager_save_async (self, data->account, NULL, on_delete_saved, task);
}

static void
on_deleted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  EnlistAccountManager *self = g_task_get_source_object (task);
  DeleteData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!enlist_registration_delete_account_finish (ENLIST_REGISTRATION (source), result, &error))
    {
      if (is_outcome_unknown (error))
        {
          /* Stays marked: logging in settles it later. */
          enlist_account_manager_release (self, data->account);
          g_task_return_error (task, error);
          g_object_unref (task);
          return;
        }
      if (!(data->previous_state == ENLIST_ACCOUNT_STATE_DELETION_PENDING
            && data->saved_password
            && g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED)))
        {
          delete_refused (task, error);
          return;
        }
      /* An earlier deletion, never confirmed, went through: the saved
       * password no longer opens the account. That is the deletion. */
      g_debug ("%s was deleted before: %s", enlist_account_get_address (data->account),
               error->message);
      g_error_free (error);
    }

  enlist_keyring_clear_async (self->keyring, enlist_account_get_address (data->account), NULL,
                              on_delete_cleared, task);
}

static void
delete_send (GTask *task)
{
  DeleteData *data = g_task_get_task_data (task);
  g_autofree char *username = enlist_account_dup_username (data->account);

  enlist_registration_delete_account_async (data->registration, username, data->password,
                                            g_task_get_cancellable (task), on_deleted, task);
}

static void
on_delete_recorded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  enlist_account_manager_save_finish (ENLIST_ACCOUNT_MANAGER (source), result);
  delete_send (user_data);
}

/* Marked before anything is sent, so that a crash or a lost answer leaves
 * a deletion to settle rather than an account that may be gone. */
static void
delete_record_pending (GTask *task)
{
  EnlistAccountManager *self = g_task_get_source_object (task);
  DeleteData *data = g_task_get_task_data (task);

  data->previous_state = enlist_account_get_state (data->account);
  enlist_account_set_state (data->account, ENLIST_ACCOUNT_STATE_DELETION_PENDING);
  enlist_account_manager_save_async (self, data->account, NULL, on_delete_recorded, task);
}

static void
on_delete_password_found (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  GTask *task = user_data;
  EnlistAccountManager *self = ENLIST_ACCOUNT_MANAGER (source);
  DeleteData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->password = enlist_account_manager_lookup_password_finish (self, result, &error);
  if (data->password == NULL)
    {
      enlist_account_manager_release (self, data->account);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  data->saved_password = TRUE;
  delete_record_pending (task);
}

void
enlist_account_manager_delete_async (EnlistAccountManager *self,
                                     EnlistRegistration   *registration,
                                     EnlistAccount        *account,
                                     const char           *password,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data)
{
  GTask *task;
  DeleteData *data;

  g_return_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (ENLIST_IS_REGISTRATION (registration));
  g_return_if_fail (ENLIST_IS_ACCOUNT (account));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_account_manager_delete_async);
  g_task_set_check_cancellable (task, FALSE);

  data = g_new0 (DeleteData, 1);
  data->registration = g_object_ref (registration);
  data->account = g_object_ref (account);
  data->password = g_strdup (password);
  g_task_set_task_data (task, data, (GDestroyNotify) delete_data_free);
  enlist_account_manager_hold (self, account);

  if (password == NULL)
    enlist_account_manager_lookup_password_async (self, account, cancellable,
                                                  on_delete_password_found, task);
  else
    delete_record_pending (task);
}

gboolean
enlist_account_manager_delete_finish (EnlistAccountManager *self,
                                      GAsyncResult         *result,
                                      GError              **error)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enlist_account_manager_delete_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
