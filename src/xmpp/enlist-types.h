/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-types.h: the public enumerations of the protocol layer, one place
 * for front ends to find them; their GTypes are generated into enlist-enums.h
 * by glib-mkenums (one value per line, as it wants). */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Every error Enlist reports itself is in ENLIST_ERROR (enlist-error.h);
 * GIO, resolver and TLS errors keep their own domains. */
typedef enum
{
  ENLIST_ERROR_FAILED,              /* anything not covered below */
  ENLIST_ERROR_PROTOCOL,            /* the peer broke the XMPP/XML rules */
  ENLIST_ERROR_LIMIT_EXCEEDED,      /* a size/depth/count limit on untrusted input */
  ENLIST_ERROR_TIMEOUT,             /* no answer in time */
  ENLIST_ERROR_CONNECTION_CLOSED,   /* the peer closed the connection unexpectedly */
  ENLIST_ERROR_DNS,                 /* name resolution failed */
  ENLIST_ERROR_CONNECT,             /* no candidate endpoint accepted a connection */
  ENLIST_ERROR_STREAM,              /* the server sent a stream error */
  ENLIST_ERROR_TLS_UNAVAILABLE,     /* the server offered no STARTTLS or refused it */
  ENLIST_ERROR_TLS_FAILED,          /* the TLS handshake failed for another reason */
  ENLIST_ERROR_CERTIFICATE,         /* the certificate is not trusted */
  ENLIST_ERROR_AUTH_FAILED,         /* wrong user name or password */
  ENLIST_ERROR_AUTH_UNAVAILABLE,    /* no acceptable SASL mechanism */
  ENLIST_ERROR_SASL,                /* SASL failed for another reason */
  ENLIST_ERROR_STANZA,              /* the server answered a request with an error */
  /* what the registration service concludes */
  ENLIST_ERROR_NOT_SUPPORTED,       /* no registration on this server */
  ENLIST_ERROR_ALREADY_REGISTERED,  /* the form says the account exists */
  ENLIST_ERROR_WEB_ONLY,            /* registration only on a web page */
  ENLIST_ERROR_CAPTCHA_RENEWED,     /* a fresh CAPTCHA replaced the form: answer it */
  ENLIST_ERROR_FORM_RENEWED,        /* the server sent a different form: fill it in */
  ENLIST_ERROR_OUTCOME_UNKNOWN,     /* whether the server acted could not be established */
  ENLIST_ERROR_INVALID_INVITE,      /* the invitation URI is malformed */
  /* forms and the values typed into them */
  ENLIST_ERROR_INVALID_VALUE,       /* a value breaks the field's rules */
  ENLIST_ERROR_MISSING_REQUIRED,    /* a required field is empty */
  ENLIST_ERROR_MALFORMED_FORM,      /* the server's form breaks XEP-0004/0077 */
  ENLIST_ERROR_INVALID_JID,         /* not an XMPP address */
  /* what Enlist keeps on this computer */
  ENLIST_ERROR_KEYRING_UNAVAILABLE, /* no Secret Service (no session bus, no keyring daemon) */
  ENLIST_ERROR_KEYRING_LOCKED,      /* the keyring is locked and was not unlocked */
  ENLIST_ERROR_NOT_FOUND,           /* no such password or account is stored */
  ENLIST_ERROR_KEYRING_FAILED,      /* anything else the keyring reported */
  ENLIST_ERROR_ACCOUNT_FILE,        /* the account file is damaged or cannot be written */
} EnlistError;

typedef enum
{
  ENLIST_FIELD_TYPE_BOOLEAN,
  ENLIST_FIELD_TYPE_FIXED,
  ENLIST_FIELD_TYPE_HIDDEN,
  ENLIST_FIELD_TYPE_JID_MULTI,
  ENLIST_FIELD_TYPE_JID_SINGLE,
  ENLIST_FIELD_TYPE_LIST_MULTI,
  ENLIST_FIELD_TYPE_LIST_SINGLE,
  ENLIST_FIELD_TYPE_TEXT_MULTI,
  ENLIST_FIELD_TYPE_TEXT_PRIVATE,
  ENLIST_FIELD_TYPE_TEXT_SINGLE,
} EnlistFieldType;

typedef enum
{
  ENLIST_FORM_TYPE_FORM,
  ENLIST_FORM_TYPE_SUBMIT,
  ENLIST_FORM_TYPE_CANCEL,
  ENLIST_FORM_TYPE_RESULT,
} EnlistFormType;

typedef enum
{
  ENLIST_FORM_ORIGIN_DATA_FORM,     /* a jabber:x:data form */
  ENLIST_FORM_ORIGIN_LEGACY,        /* XEP-0077 <username/>, <password/>, … */
} EnlistFormOrigin;

/* What an EnlistRegistration is doing, for progress text
 * (enlist_registration_stage_describe). */
typedef enum
{
  ENLIST_REGISTRATION_STAGE_IDLE,
  ENLIST_REGISTRATION_STAGE_LOOKING_UP,        /* DNS SRV records */
  ENLIST_REGISTRATION_STAGE_CONNECTING,        /* TCP */
  ENLIST_REGISTRATION_STAGE_SECURING,          /* STARTTLS or direct TLS handshake */
  ENLIST_REGISTRATION_STAGE_REDEEMING_INVITE,  /* sending an invitation's token */
  ENLIST_REGISTRATION_STAGE_REQUESTING_FORM,
  ENLIST_REGISTRATION_STAGE_LOADING_CAPTCHA,
  ENLIST_REGISTRATION_STAGE_SUBMITTING,
  ENLIST_REGISTRATION_STAGE_VERIFYING,         /* logging in with a new account */
  ENLIST_REGISTRATION_STAGE_LOGGING_IN,        /* before a password change or deletion */
  ENLIST_REGISTRATION_STAGE_CHANGING_PASSWORD,
  ENLIST_REGISTRATION_STAGE_DELETING,
  ENLIST_REGISTRATION_STAGE_CHECKING_OUTCOME,  /* logging in to learn what an unanswered request did */
  ENLIST_REGISTRATION_STAGE_CLOSING,
} EnlistRegistrationStage;

/* What enlist_registration_probe_async does besides connecting. */
typedef enum /*< flags >*/
{
  ENLIST_PROBE_NONE       = 0,
  ENLIST_PROBE_FETCH_FORM = 1 << 0,  /* ask for the registration form in the first flight */
} EnlistProbeFlags;

G_END_DECLS
