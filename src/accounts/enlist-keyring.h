/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-keyring.h: account passwords in the desktop keyring (Secret Service,
 * or the portal-backed local storage inside Flatpak), with an in-memory
 * fallback for new credentials the keyring could not take.
 *
 * Besides an account's confirmed password the keyring holds pending ones
 * (EnlistKeyringState, in the item's attributes): the password of a
 * registration, or the new password of a change, stored before the request
 * goes to the server and confirmed or discarded once its answer is known.
 * A pending password is never kept anywhere else. */
#pragma once

#include <gio/gio.h>

#include "enlist-account-enums.h"
#include "enlist-account-types.h"
#include "enlist-error.h"

G_BEGIN_DECLS

#define ENLIST_TYPE_KEYRING (enlist_keyring_get_type ())

G_DECLARE_FINAL_TYPE (EnlistKeyring, enlist_keyring, ENLIST, KEYRING, GObject)

EnlistKeyring *enlist_keyring_new                  (void);

/* Stores (or replaces) the confirmed password of the bare JID. If the keyring cannot
 * take it, _finish reports why and the password stays in memory: it is
 * listed by enlist_keyring_get_unsaved () until a later store of the same JID
 * succeeds, it is cleared, or the EnlistKeyring is finalized. A successful
 * store drops any unsaved copy for that JID. */
void           enlist_keyring_store_async          (EnlistKeyring       *self,
                                                    const char          *jid,
                                                    const char          *password,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean       enlist_keyring_store_finish         (EnlistKeyring       *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* The confirmed password of the JID (never a pending one). Unlocks the keyring if needed (which may
 * prompt). No stored password is an error, ENLIST_ERROR_NOT_FOUND, so
 * that NULL always comes with an error. Only the keyring is consulted, not the
 * unsaved copies. Free the result with enlist_keyring_password_free (). */
void           enlist_keyring_lookup_async         (EnlistKeyring       *self,
                                                    const char          *jid,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
char          *enlist_keyring_lookup_finish        (EnlistKeyring       *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* Removes the JID's passwords from the keyring, pending ones included, and
 * any unsaved copy.
 * Removing what is not there succeeds: after a deleted account nothing of its
 * password should remain, whether or not it was ever stored. */
void           enlist_keyring_clear_async          (EnlistKeyring       *self,
                                                    const char          *jid,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean       enlist_keyring_clear_finish         (EnlistKeyring       *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* The JIDs with a confirmed password in the keyring, sorted, without duplicates (the
 * same JID can be in several collections). Reads attributes only, so it does
 * not need the keyring unlocked. */
void           enlist_keyring_list_async           (EnlistKeyring       *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GStrv          enlist_keyring_list_finish          (EnlistKeyring       *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* Pending passwords. state is ENLIST_KEYRING_STATE_PENDING_REGISTRATION
 * or _PENDING_PASSWORD; a JID has at most one item in each state, beside
 * its confirmed one. Storing one whose state the keyring cannot take fails
 * with no copy kept in memory: the caller still has the password. */
void           enlist_keyring_store_pending_async  (EnlistKeyring       *self,
                                                    const char          *jid,
                                                    const char          *password,
                                                    EnlistKeyringState   state,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean       enlist_keyring_store_pending_finish (EnlistKeyring       *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* The pending password of the JID in state; none is ENLIST_ERROR_NOT_FOUND.
 * Free it with enlist_keyring_password_free (). */
void           enlist_keyring_lookup_pending_async (EnlistKeyring       *self,
                                                    const char          *jid,
                                                    EnlistKeyringState   state,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
char          *enlist_keyring_lookup_pending_finish (EnlistKeyring      *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* The server accepted: the pending password of jid in state becomes the
 * confirmed password of address (jid when NULL: a registration re-keyed
 * to the address as the server spells it), replacing the one there was,
 * and the pending item goes. The confirmed item is written before the
 * pending one is removed, so an interruption leaves the password in the
 * keyring twice, never not at all. No pending password is
 * ENLIST_ERROR_NOT_FOUND. Once the pending password is read the rest is
 * not cancelled. */
void           enlist_keyring_confirm_async        (EnlistKeyring       *self,
                                                    const char          *jid,
                                                    EnlistKeyringState   state,
                                                    const char          *address,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean       enlist_keyring_confirm_finish       (EnlistKeyring       *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* The server refused: removes the pending item of jid in state only; the
 * confirmed password stays. Removing what is not there succeeds. */
void           enlist_keyring_discard_pending_async  (EnlistKeyring     *self,
                                                      const char        *jid,
                                                      EnlistKeyringState state,
                                                      GCancellable      *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer           user_data);
gboolean       enlist_keyring_discard_pending_finish (EnlistKeyring     *self,
                                                      GAsyncResult      *result,
                                                      GError           **error);

/* One password Enlist keeps: whose, and in which state. */
typedef struct
{
  char               *jid;
  EnlistKeyringState  state;
} EnlistKeyringEntry;

void           enlist_keyring_entry_free           (EnlistKeyringEntry  *entry);

/* Every password Enlist keeps, confirmed and pending, as a GPtrArray of
 * EnlistKeyringEntry sorted by JID and then state, without duplicates.
 * Like list, reads attributes only (no unlocking); items in a state a later
 * version of Enlist introduced are left out. */
void           enlist_keyring_list_entries_async   (EnlistKeyring       *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GPtrArray     *enlist_keyring_list_entries_finish  (EnlistKeyring       *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* The JIDs whose credentials failed to store and are only in memory, sorted. */
GStrv          enlist_keyring_get_unsaved          (EnlistKeyring       *self);
gboolean       enlist_keyring_has_unsaved          (EnlistKeyring       *self);
/* A copy of the unsaved password of jid for the user to see or copy, or NULL.
 * Free it with enlist_keyring_password_free (). */
char          *enlist_keyring_dup_unsaved_password (EnlistKeyring       *self,
                                                    const char          *jid);

/* Wipes and frees a password returned by this unit. NULL is allowed. */
void           enlist_keyring_password_free        (char                *password);

G_END_DECLS
