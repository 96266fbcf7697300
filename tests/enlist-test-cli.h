/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-cli.h: running enlist-cli ($ENLIST_CLI) from the integration
 * tests, against the test servers, inside tests/keyring-session: its
 * arguments, its output parsed, and what the test's keyring holds. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "enlist-test-servers.h"

G_BEGIN_DECLS

typedef enum
{
  ENLIST_TEST_CLI_DEFAULT     = 0,
  ENLIST_TEST_CLI_NO_ENDPOINT = 1 << 0,  /* no --host/--port: stored settings (or DNS) decide */
  ENLIST_TEST_CLI_NO_CA       = 1 << 1,  /* no --ca-file: the trust store decides */
  ENLIST_TEST_CLI_TEXT        = 1 << 2,  /* no --json */
  ENLIST_TEST_CLI_NO_KEYRING  = 1 << 3,  /* no session bus, so no keyring */
} EnlistTestCliFlags;

/* Starts the servers asked for and makes a work directory holding
 * "password1" ("first password") and "password2" ("second password");
 * with ejabberd, also "solve-captcha", a --captcha-command that answers
 * ejabberd's CAPTCHA from the harness's answers. */
void                 enlist_test_cli_start          (gboolean            prosody,
                                                     gboolean            ejabberd);
/* Stops the servers and removes the work directory. */
void                 enlist_test_cli_stop           (void);
EnlistTestServers   *enlist_test_cli_get_servers    (void);

/* A path in the work directory (removed at the end with it). */
char                *enlist_test_cli_work_file      (const char         *name);
char                *enlist_test_cli_write_file     (const char         *name,
                                                     const char         *contents,
                                                     int                 mode);

/* A launcher for enlist-cli with the environment flags ask for. */
GSubprocessLauncher *enlist_test_cli_launcher       (GSubprocessFlags    flags,
                                                     EnlistTestCliFlags  run_flags);
/* enlist-cli, args, then what flags leave in: --host 127.0.0.1 --port
 * port (server's STARTTLS port when 0), --ca-file, --json. */
GPtrArray           *enlist_test_cli_argv           (const char         *server,
                                                     const char * const *args,
                                                     EnlistTestCliFlags  flags,
                                                     guint16             port);
/* Runs it with stdin a pipe (never a terminal) fed stdin_text; returns
 * standard output. It must exit by itself. */
char                *enlist_test_cli_run_text       (const char         *server,
                                                     const char * const *args,
                                                     const char         *stdin_text,
                                                     EnlistTestCliFlags  flags,
                                                     guint16             port,
                                                     int                *exit_status,
                                                     char              **stderr_out);
/* The same in JSON mode: the object printed, or NULL when nothing was
 * (refusals before anything is done go to stderr only). */
JsonObject          *enlist_test_cli_run_json       (const char         *server,
                                                     const char * const *args,
                                                     const char         *stdin_text,
                                                     EnlistTestCliFlags  flags,
                                                     guint16             port,
                                                     int                *exit_status,
                                                     char              **stderr_out,
                                                     JsonParser        **parser_out);
/* The element of the array member array of result (JSON output) whose
 * "address" is address, or NULL. */
JsonObject          *enlist_test_cli_find_member    (JsonObject         *result,
                                                     const char         *array,
                                                     const char         *address);
/* The exit status of enlist-cli login with the password in password_file. */
int                  enlist_test_cli_login_status   (const char         *server,
                                                     const char         *jid,
                                                     const char         *password_file);

char                *enlist_test_cli_random_user    (const char         *prefix);
/* user@the servers' domain */
char                *enlist_test_cli_jid_of         (const char         *user);

/* What the test's keyring holds for jid: confirmed, or pending for a
 * registration; NULL when nothing. */
char                *enlist_test_cli_keyring_password (const char       *jid);
char                *enlist_test_cli_keyring_pending  (const char       *jid);
/* The new password of a password change that is pending, or NULL. */
char                *enlist_test_cli_keyring_pending_password (const char *jid);
/* That it holds the first line of password_file for jid (nothing for NULL). */
void                 enlist_test_cli_assert_keyring_holds (const char   *jid,
                                                           const char   *password_file);

G_END_DECLS
