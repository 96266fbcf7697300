/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-signup-assistant.c: the sign-up assistant's window: which page
 * is shown, what Back returns to, what each page's state allows and what
 * Enter does, the header bar's Back and Cancel, the question before
 * closing, and the application's way in. The service calls behind the
 * pages are in enlist-signup-flow.c. */
#define G_LOG_DOMAIN "enlist-signup-assistant"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-display-text.h"
#include "enlist-message-choice.h"
#include "enlist-signup-assistant-private.h"
#include "enlist-window.h"

G_DEFINE_ENUM_TYPE (EnlistPageState, enlist_page_state,
                    G_DEFINE_ENUM_VALUE (ENLIST_PAGE_STATE_IDLE, "idle"),
                    G_DEFINE_ENUM_VALUE (ENLIST_PAGE_STATE_READY, "ready"),
                    G_DEFINE_ENUM_VALUE (ENLIST_PAGE_STATE_BUSY, "busy"),
                    G_DEFINE_ENUM_VALUE (ENLIST_PAGE_STATE_ERROR, "error"),
                    G_DEFINE_ENUM_VALUE (ENLIST_PAGE_STATE_DONE, "done"))

const char * const enlist_signup_page_names[N_PAGES] = {
  "server", "progress", "certificate", "form", "web", "result",
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
void
enlist_signup_assistant_update (EnlistSignupAssistant *self)
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
void
enlist_signup_assistant_leave_page_focus (EnlistSignupAssistant *self)
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
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack),
                 enlist_signup_page_names[page]) != 0)
    {
      enlist_signup_assistant_leave_page_focus (self);
      gtk_stack_set_visible_child_name (self->stack, enlist_signup_page_names[page]);
    }
  enlist_signup_assistant_update (self);
  focus_page (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
}

/* For signals: whatever changed, the chrome follows. */
static void
update (EnlistSignupAssistant *self)
{
  enlist_signup_assistant_update (self);
}

void
enlist_signup_assistant_show_page (EnlistSignupAssistant *self,
                                   Page                   page)
{
  go_to_page (self, page, FALSE);
}

void
enlist_signup_assistant_set_op (EnlistSignupAssistant *self,
                                Operation              op)
{
  self->op = op;
  enlist_signup_assistant_update (self);
}

void
enlist_signup_assistant_emit_account_created (EnlistSignupAssistant *self,
                                              EnlistAccount         *account,
                                              const char            *address)
{
  g_signal_emit (self, signals[SIGNAL_ACCOUNT_CREATED], 0, account, address);
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
      enlist_signup_assistant_drop_registration (self);
      enlist_signup_assistant_show_page (self, PAGE_SERVER);
      break;
    case PAGE_CERTIFICATE:
      enlist_signup_assistant_cancel_certificate (self);
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
  enlist_signup_assistant_start_attempt (self);
}

static void
register_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  enlist_signup_assistant_register (ENLIST_SIGNUP_ASSISTANT (widget));
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
  enlist_signup_assistant_drop_registration (self);
  enlist_form_page_set_form (self->form_page, NULL);
  g_array_set_size (self->back_stack, 0);

  domain = enlist_registration_parse_uri (uri, &is_invite, &error);
  if (domain == NULL)
    {
      enlist_signup_assistant_show_attempt_error (self, error);
      return;
    }
  provider = enlist_provider_list_lookup (self->providers, domain);
  if (provider != NULL && !enlist_provider_get_is_demo (provider))
    provider = NULL;
  enlist_server_page_set_server (self->server_page, domain, provider, is_invite ? uri : NULL);
  self->page = PAGE_SERVER;
  gtk_stack_set_visible_child_name (self->stack, enlist_signup_page_names[PAGE_SERVER]);
  enlist_signup_assistant_start_attempt (self);
}

const char *
enlist_signup_assistant_get_page (EnlistSignupAssistant *self)
{
  g_return_val_if_fail (ENLIST_IS_SIGNUP_ASSISTANT (self), NULL);

  return enlist_signup_page_names[self->page];
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
  enlist_signup_assistant_drop_registration (self);
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
  enlist_signup_endpoint_clear (&self->endpoint);

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
      g_value_set_string (value, enlist_signup_page_names[self->page]);
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
    g_param_spec_string ("page", NULL, NULL, enlist_signup_page_names[PAGE_SERVER],
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

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/enlist/Enlist/ui/enlist-signup-assistant.ui");
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

  g_signal_connect_object (self->server_page, "notify::valid", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->server_page, "changed", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->form_page, "notify::valid", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->form_page, "submit",
                           G_CALLBACK (enlist_signup_assistant_register), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->form_page, "renew",
                           G_CALLBACK (enlist_signup_assistant_renew_captcha), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->certificate_page, "trust",
                           G_CALLBACK (enlist_signup_assistant_trust_certificate), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->certificate_page, "cancel",
                           G_CALLBACK (enlist_signup_assistant_cancel_certificate), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->result_page, "notify::default-widget", G_CALLBACK (update),
                           self, G_CONNECT_SWAPPED);
  enlist_signup_assistant_update (self);
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
