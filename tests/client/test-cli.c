/* test-cli.c — calque-cli end to end: the real program on real files
 *
 * Images are written with gdk-pixbuf and audio with libsndfile, so the test
 * knows their true sizes and durations; bad inputs are made the way they
 * happen in life (a truncated download, a Latin-1 file, a CSV from another
 * tool). Every run checks the exit status, what the user is told, and what
 * is in the workspace afterwards.
 */
#include "calque-workspace.h"
#include "calque-record-json.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>

#include "calque-test-util.h"
#include <math.h>
#include <sndfile.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  int status;
  char *out;
  char *err;
} Run;

static void
run_free (Run *run)
{
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

typedef struct {
  char *dir;        /* everything of one test */
  char *workspace;
  char *files;      /* inputs */
} Fixture;

/* Runs calque-cli with @argv (NULL-terminated), optionally as user nobody. */
static Run *
run_argv (gboolean            as_nobody,
          const char * const *argv)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  Run *run = g_new0 (Run, 1);

  if (as_nobody)
    {
      g_ptr_array_add (args, (gpointer) "setpriv");
      g_ptr_array_add (args, (gpointer) "--reuid=65534");
      g_ptr_array_add (args, (gpointer) "--regid=65534");
      g_ptr_array_add (args, (gpointer) "--clear-groups");
    }
  g_ptr_array_add (args, (gpointer) g_getenv ("CALQUE_CLI"));
  for (guint i = 0; argv[i]; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);

  process = g_subprocess_newv ((const char * const *) args->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
  if (g_test_verbose ())
    g_test_message ("exit %d\nstdout: %s\nstderr: %s", run->status, run->out, run->err);
  return run;
}

#define cli(f, ...) run_argv (FALSE, (const char * const[]) { "--workspace", (f)->workspace, __VA_ARGS__, NULL })

static void
assert_says (const char *text,
             const char *needle)
{
  if (strstr (text, needle) == NULL)
    g_error ("expected “%s” in:\n%s", needle, text);
}

static char *
input (Fixture    *f,
       const char *name)
{
  return g_build_filename (f->files, name, NULL);
}

static void
write_file (Fixture    *f,
            const char *name,
            const char *contents,
            gssize      length)
{
  g_autofree char *path = input (f, name);
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, length, NULL));
}

static void
write_image (Fixture    *f,
             const char *name,
             const char *format,
             int         width,
             int         height,
             guint32     color)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autofree char *path = input (f, name);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  gdk_pixbuf_fill (pixbuf, color);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, format, &error, NULL));
  g_assert_no_error (error);
}

static void
write_wav (Fixture    *f,
           const char *name,
           double      seconds)
{
  g_autofree char *path = input (f, name);
  SF_INFO info = { .samplerate = 16000, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
  SNDFILE *file = sf_open (path, SFM_WRITE, &info);
  gsize n = (gsize) (seconds * info.samplerate);
  g_autofree short *samples = g_new (short, n);

  g_assert_nonnull (file);
  for (gsize i = 0; i < n; i++)
    samples[i] = (short) (8000 * sin (2 * G_PI * 440 * i / info.samplerate));
  g_assert_cmpint (sf_write_short (file, samples, n), ==, (sf_count_t) n);
  sf_close (file);
}


static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Run) run = NULL;

  f->dir = g_dir_make_tmp ("calque-cli-XXXXXX", &error);
  g_assert_no_error (error);
  f->workspace = g_build_filename (f->dir, "ws", NULL);
  f->files = g_build_filename (f->dir, "files", NULL);
  g_mkdir (f->files, 0755);

  run = run_argv (FALSE, (const char * const[]) { "init", f->workspace, NULL });
  g_assert_cmpint (run->status, ==, 0);
  assert_says (run->out, "Created a workspace");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->workspace);
  g_free (f->files);
}

static CalqueWorkspace *
open_workspace (const char *path)
{
  g_autoptr(GError) error = NULL;
  CalqueWorkspace *workspace = calque_workspace_open (path, &error);

  g_assert_no_error (error);
  return workspace;
}

static gint64
count_items (Fixture *f)
{
  g_autoptr(CalqueWorkspace) workspace = open_workspace (f->workspace);

  return calque_store_count (calque_workspace_get_store (workspace), CALQUE_KIND_ITEM, NULL, NULL);
}

/* Blob files in the workspace, to check that failed imports leave none. */
static guint
count_blobs (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        n += count_blobs (child);
      else
        n++;
    }
  return n;
}

static guint
workspace_blobs (Fixture *f)
{
  g_autofree char *blobs = g_build_filename (f->workspace, "blobs", NULL);

  return count_blobs (blobs);
}

static void
create_project (Fixture    *f,
                const char *name,
                const char *type)
{
  g_autoptr(Run) run = cli (f, "project", "create", "--name", name, "--type", type,
                            "--label", "person:#e01b24:p", "--label", "bike");
  g_assert_cmpint (run->status, ==, 0);
}

/* --- tests ---------------------------------------------------------------- */

static void
test_help_and_usage (Fixture       *f,
                     gconstpointer  data)
{
  const char *commands[][3] = {
    { "init", NULL }, { "project", "create" }, { "project", "list" }, { "import", NULL },
    { "items", "list" }, { "export", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autoptr(Run) run = commands[i][1]
        ? cli (f, commands[i][0], commands[i][1], "--help")
        : cli (f, commands[i][0], "--help");

      g_assert_cmpint (run->status, ==, 0);
      assert_says (run->out, "Usage:");
    }

  {
    g_autoptr(Run) top = run_argv (FALSE, (const char * const[]) { "--help", NULL });
    g_autoptr(Run) unknown = cli (f, "frobnicate");
    g_autoptr(Run) no_paths = cli (f, "import");
    g_autoptr(Run) bad_option = cli (f, "import", "--no-such-option", "x");
    g_autoptr(Run) version = run_argv (FALSE, (const char * const[]) { "--version", NULL });

    g_assert_cmpint (top->status, ==, 0);
    assert_says (top->out, "Exit status");
    g_assert_cmpint (unknown->status, ==, 2);
    assert_says (unknown->err, "unknown command “frobnicate”");
    g_assert_cmpint (no_paths->status, ==, 2);
    g_assert_cmpint (bad_option->status, ==, 2);
    g_assert_cmpint (version->status, ==, 0);
    assert_says (version->out, "calque-cli 0.");
  }
}

static void
test_workspace_choice (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *elsewhere = g_build_filename (f->dir, "not-a-workspace", NULL);
  g_autoptr(Run) missing = run_argv (FALSE, (const char * const[]) { "-w", elsewhere, "items", "list", NULL });
  g_autoptr(Run) again = run_argv (FALSE, (const char * const[]) { "init", f->workspace, NULL });
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *out = NULL;

  g_assert_cmpint (missing->status, ==, 1);
  assert_says (missing->err, "not a Calque workspace");
  g_assert_cmpint (again->status, ==, 1);
  assert_says (again->err, "there is a workspace here already");

  /* $CALQUE_WORKSPACE chooses the workspace when no option does. */
  create_project (f, "Env", "image");
  g_subprocess_launcher_setenv (launcher, "CALQUE_WORKSPACE", f->workspace, TRUE);
  process = g_subprocess_launcher_spawn (launcher, NULL, g_getenv ("CALQUE_CLI"), "project", "list", NULL);
  g_assert_nonnull (process);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, NULL);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  assert_says (out, "Env");
}

static void
test_project_create (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(Run) ok = cli (f, "project", "create", "--name", "Oiseaux", "--type", "image",
                           "--label", "mésange:#e01b24:m", "--label", "moineau", "--label", "pie:#000000");
  g_autoptr(Run) dup = cli (f, "project", "create", "--name", "Oiseaux", "--type", "text");
  g_autoptr(Run) bad_color = cli (f, "project", "create", "--name", "X", "--type", "image", "--label", "car:red");
  g_autoptr(Run) bad_type = cli (f, "project", "create", "--name", "Y", "--type", "video");
  g_autoptr(Run) same_key = cli (f, "project", "create", "--name", "Z", "--type", "text",
                                 "--label", "b", "--label", "a:#ffffff:1");
  g_autoptr(Run) list = cli (f, "project", "list");
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(GPtrArray) labels = NULL;

  g_assert_cmpint (ok->status, ==, 0);
  g_assert_cmpint (dup->status, ==, 1);
  assert_says (dup->err, "a project named “Oiseaux” exists already");
  g_assert_cmpint (bad_color->status, ==, 2);
  assert_says (bad_color->err, "label “car:red”");
  assert_says (bad_color->err, "“red” is not a color");
  g_assert_cmpint (bad_type->status, ==, 2);
  assert_says (bad_type->err, "“video”");
  g_assert_cmpint (same_key->status, ==, 2);
  assert_says (same_key->err, "label “a”: key “1” is taken");
  g_assert_cmpint (list->status, ==, 0);
  assert_says (list->out, "Oiseaux");
  assert_says (list->out, "3 labels");

  workspace = open_workspace (f->workspace);
  project = calque_workspace_find_project (workspace, "Oiseaux", NULL);
  labels = calque_store_list (calque_workspace_get_store (workspace), CALQUE_KIND_LABEL,
                              calque_record_get_id (project), NULL);
  g_assert_cmpuint (labels->len, ==, 3);
  g_assert_cmpstr (calque_record_get_string (g_ptr_array_index (labels, 0), "name"), ==, "mésange");
  g_assert_cmpstr (calque_record_get_string (g_ptr_array_index (labels, 0), "shortcut"), ==, "m");
  g_assert_cmpstr (calque_record_get_string (g_ptr_array_index (labels, 1), "shortcut"), ==, "2");
  g_assert_cmpstr (calque_record_get_string (g_ptr_array_index (labels, 2), "color"), ==, "#000000");
  /* Only one project: nothing of the failed attempts was stored. */
  g_assert_cmpint (calque_store_count (calque_workspace_get_store (workspace), CALQUE_KIND_PROJECT, NULL, NULL), ==, 1);
}

static void
test_import_images (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *folder = input (f, "photos");
  g_autoptr(Run) run = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(Run) twice = NULL;

  create_project (f, "Photos", "image");
  write_image (f, "photos/a.png", "png", 64, 48, 0xff0000ff);
  write_image (f, "photos/b.jpg", "jpeg", 100, 50, 0x00ff00ff);
  write_image (f, "photos/sub/c.bmp", "bmp", 7, 9, 0x0000ffff);
  write_image (f, "photos/sub/d.tiff", "tiff", 33, 21, 0x123456ff);
  write_image (f, "photos/e.webp", "webp", 17, 13, 0x654321ff);
  write_file (f, "photos/notes.md", "not an image", -1);
  write_file (f, "photos/.hidden.png", "hidden files are not data", -1);

  run = cli (f, "import", folder);
  g_assert_cmpint (run->status, ==, 0);
  assert_says (run->out, "Imported 5 items from 5 files into “Photos”");
  assert_says (run->out, "Ignored 1 file");

  list = cli (f, "items", "list");
  g_assert_cmpint (list->status, ==, 0);
  assert_says (list->out, "photos/a.png");
  assert_says (list->out, "64×48");
  assert_says (list->out, "100×50");
  assert_says (list->out, "photos/sub/c.bmp");
  assert_says (list->out, "7×9");
  assert_says (list->out, "33×21");
  assert_says (list->out, "17×13");
  g_assert_cmpint (count_items (f), ==, 5);
  g_assert_cmpuint (workspace_blobs (f), ==, 5);

  /* The same files again: already there, and nothing changes. */
  twice = cli (f, "import", folder);
  g_assert_cmpint (twice->status, ==, 1);
  assert_says (twice->err, "photos/a.png: already in project “Photos” (as “photos/a.png”)");
  assert_says (twice->err, "Nothing was imported");
  g_assert_cmpint (count_items (f), ==, 5);
}

static void
test_import_texts (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *txt = NULL, *csv = NULL, *jsonl = NULL;
  g_autoptr(Run) run = NULL;
  g_autoptr(Run) json = NULL;

  create_project (f, "Avis", "text");
  write_file (f, "avis.txt", "Très bon accueil.\n\nLe café était froid 😞\r\n", -1);
  write_file (f, "reviews.csv", "id,body,stars\n1,\"Great, really great\",5\n2,\"He said \"\"meh\"\"\nthen left\",2\n", -1);
  write_file (f, "tweets.jsonl", "{\"content\":\"東京は晴れ\",\"lang\":\"ja\"}\n{\"content\":\"مرحبا\",\"lang\":\"ar\"}\n", -1);
  txt = input (f, "avis.txt");
  csv = input (f, "reviews.csv");
  jsonl = input (f, "tweets.jsonl");

  run = cli (f, "import", "--text-column", "body", "--text-field", "content", txt, csv, jsonl);
  g_assert_cmpint (run->status, ==, 0);
  assert_says (run->out, "Imported 6 items from 3 files");

  json = cli (f, "items", "list", "--json");
  assert_says (json->out, "\"text\":\"Très bon accueil.\"");
  assert_says (json->out, "\"text\":\"Le café était froid 😞\"");       /* no \r */
  assert_says (json->out, "\"text\":\"He said \\\"meh\\\"\\nthen left\"");
  assert_says (json->out, "\"name\":\"reviews.csv:3\"");                   /* the row starts on line 3 */
  assert_says (json->out, "\"stars\":\"5\"");                              /* other columns kept */
  assert_says (json->out, "\"text\":\"東京は晴れ\"");
  assert_says (json->out, "\"text\":\"مرحبا\"");
  assert_says (json->out, "\"lang\":\"ar\"");
}

static void
test_import_audio (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *wav = NULL;
  g_autoptr(Run) run = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(Run) wrong = NULL;
  g_autofree char *png = NULL;

  create_project (f, "Speech", "audio");
  write_wav (f, "hello.wav", 1.5);
  wav = input (f, "hello.wav");
  run = cli (f, "import", wav);
  g_assert_cmpint (run->status, ==, 0);
  list = cli (f, "items", "list");
  assert_says (list->out, "1.5 s");

  write_image (f, "x.png", "png", 4, 4, 0);
  png = input (f, "x.png");
  wrong = cli (f, "import", png);
  g_assert_cmpint (wrong->status, ==, 1);
  assert_says (wrong->err, "x.png: an image cannot go into an audio project (“Speech”)");
}

/* Each bad input: exit 1, a message naming the file and the place, and the
 * workspace exactly as before (no items, no stray media). */
static void
assert_refused_whole (Fixture    *f,
                      Run        *run,
                      const char *needle)
{
  g_assert_cmpint (run->status, ==, 1);
  assert_says (run->err, needle);
  assert_says (run->err, "Nothing was imported");
  g_assert_cmpint (count_items (f), ==, 0);
}

static void
test_bad_image (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *good = NULL, *garbage = NULL, *truncated = NULL;
  g_autofree char *png_data = NULL;
  gsize png_len;
  g_autoptr(Run) run1 = NULL;
  g_autoptr(Run) run2 = NULL;

  create_project (f, "Photos", "image");
  write_image (f, "good.png", "png", 32, 32, 0x336699ff);
  good = input (f, "good.png");
  write_file (f, "broken.jpg", "GIF87a? no: these bytes are not an image at all", -1);
  garbage = input (f, "broken.jpg");
  g_assert_true (g_file_get_contents (good, &png_data, &png_len, NULL));
  write_file (f, "cut.png", png_data, (gssize) png_len / 2);
  truncated = input (f, "cut.png");

  /* The good file comes first: it must not stay behind half-imported. */
  run1 = cli (f, "import", good, garbage);
  assert_refused_whole (f, run1, "broken.jpg");
  g_assert_cmpuint (workspace_blobs (f), ==, 0);

  run2 = cli (f, "import", good, truncated);
  assert_refused_whole (f, run2, "cut.png");
  g_assert_cmpuint (workspace_blobs (f), ==, 0);
}

static void
test_bad_texts (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *latin1 = NULL, *csv = NULL, *jsonl = NULL, *empty = NULL;
  g_autoptr(Run) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL;

  create_project (f, "Textes", "text");
  write_file (f, "latin1.txt", "bonjour\ncaf\xe9 cr\xe8me\n", -1);
  write_file (f, "survey.csv", "id,body\n1,hello\n", -1);
  write_file (f, "data.jsonl",
              "{\"text\":\"one\"}\n{\"text\":\"two\"}\n{\"text\":\"three\"}\n{\"text\":\"four\"}\n"
              "{\"text\": \"five\"\n{\"text\":\"six\"}\n", -1);
  write_file (f, "empty.txt", "\n\n   \n", -1);
  latin1 = input (f, "latin1.txt");
  csv = input (f, "survey.csv");
  jsonl = input (f, "data.jsonl");
  empty = input (f, "empty.txt");

  r1 = cli (f, "import", latin1);
  assert_refused_whole (f, r1, "latin1.txt: line 2");
  assert_says (r1->err, "UTF-8");

  r2 = cli (f, "import", csv);
  assert_refused_whole (f, r2, "survey.csv: no column named “text”");
  assert_says (r2->err, "id, body");

  r3 = cli (f, "import", jsonl);
  assert_refused_whole (f, r3, "data.jsonl: line 5");

  r4 = cli (f, "import", empty);
  assert_refused_whole (f, r4, "empty.txt: no text in this file");
}

static void
test_same_file_twice (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *a = NULL, *b = NULL;
  g_autofree char *bytes = NULL;
  gsize len;
  g_autoptr(Run) run = NULL;

  create_project (f, "Photos", "image");
  write_image (f, "a.png", "png", 10, 10, 0xabcdefff);
  a = input (f, "a.png");
  g_assert_true (g_file_get_contents (a, &bytes, &len, NULL));
  write_file (f, "copy-of-a.png", bytes, (gssize) len);
  b = input (f, "copy-of-a.png");

  run = cli (f, "import", a, b);
  assert_refused_whole (f, run, "copy-of-a.png: same content as");
  assert_says (run->err, "a.png (sha256 ");
  g_assert_cmpuint (workspace_blobs (f), ==, 0);
}

static void
make_tree_public (const char *path)
{
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
  const char *name;

  g_chmod (path, g_file_test (path, G_FILE_TEST_IS_DIR) ? 0777 : 0666);
  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      make_tree_public (child);
    }
}

static void
test_unreadable_folder (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *folder = NULL;
  g_autoptr(Run) run = NULL;
  gboolean as_root = geteuid () == 0;

  create_project (f, "Photos", "image");
  write_image (f, "shots/ok.png", "png", 10, 10, 0x111111ff);
  write_image (f, "shots/private/secret.png", "png", 10, 10, 0x222222ff);
  folder = input (f, "shots");

  if (as_root)
    {
      /* Root reads every folder, so the import runs as user nobody, for whom
       * the folder is closed like it would be for anyone. */
      g_autofree char *setpriv = g_find_program_in_path ("setpriv");

      if (setpriv == NULL)
        {
          g_test_skip ("running as root without setpriv: cannot make a folder unreadable");
          return;
        }
      make_tree_public (f->dir);
      g_chmod (f->dir, 0777);
    }
  {
    g_autofree char *private = input (f, "shots/private");
    g_assert_cmpint (g_chmod (private, 0), ==, 0);
  }

  run = run_argv (as_root, (const char * const[]) { "--workspace", f->workspace, "import", folder, NULL });
  assert_refused_whole (f, run, "shots/private: cannot read this folder: Permission denied");
}

static void
test_skip_bad (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *good = NULL, *bad = NULL, *also = NULL, *missing = NULL;
  g_autoptr(Run) run = NULL;

  create_project (f, "Photos", "image");
  write_image (f, "good.png", "png", 12, 10, 0x445566ff);
  write_image (f, "also-good.jpg", "jpeg", 8, 6, 0x998877ff);
  write_file (f, "bad.png", "nope", -1);
  good = input (f, "good.png");
  bad = input (f, "bad.png");
  also = input (f, "also-good.jpg");
  missing = input (f, "missing.png");

  run = cli (f, "import", "--skip-bad", good, bad, also, missing);
  g_assert_cmpint (run->status, ==, 3);
  assert_says (run->out, "Imported 2 items from 2 files");
  assert_says (run->err, "Left out 2 inputs");
  assert_says (run->err, "bad.png");
  assert_says (run->err, "missing.png");
  g_assert_cmpint (count_items (f), ==, 2);
  g_assert_cmpuint (workspace_blobs (f), ==, 2);
}

/* Adds records of every kind the CLI cannot make yet, through the store. */
static void
add_annotations (CalqueWorkspace *workspace,
                 const char      *project_name)
{
  CalqueStore *store = calque_workspace_get_store (workspace);
  g_autoptr(CalqueRecord) project = calque_workspace_find_project (workspace, project_name, NULL);
  const char *pid = calque_record_get_id (project);
  g_autoptr(GPtrArray) items = calque_store_list (store, CALQUE_KIND_ITEM, pid, NULL);
  g_autoptr(GPtrArray) labels = calque_store_list (store, CALQUE_KIND_LABEL, pid, NULL);
  CalqueRecord *item = g_ptr_array_index (items, 0);
  double ring[] = { 1, 1, 20, 1, 20, 15, 1, 15 };
  double hole[] = { 5, 5, 8, 5, 8, 8 };
  g_autoptr(CalqueShape) polygon = calque_shape_new_polygon (ring, 4);
  g_autoptr(CalqueRecord) task = calque_record_new (CALQUE_KIND_TASK, pid);
  g_autoptr(CalqueRecord) annotation = calque_record_new (CALQUE_KIND_ANNOTATION, pid);
  g_autoptr(CalqueRecord) gone = calque_record_new (CALQUE_KIND_ANNOTATION, pid);
  g_autoptr(CalqueRecord) comment = calque_record_new (CALQUE_KIND_COMMENT, pid);
  g_autoptr(CalqueRecord) review = calque_record_new (CALQUE_KIND_REVIEW, pid);
  g_autoptr(CalqueRecord) member = calque_record_new (CALQUE_KIND_MEMBER, pid);
  g_autoptr(JsonNode) label_ids = json_from_string ("[]", NULL);
  g_autoptr(CalqueShape) point = calque_shape_new_point (3, 4);
  g_autoptr(GError) error = NULL;

  calque_shape_add_hole (polygon, hole, 3);
  json_array_add_string_element (json_node_get_array (label_ids),
                                 calque_record_get_id (g_ptr_array_index (labels, 0)));

  calque_record_set_string (member, "user", "amelie");
  calque_record_set_string (member, "role", "annotator");
  calque_record_set_string (task, "item", calque_record_get_id (item));
  calque_record_set_string (task, "annotator", "amelie");
  calque_record_set_string (task, "state", "submitted");
  calque_record_set_string (annotation, "item", calque_record_get_id (item));
  calque_record_set_string (annotation, "task", calque_record_get_id (task));
  calque_record_set_string (annotation, "author", "amelie");
  calque_record_set_field (annotation, "labels", json_node_copy (label_ids));
  calque_record_set_shape (annotation, polygon);
  calque_record_set_double (annotation, "confidence", 0.875);
  calque_record_set_string (gone, "item", calque_record_get_id (item));
  calque_record_set_string (gone, "author", "amelie");
  calque_record_set_field (gone, "labels", json_node_copy (label_ids));
  calque_record_set_shape (gone, point);
  calque_record_set_string (comment, "item", calque_record_get_id (item));
  calque_record_set_string (comment, "annotation", calque_record_get_id (annotation));
  calque_record_set_string (comment, "author", "bob");
  calque_record_set_string (comment, "text", "<i>wing</i> & tail 🐦");
  calque_record_set_string (review, "item", calque_record_get_id (item));
  calque_record_set_string (review, "reviewer", "chloe");
  calque_record_set_string (review, "decision", "accepted");

  g_assert_true (calque_store_save (store, member, &error));
  g_assert_true (calque_store_save (store, task, &error));
  g_assert_true (calque_store_save (store, annotation, &error));
  g_assert_true (calque_store_save (store, gone, &error));
  calque_record_set_deleted (gone, TRUE);
  g_assert_true (calque_store_save (store, gone, &error));
  g_assert_true (calque_store_save (store, comment, &error));
  g_assert_true (calque_store_save (store, review, &error));
  g_assert_no_error (error);
}

static void
test_export_import_roundtrip (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *folder = input (f, "pics");
  g_autofree char *export_dir = g_build_filename (f->dir, "export", "birds", NULL);
  g_autofree char *export_path = g_build_filename (export_dir, "photos.json", NULL);
  g_autofree char *second = g_build_filename (f->dir, "ws2", NULL);
  g_autofree char *export2_path = g_build_filename (f->dir, "again.json", NULL);
  g_autofree char *first_json = NULL, *second_json = NULL;
  g_autoptr(Run) imported = NULL, exported = NULL, init2 = NULL, restored = NULL, reexported = NULL, twice = NULL;
  g_autoptr(CalqueWorkspace) ws1 = NULL;
  g_autoptr(CalqueWorkspace) ws2 = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;

  create_project (f, "Photos", "image");
  write_image (f, "pics/one.png", "png", 40, 30, 0x10203040);
  write_image (f, "pics/two.jpg", "jpeg", 50, 20, 0x50607080);
  imported = cli (f, "import", folder);
  g_assert_cmpint (imported->status, ==, 0);

  ws1 = open_workspace (f->workspace);
  add_annotations (ws1, "Photos");

  /* export/birds/ does not exist yet: the export makes it. */
  exported = cli (f, "export", "--format", "json", "--output", export_path);
  g_assert_cmpint (exported->status, ==, 0);
  assert_says (exported->err, "media");

  init2 = run_argv (FALSE, (const char * const[]) { "init", second, NULL });
  g_assert_cmpint (init2->status, ==, 0);
  restored = run_argv (FALSE, (const char * const[]) { "-w", second, "import", export_path, NULL });
  g_assert_cmpint (restored->status, ==, 0);
  assert_says (restored->out, "Restored project “Photos”");

  /* Every record identical, tombstones included. */
  ws2 = open_workspace (second);
  project = calque_workspace_find_project (ws1, "Photos", NULL);
  before = calque_store_list_project (calque_workspace_get_store (ws1), calque_record_get_id (project), NULL);
  after = calque_store_list_project (calque_workspace_get_store (ws2), calque_record_get_id (project), NULL);
  g_assert_cmpuint (before->len, ==, 11);  /* project, 2 labels, 2 items, member, task, 2 annotations, comment, review */
  g_assert_cmpuint (after->len, ==, before->len);
  for (guint i = 0; i < before->len; i++)
    g_assert_true (calque_record_equal (g_ptr_array_index (before, i), g_ptr_array_index (after, i)));

  /* The media came along, and exporting again gives the same file. */
  {
    g_autofree char *blobs = g_build_filename (second, "blobs", NULL);
    g_assert_cmpuint (count_blobs (blobs), ==, 2);
  }
  reexported = run_argv (FALSE, (const char * const[]) { "-w", second, "export", "--format", "json",
                                                        "--no-media", "--output", export2_path, NULL });
  g_assert_cmpint (reexported->status, ==, 0);
  g_assert_true (g_file_get_contents (export_path, &first_json, NULL, NULL));
  g_assert_true (g_file_get_contents (export2_path, &second_json, NULL, NULL));
  g_assert_cmpstr (first_json, ==, second_json);

  /* Restoring the same project twice is refused. */
  twice = run_argv (FALSE, (const char * const[]) { "-w", second, "import", export_path, NULL });
  g_assert_cmpint (twice->status, ==, 1);
  assert_says (twice->err, "is already in this workspace");
}

static void
test_native_import_checks (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *folder = input (f, "pics");
  g_autofree char *export_dir = g_build_filename (f->dir, "export", NULL);
  g_autofree char *export_path = g_build_filename (export_dir, "photos.json", NULL);
  g_autofree char *second = g_build_filename (f->dir, "ws2", NULL);
  g_autofree char *json = NULL;
  g_autoptr(Run) r = NULL, r2 = NULL, init2 = NULL, bad_format = NULL, tampered = NULL;
  g_autoptr(GDir) media = NULL;
  g_autofree char *media_dir = g_build_filename (export_dir, "media", NULL);
  const char *blob;

  create_project (f, "Photos", "image");
  write_image (f, "pics/one.png", "png", 40, 30, 0x10203040);
  r = cli (f, "import", folder);
  g_mkdir (export_dir, 0755);
  r2 = cli (f, "export", "--format", "json", "--output", export_path);
  g_assert_cmpint (r2->status, ==, 0);

  bad_format = cli (f, "export", "--format", "coco-ish");
  g_assert_cmpint (bad_format->status, ==, 2);
  assert_says (bad_format->err, "format “coco-ish” is not supported");

  /* A media file whose bytes do not match its hash is refused. */
  media = g_dir_open (media_dir, 0, NULL);
  blob = g_dir_read_name (media);
  g_assert_nonnull (blob);
  {
    g_autofree char *blob_path = g_build_filename (media_dir, blob, NULL);
    g_assert_true (g_file_set_contents (blob_path, "tampered", -1, NULL));
  }
  init2 = run_argv (FALSE, (const char * const[]) { "init", second, NULL });
  tampered = run_argv (FALSE, (const char * const[]) { "-w", second, "import", export_path, NULL });
  g_assert_cmpint (tampered->status, ==, 1);
  assert_says (tampered->err, "does not have the content its name says");
  {
    g_autoptr(CalqueWorkspace) ws2 = open_workspace (second);
    g_assert_cmpint (calque_store_count (calque_workspace_get_store (ws2), CALQUE_KIND_PROJECT, NULL, NULL), ==, 0);
  }

  /* A record that breaks the schema is named by its place in the file. */
  g_assert_true (g_file_get_contents (export_path, &json, NULL, NULL));
  {
    g_autoptr(GString) broken = g_string_new (json);
    g_autoptr(Run) rejected = NULL;

    g_string_replace (broken, "\"width\":40", "\"width\":\"forty\"", 1);
    g_assert_true (g_file_set_contents (export_path, broken->str, -1, NULL));
    rejected = run_argv (FALSE, (const char * const[]) { "-w", second, "import", export_path, NULL });
    g_assert_cmpint (rejected->status, ==, 1);
    assert_says (rejected->err, "photos.json: record 4:");
    assert_says (rejected->err, "“width”: must be a whole number");
  }
}

static void
test_native_import_never_takes_over (Fixture       *f,
                                     gconstpointer  data)
{
  g_autofree char *export_path = g_build_filename (f->dir, "t.json", NULL);
  g_autofree char *copy_path = g_build_filename (f->dir, "copy.json", NULL);
  g_autofree char *txt = NULL;
  g_autofree char *json = NULL;
  g_autoptr(Run) r1 = NULL, r2 = NULL, r3 = NULL;
  g_autoptr(CalqueWorkspace) ws = NULL;
  g_autoptr(CalqueRecord) original = NULL;
  g_autoptr(GString) copy = NULL;
  const char *pid;

  create_project (f, "Original", "text");
  write_file (f, "t.txt", "one\ntwo\n", -1);
  txt = input (f, "t.txt");
  r1 = cli (f, "import", txt);
  r2 = cli (f, "export", "--format", "json", "--no-media", "--output", export_path);
  g_assert_cmpint (r2->status, ==, 0);

  /* An edited copy of the export: a new project id and name, the same
   * item ids. Restoring it must not move Original's items. */
  ws = open_workspace (f->workspace);
  original = calque_workspace_find_project (ws, "Original", NULL);
  pid = calque_record_get_id (original);
  g_assert_true (g_file_get_contents (export_path, &json, NULL, NULL));
  copy = g_string_new (json);
  g_string_replace (copy, pid, "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3dee", 0);
  g_string_replace (copy, "\"Original\"", "\"Copy\"", 0);
  g_assert_true (g_file_set_contents (copy_path, copy->str, -1, NULL));

  r3 = cli (f, "import", copy_path);
  g_assert_cmpint (r3->status, ==, 1);
  assert_says (r3->err, "is already used in this workspace");
  g_assert_cmpint (calque_store_count (calque_workspace_get_store (ws), CALQUE_KIND_ITEM, pid, NULL), ==, 2);
  g_assert_cmpint (calque_store_count (calque_workspace_get_store (ws), CALQUE_KIND_PROJECT, NULL, NULL), ==, 1);
}

static void
test_failed_export_leaves_nothing (Fixture       *f,
                                   gconstpointer  data)
{
  g_autofree char *folder = input (f, "pics");
  g_autofree char *out_dir = g_build_filename (f->dir, "out", NULL);
  g_autofree char *out = g_build_filename (out_dir, "p.json", NULL);
  g_autofree char *before = NULL, *after = NULL;
  g_autoptr(Run) r1 = NULL, good = NULL, bad = NULL;
  g_autoptr(CalqueWorkspace) ws = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *blob = NULL;

  create_project (f, "Photos", "image");
  write_image (f, "pics/a.png", "png", 8, 8, 0x112233ff);
  r1 = cli (f, "import", folder);
  good = cli (f, "export", "--format", "json", "--output", out);
  g_assert_cmpint (good->status, ==, 0);
  g_assert_true (g_file_get_contents (out, &before, NULL, NULL));

  /* The media file vanishes from the workspace: the next export fails… */
  ws = open_workspace (f->workspace);
  items = calque_store_list (calque_workspace_get_store (ws), CALQUE_KIND_ITEM, NULL, NULL);
  blob = calque_blob_cache_get_path (calque_workspace_get_blobs (ws), calque_record_get_string (g_ptr_array_index (items, 0), "sha256"));
  g_assert_cmpint (g_unlink (blob), ==, 0);
  {
    g_autofree char *media = g_build_filename (out_dir, "media", NULL);
    calque_test_remove_tree (media);
  }
  bad = cli (f, "export", "--format", "json", "--output", out);
  g_assert_cmpint (bad->status, ==, 1);
  assert_says (bad->err, "is not in this workspace");

  /* …and leaves the earlier export exactly as it was, and nothing else. */
  g_assert_true (g_file_get_contents (out, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);
  {
    g_autoptr(GDir) d = g_dir_open (out_dir, 0, NULL);
    const char *name;
    guint files = 0;

    while ((name = g_dir_read_name (d)))
      if (!g_str_equal (name, "media"))
        files++;
    g_assert_cmpuint (files, ==, 1);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/cli/help-and-usage", test_help_and_usage);
  ADD ("/cli/workspace-choice", test_workspace_choice);
  ADD ("/cli/project-create", test_project_create);
  ADD ("/cli/import-images", test_import_images);
  ADD ("/cli/import-texts", test_import_texts);
  ADD ("/cli/import-audio", test_import_audio);
  ADD ("/cli/bad-image", test_bad_image);
  ADD ("/cli/bad-texts", test_bad_texts);
  ADD ("/cli/same-file-twice", test_same_file_twice);
  ADD ("/cli/unreadable-folder", test_unreadable_folder);
  ADD ("/cli/skip-bad", test_skip_bad);
  ADD ("/cli/export-import-roundtrip", test_export_import_roundtrip);
  ADD ("/cli/native-import-checks", test_native_import_checks);
  ADD ("/cli/native-import-never-takes-over", test_native_import_never_takes_over);
  ADD ("/cli/failed-export-leaves-nothing", test_failed_export_leaves_nothing);
  return g_test_run ();
}
