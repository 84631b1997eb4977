/* calque-media.c — what a media file is, found cheaply */
#define G_LOG_DOMAIN "calque-media"

#include "calque-media.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sndfile.h>

/* What the probe reads itself besides the library calls: the first bytes,
 * enough for every magic number and the fixed headers of WebP and BMP, and
 * the last few KiB, where a PNG's IEND chunk and a JPEG's end-of-image
 * marker live. Trailing bytes after those (some cameras and editors append
 * a few hundred) still leave the marker inside the window. */
#define HEAD_SIZE 64
#define TAIL_SIZE 4096

/* How much of a broken image is fed to a loader to learn why it is broken. */
#define REASON_READ_MAX (1024 * 1024)

/* A file whose chunk list goes on longer than this is not a WAV we want. */
#define WAV_MAX_CHUNKS 64

typedef struct {
  const char *path;
  int         fd;
  guint64     size;
  guint8      head[HEAD_SIZE];
  gsize       n_head;
} Probe;

G_DEFINE_QUARK (calque-media-error-quark, calque_media_error)

static const struct {
  const char      *ext;
  CalqueMediaType  type;
  const char      *pixbuf_type;  /* the gdk-pixbuf loader meant by the extension */
} extensions[] = {
  { "png",    CALQUE_MEDIA_IMAGE, "png" },
  { "jpg",    CALQUE_MEDIA_IMAGE, "jpeg" },
  { "jpeg",   CALQUE_MEDIA_IMAGE, "jpeg" },
  { "webp",   CALQUE_MEDIA_IMAGE, "webp" },
  { "tif",    CALQUE_MEDIA_IMAGE, "tiff" },
  { "tiff",   CALQUE_MEDIA_IMAGE, "tiff" },
  { "bmp",    CALQUE_MEDIA_IMAGE, "bmp" },
  { "wav",    CALQUE_MEDIA_AUDIO, NULL },
  { "flac",   CALQUE_MEDIA_AUDIO, NULL },
  { "ogg",    CALQUE_MEDIA_AUDIO, NULL },
  { "oga",    CALQUE_MEDIA_AUDIO, NULL },
  { "mp3",    CALQUE_MEDIA_AUDIO, NULL },
  { "txt",    CALQUE_MEDIA_TEXT,  NULL },
  { "csv",    CALQUE_MEDIA_TEXT,  NULL },
  { "jsonl",  CALQUE_MEDIA_TEXT,  NULL },
  { "ndjson", CALQUE_MEDIA_TEXT,  NULL },
};

/* gdk-pixbuf's format names of the images Calque imports. */
static const struct {
  const char *pixbuf_type;
  const char *mime;
} image_formats[] = {
  { "png",  "image/png" },
  { "jpeg", "image/jpeg" },
  { "webp", "image/webp" },
  { "tiff", "image/tiff" },
  { "bmp",  "image/bmp" },
};

static guint32
read_le32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static guint16
read_le16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static guint32
read_u32 (const guint8 *p,
          gboolean      big_endian)
{
  if (big_endian)
    return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | (guint32) p[3];
  return read_le32 (p);
}

static guint16
read_u16 (const guint8 *p,
          gboolean      big_endian)
{
  if (big_endian)
    return (guint16) ((p[0] << 8) | p[1]);
  return read_le16 (p);
}

static int
find_extension (const char *path)
{
  const char *base = strrchr (path, G_DIR_SEPARATOR);
  const char *dot;

  base = base != NULL ? base + 1 : path;
  dot = strrchr (base, '.');
  if (dot == NULL || dot == base)
    return -1;

  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    if (g_ascii_strcasecmp (dot + 1, extensions[i].ext) == 0)
      return (int) i;

  return -1;
}

/* Reads exactly @len bytes at @offset unless the file ends first; returns
 * the number read, or -1 with errno set. */
static gssize
read_at (int     fd,
         void   *buf,
         gsize   len,
         guint64 offset)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = pread (fd, (guint8 *) buf + done, len - done, (off_t) (offset + done));

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return -1;
        }
      if (n == 0)
        break;
      done += (gsize) n;
    }

  return (gssize) done;
}

static gboolean
set_read_error (const Probe  *probe,
                GError      **error)
{
  int errsv = errno;

  g_set_error (error, CALQUE_MEDIA_ERROR, CALQUE_MEDIA_ERROR_IO,
               _("%s: cannot read: %s"), probe->path, g_strerror (errsv));
  return FALSE;
}

/* Image formats by their magic numbers: only what is needed to know that a
 * file claims to be one of ours even when no loader can read it. */
static const char *
sniff_image (const Probe *probe)
{
  const guint8 *h = probe->head;
  gsize n = probe->n_head;

  if (n >= 8 && memcmp (h, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "png";
  if (n >= 3 && h[0] == 0xff && h[1] == 0xd8 && h[2] == 0xff)
    return "jpeg";
  if (n >= 12 && memcmp (h, "RIFF", 4) == 0 && memcmp (h + 8, "WEBP", 4) == 0)
    return "webp";
  if (n >= 4 && (memcmp (h, "II*\0", 4) == 0 || memcmp (h, "MM\0*", 4) == 0))
    return "tiff";
  /* "BM" alone starts too many text files; the reserved words are zero and
   * the DIB header has one of a handful of sizes. */
  if (n >= 18 && h[0] == 'B' && h[1] == 'M' && read_le32 (h + 6) == 0)
    {
      guint32 dib = read_le32 (h + 14);

      if (dib == 12 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 || dib == 124)
        return "bmp";
    }

  return NULL;
}

static gboolean
sniff_audio (const Probe *probe)
{
  const guint8 *h = probe->head;
  gsize n = probe->n_head;

  if (n >= 12 && (memcmp (h, "RIFF", 4) == 0 || memcmp (h, "RF64", 4) == 0)
      && memcmp (h + 8, "WAVE", 4) == 0)
    return TRUE;
  if (n >= 4 && (memcmp (h, "fLaC", 4) == 0 || memcmp (h, "OggS", 4) == 0))
    return TRUE;
  if (n >= 3 && memcmp (h, "ID3", 3) == 0)
    return TRUE;
  /* An MPEG audio frame header: 11 sync bits, then a layer that is not the
   * reserved 00. A JPEG (FF D8) never matches. */
  if (n >= 2 && h[0] == 0xff && (h[1] & 0xe0) == 0xe0 && (h[1] & 0x06) != 0)
    return TRUE;

  return FALSE;
}

static const char *
image_mime (const char *pixbuf_type)
{
  for (guint i = 0; i < G_N_ELEMENTS (image_formats); i++)
    if (g_strcmp0 (pixbuf_type, image_formats[i].pixbuf_type) == 0)
      return image_formats[i].mime;
  return NULL;
}

static CalqueMediaInfo *
new_image_info (const Probe *probe,
                const char  *mime,
                int          width,
                int          height)
{
  CalqueMediaInfo *info = g_new0 (CalqueMediaInfo, 1);

  info->type = CALQUE_MEDIA_IMAGE;
  info->mime = g_strdup (mime);
  info->size = probe->size;
  info->width = width;
  info->height = height;
  return info;
}

static gboolean
set_truncated (const Probe  *probe,
               const char   *detail,
               GError      **error)
{
  g_set_error (error, CALQUE_MEDIA_ERROR, CALQUE_MEDIA_ERROR_CORRUPT,
               _("%s: truncated or damaged image (%s)"), probe->path, detail);
  return FALSE;
}

static gboolean
memory_contains (const guint8 *haystack,
                 gsize         len,
                 const char   *needle,
                 gsize         needle_len,
                 gsize         room_after)
{
  if (len < needle_len + room_after)
    return FALSE;

  for (gsize i = len - needle_len - room_after + 1; i-- > 0;)
    if (memcmp (haystack + i, needle, needle_len) == 0)
      return TRUE;

  return FALSE;
}

/* Whether the end of a JPEG without an end-of-image marker is compressed
 * image data cut short, rather than something appended after the image
 * (phones store the video of a "motion photo" there, and the marker then
 * lies far before the end). In scan data every 0xFF byte is followed by a
 * stuffed zero, a restart marker or, between the scans of a progressive
 * JPEG, a table or scan header; appended data breaks that rule within a
 * few hundred bytes. */
static gboolean
jpeg_is_scan_data (const guint8 *tail,
                   gsize         n)
{
  gsize start = 0;

  /* Skip up to the end of the last start-of-scan header in the window. */
  for (gsize i = n > 1 ? n - 1 : 0; i-- > 0;)
    if (tail[i] == 0xff && tail[i + 1] == 0xda)
      {
        start = i + 2;
        if (start + 2 <= n)
          start += ((gsize) tail[start] << 8) | tail[start + 1];
        break;
      }

  for (gsize i = start; i + 1 < n; i++)
    {
      guint8 next = tail[i + 1];

      if (tail[i] != 0xff)
        continue;
      if (!(next == 0x00 || next == 0xff || (next >= 0xd0 && next <= 0xd7)
            || next == 0xc4 || next == 0xda || next == 0xdb || next == 0xdd))
        return FALSE;
    }

  return TRUE;
}

/* Cheap signs that an image was cut short, from its tail or from sizes its
 * header declares; nothing is decoded. */
static gboolean
check_image_end (const Probe  *probe,
                 const char   *pixbuf_type,
                 GError      **error)
{
  if (g_str_equal (pixbuf_type, "png") || g_str_equal (pixbuf_type, "jpeg"))
    {
      guint8 tail[TAIL_SIZE];
      gsize want = (gsize) MIN (probe->size, (guint64) TAIL_SIZE);
      gssize n = read_at (probe->fd, tail, want, probe->size - want);

      if (n < 0)
        return set_read_error (probe, error);

      /* The IEND chunk is empty: its type is followed by its 4-byte CRC. */
      if (g_str_equal (pixbuf_type, "png")
          && !memory_contains (tail, (gsize) n, "IEND", 4, 4))
        return set_truncated (probe, _("no IEND chunk at the end"), error);

      if (g_str_equal (pixbuf_type, "jpeg")
          && !memory_contains (tail, (gsize) n, "\xff\xd9", 2, 0)
          && jpeg_is_scan_data (tail, (gsize) n))
        return set_truncated (probe, _("no end-of-image marker"), error);
    }
  else if (g_str_equal (pixbuf_type, "webp") && probe->n_head >= 12)
    {
      guint64 declared = (guint64) read_le32 (probe->head + 4) + 8;

      if (declared > probe->size)
        {
          g_autofree char *detail =
            g_strdup_printf (_("the header declares %llu bytes, the file has %llu"),
                             (unsigned long long) declared, (unsigned long long) probe->size);
          return set_truncated (probe, detail, error);
        }
    }
  else if (g_str_equal (pixbuf_type, "bmp") && probe->n_head >= 34)
    {
      const guint8 *h = probe->head;
      guint32 pixels_at = read_le32 (h + 10);
      guint32 dib = read_le32 (h + 14);
      gint64 width, height;
      guint bpp, compression = 0;

      if (dib == 12)
        {
          width = read_le16 (h + 18);
          height = read_le16 (h + 20);
          bpp = read_le16 (h + 24);
        }
      else
        {
          width = (gint32) read_le32 (h + 18);
          height = (gint32) read_le32 (h + 22);
          bpp = read_le16 (h + 28);
          compression = read_le32 (h + 30);
        }

      /* Only uncompressed rows have a size known from the header
       * (0 = BI_RGB, 3 = BI_BITFIELDS). */
      if ((compression == 0 || compression == 3) && width > 0 && bpp > 0 && bpp <= 32)
        {
          guint64 stride = (((guint64) width * bpp + 31) / 32) * 4;
          guint64 needed = (guint64) pixels_at + stride * (guint64) ABS (height);

          if (needed > probe->size)
            {
              g_autofree char *detail =
                g_strdup_printf (_("the pixels need %llu bytes, the file has %llu"),
                                 (unsigned long long) needed, (unsigned long long) probe->size);
              return set_truncated (probe, detail, error);
            }
        }
    }

  return TRUE;
}

/* gdk-pixbuf's TIFF loader keeps the whole file in memory before it parses
 * the header, so the size is read here from the first directory instead.
 * Writers usually put that directory after the pixels, which makes it the
 * part a truncated file loses. BigTIFF is left to gdk-pixbuf. */
static CalqueMediaInfo *
probe_tiff (const Probe  *probe,
            GError      **error)
{
  gboolean be = probe->head[0] == 'M';
  guint64 ifd = read_u32 (probe->head + 4, be);
  guint8 count_bytes[2];
  g_autofree guint8 *entries = NULL;
  guint n_entries;
  gssize n;
  gint64 width = -1, height = -1;

  if (ifd < 8 || ifd + 2 > probe->size)
    {
      set_truncated (probe, _("the first image directory lies beyond the end of the file"), error);
      return NULL;
    }

  n = read_at (probe->fd, count_bytes, 2, ifd);
  if (n < 0)
    {
      set_read_error (probe, error);
      return NULL;
    }
  n_entries = read_u16 (count_bytes, be);
  if (n_entries == 0 || ifd + 2 + 12 * (guint64) n_entries > probe->size)
    {
      set_truncated (probe, _("the first image directory lies beyond the end of the file"), error);
      return NULL;
    }

  entries = g_malloc (12 * (gsize) n_entries);
  n = read_at (probe->fd, entries, 12 * (gsize) n_entries, ifd + 2);
  if (n < 0)
    {
      set_read_error (probe, error);
      return NULL;
    }

  for (guint i = 0; i < n_entries; i++)
    {
      const guint8 *e = entries + 12 * i;
      guint16 tag = read_u16 (e, be);
      guint16 type = read_u16 (e + 2, be);
      gint64 value;

      if (tag != 256 && tag != 257)
        continue;

      /* SHORT (3) values sit in the first two bytes of the value field. */
      if (type == 3)
        value = read_u16 (e + 8, be);
      else if (type == 4)
        value = read_u32 (e + 8, be);
      else
        continue;

      if (tag == 256)
        width = value;
      else
        height = value;
    }

  if (width <= 0 || height <= 0 || width > G_MAXINT || height > G_MAXINT)
    {
      g_set_error (error, CALQUE_MEDIA_ERROR, CALQUE_MEDIA_ERROR_CORRUPT,
                   _("%s: not a readable image (the TIFF header has no valid width and height)"),
                   probe->path);
      return NULL;
    }

  return new_image_info (probe, "image/tiff", (int) width, (int) height);
}

static void
reason_size_prepared_cb (GdkPixbufLoader *loader,
                         int              width,
                         int              height,
                         gpointer         user_data)
{
  /* A size means the header was fine; do not allocate the pixels. */
  gdk_pixbuf_loader_set_size (loader, 0, 0);
}

/* gdk_pixbuf_get_file_info() says only "no"; for the message, run a loader
 * over the start of the file (the one the extension names, else the one
 * the content suggests) and keep what it complains about. */
static char *
image_failure_reason (const Probe *probe,
                      const char  *pixbuf_type)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) local_error = NULL;
  guint8 buf[16384];
  guint64 offset = 0;

  if (pixbuf_type != NULL)
    loader = gdk_pixbuf_loader_new_with_type (pixbuf_type, &local_error);
  if (loader == NULL)
    {
      g_clear_error (&local_error);
      loader = gdk_pixbuf_loader_new ();
    }
  g_signal_connect (loader, "size-prepared", G_CALLBACK (reason_size_prepared_cb), NULL);

  while (offset < REASON_READ_MAX)
    {
      gssize n = read_at (probe->fd, buf, sizeof buf, offset);

      if (n <= 0)
        break;
      offset += (guint64) n;

      /* A failed write closes the loader itself. */
      if (!gdk_pixbuf_loader_write (loader, buf, (gsize) n, &local_error))
        return g_strdup (local_error->message);
    }

  if (!gdk_pixbuf_loader_close (loader, &local_error))
    return g_strdup (local_error->message);

  return g_strdup (_("no image size found in its header"));
}

static CalqueMediaInfo *
probe_image (const Probe  *probe,
             const char   *claimed_type,
             GError      **error)
{
  GdkPixbufFormat *format;
  g_autofree char *format_name = NULL;
  const char *mime;
  int width = 0, height = 0;

  format = gdk_pixbuf_get_file_info (probe->path, &width, &height);
  if (format == NULL || width <= 0 || height <= 0)
    {
      g_autofree char *reason = NULL;

      if (claimed_type == NULL)
        {
          g_set_error (error, CALQUE_MEDIA_ERROR, CALQUE_MEDIA_ERROR_UNSUPPORTED,
                       _("%s: not an image or audio file that Calque imports"), probe->path);
          return NULL;
        }

      reason = image_failure_reason (probe, claimed_type);
      g_set_error (error, CALQUE_MEDIA_ERROR, CALQUE_MEDIA_ERROR_CORRUPT,
                   _("%s: not a readable image (%s)"), probe->path, reason);
      return NULL;
    }

  format_name = gdk_pixbuf_format_get_name (format);
  mime = image_mime (format_name);
  if (mime == NULL)
    {
      g_autofree char *upper = g_ascii_strup (format_name, -1);

      g_set_error (error, CALQUE_MEDIA_ERROR, CALQUE_MEDIA_ERROR_UNSUPPORTED,
                   _("%s: a %s image; Calque imports PNG, JPEG, WebP, TIFF and BMP images"),
                   probe->path, upper);
      return NULL;
    }

  if (!check_image_end (probe, format_name, error))
    return NULL;

  return new_image_info (probe, mime, width, height);
}

/* libsndfile believes the data chunk's size only as far as the file goes,
 * so a WAV cut short opens fine with fewer frames; compare the two here. */
static gboolean
check_wav_length (const Probe  *probe,
                  GError      **error)
{
  guint64 offset = 12;

  if (memcmp (probe->head, "RIFF", 4) != 0)
    return TRUE;

  for (guint i = 0; i < WAV_MAX_CHUNKS && offset + 8 <= probe->size; i++)
    {
      guint8 chunk[8];
      guint32 chunk_size;
      gssize n = read_at (probe->fd, chunk, 8, offset);

      if (n < 0)
        return set_read_error (probe, error);
      if (n < 8)
        break;

      chunk_size = read_le32 (chunk + 4);
      if (memcmp (chunk, "data", 4) == 0)
        {
          guint64 present = probe->size - (offset + 8);

          /* Writers that stream to a pipe leave 0 or 0xFFFFFFFF here. */
          if (chunk_size != 0 && chunk_size != G_MAXUINT32 && chunk_size > present)
            {
              g_set_error (error, CALQUE_MEDIA_ERROR, CALQUE_MEDIA_ERROR_CORRUPT,
                           _("%s: truncated WAV (the data chunk declares %u bytes, the file holds %llu)"),
                           probe->path, chunk_size, (unsigned long long) present);
              return FALSE;
            }
          return TRUE;
        }

      /* Chunks are padded to an even size. */
      offset += 8 + (guint64) chunk_size + (chunk_size & 1);
    }

  return TRUE;
}

static const char *
audio_mime (int format)
{
  switch (format & SF_FORMAT_TYPEMASK)
    {
    case SF_FORMAT_WAV:
    case SF_FORMAT_WAVEX:
    case SF_FORMAT_RF64:
      return "audio/wav";
    case SF_FORMAT_FLAC:
      return "audio/flac";
    case SF_FORMAT_OGG:
      return "audio/ogg";
    case SF_FORMAT_MPEG:
      return "audio/mpeg";
    default:
      return NULL;
    }
}

static CalqueMediaInfo *
probe_audio (const Probe  *probe,
             GError      **error)
{
  SF_INFO sf_info = { 0 };
  SNDFILE *sf;
  const char *mime;
  CalqueMediaInfo *info;

  sf = sf_open (probe->path, SFM_READ, &sf_info);
  if (sf == NULL)
    {
      const char *reason = sf_strerror (NULL);

      /* When its MPEG decoder finds no frame, libsndfile reports a missing
       * file; this one exists and is regular, it holds no audio. */
      if (strstr (reason, "does not exist") != NULL)
        reason = _("no audio frames found");

      g_set_error (error, CALQUE_MEDIA_ERROR, CALQUE_MEDIA_ERROR_CORRUPT,
                   _("%s: not a readable audio file (%s)"), probe->path, reason);
      return NULL;
    }
  sf_close (sf);

  mime = audio_mime (sf_info.format);
  if (mime == NULL)
    {
      SF_FORMAT_INFO format_info = { .format = sf_info.format & SF_FORMAT_TYPEMASK };
      const char *name = _("an unknown kind of");

      if (sf_command (NULL, SFC_GET_FORMAT_INFO, &format_info, sizeof format_info) == 0
          && format_info.name != NULL)
        name = format_info.name;

      g_set_error (error, CALQUE_MEDIA_ERROR, CALQUE_MEDIA_ERROR_UNSUPPORTED,
                   _("%s: %s audio; Calque imports WAV, FLAC, Ogg and MP3"), probe->path, name);
      return NULL;
    }

  if (sf_info.samplerate <= 0 || sf_info.channels <= 0
      || sf_info.frames < 0 || sf_info.frames == SF_COUNT_MAX)
    {
      g_set_error (error, CALQUE_MEDIA_ERROR, CALQUE_MEDIA_ERROR_CORRUPT,
                   _("%s: not a readable audio file (no sample rate or length in its header)"),
                   probe->path);
      return NULL;
    }

  if (!check_wav_length (probe, error))
    return NULL;

  info = g_new0 (CalqueMediaInfo, 1);
  info->type = CALQUE_MEDIA_AUDIO;
  info->mime = g_strdup (mime);
  info->size = probe->size;
  info->duration = (double) sf_info.frames / sf_info.samplerate;
  info->sample_rate = sf_info.samplerate;
  info->channels = sf_info.channels;
  return info;
}

void
calque_media_info_free (CalqueMediaInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->mime);
  g_free (info);
}

gboolean
calque_media_type_from_filename (const char      *path,
                                 CalqueMediaType *out_type)
{
  int i;

  g_return_val_if_fail (path != NULL, FALSE);

  i = find_extension (path);
  if (i < 0)
    return FALSE;

  if (out_type != NULL)
    *out_type = extensions[i].type;
  return TRUE;
}

CalqueMediaInfo *
calque_media_probe (const char  *path,
                    GError     **error)
{
  Probe probe = { .path = path, .fd = -1 };
  CalqueMediaInfo *info = NULL;
  const char *claimed_image;
  struct stat st;
  gssize n;
  int ext;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  probe.fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (probe.fd < 0)
    {
      int errsv = errno;

      g_set_error (error, CALQUE_MEDIA_ERROR, CALQUE_MEDIA_ERROR_IO,
                   _("%s: cannot open: %s"), path, g_strerror (errsv));
      return NULL;
    }

  if (fstat (probe.fd, &st) != 0)
    {
      set_read_error (&probe, error);
      goto out;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, CALQUE_MEDIA_ERROR, CALQUE_MEDIA_ERROR_IO,
                   _("%s: not a regular file"), path);
      goto out;
    }
  probe.size = (guint64) st.st_size;

  if (probe.size == 0)
    {
      g_set_error (error, CALQUE_MEDIA_ERROR, CALQUE_MEDIA_ERROR_CORRUPT,
                   _("%s: empty file"), path);
      goto out;
    }

  n = read_at (probe.fd, probe.head, HEAD_SIZE, 0);
  if (n < 0)
    {
      set_read_error (&probe, error);
      goto out;
    }
  probe.n_head = (gsize) n;

  ext = find_extension (path);

  if (sniff_audio (&probe))
    {
      info = probe_audio (&probe, error);
      goto out;
    }

  claimed_image = sniff_image (&probe);
  if (g_strcmp0 (claimed_image, "tiff") == 0 && probe.n_head >= 8
      && read_u16 (probe.head + 2, probe.head[0] == 'M') == 42)
    {
      info = probe_tiff (&probe, error);
      goto out;
    }

  /* Content we do not recognise: the extension says what it was meant to be,
   * and for audio libsndfile has the better explanation. */
  if (claimed_image == NULL && ext >= 0 && extensions[ext].type == CALQUE_MEDIA_AUDIO)
    {
      info = probe_audio (&probe, error);
      goto out;
    }
  if (claimed_image == NULL && ext >= 0)
    claimed_image = extensions[ext].pixbuf_type;

  info = probe_image (&probe, claimed_image, error);

out:
  g_close (probe.fd, NULL);
  return info;
}
