/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-servers.c: starts and stops real Prosody and ejabberd servers
 * for integration tests by running tests/servers/enlist-test-servers, and
 * reads what it reports. Synchronous on purpose: this is test set-up. Every
 * failure is fatal, so a machine without the servers fails the tests instead
 * of skipping them. */
#define G_LOG_DOMAIN "enlist-test-servers"

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "enlist-test-servers.h"

struct _EnlistTestServers
{
  char       *script;
  char       *state_dir;
  JsonParser *parser;
  JsonObject *root;     /* owned by parser */
};

static char *
find_script (void)
{
  const char *env = g_getenv ("ENLIST_TEST_SERVERS");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_test_build_filename (G_TEST_DIST, "servers", "enlist-test-servers", NULL);
}

/* Runs the script with argv[1..] and stdin; returns its stdout, aborting the
 * test with its stderr if it fails. */
static char *
run_script (const char  *script,
            const char **args,
            const char  *input)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE;

  g_ptr_array_add (argv, (gpointer) script);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  flags |= input != NULL ? G_SUBPROCESS_FLAGS_STDIN_PIPE : G_SUBPROCESS_FLAGS_STDIN_INHERIT;
  proc = g_subprocess_newv ((const char * const *) argv->pdata, flags, &error);
  if (proc == NULL)
    g_error ("cannot run %s: %s", script, error->message);

  if (!g_subprocess_communicate_utf8 (proc, input, NULL, &out, &err, &error))
    g_error ("%s %s: %s", script, args[0], error->message);

  if (!g_subprocess_get_successful (proc))
    g_error ("%s %s failed:\n%s", script, args[0], err != NULL ? err : "");

  if (err != NULL && *err != '\0')
    g_test_message ("%s", g_strchomp (err));

  return g_steal_pointer (&out);
}

static EnlistTestServers *
start_servers (gboolean prosody,
               gboolean ejabberd,
               gboolean load)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *parent = g_strdup_printf ("%d", (int) getpid ());
  EnlistTestServers *self;
  JsonNode *root;
  const char *args[9];
  guint n = 0;

  g_return_val_if_fail (prosody || ejabberd, NULL);

  self = g_new0 (EnlistTestServers, 1);
  self->script = find_script ();
  if (!g_file_test (self->script, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("%s is missing or not executable (set ENLIST_TEST_SERVERS)", self->script);
  /* Under the temporary directory: ejabberd's user must be able to enter
   * it (the script makes the directory itself enterable). */
  self->state_dir = g_dir_make_tmp ("enlist-servers-XXXXXX", &error);
  if (self->state_dir == NULL)
    g_error ("cannot make a state directory: %s", error->message);

  args[n++] = "start";
  args[n++] = "--state-dir";
  args[n++] = self->state_dir;
  args[n++] = "--parent-pid";
  args[n++] = parent;
  if (prosody)
    args[n++] = "--prosody";
  if (ejabberd)
    args[n++] = "--ejabberd";
  if (load)
    args[n++] = "--load";
  args[n] = NULL;
  g_assert (n < G_N_ELEMENTS (args));

  json = run_script (self->script, args, NULL);

  self->parser = json_parser_new ();
  if (!json_parser_load_from_data (self->parser, json, -1, &error))
    g_error ("enlist-test-servers printed something that is not JSON (%s):\n%s",
             error->message, json);
  root = json_parser_get_root (self->parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    g_error ("enlist-test-servers printed no JSON object:\n%s", json);
  self->root = json_node_get_object (root);

  return self;
}

EnlistTestServers *
enlist_test_servers_start (gboolean prosody,
                           gboolean ejabberd)
{
  return start_servers (prosody, ejabberd, FALSE);
}

EnlistTestServers *
enlist_test_servers_start_for_load (void)
{
  return start_servers (TRUE, FALSE, TRUE);
}

static JsonObject *
get_server (EnlistTestServers *self,
            const char        *server)
{
  JsonNode *node = json_object_get_member (self->root, server);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    g_error ("%s was not started", server);
  return json_node_get_object (node);
}

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    g_error ("enlist-test-servers reported no \"%s\"", member);
  return json_node_get_string (node);
}

static guint16
get_port (JsonObject *object,
          const char *member)
{
  JsonNode *node = json_object_get_member (object, member);
  gint64 port;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    g_error ("enlist-test-servers reported no \"%s\"", member);
  port = json_node_get_int (node);
  if (port <= 0 || port > G_MAXUINT16)
    g_error ("enlist-test-servers reported %s %" G_GINT64_FORMAT, member, port);
  return (guint16) port;
}

GPid
enlist_test_servers_get_pid (EnlistTestServers *self,
                             const char        *server)
{
  JsonNode *node;
  gint64 pid;

  g_return_val_if_fail (self != NULL, 0);

  node = json_object_get_member (get_server (self, server), "pid");
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    g_error ("enlist-test-servers reported no pid for %s", server);
  pid = json_node_get_int (node);
  if (pid <= 1 || pid > G_MAXINT)
    g_error ("enlist-test-servers reported pid %" G_GINT64_FORMAT " for %s", pid, server);
  return (GPid) pid;
}

const char *
enlist_test_servers_get_ca_file (EnlistTestServers *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return get_string (self->root, "ca_file");
}

const char *
enlist_test_servers_get_domain (EnlistTestServers *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return get_string (self->root, "domain");
}

const char *
enlist_test_servers_get_invite_domain (EnlistTestServers *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return get_string (get_server (self, "prosody"), "invite_domain");
}

const char *
enlist_test_servers_get_nocaptcha_domain (EnlistTestServers *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return get_string (get_server (self, "ejabberd"), "nocaptcha_domain");
}

const char *
enlist_test_servers_get_state_dir (EnlistTestServers *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->state_dir;
}

guint16
enlist_test_servers_get_port (EnlistTestServers *self,
                              const char        *server,
                              gboolean           direct_tls)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (g_strcmp0 (server, "prosody") == 0 ||
                        g_strcmp0 (server, "ejabberd") == 0, 0);

  return get_port (get_server (self, server), direct_tls ? "direct_tls_port" : "starttls_port");
}

void
enlist_test_servers_restart_prosody (EnlistTestServers *self)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  const char *args[] = { "restart-prosody", "--state-dir", NULL, NULL };
  JsonNode *root;
  JsonNode *pid;

  g_return_if_fail (self != NULL);

  args[2] = self->state_dir;
  json = run_script (self->script, args, NULL);
  if (!json_parser_load_from_data (parser, json, -1, &error))
    g_error ("enlist-test-servers printed something that is not JSON (%s):\n%s",
             error->message, json);
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    g_error ("enlist-test-servers printed no JSON object:\n%s", json);
  pid = json_object_get_member (json_node_get_object (root), "pid");
  if (pid == NULL || json_node_get_value_type (pid) != G_TYPE_INT64)
    g_error ("enlist-test-servers reported no pid:\n%s", json);
  json_object_set_int_member (get_server (self, "prosody"), "pid", json_node_get_int (pid));
}

guint16
enlist_test_servers_get_http_port (EnlistTestServers *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return get_port (get_server (self, "ejabberd"), "http_port");
}

static gboolean
is_sha1_hex (const char *s)
{
  guint i;

  for (i = 0; s[i] != '\0'; i++)
    if (!g_ascii_isxdigit (s[i]) || g_ascii_isupper (s[i]))
      return FALSE;
  return i == 40;
}

char *
enlist_test_servers_captcha_answer (EnlistTestServers *self,
                                    const char        *sha1_hex)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  char *answer = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (sha1_hex != NULL, NULL);

  /* Also keeps the name from leaving the answers directory. */
  if (!is_sha1_hex (sha1_hex))
    return NULL;

  path = g_build_filename (get_string (get_server (self, "ejabberd"), "captcha_dir"),
                           sha1_hex, NULL);
  if (!g_file_get_contents (path, &answer, NULL, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_error ("cannot read %s: %s", path, error->message);
      return NULL;
    }
  return g_strstrip (answer);
}

void
enlist_test_servers_make_user (EnlistTestServers *self,
                               const char        *server,
                               const char        *user,
                               const char        *password)
{
  g_autofree char *input = NULL;
  const char *args[] = {
    "make-user", "--state-dir", NULL, server, user, NULL, NULL
  };

  g_return_if_fail (self != NULL);
  g_return_if_fail (g_strcmp0 (server, "prosody") == 0 || g_strcmp0 (server, "ejabberd") == 0);
  g_return_if_fail (user != NULL);
  g_return_if_fail (password != NULL && strchr (password, '\n') == NULL);

  args[2] = self->state_dir;
  args[5] = enlist_test_servers_get_domain (self);
  /* On stdin, never in argv. */
  input = g_strconcat (password, "\n", NULL);
  g_free (run_script (self->script, args, input));
}

char *
enlist_test_servers_invite (EnlistTestServers *self)
{
  g_autofree char *out = NULL;
  const char *args[] = { "invite", "--state-dir", NULL, NULL };

  g_return_val_if_fail (self != NULL, NULL);

  args[2] = self->state_dir;
  out = run_script (self->script, args, NULL);
  return g_strdup (g_strstrip (out));
}

void
enlist_test_servers_stop (EnlistTestServers *self)
{
  const char *args[] = { "stop", "--state-dir", NULL, "--clean", NULL };

  if (self == NULL)
    return;

  args[2] = self->state_dir;
  g_free (run_script (self->script, args, NULL));

  g_clear_object (&self->parser);
  g_free (self->state_dir);
  g_free (self->script);
  g_free (self);
}
