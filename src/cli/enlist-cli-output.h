/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-cli-output.h: what enlist-cli prints: text that may have come
 * from a server, neutralised; JSON objects; errors as text or JSON; and
 * the exit status each error means. */
#pragma once

#include <stdio.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "enlist-data-form.h"

G_BEGIN_DECLS

/* text split into lines, each neutralised (enlist_text_neutralize); the
 * first after prefix, the others indented by two spaces; every line ends
 * in a newline. NULL or empty text gives nothing, not even the prefix. */
char       *enlist_cli_format_safe          (const char      *prefix,
                                             const char      *text);
void        enlist_cli_print_safe           (FILE            *stream,
                                             const char      *prefix,
                                             const char      *text);

/* The documented exit status (EnlistExitCode) for error; 0 for NULL. */
int         enlist_cli_exit_code_for_error  (const GError    *error);
/* The "kind" of the JSON error object for an exit status: "usage",
 * "connection", "tls", "authentication", "refused", "protocol",
 * "not-saved", "cancelled", else "failed". */
const char *enlist_cli_exit_kind            (int              exit_code);

/* JSON members; a NULL string value is written as null. */
void        enlist_cli_json_add_string      (JsonBuilder     *builder,
                                             const char      *name,
                                             const char      *value);
/* The value of a member: subject, issuer, validity and SHA-256 fingerprint. */
void        enlist_cli_json_add_certificate (JsonBuilder     *builder,
                                             GTlsCertificate *certificate);
/* The member "error": message, kind, exit_code, and where known the XMPP
 * condition, the server's text, the rejected certificate and its problems. */
void        enlist_cli_json_add_error       (JsonBuilder     *builder,
                                             const GError    *error);
/* The member "error" for a problem that is no GError (exit_code chooses
 * the kind). */
void        enlist_cli_json_add_problem     (JsonBuilder     *builder,
                                             const char      *message,
                                             int              exit_code);
/* {"ok": false, "error": {…}} and, unless NULL, "missing": [names…]. */
JsonNode   *enlist_cli_json_failure         (const GError       *error,
                                             const char * const *missing);
/* Pretty-printed, with a final newline. */
char       *enlist_cli_json_to_string       (JsonNode        *root);
/* Prints the builder's object on standard output. */
void        enlist_cli_print_json           (JsonBuilder     *builder);

/* "enlist-cli VERB: message" and the lines that explain it (the XMPP
 * condition, the server's text, how to trust a certificate), neutralised. */
char       *enlist_cli_format_error         (const char      *verb,
                                             const GError    *error);
/* Reports error as JSON on standard output, or as text on standard error;
 * returns its exit status. */
int         enlist_cli_report_error         (gboolean            json,
                                             const char         *verb,
                                             const GError       *error);
/* The same with the names of the form fields that are missing (JSON:
 * "missing"). */
int         enlist_cli_report_missing       (gboolean            json,
                                             const char         *verb,
                                             const GError       *error,
                                             const char * const *missing);
/* A verb that could not be set up (bad option values, an unreadable CA
 * file): a line on standard error; usage (2) for option errors, else 1. */
int         enlist_cli_report_setup_error   (const char      *verb,
                                             const GError    *error);

/* A form field's description and numbered options, under indent. */
void        enlist_cli_print_field_details  (FILE            *stream,
                                             EnlistFormField *field,
                                             const char      *indent);

G_END_DECLS
