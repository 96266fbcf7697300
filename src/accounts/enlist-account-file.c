/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-account-file.c: the account file, DATA_DIR/accounts.ini:
 *
 *   [enlist]
 *   version=1
 *
 *   [alice@example.org]
 *   address=alice@example.org
 *   domain=example.org
 *   host=xmpp.example.org
 *   port=5223
 *   direct-tls=true
 *   created=2026-12-02T11:24:05Z
 *   state=ready
 *
 * one group per account, named after it when the address can be a group
 * name (the address key is what counts). Reading and writing happen in a
 * worker thread; a write reads the file again under a lock on its
 * directory (flock, so that a second instance or a second Enlist process
 * waits its turn), applies the changes asked for and replaces the file
 * through a temporary one, so that it is always either the old or the new
 * file, never a mixture. */
#define G_LOG_DOMAIN "enlist-account-file"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "enlist-account-enums.h"
#include "enlist-account-file-private.h"
#include "enlist-error.h"
#include "enlist-jid.h"

#define GROUP_ENLIST "enlist"
/* How long a write waits for another writer's lock before giving up. */
#define LOCK_TIMEOUT_US (10 * G_USEC_PER_SEC)
#define LOCK_POLL_US    (10 * 1000)

/* Records */

EnlistAccountRecord *
enlist_account_record_new (const char *address,
                           const char *domain)
{
  EnlistAccountRecord *record;

  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (domain != NULL, NULL);

  record = g_new0 (EnlistAccountRecord, 1);
  record->address = g_strdup (address);
  record->domain = g_strdup (domain);
  record->state = ENLIST_ACCOUNT_STATE_READY;

  return record;
}

EnlistAccountRecord *
enlist_account_record_copy (const EnlistAccountRecord *record)
{
  EnlistAccountRecord *copy;

  g_return_val_if_fail (record != NULL, NULL);

  copy = enlist_account_record_new (record->address, record->domain);
  /* a record always has both, so the copy is made */
  g_assert (copy != NULL);
  copy->host = g_strdup (record->host);
  copy->port = record->port;
  copy->direct_tls = record->direct_tls;
  copy->created = record->created != NULL ? g_date_time_ref (record->created) : NULL;
  copy->state = record->state;

  return copy;
}

void
enlist_account_record_free (EnlistAccountRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->address);
  g_free (record->domain);
  g_free (record->host);
  g_clear_pointer (&record->created, g_date_time_unref);
  g_free (record);
}

int
enlist_account_address_compare (const char *a,
                                const char *b)
{
  g_autofree char *fa = g_utf8_casefold (a, -1);
  g_autofree char *fb = g_utf8_casefold (b, -1);
  int cmp = strcmp (fa, fb);

  /* Equal but for case: a stable order all the same. */
  return cmp != 0 ? cmp : strcmp (a, b);
}

char *
enlist_account_address_key (const char *address)
{
  g_autofree char *bare = NULL;
  char *key = NULL;

  g_return_val_if_fail (address != NULL, NULL);

  bare = enlist_jid_dup_bare (address, NULL);
  if (bare != NULL)
    key = enlist_jid_normalize (bare, NULL);
  return key != NULL ? key : g_utf8_casefold (address, -1);
}

/* Keys are keys of themselves, so either side may be one already. */
static gboolean
same_address (const char *a,
              const char *b)
{
  g_autofree char *ka = enlist_account_address_key (a);
  g_autofree char *kb = enlist_account_address_key (b);

  return g_strcmp0 (ka, kb) == 0;
}

static int
compare_records (gconstpointer a,
                 gconstpointer b)
{
  const EnlistAccountRecord *ra = *(EnlistAccountRecord * const *) a;
  const EnlistAccountRecord *rb = *(EnlistAccountRecord * const *) b;

  return enlist_account_address_compare (ra->address, rb->address);
}

static const char *
state_to_nick (EnlistAccountState state)
{
  GEnumClass *klass = g_type_class_ref (ENLIST_TYPE_ACCOUNT_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);

  g_type_class_unref (klass);
  /* Nicks of a static enum type live as long as the program. */
  return value != NULL ? value->value_nick : NULL;
}

static gboolean
state_from_nick (const char         *nick,
                 EnlistAccountState *state)
{
  GEnumClass *klass = g_type_class_ref (ENLIST_TYPE_ACCOUNT_STATE);
  GEnumValue *value = g_enum_get_value_by_nick (klass, nick);

  if (value != NULL)
    *state = value->value;
  g_type_class_unref (klass);

  return value != NULL;
}

/* The file as a GKeyFile */

static GError *
damaged (const char *path,
         const char *detail)
{
  /* TRANSLATORS: %s is the path of the account file, then what is wrong with it */
  return g_error_new (ENLIST_ERROR, ENLIST_ERROR_ACCOUNT_FILE,
                      _("The account file %s is damaged and was left as it is: %s"),
                      path, detail);
}

/* Parses the contents of the file at path (length bytes, NUL-terminated
 * after them). Anything that is not a file this version wrote or could have
 * written is an error. */
static GKeyFile *
key_file_from_data (const char  *contents,
                    gsize        length,
                    const char  *path,
                    GError     **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  gint64 version;

  if (length > ENLIST_ACCOUNT_FILE_MAX_SIZE)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_ACCOUNT_FILE,
                   _("The account file %s is larger than %d KiB and was left as it is"),
                   path, ENLIST_ACCOUNT_FILE_MAX_SIZE / 1024);
      return NULL;
    }

  if (memchr (contents, '\0', length) != NULL ||
      !g_key_file_load_from_data (key_file, contents, length, G_KEY_FILE_KEEP_COMMENTS,
                                  &local_error))
    {
      /* Translators: completes “The account file %s is damaged and was left
       * as it is: %s” */
      const char *why = _("it holds a NUL byte");

      g_propagate_error (error, damaged (path, local_error != NULL ? local_error->message : why));
      return NULL;
    }

  version = g_key_file_get_int64 (key_file, GROUP_ENLIST, "version", &local_error);
  if (local_error != NULL)
    {
      /* Translators: completes “The account file %s is damaged and was left
       * as it is: %s” */
      g_propagate_error (error, damaged (path, _("it does not say its version")));
      return NULL;
    }
  if (version > ENLIST_ACCOUNT_FILE_VERSION)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_ACCOUNT_FILE,
                   _("The account file %s was written by a newer version of Enlist "
                     "(file version %lld) and was left as it is"),
                   path, (long long) version);
      return NULL;
    }
  if (version < 1)
    {
      /* Translators: completes “The account file %s is damaged and was left
       * as it is: %s” */
      g_propagate_error (error, damaged (path, _("its version is not valid")));
      return NULL;
    }

  return g_steal_pointer (&key_file);
}

/* Reads path into a GKeyFile (key_file_from_data); a missing file gives a
 * new one. */
static GKeyFile *
read_key_file (const char    *path,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  stream = g_file_read (file, cancellable, &local_error);
  if (stream == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          GKeyFile *key_file = g_key_file_new ();

          g_key_file_set_integer (key_file, GROUP_ENLIST, "version", ENLIST_ACCOUNT_FILE_VERSION);
          return key_file;
        }
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_ACCOUNT_FILE,
                   _("The account file %s cannot be read: %s"), path, local_error->message);
      return NULL;
    }

  /* One byte more than allowed tells a file that is too large. */
  contents = g_malloc (ENLIST_ACCOUNT_FILE_MAX_SIZE + 2);
  if (!g_input_stream_read_all (G_INPUT_STREAM (stream), contents,
                                ENLIST_ACCOUNT_FILE_MAX_SIZE + 1, &length, cancellable,
                                &local_error))
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_ACCOUNT_FILE,
                   _("The account file %s cannot be read: %s"), path, local_error->message);
      return NULL;
    }
  contents[length] = '\0';

  return key_file_from_data (contents, length, path, error);
}

static gboolean
address_is_valid (const char *address)
{
  const char *at;

  if (address == NULL || !g_utf8_validate (address, -1, NULL))
    return FALSE;
  at = strrchr (address, '@');
  return at != NULL && at != address && at[1] != '\0';
}

/* The record of one group; NULL with a message for a group that makes no
 * sense. */
static EnlistAccountRecord *
record_from_group (GKeyFile    *key_file,
                   const char  *group,
                   char       **problem)
{
  g_autoptr(EnlistAccountRecord) record = NULL;
  g_autofree char *address = g_key_file_get_string (key_file, group, "address", NULL);
  g_autofree char *domain = g_key_file_get_string (key_file, group, "domain", NULL);
  g_autofree char *host = g_key_file_get_string (key_file, group, "host", NULL);
  g_autofree char *created = g_key_file_get_string (key_file, group, "created", NULL);
  g_autofree char *state = g_key_file_get_string (key_file, group, "state", NULL);
  g_autoptr(GError) error = NULL;

  if (!address_is_valid (address))
    {
      /* TRANSLATORS: %s is a group name in the account file, like [alice@example.org] */
      /* Translators: completes “The account file %s is damaged and was left
       * as it is: %s”; [%s] names a section of the file */
      *problem = g_strdup_printf (_("[%s] has no valid address"), group);
      return NULL;
    }
  if (domain == NULL || domain[0] == '\0' || !g_utf8_validate (domain, -1, NULL))
    {
      /* Translators: completes “The account file %s is damaged and was left
       * as it is: %s”; [%s] names a section of the file */
      *problem = g_strdup_printf (_("[%s] has no valid domain"), group);
      return NULL;
    }

  record = enlist_account_record_new (address, domain);

  if (host != NULL && host[0] != '\0')
    {
      gint64 port;

      if (!g_utf8_validate (host, -1, NULL))
        {
          /* Translators: completes “The account file %s is damaged and was left
           * as it is: %s”; [%s] names a section of the file */
          *problem = g_strdup_printf (_("[%s] has no valid host"), group);
          return NULL;
        }
      record->host = g_steal_pointer (&host);

      port = g_key_file_get_int64 (key_file, group, "port", &error);
      if (g_error_matches (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND))
        port = 0;
      else if (error != NULL || port < 0 || port > G_MAXUINT16)
        {
          /* Translators: completes “The account file %s is damaged and was left
           * as it is: %s”; [%s] names a section of the file */
          *problem = g_strdup_printf (_("[%s] has no valid port"), group);
          return NULL;
        }
      record->port = (guint16) port;
      g_clear_error (&error);

      record->direct_tls = g_key_file_get_boolean (key_file, group, "direct-tls", &error);
      if (error != NULL && !g_error_matches (error, G_KEY_FILE_ERROR,
                                             G_KEY_FILE_ERROR_KEY_NOT_FOUND))
        {
          /* Translators: completes “The account file %s is damaged and was left
           * as it is: %s”; [%s] names a section of the file */
          *problem = g_strdup_printf (_("[%s] has no valid direct-tls"), group);
          return NULL;
        }
    }

  if (created != NULL)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (created, NULL);

      if (when == NULL)
        {
          /* Translators: completes “The account file %s is damaged and was left
           * as it is: %s”; [%s] names a section of the file */
          *problem = g_strdup_printf (_("[%s] has no valid creation time"), group);
          return NULL;
        }
      record->created = g_date_time_to_utc (when);
    }

  if (state != NULL && !state_from_nick (state, &record->state))
    {
      /* Translators: completes “The account file %s is damaged and was left
       * as it is: %s”; [%s] names a section of the file */
      *problem = g_strdup_printf (_("[%s] has no valid state"), group);
      return NULL;
    }

  return g_steal_pointer (&record);
}

static GPtrArray *
records_from_key_file (GKeyFile    *key_file,
                       const char  *path,
                       GError     **error)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) groups = g_key_file_get_groups (key_file, NULL);

  records = g_ptr_array_new_with_free_func ((GDestroyNotify) enlist_account_record_free);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autofree char *problem = NULL;
      g_autofree char *key = NULL;
      EnlistAccountRecord *record;
      gboolean duplicate;

      if (strcmp (groups[i], GROUP_ENLIST) == 0)
        continue;

      record = record_from_group (key_file, groups[i], &problem);
      if (record == NULL)
        {
          g_propagate_error (error, damaged (path, problem));
          return NULL;
        }

      /* Only ever written once per address; should a hand edit repeat one,
       * the first counts, as for a write, which replaces them all. */
      key = enlist_account_address_key (record->address);
      duplicate = !g_hash_table_add (seen, g_steal_pointer (&key));
      if (duplicate)
        enlist_account_record_free (record);
      else
        g_ptr_array_add (records, record);
    }

  g_ptr_array_sort (records, compare_records);
  return g_steal_pointer (&records);
}

/* Removes every group of address. */
static void
remove_groups_of (GKeyFile   *key_file,
                  const char *address)
{
  g_auto(GStrv) groups = g_key_file_get_groups (key_file, NULL);

  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autofree char *value = NULL;

      if (strcmp (groups[i], GROUP_ENLIST) == 0)
        continue;
      value = g_key_file_get_string (key_file, groups[i], "address", NULL);
      if (value != NULL && same_address (value, address))
        g_key_file_remove_group (key_file, groups[i], NULL);
    }
}

/* A group name for address: the address itself when a key file allows it
 * (no brackets, no control characters) and no other group has it. */
static char *
group_for (GKeyFile   *key_file,
           const char *address)
{
  gboolean usable = strcmp (address, GROUP_ENLIST) != 0;
  g_autofree char *digest = NULL;

  for (const char *p = address; *p != '\0' && usable; p++)
    usable = *p != '[' && *p != ']' && !g_ascii_iscntrl (*p);
  if (usable && !g_key_file_has_group (key_file, address))
    return g_strdup (address);

  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, address, -1);
  return g_strdup_printf ("account-%.16s", digest);
}

static void
put_record (GKeyFile                  *key_file,
            const EnlistAccountRecord *record)
{
  g_autofree char *group = NULL;

  remove_groups_of (key_file, record->address);
  group = group_for (key_file, record->address);

  g_key_file_set_string (key_file, group, "address", record->address);
  g_key_file_set_string (key_file, group, "domain", record->domain);
  if (record->host != NULL)
    {
      g_key_file_set_string (key_file, group, "host", record->host);
      g_key_file_set_integer (key_file, group, "port", record->port);
      g_key_file_set_boolean (key_file, group, "direct-tls", record->direct_tls);
    }
  if (record->created != NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_to_utc (record->created);
      /* ISO 8601 wants four digits of year, which %Y does not pad to: a
       * file holding the year 266 (a hand edit) was rewritten into one that
       * no load accepts (found by tests/fuzz/fuzz-account-file.c) */
      g_autofree char *created = g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ",
                                                  g_date_time_get_year (utc),
                                                  g_date_time_get_month (utc),
                                                  g_date_time_get_day_of_month (utc),
                                                  g_date_time_get_hour (utc),
                                                  g_date_time_get_minute (utc),
                                                  g_date_time_get_second (utc));

      g_key_file_set_string (key_file, group, "created", created);
    }
  g_key_file_set_string (key_file, group, "state", state_to_nick (record->state));
}

/* The same reading and writing in memory (enlist-account-file-private.h). */
GPtrArray *
enlist_account_file_parse_data (const char  *contents,
                                gsize        length,
                                const char  *path,
                                char       **rewritten,
                                GError     **error)
{
  g_autoptr(GKeyFile) key_file = NULL;
  GPtrArray *records;

  g_return_val_if_fail (contents != NULL || length == 0, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  key_file = key_file_from_data (contents != NULL ? contents : "", length, path, error);
  if (key_file == NULL)
    return NULL;
  records = records_from_key_file (key_file, path, error);
  if (records == NULL)
    return NULL;

  if (rewritten != NULL)
    {
      for (guint i = 0; i < records->len; i++)
        put_record (key_file, g_ptr_array_index (records, i));
      if (records->len > 0)
        remove_groups_of (key_file,
                          ((EnlistAccountRecord *) g_ptr_array_index (records, 0))->address);
      *rewritten = g_key_file_to_data (key_file, NULL, NULL);
    }

  return records;
}

/* The lock on the file's directory, taken by every writer (of this process
 * or another) for the whole read-modify-replace. Polled rather than waited
 * for, so that a writer that never lets go cannot hang a worker forever. */
static int
lock_directory (const char    *directory,
                GCancellable  *cancellable,
                GError       **error)
{
  gint64 deadline = g_get_monotonic_time () + LOCK_TIMEOUT_US;
  int fd;

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_ACCOUNT_FILE,
                   _("The folder %s cannot be created: %s"), directory, g_strerror (saved_errno));
      return -1;
    }

  fd = g_open (directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_ACCOUNT_FILE,
                   _("The folder %s cannot be opened: %s"), directory, g_strerror (saved_errno));
      return -1;
    }

  while (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == EINTR)
        continue;
      if (saved_errno != EWOULDBLOCK || g_get_monotonic_time () > deadline ||
          g_cancellable_is_cancelled (cancellable))
        {
          g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_ACCOUNT_FILE,
                       _("The folder %s cannot be locked: %s"), directory,
                       saved_errno == EWOULDBLOCK ? _("another program holds it")
                                                  : g_strerror (saved_errno));
          close (fd);
          return -1;
        }
      g_usleep (LOCK_POLL_US);
    }

  return fd;
}

/* The instance */

struct _EnlistAccountFile
{
  GObject     parent_instance;

  char       *path;
  guint       n_writes;

  /* The write under way (NULL when none) and the next one being gathered:
   * changes keyed by enlist_account_address_key (a record, or NULL for removal)
   * with the tasks waiting for them. */
  GPtrArray  *running_tasks;
  GHashTable *queued_changes;
  GPtrArray  *queued_tasks;
};

G_DEFINE_FINAL_TYPE (EnlistAccountFile, enlist_account_file, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Load */

static void
load_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(GKeyFile) key_file = NULL;
  GError *error = NULL;
  GPtrArray *records;

  key_file = read_key_file (path, cancellable, &error);
  if (key_file == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  records = records_from_key_file (key_file, path, &error);
  if (records == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, records, (GDestroyNotify) g_ptr_array_unref);
}

void
enlist_account_file_load_async (EnlistAccountFile   *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ENLIST_IS_ACCOUNT_FILE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_account_file_load_async);
  g_task_set_task_data (task, g_strdup (self->path), g_free);
  g_task_run_in_thread (task, load_in_thread);
}

GPtrArray *
enlist_account_file_load_finish (EnlistAccountFile  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT_FILE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enlist_account_file_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Write */

typedef struct
{
  char       *path;
  GHashTable *changes;
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_free (data->path);
  g_hash_table_unref (data->changes);
  g_free (data);
}

static GHashTable *
new_changes (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                (GDestroyNotify) enlist_account_record_free);
}

static void
write_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  WriteData *data = task_data;
  g_autofree char *directory = g_path_get_dirname (data->path);
  g_autoptr(GKeyFile) key_file = NULL;
  g_autoptr(GPtrArray) check = NULL;
  g_autofree char *contents = NULL;
  GError *error = NULL;
  GHashTableIter iter;
  gpointer key, value;
  gsize length;
  int lock;

  lock = lock_directory (directory, NULL, &error);
  if (lock < 0)
    {
      g_task_return_error (task, error);
      return;
    }

  /* Unreadable, too large, newer: left as it is. Every group must also
   * make sense, or a rewrite would carry nonsense forward. */
  key_file = read_key_file (data->path, NULL, &error);
  if (key_file != NULL)
    check = records_from_key_file (key_file, data->path, &error);
  if (check == NULL)
    {
      close (lock);
      g_task_return_error (task, error);
      return;
    }

  g_hash_table_iter_init (&iter, data->changes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const EnlistAccountRecord *record = value;

      if (record != NULL)
        put_record (key_file, record);
      else
        remove_groups_of (key_file, key);
    }

  contents = g_key_file_to_data (key_file, &length, NULL);
  /* A temporary file (0600 whatever the old one's mode was), renamed over
   * the old one only once it is written in full. Not g_file_replace_contents:
   * GLib 2.74 renames its temporary file over the old one even when a write
   * failed, so a full disk left an empty account file. */
  if (!g_file_set_contents_full (data->path, contents, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &error))
    {
      GError *wrapped = g_error_new (ENLIST_ERROR, ENLIST_ERROR_ACCOUNT_FILE,
                                     _("The account file %s cannot be written: %s"),
                                     data->path, error->message);

      g_error_free (error);
      close (lock);
      g_task_return_error (task, wrapped);
      return;
    }

  close (lock);
  g_task_return_boolean (task, TRUE);
}

static void start_write (EnlistAccountFile *self);

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  EnlistAccountFile *self = ENLIST_ACCOUNT_FILE (source);
  g_autoptr(GPtrArray) tasks = g_steal_pointer (&self->running_tasks);
  g_autoptr(GError) error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    self->n_writes++;

  /* The next batch first, so that a callback asking for more joins it. */
  start_write (self);

  for (guint i = 0; i < tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (tasks, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

static void
start_write (EnlistAccountFile *self)
{
  g_autoptr(GTask) worker = NULL;
  WriteData *data;

  if (self->running_tasks != NULL || g_hash_table_size (self->queued_changes) == 0)
    return;

  self->running_tasks = g_steal_pointer (&self->queued_tasks);
  self->queued_tasks = g_ptr_array_new_with_free_func (g_object_unref);

  data = g_new0 (WriteData, 1);
  data->path = g_strdup (self->path);
  data->changes = g_steal_pointer (&self->queued_changes);
  self->queued_changes = new_changes ();

  /* The worker holds the instance until the file is written. */
  worker = g_task_new (self, NULL, on_written, NULL);
  g_task_set_source_tag (worker, start_write);
  g_task_set_task_data (worker, data, (GDestroyNotify) write_data_free);
  g_task_run_in_thread (worker, write_in_thread);
}

static void
queue_change (EnlistAccountFile         *self,
              const char                *address,
              const EnlistAccountRecord *record,
              GAsyncReadyCallback        callback,
              gpointer                   user_data,
              gpointer                   source_tag)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_hash_table_replace (self->queued_changes, enlist_account_address_key (address),
                        record != NULL ? enlist_account_record_copy (record) : NULL);
  g_ptr_array_add (self->queued_tasks, task);

  start_write (self);
}

void
enlist_account_file_put_async (EnlistAccountFile         *self,
                               const EnlistAccountRecord *record,
                               GAsyncReadyCallback        callback,
                               gpointer                   user_data)
{
  g_return_if_fail (ENLIST_IS_ACCOUNT_FILE (self));
  g_return_if_fail (record != NULL);
  g_return_if_fail (address_is_valid (record->address));
  g_return_if_fail (record->domain != NULL && g_utf8_validate (record->domain, -1, NULL));
  g_return_if_fail (record->host == NULL || g_utf8_validate (record->host, -1, NULL));

  queue_change (self, record->address, record, callback, user_data,
                enlist_account_file_put_async);
}

void
enlist_account_file_remove_async (EnlistAccountFile   *self,
                                  const char          *address,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (ENLIST_IS_ACCOUNT_FILE (self));
  g_return_if_fail (address != NULL && g_utf8_validate (address, -1, NULL));

  queue_change (self, address, NULL, callback, user_data, enlist_account_file_remove_async);
}

gboolean
enlist_account_file_write_finish (EnlistAccountFile  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT_FILE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == enlist_account_file_put_async ||
                        g_task_get_source_tag (G_TASK (result)) == enlist_account_file_remove_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

guint
enlist_account_file_get_n_writes (EnlistAccountFile *self)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT_FILE (self), 0);

  return self->n_writes;
}

const char *
enlist_account_file_get_path (EnlistAccountFile *self)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT_FILE (self), NULL);

  return self->path;
}

/* GObject */

static void
enlist_account_file_finalize (GObject *object)
{
  EnlistAccountFile *self = ENLIST_ACCOUNT_FILE (object);

  /* Queued tasks hold the instance, so none can be left. */
  g_assert (self->running_tasks == NULL);
  g_assert (self->queued_tasks->len == 0);

  g_free (self->path);
  g_clear_pointer (&self->queued_changes, g_hash_table_unref);
  g_clear_pointer (&self->queued_tasks, g_ptr_array_unref);

  G_OBJECT_CLASS (enlist_account_file_parent_class)->finalize (object);
}

static void
enlist_account_file_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  EnlistAccountFile *self = ENLIST_ACCOUNT_FILE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_account_file_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  EnlistAccountFile *self = ENLIST_ACCOUNT_FILE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_account_file_class_init (EnlistAccountFileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = enlist_account_file_finalize;
  object_class->get_property = enlist_account_file_get_property;
  object_class->set_property = enlist_account_file_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
enlist_account_file_init (EnlistAccountFile *self)
{
  self->queued_changes = new_changes ();
  self->queued_tasks = g_ptr_array_new_with_free_func (g_object_unref);
}

EnlistAccountFile *
enlist_account_file_new (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_object_new (ENLIST_TYPE_ACCOUNT_FILE, "path", path, NULL);
}
