/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-cli.h: the command-line front end: its entry point and the exit
 * statuses its README and `--help` document. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Documented in the README and in `enlist-cli --help`. */
typedef enum
{
  ENLIST_EXIT_OK         = 0,
  ENLIST_EXIT_FAILED     = 1,    /* anything not listed below */
  ENLIST_EXIT_USAGE      = 2,    /* bad arguments or input */
  ENLIST_EXIT_CONNECTION = 3,    /* DNS, TCP, connection lost */
  ENLIST_EXIT_TLS        = 4,    /* no encryption offered, TLS or certificate failure */
  ENLIST_EXIT_AUTH       = 5,    /* wrong credentials, no usable SASL mechanism */
  ENLIST_EXIT_REFUSED    = 6,    /* the server refused (stanza or stream error) */
  ENLIST_EXIT_PROTOCOL   = 7,    /* protocol violation, limit exceeded, timeout */
  ENLIST_EXIT_NOT_SAVED  = 8,    /* created (register --save) or changed (passwd), but the password is saved nowhere */
  ENLIST_EXIT_CANCELLED  = 130,  /* interrupted */
} EnlistExitCode;

int enlist_cli_main (int    argc,
                     char **argv);

G_END_DECLS
