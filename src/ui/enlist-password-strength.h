/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-password-strength.h: how hard a password is to guess, in four words
 * a person understands: zxcvbn-c when Enlist was built with it, else a
 * simple estimate from length, character classes, repeats and runs. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  ENLIST_PASSWORD_STRENGTH_NONE,    /* empty */
  ENLIST_PASSWORD_STRENGTH_WEAK,
  ENLIST_PASSWORD_STRENGTH_FAIR,
  ENLIST_PASSWORD_STRENGTH_GOOD,
  ENLIST_PASSWORD_STRENGTH_STRONG,
} EnlistPasswordStrength;

/* The estimate Enlist uses: zxcvbn-c's if built with it, else the simple
 * one. user_inputs (may be NULL) are words the password should not be
 * built from, such as the user name and the server's domain. bits (may be
 * NULL) receives the estimated entropy. */
EnlistPasswordStrength  enlist_password_strength_estimate        (const char          *password,
                                                                  const char * const  *user_inputs,
                                                                  double              *bits);
/* The estimate without zxcvbn-c: log2 of the character pool per character,
 * much less for a character that repeats or continues a run ("aaaa",
 * "abcd", "4321") and for one that occurs again, with stricter
 * thresholds, since it knows no dictionary. */
EnlistPasswordStrength  enlist_password_strength_estimate_simple (const char          *password,
                                                                  double              *bits);
/* TRUE when enlist_password_strength_estimate uses zxcvbn-c. */
gboolean                enlist_password_strength_uses_zxcvbn     (void);
/* "Weak", "Fair", "Good", "Strong" (translated); "" for NONE. */
const char             *enlist_password_strength_to_string       (EnlistPasswordStrength strength);

G_END_DECLS
