/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-captcha-view.h: a CAPTCHA challenge: the image (sharp when
 * enlarged), its loading and error states, "New Image", and the server's
 * web page for people who cannot use the image. */
#pragma once

#include <adwaita.h>

#include "enlist-media.h"

G_BEGIN_DECLS

typedef enum
{
  ENLIST_CAPTCHA_VIEW_LOADING,
  ENLIST_CAPTCHA_VIEW_IMAGE,
  ENLIST_CAPTCHA_VIEW_ERROR,
} EnlistCaptchaViewState;

#define ENLIST_TYPE_CAPTCHA_VIEW (enlist_captcha_view_get_type ())
G_DECLARE_FINAL_TYPE (EnlistCaptchaView, enlist_captcha_view, ENLIST, CAPTCHA_VIEW, AdwBin)

/* Signal "renew": the user asked for a new image ("captcha.renew"); the
 * view shows the loading state until set_image or set_error. */
GtkWidget              *enlist_captcha_view_new              (void);

EnlistCaptchaViewState  enlist_captcha_view_get_state        (EnlistCaptchaView *self);
void                    enlist_captcha_view_set_loading      (EnlistCaptchaView *self);
void                    enlist_captcha_view_set_image        (EnlistCaptchaView *self,
                                                              EnlistMediaImage  *image);
EnlistMediaImage       *enlist_captcha_view_get_image        (EnlistCaptchaView *self);
/* message: for people, plain text. */
void                    enlist_captcha_view_set_error        (EnlistCaptchaView *self,
                                                              const char        *message);
/* What the image asks for (the CAPTCHA field's label, plain text): the
 * image's accessible description. */
void                    enlist_captcha_view_set_description  (EnlistCaptchaView *self,
                                                              const char        *description);
/* The web page that answers the challenge without the image (XEP-0158 §4;
 * enlist_data_form_get_captcha_fallback_url). Shown as a link that reads
 * as its own address; only http and https addresses are offered. NULL
 * hides it. */
void                    enlist_captcha_view_set_fallback_url (EnlistCaptchaView *self,
                                                              const char        *url);
/* The address the link opens, or NULL when none is shown. */
const char             *enlist_captcha_view_get_fallback_url (EnlistCaptchaView *self);

G_END_DECLS
