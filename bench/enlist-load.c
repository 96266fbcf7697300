/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-load.c: a load run through the public service API
 * (enlist-load.h). */
#define G_LOG_DOMAIN "enlist-load"

#include "config.h"

#include <string.h>

#include "enlist-load.h"

/* A user name and its password: an account made for the logins, or one
 * this run registered. The password is wiped when it goes. */
typedef struct
{
  char *user;
  char *password;
} Account;

static void
account_free (Account *account)
{
  if (account->password != NULL)
    explicit_bzero (account->password, strlen (account->password));
  g_free (account->password);
  g_free (account->user);
  g_free (account);
}

/* One operation in flight. */
typedef struct
{
  EnlistLoad         *load;          /* not owned; the task holds it */
  GTask              *task;          /* the run or prepare task, owned */
  EnlistLoadKind      kind;
  EnlistRegistration *registration;
  Account            *account;       /* owned until registered */
  gint64              start;
} Op;

static void
op_free (Op *op)
{
  g_clear_object (&op->registration);
  g_clear_pointer (&op->account, account_free);
  g_clear_object (&op->task);
  g_free (op);
}

struct _EnlistLoad
{
  GObject               parent_instance;

  EnlistAccountManager *manager;
  char                 *domain;
  char                 *host;
  guint16               port;
  char                 *run_id;       /* in every user name of this run */

  EnlistLoadProbe       probe;
  gpointer              probe_data;

  GPtrArray            *prepared;     /* of Account: for the logins */
  GPtrArray            *registered;   /* of Account: user is the address */
  GHashTable           *tallies;      /* "kind\twhat" → EnlistLoadTally */
  GArray               *durations[ENLIST_LOAD_N_KINDS];   /* of double, ms */
  gint64                first_start[ENLIST_LOAD_N_KINDS];
  gint64                last_end[ENLIST_LOAD_N_KINDS];
  guint                 in_flight;
  guint                 max_in_flight;
  guint                 cap;          /* 0: all at once */
  /* run_async: what is still to start, interleaved */
  GTask                *run_task;
  guint                 run_registrations;
  guint                 next_registration;
  guint                 next_login;

  /* prepare_async */
  guint                 prepare_next;
  guint                 prepare_n;
  GError               *prepare_error;
};

G_DEFINE_FINAL_TYPE (EnlistLoad, enlist_load, G_TYPE_OBJECT)

static void
tally_free (EnlistLoadTally *tally)
{
  g_free (tally->what);
  g_free (tally->example);
  g_free (tally);
}

static void
enlist_load_finalize (GObject *object)
{
  EnlistLoad *self = ENLIST_LOAD (object);

  g_clear_object (&self->manager);
  g_clear_pointer (&self->domain, g_free);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->run_id, g_free);
  g_clear_pointer (&self->prepared, g_ptr_array_unref);
  g_clear_pointer (&self->registered, g_ptr_array_unref);
  g_clear_pointer (&self->tallies, g_hash_table_unref);
  for (guint i = 0; i < ENLIST_LOAD_N_KINDS; i++)
    g_clear_pointer (&self->durations[i], g_array_unref);
  g_clear_error (&self->prepare_error);

  G_OBJECT_CLASS (enlist_load_parent_class)->finalize (object);
}

static void
enlist_load_class_init (EnlistLoadClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = enlist_load_finalize;
}

static void
enlist_load_init (EnlistLoad *self)
{
  self->prepared = g_ptr_array_new_with_free_func ((GDestroyNotify) account_free);
  self->registered = g_ptr_array_new_with_free_func ((GDestroyNotify) account_free);
  self->tallies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) tally_free);
  for (guint i = 0; i < ENLIST_LOAD_N_KINDS; i++)
    self->durations[i] = g_array_new (FALSE, FALSE, sizeof (double));
  self->run_id = g_strdup_printf ("%08x", g_random_int ());
}

EnlistLoad *
enlist_load_new (EnlistAccountManager *manager,
                 const char           *domain,
                 const char           *host,
                 guint16               port)
{
  EnlistLoad *self;

  g_return_val_if_fail (ENLIST_IS_ACCOUNT_MANAGER (manager), NULL);
  g_return_val_if_fail (domain != NULL, NULL);

  self = g_object_new (ENLIST_TYPE_LOAD, NULL);
  self->manager = g_object_ref (manager);
  self->domain = g_strdup (domain);
  self->host = g_strdup (host);
  self->port = port;
  return self;
}

void
enlist_load_set_probe (EnlistLoad      *self,
                       EnlistLoadProbe  probe,
                       gpointer         user_data)
{
  g_return_if_fail (ENLIST_IS_LOAD (self));

  self->probe = probe;
  self->probe_data = user_data;
}

const char *
enlist_load_kind_name (EnlistLoadKind kind)
{
  return kind == ENLIST_LOAD_REGISTRATION ? "registration" : "login";
}

/* A throw-away password: 24 characters of base64 from 18 random bytes. */
static char *
new_password (void)
{
  guint8 bytes[18];
  char *password;

  for (guint i = 0; i < sizeof bytes; i++)
    bytes[i] = g_random_int_range (0, 256);
  password = g_base64_encode (bytes, sizeof bytes);
  explicit_bzero (bytes, sizeof bytes);
  return password;
}

static Op *
op_new (EnlistLoad     *self,
        GTask          *task,
        EnlistLoadKind  kind,
        Account        *account)
{
  Op *op = g_new0 (Op, 1);

  op->load = self;
  op->task = g_object_ref (task);
  op->kind = kind;
  op->account = account;
  op->registration = enlist_account_manager_create_registration (self->manager, self->domain,
                                                                 self->host, self->port, FALSE);
  op->start = g_get_monotonic_time ();
  return op;
}

static Account *
new_account (EnlistLoad *self,
             const char *tag,
             guint       index)
{
  Account *account = g_new0 (Account, 1);

  account->user = g_strdup_printf ("load%s%s%u", self->run_id, tag, index);
  account->password = new_password ();
  return account;
}

/* Fills the form's user name and password; FALSE when it has no such fields. */
static gboolean
fill_form (EnlistDataForm *form,
           Account        *account,
           GError        **error)
{
  EnlistFormField *username = enlist_data_form_lookup_field (form, "username");
  EnlistFormField *password = enlist_data_form_lookup_field (form, "password");

  if (username == NULL || password == NULL || enlist_data_form_is_captcha (form))
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_MALFORMED_FORM,
                   "The form is not a plain user name and password form");
      return FALSE;
    }
  enlist_form_field_set_value (username, account->user);
  enlist_form_field_set_value (password, account->password);
  return TRUE;
}

/* ---- outcomes ------------------------------------------------------------ */

static gboolean
is_refusal (const GError *error)
{
  if (error->domain != ENLIST_ERROR)
    return FALSE;

  switch (error->code)
    {
    case ENLIST_ERROR_STANZA:
    case ENLIST_ERROR_STREAM:
      return TRUE;
    /* A fresh form after a refusal, and SASL failures other than wrong
     * credentials (temporary-auth-failure…), say the server's condition. */
    case ENLIST_ERROR_FORM_RENEWED:
    case ENLIST_ERROR_CAPTCHA_RENEWED:
    case ENLIST_ERROR_SASL:
      return enlist_error_get_condition (error) != NULL;
    default:
      return FALSE;
    }
}

static char *
describe_error (const GError *error)
{
  const char *condition = NULL;
  g_autofree char *code = NULL;

  if (error->domain == ENLIST_ERROR)
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (enlist_error_get_type ());
      GEnumValue *value = g_enum_get_value (klass, error->code);

      code = g_strdup_printf ("enlist-error-%s", value != NULL ? value->value_nick : "?");
      condition = enlist_error_get_condition (error);
    }
  else
    code = g_strdup_printf ("%s-%d", g_quark_to_string (error->domain), error->code);

  return condition != NULL ? g_strdup_printf ("%s %s", code, condition) : g_steal_pointer (&code);
}

static void
record (EnlistLoad     *self,
        EnlistLoadKind  kind,
        const GError   *error)
{
  g_autofree char *what = error != NULL ? describe_error (error) : g_strdup ("ok");
  g_autofree char *key = g_strdup_printf ("%d\t%s", kind, what);
  EnlistLoadTally *tally = g_hash_table_lookup (self->tallies, key);

  if (tally == NULL)
    {
      tally = g_new0 (EnlistLoadTally, 1);
      tally->kind = kind;
      tally->what = g_steal_pointer (&what);
      tally->ok = error == NULL;
      tally->refusal = error != NULL && is_refusal (error);
      tally->example = error != NULL ? g_strdup (error->message) : NULL;
      g_hash_table_insert (self->tallies, g_steal_pointer (&key), tally);
    }
  tally->count++;
}

static int
compare_tallies (gconstpointer a,
                 gconstpointer b)
{
  const EnlistLoadTally *x = *(EnlistLoadTally * const *) a;
  const EnlistLoadTally *y = *(EnlistLoadTally * const *) b;

  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  if (x->ok != y->ok)
    return x->ok ? -1 : 1;
  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return strcmp (x->what, y->what);
}

GPtrArray *
enlist_load_get_tallies (EnlistLoad *self)
{
  GPtrArray *tallies = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (ENLIST_IS_LOAD (self), NULL);

  g_hash_table_iter_init (&iter, self->tallies);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (tallies, value);
  g_ptr_array_sort (tallies, compare_tallies);
  return tallies;
}

guint
enlist_load_count (EnlistLoad     *self,
                   EnlistLoadKind  kind,
                   gboolean        ok,
                   gboolean        refusal)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_return_val_if_fail (ENLIST_IS_LOAD (self), 0);

  g_hash_table_iter_init (&iter, self->tallies);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      EnlistLoadTally *tally = value;

      if (tally->kind == kind && !tally->ok == !ok && (ok || !tally->refusal == !refusal))
        n += tally->count;
    }
  return n;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

void
enlist_load_get_times (EnlistLoad      *self,
                       EnlistLoadKind   kind,
                       EnlistLoadTimes *times)
{
  GArray *d;

  g_return_if_fail (ENLIST_IS_LOAD (self));
  g_return_if_fail (times != NULL);

  memset (times, 0, sizeof *times);
  d = self->durations[kind];
  if (d->len == 0)
    return;
  g_array_sort (d, compare_doubles);
  times->count = d->len;
  times->min = g_array_index (d, double, 0);
  times->median = g_array_index (d, double, d->len / 2);
  times->p95 = g_array_index (d, double, MIN (d->len - 1, (d->len * 95 + 99) / 100 - 1));
  times->max = g_array_index (d, double, d->len - 1);
  times->span = (self->last_end[kind] - self->first_start[kind]) / 1000.0;
}

guint
enlist_load_get_max_in_flight (EnlistLoad *self)
{
  g_return_val_if_fail (ENLIST_IS_LOAD (self), 0);

  return self->max_in_flight;
}

/* ---- prepare: accounts for the logins ------------------------------------ */

static void prepare_start_one (EnlistLoad *self,
                               GTask      *task);

static void
prepare_done (Op     *op,
              GError *error)
{
  EnlistLoad *self = op->load;
  g_autoptr(GTask) task = g_object_ref (op->task);

  if (error != NULL && self->prepare_error == NULL)
    self->prepare_error = g_error_copy (error);
  if (error == NULL)
    g_ptr_array_add (self->prepared, g_steal_pointer (&op->account));
  op_free (op);
  self->in_flight--;

  if (self->prepare_error == NULL && self->prepare_next < self->prepare_n)
    prepare_start_one (self, task);
  else if (self->in_flight == 0)
    {
      if (self->prepare_error != NULL)
        g_task_return_error (task, g_steal_pointer (&self->prepare_error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

static void
on_prepare_submitted (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Op *op = user_data;
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = enlist_registration_submit_finish (ENLIST_REGISTRATION (source), result, &error);
  g_assert ((credentials != NULL) == (error == NULL));
  prepare_done (op, error);
}

static void
on_prepare_form (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Op *op = user_data;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;

  form = enlist_registration_fetch_form_finish (ENLIST_REGISTRATION (source), result, &error);
  if (form == NULL || !fill_form (form, op->account, &error))
    {
      prepare_done (op, error);
      return;
    }
  enlist_registration_submit_async (op->registration, form, g_task_get_cancellable (op->task),
                                    on_prepare_submitted, op);
}

static void
prepare_start_one (EnlistLoad *self,
                   GTask      *task)
{
  Op *op = op_new (self, task, ENLIST_LOAD_LOGIN, new_account (self, "l", self->prepare_next++));

  self->in_flight++;
  enlist_registration_fetch_form_async (op->registration, g_task_get_cancellable (task),
                                        on_prepare_form, op);
}

void
enlist_load_prepare_async (EnlistLoad          *self,
                           guint                n,
                           guint                batch,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ENLIST_IS_LOAD (self));
  g_return_if_fail (self->in_flight == 0);
  g_return_if_fail (batch > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_load_prepare_async);

  self->prepare_next = 0;
  self->prepare_n = n;
  if (n == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  while (self->prepare_next < n && self->in_flight < batch)
    prepare_start_one (self, task);
}

gboolean
enlist_load_prepare_finish (EnlistLoad   *self,
                            GAsyncResult *result,
                            GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- the run ------------------------------------------------------------- */

static void
run_step (EnlistLoad *self)
{
  if (self->probe != NULL)
    self->probe (self->probe_data);
}

static void run_start_more (EnlistLoad *self);

static void
run_done (Op           *op,
          const GError *error)
{
  EnlistLoad *self = op->load;
  g_autoptr(GTask) task = g_object_ref (op->task);
  gint64 now = g_get_monotonic_time ();
  double ms = (now - op->start) / 1000.0;

  record (self, op->kind, error);
  g_array_append_val (self->durations[op->kind], ms);
  self->last_end[op->kind] = MAX (self->last_end[op->kind], now);
  op_free (op);
  self->in_flight--;
  run_start_more (self);
  run_step (self);

  if (self->in_flight == 0)
    {
      g_clear_object (&self->run_task);
      g_task_return_boolean (task, TRUE);
    }
}

static void
on_logged_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Op *op = user_data;
  g_autoptr(EnlistServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = enlist_registration_login_finish (ENLIST_REGISTRATION (source), result, &error);
  g_assert ((info != NULL) == (error == NULL));
  run_done (op, error);
}

static void
on_registered (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Op *op = user_data;
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  gboolean saved = FALSE;

  credentials = enlist_account_manager_register_finish (ENLIST_ACCOUNT_MANAGER (source), result,
                                                        &saved, NULL, &error);
  if (credentials != NULL && (!saved || enlist_credentials_get_address (credentials) == NULL))
    g_set_error (&error, ENLIST_ERROR, ENLIST_ERROR_KEYRING_FAILED,
                 "Registered, but the password is not in the keyring");
  if (credentials != NULL)
    {
      /* What the keyring check compares with: the address as the server
       * spelled it, and the password registered. */
      g_free (op->account->user);
      op->account->user = g_strdup (enlist_credentials_get_address (credentials));
      g_ptr_array_add (op->load->registered, g_steal_pointer (&op->account));
    }
  run_done (op, error);
}

static void
on_run_form (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Op *op = user_data;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;

  form = enlist_registration_fetch_form_finish (ENLIST_REGISTRATION (source), result, &error);
  if (form == NULL || !fill_form (form, op->account, &error))
    {
      run_done (op, error);
      return;
    }
  run_step (op->load);
  enlist_account_manager_register_async (op->load->manager, op->registration, form,
                                         g_task_get_cancellable (op->task), on_registered, op);
}

void
enlist_load_set_max_in_flight (EnlistLoad *self,
                               guint       cap)
{
  g_return_if_fail (ENLIST_IS_LOAD (self));
  self->cap = cap;
}

static gboolean
run_may_start (EnlistLoad *self)
{
  return self->cap == 0 || self->in_flight < self->cap;
}

/* Starts what is left while the cap allows: a registration and a login in
 * turn, so that neither kind has a head start. */
static void
run_start_more (EnlistLoad *self)
{
  GTask *task = self->run_task;
  GCancellable *cancellable = task != NULL ? g_task_get_cancellable (task) : NULL;

  while (task != NULL && run_may_start (self)
         && (self->next_registration < self->run_registrations
             || self->next_login < self->prepared->len))
    {
      if (self->next_registration < self->run_registrations)
        {
          Op *op = op_new (self, task, ENLIST_LOAD_REGISTRATION,
                           new_account (self, "r", self->next_registration++));

          enlist_registration_fetch_form_async (op->registration, cancellable, on_run_form, op);
          self->in_flight++;
        }
      if (self->next_login < self->prepared->len && run_may_start (self))
        {
          Account *account = g_ptr_array_index (self->prepared, self->next_login++);
          Op *op = op_new (self, task, ENLIST_LOAD_LOGIN, NULL);

          enlist_registration_login_async (op->registration, account->user, account->password,
                                           cancellable, on_logged_in, op);
          self->in_flight++;
        }
    }
  self->max_in_flight = MAX (self->max_in_flight, self->in_flight);
}

void
enlist_load_run_async (EnlistLoad          *self,
                       guint                n_registrations,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  gint64 now = g_get_monotonic_time ();

  g_return_if_fail (ENLIST_IS_LOAD (self));
  g_return_if_fail (self->in_flight == 0 && self->run_task == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_load_run_async);

  for (guint i = 0; i < ENLIST_LOAD_N_KINDS; i++)
    self->first_start[i] = self->last_end[i] = now;

  self->run_task = g_object_ref (task);
  self->run_registrations = n_registrations;
  self->next_registration = 0;
  self->next_login = 0;
  run_start_more (self);
  run_step (self);

  if (self->in_flight == 0)
    {
      g_clear_object (&self->run_task);
      g_task_return_boolean (task, TRUE);
    }
}

void
enlist_load_run_finish (EnlistLoad   *self,
                        GAsyncResult *result)
{
  g_return_if_fail (g_task_is_valid (result, self));

  g_task_propagate_boolean (G_TASK (result), NULL);
}

/* ---- the keyring ---------------------------------------------------------- */

typedef struct
{
  EnlistLoadKeyring  keyring;
  guint              waiting;
  GError            *error;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_clear_error (&data->error);
  g_free (data);
}

static void
on_check_listed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistLoad *self = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GHashTable) ours = g_hash_table_new (g_str_hash, g_str_equal);
  GError *error = NULL;

  entries = enlist_keyring_list_entries_finish (ENLIST_KEYRING (source), result, &error);
  if (entries == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < self->registered->len; i++)
    g_hash_table_add (ours, ((Account *) g_ptr_array_index (self->registered, i))->user);

  data->keyring.entries = entries->len;
  for (guint i = 0; i < entries->len; i++)
    {
      EnlistKeyringEntry *entry = g_ptr_array_index (entries, i);

      if (entry->state != ENLIST_KEYRING_STATE_CONFIRMED)
        data->keyring.pending++;
      else if (!g_hash_table_contains (ours, entry->jid))
        data->keyring.unexpected++;
    }
  g_task_return_boolean (task, TRUE);
}

static void
check_one_done (GTask *task)
{
  EnlistLoad *self = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);

  if (--data->waiting > 0)
    return;
  if (data->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&data->error));
      return;
    }
  enlist_keyring_list_entries_async (enlist_account_manager_get_keyring (self->manager),
                                     g_task_get_cancellable (task), on_check_listed,
                                     g_object_ref (task));
}

typedef struct
{
  GTask   *task;
  Account *account;   /* borrowed: self->registered holds it */
} LookupData;

static void
on_check_pending (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  LookupData *lookup = user_data;
  g_autoptr(GTask) task = lookup->task;
  CheckData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *password;

  password = enlist_keyring_lookup_pending_finish (ENLIST_KEYRING (source), result, &error);
  if (password == NULL && g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_NOT_FOUND))
    data->keyring.missing++;
  else if (password == NULL && data->error == NULL)
    data->error = g_steal_pointer (&error);
  else if (password != NULL && strcmp (password, lookup->account->password) == 0)
    data->keyring.pending_only++;
  else if (password != NULL)
    data->keyring.wrong++;
  enlist_keyring_password_free (password);
  g_free (lookup);
  check_one_done (task);
}

static void
on_check_password (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  LookupData *lookup = user_data;
  g_autoptr(GTask) task = lookup->task;
  CheckData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *password;

  password = enlist_account_manager_lookup_password_finish (ENLIST_ACCOUNT_MANAGER (source),
                                                            result, &error);
  if (password == NULL && g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_NOT_FOUND))
    {
      /* Not confirmed: is it there, pending? */
      enlist_keyring_lookup_pending_async (enlist_account_manager_get_keyring (
                                             ENLIST_ACCOUNT_MANAGER (source)),
                                           lookup->account->user,
                                           ENLIST_KEYRING_STATE_PENDING_REGISTRATION,
                                           g_task_get_cancellable (task), on_check_pending,
                                           lookup);
      g_steal_pointer (&task);
      return;
    }
  else if (password == NULL && data->error == NULL)
    data->error = g_steal_pointer (&error);
  else if (password != NULL && strcmp (password, lookup->account->password) == 0)
    data->keyring.present++;
  else if (password != NULL)
    data->keyring.wrong++;
  enlist_keyring_password_free (password);
  g_free (lookup);
  check_one_done (task);
}

void
enlist_load_check_keyring_async (EnlistLoad          *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CheckData *data;

  g_return_if_fail (ENLIST_IS_LOAD (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_load_check_keyring_async);
  data = g_new0 (CheckData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);

  /* One more than the lookups, dropped below: the list follows the last. */
  data->waiting = 1;
  for (guint i = 0; i < self->registered->len; i++)
    {
      Account *account = g_ptr_array_index (self->registered, i);
      EnlistAccount *known = enlist_account_manager_lookup (self->manager, account->user);
      LookupData *lookup;

      if (known == NULL)
        {
          data->keyring.missing++;
          continue;
        }
      lookup = g_new0 (LookupData, 1);
      lookup->task = g_object_ref (task);
      lookup->account = account;
      data->waiting++;
      enlist_account_manager_lookup_password_async (self->manager, known, cancellable,
                                                    on_check_password, lookup);
    }
  check_one_done (task);
}

gboolean
enlist_load_check_keyring_finish (EnlistLoad         *self,
                                  GAsyncResult       *result,
                                  EnlistLoadKeyring  *keyring,
                                  GError            **error)
{
  CheckData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (keyring != NULL)
    *keyring = data->keyring;
  return TRUE;
}

/* ---- forgetting ------------------------------------------------------------ */

typedef struct
{
  guint   waiting;
  GError *error;
} ForgetData;

static void
forget_data_free (ForgetData *data)
{
  g_clear_error (&data->error);
  g_free (data);
}

static void
forget_one_done (GTask *task)
{
  ForgetData *data = g_task_get_task_data (task);

  if (--data->waiting > 0)
    return;
  if (data->error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_forgotten (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ForgetData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!enlist_account_manager_forget_finish (ENLIST_ACCOUNT_MANAGER (source), result, &error)
      && data->error == NULL)
    data->error = g_steal_pointer (&error);
  forget_one_done (task);
}

void
enlist_load_forget_all_async (EnlistLoad          *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GListModel *model;
  ForgetData *data;
  guint n;

  g_return_if_fail (ENLIST_IS_LOAD (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_load_forget_all_async);
  data = g_new0 (ForgetData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) forget_data_free);

  /* The model changes as accounts go: take them all first. */
  model = G_LIST_MODEL (self->manager);
  n = g_list_model_get_n_items (model);
  {
    g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func (g_object_unref);

    for (guint i = 0; i < n; i++)
      g_ptr_array_add (accounts, g_list_model_get_item (model, i));
    data->waiting = 1;
    for (guint i = 0; i < accounts->len; i++)
      {
        data->waiting++;
        enlist_account_manager_forget_async (self->manager, g_ptr_array_index (accounts, i),
                                             cancellable, on_forgotten, g_object_ref (task));
      }
  }
  forget_one_done (task);
}

gboolean
enlist_load_forget_all_finish (EnlistLoad   *self,
                               GAsyncResult *result,
                               GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_counted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  GError *error = NULL;

  entries = enlist_keyring_list_entries_finish (ENLIST_KEYRING (source), result, &error);
  if (entries == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, entries->len);
}

void
enlist_load_count_entries_async (EnlistLoad          *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ENLIST_IS_LOAD (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_load_count_entries_async);
  enlist_keyring_list_entries_async (enlist_account_manager_get_keyring (self->manager),
                                     cancellable, on_counted, task);
}

gssize
enlist_load_count_entries_finish (EnlistLoad   *self,
                                  GAsyncResult *result,
                                  GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

GStrv
enlist_load_list_fds (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GDir *dir = g_dir_open ("/proc/self/fd", 0, NULL);
  const char *name;

  if (dir == NULL)
    return NULL;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/fd", name, NULL);
      g_autofree char *target = g_file_read_link (path, NULL);

      /* Not the directory's own descriptor, gone by now. */
      g_autofree char *entry = target != NULL ? g_strdup_printf ("%s %s", name, target) : NULL;

      if (entry != NULL)
        g_strv_builder_add (builder, entry);
    }
  g_dir_close (dir);
  return g_strv_builder_end (builder);
}

int
enlist_load_count_fds (void)
{
  g_auto(GStrv) fds = enlist_load_list_fds ();

  return fds != NULL ? (int) g_strv_length (fds) : -1;
}
