/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-registration.c: the service behind every front end's sign-up,
 * password change and deletion: it owns the connections, turns server
 * answers into results and errors, renews CAPTCHA forms, recovers from lost
 * connections, and confirms outcomes by logging in rather than by guessing. */
#define G_LOG_DOMAIN "enlist-registration"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "enlist-data-form-private.h"
#include "enlist-error.h"
#include "enlist-registration.h"
#include "enlist-text.h"

#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"

struct _EnlistRegistration
{
  GObject           parent_instance;

  char             *domain;
  char             *host;
  guint16           port;
  gboolean          direct_tls;
  char             *ca_file;
  GPtrArray        *pins;
  guint             timeout_ms;
  gboolean          verify;
  char             *invite_token;

  EnlistDataForm   *form;
  EnlistConnection *conn;   /* the connection form was fetched on */
};

G_DEFINE_FINAL_TYPE (EnlistRegistration, enlist_registration, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DOMAIN,
  PROP_FORM,
  PROP_VERIFY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */

/* ejabberd echoes the submitted query, password included, in its errors. */
static void
xml_node_wipe (EnlistXmlNode *node)
{
  if (node->text != NULL && node->text->len > 0)
    explicit_bzero (node->text->str, node->text->len);
  for (guint i = 0; node->children != NULL && i < node->children->len; i++)
    xml_node_wipe (g_ptr_array_index (node->children, i));
}

static void
xml_node_wipe_free (EnlistXmlNode *node)
{
  if (node == NULL)
    return;
  xml_node_wipe (node);
  enlist_xml_node_free (node);
}

static void
close_quietly (EnlistConnection *conn)
{
  EnlistConnectionState state;

  if (conn == NULL)
    return;
  state = enlist_connection_get_state (conn);
  if (state != ENLIST_CONNECTION_CLOSED && state != ENLIST_CONNECTION_DISCONNECTED
      && state != ENLIST_CONNECTION_CLOSING)
    enlist_connection_close_async (conn, NULL, NULL, NULL);
}

/* Errors after which a request may or may not have reached the server. */
static gboolean
is_connection_loss (const GError *error)
{
  return error->domain == ENLIST_ERROR
         && (error->code == ENLIST_ERROR_CONNECTION_CLOSED
             || error->code == ENLIST_ERROR_STREAM
             || error->code == ENLIST_ERROR_TIMEOUT);
}

static EnlistConnection *
new_connection (EnlistRegistration *self,
                GError            **error)
{
  g_autoptr(EnlistConnection) conn = enlist_connection_new (self->domain);

  if (self->host != NULL)
    enlist_connection_set_endpoint (conn, self->host, self->port, self->direct_tls);
  if (self->ca_file != NULL && !enlist_connection_set_ca_file (conn, self->ca_file, error))
    return NULL;
  for (guint i = 0; i < self->pins->len; i++)
    enlist_connection_add_pinned_fingerprint (conn, g_ptr_array_index (self->pins, i));
  if (self->timeout_ms > 0)
    enlist_connection_set_timeout (conn, self->timeout_ms);
  return g_steal_pointer (&conn);
}

static EnlistXmlNode *
new_iq (const char *type,
        const char *to)
{
  EnlistXmlNode *iq = enlist_xml_node_new ("iq", ENLIST_NS_CLIENT);

  enlist_xml_node_set_attr (iq, "type", type);
  if (to != NULL)
    enlist_xml_node_set_attr (iq, "to", to);
  return iq;
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

/* A stanza error answered to a registration request, with a message for
 * people chosen by condition only; the server's text stays as detail. */
static GError *
registration_error (const GError        *error,
                    const EnlistXmlNode *error_reply,
                    gboolean             captcha)
{
  const char *condition = enlist_error_get_condition (error);
  const char *server_text = enlist_error_get_server_text (error);
  const char *message = NULL;

  if (!g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_STANZA) || condition == NULL)
    return g_error_copy (error);

  if (g_str_equal (condition, "conflict"))
    message = _("This username is already taken. Choose another one.");
  else if (g_str_equal (condition, "jid-malformed"))
    message = _("This username is not valid on this server. Choose another one.");
  else if (g_str_equal (condition, "not-acceptable"))
    message = _("The server did not accept the details entered. Check them and try again.");
  else if (g_str_equal (condition, "not-allowed"))
    message = captcha ? _("The answer to the CAPTCHA was wrong. Answer the new one and try again.")
                      : _("The server does not allow this registration.");
  else if ((g_str_equal (condition, "resource-constraint")
            || g_str_equal (condition, "policy-violation"))
           && g_strcmp0 (error_type (error_reply), "wait") == 0)
    message = _("Too many attempts. Wait a while, then try again.");
  else if (g_str_equal (condition, "policy-violation"))
    message = _("The server's policy does not allow this registration.");
  else if (g_str_equal (condition, "forbidden"))
    message = _("The server refused the registration. The invitation may be invalid or used up.");
  else if (g_str_equal (condition, "feature-not-implemented")
           || g_str_equal (condition, "service-unavailable"))
    message = _("This server does not offer registration.");

  if (message == NULL)
    return g_error_copy (error);
  return enlist_error_new_xmpp (ENLIST_ERROR_STANZA, condition, server_text, "%s", message);
}

/* The data form the server asks for instead, in an error reply: a <query/>
 * with an <x type='form'/> (ejabberd's echo of a submitted form does not count). */
static const EnlistXmlNode *
alternative_form_query (const EnlistXmlNode *error_reply)
{
  const EnlistXmlNode *query, *x;

  if (error_reply == NULL)
    return NULL;
  query = enlist_xml_node_get_child (error_reply, "query", ENLIST_NS_REGISTER);
  if (query == NULL)
    return NULL;
  x = enlist_xml_node_get_child (query, "x", ENLIST_NS_DATA_FORM);
  if (x == NULL || g_strcmp0 (enlist_xml_node_get_attr (x, "type"), "form") != 0)
    return NULL;
  return query;
}

static char *
dup_field_value (EnlistDataForm *form,
                 const char     *var)
{
  EnlistFormField *field = enlist_data_form_lookup_field (form, var);

  return field != NULL ? g_strdup (enlist_form_field_get_value (field)) : NULL;
}

/* Makes form (fetched on conn) the current one. */
static void
install_form (EnlistRegistration *self,
              EnlistDataForm     *form,
              EnlistConnection   *conn)
{
  if (conn != self->conn)
    {
      g_autoptr(EnlistConnection) old = g_steal_pointer (&self->conn);

      close_quietly (old);
      self->conn = conn != NULL ? g_object_ref (conn) : NULL;
    }
  if (g_set_object (&self->form, form))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FORM]);
}

/* ---------------------------------------------------------------------- */
/* Sessions: a connection logged in as someone                             */

typedef struct
{
  EnlistConnection *conn;
  char             *username;
  char             *password;
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
      close_quietly (data->conn);
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
  enlist_connection_authenticate_async (data->conn, data->username, data->password,
                                        g_task_get_cancellable (task), session_auth_cb,
                                        g_object_ref (task));
  /* the connection keeps its own copy while it needs one */
  g_clear_pointer (&data->password, enlist_secret_free);
}

static void
session_async (EnlistRegistration *self,
               const char         *username,
               const char         *password,
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
  g_task_set_task_data (task, data, (GDestroyNotify) session_data_free);

  data->conn = new_connection (self, &error);
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

/* Logs in and out again: TRUE, or the error (ENLIST_ERROR_AUTH_FAILED when
 * the credentials are refused). */
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
  close_quietly (conn);
  g_task_return_boolean (task, TRUE);
}

static void
login_check_async (EnlistRegistration *self,
                   const char         *username,
                   const char         *password,
                   GCancellable       *cancellable,
                   GAsyncReadyCallback callback,
                   gpointer            user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, login_check_async);
  session_async (self, username, password, cancellable, login_check_cb, task);
}

static gboolean
login_check_finish (EnlistRegistration *self,
                    GAsyncResult       *result,
                    GError            **error)
{
  g_assert (g_task_is_valid (result, self));
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* Fetching the form                                                       */

typedef struct
{
  EnlistConnection *conn;
  char             *invite_token;
  guint             waiting;
  GError           *connect_error;
  GError           *iq_error;
  EnlistXmlNode    *reply;
} FetchData;

static void
fetch_data_free (FetchData *data)
{
  g_clear_object (&data->conn);
  g_free (data->invite_token);
  g_clear_error (&data->connect_error);
  g_clear_error (&data->iq_error);
  g_clear_pointer (&data->reply, enlist_xml_node_free);
  g_free (data);
}

static void
fetch_maybe_complete (GTask *task)
{
  FetchData *data = g_task_get_task_data (task);
  const EnlistXmlNode *query;
  EnlistDataForm *form;
  GError *error = NULL;

  if (data->waiting > 0)
    return;

  if (data->connect_error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&data->connect_error));
      return;
    }
  if (!enlist_connection_has_feature (data->conn, "register", ENLIST_NS_REGISTER_FEATURE))
    {
      close_quietly (data->conn);
      g_task_return_new_error (task, ENLIST_ERROR,
                               ENLIST_ERROR_NOT_SUPPORTED, "%s",
                               _("This server does not offer registration."));
      return;
    }
  if (data->iq_error != NULL)
    {
      close_quietly (data->conn);
      g_task_return_error (task, g_steal_pointer (&data->iq_error));
      return;
    }

  query = enlist_xml_node_get_child (data->reply, "query", ENLIST_NS_REGISTER);
  if (query == NULL)
    {
      close_quietly (data->conn);
      g_task_return_new_error (task, ENLIST_ERROR, ENLIST_ERROR_PROTOCOL, "%s",
                               _("The server answered the request for the registration form "
                                 "without a form."));
      return;
    }
  form = enlist_data_form_new_from_register_query (query, &error);
  if (form == NULL)
    {
      close_quietly (data->conn);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, form, g_object_unref);
}

static void
fetch_iq_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FetchData *data = g_task_get_task_data (task);
  EnlistXmlNode *error_reply = NULL;
  g_autoptr(GError) error = NULL;

  data->reply = enlist_connection_send_iq_finish (data->conn, result, &error_reply, &error);
  if (data->reply == NULL)
    {
      data->iq_error = registration_error (error, error_reply, FALSE);
      xml_node_wipe_free (error_reply);
    }
  data->waiting--;
  fetch_maybe_complete (task);
}

static void
fetch_send_get (GTask *task)
{
  FetchData *data = g_task_get_task_data (task);
  EnlistXmlNode *iq = new_iq ("get", NULL);

  enlist_xml_node_add_child (iq, "query", ENLIST_NS_REGISTER);
  enlist_connection_send_iq_async (data->conn, iq, 0, g_task_get_cancellable (task),
                                   fetch_iq_cb, g_object_ref (task));
}

static void
fetch_preauth_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FetchData *data = g_task_get_task_data (task);
  g_autoptr(EnlistXmlNode) reply = NULL;
  EnlistXmlNode *error_reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = enlist_connection_send_iq_finish (data->conn, result, &error_reply, &error);
  if (reply == NULL)
    {
      if (g_strcmp0 (enlist_error_get_condition (error), "forbidden") == 0)
        data->iq_error = enlist_error_new_xmpp (ENLIST_ERROR_STANZA, "forbidden",
                                                enlist_error_get_server_text (error), "%s",
                                                _("The invitation is not valid: it may have "
                                                  "expired or been used already."));
      else
        data->iq_error = registration_error (error, error_reply, FALSE);
      xml_node_wipe_free (error_reply);
      data->waiting--;
      fetch_maybe_complete (task);
      return;
    }
  fetch_send_get (task);
}

static void
fetch_connect_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FetchData *data = g_task_get_task_data (task);

  data->waiting--;
  if (!enlist_connection_connect_finish (data->conn, result, &data->connect_error))
    {
      fetch_maybe_complete (task);
      return;
    }

  /* with an invitation, the form is asked for only now */
  if (data->invite_token != NULL
      && enlist_connection_has_feature (data->conn, "register", ENLIST_NS_REGISTER_FEATURE))
    {
      data->waiting++;
      if (enlist_connection_has_feature (data->conn, "register", ENLIST_NS_IBR_TOKEN)
          || enlist_connection_has_feature (data->conn, "register", ENLIST_NS_INVITE))
        {
          EnlistXmlNode *iq = new_iq ("set", NULL);
          EnlistXmlNode *preauth = enlist_xml_node_add_child (iq, "preauth", ENLIST_NS_PARS);

          enlist_xml_node_set_attr (preauth, "token", data->invite_token);
          enlist_connection_send_iq_async (data->conn, iq, 0, g_task_get_cancellable (task),
                                           fetch_preauth_cb, g_object_ref (task));
        }
      else
        fetch_send_get (task);
    }
  fetch_maybe_complete (task);
}

/* Fetches a form, on the current connection when reuse is set and it is
 * still up, else on a new one; the connection is in the task data. */
static void
fetch_internal_async (EnlistRegistration *self,
                      gboolean            reuse,
                      GCancellable       *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  FetchData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fetch_internal_async);
  data = g_new0 (FetchData, 1);
  data->invite_token = g_strdup (self->invite_token);
  g_task_set_task_data (task, data, (GDestroyNotify) fetch_data_free);

  if (reuse && self->conn != NULL
      && enlist_connection_get_state (self->conn) == ENLIST_CONNECTION_SECURED)
    {
      data->conn = g_object_ref (self->conn);
      data->waiting = 1;
      fetch_send_get (task);
      return;
    }

  data->conn = new_connection (self, &error);
  if (data->conn == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->waiting = 1;
  enlist_connection_connect_async (data->conn, cancellable, fetch_connect_cb, g_object_ref (task));
  if (data->invite_token == NULL)
    {
      /* held by the connection and pipelined right after TLS */
      data->waiting++;
      fetch_send_get (task);
    }
}

static EnlistDataForm *
fetch_internal_finish (EnlistRegistration *self,
                       GAsyncResult       *result,
                       EnlistConnection  **conn,
                       GError            **error)
{
  EnlistDataForm *form;

  g_assert (g_task_is_valid (result, self));
  form = g_task_propagate_pointer (G_TASK (result), error);
  if (form != NULL)
    {
      FetchData *data = g_task_get_task_data (G_TASK (result));

      *conn = g_object_ref (data->conn);
    }
  return form;
}

static void
fetch_form_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistRegistration *self = g_task_get_source_object (task);
  g_autoptr(EnlistConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  EnlistDataForm *form;

  form = fetch_internal_finish (self, result, &conn, &error);
  if (form == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  install_form (self, form, conn);
  g_task_return_pointer (task, form, g_object_unref);
}

void
enlist_registration_fetch_form_async (EnlistRegistration  *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ENLIST_IS_REGISTRATION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_registration_fetch_form_async);
  fetch_internal_async (self, FALSE, cancellable, fetch_form_cb, task);
}

EnlistDataForm *
enlist_registration_fetch_form_finish (EnlistRegistration *self,
                                       GAsyncResult       *result,
                                       GError            **error)
{
  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* Submitting                                                              */

typedef struct
{
  EnlistDataForm   *form;
  EnlistConnection *conn;
  char             *username;
  char             *password;
  char             *domain;
  GError           *error;      /* to return once the form is renewed */
  gboolean          captcha;
  gboolean          resent;     /* already sent again after a lost connection */
  gboolean          verified;
} SubmitData;

static void
submit_data_free (SubmitData *data)
{
  g_clear_object (&data->form);
  g_clear_object (&data->conn);
  g_free (data->username);
  enlist_secret_free (data->password);
  g_free (data->domain);
  g_clear_error (&data->error);
  g_free (data);
}

static void submit_send (GTask *task, EnlistConnection *conn);

static void
submit_return_jid (GTask *task)
{
  SubmitData *data = g_task_get_task_data (task);

  g_task_return_pointer (task, g_strdup_printf ("%s@%s", data->username, data->domain), g_free);
}

static void
submit_verify_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SubmitData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!login_check_finish (ENLIST_REGISTRATION (source), result, &error))
    {
      g_task_return_new_error (task, ENLIST_ERROR,
                               ENLIST_ERROR_OUTCOME_UNKNOWN,
                               _("The server accepted the registration, but logging in with "
                                 "the new account failed: %s"), error->message);
      return;
    }
  data->verified = TRUE;
  submit_return_jid (task);
}

/* Logging in on the stream the registration came over saves a connection;
 * a server that does not take SASL there gets a fresh connection instead,
 * whose verdict is the one that counts. */
static void
submit_same_stream_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistRegistration *self = g_task_get_source_object (task);
  SubmitData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (enlist_connection_authenticate_finish (ENLIST_CONNECTION (source), result, &error))
    {
      const char *bound = enlist_connection_get_jid (ENLIST_CONNECTION (source));
      const char *at = bound != NULL ? strchr (bound, '@') : NULL;

      /* the server's spelling of the new address (it may have normalised
       * the username, e.g. lower-cased it) */
      if (at != NULL && at != bound)
        {
          g_free (data->username);
          data->username = g_strndup (bound, at - bound);
        }
      close_quietly (data->conn);
      data->verified = TRUE;
      submit_return_jid (task);
      return;
    }

  close_quietly (data->conn);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_debug ("logging in on the registration stream failed (%s); trying a fresh connection",
           error->message);
  login_check_async (self, data->username, data->password, g_task_get_cancellable (task),
                     submit_verify_cb, g_object_ref (task));
}

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

  fresh = fetch_internal_finish (self, result, &conn, &error);
  if (fresh == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  same = enlist_data_form_copy_values_from (fresh, data->form, TRUE);
  install_form (self, fresh, conn);
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
    g_task_return_new_error (task, ENLIST_ERROR,
                             ENLIST_ERROR_CAPTCHA_RENEWED, "%s",
                             _("The connection to the server was lost and the CAPTCHA expired. "
                               "Answer the new one and submit again."));
  else
    g_task_return_new_error (task, ENLIST_ERROR,
                             ENLIST_ERROR_FORM_RENEWED, "%s",
                             _("The connection to the server was lost and the server now asks "
                               "for different details. Check the form and submit again."));
}

/* After a failed CAPTCHA: the fresh form replaces the spent one. */
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

  fresh = fetch_internal_finish (self, result, &conn, &error);
  if (fresh != NULL)
    {
      enlist_data_form_copy_values_from (fresh, data->form, TRUE);
      install_form (self, fresh, conn);
    }
  else
    g_debug ("could not renew the form: %s", error->message);
  g_task_return_error (task, g_steal_pointer (&data->error));
}

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

  if (login_check_finish (self, result, &error))
    {
      data->verified = TRUE;
      submit_return_jid (task);
      return;
    }
  if (!g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED))
    {
      g_task_return_new_error (task, ENLIST_ERROR,
                               ENLIST_ERROR_OUTCOME_UNKNOWN,
                               _("The connection was lost before the server answered, and "
                                 "whether the account was created could not be checked: %s"),
                               error->message);
      return;
    }
  if (data->resent)
    {
      g_task_return_error (task, g_steal_pointer (&data->error));
      return;
    }
  fetch_internal_async (self, FALSE, g_task_get_cancellable (task), submit_refetched_cb,
                        g_object_ref (task));
}

static void
submit_iq_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistRegistration *self = g_task_get_source_object (task);
  SubmitData *data = g_task_get_task_data (task);
  g_autoptr(EnlistXmlNode) reply = NULL;
  EnlistXmlNode *error_reply = NULL;
  g_autoptr(GError) error = NULL;
  const EnlistXmlNode *alternative;

  reply = enlist_connection_send_iq_finish (data->conn, result, &error_reply, &error);
  if (reply != NULL)
    {
      /* the connection has served its purpose; a CAPTCHA on it is spent */
      if (self->conn == data->conn)
        g_clear_object (&self->conn);
      if (self->verify && data->username != NULL && data->password != NULL)
        {
          enlist_connection_authenticate_async (data->conn, data->username, data->password,
                                                g_task_get_cancellable (task),
                                                submit_same_stream_cb, g_object_ref (task));
          return;
        }
      close_quietly (data->conn);
      submit_return_jid (task);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (is_connection_loss (error))
    {
      g_clear_error (&data->error);
      data->error = g_steal_pointer (&error);
      if (data->username == NULL || data->password == NULL)
        {
          g_task_return_new_error (task, ENLIST_ERROR,
                                   ENLIST_ERROR_OUTCOME_UNKNOWN,
                                   _("The connection was lost before the server answered: %s"),
                                   data->error->message);
          return;
        }
      login_check_async (self, data->username, data->password, g_task_get_cancellable (task),
                         submit_lost_login_cb, g_object_ref (task));
      return;
    }

  g_clear_error (&data->error);
  data->error = registration_error (error, error_reply, data->captcha);
  alternative = alternative_form_query (error_reply);
  if (alternative != NULL)
    {
      g_autoptr(EnlistDataForm) fresh = enlist_data_form_new_from_register_query (alternative, NULL);

      if (fresh != NULL)
        {
          enlist_data_form_copy_values_from (fresh, data->form, TRUE);
          install_form (self, fresh, data->conn);
          xml_node_wipe_free (error_reply);
          g_task_return_error (task, g_steal_pointer (&data->error));
          return;
        }
    }
  xml_node_wipe_free (error_reply);

  if (data->captcha)
    {
      fetch_internal_async (self, TRUE, g_task_get_cancellable (task), submit_renewed_cb,
                            g_object_ref (task));
      return;
    }
  g_task_return_error (task, g_steal_pointer (&data->error));
}

static void
submit_send (GTask            *task,
             EnlistConnection *conn)
{
  SubmitData *data = g_task_get_task_data (task);
  EnlistXmlNode *iq = new_iq ("set", NULL);

  g_set_object (&data->conn, conn);
  enlist_xml_node_append (iq, enlist_data_form_build_register_query (data->form));
  enlist_connection_send_iq_async (conn, iq, 0, g_task_get_cancellable (task), submit_iq_cb, task);
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
  SubmitData *data;

  g_return_if_fail (ENLIST_IS_REGISTRATION (self));
  g_return_if_fail (ENLIST_IS_DATA_FORM (form));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_registration_submit_async);
  data = g_new0 (SubmitData, 1);
  data->form = g_object_ref (form);
  data->domain = g_strdup (self->domain);
  data->captcha = enlist_data_form_is_captcha (form);
  g_task_set_task_data (task, data, (GDestroyNotify) submit_data_free);

  if (enlist_data_form_is_registered (form))
    {
      g_task_return_new_error (task, ENLIST_ERROR,
                               ENLIST_ERROR_ALREADY_REGISTERED, "%s",
                               _("This account is already registered."));
      return;
    }
  if (enlist_data_form_get_n_fields (form) == 0)
    {
      const char *url = enlist_data_form_get_oob_url (form);

      if (url != NULL)
        g_task_return_new_error (task, ENLIST_ERROR,
                                 ENLIST_ERROR_WEB_ONLY,
                                 _("This server registers accounts only on its web page: %s"), url);
      else
        g_task_return_new_error (task, ENLIST_ERROR,
                                 ENLIST_ERROR_WEB_ONLY, "%s",
                                 _("This server registers accounts only in a way described in "
                                   "its instructions."));
      return;
    }
  if (!enlist_data_form_validate (form, &problems))
    {
      EnlistDataFormProblem *problem = g_ptr_array_index (problems, 0);

      g_task_return_error (task, g_error_copy (problem->error));
      return;
    }

  data->username = dup_field_value (form, "username");
  data->password = dup_field_value (form, "password");

  if (form == self->form && self->conn != NULL
      && enlist_connection_get_state (self->conn) == ENLIST_CONNECTION_SECURED)
    {
      submit_send (g_steal_pointer (&task), self->conn);
      return;
    }

  /* the connection is gone (or the form never had one): start afresh */
  fetch_internal_async (self, FALSE, cancellable, submit_refetched_cb, g_steal_pointer (&task));
}

char *
enlist_registration_submit_finish (EnlistRegistration *self,
                                   GAsyncResult       *result,
                                   gboolean           *verified,
                                   GError            **error)
{
  SubmitData *data;
  char *jid;

  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  data = g_task_get_task_data (G_TASK (result));
  jid = g_task_propagate_pointer (G_TASK (result), error);
  if (verified != NULL)
    *verified = jid != NULL && data->verified;
  return jid;
}

/* ---------------------------------------------------------------------- */
/* Changing the password                                                   */

typedef struct
{
  EnlistConnection *conn;
  char             *username;
  char             *old_password;
  char             *new_password;
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

static void
password_old_login_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccountData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (login_check_finish (ENLIST_REGISTRATION (source), result, &error))
    g_task_return_new_error (task, data->error->domain, data->error->code,
                             _("The connection was lost before the server answered; the "
                               "password was not changed (%s)."), data->error->message);
  else
    g_task_return_new_error (task, ENLIST_ERROR,
                             ENLIST_ERROR_OUTCOME_UNKNOWN,
                             _("The connection was lost before the server answered, and neither "
                               "the new nor the old password could be used to log in: %s"),
                             error->message);
}

static void
password_new_login_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistRegistration *self = ENLIST_REGISTRATION (source);
  AccountData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (login_check_finish (self, result, &error))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  login_check_async (self, data->username, data->old_password, g_task_get_cancellable (task),
                     password_old_login_cb, g_object_ref (task));
}

static void password_send (GTask *task, EnlistXmlNode *query);

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
      close_quietly (data->conn);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (is_connection_loss (error))
    {
      close_quietly (data->conn);
      data->error = g_steal_pointer (&error);
      login_check_async (self, data->username, data->new_password, g_task_get_cancellable (task),
                         password_new_login_cb, g_object_ref (task));
      return;
    }

  /* the server wants a form (say, with the old password) */
  alternative = alternative_form_query (error_reply);
  if (alternative != NULL && !data->form_sent)
    {
      g_autoptr(EnlistDataForm) form = enlist_data_form_new_from_register_query (alternative, NULL);

      if (form != NULL)
        {
          static const char * const vars[] = { "username", "old_password", "password" };
          const char *values[] = { data->username, data->old_password, data->new_password };

          for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
            {
              EnlistFormField *field = enlist_data_form_lookup_field (form, vars[i]);

              if (field != NULL)
                enlist_form_field_set_value (field, values[i]);
            }
          xml_node_wipe_free (error_reply);
          data->form_sent = TRUE;
          password_send (g_steal_pointer (&task), enlist_data_form_build_register_query (form));
          return;
        }
    }
  xml_node_wipe_free (error_reply);
  close_quietly (data->conn);
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
password_send (GTask         *task,
               EnlistXmlNode *query)
{
  AccountData *data = g_task_get_task_data (task);
  EnlistXmlNode *iq = new_iq ("set", NULL);

  enlist_xml_node_append (iq, query);
  enlist_connection_send_iq_async (data->conn, iq, 0, g_task_get_cancellable (task),
                                   password_iq_cb, task);
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
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  query = enlist_xml_node_new ("query", ENLIST_NS_REGISTER);
  enlist_xml_node_set_text (enlist_xml_node_add_child (query, "username", NULL), data->username);
  enlist_xml_node_set_text (enlist_xml_node_add_child (query, "password", NULL),
                            data->new_password);
  password_send (g_steal_pointer (&task), query);
}

void
enlist_registration_change_password_async (EnlistRegistration  *self,
                                           const char          *username,
                                           const char          *old_password,
                                           const char          *new_password,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ENLIST_IS_REGISTRATION (self));
  g_return_if_fail (username != NULL && old_password != NULL && new_password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_registration_change_password_async);
  g_task_set_task_data (task, account_data_new (username, old_password, new_password),
                        (GDestroyNotify) account_data_free);
  session_async (self, username, old_password, cancellable, password_session_cb, task);
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

  if (login_check_finish (ENLIST_REGISTRATION (source), result, &error))
    {
      if (data->error != NULL)
        g_task_return_error (task, g_steal_pointer (&data->error));
      else
        g_task_return_new_error (task, ENLIST_ERROR, ENLIST_ERROR_FAILED, "%s",
                                 _("The server said it deleted the account, but the account "
                                   "still accepts its password."));
      return;
    }
  if (g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_task_return_new_error (task, ENLIST_ERROR,
                           ENLIST_ERROR_OUTCOME_UNKNOWN,
                           _("Whether the account was deleted could not be checked: %s"),
                           error->message);
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
  xml_node_wipe_free (error_reply);
  close_quietly (data->conn);

  if (reply == NULL)
    {
      const char *condition = enlist_error_get_condition (error);

      /* Prosody ends the stream with not-authorized, ejabberd with conflict,
       * possibly before the result is read */
      if (g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_STREAM)
          && (g_strcmp0 (condition, "not-authorized") == 0 || g_strcmp0 (condition, "conflict") == 0))
        g_debug ("the stream ended with %s after the removal request", condition);
      else if (is_connection_loss (error))
        data->error = g_steal_pointer (&error);
      else
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  login_check_async (self, data->username, data->old_password, g_task_get_cancellable (task),
                     delete_confirm_cb, g_object_ref (task));
}

static void
delete_session_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccountData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  EnlistXmlNode *iq;

  data->conn = session_finish (ENLIST_REGISTRATION (source), result, &error);
  if (data->conn == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  iq = new_iq ("set", NULL);
  enlist_xml_node_add_child (enlist_xml_node_add_child (iq, "query", ENLIST_NS_REGISTER),
                             "remove", NULL);
  enlist_connection_send_iq_async (data->conn, iq, 0, g_task_get_cancellable (task),
                                   delete_iq_cb, g_object_ref (task));
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

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_registration_delete_account_async);
  g_task_set_task_data (task, account_data_new (username, password, NULL),
                        (GDestroyNotify) account_data_free);
  session_async (self, username, password, cancellable, delete_session_cb, task);
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
  close_quietly (data->conn);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  query = enlist_xml_node_get_child (reply, "query", NS_DISCO_INFO);
  for (guint i = 0; query != NULL && i < query->children->len; i++)
    {
      const EnlistXmlNode *child = g_ptr_array_index (query->children, i);

      if (enlist_xml_node_is (child, "feature", NS_DISCO_INFO)
          && g_strcmp0 (enlist_xml_node_get_attr (child, "var"), ENLIST_NS_REGISTER) == 0)
        supported = TRUE;
    }
  g_task_return_int (task, supported);
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
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  iq = new_iq ("get", enlist_connection_get_domain (data->conn));
  enlist_xml_node_add_child (iq, "query", NS_DISCO_INFO);
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

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_registration_supported_async);
  g_task_set_task_data (task, account_data_new (username, NULL, NULL),
                        (GDestroyNotify) account_data_free);
  session_async (self, username, password, cancellable, supported_session_cb, task);
}

gboolean
enlist_registration_supported_finish (EnlistRegistration *self,
                                      GAsyncResult       *result,
                                      gboolean           *supported,
                                      GError            **error)
{
  gssize value;

  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  value = g_task_propagate_int (G_TASK (result), error);
  if (supported != NULL)
    *supported = value > 0;
  return value >= 0;
}

/* ---------------------------------------------------------------------- */
/* Settings                                                                */

EnlistRegistration *
enlist_registration_new (const char *domain)
{
  g_return_val_if_fail (domain != NULL && *domain != '\0', NULL);

  return g_object_new (ENLIST_TYPE_REGISTRATION, "domain", domain, NULL);
}

const char *
enlist_registration_get_domain (EnlistRegistration *self)
{
  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), NULL);
  return self->domain;
}

EnlistDataForm *
enlist_registration_get_form (EnlistRegistration *self)
{
  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), NULL);
  return self->form;
}

gboolean
enlist_registration_get_verify (EnlistRegistration *self)
{
  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), FALSE);
  return self->verify;
}

void
enlist_registration_set_verify (EnlistRegistration *self,
                                gboolean            verify)
{
  g_return_if_fail (ENLIST_IS_REGISTRATION (self));

  verify = !!verify;
  if (self->verify == verify)
    return;
  self->verify = verify;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERIFY]);
}

void
enlist_registration_set_endpoint (EnlistRegistration *self,
                                  const char         *host,
                                  guint16             port,
                                  gboolean            direct_tls)
{
  g_return_if_fail (ENLIST_IS_REGISTRATION (self));

  g_free (self->host);
  self->host = g_strdup (host);
  self->port = port;
  self->direct_tls = direct_tls;
}

gboolean
enlist_registration_set_ca_file (EnlistRegistration *self,
                                 const char         *path,
                                 GError            **error)
{
  g_autoptr(EnlistConnection) probe = NULL;

  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), FALSE);

  /* checked now, so that every later operation can use it */
  if (path != NULL)
    {
      probe = enlist_connection_new (self->domain);
      if (!enlist_connection_set_ca_file (probe, path, error))
        return FALSE;
    }
  g_free (self->ca_file);
  self->ca_file = g_strdup (path);
  return TRUE;
}

void
enlist_registration_add_pinned_fingerprint (EnlistRegistration *self,
                                            const char         *fingerprint)
{
  g_return_if_fail (ENLIST_IS_REGISTRATION (self));
  g_return_if_fail (fingerprint != NULL);

  g_ptr_array_add (self->pins, g_strdup (fingerprint));
}

void
enlist_registration_set_timeout (EnlistRegistration *self,
                                 guint               timeout_ms)
{
  g_return_if_fail (ENLIST_IS_REGISTRATION (self));
  self->timeout_ms = timeout_ms;
}

static gboolean
invalid_invite (GError    **error,
                const char *why)
{
  g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_INVITE,
               _("This is not an invitation to create an account: %s"), why);
  return FALSE;
}

gboolean
enlist_registration_set_invite (EnlistRegistration *self,
                                const char         *uri,
                                GError            **error)
{
  g_autofree char *path = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *token = NULL;
  g_auto(GStrv) params = NULL;
  const char *query;

  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), FALSE);

  if (uri == NULL)
    {
      g_clear_pointer (&self->invite_token, enlist_secret_free);
      return TRUE;
    }

  if (g_ascii_strncasecmp (uri, "xmpp:", 5) != 0)
    return invalid_invite (error, _("it is not an xmpp: link."));
  uri += 5;
  query = strchr (uri, '?');
  if (query == NULL)
    return invalid_invite (error, _("it has no action."));
  path = g_strndup (uri, query - uri);
  domain = g_uri_unescape_string (path, NULL);
  if (domain == NULL || *domain == '\0' || g_str_has_prefix (path, "//")
      || strpbrk (domain, "@/ ") != NULL)
    return invalid_invite (error, _("it does not name a server."));

  params = g_strsplit (query + 1, ";", -1);
  if (params[0] == NULL || g_strcmp0 (params[0], "register") != 0)
    return invalid_invite (error, _("its action is not “register”."));
  for (guint i = 1; params[i] != NULL; i++)
    if (g_str_has_prefix (params[i], "preauth="))
      {
        g_free (token);
        token = g_uri_unescape_string (params[i] + strlen ("preauth="), NULL);
      }
  if (token == NULL || *token == '\0')
    return invalid_invite (error, _("it carries no invitation token."));

  g_clear_pointer (&self->invite_token, enlist_secret_free);
  self->invite_token = g_steal_pointer (&token);
  if (g_strcmp0 (self->domain, domain) != 0)
    {
      g_free (self->domain);
      self->domain = g_steal_pointer (&domain);
      install_form (self, NULL, NULL);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOMAIN]);
    }
  return TRUE;
}

const char *
enlist_registration_get_invite_token (EnlistRegistration *self)
{
  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), NULL);
  return self->invite_token;
}

EnlistConnection *
enlist_registration_get_connection (EnlistRegistration *self)
{
  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), NULL);
  return self->conn;
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                 */

static void
enlist_registration_dispose (GObject *object)
{
  EnlistRegistration *self = ENLIST_REGISTRATION (object);

  close_quietly (self->conn);
  g_clear_object (&self->conn);
  g_clear_object (&self->form);

  G_OBJECT_CLASS (enlist_registration_parent_class)->dispose (object);
}

static void
enlist_registration_finalize (GObject *object)
{
  EnlistRegistration *self = ENLIST_REGISTRATION (object);

  g_free (self->domain);
  g_free (self->host);
  g_free (self->ca_file);
  g_ptr_array_unref (self->pins);
  g_clear_pointer (&self->invite_token, enlist_secret_free);

  G_OBJECT_CLASS (enlist_registration_parent_class)->finalize (object);
}

static void
enlist_registration_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  EnlistRegistration *self = ENLIST_REGISTRATION (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      g_value_set_string (value, self->domain);
      break;
    case PROP_FORM:
      g_value_set_object (value, self->form);
      break;
    case PROP_VERIFY:
      g_value_set_boolean (value, self->verify);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_registration_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  EnlistRegistration *self = ENLIST_REGISTRATION (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      g_free (self->domain);
      self->domain = g_value_dup_string (value);
      break;
    case PROP_VERIFY:
      enlist_registration_set_verify (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_registration_class_init (EnlistRegistrationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = enlist_registration_dispose;
  object_class->finalize = enlist_registration_finalize;
  object_class->get_property = enlist_registration_get_property;
  object_class->set_property = enlist_registration_set_property;

  properties[PROP_DOMAIN] =
    g_param_spec_string ("domain", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY
                         | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FORM] =
    g_param_spec_object ("form", NULL, NULL, ENLIST_TYPE_DATA_FORM,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_VERIFY] =
    g_param_spec_boolean ("verify", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
enlist_registration_init (EnlistRegistration *self)
{
  self->verify = TRUE;
  self->pins = g_ptr_array_new_with_free_func (g_free);
}
