/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-providers.h: what the provider list's tests share: a document
 * of valid providers, and the list's items by position. */
#pragma once

#include "enlist-provider-list.h"

G_BEGIN_DECLS

/* A document of n valid providers named <prefix><i>.example, alternately
 * in-band and web-only, all changed on latest_change. */
char           *enlist_test_make_document     (guint       n,
                                               const char *prefix,
                                               const char *latest_change);
/* Borrowed: the model keeps its own reference. */
EnlistProvider *enlist_test_provider_at       (GListModel *model,
                                               guint       position);
/* The domain of the provider at position of model (an EnlistProviderList). */
const char     *enlist_test_domain_at         (gpointer    model,
                                               guint       position);
/* An "items-changed" handler that appends "position-removed+added;" to the
 * GString user_data. */
void            enlist_test_log_items_changed (GListModel *model,
                                               guint       position,
                                               guint       removed,
                                               guint       added,
                                               gpointer    user_data);

G_END_DECLS
