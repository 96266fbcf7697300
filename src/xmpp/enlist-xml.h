/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-xml.h: a small element tree for XMPP stanzas and its serialiser. */
#pragma once

#include <glib.h>

#include "enlist-ns.h"

G_BEGIN_DECLS

typedef struct _EnlistXmlNode EnlistXmlNode;

/* An element. Attributes are kept by their qualified name as written on the
 * wire by us ("xml:lang" for the XML namespace; other namespaced attributes
 * keep "{uri}local" so they cannot be confused with plain ones). */
struct _EnlistXmlNode
{
  char          *name;       /* local name */
  char          *ns;         /* namespace URI, never NULL ("" for none) */
  GPtrArray     *attrs;      /* alternating names and values, both char * */
  GPtrArray     *children;   /* EnlistXmlNode *, owned */
  GString       *text;       /* all character data directly inside this element */
  EnlistXmlNode *parent;     /* weak */
};

EnlistXmlNode *enlist_xml_node_new          (const char          *name,
                                             const char          *ns);
void           enlist_xml_node_free         (EnlistXmlNode       *node);
EnlistXmlNode *enlist_xml_node_copy         (const EnlistXmlNode *node);
/* Overwrites with zeros the character data and attribute values of node and
 * of everything inside it, leaving them empty, for a stanza that carried a
 * password, SASL data or a token. free_secret wipes, then frees (NULL is
 * fine; usable as a GDestroyNotify). */
void           enlist_xml_node_wipe         (EnlistXmlNode       *node);
void           enlist_xml_node_free_secret  (EnlistXmlNode       *node);

/* Adds a new child; ns NULL means the parent's namespace. Returns it (owned by node). */
EnlistXmlNode *enlist_xml_node_add_child    (EnlistXmlNode       *node,
                                             const char          *name,
                                             const char          *ns);
/* Takes ownership of child. */
void           enlist_xml_node_append       (EnlistXmlNode       *node,
                                             EnlistXmlNode       *child);
/* Sets an attribute; value NULL removes it. */
void           enlist_xml_node_set_attr     (EnlistXmlNode       *node,
                                             const char          *name,
                                             const char          *value);
const char    *enlist_xml_node_get_attr     (const EnlistXmlNode *node,
                                             const char          *name);
void           enlist_xml_node_set_text     (EnlistXmlNode       *node,
                                             const char          *text);
const char    *enlist_xml_node_get_text     (const EnlistXmlNode *node);
/* First child with that local name and namespace; ns NULL matches any namespace,
 * name NULL matches any name. */
EnlistXmlNode *enlist_xml_node_get_child    (const EnlistXmlNode *node,
                                             const char          *name,
                                             const char          *ns);
gboolean       enlist_xml_node_is           (const EnlistXmlNode *node,
                                             const char          *name,
                                             const char          *ns);

/* Serialises node as it is written inside an element whose default namespace
 * is context_ns (ENLIST_NS_CLIENT for stanzas): an xmlns attribute is written
 * only where an element's namespace differs from its parent's. Text and
 * attribute values are escaped. */
char          *enlist_xml_node_to_string    (const EnlistXmlNode *node,
                                             const char          *context_ns);
void           enlist_xml_node_write        (const EnlistXmlNode *node,
                                             const char          *context_ns,
                                             GString             *out);

/* Escaping for character data (& < > and CR as &#13;) and for attribute
 * values in single quotes (also ' " and TAB/LF/CR as character references). */
void           enlist_xml_escape_text       (GString             *out,
                                             const char          *text,
                                             gssize               len);
void           enlist_xml_escape_attr       (GString             *out,
                                             const char          *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlistXmlNode, enlist_xml_node_free)

G_END_DECLS
