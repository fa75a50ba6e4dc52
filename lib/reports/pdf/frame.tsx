import { Page, Text, View } from "./primitives";
import type { ReactNode } from "react";
import type { EvidenceMeta } from "../evidence-data";
import { PageNumber } from "./page-numbers";
import { s } from "./styles";

/**
 * One section's pages: running header (tenant, title) and footer (generated at, page x of y). Each section starts a
 * page of its own, so a table's repeated header stays within its section.
 */
export function SectionPage({
  meta,
  docTitle,
  title,
  children,
  bookmark,
}: {
  meta: Pick<EvidenceMeta, "tenant" | "generatedAt">;
  docTitle: string;
  title: string;
  children: ReactNode;
  bookmark?: boolean;
}) {
  return (
    <Page size="A4" style={s.page} wrap bookmark={bookmark === false ? undefined : title}>
      <View style={s.header} fixed>
        <Text>
          {docTitle} - {meta.tenant}
        </Text>
        <Text>{title}</Text>
      </View>
      {children}
      <View style={s.footer} fixed>
        <Text>Generated {meta.generatedAt.replace("T", " ").slice(0, 19)} UTC by CertifyClouds</Text>
        <PageNumber size={s.footer.fontSize} colour={s.footer.color} />
      </View>
    </Page>
  );
}

export function Heading({ children }: { children: string }) {
  return <Text style={s.h1}>{children}</Text>;
}

export function Kpis({ items }: { items: { label: string; value: string; colour?: string }[] }) {
  return (
    <View style={s.kpis} wrap={false}>
      {items.map((k) => (
        <View key={k.label} style={s.kpi}>
          <Text style={[s.kpiValue, k.colour ? { color: k.colour } : {}]}>{k.value}</Text>
          <Text style={s.kpiLabel}>{k.label}</Text>
        </View>
      ))}
    </View>
  );
}

export const pct = (n: number | null | undefined) => (n === null || n === undefined ? "n/a" : `${n.toFixed(1)}`);
export const utc = (iso: string | null | undefined) => (iso ? `${iso.replace("T", " ").slice(0, 16)} UTC` : "-");
