/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-bench-load.c: N registrations and M logins in flight at once from
 * one process on one GMainLoop, through the public service API
 * (enlist-load.c does the run), against a server that is already running
 * (bench/run-load starts Prosody with its limits raised, inside a private
 * keyring): wall and CPU time, peak RSS, the heap in use before, at the
 * peak and after everything was freed, open descriptors before and after,
 * every outcome, and the keyring checked and emptied again. Prints a table;
 * --json writes the same as JSON. Exits 1 when anything but the server's
 * own refusals failed, a descriptor stayed open, or the keyring is not
 * accounted for.
 *
 *   enlist-bench-load --port P --ca-file CERT [--domain localhost]
 *                     [--host 127.0.0.1] [--registrations 500] [--logins 500]
 *                     [--prepare-batch 50] [--timeout-ms MS] [--json FILE] */
#define G_LOG_DOMAIN "enlist-bench-load"

#include "config.h"

#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "enlist-load.h"

/* How long the main loop must have nothing to do before the memory after
 * the run is read: callbacks still queued drop their last references. */
#define SETTLE_MS 500

typedef struct
{
  gsize   heap;      /* malloc'd bytes in use, mmapped chunks included */
  gsize   rss_kb;
  gsize   hwm_kb;
  gsize   threads;
} Memory;

typedef struct
{
  Memory  baseline;
  Memory  peak;        /* heap: the highest sampled; rss: the highest VmRSS sampled */
  Memory  after;
  guint   samples;
} Watch;

/* What the account manager and the keyring note in their debug messages
 * (why a password was not saved, say), digits made N, counted. */
static void
on_debug (const char     *domain,
          GLogLevelFlags  level,
          const char     *message,
          gpointer        user_data)
{
  GHashTable *notes = user_data;
  GString *key = g_string_new (domain);

  g_string_append (key, ": ");
  for (const char *p = message; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      g_string_append_c (key, *p);
    else if (p == message || !g_ascii_isdigit (p[-1]))
      g_string_append_c (key, 'N');
  g_hash_table_replace (notes, g_strdup (key->str),
                        GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (notes, key->str))
                                          + 1));
  g_string_free (key, TRUE);
}

static gsize
heap_in_use (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return info.uordblks + info.hblkhd;
}

/* VmRSS and VmHWM from /proc/self/status, in kB. */
static void
read_status_full (gsize *rss_kb,
                  gsize *hwm_kb,
                  gsize *threads)
{
  g_autofree char *status = NULL;
  const char *p;

  *rss_kb = *hwm_kb = *threads = 0;
  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return;
  if ((p = strstr (status, "\nThreads:")) != NULL)
    *threads = g_ascii_strtoull (p + 9, NULL, 10);
  if ((p = strstr (status, "\nVmRSS:")) != NULL)
    *rss_kb = g_ascii_strtoull (p + 7, NULL, 10);
  if ((p = strstr (status, "\nVmHWM:")) != NULL)
    *hwm_kb = g_ascii_strtoull (p + 7, NULL, 10);
}

static void
read_status (gsize *rss_kb,
             gsize *hwm_kb)
{
  gsize threads;

  read_status_full (rss_kb, hwm_kb, &threads);
}

/* Writing "5" to clear_refs resets VmHWM to VmRSS (Linux 4.0); written in
 * place, not replaced as g_file_set_contents would. */
static gboolean
reset_hwm (void)
{
  int fd = open ("/proc/self/clear_refs", O_WRONLY);
  gboolean done;

  if (fd < 0)
    return FALSE;
  done = write (fd, "5", 1) == 1;
  close (fd);
  return done;
}

static void
measure (Memory *memory)
{
  malloc_trim (0);
  memory->heap = heap_in_use ();
  read_status_full (&memory->rss_kb, &memory->hwm_kb, &memory->threads);
}

/* Called after every step of every operation. */
static void
on_step (gpointer user_data)
{
  Watch *watch = user_data;
  gsize heap = heap_in_use ();

  watch->samples++;
  if (heap > watch->peak.heap)
    watch->peak.heap = heap;
}

static gboolean
on_sample (gpointer user_data)
{
  Watch *watch = user_data;
  gsize rss_kb, hwm_kb;

  on_step (watch);
  read_status (&rss_kb, &hwm_kb);
  watch->peak.rss_kb = MAX (watch->peak.rss_kb, rss_kb);
  return G_SOURCE_CONTINUE;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static gboolean
on_settled (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until it has had nothing to do for SETTLE_MS. */
static void
settle (void)
{
  gboolean quiet = FALSE;

  while (!quiet)
    {
      guint id;

      while (g_main_context_iteration (NULL, FALSE))
        ;
      id = g_timeout_add (SETTLE_MS, on_settled, &quiet);
      /* Anything but the timeout dispatched: start over. */
      if (g_main_context_iteration (NULL, TRUE) && !quiet)
        g_source_remove (id);
    }
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6
         + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static void
raise_nofile (struct rlimit *limit)
{
  getrlimit (RLIMIT_NOFILE, limit);
  if (limit->rlim_cur < limit->rlim_max)
    {
      limit->rlim_cur = limit->rlim_max;
      if (setrlimit (RLIMIT_NOFILE, limit) != 0)
        g_printerr ("enlist-bench-load: cannot raise the open files limit: %s\n",
                    g_strerror (errno));
      getrlimit (RLIMIT_NOFILE, limit);
    }
}

static void
add_memory (JsonBuilder  *builder,
            const char   *name,
            const Memory *memory)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "heap_bytes");
  json_builder_add_int_value (builder, memory->heap);
  json_builder_set_member_name (builder, "rss_kb");
  json_builder_add_int_value (builder, memory->rss_kb);
  json_builder_set_member_name (builder, "hwm_kb");
  json_builder_add_int_value (builder, memory->hwm_kb);
  json_builder_set_member_name (builder, "threads");
  json_builder_add_int_value (builder, memory->threads);
  json_builder_end_object (builder);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_double (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

/* The data directory holds files only (the account file, the pins). */
static void
remove_dir (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_remove (child);
    }
  g_clear_pointer (&dir, g_dir_close);
  g_rmdir (path);
}

static double
mib (gsize bytes)
{
  return bytes / (1024.0 * 1024.0);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *domain = g_strdup ("localhost");
  g_autofree char *host = g_strdup ("127.0.0.1");
  g_autofree char *ca_file = NULL;
  g_autofree char *json_path = NULL;
  int port = 0, n_registrations = 500, n_logins = 500, batch = 50, timeout_ms = 0, cap = 0;
  GOptionEntry entries[] = {
    { "domain", 0, 0, G_OPTION_ARG_STRING, &domain, "The XMPP domain", "DOMAIN" },
    { "host", 0, 0, G_OPTION_ARG_STRING, &host, "The server's address", "HOST" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Its STARTTLS port", "PORT" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, "Its certificate", "FILE" },
    { "registrations", 0, 0, G_OPTION_ARG_INT, &n_registrations, "Registrations at once", "N" },
    { "logins", 0, 0, G_OPTION_ARG_INT, &n_logins, "Logins at once", "M" },
    { "in-flight", 0, 0, G_OPTION_ARG_INT, &cap,
      "At most this many operations at once, the next started as one ends (0: all)", "K" },
    { "prepare-batch", 0, 0, G_OPTION_ARG_INT, &batch,
      "How many of the login accounts are made at a time beforehand", "N" },
    { "timeout-ms", 0, 0, G_OPTION_ARG_INT, &timeout_ms,
      "The operations' timeout (default: Enlist's own)", "MS" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &json_path, "Write the figures as JSON", "FILE" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- registrations and logins at once");
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autoptr(EnlistAccountManager) manager = NULL;
  g_autoptr(EnlistLoad) load = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) tallies = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GHashTable) notes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  EnlistLoadKeyring keyring = { 0 };
  EnlistLoadTimes times[ENLIST_LOAD_N_KINDS];
  struct rlimit nofile;
  Watch watch = { 0 };
  gssize entries_before, entries_after;
  int fds_before, fds_after;
  g_auto(GStrv) fds_before_list = NULL;
  g_auto(GStrv) fds_after_list = NULL;
  gint64 t0, t1;
  double cpu0, cpu1, prepare_s;
  guint sampler, failures = 0, refusals = 0, max_in_flight;
  gboolean hwm_reset, ok;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("enlist-bench-load: %s\n", error->message);
      return 2;
    }
  if (port <= 0 || port > 65535 || ca_file == NULL || n_registrations < 0 || n_logins < 0
      || batch <= 0 || timeout_ms < 0)
    {
      g_printerr ("enlist-bench-load: give --port and --ca-file (see --help)\n");
      return 2;
    }

  raise_nofile (&nofile);
  g_log_set_handler ("enlist-account-manager", G_LOG_LEVEL_DEBUG, on_debug, notes);
  g_log_set_handler ("enlist-keyring", G_LOG_LEVEL_DEBUG, on_debug, notes);

  data_dir = g_dir_make_tmp ("enlist-bench-load-XXXXXX", &error);
  if (data_dir == NULL)
    g_error ("%s", error->message);
  manager = enlist_account_manager_new (data_dir, NULL, NULL);
  if (!enlist_account_manager_set_ca_file (manager, ca_file, &error))
    g_error ("%s", error->message);
  if (timeout_ms > 0)
    enlist_account_manager_set_timeout (manager, timeout_ms);
  enlist_account_manager_load_async (manager, NULL, store_result, &result);
  if (!enlist_account_manager_load_finish (manager, wait_for (&result), &error))
    g_error ("loading the accounts: %s", error->message);
  g_clear_object (&result);

  /* One registration and one login first, forgotten again, so that what
   * is set up once per process (GnuTLS, the TLS thread pool, the system
   * trust store, the keyring's session) is in the baseline. */
  {
    g_autoptr(EnlistLoad) warm = enlist_load_new (manager, domain, host, port);
    EnlistLoadKeyring warm_keyring;

    enlist_load_prepare_async (warm, 1, 1, NULL, store_result, &result);
    if (!enlist_load_prepare_finish (warm, wait_for (&result), &error))
      g_error ("warming up: %s", error->message);
    g_clear_object (&result);
    enlist_load_run_async (warm, 1, NULL, store_result, &result);
    enlist_load_run_finish (warm, wait_for (&result));
    g_clear_object (&result);
    if (enlist_load_count (warm, ENLIST_LOAD_REGISTRATION, TRUE, FALSE) != 1
        || enlist_load_count (warm, ENLIST_LOAD_LOGIN, TRUE, FALSE) != 1)
      g_error ("warming up: the first registration or login failed");
    enlist_load_check_keyring_async (warm, NULL, store_result, &result);
    if (!enlist_load_check_keyring_finish (warm, wait_for (&result), &warm_keyring, &error))
      g_error ("warming up: %s", error->message);
    g_clear_object (&result);
    enlist_load_forget_all_async (warm, NULL, store_result, &result);
    if (!enlist_load_forget_all_finish (warm, wait_for (&result), &error))
      g_error ("warming up: %s", error->message);
    g_clear_object (&result);
  }

  load = enlist_load_new (manager, domain, host, port);

  /* The accounts for the logins, outside the measurement. */
  t0 = g_get_monotonic_time ();
  enlist_load_prepare_async (load, n_logins, batch, NULL, store_result, &result);
  if (!enlist_load_prepare_finish (load, wait_for (&result), &error))
    g_error ("making the accounts for the logins: %s", error->message);
  g_clear_object (&result);
  prepare_s = (g_get_monotonic_time () - t0) / 1e6;

  /* The baseline: the keyring's session and the manager are up. */
  enlist_load_count_entries_async (load, NULL, store_result, &result);
  entries_before = enlist_load_count_entries_finish (load, wait_for (&result), &error);
  if (entries_before < 0)
    g_error ("listing the keyring: %s", error->message);
  g_clear_object (&result);
  settle ();
  fds_before_list = enlist_load_list_fds ();
  fds_before = fds_before_list != NULL ? (int) g_strv_length (fds_before_list) : -1;
  measure (&watch.baseline);
  /* The peak is then this run's. */
  hwm_reset = reset_hwm ();
  watch.peak = watch.baseline;

  /* The run. */
  enlist_load_set_probe (load, on_step, &watch);
  enlist_load_set_max_in_flight (load, (guint) cap);
  sampler = g_timeout_add (10, on_sample, &watch);
  cpu0 = cpu_seconds ();
  t0 = g_get_monotonic_time ();
  enlist_load_run_async (load, n_registrations, NULL, store_result, &result);
  enlist_load_run_finish (load, wait_for (&result));
  t1 = g_get_monotonic_time ();
  cpu1 = cpu_seconds ();
  g_clear_object (&result);
  g_source_remove (sampler);
  enlist_load_set_probe (load, NULL, NULL);
  {
    gsize rss_kb;

    read_status (&rss_kb, &watch.peak.hwm_kb);
    watch.peak.rss_kb = MAX (watch.peak.rss_kb, rss_kb);
  }

  /* Every registered account's password in the keyring, then none. */
  enlist_load_check_keyring_async (load, NULL, store_result, &result);
  if (!enlist_load_check_keyring_finish (load, wait_for (&result), &keyring, &error))
    g_error ("checking the keyring: %s", error->message);
  g_clear_object (&result);
  enlist_load_forget_all_async (load, NULL, store_result, &result);
  if (!enlist_load_forget_all_finish (load, wait_for (&result), &error))
    g_error ("forgetting the accounts: %s", error->message);
  g_clear_object (&result);
  enlist_load_count_entries_async (load, NULL, store_result, &result);
  entries_after = enlist_load_count_entries_finish (load, wait_for (&result), &error);
  if (entries_after < 0)
    g_error ("listing the keyring: %s", error->message);
  g_clear_object (&result);

  /* The figures, then everything of the run freed, then the memory after. */
  for (guint k = 0; k < ENLIST_LOAD_N_KINDS; k++)
    enlist_load_get_times (load, k, &times[k]);
  max_in_flight = enlist_load_get_max_in_flight (load);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_int (builder, "registrations", n_registrations);
  add_int (builder, "logins", n_logins);
  add_int (builder, "max_in_flight", max_in_flight);
  add_int (builder, "in_flight_cap", cap);
  add_double (builder, "prepare_seconds", prepare_s);
  add_double (builder, "wall_seconds", (t1 - t0) / 1e6);
  add_double (builder, "cpu_seconds", cpu1 - cpu0);
  json_builder_set_member_name (builder, "times_ms");
  json_builder_begin_object (builder);
  for (guint k = 0; k < ENLIST_LOAD_N_KINDS; k++)
    {
      json_builder_set_member_name (builder, enlist_load_kind_name (k));
      json_builder_begin_object (builder);
      add_int (builder, "count", times[k].count);
      add_double (builder, "min", times[k].min);
      add_double (builder, "median", times[k].median);
      add_double (builder, "p95", times[k].p95);
      add_double (builder, "max", times[k].max);
      add_double (builder, "span", times[k].span);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "outcomes");
  json_builder_begin_array (builder);
  tallies = enlist_load_get_tallies (load);
  for (guint i = 0; i < tallies->len; i++)
    {
      EnlistLoadTally *tally = g_ptr_array_index (tallies, i);

      if (!tally->ok && tally->refusal)
        refusals += tally->count;
      else if (!tally->ok)
        failures += tally->count;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "operation");
      json_builder_add_string_value (builder, enlist_load_kind_name (tally->kind));
      json_builder_set_member_name (builder, "outcome");
      json_builder_add_string_value (builder, tally->what);
      json_builder_set_member_name (builder, "class");
      json_builder_add_string_value (builder, tally->ok ? "ok" : tally->refusal ? "refusal"
                                                                                : "failure");
      add_int (builder, "count", tally->count);
      if (tally->example != NULL)
        {
          json_builder_set_member_name (builder, "example");
          json_builder_add_string_value (builder, tally->example);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  add_int (builder, "failures", failures);
  json_builder_set_member_name (builder, "debug_notes");
  json_builder_begin_object (builder);
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, notes);
    while (g_hash_table_iter_next (&iter, &key, &value))
      add_int (builder, key, GPOINTER_TO_UINT (value));
  }
  json_builder_end_object (builder);
  add_int (builder, "refusals", refusals);

  json_builder_set_member_name (builder, "keyring");
  json_builder_begin_object (builder);
  add_int (builder, "entries_before", entries_before);
  add_int (builder, "entries_after_run", keyring.entries);
  add_int (builder, "present", keyring.present);
  add_int (builder, "pending_only", keyring.pending_only);
  add_int (builder, "missing", keyring.missing);
  add_int (builder, "wrong", keyring.wrong);
  add_int (builder, "pending", keyring.pending);
  add_int (builder, "unexpected", keyring.unexpected);
  add_int (builder, "entries_after_forget", entries_after);
  json_builder_end_object (builder);

  /* What the run held is gone with it; the manager stays, as at the
   * baseline. */
  g_clear_pointer (&tallies, g_ptr_array_unref);
  g_clear_object (&load);
  settle ();
  fds_after_list = enlist_load_list_fds ();
  fds_after = fds_after_list != NULL ? (int) g_strv_length (fds_after_list) : -1;
  measure (&watch.after);

  add_int (builder, "fds_before", fds_before);
  add_int (builder, "fds_after", fds_after);
  /* Which differ, if any: "+N TARGET" opened, "-N TARGET" closed. */
  json_builder_set_member_name (builder, "fds_changed");
  json_builder_begin_array (builder);
  for (guint i = 0; fds_after_list != NULL && fds_after_list[i] != NULL; i++)
    if (fds_before_list == NULL || !g_strv_contains ((const char * const *) fds_before_list,
                                                     fds_after_list[i]))
      {
        g_autofree char *change = g_strconcat ("+", fds_after_list[i], NULL);

        json_builder_add_string_value (builder, change);
      }
  for (guint i = 0; fds_before_list != NULL && fds_before_list[i] != NULL; i++)
    if (fds_after_list == NULL || !g_strv_contains ((const char * const *) fds_after_list,
                                                    fds_before_list[i]))
      {
        g_autofree char *change = g_strconcat ("-", fds_before_list[i], NULL);

        json_builder_add_string_value (builder, change);
      }
  json_builder_end_array (builder);
  add_int (builder, "nofile_limit", nofile.rlim_cur);
  json_builder_set_member_name (builder, "memory");
  json_builder_begin_object (builder);
  add_memory (builder, "baseline", &watch.baseline);
  add_memory (builder, "peak", &watch.peak);
  add_memory (builder, "after", &watch.after);
  json_builder_set_member_name (builder, "hwm_reset_at_baseline");
  json_builder_add_boolean_value (builder, hwm_reset);
  add_int (builder, "heap_samples", watch.samples);
  add_double (builder, "heap_per_registration_bytes",
              n_registrations > 0 ? ((double) watch.peak.heap - watch.baseline.heap)
                                    / MIN ((guint) n_registrations, max_in_flight) : 0);
  add_double (builder, "heap_per_operation_bytes",
              n_registrations + n_logins > 0
              ? ((double) watch.peak.heap - watch.baseline.heap)
                / MIN ((guint) (n_registrations + n_logins), max_in_flight)
              : 0);
  add_int (builder, "heap_after_minus_baseline_bytes",
           (gint64) watch.after.heap - (gint64) watch.baseline.heap);
  json_builder_end_object (builder);

  ok = failures == 0 && fds_after == fds_before
       && keyring.present == (guint) n_registrations - refusals
       && keyring.pending_only == 0 && keyring.missing == 0 && keyring.wrong == 0 && keyring.pending == 0
       && keyring.unexpected == 0 && entries_after == entries_before;
  json_builder_set_member_name (builder, "ok");
  json_builder_add_boolean_value (builder, ok);
  json_builder_end_object (builder);

  /* The table, and the JSON. */
  if (cap > 0)
    g_print ("%d registrations and %d logins, %d at a time (at most %u in flight), one process, "
             "one main loop\n", n_registrations, n_logins, cap, max_in_flight);
  else
    g_print ("%d registrations and %d logins at once (at most %u in flight), one process, "
             "one main loop\n", n_registrations, n_logins, max_in_flight);
  g_print ("(the %d accounts for the logins made beforehand, %d at a time, in %.1f s)\n\n",
           n_logins, batch, prepare_s);
  g_print ("| measure | value |\n|---|---:|\n");
  g_print ("| wall time, all operations (s) | %.2f |\n", (t1 - t0) / 1e6);
  g_print ("| CPU time of this process (s) | %.2f |\n", cpu1 - cpu0);
  if (n_registrations > 0 && n_logins == 0)
    g_print ("| registrations per second; CPU per registration (ms) | %.1f; %.1f |\n",
             n_registrations / ((t1 - t0) / 1e6), (cpu1 - cpu0) * 1000.0 / n_registrations);
  for (guint k = 0; k < ENLIST_LOAD_N_KINDS; k++)
    g_print ("| %s: min / median / p95 / max (ms) | %.0f / %.0f / %.0f / %.0f |\n",
             enlist_load_kind_name (k), times[k].min, times[k].median, times[k].p95,
             times[k].max);
  g_print ("| peak RSS, VmHWM (MiB) | %.1f |\n", watch.peak.hwm_kb / 1024.0);
  g_print ("| RSS: baseline / peak sampled / after (MiB) | %.1f / %.1f / %.1f |\n",
           watch.baseline.rss_kb / 1024.0, watch.peak.rss_kb / 1024.0,
           watch.after.rss_kb / 1024.0);
  g_print ("| heap in use: baseline / peak / after (MiB) | %.2f / %.2f / %.2f |\n",
           mib (watch.baseline.heap), mib (watch.peak.heap), mib (watch.after.heap));
  g_print ("| heap per in-flight registration, (peak - baseline) / registrations in flight (KiB) | %.1f |\n",
           n_registrations > 0 ? ((double) watch.peak.heap - watch.baseline.heap)
                                 / MIN ((guint) n_registrations, max_in_flight) / 1024.0 : 0.0);
  g_print ("| open descriptors: before / after | %d / %d |\n", fds_before, fds_after);
  g_print ("| threads: before / after | %zu / %zu |\n", watch.baseline.threads,
           watch.after.threads);
  g_print ("| registered accounts' passwords in the keyring: confirmed / only pending / missing / wrong | %u / %u / %u / %u |\n",
           keyring.present, keyring.pending_only, keyring.missing, keyring.wrong);
  g_print ("| keyring entries left pending / not this run's | %u / %u |\n",
           keyring.pending, keyring.unexpected);
  g_print ("| keyring entries: before / after the run / after forgetting | %zd / %u / %zd |\n",
           entries_before, keyring.entries, entries_after);
  g_print ("\n| operation | outcome | class | count |\n|---|---|---|---:|\n");
  {
    JsonNode *root = json_builder_get_root (builder);
    JsonArray *outcomes = json_object_get_array_member (json_node_get_object (root), "outcomes");

    for (guint i = 0; i < json_array_get_length (outcomes); i++)
      {
        JsonObject *o = json_array_get_object_element (outcomes, i);

        g_print ("| %s | %s | %s | %" G_GINT64_FORMAT " |\n",
                 json_object_get_string_member (o, "operation"),
                 json_object_get_string_member (o, "outcome"),
                 json_object_get_string_member (o, "class"),
                 json_object_get_int_member (o, "count"));
        if (json_object_has_member (o, "example"))
          g_print ("|   | e.g. \"%s\" | | |\n", json_object_get_string_member (o, "example"));
      }
    if (g_hash_table_size (notes) > 0)
      {
        GHashTableIter iter;
        gpointer key, value;

        g_print ("\nWhat the account manager and the keyring noted (debug messages, digits as N):\n\n");
        g_hash_table_iter_init (&iter, notes);
        while (g_hash_table_iter_next (&iter, &key, &value))
          g_print ("* %u x %s\n", GPOINTER_TO_UINT (value), (const char *) key);
      }
    g_print ("\n%s\n", ok ? "ok: no failure but the server's refusals, descriptors back, keyring accounted for"
                           : "NOT OK");

    if (json_path != NULL)
      {
        g_autoptr(JsonGenerator) generator = json_generator_new ();

        json_generator_set_root (generator, root);
        json_generator_set_pretty (generator, TRUE);
        if (!json_generator_to_file (generator, json_path, &error))
          g_error ("writing %s: %s", json_path, error->message);
      }
    json_node_unref (root);
  }

  g_clear_object (&manager);
  remove_dir (data_dir);
  return ok ? 0 : 1;
}
