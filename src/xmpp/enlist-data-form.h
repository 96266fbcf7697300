/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-data-form.h: the one model that carries a registration form from the
 * wire to the screen and back: XEP-0004 data forms with XEP-0122 validation
 * and XEP-0221 media, legacy XEP-0077 fields, XEP-0158 CAPTCHA recognition.
 * Front ends see the model only; reading it from and writing it to XML is
 * the protocol engine's (enlist-data-form-private.h). */
#pragma once

#include <gio/gio.h>

#include "enlist-enums.h"
#include "enlist-types.h"

G_BEGIN_DECLS

/* Limits on untrusted input. Going over any of them makes parsing fail with
 * ENLIST_ERROR_LIMIT_EXCEEDED and a message that says which. The per-item
 * limits alone would let one form hold gigabytes (2,000 fields × 500
 * choices × 64 KiB), so the whole form has budgets too: the MAX_FORM_*
 * limits count across all its fields. The form view shows a 2,000-field
 * form at once and fills it in slices (bench/README.md). */
#define ENLIST_DATA_FORM_MAX_FIELDS        2000
#define ENLIST_DATA_FORM_MAX_OPTIONS       500          /* per field */
#define ENLIST_DATA_FORM_MAX_VALUES        100          /* per field */
#define ENLIST_DATA_FORM_MAX_TEXT          (64 * 1024)  /* bytes of one var, value,
                                                         * label, desc, title,
                                                         * instructions, option, media
                                                         * URI or XEP-0122 rule */
#define ENLIST_DATA_FORM_MAX_INSTRUCTIONS  32
#define ENLIST_DATA_FORM_MAX_MEDIA_URIS    16           /* per field */
#define ENLIST_DATA_FORM_MAX_BOB           32           /* <data/> elements */
#define ENLIST_DATA_FORM_MAX_BOB_TOTAL     (2 * 1024 * 1024) /* bytes of base64, all together */
#define ENLIST_DATA_FORM_MAX_FORM_TEXT     (1024 * 1024) /* bytes of all those texts
                                                         * together */
#define ENLIST_DATA_FORM_MAX_FORM_OPTIONS  10000        /* choices, all fields together */
#define ENLIST_DATA_FORM_MAX_FORM_VALUES   10000        /* values, all fields together */


/* The XEP-0004 name ("text-single", …). from_string maps NULL and unknown
 * names to ENLIST_FIELD_TYPE_TEXT_SINGLE, as XEP-0004 says. */
const char      *enlist_field_type_to_string   (EnlistFieldType  type);
EnlistFieldType  enlist_field_type_from_string (const char      *name);

/* ---- one field ---------------------------------------------------------- */

#define ENLIST_TYPE_FORM_FIELD (enlist_form_field_get_type ())
G_DECLARE_FINAL_TYPE (EnlistFormField, enlist_form_field, ENLIST, FORM_FIELD, GObject)

/* Properties: "var", "field-type", "label", "description", "required" (read
 * only) and "values" (GStrv, read-write, notified when it changes). Reading
 * "values" of a secret field (is_secret) gives an empty vector, so that no
 * property binding or g_object_get copies a password into a GValue, which
 * would free it unwiped: read secrets with enlist_form_field_get_values. */
const char          *enlist_form_field_get_var          (EnlistFormField     *self);
EnlistFieldType      enlist_form_field_get_field_type   (EnlistFormField     *self);
/* The server's label; NULL when it gave none. For legacy fields a translated label. */
const char          *enlist_form_field_get_label        (EnlistFormField     *self);
/* The label, else the var: what to call the field in front of a person. */
const char          *enlist_form_field_get_display_name (EnlistFormField     *self);
const char          *enlist_form_field_get_description  (EnlistFormField     *self);
gboolean             enlist_form_field_is_required      (EnlistFormField     *self);
/* text-private fields: their values are wiped from memory when replaced, and
 * the "values" property does not give them out. */
gboolean             enlist_form_field_is_secret        (EnlistFormField     *self);

/* Never NULL (an empty vector when there are no values). */
const char * const  *enlist_form_field_get_values       (EnlistFormField     *self);
/* The first value, or NULL. */
const char          *enlist_form_field_get_value        (EnlistFormField     *self);
/* NULL or an empty vector clears. Notifies "values" only on a real change. */
void                 enlist_form_field_set_values       (EnlistFormField     *self,
                                                         const char * const  *values);
/* One value (NULL clears). */
void                 enlist_form_field_set_value        (EnlistFormField     *self,
                                                         const char          *value);
/* Booleans: "1"/"true" → TRUE. */
gboolean             enlist_form_field_get_boolean      (EnlistFormField     *self);
void                 enlist_form_field_set_boolean      (EnlistFormField     *self,
                                                         gboolean             value);

/* list-single / list-multi choices, in the server's order. label may be NULL
 * (then show the value). */
guint                enlist_form_field_get_n_options    (EnlistFormField     *self);
const char          *enlist_form_field_get_option_value (EnlistFormField     *self,
                                                         guint                i);
const char          *enlist_form_field_get_option_label (EnlistFormField     *self,
                                                         guint                i);

/* XEP-0221 media: the size hints of <media/> (0 when not given) and each
 * <uri/> with its MIME type (*type may be NULL). */
guint                enlist_form_field_get_media_width  (EnlistFormField     *self);
guint                enlist_form_field_get_media_height (EnlistFormField     *self);
guint                enlist_form_field_get_n_media_uris (EnlistFormField     *self);
const char          *enlist_form_field_get_media_uri    (EnlistFormField     *self,
                                                         guint                i,
                                                         const char         **type);

/* XEP-0122: the declared datatype ("xs:string" when none was given). */
const char          *enlist_form_field_get_datatype     (EnlistFormField     *self);

/* Checks the current values: required, number of values, XML-safe
 * characters, booleans, JID syntax, XEP-0122 datatype, range, regex,
 * list-range, options unless <open/>. Fixed fields are always valid. The
 * message names the field and is meant for people. */
gboolean             enlist_form_field_validate         (EnlistFormField     *self,
                                                         GError             **error);

/* ---- the form ----------------------------------------------------------- */

/* One validation problem: the field and an ENLIST_ERROR. */
typedef struct
{
  EnlistFormField *field;
  GError          *error;
} EnlistDataFormProblem;

void                 enlist_data_form_problem_free      (EnlistDataFormProblem *problem);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlistDataFormProblem, enlist_data_form_problem_free)

#define ENLIST_TYPE_DATA_FORM (enlist_data_form_get_type ())
G_DECLARE_FINAL_TYPE (EnlistDataForm, enlist_data_form, ENLIST, DATA_FORM, GObject)

EnlistFormOrigin     enlist_data_form_get_origin        (EnlistDataForm      *self);
EnlistFormType       enlist_data_form_get_form_type     (EnlistDataForm      *self);
const char          *enlist_data_form_get_title         (EnlistDataForm      *self);
/* Each <instructions/> in order; never NULL. */
const char * const  *enlist_data_form_get_instructions  (EnlistDataForm      *self);
/* The value of the hidden FORM_TYPE field, or NULL. */
const char          *enlist_data_form_get_form_type_namespace (EnlistDataForm *self);
/* <registered/> was present: the account already exists. */
gboolean             enlist_data_form_is_registered     (EnlistDataForm      *self);
/* <x xmlns='jabber:x:oob'><url/></x> in the query, or NULL. */
const char          *enlist_data_form_get_oob_url       (EnlistDataForm      *self);

/* Nothing for a person to fill in (no fields, or only hidden and fixed
 * ones): the server registers accounts elsewhere — on the page of
 * get_oob_url, or as its instructions say. Submitting such a form is
 * ENLIST_ERROR_WEB_ONLY. */
gboolean             enlist_data_form_is_web_only       (EnlistDataForm      *self);

/* A GListModel of EnlistFormField, in the server's order (fixed fields too).
 * get_field and lookup_field return fields owned by the form. */
GListModel          *enlist_data_form_get_fields        (EnlistDataForm      *self);
guint                enlist_data_form_get_n_fields      (EnlistDataForm      *self);
EnlistFormField     *enlist_data_form_get_field         (EnlistDataForm      *self,
                                                         guint                i);
EnlistFormField     *enlist_data_form_lookup_field      (EnlistDataForm      *self,
                                                         const char          *var);

/* XEP-0158. is_captcha: FORM_TYPE urn:xmpp:captcha or a CAPTCHA answer field
 * (ocr, qa, audio_recog, picture_recog, picture_q, speech_q, speech_recog,
 * video_q, video_recog). The answer field, or NULL. The fallback web page: the
 * captcha-fallback-url field (ejabberd), else a url field, else the OOB URL
 * (XEP-0158 §4), only for a CAPTCHA form. */
gboolean             enlist_data_form_is_captcha        (EnlistDataForm      *self);
EnlistFormField     *enlist_data_form_get_captcha_field (EnlistDataForm      *self);
const char          *enlist_data_form_get_captcha_fallback_url (EnlistDataForm *self);

/* Validates every field; returns TRUE when all are fine. problems (may be
 * NULL) receives a new array of EnlistDataFormProblem *, one per field with a
 * problem, empty when valid. */
gboolean             enlist_data_form_validate          (EnlistDataForm      *self,
                                                         GPtrArray          **problems);

/* Carries values typed into an old form over to a fresh one (say, after the
 * CAPTCHA expired). Only when both have the same set of (var, type) fields
 * that are neither hidden nor fixed; then copies every such field's values
 * except the CAPTCHA answer, and text-private fields and "password" only
 * when include_secrets. Returns FALSE, copying nothing, when the sets differ. */
gboolean             enlist_data_form_copy_values_from  (EnlistDataForm      *dest,
                                                         EnlistDataForm      *src,
                                                         gboolean             include_secrets);

G_END_DECLS
