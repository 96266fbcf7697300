/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-keyring-calls.c: the libsecret calls of the keyring units, a few
 * at a time.
 *
 * The Secret Service daemon works through its D-Bus calls one after the
 * other, and libsecret gives each call 25 seconds from the moment it is
 * sent. Hundreds sent at once (a batch of registrations, a load run) wait
 * in the daemon's queue until the later ones time out — a password not
 * saved, though nothing was wrong but the wait. So at most
 * ENLIST_KEYRING_CALLS_MAX calls are out at once; the others wait here, in
 * order, and each one's time starts when it is sent.
 *
 * Main thread only, like every async call of the keyring units. */
#define G_LOG_DOMAIN "enlist-keyring"

#include "config.h"

#include "enlist-keyring-private.h"
#include "enlist-text.h"

#define ENLIST_KEYRING_CALLS_MAX 4

typedef enum
{
  CALL_STORE,
  CALL_SEARCH,
  CALL_CLEAR,
} CallKind;

typedef struct
{
  CallKind             kind;
  GHashTable          *attributes;
  char                *label;
  char                *password;   /* wiped when freed */
  SecretSearchFlags    flags;
  GCancellable        *cancellable;
  GAsyncReadyCallback  callback;
  gpointer             user_data;
} Call;

static guint  calls_out;
static GQueue calls_waiting = G_QUEUE_INIT;

static void
call_free (Call *call)
{
  g_hash_table_unref (call->attributes);
  g_free (call->label);
  enlist_secret_free (call->password);
  g_clear_object (&call->cancellable);
  g_free (call);
}

static void call_send (Call *call);

static void
on_call_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Call *call = user_data;
  Call *next;

  calls_out--;
  next = g_queue_pop_head (&calls_waiting);
  if (next != NULL)
    call_send (next);

  call->callback (source, result, call->user_data);
  call_free (call);
}

static void
call_send (Call *call)
{
  calls_out++;
  switch (call->kind)
    {
    case CALL_STORE:
      secret_password_storev (&enlist_keyring_schema, call->attributes, SECRET_COLLECTION_DEFAULT,
                              call->label, call->password, call->cancellable, on_call_done, call);
      break;
    case CALL_SEARCH:
      secret_password_searchv (&enlist_keyring_schema, call->attributes, call->flags,
                               call->cancellable, on_call_done, call);
      break;
    case CALL_CLEAR:
      secret_password_clearv (&enlist_keyring_schema, call->attributes, call->cancellable,
                              on_call_done, call);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
call_queue (CallKind             kind,
            GHashTable          *attributes,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data,
            Call               **out)
{
  Call *call = g_new0 (Call, 1);

  call->kind = kind;
  call->attributes = g_hash_table_ref (attributes);
  call->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  call->callback = callback;
  call->user_data = user_data;
  *out = call;
}

static void
call_start (Call *call)
{
  if (calls_out < ENLIST_KEYRING_CALLS_MAX)
    call_send (call);
  else
    g_queue_push_tail (&calls_waiting, call);
}

void
enlist_keyring_call_store (GHashTable          *attributes,
                           const char          *label,
                           const char          *password,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  Call *call;

  call_queue (CALL_STORE, attributes, cancellable, callback, user_data, &call);
  call->label = g_strdup (label);
  call->password = g_strdup (password);
  call_start (call);
}

void
enlist_keyring_call_search (GHashTable          *attributes,
                            SecretSearchFlags    flags,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  Call *call;

  call_queue (CALL_SEARCH, attributes, cancellable, callback, user_data, &call);
  call->flags = flags;
  call_start (call);
}

void
enlist_keyring_call_clear (GHashTable          *attributes,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  Call *call;

  call_queue (CALL_CLEAR, attributes, cancellable, callback, user_data, &call);
  call_start (call);
}
