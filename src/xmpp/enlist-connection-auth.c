/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-connection-auth.c: signing in on a secured stream. SASL with the
 * strongest mechanism both sides have (enlist-sasl.c does the mechanism
 * itself, off the main loop where it is costly), then the stream restart,
 * whose header shares its flight with the resource binding request when
 * pipelining, and the binding, whose address must be a full JID of the
 * account: replies from it are trusted from then on. */
#define G_LOG_DOMAIN "enlist-connection"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "enlist-connection-private.h"
#include "enlist-error-private.h"
#include "enlist-jid.h"
#include "enlist-ns.h"
#include "enlist-text.h"

/* ---------------------------------------------------------------------- */
/* What the server offered                                                 */

const char * const *
enlist_connection_get_mechanisms (EnlistConnection *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), NULL);
  return self->mechanisms ? (const char * const *) self->mechanisms : none;
}

const char *
enlist_connection_get_mechanism_used (EnlistConnection *self)
{
  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), NULL);
  return self->mechanism_used;
}

const char *
enlist_connection_get_jid (EnlistConnection *self)
{
  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), NULL);
  return self->jid;
}

char **
enlist_connection_parse_mechanisms (const EnlistXmlNode *features)
{
  const EnlistXmlNode *mechanisms = enlist_xml_node_get_child (features, "mechanisms",
                                                               ENLIST_NS_SASL);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; mechanisms && i < mechanisms->children->len; i++)
    {
      const EnlistXmlNode *child = g_ptr_array_index (mechanisms->children, i);
      const char *name = enlist_xml_node_get_text (child);

      if (enlist_xml_node_is (child, "mechanism", ENLIST_NS_SASL) && name && *name)
        g_strv_builder_add (builder, name);
    }
  return g_strv_builder_end (builder);
}

static char **
parse_binding_types (const EnlistXmlNode *features)
{
  const EnlistXmlNode *cb = enlist_xml_node_get_child (features, "sasl-channel-binding",
                                                       ENLIST_NS_SASL_CB);
  g_autoptr(GStrvBuilder) builder = NULL;

  if (cb == NULL)
    return NULL;
  builder = g_strv_builder_new ();
  for (guint i = 0; i < cb->children->len; i++)
    {
      const EnlistXmlNode *child = g_ptr_array_index (cb->children, i);
      const char *type = enlist_xml_node_get_attr (child, "type");

      if (enlist_xml_node_is (child, "channel-binding", ENLIST_NS_SASL_CB) && type)
        g_strv_builder_add (builder, type);
    }
  return g_strv_builder_end (builder);
}

/* ---------------------------------------------------------------------- */
/* SASL                                                                    */

static void sasl_step_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data);

void
enlist_connection_handle_sasl (EnlistConnection *self,
                               EnlistXmlNode    *stanza)
{
  g_autoptr(EnlistXmlNode) owned = stanza;  /* freed on every path */
  g_autoptr(GError) error = NULL;

  (void) owned;
  if (self->phase != ENLIST_CONNECTION_PHASE_SASL || self->sasl == NULL)
    {
      enlist_connection_fail (self,
                              g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                                   _("The server sent an authentication message "
                                                     "at an unexpected time.")));
      return;
    }

  if (g_str_equal (stanza->name, "challenge"))
    {
      enlist_sasl_step_async (self->sasl, enlist_xml_node_get_text (stanza), self->io_cancellable,
                              sasl_step_cb, g_object_ref (self));
      return;
    }

  if (g_str_equal (stanza->name, "success"))
    {
      const char *payload = enlist_xml_node_get_text (stanza);

      if (!enlist_sasl_verify_success (self->sasl, payload, &error))
        {
          enlist_connection_fail (self, g_steal_pointer (&error));
          return;
        }
      self->timings.sasl = enlist_connection_phase_elapsed (self);
      g_clear_object (&self->sasl);

      /* RFC 6120 §6.4.6: restart the stream; the bind request can share the
       * flight with the new header */
      self->reset_reader = TRUE;
      enlist_xml_reader_stop (self->reader);
      enlist_connection_set_phase (self, ENLIST_CONNECTION_PHASE_SASL_FEATURES);
      enlist_connection_queue_stream_header (self);
      if (self->pipelined)
        enlist_connection_send_bind (self);
      else
        enlist_connection_flush (self);
      return;
    }

  if (g_str_equal (stanza->name, "failure"))
    {
      const char *condition = enlist_error_find_condition (stanza, ENLIST_NS_SASL);
      const EnlistXmlNode *text_node = enlist_xml_node_get_child (stanza, "text", ENLIST_NS_SASL);
      const char *text = text_node ? enlist_xml_node_get_text (text_node) : NULL;

      if (g_strcmp0 (condition, "not-authorized") == 0
          || g_strcmp0 (condition, "credentials-expired") == 0
          || g_strcmp0 (condition, "account-disabled") == 0)
        error = enlist_error_new_xmpp (ENLIST_ERROR_AUTH_FAILED, condition, text, "%s",
                                       g_strcmp0 (condition, "account-disabled") == 0
                                       ? _("This account is disabled.")
                                       : _("The user name or password is not correct."));
      else
        error = enlist_error_new_xmpp (ENLIST_ERROR_SASL, condition, text,
                                       _("The server refused the authentication (%s)."),
                                       condition ? condition : _("no reason given"));
      enlist_connection_fail (self, g_steal_pointer (&error));
      return;
    }

  enlist_connection_fail (self,
                          g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                               _("The server sent an unknown authentication "
                                                 "message.")));
}

/* ---------------------------------------------------------------------- */
/* Resource binding                                                        */

static void
bind_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(EnlistConnection) self = user_data;
  g_autoptr(EnlistXmlNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) op = NULL;
  g_autoptr(GError) jid_error = NULL;
  g_autofree char *resource = NULL;
  const EnlistXmlNode *bind, *jid;

  reply = enlist_connection_iq_finish (self, result, NULL, &error);
  if (self->state == ENLIST_CONNECTION_CLOSED)
    return;
  if (reply == NULL)
    {
      g_prefix_error (&error, "%s ", _("The server did not let this session bind a resource."));
      enlist_connection_fail (self, g_steal_pointer (&error));
      return;
    }

  bind = enlist_xml_node_get_child (reply, "bind", ENLIST_NS_BIND);
  jid = bind ? enlist_xml_node_get_child (bind, "jid", ENLIST_NS_BIND) : NULL;
  if (jid == NULL || enlist_xml_node_get_text (jid) == NULL
      || *enlist_xml_node_get_text (jid) == '\0')
    {
      enlist_connection_fail (self,
                              g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                                   _("The server’s answer to resource binding "
                                                     "has no address.")));
      return;
    }

  /* The address replies may come from from now on: it must be one, and
   * the account's own (RFC 6120 §7.6.1: the server may only pick the
   * resource). */
  if (!enlist_jid_parse (enlist_xml_node_get_text (jid), NULL, NULL, &resource, &jid_error) ||
      resource == NULL || !enlist_jid_bare_equal (enlist_xml_node_get_text (jid), self->bare_jid))
    {
      const char *text = enlist_xml_node_get_text (jid);
      g_autofree char *shown = enlist_text_neutralize (text, MIN (strlen (text), 200));

      g_debug ("Bound JID “%s” refused: %s", shown,
               jid_error != NULL ? jid_error->message : "not a full JID of the account");
      enlist_connection_fail (self,
                              g_error_new (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                           _("The server bound this session to “%s”, which is "
                                             "not an address of this account."), shown));
      return;
    }

  g_free (self->jid);
  self->jid = g_strdup (enlist_xml_node_get_text (jid));
  self->timings.bind = enlist_connection_phase_elapsed (self);
  enlist_connection_set_phase (self, ENLIST_CONNECTION_PHASE_READY);
  self->state = ENLIST_CONNECTION_AUTHENTICATED;

  op = g_steal_pointer (&self->op);
  if (op != NULL)
    g_task_return_boolean (op, TRUE);
}

void
enlist_connection_send_bind (EnlistConnection *self)
{
  EnlistXmlNode *iq = enlist_xml_node_new ("iq", ENLIST_NS_CLIENT);

  enlist_xml_node_set_attr (iq, "type", "set");
  enlist_xml_node_add_child (iq, "bind", ENLIST_NS_BIND);
  enlist_connection_send_iq_internal (self, iq, 0, NULL, bind_cb, g_object_ref (self),
                                      enlist_connection_authenticate_async);
}

/* ---------------------------------------------------------------------- */
/* Starting                                                                */

static void
sasl_step_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(EnlistConnection) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *response = NULL;
  g_auto(EnlistSecretNode) node = NULL;

  response = enlist_sasl_step_finish (ENLIST_SASL (source), result, &error);
  if (self->state == ENLIST_CONNECTION_CLOSED || self->phase != ENLIST_CONNECTION_PHASE_SASL)
    return;
  if (response == NULL)
    {
      enlist_connection_fail (self, g_steal_pointer (&error));
      return;
    }

  if (self->mechanism_used == NULL)
    {
      node = enlist_xml_node_new ("auth", ENLIST_NS_SASL);
      self->mechanism_used = g_strdup (enlist_sasl_get_mechanism (self->sasl));
      enlist_xml_node_set_attr (node, "mechanism", self->mechanism_used);
    }
  else
    node = enlist_xml_node_new ("response", ENLIST_NS_SASL);

  /* RFC 6120 §6.4.2: an empty initial response is "=" */
  enlist_xml_node_set_text (node, *response ? response : "=");
  explicit_bzero (response, strlen (response));
  enlist_connection_queue_node (self, node);
  enlist_connection_flush (self);
}

void
enlist_connection_authenticate_async (EnlistConnection   *self,
                                      const char         *username,
                                      const char         *password,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) binding_types = NULL;
  g_autofree char *bare_jid = NULL;

  g_return_if_fail (ENLIST_IS_CONNECTION (self));
  g_return_if_fail (username != NULL);
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_connection_authenticate_async);

  if (self->state != ENLIST_CONNECTION_SECURED || self->op != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, "%s",
                               _("The connection is not ready to authenticate."));
      return;
    }

  /* Before anything is sent: a user name that cannot be the localpart of
   * an address can never sign in. */
  if (*username == '\0')
    g_set_error_literal (&error, ENLIST_ERROR, ENLIST_ERROR_INVALID_JID,
                         _("The user name is empty."));
  else
    bare_jid = enlist_jid_format_bare (username, self->domain, &error);
  if (bare_jid == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  binding_types = parse_binding_types (self->features);
  self->sasl = enlist_sasl_new ((const char * const *) self->mechanisms,
                                (const char * const *) binding_types,
                                self->tls, username, password, &error);
  if (self->sasl == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_free (self->bare_jid);
  self->bare_jid = g_steal_pointer (&bare_jid);
  g_clear_pointer (&self->mechanism_used, g_free);

  self->op = g_steal_pointer (&task);
  enlist_connection_watch_cancellable (self, cancellable);
  self->state = ENLIST_CONNECTION_AUTHENTICATING;
  self->t_phase = g_get_monotonic_time ();
  enlist_connection_set_phase (self, ENLIST_CONNECTION_PHASE_SASL);
  enlist_sasl_step_async (self->sasl, NULL, self->io_cancellable, sasl_step_cb,
                          g_object_ref (self));
}

gboolean
enlist_connection_authenticate_finish (EnlistConnection *self,
                                       GAsyncResult     *result,
                                       GError          **error)
{
  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
