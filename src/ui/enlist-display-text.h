/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-display-text.h: server text made fit for a widget: control and
 * bidirectional-override characters made visible, and absurd lengths cut,
 * because GTK 4.8 takes minutes to lay out a 20,000-character title. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Titles of rows and headings: one line. */
#define ENLIST_DISPLAY_TITLE_CHARS        100
/* Descriptions, instructions, messages: wrapped labels. */
#define ENLIST_DISPLAY_DESCRIPTION_CHARS  2000

/* A copy of text (NULL gives NULL) with enlist_text_neutralize's escapes;
 * line breaks are kept when multiline (and become spaces otherwise), and a
 * text longer than max_chars characters is cut to max_chars - 1 followed
 * by "…". */
char     *enlist_display_text           (const char *text,
                                         guint       max_chars,
                                         gboolean    multiline);
/* TRUE when enlist_display_text (text, max_chars, …) would cut text. */
gboolean  enlist_display_text_too_long  (const char *text,
                                         guint       max_chars);

/* A moment for people, in local time: "2 December 2026, 11:24" in English,
 * the translators' format elsewhere. */
char     *enlist_display_date_time      (GDateTime  *time);

G_END_DECLS
