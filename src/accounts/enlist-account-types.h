/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-account-types.h: the public enumerations of the accounts layer;
 * their GTypes are generated into enlist-account-enums.h. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Where an account Enlist keeps stands. */
typedef enum
{
  ENLIST_ACCOUNT_STATE_READY,                    /* on the server, its password in the keyring */
  ENLIST_ACCOUNT_STATE_PASSWORD_NOT_SAVED,       /* on the server; the keyring did not take its password */
  ENLIST_ACCOUNT_STATE_REGISTRATION_PENDING,     /* a registration whose answer never came */
  ENLIST_ACCOUNT_STATE_PASSWORD_CHANGE_PENDING,  /* a password change whose answer never came */
  ENLIST_ACCOUNT_STATE_DELETION_PENDING,         /* a deletion whose outcome is not known */
} EnlistAccountState;

/* What settling a pending account found out. */
typedef enum
{
  ENLIST_PENDING_OUTCOME_REGISTERED,          /* the account exists: kept, password confirmed */
  ENLIST_PENDING_OUTCOME_NOT_REGISTERED,      /* it does not: record and password removed */
  ENLIST_PENDING_OUTCOME_NEW_PASSWORD,        /* the new password is in effect: keyring updated */
  ENLIST_PENDING_OUTCOME_OLD_PASSWORD,        /* the old password is still in effect: kept */
  ENLIST_PENDING_OUTCOME_UNRESOLVED,          /* the server could not be asked: still pending */
  ENLIST_PENDING_OUTCOME_DELETED,             /* the deletion went through: record and password removed */
  ENLIST_PENDING_OUTCOME_NOT_DELETED,         /* the account is still there: kept */
} EnlistPendingOutcome;

/* What a password in the keyring is. A confirmed one is an item with a
 * "jid" attribute, as every item written before there were pending ones; a
 * pending one has "pending-jid" and "state" (the nick below) instead, so
 * that neither can replace the other. A pending password change is a
 * second item beside the confirmed one of the same address. */
typedef enum
{
  ENLIST_KEYRING_STATE_CONFIRMED,             /* the account's password */
  ENLIST_KEYRING_STATE_PENDING_REGISTRATION,  /* sent with a registration, answer unknown */
  ENLIST_KEYRING_STATE_PENDING_PASSWORD,      /* the new one of a change, answer unknown */
} EnlistKeyringState;

G_END_DECLS
