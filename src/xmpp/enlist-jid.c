/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-jid.c: XMPP addresses. Every address Enlist handles passes through
 * here: what a person types, what a server binds, what a form field holds,
 * the domains certificates are pinned for. The checks follow RFC 7622 in
 * outline; the full PRECIS profiles are the server's business, so this
 * refuses what can never be an address and compares the way servers do. */
#define G_LOG_DOMAIN "enlist-jid"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "enlist-error.h"
#include "enlist-jid.h"

/* RFC 7622 §3.3.1: characters a localpart may not hold (with spaces). */
#define LOCALPART_FORBIDDEN "\"&'/:<>@"

typedef enum
{
  PART_LOCAL,
  PART_DOMAIN,
  PART_RESOURCE,
} Part;

static gboolean
fail (GError    **error,
      const char *message)
{
  g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_JID, message);
  return FALSE;
}

/* Valid UTF-8 without control characters (C0, DEL, C1): checked once for
 * the whole address before it is split. */
static gboolean
check_text (const char  *s,
            GError     **error)
{
  const char *end;

  if (!g_utf8_validate (s, -1, &end))
    return fail (error, _("The address is not valid text."));
  for (const char *p = s; p < end; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return fail (error, _("The address contains control characters."));
  return TRUE;
}

/* Close to nodeprep (RFC 3920 Appendix A): compatibility-normalised, case
 * folded, normalised again so that folding cannot leave a decomposed form. */
static char *
fold_localpart (const char *localpart)
{
  g_autofree char *nfkc = g_utf8_normalize (localpart, -1, G_NORMALIZE_NFKC);
  g_autofree char *folded = g_utf8_casefold (nfkc, -1);

  return g_utf8_normalize (folded, -1, G_NORMALIZE_NFKC);
}

static gboolean
is_forbidden_in_localpart (gunichar c)
{
  return g_unichar_isspace (c) || (c < 0x80 && strchr (LOCALPART_FORBIDDEN, (int) c) != NULL);
}

/* A localpart is compared in its folded form (enlist_jid_normalize), which
 * maps compatibility characters to the ones they stand for: "＠" (U+FF20)
 * becomes "@", "ß" "ss". RFC 7622 applies its rules after that mapping, and
 * so does this: the folded form may not hold a forbidden character or be
 * longer than a part may be (found by tests/fuzz/fuzz-uri.c). */
static gboolean
check_folded_localpart (const char  *s,
                        gsize        len,
                        GError     **error)
{
  g_autofree char *part = g_strndup (s, len);
  g_autofree char *folded = fold_localpart (part);

  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    if (is_forbidden_in_localpart (g_utf8_get_char (p)))
      return fail (error, _("The name before “@” may not contain spaces or any of "
                            "\" & ' / : < > @."));
  if (strlen (folded) > ENLIST_JID_MAX_PART)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_JID,
                   _("The name before “@” is longer than %u bytes."),
                   (guint) ENLIST_JID_MAX_PART);
      return FALSE;
    }
  return TRUE;
}

/* The characters of one part; its length is checked by the caller. */
static gboolean
check_characters (Part         part,
                  const char  *s,
                  gsize        len,
                  GError     **error)
{
  const char *end = s + len;

  for (const char *p = s; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (part)
        {
        case PART_LOCAL:
          if (is_forbidden_in_localpart (c))
            return fail (error, _("The name before “@” may not contain spaces or any of "
                                  "\" & ' / : < > @."));
          break;
        case PART_DOMAIN:
          if (c == '@')
            return fail (error, _("The domain of the address contains “@”."));
          if (g_unichar_isspace (c) || c == '/' || c == '\\')
            return fail (error, _("The domain of the address contains spaces or other "
                                  "characters no domain can have."));
          break;
        case PART_RESOURCE:
        default:
          break;
        }
    }
  return part != PART_LOCAL || check_folded_localpart (s, len, error);
}

static gboolean
check_length (Part         part,
              gsize        len,
              GError     **error)
{
  const guint max = ENLIST_JID_MAX_PART;

  if (len == 0)
    {
      switch (part)
        {
        case PART_LOCAL:
          return fail (error, _("The address has nothing before “@”."));
        case PART_DOMAIN:
          return fail (error, _("The address has no domain."));
        case PART_RESOURCE:
        default:
          return fail (error, _("The address ends in “/” without a resource."));
        }
    }
  if (len <= max)
    return TRUE;

  switch (part)
    {
    case PART_LOCAL:
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_JID,
                   _("The name before “@” is longer than %u bytes."), max);
      break;
    case PART_DOMAIN:
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_JID,
                   _("The domain of the address is longer than %u bytes."), max);
      break;
    case PART_RESOURCE:
    default:
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_JID,
                   _("The resource of the address is longer than %u bytes."), max);
      break;
    }
  return FALSE;
}

/* The domain's labels: none empty ("a..b", ".a"); the final dot is already
 * gone. An IP literal is one bracketed label. */
static gboolean
check_labels (const char  *domain,
              gsize        len,
              GError     **error)
{
  if (domain[0] == '.' || g_strstr_len (domain, len, "..") != NULL ||
      (len > 0 && domain[len - 1] == '.'))
    return fail (error, _("The domain of the address has an empty part between dots."));
  return TRUE;
}

/* RFC 7622 §3.2: an IP literal in brackets, or a name of letters, digits
 * and hyphens (and the underscore, which real servers use) once in ASCII. */
static gboolean
check_ascii_domain (const char  *ascii,
                    gsize        len,
                    GError     **error)
{
  if (ascii[0] == '[')
    {
      if (len < 3 || ascii[len - 1] != ']')
        return fail (error, _("The domain of the address is not a valid IP address."));
      for (gsize i = 1; i < len - 1; i++)
        if (!g_ascii_isxdigit (ascii[i]) && ascii[i] != ':' && ascii[i] != '.')
          return fail (error, _("The domain of the address is not a valid IP address."));
      return TRUE;
    }
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (ascii[i]) && ascii[i] != '-' && ascii[i] != '_' && ascii[i] != '.')
      return fail (error, _("The domain of the address contains characters no domain can "
                            "have."));
  return TRUE;
}

/* The IDNA form, lower case, no final dot: the domain as DNS, certificates
 * and the trust store see it. domain is already checked as a part. */
static char *
to_ascii (const char  *domain,
          gsize        len,
          GError     **error)
{
  g_autofree char *copy = g_strndup (domain, len);
  g_autofree char *ascii = NULL;
  gsize ascii_len;

  /* GLib refuses names longer than DNS allows even when there is nothing to
   * convert; RFC 7622 allows 1023 bytes, so ASCII is left to the checks below. */
  if (g_str_is_ascii (copy))
    ascii = g_steal_pointer (&copy);
  else
    ascii = g_hostname_to_ascii (copy);
  if (ascii == NULL)
    {
      fail (error, _("The domain of the address is not a valid international domain name."));
      return NULL;
    }
  ascii_len = strlen (ascii);
  if (ascii_len > 0 && ascii[ascii_len - 1] == '.')
    ascii[--ascii_len] = '\0';
  if (!check_length (PART_DOMAIN, ascii_len, error) || !check_labels (ascii, ascii_len, error) ||
      !check_ascii_domain (ascii, ascii_len, error))
    return NULL;
  return g_ascii_strdown (ascii, ascii_len);
}

/* Checks a domain part of len bytes (a final dot allowed) and gives its
 * length without that dot. */
static gboolean
check_domain (const char  *domain,
              gsize        len,
              gsize       *out_len,
              GError     **error)
{
  g_autofree char *ascii = NULL;

  /* RFC 7622 §3.2: a final dot is not part of the domain. */
  if (len > 1 && domain[len - 1] == '.')
    len--;
  if (!check_length (PART_DOMAIN, len, error) ||
      !check_characters (PART_DOMAIN, domain, len, error) ||
      !check_labels (domain, len, error))
    return FALSE;
  /* A domain IDNA refuses is one nobody can reach. */
  ascii = to_ascii (domain, len, error);
  if (ascii == NULL)
    return FALSE;
  *out_len = len;
  return TRUE;
}

gboolean
enlist_jid_parse (const char  *jid,
                  char       **localpart,
                  char       **domain,
                  char       **resource,
                  GError     **error)
{
  const char *slash, *at, *domain_start;
  gsize bare_len, domain_len;

  g_return_val_if_fail (jid != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (*jid == '\0')
    return fail (error, _("The address is empty."));
  /* Three parts of 1023 bytes, two separators and a domain's final dot at
   * most: no need to look at more of a hostile string than that. */
  if (strnlen (jid, 3 * ENLIST_JID_MAX_PART + 4) > 3 * ENLIST_JID_MAX_PART + 3)
    return fail (error, _("The address is too long."));
  if (!check_text (jid, error))
    return FALSE;

  /* RFC 7622 §3.1: the resource is everything after the first "/", the
   * localpart everything before the first "@" that comes before it. */
  slash = strchr (jid, '/');
  bare_len = slash != NULL ? (gsize) (slash - jid) : strlen (jid);
  at = memchr (jid, '@', bare_len);
  domain_start = at != NULL ? at + 1 : jid;
  domain_len = bare_len - (gsize) (domain_start - jid);

  if (at != NULL &&
      (!check_length (PART_LOCAL, (gsize) (at - jid), error) ||
       !check_characters (PART_LOCAL, jid, (gsize) (at - jid), error)))
    return FALSE;
  if (!check_domain (domain_start, domain_len, &domain_len, error))
    return FALSE;
  if (slash != NULL && !check_length (PART_RESOURCE, strlen (slash + 1), error))
    return FALSE;

  if (localpart != NULL)
    *localpart = at != NULL ? g_strndup (jid, (gsize) (at - jid)) : NULL;
  if (domain != NULL)
    *domain = g_strndup (domain_start, domain_len);
  if (resource != NULL)
    *resource = slash != NULL ? g_strdup (slash + 1) : NULL;
  return TRUE;
}

gboolean
enlist_jid_is_valid (const char *jid)
{
  g_return_val_if_fail (jid != NULL, FALSE);

  return enlist_jid_parse (jid, NULL, NULL, NULL, NULL);
}

char *
enlist_jid_format_bare (const char  *localpart,
                        const char  *domain,
                        GError     **error)
{
  gsize domain_len;

  g_return_val_if_fail (domain != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (localpart != NULL && *localpart != '\0')
    {
      gsize len = strnlen (localpart, ENLIST_JID_MAX_PART + 1);

      if (!check_text (localpart, error) || !check_length (PART_LOCAL, len, error) ||
          !check_characters (PART_LOCAL, localpart, len, error))
        return NULL;
    }
  if (strnlen (domain, ENLIST_JID_MAX_PART + 2) > ENLIST_JID_MAX_PART + 1)
    {
      check_length (PART_DOMAIN, ENLIST_JID_MAX_PART + 1, error);
      return NULL;
    }
  if (!check_text (domain, error) ||
      !check_domain (domain, strlen (domain), &domain_len, error))
    return NULL;

  if (localpart == NULL || *localpart == '\0')
    return g_strndup (domain, domain_len);
  return g_strdup_printf ("%s@%.*s", localpart, (int) domain_len, domain);
}

char *
enlist_jid_dup_bare (const char  *jid,
                     GError     **error)
{
  g_autofree char *localpart = NULL;
  g_autofree char *domain = NULL;

  g_return_val_if_fail (jid != NULL, NULL);

  if (!enlist_jid_parse (jid, &localpart, &domain, NULL, error))
    return NULL;
  return localpart != NULL ? g_strconcat (localpart, "@", domain, NULL) : g_steal_pointer (&domain);
}

char *
enlist_jid_normalize_domain (const char  *domain,
                             GError     **error)
{
  gsize len;

  g_return_val_if_fail (domain != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  len = strnlen (domain, ENLIST_JID_MAX_PART + 2);
  if (len > ENLIST_JID_MAX_PART + 1)
    {
      check_length (PART_DOMAIN, len, error);
      return NULL;
    }
  if (!check_text (domain, error) || !check_domain (domain, len, &len, error))
    return NULL;
  return to_ascii (domain, len, error);
}

char *
enlist_jid_normalize (const char  *jid,
                      GError     **error)
{
  g_autofree char *localpart = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *resource = NULL;
  g_autofree char *ascii = NULL;
  g_autofree char *folded = NULL;
  g_autofree char *nfc = NULL;
  GString *out;

  g_return_val_if_fail (jid != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!enlist_jid_parse (jid, &localpart, &domain, &resource, error))
    return NULL;
  if ((ascii = to_ascii (domain, strlen (domain), error)) == NULL)
    return NULL;

  out = g_string_new (NULL);
  if (localpart != NULL)
    {
      folded = fold_localpart (localpart);
      g_string_append (out, folded);
      g_string_append_c (out, '@');
    }
  g_string_append (out, ascii);
  if (resource != NULL)
    {
      nfc = g_utf8_normalize (resource, -1, G_NORMALIZE_NFC);
      g_string_append_c (out, '/');
      g_string_append (out, nfc);
    }
  return g_string_free (out, FALSE);
}

gboolean
enlist_jid_equal (const char *a,
                  const char *b)
{
  g_autofree char *na = NULL;
  g_autofree char *nb = NULL;

  if (a == NULL || b == NULL)
    return FALSE;
  na = enlist_jid_normalize (a, NULL);
  nb = na != NULL ? enlist_jid_normalize (b, NULL) : NULL;
  return na != NULL && nb != NULL && strcmp (na, nb) == 0;
}

gboolean
enlist_jid_bare_equal (const char *a,
                       const char *b)
{
  g_autofree char *bare_a = NULL;
  g_autofree char *bare_b = NULL;

  if (a == NULL || b == NULL)
    return FALSE;
  bare_a = enlist_jid_dup_bare (a, NULL);
  bare_b = bare_a != NULL ? enlist_jid_dup_bare (b, NULL) : NULL;
  return bare_a != NULL && bare_b != NULL && enlist_jid_equal (bare_a, bare_b);
}
