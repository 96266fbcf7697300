/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-certificate-page.h: the decision about a server certificate that
 * did not verify: what it says about itself, what is wrong with it, and
 * "Trust This Certificate" or "Cancel". The page never trusts anything
 * itself: it reports the choice. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ENLIST_TYPE_CERTIFICATE_PAGE (enlist_certificate_page_get_type ())
G_DECLARE_FINAL_TYPE (EnlistCertificatePage, enlist_certificate_page,
                      ENLIST, CERTIFICATE_PAGE, AdwBin)

/* Signals "trust" and "cancel" (actions "certificate.trust",
 * "certificate.cancel"). grab_focus focuses Cancel, the safe choice. */
GtkWidget            *enlist_certificate_page_new             (void);

/* host: the server name the user asked for (plain text). */
void                  enlist_certificate_page_set_certificate (EnlistCertificatePage *self,
                                                               GTlsCertificate       *certificate,
                                                               GTlsCertificateFlags   flags,
                                                               const char            *host);
/* From an ENLIST_ERROR_CERTIFICATE error (enlist_error_get_certificate);
 * FALSE, changing nothing, when the error carries no certificate. */
gboolean              enlist_certificate_page_set_error       (EnlistCertificatePage *self,
                                                               const GError          *error,
                                                               const char            *host);
GTlsCertificate      *enlist_certificate_page_get_certificate (EnlistCertificatePage *self);
GTlsCertificateFlags  enlist_certificate_page_get_flags       (EnlistCertificatePage *self);

G_END_DECLS
