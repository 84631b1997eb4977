/* bench-canvas — how fast does the image canvas draw, and show a big image?
 *
 * Frames are drawn offscreen into a 1280 × 800 ARGB32 cairo image surface
 * through calque_image_source_draw() and calque_shape_layer_draw(), the
 * very calls the canvas widget makes:
 *
 * - 5,000 polygons of 20 vertices, ten labels, spread over a 4,000 × 3,000
 *   JPEG, at three zooms (fit, 1:1, 4×), 100 frames each: milliseconds per
 *   frame, p50 and p95; goals p95 < 33 ms at fit and < 16 ms zoomed in (a
 *   frame at 30 and 60 Hz). Four kinds of frames, as the shape layer's
 *   render cache sees them: the view panned a few pixels every frame (the
 *   cache warm); a new scale every frame (the cache cold: every tile in
 *   view drawn); one shape in view, not selected, moved every frame (the
 *   tiles under it drawn again); the selected shape moved every frame, as
 *   in a drag (drawn live, no tile touched). And the pan with the cache
 *   off, every shape drawn every frame. And the same zoom with the
 *   layer's progressive draws, from the view drawn sharp: the first frame
 *   (the old tiles scaled, the new ones drawn off the frame), and the
 *   time from the zoom until a frame shows every tile of the new scale;
 * - time to first frame of a 12,000 × 9,000 JPEG: from the start of the
 *   load to the first frame drawn (the reduced preview); goal < 1 s.
 *
 * Next to them, baselines from the same run on the same machine: the same
 * frames with every polygon filled and stroked on its own, every vertex,
 * no culling (what a first canvas would do); a plain
 * gdk_pixbuf_new_from_file() of the 12,000 × 9,000 JPEG.
 *
 * The JPEGs are written to a temporary folder first, so both sides of each
 * comparison read them from the page cache. Prints figures, not pass/fail.
 *
 *   bench-canvas [--frames 100] [--polygons 5000]
 */
#define G_LOG_DOMAIN "bench-canvas"

#include <math.h>
#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>

#include "calque-image-source.h"
#include "calque-shape-layer.h"
#include "calque-test-util.h"

#define FRAME_WIDTH   1280
#define FRAME_HEIGHT  800
#define IMAGE_WIDTH   4000
#define IMAGE_HEIGHT  3000
#define BIG_WIDTH     12000
#define BIG_HEIGHT    9000
#define N_VERTICES    20
#define N_LABELS      10
#define FIT_MARGIN    20

static const guint32 label_colours[N_LABELS] = {
  0xe01b24ff, 0x2ec27eff, 0x3584e4ff, 0xf6d32dff, 0x9141acff,
  0xff7800ff, 0x1c71d8ff, 0x26a269ff, 0xc061cbff, 0x865e3cff,
};

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* ---- Pictures -------------------------------------------------------- */

/* A smooth gradient with some noise, as a photograph has: JPEG must work
 * on it about as hard as on a real picture (a flat image would decode
 * unrealistically fast). */
static void
write_jpeg (const char *path,
            int         width,
            int         height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  if (pixbuf == NULL)
    g_error ("cannot allocate a %dx%d pixbuf", width, height);
  for (int y = 0; y < height; y++)
    {
      guint8 *p = pixels + (gsize) y * stride;

      for (int x = 0; x < width; x++, p += 3)
        {
          int noise = (int) (g_rand_int (rand) & 31) - 16;
          int r = 255 * x / width + noise;
          int g = 255 * y / height + noise;
          int b = 128 + (int) (100 * sin (x / 97.0) * cos (y / 131.0)) + noise;

          p[0] = CLAMP (r, 0, 255);
          p[1] = CLAMP (g, 0, 255);
          p[2] = CLAMP (b, 0, 255);
        }
    }
  if (!gdk_pixbuf_save (pixbuf, path, "jpeg", &error, "quality", "90", NULL))
    g_error ("%s: %s", path, error->message);
}

static void
load_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  if (!calque_image_source_load_finish (CALQUE_IMAGE_SOURCE (object), result, &error))
    g_error ("%s", error->message);
  *done = TRUE;
}

static CalqueImageSource *
load_fully (const char *path)
{
  CalqueImageSource *source = calque_image_source_new (path);
  gboolean done = FALSE;

  calque_image_source_load_async (source, NULL, load_done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  return source;
}

/* ---- Shapes ---------------------------------------------------------- */

typedef struct {
  CalqueShape *shape;
  guint32      rgba;
} Polygon;

/* Star-ish polygons, 15 to 60 pixels across, as people outline objects. */
static GArray *
make_polygons (guint n)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  GArray *polygons = g_array_sized_new (FALSE, FALSE, sizeof (Polygon), n);

  for (guint i = 0; i < n; i++)
    {
      double coords[2 * N_VERTICES];
      double r = g_rand_double_range (rand, 15, 60);
      double cx = g_rand_double_range (rand, r * 1.3, IMAGE_WIDTH - r * 1.3);
      double cy = g_rand_double_range (rand, r * 1.3, IMAGE_HEIGHT - r * 1.3);
      Polygon polygon;

      for (int v = 0; v < N_VERTICES; v++)
        {
          double t = 2 * G_PI * v / N_VERTICES;
          double rv = r * g_rand_double_range (rand, 0.7, 1.3);

          coords[2 * v] = cx + rv * cos (t);
          coords[2 * v + 1] = cy + rv * sin (t);
        }
      polygon.shape = calque_shape_new_polygon (coords, N_VERTICES);
      polygon.rgba = label_colours[g_rand_int_range (rand, 0, N_LABELS)];
      g_array_append_val (polygons, polygon);
    }
  return polygons;
}

/* The baseline: each polygon on its own, every vertex, none skipped. */
static void
draw_naive (cairo_t              *cr,
            GArray               *polygons,
            const CalqueViewport *vp)
{
  cairo_save (cr);
  cairo_set_line_width (cr, 1.5);
  for (guint i = 0; i < polygons->len; i++)
    {
      const Polygon *polygon = &g_array_index (polygons, Polygon, i);
      const double *c = (const double *) polygon->shape->points->data;
      guint32 rgba = polygon->rgba;

      cairo_new_path (cr);
      for (guint v = 0; v < polygon->shape->points->len / 2; v++)
        cairo_line_to (cr, c[2 * v] * vp->scale + vp->offset_x, c[2 * v + 1] * vp->scale + vp->offset_y);
      cairo_close_path (cr);
      cairo_set_source_rgba (cr, (rgba >> 24) / 255.0, ((rgba >> 16) & 0xff) / 255.0,
                             ((rgba >> 8) & 0xff) / 255.0, 0.25);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, (rgba >> 24) / 255.0, ((rgba >> 16) & 0xff) / 255.0,
                            ((rgba >> 8) & 0xff) / 255.0);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

/* ---- Frames ---------------------------------------------------------- */

typedef enum {
  DRAW_FRAME,       /* image, then the layer: what the widget draws */
  DRAW_IMAGE_ONLY,
  DRAW_SHAPES_ONLY,
  DRAW_NAIVE,       /* image, then every polygon on its own */
} DrawKind;

typedef struct {
  double p50, p95;
} Figures;

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *sorted,
            double  p)
{
  guint index = (guint) ceil (p / 100 * sorted->len) - 1;

  return g_array_index (sorted, double, MIN (index, sorted->len - 1));
}

static void
draw_one (cairo_surface_t      *surface,
          DrawKind              kind,
          CalqueImageSource    *source,
          CalqueShapeLayer     *layer,
          GArray               *polygons,
          const CalqueViewport *vp)
{
  cairo_t *cr = cairo_create (surface);

  /* The canvas's background. */
  cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
  cairo_paint (cr);
  if (kind != DRAW_SHAPES_ONLY)
    calque_image_source_draw (source, cr, vp);
  if (kind == DRAW_FRAME || kind == DRAW_SHAPES_ONLY)
    calque_shape_layer_draw (layer, cr, vp);
  else if (kind == DRAW_NAIVE)
    draw_naive (cr, polygons, vp);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
}

/* What happens before each frame that is timed. */
typedef enum {
  STEP_PAN,          /* the view panned 4 px right and 2.5 px down */
  STEP_ZOOM,         /* a new scale, a little larger each frame: the cache is cold */
  STEP_CHANGE_ONE,   /* one shape in view, neither selected nor hovered, moved by a pixel */
  STEP_DRAG,         /* the selected shape moved by a pixel, as the select tool drags it */
} Step;

typedef struct {
  CalqueShapeLayer *layer;
  const char       *id;     /* STEP_CHANGE_ONE, STEP_DRAG: the shape moved */
  const CalqueShape *shape; /* its original geometry */
  guint32           rgba;
} Changing;

static void
move_shape (const Changing *changing,
            guint           frame)
{
  g_autoptr(CalqueShape) moved = calque_shape_copy (changing->shape);
  double d = frame % 2 == 0 ? 1 : -1;

  for (guint v = 0; v < moved->points->len; v++)
    g_array_index (moved->points, double, v) += d;
  calque_shape_layer_set_shape (changing->layer, changing->id, moved, changing->rgba);
}

/* @n_frames frames from @start, each after @step. */
static Figures
run_frames (cairo_surface_t      *surface,
            DrawKind              kind,
            Step                  step,
            CalqueImageSource    *source,
            CalqueShapeLayer     *layer,
            GArray               *polygons,
            const Changing       *changing,
            const CalqueViewport *start,
            guint                 n_frames)
{
  g_autoptr(GArray) times = g_array_sized_new (FALSE, FALSE, sizeof (double), n_frames);
  CalqueViewport vp = *start;
  Figures figures;

  /* One frame to warm caches, not counted. */
  draw_one (surface, kind, source, layer, polygons, &vp);
  for (guint f = 0; f < n_frames; f++)
    {
      double t0, ms;

      switch (step)
        {
        case STEP_PAN:
          if (f > 0)
            calque_viewport_pan (&vp, 4, 2.5);
          break;
        case STEP_ZOOM:
          vp = *start;
          calque_viewport_zoom_at (&vp, start->scale * (1 + 0.001 * (f + 1)), FRAME_WIDTH / 2.0,
                                   FRAME_HEIGHT / 2.0, CALQUE_VIEWPORT_MIN_SCALE, CALQUE_VIEWPORT_MAX_SCALE);
          break;
        case STEP_CHANGE_ONE:
        case STEP_DRAG:
          move_shape (changing, f);
          break;
        }
      t0 = now_s ();
      draw_one (surface, kind, source, layer, polygons, &vp);
      ms = (now_s () - t0) * 1000;
      g_array_append_val (times, ms);
    }
  g_array_sort (times, compare_doubles);
  figures.p50 = percentile (times, 50);
  figures.p95 = percentile (times, 95);
  return figures;
}

/* Draws, and draws again as the layer's tiles arrive, until a draw is
 * sharp. */
static void
draw_until_sharp (cairo_surface_t      *surface,
                  CalqueImageSource    *source,
                  CalqueShapeLayer     *layer,
                  GArray               *polygons,
                  const CalqueViewport *vp)
{
  for (;;)
    {
      draw_one (surface, DRAW_FRAME, source, layer, polygons, vp);
      if (calque_shape_layer_get_sharp (layer))
        return;
      while (calque_shape_layer_get_n_pending (layer) > 0)
        g_main_context_iteration (NULL, TRUE);
    }
}

/* Zooms with progressive draws: @n_frames times, from @start drawn
 * sharp, the same new scale as STEP_ZOOM; @frame gets the first frame at
 * the new scale (old tiles scaled), @sharp the time from the zoom until
 * a frame is drawn with every tile of the new scale (that frame
 * included). */
static void
run_progressive_zoom (cairo_surface_t      *surface,
                      CalqueImageSource    *source,
                      CalqueShapeLayer     *layer,
                      GArray               *polygons,
                      const CalqueViewport *start,
                      guint                 n_frames,
                      Figures              *frame,
                      Figures              *sharp)
{
  g_autoptr(GArray) frames = g_array_sized_new (FALSE, FALSE, sizeof (double), n_frames);
  g_autoptr(GArray) sharps = g_array_sized_new (FALSE, FALSE, sizeof (double), n_frames);

  calque_shape_layer_set_progressive (layer, TRUE);
  for (guint f = 0; f < n_frames; f++)
    {
      CalqueViewport vp = *start;
      double t0, ms;

      draw_until_sharp (surface, source, layer, polygons, &vp);
      calque_viewport_zoom_at (&vp, start->scale * (1 + 0.001 * (f + 1)), FRAME_WIDTH / 2.0,
                               FRAME_HEIGHT / 2.0, CALQUE_VIEWPORT_MIN_SCALE, CALQUE_VIEWPORT_MAX_SCALE);
      t0 = now_s ();
      draw_one (surface, DRAW_FRAME, source, layer, polygons, &vp);
      ms = (now_s () - t0) * 1000;
      g_array_append_val (frames, ms);
      draw_until_sharp (surface, source, layer, polygons, &vp);
      ms = (now_s () - t0) * 1000;
      g_array_append_val (sharps, ms);
    }
  calque_shape_layer_set_progressive (layer, FALSE);

  g_array_sort (frames, compare_doubles);
  g_array_sort (sharps, compare_doubles);
  frame->p50 = percentile (frames, 50);
  frame->p95 = percentile (frames, 95);
  sharp->p50 = percentile (sharps, 50);
  sharp->p95 = percentile (sharps, 95);
}

/* The polygon nearest the middle of the view. */
static guint
polygon_in_view (GArray               *polygons,
                 const CalqueViewport *vp)
{
  double mx, my, best = G_MAXDOUBLE;
  guint found = 0;

  calque_viewport_widget_to_image (vp, FRAME_WIDTH / 2.0, FRAME_HEIGHT / 2.0, &mx, &my);
  for (guint i = 0; i < polygons->len; i++)
    {
      const double *c = (const double *) g_array_index (polygons, Polygon, i).shape->points->data;
      double d = hypot (c[0] - mx, c[1] - my);

      if (d < best)
        {
          best = d;
          found = i;
        }
    }
  return found;
}

static char *
polygon_id (guint i)
{
  return g_strdup_printf ("%08x-0000-4000-8000-%012x", i, i);
}

static void
print_figures (const char *what,
               Figures     figures,
               double      goal_ms)
{
  if (goal_ms > 0)
    g_print ("  %-52s p50 %6.2f ms   p95 %6.2f ms   (goal p95 < %.0f ms)\n", what, figures.p50, figures.p95,
             goal_ms);
  else
    g_print ("  %-52s p50 %6.2f ms   p95 %6.2f ms\n", what, figures.p50, figures.p95);
}

static void
phase_frames (const char *dir,
              guint       n_polygons,
              guint       n_frames)
{
  g_autofree char *path = g_build_filename (dir, "street-4000x3000.jpg", NULL);
  g_autoptr(CalqueImageSource) source = NULL;
  g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
  g_autoptr(GArray) polygons = make_polygons (n_polygons);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, FRAME_WIDTH, FRAME_HEIGHT);
  struct {
    const char *name;
    double      goal_ms;
    CalqueViewport vp;
  } zooms[3] = {
    { "fit", 33, { .width = FRAME_WIDTH, .height = FRAME_HEIGHT } },
    { "1:1", 16, { .width = FRAME_WIDTH, .height = FRAME_HEIGHT } },
    { "4x", 16, { .width = FRAME_WIDTH, .height = FRAME_HEIGHT } },
  };

  write_jpeg (path, IMAGE_WIDTH, IMAGE_HEIGHT);
  source = load_fully (path);
  for (guint i = 0; i < polygons->len; i++)
    {
      const Polygon *polygon = &g_array_index (polygons, Polygon, i);
      g_autofree char *id = polygon_id (i);

      calque_shape_layer_set_shape (layer, id, polygon->shape, polygon->rgba);
    }

  calque_viewport_fit (&zooms[0].vp, IMAGE_WIDTH, IMAGE_HEIGHT, FIT_MARGIN, CALQUE_VIEWPORT_MIN_SCALE,
                       CALQUE_VIEWPORT_MAX_SCALE);
  /* Zoomed in around the middle of the image, as if clicked there. */
  for (int z = 1; z < 3; z++)
    {
      zooms[z].vp = zooms[0].vp;
      calque_viewport_zoom_at (&zooms[z].vp, z == 1 ? 1 : 4, FRAME_WIDTH / 2.0, FRAME_HEIGHT / 2.0,
                               CALQUE_VIEWPORT_MIN_SCALE, CALQUE_VIEWPORT_MAX_SCALE);
    }

  g_print ("\n%u polygons of %d vertices, %d labels, on a %dx%d JPEG; %dx%d ARGB32 frames, %u per line\n"
           "pan: the view panned 4 px and 2.5 px before each frame; zoom: a new scale before each frame, "
           "so the render cache is cold;\n"
           "one shape changed: a shape in view, not selected, moved by a pixel before each frame; "
           "drag: the same for the selected shape;\n"
           "zoom, progressive: the same zoom from the view drawn sharp, progressive draws on: the first frame, "
           "and from the zoom to the first sharp frame\n",
           n_polygons, N_VERTICES, N_LABELS, IMAGE_WIDTH, IMAGE_HEIGHT, FRAME_WIDTH, FRAME_HEIGHT, n_frames);
  for (int z = 0; z < 3; z++)
    {
      const CalqueViewport *vp = &zooms[z].vp;
      double goal = zooms[z].goal_ms;
      guint moved = polygon_in_view (polygons, vp);
      g_autofree char *moved_id = polygon_id (moved);
      Changing changing = {
        .layer = layer,
        .id = moved_id,
        .shape = g_array_index (polygons, Polygon, moved).shape,
        .rgba = g_array_index (polygons, Polygon, moved).rgba,
      };
      Figures pan, image, shapes, uncached, zoom, zoom_shapes, change, drag, naive, progressive, until_sharp;

      pan = run_frames (surface, DRAW_FRAME, STEP_PAN, source, layer, polygons, NULL, vp, n_frames);
      image = run_frames (surface, DRAW_IMAGE_ONLY, STEP_PAN, source, layer, polygons, NULL, vp, n_frames);
      shapes = run_frames (surface, DRAW_SHAPES_ONLY, STEP_PAN, source, layer, polygons, NULL, vp, n_frames);
      zoom = run_frames (surface, DRAW_FRAME, STEP_ZOOM, source, layer, polygons, NULL, vp, n_frames);
      zoom_shapes = run_frames (surface, DRAW_SHAPES_ONLY, STEP_ZOOM, source, layer, polygons, NULL, vp, n_frames);
      run_progressive_zoom (surface, source, layer, polygons, vp, n_frames, &progressive, &until_sharp);
      change = run_frames (surface, DRAW_FRAME, STEP_CHANGE_ONE, source, layer, polygons, &changing, vp, n_frames);
      calque_shape_layer_set_selected (layer, moved_id);
      drag = run_frames (surface, DRAW_FRAME, STEP_DRAG, source, layer, polygons, &changing, vp, n_frames);
      calque_shape_layer_set_selected (layer, NULL);
      calque_shape_layer_set_shape (layer, moved_id, changing.shape, changing.rgba);
      calque_shape_layer_set_cache_enabled (layer, FALSE);
      uncached = run_frames (surface, DRAW_FRAME, STEP_PAN, source, layer, polygons, NULL, vp, n_frames);
      calque_shape_layer_set_cache_enabled (layer, TRUE);
      naive = run_frames (surface, DRAW_NAIVE, STEP_PAN, source, layer, polygons, NULL, vp, n_frames);

      g_print ("%s (scale %.3f)\n", zooms[z].name, vp->scale);
      print_figures ("pan: image + shapes", pan, goal);
      print_figures ("  of which image alone", image, 0);
      print_figures ("  of which shapes alone", shapes, 0);
      print_figures ("zoom (cache cold): image + shapes", zoom, goal);
      print_figures ("  of which shapes alone", zoom_shapes, 0);
      print_figures ("zoom, progressive: frame", progressive, goal);
      print_figures ("zoom, progressive: until sharp", until_sharp, 0);
      print_figures ("one shape changed: image + shapes", change, goal);
      print_figures ("drag (selected shape changed): image + shapes", drag, goal);
      print_figures ("pan, render cache off: image + shapes", uncached, goal);
      print_figures ("baseline: image + each polygon, no cull, no LOD", naive, 0);
    }

  for (guint i = 0; i < polygons->len; i++)
    calque_shape_free (g_array_index (polygons, Polygon, i).shape);
  cairo_surface_destroy (surface);
}

/* ---- Time to first frame --------------------------------------------- */

typedef struct {
  double start;
  double preview;   /* state PREVIEW */
  double first;     /* the first frame drawn */
  double complete;  /* state COMPLETE */
  CalqueShapeLayer *layer;
  cairo_surface_t  *surface;
  CalqueViewport    vp;
} FirstFrame;

static void
state_changed_cb (CalqueImageSource *source,
                  GParamSpec        *pspec,
                  FirstFrame        *ff)
{
  CalqueImageSourceState state = calque_image_source_get_state (source);

  if (state == CALQUE_IMAGE_SOURCE_FAILED)
    g_error ("%s", calque_image_source_get_error (source)->message);

  if (state == CALQUE_IMAGE_SOURCE_PREVIEW || (state == CALQUE_IMAGE_SOURCE_COMPLETE && ff->first == 0))
    {
      cairo_t *cr = cairo_create (ff->surface);

      ff->preview = now_s ();
      calque_viewport_fit (&ff->vp, calque_image_source_get_width (source),
                           calque_image_source_get_height (source), FIT_MARGIN, CALQUE_VIEWPORT_MIN_SCALE,
                           CALQUE_VIEWPORT_MAX_SCALE);
      cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
      cairo_paint (cr);
      calque_image_source_draw (source, cr, &ff->vp);
      calque_shape_layer_draw (ff->layer, cr, &ff->vp);
      cairo_destroy (cr);
      cairo_surface_flush (ff->surface);
      ff->first = now_s ();
    }
  if (state == CALQUE_IMAGE_SOURCE_COMPLETE)
    ff->complete = now_s ();
}

static void
phase_first_frame (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "aerial-12000x9000.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) polygons = make_polygons (500);
  FirstFrame ff = { 0 };
  double write_s, decode_s, reduced_s, memory_mb;
  GStatBuf st;

  write_s = now_s ();
  write_jpeg (path, BIG_WIDTH, BIG_HEIGHT);
  write_s = now_s () - write_s;
  if (g_stat (path, &st) != 0)
    g_error ("%s: cannot stat", path);

  ff.layer = calque_shape_layer_new ();
  for (guint i = 0; i < polygons->len; i++)
    {
      const Polygon *polygon = &g_array_index (polygons, Polygon, i);
      g_autofree char *id = g_strdup_printf ("%u", i);

      calque_shape_layer_set_shape (ff.layer, id, polygon->shape, polygon->rgba);
      calque_shape_free (polygon->shape);
    }
  ff.surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, FRAME_WIDTH, FRAME_HEIGHT);
  ff.vp = (CalqueViewport) { .width = FRAME_WIDTH, .height = FRAME_HEIGHT };

  g_print ("\ntime to first frame: %dx%d JPEG, quality 90, %.1f MB (written in %.1f s, in the page cache)\n",
           BIG_WIDTH, BIG_HEIGHT, st.st_size / 1e6, write_s);
  {
    g_autoptr(CalqueImageSource) source = calque_image_source_new (path);
    gboolean done = FALSE;

    /* About the frame's size: the canvas asks for its own. */
    calque_image_source_set_preview_size (source, FRAME_WIDTH);
    g_signal_connect (source, "notify::state", G_CALLBACK (state_changed_cb), &ff);
    ff.start = now_s ();
    calque_image_source_load_async (source, NULL, load_done_cb, &done);
    while (!done)
      g_main_context_iteration (NULL, TRUE);
    memory_mb = calque_image_source_get_memory_size (source) / 1e6;
    g_print ("  %-47s %.3f s   (goal < 1 s)   preview ready at %.3f s\n", "load start to first frame drawn",
             ff.first - ff.start, ff.preview - ff.start);
    g_print ("  %-47s %.2f s   %u levels, %.0f MB of tiles\n", "load start to full resolution (pyramid)",
             ff.complete - ff.start, calque_image_source_get_n_levels (source), memory_mb);
  }

  decode_s = now_s ();
  {
    g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (path, &error);

    if (pixbuf == NULL)
      g_error ("%s", error->message);
    decode_s = now_s () - decode_s;
  }
  reduced_s = now_s ();
  {
    g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file_at_scale (path, BIG_WIDTH / 8, BIG_HEIGHT / 8,
                                                                      FALSE, &error);

    if (pixbuf == NULL)
      g_error ("%s", error->message);
    reduced_s = now_s () - reduced_s;
  }
  g_print ("  %-47s %.2f s\n", "baseline: plain gdk_pixbuf_new_from_file()", decode_s);
  g_print ("  %-47s %.3f s\n", "  for reference: the same at 1/8 scale alone", reduced_s);

  g_object_unref (ff.layer);
  cairo_surface_destroy (ff.surface);
}

int
main (int argc, char **argv)
{
  int n_frames = 100;
  int n_polygons = 5000;
  gboolean skip_big = FALSE;
  GOptionEntry entries[] = {
    { "frames", 0, 0, G_OPTION_ARG_INT, &n_frames, "Frames per zoom level", "N" },
    { "polygons", 0, 0, G_OPTION_ARG_INT, &n_polygons, "Polygons on the image", "N" },
    { "no-first-frame", 0, 0, G_OPTION_ARG_NONE, &skip_big, "Skip the 12000x9000 JPEG", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— measure the image canvas's drawing");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (n_frames < 1 || n_polygons < 1)
    {
      g_printerr ("--frames and --polygons must be at least 1\n");
      return 2;
    }

  dir = g_dir_make_tmp ("bench-canvas-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  g_print ("bench-canvas: offscreen through calque_image_source_draw() and calque_shape_layer_draw(); "
           "cairo %s, %u CPUs\n", cairo_version_string (), g_get_num_processors ());

  phase_frames (dir, n_polygons, n_frames);
  if (!skip_big)
    phase_first_frame (dir);

  calque_test_remove_tree (dir);
  return 0;
}
