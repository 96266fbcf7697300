/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-registration-account.c: what the service does with an existing
 * account: log in (for people, and to settle what an unanswered request
 * did), change its password, delete it, and ask whether the server lists
 * registration at all. A request that changes the account runs to its end
 * once sent, and its outcome is confirmed by logging in, never guessed. */
#define G_LOG_DOMAIN "enlist-registration"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-connection-private.h"
#include "enlist-error.h"
#include "enlist-jid.h"
#include "enlist-registration-private.h"
#include "enlist-server-info-private.h"
#include "enlist-text.h"

/* ---------------------------------------------------------------------- */
/* Sessions: a connection logged in as someone                             */

/* A session's connection is told to connect and to authenticate at once,
 * so that when pipelining the SASL <auth> goes out with the secured
 * stream's header; the request given to a session goes out, once
 * authenticated, in the bind request's flight (and never, if the login
 * fails). */
typedef struct
{
  EnlistConnection        *conn;
  gboolean                 show_steps;
  EnlistRegistrationStage  request_stage;
  guint                    waiting;        /* the authentication, and the request */
  GError                  *auth_error;
  gboolean                 requested;
  EnlistXmlNode           *reply;
  EnlistXmlNode           *error_reply;
  GError                  *request_error;
} SessionData;

static void
session_data_free (SessionData *data)
{
  g_clear_object (&data->conn);
  g_clear_error (&data->auth_error);
  enlist_registration_wipe_free_node (data->reply);
  enlist_registration_wipe_free_node (data->error_reply);
  g_clear_error (&data->request_error);
  g_free (data);
}

static void
session_step_done (GTask *task)
{
  SessionData *data = g_task_get_task_data (task);

  if (--data->waiting > 0)
    return;
  if (data->auth_error != NULL)
    {
      enlist_registration_close_quietly (data->conn);
      g_task_return_error (task, g_steal_pointer (&data->auth_error));
      return;
    }
  g_task_return_pointer (task, g_object_ref (data->conn), g_object_unref);
}

static void
session_request_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SessionData *data = g_task_get_task_data (task);

  data->reply = enlist_connection_send_iq_finish (data->conn, result, &data->error_reply,
                                                  &data->request_error);
  session_step_done (task);
}

static void
session_auth_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SessionData *data = g_task_get_task_data (task);

  enlist_connection_authenticate_finish (data->conn, result, &data->auth_error);
  session_step_done (task);
}

static void
session_connect_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SessionData *data = g_task_get_task_data (task);

  /* a failure ends the authentication too, which reports it */
  if (enlist_connection_connect_finish (data->conn, result, NULL) && data->show_steps)
    enlist_registration_set_stage (g_task_get_source_object (task),
                                   ENLIST_REGISTRATION_STAGE_LOGGING_IN);
}

/* The request goes out (with the bind request, when pipelining): from
 * now on the stage is the request's. */
static void
session_step_cb (EnlistConnection *conn,
                 guint             step,
                 GTask            *task)
{
  SessionData *data = g_task_get_task_data (task);

  if (step == ENLIST_CONNECTION_STEP_SENDING_HELD && data->show_steps)
    enlist_registration_set_stage (g_task_get_source_object (task), data->request_stage);
}

/* A new connection, logged in as username (with flags); with show_steps
 * its progress is the stage. request (taken; NULL for none) is sent once
 * authenticated, and request_stage is the stage while it is answered.
 * finish gives the connection; take_reply the request's answer. */
static void
session_async (EnlistRegistration      *self,
               const char              *username,
               const char              *password,
               EnlistAuthenticateFlags  flags,
               EnlistXmlNode           *request,
               EnlistRegistrationStage  request_stage,
               gboolean                 show_steps,
               GCancellable            *cancellable,
               GAsyncReadyCallback      callback,
               gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bare = NULL;
  SessionData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, session_async);
  /* a cancelled login ends with the connection's own error */
  g_task_set_check_cancellable (task, FALSE);
  data = g_new0 (SessionData, 1);
  data->show_steps = show_steps;
  data->request_stage = request_stage;
  g_task_set_task_data (task, data, (GDestroyNotify) session_data_free);

  /* checked here, not only by the connection: a request must never go
   * out on a stream whose authentication could not even start */
  if (*username == '\0')
    g_set_error_literal (&error, ENLIST_ERROR, ENLIST_ERROR_INVALID_JID,
                         _("The user name is empty."));
  else
    bare = enlist_jid_format_bare (username, self->domain, &error);
  if (error == NULL)
    data->conn = enlist_registration_new_connection (self, show_steps, &error);
  if (error != NULL)
    {
      enlist_registration_wipe_free_node (request);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  enlist_connection_connect_async (data->conn, cancellable, session_connect_cb,
                                   g_object_ref (task));
  data->waiting = 1;
  enlist_connection_authenticate_async (data->conn, username, password, flags, cancellable,
                                        session_auth_cb, g_object_ref (task));
  if (request != NULL)
    {
      data->waiting++;
      data->requested = TRUE;
      g_signal_connect_object (data->conn, "step", G_CALLBACK (session_step_cb), task, 0);
      enlist_connection_send_iq_async (data->conn, request, 0, NULL, session_request_cb,
                                       g_object_ref (task));
    }
}

static EnlistConnection *
session_finish (EnlistRegistration *self,
                GAsyncResult       *result,
                GError            **error)
{
  g_assert (g_task_is_valid (result, self));
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Whether the session was given a request to send. */
static gboolean
session_had_request (GAsyncResult *result)
{
  SessionData *data = g_task_get_task_data (G_TASK (result));

  return data->requested;
}

/* The answer to the request of a session that finished with a connection,
 * as enlist_connection_send_iq_finish gives it. */
static EnlistXmlNode *
session_take_reply (GAsyncResult   *result,
                    EnlistXmlNode **error_reply,
                    GError        **error)
{
  SessionData *data = g_task_get_task_data (G_TASK (result));

  g_assert (data->requested);
  *error_reply = g_steal_pointer (&data->error_reply);
  if (data->request_error != NULL)
    g_propagate_error (error, g_steal_pointer (&data->request_error));
  return g_steal_pointer (&data->reply);
}

/* The session of an operation ended without a login (error, taken); a
 * cancelled one says what cancelled_message says, since nothing was sent. */
static void
session_failed (GTask      *task,
                GError     *error,
                const char *cancelled_message)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, cancelled_message);
    }
  enlist_registration_return_error (task, error);
}

static void
login_check_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistRegistration *self = ENLIST_REGISTRATION (source);
  g_autoptr(EnlistConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  const char *jid;

  conn = session_finish (self, result, &error);
  if (conn == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  enlist_registration_close_quietly (conn);
  jid = enlist_connection_get_jid (conn);
  if (jid != NULL)
    g_task_return_pointer (task, g_strdup (jid), g_free);
  else
    g_task_return_pointer (task, enlist_jid_format_bare (g_task_get_task_data (task),
                                                         self->domain, NULL), g_free);
}

void
enlist_registration_login_check_async (EnlistRegistration  *self,
                                       const char          *username,
                                       const char          *password,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  gboolean prepared = enlist_registration_name_is_prepared (username);

  g_task_set_source_tag (task, enlist_registration_login_check_async);
  g_task_set_task_data (task, g_strdup (username), g_free);
  /* <success/> proves the password; binding only learns the server's
   * spelling of a name that may have one */
  session_async (self, username, password,
                 prepared ? ENLIST_AUTHENTICATE_NO_BIND : ENLIST_AUTHENTICATE_DEFAULT,
                 NULL, 0, FALSE, cancellable, login_check_cb, task);
}

char *
enlist_registration_login_check_finish (EnlistRegistration *self,
                                        GAsyncResult       *result,
                                        GError            **error)
{
  g_assert (g_task_is_valid (result, self));
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* Logging in for people                                                   */

static void
login_session_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistRegistration *self = ENLIST_REGISTRATION (source);
  g_autoptr(EnlistConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  EnlistServerInfo *info;

  conn = session_finish (self, result, &error);
  if (conn == NULL)
    {
      enlist_registration_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* logged in and bound: done, without waiting for the server to close */
  info = enlist_server_info_new_from_connection (conn);
  enlist_registration_close_quietly (conn);
  enlist_registration_return_pointer (task, info, g_object_unref);
}

void
enlist_registration_login_async (EnlistRegistration  *self,
                                 const char          *username,
                                 const char          *password,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ENLIST_IS_REGISTRATION (self));
  g_return_if_fail (username != NULL && password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (!self->busy);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_registration_login_async);
  enlist_registration_begin (self, enlist_registration_connecting_stage (self));
  session_async (self, username, password, ENLIST_AUTHENTICATE_DEFAULT, NULL, 0, TRUE,
                 cancellable, login_session_cb, task);
}

EnlistServerInfo *
enlist_registration_login_finish (EnlistRegistration *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* Changing the password                                                   */

typedef struct
{
  EnlistConnection *conn;
  char             *username;
  char             *old_password;
  char             *new_password;
  EnlistDataForm   *form;        /* the server's form, filled in, or NULL */
  GError           *error;
  gboolean          form_sent;
  EnlistConnection *confirm;     /* delete: the connection that checks the outcome */
} AccountData;

static void
account_data_free (AccountData *data)
{
  g_clear_object (&data->conn);
  enlist_registration_close_quietly (data->confirm);
  g_clear_object (&data->confirm);
  g_free (data->username);
  enlist_secret_free (data->old_password);
  enlist_secret_free (data->new_password);
  g_clear_object (&data->form);
  g_clear_error (&data->error);
  g_free (data);
}

static AccountData *
account_data_new (const char *username,
                  const char *old_password,
                  const char *new_password)
{
  AccountData *data = g_new0 (AccountData, 1);

  data->username = g_strdup (username);
  data->old_password = g_strdup (old_password);
  data->new_password = g_strdup (new_password);
  return data;
}

/* The fields of a password-change form the service fills in itself. */
static const char * const own_vars[] = { "username", "old_password", "password" };

static void
fill_own_fields (AccountData    *data,
                 EnlistDataForm *form)
{
  const char *values[] = { data->username, data->old_password, data->new_password };

  for (guint i = 0; i < G_N_ELEMENTS (own_vars); i++)
    {
      EnlistFormField *field = enlist_data_form_lookup_field (form, own_vars[i]);

      if (field != NULL)
        enlist_form_field_set_value (field, values[i]);
    }
}

/* The secrets filled in are wiped from the form once it is on its way. */
static void
clear_own_secrets (EnlistDataForm *form)
{
  for (guint i = 1; i < G_N_ELEMENTS (own_vars); i++)
    {
      EnlistFormField *field = enlist_data_form_lookup_field (form, own_vars[i]);

      if (field != NULL)
        enlist_form_field_set_value (field, NULL);
    }
}

/* The first required field of form, other than the service's own, that is
 * still empty; NULL when the service can send the form by itself. */
static EnlistFormField *
missing_field (EnlistDataForm *form)
{
  guint n_fields = enlist_data_form_get_n_fields (form);

  for (guint i = 0; i < n_fields; i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (form, i);
      const char *var = enlist_form_field_get_var (field);
      EnlistFieldType type = enlist_form_field_get_field_type (field);

      if (type == ENLIST_FIELD_TYPE_FIXED || type == ENLIST_FIELD_TYPE_HIDDEN
          || !enlist_form_field_is_required (field)
          || (var != NULL && g_strv_contains (own_vars, var)))
        continue;
      if (enlist_form_field_get_value (field) == NULL || *enlist_form_field_get_value (field) == '\0')
        return field;
    }
  return NULL;
}

static void
password_old_login_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccountData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;

  jid = enlist_registration_login_check_finish (ENLIST_REGISTRATION (source), result, &error);
  if (jid != NULL)
    enlist_registration_return_error (task,
                                      g_error_new (data->error->domain, data->error->code,
                                                   _("The connection was lost before the server "
                                                     "answered, and the password was not changed: "
                                                     "the old password is still in effect (%s)."),
                                                   data->error->message));
  else
    enlist_registration_return_error (task,
                                      g_error_new (ENLIST_ERROR, ENLIST_ERROR_OUTCOME_UNKNOWN,
                                                   _("The connection was lost before the server "
                                                     "answered, and neither the new nor the old "
                                                     "password could be used to log in: %s"),
                                                   error->message));
}

static void
password_new_login_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistRegistration *self = ENLIST_REGISTRATION (source);
  AccountData *data = g_task_get_task_data (task);
  g_autofree char *jid = NULL;

  jid = enlist_registration_login_check_finish (self, result, NULL);
  if (jid != NULL)
    {
      enlist_registration_return_boolean (task, TRUE);
      return;
    }
  enlist_registration_login_check_async (self, data->username, data->old_password, NULL,
                                         password_old_login_cb, g_object_ref (task));
}

static void password_send (GTask *task, EnlistXmlNode *query);

/* The server answered with a form of its own (XEP-0077 §3.3): filled in
 * and sent once when it asks only for what the service knows, else handed
 * to the caller as FORM_RENEWED. */
static void
password_form_asked (GTask               *task,
                     const EnlistXmlNode *alternative,
                     const GError        *refusal)
{
  EnlistRegistration *self = g_task_get_source_object (task);
  AccountData *data = g_task_get_task_data (task);
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  EnlistFormField *missing;
  EnlistXmlNode *query;

  form = enlist_data_form_new_from_register_query (alternative, NULL);
  if (form == NULL)
    {
      enlist_registration_close_quietly (data->conn);
      enlist_registration_return_error (task, g_error_copy (refusal));
      return;
    }

  missing = missing_field (form);
  if (missing == NULL && !data->form_sent)
    {
      fill_own_fields (data, form);
      data->form_sent = TRUE;
      query = enlist_data_form_build_register_query (form);
      clear_own_secrets (form);
      password_send (g_object_ref (task), query);
      return;
    }

  enlist_registration_close_quietly (data->conn);
  /* the name may stay; the passwords come with the next call */
  if (enlist_data_form_lookup_field (form, "username") != NULL)
    enlist_form_field_set_value (enlist_data_form_lookup_field (form, "username"), data->username);
  enlist_registration_install_form (self, form, NULL);
  error = enlist_error_new_xmpp (ENLIST_ERROR_FORM_RENEWED, enlist_error_get_condition (refusal),
                                 enlist_error_get_server_text (refusal), "%s",
                                 _("The server asks for more details to change the password. "
                                   "Fill in its form and try again."));
  if (missing != NULL && enlist_form_field_get_var (missing) != NULL)
    enlist_error_set_field (error, enlist_form_field_get_var (missing));
  enlist_registration_return_error (task, g_steal_pointer (&error));
}

/* The server's answer to the password change (reply, or error_reply and
 * error; all taken). */
static void
password_answered (GTask         *task,
                   EnlistXmlNode *reply,
                   EnlistXmlNode *error_reply,
                   GError        *error)
{
  EnlistRegistration *self = g_task_get_source_object (task);
  AccountData *data = g_task_get_task_data (task);
  g_autoptr(GError) owned = error;
  const EnlistXmlNode *alternative;

  if (reply != NULL)
    {
      enlist_registration_wipe_free_node (reply);
      enlist_registration_close_quietly (data->conn);
      enlist_registration_return_boolean (task, TRUE);
      return;
    }

  if (enlist_registration_is_connection_loss (owned))
    {
      enlist_registration_wipe_free_node (error_reply);
      enlist_registration_close_quietly (data->conn);
      data->error = g_steal_pointer (&owned);
      enlist_registration_set_stage (self, ENLIST_REGISTRATION_STAGE_CHECKING_OUTCOME);
      enlist_registration_login_check_async (self, data->username, data->new_password, NULL,
                                             password_new_login_cb, g_object_ref (task));
      return;
    }

  alternative = enlist_registration_alternative_form_query (error_reply);
  if (alternative != NULL)
    {
      password_form_asked (task, alternative, owned);
      enlist_registration_wipe_free_node (error_reply);
      return;
    }
  enlist_registration_wipe_free_node (error_reply);
  enlist_registration_close_quietly (data->conn);
  enlist_registration_return_error (task, g_steal_pointer (&owned));
}

static void
password_iq_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccountData *data = g_task_get_task_data (task);
  EnlistXmlNode *reply, *error_reply = NULL;
  GError *error = NULL;

  reply = enlist_connection_send_iq_finish (data->conn, result, &error_reply, &error);
  password_answered (task, reply, error_reply, error);
}

/* The request: the caller's form filled in, else the legacy fields. */
static EnlistXmlNode *
password_query (AccountData *data)
{
  EnlistXmlNode *query;

  if (data->form != NULL)
    {
      data->form_sent = TRUE;
      fill_own_fields (data, data->form);
      query = enlist_data_form_build_register_query (data->form);
      clear_own_secrets (data->form);
      return query;
    }
  query = enlist_xml_node_new ("query", ENLIST_NS_REGISTER);
  enlist_xml_node_set_text (enlist_xml_node_add_child (query, "username", NULL), data->username);
  enlist_xml_node_set_text (enlist_xml_node_add_child (query, "password", NULL),
                            data->new_password);
  return query;
}

static void
password_send (GTask         *task,
               EnlistXmlNode *query)
{
  EnlistRegistration *self = g_task_get_source_object (task);
  AccountData *data = g_task_get_task_data (task);
  EnlistXmlNode *iq = enlist_registration_new_iq ("set", NULL);

  enlist_registration_set_stage (self, ENLIST_REGISTRATION_STAGE_CHANGING_PASSWORD);
  enlist_xml_node_append (iq, query);
  enlist_connection_send_iq_async (data->conn, iq, 0, NULL, password_iq_cb, task);
}

static void
password_session_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccountData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  EnlistXmlNode *reply, *error_reply = NULL;
  GError *request_error = NULL;
  const char *bound;
  g_autofree char *bound_local = NULL;

  data->conn = session_finish (ENLIST_REGISTRATION (source), result, &error);
  if (data->conn == NULL)
    {
      session_failed (task, g_steal_pointer (&error),
                      _("The password change was cancelled before it was sent."));
      return;
    }
  if (session_had_request (result))
    {
      reply = session_take_reply (result, &error_reply, &request_error);
      password_answered (task, reply, error_reply, request_error);
      return;
    }

  /* sent now, with the name as the server bound it: ejabberd wants its
   * nodeprep'd form in <username/> ("Alice" logs in, and is bound, as
   * "alice") */
  bound = enlist_connection_get_jid (data->conn);
  if (bound != NULL && enlist_jid_parse (bound, &bound_local, NULL, NULL, NULL)
      && bound_local != NULL && !g_str_equal (bound_local, data->username))
    {
      g_free (data->username);
      data->username = g_steal_pointer (&bound_local);
    }
  password_send (g_steal_pointer (&task), password_query (data));
}

void
enlist_registration_change_password_async (EnlistRegistration  *self,
                                           const char          *username,
                                           const char          *old_password,
                                           const char          *new_password,
                                           EnlistDataForm      *form,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  GTask *task;
  AccountData *data;

  g_return_if_fail (ENLIST_IS_REGISTRATION (self));
  g_return_if_fail (username != NULL && old_password != NULL && new_password != NULL);
  g_return_if_fail (form == NULL || ENLIST_IS_DATA_FORM (form));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (!self->busy);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_registration_change_password_async);
  data = account_data_new (username, old_password, new_password);
  data->form = form != NULL ? g_object_ref (form) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) account_data_free);
  enlist_registration_begin (self, enlist_registration_connecting_stage (self));

  if (form != NULL)
    {
      g_autoptr(GPtrArray) problems = NULL;
      gboolean valid;

      /* checked before anything is sent, with the service's own fields
       * filled in for the check only */
      fill_own_fields (data, form);
      valid = enlist_data_form_validate (form, &problems);
      clear_own_secrets (form);
      if (!valid)
        {
          EnlistDataFormProblem *problem = g_ptr_array_index (problems, 0);
          GError *error = g_error_copy (problem->error);

          if (enlist_error_get_field (error) == NULL && enlist_form_field_get_var (problem->field))
            enlist_error_set_field (error, enlist_form_field_get_var (problem->field));
          enlist_registration_return_error (task, error);
          g_object_unref (task);
          return;
        }
    }
  /* once sent, the server may act on it: the operation sees it through
   * (it can only be called off while logging in, before anything is sent) */
  g_task_set_check_cancellable (task, FALSE);
  if (enlist_registration_name_is_prepared (username))
    {
      /* the name is spelt as the server will bind it: the request can go
       * in the bind's flight */
      EnlistXmlNode *iq = enlist_registration_new_iq ("set", NULL);

      enlist_xml_node_append (iq, password_query (data));
      session_async (self, username, old_password, ENLIST_AUTHENTICATE_DEFAULT, iq,
                     ENLIST_REGISTRATION_STAGE_CHANGING_PASSWORD, TRUE, cancellable,
                     password_session_cb, task);
      return;
    }
  session_async (self, username, old_password, ENLIST_AUTHENTICATE_DEFAULT, NULL, 0, TRUE,
                 cancellable, password_session_cb, task);
}

gboolean
enlist_registration_change_password_finish (EnlistRegistration *self,
                                            GAsyncResult       *result,
                                            GError            **error)
{
  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* Deleting the account                                                    */

/* The login after the removal worked (logged_in) or failed with error. */
static void
delete_checked (GTask        *task,
                gboolean      logged_in,
                const GError *error)
{
  AccountData *data = g_task_get_task_data (task);

  if (logged_in)
    {
      if (data->error != NULL)
        enlist_registration_return_error (task, g_steal_pointer (&data->error));
      else
        enlist_registration_return_error (task,
                                          g_error_new (ENLIST_ERROR, ENLIST_ERROR_FAILED, "%s",
                                                       _("The server said it deleted the account, "
                                                         "but the account still accepts its "
                                                         "password.")));
      return;
    }
  if (g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED))
    {
      enlist_registration_return_boolean (task, TRUE);
      return;
    }
  enlist_registration_return_error (task,
                                    g_error_new (ENLIST_ERROR, ENLIST_ERROR_OUTCOME_UNKNOWN,
                                                 _("Whether the account was deleted could not be "
                                                   "checked: %s"), error->message));
}

static void
delete_confirm_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;

  jid = enlist_registration_login_check_finish (ENLIST_REGISTRATION (source), result, &error);
  delete_checked (task, jid != NULL, error);
}

static void
delete_confirm_auth_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistRegistration *self = g_task_get_source_object (task);
  AccountData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gboolean logged_in;

  logged_in = enlist_connection_authenticate_finish (data->confirm, result, &error);
  enlist_registration_close_quietly (data->confirm);
  if (logged_in || g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED))
    {
      delete_checked (task, logged_in, error);
      return;
    }
  /* the connection opened in advance did not last: a fresh one decides */
  g_debug ("checking the deletion on a fresh connection: %s", error->message);
  enlist_registration_login_check_async (self, data->username, data->old_password, NULL,
                                         delete_confirm_cb, g_object_ref (task));
}

/* The server's answer to the removal (reply, or error_reply and error; all
 * taken): then whether the account still logs in decides. */
static void
delete_answered (GTask         *task,
                 EnlistXmlNode *reply,
                 EnlistXmlNode *error_reply,
                 GError        *error)
{
  EnlistRegistration *self = g_task_get_source_object (task);
  AccountData *data = g_task_get_task_data (task);
  g_autoptr(GError) owned = error;
  EnlistConnectionState confirm_state;

  enlist_registration_wipe_free_node (reply);
  enlist_registration_wipe_free_node (error_reply);
  enlist_registration_close_quietly (data->conn);

  if (owned != NULL)
    {
      const char *condition = enlist_error_get_condition (owned);

      /* Prosody ends the stream with not-authorized, ejabberd with conflict,
       * possibly before the result is read */
      if (g_error_matches (owned, ENLIST_ERROR, ENLIST_ERROR_STREAM)
          && (g_strcmp0 (condition, "not-authorized") == 0 || g_strcmp0 (condition, "conflict") == 0))
        g_debug ("the stream ended with %s after the removal request", condition);
      else if (enlist_registration_is_connection_loss (owned))
        data->error = g_steal_pointer (&owned);
      else
        {
          enlist_registration_return_error (task, g_steal_pointer (&owned));
          return;
        }
    }

  enlist_registration_set_stage (self, ENLIST_REGISTRATION_STAGE_CHECKING_OUTCOME);
  confirm_state = data->confirm != NULL ? enlist_connection_get_state (data->confirm)
                                        : ENLIST_CONNECTION_CLOSED;
  if (confirm_state == ENLIST_CONNECTION_CONNECTING || confirm_state == ENLIST_CONNECTION_SECURED)
    {
      enlist_connection_authenticate_async (data->confirm, data->username, data->old_password,
                                            enlist_registration_name_is_prepared (data->username)
                                            ? ENLIST_AUTHENTICATE_NO_BIND
                                            : ENLIST_AUTHENTICATE_DEFAULT,
                                            NULL, delete_confirm_auth_cb, g_object_ref (task));
      return;
    }
  enlist_registration_login_check_async (self, data->username, data->old_password, NULL,
                                         delete_confirm_cb, g_object_ref (task));
}

static void
delete_session_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistRegistration *self = ENLIST_REGISTRATION (source);
  AccountData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  EnlistXmlNode *reply, *error_reply = NULL;
  GError *request_error = NULL;

  data->conn = session_finish (self, result, &error);
  if (data->conn == NULL)
    {
      session_failed (task, g_steal_pointer (&error),
                      _("Deleting the account was cancelled before the request was sent."));
      return;
    }
  reply = session_take_reply (result, &error_reply, &request_error);
  delete_answered (task, reply, error_reply, request_error);
}

void
enlist_registration_delete_account_async (EnlistRegistration  *self,
                                          const char          *username,
                                          const char          *password,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GTask *task;
  AccountData *data;
  EnlistXmlNode *iq;

  g_return_if_fail (ENLIST_IS_REGISTRATION (self));
  g_return_if_fail (username != NULL && password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (!self->busy);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_registration_delete_account_async);
  /* once sent, the server may act on it: the operation sees it through
   * (it can only be called off while logging in, before anything is sent) */
  g_task_set_check_cancellable (task, FALSE);
  data = account_data_new (username, password, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) account_data_free);
  enlist_registration_begin (self, enlist_registration_connecting_stage (self));

  /* the connection that checks the outcome is opened now, so that only
   * its login waits for the removal */
  data->confirm = enlist_registration_new_connection (self, FALSE, NULL);
  if (data->confirm != NULL)
    enlist_connection_connect_async (data->confirm, NULL, NULL, NULL);

  iq = enlist_registration_new_iq ("set", NULL);
  enlist_xml_node_add_child (enlist_xml_node_add_child (iq, "query", ENLIST_NS_REGISTER),
                             "remove", NULL);
  session_async (self, username, password, ENLIST_AUTHENTICATE_DEFAULT, iq,
                 ENLIST_REGISTRATION_STAGE_DELETING, TRUE, cancellable, delete_session_cb, task);
}

gboolean
enlist_registration_delete_account_finish (EnlistRegistration *self,
                                           GAsyncResult       *result,
                                           GError            **error)
{
  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* disco#info                                                              */

static void
supported_session_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistRegistration *self = ENLIST_REGISTRATION (source);
  g_autoptr(EnlistConnection) conn = NULL;
  g_autoptr(EnlistXmlNode) reply = NULL;
  EnlistXmlNode *error_reply = NULL;
  g_autoptr(GError) error = NULL;
  const EnlistXmlNode *query;
  gboolean supported = FALSE;

  conn = session_finish (self, result, &error);
  if (conn == NULL)
    {
      enlist_registration_return_error (task, g_steal_pointer (&error));
      return;
    }
  reply = session_take_reply (result, &error_reply, &error);
  enlist_registration_wipe_free_node (error_reply);
  enlist_registration_close_quietly (conn);
  if (reply == NULL)
    {
      enlist_registration_return_error (task, g_steal_pointer (&error));
      return;
    }
  query = enlist_xml_node_get_child (reply, "query", ENLIST_NS_DISCO_INFO);
  for (guint i = 0; query != NULL && i < query->children->len; i++)
    {
      const EnlistXmlNode *child = g_ptr_array_index (query->children, i);

      if (enlist_xml_node_is (child, "feature", ENLIST_NS_DISCO_INFO)
          && g_strcmp0 (enlist_xml_node_get_attr (child, "var"), ENLIST_NS_REGISTER) == 0)
        supported = TRUE;
    }
  enlist_registration_return_boolean (task, supported);
}

void
enlist_registration_supported_async (EnlistRegistration  *self,
                                     const char          *username,
                                     const char          *password,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;
  EnlistXmlNode *iq;
  g_autofree char *domain = NULL;

  g_return_if_fail (ENLIST_IS_REGISTRATION (self));
  g_return_if_fail (username != NULL && password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (!self->busy);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_registration_supported_async);
  enlist_registration_begin (self, enlist_registration_connecting_stage (self));
  domain = g_utf8_strdown (self->domain, -1);
  iq = enlist_registration_new_iq ("get", domain);
  enlist_xml_node_add_child (iq, "query", ENLIST_NS_DISCO_INFO);
  session_async (self, username, password, ENLIST_AUTHENTICATE_DEFAULT, iq,
                 ENLIST_REGISTRATION_STAGE_LOGGING_IN, TRUE, cancellable, supported_session_cb,
                 task);
}

gboolean
enlist_registration_supported_finish (EnlistRegistration *self,
                                      GAsyncResult       *result,
                                      gboolean           *supported,
                                      GError            **error)
{
  GError *local_error = NULL;
  gboolean value;

  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  value = g_task_propagate_boolean (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (supported != NULL)
    *supported = value;
  return TRUE;
}
