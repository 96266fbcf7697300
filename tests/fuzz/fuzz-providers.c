/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-providers.c: a libFuzzer target for the providers list parser: the
 * input is an XMPP Providers JSON document as the refresh downloads it
 * (the bundled list is one), read with a fixed language preference; every
 * provider it keeps is read back through its accessors. */
#define G_LOG_DOMAIN "fuzz-providers"

#include "config.h"

#include "enlist-provider.h"
#include "enlist-provider-list.h"
#include "enlist-provider-parser.h"
#include "fuzz-util.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char * const languages[] = { "de_DE.UTF-8", "de", "C", NULL };
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GPtrArray) providers = NULL;
  g_autoptr(GError) error = NULL;
  guint32 newest = 0;

  providers = enlist_provider_parse (bytes, languages, &newest, &error);
  if (providers == NULL)
    {
      g_assert (error != NULL && error->message != NULL);
      return 0;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (providers->len, <=, ENLIST_PROVIDER_LIST_MAX_PROVIDERS);

  for (guint i = 0; i < providers->len; i++)
    {
      EnlistProvider *provider = g_ptr_array_index (providers, i);
      const char *domain = enlist_provider_get_domain (provider);

      g_assert (domain != NULL && domain[0] != '\0');
      g_assert (g_utf8_validate (domain, -1, NULL));
      enlist_provider_get_website (provider);
      g_assert (enlist_provider_get_countries (provider) != NULL);
      /* something to register with: in-band or a web page */
      g_assert (enlist_provider_get_in_band_registration (provider) ||
                enlist_provider_get_registration_web_page (provider) != NULL);
      enlist_provider_get_web_only (provider);
      enlist_provider_get_password_reset (provider);
      enlist_provider_get_needs_captcha (provider);
      enlist_provider_get_needs_email (provider);
      enlist_provider_get_needs_invitation (provider);
      enlist_provider_get_since (provider);
      g_assert (!enlist_provider_get_is_demo (provider));
      enlist_provider_get_port (provider);
      enlist_provider_get_direct_tls (provider);
      g_assert (enlist_provider_get_host (provider) == NULL);
      g_assert (enlist_provider_get_label (provider) == NULL);
    }
  return 0;
}
