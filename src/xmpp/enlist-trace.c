/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-trace.c: prints every stanza in and out when asked to, after
 * removing what must never reach a log: passwords (also where ejabberd echoes
 * them back in an error reply), SASL payloads and CAPTCHA answers. */
#define G_LOG_DOMAIN "enlist-trace"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "enlist-ns.h"
#include "enlist-text.h"
#include "enlist-trace-private.h"

#define REDACTED "[redacted]"

static gint trace_forced = -1;

gboolean
enlist_trace_enabled (void)
{
  static gsize env_checked = 0;
  static gboolean env_enabled = FALSE;

  if (g_once_init_enter (&env_checked))
    {
      const char *debug = g_getenv ("ENLIST_DEBUG");
      if (debug != NULL)
        {
          g_auto(GStrv) parts = g_strsplit_set (debug, ",: ", -1);
          env_enabled = g_strv_contains ((const char * const *) parts, "xml")
                        || g_strv_contains ((const char * const *) parts, "all");
        }
      g_once_init_leave (&env_checked, 1);
    }

  if (g_atomic_int_get (&trace_forced) >= 0)
    return g_atomic_int_get (&trace_forced) > 0;
  return env_enabled;
}

void
enlist_trace_set_enabled (gboolean enabled)
{
  g_atomic_int_set (&trace_forced, enabled ? 1 : 0);
}

/* An empty element (a form asking for a password) stays empty: only what
 * was filled in is a secret. */
static void
replace_content (EnlistXmlNode *node)
{
  if (node->text->len == 0 && node->children->len == 0)
    return;
  /* The copy's secrets are wiped, not only replaced: assigning a shorter
   * text would leave the rest of the old one in the buffer. */
  for (guint i = 0; i < node->children->len; i++)
    enlist_xml_node_wipe (g_ptr_array_index (node->children, i));
  g_ptr_array_set_size (node->children, 0);
  explicit_bzero (node->text->str, node->text->allocated_len);
  g_string_assign (node->text, REDACTED);
}

static gboolean
is_secret_var (const char *var)
{
  static const char * const secret_vars[] = {
    "password", "old_password", "new_password", "password-confirm", "password_confirm",
    /* XEP-0158 CAPTCHA answers */
    "ocr", "qa", "audio_recog", "picture_recog", "picture_q", "speech_q", "speech_recog",
    "video_q", "video_recog", "challenge_answer",
    NULL
  };

  if (var == NULL)
    return FALSE;
  if (g_strv_contains (secret_vars, var))
    return TRUE;
  return strstr (var, "password") != NULL || strstr (var, "passwd") != NULL;
}

static void
redact_in_place (EnlistXmlNode *node)
{
  if (g_str_equal (node->ns, ENLIST_NS_SASL)
      && (g_str_equal (node->name, "auth") || g_str_equal (node->name, "response")
          || g_str_equal (node->name, "challenge") || g_str_equal (node->name, "success")))
    {
      replace_content (node);
      return;
    }

  if (g_str_equal (node->ns, ENLIST_NS_REGISTER)
      && (g_str_equal (node->name, "password") || g_str_equal (node->name, "old_password")))
    {
      replace_content (node);
      return;
    }

  if (g_str_equal (node->ns, ENLIST_NS_DATA_FORM) && g_str_equal (node->name, "field"))
    {
      const char *type = enlist_xml_node_get_attr (node, "type");

      if (g_strcmp0 (type, "text-private") == 0
          || is_secret_var (enlist_xml_node_get_attr (node, "var")))
        {
          for (guint i = 0; i < node->children->len; i++)
            {
              EnlistXmlNode *child = g_ptr_array_index (node->children, i);
              if (g_str_equal (child->name, "value"))
                replace_content (child);
            }
        }
      return;
    }

  for (guint i = 0; i < node->children->len; i++)
    redact_in_place (g_ptr_array_index (node->children, i));
}

EnlistXmlNode *
enlist_trace_redact (const EnlistXmlNode *node)
{
  EnlistXmlNode *copy;

  g_return_val_if_fail (node != NULL, NULL);

  copy = enlist_xml_node_copy (node);
  redact_in_place (copy);
  return copy;
}

static const char *
arrow (EnlistTraceDirection direction)
{
  return direction == ENLIST_TRACE_IN ? "<<" : ">>";
}

void
enlist_trace_stanza (const char           *peer,
                     EnlistTraceDirection  direction,
                     const EnlistXmlNode  *node)
{
  g_autoptr(EnlistXmlNode) redacted = NULL;
  g_autofree char *text = NULL;
  g_autofree char *clean = NULL;

  if (!enlist_trace_enabled ())
    return;

  redacted = enlist_trace_redact (node);
  text = enlist_xml_node_to_string (redacted, ENLIST_NS_CLIENT);
  /* The serialiser escapes markup; a terminal also cares about control and
   * bidi characters, which the server may have put in text. */
  clean = enlist_text_neutralize (text, -1);
  fprintf (stderr, "xmpp %s %s %s\n", peer ? peer : "?", arrow (direction), clean);
  fflush (stderr);
}

void
enlist_trace_event (const char           *peer,
                    EnlistTraceDirection  direction,
                    const char           *text)
{
  g_autofree char *clean = NULL;

  if (!enlist_trace_enabled ())
    return;
  clean = enlist_text_neutralize (text, -1);
  fprintf (stderr, "xmpp %s %s (%s)\n", peer ? peer : "?", arrow (direction), clean);
  fflush (stderr);
}
