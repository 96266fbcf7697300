/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-form-view.c: the form view under Xvfb, built from the forms Prosody
 * and ejabberd send (tests/fixtures/forms, tests/enlist-samples.h), the
 * XEP-0004/0077/0158 examples, a form with a field of every type and the
 * 1,000-field form of issue #7: the widgets per type, values typed into
 * the real entries landing in the model and in the submission, XEP-0122
 * validation as the user types, "valid", server text shown as plain text
 * and cut to size, server errors at a field, focus and Enter. */
#define G_LOG_DOMAIN "test-form-view"

#include "config.h"

#include <string.h>

#include "enlist-captcha-view.h"
#include "enlist-data-form.h"
#include "enlist-data-form-private.h"
#include "enlist-error.h"
#include "enlist-form-view.h"
#include "enlist-media.h"
#include "enlist-password-rows.h"
#include "enlist-pixel-picture.h"
#include "enlist-samples.h"
#include "enlist-test-utils.h"
#include "enlist-ui-test-utils.h"
#include "enlist-xml-reader.h"

/* Building and drawing a form must take seconds, not the minutes GTK 4.8
 * spends on a 20,000-character title; under AddressSanitizer every free()
 * in HarfBuzz unwinds the stack, which makes text layout ~30 times slower. */
#if defined(__SANITIZE_ADDRESS__)
#define MAX_BUILD_USEC (300 * G_USEC_PER_SEC)
#else
#define MAX_BUILD_USEC (20 * G_USEC_PER_SEC)
#endif

/* ---- forms -------------------------------------------------------------- */

static const char XEP0004_BOT_FORM[] =
  "<x xmlns='jabber:x:data' type='form'>"
  "<title>Bot Configuration</title>"
  "<instructions>Fill out this form to configure your new bot!</instructions>"
  "<field type='hidden' var='FORM_TYPE'><value>jabber:bot</value></field>"
  "<field type='fixed'><value>Section 1: Bot Info</value></field>"
  "<field type='text-single' label='The name of your bot' var='botname'/>"
  "<field type='text-multi' label='Helpful description of your bot' var='description'/>"
  "<field type='boolean' label='Public bot?' var='public'><required/></field>"
  "<field type='text-private' label='Password for special access' var='password'/>"
  "<field type='fixed'><value>Section 2: Features</value></field>"
  "<field type='list-multi' label='What features will the bot support?' var='features'>"
  "<option label='Contests'><value>contests</value></option>"
  "<option label='News'><value>news</value></option>"
  "<option label='Polls'><value>polls</value></option>"
  "<option label='Reminders'><value>reminders</value></option>"
  "<option label='Search'><value>search</value></option>"
  "<value>news</value><value>search</value></field>"
  "<field type='fixed'><value>Section 3: Subscriber List</value></field>"
  "<field type='list-single' label='Maximum number of subscribers' var='maxsubs'>"
  "<value>20</value>"
  "<option label='10'><value>10</value></option>"
  "<option label='20'><value>20</value></option>"
  "<option label='30'><value>30</value></option>"
  "<option label='50'><value>50</value></option>"
  "<option label='100'><value>100</value></option>"
  "<option label='None'><value>none</value></option></field>"
  "<field type='fixed'><value>Section 4: Invitations</value></field>"
  "<field type='jid-multi' label='People to invite' var='invitelist'>"
  "<desc>Tell all your friends about your new bot!</desc></field>"
  "<field type='jid-single' label='Owner' var='owner'><value>juliet@capulet.lit</value></field>"
  "<field type='text-fancy' var='mystery'><value>m</value></field>"
  "</x>";

static const char XEP0077_LEGACY[] =
  "<query xmlns='jabber:iq:register'>"
  "<instructions>Choose a username and password for use with this service. Please also "
  "provide your email address.</instructions>"
  "<username/><password/><email/></query>";

static const char XEP0077_ALL_LEGACY[] =
  "<query xmlns='jabber:iq:register'><username/><nick/><password/><name/><first/><last/>"
  "<email/><address/><city/><state/><zip/><phone/><url/><date/><misc/><text/>"
  "<key>abc123</key></query>";

static const char XEP0077_EXTENDED[] =
  "<query xmlns='jabber:iq:register'>"
  "<instructions>Use the enclosed form to register.</instructions>"
  "<x xmlns='jabber:x:data' type='form'>"
  "<title>Contest Registration</title>"
  "<instructions>Please provide the following information to sign up for our special "
  "contests!</instructions>"
  "<field type='hidden' var='FORM_TYPE'><value>jabber:iq:register</value></field>"
  "<field type='text-single' label='Given Name' var='first'><required/></field>"
  "<field type='text-single' label='Family Name' var='last'><required/></field>"
  "<field type='text-single' label='Email Address' var='email'><required/></field>"
  "<field type='list-single' label='Gender' var='x-gender'>"
  "<option label='Male'><value>M</value></option>"
  "<option label='Female'><value>F</value></option></field>"
  "</x></query>";

static const char XEP0158_REGISTER[] =
  "<query xmlns='jabber:iq:register'>"
  "<instructions>Use the enclosed form to register.</instructions>"
  "<x xmlns='jabber:x:data' type='form'>"
  "<title>Contest Registration</title>"
  "<field type='hidden' var='FORM_TYPE'><value>urn:xmpp:captcha</value></field>"
  "<field type='hidden' var='from'><value>innocent@victim.example.com</value></field>"
  "<field type='hidden' var='challenge'><value>F3A6292C</value></field>"
  "<field type='hidden' var='sid'><value>reg1</value></field>"
  "<field type='text-single' label='Given Name' var='first'><required/></field>"
  "<field label='Enter the text you see' var='ocr'>"
  "<media xmlns='urn:xmpp:media-element' height='80' width='290'>"
  "<uri type='image/jpeg'>http://www.victim.example.com/challenges/ocr.jpeg?F3A6292C</uri>"
  "</media><required/></field>"
  "</x>"
  "<x xmlns='jabber:x:oob'><url>http://www.victim.example.com/challenges/ocr.html</url></x>"
  "</query>";

/* One field of every type, with XEP-0122 rules on some. */
static const char EVERY_TYPE_FORM[] =
  "<x xmlns='jabber:x:data' type='form'>"
  "<title>Every Field</title>"
  "<instructions>One of each.</instructions>"
  "<field type='hidden' var='FORM_TYPE'><value>urn:example:every</value></field>"
  "<field type='hidden' var='token'><value>s3cr3t-token</value></field>"
  "<field type='fixed'><value>Fixed text between the fields.</value></field>"
  "<field type='text-single' label='Nickname' var='nick'><required/>"
  "<desc>What others see.</desc></field>"
  "<field type='text-single' label='Age' var='age'>"
  "<validate xmlns='http://jabber.org/protocol/xdata-validate' datatype='xs:integer'>"
  "<range min='18' max='120'/></validate></field>"
  "<field type='text-single' label='Code' var='code'>"
  "<validate xmlns='http://jabber.org/protocol/xdata-validate' datatype='xs:string'>"
  "<regex>[a-z]{3}</regex></validate></field>"
  "<field type='text-private' label='Password' var='password'><required/></field>"
  "<field type='text-private' label='Door PIN' var='pin'/>"
  "<field type='jid-single' label='Contact' var='contact'/>"
  "<field type='boolean' label='Accept the rules' var='rules'><required/></field>"
  "<field type='list-single' label='Colour' var='colour'><required/>"
  "<option label='Red'><value>red</value></option>"
  "<option label='Green'><value>green</value></option></field>"
  "<field type='list-multi' label='Topics' var='topics'>"
  "<option label='Cats'><value>cats</value></option>"
  "<option label='Dogs'><value>dogs</value></option>"
  "<option label='Fish'><value>fish</value></option>"
  "<value>dogs</value></field>"
  "<field type='text-multi' label='About you' var='about'/>"
  "<field type='jid-multi' label='Friends' var='friends'/>"
  "</x>";

static void
collect_stanza (gpointer       user_data,
                EnlistXmlNode *stanza)
{
  EnlistXmlNode **out = user_data;

  g_assert_null (*out);
  *out = stanza;
}

static const EnlistXmlReaderCallbacks collect_callbacks = { NULL, collect_stanza, NULL };

/* Parses one element with the real stream reader (limits raised so the
 * model's own limits are what the tests reach). */
static EnlistXmlNode *
parse (const char *xml)
{
  EnlistXmlLimits limits;
  g_autoptr(EnlistXmlReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  EnlistXmlNode *node = NULL;

  enlist_xml_limits_init_default (&limits);
  limits.max_stanza_size = 16 * 1024 * 1024;
  limits.max_text = 8 * 1024 * 1024;
  limits.max_buffered = 17 * 1024 * 1024;
  reader = enlist_xml_reader_new (&limits, &collect_callbacks, &node);
  g_assert_true (enlist_xml_reader_feed (reader, STREAM_HEADER, strlen (STREAM_HEADER), &error));
  g_assert_true (enlist_xml_reader_feed (reader, xml, strlen (xml), &error));
  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

/* The form of an <iq/>, a <query/> or an <x/>. */
static EnlistDataForm *
try_form (const char  *xml,
          GError     **error)
{
  g_autoptr(EnlistXmlNode) node = parse (xml);
  const EnlistXmlNode *query = node;

  if (enlist_xml_node_is (node, "iq", NULL))
    query = enlist_xml_node_get_child (node, "query", ENLIST_NS_REGISTER);
  g_assert_nonnull (query);
  if (enlist_xml_node_is (query, "x", ENLIST_NS_DATA_FORM))
    return enlist_data_form_new_from_xml (query, error);
  return enlist_data_form_new_from_register_query (query, error);
}

static EnlistDataForm *
form_from_string (const char *xml)
{
  g_autoptr(GError) error = NULL;
  EnlistDataForm *form = try_form (xml, &error);

  g_assert_no_error (error);
  return form;
}

static char *
submission (EnlistDataForm *form)
{
  g_autoptr(EnlistXmlNode) query = enlist_data_form_build_register_query (form);

  return enlist_xml_node_to_string (query, ENLIST_NS_CLIENT);
}

/* ---- the window --------------------------------------------------------- */

typedef struct
{
  GtkWidget      *window;
  EnlistFormView *view;
  guint           valid_notified;
  guint           activated;
} Shown;

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    data)
{
  (*(guint *) data)++;
}

static void
count_activate (EnlistFormView *view,
                gpointer        data)
{
  (*(guint *) data)++;
}

/* The view in a window the size of the assistant. */
static void
show_form (Shown          *shown,
           EnlistDataForm *form)
{
  shown->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (shown->window), 560, 720);
  shown->view = ENLIST_FORM_VIEW (enlist_form_view_new (form));
  gtk_window_set_child (GTK_WINDOW (shown->window), GTK_WIDGET (shown->view));
  g_signal_connect (shown->view, "notify::valid", G_CALLBACK (count_notify),
                    &shown->valid_notified);
  g_signal_connect (shown->view, "activate", G_CALLBACK (count_activate), &shown->activated);
  enlist_ui_test_show (GTK_WINDOW (shown->window));
}

static void
close_form (Shown *shown)
{
  g_object_ref (shown->view);
  gtk_window_destroy (GTK_WINDOW (shown->window));
  enlist_test_finalize (shown->view);
}

static void
screenshot (Shown      *shown,
            const char *name)
{
  g_free (enlist_ui_test_screenshot (shown->window, name));
}

static GtkWidget *
field_widget (Shown      *shown,
              const char *var)
{
  GtkWidget *widget = enlist_form_view_get_field_widget (shown->view, var);

  if (widget == NULL)
    g_error ("field “%s” is not shown", var);
  return widget;
}

static void
type_into (Shown      *shown,
           const char *var,
           const char *text)
{
  GtkWidget *widget = field_widget (shown, var);

  if (ENLIST_IS_PASSWORD_ROWS (widget))
    {
      gtk_editable_set_text (GTK_EDITABLE (enlist_password_rows_get_password_row (
                                             ENLIST_PASSWORD_ROWS (widget))), text);
      gtk_editable_set_text (GTK_EDITABLE (enlist_password_rows_get_confirm_row (
                                             ENLIST_PASSWORD_ROWS (widget))), text);
    }
  else
    gtk_editable_set_text (GTK_EDITABLE (widget), text);
}

static const char *
value_of (EnlistDataForm *form,
          const char     *var)
{
  EnlistFormField *field = enlist_data_form_lookup_field (form, var);

  g_assert_nonnull (field);
  return enlist_form_field_get_value (field);
}

static const char *
title_of (GtkWidget *row)
{
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
}

static GtkWidget *
focus_of (Shown *shown)
{
  return gtk_root_get_focus (GTK_ROOT (shown->window));
}

static gboolean
focus_is_in (Shown     *shown,
             GtkWidget *widget)
{
  GtkWidget *focus = focus_of (shown);

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static void
press_enter (GtkWidget *entry_row)
{
  /* what GtkText's Enter key binding emits */
  g_signal_emit_by_name (gtk_editable_get_delegate (GTK_EDITABLE (entry_row)), "activate");
}

static guint
count_widgets (GtkWidget *root,
               GType      type)
{
  guint n = g_type_is_a (G_OBJECT_TYPE (root), type) ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_widgets (child, type);
  return n;
}

/* Every preferences row plain text; no label reads server text as
 * markup: nothing that contains the probe word is marked up, and no label
 * shows the markup rendered. */
static void
assert_plain_text (GtkWidget  *root,
                   const char *probe,
                   const char *rendered)
{
  if (ADW_IS_PREFERENCES_ROW (root))
    g_assert_false (adw_preferences_row_get_use_markup (ADW_PREFERENCES_ROW (root)));
  if (GTK_IS_LABEL (root))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (root));

      if (strstr (text, probe) != NULL)
        g_assert_false (gtk_label_get_use_markup (GTK_LABEL (root)));
      g_assert_cmpstr (text, !=, rendered);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    assert_plain_text (child, probe, rendered);
}

/* ---- the captured forms ------------------------------------------------- */

static void
test_prosody (void)
{
  g_autoptr(EnlistDataForm) form = form_from_string (PROSODY_REGISTER_FORM);
  g_autofree char *sent = NULL;
  Shown shown = { 0 };
  GtkWidget *username, *password;
  EnlistPasswordRows *rows;

  show_form (&shown, form);
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (shown.view), GTK_TYPE_LABEL,
                                         "Creating a new account"));
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (shown.view), GTK_TYPE_LABEL,
                                         "Choose a username and password for use with this "
                                         "service."));
  username = field_widget (&shown, "username");
  password = field_widget (&shown, "password");
  g_assert_true (ADW_IS_ENTRY_ROW (username));
  g_assert_cmpstr (title_of (username), ==, "Username");
  /* every field is required: no marks, but screen readers are told */
  g_assert_null (enlist_ui_test_find (username, GTK_TYPE_LABEL, "Required"));
  g_assert_false (gtk_widget_get_visible (enlist_ui_test_find (password, GTK_TYPE_LABEL,
                                                               "Required")));
  gtk_test_accessible_assert_property (username, GTK_ACCESSIBLE_PROPERTY_REQUIRED, TRUE);
  gtk_test_accessible_assert_property (gtk_editable_get_delegate (GTK_EDITABLE (username)),
                                       GTK_ACCESSIBLE_PROPERTY_REQUIRED, TRUE);
  /* the first empty field has the focus from the start */
  g_assert_true (focus_is_in (&shown, username));
  password = field_widget (&shown, "password");
  g_assert_true (ENLIST_IS_PASSWORD_ROWS (password));
  rows = enlist_form_view_get_password_rows (shown.view);
  g_assert_true (GTK_WIDGET (rows) == password);
  g_assert_cmpstr (enlist_password_rows_get_title (rows), ==, "Password");
  g_assert_cmpstr (enlist_password_rows_get_confirm_title (rows), ==, "Confirm Password");
  g_assert_null (enlist_form_view_get_field_widget (shown.view, "FORM_TYPE"));
  g_assert_null (enlist_form_view_get_captcha_view (shown.view));
  g_assert_false (enlist_form_view_get_valid (shown.view));
  screenshot (&shown, "form-prosody");

  type_into (&shown, "username", "juliet");
  g_assert_cmpstr (value_of (form, "username"), ==, "juliet");
  g_assert_false (enlist_form_view_get_valid (shown.view));
  /* a password without its confirmation is not enough */
  gtk_editable_set_text (GTK_EDITABLE (enlist_password_rows_get_password_row (rows)),
                         "kF7mP2xQ9rT4vW");
  g_assert_cmpstr (value_of (form, "password"), ==, "kF7mP2xQ9rT4vW");
  g_assert_false (enlist_form_view_get_valid (shown.view));
  gtk_editable_set_text (GTK_EDITABLE (enlist_password_rows_get_confirm_row (rows)),
                         "kF7mP2xQ9rT4vW");
  g_assert_true (enlist_form_view_get_valid (shown.view));
  g_assert_cmpuint (shown.valid_notified, >=, 1);
  screenshot (&shown, "form-prosody-filled");

  sent = submission (form);
  g_test_message ("submission: %s", sent);
  g_assert_nonnull (strstr (sent, "<field var='FORM_TYPE'><value>jabber:iq:register</value>"));
  g_assert_nonnull (strstr (sent, "<field var='username'><value>juliet</value></field>"));
  g_assert_nonnull (strstr (sent, "<field var='password'><value>kF7mP2xQ9rT4vW</value></field>"));

  /* a mismatch makes the form invalid again */
  gtk_editable_set_text (GTK_EDITABLE (enlist_password_rows_get_confirm_row (rows)), "other");
  g_assert_false (enlist_form_view_get_valid (shown.view));
  close_form (&shown);
}

static EnlistMediaImage *
load_captcha (EnlistDataForm *form)
{
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *bob = enlist_data_form_get_bob_data (form);
  EnlistFormField *field = enlist_data_form_get_captcha_field (form);
  EnlistMediaImage *image;

  for (guint i = 0; i < bob->len; i++)
    enlist_media_resolver_add_bob_data (resolver, g_ptr_array_index (bob, i));
  enlist_media_resolver_resolve_async (resolver, enlist_form_field_get_media_uri (field, 0, NULL),
                                       NULL, enlist_test_store_result, &result);
  image = enlist_media_resolver_resolve_finish (resolver, enlist_test_wait_for (&result), &error);
  g_assert_no_error (error);
  return image;
}

static void
test_ejabberd (void)
{
  g_autoptr(EnlistDataForm) form = form_from_string (EJABBERD_REGISTER_FORM);
  g_autoptr(EnlistMediaImage) image = load_captcha (form);
  g_autofree char *sent = NULL;
  Shown shown = { 0 };
  EnlistCaptchaView *captcha;
  GtkWidget *ocr, *username;

  show_form (&shown, form);
  captcha = enlist_form_view_get_captcha_view (shown.view);
  g_assert_nonnull (captcha);
  g_assert_cmpstr (enlist_captcha_view_get_fallback_url (captcha), ==,
                   "http://127.0.0.1:25280/captcha/4652777599156484336/image");
  gtk_test_accessible_assert_property (
    enlist_ui_test_find (GTK_WIDGET (captcha), ENLIST_TYPE_PIXEL_PICTURE, NULL),
    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "Enter the text you see");
  /* the link to the CAPTCHA page is not a question */
  g_assert_null (enlist_form_view_get_field_widget (shown.view, "captcha-fallback-url"));
  g_assert_null (enlist_ui_test_find (GTK_WIDGET (shown.view), ADW_TYPE_ENTRY_ROW,
                                      "CAPTCHA web page"));
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (shown.view), GTK_TYPE_LABEL,
                                         "If you don't see the CAPTCHA image here, visit the web "
                                         "page."));
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (shown.view), GTK_TYPE_LABEL,
                                         "Choose a username and password to register with this "
                                         "server"));
  username = field_widget (&shown, "username");
  g_assert_cmpstr (title_of (username), ==, "User");
  ocr = field_widget (&shown, "ocr");
  g_assert_true (ADW_IS_ENTRY_ROW (ocr));
  g_assert_cmpstr (title_of (ocr), ==, "Enter the text you see");
  /* the answer right after the image */
  g_assert_true (gtk_widget_get_next_sibling (GTK_WIDGET (captcha)) ==
                 gtk_widget_get_parent (ocr));

  enlist_captcha_view_set_image (captcha, image);
  screenshot (&shown, "form-ejabberd");

  type_into (&shown, "username", "romeo");
  type_into (&shown, "password", "kF7mP2xQ9rT4vW");
  g_assert_false (enlist_form_view_get_valid (shown.view));
  type_into (&shown, "ocr", "592535");
  g_assert_true (enlist_form_view_get_valid (shown.view));
  screenshot (&shown, "form-ejabberd-filled");

  sent = submission (form);
  g_test_message ("submission: %s", sent);
  g_assert_nonnull (strstr (sent, "<field var='ocr'><value>592535</value></field>"));
  g_assert_nonnull (strstr (sent, "<field var='challenge'><value>4652777599156484336</value>"));
  g_assert_nonnull (strstr (sent, "<field var='username'><value>romeo</value></field>"));
  g_assert_null (strstr (sent, "captcha-fallback-url"));
  close_form (&shown);
}

/* Every captured form builds, shows every field that is not hidden, and
 * draws. */
static void
test_captured_forms (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "fixtures", "forms", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n_forms = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *xml = NULL;
      g_autofree char *shot = NULL;
      g_autoptr(EnlistDataForm) form = NULL;
      Shown shown = { 0 };

      if (!g_str_has_suffix (name, ".xml"))
        continue;
      g_assert_true (g_file_get_contents (path, &xml, NULL, NULL));
      form = form_from_string (xml);
      show_form (&shown, form);
      for (guint i = 0; i < enlist_data_form_get_n_fields (form); i++)
        {
          EnlistFormField *field = enlist_data_form_get_field (form, i);
          const char *var = enlist_form_field_get_var (field);
          EnlistFieldType type = enlist_form_field_get_field_type (field);
          gboolean expected = type != ENLIST_FIELD_TYPE_HIDDEN &&
                              g_strcmp0 (var, "FORM_TYPE") != 0 &&
                              g_strcmp0 (var, "captcha-fallback-url") != 0;

          if (var == NULL)
            continue;
          g_assert_cmpint (enlist_form_view_get_field_widget (shown.view, var) != NULL, ==,
                           expected);
        }
      /* the CAPTCHA view when there is an image to show (ejabberd's error
       * replies echo the submitted form, without one) */
      g_assert_cmpint (enlist_form_view_get_captcha_view (shown.view) != NULL, ==,
                       enlist_data_form_is_captcha (form) &&
                       enlist_form_field_get_n_media_uris (
                         enlist_data_form_get_captcha_field (form)) > 0);
      shot = g_strdup_printf ("form-sample-%.*s", (int) (strlen (name) - 4), name);
      screenshot (&shown, shot);
      close_form (&shown);
      n_forms++;
    }
  g_assert_cmpuint (n_forms, >=, 9);
}

/* ---- the XEP examples --------------------------------------------------- */

static void
test_xep0004 (void)
{
  g_autoptr(EnlistDataForm) form = form_from_string (XEP0004_BOT_FORM);
  Shown shown = { 0 };
  GtkWidget *widget;
  GtkWidget *check;
  GListModel *model;

  show_form (&shown, form);
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (shown.view), GTK_TYPE_LABEL,
                                         "Bot Configuration"));
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (shown.view), GTK_TYPE_LABEL,
                                         "Section 3: Subscriber List"));
  g_assert_true (ADW_IS_ENTRY_ROW (field_widget (&shown, "botname")));
  g_assert_nonnull (enlist_ui_test_find (field_widget (&shown, "description"),
                                         GTK_TYPE_TEXT_VIEW, NULL));

  widget = field_widget (&shown, "public");
  g_assert_true (ADW_IS_ACTION_ROW (widget));
  g_assert_cmpstr (title_of (widget), ==, "Public bot?");
  g_assert_true (GTK_IS_SWITCH (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (widget))));
  /* the switch shows "off" and the model says so too */
  g_assert_cmpstr (value_of (form, "public"), ==, "0");

  widget = field_widget (&shown, "features");
  g_assert_true (ADW_IS_EXPANDER_ROW (widget));
  g_assert_cmpuint (count_widgets (widget, GTK_TYPE_CHECK_BUTTON), ==, 5);
  check = adw_action_row_get_activatable_widget (ADW_ACTION_ROW (
    enlist_ui_test_find (widget, ADW_TYPE_ACTION_ROW, "News")));
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  check = adw_action_row_get_activatable_widget (ADW_ACTION_ROW (
    enlist_ui_test_find (widget, ADW_TYPE_ACTION_ROW, "Polls")));
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (widget)), ==, "2 chosen");

  widget = field_widget (&shown, "maxsubs");
  g_assert_true (ADW_IS_COMBO_ROW (widget));
  model = adw_combo_row_get_model (ADW_COMBO_ROW (widget));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 6);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (widget)), ==, 1);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (model), 5), ==, "None");

  g_assert_nonnull (enlist_ui_test_find (field_widget (&shown, "invitelist"),
                                         GTK_TYPE_TEXT_VIEW, NULL));
  g_assert_nonnull (enlist_ui_test_find (field_widget (&shown, "invitelist"), GTK_TYPE_LABEL,
                                         "Tell all your friends about your new bot!"));
  widget = field_widget (&shown, "owner");
  g_assert_true (ADW_IS_ENTRY_ROW (widget));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (widget)), ==, "juliet@capulet.lit");
  /* a type this client does not know is text-single (XEP-0004 §3.3) */
  widget = field_widget (&shown, "mystery");
  g_assert_true (ADW_IS_ENTRY_ROW (widget));
  g_assert_cmpstr (title_of (widget), ==, "mystery");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (widget)), ==, "m");
  screenshot (&shown, "form-xep0004-bot");

  gtk_widget_activate (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (
    enlist_ui_test_find (field_widget (&shown, "features"), ADW_TYPE_ACTION_ROW, "Polls"))));
  widget = field_widget (&shown, "features");
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (widget)), ==, "3 chosen");
  {
    const char * const *values = enlist_form_field_get_values (
      enlist_data_form_lookup_field (form, "features"));

    g_assert_cmpuint (g_strv_length ((char **) values), ==, 3);
    g_assert_cmpstr (values[0], ==, "news");
    g_assert_cmpstr (values[1], ==, "polls");
    g_assert_cmpstr (values[2], ==, "search");
  }
  close_form (&shown);
}

static void
test_xep0077 (void)
{
  g_autoptr(EnlistDataForm) legacy = form_from_string (XEP0077_LEGACY);
  g_autoptr(EnlistDataForm) all = form_from_string (XEP0077_ALL_LEGACY);
  g_autoptr(EnlistDataForm) extended = form_from_string (XEP0077_EXTENDED);
  g_autoptr(EnlistDataForm) captcha = form_from_string (XEP0158_REGISTER);
  g_autofree char *sent = NULL;
  Shown shown = { 0 };
  GtkWidget *widget;

  /* legacy fields with the model's translated labels, all required */
  show_form (&shown, legacy);
  g_assert_cmpstr (title_of (field_widget (&shown, "username")), ==, "Username");
  g_assert_cmpstr (title_of (field_widget (&shown, "email")), ==, "Email address");
  g_assert_true (ENLIST_IS_PASSWORD_ROWS (field_widget (&shown, "password")));
  type_into (&shown, "username", "juliet");
  type_into (&shown, "password", "R0m30-R0m30-R0m30");
  type_into (&shown, "email", "juliet@capulet.com");
  g_assert_true (enlist_form_view_get_valid (shown.view));
  sent = submission (legacy);
  g_assert_cmpstr (sent, ==, "<query xmlns='jabber:iq:register'><username>juliet</username>"
                   "<password>R0m30-R0m30-R0m30</password><email>juliet@capulet.com</email>"
                   "</query>");
  screenshot (&shown, "form-xep0077-legacy");
  close_form (&shown);

  show_form (&shown, all);
  g_assert_null (enlist_form_view_get_field_widget (shown.view, "key"));
  g_assert_cmpstr (title_of (field_widget (&shown, "zip")), ==, "Postal code");
  screenshot (&shown, "form-xep0077-all-legacy");
  close_form (&shown);

  show_form (&shown, extended);
  widget = field_widget (&shown, "x-gender");
  g_assert_true (ADW_IS_COMBO_ROW (widget));
  /* nothing chosen yet: the first item says so */
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (widget)), ==, 0);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (
    adw_combo_row_get_model (ADW_COMBO_ROW (widget))), 0), ==, "Not Chosen");
  g_assert_null (value_of (extended, "x-gender"));
  adw_combo_row_set_selected (ADW_COMBO_ROW (widget), 2);
  g_assert_cmpstr (value_of (extended, "x-gender"), ==, "F");
  adw_combo_row_set_selected (ADW_COMBO_ROW (widget), 0);
  g_assert_null (value_of (extended, "x-gender"));
  screenshot (&shown, "form-xep0077-extended");
  close_form (&shown);

  /* XEP-0158: the CAPTCHA view with the OOB page as fallback */
  show_form (&shown, captcha);
  g_assert_nonnull (enlist_form_view_get_captcha_view (shown.view));
  g_assert_cmpstr (enlist_captcha_view_get_fallback_url (enlist_form_view_get_captcha_view (
                     shown.view)), ==, "http://www.victim.example.com/challenges/ocr.html");
  enlist_captcha_view_set_error (enlist_form_view_get_captcha_view (shown.view),
                                 "The image could not be loaded.");
  screenshot (&shown, "form-xep0158");
  close_form (&shown);
}

/* ---- every type --------------------------------------------------------- */

static void
test_every_type (void)
{
  g_autoptr(EnlistDataForm) form = form_from_string (EVERY_TYPE_FORM);
  g_autofree char *sent = NULL;
  Shown shown = { 0 };
  GtkWidget *widget, *view;
  GtkTextBuffer *buffer;
  const char * const *values;

  show_form (&shown, form);
  /* a form this small is built whole at once */
  g_assert_true (enlist_form_view_get_complete (shown.view));
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (shown.view), GTK_TYPE_LABEL,
                                         "Fixed text between the fields."));
  g_assert_null (enlist_form_view_get_field_widget (shown.view, "token"));
  g_assert_true (ADW_IS_ENTRY_ROW (field_widget (&shown, "nick")));
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (shown.view), GTK_TYPE_LABEL,
                                         "What others see."));
  g_assert_true (ENLIST_IS_PASSWORD_ROWS (field_widget (&shown, "password")));
  /* a second secret is a plain password row, kept in a wiped buffer */
  widget = field_widget (&shown, "pin");
  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (widget));
  g_assert_true (GTK_IS_PASSWORD_ENTRY_BUFFER (gtk_text_get_buffer (
    GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (widget))))));
  type_into (&shown, "pin", "4711");
  g_assert_cmpstr (value_of (form, "pin"), ==, "4711");
  g_assert_true (ADW_IS_ENTRY_ROW (field_widget (&shown, "contact")));
  g_assert_true (ADW_IS_ACTION_ROW (field_widget (&shown, "rules")));
  g_assert_true (ADW_IS_COMBO_ROW (field_widget (&shown, "colour")));
  g_assert_true (ADW_IS_EXPANDER_ROW (field_widget (&shown, "topics")));
  g_assert_nonnull (enlist_ui_test_find (field_widget (&shown, "about"), GTK_TYPE_TEXT_VIEW,
                                         NULL));
  g_assert_nonnull (enlist_ui_test_find (field_widget (&shown, "friends"), GTK_TYPE_TEXT_VIEW,
                                         NULL));
  /* some fields are optional: the required ones say so */
  g_assert_true (gtk_widget_get_visible (enlist_ui_test_find (field_widget (&shown, "nick"),
                                                              GTK_TYPE_LABEL, "Required")));
  g_assert_true (gtk_widget_get_visible (enlist_ui_test_find (field_widget (&shown, "password"),
                                                              GTK_TYPE_LABEL, "Required")));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (field_widget (&shown, "colour"))),
                   ==, "Required");
  g_assert_null (enlist_ui_test_find (field_widget (&shown, "age"), GTK_TYPE_LABEL, "Required"));
  gtk_test_accessible_assert_property (field_widget (&shown, "age"),
                                       GTK_ACCESSIBLE_PROPERTY_REQUIRED, FALSE);
  screenshot (&shown, "form-every-type");
  g_assert_true (enlist_form_view_focus_field (shown.view, "friends"));
  screenshot (&shown, "form-every-type-end");

  type_into (&shown, "nick", "Mercutio");
  type_into (&shown, "password", "kF7mP2xQ9rT4vW");
  g_assert_false (enlist_form_view_get_valid (shown.view));

  /* boolean */
  widget = adw_action_row_get_activatable_widget (ADW_ACTION_ROW (field_widget (&shown, "rules")));
  gtk_switch_set_active (GTK_SWITCH (widget), TRUE);
  g_assert_cmpstr (value_of (form, "rules"), ==, "1");

  /* list-single: required, so "Not Chosen" is not an answer */
  widget = field_widget (&shown, "colour");
  g_assert_false (enlist_form_view_get_valid (shown.view));
  adw_combo_row_set_selected (ADW_COMBO_ROW (widget), 2);
  g_assert_cmpstr (value_of (form, "colour"), ==, "green");
  g_assert_true (enlist_form_view_get_valid (shown.view));

  /* list-multi */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (adw_action_row_get_activatable_widget (
    ADW_ACTION_ROW (enlist_ui_test_find (field_widget (&shown, "topics"), ADW_TYPE_ACTION_ROW,
                                         "Fish")))), TRUE);
  values = enlist_form_field_get_values (enlist_data_form_lookup_field (form, "topics"));
  g_assert_cmpuint (g_strv_length ((char **) values), ==, 2);
  g_assert_cmpstr (values[0], ==, "dogs");
  g_assert_cmpstr (values[1], ==, "fish");

  /* text-multi: one value per line */
  view = enlist_ui_test_find (field_widget (&shown, "about"), GTK_TYPE_TEXT_VIEW, NULL);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  gtk_text_buffer_set_text (buffer, "Line one\n\nLine three\n", -1);
  values = enlist_form_field_get_values (enlist_data_form_lookup_field (form, "about"));
  g_assert_cmpuint (g_strv_length ((char **) values), ==, 3);
  g_assert_cmpstr (values[0], ==, "Line one");
  g_assert_cmpstr (values[1], ==, "");
  g_assert_cmpstr (values[2], ==, "Line three");
  g_assert_false (gtk_text_view_get_accepts_tab (GTK_TEXT_VIEW (view)));

  /* jid-multi: addresses, blank lines and spaces ignored, each checked */
  view = enlist_ui_test_find (field_widget (&shown, "friends"), GTK_TYPE_TEXT_VIEW, NULL);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  gtk_text_buffer_set_text (buffer, "  romeo@montague.lit \n\nnot a jid@@\n", -1);
  values = enlist_form_field_get_values (enlist_data_form_lookup_field (form, "friends"));
  g_assert_cmpuint (g_strv_length ((char **) values), ==, 2);
  g_assert_cmpstr (values[0], ==, "romeo@montague.lit");
  g_assert_false (enlist_form_view_get_valid (shown.view));
  g_assert_nonnull (enlist_form_view_get_field_message (shown.view, "friends"));
  gtk_text_buffer_set_text (buffer, "romeo@montague.lit\nbenvolio@montague.lit", -1);
  g_assert_null (enlist_form_view_get_field_message (shown.view, "friends"));
  g_assert_true (enlist_form_view_get_valid (shown.view));

  /* jid-single */
  type_into (&shown, "contact", "tybalt@@capulet");
  g_assert_false (enlist_form_view_get_valid (shown.view));
  g_assert_nonnull (enlist_form_view_get_field_message (shown.view, "contact"));
  screenshot (&shown, "form-every-type-invalid-jid");
  type_into (&shown, "contact", "tybalt@capulet.lit");
  g_assert_true (enlist_form_view_get_valid (shown.view));
  screenshot (&shown, "form-every-type-filled");

  sent = submission (form);
  g_test_message ("submission: %s", sent);
  /* the hidden values went back untouched */
  g_assert_nonnull (strstr (sent, "<field var='token'><value>s3cr3t-token</value></field>"));
  g_assert_nonnull (strstr (sent, "<field var='rules'><value>1</value></field>"));
  g_assert_nonnull (strstr (sent, "<field var='colour'><value>green</value></field>"));
  g_assert_nonnull (strstr (sent, "<field var='topics'><value>dogs</value><value>fish</value>"));
  g_assert_nonnull (strstr (sent, "<field var='friends'><value>romeo@montague.lit</value>"
                                  "<value>benvolio@montague.lit</value></field>"));
  g_assert_nonnull (strstr (sent, "<field var='contact'><value>tybalt@capulet.lit</value>"));
  close_form (&shown);
}

/* ---- validation --------------------------------------------------------- */

/* The row under a list row: its notes. */
static void
note_labels (GtkWidget  *row,
             GtkWidget **description,
             GtkWidget **error)
{
  GtkWidget *note = gtk_widget_get_next_sibling (row);
  GtkWidget *box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (note));

  *description = gtk_widget_get_first_child (box);
  *error = gtk_widget_get_next_sibling (*description);
  g_assert_true (GTK_IS_LABEL (*description) && GTK_IS_LABEL (*error));
}

static void
test_validation (void)
{
  g_autoptr(EnlistDataForm) form = form_from_string (EVERY_TYPE_FORM);
  Shown shown = { 0 };
  GtkWidget *age, *description, *error;

  show_form (&shown, form);
  /* untouched fields do not complain yet */
  g_assert_null (enlist_form_view_get_field_message (shown.view, "nick"));

  age = field_widget (&shown, "age");
  note_labels (age, &description, &error);
  gtk_test_accessible_assert_relation (age, GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                       description, error, NULL);
  gtk_test_accessible_assert_relation (gtk_editable_get_delegate (GTK_EDITABLE (age)),
                                       GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                       description, error, NULL);

  type_into (&shown, "age", "twelve");
  g_assert_cmpstr (enlist_form_view_get_field_message (shown.view, "age"), ==,
                   gtk_label_get_text (GTK_LABEL (error)));
  g_assert_true (gtk_widget_get_visible (error));
  g_assert_true (gtk_widget_has_css_class (error, "error"));
  g_assert_true (gtk_widget_has_css_class (age, "error"));
  g_test_message ("age “twelve”: %s", gtk_label_get_text (GTK_LABEL (error)));
  type_into (&shown, "age", "12");
  g_test_message ("age 12: %s", gtk_label_get_text (GTK_LABEL (error)));
  g_assert_nonnull (enlist_form_view_get_field_message (shown.view, "age"));
  type_into (&shown, "age", "42");
  g_assert_null (enlist_form_view_get_field_message (shown.view, "age"));
  g_assert_false (gtk_widget_get_visible (error));
  g_assert_false (gtk_widget_has_css_class (age, "error"));
  g_assert_cmpstr (value_of (form, "age"), ==, "42");

  type_into (&shown, "code", "ABC");
  g_assert_nonnull (enlist_form_view_get_field_message (shown.view, "code"));
  screenshot (&shown, "form-validation");
  type_into (&shown, "code", "abc");
  g_assert_null (enlist_form_view_get_field_message (shown.view, "code"));
  /* an optional field left empty is fine */
  type_into (&shown, "code", "");
  g_assert_null (enlist_form_view_get_field_message (shown.view, "code"));
  g_assert_null (value_of (form, "code"));

  /* a required field emptied again */
  type_into (&shown, "nick", "x");
  type_into (&shown, "nick", "");
  g_assert_cmpstr (enlist_form_view_get_field_message (shown.view, "nick"), ==,
                   "“Nickname” must be filled in.");

  /* after a failed attempt to submit, every problem shows */
  g_assert_null (enlist_form_view_get_field_message (shown.view, "colour"));
  enlist_form_view_show_all_errors (shown.view);
  g_assert_cmpstr (enlist_form_view_get_field_message (shown.view, "colour"), ==,
                   "“Colour” must be filled in.");
  g_assert_nonnull (enlist_form_view_get_field_message (shown.view, "password"));
  screenshot (&shown, "form-validation-all");
  close_form (&shown);
}

/* ---- hostile server text ------------------------------------------------ */

static void
test_hostile_text (void)
{
  g_autofree char *huge = g_strnfill (20000, 'W');
  g_autofree char *huge_words = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *expected_title = NULL;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GString) words = g_string_new (NULL);
  Shown shown = { 0 };
  GtkWidget *widget, *description, *error;
  gint64 start;
  const char *text;

  while (words->len < 20000)
    g_string_append (words, "lorem ipsum ");
  huge_words = g_strdup (words->str);
  xml = g_strdup_printf (
    "<x xmlns='jabber:x:data' type='form'>"
    "<title>&lt;b&gt;bold&lt;/b&gt; &amp;amp; title</title>"
    "<instructions>&lt;a href='http://evil.example/'&gt;bold click&lt;/a&gt;</instructions>"
    "<instructions>%s</instructions>"
    "<field type='text-single' var='markup' label='&lt;b&gt;bold&lt;/b&gt; &amp;amp;'>"
    "<desc>&lt;i&gt;bold desc&lt;/i&gt;</desc></field>"
    "<field type='text-single' var='rlo' label='abc&#x202E;gnp.exe'/>"
    "<field type='text-single' var='huge' label='%s'><required/><desc>%s</desc></field>"
    "<field type='boolean' var='bool' label='&lt;b&gt;bold&lt;/b&gt; switch'/>"
    "<field type='list-single' var='list' label='&lt;b&gt;bold&lt;/b&gt; list'>"
    "<option label='&lt;b&gt;bold&lt;/b&gt; option'><value>a</value></option>"
    "<option label='%s'><value>b</value></option></field>"
    "<field type='list-multi' var='multi' label='&lt;b&gt;bold&lt;/b&gt; multi'>"
    "<option label='&lt;b&gt;bold&lt;/b&gt; choice'><value>a</value></option>"
    "<option label='%s'><value>b</value></option></field>"
    "<field type='text-multi' var='text' label='%s'/>"
    "<field type='fixed'><value>&lt;b&gt;bold&lt;/b&gt; fixed %s</value></field>"
    "</x>", huge_words, huge, huge_words, huge, huge, huge, huge);
  form = form_from_string (xml);

  /* GTK 4.8 takes minutes to lay out a 20,000-character title; cut, it is
   * quick */
  start = g_get_monotonic_time ();
  show_form (&shown, form);
  g_test_message ("built and drawn in %.2f s", (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpint (g_get_monotonic_time () - start, <, MAX_BUILD_USEC);

  assert_plain_text (GTK_WIDGET (shown.view), "bold", "bold &");
  assert_plain_text (GTK_WIDGET (shown.view), "bold", "bold desc");
  assert_plain_text (GTK_WIDGET (shown.view), "bold", "bold click");
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (shown.view), GTK_TYPE_LABEL,
                                         "<b>bold</b> &amp; title"));
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (shown.view), GTK_TYPE_LABEL,
                                         "<a href='http://evil.example/'>bold click</a>"));
  g_assert_cmpstr (title_of (field_widget (&shown, "markup")), ==, "<b>bold</b> &amp;");
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (shown.view), GTK_TYPE_LABEL,
                                         "<i>bold desc</i>"));
  g_assert_cmpstr (title_of (field_widget (&shown, "bool")), ==, "<b>bold</b> switch");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (adw_combo_row_get_model (
    ADW_COMBO_ROW (field_widget (&shown, "list")))), 1), ==, "<b>bold</b> option");
  g_assert_nonnull (enlist_ui_test_find (field_widget (&shown, "multi"), ADW_TYPE_ACTION_ROW,
                                         "<b>bold</b> choice"));

  /* a right-to-left override cannot turn "exe.png" into "gnp.exe" */
  g_assert_cmpstr (title_of (field_widget (&shown, "rlo")), ==, "abc\\u{202E}gnp.exe");

  /* 20,000 characters: the title cut to 100, the label in full (to 2,000)
   * in the note under it, the description after it, also cut */
  widget = field_widget (&shown, "huge");
  text = title_of (widget);
  g_assert_cmpuint (g_utf8_strlen (text, -1), ==, 100);
  g_assert_true (g_str_has_suffix (text, "W…"));
  note_labels (widget, &description, &error);
  text = gtk_label_get_text (GTK_LABEL (description));
  g_assert_true (g_str_has_prefix (text, "WWWWWWWWWW"));
  g_assert_nonnull (strstr (text, "W…\nlorem ipsum"));
  g_assert_cmpuint (g_utf8_strlen (text, -1), ==, 2000 + 1 + 2000);
  g_assert_true (g_str_has_suffix (text, "…"));
  g_assert_true (gtk_widget_get_visible (description));
  g_assert_cmpuint (g_utf8_strlen (gtk_string_list_get_string (GTK_STRING_LIST (
    adw_combo_row_get_model (ADW_COMBO_ROW (field_widget (&shown, "list")))), 2), -1), ==, 100);
  /* validation messages name the field: cut too */
  type_into (&shown, "huge", "x");
  type_into (&shown, "huge", "");
  g_assert_cmpuint (g_utf8_strlen (enlist_form_view_get_field_message (shown.view, "huge"), -1),
                    <, 200);
  g_assert_true (g_str_has_suffix (enlist_form_view_get_field_message (shown.view, "huge"),
                                   "W…” must be filled in."));
  expected_title = g_strdup_printf ("%.*s…", 99, huge);
  g_assert_cmpstr (title_of (widget), ==, expected_title);
  screenshot (&shown, "form-hostile-text");
  g_assert_true (enlist_form_view_focus_field (shown.view, "huge"));
  screenshot (&shown, "form-hostile-text-long-field");
  g_assert_true (enlist_form_view_focus_field (shown.view, "text"));
  screenshot (&shown, "form-hostile-text-end");
  close_form (&shown);
}

/* ---- size --------------------------------------------------------------- */

/* The large form of issue #7: 1,000 fields, a hundred of each type. */
static const char * const LARGE_TYPES[] = {
  "text-single", "text-private", "boolean", "jid-single", "fixed",
  "text-multi", "list-single", "list-multi", "hidden", "jid-multi",
};
#define LARGE_N_FIELDS 1000

static const char *
large_type (guint i)
{
  return LARGE_TYPES[i % G_N_ELEMENTS (LARGE_TYPES)];
}

static char *
large_form_xml (guint n_fields)
{
  GString *xml = g_string_new ("<x xmlns='jabber:x:data' type='form'><title>Large</title>");

  for (guint i = 0; i < n_fields; i++)
    {
      const char *type = large_type (i);

      g_string_append_printf (xml, "<field type='%s'", type);
      if (g_str_equal (type, "fixed"))
        {
          g_string_append_printf (xml, "><value>Section %u</value></field>", i);
          continue;
        }
      g_string_append_printf (xml, " var='f%u' label='Field %u'>", i, i);
      /* the one-line texts are required, the rest optional */
      if (g_str_equal (type, "text-single"))
        g_string_append (xml, "<required/>");
      else if (g_str_has_prefix (type, "list-"))
        g_string_append (xml, "<option label='One'><value>1</value></option>"
                              "<option label='Two'><value>2</value></option>"
                              "<option label='Three'><value>3</value></option>");
      else if (g_str_equal (type, "hidden"))
        g_string_append_printf (xml, "<value>kept %u</value>", i);
      g_string_append (xml, "</field>");
    }
  g_string_append (xml, "</x>");
  return g_string_free (xml, FALSE);
}

/* The widget a field of type gets (NULL for hidden fields and fixed
 * ones, which have no var). */
static void
assert_large_widget_of (EnlistFormView *view,
                        guint           i)
{
  const char *type = large_type (i);
  g_autofree char *var = g_strdup_printf ("f%u", i);
  GtkWidget *widget = enlist_form_view_get_field_widget (view, var);

  if (g_str_equal (type, "hidden") || g_str_equal (type, "fixed"))
    {
      g_assert_null (widget);
      return;
    }
  if (widget == NULL)
    g_error ("field %s (%s) is not shown", var, type);
  if (g_str_equal (type, "text-private"))
    /* several secrets and none called "password": no account password */
    g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (widget));
  else if (g_str_equal (type, "text-single") || g_str_equal (type, "jid-single"))
    g_assert_true (ADW_IS_ENTRY_ROW (widget) && !ADW_IS_PASSWORD_ENTRY_ROW (widget));
  else if (g_str_equal (type, "boolean"))
    g_assert_true (GTK_IS_SWITCH (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (widget))));
  else if (g_str_equal (type, "list-single"))
    g_assert_true (ADW_IS_COMBO_ROW (widget));
  else if (g_str_equal (type, "list-multi"))
    g_assert_true (ADW_IS_EXPANDER_ROW (widget) &&
                   enlist_ui_test_find (widget, GTK_TYPE_CHECK_BUTTON, NULL) != NULL);
  else
    g_assert_nonnull (enlist_ui_test_find (widget, GTK_TYPE_TEXT_VIEW, NULL));
}

static gboolean
view_complete (gpointer data)
{
  return enlist_form_view_get_complete (data);
}

static void
test_large_form (void)
{
  g_autofree char *xml = large_form_xml (LARGE_N_FIELDS);
  g_autoptr(EnlistDataForm) form = form_from_string (xml);
  g_autofree char *sent = NULL;
  Shown shown = { 0 };
  GtkAdjustment *adjustment;
  GtkWidget *scrolled, *last;
  gint64 start;
  guint n_sent = 0, n_complete = 0;

  g_assert_cmpuint (enlist_data_form_get_n_fields (form), ==, LARGE_N_FIELDS);

  start = g_get_monotonic_time ();
  show_form (&shown, form);
  g_signal_connect (shown.view, "notify::complete", G_CALLBACK (count_notify), &n_complete);
  /* it appears with its first rows and fills in at idle time, not valid
   * until then */
  g_assert_false (enlist_form_view_get_complete (shown.view));
  g_assert_nonnull (enlist_form_view_get_field_widget (shown.view, "f0"));
  g_assert_false (enlist_form_view_get_valid (shown.view));
  enlist_ui_test_wait_until (view_complete, shown.view, MAX_BUILD_USEC / 1000,
                             "the large form to be complete");
  g_assert_cmpuint (n_complete, ==, 1);
  /* the last rows laid out, so that focusing them can scroll to them */
  enlist_ui_test_wait_draw (shown.window);
  /* bench/run-ui measures this; here it only must not take minutes */
  g_test_message ("%u fields built and drawn in %.2f s", LARGE_N_FIELDS,
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpint (g_get_monotonic_time () - start, <, MAX_BUILD_USEC);

  /* every field has the widget of its type, in the form's order */
  for (guint i = 0; i < LARGE_N_FIELDS; i++)
    assert_large_widget_of (shown.view, i);
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (shown.view), GTK_TYPE_LABEL, "Section 994"));
  g_assert_cmpuint (count_widgets (GTK_WIDGET (shown.view), ADW_TYPE_COMBO_ROW), ==,
                    LARGE_N_FIELDS / G_N_ELEMENTS (LARGE_TYPES));
  /* some fields are optional: the required ones say so */
  g_assert_nonnull (enlist_ui_test_find (field_widget (&shown, "f990"), GTK_TYPE_LABEL,
                                         "Required"));
  /* the focus starts in the first empty field */
  g_assert_true (focus_is_in (&shown, field_widget (&shown, "f0")));

  /* valid once the last required field is filled in, and not while a JID
   * is wrong */
  g_assert_false (enlist_form_view_get_valid (shown.view));
  for (guint i = 0; i < LARGE_N_FIELDS; i += G_N_ELEMENTS (LARGE_TYPES))
    {
      g_autofree char *var = g_strdup_printf ("f%u", i);
      g_autofree char *value = g_strdup_printf ("value %u", i);

      g_assert_false (enlist_form_view_get_valid (shown.view));
      type_into (&shown, var, value);
    }
  g_assert_true (enlist_form_view_get_valid (shown.view));
  type_into (&shown, "f503", "not a jid@@");
  g_assert_false (enlist_form_view_get_valid (shown.view));
  g_assert_nonnull (enlist_form_view_get_field_message (shown.view, "f503"));
  type_into (&shown, "f503", "juliet@capulet.lit");
  g_assert_true (enlist_form_view_get_valid (shown.view));

  /* values from the far end of the form land in the model */
  type_into (&shown, "f991", "4711");
  gtk_switch_set_active (GTK_SWITCH (adw_action_row_get_activatable_widget (
    ADW_ACTION_ROW (field_widget (&shown, "f992")))), TRUE);
  adw_combo_row_set_selected (ADW_COMBO_ROW (field_widget (&shown, "f996")), 3);

  /* it scrolls; the last field can be reached and is scrolled to */
  scrolled = enlist_ui_test_find (GTK_WIDGET (shown.view), GTK_TYPE_SCROLLED_WINDOW, NULL);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >, 50 * 720);
  last = field_widget (&shown, "f999");
  g_assert_true (enlist_form_view_focus_field (shown.view, "f999"));
  g_assert_true (focus_is_in (&shown, last));
  enlist_ui_test_wait_draw (shown.window);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >, 45 * 720);
  screenshot (&shown, "form-large-end");

  /* the submission holds every field but the fixed ones, hidden values
   * as the server sent them */
  sent = submission (form);
  for (const char *p = strstr (sent, "<field var="); p != NULL; p = strstr (p + 1, "<field var="))
    n_sent++;
  g_assert_cmpuint (n_sent, ==, LARGE_N_FIELDS - LARGE_N_FIELDS / G_N_ELEMENTS (LARGE_TYPES));
  g_assert_nonnull (strstr (sent, "<field var='f990'><value>value 990</value></field>"));
  g_assert_nonnull (strstr (sent, "<field var='f991'><value>4711</value></field>"));
  g_assert_nonnull (strstr (sent, "<field var='f992'><value>1</value></field>"));
  g_assert_nonnull (strstr (sent, "<field var='f503'><value>juliet@capulet.lit</value></field>"));
  g_assert_nonnull (strstr (sent, "<field var='f996'><value>3</value></field>"));
  g_assert_nonnull (strstr (sent, "<field var='f998'><value>kept 998</value></field>"));
  close_form (&shown);
}

/* Every function that needs a row of a large form builds up to it first,
 * before the idle gets there; and "valid" waits for the last row. */
static void
test_large_form_early (void)
{
  g_autofree char *xml = large_form_xml (LARGE_N_FIELDS);
  g_autoptr(EnlistDataForm) form = form_from_string (xml);
  g_autoptr(GtkWidget) view = g_object_ref_sink (enlist_form_view_new (form));
  EnlistFormView *self = ENLIST_FORM_VIEW (view);
  guint n_complete = 0;

  g_signal_connect (view, "notify::complete", G_CALLBACK (count_notify), &n_complete);
  g_assert_false (enlist_form_view_get_complete (self));
  /* the row of the last field but one, built on demand */
  g_assert_true (ADW_IS_COMBO_ROW (enlist_form_view_get_field_widget (self, "f996")));
  g_assert_false (enlist_form_view_get_complete (self));
  g_assert_true (enlist_form_view_show_field_error (self, "f990", "Taken"));
  g_assert_cmpstr (enlist_form_view_get_field_message (self, "f990"), ==, "Taken");
  g_assert_null (enlist_form_view_get_field_widget (self, "no-such-field"));
  /* several secrets, none "password": no account password */
  g_assert_null (enlist_form_view_get_password_rows (self));
  g_assert_null (enlist_form_view_get_captcha_view (self));
  g_assert_false (enlist_form_view_get_valid (self));
  /* showing every error needs every row */
  enlist_form_view_show_all_errors (self);
  g_assert_true (enlist_form_view_get_complete (self));
  g_assert_cmpuint (n_complete, ==, 1);
  g_assert_nonnull (enlist_form_view_get_field_message (self, "f0"));
  for (guint i = 0; i < LARGE_N_FIELDS; i++)
    assert_large_widget_of (self, i);
  g_assert_finalize_object (g_steal_pointer (&view));
}

/* The model refuses a form over ENLIST_DATA_FORM_MAX_FIELDS before any
 * view sees it. */
static void
test_too_large_form (void)
{
  g_autofree char *xml = large_form_xml (ENLIST_DATA_FORM_MAX_FIELDS + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistDataForm) refused = try_form (xml, &error);

  g_assert_null (refused);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);
}

/* ---- server errors, focus, Enter ---------------------------------------- */

static void
test_server_error (void)
{
  g_autoptr(EnlistDataForm) form = form_from_string (EJABBERD_REGISTER_FORM);
  Shown shown = { 0 };
  GtkWidget *username;

  show_form (&shown, form);
  type_into (&shown, "username", "romeo");
  type_into (&shown, "password", "kF7mP2xQ9rT4vW");
  type_into (&shown, "ocr", "123456");
  g_assert_true (enlist_form_view_get_valid (shown.view));

  username = field_widget (&shown, "username");
  g_assert_true (enlist_form_view_show_field_error (shown.view, "username",
                                                    "This user name is taken. Choose another."));
  g_assert_cmpstr (enlist_form_view_get_field_message (shown.view, "username"), ==,
                   "This user name is taken. Choose another.");
  g_assert_true (gtk_widget_has_css_class (username, "error"));
  g_assert_true (enlist_form_view_show_field_error (shown.view, "ocr",
                                                    "The CAPTCHA answer was wrong."));
  g_assert_true (enlist_form_view_show_field_error (shown.view, "password",
                                                    "The server refused this password."));
  g_assert_cmpstr (enlist_form_view_get_field_message (shown.view, "password"), ==,
                   "The server refused this password.");
  g_assert_false (enlist_form_view_show_field_error (shown.view, "no-such-field", "x"));
  g_assert_false (enlist_form_view_show_field_error (shown.view, "challenge", "x"));
  screenshot (&shown, "form-server-errors");

  /* until the user changes the field */
  type_into (&shown, "username", "romeo2");
  g_assert_null (enlist_form_view_get_field_message (shown.view, "username"));
  g_assert_false (gtk_widget_has_css_class (username, "error"));
  g_assert_cmpstr (enlist_form_view_get_field_message (shown.view, "ocr"), ==,
                   "The CAPTCHA answer was wrong.");
  g_assert_true (enlist_form_view_show_field_error (shown.view, "ocr", NULL));
  g_assert_null (enlist_form_view_get_field_message (shown.view, "ocr"));
  close_form (&shown);
}

static void
test_focus_and_enter (void)
{
  g_autoptr(EnlistDataForm) form = form_from_string (EJABBERD_REGISTER_FORM);
  Shown shown = { 0 };
  GtkWidget *username, *ocr;
  EnlistPasswordRows *rows;

  show_form (&shown, form);
  username = field_widget (&shown, "username");
  ocr = field_widget (&shown, "ocr");
  rows = enlist_form_view_get_password_rows (shown.view);

  g_assert_true (enlist_form_view_focus_first_empty (shown.view));
  g_assert_true (focus_is_in (&shown, username));
  type_into (&shown, "username", "romeo");
  g_assert_true (enlist_form_view_focus_first_empty (shown.view));
  g_assert_true (focus_is_in (&shown, enlist_password_rows_get_password_row (rows)));
  type_into (&shown, "password", "kF7mP2xQ9rT4vW");
  g_assert_true (enlist_form_view_focus_first_empty (shown.view));
  g_assert_true (focus_is_in (&shown, ocr));
  screenshot (&shown, "form-focus-captcha-answer");
  type_into (&shown, "ocr", "1");
  g_assert_false (enlist_form_view_focus_first_empty (shown.view));

  g_assert_true (enlist_form_view_focus_field (shown.view, "username"));
  g_assert_true (focus_is_in (&shown, username));
  g_assert_false (enlist_form_view_focus_field (shown.view, "challenge"));

  /* Enter: user → password → confirmation → CAPTCHA answer → submit */
  press_enter (username);
  g_assert_true (focus_is_in (&shown, enlist_password_rows_get_password_row (rows)));
  press_enter (enlist_password_rows_get_password_row (rows));
  g_assert_true (focus_is_in (&shown, enlist_password_rows_get_confirm_row (rows)));
  press_enter (enlist_password_rows_get_confirm_row (rows));
  g_assert_true (focus_is_in (&shown, ocr));
  g_assert_cmpuint (shown.activated, ==, 0);
  press_enter (ocr);
  g_assert_cmpuint (shown.activated, ==, 1);
  close_form (&shown);
}

int
main (int    argc,
      char **argv)
{
  /* accessible properties and relations checked in-process */
  g_setenv ("GTK_A11Y", "test", TRUE);
  enlist_ui_test_init (&argc, &argv);

  g_test_add_func ("/form-view/prosody", test_prosody);
  g_test_add_func ("/form-view/ejabberd", test_ejabberd);
  g_test_add_func ("/form-view/captured-forms", test_captured_forms);
  g_test_add_func ("/form-view/xep0004", test_xep0004);
  g_test_add_func ("/form-view/xep0077", test_xep0077);
  g_test_add_func ("/form-view/every-type", test_every_type);
  g_test_add_func ("/form-view/validation", test_validation);
  g_test_add_func ("/form-view/hostile-text", test_hostile_text);
  g_test_add_func ("/form-view/large", test_large_form);
  g_test_add_func ("/form-view/large/early", test_large_form_early);
  g_test_add_func ("/form-view/too-large", test_too_large_form);
  g_test_add_func ("/form-view/server-error", test_server_error);
  g_test_add_func ("/form-view/focus-and-enter", test_focus_and_enter);

  return g_test_run ();
}
