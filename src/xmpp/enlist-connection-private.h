/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-connection-private.h: what the registration service learns from a
 * connection besides its public API: which step of connecting it is in, so
 * that progress can be shown while DNS, TCP and TLS take their time. */
#pragma once

#include "enlist-connection.h"

G_BEGIN_DECLS

/* The connection emits "step" (one guint argument, an EnlistConnectionStep)
 * each time it enters a different one of these steps while connecting; a
 * retry on another endpoint or without pipelining goes through them again. */
typedef enum
{
  ENLIST_CONNECTION_STEP_LOOKING_UP,  /* SRV records of the domain */
  ENLIST_CONNECTION_STEP_CONNECTING,  /* TCP */
  ENLIST_CONNECTION_STEP_SECURING,    /* STARTTLS or direct TLS, until the secured features */
} EnlistConnectionStep;

G_END_DECLS
