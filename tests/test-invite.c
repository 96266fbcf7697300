/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-invite.c: the invitation URI parser against the forms XEP-0401
 * gives (account invitations with and without a name, a contact's
 * invitation that allows registration) and against hostile input: broken
 * or sneaky percent-encoding, missing parts, extra and repeated
 * parameters, overlong parts, invalid UTF-8 and control characters. */
#define G_LOG_DOMAIN "test-invite"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "enlist-error.h"
#include "enlist-invite.h"
#include "enlist-registration.h"

typedef struct
{
  const char *uri;
  const char *domain;
  const char *token;
  const char *username;
  const char *inviter;
} GoodCase;

static const GoodCase good_cases[] = {
  { "xmpp:example.com?register;preauth=3c7efeafc1bb10d034",
    "example.com", "3c7efeafc1bb10d034", NULL, NULL },
  /* the scheme is case-insensitive (RFC 3986) */
  { "XMPP:example.com?register;preauth=abc", "example.com", "abc", NULL, NULL },
  /* a name chosen by the inviter */
  { "xmpp:juliet@example.com?register;preauth=abc", "example.com", "abc", "juliet", NULL },
  /* a contact's invitation that allows registering on their server */
  { "xmpp:romeo@example.com?roster;preauth=T0k3n;ibr=y",
    "example.com", "T0k3n", NULL, "romeo@example.com" },
  { "xmpp:romeo@example.com?roster;ibr=true;preauth=T0k3n",
    "example.com", "T0k3n", NULL, "romeo@example.com" },
  /* percent-encoding, decoded once */
  { "xmpp:example.com?register;preauth=a%2Bb%25c", "example.com", "a+b%c", NULL, NULL },
  { "xmpp:%C3%A9xample.com?register;preauth=x", "\xc3\xa9xample.com", "x", NULL, NULL },
  { "xmpp:j%C3%BCrgen@example.com?register;preauth=x", "example.com", "x", "j\xc3\xbcrgen",
    NULL },
  /* an IRI with UTF-8 as it is */
  { "xmpp:\xc3\xa9xample.com?register;preauth=x", "\xc3\xa9xample.com", "x", NULL, NULL },
  /* other parameters (XEP-0147) are left alone, empty ones too */
  { "xmpp:example.com?register;name=Example;preauth=abc;foo;;", "example.com", "abc", NULL, NULL },
  /* a fragment means nothing */
  { "xmpp:example.com?register;preauth=abc#section", "example.com", "abc", NULL, NULL },
};

static void
test_good (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (good_cases); i++)
    {
      const GoodCase *c = &good_cases[i];
      g_autoptr(EnlistInvite) invite = NULL;
      g_autoptr(GError) error = NULL;

      {
        g_autofree char *shown = g_strescape (c->uri, NULL);

        g_test_message ("%s", shown);
      }
      invite = enlist_invite_parse (c->uri, &error);
      g_assert_no_error (error);
      g_assert_nonnull (invite);
      g_assert_cmpstr (invite->domain, ==, c->domain);
      g_assert_cmpstr (invite->token, ==, c->token);
      g_assert_cmpstr (invite->username, ==, c->username);
      g_assert_cmpstr (invite->inviter, ==, c->inviter);
    }
}

static const char * const bad_cases[] = {
  /* not an invitation */
  "",
  "https://example.com/?register;preauth=abc",
  "xmpp:example.com",
  "xmpp:example.com?",
  "xmpp:example.com?message;body=hello",
  "xmpp:example.com?subscribe;preauth=abc",
  "xmpp:example.com?register",
  "xmpp:example.com?register;preauth=",
  "xmpp:example.com?register;preauth",
  "xmpp:example.com?register;token=abc",
  /* a contact's invitation without registration, or without a contact */
  "xmpp:romeo@example.com?roster;preauth=abc",
  "xmpp:romeo@example.com?roster;preauth=abc;ibr=n",
  "xmpp:example.com?roster;preauth=abc;ibr=y",
  /* no server, or more than a bare address */
  "xmpp:?register;preauth=abc",
  "xmpp:@example.com?register;preauth=abc",
  "xmpp:juliet@?register;preauth=abc",
  "xmpp://example.com?register;preauth=abc",
  "xmpp://juliet@example.com/?register;preauth=abc",
  "xmpp:juliet@example.com/phone?register;preauth=abc",
  "xmpp:example.com/phone?register;preauth=abc",
  "xmpp:a@b@example.com?register;preauth=abc",
  "xmpp:exa mple.com?register;preauth=abc",
  "xmpp:example.com:5222?register;preauth=abc",
  "xmpp:[::1]?register;preauth=abc",
  /* two tokens: which one? */
  "xmpp:example.com?register;preauth=abc;preauth=def",
  /* broken or sneaky percent-encoding */
  "xmpp:example.com?register;preauth=ab%2",
  "xmpp:example.com?register;preauth=ab%zz",
  "xmpp:example.com?register;preauth=ab%00cd",
  "xmpp:example.com?register;preauth=ab%0Acd",
  "xmpp:example.com?register;preauth=ab%E2%80%AEcd",   /* U+202E right-to-left override */
  "xmpp:example.com?register;preauth=ab%E2%80%A8cd",   /* U+2028 line separator */
  "xmpp:example.com%2Fevil?register;preauth=abc",
  "xmpp:evil%40example.com?register;preauth=abc",
  "xmpp:exa%1Bmple.com?register;preauth=abc",
  "xmpp:example.com?register%00;preauth=abc",
  /* not UTF-8, raw or encoded */
  "xmpp:example.com?register;preauth=ab\xff",
  "xmpp:ex\303ample.com?register;preauth=abc",         /* 0xC3 with no continuation */
  "xmpp:example.com?register;preauth=%FF%FE",
  "xmpp:%C0%AEexample.com?register;preauth=abc",
};

static void
test_bad (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autoptr(EnlistInvite) invite = NULL;
      g_autoptr(GError) error = NULL;

      invite = enlist_invite_parse (bad_cases[i], &error);
      if (invite != NULL)
        g_error ("accepted: %s", bad_cases[i]);
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_INVITE);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      {
        g_autofree char *shown = g_strescape (bad_cases[i], NULL);

        g_test_message ("%s: %s", shown, error->message);
      }
    }
}

/* Bidirectional overrides are refused in names, where they could make one
 * address look like another, raw or encoded. */
static void
test_bidi (void)
{
  g_autoptr(EnlistInvite) invite = NULL;
  g_autoptr(GError) error = NULL;

  invite = enlist_invite_parse ("xmpp:example.com%E2%80%AEmoc.live?register;preauth=abc", &error);
  g_assert_null (invite);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_INVITE);
  g_clear_error (&error);

  invite = enlist_invite_parse ("xmpp:juliet\xe2\x80\xae@example.com?register;preauth=abc", &error);
  g_assert_null (invite);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_INVITE);
}

static char *
repeat (char  c,
        gsize n)
{
  char *s = g_malloc (n + 1);

  memset (s, c, n);
  s[n] = '\0';
  return s;
}

static void
test_limits (void)
{
  g_autofree char *token_max = repeat ('t', ENLIST_INVITE_MAX_TOKEN);
  g_autofree char *token_over = repeat ('t', ENLIST_INVITE_MAX_TOKEN + 1);
  g_autofree char *part_max = repeat ('d', ENLIST_INVITE_MAX_PART);
  g_autofree char *part_over = repeat ('d', ENLIST_INVITE_MAX_PART + 1);
  g_autofree char *padding = repeat ('x', ENLIST_INVITE_MAX_LENGTH);
  struct {
    char    *uri;
    gboolean good;
  } cases[] = {
    { g_strdup_printf ("xmpp:example.com?register;preauth=%s", token_max), TRUE },
    { g_strdup_printf ("xmpp:example.com?register;preauth=%s", token_over), FALSE },
    { g_strdup_printf ("xmpp:%s?register;preauth=abc", part_max), TRUE },
    { g_strdup_printf ("xmpp:%s?register;preauth=abc", part_over), FALSE },
    { g_strdup_printf ("xmpp:%s@example.com?register;preauth=abc", part_max), TRUE },
    { g_strdup_printf ("xmpp:%s@example.com?register;preauth=abc", part_over), FALSE },
    /* the whole URI is capped before anything is decoded */
    { g_strdup_printf ("xmpp:example.com?register;preauth=abc;x=%s", padding), FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(EnlistInvite) invite = NULL;
      g_autoptr(GError) error = NULL;

      invite = enlist_invite_parse (cases[i].uri, &error);
      if (cases[i].good)
        {
          g_assert_no_error (error);
          g_assert_nonnull (invite);
        }
      else
        {
          g_assert_null (invite);
          g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_INVITE);
        }
      g_free (cases[i].uri);
    }
}

/* The token is a secret of sorts: an error never repeats it. */
static void
test_error_keeps_token (void)
{
  static const char * const uris[] = {
    "xmpp:example.com?register;preauth=s3cr3t-t0k3n;preauth=s3cr3t-t0k3n",
    "xmpp:example.com?roster;preauth=s3cr3t-t0k3n",
    "xmpp:bad host?register;preauth=s3cr3t-t0k3n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (uris); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (enlist_invite_parse (uris[i], &error));
      g_assert_nonnull (error);
      g_assert_null (strstr (error->message, "s3cr3t"));
    }
}

/* Any link asking to register: the invitations above, and a plain
 * xmpp:DOMAIN?register without a token, which names only the server. */
static void
test_request (void)
{
  static const char * const tokenless[] = {
    "xmpp:example.com?register",
    "xmpp:example.com?register;preauth=",
    "xmpp:example.com?register;preauth",
    "xmpp:example.com?register;token=abc",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good_cases); i++)
    {
      g_autoptr(EnlistInvite) invite = enlist_invite_parse_request (good_cases[i].uri, NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *domain = NULL;
      gboolean is_invite = FALSE;

      g_assert_nonnull (invite);
      g_assert_cmpstr (invite->domain, ==, good_cases[i].domain);
      g_assert_cmpstr (invite->token, ==, good_cases[i].token);
      g_assert_cmpstr (invite->username, ==, good_cases[i].username);

      domain = enlist_registration_parse_uri (good_cases[i].uri, &is_invite, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (domain, ==, good_cases[i].domain);
      g_assert_true (is_invite);
    }

  for (guint i = 0; i < G_N_ELEMENTS (tokenless); i++)
    {
      g_autoptr(EnlistInvite) invite = enlist_invite_parse_request (tokenless[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *domain = NULL;
      gboolean is_invite = TRUE;

      g_test_message ("%s", tokenless[i]);
      g_assert_nonnull (invite);
      g_assert_cmpstr (invite->domain, ==, "example.com");
      g_assert_null (invite->token);
      g_assert_null (invite->username);
      g_assert_null (invite->inviter);
      /* still not an invitation */
      g_assert_null (enlist_invite_parse (tokenless[i], &error));
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_INVITE);
      g_clear_error (&error);

      domain = enlist_registration_parse_uri (tokenless[i], &is_invite, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (domain, ==, "example.com");
      g_assert_false (is_invite);
    }

  /* a name in a plain request is not the server's to take */
  {
    g_autoptr(EnlistInvite) invite = enlist_invite_parse_request ("xmpp:juliet@example.com?register",
                                                                  NULL);

    g_assert_nonnull (invite);
    g_assert_cmpstr (invite->domain, ==, "example.com");
    g_assert_null (invite->username);
  }

  /* everything else that is no invitation is no request either */
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean plain = FALSE;

      for (guint j = 0; j < G_N_ELEMENTS (tokenless); j++)
        plain = plain || g_str_equal (bad_cases[i], tokenless[j]);
      if (plain)
        continue;
      {
        g_autofree char *shown = g_strescape (bad_cases[i], NULL);

        g_test_message ("%s", shown);
      }
      g_assert_null (enlist_invite_parse_request (bad_cases[i], &error));
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_INVITE);
      g_clear_error (&error);
      g_assert_null (enlist_registration_parse_uri (bad_cases[i], NULL, &error));
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_INVITE);
    }
  {
    g_autoptr(GError) error = NULL;

    /* a contact's address without a token invites to nothing */
    g_assert_null (enlist_invite_parse_request ("xmpp:romeo@example.com?roster;ibr=y", &error));
    g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_INVITE);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  setlocale (LC_MESSAGES, "C");

  g_test_add_func ("/invite/good", test_good);
  g_test_add_func ("/invite/bad", test_bad);
  g_test_add_func ("/invite/bidi", test_bidi);
  g_test_add_func ("/invite/limits", test_limits);
  g_test_add_func ("/invite/error-keeps-token", test_error_keeps_token);
  g_test_add_func ("/invite/request", test_request);

  return g_test_run ();
}
