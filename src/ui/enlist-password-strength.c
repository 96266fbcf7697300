/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-password-strength.c: password strength, from zxcvbn-c's entropy
 * estimate when available, else from a simple one. */
#define G_LOG_DOMAIN "enlist-password-strength"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#if HAVE_ZXCVBN
#include <zxcvbn.h>
#endif

#include "enlist-password-strength.h"

/* zxcvbn's entropy is about log2 of the guesses an attacker with a
 * dictionary of common passwords, names and keyboard patterns needs: under
 * 25 bits falls to an online attack in a day, 40 bits takes an offline
 * attack on a slow hash a long time. */
#define ZXCVBN_FAIR_BITS    25.0
#define ZXCVBN_GOOD_BITS    40.0
#define ZXCVBN_STRONG_BITS  60.0

/* The simple estimate knows no dictionary ("password" looks like 8 random
 * lower-case letters to it), so it asks for more. */
#define SIMPLE_FAIR_BITS    40.0
#define SIMPLE_GOOD_BITS    60.0
#define SIMPLE_STRONG_BITS  80.0

/* zxcvbn-c's cost grows with the length; nothing this long is weak. */
#define MAX_ESTIMATED_BYTES 256

static EnlistPasswordStrength
classify (double bits,
          double fair,
          double good,
          double strong)
{
  if (bits >= strong)
    return ENLIST_PASSWORD_STRENGTH_STRONG;
  if (bits >= good)
    return ENLIST_PASSWORD_STRENGTH_GOOD;
  if (bits >= fair)
    return ENLIST_PASSWORD_STRENGTH_FAIR;
  return ENLIST_PASSWORD_STRENGTH_WEAK;
}

EnlistPasswordStrength
enlist_password_strength_estimate_simple (const char *password,
                                          double     *bits)
{
  gboolean lower = FALSE, upper = FALSE, digit = FALSE, symbol = FALSE, other = FALSE;
  g_autoptr(GHashTable) seen = NULL;
  gunichar previous = 0;
  guint run = 0;
  double pool = 0, per_char, total = 0;

  g_return_val_if_fail (password != NULL, ENLIST_PASSWORD_STRENGTH_NONE);

  if (bits != NULL)
    *bits = 0;
  if (*password == '\0')
    return ENLIST_PASSWORD_STRENGTH_NONE;
  if (!g_utf8_validate (password, -1, NULL))
    return ENLIST_PASSWORD_STRENGTH_WEAK;

  for (const char *p = password; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x80 && g_ascii_islower (c))
        lower = TRUE;
      else if (c < 0x80 && g_ascii_isupper (c))
        upper = TRUE;
      else if (c < 0x80 && g_ascii_isdigit (c))
        digit = TRUE;
      else if (c < 0x80)
        symbol = TRUE;
      else
        other = TRUE;
    }
  pool = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (symbol ? 33 : 0)
         + (other ? 100 : 0);
  per_char = log2 (pool);

  seen = g_hash_table_new (NULL, NULL);
  for (const char *p = password; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (previous != 0 && (c == previous || c == previous + 1 || c + 1 == previous))
        {
          /* A repeat or a run ("aaaa", "abcd", "4321") is nearly free to
           * guess: all of it is worth about the log of its length. */
          run++;
          total += 1.0 / run;
        }
      else
        {
          run = 0;
          if (g_hash_table_contains (seen, GUINT_TO_POINTER (c)))
            total += per_char / 2;
          else
            total += per_char;
        }
      g_hash_table_add (seen, GUINT_TO_POINTER (c));
      previous = c;
    }

  if (bits != NULL)
    *bits = total;
  return classify (total, SIMPLE_FAIR_BITS, SIMPLE_GOOD_BITS, SIMPLE_STRONG_BITS);
}

gboolean
enlist_password_strength_uses_zxcvbn (void)
{
  return HAVE_ZXCVBN;
}

EnlistPasswordStrength
enlist_password_strength_estimate (const char         *password,
                                   const char * const *user_inputs,
                                   double             *bits)
{
#if HAVE_ZXCVBN
  g_autoptr(GPtrArray) dictionary = NULL;
  double entropy;
#endif

  g_return_val_if_fail (password != NULL, ENLIST_PASSWORD_STRENGTH_NONE);

  if (*password == '\0')
    {
      if (bits != NULL)
        *bits = 0;
      return ENLIST_PASSWORD_STRENGTH_NONE;
    }

#if HAVE_ZXCVBN
  if (strlen (password) > MAX_ESTIMATED_BYTES)
    return enlist_password_strength_estimate_simple (password, bits);

  dictionary = g_ptr_array_new ();
  for (guint i = 0; user_inputs != NULL && user_inputs[i] != NULL; i++)
    if (*user_inputs[i] != '\0' && strlen (user_inputs[i]) <= MAX_ESTIMATED_BYTES)
      g_ptr_array_add (dictionary, (gpointer) user_inputs[i]);
  g_ptr_array_add (dictionary, NULL);

  entropy = ZxcvbnMatch (password, (const char **) dictionary->pdata, NULL);
  if (bits != NULL)
    *bits = entropy;
  return classify (entropy, ZXCVBN_FAIR_BITS, ZXCVBN_GOOD_BITS, ZXCVBN_STRONG_BITS);
#else
  return enlist_password_strength_estimate_simple (password, bits);
#endif
}

const char *
enlist_password_strength_to_string (EnlistPasswordStrength strength)
{
  switch (strength)
    {
    case ENLIST_PASSWORD_STRENGTH_NONE:
      return "";
    case ENLIST_PASSWORD_STRENGTH_WEAK:
      return C_("password strength", "Weak");
    case ENLIST_PASSWORD_STRENGTH_FAIR:
      return C_("password strength", "Fair");
    case ENLIST_PASSWORD_STRENGTH_GOOD:
      return C_("password strength", "Good");
    case ENLIST_PASSWORD_STRENGTH_STRONG:
      return C_("password strength", "Strong");
    default:
      g_return_val_if_reached ("");
    }
}
