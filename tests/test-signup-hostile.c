/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-signup-hostile.c: the sign-up assistant pointed at the in-process
 * fake server for what a hostile or broken server sends: a form whose
 * title, instructions and labels carry Pango markup, a right-to-left
 * override and 10,000 characters (shown literally, the window no wider),
 * with a 4,096 × 4,096 CAPTCHA image (shown, scaled down); a CAPTCHA whose
 * image does not decode (an error in place of the image, and the web
 * page still offered and opened); and a certificate for another name (the
 * certificate page, never a silent trust). */
#define G_LOG_DOMAIN "test-signup-hostile"

#include "config.h"

#include <string.h>

#include "enlist-captcha-view.h"
#include "enlist-certificate-page.h"
#include "enlist-fake-server.h"
#include "enlist-form-view.h"
#include "enlist-ns.h"
#include "enlist-signup-test.h"
#include "enlist-test-utils.h"
#include "enlist-ui-test-app.h"
#include "enlist-ui-test-utils.h"
#include "enlist-xml.h"

#define FALLBACK_URL "https://captcha.example.org/challenge?id=42&x=<b>"
#define MARKUP_TITLE "<b>Bold</b> & <span size='99999'>huge</span>"
#define RLO "\xe2\x80\xae"

typedef struct
{
  char  *query;   /* the <query/> answered to the form request */
  guint  n_gets;  /* form requests */
} Hostile;

static void
hostile_stanza_cb (EnlistFakeServer    *server,
                   const EnlistXmlNode *stanza,
                   gpointer             user_data)
{
  Hostile *hostile = user_data;
  g_autoptr(GString) out = g_string_new ("<iq type='result' id='");

  if (!enlist_xml_node_is (stanza, "iq", ENLIST_NS_CLIENT))
    return;
  enlist_xml_escape_attr (out, enlist_xml_node_get_attr (stanza, "id"));
  g_string_append (out, "'>");
  if (g_strcmp0 (enlist_xml_node_get_attr (stanza, "type"), "get") == 0 &&
      enlist_xml_node_get_child (stanza, "query", ENLIST_NS_REGISTER) != NULL)
    {
      hostile->n_gets++;
      g_string_append (out, hostile->query);
    }
  g_string_append (out, "</iq>");
  enlist_fake_server_send (server, out->str);
}

/* A PNG of width × height in one colour. */
static GBytes *
make_png (int width,
          int height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  char *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, 0x3060a0ff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL));
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, size);
}

/* A registration form with a CAPTCHA whose image is image (Bits of Binary,
 * inline as ejabberd sends it), the title, a label and the instructions
 * given, and the fallback page. */
static char *
hostile_query (GBytes     *image,
               const char *title,
               const char *label,
               const char *instructions)
{
  g_autoptr(GString) out = g_string_new ("<query xmlns='jabber:iq:register'>"
                                         "<x xmlns='jabber:x:data' type='form'><title>");
  g_autofree char *sha1 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA1, image);
  g_autofree char *cid = g_strdup_printf ("sha1+%s@bob.xmpp.org", sha1);
  g_autofree char *data = g_base64_encode (g_bytes_get_data (image, NULL),
                                           g_bytes_get_size (image));

  enlist_xml_escape_text (out, title, -1);
  g_string_append (out, "</title><instructions>");
  enlist_xml_escape_text (out, instructions, -1);
  g_string_append (out, "</instructions>"
                        "<field var='FORM_TYPE' type='hidden'><value>jabber:iq:register</value>"
                        "</field>"
                        "<field var='username' type='text-single' label='");
  enlist_xml_escape_attr (out, label);
  g_string_append (out, "'><required/></field>"
                        "<field var='password' type='text-private' label='Password'><required/>"
                        "</field>"
                        "<field var='captcha-fallback-url' type='text-single'><value>");
  enlist_xml_escape_text (out, FALLBACK_URL, -1);
  g_string_append (out, "</value></field>"
                        "<field var='challenge' type='hidden'><value>42</value></field>"
                        "<field var='ocr' type='text-single' label='Enter the text you see'>"
                        "<media xmlns='urn:xmpp:media-element'><uri type='image/png'>cid:");
  g_string_append (out, cid);
  g_string_append (out, "</uri></media><required/></field></x>"
                        "<data xmlns='urn:xmpp:bob' type='image/png' max-age='0' cid='");
  g_string_append (out, cid);
  g_string_append (out, "'>");
  g_string_append (out, data);
  g_string_append (out, "</data></query>");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
captcha_settled (gpointer data)
{
  EnlistCaptchaView *view = enlist_form_view_get_captcha_view (data);

  return view != NULL && enlist_captcha_view_get_state (view) != ENLIST_CAPTCHA_VIEW_LOADING;
}

/* No label under root shows text raw with a right-to-left override. */
static void
assert_no_override (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child))
        g_assert_null (strstr (gtk_label_get_text (GTK_LABEL (child)), RLO));
      if (GTK_IS_EDITABLE (child) && !GTK_IS_TEXT (child))
        continue;
      assert_no_override (child);
    }
}

static EnlistSignupAssistant *
open_form (EnlistAccountManager *manager,
           EnlistProviderList   *providers,
           EnlistFakeServer     *server)
{
  EnlistSignupAssistant *assistant = signup_new_assistant (manager, providers);

  signup_type_endpoint (assistant, "localhost", enlist_fake_server_get_port (server));
  signup_activate (assistant, "assistant.next");
  signup_wait_page (assistant, "form");
  return assistant;
}

/* ---- markup, overrides, 10,000 characters, a 4,096-pixel image ------------- */

static void
test_hostile_form (void)
{
  g_autofree char *dir = signup_make_data_dir ();
  g_autofree char *ca = g_test_build_filename (G_TEST_DIST, "fixtures", "fake-server-ca.pem",
                                               NULL);
  g_autoptr(EnlistAccountManager) manager = signup_new_manager (dir, ca);
  g_autoptr(EnlistProviderList) providers = enlist_provider_list_new ();
  g_autoptr(EnlistFakeServer) server = NULL;
  g_autoptr(GBytes) image = make_png (4096, 4096);
  g_autoptr(GString) long_text = g_string_new (NULL);
  g_autofree char *label = NULL;
  EnlistFakeServerOptions options = { 0 };
  Hostile hostile = { NULL, 0 };
  EnlistSignupAssistant *assistant;
  EnlistFormView *view;
  EnlistCaptchaView *captcha;
  GtkLabel *title;
  int width_before;

  for (guint i = 0; i < 1000; i++)
    g_string_append (long_text, "Wordy<i>!</i>");
  g_assert_cmpuint (g_utf8_strlen (long_text->str, -1), >=, 10000);
  label = g_strconcat (RLO, "User <u>name</u>", NULL);
  hostile.query = hostile_query (image, MARKUP_TITLE, label, long_text->str);
  options.stanza_func = hostile_stanza_cb;
  options.user_data = &hostile;
  server = enlist_fake_server_new (&options);

  assistant = signup_new_assistant (manager, providers);
  enlist_ui_test_wait_draw (GTK_WIDGET (assistant));
  width_before = gtk_widget_get_width (GTK_WIDGET (assistant));
  signup_type_endpoint (assistant, "localhost", enlist_fake_server_get_port (server));
  signup_activate (assistant, "assistant.next");
  signup_wait_page (assistant, "form");
  view = signup_view_of (assistant);
  enlist_ui_test_wait_until (captcha_settled, view, SIGNUP_WAIT_MS, "the CAPTCHA image");
  enlist_ui_test_wait_draw (GTK_WIDGET (assistant));

  /* literally: the markup as characters, never interpreted */
  title = enlist_ui_test_find_label (GTK_WIDGET (view), "<b>Bold</b>");
  g_assert_nonnull (title);
  g_assert_false (gtk_label_get_use_markup (title));
  g_assert_nonnull (enlist_ui_test_find_label (GTK_WIDGET (view), "Wordy<i>!</i>"));
  {
    GtkWidget *row = enlist_form_view_get_field_widget (view, "username");

    g_assert_true (ADW_IS_PREFERENCES_ROW (row));
    g_assert_false (adw_preferences_row_get_use_markup (ADW_PREFERENCES_ROW (row)));
    g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                              "User <u>name</u>"));
  }
  /* the override is shown as a mark, not obeyed */
  assert_no_override (GTK_WIDGET (assistant));

  /* the layout holds: the window no wider than before */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (assistant)), <=, width_before);

  /* the big image is shown, within the page */
  captcha = enlist_form_view_get_captcha_view (view);
  g_assert_cmpint (enlist_captcha_view_get_state (captcha), ==, ENLIST_CAPTCHA_VIEW_IMAGE);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (captcha)), <=, width_before);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (captcha)), <, 1000);
  g_free (enlist_ui_test_screenshot (GTK_WIDGET (assistant), "hostile-form"));

  signup_close_assistant (assistant);
  g_free (hostile.query);
  enlist_ui_test_remove_dir (dir);
}

/* ---- an image that does not decode ---------------------------------------- */

static void
test_broken_captcha (void)
{
  g_autofree char *dir = signup_make_data_dir ();
  g_autofree char *ca = g_test_build_filename (G_TEST_DIST, "fixtures", "fake-server-ca.pem",
                                               NULL);
  g_autoptr(EnlistAccountManager) manager = signup_new_manager (dir, ca);
  g_autoptr(EnlistProviderList) providers = enlist_provider_list_new ();
  g_autoptr(EnlistFakeServer) server = NULL;
  g_autoptr(GBytes) good = make_png (64, 32);
  g_autoptr(GBytes) broken = NULL;
  g_autofree char *opened = NULL;
  EnlistFakeServerOptions options = { 0 };
  Hostile hostile = { NULL, 0 };
  EnlistSignupAssistant *assistant;
  EnlistFormView *view;
  EnlistCaptchaView *captcha;
  GtkWidget *link;

  /* a PNG cut short: the signature and the header, no image data */
  broken = g_bytes_new_from_bytes (good, 0, 40);
  hostile.query = hostile_query (broken, "Sign up", "Username", "Fill in the form.");
  options.stanza_func = hostile_stanza_cb;
  options.user_data = &hostile;
  server = enlist_fake_server_new (&options);
  enlist_ui_test_install_recording_browser ();

  assistant = open_form (manager, providers, server);
  view = signup_view_of (assistant);
  enlist_ui_test_wait_until (captcha_settled, view, SIGNUP_WAIT_MS, "the CAPTCHA to settle");
  captcha = enlist_form_view_get_captcha_view (view);
  g_assert_cmpint (enlist_captcha_view_get_state (captcha), ==, ENLIST_CAPTCHA_VIEW_ERROR);
  g_assert_null (enlist_captcha_view_get_image (captcha));

  /* the web page is still there, and opens */
  g_assert_cmpstr (enlist_captcha_view_get_fallback_url (captcha), ==, FALLBACK_URL);
  link = enlist_ui_test_find (GTK_WIDGET (captcha), GTK_TYPE_LINK_BUTTON, NULL);
  g_assert_nonnull (link);
  g_assert_true (gtk_widget_is_visible (link));
  g_free (enlist_ui_test_screenshot (GTK_WIDGET (assistant), "hostile-captcha-broken"));
  enlist_ui_test_click (link);
  opened = enlist_ui_test_wait_opened ();
  g_assert_cmpstr (opened, ==, FALLBACK_URL);

  signup_close_assistant (assistant);
  g_free (hostile.query);
  enlist_ui_test_remove_dir (dir);
}

/* ---- a certificate for another name --------------------------------------- */

static void
test_other_name (void)
{
  g_autofree char *dir = signup_make_data_dir ();
  g_autofree char *ca = g_test_build_filename (G_TEST_DIST, "fixtures", "fake-server-ca.pem",
                                               NULL);
  g_autoptr(EnlistAccountManager) manager = signup_new_manager (dir, ca);
  g_autoptr(EnlistProviderList) providers = enlist_provider_list_new ();
  g_autoptr(EnlistFakeServer) server = NULL;
  g_autoptr(GBytes) image = make_png (64, 32);
  EnlistFakeServerOptions options = { 0 };
  Hostile hostile = { NULL, 0 };
  EnlistSignupAssistant *assistant;
  GtkWidget *page;

  hostile.query = hostile_query (image, "Sign up", "Username", "Fill in the form.");
  options.stanza_func = hostile_stanza_cb;
  options.user_data = &hostile;
  server = enlist_fake_server_new (&options);

  /* the certificate is trusted (its CA is given) but names fake.test and
   * localhost, not the server asked for */
  assistant = signup_new_assistant (manager, providers);
  signup_type_endpoint (assistant, "chat.example.net", enlist_fake_server_get_port (server));
  signup_activate (assistant, "assistant.next");
  signup_wait_page (assistant, "certificate");
  page = enlist_signup_assistant_get_page_widget (assistant, "certificate");
  g_assert_nonnull (enlist_ui_test_find_label (page, "chat.example.net"));
  g_assert_nonnull (enlist_ui_test_find_label (page, "issued for a different server name"));
  g_assert_nonnull (enlist_ui_test_find (page, GTK_TYPE_BUTTON, "Trust This Certificate"));
  /* nothing was asked of that server before the user decides */
  g_assert_cmpuint (hostile.n_gets, ==, 0);
  g_free (enlist_ui_test_screenshot (GTK_WIDGET (assistant), "hostile-other-name"));

  signup_close_assistant (assistant);
  g_free (hostile.query);
  enlist_ui_test_remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  enlist_ui_test_init (&argc, &argv);

  g_test_add_func ("/signup-hostile/form", test_hostile_form);
  g_test_add_func ("/signup-hostile/broken-captcha", test_broken_captcha);
  g_test_add_func ("/signup-hostile/other-name", test_other_name);

  return g_test_run ();
}
