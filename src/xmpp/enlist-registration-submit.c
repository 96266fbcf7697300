/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-registration-submit.c: submitting a registration form, and
 * everything that can happen to it on the way: a refusal (with a fresh form
 * when the old one is spent), a connection lost before or after sending,
 * and the verifying login.
 *
 * The callback chain as a state machine (→ one of the callbacks below;
 * "return" ends the operation):
 *
 *   submit_async ── form's connection up ──────────────▶ SEND
 *        └── connection gone ── fetch_internal ───────▶ REFETCHED
 *   SEND (submit_send): caller cancelled → return CANCELLED; otherwise the
 *        iq goes out and from here on the operation reports what the server
 *        did, whatever the caller's cancellable says      ▶ ANSWERED
 *        Pipelined, the verifying login's <auth> follows in the same flight
 *        (submit_early_auth_cb); the answer waits for it to end.
 *   ANSWERED (submit_iq_cb, submit_answered):
 *        result ───────────────────────────────────────▶ VERIFY
 *        refusal with another form inside ─── return FORM/CAPTCHA_RENEWED
 *        refusal of a CAPTCHA form ── fetch (same conn) ▶ RENEWED
 *        other refusal ─────────────────────────────── return STANZA
 *        connection lost ── login ─────────────────────▶ LOST_LOGIN
 *   RENEWED (submit_renewed_cb): fresh form → return CAPTCHA/FORM_RENEWED,
 *        else return the refusal
 *   LOST_LOGIN (submit_lost_login_cb): login works → return credentials
 *        (verified); refused: no account, so a cancelled caller gets
 *        CANCELLED, else (once) fetch ▶ REFETCHED; otherwise return the
 *        loss or OUTCOME_UNKNOWN
 *   REFETCHED (submit_refetched_cb): same form, no CAPTCHA ▶ SEND (once);
 *        otherwise return CAPTCHA/FORM_RENEWED
 *   VERIFY (submit_verify): the login that went with the submit decides
 *        (▶ SAME_STREAM's verdict); else no username, verify off or
 *        cancelled → return credentials (not verified); else SASL on the
 *        same stream
 *        ▶ SAME_STREAM (submit_same_stream_cb): works → return verified;
 *        refused there → login on a new connection ▶ VERIFIED
 *        (submit_verify_cb) → return verified, or OUTCOME_UNKNOWN. */
#define G_LOG_DOMAIN "enlist-registration"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "enlist-error.h"
#include "enlist-registration-private.h"
#include "enlist-text.h"

typedef struct
{
  EnlistDataForm   *form;
  EnlistConnection *conn;
  char             *username;     /* typed into the form, or NULL */
  char             *password;
  char             *domain;
  char             *server_name;  /* the name in the server's answer, or NULL */
  char             *bound;        /* the bare JID the verifying login bound, or NULL */
  GError           *error;        /* to return once the form is renewed */
  GCancellable     *caller;       /* the caller's cancellable, or NULL */
  GCancellable     *verify_cancellable;  /* cancelled with the caller's */
  gulong            cancelled_id;
  gboolean          captcha;
  gboolean          resent;       /* already sent again after a lost connection */
  gboolean          verified;
  gboolean          inactive;     /* accepted, but its login refused: to be activated */
  char             *refusal_text; /* what the server said then */

  /* pipelined: the verifying login went out in the submit's flight */
  gboolean          early_auth;
  gboolean          early_auth_done;
  GError           *early_auth_error;  /* NULL once done: it worked */
  /* the answer, when it came first and waits for the login (one of the
   * reply and the error is set then) */
  EnlistXmlNode    *answer_reply;
  EnlistXmlNode    *answer_error_reply;
  GError           *answer_error;
} SubmitData;

static void
submit_data_free (SubmitData *data)
{
  g_clear_object (&data->form);
  g_clear_object (&data->conn);
  g_free (data->username);
  enlist_secret_free (data->password);
  g_free (data->domain);
  g_free (data->server_name);
  g_free (data->bound);
  g_free (data->refusal_text);
  g_clear_error (&data->error);
  g_clear_error (&data->early_auth_error);
  enlist_registration_wipe_free_node (data->answer_reply);
  enlist_registration_wipe_free_node (data->answer_error_reply);
  g_clear_error (&data->answer_error);
  if (data->cancelled_id != 0)
    g_cancellable_disconnect (data->caller, data->cancelled_id);
  g_clear_object (&data->caller);
  g_clear_object (&data->verify_cancellable);
  g_free (data);
}

static void submit_send (GTask *task, EnlistConnection *conn);

/* The name to log in with: the server's spelling when it gave one. */
static const char *
login_name (SubmitData *data)
{
  return data->server_name != NULL ? data->server_name : data->username;
}

static char *
bare_of (const char *jid)
{
  const char *slash = jid != NULL ? strchr (jid, '/') : NULL;

  if (jid == NULL || strchr (jid, '@') == NULL)
    return NULL;
  return slash != NULL ? g_strndup (jid, slash - jid) : g_strdup (jid);
}

static void
submit_return_credentials (GTask *task)
{
  SubmitData *data = g_task_get_task_data (task);
  g_autofree char *address = NULL;

  /* the server's answer, else what it bound, else what was typed */
  if (data->server_name != NULL)
    address = g_strdup_printf ("%s@%s", data->server_name, data->domain);
  else if (data->bound != NULL)
    address = g_strdup (data->bound);
  else if (data->username != NULL)
    address = g_strdup_printf ("%s@%s", data->username, data->domain);

  enlist_registration_return_pointer (task,
                                      data->inactive
                                      ? enlist_credentials_new_inactive (address, data->password,
                                                                         data->refusal_text)
                                      : enlist_credentials_new (address, data->password,
                                                                data->verified),
                                      (GDestroyNotify) enlist_credentials_unref);
}

/* A fresh form replaced the one refused: the refusal, under the code that
 * tells the front end to show the fresh form. */
static GError *
renewed_error (const GError   *refusal,
               EnlistDataForm *fresh)
{
  GError *error;

  error = enlist_error_new_xmpp (enlist_data_form_is_captcha (fresh)
                                 ? ENLIST_ERROR_CAPTCHA_RENEWED : ENLIST_ERROR_FORM_RENEWED,
                                 enlist_error_get_condition (refusal),
                                 enlist_error_get_server_text (refusal),
                                 "%s", refusal->message);
  if (enlist_error_get_field (refusal) != NULL)
    enlist_error_set_field (error, enlist_error_get_field (refusal));
  return error;
}

/* ---- forms and refusals ------------------------------------------------ */

EnlistFormField *
enlist_registration_username_field (EnlistDataForm *form)
{
  /* XEP-0077's name, and the ones seen on servers with forms of their own */
  static const char * const vars[] = { "username", "user", "login" };

  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      EnlistFormField *field = enlist_data_form_lookup_field (form, vars[i]);

      if (field != NULL)
        return field;
    }
  return NULL;
}

EnlistFormField *
enlist_registration_password_field (EnlistDataForm *form)
{
  EnlistFormField *field = enlist_data_form_lookup_field (form, "password");
  guint n_fields = enlist_data_form_get_n_fields (form);

  for (guint i = 0; field == NULL && i < n_fields; i++)
    if (enlist_form_field_is_secret (enlist_data_form_get_field (form, i)))
      field = enlist_data_form_get_field (form, i);
  return field;
}

/* The error type ('wait', 'cancel', …) of an error reply, or NULL. */
static const char *
error_type (const EnlistXmlNode *error_reply)
{
  const EnlistXmlNode *element;

  if (error_reply == NULL)
    return NULL;
  element = enlist_xml_node_get_child (error_reply, "error", NULL);
  return element != NULL ? enlist_xml_node_get_attr (element, "type") : NULL;
}

GError *
enlist_registration_error (const GError        *error,
                           const EnlistXmlNode *error_reply,
                           EnlistDataForm      *form,
                           gboolean             uninvited)
{
  const char *condition = enlist_error_get_condition (error);
  const char *server_text = enlist_error_get_server_text (error);
  gboolean captcha = form != NULL && enlist_data_form_is_captcha (form);
  EnlistFormField *field = NULL;
  const char *message = NULL;
  GError *mapped;

  if (!g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_STANZA) || condition == NULL)
    return g_error_copy (error);

  if (g_str_equal (condition, "conflict"))
    {
      message = _("This username is already taken. Choose another one.");
      field = form != NULL ? enlist_registration_username_field (form) : NULL;
    }
  else if (g_str_equal (condition, "jid-malformed"))
    {
      message = _("This username is not valid on this server. Choose another one.");
      field = form != NULL ? enlist_registration_username_field (form) : NULL;
    }
  else if (g_str_equal (condition, "not-acceptable") && uninvited)
    message = _("This server takes new accounts by invitation. Ask someone who has an account "
                "there for an invitation link (xmpp:…?register;preauth=…) and sign up with it.");
  else if (g_str_equal (condition, "not-acceptable") && captcha)
    /* Tigase answers a wrong CAPTCHA this way (and spends its id after
     * three); a refused CAPTCHA form is renewed in any case */
    message = _("The server did not accept the details entered or the answer to the CAPTCHA. "
                "Check them, answer the new CAPTCHA and try again.");
  else if (g_str_equal (condition, "not-acceptable"))
    message = _("The server did not accept the details entered. Check them and try again.");
  else if (g_str_equal (condition, "not-allowed"))
    {
      message = captcha ? _("The answer to the CAPTCHA was wrong. Answer the new one and try again.")
                        : _("The server does not allow this registration.");
      field = captcha ? enlist_data_form_get_captcha_field (form) : NULL;
    }
  else if ((g_str_equal (condition, "resource-constraint")
            || g_str_equal (condition, "policy-violation"))
           && g_strcmp0 (error_type (error_reply), "wait") == 0 && form != NULL)
    /* a registration refused for now: servers limit how many accounts one
     * address may create in a while (MongooseIM and ejabberd answer
     * resource-constraint, "Users are not allowed to register accounts so
     * quickly", until their registration_timeout has passed) */
    message = _("The server limits how quickly new accounts can be created. Try again later.");
  else if ((g_str_equal (condition, "resource-constraint")
            || g_str_equal (condition, "policy-violation"))
           && g_strcmp0 (error_type (error_reply), "wait") == 0)
    message = _("Too many attempts. Wait a while, then try again.");
  else if (g_str_equal (condition, "policy-violation"))
    message = _("The server’s policy does not allow this registration.");
  else if (g_str_equal (condition, "forbidden"))
    message = _("The server refused the registration. The invitation may be invalid or used up.");
  else if (g_str_equal (condition, "feature-not-implemented")
           || g_str_equal (condition, "service-unavailable"))
    message = _("This server does not offer registration.");

  if (message == NULL)
    mapped = g_error_copy (error);
  else
    mapped = enlist_error_new_xmpp (ENLIST_ERROR_STANZA, condition, server_text, "%s", message);
  if (field != NULL)
    enlist_error_set_field (mapped, enlist_form_field_get_var (field));
  return mapped;
}

const EnlistXmlNode *
enlist_registration_alternative_form_query (const EnlistXmlNode *error_reply)
{
  const EnlistXmlNode *query, *x;

  if (error_reply == NULL)
    return NULL;
  query = enlist_xml_node_get_child (error_reply, "query", ENLIST_NS_REGISTER);
  if (query == NULL)
    return NULL;
  /* ejabberd's echo of a submitted form does not count */
  x = enlist_xml_node_get_child (query, "x", ENLIST_NS_DATA_FORM);
  if (x == NULL || g_strcmp0 (enlist_xml_node_get_attr (x, "type"), "form") != 0)
    return NULL;
  return query;
}

/* ---- verification ------------------------------------------------------- */

static void
submit_verify_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SubmitData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;

  jid = enlist_registration_login_check_finish (ENLIST_REGISTRATION (source), result, &error);
  if (jid == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* the account exists; only checking it was called off */
      submit_return_credentials (task);
      return;
    }
  if (jid == NULL && g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED))
    {
      /* the server said the account was made, then refused its login:
       * servers that want a new account activated (Tigase, from an
       * e-mail) do that. It exists, with this password: never a failure */
      data->inactive = TRUE;
      data->refusal_text = g_strdup (enlist_error_get_server_text (error));
      submit_return_credentials (task);
      return;
    }
  if (jid == NULL)
    {
      enlist_registration_return_error (task,
                                        g_error_new (ENLIST_ERROR, ENLIST_ERROR_OUTCOME_UNKNOWN,
                                                     _("The server accepted the registration, but "
                                                       "logging in with the new account failed: %s"),
                                                     error->message));
      return;
    }
  data->bound = bare_of (jid);
  data->verified = TRUE;
  submit_return_credentials (task);
}

/* Logging in on the stream the registration came over saves a connection;
 * a server that does not take SASL there gets a fresh connection instead,
 * whose verdict is the one that counts. */
static void
watch_caller (GTask *task);

/* The login on the registration's stream worked, or failed with error. */
static void
submit_same_stream_done (GTask        *task,
                         gboolean      ok,
                         const GError *error)
{
  EnlistRegistration *self = g_task_get_source_object (task);
  SubmitData *data = g_task_get_task_data (task);

  if (ok)
    {
      /* the server's spelling of the new address, when it bound one (it
       * may have prepared the username, e.g. lower-cased it) */
      data->bound = bare_of (enlist_connection_get_jid (data->conn));
      enlist_registration_close_quietly (data->conn);
      data->verified = TRUE;
      submit_return_credentials (task);
      return;
    }

  enlist_registration_close_quietly (data->conn);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      submit_return_credentials (task);
      return;
    }
  g_debug ("logging in on the registration stream failed (%s); trying a fresh connection",
           error->message);
  watch_caller (task);
  enlist_registration_login_check_async (self, login_name (data), data->password,
                                         data->verify_cancellable, submit_verify_cb,
                                         g_object_ref (task));
}

static void
submit_same_stream_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = enlist_connection_authenticate_finish (ENLIST_CONNECTION (source), result, &error);
  submit_same_stream_done (task, ok, error);
}

static void
cancel_verification (GCancellable *caller,
                     GCancellable *verify_cancellable)
{
  g_cancellable_cancel (verify_cancellable);
}

/* From now on cancelling only calls off the check; the account is
 * reported. */
static void
watch_caller (GTask *task)
{
  SubmitData *data = g_task_get_task_data (task);
  GCancellable *caller = g_task_get_cancellable (task);

  if (data->verify_cancellable != NULL)
    return;
  data->verify_cancellable = g_cancellable_new ();
  if (caller != NULL)
    {
      data->caller = g_object_ref (caller);
      data->cancelled_id = g_cancellable_connect (caller, G_CALLBACK (cancel_verification),
                                                  data->verify_cancellable, NULL);
    }
}

/* The server created the account: log in with it unless told not to, or
 * unless the caller has cancelled meanwhile. */
static void
submit_verify (GTask *task)
{
  EnlistRegistration *self = g_task_get_source_object (task);
  SubmitData *data = g_task_get_task_data (task);
  GCancellable *caller = g_task_get_cancellable (task);

  if (data->early_auth)
    {
      /* the login went with the submit and has ended already */
      g_assert (data->early_auth_done);
      submit_same_stream_done (task, data->early_auth_error == NULL, data->early_auth_error);
      return;
    }

  if (!self->verify || login_name (data) == NULL || data->password == NULL
      || g_cancellable_is_cancelled (caller))
    {
      enlist_registration_close_quietly (data->conn);
      submit_return_credentials (task);
      return;
    }

  watch_caller (task);
  enlist_registration_set_stage (self, ENLIST_REGISTRATION_STAGE_VERIFYING);
  enlist_connection_authenticate_async (data->conn, login_name (data), data->password,
                                        enlist_registration_name_is_prepared (login_name (data))
                                        ? ENLIST_AUTHENTICATE_NO_BIND
                                        : ENLIST_AUTHENTICATE_DEFAULT,
                                        data->verify_cancellable, submit_same_stream_cb,
                                        g_object_ref (task));
}

/* ---- a fresh form ------------------------------------------------------- */

/* A fresh form after a lost connection: send it again if nothing changed
 * and there is no CAPTCHA to answer, else hand it to the user. */
static void
submit_refetched_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistRegistration *self = ENLIST_REGISTRATION (source);
  SubmitData *data = g_task_get_task_data (task);
  g_autoptr(EnlistConnection) conn = NULL;
  g_autoptr(EnlistDataForm) fresh = NULL;
  g_autoptr(GError) error = NULL;
  gboolean same;

  fresh = enlist_registration_fetch_internal_finish (self, result, &conn, &error);
  if (fresh == NULL)
    {
      enlist_registration_return_error (task, g_steal_pointer (&error));
      return;
    }

  same = enlist_data_form_copy_values_from (fresh, data->form, TRUE);
  enlist_registration_install_form (self, fresh, conn);
  if (same && !enlist_data_form_is_captcha (fresh) && !enlist_data_form_is_registered (fresh))
    {
      g_debug ("reconnected to %s; sending the form again", data->domain);
      data->resent = TRUE;
      g_set_object (&data->form, fresh);
      data->captcha = FALSE;
      submit_send (g_steal_pointer (&task), conn);
      return;
    }

  if (enlist_data_form_is_captcha (fresh))
    enlist_registration_return_error (task,
                                      g_error_new (ENLIST_ERROR, ENLIST_ERROR_CAPTCHA_RENEWED, "%s",
                                                   _("The connection to the server was lost and "
                                                     "the CAPTCHA expired. Answer the new one "
                                                     "and submit again.")));
  else
    enlist_registration_return_error (task,
                                      g_error_new (ENLIST_ERROR, ENLIST_ERROR_FORM_RENEWED, "%s",
                                                   _("The connection to the server was lost and "
                                                     "the server now asks for different details. "
                                                     "Check the form and submit again.")));
}

/* After a refused CAPTCHA form: the fresh form replaces the spent one. */
static void
submit_renewed_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistRegistration *self = ENLIST_REGISTRATION (source);
  SubmitData *data = g_task_get_task_data (task);
  g_autoptr(EnlistConnection) conn = NULL;
  g_autoptr(EnlistDataForm) fresh = NULL;
  g_autoptr(GError) error = NULL;

  fresh = enlist_registration_fetch_internal_finish (self, result, &conn, &error);
  if (fresh == NULL)
    {
      g_debug ("could not renew the form: %s", error->message);
      enlist_registration_return_error (task, g_steal_pointer (&data->error));
      return;
    }
  enlist_data_form_copy_values_from (fresh, data->form, TRUE);
  enlist_registration_install_form (self, fresh, conn);
  enlist_registration_return_error (task, renewed_error (data->error, fresh));
}

/* ---- a lost connection -------------------------------------------------- */

/* The connection went while the form was on its way: whether the account
 * exists is learnt by logging in with it. */
static void
submit_lost_login_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistRegistration *self = ENLIST_REGISTRATION (source);
  SubmitData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;

  jid = enlist_registration_login_check_finish (self, result, &error);
  if (jid != NULL)
    {
      data->bound = bare_of (jid);
      data->verified = TRUE;
      submit_return_credentials (task);
      return;
    }
  if (!g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED))
    {
      enlist_registration_return_error (task,
                                        g_error_new (ENLIST_ERROR, ENLIST_ERROR_OUTCOME_UNKNOWN,
                                                     _("The connection was lost before the server "
                                                       "answered, and whether the account was "
                                                       "created could not be checked: %s"),
                                                     error->message));
      return;
    }
  if (data->resent)
    {
      enlist_registration_return_error (task, g_steal_pointer (&data->error));
      return;
    }

  /* no account: nothing happened, so the caller may call it off again */
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      enlist_registration_return_error (task,
                                        g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                                                     _("The registration was cancelled; the "
                                                       "account was not created.")));
      return;
    }
  enlist_registration_fetch_internal_async (self, FALSE, g_task_get_cancellable (task),
                                            submit_refetched_cb, g_object_ref (task));
}

/* ---- the answer --------------------------------------------------------- */

/* The name in the server's answer (<query><username/></query>), if any. */
static char *
answered_name (const EnlistXmlNode *reply)
{
  const EnlistXmlNode *query = enlist_xml_node_get_child (reply, "query", ENLIST_NS_REGISTER);
  const EnlistXmlNode *username;
  const char *text;

  if (query == NULL)
    return NULL;
  username = enlist_xml_node_get_child (query, "username", ENLIST_NS_REGISTER);
  text = username != NULL ? enlist_xml_node_get_text (username) : NULL;
  if (text == NULL || *text == '\0' || strlen (text) > 1023 || strpbrk (text, "@/ ") != NULL
      || !g_utf8_validate (text, -1, NULL))
    return NULL;
  return g_strdup (text);
}

/* The server's answer to the submit (reply, or error_reply and error; all
 * taken), with the login that went with it ended, if one did. */
static void
submit_answered (GTask         *task_in,
                 EnlistXmlNode *reply_in,
                 EnlistXmlNode *error_reply,
                 GError        *error_in)
{
  g_autoptr(GTask) task = task_in;
  EnlistRegistration *self = g_task_get_source_object (task);
  SubmitData *data = g_task_get_task_data (task);
  g_autoptr(EnlistXmlNode) reply = reply_in;
  g_autoptr(GError) error = error_in;
  const EnlistXmlNode *alternative;

  if (reply != NULL)
    {
      /* the connection has served its purpose; a CAPTCHA on it is spent */
      if (self->conn == data->conn)
        g_clear_object (&self->conn);
      data->server_name = answered_name (reply);
      submit_verify (task);
      return;
    }

  if (enlist_registration_is_connection_loss (error))
    {
      enlist_registration_wipe_free_node (error_reply);
      g_clear_error (&data->error);
      data->error = g_steal_pointer (&error);
      if (data->username == NULL || data->password == NULL)
        {
          enlist_registration_return_error (task,
                                            g_error_new (ENLIST_ERROR, ENLIST_ERROR_OUTCOME_UNKNOWN,
                                                         _("The connection was lost before the "
                                                           "server answered: %s"),
                                                         data->error->message));
          return;
        }
      enlist_registration_set_stage (self, ENLIST_REGISTRATION_STAGE_CHECKING_OUTCOME);
      enlist_registration_login_check_async (self, data->username, data->password, NULL,
                                             submit_lost_login_cb, g_object_ref (task));
      return;
    }

  g_clear_error (&data->error);
  data->error = enlist_registration_error (error, error_reply, data->form,
                                           self->invite_token == NULL
                                           && enlist_registration_takes_invitations (data->conn));
  alternative = enlist_registration_alternative_form_query (error_reply);
  if (alternative != NULL)
    {
      g_autoptr(EnlistDataForm) fresh = NULL;

      fresh = enlist_data_form_new_from_register_query (alternative, NULL);
      if (fresh != NULL)
        {
          enlist_data_form_copy_values_from (fresh, data->form, TRUE);
          enlist_registration_install_form (self, fresh, data->conn);
          enlist_registration_wipe_free_node (error_reply);
          enlist_registration_return_error (task, renewed_error (data->error, fresh));
          return;
        }
    }
  enlist_registration_wipe_free_node (error_reply);

  if (data->captcha)
    {
      /* the answer was used up with the form, right or wrong */
      enlist_registration_fetch_internal_async (self, TRUE, NULL, submit_renewed_cb,
                                                g_object_ref (task));
      return;
    }
  enlist_registration_return_error (task, g_steal_pointer (&data->error));
}

static void
submit_iq_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistRegistration *self = g_task_get_source_object (task);
  SubmitData *data = g_task_get_task_data (task);
  EnlistXmlNode *reply, *error_reply = NULL;
  GError *error = NULL;

  reply = enlist_connection_send_iq_finish (data->conn, result, &error_reply, &error);
  if (data->early_auth && !data->early_auth_done)
    {
      /* the login's answer is one step behind: the answer waits for it */
      data->answer_reply = reply;
      data->answer_error_reply = error_reply;
      data->answer_error = error;
      if (reply != NULL)
        enlist_registration_set_stage (self, ENLIST_REGISTRATION_STAGE_VERIFYING);
      return;
    }
  submit_answered (g_steal_pointer (&task), reply, error_reply, error);
}

static void
submit_early_auth_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SubmitData *data = g_task_get_task_data (task);

  data->early_auth_done = TRUE;
  enlist_connection_authenticate_finish (ENLIST_CONNECTION (source), result,
                                         &data->early_auth_error);
  if (data->answer_reply != NULL || data->answer_error != NULL)
    {
      submit_answered (g_steal_pointer (&task), g_steal_pointer (&data->answer_reply),
                       g_steal_pointer (&data->answer_error_reply),
                       g_steal_pointer (&data->answer_error));
    }
}

static void
submit_send (GTask            *task,
             EnlistConnection *conn)
{
  EnlistRegistration *self = g_task_get_source_object (task);
  SubmitData *data = g_task_get_task_data (task);
  EnlistXmlNode *iq;

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      enlist_registration_return_error (task,
                                        g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                                                     _("The registration was cancelled before "
                                                       "it was sent.")));
      g_object_unref (task);
      return;
    }

  /* from here on the server may act on it: the operation runs to its end
   * and reports what the server did, bounded by the timeouts */
  g_task_set_check_cancellable (task, FALSE);
  enlist_registration_set_stage (self, ENLIST_REGISTRATION_STAGE_SUBMITTING);
  g_set_object (&data->conn, conn);
  iq = enlist_registration_new_iq ("set", NULL);
  enlist_xml_node_append (iq, enlist_data_form_build_register_query (data->form));
  enlist_connection_send_iq_async (conn, iq, 0, NULL, submit_iq_cb, task);

  /* Pipelined, the verifying login follows in the same flight: the server
   * handles the stream in order, so the SASL answers come after the
   * registration's (and are a refusal when it was refused). Not
   * cancellable: the answer to the submit is awaited in any case. */
  data->early_auth = self->verify && data->username != NULL && data->password != NULL
                     && enlist_connection_get_pipelined (conn);
  data->early_auth_done = FALSE;
  g_clear_error (&data->early_auth_error);
  if (data->early_auth)
    enlist_connection_authenticate_async (conn, data->username, data->password,
                                          enlist_registration_name_is_prepared (data->username)
                                          ? ENLIST_AUTHENTICATE_NO_BIND
                                          : ENLIST_AUTHENTICATE_DEFAULT,
                                          NULL, submit_early_auth_cb, g_object_ref (task));
}

void
enlist_registration_submit_async (EnlistRegistration  *self,
                                  EnlistDataForm      *form,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  EnlistFormField *field;
  SubmitData *data;
  gboolean ready;

  g_return_if_fail (ENLIST_IS_REGISTRATION (self));
  g_return_if_fail (ENLIST_IS_DATA_FORM (form));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (!self->busy);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_registration_submit_async);
  data = g_new0 (SubmitData, 1);
  data->form = g_object_ref (form);
  data->domain = g_strdup (self->domain);
  data->captcha = enlist_data_form_is_captcha (form);
  g_task_set_task_data (task, data, (GDestroyNotify) submit_data_free);
  ready = form == self->form && self->conn != NULL
          && enlist_connection_get_state (self->conn) == ENLIST_CONNECTION_SECURED;
  enlist_registration_begin (self, ready ? ENLIST_REGISTRATION_STAGE_SUBMITTING
                                         : enlist_registration_connecting_stage (self));

  if (enlist_data_form_is_registered (form))
    {
      enlist_registration_return_error (task, g_error_new (ENLIST_ERROR,
                                                           ENLIST_ERROR_ALREADY_REGISTERED, "%s",
                                                           _("This account is already registered.")));
      return;
    }
  if (enlist_data_form_is_web_only (form))
    {
      const char *url = enlist_data_form_get_oob_url (form);

      if (url != NULL)
        enlist_registration_return_error (task, g_error_new (ENLIST_ERROR, ENLIST_ERROR_WEB_ONLY,
                                                             _("This server registers accounts "
                                                               "only on its web page: %s"), url));
      else
        enlist_registration_return_error (task, g_error_new (ENLIST_ERROR, ENLIST_ERROR_WEB_ONLY,
                                                             "%s",
                                                             _("This server registers accounts "
                                                               "only in a way described in its "
                                                               "instructions.")));
      return;
    }
  if (!enlist_data_form_validate (form, &problems))
    {
      EnlistDataFormProblem *problem = g_ptr_array_index (problems, 0);

      enlist_registration_return_error (task, g_error_copy (problem->error));
      return;
    }

  field = enlist_registration_username_field (form);
  if (field != NULL && enlist_form_field_get_value (field) != NULL
      && *enlist_form_field_get_value (field) != '\0')
    data->username = g_strdup (enlist_form_field_get_value (field));
  field = enlist_registration_password_field (form);
  if (field != NULL && enlist_form_field_get_value (field) != NULL)
    data->password = g_strdup (enlist_form_field_get_value (field));

  if (ready)
    {
      submit_send (g_steal_pointer (&task), self->conn);
      return;
    }

  /* the connection is gone (or the form never had one): start afresh */
  enlist_registration_fetch_internal_async (self, FALSE, cancellable, submit_refetched_cb,
                                            g_steal_pointer (&task));
}

EnlistCredentials *
enlist_registration_submit_finish (EnlistRegistration *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
