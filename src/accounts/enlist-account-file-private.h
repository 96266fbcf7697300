/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-account-file-private.h: the account file's parser without the
 * file, for the fuzz target (tests/fuzz/fuzz-account-file.c). */
#pragma once

#include "enlist-account-file.h"

G_BEGIN_DECLS

/* Parses contents (length bytes) as a load of the file at path would (path
 * only names it in messages): a GPtrArray of EnlistAccountRecord sorted by
 * address, or NULL with the error the load would give. With rewritten, also
 * applies what a write does to the parsed file: puts every record back in
 * and removes the first one; *rewritten is the text that write would leave. */
GPtrArray *enlist_account_file_parse_data (const char  *contents,
                                           gsize        length,
                                           const char  *path,
                                           char       **rewritten,
                                           GError     **error);

G_END_DECLS
