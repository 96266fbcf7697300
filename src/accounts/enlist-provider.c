/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-provider.c: one public XMPP service, or one local demo server, as
 * the sign-up assistant suggests it. Providers are made by the provider list
 * from checked data and never change afterwards, so a suggestion shown on
 * screen always describes what was checked. */
#define G_LOG_DOMAIN "enlist-provider"

#include "config.h"

#include <string.h>

#include "enlist-jid.h"
#include "enlist-provider-private.h"

#define MAX_LABEL_LEN 63

struct _EnlistProvider
{
  GObject   parent_instance;

  char     *domain;
  char     *website;
  char    **countries;
  gboolean  in_band_registration;
  char     *registration_web_page;
  char     *password_reset;
  gboolean  needs_captcha;
  gboolean  needs_email;
  gboolean  needs_invitation;
  char     *since;

  /* demo providers */
  char     *host;
  guint16   port;
  gboolean  direct_tls;
  char     *label;
};

G_DEFINE_FINAL_TYPE (EnlistProvider, enlist_provider, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DOMAIN,
  PROP_WEBSITE,
  PROP_COUNTRIES,
  PROP_IN_BAND_REGISTRATION,
  PROP_REGISTRATION_WEB_PAGE,
  PROP_WEB_ONLY,
  PROP_PASSWORD_RESET,
  PROP_NEEDS_CAPTCHA,
  PROP_NEEDS_EMAIL,
  PROP_NEEDS_INVITATION,
  PROP_SINCE,
  PROP_IS_DEMO,
  PROP_HOST,
  PROP_PORT,
  PROP_DIRECT_TLS,
  PROP_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---------------------------------------------------------------------- */
/* Domain names                                                            */

static gboolean
is_ldh_name (const char *name,
             gboolean    allow_single_label)
{
  gsize len = strlen (name);
  guint labels = 0;
  gboolean all_digits_tld = TRUE;
  const char *label = name;

  if (len == 0 || len > ENLIST_PROVIDER_MAX_DOMAIN_LEN)
    return FALSE;

  for (const char *p = name;; p++)
    {
      if (*p == '.' || *p == '\0')
        {
          gsize label_len = p - label;

          if (label_len == 0 || label_len > MAX_LABEL_LEN
              || label[0] == '-' || label[label_len - 1] == '-')
            return FALSE;
          labels++;
          all_digits_tld = TRUE;
          for (const char *q = label; q < p; q++)
            all_digits_tld = all_digits_tld && g_ascii_isdigit (*q);
          if (*p == '\0')
            break;
          label = p + 1;
          continue;
        }
      if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-')
        return FALSE;
    }

  /* an all-digit last label makes it look like an IPv4 address */
  if (all_digits_tld)
    return FALSE;
  return labels >= 2 || allow_single_label;
}

char *
enlist_provider_normalize_domain (const char *domain,
                                  gboolean    allow_single_label)
{
  g_autofree char *ascii = NULL;

  g_return_val_if_fail (domain != NULL, NULL);

  /* A provider is a named public service: stricter than an address's
   * domain, which may be an IP literal, end in a dot or hold an underscore
   * (enlist-jid.h). */
  if (g_hostname_is_ip_address (domain) || g_str_has_suffix (domain, "."))
    return NULL;
  /* the checks and the ASCII (IDNA) form every XMPP domain gets */
  ascii = enlist_jid_normalize_domain (domain, NULL);
  if (ascii == NULL || !is_ldh_name (ascii, allow_single_label))
    return NULL;
  if (g_str_is_ascii (domain))
    return g_steal_pointer (&ascii);

  /* An internationalized name is kept in the form people read, so it must
   * hold no character that IDNA would silently map away (an ideographic full
   * stop, a soft hyphen, spaces, compatibility forms and the like): what is
   * shown is then what is connected to. */
  for (const char *p = domain; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      gboolean allowed;

      if (c < 0x80)
        allowed = g_ascii_isalnum (c) || c == '-' || c == '.';
      else
        allowed = g_unichar_isalnum (c) || g_unichar_type (c) == G_UNICODE_NON_SPACING_MARK
                  || g_unichar_type (c) == G_UNICODE_SPACING_MARK;
      if (!allowed)
        return NULL;
    }
  return g_utf8_strdown (domain, -1);
}

/* ---------------------------------------------------------------------- */

void
enlist_provider_info_clear (EnlistProviderInfo *info)
{
  g_clear_pointer (&info->domain, g_free);
  g_clear_pointer (&info->website, g_free);
  g_clear_pointer (&info->countries, g_strfreev);
  g_clear_pointer (&info->registration_web_page, g_free);
  g_clear_pointer (&info->password_reset, g_free);
  g_clear_pointer (&info->since, g_free);
}

EnlistProvider *
enlist_provider_new_from_info (EnlistProviderInfo *info)
{
  EnlistProvider *self;

  g_assert (info != NULL && info->domain != NULL);

  self = g_object_new (ENLIST_TYPE_PROVIDER, NULL);
  self->domain = g_steal_pointer (&info->domain);
  self->website = g_steal_pointer (&info->website);
  self->countries = info->countries ? g_steal_pointer (&info->countries) : g_new0 (char *, 1);
  self->in_band_registration = info->in_band_registration;
  self->registration_web_page = g_steal_pointer (&info->registration_web_page);
  self->password_reset = g_steal_pointer (&info->password_reset);
  self->needs_captcha = info->needs_captcha;
  self->needs_email = info->needs_email;
  self->needs_invitation = info->needs_invitation;
  self->since = g_steal_pointer (&info->since);
  return self;
}

EnlistProvider *
enlist_provider_new_demo (const char *domain,
                          const char *host,
                          guint16     port,
                          gboolean    direct_tls,
                          const char *label)
{
  g_autofree char *normalized = NULL;
  g_autofree char *normalized_host = NULL;
  EnlistProvider *self;

  g_return_val_if_fail (domain != NULL, NULL);
  g_return_val_if_fail (host != NULL, NULL);

  normalized = enlist_provider_normalize_domain (domain, TRUE);
  if (normalized == NULL || port == 0)
    return NULL;
  if (g_hostname_is_ip_address (host))
    normalized_host = g_strdup (host);
  else
    normalized_host = enlist_provider_normalize_domain (host, TRUE);
  if (normalized_host == NULL)
    return NULL;

  self = g_object_new (ENLIST_TYPE_PROVIDER, NULL);
  self->domain = g_steal_pointer (&normalized);
  self->countries = g_new0 (char *, 1);
  self->in_band_registration = TRUE;
  self->host = g_steal_pointer (&normalized_host);
  self->port = port;
  self->direct_tls = direct_tls;
  self->label = g_strdup (label);
  return self;
}

static void
enlist_provider_finalize (GObject *object)
{
  EnlistProvider *self = ENLIST_PROVIDER (object);

  g_free (self->domain);
  g_free (self->website);
  g_strfreev (self->countries);
  g_free (self->registration_web_page);
  g_free (self->password_reset);
  g_free (self->since);
  g_free (self->host);
  g_free (self->label);

  G_OBJECT_CLASS (enlist_provider_parent_class)->finalize (object);
}

static void
enlist_provider_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  EnlistProvider *self = ENLIST_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      g_value_set_string (value, self->domain);
      break;
    case PROP_WEBSITE:
      g_value_set_string (value, self->website);
      break;
    case PROP_COUNTRIES:
      g_value_set_boxed (value, self->countries);
      break;
    case PROP_IN_BAND_REGISTRATION:
      g_value_set_boolean (value, self->in_band_registration);
      break;
    case PROP_REGISTRATION_WEB_PAGE:
      g_value_set_string (value, self->registration_web_page);
      break;
    case PROP_WEB_ONLY:
      g_value_set_boolean (value, enlist_provider_get_web_only (self));
      break;
    case PROP_PASSWORD_RESET:
      g_value_set_string (value, self->password_reset);
      break;
    case PROP_NEEDS_CAPTCHA:
      g_value_set_boolean (value, self->needs_captcha);
      break;
    case PROP_NEEDS_EMAIL:
      g_value_set_boolean (value, self->needs_email);
      break;
    case PROP_NEEDS_INVITATION:
      g_value_set_boolean (value, self->needs_invitation);
      break;
    case PROP_SINCE:
      g_value_set_string (value, self->since);
      break;
    case PROP_IS_DEMO:
      g_value_set_boolean (value, self->host != NULL);
      break;
    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_DIRECT_TLS:
      g_value_set_boolean (value, self->direct_tls);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_provider_class_init (EnlistProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = enlist_provider_finalize;
  object_class->get_property = enlist_provider_get_property;

  properties[PROP_DOMAIN] = g_param_spec_string ("domain", NULL, NULL, NULL, flags);
  properties[PROP_WEBSITE] = g_param_spec_string ("website", NULL, NULL, NULL, flags);
  properties[PROP_COUNTRIES] = g_param_spec_boxed ("countries", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_IN_BAND_REGISTRATION] =
    g_param_spec_boolean ("in-band-registration", NULL, NULL, FALSE, flags);
  properties[PROP_REGISTRATION_WEB_PAGE] =
    g_param_spec_string ("registration-web-page", NULL, NULL, NULL, flags);
  properties[PROP_WEB_ONLY] = g_param_spec_boolean ("web-only", NULL, NULL, FALSE, flags);
  properties[PROP_PASSWORD_RESET] =
    g_param_spec_string ("password-reset", NULL, NULL, NULL, flags);
  properties[PROP_NEEDS_CAPTCHA] = g_param_spec_boolean ("needs-captcha", NULL, NULL, FALSE, flags);
  properties[PROP_NEEDS_EMAIL] = g_param_spec_boolean ("needs-email", NULL, NULL, FALSE, flags);
  properties[PROP_NEEDS_INVITATION] =
    g_param_spec_boolean ("needs-invitation", NULL, NULL, FALSE, flags);
  properties[PROP_SINCE] = g_param_spec_string ("since", NULL, NULL, NULL, flags);
  properties[PROP_IS_DEMO] = g_param_spec_boolean ("is-demo", NULL, NULL, FALSE, flags);
  properties[PROP_HOST] = g_param_spec_string ("host", NULL, NULL, NULL, flags);
  properties[PROP_PORT] = g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0, flags);
  properties[PROP_DIRECT_TLS] = g_param_spec_boolean ("direct-tls", NULL, NULL, FALSE, flags);
  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
enlist_provider_init (EnlistProvider *self)
{
}

const char *
enlist_provider_get_domain (EnlistProvider *self)
{
  g_return_val_if_fail (ENLIST_IS_PROVIDER (self), NULL);
  return self->domain;
}

const char *
enlist_provider_get_website (EnlistProvider *self)
{
  g_return_val_if_fail (ENLIST_IS_PROVIDER (self), NULL);
  return self->website;
}

const char * const *
enlist_provider_get_countries (EnlistProvider *self)
{
  g_return_val_if_fail (ENLIST_IS_PROVIDER (self), NULL);
  return (const char * const *) self->countries;
}

gboolean
enlist_provider_get_in_band_registration (EnlistProvider *self)
{
  g_return_val_if_fail (ENLIST_IS_PROVIDER (self), FALSE);
  return self->in_band_registration;
}

const char *
enlist_provider_get_registration_web_page (EnlistProvider *self)
{
  g_return_val_if_fail (ENLIST_IS_PROVIDER (self), NULL);
  return self->registration_web_page;
}

gboolean
enlist_provider_get_web_only (EnlistProvider *self)
{
  g_return_val_if_fail (ENLIST_IS_PROVIDER (self), FALSE);
  return !self->in_band_registration && self->registration_web_page != NULL;
}

const char *
enlist_provider_get_password_reset (EnlistProvider *self)
{
  g_return_val_if_fail (ENLIST_IS_PROVIDER (self), NULL);
  return self->password_reset;
}

gboolean
enlist_provider_get_needs_captcha (EnlistProvider *self)
{
  g_return_val_if_fail (ENLIST_IS_PROVIDER (self), FALSE);
  return self->needs_captcha;
}

gboolean
enlist_provider_get_needs_email (EnlistProvider *self)
{
  g_return_val_if_fail (ENLIST_IS_PROVIDER (self), FALSE);
  return self->needs_email;
}

gboolean
enlist_provider_get_needs_invitation (EnlistProvider *self)
{
  g_return_val_if_fail (ENLIST_IS_PROVIDER (self), FALSE);
  return self->needs_invitation;
}

const char *
enlist_provider_get_since (EnlistProvider *self)
{
  g_return_val_if_fail (ENLIST_IS_PROVIDER (self), NULL);
  return self->since;
}

gboolean
enlist_provider_get_is_demo (EnlistProvider *self)
{
  g_return_val_if_fail (ENLIST_IS_PROVIDER (self), FALSE);
  return self->host != NULL;
}

const char *
enlist_provider_get_host (EnlistProvider *self)
{
  g_return_val_if_fail (ENLIST_IS_PROVIDER (self), NULL);
  return self->host;
}

guint16
enlist_provider_get_port (EnlistProvider *self)
{
  g_return_val_if_fail (ENLIST_IS_PROVIDER (self), 0);
  return self->port;
}

gboolean
enlist_provider_get_direct_tls (EnlistProvider *self)
{
  g_return_val_if_fail (ENLIST_IS_PROVIDER (self), FALSE);
  return self->direct_tls;
}

const char *
enlist_provider_get_label (EnlistProvider *self)
{
  g_return_val_if_fail (ENLIST_IS_PROVIDER (self), NULL);
  return self->label;
}
