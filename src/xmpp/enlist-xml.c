/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-xml.c: the element tree that carries stanzas between the stream
 * reader and the services, and the serialiser that writes it back out. */
#define G_LOG_DOMAIN "enlist-xml"

#include "config.h"

#include <string.h>

#include "enlist-xml.h"

#define REPLACEMENT_CHARACTER "\xef\xbf\xbd"

EnlistXmlNode *
enlist_xml_node_new (const char *name,
                     const char *ns)
{
  EnlistXmlNode *node;

  g_return_val_if_fail (name != NULL && *name != '\0', NULL);

  node = g_new0 (EnlistXmlNode, 1);
  node->name = g_strdup (name);
  node->ns = g_strdup (ns != NULL ? ns : "");
  node->attrs = g_ptr_array_new_with_free_func (g_free);
  node->children = g_ptr_array_new_with_free_func ((GDestroyNotify) enlist_xml_node_free);
  node->text = g_string_new (NULL);

  return node;
}

void
enlist_xml_node_free (EnlistXmlNode *node)
{
  if (node == NULL)
    return;

  g_free (node->name);
  g_free (node->ns);
  g_ptr_array_unref (node->attrs);
  g_ptr_array_unref (node->children);
  g_string_free (node->text, TRUE);
  g_free (node);
}

void
enlist_xml_node_wipe (EnlistXmlNode *node)
{
  g_return_if_fail (node != NULL);

  /* The whole allocation: what the string held before it last shrank too. */
  explicit_bzero (node->text->str, node->text->allocated_len);
  g_string_truncate (node->text, 0);
  /* Names at even indices are ours; values at odd ones came from the caller. */
  for (guint i = 1; i < node->attrs->len; i += 2)
    {
      char *value = g_ptr_array_index (node->attrs, i);

      explicit_bzero (value, strlen (value));
    }
  for (guint i = 0; i < node->children->len; i++)
    enlist_xml_node_wipe (g_ptr_array_index (node->children, i));
}

void
enlist_xml_node_free_secret (EnlistXmlNode *node)
{
  if (node == NULL)
    return;

  enlist_xml_node_wipe (node);
  enlist_xml_node_free (node);
}

EnlistXmlNode *
enlist_xml_node_copy (const EnlistXmlNode *node)
{
  EnlistXmlNode *copy;

  g_return_val_if_fail (node != NULL, NULL);

  copy = enlist_xml_node_new (node->name, node->ns);
  for (guint i = 0; i < node->attrs->len; i++)
    g_ptr_array_add (copy->attrs, g_strdup (g_ptr_array_index (node->attrs, i)));
  g_string_append_len (copy->text, node->text->str, node->text->len);
  for (guint i = 0; i < node->children->len; i++)
    enlist_xml_node_append (copy, enlist_xml_node_copy (g_ptr_array_index (node->children, i)));

  return copy;
}

EnlistXmlNode *
enlist_xml_node_add_child (EnlistXmlNode *node,
                           const char    *name,
                           const char    *ns)
{
  EnlistXmlNode *child;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (name != NULL && *name != '\0', NULL);

  child = enlist_xml_node_new (name, ns != NULL ? ns : node->ns);
  enlist_xml_node_append (node, child);

  return child;
}

void
enlist_xml_node_append (EnlistXmlNode *node,
                        EnlistXmlNode *child)
{
  g_return_if_fail (node != NULL);
  g_return_if_fail (child != NULL);
  g_return_if_fail (child->parent == NULL);
  g_return_if_fail (child != node);

  child->parent = node;
  g_ptr_array_add (node->children, child);
}

static gint
find_attr (const EnlistXmlNode *node,
           const char          *name)
{
  for (guint i = 0; i + 1 < node->attrs->len; i += 2)
    {
      if (strcmp (g_ptr_array_index (node->attrs, i), name) == 0)
        return (gint) i;
    }

  return -1;
}

void
enlist_xml_node_set_attr (EnlistXmlNode *node,
                          const char    *name,
                          const char    *value)
{
  gint i;

  g_return_if_fail (node != NULL);
  g_return_if_fail (name != NULL && *name != '\0');

  i = find_attr (node, name);

  if (value == NULL)
    {
      if (i >= 0)
        g_ptr_array_remove_range (node->attrs, (guint) i, 2);
    }
  else if (i >= 0)
    {
      g_free (node->attrs->pdata[i + 1]);
      node->attrs->pdata[i + 1] = g_strdup (value);
    }
  else
    {
      g_ptr_array_add (node->attrs, g_strdup (name));
      g_ptr_array_add (node->attrs, g_strdup (value));
    }
}

const char *
enlist_xml_node_get_attr (const EnlistXmlNode *node,
                          const char          *name)
{
  gint i;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  i = find_attr (node, name);

  return i >= 0 ? g_ptr_array_index (node->attrs, i + 1) : NULL;
}

void
enlist_xml_node_set_text (EnlistXmlNode *node,
                          const char    *text)
{
  g_return_if_fail (node != NULL);

  g_string_assign (node->text, text != NULL ? text : "");
}

const char *
enlist_xml_node_get_text (const EnlistXmlNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);

  return node->text->str;
}

gboolean
enlist_xml_node_is (const EnlistXmlNode *node,
                    const char          *name,
                    const char          *ns)
{
  g_return_val_if_fail (node != NULL, FALSE);

  return (name == NULL || strcmp (node->name, name) == 0) &&
         (ns == NULL || strcmp (node->ns, ns) == 0);
}

EnlistXmlNode *
enlist_xml_node_get_child (const EnlistXmlNode *node,
                           const char          *name,
                           const char          *ns)
{
  g_return_val_if_fail (node != NULL, NULL);

  for (guint i = 0; i < node->children->len; i++)
    {
      EnlistXmlNode *child = g_ptr_array_index (node->children, i);

      if (enlist_xml_node_is (child, name, ns))
        return child;
    }

  return NULL;
}

/* Characters XML 1.0 cannot carry at all (most C0 controls, U+FFFE, U+FFFF)
 * and bytes that are not UTF-8 are written as U+FFFD: the output is always
 * well-formed, so a stray control character in user input can never make
 * the server drop the stream. Callers that must not alter data (passwords)
 * should refuse such input before it gets here. */
static void
escape (GString    *out,
        const char *text,
        gsize       len,
        gboolean    attr)
{
  const char *p = text;
  const char *end = text + len;
  const char *run = text;

  while (p < end)
    {
      guchar c = (guchar) *p;
      const char *replacement = NULL;
      gsize skip = 1;

      if (c >= 0x80)
        {
          gunichar ch = g_utf8_get_char_validated (p, end - p);

          if (ch == (gunichar) -1 || ch == (gunichar) -2 || ch == 0xFFFE || ch == 0xFFFF)
            {
              replacement = REPLACEMENT_CHARACTER;
              if (ch == 0xFFFE || ch == 0xFFFF)
                skip = 3;
            }
          else
            {
              p = g_utf8_next_char (p);
              continue;
            }
        }
      else
        {
          switch (c)
            {
            case '&':
              replacement = "&amp;";
              break;
            case '<':
              replacement = "&lt;";
              break;
            case '>':
              replacement = "&gt;";
              break;
            case '\r':
              replacement = "&#13;";
              break;
            case '\'':
              replacement = attr ? "&apos;" : NULL;
              break;
            case '"':
              replacement = attr ? "&quot;" : NULL;
              break;
            case '\t':
              replacement = attr ? "&#9;" : NULL;
              break;
            case '\n':
              replacement = attr ? "&#10;" : NULL;
              break;
            default:
              if (c < 0x20)
                replacement = REPLACEMENT_CHARACTER;
              break;
            }
        }

      if (replacement == NULL)
        {
          p++;
          continue;
        }

      g_string_append_len (out, run, p - run);
      g_string_append (out, replacement);
      p += skip;
      run = p;
    }

  g_string_append_len (out, run, p - run);
}

void
enlist_xml_escape_text (GString    *out,
                        const char *text,
                        gssize      len)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (text != NULL || len == 0);

  if (text == NULL)
    return;

  escape (out, text, len < 0 ? strlen (text) : (gsize) len, FALSE);
}

void
enlist_xml_escape_attr (GString    *out,
                        const char *value)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (value != NULL);

  escape (out, value, strlen (value), TRUE);
}

static void
write_attr (GString    *out,
            const char *qname,
            const char *value)
{
  g_string_append_c (out, ' ');
  g_string_append (out, qname);
  g_string_append (out, "='");
  enlist_xml_escape_attr (out, value);
  g_string_append_c (out, '\'');
}

/* Attributes in a namespace are stored as "{uri}local"; on the wire each
 * such URI gets a prefix declared on the element itself (ns1, ns2, …). The
 * XML namespace is predeclared as "xml" and must not be bound to anything
 * else. Prefixes declared here shadow the same names further up, so the
 * numbering can restart on every element. */
static void
write_attributes (const EnlistXmlNode *node,
                  GString             *out)
{
  g_autoptr(GPtrArray) uris = NULL;

  for (guint i = 0; i + 1 < node->attrs->len; i += 2)
    {
      const char *name = g_ptr_array_index (node->attrs, i);
      const char *value = g_ptr_array_index (node->attrs, i + 1);
      const char *close;
      g_autofree char *uri = NULL;
      g_autofree char *qname = NULL;
      const char *local;
      guint index;

      if (name[0] != '{' || (close = strchr (name, '}')) == NULL || close[1] == '\0')
        {
          write_attr (out, name, value);
          continue;
        }

      uri = g_strndup (name + 1, close - name - 1);
      local = close + 1;

      if (uri[0] == '\0')
        {
          write_attr (out, local, value);
          continue;
        }

      if (strcmp (uri, ENLIST_NS_XML) == 0)
        {
          qname = g_strconcat ("xml:", local, NULL);
          write_attr (out, qname, value);
          continue;
        }

      if (strcmp (uri, "http://www.w3.org/2000/xmlns/") == 0)
        {
          g_critical ("Attribute %s cannot be written: that namespace is reserved", name);
          continue;
        }

      if (uris == NULL)
        uris = g_ptr_array_new_with_free_func (g_free);

      if (!g_ptr_array_find_with_equal_func (uris, uri, g_str_equal, &index))
        {
          g_autofree char *decl = NULL;

          index = uris->len;
          decl = g_strdup_printf ("xmlns:ns%u", index + 1);
          write_attr (out, decl, uri);
          g_ptr_array_add (uris, g_steal_pointer (&uri));
        }

      qname = g_strdup_printf ("ns%u:%s", index + 1, local);
      write_attr (out, qname, value);
    }
}

void
enlist_xml_node_write (const EnlistXmlNode *node,
                       const char          *context_ns,
                       GString             *out)
{
  g_return_if_fail (node != NULL);
  g_return_if_fail (out != NULL);

  if (context_ns == NULL)
    context_ns = "";

  g_string_append_c (out, '<');
  g_string_append (out, node->name);

  if (strcmp (node->ns, context_ns) != 0)
    write_attr (out, "xmlns", node->ns);

  write_attributes (node, out);

  if (node->text->len == 0 && node->children->len == 0)
    {
      g_string_append (out, "/>");
      return;
    }

  g_string_append_c (out, '>');
  escape (out, node->text->str, node->text->len, FALSE);

  for (guint i = 0; i < node->children->len; i++)
    enlist_xml_node_write (g_ptr_array_index (node->children, i), node->ns, out);

  g_string_append (out, "</");
  g_string_append (out, node->name);
  g_string_append_c (out, '>');
}

char *
enlist_xml_node_to_string (const EnlistXmlNode *node,
                           const char          *context_ns)
{
  GString *out;

  g_return_val_if_fail (node != NULL, NULL);

  out = g_string_new (NULL);
  enlist_xml_node_write (node, context_ns, out);

  return g_string_free (out, FALSE);
}
