import { createRequire } from "node:module";
import type TableType from "cli-table3";
import pc from "picocolors";

export interface Style {
  color: boolean;
}

let Table: typeof TableType | undefined;

/** A plain, borderless table that reads well in a terminal and in CI logs. */
export function renderTable(head: string[], rows: string[][], style: Style): string {
  const colors = pc.createColors(style.color);
  // Loaded on the first table only: JSON output (split-plan --format json) pays nothing for it.
  Table ??= createRequire(import.meta.url)("cli-table3") as typeof TableType;
  const t = new Table({
    head: head.map((h) => colors.bold(h)),
    style: { head: [], border: [], compact: true, "padding-left": 0, "padding-right": 2 },
    chars: {
      top: "", "top-mid": "", "top-left": "", "top-right": "", bottom: "", "bottom-mid": "", "bottom-left": "", "bottom-right": "",
      left: "", "left-mid": "", mid: "", "mid-mid": "", right: "", "right-mid": "", middle: "",
    },
  });
  for (const r of rows) t.push(r);
  return t.toString().split("\n").map((l) => l.trimEnd()).join("\n") + "\n";
}

export function colorsFor(style: Style) {
  return pc.createColors(style.color);
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}
