/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-password.c: the password generator (length, alphabet, classes,
 * sampling without modulo bias, distribution), the strength estimate with
 * and without zxcvbn-c, and the new-password rows under Xvfb: matching,
 * strength, Enter, Generate and Copy. */
#define G_LOG_DOMAIN "test-password"

#include "config.h"

#include <math.h>
#include <string.h>

#include "enlist-password-generator-private.h"
#include "enlist-password-rows.h"
#include "enlist-password-strength.h"
#include "enlist-text.h"
#include "enlist-ui-test-utils.h"

/* ---- generator ---------------------------------------------------------- */

static void
assert_in_alphabet (const char *password)
{
  const char *alphabet = enlist_password_generator_get_alphabet ();

  for (const char *p = password; *p != '\0'; p++)
    if (strchr (alphabet, *p) == NULL)
      g_error ("“%c” of a generated password is not in the alphabet", *p);
}

static void
test_generator_shape (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                      enlist_secret_free, NULL);
  const char *alphabet = enlist_password_generator_get_alphabet ();

  /* unambiguous: none of 0 O o 1 l I */
  g_assert_cmpuint (strlen (alphabet), ==, 56);
  g_assert_null (strpbrk (alphabet, "0Oo1lI"));

  for (guint i = 0; i < 500; i++)
    {
      g_autoptr(GError) error = NULL;
      char *password = enlist_password_generate (ENLIST_PASSWORD_GENERATOR_DEFAULT_LENGTH,
                                                 &error);
      gboolean lower = FALSE, upper = FALSE, digit = FALSE;

      g_assert_no_error (error);
      g_assert_cmpuint (strlen (password), ==, 20);
      assert_in_alphabet (password);
      for (const char *p = password; *p != '\0'; p++)
        {
          lower |= g_ascii_islower (*p);
          upper |= g_ascii_isupper (*p);
          digit |= g_ascii_isdigit (*p);
        }
      g_assert_true (lower && upper && digit);
      /* 116 bits: a repeat means the source is broken */
      g_assert_false (g_hash_table_contains (seen, password));
      g_hash_table_add (seen, password);
    }

  for (guint length = ENLIST_PASSWORD_GENERATOR_MIN_LENGTH; length <= 64; length += 7)
    {
      char *password = enlist_password_generate (length, NULL);

      g_assert_cmpuint (strlen (password), ==, length);
      assert_in_alphabet (password);
      enlist_secret_free (password);
    }
}

/* Hands out 0, 1, …, 255, 0, 1, … */
static gboolean
counting_source (guint8   *buffer,
                 gsize     len,
                 gpointer  user_data,
                 GError  **error)
{
  guint *next = user_data;

  for (gsize i = 0; i < len; i++)
    buffer[i] = (*next)++ & 0xff;
  return TRUE;
}

static void
test_generator_no_modulo_bias (void)
{
  const guint n_symbols = 56;
  const guint rounds = 40;
  /* 224 = 4 × 56 of every 256 bytes are used, each symbol 4 times */
  const gsize n = rounds * 224;
  g_autofree guint *indices = g_new (guint, n);
  guint counts[56] = { 0 };
  guint next = 0;

  g_assert_true (enlist_password_generator_sample (n_symbols, indices, n, counting_source, &next,
                                                   NULL));
  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpuint (indices[i], <, n_symbols);
      counts[indices[i]]++;
    }
  for (guint s = 0; s < n_symbols; s++)
    g_assert_cmpuint (counts[s], ==, rounds * 4);
  /* the 32 bytes 224…255 of each round were thrown away, not folded onto
   * the first symbols: exactly rounds × 256 bytes were consumed (in blocks) */
  g_assert_cmpuint (next, >=, rounds * 256);
  g_assert_cmpuint (next, <, rounds * 256 + 64);
}

static gboolean
zero_source (guint8   *buffer,
             gsize     len,
             gpointer  user_data,
             GError  **error)
{
  memset (buffer, 0, len);
  return TRUE;
}

static gboolean
failing_source (guint8   *buffer,
                gsize     len,
                gpointer  user_data,
                GError  **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "no entropy here");
  return FALSE;
}

static void
test_generator_bad_sources (void)
{
  g_autoptr(GError) error = NULL;
  char *password;

  /* all zeros: "aaaa…" never has every class, and is refused */
  password = enlist_password_generate_with (20, zero_source, NULL, &error);
  g_assert_null (password);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);

  password = enlist_password_generate_with (20, failing_source, NULL, &error);
  g_assert_null (password);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

static void
test_generator_distribution (void)
{
  const guint n_symbols = 56;
  const gsize n = 56 * 4000;
  g_autofree guint *indices = g_new (guint, n);
  guint counts[56] = { 0 };
  guint class_counts[3] = { 0 };
  double expected = (double) n / n_symbols, chi2 = 0;
  const char *alphabet = enlist_password_generator_get_alphabet ();

  /* the sampler over getrandom: uniform (chi-squared, 55 degrees of
   * freedom: above 125 has a probability around 1e-7) */
  g_assert_true (enlist_password_generator_sample (n_symbols, indices, n,
                                                   enlist_password_generator_getrandom, NULL,
                                                   NULL));
  for (gsize i = 0; i < n; i++)
    counts[indices[i]]++;
  for (guint s = 0; s < n_symbols; s++)
    chi2 += (counts[s] - expected) * (counts[s] - expected) / expected;
  g_test_message ("chi-squared over %" G_GSIZE_FORMAT " samples: %.1f", n, chi2);
  g_assert_cmpfloat (chi2, <, 125);

  /* whole passwords: letters and digits in about their share of the
   * alphabet (24 + 24 + 8 of 56) */
  for (guint i = 0; i < 2000; i++)
    {
      char *password = enlist_password_generate (20, NULL);

      for (const char *p = password; *p != '\0'; p++)
        class_counts[g_ascii_islower (*p) ? 0 : g_ascii_isupper (*p) ? 1 : 2]++;
      enlist_secret_free (password);
    }
  g_assert_cmpfloat (fabs (class_counts[0] / 40000.0 - 24.0 / 56), <, 0.02);
  g_assert_cmpfloat (fabs (class_counts[1] / 40000.0 - 24.0 / 56), <, 0.02);
  g_assert_cmpfloat (fabs (class_counts[2] / 40000.0 - 8.0 / 56), <, 0.02);
  g_assert_nonnull (alphabet);
}

/* ---- strength ----------------------------------------------------------- */

static void
test_strength_simple (void)
{
  g_autofree char *generated = enlist_password_generate (20, NULL);
  double bits, more_bits;

  g_assert_cmpint (enlist_password_strength_estimate_simple ("", &bits), ==,
                   ENLIST_PASSWORD_STRENGTH_NONE);
  g_assert_cmpfloat (bits, ==, 0);
  g_assert_cmpint (enlist_password_strength_estimate_simple ("password", NULL), ==,
                   ENLIST_PASSWORD_STRENGTH_WEAK);
  /* repeats and runs count for little */
  g_assert_cmpint (enlist_password_strength_estimate_simple ("aaaaaaaaaaaaaaaaaaaa", NULL), ==,
                   ENLIST_PASSWORD_STRENGTH_WEAK);
  g_assert_cmpint (enlist_password_strength_estimate_simple ("abcdefghijklmnopqrst", NULL), ==,
                   ENLIST_PASSWORD_STRENGTH_WEAK);
  g_assert_cmpint (enlist_password_strength_estimate_simple ("98765432109876543210", NULL), ==,
                   ENLIST_PASSWORD_STRENGTH_WEAK);
  g_assert_cmpint (enlist_password_strength_estimate_simple ("Password1", NULL), ==,
                   ENLIST_PASSWORD_STRENGTH_FAIR);
  g_assert_cmpint (enlist_password_strength_estimate_simple ("kF7mP2xQ9rT4", NULL), ==,
                   ENLIST_PASSWORD_STRENGTH_GOOD);
  g_assert_cmpint (enlist_password_strength_estimate_simple (generated, NULL), ==,
                   ENLIST_PASSWORD_STRENGTH_STRONG);
  /* longer is never weaker */
  enlist_password_strength_estimate_simple ("kF7mP2xQ", &bits);
  enlist_password_strength_estimate_simple ("kF7mP2xQ9", &more_bits);
  g_assert_cmpfloat (more_bits, >, bits);
  /* invalid UTF-8 is weak, not a crash */
  g_assert_cmpint (enlist_password_strength_estimate_simple ("\xff\xfe\xfd", NULL), ==,
                   ENLIST_PASSWORD_STRENGTH_WEAK);

  g_assert_cmpstr (enlist_password_strength_to_string (ENLIST_PASSWORD_STRENGTH_NONE), ==, "");
  g_assert_cmpstr (enlist_password_strength_to_string (ENLIST_PASSWORD_STRENGTH_WEAK), ==, "Weak");
  g_assert_cmpstr (enlist_password_strength_to_string (ENLIST_PASSWORD_STRENGTH_FAIR), ==, "Fair");
  g_assert_cmpstr (enlist_password_strength_to_string (ENLIST_PASSWORD_STRENGTH_GOOD), ==, "Good");
  g_assert_cmpstr (enlist_password_strength_to_string (ENLIST_PASSWORD_STRENGTH_STRONG), ==,
                   "Strong");
}

static void
test_strength_estimate (void)
{
  g_autofree char *generated = enlist_password_generate (20, NULL);
  g_autofree char *long_password = g_strnfill (1000, 'x');
  const char *user_inputs[] = { "wonderland", NULL };
  double plain_bits, with_inputs_bits;

  g_assert_cmpint (enlist_password_strength_estimate ("", NULL, NULL), ==,
                   ENLIST_PASSWORD_STRENGTH_NONE);
  g_assert_cmpint (enlist_password_strength_estimate ("password", NULL, NULL), ==,
                   ENLIST_PASSWORD_STRENGTH_WEAK);
  g_assert_cmpint (enlist_password_strength_estimate (generated, user_inputs, NULL), ==,
                   ENLIST_PASSWORD_STRENGTH_STRONG);
  /* very long input is estimated quickly, not by zxcvbn-c's slow path */
  g_assert_cmpint (enlist_password_strength_estimate (long_password, NULL, NULL), ==,
                   ENLIST_PASSWORD_STRENGTH_WEAK);

#if HAVE_ZXCVBN
  g_assert_true (enlist_password_strength_uses_zxcvbn ());
  /* zxcvbn-c knows leetspeak and common words; the simple estimate does not */
  g_assert_cmpint (enlist_password_strength_estimate ("P@ssw0rd", NULL, NULL), ==,
                   ENLIST_PASSWORD_STRENGTH_WEAK);
  g_assert_cmpint (enlist_password_strength_estimate_simple ("P@ssw0rd", NULL), >,
                   ENLIST_PASSWORD_STRENGTH_WEAK);
  /* and the words it is told about */
  enlist_password_strength_estimate ("wonderland77", NULL, &plain_bits);
  enlist_password_strength_estimate ("wonderland77", user_inputs, &with_inputs_bits);
  g_test_message ("wonderland77: %.1f bits, %.1f when the user name is wonderland",
                  plain_bits, with_inputs_bits);
  g_assert_cmpfloat (with_inputs_bits, <, plain_bits);
#else
  g_assert_false (enlist_password_strength_uses_zxcvbn ());
  for (guint i = 0; i < 3; i++)
    {
      const char *samples[] = { "P@ssw0rd", "wonderland77", "kF7mP2xQ9rT4" };

      enlist_password_strength_estimate (samples[i], user_inputs, &with_inputs_bits);
      enlist_password_strength_estimate_simple (samples[i], &plain_bits);
      g_assert_cmpfloat (with_inputs_bits, ==, plain_bits);
    }
#endif
}

/* ---- the rows ----------------------------------------------------------- */

typedef struct
{
  GtkWidget          *window;
  EnlistPasswordRows *rows;
  guint               matches_notified;
  guint               changed;
  guint               activated;
} RowsFixture;

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    data)
{
  (*(guint *) data)++;
}

static void
count_signal (gpointer  instance,
              gpointer  data)
{
  (*(guint *) data)++;
}

static void
rows_setup (RowsFixture   *fixture,
            gconstpointer  data)
{
  GtkWidget *box;

  fixture->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 560, 400);
  fixture->rows = ENLIST_PASSWORD_ROWS (enlist_password_rows_new ());
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fixture->rows));
  gtk_window_set_child (GTK_WINDOW (fixture->window), box);
  g_signal_connect (fixture->rows, "notify::matches", G_CALLBACK (count_notify),
                    &fixture->matches_notified);
  g_signal_connect (fixture->rows, "changed", G_CALLBACK (count_signal),
                            &fixture->changed);
  g_signal_connect (fixture->rows, "activate", G_CALLBACK (count_signal),
                            &fixture->activated);
  enlist_ui_test_show (GTK_WINDOW (fixture->window));
}

static void
rows_teardown (RowsFixture   *fixture,
               gconstpointer  data)
{
  g_object_ref (fixture->rows);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_assert_finalize_object (fixture->rows);
}

static GtkEditable *
password_row (RowsFixture *fixture)
{
  return GTK_EDITABLE (enlist_password_rows_get_password_row (fixture->rows));
}

static GtkEditable *
confirm_row (RowsFixture *fixture)
{
  return GTK_EDITABLE (enlist_password_rows_get_confirm_row (fixture->rows));
}

static const char *
strength_text (RowsFixture *fixture)
{
  const char *words[] = { "Weak", "Fair", "Good", "Strong" };

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (enlist_ui_test_find (GTK_WIDGET (fixture->rows), GTK_TYPE_LABEL, words[i]) != NULL)
      return words[i];
  return NULL;
}

static double
strength_bar_value (RowsFixture *fixture)
{
  GtkWidget *bar = enlist_ui_test_find (GTK_WIDGET (fixture->rows), GTK_TYPE_LEVEL_BAR, NULL);

  g_assert_nonnull (bar);
  return gtk_level_bar_get_value (GTK_LEVEL_BAR (bar));
}

static void
test_rows_matching (RowsFixture   *fixture,
                    gconstpointer  data)
{
  g_autofree char *shot = NULL;
  guint notified, changed;

  /* default titles, and the ones the account dialog asks for */
  g_assert_cmpstr (enlist_password_rows_get_title (fixture->rows), ==, "New Password");
  g_assert_cmpstr (enlist_password_rows_get_confirm_title (fixture->rows), ==,
                   "Confirm New Password");
  enlist_password_rows_set_title (fixture->rows, "Password");
  enlist_password_rows_set_confirm_title (fixture->rows, "Confirm Password");
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (fixture->rows), ADW_TYPE_PASSWORD_ENTRY_ROW,
                                         "Confirm Password"));
  g_assert_nonnull (enlist_ui_test_find (GTK_WIDGET (fixture->rows), GTK_TYPE_BUTTON, "Generate"));

  g_assert_true (enlist_password_rows_get_matches (fixture->rows));
  g_assert_cmpint (enlist_password_rows_get_strength (fixture->rows), ==,
                   ENLIST_PASSWORD_STRENGTH_NONE);
  g_assert_null (strength_text (fixture));
  /* the text lives in buffers that are never swapped out and are wiped */
  g_assert_true (GTK_IS_PASSWORD_ENTRY_BUFFER (gtk_text_get_buffer (
    GTK_TEXT (gtk_editable_get_delegate (password_row (fixture))))));
  g_assert_true (GTK_IS_PASSWORD_ENTRY_BUFFER (gtk_text_get_buffer (
    GTK_TEXT (gtk_editable_get_delegate (confirm_row (fixture))))));

  gtk_editable_set_text (password_row (fixture), "password");
  g_assert_cmpuint (fixture->changed, ==, 1);
  g_assert_cmpstr (enlist_password_rows_get_password (fixture->rows), ==, "password");
  /* not yet confirmed: not matching, but no complaint yet */
  g_assert_false (enlist_password_rows_get_matches (fixture->rows));
  g_assert_cmpuint (fixture->matches_notified, ==, 1);
  g_assert_null (enlist_password_rows_get_message (fixture->rows));
  g_assert_cmpstr (strength_text (fixture), ==, "Weak");
  g_assert_cmpfloat (strength_bar_value (fixture), ==, ENLIST_PASSWORD_STRENGTH_WEAK);

  gtk_editable_set_text (password_row (fixture), "kF7mP2xQ9rT4vW");
  gtk_editable_set_text (confirm_row (fixture), "kF7mP2xQ9rT4");
  g_assert_false (enlist_password_rows_get_matches (fixture->rows));
  g_assert_cmpstr (enlist_password_rows_get_message (fixture->rows), ==,
                   "The passwords do not match.");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (confirm_row (fixture)), "error"));
  g_assert_cmpstr (strength_text (fixture), ==, "Strong");
  shot = enlist_ui_test_screenshot (fixture->window, "password-rows-mismatch");
  g_clear_pointer (&shot, g_free);

  notified = fixture->matches_notified;
  gtk_editable_set_text (confirm_row (fixture), "kF7mP2xQ9rT4vW");
  g_assert_true (enlist_password_rows_get_matches (fixture->rows));
  g_assert_null (enlist_password_rows_get_message (fixture->rows));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (confirm_row (fixture)), "error"));
  g_assert_cmpuint (fixture->matches_notified, ==, notified + 1);
  /* the confirmation is no password of its own */
  changed = fixture->changed;
  gtk_editable_set_text (confirm_row (fixture), "kF7mP2xQ9rT4vWz");
  g_assert_cmpuint (fixture->changed, ==, changed);
  gtk_editable_set_text (confirm_row (fixture), "kF7mP2xQ9rT4vW");
  shot = enlist_ui_test_screenshot (fixture->window, "password-rows-match");
  g_clear_pointer (&shot, g_free);

  /* a server's complaint stays until the user edits */
  enlist_password_rows_set_error (fixture->rows, "The server refused this password.");
  g_assert_cmpstr (enlist_password_rows_get_message (fixture->rows), ==,
                   "The server refused this password.");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (password_row (fixture)), "error"));
  shot = enlist_ui_test_screenshot (fixture->window, "password-rows-server-error");
  g_clear_pointer (&shot, g_free);
  gtk_editable_set_text (password_row (fixture), "kF7mP2xQ9rT4vWx");
  g_assert_cmpstr (enlist_password_rows_get_message (fixture->rows), ==,
                   "The passwords do not match.");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (password_row (fixture)), "error"));

  enlist_password_rows_clear (fixture->rows);
  g_assert_true (enlist_password_rows_get_matches (fixture->rows));
  g_assert_cmpstr (enlist_password_rows_get_password (fixture->rows), ==, "");
}

static void
test_rows_user_inputs (RowsFixture   *fixture,
                       gconstpointer  data)
{
  const char *inputs[] = { "wonderland", NULL };

  gtk_editable_set_text (password_row (fixture), "wonderland");
  enlist_password_rows_set_user_inputs (fixture->rows, inputs);
  g_assert_cmpint (enlist_password_rows_get_strength (fixture->rows), ==,
                   ENLIST_PASSWORD_STRENGTH_WEAK);
}

static GtkWidget *
focus_of (GtkWidget *window)
{
  return gtk_root_get_focus (GTK_ROOT (window));
}

static void
test_rows_enter (RowsFixture   *fixture,
                 gconstpointer  data)
{
  GtkWidget *password_text = GTK_WIDGET (gtk_editable_get_delegate (password_row (fixture)));
  GtkWidget *confirm_text = GTK_WIDGET (gtk_editable_get_delegate (confirm_row (fixture)));

  gtk_widget_grab_focus (GTK_WIDGET (password_row (fixture)));
  g_assert_true (gtk_widget_is_ancestor (focus_of (fixture->window),
                                         GTK_WIDGET (password_row (fixture))));
  /* Enter in the password goes on to the confirmation… */
  /* what GtkText's Enter key binding emits */
  g_signal_emit_by_name (password_text, "activate");
  g_assert_true (gtk_widget_is_ancestor (focus_of (fixture->window),
                                         GTK_WIDGET (confirm_row (fixture))));
  g_assert_cmpuint (fixture->activated, ==, 0);
  /* …and from there is the rows' "activate" */
  g_signal_emit_by_name (confirm_text, "activate");
  g_assert_cmpuint (fixture->activated, ==, 1);
}

typedef struct
{
  char     *text;
  gboolean  done;
} ClipboardRead;

static void
clipboard_read_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ClipboardRead *read = user_data;
  g_autoptr(GError) error = NULL;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
  read->done = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
popover_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

static gboolean
popover_is_hidden (gpointer data)
{
  return !gtk_widget_get_visible (GTK_WIDGET (data));
}

static void
test_rows_generate (RowsFixture   *fixture,
                    gconstpointer  data)
{
  g_autofree char *shot = NULL;
  g_autofree char *password = NULL;
  ClipboardRead read = { NULL, FALSE };
  GtkWidget *popover, *label = NULL;

  gtk_editable_set_text (confirm_row (fixture), "something else");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->rows), "password-rows.generate",
                                             NULL));

  password = g_strdup (enlist_password_rows_get_password (fixture->rows));
  g_assert_cmpuint (strlen (password), ==, ENLIST_PASSWORD_GENERATOR_DEFAULT_LENGTH);
  assert_in_alphabet (password);
  g_assert_cmpstr (gtk_editable_get_text (confirm_row (fixture)), ==, password);
  g_assert_true (enlist_password_rows_get_matches (fixture->rows));
  g_assert_null (enlist_password_rows_get_message (fixture->rows));
  g_assert_cmpint (enlist_password_rows_get_strength (fixture->rows), ==,
                   ENLIST_PASSWORD_STRENGTH_STRONG);
  g_assert_cmpstr (strength_text (fixture), ==, "Strong");
  g_assert_cmpuint (fixture->changed, ==, 1);

  /* shown once, in a popover with a Copy button */
  popover = enlist_ui_test_find (GTK_WIDGET (fixture->rows), GTK_TYPE_POPOVER, NULL);
  g_assert_nonnull (popover);
  enlist_ui_test_wait_until (popover_is_mapped, popover, 5000, "the popover to be shown");
  label = enlist_ui_test_find (popover, GTK_TYPE_LABEL, password);
  g_assert_nonnull (label);
  g_assert_true (gtk_label_get_selectable (GTK_LABEL (label)));
  g_assert_nonnull (enlist_ui_test_find (popover, GTK_TYPE_BUTTON, "Copy"));
  shot = enlist_ui_test_screenshot (fixture->window, "password-rows-generated");
  g_clear_pointer (&shot, g_free);
  shot = enlist_ui_test_screenshot (popover, "password-rows-generated-popover");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->rows), "password-rows.copy",
                                             NULL));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (fixture->rows)), NULL,
                                 clipboard_read_cb, &read);
  enlist_ui_test_wait_until (is_true, &read.done, 5000, "the clipboard");
  g_assert_cmpstr (read.text, ==, password);
  enlist_secret_free (read.text);

  /* Copy closes the popover, which forgets the password */
  enlist_ui_test_wait_until (popover_is_hidden, popover, 5000, "the popover to close");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, "");
  g_assert_null (enlist_ui_test_find (popover, GTK_TYPE_LABEL, password));
}

int
main (int    argc,
      char **argv)
{
  /* accessible properties checked in-process (gtk_test_accessible_*), with
   * no AT-SPI registry started on the session bus */
  g_setenv ("GTK_A11Y", "test", TRUE);
  enlist_ui_test_init (&argc, &argv);

  g_test_add_func ("/password/generator/shape", test_generator_shape);
  g_test_add_func ("/password/generator/no-modulo-bias", test_generator_no_modulo_bias);
  g_test_add_func ("/password/generator/bad-sources", test_generator_bad_sources);
  g_test_add_func ("/password/generator/distribution", test_generator_distribution);
  g_test_add_func ("/password/strength/simple", test_strength_simple);
  g_test_add_func ("/password/strength/estimate", test_strength_estimate);
  g_test_add ("/password/rows/matching", RowsFixture, NULL,
              rows_setup, test_rows_matching, rows_teardown);
  g_test_add ("/password/rows/user-inputs", RowsFixture, NULL,
              rows_setup, test_rows_user_inputs, rows_teardown);
  g_test_add ("/password/rows/enter", RowsFixture, NULL,
              rows_setup, test_rows_enter, rows_teardown);
  g_test_add ("/password/rows/generate", RowsFixture, NULL,
              rows_setup, test_rows_generate, rows_teardown);

  return g_test_run ();
}
