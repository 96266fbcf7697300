/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-progress-page.h: the sign-up assistant's page while the service
 * works — a spinner and what the registration is doing, in words (its
 * "stage"). Cancelling is the assistant's header-bar button, not the
 * page's. */
#pragma once

#include <adwaita.h>

#include "enlist-registration.h"

G_BEGIN_DECLS

#define ENLIST_TYPE_PROGRESS_PAGE (enlist_progress_page_get_type ())
G_DECLARE_FINAL_TYPE (EnlistProgressPage, enlist_progress_page, ENLIST, PROGRESS_PAGE, AdwBin)

GtkWidget  *enlist_progress_page_new              (void);

/* Follows registration's "stage" (NULL: none); the server's name (plain
 * text) is shown with it, and before (may be NULL) until the registration
 * reaches its first stage. The spinner turns while the page is mapped. */
void        enlist_progress_page_set_registration (EnlistProgressPage *self,
                                                   EnlistRegistration *registration,
                                                   const char         *server,
                                                   const char         *before);
/* The stage as shown ("Securing connection…"). */
const char *enlist_progress_page_get_text         (EnlistProgressPage *self);

G_END_DECLS
