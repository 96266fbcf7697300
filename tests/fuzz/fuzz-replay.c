/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-replay.c: runs a fuzz target without libFuzzer, so that any compiler
 * builds it and meson test replays its corpus: every file of the
 * directories (and every file) named on the command line goes to
 * LLVMFuzzerTestOneInput once, in name order. A crash is the target's (a
 * sanitizer or G_DEBUG=fatal-criticals aborts). Each directory must exist
 * and hold at least one file, except those after --optional (the
 * regression reproducers, which a target may not have yet). */
#define G_LOG_DOMAIN "fuzz-replay"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fuzz-util.h"

/* A corpus file larger than this is a mistake (tests/fuzz/README.md). */
#define REPLAY_MAX_INPUT (1024 * 1024)

static gboolean
replay_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  guint8 *copy;

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  if (length > REPLAY_MAX_INPUT)
    {
      g_printerr ("%s: %" G_GSIZE_FORMAT " bytes, more than an input may have\n", path, length);
      return FALSE;
    }

  /* An exact copy on the heap, so that AddressSanitizer sees a read past
   * the end as libFuzzer would. */
  copy = g_memdup2 (contents, length);
  LLVMFuzzerTestOneInput (copy, length);
  g_free (copy);
  return TRUE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Replays every regular file of dir; returns how many, or -1 on an error. */
static int
replay_directory (const char *dir,
                  gboolean    optional)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) handle = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  int count = 0;

  handle = g_dir_open (dir, 0, &error);
  if (handle == NULL)
    {
      if (optional && g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return 0;
      g_printerr ("%s\n", error->message);
      return -1;
    }

  while ((name = g_dir_read_name (handle)) != NULL)
    g_ptr_array_add (names, g_build_filename (dir, name, NULL));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *path = g_ptr_array_index (names, i);

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      if (!replay_file (path))
        return -1;
      count++;
    }

  if (count == 0 && !optional)
    {
      g_printerr ("%s: no inputs\n", dir);
      return -1;
    }
  return count;
}

int
main (int   argc,
      char *argv[])
{
  gboolean optional = FALSE;
  int total = 0;

  if (argc < 2)
    {
      g_printerr ("Usage: %s CORPUS-DIR|FILE… [--optional DIR…]\n", argv[0]);
      return 2;
    }

  for (int i = 1; i < argc; i++)
    {
      int count;

      if (strcmp (argv[i], "--optional") == 0)
        {
          optional = TRUE;
          continue;
        }

      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR) || optional)
        count = replay_directory (argv[i], optional);
      else
        count = replay_file (argv[i]) ? 1 : -1;
      if (count < 0)
        return 1;

      g_print ("%s: %d input(s)\n", argv[i], count);
      total += count;
    }

  if (total == 0)
    {
      g_printerr ("No inputs at all\n");
      return 1;
    }
  g_print ("%d input(s) replayed\n", total);
  return 0;
}
