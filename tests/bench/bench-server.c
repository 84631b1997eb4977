/* bench-server — how fast does calque-server merge, store and push?
 *
 * Starts the real calque-server on loopback with a fresh SQLite store and
 * drives it with N WebSocket clients speaking docs/protocol.md (N = 10,
 * 100, 1,000 unless --clients says otherwise). For each N:
 *
 * - memory: the server's resident size before and after N clients have
 *   joined one project and gone idle, divided by N;
 * - fan-out: with all N in that one project, one client pushes a single
 *   change at a time; the time from its push to each other client's
 *   receipt gives p50 and p99 (every receiver is a sample);
 * - throughput: the N clients in teams of 10, one project per team, each
 *   pushing batches of 100 label changes, one batch in flight per client:
 *   changes merged, stored (durably: WAL, synchronous=FULL) and acked per
 *   second, with the push-to-teammate latency under that load;
 * - baseline: plain SQLite inserting the same changes, encoded the same
 *   way, into a bare table with the same durability and one transaction
 *   per batch of 100, in the same run.
 *
 * Then, for the main-loop note of docs/server-performance.md: one team of
 * 10 pushing single changes while 0 to 4,000 idle connections, held by a
 * child process, sit in another project.
 *
 * Prints figures, not pass/fail: machines are noisy. The clients run in
 * this process, on the other core, so they cost the server nothing; a
 * change's marker in its name ("bench:N;") lets receipt be timed without
 * decoding every frame. Ids are UUIDv7, as clients make them.
 *
 *   bench-server [--clients 10,100,1000] [--changes 300000] [--idle 0,1000,2000,4000]
 */
#define G_LOG_DOMAIN "bench-server"

#define _GNU_SOURCE  /* memmem */

#include <string.h>
#include <math.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "calque-json-writer.h"
#include "calque-protocol.h"
#include "calque-uuid.h"
#include "calque-server-fixture.h"

#define PASSWORD    "correct horse battery"
#define N_USERS     10
#define TEAM_SIZE   10
#define BATCH_SIZE  100
#define FANOUT_PUSHES 40
#define CONNECTS_IN_FLIGHT 32
#define PACED_BATCH 10
#define PACED_S     5
#define PACED_TICK_MS 2
#define WAIT_S      120

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* ---- The server and its people -------------------------------------- */

typedef struct
{
  CalqueServerFixture server;
  SoupSession        *session;
  char               *admin;            /* alice's token */
  char               *tokens[N_USERS];  /* u0 … u9, managers of every project */
  GPid                pid;
} Bench;

static JsonNode *
post (Bench      *bench,
      const char *path,
      const char *body)
{
  g_auto(CalqueHttpResponse) response = { 0 };
  g_autofree char *authorization = g_strconcat ("Bearer ", bench->admin, NULL);

  calque_server_fixture_request (&bench->server, SOUP_METHOD_POST, path, authorization,
                                 "application/json", body, -1, &response);
  if (response.status != SOUP_STATUS_CREATED)
    g_error ("POST %s: %u %s", path, response.status, response.text ?: "");
  return g_steal_pointer (&response.body);
}

/* A project of alice's with u0 … u9 as managers, who may write labels. */
static char *
new_project (Bench      *bench,
             const char *name)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"type\":\"image\"}", name);
  g_autoptr(JsonNode) project = post (bench, "/api/v1/projects", body);
  char *id = g_strdup (json_object_get_string_member (json_node_get_object (project), "id"));
  g_autofree char *members = g_strdup_printf ("/api/v1/projects/%s/members", id);

  for (int u = 0; u < N_USERS; u++)
    {
      g_autofree char *member = g_strdup_printf ("{\"user\":\"u%d\",\"role\":\"manager\"}", u);
      g_autoptr(JsonNode) answer = post (bench, members, member);
    }
  return id;
}

static void
bench_start (Bench *bench)
{
  calque_server_fixture_init (&bench->server);
  g_assert_cmpint (calque_server_fixture_user_add (&bench->server, "alice", "--admin", PASSWORD), ==, 0);
  for (int u = 0; u < N_USERS; u++)
    {
      g_autofree char *name = g_strdup_printf ("u%d", u);
      g_assert_cmpint (calque_server_fixture_user_add (&bench->server, name, NULL, PASSWORD), ==, 0);
    }
  calque_server_fixture_start (&bench->server);
  bench->pid = atoi (g_subprocess_get_identifier (bench->server.server));

  bench->admin = calque_server_fixture_login_token (&bench->server, "alice", PASSWORD);
  for (int u = 0; u < N_USERS; u++)
    {
      g_autofree char *name = g_strdup_printf ("u%d", u);
      bench->tokens[u] = calque_server_fixture_login_token (&bench->server, name, PASSWORD);
    }

  bench->session = soup_session_new_with_options ("max-conns", 100000, "max-conns-per-host", 100000, NULL);
}

static void
bench_stop (Bench *bench)
{
  calque_server_fixture_clear (&bench->server);
  g_clear_object (&bench->session);
  g_clear_pointer (&bench->admin, g_free);
  for (int u = 0; u < N_USERS; u++)
    g_clear_pointer (&bench->tokens[u], g_free);
}

/* The server's resident memory, from /proc, in KiB. */
static gint64
server_rss_kib (Bench *bench)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", bench->pid);
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL) || (line = strstr (status, "VmRSS:")) == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen ("VmRSS:"), NULL, 10);
}

/* ---- Clients ---------------------------------------------------------- */

/* When each marked change was pushed; a receipt looks its marker up. */
typedef struct _Client Client;

typedef struct
{
  double  at;
  Client *by;
} Sent;

typedef struct
{
  GArray  *sent;       /* Sent, by marker */
  GArray  *latencies;  /* double seconds: one per receipt by another client */
  gboolean recording;
  guint64  received;   /* changes received by clients other than the pusher */
} Clock;

struct _Client
{
  Bench                   *bench;
  Clock                   *clock;
  SoupWebsocketConnection *conn;
  char                    *project;
  const char              *token;
  gboolean                 welcomed;
  gboolean                 closed;
  guint                    pushes;    /* pushes sent */
  guint                    acks;      /* acks received */
  guint64                  acked;     /* changes acked with a seq */
  guint64                  refused;
  gint64                   op_no;
  char                    *client_id;
};

static void
client_free (Client *client)
{
  if (client->conn != NULL)
    {
      g_signal_handlers_disconnect_by_data (client->conn, client);
      g_object_unref (client->conn);
    }
  g_free (client->project);
  g_free (client->client_id);
  g_free (client);
}

/* Every "bench:N;" in a changes frame is one change received. */
static void
client_note_changes (Client     *client,
                     const char *data,
                     gsize       length)
{
  double now = now_s ();
  const char *end = data + length;
  const char *p = data;

  while ((p = memmem (p, end - p, "bench:", 6)) != NULL)
    {
      guint64 marker = g_ascii_strtoull (p + 6, NULL, 10);
      const Sent *sent;
      double latency;

      p += 6;
      if (marker >= client->clock->sent->len)
        continue;
      sent = &g_array_index (client->clock->sent, Sent, marker);
      if (sent->by == client)
        continue;
      client->clock->received++;
      latency = now - sent->at;
      if (client->clock->recording)
        g_array_append_val (client->clock->latencies, latency);

    }
}

static void
client_message_cb (SoupWebsocketConnection *conn,
                   gint                     type,
                   GBytes                  *bytes,
                   Client                  *client)
{
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);
  g_autoptr(CalqueMessage) message = NULL;
  g_autoptr(GError) error = NULL;

  /* Changes and presence are the bulk: looked at without decoding. */
  if (memmem (data, MIN (length, 64), "\"changes\"", 9) != NULL)
    {
      client_note_changes (client, data, length);
      return;
    }
  if (memmem (data, MIN (length, 64), "\"presence\"", 10) != NULL)
    return;

  message = calque_message_decode (data, length, &error);
  if (message == NULL)
    g_error ("a frame from the server does not decode: %s", error->message);

  switch (message->type)
    {
    case CALQUE_MESSAGE_WELCOME:
      client->welcomed = TRUE;
      break;
    case CALQUE_MESSAGE_ACK:
      client->acks++;

      for (guint i = 0; i < message->results->len; i++)
        {
          const CalqueAckResult *result = g_ptr_array_index (message->results, i);

          if (result->seq > 0)
            client->acked++;
          else
            client->refused++;
        }
      break;
    case CALQUE_MESSAGE_ERROR:
      g_error ("the server said %s: %s", calque_sync_code_to_string (message->code), message->message);
      break;
    default:
      break;
    }
}

static void
client_closed_cb (SoupWebsocketConnection *conn,
                  Client                  *client)
{
  client->closed = TRUE;
}

typedef struct
{
  GPtrArray *clients;
  guint      next;       /* the next one to connect */
  guint      in_flight;
  guint      connected;
} Connecting;

static void connect_next (Connecting *connecting);

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Connecting *connecting = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *conn = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  Client *client;
  g_autoptr(CalqueMessage) hello = NULL;
  g_autofree char *text = NULL;

  if (conn == NULL)
    g_error ("cannot connect: %s", error->message);

  /* The clients are connected in order; find the first without one. */
  client = NULL;
  for (guint i = 0; i < connecting->next; i++)
    {
      Client *candidate = g_ptr_array_index (connecting->clients, i);

      if (candidate->conn == NULL)
        {
          client = candidate;
          break;
        }
    }
  g_assert_nonnull (client);

  client->conn = conn;
  soup_websocket_connection_set_max_incoming_payload_size (conn, 8 * 1024 * 1024);
  g_signal_connect (conn, "message", G_CALLBACK (client_message_cb), client);
  g_signal_connect (conn, "closed", G_CALLBACK (client_closed_cb), client);

  hello = calque_message_new_hello (client->token, client->project, client->client_id, 0);
  text = calque_message_encode (hello, NULL);
  soup_websocket_connection_send_text (conn, text);

  connecting->in_flight--;
  connecting->connected++;
  connect_next (connecting);
}

static void
connect_next (Connecting *connecting)
{
  while (connecting->in_flight < CONNECTS_IN_FLIGHT && connecting->next < connecting->clients->len)
    {
      Client *client = g_ptr_array_index (connecting->clients, connecting->next++);
      g_autofree char *uri = g_strdup_printf ("ws://127.0.0.1:%u/api/v1/sync", (guint) client->bench->server.port);
      g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, uri);

      connecting->in_flight++;
      soup_session_websocket_connect_async (client->bench->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                            NULL, connected_cb, connecting);
    }
}

typedef gboolean (*Condition) (GPtrArray *clients, gpointer data);

static void
run_until (Condition   condition,
           GPtrArray  *clients,
           gpointer    data,
           const char *what)
{
  double deadline = now_s () + WAIT_S;

  while (!condition (clients, data))
    {
      if (now_s () > deadline)
        g_error ("waited %d s for %s", WAIT_S, what);
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
all_welcomed (GPtrArray *clients,
              gpointer   data)
{
  for (guint i = 0; i < clients->len; i++)
    if (!((Client *) g_ptr_array_index (clients, i))->welcomed)
      return FALSE;
  return TRUE;
}

/* Connects and says hello for every client, a few connects at a time as a
 * crowd arriving would; returns once all are welcomed. */
static void
join_all (GPtrArray *clients)
{
  Connecting connecting = { .clients = clients };

  connect_next (&connecting);
  run_until (all_welcomed, clients, NULL, "every client to be welcomed");
}

static Client *
client_new (Bench      *bench,
            Clock      *clock,
            const char *project,
            guint       index)
{
  Client *client = g_new0 (Client, 1);

  client->bench = bench;
  client->clock = clock;
  client->project = g_strdup (project);
  client->token = bench->tokens[index % N_USERS];
  client->client_id = calque_uuid7_new ();
  return client;
}

static gboolean
all_closed (GPtrArray *clients,
            gpointer   data)
{
  for (guint i = 0; i < clients->len; i++)
    if (!((Client *) g_ptr_array_index (clients, i))->closed)
      return FALSE;
  return TRUE;
}

static void
close_all (GPtrArray *clients)
{
  for (guint i = 0; i < clients->len; i++)
    {
      Client *client = g_ptr_array_index (clients, i);

      if (soup_websocket_connection_get_state (client->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (client->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  run_until (all_closed, clients, NULL, "every connection to close");
}

/* A label change marked with @marker; labels may be written by managers. */
static CalqueChange *
new_label_change (Client *client,
                  guint64 marker)
{
  g_autofree char *id = calque_uuid7_new ();
  g_autofree char *name = g_strdup_printf ("bench:%" G_GUINT64_FORMAT ";", marker);
  CalqueChange *change = calque_change_new (client->client_id, ++client->op_no, CALQUE_KIND_LABEL,
                                            id, client->project);

  calque_change_set_field (change, "name", json_node_init_string (json_node_alloc (), name));
  calque_change_set_field (change, "color", json_node_init_string (json_node_alloc (), "#3584e4"));
  change->hlc.time = ((guint64) (g_get_real_time () / 1000) << 16) | (client->op_no & 0xffff);
  change->hlc.node = g_str_hash (client->client_id);
  return change;
}

/* Pushes @n changes as one message; each is marked with the next marker,
 * whose send time is now. */
static void
client_push (Client *client,
             guint   n)
{
  g_autoptr(CalqueMessage) push = calque_message_new_push ();
  g_autofree char *text = NULL;
  Clock *clock = client->clock;
  double now;

  for (guint i = 0; i < n; i++)
    calque_message_take_change (push, new_label_change (client, clock->sent->len + i));
  text = calque_message_encode (push, NULL);
  now = now_s ();
  for (guint i = 0; i < n; i++)
    g_array_append_val (clock->sent, ((Sent) { .at = now, .by = client }));
  soup_websocket_connection_send_text (client->conn, text);

}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *sorted,
            double  p)
{
  if (sorted->len == 0)
    return NAN;
  return g_array_index (sorted, double, MIN (sorted->len - 1, (guint) (p * sorted->len)));
}

/* ---- Phases ----------------------------------------------------------- */

typedef struct
{
  Client *pusher;
  guint   acks;
  guint64 receipts;
} Awaiting;

static gboolean
push_fanned_out (GPtrArray *clients,
                 gpointer   data)
{
  Awaiting *awaiting = data;

  return awaiting->pusher->acks >= awaiting->acks && awaiting->pusher->clock->received >= awaiting->receipts;
}

/* All N in one project: idle memory, then one pusher's changes reaching
 * everyone. */
static void
phase_one_project (Bench *bench,
                   guint  n_clients)
{
  g_autofree char *name = g_strdup_printf ("all-%u", n_clients);
  g_autofree char *project = new_project (bench, name);
  g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
  Clock clock = { 0 };
  gint64 rss_before, rss_after;
  double joined_s;
  Awaiting awaiting;

  clock.sent = g_array_new (FALSE, TRUE, sizeof (Sent));
  clock.latencies = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < n_clients; i++)
    g_ptr_array_add (clients, client_new (bench, &clock, project, i));

  /* Let the server settle after the HTTP calls, then measure. */
  g_usleep (300 * 1000);
  rss_before = server_rss_kib (bench);
  joined_s = now_s ();
  join_all (clients);
  joined_s = now_s () - joined_s;
  /* Presence lists still flowing from the joins: let them drain. */
  for (double until = now_s () + 1.0; now_s () < until;)
    g_main_context_iteration (NULL, FALSE);
  rss_after = server_rss_kib (bench);

  g_print ("  %5u clients in one project: joined in %.2f s; server memory %.1f MiB -> %.1f MiB, "
           "%.1f KiB per idle connection\n",
           n_clients, joined_s, rss_before / 1024.0, rss_after / 1024.0,
           (double) (rss_after - rss_before) / n_clients);

  /* Fan-out: a push at a time, the next once everyone has the last. */
  clock.recording = TRUE;
  awaiting = (Awaiting) { .pusher = g_ptr_array_index (clients, 0) };
  for (guint k = 0; k < FANOUT_PUSHES; k++)
    {
      client_push (awaiting.pusher, 1);
      awaiting.acks++;
      awaiting.receipts += n_clients - 1;
      run_until (push_fanned_out, clients, &awaiting, "a push to reach every client");
    }
  g_array_sort (clock.latencies, compare_double);
  g_print ("  %5u clients in one project: push to receipt by each of the others, %u pushes: "
           "p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
           n_clients, FANOUT_PUSHES, percentile (clock.latencies, 0.50) * 1e3,
           percentile (clock.latencies, 0.99) * 1e3,
           percentile (clock.latencies, 1.0) * 1e3);

  close_all (clients);
  g_array_unref (clock.sent);
  g_array_unref (clock.latencies);
}

typedef struct
{
  guint rounds;
} Throughput;

static gboolean
all_rounds_acked (GPtrArray *clients,
                  gpointer   data)
{
  Throughput *throughput = data;

  for (guint i = 0; i < clients->len; i++)
    if (((Client *) g_ptr_array_index (clients, i))->acks < throughput->rounds)
      return FALSE;
  return TRUE;
}

static void
keep_pushing_cb (SoupWebsocketConnection *conn,
                 gint                     type,
                 GBytes                  *bytes,
                 Client                  *client);

typedef struct
{
  Clock  *clock;
  guint64 receipts;
} Delivered;

static gboolean
all_delivered (GPtrArray *clients,
               gpointer   data)
{
  Delivered *delivered = data;

  return delivered->clock->received >= delivered->receipts;
}

static gboolean
all_acked (GPtrArray *clients,
           gpointer   data)
{
  for (guint i = 0; i < clients->len; i++)
    {
      Client *client = g_ptr_array_index (clients, i);

      if (client->acks < client->pushes)
        return FALSE;
    }
  return TRUE;
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* The same teams, pushing batches of PACED_BATCH at @rate changes a
 * second in all for PACED_S, each client with one push in flight at most:
 * the latency people see when the server is busy but keeping up. */
static void
paced_run (GPtrArray *clients,
           Clock     *clock,
           double     rate)
{
  guint64 received_before = clock->received;
  guint64 sent = 0, skipped = 0;
  guint next = 0;
  guint tick = g_timeout_add (PACED_TICK_MS, tick_cb, NULL);
  double start = now_s ();
  double elapsed;
  guint team = MIN (TEAM_SIZE, clients->len);
  Delivered delivered = { .clock = clock };

  g_array_set_size (clock->latencies, 0);
  while ((elapsed = now_s () - start) < PACED_S)
    {
      guint64 due = (guint64) (elapsed * rate / PACED_BATCH);

      while (sent < due)
        {
          Client *client = g_ptr_array_index (clients, next);

          next = (next + 1) % clients->len;
          sent++;
          if (client->acks < client->pushes)
            {
              skipped++;
              continue;
            }
          client_push (client, PACED_BATCH);
        }
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
  run_until (all_acked, clients, NULL, "the paced pushes to be acked");
  delivered.receipts = received_before + (sent - skipped) * PACED_BATCH * (team - 1);
  run_until (all_delivered, clients, &delivered, "the paced changes to reach the teammates");

  g_array_sort (clock->latencies, compare_double);
  g_print ("  %5u clients, paced at %.0f changes/s in batches of %d for %d s (%" G_GUINT64_FORMAT
           " batches skipped: previous not acked yet): push to teammate p50 %.1f ms, p99 %.1f ms\n",
           clients->len, rate, PACED_BATCH, PACED_S, skipped,
           percentile (clock->latencies, 0.50) * 1e3, percentile (clock->latencies, 0.99) * 1e3);
}

/* Teams of TEAM_SIZE, one project each, every client pushing. Returns
 * changes per second. */
static double
phase_teams (Bench *bench,
             guint  n_clients,
             guint  n_changes,
             double paced_rate)
{
  g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
  Throughput throughput = { .rounds = MAX (1, n_changes / (n_clients * BATCH_SIZE)) };
  Clock clock = { 0 };
  g_autofree char *project = NULL;
  guint64 acked = 0, refused = 0;
  double elapsed, start, delivered_s;

  clock.sent = g_array_new (FALSE, TRUE, sizeof (Sent));
  clock.latencies = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < n_clients; i++)
    {
      if (i % TEAM_SIZE == 0)
        {
          g_autofree char *name = g_strdup_printf ("team-%u-%u", n_clients, i / TEAM_SIZE);

          g_free (project);
          project = new_project (bench, name);
        }
      g_ptr_array_add (clients, client_new (bench, &clock, project, i));
    }
  join_all (clients);

  clock.recording = TRUE;
  for (guint i = 0; i < clients->len; i++)
    {
      Client *client = g_ptr_array_index (clients, i);

      g_object_set_data (G_OBJECT (client->conn), "rounds", GUINT_TO_POINTER (throughput.rounds));
      g_signal_connect_after (client->conn, "message", G_CALLBACK (keep_pushing_cb), client);
    }

  start = now_s ();
  for (guint i = 0; i < clients->len; i++)
    client_push (g_ptr_array_index (clients, i), BATCH_SIZE);
  run_until (all_rounds_acked, clients, &throughput, "every batch to be acked");
  elapsed = now_s () - start;

  for (guint i = 0; i < clients->len; i++)
    {
      Client *client = g_ptr_array_index (clients, i);

      acked += client->acked;
      refused += client->refused;
    }
  if (refused > 0)
    g_error ("the server refused %" G_GUINT64_FORMAT " changes", refused);

  {
    Delivered delivered = { .clock = &clock, .receipts = acked * (MIN (TEAM_SIZE, n_clients) - 1) };

    run_until (all_delivered, clients, &delivered, "every change to reach the teammates");
  }
  delivered_s = now_s () - start - elapsed;

  g_array_sort (clock.latencies, compare_double);
  g_print ("  %5u clients in teams of %d, pushing batches of %d as fast as acked: %" G_GUINT64_FORMAT
           " changes in %.2f s, %.0f changes/s stored; all at the teammates %.2f s later "
           "(%" G_GUINT64_FORMAT " receipts); push to teammate p50 %.0f ms, p99 %.0f ms (queueing)\n",
           n_clients, TEAM_SIZE, BATCH_SIZE, acked, elapsed, acked / elapsed, delivered_s,
           clock.received, percentile (clock.latencies, 0.50) * 1e3, percentile (clock.latencies, 0.99) * 1e3);

  for (guint i = 0; i < clients->len; i++)
    g_signal_handlers_disconnect_by_func (((Client *) g_ptr_array_index (clients, i))->conn,
                                          keep_pushing_cb, g_ptr_array_index (clients, i));
  paced_run (clients, &clock, paced_rate > 0 ? paced_rate : acked / elapsed / 2);

  close_all (clients);
  g_array_unref (clock.sent);
  g_array_unref (clock.latencies);
  return acked / elapsed;
}

/* After each ack, the next batch, until the client has pushed its rounds. */
static void
keep_pushing_cb (SoupWebsocketConnection *conn,
                 gint                     type,
                 GBytes                  *bytes,
                 Client                  *client)
{
  guint rounds = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (conn), "rounds"));
  guint pushed = (guint) (client->op_no / BATCH_SIZE);

  if (client->acks == pushed && pushed < rounds)
    client_push (client, BATCH_SIZE);
}

/* The idle crowd is held by a child process (this program again, with
 * --hold), so that this process's own main loop, which measures, polls
 * only the team: what grows with the crowd is then the server's cost. */
static GSubprocess *
spawn_crowd (Bench      *bench,
             guint       n_idle,
             const char *project)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *count = g_strdup_printf ("%u", n_idle);
  g_autofree char *port = g_strdup_printf ("%u", (guint) bench->server.port);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;
  GSubprocess *crowd;

  /* The token is a secret: through the environment, not argv. */
  g_subprocess_launcher_setenv (launcher, "BENCH_SERVER_TOKEN", bench->tokens[0], TRUE);
  crowd = g_subprocess_launcher_spawn (launcher, &error, self, "--hold", count, "--hold-port", port,
                                       "--hold-project", project, NULL);
  if (crowd == NULL)
    g_error ("cannot start the crowd: %s", error->message);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (crowd));
  line = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  if (g_strcmp0 (line, "ready") != 0)
    g_error ("the crowd did not get ready: %s", error != NULL ? error->message : line ?: "it ended");
  return crowd;
}

/* --hold N: connect N clients to the project, say hello, and sit until
 * the parent goes. */
static int
hold_crowd (guint       n_idle,
            guint16     port,
            const char *project)
{
  Bench bench = { .server.port = port };
  Clock clock = { 0 };
  g_autoptr(GPtrArray) idle = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
  const char *token = g_getenv ("BENCH_SERVER_TOKEN");

  if (token == NULL)
    g_error ("--hold needs BENCH_SERVER_TOKEN");
  prctl (PR_SET_PDEATHSIG, SIGTERM);
  for (int u = 0; u < N_USERS; u++)
    bench.tokens[u] = (char *) token;
  bench.session = soup_session_new_with_options ("max-conns", 100000, "max-conns-per-host", 100000, NULL);
  clock.sent = g_array_new (FALSE, TRUE, sizeof (Sent));
  clock.latencies = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < n_idle; i++)
    g_ptr_array_add (idle, client_new (&bench, &clock, project, i));
  join_all (idle);
  g_print ("ready\n");
  fflush (stdout);
  for (;;)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

/* One team pushing single changes while @n_idle connections sit idle in
 * another project: what the number of descriptors costs the server's
 * wakeups. */
static void
phase_idle_crowd (Bench *bench,
                  guint  n_idle)
{
  g_autoptr(GPtrArray) team = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
  g_autofree char *idle_name = g_strdup_printf ("crowd-%u", n_idle);
  g_autofree char *idle_project = new_project (bench, idle_name);
  g_autofree char *team_name = g_strdup_printf ("crowd-team-%u", n_idle);
  g_autofree char *team_project = new_project (bench, team_name);
  g_autoptr(GSubprocess) crowd = NULL;
  Clock clock = { 0 };
  Awaiting awaiting;

  clock.sent = g_array_new (FALSE, TRUE, sizeof (Sent));
  clock.latencies = g_array_new (FALSE, FALSE, sizeof (double));

  if (n_idle > 0)
    crowd = spawn_crowd (bench, n_idle, idle_project);
  for (guint i = 0; i < TEAM_SIZE; i++)
    g_ptr_array_add (team, client_new (bench, &clock, team_project, i));
  join_all (team);
  for (double until = now_s () + 0.5; now_s () < until;)
    g_main_context_iteration (NULL, FALSE);

  clock.recording = TRUE;
  clock.received = 0;
  awaiting = (Awaiting) { .pusher = g_ptr_array_index (team, 0) };
  for (guint k = 0; k < 200; k++)
    {
      client_push (awaiting.pusher, 1);
      awaiting.acks++;
      awaiting.receipts += TEAM_SIZE - 1;
      run_until (push_fanned_out, team, &awaiting, "a push to reach the team");
    }
  g_array_sort (clock.latencies, compare_double);
  g_print ("  %5u idle connections (held by another process): a team of %d, "
           "push to teammate p50 %.2f ms, p99 %.2f ms\n",
           n_idle, TEAM_SIZE, percentile (clock.latencies, 0.50) * 1e3,
           percentile (clock.latencies, 0.99) * 1e3);

  close_all (team);
  if (crowd != NULL)
    {
      g_subprocess_force_exit (crowd);
      g_subprocess_wait (crowd, NULL, NULL);
    }
  g_array_unref (clock.sent);
  g_array_unref (clock.latencies);
}

/* ---- Baseline: plain SQLite ------------------------------------------- */

static void
sqlite_check (int         rc,
              sqlite3    *db,
              const char *what)
{
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    g_error ("sqlite: %s: %s", what, sqlite3_errmsg (db));
}

/* The same label changes, encoded as the server stores them, inserted
 * into a bare table: WAL, synchronous=FULL, a transaction per batch. */
static double
baseline_sqlite (guint n_changes)
{
  g_autofree char *dir = g_dir_make_tmp ("bench-server-sqlite-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bare.sqlite", NULL);
  g_autofree char *project = calque_uuid7_new ();
  Client client = { .project = project, .client_id = calque_uuid7_new () };
  sqlite3 *db = NULL;
  sqlite3_stmt *insert = NULL;
  double elapsed;

  sqlite_check (sqlite3_open (path, &db), db, "open");
  sqlite_check (sqlite3_exec (db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                  "CREATE TABLE changes (project TEXT NOT NULL, seq INTEGER NOT NULL, client TEXT NOT NULL,"
                                  " op INTEGER NOT NULL, change TEXT NOT NULL, PRIMARY KEY (project, seq)) WITHOUT ROWID",
                              NULL, NULL, NULL), db, "schema");
  sqlite_check (sqlite3_prepare_v2 (db, "INSERT INTO changes VALUES (?, ?, ?, ?, ?)", -1,
                                    &insert, NULL), db, "prepare");

  elapsed = now_s ();
  for (guint done = 0; done < n_changes; done += BATCH_SIZE)
    {
      sqlite_check (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), db, "begin");
      for (guint i = 0; i < BATCH_SIZE; i++)
        {
          g_autoptr(CalqueChange) change = new_label_change (&client, done + i);
          g_autoptr(JsonNode) node = calque_change_to_json (change);
          g_autofree char *body = calque_json_node_to_string (node, NULL);

          sqlite3_bind_text (insert, 1, project, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (insert, 2, done + i + 1);
          sqlite3_bind_text (insert, 3, change->client_id, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (insert, 4, (sqlite3_int64) change->op_no);
          sqlite3_bind_text (insert, 5, body, -1, SQLITE_STATIC);
          sqlite_check (sqlite3_step (insert), db, "insert");
          sqlite3_reset (insert);
        }
      sqlite_check (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), db, "commit");
    }
  elapsed = now_s () - elapsed;

  sqlite3_finalize (insert);
  sqlite3_close (db);
  g_free (client.client_id);
  g_remove (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_remove (wal);
    g_remove (shm);
  }
  g_rmdir (dir);
  return n_changes / elapsed;
}

/* ---- Main ------------------------------------------------------------- */

static GArray *
parse_counts (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  GArray *counts = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint64 n = 0;

      if (parts[i][0] == '\0')
        continue;
      if (!g_ascii_string_to_unsigned (parts[i], 10, 0, 100000, &n, NULL))
        g_error ("“%s” is not a count", parts[i]);
      g_array_append_val (counts, (guint) { n });
    }
  return counts;
}

int
main (int argc, char **argv)
{
  g_autofree char *clients_text = g_strdup ("10,100,1000");
  g_autofree char *idle_text = g_strdup ("0,1000,2000,4000");
  int n_changes = 300000;
  double paced_rate = 0;
  int hold = -1;
  int hold_port = 0;
  g_autofree char *hold_project = NULL;
  GOptionEntry entries[] = {
    { "clients", 0, 0, G_OPTION_ARG_STRING, &clients_text, "Numbers of clients, comma-separated", "N,N" },
    { "changes", 0, 0, G_OPTION_ARG_INT, &n_changes, "Changes pushed in each throughput run", "N" },
    { "paced-rate", 0, 0, G_OPTION_ARG_DOUBLE, &paced_rate,
      "Changes per second of the paced runs (default: half the throughput just measured)", "N" },
    { "hold", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &hold, NULL, NULL },
    { "hold-port", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &hold_port, NULL, NULL },
    { "hold-project", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &hold_project, NULL, NULL },
    { "idle", 0, 0, G_OPTION_ARG_STRING, &idle_text, "Numbers of idle connections for the main-loop run", "N,N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— measure calque-server");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) client_counts = NULL;
  g_autoptr(GArray) idle_counts = NULL;
  struct rlimit files;
  Bench bench = { 0 };
  double baseline;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  client_counts = parse_counts (clients_text);
  idle_counts = parse_counts (idle_text);

  /* A thousand sockets here, as many in the server, which inherits this. */
  if (getrlimit (RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max)
    {
      files.rlim_cur = files.rlim_max;
      setrlimit (RLIMIT_NOFILE, &files);
    }
  if (hold >= 0)
    return hold_crowd ((guint) hold, (guint16) hold_port, hold_project);

  if (g_getenv ("CALQUE_SERVER") == NULL)
    g_setenv ("CALQUE_SERVER", CALQUE_SERVER_PATH, TRUE);

  g_print ("bench-server: calque-server on loopback, SQLite store (WAL, synchronous=FULL); "
           "label changes; clients in this process\n");
  bench_start (&bench);

  g_print ("one project, everyone in it:\n");
  for (guint i = 0; i < client_counts->len; i++)
    phase_one_project (&bench, g_array_index (client_counts, guint, i));

  g_print ("throughput:\n");
  for (guint i = 0; i < client_counts->len; i++)
    phase_teams (&bench, g_array_index (client_counts, guint, i), n_changes, paced_rate);
  baseline = baseline_sqlite (n_changes);
  g_print ("  baseline, plain SQLite: the same %d changes as JSON into a bare table, "
           "a transaction per %d: %.0f rows/s\n", n_changes, BATCH_SIZE, baseline);

  g_print ("main loop, idle connections in another project:\n");
  for (guint i = 0; i < idle_counts->len; i++)
    phase_idle_crowd (&bench, g_array_index (idle_counts, guint, i));

  bench_stop (&bench);
  return 0;
}
