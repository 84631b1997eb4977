/* calque-comment-mentions.c — @name mentions in the plain text of a comment */
#define G_LOG_DOMAIN "calque-comment-mentions"

#include "calque-comment-mentions.h"

#include <string.h>

/* A user name is at most this long (CALQUE_USER_NAME_MAX_BYTES on the server). */
#define MAX_NAME_BYTES 64

static gboolean
is_name_char (gunichar c)
{
  return g_unichar_isalnum (c) || g_unichar_ismark (c) || c == '_' || c == '-' || c == '.';
}

/* What may stand before the "@" of an e-mail address: a mention needs
 * something else there. */
static gboolean
is_address_char (gunichar c)
{
  return is_name_char (c) || c == '+' || c == '@';
}

static void
clear_mention (gpointer data)
{
  CalqueMention *mention = data;

  g_free (mention->name);
}

GArray *
calque_comment_find_mentions (const char *text)
{
  GArray *mentions = g_array_new (FALSE, FALSE, sizeof (CalqueMention));
  gunichar before = 0;   /* the character before p; 0 at the start */
  const char *p;

  g_array_set_clear_func (mentions, clear_mention);
  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return mentions;

  for (p = text; *p != '\0'; )
    {
      const char *name;
      const char *end;
      const char *q;

      if (*p != '@' || (before != 0 && is_address_char (before)))
        {
          before = g_utf8_get_char (p);
          p = g_utf8_next_char (p);
          continue;
        }

      name = p + 1;
      for (q = name; *q != '\0' && is_name_char (g_utf8_get_char (q)); q = g_utf8_next_char (q))
        ;
      end = q;
      /* A dot or a dash at the end is the sentence's. */
      while (end > name && (end[-1] == '.' || end[-1] == '-'))
        end--;
      if (end > name && end - name <= MAX_NAME_BYTES && *q != '@')
        {
          CalqueMention mention = { (gsize) (p - text), (gsize) (end - text), g_strndup (name, end - name) };

          g_array_append_val (mentions, mention);
        }
      /* On after the name, or after a lone "@": what follows it is not
       * the start of another mention ("@@a", "@a@b"). */
      p = end > name ? end : name;
      before = g_utf8_get_char (g_utf8_prev_char (p));
    }
  return mentions;
}

GStrv
calque_comment_mentions (const char *text)
{
  g_autoptr(GArray) mentions = calque_comment_find_mentions (text);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < mentions->len; i++)
    {
      const char *name = g_array_index (mentions, CalqueMention, i).name;

      if (g_hash_table_add (seen, (gpointer) name))
        g_strv_builder_add (builder, name);
    }
  return g_strv_builder_end (builder);
}

gboolean
calque_comment_mentions_user (const char *text,
                              const char *name)
{
  g_autoptr(GArray) mentions = NULL;

  g_return_val_if_fail (name != NULL, FALSE);

  mentions = calque_comment_find_mentions (text);
  for (guint i = 0; i < mentions->len; i++)
    if (strcmp (g_array_index (mentions, CalqueMention, i).name, name) == 0)
      return TRUE;
  return FALSE;
}
