/* calque-item-comments.c — the comment threads of one item */
#define G_LOG_DOMAIN "calque-item-comments"

#include "calque-item-comments.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "calque-store-sync.h"
#include "calque-uuid.h"

/* More changed records than this are not looked at one by one. */
#define MAX_RECORDS_ONE_BY_ONE 64
/* A chain of parents longer than this is broken (or a loop). */
#define MAX_PARENT_DEPTH 16

/* Roles, weakest first, as server/calque-access.h ranks them. */
typedef enum {
  RANK_NONE,
  RANK_VIEWER,
  RANK_ANNOTATOR,
  RANK_REVIEWER,
  RANK_MANAGER,
  RANK_OWNER,
} Rank;

struct _CalqueItemComments
{
  GObject       parent_instance;

  CalqueStore  *store;
  CalqueRecord *item;
  char         *user;
  Rank          rank;
  GPtrArray    *rows;    /* CalqueRecord, in reading order */
  GHashTable   *roots;   /* comment id → the id of its thread's first comment (owned) */
  GHashTable   *read;    /* ids of the comments read (owned) */
  guint         n_unread;
};

enum {
  PROP_0,
  PROP_N_UNREAD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_QUARK (calque-item-comments-error-quark, calque_item_comments_error)

G_DEFINE_FINAL_TYPE_WITH_CODE (CalqueItemComments, calque_item_comments, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

/* --- helpers ------------------------------------------------------------------ */

static Rank
rank_from_role (const char *role)
{
  static const char * const names[] = { NULL, "viewer", "annotator", "reviewer", "manager", "owner" };

  for (guint i = 1; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (role, names[i]) == 0)
      return (Rank) i;
  return RANK_NONE;
}

/* The user's role in the project; a workspace without members is local,
 * and its user's own. */
static Rank
read_rank (CalqueStore  *store,
           const char   *project_id,
           const char   *user)
{
  g_autoptr(GPtrArray) members = calque_store_list (store, CALQUE_KIND_MEMBER, project_id, NULL);
  Rank rank = RANK_NONE;

  if (members == NULL || members->len == 0)
    return RANK_OWNER;
  for (guint i = 0; i < members->len; i++)
    if (g_strcmp0 (calque_record_get_string (g_ptr_array_index (members, i), "user"), user) == 0)
      rank = MAX (rank, rank_from_role (calque_record_get_string (g_ptr_array_index (members, i), "role")));
  return rank;
}

static char *
read_mark_key (const char *user,
               const char *item_id)
{
  /* User names have no ":". */
  return g_strconcat ("comments-read:", user, ":", item_id, NULL);
}

/* The ids of the comments @user has read on @item_id, as a set (owned keys). */
static GHashTable *
read_mark (CalqueStore *store,
           const char  *user,
           const char  *item_id)
{
  g_autofree char *key = read_mark_key (user, item_id);
  g_autofree char *value = calque_store_get_setting (store, key);
  GHashTable *read = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) ids = NULL;

  if (value == NULL)
    return read;
  ids = g_strsplit (value, " ", -1);
  for (guint i = 0; ids[i] != NULL; i++)
    if (ids[i][0] != '\0')
      g_hash_table_add (read, g_steal_pointer (&ids[i]));
  return read;
}

/* When a comment was written: its "created", else its id's time. */
static gint64
comment_time (CalqueRecord *comment)
{
  gint64 created = calque_record_get_int (comment, "created", -1);

  return created >= 0 ? created : calque_uuid7_get_time (calque_record_get_id (comment));
}

static gint
compare_comments (gconstpointer a,
                  gconstpointer b)
{
  CalqueRecord *ca = *(CalqueRecord **) a;
  CalqueRecord *cb = *(CalqueRecord **) b;
  gint64 ta = comment_time (ca), tb = comment_time (cb);

  if (ta != tb)
    return ta < tb ? -1 : 1;
  return strcmp (calque_record_get_id (ca), calque_record_get_id (cb));
}

static gboolean
is_unread (CalqueItemComments *self,
           CalqueRecord       *comment)
{
  return !calque_record_get_deleted (comment)
         && g_strcmp0 (calque_record_get_string (comment, "author"), self->user) != 0
         && !g_hash_table_contains (self->read, calque_record_get_id (comment));
}

static void
count_unread (CalqueItemComments *self)
{
  guint n = 0;

  for (guint i = 0; i < self->rows->len; i++)
    n += is_unread (self, g_ptr_array_index (self->rows, i));
  if (n != self->n_unread)
    {
      self->n_unread = n;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_UNREAD]);
    }
}

/* --- reading the threads --------------------------------------------------------- */

typedef struct {
  CalqueItemComments *self;
  GHashTable         *by_id;     /* id → CalqueRecord (borrowed from live or tombstones) */
  GPtrArray          *tombstones;
} Reading;

/* The comment @id of this item, live or deleted, or NULL. */
static CalqueRecord *
find_comment (Reading    *reading,
              const char *id)
{
  CalqueRecord *record = g_hash_table_lookup (reading->by_id, id);
  g_autoptr(CalqueRecord) stored = NULL;

  if (record != NULL)
    return record;
  /* Not among the live ones: deleted, or not here (another item, or a
   * comment the server does not send this user). */
  stored = calque_store_get (reading->self->store, id, NULL);
  if (stored == NULL || calque_record_get_kind (stored) != CALQUE_KIND_COMMENT
      || g_strcmp0 (calque_record_get_string (stored, "item"), calque_record_get_id (reading->self->item)) != 0)
    return NULL;
  g_ptr_array_add (reading->tombstones, g_object_ref (stored));
  g_hash_table_insert (reading->by_id, (gpointer) calque_record_get_id (stored), stored);
  return stored;
}

/* The first comment of @comment's thread: up its parents as far as they
 * are here. */
static CalqueRecord *
find_root (Reading      *reading,
           CalqueRecord *comment)
{
  CalqueRecord *root = comment;

  for (guint depth = 0; depth < MAX_PARENT_DEPTH; depth++)
    {
      const char *parent_id = calque_record_get_string (root, "parent");
      CalqueRecord *parent = parent_id != NULL ? find_comment (reading, parent_id) : NULL;

      if (parent == NULL || parent == comment)
        break;
      root = parent;
    }
  return root;
}

/* The rows as the store has them now, and the root of each. */
static GPtrArray *
read_rows (CalqueItemComments *self,
           GHashTable         *roots)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) live = calque_store_list_for_item (self->store, CALQUE_KIND_COMMENT,
                                                          calque_record_get_id (self->item), &error);
  g_autoptr(GHashTable) threads = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                                         (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) firsts = g_ptr_array_new ();
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_object_unref);
  Reading reading = { self, g_hash_table_new (g_str_hash, g_str_equal), g_ptr_array_new_with_free_func (g_object_unref) };

  if (live == NULL)
    {
      g_warning ("cannot read the comments of item %s: %s", calque_record_get_id (self->item), error->message);
      live = g_ptr_array_new_with_free_func (g_object_unref);
    }
  for (guint i = 0; i < live->len; i++)
    g_hash_table_insert (reading.by_id, (gpointer) calque_record_get_id (g_ptr_array_index (live, i)),
                         g_ptr_array_index (live, i));

  for (guint i = 0; i < live->len; i++)
    {
      CalqueRecord *comment = g_ptr_array_index (live, i);
      CalqueRecord *root = find_root (&reading, comment);
      GPtrArray *replies = g_hash_table_lookup (threads, root);

      if (replies == NULL)
        {
          replies = g_ptr_array_new ();
          g_hash_table_insert (threads, root, replies);
          g_ptr_array_add (firsts, root);
        }
      if (root != comment)
        g_ptr_array_add (replies, comment);
    }

  g_ptr_array_sort (firsts, compare_comments);
  for (guint i = 0; i < firsts->len; i++)
    {
      CalqueRecord *root = g_ptr_array_index (firsts, i);
      GPtrArray *replies = g_hash_table_lookup (threads, root);

      g_ptr_array_add (rows, g_object_ref (root));
      g_ptr_array_sort (replies, compare_comments);
      for (guint j = 0; j < replies->len; j++)
        g_ptr_array_add (rows, g_object_ref (g_ptr_array_index (replies, j)));
    }

  for (guint i = 0; i < rows->len; )
    {
      CalqueRecord *root = g_ptr_array_index (rows, i);
      GPtrArray *replies = g_hash_table_lookup (threads, root);

      for (guint j = 0; j <= replies->len; j++)
        g_hash_table_insert (roots, g_strdup (calque_record_get_id (g_ptr_array_index (rows, i + j))),
                             g_strdup (calque_record_get_id (root)));
      i += replies->len + 1;
    }

  g_hash_table_unref (reading.by_id);
  g_ptr_array_unref (reading.tombstones);
  return rows;
}

static gboolean
same_row (CalqueRecord *a,
          CalqueRecord *b)
{
  return g_strcmp0 (calque_record_get_id (a), calque_record_get_id (b)) == 0 && calque_record_equal (a, b);
}

/* Reads the rows again and tells the views of the rows that changed, as
 * one range. */
static void
load (CalqueItemComments *self)
{
  GHashTable *roots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GPtrArray *rows = read_rows (self, roots);
  guint old_len = self->rows->len;
  guint prefix = 0, suffix = 0;

  while (prefix < old_len && prefix < rows->len
         && same_row (g_ptr_array_index (self->rows, prefix), g_ptr_array_index (rows, prefix)))
    prefix++;
  while (suffix < old_len - prefix && suffix < rows->len - prefix
         && same_row (g_ptr_array_index (self->rows, old_len - 1 - suffix),
                      g_ptr_array_index (rows, rows->len - 1 - suffix)))
    suffix++;
  /* The rows that stayed the same keep the objects the views hold. */
  for (guint i = 0; i < rows->len; i++)
    {
      guint old = i < prefix ? i : i >= rows->len - suffix ? old_len - (rows->len - i) : G_MAXUINT;

      if (old == G_MAXUINT)
        continue;
      g_object_unref (g_ptr_array_index (rows, i));
      g_ptr_array_index (rows, i) = g_object_ref (g_ptr_array_index (self->rows, old));
    }

  g_ptr_array_unref (self->rows);
  self->rows = rows;
  g_hash_table_unref (self->roots);
  self->roots = roots;
  if (prefix + suffix < old_len || prefix + suffix < rows->len)
    g_list_model_items_changed (G_LIST_MODEL (self), prefix, old_len - prefix - suffix,
                                rows->len - prefix - suffix);
  count_unread (self);
}

static gboolean
find_row (CalqueItemComments *self,
          const char         *id,
          guint              *out_position)
{
  for (guint i = 0; id != NULL && i < self->rows->len; i++)
    if (strcmp (calque_record_get_id (g_ptr_array_index (self->rows, i)), id) == 0)
      {
        *out_position = i;
        return TRUE;
      }
  return FALSE;
}

/* The live comment @id of this item, or NULL with an error. */
static CalqueRecord *
get_live (CalqueItemComments  *self,
          const char          *id,
          GError             **error)
{
  guint position;
  CalqueRecord *comment;

  if (!find_row (self, id, &position)
      || calque_record_get_deleted (comment = g_ptr_array_index (self->rows, position)))
    {
      g_set_error (error, CALQUE_ITEM_COMMENTS_ERROR, CALQUE_ITEM_COMMENTS_ERROR_NOT_FOUND,
                   _("comment %s: not a comment of item “%s”"), id != NULL ? id : "(none)",
                   calque_record_get_string (self->item, "name"));
      return NULL;
    }
  return comment;
}

static gboolean
is_author (CalqueItemComments *self,
           CalqueRecord       *comment)
{
  return g_strcmp0 (calque_record_get_string (comment, "author"), self->user) == 0;
}

/* @text as it is stored: valid UTF-8, trimmed, not empty. */
static char *
clean_text (const char  *text,
            GError     **error)
{
  g_autofree char *trimmed = NULL;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, CALQUE_ITEM_COMMENTS_ERROR, CALQUE_ITEM_COMMENTS_ERROR_EMPTY,
                           _("a comment’s text must be UTF-8 text"));
      return NULL;
    }
  trimmed = g_strstrip (g_strdup (text));
  if (trimmed[0] == '\0')
    {
      g_set_error_literal (error, CALQUE_ITEM_COMMENTS_ERROR, CALQUE_ITEM_COMMENTS_ERROR_EMPTY,
                           _("a comment needs some text"));
      return NULL;
    }
  return g_steal_pointer (&trimmed);
}

static gboolean
check_can_write (CalqueItemComments  *self,
                 GError             **error)
{
  if (self->rank >= RANK_ANNOTATOR)
    return TRUE;
  g_set_error_literal (error, CALQUE_ITEM_COMMENTS_ERROR, CALQUE_ITEM_COMMENTS_ERROR_FORBIDDEN,
                       self->rank == RANK_VIEWER ? _("a viewer can read comments but not write them")
                                                 : _("you are not a member of this project"));
  return FALSE;
}

static gboolean
save (CalqueItemComments  *self,
      CalqueRecord        *comment,
      GError             **error)
{
  if (!calque_store_save (self->store, comment, error))
    return FALSE;
  load (self);
  return TRUE;
}

/* --- GListModel ------------------------------------------------------------------- */

static GType
list_get_item_type (GListModel *model)
{
  return CALQUE_TYPE_RECORD;
}

static guint
list_get_n_items (GListModel *model)
{
  return CALQUE_ITEM_COMMENTS (model)->rows->len;
}

static gpointer
list_get_item (GListModel *model,
               guint       position)
{
  CalqueItemComments *self = CALQUE_ITEM_COMMENTS (model);

  if (position >= self->rows->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->rows, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_get_item_type;
  iface->get_n_items = list_get_n_items;
  iface->get_item = list_get_item;
}

/* --- GObject ---------------------------------------------------------------------- */

static void
calque_item_comments_finalize (GObject *object)
{
  CalqueItemComments *self = CALQUE_ITEM_COMMENTS (object);

  g_clear_object (&self->store);
  g_clear_object (&self->item);
  g_free (self->user);
  g_ptr_array_unref (self->rows);
  g_hash_table_unref (self->roots);
  g_hash_table_unref (self->read);

  G_OBJECT_CLASS (calque_item_comments_parent_class)->finalize (object);
}

static void
calque_item_comments_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  CalqueItemComments *self = CALQUE_ITEM_COMMENTS (object);

  switch (prop_id)
    {
    case PROP_N_UNREAD:
      g_value_set_uint (value, self->n_unread);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
calque_item_comments_class_init (CalqueItemCommentsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = calque_item_comments_finalize;
  object_class->get_property = calque_item_comments_get_property;

  /**
   * CalqueItemComments:n-unread:
   *
   * How many comments by others the user has not read here.
   */
  properties[PROP_N_UNREAD] =
    g_param_spec_uint ("n-unread", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
calque_item_comments_init (CalqueItemComments *self)
{
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->roots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* --- public API ---------------------------------------------------------------------- */

CalqueItemComments *
calque_item_comments_new (CalqueStore   *store,
                          CalqueRecord  *item,
                          const char    *user,
                          GError       **error)
{
  g_autoptr(CalqueItemComments) self = NULL;

  g_return_val_if_fail (CALQUE_IS_STORE (store), NULL);
  g_return_val_if_fail (CALQUE_IS_RECORD (item), NULL);
  g_return_val_if_fail (user != NULL, NULL);

  if (calque_record_get_kind (item) != CALQUE_KIND_ITEM)
    {
      g_set_error (error, CALQUE_ITEM_COMMENTS_ERROR, CALQUE_ITEM_COMMENTS_ERROR_NOT_FOUND,
                   _("%s %s is not an item"), calque_kind_to_string (calque_record_get_kind (item)),
                   calque_record_get_id (item));
      return NULL;
    }
  self = g_object_new (CALQUE_TYPE_ITEM_COMMENTS, NULL);
  self->store = g_object_ref (store);
  self->item = g_object_ref (item);
  self->user = g_strdup (user);
  self->rank = read_rank (store, calque_record_get_project (item), user);
  self->read = read_mark (store, user, calque_record_get_id (item));
  load (self);
  return g_steal_pointer (&self);
}

CalqueRecord *
calque_item_comments_get_item (CalqueItemComments *self)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_COMMENTS (self), NULL);

  return self->item;
}

const char *
calque_item_comments_get_user (CalqueItemComments *self)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_COMMENTS (self), NULL);

  return self->user;
}

CalqueRecord *
calque_item_comments_lookup (CalqueItemComments *self,
                             const char         *id)
{
  guint position;

  g_return_val_if_fail (CALQUE_IS_ITEM_COMMENTS (self), NULL);

  return find_row (self, id, &position) ? g_ptr_array_index (self->rows, position) : NULL;
}

const char *
calque_item_comments_get_root (CalqueItemComments *self,
                               const char         *id)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_COMMENTS (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return g_hash_table_lookup (self->roots, id);
}

gboolean
calque_item_comments_is_reply (CalqueItemComments *self,
                               const char         *id)
{
  const char *root;

  g_return_val_if_fail (CALQUE_IS_ITEM_COMMENTS (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  root = g_hash_table_lookup (self->roots, id);
  return root != NULL && strcmp (root, id) != 0;
}

const char *
calque_item_comments_get_annotation (CalqueItemComments *self,
                                     const char         *id)
{
  CalqueRecord *root;

  g_return_val_if_fail (CALQUE_IS_ITEM_COMMENTS (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  root = calque_item_comments_lookup (self, g_hash_table_lookup (self->roots, id));
  return root != NULL ? calque_record_get_string (root, "annotation") : NULL;
}

gboolean
calque_item_comments_is_resolved (CalqueItemComments *self,
                                  const char         *id)
{
  CalqueRecord *root;

  g_return_val_if_fail (CALQUE_IS_ITEM_COMMENTS (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  root = calque_item_comments_lookup (self, g_hash_table_lookup (self->roots, id));
  return root != NULL && calque_record_get_bool (root, "resolved", FALSE);
}

guint
calque_item_comments_get_n_threads (CalqueItemComments *self)
{
  guint n = 0;

  g_return_val_if_fail (CALQUE_IS_ITEM_COMMENTS (self), 0);

  for (guint i = 0; i < self->rows->len; i++)
    n += !calque_item_comments_is_reply (self, calque_record_get_id (g_ptr_array_index (self->rows, i)));
  return n;
}

char *
calque_item_comments_add (CalqueItemComments  *self,
                          const char          *annotation_id,
                          const char          *parent_id,
                          const char          *text,
                          GError             **error)
{
  g_autoptr(CalqueRecord) comment = NULL;
  g_autofree char *clean = NULL;
  const char *root_id = NULL;

  g_return_val_if_fail (CALQUE_IS_ITEM_COMMENTS (self), NULL);

  if (!check_can_write (self, error) || !(clean = clean_text (text, error)))
    return NULL;
  if (parent_id != NULL)
    {
      /* A reply goes to the thread, on what the thread is on; a thread
       * whose first comment was deleted can still be answered. */
      root_id = g_hash_table_lookup (self->roots, parent_id);
      if (root_id == NULL)
        {
          g_set_error (error, CALQUE_ITEM_COMMENTS_ERROR, CALQUE_ITEM_COMMENTS_ERROR_NOT_FOUND,
                       _("comment %s: not a comment of item “%s”"), parent_id,
                       calque_record_get_string (self->item, "name"));
          return NULL;
        }
      annotation_id = calque_item_comments_get_annotation (self, root_id);
    }
  else if (annotation_id != NULL)
    {
      g_autoptr(CalqueRecord) annotation = calque_store_get (self->store, annotation_id, NULL);

      if (annotation == NULL || calque_record_get_deleted (annotation)
          || calque_record_get_kind (annotation) != CALQUE_KIND_ANNOTATION
          || g_strcmp0 (calque_record_get_string (annotation, "item"), calque_record_get_id (self->item)) != 0)
        {
          g_set_error (error, CALQUE_ITEM_COMMENTS_ERROR, CALQUE_ITEM_COMMENTS_ERROR_NOT_FOUND,
                       _("annotation %s: not an annotation of item “%s”"), annotation_id,
                       calque_record_get_string (self->item, "name"));
          return NULL;
        }
    }

  comment = calque_record_new (CALQUE_KIND_COMMENT, calque_record_get_project (self->item));
  calque_record_set_string (comment, "item", calque_record_get_id (self->item));
  if (annotation_id != NULL)
    calque_record_set_string (comment, "annotation", annotation_id);
  if (root_id != NULL)
    calque_record_set_string (comment, "parent", root_id);
  calque_record_set_string (comment, "author", self->user);
  calque_record_set_string (comment, "text", clean);
  calque_record_set_int (comment, "created", g_get_real_time () / 1000);
  if (!save (self, comment, error))
    return NULL;
  return g_strdup (calque_record_get_id (comment));
}

gboolean
calque_item_comments_edit (CalqueItemComments  *self,
                           const char          *id,
                           const char          *text,
                           GError             **error)
{
  g_autoptr(CalqueRecord) edited = NULL;
  g_autofree char *clean = NULL;
  CalqueRecord *comment;

  g_return_val_if_fail (CALQUE_IS_ITEM_COMMENTS (self), FALSE);

  if (!(comment = get_live (self, id, error)))
    return FALSE;
  if (!is_author (self, comment))
    {
      g_set_error (error, CALQUE_ITEM_COMMENTS_ERROR, CALQUE_ITEM_COMMENTS_ERROR_NOT_AUTHOR,
                   _("comment %s: only its author, %s, can edit it"), id,
                   calque_record_get_string (comment, "author"));
      return FALSE;
    }
  if (!check_can_write (self, error) || !(clean = clean_text (text, error)))
    return FALSE;
  if (g_strcmp0 (calque_record_get_string (comment, "text"), clean) == 0)
    return TRUE;
  edited = calque_record_copy (comment);
  calque_record_set_string (edited, "text", clean);
  calque_record_set_int (edited, "edited", g_get_real_time () / 1000);
  return save (self, edited, error);
}

gboolean
calque_item_comments_remove (CalqueItemComments  *self,
                             const char          *id,
                             GError             **error)
{
  g_autoptr(CalqueRecord) gone = NULL;
  CalqueRecord *comment;

  g_return_val_if_fail (CALQUE_IS_ITEM_COMMENTS (self), FALSE);

  if (!(comment = get_live (self, id, error)))
    return FALSE;
  if (!calque_item_comments_can_remove (self, id))
    {
      g_set_error (error, CALQUE_ITEM_COMMENTS_ERROR,
                   self->rank >= RANK_ANNOTATOR ? CALQUE_ITEM_COMMENTS_ERROR_NOT_AUTHOR
                                                : CALQUE_ITEM_COMMENTS_ERROR_FORBIDDEN,
                   _("comment %s: only its author, %s, or an owner or manager can delete it"), id,
                   calque_record_get_string (comment, "author"));
      return FALSE;
    }
  /* Nothing but the tombstone: a manager removes a comment, never
   * rewrites it. */
  gone = calque_record_copy (comment);
  calque_record_mark_clean (gone);
  calque_record_set_deleted (gone, TRUE);
  return save (self, gone, error);
}

gboolean
calque_item_comments_set_resolved (CalqueItemComments  *self,
                                   const char          *id,
                                   gboolean             resolved,
                                   GError             **error)
{
  g_autoptr(CalqueRecord) changed = NULL;
  const char *root_id;
  CalqueRecord *root;

  g_return_val_if_fail (CALQUE_IS_ITEM_COMMENTS (self), FALSE);

  root_id = id != NULL ? g_hash_table_lookup (self->roots, id) : NULL;
  if (!(root = get_live (self, root_id != NULL ? root_id : id, error)))
    return FALSE;
  if (!calque_item_comments_can_resolve (self, root_id))
    {
      g_set_error (error, CALQUE_ITEM_COMMENTS_ERROR, CALQUE_ITEM_COMMENTS_ERROR_FORBIDDEN,
                   resolved ? _("comment %s: only the thread’s author, %s, or a reviewer, manager or owner can "
                                "resolve it")
                            : _("comment %s: only the thread’s author, %s, or a reviewer, manager or owner can "
                                "reopen it"),
                   root_id, calque_record_get_string (root, "author"));
      return FALSE;
    }
  if (calque_record_get_bool (root, "resolved", FALSE) == resolved)
    return TRUE;
  changed = calque_record_copy (root);
  calque_record_set_bool (changed, "resolved", resolved);
  return save (self, changed, error);
}

gboolean
calque_item_comments_can_write (CalqueItemComments *self)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_COMMENTS (self), FALSE);

  return self->rank >= RANK_ANNOTATOR;
}

gboolean
calque_item_comments_can_edit (CalqueItemComments *self,
                               const char         *id)
{
  CalqueRecord *comment;

  g_return_val_if_fail (CALQUE_IS_ITEM_COMMENTS (self), FALSE);

  comment = calque_item_comments_lookup (self, id);
  return comment != NULL && !calque_record_get_deleted (comment) && self->rank >= RANK_ANNOTATOR
         && is_author (self, comment);
}

gboolean
calque_item_comments_can_remove (CalqueItemComments *self,
                                 const char         *id)
{
  CalqueRecord *comment;

  g_return_val_if_fail (CALQUE_IS_ITEM_COMMENTS (self), FALSE);

  comment = calque_item_comments_lookup (self, id);
  return comment != NULL && !calque_record_get_deleted (comment) && self->rank >= RANK_ANNOTATOR
         && (is_author (self, comment) || self->rank >= RANK_MANAGER);
}

gboolean
calque_item_comments_can_resolve (CalqueItemComments *self,
                                  const char         *id)
{
  CalqueRecord *root;

  g_return_val_if_fail (CALQUE_IS_ITEM_COMMENTS (self), FALSE);

  root = id != NULL ? calque_item_comments_lookup (self, g_hash_table_lookup (self->roots, id)) : NULL;
  return root != NULL && !calque_record_get_deleted (root) && self->rank >= RANK_ANNOTATOR
         && (is_author (self, root) || self->rank >= RANK_REVIEWER);
}

guint
calque_item_comments_get_n_unread (CalqueItemComments *self)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_COMMENTS (self), 0);

  return self->n_unread;
}

gboolean
calque_item_comments_is_unread (CalqueItemComments *self,
                                const char         *id)
{
  CalqueRecord *comment;

  g_return_val_if_fail (CALQUE_IS_ITEM_COMMENTS (self), FALSE);

  comment = calque_item_comments_lookup (self, id);
  return comment != NULL && is_unread (self, comment);
}

gboolean
calque_item_comments_mark_read (CalqueItemComments  *self,
                                GError             **error)
{
  g_autoptr(GString) value = g_string_new (NULL);
  g_autoptr(GHashTable) read = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (CALQUE_IS_ITEM_COMMENTS (self), FALSE);

  if (self->n_unread == 0)
    return TRUE;
  /* The comments by others shown now: one's own are never unread, and
   * the deleted ones are gone. */
  read = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < self->rows->len; i++)
    {
      CalqueRecord *comment = g_ptr_array_index (self->rows, i);

      if (calque_record_get_deleted (comment) || is_author (self, comment))
        continue;
      if (value->len > 0)
        g_string_append_c (value, ' ');
      g_string_append (value, calque_record_get_id (comment));
      g_hash_table_add (read, g_strdup (calque_record_get_id (comment)));
    }
  key = read_mark_key (self->user, calque_record_get_id (self->item));
  if (!calque_store_set_setting (self->store, key, value->str, error))
    return FALSE;
  g_hash_table_unref (self->read);
  self->read = g_steal_pointer (&read);
  count_unread (self);
  return TRUE;
}

GHashTable *
calque_item_comments_dup_marks (CalqueItemComments *self)
{
  GHashTable *marks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) open = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (CALQUE_IS_ITEM_COMMENTS (self), NULL);

  for (guint i = 0; i < self->rows->len; i++)
    {
      CalqueRecord *comment = g_ptr_array_index (self->rows, i);
      const char *id = calque_record_get_id (comment);
      const char *annotation = calque_item_comments_get_annotation (self, id);
      guint value;

      if (annotation == NULL || calque_record_get_deleted (comment))
        continue;
      value = GPOINTER_TO_UINT (g_hash_table_lookup (marks, annotation));
      if (!calque_item_comments_is_resolved (self, id))
        g_hash_table_add (open, (gpointer) annotation);
      value = CALQUE_COMMENT_MARK_COUNT (value) + 1;
      g_hash_table_insert (marks, g_strdup (annotation), GUINT_TO_POINTER (value));
    }
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, marks);
    while (g_hash_table_iter_next (&iter, &key, &value))
      if (!g_hash_table_contains (open, key))
        g_hash_table_iter_replace (&iter, GUINT_TO_POINTER (GPOINTER_TO_UINT (value) | CALQUE_COMMENT_MARK_RESOLVED));
  }
  return marks;
}

void
calque_item_comments_reload (CalqueItemComments *self)
{
  g_return_if_fail (CALQUE_IS_ITEM_COMMENTS (self));

  load (self);
}

void
calque_item_comments_reload_records (CalqueItemComments *self,
                                     const char * const *ids)
{
  guint position;

  g_return_if_fail (CALQUE_IS_ITEM_COMMENTS (self));

  if (ids == NULL)
    return;
  if (g_strv_length ((char **) ids) > MAX_RECORDS_ONE_BY_ONE)
    {
      load (self);
      return;
    }
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(CalqueRecord) record = NULL;

      if (find_row (self, ids[i], &position))
        {
          load (self);
          return;
        }
      record = calque_store_get (self->store, ids[i], NULL);
      if (record != NULL && calque_record_get_kind (record) == CALQUE_KIND_COMMENT
          && g_strcmp0 (calque_record_get_string (record, "item"), calque_record_get_id (self->item)) == 0)
        {
          load (self);
          return;
        }
    }
}

GHashTable *
calque_comments_count_unread (CalqueStore  *store,
                              const char   *project_id,
                              const char   *user,
                              guint        *out_total,
                              GError      **error)
{
  g_autoptr(GPtrArray) comments = NULL;
  g_autoptr(GHashTable) by_item = NULL;
  GHashTable *counts;
  GHashTableIter iter;
  gpointer item_id, ids;
  guint total = 0;

  g_return_val_if_fail (CALQUE_IS_STORE (store), NULL);
  g_return_val_if_fail (project_id != NULL && user != NULL, NULL);

  comments = calque_store_list (store, CALQUE_KIND_COMMENT, project_id, error);
  if (comments == NULL)
    return NULL;
  /* Item → the ids of the comments by others on it. */
  by_item = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < comments->len; i++)
    {
      CalqueRecord *comment = g_ptr_array_index (comments, i);
      const char *item = calque_record_get_string (comment, "item");
      GPtrArray *of_item;

      if (item == NULL || g_strcmp0 (calque_record_get_string (comment, "author"), user) == 0)
        continue;
      of_item = g_hash_table_lookup (by_item, item);
      if (of_item == NULL)
        {
          of_item = g_ptr_array_new ();
          g_hash_table_insert (by_item, (gpointer) item, of_item);
        }
      g_ptr_array_add (of_item, (gpointer) calque_record_get_id (comment));
    }

  counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_iter_init (&iter, by_item);
  while (g_hash_table_iter_next (&iter, &item_id, &ids))
    {
      g_autoptr(GHashTable) read = read_mark (store, user, item_id);
      guint n = 0;

      for (guint i = 0; i < ((GPtrArray *) ids)->len; i++)
        n += !g_hash_table_contains (read, g_ptr_array_index ((GPtrArray *) ids, i));
      if (n > 0)
        g_hash_table_insert (counts, g_strdup (item_id), GUINT_TO_POINTER (n));
      total += n;
    }
  if (out_total != NULL)
    *out_total = total;
  return counts;
}
