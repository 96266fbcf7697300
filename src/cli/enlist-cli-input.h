/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-cli-input.h: what enlist-cli reads: secrets (without echo on a
 * terminal, the terminal restored even when a signal ends the process),
 * answers a line at a time, password files, the values of --field, and
 * form fields asked for on a terminal. Every read has a limit. */
#pragma once

#include <glib.h>

#include "enlist-data-form.h"

G_BEGIN_DECLS

/* The longest secret read, in bytes. */
#define ENLIST_CLI_MAX_SECRET 1024
/* The longest answer read on a line, in bytes. */
#define ENLIST_CLI_MAX_LINE   ENLIST_DATA_FORM_MAX_TEXT
/* The longest file --field VAR=@FILE reads, in bytes. */
#define ENLIST_CLI_MAX_FIELD_FILE (ENLIST_DATA_FORM_MAX_VALUES * ENLIST_DATA_FORM_MAX_TEXT)

/* One line from fd without its line ending, prompt first (on standard
 * error) and echo off when fd is a terminal. Empty, with a NUL byte, or
 * longer than ENLIST_CLI_MAX_SECRET, is G_IO_ERROR_INVALID_DATA. Free the result with
 * enlist_secret_free: every buffer that held it is wiped. */
char     *enlist_cli_read_secret           (int                 fd,
                                            const char         *prompt,
                                            GError            **error);
/* The first line of the file at path, as read_secret reads it. */
char     *enlist_cli_read_password_file    (const char         *path,
                                            GError            **error);
/* A new password: from the file at path, else from standard input, twice
 * on a terminal (entries that differ are G_OPTION_ERROR_BAD_VALUE). */
char     *enlist_cli_read_new_password     (const char         *path,
                                            GError            **error);
/* One line from fd, echoed as the terminal does (prompt on standard error
 * when fd is a terminal), without its line ending; "" for an empty line.
 * The end of the input before anything was read, a line longer than
 * ENLIST_CLI_MAX_LINE and invalid UTF-8 are G_OPTION_ERROR_BAD_VALUE. */
char     *enlist_cli_read_line             (int                 fd,
                                            const char         *prompt,
                                            GError            **error);

/* --field VAR=VALUE or VAR=@FILE: *var the name, *value what follows "="
 * (the file's path, without "@", when *from_file). The argument is never
 * quoted in the error: it may hold a password. */
gboolean  enlist_cli_parse_field_arg       (const char         *arg,
                                            char              **var,
                                            const char        **value,
                                            gboolean           *from_file,
                                            GError            **error);
/* The values of --field VAR=@FILE: the first line of the file, or for a
 * field with several values every non-empty line; a secret through
 * enlist_cli_read_password_file. Free with enlist_secret_strv_free. */
char    **enlist_cli_read_field_file       (const char         *path,
                                            gboolean            secret,
                                            gboolean            multi,
                                            GError            **error);
/* Fills form from the --field arguments: several for a field with several
 * values add up, otherwise the last wins; a field the form does not have
 * (or that no one fills in) is ignored with a warning on standard error
 * ("enlist-cli VERB: warning: …"). A secret field's value is refused on
 * the command line. */
gboolean  enlist_cli_apply_fields          (const char * const *fields,
                                            EnlistDataForm     *form,
                                            const char         *verb,
                                            GError            **error);

/* Fields a person fills in (neither hidden nor fixed). */
gboolean  enlist_cli_field_is_input        (EnlistFormField    *field);
/* Fields that take several values (jid-multi, list-multi, text-multi). */
gboolean  enlist_cli_field_is_multi        (EnlistFormField    *field);
gboolean  enlist_cli_field_is_empty        (EnlistFormField    *field);

/* y, yes, 1, true → TRUE; n, no, 0, false and "" → FALSE (any case, spaces
 * around ignored); anything else is not an answer. */
gboolean  enlist_cli_parse_boolean_answer  (const char         *answer,
                                            gboolean           *value);
/* Asks for field on the terminal (standard input) until its value
 * validates, three tries at most: secrets twice without echo, booleans as
 * y/n, options by number or value. */
gboolean  enlist_cli_prompt_field          (EnlistFormField    *field,
                                            GError            **error);

G_END_DECLS
