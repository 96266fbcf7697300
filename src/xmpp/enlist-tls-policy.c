/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-tls-policy.c: Enlist's certificate trust, as a GTlsDatabase.
 *
 * Why a database of our own: glib-networking 2.74 builds the GnuTLS
 * credentials of every TLS connection whose database is one of its own by
 * parsing the whole system store again (some 144 certificates, ~20 ms and
 * ~4 MB each time; fixed upstream in 2.78). For a database of any other type
 * it gives the connection empty credentials and asks the database to verify
 * the peer's chain. So the store is parsed here once per process, and only
 * when a chain needs it: a pinned certificate or one the CA file vouches for
 * never loads it.
 *
 * What changes against GnuTLS's in-session verification: GnuTLS checked a
 * stapled OCSP answer the server sent in the handshake (a revoked status, or
 * a missing one for a must-staple certificate, failed the handshake); the
 * database API has no access to it, so stapled OCSP answers are ignored now.
 * The chain, its validity dates, its algorithms and the name are verified
 * as before, by the same GnuTLS trust-list code (GIO's file database for the
 * CA file, the backend's own database for the system store). Extended key
 * usage was not checked before either. */
#define G_LOG_DOMAIN "enlist-tls-policy"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-analyzer.h"
#include "enlist-certificate.h"
#include "enlist-tls-policy.h"
#include "enlist-tls-policy-private.h"

/* A handful is enough: a verdict is looked up right after its handshake. */
#define N_VERDICTS 8

typedef struct
{
  GTlsCertificate *certificate;
  const char      *reason;
} Verdict;

struct _EnlistTlsPolicy
{
  GTlsDatabase  parent_instance;

  /* GIO may verify in its own threads: everything below is under mutex */
  GMutex        mutex;
  GTlsDatabase *ca_anchors;
  GPtrArray    *pins;                     /* char *: SHA-256 fingerprints */
  Verdict       verdicts[N_VERDICTS];     /* chains trusted lately, a ring */
  guint         next_verdict;
};

G_DEFINE_FINAL_TYPE (EnlistTlsPolicy, enlist_tls_policy, G_TYPE_TLS_DATABASE)

/* ---------------------------------------------------------------------- */
/* The process-wide anchors                                                */

/* CA files by absolute path, each with a stamp of the file it was parsed
 * from (device, inode, size, times): a file replaced or rewritten since is
 * parsed again. */
typedef struct
{
  GTlsDatabase *anchors;
  char         *stamp;
} CaFile;

G_LOCK_DEFINE_STATIC (ca_files_lock);
static GHashTable *ca_files;
static guint n_ca_file_loads;

static GMutex system_mutex;
static GTlsDatabase *system_store;
static gboolean system_loaded;
static guint n_system_loads;

static void
ca_file_free (CaFile *ca_file)
{
  g_clear_object (&ca_file->anchors);
  g_free (ca_file->stamp);
  g_free (ca_file);
}

#define STAMP_ATTRIBUTES \
  G_FILE_ATTRIBUTE_UNIX_DEVICE "," G_FILE_ATTRIBUTE_UNIX_INODE "," \
  G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_TIME_MODIFIED "," \
  G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC "," G_FILE_ATTRIBUTE_TIME_CHANGED "," \
  G_FILE_ATTRIBUTE_TIME_CHANGED_USEC

/* NULL when the file cannot be looked at: then it is not cached, and the
 * parse reports why. */
static char *
file_stamp (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = NULL;

  info = g_file_query_info (file, STAMP_ATTRIBUTES, G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (info == NULL)
    return NULL;
  return g_strdup_printf ("%u:%" G_GUINT64_FORMAT ":%" G_GOFFSET_FORMAT ":%" G_GUINT64_FORMAT
                          ".%u:%" G_GUINT64_FORMAT ".%u",
                          g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_UNIX_DEVICE),
                          g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_UNIX_INODE),
                          g_file_info_get_size (info),
                          g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED),
                          g_file_info_get_attribute_uint32 (info,
                                                            G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC),
                          g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_CHANGED),
                          g_file_info_get_attribute_uint32 (info,
                                                            G_FILE_ATTRIBUTE_TIME_CHANGED_USEC));
}

static GTlsDatabase *
ca_file_anchors (const char  *path,
                 GError     **error)
{
  /* GTlsFileDatabase wants an absolute path */
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *stamp = file_stamp (absolute);
  GTlsDatabase *anchors = NULL;
  CaFile *cached;

  G_LOCK (ca_files_lock);
  cached = ca_files != NULL ? g_hash_table_lookup (ca_files, absolute) : NULL;
  if (cached != NULL && stamp != NULL && g_str_equal (cached->stamp, stamp))
    anchors = g_object_ref (cached->anchors);
  G_UNLOCK (ca_files_lock);
  if (anchors != NULL)
    return anchors;

  anchors = g_tls_file_database_new (absolute, error);
  if (anchors == NULL)
    return NULL;

  G_LOCK (ca_files_lock);
  n_ca_file_loads++;
  if (stamp != NULL)
    {
      CaFile *entry = g_new0 (CaFile, 1);

      entry->anchors = g_object_ref (anchors);
      entry->stamp = g_steal_pointer (&stamp);
      if (ca_files == NULL)
        ca_files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) ca_file_free);
      g_hash_table_replace (ca_files, g_steal_pointer (&absolute), entry);
    }
  G_UNLOCK (ca_files_lock);
  return anchors;
}

/* The backend's own system database, loaded on first use. Asked from the
 * backend's interface rather than g_tls_backend_get_default_database, which
 * may answer with a policy (enlist_tls_policy_install_default). NULL when
 * the backend has no system store. */
static GTlsDatabase *
ensure_system_store (void)
{
  GTlsDatabase *store;

  g_mutex_lock (&system_mutex);
  if (!system_loaded)
    {
      GTlsBackend *backend = g_tls_backend_get_default ();
      GTlsBackendInterface *iface = G_TLS_BACKEND_GET_INTERFACE (backend);

      if (iface->get_default_database != NULL)
        system_store = iface->get_default_database (backend);
      system_loaded = TRUE;
      n_system_loads++;
      g_debug ("system trust store loaded (%s)", system_store ? "ok" : "none");
    }
  store = system_store != NULL ? g_object_ref (system_store) : NULL;
  g_mutex_unlock (&system_mutex);
  return store;
}

static gpointer
preload_thread (gpointer user_data)
{
  /* only loaded here; a g_autoptr that is never read is an unused
   * variable to clang */
  GTlsDatabase *store = ensure_system_store ();

  g_clear_object (&store);
  return NULL;
}

guint
enlist_tls_policy_get_n_ca_file_loads (void)
{
  guint n;

  G_LOCK (ca_files_lock);
  n = n_ca_file_loads;
  G_UNLOCK (ca_files_lock);
  return n;
}

guint
enlist_tls_policy_get_n_system_loads (void)
{
  guint n;

  g_mutex_lock (&system_mutex);
  n = n_system_loads;
  g_mutex_unlock (&system_mutex);
  return n;
}

gboolean
enlist_tls_policy_is_system_loaded (void)
{
  gboolean loaded;

  g_mutex_lock (&system_mutex);
  loaded = system_loaded;
  g_mutex_unlock (&system_mutex);
  return loaded;
}

void
enlist_tls_policy_clear_ca_file_cache (void)
{
  G_LOCK (ca_files_lock);
  g_clear_pointer (&ca_files, g_hash_table_unref);
  G_UNLOCK (ca_files_lock);
}

/* ---------------------------------------------------------------------- */
/* Configuration                                                           */

EnlistTlsPolicy *
enlist_tls_policy_new (void)
{
  return g_object_new (ENLIST_TYPE_TLS_POLICY, NULL);
}

gboolean
enlist_tls_policy_set_ca_file (EnlistTlsPolicy  *self,
                               const char       *path,
                               GError          **error)
{
  g_autoptr(GTlsDatabase) anchors = NULL;

  g_return_val_if_fail (ENLIST_IS_TLS_POLICY (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (path != NULL)
    {
      anchors = ca_file_anchors (path, error);
      if (anchors == NULL)
        return FALSE;
    }

  g_mutex_lock (&self->mutex);
  g_set_object (&self->ca_anchors, anchors);
  g_mutex_unlock (&self->mutex);
  return TRUE;
}

gboolean
enlist_tls_policy_has_ca_file (EnlistTlsPolicy *self)
{
  gboolean has;

  g_return_val_if_fail (ENLIST_IS_TLS_POLICY (self), FALSE);

  g_mutex_lock (&self->mutex);
  has = self->ca_anchors != NULL;
  g_mutex_unlock (&self->mutex);
  return has;
}

void
enlist_tls_policy_add_pinned_fingerprint (EnlistTlsPolicy *self,
                                          const char      *fingerprint)
{
  g_return_if_fail (ENLIST_IS_TLS_POLICY (self));
  g_return_if_fail (fingerprint != NULL);

  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->pins, g_strdup (fingerprint));
  g_mutex_unlock (&self->mutex);
}

void
enlist_tls_policy_preload (EnlistTlsPolicy *self)
{
  static gsize started = 0;
  gboolean needed;

  g_return_if_fail (ENLIST_IS_TLS_POLICY (self));

  g_mutex_lock (&self->mutex);
  needed = self->ca_anchors == NULL && self->pins->len == 0;
  g_mutex_unlock (&self->mutex);

  if (needed && g_once_init_enter (&started))
    {
      g_thread_unref (g_thread_new ("enlist-trust", preload_thread, NULL));
      g_once_init_leave (&started, 1);
    }
}

void
enlist_tls_policy_install_default (void)
{
  static gsize installed = 0;

  if (g_once_init_enter (&installed))
    {
      g_autoptr(EnlistTlsPolicy) policy = enlist_tls_policy_new ();

      g_tls_backend_set_default_database (g_tls_backend_get_default (), G_TLS_DATABASE (policy));
      g_once_init_leave (&installed, 1);
    }
}

GIOStream *
enlist_tls_policy_new_client_connection (EnlistTlsPolicy    *self,
                                         GIOStream          *base,
                                         GSocketConnectable *identity,
                                         GError            **error)
{
  GTlsBackend *backend = g_tls_backend_get_default ();

  g_return_val_if_fail (ENLIST_IS_TLS_POLICY (self), NULL);
  g_return_val_if_fail (G_IS_IO_STREAM (base), NULL);

  if (!g_tls_backend_supports_tls (backend))
    {
      g_set_error_literal (error, G_TLS_ERROR, G_TLS_ERROR_UNAVAILABLE,
                           _("This system has no TLS support (glib-networking is missing)."));
      return NULL;
    }
  /* what g_tls_client_connection_new does, with the database among the
   * construction properties */
  return g_initable_new (g_tls_backend_get_client_connection_type (backend), NULL, error,
                         "base-io-stream", base,
                         "server-identity", identity,
                         "database", self,
                         NULL);
}

/* ---------------------------------------------------------------------- */
/* Verification                                                            */

static void
remember_verdict (EnlistTlsPolicy *self,
                  GTlsCertificate *certificate,
                  const char      *reason)
{
  Verdict *verdict;

  g_mutex_lock (&self->mutex);
  verdict = &self->verdicts[self->next_verdict];
  g_set_object (&verdict->certificate, certificate);
  verdict->reason = reason;
  self->next_verdict = (self->next_verdict + 1) % N_VERDICTS;
  g_mutex_unlock (&self->mutex);
}

const char *
enlist_tls_policy_lookup_trust_reason (EnlistTlsPolicy *self,
                                       GTlsCertificate *certificate)
{
  const char *reason = NULL;

  g_return_val_if_fail (ENLIST_IS_TLS_POLICY (self), NULL);
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < N_VERDICTS && reason == NULL; i++)
    {
      /* newest first */
      Verdict *verdict = &self->verdicts[(self->next_verdict + N_VERDICTS - 1 - i) % N_VERDICTS];

      if (verdict->certificate != NULL
          && g_tls_certificate_is_same (verdict->certificate, certificate))
        reason = verdict->reason;
    }
  g_mutex_unlock (&self->mutex);
  return reason;
}

static gboolean
is_pinned (GStrv            pins,
           GTlsCertificate *certificate)
{
  g_autofree char *fingerprint = NULL;

  if (pins[0] == NULL)
    return FALSE;
  fingerprint = enlist_certificate_get_fingerprint (certificate);
  for (guint i = 0; fingerprint != NULL && pins[i] != NULL; i++)
    if (enlist_certificate_fingerprint_equal (fingerprint, pins[i]))
      return TRUE;
  return FALSE;
}

static GTlsCertificateFlags
verify_with (GTlsDatabase       *database,
             GTlsCertificate    *chain,
             const char         *purpose,
             GSocketConnectable *identity,
             GCancellable       *cancellable)
{
  g_autoptr(GError) error = NULL;
  GTlsCertificateFlags flags;

  flags = g_tls_database_verify_chain (database, chain, purpose, identity, NULL,
                                       G_TLS_DATABASE_VERIFY_NONE, cancellable, &error);
  if (error != NULL)
    {
      g_debug ("verifying a chain failed: %s", error->message);
      flags |= G_TLS_CERTIFICATE_GENERIC_ERROR;
    }
  return flags;
}

static GTlsCertificateFlags
policy_verify (EnlistTlsPolicy     *self,
               GTlsCertificate     *chain,
               const char          *purpose,
               GSocketConnectable  *identity,
               GCancellable        *cancellable,
               const char         **trust_reason)
{
  g_autoptr(GTlsDatabase) anchors = NULL;
  g_autoptr(GTlsDatabase) system = NULL;
  g_auto(GStrv) pins = NULL;
  GTlsCertificateFlags flags;
  const char *reason = NULL;

  g_mutex_lock (&self->mutex);
  anchors = self->ca_anchors != NULL ? g_object_ref (self->ca_anchors) : NULL;
  pins = g_new0 (char *, self->pins->len + 1);
  /* g_auto(GStrv) frees it (enlist-analyzer.h) */
  ENLIST_ANALYZER_ESCAPE (pins);
  for (guint i = 0; i < self->pins->len; i++)
    pins[i] = g_strdup (g_ptr_array_index (self->pins, i));
  g_mutex_unlock (&self->mutex);

  if (is_pinned (pins, chain))
    {
      flags = 0;
      reason = ENLIST_TLS_TRUST_PINNED;
      goto out;
    }

  if (anchors != NULL)
    {
      flags = verify_with (anchors, chain, purpose, identity, cancellable);
      if (flags == 0)
        {
          reason = ENLIST_TLS_TRUST_CA_FILE;
          goto out;
        }
      /* the CA file knows this chain: its complaint is the accurate one,
       * and the system store would not know better */
      if ((flags & (G_TLS_CERTIFICATE_UNKNOWN_CA | G_TLS_CERTIFICATE_GENERIC_ERROR)) == 0)
        goto out;
    }

  system = ensure_system_store ();
  if (system == NULL)
    {
      /* what GIO does without a database */
      flags = G_TLS_CERTIFICATE_UNKNOWN_CA;
      if (identity != NULL)
        flags |= g_tls_certificate_verify (chain, identity, NULL);
      goto out;
    }
  flags = verify_with (system, chain, purpose, identity, cancellable);
  if (flags == 0)
    reason = ENLIST_TLS_TRUST_SYSTEM;

out:
  if (reason != NULL)
    remember_verdict (self, chain, reason);
  if (trust_reason != NULL)
    *trust_reason = reason;
  return flags;
}

GTlsCertificateFlags
enlist_tls_policy_verify (EnlistTlsPolicy     *self,
                          GTlsCertificate     *chain,
                          GSocketConnectable  *identity,
                          const char         **trust_reason)
{
  g_return_val_if_fail (ENLIST_IS_TLS_POLICY (self), G_TLS_CERTIFICATE_GENERIC_ERROR);
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (chain), G_TLS_CERTIFICATE_GENERIC_ERROR);

  return policy_verify (self, chain, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, identity, NULL,
                        trust_reason);
}

/* ---------------------------------------------------------------------- */
/* GTlsDatabase                                                            */

static GTlsCertificateFlags
enlist_tls_policy_verify_chain (GTlsDatabase            *database,
                                GTlsCertificate         *chain,
                                const char              *purpose,
                                GSocketConnectable      *identity,
                                GTlsInteraction         *interaction,
                                GTlsDatabaseVerifyFlags  flags,
                                GCancellable            *cancellable,
                                GError                 **error)
{
  EnlistTlsPolicy *self = ENLIST_TLS_POLICY (database);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return G_TLS_CERTIFICATE_GENERIC_ERROR;
  return policy_verify (self, chain, purpose, identity, cancellable, NULL);
}

/* The policy verifies chains; it offers no certificates to look up. */

static char *
enlist_tls_policy_create_certificate_handle (GTlsDatabase    *database,
                                             GTlsCertificate *certificate)
{
  return NULL;
}

static GTlsCertificate *
enlist_tls_policy_lookup_certificate_for_handle (GTlsDatabase            *database,
                                                 const char              *handle,
                                                 GTlsInteraction         *interaction,
                                                 GTlsDatabaseLookupFlags  flags,
                                                 GCancellable            *cancellable,
                                                 GError                 **error)
{
  return NULL;
}

static GTlsCertificate *
enlist_tls_policy_lookup_certificate_issuer (GTlsDatabase            *database,
                                             GTlsCertificate         *certificate,
                                             GTlsInteraction         *interaction,
                                             GTlsDatabaseLookupFlags  flags,
                                             GCancellable            *cancellable,
                                             GError                 **error)
{
  return NULL;
}

static GList *
enlist_tls_policy_lookup_certificates_issued_by (GTlsDatabase            *database,
                                                 GByteArray              *issuer_raw_dn,
                                                 GTlsInteraction         *interaction,
                                                 GTlsDatabaseLookupFlags  flags,
                                                 GCancellable            *cancellable,
                                                 GError                 **error)
{
  return NULL;
}

static void
enlist_tls_policy_finalize (GObject *object)
{
  EnlistTlsPolicy *self = ENLIST_TLS_POLICY (object);

  for (guint i = 0; i < N_VERDICTS; i++)
    g_clear_object (&self->verdicts[i].certificate);
  g_clear_object (&self->ca_anchors);
  g_clear_pointer (&self->pins, g_ptr_array_unref);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (enlist_tls_policy_parent_class)->finalize (object);
}

static void
enlist_tls_policy_class_init (EnlistTlsPolicyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GTlsDatabaseClass *database_class = G_TLS_DATABASE_CLASS (klass);

  object_class->finalize = enlist_tls_policy_finalize;

  database_class->verify_chain = enlist_tls_policy_verify_chain;
  database_class->create_certificate_handle = enlist_tls_policy_create_certificate_handle;
  database_class->lookup_certificate_for_handle = enlist_tls_policy_lookup_certificate_for_handle;
  database_class->lookup_certificate_issuer = enlist_tls_policy_lookup_certificate_issuer;
  database_class->lookup_certificates_issued_by = enlist_tls_policy_lookup_certificates_issued_by;
}

static void
enlist_tls_policy_init (EnlistTlsPolicy *self)
{
  g_mutex_init (&self->mutex);
  self->pins = g_ptr_array_new_with_free_func (g_free);
}
