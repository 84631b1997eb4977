/* calque-format.c — how the app words item counts, sizes and durations */
#define G_LOG_DOMAIN "calque-format"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "calque-format.h"

/* Enough to recognise a text in a list; the label ellipsizes the rest. */
#define DETAILS_EXCERPT_CHARS 80

char *
calque_format_item_count (gint64 n_items)
{
  guint n = (guint) CLAMP (n_items, 0, G_MAXUINT);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u item", "%u items", n), n);
}

char *
calque_format_duration (double seconds)
{
  guint64 total;
  guint hours, minutes, secs;

  if (!isfinite (seconds) || seconds < 0)
    seconds = 0;

  if (seconds < 60)
    /* Translators: a duration in seconds, such as "2.4 s" */
    return g_strdup_printf (_("%.1f s"), seconds);

  total = (guint64) llround (seconds);
  hours = (guint) (total / 3600);
  minutes = (guint) ((total / 60) % 60);
  secs = (guint) (total % 60);

  if (hours > 0)
    return g_strdup_printf ("%u:%02u:%02u", hours, minutes, secs);

  return g_strdup_printf ("%u:%02u", minutes, secs);
}

char *
calque_format_text_excerpt (const char *text,
                            guint       max_chars)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean pending_space = FALSE;
  guint n_chars = 0;
  const char *p;

  if (text == NULL)
    return g_strdup ("");

  for (p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      /* Stored texts are validated UTF-8; stop quietly if one is not. */
      if (c == (gunichar) -1 || c == (gunichar) -2)
        break;

      if (g_unichar_isspace (c))
        {
          pending_space = out->len > 0;
          continue;
        }

      if (n_chars + (pending_space ? 2 : 1) > max_chars)
        {
          g_string_append (out, "…");
          return g_string_free (g_steal_pointer (&out), FALSE);
        }

      if (pending_space)
        {
          g_string_append_c (out, ' ');
          n_chars++;
          pending_space = FALSE;
        }

      g_string_append_unichar (out, c);
      n_chars++;
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

const char *
calque_format_media_kind (const char *media)
{
  if (g_strcmp0 (media, "image") == 0)
    return C_("media type", "Image");
  if (g_strcmp0 (media, "text") == 0)
    return C_("media type", "Text");
  if (g_strcmp0 (media, "audio") == 0)
    return C_("media type", "Audio");

  return media != NULL ? media : "";
}

const char *
calque_format_task_state (const char *state)
{
  if (g_strcmp0 (state, "new") == 0)
    return C_("task state", "New");
  if (g_strcmp0 (state, "in_progress") == 0)
    return C_("task state", "In progress");
  if (g_strcmp0 (state, "submitted") == 0)
    return C_("task state", "Submitted");
  if (g_strcmp0 (state, "accepted") == 0)
    return C_("task state", "Accepted");
  if (g_strcmp0 (state, "rejected") == 0)
    return C_("task state", "Rejected");

  /* A state from a newer Calque: better its name than nothing. */
  return state != NULL ? state : "";
}

const char *
calque_format_media_icon (const char *media)
{
  if (g_strcmp0 (media, "image") == 0)
    return "image-x-generic-symbolic";
  if (g_strcmp0 (media, "text") == 0)
    return "text-x-generic-symbolic";
  if (g_strcmp0 (media, "audio") == 0)
    return "audio-x-generic-symbolic";

  return "text-x-generic-symbolic";
}

char *
calque_format_item_details (CalqueRecord *item)
{
  const char *media;
  g_autofree char *size = NULL;
  gint64 n_bytes;

  g_return_val_if_fail (CALQUE_IS_RECORD (item), NULL);

  media = calque_record_get_string (item, "media");
  n_bytes = calque_record_get_int (item, "size", -1);
  if (n_bytes >= 0)
    size = g_format_size ((guint64) n_bytes);

  if (g_strcmp0 (media, "text") == 0 && calque_record_get_string (item, "text") != NULL)
    return calque_format_text_excerpt (calque_record_get_string (item, "text"),
                                       DETAILS_EXCERPT_CHARS);

  if (g_strcmp0 (media, "image") == 0)
    {
      gint64 width = calque_record_get_int (item, "width", 0);
      gint64 height = calque_record_get_int (item, "height", 0);

      if (width > 0 && height > 0)
        {
          /* Translators: the size of an image in pixels, width×height */
          g_autofree char *dims = g_strdup_printf (C_("image size", "%u×%u"),
                                                   (guint) width, (guint) height);
          if (size == NULL)
            return g_steal_pointer (&dims);
          /* Translators: two details of an item, such as "640×480 · 87.0 kB" */
          return g_strdup_printf (C_("item details", "%s · %s"), dims, size);
        }
    }

  if (g_strcmp0 (media, "audio") == 0)
    {
      double duration = calque_record_get_double (item, "duration", -1);

      if (duration >= 0)
        {
          g_autofree char *length = calque_format_duration (duration);
          if (size == NULL)
            return g_steal_pointer (&length);
          return g_strdup_printf (C_("item details", "%s · %s"), length, size);
        }
    }

  return size != NULL ? g_steal_pointer (&size) : g_strdup ("");
}
