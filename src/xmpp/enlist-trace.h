/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-trace.h: switching on the XML trace for debugging (the CLI's
 * --trace); what it prints, with secrets redacted, is the protocol engine's
 * business (enlist-trace-private.h). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when ENLIST_DEBUG contains "xml" or enlist_trace_set_enabled (TRUE) was called. */
gboolean       enlist_trace_enabled       (void);
void           enlist_trace_set_enabled   (gboolean              enabled);

G_END_DECLS
