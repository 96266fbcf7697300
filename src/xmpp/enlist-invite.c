/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-invite.c: reads invitation URIs (RFC 5122 syntax, XEP-0401 query
 * actions) strictly: every part is percent-decoded once, must be valid UTF-8
 * without control characters, and must fit its limit; anything ambiguous
 * (two tokens, a resource, an authority) is refused rather than guessed. */
#define G_LOG_DOMAIN "enlist-invite"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "enlist-analyzer.h"
#include "enlist-error.h"
#include "enlist-invite.h"
#include "enlist-text.h"

void
enlist_invite_free (EnlistInvite *invite)
{
  if (invite == NULL)
    return;
  g_free (invite->domain);
  enlist_secret_free (invite->token);
  g_free (invite->username);
  g_free (invite->inviter);
  g_free (invite);
}

static gboolean
refuse (GError    **error,
        const char *why)
{
  g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_INVITE,
               _("This is not an invitation to create an account: %s"), why);
  return FALSE;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Percent-decodes len bytes of text; NULL for a broken escape, an encoded
 * NUL, invalid UTF-8, or a control or format character in the result. The result is
 * wiped and freed by the caller (it may be the token). */
static char *
decode (const char *text,
        gsize       len)
{
  char *out = g_malloc (len + 1);
  gsize n = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (c == '%')
        {
          int high = i + 2 < len ? hex_value (text[i + 1]) : -1;
          int low = i + 2 < len ? hex_value (text[i + 2]) : -1;

          if (high < 0 || low < 0 || (high == 0 && low == 0))
            {
              explicit_bzero (out, len + 1);
              g_free (out);
              return NULL;
            }
          c = (char) (high * 16 + low);
          i += 2;
        }
      out[n++] = c;
    }
  out[n] = '\0';

  if (!g_utf8_validate (out, n, NULL))
    {
      enlist_secret_free (out);
      return NULL;
    }
  for (const char *p = out; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar u = g_utf8_get_char (p);

      /* controls, and the format characters that reorder or hide text */
      if (g_unichar_iscntrl (u) || g_unichar_type (u) == G_UNICODE_FORMAT
          || u == 0x2028 || u == 0x2029)
        {
          enlist_secret_free (out);
          return NULL;
        }
    }
  return out;
}

/* A domainpart or localpart: not empty, within the limit, none of the
 * characters that would make it another part of an address or URI. */
static gboolean
valid_part (const char *part,
            const char *forbidden)
{
  if (part == NULL || *part == '\0' || strlen (part) > ENLIST_INVITE_MAX_PART)
    return FALSE;
  for (const char *p = part; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_isspace (g_utf8_get_char (p)) || strchr (forbidden, *p) != NULL)
      return FALSE;
  return TRUE;
}

/* RFC 7622 §3.3.1: characters a localpart may not hold, and those of the
 * URI syntax around a domain. */
#define LOCALPART_FORBIDDEN "\"&'/:<>@?#;%"
#define DOMAIN_FORBIDDEN    "\"&'/:<>@?#;%\\[]"

typedef struct
{
  char     *action;
  char     *token;
  gboolean  ibr;
} Query;

static void
query_clear (Query *query)
{
  g_free (query->action);
  enlist_secret_free (query->token);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Query, query_clear)

/* action;key=value;…: the action, the one preauth token, and ibr. Unknown
 * keys are left alone (XEP-0147 allows more), a repeated preauth is not. */
static gboolean
parse_query (const char  *text,
             Query       *query,
             GError     **error)
{
  g_auto(GStrv) params = g_strsplit (text, ";", -1);
  gboolean ok = TRUE;

  if (params[0] == NULL || *params[0] == '\0')
    /* Translators: completes “This is not an invitation to create an account: %s” */
    ok = refuse (error, _("it has no action."));
  else
    {
      query->action = decode (params[0], strlen (params[0]));
      if (query->action == NULL)
        /* Translators: completes “This is not an invitation to create an account: %s” */
        ok = refuse (error, _("its action is not valid text."));
    }

  for (guint i = 1; ok && params[i] != NULL; i++)
    {
      const char *eq = strchr (params[i], '=');
      g_autofree char *key = NULL;
      char *value;

      if (*params[i] == '\0')
        continue;
      key = eq != NULL ? g_strndup (params[i], eq - params[i]) : g_strdup (params[i]);
      if (g_strcmp0 (key, "preauth") != 0 && g_strcmp0 (key, "ibr") != 0)
        continue;
      value = eq != NULL ? decode (eq + 1, strlen (eq + 1)) : g_strdup ("");
      if (value == NULL)
        /* Translators: completes “This is not an invitation to create an account: %s” */
        ok = refuse (error, _("one of its parameters is not valid text."));
      else if (g_str_equal (key, "ibr"))
        {
          query->ibr = g_str_equal (value, "y") || g_str_equal (value, "true");
          g_free (value);
        }
      else if (query->token != NULL)
        {
          enlist_secret_free (value);
          /* Translators: completes “This is not an invitation to create an account: %s” */
          ok = refuse (error, _("it carries more than one invitation token."));
        }
      else
        query->token = value;
    }

  /* the split copies held the token */
  for (guint i = 0; params[i] != NULL; i++)
    explicit_bzero (params[i], strlen (params[i]));
  return ok;
}

static EnlistInvite *
parse (const char  *uri,
       gboolean     need_token,
       GError     **error)
{
  g_autoptr(EnlistInvite) invite = NULL;
  g_auto(Query) query = { 0 };
  g_autofree char *path = NULL;
  const char *rest, *mark, *end, *at;
  gsize length;

  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  length = strnlen (uri, ENLIST_INVITE_MAX_LENGTH + 1);
  if (length > ENLIST_INVITE_MAX_LENGTH)
    {
      /* Translators: completes “This is not an invitation to create an account: %s” */
      refuse (error, _("it is too long."));
      return NULL;
    }
  if (!g_utf8_validate (uri, length, NULL))
    {
      /* Translators: completes “This is not an invitation to create an account: %s” */
      refuse (error, _("it is not valid text."));
      return NULL;
    }
  if (g_ascii_strncasecmp (uri, "xmpp:", 5) != 0)
    {
      /* Translators: completes “This is not an invitation to create an account: %s” */
      refuse (error, _("it is not an xmpp: link."));
      return NULL;
    }
  rest = uri + 5;
  /* an authority (xmpp://me@example.org/…) names the user's own account */
  if (g_str_has_prefix (rest, "//"))
    {
      /* Translators: completes “This is not an invitation to create an account: %s” */
      refuse (error, _("it does not name a server."));
      return NULL;
    }

  end = strchr (rest, '#');   /* a fragment means nothing here */
  if (end == NULL)
    end = rest + strlen (rest);
  mark = memchr (rest, '?', end - rest);
  if (mark == NULL)
    {
      /* Translators: completes “This is not an invitation to create an account: %s” */
      refuse (error, _("it has no action."));
      return NULL;
    }

  invite = g_new0 (EnlistInvite, 1);
  /* g_autoptr frees it unless it is returned (enlist-analyzer.h) */
  ENLIST_ANALYZER_ESCAPE (invite);
  {
    g_autofree char *query_text = g_strndup (mark + 1, end - mark - 1);
    gboolean ok = parse_query (query_text, &query, error);

    /* g_auto(Query) frees them (enlist-analyzer.h) */
    ENLIST_ANALYZER_ESCAPE (query.action);
    ENLIST_ANALYZER_ESCAPE (query.token);
    explicit_bzero (query_text, strlen (query_text));
    if (!ok)
      return NULL;
  }

  /* split first, then decode: an escaped @ is part of a name, never a separator */
  path = g_strndup (rest, mark - rest);
  at = strrchr (path, '@');
  if (at != NULL)
    {
      invite->username = decode (path, at - path);
      invite->domain = decode (at + 1, strlen (at + 1));
      if (invite->username == NULL || invite->domain == NULL)
        {
          /* Translators: completes “This is not an invitation to create an account: %s” */
          refuse (error, _("its address is not valid text."));
          return NULL;
        }
    }
  else
    {
      invite->domain = decode (path, strlen (path));
      if (invite->domain == NULL)
        {
          /* Translators: completes “This is not an invitation to create an account: %s” */
          refuse (error, _("its address is not valid text."));
          return NULL;
        }
    }
  if (!valid_part (invite->domain, DOMAIN_FORBIDDEN))
    {
      /* Translators: completes “This is not an invitation to create an account: %s” */
      refuse (error, _("it does not name a server."));
      return NULL;
    }
  if (invite->username != NULL && !valid_part (invite->username, LOCALPART_FORBIDDEN))
    {
      /* Translators: completes “This is not an invitation to create an account: %s” */
      refuse (error, _("the address it names is not valid."));
      return NULL;
    }

  if (g_str_equal (query.action, "roster"))
    {
      /* a contact's invitation: the address is theirs, not the new account's */
      if (!query.ibr)
        {
          /* Translators: completes “This is not an invitation to create an account: %s” */
          refuse (error, _("it invites to a contact list, not to create an account."));
          return NULL;
        }
      if (invite->username == NULL)
        {
          /* Translators: completes “This is not an invitation to create an account: %s” */
          refuse (error, _("it does not name who invites."));
          return NULL;
        }
      invite->inviter = g_strdup_printf ("%s@%s", invite->username, invite->domain);
      g_clear_pointer (&invite->username, g_free);
    }
  else if (!g_str_equal (query.action, "register"))
    {
      /* Translators: completes “This is not an invitation to create an account: %s” */
      refuse (error, _("its action is not “register”."));
      return NULL;
    }

  if (query.token == NULL || *query.token == '\0')
    {
      /* a plain request to register (XEP-0147) names a server only; a
       * contact's address is no place to create an account without one */
      if (!need_token && invite->inviter == NULL)
        {
          g_clear_pointer (&invite->username, g_free);
          return g_steal_pointer (&invite);
        }
      /* Translators: completes “This is not an invitation to create an account: %s” */
      refuse (error, _("it carries no invitation token."));
      return NULL;
    }
  if (strlen (query.token) > ENLIST_INVITE_MAX_TOKEN)
    {
      /* Translators: completes “This is not an invitation to create an account: %s” */
      refuse (error, _("its invitation token is too long."));
      return NULL;
    }
  invite->token = g_steal_pointer (&query.token);
  return g_steal_pointer (&invite);
}

EnlistInvite *
enlist_invite_parse (const char  *uri,
                     GError     **error)
{
  return parse (uri, TRUE, error);
}

EnlistInvite *
enlist_invite_parse_request (const char  *uri,
                             GError     **error)
{
  return parse (uri, FALSE, error);
}
