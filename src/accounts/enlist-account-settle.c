/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-account-settle.c: settling the accounts whose registration,
 * password change or deletion never got its answer (the connection
 * dropped, Enlist crashed), by logging in — never by guessing, and never
 * by dropping a password that may be the one in effect:
 *
 *   registration pending: the pending password logs in, or the server
 *     says the account is disabled (to be activated) → the account
 *     exists (REGISTERED, password confirmed); refused → it does not
 *     (NOT_REGISTERED, record and password removed); anything else →
 *     UNRESOLVED, kept for the next start.
 *   password change pending: the new password logs in → NEW_PASSWORD
 *     (swapped in); refused → the old one: logs in → OLD_PASSWORD (the
 *     new one discarded); anything else → UNRESOLVED, both kept.
 *   deletion pending: the saved password logs in (or the account is
 *     disabled) → NOT_DELETED, kept; refused → DELETED, record and
 *     password removed; anything else → UNRESOLVED, kept.
 *
 * Settling holds only a weak reference on the manager: a manager dropped
 * while its servers are asked cancels them (dispose) and goes. */
#define G_LOG_DOMAIN "enlist-account-manager"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "enlist-account-manager-private.h"
#include "enlist-text.h"

typedef struct
{
  GWeakRef             manager;
  EnlistKeyring       *keyring;
  EnlistAccount       *account;
  char                *address;
  EnlistAccountState   state;                 /* which of the three is pending */
  EnlistRegistration  *registration;
  char                *pending_password;
  char                *old_password;          /* the saved one (a change, a deletion) */
  GCancellable        *cancellable;
  EnlistPendingOutcome outcome;
  char                *message;
} Settle;

static void
settle_free (Settle *settle)
{
  g_weak_ref_clear (&settle->manager);
  g_clear_object (&settle->keyring);
  g_clear_object (&settle->account);
  g_free (settle->address);
  g_clear_object (&settle->registration);
  enlist_secret_free (settle->pending_password);
  enlist_secret_free (settle->old_password);
  g_clear_object (&settle->cancellable);
  g_free (settle->message);
  g_free (settle);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Settle, settle_free)

/* The keyring item to settle (none for a deletion). */
static EnlistKeyringState
pending_state (Settle *settle)
{
  return settle->state == ENLIST_ACCOUNT_STATE_REGISTRATION_PENDING
         ? ENLIST_KEYRING_STATE_PENDING_REGISTRATION
         : ENLIST_KEYRING_STATE_PENDING_PASSWORD;
}

/* The manager, if it is still there and still lists the account; NULL
 * means: stop, quietly. */
static EnlistAccountManager *
settle_get_manager (Settle *settle)
{
  EnlistAccountManager *self = g_weak_ref_get (&settle->manager);

  if (self != NULL && !enlist_account_manager_contains (self, settle->account))
    {
      /* Forgotten or deleted meanwhile: nothing left to settle. */
      GPtrArray *waiters = NULL;

      if (g_hash_table_steal_extended (self->settling, settle->account, NULL,
                                       (gpointer *) &waiters))
        {
          for (guint i = 0; i < waiters->len; i++)
            {
              GTask *waiter = g_ptr_array_index (waiters, i);
              guint *remaining = g_task_get_task_data (waiter);

              if (--*remaining == 0)
                g_task_return_boolean (waiter, TRUE);
            }
          g_ptr_array_unref (waiters);
          /* The key's reference, stolen with it. */
          g_object_unref (settle->account);
        }
      enlist_account_set_resolving (settle->account, FALSE);
      g_clear_object (&self);
    }

  return self;
}

/* The end: the account updated, the signal, the waiters told. */
static void
settle_announce (EnlistAccountManager *self,
                 Settle               *settle)
{
  GPtrArray *waiters = NULL;
  gpointer key = NULL;

  g_hash_table_steal_extended (self->settling, settle->account, &key, (gpointer *) &waiters);
  enlist_account_set_resolving (settle->account, FALSE);

  g_signal_emit (self, enlist_account_manager_signal_pending_resolved, 0,
                 settle->account, settle->outcome, settle->message);

  for (guint i = 0; waiters != NULL && i < waiters->len; i++)
    {
      GTask *waiter = g_ptr_array_index (waiters, i);
      guint *remaining = g_task_get_task_data (waiter);

      if (--*remaining == 0)
        g_task_return_boolean (waiter, TRUE);
    }
  g_clear_pointer (&waiters, g_ptr_array_unref);
  g_clear_object (&key);
}

static void
on_settle_saved (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Settle) settle = user_data;
  EnlistAccountManager *self = ENLIST_ACCOUNT_MANAGER (source);

  enlist_account_manager_save_finish (self, result);
  settle_announce (self, settle);
}

static void
settle_done (Settle               *settle,
             EnlistPendingOutcome  outcome,
             char                 *message)
{
  g_autoptr(EnlistAccountManager) self = settle_get_manager (settle);

  settle->outcome = outcome;
  settle->message = message;

  if (self == NULL)
    {
      settle_free (settle);
      return;
    }

  switch (outcome)
    {
    case ENLIST_PENDING_OUTCOME_NOT_REGISTERED:
    case ENLIST_PENDING_OUTCOME_DELETED:
      /* Out of the model before anyone hears of it. */
      enlist_account_manager_remove (self, settle->account);
      enlist_account_manager_save_async (self, NULL, settle->address, on_settle_saved, settle);
      break;

    case ENLIST_PENDING_OUTCOME_REGISTERED:
    case ENLIST_PENDING_OUTCOME_NEW_PASSWORD:
    case ENLIST_PENDING_OUTCOME_OLD_PASSWORD:
    case ENLIST_PENDING_OUTCOME_NOT_DELETED:
      enlist_account_set_state (settle->account, ENLIST_ACCOUNT_STATE_READY);
      enlist_account_manager_save_async (self, settle->account, NULL, on_settle_saved, settle);
      break;

    case ENLIST_PENDING_OUTCOME_UNRESOLVED:
    default:
      settle_announce (self, settle);
      settle_free (settle);
      break;
    }
}

static void
settle_unresolved (Settle     *settle,
                   const char *why)
{
  g_autofree char *reason = g_strdup (why);
  gsize len = strlen (reason);
  char *message;

  /* a fragment inside a sentence: no full stop of its own */
  if (len > 0 && reason[len - 1] == '.')
    reason[len - 1] = '\0';

  if (settle->state == ENLIST_ACCOUNT_STATE_REGISTRATION_PENDING)
    /* TRANSLATORS: %s is an account's address, then why it could not be
     * checked (a sentence fragment) */
    message = g_strdup_printf (_("Whether %s was created could not be checked: %s. "
                                 "Enlist will check again next time."),
                               settle->address, reason);
  else if (settle->state == ENLIST_ACCOUNT_STATE_DELETION_PENDING)
    /* TRANSLATORS: %s is an account's address, then why it could not be
     * checked (a sentence fragment) */
    message = g_strdup_printf (_("Whether %s was deleted could not be checked: %s. It stays "
                                 "listed, and Enlist will check again next time."),
                               settle->address, reason);
  else
    message = g_strdup_printf (_("Whether the password of %s was changed could not be checked: "
                                 "%s. Both passwords are kept, and Enlist will check again "
                                 "next time."),
                               settle->address, reason);

  settle_done (settle, ENLIST_PENDING_OUTCOME_UNRESOLVED, message);
}

static void
on_settle_keyring_done (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  Settle *settle = user_data;
  EnlistKeyring *keyring = ENLIST_KEYRING (source);
  g_autoptr(GError) error = NULL;
  gboolean done;

  if (g_task_get_source_tag (G_TASK (result)) == enlist_keyring_confirm_async)
    done = enlist_keyring_confirm_finish (keyring, result, &error);
  else
    done = enlist_keyring_discard_pending_finish (keyring, result, &error);

  if (!done)
    {
      settle_unresolved (settle, error->message);
      return;
    }

  switch (settle->outcome)
    {
    case ENLIST_PENDING_OUTCOME_REGISTERED:
      settle_done (settle, settle->outcome,
                   g_strdup_printf (_("%s exists: its registration went through, and its "
                                      "password is saved."), settle->address));
      break;

    case ENLIST_PENDING_OUTCOME_NOT_REGISTERED:
      settle_done (settle, settle->outcome,
                   g_strdup_printf (_("%s does not exist: its registration did not go "
                                      "through, so Enlist no longer lists it."),
                                    settle->address));
      break;

    case ENLIST_PENDING_OUTCOME_NEW_PASSWORD:
      settle_done (settle, settle->outcome,
                   g_strdup_printf (_("The password change of %s went through: the new "
                                      "password is in effect, and saved."), settle->address));
      break;

    case ENLIST_PENDING_OUTCOME_OLD_PASSWORD:
      settle_done (settle, settle->outcome,
                   g_strdup_printf (_("The password change of %s did not go through: the old "
                                      "password still works, and stays saved."),
                                    settle->address));
      break;

    case ENLIST_PENDING_OUTCOME_UNRESOLVED:
    case ENLIST_PENDING_OUTCOME_DELETED:
    case ENLIST_PENDING_OUTCOME_NOT_DELETED:
    default:
      g_assert_not_reached ();
    }
}

/* The first login of a settling: with password, which the keyring gave
 * (NULL: it could not, and error says why). */
static void
settle_log_in (Settle              *settle,
               const char          *password,
               const GError        *error,
               GAsyncReadyCallback  callback)
{
  g_autoptr(EnlistAccountManager) self = settle_get_manager (settle);
  g_autofree char *username = NULL;

  if (self == NULL)
    {
      settle_free (settle);
      return;
    }
  if (password == NULL)
    {
      if (g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_NOT_FOUND))
        settle_unresolved (settle, _("its password is not saved on this computer"));
      else
        settle_unresolved (settle, error->message);
      return;
    }

  settle->registration = enlist_account_manager_registration_for_account (self, settle->account);
  username = enlist_account_dup_username (settle->account);
  enlist_registration_login_async (settle->registration, username, password,
                                   settle->cancellable, callback, settle);
}

static void
on_settle_cleared (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Settle *settle = user_data;
  g_autoptr(GError) error = NULL;

  if (!enlist_keyring_clear_finish (ENLIST_KEYRING (source), result, &error))
    {
      settle_unresolved (settle, error->message);
      return;
    }

  settle_done (settle, ENLIST_PENDING_OUTCOME_DELETED,
               g_strdup_printf (_("%s was deleted: its deletion went through, so Enlist no "
                                  "longer lists it and its password is removed."),
                                settle->address));
}

static void
on_settle_deletion_logged_in (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  Settle *settle = user_data;
  g_autoptr(EnlistAccountManager) self = NULL;
  g_autoptr(EnlistServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = enlist_registration_login_finish (ENLIST_REGISTRATION (source), result, &error);
  if (info != NULL
      || g_strcmp0 (enlist_error_get_condition (error), "account-disabled") == 0)
    {
      settle_done (settle, ENLIST_PENDING_OUTCOME_NOT_DELETED,
                   g_strdup_printf (_("%s was not deleted: the account still exists, and its "
                                      "password stays saved."), settle->address));
      return;
    }
  if (!g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED))
    {
      settle_unresolved (settle, error->message);
      return;
    }

  /* The saved password no longer opens the account: it is gone. */
  self = settle_get_manager (settle);
  if (self == NULL)
    {
      settle_free (settle);
      return;
    }
  enlist_keyring_clear_async (settle->keyring, settle->address, NULL, on_settle_cleared, settle);
}

static void
on_settle_saved_found (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Settle *settle = user_data;
  g_autoptr(GError) error = NULL;

  settle->old_password = enlist_keyring_lookup_finish (ENLIST_KEYRING (source), result, &error);
  settle_log_in (settle, settle->old_password, error, on_settle_deletion_logged_in);
}

/* What the server said decided it: the keyring follows. */
static void
settle_keyring (Settle               *settle,
                EnlistPendingOutcome  outcome)
{
  g_autoptr(EnlistAccountManager) self = settle_get_manager (settle);

  if (self == NULL)
    {
      settle_free (settle);
      return;
    }

  settle->outcome = outcome;
  if (outcome == ENLIST_PENDING_OUTCOME_REGISTERED ||
      outcome == ENLIST_PENDING_OUTCOME_NEW_PASSWORD)
    enlist_keyring_confirm_async (settle->keyring, settle->address, pending_state (settle), NULL,
                                  NULL, on_settle_keyring_done, settle);
  else
    enlist_keyring_discard_pending_async (settle->keyring, settle->address,
                                          pending_state (settle), NULL,
                                          on_settle_keyring_done, settle);
}

static void
on_settle_old_logged_in (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  Settle *settle = user_data;
  g_autoptr(EnlistServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = enlist_registration_login_finish (ENLIST_REGISTRATION (source), result, &error);
  if (info != NULL)
    settle_keyring (settle, ENLIST_PENDING_OUTCOME_OLD_PASSWORD);
  else if (g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED))
    settle_unresolved (settle, _("neither the old nor the new password works"));
  else
    settle_unresolved (settle, error->message);
}

static void
on_settle_old_found (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Settle *settle = user_data;
  g_autoptr(EnlistAccountManager) self = settle_get_manager (settle);
  g_autoptr(GError) error = NULL;
  g_autofree char *username = NULL;

  settle->old_password = enlist_keyring_lookup_finish (ENLIST_KEYRING (source), result, &error);
  if (self == NULL)
    {
      settle_free (settle);
      return;
    }
  if (settle->old_password == NULL)
    {
      settle_unresolved (settle, error->message);
      return;
    }

  username = enlist_account_dup_username (settle->account);
  enlist_registration_login_async (settle->registration, username, settle->old_password,
                                   settle->cancellable, on_settle_old_logged_in, settle);
}

static void
on_settle_logged_in (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Settle *settle = user_data;
  g_autoptr(EnlistServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = enlist_registration_login_finish (ENLIST_REGISTRATION (source), result, &error);
  if (info != NULL)
    {
      settle_keyring (settle, settle->state == ENLIST_ACCOUNT_STATE_REGISTRATION_PENDING
                              ? ENLIST_PENDING_OUTCOME_REGISTERED
                              : ENLIST_PENDING_OUTCOME_NEW_PASSWORD);
      return;
    }

  if (!g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED))
    {
      settle_unresolved (settle, error->message);
      return;
    }

  if (settle->state == ENLIST_ACCOUNT_STATE_REGISTRATION_PENDING
      && g_strcmp0 (enlist_error_get_condition (error), "account-disabled") == 0)
    {
      /* A disabled account is an account: one that waits to be activated
       * (from an e-mail the server sent). Its password is the one. */
      settle_keyring (settle, ENLIST_PENDING_OUTCOME_REGISTERED);
      return;
    }
  if (settle->state == ENLIST_ACCOUNT_STATE_REGISTRATION_PENDING)
    {
      /* The server knows no account with this password: the registration
       * never happened (or someone else holds the name). */
      settle_keyring (settle, ENLIST_PENDING_OUTCOME_NOT_REGISTERED);
      return;
    }

  /* The new password does not work: does the old one? */
  enlist_keyring_lookup_async (settle->keyring, settle->address, settle->cancellable,
                               on_settle_old_found, settle);
}

static void
on_settle_pending_found (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  Settle *settle = user_data;
  g_autoptr(GError) error = NULL;

  settle->pending_password = enlist_keyring_lookup_pending_finish (ENLIST_KEYRING (source), result,
                                                                   &error);
  settle_log_in (settle, settle->pending_password, error, on_settle_logged_in);
}

static gboolean
settle_start (EnlistAccountManager *self,
              EnlistAccount        *account,
              GTask                *waiter)
{
  EnlistAccountState state = enlist_account_get_state (account);
  GPtrArray *waiters;
  Settle *settle;

  if (state != ENLIST_ACCOUNT_STATE_REGISTRATION_PENDING &&
      state != ENLIST_ACCOUNT_STATE_PASSWORD_CHANGE_PENDING &&
      state != ENLIST_ACCOUNT_STATE_DELETION_PENDING)
    return FALSE;
  /* A flow is waiting for this very answer: it is not lost yet. */
  if (enlist_account_manager_is_busy (self, account))
    return FALSE;

  waiters = g_hash_table_lookup (self->settling, account);
  if (waiters != NULL)
    {
      if (waiter != NULL)
        g_ptr_array_add (waiters, g_object_ref (waiter));
      return TRUE;
    }

  waiters = g_ptr_array_new_with_free_func (g_object_unref);
  if (waiter != NULL)
    g_ptr_array_add (waiters, g_object_ref (waiter));
  g_hash_table_insert (self->settling, g_object_ref (account), waiters);
  enlist_account_set_resolving (account, TRUE);

  settle = g_new0 (Settle, 1);
  g_weak_ref_init (&settle->manager, self);
  settle->keyring = g_object_ref (self->keyring);
  settle->account = g_object_ref (account);
  settle->address = g_strdup (enlist_account_get_address (account));
  settle->state = state;
  settle->cancellable = g_object_ref (self->cancellable);

  if (state == ENLIST_ACCOUNT_STATE_DELETION_PENDING)
    enlist_keyring_lookup_async (self->keyring, settle->address, settle->cancellable,
                                 on_settle_saved_found, settle);
  else
    enlist_keyring_lookup_pending_async (self->keyring, settle->address, pending_state (settle),
                                         settle->cancellable, on_settle_pending_found, settle);
  return TRUE;
}

guint
enlist_account_manager_settle_pending (EnlistAccountManager *self,
                                       GTask                *waiter)
{
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func (g_object_unref);
  guint *remaining = waiter != NULL ? g_task_get_task_data (waiter) : NULL;
  guint count = 0;

  for (guint i = 0; i < self->accounts->len; i++)
    g_ptr_array_add (accounts, g_object_ref (g_ptr_array_index (self->accounts, i)));
  for (guint i = 0; i < accounts->len; i++)
    if (settle_start (self, g_ptr_array_index (accounts, i), waiter))
      {
        count++;
        /* Settling always finishes in a later main loop iteration. */
        if (remaining != NULL)
          (*remaining)++;
      }

  return count;
}

void
enlist_account_manager_resolve_pending_async (EnlistAccountManager *self,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_account_manager_resolve_pending_async);
  g_task_set_task_data (task, g_new0 (guint, 1), g_free);

  /* Cancelling does not stop the settling (which ends at the servers'
   * timeouts); the task then reports the cancellation when it is done. */
  if (enlist_account_manager_settle_pending (self, task) == 0)
    g_task_return_boolean (task, TRUE);
}

gboolean
enlist_account_manager_resolve_pending_finish (EnlistAccountManager *self,
                                               GAsyncResult         *result,
                                               GError              **error)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enlist_account_manager_resolve_pending_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
