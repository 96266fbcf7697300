/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-sasl.c: client SASL on GNU SASL. Picks the strongest mechanism that is
 * safe on this connection, runs SCRAM (with channel binding when the server
 * announced a type TLS can give) or PLAIN over TLS, refuses absurd iteration
 * counts before any hashing, derives keys in a worker thread and checks the
 * server's signature. */
#define G_LOG_DOMAIN "enlist-sasl"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <gsasl.h>

#include "enlist-analyzer.h"
#include "enlist-error.h"
#include "enlist-sasl.h"
#include "enlist-text.h"

G_STATIC_ASSERT (ENLIST_SASL_MAX_ITERATIONS % 1000000 == 0);

typedef enum
{
  STAGE_INITIAL,       /* nothing sent yet */
  STAGE_SERVER_FIRST,  /* SCRAM client-first sent, waiting for server-first */
  STAGE_SERVER_FINAL,  /* SCRAM client-final sent, waiting for server-final */
  STAGE_DONE,          /* complete; for SCRAM the server signature was verified */
  STAGE_FAILED,
} Stage;

struct _EnlistSasl
{
  GObject         parent_instance;

  Gsasl          *ctx;
  Gsasl_session  *session;
  const char     *mechanism;
  gboolean        scram;
  Gsasl_property  cb_property;   /* GSASL_CB_TLS_EXPORTER/_UNIQUE for -PLUS, else 0 */
  char           *cb_data;       /* base64 channel binding data, -PLUS only */
  char           *username;
  char           *password;      /* wiped as soon as the exchange no longer needs it */
  char           *client_nonce;  /* SCRAM: the r= of our client-first message */

  /* While busy is set, only the worker thread touches stage, password and the
   * gsasl session; it clears busy last. */
  Stage           stage;
  int             busy;
};

G_DEFINE_FINAL_TYPE (EnlistSasl, enlist_sasl, G_TYPE_OBJECT)

/* Strongest first. The -PLUS variants come first regardless of the hash:
 * binding the exchange to the TLS channel defeats a man in the middle with a
 * mis-issued certificate, which a stronger hash does not. */
static const struct
{
  const char *name;
  gboolean    plus;
  gboolean    scram;
} mechanisms[] = {
  { "SCRAM-SHA-256-PLUS", TRUE,  TRUE },
  { "SCRAM-SHA-1-PLUS",   TRUE,  TRUE },
  { "SCRAM-SHA-256",      FALSE, TRUE },
  { "SCRAM-SHA-1",        FALSE, TRUE },
  { "PLAIN",              FALSE, FALSE },
};

#define MALFORMED_MESSAGE \
  _("The server sent a malformed sign-in message. Try again later; if it keeps happening, " \
    "the server is probably misconfigured.")
#define FOREIGN_NONCE_MESSAGE \
  _("The server’s sign-in reply does not belong to this sign-in attempt. The connection " \
    "may have been tampered with; try again, preferably on another network.")
#define NO_SERVER_PROOF_MESSAGE \
  _("The server could not prove that it knows your password, so Enlist stopped. Someone " \
    "may be impersonating the server; do not continue on this network.")

/* Secrets ----------------------------------------------------------------- */

static void
wipe_password (EnlistSasl *self)
{
  g_clear_pointer (&self->password, enlist_secret_free);
}

/* gsasl keeps the password, and SCRAM's salted password (as good as the
 * password for this server), as session properties until the session ends, and
 * frees them unwiped. gsasl_property_fast () returns gsasl's own copy. */
static void
wipe_session_secrets (Gsasl_session *session)
{
  static const Gsasl_property secrets[] = {
    GSASL_PASSWORD,
    GSASL_SCRAM_SALTED_PASSWORD,
    GSASL_SCRAM_SERVERKEY,
    GSASL_SCRAM_STOREDKEY,
  };

  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      char *value = (char *) gsasl_property_fast (session, secrets[i]);

      if (value != NULL)
        {
          explicit_bzero (value, strlen (value));
          gsasl_property_set (session, secrets[i], NULL);
        }
    }
}

static void
fail (EnlistSasl *self)
{
  self->stage = STAGE_FAILED;
  wipe_password (self);
}

/* Messages ---------------------------------------------------------------- */

static GError *
error_from_gsasl (int   rc,
                  Stage stage)
{
  switch (rc)
    {
    case GSASL_MECHANISM_PARSE_ERROR:
    case GSASL_BASE64_ERROR:
      return g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_SASL, MALFORMED_MESSAGE);

    case GSASL_AUTHENTICATION_ERROR:
      if (stage == STAGE_SERVER_FINAL)
        return g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_SASL, NO_SERVER_PROOF_MESSAGE);
      if (stage == STAGE_SERVER_FIRST)
        return g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_SASL, FOREIGN_NONCE_MESSAGE);
      break;

    case GSASL_SASLPREP_ERROR:
      return g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_SASL,
                                  _("The user name or password contains characters that "
                                    "cannot be used to sign in."));

    default:
      break;
    }

  return g_error_new (ENLIST_ERROR, ENLIST_ERROR_SASL,
                      _("Signing in failed because of an error in the SASL library: %s (%s)."),
                      gsasl_strerror (rc), gsasl_strerror_name (rc));
}

/* Strict base64 (gsasl's decoder refuses what GLib's would silently skip).
 * "" and "=" are the empty message. The result is NUL-terminated. */
static gboolean
decode_payload (const char  *text,
                char       **message,
                gsize       *length,
                GError     **error)
{
  char *raw = NULL;
  size_t raw_length = 0;

  *message = NULL;
  *length = 0;

  if (text != NULL && text[0] != '\0' && strcmp (text, "=") != 0)
    {
      if (gsasl_base64_from (text, strlen (text), &raw, &raw_length) != GSASL_OK)
        {
          g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_SASL, MALFORMED_MESSAGE);
          return FALSE;
        }
    }

  *message = g_malloc (raw_length + 1);
  if (raw_length > 0)
    memcpy (*message, raw, raw_length);
  (*message)[raw_length] = '\0';
  *length = raw_length;
  if (raw != NULL)
    explicit_bzero (raw, raw_length);
  gsasl_free (raw);

  return TRUE;
}

/* SCRAM checks ------------------------------------------------------------ */

/* RFC 5802: i=posit-number. Checked before the password reaches gsasl: a
 * hostile server could otherwise stall us for hours, or ask for no hashing. */
static gboolean
check_iteration_count (const char  *text,
                       GError     **error)
{
  gsize length = strlen (text);

  if (length == 0 || strspn (text, "0123456789") != length)
    {
      g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_SASL,
                           _("The server asked for a number of password hashing rounds that is "
                             "not a number. The server is probably misconfigured."));
      return FALSE;
    }

  if (strspn (text, "0") == length)
    {
      g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_SASL,
                           _("The server asked for no password hashing at all. That would "
                             "leave your password unprotected, so Enlist stopped."));
      return FALSE;
    }

  if (text[0] == '0')
    {
      g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_SASL,
                           _("The server asked for a number of password hashing rounds that is "
                             "not a valid number. The server is probably misconfigured."));
      return FALSE;
    }

  /* More digits than the limit has would overflow before comparing. */
  if (length > strlen (G_STRINGIFY (ENLIST_SASL_MAX_ITERATIONS)) ||
      g_ascii_strtoull (text, NULL, 10) > ENLIST_SASL_MAX_ITERATIONS)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_SASL,
                   _("The server asked for more than %d million rounds of password hashing. "
                     "That is not a normal setting and would stall signing in for a long time, "
                     "so Enlist stopped. Contact the server’s administrators."),
                   ENLIST_SASL_MAX_ITERATIONS / 1000000);
      return FALSE;
    }

  return TRUE;
}

/* server-first-message = [reserved-mext ","] nonce "," salt "," iteration-count
 *                        ["," extensions]                         (RFC 5802 §7) */
static gboolean
check_server_first (EnlistSasl  *self,
                    const char  *message,
                    gsize        length,
                    GError     **error)
{
  g_auto(GStrv) fields = NULL;
  const char *nonce;

  g_assert (self->client_nonce != NULL);

  if (length == 0 || strlen (message) != length)
    {
      g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_SASL, MALFORMED_MESSAGE);
      return FALSE;
    }

  if (g_str_has_prefix (message, "m="))
    {
      g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_SASL,
                           _("The server requires an extension of the sign-in method that "
                             "Enlist does not support."));
      return FALSE;
    }

  fields = g_strsplit (message, ",", 4);
  if (g_strv_length (fields) < 3 ||
      !g_str_has_prefix (fields[0], "r=") ||
      !g_str_has_prefix (fields[1], "s=") || fields[1][2] == '\0' ||
      !g_str_has_prefix (fields[2], "i="))
    {
      g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_SASL, MALFORMED_MESSAGE);
      return FALSE;
    }

  /* The server must extend our nonce with its own; gsasl would accept ours
   * echoed back alone. */
  nonce = fields[0] + 2;
  if (!g_str_has_prefix (nonce, self->client_nonce) ||
      strlen (nonce) == strlen (self->client_nonce))
    {
      g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_SASL, FOREIGN_NONCE_MESSAGE);
      return FALSE;
    }

  return check_iteration_count (fields[2] + 2, error);
}

/* The r= attribute of our own client-first message, after the gs2 header. */
static char *
find_client_nonce (const char *client_first,
                   gsize       length)
{
  g_autofree char *message = g_strndup (client_first, length);
  g_auto(GStrv) fields = g_strsplit (message, ",", -1);

  for (guint i = 2; fields[i] != NULL; i++)
    {
      if (g_str_has_prefix (fields[i], "r=") && fields[i][2] != '\0')
        return g_strdup (fields[i] + 2);
    }

  return NULL;
}

/* gsasl --------------------------------------------------------------------- */

/* Runs on whichever thread is stepping. Everything not handled here (the
 * authorization identity, channel binding for a mechanism without -PLUS)
 * stays unset on purpose. */
static int
sasl_callback (Gsasl          *ctx,
               Gsasl_session  *session,
               Gsasl_property  property)
{
  EnlistSasl *self = gsasl_session_hook_get (session);

  if (property != GSASL_PASSWORD || self == NULL || self->password == NULL)
    return GSASL_NO_CALLBACK;

  /* check_server_first () refused these already; the count gsasl parsed
   * itself is checked again in case the two parsers ever disagree. */
  if (self->scram)
    {
      const char *iterations = gsasl_property_fast (session, GSASL_SCRAM_ITER);

      if (iterations == NULL || !check_iteration_count (iterations, NULL))
        return GSASL_NO_PASSWORD;
    }

  return gsasl_property_set (session, GSASL_PASSWORD, self->password);
}

static gboolean
start_session (EnlistSasl  *self,
               GError     **error)
{
  int rc;

  g_assert (self->session == NULL);

  rc = gsasl_client_start (self->ctx, self->mechanism, &self->session);
  if (rc != GSASL_OK)
    {
      self->session = NULL;
      g_propagate_error (error, error_from_gsasl (rc, STAGE_INITIAL));
      return FALSE;
    }

  gsasl_session_hook_set (self->session, self);
  rc = gsasl_property_set (self->session, GSASL_AUTHID, self->username);

  /* Only for -PLUS: gsasl 2.2 fails a plain SCRAM exchange that has binding
   * data, and prefers tls-exporter when given both. */
  if (rc == GSASL_OK && self->cb_property != 0)
    rc = gsasl_property_set (self->session, self->cb_property, self->cb_data);

  if (rc != GSASL_OK)
    {
      g_propagate_error (error, error_from_gsasl (rc, STAGE_INITIAL));
      return FALSE;
    }

  return TRUE;
}

/* The channel binding this connection can give, if the server announced that
 * type (XEP-0440): tls-exporter (RFC 9266) under TLS 1.3, where tls-unique does
 * not exist; tls-unique (RFC 5929) under TLS 1.2, where tls-exporter is only
 * safe with the extended master secret, which GIO does not tell us about. */
static gboolean
get_channel_binding (GTlsConnection     *tls,
                     const char * const *binding_types,
                     Gsasl_property     *property,
                     char              **data_base64)
{
  g_autoptr(GByteArray) data = NULL;
  g_autoptr(GError) error = NULL;
  GTlsChannelBindingType type;
  const char *name;

  if (tls == NULL || binding_types == NULL)
    return FALSE;

  switch (g_tls_connection_get_protocol_version (tls))
    {
    case G_TLS_PROTOCOL_VERSION_TLS_1_3:
      type = G_TLS_CHANNEL_BINDING_TLS_EXPORTER;
      name = "tls-exporter";
      *property = GSASL_CB_TLS_EXPORTER;
      break;

    case G_TLS_PROTOCOL_VERSION_TLS_1_2:
      type = G_TLS_CHANNEL_BINDING_TLS_UNIQUE;
      name = "tls-unique";
      *property = GSASL_CB_TLS_UNIQUE;
      break;

    default:
      return FALSE;
    }

  if (!g_strv_contains (binding_types, name))
    return FALSE;

  data = g_byte_array_new ();
  if (!g_tls_connection_get_channel_binding_data (tls, type, data, &error))
    {
      g_debug ("No %s channel binding on this connection: %s", name, error->message);
      return FALSE;
    }
  if (data->len == 0)
    return FALSE;

  *data_base64 = g_base64_encode (data->data, data->len);
  return TRUE;
}

/* GObject ----------------------------------------------------------------- */

static void
enlist_sasl_finalize (GObject *object)
{
  EnlistSasl *self = ENLIST_SASL (object);

  wipe_password (self);
  if (self->session != NULL)
    {
      wipe_session_secrets (self->session);
      g_clear_pointer (&self->session, gsasl_finish);
    }
  g_clear_pointer (&self->ctx, gsasl_done);
  g_clear_pointer (&self->cb_data, g_free);
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->client_nonce, g_free);

  G_OBJECT_CLASS (enlist_sasl_parent_class)->finalize (object);
}

static void
enlist_sasl_class_init (EnlistSaslClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = enlist_sasl_finalize;
}

static void
enlist_sasl_init (EnlistSasl *self)
{
  self->stage = STAGE_INITIAL;
}

/* Public ------------------------------------------------------------------ */

EnlistSasl *
enlist_sasl_new (const char * const *offered,
                 const char * const *binding_types,
                 GTlsConnection     *tls,
                 const char         *username,
                 const char         *password,
                 GError            **error)
{
  g_autoptr(EnlistSasl) self = NULL;
  g_autofree char *cb_data = NULL;
  Gsasl_property cb_property = 0;
  gboolean can_bind;
  gboolean refused_plain = FALSE;
  int rc;

  g_return_val_if_fail (offered != NULL, NULL);
  g_return_val_if_fail (tls == NULL || G_IS_TLS_CONNECTION (tls), NULL);
  g_return_val_if_fail (username != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (ENLIST_TYPE_SASL, NULL);

  rc = gsasl_init (&self->ctx);
  if (rc != GSASL_OK)
    {
      self->ctx = NULL;
      g_propagate_error (error, error_from_gsasl (rc, STAGE_INITIAL));
      return NULL;
    }
  gsasl_callback_set (self->ctx, sasl_callback);

  can_bind = get_channel_binding (tls, binding_types, &cb_property, &cb_data);

  for (guint i = 0; i < G_N_ELEMENTS (mechanisms); i++)
    {
      if (!g_strv_contains (offered, mechanisms[i].name))
        continue;
      if (mechanisms[i].plus && !can_bind)
        continue;
      /* Anyone on the path could read a PLAIN password without TLS. */
      if (!mechanisms[i].scram && tls == NULL)
        {
          refused_plain = TRUE;
          continue;
        }
      if (!gsasl_client_support_p (self->ctx, mechanisms[i].name))
        continue;

      self->mechanism = mechanisms[i].name;
      self->scram = mechanisms[i].scram;
      if (mechanisms[i].plus)
        {
          self->cb_property = cb_property;
          self->cb_data = g_steal_pointer (&cb_data);
        }
      break;
    }

  if (self->mechanism == NULL)
    {
      if (refused_plain)
        g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_UNAVAILABLE,
                             _("The server only accepts passwords in a form anyone watching "
                               "the connection could read, and the connection is not "
                               "encrypted. Enlist will not send your password this way."));
      else
        g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_UNAVAILABLE,
                             _("The server offers no sign-in method that Enlist supports "
                               "(SCRAM-SHA-256, SCRAM-SHA-1, or PLAIN over an encrypted "
                               "connection)."));
      return NULL;
    }

  g_debug ("Signing in with %s", self->mechanism);

  self->username = g_strdup (username);
  self->password = g_strdup (password);

  if (!start_session (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
enlist_sasl_get_mechanism (EnlistSasl *self)
{
  g_return_val_if_fail (ENLIST_IS_SASL (self), NULL);

  return self->mechanism;
}

typedef struct
{
  char  *input;
  gsize  input_length;
} StepData;

/* The input is the server's message, not a secret; it is wiped all the
 * same, as everything of the exchange is. */
static void
step_data_free (StepData *data)
{
  if (data->input != NULL)
    explicit_bzero (data->input, data->input_length);
  g_free (data->input);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StepData, step_data_free)

/* The worker: gsasl_step () on the server-first message derives the keys
 * (PBKDF2), which takes seconds at high iteration counts. */
static void
step_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  EnlistSasl *self = source_object;
  StepData *data = task_data;
  GError *error = NULL;
  char *output = NULL;
  size_t output_length = 0;
  char *response = NULL;
  Stage next = STAGE_FAILED;
  int rc;

  rc = gsasl_step (self->session, data->input, data->input_length, &output, &output_length);
  wipe_session_secrets (self->session);

  switch (self->stage)
    {
    case STAGE_INITIAL:
      if (self->scram && rc == GSASL_NEEDS_MORE)
        {
          self->client_nonce = find_client_nonce (output, output_length);
          if (self->client_nonce != NULL)
            next = STAGE_SERVER_FIRST;
          else
            error = error_from_gsasl (GSASL_MECHANISM_PARSE_ERROR, self->stage);
        }
      else if (!self->scram && rc == GSASL_OK)
        next = STAGE_DONE;
      break;

    case STAGE_SERVER_FIRST:
      if (rc == GSASL_NEEDS_MORE)
        next = STAGE_SERVER_FINAL;
      break;

    case STAGE_SERVER_FINAL:
      /* The server sent its signature as a challenge rather than with
       * <success/>; the response is empty. */
      if (rc == GSASL_OK)
        next = STAGE_DONE;
      break;

    case STAGE_DONE:
    case STAGE_FAILED:
    default:
      g_assert_not_reached ();
    }

  if (next == STAGE_FAILED && error == NULL)
    {
      if (rc == GSASL_OK || rc == GSASL_NEEDS_MORE)
        error = g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_SASL,
                                     _("The sign-in exchange with the server ended unexpectedly."));
      else
        error = error_from_gsasl (rc, self->stage);
    }

  if (error == NULL)
    response = g_base64_encode ((const guchar *) output, output_length);

  /* PLAIN's output holds the password. */
  if (output != NULL)
    {
      explicit_bzero (output, output_length);
      gsasl_free (output);
    }

  if (error != NULL || g_cancellable_is_cancelled (cancellable))
    next = STAGE_FAILED;

  self->stage = next;
  if (next != STAGE_SERVER_FIRST)
    wipe_password (self);

  g_atomic_int_set (&self->busy, FALSE);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, response, enlist_secret_free);
}

void
enlist_sasl_step_async (EnlistSasl          *self,
                        const char          *challenge,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(StepData) data = NULL;
  GError *error = NULL;

  g_return_if_fail (ENLIST_IS_SASL (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_sasl_step_async);

  if (!g_atomic_int_compare_and_exchange (&self->busy, FALSE, TRUE))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("Another sign-in step is still running."));
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    {
      g_atomic_int_set (&self->busy, FALSE);
      return;
    }

  data = g_new0 (StepData, 1);
  /* g_autoptr frees it on the way out (enlist-analyzer.h) */
  ENLIST_ANALYZER_ESCAPE (data);

  switch (self->stage)
    {
    case STAGE_INITIAL:
      /* An empty challenge asks for the initial response too. */
      if (challenge != NULL && challenge[0] != '\0' && strcmp (challenge, "=") != 0)
        error = g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_SASL, MALFORMED_MESSAGE);
      break;

    case STAGE_SERVER_FIRST:
      if (decode_payload (challenge, &data->input, &data->input_length, &error))
        check_server_first (self, data->input, data->input_length, &error);
      break;

    case STAGE_SERVER_FINAL:
      decode_payload (challenge, &data->input, &data->input_length, &error);
      break;

    case STAGE_DONE:
      error = g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_SASL,
                                   _("The server asked for more after the sign-in exchange "
                                     "was complete."));
      break;

    case STAGE_FAILED:
    default:
      error = g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_SASL,
                                   _("This sign-in attempt has already failed."));
      break;
    }

  if (error != NULL)
    {
      fail (self);
      g_atomic_int_set (&self->busy, FALSE);
      g_task_return_error (task, error);
      return;
    }

  /* Not return-on-cancel: gsasl cannot be interrupted, and the worker must
   * run to clear busy and wipe the password. */
  g_task_set_task_data (task, g_steal_pointer (&data), (GDestroyNotify) step_data_free);
  if (self->stage == STAGE_INITIAL)
    {
      /* the first message derives nothing (a nonce, or PLAIN's fields):
       * made here, it can follow the secured stream's header at once; the
       * callback still runs from the main loop */
      step_thread (task, self, g_task_get_task_data (task), cancellable);
      return;
    }
  g_task_run_in_thread (task, step_thread);
}

char *
enlist_sasl_step_finish (EnlistSasl    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (ENLIST_IS_SASL (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == enlist_sasl_step_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
enlist_sasl_verify_success (EnlistSasl  *self,
                            const char  *success,
                            GError     **error)
{
  g_autofree char *message = NULL;
  gsize length = 0;
  char *output = NULL;
  size_t output_length = 0;
  int rc;

  g_return_val_if_fail (ENLIST_IS_SASL (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_atomic_int_get (&self->busy))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PENDING,
                           _("A sign-in step is still running."));
      return FALSE;
    }

  if (!decode_payload (success, &message, &length, error))
    {
      fail (self);
      return FALSE;
    }
  /* g_autofree frees it (enlist-analyzer.h) */
  ENLIST_ANALYZER_ESCAPE (message);

  switch (self->stage)
    {
    case STAGE_DONE:
      /* PLAIN has nothing to verify; SCRAM's signature came as a challenge. */
      if (self->scram && length > 0)
        {
          g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_SASL, MALFORMED_MESSAGE);
          fail (self);
          return FALSE;
        }
      return TRUE;

    case STAGE_SERVER_FINAL:
      break;

    case STAGE_INITIAL:
    case STAGE_SERVER_FIRST:
      g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_SASL,
                           _("The server said signing in succeeded before the exchange was "
                             "complete. Someone may be impersonating the server; do not "
                             "continue on this network."));
      fail (self);
      return FALSE;

    case STAGE_FAILED:
    default:
      g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_SASL,
                           _("This sign-in attempt has already failed."));
      return FALSE;
    }

  if (length == 0)
    {
      g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_SASL, NO_SERVER_PROOF_MESSAGE);
      fail (self);
      return FALSE;
    }

  /* server-error (RFC 5802 §7) inside <success/> is contradictory; report the
   * server's reason as detail. */
  if (g_str_has_prefix (message, "e=") && strlen (message) == length)
    {
      g_autofree char *reason = g_utf8_make_valid (message + 2, -1);

      g_propagate_error (error,
                         enlist_error_new_xmpp (ENLIST_ERROR_SASL, NULL, reason,
                                                _("The server reported an error at the end of "
                                                  "signing in: %s"), reason));
      fail (self);
      return FALSE;
    }

  /* Only a string comparison: cheap enough for the main thread. */
  rc = gsasl_step (self->session, message, length, &output, &output_length);
  if (output != NULL)
    explicit_bzero (output, output_length);
  gsasl_free (output);
  /* The keys checked the signature; nothing needs them any more. */
  wipe_session_secrets (self->session);

  if (rc != GSASL_OK)
    {
      g_propagate_error (error, error_from_gsasl (rc, self->stage));
      fail (self);
      return FALSE;
    }

  self->stage = STAGE_DONE;
  return TRUE;
}
