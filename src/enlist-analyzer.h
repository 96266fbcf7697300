/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-analyzer.h: what Clang's static analyzer (tools/scan-build) cannot
 * see for itself, said at the places where it matters; nothing at all in a
 * build. Belongs to no layer, like config.h. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ENLIST_ANALYZER_ESCAPE (p): p's memory is freed by something the analyzer
 * does not follow, so it stops tracking p instead of reporting a leak. Two
 * such things, named in a comment at each use:
 *
 *  - a g_autofree, g_autoptr or g_auto variable. Clang 14's analyzer does
 *    not run __attribute__((cleanup)) (https://bugs.llvm.org/show_bug.cgi?id=3888),
 *    so it reports every such variable that holds memory it saw allocated
 *    (g_malloc, g_new and their kin) as leaked where the function returns;
 *  - a function of a library that takes the memory (g_value_take_boxed,
 *    SOUP_MEMORY_TAKE): the analyzer assumes that a function declared in a
 *    system header never frees what it is given.
 *
 * Only the analyzer sees the call: enlist_analyzer_escape is declared, never
 * defined. Its argument is not const, because a const pointer is one the
 * analyzer knows cannot be freed through. LeakSanitizer, which sees the
 * cleanups run, checks these places in tools/check's sanitizer suite. */
#ifdef __clang_analyzer__
void enlist_analyzer_escape (gpointer p);
#define ENLIST_ANALYZER_ESCAPE(p) enlist_analyzer_escape ((gpointer) (p))
#else
#define ENLIST_ANALYZER_ESCAPE(p) ((void) 0)
#endif

G_END_DECLS
