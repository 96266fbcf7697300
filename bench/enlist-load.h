/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-load.h: a load run through the public service API, shared by the
 * load benchmark (enlist-bench-load) and its regression test (test-load):
 * N registrations through an EnlistAccountManager (fetch the form, fill in
 * a user name and password, register: the password goes to the keyring)
 * and M logins (EnlistRegistration login) all started at once on the
 * thread-default main context; every outcome tallied, the server's own
 * refusals apart from every other failure; then the keyring checked (every
 * registered account's password there, nothing else of ours) and every
 * account forgotten again.
 *
 * It measures nothing about the process itself: the caller does, around
 * the steps, and may be called back after each step of each operation
 * (enlist_load_set_probe) to sample what it likes while they are in flight. */
#pragma once

#include "enlist-account-manager.h"

G_BEGIN_DECLS

typedef enum
{
  ENLIST_LOAD_REGISTRATION,
  ENLIST_LOAD_LOGIN,
  ENLIST_LOAD_N_KINDS,
} EnlistLoadKind;

/* One kind of outcome of one kind of operation: "ok", or the error as
 * "DOMAIN-CODE CONDITION" (CONDITION only when the server sent one). */
typedef struct
{
  EnlistLoadKind  kind;
  char           *what;
  gboolean        ok;
  gboolean        refusal;   /* the server said no (a stanza or stream error, a SASL condition) */
  guint           count;
  char           *example;   /* the first such error's message */
} EnlistLoadTally;

/* The durations of one kind of operation, in ms. */
typedef struct
{
  guint   count;
  double  min;
  double  median;
  double  p95;
  double  max;
  double  span;      /* from the first start to the last end */
} EnlistLoadTimes;

/* What the keyring held after the run. */
typedef struct
{
  guint present;     /* registered accounts whose confirmed password is the one registered */
  guint pending_only; /* registered accounts whose password is there only as pending */
  guint missing;     /* registered accounts with neither */
  guint wrong;       /* registered accounts with another password */
  guint pending;     /* pending entries left */
  guint unexpected;  /* confirmed entries of addresses this run did not register */
  guint entries;     /* every entry of Enlist's in the keyring */
} EnlistLoadKeyring;

typedef void (*EnlistLoadProbe) (gpointer user_data);

#define ENLIST_TYPE_LOAD (enlist_load_get_type ())
G_DECLARE_FINAL_TYPE (EnlistLoad, enlist_load, ENLIST, LOAD, GObject)

/* Operations go to domain at host:port over STARTTLS, through registrations
 * made by manager (which must be loaded, with the server's CA). */
EnlistLoad      *enlist_load_new                 (EnlistAccountManager *manager,
                                                  const char           *domain,
                                                  const char           *host,
                                                  guint16               port);
/* Called after every step of every operation of run_async. */
void             enlist_load_set_probe           (EnlistLoad           *self,
                                                  EnlistLoadProbe       probe,
                                                  gpointer              user_data);

/* Creates n accounts for the logins on the server, batch at a time, without
 * the manager or the keyring (their passwords stay in this object). Any
 * failure fails the whole. */
void             enlist_load_prepare_async       (EnlistLoad           *self,
                                                  guint                 n,
                                                  guint                 batch,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean         enlist_load_prepare_finish      (EnlistLoad           *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* At most cap operations of run_async in flight at once, the next one
 * started as one ends (0, the default: no cap, all at once). */
void             enlist_load_set_max_in_flight   (EnlistLoad           *self,
                                                  guint                 cap);

/* Starts n_registrations registrations and a login with each prepared
 * account, all before returning to the main loop (or as many as the cap
 * allows, the rest as others end), and finishes when every one has; their
 * outcomes are in the tallies, so this never fails. */
void             enlist_load_run_async           (EnlistLoad           *self,
                                                  guint                 n_registrations,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
void             enlist_load_run_finish          (EnlistLoad           *self,
                                                  GAsyncResult         *result);

/* Sorted by kind, then successes first, then by count. */
GPtrArray       *enlist_load_get_tallies         (EnlistLoad           *self);
guint            enlist_load_count               (EnlistLoad           *self,
                                                  EnlistLoadKind        kind,
                                                  gboolean              ok,
                                                  gboolean              refusal);
void             enlist_load_get_times           (EnlistLoad           *self,
                                                  EnlistLoadKind        kind,
                                                  EnlistLoadTimes      *times);
guint            enlist_load_get_max_in_flight   (EnlistLoad           *self);
const char      *enlist_load_kind_name           (EnlistLoadKind        kind);

/* Reads back every registered account's password through the manager and
 * lists Enlist's entries in the keyring. */
void             enlist_load_check_keyring_async  (EnlistLoad          *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean         enlist_load_check_keyring_finish (EnlistLoad          *self,
                                                   GAsyncResult        *result,
                                                   EnlistLoadKeyring   *keyring,
                                                   GError             **error);

/* Forgets every account the manager keeps (record and keyring entry), all
 * at once; fails with the first error. */
void             enlist_load_forget_all_async    (EnlistLoad           *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean         enlist_load_forget_all_finish   (EnlistLoad           *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* The number of entries of Enlist's in the keyring (any state). */
void             enlist_load_count_entries_async  (EnlistLoad          *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gssize           enlist_load_count_entries_finish (EnlistLoad          *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* The descriptors open in this process (/proc/self/fd), -1 if unreadable;
 * and each as "NUMBER TARGET". */
int              enlist_load_count_fds           (void);
GStrv            enlist_load_list_fds            (void);

G_END_DECLS
