/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-media-private.h: the media resolver's insides, shared by its units.
 *
 * The units (each file says more):
 *   enlist-media.c         the object, its limits, one resolve: the caller's
 *                          cancellable and the deadline, errors, handing the
 *                          bytes to the decoder
 *   enlist-media-bob.c     Bits of Binary: inline data, the cid and its hash,
 *                          fetching by iq, strict base64
 *   enlist-media-http.c    HTTP(S) with libsoup: the trust policy, redirects
 *                          followed one by one, the byte cap while reading
 *   enlist-media-decode.c  the image itself: its type from its magic bytes,
 *                          completeness, the one loader for that type, the
 *                          pixel cap before pixels are allocated, in a
 *                          worker thread */
#pragma once

#include <libsoup/soup.h>

#include "enlist-media.h"
#include "enlist-tls-policy.h"

G_BEGIN_DECLS

struct _EnlistMediaResolver
{
  GObject                 parent_instance;

  GHashTable             *bob;           /* lower-case cid → EnlistXmlNode */
  EnlistMediaBobFetchFunc fetch_func;
  gpointer                fetch_data;
  GDestroyNotify          fetch_destroy;
  SoupSession            *session;       /* created on first HTTP use */
  EnlistTlsPolicy        *policy;        /* the session's TLS database */
  gsize                   max_bytes;
  guint                   max_width;
  guint                   max_height;
  guint                   timeout_ms;
};

/* The task data of one resolve. */
typedef struct
{
  char                *uri;
  GCancellable        *cancellable;     /* ours: the caller's, or the deadline, cancel it */
  GCancellable        *caller_cancellable;
  gulong               cancelled_id;
  GSource             *deadline;
  gboolean             timed_out;
  gsize                max_bytes;
  guint                max_width;
  guint                max_height;

  /* HTTP */
  GUri                *current;
  SoupMessage         *message;
  GInputStream        *body;
  GByteArray          *buffer;
  guint                redirects;
  GTlsCertificate     *rejected_certificate;
  GTlsCertificateFlags rejected_flags;

  /* BoB */
  char                *cid;
  GChecksumType        checksum_type;
  char                *hash;          /* lower-case hex, from the cid */
} EnlistMediaResolveData;

/* ---------------------------------------------------------------------- */
/* enlist-media.c                                                          */

/* Completes the resolve with error (taken), as a timeout when the deadline
 * cancelled it. */
void              enlist_media_fail                     (GTask                  *task,
                                                         GError                 *error);
/* Takes task: decodes bytes in a worker thread and completes the resolve. */
void              enlist_media_resolve_decode           (GTask                  *task,
                                                         GBytes                 *bytes);
GError           *enlist_media_new_too_many_bytes_error (gsize                   max_bytes);

/* ---------------------------------------------------------------------- */
/* enlist-media-bob.c                                                      */

void              enlist_media_resolver_clear_fetcher   (EnlistMediaResolver    *self);
/* Takes task; rest is the URI after "cid:". */
void              enlist_media_resolve_cid              (GTask                  *task,
                                                         const char             *rest);

/* ---------------------------------------------------------------------- */
/* enlist-media-http.c                                                     */

gboolean          enlist_media_is_http_scheme           (const char             *scheme);
GError           *enlist_media_new_scheme_error         (const char             *scheme);
/* Takes task. Redirects are followed by the unit itself. */
void              enlist_media_resolve_http             (GTask                  *task);
/* Frees what the HTTP part of data holds. */
void              enlist_media_resolve_data_clear_http  (EnlistMediaResolveData *data);

/* ---------------------------------------------------------------------- */
/* enlist-media-decode.c                                                   */

/* Checks and decodes bytes, an image file, in a worker thread; uri is the
 * image's. The task has no source object. */
void              enlist_media_decode_async             (const char             *uri,
                                                         GBytes                 *bytes,
                                                         guint                   max_width,
                                                         guint                   max_height,
                                                         GCancellable           *cancellable,
                                                         GAsyncReadyCallback     callback,
                                                         gpointer                user_data);
EnlistMediaImage *enlist_media_decode_finish            (GAsyncResult           *result,
                                                         GError                **error);

G_END_DECLS
