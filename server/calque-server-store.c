/* calque-server-store.c — the store interface and its shared pieces */
#define G_LOG_DOMAIN "calque-server-store"

#include "calque-server-store.h"
#include "calque-json-writer.h"

G_DEFINE_QUARK (calque-server-store-error-quark, calque_server_store_error)
G_DEFINE_INTERFACE (CalqueServerStore, calque_server_store, G_TYPE_OBJECT)

enum {
  CHANGES_WRITTEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
calque_server_store_default_init (CalqueServerStoreInterface *iface)
{
  /**
   * CalqueServerStore::changes-written:
   * @project_id: (nullable): the project, or NULL for any project
   * @seq: the project's last seq written, or 0 with a NULL project
   *
   * Another writer of the same database committed changes. The sync hub
   * has every session of the project read its stream again.
   */
  signals[CHANGES_WRITTEN] =
    g_signal_new ("changes-written",
                  G_TYPE_FROM_INTERFACE (iface),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT64);
}

void
calque_apply_result_free (CalqueApplyResult *result)
{
  if (result == NULL)
    return;
  g_free (result->client_id);
  g_free (result->error_code);
  g_free (result->error_message);
  g_free (result);
}

#define IFACE(self) CALQUE_SERVER_STORE_GET_IFACE (self)

gboolean
calque_server_store_apply (CalqueServerStore        *self,
                           const char               *project_id,
                           GPtrArray                *changes,
                           const char               *author,
                           const CalqueMergeOptions *options,
                           GPtrArray                *results,
                           GError                  **error)
{
  g_return_val_if_fail (CALQUE_IS_SERVER_STORE (self), FALSE);
  g_return_val_if_fail (project_id != NULL && changes != NULL && options != NULL && results != NULL, FALSE);
  return IFACE (self)->apply (self, project_id, changes, author, options, results, error);
}

const char *
calque_apply_result_code (const GError *merge_error)
{
  if (merge_error->domain != CALQUE_MERGE_ERROR)
    return "invalid";
  switch (merge_error->code)
    {
    case CALQUE_MERGE_ERROR_MISMATCH: return "conflict-kind";
    case CALQUE_MERGE_ERROR_CLOCK_AHEAD: return "clock-ahead";
    case CALQUE_MERGE_ERROR_DELETED: return "deleted";
    case CALQUE_MERGE_ERROR_INVALID:
    default: return "invalid";
    }
}

CalqueEncodedChange *
calque_encoded_change_new (const CalqueChange *change)
{
  g_autoptr(JsonNode) node = calque_change_to_json (change);
  CalqueEncodedChange *encoded = g_new (CalqueEncodedChange, 1);

  encoded->seq = change->seq;
  encoded->json = calque_json_node_to_string (node, NULL);
  return encoded;
}

void
calque_encoded_change_free (CalqueEncodedChange *change)
{
  if (change == NULL)
    return;
  g_free (change->json);
  g_free (change);
}

GPtrArray *
calque_server_store_changes_since_json (CalqueServerStore  *self,
                                        const char         *project_id,
                                        gint64              after_seq,
                                        guint               limit,
                                        GError            **error)
{
  g_autoptr(GPtrArray) changes = NULL;
  GPtrArray *encoded;

  g_return_val_if_fail (CALQUE_IS_SERVER_STORE (self), NULL);
  g_return_val_if_fail (project_id != NULL, NULL);

  if (IFACE (self)->changes_since_json != NULL)
    return IFACE (self)->changes_since_json (self, project_id, after_seq, limit, error);

  changes = calque_server_store_changes_since (self, project_id, after_seq, limit, error);
  if (changes == NULL)
    return NULL;
  encoded = g_ptr_array_new_full (changes->len, (GDestroyNotify) calque_encoded_change_free);
  for (guint i = 0; i < changes->len; i++)
    g_ptr_array_add (encoded, calque_encoded_change_new (g_ptr_array_index (changes, i)));
  return encoded;
}

gboolean
calque_server_store_group_begin (CalqueServerStore  *self,
                                 GError            **error)
{
  g_return_val_if_fail (CALQUE_IS_SERVER_STORE (self), FALSE);
  if (IFACE (self)->group_begin == NULL)
    return TRUE;
  return IFACE (self)->group_begin (self, error);
}

gboolean
calque_server_store_group_commit (CalqueServerStore  *self,
                                  GError            **error)
{
  g_return_val_if_fail (CALQUE_IS_SERVER_STORE (self), FALSE);
  if (IFACE (self)->group_commit == NULL)
    return TRUE;
  return IFACE (self)->group_commit (self, error);
}

GPtrArray *
calque_server_store_changes_since (CalqueServerStore *self,
                                   const char        *project_id,
                                   gint64             after_seq,
                                   guint              limit,
                                   GError           **error)
{
  g_return_val_if_fail (CALQUE_IS_SERVER_STORE (self), NULL);
  g_return_val_if_fail (project_id != NULL, NULL);
  return IFACE (self)->changes_since (self, project_id, after_seq, limit, error);
}

gint64
calque_server_store_get_head (CalqueServerStore *self,
                              const char        *project_id,
                              GError           **error)
{
  g_return_val_if_fail (CALQUE_IS_SERVER_STORE (self), -1);
  return IFACE (self)->get_head (self, project_id, error);
}

CalqueRecord *
calque_server_store_get_record (CalqueServerStore *self,
                                const char        *id,
                                GError           **error)
{
  g_return_val_if_fail (CALQUE_IS_SERVER_STORE (self), NULL);
  return IFACE (self)->get_record (self, id, error);
}

GPtrArray *
calque_server_store_list_records (CalqueServerStore *self,
                                  const char        *project_id,
                                  CalqueKind         kind,
                                  GError           **error)
{
  g_return_val_if_fail (CALQUE_IS_SERVER_STORE (self), NULL);
  return IFACE (self)->list_records (self, project_id, kind, error);
}

GPtrArray *
calque_server_store_list_items_with_blob (CalqueServerStore *self,
                                          const char        *sha256,
                                          GError           **error)
{
  g_return_val_if_fail (CALQUE_IS_SERVER_STORE (self), NULL);
  return IFACE (self)->list_items_with_blob (self, sha256, error);
}

GPtrArray *
calque_server_store_list_memberships (CalqueServerStore *self,
                                      const char        *user,
                                      GError           **error)
{
  g_return_val_if_fail (CALQUE_IS_SERVER_STORE (self), NULL);
  return IFACE (self)->list_memberships (self, user, error);
}

gboolean
calque_server_store_add_user (CalqueServerStore *self,
                              const char        *name,
                              const char        *password_hash,
                              gboolean           admin,
                              GError           **error)
{
  g_return_val_if_fail (CALQUE_IS_SERVER_STORE (self), FALSE);
  return IFACE (self)->add_user (self, name, password_hash, admin, error);
}

gboolean
calque_server_store_get_user (CalqueServerStore *self,
                              const char        *name,
                              char             **out_password_hash,
                              gboolean          *out_admin,
                              GError           **error)
{
  g_return_val_if_fail (CALQUE_IS_SERVER_STORE (self), FALSE);
  return IFACE (self)->get_user (self, name, out_password_hash, out_admin, error);
}

gboolean
calque_server_store_add_token (CalqueServerStore *self,
                               const char        *token_hash,
                               const char        *user,
                               gint64             expires_s,
                               GError           **error)
{
  g_return_val_if_fail (CALQUE_IS_SERVER_STORE (self), FALSE);
  return IFACE (self)->add_token (self, token_hash, user, expires_s, error);
}

gboolean
calque_server_store_lookup_token (CalqueServerStore *self,
                                  const char        *token_hash,
                                  char             **out_user,
                                  gint64            *out_expires_s,
                                  GError           **error)
{
  g_return_val_if_fail (CALQUE_IS_SERVER_STORE (self), FALSE);
  return IFACE (self)->lookup_token (self, token_hash, out_user, out_expires_s, error);
}

gboolean
calque_server_store_revoke_token (CalqueServerStore *self,
                                  const char        *token_hash,
                                  GError           **error)
{
  g_return_val_if_fail (CALQUE_IS_SERVER_STORE (self), FALSE);
  return IFACE (self)->revoke_token (self, token_hash, error);
}

void
calque_server_store_emit_changes_written (CalqueServerStore *self,
                                          const char        *project_id,
                                          gint64             seq)
{
  g_return_if_fail (CALQUE_IS_SERVER_STORE (self));
  g_signal_emit (self, signals[CHANGES_WRITTEN], 0, project_id, seq);
}
