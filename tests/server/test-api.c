/* test-api.c — projects and members over HTTP, on the real server
 *
 * bob is a server admin; alice and dave are plain users.
 */
#include "calque-server-fixture.h"

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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/api/create-project", test_create_project);
  ADD ("/api/members", test_members);
  return g_test_run ();
}
