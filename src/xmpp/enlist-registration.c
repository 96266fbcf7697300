/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-registration.c: the service behind every front end's sign-up,
 * password change and deletion. This part holds the object (settings, the
 * stage and busy state of the one operation at a time), the helpers the
 * other parts share, fetching the form and closing the connection kept for
 * submission. Probing and CAPTCHA images are in enlist-registration-probe.c,
 * submitting in enlist-registration-submit.c, the operations on an existing
 * account in enlist-registration-account.c. */
#define G_LOG_DOMAIN "enlist-registration"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "enlist-connection-private.h"
#include "enlist-data-form-private.h"
#include "enlist-error.h"
#include "enlist-invite.h"
#include "enlist-registration-private.h"
#include "enlist-text.h"

G_DEFINE_FINAL_TYPE (EnlistRegistration, enlist_registration, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DOMAIN,
  PROP_FORM,
  PROP_VERIFY,
  PROP_STAGE,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---------------------------------------------------------------------- */
/* Stage and busy                                                          */

const char *
enlist_registration_stage_describe (EnlistRegistrationStage stage)
{
  switch (stage)
    {
    case ENLIST_REGISTRATION_STAGE_LOOKING_UP: return _("Looking up server…");
    case ENLIST_REGISTRATION_STAGE_CONNECTING: return _("Connecting…");
    case ENLIST_REGISTRATION_STAGE_SECURING: return _("Securing connection…");
    case ENLIST_REGISTRATION_STAGE_REDEEMING_INVITE: return _("Redeeming invitation…");
    case ENLIST_REGISTRATION_STAGE_REQUESTING_FORM: return _("Requesting form…");
    case ENLIST_REGISTRATION_STAGE_LOADING_CAPTCHA: return _("Loading CAPTCHA…");
    case ENLIST_REGISTRATION_STAGE_SUBMITTING: return _("Creating account…");
    case ENLIST_REGISTRATION_STAGE_VERIFYING: return _("Checking the new account…");
    case ENLIST_REGISTRATION_STAGE_LOGGING_IN: return _("Logging in…");
    case ENLIST_REGISTRATION_STAGE_CHANGING_PASSWORD: return _("Changing password…");
    case ENLIST_REGISTRATION_STAGE_DELETING: return _("Deleting account…");
    case ENLIST_REGISTRATION_STAGE_CHECKING_OUTCOME: return _("Checking what the server did…");
    case ENLIST_REGISTRATION_STAGE_CLOSING: return _("Closing connection…");
    case ENLIST_REGISTRATION_STAGE_IDLE:
    default: return NULL;
    }
}

void
enlist_registration_set_stage (EnlistRegistration      *self,
                               EnlistRegistrationStage  stage)
{
  g_assert (ENLIST_IS_REGISTRATION (self));

  if (self->stage == stage)
    return;
  self->stage = stage;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAGE]);
}

void
enlist_registration_begin (EnlistRegistration      *self,
                           EnlistRegistrationStage  stage)
{
  g_assert (!self->busy);

  self->busy = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  enlist_registration_set_stage (self, stage);
}

/* Before the result reaches the caller, whose callback may start the next
 * operation. */
static void
end_operation (GTask *task)
{
  EnlistRegistration *self = g_task_get_source_object (task);

  g_assert (self->busy);
  enlist_registration_set_stage (self, ENLIST_REGISTRATION_STAGE_IDLE);
  self->busy = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

void
enlist_registration_return_error (GTask  *task,
                                  GError *error)
{
  end_operation (task);
  g_task_return_error (task, error);
}

void
enlist_registration_return_pointer (GTask          *task,
                                    gpointer        result,
                                    GDestroyNotify  destroy)
{
  end_operation (task);
  g_task_return_pointer (task, result, destroy);
}

void
enlist_registration_return_boolean (GTask    *task,
                                    gboolean  result)
{
  end_operation (task);
  g_task_return_boolean (task, result);
}

EnlistRegistrationStage
enlist_registration_connecting_stage (EnlistRegistration *self)
{
  return self->host != NULL ? ENLIST_REGISTRATION_STAGE_CONNECTING
                            : ENLIST_REGISTRATION_STAGE_LOOKING_UP;
}

/* ---------------------------------------------------------------------- */
/* Helpers shared by the parts                                             */

static void
wipe_node (EnlistXmlNode *node)
{
  if (node->text != NULL && node->text->len > 0)
    explicit_bzero (node->text->str, node->text->len);
  for (guint i = 0; node->children != NULL && i < node->children->len; i++)
    wipe_node (g_ptr_array_index (node->children, i));
}

void
enlist_registration_wipe_free_node (EnlistXmlNode *node)
{
  if (node == NULL)
    return;
  wipe_node (node);
  enlist_xml_node_free (node);
}

void
enlist_registration_close_quietly (EnlistConnection *conn)
{
  EnlistConnectionState state;

  if (conn == NULL)
    return;
  state = enlist_connection_get_state (conn);
  if (state != ENLIST_CONNECTION_CLOSED && state != ENLIST_CONNECTION_DISCONNECTED
      && state != ENLIST_CONNECTION_CLOSING)
    enlist_connection_close_async (conn, NULL, NULL, NULL);
}

gboolean
enlist_registration_name_is_prepared (const char *username)
{
  if (username == NULL || *username == '\0')
    return FALSE;
  for (const char *p = username; *p != '\0'; p++)
    if ((guchar) *p >= 0x80 || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

gboolean
enlist_registration_takes_invitations (EnlistConnection *conn)
{
  return enlist_connection_has_feature (conn, "register", ENLIST_NS_IBR_TOKEN)
         || enlist_connection_has_feature (conn, "register", ENLIST_NS_INVITE);
}

gboolean
enlist_registration_is_connection_loss (const GError *error)
{
  return error->domain == ENLIST_ERROR
         && (error->code == ENLIST_ERROR_CONNECTION_CLOSED
             || error->code == ENLIST_ERROR_STREAM
             || error->code == ENLIST_ERROR_TIMEOUT);
}

static void
connection_step_cb (EnlistConnection   *conn,
                    guint               step,
                    EnlistRegistration *self)
{
  if (!self->busy)
    return;
  switch ((EnlistConnectionStep) step)
    {
    case ENLIST_CONNECTION_STEP_LOOKING_UP:
      enlist_registration_set_stage (self, ENLIST_REGISTRATION_STAGE_LOOKING_UP);
      break;
    case ENLIST_CONNECTION_STEP_CONNECTING:
      enlist_registration_set_stage (self, ENLIST_REGISTRATION_STAGE_CONNECTING);
      break;
    case ENLIST_CONNECTION_STEP_SENDING_HELD:
      /* the operation that held them names the stage */
      break;
    case ENLIST_CONNECTION_STEP_SECURING:
    default:
      enlist_registration_set_stage (self, ENLIST_REGISTRATION_STAGE_SECURING);
      break;
    }
}

EnlistConnection *
enlist_registration_new_connection (EnlistRegistration  *self,
                                    gboolean             show_steps,
                                    GError             **error)
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
  enlist_connection_set_pipelining (conn, self->pipelining);
  if (show_steps)
    g_signal_connect_object (conn, "step", G_CALLBACK (connection_step_cb), self, 0);
  return g_steal_pointer (&conn);
}

EnlistXmlNode *
enlist_registration_new_iq (const char *type,
                            const char *to)
{
  EnlistXmlNode *iq = enlist_xml_node_new ("iq", ENLIST_NS_CLIENT);

  enlist_xml_node_set_attr (iq, "type", type);
  if (to != NULL)
    enlist_xml_node_set_attr (iq, "to", to);
  return iq;
}

void
enlist_registration_install_form (EnlistRegistration *self,
                                  EnlistDataForm     *form,
                                  EnlistConnection   *conn)
{
  if (conn != self->conn)
    {
      g_autoptr(EnlistConnection) old = g_steal_pointer (&self->conn);

      enlist_registration_close_quietly (old);
      self->conn = conn != NULL ? g_object_ref (conn) : NULL;
    }
  if (g_set_object (&self->form, form))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FORM]);
}

/* ---------------------------------------------------------------------- */
/* Fetching the form                                                       */

typedef struct
{
  EnlistConnection *conn;
  char             *invite_token;
  char             *invite_username;
  guint             waiting;
  GError           *connect_error;
  GError           *iq_error;
  EnlistXmlNode    *reply;
} FetchData;

static void
fetch_data_free (FetchData *data)
{
  g_clear_object (&data->conn);
  enlist_secret_free (data->invite_token);
  g_free (data->invite_username);
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
  EnlistFormField *username;
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
      enlist_registration_close_quietly (data->conn);
      /* the pipelined request's refusal says the same, with its detail */
      if (g_error_matches (data->iq_error, ENLIST_ERROR, ENLIST_ERROR_NOT_SUPPORTED))
        {
          g_task_return_error (task, g_steal_pointer (&data->iq_error));
          return;
        }
      g_task_return_new_error (task, ENLIST_ERROR, ENLIST_ERROR_NOT_SUPPORTED, "%s",
                               _("This server does not offer registration."));
      return;
    }
  if (data->iq_error != NULL)
    {
      enlist_registration_close_quietly (data->conn);
      g_task_return_error (task, g_steal_pointer (&data->iq_error));
      return;
    }

  query = enlist_xml_node_get_child (data->reply, "query", ENLIST_NS_REGISTER);
  if (query == NULL)
    {
      enlist_registration_close_quietly (data->conn);
      g_task_return_new_error (task, ENLIST_ERROR, ENLIST_ERROR_PROTOCOL, "%s",
                               _("The server answered the request for the registration form "
                                 "without a form."));
      return;
    }
  form = enlist_data_form_new_from_register_query (query, &error);
  if (form == NULL)
    {
      enlist_registration_close_quietly (data->conn);
      g_task_return_error (task, error);
      return;
    }

  /* an invitation for a name the inviter chose */
  username = enlist_registration_username_field (form);
  if (data->invite_username != NULL && username != NULL
      && enlist_form_field_get_value (username) == NULL)
    enlist_form_field_set_value (username, data->invite_username);
  g_task_return_pointer (task, form, g_object_unref);
}

/* The refusal of the form request. XEP-0077 §3.1: a server that does not
 * take registrations answers it with service-unavailable; Openfire does so
 * when registration is switched off, and its older releases advertised the
 * stream feature all the same, so the answer is what tells. That is
 * NOT_SUPPORTED, as a missing feature is, with the server's condition and
 * text kept as detail. */
static GError *
fetch_refusal (const GError        *error,
               const EnlistXmlNode *error_reply)
{
  const char *condition = enlist_error_get_condition (error);

  if (g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_STANZA)
      && (g_strcmp0 (condition, "service-unavailable") == 0
          || g_strcmp0 (condition, "feature-not-implemented") == 0))
    return enlist_error_new_xmpp (ENLIST_ERROR_NOT_SUPPORTED, condition,
                                  enlist_error_get_server_text (error), "%s",
                                  _("This server does not offer registration."));
  return enlist_registration_error (error, error_reply, NULL, FALSE);
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
      data->iq_error = fetch_refusal (error, error_reply);
      enlist_registration_wipe_free_node (error_reply);
    }
  data->waiting--;
  fetch_maybe_complete (task);
}

static void
fetch_send_get (GTask *task)
{
  FetchData *data = g_task_get_task_data (task);
  EnlistXmlNode *iq = enlist_registration_new_iq ("get", NULL);

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
        data->iq_error = enlist_registration_error (error, error_reply, NULL, FALSE);
      enlist_registration_wipe_free_node (error_reply);
      data->waiting--;
      fetch_maybe_complete (task);
      return;
    }
  enlist_registration_set_stage (g_task_get_source_object (task),
                                 ENLIST_REGISTRATION_STAGE_REQUESTING_FORM);
  fetch_send_get (task);
}

static void
fetch_connect_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistRegistration *self = g_task_get_source_object (task);
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
      if (enlist_registration_takes_invitations (data->conn))
        {
          EnlistXmlNode *iq = enlist_registration_new_iq ("set", NULL);
          EnlistXmlNode *preauth = enlist_xml_node_add_child (iq, "preauth", ENLIST_NS_PARS);

          enlist_xml_node_set_attr (preauth, "token", data->invite_token);
          enlist_registration_set_stage (self, ENLIST_REGISTRATION_STAGE_REDEEMING_INVITE);
          enlist_connection_send_iq_async (data->conn, iq, 0, g_task_get_cancellable (task),
                                           fetch_preauth_cb, g_object_ref (task));
        }
      else
        {
          enlist_registration_set_stage (self, ENLIST_REGISTRATION_STAGE_REQUESTING_FORM);
          fetch_send_get (task);
        }
    }
  else if (data->waiting > 0)
    enlist_registration_set_stage (self, ENLIST_REGISTRATION_STAGE_REQUESTING_FORM);
  fetch_maybe_complete (task);
}

void
enlist_registration_fetch_internal_async (EnlistRegistration  *self,
                                          gboolean             reuse,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  FetchData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_registration_fetch_internal_async);
  data = g_new0 (FetchData, 1);
  data->invite_token = g_strdup (self->invite_token);
  data->invite_username = g_strdup (self->invite_username);
  g_task_set_task_data (task, data, (GDestroyNotify) fetch_data_free);

  if (reuse && self->conn != NULL
      && enlist_connection_get_state (self->conn) == ENLIST_CONNECTION_SECURED)
    {
      data->conn = g_object_ref (self->conn);
      data->waiting = 1;
      enlist_registration_set_stage (self, ENLIST_REGISTRATION_STAGE_REQUESTING_FORM);
      fetch_send_get (task);
      return;
    }

  data->conn = enlist_registration_new_connection (self, TRUE, &error);
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

EnlistDataForm *
enlist_registration_fetch_internal_finish (EnlistRegistration *self,
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

  form = enlist_registration_fetch_internal_finish (self, result, &conn, &error);
  if (form == NULL)
    {
      enlist_registration_return_error (task, g_steal_pointer (&error));
      return;
    }
  enlist_registration_install_form (self, form, conn);
  enlist_registration_return_pointer (task, form, g_object_unref);
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
  g_return_if_fail (!self->busy);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_registration_fetch_form_async);
  enlist_registration_begin (self, enlist_registration_connecting_stage (self));
  enlist_registration_fetch_internal_async (self, FALSE, cancellable, fetch_form_cb, task);
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
/* Closing                                                                 */

static void
close_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!enlist_connection_close_finish (ENLIST_CONNECTION (source), result, &error))
    enlist_registration_return_error (task, g_steal_pointer (&error));
  else
    enlist_registration_return_boolean (task, TRUE);
}

void
enlist_registration_close_async (EnlistRegistration  *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(EnlistConnection) conn = NULL;
  EnlistConnectionState state;

  g_return_if_fail (ENLIST_IS_REGISTRATION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (!self->busy);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_registration_close_async);
  enlist_registration_begin (self, ENLIST_REGISTRATION_STAGE_CLOSING);

  /* the form stays: submitting it later reconnects */
  conn = g_steal_pointer (&self->conn);
  state = conn != NULL ? enlist_connection_get_state (conn) : ENLIST_CONNECTION_CLOSED;
  if (state == ENLIST_CONNECTION_CLOSED || state == ENLIST_CONNECTION_DISCONNECTED
      || state == ENLIST_CONNECTION_CLOSING)
    {
      enlist_registration_return_boolean (task, TRUE);
      return;
    }
  enlist_connection_close_async (conn, cancellable, close_cb, g_steal_pointer (&task));
}

gboolean
enlist_registration_close_finish (EnlistRegistration *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
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

EnlistRegistrationStage
enlist_registration_get_stage (EnlistRegistration *self)
{
  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), ENLIST_REGISTRATION_STAGE_IDLE);
  return self->stage;
}

gboolean
enlist_registration_get_busy (EnlistRegistration *self)
{
  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), FALSE);
  return self->busy;
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

const char *
enlist_registration_get_host (EnlistRegistration *self)
{
  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), NULL);
  return self->host;
}

guint16
enlist_registration_get_port (EnlistRegistration *self)
{
  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), 0);
  return self->port;
}

gboolean
enlist_registration_get_direct_tls (EnlistRegistration *self)
{
  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), FALSE);
  return self->direct_tls;
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

void
enlist_registration_set_pipelining (EnlistRegistration *self,
                                    gboolean            pipelining)
{
  g_return_if_fail (ENLIST_IS_REGISTRATION (self));
  self->pipelining = !!pipelining;
}

gboolean
enlist_registration_set_invite (EnlistRegistration *self,
                                const char         *uri,
                                GError            **error)
{
  g_autoptr(EnlistInvite) invite = NULL;

  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), FALSE);
  /* a new domain closes the connection a running fetch is using */
  g_return_val_if_fail (!self->busy, FALSE);

  if (uri == NULL)
    {
      g_clear_pointer (&self->invite_token, enlist_secret_free);
      g_clear_pointer (&self->invite_username, g_free);
      return TRUE;
    }

  invite = enlist_invite_parse (uri, error);
  if (invite == NULL)
    return FALSE;

  g_clear_pointer (&self->invite_token, enlist_secret_free);
  self->invite_token = g_steal_pointer (&invite->token);
  g_free (self->invite_username);
  self->invite_username = g_steal_pointer (&invite->username);
  if (g_strcmp0 (self->domain, invite->domain) != 0)
    {
      g_free (self->domain);
      self->domain = g_steal_pointer (&invite->domain);
      enlist_registration_install_form (self, NULL, NULL);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOMAIN]);
    }
  return TRUE;
}

char *
enlist_registration_parse_uri (const char  *uri,
                               gboolean    *is_invite,
                               GError     **error)
{
  g_autoptr(EnlistInvite) invite = NULL;

  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  invite = enlist_invite_parse_request (uri, error);
  if (invite == NULL)
    return NULL;
  if (is_invite != NULL)
    *is_invite = invite->token != NULL;
  return g_steal_pointer (&invite->domain);
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

  enlist_registration_close_quietly (self->conn);
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
  g_free (self->invite_username);

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
    case PROP_STAGE:
      g_value_set_enum (value, self->stage);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
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
  properties[PROP_STAGE] =
    g_param_spec_enum ("stage", NULL, NULL, ENLIST_TYPE_REGISTRATION_STAGE,
                       ENLIST_REGISTRATION_STAGE_IDLE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
enlist_registration_init (EnlistRegistration *self)
{
  self->verify = TRUE;
  self->pipelining = TRUE;
  self->pins = g_ptr_array_new_with_free_func (g_free);
}
