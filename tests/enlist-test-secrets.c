/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-secrets.c: scanning text and directory trees for passwords
 * (see the header). */
#define G_LOG_DOMAIN "enlist-test"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "enlist-test-secrets.h"

/* No file Enlist writes comes near this; a bigger one is read this far. */
#define SCAN_MAX_BYTES (64 * 1024 * 1024)

static char *
xml_escaped (const char *secret)
{
  return g_markup_escape_text (secret, -1);
}

void
enlist_test_assert_no_secret_in_text (const char         *text,
                                      gsize               length,
                                      const char * const *secrets,
                                      const char         *where)
{
  if (text == NULL)
    return;
  for (guint i = 0; secrets[i] != NULL; i++)
    {
      g_autofree char *escaped = xml_escaped (secrets[i]);
      const char *forms[] = { secrets[i], escaped };

      g_assert_cmpuint (strlen (secrets[i]), >=, 8);
      for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
        if (memmem (text, length, forms[f], strlen (forms[f])) != NULL)
          g_error ("password %u of this test appears in %s", i + 1, where);
    }
}

static void
scan_tree (const char         *dir,
           const char * const *secrets,
           const char         *skip,
           guint              *n_files)
{
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;

  if (skip != NULL && g_str_equal (dir, skip))
    return;
  listing = g_dir_open (dir, 0, &error);
  if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    return;
  g_assert_no_error (error);

  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf info;

      g_assert_cmpint (g_lstat (path, &info), ==, 0);
      if (S_ISDIR (info.st_mode))
        scan_tree (path, secrets, skip, n_files);
      else if (S_ISREG (info.st_mode))
        {
          g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, &error);
          gsize length;

          g_assert_no_error (error);
          length = MIN (g_mapped_file_get_length (file), SCAN_MAX_BYTES);
          enlist_test_assert_no_secret_in_text (g_mapped_file_get_contents (file), length,
                                                secrets, path);
          (*n_files)++;
        }
    }
}

guint
enlist_test_assert_no_secret_in_tree (const char         *dir,
                                      const char * const *secrets,
                                      const char         *skip)
{
  guint n_files = 0;

  scan_tree (dir, secrets, skip, &n_files);
  return n_files;
}
