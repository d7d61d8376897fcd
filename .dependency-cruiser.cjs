/** Layer rules from DESIGN.md "Layers"; CI fails on any violation. */
const heavyCli = "^(commander|chalk|ora|cli-table3|picocolors)$";
module.exports = {
  forbidden: [
    { name: "no-cycles", severity: "error", from: {}, to: { circular: true } },
    {
      name: "core-stays-headless",
      comment: "features and frameworks never reach for CLI libraries, renderers or commands",
      severity: "error",
      from: { path: "^src/(features|frameworks|lang|config)/" },
      to: { path: ["^src/(report|commands)/", "^src/cli\\.ts$", `node_modules/(${heavyCli.slice(2, -2)})/`] },
    },
    {
      name: "side-effects-at-the-edge",
      comment: "only io/ talks to undici, dockerode and child processes",
      severity: "error",
      from: { pathNot: "^src/io/" },
      to: { path: ["node_modules/(undici|dockerode)/", "^(child_process|node:child_process)$"] },
    },
    {
      name: "fs-writes-through-io",
      comment: "file writes go through io/ so they stay atomic",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/io/" },
      to: { path: "^(fs|node:fs|fs/promises|node:fs/promises)$" },
    },
    {
      name: "report-is-pure",
      comment: "renderers take a result and return a string",
      severity: "error",
      from: { path: "^src/report/" },
      to: { path: ["^src/(io|commands|features)/", "^(fs|node:fs|node:child_process|child_process)$"], dependencyTypesNot: ["type-only"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
