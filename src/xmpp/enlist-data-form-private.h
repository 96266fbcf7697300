/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-data-form-private.h: the data form's side that faces the wire
 * (reading a form out of a stanza, writing the submission back, the bits of
 * binary that came with it) and the builders the parser fills the model
 * with. For the protocol engine only: front ends see the model through
 * enlist-data-form.h and never the XML tree. */
#pragma once

#include "enlist-data-form.h"
#include "enlist-xml.h"

G_BEGIN_DECLS

/* ---- the wire (enlist-data-form-xml.c) ---------------------------------- */

/* From the <query xmlns='jabber:iq:register'/> of a registration form reply.
 * A data form inside wins over legacy fields (the origin tells which was
 * used); a query with neither gives a form without fields (see the OOB URL
 * and is_registered). */
EnlistDataForm      *enlist_data_form_new_from_register_query (const EnlistXmlNode *query,
                                                               GError             **error);
/* From a bare <x xmlns='jabber:x:data'/>. */
EnlistDataForm      *enlist_data_form_new_from_xml      (const EnlistXmlNode *x,
                                                         GError             **error);

/* <x xmlns='jabber:x:data' type='submit'/>: FORM_TYPE and every other hidden
 * field echoed, every field with a var except fixed ones and ejabberd's
 * informational captcha-fallback-url, booleans as "1"/"0". */
EnlistXmlNode       *enlist_data_form_build_submit      (EnlistDataForm      *self);
/* <query xmlns='jabber:iq:register'/> in the shape the server offered: the
 * submit form for a data form, the legacy elements otherwise. */
EnlistXmlNode       *enlist_data_form_build_register_query (EnlistDataForm   *self);

/* Copies of the <data xmlns='urn:xmpp:bob'/> elements found next to or inside
 * the <x/> (EnlistXmlNode *, owned by the form); never NULL. */
GPtrArray           *enlist_data_form_get_bob_data      (EnlistDataForm      *self);

/* ---- building the model (for the parser) -------------------------------- */

/* A field as the server described it, without values. */
EnlistFormField     *enlist_form_field_new              (const char          *var,
                                                         EnlistFieldType      type,
                                                         const char          *label);
void                 enlist_form_field_set_description  (EnlistFormField     *self,
                                                         const char          *description);
void                 enlist_form_field_set_required     (EnlistFormField     *self,
                                                         gboolean             required);
void                 enlist_form_field_add_option       (EnlistFormField     *self,
                                                         const char          *value,
                                                         const char          *label);
void                 enlist_form_field_set_media_size   (EnlistFormField     *self,
                                                         guint                width,
                                                         guint                height);
/* uri is stripped of surrounding white space. */
void                 enlist_form_field_add_media_uri    (EnlistFormField     *self,
                                                         const char          *uri,
                                                         const char          *type);
/* XEP-0122: the datatype as named (unknown names validate as xs:string), <open/>,
 * <range/> (a bound may be NULL), <regex/>, <list-range/> (0: no bound). */
void                 enlist_form_field_set_datatype     (EnlistFormField     *self,
                                                         const char          *datatype);
void                 enlist_form_field_set_open         (EnlistFormField     *self,
                                                         gboolean             open);
void                 enlist_form_field_set_range        (EnlistFormField     *self,
                                                         const char          *min,
                                                         const char          *max);
void                 enlist_form_field_set_regex        (EnlistFormField     *self,
                                                         const char          *regex);
void                 enlist_form_field_set_list_range   (EnlistFormField     *self,
                                                         guint                min,
                                                         guint                max);
/* ejabberd's captcha-fallback-url: information for the person that belongs
 * to one challenge, neither sent back nor carried over to a fresh form. */
gboolean             enlist_form_field_is_informational (EnlistFormField     *self);

/* An empty form of the given origin and type. */
EnlistDataForm      *enlist_data_form_new               (EnlistFormOrigin     origin,
                                                         EnlistFormType       type);
void                 enlist_data_form_set_origin        (EnlistDataForm      *self,
                                                         EnlistFormOrigin     origin);
void                 enlist_data_form_set_form_type     (EnlistDataForm      *self,
                                                         EnlistFormType       type);
void                 enlist_data_form_set_title         (EnlistDataForm      *self,
                                                         const char          *title);
void                 enlist_data_form_set_registered    (EnlistDataForm      *self,
                                                         gboolean             registered);
void                 enlist_data_form_set_oob_url       (EnlistDataForm      *self,
                                                         const char          *url);
/* Over ENLIST_DATA_FORM_MAX_INSTRUCTIONS: ENLIST_ERROR_LIMIT_EXCEEDED. */
gboolean             enlist_data_form_add_instructions  (EnlistDataForm      *self,
                                                         const char          *text,
                                                         GError             **error);
/* Over ENLIST_DATA_FORM_MAX_FIELDS: ENLIST_ERROR_LIMIT_EXCEEDED; a second
 * field of the same var: ENLIST_ERROR_MALFORMED_FORM. */
gboolean             enlist_data_form_add_field         (EnlistDataForm      *self,
                                                         EnlistFormField     *field,
                                                         GError             **error);

G_END_DECLS
