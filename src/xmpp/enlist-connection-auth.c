/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-connection-auth.c: signing in on a secured stream. SASL with the
 * strongest mechanism both sides have (enlist-sasl.c does the mechanism
 * itself, off the main loop where it is costly), then the stream restart,
 * whose header shares its flight with the resource binding request when
 * pipelining, and the binding, whose address must be a full JID of the
 * account: replies from it are trusted from then on.
 *
 * When pipelining, an authentication asked for while connecting sends its
 * SCRAM client-first message with the secured stream's header, before the
 * features say which mechanisms there are: the guess is what this domain
 * offered last time in this process, else SCRAM-SHA-1. A client-first
 * message proves nothing, so a wrong guess is simply abandoned (aborted,
 * or refused by the server) and the right mechanism starts in the same
 * flight as the abort: never more round trips than one step at a time. */
#define G_LOG_DOMAIN "enlist-connection"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "enlist-connection-private.h"
#include "enlist-error-private.h"
#include "enlist-jid.h"
#include "enlist-ns.h"
#include "enlist-text.h"
#include "enlist-trace-private.h"

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
/* What each domain offered last time: the next guess                      */

#define MAX_REMEMBERED_OFFERS 64

typedef struct
{
  char **mechanisms;
  char **binding_types;
} Offer;

G_LOCK_DEFINE_STATIC (offers_lock);
static GHashTable *offers;  /* domain -> Offer */

static void
offer_free (Offer *offer)
{
  g_strfreev (offer->mechanisms);
  g_strfreev (offer->binding_types);
  g_free (offer);
}

void
enlist_connection_remember_mechanisms (EnlistConnection *self)
{
  Offer *offer = g_new0 (Offer, 1);

  offer->mechanisms = g_strdupv (self->mechanisms);
  offer->binding_types = parse_binding_types (self->features);
  G_LOCK (offers_lock);
  if (offers == NULL)
    offers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) offer_free);
  /* a process that meets many servers starts over rather than grow */
  if (g_hash_table_size (offers) >= MAX_REMEMBERED_OFFERS)
    g_hash_table_remove_all (offers);
  g_hash_table_replace (offers, g_strdup (self->domain), offer);
  G_UNLOCK (offers_lock);
}

/* Copies what domain offered last time, if it is known. */
static void
lookup_offer (const char   *domain,
              char       ***mechanisms,
              char       ***binding_types)
{
  Offer *offer;

  G_LOCK (offers_lock);
  offer = offers != NULL ? g_hash_table_lookup (offers, domain) : NULL;
  if (offer != NULL)
    {
      *mechanisms = g_strdupv (offer->mechanisms);
      *binding_types = g_strdupv (offer->binding_types);
    }
  G_UNLOCK (offers_lock);
}

void
enlist_connection_forget_mechanisms (void)
{
  G_LOCK (offers_lock);
  g_clear_pointer (&offers, g_hash_table_unref);
  G_UNLOCK (offers_lock);
}

/* ---------------------------------------------------------------------- */
/* SASL                                                                    */

static void sasl_step_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data);

void
enlist_connection_reset_auth (EnlistConnection *self)
{
  g_clear_object (&self->sasl);
  g_clear_pointer (&self->mechanism_used, g_free);
  self->early_auth = FALSE;
  self->early_auth_sent = FALSE;
  self->sasl_discard = FALSE;
  self->sent_with_bind = FALSE;
}

void
enlist_connection_fail_auth (EnlistConnection *self,
                             const GError     *error)
{
  g_autoptr(GTask) op = g_steal_pointer (&self->auth_op);

  enlist_connection_fail_held_bound (self, error);
  g_clear_pointer (&self->auth_username, g_free);
  g_clear_pointer (&self->auth_password, enlist_secret_free);
  if (op != NULL)
    g_task_return_error (op, g_error_copy (error));
}

/* The authentication running in self->op ends with error; the stream
 * stays as it was before it (RFC 6120 §6.4.5 lets a client try again). */
static void
auth_refused (EnlistConnection *self,
              GError           *error)
{
  g_autoptr(GTask) op = g_steal_pointer (&self->op);
  g_autoptr(GError) owned = error;

  g_clear_object (&self->sasl);
  self->state = ENLIST_CONNECTION_SECURED;
  enlist_connection_set_phase (self, ENLIST_CONNECTION_PHASE_READY);
  enlist_trace_event (self->peer_name, ENLIST_TRACE_IN, owned->message);
  enlist_connection_fail_held_bound (self, owned);
  if (op != NULL)
    g_task_return_error (op, g_steal_pointer (&owned));
}

static void
send_first_step (EnlistConnection *self)
{
  g_clear_pointer (&self->mechanism_used, g_free);
  enlist_sasl_step_async (self->sasl, NULL, self->io_cancellable, sasl_step_cb,
                          g_object_ref (self));
}

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

  if (self->sasl_discard)
    {
      /* answers to an abandoned guess, up to the one <failure/> ending it */
      if (g_str_equal (stanza->name, "failure"))
        self->sasl_discard = FALSE;
      else if (!g_str_equal (stanza->name, "challenge"))
        enlist_connection_fail (self,
                                g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                                     _("The server sent an authentication "
                                                       "message at an unexpected time.")));
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
       * flight with the new header, and the requests held for it follow */
      self->reset_reader = TRUE;
      enlist_xml_reader_stop (self->reader);
      enlist_connection_set_phase (self, ENLIST_CONNECTION_PHASE_SASL_FEATURES);
      enlist_connection_queue_stream_header (self);
      if (self->auth_flags & ENLIST_AUTHENTICATE_NO_BIND)
        {
          g_autoptr(GTask) op = g_steal_pointer (&self->op);

          /* the credentials are proven; the restarted stream is opened only
           * so that closing it is well-formed */
          enlist_connection_flush (self);
          self->state = ENLIST_CONNECTION_AUTHENTICATED;
          if (op != NULL)
            g_task_return_boolean (op, TRUE);
          return;
        }
      if (self->pipelined)
        {
          enlist_connection_send_bind (self);
          enlist_connection_queue_held_bound (self);
        }
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
      auth_refused (self, g_steal_pointer (&error));
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
  /* step by step, the requests held for the binding go now */
  enlist_connection_queue_held_bound (self);
  enlist_connection_flush (self);

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
  /* a step of an exchange that was dropped or replaced meanwhile */
  if (self->state == ENLIST_CONNECTION_CLOSED || ENLIST_SASL (source) != self->sasl)
    return;
  if (response == NULL)
    {
      if (self->early_auth && !self->early_auth_sent)
        {
          /* the guess could not even start: the features will decide */
          g_debug ("no guessed authentication: %s", error->message);
          enlist_connection_reset_auth (self);
          return;
        }
      enlist_connection_fail (self, g_steal_pointer (&error));
      return;
    }

  if (self->mechanism_used == NULL)
    {
      node = enlist_xml_node_new ("auth", ENLIST_NS_SASL);
      self->mechanism_used = g_strdup (enlist_sasl_get_mechanism (self->sasl));
      enlist_xml_node_set_attr (node, "mechanism", self->mechanism_used);
      self->early_auth_sent = self->early_auth;
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
enlist_connection_start_early_auth (EnlistConnection *self)
{
  static const char * const usual[] = { "SCRAM-SHA-1", NULL };
  g_auto(GStrv) mechanisms = NULL;
  g_auto(GStrv) binding_types = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistSasl) sasl = NULL;

  if (!self->pipelined || self->auth_op == NULL || self->sasl != NULL)
    return;

  lookup_offer (self->domain, &mechanisms, &binding_types);
  sasl = enlist_sasl_new (mechanisms != NULL ? (const char * const *) mechanisms : usual,
                          (const char * const *) binding_types, self->tls,
                          self->auth_username, self->auth_password, &error);
  if (sasl == NULL)
    {
      g_debug ("no guessed authentication: %s", error->message);
      return;
    }
  /* only SCRAM: its first message can be abandoned, having proven
   * nothing; PLAIN's one message is the password itself */
  if (!g_str_has_prefix (enlist_sasl_get_mechanism (sasl), "SCRAM-"))
    return;

  self->sasl = g_steal_pointer (&sasl);
  self->early_auth = TRUE;
  send_first_step (self);
}

/* Starts the exchange of task (taken) on a secured stream with the
 * mechanism its features call for, keeping a guess that was right. */
static void
start_authentication (EnlistConnection *self,
                      GTask            *task,
                      const char       *username,
                      const char       *password)
{
  g_autoptr(GTask) owned = task;
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistSasl) sasl = NULL;
  g_auto(GStrv) binding_types = parse_binding_types (self->features);
  const char *guess;

  sasl = enlist_sasl_new ((const char * const *) self->mechanisms,
                          (const char * const *) binding_types,
                          self->tls, username, password, &error);
  if (sasl == NULL)
    {
      enlist_connection_fail_held_bound (self, error);
      g_task_return_error (owned, g_steal_pointer (&error));
      return;
    }

  self->op = g_steal_pointer (&owned);
  self->state = ENLIST_CONNECTION_AUTHENTICATING;
  self->t_phase = g_get_monotonic_time ();
  enlist_connection_set_phase (self, ENLIST_CONNECTION_PHASE_SASL);

  guess = self->sasl != NULL ? enlist_sasl_get_mechanism (self->sasl) : NULL;
  if (guess != NULL && g_str_equal (guess, enlist_sasl_get_mechanism (sasl)))
    return;  /* the guess was right: its exchange goes on */

  if (guess != NULL && self->early_auth_sent)
    {
      /* abandoned before any proof: an offered mechanism is aborted, one
       * not offered is refused anyway; one <failure/> answers either */
      g_debug ("guessed %s, but the server offers %s", guess, enlist_sasl_get_mechanism (sasl));
      if (g_strv_contains ((const char * const *) self->mechanisms, guess))
        {
          g_autoptr(EnlistXmlNode) abort = enlist_xml_node_new ("abort", ENLIST_NS_SASL);

          enlist_connection_queue_node (self, abort);
        }
      self->sasl_discard = TRUE;
    }
  g_clear_object (&self->sasl);
  self->sasl = g_steal_pointer (&sasl);
  send_first_step (self);
}

void
enlist_connection_start_waiting_auth (EnlistConnection *self)
{
  GTask *task = g_steal_pointer (&self->auth_op);
  g_autofree char *username = g_steal_pointer (&self->auth_username);
  char *password = g_steal_pointer (&self->auth_password);

  if (task != NULL)
    start_authentication (self, task, username, password);
  enlist_secret_free (password);
}

void
enlist_connection_authenticate_async (EnlistConnection       *self,
                                      const char             *username,
                                      const char             *password,
                                      EnlistAuthenticateFlags flags,
                                      GCancellable           *cancellable,
                                      GAsyncReadyCallback     callback,
                                      gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bare_jid = NULL;
  gboolean waits;

  g_return_if_fail (ENLIST_IS_CONNECTION (self));
  g_return_if_fail (username != NULL);
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_connection_authenticate_async);
  /* cancelling ends the connection (enlist-connection.c), except once
   * requests went with the bind: then the outcome is what it is */
  g_task_set_check_cancellable (task, FALSE);

  waits = self->state == ENLIST_CONNECTION_CONNECTING && self->auth_op == NULL;
  if (!waits && (self->state != ENLIST_CONNECTION_SECURED || self->op != NULL))
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

  g_free (self->bare_jid);
  self->bare_jid = g_steal_pointer (&bare_jid);
  self->auth_flags = flags;
  enlist_connection_watch_cancellable (self, cancellable);

  if (waits)
    {
      self->auth_op = g_steal_pointer (&task);
      self->auth_username = g_strdup (username);
      self->auth_password = g_strdup (password);
      return;
    }
  start_authentication (self, g_steal_pointer (&task), username, password);
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
