/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-signup-assistant.c: the sign-up flow across its pages — which
 * page is shown, what Back returns to, what each state allows — and the
 * service calls behind it: fetching the form, trusting a certificate, the
 * CAPTCHA, registering through the account manager, closing what an
 * abandoned attempt left open. */
#define G_LOG_DOMAIN "enlist-signup-assistant"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-certificate-page.h"
#include "enlist-display-text.h"
#include "enlist-form-page.h"
#include "enlist-message-choice.h"
#include "enlist-progress-page.h"
#include "enlist-result-page.h"
#include "enlist-server-page.h"
#include "enlist-signup-assistant.h"
#include "enlist-text.h"
#include "enlist-web-page.h"
#include "enlist-window.h"

G_DEFINE_ENUM_TYPE (EnlistPageState, enlist_page_state,
                    G_DEFINE_ENUM_VALUE (ENLIST_PAGE_STATE_IDLE, "idle"),
                    G_DEFINE_ENUM_VALUE (ENLIST_PAGE_STATE_READY, "ready"),
                    G_DEFINE_ENUM_VALUE (ENLIST_PAGE_STATE_BUSY, "busy"),
                    G_DEFINE_ENUM_VALUE (ENLIST_PAGE_STATE_ERROR, "error"),
                    G_DEFINE_ENUM_VALUE (ENLIST_PAGE_STATE_DONE, "done"))

typedef enum
{
  PAGE_SERVER,
  PAGE_PROGRESS,
  PAGE_CERTIFICATE,
  PAGE_FORM,
  PAGE_WEB,
  PAGE_RESULT,
  N_PAGES
} Page;

static const char * const page_names[N_PAGES] = {
  "server", "progress", "certificate", "form", "web", "result",
};

/* What the service is doing for the assistant (one thing at a time, as
 * EnlistRegistration wants). */
typedef enum
{
  OP_NONE,
  OP_FETCHING,         /* connecting and asking for the form */
  OP_TRUSTING,         /* pinning a certificate */
  OP_LOADING_CAPTCHA,
  OP_RENEWING,         /* "New Image": a fresh form */
  OP_REGISTERING,      /* the form is on its way: cancelling no longer stops it */
} Operation;

/* Where an attempt connects: what the server page said when it began. */
typedef struct
{
  char     *domain;
  char     *host;
  guint16   port;
  gboolean  direct_tls;
  char     *invite;
} Endpoint;

struct _EnlistSignupAssistant
{
  AdwWindow              parent_instance;

  AdwWindowTitle        *window_title;
  GtkWidget             *back_button;
  GtkWidget             *cancel_button;
  GtkStack              *stack;
  EnlistServerPage      *server_page;
  EnlistProgressPage    *progress_page;
  EnlistCertificatePage *certificate_page;
  EnlistFormPage        *form_page;
  EnlistWebPage         *web_page;
  EnlistResultPage      *result_page;

  EnlistAccountManager  *manager;
  EnlistProviderList    *providers;
  GCancellable          *cancellable;  /* the window's, cancelled when it goes */
  GCancellable          *attempt;      /* what "Cancel" stops */

  Page                   page;
  GArray                *back_stack;   /* Page */
  EnlistPageState        state;
  Operation              op;

  EnlistRegistration    *registration;
  Endpoint               endpoint;     /* of registration */
  EnlistDataForm        *form;         /* the form shown, the registration's */

  gboolean               close_confirmed;
  GtkWindow             *close_dialog;  /* asking whether to close (weak) */
};

G_DEFINE_FINAL_TYPE (EnlistSignupAssistant, enlist_signup_assistant, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_PAGE,
  PROP_STATE,
  N_PROPS
};

enum {
  SIGNAL_ACCOUNT_CREATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void fetch_form (EnlistSignupAssistant *self);

/* ---- endpoints ---------------------------------------------------------- */

static void
endpoint_clear (Endpoint *endpoint)
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
  endpoint_clear (endpoint);
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

/* ---- pages, states and what they allow ---------------------------------- */

static EnlistPageState
compute_state (EnlistSignupAssistant *self)
{
  switch (self->page)
    {
    case PAGE_SERVER:
      if (enlist_server_page_get_has_error (self->server_page))
        return ENLIST_PAGE_STATE_ERROR;
      return enlist_server_page_get_valid (self->server_page) ? ENLIST_PAGE_STATE_READY
                                                              : ENLIST_PAGE_STATE_IDLE;
    case PAGE_PROGRESS:
      return ENLIST_PAGE_STATE_BUSY;
    case PAGE_CERTIFICATE:
      return self->op == OP_TRUSTING ? ENLIST_PAGE_STATE_BUSY : ENLIST_PAGE_STATE_READY;
    case PAGE_FORM:
      if (self->op != OP_NONE)
        return ENLIST_PAGE_STATE_BUSY;
      if (!enlist_form_page_get_valid (self->form_page))
        return ENLIST_PAGE_STATE_IDLE;
      if (enlist_form_page_get_error (self->form_page) != NULL)
        return ENLIST_PAGE_STATE_ERROR;
      return ENLIST_PAGE_STATE_READY;
    case PAGE_WEB:
      return enlist_web_page_get_url (self->web_page) != NULL ? ENLIST_PAGE_STATE_READY
                                                              : ENLIST_PAGE_STATE_DONE;
    case PAGE_RESULT:
    case N_PAGES:
    default:
      return ENLIST_PAGE_STATE_DONE;
    }
}

static gboolean
state_goes_on (EnlistPageState state)
{
  return state == ENLIST_PAGE_STATE_READY || state == ENLIST_PAGE_STATE_ERROR;
}

/* The state of the page shown decides what can be clicked and what Enter
 * does; everything else follows from here. */
static void
update_chrome (EnlistSignupAssistant *self)
{
  EnlistPageState state = compute_state (self);
  gboolean can_go_back, can_cancel, show_cancel;
  GtkWidget *default_widget = NULL;

  can_go_back = self->back_stack->len > 0 && state != ENLIST_PAGE_STATE_BUSY &&
                self->page != PAGE_PROGRESS && self->page != PAGE_CERTIFICATE &&
                self->page != PAGE_RESULT;
  /* the certificate page has its own Cancel (back to the server), and the
   * result page its Done: one way out each */
  show_cancel = self->page != PAGE_RESULT && self->page != PAGE_CERTIFICATE;
  /* once the form is on its way, the server decides */
  can_cancel = !(self->page == PAGE_PROGRESS && self->op == OP_REGISTERING);

  gtk_widget_set_visible (self->back_button, can_go_back);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.back", can_go_back);
  gtk_widget_set_visible (self->cancel_button, show_cancel);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.cancel", can_cancel);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.next",
                                 self->page == PAGE_SERVER && state_goes_on (state) &&
                                 enlist_server_page_get_valid (self->server_page));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.register",
                                 self->page == PAGE_FORM && state_goes_on (state));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.done",
                                 self->page == PAGE_RESULT);

  switch (self->page)
    {
    case PAGE_SERVER:
      if (state_goes_on (state) && enlist_server_page_get_valid (self->server_page))
        default_widget = enlist_server_page_get_default_widget (self->server_page);
      break;
    case PAGE_FORM:
      if (state_goes_on (state))
        default_widget = enlist_form_page_get_default_widget (self->form_page);
      break;
    case PAGE_WEB:
      default_widget = enlist_web_page_get_default_widget (self->web_page);
      break;
    case PAGE_RESULT:
      default_widget = enlist_result_page_get_default_widget (self->result_page);
      break;
    case PAGE_PROGRESS:
    case PAGE_CERTIFICATE:   /* Enter does what the focused button (Cancel) does */
    case N_PAGES:
    default:
      break;
    }
  gtk_window_set_default_widget (GTK_WINDOW (self), default_widget);

  adw_window_title_set_subtitle (self->window_title,
                                 self->page != PAGE_SERVER && self->endpoint.domain != NULL
                                 ? self->endpoint.domain : NULL);

  if (state != self->state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
}

static void
focus_page (EnlistSignupAssistant *self)
{
  switch (self->page)
    {
    case PAGE_SERVER:
      gtk_widget_grab_focus (GTK_WIDGET (self->server_page));
      break;
    case PAGE_PROGRESS:
      gtk_widget_grab_focus (self->cancel_button);
      break;
    case PAGE_CERTIFICATE:
      gtk_widget_grab_focus (GTK_WIDGET (self->certificate_page));
      break;
    case PAGE_FORM:
      /* the view focuses its first empty field when it first appears */
      if (gtk_window_get_focus (GTK_WINDOW (self)) == NULL ||
          !gtk_widget_is_ancestor (gtk_window_get_focus (GTK_WINDOW (self)),
                                   GTK_WIDGET (self->form_page)))
        gtk_widget_grab_focus (GTK_WIDGET (self->form_page));
      break;
    case PAGE_WEB:
    case PAGE_RESULT:
      {
        GtkWidget *widget = gtk_window_get_default_widget (GTK_WINDOW (self));

        if (widget != NULL)
          gtk_widget_grab_focus (widget);
      }
      break;
    case N_PAGES:
    default:
      break;
    }
}

/* GTK 4.8 loses track of a text field that keeps the focus while it is
 * hidden or turns insensitive (its cursor keeps blinking, with a
 * warning): the focus leaves first. */
static void
leave_page_focus (EnlistSignupAssistant *self)
{
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (self));
  GtkWidget *page = gtk_stack_get_visible_child (self->stack);

  if (focus != NULL && page != NULL && gtk_widget_is_ancestor (focus, page))
    gtk_window_set_focus (GTK_WINDOW (self), NULL);
}

/* Shows page. The server and form pages are what Back returns to; the
 * others pass. Showing a page that Back would return to goes back to it;
 * going back leaves nothing to go forward to. */
static void
go_to_page (EnlistSignupAssistant *self,
            Page                   page,
            gboolean               going_back)
{
  gboolean returning = FALSE;

  for (guint i = 0; i < self->back_stack->len; i++)
    if (g_array_index (self->back_stack, Page, i) == page)
      {
        g_array_set_size (self->back_stack, i);
        returning = TRUE;
        break;
      }
  if (!going_back && !returning && page != self->page &&
      (self->page == PAGE_SERVER || self->page == PAGE_FORM))
    g_array_append_val (self->back_stack, self->page);

  self->page = page;
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), page_names[page]) != 0)
    {
      leave_page_focus (self);
      gtk_stack_set_visible_child_name (self->stack, page_names[page]);
    }
  update_chrome (self);
  focus_page (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
}

static void
show_page (EnlistSignupAssistant *self,
           Page                   page)
{
  go_to_page (self, page, FALSE);
}

static void
set_op (EnlistSignupAssistant *self,
        Operation              op)
{
  self->op = op;
  update_chrome (self);
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

static void
drop_registration (EnlistSignupAssistant *self)
{
  g_autoptr(EnlistRegistration) registration = g_steal_pointer (&self->registration);

  close_quietly (registration);
  g_clear_object (&self->form);
  endpoint_clear (&self->endpoint);
  if (self->progress_page != NULL)
    enlist_progress_page_set_registration (self->progress_page, NULL, NULL);
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
      set_op (self, OP_NONE);
      return FALSE;
    }
  return TRUE;
}

/* ---- errors that end an attempt ----------------------------------------- */

static void
show_attempt_error (EnlistSignupAssistant *self,
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
        advice = _("This server does not let apps create accounts. Choose another server, or "
                   "look for a sign-up page on its web site.");
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

  message = advice != NULL ? g_strdup_printf ("%s %s", error->message, advice)
                           : g_strdup (error->message);
  enlist_server_page_set_error (self->server_page, heading, message);
  show_page (self, PAGE_SERVER);
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
  set_op (self, OP_NONE);

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
  set_op (self, OP_LOADING_CAPTCHA);
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
  show_page (self, PAGE_FORM);
  load_captcha (self);
}

static void
show_web (EnlistSignupAssistant *self,
          const char            *url,
          const char            *instructions)
{
  enlist_web_page_set_page (self->web_page, url, instructions);
  show_page (self, PAGE_WEB);
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
          show_page (self, PAGE_CERTIFICATE);
          return;
        }
      drop_registration (self);
      show_attempt_error (self, error);
      return;
    }

  if (enlist_data_form_is_registered (form))
    {
      g_autoptr(GError) registered = g_error_new (ENLIST_ERROR, ENLIST_ERROR_ALREADY_REGISTERED,
                                                  "%s", _("The server says this account is "
                                                          "already registered."));

      drop_registration (self);
      show_attempt_error (self, registered);
      return;
    }

  if (enlist_data_form_is_web_only (form))
    {
      g_autofree char *instructions = g_strjoinv ("\n",
                                                  (char **) enlist_data_form_get_instructions (form));

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
                                         self->endpoint.domain);
  self->op = OP_FETCHING;
  show_page (self, PAGE_PROGRESS);
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
      show_attempt_error (self, error);
      return FALSE;
    }
  g_set_object (&self->registration, registration);
  return TRUE;
}

static void
start_attempt (EnlistSignupAssistant *self)
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
      endpoint_clear (&wanted);
      show_page (self, PAGE_FORM);
      return;
    }

  previous = self->form != NULL ? g_object_ref (self->form) : NULL;
  drop_registration (self);
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

      drop_registration (self);
      enlist_server_page_set_error (self->server_page, _("Certificate Not Trusted"), message);
      show_page (self, PAGE_SERVER);
      return;
    }

  /* a fresh registration carries the new pin */
  g_clear_object (&self->registration);
  if (create_registration (self))
    fetch_form (self);
}

static void
certificate_trust_cb (EnlistSignupAssistant *self)
{
  GTlsCertificate *certificate = enlist_certificate_page_get_certificate (self->certificate_page);

  g_return_if_fail (certificate != NULL && self->op == OP_NONE);

  gtk_widget_set_sensitive (GTK_WIDGET (self->certificate_page), FALSE);
  set_op (self, OP_TRUSTING);
  enlist_account_manager_trust_certificate_async (self->manager, self->endpoint.domain,
                                                  certificate, self->attempt, trust_cb,
                                                  g_object_ref (self));
}

static void
certificate_cancel_cb (EnlistSignupAssistant *self)
{
  g_cancellable_cancel (self->attempt);
  self->op = OP_NONE;
  drop_registration (self);
  show_page (self, PAGE_SERVER);
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
  update_chrome (self);
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
    g_signal_emit (self, signals[SIGNAL_ACCOUNT_CREATED], 0, account, address);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  self->op = OP_NONE;
  enlist_form_page_set_busy (self->form_page, FALSE);

  if (credentials != NULL)
    {
      enlist_result_page_set_result (self->result_page, address,
                                     saved ? NULL : enlist_credentials_get_password (credentials));
      close_quietly (self->registration);
      show_page (self, PAGE_RESULT);
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

  show_page (self, PAGE_FORM);
  show_refusal (self, error);
}

static void
register_form (EnlistSignupAssistant *self)
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
  leave_page_focus (self);
  enlist_form_page_set_busy (self->form_page, TRUE);
  enlist_progress_page_set_registration (self->progress_page, self->registration,
                                         self->endpoint.domain);
  self->op = OP_REGISTERING;
  show_page (self, PAGE_PROGRESS);
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
      update_chrome (self);
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

static void
renew_captcha_cb (EnlistSignupAssistant *self)
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
  set_op (self, OP_RENEWING);
  enlist_registration_fetch_form_async (self->registration, self->attempt, renew_cb,
                                        g_object_ref (self));
}

/* ---- actions ------------------------------------------------------------- */

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EnlistSignupAssistant *self = ENLIST_SIGNUP_ASSISTANT (widget);
  Page previous;

  if (self->back_stack->len == 0)
    return;
  previous = g_array_index (self->back_stack, Page, self->back_stack->len - 1);
  /* the form and the registration stay for Next to the same server */
  go_to_page (self, previous, TRUE);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  EnlistSignupAssistant *self = ENLIST_SIGNUP_ASSISTANT (widget);

  switch (self->page)
    {
    case PAGE_PROGRESS:
      if (self->op == OP_REGISTERING)
        return;
      /* at once: the service reports the cancellation later, and closes */
      g_cancellable_cancel (self->attempt);
      self->op = OP_NONE;
      drop_registration (self);
      show_page (self, PAGE_SERVER);
      break;
    case PAGE_CERTIFICATE:
      certificate_cancel_cb (self);
      break;
    case PAGE_SERVER:
    case PAGE_FORM:
    case PAGE_WEB:
    case PAGE_RESULT:
    case N_PAGES:
    default:
      gtk_window_close (GTK_WINDOW (self));
      break;
    }
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EnlistSignupAssistant *self = ENLIST_SIGNUP_ASSISTANT (widget);

  if (self->page != PAGE_SERVER || !enlist_server_page_get_valid (self->server_page))
    return;
  enlist_server_page_set_error (self->server_page, NULL, NULL);
  start_attempt (self);
}

static void
register_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  register_form (ENLIST_SIGNUP_ASSISTANT (widget));
}

static void
done_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EnlistSignupAssistant *self = ENLIST_SIGNUP_ASSISTANT (widget);

  enlist_result_page_clear (self->result_page);
  gtk_window_close (GTK_WINDOW (self));
}

/* ---- closing ------------------------------------------------------------- */

/* GTK 4.8 keeps a destroyed dialog's pointer to its transient parent
 * until the dialog is finalized, which may be after the parent: the
 * dialog lets go of this window first. */
static void
forget_close_dialog (EnlistSignupAssistant *self)
{
  GtkWindow *dialog = self->close_dialog;

  if (dialog == NULL)
    return;
  g_object_remove_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->close_dialog);
  self->close_dialog = NULL;
  gtk_window_set_transient_for (dialog, NULL);
  gtk_window_destroy (dialog);
}

static void
close_chosen_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(EnlistSignupAssistant) self = user_data;
  g_autofree char *response = NULL;

  response = enlist_message_choice_finish (ADW_MESSAGE_DIALOG (source), result, NULL);
  gtk_window_set_transient_for (GTK_WINDOW (source), NULL);
  /* an answer to a question asked again since counts no more */
  if (g_cancellable_is_cancelled (self->cancellable) || GTK_WINDOW (source) != self->close_dialog)
    return;
  forget_close_dialog (self);
  if (g_strcmp0 (response, "close") == 0)
    {
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
}

static gboolean
enlist_signup_assistant_close_request (GtkWindow *window)
{
  EnlistSignupAssistant *self = ENLIST_SIGNUP_ASSISTANT (window);
  gboolean in_flight = self->op == OP_REGISTERING;
  gboolean filled = self->page != PAGE_RESULT && self->form != NULL &&
                    enlist_form_page_get_edited (self->form_page);
  GtkWidget *dialog;

  if (self->close_confirmed || (!in_flight && !filled))
    return GTK_WINDOW_CLASS (enlist_signup_assistant_parent_class)->close_request (window);
  if (self->close_dialog != NULL && gtk_widget_get_visible (GTK_WIDGET (self->close_dialog)))
    return TRUE;
  /* answered, the answer not yet come round: asked again */
  forget_close_dialog (self);

  if (in_flight)
    dialog = adw_message_dialog_new (window, _("Close While the Account Is Created?"),
                                     _("The server is creating the account now. If it does, "
                                       "the account is added to your accounts all the same; "
                                       "but should the keyring refuse its password, the "
                                       "password is lost with this window."));
  else
    dialog = adw_message_dialog_new (window, _("Discard the New Account?"),
                                     _("What you typed into the form will be lost."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", in_flight ? _("_Keep Waiting") : _("_Keep Editing"),
                                    "close", in_flight ? _("_Close") : _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "close",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  self->close_dialog = GTK_WINDOW (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->close_dialog);
  enlist_message_choice_async (ADW_MESSAGE_DIALOG (dialog), self->cancellable, close_chosen_cb,
                               g_object_ref (self));
  return TRUE;
}

/* ---- public -------------------------------------------------------------- */

void
enlist_signup_assistant_open_uri (EnlistSignupAssistant *self,
                                  const char            *uri)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *domain = NULL;
  EnlistProvider *provider = NULL;
  gboolean is_invite = FALSE;

  g_return_if_fail (ENLIST_IS_SIGNUP_ASSISTANT (self));
  g_return_if_fail (uri != NULL);

  if (self->op == OP_REGISTERING)
    return;
  g_cancellable_cancel (self->attempt);
  self->op = OP_NONE;
  drop_registration (self);
  enlist_form_page_set_form (self->form_page, NULL);
  g_array_set_size (self->back_stack, 0);

  domain = enlist_registration_parse_uri (uri, &is_invite, &error);
  if (domain == NULL)
    {
      show_attempt_error (self, error);
      return;
    }
  provider = enlist_provider_list_lookup (self->providers, domain);
  if (provider != NULL && !enlist_provider_get_is_demo (provider))
    provider = NULL;
  enlist_server_page_set_server (self->server_page, domain, provider, is_invite ? uri : NULL);
  self->page = PAGE_SERVER;
  gtk_stack_set_visible_child_name (self->stack, page_names[PAGE_SERVER]);
  start_attempt (self);
}

const char *
enlist_signup_assistant_get_page (EnlistSignupAssistant *self)
{
  g_return_val_if_fail (ENLIST_IS_SIGNUP_ASSISTANT (self), NULL);

  return page_names[self->page];
}

EnlistPageState
enlist_signup_assistant_get_state (EnlistSignupAssistant *self)
{
  g_return_val_if_fail (ENLIST_IS_SIGNUP_ASSISTANT (self), ENLIST_PAGE_STATE_IDLE);

  return self->state;
}

GtkWidget *
enlist_signup_assistant_get_page_widget (EnlistSignupAssistant *self,
                                         const char            *name)
{
  g_return_val_if_fail (ENLIST_IS_SIGNUP_ASSISTANT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return gtk_stack_get_child_by_name (self->stack, name);
}

EnlistRegistration *
enlist_signup_assistant_get_registration (EnlistSignupAssistant *self)
{
  g_return_val_if_fail (ENLIST_IS_SIGNUP_ASSISTANT (self), NULL);

  return self->registration;
}

/* ---- the application's side ---------------------------------------------- */

static void
account_created_cb (EnlistSignupAssistant *self,
                    EnlistAccount         *account,
                    const char            *address,
                    EnlistApplication     *application)
{
  GtkWindow *window = enlist_application_get_main_window (application);
  g_autofree char *text = NULL;

  if (window == NULL)
    return;
  if (address != NULL)
    {
      g_autofree char *shown = enlist_display_text (address, ENLIST_DISPLAY_TITLE_CHARS, FALSE);

      text = g_strdup_printf (_("Account %s created"), shown);
    }
  enlist_window_add_toast (ENLIST_WINDOW (window), text != NULL ? text : _("Account created"));
}

EnlistSignupAssistant *
enlist_signup_assistant_present (EnlistApplication *application,
                                 const char        *uri)
{
  EnlistSignupAssistant *self = NULL;

  g_return_val_if_fail (ENLIST_IS_APPLICATION (application), NULL);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (application));
       l != NULL; l = l->next)
    if (ENLIST_IS_SIGNUP_ASSISTANT (l->data))
      {
        self = l->data;
        break;
      }

  /* someone in the middle of a form keeps it: a link gets a window of its own */
  if (self != NULL && uri != NULL &&
      (self->op == OP_REGISTERING || (self->page == PAGE_FORM &&
                                      enlist_form_page_get_edited (self->form_page))))
    self = NULL;

  if (self == NULL)
    {
      GtkWindow *main_window = enlist_application_get_main_window (application);

      self = enlist_signup_assistant_new (enlist_application_get_account_manager (application),
                                          enlist_application_get_provider_list (application));
      gtk_window_set_application (GTK_WINDOW (self), GTK_APPLICATION (application));
      if (main_window != NULL)
        gtk_window_set_transient_for (GTK_WINDOW (self), main_window);
      g_signal_connect_object (self, "account-created", G_CALLBACK (account_created_cb),
                               application, 0);
    }

  gtk_window_present (GTK_WINDOW (self));
  if (uri != NULL)
    enlist_signup_assistant_open_uri (self, uri);
  return self;
}

/* ---- GObject ------------------------------------------------------------- */

static void
enlist_signup_assistant_dispose (GObject *object)
{
  EnlistSignupAssistant *self = ENLIST_SIGNUP_ASSISTANT (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->attempt);
  forget_close_dialog (self);
  /* a registration under way is closed by its callback */
  drop_registration (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENLIST_TYPE_SIGNUP_ASSISTANT);
  g_clear_object (&self->manager);
  g_clear_object (&self->providers);

  G_OBJECT_CLASS (enlist_signup_assistant_parent_class)->dispose (object);
}

static void
enlist_signup_assistant_finalize (GObject *object)
{
  EnlistSignupAssistant *self = ENLIST_SIGNUP_ASSISTANT (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->attempt);
  g_array_unref (self->back_stack);
  endpoint_clear (&self->endpoint);

  G_OBJECT_CLASS (enlist_signup_assistant_parent_class)->finalize (object);
}

static void
enlist_signup_assistant_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  EnlistSignupAssistant *self = ENLIST_SIGNUP_ASSISTANT (object);

  switch (prop_id)
    {
    case PROP_PAGE:
      g_value_set_string (value, page_names[self->page]);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_signup_assistant_class_init (EnlistSignupAssistantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = enlist_signup_assistant_dispose;
  object_class->finalize = enlist_signup_assistant_finalize;
  object_class->get_property = enlist_signup_assistant_get_property;
  window_class->close_request = enlist_signup_assistant_close_request;

  properties[PROP_PAGE] =
    g_param_spec_string ("page", NULL, NULL, page_names[PAGE_SERVER],
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, ENLIST_TYPE_PAGE_STATE, ENLIST_PAGE_STATE_IDLE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_ACCOUNT_CREATED] =
    g_signal_new ("account-created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, ENLIST_TYPE_ACCOUNT, G_TYPE_STRING);

  g_type_ensure (ENLIST_TYPE_SERVER_PAGE);
  g_type_ensure (ENLIST_TYPE_PROGRESS_PAGE);
  g_type_ensure (ENLIST_TYPE_CERTIFICATE_PAGE);
  g_type_ensure (ENLIST_TYPE_FORM_PAGE);
  g_type_ensure (ENLIST_TYPE_WEB_PAGE);
  g_type_ensure (ENLIST_TYPE_RESULT_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/enlist/Enlist/ui/enlist-signup-assistant.ui");
  gtk_widget_class_bind_template_child (widget_class, EnlistSignupAssistant, window_title);
  gtk_widget_class_bind_template_child (widget_class, EnlistSignupAssistant, back_button);
  gtk_widget_class_bind_template_child (widget_class, EnlistSignupAssistant, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, EnlistSignupAssistant, stack);
  gtk_widget_class_bind_template_child (widget_class, EnlistSignupAssistant, server_page);
  gtk_widget_class_bind_template_child (widget_class, EnlistSignupAssistant, progress_page);
  gtk_widget_class_bind_template_child (widget_class, EnlistSignupAssistant, certificate_page);
  gtk_widget_class_bind_template_child (widget_class, EnlistSignupAssistant, form_page);
  gtk_widget_class_bind_template_child (widget_class, EnlistSignupAssistant, web_page);
  gtk_widget_class_bind_template_child (widget_class, EnlistSignupAssistant, result_page);

  gtk_widget_class_install_action (widget_class, "assistant.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "assistant.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "assistant.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "assistant.register", NULL, register_action);
  gtk_widget_class_install_action (widget_class, "assistant.done", NULL, done_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "assistant.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Left, GDK_ALT_MASK,
                                       "assistant.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0,
                                       "assistant.cancel", NULL);
}

static void
enlist_signup_assistant_init (EnlistSignupAssistant *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->attempt = g_cancellable_new ();
  self->back_stack = g_array_new (FALSE, FALSE, sizeof (Page));
  self->page = PAGE_SERVER;

  g_signal_connect_object (self->server_page, "notify::valid", G_CALLBACK (update_chrome), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->server_page, "changed", G_CALLBACK (update_chrome), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->form_page, "notify::valid", G_CALLBACK (update_chrome), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->form_page, "submit", G_CALLBACK (register_form), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->form_page, "renew", G_CALLBACK (renew_captcha_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->certificate_page, "trust", G_CALLBACK (certificate_trust_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->certificate_page, "cancel", G_CALLBACK (certificate_cancel_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->result_page, "notify::default-widget",
                           G_CALLBACK (update_chrome), self, G_CONNECT_SWAPPED);
  update_chrome (self);
  /* typing begins with the server's name */
  gtk_widget_grab_focus (GTK_WIDGET (self->server_page));
}

EnlistSignupAssistant *
enlist_signup_assistant_new (EnlistAccountManager *manager,
                             EnlistProviderList   *providers)
{
  EnlistSignupAssistant *self;

  g_return_val_if_fail (ENLIST_IS_ACCOUNT_MANAGER (manager), NULL);
  g_return_val_if_fail (ENLIST_IS_PROVIDER_LIST (providers), NULL);

  self = g_object_new (ENLIST_TYPE_SIGNUP_ASSISTANT, NULL);
  self->manager = g_object_ref (manager);
  self->providers = g_object_ref (providers);
  enlist_server_page_set_providers (self->server_page, providers);
  return self;
}
