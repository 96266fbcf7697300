/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-keyring.h: account passwords in the desktop keyring (Secret Service,
 * or the portal-backed local storage inside Flatpak), with an in-memory
 * fallback for new credentials the keyring could not take. */
#pragma once

#include <gio/gio.h>

#include "enlist-error.h"

G_BEGIN_DECLS

#define ENLIST_TYPE_KEYRING (enlist_keyring_get_type ())

G_DECLARE_FINAL_TYPE (EnlistKeyring, enlist_keyring, ENLIST, KEYRING, GObject)

EnlistKeyring *enlist_keyring_new                  (void);

/* Stores (or replaces) the password of the bare JID. If the keyring cannot
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

/* The stored password of the JID. Unlocks the keyring if needed (which may
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

/* Removes the JID's password from the keyring and any unsaved copy of it.
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

/* The JIDs with a password in the keyring, sorted, without duplicates (the
 * same JID can be in several collections). Reads attributes only, so it does
 * not need the keyring unlocked. */
void           enlist_keyring_list_async           (EnlistKeyring       *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GStrv          enlist_keyring_list_finish          (EnlistKeyring       *self,
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
