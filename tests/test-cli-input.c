/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-cli-input.c: what enlist-cli reads (enlist-cli-input.h): secrets
 * and answers from a pipe, with their limits; password files; the
 * arguments of --field and the values they put into a form. */
#define G_LOG_DOMAIN "test-cli-input"

#include "config.h"

#include <fcntl.h>
#include <locale.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "enlist-cli-input.h"
#include "enlist-test-forms.h"
#include "enlist-text.h"

#define FORM \
  "<x xmlns='jabber:x:data' type='form'>" \
  "<field type='hidden' var='FORM_TYPE'><value>jabber:iq:register</value></field>" \
  "<field type='text-single' var='username'><required/></field>" \
  "<field type='text-private' var='password'><required/></field>" \
  "<field type='text-multi' var='about'/>" \
  "<field type='jid-multi' var='friends'/>" \
  "<field type='fixed'><value>Read this.</value></field>" \
  "</x>"

static char *work_dir;

static char *
write_file (const char *name,
            const char *contents,
            gssize      length)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (work_dir, name, NULL);

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
  return path;
}

/* A pipe whose write end has had data written and was closed: what a
 * script feeding enlist-cli looks like. Returns the read end. */
static int
pipe_with (const char *data,
           gsize       length)
{
  int fds[2];

  g_assert_cmpint (pipe (fds), ==, 0);
  /* small enough for the pipe's buffer */
  g_assert_cmpuint (length, <, 65536);
  g_assert_cmpint (write (fds[1], data, length), ==, (gssize) length);
  close (fds[1]);
  return fds[0];
}

static void
test_secret_pipe (void)
{
  const char input[] = "hunter2\nsecond\r\n\nab\0cd\n";
  int fd = pipe_with (input, sizeof input - 1);
  g_autoptr(GError) error = NULL;
  char *secret;

  /* a line at a time: what follows stays for the next read */
  secret = enlist_cli_read_secret (fd, "unused: ", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "hunter2");
  enlist_secret_free (secret);
  secret = enlist_cli_read_secret (fd, "unused: ", &error);
  g_assert_cmpstr (secret, ==, "second");
  enlist_secret_free (secret);

  /* an empty line, a line with a NUL byte (it would be cut short), then
   * the end of the input: no password */
  g_assert_null (enlist_cli_read_secret (fd, "", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_null (enlist_cli_read_secret (fd, "", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_null (enlist_cli_read_secret (fd, "", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  close (fd);
}

static void
test_secret_limit (void)
{
  g_autofree char *longest = g_strnfill (ENLIST_CLI_MAX_SECRET, 'x');
  g_autofree char *too_long = g_strnfill (ENLIST_CLI_MAX_SECRET + 1, 'y');
  g_autofree char *input = g_strconcat (longest, "\n", too_long, "\n", NULL);
  int fd = pipe_with (input, strlen (input));
  g_autoptr(GError) error = NULL;
  char *secret;

  secret = enlist_cli_read_secret (fd, "", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, longest);
  enlist_secret_free (secret);

  g_assert_null (enlist_cli_read_secret (fd, "", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  /* the message gives the limit, never the secret */
  g_assert_nonnull (strstr (error->message, "1024"));
  g_assert_null (strstr (error->message, "yyy"));
  close (fd);
}

static void
test_password_file (void)
{
  g_autofree char *path = write_file ("password", "first line\r\nsecond line\n", -1);
  g_autofree char *missing = g_build_filename (work_dir, "no-such-file", NULL);
  g_autoptr(GError) error = NULL;
  char *password;

  password = enlist_cli_read_password_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "first line");
  enlist_secret_free (password);
  /* the new password comes from the file too, read the same way */
  password = enlist_cli_read_new_password (path, &error);
  g_assert_cmpstr (password, ==, "first line");
  enlist_secret_free (password);

  g_assert_null (enlist_cli_read_password_file (missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_unlink (path);
}

static void
test_read_line (void)
{
  const char input[] = "alice\r\n\nbad \xff\n";
  int fd = pipe_with (input, sizeof input - 1);
  g_autofree char *too_long = g_strnfill (ENLIST_CLI_MAX_LINE + 1, 'z');
  g_autoptr(GError) error = NULL;
  char *line;

  line = enlist_cli_read_line (fd, "Name: ", &error);
  g_assert_cmpstr (line, ==, "alice");
  g_free (line);
  line = enlist_cli_read_line (fd, "Name: ", &error);
  g_assert_cmpstr (line, ==, "");
  g_free (line);
  g_assert_null (enlist_cli_read_line (fd, "", &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_clear_error (&error);
  /* the end of the input */
  g_assert_null (enlist_cli_read_line (fd, "", &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_clear_error (&error);
  close (fd);

  /* longer than a form value may be: refused as soon as it is */
  {
    int fds[2];
    pid_t writer;

    g_assert_cmpint (pipe (fds), ==, 0);
    writer = fork ();
    g_assert_cmpint (writer, >=, 0);
    if (writer == 0)
      {
        close (fds[0]);
        if (write (fds[1], too_long, strlen (too_long)) < 0)
          _exit (1);
        _exit (0);
      }
    close (fds[1]);
    g_assert_null (enlist_cli_read_line (fds[0], "", &error));
    g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
    close (fds[0]);
    g_assert_cmpint (waitpid (writer, NULL, 0), ==, writer);
  }
}

static void
test_field_arg (void)
{
  static const struct
  {
    const char *arg;
    const char *var;
    const char *value;
    gboolean    from_file;
  } valid[] = {
    { "username=alice", "username", "alice", FALSE },
    { "nick=", "nick", "", FALSE },
    { "motto=a=b", "motto", "a=b", FALSE },
    { "password=@/run/secret", "password", "/run/secret", TRUE },
  };
  const char *invalid[] = { "hunter2", "=hunter2", "" };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *var = NULL;
      const char *value = NULL;
      gboolean from_file = FALSE;

      g_assert_true (enlist_cli_parse_field_arg (valid[i].arg, &var, &value, &from_file, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (var, ==, valid[i].var);
      g_assert_cmpstr (value, ==, valid[i].value);
      g_assert_cmpint (from_file, ==, valid[i].from_file);
    }
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *var = NULL;
      const char *value = NULL;
      gboolean from_file = FALSE;

      g_assert_false (enlist_cli_parse_field_arg (invalid[i], &var, &value, &from_file, &error));
      g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
      /* it may have been a password: never quoted */
      g_assert_null (strstr (error->message, "hunter2"));
      g_assert_null (var);
    }
}

static void
test_apply_fields (void)
{
  g_autoptr(EnlistDataForm) form = enlist_test_form_from_string_ok (FORM);
  g_autofree char *password = write_file ("field-password", "s3cret pass\nignored\n", -1);
  g_autofree char *about = write_file ("field-about", "line one\n\nline two\r\n", -1);
  g_autofree char *password_arg = g_strconcat ("password=@", password, NULL);
  g_autofree char *about_arg = g_strconcat ("about=@", about, NULL);
  const char *fields[] = {
    "username=bob", "username=alice",            /* one value: the last wins */
    "friends=a@example.org", "friends=b@example.org",  /* several: they add up */
    password_arg, about_arg,
    "nickname=nobody", "FORM_TYPE=evil",          /* not in the form / not filled in: ignored */
    NULL
  };
  g_autoptr(GError) error = NULL;
  const char * const *values;

  g_assert_true (enlist_cli_apply_fields (fields, form, "register", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (enlist_form_field_get_value (enlist_data_form_lookup_field (form, "username")),
                   ==, "alice");
  g_assert_cmpstr (enlist_form_field_get_value (enlist_data_form_lookup_field (form, "password")),
                   ==, "s3cret pass");
  values = enlist_form_field_get_values (enlist_data_form_lookup_field (form, "friends"));
  g_assert_cmpuint (g_strv_length ((char **) values), ==, 2);
  g_assert_cmpstr (values[1], ==, "b@example.org");
  values = enlist_form_field_get_values (enlist_data_form_lookup_field (form, "about"));
  g_assert_cmpuint (g_strv_length ((char **) values), ==, 2);
  g_assert_cmpstr (values[0], ==, "line one");
  g_assert_cmpstr (values[1], ==, "line two");
  g_assert_cmpstr (enlist_form_field_get_value (enlist_data_form_lookup_field (form, "FORM_TYPE")),
                   ==, "jabber:iq:register");
  g_unlink (password);
  g_unlink (about);
}

static void
test_apply_fields_refused (void)
{
  g_autoptr(EnlistDataForm) form = enlist_test_form_from_string_ok (FORM);
  g_autofree char *missing = g_build_filename (work_dir, "no-such-file", NULL);
  g_autofree char *missing_arg = g_strconcat ("username=@", missing, NULL);
  const char *secret_on_argv[] = { "password=hunter2", NULL };
  const char *malformed[] = { "username=alice", "hunter2", NULL };
  const char *unreadable[] = { missing_arg, NULL };
  g_autoptr(GError) error = NULL;

  /* a password on the command line can be seen by other users */
  g_assert_false (enlist_cli_apply_fields (secret_on_argv, form, "register", &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_assert_null (strstr (error->message, "hunter2"));
  g_assert_nonnull (strstr (error->message, "--field password=@FILE"));
  g_assert_null (enlist_form_field_get_value (enlist_data_form_lookup_field (form, "password")));
  g_clear_error (&error);

  g_assert_false (enlist_cli_apply_fields (malformed, form, "register", &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_assert_null (strstr (error->message, "hunter2"));
  g_clear_error (&error);

  g_assert_false (enlist_cli_apply_fields (unreadable, form, "register", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, "--field username: "));
}

/* What --field VAR=@FILE refuses to read. */
static void
test_field_file_limits (void)
{
  const char with_nul[] = "alice\0bob\n";
  g_autofree char *nul = write_file ("field-nul", with_nul, sizeof with_nul - 1);
  g_autofree char *latin1 = write_file ("field-latin1", "caf\xe9\n", -1);
  g_autofree char *huge = g_build_filename (work_dir, "field-huge", NULL);
  g_autoptr(GError) error = NULL;
  int fd;

  g_assert_null (enlist_cli_read_field_file (nul, FALSE, FALSE, &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_clear_error (&error);
  g_assert_null (enlist_cli_read_field_file (latin1, FALSE, TRUE, &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_clear_error (&error);

  /* larger than any form can hold: refused without reading it all */
  fd = g_open (huge, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, ENLIST_CLI_MAX_FIELD_FILE + 1), ==, 0);
  close (fd);
  g_assert_null (enlist_cli_read_field_file (huge, FALSE, TRUE, &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);

  g_unlink (nul);
  g_unlink (latin1);
  g_unlink (huge);
}

static void
test_boolean_answer (void)
{
  const char *yes[] = { "y", "YES", " true ", "1" };
  const char *no[] = { "n", "No", "0", "false", "", "  " };
  const char *neither[] = { "maybe", "yess", "2" };
  gboolean value;

  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    {
      value = FALSE;
      g_assert_true (enlist_cli_parse_boolean_answer (yes[i], &value));
      g_assert_true (value);
    }
  for (guint i = 0; i < G_N_ELEMENTS (no); i++)
    {
      value = TRUE;
      g_assert_true (enlist_cli_parse_boolean_answer (no[i], &value));
      g_assert_false (value);
    }
  for (guint i = 0; i < G_N_ELEMENTS (neither); i++)
    g_assert_false (enlist_cli_parse_boolean_answer (neither[i], &value));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int result;

  /* the messages compared are the untranslated ones */
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli-input/secret-pipe", test_secret_pipe);
  g_test_add_func ("/cli-input/secret-limit", test_secret_limit);
  g_test_add_func ("/cli-input/password-file", test_password_file);
  g_test_add_func ("/cli-input/read-line", test_read_line);
  g_test_add_func ("/cli-input/field-arg", test_field_arg);
  g_test_add_func ("/cli-input/apply-fields", test_apply_fields);
  g_test_add_func ("/cli-input/apply-fields-refused", test_apply_fields_refused);
  g_test_add_func ("/cli-input/field-file-limits", test_field_file_limits);
  g_test_add_func ("/cli-input/boolean-answer", test_boolean_answer);

  work_dir = g_dir_make_tmp ("enlist-cli-input-XXXXXX", &error);
  g_assert_no_error (error);
  result = g_test_run ();
  g_rmdir (work_dir);
  g_free (work_dir);
  return result;
}
