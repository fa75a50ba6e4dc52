/**
 * A synthetic estate generated inside the database (generate_series): 100k assets in a few seconds, no round trip per
 * row. Shared by the benchmarks (bench:ui, bench:export) and the fuzz suite, which seeds a small one. `exec` runs one
 * SQL statement on a migrated database (pg.Client.query, or drizzle's execute on either driver).
 */
export interface EstateSize {
  assets: number;
  subscriptions: number;
  vaults: number;
  /** App registrations (each gets three credentials). */
  apps: number;
  scans: number;
}

export const BENCH_ESTATE: EstateSize = { assets: 100_000, subscriptions: 20, vaults: 500, apps: 2000, scans: 30 };

export async function seedEstate(exec: (sql: string) => Promise<unknown>, size: EstateSize): Promise<void> {
  const { assets: ASSETS, subscriptions: SUBS, vaults: VAULTS, apps: APPS, scans: SCANS } = size;
  const sub = (n: string) => `lpad(to_hex(${n}), 8, '0') || '-0000-4000-8000-00000000b00c'`;
  await exec(`insert into subscriptions (id, tenant_id, display_name, state)
    select ${sub("s")}, '11111111-2222-3333-4444-555555555555', 'Bench subscription ' || s, 'Enabled' from generate_series(0, ${SUBS - 1}) s`);
  await exec(`insert into vaults (id, subscription_id, resource_group, name, location, vault_uri, sku, enable_rbac_authorization, enable_soft_delete,
      soft_delete_retention_days, enable_purge_protection, public_network_access, network_default_action, ip_rule_count, vnet_rule_count,
      private_endpoint_count, access_policy_count, diagnostics_enabled, tags, access_status, access_error, object_count, last_scanned_at)
    select '/subscriptions/' || ${sub(`(v % ${SUBS})`)} || '/resourcegroups/rg-' || v || '/providers/microsoft.keyvault/vaults/kv-bench-' || v,
      ${sub(`(v % ${SUBS})`)}, 'rg-' || v, 'kv-bench-' || v, (array['westeurope','northeurope','eastus'])[v % 3 + 1],
      'https://kv-bench-' || v || '.vault.azure.net/', 'standard', v % 3 <> 0, true, 90, v % 2 = 0,
      case when v % 5 = 0 then 'Disabled' else 'Enabled' end, case when v % 4 = 0 then 'Deny' else 'Allow' end, v % 3, v % 2, v % 5, 3, v % 6 <> 0,
      jsonb_build_object('env', (array['prod','dev','test'])[v % 3 + 1]),
      case when v % 25 = 0 then 'firewall' when v % 40 = 0 then 'permission' else 'ok' end,
      case when v % 25 = 0 then '{"code":"ForbiddenByFirewall","message":"Client address is not authorized","remediation":"Allow the scanner egress IP."}'::jsonb end,
      ${Math.round(ASSETS / VAULTS)}, now() - interval '1 hour'
    from generate_series(0, ${VAULTS - 1}) v`);
  await exec(`insert into assets (vault_id, subscription_id, type, name, object_id, current_version, enabled, expires_on, created_on, updated_on,
      content_type, tags, version_count, status, detail, removed_at)
    select '/subscriptions/' || ${sub(`((i % ${VAULTS}) % ${SUBS})`)} || '/resourcegroups/rg-' || (i % ${VAULTS}) || '/providers/microsoft.keyvault/vaults/kv-bench-' || (i % ${VAULTS}),
      ${sub(`((i % ${VAULTS}) % ${SUBS})`)},
      case when i % 10 < 6 then 'secret' when i % 10 < 8 then 'certificate' else 'key' end,
      (array['db','api','tls','sp','storage','sql','redis','jwt'])[i % 8 + 1] || '-' || i,
      'https://kv-bench-' || (i % ${VAULTS}) || '.vault.azure.net/objects/obj-' || i, md5(i::text), i % 50 <> 0,
      e.exp, now() - interval '400 days', now() - ((i % 300) || ' days')::interval,
      case when i % 10 < 6 then 'text/plain' end,
      jsonb_build_object('env', (array['prod','dev','test'])[i % 3 + 1], 'owner', 'team-' || (i % 17)),
      1 + i % 5,
      case when e.exp is null then 'healthy' when e.exp < now() then 'expired' when e.exp < now() + interval '7 days' then 'critical'
           when e.exp < now() + interval '30 days' then 'warning' else 'healthy' end,
      '{}'::jsonb, case when i % 100 = 0 then now() - interval '1 day' end
    from generate_series(1, ${ASSETS}) i
    cross join lateral (select case when i % 8 = 0 then null else now() + (((i * 7919) % 800) - 100 || ' days')::interval end as exp) e`);
  await exec(`insert into app_registrations (id, kind, app_id, display_name, owners)
    select 'app-' || a, case when a % 2 = 0 then 'application' else 'servicePrincipal' end, md5('app' || (a / 2))::uuid::text, 'Bench app ' || (a / 2),
      case when a % 7 = 0 then '[]'::jsonb else '[{"id":"u1","displayName":"Owner"}]'::jsonb end
    from generate_series(1, ${APPS}) a`);
  await exec(`insert into app_credentials (app_object_id, key_id, type, display_name, hint, start_date_time, end_date_time, status)
    select 'app-' || a, md5(a || '-' || k), case when k = 1 then 'certificate' else 'password' end, 'cred ' || k, 'abc', now() - interval '200 days', e.endt,
      case when e.endt < now() then 'expired' when e.endt < now() + interval '7 days' then 'critical' when e.endt < now() + interval '30 days' then 'warning' else 'healthy' end
    from generate_series(1, ${APPS}) a cross join generate_series(1, 3) k
    cross join lateral (select now() + ((((a * 31 + k * 97) % 500) - 60) || ' days')::interval as endt) e`);
  await exec(`insert into scan_runs (mode, trigger, requested_by, status, created_at, started_at, finished_at, vaults_total, vaults_done, vaults_failed, objects_seen, apps_seen, error_count)
    select 'delta', 'schedule', 'system:scan', 'completed_with_errors', now() - (s || ' hours')::interval, now() - (s || ' hours')::interval,
      now() - (s || ' hours')::interval + interval '4 minutes', ${VAULTS}, ${VAULTS}, 32, ${ASSETS}, ${APPS}, 32
    from generate_series(1, ${SCANS}) s`);
  await exec("analyze");
}
