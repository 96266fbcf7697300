/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-signup-assistant.c: the sign-up assistant end to end, in the running
 * application or on its own, against the real Prosody and ejabberd the
 * suite starts (with the app's demo servers), the fake server for a
 * web-only form, and a server that never answers: accounts created on
 * Prosody and on ejabberd with its CAPTCHA, a taken username shown at its
 * field with a fresh CAPTCHA and the values kept, an untrusted certificate
 * trusted and pinned, Cancel while connecting, a web-only server, a
 * keyring that refuses, xmpp: links and invitations, Back and closing —
 * and both servers from the keyboard alone (real key presses through the X
 * server). Everything is checked from outside too: the keyring, the
 * account file, a login, the main window. */
#define G_LOG_DOMAIN "test-signup-assistant"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "enlist-application.h"
#include "enlist-certificate.h"
#include "enlist-certificate-page.h"
#include "enlist-fake-server.h"
#include "enlist-form-page.h"
#include "enlist-progress-page.h"
#include "enlist-result-page.h"
#include "enlist-server-page.h"
#include "enlist-server-suggestions.h"
#include "enlist-signup-assistant.h"
#include "enlist-test-servers.h"
#include "enlist-test-utils.h"
#include "enlist-ui-test-app.h"
#include "enlist-ui-test-utils.h"
#include "enlist-web-page.h"
#include "enlist-xml.h"

#define PASSWORD    "correct horse 42 battery"
#define SIGNUP_URL  "https://signup.example.org/join?from=xmpp"
#define WAIT_MS     60000

static EnlistTestServers *servers;

/* ---- set-up --------------------------------------------------------------- */

/* A data directory of its own under the keyring session's XDG_DATA_HOME. */
static char *
make_data_dir (void)
{
  g_autofree char *parent = g_build_filename (g_get_user_data_dir (), "enlist-tests", NULL);
  g_autofree char *template = NULL;
  char *dir;

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  template = g_build_filename (parent, "signup-XXXXXX", NULL);
  dir = g_mkdtemp (g_steal_pointer (&template));
  g_assert_nonnull (dir);
  return dir;
}

static char *
random_user (const char *prefix)
{
  return g_strdup_printf ("%s%u", prefix, g_random_int_range (0, 100000000));
}

static guint16
port_of (const char *server)
{
  return enlist_test_servers_get_port (servers, server, FALSE);
}

/* The --demo-server values tools/run gives the application. */
static GStrv
demo_options (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *prosody = g_strdup_printf ("Prosody (demo)=%s,127.0.0.1,%u",
                                              enlist_test_servers_get_domain (servers),
                                              port_of ("prosody"));
  g_autofree char *ejabberd = g_strdup_printf ("ejabberd with CAPTCHA (demo)=%s,127.0.0.1,%u",
                                               enlist_test_servers_get_domain (servers),
                                               port_of ("ejabberd"));
  g_autofree char *nocaptcha = g_strdup_printf ("ejabberd without CAPTCHA (demo)=%s,127.0.0.1,%u",
                                                enlist_test_servers_get_nocaptcha_domain (servers),
                                                port_of ("ejabberd"));

  g_strv_builder_add_many (builder, "--demo-server", prosody, "--demo-server", ejabberd,
                           "--demo-server", nocaptcha, NULL);
  return g_strv_builder_end (builder);
}

/* The application's provider list for an assistant on its own: the
 * bundled providers and the demo servers. */
static EnlistProviderList *
demo_providers (void)
{
  g_auto(GStrv) options = demo_options ();
  EnlistProviderList *providers = enlist_provider_list_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (enlist_provider_list_load_bundled (providers, &error));
  g_assert_no_error (error);
  for (guint i = 1; options[i] != NULL; i += 2)
    {
      g_autoptr(EnlistProvider) provider = enlist_application_parse_demo_server (options[i],
                                                                                  &error);

      g_assert_no_error (error);
      enlist_provider_list_add_demo (providers, provider);
    }
  return providers;
}

static EnlistAccountManager *
new_manager (const char *dir,
             const char *ca_file)
{
  EnlistAccountManager *manager = enlist_account_manager_new (dir, NULL, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (ca_file != NULL)
    {
      g_assert_true (enlist_account_manager_set_ca_file (manager, ca_file, &error));
      g_assert_no_error (error);
    }
  enlist_account_manager_load_async (manager, NULL, enlist_test_store_result, &result);
  enlist_account_manager_load_finish (manager, enlist_test_wait_for (&result), &error);
  /* a keyring that is not there is the subprocess's own test */
  if (error != NULL && !g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_KEYRING_UNAVAILABLE))
    g_assert_no_error (error);
  return manager;
}

/* ---- the assistant -------------------------------------------------------- */

typedef struct
{
  EnlistSignupAssistant *assistant;
  const char            *page;
} PageWait;

static gboolean
on_page (gpointer data)
{
  PageWait *wait = data;

  return g_str_equal (enlist_signup_assistant_get_page (wait->assistant), wait->page);
}

static EnlistServerPage *
server_page_of (EnlistSignupAssistant *assistant)
{
  return ENLIST_SERVER_PAGE (enlist_signup_assistant_get_page_widget (assistant, "server"));
}

static EnlistFormPage *
form_page_of (EnlistSignupAssistant *assistant)
{
  return ENLIST_FORM_PAGE (enlist_signup_assistant_get_page_widget (assistant, "form"));
}

static EnlistFormView *
view_of (EnlistSignupAssistant *assistant)
{
  EnlistFormView *view = enlist_form_page_get_view (form_page_of (assistant));

  g_assert_nonnull (view);
  return view;
}

static gboolean
not_busy (gpointer data)
{
  return enlist_signup_assistant_get_state (data) != ENLIST_PAGE_STATE_BUSY;
}

/* Waits for page; a server page with an error instead fails the test
 * with that error. */
static void
wait_page (EnlistSignupAssistant *assistant,
           const char            *page)
{
  PageWait wait = { assistant, page };
  g_autofree char *what = g_strdup_printf ("the %s page", page);
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;

  while (!on_page (&wait))
    {
      g_autofree char *error = enlist_server_page_dup_error (server_page_of (assistant));

      if (g_str_equal (enlist_signup_assistant_get_page (assistant), "server") && error != NULL &&
          !g_str_equal (page, "server"))
        g_error ("waiting for %s, the server page says: %s", what, error);
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for %s (on the %s page)", what,
                 enlist_signup_assistant_get_page (assistant));
      enlist_ui_test_iterate (10);
    }
  /* whatever the page started (a CAPTCHA) is done */
  enlist_ui_test_wait_until (not_busy, assistant, WAIT_MS, what);
  enlist_ui_test_wait_draw (GTK_WIDGET (assistant));
}

static void
activate (EnlistSignupAssistant *assistant,
          const char            *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (assistant), action, NULL));
}

/* What a button bound to the action shows: it is on or off with it. */
static gboolean
action_enabled (EnlistSignupAssistant *assistant,
                const char            *action)
{
  GtkWidget *button = NULL;

  if (g_str_equal (action, "assistant.next"))
    button = enlist_server_page_get_default_widget (server_page_of (assistant));
  else if (g_str_equal (action, "assistant.register"))
    button = enlist_form_page_get_default_widget (form_page_of (assistant));
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, action);
  return gtk_widget_get_sensitive (button);
}

static void
type_text (GtkWidget  *editable,
           const char *text)
{
  g_assert_true (GTK_IS_EDITABLE (editable));
  gtk_widget_grab_focus (editable);
  gtk_editable_set_text (GTK_EDITABLE (editable), text);
}

static const char *
text_of (GtkWidget *editable)
{
  return gtk_editable_get_text (GTK_EDITABLE (editable));
}

/* What the server entry says. */
static const char *
server_text (EnlistSignupAssistant *assistant)
{
  return text_of (enlist_server_page_get_server_row (server_page_of (assistant)));
}

/* Found and visible. */
static gboolean
shown (GtkWidget *widget)
{
  return widget != NULL && gtk_widget_is_visible (widget);
}

static GtkWidget *
field_entry (EnlistSignupAssistant *assistant,
             const char            *var)
{
  GtkWidget *widget = enlist_form_view_get_field_widget (view_of (assistant), var);

  g_assert_nonnull (widget);
  g_assert_true (GTK_IS_EDITABLE (widget));
  return widget;
}

static EnlistPasswordRows *
password_rows_of (EnlistSignupAssistant *assistant)
{
  EnlistPasswordRows *rows = enlist_form_view_get_password_rows (view_of (assistant));

  g_assert_nonnull (rows);
  return rows;
}

/* The answer ejabberd expects for the CAPTCHA of the form shown, from the
 * test servers' answer files. */
static char *
captcha_answer (EnlistSignupAssistant *assistant)
{
  EnlistDataForm *form = enlist_form_page_get_form (form_page_of (assistant));
  EnlistFormField *field = enlist_data_form_get_captcha_field (form);
  const char *uri, *at;
  g_autofree char *sha1 = NULL;
  char *answer;

  g_assert_nonnull (field);
  uri = enlist_form_field_get_media_uri (field, 0, NULL);
  g_assert_true (g_str_has_prefix (uri, "cid:sha1+"));
  at = strchr (uri, '@');
  g_assert_nonnull (at);
  sha1 = g_strndup (uri + strlen ("cid:sha1+"), at - (uri + strlen ("cid:sha1+")));
  answer = enlist_test_servers_captcha_answer (servers, sha1);
  g_assert_nonnull (answer);
  return answer;
}

static const char *
captcha_var (EnlistSignupAssistant *assistant)
{
  EnlistDataForm *form = enlist_form_page_get_form (form_page_of (assistant));

  return enlist_form_field_get_var (enlist_data_form_get_captcha_field (form));
}

/* Fills in the form shown as a person would: name, password twice, and
 * the CAPTCHA when there is one. */
static void
fill_form (EnlistSignupAssistant *assistant,
           const char            *user,
           const char            *password)
{
  EnlistPasswordRows *rows = password_rows_of (assistant);
  EnlistDataForm *form = enlist_form_page_get_form (form_page_of (assistant));

  type_text (field_entry (assistant, "username"), user);
  type_text (enlist_password_rows_get_password_row (rows), password);
  type_text (enlist_password_rows_get_confirm_row (rows), password);
  if (enlist_data_form_is_captcha (form))
    {
      g_autofree char *answer = captcha_answer (assistant);

      type_text (field_entry (assistant, captcha_var (assistant)), answer);
    }
}

/* Types text into the server entry and takes the index-th suggestion the
 * way the keyboard does: Down index + 1 times, then Enter. */
static void
choose_suggestion (EnlistSignupAssistant *assistant,
                   const char            *text,
                   guint                  index)
{
  EnlistServerPage *page = server_page_of (assistant);
  EnlistServerSuggestions *suggestions =
    ENLIST_SERVER_SUGGESTIONS (enlist_server_page_get_suggestions (page));

  type_text (enlist_server_page_get_server_row (page), text);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (suggestions)));
  for (guint i = 0; i <= index; i++)
    g_assert_true (enlist_server_suggestions_move (suggestions, TRUE));
  g_assert_true (enlist_server_suggestions_choose (suggestions));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (suggestions)));
}

static EnlistSignupAssistant *
new_assistant (EnlistAccountManager *manager,
               EnlistProviderList   *providers)
{
  EnlistSignupAssistant *assistant = enlist_signup_assistant_new (manager, providers);

  enlist_ui_test_show (GTK_WINDOW (assistant));
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "server");
  return assistant;
}

static gboolean
toplevel_gone (gpointer data)
{
  return enlist_ui_test_find_toplevel (GPOINTER_TO_SIZE (data)) == NULL;
}

static gboolean
toplevel_shown (gpointer data)
{
  GtkWindow *window = enlist_ui_test_find_toplevel (GPOINTER_TO_SIZE (data));

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

static EnlistSignupAssistant *
wait_assistant (void)
{
  GtkWindow *window;

  enlist_ui_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "the sign-up assistant");
  window = enlist_ui_test_find_toplevel (ENLIST_TYPE_SIGNUP_ASSISTANT);
  enlist_ui_test_wait_draw (GTK_WIDGET (window));
  return ENLIST_SIGNUP_ASSISTANT (window);
}

/* Closes an assistant that has nothing left to ask about. */
static void
close_assistant (EnlistSignupAssistant *assistant)
{
  gtk_window_close (GTK_WINDOW (assistant));
  enlist_ui_test_wait_until (toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "the assistant to close");
}

/* The window with an open popover drawn over it where it shows on the
 * screen (a popover has a surface of its own, which the window's
 * rendering does not include). */
static void
screenshot_with_popover (GtkWidget  *window,
                         GtkWidget  *popover,
                         const char *name)
{
  g_autoptr(GdkPaintable) window_paintable = NULL;
  g_autoptr(GdkPaintable) popover_paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  GdkSurface *surface;
  double wx, wy, px, py;
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);

  enlist_ui_test_wait_draw (window);
  enlist_ui_test_wait_draw (popover);
  surface = gtk_native_get_surface (GTK_NATIVE (popover));
  g_assert_true (GDK_IS_POPUP (surface));
  gtk_native_get_surface_transform (GTK_NATIVE (window), &wx, &wy);
  gtk_native_get_surface_transform (GTK_NATIVE (popover), &px, &py);

  window_paintable = gtk_widget_paintable_new (window);
  popover_paintable = gtk_widget_paintable_new (popover);
  gdk_paintable_snapshot (window_paintable, GDK_SNAPSHOT (snapshot), width, height);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (gdk_popup_get_position_x (GDK_POPUP (surface)) +
                                                px - wx,
                                                gdk_popup_get_position_y (GDK_POPUP (surface)) +
                                                py - wy));
  gdk_paintable_snapshot (popover_paintable, GDK_SNAPSHOT (snapshot),
                          gtk_widget_get_width (popover), gtk_widget_get_height (popover));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (g_getenv ("ENLIST_SCREENSHOT_DIR") != NULL)
    dir = g_strdup (g_getenv ("ENLIST_SCREENSHOT_DIR"));
  else
    dir = g_test_build_filename (G_TEST_BUILT, "screenshots", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* Every keyring item of Enlist's schema, pending or not. */
static guint
count_keyring_items (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  GList *items;
  guint n;

  g_assert_no_error (error);
  g_hash_table_insert (attributes, (char *) "xdg:schema", (char *) APP_ID);
  items = secret_service_search_sync (service, NULL, attributes, SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  n = g_list_length (items);
  g_list_free_full (items, g_object_unref);
  return n;
}

/* ---- Prosody, in the running application ---------------------------------- */

/* A run of the application: its data directory, the name registered, and
 * the address the assistant reported. */
typedef struct
{
  char *dir;
  char *user;
  char *address;
} AppRun;


typedef struct
{
  EnlistProgressPage *page;
  GPtrArray          *seen;
} Stages;

/* What the progress page says, each change once. */
static void
record_stage (Stages *stages)
{
  const char *text = enlist_progress_page_get_text (stages->page);

  if (*text != '\0' && (stages->seen->len == 0 ||
                        !g_str_equal (g_ptr_array_index (stages->seen, stages->seen->len - 1),
                                      text)))
    g_ptr_array_add (stages->seen, g_strdup (text));
}

static gboolean
contains_string (GPtrArray  *strings,
                 const char *string)
{
  for (guint i = 0; i < strings->len; i++)
    if (g_str_equal (g_ptr_array_index (strings, i), string))
      return TRUE;
  return FALSE;
}

static gboolean
row_listed (gpointer data)
{
  AppRun *run = ((gpointer *) data)[0];
  EnlistApplication *app = ((gpointer *) data)[1];

  return enlist_ui_test_find_row (enlist_ui_test_app_window (app), run->address) != NULL;
}

static void
prosody_body (EnlistApplication *app,
              gpointer           user_data)
{
  AppRun *run = user_data;
  EnlistSignupAssistant *assistant;
  EnlistServerPage *server;
  EnlistServerSuggestions *suggestions;
  g_autoptr(EnlistProvider) first = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *shot = NULL;
  g_autofree char *expected_port = NULL;
  g_autoptr(GError) error = NULL;
  gpointer listed[2] = { run, app };
  EnlistRegistration *registration;
  Stages stages;
  GtkWidget *progress;

  /* the window's header button */
  enlist_ui_test_click (enlist_ui_test_find (GTK_WIDGET (enlist_ui_test_app_window (app)),
                                             GTK_TYPE_BUTTON, "Create Account"));
  assistant = wait_assistant ();
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (assistant)) ==
                 GTK_WINDOW (enlist_ui_test_app_window (app)));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (assistant)), ==, "Create Account");
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_IDLE);
  g_assert_false (action_enabled (assistant, "assistant.next"));

  /* suggestions as the name is typed: the demo servers first, with where
   * they listen */
  server = server_page_of (assistant);
  suggestions = ENLIST_SERVER_SUGGESTIONS (enlist_server_page_get_suggestions (server));
  type_text (enlist_server_page_get_server_row (server), "local");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (suggestions)));
  g_assert_cmpuint (enlist_server_suggestions_get_n_items (suggestions), >=, 2);
  g_assert_true (enlist_server_suggestions_move (suggestions, TRUE));
  first = enlist_server_suggestions_get_selected (suggestions);
  g_assert_true (enlist_provider_get_is_demo (first));
  g_assert_cmpstr (enlist_provider_get_label (first), ==, "Prosody (demo)");
  {
    g_autofree char *details = enlist_server_suggestions_describe (first);
    g_autofree char *where = g_strdup_printf ("127.0.0.1 port %u", port_of ("prosody"));

    g_assert_nonnull (strstr (details, where));
    g_assert_nonnull (enlist_ui_test_find_label (GTK_WIDGET (suggestions), where));
  }
  screenshot_with_popover (GTK_WIDGET (assistant), GTK_WIDGET (suggestions),
                           "assistant-server-suggestions");

  /* Enter takes it: the domain, and its endpoint under Advanced */
  g_assert_true (enlist_server_suggestions_choose (suggestions));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (suggestions)));
  g_assert_cmpstr (server_text (assistant), ==, "localhost");
  g_assert_cmpstr (enlist_server_page_get_domain (server), ==, "localhost");
  g_assert_cmpstr (enlist_server_page_get_host (server), ==, "127.0.0.1");
  g_assert_cmpuint (enlist_server_page_get_port (server), ==, port_of ("prosody"));
  g_assert_false (enlist_server_page_get_direct_tls (server));
  expected_port = g_strdup_printf ("%u", port_of ("prosody"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (enlist_ui_test_find (
                     GTK_WIDGET (server), ADW_TYPE_ENTRY_ROW, "Port"))), ==, expected_port);
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_READY);
  g_assert_true (action_enabled (assistant, "assistant.next"));
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (assistant)) ==
                 enlist_server_page_get_default_widget (server));
  shot = enlist_ui_test_screenshot (GTK_WIDGET (assistant), "assistant-server-chosen");
  g_clear_pointer (&shot, g_free);

  /* Next: the stages in words on the progress page, then the form */
  progress = enlist_signup_assistant_get_page_widget (assistant, "progress");
  stages.page = ENLIST_PROGRESS_PAGE (progress);
  stages.seen = seen;
  /* what the Next button does, without its click animation (the stages
   * begin at once) */
  g_assert_true (gtk_widget_is_sensitive (enlist_server_page_get_default_widget (server)));
  activate (assistant, "assistant.next");
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "progress");
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_BUSY);
  record_stage (&stages);
  registration = enlist_signup_assistant_get_registration (assistant);
  g_assert_nonnull (registration);
  g_signal_connect_swapped (registration, "notify::stage", G_CALLBACK (record_stage), &stages);
  wait_page (assistant, "form");
  g_signal_handlers_disconnect_by_func (registration, record_stage, &stages);
  g_assert_cmpuint (seen->len, >=, 3);
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, "Connecting…");
  g_assert_true (contains_string (seen, "Securing connection…"));
  g_assert_true (contains_string (seen, "Requesting form…"));

  /* nothing typed: Register waits */
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_IDLE);
  g_assert_false (action_enabled (assistant, "assistant.register"));
  g_assert_null (gtk_window_get_default_widget (GTK_WINDOW (assistant)));

  fill_form (assistant, run->user, PASSWORD);
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_READY);
  g_assert_true (action_enabled (assistant, "assistant.register"));
  shot = enlist_ui_test_screenshot (GTK_WIDGET (assistant), "assistant-form-prosody");
  g_clear_pointer (&shot, g_free);

  /* Enter: the default widget is Register */
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (assistant)) ==
                 enlist_form_page_get_default_widget (form_page_of (assistant)));
  gtk_widget_activate_default (enlist_password_rows_get_confirm_row (password_rows_of (assistant)));
  wait_page (assistant, "result");
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_DONE);

  run->address = g_strdup_printf ("%s@localhost", run->user);
  {
    EnlistResultPage *result = ENLIST_RESULT_PAGE (
      enlist_signup_assistant_get_page_widget (assistant, "result"));

    g_assert_cmpstr (enlist_result_page_get_address (result), ==, run->address);
    g_assert_false (enlist_result_page_get_password_shown (result));
    g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (result), GTK_TYPE_LABEL,
                                           "Account Created"));
    g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (result), GTK_TYPE_LABEL, run->address));
    g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (result), GTK_TYPE_LABEL,
                                           "Saved in your keyring"));
    g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (result), GTK_TYPE_BUTTON, "Copy Address"));
    g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (assistant)) ==
                   enlist_ui_test_find (GTK_WIDGET (result), GTK_TYPE_BUTTON, "Done"));
  }
  shot = enlist_ui_test_screenshot (GTK_WIDGET (assistant), "assistant-result");
  g_clear_pointer (&shot, g_free);

  /* from outside: the keyring, the account file, a login */
  {
    g_autofree char *keyring = enlist_ui_test_keyring_of (run->address);
    g_autofree char *expected = g_strdup_printf ("-=%s", PASSWORD);

    g_assert_cmpstr (keyring, ==, expected);
  }
  g_assert_true (enlist_ui_test_has_record (run->dir, run->address));
  g_assert_true (enlist_ui_test_login (servers, "prosody", run->address, PASSWORD, &error));
  g_assert_no_error (error);

  /* Done closes; the main window lists the account */
  enlist_ui_test_click (enlist_ui_test_find (GTK_WIDGET (assistant), GTK_TYPE_BUTTON, "Done"));
  enlist_ui_test_wait_until (toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "Done to close the assistant");
  enlist_ui_test_wait_until (row_listed, listed, 10000, "the new account in the main window");
  shot = enlist_ui_test_screenshot (GTK_WIDGET (enlist_ui_test_app_window (app)),
                                    "assistant-window-after");
}

static void
test_prosody (void)
{
  g_auto(GStrv) options = demo_options ();
  AppRun run = { make_data_dir (), random_user ("prosody"), NULL };

  g_assert_cmpint (enlist_ui_test_app_run (run.dir, enlist_test_servers_get_ca_file (servers),
                                           (const char * const *) options, prosody_body, &run),
                   ==, 0);
  g_assert_nonnull (run.address);
  enlist_ui_test_clear_keyring (run.address);
  enlist_ui_test_remove_dir (run.dir);
  g_free (run.dir);
  g_free (run.user);
  g_free (run.address);
}

/* ---- ejabberd with its CAPTCHA, and a name taken -------------------------- */


static gboolean
captcha_shown (gpointer data)
{
  EnlistFormView *view = enlist_form_page_get_view (form_page_of (data));
  EnlistCaptchaView *captcha = view != NULL ? enlist_form_view_get_captcha_view (view) : NULL;

  return captcha != NULL && enlist_captcha_view_get_state (captcha) == ENLIST_CAPTCHA_VIEW_IMAGE;
}

static const char *
captcha_uri (EnlistSignupAssistant *assistant)
{
  EnlistDataForm *form = enlist_form_page_get_form (form_page_of (assistant));

  return enlist_form_field_get_media_uri (enlist_data_form_get_captcha_field (form), 0, NULL);
}

/* The ejabberd demo server (the second suggestion for "local"), through to
 * its form with the CAPTCHA shown. */
static EnlistSignupAssistant *
open_ejabberd_form (EnlistApplication *app)
{
  EnlistSignupAssistant *assistant;
  EnlistCaptchaView *captcha;

  /* Ctrl+N's action */
  gtk_widget_activate_action (GTK_WIDGET (enlist_ui_test_app_window (app)), "app.create-account",
                              NULL);
  assistant = wait_assistant ();
  choose_suggestion (assistant, "local", 1);
  g_assert_cmpuint (enlist_server_page_get_port (server_page_of (assistant)), ==,
                    port_of ("ejabberd"));
  enlist_ui_test_click (enlist_server_page_get_default_widget (server_page_of (assistant)));
  wait_page (assistant, "form");
  enlist_ui_test_wait_until (captcha_shown, assistant, WAIT_MS, "the CAPTCHA image");
  captcha = enlist_form_view_get_captcha_view (view_of (assistant));
  g_assert_nonnull (enlist_captcha_view_get_image (captcha));
  return assistant;
}

static void
ejabberd_body (EnlistApplication *app,
               gpointer           user_data)
{
  AppRun *run = user_data;
  EnlistSignupAssistant *assistant;
  EnlistPasswordRows *rows;
  EnlistResultPage *result;
  g_autofree char *shot = NULL;
  g_autofree char *first_uri = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *username;
  GtkWidget *focus;

  assistant = open_ejabberd_form (app);
  g_assert_true (enlist_data_form_is_captcha (
    enlist_form_page_get_form (form_page_of (assistant))));
  /* the answer is missing: Register waits */
  type_text (field_entry (assistant, "username"), run->user);
  g_assert_false (action_enabled (assistant, "assistant.register"));
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_IDLE);
  fill_form (assistant, run->user, PASSWORD);
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_READY);
  shot = enlist_ui_test_screenshot (GTK_WIDGET (assistant), "assistant-form-captcha");
  g_clear_pointer (&shot, g_free);

  enlist_ui_test_click (enlist_form_page_get_default_widget (form_page_of (assistant)));
  wait_page (assistant, "result");
  result = ENLIST_RESULT_PAGE (enlist_signup_assistant_get_page_widget (assistant, "result"));
  run->address = g_strdup_printf ("%s@localhost", run->user);
  g_assert_cmpstr (enlist_result_page_get_address (result), ==, run->address);
  g_assert_false (enlist_result_page_get_password_shown (result));
  {
    g_autofree char *keyring = enlist_ui_test_keyring_of (run->address);
    g_autofree char *expected = g_strdup_printf ("-=%s", PASSWORD);

    g_assert_cmpstr (keyring, ==, expected);
  }
  g_assert_true (enlist_ui_test_has_record (run->dir, run->address));
  g_assert_true (enlist_ui_test_login (servers, "ejabberd", run->address, PASSWORD, &error));
  g_assert_no_error (error);
  activate (assistant, "assistant.done");
  enlist_ui_test_wait_until (toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "Done to close the assistant");

  /* the same name again: refused at the username field, with a fresh
   * CAPTCHA and everything else as typed */
  assistant = open_ejabberd_form (app);
  first_uri = g_strdup (captcha_uri (assistant));
  fill_form (assistant, run->user, PASSWORD);
  activate (assistant, "assistant.register");
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "progress");
  wait_page (assistant, "form");
  enlist_ui_test_wait_until (captcha_shown, assistant, WAIT_MS, "the fresh CAPTCHA image");

  g_assert_cmpstr (enlist_form_view_get_field_message (view_of (assistant), "username"), ==,
                   "This username is already taken. Choose another one.");
  g_assert_cmpstr (captcha_uri (assistant), !=, first_uri);
  username = field_entry (assistant, "username");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (username)), ==, run->user);
  focus = gtk_window_get_focus (GTK_WINDOW (assistant));
  g_assert_true (focus != NULL && (focus == username || gtk_widget_is_ancestor (focus, username)));
  rows = password_rows_of (assistant);
  g_assert_cmpstr (enlist_password_rows_get_password (rows), ==, PASSWORD);
  g_assert_cmpstr (text_of (enlist_password_rows_get_confirm_row (rows)), ==, PASSWORD);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field_entry (assistant,
                                                                     captcha_var (assistant)))),
                   ==, "");
  g_assert_null (enlist_form_page_get_error (form_page_of (assistant)));
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_IDLE);
  shot = enlist_ui_test_screenshot (GTK_WIDGET (assistant), "assistant-username-taken");
  g_clear_pointer (&shot, g_free);
  /* the first account is untouched */
  g_assert_true (enlist_ui_test_login (servers, "ejabberd", run->address, PASSWORD, &error));
  g_assert_no_error (error);

  /* "New Image": another challenge, the values kept */
  g_clear_pointer (&first_uri, g_free);
  first_uri = g_strdup (captcha_uri (assistant));
  type_text (field_entry (assistant, "username"), "renamed");
  gtk_widget_activate_action (GTK_WIDGET (enlist_form_view_get_captcha_view (view_of (assistant))),
                              "captcha.renew", NULL);
  enlist_ui_test_wait_until (not_busy, assistant, WAIT_MS, "a new image");
  enlist_ui_test_wait_until (captcha_shown, assistant, WAIT_MS, "the new CAPTCHA image");
  g_assert_cmpstr (captcha_uri (assistant), !=, first_uri);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field_entry (assistant, "username"))), ==,
                   "renamed");
  rows = password_rows_of (assistant);
  g_assert_cmpstr (enlist_password_rows_get_password (rows), ==, PASSWORD);
  g_assert_true (enlist_password_rows_get_matches (rows));

  /* leaving a filled form asks first */
  activate (assistant, "assistant.cancel");
  {
    GtkWindow *dialog;

    enlist_ui_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 10000,
                               "the question before closing");
    dialog = enlist_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
    g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                     "Discard the New Account?");
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  }
  enlist_ui_test_wait_until (toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "the assistant to close");
  (void) message;
}

static void
test_ejabberd (void)
{
  g_auto(GStrv) options = demo_options ();
  AppRun run = { make_data_dir (), random_user ("captcha"), NULL };

  g_assert_cmpint (enlist_ui_test_app_run (run.dir, enlist_test_servers_get_ca_file (servers),
                                           (const char * const *) options, ejabberd_body, &run),
                   ==, 0);
  g_assert_nonnull (run.address);
  enlist_ui_test_clear_keyring (run.address);
  enlist_ui_test_remove_dir (run.dir);
  g_free (run.dir);
  g_free (run.user);
  g_free (run.address);
}

/* ---- a certificate that does not verify ----------------------------------- */

/* A fingerprint as shown, its line break (between its halves) read as
 * the colon it stands for. */
static char *
fingerprint_shown (GtkLabel *label)
{
  GString *out = g_string_new (NULL);

  for (const char *p = gtk_label_get_text (label); *p != '\0'; p++)
    g_string_append_c (out, g_ascii_isspace (*p) ? ':' : *p);
  return g_string_free (out, FALSE);
}

static void
test_certificate (void)
{
  g_autofree char *dir = make_data_dir ();
  g_autoptr(EnlistAccountManager) manager = new_manager (dir, NULL);
  g_autoptr(EnlistAccountManager) second = NULL;
  g_autoptr(EnlistProviderList) providers = demo_providers ();
  g_autoptr(GTlsCertificate) expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *displayed = NULL;
  g_autofree char *shot = NULL;
  g_auto(GStrv) pins = NULL;
  EnlistSignupAssistant *assistant;
  EnlistCertificatePage *page;
  GtkLabel *label = NULL;

  expected = g_tls_certificate_new_from_file (enlist_test_servers_get_ca_file (servers), &error);
  g_assert_no_error (error);
  fingerprint = enlist_certificate_get_fingerprint (expected);

  assistant = new_assistant (manager, providers);
  choose_suggestion (assistant, "local", 0);
  activate (assistant, "assistant.next");
  wait_page (assistant, "certificate");
  page = ENLIST_CERTIFICATE_PAGE (enlist_signup_assistant_get_page_widget (assistant,
                                                                          "certificate"));
  {
    g_autofree char *got = enlist_certificate_get_fingerprint (
      enlist_certificate_page_get_certificate (page));

    g_assert_cmpstr (got, ==, fingerprint);
  }
  /* the fingerprint as shown, whatever the line breaks */
  {
    g_autofree char *head = g_strndup (fingerprint, 11);

    label = enlist_ui_test_find_label (GTK_WIDGET (page), head);
    g_assert_nonnull (label);
    displayed = fingerprint_shown (label);
    g_assert_cmpstr (displayed, ==, fingerprint);
  }
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (page), GTK_TYPE_LABEL, "Unknown Certificate"));
  /* one way out: the page's own Cancel, which has the focus; no Back, no
   * header Cancel; Enter does what the focused button does */
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_READY);
  g_assert_null (gtk_window_get_default_widget (GTK_WINDOW (assistant)));
  g_assert_false (shown (enlist_ui_test_find (GTK_WIDGET (assistant), GTK_TYPE_BUTTON, "Back")));
  g_assert_false (shown (enlist_ui_test_find (GTK_WIDGET (assistant), GTK_TYPE_BUTTON, "Cancel")) &&
                  !gtk_widget_is_ancestor (enlist_ui_test_find (GTK_WIDGET (assistant),
                                                                GTK_TYPE_BUTTON, "Cancel"),
                                           GTK_WIDGET (page)));
  {
    GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (assistant));

    g_assert_nonnull (focus);
    g_assert_true (GTK_IS_BUTTON (focus));
    g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (focus)), ==, "_Cancel");
    g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (page)));
  }
  /* nothing trusted by itself */
  pins = enlist_account_manager_dup_pins (manager, "localhost");
  g_assert_cmpuint (g_strv_length (pins), ==, 0);
  g_clear_pointer (&pins, g_strfreev);
  shot = enlist_ui_test_screenshot (GTK_WIDGET (assistant), "assistant-certificate");
  g_clear_pointer (&shot, g_free);

  /* Trust This Certificate: pinned for the domain, and on to the form */
  enlist_ui_test_click (enlist_ui_test_find (GTK_WIDGET (page), GTK_TYPE_BUTTON,
                                             "Trust This Certificate"));
  wait_page (assistant, "form");
  pins = enlist_account_manager_dup_pins (manager, "localhost");
  g_assert_cmpuint (g_strv_length (pins), ==, 1);
  g_assert_true (enlist_certificate_fingerprint_equal (pins[0], fingerprint));
  g_clear_pointer (&pins, g_strfreev);
  /* kept on this computer */
  second = new_manager (dir, NULL);
  pins = enlist_account_manager_dup_pins (second, "localhost");
  g_assert_cmpuint (g_strv_length (pins), ==, 1);
  g_assert_true (enlist_certificate_fingerprint_equal (pins[0], fingerprint));
  g_clear_pointer (&pins, g_strfreev);
  g_clear_object (&second);
  close_assistant (assistant);

  /* Cancel on the certificate page: back to the server, nothing pinned */
  enlist_ui_test_remove_dir (dir);
  g_clear_pointer (&dir, g_free);
  g_clear_object (&manager);
  dir = make_data_dir ();
  manager = new_manager (dir, NULL);
  assistant = new_assistant (manager, providers);
  choose_suggestion (assistant, "local", 0);
  activate (assistant, "assistant.next");
  wait_page (assistant, "certificate");
  page = ENLIST_CERTIFICATE_PAGE (enlist_signup_assistant_get_page_widget (assistant,
                                                                          "certificate"));
  gtk_widget_activate_action (GTK_WIDGET (page), "certificate.cancel", NULL);
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "server");
  g_assert_null (enlist_signup_assistant_get_registration (assistant));
  g_assert_cmpstr (enlist_server_page_get_domain (server_page_of (assistant)), ==, "localhost");
  pins = enlist_account_manager_dup_pins (manager, "localhost");
  g_assert_cmpuint (g_strv_length (pins), ==, 0);
  close_assistant (assistant);

  enlist_test_finalize (g_steal_pointer (&manager));
  enlist_ui_test_remove_dir (dir);
}

/* ---- Cancel while connecting ----------------------------------------------- */

typedef struct
{
  GSocketService *service;
  guint16         port;
  GPtrArray      *connections;  /* accepted, never answered */
} SilentServer;

static gboolean
silent_incoming_cb (GSocketService    *service,
                    GSocketConnection *connection,
                    GObject           *source,
                    SilentServer      *server)
{
  g_ptr_array_add (server->connections, g_object_ref (connection));
  return TRUE;
}

static void
silent_server_start (SilentServer *server)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  server->connections = g_ptr_array_new_with_free_func (g_object_unref);
  server->service = g_socket_service_new ();
  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (server->service), address,
                                                G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                                &effective, &error));
  g_assert_no_error (error);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (server->service, "incoming", G_CALLBACK (silent_incoming_cb), server);
  g_socket_service_start (server->service);
}

static void
silent_server_stop (SilentServer *server)
{
  g_socket_service_stop (server->service);
  g_socket_listener_close (G_SOCKET_LISTENER (server->service));
  g_clear_object (&server->service);
  g_clear_pointer (&server->connections, g_ptr_array_unref);
}

static gboolean
has_connection (gpointer data)
{
  return ((SilentServer *) data)->connections->len > 0;
}

typedef struct
{
  EnlistSignupAssistant *assistant;
  const char            *text;
} TextWait;

static gboolean
progress_says (gpointer data)
{
  TextWait *wait = data;
  EnlistProgressPage *page = ENLIST_PROGRESS_PAGE (
    enlist_signup_assistant_get_page_widget (wait->assistant, "progress"));

  return g_str_equal (enlist_progress_page_get_text (page), wait->text);
}

static gboolean
pointer_cleared (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* What the client did with the connection: closed it (EOF), after having
 * sent how much. */
static gsize
read_until_closed (GSocketConnection *connection)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  gsize total = 0;

  for (;;)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      char buffer[4096];
      gssize n;

      g_input_stream_read_async (input, buffer, sizeof buffer, G_PRIORITY_DEFAULT, NULL,
                                 enlist_test_store_result, &result);
      n = g_input_stream_read_finish (input, enlist_test_wait_for (&result), &error);
      if (n <= 0)
        {
          /* the peer's end: EOF, or a reset when it closed with data unread */
          if (n < 0)
            g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
          return total;
        }
      total += n;
    }
}

static void
type_endpoint (EnlistSignupAssistant *assistant,
               const char            *domain,
               guint16                port)
{
  EnlistServerPage *page = server_page_of (assistant);
  g_autofree char *port_text = g_strdup_printf ("%u", port);

  type_text (enlist_server_page_get_server_row (page), domain);
  type_text (enlist_ui_test_find (GTK_WIDGET (page), ADW_TYPE_ENTRY_ROW, "Host"), "127.0.0.1");
  type_text (enlist_ui_test_find (GTK_WIDGET (page), ADW_TYPE_ENTRY_ROW, "Port"), port_text);
  g_assert_true (enlist_server_page_get_valid (page));
  g_assert_cmpuint (enlist_server_page_get_port (page), ==, port);
}

static void
test_cancel (void)
{
  g_autofree char *dir = make_data_dir ();
  g_autoptr(EnlistAccountManager) manager = new_manager (dir,
                                                         enlist_test_servers_get_ca_file (servers));
  g_autoptr(EnlistAccountManager) second = NULL;
  g_autoptr(EnlistProviderList) providers = demo_providers ();
  g_autofree char *shot = NULL;
  SilentServer silent = { 0 };
  EnlistSignupAssistant *assistant;
  EnlistRegistration *registration;
  TextWait securing;
  guint keyring_before = count_keyring_items ();
  gsize sent;

  silent_server_start (&silent);
  assistant = new_assistant (manager, providers);
  type_endpoint (assistant, "localhost", silent.port);
  activate (assistant, "assistant.next");
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "progress");
  enlist_ui_test_wait_until (has_connection, &silent, WAIT_MS, "the connection");
  securing.assistant = assistant;
  securing.text = "Securing connection…";
  enlist_ui_test_wait_until (progress_says, &securing, WAIT_MS, "“Securing connection…”");
  /* one Cancel, in the header bar, and it is live */
  g_assert_true (gtk_widget_get_visible (enlist_ui_test_find (GTK_WIDGET (assistant),
                                                              GTK_TYPE_BUTTON, "Cancel")));
  g_assert_null (enlist_ui_test_find (enlist_signup_assistant_get_page_widget (assistant,
                                                                               "progress"),
                                      GTK_TYPE_BUTTON, NULL));
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_BUSY);
  shot = enlist_ui_test_screenshot (GTK_WIDGET (assistant), "assistant-connecting");

  registration = enlist_signup_assistant_get_registration (assistant);
  g_assert_nonnull (registration);
  g_assert_true (enlist_registration_get_busy (registration));
  g_object_add_weak_pointer (G_OBJECT (registration), (gpointer *) &registration);

  /* Cancel: back at once */
  enlist_ui_test_click (enlist_ui_test_find (GTK_WIDGET (assistant), GTK_TYPE_BUTTON, "Cancel"));
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "server");
  g_assert_null (enlist_signup_assistant_get_registration (assistant));
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_READY);
  g_assert_false (enlist_server_page_get_has_error (server_page_of (assistant)));

  /* nothing left behind: the registration goes, the connection is closed,
   * nothing is recorded or kept in the keyring */
  enlist_ui_test_wait_until (pointer_cleared, &registration, WAIT_MS,
                             "the registration to be finalized");
  sent = read_until_closed (g_ptr_array_index (silent.connections, 0));
  g_assert_cmpuint (sent, >, 0);
  g_assert_cmpuint (count_keyring_items (), ==, keyring_before);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);
  second = new_manager (dir, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (second)), ==, 0);
  g_clear_object (&second);

  /* and the assistant can go on: the same again, cancelled with Escape's action */
  activate (assistant, "assistant.next");
  enlist_ui_test_wait_until (progress_says, &securing, WAIT_MS,
                             "“Securing connection…” again");
  registration = enlist_signup_assistant_get_registration (assistant);
  g_object_add_weak_pointer (G_OBJECT (registration), (gpointer *) &registration);
  activate (assistant, "assistant.cancel");
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "server");
  enlist_ui_test_wait_until (pointer_cleared, &registration, WAIT_MS,
                             "the second registration to be finalized");

  close_assistant (assistant);
  silent_server_stop (&silent);
  enlist_test_finalize (g_steal_pointer (&manager));
  enlist_ui_test_remove_dir (dir);
}

/* ---- a server that signs people up on its web site only ------------------- */

static void
web_only_stanza_cb (EnlistFakeServer    *server,
                    const EnlistXmlNode *stanza,
                    gpointer             user_data)
{
  g_autoptr(GString) out = g_string_new ("<iq type='result' id='");
  gboolean form_request;

  if (!enlist_xml_node_is (stanza, "iq", ENLIST_NS_CLIENT))
    return;
  form_request = g_strcmp0 (enlist_xml_node_get_attr (stanza, "type"), "get") == 0 &&
                 enlist_xml_node_get_child (stanza, "query", ENLIST_NS_REGISTER) != NULL;
  enlist_xml_escape_attr (out, enlist_xml_node_get_attr (stanza, "id"));
  g_string_append (out, "'>");
  if (form_request)
    g_string_append (out, "<query xmlns='jabber:iq:register'><instructions>Accounts are made "
                          "on our web site.</instructions><x xmlns='jabber:x:oob'><url>"
                          "https://signup.example.org/join?from=xmpp</url></x></query>");
  g_string_append (out, "</iq>");
  enlist_fake_server_send (server, out->str);
}

static char *
install_recording_browser (void)
{
  g_autofree char *applications = g_build_filename (g_get_user_data_dir (), "applications", NULL);
  g_autofree char *script = g_build_filename (g_get_user_data_dir (), "record-uri", NULL);
  g_autofree char *desktop = g_build_filename (applications, "enlist-test-browser.desktop", NULL);
  g_autofree char *mimeapps = g_build_filename (g_get_user_config_dir (), "mimeapps.list", NULL);
  g_autofree char *entry = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (applications, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_config_dir (), 0700), ==, 0);
  g_assert_true (g_file_set_contents (script,
                                      "#!/bin/sh\nprintf '%s' \"$1\" > \"$0.opened\"\n", -1,
                                      &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (script, 0700), ==, 0);
  entry = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Test Browser\n"
                           "Exec=%s %%u\nNoDisplay=true\n"
                           "MimeType=x-scheme-handler/http;x-scheme-handler/https;\n", script);
  g_assert_true (g_file_set_contents (desktop, entry, -1, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (mimeapps,
                                      "[Default Applications]\n"
                                      "x-scheme-handler/http=enlist-test-browser.desktop\n"
                                      "x-scheme-handler/https=enlist-test-browser.desktop\n",
                                      -1, &error));
  g_assert_no_error (error);
  return g_strconcat (script, ".opened", NULL);
}

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

static void
test_web_only (void)
{
  g_autofree char *dir = make_data_dir ();
  g_autofree char *ca = g_test_build_filename (G_TEST_DIST, "fixtures", "fake-server-ca.pem",
                                               NULL);
  g_autoptr(EnlistAccountManager) manager = new_manager (dir, ca);
  g_autoptr(EnlistProviderList) providers = demo_providers ();
  g_autoptr(EnlistFakeServer) server = NULL;
  g_autofree char *opened = install_recording_browser ();
  g_autofree char *contents = NULL;
  g_autofree char *shot = NULL;
  EnlistFakeServerOptions options = { 0 };
  EnlistSignupAssistant *assistant;
  EnlistWebPage *page;
  GtkWidget *open_button;

  options.stanza_func = web_only_stanza_cb;
  server = enlist_fake_server_new (&options);

  assistant = new_assistant (manager, providers);
  type_endpoint (assistant, "localhost", enlist_fake_server_get_port (server));
  activate (assistant, "assistant.next");
  wait_page (assistant, "web");
  page = ENLIST_WEB_PAGE (enlist_signup_assistant_get_page_widget (assistant, "web"));
  g_assert_cmpstr (enlist_web_page_get_url (page), ==, SIGNUP_URL);
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (page), GTK_TYPE_LABEL, "Sign Up on the Web"));
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (page), GTK_TYPE_LABEL, SIGNUP_URL));
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (page), GTK_TYPE_LABEL,
                                         "Accounts are made on our web site."));
  open_button = enlist_ui_test_find (GTK_WIDGET (page), GTK_TYPE_BUTTON, "Open Web Page");
  g_assert_nonnull (open_button);
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (assistant)) == open_button);
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_READY);
  shot = enlist_ui_test_screenshot (GTK_WIDGET (assistant), "assistant-web-only");

  /* "Open Web Page": the default browser gets the very address shown */
  enlist_ui_test_click (open_button);
  enlist_ui_test_wait_until (file_exists, opened, 10000, "the test browser to be started");
  g_assert_true (g_file_get_contents (opened, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, SIGNUP_URL);

  /* Back to the server page, as it was */
  activate (assistant, "assistant.back");
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "server");
  g_assert_cmpstr (enlist_server_page_get_domain (server_page_of (assistant)), ==, "localhost");
  close_assistant (assistant);
  g_clear_object (&server);
  enlist_test_finalize (g_steal_pointer (&manager));
  enlist_ui_test_remove_dir (dir);
}

/* ---- a keyring that refuses --------------------------------------------------- */

static void
read_text_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
string_set (gpointer data)
{
  return *(char **) data != NULL;
}

static gboolean
default_is_done (gpointer data)
{
  EnlistResultPage *page = data;

  return enlist_result_page_get_default_widget (page) ==
         enlist_ui_test_find (GTK_WIDGET (page), GTK_TYPE_BUTTON, "Done");
}

/* In a subprocess whose session bus is nowhere (libsecret keeps its
 * connection for the life of a process), given the servers' coordinates
 * by its parent. */
static void
test_keyring_refused (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *user = random_user ("unsaved");
  g_autofree char *address = NULL;
  g_autofree char *shot = NULL;
  g_autofree char *copied = NULL;
  g_autoptr(EnlistAccountManager) manager = NULL;
  g_autoptr(EnlistProviderList) providers = NULL;
  g_autoptr(EnlistProvider) prosody = NULL;
  g_autoptr(EnlistRegistration) login = NULL;
  g_autoptr(EnlistServerInfo) info = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  EnlistSignupAssistant *assistant;
  EnlistResultPage *page;
  GtkWidget *copy_button;
  guint16 port;

  if (!g_test_subprocess ())
    {
      g_autofree char *port_text = g_strdup_printf ("%u", port_of ("prosody"));

      g_setenv ("ENLIST_TEST_PORT", port_text, TRUE);
      g_setenv ("ENLIST_TEST_CA", enlist_test_servers_get_ca_file (servers), TRUE);
      /* read by main (), before GTK connects to the session bus */
      g_setenv ("ENLIST_TEST_NO_SESSION_BUS", "1", TRUE);
      g_test_trap_subprocess (NULL, 300 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  port = (guint16) g_ascii_strtoull (g_getenv ("ENLIST_TEST_PORT"), NULL, 10);
  dir = make_data_dir ();
  manager = new_manager (dir, g_getenv ("ENLIST_TEST_CA"));
  providers = enlist_provider_list_new ();
  prosody = enlist_provider_new_demo ("localhost", "127.0.0.1", port, FALSE, "Prosody (demo)");
  enlist_provider_list_add_demo (providers, prosody);

  assistant = new_assistant (manager, providers);
  choose_suggestion (assistant, "local", 0);
  activate (assistant, "assistant.next");
  wait_page (assistant, "form");
  fill_form (assistant, user, PASSWORD);
  activate (assistant, "assistant.register");
  wait_page (assistant, "result");

  /* the password, shown this once, to copy, and a plain warning */
  page = ENLIST_RESULT_PAGE (enlist_signup_assistant_get_page_widget (assistant, "result"));
  address = g_strdup_printf ("%s@localhost", user);
  g_assert_cmpstr (enlist_result_page_get_address (page), ==, address);
  g_assert_true (enlist_result_page_get_password_shown (page));
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (page), GTK_TYPE_LABEL, PASSWORD));
  g_assert_nonnull (enlist_ui_test_find_label (GTK_WIDGET (page), "saved nowhere else"));
  g_assert_false (shown (enlist_ui_test_find (GTK_WIDGET (page), GTK_TYPE_LABEL,
                                              "Saved in your keyring")));
  copy_button = enlist_ui_test_find (GTK_WIDGET (page), GTK_TYPE_BUTTON, "Copy Password");
  g_assert_nonnull (copy_button);
  g_assert_true (gtk_widget_is_visible (copy_button));
  /* Enter copies the password before anything closes */
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (assistant)) == copy_button);
  shot = enlist_ui_test_screenshot (GTK_WIDGET (assistant), "assistant-result-unsaved");

  gtk_widget_activate_default (GTK_WIDGET (assistant));
  enlist_ui_test_wait_until (default_is_done, page, 10000, "the password to be copied");
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (page)), NULL,
                                 read_text_cb, &copied);
  enlist_ui_test_wait_until (string_set, &copied, 10000, "the clipboard");
  g_assert_cmpstr (copied, ==, PASSWORD);
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (assistant)) ==
                 enlist_ui_test_find (GTK_WIDGET (page), GTK_TYPE_BUTTON, "Done"));

  /* the account works with it */
  login = enlist_registration_new ("localhost");
  enlist_registration_set_endpoint (login, "127.0.0.1", port, FALSE);
  g_assert_true (enlist_registration_set_ca_file (login, g_getenv ("ENLIST_TEST_CA"), NULL));
  enlist_registration_login_async (login, user, PASSWORD, NULL, enlist_test_store_result, &result);
  info = enlist_registration_login_finish (login, enlist_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);

  activate (assistant, "assistant.done");
  enlist_ui_test_wait_until (toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "Done to close the assistant");
  enlist_ui_test_remove_dir (dir);
}

/* ---- xmpp: links and invitations ------------------------------------------ */

typedef struct
{
  char *dir;
  char *address;
} LinkRun;

static void
links_body (EnlistApplication *app,
            gpointer           user_data)
{
  LinkRun *run = user_data;
  g_autoptr(GFile) link = g_file_new_for_uri ("xmpp:localhost?register");
  g_autofree char *invite = NULL;
  g_autofree char *user = random_user ("invited");
  g_autofree char *shot = NULL;
  g_autoptr(GError) error = NULL;
  EnlistSignupAssistant *assistant;
  EnlistServerPage *server;

  /* a plain request to register opens the assistant at the form, on the
   * demo endpoint of its domain */
  g_application_open (G_APPLICATION (app), &link, 1, "");
  assistant = wait_assistant ();
  wait_page (assistant, "form");
  server = server_page_of (assistant);
  g_assert_cmpstr (enlist_server_page_get_domain (server), ==, "localhost");
  g_assert_cmpstr (enlist_server_page_get_host (server), ==, "127.0.0.1");
  g_assert_cmpuint (enlist_server_page_get_port (server), ==, port_of ("prosody"));
  g_assert_null (enlist_server_page_get_invite (server));
  g_assert_nonnull (enlist_form_view_get_field_widget (view_of (assistant), "username"));
  /* Back shows where it came from */
  activate (assistant, "assistant.back");
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "server");
  g_assert_cmpstr (server_text (assistant), ==, "localhost");
  /* the first page: nothing before it */
  g_assert_false (gtk_widget_get_visible (enlist_ui_test_find (GTK_WIDGET (assistant),
                                                               GTK_TYPE_BUTTON, "Back")));

  /* an invitation pasted into the server entry: its server, and the token
   * out of sight */
  invite = enlist_test_servers_invite (servers);
  type_text (enlist_server_page_get_server_row (server), invite);
  g_assert_cmpstr (server_text (assistant), ==, enlist_test_servers_get_invite_domain (servers));
  g_assert_cmpstr (enlist_server_page_get_invite (server), ==, invite);
  g_assert_nonnull (enlist_ui_test_find_label (GTK_WIDGET (server),
                                               "An invitation to create an account on"));
  {
    g_autofree char *port_text = g_strdup_printf ("%u", port_of ("prosody"));

    type_text (enlist_ui_test_find (GTK_WIDGET (server), ADW_TYPE_ENTRY_ROW, "Host"), "127.0.0.1");
    type_text (enlist_ui_test_find (GTK_WIDGET (server), ADW_TYPE_ENTRY_ROW, "Port"), port_text);
  }
  g_assert_cmpstr (enlist_server_page_get_invite (server), ==, invite);
  shot = enlist_ui_test_screenshot (GTK_WIDGET (assistant), "assistant-server-invitation");
  activate (assistant, "assistant.next");
  wait_page (assistant, "form");
  fill_form (assistant, user, PASSWORD);
  activate (assistant, "assistant.register");
  wait_page (assistant, "result");
  run->address = g_strdup_printf ("%s@%s", user, enlist_test_servers_get_invite_domain (servers));
  g_assert_cmpstr (enlist_result_page_get_address (ENLIST_RESULT_PAGE (
                     enlist_signup_assistant_get_page_widget (assistant, "result"))), ==,
                   run->address);
  g_assert_true (enlist_ui_test_login (servers, "prosody", run->address, PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_true (enlist_ui_test_has_record (run->dir, run->address));
  activate (assistant, "assistant.done");
  enlist_ui_test_wait_until (toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "Done to close the assistant");

  /* a link that is no request to register is explained, not followed */
  {
    g_autoptr(GFile) bad = g_file_new_for_uri ("xmpp:localhost?register;preauth=a%00b");

    g_application_open (G_APPLICATION (app), &bad, 1, "");
    assistant = wait_assistant ();
    g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "server");
    g_assert_true (enlist_server_page_get_has_error (server_page_of (assistant)));
    close_assistant (assistant);
  }
}

static void
test_links (void)
{
  g_auto(GStrv) options = demo_options ();
  LinkRun run = { make_data_dir (), NULL };

  g_assert_cmpint (enlist_ui_test_app_run (run.dir, enlist_test_servers_get_ca_file (servers),
                                           (const char * const *) options, links_body, &run),
                   ==, 0);
  g_assert_nonnull (run.address);
  enlist_ui_test_clear_keyring (run.address);
  enlist_ui_test_remove_dir (run.dir);
  g_free (run.dir);
  g_free (run.address);
}

/* ---- Back keeps what was typed; closing asks ------------------------------- */

static void
test_back_and_close (void)
{
  g_autofree char *dir = make_data_dir ();
  g_autoptr(EnlistAccountManager) manager = new_manager (dir,
                                                         enlist_test_servers_get_ca_file (servers));
  g_autoptr(EnlistProviderList) providers = demo_providers ();
  g_autofree char *shot = NULL;
  EnlistSignupAssistant *assistant;
  EnlistRegistration *registration;
  EnlistFormView *view;
  GtkWindow *dialog;

  assistant = new_assistant (manager, providers);
  g_object_add_weak_pointer (G_OBJECT (assistant), (gpointer *) &assistant);
  choose_suggestion (assistant, "local", 0);
  activate (assistant, "assistant.next");
  wait_page (assistant, "form");
  view = view_of (assistant);
  registration = enlist_signup_assistant_get_registration (assistant);
  type_text (field_entry (assistant, "username"), "keep-me");
  type_text (enlist_password_rows_get_password_row (password_rows_of (assistant)), "half typed");

  /* Back (Alt+Left's action) and Next: the same form, as it was */
  activate (assistant, "assistant.back");
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "server");
  g_assert_cmpstr (server_text (assistant), ==, "localhost");
  g_assert_true (action_enabled (assistant, "assistant.next"));
  activate (assistant, "assistant.next");
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "form");
  g_assert_true (enlist_signup_assistant_get_registration (assistant) == registration);
  g_assert_true (view_of (assistant) == view);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field_entry (assistant, "username"))),
                   ==, "keep-me");
  g_assert_cmpstr (enlist_password_rows_get_password (password_rows_of (assistant)), ==,
                   "half typed");

  /* closing a filled form asks; Keep Editing keeps it */
  g_object_add_weak_pointer (G_OBJECT (registration), (gpointer *) &registration);
  gtk_window_close (GTK_WINDOW (assistant));
  enlist_ui_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 10000,
                             "the question before closing");
  dialog = enlist_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (assistant));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Discard the New Account?");
  shot = enlist_ui_test_screenshot (GTK_WIDGET (dialog), "assistant-close-question");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  enlist_ui_test_wait_until (toplevel_gone, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 10000,
                             "the question to go");
  g_assert_nonnull (assistant);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (assistant)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field_entry (assistant, "username"))),
                   ==, "keep-me");

  /* Escape's action asks again; Discard closes, and the registration goes */
  activate (assistant, "assistant.cancel");
  enlist_ui_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 10000,
                             "the question before closing, again");
  dialog = enlist_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  enlist_ui_test_wait_until (toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "the assistant to close");
  enlist_ui_test_wait_until (pointer_cleared, &assistant, 10000, "the assistant to be finalized");
  enlist_ui_test_wait_until (pointer_cleared, &registration, WAIT_MS,
                             "the registration to be finalized");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);

  enlist_test_finalize (g_steal_pointer (&manager));
  enlist_ui_test_remove_dir (dir);
}

/* ---- the keyboard alone ----------------------------------------------------- */

/* Real key presses, through the X server (XTEST), to the window with the
 * keyboard focus: what a person at the keyboard does. */
static void
xdotool (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = -1;

  g_ptr_array_add (argv, (char *) "xdotool");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  /* missing xdotool is a failure, not a skip */
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("xdotool %s: %s (%s)", args[0], error->message, err);
  /* the events reach GTK through the X server: a round trip brings all of
   * them in, then they are handled */
  gdk_display_sync (gdk_display_get_default ());
  for (guint i = 0; i < 3; i++)
    {
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
      enlist_ui_test_iterate (20);
    }
}

static void
press (const char *keys)
{
  const char *args[] = { "key", "--clearmodifiers", keys, NULL };

  xdotool (args);
}

static void
type_keys (const char *text)
{
  const char *args[] = { "type", "--delay", "10", "--clearmodifiers", text, NULL };

  xdotool (args);
}

static gboolean
window_active (gpointer data)
{
  return gtk_window_is_active (GTK_WINDOW (data));
}

static GtkWidget *
focus_of (EnlistSignupAssistant *assistant)
{
  return gtk_window_get_focus (GTK_WINDOW (assistant));
}

static gboolean
focus_in (EnlistSignupAssistant *assistant,
          GtkWidget             *widget)
{
  GtkWidget *focus = focus_of (assistant);

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}


static void
keyboard_body (EnlistApplication *app,
               gpointer           user_data)
{
  AppRun *run = user_data;
  EnlistWindow *window = enlist_ui_test_app_window (app);
  EnlistSignupAssistant *assistant;
  EnlistServerPage *server;
  EnlistServerSuggestions *suggestions;
  EnlistPasswordRows *rows;
  g_autoptr(GError) error = NULL;
  g_autofree char *second_user = g_strconcat (run->user, "e", NULL);
  gpointer listed[2] = { run, app };

  enlist_ui_test_wait_until (window_active, window, 10000, "the main window to have the keyboard");

  /* Ctrl+N */
  press ("ctrl+n");
  assistant = wait_assistant ();
  enlist_ui_test_wait_until (window_active, assistant, 10000,
                             "the assistant to have the keyboard");
  server = server_page_of (assistant);
  g_assert_true (focus_in (assistant, enlist_server_page_get_server_row (server)));

  /* typing shows the suggestions; Down, Down picks the ejabberd demo,
   * Up goes back to Prosody; Enter takes it */
  suggestions = ENLIST_SERVER_SUGGESTIONS (enlist_server_page_get_suggestions (server));
  type_keys ("local");
  g_assert_cmpstr (server_text (assistant), ==, "local");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (suggestions)));
  press ("Down");
  press ("Down");
  press ("Up");
  {
    g_autoptr(EnlistProvider) selected = enlist_server_suggestions_get_selected (suggestions);

    g_assert_nonnull (selected);
    g_assert_cmpstr (enlist_provider_get_label (selected), ==, "Prosody (demo)");
  }
  press ("Return");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (suggestions)));
  g_assert_cmpuint (enlist_server_page_get_port (server), ==, port_of ("prosody"));
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "server");

  /* Enter again: Next */
  press ("Return");
  wait_page (assistant, "form");
  g_assert_true (focus_in (assistant, field_entry (assistant, "username")));

  /* Alt+Left goes back, Enter comes to the same form again */
  type_keys ("kb");
  press ("alt+Left");
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "server");
  g_assert_true (focus_in (assistant, enlist_server_page_get_server_row (server)));
  press ("Return");
  /* (a button activated by the keyboard shows its press for a moment) */
  wait_page (assistant, "form");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field_entry (assistant, "username"))), ==,
                   "kb");

  /* the name, Enter, the password, Enter, again, Enter: registered */
  /* the first empty field has the focus (the password): Shift+Tab up to
   * the name, which Ctrl+A selects to be typed over */
  g_assert_true (focus_in (assistant,
                           enlist_password_rows_get_password_row (password_rows_of (assistant))));
  for (guint i = 0; i < 8 && !focus_in (assistant, field_entry (assistant, "username")); i++)
    press ("shift+Tab");
  g_assert_true (focus_in (assistant, field_entry (assistant, "username")));
  press ("ctrl+a");
  type_keys (run->user);
  press ("Return");
  rows = password_rows_of (assistant);
  g_assert_true (focus_in (assistant, enlist_password_rows_get_password_row (rows)));
  type_keys (PASSWORD);
  press ("Return");
  g_assert_true (focus_in (assistant, enlist_password_rows_get_confirm_row (rows)));
  type_keys (PASSWORD);
  g_assert_true (enlist_password_rows_get_matches (rows));
  g_assert_cmpint (enlist_signup_assistant_get_state (assistant), ==, ENLIST_PAGE_STATE_READY);
  press ("Return");
  wait_page (assistant, "result");
  run->address = g_strdup_printf ("%s@localhost", run->user);
  g_assert_cmpstr (enlist_result_page_get_address (ENLIST_RESULT_PAGE (
                     enlist_signup_assistant_get_page_widget (assistant, "result"))), ==,
                   run->address);

  /* Enter: Done */
  press ("Return");
  enlist_ui_test_wait_until (toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "Enter on Done to close the assistant");
  enlist_ui_test_wait_until (row_listed, listed, 10000, "the new account in the main window");
  g_assert_true (enlist_ui_test_login (servers, "prosody", run->address, PASSWORD, &error));
  g_assert_no_error (error);

  /* ejabberd with its CAPTCHA, the same way: Enter goes from field to
   * field, through the CAPTCHA's answer, and then registers */
  press ("ctrl+n");
  assistant = wait_assistant ();
  enlist_ui_test_wait_until (window_active, assistant, 10000,
                             "the assistant to have the keyboard again");
  server = server_page_of (assistant);
  type_keys ("local");
  press ("Down");
  press ("Down");
  press ("Return");
  g_assert_cmpuint (enlist_server_page_get_port (server), ==, port_of ("ejabberd"));
  press ("Return");
  wait_page (assistant, "form");
  enlist_ui_test_wait_until (captcha_shown, assistant, WAIT_MS, "the CAPTCHA image");
  g_assert_true (focus_in (assistant, field_entry (assistant, "username")));
  type_keys (second_user);
  press ("Return");
  type_keys (PASSWORD);
  press ("Return");
  type_keys (PASSWORD);
  press ("Return");
  g_assert_true (focus_in (assistant, field_entry (assistant, captcha_var (assistant))));
  {
    g_autofree char *answer = captcha_answer (assistant);

    type_keys (answer);
  }
  press ("Return");
  wait_page (assistant, "result");
  {
    g_autofree char *address = g_strdup_printf ("%s@localhost", second_user);

    g_assert_cmpstr (enlist_result_page_get_address (ENLIST_RESULT_PAGE (
                       enlist_signup_assistant_get_page_widget (assistant, "result"))), ==,
                     address);
    g_assert_true (enlist_ui_test_login (servers, "ejabberd", address, PASSWORD, &error));
    g_assert_no_error (error);
    enlist_ui_test_clear_keyring (address);
  }
  press ("Return");
  enlist_ui_test_wait_until (toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "Enter on Done to close the assistant");

  /* Ctrl+N, then Escape: closed, nothing asked */
  press ("ctrl+n");
  assistant = wait_assistant ();
  enlist_ui_test_wait_until (window_active, assistant, 10000,
                             "the assistant to have the keyboard again");
  press ("Escape");
  enlist_ui_test_wait_until (toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "Escape to close the assistant");
}

static void
test_keyboard (void)
{
  g_auto(GStrv) options = demo_options ();
  AppRun run = { make_data_dir (), random_user ("keys"), NULL };

  g_assert_cmpint (enlist_ui_test_app_run (run.dir, enlist_test_servers_get_ca_file (servers),
                                           (const char * const *) options, keyboard_body, &run),
                   ==, 0);
  g_assert_nonnull (run.address);
  enlist_ui_test_clear_keyring (run.address);
  enlist_ui_test_remove_dir (run.dir);
  g_free (run.dir);
  g_free (run.user);
  g_free (run.address);
}

/* ---- main --------------------------------------------------------------- */

int
main (int    argc,
      char **argv)
{
  int status;

  /* The keyring test's subprocess: no session bus at all, for GTK as for
   * libsecret (either keeps the first connection for the process's life). */
  if (g_getenv ("ENLIST_TEST_NO_SESSION_BUS") != NULL)
    {
      g_autofree char *nowhere = g_build_filename (g_get_tmp_dir (), "enlist-no-such-bus", NULL);
      g_autofree char *bus = g_strdup_printf ("unix:path=%s", nowhere);

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", bus, TRUE);
      g_unsetenv ("ENLIST_TEST_NO_SESSION_BUS");
      /* the accessibility bus is reached through the session bus */
      g_setenv ("GTK_A11Y", "none", TRUE);
    }
  enlist_ui_test_init (&argc, &argv);

  g_test_add_func ("/signup-assistant/prosody", test_prosody);
  g_test_add_func ("/signup-assistant/ejabberd-captcha", test_ejabberd);
  g_test_add_func ("/signup-assistant/certificate", test_certificate);
  g_test_add_func ("/signup-assistant/cancel-connecting", test_cancel);
  g_test_add_func ("/signup-assistant/web-only", test_web_only);
  g_test_add_func ("/signup-assistant/keyring-refused", test_keyring_refused);
  g_test_add_func ("/signup-assistant/links", test_links);
  g_test_add_func ("/signup-assistant/back-and-close", test_back_and_close);
  g_test_add_func ("/signup-assistant/keyboard", test_keyboard);

  /* A subprocess is given the servers' coordinates by its parent. */
  if (!g_test_subprocess ())
    servers = enlist_test_servers_start (TRUE, TRUE);
  status = g_test_run ();
  if (servers != NULL)
    enlist_test_servers_stop (servers);
  return status;
}
