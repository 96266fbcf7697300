/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-connection-iq.c: requests and their answers. Each request gets an
 * id (its own, unless it is taken), a timeout and its caller's cancellable;
 * an answer is matched by id and accepted only from the server or, once
 * authenticated, from the account itself. Requests sent while connecting are
 * held until the stream is secured (never written in plaintext) and then go
 * out in the secured stream header's flight; requests sent while an
 * authentication is under way are held until it succeeds and go out with
 * the bind request (never, if it fails). Requests from the server are
 * answered service-unavailable, as RFC 6120 asks. */
#define G_LOG_DOMAIN "enlist-connection"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-connection-private.h"
#include "enlist-error-private.h"
#include "enlist-jid.h"
#include "enlist-ns.h"
#include "enlist-trace-private.h"

typedef struct
{
  EnlistConnection *self;   /* weak: the connection owns this */
  char             *id;
  GTask            *task;
  guint             timeout_id;
  GCancellable     *cancellable;
  gulong            cancel_id;
} PendingIq;

static void
pending_iq_free (PendingIq *pending)
{
  g_clear_handle_id (&pending->timeout_id, g_source_remove);
  if (pending->cancellable != NULL && pending->cancel_id != 0)
    g_signal_handler_disconnect (pending->cancellable, pending->cancel_id);
  g_clear_object (&pending->cancellable);
  g_clear_object (&pending->task);
  g_free (pending->id);
  g_free (pending);
}

void
enlist_connection_fail_pending (EnlistConnection *self,
                                const GError     *error)
{
  g_autoptr(GList) values = NULL;
  GHashTableIter iter;
  PendingIq *pending;

  /* steal them all first: completing a task may run user code that sends */
  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &pending))
    {
      values = g_list_prepend (values, pending);
      g_hash_table_iter_steal (&iter);
    }

  for (GList *l = values; l; l = l->next)
    {
      pending = l->data;
      g_task_return_error (pending->task, g_error_copy (error));
      pending_iq_free (pending);
    }
}

/* ---------------------------------------------------------------------- */
/* Answers                                                                 */

/* A reply may come from the server (no from at all, or the domain) and, once
 * authenticated, from the user's own bare or full JID; from anyone else it is
 * spoofed and ignored. */
static gboolean
sender_is_trusted (EnlistConnection *self,
                   const char       *from)
{
  if (from == NULL)
    return TRUE;
  if (enlist_jid_equal (from, self->domain))
    return TRUE;
  if (self->bare_jid != NULL && enlist_jid_equal (from, self->bare_jid))
    return TRUE;
  if (self->jid != NULL && enlist_jid_equal (from, self->jid))
    return TRUE;
  return FALSE;
}

void
enlist_connection_handle_iq (EnlistConnection *self,
                             EnlistXmlNode    *stanza)
{
  const char *type = enlist_xml_node_get_attr (stanza, "type");
  const char *id = enlist_xml_node_get_attr (stanza, "id");
  const char *from = enlist_xml_node_get_attr (stanza, "from");
  PendingIq *pending;

  if (g_strcmp0 (type, "get") == 0 || g_strcmp0 (type, "set") == 0)
    {
      /* RFC 6120 §8.2.3: every request gets an answer */
      g_autoptr(EnlistXmlNode) reply = enlist_xml_node_new ("iq", ENLIST_NS_CLIENT);
      EnlistXmlNode *error;

      enlist_xml_node_set_attr (reply, "type", "error");
      enlist_xml_node_set_attr (reply, "id", id);
      enlist_xml_node_set_attr (reply, "to", from);
      error = enlist_xml_node_add_child (reply, "error", NULL);
      enlist_xml_node_set_attr (error, "type", "cancel");
      enlist_xml_node_add_child (error, "service-unavailable", ENLIST_NS_STANZAS);
      enlist_connection_queue_node (self, reply);
      enlist_connection_flush (self);
      return;
    }

  if (g_strcmp0 (type, "result") != 0 && g_strcmp0 (type, "error") != 0)
    {
      g_debug ("ignoring an iq of type %s", type ? type : "(none)");
      return;
    }

  if (id == NULL || (pending = g_hash_table_lookup (self->pending, id)) == NULL)
    {
      g_debug ("ignoring a reply to an unknown request");
      return;
    }

  if (!sender_is_trusted (self, from))
    {
      enlist_trace_event (self->peer_name, ENLIST_TRACE_IN,
                          "ignored a reply from a sender other than the server");
      return;
    }

  g_hash_table_steal (self->pending, id);
  g_task_return_pointer (pending->task, enlist_xml_node_copy (stanza),
                         (GDestroyNotify) enlist_xml_node_free);
  pending_iq_free (pending);
}

/* ---------------------------------------------------------------------- */
/* Requests                                                                */

static gboolean
drop_from (GPtrArray  *held,
           const char *id)
{
  for (guint i = 0; i < held->len; i++)
    if (g_strcmp0 (enlist_xml_node_get_attr (g_ptr_array_index (held, i), "id"), id) == 0)
      {
        g_ptr_array_remove_index (held, i);
        return TRUE;
      }
  return FALSE;
}

/* A request that ended while held is not sent later. */
static void
drop_held (EnlistConnection *self,
           const char       *id)
{
  if (!drop_from (self->held, id))
    drop_from (self->held_bound, id);
}

void
enlist_connection_queue_held (EnlistConnection *self)
{
  for (guint i = 0; i < self->held->len; i++)
    enlist_connection_queue_node (self, g_ptr_array_index (self->held, i));
}

void
enlist_connection_queue_held_bound (EnlistConnection *self)
{
  for (guint i = 0; i < self->held_bound->len; i++)
    enlist_connection_queue_node (self, g_ptr_array_index (self->held_bound, i));
  /* the server may act on them now: the authentication is seen through */
  if (self->held_bound->len > 0)
    {
      self->sent_with_bind = TRUE;
      enlist_connection_emit_step (self, ENLIST_CONNECTION_STEP_SENDING_HELD);
    }
  g_ptr_array_set_size (self->held_bound, 0);
}

void
enlist_connection_fail_held_bound (EnlistConnection *self,
                                   const GError     *error)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);

  /* steal them all first: completing a task may run user code that sends */
  for (guint i = 0; i < self->held_bound->len; i++)
    {
      const char *id = enlist_xml_node_get_attr (g_ptr_array_index (self->held_bound, i), "id");
      PendingIq *pending = g_hash_table_lookup (self->pending, id);

      if (pending == NULL)
        continue;
      g_hash_table_steal (self->pending, id);
      g_ptr_array_add (tasks, g_object_ref (pending->task));
      pending_iq_free (pending);
    }
  g_ptr_array_set_size (self->held_bound, 0);
  for (guint i = 0; i < tasks->len; i++)
    g_task_return_error (g_ptr_array_index (tasks, i), g_error_copy (error));
}

static gboolean
iq_timeout_cb (gpointer user_data)
{
  PendingIq *pending = user_data;
  EnlistConnection *self = pending->self;

  pending->timeout_id = 0;
  g_hash_table_steal (self->pending, pending->id);
  drop_held (self, pending->id);
  g_task_return_new_error (pending->task, ENLIST_ERROR, ENLIST_ERROR_TIMEOUT, "%s",
                           _("The server did not answer in time."));
  pending_iq_free (pending);
  return G_SOURCE_REMOVE;
}

static gboolean
iq_cancelled_idle (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistConnection *self = g_task_get_source_object (task);
  const char *id = g_task_get_task_data (task);
  PendingIq *pending = g_hash_table_lookup (self->pending, id);

  if (pending != NULL && pending->task == task)
    {
      g_hash_table_steal (self->pending, id);
      drop_held (self, id);
      g_task_return_error_if_cancelled (pending->task);
      pending_iq_free (pending);
    }
  return G_SOURCE_REMOVE;
}

static void
iq_cancelled_cb (GCancellable *cancellable,
                 GTask        *task)
{
  /* may run inside g_cancellable_cancel from anywhere: finish from idle */
  g_idle_add (iq_cancelled_idle, g_object_ref (task));
}

void
enlist_connection_send_iq_internal (EnlistConnection   *self,
                                    EnlistXmlNode      *iq,
                                    guint               timeout_ms,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data,
                                    gpointer            source_tag)
{
  g_auto(EnlistSecretNode) owned = iq;
  g_autoptr(GTask) task = NULL;
  PendingIq *pending;
  const char *id;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_check_cancellable (task, FALSE);

  if (self->state == ENLIST_CONNECTION_CLOSED || self->state == ENLIST_CONNECTION_CLOSING
      || self->state == ENLIST_CONNECTION_DISCONNECTED)
    {
      g_task_return_new_error (task, ENLIST_ERROR, ENLIST_ERROR_CONNECTION_CLOSED, "%s",
                               _("Not connected to the server."));
      return;
    }

  id = enlist_xml_node_get_attr (iq, "id");
  if (id == NULL || g_hash_table_contains (self->pending, id))
    {
      g_autofree char *new_id = g_strdup_printf ("enlist%u-%08x", ++self->next_id,
                                                 g_random_int ());
      enlist_xml_node_set_attr (iq, "id", new_id);
      id = enlist_xml_node_get_attr (iq, "id");
    }

  pending = g_new0 (PendingIq, 1);
  pending->self = self;
  pending->id = g_strdup (id);
  pending->task = g_object_ref (task);
  g_task_set_task_data (task, g_strdup (id), g_free);
  pending->timeout_id = g_timeout_add (timeout_ms ? timeout_ms : self->timeout_ms,
                                       iq_timeout_cb, pending);
  if (cancellable != NULL)
    {
      pending->cancellable = g_object_ref (cancellable);
      pending->cancel_id = g_signal_connect (cancellable, "cancelled",
                                             G_CALLBACK (iq_cancelled_cb), task);
      if (g_cancellable_is_cancelled (cancellable))
        iq_cancelled_cb (cancellable, task);
    }
  g_hash_table_insert (self->pending, pending->id, pending);

  if (source_tag != enlist_connection_authenticate_async
      && (self->auth_op != NULL || self->state == ENLIST_CONNECTION_AUTHENTICATING)
      && !(self->auth_flags & ENLIST_AUTHENTICATE_NO_BIND))
    {
      /* held until authenticated, then sent with the bind request or
       * after it; never sent if authentication fails */
      g_ptr_array_add (self->held_bound, g_steal_pointer (&owned));
      return;
    }

  if (self->state == ENLIST_CONNECTION_CONNECTING)
    {
      /* held until the stream is secured: never sent in plaintext */
      g_ptr_array_add (self->held, g_steal_pointer (&owned));
      return;
    }

  enlist_connection_queue_node (self, iq);
  enlist_connection_flush (self);
}

void
enlist_connection_send_iq_async (EnlistConnection   *self,
                                 EnlistXmlNode      *iq,
                                 guint               timeout_ms,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_return_if_fail (ENLIST_IS_CONNECTION (self));
  g_return_if_fail (iq != NULL && g_str_equal (iq->name, "iq"));

  enlist_connection_send_iq_internal (self, iq, timeout_ms, cancellable, callback, user_data,
                                      enlist_connection_send_iq_async);
}

EnlistXmlNode *
enlist_connection_iq_finish (EnlistConnection *self,
                             GAsyncResult     *result,
                             EnlistXmlNode   **error_reply,
                             GError          **error)
{
  EnlistXmlNode *reply = g_task_propagate_pointer (G_TASK (result), error);

  if (error_reply != NULL)
    *error_reply = NULL;
  if (reply == NULL)
    return NULL;

  if (g_strcmp0 (enlist_xml_node_get_attr (reply, "type"), "error") == 0)
    {
      g_propagate_error (error, enlist_error_from_stanza (reply));
      if (error_reply != NULL)
        *error_reply = reply;
      else
        enlist_xml_node_free (reply);
      return NULL;
    }
  return reply;
}

EnlistXmlNode *
enlist_connection_send_iq_finish (EnlistConnection *self,
                                  GAsyncResult     *result,
                                  EnlistXmlNode   **error_reply,
                                  GError          **error)
{
  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return enlist_connection_iq_finish (self, result, error_reply, error);
}
