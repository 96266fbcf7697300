/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-signup-flow.c: the service calls behind the sign-up assistant's
 * pages: connecting and fetching the form (the progress page follows the
 * registration's stage), the errors that end an attempt, trusting a
 * certificate and trying again with its pin, the CAPTCHA and "New Image",
 * registering through the account manager and the refusals that come
 * back to the form, and closing whatever an abandoned attempt left open. */
#define G_LOG_DOMAIN "enlist-signup-assistant"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-signup-assistant-private.h"
#include "enlist-text.h"

static void fetch_form (EnlistSignupAssistant *self);

/* ---- endpoints ---------------------------------------------------------- */

void
enlist_signup_endpoint_clear (Endpoint *endpoint)
{
  g_clear_pointer (&endpoint->domain, g_free);
  g_clear_pointer (&endpoint->host, g_free);
  g_clear_pointer (&endpoint->invite, enlist_secret_free);
  endpoint->port = 0;
  endpoint->direct_tls = FALSE;
}

static void
endpoint_from_page (Endpoint         *endpoint,
                    EnlistServerPage *page)
{
  enlist_signup_endpoint_clear (endpoint);
  endpoint->domain = g_strdup (enlist_server_page_get_domain (page));
  endpoint->host = g_strdup (enlist_server_page_get_host (page));
  endpoint->port = enlist_server_page_get_port (page);
  endpoint->direct_tls = enlist_server_page_get_direct_tls (page);
  endpoint->invite = g_strdup (enlist_server_page_get_invite (page));
}

static gboolean
endpoint_equal (const Endpoint *a,
                const Endpoint *b)
{
  return g_strcmp0 (a->domain, b->domain) == 0 && g_strcmp0 (a->host, b->host) == 0 &&
         a->port == b->port && a->direct_tls == b->direct_tls &&
         g_strcmp0 (a->invite, b->invite) == 0;
}

/* ---- the registration --------------------------------------------------- */

static void
close_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!enlist_registration_close_finish (ENLIST_REGISTRATION (source), result, &error))
    g_debug ("Closing an abandoned registration: %s", error->message);
}

/* A registration nobody waits for any more: its connection, if one is
 * open, is closed politely; then it goes. A busy one is closed by the
 * callback of what it is doing. */
static void
close_quietly (EnlistRegistration *registration)
{
  if (registration == NULL || enlist_registration_get_busy (registration))
    return;
  enlist_registration_close_async (registration, NULL, close_cb, NULL);
}

void
enlist_signup_assistant_drop_registration (EnlistSignupAssistant *self)
{
  g_autoptr(EnlistRegistration) registration = g_steal_pointer (&self->registration);

  close_quietly (registration);
  g_clear_object (&self->form);
  enlist_signup_endpoint_clear (&self->endpoint);
  if (self->progress_page != NULL)
    enlist_progress_page_set_registration (self->progress_page, NULL, NULL, NULL);
}

static void
new_attempt (EnlistSignupAssistant *self)
{
  g_cancellable_cancel (self->attempt);
  g_clear_object (&self->attempt);
  self->attempt = g_cancellable_new ();
}

/* Whether a callback still concerns the window and its attempt. A
 * registration that was abandoned is closed here. */
static gboolean
still_wanted (EnlistSignupAssistant *self,
              GObject               *source,
              const GError          *error)
{
  if (g_cancellable_is_cancelled (self->cancellable) || source != G_OBJECT (self->registration))
    {
      close_quietly (ENLIST_REGISTRATION (source));
      return FALSE;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      close_quietly (ENLIST_REGISTRATION (source));
      enlist_signup_assistant_set_op (self, OP_NONE);
      return FALSE;
    }
  return TRUE;
}

/* ---- errors that end an attempt ----------------------------------------- */

void
enlist_signup_assistant_show_attempt_error (EnlistSignupAssistant *self,
                                            const GError          *error)
{
  const char *heading = _("No Account Was Created");
  const char *advice = NULL;
  g_autofree char *message = NULL;

  if (error->domain == ENLIST_ERROR)
    switch (error->code)
      {
      case ENLIST_ERROR_DNS:
        heading = _("Server Not Found");
        advice = _("Check the server name for typing mistakes, and that this computer is "
                   "online.");
        break;
      case ENLIST_ERROR_CONNECT:
      case ENLIST_ERROR_TIMEOUT:
      case ENLIST_ERROR_CONNECTION_CLOSED:
        heading = _("Could Not Connect");
        advice = _("Check that this computer is online, then try again. A server that its DNS "
                   "records do not describe needs its host and port under Advanced.");
        break;
      case ENLIST_ERROR_TLS_UNAVAILABLE:
      case ENLIST_ERROR_TLS_FAILED:
        heading = _("No Secure Connection");
        advice = _("Enlist creates accounts only over an encrypted connection. Try again "
                   "later, or choose another server.");
        break;
      case ENLIST_ERROR_NOT_SUPPORTED:
        heading = _("Registration Not Offered");
        advice = _("Choose another server, or look for a sign-up page on its web site.");
        break;
      case ENLIST_ERROR_ALREADY_REGISTERED:
        heading = _("Already Registered");
        advice = _("Choose another server to create a new account.");
        break;
      case ENLIST_ERROR_INVALID_INVITE:
        heading = _("This Link Cannot Be Used");
        advice = _("Copy the whole invitation link again, or type the server’s name.");
        break;
      case ENLIST_ERROR_STANZA:
      case ENLIST_ERROR_STREAM:
        heading = _("The Server Refused");
        advice = self->endpoint.invite != NULL
                 ? _("Ask whoever invited you for a new invitation.")
                 : _("Try again later, or choose another server.");
        break;
      default:
        break;
      }
  else if (error->domain == G_RESOLVER_ERROR)
    {
      heading = _("Server Not Found");
      advice = _("Check the server name for typing mistakes, and that this computer is online.");
    }
  else if (error->domain == G_IO_ERROR || error->domain == G_TLS_ERROR)
    {
      heading = _("Could Not Connect");
      advice = _("Check that this computer is online, then try again.");
    }

  /* what happened, then what to do, each in its own paragraph */
  message = advice != NULL ? g_strdup_printf ("%s\n\n%s", error->message, advice)
                           : g_strdup (error->message);
  enlist_server_page_set_error (self->server_page, heading, message);
  enlist_signup_assistant_show_page (self, PAGE_SERVER);
}

/* ---- the form ----------------------------------------------------------- */

static void
captcha_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(EnlistSignupAssistant) self = user_data;
  g_autoptr(EnlistMediaImage) image = NULL;
  g_autoptr(GError) error = NULL;
  EnlistFormView *view;
  EnlistCaptchaView *captcha;

  image = enlist_registration_load_captcha_finish (ENLIST_REGISTRATION (source), result, &error);
  if (!still_wanted (self, source, error))
    return;
  enlist_signup_assistant_set_op (self, OP_NONE);

  view = enlist_form_page_get_view (self->form_page);
  captcha = view != NULL ? enlist_form_view_get_captcha_view (view) : NULL;
  if (captcha == NULL)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (captcha), TRUE);
  if (image != NULL)
    enlist_captcha_view_set_image (captcha, image);
  else
    {
      g_autofree char *message = g_strdup_printf (_("The image could not be loaded: %s Ask "
                                                    "for a new image."), error->message);

      enlist_captcha_view_set_error (captcha, message);
    }
}

static void
load_captcha (EnlistSignupAssistant *self)
{
  EnlistFormView *view = enlist_form_page_get_view (self->form_page);
  EnlistCaptchaView *captcha = view != NULL ? enlist_form_view_get_captcha_view (view) : NULL;

  if (captcha == NULL)
    return;
  enlist_captcha_view_set_loading (captcha);
  /* no "New Image" while this one loads */
  gtk_widget_set_sensitive (GTK_WIDGET (captcha), FALSE);
  enlist_signup_assistant_set_op (self, OP_LOADING_CAPTCHA);
  enlist_registration_load_captcha_async (self->registration, self->form, self->attempt,
                                          captcha_cb, g_object_ref (self));
}

/* Shows the registration's form (a new one, or one the server renewed),
 * then where the user has to look. */
static void
show_form (EnlistSignupAssistant *self,
           EnlistDataForm        *form)
{
  g_set_object (&self->form, form);
  enlist_form_page_set_form (self->form_page, form);
  enlist_signup_assistant_show_page (self, PAGE_FORM);
  load_captcha (self);
}

static void
show_web (EnlistSignupAssistant *self,
          const char            *url,
          const char            *instructions)
{
  enlist_web_page_set_page (self->web_page, url, instructions);
  enlist_signup_assistant_show_page (self, PAGE_WEB);
}

static void
fetch_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(EnlistSignupAssistant) self = user_data;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;

  form = enlist_registration_fetch_form_finish (ENLIST_REGISTRATION (source), result, &error);
  if (!still_wanted (self, source, error))
    return;
  self->op = OP_NONE;

  if (form == NULL)
    {
      if (g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_CERTIFICATE) &&
          enlist_certificate_page_set_error (self->certificate_page, error,
                                             self->endpoint.domain))
        {
          gtk_widget_set_sensitive (GTK_WIDGET (self->certificate_page), TRUE);
          enlist_signup_assistant_show_page (self, PAGE_CERTIFICATE);
          return;
        }
      enlist_signup_assistant_drop_registration (self);
      enlist_signup_assistant_show_attempt_error (self, error);
      return;
    }

  if (enlist_data_form_is_registered (form))
    {
      g_autoptr(GError) registered = g_error_new (ENLIST_ERROR, ENLIST_ERROR_ALREADY_REGISTERED,
                                                  "%s", _("The server says this account is "
                                                          "already registered."));

      enlist_signup_assistant_drop_registration (self);
      enlist_signup_assistant_show_attempt_error (self, registered);
      return;
    }

  if (enlist_data_form_is_web_only (form))
    {
      const char * const *lines = enlist_data_form_get_instructions (form);
      g_autofree char *instructions = g_strjoinv ("\n", (char **) lines);

      close_quietly (self->registration);
      show_web (self, enlist_data_form_get_oob_url (form), instructions);
      return;
    }

  /* Back and another server of the same kind: what was typed comes along */
  if (self->form != NULL && self->form != form)
    enlist_data_form_copy_values_from (form, self->form, TRUE);
  show_form (self, form);
}

static void
fetch_form (EnlistSignupAssistant *self)
{
  new_attempt (self);
  enlist_progress_page_set_registration (self->progress_page, self->registration,
                                         self->endpoint.domain, NULL);
  self->op = OP_FETCHING;
  enlist_signup_assistant_show_page (self, PAGE_PROGRESS);
  enlist_registration_fetch_form_async (self->registration, self->attempt, fetch_cb,
                                        g_object_ref (self));
}

/* A registration for the endpoint, with the pins stored for its domain. */
static gboolean
create_registration (EnlistSignupAssistant *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistRegistration) registration = NULL;

  registration = enlist_account_manager_create_registration (self->manager, self->endpoint.domain,
                                                             self->endpoint.host,
                                                             self->endpoint.port,
                                                             self->endpoint.direct_tls);
  if (self->endpoint.invite != NULL &&
      !enlist_registration_set_invite (registration, self->endpoint.invite, &error))
    {
      enlist_signup_assistant_show_attempt_error (self, error);
      return FALSE;
    }
  g_set_object (&self->registration, registration);
  return TRUE;
}

void
enlist_signup_assistant_start_attempt (EnlistSignupAssistant *self)
{
  Endpoint wanted = { 0 };
  EnlistProvider *provider = enlist_server_page_get_provider (self->server_page);
  EnlistDataForm *previous;

  /* a provider that signs people up on its web site only: nothing to ask
   * its server */
  if (provider != NULL && enlist_provider_get_web_only (provider) &&
      enlist_provider_get_registration_web_page (provider) != NULL)
    {
      show_web (self, enlist_provider_get_registration_web_page (provider), NULL);
      return;
    }

  endpoint_from_page (&wanted, self->server_page);
  /* back and on again to the same server: the form as it was left */
  if (self->registration != NULL && self->form != NULL &&
      enlist_registration_get_form (self->registration) == self->form &&
      endpoint_equal (&wanted, &self->endpoint))
    {
      enlist_signup_endpoint_clear (&wanted);
      enlist_signup_assistant_show_page (self, PAGE_FORM);
      return;
    }

  previous = self->form != NULL ? g_object_ref (self->form) : NULL;
  enlist_signup_assistant_drop_registration (self);
  self->form = previous;
  self->endpoint = wanted;
  if (create_registration (self))
    fetch_form (self);
}

/* ---- certificates -------------------------------------------------------- */

static void
trust_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(EnlistSignupAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean trusted;

  trusted = enlist_account_manager_trust_certificate_finish (ENLIST_ACCOUNT_MANAGER (source),
                                                             result, &error);
  if (g_cancellable_is_cancelled (self->cancellable) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->op = OP_NONE;

  if (!trusted)
    {
      g_autofree char *message = g_strdup_printf (_("The certificate could not be saved: %s"),
                                                  error->message);

      enlist_signup_assistant_drop_registration (self);
      enlist_server_page_set_error (self->server_page, _("Certificate Not Trusted"), message);
      enlist_signup_assistant_show_page (self, PAGE_SERVER);
      return;
    }

  /* a fresh registration carries the new pin */
  g_clear_object (&self->registration);
  if (create_registration (self))
    fetch_form (self);
}

void
enlist_signup_assistant_trust_certificate (EnlistSignupAssistant *self)
{
  GTlsCertificate *certificate = enlist_certificate_page_get_certificate (self->certificate_page);

  g_return_if_fail (certificate != NULL && self->op == OP_NONE);

  gtk_widget_set_sensitive (GTK_WIDGET (self->certificate_page), FALSE);
  enlist_signup_assistant_set_op (self, OP_TRUSTING);
  enlist_account_manager_trust_certificate_async (self->manager, self->endpoint.domain,
                                                  certificate, self->attempt, trust_cb,
                                                  g_object_ref (self));
}

void
enlist_signup_assistant_cancel_certificate (EnlistSignupAssistant *self)
{
  g_cancellable_cancel (self->attempt);
  self->op = OP_NONE;
  enlist_signup_assistant_drop_registration (self);
  enlist_signup_assistant_show_page (self, PAGE_SERVER);
}

/* ---- registering --------------------------------------------------------- */

/* A refusal shown where it belongs: at its field, else over the form. */
static void
show_refusal (EnlistSignupAssistant *self,
              const GError          *error)
{
  EnlistFormView *view = enlist_form_page_get_view (self->form_page);
  const char *field = error->domain == ENLIST_ERROR ? enlist_error_get_field (error) : NULL;

  if (field != NULL && view != NULL && enlist_form_view_show_field_error (view, field,
                                                                          error->message))
    {
      enlist_form_view_focus_field (view, field);
      return;
    }
  enlist_form_page_set_error (self->form_page, error->message);
  enlist_signup_assistant_update (self);
}

static void
register_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(EnlistSignupAssistant) self = user_data;
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(EnlistAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  gboolean saved = FALSE;
  const char *address;

  credentials = enlist_account_manager_register_finish (ENLIST_ACCOUNT_MANAGER (source), result,
                                                        &saved, &account, &error);
  address = credentials != NULL ? enlist_credentials_get_address (credentials) : NULL;
  /* the account exists whether or not anyone still looks */
  if (credentials != NULL)
    enlist_signup_assistant_emit_account_created (self, account, address);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  self->op = OP_NONE;
  enlist_form_page_set_busy (self->form_page, FALSE);

  if (credentials != NULL)
    {
      enlist_result_page_set_result (self->result_page, address,
                                     saved ? NULL : enlist_credentials_get_password (credentials));
      enlist_result_page_set_activation (self->result_page,
                                         enlist_credentials_get_inactive (credentials),
                                         enlist_credentials_get_server_text (credentials));
      close_quietly (self->registration);
      enlist_signup_assistant_show_page (self, PAGE_RESULT);
      return;
    }

  /* The server sent a fresh form (a new CAPTCHA): the service carried the
   * values over; the view follows. */
  if (g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_CAPTCHA_RENEWED) ||
      g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_FORM_RENEWED))
    {
      EnlistDataForm *fresh = enlist_registration_get_form (self->registration);

      if (fresh != NULL && fresh != self->form)
        {
          show_form (self, fresh);
          show_refusal (self, error);
          return;
        }
    }

  enlist_signup_assistant_show_page (self, PAGE_FORM);
  show_refusal (self, error);
}

void
enlist_signup_assistant_register (EnlistSignupAssistant *self)
{
  EnlistFormView *view = enlist_form_page_get_view (self->form_page);

  if (view == NULL || self->op != OP_NONE)
    return;
  if (!enlist_form_view_get_valid (view))
    {
      /* Enter on an unfinished form: say what is missing */
      enlist_form_view_show_all_errors (view);
      enlist_form_view_focus_first_empty (view);
      return;
    }

  enlist_form_page_set_error (self->form_page, NULL);
  enlist_signup_assistant_leave_page_focus (self);
  enlist_form_page_set_busy (self->form_page, TRUE);
  /* keyring first: the password is stored (as pending) before anything is
   * sent, and the keyring may ask the user something meanwhile */
  enlist_progress_page_set_registration (self->progress_page, self->registration,
                                         self->endpoint.domain,
                                         _("Saving the password in your keyring…"));
  self->op = OP_REGISTERING;
  enlist_signup_assistant_show_page (self, PAGE_PROGRESS);
  enlist_account_manager_register_async (self->manager, self->registration, self->form,
                                         self->cancellable, register_cb, g_object_ref (self));
}

/* ---- "New Image" --------------------------------------------------------- */

static void
renew_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(EnlistSignupAssistant) self = user_data;
  g_autoptr(EnlistDataForm) fresh = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistDataForm) old = NULL;
  EnlistFormView *view;
  EnlistFormField *answer;

  fresh = enlist_registration_fetch_form_finish (ENLIST_REGISTRATION (source), result, &error);
  if (!still_wanted (self, source, error))
    return;
  self->op = OP_NONE;

  if (fresh == NULL)
    {
      EnlistCaptchaView *captcha;
      g_autofree char *message = NULL;

      view = enlist_form_page_get_view (self->form_page);
      captcha = view != NULL ? enlist_form_view_get_captcha_view (view) : NULL;
      message = g_strdup_printf (_("No new image: %s"), error->message);
      if (captcha != NULL)
        enlist_captcha_view_set_error (captcha, message);
      else
        enlist_form_page_set_error (self->form_page, message);
      enlist_signup_assistant_update (self);
      return;
    }

  /* everything typed but the old answer */
  old = g_steal_pointer (&self->form);
  if (old != NULL)
    enlist_data_form_copy_values_from (fresh, old, TRUE);
  show_form (self, fresh);
  view = enlist_form_page_get_view (self->form_page);
  answer = enlist_data_form_get_captcha_field (fresh);
  if (view != NULL && answer != NULL)
    enlist_form_view_focus_field (view, enlist_form_field_get_var (answer));
}

void
enlist_signup_assistant_renew_captcha (EnlistSignupAssistant *self)
{
  EnlistFormView *view = enlist_form_page_get_view (self->form_page);
  EnlistCaptchaView *captcha = view != NULL ? enlist_form_view_get_captcha_view (view) : NULL;

  if (self->op != OP_NONE || self->registration == NULL)
    {
      /* the image under way will do */
      return;
    }
  if (captcha != NULL)
    enlist_captcha_view_set_loading (captcha);
  new_attempt (self);
  enlist_signup_assistant_set_op (self, OP_RENEWING);
  enlist_registration_fetch_form_async (self->registration, self->attempt, renew_cb,
                                        g_object_ref (self));
}

