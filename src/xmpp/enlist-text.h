/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-text.h: making text that came from a server safe to show. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A copy of text that cannot drive a terminal or disguise itself: control
 * characters (C0 except none, DEL, C1), bidirectional embeddings, overrides and
 * isolates are written as visible \u{XXXX} escapes; invalid UTF-8 becomes
 * U+FFFD. len -1 for a NUL-terminated string. */
char *enlist_text_neutralize (const char *text,
                              gssize      len);

/* Wipes a NUL-terminated secret (a password, a token) before freeing it;
 * NULL is fine. Usable as a GDestroyNotify. */
void  enlist_secret_free      (gpointer    secret);
/* The same for every string of a vector, then the vector. */
void  enlist_secret_strv_free (char      **strv);

G_END_DECLS
