import type { Finding } from "../../model.js";
import type { DriftHunk } from "./drift.js";

/** One file of a set of copies. */
export interface CopyMember {
  service: string;
  /** Relative to the working folder. */
  file: string;
  lines: number;
  /** Files with the same normalised text share a version number; 0 is the most common version. */
  version: number;
}

/** A file that exists, identical or nearly so, in several services. */
export interface CopiedFile {
  /** Its path inside the copied folder (`db/session.py`), or its own name for loose files. */
  name: string;
  members: CopyMember[];
  /** All members have the same normalised text. */
  identical: boolean;
  /** Lowest token similarity (0–1) between a member and the copy it was matched to; 1 when identical. */
  similarity: number;
  /** Identifiers renamed between the copies (`User` → `Account`), most frequent first. */
  renamed: Array<{ from: string; to: string; count: number }>;
  /** A file of the most common version, the one drift is measured against. */
  reference: string;
  /** No version is more common than the others: the reference is simply the first by service and path. */
  tie: boolean;
  /** Every member that differs from the reference, with its differing line ranges. */
  drift: Array<{ service: string; file: string; added: number; removed: number; hunks: DriftHunk[] }>;
}

/** A folder (or a service's loose files) copied into several services: one finding. */
export interface CopiedFolder {
  /** The folder's name (`framework`), or "" for files at a service's top level. */
  name: string;
  /** Where each copy lives, one entry per service and folder. */
  folders: Array<{ service: string; path: string }>;
  files: CopiedFile[];
}

/** The same method and path served by two or more services. */
export interface RouteServedTwice {
  method: string;
  path: string;
  services: Array<{ service: string; file: string; line: number; handler: string; method: string }>;
}

export interface OverlapResult {
  roots: string[];
  services: Array<{ name: string; dir: string }>;
  copies: CopiedFolder[];
  routes: RouteServedTwice[];
  findings: Finding[];
  /** Files that could not be read, or were too deep to compare; never fatal. */
  diagnostics: Finding[];
  stats: {
    files: number;
    compared: number;
    skipped: Record<string, number>;
    distinct: number;
    candidates: number;
    verified: number;
    routes: number;
    /** Probe and documentation paths every service serves on its own host, not counted as overlap. */
    probeRoutesIgnored: number;
  };
}

export const OVERLAP_RULES = [
  { id: "overlap/copied-module", description: "Source files copied, identical or near-identical, into two or more services: one finding per copied folder." },
  { id: "overlap/copy-drift", description: "A copy differs from the most common version of the same file: the lines added and removed." },
  { id: "overlap/route-served-twice", description: "The same method and normalised path is served by two or more services." },
] as const;
