/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-account-file.c: the account file: records written and read back,
 * a private mode, atomic replacement (a reader never sees half a file),
 * damaged, newer and oversized files reported and never overwritten,
 * writes queued with the latest change winning, and two instances writing
 * the same file at once without losing each other's records. */
#define G_LOG_DOMAIN "test-account-file"

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "enlist-account-enums.h"
#include "enlist-account-file.h"
#include "enlist-error.h"
#include "enlist-test-utils.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("enlist-account-file-XXXXXX", &error);

  g_assert_no_error (error);
  /* A directory the writer must create itself. */
  fixture->dir = g_build_filename (tmp, "data", "enlist", NULL);
  fixture->path = g_build_filename (fixture->dir, ENLIST_ACCOUNT_FILE_NAME, NULL);
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_remove (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }
  g_dir_close (dir);
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *data_dir = g_path_get_dirname (fixture->dir);
  g_autofree char *tmp = g_path_get_dirname (data_dir);

  remove_tree (tmp);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static GPtrArray *
load (EnlistAccountFile *file,
      GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_account_file_load_async (file, NULL, enlist_test_store_result, &result);
  return enlist_account_file_load_finish (file, enlist_test_wait_for (&result), error);
}

static gboolean
put (EnlistAccountFile         *file,
     const EnlistAccountRecord *record,
     GError                   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_account_file_put_async (file, record, enlist_test_store_result, &result);
  return enlist_account_file_write_finish (file, enlist_test_wait_for (&result), error);
}

static gboolean
remove_address (EnlistAccountFile *file,
                const char        *address,
                GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_account_file_remove_async (file, address, enlist_test_store_result, &result);
  return enlist_account_file_write_finish (file, enlist_test_wait_for (&result), error);
}

static EnlistAccountRecord *
make_record (const char         *address,
             const char         *host,
             guint16             port,
             gboolean            direct_tls,
             EnlistAccountState  state)
{
  const char *at = strchr (address, '@');
  EnlistAccountRecord *record = enlist_account_record_new (address, at + 1);

  record->host = g_strdup (host);
  record->port = port;
  record->direct_tls = direct_tls;
  record->created = g_date_time_new_utc (2026, 12, 2, 11, 24, 5);
  record->state = state;
  return record;
}

static void
assert_record_equal (const EnlistAccountRecord *a,
                     const EnlistAccountRecord *b)
{
  g_assert_cmpstr (a->address, ==, b->address);
  g_assert_cmpstr (a->domain, ==, b->domain);
  g_assert_cmpstr (a->host, ==, b->host);
  g_assert_cmpuint (a->port, ==, b->port);
  g_assert_cmpint (a->direct_tls, ==, b->direct_tls);
  g_assert_cmpint (a->state, ==, b->state);
  g_assert_true ((a->created == NULL) == (b->created == NULL));
  if (a->created != NULL)
    g_assert_true (g_date_time_equal (a->created, b->created));
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  return contents;
}

static void
write_file (const char *path,
            const char *contents,
            gssize      length)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, length, &error));
  g_assert_no_error (error);
}

static void
test_missing_file (Fixture       *fixture,
                   gconstpointer  data)
{
  EnlistAccountFile *file = enlist_account_file_new (fixture->path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = load (file, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 0);
  /* Reading creates nothing. */
  g_assert_false (g_file_test (fixture->dir, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (enlist_account_file_get_path (file), ==, fixture->path);
  enlist_test_finalize (file);
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  EnlistAccountFile *file = enlist_account_file_new (fixture->path);
  g_autoptr(EnlistAccountRecord) dns = make_record ("zoe@example.org", NULL, 0, FALSE,
                                                    ENLIST_ACCOUNT_STATE_READY);
  g_autoptr(EnlistAccountRecord) direct = make_record ("Alice@localhost", "127.0.0.1", 5223, TRUE,
                                                       ENLIST_ACCOUNT_STATE_REGISTRATION_PENDING);
  g_autoptr(EnlistAccountRecord) odd = make_record ("o'brien+[x]@[::1]", "::1", 5222, FALSE,
                                                    ENLIST_ACCOUNT_STATE_PASSWORD_CHANGE_PENDING);
  g_autoptr(EnlistAccountRecord) renamed = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  g_clear_pointer (&dns->created, g_date_time_unref);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (put (file, i == 0 ? dns : i == 1 ? direct : odd, &error));
      g_assert_no_error (error);
    }

  /* The format the file's comment promises. */
  contents = read_file (fixture->path);
  g_assert_true (g_str_has_prefix (contents, "[enlist]\nversion=1\n"));
  g_assert_nonnull (strstr (contents, "[Alice@localhost]\naddress=Alice@localhost\n"
                                      "domain=localhost\nhost=127.0.0.1\nport=5223\n"
                                      "direct-tls=true\ncreated=2026-12-02T11:24:05Z\n"
                                      "state=registration-pending\n"));
  g_assert_nonnull (strstr (contents, "state=password-change-pending\n"));
  g_assert_null (strstr (contents, "[o'brien+[x]@[::1]]"));
  g_clear_pointer (&contents, g_free);

  /* A year before 1000 is written with four digits, or the file could not
   * be read back (found by fuzz-account-file). */
  g_date_time_unref (odd->created);
  odd->created = g_date_time_new_utc (266, 1, 2, 3, 4, 5);
  g_assert_true (put (file, odd, &error));
  g_assert_no_error (error);
  contents = read_file (fixture->path);
  g_assert_nonnull (strstr (contents, "created=0266-01-02T03:04:05Z\n"));

  /* Sorted by address, whatever the case. */
  records = load (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 3);
  assert_record_equal (g_ptr_array_index (records, 0), direct);
  assert_record_equal (g_ptr_array_index (records, 1), odd);
  assert_record_equal (g_ptr_array_index (records, 2), dns);
  g_clear_pointer (&records, g_ptr_array_unref);

  /* Another spelling of the same address replaces the record. */
  renamed = make_record ("alice@localhost", "127.0.0.1", 5222, FALSE, ENLIST_ACCOUNT_STATE_READY);
  g_assert_true (put (file, renamed, &error));
  g_assert_no_error (error);
  g_assert_true (remove_address (file, "ZOE@example.org", &error));
  g_assert_no_error (error);
  /* Removing what is not there is fine. */
  g_assert_true (remove_address (file, "nobody@example.org", &error));
  g_assert_no_error (error);

  records = load (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 2);
  assert_record_equal (g_ptr_array_index (records, 0), renamed);
  assert_record_equal (g_ptr_array_index (records, 1), odd);

  enlist_test_finalize (file);
}

/* One account however its address is spelled: case, an internationalised
 * domain or its xn-- form, a final dot, a resource (enlist_jid_normalize);
 * the case folding of what is no address. */
static void
test_address_key (Fixture       *fixture,
                  gconstpointer  data)
{
  static const struct
  {
    const char *a;
    const char *b;
    gboolean    same;
  } cases[] = {
    { "Alice@Example.ORG", "alice@example.org", TRUE },
    { "alice@b\xc3\xbc" "cher.example", "ALICE@xn--bcher-kva.example", TRUE },
    { "alice@B\xc3\x9c" "CHER.example", "alice@b\xc3\xbc" "cher.example", TRUE },
    { "alice@example.org.", "alice@example.org", TRUE },
    { "alice@example.org/phone", "alice@example.org", TRUE },
    { "alice@example.org", "bob@example.org", FALSE },
    { "alice@example.org", "alice@example.net", FALSE },
    { "alice@b\xc3\xbc" "cher.example", "alice@bucher.example", FALSE },
    /* not addresses (a quote in the localpart): their case folding */
    { "o'brien@EXAMPLE.org", "O'Brien@example.org", TRUE },
    { "o'brien@example.org", "obrien@example.org", FALSE },
  };
  EnlistAccountFile *file = enlist_account_file_new (fixture->path);
  g_autoptr(EnlistAccountRecord) unicode = NULL;
  g_autoptr(EnlistAccountRecord) ascii = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *ka = enlist_account_address_key (cases[i].a);
      g_autofree char *kb = enlist_account_address_key (cases[i].b);

      g_test_message ("%s / %s: %s / %s", cases[i].a, cases[i].b, ka, kb);
      g_assert_cmpint (g_str_equal (ka, kb), ==, cases[i].same);
    }

  /* in the file: the second spelling replaces the first */
  unicode = make_record ("alice@b\xc3\xbc" "cher.example", NULL, 0, FALSE,
                         ENLIST_ACCOUNT_STATE_READY);
  ascii = make_record ("Alice@xn--bcher-kva.example", NULL, 0, FALSE, ENLIST_ACCOUNT_STATE_READY);
  g_assert_true (put (file, unicode, &error));
  g_assert_no_error (error);
  g_assert_true (put (file, ascii, &error));
  g_assert_no_error (error);
  records = load (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 1);
  assert_record_equal (g_ptr_array_index (records, 0), ascii);
  g_clear_pointer (&records, g_ptr_array_unref);

  g_assert_true (remove_address (file, "ALICE@B\xc3\x9c" "CHER.example", &error));
  g_assert_no_error (error);
  records = load (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 0);

  enlist_test_finalize (file);
}

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

static void
test_private_mode (Fixture       *fixture,
                   gconstpointer  data)
{
  EnlistAccountFile *file = enlist_account_file_new (fixture->path);
  g_autoptr(EnlistAccountRecord) record = make_record ("bob@example.org", NULL, 0, FALSE,
                                                       ENLIST_ACCOUNT_STATE_READY);
  g_autoptr(GError) error = NULL;
  mode_t old_umask = umask (0);

  /* Even with a umask that lets everything through. */
  g_assert_true (put (file, record, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (file_mode (fixture->path), ==, 0600);
  g_assert_cmpuint (file_mode (fixture->dir), ==, 0700);

  /* A file someone made readable to all comes back private. */
  g_assert_cmpint (g_chmod (fixture->path, 0644), ==, 0);
  g_assert_true (put (file, record, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (file_mode (fixture->path), ==, 0600);

  umask (old_umask);
  enlist_test_finalize (file);
}

/* Reads the file over and over while the main thread writes it: every
 * read must be a complete file. */
typedef struct
{
  const char *path;
  gint        stop;
  guint       reads;
  guint       incomplete;
} Reader;

static gpointer
reader_thread (gpointer user_data)
{
  Reader *reader = user_data;

  while (!g_atomic_int_get (&reader->stop))
    {
      g_autofree char *contents = NULL;
      g_autoptr(GKeyFile) key_file = g_key_file_new ();
      gsize length;

      if (!g_file_get_contents (reader->path, &contents, &length, NULL))
        {
          reader->incomplete++;
          continue;
        }
      reader->reads++;
      /* [enlist], 400 users and last@: a cut file would miss some. */
      if (!g_key_file_load_from_data (key_file, contents, length, 0, NULL))
        reader->incomplete++;
      else
        {
          g_auto(GStrv) groups = g_key_file_get_groups (key_file, NULL);

          if (g_strv_length (groups) != 402)
            reader->incomplete++;
        }
    }

  return NULL;
}

static void
test_atomic_replace (Fixture       *fixture,
                     gconstpointer  data)
{
  EnlistAccountFile *file = enlist_account_file_new (fixture->path);
  g_autoptr(EnlistAccountRecord) last = make_record ("last@example.org", "xmpp.example.org", 0,
                                                     FALSE, ENLIST_ACCOUNT_STATE_READY);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  Reader reader = { fixture->path, 0, 0, 0 };
  GThread *thread;
  GStatBuf st;
  ino_t first_inode;
  GDir *dir;
  const char *name;
  guint n_entries = 0;
  int fd;

  /* A large file, so that a write in place would be seen half done. */
  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *address = g_strdup_printf ("user%03u@example.org", i);
      g_autoptr(EnlistAccountRecord) record = make_record (address, "xmpp.example.org", 5222,
                                                           FALSE, ENLIST_ACCOUNT_STATE_READY);

      enlist_account_file_put_async (file, record, NULL, NULL);
    }
  g_assert_true (put (file, last, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  first_inode = st.st_ino;
  before = read_file (fixture->path);
  g_assert_cmpuint (strlen (before), >, 32 * 1024);
  fd = g_open (fixture->path, O_RDONLY, 0);
  g_assert_cmpint (fd, >=, 0);

  thread = g_thread_new ("reader", reader_thread, &reader);
  for (guint i = 0; i < 40; i++)
    {
      last->port = i + 1;
      g_assert_true (put (file, last, &error));
      g_assert_no_error (error);
    }
  g_atomic_int_set (&reader.stop, 1);
  g_thread_join (thread);
  g_test_message ("%u reads while writing", reader.reads);
  g_assert_cmpuint (reader.reads, >, 0);
  g_assert_cmpuint (reader.incomplete, ==, 0);

  /* A new file took the old one's name: whoever had the old one open still
   * reads it whole and unchanged. */
  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpuint (st.st_ino, !=, first_inode);
  {
    g_autofree char *old = g_malloc0 (strlen (before) + 1);

    g_assert_cmpint (read (fd, old, strlen (before)), ==, (gssize) strlen (before));
    g_assert_cmpstr (old, ==, before);
    close (fd);
  }

  /* No temporary file is left behind. */
  dir = g_dir_open (fixture->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_assert_cmpstr (name, ==, ENLIST_ACCOUNT_FILE_NAME);
      n_entries++;
    }
  g_dir_close (dir);
  g_assert_cmpuint (n_entries, ==, 1);

  enlist_test_finalize (file);
}

/* A file that cannot be read as ours: loading reports it by name, writing
 * fails, and the file and its neighbours stay byte for byte as they were. */
static void
assert_left_alone (Fixture    *fixture,
                   const char *contents,
                   gssize      length,
                   const char *message_part)
{
  EnlistAccountFile *file = enlist_account_file_new (fixture->path);
  g_autoptr(EnlistAccountRecord) record = make_record ("carol@example.org", NULL, 0, FALSE,
                                                       ENLIST_ACCOUNT_STATE_READY);
  g_autofree char *neighbour = g_build_filename (fixture->dir, "pinned-certificates.ini", NULL);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  gsize after_length;
  gsize expected_length = length < 0 ? strlen (contents) : (gsize) length;
  GStatBuf before_st, after_st;

  write_file (fixture->path, contents, length);
  write_file (neighbour, "[example.org]\nsha256=AB;\n", -1);
  g_assert_cmpint (g_stat (fixture->path, &before_st), ==, 0);

  records = load (file, &error);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_ACCOUNT_FILE);
  g_assert_null (records);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, fixture->path));
  g_assert_nonnull (strstr (error->message, message_part));
  g_clear_error (&error);

  g_assert_false (put (file, record, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_ACCOUNT_FILE);
  g_assert_nonnull (strstr (error->message, fixture->path));
  g_clear_error (&error);
  g_assert_false (remove_address (file, "carol@example.org", &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_ACCOUNT_FILE);
  g_clear_error (&error);
  g_assert_cmpuint (enlist_account_file_get_n_writes (file), ==, 0);

  g_assert_true (g_file_get_contents (fixture->path, &after, &after_length, NULL));
  g_assert_cmpmem (after, after_length, contents, expected_length);
  g_assert_cmpint (g_stat (fixture->path, &after_st), ==, 0);
  g_assert_cmpuint (after_st.st_ino, ==, before_st.st_ino);
  g_assert_cmpint (after_st.st_mtime, ==, before_st.st_mtime);
  g_clear_pointer (&after, g_free);
  after = read_file (neighbour);
  g_assert_cmpstr (after, ==, "[example.org]\nsha256=AB;\n");

  enlist_test_finalize (file);
}

static void
test_corrupt (Fixture       *fixture,
              gconstpointer  data)
{
  assert_left_alone (fixture, "[enlist]\nversion=1\n\n[alice@example.org\naddress=alice@", -1,
                     "damaged");
}

static void
test_corrupt_record (Fixture       *fixture,
                     gconstpointer  data)
{
  assert_left_alone (fixture,
                     "[enlist]\nversion=1\n\n[alice@example.org]\naddress=alice@example.org\n"
                     "domain=example.org\nhost=example.org\nport=70000\n", -1,
                     "[alice@example.org] has no valid port");
}

static void
test_unknown_state (Fixture       *fixture,
                    gconstpointer  data)
{
  assert_left_alone (fixture,
                     "[enlist]\nversion=1\n\n[alice@example.org]\naddress=alice@example.org\n"
                     "domain=example.org\nstate=teleported\n", -1,
                     "[alice@example.org] has no valid state");
}

static void
test_no_version (Fixture       *fixture,
                 gconstpointer  data)
{
  assert_left_alone (fixture, "[alice@example.org]\naddress=alice@example.org\n"
                     "domain=example.org\n", -1, "does not say its version");
}

static void
test_binary (Fixture       *fixture,
             gconstpointer  data)
{
  assert_left_alone (fixture, "[enlist]\nversion=1\n\0\xff\xfe", 22, "damaged");
}

static void
test_newer_version (Fixture       *fixture,
                    gconstpointer  data)
{
  assert_left_alone (fixture, "[enlist]\nversion=2\n\n[alice@example.org]\n"
                     "address=alice@example.org\ndomain=example.org\nsecret-sauce=yes\n", -1,
                     "written by a newer version of Enlist");
}

static void
test_oversized (Fixture       *fixture,
                gconstpointer  data)
{
  GString *big = g_string_new ("[enlist]\nversion=1\n");
  EnlistAccountFile *file = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  /* Exactly at the limit: read. */
  while (big->len < ENLIST_ACCOUNT_FILE_MAX_SIZE - 1)
    g_string_append_c (big, '#');
  g_string_append_c (big, '\n');
  g_assert_cmpuint (big->len, ==, ENLIST_ACCOUNT_FILE_MAX_SIZE);
  write_file (fixture->path, big->str, big->len);
  file = enlist_account_file_new (fixture->path);
  records = load (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 0);
  enlist_test_finalize (file);

  /* One byte more: not read, not rewritten. */
  g_string_insert_c (big, big->len - 1, '#');
  assert_left_alone (fixture, big->str, big->len, "larger than 1024 KiB");
  g_string_free (big, TRUE);
}

/* Many changes in quick succession: the first starts a write, the rest
 * wait together for one more, and the latest of each address wins. */
typedef struct
{
  EnlistAccountFile *file;
  guint              done;
  guint              failed;
} Counter;

static void
on_counted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Counter *counter = user_data;
  g_autoptr(GError) error = NULL;

  if (!enlist_account_file_write_finish (ENLIST_ACCOUNT_FILE (source), result, &error))
    {
      g_test_message ("write failed: %s", error->message);
      counter->failed++;
    }
  counter->done++;
}

static void
test_quick_changes (Fixture       *fixture,
                    gconstpointer  data)
{
  EnlistAccountFile *file = enlist_account_file_new (fixture->path);
  g_autoptr(EnlistAccountRecord) record = make_record ("dave@example.org", "xmpp.example.org", 0,
                                                       FALSE, ENLIST_ACCOUNT_STATE_READY);
  g_autoptr(EnlistAccountRecord) gone = make_record ("erin@example.org", NULL, 0, FALSE,
                                                     ENLIST_ACCOUNT_STATE_READY);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  Counter counter = { file, 0, 0 };

  for (guint i = 1; i <= 100; i++)
    {
      record->port = i;
      record->state = i % 2 ? ENLIST_ACCOUNT_STATE_REGISTRATION_PENDING
                            : ENLIST_ACCOUNT_STATE_READY;
      enlist_account_file_put_async (file, record, on_counted, &counter);
      enlist_account_file_put_async (file, gone, on_counted, &counter);
      enlist_account_file_remove_async (file, "erin@example.org", on_counted, &counter);
    }
  while (counter.done < 300)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (counter.failed, ==, 0);
  /* The first change's write, then one for all the others. */
  g_assert_cmpuint (enlist_account_file_get_n_writes (file), ==, 2);

  records = load (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 1);
  record->port = 100;
  record->state = ENLIST_ACCOUNT_STATE_READY;
  assert_record_equal (g_ptr_array_index (records, 0), record);

  enlist_test_finalize (file);
}

/* Two instances (two managers, or a second process) writing the same file
 * at once: each write reads the file again under the directory lock, so
 * neither loses the other's records. */
static void
test_concurrent_instances (Fixture       *fixture,
                           gconstpointer  data)
{
  EnlistAccountFile *files[2] = {
    enlist_account_file_new (fixture->path),
    enlist_account_file_new (fixture->path),
  };
  Counter counter = { NULL, 0, 0 };
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  EnlistAccountFile *reader;
  guint expected = 0;

  /* Written one by one as their callbacks come, so that the two instances'
   * writes interleave instead of each collapsing into one. */
  for (guint round = 0; round < 25; round++)
    {
      guint target = counter.done + 2;

      for (guint f = 0; f < 2; f++)
        {
          g_autofree char *address = g_strdup_printf ("user%u-%u@example.org", f, round);
          g_autoptr(EnlistAccountRecord) record = make_record (address, NULL, 0, FALSE,
                                                               ENLIST_ACCOUNT_STATE_READY);

          enlist_account_file_put_async (files[f], record, on_counted, &counter);
        }
      /* Half the time wait, half the time pile up. */
      if (round % 2 == 0)
        while (counter.done < target)
          g_main_context_iteration (NULL, TRUE);
    }
  while (counter.done < 50)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (counter.failed, ==, 0);
  g_assert_cmpuint (enlist_account_file_get_n_writes (files[0]), >, 1);
  g_assert_cmpuint (enlist_account_file_get_n_writes (files[1]), >, 1);

  reader = enlist_account_file_new (fixture->path);
  records = load (reader, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 50);
  for (guint f = 0; f < 2; f++)
    for (guint round = 0; round < 25; round++)
      {
        g_autofree char *address = g_strdup_printf ("user%u-%u@example.org", f, round);

        for (guint i = 0; i < records->len; i++)
          if (strcmp (((EnlistAccountRecord *) g_ptr_array_index (records, i))->address,
                      address) == 0)
            expected++;
      }
  g_assert_cmpuint (expected, ==, 50);

  enlist_test_finalize (reader);
  enlist_test_finalize (files[0]);
  enlist_test_finalize (files[1]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/account-file/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("missing-file", test_missing_file);
  ADD ("round-trip", test_round_trip);
  ADD ("address-key", test_address_key);
  ADD ("private-mode", test_private_mode);
  ADD ("atomic-replace", test_atomic_replace);
  ADD ("corrupt", test_corrupt);
  ADD ("corrupt-record", test_corrupt_record);
  ADD ("unknown-state", test_unknown_state);
  ADD ("no-version", test_no_version);
  ADD ("binary", test_binary);
  ADD ("newer-version", test_newer_version);
  ADD ("oversized", test_oversized);
  ADD ("quick-changes", test_quick_changes);
  ADD ("concurrent-instances", test_concurrent_instances);

#undef ADD

  return g_test_run ();
}
