/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-tls-policy-private.h: counters for tests, to prove that the trust
 * anchors are parsed once per process. */
#pragma once

#include "enlist-tls-policy.h"

G_BEGIN_DECLS

/* How many times a CA file was parsed (each path once, again when the file
 * changed), and the system store loaded, in this process so far. */
guint    enlist_tls_policy_get_n_ca_file_loads     (void);
guint    enlist_tls_policy_get_n_system_loads      (void);
/* Whether the system store is loaded (by a verification or a preload). */
gboolean enlist_tls_policy_is_system_loaded        (void);
/* Forgets the parsed CA files (the next use of a path parses it again). */
void     enlist_tls_policy_clear_ca_file_cache     (void);

G_END_DECLS
