/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-registration-account.c: what the service does with an existing
 * account: log in (for people, and to settle what an unanswered request
 * did), change its password, delete it, and ask whether the server lists
 * registration at all. A request that changes the account runs to its end
 * once sent, and its outcome is confirmed by logging in, never guessed. */
#define G_LOG_DOMAIN "enlist-registration"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-error.h"
#include "enlist-jid.h"
#include "enlist-registration-private.h"
#include "enlist-server-info-private.h"
#include "enlist-text.h"

/* ---------------------------------------------------------------------- */
/* Sessions: a connection logged in as someone                             */

typedef struct
{
  EnlistConnection *conn;
  char             *username;
  char             *password;
  gboolean          show_steps;
} SessionData;

static void
session_data_free (SessionData *data)
{
  g_clear_object (&data->conn);
  g_free (data->username);
  enlist_secret_free (data->password);
  g_free (data);
}

static void
session_auth_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SessionData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!enlist_connection_authenticate_finish (data->conn, result, &error))
    {
      enlist_registration_close_quietly (data->conn);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_object_ref (data->conn), g_object_unref);
}

static void
session_connect_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SessionData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!enlist_connection_connect_finish (data->conn, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (data->show_steps)
    enlist_registration_set_stage (g_task_get_source_object (task),
                                   ENLIST_REGISTRATION_STAGE_LOGGING_IN);
  enlist_connection_authenticate_async (data->conn, data->username, data->password,
                                        g_task_get_cancellable (task), session_auth_cb,
                                        g_object_ref (task));
  /* the connection keeps its own copy while it needs one */
  g_clear_pointer (&data->password, enlist_secret_free);
}

/* A new connection, logged in as username; with show_steps its progress
 * is the stage. finish gives the connection. */
static void
session_async (EnlistRegistration *self,
               const char         *username,
               const char         *password,
               gboolean            show_steps,
               GCancellable       *cancellable,
               GAsyncReadyCallback callback,
               gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  SessionData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, session_async);
  data = g_new0 (SessionData, 1);
  data->username = g_strdup (username);
  data->password = g_strdup (password);
  data->show_steps = show_steps;
  g_task_set_task_data (task, data, (GDestroyNotify) session_data_free);

  data->conn = enlist_registration_new_connection (self, show_steps, &error);
  if (data->conn == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  enlist_connection_connect_async (data->conn, cancellable, session_connect_cb,
                                   g_steal_pointer (&task));
}

static EnlistConnection *
session_finish (EnlistRegistration *self,
                GAsyncResult       *result,
                GError            **error)
{
  g_assert (g_task_is_valid (result, self));
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
login_check_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(EnlistConnection) conn = NULL;
  g_autoptr(GError) error = NULL;

  conn = session_finish (ENLIST_REGISTRATION (source), result, &error);
  if (conn == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  enlist_registration_close_quietly (conn);
  g_task_return_pointer (task, g_strdup (enlist_connection_get_jid (conn)), g_free);
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

  g_task_set_source_tag (task, enlist_registration_login_check_async);
  session_async (self, username, password, FALSE, cancellable, login_check_cb, task);
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
login_closed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  enlist_connection_close_finish (ENLIST_CONNECTION (source), result, NULL);
  enlist_registration_return_pointer (task, g_object_ref (g_task_get_task_data (task)),
                                      g_object_unref);
}

static void
login_session_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistRegistration *self = ENLIST_REGISTRATION (source);
  g_autoptr(EnlistConnection) conn = NULL;
  g_autoptr(GError) error = NULL;

  conn = session_finish (self, result, &error);
  if (conn == NULL)
    {
      enlist_registration_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_set_task_data (task, enlist_server_info_new_from_connection (conn), g_object_unref);
  enlist_registration_set_stage (self, ENLIST_REGISTRATION_STAGE_CLOSING);
  enlist_connection_close_async (conn, NULL, login_closed_cb, g_steal_pointer (&task));
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
  session_async (self, username, password, TRUE, cancellable, login_session_cb, task);
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
} AccountData;

static void
account_data_free (AccountData *data)
{
  g_clear_object (&data->conn);
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

static void
password_iq_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistRegistration *self = g_task_get_source_object (task);
  AccountData *data = g_task_get_task_data (task);
  g_autoptr(EnlistXmlNode) reply = NULL;
  EnlistXmlNode *error_reply = NULL;
  g_autoptr(GError) error = NULL;
  const EnlistXmlNode *alternative;

  reply = enlist_connection_send_iq_finish (data->conn, result, &error_reply, &error);
  if (reply != NULL)
    {
      enlist_registration_close_quietly (data->conn);
      enlist_registration_return_boolean (task, TRUE);
      return;
    }

  if (enlist_registration_is_connection_loss (error))
    {
      enlist_registration_wipe_free_node (error_reply);
      enlist_registration_close_quietly (data->conn);
      data->error = g_steal_pointer (&error);
      enlist_registration_set_stage (self, ENLIST_REGISTRATION_STAGE_CHECKING_OUTCOME);
      enlist_registration_login_check_async (self, data->username, data->new_password, NULL,
                                             password_new_login_cb, g_object_ref (task));
      return;
    }

  alternative = enlist_registration_alternative_form_query (error_reply);
  if (alternative != NULL)
    {
      password_form_asked (task, alternative, error);
      enlist_registration_wipe_free_node (error_reply);
      return;
    }
  enlist_registration_wipe_free_node (error_reply);
  enlist_registration_close_quietly (data->conn);
  enlist_registration_return_error (task, g_steal_pointer (&error));
}

static void
password_send (GTask         *task,
               EnlistXmlNode *query)
{
  EnlistRegistration *self = g_task_get_source_object (task);
  AccountData *data = g_task_get_task_data (task);
  EnlistXmlNode *iq = enlist_registration_new_iq ("set", NULL);

  /* from here on the server may act on it: see it through */
  g_task_set_check_cancellable (task, FALSE);
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
  EnlistXmlNode *query;

  data->conn = session_finish (ENLIST_REGISTRATION (source), result, &error);
  if (data->conn == NULL)
    {
      enlist_registration_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      enlist_registration_close_quietly (data->conn);
      enlist_registration_return_error (task,
                                        g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                                                     _("The password change was cancelled before "
                                                       "it was sent.")));
      return;
    }

  /* the name as the server bound it: ejabberd wants its nodeprep'd form
   * in <username/> ("Alice" logs in, and is bound, as "alice") */
  {
    const char *bound = enlist_connection_get_jid (data->conn);
    g_autofree char *bound_local = NULL;

    if (bound != NULL && enlist_jid_parse (bound, &bound_local, NULL, NULL, NULL)
        && bound_local != NULL && !g_str_equal (bound_local, data->username))
      {
        g_free (data->username);
        data->username = g_steal_pointer (&bound_local);
      }
  }

  if (data->form != NULL)
    {
      /* the caller filled in the server's form: send it as it is */
      data->form_sent = TRUE;
      fill_own_fields (data, data->form);
      query = enlist_data_form_build_register_query (data->form);
      clear_own_secrets (data->form);
    }
  else
    {
      query = enlist_xml_node_new ("query", ENLIST_NS_REGISTER);
      enlist_xml_node_set_text (enlist_xml_node_add_child (query, "username", NULL),
                                data->username);
      enlist_xml_node_set_text (enlist_xml_node_add_child (query, "password", NULL),
                                data->new_password);
    }
  password_send (g_steal_pointer (&task), query);
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
  session_async (self, username, old_password, TRUE, cancellable, password_session_cb, task);
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

static void
delete_confirm_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccountData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;

  jid = enlist_registration_login_check_finish (ENLIST_REGISTRATION (source), result, &error);
  if (jid != NULL)
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
delete_iq_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistRegistration *self = g_task_get_source_object (task);
  AccountData *data = g_task_get_task_data (task);
  g_autoptr(EnlistXmlNode) reply = NULL;
  EnlistXmlNode *error_reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = enlist_connection_send_iq_finish (data->conn, result, &error_reply, &error);
  enlist_registration_wipe_free_node (error_reply);
  enlist_registration_close_quietly (data->conn);

  if (reply == NULL)
    {
      const char *condition = enlist_error_get_condition (error);

      /* Prosody ends the stream with not-authorized, ejabberd with conflict,
       * possibly before the result is read */
      if (g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_STREAM)
          && (g_strcmp0 (condition, "not-authorized") == 0 || g_strcmp0 (condition, "conflict") == 0))
        g_debug ("the stream ended with %s after the removal request", condition);
      else if (enlist_registration_is_connection_loss (error))
        data->error = g_steal_pointer (&error);
      else
        {
          enlist_registration_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  enlist_registration_set_stage (self, ENLIST_REGISTRATION_STAGE_CHECKING_OUTCOME);
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
  EnlistXmlNode *iq;

  data->conn = session_finish (self, result, &error);
  if (data->conn == NULL)
    {
      enlist_registration_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      enlist_registration_close_quietly (data->conn);
      enlist_registration_return_error (task,
                                        g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                                                     _("Deleting the account was cancelled before "
                                                       "the request was sent.")));
      return;
    }

  /* from here on the server may act on it: see it through */
  g_task_set_check_cancellable (task, FALSE);
  enlist_registration_set_stage (self, ENLIST_REGISTRATION_STAGE_DELETING);
  iq = enlist_registration_new_iq ("set", NULL);
  enlist_xml_node_add_child (enlist_xml_node_add_child (iq, "query", ENLIST_NS_REGISTER),
                             "remove", NULL);
  enlist_connection_send_iq_async (data->conn, iq, 0, NULL, delete_iq_cb, g_steal_pointer (&task));
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

  g_return_if_fail (ENLIST_IS_REGISTRATION (self));
  g_return_if_fail (username != NULL && password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (!self->busy);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_registration_delete_account_async);
  g_task_set_task_data (task, account_data_new (username, password, NULL),
                        (GDestroyNotify) account_data_free);
  enlist_registration_begin (self, enlist_registration_connecting_stage (self));
  session_async (self, username, password, TRUE, cancellable, delete_session_cb, task);
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
supported_iq_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccountData *data = g_task_get_task_data (task);
  g_autoptr(EnlistXmlNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  const EnlistXmlNode *query;
  gboolean supported = FALSE;

  reply = enlist_connection_send_iq_finish (data->conn, result, NULL, &error);
  enlist_registration_close_quietly (data->conn);
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

static void
supported_session_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistRegistration *self = ENLIST_REGISTRATION (source);
  AccountData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  EnlistXmlNode *iq;

  data->conn = session_finish (self, result, &error);
  if (data->conn == NULL)
    {
      enlist_registration_return_error (task, g_steal_pointer (&error));
      return;
    }
  iq = enlist_registration_new_iq ("get", enlist_connection_get_domain (data->conn));
  enlist_xml_node_add_child (iq, "query", ENLIST_NS_DISCO_INFO);
  enlist_connection_send_iq_async (data->conn, iq, 0, g_task_get_cancellable (task),
                                   supported_iq_cb, g_object_ref (task));
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

  g_return_if_fail (ENLIST_IS_REGISTRATION (self));
  g_return_if_fail (username != NULL && password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (!self->busy);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_registration_supported_async);
  g_task_set_task_data (task, account_data_new (username, NULL, NULL),
                        (GDestroyNotify) account_data_free);
  enlist_registration_begin (self, enlist_registration_connecting_stage (self));
  session_async (self, username, password, TRUE, cancellable, supported_session_cb, task);
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
