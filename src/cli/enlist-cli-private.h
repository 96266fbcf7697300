/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-cli-private.h: what the files of enlist-cli share: the options
 * and state of the verb that runs, setting it up (the account manager,
 * registrations with the stored pins), waiting for results, and the verbs
 * themselves. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "enlist-account-manager.h"
#include "enlist-registration.h"

G_BEGIN_DECLS

/* The option groups a verb offers besides its own. */
typedef enum
{
  ENLIST_CLI_OPTIONS_BASIC      = 0,       /* --ca-file, --timeout, --json, --trace */
  ENLIST_CLI_OPTIONS_ENDPOINT   = 1 << 0,  /* --host, --port, --direct-tls, --pin */
  ENLIST_CLI_OPTIONS_PIPELINING = 1 << 1,  /* --no-pipelining */
} EnlistCliOptions;

typedef struct
{
  /* shared options */
  char                  *host;
  gint                   port;
  gboolean               direct_tls;
  char                  *ca_file;
  char                 **pins;
  gint                   timeout_s;
  gboolean               json;
  gboolean               trace;
  gboolean               no_pipelining;

  /* the verbs' own */
  char                  *password_file;
  char                  *new_password_file;
  gboolean               yes;
  gboolean               fetch_form;
  gboolean               save_pin;
  char                 **fields;
  char                  *captcha_image_out;
  char                  *captcha_command;
  char                  *invite;
  gboolean               no_verify;
  gboolean               save;

  /* while the verb runs */
  EnlistAccountManager  *manager;
  GCancellable          *cancellable;   /* cancelled by SIGINT and SIGTERM */
  char                  *temp_image;    /* a CAPTCHA image, removed at the end */
  GError                *file_error;    /* the last failed write of the account file */
  gint64                 flow_started;  /* monotonic µs: the verb's first engine call */
  gint64                 flow_finished; /* monotonic µs: its flow's finish callback ran */
} EnlistCli;

void                enlist_cli_clear                    (EnlistCli            *cli);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EnlistCli, enlist_cli_clear)

/* A verb's options: its own entries (may be NULL) and the shared ones
 * named by options, stored into cli. */
GOptionContext     *enlist_cli_option_context           (EnlistCli            *cli,
                                                         const char           *summary,
                                                         const GOptionEntry   *entries,
                                                         EnlistCliOptions      options);
/* Parses them; on a bad option, or unless n_operands operands are left,
 * says so on standard error (operand_missing) and returns FALSE. */
gboolean            enlist_cli_parse_options            (GOptionContext       *context,
                                                         const char           *verb,
                                                         guint                 n_operands,
                                                         const char           *operand_missing,
                                                         int                  *argc,
                                                         char               ***argv);
/* Checks the endpoint options, turns on tracing, and makes the account
 * manager (with --ca-file and --timeout) and the cancellable. */
gboolean            enlist_cli_setup                    (EnlistCli            *cli,
                                                         GError              **error);
/* Whether --host, --port or --direct-tls was given. */
gboolean            enlist_cli_has_endpoint             (EnlistCli            *cli);
/* A registration service for domain from the manager (the pins stored
 * for domain), with the endpoint options and --pin applied. */
EnlistRegistration *enlist_cli_create_registration      (EnlistCli            *cli,
                                                         const char           *domain);
/* The same for a known account: its stored connection settings unless
 * endpoint options were given. */
EnlistRegistration *enlist_cli_registration_for_account (EnlistCli            *cli,
                                                         EnlistAccount        *account);
/* Reads the accounts (the file and the keyring); what could not be read
 * is the error, and whatever could is listed all the same. */
gboolean            enlist_cli_load_accounts            (EnlistCli            *cli,
                                                         GError              **error);
/* When the manager could not write the account file (a full disk), a
 * warning that says so and what it means, printed on stderr unless in
 * JSON mode; NULL when every write went through. */
char               *enlist_cli_take_file_warning        (EnlistCli            *cli,
                                                         const char           *verb);

/* Splits an account's address (a resource is dropped): the localpart as
 * *username, the domain as *domain, and returns the bare JID. Anything
 * else than name@server is G_OPTION_ERROR_BAD_VALUE. */
char               *enlist_cli_parse_account_jid        (const char           *jid,
                                                         char                **username,
                                                         char                **domain,
                                                         GError              **error);

/* A GAsyncReadyCallback that stores a reference to the result in the
 * GAsyncResult ** it is given. */
void                enlist_cli_store_result             (GObject              *source,
                                                         GAsyncResult         *result,
                                                         gpointer              user_data);
/* Runs the main loop until *slot is filled; SIGINT and SIGTERM cancel
 * cli->cancellable meanwhile. */
GAsyncResult       *enlist_cli_wait                     (EnlistCli            *cli,
                                                         GAsyncResult        **slot);
/* The network flow of a verb (login, register, passwd, delete), timed for
 * the member "elapsed_ms" of its JSON answer: started just before its first
 * engine call (a later call does not restart it), finished just after the
 * wait for the flow's finish callback returned, before any keyring or
 * account-file work of the verb itself. The member is written only when
 * both were marked. */
void                enlist_cli_flow_start               (EnlistCli            *cli);
void                enlist_cli_flow_finish              (EnlistCli            *cli);
void                enlist_cli_json_add_elapsed         (EnlistCli            *cli,
                                                         JsonBuilder          *builder);
/* Closes the connection the service kept open after fetching a form. */
void                enlist_cli_close_registration       (EnlistCli            *cli,
                                                         EnlistRegistration   *registration);

/* The verbs: argv[0] is the verb; each returns the exit status. */
int                 enlist_cli_probe                    (int                   argc,
                                                         char                **argv);
int                 enlist_cli_login                    (int                   argc,
                                                         char                **argv);
int                 enlist_cli_form                     (int                   argc,
                                                         char                **argv);
int                 enlist_cli_register                 (int                   argc,
                                                         char                **argv);
int                 enlist_cli_passwd                   (int                   argc,
                                                         char                **argv);
int                 enlist_cli_delete                   (int                   argc,
                                                         char                **argv);
int                 enlist_cli_accounts                 (int                   argc,
                                                         char                **argv);

G_END_DECLS
