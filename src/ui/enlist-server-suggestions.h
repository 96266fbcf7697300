/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-server-suggestions.h: the list of servers suggested under the
 * server entry while a name is typed: a popover that never takes the
 * keyboard from the entry, moved through with Up and Down by the entry's
 * owner, and chosen with Enter or a click. */
#pragma once

#include <adwaita.h>

#include "enlist-provider.h"

G_BEGIN_DECLS

#define ENLIST_TYPE_SERVER_SUGGESTIONS (enlist_server_suggestions_get_type ())
G_DECLARE_FINAL_TYPE (EnlistServerSuggestions, enlist_server_suggestions,
                      ENLIST, SERVER_SUGGESTIONS, GtkPopover)

/* Signal "chosen" (EnlistProvider *provider): a suggestion was clicked, or
 * chosen with enlist_server_suggestions_choose. */
GtkWidget      *enlist_server_suggestions_new          (void);
/* Makes parent (the entry's page) the popover's parent, and lets a click
 * on a suggestion work on X11 too (see the .c file). */
void            enlist_server_suggestions_attach       (EnlistServerSuggestions *self,
                                                        GtkWidget               *parent);

/* The providers to show (a GListModel of EnlistProvider, as
 * enlist_provider_list_search gives); none is selected then. */
void            enlist_server_suggestions_set_model    (EnlistServerSuggestions *self,
                                                        GListModel              *providers);
guint           enlist_server_suggestions_get_n_items  (EnlistServerSuggestions *self);

/* Moves the selection down or up (from none, down selects the first);
 * FALSE when there is nowhere to go. */
gboolean        enlist_server_suggestions_move         (EnlistServerSuggestions *self,
                                                        gboolean                 down);
/* The selected provider (a new reference), or NULL. */
EnlistProvider *enlist_server_suggestions_get_selected (EnlistServerSuggestions *self);
/* Emits "chosen" for the selected provider; FALSE when none is. */
gboolean        enlist_server_suggestions_choose       (EnlistServerSuggestions *self);

/* The second line of provider's row: where a demo server listens, what
 * signing up there asks for. */
char           *enlist_server_suggestions_describe     (EnlistProvider          *provider);

G_END_DECLS
