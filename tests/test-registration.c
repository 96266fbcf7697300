/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-registration.c: EnlistRegistration against a real Prosody and a real
 * ejabberd (with and without CAPTCHA), started by the test on loopback:
 * forms, registration with login verification, the servers' refusals,
 * CAPTCHA renewal, invitations, password change, deletion, the disco
 * support check, and recovery from a connection lost while filling in. */
#define G_LOG_DOMAIN "test-registration"

#include "config.h"

#include <string.h>

#include "enlist-certificate.h"
#include "enlist-connection.h"
#include "enlist-data-form-private.h"
#include "enlist-error.h"
#include "enlist-media.h"
#include "enlist-registration.h"
#include "enlist-registration-private.h"
#include "enlist-test-servers.h"
#include "enlist-test-utils.h"

static EnlistTestServers *servers;

typedef enum
{
  DOMAIN_MAIN,
  DOMAIN_NOCAPTCHA,
  DOMAIN_INVITE,
} DomainKind;

typedef struct
{
  const char *name;
  const char *server;          /* "prosody" or "ejabberd" */
  DomainKind  domain;
  const char *bad_username_condition;
} Target;

static const Target targets[] = {
  { "prosody", "prosody", DOMAIN_MAIN, "not-acceptable" },
  { "ejabberd-captcha", "ejabberd", DOMAIN_MAIN, "jid-malformed" },
  { "ejabberd-nocaptcha", "ejabberd", DOMAIN_NOCAPTCHA, "jid-malformed" },
};

static const Target prosody_target = { "prosody", "prosody", DOMAIN_MAIN, "not-acceptable" };
static const Target invite_target = { "prosody-invite", "prosody", DOMAIN_INVITE, "not-acceptable" };

static const char *
target_domain (const Target *target)
{
  switch (target->domain)
    {
    case DOMAIN_NOCAPTCHA:
      return enlist_test_servers_get_nocaptcha_domain (servers);
    case DOMAIN_INVITE:
      return enlist_test_servers_get_invite_domain (servers);
    case DOMAIN_MAIN:
    default:
      return enlist_test_servers_get_domain (servers);
    }
}

static EnlistRegistration *
new_service (const Target *target)
{
  EnlistRegistration *reg = enlist_registration_new (target_domain (target));
  g_autoptr(GError) error = NULL;

  enlist_registration_set_endpoint (reg, "127.0.0.1",
                                    enlist_test_servers_get_port (servers, target->server, FALSE),
                                    FALSE);
  g_assert_true (enlist_registration_set_ca_file (reg, enlist_test_servers_get_ca_file (servers),
                                                  &error));
  g_assert_no_error (error);
  return reg;
}

static EnlistDataForm *
fetch_sync (EnlistRegistration *reg,
            GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_registration_fetch_form_async (reg, NULL, enlist_test_store_result, &result);
  return enlist_registration_fetch_form_finish (reg, enlist_test_wait_for (&result), error);
}

static EnlistCredentials *
submit_credentials_sync (EnlistRegistration *reg,
                         EnlistDataForm     *form,
                         GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_registration_submit_async (reg, form, NULL, enlist_test_store_result, &result);
  return enlist_registration_submit_finish (reg, enlist_test_wait_for (&result), error);
}

/* The new account's address, and whether the service logged in with it. */
static char *
submit_sync (EnlistRegistration *reg,
             EnlistDataForm     *form,
             gboolean           *verified,
             GError            **error)
{
  g_autoptr(EnlistCredentials) credentials = submit_credentials_sync (reg, form, error);

  if (verified != NULL)
    *verified = credentials != NULL && enlist_credentials_get_verified (credentials);
  return credentials != NULL ? g_strdup (enlist_credentials_get_address (credentials)) : NULL;
}

static gboolean
change_password_sync (EnlistRegistration *reg,
                      const char         *user,
                      const char         *old_password,
                      const char         *new_password,
                      GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_registration_change_password_async (reg, user, old_password, new_password, NULL, NULL,
                                             enlist_test_store_result, &result);
  return enlist_registration_change_password_finish (reg, enlist_test_wait_for (&result), error);
}

static gboolean
delete_sync (EnlistRegistration *reg,
             const char         *user,
             const char         *password,
             GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_registration_delete_account_async (reg, user, password, NULL, enlist_test_store_result, &result);
  return enlist_registration_delete_account_finish (reg, enlist_test_wait_for (&result), error);
}

/* Logs in on a connection of its own; the error when that fails. */
static gboolean
login_sync (const Target *target,
            const char   *user,
            const char   *password,
            GError      **error)
{
  g_autoptr(EnlistConnection) c = enlist_connection_new (target_domain (target));
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) authenticated = NULL;
  g_autoptr(GAsyncResult) closed = NULL;
  gboolean ok;

  enlist_connection_set_endpoint (c, "127.0.0.1",
                                  enlist_test_servers_get_port (servers, target->server, FALSE),
                                  FALSE);
  g_assert_true (enlist_connection_set_ca_file (c, enlist_test_servers_get_ca_file (servers), NULL));
  enlist_connection_connect_async (c, NULL, enlist_test_store_result, &connected);
  g_assert_true (enlist_connection_connect_finish (c, enlist_test_wait_for (&connected), NULL));
  enlist_connection_authenticate_async (c, user, password, ENLIST_AUTHENTICATE_DEFAULT, NULL,
                                        enlist_test_store_result, &authenticated);
  ok = enlist_connection_authenticate_finish (c, enlist_test_wait_for (&authenticated), error);
  enlist_connection_close_async (c, NULL, enlist_test_store_result, &closed);
  g_assert_true (enlist_connection_close_finish (c, enlist_test_wait_for (&closed), NULL));
  return ok;
}

static char *
random_user (const char *prefix)
{
  return g_strdup_printf ("%s%u", prefix, g_random_int_range (0, 100000000));
}

static void
set_value (EnlistDataForm *form,
           const char     *var,
           const char     *value)
{
  EnlistFormField *field = enlist_data_form_lookup_field (form, var);

  g_assert_nonnull (field);
  enlist_form_field_set_value (field, value);
}

/* The answer ejabberd expects for the CAPTCHA of form. */
static char *
captcha_answer (EnlistDataForm *form)
{
  EnlistFormField *field = enlist_data_form_get_captcha_field (form);
  const char *uri, *at;
  g_autofree char *sha1 = NULL;
  char *answer;

  g_assert_nonnull (field);
  g_assert_cmpuint (enlist_form_field_get_n_media_uris (field), >=, 1);
  uri = enlist_form_field_get_media_uri (field, 0, NULL);
  g_assert_true (g_str_has_prefix (uri, "cid:sha1+"));
  at = strchr (uri, '@');
  g_assert_nonnull (at);
  sha1 = g_strndup (uri + strlen ("cid:sha1+"), at - (uri + strlen ("cid:sha1+")));
  answer = enlist_test_servers_captcha_answer (servers, sha1);
  g_assert_nonnull (answer);
  return answer;
}

/* Fills in username and password, and the CAPTCHA answer when there is one. */
static void
fill (EnlistDataForm *form,
      const char     *user,
      const char     *password)
{
  set_value (form, "username", user);
  set_value (form, "password", password);
  if (enlist_data_form_is_captcha (form))
    {
      g_autofree char *answer = captcha_answer (form);

      enlist_form_field_set_value (enlist_data_form_get_captcha_field (form), answer);
    }
}

static void
assert_condition (const GError *error,
                  const char   *condition)
{
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_STANZA);
  g_assert_cmpstr (enlist_error_get_condition (error), ==, condition);
}

static gboolean
has_captcha (const Target *target)
{
  return g_str_equal (target->server, "ejabberd") && target->domain == DOMAIN_MAIN;
}

/* A refused submission: STANZA, or CAPTCHA_RENEWED where the refusal spent
 * a CAPTCHA; either way with the server's condition and the field concerned. */
static void
assert_refusal (const Target *target,
                const GError *error,
                const char   *condition,
                const char   *field)
{
  int code = has_captcha (target) ? ENLIST_ERROR_CAPTCHA_RENEWED : ENLIST_ERROR_STANZA;

  g_assert_error (error, ENLIST_ERROR, code);
  g_assert_cmpstr (enlist_error_get_condition (error), ==, condition);
  g_assert_cmpstr (enlist_error_get_field (error), ==, field);
}

static void
check_form (const Target   *target,
            EnlistDataForm *form)
{
  g_assert_nonnull (enlist_data_form_lookup_field (form, "username"));
  g_assert_nonnull (enlist_data_form_lookup_field (form, "password"));
  g_assert_false (enlist_data_form_is_registered (form));
  g_assert_null (enlist_data_form_get_oob_url (form));
  if (g_str_equal (target->server, "ejabberd") && target->domain == DOMAIN_MAIN)
    g_assert_true (enlist_data_form_is_captcha (form));
  else
    g_assert_false (enlist_data_form_is_captcha (form));
  if (target->domain == DOMAIN_NOCAPTCHA)
    g_assert_cmpint (enlist_data_form_get_origin (form), ==, ENLIST_FORM_ORIGIN_LEGACY);
  else
    g_assert_cmpint (enlist_data_form_get_origin (form), ==, ENLIST_FORM_ORIGIN_DATA_FORM);
}

/* ---------------------------------------------------------------------- */

static void
test_register (gconstpointer data)
{
  const Target *target = data;
  g_autoptr(EnlistRegistration) reg = new_service (target);
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(EnlistDataForm) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user = random_user ("reg");
  g_autofree char *jid = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *none = NULL;
  gboolean verified = FALSE;

  form = fetch_sync (reg, &error);
  g_assert_no_error (error);
  g_assert_true (form == enlist_registration_get_form (reg));
  check_form (target, form);

  fill (form, user, "new account's password");
  jid = submit_sync (reg, form, &verified, &error);
  g_assert_no_error (error);
  expected = g_strdup_printf ("%s@%s", user, target_domain (target));
  g_assert_cmpstr (jid, ==, expected);
  g_assert_true (verified);
  g_assert_true (login_sync (target, user, "new account's password", NULL));

  /* the same name again */
  again = fetch_sync (reg, &error);
  g_assert_no_error (error);
  fill (again, user, "another password");
  none = submit_sync (reg, again, &verified, &error);
  g_assert_null (none);
  g_assert_false (verified);
  assert_refusal (target, error, "conflict", "username");
  g_assert_nonnull (enlist_error_get_server_text (error));

  g_clear_object (&form);
  g_clear_object (&again);
  enlist_test_finalize (g_steal_pointer (&reg));
}

static void
test_no_verify (gconstpointer data)
{
  const Target *target = data;
  g_autoptr(EnlistRegistration) reg = new_service (target);
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user = random_user ("noverify");
  g_autofree char *jid = NULL;
  gboolean verified = TRUE;

  enlist_registration_set_verify (reg, FALSE);
  form = fetch_sync (reg, &error);
  g_assert_no_error (error);
  fill (form, user, "unverified");
  jid = submit_sync (reg, form, &verified, &error);
  g_assert_no_error (error);
  g_assert_nonnull (jid);
  g_assert_false (verified);
  g_assert_true (login_sync (target, user, "unverified", NULL));

  g_clear_object (&form);
  enlist_test_finalize (g_steal_pointer (&reg));
}

static void
test_bad_username (gconstpointer data)
{
  const Target *target = data;
  g_autoptr(EnlistRegistration) reg = new_service (target);
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;

  form = fetch_sync (reg, &error);
  g_assert_no_error (error);
  fill (form, "bad user", "pw for a bad user");
  jid = submit_sync (reg, form, NULL, &error);
  g_assert_null (jid);
  /* Prosody's not-acceptable does not say which field */
  assert_refusal (target, error, target->bad_username_condition,
                  g_str_equal (target->bad_username_condition, "jid-malformed") ? "username" : NULL);

  g_clear_object (&form);
  enlist_test_finalize (g_steal_pointer (&reg));
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_wrong_captcha (gconstpointer data)
{
  const Target *target = data;
  g_autoptr(EnlistRegistration) reg = new_service (target);
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user = random_user ("captcha");
  g_autofree char *jid = NULL;
  EnlistDataForm *fresh;
  guint notified = 0;
  gboolean verified = FALSE;

  form = fetch_sync (reg, &error);
  g_assert_no_error (error);
  g_assert_true (enlist_data_form_is_captcha (form));
  g_signal_connect (reg, "notify::form", G_CALLBACK (count_notify), &notified);

  fill (form, user, "captcha password");
  enlist_form_field_set_value (enlist_data_form_get_captcha_field (form), "wrong");
  jid = submit_sync (reg, form, &verified, &error);
  g_assert_null (jid);
  /* the fresh CAPTCHA is the error's point; the refusal and the field it
   * concerns come with it */
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_CAPTCHA_RENEWED);
  g_assert_cmpstr (enlist_error_get_condition (error), ==, "not-allowed");
  g_assert_cmpstr (enlist_error_get_field (error), ==, "ocr");
  g_assert_nonnull (enlist_error_get_server_text (error));
  g_clear_error (&error);

  /* a fresh CAPTCHA, the typed values carried over, not the answer */
  g_assert_cmpuint (notified, ==, 1);
  fresh = enlist_registration_get_form (reg);
  g_assert_nonnull (fresh);
  g_assert_true (fresh != form);
  g_assert_true (enlist_data_form_is_captcha (fresh));
  g_assert_cmpstr (enlist_form_field_get_value (enlist_data_form_lookup_field (fresh, "username")),
                   ==, user);
  g_assert_cmpstr (enlist_form_field_get_value (enlist_data_form_lookup_field (fresh, "password")),
                   ==, "captcha password");
  g_assert_null (enlist_form_field_get_value (enlist_data_form_get_captcha_field (fresh)));

  {
    g_autofree char *answer = captcha_answer (fresh);

    enlist_form_field_set_value (enlist_data_form_get_captcha_field (fresh), answer);
  }
  jid = submit_sync (reg, fresh, &verified, &error);
  g_assert_no_error (error);
  g_assert_nonnull (jid);
  g_assert_true (verified);

  g_signal_handlers_disconnect_by_func (reg, count_notify, &notified);
  g_clear_object (&form);
  enlist_test_finalize (g_steal_pointer (&reg));
}

static void
test_validation (void)
{
  g_autoptr(EnlistRegistration) reg = new_service (&prosody_target);
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;

  form = fetch_sync (reg, &error);
  g_assert_no_error (error);
  /* a required field left empty: refused before anything is sent */
  set_value (form, "username", "validation");
  jid = submit_sync (reg, form, NULL, &error);
  g_assert_null (jid);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_MISSING_REQUIRED);
  g_assert_true (enlist_registration_get_form (reg) == form);
  g_assert_false (login_sync (&prosody_target, "validation", "", NULL));

  g_clear_object (&form);
  enlist_test_finalize (g_steal_pointer (&reg));
}

static void
test_change_password (gconstpointer data)
{
  const Target *target = data;
  g_autoptr(EnlistRegistration) reg = new_service (target);
  g_autoptr(GError) error = NULL;
  g_autofree char *user = random_user ("chpw");

  enlist_test_servers_make_user (servers, target->server, user, "old password");
  g_assert_true (change_password_sync (reg, user, "old password", "new password ✓", &error));
  g_assert_no_error (error);
  g_assert_false (login_sync (target, user, "old password", &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED);
  g_clear_error (&error);
  g_assert_true (login_sync (target, user, "new password ✓", &error));
  g_assert_no_error (error);

  /* with the wrong old password nothing changes */
  g_assert_false (change_password_sync (reg, user, "old password", "third", &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED);
  g_clear_error (&error);
  g_assert_true (login_sync (target, user, "new password ✓", NULL));

  enlist_test_finalize (g_steal_pointer (&reg));
}

static void
test_delete (gconstpointer data)
{
  const Target *target = data;
  g_autoptr(EnlistRegistration) reg = new_service (target);
  g_autoptr(GError) error = NULL;
  g_autofree char *user = random_user ("del");

  enlist_test_servers_make_user (servers, target->server, user, "delete me");
  g_assert_true (login_sync (target, user, "delete me", NULL));
  g_assert_true (delete_sync (reg, user, "delete me", &error));
  g_assert_no_error (error);
  g_assert_false (login_sync (target, user, "delete me", &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED);

  enlist_test_finalize (g_steal_pointer (&reg));
}

static void
test_supported (gconstpointer data)
{
  const Target *target = data;
  g_autoptr(EnlistRegistration) reg = new_service (target);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user = random_user ("disco");
  gboolean supported = FALSE;

  enlist_test_servers_make_user (servers, target->server, user, "disco password");
  enlist_registration_supported_async (reg, user, "disco password", NULL, enlist_test_store_result, &result);
  g_assert_true (enlist_registration_supported_finish (reg, enlist_test_wait_for (&result), &supported, &error));
  g_assert_no_error (error);
  g_assert_true (supported);

  g_clear_object (&result);
  enlist_test_finalize (g_steal_pointer (&reg));
}

static void
test_invite_uri (void)
{
  g_autoptr(EnlistRegistration) reg = enlist_registration_new ("example.org");
  const char *bad[] = {
    "https://example.com/?register;preauth=abc",
    "xmpp:example.com",
    "xmpp:example.com?roster;preauth=abc",
    "xmpp:example.com?register",
    "xmpp:example.com?register;preauth=",
    "xmpp:?register;preauth=abc",
    "xmpp://example.com?register;preauth=abc",
    "xmpp:juliet@example.com/phone?register;preauth=abc",
    "xmpp:example.com?register;preauth=a;preauth=b",
  };
  guint notified = 0;

  g_signal_connect (reg, "notify::domain", G_CALLBACK (count_notify), &notified);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (enlist_registration_set_invite (reg, bad[i], &error));
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_INVITE);
    }
  g_assert_cmpstr (enlist_registration_get_domain (reg), ==, "example.org");
  g_assert_null (enlist_registration_get_invite_token (reg));
  g_assert_cmpuint (notified, ==, 0);

  g_assert_true (enlist_registration_set_invite (reg, "xmpp:example.com?register;preauth=a%2Bb",
                                                 NULL));
  g_assert_cmpstr (enlist_registration_get_domain (reg), ==, "example.com");
  g_assert_cmpstr (enlist_registration_get_invite_token (reg), ==, "a+b");
  g_assert_cmpuint (notified, ==, 1);
  g_assert_true (enlist_registration_set_invite (reg, NULL, NULL));
  g_assert_null (enlist_registration_get_invite_token (reg));

  g_signal_handlers_disconnect_by_func (reg, count_notify, &notified);
  enlist_test_finalize (g_steal_pointer (&reg));
}

static void
test_invite (void)
{
  g_autoptr(EnlistRegistration) reg = new_service (&prosody_target);
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = enlist_test_servers_invite (servers);
  g_autofree char *bad_uri = NULL;
  g_autofree char *named_uri = NULL;
  g_autofree char *user = random_user ("invited");
  g_autofree char *jid = NULL;
  gboolean verified = FALSE;

  /* a token the server never issued */
  bad_uri = g_strdup_printf ("xmpp:%s?register;preauth=not-a-real-token",
                             enlist_test_servers_get_invite_domain (servers));
  g_assert_true (enlist_registration_set_invite (reg, bad_uri, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (enlist_registration_get_domain (reg), ==,
                   enlist_test_servers_get_invite_domain (servers));
  form = fetch_sync (reg, &error);
  g_assert_null (form);
  assert_condition (error, "forbidden");
  g_clear_error (&error);

  /* the real one, for a name chosen by the inviter: the form comes with it */
  g_assert_true (g_str_has_prefix (uri, "xmpp:"));
  named_uri = g_strdup_printf ("xmpp:%s@%s", user, uri + strlen ("xmpp:"));
  g_assert_true (enlist_registration_set_invite (reg, named_uri, &error));
  form = fetch_sync (reg, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (enlist_form_field_get_value (enlist_data_form_lookup_field (form, "username")),
                   ==, user);
  set_value (form, "password", "invited password");
  jid = submit_sync (reg, form, &verified, &error);
  g_assert_no_error (error);
  g_assert_nonnull (jid);
  g_assert_true (verified);
  g_assert_true (login_sync (&invite_target, user, "invited password", NULL));

  g_clear_object (&form);
  enlist_test_finalize (g_steal_pointer (&reg));
}

static void
test_invite_only_without_token (void)
{
  g_autoptr(EnlistRegistration) reg = new_service (&invite_target);
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user = random_user ("uninvited");
  g_autofree char *jid = NULL;

  form = fetch_sync (reg, &error);
  g_assert_no_error (error);
  fill (form, user, "uninvited password");
  jid = submit_sync (reg, form, NULL, &error);
  g_assert_null (jid);
  assert_condition (error, "not-acceptable");

  g_clear_object (&form);
  enlist_test_finalize (g_steal_pointer (&reg));
}

/* The connection drops while the user fills in the form: submit reconnects,
 * gets a fresh form and sends the same values. */
static void
test_connection_lost (void)
{
  g_autoptr(EnlistRegistration) reg = new_service (&prosody_target);
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GAsyncResult) closed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user = random_user ("lost");
  g_autofree char *jid = NULL;
  EnlistConnection *conn;
  gboolean verified = FALSE;

  form = fetch_sync (reg, &error);
  g_assert_no_error (error);
  fill (form, user, "lost password");

  conn = enlist_registration_get_connection (reg);
  g_assert_nonnull (conn);
  enlist_connection_close_async (conn, NULL, enlist_test_store_result, &closed);
  g_assert_true (enlist_connection_close_finish (conn, enlist_test_wait_for (&closed), NULL));
  g_assert_cmpint (enlist_connection_get_state (conn), ==, ENLIST_CONNECTION_CLOSED);

  jid = submit_sync (reg, form, &verified, &error);
  g_assert_no_error (error);
  g_assert_nonnull (jid);
  g_assert_true (verified);
  g_assert_true (enlist_registration_get_form (reg) != form);
  g_assert_true (login_sync (&prosody_target, user, "lost password", NULL));

  g_clear_object (&form);
  enlist_test_finalize (g_steal_pointer (&reg));
}

/* The same with a CAPTCHA: it cannot be sent again, so the fresh form comes
 * back with everything but the answer carried over. */
static void
test_connection_lost_captcha (void)
{
  g_autoptr(EnlistRegistration) reg = new_service (&targets[1]);
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GAsyncResult) closed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user = random_user ("lostcaptcha");
  g_autofree char *jid = NULL;
  g_autofree char *answer = NULL;
  EnlistConnection *conn;
  EnlistDataForm *fresh;
  gboolean verified = FALSE;

  form = fetch_sync (reg, &error);
  g_assert_no_error (error);
  fill (form, user, "lost captcha password");

  conn = enlist_registration_get_connection (reg);
  enlist_connection_close_async (conn, NULL, enlist_test_store_result, &closed);
  g_assert_true (enlist_connection_close_finish (conn, enlist_test_wait_for (&closed), NULL));

  jid = submit_sync (reg, form, &verified, &error);
  g_assert_null (jid);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_CAPTCHA_RENEWED);
  g_clear_error (&error);
  fresh = enlist_registration_get_form (reg);
  g_assert_true (fresh != form);
  g_assert_cmpstr (enlist_form_field_get_value (enlist_data_form_lookup_field (fresh, "username")),
                   ==, user);
  g_assert_cmpstr (enlist_form_field_get_value (enlist_data_form_lookup_field (fresh, "password")),
                   ==, "lost captcha password");
  g_assert_null (enlist_form_field_get_value (enlist_data_form_get_captcha_field (fresh)));

  answer = captcha_answer (fresh);
  enlist_form_field_set_value (enlist_data_form_get_captcha_field (fresh), answer);
  jid = submit_sync (reg, fresh, &verified, &error);
  g_assert_no_error (error);
  g_assert_nonnull (jid);
  g_assert_true (verified);

  g_clear_object (&form);
  enlist_test_finalize (g_steal_pointer (&reg));
}

/* Over direct TLS (XEP-0368), with a username in mixed case: the address
 * returned is the server's own spelling of it, from the verifying login's
 * resource binding. */
static void
test_register_direct_tls (gconstpointer data)
{
  const Target *target = data;
  g_autoptr(EnlistRegistration) reg = enlist_registration_new (target_domain (target));
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user = random_user ("Direct");
  g_autofree char *lower = g_ascii_strdown (user, -1);
  g_autofree char *expected = NULL;
  g_autofree char *jid = NULL;
  gboolean verified = FALSE;

  enlist_registration_set_endpoint (reg, "127.0.0.1",
                                    enlist_test_servers_get_port (servers, target->server, TRUE),
                                    TRUE);
  g_assert_true (enlist_registration_set_ca_file (reg, enlist_test_servers_get_ca_file (servers),
                                                  &error));
  form = fetch_sync (reg, &error);
  g_assert_no_error (error);
  check_form (target, form);
  fill (form, user, "direct password");
  jid = submit_sync (reg, form, &verified, &error);
  g_assert_no_error (error);
  g_assert_true (verified);
  /* Prosody answers with the prepared (lower-case) username, ejabberd
   * 23.01 with the one given */
  expected = g_strdup_printf ("%s@%s", lower, target_domain (target));
  g_assert_nonnull (jid);
  g_assert_cmpint (g_ascii_strcasecmp (jid, expected), ==, 0);
  if (g_str_equal (target->server, "prosody"))
    g_assert_cmpstr (jid, ==, expected);
  else
    {
      g_autofree char *as_given = g_strdup_printf ("%s@%s", user, target_domain (target));

      g_assert_cmpstr (jid, ==, as_given);
    }
  g_assert_true (login_sync (target, lower, "direct password", NULL));

  g_clear_object (&form);
  enlist_test_finalize (g_steal_pointer (&reg));
}

static EnlistMediaImage *
resolve_sync (EnlistMediaResolver *resolver,
              const char          *uri,
              GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_media_resolver_resolve_async (resolver, uri, NULL, enlist_test_store_result, &result);
  return enlist_media_resolver_resolve_finish (resolver, enlist_test_wait_for (&result), error);
}

/* ejabberd's CAPTCHA image, from the Bits of Binary data that came with the
 * form: the PNG whose SHA-1 the cid names. (ejabberd 23.01 answers a BoB iq
 * on the unauthenticated stream by closing it with not-authorized, so the
 * resolver must prefer inline data; fetching by iq is tested with the fake
 * server.) */
static void
test_captcha_media (void)
{
  const Target *target = &targets[1];
  g_autoptr(EnlistRegistration) reg = new_service (target);
  g_autoptr(EnlistMediaResolver) inline_resolver = enlist_media_resolver_new ();
  g_autoptr(EnlistMediaImage) inline_image = NULL;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha1 = NULL;
  GPtrArray *bob;
  const char *uri;

  g_assert_cmpstr (target->server, ==, "ejabberd");
  form = fetch_sync (reg, &error);
  g_assert_no_error (error);
  g_assert_true (enlist_data_form_is_captcha (form));
  uri = enlist_form_field_get_media_uri (enlist_data_form_get_captcha_field (form), 0, NULL);
  g_assert_true (g_str_has_prefix (uri, "cid:"));

  bob = enlist_data_form_get_bob_data (form);
  g_assert_cmpuint (bob->len, >=, 1);
  for (guint i = 0; i < bob->len; i++)
    g_assert_true (enlist_media_resolver_add_bob_data (inline_resolver, g_ptr_array_index (bob, i)));
  inline_image = resolve_sync (inline_resolver, uri, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (enlist_media_image_get_mime_type (inline_image), ==, "image/png");
  g_assert_cmpint (enlist_media_image_get_width (inline_image), >, 0);
  g_assert_nonnull (enlist_media_image_get_pixbuf (inline_image));

  sha1 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA1, enlist_media_image_get_bytes (inline_image));
  g_assert_nonnull (strstr (uri, sha1));

  enlist_test_finalize (g_steal_pointer (&reg));
}


/* ---------------------------------------------------------------------- */
/* Probe, login, CAPTCHA image, close                                      */

static EnlistServerInfo *
probe_sync (EnlistRegistration *reg,
            EnlistProbeFlags    flags,
            GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_registration_probe_async (reg, flags, NULL, enlist_test_store_result, &result);
  return enlist_registration_probe_finish (reg, enlist_test_wait_for (&result), error);
}

static EnlistServerInfo *
login_info_sync (EnlistRegistration *reg,
                 const char         *user,
                 const char         *password,
                 GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_registration_login_async (reg, user, password, NULL, enlist_test_store_result, &result);
  return enlist_registration_login_finish (reg, enlist_test_wait_for (&result), error);
}

static void
record_stage (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  GArray *stages = user_data;
  EnlistRegistrationStage stage = enlist_registration_get_stage (ENLIST_REGISTRATION (object));

  g_array_append_val (stages, stage);
}

/* What a probe learns, with and without the form in the first flight. */
static void
test_probe (gconstpointer data)
{
  const Target *target = data;
  g_autoptr(EnlistRegistration) reg = new_service (target);
  g_autoptr(GArray) stages = g_array_new (FALSE, FALSE, sizeof (EnlistRegistrationStage));
  g_autoptr(GError) error = NULL;

  g_signal_connect (reg, "notify::stage", G_CALLBACK (record_stage), stages);
  for (guint round = 0; round < 2; round++)
    {
      gboolean with_form = round == 1;
      g_autoptr(EnlistServerInfo) info = NULL;
      const EnlistServerTimings *t;
      EnlistDataForm *form;

      g_array_set_size (stages, 0);
      info = probe_sync (reg, with_form ? ENLIST_PROBE_FETCH_FORM : ENLIST_PROBE_NONE, &error);
      g_assert_no_error (error);
      g_assert_false (enlist_registration_get_busy (reg));

      g_assert_cmpstr (enlist_server_info_get_domain (info), ==, target_domain (target));
      g_assert_cmpstr (enlist_server_info_get_host (info), ==, "127.0.0.1");
      g_assert_cmpuint (enlist_server_info_get_port (info), ==,
                        enlist_test_servers_get_port (servers, target->server, FALSE));
      g_assert_false (enlist_server_info_get_direct_tls (info));
      g_assert_true (enlist_server_info_get_pipelined (info));
      g_assert_cmpstr (enlist_server_info_get_tls_version (info), ==, "TLS 1.3");
      g_assert_nonnull (enlist_server_info_get_ciphersuite (info));
      g_assert_cmpstr (enlist_server_info_get_trust_reason (info), ==, "ca-file");
      g_assert_nonnull (enlist_server_info_get_certificate (info));
      g_assert_true (enlist_server_info_get_registration (info));
      g_assert_cmpint (enlist_server_info_get_ibr_token (info), ==, target->domain == DOMAIN_INVITE);
      g_assert_cmpint (enlist_server_info_get_invite (info), ==, target->domain == DOMAIN_INVITE);
      g_assert_true (g_strv_contains (enlist_server_info_get_mechanisms (info), "SCRAM-SHA-1"));
      g_assert_null (enlist_server_info_get_jid (info));
      g_assert_null (enlist_server_info_get_mechanism (info));

      t = enlist_server_info_get_timings (info);
      g_assert_cmpint (t->resolve, ==, 0);   /* an endpoint was given */
      g_assert_cmpint (t->tcp, >, 0);
      g_assert_cmpint (t->tls, >, 0);
      g_assert_cmpint (t->total, >=, t->tcp + t->tls);
      g_assert_cmpint (t->sasl, ==, 0);

      form = enlist_server_info_get_form (info);
      g_assert_null (enlist_server_info_get_form_error (info));
      if (with_form)
        {
          g_assert_nonnull (form);
          g_assert_nonnull (enlist_data_form_lookup_field (form, "username"));
          g_assert_cmpint (t->form, >, 0);
          g_assert_cmpint (t->form, >=, t->total);
        }
      else
        {
          g_assert_null (form);
          g_assert_cmpint (t->form, ==, 0);
        }

      /* CONNECTING, SECURING, [REQUESTING_FORM], CLOSING, IDLE */
      g_assert_cmpuint (stages->len, ==, with_form ? 5 : 4);
      g_assert_cmpint (g_array_index (stages, EnlistRegistrationStage, 0), ==,
                       ENLIST_REGISTRATION_STAGE_CONNECTING);
      g_assert_cmpint (g_array_index (stages, EnlistRegistrationStage, 1), ==,
                       ENLIST_REGISTRATION_STAGE_SECURING);
      if (with_form)
        g_assert_cmpint (g_array_index (stages, EnlistRegistrationStage, 2), ==,
                         ENLIST_REGISTRATION_STAGE_REQUESTING_FORM);
      g_assert_cmpint (g_array_index (stages, EnlistRegistrationStage, stages->len - 2), ==,
                       ENLIST_REGISTRATION_STAGE_CLOSING);
      g_assert_cmpint (g_array_index (stages, EnlistRegistrationStage, stages->len - 1), ==,
                       ENLIST_REGISTRATION_STAGE_IDLE);
    }

  g_signal_handlers_disconnect_by_func (reg, record_stage, stages);
  enlist_test_finalize (g_steal_pointer (&reg));
}

/* A certificate that does not verify is CERTIFICATE with the certificate;
 * pinned by its fingerprint, the same server is trusted. */
static void
test_probe_untrusted (gconstpointer data)
{
  const Target *target = data;
  g_autoptr(EnlistRegistration) reg = enlist_registration_new (target_domain (target));
  g_autoptr(EnlistServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;

  enlist_registration_set_endpoint (reg, "127.0.0.1",
                                    enlist_test_servers_get_port (servers, target->server, TRUE),
                                    TRUE);
  enlist_registration_set_pipelining (reg, FALSE);
  info = probe_sync (reg, ENLIST_PROBE_NONE, &error);
  g_assert_null (info);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_CERTIFICATE);
  g_assert_nonnull (enlist_error_get_certificate (error));
  fingerprint = enlist_certificate_get_fingerprint (enlist_error_get_certificate (error));
  g_clear_error (&error);

  enlist_registration_add_pinned_fingerprint (reg, fingerprint);
  info = probe_sync (reg, ENLIST_PROBE_FETCH_FORM, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (enlist_server_info_get_trust_reason (info), ==, "pinned");
  g_assert_true (enlist_server_info_get_direct_tls (info));
  g_assert_false (enlist_server_info_get_pipelined (info));
  g_assert_nonnull (enlist_server_info_get_form (info));

  g_clear_object (&info);
  enlist_test_finalize (g_steal_pointer (&reg));
}

static void
test_login (gconstpointer data)
{
  const Target *target = data;
  g_autoptr(EnlistRegistration) reg = new_service (target);
  g_autoptr(EnlistServerInfo) info = NULL;
  g_autoptr(EnlistServerInfo) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user = random_user ("login");
  g_autofree char *prefix = NULL;
  const EnlistServerTimings *t;

  enlist_test_servers_make_user (servers, target->server, user, "login password");
  info = login_info_sync (reg, user, "login password", &error);
  g_assert_no_error (error);
  prefix = g_strdup_printf ("%s@%s/", user, target_domain (target));
  g_assert_true (g_str_has_prefix (enlist_server_info_get_jid (info), prefix));
  g_assert_cmpstr (enlist_server_info_get_mechanism (info), ==, "SCRAM-SHA-1");
  t = enlist_server_info_get_timings (info);
  g_assert_cmpint (t->total, >, 0);
  g_assert_cmpint (t->sasl, >, 0);
  g_assert_cmpint (t->bind, >, 0);
  g_assert_cmpint (enlist_registration_get_stage (reg), ==, ENLIST_REGISTRATION_STAGE_IDLE);

  refused = login_info_sync (reg, user, "not the password", &error);
  g_assert_null (refused);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED);
  g_assert_cmpstr (enlist_error_get_condition (error), ==, "not-authorized");

  g_clear_object (&info);
  enlist_test_finalize (g_steal_pointer (&reg));
}

/* ejabberd's CAPTCHA image through the service: the PNG that came inline
 * with the form (ejabberd closes the stream on a BoB iq before login), the
 * one whose SHA-1 the cid names; then close leaves no connection behind. */
static void
test_load_captcha (void)
{
  const Target *target = &targets[1];
  g_autoptr(EnlistRegistration) reg = new_service (target);
  g_autoptr(GArray) stages = g_array_new (FALSE, FALSE, sizeof (EnlistRegistrationStage));
  g_autoptr(EnlistMediaImage) image = NULL;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) closed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha1 = NULL;
  EnlistConnection *conn;
  const char *uri;

  form = fetch_sync (reg, &error);
  g_assert_no_error (error);
  g_assert_true (enlist_data_form_is_captcha (form));
  uri = enlist_form_field_get_media_uri (enlist_data_form_get_captcha_field (form), 0, NULL);

  g_signal_connect (reg, "notify::stage", G_CALLBACK (record_stage), stages);
  enlist_registration_load_captcha_async (reg, form, NULL, enlist_test_store_result, &result);
  g_assert_true (enlist_registration_get_busy (reg));
  image = enlist_registration_load_captcha_finish (reg, enlist_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (enlist_media_image_get_uri (image), ==, uri);
  g_assert_cmpstr (enlist_media_image_get_mime_type (image), ==, "image/png");
  g_assert_cmpint (enlist_media_image_get_width (image), >, 0);
  sha1 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA1, enlist_media_image_get_bytes (image));
  g_assert_nonnull (strstr (uri, sha1));
  g_assert_cmpuint (stages->len, ==, 2);
  g_assert_cmpint (g_array_index (stages, EnlistRegistrationStage, 0), ==,
                   ENLIST_REGISTRATION_STAGE_LOADING_CAPTCHA);
  g_signal_handlers_disconnect_by_func (reg, record_stage, stages);

  /* the form's connection is still up for submission, until closed */
  conn = enlist_registration_get_connection (reg);
  g_assert_nonnull (conn);
  g_object_ref (conn);
  g_assert_cmpint (enlist_connection_get_state (conn), ==, ENLIST_CONNECTION_SECURED);
  enlist_registration_close_async (reg, NULL, enlist_test_store_result, &closed);
  g_assert_true (enlist_registration_close_finish (reg, enlist_test_wait_for (&closed), &error));
  g_assert_no_error (error);
  g_assert_cmpint (enlist_connection_get_state (conn), ==, ENLIST_CONNECTION_CLOSED);
  g_assert_null (enlist_registration_get_connection (reg));
  g_assert_true (enlist_registration_get_form (reg) == form);
  g_object_unref (conn);

  /* the results hold the service */
  g_clear_object (&result);
  g_clear_object (&closed);
  enlist_test_finalize (g_steal_pointer (&reg));
}

/* Several operations at once, each on a service (and connection) of its own. */
static void
test_concurrent (void)
{
  g_autoptr(EnlistRegistration) reg1 = new_service (&prosody_target);
  g_autoptr(EnlistRegistration) reg2 = new_service (&prosody_target);
  g_autoptr(EnlistRegistration) reg3 = new_service (&prosody_target);
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  g_autoptr(GAsyncResult) r3 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a = random_user ("cona");
  g_autofree char *b = random_user ("conb");
  g_autoptr(EnlistDataForm) form = NULL;

  enlist_test_servers_make_user (servers, "prosody", a, "a1");
  enlist_test_servers_make_user (servers, "prosody", b, "b1");
  enlist_registration_change_password_async (reg1, a, "a1", "a2", NULL, NULL,
                                             enlist_test_store_result, &r1);
  enlist_registration_delete_account_async (reg2, b, "b1", NULL, enlist_test_store_result, &r2);
  enlist_registration_fetch_form_async (reg3, NULL, enlist_test_store_result, &r3);
  g_assert_true (enlist_registration_get_busy (reg1));
  g_assert_true (enlist_registration_get_busy (reg2));
  g_assert_true (enlist_registration_get_busy (reg3));
  g_assert_true (enlist_registration_change_password_finish (reg1, enlist_test_wait_for (&r1), &error));
  g_assert_no_error (error);
  g_assert_true (enlist_registration_delete_account_finish (reg2, enlist_test_wait_for (&r2), &error));
  g_assert_no_error (error);
  form = enlist_registration_fetch_form_finish (reg3, enlist_test_wait_for (&r3), &error);
  g_assert_no_error (error);
  g_assert_true (login_sync (&prosody_target, a, "a2", NULL));
  g_assert_false (login_sync (&prosody_target, b, "b1", NULL));

  g_clear_object (&form);
  g_clear_object (&r1);
  g_clear_object (&r2);
  g_clear_object (&r3);
  enlist_test_finalize (g_steal_pointer (&reg1));
  enlist_test_finalize (g_steal_pointer (&reg2));
  enlist_test_finalize (g_steal_pointer (&reg3));
}

static void
add_for_targets (const char    *name,
                 GTestDataFunc  func,
                 gboolean       main_domain_only)
{
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autofree char *path = NULL;

      if (main_domain_only && targets[i].domain != DOMAIN_MAIN)
        continue;
      path = g_strdup_printf ("/registration/%s/%s", targets[i].name, name);
      g_test_add_data_func (path, &targets[i], func);
    }
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  add_for_targets ("register", test_register, FALSE);
  add_for_targets ("register-direct-tls", test_register_direct_tls, FALSE);
  add_for_targets ("no-verify", test_no_verify, FALSE);
  add_for_targets ("bad-username", test_bad_username, FALSE);
  g_test_add_data_func ("/registration/ejabberd-captcha/wrong-captcha", &targets[1],
                        test_wrong_captcha);
  add_for_targets ("change-password", test_change_password, TRUE);
  add_for_targets ("delete", test_delete, TRUE);
  add_for_targets ("supported", test_supported, TRUE);
  g_test_add_func ("/registration/prosody/validation", test_validation);
  g_test_add_func ("/registration/invite-uri", test_invite_uri);
  g_test_add_func ("/registration/prosody-invite/invite", test_invite);
  g_test_add_func ("/registration/prosody-invite/without-token", test_invite_only_without_token);
  g_test_add_func ("/registration/prosody/connection-lost", test_connection_lost);
  g_test_add_func ("/registration/ejabberd-captcha/connection-lost", test_connection_lost_captcha);
  g_test_add_func ("/registration/prosody/concurrent", test_concurrent);
  g_test_add_func ("/registration/ejabberd-captcha/captcha-media", test_captcha_media);
  g_test_add_func ("/registration/ejabberd-captcha/load-captcha", test_load_captcha);
  add_for_targets ("probe", test_probe, FALSE);
  g_test_add_data_func ("/registration/prosody-invite/probe", &invite_target, test_probe);
  g_test_add_data_func ("/registration/prosody/probe-untrusted", &prosody_target,
                        test_probe_untrusted);
  g_test_add_data_func ("/registration/ejabberd/probe-untrusted", &targets[1],
                        test_probe_untrusted);
  add_for_targets ("login", test_login, TRUE);

  /* a missing server fails here, loudly: it is never a skip */
  servers = enlist_test_servers_start (TRUE, TRUE);
  result = g_test_run ();
  enlist_test_servers_stop (servers);
  return result;
}
