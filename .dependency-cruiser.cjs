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
      name: "framework-in-one-folder",
      comment:
        "a framework's folder holds all it knows (detection, routes, health, guards, resilient client) and imports only its own files, the shared language layer, io, the model and the shared framework toolkits; FastAPI builds on Starlette's route reader and Fastify on Express's",
      severity: "error",
      from: { path: "^src/frameworks/(?!health/|resilience/)([^/]+)/" },
      to: {
        path: "^src/",
        pathNot: [
          "^src/frameworks/$1/",
          "^src/frameworks/(types|python-routes|route-graph)\\.ts$",
          "^src/frameworks/(health|resilience)/",
          "^src/frameworks/(starlette|express)/routes\\.ts$",
          "^src/(lang|io)/",
          "^src/(model|errors)\\.ts$",
        ],
      },
    },
    {
      name: "shared-toolkits-know-no-framework",
      comment: "the shared health and resilience toolkits serve every framework and name none",
      severity: "error",
      from: { path: "^src/frameworks/(health|resilience)/" },
      to: { path: "^src/frameworks/(?!health/|resilience/)[^/]+/" },
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
