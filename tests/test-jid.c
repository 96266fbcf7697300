/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-jid.c: XMPP addresses: splitting with RFC 7622's limits, hostile
 * input, the bare form, domain normalisation, and comparison. */
#define G_LOG_DOMAIN "test-jid"

#include "config.h"

#include <string.h>

#include "enlist-error.h"
#include "enlist-jid.h"

/* NULL for a part means "absent"; valid FALSE means the rest is ignored. */
typedef struct
{
  const char *jid;
  gboolean    valid;
  const char *localpart;
  const char *domain;
  const char *resource;
} ParseCase;

static void
check_parse (const ParseCase *c)
{
  g_autofree char *escaped = g_strescape (c->jid, NULL);
  g_autofree char *localpart = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *resource = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  /* Long cases are long: a message shows their start and length. */
  g_test_message ("“%.60s” (%zu bytes)", escaped, strlen (c->jid));
  ok = enlist_jid_parse (c->jid, &localpart, &domain, &resource, &error);
  g_assert_cmpint (enlist_jid_is_valid (c->jid), ==, ok);
  if (!c->valid)
    {
      g_assert_false (ok);
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_JID);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      /* Nothing is handed out for an address that was refused. */
      g_assert_null (localpart);
      g_assert_null (domain);
      g_assert_null (resource);
      return;
    }
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpstr (localpart, ==, c->localpart);
  g_assert_cmpstr (domain, ==, c->domain);
  g_assert_cmpstr (resource, ==, c->resource);
}

static void
test_parse (void)
{
  static const ParseCase cases[] = {
    { "juliet@example.com", TRUE, "juliet", "example.com", NULL },
    { "example.com", TRUE, NULL, "example.com", NULL },
    { "juliet@example.com/balcony", TRUE, "juliet", "example.com", "balcony" },
    { "example.com/balcony", TRUE, NULL, "example.com", "balcony" },
    /* The resource is everything after the first "/", "@" and spaces too. */
    { "juliet@example.com/a b/c@d", TRUE, "juliet", "example.com", "a b/c@d" },
    { "juliet@example.com/@", TRUE, "juliet", "example.com", "@" },
    /* RFC 7622 §3.2: a final dot is dropped. */
    { "juliet@example.com.", TRUE, "juliet", "example.com", NULL },
    { "example.com./r", TRUE, NULL, "example.com", "r" },
    /* Parts come back as written: case and script are kept. */
    { "Juliet@Example.COM/Balcony", TRUE, "Juliet", "Example.COM", "Balcony" },
    { "jüliet@exämple.com", TRUE, "jüliet", "exämple.com", NULL },
    { "ロミオ@例え.テスト", TRUE, "ロミオ", "例え.テスト", NULL },
    /* characters that stand for forbidden ones once folded (U+FF20
     * FULLWIDTH COMMERCIAL AT, U+FF0F FULLWIDTH SOLIDUS, U+3000
     * IDEOGRAPHIC SPACE is a space already; found by fuzz-uri) */
    { "\xef\xbc\xa0lice@example.org", FALSE, NULL, NULL, NULL },
    { "a\xef\xbc\x8f" "b@example.org", FALSE, NULL, NULL, NULL },
    { "\xef\xb9\xab" "b@example.org", FALSE, NULL, NULL, NULL },
    /* full width letters fold to plain ones: fine */
    { "\xef\xbd\x81lice@example.org", TRUE, "\xef\xbd\x81lice", "example.org", NULL },
    { "[::1]", TRUE, NULL, "[::1]", NULL },
    { "user@[2001:db8::1]/r", TRUE, "user", "[2001:db8::1]", "r" },
    { "user@127.0.0.1", TRUE, "user", "127.0.0.1", NULL },
    { "user@_srv.example", TRUE, "user", "_srv.example", NULL },
    { "user+tag@example.com", TRUE, "user+tag", "example.com", NULL },

    /* Empty parts. */
    { "", FALSE }, { "@", FALSE }, { "/", FALSE }, { "@/", FALSE },
    { "@example.com", FALSE }, { "juliet@", FALSE }, { "juliet@/r", FALSE },
    { "example.com/", FALSE }, { "juliet@example.com/", FALSE }, { "/resource", FALSE },
    { ".", FALSE }, { "juliet@.", FALSE },
    /* "@" in the domain, which is what "a@b@c" leaves for it. */
    { "a@b@example.com", FALSE }, { "a@@example.com", FALSE },
    /* Characters RFC 7622 keeps out of the localpart. */
    { "jul iet@example.com", FALSE }, { "jul\"iet@example.com", FALSE },
    { "a&b@example.com", FALSE }, { "a'b@example.com", FALSE }, { "a:b@example.com", FALSE },
    { "a<b@example.com", FALSE }, { "a>b@example.com", FALSE },
    { "a\u00a0b@example.com", FALSE }, { "a\u3000b@example.com", FALSE },
    /* Domains that are no domain. */
    { "example..com", FALSE }, { ".example.com", FALSE }, { "exa mple.com", FALSE },
    { "example.com..", FALSE }, { "a=b", FALSE }, { "exa<mple>.com", FALSE },
    { "exa\\mple.com", FALSE }, { "[example.com]", FALSE }, { "[::1", FALSE },
    { "[]", FALSE }, { "juliet@example.com\u200f", FALSE },
    /* Control characters anywhere, the resource included. */
    { "juliet\n@example.com", FALSE }, { "juliet@exam\rple.com", FALSE },
    { "juliet@example.com/bal\tcony", FALSE }, { "juliet@example.com/\x7f", FALSE },
    { "juliet@example.com/\xc2\x85", FALSE }, { "\x1b[31mred@example.com", FALSE },
    /* Not UTF-8: overlong, truncated, surrogate, stray continuation. */
    { "\xc0\xafuser@example.com", FALSE }, { "user@example.com/\xe2\x82", FALSE },
    { "\xed\xa0\x80@example.com", FALSE }, { "\x80@example.com", FALSE },
    { "user@\xff\xfe", FALSE },
    /* Bidirectional overrides are refused by IDNA in a domain. */
    { "user@\u202eexample.com", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    check_parse (&cases[i]);
}

/* RFC 7622: 1023 bytes per part, not characters. */
static void
test_lengths (void)
{
  g_autofree char *l1023 = g_strnfill (1023, 'l');
  g_autofree char *l1024 = g_strnfill (1024, 'l');
  g_autofree char *r1023 = g_strnfill (1023, 'r');
  g_autofree char *r1024 = g_strnfill (1024, 'r');
  g_autoptr(GString) d1023 = g_string_new (NULL);
  g_autoptr(GString) umlauts = g_string_new (NULL);
  g_autofree char *huge = g_strnfill (1024 * 1024, 'a');

  /* 1023 bytes of domain: labels of 63 letters and dots. */
  while (d1023->len < 1023)
    {
      if (d1023->len > 0)
        g_string_append_c (d1023, '.');
      g_string_append_len (d1023, "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk",
                           MIN (63, 1023 - d1023->len));
    }
  g_assert_cmpuint (d1023->len, ==, 1023);
  /* 512 two-byte characters: 1024 bytes although only 512 characters. */
  for (guint i = 0; i < 512; i++)
    g_string_append (umlauts, "ü");

  {
    g_autofree char *ok_local = g_strconcat (l1023, "@example.org", NULL);
    g_autofree char *long_local = g_strconcat (l1024, "@example.org", NULL);
    g_autofree char *ok_resource = g_strconcat ("a@example.org/", r1023, NULL);
    g_autofree char *long_resource = g_strconcat ("a@example.org/", r1024, NULL);
    g_autofree char *ok_domain = g_strconcat ("a@", d1023->str, NULL);
    g_autofree char *long_domain = g_strconcat ("a@x", d1023->str, NULL);
    g_autofree char *long_domain_dot = g_strconcat ("a@", d1023->str, ".", NULL);
    g_autofree char *all_max = g_strconcat (l1023, "@", d1023->str, "./", r1023, NULL);
    g_autofree char *wide_local = g_strconcat (umlauts->str, "@example.org", NULL);
    const ParseCase cases[] = {
      { ok_local, TRUE, l1023, "example.org", NULL },
      { long_local, FALSE },
      { ok_resource, TRUE, "a", "example.org", r1023 },
      { long_resource, FALSE },
      { ok_domain, TRUE, "a", d1023->str, NULL },
      { long_domain, FALSE },
      /* The final dot does not count. */
      { long_domain_dot, TRUE, "a", d1023->str, NULL },
      { all_max, TRUE, l1023, d1023->str, r1023 },
      { wide_local, FALSE },
      { huge, FALSE },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      check_parse (&cases[i]);
  }
}

static void
test_format_bare (void)
{
  static const struct
  {
    const char *localpart;
    const char *domain;
    const char *bare;  /* NULL: refused */
  } cases[] = {
    { "juliet", "example.com", "juliet@example.com" },
    { "Juliet", "Example.com.", "Juliet@Example.com" },
    { NULL, "example.com", "example.com" },
    { "", "example.com", "example.com" },
    { "jul iet", "example.com", NULL },
    { "a@b", "example.com", NULL },
    { "juliet", "a@example.com", NULL },
    { "juliet", "example.com/r", NULL },
    { "juliet", "", NULL },
    { "juliet", "exa mple.com", NULL },
    { "jul\x01iet", "example.com", NULL },
    { "\xff", "example.com", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *bare = enlist_jid_format_bare (cases[i].localpart, cases[i].domain, &error);
      g_autofree char *shown = g_strescape (cases[i].localpart ? cases[i].localpart : "", NULL);

      g_test_message ("“%s” @ %s", shown, cases[i].domain);
      g_assert_cmpstr (bare, ==, cases[i].bare);
      if (cases[i].bare == NULL)
        g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_JID);
      else
        g_assert_no_error (error);
    }
}

static void
test_dup_bare (void)
{
  static const struct { const char *jid; const char *bare; } cases[] = {
    { "juliet@example.com/balcony", "juliet@example.com" },
    { "juliet@example.com", "juliet@example.com" },
    { "example.com/r", "example.com" },
    { "Juliet@Example.com./x/y", "Juliet@Example.com" },
    { "juliet@example.com/", NULL },
    { "@example.com/r", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *bare = enlist_jid_dup_bare (cases[i].jid, &error);

      g_assert_cmpstr (bare, ==, cases[i].bare);
      if (bare == NULL)
        g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_JID);
    }
}

static void
test_normalize_domain (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "example.org", "example.org" },
    { "Example.ORG", "example.org" },
    { "example.org.", "example.org" },
    { "ÜNÏCÖDÉ.Example", "xn--ncd-dma1a7bzb.example" },
    { "ünïcödé.example", "xn--ncd-dma1a7bzb.example" },
    { "xn--ncd-dma1a7bzb.example", "xn--ncd-dma1a7bzb.example" },
    { "XN--NCD-DMA1A7BZB.example", "xn--ncd-dma1a7bzb.example" },
    { "faß.de", "xn--fa-hia.de" },
    { "例え.テスト", "xn--r8jz45g.xn--zckzah" },
    { "127.0.0.1", "127.0.0.1" },
    { "[::1]", "[::1]" },
    { "[2001:DB8::1]", "[2001:db8::1]" },
    { "localhost", "localhost" },
    { "", NULL },
    { ".", NULL },
    { "..", NULL },
    { ".example.org", NULL },
    { "example..org", NULL },
    { "exa mple.org", NULL },
    { "a=b", NULL },
    { "[example.org]", NULL },
    { "example.org\n[x]", NULL },
    { "alice@example.org", NULL },
    { "example.org/resource", NULL },
    { "\xff\xfe", NULL },
    { "exa\u202emple.org", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = enlist_jid_normalize_domain (cases[i].in, &error);
      g_autofree char *escaped = g_strescape (cases[i].in, NULL);

      g_test_message ("%s", escaped);
      g_assert_cmpstr (out, ==, cases[i].out);
      if (out == NULL)
        g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_JID);
      else
        g_assert_no_error (error);
    }
}

static void
test_normalize (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "juliet@example.com", "juliet@example.com" },
    { "JULIET@EXAMPLE.COM", "juliet@example.com" },
    { "Juliet@Example.com./Balcony", "juliet@example.com/Balcony" },
    { "ÉLODIE@exämple.com", "élodie@xn--exmple-cua.com" },
    /* Compatibility forms and case folding, as nodeprep does. */
    { "ﬁnn@example.com", "finn@example.com" },
    { "Ｊｕｌｉｅｔ@example.com", "juliet@example.com" },
    { "STRASSE@example.com", "strasse@example.com" },
    { "straße@example.com", "strasse@example.com" },
    /* A decomposed accent in the resource is composed, its case kept. */
    { "a@example.com/E\u0301", "a@example.com/\u00c9" },
    { "example.com", "example.com" },
    { "juliet@example.com/", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = enlist_jid_normalize (cases[i].in, NULL);

      g_test_message ("%s", cases[i].in);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_equal (void)
{
  static const struct
  {
    const char *a;
    const char *b;
    gboolean    equal;
    gboolean    bare_equal;
  } cases[] = {
    { "juliet@example.com", "juliet@example.com", TRUE, TRUE },
    { "Juliet@EXAMPLE.com", "juliet@example.com.", TRUE, TRUE },
    { "juliet@exämple.com", "juliet@xn--exmple-cua.com", TRUE, TRUE },
    { "juliet@example.com/balcony", "JULIET@example.com/balcony", TRUE, TRUE },
    /* Resources are case-sensitive; bare comparison ignores them. */
    { "juliet@example.com/balcony", "juliet@example.com/Balcony", FALSE, TRUE },
    { "juliet@example.com/balcony", "juliet@example.com", FALSE, TRUE },
    { "juliet@example.com", "romeo@example.com", FALSE, FALSE },
    { "juliet@example.com", "juliet@example.org", FALSE, FALSE },
    { "example.com", "juliet@example.com", FALSE, FALSE },
    { "straße@example.com", "STRASSE@example.com", TRUE, TRUE },
    /* Nothing that is not an address equals anything, itself included. */
    { "juliet@", "juliet@", FALSE, FALSE },
    { "a b@example.com", "a b@example.com", FALSE, FALSE },
    { "\xff@example.com", "\xff@example.com", FALSE, FALSE },
    { "juliet@example.com", NULL, FALSE, FALSE },
    { NULL, NULL, FALSE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *a = cases[i].a ? g_strescape (cases[i].a, NULL) : g_strdup ("NULL");
      g_autofree char *b = cases[i].b ? g_strescape (cases[i].b, NULL) : g_strdup ("NULL");

      g_test_message ("%s = %s", a, b);
      g_assert_cmpint (enlist_jid_equal (cases[i].a, cases[i].b), ==, cases[i].equal);
      g_assert_cmpint (enlist_jid_equal (cases[i].b, cases[i].a), ==, cases[i].equal);
      g_assert_cmpint (enlist_jid_bare_equal (cases[i].a, cases[i].b), ==, cases[i].bare_equal);
      g_assert_cmpint (enlist_jid_bare_equal (cases[i].b, cases[i].a), ==, cases[i].bare_equal);
    }
}

/* Random strings, and random mutations of a valid address: never a crash,
 * a verdict consistent across the functions, and enough valid results that
 * the checks on them mean something. */
static void
test_fuzz (void)
{
  static const char alphabet[] = "a@/.:[]\"&'<> \t\xc3\xbc\xff\x80\x01-_A";
  static const char valid_alphabet[] = "aZ@/.:[]-_1";
  static const char seed[] = "juliet@example.com/balcony";
  g_autoptr(GRand) rand = g_rand_new_with_seed (7622);
  guint n_valid = 0;

  for (guint round = 0; round < 20000; round++)
    {
      char buf[48];
      g_autofree char *normalized = NULL;
      g_autofree char *bare = NULL;
      gboolean valid;

      if (round % 2 == 0)
        {
          guint len = (guint) g_rand_int_range (rand, 1, sizeof buf);

          for (guint i = 0; i < len - 1; i++)
            buf[i] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
          buf[len - 1] = '\0';
        }
      else
        {
          memcpy (buf, seed, sizeof seed);
          for (guint n = g_rand_int_range (rand, 1, 4); n > 0; n--)
            buf[g_rand_int_range (rand, 0, sizeof seed - 1)] =
              valid_alphabet[g_rand_int_range (rand, 0, sizeof valid_alphabet - 1)];
        }

      valid = enlist_jid_is_valid (buf);
      n_valid += valid;
      normalized = enlist_jid_normalize (buf, NULL);
      bare = enlist_jid_dup_bare (buf, NULL);
      g_assert_cmpint (normalized != NULL, ==, valid);
      g_assert_cmpint (bare != NULL, ==, valid);
      g_assert_cmpint (enlist_jid_equal (buf, buf), ==, valid);
      if (valid)
        {
          /* What comes out is an address itself, and normalising is stable. */
          g_autofree char *again = enlist_jid_normalize (normalized, NULL);

          g_assert_true (g_utf8_validate (normalized, -1, NULL));
          g_assert_cmpstr (again, ==, normalized);
          g_assert_true (enlist_jid_is_valid (bare));
          g_assert_true (enlist_jid_bare_equal (buf, bare));
        }
    }
  g_test_message ("%u of 20000 were addresses", n_valid);
  g_assert_cmpuint (n_valid, >, 2000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/jid/parse", test_parse);
  g_test_add_func ("/jid/lengths", test_lengths);
  g_test_add_func ("/jid/format-bare", test_format_bare);
  g_test_add_func ("/jid/dup-bare", test_dup_bare);
  g_test_add_func ("/jid/normalize-domain", test_normalize_domain);
  g_test_add_func ("/jid/normalize", test_normalize);
  g_test_add_func ("/jid/equal", test_equal);
  g_test_add_func ("/jid/fuzz", test_fuzz);

  return g_test_run ();
}
