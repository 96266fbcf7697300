/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-provider-parser.c: turns an XMPP Providers JSON document — bundled,
 * cached, or downloaded, and so never trusted — into EnlistProviders. The
 * whole document is bounded before json-glib sees it (size, text, nesting,
 * whose recursion would otherwise follow the data), then each entry is
 * checked member by member and taken whole or not at all. */
#define G_LOG_DOMAIN "enlist-provider-list"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "enlist-error.h"
#include "enlist-provider-list.h"
#include "enlist-provider-parser.h"
#include "enlist-provider-private.h"

#define MAX_LANGUAGE_TAG_LEN 16

/* ---------------------------------------------------------------------- */
/* The document                                                            */

static gboolean
check_text (const char  *data,
            gsize        len,
            GError     **error)
{
  if (len > ENLIST_PROVIDER_LIST_MAX_BYTES)
    {
      g_autofree char *limit = g_format_size (ENLIST_PROVIDER_LIST_MAX_BYTES);

      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                   _("The provider list is too large: it is over %s, the most that is accepted."),
                   limit);
      return FALSE;
    }
  if (len == 0 || memchr (data, '\0', len) != NULL || !g_utf8_validate_len (data, len, NULL))
    {
      g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                           _("The provider list is not valid text."));
      return FALSE;
    }
  return TRUE;
}

/* json-glib's parser recurses once per level: count the levels first. Only
 * brackets outside strings count; a malformed document is left for the
 * parser to describe. */
static gboolean
check_nesting (const char  *data,
               gsize        len,
               GError     **error)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > ENLIST_PROVIDER_LIST_MAX_DEPTH)
            {
              g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                           _("The provider list is nested more than %u levels deep."),
                           ENLIST_PROVIDER_LIST_MAX_DEPTH);
              return FALSE;
            }
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Members                                                                 */

/* The member, or NULL if it is absent or null. */
static JsonNode *
get_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return node;
}

static gboolean
node_is (JsonNode *node,
         GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static gboolean
read_boolean (JsonObject  *object,
              const char  *name,
              gboolean    *out,
              const char **why)
{
  JsonNode *node = get_member (object, name);

  *out = FALSE;
  if (node == NULL)
    return TRUE;
  if (!node_is (node, G_TYPE_BOOLEAN))
    {
      *why = name;
      return FALSE;
    }
  *out = json_node_get_boolean (node);
  return TRUE;
}

/* "YYYY-MM-DD", a real day. */
static gboolean
read_date (JsonObject  *object,
           const char  *name,
           char       **out,
           guint32     *julian,
           const char **why)
{
  JsonNode *node = get_member (object, name);
  const char *text;
  guint year, month, day;
  GDate date;

  *julian = 0;
  if (node == NULL)
    return TRUE;
  if (!node_is (node, G_TYPE_STRING))
    goto invalid;
  text = json_node_get_string (node);
  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    goto invalid;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      goto invalid;
  year = (guint) g_ascii_strtoull (text, NULL, 10);
  month = (guint) g_ascii_strtoull (text + 5, NULL, 10);
  day = (guint) g_ascii_strtoull (text + 8, NULL, 10);
  if (year == 0 || !g_date_valid_dmy (day, month, year))
    goto invalid;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);
  *julian = g_date_get_julian (&date);
  if (out != NULL)
    *out = g_strdup (text);
  return TRUE;

invalid:
  *why = name;
  return FALSE;
}

/* An address a person may be sent to: printable ASCII, https:// or http://
 * with a host and no user name, within the length limit. */
static gboolean
is_acceptable_url (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  gsize len = strlen (url);
  const char *scheme;
  const char *host;

  if (len == 0 || len > ENLIST_PROVIDER_LIST_MAX_URL_LEN)
    return FALSE;
  for (const char *p = url; *p != '\0'; p++)
    if (*p < 0x21 || *p > 0x7e)
      return FALSE;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return FALSE;
  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  return (g_ascii_strcasecmp (scheme, "https") == 0 || g_ascii_strcasecmp (scheme, "http") == 0)
         && host != NULL && *host != '\0' && g_uri_get_userinfo (uri) == NULL;
}

static gboolean
is_language_tag (const char *tag)
{
  gsize len = strlen (tag);

  if (len == 0 || len > MAX_LANGUAGE_TAG_LEN || !g_ascii_isalpha (tag[0]))
    return FALSE;
  for (const char *p = tag; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

/* "de_DE.UTF-8@euro" → "de-DE"; NULL for "C" and "POSIX". */
static char *
locale_to_tag (const char *locale)
{
  gsize len = strcspn (locale, ".@");
  char *tag;

  if (len == 0 || strncmp (locale, "C", len) == 0 || strncmp (locale, "POSIX", len) == 0)
    return NULL;
  tag = g_strndup (locale, len);
  g_strdelimit (tag, "_", '-');
  return tag;
}

static gboolean
tag_matches (const char *key,
             const char *tag)
{
  gsize key_primary = strcspn (key, "-_");

  if (g_ascii_strcasecmp (key, tag) == 0)
    return TRUE;
  /* "pt-BR" for a user who asked for "pt" */
  return strchr (tag, '-') == NULL && strlen (tag) == key_primary
         && g_ascii_strncasecmp (key, tag, key_primary) == 0;
}

/* {"en": "https://…", …}: every variant must be valid; *out gets the one for
 * the first of languages that has one, else English, else the first listed,
 * or NULL if the map is empty. */
static gboolean
read_localized_url (JsonObject          *object,
                    const char          *name,
                    const char * const  *languages,
                    char               **out,
                    const char         **why)
{
  JsonNode *node = get_member (object, name);
  JsonObject *map;
  g_autoptr(GList) members = NULL;
  const char *chosen = NULL;

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    goto invalid;
  map = json_node_get_object (node);
  if (json_object_get_size (map) > ENLIST_PROVIDER_LIST_MAX_VARIANTS)
    goto invalid;

  members = json_object_get_members (map);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (map, l->data);

      if (!is_language_tag (l->data) || !node_is (value, G_TYPE_STRING)
          || !is_acceptable_url (json_node_get_string (value)))
        goto invalid;
    }
  if (members == NULL)
    return TRUE;

  for (guint i = 0; languages[i] != NULL && chosen == NULL; i++)
    {
      g_autofree char *tag = locale_to_tag (languages[i]);

      for (GList *l = members; tag != NULL && l != NULL && chosen == NULL; l = l->next)
        if (tag_matches (l->data, tag))
          chosen = l->data;
    }
  for (GList *l = members; l != NULL && chosen == NULL; l = l->next)
    if (tag_matches (l->data, "en"))
      chosen = l->data;
  if (chosen == NULL)
    chosen = members->data;

  *out = g_strdup (json_object_get_string_member (map, chosen));
  return TRUE;

invalid:
  *why = name;
  return FALSE;
}

/* ["de", "se"] → {"DE", "SE"} */
static gboolean
read_countries (JsonObject   *object,
                const char   *name,
                char       ***out,
                const char  **why)
{
  JsonNode *node = get_member (object, name);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;
  guint n;

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto invalid;
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n > ENLIST_PROVIDER_LIST_MAX_VARIANTS)
    goto invalid;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *code;
      char upper[3];

      if (!node_is (element, G_TYPE_STRING))
        goto invalid;
      code = json_node_get_string (element);
      if (strlen (code) != 2 || !g_ascii_isalpha (code[0]) || !g_ascii_isalpha (code[1]))
        goto invalid;
      upper[0] = g_ascii_toupper (code[0]);
      upper[1] = g_ascii_toupper (code[1]);
      upper[2] = '\0';
      g_strv_builder_add (builder, upper);
    }
  *out = g_strv_builder_end (builder);
  return TRUE;

invalid:
  *why = name;
  return FALSE;
}

/* ---------------------------------------------------------------------- */
/* Entries                                                                 */

/* Returns the provider, or NULL with *why naming the member at fault. */
static EnlistProvider *
parse_entry (JsonNode            *node,
             const char * const  *languages,
             guint32             *latest_change,
             const char         **why)
{
  EnlistProviderInfo info = { 0 };
  JsonObject *object;
  JsonNode *jid;
  guint32 since_day;

  *latest_change = 0;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      *why = "entry is not an object";
      return NULL;
    }
  object = json_node_get_object (node);

  jid = get_member (object, "jid");
  if (jid == NULL || !node_is (jid, G_TYPE_STRING))
    {
      *why = "jid";
      return NULL;
    }
  info.domain = enlist_provider_normalize_domain (json_node_get_string (jid), FALSE);
  if (info.domain == NULL)
    {
      *why = "jid";
      goto fail;
    }

  if (!read_boolean (object, "inBandRegistration", &info.in_band_registration, why)
      || !read_boolean (object, "inBandRegistrationCaptchaRequired", &info.needs_captcha, why)
      || !read_boolean (object, "inBandRegistrationEmailAddressRequired", &info.needs_email, why)
      || !read_boolean (object, "inBandRegistrationInvitationRequired", &info.needs_invitation,
                        why)
      || !read_localized_url (object, "website", languages, &info.website, why)
      || !read_localized_url (object, "registrationWebPage", languages,
                              &info.registration_web_page, why)
      || !read_localized_url (object, "passwordReset", languages, &info.password_reset, why)
      || !read_countries (object, "serverLocations", &info.countries, why)
      || !read_date (object, "since", &info.since, &since_day, why)
      || !read_date (object, "latestChange", NULL, latest_change, why))
    goto fail;

  if (!info.in_band_registration && info.registration_web_page == NULL)
    {
      *why = "no way to register (neither in-band nor a web page)";
      goto fail;
    }
  return enlist_provider_new_from_info (&info);

fail:
  enlist_provider_info_clear (&info);
  return NULL;
}

GPtrArray *
enlist_provider_parse (GBytes              *bytes,
                       const char * const  *languages,
                       guint32             *newest,
                       GError             **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GPtrArray) providers = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GError) json_error = NULL;
  const char *data;
  gsize len;
  JsonNode *root;
  JsonArray *array;
  guint n;

  g_return_val_if_fail (bytes != NULL, NULL);

  *newest = 0;
  data = g_bytes_get_data (bytes, &len);
  if (!check_text (data, len, error) || !check_nesting (data, len, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, &json_error))
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                   _("The provider list is not valid JSON: %s"), json_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                           _("The provider list is not a list of providers."));
      return NULL;
    }
  array = json_node_get_array (root);
  n = json_array_get_length (array);
  if (n > ENLIST_PROVIDER_LIST_MAX_PROVIDERS)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The provider list has %u entry; at most %u are accepted.",
                                "The provider list has %u entries; at most %u are accepted.", n),
                   n, ENLIST_PROVIDER_LIST_MAX_PROVIDERS);
      return NULL;
    }

  if (languages == NULL)
    languages = g_get_language_names ();
  providers = g_ptr_array_new_with_free_func (g_object_unref);
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *entry = json_array_get_element (array, i);
      const char *why = NULL;
      guint32 latest_change = 0;
      EnlistProvider *provider = parse_entry (entry, languages, &latest_change, &why);

      if (provider == NULL)
        {
          g_debug ("Provider list entry %u left out: %s", i, why);
          continue;
        }
      if (g_hash_table_contains (seen, enlist_provider_get_domain (provider)))
        {
          g_debug ("Provider list entry %u left out: %s is listed before",
                   i, enlist_provider_get_domain (provider));
          g_object_unref (provider);
          continue;
        }
      g_hash_table_add (seen, (gpointer) enlist_provider_get_domain (provider));
      g_ptr_array_add (providers, provider);
      *newest = MAX (*newest, latest_change);
    }

  if (providers->len == 0)
    {
      *newest = 0;
      g_set_error_literal (error, ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                           _("The provider list has no provider that Enlist can use."));
      return NULL;
    }
  return g_steal_pointer (&providers);
}
