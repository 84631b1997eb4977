/* test-api.c — projects and members over HTTP, on the real server
 *
 * bob is a server admin; alice and dave are plain users.
 */
#include "calque-server-fixture.h"
#include "calque-sqlite-store.h"
#include "calque-uuid.h"

#include <string.h>

typedef struct {
  CalqueServerFixture server;
  char *bob, *alice, *dave;   /* "Bearer …" */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  calque_server_fixture_init (&f->server);
  g_assert_cmpint (calque_server_fixture_user_add (&f->server, "bob", "--admin", "staple of the realm"), ==, 0);
  g_assert_cmpint (calque_server_fixture_user_add (&f->server, "alice", NULL, "correct horse battery"), ==, 0);
  g_assert_cmpint (calque_server_fixture_user_add (&f->server, "dave", NULL, "doors of durin"), ==, 0);
  calque_server_fixture_start (&f->server);
  f->bob = calque_server_fixture_login (&f->server, "bob", "staple of the realm");
  f->alice = calque_server_fixture_login (&f->server, "alice", "correct horse battery");
  f->dave = calque_server_fixture_login (&f->server, "dave", "doors of durin");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  calque_server_fixture_clear (&f->server);
  g_free (f->bob);
  g_free (f->alice);
  g_free (f->dave);
}

static void
post (Fixture *f, const char *path, const char *auth, const char *body, CalqueHttpResponse *r)
{
  calque_server_fixture_request (&f->server, SOUP_METHOD_POST, path, auth, "application/json", body, -1, r);
}

static void
assert_error (CalqueHttpResponse *r, guint status, const char *code)
{
  g_assert_cmpuint (r->status, ==, status);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (r->body), "error"), ==, code);
}

static char *
create_project (Fixture *f)
{
  g_auto(CalqueHttpResponse) r = { 0 };

  post (f, "/api/v1/projects", f->bob, "{\"name\":\"Birds\",\"type\":\"image\",\"overlap\":2}", &r);
  g_assert_cmpuint (r.status, ==, 201);
  return g_strdup (json_object_get_string_member (json_node_get_object (r.body), "id"));
}

/* The role @auth's user has in @project_id according to GET /projects, or NULL. */
static char *
role_in (Fixture *f, const char *auth, const char *project_id)
{
  g_auto(CalqueHttpResponse) r = { 0 };
  JsonArray *projects;

  calque_server_fixture_request (&f->server, SOUP_METHOD_GET, "/api/v1/projects", auth, NULL, NULL, 0, &r);
  g_assert_cmpuint (r.status, ==, 200);
  projects = json_node_get_array (r.body);
  for (guint i = 0; i < json_array_get_length (projects); i++)
    {
      JsonObject *p = json_array_get_object_element (projects, i);

      if (g_str_equal (json_object_get_string_member (p, "id"), project_id))
        return g_strdup (json_object_get_string_member (p, "role"));
    }
  return NULL;
}

static void
test_create_project (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *id = create_project (f);
  g_autofree char *bob_role = role_in (f, f->bob, id);
  g_autofree char *alice_role = role_in (f, f->alice, id);
  g_auto(CalqueHttpResponse) not_admin = { 0 };
  g_auto(CalqueHttpResponse) no_token = { 0 };
  g_auto(CalqueHttpResponse) bad_field = { 0 };
  g_auto(CalqueHttpResponse) invalid = { 0 };
  g_auto(CalqueHttpResponse) not_json = { 0 };

  /* The creator owns it; nobody else is in it. */
  g_assert_cmpstr (bob_role, ==, "owner");
  g_assert_null (alice_role);

  post (f, "/api/v1/projects", f->alice, "{\"name\":\"Mine\",\"type\":\"text\"}", &not_admin);
  assert_error (&not_admin, 403, "forbidden");
  post (f, "/api/v1/projects", NULL, "{\"name\":\"Mine\",\"type\":\"text\"}", &no_token);
  assert_error (&no_token, 401, "unauthorized");
  post (f, "/api/v1/projects", f->bob, "{\"name\":\"X\",\"type\":\"text\",\"colour\":\"red\"}", &bad_field);
  assert_error (&bad_field, 400, "bad-request");
  g_assert_nonnull (strstr (bad_field.text, "colour"));
  post (f, "/api/v1/projects", f->bob, "{\"name\":\"X\",\"type\":\"video\"}", &invalid);
  assert_error (&invalid, 400, "invalid");
  g_assert_nonnull (strstr (invalid.text, "video"));
  post (f, "/api/v1/projects", f->bob, "{\"name\":", &not_json);
  assert_error (&not_json, 400, "bad-request");
}

static void
test_members (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *id = create_project (f);
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%s/members", id);
  g_autofree char *role = NULL;
  g_auto(CalqueHttpResponse) added = { 0 };
  g_auto(CalqueHttpResponse) by_annotator = { 0 };
  g_auto(CalqueHttpResponse) by_outsider = { 0 };
  g_auto(CalqueHttpResponse) nobody = { 0 };
  g_auto(CalqueHttpResponse) unknown_project = { 0 };

  post (f, path, f->bob, "{\"user\":\"alice\",\"role\":\"annotator\"}", &added);
  g_assert_cmpuint (added.status, ==, 201);
  role = role_in (f, f->alice, id);
  g_assert_cmpstr (role, ==, "annotator");

  /* An annotator cannot add members… */
  post (f, path, f->alice, "{\"user\":\"dave\",\"role\":\"annotator\"}", &by_annotator);
  assert_error (&by_annotator, 403, "forbidden");
  /* …an outsider learns nothing, not even that the project exists… */
  post (f, path, f->dave, "{\"user\":\"dave\",\"role\":\"owner\"}", &by_outsider);
  assert_error (&by_outsider, 404, "not-found");
  post (f, "/api/v1/projects/0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d90/members", f->dave,
        "{\"user\":\"dave\",\"role\":\"owner\"}", &unknown_project);
  assert_error (&unknown_project, 404, "not-found");
  g_assert_cmpstr (by_outsider.text, ==, unknown_project.text);
  /* …and only existing users with a real role can be added. */
  post (f, path, f->bob, "{\"user\":\"zoe\",\"role\":\"annotator\"}", &nobody);
  assert_error (&nobody, 400, "bad-request");
}

static void
put_blob (Fixture *f, const char *sha, const char *auth, const char *bytes, gssize len, CalqueHttpResponse *r)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/blobs/%s", sha);

  calque_server_fixture_request (&f->server, SOUP_METHOD_PUT, path, auth, "application/octet-stream",
                                 bytes, len, r);
}

static void
get_blob (Fixture *f, const char *sha, const char *auth, CalqueHttpResponse *r)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/blobs/%s", sha);

  calque_server_fixture_request (&f->server, SOUP_METHOD_GET, path, auth, NULL, NULL, 0, r);
}

/* An item of @project_id using @sha, written straight into the server's
 * store, as a sync push would. */
static void
add_item (Fixture *f, const char *project_id, const char *sha)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueServerStore) store = calque_sqlite_store_open (f->server.data_dir, &error);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_apply_result_free);
  CalqueMergeOptions options = { .now_ms = g_get_real_time () / 1000, .max_ahead_ms = -1, .make_conflicts = TRUE };
  char id[37];
  CalqueChange *item;

  g_assert_no_error (error);
  calque_uuid7_generate (id);
  item = calque_change_new ("0192d4e8-7c4b-7a31-9f02-00000000000a", 1, CALQUE_KIND_ITEM, id, project_id);
  item->hlc.time = (guint64) options.now_ms << 16;
  calque_change_set_field (item, "media", json_node_init_string (json_node_alloc (), "image"));
  calque_change_set_field (item, "name", json_node_init_string (json_node_alloc (), "a.png"));
  calque_change_set_field (item, "sha256", json_node_init_string (json_node_alloc (), sha));
  calque_change_set_field (item, "width", json_node_init_int (json_node_alloc (), 4));
  calque_change_set_field (item, "height", json_node_init_int (json_node_alloc (), 4));
  g_ptr_array_add (batch, item);
  g_assert_true (calque_server_store_apply (store, project_id, batch, "bob", &options, results, &error));
  g_assert_null (((CalqueApplyResult *) g_ptr_array_index (results, 0))->error_code);
}

/* The status line the server answers a request whose headers alone are
 * sent: a 2 GB upload must be refused before its body. */
static char *
status_for_headers_only (Fixture *f, const char *request)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) in = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", f->server.port, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                            request, strlen (request), NULL, NULL, &error));
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  return g_data_input_stream_read_line (in, NULL, NULL, &error);
}

static void
test_blobs (Fixture       *f,
            gconstpointer  data)
{
  static const char bytes[] = "\x89PNG not really, but bytes";
  g_autofree char *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) bytes, sizeof bytes - 1);
  g_autofree char *other_sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "something else", -1);
  g_autofree char *project = create_project (f);
  g_autofree char *members = g_strdup_printf ("/api/v1/projects/%s/members", project);
  g_autofree char *big = NULL;
  g_autofree char *status = NULL;
  g_auto(CalqueHttpResponse) up = { 0 }, again = { 0 }, wrong = { 0 }, by_alice = { 0 }, bad_name = { 0 };
  g_auto(CalqueHttpResponse) as_admin = { 0 }, as_member = { 0 }, as_outsider = { 0 }, missing = { 0 };
  g_auto(CalqueHttpResponse) added = { 0 }, anonymous = { 0 };

  put_blob (f, sha, f->bob, bytes, sizeof bytes - 1, &up);
  g_assert_cmpuint (up.status, ==, 201);
  put_blob (f, sha, f->bob, bytes, sizeof bytes - 1, &again);
  g_assert_cmpuint (again.status, ==, 200);

  /* Bytes that are not what the name says are refused and not kept. */
  put_blob (f, other_sha, f->bob, bytes, sizeof bytes - 1, &wrong);
  g_assert_cmpuint (wrong.status, ==, 400);
  g_assert_nonnull (strstr (wrong.text, "hash-mismatch"));
  get_blob (f, other_sha, f->bob, &missing);
  g_assert_cmpuint (missing.status, ==, 404);

  /* Uploading is importing: not for someone with no project to import to. */
  put_blob (f, sha, f->alice, bytes, sizeof bytes - 1, &by_alice);
  assert_error (&by_alice, 403, "forbidden");
  /* libsoup itself refuses an escaped "..": any refusal will do there. */
  put_blob (f, "..%2F..%2Fetc%2Fpasswd", f->bob, bytes, sizeof bytes - 1, &bad_name);
  g_assert_cmpuint (bad_name.status, >=, 400);
  g_assert_cmpuint (bad_name.status, <, 500);
  {
    g_auto(CalqueHttpResponse) short_name = { 0 };

    put_blob (f, "abc", f->bob, bytes, sizeof bytes - 1, &short_name);
    assert_error (&short_name, 404, "not-found");
  }

  /* A 2 GB upload is refused from its headers, before any of its body. */
  big = g_strdup_printf ("PUT /api/v1/blobs/%s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: %s\r\n"
                         "Content-Type: application/octet-stream\r\nContent-Length: 2147483648\r\n"
                         "Expect: 100-continue\r\n\r\n",
                         sha, f->bob);
  status = status_for_headers_only (f, big);
  g_assert_nonnull (status);
  g_assert_true (g_str_has_prefix (status, "HTTP/1.1 413"));

  /* Reading: the admin; a member of a project whose item uses it; nobody else. */
  add_item (f, project, sha);
  post (f, members, f->bob, "{\"user\":\"alice\",\"role\":\"annotator\"}", &added);
  g_assert_cmpuint (added.status, ==, 201);
  get_blob (f, sha, f->bob, &as_admin);
  g_assert_cmpuint (as_admin.status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (as_admin.headers, NULL), ==, "application/octet-stream");
  g_assert_cmpmem (as_admin.text, strlen (as_admin.text), bytes, sizeof bytes - 1);
  get_blob (f, sha, f->alice, &as_member);
  g_assert_cmpuint (as_member.status, ==, 200);
  get_blob (f, sha, f->dave, &as_outsider);
  g_assert_cmpuint (as_outsider.status, ==, 404);
  g_assert_cmpstr (as_outsider.text, ==, missing.text);
  get_blob (f, sha, NULL, &anonymous);
  g_assert_cmpuint (anonymous.status, ==, 401);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/api/create-project", test_create_project);
  ADD ("/api/members", test_members);
  ADD ("/api/blobs", test_blobs);
  return g_test_run ();
}
