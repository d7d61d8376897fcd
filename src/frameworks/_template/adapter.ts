// Copy this file to add a framework: fill in detect(), then list the adapter in index.ts.
import { firstEvidence, type FrameworkAdapter } from "./types.js";

export const template: FrameworkAdapter = {
  id: "template",
  language: "python",
  priority: 0,
  detect: (facts) => (facts.language === "python" ? firstEvidence(facts, ["template-package"], ["template_module"]) : undefined),
};
