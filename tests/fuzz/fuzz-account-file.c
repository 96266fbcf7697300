/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-account-file.c: a libFuzzer target for the account file parser
 * (DATA_DIR/accounts.ini, which a hand edit, a disk error or another
 * program may have left in any state): the input is the file's contents,
 * parsed as a load parses them; a file that parses is also rewritten as a
 * write would rewrite it, and what that leaves must parse again. */
#define G_LOG_DOMAIN "fuzz-account-file"

#include "config.h"

#include <string.h>

#include "enlist-account-file-private.h"
#include "enlist-error.h"
#include "fuzz-util.h"

#define PATH "/fuzz/accounts.ini"

static void
check_records (GPtrArray *records)
{
  for (guint i = 0; i < records->len; i++)
    {
      const EnlistAccountRecord *record = g_ptr_array_index (records, i);
      g_autoptr(EnlistAccountRecord) copy = enlist_account_record_copy (record);
      g_autofree char *key = enlist_account_address_key (record->address);

      g_assert (record->address != NULL && record->domain != NULL);
      g_assert (record->host != NULL || record->port == 0);
      g_assert (key != NULL);
      if (i > 0)
        {
          const EnlistAccountRecord *previous = g_ptr_array_index (records, i - 1);
          g_autofree char *previous_key = enlist_account_address_key (previous->address);

          /* sorted, and one record per account */
          g_assert (enlist_account_address_compare (previous->address, record->address) <= 0);
          g_assert_cmpstr (previous_key, !=, key);
        }
      g_assert_cmpstr (copy->address, ==, record->address);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rewritten = NULL;

  records = enlist_account_file_parse_data ((const char *) data, size, PATH, &rewritten, &error);
  if (records == NULL)
    {
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_ACCOUNT_FILE);
      g_assert (rewritten == NULL);
      return 0;
    }
  g_assert_no_error (error);
  check_records (records);

  /* a write never leaves a file that the next load refuses */
  g_assert (rewritten != NULL);
  again = enlist_account_file_parse_data (rewritten, strlen (rewritten), PATH, NULL, &error);
  g_assert_no_error (error);
  g_assert (again != NULL);
  /* every record but the one removed is still there */
  g_assert_cmpuint (again->len + 1, ==, MAX (records->len, 1));
  check_records (again);
  return 0;
}
