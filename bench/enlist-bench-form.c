/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-bench-form.c: how long EnlistFormView takes to appear for forms of
 * 10 to 2,000 fields. Each form is read from XML by the real stream reader
 * with the connection's default limits (so it must fit in a stanza), then
 * built into a view many times in one process, in a window the size of the
 * sign-up assistant, until the window's frame clock says the view was laid
 * out and drawn once ("after-paint"). Per build it records:
 *
 *   build     enlist_form_view_new () and putting the view in the window
 *             (creating, realizing and mapping the widgets it built at
 *             once: all of them, or the first slice of a large form);
 *   frame     the frame that follows, from "before-paint" to "after-paint"
 *             (style, measuring and allocating the rows, snapshot, render);
 *   work      build + frame: the main loop's busy time until the form
 *             first appears;
 *   latency   from the start until that frame's "after-paint", including
 *             the wait for the frame clock's next frame;
 *   complete  from the start until the "after-paint" of the first frame
 *             after the view built its last row (the view's "complete"
 *             property; a view without it is complete at once);
 *   stall     the longest time the main loop did not answer until then,
 *             seen by a G_PRIORITY_HIGH timeout due every millisecond;
 *   cpu       the process's CPU time from the start until complete;
 *   destroy   taking the view out of the window (destroying it).
 *
 * Prints one JSON object per line: versions first, then one per form. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <adwaita.h>

#include "enlist-application.h"
#include "enlist-data-form-private.h"
#include "enlist-form-view.h"
#include "enlist-ns.h"
#include "enlist-xml-reader.h"

static const char STREAM_HEADER[] =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
  "xmlns:stream='http://etherx.jabber.org/streams' from='localhost' id='s1' "
  "version='1.0' xml:lang='en'>";

/* The mix of tests/test-form-view.c's large form: a tenth of each type. */
static const char * const MIXED_TYPES[] = {
  "text-single", "text-private", "boolean", "jid-single", "fixed",
  "text-multi", "list-single", "list-multi", "hidden", "jid-multi",
};

static double
now_ms (clockid_t clock)
{
  struct timespec ts;

  clock_gettime (clock, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- forms -------------------------------------------------------------- */

static char *
form_xml (const char *mix,
          guint       n_fields)
{
  GString *xml = g_string_new ("<iq type='result' id='r1'><query xmlns='jabber:iq:register'>"
                               "<x xmlns='jabber:x:data' type='form'><title>Bench</title>"
                               "<instructions>Fill in the form.</instructions>");

  for (guint i = 0; i < n_fields; i++)
    {
      const char *type = g_str_equal (mix, "mixed")
                           ? MIXED_TYPES[i % G_N_ELEMENTS (MIXED_TYPES)] : "text-single";

      if (g_str_equal (type, "fixed"))
        {
          g_string_append_printf (xml, "<field type='fixed'><value>Section %u</value></field>", i);
          continue;
        }
      g_string_append_printf (xml, "<field type='%s' var='f%u' label='Field %u'>", type, i, i);
      if (g_str_equal (type, "text-single"))
        g_string_append (xml, "<required/>");
      else if (g_str_has_prefix (type, "list-"))
        g_string_append (xml, "<option label='One'><value>1</value></option>"
                              "<option label='Two'><value>2</value></option>"
                              "<option label='Three'><value>3</value></option>");
      else if (g_str_equal (type, "hidden"))
        g_string_append_printf (xml, "<value>kept %u</value>", i);
      if (g_str_equal (mix, "text") && i % 5 == 0)
        g_string_append_printf (xml, "<desc>What field %u is for.</desc>", i);
      g_string_append (xml, "</field>");
    }
  g_string_append (xml, "</x></query></iq>");
  return g_string_free (xml, FALSE);
}

static void
collect_stanza (gpointer       user_data,
                EnlistXmlNode *stanza)
{
  *(EnlistXmlNode **) user_data = stanza;
}

static const EnlistXmlReaderCallbacks collect_callbacks = { NULL, collect_stanza, NULL };

/* With the limits a connection has by default. */
static EnlistDataForm *
parse_form (const char *xml,
            double     *parse_ms)
{
  g_autoptr(EnlistXmlReader) reader = NULL;
  g_autoptr(EnlistXmlNode) stanza = NULL;
  g_autoptr(GError) error = NULL;
  EnlistXmlLimits limits;
  EnlistDataForm *form;
  double start = now_ms (CLOCK_MONOTONIC);

  enlist_xml_limits_init_default (&limits);
  reader = enlist_xml_reader_new (&limits, &collect_callbacks, &stanza);
  if (!enlist_xml_reader_feed (reader, STREAM_HEADER, strlen (STREAM_HEADER), &error) ||
      !enlist_xml_reader_feed (reader, xml, strlen (xml), &error))
    g_error ("the form does not parse: %s", error->message);
  if (stanza == NULL)
    g_error ("the form is not a whole stanza");
  form = enlist_data_form_new_from_register_query (
    enlist_xml_node_get_child (stanza, "query", ENLIST_NS_REGISTER), &error);
  if (form == NULL)
    g_error ("the model refuses the form: %s", error->message);
  *parse_ms = now_ms (CLOCK_MONOTONIC) - start;
  return form;
}

/* ---- frames ------------------------------------------------------------- */

typedef struct
{
  double before_paint;
  double after_paint;
  double cpu_after_paint;
  gboolean painted;
} Frame;

static void
before_paint_cb (GdkFrameClock *clock,
                 Frame         *frame)
{
  if (frame->before_paint < 0)
    frame->before_paint = now_ms (CLOCK_MONOTONIC);
}

static void
after_paint_cb (GdkFrameClock *clock,
                Frame         *frame)
{
  if (frame->painted)
    return;
  frame->after_paint = now_ms (CLOCK_MONOTONIC);
  frame->cpu_after_paint = now_ms (CLOCK_PROCESS_CPUTIME_ID);
  frame->painted = TRUE;
}

static void
frame_begin (Frame *frame)
{
  frame->before_paint = -1;
  frame->painted = FALSE;
}

static void
frame_wait (GtkWidget *window,
            Frame     *frame,
            gboolean   drain)
{
  double deadline = now_ms (CLOCK_MONOTONIC) + 60000;

  while (!frame->painted)
    {
      if (now_ms (CLOCK_MONOTONIC) > deadline)
        g_error ("no frame was drawn within a minute");
      g_main_context_iteration (NULL, TRUE);
    }
  /* whatever the frame left for idle time (e.g. finalizing) */
  while (drain && g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

/* ---- responsiveness ----------------------------------------------------- */

typedef struct
{
  double last;
  double longest;
} Probe;

static gboolean
probe_cb (gpointer user_data)
{
  Probe *probe = user_data;
  double t = now_ms (CLOCK_MONOTONIC);

  if (t - probe->last > probe->longest)
    probe->longest = t - probe->last;
  probe->last = t;
  return G_SOURCE_CONTINUE;
}

static gboolean
view_is_complete (GtkWidget *view)
{
  gboolean complete = TRUE;

  /* the view before it built large forms a slice at a time had no such
   * property: it was complete at once */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (view), "complete") != NULL)
    g_object_get (view, "complete", &complete, NULL);
  return complete;
}

/* ---- one build ---------------------------------------------------------- */

typedef struct
{
  double build, frame, work, latency, complete, stall, cpu, destroy;
} Sample;

static Sample
build_once (GtkWidget      *window,
            Frame          *frame,
            EnlistDataForm *form)
{
  Sample s;
  double start, cpu_start, built, destroy_start;
  GtkWidget *view;
  Probe probe;
  guint probe_source;

  frame_begin (frame);
  cpu_start = now_ms (CLOCK_PROCESS_CPUTIME_ID);
  start = now_ms (CLOCK_MONOTONIC);
  probe.last = start;
  probe.longest = 0;
  probe_source = g_timeout_add_full (G_PRIORITY_HIGH, 1, probe_cb, &probe, NULL);
  view = enlist_form_view_new (form);
  gtk_window_set_child (GTK_WINDOW (window), view);
  built = now_ms (CLOCK_MONOTONIC);
  /* the frame clock runs the next frame from the main loop */
  frame_wait (window, frame, FALSE);
  if (frame->before_paint < built)
    g_error ("the frame began before the view was in the window");

  s.build = built - start;
  s.frame = frame->after_paint - frame->before_paint;
  s.work = s.build + s.frame;
  s.latency = frame->after_paint - start;

  if (!view_is_complete (view))
    {
      double deadline = now_ms (CLOCK_MONOTONIC) + 60000;

      /* one iteration at a time: the frame that shows the last rows has
       * not run yet when the view says it is complete */
      while (!view_is_complete (view))
        {
          if (now_ms (CLOCK_MONOTONIC) > deadline)
            g_error ("the view was not complete within a minute");
          g_main_context_iteration (NULL, TRUE);
        }
      frame_begin (frame);
      frame_wait (window, frame, FALSE);
    }
  s.complete = frame->after_paint - start;
  s.cpu = frame->cpu_after_paint - cpu_start;
  probe_cb (&probe);
  s.stall = probe.longest;
  g_source_remove (probe_source);

  destroy_start = now_ms (CLOCK_MONOTONIC);
  gtk_window_set_child (GTK_WINDOW (window), NULL);
  s.destroy = now_ms (CLOCK_MONOTONIC) - destroy_start;

  /* the empty window drawn again, so that every build starts alike */
  frame_begin (frame);
  gtk_widget_queue_draw (window);
  frame_wait (window, frame, TRUE);
  return s;
}

static void
print_array (const char *name,
             GArray     *samples,
             gsize       offset)
{
  g_print (", \"%s\": [", name);
  for (guint i = 0; i < samples->len; i++)
    {
      const Sample *s = &g_array_index (samples, Sample, i);

      g_print ("%s%.3f", i > 0 ? ", " : "", *(const double *) ((const char *) s + offset));
    }
  g_print ("]");
}

static void
bench_form (GtkWidget  *window,
            Frame      *frame,
            const char *mix,
            guint       n_fields,
            guint       runs,
            guint       warmup)
{
  g_autofree char *xml = form_xml (mix, n_fields);
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (Sample));
  double parse_ms;
  Sample first = { 0 };

  form = parse_form (xml, &parse_ms);
  for (guint i = 0; i < warmup + runs; i++)
    {
      Sample s = build_once (window, frame, form);

      if (i == 0)
        first = s;
      if (i >= warmup)
        g_array_append_val (samples, s);
    }

  g_print ("{\"mix\": \"%s\", \"fields\": %u, \"model_fields\": %u, \"xml_bytes\": %zu, "
           "\"parse_ms\": %.3f, \"warmup\": %u, \"first_work_ms\": %.3f",
           mix, n_fields, enlist_data_form_get_n_fields (form), strlen (xml), parse_ms, warmup,
           first.work);
  print_array ("build_ms", samples, G_STRUCT_OFFSET (Sample, build));
  print_array ("frame_ms", samples, G_STRUCT_OFFSET (Sample, frame));
  print_array ("work_ms", samples, G_STRUCT_OFFSET (Sample, work));
  print_array ("latency_ms", samples, G_STRUCT_OFFSET (Sample, latency));
  print_array ("complete_ms", samples, G_STRUCT_OFFSET (Sample, complete));
  print_array ("stall_ms", samples, G_STRUCT_OFFSET (Sample, stall));
  print_array ("cpu_ms", samples, G_STRUCT_OFFSET (Sample, cpu));
  print_array ("destroy_ms", samples, G_STRUCT_OFFSET (Sample, destroy));
  g_print ("}\n");
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *sizes_arg = NULL;
  g_autofree char *mixes_arg = NULL;
  g_auto(GStrv) sizes = NULL;
  g_auto(GStrv) mixes = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkCssProvider) css = NULL;
  int runs = 11, warmup = 2;
  const GOptionEntry entries[] = {
    { "sizes", 0, 0, G_OPTION_ARG_STRING, &sizes_arg, "Numbers of fields", "10,100,1000,2000" },
    { "mixes", 0, 0, G_OPTION_ARG_STRING, &mixes_arg, "Field mixes", "mixed,text" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Measured builds per form", "11" },
    { "warmup", 0, 0, G_OPTION_ARG_INT, &warmup, "Builds before measuring", "2" },
    { NULL }
  };
  GtkWidget *window;
  Frame frame = { 0 };
  GdkFrameClock *clock;

  context = g_option_context_new ("- time the form view");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (runs < 1 || warmup < 0)
    {
      g_printerr ("--runs must be at least 1 and --warmup not negative\n");
      return 2;
    }
  sizes = g_strsplit (sizes_arg != NULL ? sizes_arg : "10,100,1000,2000", ",", -1);
  mixes = g_strsplit (mixes_arg != NULL ? mixes_arg : "mixed,text", ",", -1);
  for (guint i = 0; mixes[i] != NULL; i++)
    if (!g_str_equal (mixes[i], "mixed") && !g_str_equal (mixes[i], "text"))
      {
        g_printerr ("unknown mix %s (mixed, text)\n", mixes[i]);
        return 2;
      }

  gtk_init ();
  adw_init ();
  enlist_application_register_resources ();
  /* what AdwApplication does for the app from its resource base path */
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/io/github/enlist/Enlist/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  g_print ("{\"glib\": \"%u.%u.%u\", \"gtk\": \"%u.%u.%u\", \"adw\": \"%u.%u.%u\", "
           "\"renderer\": \"%s\", \"backend\": \"%s\"}\n",
           glib_major_version, glib_minor_version, glib_micro_version,
           gtk_get_major_version (), gtk_get_minor_version (), gtk_get_micro_version (),
           adw_get_major_version (), adw_get_minor_version (), adw_get_micro_version (),
           g_getenv ("GSK_RENDERER") ?: "default",
           G_OBJECT_TYPE_NAME (gdk_display_get_default ()));

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 560, 720);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (window))
    g_main_context_iteration (NULL, TRUE);
  clock = gtk_widget_get_frame_clock (window);
  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), &frame);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &frame);
  frame_begin (&frame);
  gtk_widget_queue_draw (window);
  frame_wait (window, &frame, TRUE);

  for (guint m = 0; mixes[m] != NULL; m++)
    for (guint i = 0; sizes[i] != NULL; i++)
      {
        guint64 n;

        if (!g_ascii_string_to_unsigned (sizes[i], 10, 1, ENLIST_DATA_FORM_MAX_FIELDS, &n, &error))
          {
            g_printerr ("--sizes: %s\n", error->message);
            return 2;
          }
        bench_form (window, &frame, mixes[m], (guint) n, (guint) runs, (guint) warmup);
      }

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
