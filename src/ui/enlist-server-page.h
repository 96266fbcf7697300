/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-server-page.h: the sign-up assistant's first page: which server
 * the account is made on. An entry "Server" with suggestions from the
 * provider list as the name is typed (demo servers first), an "Advanced"
 * expander with "Host", "Port" and "Direct TLS" for servers that DNS does
 * not describe, and an invitation link (xmpp:DOMAIN?register;preauth=…)
 * understood when pasted. Errors that ended the last attempt are shown
 * here, with what to do. */
#pragma once

#include <adwaita.h>

#include "enlist-provider-list.h"

G_BEGIN_DECLS

#define ENLIST_TYPE_SERVER_PAGE (enlist_server_page_get_type ())
G_DECLARE_FINAL_TYPE (EnlistServerPage, enlist_server_page, ENLIST, SERVER_PAGE, AdwBin)

/* Property "valid" (read-only, notified): what was typed names a server
 * and a usable endpoint. Signal "changed": the user changed what was
 * typed or chose a suggestion. The page's "Next" button activates
 * "assistant.next". */
GtkWidget      *enlist_server_page_new                (void);

void            enlist_server_page_set_providers      (EnlistServerPage   *self,
                                                       EnlistProviderList *providers);

gboolean        enlist_server_page_get_valid          (EnlistServerPage   *self);
/* The server's domain (lower-case, what follows an "@" if one was typed),
 * or NULL when what was typed is no server name. */
const char     *enlist_server_page_get_domain         (EnlistServerPage   *self);
/* Where to connect: NULL host when DNS decides; port 0 for the usual one. */
const char     *enlist_server_page_get_host           (EnlistServerPage   *self);
guint16         enlist_server_page_get_port           (EnlistServerPage   *self);
gboolean        enlist_server_page_get_direct_tls     (EnlistServerPage   *self);
/* The invitation link that was pasted, while the server is still its
 * domain; NULL otherwise. */
const char     *enlist_server_page_get_invite         (EnlistServerPage   *self);
/* The suggestion chosen, while the server is still its domain; NULL
 * otherwise. */
EnlistProvider *enlist_server_page_get_provider       (EnlistServerPage   *self);

/* Fills the page as if the user had typed domain, chosen provider (a demo
 * server's endpoint; may be NULL) and pasted invite (may be NULL). */
void            enlist_server_page_set_server         (EnlistServerPage   *self,
                                                       const char         *domain,
                                                       EnlistProvider     *provider,
                                                       const char         *invite);

/* Shows why the last attempt ended (plain text), until the user changes
 * something; NULL heading clears it. */
void            enlist_server_page_set_error          (EnlistServerPage   *self,
                                                       const char         *heading,
                                                       const char         *message);
gboolean        enlist_server_page_get_has_error      (EnlistServerPage   *self);
/* The error's text as shown ("heading: message"), or NULL. */
char           *enlist_server_page_dup_error          (EnlistServerPage   *self);

/* "Next". */
GtkWidget      *enlist_server_page_get_default_widget (EnlistServerPage   *self);
/* The entry "Server" (focus goes there when the page appears). */
GtkWidget      *enlist_server_page_get_server_row     (EnlistServerPage   *self);
/* The suggestions popover (an EnlistServerSuggestions). */
GtkWidget      *enlist_server_page_get_suggestions    (EnlistServerPage   *self);

G_END_DECLS
