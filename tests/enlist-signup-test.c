/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-signup-test.c: helpers for the sign-up assistant's tests. */
#define G_LOG_DOMAIN "enlist-signup-test"

#include "config.h"

#include <string.h>
#include <libsecret/secret.h>

#include "enlist-application.h"
#include "enlist-server-suggestions.h"
#include "enlist-signup-test.h"
#include "enlist-test-utils.h"
#include "enlist-ui-test-app.h"
#include "enlist-ui-test-utils.h"

EnlistTestServers *signup_servers;

/* ---- set-up --------------------------------------------------------------- */

/* A data directory of its own under the keyring session's XDG_DATA_HOME. */
char *
signup_make_data_dir (void)
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

char *
signup_random_user (const char *prefix)
{
  return g_strdup_printf ("%s%u", prefix, g_random_int_range (0, 100000000));
}

guint16
signup_port_of (const char *server)
{
  return enlist_test_servers_get_port (signup_servers, server, FALSE);
}

/* The --demo-server values tools/run gives the application. */
GStrv
signup_demo_options (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *prosody = g_strdup_printf ("Prosody (demo)=%s,127.0.0.1,%u",
                                              enlist_test_servers_get_domain (signup_servers),
                                              signup_port_of ("prosody"));
  g_autofree char *ejabberd = g_strdup_printf ("ejabberd with CAPTCHA (demo)=%s,127.0.0.1,%u",
                                               enlist_test_servers_get_domain (signup_servers),
                                               signup_port_of ("ejabberd"));
  const char *nocaptcha_domain = enlist_test_servers_get_nocaptcha_domain (signup_servers);
  g_autofree char *nocaptcha = g_strdup_printf ("ejabberd without CAPTCHA (demo)=%s,127.0.0.1,%u",
                                                nocaptcha_domain, signup_port_of ("ejabberd"));

  g_strv_builder_add_many (builder, "--demo-server", prosody, "--demo-server", ejabberd,
                           "--demo-server", nocaptcha, NULL);
  return g_strv_builder_end (builder);
}

/* The application's provider list for an assistant on its own: the
 * bundled providers and the demo servers. */
EnlistProviderList *
signup_demo_providers (void)
{
  g_auto(GStrv) options = signup_demo_options ();
  EnlistProviderList *providers = enlist_provider_list_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (enlist_provider_list_load_bundled (providers, &error));
  g_assert_no_error (error);
  for (guint i = 1; options[i] != NULL; i += 2)
    {
      g_autoptr(EnlistProvider) provider = NULL;

      provider = enlist_application_parse_demo_server (options[i], &error);

      g_assert_no_error (error);
      enlist_provider_list_add_demo (providers, provider);
    }
  return providers;
}

EnlistAccountManager *
signup_new_manager (const char *dir,
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
} SignupPageWait;

static gboolean
signup_on_page (gpointer data)
{
  SignupPageWait *wait = data;

  return g_str_equal (enlist_signup_assistant_get_page (wait->assistant), wait->page);
}

EnlistServerPage *
signup_server_page_of (EnlistSignupAssistant *assistant)
{
  return ENLIST_SERVER_PAGE (enlist_signup_assistant_get_page_widget (assistant, "server"));
}

EnlistFormPage *
signup_form_page_of (EnlistSignupAssistant *assistant)
{
  return ENLIST_FORM_PAGE (enlist_signup_assistant_get_page_widget (assistant, "form"));
}

EnlistFormView *
signup_view_of (EnlistSignupAssistant *assistant)
{
  EnlistFormView *view = enlist_form_page_get_view (signup_form_page_of (assistant));

  g_assert_nonnull (view);
  return view;
}

gboolean
signup_not_busy (gpointer data)
{
  return enlist_signup_assistant_get_state (data) != ENLIST_PAGE_STATE_BUSY;
}

/* Waits for page; a server page with an error instead fails the test
 * with that error. */
void
signup_wait_page (EnlistSignupAssistant *assistant,
                  const char            *page)
{
  SignupPageWait wait = { assistant, page };
  g_autofree char *what = g_strdup_printf ("the %s page", page);
  gint64 deadline = g_get_monotonic_time () + SIGNUP_WAIT_MS * G_TIME_SPAN_MILLISECOND;

  while (!signup_on_page (&wait))
    {
      g_autofree char *error = enlist_server_page_dup_error (signup_server_page_of (assistant));

      if (g_str_equal (enlist_signup_assistant_get_page (assistant), "server") && error != NULL &&
          !g_str_equal (page, "server"))
        g_error ("waiting for %s, the server page says: %s", what, error);
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for %s (on the %s page)", what,
                 enlist_signup_assistant_get_page (assistant));
      enlist_ui_test_iterate (10);
    }
  /* whatever the page started (a CAPTCHA) is done */
  enlist_ui_test_wait_until (signup_not_busy, assistant, SIGNUP_WAIT_MS, what);
  enlist_ui_test_wait_draw (GTK_WIDGET (assistant));
}

void
signup_activate (EnlistSignupAssistant *assistant,
                 const char            *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (assistant), action, NULL));
}

/* What a button bound to the action shows: it is on or off with it. */
gboolean
signup_action_enabled (EnlistSignupAssistant *assistant,
                       const char            *action)
{
  GtkWidget *button = NULL;

  if (g_str_equal (action, "assistant.next"))
    button = enlist_server_page_get_default_widget (signup_server_page_of (assistant));
  else if (g_str_equal (action, "assistant.register"))
    button = enlist_form_page_get_default_widget (signup_form_page_of (assistant));
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, action);
  return gtk_widget_get_sensitive (button);
}

void
signup_type_text (GtkWidget  *editable,
                  const char *text)
{
  g_assert_true (GTK_IS_EDITABLE (editable));
  gtk_widget_grab_focus (editable);
  gtk_editable_set_text (GTK_EDITABLE (editable), text);
}

const char *
signup_text_of (GtkWidget *editable)
{
  return gtk_editable_get_text (GTK_EDITABLE (editable));
}

/* What the server entry says. */
const char *
signup_server_text (EnlistSignupAssistant *assistant)
{
  return signup_text_of (enlist_server_page_get_server_row (signup_server_page_of (assistant)));
}

/* Found and visible. */
gboolean
signup_shown (GtkWidget *widget)
{
  return widget != NULL && gtk_widget_is_visible (widget);
}

GtkWidget *
signup_field_entry (EnlistSignupAssistant *assistant,
                    const char            *var)
{
  GtkWidget *widget = enlist_form_view_get_field_widget (signup_view_of (assistant), var);

  g_assert_nonnull (widget);
  g_assert_true (GTK_IS_EDITABLE (widget));
  return widget;
}

EnlistPasswordRows *
signup_password_rows_of (EnlistSignupAssistant *assistant)
{
  EnlistPasswordRows *rows = enlist_form_view_get_password_rows (signup_view_of (assistant));

  g_assert_nonnull (rows);
  return rows;
}

/* The answer ejabberd expects for the CAPTCHA of the form shown, from the
 * test servers' answer files. */
char *
signup_captcha_answer (EnlistSignupAssistant *assistant)
{
  EnlistDataForm *form = enlist_form_page_get_form (signup_form_page_of (assistant));
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
  answer = enlist_test_servers_captcha_answer (signup_servers, sha1);
  g_assert_nonnull (answer);
  return answer;
}

const char *
signup_captcha_var (EnlistSignupAssistant *assistant)
{
  EnlistDataForm *form = enlist_form_page_get_form (signup_form_page_of (assistant));

  return enlist_form_field_get_var (enlist_data_form_get_captcha_field (form));
}

/* Fills in the form shown as a person would: name, password twice, and
 * the CAPTCHA when there is one. */
void
signup_fill_form (EnlistSignupAssistant *assistant,
                  const char            *user,
                  const char            *password)
{
  EnlistPasswordRows *rows = signup_password_rows_of (assistant);
  EnlistDataForm *form = enlist_form_page_get_form (signup_form_page_of (assistant));

  signup_type_text (signup_field_entry (assistant, "username"), user);
  signup_type_text (enlist_password_rows_get_password_row (rows), password);
  signup_type_text (enlist_password_rows_get_confirm_row (rows), password);
  if (enlist_data_form_is_captcha (form))
    {
      g_autofree char *answer = signup_captcha_answer (assistant);

      signup_type_text (signup_field_entry (assistant, signup_captcha_var (assistant)), answer);
    }
}

/* Types text into the server entry and takes the index-th suggestion the
 * way the keyboard does: Down index + 1 times, then Enter. */
void
signup_choose_suggestion (EnlistSignupAssistant *assistant,
                          const char            *text,
                          guint                  index)
{
  EnlistServerPage *page = signup_server_page_of (assistant);
  EnlistServerSuggestions *suggestions =
    ENLIST_SERVER_SUGGESTIONS (enlist_server_page_get_suggestions (page));

  signup_type_text (enlist_server_page_get_server_row (page), text);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (suggestions)));
  for (guint i = 0; i <= index; i++)
    g_assert_true (enlist_server_suggestions_move (suggestions, TRUE));
  g_assert_true (enlist_server_suggestions_choose (suggestions));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (suggestions)));
}

EnlistSignupAssistant *
signup_new_assistant (EnlistAccountManager *manager,
                      EnlistProviderList   *providers)
{
  EnlistSignupAssistant *assistant = enlist_signup_assistant_new (manager, providers);

  enlist_ui_test_show (GTK_WINDOW (assistant));
  g_assert_cmpstr (enlist_signup_assistant_get_page (assistant), ==, "server");
  return assistant;
}

gboolean
signup_toplevel_gone (gpointer data)
{
  return enlist_ui_test_find_toplevel (GPOINTER_TO_SIZE (data)) == NULL;
}

gboolean
signup_toplevel_shown (gpointer data)
{
  GtkWindow *window = enlist_ui_test_find_toplevel (GPOINTER_TO_SIZE (data));

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

EnlistSignupAssistant *
signup_wait_assistant (void)
{
  GtkWindow *window;

  enlist_ui_test_wait_until (signup_toplevel_shown, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "the sign-up assistant");
  window = enlist_ui_test_find_toplevel (ENLIST_TYPE_SIGNUP_ASSISTANT);
  enlist_ui_test_wait_draw (GTK_WIDGET (window));
  return ENLIST_SIGNUP_ASSISTANT (window);
}

/* Closes an assistant that has nothing left to ask about. */
void
signup_close_assistant (EnlistSignupAssistant *assistant)
{
  gtk_window_close (GTK_WINDOW (assistant));
  enlist_ui_test_wait_until (signup_toplevel_gone, GSIZE_TO_POINTER (ENLIST_TYPE_SIGNUP_ASSISTANT),
                             10000, "the assistant to close");
}

/* The window with an open popover drawn over it where it shows on the
 * screen (a popover has a surface of its own, which the window's
 * rendering does not include). */
void
signup_screenshot_with_popover (GtkWidget  *window,
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
guint
signup_count_keyring_items (void)
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

gboolean
signup_captcha_shown (gpointer data)
{
  EnlistFormView *view = enlist_form_page_get_view (signup_form_page_of (data));
  EnlistCaptchaView *captcha = view != NULL ? enlist_form_view_get_captcha_view (view) : NULL;

  return captcha != NULL && enlist_captcha_view_get_state (captcha) == ENLIST_CAPTCHA_VIEW_IMAGE;
}

const char *
signup_captcha_uri (EnlistSignupAssistant *assistant)
{
  EnlistDataForm *form = enlist_form_page_get_form (signup_form_page_of (assistant));

  return enlist_form_field_get_media_uri (enlist_data_form_get_captcha_field (form), 0, NULL);
}

gboolean
signup_pointer_cleared (gpointer data)
{
  return *(gpointer *) data == NULL;
}

void
signup_type_endpoint (EnlistSignupAssistant *assistant,
                      const char            *domain,
                      guint16                port)
{
  EnlistServerPage *page = signup_server_page_of (assistant);
  g_autofree char *port_text = g_strdup_printf ("%u", port);

  signup_type_text (enlist_server_page_get_server_row (page), domain);
  signup_type_text (enlist_ui_test_find (GTK_WIDGET (page), ADW_TYPE_ENTRY_ROW, "Host"),
                    "127.0.0.1");
  signup_type_text (enlist_ui_test_find (GTK_WIDGET (page), ADW_TYPE_ENTRY_ROW, "Port"), port_text);
  g_assert_true (enlist_server_page_get_valid (page));
  g_assert_cmpuint (enlist_server_page_get_port (page), ==, port);
}
