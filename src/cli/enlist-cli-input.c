/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-cli-input.c: what enlist-cli reads from its user: secrets without
 * echo, answers, password files, --field values, and form fields asked for
 * on a terminal. Input is read a byte at a time so that nothing past the
 * line wanted is consumed (the next prompt reads the next line), and every
 * buffer that held a secret is wiped. */
#define G_LOG_DOMAIN "enlist-cli"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "enlist-cli-input.h"
#include "enlist-cli-output.h"
#include "enlist-text.h"

/* Secrets */

static struct termios echo_saved;
static volatile sig_atomic_t echo_fd = -1;

/* A signal while echo is off: the terminal is given back first, then the
 * signal does what it would have done. */
static void
restore_echo_and_die (int signum)
{
  if (echo_fd >= 0)
    tcsetattr (echo_fd, TCSAFLUSH, &echo_saved);
  signal (signum, SIG_DFL);
  raise (signum);
}

/* The whole of read_secret's buffer: a refused secret may go on past a
 * NUL byte. */
static void
wipe_buffer (char *buffer)
{
  if (buffer == NULL)
    return;
  explicit_bzero (buffer, ENLIST_CLI_MAX_SECRET + 1);
  g_free (buffer);
}

char *
enlist_cli_read_secret (int          fd,
                        const char  *prompt,
                        GError     **error)
{
  struct sigaction restore_action = { 0 }, old_int, old_term, old_hup, old_quit;
  struct termios saved, quiet;
  gboolean tty = isatty (fd);
  char *buffer = g_malloc0 (ENLIST_CLI_MAX_SECRET + 1);
  gsize len = 0;

  if (tty)
    {
      fprintf (stderr, "%s", prompt);
      fflush (stderr);
      if (tcgetattr (fd, &saved) == 0)
        {
          echo_saved = saved;
          echo_fd = fd;
          restore_action.sa_handler = restore_echo_and_die;
          sigemptyset (&restore_action.sa_mask);
          sigaction (SIGINT, &restore_action, &old_int);
          sigaction (SIGTERM, &restore_action, &old_term);
          sigaction (SIGHUP, &restore_action, &old_hup);
          sigaction (SIGQUIT, &restore_action, &old_quit);
          quiet = saved;
          quiet.c_lflag &= ~(ECHO);
          tcsetattr (fd, TCSAFLUSH, &quiet);
        }
      else
        tty = FALSE;
    }

  for (;;)
    {
      char c;
      ssize_t n = read (fd, &c, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0 || c == '\n')
        break;
      if (len == ENLIST_CLI_MAX_SECRET)
        {
          len = ENLIST_CLI_MAX_SECRET + 1;
          break;
        }
      buffer[len++] = c;
    }

  if (tty)
    {
      tcsetattr (fd, TCSAFLUSH, &saved);
      echo_fd = -1;
      sigaction (SIGINT, &old_int, NULL);
      sigaction (SIGTERM, &old_term, NULL);
      sigaction (SIGHUP, &old_hup, NULL);
      sigaction (SIGQUIT, &old_quit, NULL);
      fprintf (stderr, "\n");
    }

  if (len > 0 && len <= ENLIST_CLI_MAX_SECRET && buffer[len - 1] == '\r')
    buffer[--len] = '\0';

  if (len == 0 || len > ENLIST_CLI_MAX_SECRET || memchr (buffer, '\0', len) != NULL)
    {
      gboolean nul = len > 0 && len <= ENLIST_CLI_MAX_SECRET;

      wipe_buffer (buffer);
      if (len == 0)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s",
                     _("No password was given."));
      else if (nul)
        /* it would be cut short there */
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s",
                     _("The password contains a zero byte."));
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     _("The password is longer than %d bytes."), ENLIST_CLI_MAX_SECRET);
      return NULL;
    }
  return buffer;
}

char *
enlist_cli_read_password_file (const char  *path,
                               GError     **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  char *password;

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot open the password file %s: %s"), path, g_strerror (saved));
      return NULL;
    }
  password = enlist_cli_read_secret (fd, "", error);
  close (fd);
  return password;
}

char *
enlist_cli_read_new_password (const char  *path,
                              GError     **error)
{
  char *first, *again;
  gboolean same;

  if (path != NULL)
    return enlist_cli_read_password_file (path, error);

  first = enlist_cli_read_secret (STDIN_FILENO, _("New password: "), error);
  if (first == NULL || !isatty (STDIN_FILENO))
    return first;
  again = enlist_cli_read_secret (STDIN_FILENO, _("New password (again): "), error);
  if (again == NULL)
    {
      enlist_secret_free (first);
      return NULL;
    }
  same = g_str_equal (first, again);
  enlist_secret_free (again);
  if (!same)
    {
      enlist_secret_free (first);
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s",
                   _("The two entries differ."));
      return NULL;
    }
  return first;
}

/* Lines */

char *
enlist_cli_read_line (int          fd,
                      const char  *prompt,
                      GError     **error)
{
  g_autoptr(GString) line = g_string_new (NULL);
  gboolean got_any = FALSE;

  if (isatty (fd))
    {
      fprintf (stderr, "%s", prompt);
      fflush (stderr);
    }
  for (;;)
    {
      char c;
      ssize_t n = read (fd, &c, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Cannot read standard input: %s"), g_strerror (saved));
          return NULL;
        }
      if (n == 0 && !got_any)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s",
                       _("The input ended before an answer was given."));
          return NULL;
        }
      if (n == 0 || c == '\n')
        break;
      got_any = TRUE;
      if (line->len >= ENLIST_CLI_MAX_LINE)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("The answer is longer than %d bytes."), ENLIST_CLI_MAX_LINE);
          return NULL;
        }
      g_string_append_c (line, c);
    }
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);
  if (!g_utf8_validate (line->str, line->len, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s",
                   _("The answer is not valid UTF-8."));
      return NULL;
    }
  return g_string_free (g_steal_pointer (&line), FALSE);
}

/* --field */

gboolean
enlist_cli_parse_field_arg (const char  *arg,
                            char       **var,
                            const char **value,
                            gboolean    *from_file,
                            GError     **error)
{
  const char *eq = strchr (arg, '=');

  if (eq == NULL || eq == arg)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s",
                   _("--field expects VAR=VALUE or VAR=@FILE."));
      return FALSE;
    }
  *var = g_strndup (arg, eq - arg);
  *from_file = eq[1] == '@';
  *value = *from_file ? eq + 2 : eq + 1;
  return TRUE;
}

/* The file at path, unless it is longer than limit bytes. */
static char *
read_bounded (const char  *path,
              gsize        limit,
              gsize       *length,
              GError     **error)
{
  g_autoptr(GString) contents = g_string_new (NULL);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  char chunk[4096];

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot open %s: %s"), path, g_strerror (saved));
      return NULL;
    }
  for (;;)
    {
      ssize_t n = read (fd, chunk, sizeof chunk);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Cannot read %s: %s"), path, g_strerror (saved));
          return NULL;
        }
      if (n == 0)
        break;
      if (contents->len + n > limit)
        {
          close (fd);
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("%s is longer than %u bytes."), path, (guint) limit);
          return NULL;
        }
      g_string_append_len (contents, chunk, n);
    }
  close (fd);
  *length = contents->len;
  return g_string_free (g_steal_pointer (&contents), FALSE);
}

char **
enlist_cli_read_field_file (const char  *path,
                            gboolean     secret,
                            gboolean     multi,
                            GError     **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  gsize length;

  if (secret)
    {
      char **values = g_new0 (char *, 2);

      values[0] = enlist_cli_read_password_file (path, error);
      if (values[0] == NULL)
        {
          g_free (values);
          return NULL;
        }
      return values;
    }

  contents = read_bounded (path, ENLIST_CLI_MAX_FIELD_FILE, &length, error);
  if (contents == NULL)
    return NULL;
  if (!g_utf8_validate (contents, length, NULL) || strlen (contents) != length)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s is not valid UTF-8."), path);
      return NULL;
    }
  lines = g_strsplit (contents, "\n", -1);
  builder = g_strv_builder_new ();
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gsize len = strlen (lines[i]);

      if (len > 0 && lines[i][len - 1] == '\r')
        lines[i][len - 1] = '\0';
      if (!multi)
        {
          g_strv_builder_add (builder, lines[i]);
          break;
        }
      if (*lines[i] != '\0')
        g_strv_builder_add (builder, lines[i]);
    }
  return g_strv_builder_end (builder);
}

gboolean
enlist_cli_field_is_multi (EnlistFormField *field)
{
  switch (enlist_form_field_get_field_type (field))
    {
    case ENLIST_FIELD_TYPE_JID_MULTI:
    case ENLIST_FIELD_TYPE_LIST_MULTI:
    case ENLIST_FIELD_TYPE_TEXT_MULTI:
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
enlist_cli_field_is_input (EnlistFormField *field)
{
  EnlistFieldType type = enlist_form_field_get_field_type (field);

  return type != ENLIST_FIELD_TYPE_HIDDEN && type != ENLIST_FIELD_TYPE_FIXED;
}

gboolean
enlist_cli_field_is_empty (EnlistFormField *field)
{
  const char *value = enlist_form_field_get_value (field);

  return value == NULL || *value == '\0';
}

gboolean
enlist_cli_apply_fields (const char * const *fields,
                         EnlistDataForm     *form,
                         const char         *verb,
                         GError            **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; fields != NULL && fields[i] != NULL; i++)
    {
      g_autofree char *var = NULL;
      const char *value;
      gboolean from_file;
      EnlistFormField *field;
      char **values = NULL;

      if (!enlist_cli_parse_field_arg (fields[i], &var, &value, &from_file, error))
        return FALSE;
      field = enlist_data_form_lookup_field (form, var);
      if (field == NULL || !enlist_cli_field_is_input (field))
        {
          g_autofree char *prefix = g_strdup_printf ("enlist-cli %s: ", verb);
          g_autofree char *message = g_strdup_printf (_("warning: the form has no field “%s” to "
                                                        "fill in; ignoring that --field."), var);

          enlist_cli_print_safe (stderr, prefix, message);
          continue;
        }

      if (from_file)
        {
          values = enlist_cli_read_field_file (value, enlist_form_field_is_secret (field),
                                               enlist_cli_field_is_multi (field), error);
          if (values == NULL)
            {
              g_prefix_error (error, _("--field %s: "), var);
              return FALSE;
            }
        }
      else if (enlist_form_field_is_secret (field))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("“%s” is a secret field: a value on the command line can be seen by "
                         "other users. Give it as --field %s=@FILE, or leave it out to be asked."),
                       var, var);
          return FALSE;
        }
      else
        {
          values = g_new0 (char *, 2);
          values[0] = g_strdup (value);
        }

      if (enlist_cli_field_is_multi (field) && g_hash_table_contains (seen, var))
        {
          g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
          g_auto(GStrv) joined = NULL;

          g_strv_builder_addv (builder, (const char **) enlist_form_field_get_values (field));
          g_strv_builder_addv (builder, (const char **) values);
          joined = g_strv_builder_end (builder);
          enlist_form_field_set_values (field, (const char * const *) joined);
        }
      else
        enlist_form_field_set_values (field, (const char * const *) values);
      g_hash_table_add (seen, g_steal_pointer (&var));
      enlist_secret_strv_free (values);
    }
  return TRUE;
}

/* Prompts */

gboolean
enlist_cli_parse_boolean_answer (const char *answer,
                                 gboolean   *value)
{
  static const char * const yes[] = { "y", "yes", "1", "true", NULL };
  static const char * const no[] = { "n", "no", "0", "false", "", NULL };
  g_autofree char *folded = g_ascii_strdown (answer, -1);

  g_strstrip (folded);
  if (g_strv_contains (yes, folded))
    *value = TRUE;
  else if (g_strv_contains (no, folded))
    *value = FALSE;
  else
    return FALSE;
  return TRUE;
}

/* An option's number, or the text as typed. */
static const char *
option_from_answer (EnlistFormField *field,
                    const char      *answer)
{
  guint64 n;

  if (g_ascii_string_to_unsigned (answer, 10, 1, enlist_form_field_get_n_options (field), &n, NULL))
    return enlist_form_field_get_option_value (field, (guint) n - 1);
  return answer;
}

/* A secret, typed twice; FALSE with *problem set when the two differ. */
static gboolean
prompt_secret (EnlistFormField  *field,
               const char       *name,
               GError          **problem,
               GError          **error)
{
  g_autofree char *prompt = g_strdup_printf ("%s: ", name);
  g_autofree char *again_prompt = g_strdup_printf (_("%s (again): "), name);
  char *first, *again;

  first = enlist_cli_read_secret (STDIN_FILENO, prompt, error);
  if (first == NULL)
    return FALSE;
  again = enlist_cli_read_secret (STDIN_FILENO, again_prompt, error);
  if (again == NULL)
    {
      enlist_secret_free (first);
      return FALSE;
    }
  if (!g_str_equal (first, again))
    g_set_error (problem, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s",
                 _("The two entries differ."));
  else
    enlist_form_field_set_value (field, first);
  enlist_secret_free (first);
  enlist_secret_free (again);
  return TRUE;
}

/* One answer for a field that is no secret; FALSE with *problem set when
 * it is not an answer at all. */
static gboolean
prompt_value (EnlistFormField  *field,
              const char       *name,
              GError          **problem,
              GError          **error)
{
  EnlistFieldType type = enlist_form_field_get_field_type (field);
  g_autofree char *prompt = NULL;
  g_autofree char *answer = NULL;

  if (type == ENLIST_FIELD_TYPE_BOOLEAN)
    prompt = g_strdup_printf ("%s [y/N]: ", name);
  else if (!enlist_form_field_is_required (field))
    prompt = g_strdup_printf (_("%s (optional, Enter to skip): "), name);
  else
    prompt = g_strdup_printf ("%s: ", name);
  answer = enlist_cli_read_line (STDIN_FILENO, prompt, error);
  if (answer == NULL)
    return FALSE;

  if (type == ENLIST_FIELD_TYPE_BOOLEAN)
    {
      gboolean value;

      if (!enlist_cli_parse_boolean_answer (answer, &value))
        g_set_error (problem, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s",
                     _("Answer y or n."));
      else
        enlist_form_field_set_boolean (field, value);
    }
  else if (type == ENLIST_FIELD_TYPE_LIST_MULTI)
    {
      g_auto(GStrv) words = g_strsplit_set (answer, " ,", -1);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) values = NULL;

      for (guint i = 0; words[i] != NULL; i++)
        if (*words[i] != '\0')
          g_strv_builder_add (builder, option_from_answer (field, words[i]));
      values = g_strv_builder_end (builder);
      enlist_form_field_set_values (field, (const char * const *) values);
    }
  else if (type == ENLIST_FIELD_TYPE_LIST_SINGLE)
    enlist_form_field_set_value (field,
                                 *answer != '\0' ? option_from_answer (field, answer) : NULL);
  else
    enlist_form_field_set_value (field, *answer != '\0' ? answer : NULL);
  return TRUE;
}

gboolean
enlist_cli_prompt_field (EnlistFormField  *field,
                         GError          **error)
{
  g_autofree char *name = enlist_text_neutralize (enlist_form_field_get_display_name (field), -1);
  g_autoptr(GError) problem = NULL;

  fprintf (stderr, "\n");
  enlist_cli_print_field_details (stderr, field, "");
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      gboolean read;

      if (problem != NULL)
        enlist_cli_print_safe (stderr, "", problem->message);
      g_clear_error (&problem);

      if (enlist_form_field_is_secret (field))
        read = prompt_secret (field, name, &problem, error);
      else
        read = prompt_value (field, name, &problem, error);
      if (!read)
        return FALSE;
      if (problem != NULL)
        continue;

      if (enlist_form_field_validate (field, &problem))
        return TRUE;
    }

  g_propagate_error (error, g_steal_pointer (&problem));
  return FALSE;
}
