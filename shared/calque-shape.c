/* calque-shape.c — annotation geometry: JSON form and validation */
#define G_LOG_DOMAIN "calque-shape"

#include "calque-shape.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

G_DEFINE_QUARK (calque-shape-error-quark, calque_shape_error)

/* Image coordinates come from float maths in other tools (labelme, COCO):
 * a shape that pokes out of its image by less than this is not an error. */
#define BOUNDS_TOLERANCE 1e-6

static const char *kind_names[] = {
  [CALQUE_SHAPE_BOX] = "box",
  [CALQUE_SHAPE_POLYGON] = "polygon",
  [CALQUE_SHAPE_POLYLINE] = "polyline",
  [CALQUE_SHAPE_POINT] = "point",
  [CALQUE_SHAPE_SPAN] = "span",
  [CALQUE_SHAPE_SEGMENT] = "segment",
  [CALQUE_SHAPE_CLASSIFICATION] = "classification",
};

const char *
calque_shape_kind_to_string (CalqueShapeKind kind)
{
  g_return_val_if_fail (kind <= CALQUE_SHAPE_CLASSIFICATION, NULL);
  return kind_names[kind];
}

gboolean
calque_shape_kind_from_string (const char      *str,
                               CalqueShapeKind *out_kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (str, kind_names[i]) == 0)
      {
        *out_kind = (CalqueShapeKind) i;
        return TRUE;
      }
  return FALSE;
}

static GArray *
coords_new (const double *coords,
            guint         n_points)
{
  GArray *array = g_array_sized_new (FALSE, FALSE, sizeof (double), n_points * 2);

  if (n_points > 0)
    g_array_append_vals (array, coords, n_points * 2);
  return array;
}

CalqueShape *
calque_shape_new (CalqueShapeKind kind)
{
  CalqueShape *self = g_new0 (CalqueShape, 1);

  self->kind = kind;
  self->channel = -1;
  return self;
}

CalqueShape *
calque_shape_new_box (double x, double y, double w, double h)
{
  CalqueShape *self = calque_shape_new (CALQUE_SHAPE_BOX);

  self->x = x;
  self->y = y;
  self->w = w;
  self->h = h;
  return self;
}

CalqueShape *
calque_shape_new_point (double x, double y)
{
  CalqueShape *self = calque_shape_new (CALQUE_SHAPE_POINT);

  self->x = x;
  self->y = y;
  return self;
}

CalqueShape *
calque_shape_new_polygon (const double *coords, guint n_points)
{
  CalqueShape *self = calque_shape_new (CALQUE_SHAPE_POLYGON);

  self->points = coords_new (coords, n_points);
  return self;
}

CalqueShape *
calque_shape_new_polyline (const double *coords, guint n_points)
{
  CalqueShape *self = calque_shape_new (CALQUE_SHAPE_POLYLINE);

  self->points = coords_new (coords, n_points);
  return self;
}

CalqueShape *
calque_shape_new_span (gint64 start, gint64 end)
{
  CalqueShape *self = calque_shape_new (CALQUE_SHAPE_SPAN);

  self->span_start = start;
  self->span_end = end;
  return self;
}

CalqueShape *
calque_shape_new_segment (double start, double end)
{
  CalqueShape *self = calque_shape_new (CALQUE_SHAPE_SEGMENT);

  self->seg_start = start;
  self->seg_end = end;
  return self;
}

void
calque_shape_add_hole (CalqueShape  *self,
                       const double *coords,
                       guint         n_points)
{
  g_return_if_fail (self->kind == CALQUE_SHAPE_POLYGON);

  if (self->holes == NULL)
    self->holes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_ptr_array_add (self->holes, coords_new (coords, n_points));
}

CalqueShape *
calque_shape_copy (const CalqueShape *self)
{
  CalqueShape *copy = g_memdup2 (self, sizeof *self);

  if (self->points)
    copy->points = coords_new ((double *) self->points->data, self->points->len / 2);
  if (self->holes)
    {
      copy->holes = NULL;
      for (guint i = 0; i < self->holes->len; i++)
        {
          GArray *hole = g_ptr_array_index (self->holes, i);
          calque_shape_add_hole (copy, (double *) hole->data, hole->len / 2);
        }
    }
  return copy;
}

static gboolean
coords_equal (const GArray *a,
              const GArray *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a->len == b->len && memcmp (a->data, b->data, a->len * sizeof (double)) == 0;
}

gboolean
calque_shape_equal (const CalqueShape *a,
                    const CalqueShape *b)
{
  guint n_holes_a, n_holes_b;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (a->kind != b->kind || a->x != b->x || a->y != b->y || a->w != b->w || a->h != b->h
      || a->rotation != b->rotation || a->span_start != b->span_start || a->span_end != b->span_end
      || a->seg_start != b->seg_start || a->seg_end != b->seg_end || a->channel != b->channel
      || !coords_equal (a->points, b->points))
    return FALSE;

  n_holes_a = a->holes != NULL ? a->holes->len : 0;
  n_holes_b = b->holes != NULL ? b->holes->len : 0;
  if (n_holes_a != n_holes_b)
    return FALSE;
  for (guint i = 0; i < n_holes_a; i++)
    if (!coords_equal (g_ptr_array_index (a->holes, i), g_ptr_array_index (b->holes, i)))
      return FALSE;
  return TRUE;
}

void
calque_shape_free (CalqueShape *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->points, g_array_unref);
  g_clear_pointer (&self->holes, g_ptr_array_unref);
  g_free (self);
}

guint
calque_shape_get_n_points (const CalqueShape *self)
{
  guint n = self->points ? self->points->len / 2 : 0;

  if (self->holes)
    for (guint i = 0; i < self->holes->len; i++)
      n += ((GArray *) g_ptr_array_index (self->holes, i))->len / 2;
  return n;
}

/* --- JSON ---------------------------------------------------------------- */

static gboolean
member_number (JsonObject  *obj,
               const char  *kind,
               const char  *name,
               gboolean     required,
               double      *out,
               GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL)
    {
      if (!required)
        return TRUE;
      g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_SYNTAX,
                   _("%s has no “%s”"), kind, name);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node)
      || (json_node_get_value_type (node) != G_TYPE_DOUBLE
          && json_node_get_value_type (node) != G_TYPE_INT64))
    {
      g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_SYNTAX,
                   _("%s: “%s” must be a number"), kind, name);
      return FALSE;
    }
  *out = json_node_get_double (node);
  return TRUE;
}

static gboolean
member_integer (JsonObject  *obj,
                const char  *kind,
                const char  *name,
                gint64      *out,
                GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL)
    {
      g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_SYNTAX,
                   _("%s has no “%s”"), kind, name);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_SYNTAX,
                   _("%s: “%s” must be a whole number"), kind, name);
      return FALSE;
    }
  *out = json_node_get_int (node);
  return TRUE;
}

static GArray *
coords_from_json (JsonNode    *node,
                  const char  *what,
                  GError     **error)
{
  JsonArray *array;
  guint len;
  g_autoptr(GArray) coords = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_SYNTAX,
                   _("%s must be an array of numbers [x0, y0, x1, y1, …]"), what);
      return NULL;
    }

  array = json_node_get_array (node);
  len = json_array_get_length (array);
  if (len % 2 != 0)
    {
      g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_SYNTAX,
                   g_dngettext (GETTEXT_PACKAGE, "%s has %u number; x and y come in pairs",
                                "%s has %u numbers; x and y come in pairs", len), what, len);
      return NULL;
    }
  /* Refuse before allocating: a hostile peer can send a huge array. */
  if (len / 2 > CALQUE_SHAPE_MAX_POINTS)
    {
      g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_TOO_LARGE,
                   g_dngettext (GETTEXT_PACKAGE, "%s has %u point; at most %u are allowed",
                                "%s has %u points; at most %u are allowed", len / 2),
                   what, len / 2, (guint) CALQUE_SHAPE_MAX_POINTS);
      return NULL;
    }

  coords = g_array_sized_new (FALSE, FALSE, sizeof (double), len);
  for (guint i = 0; i < len; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      double value;

      if (!JSON_NODE_HOLDS_VALUE (element)
          || (json_node_get_value_type (element) != G_TYPE_DOUBLE
              && json_node_get_value_type (element) != G_TYPE_INT64))
        {
          g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_SYNTAX,
                       _("%s: element %u is not a number"), what, i);
          return NULL;
        }
      value = json_node_get_double (element);
      g_array_append_val (coords, value);
    }

  return g_steal_pointer (&coords);
}

static gboolean
check_members (JsonObject         *obj,
               const char         *kind,
               const char * const *allowed,
               GError            **error)
{
  g_autoptr(GList) names = json_object_get_members (obj);

  for (GList *l = names; l; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_SYNTAX,
                     _("%s has an unknown member “%s”"), kind, (const char *) l->data);
        return FALSE;
      }
  return TRUE;
}

CalqueShape *
calque_shape_from_json (JsonNode  *node,
                        GError   **error)
{
  static const char * const box_members[] = { "type", "x", "y", "w", "h", "rotation", NULL };
  static const char * const polygon_members[] = { "type", "points", "holes", NULL };
  static const char * const polyline_members[] = { "type", "points", NULL };
  static const char * const point_members[] = { "type", "x", "y", NULL };
  static const char * const span_members[] = { "type", "start", "end", NULL };
  static const char * const segment_members[] = { "type", "start", "end", "channel", NULL };
  static const char * const classification_members[] = { "type", NULL };
  JsonObject *obj;
  const char *type;
  CalqueShapeKind kind;
  g_autoptr(CalqueShape) shape = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_SYNTAX,
                           _("a shape must be a JSON object"));
      return NULL;
    }
  obj = json_node_get_object (node);
  type = json_object_has_member (obj, "type")
         && JSON_NODE_HOLDS_VALUE (json_object_get_member (obj, "type"))
         && json_node_get_value_type (json_object_get_member (obj, "type")) == G_TYPE_STRING
         ? json_object_get_string_member (obj, "type") : NULL;
  if (type == NULL || !calque_shape_kind_from_string (type, &kind))
    {
      g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_SYNTAX,
                   _("unknown shape type “%s” (expected box, polygon, polyline, point, span, segment or classification)"),
                   type ? type : "");
      return NULL;
    }

  shape = calque_shape_new (kind);

  switch (kind)
    {
    case CALQUE_SHAPE_BOX:
      if (!check_members (obj, type, box_members, error)
          || !member_number (obj, type, "x", TRUE, &shape->x, error)
          || !member_number (obj, type, "y", TRUE, &shape->y, error)
          || !member_number (obj, type, "w", TRUE, &shape->w, error)
          || !member_number (obj, type, "h", TRUE, &shape->h, error)
          || !member_number (obj, type, "rotation", FALSE, &shape->rotation, error))
        return NULL;
      break;

    case CALQUE_SHAPE_POINT:
      if (!check_members (obj, type, point_members, error)
          || !member_number (obj, type, "x", TRUE, &shape->x, error)
          || !member_number (obj, type, "y", TRUE, &shape->y, error))
        return NULL;
      break;

    case CALQUE_SHAPE_POLYGON:
    case CALQUE_SHAPE_POLYLINE:
      if (!check_members (obj, type,
                          kind == CALQUE_SHAPE_POLYGON ? polygon_members : polyline_members,
                          error))
        return NULL;
      shape->points = coords_from_json (json_object_get_member (obj, "points"),
                                        _("points"), error);
      if (shape->points == NULL)
        return NULL;
      if (json_object_has_member (obj, "holes"))
        {
          JsonNode *holes = json_object_get_member (obj, "holes");
          JsonArray *array;

          if (!JSON_NODE_HOLDS_ARRAY (holes))
            {
              g_set_error_literal (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_SYNTAX,
                                   _("holes must be an array of point arrays"));
              return NULL;
            }
          array = json_node_get_array (holes);
          if (json_array_get_length (array) > CALQUE_SHAPE_MAX_HOLES)
            {
              g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_TOO_LARGE,
                           g_dngettext (GETTEXT_PACKAGE, "polygon has %u hole; at most %u are allowed",
                                        "polygon has %u holes; at most %u are allowed",
                                        json_array_get_length (array)),
                           json_array_get_length (array), (guint) CALQUE_SHAPE_MAX_HOLES);
              return NULL;
            }
          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              g_autofree char *what = g_strdup_printf (_("hole %u"), i + 1);
              GArray *hole = coords_from_json (json_array_get_element (array, i), what, error);

              if (hole == NULL)
                return NULL;
              if (shape->holes == NULL)
                shape->holes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
              g_ptr_array_add (shape->holes, hole);
            }
        }
      break;

    case CALQUE_SHAPE_SPAN:
      if (!check_members (obj, type, span_members, error)
          || !member_integer (obj, type, "start", &shape->span_start, error)
          || !member_integer (obj, type, "end", &shape->span_end, error))
        return NULL;
      break;

    case CALQUE_SHAPE_SEGMENT:
      {
        double channel = -1;

        if (!check_members (obj, type, segment_members, error)
            || !member_number (obj, type, "start", TRUE, &shape->seg_start, error)
            || !member_number (obj, type, "end", TRUE, &shape->seg_end, error)
            || !member_number (obj, type, "channel", FALSE, &channel, error))
          return NULL;
        if (channel != floor (channel) || channel < -1 || channel > 255)
          {
            g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_GEOMETRY,
                         _("segment: channel %g is not a channel number"), channel);
            return NULL;
          }
        shape->channel = (int) channel;
      }
      break;

    case CALQUE_SHAPE_CLASSIFICATION:
      if (!check_members (obj, type, classification_members, error))
        return NULL;
      break;

    default:
      g_assert_not_reached ();
    }

  if (!calque_shape_validate (shape, NULL, error))
    return NULL;

  return g_steal_pointer (&shape);
}

static JsonNode *
coords_to_json (GArray *coords)
{
  JsonArray *array = json_array_sized_new (coords->len);

  for (guint i = 0; i < coords->len; i++)
    json_array_add_double_element (array, g_array_index (coords, double, i));
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (node, array);  /* init_array would add a reference */
  return node;
}

/* Built member by member rather than with a JsonBuilder, a GObject with
 * its own stack: every annotation saved goes through here. */
JsonNode *
calque_shape_to_json (const CalqueShape *self)
{
  JsonObject *o = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, o);
  json_object_set_string_member (o, "type", calque_shape_kind_to_string (self->kind));

  switch (self->kind)
    {
    case CALQUE_SHAPE_BOX:
      json_object_set_double_member (o, "x", self->x);
      json_object_set_double_member (o, "y", self->y);
      json_object_set_double_member (o, "w", self->w);
      json_object_set_double_member (o, "h", self->h);
      if (self->rotation != 0)
        json_object_set_double_member (o, "rotation", self->rotation);
      break;

    case CALQUE_SHAPE_POINT:
      json_object_set_double_member (o, "x", self->x);
      json_object_set_double_member (o, "y", self->y);
      break;

    case CALQUE_SHAPE_POLYGON:
    case CALQUE_SHAPE_POLYLINE:
      json_object_set_member (o, "points", coords_to_json (self->points));
      if (self->holes && self->holes->len > 0)
        {
          JsonArray *holes = json_array_sized_new (self->holes->len);
          JsonNode *holes_node = json_node_new (JSON_NODE_ARRAY);

          for (guint i = 0; i < self->holes->len; i++)
            json_array_add_element (holes, coords_to_json (g_ptr_array_index (self->holes, i)));
          json_node_take_array (holes_node, holes);
          json_object_set_member (o, "holes", holes_node);
        }
      break;

    case CALQUE_SHAPE_SPAN:
      json_object_set_int_member (o, "start", self->span_start);
      json_object_set_int_member (o, "end", self->span_end);
      break;

    case CALQUE_SHAPE_SEGMENT:
      json_object_set_double_member (o, "start", self->seg_start);
      json_object_set_double_member (o, "end", self->seg_end);
      if (self->channel >= 0)
        json_object_set_int_member (o, "channel", self->channel);
      break;

    case CALQUE_SHAPE_CLASSIFICATION:
      break;

    default:
      g_assert_not_reached ();
    }

  return node;
}

/* --- validation ---------------------------------------------------------- */

static gboolean
check_finite (double       value,
              const char  *what,
              GError     **error)
{
  if (!isfinite (value))
    {
      g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_GEOMETRY,
                   _("%s is not a finite number"), what);
      return FALSE;
    }
  return TRUE;
}

/* Whether (@x, @y) is inside @bounds, or there are no bounds to check.
 * Cheap and silent: it runs for every point of every shape saved, and the
 * message is only made, and translated, for one that is out. */
static gboolean
in_image (double                   x,
          double                   y,
          const CalqueShapeBounds *bounds)
{
  return bounds == NULL || bounds->width <= 0 || bounds->height <= 0
         || !(x < -BOUNDS_TOLERANCE || y < -BOUNDS_TOLERANCE
              || x > bounds->width + BOUNDS_TOLERANCE || y > bounds->height + BOUNDS_TOLERANCE);
}

static gboolean
outside_image (double                   x,
               double                   y,
               const CalqueShapeBounds *bounds,
               const char              *what,
               GError                 **error)
{
  g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_BOUNDS,
               _("%s (%g, %g) is outside the %g×%g image"),
               what, x, y, bounds->width, bounds->height);
  return FALSE;
}

static gboolean
check_ring (GArray                  *coords,
            guint                    min_points,
            const char              *what,
            const CalqueShapeBounds *bounds,
            GError                 **error)
{
  guint n = coords ? coords->len / 2 : 0;

  if (n < min_points)
    {
      g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_GEOMETRY,
                   g_dngettext (GETTEXT_PACKAGE, "%s has %u point; at least %u are needed",
                                "%s has %u points; at least %u are needed", n),
                   what, n, min_points);
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      double x = g_array_index (coords, double, 2 * i);
      double y = g_array_index (coords, double, 2 * i + 1);

      if (!isfinite (x) || !isfinite (y))
        {
          g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_GEOMETRY,
                       _("%s: point %u is not finite"), what, i + 1);
          return FALSE;
        }
      if (!in_image (x, y, bounds))
        {
          g_autofree char *point = g_strdup_printf (_("%s: point %u"), what, i + 1);

          return outside_image (x, y, bounds, point, error);
        }
    }

  return TRUE;
}

static gboolean
validate_box (const CalqueShape       *self,
              const CalqueShapeBounds *bounds,
              GError                 **error)
{
  double rad, c, s, cx, cy;

  if (!check_finite (self->x, "box x", error)
      || !check_finite (self->y, "box y", error)
      || !check_finite (self->w, "box w", error)
      || !check_finite (self->h, "box h", error)
      || !check_finite (self->rotation, "box rotation", error))
    return FALSE;

  if (self->w <= 0 || self->h <= 0)
    {
      g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_GEOMETRY,
                   _("box is %g×%g; width and height must be positive"), self->w, self->h);
      return FALSE;
    }
  if (fabs (self->rotation) > 360)
    {
      g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_GEOMETRY,
                   _("box rotation %g° is outside −360…360"), self->rotation);
      return FALSE;
    }

  /* A rotated box turns around its centre; each corner must be inside. */
  rad = self->rotation * G_PI / 180.0;
  c = cos (rad);
  s = sin (rad);
  cx = self->x + self->w / 2;
  cy = self->y + self->h / 2;
  for (int corner = 0; corner < 4; corner++)
    {
      double dx = (corner & 1 ? 1 : -1) * self->w / 2;
      double dy = (corner & 2 ? 1 : -1) * self->h / 2;
      double x = self->rotation == 0 ? cx + dx : cx + dx * c - dy * s;
      double y = self->rotation == 0 ? cy + dy : cy + dx * s + dy * c;

      if (!in_image (x, y, bounds))
        return outside_image (x, y, bounds, _("box corner"), error);
    }
  return TRUE;
}

gboolean
calque_shape_validate (const CalqueShape       *self,
                       const CalqueShapeBounds *bounds,
                       GError                 **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  switch (self->kind)
    {
    case CALQUE_SHAPE_BOX:
      return validate_box (self, bounds, error);

    case CALQUE_SHAPE_POINT:
      return check_finite (self->x, "point x", error)
             && check_finite (self->y, "point y", error)
             && (in_image (self->x, self->y, bounds) || outside_image (self->x, self->y, bounds, _("point"), error));

    case CALQUE_SHAPE_POLYGON:
    case CALQUE_SHAPE_POLYLINE:
      {
        gboolean polygon = self->kind == CALQUE_SHAPE_POLYGON;

        if (calque_shape_get_n_points (self) > CALQUE_SHAPE_MAX_POINTS)
          {
            g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_TOO_LARGE,
                         g_dngettext (GETTEXT_PACKAGE, "%s has %u point; at most %u are allowed",
                                      "%s has %u points; at most %u are allowed",
                                      calque_shape_get_n_points (self)),
                         calque_shape_kind_to_string (self->kind),
                         calque_shape_get_n_points (self), (guint) CALQUE_SHAPE_MAX_POINTS);
            return FALSE;
          }
        if (!check_ring (self->points, polygon ? 3 : 2,
                         polygon ? _("polygon") : _("polyline"), bounds, error))
          return FALSE;
        if (self->holes)
          {
            if (!polygon && self->holes->len > 0)
              {
                g_set_error_literal (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_GEOMETRY,
                                     _("a polyline cannot have holes"));
                return FALSE;
              }
            for (guint i = 0; i < self->holes->len; i++)
              {
                g_autofree char *what = g_strdup_printf (_("hole %u"), i + 1);

                if (!check_ring (g_ptr_array_index (self->holes, i), 3, what, bounds, error))
                  return FALSE;
              }
          }
        return TRUE;
      }

    case CALQUE_SHAPE_SPAN:
      if (self->span_start < 0 || self->span_end <= self->span_start)
        {
          g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_GEOMETRY,
                       _("span %lld–%lld is empty or reversed"),
                       (long long) self->span_start, (long long) self->span_end);
          return FALSE;
        }
      if (bounds && bounds->text_length > 0 && self->span_end > bounds->text_length)
        {
          g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_BOUNDS,
                       _("span %lld–%lld ends after the text, which has %lld characters"),
                       (long long) self->span_start, (long long) self->span_end,
                       (long long) bounds->text_length);
          return FALSE;
        }
      return TRUE;

    case CALQUE_SHAPE_SEGMENT:
      if (!check_finite (self->seg_start, "segment start", error)
          || !check_finite (self->seg_end, "segment end", error))
        return FALSE;
      if (self->seg_start < 0 || self->seg_end <= self->seg_start)
        {
          g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_GEOMETRY,
                       _("segment %g–%g s is empty or reversed"), self->seg_start, self->seg_end);
          return FALSE;
        }
      if (bounds && bounds->duration > 0 && self->seg_end > bounds->duration + BOUNDS_TOLERANCE)
        {
          g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_BOUNDS,
                       _("segment %g–%g s ends after the audio, which lasts %g s"),
                       self->seg_start, self->seg_end, bounds->duration);
          return FALSE;
        }
      if (bounds && bounds->channels > 0 && self->channel >= bounds->channels)
        {
          g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_BOUNDS,
                       g_dngettext (GETTEXT_PACKAGE, "segment channel %d does not exist; the audio has %d channel",
                                    "segment channel %d does not exist; the audio has %d channels",
                                    (gulong) bounds->channels),
                       self->channel, bounds->channels);
          return FALSE;
        }
      return TRUE;

    case CALQUE_SHAPE_CLASSIFICATION:
      return TRUE;

    default:
      g_set_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_SYNTAX,
                   _("unknown shape kind %d"), (int) self->kind);
      return FALSE;
    }
}
