/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-account-row.c: an account in the main window's list; follows the
 * account's notifications, so a pending account says where it stands and
 * then what was found out. */
#define G_LOG_DOMAIN "enlist-account-row"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "enlist-account-row.h"
#include "enlist-window.h"

struct _EnlistAccountRow
{
  AdwActionRow   parent_instance;

  GtkSpinner    *spinner;
  GtkWidget     *menu_button;

  EnlistAccount *account;
  char          *busy_status;
};

G_DEFINE_FINAL_TYPE (EnlistAccountRow, enlist_account_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

char *
enlist_account_row_dup_location (EnlistAccount *account)
{
  const char *host;

  g_return_val_if_fail (ENLIST_IS_ACCOUNT (account), NULL);

  host = enlist_account_get_host (account);
  if (host == NULL)
    return g_strdup (enlist_account_get_domain (account));
  /* an IPv6 address is bracketed, as in a URI, so the port stands apart */
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", host, enlist_account_get_port (account));
  return g_strdup_printf ("%s:%u", host, enlist_account_get_port (account));
}

static void
update (EnlistAccountRow *self)
{
  const char *status = enlist_account_get_status (self->account);
  gboolean resolving = enlist_account_get_resolving (self->account);
  gboolean busy = self->busy_status != NULL;
  g_autofree char *location = NULL;

  if (busy)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self), self->busy_status);
  else if (status != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self), status);
  else
    {
      location = enlist_account_row_dup_location (self->account);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self), location);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy || resolving);
  gtk_spinner_set_spinning (self->spinner, busy || resolving);

  /* Nothing is started on an account the manager is working on. Forget
   * and Copy stay: they do not touch the server. */
  gtk_widget_set_sensitive (self->menu_button, !busy);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "account.change-password",
                                 !busy && !resolving);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "account.delete", !busy && !resolving);
}

void
enlist_account_row_set_busy (EnlistAccountRow *self,
                             const char       *status)
{
  g_return_if_fail (ENLIST_IS_ACCOUNT_ROW (self));

  g_free (self->busy_status);
  self->busy_status = g_strdup (status);
  update (self);
}

EnlistAccount *
enlist_account_row_get_account (EnlistAccountRow *self)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT_ROW (self), NULL);
  return self->account;
}

/* ---- the menu ----------------------------------------------------------- */

static EnlistWindow *
get_window (EnlistAccountRow *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return ENLIST_IS_WINDOW (root) ? ENLIST_WINDOW (root) : NULL;
}

static void
change_password_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  EnlistAccountRow *self = ENLIST_ACCOUNT_ROW (widget);
  EnlistWindow *window = get_window (self);

  g_return_if_fail (window != NULL);
  enlist_window_open_account (window, self->account, TRUE);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  EnlistAccountRow *self = ENLIST_ACCOUNT_ROW (widget);
  EnlistWindow *window = get_window (self);

  g_return_if_fail (window != NULL);
  enlist_window_delete_account (window, self->account);
}

static void
forget_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  EnlistAccountRow *self = ENLIST_ACCOUNT_ROW (widget);
  EnlistWindow *window = get_window (self);

  g_return_if_fail (window != NULL);
  enlist_window_forget_account (window, self->account);
}

static void
copy_address_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  EnlistAccountRow *self = ENLIST_ACCOUNT_ROW (widget);
  EnlistWindow *window = get_window (self);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget),
                          enlist_account_get_address (self->account));
  if (window != NULL)
    enlist_window_add_toast (window, _("Address copied"));
}

/* ---- GObject ------------------------------------------------------------ */

static void
enlist_account_row_constructed (GObject *object)
{
  EnlistAccountRow *self = ENLIST_ACCOUNT_ROW (object);

  G_OBJECT_CLASS (enlist_account_row_parent_class)->constructed (object);

  g_return_if_fail (self->account != NULL);
  g_object_bind_property (self->account, "address", self, "title", G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->account, "notify::status", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->account, "notify::resolving", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->account, "notify::host", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->account, "notify::port", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  update (self);
}

static void
enlist_account_row_dispose (GObject *object)
{
  EnlistAccountRow *self = ENLIST_ACCOUNT_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), ENLIST_TYPE_ACCOUNT_ROW);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (enlist_account_row_parent_class)->dispose (object);
}

static void
enlist_account_row_finalize (GObject *object)
{
  EnlistAccountRow *self = ENLIST_ACCOUNT_ROW (object);

  g_free (self->busy_status);

  G_OBJECT_CLASS (enlist_account_row_parent_class)->finalize (object);
}

static void
enlist_account_row_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  EnlistAccountRow *self = ENLIST_ACCOUNT_ROW (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_account_row_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  EnlistAccountRow *self = ENLIST_ACCOUNT_ROW (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      self->account = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_account_row_class_init (EnlistAccountRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = enlist_account_row_constructed;
  object_class->dispose = enlist_account_row_dispose;
  object_class->finalize = enlist_account_row_finalize;
  object_class->get_property = enlist_account_row_get_property;
  object_class->set_property = enlist_account_row_set_property;

  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL, ENLIST_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/enlist/Enlist/ui/enlist-account-row.ui");
  gtk_widget_class_bind_template_child (widget_class, EnlistAccountRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, EnlistAccountRow, menu_button);

  gtk_widget_class_install_action (widget_class, "account.change-password", NULL,
                                   change_password_action);
  gtk_widget_class_install_action (widget_class, "account.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "account.forget", NULL, forget_action);
  gtk_widget_class_install_action (widget_class, "account.copy-address", NULL,
                                   copy_address_action);
}

static void
enlist_account_row_init (EnlistAccountRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
enlist_account_row_new (EnlistAccount *account)
{
  g_return_val_if_fail (ENLIST_IS_ACCOUNT (account), NULL);

  return g_object_new (ENLIST_TYPE_ACCOUNT_ROW, "account", account, NULL);
}
