/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-password-generator.h: strong random passwords for new accounts,
 * from the kernel's CSPRNG. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* 20 characters of a 56-character alphabet: about 116 bits. */
#define ENLIST_PASSWORD_GENERATOR_DEFAULT_LENGTH 20
#define ENLIST_PASSWORD_GENERATOR_MIN_LENGTH     8
#define ENLIST_PASSWORD_GENERATOR_MAX_LENGTH     128

/* Letters and digits that cannot be mistaken for one another when read
 * aloud or copied by hand (no 0 O o, 1 l I). */
const char *enlist_password_generator_get_alphabet (void);

/* A new password of length characters (MIN_LENGTH … MAX_LENGTH), each drawn
 * uniformly from the alphabet with getrandom(2), with at least one
 * lower-case letter, one upper-case letter and one digit. Free it with
 * enlist_secret_free. NULL with a G_IO_ERROR when the kernel gives no
 * random bytes. */
char       *enlist_password_generate               (guint        length,
                                                    GError     **error);

G_END_DECLS
