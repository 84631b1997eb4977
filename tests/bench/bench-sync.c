/* bench-sync — how long does a client take to sync a large project?
 *
 * The figures of issue 4, measured through the real calque-server on
 * loopback and the real sync engine on workspace files on this disk:
 *
 * - pull: a fresh workspace (an empty file, signed in as a manager of the
 *   project) pulls a project of 100,000 annotations in one
 *   calque_sync_client_sync_once() round: goal under 3 s;
 * - upload: 1,000 annotations of that workspace are edited while it is not
 *   connected, then one round pushes them: goal under 1 s;
 * - the bytes each round put on the wire, both ways (see Wire below).
 *
 * Next to them, baselines from the same run on the same machine: the same
 * stream read by a bare WebSocket client that decodes every frame and
 * stores nothing (what the server and the transport cost on their own);
 * the pulled annotation rows read back from the workspace file with plain
 * SQLite, with and without parsing their JSON, and through
 * calque_store_list(); the 1,000 pushed changes written to a bare SQLite
 * table in one transaction.
 *
 * The project is seeded from another workspace: every record saved in one
 * transaction, then pushed in one round, as an import would be. Boxes and
 * 6-point polygons on 1920×1080 images, one of ten labels each, with a
 * confidence, as a detector's output reviewed by people looks.
 *
 * Prints figures, not pass/fail: machines are noisy.
 *
 *   bench-sync [--annotations 100000] [--per-item 100] [--edits 1000]
 */
#define G_LOG_DOMAIN "bench-sync"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/tcp.h>

#include <libsoup/soup.h>
#include <sqlite3.h>

#include "calque-protocol.h"
#include "calque-server-fixture.h"
#include "calque-sync-client.h"
#include "calque-test-util.h"
#include "calque-uuid.h"
#include "calque-workspace.h"

#define PASSWORD     "correct horse battery"
#define N_LABELS     10
#define IMAGE_WIDTH  1920
#define IMAGE_HEIGHT 1080
#define WAIT_S       600

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

static void
wait_until (gboolean   *flag,
            const char *what)
{
  double deadline = now_s () + WAIT_S;

  while (!*flag)
    {
      if (now_s () > deadline)
        g_error ("waited %d s for %s", WAIT_S, what);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* ---- The server and its people -------------------------------------- */

typedef struct
{
  CalqueServerFixture server;
  char               *base;     /* http://127.0.0.1:PORT */
  char               *dir;      /* holds the workspaces */
  char               *alice;    /* admin, owner of the project */
  char               *bruno;    /* manager of the project */
  char               *project;
  int                 pid;      /* the server's */
} Bench;

static JsonNode *
post (Bench      *bench,
      const char *path,
      const char *body)
{
  g_auto(CalqueHttpResponse) response = { 0 };
  g_autofree char *authorization = g_strconcat ("Bearer ", bench->alice, NULL);

  calque_server_fixture_request (&bench->server, SOUP_METHOD_POST, path, authorization,
                                 "application/json", body, -1, &response);
  if (response.status != SOUP_STATUS_CREATED)
    g_error ("POST %s: %u %s", path, response.status, response.text ?: "");
  return g_steal_pointer (&response.body);
}

static void
bench_start (Bench *bench)
{
  g_autoptr(JsonNode) project = NULL;
  g_autoptr(JsonNode) member = NULL;
  g_autofree char *members = NULL;

  calque_server_fixture_init (&bench->server);
  if (calque_server_fixture_user_add (&bench->server, "alice", "--admin", PASSWORD) != 0
      || calque_server_fixture_user_add (&bench->server, "bruno", NULL, PASSWORD) != 0)
    g_error ("cannot add the users");
  calque_server_fixture_start (&bench->server);
  bench->pid = atoi (g_subprocess_get_identifier (bench->server.server));
  bench->base = g_strdup_printf ("http://127.0.0.1:%u", (guint) bench->server.port);
  bench->dir = g_dir_make_tmp ("bench-sync-XXXXXX", NULL);

  bench->alice = calque_server_fixture_login_token (&bench->server, "alice", PASSWORD);
  bench->bruno = calque_server_fixture_login_token (&bench->server, "bruno", PASSWORD);
  project = post (bench, "/api/v1/projects", "{\"name\":\"Street scenes\",\"type\":\"image\"}");
  bench->project = g_strdup (json_object_get_string_member (json_node_get_object (project), "id"));
  members = g_strdup_printf ("/api/v1/projects/%s/members", bench->project);
  member = post (bench, members, "{\"user\":\"bruno\",\"role\":\"manager\"}");
}

static void
bench_stop (Bench *bench)
{
  calque_server_fixture_clear (&bench->server);
  calque_test_remove_tree (bench->dir);
  g_free (bench->dir);
  g_free (bench->base);
  g_free (bench->alice);
  g_free (bench->bruno);
  g_free (bench->project);
}

/* CPU time, user and system, in seconds: this process (the client side)
 * and the server, to tell which side a round's time is spent on. */
static double
client_cpu_s (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static double
server_cpu_s (Bench *bench)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", bench->pid);
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  /* The name, in parentheses, may hold spaces; fields 14 and 15 (utime,
   * stime) are the 12th and 13th after it. */
  if (!g_file_get_contents (path, &stat, NULL, NULL) || (after_name = strrchr (stat, ')')) == NULL)
    return 0;
  fields = g_strsplit (after_name + 2, " ", 14);
  if (g_strv_length (fields) < 14)
    return 0;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

/* ---- Counting what crosses the wire --------------------------------- */

/* The bytes of one sync connection, as the kernel counted them on the
 * client's socket: TCP_INFO's tcpi_bytes_acked (what we sent and the
 * server acknowledged) and tcpi_bytes_received. That is the whole TCP
 * stream of the connection: the HTTP upgrade, every WebSocket frame with
 * its header (and the client's masking key), and the close handshake; not
 * the IP and TCP headers. Nothing is wrapped or relayed, so counting costs
 * the timed round nothing.
 *
 * The sync client keeps its socket to itself. Once the server has
 * welcomed it, the one socket of this process connected to the server's
 * port that was not there before the round is its socket; a dup() of it
 * keeps the kernel's socket, and its counters, until they are read after
 * the client has closed the connection. */
typedef struct
{
  guint16     port;
  GHashTable *before;    /* socket inode ("socket:[N]") → fd, before the round */
  int         fd;        /* our dup of the connection's socket; -1 until found */
  guint64     sent;
  guint64     received;
} Wire;

static gboolean
peer_port_is (int     fd,
              guint16 port)
{
  struct sockaddr_storage address;
  socklen_t length = sizeof address;

  if (getpeername (fd, (struct sockaddr *) &address, &length) != 0)
    return FALSE;
  if (address.ss_family == AF_INET)
    return ntohs (((struct sockaddr_in *) &address)->sin_port) == port;
  if (address.ss_family == AF_INET6)
    return ntohs (((struct sockaddr_in6 *) &address)->sin6_port) == port;
  return FALSE;
}

/* This process's sockets connected to the server: inode → fd. */
static GHashTable *
sockets_to (guint16 port)
{
  GHashTable *sockets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  const char *name;

  if (dir == NULL)
    g_error ("cannot list /proc/self/fd");
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/fd", name, NULL);
      g_autofree char *target = g_file_read_link (path, NULL);
      int fd = atoi (name);

      if (target != NULL && g_str_has_prefix (target, "socket:") && peer_port_is (fd, port))
        g_hash_table_insert (sockets, g_steal_pointer (&target), GINT_TO_POINTER (fd));
    }
  return sockets;
}

static void
wire_begin (Wire    *wire,
            guint16  port)
{
  *wire = (Wire) { .port = port, .fd = -1, .before = sockets_to (port) };
}

/* Called once the connection is up: finds it and holds on to it. */
static void
wire_catch (Wire *wire)
{
  g_autoptr(GHashTable) now = sockets_to (wire->port);
  GHashTableIter iter;
  gpointer inode, fd;

  g_hash_table_iter_init (&iter, now);
  while (g_hash_table_iter_next (&iter, &inode, &fd))
    {
      if (g_hash_table_contains (wire->before, inode))
        continue;
      if (wire->fd >= 0)
        g_error ("more than one new connection to the server: cannot tell which to count");
      wire->fd = fcntl (GPOINTER_TO_INT (fd), F_DUPFD_CLOEXEC, 0);
      if (wire->fd < 0)
        g_error ("dup: %s", g_strerror (errno));
    }
  if (wire->fd < 0)
    g_error ("the sync connection is not among this process's sockets");
}

/* Called once the connection is closed: reads the counters, lets it go. */
static void
wire_end (Wire *wire)
{
  struct tcp_info info = { 0 };
  socklen_t length = sizeof info;

  if (wire->fd < 0)
    g_error ("the sync connection was never found");
  if (getsockopt (wire->fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0)
    g_error ("TCP_INFO: %s", g_strerror (errno));
  wire->sent = info.tcpi_bytes_acked;
  wire->received = info.tcpi_bytes_received;
  close (wire->fd);
  wire->fd = -1;
  g_clear_pointer (&wire->before, g_hash_table_unref);
}

/* ---- One sync round ----------------------------------------------------- */

typedef struct
{
  CalqueSyncClient *client;
  Wire              wire;
  gboolean          done;
  gboolean          closed;
  GError           *error;

  double            seconds;      /* from sync_once() to its callback */
  double            client_cpu;
  double            server_cpu;
  guint64           pushed;
  guint64           pulled;
  guint64           refused;
} Round;

static void
round_state_cb (GObject    *object,
                GParamSpec *pspec,
                Round      *round)
{
  switch (calque_sync_client_get_state (round->client))
    {
    case CALQUE_SYNC_CLIENT_ONLINE:
      if (round->wire.fd < 0)
        wire_catch (&round->wire);
      break;
    case CALQUE_SYNC_CLIENT_OFFLINE:
      round->closed = TRUE;
      break;
    default:
      break;
    }
}

static void
round_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Round *round = user_data;

  calque_sync_client_sync_once_finish (CALQUE_SYNC_CLIENT (object), result, &round->error);
  round->done = TRUE;
}

/* One calque_sync_client_sync_once() of @store as the holder of @token:
 * connect, push the outbox, pull to the head, disconnect. */
static void
sync_round (Bench       *bench,
            CalqueStore *store,
            const char  *token,
            Round       *round)
{
  double client_cpu = client_cpu_s ();
  double server_cpu = server_cpu_s (bench);
  double start;

  *round = (Round) { .client = calque_sync_client_new (store, bench->base, token, bench->project) };
  wire_begin (&round->wire, bench->server.port);
  g_signal_connect (round->client, "notify::state", G_CALLBACK (round_state_cb), round);

  start = now_s ();
  calque_sync_client_sync_once (round->client, NULL, round_done_cb, round);
  wait_until (&round->done, "a sync round");
  round->seconds = now_s () - start;
  round->client_cpu = client_cpu_s () - client_cpu;
  round->server_cpu = server_cpu_s (bench) - server_cpu;
  if (round->error != NULL)
    g_error ("the sync round failed: %s", round->error->message);
  round->pushed = calque_sync_client_get_pushed (round->client);
  round->pulled = calque_sync_client_get_pulled (round->client);
  round->refused = calque_sync_client_get_refused (round->client);

  /* The counters are read once the client has closed the connection, so
   * that the close handshake is in them too; that is not timed. */
  wait_until (&round->closed, "the sync connection to close");
  wire_end (&round->wire);
  g_signal_handlers_disconnect_by_data (round->client, round);
  g_clear_object (&round->client);
}

/* ---- The project -------------------------------------------------------- */

static CalqueStore *
new_workspace (Bench           *bench,
               const char      *name,
               CalqueWorkspace **out_workspace)
{
  g_autofree char *path = g_build_filename (bench->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  *out_workspace = calque_workspace_create (path, &error);
  if (*out_workspace == NULL)
    g_error ("workspace %s: %s", path, error->message);
  return calque_workspace_get_store (*out_workspace);
}

static void
save (CalqueStore  *store,
      CalqueRecord *record)
{
  g_autoptr(GError) error = NULL;

  if (!calque_store_save (store, record, &error))
    g_error ("save: %s", error->message);
}

/* Coordinates as a person dragging at some zoom makes them: tenths of a
 * pixel. */
static double
tenths (double value)
{
  return round (value * 10) / 10;
}

/* A box or, one time in four, a 6-point polygon (a hexagon squashed to
 * the box), anywhere on the image. */
static CalqueShape *
random_shape (GRand *rand,
              guint  n)
{
  double w = tenths (g_rand_double_range (rand, 20, 400));
  double h = tenths (g_rand_double_range (rand, 20, 300));
  double x = tenths (g_rand_double_range (rand, 0, IMAGE_WIDTH - w));
  double y = tenths (g_rand_double_range (rand, 0, IMAGE_HEIGHT - h));
  double points[12];

  if (n % 4 != 3)
    return calque_shape_new_box (x, y, w, h);
  for (guint i = 0; i < 6; i++)
    {
      points[2 * i] = tenths (x + w / 2 + w / 2 * cos (i * G_PI / 3));
      points[2 * i + 1] = tenths (y + h / 2 + h / 2 * sin (i * G_PI / 3));
    }
  return calque_shape_new_polygon (points, 6);
}

static JsonNode *
id_array (const char *id)
{
  JsonArray *array = json_array_new ();

  json_array_add_string_element (array, id);
  return json_node_init_array (json_node_alloc (), array);
}

/* The project's ten labels; their ids go in @out_ids. */
static void
seed_labels (Bench       *bench,
             CalqueStore *store,
             char        *out_ids[N_LABELS])
{
  static const char * const names[N_LABELS] = { "car", "pedestrian", "cyclist", "bus", "truck",
                                                "traffic light", "traffic sign", "motorcycle", "van",
                                                "animal" };

  for (guint l = 0; l < N_LABELS; l++)
    {
      g_autoptr(CalqueRecord) label = calque_record_new (CALQUE_KIND_LABEL, bench->project);
      g_autofree char *shortcut = g_strdup_printf ("%u", (l + 1) % 10);

      calque_record_set_string (label, "name", names[l]);
      calque_record_set_string (label, "color", "#3584e4");
      calque_record_set_string (label, "shortcut", shortcut);
      calque_record_set_int (label, "position", l);
      save (store, label);
      out_ids[l] = g_strdup (calque_record_get_id (label));
    }
}

/* An image item, as an import of a folder of frames makes it. */
static CalqueRecord *
seed_item (Bench       *bench,
           CalqueStore *store,
           GRand       *rand,
           guint        number,
           gint64       created)
{
  CalqueRecord *item = calque_record_new (CALQUE_KIND_ITEM, bench->project);
  g_autofree char *name = g_strdup_printf ("frames/%06u.jpg", number);
  g_autofree char *sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, name, -1);

  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "mime", "image/jpeg");
  calque_record_set_string (item, "sha256", sha256);
  calque_record_set_int (item, "size", g_rand_int_range (rand, 200000, 900000));
  calque_record_set_int (item, "width", IMAGE_WIDTH);
  calque_record_set_int (item, "height", IMAGE_HEIGHT);
  calque_record_set_int (item, "created", created);
  save (store, item);
  return item;
}

/* Ten labels, @n_annotations annotations, @per_item on each image item,
 * saved in one transaction. */
static void
seed_records (Bench       *bench,
              CalqueStore *store,
              guint        n_annotations,
              guint        per_item)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (4);
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) item = NULL;
  char *labels[N_LABELS];
  gint64 created = g_get_real_time () / 1000;

  if (!calque_store_begin (store, &error))
    g_error ("begin: %s", error->message);
  seed_labels (bench, store, labels);

  for (guint n = 0; n < n_annotations; n++)
    {
      g_autoptr(CalqueRecord) annotation = calque_record_new (CALQUE_KIND_ANNOTATION, bench->project);
      g_autoptr(CalqueShape) shape = random_shape (rand, n);
      const char *label = labels[g_rand_int_range (rand, 0, N_LABELS)];
      double confidence = round (g_rand_double_range (rand, 0.3, 1) * 1000) / 1000;

      if (n % per_item == 0)
        {
          g_clear_object (&item);
          item = seed_item (bench, store, rand, n / per_item, created);
        }
      calque_record_set_string (annotation, "item", calque_record_get_id (item));
      calque_record_set_string (annotation, "author", "alice");
      calque_record_set_field (annotation, "labels", id_array (label));
      calque_record_set_shape (annotation, shape);
      calque_record_set_double (annotation, "confidence", confidence);
      calque_record_set_int (annotation, "created", created + n);
      save (store, annotation);
    }

  if (!calque_store_commit (store, &error))
    g_error ("commit: %s", error->message);
  for (guint l = 0; l < N_LABELS; l++)
    g_free (labels[l]);
}

/* Alice's workspace makes the project's records and pushes them. */
static void
seed (Bench *bench,
      guint  n_annotations,
      guint  per_item)
{
  g_autoptr(CalqueWorkspace) workspace = NULL;
  CalqueStore *store = new_workspace (bench, "seed", &workspace);
  double saved_s, start = now_s ();
  Round round;

  seed_records (bench, store, n_annotations, per_item);
  saved_s = now_s () - start;
  sync_round (bench, store, bench->alice, &round);
  if (round.refused > 0)
    g_error ("the server refused %" G_GUINT64_FORMAT " seeded records", round.refused);
  g_print ("  seeded in %.1f s: %" G_GUINT64_FORMAT " records saved in one transaction (%.1f s), "
           "pushed in one round (%.1f s)\n",
           now_s () - start, round.pushed, saved_s, round.seconds);
}

/* ---- Baselines ---------------------------------------------------------- */

static void
sqlite_check (int         rc,
              sqlite3    *db,
              const char *what)
{
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    g_error ("sqlite: %s: %s", what, sqlite3_errmsg (db));
}

typedef struct
{
  guint   rows;
  guint64 bytes;      /* of the fields' JSON text */
  double  seconds;
} Scan;

/* Every live annotation row of the project in the workspace file, read
 * with plain SQLite on a connection of its own; with @parse, each row's
 * fields and clocks are parsed with json-glib as well, which is the least
 * a reader must do to use them. */
static Scan
scan_annotations (const char *path,
                  const char *project,
                  gboolean    parse)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  Scan scan = { 0 };
  double start;
  int rc;

  sqlite_check (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), db, "open");
  sqlite_check (sqlite3_prepare_v2 (db, "SELECT id, fields, clocks FROM records"
                                        " WHERE project = ?1 AND kind = 'annotation' AND deleted = 0",
                                    -1, &stmt, NULL), db, "prepare");
  sqlite3_bind_text (stmt, 1, project, -1, SQLITE_STATIC);

  start = now_s ();
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *fields = (const char *) sqlite3_column_text (stmt, 1);
      int length = sqlite3_column_bytes (stmt, 1);

      if (parse
          && (!json_parser_load_from_data (parser, fields, length, NULL)
              || !json_parser_load_from_data (parser, (const char *) sqlite3_column_text (stmt, 2),
                                              sqlite3_column_bytes (stmt, 2), NULL)))
        g_error ("annotation %s does not parse", sqlite3_column_text (stmt, 0));
      scan.rows++;
      scan.bytes += length;
    }
  scan.seconds = now_s () - start;
  sqlite_check (rc, db, "step");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return scan;
}

/* The outbox's changes, as they will be pushed, read before the round
 * takes them: their JSON, and its size. */
static GPtrArray *
outbox_texts (const char *path,
              guint64    *out_bytes)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  *out_bytes = 0;
  sqlite_check (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), db, "open");
  sqlite_check (sqlite3_prepare_v2 (db, "SELECT change FROM outbox ORDER BY op_no", -1, &stmt, NULL), db,
                "prepare");
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *out_bytes += sqlite3_column_bytes (stmt, 0);
      g_ptr_array_add (texts, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return texts;
}

/* The changes into a bare table with the workspace's durability (WAL,
 * synchronous=FULL), one transaction: the least that keeping them costs. */
static double
baseline_insert (Bench     *bench,
                 GPtrArray *texts)
{
  g_autofree char *path = g_build_filename (bench->dir, "bare.sqlite", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *insert = NULL;
  double elapsed;

  sqlite_check (sqlite3_open (path, &db), db, "open");
  sqlite_check (sqlite3_exec (db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                  "CREATE TABLE changes (op INTEGER PRIMARY KEY, change TEXT NOT NULL)",
                              NULL, NULL, NULL), db, "schema");
  sqlite_check (sqlite3_prepare_v2 (db, "INSERT INTO changes (change) VALUES (?1)", -1, &insert, NULL), db,
                "prepare");

  elapsed = now_s ();
  sqlite_check (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), db, "begin");
  for (guint i = 0; i < texts->len; i++)
    {
      sqlite3_bind_text (insert, 1, g_ptr_array_index (texts, i), -1, SQLITE_STATIC);
      sqlite_check (sqlite3_step (insert), db, "insert");
      sqlite3_reset (insert);
    }
  sqlite_check (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), db, "commit");
  elapsed = now_s () - elapsed;

  sqlite3_finalize (insert);
  sqlite3_close (db);
  return elapsed;
}

/* The stream a fresh client pulls, read by a bare WebSocket client that
 * decodes every frame (as the sync client does) and stores nothing: what
 * the server and the transport take on their own. */
typedef struct
{
  gboolean welcomed;
  gboolean done;
  gint64   head;      /* at welcome */
  gint64   cursor;
  guint64  changes;
  guint64  payload;   /* bytes of the frames' payloads received */

  Wire     wire;
  double   seconds;   /* from connecting to reaching the head */
  double   client_cpu;
  double   server_cpu;
} Reader;

static void
reader_message_cb (SoupWebsocketConnection *conn,
                   gint                     type,
                   GBytes                  *bytes,
                   Reader                  *reader)
{
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueMessage) message = calque_message_decode (data, length, &error);

  reader->payload += length;
  if (message == NULL)
    g_error ("a frame from the server does not decode: %s", error->message);
  switch (message->type)
    {
    case CALQUE_MESSAGE_WELCOME:
      reader->welcomed = TRUE;
      reader->head = message->head;
      break;
    case CALQUE_MESSAGE_CHANGES:
      reader->changes += message->changes->len;
      reader->cursor = message->changes->len > 0
                       ? ((CalqueChange *) g_ptr_array_index (message->changes, message->changes->len - 1))->seq
                       : message->head;
      break;
    case CALQUE_MESSAGE_ERROR:
      g_error ("the server said %s: %s", calque_sync_code_to_string (message->code), message->message);
      break;
    default:
      break;
    }
  if (reader->welcomed && reader->cursor >= reader->head)
    reader->done = TRUE;
}

static void
reader_connected_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  SoupWebsocketConnection **conn = user_data;
  g_autoptr(GError) error = NULL;

  *conn = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  if (*conn == NULL)
    g_error ("cannot connect: %s", error->message);
}

static void
baseline_stream (Bench  *bench,
                 Reader *reader)
{
  double client_cpu = client_cpu_s ();
  double server_cpu = server_cpu_s (bench);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strdup_printf ("ws://127.0.0.1:%u/api/v1/sync", (guint) bench->server.port);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, uri);
  g_autoptr(SoupWebsocketConnection) conn = NULL;
  g_autoptr(CalqueMessage) hello = NULL;
  g_autofree char *client_id = calque_uuid7_new ();
  g_autofree char *text = NULL;
  double start;

  wire_begin (&reader->wire, bench->server.port);
  start = now_s ();
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        reader_connected_cb, &conn);
  while (conn == NULL)
    g_main_context_iteration (NULL, TRUE);
  wire_catch (&reader->wire);
  soup_websocket_connection_set_max_incoming_payload_size (conn, CALQUE_PROTOCOL_MAX_FRAME + 64 * 1024);
  g_signal_connect (conn, "message", G_CALLBACK (reader_message_cb), reader);
  hello = calque_message_new_hello (bench->bruno, bench->project, client_id, 0);
  text = calque_message_encode (hello, NULL);
  soup_websocket_connection_send_text (conn, text);
  wait_until (&reader->done, "the bare reader to reach the head");
  reader->seconds = now_s () - start;
  reader->client_cpu = client_cpu_s () - client_cpu;
  reader->server_cpu = server_cpu_s (bench) - server_cpu;

  g_signal_handlers_disconnect_by_data (conn, reader);
  soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  while (soup_websocket_connection_get_state (conn) != SOUP_WEBSOCKET_STATE_CLOSED)
    g_main_context_iteration (NULL, TRUE);
  wire_end (&reader->wire);
}

/* ---- The figures -------------------------------------------------------- */

/* Decimal units, in ASCII: g_format_size() puts a no-break space between
 * the number and the unit, which a C locale prints as "?". */
static char *
format_bytes (guint64 bytes)
{
  if (bytes >= 1000 * 1000)
    return g_strdup_printf ("%.1f MB", bytes / 1e6);
  if (bytes >= 1000)
    return g_strdup_printf ("%.1f kB", bytes / 1e3);
  return g_strdup_printf ("%" G_GUINT64_FORMAT " bytes", bytes);
}

static void
print_wire (const Round *round)
{
  g_autofree char *sent = format_bytes (round->wire.sent);
  g_autofree char *received = format_bytes (round->wire.received);

  g_print ("  %-47s %s sent, %s received\n", "on the wire (TCP payload, both ways)", sent, received);
  g_print ("  %-47s client %.2f s, server %.2f s\n", "CPU during the round", round->client_cpu,
           round->server_cpu);
}

/* What the pull is set against: the stream without the store, and the
 * rows it wrote read back without the network. */
static void
pull_baselines (Bench       *bench,
                CalqueStore *store)
{
  const char *path = calque_store_get_filename (store);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *received = NULL;
  g_autofree char *json = NULL;
  Reader reader = { 0 };
  Scan steps, parses;
  double list_s;

  baseline_stream (bench, &reader);
  payload = format_bytes (reader.payload);
  received = format_bytes (reader.wire.received);
  g_print ("  %-47s %.2f s   %" G_GUINT64_FORMAT " changes\n", "baseline: same stream decoded, not stored",
           reader.seconds, reader.changes);
  g_print ("  %-47s payloads %s, TCP %s; CPU client %.2f s, server %.2f s\n", "", payload, received,
           reader.client_cpu, reader.server_cpu);

  steps = scan_annotations (path, bench->project, FALSE);
  parses = scan_annotations (path, bench->project, TRUE);
  json = format_bytes (steps.bytes);
  g_print ("  %-47s %.3f s   %u rows, %s of fields JSON\n", "baseline: plain SQLite, step over the rows",
           steps.seconds, steps.rows, json);
  g_print ("  %-47s %.3f s\n", "baseline: plain SQLite + json-glib parse", parses.seconds);

  list_s = now_s ();
  listed = calque_store_list (store, CALQUE_KIND_ANNOTATION, bench->project, &error);
  if (listed == NULL)
    g_error ("list: %s", error->message);
  list_s = now_s () - list_s;
  g_print ("  %-47s %.3f s   %u records\n", "baseline: calque_store_list()", list_s, listed->len);
}

/* A fresh workspace signed in as bruno pulls everything. */
static CalqueWorkspace *
phase_pull (Bench *bench,
            guint  n_annotations)
{
  CalqueWorkspace *workspace = NULL;
  CalqueStore *store = new_workspace (bench, "fresh", &workspace);
  g_autoptr(GError) error = NULL;
  g_autofree char *per = NULL;
  gint64 count;
  Round round;

  g_print ("\nfresh workspace pulls the project (bruno, manager; one sync round)\n");
  sync_round (bench, store, bench->bruno, &round);
  count = calque_store_count (store, CALQUE_KIND_ANNOTATION, bench->project, &error);
  if (count != n_annotations)
    g_error ("pulled %" G_GINT64_FORMAT " annotations of %u", count, n_annotations);
  per = format_bytes (round.wire.received / n_annotations);
  g_print ("  %-47s %.2f s   (goal < 3 s)   %" G_GUINT64_FORMAT " changes, %.0f changes/s\n",
           "pull", round.seconds, round.pulled, round.pulled / round.seconds);
  print_wire (&round);
  g_print ("  %-47s %s\n", "received per annotation", per);

  pull_baselines (bench, store);
  return workspace;
}

/* A new box a little to the side (kept on the image), or the polygon
 * moved the same way: what a reviewer's correction looks like. */
static void
nudge (CalqueRecord *annotation)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueShape) shape = calque_record_dup_shape (annotation, &error);
  double dx;

  if (shape == NULL)
    g_error ("annotation %s: %s", calque_record_get_id (annotation), error->message);
  if (shape->kind == CALQUE_SHAPE_BOX)
    {
      dx = shape->x + shape->w + 2.5 <= IMAGE_WIDTH ? 2.5 : -2.5;
      shape->x += dx;
    }
  else
    {
      double right = 0;

      for (guint i = 0; i < shape->points->len; i += 2)
        right = MAX (right, g_array_index (shape->points, double, i));
      dx = right + 2.5 <= IMAGE_WIDTH ? 2.5 : -2.5;
      for (guint i = 0; i < shape->points->len; i += 2)
        g_array_index (shape->points, double, i) += dx;
    }
  calque_record_set_shape (annotation, shape);
  calque_record_set_double (annotation, "confidence", 1.0);
}

/* @n_edits annotations spread over the project are corrected with no
 * connection, each saved on its own as the app saves an edit; then a new
 * sync client connects and sends them. */
static void
phase_upload (Bench           *bench,
              CalqueWorkspace *workspace,
              guint            n_edits)
{
  CalqueStore *store = calque_workspace_get_store (workspace);
  g_autoptr(GPtrArray) annotations = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *outbox = NULL;
  guint64 outbox_bytes;
  double edit_s, insert_s;
  guint step;
  Round round;

  g_print ("\n%u offline edits (box moved, confidence set), then reconnect (one sync round)\n", n_edits);
  annotations = calque_store_list (store, CALQUE_KIND_ANNOTATION, bench->project, &error);
  if (annotations == NULL || annotations->len < n_edits)
    g_error ("not enough annotations to edit");
  step = annotations->len / n_edits;

  edit_s = now_s ();
  for (guint i = 0; i < n_edits; i++)
    {
      CalqueRecord *annotation = g_ptr_array_index (annotations, i * step);

      nudge (annotation);
      save (store, annotation);
    }
  edit_s = now_s () - edit_s;
  g_print ("  %-47s %.2f s   (not part of the upload)\n", "edits saved offline, a transaction each", edit_s);

  texts = outbox_texts (calque_store_get_filename (store), &outbox_bytes);
  if (texts->len != n_edits)
    g_error ("%u changes in the outbox, not %u", texts->len, n_edits);

  sync_round (bench, store, bench->bruno, &round);
  if (round.pushed != n_edits || round.refused > 0)
    g_error ("pushed %" G_GUINT64_FORMAT ", refused %" G_GUINT64_FORMAT " of %u", round.pushed, round.refused,
             n_edits);
  g_print ("  %-47s %.2f s   (goal < 1 s)   %" G_GUINT64_FORMAT " pushed, %" G_GUINT64_FORMAT
           " pulled back\n", "upload", round.seconds, round.pushed, round.pulled);
  print_wire (&round);

  insert_s = baseline_insert (bench, texts);
  outbox = format_bytes (outbox_bytes);
  g_print ("  %-47s %.3f s   %s of changes JSON\n", "baseline: the changes into a bare SQLite table",
           insert_s, outbox);
}

int
main (int argc, char **argv)
{
  int n_annotations = 100000;
  int per_item = 100;
  int n_edits = 1000;
  GOptionEntry entries[] = {
    { "annotations", 0, 0, G_OPTION_ARG_INT, &n_annotations, "Annotations in the project", "N" },
    { "per-item", 0, 0, G_OPTION_ARG_INT, &per_item, "Annotations on each image", "N" },
    { "edits", 0, 0, G_OPTION_ARG_INT, &n_edits, "Annotations edited offline", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— measure a client's sync of a large project");
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueWorkspace) fresh = NULL;
  Bench bench = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (n_annotations < 1 || per_item < 1 || n_edits < 1 || n_edits > n_annotations)
    g_error ("--annotations, --per-item and --edits must be positive, with no more edits than annotations");

  if (g_getenv ("CALQUE_SERVER") == NULL)
    g_setenv ("CALQUE_SERVER", CALQUE_SERVER_PATH, TRUE);

  bench_start (&bench);
  g_print ("bench-sync: calque-server on loopback (SQLite store); workspaces in %s (WAL, synchronous=FULL)\n",
           bench.dir);
  g_print ("  project: %d annotations (3 boxes to 1 six-point polygon), %d per %dx%d image, %d labels\n",
           n_annotations, per_item, IMAGE_WIDTH, IMAGE_HEIGHT, N_LABELS);
  seed (&bench, n_annotations, per_item);

  fresh = phase_pull (&bench, n_annotations);
  phase_upload (&bench, fresh, n_edits);

  g_clear_object (&fresh);
  bench_stop (&bench);
  return 0;
}
