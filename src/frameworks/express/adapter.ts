import { firstEvidence, type FrameworkAdapter } from "../types.js";

export const express: FrameworkAdapter = {
  id: "express",
  language: "javascript",
  priority: 20,
  detect: (facts) => (facts.language === "javascript" || facts.language === "typescript" ? firstEvidence(facts, ["express"], ["express"]) : undefined),
  routes: { language: "javascript", load: async () => [(await import("./routes.js")).expressRoutes] },
};
