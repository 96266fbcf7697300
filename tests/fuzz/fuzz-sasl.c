/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-sasl.c: a libFuzzer target for what the SASL client reads from a
 * server. The first byte chooses the exchange; the rest holds the server's
 * messages, split at newlines:
 *
 *   bits 0-1  0, 1: SCRAM-SHA-1, SCRAM-SHA-256; 2, 3: PLAIN (over an
 *             unconnected TLS client, which is all PLAIN asks of it)
 *   bit 2     the messages are the base64 text of the wire as it is,
 *             rather than bytes the target encodes
 *   bit 3     the server-final message comes with <success/> rather than
 *             as a challenge
 *
 * SCRAM: server-first (each "%r" in it replaced by the client's nonce, so
 * that the fuzzer can extend it), server-final, then the payload of
 * <success/>; PLAIN: the payload of <success/>, then a challenge after it.
 * Iteration counts the client accepts but that would make one input slow
 * (over MAX_ITERATIONS) are skipped: refusing them is test-sasl-hostile's. */
#define G_LOG_DOMAIN "fuzz-sasl"

#include "config.h"

#include <string.h>

#include "enlist-sasl.h"
#include "fuzz-util.h"

#define MAX_ITERATIONS 64
#define MAX_PARTS      3

static GTlsConnection *
plain_tls (void)
{
  static GTlsConnection *tls;

  if (tls == NULL)
    {
      g_autoptr(GInputStream) input = g_memory_input_stream_new ();
      g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
      g_autoptr(GIOStream) base = g_simple_io_stream_new (input, output);
      g_autoptr(GError) error = NULL;

      /* a missing glib-networking is a failure here too */
      tls = G_TLS_CONNECTION (g_tls_client_connection_new (base, NULL, &error));
      if (tls == NULL)
        g_error ("No TLS client connection: %s", error->message);
    }
  return tls;
}

/* One step; the response is dropped. */
static gboolean
step (EnlistSasl  *sasl,
      const char  *challenge,
      char       **response)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *out;

  enlist_sasl_step_async (sasl, challenge, NULL, enlist_fuzz_store_result, &result);
  enlist_fuzz_wait_for (&result);
  out = enlist_sasl_step_finish (sasl, result, &error);
  g_assert ((out == NULL) == (error != NULL));
  if (response != NULL)
    *response = out;
  else
    g_free (out);
  return out != NULL;
}

static void
verify (EnlistSasl *sasl,
        const char *success)
{
  g_autoptr(GError) error = NULL;

  if (!enlist_sasl_verify_success (sasl, success, &error))
    g_assert (error != NULL);
}

/* The client's nonce: the r= of its first message. */
static char *
client_nonce (const char *response)
{
  gsize length = 0;
  g_autofree guchar *message = g_base64_decode (response, &length);
  g_autofree char *text = g_strndup ((const char *) message, length);
  const char *r = strstr (text, ",r=");

  g_assert (r != NULL);
  return g_strdup (r + 3);
}

/* Whether the server-first message asks for more rounds than an input may
 * take; mirrors how enlist-sasl.c reads the count, which refuses over
 * ENLIST_SASL_MAX_ITERATIONS (and malformed counts) before hashing. */
static gboolean
too_slow (const char *message,
          gsize       length)
{
  g_auto(GStrv) fields = NULL;
  const char *count;
  gsize digits;

  if (memchr (message, '\0', length) != NULL)
    return FALSE;
  fields = g_strsplit (message, ",", 4);
  if (g_strv_length (fields) < 3 || !g_str_has_prefix (fields[2], "i="))
    return FALSE;
  count = fields[2] + 2;
  digits = strlen (count);
  if (digits == 0 || strspn (count, "0123456789") != digits || count[0] == '0' ||
      digits > strlen (G_STRINGIFY (ENLIST_SASL_MAX_ITERATIONS)))
    return FALSE;
  return g_ascii_strtoull (count, NULL, 10) > MAX_ITERATIONS;
}

/* The wire text of a part: as it is, or encoded. */
static char *
encode (const char *part,
        gsize       length,
        gboolean    raw)
{
  if (raw)
    return g_strndup (part, length);
  return g_base64_encode ((const guchar *) part, length);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char * const scram_sha1[] = { "SCRAM-SHA-1", NULL };
  static const char * const scram_sha256[] = { "SCRAM-SHA-256", NULL };
  static const char * const plain[] = { "PLAIN", NULL };
  char *parts[MAX_PARTS] = { NULL, };
  gsize lengths[MAX_PARTS] = { 0, };
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *nonce = NULL;
  EnlistSasl *sasl;
  gboolean raw, final_in_success;
  guint mechanism;
  const char *rest, *end;

  if (size < 1)
    return 0;
  mechanism = data[0] & 3;
  raw = (data[0] & 4) != 0;
  final_in_success = (data[0] & 8) != 0;

  /* the parts, at newlines; the last one takes the rest */
  rest = (const char *) data + 1;
  end = (const char *) data + size;
  for (guint i = 0; i < MAX_PARTS; i++)
    {
      const char *newline = i + 1 < MAX_PARTS ? memchr (rest, '\n', end - rest) : NULL;
      const char *stop = newline != NULL ? newline : end;

      lengths[i] = stop - rest;
      parts[i] = g_malloc (lengths[i] + 1);
      memcpy (parts[i], rest, lengths[i]);
      parts[i][lengths[i]] = '\0';
      rest = newline != NULL ? newline + 1 : end;
    }

  if (mechanism >= 2)
    sasl = enlist_sasl_new (plain, NULL, plain_tls (), "user", "pencil", &error);
  else
    sasl = enlist_sasl_new (mechanism == 0 ? scram_sha1 : scram_sha256, NULL, NULL,
                            "user", "pencil", &error);
  g_assert_no_error (error);

  if (!step (sasl, NULL, &first))
    g_error ("The initial response failed");

  if (mechanism >= 2)
    {
      g_autofree char *success = encode (parts[0], lengths[0], raw);
      g_autofree char *more = encode (parts[1], lengths[1], raw);

      verify (sasl, success);
      step (sasl, more, NULL);
    }
  else
    {
      g_autoptr(GString) server_first = g_string_new_len (parts[0], lengths[0]);
      g_autofree char *server_first_wire = NULL;
      g_autofree char *server_final = encode (parts[1], lengths[1], raw);
      g_autofree char *success = encode (parts[2], lengths[2], raw);

      nonce = client_nonce (first);
      if (!raw)
        g_string_replace (server_first, "%r", nonce, 0);

      /* what the client will read, to skip slow counts */
      if (raw)
        {
          gsize length = 0;
          g_autofree guchar *decoded = g_base64_decode (server_first->str, &length);
          g_autofree char *text = g_strndup ((const char *) decoded, length);

          if (too_slow (text, length))
            goto out;
          server_first_wire = g_strdup (server_first->str);
        }
      else
        {
          if (too_slow (server_first->str, server_first->len))
            goto out;
          server_first_wire = encode (server_first->str, server_first->len, FALSE);
        }

      if (step (sasl, server_first_wire, NULL))
        {
          if (final_in_success)
            verify (sasl, server_final);
          else if (step (sasl, server_final, NULL))
            verify (sasl, success);
        }
      /* whatever state it is in, more must be refused cleanly */
      step (sasl, success, NULL);
      verify (sasl, success);
    }

out:
  enlist_fuzz_release (sasl);
  for (guint i = 0; i < MAX_PARTS; i++)
    g_free (parts[i]);
  return 0;
}
