/* test-image-source.c — image files loaded in the background, drawn as tiles
 *
 * The pictures are made here with gdk-pixbuf: four flat quarters (red,
 * green, blue, white), so that any pixel drawn can be checked against the
 * quarter it should come from, through JPEG's losses too.
 */
#include "calque-image-source.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "calque-test-util.h"

typedef struct {
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("calque-image-source-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  calque_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* 0xRRGGBB of the quarter (@x, @y) lies in. */
static guint32
quarter_colour (int x,
                int y,
                int width,
                int height)
{
  static const guint32 colours[] = { 0xff0000, 0x00ff00, 0x0000ff, 0xffffff };

  return colours[(x >= width / 2) + 2 * (y >= height / 2)];
}

static char *
make_image (Fixture    *fixture,
            const char *name,
            const char *type,
            int         width,
            int         height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fixture->dir, name, NULL);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint32 c = quarter_colour (x, y, width, height);
        guint8 *p = pixels + (gsize) y * stride + x * 3;

        p[0] = c >> 16;
        p[1] = (c >> 8) & 0xff;
        p[2] = c & 0xff;
      }
  if (strcmp (type, "jpeg") == 0)
    gdk_pixbuf_save (pixbuf, path, type, &error, "quality", "90", NULL);
  else
    gdk_pixbuf_save (pixbuf, path, type, &error, NULL);
  g_assert_no_error (error);
  return path;
}

/* What the states were, in order, and the checks made on the way. */
typedef struct {
  GArray            *states;
  gboolean           done;
  gboolean           ok;
  GError            *error;
  int                width_at_preview;
  gsize              memory_at_preview;
  cairo_surface_t   *preview_frame;
  CalqueViewport     vp;
} Load;

static void
render_into (CalqueImageSource    *source,
             cairo_surface_t      *surface,
             const CalqueViewport *vp)
{
  cairo_t *cr = cairo_create (surface);

  cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
  cairo_paint (cr);
  cairo_set_operator (cr, CAIRO_OPERATOR_OVER);
  calque_image_source_draw (source, cr, vp);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
}

static void
state_changed_cb (CalqueImageSource *source,
                  GParamSpec        *pspec,
                  Load              *load)
{
  CalqueImageSourceState state = calque_image_source_get_state (source);

  g_array_append_val (load->states, state);
  if (state == CALQUE_IMAGE_SOURCE_PREVIEW)
    {
      load->width_at_preview = calque_image_source_get_width (source);
      load->memory_at_preview = calque_image_source_get_memory_size (source);
      load->preview_frame = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) load->vp.width,
                                                        (int) load->vp.height);
      render_into (source, load->preview_frame, &load->vp);
    }
}

static void
load_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Load *load = user_data;

  load->ok = calque_image_source_load_finish (CALQUE_IMAGE_SOURCE (object), result, &load->error);
  load->done = TRUE;
}

static void
load_init (Load                 *load,
           const CalqueViewport *vp)
{
  memset (load, 0, sizeof *load);
  load->states = g_array_new (FALSE, FALSE, sizeof (CalqueImageSourceState));
  if (vp != NULL)
    load->vp = *vp;
  else
    load->vp = (CalqueViewport) { .scale = 1, .width = 16, .height = 16 };
}

static void
load_clear (Load *load)
{
  g_array_unref (load->states);
  g_clear_error (&load->error);
  g_clear_pointer (&load->preview_frame, cairo_surface_destroy);
}

static void
run_load (CalqueImageSource *source,
          GCancellable      *cancellable,
          Load              *load)
{
  gulong handler = g_signal_connect (source, "notify::state", G_CALLBACK (state_changed_cb), load);

  calque_image_source_load_async (source, cancellable, load_done_cb, load);
  while (!load->done)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (source, handler);
}

/* Each @step × @step block's centre pixel has the colour of the quarter of
 * the image it shows, within @slack per channel. */
static void
assert_quarters (cairo_surface_t      *surface,
                 const CalqueViewport *vp,
                 int                   width,
                 int                   height,
                 int                   slack)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint checked = 0;

  for (int wy = 1; wy < (int) vp->height; wy += 7)
    for (int wx = 1; wx < (int) vp->width; wx += 7)
      {
        double ix, iy;
        guint32 p, expected;

        calque_viewport_widget_to_image (vp, wx + 0.5, wy + 0.5, &ix, &iy);
        /* Only pixels well inside the image and away from the quarters'
         * borders, which filtering and JPEG blur. */
        if (ix < 0 || iy < 0 || ix >= width || iy >= height)
          continue;
        if (fabs (ix - width / 2) < 12 || fabs (iy - height / 2) < 12
            || ix < 4 || iy < 4 || ix > width - 4 || iy > height - 4)
          continue;
        p = ((const guint32 *) (data + wy * stride))[wx];
        expected = quarter_colour ((int) ix, (int) iy, width, height);
        if ((p >> 24) != 0xff
            || ABS ((int) ((p >> 16) & 0xff) - (int) (expected >> 16)) > slack
            || ABS ((int) ((p >> 8) & 0xff) - (int) ((expected >> 8) & 0xff)) > slack
            || ABS ((int) (p & 0xff) - (int) (expected & 0xff)) > slack)
          g_error ("widget pixel (%d, %d), image (%.1f, %.1f): %08x, expected %06x", wx, wy, ix, iy, p, expected);
        checked++;
      }
  g_assert_cmpuint (checked, >, 20);
}

static void
test_png_preview_then_full (Fixture       *fixture,
                            gconstpointer  data)
{
  /* 1,300 × 900: 3 × 2 tiles at full size, then 650 × 450, then 325 × 225. */
  g_autofree char *path = make_image (fixture, "quarters.png", "png", 1300, 900);
  g_autoptr(CalqueImageSource) source = calque_image_source_new (path);
  CalqueViewport fit = { .width = 260, .height = 200 };
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;
  Load load;

  calque_viewport_fit (&fit, 1300, 900, 0, CALQUE_VIEWPORT_MIN_SCALE, CALQUE_VIEWPORT_MAX_SCALE);
  load_init (&load, &fit);
  calque_image_source_set_preview_size (source, 256);
  g_assert_cmpint (calque_image_source_get_state (source), ==, CALQUE_IMAGE_SOURCE_EMPTY);
  run_load (source, NULL, &load);

  g_assert_no_error (load.error);
  g_assert_true (load.ok);
  g_assert_cmpuint (load.states->len, ==, 3);
  g_assert_cmpint (g_array_index (load.states, int, 0), ==, CALQUE_IMAGE_SOURCE_LOADING);
  g_assert_cmpint (g_array_index (load.states, int, 1), ==, CALQUE_IMAGE_SOURCE_PREVIEW);
  g_assert_cmpint (g_array_index (load.states, int, 2), ==, CALQUE_IMAGE_SOURCE_COMPLETE);
  /* The size was known by the time of the preview, which is small. */
  g_assert_cmpint (load.width_at_preview, ==, 1300);
  g_assert_cmpuint (load.memory_at_preview, <=, 256 * 178 * 4);
  g_assert_cmpuint (load.memory_at_preview, >, 0);
  assert_quarters (load.preview_frame, &fit, 1300, 900, 8);

  g_assert_cmpint (calque_image_source_get_width (source), ==, 1300);
  g_assert_cmpint (calque_image_source_get_height (source), ==, 900);
  g_assert_cmpuint (calque_image_source_get_n_levels (source), ==, 3);
  /* The pyramid, and no preview any more: 4/3 of the full size, about. */
  g_assert_cmpuint (calque_image_source_get_memory_size (source), ==,
                    (1300 * 900 + 650 * 450 + 325 * 225) * 4);

  /* At fit, from the pyramid. */
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 260, 200);
  render_into (source, surface, &fit);
  assert_quarters (surface, &fit, 1300, 900, 8);
  /* Outside the image, nothing. */
  g_assert_cmphex (((guint32 *) cairo_image_surface_get_data (surface))[0], ==, 0);
  cairo_surface_destroy (surface);

  /* 1:1 over the tile borders at x 512 and y 512 (and the quarters' at
   * 650, 450): every pixel right, no seam. */
  {
    CalqueViewport one = { .scale = 1, .offset_x = -400, .offset_y = -380, .width = 400, .height = 300 };

    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 300);
    render_into (source, surface, &one);
    assert_quarters (surface, &one, 1300, 900, 0);
    cairo_surface_destroy (surface);
  }
  /* 6× and a fractional offset, pixels as squares; the border at 512. */
  {
    CalqueViewport close = { .scale = 6, .offset_x = -6 * 500 + 0.3, .offset_y = -6 * 500 + 0.7,
                             .width = 200, .height = 200 };

    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 200, 200);
    render_into (source, surface, &close);
    assert_quarters (surface, &close, 1300, 900, 0);
    cairo_surface_destroy (surface);
  }

  /* Loading again: done already. */
  load_clear (&load);
  load_init (&load, NULL);
  run_load (source, NULL, &load);
  g_assert_true (load.ok);
  g_assert_cmpuint (load.states->len, ==, 0);
  load_clear (&load);
}

static void
test_jpeg_reduced_preview (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *path = make_image (fixture, "quarters.jpg", "jpeg", 4000, 3000);
  g_autoptr(CalqueImageSource) source = calque_image_source_new (path);
  CalqueViewport fit = { .width = 400, .height = 300 };
  cairo_surface_t *surface;
  Load load;

  calque_viewport_fit (&fit, 4000, 3000, 0, CALQUE_VIEWPORT_MIN_SCALE, CALQUE_VIEWPORT_MAX_SCALE);
  load_init (&load, &fit);
  calque_image_source_set_preview_size (source, 400);
  run_load (source, NULL, &load);

  g_assert_no_error (load.error);
  g_assert_cmpuint (load.states->len, ==, 3);
  g_assert_cmpint (g_array_index (load.states, int, 1), ==, CALQUE_IMAGE_SOURCE_PREVIEW);
  g_assert_cmpint (load.width_at_preview, ==, 4000);
  /* Decoded at 1/8 straight from the file: 500 × 375, not a full decode. */
  g_assert_cmpuint (load.memory_at_preview, ==, 500 * 375 * 4);
  assert_quarters (load.preview_frame, &fit, 4000, 3000, 24);

  g_assert_cmpint (calque_image_source_get_state (source), ==, CALQUE_IMAGE_SOURCE_COMPLETE);
  g_assert_cmpuint (calque_image_source_get_n_levels (source), ==, 4);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 300);
  render_into (source, surface, &fit);
  assert_quarters (surface, &fit, 4000, 3000, 24);
  cairo_surface_destroy (surface);
  load_clear (&load);
}

static void
assert_fails (const char *path,
              int         code)
{
  g_autoptr(CalqueImageSource) source = calque_image_source_new (path);
  g_autofree char *name = g_filename_display_name (path);
  Load load;

  load_init (&load, NULL);
  run_load (source, NULL, &load);
  g_assert_false (load.ok);
  g_assert_error (load.error, CALQUE_IMAGE_SOURCE_ERROR, code);
  /* The message names the file, so that the placeholder can say which. */
  g_assert_true (g_str_has_prefix (load.error->message, name));
  g_test_message ("%s", load.error->message);
  g_assert_cmpint (calque_image_source_get_state (source), ==, CALQUE_IMAGE_SOURCE_FAILED);
  g_assert_error ((GError *) calque_image_source_get_error (source), CALQUE_IMAGE_SOURCE_ERROR, code);
  g_assert_cmpuint (calque_image_source_get_memory_size (source), ==, 0);
  load_clear (&load);
}

static void
test_broken_files (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *good = make_image (fixture, "good.png", "png", 300, 200);
  g_autofree char *junk = g_build_filename (fixture->dir, "junk.png", NULL);
  g_autofree char *cut = g_build_filename (fixture->dir, "cut.png", NULL);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.jpg", NULL);
  g_autofree char *bytes = NULL;
  gsize length;

  g_assert_true (g_file_set_contents (junk, "this is not a picture at all, just words", -1, NULL));
  assert_fails (junk, CALQUE_IMAGE_SOURCE_ERROR_FORMAT);

  /* A real PNG header, then half of the data. */
  g_assert_true (g_file_get_contents (good, &bytes, &length, NULL));
  g_assert_true (g_file_set_contents (cut, bytes, length / 2, NULL));
  assert_fails (cut, CALQUE_IMAGE_SOURCE_ERROR_DECODE);

  assert_fails (missing, CALQUE_IMAGE_SOURCE_ERROR_READ);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *path = make_image (fixture, "big.jpg", "jpeg", 3000, 2000);
  g_autoptr(CalqueImageSource) source = calque_image_source_new (path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Load load;

  load_init (&load, NULL);
  g_cancellable_cancel (cancellable);
  run_load (source, cancellable, &load);
  g_assert_false (load.ok);
  g_assert_error (load.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (calque_image_source_get_state (source), ==, CALQUE_IMAGE_SOURCE_EMPTY);
  g_assert_cmpuint (calque_image_source_get_memory_size (source), ==, 0);
  load_clear (&load);

  /* And it can be loaded after all. */
  load_init (&load, NULL);
  run_load (source, NULL, &load);
  g_assert_no_error (load.error);
  g_assert_cmpint (calque_image_source_get_state (source), ==, CALQUE_IMAGE_SOURCE_COMPLETE);
  load_clear (&load);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/image-source/png-preview-then-full", Fixture, NULL, fixture_setup, test_png_preview_then_full,
              fixture_teardown);
  g_test_add ("/image-source/jpeg-reduced-preview", Fixture, NULL, fixture_setup, test_jpeg_reduced_preview,
              fixture_teardown);
  g_test_add ("/image-source/broken-files", Fixture, NULL, fixture_setup, test_broken_files, fixture_teardown);
  g_test_add ("/image-source/cancel", Fixture, NULL, fixture_setup, test_cancel, fixture_teardown);
  return g_test_run ();
}
