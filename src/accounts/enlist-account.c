/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-account.c: one account Enlist keeps, as front ends see it: its
 * facts and where it stands, read-only. EnlistAccountManager changes it
 * through enlist-account-private.h. */
#define G_LOG_DOMAIN "enlist-account"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "enlist-account-private.h"

struct _EnlistAccount
{
  GObject             parent_instance;

  char               *address;
  char               *domain;
  char               *host;
  guint16             port;
  gboolean            direct_tls;
  GDateTime          *created;
  EnlistAccountState  state;
  gboolean            resolving;
};

G_DEFINE_FINAL_TYPE (EnlistAccount, enlist_account, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ADDRESS,
  PROP_DOMAIN,
  PROP_HOST,
  PROP_PORT,
  PROP_DIRECT_TLS,
  PROP_CREATED,
  PROP_STATE,
  PROP_RESOLVING,
  PROP_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
enlist_account_get_address (EnlistAccount *self)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT (self), NULL);

  return self->address;
}

const char *
enlist_account_get_domain (EnlistAccount *self)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT (self), NULL);

  return self->domain;
}

const char *
enlist_account_get_host (EnlistAccount *self)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT (self), NULL);

  return self->host;
}

guint16
enlist_account_get_port (EnlistAccount *self)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT (self), 0);

  return self->port;
}

gboolean
enlist_account_get_direct_tls (EnlistAccount *self)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT (self), FALSE);

  return self->direct_tls;
}

GDateTime *
enlist_account_get_created (EnlistAccount *self)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT (self), NULL);

  return self->created;
}

EnlistAccountState
enlist_account_get_state (EnlistAccount *self)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT (self), ENLIST_ACCOUNT_STATE_READY);

  return self->state;
}

gboolean
enlist_account_get_resolving (EnlistAccount *self)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT (self), FALSE);

  return self->resolving;
}

const char *
enlist_account_get_status (EnlistAccount *self)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT (self), NULL);

  switch (self->state)
    {
    case ENLIST_ACCOUNT_STATE_PASSWORD_NOT_SAVED:
      return _("The password is not saved on this computer");

    case ENLIST_ACCOUNT_STATE_REGISTRATION_PENDING:
      if (self->resolving)
        return _("Checking whether the registration went through…");
      return _("Whether the registration went through is not known yet");

    case ENLIST_ACCOUNT_STATE_PASSWORD_CHANGE_PENDING:
      if (self->resolving)
        return _("Checking whether the password change went through…");
      return _("Whether the password change went through is not known yet; "
               "both passwords are kept");

    case ENLIST_ACCOUNT_STATE_DELETION_PENDING:
      if (self->resolving)
        return _("Checking whether the account was deleted…");
      return _("Whether the account was deleted is not known yet");

    case ENLIST_ACCOUNT_STATE_READY:
    default:
      return NULL;
    }
}

char *
enlist_account_dup_username (EnlistAccount *self)
{
  const char *at;

  g_return_val_if_fail (ENLIST_IS_ACCOUNT (self), NULL);

  /* Neither the local part nor the domain of a JID may hold an '@'. */
  at = strchr (self->address, '@');
  return at != NULL ? g_strndup (self->address, at - self->address) : NULL;
}

char *
enlist_account_address_domain (const char *address)
{
  const char *at = strchr (address, '@');

  return g_strdup (at != NULL ? at + 1 : address);
}

/* Private */

EnlistAccount *
enlist_account_new_from_record (const EnlistAccountRecord *record)
{
  EnlistAccount *self;

  g_return_val_if_fail (record != NULL, NULL);

  self = g_object_new (ENLIST_TYPE_ACCOUNT, NULL);
  self->address = g_strdup (record->address);
  self->domain = g_strdup (record->domain);
  self->host = g_strdup (record->host);
  self->port = record->host != NULL ? record->port : 0;
  self->direct_tls = record->host != NULL && record->direct_tls;
  self->created = record->created != NULL ? g_date_time_ref (record->created) : NULL;
  self->state = record->state;

  return self;
}

EnlistAccountRecord *
enlist_account_to_record (EnlistAccount *self)
{
  EnlistAccountRecord *record;

  g_return_val_if_fail (ENLIST_IS_ACCOUNT (self), NULL);

  record = enlist_account_record_new (self->address, self->domain);
  record->host = g_strdup (self->host);
  record->port = self->port;
  record->direct_tls = self->direct_tls;
  record->created = self->created != NULL ? g_date_time_ref (self->created) : NULL;
  record->state = self->state;

  return record;
}

void
enlist_account_set_address (EnlistAccount *self,
                            const char    *address)
{
  g_return_if_fail (ENLIST_IS_ACCOUNT (self));
  g_return_if_fail (address != NULL);

  if (g_strcmp0 (self->address, address) == 0)
    return;

  g_free (self->address);
  self->address = g_strdup (address);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADDRESS]);
}

void
enlist_account_set_state (EnlistAccount      *self,
                          EnlistAccountState  state)
{
  g_return_if_fail (ENLIST_IS_ACCOUNT (self));

  if (self->state == state)
    return;

  self->state = state;
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
enlist_account_set_resolving (EnlistAccount *self,
                              gboolean       resolving)
{
  g_return_if_fail (ENLIST_IS_ACCOUNT (self));

  resolving = !!resolving;
  if (self->resolving == resolving)
    return;

  self->resolving = resolving;
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESOLVING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  g_object_thaw_notify (G_OBJECT (self));
}

/* GObject */

static void
enlist_account_finalize (GObject *object)
{
  EnlistAccount *self = ENLIST_ACCOUNT (object);

  g_free (self->address);
  g_free (self->domain);
  g_free (self->host);
  g_clear_pointer (&self->created, g_date_time_unref);

  G_OBJECT_CLASS (enlist_account_parent_class)->finalize (object);
}

static void
enlist_account_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  EnlistAccount *self = ENLIST_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;

    case PROP_DOMAIN:
      g_value_set_string (value, self->domain);
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

    case PROP_CREATED:
      g_value_set_boxed (value, self->created);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_RESOLVING:
      g_value_set_boolean (value, self->resolving);
      break;

    case PROP_STATUS:
      g_value_set_string (value, enlist_account_get_status (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_account_class_init (EnlistAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = enlist_account_finalize;
  object_class->get_property = enlist_account_get_property;

  properties[PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, NULL, flags);
  properties[PROP_DOMAIN] = g_param_spec_string ("domain", NULL, NULL, NULL, flags);
  properties[PROP_HOST] = g_param_spec_string ("host", NULL, NULL, NULL, flags);
  properties[PROP_PORT] = g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0, flags);
  properties[PROP_DIRECT_TLS] = g_param_spec_boolean ("direct-tls", NULL, NULL, FALSE, flags);
  properties[PROP_CREATED] = g_param_spec_boxed ("created", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, ENLIST_TYPE_ACCOUNT_STATE,
                                              ENLIST_ACCOUNT_STATE_READY, flags);
  properties[PROP_RESOLVING] = g_param_spec_boolean ("resolving", NULL, NULL, FALSE, flags);
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
enlist_account_init (EnlistAccount *self)
{
  self->state = ENLIST_ACCOUNT_STATE_READY;
}
