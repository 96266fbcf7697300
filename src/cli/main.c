/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: enlist-cli's entry point. */
#define G_LOG_DOMAIN "enlist-cli"

#include "config.h"

#include "enlist-cli.h"

int
main (int    argc,
      char **argv)
{
  return enlist_cli_main (argc, argv);
}
