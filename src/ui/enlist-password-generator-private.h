/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-password-generator-private.h: the generator with its source of
 * random bytes replaceable, so tests can check the sampling itself. */
#pragma once

#include "enlist-password-generator.h"

G_BEGIN_DECLS

/* Fills buffer with len random bytes, or returns FALSE with error set. */
typedef gboolean (*EnlistRandomFunc) (guint8   *buffer,
                                      gsize     len,
                                      gpointer  user_data,
                                      GError  **error);

/* The random source enlist_password_generate uses: getrandom(2). */
gboolean  enlist_password_generator_getrandom (guint8          *buffer,
                                               gsize            len,
                                               gpointer         user_data,
                                               GError         **error);

/* Maps random bytes onto alphabet indices without modulo bias: a byte is
 * used only when below the largest multiple of n_symbols that fits in 256,
 * others are thrown away and replaced. Fills indices[0 … n-1]. */
gboolean  enlist_password_generator_sample    (guint            n_symbols,
                                               guint           *indices,
                                               gsize            n,
                                               EnlistRandomFunc random,
                                               gpointer         user_data,
                                               GError         **error);

char     *enlist_password_generate_with       (guint            length,
                                               EnlistRandomFunc random,
                                               gpointer         user_data,
                                               GError         **error);

G_END_DECLS
