/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-web-page.h: the sign-up assistant's page for a server that
 * creates accounts only on its web site: what the server says, the address
 * of its sign-up page as it is, and "Open Web Page" to open it in the
 * default browser. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ENLIST_TYPE_WEB_PAGE (enlist_web_page_get_type ())
G_DECLARE_FINAL_TYPE (EnlistWebPage, enlist_web_page, ENLIST, WEB_PAGE, AdwBin)

/* Action "web.open" opens the page (enabled when there is one). */
GtkWidget  *enlist_web_page_new                (void);

/* url: the server's sign-up page (only http and https addresses are
 * offered; NULL or anything else: none); instructions: the server's own
 * words (plain text) or NULL. */
void        enlist_web_page_set_page           (EnlistWebPage *self,
                                                const char    *url,
                                                const char    *instructions);
/* The address "Open Web Page" opens, or NULL when none is offered. */
const char *enlist_web_page_get_url            (EnlistWebPage *self);
/* "Open Web Page", or NULL when there is nothing to open. */
GtkWidget  *enlist_web_page_get_default_widget (EnlistWebPage *self);

G_END_DECLS
