/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-registration-probe.c: what the service reads from a server without
 * changing anything on it: a probe (how the connection was made and
 * secured, what the server offers, optionally its form in the first flight)
 * and the image of a form's CAPTCHA. */
#define G_LOG_DOMAIN "enlist-registration"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-error.h"
#include "enlist-media.h"
#include "enlist-registration-private.h"
#include "enlist-server-info-private.h"

/* ---------------------------------------------------------------------- */
/* Probing                                                                 */

typedef struct
{
  EnlistConnection *conn;
  EnlistServerInfo *info;
  gint64            started;
  guint             waiting;
  GError           *connect_error;
  EnlistXmlNode    *form_reply;
  GError           *form_error;
  gint64            form_usec;
} ProbeData;

static void
probe_data_free (ProbeData *data)
{
  g_clear_object (&data->conn);
  g_clear_object (&data->info);
  g_clear_error (&data->connect_error);
  g_clear_pointer (&data->form_reply, enlist_xml_node_free);
  g_clear_error (&data->form_error);
  g_free (data);
}

static void
probe_closed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ProbeData *data = g_task_get_task_data (task);

  /* what the server offered is known; how the goodbye went does not matter */
  enlist_connection_close_finish (data->conn, result, NULL);
  enlist_registration_return_pointer (task, g_steal_pointer (&data->info), g_object_unref);
}

static void
probe_describe_form (ProbeData *data)
{
  const EnlistXmlNode *query;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;

  if (data->form_reply == NULL)
    {
      enlist_server_info_set_form (data->info, NULL, data->form_error, data->form_usec);
      return;
    }
  query = enlist_xml_node_get_child (data->form_reply, "query", ENLIST_NS_REGISTER);
  if (query == NULL)
    error = g_error_new (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL, "%s",
                         _("The server answered the request for the registration form "
                           "without a form."));
  else
    form = enlist_data_form_new_from_register_query (query, &error);
  enlist_server_info_set_form (data->info, form, error, data->form_usec);
}

/* The last of the outstanding callbacks owns the task and ends it. */
static void
probe_maybe_complete (GTask *task)
{
  EnlistRegistration *self = g_task_get_source_object (task);
  ProbeData *data = g_task_get_task_data (task);

  if (--data->waiting > 0)
    return;

  if (data->connect_error != NULL)
    {
      enlist_registration_close_quietly (data->conn);
      enlist_registration_return_error (task, g_steal_pointer (&data->connect_error));
      g_object_unref (task);
      return;
    }

  data->info = enlist_server_info_new_from_connection (data->conn);
  if (data->form_reply != NULL || data->form_error != NULL)
    probe_describe_form (data);

  enlist_registration_set_stage (self, ENLIST_REGISTRATION_STAGE_CLOSING);
  enlist_connection_close_async (data->conn, NULL, probe_closed_cb, g_steal_pointer (&task));
}

static void
probe_connect_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  EnlistRegistration *self = g_task_get_source_object (task);
  ProbeData *data = g_task_get_task_data (task);

  if (enlist_connection_connect_finish (data->conn, result, &data->connect_error)
      && data->waiting > 1)
    enlist_registration_set_stage (self, ENLIST_REGISTRATION_STAGE_REQUESTING_FORM);
  probe_maybe_complete (task);
}

static void
probe_form_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  ProbeData *data = g_task_get_task_data (task);

  data->form_reply = enlist_connection_send_iq_finish (data->conn, result, NULL,
                                                       &data->form_error);
  data->form_usec = g_get_monotonic_time () - data->started;
  probe_maybe_complete (task);
}

void
enlist_registration_probe_async (EnlistRegistration  *self,
                                 EnlistProbeFlags     flags,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;
  g_autoptr(GError) error = NULL;
  ProbeData *data;

  g_return_if_fail (ENLIST_IS_REGISTRATION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (!self->busy);

  /* the task is held by the outstanding callbacks, the last one ends it */
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_registration_probe_async);
  data = g_new0 (ProbeData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) probe_data_free);
  enlist_registration_begin (self, enlist_registration_connecting_stage (self));

  data->conn = enlist_registration_new_connection (self, TRUE, &error);
  if (data->conn == NULL)
    {
      enlist_registration_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  data->started = g_get_monotonic_time ();
  data->waiting = 1;
  if (flags & ENLIST_PROBE_FETCH_FORM)
    data->waiting++;
  enlist_connection_connect_async (data->conn, cancellable, probe_connect_cb, task);
  if (flags & ENLIST_PROBE_FETCH_FORM)
    {
      /* queued now, so that it travels in the same flight as the secured
       * stream's header: the connection never sends it before TLS */
      EnlistXmlNode *iq = enlist_registration_new_iq ("get", NULL);

      enlist_xml_node_add_child (iq, "query", ENLIST_NS_REGISTER);
      enlist_connection_send_iq_async (data->conn, iq, 0, cancellable, probe_form_cb, task);
    }
}

EnlistServerInfo *
enlist_registration_probe_finish (EnlistRegistration *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* The CAPTCHA image                                                       */

typedef struct
{
  EnlistMediaResolver *resolver;
  EnlistFormField     *field;
  guint                next_uri;
  GError              *first_error;
} CaptchaData;

static void
captcha_data_free (CaptchaData *data)
{
  g_clear_object (&data->resolver);
  g_clear_object (&data->field);
  g_clear_error (&data->first_error);
  g_free (data);
}

static void captcha_try_next (GTask *task);

static void
captcha_resolved_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CaptchaData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  EnlistMediaImage *image;

  image = enlist_media_resolver_resolve_finish (data->resolver, result, &error);
  if (image != NULL)
    {
      enlist_registration_return_pointer (task, image, g_object_unref);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      enlist_registration_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_debug ("CAPTCHA image %u not loaded: %s", data->next_uri - 1, error->message);
  if (data->first_error == NULL)
    data->first_error = g_steal_pointer (&error);
  captcha_try_next (g_steal_pointer (&task));
}

static void
captcha_try_next (GTask *task)
{
  CaptchaData *data = g_task_get_task_data (task);
  const char *uri;

  if (data->next_uri >= enlist_form_field_get_n_media_uris (data->field))
    {
      enlist_registration_return_error (task, g_steal_pointer (&data->first_error));
      g_object_unref (task);
      return;
    }
  uri = enlist_form_field_get_media_uri (data->field, data->next_uri++, NULL);
  enlist_media_resolver_resolve_async (data->resolver, uri, g_task_get_cancellable (task),
                                       captcha_resolved_cb, task);
}

void
enlist_registration_load_captcha_async (EnlistRegistration  *self,
                                        EnlistDataForm      *form,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  EnlistFormField *field;
  CaptchaData *data;
  GPtrArray *bob;

  g_return_if_fail (ENLIST_IS_REGISTRATION (self));
  g_return_if_fail (ENLIST_IS_DATA_FORM (form));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (!self->busy);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_registration_load_captcha_async);
  enlist_registration_begin (self, ENLIST_REGISTRATION_STAGE_LOADING_CAPTCHA);

  field = enlist_data_form_get_captcha_field (form);
  if (field == NULL || enlist_form_field_get_n_media_uris (field) == 0)
    {
      enlist_registration_return_error (task, g_error_new (ENLIST_ERROR, ENLIST_ERROR_FAILED, "%s",
                                                           field == NULL
                                                           ? _("The form has no CAPTCHA.")
                                                           : _("The CAPTCHA comes without an image.")));
      return;
    }

  data = g_new0 (CaptchaData, 1);
  data->field = g_object_ref (field);
  data->resolver = enlist_media_resolver_new ();
  g_task_set_task_data (task, data, (GDestroyNotify) captcha_data_free);

  bob = enlist_data_form_get_bob_data (form);
  for (guint i = 0; i < bob->len; i++)
    enlist_media_resolver_add_bob_data (data->resolver, g_ptr_array_index (bob, i));
  /* XEP-0231 asks the sender of the form: only its own connection can */
  if (form == self->form && self->conn != NULL
      && enlist_connection_get_state (self->conn) == ENLIST_CONNECTION_SECURED)
    enlist_media_resolver_set_connection (data->resolver, self->conn);
  if (self->ca_file != NULL && !enlist_media_resolver_set_ca_file (data->resolver, self->ca_file,
                                                                    &error))
    {
      enlist_registration_return_error (task, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < self->pins->len; i++)
    enlist_media_resolver_add_pinned_fingerprint (data->resolver, g_ptr_array_index (self->pins, i));
  if (self->timeout_ms > 0)
    enlist_media_resolver_set_timeout (data->resolver, self->timeout_ms);

  captcha_try_next (g_steal_pointer (&task));
}

EnlistMediaImage *
enlist_registration_load_captcha_finish (EnlistRegistration *self,
                                         GAsyncResult       *result,
                                         GError            **error)
{
  g_return_val_if_fail (ENLIST_IS_REGISTRATION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
