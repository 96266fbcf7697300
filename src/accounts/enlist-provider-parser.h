/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-provider-parser.h: reading an XMPP Providers JSON document into
 * checked EnlistProviders (the format and limits are described in
 * enlist-provider-list.h). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Returns the usable providers in document order (a GPtrArray of
 * EnlistProvider; a domain listed twice is taken once), and in *newest the
 * Julian day number of the newest latestChange (0 if there is none).
 * Localized addresses are picked for languages, in order of preference (NULL:
 * g_get_language_names ()), then English, then the first listed. Safe to call
 * from any thread. */
GPtrArray *enlist_provider_parse (GBytes              *bytes,
                                  const char * const  *languages,
                                  guint32             *newest,
                                  GError             **error);

G_END_DECLS
