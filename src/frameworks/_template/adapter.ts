// Copy this folder to src/frameworks/<fw>/ to add a framework: fill in detect(), list the adapter in
// ../index.ts, and put everything else the framework needs beside it: routes.ts (a PyKnowledge, RustKnowledge
// or JsKnowledge, loaded through `routes.load`), and where fks scaffolds it, health.ts, guards.ts and
// resilience.ts. The layer rules let this folder import only its own files, src/lang, src/io, the model and
// the shared toolkits in ../health and ../resilience.
import { firstEvidence, type FrameworkAdapter } from "../types.js";

export const template: FrameworkAdapter = {
  id: "template",
  language: "python",
  priority: 0,
  detect: (facts) => (facts.language === "python" ? firstEvidence(facts, ["template-package"], ["template_module"]) : undefined),
};
