/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-certificate-page.c: the untrusted-certificate page under Xvfb:
 * every row's text for a real certificate, server-chosen names shown as
 * plain text, and the trust and cancel signals (the page never trusts by
 * itself). */
#define G_LOG_DOMAIN "test-certificate-page"

#include "config.h"

#include <glib/gstdio.h>

#include "enlist-certificate.h"
#include "enlist-certificate-page.h"
#include "enlist-error.h"
#include "enlist-ui-test-utils.h"

typedef struct
{
  GtkWidget             *window;
  EnlistCertificatePage *page;
  guint                  trusted;
  guint                  cancelled;
} Fixture;

static void
count (EnlistCertificatePage *page,
       gpointer               data)
{
  (*(guint *) data)++;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 560, 720);
  fixture->page = ENLIST_CERTIFICATE_PAGE (enlist_certificate_page_new ());
  gtk_window_set_child (GTK_WINDOW (fixture->window), GTK_WIDGET (fixture->page));
  g_signal_connect (fixture->page, "trust", G_CALLBACK (count), &fixture->trusted);
  g_signal_connect (fixture->page, "cancel", G_CALLBACK (count), &fixture->cancelled);
  enlist_ui_test_show (GTK_WINDOW (fixture->window));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_object_ref (fixture->page);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_assert_finalize_object (fixture->page);
}

static GTlsCertificate *
load_certificate (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate = g_tls_certificate_new_from_file (path, &error);

  g_assert_no_error (error);
  return certificate;
}

/* The value under the row titled title. */
static const char *
row_value (Fixture    *fixture,
           const char *title)
{
  GtkWidget *title_label = enlist_ui_test_find (GTK_WIDGET (fixture->page), GTK_TYPE_LABEL, title);
  GtkWidget *value;

  g_assert_nonnull (title_label);
  value = gtk_widget_get_next_sibling (title_label);
  g_assert_true (GTK_IS_LABEL (value));
  g_assert_false (gtk_label_get_use_markup (GTK_LABEL (value)));
  g_assert_true (gtk_label_get_selectable (GTK_LABEL (value)));
  gtk_test_accessible_assert_relation (value, GTK_ACCESSIBLE_RELATION_LABELLED_BY, title_label,
                                       NULL);
  return gtk_label_get_text (GTK_LABEL (value));
}

static char *
expected_expiry (GTlsCertificate *certificate)
{
  g_autoptr(GDateTime) not_after = g_tls_certificate_get_not_valid_after (certificate);
  g_autoptr(GDateTime) local = g_date_time_to_local (not_after);

  return g_date_time_format (local, "%-d %B %Y, %H:%M");
}

static void
test_rows (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GTlsCertificate) certificate = load_certificate ("other.pem");
  g_autofree char *fingerprint = enlist_certificate_get_fingerprint (certificate);
  g_autofree char *problem = NULL;
  g_autofree char *expiry = expected_expiry (certificate);
  GTlsCertificateFlags flags = G_TLS_CERTIFICATE_UNKNOWN_CA | G_TLS_CERTIFICATE_BAD_IDENTITY;
  GtkWidget *fingerprint_label;
  const char *shown;

  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (fixture->page), GTK_TYPE_LABEL,
                                         "Unknown Certificate"));
  /* nothing to trust yet */
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "certificate.trust", NULL);
  g_assert_cmpuint (fixture->trusted, ==, 0);
  g_assert_false (gtk_widget_get_sensitive (
    enlist_ui_test_find (GTK_WIDGET (fixture->page), GTK_TYPE_BUTTON, "Trust This Certificate")));

  enlist_certificate_page_set_certificate (fixture->page, certificate, flags, "fake.test");
  g_assert_true (enlist_certificate_page_get_certificate (fixture->page) == certificate);
  g_assert_cmpint (enlist_certificate_page_get_flags (fixture->page), ==, flags);

  g_assert_cmpstr (row_value (fixture, "Subject"), ==, "CN=fake.test");
  g_assert_cmpstr (row_value (fixture, "Issuer"), ==, "CN=fake.test");
  g_assert_cmpstr (row_value (fixture, "Valid Until"), ==, expiry);
  problem = enlist_certificate_flags_to_string (flags);
  g_assert_cmpstr (row_value (fixture, "Problem"), ==, problem);
  g_assert_nonnull (strstr (problem, "not signed by an authority"));
  g_assert_nonnull (strstr (problem, "different server name"));

  /* the fingerprint in two halves, monospace; still the same fingerprint
   * when pasted somewhere to compare */
  shown = row_value (fixture, "Fingerprint");
  g_assert_cmpuint (strlen (shown), ==, 95);
  g_assert_cmpint (shown[47], ==, ' ');
  g_assert_true (enlist_certificate_fingerprint_equal (shown, fingerprint));
  fingerprint_label = gtk_widget_get_next_sibling (
    enlist_ui_test_find (GTK_WIDGET (fixture->page), GTK_TYPE_LABEL, "Fingerprint"));
  g_assert_true (gtk_widget_has_css_class (fingerprint_label, "fingerprint"));

  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (fixture->page), GTK_TYPE_LABEL,
    "Enlist cannot confirm that it is talking to “fake.test”: someone could be listening in. "
    "Trust this certificate only if its fingerprint matches the one the server’s administrators "
    "publish."));
  g_free (enlist_ui_test_screenshot (fixture->window, "certificate-page"));
}

static void
test_signals (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GTlsCertificate) certificate = load_certificate ("other.pem");
  g_autoptr(GError) error = NULL;
  GtkWidget *trust, *cancel;

  /* an error without a certificate changes nothing */
  error = g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_CONNECT, "no");
  g_assert_false (enlist_certificate_page_set_error (fixture->page, error, "fake.test"));
  g_assert_null (enlist_certificate_page_get_certificate (fixture->page));
  g_clear_error (&error);

  /* the connector's error carries what the page shows */
  error = enlist_error_new_certificate (certificate, G_TLS_CERTIFICATE_EXPIRED, "fake.test");
  g_assert_true (enlist_certificate_page_set_error (fixture->page, error, "fake.test"));
  g_assert_true (enlist_certificate_page_get_certificate (fixture->page) == certificate);
  g_assert_cmpstr (row_value (fixture, "Problem"), ==, "The certificate has expired.");

  trust = enlist_ui_test_find (GTK_WIDGET (fixture->page), GTK_TYPE_BUTTON,
                               "Trust This Certificate");
  cancel = enlist_ui_test_find (GTK_WIDGET (fixture->page), GTK_TYPE_BUTTON, "Cancel");
  g_assert_nonnull (trust);
  g_assert_nonnull (cancel);
  g_assert_true (gtk_widget_has_css_class (trust, "destructive-action"));

  /* Cancel is where focus goes: the safe choice */
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (fixture->page)));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (fixture->window)) == cancel);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "certificate.cancel",
                                             NULL));
  g_assert_cmpuint (fixture->cancelled, ==, 1);
  g_assert_cmpuint (fixture->trusted, ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "certificate.trust",
                                             NULL));
  g_assert_cmpuint (fixture->trusted, ==, 1);
  g_assert_cmpuint (fixture->cancelled, ==, 1);
}

/* A certificate whose subject a hostile server chose: markup, a
 * right-to-left override and a very long name, made with openssl. */
static GTlsCertificate *
make_hostile_certificate (const char *dir)
{
  g_autofree char *cert = g_build_filename (dir, "hostile.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "hostile.key", NULL);
  g_autofree char *long_ou = g_strnfill (60, 'x');
  /* (openssl -subj: "\\/" is a slash inside a value) */
  g_autofree char *subject = g_strdup_printf ("/CN=<b>bold<\\/b> &amp; \u202Egnp.exe/O=%s",
                                              long_ou);
  const char *argv[] = {
    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
    "-nodes", "-days", "2", "-utf8", "-subj", subject, "-keyout", key, "-out", cert, NULL
  };
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                               G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
  return g_tls_certificate_new_from_file (cert, &error);
}

static void
test_hostile_subject (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("enlist-cert-XXXXXX", NULL);
  g_autoptr(GTlsCertificate) certificate = make_hostile_certificate (dir);
  g_autofree char *subject = NULL;
  const char *shown;

  g_assert_nonnull (certificate);
  enlist_certificate_page_set_certificate (fixture->page, certificate,
                                           G_TLS_CERTIFICATE_UNKNOWN_CA, "<i>host</i>");
  subject = g_tls_certificate_get_subject_name (certificate);
  g_test_message ("subject as GnuTLS gives it: %s", subject);
  shown = row_value (fixture, "Subject");
  /* as GnuTLS writes the name (RFC 4514 escapes), not as markup; the
   * override made visible */
  g_assert_nonnull (strstr (shown, "CN=\\<b\\>bold\\</b\\> &amp\\; "));
  g_assert_nonnull (strstr (shown, "\\u{202E}gnp.exe"));
  g_assert_null (strstr (shown, "\u202E"));
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (fixture->page), GTK_TYPE_LABEL,
    "Enlist cannot confirm that it is talking to “<i>host</i>”: someone could be listening in. "
    "Trust this certificate only if its fingerprint matches the one the server’s administrators "
    "publish."));
  g_free (enlist_ui_test_screenshot (fixture->window, "certificate-page-hostile"));

  {
    g_autofree char *cert = g_build_filename (dir, "hostile.pem", NULL);
    g_autofree char *key = g_build_filename (dir, "hostile.key", NULL);

    g_unlink (cert);
    g_unlink (key);
    g_rmdir (dir);
  }
}

int
main (int    argc,
      char **argv)
{
  /* accessible relations checked in-process (gtk_test_accessible_*) */
  g_setenv ("GTK_A11Y", "test", TRUE);
  enlist_ui_test_init (&argc, &argv);

  g_test_add ("/certificate-page/rows", Fixture, NULL,
              fixture_setup, test_rows, fixture_teardown);
  g_test_add ("/certificate-page/signals", Fixture, NULL,
              fixture_setup, test_signals, fixture_teardown);
  g_test_add ("/certificate-page/hostile-subject", Fixture, NULL,
              fixture_setup, test_hostile_subject, fixture_teardown);

  return g_test_run ();
}
