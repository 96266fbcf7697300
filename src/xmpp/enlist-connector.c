/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-connector.c: SRV resolution for XMPP client connections, with the
 * timeout and the merged ordering that GResolver does not give. */
#define G_LOG_DOMAIN "enlist-connector"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-connector.h"
#include "enlist-error.h"

#define DEFAULT_PORT 5222

EnlistEndpoint *
enlist_endpoint_new (const char *host,
                     guint16     port,
                     gboolean    direct_tls)
{
  EnlistEndpoint *endpoint = g_new0 (EnlistEndpoint, 1);

  endpoint->host = g_strdup (host);
  endpoint->port = port;
  endpoint->direct_tls = direct_tls;
  return endpoint;
}

void
enlist_endpoint_free (EnlistEndpoint *endpoint)
{
  if (endpoint == NULL)
    return;
  g_free (endpoint->host);
  g_free (endpoint);
}

static gboolean
is_null_target (GSrvTarget *target)
{
  const char *host = g_srv_target_get_hostname (target);
  return host == NULL || *host == '\0' || g_str_equal (host, ".");
}

static gint
compare_priority (gconstpointer a,
                  gconstpointer b)
{
  const EnlistEndpoint *ea = *(EnlistEndpoint * const *) a;
  const EnlistEndpoint *eb = *(EnlistEndpoint * const *) b;

  if (ea->priority != eb->priority)
    return ea->priority < eb->priority ? -1 : 1;
  if (ea->direct_tls != eb->direct_tls)
    return ea->direct_tls ? -1 : 1;
  return 0;
}

static void
add_targets (GPtrArray *all,
             GList     *targets,
             gboolean   direct_tls)
{
  for (GList *l = targets; l; l = l->next)
    {
      GSrvTarget *target = l->data;
      EnlistEndpoint *endpoint;

      if (is_null_target (target))
        continue;
      endpoint = enlist_endpoint_new (g_srv_target_get_hostname (target),
                                      g_srv_target_get_port (target), direct_tls);
      endpoint->priority = g_srv_target_get_priority (target);
      endpoint->weight = g_srv_target_get_weight (target);
      g_ptr_array_add (all, endpoint);
    }
}

/* RFC 2782: among records of one priority (and, here, one transport), pick
 * repeatedly with probability proportional to weight; weight-0 records come
 * first in the running sum so they have a small chance too. */
static void
weighted_shuffle (GPtrArray *run,
                  GRand     *rand)
{
  for (guint start = 0; start + 1 < run->len; start++)
    {
      guint32 total = 0, pick, sum = 0;
      guint chosen = start;

      /* zero weights first, as RFC 2782 asks */
      for (guint i = start, z = start; i < run->len; i++)
        {
          EnlistEndpoint *e = g_ptr_array_index (run, i);
          if (e->weight == 0 && i != z)
            {
              run->pdata[i] = run->pdata[z];
              run->pdata[z] = e;
            }
          if (e->weight == 0)
            z++;
        }

      for (guint i = start; i < run->len; i++)
        total += ((EnlistEndpoint *) g_ptr_array_index (run, i))->weight;

      pick = (guint32) (rand ? g_rand_int_range (rand, 0, (gint32) total + 1)
                             : g_random_int_range (0, (gint32) total + 1));
      for (guint i = start; i < run->len; i++)
        {
          sum += ((EnlistEndpoint *) g_ptr_array_index (run, i))->weight;
          if (sum >= pick)
            {
              chosen = i;
              break;
            }
        }

      if (chosen != start)
        {
          gpointer tmp = run->pdata[start];
          run->pdata[start] = run->pdata[chosen];
          run->pdata[chosen] = tmp;
        }
    }
}

GPtrArray *
enlist_connector_order (GList *xmpps_targets,
                        GList *xmpp_targets,
                        GRand *rand)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) enlist_endpoint_free);
  GPtrArray *ordered = g_ptr_array_new_with_free_func ((GDestroyNotify) enlist_endpoint_free);
  guint i = 0;

  add_targets (all, xmpps_targets, TRUE);
  add_targets (all, xmpp_targets, FALSE);
  g_ptr_array_sort (all, compare_priority);

  while (i < all->len)
    {
      g_autoptr(GPtrArray) run = g_ptr_array_new ();
      guint j = i;

      while (j < all->len && compare_priority (&all->pdata[i], &all->pdata[j]) == 0)
        g_ptr_array_add (run, all->pdata[j++]);

      weighted_shuffle (run, rand);
      for (guint k = 0; k < run->len; k++)
        g_ptr_array_add (ordered, run->pdata[k]);
      i = j;
    }

  /* ownership moved to ordered */
  g_ptr_array_set_free_func (all, NULL);
  return ordered;
}

typedef struct
{
  char         *domain;
  GCancellable *cancellable;     /* cancelled by the timeout or the caller */
  gulong        cancel_id;
  GCancellable *caller_cancellable;
  guint         timeout_id;
  gboolean      timed_out;
  guint         pending;
  GList        *xmpps;
  GList        *xmpp;
  gboolean      xmpps_null;      /* a "." record: decidedly not offered */
  gboolean      xmpp_null;
} ResolveData;

static void
resolve_data_free (ResolveData *data)
{
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  if (data->caller_cancellable != NULL)
    g_cancellable_disconnect (data->caller_cancellable, data->cancel_id);
  g_clear_object (&data->caller_cancellable);
  g_clear_object (&data->cancellable);
  g_list_free_full (data->xmpps, (GDestroyNotify) g_srv_target_free);
  g_list_free_full (data->xmpp, (GDestroyNotify) g_srv_target_free);
  g_free (data->domain);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ResolveData, resolve_data_free)

static gboolean
resolve_timeout_cb (gpointer user_data)
{
  ResolveData *data = user_data;

  data->timeout_id = 0;
  data->timed_out = TRUE;
  g_cancellable_cancel (data->cancellable);
  return G_SOURCE_REMOVE;
}

static void
caller_cancelled_cb (GCancellable *caller,
                     GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

static gboolean
only_null (GList *targets)
{
  return targets != NULL && targets->next == NULL && is_null_target (targets->data);
}

static void
resolve_finish_both (GTask *task)
{
  ResolveData *data = g_task_get_task_data (task);
  GPtrArray *endpoints;

  if (g_cancellable_is_cancelled (data->caller_cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                               _("The operation was cancelled"));
      return;
    }

  if (data->xmpps_null && data->xmpp_null)
    {
      g_task_return_new_error (task, ENLIST_ERROR, ENLIST_ERROR_DNS,
                               _("“%s” says in its DNS records that it offers no XMPP service."),
                               data->domain);
      return;
    }

  endpoints = enlist_connector_order (data->xmpps, data->xmpp, NULL);
  if (endpoints->len == 0 && !data->xmpp_null)
    g_ptr_array_add (endpoints, enlist_endpoint_new (data->domain, DEFAULT_PORT, FALSE));

  if (endpoints->len == 0)
    {
      g_ptr_array_unref (endpoints);
      g_task_return_new_error (task, ENLIST_ERROR, ENLIST_ERROR_DNS,
                               _("“%s” says in its DNS records that it offers no XMPP service."),
                               data->domain);
      return;
    }

  g_task_return_pointer (task, endpoints, (GDestroyNotify) g_ptr_array_unref);
}

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data,
           gboolean      direct_tls)
{
  g_autoptr(GTask) task = user_data;
  ResolveData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GList *targets;

  targets = g_resolver_lookup_service_finish (G_RESOLVER (source), result, &error);
  if (error != NULL)
    g_debug ("SRV lookup for %s (%s) failed: %s", data->domain,
             direct_tls ? "xmpps" : "xmpp", error->message);

  if (direct_tls)
    {
      data->xmpps = targets;
      data->xmpps_null = only_null (targets);
    }
  else
    {
      data->xmpp = targets;
      data->xmpp_null = only_null (targets);
    }

  /* a missing _xmpps-client record means "not offered", not "refused" */
  if (direct_tls && targets == NULL)
    data->xmpps_null = TRUE;

  if (--data->pending == 0)
    resolve_finish_both (task);
}

static void
lookup_xmpps_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  lookup_cb (source, result, user_data, TRUE);
}

static void
lookup_xmpp_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  lookup_cb (source, result, user_data, FALSE);
}

void
enlist_connector_resolve_async (GResolver          *resolver,
                                const char         *domain,
                                guint               timeout_ms,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GResolver) default_resolver = NULL;
  ResolveData *data;

  g_return_if_fail (domain != NULL);

  if (resolver == NULL)
    {
      default_resolver = g_resolver_get_default ();
      resolver = default_resolver;
    }

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_connector_resolve_async);
  g_task_set_check_cancellable (task, FALSE);

  data = g_new0 (ResolveData, 1);
  data->domain = g_strdup (domain);
  data->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      data->caller_cancellable = g_object_ref (cancellable);
      data->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                               data->cancellable, NULL);
    }
  data->timeout_id = g_timeout_add (timeout_ms ? timeout_ms : 10000, resolve_timeout_cb, data);
  data->pending = 2;
  g_task_set_task_data (task, data, (GDestroyNotify) resolve_data_free);

  g_resolver_lookup_service_async (resolver, "xmpps-client", "tcp", domain,
                                   data->cancellable, lookup_xmpps_cb, g_object_ref (task));
  g_resolver_lookup_service_async (resolver, "xmpp-client", "tcp", domain,
                                   data->cancellable, lookup_xmpp_cb, g_object_ref (task));
}

GPtrArray *
enlist_connector_resolve_finish (GAsyncResult *result,
                                 GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
