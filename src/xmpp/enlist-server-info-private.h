/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-server-info-private.h: how the registration service fills in an
 * EnlistServerInfo. */
#pragma once

#include "enlist-connection.h"
#include "enlist-server-info.h"

G_BEGIN_DECLS

/* A snapshot of what connection learnt: endpoint, TLS, trust, stream
 * features, timings, and after a login the bound JID and the mechanism. */
EnlistServerInfo *enlist_server_info_new_from_connection (EnlistConnection *connection);
/* The outcome of the form request of a probe: form or error (one of them),
 * and the microseconds from the start until it arrived. */
void              enlist_server_info_set_form            (EnlistServerInfo *self,
                                                          EnlistDataForm   *form,
                                                          const GError     *error,
                                                          gint64            usec);

G_END_DECLS
