"use client";
import { Link } from "@/app/_components/link";
import { formatNumber, formatRelative } from "@/app/_components/format";
import { cellDetailClass, linkedRowClass, rowLinkClass } from "@/app/_components/row-link";
import { AccessBadge } from "@/app/_components/status";
import { vaultInventoryHref, vaultHref } from "@/lib/inventory/ids";
import {
  authModel,
  diagnostics,
  network,
  purgeProtection,
  softDelete,
  type PostureFacts,
} from "../../_components/posture";
import css from "./vault-rows.module.css";

/** One vault row as plain data: the page sends data, not a rendered element tree, for its (up to 500) rows. */
export interface VaultRowData extends PostureFacts {
  /** the ARM id; the row's links are built from it (vaultHref, vaultInventoryHref) rather than sent three times */
  id: string;
  name: string;
  resourceGroup: string;
  location: string | null;
  subscriptionId: string;
  subscriptionName: string | null;
  accessStatus: string;
  lastScannedAt: string | null;
  unreadable: boolean;
  /** objects as of the last listing that succeeded; `lastKnown` only when the vault was ever listed */
  liveObjects: number;
  lastKnown: number | null;
  atRisk: number;
}

/**
 * The vault list's table body, a client component for the reason the inventory's rows are (asset-rows.tsx): with 100
 * rows of five posture pills each, rendered markup was four fifths of a 725 KB page and most of its server time. Same
 * HTML as DataTable's rows; the first cell links the whole row to the vault page.
 */
export function VaultRows({ rows, now }: { rows: VaultRowData[]; now: number }) {
  const at = new Date(now);
  return rows.map((v) => (
    <tr key={v.id} className={linkedRowClass}>
      <td>
        <Link href={vaultHref(v.id)} className={rowLinkClass}>
          <span className={css.nowrap}>{v.name}</span>
        </Link>
        <div className={cellDetailClass}>
          {v.resourceGroup} · {v.location ?? "—"}
          <div className={css.subscription} title={v.subscriptionId}>
            {v.subscriptionName ?? v.subscriptionId}
          </div>
        </div>
      </td>
      <td>
        <AccessBadge status={v.accessStatus} />
        <div className={cellDetailClass}>
          <span className={css.scanned}>
            scanned {formatRelative(v.lastScannedAt ? new Date(v.lastScannedAt) : null, at)}
          </span>
        </div>
      </td>
      <td>{authModel(v)}</td>
      <td>
        <div className={css.posture}>
          <span>
            <span className={css.label14}>Soft del.</span>
            {softDelete(v)}
          </span>
          <span>
            <span className={css.label14}>Purge</span>
            {purgeProtection(v)}
          </span>
        </div>
      </td>
      <td>
        <div className={css.posture}>
          <span>
            <span className={css.label10}>Net</span>
            {network(v)}
          </span>
          <span>
            <span className={css.label10}>Diag.</span>
            {diagnostics(v)}
          </span>
        </div>
      </td>
      <td className={css.objects}>
        {v.unreadable ? (
          <span className={css.notReadable}>not readable</span>
        ) : (
          <Link href={vaultInventoryHref(v.id)}>{formatNumber(v.liveObjects)}</Link>
        )}
        {(v.lastKnown !== null || v.atRisk > 0) && (
          <div className={cellDetailClass}>
            {v.lastKnown !== null && (
              <Link href={vaultInventoryHref(v.id)} className={css.lastKnown}>
                last known {formatNumber(v.lastKnown)}
              </Link>
            )}
            {v.atRisk > 0 && <span className={css.atRisk}>{v.atRisk} at risk</span>}
          </div>
        )}
      </td>
    </tr>
  ));
}
