/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-invite.h: invitation URIs (XEP-0401 Easy User Onboarding, with the
 * token of XEP-0445): xmpp:DOMAIN?register;preauth=TOKEN,
 * xmpp:NAME@DOMAIN?register;preauth=TOKEN (the account's name chosen by the
 * inviter) and xmpp:CONTACT@DOMAIN?roster;preauth=TOKEN;ibr=y (a contact's
 * invitation that also allows creating an account on their server). A pure
 * parser: the URI is untrusted text from a link, a QR code or a clipboard. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Limits on what is accepted, in bytes. */
#define ENLIST_INVITE_MAX_LENGTH      4096   /* the whole URI */
#define ENLIST_INVITE_MAX_TOKEN       1024   /* the token, decoded */
#define ENLIST_INVITE_MAX_PART        1023   /* a localpart or domain (RFC 7622) */

typedef struct
{
  char *domain;     /* where the account is created */
  char *token;      /* the preauth token, wiped by enlist_invite_free */
  char *username;   /* the name the inviter chose for the account, or NULL */
  char *inviter;    /* roster invitations: the bare JID of who invites, or NULL */
} EnlistInvite;

/* Parses uri; errors are ENLIST_ERROR_INVALID_INVITE with a sentence saying
 * what is wrong (never quoting the token). */
EnlistInvite *enlist_invite_parse         (const char   *uri,
                                           GError      **error);
/* The same for any link asking to register: also a plain
 * xmpp:DOMAIN?register (XEP-0147) without a token, which gives only the
 * domain (token and username NULL). */
EnlistInvite *enlist_invite_parse_request (const char   *uri,
                                           GError      **error);
void          enlist_invite_free          (EnlistInvite *invite);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlistInvite, enlist_invite_free)

G_END_DECLS
