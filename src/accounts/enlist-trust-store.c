/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-trust-store.c: server certificates the user chose to trust although
 * they did not verify, pinned per XMPP domain by SHA-256 fingerprint.
 *
 * A fingerprint is public, not a secret, so pins live in a small key file in
 * the user's data directory rather than in the keyring:
 *
 *   [example.org]
 *   sha256=AB:CD:…;01:23:…;
 *
 * one group per domain, so that more per-domain data can join later. */
#define G_LOG_DOMAIN "enlist-trust-store"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "enlist-certificate.h"
#include "enlist-jid.h"
#include "enlist-trust-store.h"

#define FILE_NAME "pinned-certificates.ini"
#define PINS_KEY "sha256"

struct _EnlistTrustStore
{
  GObject  parent_instance;

  char    *directory;
  char    *path;
};

G_DEFINE_FINAL_TYPE (EnlistTrustStore, enlist_trust_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DIRECTORY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

char *
enlist_trust_store_normalize_domain (const char *domain)
{
  g_autofree char *normalized = NULL;

  g_return_val_if_fail (domain != NULL, NULL);

  /* IDNA (and with it case folding) for international names, so that both
   * spellings of a domain find the same pins. */
  normalized = enlist_jid_normalize_domain (domain, NULL);
  if (normalized == NULL)
    return NULL;

  /* A key file's group name cannot hold the brackets of an IP literal; what
   * is left after normalising is letters, digits, '-', '_' and '.', nothing
   * that means something in a key file. */
  if (normalized[0] == '[')
    return NULL;

  return g_steal_pointer (&normalized);
}

/* The key file as it is on disk; an empty one if there is no file yet. */
static GKeyFile *
load (EnlistTrustStore *self,
      GError          **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;

  if (!g_key_file_load_from_file (key_file, self->path, G_KEY_FILE_KEEP_COMMENTS, &local_error))
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("Could not read the pinned certificates in %s: %s"),
                       self->path, local_error->message);
          return NULL;
        }
    }

  /* g_key_file_new () never returns NULL (GLib aborts when memory runs
   * out), so this function returns NULL only with *error set. Said for
   * Clang's analyzer, which cannot know it and has the callers read the
   * message of an error never set. */
  g_assert (key_file != NULL);
  return g_steal_pointer (&key_file);
}

/* Atomically: a crash leaves the old file or the new one, never half of it. */
static gboolean
save (EnlistTrustStore *self,
      GKeyFile         *key_file,
      GError          **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize len;

  data = g_key_file_to_data (key_file, &len, NULL);

  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the folder %s: %s"),
                   self->directory, g_strerror (saved_errno));
      return FALSE;
    }

  if (!g_file_set_contents_full (self->path, data, len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                 0600, &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not save the pinned certificates in %s: %s"),
                   self->path, local_error->message);
      return FALSE;
    }

  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The valid pins of the group, normalised, sorted, without duplicates. */
static GPtrArray *
read_pins (GKeyFile   *key_file,
           const char *group)
{
  GPtrArray *pins = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) values = g_key_file_get_string_list (key_file, group, PINS_KEY, NULL, NULL);

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      g_autofree char *pin = enlist_certificate_normalize_fingerprint (values[i]);

      if (pin == NULL)
        {
          g_debug ("Ignoring “%s” in [%s] of the pinned certificates: not a SHA-256 fingerprint",
                   values[i], group);
          continue;
        }
      if (!g_ptr_array_find_with_equal_func (pins, pin, g_str_equal, NULL))
        g_ptr_array_add (pins, g_steal_pointer (&pin));
    }
  g_ptr_array_sort (pins, compare_strings);

  return pins;
}

static void
write_pins (GKeyFile   *key_file,
            const char *group,
            GPtrArray  *pins)
{
  if (pins->len == 0)
    {
      g_key_file_remove_group (key_file, group, NULL);
      return;
    }

  g_ptr_array_sort (pins, compare_strings);
  g_key_file_set_string_list (key_file, group, PINS_KEY,
                              (const char * const *) pins->pdata, pins->len);
}

static char *
check_domain (const char *domain,
              GError    **error)
{
  char *normalized = enlist_trust_store_normalize_domain (domain);

  if (normalized == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 _("“%s” is not a valid domain name"), domain);
  return normalized;
}

static char *
check_fingerprint (const char *fingerprint,
                   GError    **error)
{
  char *normalized = enlist_certificate_normalize_fingerprint (fingerprint);

  if (normalized == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 _("“%s” is not a SHA-256 certificate fingerprint"), fingerprint);
  return normalized;
}

GStrv
enlist_trust_store_get_pins (EnlistTrustStore *self,
                             const char       *domain,
                             GError          **error)
{
  g_autoptr(GKeyFile) key_file = NULL;
  g_autoptr(GPtrArray) pins = NULL;
  g_autofree char *group = NULL;

  g_return_val_if_fail (ENLIST_IS_TRUST_STORE (self), NULL);
  g_return_val_if_fail (domain != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((group = check_domain (domain, error)) == NULL)
    return NULL;
  if ((key_file = load (self, error)) == NULL)
    return NULL;

  pins = read_pins (key_file, group);
  g_ptr_array_add (pins, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&pins), FALSE);
}

gboolean
enlist_trust_store_has_pin (EnlistTrustStore *self,
                            const char       *domain,
                            const char       *fingerprint)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pin = NULL;
  g_auto(GStrv) pins = NULL;

  g_return_val_if_fail (ENLIST_IS_TRUST_STORE (self), FALSE);
  g_return_val_if_fail (domain != NULL, FALSE);
  g_return_val_if_fail (fingerprint != NULL, FALSE);

  if ((pin = enlist_certificate_normalize_fingerprint (fingerprint)) == NULL)
    return FALSE;

  if ((pins = enlist_trust_store_get_pins (self, domain, &error)) == NULL)
    {
      g_debug ("No pins for %s: %s", domain, error->message);
      return FALSE;
    }

  return g_strv_contains ((const char * const *) pins, pin);
}

gboolean
enlist_trust_store_add_pin (EnlistTrustStore *self,
                            const char       *domain,
                            const char       *fingerprint,
                            GError          **error)
{
  g_autoptr(GKeyFile) key_file = NULL;
  g_autoptr(GPtrArray) pins = NULL;
  g_autofree char *group = NULL;
  g_autofree char *pin = NULL;

  g_return_val_if_fail (ENLIST_IS_TRUST_STORE (self), FALSE);
  g_return_val_if_fail (domain != NULL, FALSE);
  g_return_val_if_fail (fingerprint != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((group = check_domain (domain, error)) == NULL)
    return FALSE;
  if ((pin = check_fingerprint (fingerprint, error)) == NULL)
    return FALSE;
  /* A file that cannot be read is not overwritten: it may hold other pins. */
  if ((key_file = load (self, error)) == NULL)
    return FALSE;

  pins = read_pins (key_file, group);
  if (g_ptr_array_find_with_equal_func (pins, pin, g_str_equal, NULL))
    return TRUE;

  g_ptr_array_add (pins, g_steal_pointer (&pin));
  write_pins (key_file, group, pins);

  return save (self, key_file, error);
}

gboolean
enlist_trust_store_remove_pin (EnlistTrustStore *self,
                               const char       *domain,
                               const char       *fingerprint,
                               GError          **error)
{
  g_autoptr(GKeyFile) key_file = NULL;
  g_autoptr(GPtrArray) pins = NULL;
  g_autofree char *group = NULL;
  g_autofree char *pin = NULL;
  guint index;

  g_return_val_if_fail (ENLIST_IS_TRUST_STORE (self), FALSE);
  g_return_val_if_fail (domain != NULL, FALSE);
  g_return_val_if_fail (fingerprint != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((group = check_domain (domain, error)) == NULL)
    return FALSE;
  if ((pin = check_fingerprint (fingerprint, error)) == NULL)
    return FALSE;
  if ((key_file = load (self, error)) == NULL)
    return FALSE;

  pins = read_pins (key_file, group);
  if (!g_ptr_array_find_with_equal_func (pins, pin, g_str_equal, &index))
    return TRUE;

  g_ptr_array_remove_index (pins, index);
  write_pins (key_file, group, pins);

  return save (self, key_file, error);
}

const char *
enlist_trust_store_get_path (EnlistTrustStore *self)
{
  g_return_val_if_fail (ENLIST_IS_TRUST_STORE (self), NULL);

  return self->path;
}

/* GObject */

static void
enlist_trust_store_constructed (GObject *object)
{
  EnlistTrustStore *self = ENLIST_TRUST_STORE (object);

  G_OBJECT_CLASS (enlist_trust_store_parent_class)->constructed (object);

  if (self->directory == NULL)
    self->directory = g_build_filename (g_get_user_data_dir (), "enlist", NULL);
  self->path = g_build_filename (self->directory, FILE_NAME, NULL);
}

static void
enlist_trust_store_finalize (GObject *object)
{
  EnlistTrustStore *self = ENLIST_TRUST_STORE (object);

  g_clear_pointer (&self->directory, g_free);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (enlist_trust_store_parent_class)->finalize (object);
}

static void
enlist_trust_store_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  EnlistTrustStore *self = ENLIST_TRUST_STORE (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_string (value, self->directory);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_trust_store_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  EnlistTrustStore *self = ENLIST_TRUST_STORE (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      self->directory = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_trust_store_class_init (EnlistTrustStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = enlist_trust_store_constructed;
  object_class->finalize = enlist_trust_store_finalize;
  object_class->get_property = enlist_trust_store_get_property;
  object_class->set_property = enlist_trust_store_set_property;

  /**
   * EnlistTrustStore:directory:
   *
   * The folder of the pins file; NULL at construction means the user data
   * folder's "enlist".
   */
  properties[PROP_DIRECTORY] =
    g_param_spec_string ("directory", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
enlist_trust_store_init (EnlistTrustStore *self)
{
}

EnlistTrustStore *
enlist_trust_store_new (const char *directory)
{
  return g_object_new (ENLIST_TYPE_TRUST_STORE,
                       "directory", directory,
                       NULL);
}
