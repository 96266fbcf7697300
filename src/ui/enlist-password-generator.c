/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-password-generator.c: random passwords by rejection sampling over
 * bytes from getrandom(2). */
#define G_LOG_DOMAIN "enlist-password-generator"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <gio/gio.h>
#include <glib/gi18n.h>

#include "enlist-password-generator-private.h"

static const char alphabet[] =
  "abcdefghijkmnpqrstuvwxyz"
  "ABCDEFGHJKLMNPQRSTUVWXYZ"
  "23456789";

/* Random bytes are drawn in blocks of this size. */
#define BLOCK 64

/* Attempts before giving up on a password with every class (each attempt
 * fails with a probability well under 1 %). */
#define MAX_ATTEMPTS 100

const char *
enlist_password_generator_get_alphabet (void)
{
  return alphabet;
}

gboolean
enlist_password_generator_getrandom (guint8   *buffer,
                                     gsize     len,
                                     gpointer  user_data,
                                     GError  **error)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t got = getrandom (buffer + done, len - done, 0);

      if (got < 0)
        {
          int saved = errno;

          if (saved == EINTR)
            continue;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not get random numbers from the system: %s"),
                       g_strerror (saved));
          return FALSE;
        }
      done += got;
    }
  return TRUE;
}

gboolean
enlist_password_generator_sample (guint            n_symbols,
                                  guint           *indices,
                                  gsize            n,
                                  EnlistRandomFunc random,
                                  gpointer         user_data,
                                  GError         **error)
{
  guint8 block[BLOCK];
  guint limit;
  gsize filled = 0, used = BLOCK;

  g_return_val_if_fail (n_symbols > 0 && n_symbols <= 256, FALSE);

  /* the largest multiple of n_symbols not above 256: bytes from limit up
   * would make the first 256 % n_symbols symbols more likely */
  limit = 256 - 256 % n_symbols;
  while (filled < n)
    {
      if (used == BLOCK)
        {
          if (!random (block, BLOCK, user_data, error))
            {
              explicit_bzero (block, sizeof block);
              return FALSE;
            }
          used = 0;
        }
      if (block[used] < limit)
        indices[filled++] = block[used] % n_symbols;
      used++;
    }
  explicit_bzero (block, sizeof block);
  return TRUE;
}

char *
enlist_password_generate_with (guint            length,
                               EnlistRandomFunc random,
                               gpointer         user_data,
                               GError         **error)
{
  const guint n_symbols = sizeof alphabet - 1;
  /* length is at most MAX_LENGTH, checked below */
  guint indices[ENLIST_PASSWORD_GENERATOR_MAX_LENGTH];
  char *password;

  g_return_val_if_fail (length >= ENLIST_PASSWORD_GENERATOR_MIN_LENGTH &&
                        length <= ENLIST_PASSWORD_GENERATOR_MAX_LENGTH, NULL);
  g_return_val_if_fail (random != NULL, NULL);

  password = g_malloc0 (length + 1);
  for (guint attempt = 0; attempt < MAX_ATTEMPTS; attempt++)
    {
      gboolean lower = FALSE, upper = FALSE, digit = FALSE;

      if (!enlist_password_generator_sample (n_symbols, indices, length, random, user_data, error))
        break;
      for (guint i = 0; i < length; i++)
        {
          char c = alphabet[indices[i]];

          password[i] = c;
          lower |= g_ascii_islower (c);
          upper |= g_ascii_isupper (c);
          digit |= g_ascii_isdigit (c);
        }
      password[length] = '\0';
      explicit_bzero (indices, length * sizeof *indices);
      /* Some servers insist on every class. Drawing again until all are
       * there keeps every accepted password equally likely. */
      if (lower && upper && digit)
        return password;
    }

  explicit_bzero (password, length + 1);
  g_free (password);
  explicit_bzero (indices, length * sizeof *indices);
  if (error != NULL && *error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                         _("The system’s random numbers look broken."));
  return NULL;
}

char *
enlist_password_generate (guint    length,
                          GError **error)
{
  return enlist_password_generate_with (length, enlist_password_generator_getrandom, NULL, error);
}
