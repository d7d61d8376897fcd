/**
 * Gives the whole run one temporary folder and removes it afterwards, so the trees that tests
 * write (and the folders servers, cargo and Python create under TMPDIR) never pile up in /tmp.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export default function setup(): () => void {
  const dir = mkdtempSync(path.join(tmpdir(), "fks-tests-"));
  // Workers start after global setup and inherit this environment, so os.tmpdir() points here.
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
