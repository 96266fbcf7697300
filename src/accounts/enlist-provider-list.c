/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-provider-list.c: the providers the sign-up assistant suggests, as a
 * GListModel: demo providers first, then the bundled list or whichever newer
 * copy replaced it. Loading the cached copy and refreshing over HTTPS are
 * asynchronous and never required: whatever goes wrong, the list keeps what
 * it had and only the caller hears of it. Documents are parsed off the main
 * loop (enlist-provider-parser.c). */
#define G_LOG_DOMAIN "enlist-provider-list"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "enlist-error.h"
#include "enlist-provider-download.h"
#include "enlist-provider-list.h"
#include "enlist-provider-parser.h"
#include "enlist-provider-private.h"
#include "enlist-tls-policy.h"

#define CACHE_DIR_NAME   "enlist"
#define CACHE_FILE_NAME  "providers.json"
/* Sockets that wait longer than this fail even before the deadline. */
#define HTTP_IO_TIMEOUT_S 60

struct _EnlistProviderList
{
  GObject       parent_instance;

  GPtrArray    *demos;          /* EnlistProvider */
  GPtrArray    *providers;      /* EnlistProvider */
  guint32       newest;         /* Julian day of the data held; 0: unknown */

  char         *url;
  guint         timeout_ms;
  EnlistTlsPolicy *policy;   /* the session's TLS database */
  SoupSession  *session;
  gboolean      refreshing;

  /* what the server said identifies the document the list holds */
  char         *validators_url;
  char         *etag;
  char         *last_modified;
};

static void enlist_provider_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (EnlistProviderList, enlist_provider_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      enlist_provider_list_model_init))

enum {
  PROP_0,
  PROP_URL,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---------------------------------------------------------------------- */
/* GListModel                                                              */

static GType
enlist_provider_list_get_item_type (GListModel *model)
{
  return ENLIST_TYPE_PROVIDER;
}

static guint
enlist_provider_list_get_n_items (GListModel *model)
{
  EnlistProviderList *self = ENLIST_PROVIDER_LIST (model);

  return self->demos->len + self->providers->len;
}

static gpointer
enlist_provider_list_get_item (GListModel *model,
                               guint       position)
{
  EnlistProviderList *self = ENLIST_PROVIDER_LIST (model);

  if (position < self->demos->len)
    return g_object_ref (g_ptr_array_index (self->demos, position));
  position -= self->demos->len;
  if (position < self->providers->len)
    return g_object_ref (g_ptr_array_index (self->providers, position));
  return NULL;
}

static void
enlist_provider_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = enlist_provider_list_get_item_type;
  iface->get_n_items = enlist_provider_list_get_n_items;
  iface->get_item = enlist_provider_list_get_item;
}

/* ---------------------------------------------------------------------- */

static void
clear_validators (EnlistProviderList *self)
{
  g_clear_pointer (&self->validators_url, g_free);
  g_clear_pointer (&self->etag, g_free);
  g_clear_pointer (&self->last_modified, g_free);
}

/* Takes providers. */
static void
replace_providers (EnlistProviderList *self,
                   GPtrArray          *providers,
                   guint32             newest)
{
  guint removed = self->providers->len;

  g_ptr_array_unref (self->providers);
  self->providers = providers;
  self->newest = newest;
  clear_validators (self);
  g_list_model_items_changed (G_LIST_MODEL (self), self->demos->len, removed, providers->len);
}

static char *
cache_path (void)
{
  return g_build_filename (g_get_user_cache_dir (), CACHE_DIR_NAME, CACHE_FILE_NAME, NULL);
}

/* ---------------------------------------------------------------------- */
/* Parsing, and reading or writing the cache, in a worker thread           */

typedef struct
{
  char      *path;       /* read the document from here… */
  GBytes    *bytes;      /* …or parse these; written to path when writing */
  char     **languages;
  GPtrArray *providers;  /* results */
  guint32    newest;
} Job;

static void
job_free (Job *job)
{
  g_free (job->path);
  g_clear_pointer (&job->bytes, g_bytes_unref);
  g_strfreev (job->languages);
  g_clear_pointer (&job->providers, g_ptr_array_unref);
  g_free (job);
}

static Job *
job_new (const char *path,
         GBytes     *bytes)
{
  Job *job = g_new0 (Job, 1);

  job->path = g_strdup (path);
  job->bytes = bytes ? g_bytes_ref (bytes) : NULL;
  job->languages = g_strdupv ((char **) g_get_language_names ());
  return job;
}

/* Reads the cached copy, bounded like a download. FALSE without an error if
 * there is none. */
static gboolean
read_cache (Job     *job,
            guint32 *saved_day,
            GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (job->path);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDateTime) modified = NULL;
  char *contents = NULL;
  gsize len = 0;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                            G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                            G_FILE_ATTRIBUTE_TIME_MODIFIED,
                            G_FILE_QUERY_INFO_NONE, NULL, &local_error);
  if (info == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return FALSE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_FAILED,
                   _("The saved provider list %s is not a file."), job->path);
      return FALSE;
    }
  if (g_file_info_get_size (info) > ENLIST_PROVIDER_LIST_MAX_BYTES)
    {
      g_autofree char *limit = g_format_size (ENLIST_PROVIDER_LIST_MAX_BYTES);

      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                   _("The provider list is too large: it is over %s, the most that is accepted."),
                   limit);
      return FALSE;
    }
  if (!g_file_load_contents (file, NULL, &contents, &len, NULL, error))
    return FALSE;
  job->bytes = g_bytes_new_take (contents, len);

  modified = g_file_info_get_modification_date_time (info);
  if (modified != NULL)
    {
      GDate date;

      g_date_clear (&date, 1);
      g_date_set_dmy (&date, g_date_time_get_day_of_month (modified),
                      g_date_time_get_month (modified), g_date_time_get_year (modified));
      *saved_day = g_date_get_julian (&date);
    }
  return TRUE;
}

static void
parse_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  guint32 saved_day = 0;

  if (job->bytes == NULL)
    {
      if (!read_cache (job, &saved_day, &error))
        {
          if (error != NULL)
            g_task_return_error (task, error);
          else
            g_task_return_boolean (task, FALSE);
          return;
        }
    }

  job->providers = enlist_provider_parse (job->bytes, (const char * const *) job->languages,
                                          &job->newest, &error);
  if (job->providers == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* a copy without dates is as new as the day it was saved */
  if (job->newest == 0)
    job->newest = saved_day;
  g_task_return_boolean (task, TRUE);
}

/* Atomically (a temporary file renamed over the old one); the list is
 * public data, so the usual permissions. */
static void
write_cache_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Job *job = task_data;
  g_autofree char *dir = g_path_get_dirname (job->path);
  const char *data;
  gsize len;
  GError *error = NULL;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               "%s: %s", dir, g_strerror (saved_errno));
      return;
    }
  data = g_bytes_get_data (job->bytes, &len);
  if (!g_file_set_contents_full (job->path, data, (gssize) len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* ---------------------------------------------------------------------- */
/* Loading                                                                 */

gboolean
enlist_provider_list_load_bytes (EnlistProviderList  *self,
                                 GBytes              *bytes,
                                 GError             **error)
{
  GPtrArray *providers;
  guint32 newest = 0;

  g_return_val_if_fail (ENLIST_IS_PROVIDER_LIST (self), FALSE);
  g_return_val_if_fail (bytes != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  providers = enlist_provider_parse (bytes, NULL, &newest, error);
  if (providers == NULL)
    return FALSE;
  replace_providers (self, providers, newest);
  return TRUE;
}

gboolean
enlist_provider_list_load_bundled (EnlistProviderList  *self,
                                   GError             **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (ENLIST_IS_PROVIDER_LIST (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  bytes = g_resources_lookup_data (ENLIST_PROVIDER_LIST_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE,
                                   error);
  if (bytes == NULL)
    return FALSE;
  return enlist_provider_list_load_bytes (self, bytes, error);
}

static void
cache_parsed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistProviderList *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (error != NULL)
        {
          g_prefix_error (&error, _("The saved provider list could not be used: "));
          g_task_return_error (task, error);
        }
      else
        g_task_return_boolean (task, FALSE);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  if (job->newest <= self->newest)
    {
      g_debug ("The saved provider list is not newer than the one loaded");
      g_task_return_boolean (task, FALSE);
      return;
    }
  replace_providers (self, g_steal_pointer (&job->providers), job->newest);
  g_task_return_boolean (task, TRUE);
}

void
enlist_provider_list_load_cache_async (EnlistProviderList  *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) parse = NULL;
  g_autofree char *path = cache_path ();

  g_return_if_fail (ENLIST_IS_PROVIDER_LIST (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_provider_list_load_cache_async);

  /* no source object: the thread may drop the last reference to the task */
  parse = g_task_new (NULL, cancellable, cache_parsed_cb, g_steal_pointer (&task));
  g_task_set_source_tag (parse, parse_thread);
  g_task_set_task_data (parse, job_new (path, NULL), (GDestroyNotify) job_free);
  g_task_run_in_thread (parse, parse_thread);
}

gboolean
enlist_provider_list_load_cache_finish (EnlistProviderList  *self,
                                        GAsyncResult        *result,
                                        GError             **error)
{
  g_return_val_if_fail (ENLIST_IS_PROVIDER_LIST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* Demo providers, lookup and search                                       */

void
enlist_provider_list_add_demo (EnlistProviderList *self,
                               EnlistProvider     *provider)
{
  g_return_if_fail (ENLIST_IS_PROVIDER_LIST (self));
  g_return_if_fail (ENLIST_IS_PROVIDER (provider));
  g_return_if_fail (enlist_provider_get_is_demo (provider));

  g_ptr_array_add (self->demos, g_object_ref (provider));
  g_list_model_items_changed (G_LIST_MODEL (self), self->demos->len - 1, 0, 1);
}

EnlistProvider *
enlist_provider_list_lookup (EnlistProviderList *self,
                             const char         *domain)
{
  g_autofree char *normalized = NULL;
  GPtrArray *arrays[2];

  g_return_val_if_fail (ENLIST_IS_PROVIDER_LIST (self), NULL);
  g_return_val_if_fail (domain != NULL, NULL);

  normalized = enlist_provider_normalize_domain (domain, TRUE);
  if (normalized == NULL)
    return NULL;

  arrays[0] = self->demos;
  arrays[1] = self->providers;
  for (guint a = 0; a < G_N_ELEMENTS (arrays); a++)
    for (guint i = 0; i < arrays[a]->len; i++)
      {
        EnlistProvider *provider = g_ptr_array_index (arrays[a], i);

        if (g_str_equal (enlist_provider_get_domain (provider), normalized))
          return provider;
      }
  return NULL;
}

typedef enum
{
  MATCH_EXACT,
  MATCH_PREFIX,
  MATCH_LABEL,
  MATCH_CONTAINS,
  MATCH_NONE,
} MatchKind;

typedef struct
{
  EnlistProvider *provider;
  gboolean        demo;
  MatchKind       kind;
  guint           requirements;
  gsize           domain_len;
  guint           position;
} Match;

static MatchKind
match_domain (const char *domain,
              const char *needle)
{
  g_autofree char *folded = NULL;
  const char *found;

  if (*needle == '\0')
    return MATCH_CONTAINS;
  folded = g_utf8_casefold (domain, -1);
  if (g_str_equal (folded, needle))
    return MATCH_EXACT;
  if (g_str_has_prefix (folded, needle))
    return MATCH_PREFIX;

  found = strstr (folded, needle);
  if (found == NULL)
    return MATCH_NONE;
  for (; found != NULL; found = strstr (found + 1, needle))
    if (found[-1] == '.' || found[-1] == '-')
      return MATCH_LABEL;
  return MATCH_CONTAINS;
}

static int
compare_matches (gconstpointer a,
                 gconstpointer b)
{
  const Match *x = a;
  const Match *y = b;
  gboolean x_in_band = enlist_provider_get_in_band_registration (x->provider);
  gboolean y_in_band = enlist_provider_get_in_band_registration (y->provider);

  if (x->demo != y->demo)
    return x->demo ? -1 : 1;
  if (x->demo)
    return (int) x->position - (int) y->position;
  if (x->kind != y->kind)
    return (int) x->kind - (int) y->kind;
  if (x_in_band != y_in_band)
    return x_in_band ? -1 : 1;
  if (x->requirements != y->requirements)
    return (int) x->requirements - (int) y->requirements;
  if (x->domain_len != y->domain_len)
    return x->domain_len < y->domain_len ? -1 : 1;
  return strcmp (enlist_provider_get_domain (x->provider),
                 enlist_provider_get_domain (y->provider));
}

GListModel *
enlist_provider_list_search (EnlistProviderList *self,
                             const char         *text,
                             guint               max_results)
{
  g_autoptr(GArray) matches = g_array_new (FALSE, FALSE, sizeof (Match));
  g_autofree char *stripped = NULL;
  g_autofree char *needle = NULL;
  GListStore *store = g_list_store_new (ENLIST_TYPE_PROVIDER);
  const char *at;
  guint n;

  g_return_val_if_fail (ENLIST_IS_PROVIDER_LIST (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  if (!g_utf8_validate (text, -1, NULL))
    return G_LIST_MODEL (store);
  at = strrchr (text, '@');
  stripped = g_strstrip (g_strdup (at != NULL ? at + 1 : text));
  needle = g_utf8_casefold (stripped, -1);

  n = g_list_model_get_n_items (G_LIST_MODEL (self));
  for (guint i = 0; i < n; i++)
    {
      EnlistProvider *provider = i < self->demos->len
                                 ? g_ptr_array_index (self->demos, i)
                                 : g_ptr_array_index (self->providers, i - self->demos->len);
      Match match = { 0 };

      match.kind = match_domain (enlist_provider_get_domain (provider), needle);
      if (match.kind == MATCH_NONE)
        continue;
      match.provider = provider;
      match.demo = enlist_provider_get_is_demo (provider);
      match.requirements = enlist_provider_get_needs_captcha (provider)
                           + enlist_provider_get_needs_email (provider)
                           + enlist_provider_get_needs_invitation (provider);
      match.domain_len = strlen (enlist_provider_get_domain (provider));
      match.position = i;
      g_array_append_val (matches, match);
    }

  g_array_sort (matches, compare_matches);
  for (guint i = 0; i < matches->len && (max_results == 0 || i < max_results); i++)
    g_list_store_append (store, g_array_index (matches, Match, i).provider);
  return G_LIST_MODEL (store);
}

/* ---------------------------------------------------------------------- */
/* Settings                                                                */

const char *
enlist_provider_list_get_url (EnlistProviderList *self)
{
  g_return_val_if_fail (ENLIST_IS_PROVIDER_LIST (self), NULL);
  return self->url;
}

void
enlist_provider_list_set_url (EnlistProviderList *self,
                              const char         *url)
{
  g_return_if_fail (ENLIST_IS_PROVIDER_LIST (self));

  if (url != NULL && *url == '\0')
    url = NULL;
  if (g_strcmp0 (self->url, url) == 0)
    return;
  g_free (self->url);
  self->url = g_strdup (url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
}

guint
enlist_provider_list_get_timeout (EnlistProviderList *self)
{
  g_return_val_if_fail (ENLIST_IS_PROVIDER_LIST (self), 0);
  return self->timeout_ms;
}

void
enlist_provider_list_set_timeout (EnlistProviderList *self,
                                  guint               timeout_ms)
{
  g_return_if_fail (ENLIST_IS_PROVIDER_LIST (self));
  g_return_if_fail (timeout_ms > 0);

  if (self->timeout_ms == timeout_ms)
    return;
  self->timeout_ms = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

gboolean
enlist_provider_list_set_ca_file (EnlistProviderList  *self,
                                  const char          *path,
                                  GError             **error)
{
  g_return_val_if_fail (ENLIST_IS_PROVIDER_LIST (self), FALSE);

  /* pooled connections were accepted under the old anchors */
  if (self->session != NULL)
    soup_session_abort (self->session);
  return enlist_tls_policy_set_ca_file (self->policy, path, error);
}

/* ---------------------------------------------------------------------- */
/* Refreshing                                                              */

typedef struct
{
  char   *url;
  char   *etag;
  char   *last_modified;
  GBytes *bytes;
} Refresh;

static void
refresh_free (Refresh *refresh)
{
  g_free (refresh->url);
  g_free (refresh->etag);
  g_free (refresh->last_modified);
  g_clear_pointer (&refresh->bytes, g_bytes_unref);
  g_free (refresh);
}

/* Takes task, and error if not NULL. */
static void
refresh_return (GTask  *task,
                GError *error)
{
  EnlistProviderList *self = g_task_get_source_object (task);

  self->refreshing = FALSE;
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
cache_written_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  /* the list is already replaced: a copy not kept costs only the next start */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_debug ("The provider list could not be saved: %s", error->message);
  refresh_return (task, NULL);
}

static void
refresh_parsed_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  EnlistProviderList *self = g_task_get_source_object (task);
  Refresh *refresh = g_task_get_task_data (task);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GTask) write = NULL;
  g_autofree char *path = NULL;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      refresh_return (task, error);
      return;
    }
  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      refresh_return (task, error);
      return;
    }

  replace_providers (self, g_steal_pointer (&job->providers), job->newest);
  self->validators_url = g_strdup (refresh->url);
  self->etag = g_strdup (refresh->etag);
  self->last_modified = g_strdup (refresh->last_modified);

  path = cache_path ();
  write = g_task_new (NULL, NULL, cache_written_cb, task);
  g_task_set_source_tag (write, write_cache_thread);
  g_task_set_task_data (write, job_new (path, refresh->bytes), (GDestroyNotify) job_free);
  g_task_run_in_thread (write, write_cache_thread);
}

static void
downloaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Refresh *refresh = g_task_get_task_data (task);
  g_autoptr(GTask) parse = NULL;
  gboolean not_modified = FALSE;
  GError *error = NULL;

  refresh->bytes = enlist_provider_download_finish (result, &not_modified, &refresh->etag,
                                                    &refresh->last_modified, &error);
  if (refresh->bytes == NULL)
    {
      if (not_modified)
        g_debug ("The provider list at %s has not changed", refresh->url);
      refresh_return (task, error);
      return;
    }

  parse = g_task_new (NULL, g_task_get_cancellable (task), refresh_parsed_cb, task);
  g_task_set_source_tag (parse, parse_thread);
  g_task_set_task_data (parse, job_new (NULL, refresh->bytes), (GDestroyNotify) job_free);
  g_task_run_in_thread (parse, parse_thread);
}

static SoupSession *
ensure_session (EnlistProviderList *self)
{
  if (self->session == NULL)
    {
      /* see enlist-media.c: libsoup applies the session's database late */
      enlist_tls_policy_install_default ();
      self->session = soup_session_new_with_options ("timeout", HTTP_IO_TIMEOUT_S,
                                                     "idle-timeout", HTTP_IO_TIMEOUT_S,
                                                     "user-agent", "Enlist/" PACKAGE_VERSION " ",
                                                     "tls-database", self->policy,
                                                     NULL);
    }
  return self->session;
}

void
enlist_provider_list_refresh_async (EnlistProviderList  *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Refresh *refresh;
  gboolean same_document;

  g_return_if_fail (ENLIST_IS_PROVIDER_LIST (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_provider_list_refresh_async);
  /* once the list is replaced the refresh has happened, cancelled or not */
  g_task_set_check_cancellable (task, FALSE);

  if (self->url == NULL)
    {
      g_task_return_new_error (task, ENLIST_ERROR, ENLIST_ERROR_FAILED, "%s",
                               _("No address is set from which to update the provider list."));
      return;
    }
  if (self->refreshing)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "%s",
                               _("The provider list is already being updated."));
      return;
    }

  self->refreshing = TRUE;
  refresh = g_new0 (Refresh, 1);
  refresh->url = g_strdup (self->url);
  g_task_set_task_data (task, refresh, (GDestroyNotify) refresh_free);

  /* ask whether it changed only when the list holds what that address sent */
  same_document = g_strcmp0 (self->validators_url, self->url) == 0;
  enlist_provider_download_async (ensure_session (self), self->url,
                                  same_document ? self->etag : NULL,
                                  same_document ? self->last_modified : NULL,
                                  self->timeout_ms, cancellable, downloaded_cb,
                                  g_steal_pointer (&task));
}

gboolean
enlist_provider_list_refresh_finish (EnlistProviderList  *self,
                                     GAsyncResult        *result,
                                     GError             **error)
{
  g_return_val_if_fail (ENLIST_IS_PROVIDER_LIST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */

EnlistProviderList *
enlist_provider_list_new (void)
{
  return g_object_new (ENLIST_TYPE_PROVIDER_LIST, NULL);
}

static void
enlist_provider_list_dispose (GObject *object)
{
  EnlistProviderList *self = ENLIST_PROVIDER_LIST (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (enlist_provider_list_parent_class)->dispose (object);
}

static void
enlist_provider_list_finalize (GObject *object)
{
  EnlistProviderList *self = ENLIST_PROVIDER_LIST (object);

  g_ptr_array_unref (self->demos);
  g_ptr_array_unref (self->providers);
  g_free (self->url);
  g_clear_object (&self->policy);
  clear_validators (self);

  G_OBJECT_CLASS (enlist_provider_list_parent_class)->finalize (object);
}

static void
enlist_provider_list_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  EnlistProviderList *self = ENLIST_PROVIDER_LIST (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_provider_list_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  EnlistProviderList *self = ENLIST_PROVIDER_LIST (object);

  switch (prop_id)
    {
    case PROP_URL:
      enlist_provider_list_set_url (self, g_value_get_string (value));
      break;
    case PROP_TIMEOUT:
      enlist_provider_list_set_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_provider_list_class_init (EnlistProviderListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = enlist_provider_list_dispose;
  object_class->finalize = enlist_provider_list_finalize;
  object_class->get_property = enlist_provider_list_get_property;
  object_class->set_property = enlist_provider_list_set_property;

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, G_MAXUINT, ENLIST_PROVIDER_LIST_DEFAULT_TIMEOUT_MS,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
enlist_provider_list_init (EnlistProviderList *self)
{
  self->demos = g_ptr_array_new_with_free_func (g_object_unref);
  self->providers = g_ptr_array_new_with_free_func (g_object_unref);
  self->timeout_ms = ENLIST_PROVIDER_LIST_DEFAULT_TIMEOUT_MS;
  self->policy = enlist_tls_policy_new ();
}
