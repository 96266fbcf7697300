/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-secrets.h: looking for passwords where Enlist must never put
 * them — the files of the user's data, config and cache directories, and
 * what a program printed — in the forms they could take there. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Fails the test, naming the place, if text holds secret as it was typed
 * or XML-escaped. where says what text is ("enlist-cli passwd's stderr"). */
void   enlist_test_assert_no_secret_in_text (const char         *text,
                                             gsize               length,
                                             const char * const *secrets,
                                             const char         *where);
/* The same for every regular file under dir (symbolic links are not
 * followed), except the subtree skip (NULL: none); returns how many files
 * were read, so that a test can check that it looked at something. */
guint  enlist_test_assert_no_secret_in_tree (const char         *dir,
                                             const char * const *secrets,
                                             const char         *skip);

G_END_DECLS
