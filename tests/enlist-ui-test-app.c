/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-ui-test-app.c: the application and its accounts in UI tests. */
#define G_LOG_DOMAIN "enlist-ui-test"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "enlist-account-file.h"
#include "enlist-account-manager.h"
#include "enlist-test-utils.h"
#include "enlist-ui-test-app.h"
#include "enlist-ui-test-utils.h"

/* ---- data directories --------------------------------------------------- */

char *
enlist_ui_test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("enlist-ui-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
enlist_ui_test_remove_dir (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_remove (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      enlist_ui_test_remove_dir (child);
    }
  g_dir_close (dir);
  g_rmdir (path);
}

/* ---- the application ---------------------------------------------------- */

static gboolean
app_loaded (gpointer data)
{
  return !enlist_application_get_loading (ENLIST_APPLICATION (data));
}

typedef struct
{
  EnlistUiTestAppFunc func;
  gpointer            user_data;
  gboolean            ran;
} Run;

static void
close_everything (void)
{
  GList *toplevels = gtk_window_list_toplevels ();

  /* the main window and whatever a test left open over it; destroying one
   * can destroy others (destroy-with-parent), hence the references */
  for (GList *l = toplevels; l != NULL; l = l->next)
    g_object_ref (l->data);
  for (GList *l = toplevels; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  g_list_free_full (toplevels, g_object_unref);
}

/* After the application's own handler: the main window is there. The
 * test runs in here, iterating the main context itself as a modal loop
 * would. */
static void
activated_cb (EnlistApplication *app,
              Run               *run)
{
  EnlistWindow *window;

  if (run->ran)
    return;
  run->ran = TRUE;
  g_assert_false (g_application_get_is_remote (G_APPLICATION (app)));
  g_assert_nonnull (enlist_application_get_account_manager (app));

  window = enlist_ui_test_app_window (app);
  enlist_ui_test_show (GTK_WINDOW (window));
  enlist_ui_test_wait_until (app_loaded, app, 20000, "the accounts to be loaded");
  enlist_ui_test_wait_draw (GTK_WIDGET (window));

  run->func (app, run->user_data);

  close_everything ();
  g_application_quit (G_APPLICATION (app));
}

int
enlist_ui_test_app_run (const char          *data_dir,
                        const char          *ca_file,
                        const char * const  *argv,
                        EnlistUiTestAppFunc  func,
                        gpointer             user_data)
{
  EnlistApplication *app = enlist_application_new ();
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  Run run = { func, user_data, FALSE };
  int status;

  g_ptr_array_add (args, (char *) "enlist");
  for (guint i = 0; argv != NULL && argv[i] != NULL; i++)
    g_ptr_array_add (args, (char *) argv[i]);
  g_ptr_array_add (args, NULL);

  enlist_application_set_data_dir (app, data_dir);
  enlist_application_set_ca_file (app, ca_file);
  g_signal_connect_after (app, "activate", G_CALLBACK (activated_cb), &run);
  status = g_application_run (G_APPLICATION (app), args->len - 1, (char **) args->pdata);
  if (status == 0)
    g_assert_true (run.ran);

  /* what the windows were still waiting for lets go of the application */
  enlist_ui_test_iterate (50);
  enlist_test_finalize (app);
  return status;
}

EnlistWindow *
enlist_ui_test_app_window (EnlistApplication *app)
{
  GtkWindow *window = enlist_application_get_main_window (app);

  g_assert_nonnull (window);
  return ENLIST_WINDOW (window);
}

/* ---- accounts on the servers -------------------------------------------- */

static guint16
starttls_port (EnlistTestServers *servers,
               const char        *server)
{
  return enlist_test_servers_get_port (servers, server, FALSE);
}

char *
enlist_ui_test_register (EnlistTestServers *servers,
                         const char        *data_dir,
                         const char        *server,
                         const char        *prefix,
                         const char        *password)
{
  g_autoptr(EnlistAccountManager) manager = enlist_account_manager_new (data_dir, NULL, NULL);
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(EnlistAccount) account = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user = g_strdup_printf ("%s%u", prefix, g_random_int_range (0, 100000000));
  gboolean saved = FALSE;

  g_assert_true (enlist_account_manager_set_ca_file (manager,
                                                     enlist_test_servers_get_ca_file (servers),
                                                     &error));
  g_assert_no_error (error);
  enlist_account_manager_load_async (manager, NULL, enlist_test_store_result, &result);
  g_assert_true (enlist_account_manager_load_finish (manager, enlist_test_wait_for (&result),
                                                     &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  registration = enlist_account_manager_create_registration (
    manager, enlist_test_servers_get_domain (servers), "127.0.0.1",
    starttls_port (servers, server), FALSE);
  enlist_registration_fetch_form_async (registration, NULL, enlist_test_store_result, &result);
  form = enlist_registration_fetch_form_finish (registration, enlist_test_wait_for (&result),
                                                &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  enlist_form_field_set_value (enlist_data_form_lookup_field (form, "username"), user);
  enlist_form_field_set_value (enlist_data_form_lookup_field (form, "password"), password);

  enlist_account_manager_register_async (manager, registration, form, NULL,
                                         enlist_test_store_result, &result);
  credentials = enlist_account_manager_register_finish (manager, enlist_test_wait_for (&result),
                                                        &saved, &account, &error);
  g_assert_no_error (error);
  g_assert_true (saved);
  g_assert_nonnull (account);
  g_clear_object (&result);

  g_clear_object (&registration);
  g_clear_object (&account);
  enlist_test_finalize (g_steal_pointer (&manager));
  return g_strdup (enlist_credentials_get_address (credentials));
}

gboolean
enlist_ui_test_login (EnlistTestServers *servers,
                      const char        *server,
                      const char        *address,
                      const char        *password,
                      GError           **error)
{
  const char *at = strchr (address, '@');
  g_autofree char *user = NULL;
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(EnlistServerInfo) info = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  g_assert_nonnull (at);
  user = g_strndup (address, at - address);
  registration = enlist_registration_new (at + 1);
  enlist_registration_set_endpoint (registration, "127.0.0.1", starttls_port (servers, server),
                                    FALSE);
  g_assert_true (enlist_registration_set_ca_file (registration,
                                                  enlist_test_servers_get_ca_file (servers),
                                                  NULL));
  enlist_registration_login_async (registration, user, password, NULL, enlist_test_store_result,
                                   &result);
  info = enlist_registration_login_finish (registration, enlist_test_wait_for (&result), error);
  return info != NULL;
}

/* ---- the keyring and the account file, seen from outside ---------------- */

static GKeyFile *
load_records (const char *data_dir,
              char      **path_out)
{
  g_autofree char *path = g_build_filename (data_dir, ENLIST_ACCOUNT_FILE_NAME, NULL);
  GKeyFile *key_file = g_key_file_new ();

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_KEEP_COMMENTS, NULL))
    g_key_file_set_integer (key_file, "enlist", "version", 1);
  if (path_out != NULL)
    *path_out = g_steal_pointer (&path);
  return key_file;
}

gboolean
enlist_ui_test_has_record (const char *data_dir,
                           const char *address)
{
  g_autoptr(GKeyFile) key_file = load_records (data_dir, NULL);
  g_auto(GStrv) groups = g_key_file_get_groups (key_file, NULL);

  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autofree char *value = g_key_file_get_string (key_file, groups[i], "address", NULL);

      if (g_strcmp0 (value, address) == 0)
        return TRUE;
    }
  return FALSE;
}

void
enlist_ui_test_add_record (const char *data_dir,
                           const char *address,
                           guint16     port,
                           const char *state)
{
  g_autofree char *path = NULL;
  g_autoptr(GKeyFile) key_file = load_records (data_dir, &path);
  g_autoptr(GError) error = NULL;

  g_key_file_set_string (key_file, address, "address", address);
  g_key_file_set_string (key_file, address, "domain", strchr (address, '@') + 1);
  g_key_file_set_string (key_file, address, "host", "127.0.0.1");
  g_key_file_set_integer (key_file, address, "port", port);
  g_key_file_set_boolean (key_file, address, "direct-tls", FALSE);
  g_key_file_set_string (key_file, address, "created", "2026-12-02T11:24:05Z");
  g_key_file_set_string (key_file, address, "state", state);
  g_assert_true (g_key_file_save_to_file (key_file, path, &error));
  g_assert_no_error (error);
}

/* ---- widgets ------------------------------------------------------------ */

static void
clicked_cb (GtkButton *button,
            gboolean  *clicked)
{
  *clicked = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

void
enlist_ui_test_click (GtkWidget *button)
{
  gboolean clicked = FALSE;
  gulong handler;

  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  /* a dialog's button may go with its dialog when clicked */
  g_object_ref (button);
  /* "clicked" runs its class handler (the button's action) first */
  handler = g_signal_connect (button, "clicked", G_CALLBACK (clicked_cb), &clicked);
  g_assert_true (gtk_widget_activate (button));
  enlist_ui_test_wait_until (flag_set, &clicked, 5000, "the button to be clicked");
  g_signal_handler_disconnect (button, handler);
  g_object_unref (button);
}

GtkWidget *
enlist_ui_test_find_row (EnlistWindow *window,
                         const char   *address)
{
  return enlist_ui_test_find (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW, address);
}

GtkWindow *
enlist_ui_test_find_toplevel (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (g_type_is_a (G_OBJECT_TYPE (l->data), type) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

GtkLabel *
enlist_ui_test_find_label (GtkWidget  *root,
                           const char *part)
{
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_text (GTK_LABEL (root)), part) != NULL)
    return GTK_LABEL (root);

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = enlist_ui_test_find_label (child, part);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
append_items (GString    *out,
              GMenuModel *menu)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);
      g_autofree char *label = NULL;
      g_autofree char *action = NULL;

      if (section != NULL)
        {
          append_items (out, section);
          continue;
        }
      g_assert_true (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s",
                                                      &label));
      g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &action);
      if (out->len > 0)
        g_string_append_c (out, '|');
      for (const char *p = label; *p != '\0'; p++)
        if (*p != '_')
          g_string_append_c (out, *p);
      g_string_append_printf (out, "=%s", action != NULL ? action : "");
    }
}

char *
enlist_ui_test_menu_items (GMenuModel *menu)
{
  GString *out = g_string_new ("");

  append_items (out, menu);
  return g_string_free (out, FALSE);
}
