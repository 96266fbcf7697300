/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-registration-fake-cancel.c: EnlistRegistration's operations
 * cancelled once the request may have reached the fake server (the outcome
 * is still reported), and one operation at a time (busy). */
#define G_LOG_DOMAIN "test-registration-fake"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "enlist-test-reg.h"
#include "enlist-test-utils.h"

/* ---------------------------------------------------------------------- */
/* Cancelling once the request may have reached the server                 */

/* Data of the cancel tests: one step at a time rather than pipelined. */
#define STEPWISE 0x100

/* The caller cancels while the server creates the account: the account is
 * reported, never G_IO_ERROR_CANCELLED; step by step without the verifying
 * login, which was called off, pipelined with it, since it had gone out in
 * the submit's flight. */
static void
test_submit_cancel_accepted (EnlistTestReg *f,
                             gconstpointer  data)
{
  EnlistTestCancelWhen when = GPOINTER_TO_INT (data) & ~STEPWISE;
  gboolean stepwise = (GPOINTER_TO_INT (data) & STEPWISE) != 0;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  f->set_func = enlist_test_reg_set_register;
  f->cancel_when = when;
  enlist_test_reg_start (f, NULL);
  enlist_registration_set_pipelining (f->registration, !stepwise);
  form = enlist_test_reg_fetch_filled_form (f);

  enlist_registration_submit_async (f->registration, form, f->cancellable,
                                    enlist_test_store_result, &result);
  if (when == ENLIST_TEST_CANCEL_NEVER)
    {
      /* the form's connection was up: the iq is already written */
      g_assert_cmpint (enlist_registration_get_stage (f->registration), ==,
                       ENLIST_REGISTRATION_STAGE_SUBMITTING);
      g_cancellable_cancel (f->cancellable);
    }
  enlist_test_wait_for (&result);
  credentials = enlist_registration_submit_finish (f->registration, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (credentials);
  g_assert_cmpstr (enlist_credentials_get_address (credentials), ==, "alice@fake.test");
  g_assert_cmpstr (enlist_credentials_get_password (credentials), ==, "secret");
  g_assert_cmpstr (g_hash_table_lookup (f->accounts, "alice"), ==, "secret");
  g_assert_cmpuint (f->sets->len, ==, 1);
  if (stepwise)
    {
      /* the check was still to come: called off */
      g_assert_false (enlist_credentials_get_verified (credentials));
      g_assert_cmpuint (f->n_logins, ==, 0);
    }
  else
    {
      /* the login went in the submit's flight, before the cancel: its
       * answer counts */
      g_assert_true (enlist_credentials_get_verified (credentials));
      g_assert_cmpuint (f->n_logins, ==, 1);
    }
  g_assert_false (enlist_registration_get_busy (f->registration));
  g_clear_object (&result);
}

/* Cancelled before anything was sent: CANCELLED, and nothing reached the server. */
static void
test_submit_cancel_before (EnlistTestReg *f,
                           gconstpointer  data)
{
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  f->set_func = enlist_test_reg_set_unexpected;
  enlist_test_reg_start (f, NULL);
  form = enlist_test_reg_fetch_filled_form (f);

  g_cancellable_cancel (f->cancellable);
  credentials = enlist_test_reg_submit_credentials (f, form, f->cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (credentials);
  g_assert_cmpuint (f->sets->len, ==, 0);
}

static void
test_change_password_cancel (EnlistTestReg *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->set_func = enlist_test_reg_set_password_accept;
  f->cancel_when = GPOINTER_TO_INT (data);
  enlist_test_reg_add_account (f, "alice", "secret");
  enlist_test_reg_start (f, NULL);

  g_assert_true (enlist_test_reg_change_password_full (f, "secret", "n3w-s3cret", NULL,
                                                       f->cancellable, &error));
  g_assert_no_error (error);
  g_assert_true (g_cancellable_is_cancelled (f->cancellable));
  g_assert_cmpstr (g_hash_table_lookup (f->accounts, "alice"), ==, "n3w-s3cret");
}

/* Cancelled while the removal is on its way: the outcome is still
 * confirmed by logging in, whether the server deleted the account or not. */
static void
test_delete_cancel (EnlistTestReg *f,
                    gconstpointer  data)
{
  EnlistTestDeleteCase c = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  f->set_func = enlist_test_reg_set_delete;
  f->cancel_when = ENLIST_TEST_CANCEL_ON_RECEIPT;
  enlist_test_reg_add_account (f, "alice", "secret");
  enlist_test_reg_start (f, NULL);

  ok = enlist_test_reg_delete_account_full (f, f->cancellable, &error);
  g_assert_true (g_cancellable_is_cancelled (f->cancellable));
  if (c == ENLIST_TEST_DELETE_RESULT_STREAM_ERROR)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpuint (f->n_logins, ==, 1);
    }
  else
    {
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_FAILED);
      g_assert_false (ok);
      g_assert_cmpuint (f->n_logins, ==, 2);
    }
  g_assert_cmpuint (enlist_fake_server_get_n_connections (f->server), ==, 2);
}

/* ---------------------------------------------------------------------- */
/* One operation at a time                                                 */

typedef enum
{
  BUSY_FETCH,
  BUSY_SUBMIT,
  BUSY_SET_INVITE,
  BUSY_CLOSE,
} BusyCase;

/* Starting an operation while one runs is a programming error. */
static void
test_busy_guard (EnlistTestReg *f,
                 gconstpointer  data)
{
  BusyCase c = GPOINTER_TO_INT (data);

  if (g_test_subprocess ())
    {
      g_autoptr(EnlistDataForm) form = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GAsyncResult) second = NULL;

      f->set_func = enlist_test_reg_answer_result;
      enlist_test_reg_start (f, NULL);
      if (c == BUSY_SUBMIT)
        form = enlist_test_reg_fetch_filled_form (f);
      enlist_registration_fetch_form_async (f->registration, NULL, enlist_test_store_result,
                                            &result);
      g_assert_true (enlist_registration_get_busy (f->registration));
      switch (c)
        {
        case BUSY_FETCH:
          enlist_registration_fetch_form_async (f->registration, NULL, enlist_test_store_result,
                                                &second);
          break;
        case BUSY_SUBMIT:
          enlist_registration_submit_async (f->registration, form, NULL, enlist_test_store_result,
                                            &second);
          break;
        case BUSY_SET_INVITE:
          enlist_registration_set_invite (f->registration,
                                          "xmpp:other.test?register;preauth=t0ken", NULL);
          break;
        case BUSY_CLOSE:
        default:
          enlist_registration_close_async (f->registration, NULL, enlist_test_store_result,
                                           &second);
          break;
        }
      g_error ("the second operation was not refused");
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*!self->busy*");
}

static void
count_busy (GObject    *object,
            GParamSpec *pspec,
            gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

typedef struct
{
  GAsyncResult *result;
  gboolean      busy_in_callback;
} BusyProbe;

static void
busy_callback (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  BusyProbe *probe = user_data;

  probe->busy_in_callback = enlist_registration_get_busy (ENLIST_REGISTRATION (source));
  probe->result = g_object_ref (result);
}

/* busy is TRUE while an operation runs, and FALSE again by the time its
 * callback runs, so that the callback may start the next one. */
static void
test_busy_property (EnlistTestReg *f,
                    gconstpointer  data)
{
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  BusyProbe probe = { NULL, TRUE };
  guint notified = 0;

  f->set_func = enlist_test_reg_answer_result;
  enlist_test_reg_start (f, NULL);
  g_signal_connect (f->registration, "notify::busy", G_CALLBACK (count_busy), &notified);
  g_assert_false (enlist_registration_get_busy (f->registration));
  enlist_registration_fetch_form_async (f->registration, NULL, busy_callback, &probe);
  g_assert_true (enlist_registration_get_busy (f->registration));
  enlist_test_wait_for (&probe.result);
  g_assert_false (probe.busy_in_callback);
  form = enlist_registration_fetch_form_finish (f->registration, probe.result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (form);
  g_assert_cmpuint (notified, ==, 2);
  g_clear_object (&probe.result);
  g_signal_handlers_disconnect_by_func (f->registration, count_busy, &notified);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* the messages compared are the untranslated ones */
  setlocale (LC_MESSAGES, "C");

#define ADD(path, data, func) \
  g_test_add ("/registration-fake/" path, EnlistTestReg, data, enlist_test_reg_setup, func, \
              enlist_test_reg_teardown)

  ADD ("cancel/submit-on-answer", GINT_TO_POINTER (ENLIST_TEST_CANCEL_ON_ANSWER),
       test_submit_cancel_accepted);
  ADD ("cancel/submit-on-receipt", GINT_TO_POINTER (ENLIST_TEST_CANCEL_ON_RECEIPT),
       test_submit_cancel_accepted);
  ADD ("cancel/submit-after-write", GINT_TO_POINTER (ENLIST_TEST_CANCEL_NEVER),
       test_submit_cancel_accepted);
  ADD ("cancel/submit-on-answer-stepwise",
       GINT_TO_POINTER (ENLIST_TEST_CANCEL_ON_ANSWER | STEPWISE), test_submit_cancel_accepted);
  ADD ("cancel/submit-on-receipt-stepwise",
       GINT_TO_POINTER (ENLIST_TEST_CANCEL_ON_RECEIPT | STEPWISE), test_submit_cancel_accepted);
  ADD ("cancel/submit-after-write-stepwise", GINT_TO_POINTER (ENLIST_TEST_CANCEL_NEVER | STEPWISE),
       test_submit_cancel_accepted);
  ADD ("cancel/submit-before-send", NULL, test_submit_cancel_before);
  ADD ("cancel/change-password-on-answer", GINT_TO_POINTER (ENLIST_TEST_CANCEL_ON_ANSWER),
       test_change_password_cancel);
  ADD ("cancel/change-password-on-receipt", GINT_TO_POINTER (ENLIST_TEST_CANCEL_ON_RECEIPT),
       test_change_password_cancel);
  ADD ("cancel/delete-removed", GINT_TO_POINTER (ENLIST_TEST_DELETE_RESULT_STREAM_ERROR),
       test_delete_cancel);
  ADD ("cancel/delete-kept", GINT_TO_POINTER (ENLIST_TEST_DELETE_RESULT_KEPT), test_delete_cancel);
  ADD ("busy/fetch", GINT_TO_POINTER (BUSY_FETCH), test_busy_guard);
  ADD ("busy/submit", GINT_TO_POINTER (BUSY_SUBMIT), test_busy_guard);
  ADD ("busy/set-invite", GINT_TO_POINTER (BUSY_SET_INVITE), test_busy_guard);
  ADD ("busy/close", GINT_TO_POINTER (BUSY_CLOSE), test_busy_guard);
  ADD ("busy/property", NULL, test_busy_property);

#undef ADD

  return g_test_run ();
}
