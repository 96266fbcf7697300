/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-connector.c: SRV ordering (RFC 2782, XEP-0368) and the resolver
 * timeout that GResolver lacks in GLib 2.74, with a resolver under test control. */
#define G_LOG_DOMAIN "test-connector"

#include "config.h"

#include <string.h>

#include "enlist-connector.h"
#include "enlist-error.h"

/* ---------------------------------------------------------------------- */
/* A resolver that answers SRV lookups from a table, or never.             */

#define TEST_TYPE_RESOLVER (test_resolver_get_type ())
G_DECLARE_FINAL_TYPE (TestResolver, test_resolver, TEST, RESOLVER, GResolver)

struct _TestResolver
{
  GResolver   parent_instance;
  GHashTable *answers;      /* rrname -> GList of GSrvTarget (owned) */
  gboolean    hang;         /* never answer (until cancelled) */
  guint       lookups;
};

G_DEFINE_FINAL_TYPE (TestResolver, test_resolver, G_TYPE_RESOLVER)

static void
free_targets (gpointer data)
{
  g_list_free_full (data, (GDestroyNotify) g_srv_target_free);
}

static gpointer
copy_target (gconstpointer target,
             gpointer      user_data)
{
  return g_srv_target_copy ((GSrvTarget *) target);
}

static GList *
copy_targets (GList *targets)
{
  return g_list_copy_deep (targets, copy_target, NULL);
}

static void
hang_cancelled_cb (GCancellable *cancellable,
                   GTask        *task)
{
  g_task_return_error_if_cancelled (task);
  g_object_unref (task);
}

static void
test_resolver_lookup_service_async (GResolver          *resolver,
                                    const char         *rrname,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  TestResolver *self = TEST_RESOLVER (resolver);
  GTask *task = g_task_new (resolver, cancellable, callback, user_data);
  GList *targets;

  self->lookups++;
  if (self->hang)
    {
      g_assert_nonnull (cancellable);
      g_cancellable_connect (cancellable, G_CALLBACK (hang_cancelled_cb), task, NULL);
      return;
    }

  targets = g_hash_table_lookup (self->answers, rrname);
  if (targets == NULL)
    g_task_return_new_error (task, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                             "No such record %s", rrname);
  else
    g_task_return_pointer (task, copy_targets (targets), free_targets);
  g_object_unref (task);
}

static GList *
test_resolver_lookup_service_finish (GResolver    *resolver,
                                     GAsyncResult *result,
                                     GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_resolver_finalize (GObject *object)
{
  g_hash_table_unref (TEST_RESOLVER (object)->answers);
  G_OBJECT_CLASS (test_resolver_parent_class)->finalize (object);
}

static void
test_resolver_class_init (TestResolverClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_resolver_finalize;
  G_RESOLVER_CLASS (klass)->lookup_service_async = test_resolver_lookup_service_async;
  G_RESOLVER_CLASS (klass)->lookup_service_finish = test_resolver_lookup_service_finish;
}

static void
test_resolver_init (TestResolver *self)
{
  self->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, free_targets);
}

static void
test_resolver_add (TestResolver *self,
                   const char   *rrname,
                   const char   *host,
                   guint16       port,
                   guint16       priority,
                   guint16       weight)
{
  GList *targets = NULL;
  g_autofree char *old_key = NULL;

  g_hash_table_steal_extended (self->answers, rrname, (gpointer *) &old_key, (gpointer *) &targets);
  targets = g_list_append (targets, g_srv_target_new (host, port, priority, weight));
  g_hash_table_insert (self->answers, g_strdup (rrname), targets);
}

/* ---------------------------------------------------------------------- */

typedef struct
{
  GMainLoop *loop;
  GPtrArray *endpoints;
  GError    *error;
} ResolveResult;

static void
resolved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  ResolveResult *r = user_data;

  r->endpoints = enlist_connector_resolve_finish (result, &r->error);
  g_main_loop_quit (r->loop);
}

static GPtrArray *
resolve_sync (GResolver  *resolver,
              const char *domain,
              guint       timeout_ms,
              GError    **error)
{
  ResolveResult r = { g_main_loop_new (NULL, FALSE), NULL, NULL };

  enlist_connector_resolve_async (resolver, domain, timeout_ms, NULL, resolved_cb, &r);
  g_main_loop_run (r.loop);
  g_main_loop_unref (r.loop);
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.endpoints;
}

static EnlistEndpoint *
endpoint_at (GPtrArray *endpoints,
             guint      i)
{
  g_assert_cmpuint (i, <, endpoints->len);
  return g_ptr_array_index (endpoints, i);
}

static void
test_order_priority (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  GList *xmpps = NULL, *xmpp = NULL;
  g_autoptr(GPtrArray) order = NULL;

  xmpps = g_list_append (xmpps, g_srv_target_new ("tls-b.example", 443, 20, 0));
  xmpps = g_list_append (xmpps, g_srv_target_new ("tls-a.example", 5223, 5, 0));
  xmpp = g_list_append (xmpp, g_srv_target_new ("plain-a.example", 5222, 5, 0));
  xmpp = g_list_append (xmpp, g_srv_target_new ("plain-b.example", 5222, 10, 0));

  order = enlist_connector_order (xmpps, xmpp, rand);
  g_assert_cmpuint (order->len, ==, 4);
  /* priority 5: direct TLS first at equal priority */
  g_assert_cmpstr (endpoint_at (order, 0)->host, ==, "tls-a.example");
  g_assert_true (endpoint_at (order, 0)->direct_tls);
  g_assert_cmpuint (endpoint_at (order, 0)->port, ==, 5223);
  g_assert_cmpstr (endpoint_at (order, 1)->host, ==, "plain-a.example");
  g_assert_false (endpoint_at (order, 1)->direct_tls);
  g_assert_cmpstr (endpoint_at (order, 2)->host, ==, "plain-b.example");
  g_assert_cmpstr (endpoint_at (order, 3)->host, ==, "tls-b.example");

  g_list_free_full (xmpps, (GDestroyNotify) g_srv_target_free);
  g_list_free_full (xmpp, (GDestroyNotify) g_srv_target_free);
}

static void
test_order_weight (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  GList *xmpp = NULL;
  guint heavy_first = 0, zero_first = 0;
  const guint rounds = 2000;

  xmpp = g_list_append (xmpp, g_srv_target_new ("light.example", 5222, 1, 10));
  xmpp = g_list_append (xmpp, g_srv_target_new ("heavy.example", 5222, 1, 90));
  xmpp = g_list_append (xmpp, g_srv_target_new ("zero.example", 5222, 1, 0));

  for (guint i = 0; i < rounds; i++)
    {
      g_autoptr(GPtrArray) order = enlist_connector_order (NULL, xmpp, rand);

      g_assert_cmpuint (order->len, ==, 3);
      if (g_str_equal (endpoint_at (order, 0)->host, "heavy.example"))
        heavy_first++;
      if (g_str_equal (endpoint_at (order, 0)->host, "zero.example"))
        zero_first++;
    }

  /* 90 of 101 weight units (the zero-weight record gets the one extra slot) */
  g_assert_cmpuint (heavy_first, >, rounds * 80 / 100);
  g_assert_cmpuint (heavy_first, <, rounds * 96 / 100);
  g_assert_cmpuint (zero_first, <, rounds * 5 / 100);

  g_list_free_full (xmpp, (GDestroyNotify) g_srv_target_free);
}

static void
test_resolve_records (void)
{
  g_autoptr(TestResolver) resolver = g_object_new (TEST_TYPE_RESOLVER, NULL);
  g_autoptr(GPtrArray) endpoints = NULL;
  g_autoptr(GError) error = NULL;

  test_resolver_add (resolver, "_xmpps-client._tcp.example.org", "xmpp.example.org", 443, 10, 0);
  test_resolver_add (resolver, "_xmpp-client._tcp.example.org", "xmpp.example.org", 5222, 10, 0);
  test_resolver_add (resolver, "_xmpp-client._tcp.example.org", "backup.example.org", 5222, 20, 0);

  endpoints = resolve_sync (G_RESOLVER (resolver), "example.org", 1000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (endpoints->len, ==, 3);
  g_assert_true (endpoint_at (endpoints, 0)->direct_tls);
  g_assert_cmpuint (endpoint_at (endpoints, 0)->port, ==, 443);
  g_assert_false (endpoint_at (endpoints, 1)->direct_tls);
  g_assert_cmpstr (endpoint_at (endpoints, 2)->host, ==, "backup.example.org");
  g_assert_cmpuint (resolver->lookups, ==, 2);
}

static void
test_resolve_fallback (void)
{
  g_autoptr(TestResolver) resolver = g_object_new (TEST_TYPE_RESOLVER, NULL);
  g_autoptr(GPtrArray) endpoints = NULL;
  g_autoptr(GError) error = NULL;

  endpoints = resolve_sync (G_RESOLVER (resolver), "norecords.example", 1000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (endpoints->len, ==, 1);
  g_assert_cmpstr (endpoint_at (endpoints, 0)->host, ==, "norecords.example");
  g_assert_cmpuint (endpoint_at (endpoints, 0)->port, ==, 5222);
  g_assert_false (endpoint_at (endpoints, 0)->direct_tls);
}

static void
test_resolve_timeout (void)
{
  g_autoptr(TestResolver) resolver = g_object_new (TEST_TYPE_RESOLVER, NULL);
  g_autoptr(GPtrArray) endpoints = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start, elapsed;

  resolver->hang = TRUE;
  start = g_get_monotonic_time ();
  endpoints = resolve_sync (G_RESOLVER (resolver), "slow.example", 300, &error);
  elapsed = g_get_monotonic_time () - start;

  /* a DNS server that never answers costs the timeout, then the fallback */
  g_assert_no_error (error);
  g_assert_cmpint (elapsed, >=, 250 * 1000);
  g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpuint (endpoints->len, ==, 1);
  g_assert_cmpstr (endpoint_at (endpoints, 0)->host, ==, "slow.example");
}

static void
test_resolve_no_service (void)
{
  g_autoptr(TestResolver) resolver = g_object_new (TEST_TYPE_RESOLVER, NULL);
  g_autoptr(GPtrArray) endpoints = NULL;
  g_autoptr(GError) error = NULL;

  /* RFC 2782: a single record with target "." says "not available here" */
  test_resolver_add (resolver, "_xmpp-client._tcp.noxmpp.example", ".", 0, 0, 0);
  endpoints = resolve_sync (G_RESOLVER (resolver), "noxmpp.example", 1000, &error);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_DNS);
  g_assert_null (endpoints);
  g_assert_nonnull (strstr (error->message, "noxmpp.example"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/connector/order/priority", test_order_priority);
  g_test_add_func ("/connector/order/weight", test_order_weight);
  g_test_add_func ("/connector/resolve/records", test_resolve_records);
  g_test_add_func ("/connector/resolve/fallback", test_resolve_fallback);
  g_test_add_func ("/connector/resolve/timeout", test_resolve_timeout);
  g_test_add_func ("/connector/resolve/no-service", test_resolve_no_service);

  return g_test_run ();
}
