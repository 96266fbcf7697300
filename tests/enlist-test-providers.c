/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-providers.c: what the provider list's tests share
 * (enlist-test-providers.h). */
#define G_LOG_DOMAIN "test-providers"

#include "config.h"

#include "enlist-test-providers.h"

/* A document of n valid providers named <prefix><i>.example, alternately
 * in-band and web-only, all changed on latest_change. */
char *
enlist_test_make_document (guint       n,
                           const char *prefix,
                           const char *latest_change)
{
  GString *out = g_string_new ("[");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (out,
                            "%s{\"jid\": \"%s%u.example\", \"inBandRegistration\": %s, "
                            "\"registrationWebPage\": {\"en\": \"https://%s%u.example/join\"}, "
                            "\"website\": {\"en\": \"https://%s%u.example\"}, "
                            "\"serverLocations\": [\"de\"], \"latestChange\": \"%s\"}",
                            i == 0 ? "" : ",\n", prefix, i, i % 2 == 0 ? "true" : "false",
                            prefix, i, prefix, i, latest_change);
  g_string_append (out, "]\n");
  return g_string_free (out, FALSE);
}

EnlistProvider *
enlist_test_provider_at (GListModel *model,
                         guint       position)
{
  EnlistProvider *provider = g_list_model_get_item (model, position);

  /* the model keeps its own reference */
  g_object_unref (provider);
  return provider;
}

const char *
enlist_test_domain_at (gpointer model,
                       guint    position)
{
  return enlist_provider_get_domain (enlist_test_provider_at (G_LIST_MODEL (model), position));
}

void
enlist_test_log_items_changed (GListModel *model,
                               guint       position,
                               guint       removed,
                               guint       added,
                               gpointer    user_data)
{
  GString *log = user_data;

  g_string_append_printf (log, "%u-%u+%u;", position, removed, added);
}
