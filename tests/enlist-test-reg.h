/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-reg.h: EnlistRegistration against the in-process fake server,
 * as the test-registration-fake-* tests drive it. The fake server does SASL
 * PLAIN against a table of accounts kept by the test, answers form requests
 * with the test's form and register sets with the test's set_func, and
 * records what it saw. */
#pragma once

#include "enlist-data-form-private.h"
#include "enlist-error.h"
#include "enlist-fake-server.h"
#include "enlist-registration.h"
#include "enlist-registration-private.h"

G_BEGIN_DECLS

#define ENLIST_TEST_STANZAS_NS "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'"

typedef struct _EnlistTestReg EnlistTestReg;

typedef enum
{
  ENLIST_TEST_CANCEL_NEVER,
  ENLIST_TEST_CANCEL_ON_RECEIPT,   /* when a register set arrives, before it is answered */
  ENLIST_TEST_CANCEL_ON_ANSWER,    /* right after the answer to it is sent */
} EnlistTestCancelWhen;

/* How enlist_test_reg_set_delete answers (the test's data). */
typedef enum
{
  ENLIST_TEST_DELETE_RESULT_STREAM_ERROR,  /* result, then <not-authorized/> stream error */
  ENLIST_TEST_DELETE_STREAM_ERROR,         /* <conflict/> stream error without a result */
  ENLIST_TEST_DELETE_CLOSE_REMOVED,        /* closes without a result; the account is gone */
  ENLIST_TEST_DELETE_CLOSE_KEPT,           /* closes without a result; the account stays */
  ENLIST_TEST_DELETE_RESULT_KEPT,          /* result, but the account still logs in */
} EnlistTestDeleteCase;

/* Answers an iq set in jabber:iq:register (already recorded in sets). */
typedef void (*EnlistTestRegSetFunc) (EnlistTestReg       *f,
                                      const EnlistXmlNode *iq);

struct _EnlistTestReg
{
  guint                 guard_id;
  EnlistFakeServer     *server;
  EnlistRegistration   *registration;

  GHashTable           *accounts;     /* username → password: who may log in */
  const char           *form;         /* the <query/> answered to a form request */
  const char           *form_refusal; /* when set, form requests get an error with this payload */
  gboolean              drop_first;   /* close the first connection after its form */
  EnlistTestRegSetFunc  set_func;
  gconstpointer         data;         /* the test's own */

  /* what the server saw */
  GPtrArray            *sets;         /* EnlistXmlNode *: the register sets */
  guint                 n_gets;
  guint                 n_logins;     /* successful ones */
  guint                 n_wrong_mechanisms;  /* <auth> with a mechanism not offered */
  char                 *logged_in;    /* the last user who logged in */
  guint                 n_form_notify;
  const char           *bob_cid;      /* the Bits of Binary the server has */
  const char           *bob_data;     /* its <data/> element */
  guint                 n_bob_gets;
  gboolean              no_sasl_after_register;  /* refuse SASL on a stream that registered */
  gboolean              fold_case;    /* as ejabberd: logins case-folded, bound in lower case */
  const char           *login_refusal;  /* when set, every login fails with this <failure/> body */
  int                   register_connection;     /* index of the stream that registered, or -1 */

  /* cancelling the caller's cancellable from the server's side */
  GCancellable         *cancellable;
  EnlistTestCancelWhen  cancel_when;
};

/* The GTest fixture; the form is a legacy username and password one. */
void               enlist_test_reg_setup                (EnlistTestReg        *f,
                                                         gconstpointer         data);
void               enlist_test_reg_teardown             (EnlistTestReg        *f,
                                                         gconstpointer         data);
/* Starts the server (secure_response: raw stream header and features, or
 * NULL) and the service, pointed at it. */
void               enlist_test_reg_start                (EnlistTestReg        *f,
                                                         const char           *secure_response);

/* The server side */
void               enlist_test_reg_send_reply           (EnlistTestReg        *f,
                                                         const EnlistXmlNode  *iq,
                                                         const char           *type,
                                                         const char           *payload);
void               enlist_test_reg_add_account          (EnlistTestReg        *f,
                                                         const char           *username,
                                                         const char           *password);
/* The text of query's legacy element name. */
const char        *enlist_test_reg_legacy_value         (const EnlistXmlNode  *iq,
                                                         const char           *name);
/* The first value of the submitted data form field var, or NULL. */
const char        *enlist_test_reg_submitted_value      (const EnlistXmlNode  *iq,
                                                         const char           *var);

/* Answers to register sets (EnlistTestRegSetFunc): a plain result; an
 * account created from the legacy username and password; an error of the
 * test, as nothing may be submitted; alice's password changed to the one
 * sent; a removal as the test's EnlistTestDeleteCase says. */
void               enlist_test_reg_answer_result        (EnlistTestReg        *f,
                                                         const EnlistXmlNode  *iq);
void               enlist_test_reg_set_register         (EnlistTestReg        *f,
                                                         const EnlistXmlNode  *iq);
void               enlist_test_reg_set_unexpected       (EnlistTestReg        *f,
                                                         const EnlistXmlNode  *iq);
void               enlist_test_reg_set_password_accept  (EnlistTestReg        *f,
                                                         const EnlistXmlNode  *iq);
void               enlist_test_reg_set_delete           (EnlistTestReg        *f,
                                                         const EnlistXmlNode  *iq);

/* The service's operations, run to their end */
EnlistDataForm    *enlist_test_reg_fetch_form           (EnlistTestReg        *f,
                                                         GError              **error);
/* The form, with username alice and password secret. */
EnlistDataForm    *enlist_test_reg_fetch_filled_form    (EnlistTestReg        *f);
EnlistCredentials *enlist_test_reg_submit_credentials   (EnlistTestReg        *f,
                                                         EnlistDataForm       *form,
                                                         GCancellable         *cancellable,
                                                         GError              **error);
/* The address of the new account, and whether it was verified. */
char              *enlist_test_reg_submit               (EnlistTestReg        *f,
                                                         EnlistDataForm       *form,
                                                         gboolean             *verified,
                                                         GError              **error);
/* alice's password. */
gboolean           enlist_test_reg_change_password_full (EnlistTestReg        *f,
                                                         const char           *old_password,
                                                         const char           *new_password,
                                                         EnlistDataForm       *form,
                                                         GCancellable         *cancellable,
                                                         GError              **error);
gboolean           enlist_test_reg_change_password      (EnlistTestReg        *f,
                                                         const char           *old_password,
                                                         const char           *new_password,
                                                         GError              **error);
/* alice's account, password secret. */
gboolean           enlist_test_reg_delete_account_full  (EnlistTestReg        *f,
                                                         GCancellable         *cancellable,
                                                         GError              **error);
gboolean           enlist_test_reg_delete_account       (EnlistTestReg        *f,
                                                         GError              **error);
void               enlist_test_reg_set_value            (EnlistDataForm       *form,
                                                         const char           *var,
                                                         const char           *value);
/* Waits (bounded) until the service has seen the connection its form was
 * fetched on go. */
void               enlist_test_reg_wait_connection_lost (EnlistTestReg        *f);

G_END_DECLS
