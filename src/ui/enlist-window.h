/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-window.h: the main window: the accounts Enlist keeps. */
#pragma once

#include <adwaita.h>

#include "enlist-application.h"

G_BEGIN_DECLS

#define ENLIST_TYPE_WINDOW (enlist_window_get_type ())
G_DECLARE_FINAL_TYPE (EnlistWindow, enlist_window, ENLIST, WINDOW, AdwApplicationWindow)

EnlistWindow *enlist_window_new (EnlistApplication *application);

G_END_DECLS
