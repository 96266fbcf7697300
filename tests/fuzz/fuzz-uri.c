/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-uri.c: a libFuzzer target for addresses typed, pasted or scanned:
 * xmpp: URIs asking to register and invitations (XEP-0401, XEP-0445) as
 * enlist_registration_parse_uri and the invite parser read them, and JIDs
 * (RFC 7622): splitting, the bare form, the normalized form and
 * comparison. The input up to its first NUL byte is the text; what follows
 * that byte, if anything, is a second JID to compare it with. */
#define G_LOG_DOMAIN "fuzz-uri"

#include "config.h"

#include <string.h>

#include "enlist-invite.h"
#include "enlist-jid.h"
#include "enlist-registration.h"
#include "fuzz-util.h"

static void
check_invite (EnlistInvite *invite)
{
  g_assert (invite->domain != NULL && invite->domain[0] != '\0');
  g_assert (strlen (invite->domain) <= ENLIST_INVITE_MAX_PART);
  if (invite->token != NULL)
    g_assert (strlen (invite->token) <= ENLIST_INVITE_MAX_TOKEN);
  if (invite->username != NULL)
    g_assert (strlen (invite->username) <= ENLIST_INVITE_MAX_PART);
}

static void
exercise_uri (const char *text)
{
  g_autoptr(EnlistInvite) invite = NULL;
  g_autoptr(EnlistInvite) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *domain = NULL;
  gboolean is_invite = FALSE;

  invite = enlist_invite_parse (text, &error);
  g_assert ((invite == NULL) == (error != NULL));
  if (invite != NULL)
    {
      check_invite (invite);
      g_assert (invite->token != NULL);
    }
  g_clear_error (&error);

  request = enlist_invite_parse_request (text, &error);
  g_assert ((request == NULL) == (error != NULL));
  if (request != NULL)
    check_invite (request);
  g_clear_error (&error);

  domain = enlist_registration_parse_uri (text, &is_invite, &error);
  g_assert ((domain == NULL) == (error != NULL));
  if (domain != NULL)
    {
      g_assert (request != NULL);
      g_assert_cmpstr (domain, ==, request->domain);
      g_assert (is_invite == (request->token != NULL));
      /* whatever it answers, without crashing */
      g_free (enlist_jid_normalize_domain (domain, NULL));
    }
}

static void
exercise_jid (const char *text,
              const char *other)
{
  g_autofree char *localpart = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *resource = NULL;
  g_autofree char *bare = NULL;
  g_autofree char *formatted = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *normalized_domain = NULL;
  g_autoptr(GError) error = NULL;
  gboolean valid;

  valid = enlist_jid_parse (text, &localpart, &domain, &resource, &error);
  g_assert (valid == (error == NULL));
  g_assert (valid == enlist_jid_is_valid (text));
  g_clear_error (&error);

  bare = enlist_jid_dup_bare (text, NULL);
  g_assert ((bare != NULL) == valid);
  normalized = enlist_jid_normalize (text, NULL);
  g_assert ((normalized != NULL) == valid);
  g_assert (enlist_jid_equal (text, text) == valid);
  g_assert (enlist_jid_bare_equal (text, text) == valid);

  if (valid)
    {
      g_autofree char *normalized_bare = NULL;

      formatted = enlist_jid_format_bare (localpart, domain, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (formatted, ==, bare);
      normalized_domain = enlist_jid_normalize_domain (domain, &error);
      g_assert_no_error (error);
      g_assert (normalized_domain != NULL);
      g_assert (enlist_jid_bare_equal (text, bare));
      /* the normalized form names the same address */
      g_assert (enlist_jid_equal (text, normalized));
      normalized_bare = enlist_jid_normalize (bare, NULL);
      g_assert (normalized_bare != NULL);
    }
  else
    {
      /* the parts of a JID that is not one, each on its own: whatever
       * they answer, without crashing */
      g_free (enlist_jid_normalize_domain (text, NULL));
      g_free (enlist_jid_format_bare (text, "example.org", NULL));
    }

  if (other != NULL)
    {
      gboolean equal = enlist_jid_equal (text, other);
      gboolean bare_equal = enlist_jid_bare_equal (text, other);

      g_assert (equal == enlist_jid_equal (other, text));
      g_assert (bare_equal == enlist_jid_bare_equal (other, text));
      g_assert (!equal || bare_equal);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autofree char *other = NULL;
  gsize length = strlen (text);

  if (length < size)
    other = g_strndup ((const char *) data + length + 1, size - length - 1);

  exercise_uri (text);
  exercise_jid (text, other);
  return 0;
}
