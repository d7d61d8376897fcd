import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { walkSync } from "../../src/io/walk.js";
import { removeTree, tempTree } from "../helpers.js";

const trees: string[] = [];
afterAll(() => trees.forEach(removeTree));
const tree = (files: Record<string, string>) => {
  const t = tempTree(files);
  trees.push(t);
  return t;
};
const rels = (root: string, files: string[]) => files.map((f) => path.relative(root, f).split(path.sep).join("/")).sort();
const py = (name: string) => name.endsWith(".py");

describe("walkSync", () => {
  it("leaves out what nested .gitignore files ignore, with negations and folder-only rules", () => {
    const root = tree({
      ".gitignore": "generated/\n*.local.py\n!keep.local.py\n",
      "app/main.py": "",
      "app/settings.local.py": "",
      "app/keep.local.py": "",
      "generated/models.py": "",
      "app/generated.py": "",
      "svc/.gitignore": "build_out\n/only_here.py\n",
      "svc/build_out/x.py": "",
      "svc/only_here.py": "",
      "svc/sub/only_here.py": "",
    });
    const all = rels(root, walkSync([root], { accept: py }).files);
    expect(all).toContain("generated/models.py");
    const kept = rels(root, walkSync([root], { accept: py, gitignore: true }).files);
    expect(kept).toEqual(["app/generated.py", "app/keep.local.py", "app/main.py", "svc/sub/only_here.py"]);
  });

  it("applies the .gitignore of the repository above the scanned folder", () => {
    const repo = tree({ ".gitignore": "secret/\n", "pkg/secret/a.py": "", "pkg/open/b.py": "" });
    mkdirSync(path.join(repo, ".git"));
    expect(rels(repo, walkSync([path.join(repo, "pkg")], { accept: py, gitignore: true }).files)).toEqual(["pkg/open/b.py"]);
    // Without a repository the same file is only text.
    const loose = tree({ ".gitignore": "secret/\n", "pkg/secret/a.py": "" });
    expect(rels(loose, walkSync([path.join(loose, "pkg")], { accept: py, gitignore: true }).files)).toEqual(["pkg/secret/a.py"]);
  });

  it("with pruneData skips translation catalogs and asset folders, but not a locale package or a templates folder with source", () => {
    const root = tree({
      "app/locale/de/LC_MESSAGES/django.po": "",
      "app/locale/de/LC_MESSAGES/odd.py": "",
      "conf/locale/__init__.py": "",
      "conf/locale/de/__init__.py": "",
      "conf/locale/de/formats.py": "",
      "conf/locale/de/LC_MESSAGES/x.py": "",
      "admin/static/admin/js/vendor.py": "",
      "ui/templates/widget.py": "",
      "ui/templates/deep/x.py": "",
    });
    const pruned = rels(root, walkSync([root], { accept: py, pruneData: true }).files);
    expect(pruned).toEqual(["conf/locale/__init__.py", "conf/locale/de/__init__.py", "conf/locale/de/formats.py", "ui/templates/deep/x.py", "ui/templates/widget.py"]);
    // Other callers keep the old behaviour.
    expect(walkSync([root], { accept: py }).files.length).toBe(8);
  });

  it("still follows links inside the roots once and reports links that leave them", () => {
    const root = tree({ "a/x.py": "" });
    const outside = tree({ "y.py": "" });
    symlinkSync(path.join(root, "a"), path.join(root, "b"));
    symlinkSync(outside, path.join(root, "out"));
    writeFileSync(path.join(root, "a", "z.txt"), "");
    const r = walkSync([root], { accept: py, stats: true });
    expect(rels(root, r.files)).toEqual(["a/x.py"]);
    expect(r.stats).toHaveLength(1);
    expect(r.skipped.map((s) => s.reason)).toEqual(["symlink leads outside the scanned folders"]);
  });
});
