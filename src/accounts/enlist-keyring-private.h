/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-keyring-private.h: the keyring's insides, shared by its units.
 *
 * The units (each file says more):
 *   enlist-keyring.c          the object, the in-memory fallback, and the
 *                             confirmed password: store, lookup, clear
 *   enlist-keyring-pending.c  pending passwords: store, lookup, confirm,
 *                             discard
 *   enlist-keyring-items.c    what an item is (schema, attributes, labels),
 *                             writing one, the keyring's errors, listing
 *   enlist-keyring-calls.c    the libsecret calls, a few out at a time */
#pragma once

#include <libsecret/secret.h>

#include "enlist-keyring.h"

G_BEGIN_DECLS

/* ---------------------------------------------------------------------- */
/* enlist-keyring-items.c                                                  */

extern const SecretSchema enlist_keyring_schema;

gboolean    enlist_keyring_jid_is_valid      (const char          *jid);
/* Turns what libsecret, GDBus or the portal reported (error, taken) into an
 * ENLIST_ERROR a person understands. Cancellation passes unchanged, so
 * callers can recognise it as G_IO_ERROR_CANCELLED. */
GError     *enlist_keyring_map_error         (GError              *error);
/* What finds the items of jid in state. */
GHashTable *enlist_keyring_search_attributes (const char          *jid,
                                              EnlistKeyringState   state);
gboolean    enlist_keyring_item_is_in_state  (SecretRetrievable   *item,
                                              EnlistKeyringState   state);
/* Writes (or replaces) the item of jid in state; finish with
 * secret_password_store_finish. */
void        enlist_keyring_store_item        (const char          *jid,
                                              const char          *password,
                                              EnlistKeyringState   state,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* Sorted, without duplicates, NULL-terminated. */
GStrv       enlist_keyring_sorted_unique     (GPtrArray           *strings);

/* ---------------------------------------------------------------------- */
/* enlist-keyring-calls.c                                                  */

/* secret_password_storev, _searchv and _clearv on enlist_keyring_schema
 * (the collection: the default one), sent once fewer than a few are out;
 * finish with secret_password_store_finish, _search_finish, _clear_finish. */
void        enlist_keyring_call_store        (GHashTable          *attributes,
                                              const char          *label,
                                              const char          *password,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
void        enlist_keyring_call_search       (GHashTable          *attributes,
                                              SecretSearchFlags    flags,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
void        enlist_keyring_call_clear        (GHashTable          *attributes,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);

/* ---------------------------------------------------------------------- */
/* enlist-keyring.c                                                        */

/* The task data of a store and of a confirm. */
typedef struct
{
  char               *jid;
  char               *password;
  EnlistKeyringState  state;
  /* confirm: the JID the confirmed item is stored under */
  char               *address;
} EnlistKeyringStoreData;

void        enlist_keyring_store_data_free     (EnlistKeyringStoreData *data);
void        enlist_keyring_drop_unsaved        (EnlistKeyring          *self,
                                                const char             *jid);
/* A store of jid's password in state, or a lookup of it, as a task tagged
 * source_tag; finish with g_task_propagate_boolean or _pointer. */
void        enlist_keyring_start_store         (EnlistKeyring          *self,
                                                const char             *jid,
                                                const char             *password,
                                                EnlistKeyringState      state,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data,
                                                gpointer                source_tag);
void        enlist_keyring_start_lookup        (EnlistKeyring          *self,
                                                const char             *jid,
                                                EnlistKeyringState      state,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data,
                                                gpointer                source_tag);
/* Completes the task (user_data) of a secret_password_clearv: TRUE also
 * when there was nothing to remove. */
void        enlist_keyring_on_password_cleared (GObject                *source,
                                                GAsyncResult           *result,
                                                gpointer                user_data);

G_END_DECLS
