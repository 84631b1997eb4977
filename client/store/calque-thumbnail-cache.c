/* calque-thumbnail-cache.c — small pictures of a workspace's images
 *
 * Two sides share a Shared struct: the main thread, which owns every
 * table of the cache object, and up to N_WORKERS worker threads, which
 * only ever see the queue of jobs (under Shared.mutex) and the files.
 * Workers report back through the main context with a weak reference to
 * the cache, so that disposing of it never waits for a decode to end: the
 * workers finish the job in hand, drop the rest, and their last results
 * fall on the floor.
 */
#define G_LOG_DOMAIN "calque-thumbnails"

#include "calque-thumbnail-cache.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

/* Two threads keep a list scrolling with thumbnails coming in, and leave
 * the other cores to the UI and to sync. */
#define N_WORKERS 2
/* About two screens of rows: what is further back has scrolled away. */
#define DEFAULT_MAX_QUEUED 64
/* 128 × 128 RGBA is 64 KiB: at most 16 MiB of thumbnails in memory. */
#define DEFAULT_MAX_IN_MEMORY 256

typedef struct {
  char   *sha256;
  char   *blob_path;
  char   *thumb_path;
  gsize   serial;  /* which request this is, to tell a stale answer */
} Job;

typedef struct {
  gatomicrefcount  ref;
  GMutex           mutex;
  GQueue           queue;      /* of Job, newest at the head; under mutex */
  guint            n_workers;  /* threads running; under mutex */
  gboolean         shut_down;  /* the cache is gone; under mutex */
  int              size;
  GMainContext    *context;    /* where results are delivered */
  GWeakRef         owner;      /* the CalqueThumbnailCache */
} Shared;

typedef struct {
  Shared    *shared;
  char      *sha256;
  gsize      serial;
  GdkPixbuf *pixbuf;
  GError    *error;
} Result;

/* What the memory knows of a blob: its thumbnail, or that the blob is
 * not there (which may change, so it is forgotten with the rest). */
typedef struct {
  char      *sha256;
  GdkPixbuf *pixbuf;
  GError    *error;
  GList      link;  /* in lru */
} Entry;

struct _CalqueThumbnailCache {
  GObject          parent_instance;

  CalqueBlobCache *blobs;
  char            *dir;
  Shared          *shared;

  GHashTable      *memory;   /* sha256 → Entry */
  GQueue           lru;      /* of Entry, most recent at the head */
  GHashTable      *failed;   /* sha256 → GError: never tried again */
  GHashTable      *pending;  /* sha256 → serial of the request on its way */
  gsize            last_serial;

  guint            max_queued;
  guint            max_in_memory;
};

G_DEFINE_FINAL_TYPE (CalqueThumbnailCache, calque_thumbnail_cache, G_TYPE_OBJECT)
G_DEFINE_QUARK (calque-thumbnail-error-quark, calque_thumbnail_error)

enum {
  THUMBNAIL_READY,
  THUMBNAIL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Jobs, results and entries */

static void
job_free (Job *job)
{
  g_free (job->sha256);
  g_free (job->blob_path);
  g_free (job->thumb_path);
  g_free (job);
}

static Shared *
shared_ref (Shared *shared)
{
  g_atomic_ref_count_inc (&shared->ref);
  return shared;
}

static void
shared_unref (Shared *shared)
{
  if (!g_atomic_ref_count_dec (&shared->ref))
    return;

  g_queue_clear_full (&shared->queue, (GDestroyNotify) job_free);
  g_mutex_clear (&shared->mutex);
  g_weak_ref_clear (&shared->owner);
  g_main_context_unref (shared->context);
  g_free (shared);
}

static void
result_free (gpointer data)
{
  Result *result = data;

  shared_unref (result->shared);
  g_free (result->sha256);
  g_clear_object (&result->pixbuf);
  g_clear_error (&result->error);
  g_free (result);
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_free (entry->sha256);
  g_clear_object (&entry->pixbuf);
  g_clear_error (&entry->error);
  g_free (entry);
}

static gboolean
is_sha256 (const char *s)
{
  if (s == NULL || strlen (s) != 64)
    return FALSE;
  for (int i = 0; i < 64; i++)
    if (!g_ascii_isdigit (s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
      return FALSE;
  return TRUE;
}

/* The worker side: no GObject of the cache is touched here */

/* A PNG this cache wrote before. A file that does not decode (a crash
 * while writing is not possible, the write is atomic, but a disk can
 * fail) is removed and made again. */
static GdkPixbuf *
read_saved_thumbnail (const char *thumb_path,
                      int         size)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;

  pixbuf = gdk_pixbuf_new_from_file (thumb_path, &error);
  if (pixbuf == NULL)
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_debug ("%s: unreadable thumbnail, making it again: %s", thumb_path, error->message);
          g_unlink (thumb_path);
        }
      return NULL;
    }
  if (gdk_pixbuf_get_width (pixbuf) > size || gdk_pixbuf_get_height (pixbuf) > size)
    return NULL;

  return g_steal_pointer (&pixbuf);
}

/* g_file_set_contents() writes a temporary file and renames it, so that
 * a reader, or the next run after a crash, never sees half a PNG. */
static void
save_thumbnail (GdkPixbuf  *pixbuf,
                const char *thumb_path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_path_get_dirname (thumb_path);
  g_autofree char *png = NULL;
  gsize len = 0;

  if (g_mkdir_with_parents (folder, 0755) != 0)
    {
      int saved = errno;
      g_debug ("%s: cannot create the folder: %s", folder, g_strerror (saved));
      return;
    }
  /* Not being able to save only costs a decode on the next run. */
  if (!gdk_pixbuf_save_to_buffer (pixbuf, &png, &len, "png", &error, NULL) ||
      !g_file_set_contents (thumb_path, png, len, &error))
    g_debug ("%s: cannot save the thumbnail: %s", thumb_path, error->message);
}

static GdkPixbuf *
make_thumbnail (const Job  *job,
                int         size,
                GError    **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkPixbuf) oriented = NULL;
  g_autoptr(GError) local_error = NULL;
  int width = 0, height = 0;

  pixbuf = read_saved_thumbnail (job->thumb_path, size);
  if (pixbuf != NULL)
    return g_steal_pointer (&pixbuf);

  if (!g_file_test (job->blob_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, CALQUE_THUMBNAIL_ERROR, CALQUE_THUMBNAIL_ERROR_NO_BLOB,
                   _("%s: the media is not in the workspace yet"), job->blob_path);
      return NULL;
    }

  if (gdk_pixbuf_get_file_info (job->blob_path, &width, &height) == NULL)
    {
      g_set_error (error, CALQUE_THUMBNAIL_ERROR, CALQUE_THUMBNAIL_ERROR_DECODE,
                   _("%s: not an image format that can be read"), job->blob_path);
      return NULL;
    }

  /* Small pictures are kept as they are: scaling them up would only blur
   * them, and the row shows them smaller anyway. Large ones are decoded at
   * the size asked, which the JPEG loader does in a fraction of the time
   * of a full decode. */
  if (width > 0 && height > 0 && width <= size && height <= size)
    pixbuf = gdk_pixbuf_new_from_file (job->blob_path, &local_error);
  else
    pixbuf = gdk_pixbuf_new_from_file_at_scale (job->blob_path, size, size, TRUE, &local_error);
  if (pixbuf == NULL)
    {
      g_set_error (error, CALQUE_THUMBNAIL_ERROR, CALQUE_THUMBNAIL_ERROR_DECODE,
                   _("%s: cannot read the image: %s"), job->blob_path, local_error->message);
      return NULL;
    }

  /* Photos from phones are often stored sideways with an EXIF tag. */
  oriented = gdk_pixbuf_apply_embedded_orientation (pixbuf);
  save_thumbnail (oriented, job->thumb_path);

  return g_steal_pointer (&oriented);
}

static gboolean result_delivered_cb (gpointer data);

/* Not g_main_context_invoke(): when the main thread is not iterating at
 * that moment, it would run the callback here, in the worker. */
static void
deliver (Shared *shared,
         Result *result)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  /* Below redraws and input: thumbnails must never delay a frame. */
  g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_callback (source, result_delivered_cb, result, result_free);
  g_source_set_static_name (source, "[calque] thumbnail ready");
  g_source_attach (source, shared->context);
}

static gpointer
worker_thread (gpointer data)
{
  Shared *shared = data;

  for (;;)
    {
      Job *job;
      Result *result;

      g_mutex_lock (&shared->mutex);
      job = shared->shut_down ? NULL : g_queue_pop_head (&shared->queue);
      if (job == NULL)
        {
          /* Under the same lock as the check, so that a job queued right
           * now sees this thread gone and starts another. */
          shared->n_workers--;
          g_mutex_unlock (&shared->mutex);
          break;
        }
      g_mutex_unlock (&shared->mutex);

      result = g_new0 (Result, 1);
      result->shared = shared_ref (shared);
      result->sha256 = g_strdup (job->sha256);
      result->serial = job->serial;
      result->pixbuf = make_thumbnail (job, shared->size, &result->error);
      job_free (job);

      deliver (shared, result);
    }

  shared_unref (shared);
  return NULL;
}

/* The main thread side */

static void
forget_entry (CalqueThumbnailCache *self,
              const char           *sha256)
{
  Entry *entry = g_hash_table_lookup (self->memory, sha256);

  if (entry == NULL)
    return;
  g_queue_unlink (&self->lru, &entry->link);
  g_hash_table_remove (self->memory, sha256);
}

static void
remember (CalqueThumbnailCache *self,
          const char           *sha256,
          GdkPixbuf            *pixbuf,
          const GError         *error)
{
  Entry *entry;

  /* Never two entries for one blob: the LRU would keep a freed one. */
  forget_entry (self, sha256);

  entry = g_new0 (Entry, 1);
  entry->sha256 = g_strdup (sha256);
  entry->pixbuf = pixbuf != NULL ? g_object_ref (pixbuf) : NULL;
  entry->error = error != NULL ? g_error_copy (error) : NULL;
  entry->link.data = entry;
  g_hash_table_replace (self->memory, entry->sha256, entry);
  g_queue_push_head_link (&self->lru, &entry->link);

  while (self->lru.length > self->max_in_memory)
    {
      Entry *oldest = g_queue_peek_tail (&self->lru);

      g_queue_unlink (&self->lru, &oldest->link);
      g_hash_table_remove (self->memory, oldest->sha256);
    }
}

/* Puts @sha256 at the head of the queue, dropping the oldest requests
 * beyond max_queued, and starts a worker if fewer than N_WORKERS run. */
static void
queue_job (CalqueThumbnailCache *self,
           const char           *sha256)
{
  Shared *shared = self->shared;
  Job *job;
  gboolean start_worker = FALSE;

  job = g_new0 (Job, 1);
  job->sha256 = g_strdup (sha256);
  job->blob_path = calque_blob_cache_get_path (self->blobs, sha256);
  job->thumb_path = calque_thumbnail_cache_get_path (self, sha256);
  job->serial = ++self->last_serial;
  g_hash_table_insert (self->pending, g_strdup (sha256), GSIZE_TO_POINTER (job->serial));

  g_mutex_lock (&shared->mutex);
  g_queue_push_head (&shared->queue, job);
  while (shared->queue.length > self->max_queued)
    {
      Job *dropped = g_queue_pop_tail (&shared->queue);

      /* No longer on its way: the next lookup queues it again. */
      g_hash_table_remove (self->pending, dropped->sha256);
      job_free (dropped);
    }
  if (shared->n_workers < N_WORKERS)
    {
      shared->n_workers++;
      start_worker = TRUE;
    }
  g_mutex_unlock (&shared->mutex);

  if (start_worker)
    {
      g_autoptr(GError) error = NULL;
      GThread *thread = g_thread_try_new ("calque-thumbs", worker_thread, shared_ref (shared), &error);

      if (thread != NULL)
        g_thread_unref (thread);
      else
        {
          /* The jobs wait for the next worker that does start. */
          g_warning ("Cannot start a thumbnail thread: %s", error->message);
          g_mutex_lock (&shared->mutex);
          shared->n_workers--;
          g_mutex_unlock (&shared->mutex);
          shared_unref (shared);
        }
    }
}

/* A request asked for again while it waits goes back to the head: its row
 * is on screen now. */
static void
move_job_to_head (CalqueThumbnailCache *self,
                  const char           *sha256)
{
  Shared *shared = self->shared;

  g_mutex_lock (&shared->mutex);
  for (GList *l = shared->queue.head; l != NULL; l = l->next)
    {
      Job *job = l->data;

      if (strcmp (job->sha256, sha256) == 0)
        {
          g_queue_unlink (&shared->queue, l);
          g_queue_push_head_link (&shared->queue, l);
          break;
        }
    }
  g_mutex_unlock (&shared->mutex);
}

static gboolean
result_delivered_cb (gpointer data)
{
  Result *result = data;
  g_autoptr(CalqueThumbnailCache) self = g_weak_ref_get (&result->shared->owner);
  gpointer serial;

  if (self == NULL)
    return G_SOURCE_REMOVE;

  /* Forgotten while it was being made: the blob may have changed since. */
  if (!g_hash_table_lookup_extended (self->pending, result->sha256, NULL, &serial) ||
      GPOINTER_TO_SIZE (serial) != result->serial)
    return G_SOURCE_REMOVE;
  g_hash_table_remove (self->pending, result->sha256);

  if (result->pixbuf != NULL)
    {
      remember (self, result->sha256, result->pixbuf, NULL);
      g_signal_emit (self, signals[THUMBNAIL_READY], 0, result->sha256);
    }
  else
    {
      if (g_error_matches (result->error, CALQUE_THUMBNAIL_ERROR, CALQUE_THUMBNAIL_ERROR_NO_BLOB))
        remember (self, result->sha256, NULL, result->error);
      else
        g_hash_table_replace (self->failed, g_strdup (result->sha256), g_error_copy (result->error));
      g_signal_emit (self, signals[THUMBNAIL_FAILED], 0, result->sha256, result->error);
    }

  return G_SOURCE_REMOVE;
}

/* GObject */

static void
calque_thumbnail_cache_dispose (GObject *object)
{
  CalqueThumbnailCache *self = (CalqueThumbnailCache *) object;

  if (self->shared != NULL)
    {
      g_mutex_lock (&self->shared->mutex);
      self->shared->shut_down = TRUE;
      g_queue_clear_full (&self->shared->queue, (GDestroyNotify) job_free);
      g_mutex_unlock (&self->shared->mutex);
      g_clear_pointer (&self->shared, shared_unref);
    }

  G_OBJECT_CLASS (calque_thumbnail_cache_parent_class)->dispose (object);
}

static void
calque_thumbnail_cache_finalize (GObject *object)
{
  CalqueThumbnailCache *self = (CalqueThumbnailCache *) object;

  g_hash_table_destroy (self->memory);
  g_hash_table_destroy (self->failed);
  g_hash_table_destroy (self->pending);
  g_clear_object (&self->blobs);
  g_free (self->dir);

  G_OBJECT_CLASS (calque_thumbnail_cache_parent_class)->finalize (object);
}

static void
calque_thumbnail_cache_class_init (CalqueThumbnailCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = calque_thumbnail_cache_dispose;
  object_class->finalize = calque_thumbnail_cache_finalize;

  /**
   * CalqueThumbnailCache::thumbnail-ready:
   * @sha256: the blob whose thumbnail is now in memory
   */
  signals[THUMBNAIL_READY] =
    g_signal_new ("thumbnail-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * CalqueThumbnailCache::thumbnail-failed:
   * @sha256: the blob that has no thumbnail
   * @error: why: CALQUE_THUMBNAIL_ERROR_NO_BLOB or _DECODE
   */
  signals[THUMBNAIL_FAILED] =
    g_signal_new ("thumbnail-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_ERROR);
}

static void
calque_thumbnail_cache_init (CalqueThumbnailCache *self)
{
  /* The entries own their keys. */
  self->memory = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, entry_free);
  self->failed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_error_free);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->max_queued = DEFAULT_MAX_QUEUED;
  self->max_in_memory = DEFAULT_MAX_IN_MEMORY;
}

/* Public API */

CalqueThumbnailCache *
calque_thumbnail_cache_new (CalqueBlobCache  *blobs,
                            const char       *dir,
                            int               size,
                            GError          **error)
{
  g_autoptr(CalqueThumbnailCache) self = NULL;

  g_return_val_if_fail (CALQUE_IS_BLOB_CACHE (blobs), NULL);
  g_return_val_if_fail (dir != NULL, NULL);
  g_return_val_if_fail (size > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("%s: cannot create the thumbnail folder: %s"), dir, g_strerror (saved));
      return NULL;
    }

  self = g_object_new (CALQUE_TYPE_THUMBNAIL_CACHE, NULL);
  self->blobs = g_object_ref (blobs);
  self->dir = g_strdup (dir);

  self->shared = g_new0 (Shared, 1);
  g_atomic_ref_count_init (&self->shared->ref);
  g_mutex_init (&self->shared->mutex);
  g_queue_init (&self->shared->queue);
  self->shared->size = size;
  self->shared->context = g_main_context_ref_thread_default ();
  g_weak_ref_init (&self->shared->owner, self);

  return g_steal_pointer (&self);
}

int
calque_thumbnail_cache_get_size (CalqueThumbnailCache *self)
{
  g_return_val_if_fail (CALQUE_IS_THUMBNAIL_CACHE (self), 0);

  return self->shared->size;
}

const char *
calque_thumbnail_cache_get_dir (CalqueThumbnailCache *self)
{
  g_return_val_if_fail (CALQUE_IS_THUMBNAIL_CACHE (self), NULL);

  return self->dir;
}

char *
calque_thumbnail_cache_get_path (CalqueThumbnailCache *self,
                                 const char           *sha256)
{
  g_autofree char *name = NULL;
  char prefix[3] = { 0 };

  g_return_val_if_fail (CALQUE_IS_THUMBNAIL_CACHE (self), NULL);

  /* Only ever a name made of hex digits: no "..", no "/" reaches the path. */
  if (!is_sha256 (sha256))
    return NULL;
  /* Two hex digits of folder, as for blobs: 100,000 files in one folder
   * make every listing of it slow. */
  memcpy (prefix, sha256, 2);
  name = g_strdup_printf ("%s-%d.png", sha256, self->shared->size);
  return g_build_filename (self->dir, prefix, name, NULL);
}

GdkPixbuf *
calque_thumbnail_cache_lookup (CalqueThumbnailCache *self,
                               const char           *sha256)
{
  Entry *entry;

  g_return_val_if_fail (CALQUE_IS_THUMBNAIL_CACHE (self), NULL);

  /* Items without a blob (a URL, a text) simply have no thumbnail. */
  if (!is_sha256 (sha256))
    return NULL;

  entry = g_hash_table_lookup (self->memory, sha256);
  if (entry != NULL)
    {
      g_queue_unlink (&self->lru, &entry->link);
      g_queue_push_head_link (&self->lru, &entry->link);
      return entry->pixbuf != NULL ? g_object_ref (entry->pixbuf) : NULL;
    }

  if (g_hash_table_contains (self->failed, sha256))
    return NULL;

  if (g_hash_table_contains (self->pending, sha256))
    move_job_to_head (self, sha256);
  else
    queue_job (self, sha256);

  return NULL;
}

CalqueThumbnailStatus
calque_thumbnail_cache_get_status (CalqueThumbnailCache  *self,
                                   const char            *sha256,
                                   GError               **error)
{
  Entry *entry;
  const GError *failure;

  g_return_val_if_fail (CALQUE_IS_THUMBNAIL_CACHE (self), CALQUE_THUMBNAIL_STATUS_UNKNOWN);
  g_return_val_if_fail (error == NULL || *error == NULL, CALQUE_THUMBNAIL_STATUS_UNKNOWN);

  if (sha256 == NULL)
    return CALQUE_THUMBNAIL_STATUS_UNKNOWN;

  entry = g_hash_table_lookup (self->memory, sha256);
  if (entry != NULL && entry->pixbuf != NULL)
    return CALQUE_THUMBNAIL_STATUS_READY;
  failure = entry != NULL ? entry->error : g_hash_table_lookup (self->failed, sha256);
  if (failure != NULL)
    {
      g_propagate_error (error, g_error_copy (failure));
      return CALQUE_THUMBNAIL_STATUS_FAILED;
    }
  if (g_hash_table_contains (self->pending, sha256))
    return CALQUE_THUMBNAIL_STATUS_PENDING;

  return CALQUE_THUMBNAIL_STATUS_UNKNOWN;
}

void
calque_thumbnail_cache_forget (CalqueThumbnailCache *self,
                               const char           *sha256)
{
  g_autofree char *path = NULL;
  Shared *shared;

  g_return_if_fail (CALQUE_IS_THUMBNAIL_CACHE (self));

  if (!is_sha256 (sha256))
    return;

  forget_entry (self, sha256);
  g_hash_table_remove (self->failed, sha256);

  /* A job being made now is left to finish; its result no longer matches
   * a pending request and is dropped. */
  if (g_hash_table_remove (self->pending, sha256))
    {
      shared = self->shared;
      g_mutex_lock (&shared->mutex);
      for (GList *l = shared->queue.head; l != NULL; l = l->next)
        {
          Job *job = l->data;

          if (strcmp (job->sha256, sha256) == 0)
            {
              g_queue_delete_link (&shared->queue, l);
              job_free (job);
              break;
            }
        }
      g_mutex_unlock (&shared->mutex);
    }

  path = calque_thumbnail_cache_get_path (self, sha256);
  g_unlink (path);
}

void
calque_thumbnail_cache_set_limits (CalqueThumbnailCache *self,
                                   guint                 max_queued,
                                   guint                 max_in_memory)
{
  g_return_if_fail (CALQUE_IS_THUMBNAIL_CACHE (self));
  g_return_if_fail (max_queued > 0);
  g_return_if_fail (max_in_memory > 0);

  /* Applied as requests come and thumbnails arrive. */
  self->max_queued = max_queued;
  self->max_in_memory = max_in_memory;
}

guint
calque_thumbnail_cache_get_n_queued (CalqueThumbnailCache *self)
{
  guint n;

  g_return_val_if_fail (CALQUE_IS_THUMBNAIL_CACHE (self), 0);

  g_mutex_lock (&self->shared->mutex);
  n = self->shared->queue.length;
  g_mutex_unlock (&self->shared->mutex);

  return n;
}
