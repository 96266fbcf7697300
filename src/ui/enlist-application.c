/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-application.c: the AdwApplication: app-wide actions, the main
 * window, command-line options and xmpp: URIs, and the objects every
 * window shares (account manager, settings, provider list). */
#define G_LOG_DOMAIN "enlist-application"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "enlist-application.h"
#include "enlist-display-text.h"
#include "enlist-resources.h"
#include "enlist-signup-assistant.h"
#include "enlist-ui-resources.h"
#include "enlist-window.h"

/* A --demo-server value is a few names and a number. */
#define DEMO_SERVER_MAX_LENGTH 1024
#define DEMO_LABEL_MAX_CHARS   64

struct _EnlistApplication
{
  AdwApplication        parent_instance;

  char                 *ca_file;
  char                 *data_dir;
  GPtrArray            *demo_providers;  /* EnlistProvider */

  EnlistSettings       *settings;
  EnlistAccountManager *manager;
  EnlistProviderList   *providers;
  GCancellable         *cancellable;
  GError               *load_error;      /* not shown yet: no main window then */
  gboolean              loading;
};

G_DEFINE_FINAL_TYPE (EnlistApplication, enlist_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_CA_FILE,
  PROP_DATA_DIR,
  PROP_LOADING,
  N_PROPS
};

enum {
  SIGNAL_CREATE_ACCOUNT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void present_load_error (EnlistApplication *self);

void
enlist_application_register_resources (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      enlist_register_resource ();
      enlist_ui_register_resource ();
      g_once_init_leave (&registered, 1);
    }
}

/* ---- the main window ---------------------------------------------------- */

GtkWindow *
enlist_application_get_main_window (EnlistApplication *self)
{
  g_return_val_if_fail (ENLIST_IS_APPLICATION (self), NULL);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (ENLIST_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static GtkWindow *
ensure_main_window (EnlistApplication *self)
{
  GtkWindow *window = enlist_application_get_main_window (self);

  if (window == NULL)
    window = GTK_WINDOW (enlist_window_new (self));
  gtk_window_present (window);
  present_load_error (self);
  return window;
}

/* A message for people, in a dialog over the main window. heading and
 * body are plain text. */
static void
present_message (EnlistApplication *self,
                 const char        *heading,
                 const char        *body)
{
  GtkWindow *window = ensure_main_window (self);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (window, heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- actions ------------------------------------------------------------ */

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  EnlistApplication *self = ENLIST_APPLICATION (user_data);
  static const char *developers[] = { "The Enlist developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", enlist_application_get_main_window (self),
                        "modal", TRUE,
                        "application-name", _("Enlist"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "comments", _("Create XMPP chat accounts on any server, change their "
                                      "passwords and delete them, with the credentials kept in "
                                      "your keyring."),
                        "developers", developers,
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
create_account_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  enlist_application_create_account (ENLIST_APPLICATION (user_data), NULL);
}

static void
create_account_cb (EnlistApplication *self,
                   const char        *uri)
{
  enlist_signup_assistant_present (self, uri);
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "quit", quit_action },
  { "create-account", create_account_action },
};

void
enlist_application_create_account (EnlistApplication *self,
                                   const char        *uri)
{
  g_return_if_fail (ENLIST_IS_APPLICATION (self));

  g_signal_emit (self, signals[SIGNAL_CREATE_ACCOUNT], 0, uri);
}

/* ---- --demo-server ------------------------------------------------------ */

static EnlistProvider *
bad_demo_server (GError    **error,
                 const char *message)
{
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               /* Translators: the second %s says what is wrong with the value */
               _("%s: %s (expected LABEL=DOMAIN,HOST,PORT or LABEL=DOMAIN,HOST,PORT,direct-tls)"),
               "--demo-server", message);
  return NULL;
}

EnlistProvider *
enlist_application_parse_demo_server (const char  *value,
                                      GError     **error)
{
  g_autofree char *label = NULL;
  g_auto(GStrv) parts = NULL;
  const char *equals;
  gboolean direct_tls = FALSE;
  guint64 port = 0;
  EnlistProvider *provider;

  g_return_val_if_fail (value != NULL, NULL);

  if (strlen (value) > DEMO_SERVER_MAX_LENGTH || !g_utf8_validate (value, -1, NULL))
    return bad_demo_server (error, _("the value is too long or not text"));

  /* the label is free text: the endpoint is what follows the last '=' */
  equals = strrchr (value, '=');
  if (equals == NULL)
    return bad_demo_server (error, _("no label"));
  label = g_strstrip (g_strndup (value, equals - value));
  if (*label == '\0')
    return bad_demo_server (error, _("the label is empty"));
  if (g_utf8_strlen (label, -1) > DEMO_LABEL_MAX_CHARS)
    return bad_demo_server (error, _("the label is too long"));
  for (const char *p = label; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return bad_demo_server (error, _("the label contains control characters"));

  parts = g_strsplit (equals + 1, ",", -1);
  if (g_strv_length (parts) < 3 || g_strv_length (parts) > 4)
    return bad_demo_server (error, _("a domain, a host and a port are needed"));
  for (guint i = 0; parts[i] != NULL; i++)
    g_strstrip (parts[i]);
  if (parts[3] != NULL)
    {
      if (g_strcmp0 (parts[3], "direct-tls") != 0)
        return bad_demo_server (error, _("only “direct-tls” may follow the port"));
      direct_tls = TRUE;
    }
  if (!g_ascii_string_to_unsigned (parts[2], 10, 1, G_MAXUINT16, &port, NULL))
    return bad_demo_server (error, _("the port must be a number from 1 to 65535"));

  provider = enlist_provider_new_demo (parts[0], parts[1], (guint16) port, direct_tls, label);
  if (provider == NULL)
    return bad_demo_server (error, _("the domain or the host is not a valid name"));
  return provider;
}

/* ---- options ------------------------------------------------------------ */

static int
enlist_application_handle_local_options (GApplication *application,
                                         GVariantDict *options)
{
  EnlistApplication *self = ENLIST_APPLICATION (application);
  g_autofree const char **demo_servers = NULL;
  g_autoptr(GError) error = NULL;
  const char *ca_file = NULL;
  gboolean any = FALSE;

  if (g_variant_dict_lookup (options, "ca-file", "^&ay", &ca_file))
    {
      g_autofree char *path = g_canonicalize_filename (ca_file, NULL);
      g_autoptr(GTlsDatabase) database = g_tls_file_database_new (path, &error);

      if (database == NULL)
        {
          g_printerr (_("%s: cannot use “%s”: %s\n"), "--ca-file", ca_file, error->message);
          return EXIT_FAILURE;
        }
      enlist_application_set_ca_file (self, path);
      any = TRUE;
    }

  if (g_variant_dict_lookup (options, "demo-server", "^a&s", &demo_servers))
    {
      for (guint i = 0; demo_servers[i] != NULL; i++)
        {
          EnlistProvider *provider = enlist_application_parse_demo_server (demo_servers[i],
                                                                            &error);

          if (provider == NULL)
            {
              g_printerr ("%s\n", error->message);
              return EXIT_FAILURE;
            }
          g_ptr_array_add (self->demo_providers, provider);
        }
      any = TRUE;
    }

  /* Options belong to the instance that runs: a second one only passes on
   * its URIs, and says so rather than leave the options silently unused. */
  if (any)
    {
      if (!g_application_register (application, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return EXIT_FAILURE;
        }
      if (g_application_get_is_remote (application))
        g_printerr (_("Enlist is already running: --ca-file and --demo-server apply only when "
                      "it starts.\n"));
    }

  return G_APPLICATION_CLASS (enlist_application_parent_class)->handle_local_options (application,
                                                                                      options);
}

/* ---- startup: the shared objects ---------------------------------------- */

static void
present_load_error (EnlistApplication *self)
{
  g_autoptr(GError) error = g_steal_pointer (&self->load_error);

  if (error != NULL)
    present_message (self, _("Your Accounts Could Not Be Read"), error->message);
}

static void
set_loading (EnlistApplication *self,
             gboolean           loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
load_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(EnlistApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean loaded;

  loaded = enlist_account_manager_load_finish (ENLIST_ACCOUNT_MANAGER (source), result, &error);
  set_loading (self, FALSE);
  if (loaded || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* whatever could be read is listed all the same; the user is told */
  g_message ("Loading the accounts: %s", error->message);
  g_clear_error (&self->load_error);
  self->load_error = g_steal_pointer (&error);
  if (enlist_application_get_main_window (self) != NULL)
    present_load_error (self);
}

/* What settling a pending account found, short enough for a toast; the
 * manager's message, with what was done about it, is in its details. */
static char *
describe_outcome (EnlistAccount        *account,
                  EnlistPendingOutcome  outcome)
{
  const char *address = enlist_account_get_address (account);

  switch (outcome)
    {
    case ENLIST_PENDING_OUTCOME_REGISTERED:
      return g_strdup_printf (_("%s was created"), address);
    case ENLIST_PENDING_OUTCOME_NOT_REGISTERED:
      return g_strdup_printf (_("%s was not created"), address);
    case ENLIST_PENDING_OUTCOME_NEW_PASSWORD:
      return g_strdup_printf (_("The new password of %s is in effect"), address);
    case ENLIST_PENDING_OUTCOME_OLD_PASSWORD:
      return g_strdup_printf (_("The old password of %s is still in effect"), address);
    case ENLIST_PENDING_OUTCOME_DELETED:
      return g_strdup_printf (_("%s was deleted"), address);
    case ENLIST_PENDING_OUTCOME_NOT_DELETED:
      return g_strdup_printf (_("%s was not deleted"), address);
    case ENLIST_PENDING_OUTCOME_UNRESOLVED:
    default:
      return g_strdup_printf (_("%s could not be checked"), address);
    }
}

static void
pending_resolved_cb (EnlistApplication    *self,
                     EnlistAccount        *account,
                     EnlistPendingOutcome  outcome,
                     const char           *message)
{
  GtkWindow *window = enlist_application_get_main_window (self);
  g_autofree char *title = NULL;

  /* without a window the rows will say where each account stands */
  if (window == NULL)
    return;
  title = describe_outcome (account, outcome);
  if (message != NULL)
    enlist_window_add_toast_with_details (ENLIST_WINDOW (window), title, message);
  else
    enlist_window_add_toast (ENLIST_WINDOW (window), title);
}

/* The account file could not be written (a full disk): the accounts are
 * safe in the keyring, but their settings were not recorded. A toast, with
 * the file and the cause in its details. */
static void
file_error_cb (EnlistApplication *self,
               const GError      *error)
{
  GtkWindow *window = enlist_application_get_main_window (self);

  if (window == NULL)
    {
      g_warning ("%s", error->message);
      return;
    }
  enlist_window_add_toast_with_details (ENLIST_WINDOW (window),
                                        _("The account list could not be saved"),
                                        error->message);
}

static void
refresh_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The bundled list is always there: a failed refresh is no news for the
   * user, only for someone who set the address. */
  if (!enlist_provider_list_refresh_finish (ENLIST_PROVIDER_LIST (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("The provider list was not refreshed from %s: %s",
               enlist_provider_list_get_url (ENLIST_PROVIDER_LIST (source)), error->message);
}

static void
refresh_providers (EnlistApplication *self)
{
  if (enlist_provider_list_get_url (self->providers) == NULL)
    return;
  enlist_provider_list_refresh_async (self->providers, self->cancellable, refresh_cb, NULL);
}

static void
cache_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(EnlistApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!enlist_provider_list_load_cache_finish (ENLIST_PROVIDER_LIST (source), result, &error) &&
      error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_message ("The cached provider list was not used: %s", error->message);
    }
  refresh_providers (self);
}

static void
setup_providers (EnlistApplication *self)
{
  g_autoptr(GError) error = NULL;

  self->providers = enlist_provider_list_new ();
  if (!enlist_provider_list_load_bundled (self->providers, &error))
    g_warning ("The bundled provider list: %s", error->message);
  for (guint i = 0; i < self->demo_providers->len; i++)
    enlist_provider_list_add_demo (self->providers, g_ptr_array_index (self->demo_providers, i));
  if (self->ca_file != NULL && !enlist_provider_list_set_ca_file (self->providers, self->ca_file,
                                                                   &error))
    g_warning ("%s", error->message);
  g_clear_error (&error);

  g_object_bind_property (self->settings, "providers-url", self->providers, "url",
                          G_BINDING_SYNC_CREATE);
  enlist_provider_list_load_cache_async (self->providers, self->cancellable, cache_cb,
                                         g_object_ref (self));
}

static void
setup_manager (EnlistApplication *self)
{
  g_autoptr(GError) error = NULL;

  self->manager = enlist_account_manager_new (self->data_dir, NULL, NULL);
  if (self->ca_file != NULL && !enlist_account_manager_set_ca_file (self->manager, self->ca_file,
                                                                     &error))
    {
      /* checked with the option already: the file changed since */
      g_warning ("%s", error->message);
    }
  g_signal_connect_object (self->manager, "pending-resolved", G_CALLBACK (pending_resolved_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->manager, "file-error", G_CALLBACK (file_error_cb),
                           self, G_CONNECT_SWAPPED);
  set_loading (self, TRUE);
  enlist_account_manager_load_async (self->manager, self->cancellable, load_cb,
                                     g_object_ref (self));
}

static void
enlist_application_startup (GApplication *application)
{
  EnlistApplication *self = ENLIST_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *create_accels[] = { "<Control>n", NULL };

  G_APPLICATION_CLASS (enlist_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_actions,
                                   G_N_ELEMENTS (app_actions), application);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.create-account",
                                         create_accels);

  self->cancellable = g_cancellable_new ();
  self->settings = enlist_settings_new ();
  setup_providers (self);
  setup_manager (self);
}

static void
enlist_application_shutdown (GApplication *application)
{
  EnlistApplication *self = ENLIST_APPLICATION (application);

  g_cancellable_cancel (self->cancellable);

  G_APPLICATION_CLASS (enlist_application_parent_class)->shutdown (application);
}

static void
enlist_application_activate (GApplication *application)
{
  ensure_main_window (ENLIST_APPLICATION (application));
}

/* ---- xmpp: URIs --------------------------------------------------------- */

gboolean
enlist_application_uri_is_register (const char *uri)
{
  const char *query;
  size_t action_len;

  g_return_val_if_fail (uri != NULL, FALSE);

  if (g_ascii_strncasecmp (uri, "xmpp:", 5) != 0)
    return FALSE;
  /* XEP-0147: xmpp:JID?ACTION;KEY=VALUE… — the action, before any ';' */
  query = strchr (uri, '?');
  if (query == NULL)
    return FALSE;
  query++;
  action_len = strcspn (query, ";#");
  return action_len == strlen ("register") && strncmp (query, "register", action_len) == 0;
}

/* Another application that opens xmpp: URIs (a chat client), never an
 * Enlist: two Enlists would hand a URI back and forth. */
static GAppInfo *
find_other_handler (void)
{
  const char *type = "x-scheme-handler/xmpp";
  GList *apps = g_list_concat (g_app_info_get_recommended_for_type (type),
                               g_app_info_get_all_for_type (type));
  GAppInfo *found = NULL;

  for (GList *l = apps; l != NULL && found == NULL; l = l->next)
    {
      const char *id = g_app_info_get_id (l->data);

      if (id == NULL || !g_str_has_prefix (id, "io.github.enlist.Enlist"))
        found = g_object_ref (l->data);
    }
  g_list_free_full (apps, g_object_unref);
  return found;
}

static void
explain_uri (EnlistApplication *self,
             const char        *uri,
             const GError      *launch_error)
{
  g_autofree char *shown = enlist_display_text (uri, ENLIST_DISPLAY_TITLE_CHARS, FALSE);
  g_autofree char *body = NULL;

  if (g_ascii_strncasecmp (uri, "xmpp:", 5) != 0)
    body = g_strdup_printf (_("Enlist opens only xmpp: links that create an account, such as "
                              "xmpp:example.org?register. “%s” is not one of them."), shown);
  else if (launch_error != NULL)
    body = g_strdup_printf (_("Enlist creates and manages XMPP accounts; it does not open "
                              "chats. The app meant to open “%s” could not be started: %s"),
                            shown, launch_error->message);
  else
    body = g_strdup_printf (_("Enlist creates and manages XMPP accounts; it does not open "
                              "chats. To open “%s”, install an XMPP chat app: no app on this "
                              "computer opens such links."), shown);
  present_message (self, _("Enlist Cannot Open This Link"), body);
}

typedef struct
{
  EnlistApplication *self;
  char              *uri;
} HandOff;

static void
hand_off_free (HandOff *hand_off)
{
  g_application_release (G_APPLICATION (hand_off->self));
  g_object_unref (hand_off->self);
  g_free (hand_off->uri);
  g_free (hand_off);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HandOff, hand_off_free)

static void
hand_off_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HandOff) hand_off = user_data;
  g_autoptr(GError) error = NULL;

  if (g_app_info_launch_uris_finish (G_APP_INFO (source), result, &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  explain_uri (hand_off->self, hand_off->uri, error);
}

static void
hand_off_uri (EnlistApplication *self,
              const char        *uri)
{
  g_autoptr(GAppInfo) handler = NULL;
  g_autoptr(GAppLaunchContext) context = NULL;
  GList uris = { (gpointer) uri, NULL, NULL };
  HandOff *hand_off;

  if (g_ascii_strncasecmp (uri, "xmpp:", 5) != 0 || (handler = find_other_handler ()) == NULL)
    {
      explain_uri (self, uri, NULL);
      return;
    }

  g_debug ("Handing an xmpp: URI to %s", g_app_info_get_id (handler));
  context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (gdk_display_get_default ()));
  hand_off = g_new0 (HandOff, 1);
  hand_off->self = g_object_ref (self);
  hand_off->uri = g_strdup (uri);
  /* without a window, the application would quit before the launch is done */
  g_application_hold (G_APPLICATION (self));
  g_app_info_launch_uris_async (handler, &uris, context, self->cancellable, hand_off_cb, hand_off);
}

static void
enlist_application_open (GApplication  *application,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  EnlistApplication *self = ENLIST_APPLICATION (application);

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);

      if (uri != NULL && enlist_application_uri_is_register (uri))
        {
          ensure_main_window (self);
          enlist_application_create_account (self, uri);
        }
      else
        hand_off_uri (self, uri != NULL ? uri : "");
    }
}

/* ---- GObject ------------------------------------------------------------ */

static void
enlist_application_dispose (GObject *object)
{
  EnlistApplication *self = ENLIST_APPLICATION (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->manager);
  g_clear_object (&self->providers);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (enlist_application_parent_class)->dispose (object);
}

static void
enlist_application_finalize (GObject *object)
{
  EnlistApplication *self = ENLIST_APPLICATION (object);

  g_clear_object (&self->cancellable);
  g_clear_error (&self->load_error);
  g_clear_pointer (&self->demo_providers, g_ptr_array_unref);
  g_free (self->ca_file);
  g_free (self->data_dir);

  G_OBJECT_CLASS (enlist_application_parent_class)->finalize (object);
}

static void
enlist_application_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  EnlistApplication *self = ENLIST_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_CA_FILE:
      g_value_set_string (value, self->ca_file);
      break;
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_application_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  EnlistApplication *self = ENLIST_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_CA_FILE:
      enlist_application_set_ca_file (self, g_value_get_string (value));
      break;
    case PROP_DATA_DIR:
      enlist_application_set_data_dir (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_application_class_init (EnlistApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = enlist_application_dispose;
  object_class->finalize = enlist_application_finalize;
  object_class->get_property = enlist_application_get_property;
  object_class->set_property = enlist_application_set_property;

  app_class->handle_local_options = enlist_application_handle_local_options;
  app_class->startup = enlist_application_startup;
  app_class->shutdown = enlist_application_shutdown;
  app_class->activate = enlist_application_activate;
  app_class->open = enlist_application_open;

  properties[PROP_CA_FILE] =
    g_param_spec_string ("ca-file", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CREATE_ACCOUNT] =
    g_signal_new_class_handler ("create-account", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                /* the sign-up assistant, unless a handler stops it */
                                G_CALLBACK (create_account_cb),
                                NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
enlist_application_init (EnlistApplication *self)
{
  const GOptionEntry entries[] = {
    { "ca-file", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
      N_("Trust the certificate authorities in FILE (PEM) for this run"), N_("FILE") },
    { "demo-server", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING_ARRAY, NULL,
      N_("Suggest a local server first (repeatable)"), N_("LABEL=DOMAIN,HOST,PORT[,direct-tls]") },
    { NULL },
  };

  self->demo_providers = g_ptr_array_new_with_free_func (g_object_unref);
  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  /* Translators: what may follow the options on the command line */
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[XMPP-LINK…]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                             _("Create and manage XMPP chat accounts. "
                                               "xmpp:DOMAIN?register links open the sign-up "
                                               "assistant."));
}

EnlistApplication *
enlist_application_new (void)
{
  return g_object_new (ENLIST_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/enlist/Enlist",
                       NULL);
}

EnlistAccountManager *
enlist_application_get_account_manager (EnlistApplication *self)
{
  g_return_val_if_fail (ENLIST_IS_APPLICATION (self), NULL);
  return self->manager;
}

EnlistSettings *
enlist_application_get_settings (EnlistApplication *self)
{
  g_return_val_if_fail (ENLIST_IS_APPLICATION (self), NULL);
  return self->settings;
}

EnlistProviderList *
enlist_application_get_provider_list (EnlistApplication *self)
{
  g_return_val_if_fail (ENLIST_IS_APPLICATION (self), NULL);
  return self->providers;
}

GPtrArray *
enlist_application_get_demo_providers (EnlistApplication *self)
{
  g_return_val_if_fail (ENLIST_IS_APPLICATION (self), NULL);
  return self->demo_providers;
}

const char *
enlist_application_get_ca_file (EnlistApplication *self)
{
  g_return_val_if_fail (ENLIST_IS_APPLICATION (self), NULL);
  return self->ca_file;
}

void
enlist_application_set_ca_file (EnlistApplication *self,
                                const char        *path)
{
  g_return_if_fail (ENLIST_IS_APPLICATION (self));

  if (g_strcmp0 (self->ca_file, path) == 0)
    return;
  g_free (self->ca_file);
  self->ca_file = g_strdup (path);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CA_FILE]);
}

const char *
enlist_application_get_data_dir (EnlistApplication *self)
{
  g_return_val_if_fail (ENLIST_IS_APPLICATION (self), NULL);
  return self->data_dir;
}

void
enlist_application_set_data_dir (EnlistApplication *self,
                                 const char        *path)
{
  g_return_if_fail (ENLIST_IS_APPLICATION (self));

  if (g_strcmp0 (self->data_dir, path) == 0)
    return;
  g_free (self->data_dir);
  self->data_dir = g_strdup (path);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATA_DIR]);
}

gboolean
enlist_application_get_loading (EnlistApplication *self)
{
  g_return_val_if_fail (ENLIST_IS_APPLICATION (self), FALSE);
  return self->loading;
}
