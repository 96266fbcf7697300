/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-account-file.h: the non-secret facts of the accounts Enlist keeps,
 * in a small key file (DATA_DIR/accounts.ini): one record per account.
 * Passwords are never here; the keyring has them. */
#pragma once

#include <gio/gio.h>

#include "enlist-account-types.h"

G_BEGIN_DECLS

#define ENLIST_ACCOUNT_FILE_NAME     "accounts.ini"
#define ENLIST_ACCOUNT_FILE_VERSION  1
/* A larger file is not read (and so never rewritten): it cannot be ours. */
#define ENLIST_ACCOUNT_FILE_MAX_SIZE (1024 * 1024)

/* What the file says about one account. */
typedef struct
{
  char               *address;     /* the bare JID, as the server spells it */
  char               *domain;      /* the domain it was registered on */
  char               *host;        /* NULL: found through DNS */
  guint16             port;        /* 0 with host NULL */
  gboolean            direct_tls;
  GDateTime          *created;     /* UTC; NULL when not known */
  EnlistAccountState  state;
} EnlistAccountRecord;

EnlistAccountRecord *enlist_account_record_new  (const char                *address,
                                                 const char                *domain);
EnlistAccountRecord *enlist_account_record_copy (const EnlistAccountRecord *record);
void                 enlist_account_record_free (EnlistAccountRecord       *record);
/* The key that every spelling of one account's address shares: the bare
 * JID as enlist_jid_normalize gives it (the localpart case-folded, the
 * domain in its lower-case ASCII form), or the case folding of a string
 * that is no address. A record is replaced by one with the same key. */
char                *enlist_account_address_key     (const char            *address);
/* The order accounts are listed in: case-insensitive, stable. */
int                  enlist_account_address_compare (const char            *a,
                                                     const char            *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlistAccountRecord, enlist_account_record_free)

#define ENLIST_TYPE_ACCOUNT_FILE (enlist_account_file_get_type ())
G_DECLARE_FINAL_TYPE (EnlistAccountFile, enlist_account_file, ENLIST, ACCOUNT_FILE, GObject)

/* The file at path (created with its directory on the first write). */
EnlistAccountFile *enlist_account_file_new          (const char          *path);
const char        *enlist_account_file_get_path     (EnlistAccountFile   *self);

/* Reads the file off the main loop: a GPtrArray of EnlistAccountRecord
 * sorted by address (empty when there is no file). A file that cannot be
 * parsed, is larger than ENLIST_ACCOUNT_FILE_MAX_SIZE or was written by a
 * newer version is ENLIST_ERROR_ACCOUNT_FILE naming the file. */
void               enlist_account_file_load_async   (EnlistAccountFile   *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
GPtrArray         *enlist_account_file_load_finish  (EnlistAccountFile   *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

/* Changes to the file: put records (a copy of) record in place of the one
 * with the same address; remove takes the record of address out. Each
 * write reads the file again under a lock on its directory, applies the
 * changes asked for and replaces the file atomically (mode 0600), so that
 * two instances, or two processes, never lose each other's records. One
 * write runs at a time per instance; changes asked for meanwhile are
 * queued, the latest for an address winning, and written together once it
 * is done. A file that cannot be read is never overwritten: the write
 * fails with ENLIST_ERROR_ACCOUNT_FILE and the file stays as it is.
 * Both finish with enlist_account_file_write_finish, once the change (or a
 * later one of the same address) is on disk. Once asked for, a change is
 * not cancelled. */
void               enlist_account_file_put_async    (EnlistAccountFile         *self,
                                                     const EnlistAccountRecord *record,
                                                     GAsyncReadyCallback        callback,
                                                     gpointer                   user_data);
void               enlist_account_file_remove_async (EnlistAccountFile         *self,
                                                     const char                *address,
                                                     GAsyncReadyCallback        callback,
                                                     gpointer                   user_data);
gboolean           enlist_account_file_write_finish (EnlistAccountFile         *self,
                                                     GAsyncResult              *result,
                                                     GError                   **error);

/* How many times this instance has replaced the file (for tests). */
guint              enlist_account_file_get_n_writes (EnlistAccountFile   *self);

G_END_DECLS
