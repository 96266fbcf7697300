/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-data-form.c: the registration form as one model: its fields in the
 * server's order, what the form says about itself (title, instructions,
 * FORM_TYPE, CAPTCHA, out-of-band URL), validation of everything a person
 * typed, and carrying values over to a fresh form. Reading and writing the
 * form on the wire is enlist-data-form-xml.c's job. */
#define G_LOG_DOMAIN "enlist-data-form"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "enlist-data-form-private.h"
#include "enlist-error.h"
#include "enlist-ns.h"
#include "enlist-text.h"

/* XEP-0158 §3.4: the vars of the fields that carry the answer. */
static const char * const captcha_answer_vars[] = {
  "ocr", "qa", "audio_recog", "picture_recog", "picture_q", "speech_q",
  "speech_recog", "video_q", "video_recog",
};

static gboolean
is_captcha_answer_var (const char *var)
{
  if (var == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (captcha_answer_vars); i++)
    if (strcmp (var, captcha_answer_vars[i]) == 0)
      return TRUE;
  return FALSE;
}

/* ---- EnlistDataForm ----------------------------------------------------- */

struct _EnlistDataForm
{
  GObject           parent_instance;

  EnlistFormOrigin  origin;
  EnlistFormType    type;
  char             *title;
  GStrv             instructions;
  GListStore       *fields;
  GHashTable       *by_var;        /* var → EnlistFormField * (borrowed from fields) */
  gboolean          registered;
  char             *oob_url;
  GPtrArray        *bob_data;      /* EnlistXmlNode * */
};

G_DEFINE_FINAL_TYPE (EnlistDataForm, enlist_data_form, G_TYPE_OBJECT)

static void
enlist_data_form_finalize (GObject *object)
{
  EnlistDataForm *self = (EnlistDataForm *) object;

  g_free (self->title);
  g_strfreev (self->instructions);
  g_clear_pointer (&self->by_var, g_hash_table_unref);
  g_clear_object (&self->fields);
  g_free (self->oob_url);
  g_clear_pointer (&self->bob_data, g_ptr_array_unref);

  G_OBJECT_CLASS (enlist_data_form_parent_class)->finalize (object);
}

static void
enlist_data_form_class_init (EnlistDataFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = enlist_data_form_finalize;
}

static void
enlist_data_form_init (EnlistDataForm *self)
{
  self->instructions = g_new0 (char *, 1);
  self->fields = g_list_store_new (ENLIST_TYPE_FORM_FIELD);
  self->by_var = g_hash_table_new (g_str_hash, g_str_equal);
  self->bob_data = g_ptr_array_new_with_free_func ((GDestroyNotify) enlist_xml_node_free);
}

void
enlist_data_form_problem_free (EnlistDataFormProblem *problem)
{
  if (problem == NULL)
    return;
  g_clear_object (&problem->field);
  g_clear_error (&problem->error);
  g_free (problem);
}

/* ---- building (for the parser) ----------------------------------------- */

EnlistDataForm *
enlist_data_form_new (EnlistFormOrigin origin,
                      EnlistFormType   type)
{
  EnlistDataForm *self = g_object_new (ENLIST_TYPE_DATA_FORM, NULL);

  self->origin = origin;
  self->type = type;
  return self;
}

void
enlist_data_form_set_origin (EnlistDataForm   *self,
                             EnlistFormOrigin  origin)
{
  g_assert (ENLIST_IS_DATA_FORM (self));

  self->origin = origin;
}

void
enlist_data_form_set_form_type (EnlistDataForm *self,
                                EnlistFormType  type)
{
  g_assert (ENLIST_IS_DATA_FORM (self));

  self->type = type;
}

void
enlist_data_form_set_title (EnlistDataForm *self,
                            const char     *title)
{
  g_assert (ENLIST_IS_DATA_FORM (self));

  g_free (self->title);
  self->title = g_strdup (title);
}

void
enlist_data_form_set_registered (EnlistDataForm *self,
                                 gboolean        registered)
{
  g_assert (ENLIST_IS_DATA_FORM (self));

  self->registered = registered;
}

void
enlist_data_form_set_oob_url (EnlistDataForm *self,
                              const char     *url)
{
  g_assert (ENLIST_IS_DATA_FORM (self));

  g_free (self->oob_url);
  self->oob_url = g_strdup (url);
}

gboolean
enlist_data_form_add_instructions (EnlistDataForm  *self,
                                   const char      *text,
                                   GError         **error)
{
  guint n;

  g_assert (ENLIST_IS_DATA_FORM (self));

  n = g_strv_length (self->instructions);
  if (n >= ENLIST_DATA_FORM_MAX_INSTRUCTIONS)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                   _("The server’s form has more than %u instructions."),
                   (guint) ENLIST_DATA_FORM_MAX_INSTRUCTIONS);
      return FALSE;
    }

  self->instructions = g_renew (char *, self->instructions, n + 2);
  self->instructions[n] = g_strdup (text);
  self->instructions[n + 1] = NULL;
  return TRUE;
}

gboolean
enlist_data_form_add_field (EnlistDataForm   *self,
                            EnlistFormField  *field,
                            GError          **error)
{
  const char *var;

  g_assert (ENLIST_IS_DATA_FORM (self));
  g_assert (ENLIST_IS_FORM_FIELD (field));

  var = enlist_form_field_get_var (field);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->fields)) >= ENLIST_DATA_FORM_MAX_FIELDS)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                   _("The server’s form has more than %u fields."),
                   (guint) ENLIST_DATA_FORM_MAX_FIELDS);
      return FALSE;
    }
  if (var != NULL)
    {
      if (g_hash_table_contains (self->by_var, var))
        {
          g_autofree char *shown = enlist_text_neutralize (var, -1);

          g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_MALFORMED_FORM,
                       _("The server’s form has two fields named “%s”."), shown);
          return FALSE;
        }
      /* The key is the field's own string: the store keeps the field alive. */
      g_hash_table_insert (self->by_var, (gpointer) var, field);
    }
  g_list_store_append (self->fields, field);
  return TRUE;
}

/* ---- accessors ---------------------------------------------------------- */

EnlistFormOrigin
enlist_data_form_get_origin (EnlistDataForm *self)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), ENLIST_FORM_ORIGIN_DATA_FORM);
  return self->origin;
}

EnlistFormType
enlist_data_form_get_form_type (EnlistDataForm *self)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), ENLIST_FORM_TYPE_FORM);
  return self->type;
}

const char *
enlist_data_form_get_title (EnlistDataForm *self)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), NULL);
  return self->title;
}

const char * const *
enlist_data_form_get_instructions (EnlistDataForm *self)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), NULL);
  return (const char * const *) self->instructions;
}

const char *
enlist_data_form_get_form_type_namespace (EnlistDataForm *self)
{
  EnlistFormField *field;

  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), NULL);

  field = g_hash_table_lookup (self->by_var, "FORM_TYPE");
  if (field == NULL || enlist_form_field_get_field_type (field) != ENLIST_FIELD_TYPE_HIDDEN)
    return NULL;
  return enlist_form_field_get_value (field);
}

gboolean
enlist_data_form_is_registered (EnlistDataForm *self)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), FALSE);
  return self->registered;
}

const char *
enlist_data_form_get_oob_url (EnlistDataForm *self)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), NULL);
  return self->oob_url;
}

gboolean
enlist_data_form_is_web_only (EnlistDataForm *self)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), FALSE);

  for (guint i = 0; i < enlist_data_form_get_n_fields (self); i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (self, i);
      EnlistFieldType type = enlist_form_field_get_field_type (field);

      if (type != ENLIST_FIELD_TYPE_HIDDEN && type != ENLIST_FIELD_TYPE_FIXED)
        return FALSE;
    }
  return TRUE;
}

GListModel *
enlist_data_form_get_fields (EnlistDataForm *self)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), NULL);
  return G_LIST_MODEL (self->fields);
}

guint
enlist_data_form_get_n_fields (EnlistDataForm *self)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->fields));
}

EnlistFormField *
enlist_data_form_get_field (EnlistDataForm *self,
                            guint           i)
{
  g_autoptr(EnlistFormField) field = NULL;

  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), NULL);

  /* The store keeps its own reference: hand out a borrowed one. */
  field = g_list_model_get_item (G_LIST_MODEL (self->fields), i);
  g_return_val_if_fail (field != NULL, NULL);
  return field;
}

EnlistFormField *
enlist_data_form_lookup_field (EnlistDataForm *self,
                               const char     *var)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), NULL);
  g_return_val_if_fail (var != NULL, NULL);
  return g_hash_table_lookup (self->by_var, var);
}

EnlistFormField *
enlist_data_form_get_captcha_field (EnlistDataForm *self)
{
  guint n;

  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), NULL);

  if (self->origin != ENLIST_FORM_ORIGIN_DATA_FORM)
    return NULL;
  n = enlist_data_form_get_n_fields (self);
  for (guint i = 0; i < n; i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (self, i);
      EnlistFieldType type = enlist_form_field_get_field_type (field);

      if (type != ENLIST_FIELD_TYPE_HIDDEN && type != ENLIST_FIELD_TYPE_FIXED &&
          is_captcha_answer_var (enlist_form_field_get_var (field)))
        return field;
    }
  return NULL;
}

gboolean
enlist_data_form_is_captcha (EnlistDataForm *self)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), FALSE);

  return g_strcmp0 (enlist_data_form_get_form_type_namespace (self), ENLIST_NS_CAPTCHA) == 0 ||
         enlist_data_form_get_captcha_field (self) != NULL;
}

const char *
enlist_data_form_get_captcha_fallback_url (EnlistDataForm *self)
{
  static const char * const vars[] = { "captcha-fallback-url", "url" };

  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), NULL);

  if (!enlist_data_form_is_captcha (self))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      EnlistFormField *field = g_hash_table_lookup (self->by_var, vars[i]);
      const char *value = field != NULL ? enlist_form_field_get_value (field) : NULL;

      if (value != NULL && *value != '\0')
        return value;
    }
  return self->oob_url;
}

GPtrArray *
enlist_data_form_get_bob_data (EnlistDataForm *self)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), NULL);
  return self->bob_data;
}

gboolean
enlist_data_form_validate (EnlistDataForm  *self,
                           GPtrArray      **problems)
{
  g_autoptr(GPtrArray) found = NULL;
  guint n;

  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), FALSE);

  found = g_ptr_array_new_with_free_func ((GDestroyNotify) enlist_data_form_problem_free);
  n = enlist_data_form_get_n_fields (self);
  for (guint i = 0; i < n; i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (self, i);
      GError *error = NULL;

      if (!enlist_form_field_validate (field, &error))
        {
          EnlistDataFormProblem *problem = g_new0 (EnlistDataFormProblem, 1);

          problem->field = g_object_ref (field);
          problem->error = error;
          g_ptr_array_add (found, problem);
        }
    }

  n = found->len;
  if (problems != NULL)
    *problems = g_steal_pointer (&found);
  return n == 0;
}

/* ---- carrying values over ----------------------------------------------- */

static gboolean
is_user_field (EnlistFormField *field)
{
  EnlistFieldType type = enlist_form_field_get_field_type (field);

  return enlist_form_field_get_var (field) != NULL && type != ENLIST_FIELD_TYPE_HIDDEN &&
         type != ENLIST_FIELD_TYPE_FIXED && !enlist_form_field_is_informational (field);
}

/* Whether every user field of a has a field of the same var and type in b. */
static gboolean
user_fields_contained (EnlistDataForm *a,
                       EnlistDataForm *b)
{
  guint n = enlist_data_form_get_n_fields (a);

  for (guint i = 0; i < n; i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (a, i);
      EnlistFormField *other;

      if (!is_user_field (field))
        continue;
      other = g_hash_table_lookup (b->by_var, enlist_form_field_get_var (field));
      if (other == NULL || !is_user_field (other) ||
          enlist_form_field_get_field_type (other) != enlist_form_field_get_field_type (field))
        return FALSE;
    }
  return TRUE;
}

gboolean
enlist_data_form_copy_values_from (EnlistDataForm *dest,
                                   EnlistDataForm *src,
                                   gboolean        include_secrets)
{
  EnlistFormField *dest_captcha, *src_captcha;
  guint n;

  g_return_val_if_fail (ENLIST_IS_DATA_FORM (dest), FALSE);
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (src), FALSE);

  if (dest == src)
    return TRUE;
  if (!user_fields_contained (dest, src) || !user_fields_contained (src, dest))
    return FALSE;

  dest_captcha = enlist_data_form_get_captcha_field (dest);
  src_captcha = enlist_data_form_get_captcha_field (src);

  n = enlist_data_form_get_n_fields (dest);
  for (guint i = 0; i < n; i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (dest, i);
      EnlistFormField *from;

      if (!is_user_field (field) || field == dest_captcha)
        continue;
      from = g_hash_table_lookup (src->by_var, enlist_form_field_get_var (field));
      if (from == src_captcha)
        continue;
      if (!include_secrets &&
          (enlist_form_field_is_secret (field) ||
           strcmp (enlist_form_field_get_var (field), "password") == 0))
        continue;
      enlist_form_field_set_values (field, enlist_form_field_get_values (from));
    }

  return TRUE;
}
