/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-trust-store.c: pinned certificate fingerprints per domain, in a file
 * under a temporary directory. */
#define G_LOG_DOMAIN "test-trust-store"

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "enlist-trust-store.h"

#define FP_A "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:" \
             "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"
#define FP_B "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:" \
             "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF"

typedef struct
{
  char *dir;
} Fixture;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
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
  g_rmdir (path);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("enlist-trust-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* A store whose file lives in a directory not created yet. */
static EnlistTrustStore *
new_store (Fixture *fixture)
{
  g_autofree char *dir = g_build_filename (fixture->dir, "sub", "enlist", NULL);

  return enlist_trust_store_new (dir);
}

static void
assert_pins (EnlistTrustStore   *store,
             const char         *domain,
             const char * const *expected)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) pins = enlist_trust_store_get_pins (store, domain, &error);

  g_assert_no_error (error);
  g_assert_nonnull (pins);
  g_assert_cmpstrv (pins, expected);
}

static void
test_normalize_domain (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "example.org", "example.org" },
    { "Example.ORG", "example.org" },
    { "example.org.", "example.org" },
    { "ÜNÏCÖDÉ.Example", "xn--ncd-dma1a7bzb.example" },
    { "ünïcödé.example", "xn--ncd-dma1a7bzb.example" },
    { "xn--ncd-dma1a7bzb.example", "xn--ncd-dma1a7bzb.example" },
    { "127.0.0.1", "127.0.0.1" },
    { "localhost", "localhost" },
    { "", NULL },
    { ".", NULL },
    { ".example.org", NULL },
    { "example..org", NULL },
    { "exa mple.org", NULL },
    { "a=b", NULL },
    { "[example.org]", NULL },
    /* A JID may name an IP literal, a key file group cannot. */
    { "[::1]", NULL },
    { "example.org\n[x]", NULL },
    { "alice@example.org", NULL },
    { "example.org/resource", NULL },
    { "\xff\xfe", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = enlist_trust_store_normalize_domain (cases[i].in);
      g_autofree char *escaped = g_strescape (cases[i].in, NULL);

      g_test_message ("%s", escaped);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_add_get_remove (Fixture       *fixture,
                     gconstpointer  data)
{
  EnlistTrustStore *store = new_store (fixture);
  g_autoptr(GError) error = NULL;

  assert_pins (store, "example.org", (const char *[]) { NULL });
  g_assert_false (g_file_test (enlist_trust_store_get_path (store), G_FILE_TEST_EXISTS));
  g_assert_false (enlist_trust_store_has_pin (store, "example.org", FP_A));

  /* Any spelling of the fingerprint and of the domain. */
  g_assert_true (enlist_trust_store_add_pin (store, "Example.ORG.",
                                             "abcdef0123456789abcdef0123456789"
                                             "abcdef0123456789abcdef0123456789", &error));
  g_assert_no_error (error);
  assert_pins (store, "example.org", (const char *[]) { FP_A, NULL });
  assert_pins (store, "EXAMPLE.org", (const char *[]) { FP_A, NULL });
  g_assert_true (enlist_trust_store_has_pin (store, "example.org", FP_A));
  g_assert_true (enlist_trust_store_has_pin (store, "example.org",
                                             "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:"
                                             "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89"));
  g_assert_false (enlist_trust_store_has_pin (store, "example.org", FP_B));
  g_assert_false (enlist_trust_store_has_pin (store, "example.org", "not a fingerprint"));

  /* Adding again does not duplicate. */
  g_assert_true (enlist_trust_store_add_pin (store, "example.org", FP_A, &error));
  g_assert_no_error (error);
  assert_pins (store, "example.org", (const char *[]) { FP_A, NULL });

  /* A second pin (a certificate renewal), sorted. */
  g_assert_true (enlist_trust_store_add_pin (store, "example.org", FP_B, &error));
  g_assert_no_error (error);
  assert_pins (store, "example.org", (const char *[]) { FP_B, FP_A, NULL });

  /* Other domains are separate: subdomains and parents too. */
  assert_pins (store, "example.net", (const char *[]) { NULL });
  assert_pins (store, "sub.example.org", (const char *[]) { NULL });
  assert_pins (store, "org", (const char *[]) { NULL });
  g_assert_false (enlist_trust_store_has_pin (store, "example.net", FP_A));
  g_assert_true (enlist_trust_store_add_pin (store, "example.net", FP_B, &error));
  g_assert_no_error (error);

  g_assert_true (enlist_trust_store_remove_pin (store, "example.org", FP_B, &error));
  g_assert_no_error (error);
  assert_pins (store, "example.org", (const char *[]) { FP_A, NULL });
  assert_pins (store, "example.net", (const char *[]) { FP_B, NULL });

  /* Removing what is not there succeeds. */
  g_assert_true (enlist_trust_store_remove_pin (store, "example.org", FP_B, &error));
  g_assert_no_error (error);
  g_assert_true (enlist_trust_store_remove_pin (store, "nowhere.example", FP_B, &error));
  g_assert_no_error (error);

  g_assert_true (enlist_trust_store_remove_pin (store, "EXAMPLE.ORG", "ab cd ef 01 23 45 67 89 "
                                                "ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67 89 "
                                                "ab cd ef 01 23 45 67 89", &error));
  g_assert_no_error (error);
  assert_pins (store, "example.org", (const char *[]) { NULL });

  g_assert_finalize_object (store);
}

static void
test_file (Fixture       *fixture,
           gconstpointer  data)
{
  EnlistTrustStore *store = new_store (fixture);
  EnlistTrustStore *other;
  g_autoptr(GError) error = NULL;
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autofree char *path = g_strdup (enlist_trust_store_get_path (store));
  g_autofree char *expected_path = g_build_filename (fixture->dir, "sub", "enlist",
                                                     "pinned-certificates.ini", NULL);
  g_auto(GStrv) groups = NULL;
  g_auto(GStrv) values = NULL;
  GStatBuf st;

  g_assert_cmpstr (path, ==, expected_path);

  g_assert_true (enlist_trust_store_add_pin (store, "ünïcödé.example", FP_A, &error));
  g_assert_no_error (error);
  g_assert_true (enlist_trust_store_add_pin (store, "example.org", FP_B, &error));
  g_assert_no_error (error);

  /* Only the user can read it (and the folder): what servers one talks to is
   * no one else's business. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  {
    g_autofree char *dir = g_path_get_dirname (path);

    g_assert_cmpint (g_stat (dir, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  }

  /* The format: one group per normalised domain, key sha256. */
  g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  groups = g_key_file_get_groups (key_file, NULL);
  g_assert_cmpstrv (groups, ((const char *[]) { "xn--ncd-dma1a7bzb.example", "example.org", NULL }));
  values = g_key_file_get_string_list (key_file, "example.org", "sha256", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (values, ((const char *[]) { FP_B, NULL }));

  /* Another instance (another process) sees the same pins, and changes made
   * by either are seen by the other. */
  {
    g_autofree char *dir = g_path_get_dirname (path);

    other = enlist_trust_store_new (dir);
  }
  assert_pins (other, "ÜNÏCÖDÉ.example", (const char *[]) { FP_A, NULL });
  g_assert_true (enlist_trust_store_remove_pin (other, "example.org", FP_B, &error));
  g_assert_no_error (error);
  assert_pins (store, "example.org", (const char *[]) { NULL });

  /* The last pin of a domain takes its group with it. */
  g_strfreev (g_steal_pointer (&groups));
  g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  groups = g_key_file_get_groups (key_file, NULL);
  g_assert_cmpstrv (groups, ((const char *[]) { "xn--ncd-dma1a7bzb.example", NULL }));

  g_assert_finalize_object (other);
  g_assert_finalize_object (store);
}

static void
test_invalid_input (Fixture       *fixture,
                    gconstpointer  data)
{
  EnlistTrustStore *store = new_store (fixture);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) pins = NULL;

  g_assert_false (enlist_trust_store_add_pin (store, "example.org", "abcdef", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "abcdef"));
  g_clear_error (&error);

  g_assert_false (enlist_trust_store_add_pin (store, "exa mple.org", FP_A, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_false (enlist_trust_store_remove_pin (store, "example.org", "abcdef", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  pins = enlist_trust_store_get_pins (store, "[example.org]", &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_null (pins);
  g_clear_error (&error);

  /* Nothing was written. */
  g_assert_false (g_file_test (enlist_trust_store_get_path (store), G_FILE_TEST_EXISTS));
  g_assert_finalize_object (store);
}

/* A hand-edited file: entries in any spelling count, junk entries are
 * ignored, comments survive a rewrite. */
static void
test_hand_edited_file (Fixture       *fixture,
                       gconstpointer  data)
{
  EnlistTrustStore *store = enlist_trust_store_new (fixture->dir);
  const char *path = enlist_trust_store_get_path (store);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  g_file_set_contents (path,
                       "# my pins\n"
                       "[example.org]\n"
                       "sha256=abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789;"
                       "not-a-fingerprint;" FP_A ";\n",
                       -1, &error);
  g_assert_no_error (error);

  assert_pins (store, "example.org", (const char *[]) { FP_A, NULL });
  g_assert_true (enlist_trust_store_add_pin (store, "example.org", FP_B, &error));
  g_assert_no_error (error);
  assert_pins (store, "example.org", (const char *[]) { FP_B, FP_A, NULL });

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (contents, "# my pins"));
  g_assert_null (strstr (contents, "not-a-fingerprint"));

  g_assert_finalize_object (store);
}

/* A file that cannot be parsed is reported, and never overwritten: it may
 * hold pins the user relies on. */
static void
test_unreadable_file (Fixture       *fixture,
                      gconstpointer  data)
{
  EnlistTrustStore *store = enlist_trust_store_new (fixture->dir);
  const char *path = enlist_trust_store_get_path (store);
  const char *garbage = "this is [not a key file\n\x01\x02";
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) pins = NULL;

  g_file_set_contents (path, garbage, -1, &error);
  g_assert_no_error (error);

  pins = enlist_trust_store_get_pins (store, "example.org", &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_null (pins);
  g_clear_error (&error);
  g_assert_false (enlist_trust_store_has_pin (store, "example.org", FP_A));

  g_assert_false (enlist_trust_store_add_pin (store, "example.org", FP_A, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (enlist_trust_store_remove_pin (store, "example.org", FP_A, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, garbage);

  g_assert_finalize_object (store);
}

/* Without a directory the store uses the user data folder (a subprocess,
 * since GLib reads XDG_DATA_HOME once per process). */
static void
test_default_directory (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *expected = NULL;
  EnlistTrustStore *store;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  tmp = g_dir_make_tmp ("enlist-trust-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", tmp, TRUE);

  store = enlist_trust_store_new (NULL);
  expected = g_build_filename (tmp, "enlist", "pinned-certificates.ini", NULL);
  g_assert_cmpstr (enlist_trust_store_get_path (store), ==, expected);
  g_assert_true (enlist_trust_store_add_pin (store, "example.org", FP_A, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));
  g_assert_finalize_object (store);

  remove_tree (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/trust-store/normalize-domain", test_normalize_domain);
  g_test_add ("/trust-store/add-get-remove", Fixture, NULL,
              fixture_set_up, test_add_get_remove, fixture_tear_down);
  g_test_add ("/trust-store/file", Fixture, NULL,
              fixture_set_up, test_file, fixture_tear_down);
  g_test_add ("/trust-store/invalid-input", Fixture, NULL,
              fixture_set_up, test_invalid_input, fixture_tear_down);
  g_test_add ("/trust-store/hand-edited-file", Fixture, NULL,
              fixture_set_up, test_hand_edited_file, fixture_tear_down);
  g_test_add ("/trust-store/unreadable-file", Fixture, NULL,
              fixture_set_up, test_unreadable_file, fixture_tear_down);
  g_test_add_func ("/trust-store/default-directory", test_default_directory);

  return g_test_run ();
}
